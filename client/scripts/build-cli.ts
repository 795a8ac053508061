import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';

/**
 * `npm run build:cli`: the `hoist` CLI as a package of its own, compiled, for people who upload
 * from a terminal without this repository:
 *
 *   dist/cli/hoist.mjs      the whole CLI in one file (esbuild), run by plain `node`
 *   dist/cli/package.json   `@hoist/cli` with `bin: { hoist }`, no dependencies
 *
 * and packed by `npm pack` as dist/hoist-cli-<version>.tgz, which `npm install -g` takes.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = join(root, 'dist', 'cli');

await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });
await build({
  entryPoints: [join(root, 'client/src/cli/run.ts')],
  outfile: join(outDir, 'hoist.mjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  legalComments: 'linked',
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
const { version, description } = JSON.parse(await readFile(join(root, 'client', 'package.json'), 'utf8')) as { version: string; description: string };
const { engines } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { engines: Record<string, string> };
await writeFile(
  join(outDir, 'package.json'),
  `${JSON.stringify({ name: '@hoist/cli', version, description, type: 'module', bin: { hoist: 'hoist.mjs' }, files: ['hoist.mjs', 'hoist.mjs.LEGAL.txt'], engines }, null, 2)}\n`,
);
const { stdout } = await promisify(execFile)('npm', ['pack', outDir, '--pack-destination', join(root, 'dist'), '--silent'], { cwd: root });
process.stdout.write(`built ${outDir} and dist/${stdout.trim()}\n`);
