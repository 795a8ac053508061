// The browser side of uppy-adapter.test.ts: Uppy with @uppy/aws-s3 and Hoist's adapter, driven
// through `window.uppyTest`. Bundled by the test with esbuild; not part of any package.
import Uppy from '@uppy/core';
import AwsS3 from '@uppy/aws-s3';
import { hoistAwsS3Options } from '@hoist/client/uppy';
import { randomBytes, recordingFetch, sha256Hex, type ApiCall } from './page-support.js';

export interface UploadRequest {
  endpoint: string;
  token: string;
  name: string;
  type: string;
  size: number;
  /** After this many parts are stored, `pause` pauses and resumes; `cancel` cancels everything. */
  after?: { parts: number; action: 'pause' | 'cancel' };
  /** The adapter's `checksums` option; its default when left out. */
  checksums?: boolean;
  /** When the upload fails, retry it once with `uppy.retryAll()`. */
  retryFailed?: boolean;
  /** As soon as the adapter asks the edge to create the upload: remove the file, or pause it for 300 ms. */
  whileCreating?: 'remove' | 'pause';
  /** When the upload fails (and is not retried), remove the file. */
  removeFailed?: boolean;
  /** An AwsS3 option set over the adapter's: multipart off, or 10 MiB chunks. */
  override?: 'shouldUseMultipart' | 'getChunkSize';
  /** Use a token function that throws instead of the token. */
  tokenThrows?: boolean;
  /** Upload these bytes (base64) instead of `size` random ones. */
  bytesBase64?: string;
  /** The adapter's `followProcessing` option: the upload then waits for its last processing event. */
  followProcessing?: 'playable' | 'ready';
}

/** One `hoist:*` processing event the adapter emitted, in order. */
export interface ProcessingEvent {
  event: 'hoist:playable' | 'hoist:ready' | 'hoist:processing-failed';
  state?: string;
  masterUrl?: string;
  reason?: string;
}

export interface UploadReport {
  /** Hex SHA-256 of the bytes handed to Uppy. */
  sha256: string;
  completeEvents: number;
  successful: Array<{ key: string; uploadURL: string | undefined; location: string }>;
  /** Files that failed in the end. */
  failed: string[];
  /** Every `upload-error` Uppy reported, retried or not. */
  errors: string[];
  partsUploaded: number[];
  /** Most bytes Uppy reported sent. */
  progressMax: number;
  cancelled: boolean;
  processing: ProcessingEvent[];
}

const apiCalls: ApiCall[] = [];
let onApiCall: (call: ApiCall) => void = () => {};
const recordedFetch = recordingFetch(apiCalls, (call) => onApiCall(call));

async function upload(request: UploadRequest): Promise<UploadReport> {
  apiCalls.length = 0;
  const bytes = request.bytesBase64 ? Uint8Array.from(atob(request.bytesBase64), (c) => c.charCodeAt(0)) : randomBytes(request.size);
  const sha256 = await sha256Hex(bytes);
  const uppy = new Uppy({ id: `hoist-${Date.now()}` });
  const token = request.tokenThrows
    ? () => {
        throw new Error('no session: sign in again');
      }
    : request.token;
  const options = { endpoint: request.endpoint, token, fetch: recordedFetch };
  const awsS3 = hoistAwsS3Options(uppy, {
    ...options,
    ...(request.checksums === undefined ? {} : { checksums: request.checksums }),
    ...(request.followProcessing ? { followProcessing: request.followProcessing } : {}),
  });
  if (request.override === 'shouldUseMultipart') uppy.use(AwsS3, { ...awsS3, shouldUseMultipart: false });
  else if (request.override === 'getChunkSize') uppy.use(AwsS3, { ...awsS3, getChunkSize: () => 10 * 1024 * 1024 });
  else uppy.use(AwsS3, awsS3);
  const report: UploadReport = { sha256, completeEvents: 0, successful: [], failed: [], errors: [], partsUploaded: [], progressMax: 0, cancelled: false, processing: [] };
  // The last processing event the request waits for: ready (or playable), or a failure.
  let processed: () => void = () => {};
  const processingDone = new Promise<void>((resolve) => (processed = resolve));
  uppy.on('hoist:playable', (_file, status) => {
    report.processing.push({ event: 'hoist:playable', state: status.state, ...(status.masterUrl ? { masterUrl: status.masterUrl } : {}) });
    if (request.followProcessing === 'playable') processed();
  });
  uppy.on('hoist:ready', (_file, status) => {
    report.processing.push({ event: 'hoist:ready', state: status.state, ...(status.masterUrl ? { masterUrl: status.masterUrl } : {}) });
    processed();
  });
  uppy.on('hoist:processing-failed', (_file, reason, status) => {
    report.processing.push({ event: 'hoist:processing-failed', reason, ...(status ? { state: status.state } : {}) });
    processed();
  });
  let cancelled: () => void = () => {};
  const cancelDone = new Promise<void>((resolve) => (cancelled = resolve));
  uppy.on('complete', () => report.completeEvents++);
  uppy.on('upload-progress', (_file, progress) => (report.progressMax = Math.max(report.progressMax, progress.bytesUploaded)));
  uppy.on('upload-error', (_file, error) => report.errors.push(error.message));
  uppy.on('s3-multipart:part-uploaded', (file, part) => {
    report.partsUploaded.push(part.PartNumber);
    if (request.after && report.partsUploaded.length === request.after.parts) {
      if (request.after.action === 'pause') {
        uppy.pauseResume(file.id);
        setTimeout(() => uppy.pauseResume(file.id), 300);
      } else {
        uppy.cancelAll();
        report.cancelled = true;
        cancelled();
      }
    }
  });
  const fileId = uppy.addFile({ name: request.name, type: request.type, data: new Blob([bytes], { type: request.type }) });
  onApiCall = (call) => {
    if (call.procedure !== 'uploads.create') return;
    if (request.whileCreating === 'remove') {
      uppy.removeFile(fileId);
      report.cancelled = true;
      cancelled();
    } else if (request.whileCreating === 'pause') {
      uppy.pauseResume(fileId);
      setTimeout(() => uppy.pauseResume(fileId), 300);
    }
  };
  let result = await Promise.race([uppy.upload(), cancelDone.then(() => undefined)]);
  if (request.retryFailed && result?.failed?.length) result = await uppy.retryAll();
  if (request.removeFailed && result?.failed?.length) uppy.removeFile(fileId);
  for (const file of result?.successful ?? []) {
    const body = file.response?.body as { key: string; location: string } | undefined;
    report.successful.push({ key: body?.key ?? '', location: body?.location ?? '', uploadURL: file.uploadURL });
  }
  for (const file of result?.failed ?? []) report.failed.push(String(file.error));
  if (request.followProcessing && report.successful.length > 0) await processingDone;
  if (!report.cancelled) uppy.destroy();
  return report;
}

declare global {
  interface Window {
    uppyTest: { upload: typeof upload; apiCalls: () => ApiCall[] };
  }
}
window.uppyTest = { upload, apiCalls: () => [...apiCalls] };
