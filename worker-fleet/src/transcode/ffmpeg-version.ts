/** A release number of FFmpeg: `5.1.6`, `7.1` (patch 0). */
export interface FfmpegRelease {
  major: number;
  minor: number;
  patch: number;
}

/**
 * The release number in the first line of `ffmpeg -version` or `ffprobe -version`, or `null`
 * when it names none. Release builds say `ffmpeg version 5.1.6-0+deb12u1` (Debian),
 * `7.1.1-1+b1`, `6.0-static`, or `n7.1.1-…` (a release-branch build); builds of the development
 * branch say `N-47683-g0e8eb07980-static` or a date, which say nothing of the security fixes
 * they hold, so they parse as `null`.
 */
export function parseFfmpegVersion(firstLine: string): FfmpegRelease | null {
  const match = /^\s*ff(?:mpeg|probe) version n?(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?(?=[-+~_ ]|$)/.exec(firstLine);
  if (!match) return null;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0) };
}

/** A setting such as `5.1` or `5.1.6`; `null` when it is not one. */
export function parseReleaseSetting(text: string): FfmpegRelease | null {
  const match = /^(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?$/.exec(text.trim());
  return match ? { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0) } : null;
}

/** Negative when `a` is older than `b`, 0 when the same, positive when newer. */
export function compareReleases(a: FfmpegRelease, b: FfmpegRelease): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export function formatRelease(release: FfmpegRelease): string {
  return `${release.major}.${release.minor}${release.patch ? `.${release.patch}` : ''}`;
}

/** One binary as the fleet found it. */
export interface FoundBinary {
  tool: 'ffmpeg' | 'ffprobe';
  path: string;
  /** First line of its `-version` output. */
  versionLine: string;
  /** True when it is a build shipped inside an npm package, not one the machine installed. */
  fallback: boolean;
}

export interface FfmpegStartCheck {
  /** Why the fleet must not start, when it must not. */
  refusal?: string;
  /** Printed at every start, even when the fleet runs. */
  warnings: string[];
}

const HOW_TO_INSTALL =
  "install the distribution's maintained package (Debian: apt-get install ffmpeg) and set FFMPEG_PATH=/usr/bin/ffmpeg and FFPROBE_PATH=/usr/bin/ffprobe";

/**
 * Decides, at start, whether the fleet may run on the binaries it found. In production
 * (`NODE_ENV=production`) each must report a release number at least `minimum`; a build that
 * reports none is taken as too old, since nothing says which fixes it holds. Outside production
 * the same findings are warnings. A build shipped inside npm packages (the local fallback) is
 * warned about at every start.
 */
export function checkFfmpegForStart(binaries: readonly FoundBinary[], options: { production: boolean; minimum: FfmpegRelease }): FfmpegStartCheck {
  const minimum = formatRelease(options.minimum);
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const binary of binaries) {
    const release = parseFfmpegVersion(binary.versionLine);
    if (!release) {
      problems.push(`${binary.tool} at ${binary.path} reports "${binary.versionLine.trim()}", which is not a release number, so it counts as older than ${minimum}`);
    } else if (compareReleases(release, options.minimum) < 0) {
      problems.push(`${binary.tool} at ${binary.path} is ${formatRelease(release)}, older than the minimum ${minimum} (FFMPEG_MIN_VERSION)`);
    }
  }
  const fallbacks = binaries.filter((binary) => binary.fallback).map((binary) => binary.tool);
  if (fallbacks.length > 0) {
    warnings.push(
      `${fallbacks.join(' and ')} ${fallbacks.length > 1 ? 'are' : 'is'} the unmaintained build shipped inside npm packages, kept only so the local stack runs with Node alone: never for untrusted uploads; ${HOW_TO_INSTALL}`,
    );
  }
  if (problems.length === 0) return { warnings };
  if (options.production) {
    return { refusal: `refusing to start in production: ${problems.join('; ')}. ${capitalise(HOW_TO_INSTALL)}, or point them at another build of ${minimum} or newer`, warnings };
  }
  return { warnings: [...warnings, `production would refuse these binaries: ${problems.join('; ')}`] };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
