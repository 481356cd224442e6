// The notifications bell (P6): what the server notified the signed-in user of (im.notify.*):
// mentions in comments, items made theirs, stage changes, activities. The badge counts the unread
// ones; the list shows them newest first and reads further pages as it is scrolled; a click marks
// one read and opens its item's card. The events stream tells of new notifications and of reads
// made in other tabs: the first page and the counts are then read again (one call), and a new one
// is announced to screen readers (politely: it never interrupts).
import { useEffect, useRef, useState } from 'preact/hooks';
import { call } from './api.js';
import { date, lang, t } from './i18n.js';
import { openCard } from './router.js';
import { emit, on, refs, useTopic, userName } from './state.js';
import { TYPE_BY_ID } from './entities.js';
import { Avatar, Menu, Spinner, toastError } from './ui.jsx';
import { Icon } from './icons.jsx';

const PAGE = 20;     // notifications per call (the API's limit is 50)
const NEXT_PAGE = 3; // LAST_TYPE with LAST_ID: the page after that notification

// One store for the session: the bell is drawn again on a language switch, its state stays.
const bell = {
  items: [],         // newest first
  unread: 0,         // total_unread_count
  more: false,       // older pages left
  loading: false,
  loaded: false,
  users: new Map(),  // id → the answer's users[] entry (authors no longer in user.get)
  said: { n: 0, text: '' }, // the last announcement
};
const changed = () => emit('bell');

const sameId = (a, b) => String(a) === String(b);
const when = (n) => Date.parse(n.date) || 0;

// Adds or replaces notifications by id, keeping the newest first.
function merge(list) {
  const byId = new Map(bell.items.map((n) => [String(n.id), n]));
  for (const n of list) byId.set(String(n.id), n);
  bell.items = [...byId.values()].sort((a, b) => when(b) - when(a) || Number(b.id) - Number(a.id));
}

function remember(users) {
  for (const u of users || []) bell.users.set(Number(u.id), u);
}

function authorName(id) {
  if (!Number(id)) return t('bell.system');
  if (refs.usersById.has(Number(id))) return userName(id);
  const u = bell.users.get(Number(id));
  return u?.name || [u?.first_name, u?.last_name].filter(Boolean).join(' ') || userName(id);
}

// The item a CRM notification is about, or null.
function target(n) {
  const p = n.params;
  const type = p && TYPE_BY_ID[Number(p.entityTypeId)];
  return type && Number(p.entityId) ? { type, id: Number(p.entityId), title: p.title || `#${p.entityId}` } : null;
}

// Our own words for the events we know; the server's text for any other.
const EVENTS = new Set(['mention', 'changeAssignedBy', 'changeStage', 'activity']);
const ours = (n) => n.notify_module === 'crm' && EVENTS.has(n.notify_event) && target(n);

// BB code ([b], [URL=…]…[/URL], [USER=…]…[/USER]…) → text and bold/italic elements. Links become
// their text: the whole entry is one button already. Text stays text: never parsed as HTML.
const BB_TAG = /\[(\/?)(b|i|u|s|url|user|color|size|font|br|quote|code|img)(?:=[^\]]*)?\]/gi;
const STYLE = { b: 'b', i: 'i', u: 'u', s: 's' };
function bbText(text) {
  const out = [];
  const open = { b: 0, i: 0, u: 0, s: 0 };
  const push = (s) => {
    if (!s) return;
    let el = s;
    for (const k of ['s', 'u', 'i', 'b']) if (open[k] > 0) el = h(STYLE[k], el);
    out.push(el);
  };
  let last = 0;
  let m;
  BB_TAG.lastIndex = 0;
  while ((m = BB_TAG.exec(text))) {
    push(text.slice(last, m.index));
    last = BB_TAG.lastIndex;
    const tag = m[2].toLowerCase();
    if (tag === 'br') push(' ');
    else if (STYLE[tag]) open[tag] = Math.max(0, open[tag] + (m[1] ? -1 : 1));
  }
  push(text.slice(last));
  return out;
}
const h = (Tag, kid) => <Tag>{kid}</Tag>;
const bbPlain = (text) => String(text || '').replace(BB_TAG, ' ').replace(/\s+/g, ' ').trim();

// A stage's name by its id (a lead's status, any pipeline's deal stage).
function stageName(type, id) {
  const deal = type === 'deal';
  return refs.statuses.find((s) => s.STATUS_ID === id && (deal ? s.ENTITY_ID.startsWith('DEAL_STAGE') : s.ENTITY_ID === 'STATUS'))?.NAME || id;
}

// What the author did, in the UI's language.
function words(n, type) {
  const p = n.params || {};
  if (n.notify_event === 'changeStage') return t('bell.ev.changeStage', { stage: stageName(type, String(p.stageId || '')) });
  if (n.notify_event === 'activity' && !p.subject) return t('bell.ev.activity0');
  return t(`bell.ev.${n.notify_event}`, { subject: String(p.subject || '') });
}

// What an entry says, as elements, and as plain text for the announcement.
function message(n) {
  const it = ours(n);
  if (!it) return { body: bbText(String(n.text || n.notify_title || '')), plain: bbPlain(n.text || n.notify_title) };
  const action = words(n, it.type);
  const typeName = t(`type.${it.type}`);
  return {
    body: [<b>{authorName(n.author_id)}</b>, ' ', action, ' ', <span class="bell-item-target"><span class={`badge badge-${it.type}`}>{typeName}</span> {it.title}</span>],
    plain: `${authorName(n.author_id)} ${action}: ${typeName} «${it.title}»`,
  };
}

// "just now", "5 minutes ago", "yesterday", then the date.
const rtf = {};
function ago(s) {
  const d = Date.parse(s);
  if (!d) return s || '';
  const sec = Math.round((Date.now() - d) / 1000);
  if (sec < 45) return t('bell.now');
  rtf[lang] ||= new Intl.RelativeTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', { numeric: 'auto' });
  if (sec < 3600) return rtf[lang].format(-Math.max(1, Math.round(sec / 60)), 'minute');
  if (sec < 86400) return rtf[lang].format(-Math.round(sec / 3600), 'hour');
  if (sec < 7 * 86400) return rtf[lang].format(-Math.round(sec / 86400), 'day');
  return date(s);
}

function announce(fresh) {
  const text = fresh.length === 1 ? t('bell.new', { text: message(fresh[0]).plain }) : t('bell.newN', { n: fresh.length });
  bell.said = { n: bell.said.n + 1, text };
}

// The first page and the counts, as the server has them now. Unread notifications not seen
// before (after the first load) are announced.
let headSeq = 0;
async function loadHead() {
  const my = ++headSeq;
  const r = await call('im.notify.get', { LIMIT: PAGE });
  if (my !== headSeq) return; // a later read is on its way
  const list = r.notifications || [];
  remember(r.users);
  const seen = new Set(bell.items.map((n) => String(n.id)));
  const fresh = bell.loaded ? list.filter((n) => !seen.has(String(n.id)) && n.notify_read !== 'Y') : [];
  merge(list);
  if (!bell.loaded) bell.more = list.length >= PAGE;
  bell.loaded = true;
  bell.unread = Number(r.total_unread_count) || 0;
  if (fresh.length) announce(fresh);
  changed();
}

// Bursts of events (a "read all" tells of each notification) make one read.
let headTimer = null;
function refresh() {
  if (headTimer) return;
  headTimer = setTimeout(() => {
    headTimer = null;
    loadHead().catch(() => {}); // the badge keeps what it had; the next event tries again
  }, 60);
}

async function loadMore() {
  const last = bell.items[bell.items.length - 1];
  if (bell.loading || !bell.more || !last) return;
  bell.loading = true;
  changed();
  try {
    const r = await call('im.notify.get', { LIMIT: PAGE, LAST_ID: last.id, LAST_TYPE: NEXT_PAGE });
    const list = r.notifications || [];
    remember(r.users);
    merge(list);
    bell.more = list.length >= PAGE;
  } catch (e) {
    bell.more = false; // not again on every scroll
    toastError(e);
  } finally {
    bell.loading = false;
    changed();
  }
}

// A live event: the entry changes at once, the counts come from the server.
function onEvent(ev) {
  if (ev.action === 'delete') {
    const gone = bell.items.find((n) => sameId(n.id, ev.id));
    bell.items = bell.items.filter((n) => n !== gone);
  } else if (ev.action === 'read' || ev.action === 'unread') {
    const v = ev.action === 'read' ? 'Y' : 'N';
    // a read without an id is "all of them"
    bell.items = bell.items.map((n) => (sameId(n.id, ev.id) || (!Number(ev.id) && v === 'Y') ? { ...n, notify_read: v } : n));
  }
  changed();
  refresh();
}

function setRead(n, read) {
  const v = read ? 'Y' : 'N';
  if (n.notify_read === v) return Promise.resolve();
  bell.items = bell.items.map((x) => (sameId(x.id, n.id) ? { ...x, notify_read: v } : x));
  bell.unread = Math.max(0, bell.unread + (read ? -1 : 1));
  changed();
  return call('im.notify.read', { ID: n.id, ONLY_CURRENT: 'Y', ACTION: v }).catch((e) => {
    toastError(e);
    refresh();
  });
}

async function readAll() {
  bell.items = bell.items.map((n) => (n.notify_read === 'Y' ? n : { ...n, notify_read: 'Y' }));
  bell.unread = 0;
  changed();
  try {
    await call('im.notify.read.all');
  } catch (e) {
    toastError(e);
    refresh();
  }
}

function open(n) {
  setRead(n, true);
  const it = target(n);
  if (it) openCard(it.type, it.id);
}

function AuthorAvatar({ id }) {
  if (!Number(id)) return <span class="bell-sys" aria-hidden="true"><Icon name="bell" size={16} /></span>;
  const pic = bell.users.get(Number(id))?.avatar;
  if (typeof pic === 'string' && /^(https?:\/\/|\/)/.test(pic))
    return <img class="avatar bell-pic" src={pic} width={28} height={28} alt="" />;
  return <Avatar id={id} size={28} />;
}

function Entry({ n }) {
  const unread = n.notify_read !== 'Y';
  const { body } = message(n);
  return (
    <button class={`menu-item bell-item ${unread ? 'unread' : ''}`} role="menuitem" data-close data-id={n.id}
      data-event={n.notify_event} onClick={() => open(n)}>
      <AuthorAvatar id={n.author_id} />
      <span class="bell-item-main">
        <span class="bell-item-text">{unread && <span class="sr-only">{t('bell.unread')}: </span>}{body}</span>
        {' '}<time class="bell-item-time" dateTime={n.date} title={date(n.date, true)}>{ago(n.date)}</time>
      </span>
      {unread && <span class="bell-dot" aria-hidden="true" />}
    </button>
  );
}

function BellList() {
  useTopic('bell');
  const box = useRef();
  const [, tick] = useState(0);
  useEffect(() => {
    if (!bell.loaded) loadHead().catch(toastError);
    const timer = setInterval(() => tick((x) => x + 1), 30000); // "5 minutes ago" moves on
    return () => clearInterval(timer);
  }, []);
  // Endless: the next page when the end is near, or when the list does not fill its box.
  const nearEnd = () => {
    const el = box.current;
    if (el && el.scrollTop + el.clientHeight >= el.scrollHeight - 60) loadMore();
  };
  useEffect(nearEnd);
  // Opened before the first page came: the menu found nothing to focus; the first entry takes it
  // now, unless the user has gone elsewhere meanwhile.
  const waited = useRef(!bell.items.length);
  useEffect(() => {
    if (!waited.current || !bell.items.length) return;
    waited.current = false;
    const menu = box.current?.closest('.menu');
    if (document.activeElement === menu?.querySelector('.menu-btn')) menu.querySelector('.menu-pop [role=menuitem]')?.focus();
  });
  return (
    <div class="bell-pop">
      <div class="bell-head">
        <b>{t('bell')}</b>
        {/* absent, not disabled, when all are read: the menu puts the focus on its first button */}
        {bell.unread > 0 && <button class="link-btn" role="menuitem" data-action="read-all" onClick={readAll}>{t('bell.readAll')}</button>}
      </div>
      <div class="bell-list" ref={box} onScroll={nearEnd}>
        {bell.loaded && bell.items.length === 0 && <p class="muted pad">{t('bell.empty')}</p>}
        {bell.items.map((n) => <Entry key={n.id} n={n} />)}
        {(bell.loading || !bell.loaded) && <Spinner />}
      </div>
    </div>
  );
}

export function Bell() {
  useTopic('bell');
  useEffect(() => {
    if (!bell.loaded) loadHead().catch(() => {}); // the badge: shown once the server answers
    return on('notify', onEvent);
  }, []);
  const n = bell.unread;
  return (
    <>
      <Menu label={n ? t('bell.labelN', { n }) : t('bell')} align="right" class="bell" button={
        <span class="bell-icon" aria-hidden="true"><Icon name="bell" size={20} />{n > 0 && <span class="bell-count">{n > 99 ? '99+' : n}</span>}</span>
      }>
        <BellList />
      </Menu>
      <div class="sr-only" role="status" aria-live="polite" aria-atomic="true"><span key={bell.said.n}>{bell.said.text}</span></div>
    </>
  );
}
