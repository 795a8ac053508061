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

/** A file on disk as a part source: one open handle, each part read at its offset. */
export async function fileSource(path: string, contentType?: string): Promise<PartSource> {
  const handle = await open(path, 'r');
  const { size, mtimeMs } = await handle.stat();
  return {
    name: basename(path),
    size,
    lastModified: Math.floor(mtimeMs),
    type: contentType ?? contentTypeFromName(path),
    async read(start, end) {
      const buffer = new Uint8Array(end - start);
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
