import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sourceInputArgs } from '../../worker-fleet/src/media/source-input-args.js';
import { perRungArgs, type BaselineRungTask } from './per-rung-args.js';

/**
 * The other way to keep one encoder process per rung without decoding the source once per
 * rung: one decoder scales the source to every rung and feeds each rung's encoder raw frames
 * through a named pipe. Measured beside the fleet so the choice stays backed by figures: it
 * saves the repeated decodes, less the copies through the pipes, but every rung then moves at
 * the pace of the slowest encoder, so the lowest rung is playable only when the ladder ends.
 */
export async function runSharedDecode(
  ffmpeg: string,
  tasks: readonly BaselineRungTask[],
  fifoDir: string,
  onRungDone: (index: number) => void = () => {},
): Promise<void> {
  const first = tasks[0]!;
  const fifos = tasks.map((task) => join(fifoDir, `${task.rung.label}p.yuv`));
  await promisify(execFile)('mkfifo', fifos);
  // A process that fails leaves the others blocked on their pipes: it ends them all.
  const stop = new AbortController();
  const encoders = tasks.map((task, i) => run(ffmpeg, pipedEncoderArgs(task, fifos[i]!), stop).then(() => onRungDone(i)));
  const graph = [
    `[0:v]fps=${first.frameRate},split=${tasks.length}${tasks.map((_, i) => `[v${i}]`).join('')}`,
    ...tasks.map((task, i) => `[v${i}]${videoFilter(task)}[out${i}]`),
  ].join(';');
  const decoder = run(ffmpeg, [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-threads', '1',
    ...sourceInputArgs(input(first)), '-filter_complex', graph,
    ...fifos.flatMap((fifo, i) => ['-map', `[out${i}]`, '-f', 'rawvideo', fifo]),
  ], stop);
  await Promise.all([decoder, ...encoders]);
}

const input = (task: BaselineRungTask) => ({ path: task.sourcePath, format: task.sourceFormat, maxPixels: task.maxSourcePixels });

function videoFilter(task: BaselineRungTask): string {
  const args = perRungArgs(task);
  return args[args.indexOf('-vf') + 1]!;
}

/** The fleet's own per-rung arguments, reading raw frames from `fifo` instead of decoding the source. */
function pipedEncoderArgs(task: BaselineRungTask, fifo: string): string[] {
  const args = perRungArgs(task);
  const encoderStart = args.indexOf('-c:v');
  const { width, height } = task.rung;
  return [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'error',
    '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${width}x${height}`, '-r', String(task.frameRate), '-i', fifo,
    ...(task.hasAudio ? [...sourceInputArgs(input(task)), '-map', '0:v', '-map', '1:a:0'] : ['-map', '0:v']),
    ...args.slice(encoderStart),
  ];
}

function run(binary: string, args: string[], stop: AbortController): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'], signal: stop.signal, killSignal: 'SIGKILL' });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${stderr.trim()}`))));
  }).catch((error: unknown) => {
    stop.abort();
    throw error;
  });
}
