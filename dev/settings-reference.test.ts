import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SETTINGS_DOC, settingsReference } from './settings-reference.js';

describe('docs/settings.md', () => {
  it('is what the settings schemas say (run `npm run docs:settings` after changing one)', async () => {
    expect(await readFile(SETTINGS_DOC, 'utf8')).toBe(settingsReference());
  });

  it('gives every setting one name: a name in two components means the same there', () => {
    const rows = settingsReference().split('\n').filter((line) => line.startsWith('| `'));
    expect(rows.length).toBeGreaterThan(50);
    expect(settingsReference()).not.toContain('S3_REGION');
  });
});
