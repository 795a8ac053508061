import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { assertPortFree, freePort } from './ports.js';
import { readStackConfig } from './stack-config.js';

describe('local stack settings', () => {
  it('names the port and the setting that moves it when a port is taken', async () => {
    const server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      await expect(assertPortFree(port, 'HOIST_EDGE_PORT')).rejects.toThrow(
        `port ${port} on 127.0.0.1 is already in use; set HOIST_EDGE_PORT to another port`,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    await expect(assertPortFree(port, 'HOIST_EDGE_PORT')).resolves.toBeUndefined();
  });

  it('hands out distinct free ports that the OS would not give to a port-0 listener meanwhile', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    expect(new Set(ports).size).toBe(20);
    const [low] = (await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '32768')).trim().split(/\s+/).map(Number);
    for (const port of ports) expect(port).toBeLessThan(low!);
    for (const port of ports) await expect(assertPortFree(port, 'X')).resolves.toBeUndefined();
  });

  it('reads ports from the environment and rejects nonsense by name', () => {
    expect(readStackConfig({}, '/repo')).toMatchObject({ s3Port: 4569, sqsPort: 4576, edgePort: 8787, dataDir: '/repo/.data', bucket: 'hoist' });
    expect(readStackConfig({ HOIST_S3_PORT: '5000', LADDER: '480' }, '/repo')).toMatchObject({ s3Port: 5000, fleetEnv: { LADDER: '480' } });
    expect(() => readStackConfig({ HOIST_SQS_PORT: '70000' })).toThrow('HOIST_SQS_PORT: must be 1-65535');
    expect(() => readStackConfig({ HOIST_EDGE_PORT: 'eighty' })).toThrow('HOIST_EDGE_PORT: must be a port number (1-65535)');
    expect(readStackConfig({}).corsOrigins).toEqual([]);
    expect(readStackConfig({ HOIST_CORS_ORIGINS: 'http://localhost:3000, https://app.example.com' }).corsOrigins).toEqual(['http://localhost:3000', 'https://app.example.com']);
    expect(() => readStackConfig({ HOIST_CORS_ORIGINS: 'localhost:3000' })).toThrow('HOIST_CORS_ORIGINS');
    expect(readStackConfig({}).logLevel).toBe('info');
    expect(readStackConfig({ HOIST_LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(() => readStackConfig({ HOIST_LOG_LEVEL: 'loud' })).toThrow('HOIST_LOG_LEVEL: must be info or debug');
  });
});
