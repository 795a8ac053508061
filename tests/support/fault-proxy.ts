import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Transform } from 'node:stream';

/** What the proxy does with one part PUT. */
export type FaultAction = 'pass' | 'fail' | 'reset' | 'stall' | 'strip-etag' | 'corrupt' | { delayMs: number } | { until: Promise<void> };

export interface PartPut {
  partNumber: number;
  uploadId: string;
  action: FaultAction;
  /** The status the client got (0 for a reset or a stall). */
  status: number;
  /** The kind of part checksum the PUT carried (`crc32c` for `x-amz-checksum-crc32c`), if any. */
  checksum: string | undefined;
}

export interface FaultProxy {
  endpoint: string;
  /** Every part PUT seen, in order. */
  puts: PartPut[];
  /** Changes the rule for later requests. */
  setRule(rule: (put: { partNumber: number; attempt: number }) => FaultAction): void;
  stop(): Promise<void>;
}

/**
 * A reverse proxy on loopback in front of the S3 emulator that misbehaves on part PUTs as
 * told: a 500, a reset connection, a stall that never answers, a response without its ETag,
 * a delay (or a hold until the test lets it go), or one byte of the body flipped on the way (S3 itself must then refuse the part). Everything else passes through untouched, Host header included, so SigV4
 * signatures made for the proxy's address still verify at the emulator.
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const puts: PartPut[] = [];
  const attempts = new Map<string, number>();
  let rule: (put: { partNumber: number; attempt: number }) => FaultAction = () => 'pass';
  const stalled = new Set<http.ServerResponse>();

  const forward = (request: http.IncomingMessage, response: http.ServerResponse, record?: PartPut, stripEtag = false, corrupt = false) => {
    const proxied = http.request(
      { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: request.headers },
      (upstreamResponse) => {
        const headers = { ...upstreamResponse.headers };
        if (stripEtag) delete headers['etag'];
        if (record) record.status = upstreamResponse.statusCode ?? 0;
        response.writeHead(upstreamResponse.statusCode ?? 502, headers);
        upstreamResponse.pipe(response);
      },
    );
    proxied.on('error', () => response.destroy());
    // A client that goes away mid-request (a reload, a pause) drops its connection to S3 too,
    // as it would without the proxy; S3 must not be left waiting for the rest of the body.
    response.once('close', () => {
      if (!response.writableFinished) proxied.destroy();
    });
    if (!corrupt) return void request.pipe(proxied);
    let seen = 0;
    const flipOneByte = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        const at = 1000 - seen;
        seen += chunk.length;
        if (at >= 0 && at < chunk.length) chunk[at] = chunk[at]! ^ 0x01;
        callback(null, chunk);
      },
    });
    request.pipe(flipOneByte).pipe(proxied);
  };

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://proxy');
    const partNumber = Number(url.searchParams.get('partNumber'));
    if (request.method !== 'PUT' || !partNumber) return forward(request, response);
    const uploadId = url.searchParams.get('uploadId') ?? '';
    const key = `${uploadId}:${partNumber}`;
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    const action = rule({ partNumber, attempt });
    const checksumHeader = Object.keys(request.headers).find((name) => name.startsWith('x-amz-checksum-'));
    const record: PartPut = { partNumber, uploadId, action, status: 0, checksum: checksumHeader?.slice('x-amz-checksum-'.length) };
    puts.push(record);
    if (action === 'pass' || action === 'strip-etag' || action === 'corrupt') return forward(request, response, record, action === 'strip-etag', action === 'corrupt');
    if (typeof action === 'object') {
      // A client that gives up during the delay has dropped the request: it never arrives.
      let gone = false;
      response.once('close', () => (gone = true));
      const go = () => (gone ? request.destroy() : forward(request, response, record));
      if ('delayMs' in action) setTimeout(go, action.delayMs);
      else void action.until.then(go);
      return;
    }
    // Faults: take the body first so the client is not left writing into a closed socket.
    request.resume();
    request.on('end', () => {
      if (action === 'fail') {
        record.status = 500;
        response.writeHead(500, { 'content-type': 'application/xml' });
        response.end('<?xml version="1.0"?><Error><Code>InternalError</Code><Message>injected</Message></Error>');
      } else if (action === 'reset') {
        request.socket.destroy();
      } else {
        stalled.add(response);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    puts,
    setRule: (next) => {
      rule = next;
    },
    stop: async () => {
      for (const response of stalled) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
