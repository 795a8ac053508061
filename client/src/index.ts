export { createApiClient, type ApiClient, type ApiClientOptions } from './api-client.js';
export { upload, type UploadOptions, type UploadProgress, type UploadResult } from './upload.js';
export { blobSource, type PartSource } from './part-source.js';
export { UploadError, type UploadErrorCode } from './upload-errors.js';
export { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
