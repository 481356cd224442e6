// lib.mjs — what both browser suites use to check the server: the admin webhook's API calls,
// checks and waiting. VORONKA_HOOK is the admin webhook run.sh makes.
const HOOK = process.env.VORONKA_HOOK;

export async function api(method, params = {}) {
  const r = await fetch(`${HOOK}/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(params) });
  return r.json();
}
export async function ok(method, params) {
  const r = await api(method, params);
  if (r.error !== undefined && r.result === undefined) throw new Error(`${method}: ${r.error} ${r.error_description}`);
  return r.result;
}
export function check(cond, ...what) {
  if (!cond) throw new Error(`check failed: ${what.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ')}`);
}
export async function until(fn, what, ms = 5000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}
export const digits = (s) => String(s).replace(/[^\d]/g, '');

