import type { Rung, SourceColour } from '@hoist/shared';

/** How a source's picture is to be read: standard range, or HDR by its transfer. */
export type DynamicRange = 'sdr' | 'hlg' | 'pq';

/** The transfer tells HDR apart: HLG (phones, broadcast) and PQ (graded masters, HDR10). */
export function dynamicRange(colour: SourceColour | undefined): DynamicRange {
  if (colour?.transfer === 'arib-std-b67') return 'hlg';
  if (colour?.transfer === 'smpte2084') return 'pq';
  return 'sdr';
}

/** Every rendition is BT.709 SDR and says so, in the container and in the H.264 VUI. */
export const BT709_OUTPUT_TAGS: readonly string[] = ['-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709'];

/**
 * HDR tone mapping, in the rung's own size (scaled first, so a 360p rung maps 360p frames):
 * to linear light, BT.2020 to BT.709 primaries, `tonemap` down to SDR, back to the BT.709 curve
 * and matrix. Reference white is 100 nits (npl). Mobius keeps everything below its knee
 * unchanged and bends only highlights, so ordinary colours keep their saturation: on a test
 * clip hable gave 55% of the SDR master's SATAVG, mobius 76% (untone-mapped, HLG 35%, PQ 20%).
 * desat=0: desaturating highlights changed nothing at SDR levels and greys out bright colour.
 */
function toneMapFilters(range: 'hlg' | 'pq', colour: SourceColour): string[] {
  const { transfer, primaries, matrix } = toneMapInputs(range, colour);
  return [
    `zscale=tin=${transfer}:pin=${primaries}:min=${matrix}:t=linear:npl=100`,
    'format=gbrpf32le',
    'zscale=p=bt709',
    'tonemap=mobius:desat=0',
    'zscale=t=bt709:m=bt709:r=tv',
  ];
}

/** How an HDR source's picture is read, in zscale's names. HDR is BT.2020 in practice; a source tagged otherwise is read as tagged. */
export function toneMapInputs(range: 'hlg' | 'pq', colour: SourceColour): { transfer: string; primaries: string; matrix: string } {
  return {
    transfer: range === 'hlg' ? 'arib-std-b67' : 'smpte2084',
    primaries: (colour.primaries && ZIMG_PRIMARIES.get(colour.primaries)) ?? '2020',
    matrix: (colour.matrix && ZIMG_MATRIX.get(colour.matrix)) ?? '2020_ncl',
  };
}

/** ffprobe's names for primaries and matrices that zscale also reads, in zscale's spelling. */
const ZIMG_PRIMARIES = new Map([['bt2020', '2020'], ['bt709', '709'], ['smpte170m', '170m'], ['bt470bg', '470bg']]);
const ZIMG_MATRIX = new Map([['bt2020nc', '2020_ncl'], ['bt2020c', '2020_cl'], ['bt709', '709'], ['smpte170m', '170m'], ['bt470bg', '470bg']]);

/** swscale's names for the matrices a source may be tagged with. */
const SWS_MATRIX = new Map([['bt709', 'bt709'], ['smpte170m', 'smpte170m'], ['bt470bg', 'bt470'], ['fcc', 'fcc'], ['smpte240m', 'smpte240m'], ['bt2020nc', 'bt2020']]);

/** The colour properties of a probed video stream, as ffprobe reports them. */
export interface ProbedColour {
  color_transfer?: string | undefined;
  color_primaries?: string | undefined;
  color_space?: string | undefined;
  height?: number | undefined;
}

const known = (name: string | undefined) => (name && name !== 'unknown' && name !== 'reserved' && /^[a-z0-9_-]{1,32}$/.test(name) ? name : undefined);

/**
 * The source's colour from its stream's tags. An untagged matrix is taken as players guess it,
 * BT.601 below 720 lines and BT.709 from 720 up, so the ladder converts what they would show.
 */
export function sourceColour(stream: ProbedColour): SourceColour {
  const transfer = known(stream.color_transfer);
  const primaries = known(stream.color_primaries);
  const matrix = known(stream.color_space) ?? ((stream.height ?? 0) >= 720 ? 'bt709' : 'smpte170m');
  return { ...(transfer ? { transfer } : {}), ...(primaries ? { primaries } : {}), matrix };
}

/**
 * The rung's `-vf`: scale to the rung, then 8-bit 4:2:0 BT.709. SDR keeps one swscale pass,
 * its matrix converted to BT.709 where it was another (absent: taken as BT.709, unchanged);
 * HLG and PQ are tone-mapped after the scale.
 */
export function renditionVideoFilter(rung: Pick<Rung, 'width' | 'height'>, colour: SourceColour | undefined): string {
  const range = dynamicRange(colour);
  const scale = `scale=${rung.width}:${rung.height}:flags=bicubic`;
  if (range === 'sdr') {
    const matrix = (colour?.matrix && SWS_MATRIX.get(colour.matrix)) ?? 'bt709';
    return `${scale}:in_color_matrix=${matrix}:out_color_matrix=bt709,setsar=1,format=yuv420p`;
  }
  return [`${scale},setsar=1`, ...toneMapFilters(range, colour ?? {}), 'format=yuv420p'].join(',');
}

/**
 * The filter graph of a chunk: decode once, make the frame rate constant, then one output per
 * rung (`[r0]`…, in the order of `rungs`). SDR: each rung is scaled from the source in one
 * swscale pass that also converts its matrix. HLG and PQ: the source is scaled to the top rung
 * and tone-mapped there once, by a lookup in the video's LUT of the exact float chain
 * (tone-map-lut.ts), and the lower rungs are scaled from that SDR picture.
 */
export function ladderFilterGraph(
  rungs: readonly Pick<Rung, 'width' | 'height'>[],
  colour: SourceColour | undefined,
  frameRate: number,
  /** The video's tone-mapping LUT (tone-map-lut.ts), for HLG and PQ sources. */
  toneMapLut?: string,
  /**
   * The frame size the tone mapping runs at: the top rung of the whole ladder, also when
   * `rungs` is only part of it (the first chunk's lowest rung, encoded ahead of the others), so
   * every rung's pixels come out of the same chain in every chunk. Default: the top of `rungs`.
   */
  toneMapSize?: Pick<Rung, 'width' | 'height'>,
): { filter: string; outputs: string[] } {
  const outputs = rungs.map((_, i) => `[r${i}]`);
  const split = (count: number) => `split=${count}${rungs.map((_, i) => `[s${i}]`).join('')}`;
  const fps = `fps=${formatRate(frameRate)}`;
  const range = dynamicRange(colour);
  if (range === 'sdr') {
    return {
      filter: [`[0:v:0]${fps},${split(rungs.length)}`, ...rungs.map((rung, i) => `[s${i}]${renditionVideoFilter(rung, colour)}${outputs[i]}`)].join(';'),
      outputs,
    };
  }
  const top = toneMapSize ?? rungs.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
  if (!toneMapLut) throw new Error('an HDR source is encoded with its tone-mapping LUT');
  if (!/^[\w/.-]+$/.test(toneMapLut)) throw new Error('the tone-mapping LUT path holds characters a filter graph would read as syntax');
  // To R'G'B' (still HDR-encoded) at the top rung's size, one lookup per pixel, back to 4:2:0
  // BT.709. 16-bit planar into lut3d (float is no faster, and the 2018 npm build cannot make
  // it); bilinear chroma resampling around the lookup, no visible difference from bicubic there
  // and a fifth less of the conversions' time; no dither on the way back to 8 bits, as zscale's
  // chain had none.
  const matrix = (colour?.matrix && SWS_MATRIX.get(colour.matrix)) ?? 'bt2020';
  const toSdr = [
    `scale=${top.width}:${top.height}:flags=bilinear:in_color_matrix=${matrix}:in_range=tv,setsar=1,format=gbrp16le`,
    `lut3d=file=${toneMapLut}:interp=tetrahedral`,
    'scale=flags=bilinear:sws_dither=none:out_color_matrix=bt709:out_range=tv,format=yuv420p',
  ].join(',');
  return {
    filter: [
      `[0:v:0]${fps},${toSdr},${split(rungs.length)}`,
      ...rungs.map((rung, i) => `[s${i}]scale=${rung.width}:${rung.height}:flags=bicubic,setsar=1,format=yuv420p${outputs[i]}`),
    ].join(';'),
    outputs,
  };
}

/** A frame rate as the fps filter takes it: NTSC rates as their exact fractions. */
function formatRate(rate: number): string {
  for (const base of [24, 30, 60, 120]) if (Math.abs(rate - (base * 1000) / 1001) < 0.001) return `${base * 1000}/1001`;
  return String(Math.round(rate * 1000) / 1000);
}
