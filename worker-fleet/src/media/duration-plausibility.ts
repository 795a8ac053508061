import { formatBytes, formatDuration } from '../human-units.js';
import type { PacketTime } from './packet-sample.js';
import { UnusableMediaError } from './unusable-media.js';

/**
 * Fewest bytes a second of real video takes, container included (0.8 kbit/s): a still picture
 * with no sound takes more in every accepted container. A file claiming a duration it could
 * not hold at this rate is refused.
 */
export const MIN_BYTES_PER_SECOND = 100;

/** Video packets needed before their timing counts as a measured frame rate. */
const MIN_PACKETS_FOR_RATE = 20;

/** Frames per second as the first video packets actually arrive, or undefined when too few carry times. */
export function measuredFrameRate(head: readonly PacketTime[]): number | undefined {
  if (head.length < MIN_PACKETS_FOR_RATE) return undefined;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const packet of head) {
    first = Math.min(first, packet.at);
    last = Math.max(last, packet.at);
  }
  return last > first ? (head.length - 1) / (last - first) : undefined;
}

export interface DurationEvidence {
  /** What the header says: duration and start, in seconds. */
  claimedSeconds: number;
  startSeconds: number;
  /** The file's size. */
  bytes: number;
  /** Packets read from just before the claimed end to the real one (packet-sample.ts). */
  tail: readonly PacketTime[];
  /** The audio and video streams: the ones whose packets make up the duration. */
  mediaStreams: ReadonlySet<number>;
}

/**
 * Judges the header's duration against what is there: the audio and video packets near the end
 * must stop within 5 s (or 2%) of it, and the file must hold at least MIN_BYTES_PER_SECOND for
 * it. Throws an `implausible` UnusableMediaError that says what was found otherwise.
 */
export function checkDurationPlausible(evidence: DurationEvidence): void {
  const claimed = evidence.claimedSeconds;
  let packetEnd = Number.NEGATIVE_INFINITY;
  for (const packet of evidence.tail) {
    if (evidence.mediaStreams.has(packet.stream)) packetEnd = Math.max(packetEnd, packet.end - evidence.startSeconds);
  }
  const tolerance = Math.max(5, 0.02 * claimed);
  const problems: string[] = [];
  if (packetEnd === Number.NEGATIVE_INFINITY) problems.push('no audio or video packets were found near that end');
  else if (packetEnd < claimed - tolerance) problems.push(`its packets end at ${formatDuration(Math.max(0, packetEnd))}`);
  else if (packetEnd > claimed + tolerance) problems.push(`its packets run on to ${formatDuration(packetEnd)} at least`);
  const perSecond = evidence.bytes / claimed;
  if (perSecond < MIN_BYTES_PER_SECOND) {
    problems.push(`the whole file is ${formatBytes(evidence.bytes)} (${Number(perSecond.toPrecision(2))} bytes a second, where real video takes at least ${MIN_BYTES_PER_SECOND})`);
  }
  if (problems.length > 0) {
    throw new UnusableMediaError(`the file claims to last ${formatDuration(claimed)}, but ${problems.join(', and ')}: that duration is not plausible`, 'implausible');
  }
}
