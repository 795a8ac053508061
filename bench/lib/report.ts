import type { MachineInfo } from './machine.js';
import type { Summary } from './stats.js';
import type { BenchmarkResult } from './types.js';

const num = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const cell = (s: Summary | undefined, unit: string) => (s ? `${num(s.median)} ${unit} (${num(s.min)}–${num(s.max)})` : '—');

/** The results as a markdown table: median (min–max) for each side, the ratio and the target. */
export function markdownReport(results: readonly BenchmarkResult[], machine: MachineInfo, command: string): string {
  const lines = [
    `Measured with \`${command}\` on ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}, ffmpeg ${machine.ffmpeg}.`,
    'Each cell is the median of the repetitions, with the lowest and highest in brackets.',
    '',
    '| benchmark | metric | Hoist | baseline | baseline value | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const result of results) {
    for (const row of result.rows) {
      lines.push(
        `| ${result.name} | ${row.metric} | ${row.hoist ? cell(row.hoist, row.unit) : (row.hoistMissing ?? '—')} | ${row.baselineName} | ${cell(row.baseline, row.unit)} | ${
          row.ratio === undefined ? '—' : `${row.ratio.toFixed(1)}×`
        } | ${row.target} | ${row.met ? 'yes' : '**no**'} |`,
      );
    }
  }
  const notes = results.flatMap((r) => r.notes.map((note) => `- ${r.name}: ${note}`));
  if (notes.length > 0) lines.push('', ...notes);
  return `${lines.join('\n')}\n`;
}
