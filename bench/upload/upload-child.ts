import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { uploadFile } from '../../client/src/node/index.js';

/**
 * One measured upload, alone in its own process so CPU time and peak RSS belong to it:
 * `upload-child.ts hoist FILE API_URL TOKEN CONCURRENCY` or
 * `upload-child.ts lib-storage FILE S3_ENDPOINT BUCKET KEY PART_SIZE CONCURRENCY`.
 * Prints one JSON line: seconds, CPU seconds during the upload, RSS before and at peak.
 */
async function main(): Promise<void> {
  const [impl, file, ...args] = process.argv.slice(2);
  if (!file) throw new Error('usage: upload-child.ts hoist|lib-storage FILE ...');
  const { size } = await stat(file);
  // Each side's code is loaded before the clock starts. lib-storage's HTTP stack loads with its
  // import; the fetch Hoist's API calls go through is loaded by Node on first call (about 20 ms),
  // so it is called once on a data: URL, which touches no network.
  if (impl === 'hoist') await (await fetch('data:,')).arrayBuffer();
  const rssBefore = process.memoryUsage().rss;
  const usageBefore = process.resourceUsage();
  const started = performance.now();
  let key = '';
  if (impl === 'hoist') {
    const [apiUrl, token, concurrency] = args as [string, string, string];
    const upload = await uploadFile(file, { endpoint: apiUrl, token, concurrency: Number(concurrency), resumeDir: `${file}.state`, contentType: 'video/mp4' });
    const result = await upload.done;
    key = result.videoId;
  } else if (impl === 'lib-storage') {
    const [endpoint, bucket, objectKey, partSize, concurrency] = args as [string, string, string, string, string];
    const client = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      // The emulator cannot read the SDK's aws-chunked trailing checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    await new Upload({
      client,
      params: { Bucket: bucket, Key: objectKey, Body: createReadStream(file), ContentType: 'video/mp4' },
      partSize: Number(partSize),
      queueSize: Number(concurrency),
    }).done();
    client.destroy();
    key = objectKey;
  } else {
    throw new Error(`unknown implementation ${impl}`);
  }
  const seconds = (performance.now() - started) / 1000;
  const usage = process.resourceUsage();
  process.stdout.write(
    `${JSON.stringify({
      impl,
      key,
      size,
      seconds,
      cpuSeconds: (usage.userCPUTime - usageBefore.userCPUTime + usage.systemCPUTime - usageBefore.systemCPUTime) / 1e6,
      rssBeforeMiB: rssBefore / 1024 ** 2,
      peakRssMiB: usage.maxRSS / 1024,
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
