import { describe, expect, it } from 'vitest';
import { optionsProblem } from './aws-s3-options.js';

describe('the Uppy adapter checks its options', () => {
  it('takes an endpoint with a token, or with an API client', () => {
    expect(optionsProblem({ endpoint: 'https://upload.example.com', token: 'jwt' })).toBeUndefined();
    expect(optionsProblem({ endpoint: 'http://127.0.0.1:8787/', token: () => 'jwt', checksums: false, urlRefreshMarginMs: 0 })).toBeUndefined();
    expect(optionsProblem({ endpoint: 'https://upload.example.com', api: {} as never })).toBeUndefined();
    for (const followProcessing of ['playable', 'ready', false] as const) expect(optionsProblem({ endpoint: 'https://upload.example.com', token: 'jwt', followProcessing })).toBeUndefined();
  });

  it('names the option that is wrong', () => {
    expect(optionsProblem(undefined)).toMatch(/options are required/);
    expect(optionsProblem({ token: 'jwt' })).toMatch(/^endpoint must be/);
    expect(optionsProblem({ endpoint: 'upload.example.com', token: 'jwt' })).toMatch(/^endpoint must be/);
    expect(optionsProblem({ endpoint: 'https://upload.example.com' })).toMatch(/^token must be/);
    expect(optionsProblem({ endpoint: 'https://upload.example.com', token: 'jwt', checksums: 'yes' as never })).toMatch(/^checksums/);
    expect(optionsProblem({ endpoint: 'https://upload.example.com', token: 'jwt', urlRefreshMarginMs: Number.NaN })).toMatch(/^urlRefreshMarginMs/);
    expect(optionsProblem({ endpoint: 'https://upload.example.com', token: 'jwt', followProcessing: true as never })).toMatch(/^followProcessing must be 'playable', 'ready' or false \(got true\)/);
  });
});
