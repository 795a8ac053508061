import type { CfnTemplate } from './least-privilege.js';

/** One line per resource type with its count, for the synth's report. */
export function summarizeTemplate(template: CfnTemplate): string {
  const counts = new Map<string, number>();
  for (const resource of Object.values(template.Resources ?? {})) counts.set(resource.Type, (counts.get(resource.Type) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, count]) => `  ${String(count).padStart(3)} × ${type}\n`)
    .join('');
}
