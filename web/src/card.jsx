// The card of an item, a slider over the list or kanban (C1), routed by ?open=type/id: the stage
// bar (C3), fields in sections edited in place, the timeline (C6), products (C8), relations (C5),
// history (C7) and, for leads, conversion (C4).
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { call } from './api.js';
import { date, fieldLabel, t } from './i18n.js';
import { closeCard, openCard } from './router.js';
import { cardConfigs, loadCardConfig, loadFields, loadRights, loadTitles, on, refs, session, stagesOf, statusList, titles, useTopic, userName } from './state.js';
import { TYPES, TYPE_BY_ID, itemTitle, statusEntityOf } from './entities.js';
import { Value, isEmptyValue, linkedIds, linkedType } from './format.jsx';
import { confirm, inkOn, Modal, Spinner, toast, toastError, UserSelect } from './ui.jsx';
import { Icon } from './icons.jsx';
import { CURRENCIES, UfInput, ufInitial, ufMissing, ufOut } from './ufields.jsx';
import { LayoutEditor, cardSections, sectionTitle } from './cardlayout.jsx';
import { Timeline } from './timeline.jsx';
import { History, Products, Relations } from './cardtabs.jsx';

// The card closed: the focus goes back where it was when it opened. A kanban card the item was
// moved from in the meantime (by the stage bar, or live) is drawn anew in its new column, perhaps a
// moment later, when the live update arrives: it is looked for by its id until then.
function focusBack(prev, slider) {
  if (!prev || prev === document.body) return;
  const id = prev.dataset?.cardId;
  const find = () => (prev.isConnected ? prev : id ? document.querySelector(`[data-card-id="${id}"]`) : null);
  // still in the slider (its elements are removed after this runs), or nowhere
  const lost = () => {
    const a = document.activeElement;
    return !a || a === document.body || !a.isConnected || !!slider?.contains(a);
  };
  let tries = 0;
  const attempt = () => {
    const el = find();
    if (el && lost()) el.focus();
    else if (!el && lost() && ++tries < 20) setTimeout(attempt, 50);
  };
  attempt();
}

export function CardSlider({ open }) {
  const [type, idStr] = open.split('/');
  const id = Number(idStr);
  const panel = useRef();
  useEffect(() => {
    const prev = document.activeElement;
    const slider = panel.current?.parentElement;
    panel.current?.focus();
    const key = (e) => {
      if (document.querySelector('.modal-back')) return; // a dialog over the card handles its keys
      if (e.key === 'Escape') closeCard();
      if (e.key === 'Tab' && panel.current) { // the focus stays in the card while it is open
        const f = [...panel.current.querySelectorAll('a[href],button:not(:disabled),input,select,textarea,[tabindex="0"]')];
        const inside = panel.current.contains(document.activeElement);
        if (!f.length) return;
        if (!inside || (!e.shiftKey && document.activeElement === f[f.length - 1])) {
          e.preventDefault();
          f[0].focus();
        } else if (e.shiftKey && document.activeElement === f[0]) {
          e.preventDefault();
          f[f.length - 1].focus();
        }
      }
    };
    document.addEventListener('keydown', key);
    return () => {
      document.removeEventListener('keydown', key);
      focusBack(prev, slider);
    };
  }, []);
  return (
    <div class="slider-back" onMouseDown={(e) => e.target === e.currentTarget && closeCard()}>
      <button class="slider-close" aria-label={t('close')} title={`${t('close')} (Esc)`} onClick={closeCard}>×</button>
      <div class="slider" role="dialog" aria-modal="true" aria-label={t(`type.${type}`)} tabIndex={-1} ref={panel}>
        {TYPES[type] && id > 0 ? <Card type={type} id={id} /> : <p class="pad">{t('card.notFound')}</p>}
      </div>
    </div>
  );
}

function Card({ type, id }) {
  useTopic('refs');
  useTopic('titles');
  const T = TYPES[type];
  const [item, setItem] = useState(null);
  const [fields, setFields] = useState(null);
  const [missing, setMissing] = useState(false);
  const [tab, setTab] = useState('general');
  const [converting, setConverting] = useState(false);
  const [tlKey, setTlKey] = useState(0);
  const [cfg, setCfg] = useState(null);       // the layout and the pipeline's custom fields
  const [editing, setEditing] = useState(null); // the caller's rights while the layout is edited
  const cfgKey = useRef('');

  // The layout of the item's type and pipeline: the one kept from an earlier card at once (read
  // again behind it), else waited for, so the fields do not jump.
  const loadCfg = async (it) => {
    const cat = type === 'deal' ? Number(it.CATEGORY_ID) || 0 : 0;
    const key = `${T.id}:${cat}`;
    if (cfgKey.current === key) return;
    cfgKey.current = key;
    const fresh = loadCardConfig(T.id, cat, T.method).catch(() => ({ layout: null, ufs: null }));
    const apply = (c) => {
      if (cfgKey.current !== key) return;
      setCfg(c);
      if (c.fields) setFields(c.fields);
    };
    const known = cardConfigs.get(key);
    if (known) {
      setCfg(known);
      fresh.then(apply);
    } else {
      apply(await fresh);
    }
  };

  const load = async () => {
    try {
      const [, it] = await Promise.all([loadFields(T.method), call(`${T.method}.get`, { id })]);
      // read the cache again: a card's batch (loadCfg) may have brought newer descriptors meanwhile
      const f = await loadFields(T.method);
      setFields(f);
      await loadCfg(it);
      setItem(it);
      loadTitles(linkedIds(f, Object.keys(f), [it])).catch(() => {});
    } catch (e) {
      // Not found, deleted, or not this user's to read: the card says so in the API's words.
      setMissing(e.message || true);
    }
  };
  useEffect(() => {
    setItem(null);
    setMissing(false);
    load();
  }, [type, id]);

  // Live: this item changed elsewhere (another user, another tab): read it again.
  useEffect(() => on('crm', (ev) => {
    if (ev.action === 'reset' || (TYPE_BY_ID[ev.entityTypeId] === type && Number(ev.id) === id)) {
      if (ev.action === 'delete') {
        setMissing(true);
        return;
      }
      load();
      setTlKey((k) => k + 1);
    }
  }), [type, id]);
  // Custom fields changed in the settings: their descriptors and the layout are read again.
  useEffect(() => on('fields', () => {
    cfgKey.current = '';
    load();
  }), [type, id]);

  const editLayout = async () => {
    try {
      setEditing(await loadRights());
      setTab('general');
    } catch (e) {
      toastError(e);
    }
  };

  const save = async (patch) => {
    try {
      await call(`${T.method}.update`, { id, fields: patch });
      await load();
      toast(t('saved'));
      return true;
    } catch (e) {
      toastError(e);
      return false;
    }
  };

  const remove = async () => {
    if (!(await confirm({ title: t('card.delete'), text: t('card.confirmDelete', { title: itemTitle(type, item) }), ok: t('confirm.delete'), danger: true })))
      return;
    try {
      await call(`${T.method}.delete`, { id });
      toast(t('deleted'));
      closeCard();
    } catch (e) {
      toastError(e);
    }
  };

  if (missing) return <p class="pad" role="alert">{missing === true ? t('card.notFound') : `${t('card.notFound')}: ${missing}`}</p>;
  if (!item || !fields) return <div class="pad"><Spinner /></div>;
  const stages = T.hasStages ? stagesOf(type, item.CATEGORY_ID || 0) : [];
  const current = item[T.stageField];
  const curStage = stages.find((s) => s.STATUS_ID === current);
  const tabs = [['general', t('card.general')]];
  if (type === 'deal' || type === 'lead') tabs.push(['products', t('card.products')]);
  tabs.push(['relations', t('card.relations')], ['history', t('card.history')]);

  return (
    <div class="card">
      {/* a div, not a header: a <header> outside an article is a second "banner" landmark */}
      <div class="card-head">
        <div class="card-kind">{t(`type.${type}`)} #{item.ID}{type === 'deal' ? ` · ${refs.categories.find((c) => Number(c.id) === Number(item.CATEGORY_ID))?.name || ''}` : ''}</div>
        <TitleEdit type={type} item={item} onSave={save} />
        <div class="card-actions">
          {type === 'lead' && curStage?.sem !== 'S' && <button class="btn btn-primary" onClick={() => setConverting(true)}>{t('card.convert')}</button>}
          <button class="btn btn-ghost layout-btn" aria-pressed={!!editing} onClick={() => (editing ? setEditing(null) : editLayout())}>{t('layout.edit')}</button>
          <button class="btn btn-ghost" onClick={remove}>{t('card.delete')}</button>
        </div>
        {T.hasStages && <StageBar type={type} item={item} stages={stages} onMove={save} />}
      </div>
      <div class="tabs" role="tablist" aria-label={t(`type.${type}`)} onKeyDown={(e) => tabKeys(e, tabs, tab, setTab)}>
        {tabs.map(([k, label]) => (
          <button key={k} role="tab" id={`tab-${k}`} aria-selected={tab === k} aria-controls={`panel-${k}`} class={`tab ${tab === k ? 'active' : ''}`}
            tabIndex={tab === k ? 0 : -1} onClick={() => setTab(k)}>{label}</button>
        ))}
      </div>
      <div class="card-body" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'general' && (
          <div class="card-general">
            <div class="card-fields">
              {editing
                ? <LayoutEditor type={type} item={item} fields={fields} cfg={cfg} rights={editing}
                  onDone={(c) => { if (c) setCfg(c); setEditing(null); }} />
                : <Fields type={type} item={item} fields={fields} cfg={cfg} onSave={save} />}
            </div>
            <div class="card-timeline"><Timeline refresh={tlKey} type={type} item={item} /></div>
          </div>
        )}
        {tab === 'products' && <Products type={type} item={item} onChanged={load} />}
        {tab === 'relations' && <Relations type={type} item={item} onChanged={load} />}
        {tab === 'history' && <History type={type} id={id} fields={fields} />}
      </div>
      {converting && <ConvertDialog lead={item} onClose={() => setConverting(false)} onDone={load} />}
    </div>
  );
}

// Tabs as WAI-ARIA has them: ←/→ (and Home/End) choose the neighbouring tab and focus it.
function tabKeys(e, tabs, tab, setTab) {
  const i = tabs.findIndex(([k]) => k === tab);
  const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
  if (to === undefined) return;
  e.preventDefault();
  const k = tabs[(to + tabs.length) % tabs.length][0];
  setTab(k);
  requestAnimationFrame(() => document.getElementById(`tab-${k}`)?.focus());
}

// An editor that closed (saved or cancelled) took the focus with it: it goes back to the control
// that opened it, not to the top of the page, unless the user has moved it elsewhere meanwhile.
function useFocusBack(editing, ref) {
  const was = useRef(false);
  useEffect(() => {
    const lost = !document.activeElement || document.activeElement === document.body;
    if (was.current && !editing && lost) ref.current?.focus();
    was.current = editing;
  }, [editing]);
}

function TitleEdit({ type, item, onSave }) {
  const [edit, setEdit] = useState(false);
  const code = type === 'contact' ? 'NAME' : 'TITLE';
  const [v, setV] = useState('');
  const input = useRef();
  const btn = useRef();
  useEffect(() => { if (edit) input.current?.focus(); }, [edit]);
  useFocusBack(edit, btn);
  if (!edit)
    return (
      <h2 class="card-title">
        <button class="title-btn" ref={btn} title={t('edit')} onClick={() => { setV(item[code] || ''); setEdit(true); }}>{itemTitle(type, item)}</button>
      </h2>
    );
  const done = async (ok) => {
    if (ok && v !== (item[code] || '') && !(await onSave({ [code]: v }))) return;
    setEdit(false);
  };
  return (
    <h2 class="card-title">
      <input class="title-input" ref={input} value={v} aria-label={fieldLabel(code)} onInput={(e) => setV(e.currentTarget.value)}
        onKeyDown={(e) => { if (e.key === 'Enter') done(true); if (e.key === 'Escape') { e.stopPropagation(); done(false); } }}
        onBlur={() => done(true)} />
    </h2>
  );
}

// C3: the stages as a bar; a click moves the item there, a final stage asks first.
function StageBar({ type, item, stages, onMove }) {
  const T = TYPES[type];
  const cur = stages.findIndex((s) => s.STATUS_ID === item[T.stageField]);
  const curSem = stages[cur]?.sem;
  const move = async (s) => {
    if (s.STATUS_ID === item[T.stageField]) return;
    if (s.sem !== 'P' && !(await confirm({ title: t('confirm.finalTitle'), text: t('confirm.final', { title: itemTitle(type, item), stage: s.NAME }) })))
      return;
    if (await onMove({ [T.stageField]: s.STATUS_ID })) toast(t('moved', { stage: s.NAME }));
  };
  const color = stages[cur]?.COLOR || '#2fc6f6';
  return (
    <div class="stagebar" role="group" aria-label={fieldLabel(T.stageField)}>
      {stages.map((s, i) => {
        const filled = curSem === 'P' ? i <= cur : (i === cur || (s.sem === 'P'));
        const c = curSem === 'F' && s.sem === 'P' ? '#c9ced6' : color;
        return (
          <button key={s.STATUS_ID} class={`stage ${i === cur ? 'current' : ''} ${filled ? 'filled' : ''} sem-${s.sem}`}
            style={filled ? { '--c': c, '--ink-on': inkOn(c) } : undefined}
            aria-pressed={i === cur} title={s.NAME} data-stage={s.STATUS_ID} onClick={() => move(s)}>
            <span>{s.NAME}</span>
          </button>
        );
      })}
    </div>
  );
}

function Fields({ type, item, fields, cfg, onSave }) {
  const [showMore, setShowMore] = useState(false);
  const { layout, more, info } = cardSections(type, fields, item, cfg);
  const field = (c, title) => <Field key={c} type={type} code={c} title={title} desc={fields[c]} item={item} onSave={onSave} />;
  return (
    <>
      {layout.map((s) => (s.elements.length ? (
        <section key={s.name} class="fsec" data-section={s.name} aria-label={sectionTitle(type, s)}>
          <h3>{sectionTitle(type, s)}</h3>
          {s.elements.map((e) => field(e.name, e.title))}
        </section>
      ) : null))}
      {more.length > 0 && (showMore
        ? <section class="fsec fsec-more" aria-label={t('card.more')}><h3>{t('card.more')}</h3>{more.map((c) => field(c))}</section>
        : <button class="link-btn" onClick={() => setShowMore(true)}>{t('card.more')} ({more.length})</button>)}
      {info.length > 0 && <section class="fsec fsec-info">{info.map((c) => field(c))}</section>}
    </>
  );
}

// A field: its label, its value, and — unless it is read-only — the pencil that opens its editor.
// The value is not itself a button: it may hold links (a contact, a phone, a file), and links
// inside a button reach no keyboard. A click on the value (not on a link in it) edits it too.
function Field({ type, code, title, desc, item, onSave }) {
  const [edit, setEdit] = useState(false);
  const pencil = useRef();
  useFocusBack(edit, pencil);
  const readOnly = desc.isReadOnly;
  const label = title || fieldLabel(code, desc);
  const missing = desc.isRequired && desc.type !== 'boolean' && isEmptyValue(item[code]);
  return (
    <div class={`field ${edit ? 'editing' : ''} ${missing ? 'missing' : ''} ${readOnly ? '' : 'can-edit'}`} data-field={code}>
      <div class="field-label" id={`fl-${code}`}>{label}{desc.isRequired && <span class="req" title={t('uf.required')}> *</span>}</div>
      {edit ? (
        <Editor type={type} code={code} desc={desc} item={item} label={label}
          onCancel={() => setEdit(false)} onSave={async (v) => { if (await onSave({ [code]: v })) setEdit(false); }} />
      ) : readOnly ? (
        <div class="field-value"><Value type={type} code={code} desc={desc} item={item} /></div>
      ) : (
        <>
          <div class="field-value editable" id={`fv-${code}`} onClick={(e) => { if (!e.target.closest('a')) setEdit(true); }}>
            <Value type={type} code={code} desc={desc} item={item} />
          </div>
          <button class="icon-btn field-edit" ref={pencil} title={t('edit')} aria-describedby={`fv-${code}`}
            aria-label={`${t('edit')}: ${label}${missing ? ` (${t('uf.required')})` : ''}`} onClick={() => setEdit(true)}>
            <Icon name="pencil" size={16} />
          </button>
        </>
      )}
    </div>
  );
}

// The editor of one field, by its type; Enter (or the button) saves, Esc cancels.
function Editor({ type, code, desc, item, label, onSave, onCancel }) {
  const raw = item[code];
  const custom = code.startsWith('UF_');
  const initial = custom ? ufInitial(desc, raw)
    : desc.type === 'date' || desc.type === 'datetime' ? (raw || '').slice(0, desc.type === 'date' ? 10 : 16) : raw ?? '';
  const [v, setV] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const form = useRef();
  // The browser honours autofocus only once per page: the editor takes the focus itself, before
  // the paint (the pencil that had it is gone: a key pressed meanwhile would go nowhere).
  useLayoutEffect(() => {
    const f = form.current;
    (f?.querySelector('[autofocus]') || f?.querySelector('input,select,textarea'))?.focus();
  }, []);
  const submit = async (e) => {
    e?.preventDefault();
    // a mandatory field is not sent empty (the API would refuse it too)
    if (custom ? ufMissing(desc, v) : desc.isRequired && isEmptyValue(typeof v === 'string' ? v.trim() : v)) {
      setError(t('uf.requiredMsg', { name: label }));
      return;
    }
    setError('');
    setBusy(true);
    let out = v;
    if (desc.type === 'crm_multifield') out = multiPatch(raw || [], v);
    if (custom) out = ufOut(desc, v);
    await onSave(out);
    setBusy(false);
  };
  const keys = (e) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onCancel();
    }
    // Enter on a single select saves, as it does in a text input (the browser does not submit)
    if (e.key === 'Enter' && e.target.tagName === 'SELECT' && !e.target.multiple) {
      e.preventDefault();
      submit();
    }
  };
  const input = custom ? <UfInput code={code} desc={desc} value={v} onChange={setV} label={label} autoFocus /> : (() => {
    switch (desc.type) {
      case 'crm_status': {
        const list = statusList(statusEntityOf(type, code, desc, item));
        return <select autoFocus aria-label={label} value={v || ''} onChange={(e) => setV(e.currentTarget.value)}>
          <option value="">—</option>
          {list.map((s) => <option key={s.STATUS_ID} value={s.STATUS_ID}>{s.NAME}</option>)}
        </select>;
      }
      case 'user':
        return <UserSelect value={v} label={label} onChange={setV} />;
      case 'crm_currency':
        return <select autoFocus aria-label={label} value={v || 'RUB'} onChange={(e) => setV(e.currentTarget.value)}>
          {CURRENCIES.map((c) => <option key={c}>{c}</option>)}
        </select>;
      case 'boolean':
        return <label class="check"><input type="checkbox" autoFocus checked={[1, '1', true, 'Y'].includes(v)} onChange={(e) => setV(e.currentTarget.checked ? 1 : 0)} />{label}</label>;
      case 'enumeration':
        return desc.isMultiple
          ? <select multiple autoFocus aria-label={label} onChange={(e) => setV([...e.currentTarget.selectedOptions].map((o) => o.value))}>
            {(desc.items || []).map((x) => <option key={x.ID} value={x.ID} selected={(v || []).map(String).includes(String(x.ID))}>{x.VALUE}</option>)}
          </select>
          : <select autoFocus aria-label={label} value={v ?? ''} onChange={(e) => setV(e.currentTarget.value)}>
            <option value="">—</option>
            {(desc.items || []).map((x) => <option key={x.ID} value={x.ID}>{x.VALUE}</option>)}
          </select>;
      case 'employee':
        return <UserSelect value={Array.isArray(v) ? v[0] : v} label={label} onChange={(x) => setV(desc.isMultiple ? [x] : x)} />;
      case 'char':
        return <label class="check"><input type="checkbox" autoFocus checked={v === 'Y'} onChange={(e) => setV(e.currentTarget.checked ? 'Y' : 'N')} />{label}</label>;
      case 'date':
        return <input type="date" autoFocus aria-label={label} value={v} onInput={(e) => setV(e.currentTarget.value)} />;
      case 'datetime':
        return <input type="datetime-local" autoFocus aria-label={label} value={v} onInput={(e) => setV(e.currentTarget.value)} />;
      case 'integer': case 'double':
        return <input type="number" step="any" autoFocus aria-label={label} value={v} onInput={(e) => setV(e.currentTarget.value)} />;
      case 'crm_multifield':
        return <MultiEditor code={code} value={v || []} onChange={setV} label={label} />;
      default: {
        const lt = linkedType(desc);
        if (lt) return <LinkEditor lt={lt} multiple={desc.isMultiple} value={v} onChange={setV} label={label} />;
        if (code === 'COMMENTS' || code === 'ADDITIONAL_INFO' || code === 'BANKING_DETAILS')
          return <textarea autoFocus rows={4} aria-label={label} value={v} onInput={(e) => setV(e.currentTarget.value)} />;
        return <input type="text" autoFocus aria-label={label} value={v} onInput={(e) => setV(e.currentTarget.value)} />;
      }
    }
  })();
  return (
    <form class="editor" ref={form} onSubmit={submit} onKeyDown={keys}>
      {input}
      {error && <div class="field-error" role="alert">{error}</div>}
      <div class="row">
        <button class="btn btn-primary btn-sm" type="submit" disabled={busy}>{t('save')}</button>
        <button class="btn btn-sm" type="button" onClick={onCancel}>{t('cancel')}</button>
      </div>
    </form>
  );
}

// Multi-field rows as the update wants them: changed rows by ID, new rows without, removed rows
// as {ID, DELETE: 'Y'}.
function multiPatch(before, after) {
  const out = after.filter((x) => x.VALUE?.trim()).map((x) => (x.ID ? { ID: x.ID, VALUE: x.VALUE, VALUE_TYPE: x.VALUE_TYPE } : { VALUE: x.VALUE, VALUE_TYPE: x.VALUE_TYPE }));
  const kept = new Set(out.filter((x) => x.ID).map((x) => String(x.ID)));
  before.forEach((x) => !kept.has(String(x.ID)) && out.push({ ID: x.ID, DELETE: 'Y' }));
  return out;
}

const VALUE_TYPES = { PHONE: ['WORK', 'MOBILE', 'HOME', 'FAX', 'OTHER'], EMAIL: ['WORK', 'HOME', 'OTHER'], WEB: ['WORK', 'HOME', 'OTHER'], IM: ['TELEGRAM', 'WHATSAPP', 'SKYPE', 'VK', 'OTHER'] };

function MultiEditor({ code, value, onChange, label }) {
  const rows = value.length ? value : [{ VALUE: '', VALUE_TYPE: (VALUE_TYPES[code] || ['WORK'])[0] }];
  const set = (i, patch) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div class="multi-edit">
      {rows.map((r, i) => (
        <div class="row" key={r.ID || `n${i}`}>
          <input type={code === 'EMAIL' ? 'email' : code === 'PHONE' ? 'tel' : 'text'} autoFocus={i === 0} aria-label={label} value={r.VALUE}
            onInput={(e) => set(i, { VALUE: e.currentTarget.value })} />
          <select aria-label={`${label}: ${t('tl.type')}`} value={r.VALUE_TYPE} onChange={(e) => set(i, { VALUE_TYPE: e.currentTarget.value })}>
            {(VALUE_TYPES[code] || ['WORK', 'OTHER']).map((x) => <option key={x} value={x}>{t(`vt.${x}`) === `vt.${x}` ? x : t(`vt.${x}`)}</option>)}
          </select>
          <button type="button" class="icon-btn" aria-label={t('delete')} onClick={() => onChange(rows.filter((_, j) => j !== i))}>×</button>
        </div>
      ))}
      <button type="button" class="link-btn" onClick={() => onChange([...rows, { VALUE: '', VALUE_TYPE: (VALUE_TYPES[code] || ['WORK'])[0] }])}>+ {t('card.add')}</button>
    </div>
  );
}

// A linked company or contact (or several), found by the CRM search.
function LinkEditor({ lt, multiple, value, onChange, label }) {
  const ids = (Array.isArray(value) ? value : value ? [value] : []).map(Number);
  const [q, setQ] = useState('');
  const [found, setFound] = useState([]);
  useEffect(() => {
    if (!q.trim()) return setFound([]);
    const timer = setTimeout(() => call('voronka.crm.search', { query: q, entityTypeIds: [TYPES[lt].id], limit: 8 }).then(setFound, () => {}), 150);
    return () => clearTimeout(timer);
  }, [q]);
  const add = (x) => {
    titles.set(`${lt}:${x.id}`, x.title);
    onChange(multiple ? [...new Set([...ids, x.id])] : x.id);
    setQ('');
  };
  return (
    <div class="link-edit">
      {ids.map((id) => (
        <span class="chip" key={id}>{titles.get(`${lt}:${id}`) || `#${id}`}
          <button type="button" class="chip-x" aria-label={t('delete')} onClick={() => onChange(multiple ? ids.filter((x) => x !== id) : '')}>×</button>
        </span>
      ))}
      <input type="search" autoFocus aria-label={label} placeholder={t('search.placeholder')} value={q} onInput={(e) => setQ(e.currentTarget.value)} />
      {found.length > 0 && (
        <ul class="picker">
          {found.map((x) => <li key={x.id}><button type="button" onClick={() => add(x)}>{x.title} <span class="muted">{x.subtitle}</span></button></li>)}
        </ul>
      )}
    </div>
  );
}

// C4: make a contact, a company and/or a deal from the lead, all at once or nothing.
function ConvertDialog({ lead, onClose, onDone }) {
  const hasPerson = !!(lead.NAME || lead.LAST_NAME);
  const [v, setV] = useState({ contact: hasPerson, company: !!lead.COMPANY_TITLE, deal: true, categoryId: 0 });
  const [busy, setBusy] = useState(false);
  const go = async (e) => {
    e.preventDefault();
    setBusy(true);
    try {
      const params = { id: lead.ID, categoryId: Number(v.categoryId) };
      for (const k of ['contact', 'company', 'deal']) if (v[k]) params[k] = true;
      const r = await call('voronka.crm.lead.convert', params);
      toast(t('convert.done'));
      onClose();
      await onDone();
      if (r.dealId) openCard('deal', r.dealId);
      else if (r.contactId) openCard('contact', r.contactId);
      else if (r.companyId) openCard('company', r.companyId);
    } catch (err) {
      toastError(err);
      setBusy(false);
    }
  };
  return (
    <Modal title={t('convert.title')} onClose={onClose}>
      <form class="form" onSubmit={go}>
        {['deal', 'contact', 'company'].map((k) => (
          <label key={k} class="check"><input type="checkbox" name={k} checked={v[k]} onChange={(e) => setV({ ...v, [k]: e.currentTarget.checked })} />{t(`convert.${k}`)}</label>
        ))}
        {v.deal && (
          <label>{t('pipeline')}
            <select value={v.categoryId} onChange={(e) => setV({ ...v, categoryId: e.currentTarget.value })}>
              {refs.categories.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
            </select>
          </label>
        )}
        <div class="modal-foot">
          <button class="btn btn-primary" type="submit" disabled={busy || !(v.deal || v.contact || v.company)}>{t('convert.go')}</button>
          <button class="btn" type="button" onClick={onClose}>{t('cancel')}</button>
        </div>
      </form>
    </Modal>
  );
}

export { date, userName, session };
