import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { CliEnv } from '../client/src/cli/settings.js';
import { EdgeConfigSchema } from '../edge/src/config.js';
import { FleetEnv } from '../worker-fleet/src/fleet/config.js';
import { SettingsSchema as InfraSettings } from '../infra/src/settings.js';
import { LambdaEnv } from '../worker-fleet/src/lambda/index.js';
import { StackEnv } from './stack-config.js';
import { REPO_ROOT } from './stack.js';

// docs/settings.md, generated from the zod schemas that read each component's settings, so the
// reference cannot drift from the code: `npm run docs:settings` writes it, and a test fails
// when it is stale.

export const SETTINGS_DOC = join(REPO_ROOT, 'docs', 'settings.md');

interface Component {
  title: string;
  where: string;
  schema: z.ZodObject;
}

const COMPONENTS: Component[] = [
  { title: 'Edge (Cloudflare Worker)', where: 'vars in `wrangler.toml`, secrets with `wrangler secret put`', schema: EdgeConfigSchema },
  { title: 'Fleet (EC2)', where: 'the environment; on an instance, `/etc/hoist/fleet.env`, which the user-data writes', schema: FleetEnv },
  { title: 'AWS stack (`npm run synth`)', where: 'CDK context, `npm run synth -- -c key=value`', schema: InfraSettings },
  { title: 'S3-event Lambda', where: 'the function\'s environment, which the CDK stack sets', schema: LambdaEnv },
  { title: 'Local stack (`npm start`)', where: 'the environment of `npm start`; fleet settings such as `LADDER` pass through to its fleet', schema: StackEnv },
  { title: 'CLI (`hoist`, `npm run upload`)', where: 'the environment; `--endpoint` and `--token` win over it', schema: CliEnv },
];

/** The value a setting takes when it is not set, as the reference shows it. */
function shownDefault(field: z.ZodType): string {
  const meta = z.globalRegistry.get(field) as { shownDefault?: string } | undefined;
  if (meta?.shownDefault) return meta.shownDefault;
  const value = defaultOf(field);
  const text = Array.isArray(value) ? value.join(',') : value === undefined ? '' : String(value);
  if (text !== '') return `\`${text}\``;
  return field.safeParse(undefined).success ? 'unset' : '**required**';
}

/** The default of a field, through the pipes and transforms wrapped around it. */
function defaultOf(field: z.ZodType): unknown {
  const def = field._zod.def as { type: string; defaultValue?: unknown; in?: z.ZodType };
  if (def.type === 'default') return def.defaultValue;
  if (def.type === 'pipe' && def.in) return defaultOf(def.in);
  return undefined;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function settingsReference(): string {
  const lines = [
    '# Settings',
    '',
    'Every setting of every component, with its default. Generated from the zod schemas that read',
    'them (`npm run docs:settings`); a test fails when this page and the code disagree. A bad value',
    'stops the component at start with a message that names the setting.',
  ];
  for (const { title, where, schema } of COMPONENTS) {
    lines.push('', `## ${title}`, '', `Where: ${where}.`, '', '| setting | default | what it does |', '| --- | --- | --- |');
    for (const [name, field] of Object.entries(schema.shape) as [string, z.ZodType][]) {
      const description = field.description ?? (z.globalRegistry.get(field) as { description?: string } | undefined)?.description;
      if (!description) throw new Error(`${title}: ${name} has no description`);
      lines.push(`| \`${name}\` | ${escapeCell(shownDefault(field))} | ${escapeCell(description)} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const text = settingsReference();
  const current = await readFile(SETTINGS_DOC, 'utf8').catch(() => '');
  if (current === text) console.log('docs/settings.md is up to date');
  else {
    await writeFile(SETTINGS_DOC, text);
    console.log('wrote docs/settings.md');
  }
}
