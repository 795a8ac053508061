import { PROCESSING_PREFIX, RENDITIONS_PREFIX, UPLOADS_PREFIX, VIDEOS_PREFIX, outputKeys } from '@hoist/shared';

// Any valid id will do: only the part of the key after the video's own prefix is kept.
const SAMPLE_VIDEO_ID = '0'.repeat(26);
const STATUS_FILE = outputKeys.status(SAMPLE_VIDEO_ID).slice(`${VIDEOS_PREFIX}${SAMPLE_VIDEO_ID}/`.length);

/** IAM key patterns over the layout that shared/src/keys.ts owns. */
export const KEY_PATTERNS = {
  /** Every uploaded source: `uploads/<owner>/<videoId>/<name>`. */
  sources: `${UPLOADS_PREFIX}*`,
  /** Every public output: playlists, segments and posters (what a CDN may serve). */
  outputs: `${RENDITIONS_PREFIX}*`,
  /** Each video's private documents: `videos/<videoId>/status.json` and `manifest.json`. */
  videoDocuments: `${VIDEOS_PREFIX}*`,
  /** Each video's `status.json` and nothing else under `videos/`. */
  statusDocuments: `${VIDEOS_PREFIX}*/${STATUS_FILE}`,
  /**
   * Every private document of chunked processing: `processing/<videoId>/<sourceTag>/` holding
   * `plan.json`, `units/<unit>.json` and `finalize.json`. Only the fleet touches them.
   */
  processing: `${PROCESSING_PREFIX}*`,
} as const;
