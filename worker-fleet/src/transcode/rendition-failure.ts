import type { RenditionFailure } from '@hoist/shared';
import { ffmpegReason } from '../media/unusable-media.js';
import { ChildProcessError } from '../process/bounded-process.js';

/** What ffmpeg prints when a write to the scratch disk fails for want of space. */
const NO_SPACE = /No space left on device|ENOSPC/i;

/**
 * Says, once and where it happened, why a rendition's ffmpeg did not finish: what the source
 * caused (the decoder refused it, it ran past its time or memory limit) or what the machine
 * caused (its disk filled up, something killed the process). Returns null for anything that is
 * no ffmpeg failure (cancellation, a bug), which the caller rethrows as it is.
 */
export function classifyRenditionFailure(label: number, error: unknown): RenditionFailure | null {
  const rung = `${label}p`;
  if ((error as NodeJS.ErrnoException | null)?.code === 'ENOSPC') {
    return { failed: true, label, kind: 'no-space', message: `the worker's scratch disk filled up while encoding the ${rung} rendition`, detail: String(error) };
  }
  if (!(error instanceof ChildProcessError)) return null;
  const detail = error.stderrTail;
  const failure = (kind: RenditionFailure['kind'], message: string): RenditionFailure => ({ failed: true, label, kind, message, detail });
  switch (error.kind) {
    case 'timeout':
      return failure('timeout', `the ${rung} rendition took longer than its time limit of ${error.message.replace(/^ran past its time limit of /, '')}, set from the video's duration`);
    case 'memory':
      return failure('memory', `the ${rung} rendition needed more memory than its limit of ${error.message.replace(/^needed more than its memory limit of /, '')}`);
    case 'killed':
      return failure('killed', `ffmpeg encoding the ${rung} rendition was stopped on the worker (${error.message})`);
    case 'exit': {
      if (NO_SPACE.test(detail)) return failure('no-space', `the worker's scratch disk filled up while encoding the ${rung} rendition`);
      // prlimit, which starts ffmpeg under its ceiling, could not run it, or the binary's shared
      // libraries are missing: the machine's fault.
      if (/^prlimit: |error while loading shared libraries/m.test(detail)) {
        return failure('killed', `ffmpeg for the ${rung} rendition could not be started on the worker`);
      }
      const last = ffmpegReason(detail.split('\n').pop() ?? '');
      return failure('rejected', `the video could not be decoded (the ${rung} rendition stopped${last ? `: ${last}` : ''})`);
    }
  }
}

/** Failures another attempt can fix (on this machine later, or on another one). */
export function isRetryable(kind: RenditionFailure['kind']): boolean {
  return kind === 'no-space' || kind === 'killed';
}

/** A rendition that did not finish, rethrown on the pool's side of the thread. */
export class RenditionError extends Error {
  override name = 'RenditionError';
  readonly kind: RenditionFailure['kind'];
  readonly label: number;
  /** ffmpeg's last lines, for the logs only. */
  readonly detail: string;
  constructor(failure: RenditionFailure) {
    super(failure.message);
    this.kind = failure.kind;
    this.label = failure.label;
    this.detail = failure.detail;
  }

  /** Whether another attempt can fix it (see isRetryable). */
  get retryable(): boolean {
    return isRetryable(this.kind);
  }
}
