"""test_crm_product.py — crm.product.fields / add / get / list / update / delete against the real
binary: the legacy record format (strings, PRICE with two decimals), defaults and server stamps,
filter / order / select / paging through the shared engine, every refusal, rights and scope."""
import os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, test, run, check  # noqa: E402

srv = Server()

ALL = {"ID", "NAME", "DESCRIPTION", "ACTIVE", "PRICE", "CURRENCY_ID", "VAT_ID", "VAT_INCLUDED", "MEASURE",
       "SECTION_ID", "SORT", "XML_ID", "CREATED_BY", "MODIFIED_BY", "DATE_CREATE", "TIMESTAMP_X"}


ok = srv.ok  # the whole envelope


fails = srv.fails


def add(fields, via="json"):
    pid = ok("crm.product.add", {"fields": fields}, via=via)["result"]
    check(isinstance(pid, int) and pid > 0, pid)
    return pid


def get(pid):
    return ok("crm.product.get", {"id": pid})["result"]


@test
def fields_map():
    f = ok("crm.product.fields")["result"]
    check(set(f) == ALL, sorted(f))
    check(f["PRICE"]["type"] == "double" and f["NAME"]["isRequired"] is True, f["PRICE"], f["NAME"])
    check(f["ID"]["isReadOnly"] is True and f["TIMESTAMP_X"]["type"] == "datetime", f["ID"])
    check(f["CURRENCY_ID"]["type"] == "crm_currency" and f["ACTIVE"]["type"] == "char", f["CURRENCY_ID"])
    check(all(isinstance(v["title"], str) and v["isDynamic"] is False for v in f.values()), f)


@test
def add_get_format():
    pid = add({"NAME": "Консультация", "PRICE": 1500, "DESCRIPTION": "Один час", "MEASURE": 796,
               "VAT_ID": 2, "VAT_INCLUDED": "Y", "SECTION_ID": 7, "SORT": 20, "XML_ID": "1c-001",
               "CURRENCY_ID": "USD", "ACTIVE": "N"})
    r = get(pid)
    check(set(r) == ALL, sorted(r))
    check(r["ID"] == str(pid) and r["NAME"] == "Консультация" and r["PRICE"] == "1500.00", r)
    check(r["DESCRIPTION"] == "Один час" and r["MEASURE"] == "796" and r["VAT_ID"] == "2", r)
    check(r["VAT_INCLUDED"] == "Y" and r["SECTION_ID"] == "7" and r["SORT"] == "20", r)
    check(r["XML_ID"] == "1c-001" and r["CURRENCY_ID"] == "USD" and r["ACTIVE"] == "N", r)
    check(r["CREATED_BY"] == "1" and r["MODIFIED_BY"] == "1", r)
    check(len(r["DATE_CREATE"]) == 25 and r["DATE_CREATE"][10] == "T", r["DATE_CREATE"])
    check(r["TIMESTAMP_X"] == r["DATE_CREATE"], r)
    # defaults; form encoding; lower-case names; PRICE as text, rounded to cents
    p2 = add({"name": "Болт М8", "price": "12.345"}, via="form")
    r2 = get(p2)
    check(r2["PRICE"] == "12.35" and r2["CURRENCY_ID"] == "RUB" and r2["ACTIVE"] == "Y", r2)
    check(r2["VAT_INCLUDED"] == "N" and r2["SORT"] == "100" and r2["XML_ID"] == "", r2)
    check(r2["DESCRIPTION"] is None and r2["VAT_ID"] is None and r2["MEASURE"] is None, r2)
    # no PRICE: 0.00; fields at the top level; unknown and read-only fields ignored
    p3 = ok("crm.product.add", {"NAME": "Бесплатно", "BOGUS": 1, "ID": 999999, "CREATED_BY": 42})["result"]
    r3 = get(p3)
    check(r3["PRICE"] == "0.00" and r3["ID"] == str(p3) and r3["CREATED_BY"] == "1", r3)
    check(ok("crm.product.get", {"ID": p3}, via="get")["result"]["NAME"] == "Бесплатно")


@test
def add_refusals():
    fails("crm.product.add", {"fields": {"PRICE": 10}}, "ERROR_ARGUMENT", mentions="NAME")
    fails("crm.product.add", {"fields": {"NAME": ""}}, "ERROR_ARGUMENT", mentions="NAME")
    fails("crm.product.add", {"fields": {"NAME": "x", "PRICE": -1}}, "ERROR_ARGUMENT", mentions="PRICE")
    fails("crm.product.add", {"fields": {"NAME": "x", "PRICE": "дорого"}}, "ERROR_ARGUMENT", mentions="PRICE")
    fails("crm.product.add", {"fields": {"NAME": "x", "PRICE": "inf"}}, "ERROR_ARGUMENT", mentions="PRICE")
    fails("crm.product.add", {"fields": {"NAME": "x", "PRICE": [1]}}, "ERROR_ARGUMENT", mentions="PRICE")
    for cur in ("rub", "RU", "RUBL", "R1B"):
        fails("crm.product.add", {"fields": {"NAME": "x", "CURRENCY_ID": cur}}, "ERROR_ARGUMENT", mentions="CURRENCY_ID")
    fails("crm.product.add", {"fields": {"NAME": "x", "SORT": "x"}}, "ERROR_ARGUMENT", mentions="SORT")
    fails("crm.product.add", {"fields": {"NAME": "x", "SORT": 2 ** 40}}, "ERROR_ARGUMENT", mentions="SORT")
    fails("crm.product.add", {"fields": {"NAME": "x", "MEASURE": -796}}, "ERROR_ARGUMENT", mentions="MEASURE")
    fails("crm.product.add", {"fields": {"NAME": "x", "ACTIVE": "maybe"}}, "ERROR_ARGUMENT", mentions="ACTIVE")
    check(ok("crm.product.list", {"filter": {"NAME": "x"}})["total"] == 0)


@test
def get_refusals():
    fails("crm.product.get", {}, "ERROR_ARGUMENT", mentions="ID")
    fails("crm.product.get", {"id": "abc"}, "ERROR_ARGUMENT", mentions="ID")
    fails("crm.product.get", {"id": 0}, "ERROR_ARGUMENT", mentions="ID")
    fails("crm.product.get", {"id": 987654}, "NOT_FOUND", mentions="Not found")


@test
def list_filter_order_select_paging():
    ids = [add({"NAME": f"Лист {i:02d}", "PRICE": 100 + i, "SECTION_ID": 55, "SORT": 1000 - i}) for i in range(55)]
    p1 = ok("crm.product.list", {"filter": {"SECTION_ID": 55}})
    check(p1["total"] == 55 and p1["next"] == 50 and len(p1["result"]) == 50, p1.get("total"), p1.get("next"))
    p2 = ok("crm.product.list", {"filter": {"SECTION_ID": 55}, "start": 50})
    check(p2["total"] == 55 and len(p2["result"]) == 5 and "next" not in p2, p2)
    check([int(r["ID"]) for r in p1["result"] + p2["result"]] == ids)
    check(ok("crm.product.list", {"filter": {"SECTION_ID": 55}, "start": 50}, via="get")["total"] == 55)
    # order: by SORT ascending reverses the insertion; by PRICE descending too
    o = ok("crm.product.list", {"filter": {"SECTION_ID": 55}, "order": {"SORT": "ASC"}})["result"]
    check(o[0]["NAME"] == "Лист 54", o[0])
    o = ok("crm.product.list", {"filter": {"SECTION_ID": 55}, "order": {"PRICE": "desc"}})["result"]
    check(o[0]["PRICE"] == "154.00", o[0])
    # filter operators
    check(ok("crm.product.list", {"filter": {"SECTION_ID": 55, ">=PRICE": 150}})["total"] == 5)
    check(ok("crm.product.list", {"filter": {"SECTION_ID": 55, "<PRICE": "101.5"}})["total"] == 2)
    check(ok("crm.product.list", {"filter": {"%NAME": "Лист 5"}})["total"] == 5)
    check(ok("crm.product.list", {"filter": {"ID": ids[:3]}})["total"] == 3)
    check(ok("crm.product.list", {"filter": {"SECTION_ID": 55, "!ID": ids[0]}})["total"] == 54)
    check(ok("crm.product.list", {"filter": {"SECTION_ID": 55, "ACTIVE": "Y"}})["total"] == 55)
    # select
    s = ok("crm.product.list", {"filter": {"ID": ids[0]}, "select": ["ID", "NAME", "PRICE"]})["result"]
    check(s == [{"ID": str(ids[0]), "NAME": "Лист 00", "PRICE": "100.00"}], s)
    s = ok("crm.product.list", {"filter": {"ID": ids[0]}, "select": ["*"]})["result"][0]
    check(set(s) == ALL, sorted(s))
    # fast mode
    k = ok("crm.product.list", {"filter": {"SECTION_ID": 55}, "start": -1})
    check("total" not in k and len(k["result"]) == 50, k.get("total"))


@test
def list_refusals():
    fails("crm.product.list", {"filter": {"BOGUS": 1}}, "ERROR_ARGUMENT", mentions="BOGUS")
    fails("crm.product.list", {"filter": {">PRICE": "x"}}, "ERROR_ARGUMENT", mentions="PRICE")
    fails("crm.product.list", {"filter": {"ID": "abc"}}, "ERROR_ARGUMENT", mentions="ID")
    fails("crm.product.list", {"order": {"BOGUS": "ASC"}}, "ERROR_ARGUMENT", mentions="BOGUS")


@test
def update():
    pid = add({"NAME": "Старое", "PRICE": 10, "MEASURE": 796, "DESCRIPTION": "d"})
    before = get(pid)
    check(ok("crm.product.update", {"id": pid, "fields": {"NAME": "Новое", "PRICE": "99.9", "SORT": 5}})["result"]
          is True)
    r = get(pid)
    check(r["NAME"] == "Новое" and r["PRICE"] == "99.90" and r["SORT"] == "5", r)
    check(r["MEASURE"] == "796" and r["DESCRIPTION"] == "d" and r["DATE_CREATE"] == before["DATE_CREATE"], r)
    # empty clears nullable fields and restores defaults; read-only ones are ignored
    ok("crm.product.update", {"id": pid, "fields": {"MEASURE": "", "DESCRIPTION": None, "CURRENCY_ID": "",
                                                      "ID": 1, "DATE_CREATE": "2000-01-01T00:00:00+00:00"}})
    r = get(pid)
    check(r["MEASURE"] is None and r["DESCRIPTION"] is None and r["CURRENCY_ID"] == "RUB", r)
    check(r["ID"] == str(pid) and r["DATE_CREATE"] == before["DATE_CREATE"], r)
    ok("crm.product.update", {"ID": pid, "FIELDS": {"currency_id": "EUR", "active": "N"}}, via="form")
    r = get(pid)
    check(r["CURRENCY_ID"] == "EUR" and r["ACTIVE"] == "N", r)


@test
def update_refusals():
    pid = add({"NAME": "Неизменный", "PRICE": 5})
    fails("crm.product.update", {"id": pid, "fields": {"NAME": ""}}, "ERROR_ARGUMENT", mentions="NAME")
    fails("crm.product.update", {"id": pid, "fields": {"PRICE": -0.01}}, "ERROR_ARGUMENT", mentions="PRICE")
    fails("crm.product.update", {"id": pid, "fields": {"CURRENCY_ID": "usd"}}, "ERROR_ARGUMENT", mentions="CURRENCY_ID")
    fails("crm.product.update", {"id": pid, "fields": {"VAT_ID": "x"}}, "ERROR_ARGUMENT", mentions="VAT_ID")
    fails("crm.product.update", {"fields": {"NAME": "x"}}, "ERROR_ARGUMENT", mentions="ID")
    fails("crm.product.update", {"id": 987654, "fields": {"NAME": "x"}}, "NOT_FOUND", mentions="Not found")
    r = get(pid)
    check(r["NAME"] == "Неизменный" and r["PRICE"] == "5.00" and r["CURRENCY_ID"] == "RUB", r)


@test
def delete():
    pid = add({"NAME": "Удаляемый"})
    check(ok("crm.product.delete", {"id": pid})["result"] is True)
    fails("crm.product.get", {"id": pid}, "NOT_FOUND")
    fails("crm.product.delete", {"id": pid}, "NOT_FOUND", mentions="Not found")
    fails("crm.product.delete", {}, "ERROR_ARGUMENT", mentions="ID")
    fails("crm.product.delete", {"id": "x"}, "ERROR_ARGUMENT", mentions="ID")
    p2 = add({"NAME": "Через GET"})
    check(ok("crm.product.delete", {"ID": p2}, via="get")["result"] is True)


@test
def methods_batch_rights_scope():
    names = ok("methods", {"scope": "crm"})["result"]
    for m in ("add", "delete", "fields", "get", "list", "update"):
        check("crm.product." + m in names, m, names)
    pid = add({"NAME": "Пакетный", "PRICE": 7})
    b = ok("batch", {"cmd": {"g": f"crm.product.get?id={pid}", "l": f"crm.product.list?filter[ID]={pid}"}})
    check(b["result"]["result"]["g"]["PRICE"] == "7.00", b)
    check(b["result"]["result"]["l"][0]["ID"] == str(pid), b)
    uid = ok("user.add", {"EMAIL": "product.reader@example.com"})["result"]
    wurl = ok("voronka.webhook.add", {"USER_ID": uid})["result"]["URL"]
    call = lambda m, p=None: srv.call(m, p, path=wurl + m)  # noqa: E731
    st, body = call("crm.product.get", {"id": pid})
    check(st == 200 and body["result"]["NAME"] == "Пакетный", st, body)
    st, body = call("crm.product.list", {"filter": {"ID": pid}})
    check(st == 200 and body["total"] == 1, st, body)
    for m, p in (("crm.product.add", {"fields": {"NAME": "x"}}),
                 ("crm.product.update", {"id": pid, "fields": {"NAME": "x"}}),
                 ("crm.product.delete", {"id": pid})):
        st, body = call(m, p)
        check(st == 403 and body.get("error") == "ACCESS_DENIED", m, st, body)
    check(get(pid)["NAME"] == "Пакетный")
    user_only = ok("voronka.webhook.add", {"SCOPE": "user"})["result"]["URL"]
    st, body = srv.call("crm.product.list", path=user_only + "crm.product.list")
    check(st == 403 and body.get("error") == "insufficient_scope", st, body)


run()
