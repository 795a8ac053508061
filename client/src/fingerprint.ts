import type { PartSource } from './part-source.js';

const SAMPLE = 64 * 1024;

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Identifies a file across runs without reading all of it: name, size, modification time and
 * SHA-256 of its first and last 64 KiB, so a changed file never resumes an old upload.
 */
export async function fingerprintSource(source: PartSource, endpoint: string): Promise<string> {
  const head = await source.read(0, Math.min(SAMPLE, source.size));
  const tail = await source.read(Math.max(0, source.size - SAMPLE), source.size);
  const meta = new TextEncoder().encode(`${endpoint}\n${source.name}\n${source.size}\n${source.lastModified ?? ''}\n`);
  const all = new Uint8Array(meta.length + head.length + tail.length);
  all.set(meta, 0);
  all.set(head, meta.length);
  all.set(tail, meta.length + head.length);
  return hex(await crypto.subtle.digest('SHA-256', all)).slice(0, 40);
}
