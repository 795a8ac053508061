/** What a part PUT came back with. */
export interface PartResponse {
  status: number;
  /** The `ETag` header, or `null` when it was missing or not readable (CORS). */
  etag: string | null;
  /** The response body, for S3's error code. */
  text: string;
}

/**
 * A part's bytes: in memory, or a `Blob` slice of the file that a browser sends straight from
 * disk (XHR copies an in-memory body through the page first, about ten times slower).
 */
export type PartBody = Uint8Array<ArrayBuffer> | Blob;

export function partBodySize(body: PartBody): number {
  return body instanceof Uint8Array ? body.length : body.size;
}

export interface PartRequest {
  url: string;
  headers: Record<string, string>;
  body: PartBody;
  signal: AbortSignal;
  /** Called with the number of body bytes sent so far, as they go out. */
  onBytes(sent: number): void;
}

/**
 * How part bytes reach S3. Node sends through node:http, browsers through XHR: both report bytes
 * as they go, which the stall detector relies on (fetch reports none until a part is done, so
 * there is no fetch transport).
 */
export interface PartTransport {
  put(request: PartRequest): Promise<PartResponse>;
}
