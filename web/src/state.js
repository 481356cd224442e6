// What every screen shares: the reference lists (crm.status.list), the deal pipelines, the users,
// the signed-in user, and the live events stream (GET /events). Screens subscribe with on().
import { useEffect, useState } from 'preact/hooks';
import { batch, call, session } from './api.js';

const listeners = new Map(); // topic → Set(fn)

export function on(topic, fn) {
  if (!listeners.has(topic)) listeners.set(topic, new Set());
  listeners.get(topic).add(fn);
  return () => listeners.get(topic).delete(fn);
}

export function emit(topic, data) {
  for (const fn of [...(listeners.get(topic) || [])]) fn(data);
}

// useTopic(topic) → a counter that changes whenever the topic is emitted (re-renders the caller).
export function useTopic(topic) {
  const [n, setN] = useState(0);
  useEffect(() => on(topic, () => setN((x) => x + 1)), [topic]);
  return n;
}

export const refs = {
  me: null,
  statuses: [],   // every crm.status record
  categories: [], // deal pipelines, crm.category.list order
  users: [],      // active users
  usersById: new Map(),
};

const MAX_USERS = 1000;

async function loadUsers() {
  const users = [];
  for (let start = 0; start < MAX_USERS; start += 50) {
    const page = await call('user.get', { FILTER: { ACTIVE: true }, start });
    users.push(...page);
    if (page.length < 50) break;
  }
  refs.users = users;
  refs.usersById = new Map(users.map((u) => [Number(u.ID), u]));
}

export async function loadStatuses() {
  const r = await batch({
    statuses: ['crm.status.list', { order: { SORT: 'ASC', ID: 'ASC' } }],
    categories: ['crm.category.list', { entityTypeId: 2 }],
  });
  refs.statuses = r.statuses;
  refs.categories = r.categories.categories;
  emit('refs');
}

export async function boot() {
  const [me] = await Promise.all([call('user.current'), loadStatuses(), loadUsers()]);
  refs.me = me;
  emit('refs');
}

export function userName(id) {
  const u = refs.usersById.get(Number(id));
  if (!u) return id ? `#${id}` : '';
  return [u.NAME, u.LAST_NAME].filter(Boolean).join(' ') || u.EMAIL || `#${id}`;
}

export function initials(id) {
  const u = refs.usersById.get(Number(id));
  if (!u) return '?';
  return ((u.NAME || '')[0] || '') + ((u.LAST_NAME || '')[0] || '') || (u.EMAIL || '?')[0].toUpperCase();
}

// The reference list ENTITY_ID of a deal pipeline's stages.
export const stageEntity = (categoryId) => (Number(categoryId) ? `DEAL_STAGE_${categoryId}` : 'DEAL_STAGE');

export function statusList(entityId) {
  return refs.statuses
    .filter((s) => s.ENTITY_ID === entityId)
    .sort((a, b) => Number(a.SORT) - Number(b.SORT) || Number(a.ID) - Number(b.ID));
}

// The stages of an item: a lead's statuses, a deal's pipeline stages; each with its semantics
// P (in progress), S (success) or F (failure).
export function stagesOf(type, categoryId = 0) {
  const list = type === 'lead' ? statusList('STATUS') : type === 'deal' ? statusList(stageEntity(categoryId)) : [];
  return list.map((s) => ({ ...s, sem: s.SEMANTICS || 'P' }));
}

export function statusName(entityId, statusId) {
  return refs.statuses.find((s) => s.ENTITY_ID === entityId && s.STATUS_ID === statusId)?.NAME || statusId || '';
}

export function categoryName(id) {
  return refs.categories.find((c) => Number(c.id) === Number(id))?.name || '';
}

// ---- live events ----

let source = null;
export const live = { connected: false };

export function startEvents() {
  if (source || typeof EventSource === 'undefined') return;
  source = new EventSource('/events');
  source.addEventListener('open', () => {
    live.connected = true;
    emit('live');
  });
  source.addEventListener('error', () => {
    live.connected = false;
    emit('live');
  });
  source.addEventListener('crm', (e) => {
    let d;
    try {
      d = JSON.parse(e.data);
    } catch {
      return;
    }
    emit('crm', d);
  });
  // The server lost our place in its log: every view reloads what it shows.
  source.addEventListener('reset', () => emit('crm', { entityTypeId: 0, id: 0, action: 'reset', userId: 0 }));
}

export { session };

// ---- field descriptors (crm.X.fields), fetched once per type ----
const fieldCache = new Map();
export function loadFields(method) {
  if (!fieldCache.has(method)) fieldCache.set(method, call(`${method}.fields`).catch((e) => {
    fieldCache.delete(method);
    throw e;
  }));
  return fieldCache.get(method);
}

// ---- titles of linked items (a deal's company, a contact's companies…), fetched once per id ----
export const titles = new Map(); // "company:5" → title
const TITLE_SELECT = { company: ['ID', 'TITLE'], contact: ['ID', 'NAME', 'LAST_NAME'], lead: ['ID', 'TITLE'], deal: ['ID', 'TITLE'] };
export async function loadTitles(pairs) {
  const want = {};
  for (const [type, id] of pairs) {
    if (!id || titles.has(`${type}:${id}`)) continue;
    (want[type] ||= new Set()).add(Number(id));
  }
  const cmds = {};
  for (const [type, ids] of Object.entries(want)) {
    const list = [...ids];
    list.forEach((id) => titles.set(`${type}:${id}`, `#${id}`));
    for (let i = 0; i < list.length; i += 50)
      cmds[`${type}${i}`] = [`crm.${type}.list`, { filter: { '@ID': list.slice(i, i + 50) }, select: TITLE_SELECT[type], start: -1 }];
  }
  if (!Object.keys(cmds).length) return;
  const r = await batch(cmds, { halt: false });
  for (const [k, rows] of Object.entries(r)) {
    if (!Array.isArray(rows)) continue;
    const type = k.replace(/\d+$/, '');
    for (const x of rows)
      titles.set(`${type}:${x.ID}`, x.TITLE || [x.NAME, x.LAST_NAME].filter(Boolean).join(' ') || `#${x.ID}`);
  }
  emit('titles');
}
