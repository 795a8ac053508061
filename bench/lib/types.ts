import type { Summary } from './stats.js';

/** One line of the results table: Hoist against its named baseline, measured in the same run. */
export interface ComparisonRow {
  metric: string;
  unit: string;
  /** Absent when the figure could not be measured; `hoistMissing` then says why. */
  hoist?: Summary;
  /** Shown in place of a missing Hoist figure, e.g. `not logged`. */
  hoistMissing?: string;
  baselineName: string;
  baseline?: Summary;
  /** How many times better Hoist is (baseline ÷ hoist for "lower is better", else the inverse). */
  ratio?: number;
  target: string;
  met: boolean;
}

export interface BenchmarkResult {
  name: string;
  /** The command that produced this result (set by the runner). */
  command?: string;
  measuredAt?: string;
  description: string;
  rows: ComparisonRow[];
  notes: string[];
}

export interface Benchmark {
  name: string;
  description: string;
  run(log: (line: string) => void): Promise<BenchmarkResult>;
}
