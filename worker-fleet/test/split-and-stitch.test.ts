import { execFile } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChunkPlan, outputKeys, processingKeys, type ChunkJob } from '@hoist/shared';
import { decodeFully, makeTestClip } from '../../tests/support/clips.js';
import { unflaggedContinuityBreaks } from '../../tests/support/ts-continuity.js';
import { runChunkJob } from '../src/fleet/run-chunk-job.js';
import { runTranscodeJob } from '../src/fleet/run-transcode-job.js';
import { resolveFfmpegBinaries } from '../src/transcode/ffmpeg-binaries.js';
import { startTranscodeFixture, type TranscodeFixture } from './transcode-fixture.js';

const run = promisify(execFile);
const FRAME = 1 / 25;
let fx: TranscodeFixture;
let clip: Buffer;

beforeAll(async () => {
  // 4 s chunks: an 11 s clip is three chunks (0-2, 2-6, 6-11) and the audio.
  fx = await startTranscodeFixture([360, 240], { chunkSeconds: 4 });
  await makeTestClip(join(fx.dir, 'long.mp4'), { width: 640, height: 360, seconds: 11 });
  clip = await readFile(join(fx.dir, 'long.mp4'));
});

afterAll(async () => {
  await fx?.stop();
});

interface Packet {
  pts_time: string;
  duration_time?: string;
  flags: string;
}

async function videoPackets(path: string): Promise<Packet[]> {
  const { ffprobe } = resolveFfmpegBinaries();
  const { stdout } = await run(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,duration_time,flags', '-of', 'json', path]);
  return (JSON.parse(stdout) as { packets: Packet[] }).packets.sort((a, b) => Number(a.pts_time) - Number(b.pts_time));
}

const extinfs = (playlist: string) => [...playlist.matchAll(/^#EXTINF:([\d.]+),\n(\S+)/gm)].map((m) => ({ seconds: Number(m[1]), uri: m[2]! }));

describe('a video longer than two chunks, spread over the queue and stitched', () => {
  it('encodes each chunk as its own message and stitches one seamless ladder with one audio group', async () => {
    const job = await fx.jobFor('long.mp4', clip);

    // The source's worker plans, queues the other chunks and encodes the first chunk and the audio.
    expect(await runTranscodeJob(job, fx.deps)).toBe('done');
    const plan = ChunkPlan.parse(await (await fx.fetchOutput(processingKeys.plan(job.videoId, job.etag))).json());
    expect(plan.chunks.map((c) => [c.startSeconds, c.firstSegment])).toEqual([[0, 0], [2, 1], [6, 2]]);
    expect(await fx.status(job.videoId)).toMatchObject({ state: 'playable', playableSeconds: 2, chunks: { done: 1, total: 3 } });

    // The fleet takes chunks 1 and 2; whoever records the last unit finalizes.
    const outcomes = await fx.runQueued();
    expect(outcomes.sort()).toEqual(['done', 'ready']);
    expect(await fx.status(job.videoId)).toMatchObject({ state: 'ready', progress: 1, chunks: { done: 3, total: 3 } });

    const master = await (await fx.fetchOutput(outputKeys.master(job.videoId))).text();
    expect(master).toContain('#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio"');
    expect(master).toContain('URI="audio/index.m3u8"');
    expect(master.match(/AUDIO="audio"/g)).toHaveLength(2);

    const lists = new Map<number, Array<{ seconds: number; uri: string }>>();
    for (const label of [240, 360]) {
      const path = await fx.downloadRenditions(job.videoId, `${label}p/index.m3u8`);
      const playlist = await readFile(path, 'utf8');
      expect(playlist).toContain('#EXT-X-ENDLIST');
      lists.set(label, extinfs(playlist));
      // Decodes end to end without a single error, and read in a row, the segments' streams run
      // on across every seam (a frame lost there would not fail every ffmpeg's decode).
      await decodeFully(path);
      expect(await unflaggedContinuityBreaks(extinfs(playlist).map(({ uri }) => join(dirname(path), uri)))).toEqual([]);

      // Every segment starts on a keyframe, and each one starts where the one before ended.
      let end: number | undefined;
      for (const { uri } of extinfs(playlist)) {
        const packets = await videoPackets(join(dirname(path), uri));
        expect(packets[0]!.flags).toMatch(/^K/);
        const first = Number(packets[0]!.pts_time);
        if (end !== undefined) expect(Math.abs(first - end)).toBeLessThan(FRAME / 2);
        const last = packets[packets.length - 1]!;
        end = Number(last.pts_time) + Number(last.duration_time ?? FRAME);
      }
    }
    // The same segment list on every rung, adding up to the source's length within a frame.
    expect(lists.get(240)).toEqual(lists.get(360));
    const total = lists.get(360)!.reduce((sum, s) => sum + s.seconds, 0);
    expect(Math.abs(total - plan.durationSeconds)).toBeLessThanOrEqual(FRAME + 1e-6);
    expect(lists.get(360)!.map((s) => s.uri)).toEqual(['segment_00000.ts', 'segment_00001.ts', 'segment_00002.ts', 'segment_00003.ts']);

    const audio = await fx.downloadRenditions(job.videoId, 'audio/index.m3u8');
    await decodeFully(audio);
    const audioTotal = extinfs(await readFile(audio, 'utf8')).reduce((sum, s) => sum + s.seconds, 0);
    expect(Math.abs(audioTotal - plan.durationSeconds)).toBeLessThan(0.1);

    // Finished: the private processing documents are gone, and a late duplicate chunk is dropped unrun.
    expect((await fx.fetchOutput(processingKeys.plan(job.videoId, job.etag))).status).toBe(404);
    const late: ChunkJob = { ...job, kind: 'chunk', unit: { kind: 'video', index: 1 } };
    expect(await runChunkJob(late, fx.deps)).toBe('duplicate');
  });

  it('gives one ladder when a chunk is delivered twice at once and the last units finalize in a race', async () => {
    const job = await fx.jobFor('race.mp4', clip);
    expect(await runTranscodeJob(job, fx.deps)).toBe('done');
    // Take the queued units off the queue and run each twice, all at once, as two workers would.
    const queued = await fx.queue.sqs.send(
      new (await import('@aws-sdk/client-sqs')).ReceiveMessageCommand({ QueueUrl: fx.queue.emulator.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    const units = (queued.Messages ?? []).map((m) => JSON.parse(m.Body!) as ChunkJob);
    expect(units).toHaveLength(2);
    const outcomes = await Promise.all(units.flatMap((unit, i) => [0, 1].map((copy) => runChunkJob(unit, fx.deps, { messageId: `m${i}-${copy}`, receivedAt: new Date() }))));
    // Exactly one finalized; every other run either found its unit recorded or left finalizing to it.
    expect(outcomes.filter((o) => o === 'ready')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'ready').every((o) => o === 'done' || o === 'duplicate')).toBe(true);
    expect(await fx.status(job.videoId)).toMatchObject({ state: 'ready', chunks: { done: 3, total: 3 } });
    const path = await fx.downloadRenditions(job.videoId, '360p/index.m3u8');
    expect(extinfs(await readFile(path, 'utf8'))).toHaveLength(4);
    await decodeFully(path);
    for (const message of queued.Messages ?? []) {
      await fx.queue.sqs.send(new (await import('@aws-sdk/client-sqs')).DeleteMessageCommand({ QueueUrl: fx.queue.emulator.queueUrl, ReceiptHandle: message.ReceiptHandle! }));
    }
  });

  it('carries on after a worker stopped mid-chunk: the unit runs again and nothing half-done is read as complete', async () => {
    const job = await fx.jobFor('killed.mp4', clip);
    expect(await runTranscodeJob(job, fx.deps)).toBe('done');
    const queued = await fx.queue.sqs.send(
      new (await import('@aws-sdk/client-sqs')).ReceiveMessageCommand({ QueueUrl: fx.queue.emulator.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 0 }),
    );
    const chunk = (queued.Messages ?? []).map((m) => JSON.parse(m.Body!) as ChunkJob).find((u) => u.unit.kind === 'video')!;
    // The worker is stopped while ffmpeg runs: its ffmpeg is killed, the message goes back.
    const stop = new AbortController();
    setTimeout(() => stop.abort(new Error('worker stopped')), 150);
    await expect(runChunkJob(chunk, fx.deps, { messageId: 'killed', receivedAt: new Date(), signal: stop.signal })).rejects.toMatchObject({ retryable: true });
    const recorded = await fx.fetchOutput(processingKeys.unit(job.videoId, job.etag, `video-0000${chunk.unit.kind === 'video' ? chunk.unit.index : 0}`));
    expect(recorded.status).toBe(404);
    // The published playlist still holds the first chunk alone, open-ended.
    const published = await (await fx.fetchOutput(outputKeys.rendition(job.videoId, 360, 'index.m3u8'))).text();
    expect(extinfs(published).map((s) => s.uri)).toEqual(['segment_00000.ts']);
    expect(published).not.toContain('#EXT-X-ENDLIST');

    // Redelivered (the visibility timeout ran out), every unit completes.
    expect(await fx.runQueued()).toContain('ready');
    expect(await fx.status(job.videoId)).toMatchObject({ state: 'ready' });
  });

  it('fails the video once when a chunk fails for the source\'s sake, and stops the other chunks unretried', async () => {
    const job = await fx.jobFor('bad-chunk.mp4', clip);
    expect(await runTranscodeJob(job, fx.deps)).toBe('done');
    // The second chunk (from 2 s) is refused by the decoder; the third would run a minute.
    const real = fx.deps.binaries.ffmpeg;
    const fake = join(fx.dir, 'chunk-fails.sh');
    await writeFile(fake, `#!/bin/sh\ncase "$*" in\n  *"-ss 2.000000"*) sleep 1; echo "[h264 @ 0x1] Invalid data found when processing input" >&2; exit 1;;\n  *"-ss 6.000000"*) exec sleep 60;;\nesac\nexec "${real}" "$@"\n`);
    await chmod(fake, 0o755);
    const deps = { ...fx.deps, binaries: { ...fx.deps.binaries, ffmpeg: fake } };
    const { ReceiveMessageCommand, DeleteMessageCommand } = await import('@aws-sdk/client-sqs');
    const queued = await fx.queue.sqs.send(new ReceiveMessageCommand({ QueueUrl: fx.queue.emulator.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    const units = (queued.Messages ?? []).map((m) => JSON.parse(m.Body!) as ChunkJob);
    expect(units).toHaveLength(2);

    const started = Date.now();
    const outcomes = await Promise.all(units.map((unit, i) => runChunkJob(unit, deps, { messageId: `bad-${i}`, receivedAt: new Date() })));
    // The third chunk's ffmpeg was stopped once the video failed, not waited for.
    expect(Date.now() - started).toBeLessThan(20_000);
    const byUnit = new Map(units.map((unit, i) => [unit.unit.kind === 'audio' ? 'audio' : unit.unit.index, outcomes[i]]));
    expect(byUnit.get(1)).toBe('failed');
    expect(byUnit.get(2)).toBe('failed');
    const status = await fx.status(job.videoId);
    expect(status.state === 'failed' && status.error).toBe(
      'the video could not be decoded (encoding chunk 2 of 3 (0:02 to 0:06) stopped: Invalid data found when processing input)',
    );
    // Redelivered, a unit of the failed video is dropped unrun, and the status stays as it is.
    expect(await runChunkJob(units.find((u) => u.unit.kind === 'video' && u.unit.index === 2)!, fx.deps)).toBe('failed');
    expect(await fx.status(job.videoId)).toEqual(status);
    // What was published stays an unfinished EVENT playlist: nothing reads as a complete video.
    expect(await (await fx.fetchOutput(outputKeys.rendition(job.videoId, 360, 'index.m3u8'))).text()).not.toContain('#EXT-X-ENDLIST');
    expect(status.renditions).toEqual([]);
    for (const message of queued.Messages ?? []) {
      await fx.queue.sqs.send(new DeleteMessageCommand({ QueueUrl: fx.queue.emulator.queueUrl, ReceiptHandle: message.ReceiptHandle! }));
    }
  });

  it('publishes as it goes: EVENT playlists grow by whole chunks from the start, never with a hole, and end as a finished ladder', async () => {
    const job = await fx.jobFor('grows.mp4', clip);
    expect(await runTranscodeJob(job, fx.deps)).toBe('done');
    const text = async (key: string) => (await fx.fetchOutput(key)).text();
    const rung = outputKeys.rendition(job.videoId, 360, 'index.m3u8');

    // Playable after the first chunk: the master names every rung and the audio group, each
    // rung holds the first segment, the audio at least as much, and nothing says it is finished.
    const master = await text(outputKeys.master(job.videoId));
    expect(master).toContain('RESOLUTION=426x240');
    expect(master).toContain('RESOLUTION=640x360');
    expect(master).toContain('URI="audio/index.m3u8"');
    const first = await fx.fetchOutput(rung);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const firstText = await first.text();
    expect(firstText).toContain('#EXT-X-PLAYLIST-TYPE:EVENT');
    expect(firstText).not.toContain('#EXT-X-ENDLIST');
    expect(extinfs(firstText).map((s) => s.uri)).toEqual(['segment_00000.ts']);
    const audio = extinfs(await text(outputKeys.audio(job.videoId, 'index.m3u8')));
    expect(audio.reduce((sum, s) => sum + s.seconds, 0)).toBeGreaterThanOrEqual(4);
    expect(await fx.status(job.videoId)).toMatchObject({ state: 'playable', playableSeconds: 2, renditions: [expect.objectContaining({ label: 240 }), expect.objectContaining({ label: 360 })] });

    const { ReceiveMessageCommand, DeleteMessageCommand } = await import('@aws-sdk/client-sqs');
    const queued = await fx.queue.sqs.send(new ReceiveMessageCommand({ QueueUrl: fx.queue.emulator.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    const chunk = (index: number) => (queued.Messages ?? []).map((m) => JSON.parse(m.Body!) as ChunkJob).find((u) => u.unit.kind === 'video' && u.unit.index === index)!;

    // The last chunk lands first: it waits, unpublished, for the one before it.
    expect(await runChunkJob(chunk(2), fx.deps, { messageId: 'c2', receivedAt: new Date() })).toBe('done');
    expect(extinfs(await text(rung)).map((s) => s.uri)).toEqual(['segment_00000.ts']);
    expect(await fx.status(job.videoId)).toMatchObject({ state: 'playable', playableSeconds: 2 });

    // The middle one lands: the playlist grows over both at once, and the video is finished.
    expect(await runChunkJob(chunk(1), fx.deps, { messageId: 'c1', receivedAt: new Date() })).toBe('ready');
    const final = await fx.fetchOutput(rung);
    expect(final.headers.get('cache-control')).toBe('public, max-age=10');
    const finalText = await final.text();
    expect(finalText).toMatch(/#EXT-X-ENDLIST\n$/);
    expect(finalText.startsWith(firstText.replace(/#EXTINF[\s\S]*$/, ''))).toBe(true);
    expect(extinfs(finalText).map((s) => s.uri)).toEqual(['segment_00000.ts', 'segment_00001.ts', 'segment_00002.ts', 'segment_00003.ts']);
    expect(await text(outputKeys.audio(job.videoId, 'index.m3u8'))).toMatch(/#EXT-X-ENDLIST\n$/);
    expect(await fx.status(job.videoId)).toMatchObject({ state: 'ready' });
    await decodeFully(await fx.downloadRenditions(job.videoId, '360p/index.m3u8'));
    for (const message of queued.Messages ?? []) {
      await fx.queue.sqs.send(new DeleteMessageCommand({ QueueUrl: fx.queue.emulator.queueUrl, ReceiptHandle: message.ReceiptHandle! }));
    }
  });
});
