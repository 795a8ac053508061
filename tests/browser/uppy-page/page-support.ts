// What both Uppy test pages need: random bytes, their SHA-256, and a fetch that notes each API call.

/** `size` random bytes: getRandomValues gives at most 64 KiB a call. */
export function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let offset = 0; offset < size; offset += 65_536) crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65_536)));
  return bytes;
}

export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * One call the adapter made to the edge's API; for `uploads.create`, the checksum asked for and
 * the mode chosen; for `uploads.signParts`, the parts asked for (`first-last`).
 */
export interface ApiCall {
  procedure: string;
  checksum?: string;
  mode?: string;
  parts?: string;
}

/** A call as the tests compare it: `procedure`, `uploads.create:<mode>[:<checksum>]`, or `uploads.signParts:<first>-<last>`. */
export function describeApiCall(call: ApiCall): string {
  return [call.procedure, call.mode, call.checksum, call.parts].filter(Boolean).join(':');
}

/** The global fetch, pushing every API call onto `calls` (and telling `onCall`) before it is sent. */
export function recordingFetch(calls: ApiCall[], onCall: (call: ApiCall) => void = () => {}): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const call: ApiCall = { procedure: url.pathname.replace(/^.*\/trpc\//, '') };
    if (typeof init?.body === 'string') {
      const input = JSON.parse(init.body) as { checksum?: string; parts?: Array<{ partNumber: number }> };
      if (call.procedure === 'uploads.create' && input.checksum) call.checksum = input.checksum;
      if (call.procedure === 'uploads.signParts' && input.parts) call.parts = `${input.parts[0]?.partNumber}-${input.parts.at(-1)?.partNumber}`;
    }
    calls.push(call);
    onCall(call);
    const response = await fetch(input, init);
    if (call.procedure === 'uploads.create' && response.ok) {
      const body = (await response.clone().json()) as { result?: { data?: { mode?: string } } };
      if (body.result?.data?.mode) call.mode = body.result.data.mode;
    }
    return response;
  };
}
