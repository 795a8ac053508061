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
        // The page says when the video id shows, through a mutation observer armed before the
        // file is picked: polling for it would load the very renderer being measured.
        const shown = tab.evaluate(
          () =>
            new Promise<string>((resolve) => {
              // No named functions in here: the bench's TypeScript loader would wrap them in a
              // helper that does not exist in the page.
              new MutationObserver((_, observer) => {
                const id = document.getElementById('video-id')?.textContent;
                if (!id) return;
                observer.disconnect();
                resolve(id);
              }).observe(document.body, { subtree: true, childList: true, characterData: true });
            }),
        );
        const started = performance.now();
        await tab.getByLabel('Choose a video file', { exact: true }).setInputFiles(file);
        let timer: NodeJS.Timeout | undefined;
        const videoId = await Promise.race([
          shown,
          new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the page showed no video id within 10 minutes')), 600_000))),
        ]).finally(() => clearTimeout(timer));
        const seconds = (performance.now() - started) / 1000;
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
