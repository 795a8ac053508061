import { MAX_OBJECT_SIZE, planParts } from '@hoist/shared';

/**
 * The part size Hoist's `uploads.create` will choose for a file of `size` bytes, for Uppy's
 * `getChunkSize`. Uppy cuts a file into chunks before it asks to create the upload, and the edge
 * signs each part's exact length, so both sides must cut at the same places: both use
 * `planParts`, and the adapter checks the edge's answer against it. Never throws: a file Hoist
 * refuses (empty, or above 5 TiB) gets a size too, and is refused when its upload is created.
 */
export function hoistChunkSize(file: { size: number }): number {
  return planParts(Math.min(MAX_OBJECT_SIZE, Math.max(1, file.size))).partSize;
}
