import { defineConfig } from 'vitest/config';

// Node 20 is this project's platform; the AWS SDK's notice about its future releases is noise here.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

// The root test config: one project per package, plus the end-to-end suite.
// Vitest 4 reads projects from here (`vitest --config vitest.workspace.ts`).
export default defineConfig({
  test: {
    // Two cores: integration suites start emulators, workerd and ffmpeg.
    maxWorkers: 2,
    projects: [
      { test: { name: 'shared', include: ['shared/**/*.test.ts'] } },
      'edge/vitest.config.ts',
      { test: { name: 'client', include: ['client/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } },
      { test: { name: 'worker-fleet', include: ['worker-fleet/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 60_000 } },
      { test: { name: 'dev', include: ['dev/**/*.test.ts'], testTimeout: 60_000 } },
      { test: { name: 'infra', include: ['infra/**/*.test.ts'], testTimeout: 120_000 } },
      { test: { name: 'browser', include: ['tests/browser/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 180_000 } },
      { test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 180_000 } },
    ],
  },
});
