import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { MiB, sourceKey } from '@hoist/shared';
import { launchChromium } from '../../tests/support/chromium.js';
import type { TestStack } from '../../tests/support/test-stack.js';
import { alternate, summarise } from '../lib/stats.js';
import type { ComparisonRow } from '../lib/types.js';

/** One upload, timed: the seconds from start to the upload being complete. */
export interface TimedUpload {
  seconds: number;
  videoId: string;
}

/**
 * The upload page's own uploader in headless Chromium against the CLI on the same file: the
 * page timed from the file being picked to the page showing the video id (the upload complete),
 * the CLI by the child process that runs it. Each upload's object is deleted after it.
 */
export async function browserAgainstCli(options: {
  stack: TestStack;
  s3: S3Client;
  file: string;
  fileName: string;
  size: number;
  repetitions: number;
  cli: () => Promise<TimedUpload>;
  log: (line: string) => void;
}): Promise<ComparisonRow> {
  const { stack, s3, file, fileName, size, repetitions, cli } = options;
  const remove = (videoId: string) => s3.send(new DeleteObjectCommand({ Bucket: stack.bucket, Key: sourceKey(stack.owner, videoId, fileName) }));
  const chromium = await launchChromium();
  try {
    const page = async (): Promise<TimedUpload> => {
      // A fresh context each time: no resume state from an earlier run.
      const context = await chromium.browser.newContext();
      try {
        const tab = await context.newPage();
        await tab.goto(`${stack.apiUrl}/#token=${stack.token}`);
        await tab.getByText(/^Accepted:/).waitFor({ timeout: 30_000 });
        const started = performance.now();
        await tab.getByLabel('Choose a video file', { exact: true }).setInputFiles(file);
        const shown = await tab.waitForFunction(() => document.getElementById('video-id')?.textContent || undefined, null, { timeout: 600_000, polling: 20 });
        const seconds = (performance.now() - started) / 1000;
        const videoId = String(await shown.jsonValue());
        await remove(videoId);
        return { seconds, videoId };
      } finally {
        await context.close();
      }
    };
    const node = async (): Promise<TimedUpload> => {
      const result = await cli();
      await remove(result.videoId);
      return result;
    };
    options.log(`${size / MiB} MiB: the upload page in headless Chromium against the CLI, ${repetitions} runs a side`);
    const { a, b } = await alternate(repetitions, 1, page, node);
    const mibPerSecond = (r: TimedUpload) => size / MiB / r.seconds;
    const browser = summarise(a.map(mibPerSecond));
    const cliRate = summarise(b.map(mibPerSecond));
    const ratio = browser.median / cliRate.median;
    return {
      metric: `${size / MiB} MiB: throughput, the upload page in headless Chromium (file picked → upload complete)`,
      unit: 'MiB/s',
      hoist: browser,
      baselineName: 'the CLI on the same file (Node)',
      baseline: cliRate,
      ratio,
      target: '≥ 0.8× the CLI',
      met: ratio >= 0.8,
    };
  } finally {
    await chromium.close();
  }
}
