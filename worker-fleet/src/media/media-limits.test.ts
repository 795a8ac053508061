import { describe, expect, it } from 'vitest';
import { checkDurationPlausible, measuredFrameRate } from './duration-plausibility.js';
import { DEFAULT_MEDIA_LIMITS, checkDuration, checkFrameRate, checkFrameSize, checkStreamCount, decoderPixelCap } from './media-limits.js';
import { parsePackets, type PacketTime } from './packet-sample.js';
import { sourceInputArgs } from './source-input-args.js';
import { UnusableMediaError, ffmpegReason, withoutWorkerPaths } from './unusable-media.js';

const limits = DEFAULT_MEDIA_LIMITS;
const refusal = (run: () => void) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UnusableMediaError);
    return { refusal: (error as UnusableMediaError).refusal, message: (error as Error).message };
  }
  return undefined;
};

describe('limits: each says which limit and by how much', () => {
  it('frame size', () => {
    expect(refusal(() => checkFrameSize(16000, 16000, limits))).toEqual({
      refusal: 'over-limit',
      message: 'the frame is 16000×16000 (256 Mpx); the limit is 8192×8192 / 35.4 Mpx (7.2× the pixel limit)',
    });
    expect(refusal(() => checkFrameSize(8200, 64, limits))?.message).toBe('the frame is 8200×64 (0.5 Mpx); the limit is 8192×8192 / 35.4 Mpx');
    expect(refusal(() => checkFrameSize(8192, 4320, limits))).toBeUndefined();
    expect(refusal(() => checkFrameSize(3840, 2160, limits))).toBeUndefined();
  });

  it('frame rate, streams and duration', () => {
    expect(refusal(() => checkFrameRate(1000, true, limits))?.message).toBe('the frame rate is 1000 fps (measured from its packets); the limit is 240 fps');
    expect(refusal(() => checkFrameRate(240, true, limits))).toBeUndefined();
    expect(refusal(() => checkStreamCount(80, limits))?.message).toBe('the file has 80 streams; the limit is 64 (16 over)');
    expect(refusal(() => checkDuration(7 * 3600 + 12 * 60, limits))?.message).toBe('the video lasts 7 h 12 min; the limit is 6 h 0 min (1 h 12 min over)');
    expect(refusal(() => checkDuration(3, { ...limits, maxDurationSeconds: 2 }))?.message).toBe('the video lasts 3 s; the limit is 2 s (1 s over)');
  });

  it('lets decoders pad rows past the pixel limit, but no further', () => {
    expect(decoderPixelCap(limits)).toBe(8192 * 4320 + 64 * 8192);
  });
});

const packets = (times: number[], stream = 0): PacketTime[] => times.map((at) => ({ stream, at, end: at + 0.04 }));

describe('duration plausibility: judged by the packets and the bytes, not the header', () => {
  const evidence = { startSeconds: 0, mediaStreams: new Set([0, 1]) };

  it('accepts a header that matches its packets', () => {
    expect(refusal(() => checkDurationPlausible({ ...evidence, claimedSeconds: 120, bytes: 5e6, tail: packets([115, 117.5, 119.96]) }))).toBeUndefined();
    // MPEG-TS starts its clock late: the packets' times count from the start.
    expect(refusal(() => checkDurationPlausible({ ...evidence, claimedSeconds: 120, startSeconds: 1.4, bytes: 5e6, tail: packets([121.38]) }))).toBeUndefined();
  });

  it('refuses 10 hours claimed by a file whose packets stop after a second', () => {
    expect(refusal(() => checkDurationPlausible({ ...evidence, claimedSeconds: 36_000, bytes: 7500, tail: packets([0, 0.5, 0.96]) }))).toEqual({
      refusal: 'implausible',
      message:
        'the file claims to last 10 h 0 min, but its packets end at 1 s, and the whole file is 7.32 KiB (0.21 bytes a second, where real video takes at least 100): that duration is not plausible',
    });
  });

  it('refuses a claim the bytes cannot hold, even with a packet at the end', () => {
    expect(refusal(() => checkDurationPlausible({ ...evidence, claimedSeconds: 36_000, bytes: 50_000, tail: packets([35_999.9]) }))?.message).toMatch(/whole file is 48.8 KiB/);
  });

  it('refuses packets that run far past the claim, and a tail with no packets at all', () => {
    expect(refusal(() => checkDurationPlausible({ ...evidence, claimedSeconds: 10, bytes: 5e6, tail: packets([9, 500]) }))?.message).toMatch(/packets run on to 8 min 20 s at least/);
    expect(refusal(() => checkDurationPlausible({ ...evidence, claimedSeconds: 10, bytes: 5e6, tail: packets([9.9], 5) }))?.message).toMatch(/no audio or video packets were found near that end/);
  });

  it('measures the frame rate from packet times', () => {
    expect(measuredFrameRate(packets(Array.from({ length: 500 }, (_, i) => i / 1000)))).toBeCloseTo(1000);
    expect(measuredFrameRate(packets(Array.from({ length: 100 }, (_, i) => i / 25)))).toBeCloseTo(25);
    expect(measuredFrameRate(packets([0, 0.04, 0.08]))).toBeUndefined();
  });

  it('reads ffprobe packet lines, decode time first', () => {
    expect(parsePackets('stream_index=0|pts_time=N/A|dts_time=110.04|duration_time=0.02\nstream_index=1|pts_time=2.5|dts_time=2.4|duration_time=N/A\nstream_index=1|pts_time=N/A|dts_time=N/A|duration_time=0.1\n')).toEqual([
      { stream: 0, at: 110.04, end: 110.06 },
      { stream: 1, at: 2.4, end: 2.5 },
    ]);
  });
});

describe('the source input: demuxer forced, local files only, frames capped', () => {
  it('is the same for every ffprobe and ffmpeg run', () => {
    expect(sourceInputArgs({ path: '/var/tmp/hoist-x/source', format: 'matroska', maxPixels: 1000 })).toEqual([
      '-f', 'matroska', '-protocol_whitelist', 'file', '-max_pixels', '1000', '-i', 'file:/var/tmp/hoist-x/source',
    ]);
    expect(sourceInputArgs({ path: '/s/source', format: 'mov', maxPixels: 1000 })).toContain('-enable_drefs');
  });
});

describe('reasons shown to uploaders hold no worker path', () => {
  it('replaces paths and file: URLs, keeps fractions and limits', () => {
    expect(withoutWorkerPaths('file:/var/tmp/hoist-abc/source: Invalid data found')).toBe('the file: Invalid data found');
    expect(withoutWorkerPaths('could not open /tmp/hoist-transcode-x/secret.mp4')).toBe('could not open the file');
    expect(withoutWorkerPaths('30000/1001 fps; 8192×8192 / 35.4 Mpx')).toBe('30000/1001 fps; 8192×8192 / 35.4 Mpx');
    expect(new UnusableMediaError('moov atom not found in /var/tmp/x/source').message).toBe('moov atom not found in the file');
  });

  it('cleans ffmpeg error lines', () => {
    expect(ffmpegReason('[mov,mp4,m4a,3gp,3g2,mj2 @ 0x1e6601c0] moov atom not found')).toBe('moov atom not found');
    expect(ffmpegReason('file:/var/tmp/hoist-1/source: Invalid data found when processing input')).toBe('Invalid data found when processing input');
  });
});
