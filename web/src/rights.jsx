// Settings → Access rights (R1–R7, «CRM → Настройки → Права → Права доступа»): the assignments
// of roles to access codes (users, departments with or without their sub-departments, every user,
// work groups), the role list (add, copy, delete) and the role editor: a matrix of entities ×
// operations whose lead and pipeline rows open per stage, each cell a level, plus "allow changing
// settings". Only administrators and holders of the settings right see any of it (the API refuses
// everyone else anyway). Saving a role sends only the cells that changed; a refusal is shown as
// the API words it.
//
// The screen's words live here rather than in i18n.js: it is a screen of its own, and keeping them
// together keeps the shared dictionary small (common words — save, cancel, delete — come from t()).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { batch, call } from './api.js';
import { lang, t } from './i18n.js';
import { go, href } from './router.js';
import { canSettings, loadRights, loadStatuses, refs, statusList, useTopic, userName } from './state.js';
import { confirm, Modal, Spinner, toast } from './ui.jsx';
import { Icon } from './icons.jsx';
import './rights.css';

const words = {
  ru: {
    tab: 'Права доступа', title: 'Права доступа', noRight: 'Права доступа настраивает администратор или роль с правом изменять настройки',
    roles: 'Роли', role: 'Роль', newRole: 'Название новой роли', addRole: 'Добавить роль', copy: 'Копировать',
    copyOf: '{name} (копия)', edit: 'Настроить', confirmDelete: 'Удалить роль «{name}»?', settingsBadge: 'изменяет настройки',
    defaultBadge: 'стандартная', assigned: 'назначена: {n}',
    assignments: 'Кому назначены роли', who: 'Кому', addAccess: 'Добавить право доступа', noAssignments: 'Роли никому не назначены',
    unsaved: 'Есть несохранённые изменения', removeCode: 'Убрать', savedAssignments: 'Назначения сохранены',
    pick: 'Добавить право доступа', pickUsers: 'Сотрудники', pickDepts: 'Отделы', pickAll: 'Все авторизованные пользователи',
    pickSearch: 'Поиск', pickRole: 'Роль для выбранных', pickAdd: 'Добавить ({n})', pickDept: 'отдел', pickDeptR: 'с подотделами',
    pickNone: 'Никого не найдено', pickChosen: 'Выбрано',
    'kind.AU': 'все', 'kind.U': 'сотрудник', 'kind.D': 'отдел', 'kind.DR': 'отдел с подотделами', 'kind.SG': 'группа', 'kind.other': 'код',
    back: 'Все роли', roleName: 'Название роли', allowSettings: 'Разрешить изменять настройки',
    allowSettingsHint: 'Роль сможет менять права доступа, поля, воронки, справочники и роботов',
    entity: 'Элемент', expand: 'Показать стадии: {name}', collapse: 'Скрыть стадии: {name}', changed: 'Изменено ячеек: {n}',
    notFound: 'Роль не найдена', leaveTitle: 'Уйти без сохранения?', leave: 'Изменения роли не сохранены и пропадут.', leaveOk: 'Уйти',
    'op.READ': 'Чтение', 'op.ADD': 'Добавление', 'op.WRITE': 'Изменение', 'op.DELETE': 'Удаление', 'op.EXPORT': 'Экспорт', 'op.IMPORT': 'Импорт',
    'lvl.': 'Нет доступа', 'lvl.A': 'Свои', 'lvl.D': 'Свои + своего отдела', 'lvl.F': 'Свои + своего отдела + подотделов',
    'lvl.O': 'Все открытые', 'lvl.X': 'Все', 'lvl.INHERIT': 'Наследовать', 'lvl.on': 'Разрешено',
    'short.': 'Нет доступа', 'short.A': 'Свои', 'short.D': '+ отдел', 'short.F': '+ подотделы', 'short.O': 'Все открытые', 'short.X': 'Все',
    'short.inherit': '↑ {level}', 'legend': 'Уровни включают предыдущие', 'legend.inherit': '↑ — наследуется: стадия от своей строки, воронка от строки «Сделки: все воронки»',
    'ent.LEAD': 'Лиды', 'ent.DEAL': 'Сделки: все воронки (по умолчанию)', 'ent.DEAL_C': 'Сделки: {name}', 'ent.CONTACT': 'Контакты',
    'ent.COMPANY': 'Компании', 'ent.QUOTE': 'Предложения', 'ent.INVOICE': 'Счета', 'ent.WEBFORM': 'CRM-формы',
    'ent.ROBOT_LEAD': 'Роботы лидов', 'ent.ROBOT_DEAL': 'Роботы сделок', stage: 'стадия',
  },
  en: {
    tab: 'Access rights', title: 'Access rights', noRight: 'Access rights are set by an administrator or a role allowed to change settings',
    roles: 'Roles', role: 'Role', newRole: 'New role name', addRole: 'Add a role', copy: 'Copy',
    copyOf: '{name} (copy)', edit: 'Edit', confirmDelete: 'Delete the role «{name}»?', settingsBadge: 'changes settings',
    defaultBadge: 'default', assigned: 'assigned: {n}',
    assignments: 'Who holds the roles', who: 'Who', addAccess: 'Add access', noAssignments: 'No role is assigned',
    unsaved: 'There are unsaved changes', removeCode: 'Remove', savedAssignments: 'Assignments saved',
    pick: 'Add access', pickUsers: 'Employees', pickDepts: 'Departments', pickAll: 'All authorised users',
    pickSearch: 'Search', pickRole: 'Role for the chosen', pickAdd: 'Add ({n})', pickDept: 'department', pickDeptR: 'with sub-departments',
    pickNone: 'Nobody found', pickChosen: 'Chosen',
    'kind.AU': 'everyone', 'kind.U': 'employee', 'kind.D': 'department', 'kind.DR': 'department and below', 'kind.SG': 'work group', 'kind.other': 'code',
    back: 'All roles', roleName: 'Role name', allowSettings: 'Allow changing settings',
    allowSettingsHint: 'The role may change access rights, fields, pipelines, reference lists and robots',
    entity: 'Item', expand: 'Show stages: {name}', collapse: 'Hide stages: {name}', changed: 'Changed cells: {n}',
    notFound: 'The role is not found', leaveTitle: 'Leave without saving?', leave: 'The changes to the role are not saved and will be lost.', leaveOk: 'Leave',
    'op.READ': 'Read', 'op.ADD': 'Add', 'op.WRITE': 'Edit', 'op.DELETE': 'Delete', 'op.EXPORT': 'Export', 'op.IMPORT': 'Import',
    'lvl.': 'No access', 'lvl.A': 'Own', 'lvl.D': 'Own + department', 'lvl.F': 'Own + department + sub-departments',
    'lvl.O': 'All open', 'lvl.X': 'All', 'lvl.INHERIT': 'Inherit', 'lvl.on': 'Allowed',
    'short.': 'No access', 'short.A': 'Own', 'short.D': '+ department', 'short.F': '+ sub-departments', 'short.O': 'All open', 'short.X': 'All',
    'short.inherit': '↑ {level}', 'legend': 'Each level includes the ones before it', 'legend.inherit': '↑ — inherited: a stage from its row, a pipeline from «Deals: every pipeline»',
    'ent.LEAD': 'Leads', 'ent.DEAL': 'Deals: every pipeline (default)', 'ent.DEAL_C': 'Deals: {name}', 'ent.CONTACT': 'Contacts',
    'ent.COMPANY': 'Companies', 'ent.QUOTE': 'Quotes', 'ent.INVOICE': 'Invoices', 'ent.WEBFORM': 'CRM forms',
    'ent.ROBOT_LEAD': 'Lead robots', 'ent.ROBOT_DEAL': 'Deal robots', stage: 'stage',
  },
};

function w(key, vars) {
  let s = (words[lang] || words.ru)[key] ?? words.en[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] ?? m));
  return s;
}

const OPS = ['READ', 'ADD', 'WRITE', 'DELETE', 'EXPORT', 'IMPORT'];
const LEVELS = ['', 'A', 'D', 'F', 'O', 'X'];
const BINARY = new Set(['WEBFORM', 'ROBOT_LEAD', 'ROBOT_DEAL']); // these take none or all only
const ORDER = ['LEAD', 'DEAL', 'DEAL_C', 'CONTACT', 'COMPANY', 'QUOTE', 'INVOICE', 'WEBFORM', 'ROBOT_LEAD', 'ROBOT_DEAL'];

// The caller's right to this screen: null while asked, then true or false.
function useCan() {
  const [can, setCan] = useState(null);
  useEffect(() => {
    let live = true;
    loadRights().then((r) => live && setCan(canSettings(r)), () => live && setCan(canSettings(null)));
    return () => { live = false; };
  }, []);
  return can;
}

export function AccessRights({ arg }) {
  const can = useCan();
  if (can === null) return <Spinner />;
  if (!can) return <p class="notice" role="note">{w('noRight')}</p>;
  return arg ? <RoleEditor key={arg} id={Number(arg)} /> : <RightsHome />;
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

// ---- access codes ----

function codeKind(code) {
  if (code === 'AU') return 'AU';
  if (/^U\d+$/.test(code)) return 'U';
  if (/^DR\d+$/.test(code)) return 'DR';
  if (/^D\d+$/.test(code)) return 'D';
  if (/^SG\d+/.test(code)) return 'SG';
  return 'other';
}

// Names of access codes (access.name), kept for the session; AU is named in the UI's language.
const codeNames = new Map();
async function loadNames(codes) {
  const want = [...new Set(codes)].filter((c) => !codeNames.has(c));
  if (!want.length) return;
  const r = await call('access.name', { ACCESS: want });
  for (const c of want) codeNames.set(c, r && r[c] ? r[c].name : '');
}
function codeName(code) {
  if (code === 'AU') return w('pickAll');
  return codeNames.get(code) || code;
}

function CodeLabel({ code }) {
  const kind = codeKind(code);
  return (
    <span class="code-label">
      <span class={`badge code-kind kind-${kind}`}>{w(`kind.${kind}`)}</span>
      <span class="code-name">{codeName(code)}</span>
      {kind !== 'AU' && <code class="muted small">{code}</code>}
    </span>
  );
}

// ---- the first screen: assignments and roles ----

function RightsHome() {
  const [roles, setRoles] = useState(null);
  const [saved, setSaved] = useState([]);   // the assignments as stored
  const [rows, setRows] = useState([]);     // as edited
  const [error, setError] = useState(null);
  const [picking, setPicking] = useState(false);
  const [adding, setAdding] = useState('');
  const [busy, setBusy] = useState(false);

  const load = async () => {
    const r = await batch({ roles: ['voronka.crm.role.list'], asg: ['voronka.crm.role.assignments.get'] });
    await loadNames(r.asg.map((a) => a.ACCESS_CODE)).catch(() => {});
    const list = r.asg.map((a) => ({ code: a.ACCESS_CODE, role: Number(a.ROLE_ID) }));
    setRoles(r.roles);
    setSaved(list);
    setRows(list);
  };
  useEffect(() => { load().catch((e) => { setError(e.message); setRoles([]); }); }, []);

  const run = async (fn) => {
    setError(null);
    setBusy(true);
    try {
      await fn();
    } catch (e) {
      setError(e.message);
    } finally {
      setBusy(false);
    }
  };

  const dirty = JSON.stringify(rows) !== JSON.stringify(saved);
  const saveAssignments = () => run(async () => {
    await call('voronka.crm.role.assignments.set', { ASSIGNMENTS: rows.map((x) => ({ ACCESS_CODE: x.code, ROLE_ID: x.role })) });
    toast(w('savedAssignments'));
    await load();
  });

  const addRole = (e) => {
    e.preventDefault();
    const name = adding.trim();
    if (!name) return;
    run(async () => {
      const id = await call('voronka.crm.role.add', { fields: { NAME: name } });
      setAdding('');
      go(['settings', 'rights', id]);
    });
  };
  const copyRole = (r) => run(async () => {
    const id = await call('voronka.crm.role.add', { fields: { NAME: w('copyOf', { name: r.NAME }), COPY_FROM: r.ID } });
    go(['settings', 'rights', id]);
  });
  const deleteRole = async (r) => {
    if (!(await confirm({ title: t('delete'), text: w('confirmDelete', { name: r.NAME }), ok: t('confirm.delete'), danger: true }))) return;
    run(async () => {
      await call('voronka.crm.role.delete', { ID: r.ID });
      toast(t('deleted'));
      await load();
    });
  };

  const addCodes = async (codes, role) => {
    await loadNames(codes).catch(() => {});
    setRows((xs) => {
      const have = new Set(xs.map((x) => `${x.code}|${x.role}`));
      return [...xs, ...codes.filter((c) => !have.has(`${c}|${role}`)).map((c) => ({ code: c, role }))];
    });
    setPicking(false);
  };

  if (!roles) return <Spinner />;
  const roleName = (id) => roles.find((r) => Number(r.ID) === Number(id))?.NAME || `#${id}`;
  return (
    <div class="rights">
      <Refusal error={error} onClose={() => setError(null)} />
      <div class="rights-home">
        <section class="rights-panel rights-assignments" aria-labelledby="rights-asg-h">
          <div class="rights-panel-head">
            <h2 id="rights-asg-h">{w('assignments')}</h2>
            <span class="grow" />
            <button class="btn btn-sm" data-action="add-access" onClick={() => setPicking(true)}>+ {w('addAccess')}</button>
          </div>
          <table class="grid asg-table">
            <thead><tr><th>{w('who')}</th><th>{w('role')}</th><th><span class="sr-only">{w('removeCode')}</span></th></tr></thead>
            <tbody>
              {rows.length === 0 && <tr><td colSpan={3} class="empty">{w('noAssignments')}</td></tr>}
              {rows.map((x, i) => (
                <tr key={`${x.code}|${i}`} data-code={x.code} data-role={x.role}>
                  <td><CodeLabel code={x.code} /></td>
                  <td>
                    <select aria-label={`${w('role')}: ${codeName(x.code)}`} value={String(x.role)}
                      onChange={(e) => { const v = Number(e.currentTarget.value); setRows((xs) => xs.map((y, j) => (j === i ? { ...y, role: v } : y))); }}>
                      {roles.map((r) => <option key={r.ID} value={String(r.ID)}>{r.NAME}</option>)}
                    </select>
                  </td>
                  <td class="num">
                    <button class="icon-btn" aria-label={`${w('removeCode')}: ${codeName(x.code)} — ${roleName(x.role)}`}
                      onClick={() => setRows((xs) => xs.filter((_, j) => j !== i))}>×</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="row rights-foot">
            <button class="btn btn-primary" data-action="save-assignments" disabled={!dirty || busy} onClick={saveAssignments}>{t('save')}</button>
            <button class="btn" disabled={!dirty || busy} onClick={() => setRows(saved)}>{t('cancel')}</button>
            {dirty && <span class="muted small" role="status">{w('unsaved')}</span>}
          </div>
        </section>

        <section class="rights-panel rights-roles" aria-labelledby="rights-roles-h">
          <h2 id="rights-roles-h">{w('roles')}</h2>
          <ul class="role-list">
            {roles.map((r) => {
              const n = saved.filter((x) => x.role === Number(r.ID)).length;
              return (
                <li key={r.ID} class="role-item" data-role-id={r.ID}>
                  <div class="role-main">
                    <a class="role-name" href={href(['settings', 'rights', r.ID])}>{r.NAME}</a>
                    <span class="role-badges">
                      {r.CODE && <span class="badge">{w('defaultBadge')}</span>}
                      {r.SETTINGS === 'Y' && <span class="badge badge-settings">{w('settingsBadge')}</span>}
                      <span class="muted small">{w('assigned', { n })}</span>
                    </span>
                  </div>
                  <div class="role-actions">
                    <a class="btn btn-sm" href={href(['settings', 'rights', r.ID])} aria-label={`${w('edit')}: ${r.NAME}`}>{w('edit')}</a>
                    <button class="btn btn-sm" disabled={busy} aria-label={`${w('copy')}: ${r.NAME}`} onClick={() => copyRole(r)}>{w('copy')}</button>
                    <button class="icon-btn" disabled={busy} aria-label={`${t('delete')}: ${r.NAME}`} title={t('delete')} onClick={() => deleteRole(r)}><Icon name="trash" /></button>
                  </div>
                </li>
              );
            })}
          </ul>
          <form class="row add-row" onSubmit={addRole}>
            <input value={adding} placeholder={w('newRole')} aria-label={w('newRole')} onInput={(e) => setAdding(e.currentTarget.value)} />
            <button class="btn btn-primary" type="submit" disabled={!adding.trim() || busy}>{w('addRole')}</button>
          </form>
        </section>
      </div>
      {picking && <Picker roles={roles} onAdd={addCodes} onClose={() => setPicking(false)} />}
    </div>
  );
}

// ---- the picker: every user, users, departments (alone or with the ones below) ----

async function loadDepartments() {
  const out = [];
  for (let start = 0; start < 5000; start += 50) {
    const page = await call('department.get', { sort: 'SORT', order: 'ASC', start });
    out.push(...page);
    if (page.length < 50) break;
  }
  return out;
}

// Departments in tree order, each with its depth.
function deptTree(depts) {
  const kids = new Map();
  const ids = new Set(depts.map((d) => String(d.ID)));
  for (const d of depts) {
    const p = d.PARENT && ids.has(String(d.PARENT)) ? String(d.PARENT) : '';
    if (!kids.has(p)) kids.set(p, []);
    kids.get(p).push(d);
  }
  const out = [];
  const walk = (p, depth) => {
    for (const d of (kids.get(p) || []).sort((a, b) => Number(a.SORT) - Number(b.SORT) || Number(a.ID) - Number(b.ID))) {
      out.push({ ...d, depth });
      if (depth < 50) walk(String(d.ID), depth + 1);
    }
  };
  walk('', 0);
  return out;
}

function Picker({ roles, onAdd, onClose }) {
  const [tab, setTab] = useState('users');
  const [q, setQ] = useState('');
  const [chosen, setChosen] = useState(() => new Set());
  const [role, setRole] = useState(String((roles.find((r) => r.CODE === 'MANAGER') || roles[0])?.ID || ''));
  const [depts, setDepts] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { loadDepartments().then((d) => setDepts(deptTree(d)), (e) => { setError(e.message); setDepts([]); }); }, []);

  const toggle = (code) => setChosen((s) => {
    const n = new Set(s);
    if (n.has(code)) n.delete(code);
    else n.add(code);
    return n;
  });
  const needle = q.trim().toLowerCase();
  const users = refs.users.filter((u) => !needle || `${userName(u.ID)} ${u.EMAIL || ''} ${u.WORK_POSITION || ''}`.toLowerCase().includes(needle));
  const shownDepts = (depts || []).filter((d) => !needle || String(d.NAME).toLowerCase().includes(needle));
  const box = (code, label, extra, aria) => (
    <label class="check pick-item" key={code} data-pick={code}>
      <input type="checkbox" checked={chosen.has(code)} aria-label={aria} onChange={() => toggle(code)} />
      <span>{label}</span>{extra}
    </label>
  );
  // what is chosen, on either tab: a chip each, a click takes it back
  const chipName = (code) => {
    const kind = codeKind(code);
    if (kind === 'AU') return w('pickAll');
    if (kind === 'U') return userName(code.slice(1));
    const d = (depts || []).find((x) => String(x.ID) === code.replace(/^DR?/, ''));
    return d ? (kind === 'DR' ? `${d.NAME} (${w('pickDeptR')})` : d.NAME) : code;
  };

  return (
    <Modal title={w('pick')} onClose={onClose} wide>
      <div class="picker-rights">
        <Refusal error={error} onClose={() => setError(null)} />
        <div class="row">
          <div class="seg" role="tablist" aria-label={w('pick')}>
            {['users', 'depts'].map((k) => (
              <button key={k} type="button" role="tab" aria-selected={tab === k} class={tab === k ? 'active' : ''} data-pick-tab={k}
                onClick={() => setTab(k)}>{w(k === 'users' ? 'pickUsers' : 'pickDepts')}</button>
            ))}
          </div>
          <input type="search" class="grow" value={q} placeholder={w('pickSearch')} aria-label={w('pickSearch')} onInput={(e) => setQ(e.currentTarget.value)} />
        </div>
        <div class="pick-list" role="group" aria-label={w(tab === 'users' ? 'pickUsers' : 'pickDepts')}>
          {box('AU', <b>{w('pickAll')}</b>)}
          {tab === 'users' && users.map((u) => box(`U${u.ID}`, userName(u.ID), u.WORK_POSITION ? <span class="muted small">{u.WORK_POSITION}</span> : null))}
          {tab === 'users' && !users.length && <p class="muted">{w('pickNone')}</p>}
          {tab === 'depts' && !depts && <Spinner />}
          {tab === 'depts' && depts && shownDepts.map((d) => (
            <div class="pick-dept" key={d.ID} style={{ '--depth': needle ? 0 : d.depth }}>
              {box(`D${d.ID}`, d.NAME, <span class="muted small">{w('pickDept')}</span>)}
              {box(`DR${d.ID}`, w('pickDeptR'), null, `${d.NAME}: ${w('pickDeptR')}`)}
            </div>
          ))}
          {tab === 'depts' && depts && !shownDepts.length && <p class="muted">{w('pickNone')}</p>}
        </div>
        {chosen.size > 0 && (
          <div class="pick-chosen row" aria-label={w('pickChosen')} role="group">
            {[...chosen].map((c) => (
              <button key={c} type="button" class="chip" aria-label={`${w('removeCode')}: ${chipName(c)}`} onClick={() => toggle(c)}>
                {chipName(c)} <span class="chip-x" aria-hidden="true">×</span>
              </button>
            ))}
          </div>
        )}
        <div class="modal-foot">
          <label class="inline">{w('pickRole')}
            <select value={role} onChange={(e) => setRole(e.currentTarget.value)} aria-label={w('pickRole')}>
              {roles.map((r) => <option key={r.ID} value={String(r.ID)}>{r.NAME}</option>)}
            </select>
          </label>
          <span class="grow" />
          <button class="btn btn-primary" data-action="pick-add" disabled={!chosen.size || !role} onClick={() => onAdd([...chosen], Number(role))}>{w('pickAdd', { n: chosen.size })}</button>
          <button class="btn" onClick={onClose}>{t('cancel')}</button>
        </div>
      </div>
    </Modal>
  );
}

// ---- the role editor ----

function entityLabel(e) {
  const m = /^DEAL_C(\d+)$/.exec(e);
  if (m) {
    const c = refs.categories.find((x) => Number(x.id) === Number(m[1]));
    return w('ent.DEAL_C', { name: c ? c.name : `#${m[1]}` });
  }
  return w(`ent.${e}`);
}

// The reference list an entity's stage cells come from, or null for entities without stages.
function stageList(e) {
  if (e === 'LEAD') return 'STATUS';
  const m = /^DEAL_C(\d+)$/.exec(e);
  if (!m) return null;
  return Number(m[1]) ? `DEAL_STAGE_${m[1]}` : 'DEAL_STAGE';
}

const cellKey = (e, op, stage) => `${e}|${op}|${stage}`;

// Flatten role.get's PERMS into {"ENTITY|OP|cell": level}.
function flatten(perms) {
  const out = {};
  for (const [e, ops] of Object.entries(perms || {}))
    for (const [op, cells] of Object.entries(ops || {}))
      for (const [cell, level] of Object.entries(cells || {})) out[cellKey(e, op, cell)] = level;
  return out;
}

function entityRank(e) {
  const i = ORDER.indexOf(/^DEAL_C\d+$/.test(e) ? 'DEAL_C' : e);
  return i < 0 ? ORDER.length : i;
}

function RoleEditor({ id }) {
  useTopic('refs');
  const [role, setRole] = useState(null);   // as stored
  const [cells, setCells] = useState({});   // as edited
  const [name, setName] = useState('');
  const [settings, setSettings] = useState(false);
  const [open, setOpen] = useState(() => new Set());
  const [error, setError] = useState(null);
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);

  const load = async () => {
    // the pipelines and stages are read again: one made a minute ago is in every role (D7)
    const [r] = await Promise.all([call('voronka.crm.role.get', { ID: id }), loadStatuses().catch(() => {})]);
    setRole({ ...r, flat: flatten(r.PERMS) });
    setCells(flatten(r.PERMS));
    setName(r.NAME);
    setSettings(r.SETTINGS === 'Y');
  };
  useEffect(() => {
    load().catch((e) => {
      if (e.code === 'NOT_FOUND' || e.status === 404) setMissing(true);
      else setError(e.message);
    });
  }, [id]);

  const entities = useMemo(() => (role ? Object.keys(role.PERMS).sort((a, b) => entityRank(a) - entityRank(b) || Number(a.slice(6)) - Number(b.slice(6))) : []), [role]);
  const changes = role ? Object.keys(cells).filter((k) => cells[k] !== role.flat[k]) : [];
  const dirty = !!role && (changes.length > 0 || name.trim() !== role.NAME || settings !== (role.SETTINGS === 'Y'));

  if (missing) return <p class="notice" role="note">{w('notFound')} · <a href="#/settings/rights">{w('back')}</a></p>;
  if (!role) return error ? <Refusal error={error} onClose={() => setError(null)} /> : <Spinner />;

  // The level an INHERIT cell takes from above: a stage from its entity's own cell, a pipeline's
  // own cell (or a stage inheriting it) from the DEAL row, the pipelines' default.
  const inherited = (e, op, stage) => {
    if (stage !== '-') {
      const own = cells[cellKey(e, op, '-')];
      if (own !== undefined && own !== 'INHERIT') return own;
    }
    const d = /^DEAL_C\d+$/.test(e) ? cells[cellKey('DEAL', op, '-')] : '';
    return d === undefined || d === 'INHERIT' ? '' : d;
  };

  const save = async () => {
    const fields = {};
    if (name.trim() !== role.NAME) fields.NAME = name.trim();
    if (settings !== (role.SETTINGS === 'Y')) fields.SETTINGS = settings ? 'Y' : 'N';
    if (changes.length) {
      const perms = {};
      for (const k of changes) {
        const [e, op, cell] = k.split('|');
        ((perms[e] ||= {})[op] ||= {})[cell] = cells[k];
      }
      fields.PERMS = perms;
    }
    setError(null);
    setBusy(true);
    try {
      await call('voronka.crm.role.update', { ID: id, fields });
      toast(t('saved'));
      await load();
    } catch (e) {
      setError(e.message);
    } finally {
      setBusy(false);
    }
  };
  const revert = () => {
    setCells(role.flat);
    setName(role.NAME);
    setSettings(role.SETTINGS === 'Y');
  };
  const toggleOpen = (e) => setOpen((s) => {
    const n = new Set(s);
    if (n.has(e)) n.delete(e);
    else n.add(e);
    return n;
  });

  const cell = (e, op, stage, label) => {
    const k = cellKey(e, op, stage);
    if (!(k in cells)) return <td key={op} class="cell-none" aria-hidden="true">—</td>;
    const v = cells[k];
    const canInherit = stage !== '-' || /^DEAL_C\d+$/.test(e);
    const levels = BINARY.has(e) ? ['', 'X'] : LEVELS;
    const changed = v !== role.flat[k];
    const short = (l) => (BINARY.has(e) && l === 'X' ? w('lvl.on') : w(`short.${l}`));
    const full = (l) => (BINARY.has(e) && l === 'X' ? w('lvl.on') : w(`lvl.${l}`));
    const title = v === 'INHERIT' ? `${w('lvl.INHERIT')}: ${full(inherited(e, op, stage))}` : full(v);
    return (
      <td key={op} class={`cell ${changed ? 'changed' : ''} ${v === 'INHERIT' ? 'inherit' : `lvl-${v || 'none'}`}`}>
        <select aria-label={`${label} — ${w(`op.${op}`)}: ${title}`} title={title} value={v} data-cell={k}
          onChange={(ev) => { const nv = ev.currentTarget.value; setCells((c) => ({ ...c, [k]: nv })); }}>
          {canInherit && <option value="INHERIT">{w('short.inherit', { level: short(inherited(e, op, stage)) })}</option>}
          {levels.map((l) => <option key={l} value={l}>{short(l)}</option>)}
        </select>
      </td>
    );
  };

  return (
    <div class="rights role-editor">
      <div class="role-head">
        <a href="#/settings/rights" class="btn btn-sm btn-ghost" onClick={async (e) => {
          if (!dirty) return;
          e.preventDefault(); // unsaved cells: ask first
          if (await confirm({ title: w('leaveTitle'), text: w('leave'), ok: w('leaveOk'), danger: true })) go(['settings', 'rights']);
        }}>← {w('back')}</a>
        <label class="role-name-field">
          <span class="sr-only">{w('roleName')}</span>
          <input value={name} aria-label={w('roleName')} name="role-name" onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label class="check" title={w('allowSettingsHint')}>
          <input type="checkbox" name="role-settings" checked={settings} onChange={(e) => setSettings(e.currentTarget.checked)} />
          {w('allowSettings')}
        </label>
        <span class="grow" />
        {changes.length > 0 && <span class="muted small" role="status">{w('changed', { n: changes.length })}</span>}
        <button class="btn btn-primary" data-action="save-role" disabled={!dirty || busy} onClick={save}>{t('save')}</button>
        <button class="btn" disabled={!dirty || busy} onClick={revert}>{t('cancel')}</button>
      </div>
      <Refusal error={error} onClose={() => setError(null)} />
      <p class="matrix-legend muted small">
        {w('legend')}: {LEVELS.map((l, i) => <span key={l}>{i > 0 && ' → '}<b>{w(`short.${l}`)}</b>{w(`short.${l}`) !== w(`lvl.${l}`) && ` (${w(`lvl.${l}`)})`}</span>)}. {w('legend.inherit')}
      </p>
      <div class="table-wrap matrix-wrap">
        <table class="grid matrix">
          <thead>
            <tr><th scope="col">{w('entity')}</th>{OPS.map((op) => <th key={op} scope="col">{w(`op.${op}`)}</th>)}</tr>
          </thead>
          <tbody>
            {entities.map((e) => {
              const list = stageList(e);
              const stages = list ? stageRows(role.PERMS[e], list) : [];
              const isOpen = open.has(e);
              const label = entityLabel(e);
              return [
                <tr key={e} class={`ent-row ent-${e.replace(/\d+$/, '')}`} data-entity={e}>
                  <th scope="row"><div class="ent-cell">
                    {stages.length > 0 ? (
                      <button class="expand" aria-expanded={isOpen} aria-controls={`stages-${e}`} data-expand={e}
                        aria-label={w(isOpen ? 'collapse' : 'expand', { name: label })} onClick={() => toggleOpen(e)}>
                        <span aria-hidden="true">{isOpen ? '▾' : '▸'}</span>
                      </button>
                    ) : <span class="expand-gap" />}
                    <span>{label}</span>
                  </div></th>
                  {OPS.map((op) => cell(e, op, '-', label))}
                </tr>,
                ...(isOpen ? stages.map((s, i) => (
                  <tr key={`${e}:${s.id}`} class="stage-row" data-entity={e} data-stage={s.id} id={i === 0 ? `stages-${e}` : undefined}>
                    <th scope="row"><div class="ent-cell"><span class="stage-dot" style={{ background: s.color }} />{s.name}<span class="sr-only"> ({w('stage')})</span></div></th>
                    {OPS.map((op) => cell(e, op, s.id, `${label}: ${s.name}`))}
                  </tr>
                )) : []),
              ];
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

// The stage rows of an entity: the reference list's order and names, then any stage the role
// names that the list does not have (yet).
function stageRows(perms, list) {
  const known = statusList(list).map((s) => ({ id: s.STATUS_ID, name: s.NAME, color: s.COLOR || '#c6cdd3' }));
  const ids = new Set();
  for (const cells of Object.values(perms || {})) for (const c of Object.keys(cells || {})) if (c !== '-') ids.add(c);
  const out = known.filter((s) => ids.has(s.id));
  for (const id of ids) if (!out.find((s) => s.id === id)) out.push({ id, name: id, color: '#c6cdd3' });
  return out;
}
