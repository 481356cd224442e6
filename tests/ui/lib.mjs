// lib.mjs — what every browser suite shares: the admin webhook's API calls, checks and waiting,
// the keyboard and accessibility probes, sign-in and the test runner. VORONKA_HOOK is the admin
// webhook run.sh makes, VORONKA_URL the server.
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

// A user's ID by e-mail, and their name as the UI shows it (first and last name, else the e-mail).
export async function userId(email) {
  const [u] = await ok('user.get', { FILTER: { EMAIL: email } });
  return Number(u.ID);
}
export const userLabel = (u) => [u.NAME, u.LAST_NAME].filter(Boolean).join(' ') || u.EMAIL;

// ---- keyboard and accessibility (a11y.test.mjs) ----

// What has the focus, for checks and messages: its tag, classes, name and a few data attributes.
export async function focused(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return 'body';
    const name = e.getAttribute('aria-label') || e.getAttribute('name') || (e.textContent || '').trim().slice(0, 40);
    const data = Object.entries(e.dataset).map(([k, v]) => `[${k}=${v}]`).join('');
    return `${e.tagName.toLowerCase()}${[...e.classList].map((c) => `.${c}`).join('')}${data} "${name}"`;
  });
}

// Press Tab (Shift+Tab with back) until the focused element matches the CSS selector and, with
// text, is named so (its aria-label, its label's text or its own text contains it); returns how
// many presses it took, or throws: the control is not reachable by the keyboard.
export async function tabTo(page, selector, { back = false, max = 120, text = '' } = {}) {
  const at = () => page.evaluate(([s, want]) => {
    const e = document.activeElement;
    if (!e?.matches(s)) return false;
    const name = e.getAttribute('aria-label') || e.closest('label')?.textContent || e.textContent || '';
    return name.includes(want);
  }, [selector, text]);
  for (let i = 0; i <= max; i++) {
    if (await at()) return i;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${selector}${text ? ` "${text}"` : ''} not reached by ${back ? 'Shift+Tab' : 'Tab'} in ${max} presses (focus on ${await focused(page)})`);
}

// Whether the focused element shows where the focus is: an outline at least 2 px wide and not
// transparent, on it or — for a control drawn transparent (a file input inside its label) — on
// the nearest ancestor that is visible. Returns null when it does, else what is focused.
export async function focusRingMissing(page) {
  return page.evaluate(() => {
    let e = document.activeElement;
    if (!e || e === document.body) return 'nothing is focused';
    const what = `${e.tagName.toLowerCase()}${[...e.classList].map((c) => `.${c}`).join('')} "${(e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 30)}"`;
    while (e && Number(getComputedStyle(e).opacity) === 0) e = e.parentElement;
    if (!e) return `${what}: invisible`;
    const s = getComputedStyle(e);
    const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && !/rgba\(.*, 0\)$/.test(s.outlineColor);
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return `${what}: has no size`;
    return ring ? null : `${what}: no focus ring (outline ${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor})`;
  });
}

// axe-core's check of the page as it is now: the violations of the given impacts, each as
// "rule (impact): how many × where — what to fix". The script is put in once per document.
// It is evaluated through the DevTools protocol, which the page's Content-Security-Policy
// (script-src 'self') does not govern: page.addScriptTag would be refused, and bypassing the
// policy for the whole context would hide what it refuses from the console checks.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
let axeSource = null;
export async function axeViolations(page, { impacts = ['critical', 'serious'], exclude = [], disable = [] } = {}) {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(axeSource);
  const found = await page.evaluate(async ({ exclude, disable }) => {
    const rules = Object.fromEntries(disable.map((id) => [id, { enabled: false }]));
    const r = await window.axe.run({ include: [document], exclude: exclude.map((s) => [s]) }, { rules, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, where: v.nodes.slice(0, 3).map((n) => n.target.join(' ')), n: v.nodes.length }));
  }, { exclude, disable });
  return found.filter((v) => impacts.includes(v.impact)).map((v) => `${v.id} (${v.impact}): ${v.n} × ${v.where.join(', ')} — ${v.help}`);
}

// Errors the page reports — console messages of type "error" and uncaught exceptions — pushed to
// sink as "label: text", label() naming what was being done.
export function collectErrors(page, sink, label) {
  page.on('console', (m) => { if (m.type() === 'error') sink.push(`${label()}: ${m.text()} (${m.location()?.url || ''})`); });
  page.on('pageerror', (e) => sink.push(`${label()}: ${e.message}`));
}

// ---- what every suite does the same way ----
const URL = process.env.VORONKA_URL;

// Sign in through the form (a11y.test.mjs signs in by the keyboard, its own way).
export async function signIn(page, [login, password]) {
  await page.goto(`${URL}/login`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(`${URL}/`), page.click('button[type=submit]')]);
  await page.waitForSelector('.topbar');
}

// Go to a screen by its hash, and wait for what shows it is there.
export async function show(page, hash, selector) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  if (selector) await page.waitForSelector(selector);
}

// Run a suite's tests in order, one line each, and end the process with the total line run.sh
// adds up. keep(test, ran): run it (UI_ONLY); each suite keeps the tests the rest depend on.
// onFail(test, n): tidy up after a failure (a screenshot, Escape) so the next test starts clean;
// after(): undo what the suite changed, a failure of its own.
export async function runTests(tests, { browser, keep = () => true, onStart = () => {}, onFail = async () => {}, after } = {}) {
  let passed = 0;
  let failed = 0;
  for (const t of tests) {
    if (!keep(t, passed + failed)) continue;
    onStart(t.name);
    const t0 = Date.now();
    try {
      await t.fn();
      passed++;
      console.log(`ok   ${t.name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${t.name}: ${e.stack || e}`);
      await onFail(t, passed + failed).catch(() => {});
    }
  }
  if (after) {
    try {
      await after();
    } catch (e) {
      failed++;
      console.log(`FAIL cleaning up: ${e.message}`);
    }
  }
  await browser.close();
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
