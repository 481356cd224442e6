// The kanban of leads (by status) and deals (by stage of one pipeline). Only what is visible is
// loaded: the column headers (count and sum, kept by the server per stage) and one page of 50
// cards per column, all in one batch; further pages come as a column is scrolled, by keyset
// (order ID DESC, filter <ID last, start=-1: no count), so a column of a million deals costs the
// same as one of fifty.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { batch, call } from './api.js';
import { money, num, t, date } from './i18n.js';
import { go, openCard } from './router.js';
import { on, refs, session, stagesOf, useTopic, userName } from './state.js';
import { TYPES, TYPE_BY_ID } from './entities.js';
import { Avatar, confirm, Spinner, toast, toastError } from './ui.jsx';
import { CreateButton, ViewSwitch } from './common.jsx';

const PAGE = 50;
const SELECT = {
  deal: ['ID', 'TITLE', 'STAGE_ID', 'CATEGORY_ID', 'OPPORTUNITY', 'CURRENCY_ID', 'ASSIGNED_BY_ID', 'COMPANY_ID', 'DATE_CREATE'],
  lead: ['ID', 'TITLE', 'STATUS_ID', 'NAME', 'LAST_NAME', 'COMPANY_TITLE', 'OPPORTUNITY', 'CURRENCY_ID', 'ASSIGNED_BY_ID', 'DATE_CREATE'],
};

// Company titles shown on deal cards, fetched once per id.
const companyTitles = new Map();
async function loadCompanies(items) {
  const ids = [...new Set(items.map((d) => Number(d.COMPANY_ID)).filter((id) => id && !companyTitles.has(id)))];
  for (let i = 0; i < ids.length; i += 50) {
    const part = ids.slice(i, i + 50);
    part.forEach((id) => companyTitles.set(id, ''));
    const rows = await call('crm.company.list', { filter: { '@ID': part }, select: ['ID', 'TITLE'], start: -1 });
    rows.forEach((c) => companyTitles.set(Number(c.ID), c.TITLE));
  }
}

function pageParams(type, stageId, categoryId, beforeId) {
  const filter = { [TYPES[type].stageField]: stageId };
  if (type === 'deal') filter.CATEGORY_ID = categoryId;
  if (beforeId) filter['<ID'] = beforeId;
  return { filter, order: { ID: 'DESC' }, select: SELECT[type], start: -1 };
}

export function Kanban({ type, categoryId = 0 }) {
  useTopic('refs');
  const T = TYPES[type];
  const stages = stagesOf(type, categoryId);
  const [heads, setHeads] = useState({});   // STATUS_ID → {count, sum}
  const [cols, setCols] = useState(null);   // STATUS_ID → {items, done, loading}
  const [dragOver, setDragOver] = useState(null);
  const [adding, setAdding] = useState(null);
  const [tabCard, setTabCard] = useState(null); // the card the board's one Tab stop is on
  // The focused card's element. A card moved to another column (by the keyboard, by its card's
  // stage bar, live) is a new element there: the focus, lost with the old one, goes to the new.
  const focusedCard = useRef(null);
  useLayoutEffect(() => {
    const el = focusedCard.current;
    if (!el || el.isConnected) return;
    const a = document.activeElement;
    if (a && a !== document.body) {
      focusedCard.current = null; // the user has gone elsewhere meanwhile
      return;
    }
    const now = document.querySelector(`.board [data-card-id="${el.dataset.cardId}"]`);
    if (now) now.focus();
  });
  const colsRef = useRef(cols);
  colsRef.current = cols;
  const dragged = useRef(null);
  const stageKey = stages.map((s) => s.STATUS_ID).join(',');

  const loadHeads = async () => {
    const h = await call('voronka.crm.kanban.headers', { entityTypeId: T.id, categoryId });
    setHeads(Object.fromEntries(h.map((x) => [x.STATUS_ID, x])));
  };

  // The first paint: headers and the first page of every column in one request.
  const loadAll = async () => {
    const cmds = { heads: ['voronka.crm.kanban.headers', { entityTypeId: T.id, categoryId }] };
    stages.forEach((s, i) => { cmds[`c${i}`] = [`${T.method}.list`, pageParams(type, s.STATUS_ID, categoryId)]; });
    try {
      const r = await batch(cmds);
      setHeads(Object.fromEntries(r.heads.map((x) => [x.STATUS_ID, x])));
      const next = {};
      stages.forEach((s, i) => { next[s.STATUS_ID] = { items: r[`c${i}`], done: r[`c${i}`].length < PAGE, loading: false }; });
      setCols(next);
      if (type === 'deal') loadCompanies(Object.values(next).flatMap((c) => c.items)).then(() => setCols((c) => ({ ...c })));
    } catch (e) {
      toastError(e);
      setCols({});
    }
  };

  useEffect(() => {
    setCols(null);
    loadAll();
  }, [type, categoryId, stageKey]);

  const loadMore = async (stageId) => {
    const col = colsRef.current?.[stageId];
    if (!col || col.done || col.loading) return;
    setCols((c) => ({ ...c, [stageId]: { ...c[stageId], loading: true } }));
    try {
      const last = col.items[col.items.length - 1];
      const rows = await call(`${T.method}.list`, pageParams(type, stageId, categoryId, last ? Number(last.ID) : 0));
      if (type === 'deal') await loadCompanies(rows);
      setCols((c) => {
        const have = new Set(c[stageId].items.map((x) => x.ID));
        return { ...c, [stageId]: { items: [...c[stageId].items, ...rows.filter((x) => !have.has(x.ID))], done: rows.length < PAGE, loading: false } };
      });
    } catch (e) {
      toastError(e);
      setCols((c) => ({ ...c, [stageId]: { ...c[stageId], loading: false, done: true } }));
    }
  };

  // Put an item where it belongs now (or nowhere: deleted, another pipeline, beyond the loaded pages).
  const place = (item, removedId) => {
    setCols((c) => {
      if (!c) return c;
      const next = {};
      const id = String(item ? item.ID : removedId);
      for (const [k, col] of Object.entries(c)) next[k] = { ...col, items: col.items.filter((x) => x.ID !== id) };
      if (item && (type !== 'deal' || Number(item.CATEGORY_ID) === Number(categoryId))) {
        const col = next[item[T.stageField]];
        if (col) {
          const items = col.items;
          const pos = items.findIndex((x) => Number(x.ID) < Number(item.ID));
          if (pos >= 0) col.items = [...items.slice(0, pos), item, ...items.slice(pos)];
          else if (col.done) col.items = [...items, item];
        }
      }
      return next;
    });
  };

  // Live: another user's (or another tab's) change moves, adds or removes the card and the counts.
  useEffect(() => {
    let timer = null;
    const pending = new Map();
    const flush = async () => {
      timer = null;
      const evs = [...pending.values()];
      pending.clear();
      if (evs.some((e) => e.action === 'reset')) return loadAll();
      loadHeads().catch(() => {});
      const fetch = evs.filter((e) => e.action !== 'delete');
      evs.filter((e) => e.action === 'delete').forEach((e) => place(null, e.id));
      if (!fetch.length) return;
      const cmds = {};
      fetch.forEach((e) => { cmds[`i${e.id}`] = [`${T.method}.list`, { filter: { ID: e.id }, select: SELECT[type], start: -1 }]; });
      try {
        const r = await batch(cmds, { halt: false });
        const rows = fetch.map((e) => r[`i${e.id}`]?.[0]).filter(Boolean);
        if (type === 'deal') await loadCompanies(rows);
        fetch.forEach((e) => {
          const row = r[`i${e.id}`]?.[0];
          row ? place(row) : place(null, e.id);
        });
      } catch { /* the next event or a reload will catch up */ }
    };
    return on('crm', (ev) => {
      if (ev.action !== 'reset' && TYPE_BY_ID[ev.entityTypeId] !== type) return;
      pending.set(`${ev.id}`, ev);
      if (!timer) timer = setTimeout(flush, 120);
    });
  }, [type, categoryId, stageKey]);

  const move = async (item, toStage) => {
    const from = item[T.stageField];
    if (from === toStage.STATUS_ID) return;
    const title = item.TITLE || `#${item.ID}`;
    if (toStage.sem !== 'P' && !(await confirm({ title: t('confirm.finalTitle'), text: t('confirm.final', { title, stage: toStage.NAME }) })))
      return;
    const moved = { ...item, [T.stageField]: toStage.STATUS_ID };
    // Optimistic: the card and the headers move now; the server's answer confirms or undoes it.
    setCols((c) => ({
      ...c,
      [from]: { ...c[from], items: c[from].items.filter((x) => x.ID !== item.ID) },
      [toStage.STATUS_ID]: { ...c[toStage.STATUS_ID], items: [moved, ...c[toStage.STATUS_ID].items.filter((x) => x.ID !== item.ID)].sort((a, b) => Number(b.ID) - Number(a.ID)) },
    }));
    setHeads((h) => {
      const amount = Number(item.OPPORTUNITY) || 0;
      const a = h[from] || { count: 0, sum: 0 };
      const b = h[toStage.STATUS_ID] || { count: 0, sum: 0 };
      return { ...h, [from]: { ...a, count: a.count - 1, sum: a.sum - amount }, [toStage.STATUS_ID]: { ...b, count: b.count + 1, sum: b.sum + amount } };
    });
    try {
      await call(`${T.method}.update`, { id: item.ID, fields: { [T.stageField]: toStage.STATUS_ID } });
      toast(t('moved', { stage: toStage.NAME }));
    } catch (e) {
      toastError(e);
      place(item);
    }
    loadHeads().catch(() => {});
  };

  // The quick-add form closed (saved or not): the focus goes back to its column's "+".
  const closeAdd = (stage) => {
    setAdding(null);
    requestAnimationFrame(() => document.querySelector(`section[data-stage="${stage.STATUS_ID}"] .col-add`)?.focus());
  };

  const quickAdd = async (stage, title, amount) => {
    const fields = { TITLE: title, [T.stageField]: stage.STATUS_ID, OPPORTUNITY: amount || 0 };
    if (type === 'deal') fields.CATEGORY_ID = categoryId;
    try {
      const id = await call(`${T.method}.add`, { fields });
      const [row] = await call(`${T.method}.list`, { filter: { ID: id }, select: SELECT[type], start: -1 });
      if (row) place(row);
      loadHeads().catch(() => {});
      toast(t('added'));
      return true;
    } catch (e) {
      toastError(e);
      return false;
    }
  };

  // The keyboard on a card: Enter opens it, Alt+←/→ moves it to the neighbouring stage, the
  // arrows alone go to the card above, below or beside it (the board is one Tab stop, as a grid:
  // a column of fifty cards is not fifty Tab presses), Home/End to the column's first/last card.
  const onCardKey = (e, item, idx) => {
    const stageAt = stages.findIndex((s) => s.STATUS_ID === item[T.stageField]);
    if (e.key === 'Enter') {
      openCard(type, item.ID);
    } else if (e.altKey && (e.key === 'ArrowRight' || e.key === 'ArrowLeft')) {
      e.preventDefault();
      const to = stages[stageAt + (e.key === 'ArrowRight' ? 1 : -1)];
      if (to) move(item, to).then(() => document.querySelector(`[data-card-id="${item.ID}"]`)?.focus());
    } else if (!e.altKey && !e.ctrlKey && !e.metaKey && ['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) {
      e.preventDefault();
      const items = (s) => colsRef.current?.[s.STATUS_ID]?.items || [];
      let target = null;
      if (e.key === 'ArrowUp' || e.key === 'ArrowDown') target = items(stages[stageAt])[idx + (e.key === 'ArrowDown' ? 1 : -1)];
      else if (e.key === 'Home' || e.key === 'End') target = e.key === 'Home' ? items(stages[stageAt])[0] : items(stages[stageAt]).at(-1);
      else {
        // the nearest column that way with cards, at the same height or its last card
        const d = e.key === 'ArrowRight' ? 1 : -1;
        for (let i = stageAt + d; i >= 0 && i < stages.length && !target; i += d) {
          const xs = items(stages[i]);
          target = xs[Math.min(idx, xs.length - 1)];
        }
      }
      if (!target) return;
      const el = document.querySelector(`[data-card-id="${target.ID}"]`);
      el?.focus();
      el?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    }
  };
  // The board's Tab stop: the card last focused while it is shown, else the first card.
  const allIds = cols ? stages.flatMap((s) => (cols[s.STATUS_ID]?.items || []).map((x) => x.ID)) : [];
  const tabId = allIds.includes(tabCard) ? tabCard : allIds[0];

  return (
    <div class="page page-kanban">
      <div class="page-head">
        <h1>{t(`menu.${type}`)}</h1>
        <ViewSwitch type={type} view="kanban" categoryId={categoryId} />
        {type === 'deal' && <PipelineSwitch value={categoryId} onChange={(id) => go(['deal', 'kanban', id])} />}
        <span class="grow" />
        <CreateButton type={type} categoryId={categoryId} />
      </div>
      <p id="kanban-hint" class="sr-only">{t('kanban.moveHint')}</p>
      {!cols ? <div class="board-loading"><Spinner /></div> : (
        <div class="board">
          {stages.map((s) => {
            const h = heads[s.STATUS_ID] || { count: 0, sum: 0 };
            const col = cols[s.STATUS_ID] || { items: [], done: true };
            return (
              <section key={s.STATUS_ID} class={`column ${dragOver === s.STATUS_ID ? 'drop' : ''} sem-${s.sem}`}
                aria-label={s.NAME} data-stage={s.STATUS_ID}
                onDragOver={(e) => { if (dragged.current) { e.preventDefault(); setDragOver(s.STATUS_ID); } }}
                onDragLeave={(e) => { if (!e.currentTarget.contains(e.relatedTarget)) setDragOver(null); }}
                onDrop={(e) => { e.preventDefault(); setDragOver(null); const it = dragged.current; dragged.current = null; if (it) move(it, s); }}>
                <header class="col-head" style={{ '--stage': s.COLOR || '#9aa5b1' }}>
                  <div class="col-title"><span class="col-name" title={s.NAME}>{s.NAME}</span><span class="col-count">{num(h.count)}</span></div>
                  <div class="col-sum">{money(h.sum)}</div>
                  <button class="col-add" aria-label={`${t('kanban.add')}: ${s.NAME}`} title={t('kanban.add')}
                    aria-expanded={adding === s.STATUS_ID} onClick={() => setAdding(adding === s.STATUS_ID ? null : s.STATUS_ID)}>+</button>
                </header>
                <ColumnBody col={col} stage={s} onMore={() => loadMore(s.STATUS_ID)}>
                  {adding === s.STATUS_ID && (
                    <QuickAdd type={type} onCancel={() => closeAdd(s)} onSave={async (title, amount) => { if (await quickAdd(s, title, amount)) closeAdd(s); }} />
                  )}
                  {col.items.map((it, i) => (
                    <Card key={it.ID} type={type} item={it} tabIndex={it.ID === tabId ? 0 : -1}
                      onFocus={(e) => { focusedCard.current = e.currentTarget; setTabCard(it.ID); }}
                      onBlur={(e) => { if (e.relatedTarget) focusedCard.current = null; }} onKeyDown={(e) => onCardKey(e, it, i)}
                      onDragStart={(e) => { dragged.current = it; e.dataTransfer.effectAllowed = 'move'; e.dataTransfer.setData('text/plain', it.ID); }}
                      onDragEnd={() => { dragged.current = null; setDragOver(null); }} />
                  ))}
                  {!col.items.length && !col.loading && adding !== s.STATUS_ID && <div class="col-empty">{t('kanban.empty')}</div>}
                </ColumnBody>
              </section>
            );
          })}
        </div>
      )}
    </div>
  );
}

// A column's scrolling body; a sentinel at its end asks for the next page when it comes into view.
function ColumnBody({ col, onMore, children }) {
  const body = useRef();
  const end = useRef();
  const more = useRef(onMore);
  more.current = onMore;
  useEffect(() => {
    if (col.done) return;
    const io = new IntersectionObserver((es) => es.some((x) => x.isIntersecting) && more.current(), { root: body.current, rootMargin: '300px' });
    io.observe(end.current);
    return () => io.disconnect();
  }, [col.done, col.items.length]);
  return (
    <div class="col-body" ref={body}>
      {children}
      {!col.done && <div class="col-more" ref={end}>{col.loading ? <Spinner /> : ''}</div>}
    </div>
  );
}

function Card({ type, item, tabIndex, onFocus, onBlur, onDragStart, onDragEnd, onKeyDown }) {
  const sub = type === 'deal' ? companyTitles.get(Number(item.COMPANY_ID)) : [item.NAME, item.LAST_NAME].filter(Boolean).join(' ') || item.COMPANY_TITLE;
  return (
    <article class="kcard" tabIndex={tabIndex} draggable data-card-id={item.ID} aria-describedby="kanban-hint"
      onDragStart={onDragStart} onDragEnd={onDragEnd} onKeyDown={onKeyDown} onFocus={onFocus} onBlur={onBlur} onClick={() => openCard(type, item.ID)}>
      <div class="kcard-title">{item.TITLE || `#${item.ID}`}</div>
      {/* a deal with a company keeps the line for its name even before the name arrives: no jump */}
      {(sub || (type === 'deal' && Number(item.COMPANY_ID) > 0)) && <div class="kcard-sub" title={sub || undefined}>{sub || '\u00a0'}</div>}
      <div class="kcard-sum">{money(item.OPPORTUNITY, item.CURRENCY_ID)}</div>
      <div class="kcard-foot"><span class="muted">{date(item.DATE_CREATE)}</span><Avatar id={item.ASSIGNED_BY_ID} size={22} /></div>
    </article>
  );
}

function QuickAdd({ type, onSave, onCancel }) {
  const [title, setTitle] = useState('');
  const [amount, setAmount] = useState('');
  const [busy, setBusy] = useState(false);
  const first = useRef();
  useEffect(() => first.current?.focus(), []); // autofocus works once per page only
  const submit = async (e) => {
    e.preventDefault();
    if (!title.trim() || busy) return;
    setBusy(true);
    await onSave(title.trim(), amount);
    setBusy(false);
  };
  return (
    <form class="quick-add" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <input ref={first} placeholder={t('kanban.title')} aria-label={t('kanban.title')} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      <input type="number" min="0" step="any" placeholder={t('kanban.amount')} aria-label={t('kanban.amount')} value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
      <div class="row">
        <button class="btn btn-primary btn-sm" type="submit" disabled={busy}>{t('kanban.save')}</button>
        <button class="btn btn-sm" type="button" onClick={onCancel}>{t('cancel')}</button>
      </div>
    </form>
  );
}

export function PipelineSwitch({ value, onChange }) {
  useTopic('refs');
  return (
    <div class="pipes" role="tablist" aria-label={t('pipeline')}>
      {refs.categories.map((c) => (
        <button key={c.id} role="tab" aria-selected={Number(value) === Number(c.id)} class={`pipe ${Number(value) === Number(c.id) ? 'active' : ''}`}
          onClick={() => onChange(c.id)}>{c.name}</button>
      ))}
    </div>
  );
}
