// The list of leads, deals, contacts or companies: columns chosen per user, sort by a click on a
// column's header, a filter panel with saved presets, pages of 50 with the total, selection with
// bulk actions (responsible, stage, delete), export to CSV/XLSX and import from CSV.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { batch, call, callFull, toQuery } from './api.js';
import { fieldLabel, num, t } from './i18n.js';
import { cardHref, go } from './router.js';
import { customCodes, loadFields, loadTitles, on, refs, stagesOf, statusList, useTopic, userName } from './state.js';
import { TYPES, TYPE_BY_ID, itemTitle } from './entities.js';
import { Value, linkedIds } from './format.jsx';
import { confirm, Menu, Modal, Spinner, toast, toastError, UserSelect } from './ui.jsx';
import { CreateButton, ViewSwitch } from './common.jsx';
import { ImportDialog } from './import.jsx';
import { pref, setPref } from './prefs.js';

const PAGE = 50;
// Chosen columns and saved presets are the user's, on the server (prefs.js): any browser shows them.
const colsPref = (type) => `crm.list.${type}.columns`;
const presetsPref = (type) => `crm.list.${type}.presets`;
const arrayPref = (name) => {
  const v = pref(name, null);
  return Array.isArray(v) ? v : null;
};

// Custom fields in the filter panel: those marked "show in filter" (SHOW_FILTER other than N),
// of the types a simple input can ask for (files and CRM bindings are not filtered here).
const UF_RANGE = new Set(['integer', 'double', 'date', 'datetime']);
const UF_TEXT = new Set(['string', 'url', 'address', 'money']);
function filterCodes(fields) {
  return fields ? customCodes(fields).filter((c) => fields[c].uf && fields[c].uf.SHOW_FILTER !== 'N' && !['file', 'crm'].includes(fields[c].type)) : [];
}
function ufFilter(out, fields, uf) {
  for (const [code, v] of Object.entries(uf || {})) {
    const d = fields?.[code];
    if (!d || v === '' || v === undefined || v === null) continue;
    if (UF_RANGE.has(d.type)) {
      const day = d.type === 'datetime';
      if (v.from) out[`>=${code}`] = day ? `${v.from}T00:00:00` : v.from;
      if (v.to) out[`<=${code}`] = day ? `${v.to}T23:59:59` : v.to;
    } else if (UF_TEXT.has(d.type)) {
      // "I" asks for the exact value; the mask and substring modes both search inside the text
      out[d.uf?.SHOW_FILTER === 'I' ? code : `%${code}`] = v;
    } else {
      out[code] = v;
    }
  }
}

// The columns shown before the user chooses: the type's own, then custom fields marked "show in list".
function defaultColumns(T, fields) {
  return [...T.columns, ...(fields ? customCodes(fields).filter((c) => fields[c].uf?.SHOW_IN_LIST === 'Y') : [])];
}

// The UI's filter → the API's filter.
function apiFilter(type, f, searchIds, fields) {
  const T = TYPES[type];
  const out = {};
  if (type === 'deal' && f.category !== undefined && f.category !== '') out.CATEGORY_ID = Number(f.category);
  if (T.stageField && f.stage) out[T.stageField] = f.stage;
  if (f.assigned) out.ASSIGNED_BY_ID = Number(f.assigned);
  if (f.from) out['>=DATE_CREATE'] = `${f.from}T00:00:00`;
  if (f.to) out['<=DATE_CREATE'] = `${f.to}T23:59:59`;
  if (f.min) out['>=OPPORTUNITY'] = Number(f.min);
  if (f.max) out['<=OPPORTUNITY'] = Number(f.max);
  if (f.q && searchIds) out['@ID'] = searchIds.length ? searchIds : [0];
  else if (f.q) out[T.searchField] = f.q;
  ufFilter(out, fields, f.uf);
  return out;
}

export function ListPage({ type, query }) {
  useTopic('refs');
  useTopic('titles');
  const T = TYPES[type];
  useTopic('fields');
  const [fields, setFields] = useState(null);
  const [chosenCols, setCols] = useState(() => arrayPref(colsPref(type)));
  const cols = chosenCols || defaultColumns(T, fields);
  const [order, setOrder] = useState({ ID: 'DESC' });
  const initial = useMemo(() => {
    const f = {};
    if (query.stage) f.stage = query.stage;
    if (query.category !== undefined) f.category = query.category;
    if (query.assigned) f.assigned = query.assigned;
    return f;
  }, [type, query.stage, query.category, query.assigned]);
  const [filter, setFilter] = useState(initial);
  const [start, setStart] = useState(0);
  const [rows, setRows] = useState(null);
  const [total, setTotal] = useState(0);
  const [selected, setSelected] = useState(new Set());
  const [showFilter, setShowFilter] = useState(false);
  const [importing, setImporting] = useState(false);
  const seq = useRef(0);

  useEffect(() => {
    setCols(arrayPref(colsPref(type)));
    setFilter(initial);
    setStart(0);
    setSelected(new Set());
    setRows(null);
    loadFields(T.method).then(setFields, toastError);
  }, [type, initial]);
  // custom fields changed in the settings: the columns and the filter follow
  useEffect(() => on('fields', () => loadFields(T.method).then(setFields, toastError)), [type]);

  const load = async () => {
    const my = ++seq.current;
    try {
      // Contacts are found by any part of the name or a phone: the search index gives their ids.
      const ids = filter.q && type === 'contact'
        ? (await call('voronka.crm.search', { query: filter.q, entityTypeIds: [T.id], limit: 50 })).map((x) => x.id)
        : null;
      const select = [...new Set(['ID', 'TITLE', 'NAME', 'LAST_NAME', 'CURRENCY_ID', 'CATEGORY_ID', T.stageField, ...cols].filter(Boolean))]
        .filter((c) => !fields || fields[c]);
      const r = await callFull(`${T.method}.list`, { filter: apiFilter(type, filter, ids, fields), order, select, start });
      // the linked items' titles first: rows drawn with "#5" that become a long company name
      // would wrap and push the rows below them down (a layout jump)
      if (fields) await loadTitles(linkedIds(fields, cols, r.result)).catch(() => {});
      if (my !== seq.current) return;
      setRows(r.result);
      setTotal(r.total ?? r.result.length);
    } catch (e) {
      if (my === seq.current) {
        toastError(e);
        setRows([]);
      }
    }
  };

  useEffect(() => {
    if (fields) load();
  }, [fields, filter, order, start, cols.join(',')]);

  // Live: someone changed an item of this type; the page is read again (once per burst).
  useEffect(() => {
    let timer = null;
    const off = on('crm', (ev) => {
      if (ev.action !== 'reset' && TYPE_BY_ID[ev.entityTypeId] !== type) return;
      clearTimeout(timer);
      timer = setTimeout(load, 200);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  });

  const sortBy = (code) => {
    const dir = order[code] === 'ASC' ? 'DESC' : 'ASC';
    setOrder({ [code]: dir });
    setStart(0);
  };

  const setColumns = (next) => {
    setCols(next);
    setPref(colsPref(type), next).catch(toastError);
  };

  const toggle = (id) => {
    const s = new Set(selected);
    s.has(id) ? s.delete(id) : s.add(id);
    setSelected(s);
  };
  const allOnPage = rows?.length > 0 && rows.every((r) => selected.has(r.ID));

  const [pending, setPending] = useState({}); // the bulk bar's choices, until "Apply"
  const choose = (field, value) => {
    const p = { ...pending };
    if (value) p[field] = value;
    else delete p[field];
    setPending(p);
  };
  const bulk = async (fieldsToSet, del = false) => {
    const ids = [...selected];
    if (del && !(await confirm({ title: t('list.bulk.delete'), text: t('list.bulk.confirmDelete', { n: ids.length }), ok: t('confirm.delete'), danger: true })))
      return;
    const cmds = {};
    ids.forEach((id) => { cmds[`i${id}`] = del ? [`${T.method}.delete`, { id }] : [`${T.method}.update`, { id, fields: fieldsToSet }]; });
    try {
      const r = await batch(cmds, { halt: false });
      const errs = Object.values(r.__errors || {});
      if (errs.length) toast(`${t('list.failedN', { n: errs.length })}: ${errs[0].error_description}`, 'error');
      if (ids.length - errs.length > 0) toast(t('list.done', { n: ids.length - errs.length }));
      setSelected(new Set());
      load();
    } catch (e) {
      toastError(e);
    }
  };

  const exportHref = (ext) => `/crm/export/${type}.${ext}?${toQuery({ filter: apiFilter(type, filter, null, fields), order: { ID: 'DESC' }, select: cols.filter((c) => fields?.[c]) })}`;
  const category = type === 'deal' ? Number(filter.category) || 0 : 0;
  const stages = stagesOf(type, category);

  return (
    <div class="page page-list">
      <div class="page-head">
        <h1>{t(`menu.${type}`)}</h1>
        <ViewSwitch type={type} view="list" categoryId={category} />
        <div class="list-search">
          <input type="search" placeholder={t('list.search')} aria-label={t('list.search')} value={filter.q || ''}
            onKeyDown={(e) => { if (e.key === 'Enter') { setFilter({ ...filter, q: e.currentTarget.value.trim() }); setStart(0); } }}
            onChange={(e) => { setFilter({ ...filter, q: e.currentTarget.value.trim() }); setStart(0); }} />
          <button class={`btn ${showFilter ? 'active' : ''}`} aria-expanded={showFilter} onClick={() => setShowFilter(!showFilter)}>
            {t('list.filter')}{Object.keys(apiFilter(type, { ...filter, q: '' }, null, fields)).length ? ` (${Object.keys(apiFilter(type, { ...filter, q: '' }, null, fields)).length})` : ''}
          </button>
        </div>
        <span class="grow" />
        <Menu label={t('list.export')} align="right" button={<span class="btn">{t('list.export')} ▾</span>}>
          <a class="menu-item" href={exportHref('csv')} download data-close>CSV</a>
          <a class="menu-item" href={exportHref('xlsx')} download data-close>XLSX</a>
        </Menu>
        <button class="btn" onClick={() => setImporting(true)}>{t('list.import')}</button>
        <CreateButton type={type} categoryId={category} />
      </div>
      {showFilter && (
        <FilterPanel type={type} filter={filter} stages={stages} fields={fields}
          onApply={(f) => { setFilter(f); setStart(0); }} />
      )}
      {selected.size > 0 && (
        <div class="bulkbar" role="region" aria-label={t('list.selected', { n: selected.size })}>
          <b>{t('list.selected', { n: selected.size })}</b>
          {/* A choice waits for "Apply": from the keyboard ↓ walks the options, and applying the
              first one it passes would change every selected row. */}
          <label class="inline">{t('list.bulk.assign')}
            <select value={pending.ASSIGNED_BY_ID ?? ''} onChange={(e) => choose('ASSIGNED_BY_ID', e.currentTarget.value && Number(e.currentTarget.value))}>
              <option value="">—</option>
              {refs.users.map((u) => <option key={u.ID} value={u.ID}>{userName(u.ID)}</option>)}
            </select>
          </label>
          {T.stageField && (
            <label class="inline">{t('list.bulk.stage')}
              <select value={pending[T.stageField] ?? ''} onChange={(e) => choose(T.stageField, e.currentTarget.value)}>
                <option value="">—</option>
                {stages.map((s) => <option key={s.STATUS_ID} value={s.STATUS_ID}>{s.NAME}</option>)}
              </select>
            </label>
          )}
          <button class="btn btn-primary btn-sm" disabled={!Object.keys(pending).length}
            onClick={() => { bulk(pending); setPending({}); }}>{t('list.bulk.apply')}</button>
          <button class="btn btn-danger btn-sm" onClick={() => bulk(null, true)}>{t('list.bulk.delete')}</button>
          <button class="btn btn-sm" onClick={() => setSelected(new Set())}>{t('cancel')}</button>
        </div>
      )}
      <div class="table-wrap">
        {!fields || !rows ? <Spinner /> : (
          <table class="grid">
            <thead>
              <tr>
                <th class="sel"><input type="checkbox" aria-label={t('list.selectAll')} checked={allOnPage}
                  onChange={() => { const s = new Set(selected); rows.forEach((r) => (allOnPage ? s.delete(r.ID) : s.add(r.ID))); setSelected(s); }} /></th>
                {cols.filter((c) => fields[c]).map((c) => {
                  const sortable = fields[c].type !== 'crm_multifield' && !fields[c].isMultiple;
                  const dir = order[c];
                  return (
                    <th key={c} aria-sort={dir ? (dir === 'ASC' ? 'ascending' : 'descending') : undefined}>
                      {sortable ? <button class="th-sort" onClick={() => sortBy(c)}>{fieldLabel(c, fields[c])}<span class="sort-mark">{dir === 'ASC' ? '▲' : dir === 'DESC' ? '▼' : ''}</span></button> : fieldLabel(c, fields[c])}
                    </th>
                  );
                })}
                <th class="cols-th">
                  <ColumnChooser fields={fields} cols={cols} onChange={setColumns} />
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 && <tr><td colSpan={cols.length + 2} class="empty">{t('list.empty')}</td></tr>}
              {rows.map((r) => (
                <tr key={r.ID} class={selected.has(r.ID) ? 'selected' : ''}>
                  <td class="sel"><input type="checkbox" aria-label={`${t('list.select')} ${itemTitle(type, r)}`} checked={selected.has(r.ID)} onChange={() => toggle(r.ID)} /></td>
                  {cols.filter((c) => fields[c]).map((c) => (
                    <td key={c}>
                      {(c === 'TITLE' || (type === 'contact' && c === 'NAME'))
                        ? <a class="row-title" href={cardHref(type, r.ID)}>{itemTitle(type, r)}</a>
                        : <Value type={type} code={c} desc={fields[c]} item={r} />}
                    </td>
                  ))}
                  <td />
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {rows && total > 0 && (
        <div class="pager">
          <span>{t('list.total', { from: num(start + 1), to: num(start + rows.length), total: num(total) })}</span>
          <button class="btn btn-sm" disabled={start === 0} onClick={() => setStart(Math.max(0, start - PAGE))}>{t('list.prev')}</button>
          <button class="btn btn-sm" disabled={start + rows.length >= total} onClick={() => setStart(start + PAGE)}>{t('list.next')}</button>
        </div>
      )}
      {importing && <ImportDialog type={type} onClose={() => { setImporting(false); load(); }} />}
    </div>
  );
}

function ColumnChooser({ fields, cols, onChange }) {
  // custom fields not marked "show in list" are not offered (Bitrix24's SHOW_IN_LIST)
  const all = Object.keys(fields).filter((c) => !['LINK', 'PHOTO', 'LOGO'].includes(c) && (!fields[c].uf || fields[c].uf.SHOW_IN_LIST === 'Y' || cols.includes(c)));
  return (
    <Menu label={t('list.columns')} align="right" button={<span aria-hidden="true">⚙</span>}>
      <div class="col-chooser">
        {all.map((c) => (
          <label key={c} class="check">
            <input type="checkbox" checked={cols.includes(c)} disabled={c === 'ID'}
              onChange={() => onChange(cols.includes(c) ? cols.filter((x) => x !== c) : [...cols, c])} />
            {fieldLabel(c, fields[c])}
          </label>
        ))}
      </div>
    </Menu>
  );
}

// One custom field's filter input, by its type.
function UfFilterInput({ code, desc, value, onChange }) {
  const label = fieldLabel(code, desc);
  if (UF_RANGE.has(desc.type)) {
    const kind = desc.type === 'date' || desc.type === 'datetime' ? 'date' : 'number';
    const v = value || {};
    return (
      <fieldset class="uf-range" data-uf={code}>
        <legend>{label}</legend>
        <input type={kind} aria-label={`${label}: ${t('uf.from')}`} placeholder={t('uf.from')} value={v.from || ''} onInput={(e) => onChange({ ...v, from: e.currentTarget.value })} />
        <input type={kind} aria-label={`${label}: ${t('uf.to')}`} placeholder={t('uf.to')} value={v.to || ''} onInput={(e) => onChange({ ...v, to: e.currentTarget.value })} />
      </fieldset>
    );
  }
  let input;
  const set = (e) => onChange(e.currentTarget.value);
  switch (desc.type) {
    case 'enumeration':
      input = <select value={value || ''} onChange={set}><option value="">{t('list.any')}</option>
        {(desc.items || []).map((x) => <option key={x.ID} value={x.ID}>{x.VALUE}</option>)}</select>;
      break;
    case 'boolean':
      input = <select value={value ?? ''} onChange={set}><option value="">{t('list.any')}</option>
        <option value="1">{t('yes')}</option><option value="0">{t('no')}</option></select>;
      break;
    case 'employee':
      input = <UserSelect value={value} allowEmpty onChange={onChange} />;
      break;
    case 'crm_status':
      input = <select value={value || ''} onChange={set}><option value="">{t('list.any')}</option>
        {statusList(desc.settings?.ENTITY_TYPE).map((x) => <option key={x.STATUS_ID} value={x.STATUS_ID}>{x.NAME}</option>)}</select>;
      break;
    default:
      input = <input type="text" value={value || ''} onInput={set} />;
  }
  return <label data-uf={code}>{label}{input}</label>;
}

function FilterPanel({ type, filter, stages, fields, onApply }) {
  const T = TYPES[type];
  const [f, setF] = useState(filter);
  const [presets, setPresets] = useState(() => arrayPref(presetsPref(type)) || []);
  useEffect(() => setF(filter), [filter]);
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });
  const [presetName, setPresetName] = useState('');
  const savePreset = () => {
    const name = presetName.trim();
    if (!name) return;
    setPresetName('');
    const next = [...presets.filter((p) => p.name !== name), { name, filter: f }];
    setPresets(next);
    setPref(presetsPref(type), next).catch(toastError);
  };
  const dropPreset = (name) => {
    const next = presets.filter((p) => p.name !== name);
    setPresets(next);
    setPref(presetsPref(type), next).catch(toastError);
  };
  return (
    <form class="filter-panel" onSubmit={(e) => { e.preventDefault(); onApply(f); }}>
      {presets.length > 0 && (
        <div class="presets" role="group" aria-label={t('list.presets')}>
          {presets.map((p) => (
            <span key={p.name} class="preset">
              <button type="button" class="chip" onClick={() => { setF(p.filter); onApply(p.filter); }}>{p.name}</button>
              <button type="button" class="chip-x" aria-label={`${t('delete')} ${p.name}`} onClick={() => dropPreset(p.name)}>×</button>
            </span>
          ))}
        </div>
      )}
      <div class="filter-fields">
        {type === 'deal' && (
          <label>{t('pipeline')}
            <select value={f.category ?? ''} onChange={(e) => setF({ ...f, category: e.currentTarget.value, stage: '' })}>
              <option value="">{t('list.any')}</option>
              {refs.categories.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
            </select>
          </label>
        )}
        {T.stageField && (
          <label>{t('list.stage')}
            <select value={f.stage || ''} onChange={set('stage')}>
              <option value="">{t('list.any')}</option>
              {stagesOf(type, Number(f.category) || 0).map((s) => <option key={s.STATUS_ID} value={s.STATUS_ID}>{s.NAME}</option>)}
            </select>
          </label>
        )}
        <label>{t('list.responsible')}
          <UserSelect value={f.assigned} allowEmpty onChange={(v) => setF({ ...f, assigned: v })} />
        </label>
        <label>{t('list.createdFrom')}<input type="date" value={f.from || ''} onInput={set('from')} /></label>
        <label>{t('list.createdTo')}<input type="date" value={f.to || ''} onInput={set('to')} /></label>
        {(type === 'deal' || type === 'lead') && (
          <>
            <label>{t('list.amountFrom')}<input type="number" min="0" value={f.min || ''} onInput={set('min')} /></label>
            <label>{t('list.amountTo')}<input type="number" min="0" value={f.max || ''} onInput={set('max')} /></label>
          </>
        )}
        {filterCodes(fields).map((c) => (
          <UfFilterInput key={c} code={c} desc={fields[c]} value={f.uf?.[c]} onChange={(v) => setF({ ...f, uf: { ...(f.uf || {}), [c]: v } })} />
        ))}
      </div>
      <div class="row">
        <button class="btn btn-primary" type="submit">{t('list.apply')}</button>
        <button class="btn" type="button" onClick={() => { setF({}); onApply({}); }}>{t('list.reset')}</button>
        <span class="grow" />
        <input class="preset-name" placeholder={t('list.presetName')} aria-label={t('list.presetName')} value={presetName}
          onInput={(e) => setPresetName(e.currentTarget.value)} onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); savePreset(); } }} />
        <button class="btn" type="button" onClick={savePreset} disabled={!presetName.trim()}>{t('list.savePreset')}</button>
      </div>
    </form>
  );
}

export { go };
