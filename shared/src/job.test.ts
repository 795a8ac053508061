import { describe, expect, it } from 'vitest';
import { newVideoId } from './ids.js';
import { jobKeyMismatch, type TranscodeJob } from './job.js';
import { sourceKey } from './keys.js';

const videoId = newVideoId();
const job: TranscodeJob = {
  kind: 'transcode',
  version: 1,
  videoId,
  owner: 'alice',
  bucket: 'hoist',
  key: sourceKey('alice', videoId, 'clip.mp4'),
  size: 1,
  etag: 'e',
 
  eventTime: new Date().toISOString(),
};

describe('jobKeyMismatch', () => {
  it('trusts a job whose fields are the ones its key encodes, in this bucket', () => {
    expect(jobKeyMismatch(job, 'hoist')).toBeUndefined();
  });

  it('names the field that disagrees with the key', () => {
    const other = newVideoId();
    expect(jobKeyMismatch({ ...job, owner: 'mallory' }, 'hoist')).toBe('owner mallory does not match the key\'s owner alice');
    expect(jobKeyMismatch({ ...job, videoId: other }, 'hoist')).toBe(`videoId ${other} does not match the key's video ${videoId}`);
    expect(jobKeyMismatch({ ...job, key: sourceKey('alice', other, 'clip.mp4') }, 'hoist')).toBe(`videoId ${videoId} does not match the key's video ${other}`);
    expect(jobKeyMismatch(job, 'another-bucket')).toBe('bucket hoist is not this fleet\'s bucket another-bucket');
    for (const key of [`renditions/${videoId}/master.m3u8`, `uploads/alice/${videoId}/a/b.mp4`, `uploads/../${videoId}/a.mp4`, `uploads/alice/${videoId}/ a.mp4`]) {
      expect(jobKeyMismatch({ ...job, key }, 'hoist')).toBe(`key ${key} is not a source key (uploads/<owner>/<videoId>/<name>)`);
    }
  });
});
