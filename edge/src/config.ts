import { z } from 'zod';
import { MAX_OBJECT_SIZE, describeZodError } from '@hoist/shared';

/** Worker bindings as wrangler hands them over: vars and secrets, all strings. */
export type EdgeBindings = Record<string, unknown>;

const seconds = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a number of seconds` })
    .int(`${name} must be a whole number of seconds`)
    .positive(`${name} must be positive`)
    .default(fallback);

const secret = (name: string) =>
  z.string({ error: `${name} is not set (a Worker secret)` }).min(32, `${name} must be at least 32 characters`);

/** Defaults the infrastructure sizes itself by (the bucket's abort-incomplete-uploads rule). */
export const EDGE_DEFAULTS = {
  UPLOAD_TTL_SECONDS: 7 * 24 * 3600,
} as const;

/** The edge's settings: Worker vars and secrets (docs/settings.md is generated from this). */
export const EdgeConfigSchema = z.object({
  S3_BUCKET_URL: z.string({ error: 'S3_BUCKET_URL is not set' }).url('S3_BUCKET_URL must be a URL')
    .describe('Base URL of the bucket, path- or virtual-hosted style: `https://b.s3.us-east-1.amazonaws.com` or `http://127.0.0.1:4569/hoist`.'),
  AWS_REGION: z.string().min(1).default('us-east-1')
    .describe('AWS region of the bucket, for signing requests.'),
  S3_ACCESS_KEY_ID: z.string({ error: 'S3_ACCESS_KEY_ID is not set (a Worker secret)' }).min(1)
    .describe('Access key id of the edge\'s IAM user, a Worker secret: it signs every S3 request and URL the edge makes.'),
  S3_SECRET_ACCESS_KEY: z.string({ error: 'S3_SECRET_ACCESS_KEY is not set (a Worker secret)' }).min(1)
    .describe('Secret access key of the edge\'s IAM user, a Worker secret.'),
  JWT_SECRET: secret('JWT_SECRET').optional()
    .describe('HS256 secret that verifies callers\' bearer JWTs. Set this or JWKS_URL.'),
  JWKS_URL: z.string().url('JWKS_URL must be a URL').optional()
    .describe('JWKS endpoint of an identity provider; RS256 and ES256 tokens are verified against its keys. Needs JWT_ISSUER and JWT_AUDIENCE.'),
  JWT_ISSUER: z.string().min(1, 'JWT_ISSUER cannot be empty').optional()
    .describe('Required `iss` claim of every token; required setting with JWKS_URL.'),
  JWT_AUDIENCE: z.string().min(1, 'JWT_AUDIENCE cannot be empty').optional()
    .describe('Required `aud` claim of every token (one of its audiences); required setting with JWKS_URL.'),
  JWT_CLOCK_SKEW_SECONDS: z.coerce
    .number({ error: 'JWT_CLOCK_SKEW_SECONDS must be a number of seconds' })
    .int('JWT_CLOCK_SKEW_SECONDS must be a whole number of seconds')
    .nonnegative('JWT_CLOCK_SKEW_SECONDS cannot be negative (0 allows no skew)')
    .max(300, 'JWT_CLOCK_SKEW_SECONDS must be at most 300 (more keeps expired tokens alive)')
    .default(60).describe('Slack allowed on `exp`, `nbf` and `iat` for clocks that differ.'),
  JWT_MAX_LIFETIME_SECONDS: seconds('JWT_MAX_LIFETIME_SECONDS', 24 * 3600)
    .describe('Longest a bearer token may be valid for (`exp` - `iat`, or `exp` - now without `iat`).'),
  JWKS_FETCH_TIMEOUT_SECONDS: z.coerce
    .number({ error: 'JWKS_FETCH_TIMEOUT_SECONDS must be a number of seconds' })
    .int('JWKS_FETCH_TIMEOUT_SECONDS must be a whole number of seconds')
    .positive('JWKS_FETCH_TIMEOUT_SECONDS must be positive')
    .max(30, 'JWKS_FETCH_TIMEOUT_SECONDS must be at most 30 (a request that needs the keys waits that long)')
    .default(5).describe('How long a fetch of JWKS_URL may take before it counts as failed.'),
  CORS_ORIGINS: z
    .string()
    .default('*')
    .transform((list) => list.split(',').map((item) => item.trim()).filter(Boolean))
    .describe('Origins allowed to call the API from a browser, comma-separated; `*` for any.'),
  UPLOAD_TOKEN_SECRET: secret('UPLOAD_TOKEN_SECRET')
    .describe('HMAC secret that signs upload tokens; distinct from JWT_SECRET so neither can forge the other.'),
  PART_URL_EXPIRY_SECONDS: seconds('PART_URL_EXPIRY_SECONDS', 900)
    .describe('Lifetime of a presigned part URL.'),
  UPLOAD_TTL_SECONDS: seconds('UPLOAD_TTL_SECONDS', EDGE_DEFAULTS.UPLOAD_TTL_SECONDS)
    .describe('How long an upload may take from create to complete.'),
  MAX_UPLOAD_BYTES: z.coerce
    .number({ error: 'MAX_UPLOAD_BYTES must be a number of bytes' })
    .int()
    .positive()
    .max(MAX_OBJECT_SIZE, 'MAX_UPLOAD_BYTES cannot exceed 5 TiB')
    .default(MAX_OBJECT_SIZE).describe('Largest upload accepted, in bytes.'),
  ALLOWED_CONTENT_TYPES: z
    .string()
    .default('video/*')
    .transform((list) => list.split(',').map((item) => item.trim().toLowerCase()).filter(Boolean))
    .describe('Comma-separated content types accepted, `type/*` wildcards allowed.'),
  PUBLIC_BASE_URL: z.string().url('PUBLIC_BASE_URL must be a URL').optional()
    .describe('Public (CDN) base URL that serves the bucket\'s `renditions/` prefix; playback URLs are built on it.'),
  PLAYBACK_URL_EXPIRY_SECONDS: seconds('PLAYBACK_URL_EXPIRY_SECONDS', 6 * 3600)
    .describe('Lifetime of playback URLs when there is no PUBLIC_BASE_URL.'),
})
  .refine((config) => config.JWT_SECRET !== undefined || config.JWKS_URL !== undefined, {
    message: 'set JWT_SECRET (HS256) or JWKS_URL (RS256/ES256) so callers can be verified',
    path: ['JWT_SECRET'],
  })
  .superRefine((config, ctx) => {
    // An identity provider signs tokens for every application it serves with the same keys:
    // without the issuer and audience checked, a token meant for another service would do here.
    if (config.JWKS_URL === undefined) return;
    for (const [name, claim] of [['JWT_ISSUER', 'iss'], ['JWT_AUDIENCE', 'aud']] as const) {
      if (config[name] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `${name} is not set: it is required with JWKS_URL, so that only tokens whose ${claim} names this service are accepted`,
        });
      }
    }
  });

export type EdgeConfig = z.infer<typeof EdgeConfigSchema>;

export class EdgeConfigError extends Error {
  override name = 'EdgeConfigError';
}

const parsed = new WeakMap<object, EdgeConfig>();

/** Parses the Worker's bindings once per isolate; a bad value fails with a message naming the variable. */
export function readEdgeConfig(env: EdgeBindings): EdgeConfig {
  const cached = parsed.get(env);
  if (cached) return cached;
  const result = EdgeConfigSchema.safeParse(env);
  if (!result.success) {
    throw new EdgeConfigError(`edge configuration is invalid: ${describeZodError(result.error)}`);
  }
  parsed.set(env, result.data);
  return result.data;
}
