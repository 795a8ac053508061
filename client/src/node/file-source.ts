import { open } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { PartSource } from '../part-source.js';

const VIDEO_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/x-m4v',
  '.mov': 'video/quicktime',
  '.mkv': 'video/x-matroska',
  '.webm': 'video/webm',
  '.avi': 'video/x-msvideo',
  '.ts': 'video/mp2t',
  '.mpg': 'video/mpeg',
  '.mpeg': 'video/mpeg',
};

/** Guesses a content type from the file extension. */
export function contentTypeFromName(name: string): string {
  return VIDEO_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/** Free part buffers kept for reuse: enough for the usual concurrency and one read ahead. */
const MAX_FREE_BUFFERS = 8;

/**
 * A file on disk as a part source: one open handle, each part read at its offset into a
 * buffer that is reused once the part is sent. Fresh multi-MiB buffers would cost a page
 * fault per 4 KiB and leave garbage for the collector; reused ones cost nothing.
 */
export async function fileSource(path: string, contentType?: string): Promise<PartSource> {
  const handle = await open(path, 'r');
  const stats = await handle.stat();
  if (!stats.isFile() || stats.size === 0) {
    await handle.close();
    throw Object.assign(new Error(stats.isFile() ? `${path} is empty: there is nothing to upload` : `${path} is not a file`), { code: 'ENOTUPLOADABLE' });
  }
  const { size, mtimeMs } = stats;
  const free: Array<Uint8Array<ArrayBuffer>> = [];
  return {
    name: basename(path),
    size,
    lastModified: Math.floor(mtimeMs),
    type: contentType ?? contentTypeFromName(path),
    release(buffer) {
      if (free.length < MAX_FREE_BUFFERS) free.push(buffer);
    },
    async read(start, end) {
      const index = free.findIndex((b) => b.length === end - start);
      const buffer = index >= 0 ? free.splice(index, 1)[0]! : new Uint8Array(end - start);
      let offset = 0;
      while (offset < buffer.length) {
        const { bytesRead } = await handle.read(buffer, offset, buffer.length - offset, start + offset);
        if (bytesRead === 0) throw new Error(`${path} is shorter than expected: it changed during the upload`);
        offset += bytesRead;
      }
      return buffer;
    },
    close: () => handle.close(),
  };
}
