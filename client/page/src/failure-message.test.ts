import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { UploadError } from '@hoist/client';
import { describeFailure, SESSION_EXPIRED_MESSAGE } from './failure-message.js';

const apiError = (code: string, message: string) =>
  TRPCClientError.from({ error: { code: -32001, message, data: { code, httpStatus: 401 } } });

describe('describeFailure', () => {
  it('an expired JWT or upload token is an expired session', () => {
    expect(describeFailure(apiError('UNAUTHORIZED', 'bearer token rejected: token expired'))).toEqual({ kind: 'session', message: SESSION_EXPIRED_MESSAGE });
    const expiredUpload = new UploadError('failed', 'uploadToken has expired', { cause: apiError('UNAUTHORIZED', 'uploadToken has expired: start the upload again') });
    expect(describeFailure(expiredUpload).kind).toBe('session');
  });

  it('a refused file keeps the edge’s reason', () => {
    const refused = new UploadError('rejected', 'the edge refused the upload', { cause: apiError('BAD_REQUEST', 'contentType text/plain is not accepted; allowed: video/*') });
    expect(describeFailure(refused)).toEqual({ kind: 'rejected', message: 'The server refused this file: contentType text/plain is not accepted; allowed: video/*' });
  });

  it('no answer at all, or parts that cannot get through, is a lost connection', () => {
    const noAnswer = new UploadError('failed', 'Failed to fetch', { cause: TRPCClientError.from(new TypeError('Failed to fetch')) });
    expect(describeFailure(noAnswer).kind).toBe('connection');
    expect(describeFailure(new UploadError('part-failed', 'part 3 failed after 8 tries: network error while sending the part')).kind).toBe('connection');
    expect(describeFailure(new UploadError('part-failed', 'part 3 failed after 8 tries: HTTP 503 SlowDown')).kind).toBe('connection');
    expect(describeFailure(new UploadError('part-failed', 'part 1 failed after 8 tries: signing its URL failed: Failed to fetch'))).toEqual({
      kind: 'connection',
      message: 'The connection to the server was lost.',
    });
  });

  it('cancelling and anything else', () => {
    expect(describeFailure(new UploadError('aborted', 'upload aborted')).kind).toBe('cancelled');
    expect(describeFailure(new UploadError('part-failed', 'part 2 was refused by S3: HTTP 403 AccessDenied'))).toEqual({
      kind: 'other',
      message: 'part 2 was refused by S3: HTTP 403 AccessDenied',
    });
  });
});
