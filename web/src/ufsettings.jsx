// Settings → Custom fields (U1–U9, D5): the custom fields of each item type with edit and delete,
// and the field editor — the type (fixed after creation), labels in Russian and English, mandatory,
// multiple (fixed after creation), shown in the filter and the list, the type's own settings
// (list values with a default, date defaults, rows of a string, CRM types bound…) and, for deals,
// the pipelines whose card shows the field. Refusals are shown as the API words them.
import { useEffect, useRef, useState } from 'preact/hooks';
import { batch, call } from './api.js';
import { fieldLabel, t } from './i18n.js';
import { href } from './router.js';
import { canSettings, dropFields, loadRights, refs } from './state.js';
import { TYPES } from './entities.js';
import { confirm, Modal, Spinner, toast } from './ui.jsx';
import { Icon } from './icons.jsx';

const typeTitle = (id, types) => (t(`uft.${id}`) !== `uft.${id}` ? t(`uft.${id}`) : types.find((x) => x.ID === id)?.title || id);
const label = (d) => fieldLabel(d.FIELD_NAME, { labels: d.EDIT_FORM_LABEL }) || d.FIELD_NAME;

export function CustomFields({ type }) {
  const T = TYPES[type] || TYPES.deal;
  const [rows, setRows] = useState(null);
  const [types, setTypes] = useState([]);
  const [editing, setEditing] = useState(null); // {} for a new field, else its definition
  const [error, setError] = useState(null);
  const [rights, setRights] = useState(null);
  const load = async () => {
    try {
      const r = await batch({ list: [`${T.method}.userfield.list`, { order: { SORT: 'ASC', ID: 'ASC' } }], types: ['crm.userfield.types'] });
      setRows(r.list);
      setTypes(r.types);
    } catch (e) {
      setError(e.message);
      setRows([]);
    }
  };
  useEffect(() => {
    setRows(null);
    load();
    loadRights().then(setRights, () => setRights({}));
  }, [type]);
  const can = canSettings(rights);
  const remove = async (d) => {
    if (!(await confirm({ title: t('delete'), text: t('uf.confirmDelete', { name: label(d) }), ok: t('confirm.delete'), danger: true }))) return;
    setError(null);
    try {
      await call(`${T.method}.userfield.delete`, { id: d.ID });
      toast(t('deleted'));
      dropFields(T.method);
    } catch (e) {
      setError(e.message);
    }
    load();
  };
  return (
    <div class="uf-settings">
      <div class="row uf-types">
        <nav class="seg" aria-label={t('uf.entity')}>
          {Object.keys(TYPES).map((k) => (
            <a key={k} href={href(['settings', 'fields', k])} aria-current={k === type ? 'page' : undefined} class={k === type ? 'active' : ''}>{t(`menu.${k}`)}</a>
          ))}
        </nav>
        <span class="grow" />
        {can && <button class="btn btn-primary uf-add" onClick={() => setEditing({})}>+ {t('uf.add')}</button>}
      </div>
      {rights && !can && <p class="notice" role="note">{t('uf.noRight')}</p>}
      {error && (
        <div class="refusal" role="alert"><span>{error}</span>
          <button class="icon-btn" aria-label={t('close')} onClick={() => setError(null)}>×</button></div>
      )}
      <div class="table-wrap">
        {!rows ? <Spinner /> : (
          <table class="grid uf-table">
            <thead><tr><th>{t('uf.label')}</th><th>{t('uf.code')}</th><th>{t('uf.type')}</th><th>{t('uf.flags')}</th><th>{t('uf.sort')}</th><th><span class="sr-only">{t('uf.actions')}</span></th></tr></thead>
            <tbody>
              {rows.length === 0 && <tr><td colSpan={6} class="empty">{t('uf.none')}</td></tr>}
              {rows.map((d) => (
                <tr key={d.ID} data-uf={d.FIELD_NAME}>
                  <td><b>{label(d)}</b></td>
                  <td><code class="small">{d.FIELD_NAME}</code></td>
                  <td>{typeTitle(d.USER_TYPE_ID, types)}</td>
                  <td class="uf-flags">
                    {d.MANDATORY === 'Y' && <span class="badge">{t('uf.mandatory')}</span>}
                    {d.MULTIPLE === 'Y' && <span class="badge">{t('uf.multiple')}</span>}
                    {d.SHOW_FILTER !== 'N' && <span class="badge">{t('uf.inFilter')}</span>}
                    {d.SHOW_IN_LIST === 'Y' && <span class="badge">{t('uf.inList')}</span>}
                  </td>
                  <td class="num">{d.SORT}</td>
                  <td class="nowrap">
                    <button class="btn btn-sm" disabled={!can} onClick={() => setEditing(d)} aria-label={`${t('edit')}: ${label(d)}`}>{t('edit')}</button>{' '}
                    <button class="icon-btn" disabled={!can} onClick={() => remove(d)} aria-label={`${t('delete')}: ${label(d)}`} title={t('delete')}><Icon name="trash" /></button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {editing && <FieldEditor type={type} def={editing.ID ? editing : null} types={types}
        onClose={() => setEditing(null)} onSaved={() => { setEditing(null); load(); }} />}
    </div>
  );
}

const TEXTUAL = new Set(['string', 'url', 'address', 'money']);
const DISPLAY = { enumeration: ['LIST', 'UI', 'CHECKBOX', 'DIALOG'], boolean: ['CHECKBOX', 'RADIO', 'DROPDOWN'] };
const CRM_KEYS = [['LEAD', 'lead'], ['CONTACT', 'contact'], ['COMPANY', 'company'], ['DEAL', 'deal']];

function initialState(def) {
  if (!def)
    return { USER_TYPE_ID: 'string', FIELD_NAME: '', ru: '', en: '', SORT: 100, MANDATORY: false, MULTIPLE: false,
      SHOW_FILTER: true, SHOW_IN_LIST: true, SETTINGS: {}, LIST: [] };
  const l = def.EDIT_FORM_LABEL || {};
  return {
    USER_TYPE_ID: def.USER_TYPE_ID, FIELD_NAME: def.FIELD_NAME, ru: l.ru || '', en: l.en || '', SORT: Number(def.SORT) || 100,
    MANDATORY: def.MANDATORY === 'Y', MULTIPLE: def.MULTIPLE === 'Y', SHOW_FILTER: def.SHOW_FILTER !== 'N',
    SHOW_IN_LIST: def.SHOW_IN_LIST === 'Y', SETTINGS: { ...(def.SETTINGS || {}) },
    LIST: (def.LIST || []).map((x) => ({ ID: x.ID, VALUE: x.VALUE, DEF: x.DEF === 'Y' })),
  };
}

function FieldEditor({ type, def, types, onClose, onSaved }) {
  const T = TYPES[type];
  const [v, setV] = useState(() => initialState(def));
  const [pipes, setPipes] = useState(null);     // {categoryId: {configured, fields, available}}
  const [shownIn, setShownIn] = useState(null); // Set of pipeline ids whose card shows the field
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const deleted = useRef([]);
  const set = (patch) => setV((x) => ({ ...x, ...patch }));
  const setS = (patch) => setV((x) => ({ ...x, SETTINGS: { ...x.SETTINGS, ...patch } }));
  const isNew = !def;
  const ut = v.USER_TYPE_ID;

  // D5: which pipelines show the field (a pipeline never configured shows every field)
  useEffect(() => {
    if (type !== 'deal') return;
    const cmds = {};
    refs.categories.forEach((c) => { cmds[`c${c.id}`] = ['voronka.crm.deal.userfield.pipeline.get', { categoryId: c.id }]; });
    batch(cmds, { halt: false }).then((r) => {
      const p = {};
      const on = new Set();
      refs.categories.forEach((c) => {
        const x = r[`c${c.id}`];
        if (!x) return;
        p[c.id] = x;
        if (!x.configured || (def && x.fields.includes(def.FIELD_NAME))) on.add(Number(c.id));
      });
      setPipes(p);
      setShownIn(on);
    }, () => setPipes({}));
  }, []);

  const buildFields = () => {
    const ru = v.ru.trim() || v.en.trim();
    const en = v.en.trim() || v.ru.trim();
    const labels = { ru, en };
    const f = {
      EDIT_FORM_LABEL: labels, LIST_COLUMN_LABEL: labels, LIST_FILTER_LABEL: labels, SORT: Number(v.SORT) || 100,
      MANDATORY: v.MANDATORY ? 'Y' : 'N', SHOW_IN_LIST: v.SHOW_IN_LIST ? 'Y' : 'N',
      // a filter asked before keeps its mode; a new one searches inside text, matches others exactly
      SHOW_FILTER: !v.SHOW_FILTER ? 'N' : def && def.SHOW_FILTER !== 'N' ? def.SHOW_FILTER : TEXTUAL.has(ut) ? 'S' : 'I',
      SETTINGS: v.SETTINGS,
    };
    if (isNew) {
      f.USER_TYPE_ID = ut;
      f.MULTIPLE = v.MULTIPLE ? 'Y' : 'N';
      if (v.FIELD_NAME.trim()) f.FIELD_NAME = v.FIELD_NAME.trim();
    }
    if (ut === 'enumeration') {
      f.LIST = [
        ...v.LIST.filter((x) => x.VALUE.trim() || x.ID).map((x, i) => (x.ID && !x.VALUE.trim() ? { ID: x.ID, DEL: 'Y' }
          : { ...(x.ID ? { ID: x.ID } : {}), VALUE: x.VALUE.trim(), DEF: x.DEF ? 'Y' : 'N', SORT: (i + 1) * 100 })),
        ...deleted.current.map((id) => ({ ID: id, DEL: 'Y' })),
      ];
    }
    return f;
  };

  // After the field is saved: each pipeline whose choice changed gets its new set of fields.
  const savePipelines = async (name) => {
    if (type !== 'deal' || !pipes || !shownIn) return;
    const cmds = {};
    for (const [id, p] of Object.entries(pipes)) {
      const want = shownIn.has(Number(id));
      const has = !p.configured || p.fields.includes(name);
      if (want === has) continue;
      const list = (p.configured ? p.fields : p.available).filter((x) => x !== name);
      cmds[`p${id}`] = ['voronka.crm.deal.userfield.pipeline.set', { categoryId: Number(id), fields: want ? [...list, name] : list }];
    }
    if (Object.keys(cmds).length) await batch(cmds);
  };

  const save = async (e) => {
    e.preventDefault();
    setError(null);
    if (!v.ru.trim() && !v.en.trim()) return setError(t('uf.needLabel'));
    if (ut === 'crm' && !CRM_KEYS.some(([k]) => v.SETTINGS[k] === 'Y')) return setError(t('uf.needCrmType'));
    setBusy(true);
    try {
      let name = def?.FIELD_NAME;
      if (isNew) {
        const id = await call(`${T.method}.userfield.add`, { fields: buildFields() });
        name = (await call(`${T.method}.userfield.get`, { id })).FIELD_NAME;
      } else {
        await call(`${T.method}.userfield.update`, { id: def.ID, fields: buildFields() });
      }
      await savePipelines(name);
      dropFields(T.method);
      toast(t('saved'));
      onSaved();
    } catch (err) {
      setError(err.message);
      setBusy(false);
    }
  };

  return (
    <Modal title={isNew ? t('uf.add') : `${t('uf.edit')}: ${label(def)}`} onClose={onClose} wide>
      <form class="form uf-editor" onSubmit={save}>
        {error && <div class="refusal" role="alert"><span>{error}</span></div>}
        <div class="form-grid">
          <label>{t('uf.labelRu')}<input name="label_ru" lang="ru" value={v.ru} onInput={(e) => set({ ru: e.currentTarget.value })} /></label>
          <label>{t('uf.labelEn')}<input name="label_en" lang="en" value={v.en} onInput={(e) => set({ en: e.currentTarget.value })} /></label>
          <label>{t('uf.type')}
            <select name="USER_TYPE_ID" value={ut} disabled={!isNew} onChange={(e) => set({ USER_TYPE_ID: e.currentTarget.value, SETTINGS: {}, MULTIPLE: e.currentTarget.value === 'boolean' ? false : v.MULTIPLE })}>
              {types.map((x) => <option key={x.ID} value={x.ID}>{typeTitle(x.ID, types)}</option>)}
            </select>
          </label>
          <label>{t('uf.code')}
            <input name="FIELD_NAME" value={v.FIELD_NAME} disabled={!isNew} placeholder={t('uf.codeAuto')} onInput={(e) => set({ FIELD_NAME: e.currentTarget.value })} />
          </label>
          <label>{t('uf.sort')}<input name="SORT" type="number" min="1" value={v.SORT} onInput={(e) => set({ SORT: e.currentTarget.value })} /></label>
        </div>
        <div class="row uf-checks">
          <label class="check"><input type="checkbox" name="MANDATORY" checked={v.MANDATORY} onChange={(e) => set({ MANDATORY: e.currentTarget.checked })} />{t('uf.mandatory')}</label>
          <label class="check" title={isNew ? '' : t('uf.fixed')}><input type="checkbox" name="MULTIPLE" checked={v.MULTIPLE} disabled={!isNew || ut === 'boolean'}
            onChange={(e) => set({ MULTIPLE: e.currentTarget.checked })} />{t('uf.multiple')}{!isNew && <span class="muted small"> ({t('uf.fixed')})</span>}</label>
          <label class="check"><input type="checkbox" name="SHOW_FILTER" checked={v.SHOW_FILTER} onChange={(e) => set({ SHOW_FILTER: e.currentTarget.checked })} />{t('uf.inFilter')}</label>
          <label class="check"><input type="checkbox" name="SHOW_IN_LIST" checked={v.SHOW_IN_LIST} onChange={(e) => set({ SHOW_IN_LIST: e.currentTarget.checked })} />{t('uf.inList')}</label>
        </div>
        <TypeSettings ut={ut} v={v} set={set} setS={setS} deleted={deleted} />
        {type === 'deal' && pipes && shownIn && (
          <fieldset class="uf-pipes">
            <legend>{t('uf.pipelines')}</legend>
            {refs.categories.map((c) => (
              <label key={c.id} class="check"><input type="checkbox" name={`pipe${c.id}`} checked={shownIn.has(Number(c.id))}
                onChange={(e) => { const s = new Set(shownIn); e.currentTarget.checked ? s.add(Number(c.id)) : s.delete(Number(c.id)); setShownIn(s); }} />{c.name}</label>
            ))}
          </fieldset>
        )}
        <div class="modal-foot">
          <button class="btn btn-primary" type="submit" disabled={busy}>{t('save')}</button>
          <button class="btn" type="button" onClick={onClose}>{t('cancel')}</button>
        </div>
      </form>
    </Modal>
  );
}

function DateDefault({ ut, value, onChange }) {
  const d = value && typeof value === 'object' ? value : { TYPE: value ? 'FIXED' : 'NONE', VALUE: value || '' };
  const kind = ut === 'date' ? 'date' : 'datetime-local';
  return (
    <fieldset class="row">
      <legend>{t('uf.default')}</legend>
      {['NONE', 'NOW', 'FIXED'].map((k) => (
        <label key={k} class="check"><input type="radio" name="date_default" value={k} checked={(d.TYPE || 'NONE') === k}
          onChange={() => onChange({ TYPE: k, VALUE: k === 'FIXED' ? d.VALUE : '' })} />{t(`uf.date.${k}`)}</label>
      ))}
      {d.TYPE === 'FIXED' && <input type={kind} aria-label={t('uf.default')} value={String(d.VALUE || '').slice(0, ut === 'date' ? 10 : 16)}
        onInput={(e) => onChange({ TYPE: 'FIXED', VALUE: e.currentTarget.value })} />}
    </fieldset>
  );
}

// The settings of the chosen type.
function TypeSettings({ ut, v, set, setS, deleted }) {
  const s = v.SETTINGS;
  const num = (k, attrs = {}) => <input type="number" name={k} value={s[k] ?? ''} {...attrs} onInput={(e) => setS({ [k]: e.currentTarget.value === '' ? undefined : Number(e.currentTarget.value) })} />;
  const text = (k) => <input name={k} value={s[k] ?? ''} onInput={(e) => setS({ [k]: e.currentTarget.value })} />;
  const display = DISPLAY[ut] && (
    <label>{t('uf.display')}
      <select name="DISPLAY" value={s.DISPLAY || DISPLAY[ut][0]} onChange={(e) => setS({ DISPLAY: e.currentTarget.value })}>
        {DISPLAY[ut].map((k) => <option key={k} value={k}>{t(`uf.display.${k}`)}</option>)}
      </select>
    </label>
  );
  switch (ut) {
    case 'string':
      return <div class="form-grid"><label>{t('uf.rows')}{num('ROWS', { min: 1, max: 100 })}</label><label>{t('uf.default')}{text('DEFAULT_VALUE')}</label></div>;
    case 'integer': case 'double':
      return <div class="form-grid">
        <label>{t('uf.default')}<input type="number" step={ut === 'integer' ? 1 : 'any'} name="DEFAULT_VALUE" value={s.DEFAULT_VALUE ?? ''} onInput={(e) => setS({ DEFAULT_VALUE: e.currentTarget.value })} /></label>
        {ut === 'double' && <label>{t('uf.precision')}{num('PRECISION', { min: 0, max: 12 })}</label>}
      </div>;
    case 'url': case 'money':
      return <div class="form-grid"><label>{t('uf.default')}{text('DEFAULT_VALUE')}</label></div>;
    case 'boolean':
      return <div class="form-grid">
        <label>{t('uf.default')}<select name="DEFAULT_VALUE" value={String(s.DEFAULT_VALUE ?? 0)} onChange={(e) => setS({ DEFAULT_VALUE: Number(e.currentTarget.value) })}>
          <option value="0">{t('no')}</option><option value="1">{t('yes')}</option></select></label>
        {display}
        <label>{t('uf.checkboxLabel')}{text('LABEL_CHECKBOX')}</label>
      </div>;
    case 'date': case 'datetime':
      return <DateDefault ut={ut} value={s.DEFAULT_VALUE} onChange={(d) => setS({ DEFAULT_VALUE: d })} />;
    case 'enumeration':
      return <>
        <div class="form-grid">
          {display}
          <label>{t('uf.listHeight')}{num('LIST_HEIGHT', { min: 1, max: 100 })}</label>
          <label>{t('uf.noValueCaption')}{text('CAPTION_NO_VALUE')}</label>
        </div>
        <EnumValues list={v.LIST} multiple={v.MULTIPLE} onChange={(LIST) => set({ LIST })} deleted={deleted} />
      </>;
    case 'file':
      return <div class="form-grid">
        <label>{t('uf.maxSize')}{num('MAX_ALLOWED_SIZE', { min: 0 })}</label>
        <label>{t('uf.extensions')}<input name="EXTENSIONS" placeholder="pdf, docx, png" value={Array.isArray(s.EXTENSIONS) ? s.EXTENSIONS.join(', ') : s.EXTENSIONS || ''}
          onInput={(e) => setS({ EXTENSIONS: e.currentTarget.value })} /></label>
      </div>;
    case 'crm':
      return <fieldset class="row">
        <legend>{t('uf.crmTypes')}</legend>
        {CRM_KEYS.map(([k, ty]) => (
          <label key={k} class="check"><input type="checkbox" name={`crm_${k}`} checked={s[k] === 'Y'} onChange={(e) => setS({ [k]: e.currentTarget.checked ? 'Y' : 'N' })} />{t(`menu.${ty}`)}</label>
        ))}
      </fieldset>;
    case 'crm_status':
      return <StatusListChoice value={s.ENTITY_TYPE || ''} onChange={(x) => setS({ ENTITY_TYPE: x })} />;
    case 'iblock_section': case 'iblock_element':
      return <div class="form-grid"><label>{t('uf.iblock')}{num('IBLOCK_ID', { min: 0 })}</label><p class="muted small">{t('uf.iblockNote')}</p></div>;
    default:
      return null;
  }
}

function StatusListChoice({ value, onChange }) {
  const [lists, setLists] = useState([]);
  useEffect(() => { call('crm.status.entity.types').then(setLists, () => {}); }, []);
  return (
    <label>{t('uf.statusList')}
      <select name="ENTITY_TYPE" value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">—</option>
        {lists.map((x) => <option key={x.ID} value={x.ID}>{x.NAME}</option>)}
      </select>
    </label>
  );
}

// The values of a list field: in order (drag, or Alt+↑/↓ on a handle), each with "default".
function EnumValues({ list, multiple, onChange, deleted }) {
  const [bulk, setBulk] = useState(null);
  const dragFrom = useRef(null);
  const setRow = (i, patch) => onChange(list.map((x, j) => (j === i ? { ...x, ...patch } : multiple || !patch.DEF ? x : { ...x, DEF: false })));
  const move = (i, j) => {
    if (j < 0 || j >= list.length) return;
    const n = [...list];
    const [x] = n.splice(i, 1);
    n.splice(j, 0, x);
    onChange(n);
    requestAnimationFrame(() => document.querySelectorAll('.enum-row .drag')[j]?.focus());
  };
  const remove = (i) => {
    if (list[i].ID) deleted.current.push(list[i].ID);
    onChange(list.filter((_, j) => j !== i));
  };
  const addLines = () => {
    const lines = (bulk || '').split('\n').map((x) => x.trim()).filter(Boolean);
    onChange([...list, ...lines.map((VALUE) => ({ VALUE, DEF: false }))]);
    setBulk(null);
  };
  return (
    <fieldset class="enum-values">
      <legend>{t('uf.values')}</legend>
      <ol class="status-list">
        {list.map((x, i) => (
          <li key={x.ID || `n${i}`} class="status-row enum-row"
            onDragOver={(e) => { if (dragFrom.current !== null) e.preventDefault(); }}
            onDrop={(e) => { e.preventDefault(); if (dragFrom.current !== null) move(dragFrom.current, i); dragFrom.current = null; }}>
            <button type="button" class="drag" draggable aria-label={`${x.VALUE || i + 1}: ${t('set.drag')}`} title={t('set.drag')}
              onDragStart={(e) => { dragFrom.current = i; e.dataTransfer.effectAllowed = 'move'; e.dataTransfer.setData('text/plain', String(i)); }}
              onKeyDown={(e) => { if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) { e.preventDefault(); move(i, i + (e.key === 'ArrowUp' ? -1 : 1)); } }}>⋮⋮</button>
            <input class="name-input enum-value" aria-label={`${t('uf.value')} ${i + 1}`} value={x.VALUE} onInput={(e) => setRow(i, { VALUE: e.currentTarget.value })} />
            <label class="check small"><input type="checkbox" checked={x.DEF} onChange={(e) => setRow(i, { DEF: e.currentTarget.checked })} />{t('uf.isDefault')}</label>
            <button type="button" class="icon-btn" aria-label={`${t('delete')}: ${x.VALUE || i + 1}`} onClick={() => remove(i)}>×</button>
          </li>
        ))}
      </ol>
      <div class="row">
        <button type="button" class="btn btn-sm enum-add" onClick={() => {
          onChange([...list, { VALUE: '', DEF: false }]);
          requestAnimationFrame(() => { const all = document.querySelectorAll('.enum-value'); all[all.length - 1]?.focus(); });
        }}>+ {t('uf.addValue')}</button>
        <button type="button" class="btn btn-sm btn-ghost" aria-expanded={bulk !== null} onClick={() => setBulk(bulk === null ? '' : null)}>{t('uf.bulk')}</button>
      </div>
      {bulk !== null && (
        <div class="form">
          <textarea rows={5} aria-label={t('uf.bulkHint')} placeholder={t('uf.bulkHint')} value={bulk} onInput={(e) => setBulk(e.currentTarget.value)} />
          <div><button type="button" class="btn btn-sm" onClick={addLines}>{t('add')}</button></div>
        </div>
      )}
    </fieldset>
  );
}
