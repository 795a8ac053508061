import type { UploadResult } from '../upload-session.js';

/** `1.5 GiB`, `12.0 MiB`, `512 B`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** `1h02m`, `3m05s`, `42s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** A one-line bar: `[#####.....]  42%  1.2 GiB / 2.9 GiB  85.0 MiB/s  ETA 20s`. */
export function progressLine(loaded: number, total: number, bytesPerSecond: number, eta: number, width = 24): string {
  const fraction = total > 0 ? Math.min(1, loaded / total) : 0;
  const filled = Math.round(fraction * width);
  return (
    `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ` +
    `${formatBytes(loaded)} / ${formatBytes(total)}  ${formatBytes(bytesPerSecond)}/s  ETA ${formatDuration(eta)}`
  );
}

/**
 * What the upload's checksum is, named for what it is: a single part's SHA-256 is the file's
 * (in hex, as `sha256sum` prints it); a multipart upload has only S3's composite of its parts'.
 */
export function checksumLine(result: Pick<UploadResult, 'sha256' | 'compositeSha256' | 'partCount'>): string | undefined {
  if (result.sha256) return `sha256 of the file (S3 verified it): ${hexFromBase64(result.sha256)}`;
  if (result.compositeSha256) {
    return `S3 composite checksum (SHA-256 of the ${result.partCount} part SHA-256s, not the file's SHA-256): ${result.compositeSha256}`;
  }
  return undefined;
}

/** Works in browsers too (the upload page shares this file): no Buffer. */
function hexFromBase64(base64: string): string {
  return Array.from(atob(base64), (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
}
