// The uploader library's browser-safe face. Node gets file paths and a JSON resume store from
// `@hoist/client/node`.
export { createApiClient, type ApiClient, type ApiClientOptions } from './api-client.js';
export { Upload, startUpload, type UploadOptions, type UploadResult, type UploadEvent } from './upload-session.js';
export type { UploadProgress } from './progress-meter.js';
export { blobSource, type PartSource } from './part-source.js';
export { type PartBody, type PartTransport, type PartRequest, type PartResponse } from './transport/part-transport.js';
export { xhrTransport } from './transport/xhr-transport.js';
export { memoryResumeStore, type ResumeStore, type ResumeState } from './resume/resume-state.js';
export { indexedDbResumeStore } from './browser/indexeddb-resume-store.js';
export { uploadBlob, type UploadBlobOptions } from './browser/upload-blob.js';
export { webCryptoSha256, type PartChecksummer } from './part-checksum.js';
export { wasmCrc32c } from './crc32c.js';
export { UploadError, type UploadErrorCode } from './upload-errors.js';
export { followProcessing, type FollowProcessingOptions } from './follow-processing.js';
export { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
