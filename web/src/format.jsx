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

export function ItemLink({ type, id }) {
  return <a class="item-link" href={cardHref(type, id)}>{titles.get(`${type}:${id}`) || `#${id}`}</a>;
}

// The ids of linked items a row shows, as [type, id] pairs for loadTitles().
export function linkedIds(fields, codes, items) {
  const out = [];
  for (const code of codes) {
    const lt = linkedType(fields[code]);
    if (!lt) continue;
    for (const it of items) {
      const v = it[code];
      (Array.isArray(v) ? v : [v]).forEach((id) => id && out.push([lt, id]));
    }
  }
  return out;
}

export function Value({ type, code, desc, item }) {
  const v = item[code];
  if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) return <span class="muted">—</span>;
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
    case 'money': {
      const [sum, cur] = String(v).split('|');
      return <span class="num">{money(sum, cur || 'RUB')}</span>;
    }
    case 'double':
      return <span class="num">{code === 'OPPORTUNITY' || code === 'REVENUE' ? money(v, item.CURRENCY_ID) : v}</span>;
    default: {
      const lt = linkedType(desc);
      if (lt) return <span class="multi">{(Array.isArray(v) ? v : [v]).map((id) => <ItemLink key={id} type={lt} id={id} />)}</span>;
      return <span>{String(v)}</span>;
    }
  }
}
