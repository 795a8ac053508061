// The browser side of uppy-golden-retriever.test.ts: Uppy with @uppy/aws-s3, Golden Retriever and
// Hoist's adapter, set up afresh on every page load and driven through `window.goldenRetrieverTest`.
// Bundled by the test with esbuild; not part of any package.
import Uppy from '@uppy/core';
import AwsS3 from '@uppy/aws-s3';
import GoldenRetriever, { type GoldenRetrieverOptions } from '@uppy/golden-retriever';
import { hoistAwsS3Options } from '@hoist/client/uppy';
import { randomBytes, recordingFetch, sha256Hex, type ApiCall } from './page-support.js';

/** Golden Retriever keeps its state per Uppy id, so every load of the page must use the same one. */
const UPPY_ID = 'hoist-golden-retriever';
/** Golden Retriever's IndexedDB database: its `metadata` store holds Uppy's state, `files` the bytes. */
const DB_NAME = 'uppy-blobs';

export interface Setup {
  endpoint: string;
  token: string;
}

/** A file as Uppy holds it (its bytes left out), after Golden Retriever restored it. */
export interface FileView {
  id: string;
  isRestored: boolean;
  isGhost: boolean;
  /** Size of the bytes Uppy would upload, or null without any. */
  dataSize: number | null;
  s3Multipart: { uploadId: string; key: string } | undefined;
}

/** What Golden Retriever has saved of one file, read back from its IndexedDB database. */
export interface Saved {
  /** The file's saved state equals its state in Uppy now: nothing is waiting to be saved. */
  upToDate: boolean;
  s3Multipart: { uploadId: string; key: string } | undefined;
  /** Size of the saved copy of the file's bytes, or null when there is none. */
  blobSize: number | null;
}

export interface ResumeReport {
  successful: Array<{ key: string; uploadURL: string | undefined }>;
  failed: string[];
  /** Every `upload-error` Uppy reported on this page. */
  errors: string[];
  /** Parts Uppy reported stored on this page, in order. */
  partsUploaded: number[];
}

const apiCalls: ApiCall[] = [];
const errors: string[] = [];
const partsUploaded: number[] = [];
let uppy: Uppy | undefined;
let restored: Promise<void> | undefined;

/** Sets up Uppy as a page would on every load; Golden Retriever starts restoring at once. */
function setup({ endpoint, token }: Setup): void {
  uppy = new Uppy({ id: UPPY_ID });
  const restoredNow = uppy;
  restored = new Promise((resolve) => restoredNow.once('restored', () => resolve()));
  // Its IndexedDB store refuses files over 10 MiB unless told otherwise (a setting 6.0.0's types leave out).
  const indexedDB = { maxFileSize: 64 * 1024 * 1024 } as NonNullable<GoldenRetrieverOptions['indexedDB']>;
  uppy.use(GoldenRetriever, { indexedDB });
  uppy.use(AwsS3, hoistAwsS3Options(uppy, { endpoint, token, fetch: recordingFetch(apiCalls) }));
  uppy.on('upload-error', (_file, error) => errors.push(error.message));
  uppy.on('s3-multipart:part-uploaded', (_file, part) => partsUploaded.push(part.PartNumber));
}

/** Adds `size` random bytes as a file and starts uploading it; the upload runs on. */
async function start(request: { name: string; type: string; size: number }): Promise<{ fileId: string; sha256: string }> {
  const bytes = randomBytes(request.size);
  const sha256 = await sha256Hex(bytes);
  const fileId = uppy!.addFile({ name: request.name, type: request.type, data: new Blob([bytes], { type: request.type }) });
  uppy!.upload().catch((error: unknown) => errors.push(`upload(): ${String(error)}`));
  return { fileId, sha256 };
}

function view(fileId: string): FileView | undefined {
  const file = uppy!.getFile(fileId);
  if (!file) return undefined;
  const data = file.isRemote ? undefined : file.data;
  return { id: file.id, isRestored: Boolean(file.isRestored), isGhost: file.isGhost, dataSize: data ? data.size : null, s3Multipart: file.s3Multipart };
}

/** The files Golden Retriever restored on this load, once it has; at most `timeoutMs`. */
async function restoredFiles(timeoutMs: number): Promise<FileView[]> {
  await within(restored!, timeoutMs, 'Golden Retriever restored nothing');
  return uppy!.getFiles().map((file) => view(file.id)!);
}

/** Resolves with the request's result, as IndexedDB answers. */
function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** What Golden Retriever has saved of `fileId` in IndexedDB just now. */
async function saved(fileId: string): Promise<Saved> {
  const db = await request(indexedDB.open(DB_NAME));
  try {
    const transaction = db.transaction(['metadata', 'files'], 'readonly');
    const record = (await request(transaction.objectStore('metadata').get(UPPY_ID))) as { metadata: string } | undefined;
    const blob = (await request(transaction.objectStore('files').get(`${UPPY_ID}!${fileId}`))) as { data: Blob } | undefined;
    const savedFile = record ? (JSON.parse(record.metadata) as { files: Record<string, { s3Multipart?: Saved['s3Multipart'] }> }).files[fileId] : undefined;
    // Golden Retriever saves each file as it is in Uppy's state, without its bytes and preview.
    const current = uppy!.getFile(fileId);
    const { data: _data, preview: _preview, ...rest } = current ?? ({} as Record<string, unknown>);
    return {
      upToDate: savedFile !== undefined && JSON.stringify(savedFile) === JSON.stringify(rest),
      s3Multipart: savedFile?.s3Multipart,
      blobSize: blob ? blob.data.size : null,
    };
  } finally {
    db.close();
  }
}

/**
 * Does what confirming a restore does in Uppy's Dashboard (Golden Retriever resumes every
 * upload it restored), and reports once they complete; at most `timeoutMs`.
 */
async function resume(timeoutMs: number): Promise<ResumeReport> {
  const u = uppy!;
  const complete = new Promise<void>((resolve) => u.once('complete', () => resolve()));
  u.emit('restore-confirmed');
  await within(complete, timeoutMs, `the restored upload did not complete; errors: ${errors.join('; ')}`);
  const report: ResumeReport = { successful: [], failed: [], errors: [...errors], partsUploaded: [...partsUploaded] };
  for (const file of u.getFiles()) {
    if (file.error) report.failed.push(file.error);
    else if (file.progress.uploadComplete) {
      report.successful.push({ key: String((file.response?.body as { key?: string } | undefined)?.key ?? ''), uploadURL: file.uploadURL });
    }
  }
  return report;
}

function within<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${message} (${timeoutMs} ms)`)), timeoutMs)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

declare global {
  interface Window {
    goldenRetrieverTest: {
      setup: typeof setup;
      start: typeof start;
      saved: typeof saved;
      restoredFiles: typeof restoredFiles;
      resume: typeof resume;
      apiCalls: () => ApiCall[];
      partsUploaded: () => number[];
      errors: () => string[];
    };
  }
}
window.goldenRetrieverTest = {
  setup,
  start,
  saved,
  restoredFiles,
  resume,
  apiCalls: () => [...apiCalls],
  partsUploaded: () => [...partsUploaded],
  errors: () => [...errors],
};
