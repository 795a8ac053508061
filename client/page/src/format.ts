import { formatBytes } from '../../src/cli/format.js';

// Sizes are written the way the CLI writes them; the rest is worded for a page, not a terminal.
export { formatBytes };

/** `8.0 MiB/s`, or a dash before there is a rate. */
export function formatRate(bytesPerSecond: number): string {
  return bytesPerSecond > 0 ? `${formatBytes(Math.round(bytesPerSecond))}/s` : '–';
}

/** `about 5 s`, `about 3 min`, `about 1 h 20 min`; a dash while unknown. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `about ${Math.max(1, s)} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `about ${minutes} min`;
  return `about ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** `1.2 Mb/s` for a rendition's bandwidth in bits per second. */
export function formatBitrate(bitsPerSecond: number): string {
  return bitsPerSecond >= 1_000_000 ? `${(bitsPerSecond / 1_000_000).toFixed(1)} Mb/s` : `${Math.round(bitsPerSecond / 1000)} kb/s`;
}
