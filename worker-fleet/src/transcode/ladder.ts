import type { Rung } from '@hoist/shared';
import type { SourceInfo } from './probe.js';

/**
 * Default rates per rung, keyed by short side. 1080p and 720p are the H.264 rows of Apple's
 * HLS Authoring Specification (6000 and 3000 kbit/s); it has no 480p or 360p row, so 480p sits
 * between its 432p (1100) and 540p (2000) rows, and 360p takes its 432p rate of 730 kbit/s.
 */
export const DEFAULT_RUNG_RATES: ReadonlyMap<number, { videoKbps: number; audioKbps: number }> = new Map([
  [1080, { videoKbps: 6000, audioKbps: 128 }],
  [720, { videoKbps: 3000, audioKbps: 128 }],
  [480, { videoKbps: 1400, audioKbps: 128 }],
  [360, { videoKbps: 730, audioKbps: 96 }],
]);

export const DEFAULT_LADDER = [...DEFAULT_RUNG_RATES.keys()];

/** Peak rate allowed above the target; Apple asks VOD peaks to stay within 200% of the average. */
const PEAK_FACTOR = 1.5;

const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));

function ratesFor(label: number): { videoKbps: number; audioKbps: number } {
  const known = DEFAULT_RUNG_RATES.get(label);
  if (known) return known;
  // A rung not in the table scales 720p's rate by pixel count.
  return { videoKbps: Math.round((3000 * (label * label)) / (720 * 720)), audioKbps: label >= 480 ? 128 : 96 };
}

/**
 * Chooses the rungs for a source: only labels no larger than its short side (never upscale),
 * sizes even and in the source's display aspect. A source smaller than every rung gets one
 * rung at its own size. Sorted lowest first, the order they are published in.
 */
export function chooseLadder(source: Pick<SourceInfo, 'width' | 'height'>, labels: readonly number[] = DEFAULT_LADDER): Rung[] {
  const short = Math.min(source.width, source.height);
  const long = Math.max(source.width, source.height);
  const portrait = source.height > source.width;
  let chosen = [...new Set(labels)].filter((label) => label <= short);
  if (chosen.length === 0) chosen = [Math.max(2, Math.floor(short / 2) * 2)];
  return chosen
    .sort((a, b) => a - b)
    .map((label) => {
      const shortSide = even(label);
      const longSide = even((long * shortSide) / short);
      const { videoKbps, audioKbps } = ratesFor(label);
      return {
        label,
        width: portrait ? shortSide : longSide,
        height: portrait ? longSide : shortSide,
        videoBitrate: videoKbps * 1000,
        maxVideoBitrate: Math.round(videoKbps * PEAK_FACTOR) * 1000,
        audioBitrate: audioKbps * 1000,
      };
    });
}

