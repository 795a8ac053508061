import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { zipSync } from 'fflate';
import { readAppDefaults } from '../src/app-defaults.js';
import { HoistStack } from '../src/hoist-stack.js';
import { readSettings } from '../src/settings.js';

/**
 * A Hoist stack built in memory for assertions. The Lambda's code is a stand-in zip: the
 * template only records the asset's hash, and bundling the real handler is build-lambda's job
 * (and the synth test's).
 */
export function buildHoistStack(context: Record<string, string> = {}): { stack: HoistStack; template: Template; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-infra-'));
  const lambdaZipPath = join(dir, 's3-event-lambda.zip');
  writeFileSync(lambdaZipPath, zipSync({ 'index.mjs': new TextEncoder().encode('export const handler = async () => {};\n') }));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const app = new App({ outdir: join(dir, 'cdk.out'), context });
    const settings = readSettings((key) => app.node.tryGetContext(key), readAppDefaults());
    const stack = new HoistStack(app, settings.stackName, { settings, lambdaZipPath });
    return { stack, template: Template.fromStack(stack), cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/** The resources of one type in a synthesised template, by logical id. */
export function resourcesOfType(template: Template, type: string): Record<string, { Properties?: Record<string, unknown> }> {
  return template.findResources(type) as Record<string, { Properties?: Record<string, unknown> }>;
}
