// Routes live in the location hash (#/deal/kanban/0?open=deal/5), so every screen and every open
// card has a URL that survives a reload and the back button, and the server needs no route per
// screen: "/" serves the app, whatever the hash.
import { useEffect, useState } from 'preact/hooks';

export function parseHash(h = location.hash) {
  const s = h.replace(/^#/, '') || '/deal/kanban/0';
  const q = s.indexOf('?');
  const path = (q < 0 ? s : s.slice(0, q)).split('/').filter(Boolean).map(decodeURIComponent);
  const query = Object.fromEntries(new URLSearchParams(q < 0 ? '' : s.slice(q + 1)));
  return { path, query };
}

export function href(path, query = {}) {
  const p = '/' + path.map((x) => encodeURIComponent(String(x))).join('/');
  const qs = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString();
  return `#${p}${qs ? `?${qs}` : ''}`;
}

export function go(path, query = {}, replace = false) {
  const h = href(path, query);
  if (replace) history.replaceState(null, '', h);
  else history.pushState(null, '', h);
  dispatchEvent(new HashChangeEvent('hashchange'));
}

// Open or close the card slider over whatever screen is shown.
export function openCard(type, id) {
  const { path, query } = parseHash();
  go(path, { ...query, open: `${type}/${id}` });
}

export function closeCard() {
  const { path, query } = parseHash();
  const { open, ...rest } = query;
  go(path, rest);
}

export function useRoute() {
  const [r, setR] = useState(parseHash);
  useEffect(() => {
    const f = () => setR(parseHash());
    addEventListener('hashchange', f);
    addEventListener('popstate', f);
    return () => {
      removeEventListener('hashchange', f);
      removeEventListener('popstate', f);
    };
  }, []);
  return r;
}

// The URL of the current screen with a card open over it.
export function cardHref(type, id) {
  const { path, query } = parseHash();
  return href(path, { ...query, open: `${type}/${id}` });
}
