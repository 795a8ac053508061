import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '../dev/stack.js';
import { describeMachine } from './lib/machine.js';
import { markdownReport } from './lib/report.js';
import type { Benchmark, BenchmarkResult } from './lib/types.js';
import { signBenchmark } from './sign/sign.bench.js';
import { uploadBenchmark } from './upload/upload.bench.js';
import { ladderBenchmark } from './ladder/ladder.bench.js';
import { pipelineBenchmark } from './pipeline/pipeline.bench.js';
import { fleetBenchmark } from './fleet/fleet.bench.js';
import { splitBenchmark } from './split/split.bench.js';
import { playableBenchmark } from './playable/playable.bench.js';

const BENCHMARKS: Benchmark[] = [signBenchmark, uploadBenchmark, ladderBenchmark, pipelineBenchmark, fleetBenchmark, splitBenchmark, playableBenchmark];

/** `npm run bench [-- NAME ...]`: runs the benchmarks, prints the table, writes bench/results/. */
async function main(): Promise<void> {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknown.length > 0) {
    throw new Error(`unknown benchmark ${unknown.join(', ')}; there are: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  }
  const selected = names.length > 0 ? BENCHMARKS.filter((b) => names.includes(b.name)) : BENCHMARKS;
  const machine = await describeMachine();
  const results: BenchmarkResult[] = [];
  for (const benchmark of selected) {
    process.stdout.write(`\n== ${benchmark.name}: ${benchmark.description}\n`);
    results.push(await benchmark.run((line) => process.stdout.write(`   ${line}\n`)));
  }
  const command = `npm run bench${names.length > 0 ? ` -- ${names.join(' ')}` : ''}`;
  for (const result of results) Object.assign(result, { command, measuredAt: new Date().toISOString() });
  process.stdout.write(`\n${markdownReport(results, machine, command)}`);
  // The files keep every benchmark's latest result: running one replaces only its own.
  const dir = join(REPO_ROOT, 'bench/results');
  await mkdir(dir, { recursive: true });
  const previous = await readFile(join(dir, 'latest.json'), 'utf8')
    .then((text) => (JSON.parse(text) as { results: BenchmarkResult[] }).results)
    .catch(() => [] as BenchmarkResult[]);
  const merged = BENCHMARKS.map((b) => results.find((r) => r.name === b.name) ?? previous.find((r) => r.name === b.name)).filter(
    (r): r is BenchmarkResult => r !== undefined,
  );
  const commands = [...new Set(merged.map((r) => r.command ?? command))];
  const mergedCommand = commands.map((c) => `${c}`).join('` and `');
  await writeFile(join(dir, 'latest.json'), JSON.stringify({ measuredAt: new Date().toISOString(), command: mergedCommand, machine, results: merged }, null, 2));
  await writeFile(join(dir, 'latest.md'), markdownReport(merged, machine, mergedCommand));
  process.stdout.write(`\nwritten: bench/results/latest.json, bench/results/latest.md\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  if (error instanceof Error && error.cause) process.stderr.write(`  cause: ${String(error.cause)}\n`);
  process.exit(1);
});
