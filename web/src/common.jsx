// Pieces the list and the kanban share: the kanban/list switch and the "create" button with its
// short form (the rest is filled in the card, which opens right after).
import { useState } from 'preact/hooks';
import { call } from './api.js';
import { t } from './i18n.js';
import { href, openCard } from './router.js';
import { TYPES } from './entities.js';
import { Modal, toastError } from './ui.jsx';

export function ViewSwitch({ type, view, categoryId = 0 }) {
  if (!TYPES[type].hasKanban) return null;
  const kanban = type === 'deal' ? href(['deal', 'kanban', categoryId]) : href([type, 'kanban']);
  const list = href([type, 'list'], type === 'deal' && Number(categoryId) ? { category: categoryId } : {});
  return (
    <div class="seg" role="group" aria-label={`${t('view.kanban')} / ${t('view.list')}`}>
      <a href={kanban} class={view === 'kanban' ? 'active' : ''} aria-current={view === 'kanban' ? 'page' : undefined}>{t('view.kanban')}</a>
      <a href={list} class={view === 'list' ? 'active' : ''} aria-current={view === 'list' ? 'page' : undefined}>{t('view.list')}</a>
    </div>
  );
}

const CREATE_FIELDS = {
  lead: ['TITLE', 'NAME', 'LAST_NAME', 'PHONE'],
  deal: ['TITLE', 'OPPORTUNITY'],
  contact: ['NAME', 'LAST_NAME', 'PHONE', 'EMAIL'],
  company: ['TITLE', 'PHONE', 'EMAIL'],
};

export function CreateButton({ type, categoryId = 0 }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button class="btn btn-primary" data-create={type} onClick={() => setOpen(true)}>{t(`new.${type}`)}</button>
      {open && <CreateDialog type={type} categoryId={categoryId} onClose={() => setOpen(false)} />}
    </>
  );
}

function CreateDialog({ type, categoryId, onClose }) {
  const [v, setV] = useState({});
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    const fields = {};
    for (const [k, x] of Object.entries(v)) {
      if (!x) continue;
      fields[k] = k === 'PHONE' || k === 'EMAIL' ? [{ VALUE: x, VALUE_TYPE: 'WORK' }] : x;
    }
    if (type === 'deal') fields.CATEGORY_ID = categoryId;
    try {
      const id = await call(`${TYPES[type].method}.add`, { fields });
      onClose();
      openCard(type, id);
    } catch (err) {
      toastError(err);
      setBusy(false);
    }
  };
  return (
    <Modal title={t(`new.${type}`)} onClose={onClose}>
      <form class="form" onSubmit={submit}>
        {CREATE_FIELDS[type].map((f) => (
          <label key={f}>{t(`f.${f}`)}
            <input name={f} type={f === 'OPPORTUNITY' ? 'number' : f === 'EMAIL' ? 'email' : f === 'PHONE' ? 'tel' : 'text'}
              value={v[f] || ''} onInput={(e) => setV({ ...v, [f]: e.currentTarget.value })} />
          </label>
        ))}
        <div class="modal-foot">
          <button class="btn btn-primary" type="submit" disabled={busy}>{t('create')}</button>
          <button class="btn" type="button" onClick={onClose}>{t('cancel')}</button>
        </div>
      </form>
    </Modal>
  );
}
