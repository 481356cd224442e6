// C6: the timeline of an item — a rich-text editor for comments (bold, italic, lists, @mentions,
// files; written as BB-code) and activities, then pinned comments, then comments and activities
// newest first (voronka.crm.timeline.list). Comments are BB-code, as Bitrix24 keeps them; they are rendered
// into elements here, never as HTML.
import { useEffect, useRef, useState } from 'preact/hooks';
import { call, callFull } from './api.js';
import { date, t } from './i18n.js';
import { refs, session, userName } from './state.js';
import { TYPES } from './entities.js';
import { Avatar, Spinner, toast, toastError } from './ui.jsx';
import { Icon } from './icons.jsx';

// [b] [i] [u] [s] [list][*]…[/list] [USER=5]name[/USER] [url=…]…[/url] → elements.
export function BB({ text }) {
  const out = [];
  const re = /\[(\/?)(b|i|u|s|list|\*|user|url)(?:=([^\]]*))?\]/gi;
  const stack = [{ tag: 'root', kids: out }];
  let last = 0;
  let m;
  const push = (x) => stack[stack.length - 1].kids.push(x);
  const close = (tag) => {
    const i = stack.map((s) => s.tag).lastIndexOf(tag);
    if (i <= 0) return false;
    while (stack.length > i) {
      const s = stack.pop();
      stack[stack.length - 1].kids.push(node(s));
    }
    return true;
  };
  while ((m = re.exec(text))) {
    push(text.slice(last, m.index));
    last = re.lastIndex;
    const tag = m[2].toLowerCase();
    if (m[1]) {
      if (tag === 'list') close('*');
      if (!close(tag)) push(m[0]);
    } else if (tag === '*') {
      close('*');
      stack.push({ tag: '*', kids: [] });
    } else {
      stack.push({ tag, arg: m[3], kids: [] });
    }
  }
  push(text.slice(last));
  while (stack.length > 1) {
    const s = stack.pop();
    stack[stack.length - 1].kids.push(node(s));
  }
  return <div class="bb">{out}</div>;
}

function node(s) {
  switch (s.tag) {
    case 'b': return <b>{s.kids}</b>;
    case 'i': return <i>{s.kids}</i>;
    case 'u': return <u>{s.kids}</u>;
    case 's': return <s>{s.kids}</s>;
    case 'list': return <ul>{s.kids.filter((k) => typeof k !== 'string' || k.trim())}</ul>;
    case '*': return <li>{s.kids}</li>;
    case 'user': return <span class="mention">@{s.kids}</span>;
    case 'url': {
      const u = String(s.arg || s.kids.join(''));
      return /^https?:\/\//i.test(u) ? <a href={u} target="_blank" rel="noopener noreferrer">{s.kids}</a> : <span>{s.kids}</span>;
    }
    default: return <span>{s.kids}</span>;
  }
}

function fileBase64(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).split(',')[1] || '');
    r.onerror = reject;
    r.readAsDataURL(file);
  });
}

// The rich text of the editor → BB-code, as the API keeps comments: bold, italic, underline,
// strike, lists, mentions ([USER=id]name[/USER]) and links; block elements end lines.
const BB_TAG = { B: 'b', STRONG: 'b', I: 'i', EM: 'i', U: 'u', S: 's', STRIKE: 's', DEL: 's' };
export function toBB(root) {
  let out = '';
  const nl = () => { if (out && !out.endsWith('\n')) out += '\n'; };
  const walk = (n) => {
    if (n.nodeType === 3) {
      out += n.nodeValue.replace(/\u00a0/g, ' ').replace(/\u200b/g, '');
      return;
    }
    if (n.nodeType !== 1) return;
    const tag = n.tagName;
    if (n.dataset?.user) {
      out += `[USER=${n.dataset.user}]${n.textContent.replace(/^@/, '')}[/USER]`;
      return;
    }
    if (tag === 'BR') {
      out += '\n';
      return;
    }
    const kids = () => n.childNodes.forEach(walk);
    if (BB_TAG[tag]) {
      const inner = toBB(n);
      if (inner.trim()) out += `[${BB_TAG[tag]}]${inner}[/${BB_TAG[tag]}]`;
      else out += inner;
    } else if (tag === 'UL' || tag === 'OL') {
      nl();
      out += '[list]\n';
      n.childNodes.forEach(walk);
      nl();
      out += '[/list]\n';
    } else if (tag === 'LI') {
      out += '[*]';
      kids();
      nl();
    } else if (tag === 'A' && /^https?:\/\//i.test(n.getAttribute('href') || '')) {
      out += `[url=${n.getAttribute('href')}]${toBB(n)}[/url]`;
    } else if (tag === 'DIV' || tag === 'P') {
      nl();
      kids();
      nl();
    } else {
      kids();
    }
  };
  root.childNodes.forEach(walk);
  return out.replace(/\n+$/, '');
}

// The comment editor: rich text (contenteditable) written as BB-code. Its content is the element's
// own, never rendered by Preact, so no re-render (the card reloading after a live event, say) can
// put an older text back under the caret. Ctrl+B / Ctrl+I work as everywhere; the toolbar keeps
// the caret where it was; "@" and a name's first letters offer colleagues to mention; a paste
// comes in as plain text.
function CommentEditor({ type, item, onAdded }) {
  const [empty, setEmpty] = useState(true);
  const [files, setFiles] = useState([]);
  const [mention, setMention] = useState(null); // {q, node, at}: the "@…" typed, in its text node
  const [active, setActive] = useState(0);      // the colleague ↑/↓ point at in the picker
  const [busy, setBusy] = useState(false);
  const area = useRef();
  const range = useRef(null); // the caret when the editor lost the focus

  const refresh = () => setEmpty(!area.current.textContent.trim() && !area.current.querySelector('[data-user]'));
  const restore = () => {
    const el = area.current;
    el.focus();
    const sel = getSelection();
    if (range.current && el.contains(range.current.startContainer)) {
      sel.removeAllRanges();
      sel.addRange(range.current);
    }
  };
  const format = (cmd) => {
    restore();
    document.execCommand(cmd, false);
    refresh();
  };
  const onInput = () => {
    refresh();
    const sel = getSelection();
    const node = sel.anchorNode;
    if (!sel.isCollapsed || !node || node.nodeType !== 3) return setMention(null);
    const m = /(^|\s)@([\p{L}\d]*)$/u.exec(node.nodeValue.slice(0, sel.anchorOffset).replace(/\u00a0/g, ' '));
    setMention(m ? { q: m[2].toLowerCase(), node, at: sel.anchorOffset - m[2].length - 1 } : null);
    setActive(0);
  };
  const candidates = mention ? refs.users.filter((u) => userName(u.ID).toLowerCase().split(' ').some((w) => w.startsWith(mention.q))).slice(0, 6) : [];
  const pick = (u) => {
    const { node, at } = mention;
    const r = document.createRange();
    r.setStart(node, at);
    r.setEnd(node, Math.min(node.nodeValue.length, at + 1 + mention.q.length));
    r.deleteContents();
    const chip = document.createElement('span');
    chip.className = 'mention';
    chip.contentEditable = 'false';
    chip.dataset.user = u.ID;
    chip.textContent = `@${userName(u.ID)}`;
    const space = document.createTextNode('\u00a0');
    r.insertNode(space);
    r.insertNode(chip);
    const sel = getSelection();
    const after = document.createRange();
    after.setStartAfter(space);
    sel.removeAllRanges();
    sel.addRange(after);
    area.current.focus();
    setMention(null);
    refresh();
  };
  const send = async (e) => {
    e?.preventDefault();
    const text = toBB(area.current);
    if (!text.trim() || busy) return;
    setBusy(true);
    try {
      const fields = { ENTITY_TYPE: TYPES[type].name, ENTITY_ID: item.ID, COMMENT: text };
      if (files.length) fields.FILES = await Promise.all(files.map(async (f) => [f.name, await fileBase64(f)]));
      await call('crm.timeline.comment.add', { fields });
      area.current.innerHTML = '';
      setEmpty(true);
      setFiles([]);
      onAdded();
    } catch (err) {
      toastError(err);
    }
    setBusy(false);
  };
  const keep = (e) => e.preventDefault(); // a click on the toolbar leaves the caret in the text
  return (
    <form class="tl-editor" onSubmit={send}>
      <div class="toolbar" role="toolbar" aria-label={t('tl.comment')}>
        <button type="button" class="icon-btn" aria-label={t('tl.bold')} title={`${t('tl.bold')} (Ctrl+B)`} onMouseDown={keep} onClick={() => format('bold')}><b>B</b></button>
        <button type="button" class="icon-btn" aria-label={t('tl.italic')} title={`${t('tl.italic')} (Ctrl+I)`} onMouseDown={keep} onClick={() => format('italic')}><i>I</i></button>
        <button type="button" class="icon-btn" aria-label={t('tl.list')} title={t('tl.list')} onMouseDown={keep} onClick={() => format('insertUnorderedList')}>≡</button>
        <label class="icon-btn file-btn" title={t('tl.attach')}><Icon name="clip" /><input type="file" multiple aria-label={t('tl.attach')}
          onChange={(e) => setFiles([...files, ...e.currentTarget.files])} /></label>
      </div>
      <div class="tl-area">
        <div ref={area} class={`tl-rich ${empty ? 'empty' : ''}`} contentEditable role="textbox" aria-multiline="true" tabIndex={0}
          aria-label={t('tl.comment')} data-placeholder={t('tl.placeholder')} onInput={onInput}
          onBlur={() => { const sel = getSelection(); if (area.current && sel.rangeCount && area.current.contains(sel.anchorNode)) range.current = sel.getRangeAt(0).cloneRange(); }}
          onPaste={(e) => { e.preventDefault(); document.execCommand('insertText', false, e.clipboardData.getData('text/plain')); }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); send(); return; }
            if (mention && candidates.length && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
              e.preventDefault();
              setActive((active + (e.key === 'ArrowDown' ? 1 : candidates.length - 1)) % candidates.length);
            }
            if (mention && candidates.length && (e.key === 'Enter' || e.key === 'Tab')) { e.preventDefault(); pick(candidates[Math.min(active, candidates.length - 1)]); }
            if (e.key === 'Escape' && mention) { e.stopPropagation(); setMention(null); }
          }} />
        {mention && candidates.length > 0 && (
          <ul class="picker mention-picker" role="listbox">
            {candidates.map((u, i) => <li key={u.ID} role="option" aria-selected={i === active} class={i === active ? 'active' : ''}><button type="button" tabIndex={-1} onMouseDown={(e) => { e.preventDefault(); pick(u); }}><Avatar id={u.ID} size={20} /> {userName(u.ID)}</button></li>)}
          </ul>
        )}
      </div>
      {files.length > 0 && <div class="tl-files">{files.map((f, i) => <span class="chip" key={i}>{f.name}<button type="button" class="chip-x" aria-label={t('delete')} onClick={() => setFiles(files.filter((_, j) => j !== i))}>×</button></span>)}</div>}
      <div class="row"><button class="btn btn-primary btn-sm" type="submit" disabled={busy || empty}>{t('tl.send')}</button><span class="muted small">Ctrl+Enter</span></div>
    </form>
  );
}

function ActivityEditor({ type, item, onAdded }) {
  const [kind, setKind] = useState('2');
  const [subject, setSubject] = useState('');
  const [deadline, setDeadline] = useState(() => {
    const d = new Date(Date.now() + 24 * 3600e3);
    d.setMinutes(0, 0, 0);
    return new Date(d.getTime() - d.getTimezoneOffset() * 60e3).toISOString().slice(0, 16);
  });
  const [busy, setBusy] = useState(false);
  const send = async (e) => {
    e.preventDefault();
    setBusy(true);
    try {
      const T = TYPES[type];
      const iso = new Date(deadline).toISOString();
      const fields = { OWNER_TYPE_ID: T.id, OWNER_ID: item.ID, TYPE_ID: Number(kind), SUBJECT: subject || t(`act.${kind}`), START_TIME: iso, END_TIME: iso, DEADLINE: iso, RESPONSIBLE_ID: session.userId };
      if (kind === '2') fields.COMMUNICATIONS = [{ VALUE: item.PHONE?.[0]?.VALUE || '', ENTITY_TYPE_ID: T.id, ENTITY_ID: item.ID, TYPE: 'PHONE' }];
      if (kind === '1') fields.COMMUNICATIONS = [{ ENTITY_TYPE_ID: T.id, ENTITY_ID: item.ID }];
      await call('crm.activity.add', { fields });
      setSubject('');
      onAdded();
    } catch (err) {
      toastError(err);
    }
    setBusy(false);
  };
  return (
    <form class="tl-editor act-editor" onSubmit={send}>
      <label>{t('tl.type')}
        <select value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
          {['2', '1', '3'].map((k) => <option key={k} value={k}>{t(`act.${k}`)}</option>)}
        </select>
      </label>
      <label class="grow">{t('tl.subject')}<input value={subject} onInput={(e) => setSubject(e.currentTarget.value)} placeholder={t(`act.${kind}`)} /></label>
      <label>{t('tl.deadline')}<input type="datetime-local" value={deadline} onInput={(e) => setDeadline(e.currentTarget.value)} /></label>
      <button class="btn btn-primary btn-sm" type="submit" disabled={busy}>{t('add')}</button>
    </form>
  );
}

const ACT_ICON = { 1: 'users', 2: 'phone', 3: 'task', 4: 'mail', 6: 'task' };

export function Timeline({ type, item, refresh }) {
  const [mode, setMode] = useState('comment');
  const [entries, setEntries] = useState(null);
  const [next, setNext] = useState(null);

  const load = async (start = 0) => {
    try {
      const r = await callFull('voronka.crm.timeline.list', { entityTypeId: TYPES[type].id, entityId: item.ID, start });
      setEntries((xs) => (start ? [...(xs || []), ...r.result] : r.result));
      setNext(r.next ?? null);
    } catch (e) {
      toastError(e);
      setEntries([]);
    }
  };
  // refresh changes when the item changed elsewhere: the entries are read again, a comment being
  // written stays
  useEffect(() => { load(0); }, [type, item.ID, refresh]);

  const pin = async (c, on) => {
    try {
      await call(on ? 'voronka.crm.timeline.comment.pin' : 'voronka.crm.timeline.comment.unpin', { id: c.id });
      load(0);
    } catch (e) {
      toastError(e);
    }
  };
  const complete = async (a, done) => {
    try {
      await call('crm.activity.update', { id: a.id, fields: { COMPLETED: done ? 'Y' : 'N' } });
      load(0);
    } catch (e) {
      toastError(e);
    }
  };

  return (
    <div class="timeline">
      <div class="tl-modes" role="tablist">
        {['comment', 'activity'].map((m) => (
          <button key={m} role="tab" aria-selected={mode === m} class={`tab ${mode === m ? 'active' : ''}`} onClick={() => setMode(m)}>{t(`tl.${m}`)}</button>
        ))}
      </div>
      {mode === 'comment' ? <CommentEditor type={type} item={item} onAdded={() => { load(0); toast(t('added')); }} />
        : <ActivityEditor type={type} item={item} onAdded={() => { load(0); toast(t('added')); }} />}
      {!entries ? <Spinner /> : entries.length === 0 ? <p class="muted pad">{t('tl.empty')}</p> : (
        <ol class="tl-list">
          {entries.map((e) => (e.type === 'comment' ? (
            <li key={`c${e.id}`} class={`tl-item tl-comment ${e.IS_PINNED === 'Y' ? 'pinned' : ''}`}>
              <Avatar id={e.AUTHOR_ID} size={30} />
              <div class="tl-main">
                <div class="tl-meta"><b>{userName(e.AUTHOR_ID)}</b> <span class="muted">{date(e.CREATED, true)}</span>
                  {e.IS_PINNED === 'Y' && <span class="badge">{t('tl.pinned')}</span>}
                  <button class="link-btn tl-pin" onClick={() => pin(e, e.IS_PINNED !== 'Y')}>{t(e.IS_PINNED === 'Y' ? 'tl.unpin' : 'tl.pin')}</button>
                </div>
                <BB text={e.COMMENT || ''} />
                {e.FILES && Object.keys(e.FILES).length > 0 && (
                  <div class="tl-files">{Object.values(e.FILES).map((f) => <span class="chip" key={f.id}><Icon name="clip" size={14} /> {f.name}</span>)}</div>
                )}
              </div>
            </li>
          ) : (
            <li key={`a${e.id}`} class={`tl-item tl-activity ${e.COMPLETED === 'Y' ? 'done' : ''}`}>
              <span class="tl-icon" aria-hidden="true"><Icon name={ACT_ICON[e.TYPE_ID] || 'task'} /></span>
              <div class="tl-main">
                <div class="tl-meta"><b>{t(`act.${e.TYPE_ID}`)}</b> <span class="muted">{t('tl.deadline')}: {date(e.DEADLINE, true)} · {userName(e.RESPONSIBLE_ID)}</span></div>
                <label class="check"><input type="checkbox" checked={e.COMPLETED === 'Y'} onChange={(x) => complete(e, x.currentTarget.checked)} />{e.SUBJECT}</label>
                {e.DESCRIPTION && <div class="muted small">{e.DESCRIPTION}</div>}
              </div>
            </li>
          )))}
        </ol>
      )}
      {next !== null && <button class="link-btn" onClick={() => load(next)}>{t('tl.more')}</button>}
    </div>
  );
}
