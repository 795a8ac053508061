import type { RenditionEntry, SegmentEntry } from '@hoist/shared';

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

/** The audio group the video rungs refer to (`EXT-X-MEDIA`), its playlist relative to the master. */
export const AUDIO_GROUP = 'audio';

/**
 * The master playlist, lowest rendition first so players that start at the top start small.
 * With `audioPlaylist`, the soundtrack is one `EXT-X-MEDIA` rendition shared by every rung,
 * whose BANDWIDTH (RFC 8216: the whole presentation) already counts the audio.
 */
export function masterPlaylist(variants: readonly MasterVariant[], audioPlaylist?: string): string {
  const lines = ['#EXTM3U', `#EXT-X-VERSION:${audioPlaylist ? 4 : 3}`, '#EXT-X-INDEPENDENT-SEGMENTS'];
  if (audioPlaylist) {
    lines.push(`#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="${AUDIO_GROUP}",NAME="Audio",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="${audioPlaylist}"`);
  }
  for (const v of [...variants].sort((a, b) => a.bandwidth - b.bandwidth)) {
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${v.bandwidth},AVERAGE-BANDWIDTH=${v.averageBandwidth},` +
        `RESOLUTION=${v.width}x${v.height},CODECS="${v.codecs}",FRAME-RATE=${v.frameRate.toFixed(3)}` +
        (audioPlaylist ? `,AUDIO="${AUDIO_GROUP}"` : ''),
      v.playlist,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A media playlist from its segments in order (a rung's: its chunks' entries one after
 * another). It is an EVENT playlist (RFC 8216): while the video is encoded it only ever grows
 * at the end, and players reload it; `complete` adds `EXT-X-ENDLIST`, and from then on it plays
 * as any VOD playlist. TARGETDURATION is the segment length (no segment rounds above it), the
 * same in every version, as the RFC requires of a playlist that changes.
 */
export function mediaPlaylist(segments: readonly SegmentEntry[], segmentSeconds: number, complete: boolean): string {
  const target = Math.max(segmentSeconds, ...segments.map((s) => Math.round(s.seconds)));
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${target}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:EVENT'];
  for (const segment of segments) lines.push(`#EXTINF:${segment.seconds.toFixed(6)},`, segment.uri);
  if (complete) lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}

/** The segments of a playlist ffmpeg wrote: each `#EXTINF` with the URI after it. */
export function playlistSegments(playlist: string): Array<{ uri: string; seconds: number }> {
  const segments: Array<{ uri: string; seconds: number }> = [];
  let seconds: number | undefined;
  for (const line of playlist.split('\n').map((l) => l.trim())) {
    const extinf = /^#EXTINF:([\d.]+)/.exec(line);
    if (extinf) seconds = Number(extinf[1]);
    else if (line && !line.startsWith('#') && seconds !== undefined) {
      segments.push({ uri: line, seconds });
      seconds = undefined;
    }
  }
  return segments;
}
