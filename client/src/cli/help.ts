const COMMON = `  --endpoint URL     edge API base URL (env HOIST_ENDPOINT)
  --token JWT        bearer token (env HOIST_TOKEN)
  --json             print one JSON document instead of progress lines
  -h, --help         this help

Without --endpoint/--token or their variables, the local stack's .data/stack.json (in the
current folder) is used, if its endpoint is on this machine (localhost, 127.0.0.0/8, ::1).
The first line, on stderr, says where the endpoint and the token came from.`;

const EXIT_CODES = 'Exit codes: 0 done, 1 upload or processing failed, 2 bad usage or settings, 130 interrupted (the upload can be resumed).';

export const COMMAND_HELP: Record<string, string> = {
  upload: `hoist upload FILE: upload a video, then follow its processing to the playback URL

  --concurrency N    parts uploaded at once (default 4)
  --wait [playable|ready]
                     follow processing (the default): print the playback URL as soon as the
                     video is playable, and stop there (playable) or at ready (the default)
  --no-wait          upload only; do not wait for the renditions
  --no-checksums     do not sign each part's SHA-256 into its URL
  --state-dir DIR    where resume state is kept (env HOIST_STATE_DIR; default ~/.local/state/hoist/uploads)
${COMMON}

Ctrl-C pauses: what was sent is kept, and the same command resumes it.
${EXIT_CODES}`,
  status: `hoist status VIDEO_ID: a video's processing state, renditions and playback URLs

${COMMON}
${EXIT_CODES}`,
  abort: `hoist abort FILE: abort an unfinished upload of FILE; S3 discards its parts

  --state-dir DIR    where resume state is kept (env HOIST_STATE_DIR; default ~/.local/state/hoist/uploads)
${COMMON}
${EXIT_CODES}`,
};

export const HELP = `hoist: upload videos to Hoist and follow their processing

Usage:
  hoist upload FILE [--wait [playable|ready] | --no-wait] [--concurrency N] [--json]
  hoist status VIDEO_ID [--json]
  hoist abort FILE
  hoist help [COMMAND]

${EXIT_CODES}`;
