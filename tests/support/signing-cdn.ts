import http from 'node:http';
import { AwsClient } from 'aws4fetch';
import { RENDITIONS_PREFIX } from '@hoist/shared';
import { S3_EMULATOR_CREDENTIALS } from '../../dev/s3-emulator.js';

export interface CdnRequest {
  method: string;
  path: string;
  /** What the CDN answered. */
  status: number;
}

export interface SigningCdn {
  /** The CDN's base URL, for the edge's PUBLIC_BASE_URL. */
  url: string;
  /** Every request it was asked for, in order. */
  requests: CdnRequest[];
  /** Where it forwards to: the bucket's path-style URL, known once the stack runs. */
  setOrigin(bucketUrl: string): void;
  stop(): Promise<void>;
}

/** Response headers passed from the bucket to the viewer. */
const PASSED_HEADERS = ['content-type', 'content-length', 'etag', 'last-modified', 'cache-control'];

/**
 * A stand-in for CloudFront in front of the private bucket with origin access control: it
 * serves `GET`/`HEAD` under `renditions/` only, forwarding each to the bucket signed with SigV4
 * (the bucket itself answers nothing unsigned), and refuses anything else with 403, as a
 * distribution with no other behaviour would. Browsers may read what it serves from any origin.
 */
export async function startSigningCdn(options: { port: number }): Promise<SigningCdn> {
  const requests: CdnRequest[] = [];
  const signer = new AwsClient({ ...S3_EMULATOR_CREDENTIALS, service: 's3', region: 'us-east-1' });
  let origin: string | undefined;

  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://cdn').pathname;
    const record: CdnRequest = { method: request.method ?? '', path, status: 0 };
    requests.push(record);
    const answer = (status: number, headers: Record<string, string>, body?: Uint8Array | string) => {
      record.status = status;
      response.writeHead(status, { 'access-control-allow-origin': '*', ...headers });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if ((request.method !== 'GET' && request.method !== 'HEAD') || !path.startsWith(`/${RENDITIONS_PREFIX}`) || !origin) {
      answer(403, { 'content-type': 'text/plain' }, 'the CDN serves GET and HEAD under renditions/ only');
      return;
    }
    signer
      .fetch(`${origin}${path}`, { method: request.method })
      .then(async (upstream) => {
        const headers: Record<string, string> = {};
        for (const name of PASSED_HEADERS) {
          const value = upstream.headers.get(name);
          if (value !== null) headers[name] = value;
        }
        answer(upstream.status, headers, new Uint8Array(await upstream.arrayBuffer()));
      })
      .catch((error: unknown) => answer(502, { 'content-type': 'text/plain' }, `origin unreachable: ${String(error)}`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${options.port}`,
    requests,
    setOrigin: (bucketUrl) => {
      origin = bucketUrl.replace(/\/+$/, '');
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
