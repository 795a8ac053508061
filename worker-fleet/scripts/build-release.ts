import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';

/**
 * `npm run build:release`: the fleet as its instances run it, compiled, with no TypeScript
 * loader and no node_modules beyond piscina:
 *
 *   dist/release/hoist-fleet/fleet/main.mjs          the entry point the systemd unit starts
 *   dist/release/hoist-fleet/fleet/encode-task.mjs   the piscina task, one thread per encode
 *   dist/release/hoist-fleet/node_modules/piscina    kept out of the bundle: it starts its
 *                                                    threads from its own files
 *   dist/release/hoist-fleet/hoist-fleet.service     the systemd unit
 *
 * packed as dist/hoist-fleet.tar.gz, with dist/hoist-fleet.tar.gz.sha256 beside it in
 * `sha256sum`'s format: the user-data refuses a tarball whose SHA-256 is not the one the stack
 * was deployed with (ReleaseSha256).
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const releaseDir = join(root, 'dist', 'release', 'hoist-fleet');
const tarball = join(root, 'dist', 'hoist-fleet.tar.gz');

await rm(releaseDir, { recursive: true, force: true });
await mkdir(join(releaseDir, 'fleet'), { recursive: true });
await build({
  entryPoints: {
    main: join(root, 'worker-fleet/src/fleet/main.ts'),
    'encode-task': join(root, 'worker-fleet/src/transcode/encode-task.ts'),
  },
  outdir: join(releaseDir, 'fleet'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  legalComments: 'linked',
  // piscina runs its threads from its own files; the npm-shipped ffmpeg builds are a local
  // fallback the fleet refuses in production (FFMPEG_PATH names Debian's), so they stay out.
  external: ['piscina', 'ffmpeg-static', 'ffprobe-static', '@ffmpeg-installer/ffmpeg'],
  // Some bundled CommonJS reaches for require(); give ESM one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
await cp(join(root, 'node_modules', 'piscina'), join(releaseDir, 'node_modules', 'piscina'), { recursive: true });
await cp(join(root, 'worker-fleet', 'deploy', 'hoist-fleet.service'), join(releaseDir, 'hoist-fleet.service'));
const { version } = JSON.parse(await readFile(join(root, 'worker-fleet', 'package.json'), 'utf8')) as { version: string };
await writeFile(join(releaseDir, 'package.json'), `${JSON.stringify({ name: 'hoist-fleet', version, private: true, type: 'module' }, null, 2)}\n`);

// Sorted names, fixed owner and times: the same sources give the same tarball, so its checksum
// names a build.
await promisify(execFile)('tar', [
  '--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0',
  '-czf', tarball, '-C', releaseDir, '.',
], { env: { ...process.env, GZIP: '-n' } });
const sha256 = createHash('sha256').update(await readFile(tarball)).digest('hex');
await writeFile(`${tarball}.sha256`, `${sha256}  hoist-fleet.tar.gz\n`);
process.stdout.write(`built ${tarball}\nsha256 ${sha256}\n`);
