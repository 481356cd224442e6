// The signed-in user's own preferences, kept on the server (user.option.get / user.option.set), so
// they follow the user to any browser: the list columns and the saved filter presets of each type
// ("crm.list.deal.columns", "crm.list.deal.presets"). All of them are read once at boot (one
// call) and kept here; a change is written at once, changes made while a write is on its way go
// together in the next one, so the server always ends with the last value.
//
// Before these were on the server the list kept them in localStorage: such a value moves to the
// server once (unless the server already has one, which then wins), and is dropped from the browser.
// A server that does not know user.option.* (an older voronka) leaves everything in localStorage.
import { call } from './api.js';

let values = {};       // name → value, as the server has it
let onServer = false;  // user.option.get answered: values live there
const dirty = new Set(); // names changed since the last write began
let queued = null;     // the write that will carry `dirty`, not started yet
let chain = Promise.resolve();

// Where the list kept them before: localStorage key → option name.
const LEGACY = [
  [/^voronka\.cols\.(\w+)$/, (type) => `crm.list.${type}.columns`],
  [/^voronka\.presets\.(\w+)$/, (type) => `crm.list.${type}.presets`],
];

function legacyKey(name) {
  const m = /^crm\.list\.(\w+)\.(columns|presets)$/.exec(name);
  return m ? `voronka.${m[2] === 'columns' ? 'cols' : 'presets'}.${m[1]}` : null;
}

function readLocal(key) {
  try {
    return JSON.parse(localStorage.getItem(key));
  } catch {
    return null;
  }
}

// Moves what the browser still keeps to the server, once; a failed write leaves it for next time.
async function migrate() {
  const moved = {};
  const keys = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    for (const [re, name] of LEGACY) {
      const m = re.exec(key || '');
      if (!m) continue;
      keys.push(key);
      const v = readLocal(key);
      if (v !== null && values[name(m[1])] === undefined) moved[name(m[1])] = v;
    }
  }
  if (Object.keys(moved).length) {
    await call('user.option.set', { options: moved });
    Object.assign(values, moved);
  }
  for (const k of keys) localStorage.removeItem(k);
}

// Called once at boot; never fails (without the server's options the browser keeps them).
export async function loadPrefs() {
  try {
    const all = await call('user.option.get');
    // nothing saved is [] (PHP's empty array), as Bitrix24 answers
    values = all && typeof all === 'object' && !Array.isArray(all) ? all : {};
    onServer = true;
  } catch {
    values = {};
    onServer = false;
    return;
  }
  try {
    await migrate();
  } catch {
    // kept in localStorage: the next boot tries again
  }
}

// pref(name, fallback) → the saved value, or fallback when there is none ("" is none too: the API
// has no delete, an option is emptied instead).
export function pref(name, fallback) {
  const v = onServer ? values[name] : readLocal(legacyKey(name) || name);
  return v === undefined || v === null || v === '' ? fallback : v;
}

// Saves a value; the promise settles when the server has it (rejects with the API's error).
export function setPref(name, value) {
  if (!onServer) {
    localStorage.setItem(legacyKey(name) || name, JSON.stringify(value));
    return Promise.resolve();
  }
  values[name] = value;
  dirty.add(name);
  if (!queued) {
    // after the write in flight, whatever it did: a write never overtakes an older one
    queued = chain = chain.catch(() => {}).then(() => {
      queued = null;
      const options = {};
      for (const n of dirty) options[n] = values[n];
      dirty.clear();
      return call('user.option.set', { options });
    });
  }
  return queued;
}
