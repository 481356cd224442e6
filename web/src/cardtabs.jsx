// The card's other tabs: products (C8), relations (C5) and history (C7).
import { useEffect, useState } from 'preact/hooks';
import { batch, call, callFull } from './api.js';
import { date, fieldLabel, money, t } from './i18n.js';
import { cardHref } from './router.js';
import { loadTitles, titles, useTopic, userName } from './state.js';
import { TYPES, itemTitle } from './entities.js';
import { Spinner, toast, toastError } from './ui.jsx';
import { CreateDialog } from './common.jsx';

export function History({ type, id, fields }) {
  const [rows, setRows] = useState(null);
  const [next, setNext] = useState(null);
  const load = async (start = 0) => {
    try {
      const r = await callFull('voronka.crm.history.list', { entityTypeId: TYPES[type].id, id, start });
      setRows((xs) => (start ? [...xs, ...r.result] : r.result));
      setNext(r.next ?? null);
    } catch (e) {
      toastError(e);
      setRows([]);
    }
  };
  useEffect(() => { load(0); }, [type, id]);
  if (!rows) return <Spinner />;
  if (!rows.length) return <p class="muted pad">{t('hist.empty')}</p>;
  return (
    <div class="history">
      <table class="grid">
        <thead><tr><th>{t('hist.when')}</th><th>{t('hist.who')}</th><th>{t('hist.what')}</th><th>{t('hist.from')}</th><th>{t('hist.to')}</th></tr></thead>
        <tbody>
          {rows.map((h) => (
            <tr key={h.ID}>
              <td class="nowrap">{date(h.CREATED, true)}</td>
              <td>{userName(h.USER_ID)}</td>
              <td>{Number(h.EVENT_TYPE) === 2 ? fieldLabel(h.FIELD, fields?.[h.FIELD]) : t(`hist.${h.EVENT_TYPE}`)}</td>
              <td class="old">{h.OLD_VALUE ?? ''}</td>
              <td>{h.NEW_VALUE ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {next !== null && <button class="link-btn" onClick={() => load(next)}>{t('tl.more')}</button>}
    </div>
  );
}

const rowSum = (r) => {
  const price = Number(r.PRICE) || 0;
  const qty = Number(r.QUANTITY) || 0;
  return price * qty;
};

export function Products({ type, item, onChanged }) {
  const method = `${TYPES[type].method}.productrows`;
  const [rows, setRows] = useState(null);
  const [catalog, setCatalog] = useState(null);
  const [dirty, setDirty] = useState(false);
  const load = async () => {
    try {
      setRows(await call(`${method}.get`, { id: item.ID }));
      setDirty(false);
    } catch (e) {
      toastError(e);
      setRows([]);
    }
  };
  useEffect(() => { load(); }, [item.ID]);
  const loadCatalog = async () => {
    if (catalog) return;
    try {
      setCatalog(await call('crm.product.list', { order: { NAME: 'ASC' }, select: ['ID', 'NAME', 'PRICE'], filter: { ACTIVE: 'Y' } }));
    } catch {
      setCatalog([]);
    }
  };
  const set = (i, patch) => {
    setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
    setDirty(true);
  };
  const save = async () => {
    const out = rows.map((r) => {
      const x = { PRODUCT_NAME: r.PRODUCT_NAME, PRICE: Number(r.PRICE) || 0, QUANTITY: Number(r.QUANTITY) || 0 };
      if (Number(r.PRODUCT_ID)) x.PRODUCT_ID = Number(r.PRODUCT_ID);
      if (Number(r.DISCOUNT_RATE)) { x.DISCOUNT_TYPE_ID = 2; x.DISCOUNT_RATE = Number(r.DISCOUNT_RATE); }
      if (Number(r.TAX_RATE)) { x.TAX_RATE = Number(r.TAX_RATE); x.TAX_INCLUDED = 'Y'; }
      return x;
    });
    try {
      await call(`${method}.set`, { id: item.ID, rows: out });
      toast(t('saved'));
      await load();
      onChanged();
    } catch (e) {
      toastError(e);
    }
  };
  if (!rows) return <Spinner />;
  const total = rows.reduce((s, r) => s + (Number(r.PRICE) || 0) * (Number(r.QUANTITY) || 0), 0);
  return (
    <div class="products">
      <table class="grid">
        <thead><tr><th>{t('prod.name')}</th><th class="num">{t('prod.price')}</th><th class="num">{t('prod.qty')}</th><th class="num">{t('prod.discount')}</th><th class="num">{t('prod.tax')}</th><th class="num">{t('prod.sum')}</th><th><span class="sr-only">{t('delete')}</span></th></tr></thead>
        <tbody>
          {rows.length === 0 && <tr><td colSpan={7} class="empty">{t('prod.empty')}</td></tr>}
          {rows.map((r, i) => (
            <tr key={r.ID || `n${i}`}>
              <td>
                <input class="wide" aria-label={t('prod.name')} value={r.PRODUCT_NAME || ''} list="catalog" onFocus={loadCatalog}
                  onInput={(e) => {
                    const name = e.currentTarget.value;
                    const p = catalog?.find((x) => x.NAME === name);
                    set(i, p ? { PRODUCT_NAME: name, PRODUCT_ID: p.ID, PRICE: p.PRICE } : { PRODUCT_NAME: name, PRODUCT_ID: 0 });
                  }} />
              </td>
              <td class="num"><input type="number" step="any" min="0" aria-label={t('prod.price')} value={r.PRICE} onInput={(e) => set(i, { PRICE: e.currentTarget.value })} /></td>
              <td class="num"><input type="number" step="any" min="0" aria-label={t('prod.qty')} value={r.QUANTITY} onInput={(e) => set(i, { QUANTITY: e.currentTarget.value })} /></td>
              <td class="num"><input type="number" step="any" min="0" max="100" aria-label={t('prod.discount')} value={r.DISCOUNT_TYPE_ID == 2 ? r.DISCOUNT_RATE : ''} onInput={(e) => set(i, { DISCOUNT_TYPE_ID: 2, DISCOUNT_RATE: e.currentTarget.value })} /></td>
              <td class="num"><input type="number" step="any" min="0" max="100" aria-label={t('prod.tax')} value={r.TAX_RATE ?? ''} onInput={(e) => set(i, { TAX_RATE: e.currentTarget.value })} /></td>
              <td class="num nowrap">{money(rowSum(r), item.CURRENCY_ID)}</td>
              <td><button class="icon-btn" aria-label={t('delete')} onClick={() => { setRows(rows.filter((_, j) => j !== i)); setDirty(true); }}>×</button></td>
            </tr>
          ))}
        </tbody>
        <tfoot><tr><td colSpan={5}><b>{t('prod.total')}</b></td><td class="num nowrap"><b>{money(total, item.CURRENCY_ID)}</b></td><td /></tr></tfoot>
      </table>
      <datalist id="catalog">{(catalog || []).map((p) => <option key={p.ID} value={p.NAME} />)}</datalist>
      <div class="row">
        <button class="btn" onClick={() => { setRows([...rows, { PRODUCT_NAME: '', PRICE: 0, QUANTITY: 1 }]); setDirty(true); loadCatalog(); }}>+ {t('prod.addRow')}</button>
        <span class="grow" />
        {dirty && <button class="btn btn-primary" onClick={save}>{t('save')}</button>}
        {dirty && <button class="btn" onClick={load}>{t('cancel')}</button>}
      </div>
    </div>
  );
}

const REL = { contact: 'rel.contacts', company: 'rel.companies', deal: 'rel.deals', lead: 'rel.leads' };

// C5: a new contact or company made from the relations tab and linked to the item at once: the
// item's type → the new type → [method, params of the link].
const LINK_NEW = {
  deal: { contact: (id, x) => ['crm.deal.contact.add', { id, fields: { CONTACT_ID: x } }], company: (id, x) => ['crm.deal.update', { id, fields: { COMPANY_ID: x } }] },
  lead: { contact: (id, x) => ['crm.lead.contact.add', { id, fields: { CONTACT_ID: x } }], company: (id, x) => ['crm.lead.update', { id, fields: { COMPANY_ID: x } }] },
  contact: { company: (id, x) => ['crm.contact.company.add', { id, fields: { COMPANY_ID: x } }] },
  company: { contact: (id, x) => ['crm.company.contact.add', { id, fields: { CONTACT_ID: x } }] },
};
// What the new item starts with: a lead's person and company name.
function prefill(type, item, kind) {
  if (type !== 'lead') return {};
  if (kind === 'company') return item.COMPANY_TITLE ? { TITLE: item.COMPANY_TITLE } : {};
  return { NAME: item.NAME || '', LAST_NAME: item.LAST_NAME || '', PHONE: item.PHONE?.[0]?.VALUE || '', EMAIL: item.EMAIL?.[0]?.VALUE || '' };
}

// The items linked to this one: contacts and companies it names, deals and leads that name it.
export function Relations({ type, item, onChanged }) {
  useTopic('titles');
  const [groups, setGroups] = useState(null);
  const [making, setMaking] = useState(null); // 'contact' | 'company'
  const link = async (kind, newId) => {
    try {
      const [method, params] = LINK_NEW[type][kind](Number(item.ID), Number(newId));
      await call(method, params);
      toast(t('rel.created'));
    } catch (e) {
      toastError(e);
    }
    setMaking(null);
    await onChanged?.();
  };
  useEffect(() => {
    (async () => {
      const ids = (v) => (Array.isArray(v) ? v : v ? [v] : []).map(Number).filter(Boolean);
      const g = [];
      const cmds = {};
      if (type === 'deal' || type === 'lead') {
        g.push(['contact', ids(item.CONTACT_IDS || item.CONTACT_ID)]);
        g.push(['company', ids(item.COMPANY_ID)]);
      }
      if (type === 'contact') {
        g.push(['company', ids(item.COMPANY_IDS || item.COMPANY_ID)]);
        cmds.deal = ['crm.deal.list', { filter: { CONTACT_ID: item.ID }, select: ['ID', 'TITLE'], order: { ID: 'DESC' } }];
        cmds.lead = ['crm.lead.list', { filter: { CONTACT_ID: item.ID }, select: ['ID', 'TITLE'], order: { ID: 'DESC' } }];
      }
      if (type === 'company') {
        g.push(['contact', ids(item.CONTACT_ID)]);
        cmds.deal = ['crm.deal.list', { filter: { COMPANY_ID: item.ID }, select: ['ID', 'TITLE'], order: { ID: 'DESC' } }];
        cmds.lead = ['crm.lead.list', { filter: { COMPANY_ID: item.ID }, select: ['ID', 'TITLE'], order: { ID: 'DESC' } }];
      }
      if (type === 'deal' && item.LEAD_ID) g.push(['lead', ids(item.LEAD_ID)]);
      try {
        if (Object.keys(cmds).length) {
          const r = await batch(cmds, { halt: false });
          for (const k of Object.keys(cmds)) {
            const list = Array.isArray(r[k]) ? r[k] : [];
            list.forEach((x) => titles.set(`${k}:${x.ID}`, itemTitle(k, x)));
            g.push([k, list.map((x) => Number(x.ID))]);
          }
        }
        await loadTitles(g.flatMap(([k, list]) => list.map((id) => [k, id])));
      } catch (e) {
        toastError(e);
      }
      setGroups(g);
    })();
  }, [type, item]);
  if (!groups) return <Spinner />;
  const nonEmpty = groups.filter(([, list]) => list.length);
  const kinds = Object.keys(LINK_NEW[type] || {});
  return (
    <div class="relations">
      {kinds.length > 0 && (
        <div class="row rel-actions">
          {kinds.map((k) => <button key={k} class="btn btn-sm" data-new-linked={k} onClick={() => setMaking(k)}>+ {t(`rel.new.${k}`)}</button>)}
        </div>
      )}
      {!nonEmpty.length && <p class="muted pad">{t('rel.none')}</p>}
      {making && <CreateDialog type={making} title={t(`rel.new.${making}`)} initial={prefill(type, item, making)}
        onClose={() => setMaking(null)} onCreated={(id) => link(making, id)} />}
      {nonEmpty.map(([k, list]) => (
        <section key={k} class="fsec">
          <h3>{t(REL[k])}</h3>
          <ul class="rel-list">
            {list.map((id) => <li key={id}><a href={cardHref(k, id)}>{titles.get(`${k}:${id}`) || `#${id}`}</a></li>)}
          </ul>
        </section>
      ))}
    </div>
  );
}
