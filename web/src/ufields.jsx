// Custom fields (UF_CRM_*) in the card and the create dialog: the input of one field by its type
// and settings (crm.X.fields gives both), the value as the API wants it back, and the check of a
// mandatory field before it is sent (the API refuses an empty one too; its words are shown then).
import { useEffect, useState } from 'preact/hooks';
import { call } from './api.js';
import { t } from './i18n.js';
import { refs, statusList, titles, userName } from './state.js';
import { TYPES } from './entities.js';
import { crmFormat, crmParse, crmTypes, fileSize, isEmptyValue } from './format.jsx';

export const CURRENCIES = ['RUB', 'USD', 'EUR', 'KZT', 'BYN', 'UAH', 'CNY'];

const list = (v) => (Array.isArray(v) ? v : isEmptyValue(v) ? [] : [v]);

// The value of an item as the inputs hold it: dates cut to what <input type=date> takes, one
// value or a list by MULTIPLE.
export function ufInitial(desc, raw) {
  const one = (x) => {
    if (desc.type === 'date') return String(x || '').slice(0, 10);
    if (desc.type === 'datetime') return String(x || '').slice(0, 16);
    return x ?? '';
  };
  if (desc.type === 'boolean') return [1, '1', true, 'Y'].includes(raw) ? 1 : 0;
  if (desc.type === 'file') return desc.isMultiple ? list(raw) : (isEmptyValue(raw) ? null : raw);
  return desc.isMultiple ? list(raw).map(one) : one(raw);
}

// What a new item starts with: the field's default (a list's default items, "now" for dates).
export function ufDefault(desc) {
  const s = desc.settings || {};
  let v = s.DEFAULT_VALUE ?? '';
  if (desc.type === 'enumeration') {
    const ids = (desc.uf?.LIST || []).filter((x) => x.DEF === 'Y').map((x) => x.ID);
    v = desc.isMultiple ? ids : ids[0] || '';
  } else if (desc.type === 'date' || desc.type === 'datetime') {
    const now = new Date(Date.now() - new Date().getTimezoneOffset() * 60e3).toISOString();
    v = v?.TYPE === 'NOW' ? now : v?.TYPE === 'FIXED' ? v.VALUE : '';
  } else if (typeof v === 'object') {
    v = '';
  }
  return ufInitial(desc, v);
}

// The inputs' value → what add/update take: empty values dropped from lists; files kept by {id},
// new ones as {fileData: [name, base64]}.
export function ufOut(desc, v) {
  const file = (f) => (f?.fileData ? { fileData: f.fileData } : { id: f.id });
  if (desc.type === 'file') return desc.isMultiple ? list(v).map(file) : v ? file(v) : '';
  if (desc.isMultiple) return list(v).filter((x) => !isEmptyValue(x));
  return v ?? '';
}

export function ufMissing(desc, v) {
  return desc.isRequired && desc.type !== 'boolean' && (desc.isMultiple ? !list(v).some((x) => !isEmptyValue(x)) : isEmptyValue(v));
}

function readFile(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).split(',')[1] || '');
    r.onerror = reject;
    r.readAsDataURL(file);
  });
}

// One value of a scalar type.
function Single({ desc, value, onChange, label, autoFocus }) {
  const s = desc.settings || {};
  const set = (e) => onChange(e.currentTarget.value);
  switch (desc.type) {
    case 'integer': return <input type="number" step="1" autoFocus={autoFocus} aria-label={label} value={value} onInput={set} />;
    case 'double': return <input type="number" step="any" autoFocus={autoFocus} aria-label={label} value={value} onInput={set} />;
    case 'date': return <input type="date" autoFocus={autoFocus} aria-label={label} value={value} onInput={set} />;
    case 'datetime': return <input type="datetime-local" autoFocus={autoFocus} aria-label={label} value={value} onInput={set} />;
    case 'url': return <input type="url" autoFocus={autoFocus} aria-label={label} value={value} onInput={set} placeholder="https://" />;
    case 'iblock_section': case 'iblock_element':
      return <input type="number" min="1" autoFocus={autoFocus} aria-label={label} value={value} onInput={set} />;
    case 'crm_status': {
      const items = statusList(s.ENTITY_TYPE);
      return <select autoFocus={autoFocus} aria-label={label} value={value} onChange={set}>
        <option value="">—</option>
        {items.map((x) => <option key={x.STATUS_ID} value={x.STATUS_ID}>{x.NAME}</option>)}
      </select>;
    }
    case 'money': {
      const [sum = '', cur = 'RUB'] = String(value || '').split('|');
      const out = (a, c) => onChange(a === '' ? '' : `${a}|${c}`);
      return <span class="row money-edit">
        <input type="number" step="0.01" autoFocus={autoFocus} aria-label={label} value={sum} onInput={(e) => out(e.currentTarget.value, cur)} />
        <select aria-label={`${label}: ${t('f.CURRENCY_ID')}`} value={cur} onChange={(e) => out(sum, e.currentTarget.value)}>
          {CURRENCIES.map((c) => <option key={c}>{c}</option>)}
        </select>
      </span>;
    }
    default:
      return Number(s.ROWS) > 1
        ? <textarea autoFocus={autoFocus} rows={Number(s.ROWS)} aria-label={label} value={value} onInput={set} />
        : <input type="text" autoFocus={autoFocus} aria-label={label} value={value} onInput={set} />;
  }
}

// Several values of a scalar type: a row each, added and removed.
function Several({ desc, value, onChange, label, autoFocus }) {
  const rows = value.length ? value : [''];
  return (
    <div class="multi-edit">
      {rows.map((x, i) => (
        <div class="row" key={i}>
          <Single desc={desc} value={x} label={label} autoFocus={autoFocus && i === 0} onChange={(nv) => onChange(rows.map((y, j) => (j === i ? nv : y)))} />
          <button type="button" class="icon-btn" aria-label={`${t('delete')}: ${label} ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>×</button>
        </div>
      ))}
      <button type="button" class="link-btn" onClick={() => onChange([...rows, ''])}>+ {t('card.add')}</button>
    </div>
  );
}

function Enumeration({ desc, value, onChange, label, autoFocus }) {
  const s = desc.settings || {};
  const items = desc.items || [];
  const noValue = s.CAPTION_NO_VALUE || t('uf.noValue');
  if (s.DISPLAY === 'CHECKBOX') {
    const chosen = list(value).map(String);
    return (
      <fieldset class="choice" aria-label={label}>
        {!desc.isMultiple && !desc.isRequired && s.SHOW_NO_VALUE !== 'N' && (
          <label class="check"><input type="radio" name={`uf-${desc.title}`} checked={!chosen.length} onChange={() => onChange('')} autoFocus={autoFocus} />{noValue}</label>
        )}
        {items.map((x, i) => (
          <label class="check" key={x.ID}>
            <input type={desc.isMultiple ? 'checkbox' : 'radio'} name={`uf-${desc.title}`} value={x.ID} checked={chosen.includes(String(x.ID))}
              autoFocus={autoFocus && i === 0 && (desc.isMultiple || desc.isRequired)}
              onChange={(e) => onChange(desc.isMultiple
                ? (e.currentTarget.checked ? [...chosen, String(x.ID)] : chosen.filter((c) => c !== String(x.ID)))
                : String(x.ID))} />
            {x.VALUE}
          </label>
        ))}
      </fieldset>
    );
  }
  if (desc.isMultiple) {
    const chosen = list(value).map(String);
    return (
      <select multiple autoFocus={autoFocus} aria-label={label} size={Math.max(Number(s.LIST_HEIGHT) || 1, Math.min(items.length, 5))}
        onChange={(e) => onChange([...e.currentTarget.selectedOptions].map((o) => o.value))}>
        {items.map((x) => <option key={x.ID} value={x.ID} selected={chosen.includes(String(x.ID))}>{x.VALUE}</option>)}
      </select>
    );
  }
  return (
    <select autoFocus={autoFocus} aria-label={label} value={value ?? ''} onChange={(e) => onChange(e.currentTarget.value)}>
      {(!desc.isRequired || isEmptyValue(value)) && <option value="">{noValue}</option>}
      {items.map((x) => <option key={x.ID} value={x.ID}>{x.VALUE}</option>)}
    </select>
  );
}

function YesNo({ desc, value, onChange, label, autoFocus }) {
  const s = desc.settings || {};
  const on = Number(value) === 1;
  if (s.DISPLAY === 'RADIO')
    return (
      <fieldset class="choice row" aria-label={label}>
        <label class="check"><input type="radio" name={`uf-${desc.title}`} checked={on} autoFocus={autoFocus} onChange={() => onChange(1)} />{t('yes')}</label>
        <label class="check"><input type="radio" name={`uf-${desc.title}`} checked={!on} onChange={() => onChange(0)} />{t('no')}</label>
      </fieldset>
    );
  if (s.DISPLAY === 'DROPDOWN')
    return <select autoFocus={autoFocus} aria-label={label} value={on ? '1' : '0'} onChange={(e) => onChange(Number(e.currentTarget.value))}>
      <option value="1">{t('yes')}</option><option value="0">{t('no')}</option>
    </select>;
  return <label class="check"><input type="checkbox" autoFocus={autoFocus} checked={on} onChange={(e) => onChange(e.currentTarget.checked ? 1 : 0)} />{s.LABEL_CHECKBOX || label}</label>;
}

function Employees({ desc, value, onChange, label, autoFocus }) {
  if (!desc.isMultiple)
    return <select autoFocus={autoFocus} aria-label={label} value={value || ''} onChange={(e) => onChange(e.currentTarget.value)}>
      <option value="">—</option>
      {refs.users.map((u) => <option key={u.ID} value={u.ID}>{userName(u.ID)}</option>)}
    </select>;
  const ids = list(value).map(String);
  return (
    <div class="link-edit">
      {ids.map((id) => <span class="chip" key={id}>{userName(id)}
        <button type="button" class="chip-x" aria-label={`${t('delete')}: ${userName(id)}`} onClick={() => onChange(ids.filter((x) => x !== id))}>×</button></span>)}
      <select autoFocus={autoFocus} aria-label={label} value="" onChange={(e) => e.currentTarget.value && onChange([...ids, e.currentTarget.value])}>
        <option value="">+ {t('add')}</option>
        {refs.users.filter((u) => !ids.includes(String(u.ID))).map((u) => <option key={u.ID} value={u.ID}>{userName(u.ID)}</option>)}
      </select>
    </div>
  );
}

// Items of the types the field takes, found by the CRM search; shown as chips.
function CrmItems({ desc, value, onChange, label, autoFocus }) {
  const types = crmTypes(desc);
  const vals = list(value).map(String);
  const [q, setQ] = useState('');
  const [found, setFound] = useState([]);
  useEffect(() => {
    if (!q.trim()) return setFound([]);
    const timer = setTimeout(() => call('voronka.crm.search', { query: q, entityTypeIds: types.map((x) => TYPES[x].id), limit: 8 })
      .then(setFound, () => {}), 150);
    return () => clearTimeout(timer);
  }, [q]);
  const add = (x) => {
    const type = Object.keys(TYPES).find((k) => TYPES[k].id === x.entityTypeId);
    titles.set(`${type}:${x.id}`, x.title);
    const v = crmFormat(desc, type, x.id);
    onChange(desc.isMultiple ? [...new Set([...vals, v])] : v);
    setQ('');
  };
  return (
    <div class="link-edit">
      {vals.map((v) => {
        const p = crmParse(desc, v);
        const name = p ? titles.get(`${p[0]}:${p[1]}`) || `${t(`type.${p[0]}`)} #${p[1]}` : v;
        return <span class="chip" key={v}>{name}
          <button type="button" class="chip-x" aria-label={`${t('delete')}: ${name}`} onClick={() => onChange(desc.isMultiple ? vals.filter((x) => x !== v) : '')}>×</button></span>;
      })}
      <input type="search" autoFocus={autoFocus} aria-label={label} placeholder={types.map((x) => t(`type.${x}`)).join(', ') || t('search.placeholder')}
        value={q} onInput={(e) => setQ(e.currentTarget.value)} />
      {found.length > 0 && (
        <ul class="picker">
          {found.map((x) => <li key={`${x.entityTypeId}:${x.id}`}><button type="button" onClick={() => add(x)}>
            <span class="badge">{t(`type.${Object.keys(TYPES).find((k) => TYPES[k].id === x.entityTypeId)}`)}</span> {x.title} <span class="muted">{x.subtitle}</span>
          </button></li>)}
        </ul>
      )}
    </div>
  );
}

// Files: those the item has (name and size; removable), and new ones read as base64.
function Files({ desc, value, onChange, label, autoFocus }) {
  const s = desc.settings || {};
  const files = desc.isMultiple ? list(value) : value ? [value] : [];
  const [error, setError] = useState('');
  const add = async (e) => {
    setError('');
    const picked = [...e.currentTarget.files];
    e.currentTarget.value = '';
    const max = Number(s.MAX_ALLOWED_SIZE) || 0;
    const big = picked.find((f) => max && f.size > max);
    if (big) return setError(t('uf.tooBig', { name: big.name, max: fileSize(max) }));
    const read = await Promise.all(picked.map(async (f) => ({ name: f.name, size: f.size, fileData: [f.name, await readFile(f)] })));
    onChange(desc.isMultiple ? [...files, ...read] : read[0] || null);
  };
  return (
    <div class="file-edit">
      {files.map((f, i) => (
        <span class="chip" key={f.id || `n${i}`}>{f.name || `#${f.id}`}{f.size ? <span class="muted small"> · {fileSize(f.size)}</span> : null}
          <button type="button" class="chip-x" aria-label={`${t('delete')}: ${f.name || f.id}`}
            onClick={() => onChange(desc.isMultiple ? files.filter((_, j) => j !== i) : null)}>×</button></span>
      ))}
      <input type="file" autoFocus={autoFocus} aria-label={label} multiple={desc.isMultiple}
        accept={(s.EXTENSIONS || []).map((x) => `.${x}`).join(',') || undefined} onChange={add} />
      {error && <span class="field-error" role="alert">{error}</span>}
    </div>
  );
}

// The input of a custom field; value as ufInitial() makes it.
export function UfInput(props) {
  const { desc } = props;
  switch (desc.type) {
    case 'enumeration': return <Enumeration {...props} />;
    case 'boolean': return <YesNo {...props} />;
    case 'employee': return <Employees {...props} />;
    case 'crm': return <CrmItems {...props} />;
    case 'file': return <Files {...props} />;
    default: return desc.isMultiple ? <Several {...props} value={list(props.value)} /> : <Single {...props} />;
  }
}
