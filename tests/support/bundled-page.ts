import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface BundledPage {
  url: string;
  close(): Promise<void>;
}

/**
 * Bundles a browser module with esbuild and serves it under a bare index.html on loopback: one
 * origin for as long as it runs, so a reload finds the page's IndexedDB again.
 */
export async function serveBundledPage(entry: URL, title: string): Promise<BundledPage> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-test-page-'));
  try {
    await build({
      entryPoints: [fileURLToPath(entry)],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'chrome120',
      outfile: join(dir, 'main.js'),
      logLevel: 'silent',
    });
    await writeFile(join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>${title}</title><script type="module" src="/main.js"></script>`);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const files: Record<string, [string, string]> = { '/': ['index.html', 'text/html'], '/main.js': ['main.js', 'text/javascript'] };
  const server = createServer((request, response) => {
    const file = files[request.url ?? ''];
    if (!file) return void response.writeHead(404).end();
    readFile(join(dir, file[0])).then(
      (body) => response.writeHead(200, { 'content-type': file[1] }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
