import type { PartTransport } from './part-transport.js';

/** Browser transport: XMLHttpRequest is what reports upload progress byte by byte. */
export function xhrTransport(): PartTransport {
  return {
    put({ url, headers, body, signal, onBytes }) {
      return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('PUT', url);
        for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
        xhr.upload.onprogress = (event) => onBytes(event.loaded);
        xhr.onload = () => resolve({ status: xhr.status, etag: xhr.getResponseHeader('etag'), text: xhr.responseText });
        xhr.onerror = () => reject(new TypeError('network error while sending the part'));
        xhr.ontimeout = () => reject(new TypeError('timed out sending the part'));
        const onAbort = () => xhr.abort();
        xhr.onabort = () => reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
        signal.addEventListener('abort', onAbort, { once: true });
        xhr.onloadend = () => signal.removeEventListener('abort', onAbort);
        xhr.send(body);
      });
    },
  };
}
