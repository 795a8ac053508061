import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiClient } from '../../client/src/api-client.js';
import { uploadFile } from '../../client/src/node/index.js';
import { makeTestClip } from '../../tests/support/clips.js';
import { startTestStack } from '../../tests/support/test-stack.js';
import { summarise } from '../lib/stats.js';
import type { Benchmark } from '../lib/types.js';

const RUNS = 5;

/** The fleet's log entry `message` about `videoId`, waiting for it to appear. */
async function logEntry(lines: string[], message: string, videoId: string, timeoutMs = 120_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const line of lines) {
      if (line.includes(`"message":"${message}"`) && line.includes(videoId)) {
        return JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no "${message}" for ${videoId}`);
}

export const pipelineBenchmark: Benchmark = {
  name: 'pipeline',
  description: 'time from CompleteMultipartUpload to the fleet starting the job, and to ready, through the local stack',
  async run(log) {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-bench-pipeline-'));
    const stack = await startTestStack({ fleet: true, fleetEnv: { LADDER: '360', X264_PRESET: 'veryfast' } });
    try {
      const clip = join(dir, 'clip.mp4');
      await makeTestClip(clip, { width: 640, height: 360, seconds: 4 });
      const api = createApiClient({ endpoint: stack.apiUrl, token: stack.token });
      const toStart: number[] = [];
      const toReady: number[] = [];
      log(`${RUNS} uploads of a 4 s clip, one after another`);
      for (let i = 0; i < RUNS; i++) {
        const upload = await uploadFile(clip, { endpoint: stack.apiUrl, token: stack.token, resumeDir: join(dir, 'state') });
        const { videoId } = await upload.done;
        const completedAt = Date.now();
        // Measured by the fleet from the S3 event's time (S3 completing the upload) to its start.
        toStart.push(Number((await logEntry(stack.lines, 'job started', videoId))['sinceUploadMs']));
        let failures = 0;
        for (;;) {
          // Like any client that polls, a failed poll is tried again a few times.
          const status = await api.videos.status.query({ videoId }).catch((error: unknown) => {
            if (++failures >= 5) throw error;
            return null;
          });
          if (status === null) continue;
          if (status.state === 'ready') break;
          if (status.state === 'failed') throw new Error(`video failed: ${status.error}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        toReady.push(Date.now() - completedAt);
      }
      const start = summarise(toStart);
      const ready = summarise(toReady.map((ms) => ms / 1000));
      return {
        name: 'pipeline',
        description: this.description,
        rows: [
          { metric: 'upload complete → fleet starts the job', unit: 'ms', hoist: start, baselineName: '—', target: 'well under 1 s', met: start.max < 1000 },
          { metric: 'upload complete → ready (360p rung of a 4 s clip)', unit: 's', hoist: ready, baselineName: '—', target: 'reference', met: true },
        ],
        notes: ['from the S3 event’s time (S3 completing the upload) to the fleet’s start, both clocks on one machine: S3 event → Lambda handler → SQS → long poll in between; ready is timed from the client’s complete call returning.'],
      };
    } finally {
      await stack.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
