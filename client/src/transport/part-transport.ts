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

/** How part bytes reach S3. Node sends through node:http, browsers through XHR, tests through anything. */
export interface PartTransport {
  put(request: PartRequest): Promise<PartResponse>;
}

/**
 * A transport over `fetch`: works everywhere, but fetch reports no upload progress, so bytes
 * count only when a part is done.
 */
export function fetchTransport(doFetch: typeof fetch = (input, init) => fetch(input, init)): PartTransport {
  return {
    async put({ url, headers, body, signal, onBytes }) {
      const response = await doFetch(url, { method: 'PUT', headers, body, signal });
      const text = await response.text();
      if (response.ok) onBytes(partBodySize(body));
      return { status: response.status, etag: response.headers.get('etag'), text };
    },
  };
}
