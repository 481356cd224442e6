// The app: boot (the current user, reference lists, pipelines, users), the live stream, the
// shell, the screen the hash names, and the card slider over it.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { lang, langChosenHere, setLang, t } from './i18n.js';
import { useRoute } from './router.js';
import { call, session } from './api.js';
import { pref, setPref } from './prefs.js';
import { boot, startEvents } from './state.js';
import { SideMenu, TopBar } from './shell.jsx';
import { Confirms, Spinner, Toasts } from './ui.jsx';
import { Kanban } from './kanban.jsx';
import { ListPage } from './list.jsx';
import { CardSlider } from './card.jsx';
import { Settings } from './settings.jsx';
import { FunnelPage } from './funnel.jsx';
import { TYPES } from './entities.js';

function Screen({ path, query }) {
  const [a, b, c] = path;
  if (TYPES[a] && b === 'kanban' && TYPES[a].hasKanban) return <Kanban type={a} categoryId={a === 'deal' ? Number(c) || 0 : 0} />;
  if (TYPES[a]) return <ListPage key={a} type={a} query={query} />; // all state fresh per type
  if (a === 'funnel') return <FunnelPage query={query} />;
  if (a === 'settings') return <Settings tab={b || 'lists'} arg={c} />;
  return <Kanban type="deal" categoryId={0} />;
}

function App() {
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(null);
  const [, setLangState] = useState(lang);
  const route = useRoute();

  useEffect(() => {
    boot().then(() => {
      // A browser that has not chosen yet speaks the language the user chose elsewhere.
      const chosen = pref('ui.lang', '');
      if (!langChosenHere() && chosen && chosen !== lang) {
        setLang(chosen);
        setLangState(chosen);
      }
      setReady(true);
    }, (e) => setFailed(e.message));
    startEvents();
  }, []);

  useEffect(() => {
    document.title = `${t(`menu.${route.path[0]}`)} — ${t('app')}`;
  });

  // The app is drawn anew in the other language (key={lang}): the focus, which was in the user
  // menu, goes back to its button rather than being lost on the page.
  const onLang = (l) => {
    setLang(l);
    setLangState(l);
    // The server writes its own texts for this user (notifications) in their language; a refusal
    // costs only that, so it is not shown.
    call('user.update', { ID: session.userId, LANGUAGE_ID: l }).catch(() => {});
    setPref('ui.lang', l).catch(() => {}); // for the user's other browsers
    requestAnimationFrame(() => document.querySelector('.user-menu .menu-btn')?.focus());
  };
  if (failed) return <div class="boot-error" role="alert">{t('error')}: {failed}</div>;
  if (!ready) return <div class="boot"><Spinner /></div>;
  const section = route.path[0] || 'deal';
  return (
    <div class="app" key={lang}>
      {/* the first Tab stop: past the top bar and the menu, straight to the screen */}
      <button class="skip-link" onClick={() => document.getElementById('content')?.focus()}>{t('skip')}</button>
      <TopBar onLang={onLang} />
      <SideMenu section={section} />
      <main class="content" id="content" tabIndex={-1}>
        <Screen path={route.path} query={route.query} />
      </main>
      {route.query.open && <CardSlider key={route.query.open} open={route.query.open} />}
      <Toasts />
      <Confirms />
    </div>
  );
}

render(<App />, document.getElementById('app'));
