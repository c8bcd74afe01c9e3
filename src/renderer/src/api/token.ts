// A token still in the address bar (?token=…) is one the host did not trade for its session cookie — normally a
// wrong one, which the page must present to be told so. Keep it for this tab in sessionStorage and take it out
// of the visible URL so it does not end up in screenshots, history or bookmarks.
const KEY = 'paddy.token';

export function takeToken(loc: Location = window.location, storage: Storage = window.sessionStorage): string | null {
  const url = new URL(loc.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    storage.setItem(KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return storage.getItem(KEY);
}

/** Forgets a token the host refused, so that reloading the page does not present it again. */
export function forgetToken(storage: Storage = window.sessionStorage): void {
  storage.removeItem(KEY);
}
