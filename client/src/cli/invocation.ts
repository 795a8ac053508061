/**
 * Builds the command line a hint tells the user to run, the way they started the CLI: this
 * repository's README runs it as `npm run upload -- FILE` (and `npm run hoist -- …`), npx as
 * `npx hoist …`, an installed package as `hoist …`. npm says which script it runs in
 * `npm_lifecycle_event` / `npm_lifecycle_script`; anything else gets `hoist …`.
 */
export function commandLine(argv: readonly string[], env: NodeJS.ProcessEnv): (args: readonly string[]) => string {
  const event = env['npm_lifecycle_event'];
  const plain = (args: readonly string[]) => shellWords(['hoist', ...args]);
  if (!event) return plain;
  // Only a script that is this CLI and nothing else (`tsx client/src/cli/run.ts upload`,
  // `hoist status`) can be run again with other arguments after `--`. Anything else under npm
  // (a test runner, a script that does more) may have started this process, not the user.
  const words = (env['npm_lifecycle_script'] ?? '').trim().split(/\s+/);
  const at = words.findIndex((word) => /(^|\/)(cli\/run\.ts|bin\/hoist\.js|hoist)$/.test(word));
  if (at < 0 || words.some((word) => /[;&|<>`$()]/.test(word))) return plain;
  // npx runs the bin itself, with the user's arguments in its script.
  if (event === 'npx') return at === 0 ? (args) => shellWords(['npx', 'hoist', ...args]) : plain;
  const fixed = words.slice(at + 1);
  if (!fixed.every((word, i) => argv[i] === word)) return plain;
  return (args) => {
    if (fixed.every((word, i) => args[i] === word)) {
      const rest = args.slice(fixed.length);
      return shellWords(['npm', 'run', event, ...(rest.length > 0 ? ['--', ...rest] : [])]);
    }
    // Another command than the script's own (a status hint from `npm run upload`): the package's
    // bin, which npx finds in node_modules/.bin wherever such a script can run.
    return fixed.length === 0 ? shellWords(['npm', 'run', event, '--', ...args]) : shellWords(['npx', 'hoist', ...args]);
  };
}

/**
 * Words as a shell reads them back, single-quoted where needed. A token given on the command
 * line is shown as `JWT`: hints go to stderr, which CI logs keep.
 */
function shellWords(words: readonly string[]): string {
  return words
    .map((word, i) => (words[i - 1] === '--token' ? 'JWT' : word.startsWith('--token=') ? '--token=JWT' : word))
    .map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}
