import type { MessagePort } from 'node:worker_threads';
import { TranscodeTask, type RenditionFailure, type TranscodeResult } from '@hoist/shared';
import { transcodeRendition } from './transcode.js';

/** Messages the pool sends a running task. */
export type TaskControl = { kind: 'cancel' };

/**
 * The piscina task: parse, run one bounded ffmpeg, report progress over `port`. A rendition that
 * does not finish is returned as a RenditionFailure (an error thrown here would lose its class).
 * Cancellation arrives as a message on the same port rather than through piscina's own
 * abort, which would end this thread and leave its ffmpeg child running.
 */
export default async function runRenditionTask({ task, port }: { task: unknown; port: MessagePort }): Promise<TranscodeResult | RenditionFailure> {
  const parsed = TranscodeTask.parse(task);
  const controller = new AbortController();
  port.on('message', (message: TaskControl) => {
    if (message.kind === 'cancel') controller.abort(new Error(`transcode of ${parsed.rung.label}p cancelled`));
  });
  let lastSent = 0;
  try {
    return await transcodeRendition(parsed, {
      signal: controller.signal,
      onProgress: (fraction) => {
        // Throttled: ffmpeg reports about twice a second per rendition, the port needs less.
        const now = Date.now();
        if (fraction < 1 && now - lastSent < 500) return;
        lastSent = now;
        port.postMessage({ label: parsed.rung.label, fraction });
      },
    });
  } finally {
    port.close();
  }
}
