/**
 * Whether `contentType` matches one of `patterns`: an exact type (`video/mp4`) or a whole
 * family (`video/*`), case-insensitively. The edge enforces it; clients check it first.
 */
export function contentTypeAllowed(contentType: string, patterns: readonly string[]): boolean {
  const type = contentType.toLowerCase();
  return patterns.some((pattern) => {
    const p = pattern.toLowerCase();
    return p.endsWith('/*') ? type.startsWith(p.slice(0, -1)) : type === p;
  });
}
