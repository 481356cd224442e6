"""test_crm_activity.py — crm.activity.fields / add / get / list / update / delete and
crm.activity.communication.fields against the real binary: the legacy record format, what the
server derives (STATUS from COMPLETED, DEADLINE from END_TIME then START_TIME, a communication's
TYPE and item), stamps, the owner item's LAST_ACTIVITY_TIME / LAST_ACTIVITY_BY, filters on owner,
responsible, completion, type and deadline ranges, every refusal with nothing half-written, batch
and scope. Owner items are made with crm.deal.add, crm.lead.add, crm.contact.add, crm.company.add."""
import os, sys, uuid
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, test, run, check  # noqa: E402

srv = Server()

ALL = {"ID", "OWNER_ID", "OWNER_TYPE_ID", "TYPE_ID", "PROVIDER_ID", "PROVIDER_TYPE_ID", "ASSOCIATED_ENTITY_ID",
       "SUBJECT", "CREATED", "LAST_UPDATED", "START_TIME", "END_TIME", "DEADLINE", "COMPLETED", "STATUS",
       "RESPONSIBLE_ID", "PRIORITY", "NOTIFY_TYPE", "NOTIFY_VALUE", "DESCRIPTION", "DESCRIPTION_TYPE", "DIRECTION",
       "LOCATION", "SETTINGS", "ORIGINATOR_ID", "ORIGIN_ID", "AUTHOR_ID", "EDITOR_ID", "IS_READ"}
COMM = {"ID", "ACTIVITY_ID", "TYPE", "VALUE", "ENTITY_ID", "ENTITY_TYPE_ID"}


def ok(method, params=None, via="json", path=None):
    st, body = srv.call(method, params, via=via, path=path)
    check(st == 200 and "result" in body, method, params, st, body)
    return body


fails = srv.fails


ITEM_FIELDS = {"lead": {"TITLE": "Лид"}, "deal": {"TITLE": "Сделка"}, "contact": {"NAME": "Иван"},
               "company": {"TITLE": "ООО Ромашка"}}
TYPE_ID = {"lead": 1, "deal": 2, "contact": 3, "company": 4}


def item(kind="deal"):
    return int(ok(f"crm.{kind}.add", {"fields": ITEM_FIELDS[kind]})["result"])


def item_get(kind, iid):
    return ok(f"crm.{kind}.get", {"id": iid})["result"]


def call_fields(owner, subject="Звонок клиенту", kind="deal", **extra):
    f = {"OWNER_TYPE_ID": TYPE_ID[kind], "OWNER_ID": owner, "TYPE_ID": 2, "SUBJECT": subject,
         "COMMUNICATIONS": [{"VALUE": "+79991234567"}]}
    f.update(extra)
    return f


def add(fields, via="json"):
    aid = ok("crm.activity.add", {"fields": fields}, via=via)["result"]
    check(isinstance(aid, int) and aid > 0, aid)
    return aid


def get(aid):
    return ok("crm.activity.get", {"id": aid})["result"]


def when(s):
    return datetime.fromisoformat(s)


def owner_total(deal):
    return ok("crm.activity.list", {"filter": {"OWNER_TYPE_ID": 2, "OWNER_ID": deal}})["total"]


def other_user():
    uid = int(ok("user.add", {"EMAIL": f"act.{uuid.uuid4().hex[:8]}@example.com", "NAME": "Ольга"})["result"])
    return uid, ok("voronka.webhook.add", {"USER_ID": uid})["result"]["URL"]


@test
def fields_map():
    f = ok("crm.activity.fields")["result"]
    check(set(f) == ALL | {"COMMUNICATIONS"}, sorted(set(f) ^ (ALL | {"COMMUNICATIONS"})))
    check(f["TYPE_ID"]["type"] == "crm_enum_activitytype" and f["TYPE_ID"]["isRequired"] is True
          and f["TYPE_ID"]["isImmutable"] is True, f["TYPE_ID"])
    check(f["OWNER_TYPE_ID"]["type"] == "crm_enum_ownertype" and f["OWNER_ID"]["isImmutable"] is True, f)
    check(f["SUBJECT"]["isRequired"] is True and f["RESPONSIBLE_ID"]["type"] == "user", f)
    check(f["COMMUNICATIONS"]["type"] == "crm_activity_communication" and f["COMMUNICATIONS"]["isMultiple"] is True
          and f["COMMUNICATIONS"]["isRequired"] is True, f["COMMUNICATIONS"])
    check(f["START_TIME"]["type"] == "datetime" and f["END_TIME"]["title"] == "Deadline"
          and f["DEADLINE"]["title"] == "Due Date", f["END_TIME"], f["DEADLINE"])
    check(f["COMPLETED"]["type"] == "char" and f["STATUS"]["type"] == "crm_enum_activitystatus", f["STATUS"])
    check(f["PRIORITY"]["type"] == "crm_enum_activitypriority" and f["DIRECTION"]["type"] == "crm_enum_activitydirection",
          f)
    check(f["DESCRIPTION_TYPE"]["type"] == "crm_enum_contenttype" and f["SETTINGS"]["type"] == "object", f)
    for k in ("ID", "CREATED", "LAST_UPDATED", "AUTHOR_ID", "EDITOR_ID", "ASSOCIATED_ENTITY_ID"):
        check(f[k]["isReadOnly"] is True, k, f[k])
    check(all(v["title"] and v["isDynamic"] is False for v in f.values()), f)
    c = ok("crm.activity.communication.fields")["result"]
    check(set(c) == COMM, sorted(c))
    check(c["ID"]["isReadOnly"] is True and c["ACTIVITY_ID"]["isReadOnly"] is True and c["VALUE"]["type"] == "string", c)
    check(c["ENTITY_TYPE_ID"]["type"] == "integer" and c["ENTITY_TYPE_ID"]["title"] == "Entity Type", c)


@test
def add_get_format():
    deal, contact = item(), item("contact")
    check(not item_get("deal", deal)["LAST_ACTIVITY_TIME"])
    aid = add({"OWNER_TYPE_ID": 2, "OWNER_ID": deal, "TYPE_ID": 2, "SUBJECT": "Исходящий звонок",
               "COMMUNICATIONS": [{"VALUE": "+79991234567", "ENTITY_ID": contact, "ENTITY_TYPE_ID": 3}],
               "START_TIME": "2026-12-31T12:00:00+03:00", "END_TIME": "2026-12-31T12:30:00+03:00",
               "PRIORITY": 3, "DESCRIPTION": "Важный звонок", "DESCRIPTION_TYPE": 3, "DIRECTION": 2,
               "LOCATION": "Офис", "NOTIFY_TYPE": 1, "NOTIFY_VALUE": 15, "PROVIDER_ID": "VOXIMPLANT_CALL",
               "PROVIDER_TYPE_ID": "CALL", "ORIGINATOR_ID": "ats", "ORIGIN_ID": "call-17",
               "SETTINGS": {"MESSAGE_FROM": "sales@example.com"}, "IS_READ": "Y"})
    r = get(aid)
    check(set(r) == ALL | {"COMMUNICATIONS"}, sorted(set(r) ^ (ALL | {"COMMUNICATIONS"})))
    check(r["ID"] == str(aid) and r["OWNER_ID"] == str(deal) and r["OWNER_TYPE_ID"] == "2" and r["TYPE_ID"] == "2", r)
    check(r["SUBJECT"] == "Исходящий звонок" and r["PRIORITY"] == "3" and r["DIRECTION"] == "2", r)
    check(r["DESCRIPTION"] == "Важный звонок" and r["DESCRIPTION_TYPE"] == "3" and r["LOCATION"] == "Офис", r)
    check(r["NOTIFY_TYPE"] == "1" and r["NOTIFY_VALUE"] == "15", r)
    check(r["PROVIDER_ID"] == "VOXIMPLANT_CALL" and r["PROVIDER_TYPE_ID"] == "CALL", r)
    check(r["ORIGINATOR_ID"] == "ats" and r["ORIGIN_ID"] == "call-17" and r["ASSOCIATED_ENTITY_ID"] == "0", r)
    check(r["SETTINGS"] == {"MESSAGE_FROM": "sales@example.com"} and r["IS_READ"] == "Y", r)
    check(when(r["START_TIME"]) == datetime(2026, 12, 31, 9, 0, tzinfo=timezone.utc), r["START_TIME"])
    check(when(r["END_TIME"]) == datetime(2026, 12, 31, 9, 30, tzinfo=timezone.utc), r["END_TIME"])
    check(r["DEADLINE"] == r["END_TIME"], r)  # DEADLINE follows END_TIME
    check(r["COMPLETED"] == "N" and r["STATUS"] == "1", r)
    check(r["RESPONSIBLE_ID"] == "1" and r["AUTHOR_ID"] == "1" and r["EDITOR_ID"] == "1", r)
    check(len(r["CREATED"]) == 25 and r["CREATED"] == r["LAST_UPDATED"], r)
    comm = r["COMMUNICATIONS"]
    check(len(comm) == 1 and set(comm[0]) == COMM, comm)
    check(comm[0]["TYPE"] == "PHONE" and comm[0]["VALUE"] == "+79991234567" and comm[0]["ENTITY_ID"] == str(contact)
          and comm[0]["ENTITY_TYPE_ID"] == "3" and comm[0]["ACTIVITY_ID"] == str(aid), comm)
    d = item_get("deal", deal)
    check(d["LAST_ACTIVITY_TIME"] == r["CREATED"] and d["LAST_ACTIVITY_BY"] == "1", d["LAST_ACTIVITY_TIME"])
    # defaults: a meeting with START_TIME only; DEADLINE follows START_TIME; the communication is the owner
    m = get(add({"OWNER_TYPE_ID": 2, "OWNER_ID": deal, "TYPE_ID": 1, "SUBJECT": "Встреча",
                 "START_TIME": "2026-12-01T10:00:00+00:00", "COMMUNICATIONS": [{"VALUE": "Иван Петров"}]}))
    check(m["DEADLINE"] == m["START_TIME"] and m["END_TIME"] == "", m)
    check(m["PRIORITY"] == "2" and m["DIRECTION"] == "0" and m["DESCRIPTION_TYPE"] == "1" and m["NOTIFY_TYPE"] == "0", m)
    check(m["NOTIFY_VALUE"] == "0" and m["DESCRIPTION"] == "" and m["LOCATION"] == "" and m["PROVIDER_ID"] == "", m)
    check(m["SETTINGS"] == [] and m["IS_READ"] == "N" and m["COMPLETED"] == "N" and m["STATUS"] == "1", m)
    check(m["COMMUNICATIONS"][0]["TYPE"] == "" and m["COMMUNICATIONS"][0]["ENTITY_ID"] == str(deal)
          and m["COMMUNICATIONS"][0]["ENTITY_TYPE_ID"] == "2", m["COMMUNICATIONS"])
    # an e-mail: TYPE EMAIL, several recipients; completed: STATUS 2
    e = get(add({"OWNER_TYPE_ID": 2, "OWNER_ID": deal, "TYPE_ID": 4, "SUBJECT": "КП", "COMPLETED": "Y",
                 "COMMUNICATIONS": [{"VALUE": "a@example.com"}, {"VALUE": "b@example.com", "TYPE": "email"}]}))
    check([c["TYPE"] for c in e["COMMUNICATIONS"]] == ["EMAIL", "EMAIL"] and e["COMPLETED"] == "Y"
          and e["STATUS"] == "2", e)
    check(e["START_TIME"] == "" and e["DEADLINE"] == "", e)
    # a task needs no communications; STATUS 3 (auto-completed) sets COMPLETED
    t = get(add({"OWNER_TYPE_ID": 2, "OWNER_ID": deal, "TYPE_ID": 3, "SUBJECT": "Задача", "STATUS": 3}))
    check(t["COMMUNICATIONS"] == [] and t["COMPLETED"] == "Y" and t["STATUS"] == "3", t)
    # a provider activity
    p = get(add({"OWNER_TYPE_ID": 2, "OWNER_ID": deal, "TYPE_ID": 6, "SUBJECT": "Заявка с сайта",
                 "PROVIDER_ID": "CRM_WEBFORM", "PROVIDER_TYPE_ID": "WEBFORM"}))
    check(p["TYPE_ID"] == "6" and p["PROVIDER_ID"] == "CRM_WEBFORM", p)
    # explicit DEADLINE; another responsible; every owner type; form encoding
    uid, _ = other_user()
    for kind in ("lead", "contact", "company"):
        iid = item(kind)
        x = get(add(call_fields(iid, kind=kind, RESPONSIBLE_ID=uid, START_TIME="2026-12-02T10:00:00+00:00",
                                DEADLINE="2026-12-05T18:00:00+00:00"), via="form"))
        check(x["OWNER_TYPE_ID"] == str(TYPE_ID[kind]) and x["RESPONSIBLE_ID"] == str(uid), x)
        check(when(x["DEADLINE"]) == datetime(2026, 12, 5, 18, 0, tzinfo=timezone.utc), x["DEADLINE"])
        check(x["COMMUNICATIONS"][0]["ENTITY_TYPE_ID"] == str(TYPE_ID[kind]), x["COMMUNICATIONS"])
        check(item_get(kind, iid)["LAST_ACTIVITY_BY"] == "1")
    # read-only fields from the client are ignored; lower-case names and top-level fields work
    aid = ok("crm.activity.add", {"owner_type_id": 2, "owner_id": deal, "type_id": 3, "subject": "нижний регистр",
                                  "ID": 999999, "AUTHOR_ID": uid, "CREATED": "2000-01-01T00:00:00+00:00"})["result"]
    r = get(aid)
    check(r["ID"] == str(aid) and r["AUTHOR_ID"] == "1" and not r["CREATED"].startswith("2000"), r)
    check(ok("crm.activity.get", {"ID": aid}, via="get")["result"]["SUBJECT"] == "нижний регистр")


@test
def add_refusals():
    deal, contact = item(), item("contact")
    gone = item()
    ok("crm.deal.delete", {"id": gone})
    A, N = "ERROR_ARGUMENT", "NOT_FOUND"
    base = call_fields(deal)
    drop = lambda k: {x: y for x, y in base.items() if x != k}  # noqa: E731
    cases = [
        (drop("OWNER_TYPE_ID"), A, "OWNER_TYPE_ID"),
        ({**base, "OWNER_TYPE_ID": 0}, A, "OWNER_TYPE_ID"),
        ({**base, "OWNER_TYPE_ID": 7}, A, "OWNER_TYPE_ID"),
        ({**base, "OWNER_TYPE_ID": "deal"}, A, "OWNER_TYPE_ID"),
        (drop("OWNER_ID"), A, "OWNER_ID"),
        ({**base, "OWNER_ID": "x"}, A, "OWNER_ID"),
        ({**base, "OWNER_ID": 987654}, N, "not found"),
        ({**base, "OWNER_ID": gone}, N, "not found"),
        ({**base, "OWNER_TYPE_ID": 1, "OWNER_ID": deal + 100000}, N, "not found"),
        (drop("TYPE_ID"), A, "TYPE_ID"),
        ({**base, "TYPE_ID": 5}, A, "TYPE_ID"),
        ({**base, "TYPE_ID": 7}, A, "TYPE_ID"),
        ({**base, "TYPE_ID": "call"}, A, "TYPE_ID"),
        (drop("SUBJECT"), A, "SUBJECT"),
        ({**base, "SUBJECT": ""}, A, "SUBJECT"),
        ({**base, "SUBJECT": "   "}, A, "SUBJECT"),
        ({**base, "SUBJECT": "я" * 256}, A, "SUBJECT"),
        ({**base, "RESPONSIBLE_ID": 987654}, A, "RESPONSIBLE_ID"),
        ({**base, "RESPONSIBLE_ID": "кто-то"}, A, "RESPONSIBLE_ID"),
        (drop("COMMUNICATIONS"), A, "COMMUNICATIONS"),
        ({**base, "COMMUNICATIONS": []}, A, "COMMUNICATIONS"),
        ({**base, "COMMUNICATIONS": [{"VALUE": "1"}, {"VALUE": "2"}]}, A, "only one"),
        ({**base, "TYPE_ID": 1, "COMMUNICATIONS": [{"VALUE": "1"}, {"VALUE": "2"}]}, A, "only one"),
        ({**base, "COMMUNICATIONS": ["+7999"]}, A, "COMMUNICATIONS"),
        ({**base, "COMMUNICATIONS": [{"VALUE": ""}]}, A, "VALUE"),
        ({**base, "COMMUNICATIONS": [{"VALUE": "1" * 256}]}, A, "VALUE"),
        ({**base, "COMMUNICATIONS": [{"VALUE": "1", "TYPE": "FAX"}]}, A, "TYPE"),
        ({**base, "TYPE_ID": 4, "COMMUNICATIONS": [{"VALUE": "не-адрес"}]}, A, "e-mail"),
        ({**base, "COMMUNICATIONS": [{"VALUE": "1", "ENTITY_TYPE_ID": 3}]}, A, "ENTITY_ID"),
        ({**base, "COMMUNICATIONS": [{"VALUE": "1", "ENTITY_TYPE_ID": 9, "ENTITY_ID": contact}]}, A, "ENTITY_TYPE_ID"),
        ({**base, "COMMUNICATIONS": [{"VALUE": "1", "ENTITY_TYPE_ID": 3, "ENTITY_ID": 987654}]}, N, "not found"),
        ({**base, "TYPE_ID": 4, "COMMUNICATIONS": [{"VALUE": f"u{i}@example.com"} for i in range(101)]}, A, "at most"),
        ({**base, "PRIORITY": 0}, A, "PRIORITY"),
        ({**base, "PRIORITY": 4}, A, "PRIORITY"),
        ({**base, "PRIORITY": "high"}, A, "PRIORITY"),
        ({**base, "DIRECTION": 3}, A, "DIRECTION"),
        ({**base, "DESCRIPTION_TYPE": 4}, A, "DESCRIPTION_TYPE"),
        ({**base, "NOTIFY_TYPE": 9}, A, "NOTIFY_TYPE"),
        ({**base, "NOTIFY_VALUE": -1}, A, "NOTIFY_VALUE"),
        ({**base, "COMPLETED": "maybe"}, A, "COMPLETED"),
        ({**base, "STATUS": 5}, A, "STATUS"),
        ({**base, "IS_READ": "x"}, A, "IS_READ"),
        ({**base, "START_TIME": "завтра"}, A, "START_TIME"),
        ({**base, "END_TIME": "2026-13-01T00:00:00"}, A, "END_TIME"),
        ({**base, "DEADLINE": 12345}, A, "DEADLINE"),
        ({**base, "DESCRIPTION": "x" * ((1 << 20) + 1)}, A, "DESCRIPTION"),
        ({**base, "LOCATION": "я" * 256}, A, "LOCATION"),
        ({**base, "PROVIDER_ID": "P" * 101}, A, "PROVIDER_ID"),
        ({**base, "ORIGIN_ID": ["a"]}, A, "ORIGIN_ID"),
        ({**base, "SETTINGS": "x"}, A, "SETTINGS"),
        ({**base, "SETTINGS": {"k": "v" * (64 << 10)}}, A, "SETTINGS"),
        ({**base, "TYPE_ID": 6, "COMMUNICATIONS": []}, A, "provider"),
    ]
    for fields, code, mention in cases:
        fails("crm.activity.add", {"fields": fields}, code, mentions=mention)
    fails("crm.activity.add", {}, A)
    # nothing was written: no activity, no stamp on the deal
    check(owner_total(deal) == 0 and owner_total(gone) == 0)
    check(ok("voronka.crm.timeline.list", {"entityTypeId": 2, "entityId": deal})["total"] == 0)
    check(not item_get("deal", deal)["LAST_ACTIVITY_TIME"])
    # the limits themselves are accepted: 255 characters of SUBJECT, 1 MB of DESCRIPTION
    aid = add({**base, "SUBJECT": "я" * 255, "DESCRIPTION": "x" * (1 << 20), "LOCATION": "л" * 255})
    check(len(get(aid)["SUBJECT"]) == 255 and len(get(aid)["DESCRIPTION"]) == 1 << 20)


@test
def get_refusals():
    fails("crm.activity.get", {}, "ERROR_ARGUMENT", mentions="ID")
    fails("crm.activity.get", {"id": "abc"}, "ERROR_ARGUMENT", mentions="ID")
    fails("crm.activity.get", {"id": -1}, "ERROR_ARGUMENT", mentions="ID")
    fails("crm.activity.get", {"id": 987654}, "NOT_FOUND", mentions="Activity is not found")


@test
def list_filters():
    d1, d2 = item(), item()
    uid, _ = other_user()
    start = datetime(2027, 1, 1, 9, 0, tzinfo=timezone.utc)
    ids = []
    for i in range(55):
        t = (start + timedelta(days=i)).isoformat()
        f = {"OWNER_TYPE_ID": 2, "OWNER_ID": d1, "TYPE_ID": (1, 2, 3)[i % 3], "SUBJECT": f"Дело {i:02d}",
             "START_TIME": t, "END_TIME": t, "COMPLETED": "Y" if i % 2 else "N",
             "RESPONSIBLE_ID": uid if i % 5 == 0 else 1}
        if f["TYPE_ID"] != 3:
            f["COMMUNICATIONS"] = [{"VALUE": f"+7999000{i:04d}"}]
        ids.append(add(f))
    add(call_fields(d2, "Другая сделка"))
    flt = {"OWNER_TYPE_ID": 2, "OWNER_ID": d1}
    p1 = ok("crm.activity.list", {"filter": flt})
    check(p1["total"] == 55 and p1["next"] == 50 and len(p1["result"]) == 50, p1.get("total"), p1.get("next"))
    check(set(p1["result"][0]) == ALL, sorted(p1["result"][0]))  # no COMMUNICATIONS unless selected
    p2 = ok("crm.activity.list", {"filter": flt, "start": 50})
    check(len(p2["result"]) == 5 and "next" not in p2, p2)
    check([int(r["ID"]) for r in p1["result"] + p2["result"]] == ids)
    check(ok("crm.activity.list", {"filter": {**flt, "RESPONSIBLE_ID": uid}})["total"] == 11)
    check(ok("crm.activity.list", {"filter": {**flt, "COMPLETED": "Y"}})["total"] == 27)
    check(ok("crm.activity.list", {"filter": {**flt, "COMPLETED": "N", "RESPONSIBLE_ID": 1}})["total"] == 22)
    check(ok("crm.activity.list", {"filter": {**flt, "TYPE_ID": [1, 2]}})["total"] == 37)
    check(ok("crm.activity.list", {"filter": {**flt, "STATUS": 2}})["total"] == 27)
    # DEADLINE ranges (DEADLINE follows END_TIME): days 10..19
    rng = {**flt, ">=DEADLINE": (start + timedelta(days=10)).isoformat(),
           "<DEADLINE": "2027-01-21T12:00:00+03:00"}
    r = ok("crm.activity.list", {"filter": rng, "order": {"DEADLINE": "ASC"}})
    check(r["total"] == 10 and r["result"][0]["SUBJECT"] == "Дело 10", r.get("total"))
    check(ok("crm.activity.list", {"filter": {**flt, "<DEADLINE": "2027-01-03T00:00:00Z"}})["total"] == 2)
    # order, text search, select with and without COMMUNICATIONS
    o = ok("crm.activity.list", {"filter": flt, "order": {"DEADLINE": "DESC"}})["result"]
    check(o[0]["SUBJECT"] == "Дело 54", o[0])
    check(ok("crm.activity.list", {"filter": {**flt, "%SUBJECT": "Дело 5"}})["total"] == 5)
    s = ok("crm.activity.list", {"filter": {"ID": ids[1]}, "select": ["ID", "SUBJECT", "COMMUNICATIONS"]})["result"]
    check(len(s) == 1 and set(s[0]) == {"ID", "SUBJECT", "COMMUNICATIONS"}, s)
    check(s[0]["COMMUNICATIONS"][0]["VALUE"] == "+79990000001" and s[0]["COMMUNICATIONS"][0]["TYPE"] == "PHONE", s)
    s = ok("crm.activity.list", {"filter": {"ID": ids[2]}, "select": ["*", "COMMUNICATIONS"]})["result"][0]
    check(set(s) == ALL | {"COMMUNICATIONS"} and s["COMMUNICATIONS"] == [], sorted(s))
    s = ok("crm.activity.list", {"filter": {"ID": ids[1]}, "select": ["COMMUNICATIONS"]}, via="form")["result"]
    check(set(s[0]) == {"ID", "COMMUNICATIONS"} and len(s[0]["COMMUNICATIONS"]) == 1, s)
    k = ok("crm.activity.list", {"filter": flt, "start": -1})
    check("total" not in k and len(k["result"]) == 50, k.get("total"))
    g = ok("crm.activity.list", {"filter": flt, "start": 50}, via="get")
    check(g["total"] == 55 and len(g["result"]) == 5)


@test
def list_refusals():
    fails("crm.activity.list", {"filter": {"BOGUS": 1}}, "ERROR_ARGUMENT", mentions="BOGUS")
    fails("crm.activity.list", {"filter": {"COMMUNICATIONS": "x"}}, "ERROR_ARGUMENT", mentions="COMMUNICATIONS")
    fails("crm.activity.list", {"filter": {">DEADLINE": "вчера"}}, "ERROR_ARGUMENT", mentions="DEADLINE")
    fails("crm.activity.list", {"filter": {"OWNER_ID": "x"}}, "ERROR_ARGUMENT", mentions="OWNER_ID")
    fails("crm.activity.list", {"filter": {"COMPLETED": "maybe"}}, "ERROR_ARGUMENT", mentions="COMPLETED")
    fails("crm.activity.list", {"order": {"SETTINGS": "ASC"}}, "ERROR_ARGUMENT", mentions="SETTINGS")
    fails("crm.activity.list", {"order": {"BOGUS": "ASC"}}, "ERROR_ARGUMENT", mentions="BOGUS")


@test
def update():
    deal, contact = item(), item("contact")
    uid, _ = other_user()
    aid = add(call_fields(deal, START_TIME="2027-02-01T10:00:00+00:00", END_TIME="2027-02-01T11:00:00+00:00",
                          DESCRIPTION="было"))
    before = get(aid)
    check(ok("crm.activity.update", {"id": aid, "fields": {"SUBJECT": "Перезвонить", "COMPLETED": "Y",
                                                            "RESPONSIBLE_ID": uid, "IS_READ": "Y"}})["result"] is True)
    r = get(aid)
    check(r["SUBJECT"] == "Перезвонить" and r["COMPLETED"] == "Y" and r["STATUS"] == "2", r)
    check(r["RESPONSIBLE_ID"] == str(uid) and r["IS_READ"] == "Y" and r["DESCRIPTION"] == "было", r)
    check(r["CREATED"] == before["CREATED"] and r["LAST_UPDATED"] >= before["LAST_UPDATED"], r)
    check(r["DEADLINE"] == before["DEADLINE"] and r["COMMUNICATIONS"] == before["COMMUNICATIONS"], r)
    # END_TIME moves DEADLINE; START_TIME alone keeps it on END_TIME; an explicit DEADLINE wins
    ok("crm.activity.update", {"id": aid, "fields": {"END_TIME": "2027-02-03T12:00:00+00:00"}})
    check(when(get(aid)["DEADLINE"]) == datetime(2027, 2, 3, 12, 0, tzinfo=timezone.utc))
    ok("crm.activity.update", {"id": aid, "fields": {"START_TIME": "2027-02-02T09:00:00+00:00"}})
    check(when(get(aid)["DEADLINE"]) == datetime(2027, 2, 3, 12, 0, tzinfo=timezone.utc))
    ok("crm.activity.update", {"id": aid, "fields": {"END_TIME": ""}})
    r = get(aid)
    check(r["END_TIME"] == "" and when(r["DEADLINE"]) == datetime(2027, 2, 2, 9, 0, tzinfo=timezone.utc), r)
    ok("crm.activity.update", {"id": aid, "fields": {"DEADLINE": "2027-03-01T00:00:00+00:00",
                                                     "START_TIME": "2027-02-20T00:00:00+00:00"}})
    check(when(get(aid)["DEADLINE"]) == datetime(2027, 3, 1, tzinfo=timezone.utc))
    # COMMUNICATIONS are replaced; STATUS alone; empty values restore defaults
    ok("crm.activity.update", {"id": aid, "fields": {"COMMUNICATIONS": [{"VALUE": "+70000000000", "ENTITY_ID": contact,
                                                                         "ENTITY_TYPE_ID": 3}], "STATUS": 1,
                                                     "PRIORITY": "", "DESCRIPTION": ""}})
    r = get(aid)
    check(len(r["COMMUNICATIONS"]) == 1 and r["COMMUNICATIONS"][0]["VALUE"] == "+70000000000"
          and r["COMMUNICATIONS"][0]["ENTITY_ID"] == str(contact), r["COMMUNICATIONS"])
    check(r["COMPLETED"] == "N" and r["STATUS"] == "1" and r["PRIORITY"] == "2" and r["DESCRIPTION"] == "", r)
    # OWNER_*, TYPE_ID are fixed at creation; read-only fields are ignored
    ok("crm.activity.update", {"id": aid, "fields": {"OWNER_ID": deal + 1, "OWNER_TYPE_ID": 1, "TYPE_ID": 3,
                                                     "AUTHOR_ID": uid, "CREATED": "2000-01-01T00:00:00+00:00"}})
    r = get(aid)
    check(r["OWNER_ID"] == str(deal) and r["OWNER_TYPE_ID"] == "2" and r["TYPE_ID"] == "2", r)
    check(r["AUTHOR_ID"] == "1" and r["CREATED"] == before["CREATED"], r)
    # another user edits (the deal is theirs now: a manager edits activities of own items):
    # EDITOR_ID and the deal's LAST_ACTIVITY_BY follow
    ok("crm.deal.update", {"id": deal, "fields": {"ASSIGNED_BY_ID": uid}})
    url = ok("voronka.webhook.add", {"USER_ID": uid})["result"]["URL"]
    st, body = srv.call("crm.activity.update", {"id": aid, "fields": {"LOCATION": "Переговорная"}},
                        path=url + "crm.activity.update")
    check(st == 200 and body["result"] is True, st, body)
    r = get(aid)
    check(r["EDITOR_ID"] == str(uid) and r["AUTHOR_ID"] == "1" and r["LOCATION"] == "Переговорная", r)
    check(item_get("deal", deal)["LAST_ACTIVITY_BY"] == str(uid))
    ok("crm.activity.update", {"ID": aid, "FIELDS": {"subject": "форма"}}, via="form")
    check(get(aid)["SUBJECT"] == "форма")


@test
def update_refusals():
    deal = item()
    aid = add(call_fields(deal, "Неизменное"))
    before = get(aid)
    A = "ERROR_ARGUMENT"
    for fields, mention in (({"SUBJECT": ""}, "SUBJECT"), ({"PRIORITY": 9}, "PRIORITY"),
                            ({"COMMUNICATIONS": []}, "COMMUNICATIONS"),
                            ({"COMMUNICATIONS": [{"VALUE": "1"}, {"VALUE": "2"}]}, "only one"),
                            ({"RESPONSIBLE_ID": 987654}, "RESPONSIBLE_ID"), ({"START_TIME": "x"}, "START_TIME"),
                            ({"SUBJECT": "ok", "DIRECTION": 7}, "DIRECTION"), ({"SETTINGS": [1]}, "SETTINGS"),
                            ({"COMPLETED": "Да"}, "COMPLETED")):
        fails("crm.activity.update", {"id": aid, "fields": fields}, A, mentions=mention)
    fails("crm.activity.update", {"id": aid, "fields": {"SUBJECT": "x", "COMMUNICATIONS": [
        {"VALUE": "1", "ENTITY_TYPE_ID": 3, "ENTITY_ID": 987654}]}}, "NOT_FOUND")
    fails("crm.activity.update", {"fields": {"SUBJECT": "x"}}, A, mentions="ID")
    fails("crm.activity.update", {"id": 987654, "fields": {"SUBJECT": "x"}}, "NOT_FOUND", mentions="Activity is not found")
    check(get(aid) == before, get(aid), before)


@test
def delete():
    deal = item()
    aid = add(call_fields(deal, "Удаляемое"))
    check(ok("crm.activity.delete", {"id": aid})["result"] is True)
    fails("crm.activity.get", {"id": aid}, "NOT_FOUND")
    fails("crm.activity.delete", {"id": aid}, "NOT_FOUND", mentions="Activity is not found")
    fails("crm.activity.update", {"id": aid, "fields": {"SUBJECT": "x"}}, "NOT_FOUND")
    fails("crm.activity.delete", {}, "ERROR_ARGUMENT", mentions="ID")
    fails("crm.activity.delete", {"id": "x"}, "ERROR_ARGUMENT", mentions="ID")
    check(owner_total(deal) == 0)
    check(ok("voronka.crm.timeline.list", {"entityTypeId": 2, "entityId": deal})["total"] == 0)
    check(item_get("deal", deal)["LAST_ACTIVITY_BY"] == "1")
    a2 = add(call_fields(deal, "через GET"))
    check(ok("crm.activity.delete", {"ID": a2}, via="get")["result"] is True)
    # deleting the item takes its activities with it
    a3 = add(call_fields(deal, "уйдёт со сделкой"))
    ok("crm.deal.delete", {"id": deal})
    fails("crm.activity.get", {"id": a3}, "NOT_FOUND")


@test
def methods_batch_scope():
    names = ok("methods", {"scope": "crm"})["result"]
    for m in ("add", "delete", "fields", "get", "list", "update", "communication.fields"):
        check("crm.activity." + m in names, m, names)
    deal = item()
    b = ok("batch", {"cmd": {
        "a": f"crm.activity.add?fields[OWNER_TYPE_ID]=2&fields[OWNER_ID]={deal}&fields[TYPE_ID]=2"
             "&fields[SUBJECT]=пакет&fields[COMMUNICATIONS][0][VALUE]=%2B7999",
        "g": "crm.activity.get?id=$result[a]",
        "l": f"crm.activity.list?filter[OWNER_ID]={deal}&filter[OWNER_TYPE_ID]=2"}})
    res = b["result"]["result"]
    check(res["g"]["SUBJECT"] == "пакет" and res["g"]["COMMUNICATIONS"][0]["VALUE"] == "+7999", b)
    check(res["l"][0]["ID"] == str(res["a"]), b)
    user_only = ok("voronka.webhook.add", {"SCOPE": "user"})["result"]["URL"]
    st, body = srv.call("crm.activity.list", path=user_only + "crm.activity.list")
    check(st == 403 and body.get("error") == "insufficient_scope", st, body)


run()
