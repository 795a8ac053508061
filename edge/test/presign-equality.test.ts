import { inject, describe, expect, it } from 'vitest';
import { presigner } from './support.js';

describe('part URLs signed in workerd', () => {
  it.each(inject('presignFixtures').map((f) => [f.name, f] as const))('%s equals the URL @aws-sdk/s3-request-presigner makes', async (_name, fixture) => {
    const url = await presigner.presign({
      method: fixture.method,
      key: fixture.key,
      query: fixture.query,
      headers: fixture.headers,
      expiresInSeconds: fixture.expiresInSeconds,
      datetime: fixture.datetime,
    });
    expect(url).toBe(fixture.sdkUrl);
  });
});
