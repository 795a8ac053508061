import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { zipSync } from 'fflate';
import type { HoistStack } from '../src/hoist-stack.js';
import { synthesizeHoist } from '../src/synth-app.js';

/**
 * A Hoist stack synthesised the way `npm run synth` does it (settings, stack, least-privilege
 * check), into a scratch folder, for assertions. The Lambda's code is a stand-in zip: the
 * template only records the asset's hash, and bundling the real handler is build-lambda's job
 * (and the synth test's).
 */
export function buildHoistStack(context: Record<string, string> = {}): { stack: HoistStack; template: Template; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-infra-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const { stack } = synthesizeHoist({ outdir: join(dir, 'cdk.out'), context, lambdaZip: () => standInLambdaZip(dir) });
    return { stack, template: Template.fromStack(stack), cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/** Writes a minimal handler zip into `dir` and returns its path. */
export function standInLambdaZip(dir: string): string {
  const path = join(dir, 's3-event-lambda.zip');
  writeFileSync(path, zipSync({ 'index.mjs': new TextEncoder().encode('export const handler = async () => {};\n') }));
  return path;
}

/** The resources of one type in a synthesised template, by logical id. */
export function resourcesOfType(template: Template, type: string): Record<string, { Properties?: Record<string, unknown> }> {
  return template.findResources(type) as Record<string, { Properties?: Record<string, unknown> }>;
}
