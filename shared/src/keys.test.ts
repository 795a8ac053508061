import { describe, expect, it } from 'vitest';
import { OwnerId, newVideoId } from './ids.js';
import { MAX_NAME_BYTES, outputKeys, parseSourceKey, safeFileName, sourceKey } from './keys.js';
import { decodeS3EventKey, encodeS3EventKey } from './s3-event.js';

describe('key layout', () => {
  it('sanitises file names but keeps unicode', () => {
    expect(safeFileName('../../etc/passwd')).toBe('_._etc_passwd');
    expect(safeFileName('a/b\\c.mp4')).toBe('a_b_c.mp4');
    expect(safeFileName('bell\u0007\u0000.mov')).toBe('bell.mov');
    expect(safeFileName('  Été à Zürich 🎬.mp4 ')).toBe('Été à Zürich 🎬.mp4');
    expect(safeFileName('...')).toBe('video');
    expect(safeFileName('é'.repeat(1000) + '.mp4')).toBe(`${'é'.repeat(98)}.mp4`);
    expect(safeFileName('🎬'.repeat(1000))).toBe('🎬'.repeat(50));
  });

  // Names that once came out different when cleaned twice, so the Lambda refused the edge's own
  // key and the video sat in `queued`: a cut at the length limit that leaves a leading space or
  // dot, and a control character between a letter and its combining mark.
  const hostileNames = [
    `${'a'.repeat(10)} ${'b'.repeat(MAX_NAME_BYTES - 5)}.mp4`,
    `${'a'.repeat(10)}.${'b'.repeat(MAX_NAME_BYTES - 5)}.mp4`,
    `${'a'.repeat(10)}..${'b'.repeat(MAX_NAME_BYTES - 5)}.mp4`,
    `${'x'.repeat(300)}\u3000${'é'.repeat(97)}a.mov`,
    'e\u0000\u0301.mp4',
    'A\u0007\u030A\u0000.mov',
    '\ud800clip\udc00.mp4',
    '🎬'.repeat(1000),
    '. . ..  .mp4',
    '/\u0301.mp4',
    '\u0085\u00a0\ufeff.mkv',
    '',
    '\u0000',
    'con.mp4',
  ];

  it('is idempotent: a cleaned name cleans to itself', () => {
    for (const name of hostileNames) {
      const once = safeFileName(name);
      expect(safeFileName(once), JSON.stringify(name)).toBe(once);
      expect(once).not.toMatch(/^[.\s]|[\u0000-\u001f\u007f-\u009f/\\]|\.\.|\s$/);
      expect(once).toBe(once.normalize('NFC'));
      expect(new TextEncoder().encode(once).length).toBeLessThanOrEqual(MAX_NAME_BYTES);
    }
  });

  it('is idempotent on random names of hostile characters', () => {
    // A small deterministic generator: the same names on every run, so a failure reproduces.
    let seed = 20_261_206;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32;
    const alphabet = ['a', 'é', 'e', '\u0301', '\u0300', '\u0315', '.', ' ', '\t', '\u3000', '/', '\\', '\u0000', '\u0085', '\ud83c', '\udfac', '🎬', '가', '\u1100', '\u1161', '_'];
    for (let i = 0; i < 2000; i++) {
      const length = Math.floor(next() * 260);
      const name = Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
      const once = safeFileName(name);
      expect(safeFileName(once), JSON.stringify(name)).toBe(once);
    }
  });

  it('builds keys the Lambda and the fleet read back, within S3\'s 1024-byte limit, whatever the name', () => {
    const videoId = newVideoId();
    const owner = 'o'.repeat(128);
    for (const name of hostileNames) {
      const key = sourceKey(owner, videoId, name);
      expect(parseSourceKey(key), JSON.stringify(name)).toEqual({ owner, videoId, fileName: safeFileName(name) });
      expect(new TextEncoder().encode(key).length).toBeLessThanOrEqual(1024);
      expect(decodeS3EventKey(encodeS3EventKey(key))).toBe(key);
    }
  });

  it('refuses owner ids that make keys ambiguous', () => {
    for (const owner of ['.', '..', '', 'al/ice', 'a\u0000b', 'a\nb', 'a b', 'x'.repeat(129)]) {
      expect(OwnerId.safeParse(owner).success, JSON.stringify(owner)).toBe(false);
      expect(() => sourceKey(owner, newVideoId(), 'a.mp4')).toThrow(/owner id/);
    }
    expect(OwnerId.parse('...')).toBe('...');
    expect(OwnerId.parse('auth0|5f7c.x')).toBe('auth0|5f7c.x');
    expect(parseSourceKey(`uploads/../${newVideoId()}/a.mp4`)).toBeNull();
  });

  it('builds source keys under the owner and reads them back', () => {
    const videoId = newVideoId();
    const key = sourceKey('alice', videoId, 'My Clip.mp4');
    expect(key).toBe(`uploads/alice/${videoId}/My Clip.mp4`);
    expect(parseSourceKey(key)).toEqual({ owner: 'alice', videoId, fileName: 'My Clip.mp4' });
    expect(parseSourceKey(`renditions/${videoId}/master.m3u8`)).toBeNull();
    expect(parseSourceKey(`uploads/alice/${videoId}/x/y.mp4`)).toBeNull();
    expect(() => sourceKey('al/ice', videoId, 'a.mp4')).toThrow(/owner id/);
  });

  it('puts every output under the video prefix', () => {
    const videoId = newVideoId();
    expect(outputKeys.master(videoId)).toBe(`renditions/${videoId}/master.m3u8`);
    expect(outputKeys.rendition(videoId, 720, 'index.m3u8')).toBe(`renditions/${videoId}/720p/index.m3u8`);
    expect(() => outputKeys.status('../x')).toThrow();
  });

  it('decodes event keys the way S3 encodes them', () => {
    const key = 'uploads/a/b/My Clip+ünï (1).mp4';
    const encoded = encodeS3EventKey(key);
    expect(encoded).toBe('uploads/a/b/My+Clip%2B%C3%BCn%C3%AF+(1).mp4');
    expect(decodeS3EventKey(encoded)).toBe(key);
  });
});
