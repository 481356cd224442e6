// What every screen shares: the reference lists (crm.status.list), the deal pipelines, the users,
// the signed-in user, and the live events stream (GET /events). Screens subscribe with on().
import { useEffect, useState } from 'preact/hooks';
import { batch, call, session } from './api.js';
import { loadPrefs } from './prefs.js';

const listeners = new Map(); // topic → Set(fn)

export function on(topic, fn) {
  if (!listeners.has(topic)) listeners.set(topic, new Set());
  listeners.get(topic).add(fn);
  return () => listeners.get(topic).delete(fn);
}

const emitted = new Map(); // topic → how many times it was emitted

export function emit(topic, data) {
  emitted.set(topic, (emitted.get(topic) || 0) + 1);
  for (const fn of [...(listeners.get(topic) || [])]) fn(data);
}

// useTopic(topic) → a counter that changes whenever the topic is emitted (re-renders the caller).
// The subscription starts in an effect, after the first paint: an emit between that render and
// the effect (the events stream opening just then, say) would be lost, and the screen would show
// the state it read before it, so the effect compares the count it rendered with and catches up.
export function useTopic(topic) {
  const [n, setN] = useState(0);
  const seen = emitted.get(topic) || 0;
  useEffect(() => {
    const off = on(topic, () => setN((x) => x + 1));
    if ((emitted.get(topic) || 0) !== seen) setN((x) => x + 1);
    return off;
  }, [topic]);
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
  const [me] = await Promise.all([call('user.current'), loadStatuses(), loadUsers(), loadPrefs()]);
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
  let lost = false;
  source.addEventListener('open', () => {
    live.connected = true;
    emit('live');
    // back after a break: what came meanwhile is read again (the bell's count, …)
    if (lost) emit('notify', { action: 'reset' });
    lost = false;
  });
  source.addEventListener('error', () => {
    lost = true;
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
  // The signed-in user's notifications (the bell): {id, action: add|read|unread|delete, userId}.
  source.addEventListener('notify', (e) => {
    try {
      emit('notify', JSON.parse(e.data));
    } catch {
      // not JSON: nothing to tell
    }
  });
  // The server lost our place in its log: every view reloads what it shows.
  source.addEventListener('reset', () => {
    emit('crm', { entityTypeId: 0, id: 0, action: 'reset', userId: 0 });
    emit('notify', { action: 'reset' });
  });
}

export { session };

// ---- field descriptors (crm.X.fields), fetched once per type ----
// Custom fields (UF_CRM_*) come with their definitions (crm.X.userfield.list, the same batch):
// labels per language, sort, "show in filter" and "show in list", which crm.X.fields lacks.
const fieldCache = new Map();
const fieldCmds = (method) => ({
  f: [`${method}.fields`],
  u: [`${method}.userfield.list`, { order: { SORT: 'ASC', ID: 'ASC' } }],
});
function mergeFields(r) {
  if (!r.f) throw new Error(r.__errors?.f?.error_description || 'crm.fields');
  const out = { ...r.f };
  for (const d of Array.isArray(r.u) ? r.u : []) {
    if (!out[d.FIELD_NAME]) continue;
    out[d.FIELD_NAME] = { ...out[d.FIELD_NAME], uf: d, labels: d.EDIT_FORM_LABEL, sort: Number(d.SORT) || 0 };
  }
  return out;
}
export function loadFields(method) {
  if (!fieldCache.has(method)) fieldCache.set(method, batch(fieldCmds(method), { halt: false }).then(mergeFields).catch((e) => {
    fieldCache.delete(method);
    throw e;
  }));
  return fieldCache.get(method);
}

// Custom fields changed (settings): descriptors are read again, and screens showing them redraw.
export function dropFields(method) {
  if (method) fieldCache.delete(method);
  else fieldCache.clear();
  cardConfigs.clear();
  emit('fields');
}

// The custom fields of a descriptor map, in their sort order.
export function customCodes(fields) {
  return Object.keys(fields).filter((c) => c.startsWith('UF_'))
    .sort((a, b) => (fields[a].sort || 0) - (fields[b].sort || 0) || (Number(fields[a].uf?.ID) || 0) - (Number(fields[b].uf?.ID) || 0));
}

// ---- the caller's CRM rights (voronka.crm.rights.get), read when first needed ----
let rightsPromise = null;
export function loadRights() {
  if (!rightsPromise) rightsPromise = call('voronka.crm.rights.get').catch((e) => {
    rightsPromise = null;
    throw e;
  });
  return rightsPromise;
}
export const canSettings = (r) => session.isAdmin || r?.ADMIN === 'Y' || r?.SETTINGS === 'Y';

// ---- card layouts (C2) and a pipeline's custom fields (D5), per type and pipeline ----
// {layout: the stored sections or null (the default), ufs: Set of the pipeline's custom fields or
// null (all), fields: the type's descriptors}. Kept for the session and read again whenever a card
// opens (one batch), which also brings the descriptors up to date: a custom field another
// administrator added shows in the next card opened.
export const cardConfigs = new Map();
export async function loadCardConfig(typeId, categoryId, method) {
  const extras = typeId === 2 ? { categoryId: Number(categoryId) || 0 } : undefined;
  const cmds = { layout: ['crm.item.details.configuration.get', { entityTypeId: typeId, scope: 'P', extras }] };
  if (typeId === 2) cmds.ufs = ['voronka.crm.deal.userfield.pipeline.get', { categoryId: Number(categoryId) || 0 }];
  if (method) Object.assign(cmds, fieldCmds(method));
  const r = await batch(cmds, { halt: false });
  const cfg = {
    layout: Array.isArray(r.layout) && r.layout.length ? r.layout : null,
    ufs: r.ufs && r.ufs.configured ? new Set(r.ufs.fields) : null,
    fields: null,
  };
  if (method && r.f) {
    cfg.fields = mergeFields(r);
    fieldCache.set(method, Promise.resolve(cfg.fields));
  }
  cardConfigs.set(`${typeId}:${Number(categoryId) || 0}`, cfg);
  return cfg;
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
