/** Random-access bytes of the file being uploaded; read part by part, never whole. */
export interface PartSource {
  readonly name: string;
  readonly size: number;
  readonly type: string;
  /** Modification time in ms, when known; part of the resume fingerprint. */
  readonly lastModified?: number;
  read(start: number, end: number): Promise<Uint8Array<ArrayBuffer>>;
  /**
   * The same range as a `Blob` the transport can send without the bytes passing through memory
   * (optional; browsers' files have it). The bytes from `read` are still what gets hashed.
   */
  slice?(start: number, end: number): Blob;
  /** Hands a buffer from `read` back for reuse once its bytes are sent (optional). */
  release?(buffer: Uint8Array<ArrayBuffer>): void;
  close?(): Promise<void>;
}

/** A browser `File` or `Blob` as a part source: slices are read lazily. */
export function blobSource(blob: Blob, name = blob instanceof File ? blob.name : 'video'): PartSource {
  return {
    name,
    size: blob.size,
    type: blob.type || 'application/octet-stream',
    ...(blob instanceof File ? { lastModified: blob.lastModified } : {}),
    read: async (start, end) => new Uint8Array(await blob.slice(start, end).arrayBuffer()),
    slice: (start, end) => blob.slice(start, end),
  };
}
