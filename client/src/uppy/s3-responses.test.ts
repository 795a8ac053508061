import { describe, expect, it } from 'vitest';
// Uppy's own XML reader, by path: the package exports only its plugin.
import { parseXml, sanitizeXmlETag } from '../../../node_modules/@uppy/aws-s3/lib/s3-client/utils.js';
import { EMPTY_RESULT_URL, completeResultUrl, dataUrlText, initiateResultUrl, listPartsResultUrl } from './s3-responses.js';

type Xml = Record<string, Record<string, unknown>>;
const read = (url: string) => parseXml(dataUrlText(url)) as Xml;

describe('S3 answers as data: URLs, read back with @uppy/aws-s3 6.3 own parser', () => {
  it('hands Uppy the upload token as the upload id, whatever characters it has', () => {
    const token = 'eyJ2IjoxfQ.c2ln-_<&>"\'';
    const url = initiateResultUrl('5bd2z1zzg7mqnrrxp1hx5dfr3b', token);
    expect(url.startsWith('data:application/xml')).toBe(true);
    expect(read(url)['InitiateMultipartUploadResult']?.['UploadId']).toBe(token);
  });

  it('lists parts with their ETags as S3 quotes them', () => {
    const url = listPartsResultUrl([
      { partNumber: 1, etag: '0123456789abcdef0123456789abcdef' },
      { partNumber: 2, etag: '"fedcba9876543210fedcba9876543210"' },
    ]);
    const parts = read(url)['ListPartsResult']?.['Part'] as Array<Record<string, string>>;
    expect(parts.map((p) => [Number(p['PartNumber']), sanitizeXmlETag(String(p['ETag'])).replace(/"/g, '')])).toEqual([
      [1, '0123456789abcdef0123456789abcdef'],
      [2, 'fedcba9876543210fedcba9876543210'],
    ]);
  });

  it('lists no parts as an empty result Uppy reads as none', () => {
    // An empty root: Uppy then finds no `Part` and resumes from part 1.
    expect(read(listPartsResultUrl([]))).toEqual({ ListPartsResult: '' });
  });

  it('answers complete with a location and key, an & in the location kept', () => {
    const location = 'http://127.0.0.1:8787/trpc/videos.status?input=%7B%7D&x=1';
    const result = read(completeResultUrl(location, 'video1', '"abc-2"'))['CompleteMultipartUploadResult'];
    expect(result).toMatchObject({ Location: location, Key: 'video1' });
  });

  it('answers abort with nothing', () => {
    expect(dataUrlText(EMPTY_RESULT_URL)).toBe('');
    expect(parseXml('')).toBe('');
  });
});
