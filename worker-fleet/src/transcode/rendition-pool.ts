import { MessageChannel } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { Piscina } from 'piscina';
import { RenditionFailure, TranscodeProgress, TranscodeResult, type TranscodeTask } from '@hoist/shared';
import { RenditionError } from './rendition-failure.js';
import type { TaskControl } from './rendition-task.js';

export interface RenditionPoolOptions {
  /** Worker threads, so renditions encoded at once. Default 2. */
  threads?: number;
}

export interface RunRenditionOptions {
  onProgress?: (progress: TranscodeProgress) => void;
  signal?: AbortSignal;
}

// The task file is TypeScript. Threads inherit the process's loader flags when it was started
// through tsx; when it was not (a test runner, say), the loader is added for the threads alone.
function threadExecArgv(): string[] {
  const hasLoader = process.execArgv.some((arg) => arg.includes('tsx'));
  if (hasLoader) return process.execArgv;
  const loader = createRequire(import.meta.url).resolve('tsx');
  return [...process.execArgv, '--import', `file://${loader}`];
}

/** A piscina pool that encodes one rendition per task, each task supervising one ffmpeg. */
export class RenditionPool {
  readonly #piscina: Piscina;

  constructor(options: RenditionPoolOptions = {}) {
    const threads = options.threads ?? 2;
    this.#piscina = new Piscina({
      filename: new URL('./rendition-task.ts', import.meta.url).href,
      minThreads: threads,
      maxThreads: threads,
      // Each thread spends its time waiting on ffmpeg, so one task per thread is right.
      concurrentTasksPerWorker: 1,
      idleTimeout: 60_000,
      execArgv: threadExecArgv(),
    });
  }

  async run(task: TranscodeTask, options: RunRenditionOptions = {}): Promise<TranscodeResult> {
    options.signal?.throwIfAborted();
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (message: unknown) => {
      const progress = TranscodeProgress.safeParse(message);
      if (progress.success) options.onProgress?.(progress.data);
    });
    const cancel = () => port1.postMessage({ kind: 'cancel' } satisfies TaskControl);
    options.signal?.addEventListener('abort', cancel, { once: true });
    try {
      const outcome: unknown = await this.#piscina.run({ task, port: port2 }, { transferList: [port2] });
      const failure = RenditionFailure.safeParse(outcome);
      if (failure.success) throw new RenditionError(failure.data);
      return TranscodeResult.parse(outcome);
    } finally {
      options.signal?.removeEventListener('abort', cancel);
      port1.close();
    }
  }

  /**
   * Encodes every rung of one ladder, handing each result to `onResult` as it lands. The first
   * rung to fail (or whose `onResult` fails) cancels its siblings at once, their ffmpeg killed;
   * once all have stopped, that first error is thrown (or the signal's reason when the caller
   * aborted).
   */
  async runLadder(
    tasks: readonly TranscodeTask[],
    onResult: (task: TranscodeTask, result: TranscodeResult) => Promise<void>,
    options: RunRenditionOptions = {},
  ): Promise<void> {
    const siblings = new AbortController();
    const onAbort = () => siblings.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    try {
      await Promise.allSettled(
        tasks.map(async (task) => {
          try {
            const { onProgress } = options;
            await onResult(task, await this.run(task, { signal: siblings.signal, ...(onProgress ? { onProgress } : {}) }));
          } catch (error) {
            if (!siblings.signal.aborted) siblings.abort(error);
          }
        }),
      );
      if (siblings.signal.aborted) throw siblings.signal.reason;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  get threads(): number {
    return this.#piscina.threads.length;
  }

  destroy(): Promise<void> {
    return this.#piscina.destroy();
  }
}
