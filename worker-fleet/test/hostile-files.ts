import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { resolveFfmpegBinaries } from '../src/transcode/ffmpeg-binaries.js';

/**
 * Hostile uploads, each built by the test that needs it, cheaply: small pictures, short
 * durations, and where a file must claim something absurd, a patched header rather than the
 * absurd thing itself (a real 16000×16000 frame takes ffmpeg about 2 GB and 10 s to encode).
 */

const run = (args: string[]) => promisify(execFile)(resolveFfmpegBinaries().ffmpeg, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args]);

/** An HLS playlist whose one segment is `target`, a file elsewhere on the worker. */
export async function writePlaylistPointingAt(path: string, target: string): Promise<void> {
  await writeFile(path, `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\n${target}\n#EXT-X-ENDLIST\n`);
}

/** An ffconcat script that stitches `target`, a file elsewhere on the worker, into its output. */
export async function writeConcatScriptOf(path: string, target: string): Promise<void> {
  await writeFile(path, `ffconcat version 1.0\nfile '${target}'\n`);
}

/** A 64×64 PNG of a test pattern. */
export async function writePngImage(path: string): Promise<void> {
  await run(['-f', 'lavfi', '-i', 'testsrc2=size=64x64', '-frames:v', '1', '-f', 'image2', '-c:v', 'png', path]);
}

/**
 * A Matroska file of one second of a flat 64×64 picture (a few KB) whose header claims
 * `claimedSeconds`: the Segment's Duration element (a big-endian double, in milliseconds at
 * ffmpeg's 1 ms timecode scale) is rewritten in place.
 */
export async function writeMatroskaClaiming(path: string, claimedSeconds: number): Promise<void> {
  await run(['-f', 'lavfi', '-i', 'color=c=blue:size=64x64:rate=25', '-t', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'matroska', path]);
  const bytes = await readFile(path);
  const at = bytes.indexOf(Buffer.from([0x44, 0x89, 0x88])); // Duration, 8 bytes
  if (at < 0) throw new Error('no Duration element to patch');
  bytes.writeDoubleBE(claimedSeconds * 1000, at + 3);
  await writeFile(path, bytes);
}

/**
 * An MP4 whose H.264 stream declares `width`×`height` frames: two 64×64 frames are encoded,
 * and the sequence parameter set's size fields rewritten (the slices no longer fit it, which no
 * decoder gets to see). ffmpeg then muxes it, copying the stream; its decoders are told to
 * refuse anything bigger than the real frames meanwhile.
 */
export async function writeMp4DeclaringFrame(path: string, width: number, height: number): Promise<void> {
  const raw = `${path}.h264`;
  await run(['-f', 'lavfi', '-i', 'testsrc2=size=64x64:rate=25', '-frames:v', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-profile:v', 'baseline', '-f', 'h264', raw]);
  await writeFile(raw, withFrameSize(await readFile(raw), width, height));
  await run(['-max_pixels', '4096', '-f', 'h264', '-i', raw, '-c', 'copy', '-f', 'mp4', path]);
  await rm(raw, { force: true });
}

/** A second of 64×64 video at `fps` frames a second. */
export async function writeClipAtFrameRate(path: string, fps: number): Promise<void> {
  await run(['-f', 'lavfi', '-i', `testsrc2=size=64x64:rate=${fps}`, '-t', '0.5', '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'mp4', path]);
}

/** A second of 64×64 video with `audioStreams` copies of a mono 8 kHz tone beside it (PCM: nothing to encode). */
export async function writeClipWithStreams(path: string, audioStreams: number): Promise<void> {
  await run([
    '-f', 'lavfi', '-i', 'color=c=green:size=64x64:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=8000',
    '-t', '1', '-map', '0:v', ...Array.from({ length: audioStreams }, () => ['-map', '1:a']).flat(),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'pcm_s16le', '-f', 'matroska', path,
  ]);
}

// H.264 sequence parameter set rewriting: Annex B NAL units, emulation prevention, Exp-Golomb.

/** `stream` (Annex B) with every SPS declaring `width`×`height` (multiples of 16). */
function withFrameSize(stream: Uint8Array, width: number, height: number): Uint8Array {
  const starts: number[] = [];
  for (let i = 0; i + 2 < stream.length; i++) {
    if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1) {
      starts.push(i + 3);
      i += 2;
    }
  }
  const out: number[] = [];
  starts.forEach((start, n) => {
    let end = n + 1 < starts.length ? starts[n + 1]! - 3 : stream.length;
    while (end > start && stream[end - 1] === 0) end--;
    const nal = stream.subarray(start, end);
    const isSps = (nal[0]! & 0x1f) === 7;
    out.push(0, 0, 0, 1, ...(isSps ? [nal[0]!, ...rewriteSpsSize(nal.subarray(1), width, height)] : nal));
  });
  return Uint8Array.from(out);
}

function rewriteSpsSize(escaped: Uint8Array, width: number, height: number): number[] {
  const rbsp: number[] = [];
  escaped.forEach((byte, i) => {
    if (!(byte === 3 && i >= 2 && escaped[i - 1] === 0 && escaped[i - 2] === 0)) rbsp.push(byte);
  });
  let pos = 0;
  const bit = () => (rbsp[pos >> 3]! >> (7 - (pos++ & 7))) & 1;
  const bits = (n: number) => Array.from({ length: n }, bit).reduce((v, b) => v * 2 + b, 0);
  const ue = () => {
    let zeros = 0;
    while (bit() === 0) zeros++;
    return 2 ** zeros - 1 + bits(zeros);
  };
  const written: number[] = [];
  const put = (value: number, n: number) => {
    for (let i = n - 1; i >= 0; i--) written.push(Math.floor(value / 2 ** i) % 2);
  };
  const putUe = (value: number) => {
    const length = Math.floor(Math.log2(value + 1));
    put(0, length);
    put(value + 1, length + 1);
  };
  const copy = (n: number) => put(bits(n), n);
  const copyUe = () => putUe(ue());

  const profile = bits(8);
  put(profile, 8);
  copy(8); // constraint flags
  copy(8); // level
  copyUe(); // seq_parameter_set_id
  if ([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135].includes(profile)) throw new Error('baseline or main profile SPS expected');
  copyUe(); // log2_max_frame_num_minus4
  const pocType = ue();
  putUe(pocType);
  if (pocType === 0) copyUe();
  else if (pocType === 1) throw new Error('pic_order_cnt_type 1 not handled');
  copyUe(); // max_num_ref_frames
  copy(1); // gaps_in_frame_num_value_allowed_flag
  ue();
  ue();
  putUe(width / 16 - 1);
  putUe(height / 16 - 1);
  while (pos < rbsp.length * 8) written.push(bit());
  const bytes: number[] = [];
  for (let i = 0; i < written.length; i += 8) bytes.push(written.slice(i, i + 8).reduce((v, b, k) => v | (b << (7 - k)), 0));
  const escapedOut: number[] = [];
  let zeros = 0;
  for (const byte of bytes) {
    if (zeros >= 2 && byte <= 3) {
      escapedOut.push(3);
      zeros = 0;
    }
    escapedOut.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return escapedOut;
}
