import { describe, expect, it } from 'vitest';
import { MAX_OBJECT_SIZE } from '@hoist/shared';
import { callHttp, callerFor } from './support.js';

describe('uploads.policy tells clients what create will accept', () => {
  it('answers with the allowed types and the size limit from the settings', async () => {
    expect(await callHttp('uploads.policy', {}, { kind: 'query' })).toMatchObject({
      status: 200,
      data: { allowedContentTypes: ['video/*'], maxUploadBytes: MAX_OBJECT_SIZE },
    });
    const caller = await callerFor('alice', { config: { ALLOWED_CONTENT_TYPES: ['video/mp4', 'video/quicktime'], MAX_UPLOAD_BYTES: 1024 } });
    expect(await caller.uploads.policy()).toEqual({ allowedContentTypes: ['video/mp4', 'video/quicktime'], maxUploadBytes: 1024 });
  });

  it('is for signed-in callers only', async () => {
    expect(await callHttp('uploads.policy', {}, { authorization: null, kind: 'query' })).toMatchObject({ status: 401 });
  });
});
