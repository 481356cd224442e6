// The REST client: every call is POST /rest/{method} with a JSON body, the session cookie and the
// page's CSRF token (X-CSRF-Token). Answers are Bitrix24 envelopes; an error envelope becomes an
// ApiError whose message is the server's own error_description, shown to the user verbatim.

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') || '';

export const session = {
  csrf: meta('csrf-token'),
  userId: Number(meta('voronka-user')) || 0,
  isAdmin: meta('voronka-admin') === 'Y',
  lang: meta('voronka-lang') || 'ru',
};

export class ApiError extends Error {
  constructor(code, description, status) {
    super(description || code || `HTTP ${status}`);
    this.code = code;
    this.status = status;
  }
}

function signIn() {
  // The session ended (expired, signed out elsewhere): back to the sign-in page, then here again.
  location.href = '/login';
}

// call(method, params) → the whole envelope {result, total, next}.
export async function callFull(method, params = {}) {
  let res;
  try {
    res = await fetch(`/rest/${method}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf },
      body: JSON.stringify(params),
    });
  } catch (e) {
    throw new ApiError('NETWORK', e.message, 0);
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    throw new ApiError('BAD_ANSWER', `HTTP ${res.status}`, res.status);
  }
  if (res.status === 401 && body?.error === 'NO_AUTH_FOUND') signIn();
  if (body && body.error !== undefined && body.result === undefined)
    throw new ApiError(body.error, body.error_description, res.status);
  return body;
}

export async function call(method, params) {
  return (await callFull(method, params)).result;
}

// PHP-style query string of a parameter tree, as batch commands carry them.
export function toQuery(obj, prefix = '') {
  const parts = [];
  const add = (key, v) => {
    if (v === undefined) return;
    if (v !== null && typeof v === 'object') {
      const entries = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
      if (!entries.length && Array.isArray(v)) parts.push(`${encodeURIComponent(key)}=`);
      for (const [k, x] of entries) add(`${key}[${k}]`, x);
    } else {
      parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(v === null ? '' : v === true ? 'Y' : v === false ? 'N' : v)}`);
    }
  };
  for (const [k, v] of Object.entries(obj)) add(prefix ? `${prefix}[${k}]` : k, v);
  return parts.join('&');
}

// batch({key: [method, params]}) → {key: result}; a failed command throws with its own error.
// At most 50 commands per call (the API's limit): longer maps are sent in several calls.
export async function batch(cmds, { halt = true } = {}) {
  const keys = Object.keys(cmds);
  const out = {};
  const errors = {};
  for (let i = 0; i < keys.length; i += 50) {
    const part = {};
    for (const k of keys.slice(i, i + 50)) part[k] = `${cmds[k][0]}?${toQuery(cmds[k][1] || {})}`;
    const r = await call('batch', { halt: halt ? 1 : 0, cmd: part });
    Object.assign(out, r.result || {});
    for (const [k, e] of Object.entries(r.result_error || {})) errors[k] = e;
    for (const [k, t] of Object.entries(r.result_total || {})) out[`${k}:total`] = t;
  }
  const failed = Object.keys(errors);
  if (failed.length && halt) {
    const e = errors[failed[0]];
    throw new ApiError(e.error, e.error_description, 400);
  }
  if (failed.length) out.__errors = errors;
  return out;
}
