import { describe, expect, it } from 'vitest';
import { checkFfmpegForStart, compareReleases, parseFfmpegVersion, parseReleaseSetting, type FoundBinary } from './ffmpeg-version.js';

describe('parseFfmpegVersion', () => {
  it.each([
    ['ffmpeg version 5.1.6-0+deb12u1 Copyright (c) 2000-2024 the FFmpeg developers', { major: 5, minor: 1, patch: 6 }],
    ['ffprobe version 5.1.6-0+deb12u1 Copyright (c) 2007-2024 the FFmpeg developers', { major: 5, minor: 1, patch: 6 }],
    ['ffmpeg version 7.1.1-1+b1 Copyright (c) 2000-2025 the FFmpeg developers', { major: 7, minor: 1, patch: 1 }],
    ['ffmpeg version 4.4.2-0ubuntu0.22.04.1 Copyright (c) 2000-2021 the FFmpeg developers', { major: 4, minor: 4, patch: 2 }],
    ['ffmpeg version 6.0-static https://johnvansickle.com/ffmpeg/  Copyright (c) 2000-2023', { major: 6, minor: 0, patch: 0 }],
    ['ffprobe version 4.0.2-static https://johnvansickle.com/ffmpeg/  Copyright (c) 2007-2018', { major: 4, minor: 0, patch: 2 }],
    ['ffmpeg version n7.1.1-6-g48c0f071d4-20250405 Copyright (c) 2000-2025 the FFmpeg developers', { major: 7, minor: 1, patch: 1 }],
    ['ffmpeg version 7.1 Copyright (c) 2000-2024 the FFmpeg developers', { major: 7, minor: 1, patch: 0 }],
    ['ffmpeg version 6.1.1', { major: 6, minor: 1, patch: 1 }],
    ['  ffmpeg version 5.1.2~bpo11+1 Copyright\r', { major: 5, minor: 1, patch: 2 }],
  ])('reads the release in %s', (line, release) => {
    expect(parseFfmpegVersion(line)).toEqual(release);
  });

  it.each([
    // The npm fallback's 2018 build, from the development branch.
    'ffmpeg version N-47683-g0e8eb07980-static https://johnvansickle.com/ffmpeg/  Copyright (c) 2000-2018',
    'ffmpeg version 2024-03-25-git-ecdc94b97f-essentials_build-www.gyan.dev Copyright (c) 2000-2024',
    'ffmpeg version git-2020-08-31-4a11a6f Copyright (c) 2000-2020',
    'ffmpeg version 5.1.git Copyright (c) 2000-2022',
    'ffmpeg version 5 Copyright',
    'avconv version 12.3',
    'unknown',
    '',
  ])('finds no release in %j', (line) => {
    expect(parseFfmpegVersion(line)).toBeNull();
  });
});

describe('releases', () => {
  it('compares by major, minor, then patch', () => {
    const v = (text: string) => parseReleaseSetting(text)!;
    expect(compareReleases(v('5.1.6'), v('5.1'))).toBeGreaterThan(0);
    expect(compareReleases(v('5.1'), v('5.1.0'))).toBe(0);
    expect(compareReleases(v('4.4.2'), v('5.1'))).toBeLessThan(0);
    expect(compareReleases(v('10.0'), v('9.9.9'))).toBeGreaterThan(0);
    expect(parseReleaseSetting('five')).toBeNull();
  });
});

describe('checkFfmpegForStart', () => {
  const minimum = { major: 5, minor: 1, patch: 0 };
  const debian = (tool: 'ffmpeg' | 'ffprobe'): FoundBinary => ({
    tool,
    path: `/usr/bin/${tool}`,
    versionLine: `${tool} version 5.1.6-0+deb12u1 Copyright (c) 2000-2024 the FFmpeg developers`,
    fallback: false,
  });
  const npmFallback: FoundBinary[] = [
    { tool: 'ffmpeg', path: '/opt/hoist/node_modules/@ffmpeg-installer/linux-x64/ffmpeg', versionLine: 'ffmpeg version N-47683-g0e8eb07980-static https://johnvansickle.com/ffmpeg/', fallback: true },
    { tool: 'ffprobe', path: '/opt/hoist/node_modules/ffprobe-static/bin/linux/x64/ffprobe', versionLine: 'ffprobe version 4.0.2-static https://johnvansickle.com/ffmpeg/', fallback: true },
  ];

  it("starts quietly in production on the distribution's maintained build", () => {
    expect(checkFfmpegForStart([debian('ffmpeg'), debian('ffprobe')], { production: true, minimum })).toEqual({ warnings: [] });
  });

  it('refuses to start in production on the npm fallback, saying how to set FFMPEG_PATH', () => {
    const check = checkFfmpegForStart(npmFallback, { production: true, minimum });
    expect(check.refusal).toBe(
      'refusing to start in production: ' +
        'ffmpeg at /opt/hoist/node_modules/@ffmpeg-installer/linux-x64/ffmpeg reports "ffmpeg version N-47683-g0e8eb07980-static https://johnvansickle.com/ffmpeg/", which is not a release number, so it counts as older than 5.1; ' +
        'ffprobe at /opt/hoist/node_modules/ffprobe-static/bin/linux/x64/ffprobe is 4.0.2, older than the minimum 5.1 (FFMPEG_MIN_VERSION). ' +
        "Install the distribution's maintained package (Debian: apt-get install ffmpeg) and set FFMPEG_PATH=/usr/bin/ffmpeg and FFPROBE_PATH=/usr/bin/ffprobe, or point them at another build of 5.1 or newer",
    );
    expect(check.warnings).toHaveLength(1);
  });

  it('refuses a release older than the minimum, and a build with no release number, even when installed by the machine', () => {
    const old = { ...debian('ffmpeg'), versionLine: 'ffmpeg version 4.4.2-0ubuntu0.22.04.1 Copyright' };
    expect(checkFfmpegForStart([old, debian('ffprobe')], { production: true, minimum }).refusal).toMatch(
      /^refusing to start in production: ffmpeg at \/usr\/bin\/ffmpeg is 4\.4\.2, older than the minimum 5\.1 \(FFMPEG_MIN_VERSION\)\. Install/,
    );
    const git = { ...debian('ffprobe'), versionLine: 'ffprobe version N-113000-gabcdef Copyright' };
    expect(checkFfmpegForStart([debian('ffmpeg'), git], { production: true, minimum }).refusal).toMatch(/ffprobe at \/usr\/bin\/ffprobe reports .* not a release number/);
    expect(checkFfmpegForStart([debian('ffmpeg'), debian('ffprobe')], { production: true, minimum: { major: 6, minor: 0, patch: 0 } }).refusal).toMatch(
      /ffmpeg at \/usr\/bin\/ffmpeg is 5\.1\.6, older than the minimum 6\.0 .*ffprobe at \/usr\/bin\/ffprobe is 5\.1\.6/,
    );
  });

  it('runs on the npm fallback outside production, warning at every start', () => {
    const check = checkFfmpegForStart(npmFallback, { production: false, minimum });
    expect(check.refusal).toBeUndefined();
    expect(check.warnings).toEqual([
      "ffmpeg and ffprobe are the unmaintained build shipped inside npm packages, kept only so the local stack runs with Node alone: never for untrusted uploads; install the distribution's maintained package (Debian: apt-get install ffmpeg) and set FFMPEG_PATH=/usr/bin/ffmpeg and FFPROBE_PATH=/usr/bin/ffprobe",
      expect.stringMatching(/^production would refuse these binaries: ffmpeg at .* not a release number.*; ffprobe at .* is 4\.0\.2/),
    ]);
    // One fallback among two is named alone.
    expect(checkFfmpegForStart([debian('ffmpeg'), npmFallback[1]!], { production: false, minimum }).warnings[0]).toMatch(/^ffprobe is the unmaintained build/);
  });
});
