import { describe, expect, it } from 'vitest';
import { probeTimeoutMs } from './media-limits.js';
import { runFfprobe } from './run-ffprobe.js';
import { UnusableMediaError } from './unusable-media.js';

// A stand-in for ffprobe that behaves as a pathological file would make it behave.
const node = process.execPath;
const script = (code: string) => ['-e', code];

describe('runFfprobe: what the file causes is the file’s fault, what the machine causes is not', () => {
  it('kills a read that outlives its time limit, and refuses the file', async () => {
    const error = await runFfprobe(node, script('setTimeout(() => {}, 60_000)'), 300).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnusableMediaError);
    expect(error).toMatchObject({ refusal: 'unreadable', message: 'not a readable media file: reading it took longer than 0.3 s, the most a file of its size may take' });
  });

  it('refuses a report that never ends', async () => {
    const flood = script('const line = "x".repeat(1 << 20) + "\\n"; const go = () => { while (process.stdout.write(line)); process.stdout.once("drain", go); }; go();');
    const error = await runFfprobe(node, flood, 60_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnusableMediaError);
    expect((error as Error).message).toBe("not a readable media file: ffprobe's report on it passed 16 MiB");
  });

  it('gives ffprobe’s last error line without the path it names', async () => {
    const failing = script('console.error("file:/var/tmp/hoist-abc/source: Invalid data found when processing input"); process.exit(1)');
    await expect(runFfprobe(node, failing, 60_000)).rejects.toMatchObject({
      name: 'UnusableMediaError',
      message: 'not a readable media file: Invalid data found when processing input',
    });
  });

  it('leaves a kill from elsewhere (the OOM killer, say) and a missing binary to be retried', async () => {
    const killed = await runFfprobe(node, script('process.kill(process.pid, "SIGKILL")'), 60_000).catch((e: unknown) => e);
    expect(killed).not.toBeInstanceOf(UnusableMediaError);
    const missing = await runFfprobe('/nonexistent/ffprobe', [], 60_000).catch((e: unknown) => e);
    expect(missing).not.toBeInstanceOf(UnusableMediaError);
  });

  it('allows a few seconds, plus one per 256 MiB of file', () => {
    expect(probeTimeoutMs(7_500)).toBe(11_000);
    expect(probeTimeoutMs(4 * 1024 ** 3)).toBe(26_000);
  });
});
