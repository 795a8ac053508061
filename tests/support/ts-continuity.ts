import { readFile } from 'node:fs/promises';

const PACKET = 188;

/**
 * Where a rung's MPEG-TS segments, read one after another as a player's demuxer reads them,
 * break an elementary stream's continuity counter without saying so (the adaptation field's
 * discontinuity indicator). Each break makes a demuxer drop or flag the frame it was assembling:
 * the one before a chunk seam. Returns one line per break, empty when there are none.
 */
export async function unflaggedContinuityBreaks(segmentPaths: readonly string[]): Promise<string[]> {
  const lastCounter = new Map<number, number>();
  const elementaryPids = new Set<number>();
  const breaks: string[] = [];
  for (const path of segmentPaths) {
    const bytes = await readFile(path);
    for (let at = 0; at + PACKET <= bytes.length; at += PACKET) {
      if (bytes[at] !== 0x47) throw new Error(`${path}: no sync byte at ${at}`);
      const pid = ((bytes[at + 1]! & 0x1f) << 8) | bytes[at + 2]!;
      const unitStart = (bytes[at + 1]! & 0x40) !== 0;
      const control = (bytes[at + 3]! >> 4) & 3;
      const counter = bytes[at + 3]! & 0x0f;
      const hasAdaptation = (control & 2) !== 0;
      const hasPayload = (control & 1) !== 0;
      const flagged = hasAdaptation && bytes[at + 4]! > 0 && (bytes[at + 5]! & 0x80) !== 0;
      const payload = at + 4 + (hasAdaptation ? 1 + bytes[at + 4]! : 0);
      // Elementary streams are the PIDs whose units start with a PES start code.
      if (unitStart && hasPayload && bytes[payload] === 0 && bytes[payload + 1] === 0 && bytes[payload + 2] === 1) elementaryPids.add(pid);
      if (!hasPayload || !elementaryPids.has(pid)) continue;
      const last = lastCounter.get(pid);
      if (last !== undefined && counter !== ((last + 1) & 0x0f) && !flagged) {
        breaks.push(`${path.split('/').pop()} packet ${at / PACKET}: PID ${pid} counter ${counter} after ${last}`);
      }
      lastCounter.set(pid, counter);
    }
  }
  return breaks;
}
