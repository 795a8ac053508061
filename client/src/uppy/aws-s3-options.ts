import type { Uppy } from '@uppy/core';
import type { Body, Meta, UppyFile } from '@uppy/core/utils';
import { createApiClient, type ApiClient, type ApiClientOptions } from '../api-client.js';
import { hoistChunkSize } from './chunk-plan.js';
import { HoistS3Signer, type HoistAwsS3Options } from './hoist-s3-signer.js';

export type { HoistAwsS3Options } from './hoist-s3-signer.js';
import { emitProcessingEvents, type FollowUntil } from './processing-events.js';

export interface HoistUppyOptions extends ApiClientOptions {
  /** An API client to use instead of one made from `endpoint`, `token` and `fetch`. */
  api?: ApiClient;
  /**
   * Sign each part's SHA-256 into its URL, so S3 refuses a part that arrives altered. Uppy reads
   * each part itself to send it, so the adapter reads it once more to hash it: the next parts are
   * hashed while one is sent, and their URLs signed 8 at a time. Default true.
   */
  checksums?: boolean;
  /** A part URL with less than this left is signed again before use. Default 60 s. */
  urlRefreshMarginMs?: number;
  /**
   * After each upload, follow its video's processing and emit `hoist:playable` (the start plays;
   * `status.masterUrl` is the player's URL), then with `'ready'` also `hoist:ready`, or
   * `hoist:processing-failed` (processing-events.ts). Default false: no polling.
   */
  followProcessing?: FollowUntil | false;
}

/**
 * Options for `@uppy/aws-s3` (v6) that upload through Hoist's API: `uploads.create`,
 * `signParts`, `listParts`, `complete` and `abort` stand in for the S3 requests Uppy would
 * otherwise sign and send itself. In `upload-success`, `response.body.key` is the video id; with
 * `followProcessing`, `hoist:playable` then says when that video plays.
 * The adapter's failures reach `upload-error` as `UploadError`s: `rejected` with the edge's reason
 * when it refused, else `failed`; a part S3 refuses fails with Uppy's own error.
 * Uppy reads the answers to create, complete, ListParts and abort from `data:` URLs, so a
 * Content-Security-Policy must allow `connect-src data:` (and the edge and bucket origins).
 *
 * @example uppy.use(AwsS3, hoistAwsS3Options(uppy, { endpoint, token: () => getJwt() }))
 */
export function hoistAwsS3Options<M extends Meta, B extends Body>(uppy: Uppy<M, B>, options: HoistUppyOptions): HoistAwsS3Options {
  const problem = optionsProblem(options);
  // Thrown where the page sets Uppy up: found later, it would fail each file mid-upload (a missing
  // endpoint only at `complete`, once every part is sent).
  if (problem) throw new TypeError(`hoistAwsS3Options: ${problem}`);
  const { api: given, checksums, urlRefreshMarginMs, followProcessing, ...client } = options;
  const api = given ?? createApiClient(client);
  if (followProcessing) emitProcessingEvents(uppy, api, followProcessing);
  const signer = new HoistS3Signer(uppy, {
    api,
    endpoint: options.endpoint,
    checksums: checksums ?? true,
    urlRefreshMarginMs: urlRefreshMarginMs ?? 60_000,
  });
  return {
    shouldUseMultipart: true,
    getChunkSize: hoistChunkSize,
    generateObjectKey: (file) => signer.objectKeyFor(file),
    signRequest: signer.sign,
  };
}

/** What is wrong with the adapter's options, in words, or undefined when they are usable. */
export function optionsProblem(options: Partial<HoistUppyOptions> | undefined): string | undefined {
  if (!options || typeof options !== 'object') return 'options are required: { endpoint, token }';
  const { endpoint, token, api, checksums, urlRefreshMarginMs, followProcessing } = options;
  if (typeof endpoint !== 'string' || !/^https?:\/\/[^/]/i.test(endpoint)) {
    return `endpoint must be the edge's http(s) base URL, e.g. https://upload.example.com (got ${JSON.stringify(endpoint)})`;
  }
  if (!api && typeof token !== 'string' && typeof token !== 'function') return 'token must be a JWT string or a function that returns one';
  if (checksums !== undefined && typeof checksums !== 'boolean') return 'checksums must be true or false';
  if (urlRefreshMarginMs !== undefined && !(Number.isFinite(urlRefreshMarginMs) && urlRefreshMarginMs >= 0)) {
    return 'urlRefreshMarginMs must be a number of milliseconds, 0 or more';
  }
  if (followProcessing !== undefined && followProcessing !== false && followProcessing !== 'playable' && followProcessing !== 'ready') {
    return `followProcessing must be 'playable', 'ready' or false (got ${JSON.stringify(followProcessing)})`;
  }
  return undefined;
}
