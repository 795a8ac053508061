#!/usr/bin/env node
// `hoist` inside this repository: the CLI is TypeScript, which tsx loads without a build step.
// The installable package, compiled, comes from `npm run build:cli` (docs/client.md).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/run.ts');
