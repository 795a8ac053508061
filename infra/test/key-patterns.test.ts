import { describe, expect, it } from 'vitest';
import { PROCESSING_PREFIX, outputKeys, processingKeys, sourceKey } from '@hoist/shared';
import { KEY_PATTERNS } from '../src/key-patterns.js';

const VIDEO_ID = '01j8zk3m6q9v2x4b7n0c5d1e8f';
const ETAG = '"9b2cf535f27731c974343645a3985328-12"';

/** Whether `key` matches an IAM key pattern (`*` any run of characters, `?` any one). */
function matches(pattern: string, key: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(key);
}

const processingDocuments = [
  processingKeys.plan(VIDEO_ID, ETAG),
  processingKeys.unit(VIDEO_ID, ETAG, 'video-00003'),
  processingKeys.unit(VIDEO_ID, ETAG, 'audio'),
  processingKeys.finalize(VIDEO_ID, ETAG),
];

// The policies are only as right as these patterns are to shared/src/keys.ts's layout.
describe('KEY_PATTERNS', () => {
  it('derives the processing pattern from the shared prefix', () => {
    expect(KEY_PATTERNS.processing).toBe(`${PROCESSING_PREFIX}*`);
  });

  it('covers every processing document, and the units/ listing the fleet makes, with the processing pattern', () => {
    for (const key of [...processingDocuments, processingKeys.unitsPrefix(VIDEO_ID, ETAG)]) expect(matches(KEY_PATTERNS.processing, key)).toBe(true);
  });

  it('keeps processing documents out of every other pattern: they are never sources or public outputs', () => {
    for (const key of processingDocuments) {
      expect(matches(KEY_PATTERNS.sources, key)).toBe(false);
      expect(matches(KEY_PATTERNS.outputs, key)).toBe(false);
      expect(matches(KEY_PATTERNS.statusDocuments, key)).toBe(false);
    }
  });

  it('keeps sources and outputs out of the processing pattern', () => {
    const others = [sourceKey('owner-1', VIDEO_ID, 'clip.mp4'), outputKeys.status(VIDEO_ID), outputKeys.master(VIDEO_ID)];
    for (const key of others) expect(matches(KEY_PATTERNS.processing, key)).toBe(false);
  });

  it('matches each video status document with the status pattern', () => {
    expect(matches(KEY_PATTERNS.statusDocuments, outputKeys.status(VIDEO_ID))).toBe(true);
    expect(matches(KEY_PATTERNS.statusDocuments, outputKeys.manifest(VIDEO_ID))).toBe(false);
  });

  it('keeps the private video documents (owner id, file name) out of the public outputs a CDN may serve', () => {
    for (const key of [outputKeys.status(VIDEO_ID), outputKeys.manifest(VIDEO_ID)]) {
      expect(matches(KEY_PATTERNS.outputs, key)).toBe(false);
      expect(matches(KEY_PATTERNS.videoDocuments, key)).toBe(true);
    }
    for (const key of [outputKeys.master(VIDEO_ID), outputKeys.poster(VIDEO_ID), outputKeys.rendition(VIDEO_ID, 360, 'index.m3u8')]) {
      expect(matches(KEY_PATTERNS.outputs, key)).toBe(true);
      expect(matches(KEY_PATTERNS.videoDocuments, key)).toBe(false);
    }
  });
});
