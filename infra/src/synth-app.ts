import { App } from 'aws-cdk-lib';
import { HoistStack } from './hoist-stack.js';
import { findLeastPrivilegeViolations, type CfnTemplate } from './least-privilege.js';
import { readSettings } from './settings.js';

export interface SynthOptions {
  /** Where the cloud assembly (templates and assets) is written. */
  outdir: string;
  /** CDK context: the deployment's settings (see settings.ts). */
  context?: Record<string, string>;
  /**
   * Path of the bundled S3-event Lambda. Called once the settings are known to be valid, so a
   * bad setting is reported before any time goes on bundling.
   */
  lambdaZip: () => string;
}

export interface SynthResult {
  stack: HoistStack;
  /** The synthesised CloudFormation template and its path. */
  template: CfnTemplate;
  templatePath: string;
}

/** Builds the Hoist app and writes its cloud assembly; refuses a template that breaks least privilege. */
export function synthesizeHoist(options: SynthOptions): SynthResult {
  // The CDK CLI passes its own context in CDK_CONTEXT_JSON, which App reads itself.
  const app = new App({ outdir: options.outdir, context: options.context ?? {} });
  const settings = readSettings((key) => app.node.tryGetContext(key), Object.keys(options.context ?? {}));
  const stack = new HoistStack(app, settings.stackName, {
    settings,
    lambdaZipPath: options.lambdaZip(),
    description: 'Hoist: video upload bucket, S3-event Lambda, job queues, transcoding fleet, edge signing user',
  });
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  const template = artifact.template as CfnTemplate;
  const violations = findLeastPrivilegeViolations(template);
  if (violations.length > 0) {
    throw new Error(`the template grants more than it needs:\n${violations.map((v) => `  ${v}`).join('\n')}`);
  }
  return { stack, template, templatePath: artifact.templateFullPath };
}
