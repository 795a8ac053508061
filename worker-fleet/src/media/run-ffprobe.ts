import { ChildProcessError, runBounded } from '../process/bounded-process.js';
import { formatDuration } from '../human-units.js';
import { ffmpegReason, UnusableMediaError } from './unusable-media.js';

/** Largest report ffprobe may print about one source; more is no video the fleet accepts. */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/**
 * Address space one ffprobe may use. Its decoders are capped at the frame limit (`-max_pixels`)
 * and run one thread each, so a few frames of the largest accepted size fit with room to spare.
 * The ceiling is what bounds MPEG-PS and FLV: their streams appear only as packets are read,
 * and ffmpeg hands no decoder options (so no `-max_pixels`) to the decoders it opens for such
 * streams while analysing them. A hostile 16000×16000 frame there costs the probe about 1.2 GB
 * for two seconds before it is refused, instead of every rung's encode.
 */
export const PROBE_MEMORY_BYTES = 2 * 1024 ** 3;

export interface FfprobeOutput {
  stdout: string;
  /** The end of its error lines (`-v error`), even when it succeeded: decoders refusing a frame say so here. */
  stderr: string;
}

/**
 * Runs ffprobe on a source within a time limit and PROBE_MEMORY_BYTES. What the file causes is
 * an UnusableMediaError (a failed read, a timeout, too much memory, an endless report); what the
 * machine causes (the binary missing, the process killed by someone else, such as the kernel's
 * OOM killer) stays an ordinary error, which the job runner retries. `stop` kills it early
 * (the run then rejects with the signal's reason).
 */
export async function runFfprobe(ffprobe: string, args: readonly string[], timeoutMs: number, stop?: AbortSignal): Promise<FfprobeOutput> {
  const tooMuch = new AbortController();
  let stdout = '';
  try {
    const { stderrTail } = await runBounded(ffprobe, args, {
      bounds: { timeoutMs, memoryBytes: PROBE_MEMORY_BYTES },
      signal: stop ? AbortSignal.any([tooMuch.signal, stop]) : tooMuch.signal,
      onStdout: (text) => {
        stdout += text;
        if (stdout.length > MAX_OUTPUT_BYTES) {
          tooMuch.abort(new UnusableMediaError(`not a readable media file: ffprobe's report on it passed ${MAX_OUTPUT_BYTES / 1024 / 1024} MiB`));
        }
      },
    });
    return { stdout, stderr: stderrTail };
  } catch (error) {
    if (!(error instanceof ChildProcessError)) throw error;
    switch (error.kind) {
      case 'timeout':
        throw new UnusableMediaError(`not a readable media file: reading it took longer than ${formatDuration(timeoutMs / 1000)}, the most a file of its size may take`);
      case 'memory':
        throw new UnusableMediaError(`reading the file needed more than ${PROBE_MEMORY_BYTES / 1024 ** 3} GiB of memory`, 'over-limit');
      case 'exit': {
        // prlimit, which starts ffprobe under its memory ceiling, could not run it: the machine's fault.
        if (/^prlimit: /m.test(error.stderrTail)) throw error;
        const last = ffmpegReason(error.stderrTail.split('\n').pop() ?? '');
        throw new UnusableMediaError(`not a readable media file${last ? `: ${last}` : ''}`);
      }
      case 'killed':
        throw error;
    }
  }
}
