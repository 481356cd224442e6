// Small shared pieces: toasts, modal dialogs (with focus kept inside and Esc to close), a confirm
// dialog as a promise, avatars, a user picker and a stage select.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
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

// The colour is OKLCH with a fixed lightness: every hue then has the same contrast with the white
// initials (about 5:1); HSL's 52 % gave yellow-green 1.8:1 and cyan 2.4:1.
export function Avatar({ id, size = 24 }) {
  const hue = (Number(id) * 47) % 360;
  return (
    <span class="avatar" style={{ width: size, height: size, fontSize: size * 0.42, background: `oklch(52% 0.12 ${hue})` }}
      title={userName(id)} aria-hidden="true">{initials(id)}</span>
  );
}

// The text colour that reads on a background of the given colour (a stage's, chosen by the
// administrator): black or white, whichever contrasts more — one of them always gives 4.5:1.
export function inkOn(color) {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(color || '').trim());
  if (!m) return '#fff';
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  const lin = (i) => {
    const c = parseInt(h.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin(0) + 0.7152 * lin(2) + 0.0722 * lin(4);
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? '#fff' : '#000';
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

// The text a JSX tree shows (what a sighted user reads on a button), without what is hidden from
// assistive technology; components (an avatar, an icon) count as no text.
function textOf(node) {
  if (node === null || node === undefined || typeof node === 'boolean') return '';
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  const p = node.props || {};
  if (p['aria-hidden'] === true || p['aria-hidden'] === 'true' || typeof node.type !== 'string') return '';
  return textOf(p.children);
}

const ITEMS = '[role=menuitem],[role=menuitemradio],[role=menuitemcheckbox]';

// A drop-down menu: a button, and a list that closes on Esc, on a click outside, when the focus
// leaves it or after a choice. The keyboard works as in a desktop menu (WAI-ARIA menu button): ↓ on
// the button opens it, ↑/↓ move between the items, Home/End go to the first/last, Esc closes it
// and gives the focus back to the button. Items the caller did not give a role (plain buttons,
// links, checkboxes) become menu items, as a menu may hold nothing else.
export function Menu({ label, button, children, align = 'left', class: cls = '' }) {
  const [open, setOpen] = useState(false);
  const ref = useRef();
  const pop = useRef();
  const btn = useRef();
  const first = useRef(true); // the first render of an open menu moves the focus into it
  // before the paint: no moment shows a menu with items that are not menu items
  useLayoutEffect(() => {
    if (!open) {
      first.current = true;
      return;
    }
    pop.current?.querySelectorAll('a[href],button,input[type=checkbox]').forEach((el) => {
      if (!el.hasAttribute('role')) el.setAttribute('role', el.type === 'checkbox' ? 'menuitemcheckbox' : 'menuitem');
    });
    if (first.current) {
      first.current = false;
      pop.current?.querySelector(ITEMS)?.focus();
    }
  });
  useEffect(() => {
    if (!open) return;
    const click = (e) => !ref.current?.contains(e.target) && setOpen(false);
    const key = (e) => {
      if (e.key === 'Escape') {
        setOpen(false);
        btn.current?.focus();
        return;
      }
      if (!pop.current?.contains(document.activeElement)) return;
      const items = [...pop.current.querySelectorAll(ITEMS)].filter((x) => !x.disabled);
      const i = items.indexOf(document.activeElement);
      const to = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: items.length - 1 }[e.key];
      if (to === undefined || !items.length) return;
      e.preventDefault();
      items[(to + items.length) % items.length].focus();
    };
    document.addEventListener('mousedown', click);
    document.addEventListener('keydown', key);
    return () => {
      document.removeEventListener('mousedown', click);
      document.removeEventListener('keydown', key);
    };
  }, [open]);
  // The button's accessible name: the label when it shows no text (an icon), its text when that
  // already says the label, else its text and then the label — what is read starts with what is
  // seen (WCAG 2.5.3), so "Иван Петров" is not announced as only "User menu".
  const shown = textOf(button).trim();
  const extra = shown && !shown.includes(label);
  return (
    <div class={`menu ${cls}`} ref={ref}
      onFocusOut={(e) => { if (open && e.relatedTarget && !ref.current?.contains(e.relatedTarget)) setOpen(false); }}>
      <button class="menu-btn" ref={btn} aria-haspopup="menu" aria-expanded={open} aria-label={shown ? undefined : label}
        title={extra ? label : undefined} onClick={() => setOpen(!open)}
        onKeyDown={(e) => { if (e.key === 'ArrowDown' && !open) { e.preventDefault(); setOpen(true); } }}>
        {button}{extra && <span class="sr-only">{label}</span>}
      </button>
      {open && <div class={`menu-pop menu-${align}`} role="menu" aria-label={label} ref={pop}
        onClick={(e) => e.target.closest('[data-close]') && setOpen(false)}>{children}</div>}
    </div>
  );
}
