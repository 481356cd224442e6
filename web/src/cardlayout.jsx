// C2: the card's layout — sections of fields, kept per item type and deal pipeline by
// crm.item.details.configuration.* as Bitrix24 keeps it: [{name, title, type: "section",
// elements: [{name, title?}]}]. A user's own layout (scope P) wins over the common one (scope C);
// with neither, the card shows the default below. The editor adds, renames, moves (drag, or
// Alt+↑/↓ on a handle) and removes sections, renames, moves and hides fields, and brings back any
// field of the type; "save for everyone" needs the right to change settings.
import { useRef, useState } from 'preact/hooks';
import { call } from './api.js';
import { fieldLabel, t } from './i18n.js';
import { canSettings, cardConfigs, customCodes, loadCardConfig } from './state.js';
import { HIDDEN, SECTIONS, TYPES } from './entities.js';
import { confirm, toast, toastError } from './ui.jsx';
import { Icon } from './icons.jsx';

// Read-only facts shown at the card's foot unless the layout places them.
export const INFO = ['CREATED_BY_ID', 'DATE_CREATE', 'MODIFY_BY_ID', 'DATE_MODIFY'];

// Whether a field may be in this card: a known field that is not the stage (the bar shows it) nor
// internal, and — for deals — a custom field the pipeline shows (D5).
export function allowedField(type, fields, cfg, code) {
  const d = fields[code];
  if (!d || HIDDEN.has(code) || code === TYPES[type].stageField) return false;
  if (code.startsWith('UF_')) return !cfg?.ufs || cfg.ufs.has(code);
  return d.type !== 'file' && code !== 'PHOTO' && code !== 'LOGO'; // no editor for the standard pictures
}

export function defaultLayout(type, fields, cfg) {
  const ok = (c) => allowedField(type, fields, cfg, c);
  const secs = SECTIONS[type].map(([name, codes]) => ({ name, title: '', elements: codes.filter(ok).map((c) => ({ name: c })) }));
  secs.push({ name: 'custom', title: '', elements: customCodes(fields).filter(ok).map((c) => ({ name: c })) });
  return secs;
}

// What the card shows: the layout's sections (fields it cannot show dropped), the fields left
// out ("more", editable ones only) and the read-only facts.
export function cardSections(type, fields, item, cfg) {
  const ok = (c) => allowedField(type, fields, cfg, c);
  const layout = (cfg?.layout || defaultLayout(type, fields, cfg)).map((s) => ({
    name: s.name, title: s.title || '', elements: (s.elements || []).filter((e) => ok(e.name)).map((e) => ({ name: e.name, title: e.title || '' })),
  }));
  const used = new Set(layout.flatMap((s) => s.elements.map((e) => e.name)));
  const more = Object.keys(fields).filter((c) => ok(c) && !used.has(c) && !fields[c].isReadOnly && !INFO.includes(c));
  const info = INFO.filter((c) => fields[c] && item[c] && !used.has(c));
  return { layout, more, info };
}

export function sectionTitle(type, s) {
  if (s.title) return s.title;
  if (s.name === 'about') return type === 'deal' ? t('card.about') : t(`card.about.${type}`);
  if (s.name === 'client') return t('card.client');
  if (s.name === 'custom') return t('card.custom');
  return t('layout.untitled');
}

const clone = (x) => JSON.parse(JSON.stringify(x));

function focusLater(selector) {
  requestAnimationFrame(() => document.querySelector(selector)?.focus());
}

export function LayoutEditor({ type, item, fields, cfg, rights, onDone }) {
  const T = TYPES[type];
  const categoryId = type === 'deal' ? Number(item.CATEGORY_ID) || 0 : 0;
  const [draft, setDraft] = useState(() => cardSections(type, fields, item, cfg).layout);
  const [forceAll, setForceAll] = useState(false);
  const [busy, setBusy] = useState(false);
  const from = useRef(new Map()); // a hidden field → the section it was hidden from
  const drag = useRef(null);      // {kind: 'field'|'section', si, fi}
  const [over, setOver] = useState(null);
  const can = canSettings(rights);

  const change = (fn) => setDraft((d) => {
    const n = clone(d);
    fn(n);
    return n;
  });
  const used = new Set(draft.flatMap((s) => s.elements.map((e) => e.name)));
  const hidden = Object.keys(fields).filter((c) => allowedField(type, fields, cfg, c) && !used.has(c))
    .sort((a, b) => fieldLabel(a, fields[a]).localeCompare(fieldLabel(b, fields[b])));
  const label = (c) => fieldLabel(c, fields[c]);

  // a field to section si before position fi (positions as before the move)
  const moveField = (si, fi, sj, fj) => change((d) => {
    const [el] = d[si].elements.splice(fi, 1);
    if (si === sj && fi < fj) fj--;
    d[sj].elements.splice(fj, 0, el);
  });
  const moveSection = (i, j) => change((d) => {
    const [s] = d.splice(i, 1);
    d.splice(j, 0, s);
  });
  const fieldKeys = (si, fi, name) => (e) => {
    if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    e.preventDefault();
    const n = draft[si].elements.length;
    if (e.key === 'ArrowUp') {
      if (fi > 0) moveField(si, fi, si, fi - 1);
      else if (si > 0) moveField(si, fi, si - 1, draft[si - 1].elements.length);
      else return;
    } else if (fi < n - 1) moveField(si, fi, si, fi + 2);
    else if (si < draft.length - 1) moveField(si, fi, si + 1, 0);
    else return;
    focusLater(`.lfield[data-field="${name}"] .drag`);
  };
  const sectionKeys = (si, name) => (e) => {
    if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    e.preventDefault();
    const j = e.key === 'ArrowUp' ? si - 1 : si + 1;
    if (j < 0 || j >= draft.length) return;
    moveSection(si, j);
    focusLater(`.lsec[data-section="${name}"] .lsec-head .drag`);
  };
  const hide = (si, fi) => {
    const name = draft[si].elements[fi].name;
    from.current.set(name, draft[si].name);
    change((d) => d[si].elements.splice(fi, 1));
    focusLater(`.lhidden [data-field="${name}"] button`);
  };
  const show = (name, si) => {
    let i = si ?? draft.findIndex((s) => s.name === from.current.get(name));
    if (i < 0) i = draft.length - 1;
    if (i < 0) return;
    change((d) => d[i].elements.push({ name, title: '' }));
  };
  const addSection = () => {
    const name = `s${Date.now().toString(36)}`;
    change((d) => d.push({ name, title: t('layout.newSection'), elements: [] }));
    focusLater(`.lsec[data-section="${name}"] .lsec-title`);
  };
  const removeSection = (si) => change((d) => {
    d[si].elements.forEach((e) => from.current.delete(e.name));
    d.splice(si, 1);
  });

  const drop = (sj, fj) => (e) => {
    e.preventDefault();
    e.stopPropagation();
    setOver(null);
    const g = drag.current;
    drag.current = null;
    if (!g) return;
    if (g.kind === 'field') moveField(g.si, g.fi, sj, fj ?? draft[sj].elements.length);
    else if (g.si !== sj) moveSection(g.si, sj);
  };
  const dragOver = (key) => (e) => {
    if (!drag.current) return;
    e.preventDefault();
    e.stopPropagation();
    if (over !== key) setOver(key);
  };

  // a default section keeps an empty title (each language shows its own) until it is renamed
  const data = () => draft.map((s) => ({
    name: s.name, title: s.title && s.title !== sectionTitle(type, { name: s.name }) ? s.title : '', type: 'section',
    elements: s.elements.map((e) => (e.title ? { name: e.name, title: e.title } : { name: e.name })),
  }));
  const target = (scope) => ({ entityTypeId: T.id, scope, ...(type === 'deal' ? { extras: { categoryId } } : {}) });
  const finish = async (msg) => {
    cardConfigs.delete(`${T.id}:${categoryId}`);
    const fresh = await loadCardConfig(T.id, categoryId);
    toast(msg);
    onDone(fresh);
  };
  const run = async (fn, msg) => {
    setBusy(true);
    try {
      await fn();
      await finish(msg);
    } catch (e) {
      toastError(e);
      setBusy(false);
    }
  };
  const saveCommon = () => run(async () => {
    await call('crm.item.details.configuration.set', { ...target('C'), data: data() });
    // one's own layout would hide the common one from oneself
    await call('crm.item.details.configuration.reset', target('P'));
    if (forceAll) await call('crm.item.details.configuration.forceCommonScopeForAll', target('C'));
  }, t('layout.savedAll'));
  const savePersonal = () => run(() => call('crm.item.details.configuration.set', { ...target('P'), data: data() }), t('layout.savedMe'));
  const reset = async () => {
    if (!(await confirm({ title: t('layout.reset'), text: t(can ? 'layout.resetAll' : 'layout.resetMe'), ok: t('layout.reset') }))) return;
    run(async () => {
      await call('crm.item.details.configuration.reset', target('P'));
      if (can) await call('crm.item.details.configuration.reset', target('C'));
    }, t('layout.resetDone'));
  };

  const std = (list) => list.filter((c) => !c.startsWith('UF_'));
  const uf = (list) => list.filter((c) => c.startsWith('UF_'));
  return (
    <div class="layout-edit" role="region" aria-label={t('layout.edit')}>
      <p class="muted small">{t('layout.hint')}</p>
      {draft.map((s, si) => {
        const title = sectionTitle(type, s);
        return (
          <section key={s.name} class={`fsec lsec ${over === `s${si}` ? 'drop' : ''}`} data-section={s.name}
            onDragOver={dragOver(`s${si}`)} onDrop={drop(si)} onDragLeave={(e) => e.currentTarget === e.target && setOver(null)}>
            <div class="lsec-head">
              <button type="button" class="drag" draggable aria-label={`${title}: ${t('layout.moveHint')}`} title={t('layout.moveHint')}
                onKeyDown={sectionKeys(si, s.name)}
                onDragStart={(e) => { drag.current = { kind: 'section', si }; e.dataTransfer.effectAllowed = 'move'; e.dataTransfer.setData('text/plain', s.name); }}
                onDragEnd={() => { drag.current = null; setOver(null); }}>⋮⋮</button>
              <input class="name-input lsec-title" value={s.touched ? s.title : title} aria-label={t('layout.sectionName')}
                onInput={(e) => { const v = e.currentTarget.value; change((d) => { d[si].title = v; d[si].touched = true; }); }} />
              <button type="button" class="icon-btn" aria-label={`${t('layout.deleteSection')}: ${title}`} title={t('layout.deleteSection')}
                onClick={() => removeSection(si)}><Icon name="trash" /></button>
            </div>
            <ul class="lfields">
              {s.elements.map((el, fi) => (
                <li key={el.name} class={`lfield ${over === `f${si}.${fi}` ? 'drop' : ''}`} data-field={el.name}
                  onDragOver={dragOver(`f${si}.${fi}`)} onDrop={drop(si, fi)}>
                  <button type="button" class="drag" draggable aria-label={`${label(el.name)}: ${t('layout.moveHint')}`} title={t('layout.moveHint')}
                    onKeyDown={fieldKeys(si, fi, el.name)}
                    onDragStart={(e) => { drag.current = { kind: 'field', si, fi }; e.dataTransfer.effectAllowed = 'move'; e.dataTransfer.setData('text/plain', el.name); }}
                    onDragEnd={() => { drag.current = null; setOver(null); }}>⋮⋮</button>
                  <input class="name-input" value={el.title} placeholder={label(el.name)} aria-label={`${t('layout.fieldName')}: ${label(el.name)}`}
                    onInput={(e) => { const v = e.currentTarget.value; change((d) => { d[si].elements[fi].title = v; }); }} />
                  {el.name.startsWith('UF_') && <span class="badge">UF</span>}
                  <button type="button" class="icon-btn lhide" aria-label={`${t('layout.hide')}: ${label(el.name)}`} title={t('layout.hide')}
                    onClick={() => hide(si, fi)}>×</button>
                </li>
              ))}
              {!s.elements.length && <li class="lempty muted small">{t('layout.empty')}</li>}
            </ul>
            {hidden.length > 0 && (
              <select class="ladd" aria-label={`${t('layout.addField')}: ${title}`} value=""
                onChange={(e) => { const c = e.currentTarget.value; if (c) show(c, si); }}>
                <option value="">+ {t('layout.addField')}</option>
                {std(hidden).length > 0 && <optgroup label={t('layout.standard')}>{std(hidden).map((c) => <option key={c} value={c}>{label(c)}</option>)}</optgroup>}
                {uf(hidden).length > 0 && <optgroup label={t('card.custom')}>{uf(hidden).map((c) => <option key={c} value={c}>{label(c)}</option>)}</optgroup>}
              </select>
            )}
          </section>
        );
      })}
      <button type="button" class="btn btn-sm ladd-section" onClick={addSection}>+ {t('layout.addSection')}</button>
      <section class="fsec lhidden" aria-label={t('layout.hidden')}>
        <h3>{t('layout.hidden')} ({hidden.length})</h3>
        <ul>
          {hidden.map((c) => (
            <li key={c} data-field={c}>
              <span>{label(c)}</span>
              <button type="button" class="link-btn" aria-label={`${t('layout.show')}: ${label(c)}`} onClick={() => show(c)}>{t('layout.show')}</button>
            </li>
          ))}
        </ul>
      </section>
      <div class="layout-foot">
        {can && <button type="button" class="btn btn-sm btn-primary" disabled={busy} onClick={saveCommon}>{t('layout.saveAll')}</button>}
        <button type="button" class={`btn btn-sm ${can ? '' : 'btn-primary'}`} disabled={busy} onClick={savePersonal}>{t('layout.saveMe')}</button>
        <button type="button" class="btn btn-sm" disabled={busy} onClick={() => onDone(null)}>{t('cancel')}</button>
        <button type="button" class="btn btn-sm btn-ghost" disabled={busy} onClick={reset}>{t('layout.reset')}</button>
        {can && <label class="check small"><input type="checkbox" checked={forceAll} onChange={(e) => setForceAll(e.currentTarget.checked)} />{t('layout.forceAll')}</label>}
      </div>
    </div>
  );
}
