import { createApiClient } from '../api-client.js';
import { wasmCrc32c } from '../crc32c.js';
import { blobSource } from '../part-source.js';
import { xhrTransport } from '../transport/xhr-transport.js';
import { startUpload, type Upload, type UploadOptions } from '../upload-session.js';
import { indexedDbResumeStore } from './indexeddb-resume-store.js';

export interface UploadBlobOptions extends Omit<UploadOptions, 'api' | 'transport' | 'endpoint'> {
  endpoint: string;
  token: string | (() => string | Promise<string>);
}

/**
 * Uploads a browser `File` or `Blob`: byte progress through XHR, each part's CRC32C in
 * WebAssembly, resume state in IndexedDB, so picking the same file again after a reload
 * continues where it stopped.
 */
export function uploadBlob(file: Blob, options: UploadBlobOptions): Upload {
  const { token, ...rest } = options;
  return startUpload(blobSource(file), {
    resumeStore: indexedDbResumeStore(),
    partChecksum: wasmCrc32c,
    ...rest,
    api: createApiClient({ endpoint: options.endpoint, token }),
    transport: xhrTransport(),
  });
}
