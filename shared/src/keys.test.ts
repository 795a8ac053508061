import { describe, expect, it } from 'vitest';
import { newVideoId } from './ids.js';
import { outputKeys, parseSourceKey, safeFileName, sourceKey } from './keys.js';
import { decodeS3EventKey, encodeS3EventKey } from './s3-event.js';

describe('key layout', () => {
  it('sanitises file names but keeps unicode', () => {
    expect(safeFileName('../../etc/passwd')).toBe('_._etc_passwd');
    expect(safeFileName('a/b\\c.mp4')).toBe('a_b_c.mp4');
    expect(safeFileName('bell\u0007\u0000.mov')).toBe('bell.mov');
    expect(safeFileName('  Été à Zürich 🎬.mp4 ')).toBe('Été à Zürich 🎬.mp4');
    expect(safeFileName('...')).toBe('video');
    expect(Array.from(safeFileName('é'.repeat(1000) + '.mp4'))).toHaveLength(200);
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
