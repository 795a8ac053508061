import { describe, expect, it } from 'vitest';
import { encodeS3EventKey, sourceKey } from '@hoist/shared';
import { jobFromRecord } from './event-records.js';

const videoId = 'abcdefghjkmnpqrstvwxyz0123';
const record = (key: string, eventName = 'ObjectCreated:CompleteMultipartUpload') => ({
  eventSource: 'aws:s3',
  eventName,
  eventTime: '2026-11-24T10:00:00.000Z',
  s3: { bucket: { name: 'hoist' }, object: { key, size: 1234, eTag: 'abc123-2', sequencer: '0055AED6DCD90281E5' } },
});

describe('jobFromRecord', () => {
  it('turns a new source into a job, decoding the key', () => {
    const outcome = jobFromRecord(record(`uploads/alice/${videoId}/My+Clip%2B%C3%BCn%C3%AF.mp4`));
    expect(outcome).toEqual({
      kind: 'job',
      job: {
        kind: 'transcode',
        version: 1,
        videoId,
        owner: 'alice',
        bucket: 'hoist',
        key: `uploads/alice/${videoId}/My Clip+ünï.mp4`,
        size: 1234,
        etag: 'abc123-2',
        eventTime: '2026-11-24T10:00:00.000Z',
      },
    });
  });

  it('queues a job for every key the edge builds, however long or malformed the uploaded name', () => {
    for (const name of [`${'a'.repeat(10)} ${'b'.repeat(195)}.mp4`, 'cafe\u0000\u0301.mp4', 'clip\ud800.mp4', '🎬'.repeat(500), '../..', '']) {
      const key = sourceKey('alice', videoId, name);
      expect(jobFromRecord(record(encodeS3EventKey(key))), JSON.stringify(name)).toMatchObject({ kind: 'job', job: { key, owner: 'alice', videoId } });
    }
  });

  it('ignores what the bucket notification does not cover (other prefixes, other events), and says why', () => {
    expect(jobFromRecord(record(`renditions/${videoId}/status.json`, 'ObjectCreated:Put'))).toEqual({
      kind: 'ignored',
      reason: `key renditions/${videoId}/status.json is outside the uploads prefix`,
    });
    expect(jobFromRecord(record(`uploads/alice/${videoId}/a.mp4`, 'ObjectRemoved:Delete'))).toEqual({
      kind: 'ignored',
      reason: 'event ObjectRemoved:Delete is not an object creation',
    });
  });

  it('skips, as unexpected, a key under the uploads prefix that is not a source', () => {
    for (const key of ['uploads/alice/not-a-video-id/a.mp4', `uploads/alice/${videoId}`, 'uploads/stray.mp4']) {
      expect(jobFromRecord(record(key))).toEqual({ kind: 'skipped', reason: `key ${key} is under the uploads prefix but not <owner>/<videoId>/<name>` });
    }
  });

  it('names what is wrong with a malformed record', () => {
    expect(jobFromRecord({ eventSource: 'aws:s3' })).toMatchObject({ kind: 'invalid' });
    expect(jobFromRecord(record(`uploads/alice/${videoId}/%E0%A4%A.mp4`))).toMatchObject({ kind: 'invalid' });
  });
});
