import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineProject } from 'vitest/config';
import { TEST_JWT_CLAIMS, TEST_SECRETS } from './test/test-secrets.js';

// Edge tests run inside workerd, the Workers runtime, against a real S3 emulator that
// test/global-setup.ts starts on loopback.
export default defineProject({
  plugins: [
    cloudflareTest(({ inject }) => ({
      main: './src/index.ts',
      wrangler: { configPath: '../wrangler.toml' },
      miniflare: {
        // wrangler.toml's `[assets]` folder (the built upload page, edge/public/) is missing from a
        // fresh checkout, and wrangler refuses a missing one: these tests of the Worker get a stand-in.
        // (SELF calls the Worker directly; the browser tests cover the page and routes together.)
        assets: { directory: fileURLToPath(new URL('./test/fixtures/assets', import.meta.url)) },
        bindings: {
          S3_BUCKET_URL: inject('s3BucketUrl'),
          S3_ACCESS_KEY_ID: 'S3RVER',
          S3_SECRET_ACCESS_KEY: 'S3RVER',
          JWT_SECRET: TEST_SECRETS.jwt,
          JWKS_URL: inject('jwksUrl'),
          JWT_ISSUER: TEST_JWT_CLAIMS.iss,
          JWT_AUDIENCE: TEST_JWT_CLAIMS.aud,
          UPLOAD_TOKEN_SECRET: TEST_SECRETS.uploadToken,
        },
      },
    })),
  ],
  test: {
    name: 'edge',
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
  },
});
