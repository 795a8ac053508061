import { TRPCClientError } from '@trpc/client';
import { UploadError } from '@hoist/client';

export type FailureKind = 'session' | 'rejected' | 'connection' | 'cancelled' | 'other';

export interface Failure {
  kind: FailureKind;
  /** One sentence a person can act on. */
  message: string;
}

export const SESSION_EXPIRED_MESSAGE =
  'Your session has expired or this link is no longer valid. Get a new link and open it (locally, “npm start” prints one).';

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && chain.length < 6; current = (current as { cause?: unknown }).cause) {
    chain.push(current);
    if (!(current instanceof Error)) break;
  }
  return chain;
}

/**
 * Sorts a failure from the API or the uploader into what the page says about it: an expired
 * session (the API answered UNAUTHORIZED), a refused file, a lost connection, or the rest.
 */
export function describeFailure(error: unknown): Failure {
  const chain = causes(error);
  const api = chain.find((e): e is TRPCClientError<never> => e instanceof TRPCClientError);
  const code = api?.data && typeof api.data === 'object' ? (api.data as { code?: unknown }).code : undefined;
  if (code === 'UNAUTHORIZED') return { kind: 'session', message: SESSION_EXPIRED_MESSAGE };
  if (error instanceof UploadError && error.code === 'aborted') return { kind: 'cancelled', message: 'Upload cancelled.' };
  if (code === 'BAD_REQUEST' && error instanceof UploadError && error.code === 'rejected') {
    return { kind: 'rejected', message: `The server refused this file: ${api?.message ?? error.message}` };
  }
  if (api && code === undefined) {
    // tRPC reports no code when no answer came back at all: the request never got through.
    return { kind: 'connection', message: 'The connection to the server was lost.' };
  }
  // The uploader gives up on a part this way only after its retries of a failure worth retrying
  // (no answer, a 5xx, a stall, or signing its URL failed for want of the edge): the way through
  // is down. A part S3 refused outright says "was refused" instead, and is not retried.
  if (error instanceof UploadError && error.code === 'part-failed' && /failed after \d+ tries/.test(error.message)) {
    return {
      kind: 'connection',
      message: /signing its URL failed/.test(error.message) ? 'The connection to the server was lost.' : 'The connection to storage was lost.',
    };
  }
  const last = chain.at(-1);
  return { kind: 'other', message: last instanceof Error ? last.message : String(last) };
}
