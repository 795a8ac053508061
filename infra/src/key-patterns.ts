import { PROCESSING_PREFIX, RENDITIONS_PREFIX, UPLOADS_PREFIX, outputKeys, renditionsPrefix } from '@hoist/shared';

// Any valid id will do: only the part of the key after the video's own prefix is kept.
const SAMPLE_VIDEO_ID = '0'.repeat(26);
const STATUS_FILE = outputKeys.status(SAMPLE_VIDEO_ID).slice(renditionsPrefix(SAMPLE_VIDEO_ID).length);

/** IAM key patterns over the layout that shared/src/keys.ts owns. */
export const KEY_PATTERNS = {
  /** Every uploaded source: `uploads/<owner>/<videoId>/<name>`. */
  sources: `${UPLOADS_PREFIX}*`,
  /** Every output: playlists, segments, posters, status and manifest documents. */
  outputs: `${RENDITIONS_PREFIX}*`,
  /** Each video's `status.json` and nothing else under `renditions/`. */
  statusDocuments: `${RENDITIONS_PREFIX}*/${STATUS_FILE}`,
  /**
   * Every private document of chunked processing: `processing/<videoId>/<sourceTag>/` holding
   * `plan.json`, `units/<unit>.json` and `finalize.json`. Only the fleet touches them.
   */
  processing: `${PROCESSING_PREFIX}*`,
} as const;
