/**
 * Hoist creates, completes, lists and aborts multipart uploads on the edge, which holds the S3
 * credentials, so there is no presigned S3 URL a browser could send those requests to. Uppy's
 * S3 client still sends one request per step and reads S3's XML answer, so the adapter does the
 * step through the API first and hands Uppy a `data:` URL that answers with the XML S3 would
 * have sent. Browsers answer a `data:` URL for any method, with status 200 and no network use.
 */

/** Escapes text for an XML element's content. */
function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function xmlDataUrl(root: string, children: string): string {
  const xml = `<?xml version="1.0" encoding="UTF-8"?><${root}>${children}</${root}>`;
  return `data:application/xml;charset=utf-8,${encodeURIComponent(xml)}`;
}

const element = (name: string, text: string | number) => `<${name}>${escapeXml(String(text))}</${name}>`;

/** What S3 answers to CreateMultipartUpload: the upload id Uppy then passes back to every step. */
export function initiateResultUrl(key: string, uploadId: string): string {
  return xmlDataUrl('InitiateMultipartUploadResult', element('Key', key) + element('UploadId', uploadId));
}

/** What S3 answers to ListParts: the parts it holds, by number and ETag. */
export function listPartsResultUrl(parts: ReadonlyArray<{ partNumber: number; etag: string }>): string {
  const items = parts.map((p) => `<Part>${element('PartNumber', p.partNumber)}${element('ETag', `"${p.etag.replace(/"/g, '')}"`)}</Part>`);
  return xmlDataUrl('ListPartsResult', items.join(''));
}

/** What S3 answers to CompleteMultipartUpload: where the object is, its key and ETag. */
export function completeResultUrl(location: string, key: string, etag: string): string {
  return xmlDataUrl('CompleteMultipartUploadResult', element('Location', location) + element('Key', key) + (etag ? element('ETag', etag) : ''));
}

/** What S3 answers to AbortMultipartUpload: nothing (204 there; an empty body is all Uppy reads). */
export const EMPTY_RESULT_URL = 'data:application/xml;charset=utf-8,';

/** The XML text a `data:` URL from this module carries (for tests and logs). */
export function dataUrlText(url: string): string {
  const comma = url.indexOf(',');
  return decodeURIComponent(url.slice(comma + 1));
}
