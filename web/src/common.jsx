// Pieces the list and the kanban share: the kanban/list switch and the "create" button with its
// short form (the rest is filled in the card, which opens right after).
import { useEffect, useState } from 'preact/hooks';
import { call } from './api.js';
import { fieldLabel, t } from './i18n.js';
import { href, openCard } from './router.js';
import { customCodes, loadFields } from './state.js';
import { TYPES } from './entities.js';
import { Modal, toastError } from './ui.jsx';
import { UfInput, ufDefault, ufMissing, ufOut } from './ufields.jsx';

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

// The short form, plus the custom fields that must be filled (mandatory), with their defaults.
// The new item's card opens next, unless onCreated(id) takes it (the relations tab links it).
export function CreateDialog({ type, categoryId = 0, onClose, onCreated, initial = {}, title }) {
  const [v, setV] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [required, setRequired] = useState([]); // [code, descriptor] of mandatory custom fields
  const [uf, setUf] = useState({});
  const [error, setError] = useState('');
  useEffect(() => {
    loadFields(TYPES[type].method).then((f) => {
      const req = customCodes(f).filter((c) => f[c].isRequired).map((c) => [c, f[c]]);
      setRequired(req);
      setUf(Object.fromEntries(req.map(([c, d]) => [c, ufDefault(d)])));
    }, () => {});
  }, [type]);
  const submit = async (e) => {
    e.preventDefault();
    const empty = required.find(([c, d]) => ufMissing(d, uf[c]));
    if (empty) return setError(t('uf.requiredMsg', { name: fieldLabel(empty[0], empty[1]) }));
    setError('');
    setBusy(true);
    const fields = {};
    for (const [k, x] of Object.entries(v)) {
      if (!x) continue;
      fields[k] = k === 'PHONE' || k === 'EMAIL' ? [{ VALUE: x, VALUE_TYPE: 'WORK' }] : x;
    }
    for (const [c, d] of required) fields[c] = ufOut(d, uf[c]);
    if (type === 'deal') fields.CATEGORY_ID = categoryId;
    try {
      const id = await call(`${TYPES[type].method}.add`, { fields });
      if (onCreated) {
        await onCreated(id);
        return;
      }
      onClose();
      openCard(type, id);
    } catch (err) {
      toastError(err);
      setBusy(false);
    }
  };
  return (
    <Modal title={title || t(`new.${type}`)} onClose={onClose}>
      <form class="form" onSubmit={submit}>
        {CREATE_FIELDS[type].map((f) => (
          <label key={f}>{t(`f.${f}`)}
            <input name={f} type={f === 'OPPORTUNITY' ? 'number' : f === 'EMAIL' ? 'email' : f === 'PHONE' ? 'tel' : 'text'}
              value={v[f] || ''} onInput={(e) => setV({ ...v, [f]: e.currentTarget.value })} />
          </label>
        ))}
        {required.map(([c, d]) => (
          <div key={c} class="uf-create" data-field={c}>
            <span class="field-label">{fieldLabel(c, d)}<span class="req"> *</span></span>
            <UfInput code={c} desc={d} value={uf[c]} label={fieldLabel(c, d)} onChange={(x) => setUf({ ...uf, [c]: x })} />
          </div>
        ))}
        {error && <div class="field-error" role="alert">{error}</div>}
        <div class="modal-foot">
          <button class="btn btn-primary" type="submit" disabled={busy}>{t('create')}</button>
          <button class="btn" type="button" onClick={onClose}>{t('cancel')}</button>
        </div>
      </form>
    </Modal>
  );
}
