import { AwsClient } from 'aws4fetch';
import { UrlPresigner } from '../../edge/src/s3/url-presigner.js';

const credentials = { accessKeyId: 'AKIDBENCHMARK', secretAccessKey: 'bench-secret-key', region: 'us-east-1' };
const bucketUrl = 'https://hoist-bench.s3.us-east-1.amazonaws.com';
const key = 'uploads/alice/0123456789abcdefghjkmnpqrs/holiday clip.mp4';
const presigner = new UrlPresigner({ ...credentials, bucketUrl });
const aws = new AwsClient({ ...credentials, service: 's3' });

function amzDate(): string {
  return new Date().toISOString().replace(/[:-]|\.\d{3}/g, '');
}

/** Signs one UploadPart URL with Hoist's presigner, the way `uploads.signParts` does. */
function signWithHoist(partNumber: number, datetime: string): Promise<string> {
  return presigner.presign({
    key,
    query: { partNumber: String(partNumber), uploadId: 'bench-upload', 'x-id': 'UploadPart' },
    headers: { 'content-length': '5242880' },
    expiresInSeconds: 900,
    datetime,
  });
}

/** The same URL with a plain aws4fetch call, for reference. */
async function signWithAws4fetch(partNumber: number): Promise<string> {
  const url = new URL(`${bucketUrl}/${key.split('/').map(encodeURIComponent).join('/')}`);
  url.searchParams.set('partNumber', String(partNumber));
  url.searchParams.set('uploadId', 'bench-upload');
  url.searchParams.set('X-Amz-Expires', '900');
  return (await aws.sign(url.toString(), { method: 'PUT', headers: { 'content-length': '5242880' }, aws: { signQuery: true, allHeaders: true } })).url;
}

export default {
  /** `GET /sign?impl=hoist|aws4fetch&n=N&batch=B`: signs N URLs in batches of B (Promise.all per batch). */
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/healthz') return Response.json({ ok: true });
    const impl = url.searchParams.get('impl') ?? 'hoist';
    const n = Number(url.searchParams.get('n') ?? '1000');
    const batch = Number(url.searchParams.get('batch') ?? '100');
    const datetime = amzDate();
    let last = '';
    for (let done = 0; done < n; done += batch) {
      const size = Math.min(batch, n - done);
      const urls = await Promise.all(
        Array.from({ length: size }, (_, i) => (impl === 'aws4fetch' ? signWithAws4fetch(done + i + 1) : signWithHoist(done + i + 1, datetime))),
      );
      last = urls[urls.length - 1] ?? last;
    }
    return Response.json({ signed: n, last });
  },
};
