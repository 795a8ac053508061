import { createServer } from 'node:net';

export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

/** Fails with a message naming the port and the setting that moves it, if something already listens there. */
export async function assertPortFree(port: number, setting: string, host = '127.0.0.1'): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new PortInUseError(`port ${port} on ${host} is already in use; set ${setting} to another port`)
          : error,
      );
    });
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

/**
 * Ports below Linux's ephemeral range (32768-60999 by default) that nothing else hands out on its own.
 * Asking the OS for port 0 would give an ephemeral port, and between closing the probe and the real
 * listen (seconds, for wrangler or the fleet) that same port can go to anything else binding port 0
 * (workerd's internals, Chromium's debugger) or to an outgoing connection. Picking at random from a
 * range the OS never assigns by itself leaves only another test choosing the same number, and
 * `handedOut` rules that out within one process (a port goes in before it is probed, so calls
 * running at once never share one; a taken port stays in, and is not probed again).
 */
const PICK_FROM = 20_000;
const PICK_TO = 32_000;
const handedOut = new Set<number>();

/** A loopback port that is free right now, outside the OS's ephemeral range (for tests and throwaway stacks). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = PICK_FROM + Math.floor(Math.random() * (PICK_TO - PICK_FROM));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await listensCleanly(port, host)) return port;
  }
  throw new Error(`no free port between ${PICK_FROM} and ${PICK_TO} on ${host}`);
}

/** Whether `port` can be listened on now; false if something has it, an error for anything else (a bad host). */
function listensCleanly(port: number, host: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(false) : reject(error)));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}
