/**
 * Runs units side by side; the first to fail stops the others at once (their ffmpeg killed, not
 * waited for), since the video's outcome is decided, and its error is thrown once all stopped.
 */
export async function runSiblings(runs: ReadonlyArray<(signal: AbortSignal) => Promise<void>>, outer?: AbortSignal): Promise<void> {
  const siblings = new AbortController();
  const onAbort = () => siblings.abort(outer?.reason);
  outer?.addEventListener('abort', onAbort, { once: true });
  let first: { error: unknown } | undefined;
  try {
    await Promise.allSettled(
      runs.map((run) =>
        run(siblings.signal).catch((error: unknown) => {
          first ??= { error };
          siblings.abort(error);
        }),
      ),
    );
  } finally {
    outer?.removeEventListener('abort', onAbort);
  }
  if (first) throw first.error;
}
