import { describe, expect, it } from 'vitest';
import { partListProblem } from '../src/uploads/complete.js';
import { callerFor } from './support.js';

describe('what the edge refuses', () => {
  it('refuses an upload token that was altered, expired, or belongs to someone else', async () => {
    const alice = await callerFor('alice');
    const created = await alice.uploads.create({ fileName: 'a.mp4', size: 100, contentType: 'video/mp4' });
    const [payload, signature] = created.uploadToken.split('.');

    const forged = `${payload!.slice(0, -2)}xx.${signature}`;
    await expect(alice.uploads.signParts({ uploadToken: forged, partNumbers: [1] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });

    const later = await callerFor('alice', () => new Date(Date.now() + 8 * 24 * 3600 * 1000));
    await expect(later.uploads.signParts({ uploadToken: created.uploadToken, partNumbers: [1] })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'uploadToken has expired: start the upload again',
    });

    const mallory = await callerFor('mallory');
    await expect(mallory.uploads.signParts({ uploadToken: created.uploadToken, partNumbers: [1] })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(mallory.videos.status({ videoId: created.videoId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses content types outside video/*, and parts outside the upload', async () => {
    const alice = await callerFor('alice');
    await expect(alice.uploads.create({ fileName: 'notes.txt', size: 10, contentType: 'text/plain' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'contentType text/plain is not accepted; allowed: video/*',
    });
    const created = await alice.uploads.create({ fileName: 'a.mp4', size: 100, contentType: 'video/mp4' });
    await expect(alice.uploads.signParts({ uploadToken: created.uploadToken, partNumbers: [2] })).rejects.toMatchObject({
      message: "part 2 is outside this upload's parts 1..1",
    });
  });

  it('keeps file names from reaching outside the owner prefix', async () => {
    const alice = await callerFor('alice');
    const created = await alice.uploads.create({ fileName: '../../bob/x/../evil\u0000.mp4', size: 10, contentType: 'video/mp4' });
    const [payload] = created.uploadToken.split('.');
    const claims = JSON.parse(atob(payload!.replace(/-/g, '+').replace(/_/g, '/'))) as { key: string };
    expect(claims.key).toBe(`uploads/alice/${created.videoId}/_._bob_x_._evil.mp4`);
  });

  it('explains a part list that is incomplete, repeated or out of order', () => {
    const etag = '"x"';
    expect(partListProblem([{ partNumber: 1, etag }], 2)).toBe('expected 2 parts; missing part 2');
    expect(partListProblem([{ partNumber: 1, etag }, { partNumber: 1, etag }], 2)).toBe('part 1 is listed twice');
    expect(partListProblem([{ partNumber: 2, etag }, { partNumber: 1, etag }], 2)).toBe('parts must be in order: position 1 has part 2');
    expect(partListProblem([{ partNumber: 1, etag }, { partNumber: 2, etag }, { partNumber: 2, etag }], 2)).toBe('part 2 is listed twice');
    expect(partListProblem([{ partNumber: 1, etag }, { partNumber: 2, etag }], 2)).toBeNull();
  });
});
