import { describe, expect, it } from 'vitest';
import { refusalReason, sniffContainer, type Sniffed } from './container-sniff.js';

const bytes = (...parts: Array<string | number[]>) =>
  Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? [...part].map((c) => c.charCodeAt(0)) : part)));
const box = (type: string, size: number, body: string | number[] = []) => bytes([size >>> 24, (size >> 16) & 255, (size >> 8) & 255, size & 255], type, body);
const reason = (sniffed: Sniffed) => (sniffed.accepted ? `accepted as ${sniffed.format}` : refusalReason(sniffed));

/** `count` MPEG-TS packets of `size` bytes, each starting with the sync byte (after M2TS's 4-byte timestamp). */
function transportStream(size: number, count: number): Uint8Array {
  const out = new Uint8Array(size * count);
  for (let i = 0; i < count; i++) out[i * size + (size === 192 ? 4 : 0)] = 0x47;
  return out;
}

describe('sniffContainer: accepted containers, told from their own bytes', () => {
  it.each<[string, Uint8Array, string]>([
    ['MP4 (ftyp isom)', box('ftyp', 32, 'isom\0\0\x02\0isomiso2avc1mp41'), 'mov'],
    ['QuickTime (ftyp qt)', box('ftyp', 20, 'qt  \0\0\0\0qt  '), 'mov'],
    ['3GP', box('ftyp', 24, '3gp4\0\0\0\x003gp4isom'), 'mov'],
    ['old QuickTime starting with wide + mdat', Uint8Array.from([...box('wide', 8), ...box('mdat', 16, '12345678')]), 'mov'],
    ['Matroska', bytes([0x1a, 0x45, 0xdf, 0xa3, 0xa3, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x88], 'matroska'), 'matroska'],
    ['WebM', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84], 'webm'), 'matroska'],
    ['MPEG-TS', transportStream(188, 10), 'mpegts'],
    ['M2TS (AVCHD, Blu-ray)', transportStream(192, 10), 'mpegts'],
    ['AVI', bytes('RIFF', [0, 0, 1, 0], 'AVI LIST'), 'avi'],
    ['MPEG-PS', bytes([0x00, 0x00, 0x01, 0xba, 0x44]), 'mpeg'],
    ['MXF after a run-in', bytes('run-in', [0x06, 0x0e, 0x2b, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0d, 0x01, 0x02, 0x01, 0x01, 0x02]), 'mxf'],
    ['WMV/ASF', bytes([0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11, 0xa6, 0xd9, 0x00, 0xaa, 0x00, 0x62, 0xce, 0x6c]), 'asf'],
    ['FLV', bytes('FLV', [0x01, 0x05]), 'flv'],
  ])('%s', (_, head, format) => {
    expect(sniffContainer(head)).toMatchObject({ accepted: true, format });
  });
});

describe('sniffContainer: anything else is refused, with what it is', () => {
  it.each<[string, Uint8Array, string]>([
    ['an HLS playlist, whatever its name', bytes('#EXTM3U\n#EXT-X-VERSION:3\n#EXTINF:2,\nfile:///etc/passwd\n'), 'the file is an HLS playlist (text), not a video file'],
    ['an HLS playlist after a BOM and blank lines', bytes([0xef, 0xbb, 0xbf], '\n\n#EXTM3U\n'), 'the file is an HLS playlist (text), not a video file'],
    ['an ffconcat script', bytes("ffconcat version 1.0\nfile '/tmp/other.mp4'\n"), 'the file is an ffmpeg concat script (text), not a video file'],
    ['a concat list without its header', bytes("# mine\nfile 'secret.mp4'\n"), 'the file is an ffmpeg concat script (text), not a video file'],
    ['a DASH manifest', bytes('<?xml version="1.0"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011">'), 'the file is a DASH manifest (XML), not a video file'],
    ['an SDP description', bytes('v=0\no=- 0 0 IN IP4 127.0.0.1\n'), 'the file is an SDP session description (text), not a video file'],
    ['a list of URLs', bytes('http://169.254.169.254/latest/meta-data/\n'), 'the file is a playlist or list of addresses (text), not a video file'],
    ['plain text that mentions a free box', bytes('The free software is here\n'), 'the file is a text file, not a video file'],
    ['a PNG image', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'IHDR'), 'the file is a PNG image, not a video file'],
    ['a JPEG image', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], 'JFIF'), 'the file is a JPEG image, not a video file'],
    ['a HEIC photo', box('ftyp', 24, 'heic\0\0\0\0mif1heic'), 'the file is a HEIF or AVIF image, not a video file'],
    ['a GIF', bytes('GIF89a', [1, 0, 1, 0]), 'the file is a GIF image, not a video file'],
    ['a WAV file', bytes('RIFF', [0, 0, 1, 0], 'WAVEfmt '), 'the file is a WAV audio file, not a video file'],
    ['a ZIP archive', bytes('PK', [3, 4, 20, 0]), 'the file is a ZIP archive, not a video file'],
    ['an EBML file that is not Matroska', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x93, 0x42, 0x82, 0x84], 'evil'), 'the file is an EBML document of type "evil", not a video file'],
    ['a raw H.264 stream', bytes([0, 0, 0, 1, 0x67, 0x42]), 'the file is a raw H.264 stream with no container, which is not an accepted format'],
    ['Ogg', bytes('OggS', [0, 2]), 'the file is an Ogg file, which is not an accepted format'],
    ['random bytes', Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251), 'the file is unrecognised data, not a video file in an accepted format'],
    ['a single 0x47 byte and zeros (too few syncs for MPEG-TS)', transportStream(188, 2), 'the file is unrecognised data'],
    ['nothing at all', new Uint8Array(0), 'the file is empty'],
  ])('%s', (_, head, expected) => {
    expect(reason(sniffContainer(head, head.length))).toContain(expected);
  });

  it('never trusts a first box larger than the file', () => {
    expect(sniffContainer(bytes('abcdmoov and then some text'), 27).accepted).toBe(false);
  });
});
