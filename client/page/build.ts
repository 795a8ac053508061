import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Bundles the upload page into edge/public/, which the edge Worker serves as static assets.
 * wrangler runs this before `wrangler dev` and `wrangler deploy` (`[build]` in wrangler.toml).
 * A file is written only when its bytes change: `wrangler dev` reloads on every write.
 */
const pageDir = dirname(fileURLToPath(import.meta.url));
const outDir = join(pageDir, '../../edge/public');
/** Beside edge/public on the same disk, so a rename moves a finished file in at once. */
const stagingDir = join(pageDir, '../../edge/.public-staging');

async function writeIfChanged(path: string, bytes: Uint8Array): Promise<boolean> {
  const current = await readFile(path).catch(() => null);
  if (current && Buffer.compare(current, bytes) === 0) return false;
  await mkdir(dirname(path), { recursive: true });
  // Written aside and renamed into place: test stacks starting side by side each run this build,
  // and a server must never read a half-written file. The aside copy lives outside edge/public,
  // which running `wrangler dev` servers watch and would otherwise see appear and vanish.
  await mkdir(stagingDir, { recursive: true });
  const aside = join(stagingDir, `${basename(path)}.${process.pid}.tmp`);
  await writeFile(aside, bytes);
  await rename(aside, path);
  return true;
}

async function main(): Promise<void> {
  const started = Date.now();
  const result = await build({
    entryPoints: [join(pageDir, 'src/main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    // The player's hls.js becomes a chunk of its own, fetched only when a video is ready to play.
    splitting: true,
    outdir: outDir,
    entryNames: 'app',
    chunkNames: 'chunks/[name]-[hash]',
    write: false,
    logLevel: 'warning',
    legalComments: 'linked',
  });
  const files = [
    ...result.outputFiles.map((file) => ({ path: file.path, bytes: file.contents })),
    { path: join(outDir, 'index.html'), bytes: await readFile(join(pageDir, 'index.html')) },
    { path: join(outDir, 'styles.css'), bytes: await readFile(join(pageDir, 'styles.css')) },
  ];
  let written = 0;
  for (const file of files) if (await writeIfChanged(file.path, file.bytes)) written++;
  // Chunks are named by content hash: the ones an earlier build left behind are no longer used.
  const current = new Set(files.map((file) => file.path));
  const chunksDir = join(outDir, 'chunks');
  for (const name of await readdir(chunksDir).catch(() => [] as string[])) {
    if (!current.has(join(chunksDir, name))) await rm(join(chunksDir, name), { force: true });
  }
  process.stdout.write(`upload page: ${written} of ${files.length} files written to edge/public in ${Date.now() - started} ms\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`building the upload page failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
