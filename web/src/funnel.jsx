// The funnel page (D8, D9): per pipeline (or the leads), classic or conversion mode, a table and
// a bar chart per stage; a click on a stage opens the list filtered by it. "Compare" shows every
// deal pipeline side by side (voronka.crm.funnel.compare).
import { useEffect, useState } from 'preact/hooks';
import { call } from './api.js';
import { money, num, t } from './i18n.js';
import { go, href } from './router.js';
import { on, refs, useTopic } from './state.js';
import { Spinner, toastError } from './ui.jsx';

export function FunnelPage({ query }) {
  useTopic('refs');
  const entity = query.entity === 'lead' ? 'lead' : 'deal';
  const categoryId = Number(query.category) || 0;
  const mode = query.mode === 'conversion' ? 'conversion' : 'classic';
  const compare = query.compare === '1';
  const [data, setData] = useState(null);
  const set = (patch) => go(['funnel'], { entity, category: categoryId || undefined, mode, compare: compare ? '1' : undefined, ...patch }, true);

  const load = async () => {
    try {
      if (compare) setData(await call('voronka.crm.funnel.compare', { entityTypeId: 2, mode }));
      else setData({ funnels: [await call('voronka.crm.funnel.get', { entityTypeId: entity === 'lead' ? 1 : 2, categoryId: entity === 'lead' ? 0 : categoryId, mode })] });
    } catch (e) {
      toastError(e);
      setData({ funnels: [] });
    }
  };
  useEffect(() => { setData(null); load(); }, [entity, categoryId, mode, compare]);
  useEffect(() => {
    let timer = null;
    const off = on('crm', () => { clearTimeout(timer); timer = setTimeout(load, 300); });
    return () => { off(); clearTimeout(timer); };
  });

  return (
    <div class="page page-funnel">
      <div class="page-head">
        <h1>{t('funnel.title')}</h1>
        <div class="seg" role="group" aria-label={t('funnel.title')}>
          <button class={mode === 'classic' ? 'active' : ''} aria-pressed={mode === 'classic'} onClick={() => set({ mode: 'classic' })}>{t('funnel.classic')}</button>
          <button class={mode === 'conversion' ? 'active' : ''} aria-pressed={mode === 'conversion'} onClick={() => set({ mode: 'conversion' })}>{t('funnel.conversion')}</button>
        </div>
        {!compare && (
          <select aria-label={t('pipeline')} value={entity === 'lead' ? 'lead' : String(categoryId)}
            onChange={(e) => { const v = e.currentTarget.value; v === 'lead' ? set({ entity: 'lead', category: undefined }) : set({ entity: 'deal', category: Number(v) || undefined }); }}>
            {refs.categories.map((c) => <option key={c.id} value={String(c.id)}>{c.name}</option>)}
            <option value="lead">{t('funnel.leads')}</option>
          </select>
        )}
        <label class="check"><input type="checkbox" checked={compare} onChange={(e) => set({ compare: e.currentTarget.checked ? '1' : undefined })} />{t('funnel.compare')}</label>
      </div>
      {!data ? <Spinner /> : (
        <div class={compare ? 'funnels-compare' : ''}>
          {data.funnels.map((f) => <Funnel key={`${f.entityTypeId}-${f.categoryId}`} f={f} mode={mode} compact={compare} />)}
        </div>
      )}
    </div>
  );
}

function Funnel({ f, mode, compact }) {
  const type = f.entityTypeId === 1 ? 'lead' : 'deal';
  const conv = mode === 'conversion';
  const value = (s) => (conv ? s.reached : s.count);
  const max = Math.max(1, ...f.stages.map(value));
  const open = (s) => href([type, 'list'], { stage: s.STATUS_ID, ...(type === 'deal' ? { category: f.categoryId } : {}) });
  return (
    <section class="funnel" aria-label={f.categoryName || t('funnel.leads')}>
      {compact && <h2>{f.categoryName}</h2>}
      <div class="funnel-summary">
        <div><span class="muted">{t('funnel.total')}</span><b>{num(f.total.count)}</b><span>{money(f.total.sum)}</span></div>
        <div><span class="muted">{t('funnel.inWork')}</span><b>{num(f.inWork.count)}</b><span>{money(f.inWork.sum)}</span></div>
        <div class="won"><span class="muted">{t('funnel.won')}</span><b>{num(f.won.count)}</b><span>{money(f.won.sum)}</span></div>
        <div class="lost"><span class="muted">{t('funnel.lost')}</span><b>{num(f.lost.count)}</b><span>{money(f.lost.sum)}</span></div>
        <div><span class="muted">{t('funnel.conversionRate')}</span><b>{num(f.conversion)}%</b></div>
      </div>
      <table class="grid funnel-table">
        <thead>
          <tr>
            <th>{t('funnel.stage')}</th>
            <th class="bar-th" aria-hidden="true" />
            {conv && <th class="num">{t('funnel.reached')}</th>}
            <th class="num">{t('funnel.count')}</th>
            <th class="num">{t('funnel.sum')}</th>
            <th class="num">{t('funnel.share')}</th>
          </tr>
        </thead>
        <tbody>
          {f.stages.map((s) => (
            <tr key={s.STATUS_ID} data-stage={s.STATUS_ID}>
              <td><span class="dot" style={{ background: s.COLOR }} /> <a href={open(s)} title={t('funnel.open')}>{s.NAME}</a></td>
              <td class="bar-cell" aria-hidden="true"><span class="fbar" style={{ width: `${(value(s) / max) * 100}%`, background: s.COLOR || '#9aa5b1' }} /></td>
              {conv && <td class="num" data-col="reached">{num(s.reached)}</td>}
              <td class="num" data-col="count">{num(s.count)}</td>
              <td class="num nowrap" data-col="sum">{money(conv ? s.reachedSum : s.sum)}</td>
              <td class="num" data-col="share">{num(conv ? s.reachedShare : s.share)}%</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
