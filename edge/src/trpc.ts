import { initTRPC } from '@trpc/server';
import { ZodError } from 'zod';
import { describeZodError } from '@hoist/shared';
import type { EdgeConfig } from './config.js';
import type { S3Bucket } from './s3/s3-bucket.js';
import type { UrlPresigner } from './s3/url-presigner.js';
import { ownerFromAuthorization } from './auth/bearer.js';
import { toTrpcError } from './errors.js';

/** Everything a procedure may use; built per request in `index.ts`, or by tests with `createCaller`. */
export type EdgeContext = {
  config: EdgeConfig;
  bucket: S3Bucket;
  /** Signs part and single-PUT URLs: the hot path. */
  presigner: UrlPresigner;
  /** The edge's own origin as the caller reached it, for links back to it. */
  origin: string;
  /** The request's Authorization header. */
  authorization: string | undefined;
  /** The clock, injectable so expiry can be tested. */
  now: () => Date;
};

const t = initTRPC.context<EdgeContext>().create({
  errorFormatter({ shape, error }) {
    const message = error.cause instanceof ZodError ? describeZodError(error.cause) : shape.message;
    // Stack traces stay on the server.
    const { stack: _stack, ...data } = shape.data;
    return { ...shape, message, data };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Every procedure's errors go through `toTrpcError` (errors.ts), so procedures throw what went
 * wrong in their own terms. tRPC hands a middleware an unknown error wrapped as an internal one,
 * with the original as its cause.
 */
const mappedErrors = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const thrown = result.error.code === 'INTERNAL_SERVER_ERROR' && result.error.cause ? result.error.cause : result.error;
  const mapped = toTrpcError(thrown);
  if (mapped && mapped !== result.error) throw mapped;
  return result;
});

/** A procedure whose caller proved who they are; `ctx.owner` is the JWT subject. */
export const authedProcedure = mappedErrors.use(async ({ ctx, next }) => {
  const owner = await ownerFromAuthorization(ctx.authorization, ctx.config, ctx.now());
  return next({ ctx: { ...ctx, owner } });
});
