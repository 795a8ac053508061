import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { describeZodError } from '@hoist/shared';
import type { EdgeConfig } from './config.js';
import type { S3Bucket } from './s3/s3-bucket.js';
import type { UrlPresigner } from './s3/url-presigner.js';
import { AuthError, ownerFromAuthorization } from './auth/bearer.js';
import { JwksUnavailableError } from './auth/jwks.js';

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

/** A procedure whose caller proved who they are; `ctx.owner` is the JWT subject. */
export const authedProcedure = t.procedure.use(async ({ ctx, next }) => {
  try {
    const owner = await ownerFromAuthorization(ctx.authorization, ctx.config, ctx.now());
    return await next({ ctx: { ...ctx, owner } });
  } catch (error) {
    if (error instanceof AuthError) throw new TRPCError({ code: 'UNAUTHORIZED', message: error.message });
    // The token may be fine: the identity provider's keys could not be had. A 503 lets clients
    // retry, where a 401 would send the user off for a new token that would fare no better.
    if (error instanceof JwksUnavailableError) {
      throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: `cannot verify the bearer token now: ${error.message}` });
    }
    throw error;
  }
});
