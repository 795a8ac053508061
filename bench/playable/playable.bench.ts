import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiClient } from '../../client/src/api-client.js';
import { uploadFile } from '../../client/src/node/index.js';
import { makeTestClip } from '../../tests/support/clips.js';
import { startTestStack } from '../../tests/support/test-stack.js';
import { summarise } from '../lib/stats.js';
import type { Benchmark, ComparisonRow } from '../lib/types.js';

/** The two lengths the target is set for: playable as soon for ten minutes as for one. */
const LENGTHS = [60, 600] as const;
const PLAYABLE_TARGET_SECONDS = 3;

interface Timings {
  playable: number;
  firstSegment: number;
  ready: number;
}

/**
 * From the upload's complete call returning to: `playable` in videos.status; the first segment
 * of the master's first rendition fetched through the playback URL, as a player would; `ready`.
 */
async function measure(api: ReturnType<typeof createApiClient>, videoId: string, completedAt: number): Promise<Timings> {
  const seconds = () => (performance.now() - completedAt) / 1000;
  let playable: number | undefined;
  let firstSegment: number | undefined;
  let fetching: Promise<void> | undefined;
  for (;;) {
    const status = await api.videos.status.query({ videoId });
    if (status.state === 'failed') throw new Error(`video failed: ${status.error}`);
    if ((status.state === 'playable' || status.state === 'ready') && status.masterUrl && playable === undefined) {
      playable = seconds();
      const masterUrl = status.masterUrl;
      fetching = (async () => {
        const master = await (await fetch(masterUrl)).text();
        const variant = master.split('\n').find((line) => line.endsWith('.m3u8') && !line.startsWith('#'))!;
        const media = await (await fetch(new URL(variant, masterUrl))).text();
        const segment = media.split('\n').find((line) => line.startsWith('http'))!;
        const response = await fetch(segment);
        if (!response.ok) throw new Error(`first segment answered ${response.status}`);
        await response.arrayBuffer();
        firstSegment = seconds();
      })();
    }
    if (status.state === 'ready') {
      await fetching;
      return { playable: playable!, firstSegment: firstSegment!, ready: seconds() };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const playableBenchmark: Benchmark = {
  name: 'playable',
  description: 'time from upload complete to playable, to the first segment a player can fetch, and to ready, for a 1-minute and a 10-minute 1080p clip through the local stack',
  async run(log) {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-bench-playable-'));
    const stack = await startTestStack({ fleet: true, fleetEnv: { X264_PRESET: 'veryfast' } });
    try {
      const api = createApiClient({ endpoint: stack.apiUrl, token: stack.token });
      const results = new Map<number, Timings>();
      for (const seconds of LENGTHS) {
        const clip = join(dir, `clip-${seconds}.mp4`);
        log(`making a ${seconds} s 1080p clip`);
        await makeTestClip(clip, { width: 1920, height: 1080, seconds });
        log(`uploading and processing the ${seconds} s clip`);
        const upload = await uploadFile(clip, { endpoint: stack.apiUrl, token: stack.token, resumeDir: join(dir, 'state') });
        const { videoId } = await upload.done;
        const timings = await measure(api, videoId, performance.now());
        log(`${seconds} s: playable after ${timings.playable.toFixed(2)} s, first segment ${timings.firstSegment.toFixed(2)} s, ready ${timings.ready.toFixed(1)} s`);
        results.set(seconds, timings);
      }
      const one = (value: number) => summarise([value]);
      const rows: ComparisonRow[] = [];
      for (const seconds of LENGTHS) {
        const t = results.get(seconds)!;
        const name = seconds >= 600 ? `${seconds / 60} min` : `${seconds} s`;
        rows.push(
          { metric: `${name} 1080p: upload complete → playable`, unit: 's', hoist: one(t.playable), baselineName: '—', target: `≤ ${PLAYABLE_TARGET_SECONDS} s`, met: t.playable <= PLAYABLE_TARGET_SECONDS },
          { metric: `${name} 1080p: upload complete → first segment fetched`, unit: 's', hoist: one(t.firstSegment), baselineName: '—', target: 'reference', met: true },
          { metric: `${name} 1080p: upload complete → ready`, unit: 's', hoist: one(t.ready), baselineName: '—', target: 'reference', met: true },
        );
      }
      const short = results.get(LENGTHS[0])!.playable;
      const long = results.get(LENGTHS[1])!.playable;
      return {
        name: 'playable',
        description: this.description,
        rows,
        notes: [
          `default ladder (1080p to 360p), x264 veryfast, CHUNK_SECONDS default, one fleet process; times from the client's complete call returning. Playable time for 10 min against 1 min: ${(long / short).toFixed(2)}× (it must not grow with the length).`,
        ],
      };
    } finally {
      await stack.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
