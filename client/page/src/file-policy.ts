import { contentTypeAllowed, type UploadPolicyOutput } from '@hoist/shared';
import { formatBytes } from './format.js';

export interface PickedFile {
  name: string;
  size: number;
  /** As the browser guessed it from the name; empty when it could not tell. */
  type: string;
}

/** `video/*` → `video files`; anything else is listed as it is. */
export function describeAllowedTypes(patterns: readonly string[]): string {
  return patterns.map((p) => (p.endsWith('/*') ? `${p.slice(0, -2)} files` : p)).join(', ');
}

/**
 * Why the edge would refuse `file`, in words for the person who picked it, or null when it is
 * acceptable. Checked before anything is sent; `uploads.create` checks again.
 */
export function policyProblem(file: PickedFile, policy: UploadPolicyOutput): string | null {
  const allowed = describeAllowedTypes(policy.allowedContentTypes);
  // An untyped file goes up as application/octet-stream (see blobSource): judged as that, so a
  // deployment that accepts it is not refused here while the edge would take the file.
  if (!contentTypeAllowed(file.type || 'application/octet-stream', policy.allowedContentTypes)) {
    return file.type
      ? `“${file.name}” can’t be uploaded: it is ${file.type}, and only ${allowed} are accepted.`
      : `“${file.name}” can’t be uploaded: its type can’t be told from its name. Only ${allowed} are accepted.`;
  }
  if (file.size === 0) return `“${file.name}” is empty: choose a file with a video in it.`;
  if (file.size > policy.maxUploadBytes) {
    // Just over the limit, both round to the same figure: exact bytes then show the difference.
    const exact = formatBytes(file.size) === formatBytes(policy.maxUploadBytes);
    const show = (bytes: number) => (exact ? `${bytes.toLocaleString('en')} bytes` : formatBytes(bytes));
    return `“${file.name}” is too large: ${show(file.size)}, and the limit here is ${show(policy.maxUploadBytes)}.`;
  }
  return null;
}
