"""test_crm_rights.py — the generated matrix test of CRM access rights (issue 5, item 7) against
the real binary, everything through the REST API and the export download.

A department tree three levels deep is built (the company → two divisions → two teams each), with
a head and members in each department, a head who is a member of the division above the team he
heads, a user in two teams and a user in no department; every user gets a webhook and owns leads,
deals in two pipelines and several stages, contacts and companies, some OPENED=Y and some N, with
known OPPORTUNITY sums. The expected rights are computed here, in Python, from the tree alone (the
model of docs/API.md "CRM access rights": levels A/D/F/O/X, stages inheriting their pipeline, a
pipeline the role's DEAL row, the maximum over roles resolved role by role, access codes AU, U, D,
DR), and compared with what every path answers:

  crm.X.list (IDs and `total`, paged by `start`, and keyset pages with start=-1), crm.item.list,
  crm.X.get / crm.item.get (allowed, or "Access denied."), crm.X.update / crm.item.update,
  crm.X.delete / crm.item.delete, crm.X.add, the same inside `batch`, voronka.crm.kanban.headers
  (counts and sums per column), voronka.crm.funnel.get (per stage and totals, with and without a
  filter), voronka.crm.search, the CSV export (GET /crm/export/{user}/{secret}/X.csv) and
  voronka.crm.lead.convert.

Tests: every level × every viewer × every path; per-stage cells above and below their pipeline
(reading, adding, and moves to a stage or pipeline without the edit right); several roles
(generated matrices, and the default «Менеджер» through AU: the maximum per cell); D vs DR
assignments; hidden items guessed by ID, filtered, ordered, summed and searched for; search behind
many hidden hits; conversion of a hidden or read-only lead; import (IMPORT and ADD); stage history
and field history of hidden items. The model checks itself against the administrator's view after
the moves, so a wrong answer is reported once and does not cascade.

Two server bugs this test found (fixed): a pipeline move answered 403 after committing it, and
search dropped hidden matches only after taking the best 50.

Run:  VORONKA_BIN=$PWD/build-rmx/voronka python3 tests/api/test_crm_rights.py
"""
import base64, csv, http.client, io, os, random, re, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, test, run, check, voronka, php_encode  # noqa: E402

srv = Server()

LV = ["", "A", "D", "F", "O", "X"]            # none … all, in their order
RANK = {lv: i for i, lv in enumerate(LV)}
OPS = ["READ", "ADD", "WRITE", "DELETE", "EXPORT", "IMPORT"]
LEAD, DEAL, CONTACT, COMPANY = 1, 2, 3, 4
TYPES = (LEAD, DEAL, CONTACT, COMPANY)
NAME = {LEAD: "lead", DEAL: "deal", CONTACT: "contact", COMPANY: "company"}
LEAD_STAGES = ["NEW", "IN_PROCESS", "PROCESSED", "CONVERTED", "JUNK"]
DEAL_STAGES = ["NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE", "WON", "LOSE", "APOLOGY"]
DENIED = "Access denied."


# ---- transport: one keep-alive connection per webhook ----------------------------------------

_conns = {}


def call(base, method, params=None):
    """(status, envelope) of a REST call through the webhook whose path prefix is base."""
    for attempt in (0, 1):
        c = _conns.get(base)
        if c is None:
            c = _conns[base] = srv.conn()
        try:
            return srv.call(method, params or {}, path=base + method, conn=c)
        except (http.client.HTTPException, OSError):
            c.close()
            _conns.pop(base, None)
            if attempt:
                raise


def ok(base, method, params=None):
    st, body = call(base, method, params)
    check(st == 200 and "result" in body, method, params, st, body)
    return body


def admin(method, params=None):
    return ok(srv.base, method, params)["result"]


def batch(base, cmds):
    """Run {key: (method, params)} in batches of 50 (halt=0): (results, errors) merged."""
    res, err, keys = {}, {}, list(cmds)
    for i in range(0, len(keys), 50):
        cmd = {k: cmds[k][0] + "?" + php_encode(cmds[k][1]) for k in keys[i:i + 50]}
        b = ok(base, "batch", {"halt": 0, "cmd": cmd})["result"]
        res.update(b["result"] or {})
        err.update(b["result_error"] or {})
    return res, err


def denied(st, body, legacy):
    """Bitrix24's refusal: legacy methods HTTP 400 "error":"", crm.item.* 403 ACCESS_DENIED."""
    if legacy:
        return st == 400 and body.get("error") == "" and body.get("error_description") == DENIED
    return st == 403 and body.get("error") == "ACCESS_DENIED"


class Diff:
    """Collects mismatches so a failing test lists all of them (the first 25) at once."""

    def __init__(self):
        self.bad = []

    def eq(self, got, want, *what):
        if got != want:
            self.bad.append(f"{' '.join(str(w) for w in what)}: got {_short(got)} want {_short(want)}")

    def ids(self, got, want, *what):
        got, want = set(got), set(want)
        if got != want:
            self.bad.append(f"{' '.join(str(w) for w in what)}: leaked {sorted(got - want)[:12]} "
                            f"missing {sorted(want - got)[:12]}")

    def true(self, cond, *what):
        if not cond:
            self.bad.append(" ".join(_short(w) if not isinstance(w, str) else w for w in what))

    def done(self):
        check(not self.bad, f"{len(self.bad)} mismatches:\n  " + "\n  ".join(self.bad[:25]))


def _short(v):
    s = repr(v)
    return s if len(s) < 300 else s[:300] + "…"


# ---- the world: tree, users, webhooks, items -------------------------------------------------

class User:
    def __init__(self, name, uid, depts, base):
        self.name, self.id, self.depts, self.base = name, uid, set(depts), base
        m = re.match(r"/rest/(\d+)/([A-Za-z0-9]+)/", base)
        self.hook = (m.group(1), m.group(2))


class World:
    pass


W = None
ROOT = 1  # the company: the root department init makes (the administrator is its member)

# department key → parent key; users: name → (departments, heads)
TREE = {"A": "root", "B": "root", "A1": "A", "A2": "A", "B1": "B", "B2": "B"}
PEOPLE = [  # name, member of, head of
    ("ceo", ["root"], ["root"]),
    ("hA", ["A"], ["A"]), ("mA", ["A"], []),
    ("hB", ["B"], ["B"]), ("mB", ["B"], []),
    ("hA1", ["A1"], ["A1"]), ("mA1", ["A1"], []),
    ("hA2", ["A2"], ["A2"]), ("mA2", ["A2"], []),
    ("hB1", ["B1"], ["B1"]), ("mB1", ["B1"], []),
    ("hB2", ["B"], ["B2"]),   # heads team B2 while a member of the division above it
    ("mB2", ["B2"], []),
    ("dual", ["A2", "B1"], []),  # in two teams of two divisions
    ("lone", [], []),            # in no department
]
VIEWERS = ["ceo", "hA", "mA1", "hB2", "dual", "lone"]


def world():
    global W
    if W is None:
        W = build_world()
    return W


def hook_for(uid):
    out = voronka("webhook", "add", "--data", srv.data, "--user", str(uid), "--scope", "crm,user,department").stdout
    m = re.search(r"(/rest/\d+/[A-Za-z0-9]+/)", out)
    check(m, out)
    return m.group(1)


def build_world():
    w = World()
    w.dept = {"root": ROOT}
    for key, parent in TREE.items():  # parents first: the dict is in tree order
        w.dept[key] = admin("department.add", {"NAME": f"Отдел {key}", "PARENT": w.dept[parent]})
    w.parent = {w.dept[k]: w.dept[p] for k, p in TREE.items()}
    w.users = {"admin": User("admin", 1, [ROOT], srv.base)}
    w.head = {}
    for name, member_of, heads in PEOPLE:
        uid = admin("user.add", {"EMAIL": f"{name.lower()}@rights.example", "NAME": name,
                                 "UF_DEPARTMENT": [w.dept[d] for d in member_of]})
        if not member_of:  # a new user lands in the company: take them out of it
            admin("user.update", {"ID": uid, "UF_DEPARTMENT": []})
        w.users[name] = User(name, uid, [w.dept[d] for d in member_of], hook_for(uid))
        for d in heads:
            admin("department.update", {"ID": w.dept[d], "UF_HEAD": uid})
            w.head[w.dept[d]] = uid
    w.by_id = {u.id: u for u in w.users.values()}
    # what the server says of the tree is what the model holds
    deps = {int(d["ID"]): d for d in admin("department.get")}
    for did, parent in w.parent.items():
        check(int(deps[did]["PARENT"]) == parent, deps[did])
    for did, head in w.head.items():
        check(int(deps[did]["UF_HEAD"]) == head, deps[did])
    w.cat = admin("crm.category.add", {"entityTypeId": 2, "fields": {"name": "Проекты"}})["category"]["id"]
    w.stages = {("LEAD", 0): LEAD_STAGES, (DEAL, 0): DEAL_STAGES,
                (DEAL, w.cat): [f"C{w.cat}:{s}" for s in DEAL_STAGES]}
    # items: every user (the administrator too) owns some of each type
    plan = []
    for k, u in enumerate(sorted(w.users.values(), key=lambda u: u.id)):
        for j, st in enumerate(["NEW", "IN_PROCESS", "JUNK"]):
            plan.append((LEAD, u.id, (k + j) % 2 == 0, st, 0))
        for j, (cat, st) in enumerate([(0, "NEW"), (0, "EXECUTING"), (0, "WON"),
                                       (w.cat, f"C{w.cat}:NEW"), (w.cat, f"C{w.cat}:WON")]):
            plan.append((DEAL, u.id, (k + j) % 2 == 1, st, cat))
        for j in range(2):
            plan.append((CONTACT, u.id, (k + j) % 2 == 0, None, 0))
            plan.append((COMPANY, u.id, (k + j) % 2 == 1, None, 0))
    w.items = {}
    cmds, meta = {}, {}
    for n, (t, owner, opened, stage, cat) in enumerate(plan):
        tok = f"ow{owner:03d} tt{n:04d}"
        f = {"ASSIGNED_BY_ID": owner, "OPENED": "Y" if opened else "N"}
        opp = 0
        if t in (LEAD, DEAL):
            opp = 1000 + 37 * n
            f.update(TITLE=f"{tok} rmxall", OPPORTUNITY=opp, CURRENCY_ID="RUB")
            f["STATUS_ID" if t == LEAD else "STAGE_ID"] = stage
            if t == DEAL:
                f["CATEGORY_ID"] = cat
        elif t == CONTACT:
            f.update(NAME=f"ow{owner:03d}", LAST_NAME=f"tt{n:04d}", POST="rmxall",
                     PHONE=[{"VALUE": f"+7 900 5{n:06d}", "VALUE_TYPE": "WORK"}])
        else:
            f.update(TITLE=f"{tok} rmxall")
        cmds[f"i{n}"] = (f"crm.{NAME[t]}.add", {"fields": f})
        meta[f"i{n}"] = dict(t=t, owner=owner, opened=opened, stage=stage, cat=cat, opp=opp, n=n,
                             title=f"{tok} rmxall" if t != CONTACT else None)
    res, err = batch(srv.base, cmds)
    check(not err, err)
    for key, m in meta.items():
        m["id"] = int(res[key])
        w.items[(m["t"], m["id"])] = m
    w.roles = []  # ids of the roles this test made and still holds
    return w


# ---- the model: what the tree and the roles say ---------------------------------------------

def items_of(t):
    return [m for (tt, _), m in W.items.items() if tt == t]


def entity_of(m):
    return {LEAD: "LEAD", CONTACT: "CONTACT", COMPANY: "COMPANY"}.get(m["t"]) or f"DEAL_C{m['cat']}"


def codes_of(uid):
    u = W.by_id[uid]
    cs = {"AU", f"U{uid}"}
    for d in u.depts:
        cs.add(f"D{d}")
        while d:
            cs.add(f"DR{d}")
            d = W.parent.get(d)
    return cs


def subtree(ds):
    out, todo = set(ds), list(ds)
    while todo:
        d = todo.pop()
        for c, p in W.parent.items():
            if p == d and c not in out:
                out.add(c)
                todo.append(c)
    return out


def dept_users(uid, with_sub):
    mine = set(W.by_id[uid].depts) | {d for d, h in W.head.items() if h == uid}
    if with_sub:
        mine = subtree(mine)
    return {u.id for u in W.users.values() if u.depts & mine} | {uid}


def covers(level, uid, m):
    owner = m["owner"]
    if level == "X":
        return True
    if level == "O":
        return m["opened"] or owner in dept_users(uid, True)
    if level == "F":
        return owner in dept_users(uid, True)
    if level == "D":
        return owner in dept_users(uid, False)
    if level == "A":
        return owner == uid
    return False


def role_level(role, ent, op, stage):
    """One role's level: the stage's cell, else the entity's, else (a pipeline) the DEAL row."""
    cells = role.get(ent, {}).get(op, {})
    if stage is not None and stage in cells:
        return cells[stage]
    if "-" in cells:
        return cells["-"]
    if ent.startswith("DEAL_C"):
        return role.get("DEAL", {}).get(op, {}).get("-", "")
    return ""


class Rights:
    """The roles in force: [(perms, [access codes])]; the administrator holds everything."""

    def __init__(self, roles):
        self.roles = roles

    def level(self, uid, ent, op, stage=None):
        if uid == 1:
            return "X"
        held = codes_of(uid)
        best = ""
        for perms, codes in self.roles:
            if held & set(codes):
                lv = role_level(perms, ent, op, stage)
                best = lv if RANK[lv] > RANK[best] else best
        return best

    def may(self, uid, op, m, stage=None):
        lv = self.level(uid, entity_of(m), op, m["stage"] if stage is None else stage)
        if op in ("ADD", "IMPORT"):
            return lv != ""
        return covers(lv, uid, m)

    def visible(self, uid, t, op="READ"):
        return {m["id"] for m in items_of(t) if self.may(uid, op, m)}


_role_no = 0


def set_roles(roles, builtin=()):
    """Make the roles (each [(perms, codes)]) the only ones assigned, with the default roles in
    builtin ([(role id, perms as role.get shows them, codes)]); earlier test roles go."""
    global _role_no
    w = world()
    new, assign = [], []
    for rid, perms, codes in builtin:
        assign += [{"ACCESS_CODE": c, "ROLE_ID": rid} for c in codes]
        roles = list(roles) + [(perms, codes)]
    for perms, codes in roles[:len(roles) - len(builtin)]:
        _role_no += 1
        rid = admin("voronka.crm.role.add", {"fields": {"NAME": f"Матрица {_role_no}", "PERMS": perms}})
        new.append(rid)
        assign += [{"ACCESS_CODE": c, "ROLE_ID": rid} for c in codes]
    check(admin("voronka.crm.role.assignments.set", {"ASSIGNMENTS": assign}) is True)
    for rid in w.roles:
        admin("voronka.crm.role.delete", {"ID": rid})
    w.roles = new
    return Rights(roles)


def flat(level, entities=("LEAD", "DEAL", "CONTACT", "COMPANY"), ops=OPS):
    return {e: {op: {"-": level} for op in ops} for e in entities}


# ---- what the API answers --------------------------------------------------------------------

def api_list(base, t, flt=None, order=None):
    """Every page of crm.X.list (start 0, 50, …): (ids in order, total of the first page)."""
    ids, start, total = [], 0, None
    while True:
        b = ok(base, f"crm.{NAME[t]}.list", {"filter": flt or {}, "order": order or {"ID": "ASC"},
                                              "select": ["ID"], "start": start})
        total = b["total"] if total is None else total
        ids += [int(r["ID"]) for r in b["result"]]
        if "next" not in b:
            return ids, total
        start = b["next"]


def api_keyset(base, t, desc=False):
    """crm.X.list with start=-1 (no count), walked by ID."""
    ids, last = [], None
    while True:
        flt = {} if last is None else {("<ID" if desc else ">ID"): last}
        b = ok(base, f"crm.{NAME[t]}.list", {"filter": flt, "order": {"ID": "DESC" if desc else "ASC"},
                                              "select": ["ID"], "start": -1})
        check("total" not in b or b["total"] in (None, -1), b.get("total"))
        got = [int(r["ID"]) for r in b["result"]]
        ids += got
        if len(got) < 50:
            return ids
        last = got[-1]


def api_item_list(base, t, flt=None):
    ids, start, total = [], 0, None
    while True:
        b = ok(base, "crm.item.list", {"entityTypeId": t, "filter": flt or {}, "order": {"id": "ASC"},
                                       "select": ["id"], "start": start})
        total = b["total"] if total is None else total
        ids += [i["id"] for i in b["result"]["items"]]
        if "next" not in b:
            return ids, total
        start = b["next"]


def api_export(u, t, params=None):
    """The CSV download with the user's webhook: (status, ids)."""
    q = php_encode(dict({"select": ["ID"], "order": {"ID": "ASC"}}, **(params or {})))
    st, h, data = srv.request("GET", f"/crm/export/{u.hook[0]}/{u.hook[1]}/{NAME[t]}.csv?{q}")
    if st != 200:
        return st, data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    ids = [int(r[0]) for r in rows[1:] if r]
    check(h.get("x-voronka-rows") == str(len(ids)), h, len(ids))
    return st, ids


def expected_columns(rights, uid, t, cat):
    """{stage: (count, sum)} the kanban shows: the visible items of the pipeline."""
    key = ("LEAD", 0) if t == LEAD else (DEAL, cat)
    cols = {s: [0, 0] for s in W.stages[key]}
    for m in items_of(t):
        if (t == LEAD or m["cat"] == cat) and rights.may(uid, "READ", m):
            cols[m["stage"]][0] += 1
            cols[m["stage"]][1] += m["opp"]
    return cols


def model_matches_server(d, tag):
    """The items as the administrator reads them are the items the model holds."""
    for t in TYPES:
        sel = ["ID", "ASSIGNED_BY_ID", "OPENED"] + {LEAD: ["STATUS_ID", "OPPORTUNITY"],
                                                    DEAL: ["STAGE_ID", "CATEGORY_ID", "OPPORTUNITY"]}.get(t, [])
        rows, start = [], 0
        while start is not None:
            b = ok(srv.base, f"crm.{NAME[t]}.list", {"select": sel, "order": {"ID": "ASC"}, "start": start})
            rows += b["result"]
            start = b.get("next")
        got = {int(r["ID"]): (int(r["ASSIGNED_BY_ID"]), r["OPENED"] == "Y", r.get("STATUS_ID", r.get("STAGE_ID")),
                              int(r.get("CATEGORY_ID") or 0), round(float(r.get("OPPORTUNITY") or 0)))
               for r in rows}
        want = {m["id"]: (m["owner"], m["opened"], m["stage"], m["cat"], m["opp"]) for m in items_of(t)}
        for iid in sorted(set(got) | set(want)):
            d.eq(got.get(iid), want.get(iid), tag, "server vs model", NAME[t], iid)


def pipelines():
    return [(LEAD, 0), (DEAL, 0), (DEAL, W.cat)]


def check_kanban_and_funnel(d, rights, u, tag):
    for t, cat in pipelines():
        want = expected_columns(rights, u.id, t, cat)
        hdr = ok(u.base, "voronka.crm.kanban.headers", {"entityTypeId": t, "categoryId": cat})["result"]
        d.eq({h["STATUS_ID"]: [h["count"], round(h["sum"])] for h in hdr}, want, tag, u.name, "kanban", t, cat)
        fu = ok(u.base, "voronka.crm.funnel.get", {"entityTypeId": t, "categoryId": cat})["result"]
        d.eq({s["STATUS_ID"]: [s["count"], round(s["sum"])] for s in fu["stages"]}, want, tag, u.name, "funnel", t, cat)
        d.eq([fu["total"]["count"], round(fu["total"]["sum"])],
             [sum(c for c, _ in want.values()), sum(s for _, s in want.values())], tag, u.name, "funnel total", t, cat)


def check_lists(d, rights, u, t, tag, keyset=False):
    want = sorted(rights.visible(u.id, t))
    ids, total = api_list(u.base, t)
    d.eq(ids, want, tag, u.name, NAME[t], "list ids")
    d.eq(total, len(want), tag, u.name, NAME[t], "list total")
    ids, total = api_item_list(u.base, t)
    d.eq(ids, want, tag, u.name, NAME[t], "crm.item.list ids")
    d.eq(total, len(want), tag, u.name, NAME[t], "crm.item.list total")
    if keyset:
        d.eq(api_keyset(u.base, t), want, tag, u.name, NAME[t], "start=-1 ascending")
        d.eq(api_keyset(u.base, t, desc=True), want[::-1], tag, u.name, NAME[t], "start=-1 descending")
    # the first page inside batch: the same rows and total
    res, err = batch(u.base, {"l": (f"crm.{NAME[t]}.list", {"select": ["ID"], "order": {"ID": "ASC"}})})
    d.eq([int(r["ID"]) for r in res.get("l", [])], want[:50], tag, u.name, NAME[t], "batch list page", err)
    st, got = api_export(u, t)
    wexp = sorted({m["id"] for m in items_of(t) if rights.may(u.id, "EXPORT", m) and rights.may(u.id, "READ", m)})
    d.eq((st, got), (200, wexp), tag, u.name, NAME[t], "export csv")
    if t == DEAL:  # the same file through the REST method
        b = ok(u.base, "voronka.crm.export", {"entityTypeId": t, "select": ["ID"], "order": {"ID": "ASC"}})["result"]
        rows = list(csv.reader(io.StringIO(base64.b64decode(b["content"]).decode("utf-8-sig")), delimiter=";"))
        d.eq(([int(r[0]) for r in rows[1:] if r], b["rows"]), (wexp, len(wexp)), tag, u.name, "voronka.crm.export")


def check_gets(d, rights, u, t, tag):
    """Every item by crm.X.get inside batch; one visible and one hidden directly, both dialects."""
    its = items_of(t)
    res, err = batch(u.base, {f"g{m['id']}": (f"crm.{NAME[t]}.get", {"id": m["id"]}) for m in its})
    want = rights.visible(u.id, t)
    d.ids([int(k[1:]) for k in res], want, tag, u.name, NAME[t], "batch get allowed")
    d.true(all(e.get("error_description") == DENIED for e in err.values()), tag, u.name, "batch get refusal", err)
    for m in its:
        if m["id"] in res:
            d.eq(int(res[f"g{m['id']}"]["ASSIGNED_BY_ID"]), m["owner"], tag, "batch get owner", m["id"])
    hidden = [m["id"] for m in its if m["id"] not in want]
    shown = sorted(want)
    for iid in hidden[:1] + shown[:1]:
        vis = iid in want
        st, b = call(u.base, f"crm.{NAME[t]}.get", {"id": iid})
        d.true((st == 200 and int(b["result"]["ID"]) == iid) if vis else denied(st, b, True),
               tag, u.name, f"crm.{NAME[t]}.get", iid, "visible" if vis else "hidden", st, b)
        st, b = call(u.base, "crm.item.get", {"entityTypeId": t, "id": iid})
        d.true((st == 200 and b["result"]["item"]["id"] == iid) if vis else denied(st, b, False),
               tag, u.name, "crm.item.get", t, iid, st, b)


def check_writes(d, rights, u, t, tag, salt):
    """crm.X.update of one item per owner in batch; a hidden one refused by both dialects; deletes
    of items the user may not delete refused (a wrong success is noted and the model follows)."""
    its = items_of(t)
    per_owner = {}
    for m in its:
        per_owner.setdefault(m["owner"], m)
    sample = list(per_owner.values())
    res, err = batch(u.base, {f"u{m['id']}": (f"crm.{NAME[t]}.update",
                                               {"id": m["id"], "fields": {"COMMENTS": f"{tag} {salt}"}})
                              for m in sample})
    want = {m["id"] for m in sample if rights.may(u.id, "WRITE", m)}
    d.ids([int(k[1:]) for k in res], want, tag, u.name, NAME[t], "batch update allowed")
    d.true(all(e.get("error_description") == DENIED for e in err.values()), tag, "batch update refusal", err)
    no_write = [m for m in sample if not rights.may(u.id, "WRITE", m)]
    if no_write:
        m = no_write[0]
        st, b = call(u.base, f"crm.{NAME[t]}.update", {"id": m["id"], "fields": {"COMMENTS": "x"}})
        d.true(denied(st, b, True), tag, u.name, f"crm.{NAME[t]}.update hidden", m["id"], st, b)
        st, b = call(u.base, "crm.item.update", {"entityTypeId": t, "id": m["id"], "fields": {"comments": "x"}})
        d.true(denied(st, b, False), tag, u.name, "crm.item.update hidden", m["id"], st, b)
    no_del = [m for m in sample if not rights.may(u.id, "DELETE", m)]
    if no_del:
        st, b = call(u.base, "crm.item.delete", {"entityTypeId": t, "id": no_del[0]["id"]})
        d.true(denied(st, b, False), tag, u.name, "crm.item.delete refused", no_del[0]["id"], st, b)
        res, err = batch(u.base, {f"d{m['id']}": (f"crm.{NAME[t]}.delete", {"id": m["id"]}) for m in no_del})
        for k in res:  # deleted although it should not have been: the model follows the server
            d.true(False, tag, u.name, f"crm.{NAME[t]}.delete allowed where refused", k)
            W.items.pop((t, int(k[1:])), None)
        d.true(all(e.get("error_description") == DENIED for e in err.values()), tag, "batch delete refusal", err)


def plain_fields(t, owner, label):
    """A closed item of type t without the test's search words."""
    f = {"ASSIGNED_BY_ID": owner, "OPENED": "N"}
    f.update({"NAME": label} if t == CONTACT else {"TITLE": label})
    return f


def check_add_and_delete(d, rights, u, tag):
    """The user adds one item of each type (ADD: any level but none) and deletes throwaway items
    the administrator made for owners inside and outside the user's reach."""
    owners = sorted(W.by_id)
    made, cmds = {}, {}
    for t in TYPES:
        for pos, owner in enumerate((u.id, owners[(owners.index(u.id) + 5) % len(owners)], 1)):
            cmds[f"s{t}_{pos}"] = (f"crm.{NAME[t]}.add", {"fields": plain_fields(t, owner, "throwaway")})
    res, err = batch(srv.base, cmds)
    check(not err, err)
    for key, iid in res.items():
        t, pos = int(key[1]), int(key[3])
        owner = cmds[key][1]["fields"]["ASSIGNED_BY_ID"]
        stage = {LEAD: "NEW", DEAL: "NEW"}.get(t)
        made[key] = dict(t=t, id=int(iid), owner=owner, opened=False, stage=stage, cat=0, opp=0)
    mine = {}
    for t in TYPES:
        mine[f"a{t}"] = (f"crm.{NAME[t]}.add", {"fields": plain_fields(t, u.id, "mine")})
    mine.update({f"d{k}": (f"crm.{NAME[m['t']]}.delete", {"id": m["id"]}) for k, m in made.items()})
    res, err = batch(u.base, mine)
    cleanup = {}
    for t in TYPES:
        may_add = rights.level(u.id, {LEAD: "LEAD", DEAL: "DEAL_C0"}.get(t, NAME[t].upper()), "ADD", "NEW"
                               if t in (LEAD, DEAL) else None) != ""
        d.eq(f"a{t}" in res, may_add, tag, u.name, f"crm.{NAME[t]}.add allowed")
        if f"a{t}" in res:
            cleanup[f"x{t}"] = (f"crm.{NAME[t]}.delete", {"id": res[f"a{t}"]})
        else:
            d.eq(err.get(f"a{t}", {}).get("error_description"), DENIED, tag, u.name, f"crm.{NAME[t]}.add refusal")
    for k, m in made.items():
        want = rights.may(u.id, "DELETE", m)
        d.eq(f"d{k}" in res, want, tag, u.name, f"crm.{NAME[m['t']]}.delete of owner {m['owner']}")
        if f"d{k}" not in res:
            cleanup[f"y{k}"] = (f"crm.{NAME[m['t']]}.delete", {"id": m["id"]})
    res, err = batch(srv.base, cleanup)
    check(not err, err)


def check_search(d, rights, u, tag):
    """Each owner's items are found by the owner's token: exactly the visible ones."""
    for owner in sorted(W.by_id):
        hits = ok(u.base, "voronka.crm.search", {"query": f"ow{owner:03d}", "limit": 50})["result"]
        want = {(t, iid) for (t, iid), m in W.items.items() if m["owner"] == owner and rights.may(u.id, "READ", m)}
        got = {(h["entityTypeId"], h["id"]) for h in hits}
        d.eq(sorted(got - want), [], tag, u.name, "search leaked, owner", owner)
        d.eq(sorted(want - got), [], tag, u.name, "search missed, owner", owner)


# ---- the tests -------------------------------------------------------------------------------

@test
def tree_users_and_items():
    w = world()
    check(len(w.users) == len(PEOPLE) + 1 and len(set(u.id for u in w.users.values())) == len(w.users))
    for name, member_of, _ in PEOPLE:
        got = admin("user.get", {"ID": w.users[name].id})[0]["UF_DEPARTMENT"]
        check(sorted(got) == sorted(w.dept[d] for d in member_of), name, got)
    # the administrator sees every item the test made, with the sums the model holds
    for t in TYPES:
        ids, total = api_list(srv.base, t)
        check(set(ids) >= {m["id"] for m in items_of(t)} and total == len(ids), t, total)
    fu = admin("voronka.crm.funnel.get", {"entityTypeId": 2, "categoryId": 0})
    check(round(fu["total"]["sum"]) == sum(m["opp"] for m in items_of(DEAL) if m["cat"] == 0), fu["total"])


@test
def every_level_every_viewer_every_path():
    """One role holding level L on every operation of leads, deals (the DEAL row: both
    pipelines inherit it), contacts and companies, assigned to each viewer by U{id} (and no
    other role: the default AU → Manager assignment is removed)."""
    world()
    d = Diff()
    # the tree makes every level differ: A ⊂ D ⊂ F ⊂ O ⊂ X for a division head
    sizes = [len(Rights([(flat(lv), ["AU"])]).visible(W.users["hA"].id, DEAL)) for lv in LV]
    check(sizes == sorted(set(sizes)) and sizes[0] == 0 and sizes[-1] == len(items_of(DEAL)), sizes)
    for li, level in enumerate(LV):
        rights = set_roles([(flat(level), [f"U{W.users[v].id}" for v in VIEWERS])])
        tag = f"[{level or 'none'}]"
        for vi, v in enumerate(VIEWERS):
            u = W.users[v]
            for t in TYPES:
                check_lists(d, rights, u, t, tag, keyset=(t == DEAL and vi % 2 == li % 2))
                check_gets(d, rights, u, t, tag)
                check_writes(d, rights, u, t, tag, f"{li}{vi}")
            check_kanban_and_funnel(d, rights, u, tag)
            check_add_and_delete(d, rights, u, tag)
            check_search(d, rights, u, tag)
    d.done()


def stage_matrix(i):
    """Round i of the per-stage test: a pipeline level and stages set above and below it, for
    reading and (shifted) for writing; the second pipeline inherits the DEAL row except for one
    stage; leads have a level and one stage of their own."""
    c = W.cat
    p0, p1 = LV[(i + 3) % 6], LV[(i + 1) % 6]

    def cells(shift):
        return {"-": LV[(i + shift) % 6], "WON": LV[(i + shift + 2) % 6], "NEW": LV[(i + shift + 4) % 6]}

    perms = {"DEAL": {op: {"-": p1} for op in OPS},
             "DEAL_C0": {"READ": cells(3), "EXPORT": cells(3), "WRITE": cells(5), "ADD": cells(1)},
             f"DEAL_C{c}": {"READ": {f"C{c}:WON": LV[(i + 4) % 6]}, "WRITE": {f"C{c}:NEW": LV[(i + 2) % 6]}},
             "LEAD": {"READ": {"-": p0, "JUNK": LV[(i + 5) % 6]}, "WRITE": {"-": p0, "IN_PROCESS": LV[i % 6]}}}
    return perms


@test
def per_stage_cells_and_moves():
    """Stages with their own level above or below their pipeline's (and stages that inherit);
    what is read, counted and summed follows the stage; moving a deal needs WRITE at the stage
    it leaves and at the one it goes to."""
    world()
    d = Diff()
    viewers = ["hA", "mA1", "hB2", "dual"]
    outcomes = set()
    for i in range(6):
        perms = stage_matrix(i)
        rights = set_roles([(perms, [f"U{W.users[v].id}" for v in viewers])])
        tag = f"[stage round {i}]"
        for v in viewers:
            u = W.users[v]
            for t in (LEAD, DEAL):
                want = sorted(rights.visible(u.id, t))
                ids, total = api_list(u.base, t)
                d.eq((ids, total), (want, len(want)), tag, v, NAME[t], "list")
                check_gets(d, rights, u, t, tag)
                st, got = api_export(u, t)
                wexp = sorted(m["id"] for m in items_of(t) if rights.may(u.id, "EXPORT", m) and
                              rights.may(u.id, "READ", m))
                d.eq((st, got), (200, wexp), tag, v, NAME[t], "export")
            for cat in (0, W.cat):  # one pipeline's list
                want = sorted(m["id"] for m in items_of(DEAL) if m["cat"] == cat and rights.may(u.id, "READ", m))
                ids, total = api_list(u.base, DEAL, {"CATEGORY_ID": cat})
                d.eq((ids, total), (want, len(want)), tag, v, "deals of pipeline", cat)
            check_kanban_and_funnel(d, rights, u, tag)
        # moves: the viewers try each of their writable deals towards a stage of the pipeline
        for k, v in enumerate(viewers):
            u = W.users[v]
            for j, m in enumerate(sorted(items_of(DEAL), key=lambda m: m["id"])):
                if (j + k + i) % 3 or not rights.may(u.id, "READ", m):
                    continue
                stages = W.stages[(DEAL, m["cat"])]
                target = stages[(j * 5 + i) % len(stages)]
                if target == m["stage"]:
                    continue
                want = rights.may(u.id, "WRITE", m) and rights.may(u.id, "WRITE", m, stage=target)
                outcomes.add(want)
                st, b = call(u.base, "crm.deal.update", {"id": m["id"], "fields": {"STAGE_ID": target}})
                d.true((st == 200 and b.get("result") is True) if want else denied(st, b, True),
                       tag, v, "move deal", m["id"], m["stage"], "→", target, "expected",
                       "allowed" if want else "refused", st, b)
                if st == 200:
                    m["stage"] = target
                now = admin("crm.deal.get", {"id": m["id"]})["STAGE_ID"]
                d.eq(now, m["stage"], tag, "deal stage after the move", m["id"])
        # adding a deal into each stage of the default pipeline: ADD at that stage
        for v in viewers[:2]:
            u = W.users[v]
            res, err = batch(u.base, {f"a{k}": ("crm.deal.add", {"fields": {"TITLE": "throwaway", "STAGE_ID": st,
                                                                            "ASSIGNED_BY_ID": u.id}})
                                      for k, st in enumerate(DEAL_STAGES)})
            for k, st in enumerate(DEAL_STAGES):
                want = rights.level(u.id, "DEAL_C0", "ADD", st) != ""
                d.eq(f"a{k}" in res, want, tag, v, "add a deal at stage", st)
                if f"a{k}" not in res:
                    d.eq(err.get(f"a{k}", {}).get("error_description"), DENIED, tag, v, "add refused at", st)
            res, err = batch(srv.base, {k: ("crm.deal.delete", {"id": iid}) for k, iid in res.items()})
            check(not err, err)
        # a deal moved to the other pipeline needs WRITE there (crm.item.update categoryId)
        u = W.users["hA"]
        for m in [m for m in items_of(DEAL) if m["owner"] == u.id][:2]:
            to = W.cat if m["cat"] == 0 else 0
            tstage = W.stages[(DEAL, to)][0]
            want = (rights.may(u.id, "WRITE", m) and
                    rights.may(u.id, "WRITE", dict(m, cat=to), stage=tstage))
            st, b = call(u.base, "crm.item.update", {"entityTypeId": 2, "id": m["id"], "fields": {"categoryId": to}})
            # the target pipeline's first stage may give WRITE but not READ: the move is answered
            # with the item as written, not refused after the commit
            d.true((st == 200) if want else denied(st, b, False), tag, "pipeline move", m["id"], m["cat"], "→", to,
                   "expected", "allowed" if want else "refused", st, b)
            got = admin("crm.deal.get", {"id": m["id"]})
            d.eq((int(got["CATEGORY_ID"]), st == 200), (to, True) if want else (m["cat"], False), tag,
                 "pipeline move: the deal's pipeline after the answer", m["id"], st)
            m["cat"], m["stage"] = int(got["CATEGORY_ID"]), got["STAGE_ID"]  # the model follows the server
        model_matches_server(d, tag)
    check(outcomes == {True, False}, "moves both allowed and refused were tried", outcomes)
    d.done()


def random_perms(rng):
    """A role's matrix drawn at random: entity cells, stage cells, pipelines inheriting or not."""
    c = W.cat
    perms = {}
    for ent in ("LEAD", "DEAL", "DEAL_C0", f"DEAL_C{c}", "CONTACT", "COMPANY"):
        stages = {"LEAD": LEAD_STAGES, "DEAL_C0": DEAL_STAGES,
                  f"DEAL_C{c}": [f"C{c}:{s}" for s in DEAL_STAGES]}.get(ent, [])
        ops = {}
        for op in ("READ", "WRITE", "DELETE", "EXPORT", "ADD"):
            cells = {}
            if not ent.startswith("DEAL_C") or rng.random() < 0.5:  # a pipeline may inherit
                cells["-"] = rng.choice(LV)
            for s in stages:
                if rng.random() < 0.25:
                    cells[s] = rng.choice(LV)
            if cells:
                ops[op] = cells
        perms[ent] = ops
    return perms


@test
def several_roles_take_the_maximum_cell_by_cell():
    """Generated matrices: two or three roles held at once through U, D, DR and AU codes; every
    cell is the maximum of what each role resolves to by itself (a role's stage "inherit" never
    borrows another role's stage cell). Checked through rights.get, lists, batch gets, kanban
    headers and updates."""
    world()
    d = Diff()
    rng = random.Random(5)
    dept = W.dept
    holders = [[f"D{dept['A']}", f"U{W.users['lone'].id}"], [f"DR{dept['B']}"], [f"U{W.users['mA1'].id}"],
               [f"DR{dept['A']}"], ["AU"], [f"D{dept['B2']}", f"U{W.users['hB2'].id}"]]
    viewers = ["hA", "mA1", "hB2", "mB2", "dual", "lone"]
    for rnd in range(6):
        n_roles = 2 + rnd % 2
        roles = [(random_perms(rng), holders[(rnd + k * 2) % len(holders)]) for k in range(n_roles)]
        rights = set_roles(roles)
        tag = f"[roles round {rnd}]"
        for v in viewers:
            u = W.users[v]
            # the effective matrix the server shows agrees with the model, cell by cell
            eff = ok(u.base, "voronka.crm.rights.get")["result"]["PERMS"]
            for ent in ("LEAD", "DEAL_C0", f"DEAL_C{W.cat}", "CONTACT", "COMPANY"):
                for op in ("READ", "WRITE", "DELETE", "EXPORT", "ADD"):
                    for stage, lv in eff[ent][op].items():
                        want = rights.level(u.id, ent, op, None if stage == "-" else stage)
                        d.eq(lv, want, tag, v, "rights.get", ent, op, stage)
            for t in TYPES:
                want = sorted(rights.visible(u.id, t))
                ids, total = api_list(u.base, t)
                d.eq((ids, total), (want, len(want)), tag, v, NAME[t], "list")
            check_gets(d, rights, u, DEAL, tag)
            check_writes(d, rights, u, LEAD, tag, rnd)
            for t, cat in pipelines():
                want = expected_columns(rights, u.id, t, cat)
                hdr = ok(u.base, "voronka.crm.kanban.headers", {"entityTypeId": t, "categoryId": cat})["result"]
                d.eq({h["STATUS_ID"]: [h["count"], round(h["sum"])] for h in hdr}, want, tag, v, "kanban", t, cat)
    # the default «Менеджер» through AU (its matrix as the server stores it) with a role of our own
    # on top: a lead stage, a pipeline and contacts raised above its A, leads lowered nowhere
    man = next(r for r in admin("voronka.crm.role.list") if r["CODE"] == "MANAGER")
    stored = admin("voronka.crm.role.get", {"ID": man["ID"]})["PERMS"]
    man_perms = {e: {op: {k: lv for k, lv in cells.items() if lv != "INHERIT"} for op, cells in ops.items()}
                 for e, ops in stored.items()}
    mine = {"LEAD": {"READ": {"-": "", "JUNK": "F"}}, f"DEAL_C{W.cat}": {"READ": {"-": "D"}},
            "CONTACT": {"READ": {"-": "O"}}}
    rights = set_roles([(mine, [f"DR{dept['A']}"])], builtin=[(man["ID"], man_perms, ["AU"])])
    for v in viewers:
        u = W.users[v]
        for t in TYPES:
            want = sorted(rights.visible(u.id, t))
            ids, total = api_list(u.base, t)
            d.eq((ids, total), (want, len(want)), "[Менеджер + own role]", v, NAME[t], "list")
    check(len(rights.visible(W.users["mA1"].id, DEAL)) > len(rights.visible(W.users["lone"].id, DEAL)) > 0)
    d.done()


@test
def department_codes_d_and_dr():
    """A role with X given to D{dept} reaches the department's members only; DR{dept} its
    members and those of every department below; a head who is not a member holds neither.
    Everyone else holds no role at all and sees nothing."""
    world()
    d = Diff()
    dept = W.dept
    codes = [f"D{ROOT}", f"DR{ROOT}", f"D{dept['A']}", f"DR{dept['A']}", f"D{dept['B2']}", f"DR{dept['B']}",
             f"DR{dept['A1']}", f"U{W.users['lone'].id}", "AU"]
    all_deals = sorted(m["id"] for m in items_of(DEAL))
    for code in codes:
        rights = set_roles([(flat("X", ("DEAL",), ("READ",)), [code])])
        for u in W.users.values():
            if u.id == 1:
                continue
            holds = code in codes_of(u.id)
            want = all_deals if holds else []
            ids, total = api_list(u.base, DEAL)
            d.eq(sorted(set(ids) & set(all_deals)), want, code, u.name, "deals")
            d.eq(sorted(rights.visible(u.id, DEAL)), want, "model", code, u.name)
    # the company's head with F, once everyone (the administrator too) is in the tree, reaches
    # every item with a responsible
    admin("user.update", {"ID": W.users["lone"].id, "UF_DEPARTMENT": [dept["B2"]]})
    W.users["lone"].depts = {dept["B2"]}
    try:
        rights = set_roles([(flat("F"), [f"U{W.users['ceo'].id}", f"U{W.users['lone'].id}"])])
        for v in ("ceo", "lone"):
            for t in TYPES:
                want = sorted(rights.visible(W.users[v].id, t))
                ids, total = api_list(W.users[v].base, t)
                d.eq((ids, total), (want, len(want)), "everyone in the tree", v, NAME[t])
        d.eq(len(rights.visible(W.users["ceo"].id, DEAL)), len(items_of(DEAL)), "ceo reaches every deal")
    finally:
        admin("user.update", {"ID": W.users["lone"].id, "UF_DEPARTMENT": []})
        W.users["lone"].depts = set()
    d.done()


@test
def hidden_items_leak_nothing():
    """Guessing IDs, filtering and ordering on fields of hidden items, funnel filters and sums,
    search by a hidden item's title or phone, the export with a filter: nothing of a hidden
    item comes out, and the totals of the visible ones stay what they are."""
    world()
    d = Diff()
    viewers = ["hA", "mA1", "hB2", "lone"]
    for level in ("A", "D", "F", "O"):
        rights = set_roles([(flat(level), [f"U{W.users[v].id}" for v in viewers])])
        for v in viewers:
            u = W.users[v]
            tag = f"[{level}] {v}"
            for t in TYPES:
                its = sorted(items_of(t), key=lambda m: m["id"])
                vis = [m for m in its if rights.may(u.id, "READ", m)]
                hid = [m for m in its if not rights.may(u.id, "READ", m)]
                name = NAME[t]
                for m in hid[:3]:
                    # by ID, by title, by responsible: nothing, and a total of 0
                    ids, total = api_list(u.base, t, {"ID": m["id"]})
                    d.eq((ids, total), ([], 0), tag, name, "filter ID of hidden", m["id"])
                    if m["title"]:
                        ids, total = api_list(u.base, t, {"TITLE": m["title"]})
                        d.eq((ids, total), ([], 0), tag, name, "filter TITLE of hidden", m["id"])
                        ids, total = api_list(u.base, t, {"%TITLE": m["title"].split()[1]})
                        d.eq((ids, total), ([], 0), tag, name, "filter %TITLE of hidden", m["id"])
                    if not any(x["owner"] == m["owner"] for x in vis):
                        ids, total = api_list(u.base, t, {"ASSIGNED_BY_ID": m["owner"]})
                        d.eq((ids, total), ([], 0), tag, name, "filter ASSIGNED_BY_ID of hidden owner", m["owner"])
                    # an OR group cannot widen the rights
                    b = ok(u.base, "crm.item.list", {"entityTypeId": t, "select": ["id"], "filter": {
                        "0": {"logic": "OR", "0": {"id": m["id"]}, "1": {"assignedById": m["owner"]}}}})
                    got = {i["id"] for i in b["result"]["items"]}
                    d.ids(got, {x["id"] for x in vis if x["owner"] == m["owner"]}, tag, name, "OR group", m["id"])
                # a range over a field: only the visible items count
                if t in (LEAD, DEAL):
                    cut = sorted(x["opp"] for x in its)[len(its) // 2]
                    ids, total = api_list(u.base, t, {">=OPPORTUNITY": cut})
                    want = sorted(x["id"] for x in vis if x["opp"] >= cut)
                    d.eq((ids, total), (want, len(want)), tag, name, ">=OPPORTUNITY")
                    # ordering by the amount: the visible ones in that order, nothing else
                    ids, total = api_list(u.base, t, order={"OPPORTUNITY": "DESC"})
                    d.eq(ids, [x["id"] for x in sorted(vis, key=lambda x: (-x["opp"], x["id"]))], tag, name,
                         "order OPPORTUNITY DESC")
                # the export with a filter on hidden items
                if hid:
                    st, got = api_export(u, t, {"filter": {"ID": [m["id"] for m in hid[:5]]}})
                    d.eq((st, got), (200, []), tag, name, "export of hidden ids")
                # the search: a hidden item's own token, a hidden contact's phone
                for m in hid[:2]:
                    hits = ok(u.base, "voronka.crm.search", {"query": f"tt{m['n']:04d}"})["result"]
                    d.eq(hits, [], tag, name, "search by a hidden item's token", m["id"])
                if t == CONTACT and hid:
                    m = hid[0]
                    hits = ok(u.base, "voronka.crm.search", {"query": f"+7 900 5{m['n']:06d}"})["result"]
                    d.eq(hits, [], tag, "search by a hidden contact's phone", m["id"])
            # the funnel filtered by a hidden owner: zero everywhere
            owners_hidden = [o for o in sorted(W.by_id) if not any(rights.may(u.id, "READ", m) for m in items_of(DEAL)
                                                                  if m["owner"] == o)]
            for o in owners_hidden[:2]:
                fu = ok(u.base, "voronka.crm.funnel.get", {"entityTypeId": 2, "categoryId": 0,
                                                           "filter": {"ASSIGNED_BY_ID": o}})["result"]
                d.eq((fu["total"]["count"], fu["total"]["sum"], fu["filtered"]), (0, 0, True), tag, "funnel of owner", o)
            # the funnel filtered by the viewer's own deals and a date: the visible sums
            fu = ok(u.base, "voronka.crm.funnel.get", {"entityTypeId": 2, "categoryId": 0,
                                                       "filter": {"ASSIGNED_BY_ID": sorted(W.by_id),
                                                                  ">=DATE_CREATE": "2000-01-01"}})["result"]
            want = [m for m in items_of(DEAL) if m["cat"] == 0 and rights.may(u.id, "READ", m)]
            d.eq((fu["total"]["count"], round(fu["total"]["sum"])), (len(want), sum(m["opp"] for m in want)),
                 tag, "funnel filtered by every owner")
            # batch: a reference to a hidden item's ID taken from an admin-free list is still refused
            m = next((x for x in items_of(DEAL) if not rights.may(u.id, "READ", x)), None)
            if m:
                res, err = batch(u.base, {"a": ("crm.deal.list", {"filter": {"ID": m["id"]}, "select": ["ID"]}),
                                          "b": ("crm.deal.get", {"id": m["id"]})})
                d.eq(res.get("a"), [], tag, "batch list of a hidden id")
                d.eq(err.get("b", {}).get("error_description"), DENIED, tag, "batch get of a hidden id")
    d.done()


@test
def search_finds_the_visible_behind_many_hidden():
    """A word every item carries (192 items match): a user who may read only their own items
    still gets their best matches, up to the limit, and nothing else (hidden matches are judged
    and skipped, best first, rather than crowding out the user's own)."""
    world()
    d = Diff()
    viewers = ["mA1", "lone", "hB2"]
    rights = set_roles([(flat("A"), [f"U{W.users[v].id}" for v in viewers])])
    for v in viewers:
        u = W.users[v]
        want = {(t, iid) for (t, iid), m in W.items.items() if rights.may(u.id, "READ", m)}
        for limit in (5, 20):
            hits = ok(u.base, "voronka.crm.search", {"query": "rmxall", "limit": limit})["result"]
            got = {(h["entityTypeId"], h["id"]) for h in hits}
            d.eq(sorted(got - want), [], v, "search rmxall leaked, limit", limit)
            d.eq(len(got), min(limit, len(want)), v, "search rmxall hits, limit", limit,
                 f"(the user may read {len(want)} matching items)")
    d.done()


@test
def conversion_needs_the_rights_on_the_lead():
    """voronka.crm.lead.convert of a lead the user may not see is refused and writes nothing; a
    lead the user may read but not edit is refused too; the user's own lead converts."""
    world()
    d = Diff()
    u = W.users["mA1"]
    rights = set_roles([({"LEAD": {"READ": {"-": "D"}, "WRITE": {"-": "A"}, "ADD": {"-": "A"}},
                          "DEAL": {op: {"-": "A"} for op in OPS}, "CONTACT": {op: {"-": "A"} for op in OPS},
                          "COMPANY": {op: {"-": "A"} for op in OPS}}, [f"U{u.id}"])])
    leads = [m for m in items_of(LEAD) if m["stage"] != "CONVERTED"]
    hidden = next(m for m in leads if not rights.may(u.id, "READ", m))
    read_only = next(m for m in leads if rights.may(u.id, "READ", m) and not rights.may(u.id, "WRITE", m))
    own = next(m for m in leads if m["owner"] == u.id and m["stage"] == "NEW")
    before = {t: api_list(srv.base, t)[1] for t in (DEAL, CONTACT, COMPANY)}
    for m, what in ((hidden, "hidden"), (read_only, "read-only")):
        st, b = call(u.base, "voronka.crm.lead.convert", {"id": m["id"], "deal": True, "contact": True})
        d.true(st in (400, 403) and b.get("error_description") == DENIED, "convert", what, "lead", m["id"], st, b)
        d.eq(admin("crm.lead.get", {"id": m["id"]})["STATUS_ID"], m["stage"], "lead status after refused convert")
    d.eq({t: api_list(srv.base, t)[1] for t in (DEAL, CONTACT, COMPANY)}, before, "nothing was made")
    st, b = call(u.base, "voronka.crm.lead.convert", {"id": own["id"], "deal": True})
    d.true(st == 200 and b["result"]["dealId"], "own lead converts", st, b)
    if st == 200:
        own["stage"] = admin("crm.lead.get", {"id": own["id"]})["STATUS_ID"]
        deal = admin("crm.deal.get", {"id": b["result"]["dealId"]})
        d.eq(int(deal["ASSIGNED_BY_ID"]), u.id, "converted deal's responsible")
        admin("crm.deal.delete", {"id": b["result"]["dealId"]})
    d.done()


def wait_import(base, job):
    deadline = time.time() + 20
    while time.time() < deadline:
        s = ok(base, "voronka.crm.import.status", {"jobId": job})["result"]
        if s["state"] == "done":
            return s
        time.sleep(0.05)
    raise AssertionError(f"import {job} did not finish")


@test
def import_needs_the_import_and_add_rights():
    """Rows of an import are added as the user who started it: they need IMPORT and ADD (any
    level but none); without either, no row is added (the start refused, or every row failed
    with "Access denied.")."""
    world()
    d = Diff()
    u = W.users["mA1"]
    for k, (imp, add) in enumerate([("", "X"), ("X", ""), ("A", "A"), ("", "")]):
        set_roles([({"LEAD": {"READ": {"-": "X"}, "IMPORT": {"-": imp}, "ADD": {"-": add}}}, [f"U{u.id}"])])
        tag = f"rmximp{k}"
        text = f"TITLE;NAME\r\n{tag} one;Иван\r\n{tag} two;Пётр\r\n"
        st, b = call(u.base, "voronka.crm.import.start", {"entityTypeId": 1, "csv": text})
        want = imp != "" and add != ""
        if st != 200:
            d.true(not want and denied(st, b, False), "import start", imp, add, st, b)
        else:
            s = wait_import(u.base, b["result"]["jobId"])
            d.eq((s["added"], s["failed"]), (2, 0) if want else (0, 2), "import rows", imp, add, s.get("errors"))
            if not want:
                d.true(all(e["error"] == DENIED for e in s["errors"]), "import row refusals", s["errors"])
        got = admin("crm.lead.list", {"filter": {"%TITLE": tag}, "select": ["ID", "ASSIGNED_BY_ID"]})
        d.eq(len(got), 2 if want else 0, "leads imported", imp, add)
        for r in got:
            admin("crm.lead.delete", {"id": r["ID"]})
    d.done()


@test
def history_of_hidden_items_is_hidden():
    """crm.stagehistory.list shows the stage moves of the items the user may read and no other;
    voronka.crm.history.list of a hidden item is refused."""
    world()
    d = Diff()
    viewers = ["hA", "mA1", "lone"]
    for level in ("A", "D", "F"):
        rights = set_roles([(flat(level), [f"U{W.users[v].id}" for v in viewers])])
        for v in viewers:
            u = W.users[v]
            for t in (LEAD, DEAL):
                owners, start = set(), 0
                while start is not None:
                    b = ok(u.base, "crm.stagehistory.list", {"entityTypeId": t, "start": start,
                                                             "order": {"ID": "ASC"}})
                    owners |= {int(r["OWNER_ID"]) for r in b["result"]["items"]}
                    start = b.get("next")
                known = {m["id"] for m in items_of(t)}
                d.ids(owners & known, rights.visible(u.id, t), f"[{level}]", v, "crm.stagehistory.list", NAME[t])
                hid = sorted(known - rights.visible(u.id, t))
                if hid:
                    st, b = call(u.base, "voronka.crm.history.list", {"entityTypeId": t, "id": hid[0]})
                    d.true(denied(st, b, False) or (st == 200 and b["result"] == []), f"[{level}]", v,
                           "voronka.crm.history.list of hidden", NAME[t], hid[0], st, b)
    d.done()


run()
