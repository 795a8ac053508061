import { OwnerId, VideoId } from './ids.js';

/**
 * The one place that knows the bucket's key layout:
 *   uploads/<owner>/<videoId>/<safe-name>        the source as uploaded
 *   renditions/<videoId>/master.m3u8             the HLS master playlist
 *   renditions/<videoId>/<label>p/index.m3u8     one rendition's playlist and segments (label: short side)
 *   renditions/<videoId>/poster.jpg | status.json | manifest.json
 */
export const UPLOADS_PREFIX = 'uploads/';
export const RENDITIONS_PREFIX = 'renditions/';

const MAX_NAME_LENGTH = 200;

/**
 * Makes a user-supplied file name safe to use as the last key segment: path separators,
 * `..` and control characters go, whitespace is collapsed, length is bounded (in code points,
 * so unicode is kept whole). Never empty.
 */
export function safeFileName(name: string): string {
  const cleaned = name
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .replace(/[\\/]/g, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '');
  const bounded = Array.from(cleaned).slice(-MAX_NAME_LENGTH).join('');
  return bounded.length > 0 ? bounded : 'video';
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
  status: (videoId: string) => `${renditionsPrefix(videoId)}status.json`,
  manifest: (videoId: string) => `${renditionsPrefix(videoId)}manifest.json`,
  /** Folder of one rendition, relative to the master playlist: `<label>p`. */
  renditionDir: (label: number) => `${label}p`,
  rendition: (videoId: string, label: number, file: string) => `${renditionsPrefix(videoId)}${label}p/${file}`,
};
