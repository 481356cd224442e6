// The bar of the web UI (issue 4, item 10): every action reachable by the keyboard, no
// accessibility violations, a visible focus, no layout jumps, no errors in the browser console.
// Debian's chromium, driven by playwright-core, against the voronka that run.sh started
// (VORONKA_URL with the demo company; VORONKA_HOOK, an admin webhook, makes the test data and
// checks what the UI did).
//
// The keyboard tests use page.keyboard only — no click, no fill, no focus(): a manager signs in,
// walks the left menu, moves a deal on the kanban, opens it, edits a field, comments, closes it;
// sorts, filters and bulk-changes a list; switches the language; the administrator reorders a
// pipeline's stage. Each step checks what the user would see and what the server now holds.
// axe-core then checks each main screen (no "critical" or "serious" violation), Tab is walked
// through each of them (every stop shows a focus ring), and the layout shift of the kanban, the
// list and the card slider is measured while they load.
// Prints "ok"/"FAIL" per test and "N passed, N failed" last.
import { chromium } from 'playwright-core';
import { axeViolations, check, collectErrors, digits, focused, focusRingMissing, ok, runTests, show, tabTo, until } from './lib.mjs';

const URL = process.env.VORONKA_URL;
const ONLY = process.env.UI_ONLY || '';
const ADMIN = ['admin@voronka.local', 'admin'];
const MANAGER = ['ivan.petrov@demo.voronka.local', 'demo'];
const MANAGER_ID = 2;
const errors = [];
let current = '';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});

async function newPage() {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'ru-RU' });
  const page = await ctx.newPage();
  collectErrors(page, errors, () => current);
  return page;
}

const key = (page, k) => page.keyboard.press(k);
const isFocused = (page, selector) => page.evaluate((s) => !!document.activeElement?.matches(s), selector);
async function checkFocused(page, selector, what) {
  check(await isFocused(page, selector), what, `focus on ${await focused(page)}`);
}
async function toastSeen(page, text) {
  await page.waitForSelector(`.toast:has-text("${text}")`, { timeout: 5000 });
}
const total = async (page) => digits((await page.textContent('.pager span')).split(/из|of/)[1]);

// The sign-in form by the keyboard: the login field has the focus, Tab goes to the password,
// Enter sends it.
async function signIn(page, [login, password]) {
  await page.goto(`${URL}/login`);
  // autofocus is applied at a rendering update, which may come just after the load event
  await until(() => isFocused(page, 'input[name=login]'), 'the login field focused on arrival', 3000);
  await page.keyboard.type(login);
  await key(page, 'Tab');
  await page.keyboard.type(password);
  await Promise.all([page.waitForURL(`${URL}/`), key(page, 'Enter')]);
  await page.waitForSelector('.topbar');
}

// ---- the data the keyboard works on: the manager's own deals, so any role lets them act ----
const stamp = Date.now().toString(36);
const KANBAN_DEAL = `Клавиатура ${stamp}`;
const LIST_PREFIX = `Клавиша ${stamp}`;
const mkDeal = (fields) => ok('crm.deal.add', { fields: { ASSIGNED_BY_ID: MANAGER_ID, CATEGORY_ID: 0, ...fields } });

const tests = [];
const test = (name, fn) => tests.push({ name, fn });
let manager; // the manager's page, kept from test to test
let kanbanDeal;
const listDeals = {};

test('keyboard: sign in, the skip link, every item of the left menu', async () => {
  for (const [n, sum] of [[1, 100], [2, 200], [3, 300]]) listDeals[sum] = String(await mkDeal({ TITLE: `${LIST_PREFIX}-${n}`, OPPORTUNITY: sum, STAGE_ID: 'PREPARATION' }));
  kanbanDeal = String(await mkDeal({ TITLE: KANBAN_DEAL, OPPORTUNITY: 1000, STAGE_ID: 'NEW' }));
  manager = await newPage();
  await signIn(manager, MANAGER);
  await manager.waitForSelector('.kcard');
  // the first Tab stop skips the top bar and the menu
  await key(manager, 'Tab');
  await checkFocused(manager, '.skip-link', 'the first Tab stop is the skip link');
  check(!(await focusRingMissing(manager)), await focusRingMissing(manager));
  check(await manager.$eval('.skip-link', (b) => { const r = b.getBoundingClientRect(); return r.top >= 0 && r.height > 0; }), 'the skip link shows when focused');
  await key(manager, 'Enter');
  await checkFocused(manager, 'main#content', 'the skip link moves the focus to the screen');
  await key(manager, 'Tab');
  check(await manager.evaluate(() => !!document.activeElement?.closest('.page-head')), 'then Tab goes into the screen', await focused(manager));
  // the left menu: every section reachable in order, Enter opens it
  const menu = await manager.$$eval('.sidemenu a', (as) => as.map((a) => [a.getAttribute('href'), a.querySelector('.sm-label').textContent.trim()]));
  check(menu.length >= 6, menu);
  await tabTo(manager, `.sidemenu a[href="${menu[0][0]}"]`, { back: true });
  for (const [i, [h, label]] of menu.entries()) {
    if (i > 0) await key(manager, 'Tab');
    await checkFocused(manager, `.sidemenu a[href="${h}"]`, `menu item ${label} next in the Tab order`);
    check(!(await focusRingMissing(manager)), await focusRingMissing(manager));
  }
  for (const [h, label] of menu) {
    await tabTo(manager, `.sidemenu a[href="${h}"]`, { back: true });
    await key(manager, 'Enter');
    await manager.waitForSelector(`.sidemenu a[href="${h}"][aria-current=page]`);
    await manager.waitForSelector(`.page-head h1`);
    check((await manager.title()).startsWith(label), await manager.title(), label);
  }
  await tabTo(manager, '.sidemenu a[href="#/deal/kanban/0"]', { back: true });
  await key(manager, 'Enter');
  await manager.waitForSelector(`[data-card-id="${kanbanDeal}"]`);
  check((await manager.textContent('.page-head h1')) === 'Сделки');
});

test('keyboard: a kanban card — arrows between cards, Alt+→ to the next stage, Enter opens it', async () => {
  // the board is one Tab stop: the first card, the newest of the first column — this deal
  await tabTo(manager, '.kcard');
  await checkFocused(manager, `section[data-stage="NEW"] [data-card-id="${kanbanDeal}"]`, 'Tab reaches the first card');
  check(!(await focusRingMissing(manager)), await focusRingMissing(manager));
  check(await manager.$$eval('.kcard[tabindex="0"]', (cs) => cs.length) === 1, 'one Tab stop for the whole board');
  await key(manager, 'ArrowDown');
  await checkFocused(manager, 'section[data-stage="NEW"] .kcard:nth-child(2)', '↓ goes to the next card of the column');
  await key(manager, 'ArrowUp');
  await checkFocused(manager, `[data-card-id="${kanbanDeal}"]`, '↑ comes back');
  await key(manager, 'ArrowRight');
  await checkFocused(manager, 'section[data-stage="PREPARATION"] .kcard', '→ goes to the next column');
  await key(manager, 'ArrowLeft');
  await checkFocused(manager, `[data-card-id="${kanbanDeal}"]`, '← comes back');
  // Alt+→ moves it: the card shows in the next column, keeps the focus, the server has it
  const before = digits(await manager.textContent('section[data-stage="PREPARATION"] .col-count'));
  await key(manager, 'Alt+ArrowRight');
  await manager.waitForSelector(`section[data-stage="PREPARATION"] [data-card-id="${kanbanDeal}"]`);
  await until(async () => (await ok('crm.deal.get', { id: kanbanDeal })).STAGE_ID === 'PREPARATION', 'the deal in PREPARATION');
  await until(() => isFocused(manager, `section[data-stage="PREPARATION"] [data-card-id="${kanbanDeal}"]`), 'the moved card keeps the focus');
  await toastSeen(manager, 'Подготовка документов');
  check(Number(digits(await manager.textContent('section[data-stage="PREPARATION"] .col-count'))) === Number(before) + 1, 'the column counts it');
  check(!(await manager.$(`section[data-stage="NEW"] [data-card-id="${kanbanDeal}"]`)), 'gone from the first column');
  // Enter opens the card slider, at the stage it was moved to
  await key(manager, 'Enter');
  await manager.waitForSelector('.slider .card-title');
  check((await manager.textContent('.slider .card-title')).includes(KANBAN_DEAL));
  check((await manager.getAttribute('.slider .stage.current', 'data-stage')) === 'PREPARATION');
  check(await manager.evaluate(() => !!document.activeElement?.closest('.slider')), 'the focus is in the card', await focused(manager));
});

test('keyboard: the card — a field edited in place, a comment, Esc closes it and the focus comes back', async () => {
  // the amount: Tab to its pencil, Enter edits, Enter saves, the focus comes back to the pencil
  await tabTo(manager, '.slider [data-field=OPPORTUNITY] .field-edit');
  check(!(await focusRingMissing(manager)), await focusRingMissing(manager));
  await key(manager, 'Enter');
  await until(() => isFocused(manager, '.slider [data-field=OPPORTUNITY] input'), 'the editor takes the focus');
  await key(manager, 'Control+A');
  await manager.keyboard.type('250000');
  await key(manager, 'Enter');
  await toastSeen(manager, 'Сохранено');
  await manager.waitForSelector('.slider [data-field=OPPORTUNITY] .field-value:has-text("250")');
  check(Number((await ok('crm.deal.get', { id: kanbanDeal })).OPPORTUNITY) === 250000, 'saved');
  await until(() => isFocused(manager, '.slider [data-field=OPPORTUNITY] .field-edit'), 'the focus back on the pencil');
  // Esc in an editor cancels only the editor
  await key(manager, 'Enter');
  await key(manager, 'Escape');
  await manager.waitForSelector('.slider [data-field=OPPORTUNITY] .field-edit');
  check(await manager.$('.slider'), 'the card stays open');
  await until(() => isFocused(manager, '.slider [data-field=OPPORTUNITY] .field-edit'), 'the focus back on the pencil after Esc');
  // a comment: Tab to the editor, Ctrl+B for bold, Ctrl+Enter sends it
  await tabTo(manager, '.slider .tl-rich');
  check(!(await focusRingMissing(manager)), await focusRingMissing(manager));
  await manager.keyboard.type('Клиент просит ');
  await key(manager, 'Control+B');
  await manager.keyboard.type('скидку');
  await key(manager, 'Control+B');
  await key(manager, 'Control+Enter');
  await manager.waitForSelector('.slider .tl-comment b:has-text("скидку")');
  const comments = await ok('crm.timeline.comment.list', { filter: { ENTITY_TYPE: 'deal', ENTITY_ID: kanbanDeal } });
  check(comments.length === 1 && comments[0].COMMENT === 'Клиент просит [b]скидку[/b]', comments);
  // the stage bar by the keyboard too: Shift+Tab back to it, Enter moves the deal
  await tabTo(manager, '.slider .stage[data-stage="EXECUTING"]', { back: true });
  await key(manager, 'Enter');
  await until(async () => (await ok('crm.deal.get', { id: kanbanDeal })).STAGE_ID === 'EXECUTING', 'moved by the stage bar');
  await manager.waitForSelector('.slider .stage.current[data-stage="EXECUTING"]');
  // Esc closes the card; the focus is back on the kanban card it was opened from
  await key(manager, 'Escape');
  await manager.waitForSelector('.slider', { state: 'detached' });
  await manager.waitForSelector(`section[data-stage="EXECUTING"] [data-card-id="${kanbanDeal}"]`);
  await until(() => isFocused(manager, `[data-card-id="${kanbanDeal}"]`), 'the focus back on the card');
  check(!(await focusRingMissing(manager)), await focusRingMissing(manager));
});

test('keyboard: the list — search, sort, the filter panel, rows selected, a bulk change of stage', async () => {
  // from the kanban to the list by its view switch
  await tabTo(manager, '.page-head .seg a[href^="#/deal/list"]', { back: true });
  await key(manager, 'Enter');
  await manager.waitForSelector('.page-list .grid tbody tr');
  // the search box: the three deals of this test
  await tabTo(manager, '.list-search input[type=search]');
  await manager.keyboard.type(LIST_PREFIX);
  await key(manager, 'Enter');
  await until(async () => (await total(manager)) === '3', 'three deals found');
  // sort by the amount: Enter on its header, ascending then descending
  await tabTo(manager, 'th button.th-sort', { text: 'Сумма' });
  check(!(await focusRingMissing(manager)), await focusRingMissing(manager));
  await key(manager, 'Enter');
  await until(async () => (await manager.getAttribute('th[aria-sort]', 'aria-sort')) === 'ascending', 'sorted ascending');
  await until(async () => (await manager.textContent('.grid tbody tr:first-child a.row-title')).endsWith('-1'), 'the cheapest first');
  await key(manager, 'Enter');
  await until(async () => (await manager.getAttribute('th[aria-sort]', 'aria-sort')) === 'descending', 'sorted descending');
  await until(async () => (await manager.textContent('.grid tbody tr:first-child a.row-title')).endsWith('-3'), 'the dearest first');
  // the filter panel: "amount from 150", Enter applies it
  await tabTo(manager, '.list-search button', { back: true, text: 'Фильтр' });
  await key(manager, 'Enter');
  await manager.waitForSelector('.filter-panel');
  check((await manager.getAttribute('.list-search button:has-text("Фильтр")', 'aria-expanded')) === 'true');
  await tabTo(manager, '.filter-panel input', { text: 'Сумма от' });
  await manager.keyboard.type('150');
  await key(manager, 'Enter');
  await until(async () => (await total(manager)) === '2', 'two deals of 150 or more');
  check(JSON.stringify(await manager.$$eval('.grid tbody a.row-title', (as) => as.map((a) => a.textContent))) === JSON.stringify([`${LIST_PREFIX}-3`, `${LIST_PREFIX}-2`]), 'the two dearest');
  // select both rows with Space
  for (const n of [1, 2]) {
    await tabTo(manager, `.grid tbody tr:nth-child(${n}) td.sel input[type=checkbox]`);
    check(!(await focusRingMissing(manager)), await focusRingMissing(manager));
    await key(manager, 'Space');
  }
  await manager.waitForSelector('.bulkbar:has-text("Выбрано: 2")');
  // the bulk "change stage": the first stage is one ↓ away from "—"
  await tabTo(manager, '.bulkbar select', { back: true, text: 'стадию' });
  await key(manager, 'ArrowDown');
  check((await ok('crm.deal.get', { id: listDeals[200] })).STAGE_ID !== 'NEW', 'a choice alone changes nothing');
  await tabTo(manager, '.bulkbar button.btn-primary', { text: 'Применить' });
  await key(manager, 'Enter');
  await toastSeen(manager, 'Готово: 2');
  for (const sum of [200, 300]) await until(async () => (await ok('crm.deal.get', { id: listDeals[sum] })).STAGE_ID === 'NEW', `deal ${sum} moved to NEW`);
  check((await ok('crm.deal.get', { id: listDeals[100] })).STAGE_ID === 'PREPARATION', 'the one not selected stays');
  await until(async () => (await manager.$$eval('.grid tbody tr', (rs) => rs.map((r) => r.textContent))).every((t) => t.includes('Новая')), 'the rows show the new stage');
});

test('keyboard: the language switched from the user menu, and back', async () => {
  await tabTo(manager, '.user-menu .menu-btn', { back: true });
  check(!(await focusRingMissing(manager)), await focusRingMissing(manager));
  await key(manager, 'Enter');
  await manager.waitForSelector('.user-menu [role=menu]');
  await checkFocused(manager, '.user-menu [role=menu] [data-lang=ru]', 'the menu takes the focus');
  await key(manager, 'ArrowDown');
  await checkFocused(manager, '.user-menu [data-lang=en]', '↓ goes to English');
  await key(manager, 'Enter');
  await manager.waitForSelector('.sidemenu a:has-text("Deals")');
  check((await manager.getAttribute('html', 'lang')) === 'en');
  check((await manager.textContent('.page-head h1')) === 'Deals');
  await until(() => isFocused(manager, '.user-menu .menu-btn'), 'the focus back on the menu button');
  // Esc closes the menu, and ↓ on the button opens it too
  await key(manager, 'ArrowDown');
  await manager.waitForSelector('.user-menu [role=menu]');
  await until(() => manager.evaluate(() => !!document.activeElement?.closest('.user-menu [role=menu]')), 'the focus in the menu');
  await key(manager, 'Escape');
  await manager.waitForSelector('.user-menu [role=menu]', { state: 'detached' });
  await checkFocused(manager, '.user-menu .menu-btn', 'Esc gives the focus back to the button');
  await key(manager, 'Enter');
  await checkFocused(manager, '.user-menu [data-lang=ru]', 'Русский first');
  await key(manager, 'Enter');
  await manager.waitForSelector('.sidemenu a:has-text("Сделки")');
  check((await manager.getAttribute('html', 'lang')) === 'ru');
});

test('keyboard: settings — reference lists, pipelines, a stage moved with Alt+↓ and back (administrator)', async () => {
  const admin = await newPage();
  try {
    await signIn(admin, ADMIN);
    await tabTo(admin, '.sidemenu a[href^="#/settings"]');
    await key(admin, 'Enter');
    await admin.waitForSelector('.lists-nav a[aria-current=page]');
    // a reference list: Enter on its link
    await tabTo(admin, '.lists-nav a[href="#/settings/lists/SOURCE"]');
    await key(admin, 'Enter');
    await admin.waitForSelector('.list-editor .status-row');
    await admin.waitForSelector('.lists-nav a[href="#/settings/lists/SOURCE"][aria-current=page]');
    // the pipelines: the second one's stages
    await tabTo(admin, '.page-settings nav.seg a[href="#/settings/pipelines"]', { back: true });
    await key(admin, 'Enter');
    await admin.waitForSelector('.pipe-card[data-pipeline="1"]');
    await tabTo(admin, '.pipe-card[data-pipeline="1"] a[href="#/settings/lists/DEAL_STAGE_1"]');
    await key(admin, 'Enter');
    await admin.waitForSelector('.status-row[data-status-row="C1:NEW"]');
    const order = async () => (await ok('crm.status.list', { filter: { ENTITY_ID: 'DEAL_STAGE_1' }, order: { SORT: 'ASC' } })).map((s) => s.STATUS_ID);
    const shown = () => admin.$$eval('.status-row', (rs) => rs.map((r) => r.dataset.statusRow));
    const before = await order();
    check(JSON.stringify(await shown()) === JSON.stringify(before), await shown(), before);
    const [a, b] = before;
    await tabTo(admin, `.status-row[data-status-row="${a}"] .drag`);
    check(!(await focusRingMissing(admin)), await focusRingMissing(admin));
    await key(admin, 'Alt+ArrowDown');
    await until(async () => { const o = await order(); return o[0] === b && o[1] === a; }, 'the new order saved');
    await until(async () => (await shown()).slice(0, 2).join() === `${b},${a}`, 'the new order shown');
    await admin.waitForSelector(`.preview .stage:nth-child(2):has-text("${(await ok('crm.status.list', { filter: { ENTITY_ID: 'DEAL_STAGE_1', STATUS_ID: a } }))[0].NAME}")`);
    await until(() => isFocused(admin, `.status-row[data-status-row="${a}"] .drag`), 'the focus stays on the moved stage');
    // and back, so that the other suites find the pipeline as it was
    await key(admin, 'Alt+ArrowUp');
    await until(async () => JSON.stringify(await order()) === JSON.stringify(before), 'the old order back');
    await until(async () => JSON.stringify(await shown()) === JSON.stringify(before), 'shown back');
    await until(() => isFocused(admin, `.status-row[data-status-row="${a}"] .drag`), 'the focus still on it');
  } finally {
    await admin.context().close();
  }
});

// ---- axe-core, the focus ring, the layout shift on each main screen (as the administrator, who
// sees all of them) ----

let admin;
const SCREENS = [
  ['kanban', '#/deal/kanban/0', '.kcard'],
  ['list', '#/deal/list', '.grid tbody tr'],
  ['card slider', '#/deal/kanban/0?open=deal/1', '.slider .tl-rich'],
  ['funnel', '#/funnel', '.funnel-table tbody tr'],
  ['settings: reference lists', '#/settings/lists/DEAL_STAGE', '.status-row'],
  ['settings: pipelines', '#/settings/pipelines', '.pipe-card'],
  ['settings: custom fields', '#/settings/fields/deal', '.uf-table'],
  ['access rights', '#/settings/rights', '.role-item'],
  ['access rights: a role', '#/settings/rights/1', '.matrix'],
];
// States of a screen that only show after an action: menus, panels, dialogs, other tabs.
const STATES = [
  ['the user menu open', '#/deal/kanban/0', '.kcard', (p) => p.click('.user-menu .menu-btn')],
  ['the kanban quick add', '#/deal/kanban/0', '.kcard', (p) => p.click('section[data-stage="NEW"] .col-add')],
  ['the new deal dialog', '#/deal/kanban/0', '.kcard', (p) => p.click('[data-create=deal]')],
  ['the list with its filter panel and a row selected', '#/deal/list', '.grid tbody tr',
    async (p) => { await p.click('.list-search button.btn'); await p.check('.grid tbody tr:first-child td.sel input'); }],
  ['the export menu', '#/deal/list', '.grid tbody tr', (p) => p.click('.page-head .menu-btn:has-text("Экспорт")')],
  ['the column chooser', '#/deal/list', '.grid tbody tr', (p) => p.click('.cols-th .menu-btn')],
  ['a field being edited', '#/deal/kanban/0?open=deal/1', '.slider .tl-rich', (p) => p.click('.slider [data-field=OPPORTUNITY] .field-edit')],
  ['the card layout editor', '#/deal/kanban/0?open=deal/1', '.slider .tl-rich', (p) => p.click('.slider .layout-btn')],
  ['the card\'s products', '#/deal/kanban/0?open=deal/1', '.slider .tl-rich', (p) => p.click('.slider .tab:has-text("Товары")')],
  ['the card\'s relations', '#/deal/kanban/0?open=deal/1', '.slider .tl-rich', (p) => p.click('.slider .tab:has-text("Связи")')],
  ['the card\'s history', '#/deal/kanban/0?open=deal/1', '.slider .tl-rich', (p) => p.click('.slider .tab:has-text("История")')],
  ['a lead\'s card', '#/lead/kanban?open=lead/1', '.slider .tl-rich', null],
  ['the funnels compared', '#/funnel?compare=1&mode=conversion', '.funnels-compare .funnel', null],
  ['the access picker', '#/settings/rights', '.role-item', (p) => p.click('[data-action=add-access]')],
];

async function adminPage() {
  if (!admin) {
    admin = await newPage();
    await signIn(admin, ADMIN);
  }
  return admin;
}


test('axe-core: no critical or serious violations on the main screens', async () => {
  await adminPage();
  const found = [];
  for (const [name, hash, selector] of SCREENS) {
    await show(admin, hash, selector);
    for (const v of await axeViolations(admin)) found.push(`${name}: ${v}`);
  }
  check(found.length === 0, found);
});

test('axe-core: nor in the menus, panels, dialogs and tabs that open on them', async () => {
  await adminPage();
  const found = [];
  for (const [name, hash, selector, act] of STATES) {
    await key(admin, 'Escape');
    await key(admin, 'Escape');
    await show(admin, hash, selector);
    if (act) await act(admin);
    await admin.waitForTimeout(300);
    for (const v of await axeViolations(admin)) found.push(`${name}: ${v}`);
  }
  await key(admin, 'Escape');
  await key(admin, 'Escape');
  check(found.length === 0, found);
});

test('the focus is visible on every control Tab reaches on the main screens', async () => {
  await adminPage();
  const missing = [];
  for (const [name, hash, selector] of SCREENS) {
    await admin.goto('about:blank'); // a new document: the walk starts at its top
    await admin.goto(`${URL}/${hash}`);
    await admin.waitForSelector(selector);
    const seen = new Set();
    for (let i = 0; i < 60; i++) {
      await key(admin, 'Tab');
      const where = await focused(admin);
      if (seen.has(where) || where === 'body') break; // round the page (or the dialog) once
      seen.add(where);
      const m = await focusRingMissing(admin);
      if (m) missing.push(`${name}: ${m}`);
    }
    check(seen.size > 5, name, [...seen]);
  }
  check(missing.length === 0, missing);
});

// Layout Instability entries from the navigation on, for SETTLE ms after the screen's content is
// in, with the elements that moved.
function observeShifts() {
  window.__shifts = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.hadRecentInput) continue;
      const what = (e.sources || []).map((s) => (s.node && s.node.nodeType === 1 ? `${s.node.tagName.toLowerCase()}.${[...s.node.classList].join('.')}` : '?'));
      window.__shifts.push({ value: e.value, what: what.join(' ') });
    }
  }).observe({ type: 'layout-shift', buffered: true });
}

test('no layout jumps: the kanban, the list and the card slider load with CLS < 0.01', async () => {
  const ctx = (await adminPage()).context();
  await ctx.addInitScript(observeShifts);
  const bad = [];
  for (const [name, hash, selector] of [SCREENS[0], SCREENS[1], SCREENS[2], ['a lead\'s card', '#/lead/list?open=lead/1', '.slider .timeline > :is(.tl-list, p.muted)']]) {
    const p = await ctx.newPage();
    collectErrors(p, errors, () => `${current} (${name})`);
    await p.goto(`${URL}/${hash}`);
    await p.waitForSelector(selector);
    await p.waitForTimeout(1000);
    const shifts = await p.evaluate(() => window.__shifts);
    const cls = shifts.reduce((a, s) => a + s.value, 0);
    console.log(`     (${name}: CLS ${cls.toFixed(4)}${shifts.length ? ` — ${shifts.map((s) => `${s.what} ${s.value.toFixed(4)}`).join('; ')}` : ''})`);
    if (cls >= 0.01) bad.push(`${name}: ${cls.toFixed(4)} from ${shifts.map((s) => s.what).join('; ')}`);
    await p.close();
  }
  check(bad.length === 0, bad);
});

test('no errors in the browser console', async () => {
  check(errors.length === 0, errors);
});

// ---- run ----
await runTests(tests, {
  browser,
  keep: (t) => !ONLY || t.name.includes(ONLY) || t.name.startsWith('keyboard: sign in') || t.name.startsWith('no errors'),
  onStart: (name) => { current = name; },
  onFail: async () => { await manager?.keyboard.press('Escape'); },
});
