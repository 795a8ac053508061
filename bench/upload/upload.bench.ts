import { execFile } from 'node:child_process';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GiB, MiB, MIN_PART_SIZE } from '@hoist/shared';
import { REPO_ROOT } from '../../dev/stack.js';
import { startTestStack, type TestStack } from '../../tests/support/test-stack.js';
import { alternate, summarise } from '../lib/stats.js';
import type { Benchmark, ComparisonRow } from '../lib/types.js';
import { browserAgainstCli } from './browser-upload.js';

const CONCURRENCY = 4;
/** File sizes and repetitions a side: small enough to finish in minutes on two cores. */
const RUNS: Array<{ size: number; repetitions: number }> = [
  { size: 64 * MiB, repetitions: 5 },
  { size: 1 * GiB, repetitions: 2 },
  { size: 4 * GiB, repetitions: 2 },
];
/** The upload page against the CLI: a file a person picks in a browser, uploaded by each. */
const BROWSER_RUN = { size: 256 * MiB, repetitions: 3 };

interface ChildResult {
  impl: string;
  key: string;
  size: number;
  seconds: number;
  cpuSeconds: number;
  rssBeforeMiB: number;
  peakRssMiB: number;
}

const label = (size: number) => (size >= GiB ? `${size / GiB} GiB` : `${size / MiB} MiB`);

export const uploadBenchmark: Benchmark = {
  name: 'upload',
  description: 'the Hoist client against @aws-sdk/lib-storage Upload: same file, same S3 emulator, same part size and concurrency; and the upload page in headless Chromium against the CLI',
  async run(log) {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-bench-upload-'));
    const stack = await startTestStack({ fleet: false });
    const s3 = new S3Client({ endpoint: stack.s3Endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const child = async (args: string[]): Promise<ChildResult> => {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', `file://${tsx}`, join(REPO_ROOT, 'bench/upload/upload-child.ts'), ...args], {
        maxBuffer: 1024 * 1024,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      });
      return JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult;
    };
    const rows: ComparisonRow[] = [];
    try {
      for (const { size, repetitions } of RUNS) {
        // A sparse file: reading it costs what reading any file from the page cache costs.
        const file = join(dir, `source-${label(size).replace(' ', '')}.mp4`);
        await writeFile(file, '');
        await truncate(file, size);
        log(`${label(size)}: ${repetitions} run(s) a side, ${CONCURRENCY} parts at once, ${MIN_PART_SIZE / MiB} MiB parts`);
        const hoist = async () => {
          const result = await child(['hoist', file, stack.apiUrl, stack.token, String(CONCURRENCY)]);
          await s3.send(new DeleteObjectCommand({ Bucket: stack.bucket, Key: `uploads/${stack.owner}/${result.key}/${file.split('/').pop()}` }));
          return result;
        };
        const sdk = async () => {
          const result = await child(['lib-storage', file, stack.s3Endpoint, stack.bucket, 'bench/lib-storage.mp4', String(MIN_PART_SIZE), String(CONCURRENCY)]);
          await s3.send(new DeleteObjectCommand({ Bucket: stack.bucket, Key: result.key }));
          return result;
        };
        // The 64 MiB round warms up the emulator, the page cache and wrangler for the larger ones.
        const { a, b } = await alternate(repetitions, size <= 64 * MiB ? 1 : 0, hoist, sdk);
        rows.push(...compare(label(size), a, b));
        await rm(file, { force: true });
      }
      const file = join(dir, 'picked in the browser.mp4');
      await writeFile(file, '');
      await truncate(file, BROWSER_RUN.size);
      rows.push(
        await browserAgainstCli({
          stack, s3, file, fileName: 'picked in the browser.mp4', log, ...BROWSER_RUN,
          cli: async () => {
            const result = await child(['hoist', file, stack.apiUrl, stack.token, String(CONCURRENCY)]);
            return { seconds: result.seconds, videoId: result.key };
          },
        }),
      );
    } finally {
      s3.destroy();
      await stack.stop();
      await rm(dir, { recursive: true, force: true });
    }
    return {
      name: 'upload',
      description: this.description,
      rows,
      notes: [
        'each upload runs in a fresh Node process, so its CPU time and peak RSS are its own; time and CPU count only the upload itself, from when both sides’ code is loaded (for Hoist that includes Node’s fetch, which Node loads on its first call).',
        'the S3 emulator caps both sides, so CPU per GiB and peak RSS say more than throughput.',
        'the CLI signs each part’s SHA-256 into its URL (S3 verifies it); lib-storage signs its payload SHA-256 over plain HTTP.',
        'the browser row: the page’s own uploader (XHR, each part sent as a slice of the file, its CRC32C in WebAssembly), timed from the file picked to the page showing the video id, so it includes the page’s checks and its resume record; the CLI row is the Node client in its own process, on the same file.',
      ],
    };
  },
};

/** Memory an upload may add to its process: the parts in flight, plus a constant for the heap. */
const MEMORY_BOUND_MIB = (CONCURRENCY * MIN_PART_SIZE) / MiB + 64;

function compare(size: string, hoist: ChildResult[], sdk: ChildResult[]): ComparisonRow[] {
  const mibPerSecond = (r: ChildResult) => r.size / MiB / r.seconds;
  const cpuPerGiB = (r: ChildResult) => r.cpuSeconds / (r.size / GiB);
  const throughput = { hoist: summarise(hoist.map(mibPerSecond)), sdk: summarise(sdk.map(mibPerSecond)) };
  const cpu = { hoist: summarise(hoist.map(cpuPerGiB)), sdk: summarise(sdk.map(cpuPerGiB)) };
  const growth = (r: ChildResult) => r.peakRssMiB - r.rssBeforeMiB;
  const rss = { hoist: summarise(hoist.map(growth)), sdk: summarise(sdk.map(growth)) };
  const baselineName = '@aws-sdk/lib-storage Upload';
  return [
    {
      metric: `${size}: throughput`,
      unit: 'MiB/s',
      hoist: throughput.hoist,
      baselineName,
      baseline: throughput.sdk,
      ratio: throughput.hoist.median / throughput.sdk.median,
      target: '≥ 1× (at least as fast)',
      met: throughput.hoist.median >= throughput.sdk.median,
    },
    {
      metric: `${size}: CPU per GiB`,
      unit: 's/GiB',
      hoist: cpu.hoist,
      baselineName,
      baseline: cpu.sdk,
      ratio: cpu.sdk.median / cpu.hoist.median,
      target: '≤ lib-storage',
      met: cpu.hoist.median <= cpu.sdk.median,
    },
    {
      metric: `${size}: peak RSS above the process's before the upload`,
      unit: 'MiB',
      hoist: rss.hoist,
      baselineName,
      baseline: rss.sdk,
      ratio: rss.sdk.median / rss.hoist.median,
      target: `≤ ${MEMORY_BOUND_MIB} MiB (concurrency × part size + 64 MiB)`,
      met: rss.hoist.max <= MEMORY_BOUND_MIB,
    },
  ];
}
