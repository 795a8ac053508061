import type { ApiClient } from './api-client.js';
import type { UploadProgress } from './progress-meter.js';
import type { PartChecksummer } from './part-checksum.js';
import type { ResumeStore } from './resume/resume-state.js';
import type { RetryPolicy } from './retry.js';
import type { PartTransport } from './transport/part-transport.js';

export interface UploadOptions {
  api: ApiClient;
  /** The API's base URL; resume states are kept per endpoint. */
  endpoint: string;
  transport: PartTransport;
  /** Where progress is kept for resume. Default: memory (this process only). */
  resumeStore?: ResumeStore;
  /** Parts in flight at once. Default 4. */
  concurrency?: number;
  /** Sign each part's checksum into its URL so S3 refuses corrupted parts. Default true. */
  checksums?: boolean;
  /**
   * Which checksum, computed how. Default: SHA-256 through WebCrypto, which works everywhere but
   * copies each part before hashing it. `uploadFile` in Node passes node:crypto's SHA-256, which
   * hashes the buffer in place; `uploadBlob` in browsers passes CRC32C in WebAssembly.
   */
  partChecksum?: PartChecksummer;
  retry?: Partial<RetryPolicy>;
  /** A part attempt that sends nothing for this long is dropped and retried. Default 30 s. */
  stallTimeoutMs?: number;
  /** A URL with less than this left is re-signed before use. Default 60 s. */
  urlRefreshMarginMs?: number;
  /** Aborting stops every request and aborts the multipart upload: nothing is kept. */
  signal?: AbortSignal;
  onProgress?: (progress: UploadProgress) => void;
  /** Least time between progress events. Default 250 ms. */
  progressIntervalMs?: number;
  /** Notable moments, for logs: a resume, a retry, a re-signed URL. */
  onEvent?: (event: UploadEvent) => void;
}

export type UploadEvent =
  | { kind: 'created'; videoId: string; partCount: number; partSize: number }
  /** Continuing an upload S3 already holds `partsAlreadyStored` parts of (as ListParts reports). */
  | { kind: 'resumed'; videoId: string; partsAlreadyStored: number }
  | { kind: 'retry'; partNumber: number; attempt: number; reason: string }
  | { kind: 'paused' }
  | { kind: 'continued' };
