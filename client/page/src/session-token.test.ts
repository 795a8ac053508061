import { describe, expect, it } from 'vitest';
import { takeSessionToken } from './session-token.js';

function fakeWindow(hash: string) {
  const stored = new Map<string, string>();
  const location = { hash, pathname: '/', search: '?x=1' };
  const replaced: string[] = [];
  return {
    replaced,
    win: {
      location,
      history: { replaceState: (_state: unknown, _title: string, url: string) => void replaced.push(url) },
      sessionStorage: { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v) },
    } as unknown as Pick<Window, 'location' | 'history' | 'sessionStorage'>,
  };
}

describe('takeSessionToken', () => {
  it('moves the token from the fragment into sessionStorage and clears the address bar', () => {
    const { win, replaced } = fakeWindow('#token=abc.def.ghi');
    expect(takeSessionToken(win)).toBe('abc.def.ghi');
    expect(replaced).toEqual(['/?x=1']);
    // A reload has no fragment any more, and still has the token.
    (win.location as { hash: string }).hash = '';
    expect(takeSessionToken(win)).toBe('abc.def.ghi');
  });

  it('has nothing without a link token', () => {
    expect(takeSessionToken(fakeWindow('').win)).toBeNull();
  });
});
