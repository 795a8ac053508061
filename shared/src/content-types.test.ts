import { describe, expect, it } from 'vitest';
import { contentTypeAllowed } from './content-types.js';

describe('contentTypeAllowed', () => {
  it('matches exact types and whole families, whatever the case', () => {
    expect(contentTypeAllowed('video/mp4', ['video/*'])).toBe(true);
    expect(contentTypeAllowed('Video/QuickTime', ['video/*'])).toBe(true);
    expect(contentTypeAllowed('video/mp4', ['VIDEO/MP4'])).toBe(true);
    expect(contentTypeAllowed('application/mp4', ['video/mp4', 'video/webm'])).toBe(false);
    expect(contentTypeAllowed('videox/mp4', ['video/*'])).toBe(false);
    expect(contentTypeAllowed('video/mp4', [])).toBe(false);
  });
});
