/**
 * The fleet's JSON log lines, as the split benchmark reads them. Each fleet process writes one
 * JSON object a line (worker-fleet/src/logger.ts); the bench prefixes lines with the process's
 * name, so a line is read from its first `{`. Lines that are not JSON (stderr, a stack) are skipped.
 */
export type LogEntry = Record<string, unknown> & { message?: unknown };

export function parseLogLine(line: string): LogEntry | undefined {
  const start = line.indexOf('{');
  if (start < 0) return undefined;
  try {
    const value: unknown = JSON.parse(line.slice(start));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as LogEntry) : undefined;
  } catch {
    return undefined;
  }
}

/** What one run of a video through the fleet logged about its fixed costs and units. */
export interface VideoCosts {
  /** `planned`: probe to plan written, in ms, and how many chunks the plan has. */
  planMs?: number;
  chunks?: number;
  /** `finalized`: playlists, master, poster and status, in ms. */
  finalizeMs?: number;
  /** `unit finished` for each video chunk, by index. */
  chunkUnits: { index: number; elapsedMs: number; encodeMs: number }[];
  /** `unit finished` for the audio unit. */
  audio?: { elapsedMs: number; encodeMs: number };
}

const number = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/**
 * Collects one video's `planned`, `unit finished` and `finalized` entries. A line without a
 * videoId still counts when the bench runs one video at a time, as it does; a figure the fleet
 * did not log stays undefined, so the report says `not logged` instead of failing.
 */
export function videoCosts(entries: readonly LogEntry[], videoId: string): VideoCosts {
  const mine = entries.filter((e) => e['videoId'] === undefined || e['videoId'] === videoId);
  const costs: VideoCosts = { chunkUnits: [] };
  for (const entry of mine) {
    if (entry.message === 'planned') {
      costs.planMs = number(entry['planMs']) ?? costs.planMs;
      costs.chunks = number(entry['chunks']) ?? costs.chunks;
    } else if (entry.message === 'finalized') {
      costs.finalizeMs = number(entry['finalizeMs']) ?? costs.finalizeMs;
    } else if (entry.message === 'unit finished') {
      // A redelivered unit that finds its record already written logs `recorded: false`: counted once.
      if (entry['recorded'] === false) continue;
      const elapsedMs = number(entry['elapsedMs']);
      const encodeMs = number(entry['encodeMs']);
      if (elapsedMs === undefined || encodeMs === undefined) continue;
      const unit = entry['unit'];
      // Logged as the unit's name (`video-00003`, `audio`) or as the WorkUnit itself.
      const name = typeof unit === 'string' ? unit : typeof unit === 'object' && unit !== null ? unitLabel(unit as Record<string, unknown>) : '';
      if (name === 'audio') costs.audio = { elapsedMs, encodeMs };
      const index = /^video-(\d+)$/.exec(name)?.[1];
      if (index !== undefined) costs.chunkUnits.push({ index: Number(index), elapsedMs, encodeMs });
    }
  }
  return costs;
}

function unitLabel(unit: Record<string, unknown>): string {
  if (unit['kind'] === 'audio') return 'audio';
  return unit['kind'] === 'video' && typeof unit['index'] === 'number' ? `video-${String(unit['index']).padStart(5, '0')}` : '';
}

/**
 * The chunks that span a whole CHUNK_SECONDS: all but the last, which runs to the end of the
 * source and is usually shorter (its time would pull a per-chunk figure down). A plan of one
 * chunk keeps it.
 */
export function fullChunks(costs: VideoCosts): VideoCosts['chunkUnits'] {
  if (costs.chunkUnits.length <= 2) return costs.chunkUnits.filter((u) => u.index !== 0 || costs.chunkUnits.length === 1);
  // The first chunk is one short segment (it makes the video playable) and the last runs to the end:
  // the ones between are CHUNK_SECONDS long.
  const last = Math.max(...costs.chunkUnits.map((u) => u.index));
  return costs.chunkUnits.filter((u) => u.index !== last && u.index !== 0);
}
