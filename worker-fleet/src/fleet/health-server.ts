import { createServer, type Server } from 'node:http';

export interface FleetStats {
  running: number;
  done: number;
  failed: number;
  released: number;
  oldestMessageAgeSeconds: number;
  stopping: boolean;
}

/**
 * Loopback-only health and metrics: `GET /healthz` (JSON; 503 while draining) and
 * `GET /metrics` (Prometheus text), for the load balancer check and the node exporter.
 */
export async function startHealthServer(port: number, stats: () => FleetStats): Promise<Server> {
  const server = createServer((request, response) => {
    const current = stats();
    if (request.url === '/healthz') {
      response.writeHead(current.stopping ? 503 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: !current.stopping, ...current }));
    } else if (request.url === '/metrics') {
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      response.end(
        [
          '# HELP hoist_jobs_running Transcode jobs running now.',
          '# TYPE hoist_jobs_running gauge',
          `hoist_jobs_running ${current.running}`,
          '# HELP hoist_jobs_total Jobs finished since start, by outcome.',
          '# TYPE hoist_jobs_total counter',
          `hoist_jobs_total{outcome="done"} ${current.done}`,
          `hoist_jobs_total{outcome="failed"} ${current.failed}`,
          `hoist_jobs_total{outcome="released"} ${current.released}`,
          '# HELP hoist_oldest_message_age_seconds Age of the oldest message being worked on.',
          '# TYPE hoist_oldest_message_age_seconds gauge',
          `hoist_oldest_message_age_seconds ${current.oldestMessageAgeSeconds}`,
          '',
        ].join('\n'),
      );
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return server;
}
