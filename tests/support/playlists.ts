/**
 * Every URI an HLS playlist holds, in order: its URI lines (variant playlists, segments) and the
 * `URI="…"` attributes of its tags (`EXT-X-MAP`, `EXT-X-MEDIA`, …).
 */
export function playlistUris(playlist: string): string[] {
  const uris: string[] = [];
  for (const raw of playlist.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('#')) uris.push(line);
    else if (line.startsWith('#EXT-X-')) for (const match of line.matchAll(/(?:^|[:,])URI="([^"]*)"/g)) uris.push(match[1]!);
  }
  return uris;
}
