/**
 * Why a source was refused. Each is a property of the file itself, so another attempt cannot
 * help: the job ends `failed` at once.
 * - `not-video`: the bytes are not a container on the allow-list (a playlist, an image, text…)
 * - `unreadable`: ffprobe cannot read it, or it has no video stream or no duration
 * - `over-limit`: a configured limit is exceeded (duration, frame size, frame rate, streams)
 * - `implausible`: the header's claims do not match the bytes and packets actually present
 */
export type MediaRefusal = 'not-video' | 'unreadable' | 'over-limit' | 'implausible';

/**
 * A file that is no usable video. Its message is shown to the uploader (status.json), so it
 * never holds a path on the worker: any absolute path or `file:` URL in it (ffprobe prefixes
 * its errors with the input's) becomes "the file".
 */
export class UnusableMediaError extends Error {
  override name = 'UnusableMediaError';
  constructor(
    message: string,
    readonly refusal: MediaRefusal = 'unreadable',
  ) {
    super(withoutWorkerPaths(message));
  }
}

// An absolute path of two or more segments, or a file: URL, not inside a word or a number
// (so "30000/1001" and "8192×8192 / 35.4 Mpx" stay as they are).
const PATH = /(?<![\w.])(?:file:)?(?:\/[^\s/:'"`,;|]+){2,}\/?|file:[^\s:'"`,;|]+/g;

// A URL ffmpeg was given: the presigned source URL carries a signature and a key id.
const URL_PATTERN = /\bhttps?:\/\/[^\s'"`]+/g;

/** `text` with every URL, absolute path and `file:` URL replaced by "the file". */
export function withoutWorkerPaths(text: string): string {
  return text.replace(URL_PATTERN, 'the file').replace(PATH, 'the file');
}

/**
 * One of ffmpeg's error lines, made readable: no `[h264 @ 0x55d…]` context prefix, no path, at
 * most 200 characters.
 */
export function ffmpegReason(line: string): string {
  const plain = withoutWorkerPaths(line.replace(/\[[^\]]*@ 0x[0-9a-f]+\]\s*/gi, '').trim())
    .replace(/^the file:\s*/, '');
  return plain.length > 200 ? `${plain.slice(0, 199)}…` : plain;
}
