import { createApiClient } from '../api-client.js';
import { blobSource } from '../part-source.js';
import { xhrTransport } from '../transport/xhr-transport.js';
import { startUpload, type Upload, type UploadOptions } from '../upload-session.js';
import { indexedDbResumeStore } from './indexeddb-resume-store.js';
import { wasmSha256 } from './wasm-sha256.js';

export interface UploadBlobOptions extends Omit<UploadOptions, 'api' | 'transport' | 'endpoint'> {
  endpoint: string;
  token: string | (() => string | Promise<string>);
}

/**
 * Uploads a browser `File` or `Blob`: byte progress through XHR, each part's SHA-256 in
 * WebAssembly, resume state in IndexedDB, so picking the same file again after a reload
 * continues where it stopped.
 */
export function uploadBlob(file: Blob, options: UploadBlobOptions): Upload {
  const { token, ...rest } = options;
  return startUpload(blobSource(file), {
    resumeStore: indexedDbResumeStore(),
    sha256: wasmSha256,
    ...rest,
    api: createApiClient({ endpoint: options.endpoint, token }),
    transport: xhrTransport(),
  });
}
