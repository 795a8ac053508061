import { createRequire } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { EncodeFailure, EncodeProgress, EncodeResult, type EncodeSpec } from '@hoist/shared';
import { EncodeError } from './encode-failure.js';
import { WARM_UP, type TaskControl } from './encode-task.js';

export interface EncodePoolOptions {
  /** Worker threads, so encodes run at once. Default 2. */
  threads?: number;
}

export interface RunEncodeOptions {
  /** 0..1 of this encode, as ffmpeg reports its position. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

// Run from source, the task file is TypeScript beside this one; in the compiled release
// (worker-fleet/scripts/build-release.ts) it is a bundle beside the fleet's own.
const RUNS_FROM_SOURCE = import.meta.url.endsWith('.ts');
const TASK_FILE = new URL(RUNS_FROM_SOURCE ? './encode-task.ts' : './encode-task.mjs', import.meta.url).href;

// From source, threads inherit the process's loader flags when it was started through tsx;
// when it was not (a test runner, say), the loader is added for the threads alone.
function threadExecArgv(): string[] {
  const hasLoader = process.execArgv.some((arg) => arg.includes('tsx'));
  if (!RUNS_FROM_SOURCE || hasLoader) return process.execArgv;
  const loader = createRequire(import.meta.url).resolve('tsx');
  return [...process.execArgv, '--import', `file://${loader}`];
}

/**
 * A piscina pool of encodes, each task supervising one ffmpeg: a chunk's every rung from one
 * decode, or a video's audio. A failed encode rejects with an EncodeError that keeps its kind.
 */
export class EncodePool {
  readonly #piscina: Piscina;

  constructor(options: EncodePoolOptions = {}) {
    const threads = options.threads ?? 2;
    this.#piscina = new Piscina({
      filename: TASK_FILE,
      minThreads: threads,
      maxThreads: threads,
      // Each thread spends its time waiting on ffmpeg, so one task per thread is right.
      concurrentTasksPerWorker: 1,
      idleTimeout: 60_000,
      execArgv: threadExecArgv(),
    });
  }

  /**
   * Loads the task's code in every thread now. A thread imports it on its first task (through
   * the TypeScript loader, some hundreds of milliseconds), which would otherwise fall on the
   * first video's first chunk: the encode that decides how soon the video is playable.
   */
  async warmUp(): Promise<void> {
    // Each thread takes one task at a time, so these land one on each.
    await Promise.all(Array.from({ length: this.#piscina.options.maxThreads }, () => this.#piscina.run(WARM_UP)));
  }

  async run(spec: EncodeSpec, options: RunEncodeOptions = {}): Promise<EncodeResult> {
    options.signal?.throwIfAborted();
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (message: unknown) => {
      const progress = EncodeProgress.safeParse(message);
      if (progress.success) options.onProgress?.(progress.data.fraction);
    });
    const cancel = () => port1.postMessage({ kind: 'cancel' } satisfies TaskControl);
    options.signal?.addEventListener('abort', cancel, { once: true });
    try {
      const outcome: unknown = await this.#piscina.run({ spec, port: port2 }, { transferList: [port2] });
      const failure = EncodeFailure.safeParse(outcome);
      if (failure.success) throw new EncodeError(failure.data);
      return EncodeResult.parse(outcome);
    } finally {
      options.signal?.removeEventListener('abort', cancel);
      port1.close();
    }
  }

  destroy(): Promise<void> {
    return this.#piscina.destroy();
  }
}
