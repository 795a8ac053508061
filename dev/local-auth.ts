import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { sign } from 'hono/jwt';

export interface LocalSecrets {
  jwtSecret: string;
  uploadTokenSecret: string;
}

/** Secrets for the local edge, made once and kept in the data folder so tokens survive restarts. */
export async function loadOrCreateLocalSecrets(path: string): Promise<LocalSecrets> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LocalSecrets;
  } catch {
    const secrets = { jwtSecret: randomBytes(32).toString('hex'), uploadTokenSecret: randomBytes(32).toString('hex') };
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    return secrets;
  }
}

/** How long the local stack's token lasts; the local edge accepts tokens that long (JWT_MAX_LIFETIME_SECONDS). */
export const LOCAL_TOKEN_DAYS = 30;

/** An HS256 bearer token for `owner`, valid for `days`. */
export function mintLocalToken(secret: string, owner: string, days = LOCAL_TOKEN_DAYS): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign({ sub: owner, iat: now, exp: now + days * 86_400 }, secret, 'HS256');
}
