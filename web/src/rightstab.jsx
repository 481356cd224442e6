// The Access rights tab of Settings and its screen, fetched as a chunk of its own (rights.jsx) the
// first time it opens, so the app everyone loads stays small. The tab shows only to portal
// administrators and holders of the settings right (voronka.crm.rights.get: ADMIN / SETTINGS).
import { useEffect, useState } from 'preact/hooks';
import { lang } from './i18n.js';
import { canSettings, loadRights } from './state.js';
import { Spinner, toast } from './ui.jsx';

const TAB = { ru: 'Права доступа', en: 'Access rights' };

export function RightsTab({ active }) {
  const [can, setCan] = useState(false);
  useEffect(() => {
    let live = true;
    loadRights().then((r) => live && setCan(canSettings(r)), () => live && setCan(canSettings(null)));
    return () => { live = false; };
  }, []);
  if (!can) return null;
  return <a href="#/settings/rights" aria-current={active ? 'page' : undefined} class={active ? 'active' : ''} data-tab="rights">{TAB[lang] || TAB.ru}</a>;
}

let rightsModule = null;
export function LazyRights({ arg }) {
  const [mod, setMod] = useState(rightsModule);
  useEffect(() => {
    if (!mod) import('./rights.jsx').then((m) => { rightsModule = m; setMod(m); }, (e) => toast(e.message, 'error'));
  }, []);
  return mod ? <mod.AccessRights arg={arg} /> : <Spinner />;
}
