// Settings for the administrator: the reference-list editor (L1–L3: add, rename, colour, reorder
// by drag or Alt+↑/↓, delete, with a live preview of the stage bar), the pipelines editor
// (D1–D4: add, rename, delete; the default pipeline is marked and has no delete) and the custom
// fields (ufsettings.jsx). A refusal is shown exactly as the API words it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { batch, call } from './api.js';
import { num, t } from './i18n.js';
import { go, href } from './router.js';
import { loadStatuses, refs, session, statusList, useTopic } from './state.js';
import { confirm, inkOn, Spinner, toast } from './ui.jsx';
import { Icon } from './icons.jsx';
import { LazyRights, RightsTab } from './rightstab.jsx';

export function Settings({ tab, arg }) {
  return (
    <div class="page page-settings">
      <div class="page-head">
        <h1>{t('set.title')}</h1>
        {/* links to screens, not tabs: each has its URL, and the arrow keys of a tab list would not fit */}
        <nav class="seg" aria-label={t('set.title')}>
          {[['lists', '#/settings/lists/STATUS', 'set.lists'], ['pipelines', '#/settings/pipelines', 'set.pipelines'], ['fields', '#/settings/fields/deal', 'set.fields']].map(([k, h, label]) => (
            <a key={k} href={h} aria-current={tab === k ? 'page' : undefined} class={tab === k ? 'active' : ''}>{t(label)}</a>
          ))}
          <RightsTab active={tab === 'rights'} />
        </nav>
      </div>
      {!session.isAdmin && tab !== 'fields' && tab !== 'rights' && <p class="notice" role="note">{t('set.adminOnly')}</p>}
      {tab === 'rights' ? <LazyRights arg={arg} /> : tab === 'pipelines' ? <Pipelines /> : tab === 'fields' ? <LazyFields type={arg || 'deal'} /> : <Lists entityId={arg || 'STATUS'} />}
    </div>
  );
}

// The custom-fields screen is for administrators only: its code is a chunk of its own, fetched
// the first time the tab opens, so the app everyone loads stays small.
let fieldsModule = null;
function LazyFields({ type }) {
  const [mod, setMod] = useState(fieldsModule);
  useEffect(() => {
    if (!mod) import('./ufsettings.jsx').then((m) => { fieldsModule = m; setMod(m); }, (e) => toast(e.message, 'error'));
  }, []);
  return mod ? <mod.CustomFields type={type} /> : <Spinner />;
}

function Refusal({ error, onClose }) {
  if (!error) return null;
  return (
    <div class="refusal" role="alert">
      <span>{error}</span>
      <button class="icon-btn" aria-label={t('close')} onClick={onClose}>×</button>
    </div>
  );
}

function Lists({ entityId }) {
  useTopic('refs');
  const [types, setTypes] = useState(null);
  useEffect(() => { call('crm.status.entity.types').then(setTypes, () => setTypes([])); }, [refs.categories.length]);
  return (
    <div class="settings-lists">
      <nav class="lists-nav" aria-label={t('set.lists')}>
        {!types ? <Spinner /> : (
          <ul>
            {types.map((x) => (
              <li key={x.ID}><a href={href(['settings', 'lists', x.ID])} class={x.ID === entityId ? 'active' : ''} aria-current={x.ID === entityId ? 'page' : undefined}>{x.NAME}</a></li>
            ))}
          </ul>
        )}
      </nav>
      <ListEditor key={entityId} entityId={entityId} isStages={!!types?.find((x) => x.ID === entityId)?.SEMANTIC_INFO}
        title={types?.find((x) => x.ID === entityId)?.NAME || entityId} />
    </div>
  );
}

// A STATUS_ID for a new value, as Bitrix24 makes them for values added by hand.
function newStatusId() {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let s = 'UC_';
  for (let i = 0; i < 6; i++) s += abc[Math.floor(Math.random() * abc.length)];
  return s;
}

function ListEditor({ entityId, isStages, title }) {
  useTopic('refs');
  const items = statusList(entityId).map((s) => ({ ...s, sem: s.SEMANTICS || 'P' }));
  const [order, setOrder] = useState(null); // the order while dragging
  const [error, setError] = useState(null);
  const [adding, setAdding] = useState('');
  const [busy, setBusy] = useState(false);
  const dragFrom = useRef(null);
  const shown = order || items;

  const run = async (fn) => {
    setError(null);
    setBusy(true);
    try {
      await fn();
      return true;
    } catch (e) {
      setError(e.message);
      return false;
    } finally {
      await loadStatuses().catch(() => {});
      setBusy(false);
    }
  };

  const rename = (s, name) => name && name !== s.NAME && run(async () => {
    await call('crm.status.update', { id: s.ID, fields: { NAME: name } });
    toast(t('saved'));
  });
  const recolour = (s, color) => run(() => call('crm.status.update', { id: s.ID, fields: { COLOR: color } }));
  const remove = async (s) => {
    if (!(await confirm({ title: t('delete'), text: t('set.confirmDelete', { name: s.NAME }), ok: t('confirm.delete'), danger: true }))) return;
    run(async () => {
      await call('crm.status.delete', { id: s.ID });
      toast(t('deleted'));
    });
  };
  const add = (e) => {
    e.preventDefault();
    const name = adding.trim();
    if (!name) return;
    // A new stage goes after the last in-progress one; any other value goes last.
    let sort = items.length ? Number(items[items.length - 1].SORT) + 10 : 10;
    if (isStages) {
      const lastP = [...items].reverse().find((s) => s.sem === 'P');
      const firstFinal = items.find((s) => s.sem !== 'P');
      if (lastP && firstFinal) sort = Math.floor((Number(lastP.SORT) + Number(firstFinal.SORT)) / 2);
      if (lastP && firstFinal && sort <= Number(lastP.SORT)) sort = Number(lastP.SORT) + 1;
    }
    run(async () => {
      await call('crm.status.add', { fields: { ENTITY_ID: entityId, STATUS_ID: newStatusId(), NAME: name, SORT: sort, ...(isStages ? { COLOR: '#ACE9FB' } : {}) } });
      setAdding('');
      toast(t('added'));
    });
  };

  // Save a new order: every value gets SORT 10, 20, …; lowered ones are written first (lowest
  // first), raised ones after (highest first), so no write on the way breaks the order rules.
  // The new order shows at once and stays until the lists are read back.
  const saveOrder = async (list) => {
    const changes = list.map((s, i) => ({ s, sort: (i + 1) * 10 })).filter((x) => Number(x.s.SORT) !== x.sort);
    if (!changes.length) return setOrder(null);
    setOrder(list);
    const down = changes.filter((x) => x.sort < Number(x.s.SORT)).sort((a, b) => a.sort - b.sort);
    const up = changes.filter((x) => x.sort > Number(x.s.SORT)).sort((a, b) => b.sort - a.sort);
    const cmds = {};
    [...down, ...up].forEach((x, i) => { cmds[`u${String(i).padStart(3, '0')}`] = ['crm.status.update', { id: x.s.ID, fields: { SORT: x.sort } }]; });
    await run(() => batch(cmds));
    setOrder(null);
  };
  // Alt+↑/↓ on a row's handle; the focus stays on the handle of the row moved (moving a DOM node
  // takes its focus away), and keys pressed while the last move is saved wait for it.
  const moveBy = async (i, d) => {
    const j = i + d;
    if (busy || j < 0 || j >= items.length) return;
    const list = [...items];
    [list[i], list[j]] = [list[j], list[i]];
    const handle = () => document.querySelector(`[data-status-row="${items[i].STATUS_ID}"] .drag`)?.focus();
    requestAnimationFrame(handle);
    await saveOrder(list);
    requestAnimationFrame(handle);
  };

  return (
    <div class="list-editor">
      <h2>{title}</h2>
      {isStages && (
        <div class="preview" aria-label={t('set.preview')}>
          <span class="muted small">{t('set.preview')}</span>
          <div class="stagebar">
            {shown.map((s, i) => (
              <span key={s.ID} class={`stage filled sem-${s.sem}`} style={{ '--c': s.COLOR || '#ccc', '--ink-on': inkOn(s.COLOR || '#ccc') }}><span>{s.NAME}</span></span>
            ))}
          </div>
        </div>
      )}
      <Refusal error={error} onClose={() => setError(null)} />
      <p class="muted small">{t('set.drag')}</p>
      <ol class={`status-list ${busy ? 'busy' : ''}`}>
        {shown.map((s, i) => (
          <li key={s.ID} class={`status-row sem-${s.sem}`} data-status-row={s.STATUS_ID}
            onDragOver={(e) => {
              if (dragFrom.current === null) return;
              e.preventDefault();
              const from = shown.findIndex((x) => x.ID === dragFrom.current);
              if (from !== i) {
                const list = [...shown];
                const [m] = list.splice(from, 1);
                list.splice(i, 0, m);
                setOrder(list);
              }
            }}
            onDrop={(e) => { e.preventDefault(); dragFrom.current = null; saveOrder(order || items); }}>
            <button class="drag" draggable={session.isAdmin} aria-label={`${s.NAME}: ${t('set.drag')}`} title={t('set.drag')}
              onDragStart={(e) => { dragFrom.current = s.ID; e.dataTransfer.effectAllowed = 'move'; e.dataTransfer.setData('text/plain', s.ID); }}
              onDragEnd={() => { if (dragFrom.current !== null) { dragFrom.current = null; setOrder(null); } }}
              onKeyDown={(e) => { if (e.altKey && e.key === 'ArrowUp') { e.preventDefault(); moveBy(i, -1); } if (e.altKey && e.key === 'ArrowDown') { e.preventDefault(); moveBy(i, 1); } }}>⋮⋮</button>
            {isStages && (
              <input type="color" class="swatch" aria-label={`${t('set.colour')}: ${s.NAME}`} value={s.COLOR || '#cccccc'}
                onChange={(e) => recolour(s, e.currentTarget.value)} disabled={!session.isAdmin} />
            )}
            <NameInput value={s.NAME} disabled={!session.isAdmin} onSave={(v) => rename(s, v)} label={s.STATUS_ID} />
            {isStages && <span class={`sem-badge sem-${s.sem}`}>{t(`set.sem.${s.sem}`)}</span>}
            {s.SYSTEM === 'Y' && <span class="badge">{t('set.system')}</span>}
            <code class="muted small">{s.STATUS_ID}</code>
            <button class="icon-btn del" aria-label={`${t('delete')}: ${s.NAME}`} disabled={!session.isAdmin} onClick={() => remove(s)}><Icon name="trash" /></button>
          </li>
        ))}
      </ol>
      {session.isAdmin && (
        <form class="row add-row" onSubmit={add}>
          <input value={adding} placeholder={t('set.newItem')} aria-label={t('set.newItem')} onInput={(e) => setAdding(e.currentTarget.value)} />
          <button class="btn btn-primary" type="submit" disabled={!adding.trim() || busy}>{t('set.addItem')}</button>
        </form>
      )}
    </div>
  );
}

// A name edited in place: saved on Enter or when the field is left, Esc puts it back.
function NameInput({ value, onSave, disabled, label }) {
  const [v, setV] = useState(value);
  useEffect(() => setV(value), [value]);
  return (
    <input class="name-input" value={v} disabled={disabled} aria-label={label}
      onInput={(e) => setV(e.currentTarget.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') e.currentTarget.blur();
        if (e.key === 'Escape') { setV(value); e.stopPropagation(); }
      }}
      onBlur={() => v.trim() && v !== value ? onSave(v.trim()) : setV(value)} />
  );
}

function Pipelines() {
  useTopic('refs');
  const [counts, setCounts] = useState({});
  const [error, setError] = useState(null);
  const [adding, setAdding] = useState('');
  const cats = refs.categories;

  const loadCounts = async () => {
    const cmds = {};
    cats.forEach((c) => { cmds[`c${c.id}`] = ['crm.deal.list', { filter: { CATEGORY_ID: c.id }, select: ['ID'], start: 0 }]; });
    try {
      const r = await batch(cmds, { halt: false });
      setCounts(Object.fromEntries(cats.map((c) => [c.id, r[`c${c.id}:total`] ?? 0])));
    } catch { /* the counts are a hint */ }
  };
  useEffect(() => { loadCounts(); }, [cats.map((c) => c.id).join(',')]);

  const run = async (fn, okText) => {
    setError(null);
    try {
      await fn();
      if (okText) toast(okText);
    } catch (e) {
      setError(e.message);
    }
    await loadStatuses().catch(() => {});
  };
  const add = (e) => {
    e.preventDefault();
    const name = adding.trim();
    if (!name) return;
    const sort = Math.max(0, ...cats.map((c) => Number(c.sort))) + 100;
    run(async () => {
      await call('crm.category.add', { entityTypeId: 2, fields: { name, sort } });
      setAdding('');
    }, t('added'));
  };
  const rename = (c, name) => run(() => call('crm.category.update', { entityTypeId: 2, id: c.id, fields: { name } }), t('saved'));
  const remove = async (c) => {
    if (!(await confirm({ title: t('delete'), text: t('set.pipe.confirmDelete', { name: c.name }), ok: t('confirm.delete'), danger: true }))) return;
    run(() => call('crm.category.delete', { entityTypeId: 2, id: c.id }), t('deleted'));
  };

  return (
    <div class="pipelines">
      <Refusal error={error} onClose={() => setError(null)} />
      <ul class="pipe-list">
        {cats.map((c) => {
          const isDefault = c.isDefault === 'Y' || Number(c.id) === 0;
          return (
            <li key={c.id} class={`pipe-card ${isDefault ? 'default' : ''}`} data-pipeline={c.id}>
              <div class="pipe-top">
                {isDefault && <span class="badge badge-default" title={t('set.pipe.defaultHint')}>★ {t('set.pipe.default')}</span>}
                <NameInput value={c.name} disabled={!session.isAdmin} onSave={(v) => rename(c, v)} label={t('set.pipe.name')} />
                <span class="muted small">{t('set.pipe.deals', { n: num(counts[c.id] ?? 0) })}</span>
                <span class="grow" />
                <a class="btn btn-sm" href={href(['settings', 'lists', Number(c.id) ? `DEAL_STAGE_${c.id}` : 'DEAL_STAGE'])}>{t('set.pipe.stages')}</a>
                <a class="btn btn-sm" href={href(['deal', 'kanban', c.id])}>{t('view.kanban')}</a>
                {!isDefault && session.isAdmin && <button class="btn btn-sm btn-ghost" onClick={() => remove(c)}>{t('delete')}</button>}
              </div>
              <div class="stagebar mini">
                {statusList(Number(c.id) ? `DEAL_STAGE_${c.id}` : 'DEAL_STAGE').map((s) => (
                  <span key={s.ID} class="stage filled" style={{ '--c': s.COLOR || '#ccc' }} title={s.NAME}><span>{s.NAME}</span></span>
                ))}
              </div>
              {isDefault && <p class="muted small">{t('set.pipe.defaultHint')}</p>}
            </li>
          );
        })}
      </ul>
      {session.isAdmin && (
        <form class="row add-row" onSubmit={add}>
          <input value={adding} placeholder={t('set.pipe.name')} aria-label={t('set.pipe.name')} onInput={(e) => setAdding(e.currentTarget.value)} />
          <button class="btn btn-primary" type="submit" disabled={!adding.trim()}>{t('set.pipe.add')}</button>
        </form>
      )}
    </div>
  );
}

export { go };
