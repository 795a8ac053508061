const STORAGE_KEY = 'hoist.token';

/**
 * The API token for this tab. `npm start` prints the page URL with `#token=…`: a fragment, so it
 * never reaches a server log. It moves into sessionStorage (a reload keeps it, closing the tab
 * forgets it) and the fragment is cleared from the address bar.
 */
export function takeSessionToken(win: Pick<Window, 'location' | 'history' | 'sessionStorage'> = window): string | null {
  const fragment = new URLSearchParams(win.location.hash.slice(1));
  const fromLink = fragment.get('token');
  if (fromLink) {
    win.sessionStorage.setItem(STORAGE_KEY, fromLink);
    win.history.replaceState(null, '', win.location.pathname + win.location.search);
  }
  return win.sessionStorage.getItem(STORAGE_KEY);
}
