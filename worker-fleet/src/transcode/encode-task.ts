import { mkdir } from 'node:fs/promises';
import type { MessagePort } from 'node:worker_threads';
import { EncodeSpec, type EncodeFailure, type EncodeResult } from '@hoist/shared';
import { runBounded } from '../process/bounded-process.js';
import { classifyEncodeFailure } from './encode-failure.js';

/** Messages the pool sends a running task. */
export type TaskControl = { kind: 'cancel' };

/** The task that only loads this module in a thread (EncodePool.warmUp). */
export const WARM_UP = { warmUp: true } as const;

/**
 * The piscina task: one bounded ffmpeg, its `-progress` output reported over `port` as a
 * fraction of the run's duration. An encode that does not finish is returned as an
 * EncodeFailure (an error thrown here would lose its class). Cancellation arrives as a message
 * on the same port rather than through piscina's own abort, which would end this thread and
 * leave its ffmpeg child running.
 */
export default async function runEncodeTask(message: { spec: unknown; port: MessagePort } | typeof WARM_UP): Promise<EncodeResult | EncodeFailure | 'warm'> {
  if (!('spec' in message)) return 'warm';
  const { spec, port } = message;
  const task = EncodeSpec.parse(spec);
  const controller = new AbortController();
  port.on('message', (message: TaskControl) => {
    if (message.kind === 'cancel') controller.abort(new Error(`encoding ${task.what} cancelled`));
  });
  const started = performance.now();
  let pending = '';
  let lastSent = 0;
  const onStdout = (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const match = /^out_time_(?:us|ms)=(\d+)/.exec(line);
      // Throttled: ffmpeg reports about twice a second, the port needs less.
      if (!match || task.durationSeconds <= 0 || Date.now() - lastSent < 500) continue;
      lastSent = Date.now();
      port.postMessage({ fraction: Math.min(1, Number(match[1]) / 1e6 / task.durationSeconds) });
    }
  };
  try {
    for (const dir of task.outputDirs) await mkdir(dir, { recursive: true });
    await runBounded(task.ffmpegPath, task.args, { bounds: { timeoutMs: task.timeoutMs, memoryBytes: task.memoryBytes }, onStdout, signal: controller.signal });
    port.postMessage({ fraction: 1 });
    return { elapsedMs: performance.now() - started };
  } catch (error) {
    if (controller.signal.aborted) throw controller.signal.reason ?? error;
    const failure = classifyEncodeFailure(task.what, error);
    if (failure) return failure;
    throw error;
  } finally {
    port.close();
  }
}
