import { planParts } from '@hoist/shared';

/**
 * The part size Hoist's `uploads.create` will choose for a file of `size` bytes, for Uppy's
 * `getChunkSize`. Uppy cuts a file into chunks before it asks to create the upload, and the edge
 * signs each part's exact length, so both sides must cut at the same places: both use
 * `planParts`, and the adapter checks the edge's answer against it.
 */
export function hoistChunkSize(file: { size: number }): number {
  return planParts(Math.max(1, file.size)).partSize;
}
