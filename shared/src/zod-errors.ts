import type { z } from 'zod';

/** One readable line from a zod failure: `size: size must be at least 1 byte; parts.0.etag: ...`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}
