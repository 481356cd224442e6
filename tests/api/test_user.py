"""test_user.py — user.get, user.search, user.current, user.fields, user.add, user.update,
profile, user.access and access.name against the real binary: record format, every filter
operator, paging by start and by keyset (start=-1), rights of a non-admin webhook, errors."""
import os, re, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, test, run, check, voronka, ADMIN_EMAIL  # noqa: E402

srv = Server()
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def ok(method, params=None, via="json", path=None):
    st, body = srv.call(method, params, via=via, path=path)
    check(st == 200 and "result" in body, method, params, st, body)
    return body


def fails(method, params, code, status=400, via="json", path=None, mentions=None):
    st, body = srv.call(method, params, via=via, path=path)
    check(st == status and body.get("error") == code, method, params, st, body)
    if mentions:
        check(mentions in body.get("error_description", ""), "description", mentions, body)
    return body


def add_user(email, **fields):
    return ok("user.add", dict(EMAIL=email, **fields))["result"]


def ids(body):
    return [int(u["ID"]) for u in body["result"]]


_root = []


def root_department():
    if not _root:
        deps = ok("department.get", {})["result"]
        roots = [d for d in deps if "PARENT" not in d]
        _root.append(int(roots[0]["ID"]) if roots else ok("department.add", {"NAME": "Компания"})["result"])
    return _root[0]


_hook = {}


def member_path(method):
    """A webhook of a plain (non-admin) user, created through user.add and the CLI."""
    if not _hook:
        uid = add_user("plain.member@example.com", NAME="Пётр", LAST_NAME="Обычный")
        out = voronka("webhook", "add", "--data", srv.data, "--user", str(uid)).stdout
        m = re.search(r"/rest/(\d+)/([A-Za-z0-9]+)/", out)
        check(m, out)
        _hook.update(uid=uid, base=f"/rest/{m.group(1)}/{m.group(2)}/")
    return _hook["base"] + method


@test
def current_user_record():
    u = ok("user.current")["result"]
    check(u["ID"] == "1", u)
    check(u["ACTIVE"] is True, u)
    check(u["EMAIL"] == ADMIN_EMAIL, u)
    check(isinstance(u["UF_DEPARTMENT"], list) and all(isinstance(d, int) for d in u["UF_DEPARTMENT"]), u)
    check(ISO.match(u["DATE_REGISTER"]), u["DATE_REGISTER"])
    check(ISO.match(u["TIMESTAMP_X"]), u["TIMESTAMP_X"])
    check(u["IS_ONLINE"] in ("Y", "N"), u)
    check(u["USER_TYPE"] == "employee", u)
    check("IS_ADMIN" not in u and "PASSWORD_HASH" not in u, u)
    # the same through GET and form transports, and lower-case names
    check(ok("user.current", via="get")["result"]["ID"] == "1")


@test
def fields_map():
    f = ok("user.fields")["result"]
    for k in ("ID", "ACTIVE", "NAME", "LAST_NAME", "EMAIL", "UF_DEPARTMENT", "WORK_POSITION", "PERSONAL_BIRTHDAY"):
        check(isinstance(f.get(k), str), k, f)
    check("IS_ADMIN" not in f, f)


@test
def profile_of_admin():
    p = ok("profile")["result"]
    check(p["ID"] == "1" and p["ADMIN"] is True, p)
    for k in ("NAME", "LAST_NAME", "PERSONAL_GENDER", "TIME_ZONE"):
        check(k in p, k, p)


@test
def add_and_read_back():
    root = root_department()  # before the user, who joins the company by default
    uid = add_user("anna.ivanova@example.com", NAME="Анна", LAST_NAME="Иванова", WORK_POSITION="Юрист",
                   PERSONAL_GENDER="F", PERSONAL_BIRTHDAY="1990-04-12", UNKNOWN_FIELD="ignored")
    check(isinstance(uid, int) and uid > 1, uid)
    r = ok("user.get", {"ID": uid})
    check(r["total"] == 1 and len(r["result"]) == 1, r)
    u = r["result"][0]
    check(u["ID"] == str(uid) and u["NAME"] == "Анна" and u["LAST_NAME"] == "Иванова", u)
    check(u["WORK_POSITION"] == "Юрист" and u["PERSONAL_GENDER"] == "F", u)
    check(u["PERSONAL_BIRTHDAY"].startswith("1990-04-12T"), u)
    check(u["ACTIVE"] is True and u["UF_DEPARTMENT"] == [root], u)
    # form encoding, as PHP clients send it
    uid2 = ok("user.add", {"EMAIL": "form.user@example.com", "NAME": "Форма"}, via="form")["result"]
    check(ok("user.get", {"FILTER": {"EMAIL": "form.user@example.com"}}, via="get")["result"][0]["ID"] == str(uid2))


@test
def add_errors():
    fails("user.add", {"NAME": "Без почты"}, "ERROR_ARGUMENT", mentions="EMAIL")
    fails("user.add", {"EMAIL": "not-an-address"}, "ERROR_ARGUMENT", mentions="EMAIL")
    add_user("dup@example.com")
    fails("user.add", {"EMAIL": "DUP@example.com"}, "ERROR_ARGUMENT", mentions="already exists")
    fails("user.add", {"EMAIL": "nodep@example.com", "UF_DEPARTMENT": [987654]}, "ERROR_ARGUMENT",
          mentions="987654")
    fails("user.add", {"EMAIL": "g@example.com", "PERSONAL_GENDER": "X"}, "ERROR_ARGUMENT", mentions="GENDER")
    check(ok("user.get", {"FILTER": {"EMAIL": "nodep@example.com"}})["total"] == 0)


_flt = []


def filter_users():
    """Five users whose LAST_NAME is Фильтров, for the operator tests."""
    if not _flt:
        dep = ok("department.add", {"NAME": "Отдел фильтров", "PARENT": root_department()})["result"]
        for i, (name, city) in enumerate([("Alpha", "Москва"), ("Beta", "Казань"), ("Gamma_1", "Москва"),
                                          ("Delta 50%", ""), ("Epsilon", "Тверь")]):
            _flt.append(add_user(f"flt{i}@filter.test", NAME=name, LAST_NAME="Фильтров", PERSONAL_CITY=city,
                                 UF_DEPARTMENT=[dep] if i < 2 else [root_department()]))
        _flt.append(dep)
    return _flt[:5], _flt[5]


def flt(extra, **kw):
    f = {"LAST_NAME": "Фильтров"}
    f.update(extra)
    return ids(ok("user.get", dict(FILTER=f, **kw)))


@test
def filter_operators():
    u, dep = filter_users()
    check(flt({"ID": u[1]}) == [u[1]])
    check(flt({"=ID": u[1]}) == [u[1]])
    check(flt({"!ID": u[1]}) == [x for x in u if x != u[1]])
    check(flt({"!=ID": u[1]}) == [x for x in u if x != u[1]])
    check(flt({">ID": u[2]}) == u[3:])
    check(flt({">=ID": u[2]}) == u[2:])
    check(flt({"<ID": u[2]}) == u[:2])
    check(flt({"<=ID": u[2]}) == u[:3])
    check(flt({"@ID": [u[0], u[4]]}) == [u[0], u[4]])
    check(flt({"ID": [u[0], u[4]]}) == [u[0], u[4]])
    check(flt({"!@ID": [u[0], u[4]]}) == u[1:4])
    check(flt({"!ID": [u[0], u[4]]}) == u[1:4])
    check(flt({"%NAME": "ta"}) == [u[1], u[3]])          # Beta, Delta
    check(flt({"%NAME": "50%"}) == [u[3]])               # % typed is literal
    check(flt({"%NAME": "a_1"}) == [u[2]])               # _ typed is literal
    check(flt({"!%NAME": "a"}) == [u[4]])               # only Epsilon has no "a"
    check(flt({"=%NAME": "%ta"}) == [u[1]])              # client wildcards: ends with "ta"
    check(flt({"%=NAME": "Al%"}) == [u[0]])
    check(flt({"!=%NAME": "%a"}) == [u[2], u[3], u[4]])
    check(flt({"!%=NAME": "%a"}) == [u[2], u[3], u[4]])
    check(flt({"NAME": "Gam%"}) == [u[2]])               # user.get: a pattern without an operator
    check(flt({"PERSONAL_CITY": "Москва"}) == [u[0], u[2]])
    check(flt({"@PERSONAL_CITY": ["Казань", "Тверь"]}) == [u[1], u[4]])
    check(flt({"PERSONAL_CITY": ""}) == [u[3]])          # empty means "is empty"
    check(flt({"!PERSONAL_CITY": ""}) == [u[0], u[1], u[2], u[4]])
    check(flt({"UF_DEPARTMENT": dep}) == u[:2])
    check(flt({"!UF_DEPARTMENT": dep}) == u[2:])
    check(flt({"ACTIVE": True}) == u)
    check(flt({">=DATE_REGISTER": "2000-01-01"}) == u)
    check(flt({"<DATE_REGISTER": "2000-01-01T00:00:00+03:00"}) == [])
    # the same filter through a GET query string and a form body
    check(ids(ok("user.get", {"FILTER": {"LAST_NAME": "Фильтров", ">=ID": u[3]}}, via="get")) == u[3:])
    check(ids(ok("user.get", {"FILTER": {"LAST_NAME": "Фильтров", "!@ID": [u[0], u[1]]}}, via="form")) == u[2:])


@test
def legacy_top_level_filter_and_sort():
    u, dep = filter_users()
    check(ids(ok("user.get", {"ID": u[2]})) == [u[2]])
    check(ids(ok("user.get", {"id": u[2]}, via="get")) == [u[2]])
    check(ids(ok("user.get", {"UF_DEPARTMENT": dep, "SORT": "ID", "ORDER": "desc"})) == [u[1], u[0]])
    check(ids(ok("user.get", {"NAME_SEARCH": "Фильтров gamma"})) == [u[2]])
    check(ids(ok("user.get", {"USER_TYPE": "employee", "LAST_NAME": "Фильтров"})) == u)
    check(ids(ok("user.get", {"FILTER": {"LAST_NAME": "Фильтров"}, "sort": "NAME", "order": "DESC"})) ==
          ids(ok("user.get", {"FILTER": {"LAST_NAME": "Фильтров"}, "ORDER": {"NAME": "DESC"}})))
    by_name = ids(ok("user.get", {"FILTER": {"LAST_NAME": "Фильтров"}, "SORT": "NAME", "ORDER": "DESC"}))
    check(by_name == [u[2], u[4], u[3], u[1], u[0]], by_name)  # Gamma Epsilon Delta Beta Alpha
    check(ids(ok("user.get", {"FILTER": {"LAST_NAME": "Фильтров"}, "ADMIN_MODE": True})) == u)
    # unknown top-level names (SDK telemetry) are not filters
    check(ids(ok("user.get", {"FILTER": {"LAST_NAME": "Фильтров"}, "bx24_request_id": "x"})) == u)


@test
def filter_errors():
    fails("user.get", {"FILTER": {"NO_SUCH_FIELD": 1}}, "ERROR_ARGUMENT", mentions="NO_SUCH_FIELD")
    fails("user.get", {"FILTER": {">ID": "abc"}}, "ERROR_ARGUMENT", mentions="ID")
    fails("user.get", {"FILTER": {">=DATE_REGISTER": "вчера"}}, "ERROR_ARGUMENT", mentions="DATE_REGISTER")
    fails("user.get", {"FILTER": {">ID": "abc"}}, "ERROR_ARGUMENT", via="get", mentions="ID")
    fails("user.get", {"SORT": "NO_SUCH", "ORDER": "ASC"}, "ERROR_ARGUMENT", mentions="NO_SUCH")
    fails("user.get", {"ORDER": {"NAME": "UP"}}, "ERROR_ARGUMENT", mentions="NAME")
    fails("user.search", {"FILTER": {"BOGUS": "x"}}, "ERROR_ARGUMENT", mentions="BOGUS")


@test
def search():
    u, dep = filter_users()
    check(ids(ok("user.search", {"FILTER": {"FIND": "Фильтров"}})) == u)
    # Cyrillic folds case like Latin does: a manager types names in lower case.
    check(ids(ok("user.search", {"FILTER": {"FIND": "фильтров"}})) == u)
    check(ids(ok("user.search", {"FILTER": {"FIND": "ФИЛЬТРОВ"}})) == u)
    check(ids(ok("user.search", {"FILTER": {"FIND": "flt3@filter"}})) == [u[3]])
    check(ids(ok("user.search", {"FILTER": {"FIND": "Фильтров ALPHA"}})) == [u[0]])
    check(set(ids(ok("user.search", {"FILTER": {"FIND": "Отдел фильтров"}}))) >= {u[0], u[1]})
    check(ids(ok("user.search", {"FILTER": {"UF_DEPARTMENT_NAME": "Отдел фильтров"}})) == u[:2])
    check(ids(ok("user.search", {"FILTER": {"NAME": "Beta", "LAST_NAME": "Фильтров"}})) == [u[1]])
    check(ids(ok("user.search", {"FIND": "Epsilon"})) == [u[4]])
    r = ok("user.search", {"FILTER": {"FIND": "нет-такого-человека"}})
    check(r["result"] == [] and r["total"] == 0, r)


@test
def paging_and_keyset():
    for i in range(57):
        add_user(f"pager{i:02d}@page.test", NAME=f"Pager {i:02d}", LAST_NAME="Страничный")
    f = {"FILTER": {"LAST_NAME": "Страничный"}}
    p1 = ok("user.get", f)
    check(p1["total"] == 57 and p1["next"] == 50 and len(p1["result"]) == 50, p1.get("total"), p1.get("next"))
    p2 = ok("user.get", dict(f, start=50))
    check(p2["total"] == 57 and "next" not in p2 and len(p2["result"]) == 7, p2)
    check(ids(p1) + ids(p2) == sorted(ids(p1) + ids(p2)), "ID ASC by default")
    p2s = ok("user.search", {"FILTER": {"FIND": "Страничный"}, "start": 50})
    check(p2s["total"] == 57 and len(p2s["result"]) == 7, p2s)
    # fast mode: no total, no next, a full page while more rows exist; keyset on >ID
    k1 = ok("user.get", {"FILTER": {"LAST_NAME": "Страничный"}, "ORDER": {"ID": "ASC"}, "start": -1})
    check("total" not in k1 and "next" not in k1 and len(k1["result"]) == 50, k1.get("total"), len(k1["result"]))
    last = ids(k1)[-1]
    k2 = ok("user.get", {"FILTER": {"LAST_NAME": "Страничный", ">ID": last}, "ORDER": {"ID": "ASC"}, "start": -1})
    check(len(k2["result"]) == 7 and "total" not in k2, k2)
    check(ids(k1) + ids(k2) == ids(p1) + ids(p2))
    # the form transport's start
    check(len(ok("user.get", dict(f, start="50"), via="form")["result"]) == 7)


@test
def update_by_admin():
    uid = add_user("upd.target@example.com", NAME="Старое")
    check(ok("user.update", {"ID": uid, "NAME": "Новое", "WORK_POSITION": "Инженер"})["result"] is True)
    u = ok("user.get", {"ID": uid})["result"][0]
    check(u["NAME"] == "Новое" and u["WORK_POSITION"] == "Инженер", u)
    check(ok("user.update", {"id": uid, "ACTIVE": False}, via="form")["result"] is True)
    check(ok("user.get", {"ID": uid})["result"][0]["ACTIVE"] is False)
    check(ids(ok("user.get", {"FILTER": {"ID": uid, "ACTIVE": True}})) == [])
    ok("user.update", {"ID": uid, "ACTIVE": "Y", "EMAIL": "upd.renamed@example.com"})
    check(ok("user.get", {"ID": uid})["result"][0]["EMAIL"] == "upd.renamed@example.com")
    fails("user.update", {"ID": uid, "EMAIL": ADMIN_EMAIL}, "ERROR_ARGUMENT", mentions="already exists")
    fails("user.update", {"ID": 9999999, "NAME": "x"}, "NOT_FOUND")
    fails("user.update", {"NAME": "no id"}, "ERROR_ARGUMENT", mentions="ID")
    fails("user.update", {"ID": "abc"}, "ERROR_ARGUMENT", mentions="ID")
    fails("user.update", {"ID": 1, "ACTIVE": False}, "ERROR_ARGUMENT", mentions="administrator")


@test
def rights_of_a_plain_user():
    path = member_path
    path("")
    uid = _hook["uid"]
    me = ok("user.current", path=path("user.current"))["result"]
    check(me["ID"] == str(uid), me)
    p = ok("profile", path=path("profile"))["result"]
    check(p["ADMIN"] is False and p["ID"] == str(uid), p)
    fails("user.add", {"EMAIL": "sneaky@example.com"}, "ACCESS_DENIED", status=403, path=path("user.add"))
    check(ok("user.get", {"FILTER": {"EMAIL": "sneaky@example.com"}})["total"] == 0)
    # themselves: personal fields yes, ACTIVE no; others: no
    check(ok("user.update", {"ID": uid, "PERSONAL_CITY": "Самара"}, path=path("user.update"))["result"] is True)
    check(ok("user.get", {"ID": uid})["result"][0]["PERSONAL_CITY"] == "Самара")
    fails("user.update", {"ID": uid, "ACTIVE": False}, "ACCESS_DENIED", status=403, path=path("user.update"),
          mentions="ACTIVE")
    fails("user.update", {"ID": uid, "IS_ADMIN": True}, "ACCESS_DENIED", status=403, path=path("user.update"))
    # the language the UI's user menu saves, which the server's notifications are written in
    check(ok("user.update", {"ID": uid, "LANGUAGE_ID": "en"}, path=path("user.update"))["result"] is True)
    check(ok("user.get", {"ID": uid})["result"][0]["LANGUAGE_ID"] == "en")
    fails("user.update", {"ID": uid, "LANGUAGE_ID": "de"}, "ERROR_ARGUMENT", path=path("user.update"),
          mentions="LANGUAGE_ID")
    fails("user.update", {"ID": 1, "NAME": "Hacked"}, "ACCESS_DENIED", status=403, path=path("user.update"))
    check(ok("user.current")["result"]["NAME"] != "Hacked")
    # reading stays open to every employee
    check(ok("user.get", {"ID": 1}, path=path("user.get"))["total"] == 1)
    fails("department.add", {"NAME": "x"}, "ACCESS_DENIED", status=403, path=path("department.add"))


@test
def user_access_codes():
    check(ok("user.access", {"ACCESS": ["G99"]})["result"] is True)  # an admin holds everything
    path = member_path
    path("")
    uid = _hook["uid"]
    root = root_department()

    def acc(codes):
        return ok("user.access", {"ACCESS": codes}, path=path("user.access"))["result"]

    check(acc([f"U{uid}"]) is True)
    check(acc(["U1"]) is False)
    check(acc(["AU"]) is True and acc(["G2"]) is True)
    check(acc(["G1"]) is False)
    check(acc([f"D{root}"]) is True)     # added to the company by default
    check(acc([f"DR{root}"]) is True)
    check(acc(["D987654"]) is False)
    check(acc(["U1", f"U{uid}"]) is True)
    check(acc(f"U{uid}") is True)         # a single code as a string
    check(acc([]) is False)
    check(ok("user.access", {}, path=path("user.access"))["result"] is False)
    check(acc(["CR"]) is False)
    # DR covers sub-departments; IU covers the heads above an employee
    sub = ok("department.add", {"NAME": "Подотдел доступа", "PARENT": root, "UF_HEAD": uid})["result"]
    other = add_user("access.sub@example.com", UF_DEPARTMENT=[sub])
    check(acc([f"IU{other}"]) is True)
    check(acc(["IU1"]) is False)


@test
def access_names():
    root = root_department()
    r = ok("access.name", {"ACCESS": ["U1", f"D{root}", f"DR{root}", "AU", "G2", "ZZ9", "D987654"]})["result"]
    check(set(r) == {"U1", f"D{root}", f"DR{root}", "AU", "G2"}, r)
    check(r["U1"]["provider_id"] == "user" and isinstance(r["U1"]["name"], str) and r["U1"]["name"], r)
    check(r[f"D{root}"]["provider_id"] == "intranet", r)
    check(r["AU"]["provider"] == "" and r["AU"]["provider_id"] == "other", r)
    check(ok("access.name", {})["result"] is False)
    check(ok("access.name", {"ACCESS": "U1"})["result"] is False)
    check(ok("access.name", {"ACCESS": ["D987654"]})["result"] == [])
    check(set(ok("access.name", {"ACCESS": ["U1", "AU"]}, via="form")["result"]) == {"U1", "AU"})


@test
def batch_of_user_methods():
    st, body = srv.call("batch", {"halt": 0, "cmd": {
        "me": "user.current",
        "list": "user.get?FILTER%5BID%5D=1",
        "bad": "user.get?FILTER%5BNOPE%5D=1"}})
    check(st == 200, st, body)
    res = body["result"]
    check(res["result"]["me"]["ID"] == "1", res)
    check(res["result"]["list"][0]["ID"] == "1" and res["result_total"]["list"] == 1, res)
    check(res["result_error"]["bad"]["error"] == "ERROR_ARGUMENT", res)



@test
def portal_settings_need_an_admin():
    st, body = srv.call(None, {"fields": {"CURRENCY": "EUR"}}, path=member_path("voronka.portal.settings.set"))
    check(st == 403 and body["error"] == "ACCESS_DENIED", st, body)
    st, body = srv.call(None, path=member_path("voronka.portal.settings.get"))
    check(st == 200 and body["result"]["CURRENCY"] != "EUR", st, body)


run()
