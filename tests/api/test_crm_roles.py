"""test_crm_roles.py — CRM access rights over REST (R1–R7, D7, U1) against the real binary:
voronka.crm.role.list/get/add/update/delete, voronka.crm.role.assignments.get/set and
voronka.crm.rights.get. The default roles and their matrices, cells stored and inherited, copying
a role, every validation error, a pipeline created later appearing in every role by itself,
assignments by user / department / department with sub-departments, the maximum over roles, and
refusals for users without the settings right (while an administrator-free user with it may)."""
import os, re, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, test, run, check, voronka  # noqa: E402

srv = Server()
LEAD_STAGES = ["NEW", "IN_PROCESS", "PROCESSED", "CONVERTED", "JUNK"]
DEAL_STAGES = ["NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE", "WON", "LOSE", "APOLOGY"]
OPS = ["READ", "ADD", "WRITE", "DELETE", "EXPORT", "IMPORT"]


def ok(method, params=None, via="json", path=None):
    st, body = srv.call(method, params, via=via, path=path)
    check(st == 200 and "result" in body, method, params, st, body)
    return body["result"]


def fails(method, params, code, status=400, mentions=None, path=None):
    st, body = srv.call(method, params, path=path)
    check(st == status and body.get("error") == code, method, params, st, body)
    if mentions:
        check(mentions in body.get("error_description", ""), "description", mentions, body)
    return body


_users = {}


def member(name):
    """A plain (non-admin) user with a webhook: (user id, path prefix)."""
    if name not in _users:
        uid = ok("user.add", {"EMAIL": f"{name}@example.com", "NAME": name})
        out = voronka("webhook", "add", "--data", srv.data, "--user", str(uid)).stdout
        m = re.search(r"/rest/(\d+)/([A-Za-z0-9]+)/", out)
        check(m, out)
        _users[name] = (uid, f"/rest/{m.group(1)}/{m.group(2)}/")
    return _users[name]


def as_user(name, method, params=None):
    uid, base = member(name)
    return srv.call(method, params, path=base + method)


def roles():
    return {r["CODE"] or r["NAME"]: r for r in ok("voronka.crm.role.list")}


def default_assignments():
    ok("voronka.crm.role.assignments.set", {"ASSIGNMENTS": [{"ACCESS_CODE": "AU", "ROLE_ID": roles()["MANAGER"]["ID"]}]})


@test
def default_roles():
    rs = ok("voronka.crm.role.list")
    check([(r["CODE"], r["NAME"], r["SETTINGS"]) for r in rs] ==
          [("ADMIN", "Администратор", "Y"), ("DIRECTOR", "Директор", "N"), ("HEAD", "Руководитель отдела", "N"),
           ("MANAGER", "Менеджер", "N")], rs)
    check([r["ACCESS_CODES"] for r in rs] == [[], [], [], ["AU"]], rs)
    check(ok("voronka.crm.role.assignments.get") == [{"ACCESS_CODE": "AU", "ROLE_ID": rs[3]["ID"]}])
    man = ok("voronka.crm.role.get", {"ID": rs[3]["ID"]})
    p = man["PERMS"]
    check(list(p)[:3] == ["LEAD", "DEAL", "DEAL_C0"], list(p))
    check(set(p) >= {"CONTACT", "COMPANY", "QUOTE", "INVOICE", "WEBFORM", "ROBOT_LEAD", "ROBOT_DEAL"}, list(p))
    check(list(p["LEAD"]) == OPS and list(p["WEBFORM"]) == ["READ", "WRITE"], p["LEAD"], p["WEBFORM"])
    check(p["LEAD"]["READ"] == dict({"-": "A"}, **{s: "INHERIT" for s in LEAD_STAGES}), p["LEAD"]["READ"])
    check(p["DEAL"]["WRITE"] == {"-": "A"}, p["DEAL"])
    # the default pipeline follows the role's DEAL row: every cell inherits
    check(p["DEAL_C0"]["READ"] == dict({"-": "INHERIT"}, **{s: "INHERIT" for s in DEAL_STAGES}), p["DEAL_C0"])
    check(p["CONTACT"]["DELETE"] == {"-": "A"} and p["WEBFORM"] == {"READ": {"-": "X"}, "WRITE": {"-": ""}}, p)
    head = ok("voronka.crm.role.get", {"id": rs[2]["ID"]})["PERMS"]
    check(head["COMPANY"]["EXPORT"] == {"-": "F"} and head["ROBOT_DEAL"]["WRITE"] == {"-": ""}, head)
    adm = ok("voronka.crm.role.get", {"ID": rs[0]["ID"]})
    check(adm["SETTINGS"] == "Y" and all(adm["PERMS"][e][o]["-"] == "X" for e in ("LEAD", "DEAL", "INVOICE")
                                         for o in OPS), adm)


@test
def add_get_update_delete():
    rid = ok("voronka.crm.role.add", {"fields": {
        "NAME": "Лиды", "SETTINGS": "N",
        "PERMS": {"LEAD": {"READ": {"-": "X"}, "WRITE": {"-": "A", "NEW": "D", "JUNK": ""}},
                  "DEAL_C0": {"READ": {"-": "F", "WON": "X"}},
                  "CONTACT": {"READ": "O"}, "WEBFORM": {"WRITE": "X"}}}})
    check(isinstance(rid, int) and rid > 4, rid)
    r = ok("voronka.crm.role.get", {"ID": rid})
    check(r["NAME"] == "Лиды" and r["CODE"] == "" and r["SETTINGS"] == "N", r)
    p = r["PERMS"]
    check(p["LEAD"]["READ"]["-"] == "X" and p["LEAD"]["READ"]["NEW"] == "INHERIT", p["LEAD"])
    check(p["LEAD"]["WRITE"] == {"-": "A", "NEW": "D", "IN_PROCESS": "INHERIT", "PROCESSED": "INHERIT",
                                 "CONVERTED": "INHERIT", "JUNK": ""}, p["LEAD"]["WRITE"])
    check(p["LEAD"]["DELETE"]["-"] == "" and p["DEAL"]["READ"] == {"-": ""}, p)
    check(p["DEAL_C0"]["READ"]["-"] == "F" and p["DEAL_C0"]["READ"]["WON"] == "X" and
          p["DEAL_C0"]["READ"]["NEW"] == "INHERIT" and p["DEAL_C0"]["WRITE"]["-"] == "INHERIT", p["DEAL_C0"])
    check(p["CONTACT"]["READ"] == {"-": "O"} and p["WEBFORM"]["WRITE"] == {"-": "X"}, p)
    # update: rename, the settings right, one cell back to inheriting, one changed; others stay
    check(ok("voronka.crm.role.update", {"ID": rid, "fields": {
        "NAME": "Лиды 2", "SETTINGS": "Y",
        "PERMS": {"lead": {"write": {"NEW": "INHERIT", "JUNK": "x"}}, "DEAL_C0": {"READ": {"-": "INHERIT"}}}}}) is True)
    r = ok("voronka.crm.role.get", {"ID": rid})
    check(r["NAME"] == "Лиды 2" and r["SETTINGS"] == "Y", r)
    w = r["PERMS"]["LEAD"]["WRITE"]
    check(w["-"] == "A" and w["NEW"] == "INHERIT" and w["JUNK"] == "X", w)
    check(r["PERMS"]["DEAL_C0"]["READ"]["-"] == "INHERIT" and r["PERMS"]["DEAL_C0"]["READ"]["WON"] == "X", r["PERMS"])
    check(r["PERMS"]["CONTACT"]["READ"] == {"-": "O"}, r["PERMS"])
    # the list shows it; delete; gone
    check(roles()["Лиды 2"]["ACCESS_CODES"] == [])
    check(ok("voronka.crm.role.delete", {"ID": rid}) is True)
    fails("voronka.crm.role.get", {"ID": rid}, "NOT_FOUND")
    fails("voronka.crm.role.delete", {"ID": rid}, "NOT_FOUND")
    fails("voronka.crm.role.update", {"ID": rid, "fields": {"NAME": "x"}}, "NOT_FOUND")
    fails("voronka.crm.role.get", {}, "ERROR_ARGUMENT", mentions="ID")
    fails("voronka.crm.role.get", {"ID": "abc"}, "ERROR_ARGUMENT")


@test
def copy_and_form_encoding():
    head = roles()["HEAD"]
    rid = ok("voronka.crm.role.add", {"fields": {"NAME": "Копия", "COPY_FROM": head["ID"],
                                                  "PERMS": {"LEAD": {"READ": {"-": "X"}}}}})
    a = ok("voronka.crm.role.get", {"ID": head["ID"]})["PERMS"]
    b = ok("voronka.crm.role.get", {"ID": rid})["PERMS"]
    check(b["LEAD"]["READ"]["-"] == "X" and a["LEAD"]["READ"]["-"] == "F", a["LEAD"], b["LEAD"])
    b["LEAD"]["READ"]["-"] = "F"
    check(a == b, "a copy holds the same cells")
    fails("voronka.crm.role.add", {"fields": {"NAME": "x", "COPY_FROM": 999}}, "ERROR_ARGUMENT", mentions="COPY_FROM")
    # PHP-style form keys, as the SDKs send them
    rid2 = ok("voronka.crm.role.add", {"fields": {"NAME": "Форма", "PERMS": {"CONTACT": {"READ": {"-": "D"}},
                                                                              "LEAD": {"READ": {"NEW": "A"}}}}},
              via="form")
    p = ok("voronka.crm.role.get", {"ID": rid2})["PERMS"]
    check(p["CONTACT"]["READ"]["-"] == "D" and p["LEAD"]["READ"]["NEW"] == "A" and p["LEAD"]["READ"]["-"] == "", p)
    for r in (rid, rid2):
        ok("voronka.crm.role.delete", {"ID": r})


@test
def validation_errors():
    n_roles = len(ok("voronka.crm.role.list"))
    cid = ok("crm.category.add", {"entityTypeId": 2, "fields": {"name": "Проверка"}})["category"]["id"]
    bad = [
        ({"FOO": {"READ": "X"}}, "Unknown entity 'FOO'"),
        ({"DEAL_C": {"READ": "X"}}, "Unknown entity"),
        ({"DEAL_C999": {"READ": "X"}}, "no deal pipeline 999"),
        ({"LEAD": {"FLY": "X"}}, "Unknown operation 'FLY'"),
        ({"WEBFORM": {"DELETE": "X"}}, "Unknown operation 'DELETE' for WEBFORM"),
        ({"LEAD": {"READ": "Z"}}, "Unknown level 'Z'"),
        ({"LEAD": {"READ": {"-": 5}}}, "Unknown level"),
        ({"ROBOT_DEAL": {"WRITE": "A"}}, "Unknown level 'A' for ROBOT_DEAL"),
        ({"LEAD": {"READ": {"NOPE": "X"}}}, "'NOPE' is not a stage of LEAD"),
        ({"CONTACT": {"READ": {"NEW": "X"}}}, "CONTACT has no stages"),
        ({"DEAL": {"READ": {"NEW": "X"}}}, "DEAL has no stages"),
        ({"DEAL_C0": {"READ": {f"C{cid}:NEW": "X"}}}, f"'C{cid}:NEW' is not a stage of DEAL_C0"),
        ({f"DEAL_C{cid}": {"READ": {"NEW": "X"}}}, f"'NEW' is not a stage of DEAL_C{cid}"),
        ({"LEAD": {"READ": {"-": "INHERIT"}}}, "INHERIT is a level of stages"),
        ({"LEAD": "X"}, "must be an object"),
        ("X", "PERMS must be an object"),
    ]
    for perms, text in bad:
        # a valid cell before the bad one: all or nothing
        fails("voronka.crm.role.add", {"fields": {"NAME": "Плохая", "PERMS": {"CONTACT": {"READ": "X"}, **perms}
                                                  if isinstance(perms, dict) else perms}},
              "ERROR_ARGUMENT", mentions=text)
        fails("voronka.crm.role.update", {"ID": 1, "fields": {"PERMS": perms}}, "ERROR_ARGUMENT", mentions=text)
    fails("voronka.crm.role.add", {"fields": {"SETTINGS": "Y"}}, "ERROR_ARGUMENT", mentions="NAME")
    fails("voronka.crm.role.add", {"fields": {"NAME": ""}}, "ERROR_ARGUMENT", mentions="NAME")
    fails("voronka.crm.role.add", {"fields": {"NAME": "x" * 300}}, "ERROR_ARGUMENT", mentions="NAME")
    fails("voronka.crm.role.add", {"fields": {"NAME": "x", "SETTINGS": "maybe"}}, "ERROR_ARGUMENT", mentions="SETTINGS")
    check(len(ok("voronka.crm.role.list")) == n_roles, "nothing was added")
    # the pipeline's stages are valid for it; the administrator role is untouched by the refusals
    ok("voronka.crm.role.update", {"ID": 1, "fields": {"PERMS": {f"DEAL_C{cid}": {"READ": {f"C{cid}:WON": "X"}}}}})
    adm = ok("voronka.crm.role.get", {"ID": 1})["PERMS"]
    check(adm["CONTACT"]["READ"]["-"] == "X" and adm[f"DEAL_C{cid}"]["READ"][f"C{cid}:WON"] == "X", adm)
    ok("voronka.crm.role.update", {"ID": 1, "fields": {"PERMS": {f"DEAL_C{cid}": {"READ": {f"C{cid}:WON": "INHERIT"}}}}})


@test
def new_pipeline_appears_in_every_role():
    cid = ok("crm.category.add", {"entityTypeId": 2, "fields": {"name": "Сервис"}})["category"]["id"]
    name = f"DEAL_C{cid}"
    for r in ok("voronka.crm.role.list"):
        p = ok("voronka.crm.role.get", {"ID": r["ID"]})["PERMS"]
        check(name in p, r["NAME"], list(p))
        check(list(p[name]) == OPS, p[name])
        check(p[name]["READ"] == dict({"-": "INHERIT"}, **{f"C{cid}:{s}": "INHERIT" for s in DEAL_STAGES}),
              p[name]["READ"])
    # its effective level is the role's DEAL row: the administrator (portal admin) X, a manager A
    mine = ok("voronka.crm.rights.get")
    check(mine["ADMIN"] == "Y" and mine["SETTINGS"] == "Y" and mine["PERMS"][name]["DELETE"][f"C{cid}:WON"] == "X",
          mine)
    code, body = as_user("newpipe", "voronka.crm.rights.get")
    check(code == 200, body)
    p = body["result"]["PERMS"][name]
    check(p["READ"] == dict({"-": "A"}, **{f"C{cid}:{s}": "A" for s in DEAL_STAGES}), p)
    # a stage added to the pipeline later is there too
    ok("crm.status.add", {"fields": {"ENTITY_ID": f"DEAL_STAGE_{cid}", "STATUS_ID": "CHECK", "NAME": "Проверка",
                                     "SORT": 25}})
    p = ok("voronka.crm.role.get", {"ID": roles()["DIRECTOR"]["ID"]})["PERMS"][name]
    check(p["WRITE"].get(f"C{cid}:CHECK") == "INHERIT", p["WRITE"])
    ok("crm.category.delete", {"entityTypeId": 2, "id": cid})
    check(name not in ok("voronka.crm.role.get", {"ID": 1})["PERMS"])


@test
def assignments():
    uid, _ = member("assigned")
    dep = ok("department.add", {"NAME": "Продажи"})
    sub = ok("department.add", {"NAME": "Опт", "PARENT": dep})
    rs = roles()
    want = [{"ACCESS_CODE": "AU", "ROLE_ID": rs["MANAGER"]["ID"]},
            {"ACCESS_CODE": f"U{uid}", "ROLE_ID": rs["DIRECTOR"]["ID"]},
            {"ACCESS_CODE": f"D{sub}", "ROLE_ID": rs["HEAD"]["ID"]},
            {"ACCESS_CODE": f"DR{dep}", "ROLE_ID": rs["HEAD"]["ID"]},
            {"ACCESS_CODE": f"U{uid}", "ROLE_ID": rs["DIRECTOR"]["ID"]}]  # a repeat is kept once
    check(ok("voronka.crm.role.assignments.set", {"ASSIGNMENTS": want}) is True)
    got = ok("voronka.crm.role.assignments.get")
    check(sorted((a["ROLE_ID"], a["ACCESS_CODE"]) for a in got) ==
          sorted({(a["ROLE_ID"], a["ACCESS_CODE"]) for a in want}), got)
    check(roles()["HEAD"]["ACCESS_CODES"] == sorted([f"D{sub}", f"DR{dep}"]), roles()["HEAD"])
    bad = [({"ACCESS_CODE": "X1", "ROLE_ID": 1}, "Unknown access code"),
           ({"ACCESS_CODE": "U", "ROLE_ID": 1}, "Unknown access code"),
           ({"ACCESS_CODE": "D0", "ROLE_ID": 1}, "Unknown access code"),
           ({"ACCESS_CODE": "SG5_Z", "ROLE_ID": 1}, "Unknown access code"),
           ({"ACCESS_CODE": "U999999", "ROLE_ID": 1}, "names nothing"),
           ({"ACCESS_CODE": "DR999999", "ROLE_ID": 1}, "names nothing"),
           ({"ACCESS_CODE": "SG3", "ROLE_ID": 1}, "names nothing"),
           ({"ACCESS_CODE": "AU", "ROLE_ID": 999}, "no role 999"),
           ({"ACCESS_CODE": "AU"}, "ROLE_ID is not defined"),
           ({"ROLE_ID": 1}, "ACCESS_CODE is not defined")]
    for a, text in bad:
        fails("voronka.crm.role.assignments.set", {"ASSIGNMENTS": [want[0], a]}, "ERROR_ARGUMENT", mentions=text)
    fails("voronka.crm.role.assignments.set", {}, "ERROR_ARGUMENT", mentions="ASSIGNMENTS")
    check(len(ok("voronka.crm.role.assignments.get")) == 4, "the refusals changed nothing")
    # a role in use is not deleted; once unassigned it is
    fails("voronka.crm.role.delete", {"ID": rs["HEAD"]["ID"]}, "ERROR_CORE", mentions="assigned to 2")
    extra = ok("voronka.crm.role.add", {"fields": {"NAME": "Временная"}})
    ok("voronka.crm.role.assignments.set", {"ASSIGNMENTS": got + [{"ACCESS_CODE": "AU", "ROLE_ID": extra}]})
    fails("voronka.crm.role.delete", {"ID": extra}, "ERROR_CORE")
    ok("voronka.crm.role.assignments.set", {"ASSIGNMENTS": got})
    check(ok("voronka.crm.role.delete", {"ID": extra}) is True)
    default_assignments()


@test
def effective_rights_are_the_maximum():
    uid, _ = member("maxuser")
    dep = ok("department.add", {"NAME": "Регион"})
    ok("user.update", {"ID": uid, "UF_DEPARTMENT": [dep]})
    stage_role = ok("voronka.crm.role.add", {"fields": {"NAME": "Выигранные", "PERMS": {
        "DEAL_C0": {"READ": {"-": "", "WON": "X"}}, "LEAD": {"WRITE": {"JUNK": "D"}}}}})
    ok("voronka.crm.role.assignments.set", {"ASSIGNMENTS": [
        {"ACCESS_CODE": "AU", "ROLE_ID": roles()["MANAGER"]["ID"]},
        {"ACCESS_CODE": f"DR{dep}", "ROLE_ID": stage_role}]})
    code, body = as_user("maxuser", "voronka.crm.rights.get")
    check(code == 200, body)
    r = body["result"]
    check(r["USER_ID"] == uid and r["ADMIN"] == "N" and r["SETTINGS"] == "N", r)
    p = r["PERMS"]
    # the manager's A everywhere in the pipeline (its inherit resolves to A), X at WON from the other role
    check(p["DEAL_C0"]["READ"]["WON"] == "X" and p["DEAL_C0"]["READ"]["NEW"] == "A" and
          p["DEAL_C0"]["READ"]["-"] == "A", p["DEAL_C0"]["READ"])
    check(p["LEAD"]["WRITE"]["JUNK"] == "D" and p["LEAD"]["WRITE"]["NEW"] == "A", p["LEAD"]["WRITE"])
    check(p["WEBFORM"] == {"READ": {"-": "X"}, "WRITE": {"-": ""}} and p["DEAL"]["DELETE"] == {"-": "A"}, p)
    # someone else's rights: only with the settings right
    code, body = as_user("maxuser", "voronka.crm.rights.get", {"USER_ID": 1})
    check(code == 403 and body["error"] == "ACCESS_DENIED", body)
    other = ok("voronka.crm.rights.get", {"USER_ID": uid})
    check(other["PERMS"] == p and other["USER_ID"] == uid, other)
    fails("voronka.crm.rights.get", {"USER_ID": 999999}, "NOT_FOUND")
    # nobody assigned at all: nothing
    ok("voronka.crm.role.assignments.set", {"ASSIGNMENTS": []})
    code, body = as_user("maxuser", "voronka.crm.rights.get")
    check(all(v == "" for e in body["result"]["PERMS"].values() for o in e.values() for v in o.values()), body)
    default_assignments()
    ok("voronka.crm.role.delete", {"ID": stage_role})


@test
def settings_right_is_needed_to_edit_roles():
    uid, _ = member("plain")
    calls = [("voronka.crm.role.list", {}), ("voronka.crm.role.get", {"ID": 1}),
             ("voronka.crm.role.add", {"fields": {"NAME": "Моя"}}),
             ("voronka.crm.role.update", {"ID": 4, "fields": {"PERMS": {"DEAL": {"READ": "X"}}}}),
             ("voronka.crm.role.delete", {"ID": 2}),
             ("voronka.crm.role.assignments.get", {}),
             ("voronka.crm.role.assignments.set", {"ASSIGNMENTS": [{"ACCESS_CODE": f"U{uid}", "ROLE_ID": 1}]})]
    for method, params in calls:
        code, body = as_user("plain", method, params)
        check(code == 403 and body.get("error") == "ACCESS_DENIED", method, code, body)
    check(ok("voronka.crm.role.get", {"ID": 4})["PERMS"]["DEAL"]["READ"]["-"] == "A", "unchanged")
    # a role with "allow changing settings", not an administrator: may edit roles
    cfg = ok("voronka.crm.role.add", {"fields": {"NAME": "Настройщик", "SETTINGS": "Y"}})
    ok("voronka.crm.role.assignments.set", {"ASSIGNMENTS": [
        {"ACCESS_CODE": "AU", "ROLE_ID": roles()["MANAGER"]["ID"]}, {"ACCESS_CODE": f"U{uid}", "ROLE_ID": cfg}]})
    code, body = as_user("plain", "voronka.crm.rights.get")
    check(code == 200 and body["result"]["SETTINGS"] == "Y" and body["result"]["ADMIN"] == "N", body)
    code, body = as_user("plain", "voronka.crm.role.list")
    check(code == 200 and len(body["result"]) >= 5, body)
    code, body = as_user("plain", "voronka.crm.role.update", {"ID": cfg, "fields": {"NAME": "Настройщик 2"}})
    check(code == 200 and body["result"] is True, body)
    code, body = as_user("plain", "voronka.crm.role.get", {"ID": cfg})
    check(code == 200 and body["result"]["NAME"] == "Настройщик 2", body)
    # the same right opens the other CRM settings: pipelines, reference lists, products
    code, body = as_user("plain", "crm.status.add", {"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": "FAIR",
                                                                "NAME": "Выставка"}})
    check(code == 200 and body["result"] > 0, body)
    sid = body["result"]
    code, body = as_user("plain", "crm.category.add", {"entityTypeId": 2, "fields": {"name": "Тендеры"}})
    check(code == 200, body)
    cat = body["result"]["category"]["id"]
    code, body = as_user("plain", "crm.product.add", {"fields": {"NAME": "Услуга", "PRICE": 10}})
    check(code == 200, body)
    pid = body["result"]
    # giving the right up takes it away at the next call
    code, body = as_user("plain", "voronka.crm.role.update", {"ID": cfg, "fields": {"SETTINGS": "N"}})
    check(code == 200, body)
    code, body = as_user("plain", "voronka.crm.role.list")
    check(code == 403, body)
    for method, params in (("crm.status.delete", {"id": sid}), ("crm.category.delete", {"entityTypeId": 2, "id": cat}),
                           ("crm.product.update", {"id": pid, "fields": {"PRICE": 1}})):
        code, body = as_user("plain", method, params)
        check(code == 403 and body.get("error") == "ACCESS_DENIED", method, code, body)
    ok("crm.status.delete", {"id": sid})
    ok("crm.category.delete", {"entityTypeId": 2, "id": cat})
    ok("crm.product.delete", {"id": pid})
    default_assignments()
    ok("voronka.crm.role.delete", {"ID": cfg})


@test
def administrator_sees_everything():
    r = ok("voronka.crm.rights.get")
    check(r["USER_ID"] == 1 and r["ADMIN"] == "Y" and r["SETTINGS"] == "Y", r)
    check(all(v == "X" for e in r["PERMS"].values() for o in e.values() for v in o.values()), r)


run()
