import { s3Error, type KoaContext } from './s3rver-internals.js';

/** The bucket's CORS rules: only these origins, with the ETag readable by the page. */
export function corsConfigXml(origins: readonly string[]): string {
  return `<CORSConfiguration>
  <CORSRule>
${origins.map((origin) => `    <AllowedOrigin>${origin}</AllowedOrigin>`).join('\n')}
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedMethod>DELETE</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;
}

const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';

/**
 * Answers a CORS preflight as S3 does: 403 unless a rule allows the origin, the method and every
 * requested header; when one does, the origin is echoed (the emulator's own answer is always `*`).
 */
export async function answerPreflight(ctx: KoaContext, bucket: string | undefined): Promise<void> {
  const origin = ctx.get('origin');
  const method = ctx.get('access-control-request-method');
  if (!origin) throw s3Error('BadRequest', 'Insufficient information. Origin request header needed.', {}, 400);
  if (!method) throw s3Error('BadRequest', 'Invalid Access-Control-Request-Method: null', {}, 400);
  const config = bucket ? await ctx.store.getSubresource(bucket, undefined, 'cors') : undefined;
  if (!config) throw s3Error('CORSResponse', 'CORS is not enabled for this bucket.', {}, 403);
  const rule = config.matchRule(origin, method);
  const requested = ctx
    .get('access-control-request-headers')
    .split(',')
    .map((header) => header.trim().toLowerCase())
    .filter(Boolean);
  if (!rule || !requested.every((header) => rule.allowedHeaders.some((pattern) => pattern.test(header)))) {
    throw s3Error('CORSResponse', 'This CORS request is not allowed. The origin, method or headers are not allowed by the bucket’s CORS rules.', {}, 403);
  }
  ctx.set('Access-Control-Allow-Origin', rule.hasWildcardOrigin ? '*' : origin);
  ctx.set('Access-Control-Allow-Methods', rule.allowedMethods.join(', '));
  if (requested.length) ctx.set('Access-Control-Allow-Headers', requested.join(', '));
  if (rule.exposeHeaders.length) ctx.set('Access-Control-Expose-Headers', rule.exposeHeaders.join(', '));
  if (rule.maxAgeSeconds != null) ctx.set('Access-Control-Max-Age', String(rule.maxAgeSeconds));
  ctx.set('Vary', VARY);
  ctx.status = 200;
  ctx.body = '';
}

/**
 * CORS headers for an actual request from an allowed origin, set before anything can fail, so a
 * page can read S3's error (AccessDenied, BadDigest, PreconditionFailed) and not only a CORS failure.
 */
export async function addCorsHeaders(ctx: KoaContext, bucket: string | undefined): Promise<void> {
  const origin = ctx.get('origin');
  if (!origin || !bucket) return;
  const rule = (await ctx.store.getSubresource(bucket, undefined, 'cors'))?.matchRule(origin, ctx.method);
  if (!rule) return;
  ctx.set('Access-Control-Allow-Origin', rule.hasWildcardOrigin ? '*' : origin);
  if (rule.exposeHeaders.length) ctx.set('Access-Control-Expose-Headers', rule.exposeHeaders.join(', '));
  ctx.set('Vary', VARY);
}
