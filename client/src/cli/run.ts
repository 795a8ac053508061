import { runCli } from './main.js';

// The process wiring for `hoist`: real streams, Ctrl-C as an abort, the exit code.
const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted')));
const code = await runCli(
  process.argv.slice(2),
  process.env,
  { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text), isTty: Boolean(process.stdout.isTTY) },
  controller.signal,
);
process.exit(code);
