import { readXml } from './xml.js';

/** An error answered by S3, reduced to its code and message: never the request, URL or signature. */
export class S3RequestError extends Error {
  override name = 'S3RequestError';
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly code: string,
    readonly s3Message: string,
  ) {
    super(`S3 ${operation} failed: ${code} (${status}): ${s3Message}`);
  }
}

/** Reads `<Error><Code>` and `<Message>` from an S3 error response. */
export async function s3ErrorFrom(operation: string, response: Response): Promise<S3RequestError> {
  const body = await response.text().catch(() => '');
  const error = body ? (readXml(body)['Error'] as Record<string, unknown> | undefined) : undefined;
  const code = typeof error?.['Code'] === 'string' ? error['Code'] : `HTTP${response.status}`;
  const message = typeof error?.['Message'] === 'string' ? error['Message'] : response.statusText || 'no message';
  return new S3RequestError(operation, response.status, code, message);
}
