import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { zipSync } from 'fflate';

/**
 * `npm run build:lambda`: bundles the S3-event Lambda (handler `index.handler`, ESM, Node 20 syntax so any later Lambda runtime runs it)
 * with its dependencies, pinned AWS SDK included, and zips it for upload.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = join(root, 'dist', 'lambda');

await mkdir(outDir, { recursive: true });
const result = await build({
  entryPoints: [join(root, 'worker-fleet/src/lambda/index.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outfile: join(outDir, 'index.mjs'),
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  metafile: true,
  // Some bundled CommonJS reaches for require(); give ESM one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
const files = Object.keys(result.metafile.outputs).map((output) => join(root, output));
const zip = zipSync(
  Object.fromEntries(await Promise.all(files.map(async (file) => [file.slice(outDir.length + 1), new Uint8Array(await readFile(file))] as const))),
  { level: 9 },
);
const zipPath = join(root, 'dist', 's3-event-lambda.zip');
await writeFile(zipPath, zip);
process.stdout.write(`built ${zipPath} (${(zip.length / 1024).toFixed(0)} KiB): handler index.handler, any Node.js runtime from nodejs20.x (infra/ deploys nodejs24.x)\n`);
