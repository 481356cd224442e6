// Small shared pieces: toasts, modal dialogs (with focus kept inside and Esc to close), a confirm
// dialog as a promise, avatars, a user picker and a stage select.
import { useEffect, useRef, useState } from 'preact/hooks';
import { emit, initials, on, refs, userName } from './state.js';
import { t } from './i18n.js';

// ---- toasts ----
let toastId = 0;
export function toast(text, kind = 'ok') {
  emit('toast', { id: ++toastId, text, kind });
}
export const toastError = (e) => toast(e?.message || String(e), 'error');

export function Toasts() {
  const [items, setItems] = useState([]);
  useEffect(() => on('toast', (m) => {
    setItems((xs) => [...xs.slice(-3), m]);
    setTimeout(() => setItems((xs) => xs.filter((x) => x.id !== m.id)), m.kind === 'error' ? 8000 : 3000);
  }), []);
  return (
    <div class="toasts" role="status" aria-live="polite">
      {items.map((m) => (
        <div key={m.id} class={`toast toast-${m.kind}`} role={m.kind === 'error' ? 'alert' : undefined}>{m.text}</div>
      ))}
    </div>
  );
}

// ---- modal ----
export function Modal({ title, onClose, children, wide }) {
  const ref = useRef();
  useEffect(() => {
    const prev = document.activeElement;
    const first = ref.current?.querySelector('input,select,textarea,button:not(.modal-x)');
    (first || ref.current)?.focus();
    const key = (e) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      }
      if (e.key === 'Tab' && ref.current) { // keep the focus inside the dialog
        const f = [...ref.current.querySelectorAll('a[href],button,input,select,textarea,[tabindex="0"]')].filter((x) => !x.disabled);
        if (!f.length) return;
        if (e.shiftKey && document.activeElement === f[0]) {
          e.preventDefault();
          f[f.length - 1].focus();
        } else if (!e.shiftKey && document.activeElement === f[f.length - 1]) {
          e.preventDefault();
          f[0].focus();
        }
      }
    };
    document.addEventListener('keydown', key, true);
    return () => {
      document.removeEventListener('keydown', key, true);
      prev?.focus?.();
    };
  }, []);
  return (
    <div class="modal-back" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div class={`modal ${wide ? 'modal-wide' : ''}`} role="dialog" aria-modal="true" aria-label={title} ref={ref} tabIndex={-1}>
        <div class="modal-head">
          <h2>{title}</h2>
          <button class="modal-x icon-btn" aria-label={t('close')} onClick={onClose}>×</button>
        </div>
        {children}
      </div>
    </div>
  );
}

// confirm({title, text, ok}) → Promise<boolean>, shown by <Confirms/> in the shell.
export function confirm(opts) {
  return new Promise((resolve) => emit('confirm', { ...opts, resolve }));
}

export function Confirms() {
  const [c, setC] = useState(null);
  useEffect(() => on('confirm', setC), []);
  if (!c) return null;
  const done = (v) => {
    setC(null);
    c.resolve(v);
  };
  return (
    <Modal title={c.title || t('confirm.finalTitle')} onClose={() => done(false)}>
      <p class="confirm-text">{c.text}</p>
      <div class="modal-foot">
        <button class={`btn ${c.danger ? 'btn-danger' : 'btn-primary'}`} onClick={() => done(true)}>{c.ok || t('confirm.ok')}</button>
        <button class="btn" onClick={() => done(false)}>{t('confirm.cancel')}</button>
      </div>
    </Modal>
  );
}

export function Avatar({ id, size = 24 }) {
  const hue = (Number(id) * 47) % 360;
  return (
    <span class="avatar" style={{ width: size, height: size, fontSize: size * 0.42, background: `hsl(${hue} 55% 52%)` }}
      title={userName(id)} aria-hidden="true">{initials(id)}</span>
  );
}

export function UserSelect({ value, onChange, id, label, allowEmpty }) {
  return (
    <select id={id} aria-label={label} value={value || ''} onChange={(e) => onChange(e.currentTarget.value)}>
      {allowEmpty && <option value="">{t('list.any')}</option>}
      {refs.users.map((u) => <option key={u.ID} value={u.ID}>{userName(u.ID)}</option>)}
    </select>
  );
}

export function Spinner() {
  return <div class="spinner" role="progressbar" aria-label={t('loading')} />;
}

// A drop-down menu: a button, and a list that closes on Esc, on a click outside or after a choice.
export function Menu({ label, button, children, align = 'left', class: cls = '' }) {
  const [open, setOpen] = useState(false);
  const ref = useRef();
  useEffect(() => {
    if (!open) return;
    const click = (e) => !ref.current?.contains(e.target) && setOpen(false);
    const key = (e) => {
      if (e.key === 'Escape') {
        setOpen(false);
        ref.current?.querySelector('button')?.focus();
      }
    };
    document.addEventListener('mousedown', click);
    document.addEventListener('keydown', key);
    ref.current?.querySelector('.menu-pop button, .menu-pop a')?.focus();
    return () => {
      document.removeEventListener('mousedown', click);
      document.removeEventListener('keydown', key);
    };
  }, [open]);
  return (
    <div class={`menu ${cls}`} ref={ref}>
      <button class="menu-btn" aria-haspopup="true" aria-expanded={open} aria-label={label} onClick={() => setOpen(!open)}>{button}</button>
      {open && <div class={`menu-pop menu-${align}`} role="menu" onClick={(e) => e.target.closest('[data-close]') && setOpen(false)}>{children}</div>}
    </div>
  );
}
