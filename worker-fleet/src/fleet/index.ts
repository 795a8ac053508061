export { readFleetConfig, type FleetConfig } from './config.js';
export { createAwsClients } from './clients.js';
export { JobConsumer, type JobConsumerOptions } from './consumer.js';
export { runTranscodeJob, type TranscodeJobDeps, type JobOutcome } from './run-transcode-job.js';
export { runChunkJob } from './run-chunk-job.js';
export { JobError } from './job-errors.js';
export { S3Store } from '../storage/s3-store.js';
export { EncodePool } from '../transcode/encode-pool.js';
export { resolveFfmpegBinaries } from '../transcode/ffmpeg-binaries.js';
