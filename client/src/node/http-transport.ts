import http from 'node:http';
import https from 'node:https';
import type { PartTransport } from '../transport/part-transport.js';

/** Bytes handed to the socket per write; progress is reported at this grain. */
const CHUNK = 1024 * 1024;

/**
 * Node transport on node:http(s): keep-alive sockets, one per part in flight, and progress as
 * the kernel accepts each chunk. Lighter than fetch for multi-GiB uploads.
 */
export function nodeHttpTransport(options: { maxSockets: number }): PartTransport & { close(): void } {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: options.maxSockets }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: options.maxSockets }),
  };
  return {
    async put({ url, headers, body: partBody, signal, onBytes }) {
      // Node's sources give bytes; a Blob (from a caller's own source) is read first.
      const body = partBody instanceof Uint8Array ? partBody : new Uint8Array(await partBody.arrayBuffer());
      return new Promise((resolve, reject) => {
        const target = new URL(url);
        const client = target.protocol === 'https:' ? https : http;
        const request = client.request(target, {
          method: 'PUT',
          headers: { ...headers, 'content-length': String(body.length) },
          agent: agents[target.protocol as 'http:' | 'https:'],
          signal,
        });
        request.once('error', reject);
        request.once('response', (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.once('error', reject);
          response.once('end', () => {
            const etag = response.headers['etag'];
            resolve({ status: response.statusCode ?? 0, etag: typeof etag === 'string' ? etag : null, text: Buffer.concat(chunks).toString('utf8') });
          });
        });
        let sent = 0;
        let data: Uint8Array | undefined = body;
        const total = body.length;
        const writeNext = () => {
          while (data && sent < total) {
            const end = Math.min(total, sent + CHUNK);
            const chunk = data.subarray(sent, end);
            sent = end;
            const flushed = request.write(chunk, () => onBytes(end));
            if (!flushed) {
              request.once('drain', writeNext);
              return;
            }
          }
          // Every byte is with the socket: let the buffer go while S3 stores the part.
          data = undefined;
          request.end();
        };
        writeNext();
      });
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
