import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readStackConfig } from './stack-config.js';
import { startStack } from './stack.js';

/** `npm start`: the whole system on loopback until Ctrl-C. */
async function main(): Promise<void> {
  // Node 20 is this project's platform; the SDK's notice about future releases is not news here.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const config = readStackConfig();
  process.stdout.write('Starting Hoist locally...\n');
  const stack = await startStack(config);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping every process the stack started...\n');
    await stack.stop();
    await rm(join(config.dataDir, 'stack.json'), { force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  process.stdout.write(
    [
      '',
      'Open the upload page (the link carries your local token):',
      `  ${stack.apiUrl}/#token=${stack.token}`,
      '',
      'Hoist is running on loopback:',
      `  upload page (static assets)       ${stack.apiUrl}/`,
      `  edge API (wrangler dev, workerd)  ${stack.apiUrl}/trpc`,
      `  playback (signed, private bucket) ${stack.apiUrl}/play/<video>/...  (videos.status and the CLI hand these URLs out)`,
      `  S3 emulator                       ${stack.s3Endpoint}  bucket "${stack.bucket}"  (objects in ${join(config.dataDir, 's3')})`,
      `  SQS emulator                      ${stack.sqsEndpoint}  queue "${config.queueName}" (dead letters: "${config.queueName}-dlq")`,
      '  S3-event bridge                   S3 emulator events -> Lambda handler -> job queue',
      `  worker fleet                      polling the job queue; health at http://127.0.0.1:${config.fleetHealthPort}/healthz`,
      '',
      `Local token for owner "${stack.owner}" (the CLI also finds it in ${join(config.dataDir, 'stack.json')}):`,
      `  export HOIST_ENDPOINT=${stack.apiUrl}`,
      `  export HOIST_TOKEN=${stack.token}`,
      '',
      'Upload from another terminal:  npm run upload -- path/to/video.mp4',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
