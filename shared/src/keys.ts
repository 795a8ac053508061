import { OwnerId, VideoId } from './ids.js';

/**
 * The one place that knows the bucket's key layout:
 *   uploads/<owner>/<videoId>/<safe-name>        the source as uploaded
 *   renditions/<videoId>/master.m3u8             the HLS master playlist
 *   renditions/<videoId>/<label>p/index.m3u8     one rendition's playlist and segments (label: short side)
 *   renditions/<videoId>/audio/index.m3u8         the audio group every rendition refers to
 *   renditions/<videoId>/poster.jpg               the poster frame
 *   videos/<videoId>/status.json | manifest.json  the video's state and what was made (private:
 *                                                 owner id, file name; never under renditions/,
 *                                                 which a public CDN may serve)
 *   processing/<videoId>/<sourceTag>/plan.json    how a source is cut into chunks (private)
 *   processing/<videoId>/<sourceTag>/units/<unit>.json | finalize.json   chunk fan-in (private)
 */
export const UPLOADS_PREFIX = 'uploads/';
export const RENDITIONS_PREFIX = 'renditions/';
export const PROCESSING_PREFIX = 'processing/';
export const VIDEOS_PREFIX = 'videos/';

/**
 * Longest file name kept, in UTF-8 bytes (whole code points only). S3 takes far longer keys, but
 * a name must also be a file name wherever keys become paths (a sync to disk, the local S3
 * emulator): 255 bytes on common filesystems, less what such tools append.
 */
export const MAX_NAME_BYTES = 200;

/** A UTF-16 surrogate without its pair: not text, and not encodable into a key or a URL. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * One cleaning pass. Control characters go before normalising, so a base letter and a combining
 * mark they kept apart compose; every later step leaves NFC text in NFC. Cleaning its own result
 * changes nothing.
 */
function cleanName(name: string): string {
  return name
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .normalize('NFC')
    .replace(/[\\/]/g, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '');
}

/**
 * Makes a user-supplied file name safe to use as the last key segment: path separators,
 * `..`, control characters and unpaired surrogates go, whitespace is collapsed, length is
 * bounded (in UTF-8 bytes, cut between code points, keeping the extension). Never empty, and idempotent:
 * `safeFileName(safeFileName(x)) === safeFileName(x)`, so a key the edge built always reads
 * back as a source key (`parseSourceKey`) in the Lambda and the fleet.
 */
export function safeFileName(name: string): string {
  // Keeping the end keeps the extension; the cut can leave a leading space or dot, so clean again.
  const bounded = cleanName(lastBytes(cleanName(name), MAX_NAME_BYTES));
  return bounded.length > 0 ? bounded : 'video';
}

/** The longest run of whole code points at the end of `text` that fits in `limit` UTF-8 bytes. */
function lastBytes(text: string, limit: number): string {
  const codePoints = Array.from(text);
  let bytes = 0;
  let start = codePoints.length;
  while (start > 0) {
    const size = utf8Length(codePoints[start - 1]!.codePointAt(0)!);
    if (bytes + size > limit) break;
    bytes += size;
    start--;
  }
  return codePoints.slice(start).join('');
}

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/** Key of the uploaded source. `owner` and `videoId` are validated; the name is sanitised. */
export function sourceKey(owner: string, videoId: string, fileName: string): string {
  return `${UPLOADS_PREFIX}${OwnerId.parse(owner)}/${VideoId.parse(videoId)}/${safeFileName(fileName)}`;
}

export interface SourceKeyParts {
  owner: OwnerId;
  videoId: VideoId;
  fileName: string;
}

/** Reads owner, videoId and name back from a source key; `null` for any key outside the layout. */
export function parseSourceKey(key: string): SourceKeyParts | null {
  if (!key.startsWith(UPLOADS_PREFIX)) return null;
  const [owner, videoId, ...rest] = key.slice(UPLOADS_PREFIX.length).split('/');
  const fileName = rest.join('/');
  const ownerOk = OwnerId.safeParse(owner);
  const videoOk = VideoId.safeParse(videoId);
  if (!ownerOk.success || !videoOk.success || rest.length !== 1 || fileName !== safeFileName(fileName)) return null;
  return { owner: ownerOk.data, videoId: videoOk.data, fileName };
}

/** Prefix under which every output of `videoId` lives (ends with `/`). */
export function renditionsPrefix(videoId: string): string {
  return `${RENDITIONS_PREFIX}${VideoId.parse(videoId)}/`;
}

export const outputKeys = {
  master: (videoId: string) => `${renditionsPrefix(videoId)}master.m3u8`,
  poster: (videoId: string) => `${renditionsPrefix(videoId)}poster.jpg`,
  /** Private: read through the API (`videos.status`), never served from the bucket. */
  status: (videoId: string) => `${VIDEOS_PREFIX}${VideoId.parse(videoId)}/status.json`,
  /** Private, like the status: it names the owner and the uploaded file. */
  manifest: (videoId: string) => `${VIDEOS_PREFIX}${VideoId.parse(videoId)}/manifest.json`,
  /** Folder of one rendition, relative to the master playlist: `<label>p`. */
  renditionDir: (label: number) => `${label}p`,
  rendition: (videoId: string, label: number, file: string) => `${renditionsPrefix(videoId)}${outputKeys.renditionDir(label)}/${file}`,
  /** The audio group's folder, relative to the master playlist. */
  audioDir: 'audio',
  audio: (videoId: string, file: string) => `${renditionsPrefix(videoId)}${outputKeys.audioDir}/${file}`,
  /** Key of a file in one track's folder: a rung's `renditionDir` or the `audioDir`. */
  track: (videoId: string, track: string, file: string) => {
    if (!/^(?:[1-9]\d*p|audio)$/.test(track)) throw new Error(`not a track folder: ${track}`);
    return `${renditionsPrefix(videoId)}${track}/${file}`;
  },
};

/**
 * A source's ETag as a key segment: quotes dropped, lower-case hex and `-` only. Each upload of
 * a video has its own processing folder, so a re-upload never mixes with an older run's chunks.
 */
export function sourceTag(etag: string): string {
  const tag = etag.toLowerCase().replace(/[^0-9a-f-]/g, '').slice(0, 64);
  return tag.length > 0 ? tag : 'source';
}

/** Private documents of one source's chunked processing (never under the public `renditions/`). */
export const processingKeys = {
  prefix: (videoId: string, etag: string) => `${PROCESSING_PREFIX}${VideoId.parse(videoId)}/${sourceTag(etag)}/`,
  plan: (videoId: string, etag: string) => `${processingKeys.prefix(videoId, etag)}plan.json`,
  unitsPrefix: (videoId: string, etag: string) => `${processingKeys.prefix(videoId, etag)}units/`,
  unit: (videoId: string, etag: string, unit: string) => `${processingKeys.unitsPrefix(videoId, etag)}${unit}.json`,
  finalize: (videoId: string, etag: string) => `${processingKeys.prefix(videoId, etag)}finalize.json`,
};
