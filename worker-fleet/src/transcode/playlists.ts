import type { RenditionEntry } from '@hoist/shared';

/** Segment durations in seconds, in order, from a media playlist's `#EXTINF` lines. */
export function segmentDurations(mediaPlaylist: string): number[] {
  return [...mediaPlaylist.matchAll(/^#EXTINF:([\d.]+)/gm)].map((match) => Number(match[1]));
}

/**
 * Peak and average bits per second of a rendition from its segments' real sizes, so the
 * master playlist advertises what players will actually fetch.
 */
export function measuredBandwidth(durations: readonly number[], segmentBytes: readonly number[]): { peak: number; average: number } {
  let peak = 0;
  let totalBits = 0;
  let totalSeconds = 0;
  durations.forEach((seconds, i) => {
    const bits = (segmentBytes[i] ?? 0) * 8;
    totalBits += bits;
    totalSeconds += seconds;
    if (seconds > 0) peak = Math.max(peak, bits / seconds);
  });
  const average = totalSeconds > 0 ? totalBits / totalSeconds : 0;
  return { peak: Math.max(1, Math.ceil(peak)), average: Math.max(1, Math.ceil(average)) };
}

export interface MasterVariant extends RenditionEntry {
  averageBandwidth: number;
  frameRate: number;
}

/** The master playlist, lowest rendition first so players that start at the top start small. */
export function masterPlaylist(variants: readonly MasterVariant[]): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const v of [...variants].sort((a, b) => a.bandwidth - b.bandwidth)) {
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${v.bandwidth},AVERAGE-BANDWIDTH=${v.averageBandwidth},` +
        `RESOLUTION=${v.width}x${v.height},CODECS="${v.codecs}",FRAME-RATE=${v.frameRate.toFixed(3)}`,
      v.playlist,
    );
  }
  return `${lines.join('\n')}\n`;
}
