import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceColour } from '@hoist/shared';
import { runBounded, type ProcessBounds } from '../process/bounded-process.js';
import { dynamicRange, toneMapInputs } from './colour.js';

/** Points per axis of the 3D LUT: the size grading tools ship HDR-to-SDR LUTs at. */
export const LUT_POINTS = 33;

/**
 * Builds a video's tone-mapping 3D LUT (`.cube`) at `path`, with ffmpeg itself: a frame holding
 * every point of a LUT_POINTS³ grid of HDR R'G'B' values (BT.2020, HLG or PQ encoded) goes once
 * through the exact float chain of renditionVideoFilter (zscale to linear light, BT.2020 to
 * BT.709, tonemap mobius, the BT.709 curve), and what comes out is the table. Each frame of the
 * video then costs one tetrahedral lookup per pixel instead of that chain (lut3d): less than
 * half the CPU on ffmpeg 5.1 (bench `ladder`, HDR row). The table is made once per process for
 * each transfer and primaries; each chunk writes its copy into its own folder.
 */
export async function makeToneMapLut(ffmpeg: string, colour: SourceColour, dir: string, bounds: ProcessBounds, signal?: AbortSignal): Promise<string> {
  const range = dynamicRange(colour);
  if (range === 'sdr') throw new Error('an SDR source needs no tone mapping');
  const { transfer, primaries } = toneMapInputs(range, colour);
  // The table depends only on the transfer and primaries (and the ffmpeg): made once per process.
  const key = `${ffmpeg}|${transfer}|${primaries}`;
  let table = tables.get(key);
  if (!table) {
    table = computeTable(ffmpeg, range, transfer, primaries, dir, bounds, signal);
    tables.set(key, table);
    table.catch(() => tables.delete(key));
  }
  const path = join(dir, 'tone-map.cube');
  await writeFile(path, await table);
  return path;
}

const tables = new Map<string, Promise<string>>();

async function computeTable(ffmpeg: string, range: 'hlg' | 'pq', transfer: string, primaries: string, dir: string, bounds: ProcessBounds, signal?: AbortSignal): Promise<string> {
  const n = LUT_POINTS;
  const grid = Buffer.alloc(n * n * n * 6);
  let offset = 0;
  // .cube order: red changes fastest, then green, then blue.
  for (let b = 0; b < n; b++) {
    for (let g = 0; g < n; g++) {
      for (let r = 0; r < n; r++) {
        for (const value of [r, g, b]) offset = grid.writeUInt16LE(Math.round((value * 65535) / (n - 1)), offset);
      }
    }
  }
  const input = join(dir, 'tone-map-grid.rgb48');
  const output = join(dir, 'tone-map-out.rgb48');
  await writeFile(input, grid);
  await runBounded(
    ffmpeg,
    [
      '-hide_banner', '-nostdin', '-y', '-loglevel', 'error',
      '-f', 'rawvideo', '-pix_fmt', 'rgb48le', '-s', `${n * n}x${n}`, '-protocol_whitelist', 'file', '-i', `file:${input}`,
      '-vf', `zscale=tin=${transfer}:pin=${primaries}:rin=full:t=linear:p=${primaries}:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=mobius:desat=0,zscale=t=bt709,format=rgb48le`,
      '-f', 'rawvideo', `file:${output}`,
    ],
    { bounds, ...(signal ? { signal } : {}) },
  );
  const table = await readFile(output);
  if (table.length !== grid.length) throw new Error(`tone-map LUT: ffmpeg wrote ${table.length} bytes, expected ${grid.length}`);
  const lines = [`TITLE "Hoist ${range.toUpperCase()} to BT.709 SDR"`, `LUT_3D_SIZE ${n}`];
  for (let i = 0; i < table.length; i += 6) {
    lines.push([0, 2, 4].map((c) => (table.readUInt16LE(i + c) / 65535).toFixed(6)).join(' '));
  }
  await Promise.all([rm(input, { force: true }), rm(output, { force: true })]);
  return `${lines.join('\n')}\n`;
}
