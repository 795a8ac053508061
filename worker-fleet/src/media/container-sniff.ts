import { open } from 'node:fs/promises';
import type { SourceFormat } from '@hoist/shared';

/** Bytes read from the start of a source to tell what it is (MXF allows a run-in this long). */
export const SNIFF_BYTES = 64 * 1024;

/** The containers accepted, as a person names them. */
export const ACCEPTED_CONTAINERS = 'MP4/MOV/3GP, Matroska/WebM, MPEG-TS/M2TS, AVI, MPEG-PS, MXF, WMV/ASF or FLV';

/**
 * What the first bytes of a file say it is: an accepted container with the demuxer to force on
 * it, or what it is instead. `otherVideo` marks video formats that are not on the allow-list.
 */
export type Sniffed =
  | { accepted: true; format: SourceFormat; container: string }
  | { accepted: false; what: string; otherVideo?: true };

/** Reads up to SNIFF_BYTES from the start of `path`. */
export async function readHead(path: string): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const buffer = new Uint8Array(SNIFF_BYTES);
    const { bytesRead } = await file.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** The reason shown when a file is refused for what it is. */
export function refusalReason(sniffed: Extract<Sniffed, { accepted: false }>): string {
  if (sniffed.what === 'empty') return 'the file is empty';
  if (sniffed.what === 'unrecognised data') {
    return `the file is unrecognised data, not a video file in an accepted format (${ACCEPTED_CONTAINERS})`;
  }
  if (sniffed.otherVideo) return `the file is ${sniffed.what}, which is not an accepted format (${ACCEPTED_CONTAINERS})`;
  return `the file is ${sniffed.what}, not a video file`;
}

/**
 * Tells the container from the file's own bytes (magic numbers), never from its name or type.
 * `head` is the file's start; `fileSize` its whole length, when known.
 */
export function sniffContainer(head: Uint8Array, fileSize = Number.POSITIVE_INFINITY): Sniffed {
  if (head.length === 0) return { accepted: false, what: 'empty' };
  return isoBmff(head, fileSize) ?? signature(head) ?? transportStream(head) ?? mxf(head) ?? text(head) ?? { accepted: false, what: 'unrecognised data' };
}

const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
const startsWith = (bytes: Uint8Array, magic: readonly number[], at = 0) => magic.every((b, i) => bytes[at + i] === b);
const u32 = (bytes: Uint8Array, at: number) => ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;

// Top-level boxes an MP4 or QuickTime file may open with.
const FIRST_BOXES = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot', 'uuid']);
const IMAGE_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'avif', 'avis', 'avio']);

function isoBmff(head: Uint8Array, fileSize: number): Sniffed | undefined {
  if (head.length < 8) return undefined;
  const size = u32(head, 0);
  const type = ascii(head, 4, 8);
  if (type === 'jP  ' && size === 12) return { accepted: false, what: 'a JPEG 2000 image' };
  // A first box that claims to be larger than the file is no box (text that reads "…free…").
  if (!FIRST_BOXES.has(type) || (size > 1 && size < 8) || size > fileSize) return undefined;
  if (type === 'ftyp' && head.length >= 12) {
    const brand = ascii(head, 8, 12);
    if (IMAGE_BRANDS.has(brand)) return { accepted: false, what: 'a HEIF or AVIF image' };
    if (brand === 'crx ') return { accepted: false, what: 'a camera raw image (CR3)' };
  }
  return { accepted: true, format: 'mov', container: 'MP4/MOV' };
}

function ebmlDocType(head: Uint8Array): string | undefined {
  // The EBML header is tiny: DocType (0x4282) sits within its first few dozen bytes.
  for (let i = 4; i + 3 < Math.min(head.length, 128); i++) {
    if (head[i] !== 0x42 || head[i + 1] !== 0x82) continue;
    const first = head[i + 2]!;
    const width = Math.clz32(first) - 23; // leading zeros of the size byte, plus one
    if (width < 1 || width > 8) continue;
    let length = first & (0xff >> width);
    for (let k = 1; k < width; k++) length = length * 256 + head[i + 2 + k]!;
    const start = i + 2 + width;
    return ascii(head, start, Math.min(start + length, head.length)).replace(/\0+$/, '');
  }
  return undefined;
}

function signature(head: Uint8Array): Sniffed | undefined {
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) {
    const docType = ebmlDocType(head);
    if (docType === 'matroska') return { accepted: true, format: 'matroska', container: 'Matroska' };
    if (docType === 'webm') return { accepted: true, format: 'matroska', container: 'WebM' };
    return { accepted: false, what: `an EBML document of type "${(docType ?? 'unknown').slice(0, 20)}"` };
  }
  if (ascii(head, 0, 4) === 'RIFF' && head.length >= 12) {
    const form = ascii(head, 8, 12);
    if (form === 'AVI ') return { accepted: true, format: 'avi', container: 'AVI' };
    if (form === 'WAVE') return { accepted: false, what: 'a WAV audio file' };
    if (form === 'WEBP') return { accepted: false, what: 'a WebP image' };
    return { accepted: false, what: 'a RIFF file that is not AVI' };
  }
  if (startsWith(head, [0x00, 0x00, 0x01, 0xba])) return { accepted: true, format: 'mpeg', container: 'MPEG-PS' };
  if (startsWith(head, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11, 0xa6, 0xd9, 0x00, 0xaa, 0x00, 0x62, 0xce, 0x6c])) {
    return { accepted: true, format: 'asf', container: 'WMV/ASF' };
  }
  if (ascii(head, 0, 3) === 'FLV' && head[3] === 0x01) return { accepted: true, format: 'flv', container: 'FLV' };

  const known: Array<[readonly number[] | string, string, true?]> = [
    [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG image'],
    [[0xff, 0xd8, 0xff], 'a JPEG image'],
    ['GIF87a', 'a GIF image'],
    ['GIF89a', 'a GIF image'],
    [[0x49, 0x49, 0x2a, 0x00], 'a TIFF image'],
    [[0x4d, 0x4d, 0x00, 0x2a], 'a TIFF image'],
    ['%PDF-', 'a PDF document'],
    [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive'],
    [[0x1f, 0x8b], 'a gzip archive'],
    [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], 'a 7-Zip archive'],
    ['Rar!', 'a RAR archive'],
    [[0x7f, 0x45, 0x4c, 0x46], 'a program (ELF)'],
    ['ID3', 'an MP3 audio file'],
    ['fLaC', 'a FLAC audio file'],
    ['OggS', 'an Ogg file', true],
    ['DKIF', 'a raw VP8/VP9/AV1 stream (IVF)', true],
    ['YUV4MPEG2', 'an uncompressed YUV4MPEG stream', true],
    [[0x00, 0x00, 0x00, 0x01, 0x67], 'a raw H.264 stream with no container', true],
    [[0x00, 0x00, 0x01, 0x67], 'a raw H.264 stream with no container', true],
    [[0x00, 0x00, 0x00, 0x01, 0x40, 0x01], 'a raw HEVC stream with no container', true],
    [[0x00, 0x00, 0x01, 0xb3], 'a raw MPEG video stream with no container', true],
  ];
  for (const [magic, what, otherVideo] of known) {
    const bytes = typeof magic === 'string' ? [...magic].map((c) => c.charCodeAt(0)) : magic;
    if (startsWith(head, bytes)) return otherVideo ? { accepted: false, what, otherVideo } : { accepted: false, what };
  }
  // BMP's "BM" alone is too common at the start of text; its info-header size confirms it.
  if (ascii(head, 0, 2) === 'BM' && head.length >= 18 && [12, 40, 52, 56, 108, 124].includes(head[14]! | (head[15]! << 8))) {
    return { accepted: false, what: 'a BMP image' };
  }
  return undefined;
}

/**
 * MPEG-TS: a 0x47 sync byte every 188 bytes (192 in M2TS, whose packets carry a 4-byte
 * timestamp first; 204 with error correction). At least three in a row, five where the head
 * holds that many, so a text file that happens to start with "G" is not taken for one.
 */
function transportStream(head: Uint8Array): Sniffed | undefined {
  for (const size of [188, 192, 204]) {
    for (let offset = 0; offset < size && offset < head.length; offset++) {
      const available = Math.floor((head.length - offset - 1) / size) + 1;
      const needed = Math.min(5, available);
      if (needed < 3) break;
      let found = 0;
      while (found < needed && head[offset + found * size] === 0x47) found++;
      if (found === needed) return { accepted: true, format: 'mpegts', container: size === 192 ? 'M2TS' : 'MPEG-TS' };
    }
  }
  return undefined;
}

/** MXF: the SMPTE header partition pack key, at the start or after a run-in. */
function mxf(head: Uint8Array): Sniffed | undefined {
  const key = [0x06, 0x0e, 0x2b, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0d, 0x01, 0x02];
  for (let i = 0; i + key.length <= head.length; i++) {
    if (head[i] === 0x06 && startsWith(head, key, i)) return { accepted: true, format: 'mxf', container: 'MXF' };
  }
  return undefined;
}

function text(head: Uint8Array): Sniffed | undefined {
  const sample = head.subarray(0, 4096);
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return undefined;
    if ((byte < 0x09 || (byte > 0x0d && byte < 0x20) || byte === 0x7f) && byte !== 0x1b) control++;
  }
  const decoded = new TextDecoder('utf-8').decode(sample);
  const replaced = decoded.split('\ufffd').length - 1;
  if (control > sample.length / 100 || replaced > decoded.length / 100 + 1) return undefined;
  const body = decoded.replace(/^\ufeff/, '').trimStart();
  if (/^#EXTM3U/.test(body)) return { accepted: false, what: 'an HLS playlist (text)' };
  if (/^ffconcat\b/.test(body) || /^\s*file\s+\S/m.test(body)) return { accepted: false, what: 'an ffmpeg concat script (text)' };
  if (/<MPD[\s>]/.test(body)) return { accepted: false, what: 'a DASH manifest (XML)' };
  if (/^<(!doctype html|html)/i.test(body)) return { accepted: false, what: 'a web page (HTML)' };
  if (/^<\?xml/.test(body)) return { accepted: false, what: 'an XML document' };
  if (/^v=0\r?\n/.test(body)) return { accepted: false, what: 'an SDP session description (text)' };
  if (/^\[playlist\]/i.test(body) || /^#EXT/.test(body) || /^[a-z][a-z0-9+.-]*:\/\//im.test(body)) {
    return { accepted: false, what: 'a playlist or list of addresses (text)' };
  }
  return { accepted: false, what: 'a text file' };
}
