import { UploadPolicyOutput } from '@hoist/shared';
import { authedProcedure } from '../trpc.js';

/** The deployment's upload policy, so a client can refuse a file before starting it (create still checks). */
export const uploadPolicy = authedProcedure.output(UploadPolicyOutput).query(({ ctx }) => ({
  allowedContentTypes: ctx.config.ALLOWED_CONTENT_TYPES,
  maxUploadBytes: ctx.config.MAX_UPLOAD_BYTES,
}));
