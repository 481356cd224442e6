// bench/ui/measure.mjs — what bench/ui/run.sh asks Chromium, for two servers (FULL_URL with the
// million deals, EMPTY_URL with none: the baseline), RUNS times each, alternating, every load in a
// fresh tab of a context signed in once:
//   fcp    navigation start → first contentful paint (the Paint Timing entry)
//   cards  navigation start → the first column's cards painted: a MutationObserver notes when the
//          first column holds its cards (or its "empty" mark), then the next frame is waited for
//          (requestAnimationFrame, then a task: the frame with the cards has been painted)
//   cls    the cumulative layout shift (Layout Instability entries without recent input) from the
//          navigation until SETTLE ms after the cards, so that what comes after them (company
//          names on the cards, the live stream) counts too
// "cold": the browser's HTTP cache is emptied first (a first visit: the script and the stylesheet
// come over the wire); "warm": as cached by the previous load (someone opening the kanban again).
// Prints p50/p95 per server and mode, the ratio of the million to the empty CRM, and the aims.
// Then the other screens a manager lands on with the million (BENCH_SCREENS, default the deal
// list and a deal's card slider over the kanban), warm, RUNS loads each: the time until their
// content shows and their CLS. Every shift is kept with the elements it moved (the Layout
// Instability API's sources, with their rectangles before and after), and the worst load's are
// printed, so that a jump can be traced to what caused it.
const PW = process.env.PLAYWRIGHT || new URL('../../tests/ui/node_modules/playwright-core/index.mjs', import.meta.url).href;
const { chromium } = await import(PW);

const FULL = process.env.FULL_URL;
const EMPTY = process.env.EMPTY_URL;
const LOGIN = process.env.BENCH_LOGIN;
const PASSWORD = process.env.BENCH_PASSWORD;
const RUNS = Number(process.env.BENCH_RUNS || 15);
const SETTLE = Number(process.env.BENCH_SETTLE_MS || 1000);
const HASH = process.env.BENCH_HASH || '#/deal/kanban/0';
const VIEWPORT = { width: 1440, height: 900 };

// Installed before any of the page's scripts run.
function observe() {
  const m = { fcp: null, cards: null, dom: null, cls: 0, shifts: [] };
  window.__bench = m;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') m.fcp = e.startTime;
  }).observe({ type: 'paint', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.hadRecentInput) continue;
      m.cls += e.value;
      const name = (node) => (node && node.nodeType === 1 ? `${node.tagName.toLowerCase()}${[...node.classList].map((c) => `.${c}`).join('')}` : node ? node.nodeName : '?');
      const rect = (r) => `${Math.round(r.x)},${Math.round(r.y)} ${Math.round(r.width)}×${Math.round(r.height)}`;
      const what = (e.sources || []).slice(0, 3).map((x) => `${name(x.node)} [${rect(x.previousRect)} → ${rect(x.currentRect)}]`).join(', ') || '?';
      m.shifts.push({ at: Math.round(e.startTime), value: e.value, what });
    }
  }).observe({ type: 'layout-shift', buffered: true });
  // the screen's content: a kanban's first column with its cards, or what window.__benchReady
  // names (set by the page's own init script; read here lazily, as the two run in either order)
  const mo = new MutationObserver(() => {
    const ready = window.__benchReady;
    if (ready) {
      if (!document.querySelector(ready)) return;
    } else {
      const col = document.querySelector('.board section.column');
      if (!col || !(col.querySelector('.kcard') || col.querySelector('.col-empty'))) return;
    }
    mo.disconnect();
    m.dom = performance.now();
    requestAnimationFrame(() => setTimeout(() => { m.cards = performance.now(); }, 0));
  });
  mo.observe(document, { childList: true, subtree: true });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});

async function signedIn(base) {
  const ctx = await browser.newContext({ viewport: VIEWPORT, locale: 'ru-RU' });
  await ctx.addInitScript(observe);
  const page = await ctx.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[name=login]', LOGIN);
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
  await page.waitForSelector('.topbar');
  await page.close();
  return ctx;
}

const errors = [];
async function once(ctx, base, cold, hash = HASH, ready = '') {
  const page = await ctx.newPage();
  await page.addInitScript((r) => { window.__benchReady = r; }, ready);
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  if (cold) {
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.clearBrowserCache');
    await cdp.detach();
  }
  await page.goto(`${base}/${hash}`);
  await page.waitForFunction(() => window.__bench && window.__bench.cards !== null, null, { timeout: 30000 });
  await page.waitForTimeout(SETTLE);
  const m = await page.evaluate(() => window.__bench);
  const cards = ready ? 0 : await page.$$eval('.board section.column:first-child .kcard', (cs) => cs.length);
  await page.close();
  return { ...m, firstColumn: cards };
}

const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
};

// the other screens: name, hash, what shows their content
const SCREENS = process.env.BENCH_SCREENS ? JSON.parse(process.env.BENCH_SCREENS) : [
  ['deal list', '#/deal/list', '.grid tbody tr'],
  ['deal card slider', '#/deal/kanban/0?open=deal/1', '.slider .timeline > :is(.tl-list, p.muted)'],
];

const servers = { full: FULL, empty: EMPTY };
const ctxs = {};
for (const [k, base] of Object.entries(servers)) ctxs[k] = await signedIn(base);
const res = {};
for (const k of Object.keys(servers)) for (const mode of ['cold', 'warm']) res[`${k}/${mode}`] = [];
// one unmeasured load each: Chromium's own first-start costs are nobody's
for (const k of Object.keys(servers)) await once(ctxs[k], servers[k], false);
for (let i = 0; i < RUNS; i++) {
  for (const mode of ['cold', 'warm']) {
    for (const k of Object.keys(servers)) res[`${k}/${mode}`].push(await once(ctxs[k], servers[k], mode === 'cold'));
  }
}
const screens = {};
for (const [name, hash, ready] of SCREENS) {
  screens[name] = [];
  await once(ctxs.full, FULL, false, hash, ready); // unmeasured: its chunks and first reads cached
  for (let i = 0; i < RUNS; i++) screens[name].push(await once(ctxs.full, FULL, false, hash, ready));
}
await browser.close();

const fmt = (v, d = 0) => (v === null || v === undefined || Number.isNaN(v) ? '-' : v.toFixed(d)).padStart(8);
console.log(`Chromium headless, ${VIEWPORT.width}x${VIEWPORT.height}, ${RUNS} loads per row, ${HASH}; ms from navigation start`);
console.log(`${''.padEnd(30)}${'FCP p50'.padStart(8)}${'p95'.padStart(8)}   ${'cards p50'.padStart(9)}${'p95'.padStart(8)}   ${'CLS p50'.padStart(8)}${'p95'.padStart(8)}  cards in column 1`);
const sum = {};
for (const mode of ['cold', 'warm']) {
  for (const k of ['full', 'empty']) {
    const rs = res[`${k}/${mode}`];
    const s = {
      fcp50: q(rs.map((r) => r.fcp), 0.5), fcp95: q(rs.map((r) => r.fcp), 0.95),
      c50: q(rs.map((r) => r.cards), 0.5), c95: q(rs.map((r) => r.cards), 0.95),
      cls50: q(rs.map((r) => r.cls), 0.5), cls95: q(rs.map((r) => r.cls), 0.95),
      n: rs[0]?.firstColumn ?? 0,
    };
    sum[`${k}/${mode}`] = s;
    const label = `${k === 'full' ? 'million deals' : 'empty CRM (baseline)'}, ${mode}`;
    console.log(`  ${label.padEnd(28)}${fmt(s.fcp50)}${fmt(s.fcp95)}   ${fmt(s.c50).padStart(9)}${fmt(s.c95)}   ${fmt(s.cls50, 4)}${fmt(s.cls95, 4)}  ${s.n}`);
  }
  const f = sum[`full/${mode}`];
  const e = sum[`empty/${mode}`];
  console.log(`  ${`ratio million/empty, ${mode}`.padEnd(28)}${fmt(f.fcp50 / e.fcp50, 2)}${fmt(f.fcp95 / e.fcp95, 2)}   ${fmt(f.c50 / e.c50, 2).padStart(9)}${fmt(f.c95 / e.c95, 2)}`);
}
// where the layout moved, if it did: the worst load's shifts
const worstOf = (rs) => [...rs].sort((a, b) => b.cls - a.cls)[0];
const moved = (w) => w.shifts.map((s) => `${s.what} at ${s.at} ms (${s.value.toFixed(4)})`).join('; ');
const worst = worstOf([...res['full/cold'], ...res['full/warm']]);
if (worst && worst.cls > 0) console.log(`  the largest CLS (${worst.cls.toFixed(4)}) came from: ${moved(worst)}`);
console.log('');
console.log(`Other screens with the million deals, warm, ${RUNS} loads each; ms from navigation start to the content shown`);
console.log(`${''.padEnd(30)}${'shown p50'.padStart(9)}${'p95'.padStart(8)}   ${'CLS p50'.padStart(8)}${'p95'.padStart(8)}`);
for (const [name] of SCREENS) {
  const rs = screens[name];
  console.log(`  ${name.padEnd(28)}${fmt(q(rs.map((r) => r.cards), 0.5)).padStart(9)}${fmt(q(rs.map((r) => r.cards), 0.95))}   ${fmt(q(rs.map((r) => r.cls), 0.5), 4)}${fmt(q(rs.map((r) => r.cls), 0.95), 4)}`);
  const w = worstOf(rs);
  if (w && w.cls > 0) console.log(`    the largest CLS (${w.cls.toFixed(4)}) came from: ${moved(w)}`);
}
if (errors.length) console.log(`  browser errors: ${[...new Set(errors)].slice(0, 5).join(' | ')}`);

let missed = 0;
const aim = (text, cond) => {
  console.log(`  aim: ${text.padEnd(58)} ${cond ? 'met' : 'MISSED'}`);
  if (!cond) missed++;
};
console.log('');
aim('first contentful paint p95 < 1000 ms (cold and warm)', sum['full/cold'].fcp95 < 1000 && sum['full/warm'].fcp95 < 1000);
aim('first column\'s cards painted p95 < 1000 ms (cold and warm)', sum['full/cold'].c95 < 1000 && sum['full/warm'].c95 < 1000);
aim('no layout jumps: CLS p95 < 0.01 (cold and warm)', sum['full/cold'].cls95 < 0.01 && sum['full/warm'].cls95 < 0.01);
aim('nor on the other screens: CLS p95 < 0.01', SCREENS.every(([name]) => q(screens[name].map((r) => r.cls), 0.95) < 0.01));
aim('the first column shows its first page (50 cards)', sum['full/cold'].n === 50);
aim('no errors in the browser', errors.length === 0);
process.exit(missed ? 1 : 0);
