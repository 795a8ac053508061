import { abortAtS3 } from '../abort-upload.js';
import { createApiClient } from '../api-client.js';
import { fingerprintSource } from '../fingerprint.js';
import { startUpload, type Upload, type UploadOptions } from '../upload-session.js';
import { fileSource } from './file-source.js';
import { fileResumeStore } from './file-resume-store.js';
import { nodeHttpTransport } from './http-transport.js';
import { nodeSha256 } from './sha256.js';

export { fileSource, contentTypeFromName } from './file-source.js';
export { fileResumeStore, defaultResumeDir, removeStaleTemporaries } from './file-resume-store.js';
export { nodeHttpTransport } from './http-transport.js';
export { nodeSha256 } from './sha256.js';

export interface UploadFileOptions extends Omit<UploadOptions, 'api' | 'transport' | 'endpoint'> {
  endpoint: string;
  /** Folder for resume states; default under ~/.local/state/hoist. */
  resumeDir?: string;
  token: string | (() => string | Promise<string>);
  /** Content type; default guessed from the extension. */
  contentType?: string;
}

/**
 * Uploads a file from disk: read part by part through one file handle, hashed with node:crypto,
 * sent over keep-alive node:http sockets, resume state in a JSON file (default under
 * ~/.local/state/hoist).
 */
export async function uploadFile(path: string, options: UploadFileOptions): Promise<Upload> {
  const { token, contentType, resumeDir, ...rest } = options;
  const source = await fileSource(path, contentType);
  const transport = nodeHttpTransport({ maxSockets: options.concurrency ?? 4 });
  const upload = startUpload(source, {
    resumeStore: fileResumeStore(resumeDir),
    partChecksum: { algorithm: 'sha256', digest: nodeSha256 },
    ...rest,
    api: createApiClient({ endpoint: options.endpoint, token }),
    transport,
  });
  void upload.done.finally(async () => {
    transport.close();
    await source.close?.();
  }).catch(() => {});
  return upload;
}

/**
 * Aborts the upload of `path` that a previous run left resumable: S3 drops its parts and the
 * saved state goes. Resolves to the video id it aborted, or `null` when there was none.
 */
export async function abortSavedUpload(
  path: string,
  options: { endpoint: string; token: string | (() => string | Promise<string>); resumeDir?: string },
): Promise<string | null> {
  const source = await fileSource(path);
  try {
    const store = fileResumeStore(options.resumeDir);
    const key = await fingerprintSource(source, options.endpoint);
    const state = await store.load(key);
    if (!state) return null;
    const api = createApiClient({ endpoint: options.endpoint, token: options.token });
    await abortAtS3(api, state.uploadToken);
    await store.remove(key);
    return state.videoId;
  } finally {
    await source.close?.();
  }
}
