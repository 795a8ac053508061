import { describe, expect, it } from 'vitest';
import { describeAllowedTypes, policyProblem } from './file-policy.js';

const policy = { allowedContentTypes: ['video/*', 'application/mxf'], maxUploadBytes: 10 * 1024 * 1024 };

describe('policyProblem', () => {
  it('accepts what the edge accepts', () => {
    expect(policyProblem({ name: 'a.mp4', size: 1, type: 'video/mp4' }, policy)).toBeNull();
    expect(policyProblem({ name: 'a.MXF', size: 1, type: 'Application/MXF' }, policy)).toBeNull();
    expect(policyProblem({ name: 'a.mov', size: 10 * 1024 * 1024, type: 'video/quicktime' }, policy)).toBeNull();
    // Sent as application/octet-stream, so a deployment that takes that takes an untyped file.
    expect(policyProblem({ name: 'raw.xyz', size: 1, type: '' }, { ...policy, allowedContentTypes: ['video/*', 'application/octet-stream'] })).toBeNull();
  });

  it('names the file and the reason when it refuses', () => {
    expect(policyProblem({ name: 'cv.pdf', size: 1, type: 'application/pdf' }, policy)).toBe(
      '“cv.pdf” can’t be uploaded: it is application/pdf, and only video files, application/mxf are accepted.',
    );
    expect(policyProblem({ name: 'raw.xyz', size: 1, type: '' }, policy)).toContain('its type can’t be told from its name');
    expect(policyProblem({ name: 'empty.mp4', size: 0, type: 'video/mp4' }, policy)).toBe('“empty.mp4” is empty: choose a file with a video in it.');
    expect(policyProblem({ name: 'big.mp4', size: 10 * 1024 * 1024 + 1, type: 'video/mp4' }, policy)).toBe(
      '“big.mp4” is too large: 10,485,761 bytes, and the limit here is 10,485,760 bytes.',
    );
    expect(policyProblem({ name: 'bigger.mp4', size: 12 * 1024 * 1024, type: 'video/mp4' }, policy)).toBe(
      '“bigger.mp4” is too large: 12.0 MiB, and the limit here is 10.0 MiB.',
    );
  });

  it('describes wildcards in words', () => {
    expect(describeAllowedTypes(['video/*'])).toBe('video files');
  });
});
