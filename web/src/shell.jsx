// The frame around every screen: the top bar (global search, live indicator, notifications bell,
// user menu with the language switch and sign-out) and the left menu.
import { useEffect, useRef, useState } from 'preact/hooks';
import { call, session } from './api.js';
import { lang, setLang, t } from './i18n.js';
import { href, openCard } from './router.js';
import { live, refs, useTopic, userName } from './state.js';
import { TYPE_BY_ID } from './entities.js';
import { Avatar, Menu } from './ui.jsx';
import { Bell } from './bell.jsx';

function Search() {
  const [q, setQ] = useState('');
  const [items, setItems] = useState(null);
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  const input = useRef();
  const seq = useRef(0);

  useEffect(() => {
    const key = (e) => {
      const tag = document.activeElement?.tagName;
      if (e.key === '/' && !['INPUT', 'TEXTAREA', 'SELECT'].includes(tag) && !document.activeElement?.isContentEditable) {
        e.preventDefault();
        input.current?.focus();
      }
    };
    document.addEventListener('keydown', key);
    return () => document.removeEventListener('keydown', key);
  }, []);

  useEffect(() => {
    const query = q.trim();
    if (!query) {
      setItems(null);
      return;
    }
    const my = ++seq.current;
    const timer = setTimeout(async () => {
      try {
        const r = await call('voronka.crm.search', { query, limit: 12 });
        if (my === seq.current) {
          setItems(r);
          setActive(0);
          setOpen(true);
        }
      } catch {
        if (my === seq.current) setItems([]);
      }
    }, 150);
    return () => clearTimeout(timer);
  }, [q]);

  const choose = (it) => {
    setOpen(false);
    setQ('');
    input.current?.blur();
    openCard(TYPE_BY_ID[it.entityTypeId], it.id);
  };
  const key = (e) => {
    if (!items?.length) return;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => (a + 1) % items.length);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => (a - 1 + items.length) % items.length);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      choose(items[active]);
    } else if (e.key === 'Escape') {
      setOpen(false);
    }
  };
  return (
    <div class="search" role="search">
      <input ref={input} type="search" value={q} placeholder={t('search.placeholder')} aria-label={t('search.placeholder')}
        role="combobox" aria-expanded={open && !!items} aria-controls="search-results" aria-autocomplete="list"
        aria-activedescendant={open && items?.length ? `sr-${active}` : undefined}
        onInput={(e) => setQ(e.currentTarget.value)} onKeyDown={key} onFocus={() => items && setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)} />
      <kbd class="search-kbd" title={t('search.hint')}>/</kbd>
      {open && items && (
        <ul class="search-results" id="search-results" role="listbox">
          {items.length === 0 && <li class="search-none">{t('search.none')}</li>}
          {items.map((it, i) => (
            <li key={`${it.entityTypeId}-${it.id}`} id={`sr-${i}`} role="option" aria-selected={i === active}
              class={i === active ? 'active' : ''} onMouseDown={(e) => { e.preventDefault(); choose(it); }}>
              <span class={`badge badge-${TYPE_BY_ID[it.entityTypeId]}`}>{t(`type.${TYPE_BY_ID[it.entityTypeId]}`)}</span>
              <span class="sr-title">{it.title}</span>
              <span class="sr-sub">{it.match ? it.match.value : it.subtitle}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function signOut() {
  // A real form post: the server forgets the session and answers with the sign-in page.
  const f = document.createElement('form');
  f.method = 'post';
  f.action = '/logout';
  const i = document.createElement('input');
  i.type = 'hidden';
  i.name = 'csrf';
  i.value = session.csrf;
  f.append(i);
  document.body.append(f);
  f.submit();
}

function UserMenu({ onLang }) {
  const me = refs.me;
  return (
    <Menu label={t('user.menu')} align="right" class="user-menu" button={
      <span class="user-btn"><Avatar id={session.userId} size={28} /><span class="user-name">{userName(session.userId)}</span></span>
    }>
      <div class="menu-head">
        <b>{userName(session.userId)}</b>
        <span class="muted">{me?.EMAIL}{session.isAdmin ? ` · ${t('user.admin')}` : ''}</span>
      </div>
      <div class="menu-group" role="group" aria-label={t('user.lang')}>
        <span class="menu-label">{t('user.lang')}</span>
        {['ru', 'en'].map((l) => (
          <button key={l} role="menuitemradio" aria-checked={lang === l} class={`menu-item ${lang === l ? 'checked' : ''}`}
            data-close data-lang={l} onClick={() => onLang(l)}>{t(`lang.${l}`)}</button>
        ))}
      </div>
      <button class="menu-item" role="menuitem" data-close onClick={signOut}>{t('user.logout')}</button>
    </Menu>
  );
}

export function TopBar({ onLang }) {
  useTopic('live');
  return (
    <header class="topbar">
      <a class="logo" href="#/deal/kanban/0"><span class="logo-mark" aria-hidden="true">▼</span>{t('app')}</a>
      <Search />
      <div class="topbar-right">
        <span class={`live-dot ${live.connected ? 'on' : ''}`} title={t(live.connected ? 'live.on' : 'live.off')}
          aria-label={t(live.connected ? 'live.on' : 'live.off')} role="img" />
        <Bell />
        <UserMenu onLang={onLang} />
      </div>
    </header>
  );
}

const MENU = [
  ['lead', '#/lead/kanban', '◎'],
  ['deal', '#/deal/kanban/0', '◆'],
  ['contact', '#/contact/list', '☺'],
  ['company', '#/company/list', '▣'],
  ['funnel', '#/funnel', '▽'],
  ['settings', '#/settings/lists/STATUS', '⚙'],
];

export function SideMenu({ section }) {
  return (
    <nav class="sidemenu" aria-label={t('menu.nav')}>
      <ul>
        {MENU.map(([k, h, icon]) => (
          <li key={k}>
            <a href={h} class={section === k ? 'active' : ''} aria-current={section === k ? 'page' : undefined}>
              <span class="sm-icon" aria-hidden="true">{icon}</span><span class="sm-label">{t(`menu.${k}`)}</span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export { href };
