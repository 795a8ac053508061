import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineProject } from 'vitest/config';
import { TEST_SECRETS } from './test/test-secrets.js';

// Edge tests run inside workerd, the Workers runtime, against a real S3 emulator that
// test/global-setup.ts starts on loopback.
export default defineProject({
  plugins: [
    cloudflareTest(({ inject }) => ({
      main: './src/index.ts',
      wrangler: { configPath: '../wrangler.toml' },
      miniflare: {
        bindings: {
          S3_BUCKET_URL: inject('s3BucketUrl'),
          S3_ACCESS_KEY_ID: 'S3RVER',
          S3_SECRET_ACCESS_KEY: 'S3RVER',
          JWT_SECRET: TEST_SECRETS.jwt,
          JWKS_URL: inject('jwksUrl'),
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
