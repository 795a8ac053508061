import { runCli } from './main.js';

// The process wiring for `hoist`: real streams, the exit code, and Ctrl-C: the first pauses
// and exits resumable, a second one leaves at once.
const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort(new Error('interrupted'));
});
const code = await runCli(
  process.argv.slice(2),
  process.env,
  { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text), isTty: Boolean(process.stdout.isTTY) },
  controller.signal,
);
process.exit(code);
