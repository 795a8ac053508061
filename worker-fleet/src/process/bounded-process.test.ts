import { describe, expect, it } from 'vitest';
import { resolveFfmpegBinaries } from '../transcode/ffmpeg-binaries.js';
import { ChildProcessError, runBounded } from './bounded-process.js';

const node = process.execPath;
const generous = { timeoutMs: 30_000, memoryBytes: 4 * 1024 ** 3 };

describe('a child process with a time limit and a memory ceiling', () => {
  it('returns its output when it finishes within both', async () => {
    await expect(runBounded(node, ['-e', 'process.stdout.write("fine")'], { bounds: generous })).resolves.toMatchObject({ stdout: 'fine' });
  });

  it('is killed at its time limit, and says so', async () => {
    const error = await runBounded(node, ['-e', 'setTimeout(() => {}, 60_000)'], { bounds: { ...generous, timeoutMs: 300 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChildProcessError);
    expect(error).toMatchObject({ kind: 'timeout', message: 'ran past its time limit of 0.3 s' });
  });

  it('cannot allocate past its memory ceiling (ffmpeg asked for a frame far too large)', async () => {
    const { ffmpeg } = resolveFfmpegBinaries();
    // 512 MiB of address space holds ffmpeg and its libraries (static or distribution-built) and a
    // 640×360 frame, but not one 30000×30000 frame (about 1.3 GB).
    const scaledTo = (size: string) => ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=size=64x64:duration=0.04', '-vf', `scale=${size}`, '-f', 'null', '-'];
    const bounds = { ...generous, memoryBytes: 512 * 1024 ** 2 };
    const error = await runBounded(ffmpeg, scaledTo('30000:30000'), { bounds }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChildProcessError);
    expect((error as ChildProcessError).kind).toBe('memory');
    expect((error as ChildProcessError).message).toBe('needed more than its memory limit of 512 MiB');
    // The same ceiling lets an ordinary frame through.
    await expect(runBounded(ffmpeg, scaledTo('640:360'), { bounds })).resolves.toBeDefined();
  });

  it('tells a non-zero exit from a kill by someone else', async () => {
    await expect(runBounded(node, ['-e', 'process.exit(3)'], { bounds: generous })).rejects.toMatchObject({ kind: 'exit', message: 'exited with code 3' });
    await expect(runBounded(node, ['-e', 'process.kill(process.pid, "SIGKILL")'], { bounds: generous })).rejects.toMatchObject({ kind: 'killed', message: 'was killed (SIGKILL)' });
  });

  it('is killed when its caller aborts, rejecting with the abort reason', async () => {
    const controller = new AbortController();
    const running = runBounded(node, ['-e', 'setTimeout(() => {}, 60_000)'], { bounds: generous, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('job cancelled')), 100);
    await expect(running).rejects.toThrow('job cancelled');
  });
});
