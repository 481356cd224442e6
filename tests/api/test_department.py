"""test_department.py — department.get / fields / add / update / delete against the real binary:
the record format, filters, sort and paging, the tree rules (a parent must exist, no cycles, the
root stays, no deleting a department with sub-departments) and the errors."""
import os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, test, run, check  # noqa: E402

srv = Server()


ok = srv.ok  # the whole envelope


fails = srv.fails


_root = []


def root():
    if not _root:
        roots = [d for d in ok("department.get", {})["result"] if "PARENT" not in d]
        _root.append(int(roots[0]["ID"]) if roots else ok("department.add", {"NAME": "ООО «Тест»"})["result"])
    return _root[0]


def get_one(dep_id):
    r = ok("department.get", {"ID": dep_id})
    check(r["total"] == 1 and len(r["result"]) == 1, r)
    return r["result"][0]


@test
def fields_map():
    f = ok("department.fields")["result"]
    check(set(f) == {"ID", "NAME", "SORT", "PARENT", "UF_HEAD"}, f)
    check(all(isinstance(v, str) for v in f.values()), f)


@test
def add_and_record_format():
    d = ok("department.add", {"NAME": "Отдел продаж", "PARENT": root(), "SORT": 300, "UF_HEAD": 1})["result"]
    check(isinstance(d, int) and d > 0, d)
    rec = get_one(d)
    check(rec == {"ID": str(d), "NAME": "Отдел продаж", "SORT": 300, "PARENT": str(root()), "UF_HEAD": "1"}, rec)
    # defaults: SORT 500, under the company; no UF_HEAD key without a head
    d2 = ok("department.add", {"NAME": "Без родителя"}, via="form")["result"]
    rec2 = get_one(d2)
    check(rec2["SORT"] == 500 and rec2["PARENT"] == str(root()) and "UF_HEAD" not in rec2, rec2)
    # the root has no PARENT
    check("PARENT" not in get_one(root()), get_one(root()))
    # lower-case names, as SDKs send them
    d3 = ok("department.add", {"name": "Строчные", "parent": d})["result"]
    check(get_one(d3)["PARENT"] == str(d))


@test
def add_errors():
    fails("department.add", {"PARENT": root()}, "ERROR_CORE", mentions="name")
    fails("department.add", {"NAME": "", "PARENT": root()}, "ERROR_CORE", mentions="name")
    fails("department.add", {"NAME": "Сирота", "PARENT": 987654}, "ERROR_CORE", mentions="987654")
    fails("department.add", {"NAME": "Второй корень", "PARENT": 0}, "ERROR_CORE", mentions="top-level")
    fails("department.add", {"NAME": "Плохой", "PARENT": "abc"}, "ERROR_ARGUMENT", mentions="PARENT")
    fails("department.add", {"NAME": "Без главы", "UF_HEAD": 987654}, "ERROR_CORE", mentions="UF_HEAD")
    check(ok("department.get", {"NAME": "Сирота"})["total"] == 0)


@test
def get_filters_sort_paging():
    parent = ok("department.add", {"NAME": "Филиалы", "PARENT": root()})["result"]
    kids = [ok("department.add", {"NAME": f"Филиал {i:02d}", "PARENT": parent, "SORT": 100 + i})["result"]
            for i in range(55)]
    p1 = ok("department.get", {"PARENT": parent})
    check(p1["total"] == 55 and p1["next"] == 50 and len(p1["result"]) == 50, p1.get("total"), p1.get("next"))
    p2 = ok("department.get", {"PARENT": parent, "START": 50})
    check(len(p2["result"]) == 5 and "next" not in p2, p2)
    check([int(d["ID"]) for d in p1["result"] + p2["result"]] == kids)
    check(ok("department.get", {"parent": parent, "start": 50}, via="get")["total"] == 55)
    # sort by a field name, direction either case
    desc = ok("department.get", {"PARENT": parent, "sort": "NAME", "order": "desc"})["result"]
    check(desc[0]["NAME"] == "Филиал 54", desc[0])
    asc = ok("department.get", {"PARENT": parent, "SORT": "SORT", "ORDER": "ASC"})["result"]
    check(asc[0]["NAME"] == "Филиал 00", asc[0])
    # SORT with a number is a filter on the sort value
    check([d["NAME"] for d in ok("department.get", {"PARENT": parent, "SORT": 107})["result"]] == ["Филиал 07"])
    check(ok("department.get", {"NAME": "Филиал 13"})["result"][0]["ID"] == str(kids[13]))
    check(ok("department.get", {"UF_HEAD": 1, "PARENT": root()})["total"] >= 0)
    check(ok("department.get", {"FILTER": {">=SORT": 150, "PARENT": parent}})["total"] == 5)
    check(ok("department.get", {"FILTER": {"%NAME": "Филиал 5"}})["total"] == 5)
    check(ok("department.get", {"ID": [kids[0], kids[1]]})["total"] == 2)
    # fast mode
    k = ok("department.get", {"PARENT": parent, "START": -1})
    check("total" not in k and "next" not in k and len(k["result"]) == 50, k.get("total"))


@test
def get_errors():
    fails("department.get", {"FILTER": {"BOGUS": 1}}, "ERROR_ARGUMENT", mentions="BOGUS")
    fails("department.get", {"FILTER": {">ID": "x"}}, "ERROR_ARGUMENT", mentions="ID")
    fails("department.get", {"ID": "abc"}, "ERROR_ARGUMENT", mentions="ID")


@test
def update():
    a = ok("department.add", {"NAME": "Маркетинг", "PARENT": root()})["result"]
    b = ok("department.add", {"NAME": "Реклама", "PARENT": a})["result"]
    c = ok("department.add", {"NAME": "Соцсети", "PARENT": b})["result"]
    check(ok("department.update", {"ID": b, "NAME": "Реклама и PR", "SORT": 10, "UF_HEAD": 1})["result"] is True)
    rec = get_one(b)
    check(rec["NAME"] == "Реклама и PR" and rec["SORT"] == 10 and rec["UF_HEAD"] == "1", rec)
    ok("department.update", {"id": b, "uf_head": ""}, via="form")
    check("UF_HEAD" not in get_one(b))
    ok("department.update", {"ID": c, "PARENT": a})
    check(get_one(c)["PARENT"] == str(a))
    fails("department.update", {"ID": a, "PARENT": b}, "ERROR_CORE", mentions="under itself")
    fails("department.update", {"ID": a, "PARENT": a}, "ERROR_CORE", mentions="under itself")
    fails("department.update", {"ID": root(), "PARENT": a}, "ERROR_CORE", mentions="top-level")
    fails("department.update", {"ID": b, "PARENT": 987654}, "ERROR_CORE", mentions="987654")
    fails("department.update", {"ID": b, "NAME": ""}, "ERROR_CORE", mentions="name")
    fails("department.update", {"ID": 987654, "NAME": "x"}, "ERROR_CORE", mentions="not found")
    fails("department.update", {"NAME": "x"}, "ERROR_ARGUMENT", mentions="ID")


@test
def delete():
    a = ok("department.add", {"NAME": "Временный", "PARENT": root()})["result"]
    b = ok("department.add", {"NAME": "Временный дочерний", "PARENT": a})["result"]
    fails("department.delete", {"ID": a}, "ERROR_CORE", mentions="sub-department")
    fails("department.delete", {"ID": root()}, "ERROR_CORE", mentions="top-level")
    check(ok("department.delete", {"ID": b})["result"] is True)
    check(ok("department.delete", {"id": a}, via="get")["result"] is True)
    check(ok("department.get", {"ID": a})["total"] == 0)
    fails("department.delete", {"ID": a}, "ERROR_CORE", mentions="not found")
    fails("department.delete", {}, "ERROR_ARGUMENT", mentions="ID")


@test
def members_follow_deletion():
    d = ok("department.add", {"NAME": "На удаление", "PARENT": root()})["result"]
    uid = ok("user.add", {"EMAIL": "dep.member@example.com", "UF_DEPARTMENT": [d]})["result"]
    check(ok("user.get", {"ID": uid})["result"][0]["UF_DEPARTMENT"] == [d])
    ok("department.delete", {"ID": d})
    check(ok("user.get", {"ID": uid})["result"][0]["UF_DEPARTMENT"] == [])


run()
