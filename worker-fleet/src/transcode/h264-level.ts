/** H.264 levels by their macroblock limits (ITU-T H.264 Table A-1): frame size and rate. */
const LEVELS = [
  { level: '3.0', idc: 30, maxFrameMbs: 1620, maxMbsPerSecond: 40_500 },
  { level: '3.1', idc: 31, maxFrameMbs: 3600, maxMbsPerSecond: 108_000 },
  { level: '3.2', idc: 32, maxFrameMbs: 5120, maxMbsPerSecond: 216_000 },
  { level: '4.0', idc: 40, maxFrameMbs: 8192, maxMbsPerSecond: 245_760 },
  { level: '4.2', idc: 42, maxFrameMbs: 8704, maxMbsPerSecond: 522_240 },
  { level: '5.1', idc: 51, maxFrameMbs: 36_864, maxMbsPerSecond: 983_040 },
  { level: '5.2', idc: 52, maxFrameMbs: 36_864, maxMbsPerSecond: 2_073_600 },
] as const;

/** The lowest H.264 level that fits `width`×`height` at `frameRate`. */
export function h264Level(width: number, height: number, frameRate: number): { level: string; idc: number } {
  const frameMbs = Math.ceil(width / 16) * Math.ceil(height / 16);
  const found = LEVELS.find((l) => frameMbs <= l.maxFrameMbs && frameMbs * frameRate <= l.maxMbsPerSecond);
  const chosen = found ?? LEVELS[LEVELS.length - 1]!;
  return { level: chosen.level, idc: chosen.idc };
}

/** RFC 6381 codecs string for H.264 High at that level, with AAC-LC when there is audio. */
export function hlsCodecs(levelIdc: number, hasAudio: boolean): string {
  const video = `avc1.6400${levelIdc.toString(16).padStart(2, '0')}`;
  return hasAudio ? `${video},mp4a.40.2` : video;
}
