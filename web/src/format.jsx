// How a field's value reads, by its descriptor's type (crm.X.fields): reference-list names, user
// names, linked items as links that open their card, money, dates, multi-field values.
import { date, money, t } from './i18n.js';
import { cardHref } from './router.js';
import { categoryName, statusName, titles, userName } from './state.js';
import { statusEntityOf } from './entities.js';

const LINK_TYPE = { crm_company: 'company', crm_contact: 'contact', crm_lead: 'lead', crm_deal: 'deal' };

export function linkedType(desc) {
  return LINK_TYPE[desc?.type] || null;
}

// A custom field bound to CRM items (type "crm"): its SETTINGS say which types it takes; a value is
// the bare ID when it takes one type, else the type's prefix and the ID ("D_12", "CO_5").
const CRM_PREFIX = { lead: 'L', deal: 'D', contact: 'C', company: 'CO' };
const PREFIX_TYPE = { L: 'lead', D: 'deal', C: 'contact', CO: 'company' };
export function crmTypes(desc) {
  return Object.keys(CRM_PREFIX).filter((k) => desc?.settings?.[k.toUpperCase()] === 'Y');
}
export function crmParse(desc, v) {
  const m = /^([A-Z]+)_(\d+)$/i.exec(String(v));
  if (m) return PREFIX_TYPE[m[1].toUpperCase()] ? [PREFIX_TYPE[m[1].toUpperCase()], Number(m[2])] : null;
  const types = crmTypes(desc);
  return types.length === 1 && Number(v) ? [types[0], Number(v)] : null;
}
export function crmFormat(desc, type, id) {
  return crmTypes(desc).length === 1 ? String(id) : `${CRM_PREFIX[type]}_${id}`;
}
const asList = (v) => (Array.isArray(v) ? v : v === null || v === undefined || v === '' ? [] : [v]);

export function ItemLink({ type, id }) {
  return <a class="item-link" href={cardHref(type, id)}>{titles.get(`${type}:${id}`) || `#${id}`}</a>;
}

// The ids of linked items a row shows, as [type, id] pairs for loadTitles().
export function linkedIds(fields, codes, items) {
  const out = [];
  for (const code of codes) {
    const desc = fields[code];
    if (desc?.type === 'crm') {
      for (const it of items) asList(it[code]).forEach((v) => { const p = crmParse(desc, v); if (p) out.push(p); });
      continue;
    }
    const lt = linkedType(desc);
    if (!lt) continue;
    for (const it of items) {
      const v = it[code];
      (Array.isArray(v) ? v : [v]).forEach((id) => id && out.push([lt, id]));
    }
  }
  return out;
}

export const isEmptyValue = (v) => v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length);

export function fileSize(n) {
  const b = Number(n) || 0;
  return b < 1024 ? `${b} B` : b < 1048576 ? `${(b / 1024).toFixed(1)} KB` : `${(b / 1048576).toFixed(1)} MB`;
}

// One value of a custom field, by its type; several values in a column.
function UfValue({ desc, v }) {
  const one = (x, i) => {
    switch (desc.type) {
      case 'date': return <span key={i}>{date(x)}</span>;
      case 'datetime': return <span key={i}>{date(x, true)}</span>;
      case 'crm_status': return <span key={i}>{statusName(desc.settings?.ENTITY_TYPE, x)}</span>;
      case 'crm': {
        const p = crmParse(desc, x);
        return p ? <ItemLink key={i} type={p[0]} id={p[1]} /> : <span key={i}>{String(x)}</span>;
      }
      case 'file': {
        const name = x?.name || `#${x?.id ?? x}`;
        return x?.downloadUrl ? <a key={i} href={x.downloadUrl} download>{name}</a>
          : <span key={i} class="file-val">{name}{x?.size ? <span class="muted small"> · {fileSize(x.size)}</span> : null}</span>;
      }
      default: return null;
    }
  };
  return <span class="multi">{asList(desc.type === 'file' && v && !Array.isArray(v) ? [v] : v).map(one)}</span>;
}
const UF_OWN = new Set(['date', 'datetime', 'crm_status', 'crm', 'file']);

export function Value({ type, code, desc, item }) {
  const v = item[code];
  if (isEmptyValue(v)) return <span class="muted">—</span>;
  if (code.startsWith('UF_') && UF_OWN.has(desc?.type)) return <UfValue desc={desc} v={v} />;
  switch (desc?.type) {
    case 'crm_status':
      return <span>{statusName(statusEntityOf(type, code, desc, item), v)}</span>;
    case 'user':
      return <span>{userName(v)}</span>;
    case 'crm_category':
      return <span>{categoryName(v)}</span>;
    case 'crm_multifield':
      return <span class="multi">{v.map((x, i) => (
        <span key={x.ID || i}>{code === 'PHONE' ? <a href={`tel:${x.VALUE}`}>{x.VALUE}</a> : code === 'EMAIL' ? <a href={`mailto:${x.VALUE}`}>{x.VALUE}</a> : x.VALUE}</span>
      ))}</span>;
    case 'date':
      return <span>{date(v)}</span>;
    case 'datetime':
      return <span>{date(v, true)}</span>;
    case 'char':
      return <span>{v === 'Y' ? t('yes') : t('no')}</span>;
    // custom fields (UF_CRM_*), as crm.X.fields describes them
    case 'boolean':
      return <span>{[1, '1', true, 'Y'].includes(v) ? t('yes') : t('no')}</span>;
    case 'enumeration': {
      const label = (id) => desc.items?.find((x) => String(x.ID) === String(id))?.VALUE ?? id;
      return <span>{(Array.isArray(v) ? v : [v]).map(label).join(', ')}</span>;
    }
    case 'employee':
      return <span>{(Array.isArray(v) ? v : [v]).map(userName).join(', ')}</span>;
    case 'url':
      return <span class="multi">{(Array.isArray(v) ? v : [v]).map((u) => (/^https?:\/\//i.test(u) ? <a key={u} href={u} target="_blank" rel="noopener noreferrer">{u}</a> : <span key={u}>{u}</span>))}</span>;
    case 'money':
      return <span class="multi num">{asList(v).map((x, i) => {
        const [sum, cur] = String(x).split('|');
        return <span key={i}>{money(sum, cur || 'RUB')}</span>;
      })}</span>;
    case 'double':
      return <span class="num">{code === 'OPPORTUNITY' || code === 'REVENUE' ? money(v, item.CURRENCY_ID) : asList(v).join(', ')}</span>;
    default: {
      const lt = linkedType(desc);
      if (lt) return <span class="multi">{(Array.isArray(v) ? v : [v]).map((id) => <ItemLink key={id} type={lt} id={id} />)}</span>;
      if (Array.isArray(v)) return <span class="multi">{v.map((x, i) => <span key={i}>{String(x)}</span>)}</span>;
      return <span>{String(v)}</span>;
    }
  }
}
