import { describe, expect, it } from 'vitest';
import { exports } from 'cloudflare:workers';
import { TRPCError } from '@trpc/server';
import { S3RequestError, s3ErrorFrom } from '../src/s3/s3-error.js';
import { toTrpcError } from '../src/errors.js';

describe('S3 errors reach callers as code and message only', () => {
  it('keeps signatures, string-to-sign and keys out of the message', async () => {
    const body = `<?xml version="1.0"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message>
      <AWSAccessKeyId>AKIDSECRETID</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256 secret-material</StringToSign></Error>`;
    const error = await s3ErrorFrom('UploadPart', new Response(body, { status: 403 }));
    expect(error.message).toBe('S3 UploadPart failed: SignatureDoesNotMatch (403): The request signature we calculated does not match');
    expect(error.message).not.toMatch(/AKID|secret-material/);
  });

  it('maps S3 codes onto tRPC codes', () => {
    const map = (code: string) => (toTrpcError(new S3RequestError('CompleteMultipartUpload', 400, code, 'm')) as TRPCError).code;
    expect(map('InvalidPart')).toBe('BAD_REQUEST');
    expect(map('BadDigest')).toBe('BAD_REQUEST');
    expect(map('NoSuchUpload')).toBe('NOT_FOUND');
    expect(map('NotImplemented')).toBe('NOT_IMPLEMENTED');
    expect(map('InternalError')).toBe('INTERNAL_SERVER_ERROR');
  });

  it('answers browser preflights for the API', async () => {
    const response = await exports.default.fetch('http://edge.test/trpc/uploads.create', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
  });
});
