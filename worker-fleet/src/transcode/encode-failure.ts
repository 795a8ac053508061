import type { EncodeFailure } from '@hoist/shared';
import { ffmpegReason } from '../media/unusable-media.js';
import { ChildProcessError } from '../process/bounded-process.js';

/** What ffmpeg prints when a write to the scratch disk fails for want of space. */
const NO_SPACE = /No space left on device|ENOSPC/i;

/**
 * Says, once and where it happened, why an encode's ffmpeg did not finish: what the source
 * caused (the decoder refused it, it ran past its time or memory limit) or what the machine
 * caused (its disk filled up, something killed the process). Returns null for anything that is
 * no ffmpeg failure (cancellation, a bug), which the caller rethrows as it is.
 */
export function classifyEncodeFailure(what: string, error: unknown): EncodeFailure | null {
  if ((error as NodeJS.ErrnoException | null)?.code === 'ENOSPC') {
    return { failed: true, what, kind: 'no-space', message: `the worker's scratch disk filled up while encoding ${what}`, detail: String(error) };
  }
  if (!(error instanceof ChildProcessError)) return null;
  const detail = error.stderrTail;
  const failure = (kind: EncodeFailure['kind'], message: string): EncodeFailure => ({ failed: true, what, kind, message, detail });
  switch (error.kind) {
    case 'timeout':
      return failure('timeout', `encoding ${what} took longer than its time limit of ${error.message.replace(/^ran past its time limit of /, '')}, set from its duration`);
    case 'memory':
      return failure('memory', `encoding ${what} needed more memory than its limit of ${error.message.replace(/^needed more than its memory limit of /, '')}`);
    case 'killed':
      return failure('killed', `ffmpeg encoding ${what} was stopped on the worker (${error.message})`);
    case 'exit': {
      if (NO_SPACE.test(detail)) return failure('no-space', `the worker's scratch disk filled up while encoding ${what}`);
      // prlimit, which starts ffmpeg under its ceiling, could not run it, or the binary's shared
      // libraries are missing: the machine's fault.
      if (/^prlimit: |error while loading shared libraries/m.test(detail)) {
        return failure('killed', `ffmpeg for ${what} could not be started on the worker`);
      }
      const last = ffmpegReason(detail.split('\n').pop() ?? '');
      return failure('rejected', `the video could not be decoded (encoding ${what} stopped${last ? `: ${last}` : ''})`);
    }
  }
}

/** Failures another attempt can fix (on this machine later, or on another one). */
export function isRetryable(kind: EncodeFailure['kind']): boolean {
  return kind === 'no-space' || kind === 'killed';
}

/** An encode that did not finish, rethrown on the pool's side of the thread. */
export class EncodeError extends Error {
  override name = 'EncodeError';
  readonly kind: EncodeFailure['kind'];
  readonly what: string;
  /** ffmpeg's last lines, for the logs only. */
  readonly detail: string;
  constructor(failure: EncodeFailure) {
    super(failure.message);
    this.kind = failure.kind;
    this.what = failure.what;
    this.detail = failure.detail;
  }

  /** Whether another attempt can fix it (see isRetryable). */
  get retryable(): boolean {
    return isRetryable(this.kind);
  }
}
