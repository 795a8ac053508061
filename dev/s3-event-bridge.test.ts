import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SQSClient } from '@aws-sdk/client-sqs';
import { newVideoId } from '@hoist/shared';
import { createS3EventHandler } from '../worker-fleet/src/lambda/s3-event-handler.js';
import { jsonLogger, type LogLevel } from '../worker-fleet/src/logger.js';
import { freePort } from './ports.js';
import { startEmulatorFixture, type EmulatorFixture } from './s3-emulator/emulator-fixture.js';
import { createS3EventBridge } from './s3-event-bridge.js';
import { SQS_EMULATOR_CREDENTIALS, startSqsEmulator, type SqsEmulator } from './sqs-emulator.js';

// The bridge as the local stack runs it: the S3 emulator's events, through the real Lambda
// handler, into the SQS emulator, logged as the stack logs them.

let s3: EmulatorFixture;
let sqs: SqsEmulator;
let sqsClient: SQSClient;
/** Where the emulator's events go: the bridge of the test under way. */
let deliver: ((event: { Records: unknown[] }) => void) | undefined;

beforeAll(async () => {
  [s3, sqs] = await Promise.all([
    startEmulatorFixture(),
    freePort().then((port) => startSqsEmulator({ port, queueName: 'bridge-test', visibilityTimeoutSeconds: 30, maxReceiveCount: 4 })),
  ]);
  sqsClient = new SQSClient({ endpoint: sqs.endpoint, region: 'us-east-1', credentials: SQS_EMULATOR_CREDENTIALS });
  s3.emulator.onEvent((event) => deliver?.(event));
});

afterAll(async () => {
  sqsClient?.destroy();
  await Promise.all([s3?.stop(), sqs?.stop()]);
});

type Line = { level: string; message: string } & Record<string, unknown>;

/** A bridge on the emulator's events, logging JSON lines at `level` into `lines`. */
function bridgeOnEmulator(level: LogLevel, queueUrl = sqs.queueUrl) {
  const lines: Line[] = [];
  const logger = jsonLogger('s3-event-bridge', (line) => void lines.push(JSON.parse(line) as Line), { level });
  const bridge = createS3EventBridge({ handle: createS3EventHandler({ sqs: sqsClient, queueUrl, logger, attempts: 1 }), logger, summaryIntervalMs: 0 });
  const deliveries: Array<Promise<void>> = [];
  deliver = (event) => void deliveries.push(bridge.deliver(event));
  return { bridge, lines, deliveries };
}

const put = async (key: string) => {
  const response = await s3.aws.fetch(s3.url(key), { method: 'PUT', body: `{"key":"${key}"}` });
  expect(response.status, key).toBe(200);
};

describe('the S3-event bridge', () => {
  it('counts the rendition writes it passes over instead of logging a line for each; a stray upload key warns', async () => {
    const { bridge, lines, deliveries } = bridgeOnEmulator('info');
    const videoId = newVideoId();
    // What the fleet writes for one short video: a status document many times over, then the rest.
    for (let i = 0; i < 20; i++) await put(`renditions/${videoId}/status.json`);
    await put(`renditions/${videoId}/master.m3u8`);
    await put(`uploads/tester/${videoId}/clip.mp4`);
    await put('uploads/tester/stray.mp4');
    await vi.waitFor(() => expect(deliveries).toHaveLength(23));
    await Promise.all(deliveries);

    expect(bridge.totals()).toEqual({ queued: 1, ignored: 21, skipped: 1, invalid: 0, failed: 0 });
    expect(lines.map((line) => [line.level, line.message])).toEqual([
      ['info', 'job queued'],
      ['warn', 'record skipped'],
    ]);
    expect(lines[1]).toMatchObject({ reason: 'key uploads/tester/stray.mp4 is under the uploads prefix but not <owner>/<videoId>/<name>' });

    // One summary at shutdown, and none again while nothing changed.
    bridge.stop();
    expect(lines.at(-1)).toMatchObject({ level: 'info', message: 'records passed to the Lambda handler so far', queued: 1, ignored: 21, skipped: 1, invalid: 0, failed: 0 });
    bridge.stop();
    expect(lines).toHaveLength(3);
  });

  it('logs each record it passes over at debug level when asked, and counts a handler that throws', async () => {
    const { bridge, lines, deliveries } = bridgeOnEmulator('debug', `${sqs.queueUrl}-missing`);
    const videoId = newVideoId();
    await put(`renditions/${videoId}/poster.jpg`);
    await put(`uploads/tester/${videoId}/clip.mp4`);
    await vi.waitFor(() => expect(deliveries).toHaveLength(2));
    await Promise.all(deliveries);
    expect(lines.map((line) => [line.level, line.message])).toEqual([
      ['debug', 'record ignored'],
      ['error', 'Lambda handler failed'],
    ]);
    expect(lines[0]).toMatchObject({ reason: `key renditions/${videoId}/poster.jpg is outside the uploads prefix` });
    expect(bridge.totals()).toEqual({ queued: 0, ignored: 1, skipped: 0, invalid: 0, failed: 1 });
    bridge.stop();
  });
});
