// `@hoist/client/uppy`: Uppy's AwsS3 plugin uploading through Hoist's API. Only types come from
// @uppy/*, so the main `@hoist/client` entry never needs Uppy installed.
export { hoistAwsS3Options, type HoistAwsS3Options, type HoistUppyOptions } from './aws-s3-options.js';
export { hoistChunkSize } from './chunk-plan.js';
export type { FollowUntil } from './processing-events.js';
