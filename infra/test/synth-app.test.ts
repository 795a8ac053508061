import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as iam from 'aws-cdk-lib/aws-iam';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { synthesizeHoist } from '../src/synth-app.js';
import { standInLambdaZip } from './stack-fixture.js';

// The real stack, plus one grant far wider than Hoist needs: synthesis must refuse it.
vi.mock('../src/hoist-stack.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/hoist-stack.js')>();
  class WiderHoistStack extends original.HoistStack {
    constructor(...args: ConstructorParameters<typeof original.HoistStack>) {
      super(...args);
      new iam.Policy(this, 'TooWide', {
        users: [this.edgeSigner.user],
        statements: [new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] })],
      });
    }
  }
  return { ...original, HoistStack: WiderHoistStack };
});

const dir = mkdtempSync(join(tmpdir(), 'hoist-synth-app-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('synthesizeHoist', () => {
  it('refuses a template that grants more than it needs, naming each grant', () => {
    expect(() => synthesizeHoist({ outdir: join(dir, 'cdk.out'), lambdaZip: () => standInLambdaZip(dir) })).toThrow(
      /grants more than it needs:\n.*TooWide.*wildcard action s3:\*\n.*TooWide.*Resource "\*" for s3:\*/,
    );
  });

  it('reports a bad setting before asking for the Lambda bundle', () => {
    const lambdaZip = vi.fn(() => standInLambdaZip(dir));
    expect(() => synthesizeHoist({ outdir: join(dir, 'bad'), context: { maxInstances: 'zero' }, lambdaZip })).toThrow('maxInstances: maxInstances must be a number (got "zero")');
    expect(lambdaZip).not.toHaveBeenCalled();
  });
});
