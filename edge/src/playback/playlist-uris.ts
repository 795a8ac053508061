/** A playlist names something the playback route will not hand out. */
export class PlaylistEntryError extends Error {
  override name = 'PlaylistEntryError';
}

type Rewrite = (uri: string) => Promise<string> | string;

/**
 * Replaces every URI an HLS playlist holds with what `rewrite` returns for it: the URI lines
 * (variant playlists in a master, segments in a media playlist) and the `URI="…"` attributes of
 * tags (`EXT-X-MAP`'s initialisation section, `EXT-X-MEDIA`'s renditions, `EXT-X-KEY`, …), so
 * a player finds no URI the route has not vetted. Comments and other tags pass unchanged.
 * `rewrite` throws (a PlaylistEntryError) for a URI it will not serve.
 */
export async function rewritePlaylistUris(playlist: string, rewrite: Rewrite): Promise<string> {
  const lines = playlist.split('\n').map(async (raw) => {
    const cr = raw.endsWith('\r') ? '\r' : '';
    const line = cr ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return raw;
    if (!line.startsWith('#')) return `${await rewrite(line.trim())}${cr}`;
    if (!line.startsWith('#EXT-X-') || !line.includes('URI="')) return raw;
    return `${await rewriteAttributeList(line, rewrite)}${cr}`;
  });
  return (await Promise.all(lines)).join('\n');
}

/**
 * `#EXT-X-TAG:NAME=value,NAME="quoted, value",…` (RFC 8216 §4.2) with each `URI` attribute's
 * quoted string rewritten. Read attribute by attribute, so a comma or `URI=` inside another
 * attribute's quoted string is never mistaken for one.
 */
async function rewriteAttributeList(line: string, rewrite: Rewrite): Promise<string> {
  const colon = line.indexOf(':');
  const pieces: Array<Promise<string> | string> = [line.slice(0, colon + 1)];
  const list = line.slice(colon + 1);
  let at = 0;
  while (at < list.length) {
    const equals = list.indexOf('=', at);
    if (equals < 0) {
      pieces.push(list.slice(at));
      break;
    }
    const name = list.slice(at, equals);
    let end: number;
    if (list[equals + 1] === '"') {
      const close = list.indexOf('"', equals + 2);
      end = close < 0 ? list.length : close + 1;
      if (name === 'URI' && close >= 0) {
        const uri = list.slice(equals + 2, close);
        pieces.push(`${name}="`, Promise.resolve(rewrite(uri)), '"');
      } else {
        pieces.push(list.slice(at, end));
      }
    } else {
      const comma = list.indexOf(',', equals + 1);
      end = comma < 0 ? list.length : comma;
      pieces.push(list.slice(at, end));
    }
    if (list[end] === ',') {
      pieces.push(',');
      end++;
    }
    at = end;
  }
  return (await Promise.all(pieces)).join('');
}
