import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { synthesizeHoist } from '../src/synth-app.js';
import { summarizeTemplate } from '../src/template-summary.js';

/**
 * `npm run synth [-- -c key=value ... --outdir DIR --skip-lambda-build]`: bundles the S3-event
 * Lambda, then writes the CloudFormation template and its assets to `cdk.out/` (or DIR), all
 * offline: no AWS account, credentials or CDK CLI needed. Deploy the result with
 * `npx aws-cdk@2 deploy --app cdk.out` (docs/deploy.md). Under the CDK CLI (`--app` pointing
 * at this script), CDK_OUTDIR and CDK_CONTEXT_JSON come from the CLI and are honoured.
 */
const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const lambdaZipPath = resolve(root, 'dist/s3-event-lambda.zip');

try {
  const { values } = parseArgs({
    options: {
      context: { type: 'string', short: 'c', multiple: true, default: [] },
      outdir: { type: 'string' },
      'skip-lambda-build': { type: 'boolean', default: false },
    },
  });
  const context: Record<string, string> = {};
  for (const pair of values.context) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new Error(`-c takes key=value, got "${pair}"`);
    context[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  // Always rebuilt unless told otherwise: a stale bundle would deploy old handler code.
  const lambdaZip = () => {
    if (!values['skip-lambda-build'] || !existsSync(lambdaZipPath)) {
      execFileSync(process.execPath, ['--import', 'tsx', resolve(root, 'worker-fleet/scripts/build-lambda.ts')], { stdio: 'inherit', cwd: root });
    }
    return lambdaZipPath;
  };
  const outdir = resolve(values.outdir ?? process.env['CDK_OUTDIR'] ?? resolve(root, 'cdk.out'));
  const { stack, template, templatePath } = synthesizeHoist({ outdir, context, lambdaZip });
  process.stdout.write(`synthesised stack ${stack.stackName} to ${relative(process.cwd(), templatePath) || templatePath}\n`);
  process.stdout.write(summarizeTemplate(template));
} catch (error) {
  process.stderr.write(`synth failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
