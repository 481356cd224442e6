"""test_crm_items.py — the integrator's acceptance test of the legacy CRM item methods
crm.{lead,deal,contact,company}.{fields,add,get,list,update,delete} against the real binary.

Expected behaviour comes from Bitrix24's documentation (bitrix24/b24restdocs: crm-deal-add,
crm-deal-update, crm-deal-get, crm-deal-list, crm-lead-add, crm-lead-update, crm-contact-add,
crm-contact-update (multi-fields), crm-contact-get, crm-contact-fields, crm-company-add,
crm-category-delete, crm-status-delete, crm-stage-history-list), from §1 and §3 of
/work/shared/reference/bitrix24-rest.md and from the issue's requirements — never from the
implementation.

The legacy error envelope: the docs of crm.deal.get/update/list and crm.lead.update answer
HTTP 400 {"error": "", "error_description": "..."} ("Not found", "ID is not defined or invalid.",
"Parameter 'fields' must be array."). One documented exception: crm.company.add lists
`ERROR_CORE` for an invalid e-mail, so the e-mail refusals accept "" or "ERROR_CORE".

Run:  VORONKA_BIN=$PWD/build-qa/voronka python3 tests/api/test_crm_items.py
"""
import datetime, os, re, sys, time, urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, test, run, check, voronka  # noqa: E402

srv = Server()

ENTITIES = ("lead", "deal", "contact", "company")
MULTI = ("PHONE", "EMAIL", "WEB", "IM")
ISO_DT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
DESCRIPTOR_KEYS = {"type", "isRequired", "isReadOnly", "isImmutable", "isMultiple", "isDynamic", "title"}
# A minimal valid record of each family (a company needs TITLE; the others need nothing).
MINIMAL = {"lead": {"TITLE": "lead"}, "deal": {"TITLE": "deal"}, "contact": {"NAME": "contact"},
           "company": {"TITLE": "company"}}


# ---- helpers -------------------------------------------------------------------------------

def ok(method, params=None, via="json"):
    st, body = srv.call(method, params, via=via)
    check(st == 200 and "result" in body and "error" not in body, method, params, st, body)
    return body


def refused(method, params, mentions=None, codes=("",)):
    """A legacy CRM refusal: HTTP 400, {"error": "", "error_description": "..."}, no result."""
    st, body = srv.call(method, params)
    check(st == 400 and "result" not in body and body.get("error") in codes, method, params, st, body)
    desc = body.get("error_description")
    check(isinstance(desc, str) and desc, "no error_description", body)
    if mentions:
        check(mentions.lower() in desc.lower(), "description should mention", mentions, body)
    return body


def add(entity, fields, via="json"):
    new_id = ok("crm.%s.add" % entity, {"fields": fields}, via=via)["result"]
    check(isinstance(new_id, int) and new_id > 0, "add must answer the new id as a JSON number", new_id)
    return new_id


def get(entity, item_id):
    return ok("crm.%s.get" % entity, {"id": item_id})["result"]


def update(entity, item_id, fields):
    check(ok("crm.%s.update" % entity, {"id": item_id, "fields": fields})["result"] is True)


def total(entity, flt=None):
    body = ok("crm.%s.list" % entity, {"filter": flt or {}, "select": ["ID"]})
    check(isinstance(body.get("total"), int), "list must carry total", body)
    return body["total"]


def counts():
    return {e: total(e) for e in ENTITIES}


def ids(body):
    return [int(r["ID"]) for r in body["result"]]


def list_ids(entity, flt, order=None):
    return ids(ok("crm.%s.list" % entity, {"filter": flt, "order": order or {"ID": "ASC"}, "select": ["ID"]}))


def idset(values):
    """Link lists (CONTACT_IDS, COMPANY_IDS, a company's CONTACT_ID) as ints; strings or numbers."""
    check(isinstance(values, list), "expected a list of ids", values)
    return [int(v) for v in values]


def empty_ref(v):
    """An unset link reads null, "" or "0" in the legacy format."""
    return v in (None, "", "0")


def mf(record, kind):
    """A record's multi-field rows; Bitrix omits the key when there are none."""
    rows = record.get(kind) or []
    for r in rows:
        check(set(r) == {"ID", "VALUE_TYPE", "VALUE", "TYPE_ID"}, "multi-field row shape", r)
        check(isinstance(r["ID"], str) and r["ID"].isdigit() and r["TYPE_ID"] == kind, r)
    return rows


def values(record, kind):
    return sorted(r["VALUE"] for r in mf(record, kind))


def legacy_scalars(record, where):
    """Legacy records carry every scalar as a string (or null); only link and multi-field
    lists are lists."""
    for k, v in record.items():
        if isinstance(v, list):
            continue
        check(v is None or isinstance(v, str), where, "field %s is not a string: %r" % (k, v))


def search(query):
    return ok("voronka.crm.search", {"query": query})["result"]


def method_exists(method, params):
    st, body = srv.call(method, params)
    return not (st == 404 and body.get("error") == "ERROR_METHOD_NOT_FOUND")


def new_pipeline(name):
    c = ok("crm.category.add", {"entityTypeId": 2, "fields": {"name": name}})["result"]["category"]
    return c["id"]


# ---- fields --------------------------------------------------------------------------------

@test
def fields_of_every_family():
    for e in ENTITIES:
        f = ok("crm.%s.fields" % e)["result"]
        check(isinstance(f, dict) and f, e, f)
        for name, d in f.items():
            check(DESCRIPTOR_KEYS <= set(d), e, name, d)
            check(all(isinstance(d[k], bool) for k in DESCRIPTOR_KEYS - {"type", "title"}), e, name, d)
        check(f["ID"]["type"] == "integer" and f["ID"]["isReadOnly"] is True, e, f["ID"])
        for ro in ("DATE_CREATE", "DATE_MODIFY", "CREATED_BY_ID", "MODIFY_BY_ID"):
            check(f[ro]["isReadOnly"] is True, e, ro, f[ro])
        check(f["DATE_CREATE"]["type"] == "datetime" and f["ASSIGNED_BY_ID"]["type"] == "user", e)
        check(f["OPENED"]["type"] == "char", e, f["OPENED"])
        if e != "deal":
            for m in MULTI:
                check(f[m]["type"] == "crm_multifield" and f[m]["isMultiple"] is True, e, m, f.get(m))
            check(f["HAS_PHONE"]["isReadOnly"] is True and f["HAS_EMAIL"]["isReadOnly"] is True, e)
    deal = ok("crm.deal.fields")["result"]
    check(deal["OPPORTUNITY"]["type"] == "double" and deal["BEGINDATE"]["type"] == "date", deal["BEGINDATE"])
    check(deal["STAGE_ID"]["type"] == "crm_status" and deal["STAGE_ID"].get("statusType") == "DEAL_STAGE",
          deal["STAGE_ID"])
    check(deal["CATEGORY_ID"]["type"] == "crm_category" and deal["CATEGORY_ID"]["isImmutable"] is True,
          deal["CATEGORY_ID"])
    check(deal["STAGE_SEMANTIC_ID"]["isReadOnly"] is True, deal["STAGE_SEMANTIC_ID"])
    check(deal["CONTACT_IDS"]["type"] == "crm_contact" and deal["CONTACT_IDS"]["isMultiple"] is True,
          deal["CONTACT_IDS"])
    check(deal["COMPANY_ID"]["type"] == "crm_company" and deal["CLOSED"]["type"] == "char", deal["COMPANY_ID"])
    lead = ok("crm.lead.fields")["result"]
    check(lead["STATUS_ID"]["type"] == "crm_status" and lead["STATUS_ID"].get("statusType") == "STATUS",
          lead["STATUS_ID"])
    check(lead["STATUS_SEMANTIC_ID"]["isReadOnly"] is True, lead["STATUS_SEMANTIC_ID"])
    contact = ok("crm.contact.fields")["result"]
    check(contact["COMPANY_IDS"]["type"] == "crm_company" and contact["COMPANY_IDS"]["isMultiple"] is True,
          contact["COMPANY_IDS"])
    company = ok("crm.company.fields")["result"]
    check(company["TITLE"]["isRequired"] is True, company["TITLE"])
    check(company["REVENUE"]["type"] == "double", company["REVENUE"])


# ---- add / get: the legacy record format, defaults, stamps -----------------------------------

@test
def lead_record_format():
    lid = add("lead", {"TITLE": "Заявка с сайта", "NAME": "Глеб", "LAST_NAME": "Титов", "OPPORTUNITY": 1500,
                       "CURRENCY_ID": "RUB", "PHONE": [{"VALUE": "+7 495 100-00-01", "VALUE_TYPE": "WORK"}],
                       "EMAIL": [{"VALUE": "gleb@example.com", "VALUE_TYPE": "HOME"}], "COMMENTS": "[B]hi[/B]"})
    r = get("lead", lid)
    legacy_scalars(r, "lead")
    check(r["ID"] == str(lid) and r["TITLE"] == "Заявка с сайта" and r["NAME"] == "Глеб", r)
    check(r["OPPORTUNITY"] == "1500.00" and r["CURRENCY_ID"] == "RUB", r)
    check(r["STATUS_ID"] == "NEW" and r["STATUS_SEMANTIC_ID"] == "P", "first status by default", r)
    check(r["OPENED"] == "Y" and r["ASSIGNED_BY_ID"] == "1", "defaults", r)
    check(r["CREATED_BY_ID"] == "1" and r["MODIFY_BY_ID"] == "1", "server stamps", r)
    check(ISO_DT.match(r["DATE_CREATE"]) and ISO_DT.match(r["DATE_MODIFY"]), "ISO dates", r)
    check(r["HAS_PHONE"] == "Y" and r["HAS_EMAIL"] == "Y" and r["COMMENTS"] == "[B]hi[/B]", r)
    check(r["IS_RETURN_CUSTOMER"] == "N", "no company/contact: not a repeat lead", r)
    p = mf(r, "PHONE")
    check(len(p) == 1 and p[0]["VALUE"] == "+7 495 100-00-01" and p[0]["VALUE_TYPE"] == "WORK", p)
    e = mf(r, "EMAIL")
    check(len(e) == 1 and e[0]["VALUE"] == "gleb@example.com" and e[0]["VALUE_TYPE"] == "HOME", e)


NUMERIC_ID_TYPES = {"integer", "user", "crm_company", "crm_contact", "crm_lead", "crm_quote", "crm_category",
                    "crm_entity"}


def check_value_type(where, name, kind, v):
    """One scalar of a legacy record against its crm.X.fields type."""
    if kind == "char":
        check(v in ("Y", "N"), where, name, "a char is Y or N", v)
    elif kind in NUMERIC_ID_TYPES:
        check(v in (None, "") or (isinstance(v, str) and re.match(r"^-?\d+$", v)), where, name, "integer as string", v)
    elif kind == "double":
        check(isinstance(v, str) and re.match(r"^-?\d+\.\d\d$", v), where, name, "money as a string, 2 decimals", v)
    elif kind in ("date", "datetime"):
        check(v in (None, "") or (isinstance(v, str) and ISO_DT.match(v)), where, name, "ISO 8601 with offset", v)
    elif kind in ("string", "crm_status", "crm_currency", "location"):
        check(v is None or isinstance(v, str), where, name, "a string", v)


@test
def record_types_follow_fields():
    co = add("company", {"TITLE": "Typed Co", "REVENUE": 12.5})
    ct = add("contact", {"NAME": "Typed", "COMPANY_ID": co, "BIRTHDATE": "1985-01-02"})
    recs = {"company": co, "contact": ct,
            "deal": add("deal", {"TITLE": "Typed deal", "COMPANY_ID": co, "CONTACT_IDS": [ct], "OPPORTUNITY": 7,
                                 "PROBABILITY": 30}),
            "lead": add("lead", {"TITLE": "Typed lead", "OPPORTUNITY": 0.1, "BIRTHDATE": "1970-12-31",
                                 "COMPANY_ID": co})}
    for e, i in recs.items():
        f = ok("crm.%s.fields" % e)["result"]
        r = get(e, i)
        row = ok("crm.%s.list" % e, {"filter": {"ID": i}})["result"][0]
        for src, rec in (("get", r), ("list", row)):
            for name, v in rec.items():
                d = f.get(name)
                if d is None or d["isMultiple"] or d["type"] == "crm_multifield":
                    continue
                check_value_type("%s.%s" % (e, src), name, d["type"], v)
    check(get("company", co)["REVENUE"] == "12.50" and get("lead", recs["lead"])["OPPORTUNITY"] == "0.10")
    check(get("deal", recs["deal"])["PROBABILITY"] == "30", get("deal", recs["deal"]))


@test
def deal_defaults():
    did = add("deal", {"OPPORTUNITY": "1500"})
    r = get("deal", did)
    legacy_scalars(r, "deal")
    # crm.deal.add: TITLE "by default … the template Deal #{id}" (a Russian portal says «Сделка»)
    check(re.match(r"^(Deal|Сделка) #%d$" % did, r["TITLE"]), "default TITLE", r["TITLE"])
    check(r["CATEGORY_ID"] == "0" and r["STAGE_ID"] == "NEW" and r["STAGE_SEMANTIC_ID"] == "P", r)
    check(r["OPPORTUNITY"] == "1500.00" and r["TAX_VALUE"] == "0.00", r)
    check(r["OPENED"] == "Y" and r["CLOSED"] == "N" and r["ASSIGNED_BY_ID"] == "1", r)
    check(r["IS_RECURRING"] == "N" and r["IS_RETURN_CUSTOMER"] == "N" and r["IS_MANUAL_OPPORTUNITY"] == "N", r)
    check(r["CREATED_BY_ID"] == "1" and r["MODIFY_BY_ID"] == "1", r)
    for k in ("DATE_CREATE", "DATE_MODIFY", "BEGINDATE", "CLOSEDATE"):
        check(ISO_DT.match(r[k] or ""), k, r[k])
    # BEGINDATE: the creation date; CLOSEDATE: the creation date plus 7 days.
    created = datetime.date.fromisoformat(r["DATE_CREATE"][:10])
    check(r["BEGINDATE"][:10] == created.isoformat(), "BEGINDATE = today", r["BEGINDATE"], r["DATE_CREATE"])
    check(r["CLOSEDATE"][:10] == (created + datetime.timedelta(days=7)).isoformat(), "CLOSEDATE = +7d", r)
    check(r["CONTACT_ID"] in (None, "", "0") and empty_ref(r["COMPANY_ID"]), r)
    # explicit dates are kept (a date field reads as midnight with an offset)
    did2 = add("deal", {"TITLE": "dated", "BEGINDATE": "2024-03-05", "CLOSEDATE": "2024-03-20"})
    r2 = get("deal", did2)
    check(r2["BEGINDATE"].startswith("2024-03-05T") and r2["CLOSEDATE"].startswith("2024-03-20T"), r2)
    check(ISO_DT.match(r2["BEGINDATE"]) and ISO_DT.match(r2["CLOSEDATE"]), r2)


@test
def contact_and_company_records():
    cid = add("contact", {"NAME": "Иван", "LAST_NAME": "Петров", "POST": "Директор",
                          "BIRTHDATE": "1990-05-17", "EMAIL": [{"VALUE": "ivan@example.com", "VALUE_TYPE": "WORK"}]})
    c = get("contact", cid)
    legacy_scalars(c, "contact")
    check(c["ID"] == str(cid) and c["NAME"] == "Иван" and c["LAST_NAME"] == "Петров" and c["POST"] == "Директор", c)
    check(c["BIRTHDATE"].startswith("1990-05-17"), c["BIRTHDATE"])
    check(c["OPENED"] == "Y" and c["EXPORT"] == "Y" and c["ASSIGNED_BY_ID"] == "1", "documented defaults", c)
    check(c["HAS_EMAIL"] == "Y" and c["HAS_PHONE"] == "N" and not mf(c, "PHONE"), c)
    check(ISO_DT.match(c["DATE_CREATE"]) and c["CREATED_BY_ID"] == "1", c)
    coid = add("company", {"TITLE": "ООО «Ромашка»", "REVENUE": 3000000, "IS_MY_COMPANY": "N",
                           "PHONE": [{"VALUE": "555888", "VALUE_TYPE": "WORK"}]})
    co = get("company", coid)
    legacy_scalars(co, "company")
    check(co["TITLE"] == "ООО «Ромашка»" and co["REVENUE"] == "3000000.00" and co["IS_MY_COMPANY"] == "N", co)
    check(co["OPENED"] == "Y" and co["ASSIGNED_BY_ID"] == "1" and co["HAS_PHONE"] == "Y", co)
    check(values(co, "PHONE") == ["555888"], co)
    # crm.company.fields: TITLE is required
    before = total("company")
    refused("crm.company.add", {"fields": {"COMMENTS": "no title"}}, mentions="TITLE")
    check(total("company") == before)


@test
def assigned_to_another_user():
    uid = ok("user.add", {"EMAIL": "manager.items@example.com", "NAME": "Менеджер"})["result"]
    for e in ENTITIES:
        i = add(e, dict(MINIMAL[e], ASSIGNED_BY_ID=uid))
        r = get(e, i)
        check(r["ASSIGNED_BY_ID"] == str(uid) and r["CREATED_BY_ID"] == "1", e, r)
    refused("crm.deal.add", {"fields": {"ASSIGNED_BY_ID": 987654}}, mentions="ASSIGNED_BY_ID")
    did = add("deal", {"TITLE": "who"})
    refused("crm.deal.update", {"id": did, "fields": {"ASSIGNED_BY_ID": 987654, "TITLE": "changed"}})
    r = get("deal", did)
    check(r["ASSIGNED_BY_ID"] == "1" and r["TITLE"] == "who", "refused update changed nothing", r)


@test
def stamps_follow_the_caller():
    # ASSIGNED_BY_ID defaults to the caller; CREATED_BY_ID / MODIFY_BY_ID are who added / changed.
    uid = ok("user.add", {"EMAIL": "caller.items@example.com", "NAME": "Звонящий"})["result"]
    out = voronka("webhook", "add", "--data", srv.data, "--user", str(uid), "--scope", "crm").stdout
    m = re.search(r"/rest/(\d+)/([A-Za-z0-9]+)/", out)
    check(m, out)
    path = "/rest/%s/%s/" % (m.group(1), m.group(2))
    for e in ENTITIES:
        st, body = srv.call("crm.%s.add" % e, {"fields": MINIMAL[e]}, path=path + "crm.%s.add" % e)
        check(st == 200 and isinstance(body.get("result"), int), e, st, body)
        r = get(e, body["result"])
        check(r["ASSIGNED_BY_ID"] == str(uid) and r["CREATED_BY_ID"] == str(uid) and r["MODIFY_BY_ID"] == str(uid),
              e, r)
        update(e, body["result"], {"COMMENTS": "changed by the admin"})
        r = get(e, body["result"])
        check(r["MODIFY_BY_ID"] == "1" and r["CREATED_BY_ID"] == str(uid) and r["ASSIGNED_BY_ID"] == str(uid), e, r)


@test
def readonly_and_unknown_fields_ignored():
    # "An incorrect field in fields will be ignored"; read-only fields are the server's own.
    did = add("deal", {"TITLE": "stamps", "ID": 99999, "CREATED_BY_ID": 7, "MODIFY_BY_ID": 7,
                       "DATE_CREATE": "2001-01-01T00:00:00+00:00", "DATE_MODIFY": "2001-01-01T00:00:00+00:00",
                       "STAGE_SEMANTIC_ID": "S", "IS_NEW": "N", "NO_SUCH_FIELD": "x", "UF_CRM_NOPE": 1})
    check(did != 99999, "ID is read-only", did)
    r = get("deal", did)
    check(r["CREATED_BY_ID"] == "1" and r["MODIFY_BY_ID"] == "1", r)
    check(not r["DATE_CREATE"].startswith("2001") and not r["DATE_MODIFY"].startswith("2001"), r)
    check(r["STAGE_SEMANTIC_ID"] == "P" and "NO_SUCH_FIELD" not in r and "UF_CRM_NOPE" not in r, r)
    lid = add("lead", {"TITLE": "ro", "HAS_PHONE": "Y", "HAS_EMAIL": "Y", "STATUS_SEMANTIC_ID": "S",
                       "IS_RETURN_CUSTOMER": "Y", "DATE_CLOSED": "2001-01-01T00:00:00+00:00"})
    lr = get("lead", lid)
    check(lr["HAS_PHONE"] == "N" and lr["HAS_EMAIL"] == "N" and lr["STATUS_SEMANTIC_ID"] == "P", lr)
    check(lr["IS_RETURN_CUSTOMER"] == "N", "IS_RETURN_CUSTOMER cannot be written (crm.lead.add)", lr)
    # the same on update
    update("deal", did, {"CREATED_BY_ID": 7, "DATE_CREATE": "2001-01-01T00:00:00+00:00", "NO_SUCH_FIELD": 1,
                         "COMMENTS": "seen"})
    r2 = get("deal", did)
    check(r2["CREATED_BY_ID"] == "1" and r2["DATE_CREATE"] == r["DATE_CREATE"] and r2["COMMENTS"] == "seen", r2)
    for e in ("lead", "contact", "company"):
        i = add(e, dict(MINIMAL[e], UNKNOWN_THING="zzz"))
        update(e, i, {"ANOTHER_UNKNOWN": [1, 2]})
        check("UNKNOWN_THING" not in get(e, i), e)


@test
def update_changes_only_passed_fields():
    coid = add("company", {"TITLE": "Links Co"})
    ctid = add("contact", {"NAME": "Keep"})
    did = add("deal", {"TITLE": "before", "OPPORTUNITY": 250, "COMMENTS": "keep me", "COMPANY_ID": coid,
                       "CONTACT_IDS": [ctid], "SOURCE_DESCRIPTION": "src", "PROBABILITY": 40})
    before = get("deal", did)
    time.sleep(1.05)   # DATE_MODIFY has second resolution
    update("deal", did, {"TITLE": "after"})
    after = get("deal", did)
    changed = {k for k in before if before[k] != after.get(k)}
    check(changed <= {"TITLE", "DATE_MODIFY", "MODIFY_BY_ID"}, "only TITLE (and stamps) may change", changed)
    check(after["TITLE"] == "after" and after["DATE_MODIFY"] > before["DATE_MODIFY"], after)
    check(after["DATE_CREATE"] == before["DATE_CREATE"], after)
    # the same for the person families: multi-fields untouched when not passed
    cid = add("contact", {"NAME": "Анна", "LAST_NAME": "Смирнова",
                          "PHONE": [{"VALUE": "+100200", "VALUE_TYPE": "WORK"}]})
    c0 = get("contact", cid)
    update("contact", cid, {"POST": "Бухгалтер"})
    c1 = get("contact", cid)
    check(c1["POST"] == "Бухгалтер" and c1["NAME"] == "Анна" and c1["LAST_NAME"] == "Смирнова", c1)
    check(mf(c1, "PHONE") == mf(c0, "PHONE") and c1["HAS_PHONE"] == "Y", c1)
    # DATE_MODIFY DESC puts the just-updated deal first
    top = ok("crm.deal.list", {"order": {"DATE_MODIFY": "DESC", "ID": "ASC"}, "select": ["ID", "DATE_MODIFY"]})
    check(top["result"][0]["ID"] == str(did), "DATE_MODIFY DESC", top["result"][:3])


@test
def delete_every_family():
    for e in ENTITIES:
        i = add(e, MINIMAL[e])
        n = total(e)
        check(ok("crm.%s.delete" % e, {"id": i})["result"] is True, e)
        check(total(e) == n - 1, e)
        refused("crm.%s.get" % e, {"id": i}, mentions="Not found")
        refused("crm.%s.update" % e, {"id": i, "fields": {"COMMENTS": "x"}}, mentions="Not found")
        refused("crm.%s.delete" % e, {"id": i}, mentions="Not found")
        check(i not in list_ids(e, {"ID": i}), e)
    # a deleted id cannot be linked either
    gone = add("contact", {"NAME": "Gone"})
    ok("crm.contact.delete", {"id": gone})
    n = total("deal")
    refused("crm.deal.add", {"fields": {"TITLE": "x", "CONTACT_IDS": [gone]}})
    check(total("deal") == n)


@test
def id_and_fields_parameter_case():
    # SDKs send lower-case id/fields, the docs' cURL examples upper-case ID/FIELDS.
    did = ok("crm.deal.add", {"FIELDS": {"TITLE": "upper"}})["result"]
    check(ok("crm.deal.update", {"ID": did, "FIELDS": {"TITLE": "Upper 2"}})["result"] is True)
    check(ok("crm.deal.get", {"ID": did})["result"]["TITLE"] == "Upper 2")
    check(ok("crm.deal.list", {"FILTER": {"ID": did}, "SELECT": ["ID"]})["result"] == [{"ID": str(did)}])


@test
def form_and_query_encodings():
    # PHP-style keys, as BX24.js and the PHP SDKs send them
    cid = ok("crm.contact.add", {"fields": {"NAME": "Форма", "OPENED": "N",
                                            "PHONE": [{"VALUE": "+7 000 555-66-77", "VALUE_TYPE": "MOBILE"}],
                                            "EMAIL": [{"VALUE": "form@example.com", "VALUE_TYPE": "WORK"}]}},
             via="form")["result"]
    r = ok("crm.contact.get", {"id": cid}, via="get")["result"]
    check(r["NAME"] == "Форма" and r["OPENED"] == "N", r)
    check(values(r, "PHONE") == ["+7 000 555-66-77"] and values(r, "EMAIL") == ["form@example.com"], r)
    did = ok("crm.deal.add", {"fields": {"TITLE": "form deal", "OPPORTUNITY": "99.5", "CONTACT_IDS": [cid]}},
             via="form")["result"]
    d = get("deal", did)
    check(d["OPPORTUNITY"] == "99.50" and d["CONTACT_ID"] == str(cid), d)
    lst = ok("crm.deal.list", {"filter": {">=OPPORTUNITY": 99.5, "ID": did}, "select": ["ID"]}, via="get")
    check(ids(lst) == [did], lst)


# ---- multi-fields ----------------------------------------------------------------------------

@test
def multifields_add_get_all_kinds():
    for e in ("lead", "contact", "company"):
        i = add(e, dict(MINIMAL[e],
                        PHONE=[{"VALUE": "+7 916 000-00-0%d" % n, "VALUE_TYPE": t}
                               for n, t in enumerate(("WORK", "MOBILE", "HOME"))],
                        EMAIL=[{"VALUE": "%s@example.org" % e, "VALUE_TYPE": "WORK"}],
                        WEB=[{"VALUE": "https://%s.example.org" % e, "VALUE_TYPE": "WORK"}],
                        IM=[{"VALUE": "tg_%s" % e, "VALUE_TYPE": "TELEGRAM"}]))
        r = get(e, i)
        ph = mf(r, "PHONE")
        check([(p["VALUE"], p["VALUE_TYPE"]) for p in ph] ==
              [("+7 916 000-00-00", "WORK"), ("+7 916 000-00-01", "MOBILE"), ("+7 916 000-00-02", "HOME")], e, ph)
        check(len({p["ID"] for p in ph}) == 3, "distinct row ids", ph)
        check(values(r, "EMAIL") == ["%s@example.org" % e] and values(r, "WEB") == ["https://%s.example.org" % e], r)
        check([(x["VALUE"], x["VALUE_TYPE"]) for x in mf(r, "IM")] == [("tg_%s" % e, "TELEGRAM")], r)
        check(r["HAS_PHONE"] == "Y" and r["HAS_EMAIL"] == "Y", e, r)


@test
def multifield_update_semantics():
    cid = add("contact", {"NAME": "Multi", "PHONE": [{"VALUE": "111111", "VALUE_TYPE": "WORK"},
                                                     {"VALUE": "222222", "VALUE_TYPE": "WORK"},
                                                     {"VALUE": "333333", "VALUE_TYPE": "WORK"},
                                                     {"VALUE": "444444", "VALUE_TYPE": "WORK"}],
                          "EMAIL": [{"VALUE": "m1@example.com", "VALUE_TYPE": "WORK"}]})
    p = {r["VALUE"]: r["ID"] for r in mf(get("contact", cid), "PHONE")}
    email_rows = mf(get("contact", cid), "EMAIL")
    # with ID: modifies that row (value and type); without ID: adds; rows not mentioned stay
    update("contact", cid, {"PHONE": [{"ID": p["222222"], "VALUE": "999999", "VALUE_TYPE": "MOBILE"},
                                      {"VALUE": "555555", "VALUE_TYPE": "HOME"}]})
    r = get("contact", cid)
    rows = {x["VALUE"]: x for x in mf(r, "PHONE")}
    check(sorted(rows) == ["111111", "333333", "444444", "555555", "999999"], sorted(rows))
    check(rows["999999"]["ID"] == p["222222"] and rows["999999"]["VALUE_TYPE"] == "MOBILE", rows["999999"])
    check(rows["111111"]["ID"] == p["111111"] and rows["555555"]["VALUE_TYPE"] == "HOME", rows)
    check(mf(r, "EMAIL") == email_rows, "EMAIL not mentioned: untouched", r)
    # crm.contact.update docs: {ID, DELETE:"Y"}, {ID, VALUE:""} and {ID} alone each delete the row
    update("contact", cid, {"PHONE": [{"ID": p["111111"], "DELETE": "Y"}, {"ID": p["333333"], "VALUE": ""}]})
    check(values(get("contact", cid), "PHONE") == ["444444", "555555", "999999"], get("contact", cid))
    update("contact", cid, {"PHONE": [{"ID": rows["555555"]["ID"]}]})
    check(values(get("contact", cid), "PHONE") == ["444444", "999999"], "{ID} alone deletes (documented)",
          get("contact", cid))
    # HAS_PHONE / HAS_EMAIL follow
    left = mf(get("contact", cid), "PHONE")
    update("contact", cid, {"PHONE": [{"ID": x["ID"], "DELETE": "Y"} for x in left],
                            "EMAIL": [{"ID": email_rows[0]["ID"], "DELETE": "Y"}]})
    r = get("contact", cid)
    check(not mf(r, "PHONE") and not mf(r, "EMAIL"), r)
    check(r["HAS_PHONE"] == "N" and r["HAS_EMAIL"] == "N", "HAS_* recomputed", r)
    update("contact", cid, {"EMAIL": [{"VALUE": "back@example.com", "VALUE_TYPE": "WORK"}]})
    r = get("contact", cid)
    check(r["HAS_EMAIL"] == "Y" and r["HAS_PHONE"] == "N" and values(r, "EMAIL") == ["back@example.com"], r)
    # another item's row id is not ours to change
    other = add("contact", {"NAME": "Other", "PHONE": [{"VALUE": "777000", "VALUE_TYPE": "WORK"}]})
    foreign = mf(get("contact", other), "PHONE")[0]["ID"]
    st, _ = srv.call("crm.contact.update", {"id": cid, "fields": {"PHONE": [{"ID": foreign, "DELETE": "Y"}]}})
    check(st in (200, 400), st)
    check(values(get("contact", other), "PHONE") == ["777000"], "a foreign row must survive", get("contact", other))


@test
def multifield_list_filter_and_select():
    a = add("company", {"TITLE": "MF filter A", "PHONE": [{"VALUE": "+7 812 333-22-11", "VALUE_TYPE": "WORK"}],
                        "EMAIL": [{"VALUE": "sales@mf-a.example", "VALUE_TYPE": "WORK"}]})
    b = add("company", {"TITLE": "MF filter B", "PHONE": [{"VALUE": "+7 812 999-88-77", "VALUE_TYPE": "WORK"}]})
    check(list_ids("company", {"PHONE": "+7 812 333-22-11"}) == [a])
    check(list_ids("company", {"EMAIL": "sales@mf-a.example"}) == [a])
    check(list_ids("company", {"PHONE": "+7 812 999-88-77"}) == [b])
    check(list_ids("company", {"PHONE": "+0 000 000"}) == [])
    # select PHONE brings the rows; "*" and no select leave multi-fields out (§1.7)
    body = ok("crm.company.list", {"filter": {"@ID": [a, b]}, "order": {"ID": "ASC"},
                                   "select": ["ID", "TITLE", "PHONE", "EMAIL"]})
    r0, r1 = body["result"]
    check(values(r0, "PHONE") == ["+7 812 333-22-11"] and values(r0, "EMAIL") == ["sales@mf-a.example"], r0)
    check(values(r1, "PHONE") == ["+7 812 999-88-77"], r1)
    check(set(r0) <= {"ID", "TITLE", "PHONE", "EMAIL"}, "select limits the keys", r0)
    for sel in (["*"], None):
        p = {"filter": {"ID": a}}
        if sel:
            p["select"] = sel
        r = ok("crm.company.list", p)["result"][0]
        check("PHONE" not in r and "EMAIL" not in r and r["TITLE"] == "MF filter A", sel, r)
    r = ok("crm.company.list", {"filter": {"ID": a}, "select": ["*", "PHONE"]})["result"][0]
    check(r["TITLE"] == "MF filter A" and values(r, "PHONE") == ["+7 812 333-22-11"], r)
    # filter HAS_PHONE
    check(a in list_ids("company", {"HAS_EMAIL": "Y"}) and b not in list_ids("company", {"HAS_EMAIL": "Y"}))


@test
def multifield_refusals_leave_nothing():
    before = counts()
    refused("crm.contact.add", {"fields": {"NAME": "Half", "PHONE": [{"VALUE": "+7 000 123-98-76",
                                                                      "VALUE_TYPE": "WORK"}],
                                           "EMAIL": [{"VALUE": "not-an-email", "VALUE_TYPE": "WORK"}]}},
            mentions="EMAIL", codes=("", "ERROR_CORE"))
    refused("crm.lead.add", {"fields": {"TITLE": "Half", "PHONE": [{"VALUE": "+7 000 123-98-76", "VALUE_TYPE": "WORK"},
                                                                   {"VALUE": "+7 000 5", "VALUE_TYPE": "NOPE"}]}},
            mentions="VALUE_TYPE")
    refused("crm.company.add", {"fields": {"TITLE": "Half", "EMAIL": [{"VALUE": "a@@b", "VALUE_TYPE": "WORK"}],
                                           "WEB": [{"VALUE": "half.example", "VALUE_TYPE": "WORK"}]}},
            mentions="EMAIL", codes=("", "ERROR_CORE"))
    refused("crm.contact.add", {"fields": {"NAME": "Half", "IM": [{"VALUE": "x", "VALUE_TYPE": "PIGEON"}]}})
    check(counts() == before, "no item half-written", counts(), before)
    # no stray rows: the next item (which may reuse an id) has none, and search finds none
    for e in ("contact", "lead", "company"):
        r = get(e, add(e, MINIMAL[e]))
        check(not any(mf(r, k) for k in MULTI) and r["HAS_PHONE"] == "N" and r["HAS_EMAIL"] == "N", e, r)
    check(list_ids("contact", {"PHONE": "+7 000 123-98-76"}) == [])
    check(list_ids("lead", {"PHONE": "+7 000 123-98-76"}) == [])
    check(search("000 123-98-76") == [], "stray phone found by search")
    check(search("half.example") == [], "stray web row found by search")
    # a refused update changes nothing, not even the valid parts
    cid = add("contact", {"NAME": "Whole", "PHONE": [{"VALUE": "+7 000 321", "VALUE_TYPE": "WORK"}]})
    r0 = get("contact", cid)
    refused("crm.contact.update", {"id": cid, "fields": {"NAME": "Changed", "PHONE": [{"VALUE": "+7 000 654",
                                                                                        "VALUE_TYPE": "WORK"}],
                                                         "EMAIL": [{"VALUE": "bad@", "VALUE_TYPE": "WORK"}]}},
            codes=("", "ERROR_CORE"))
    r1 = get("contact", cid)
    check(r1 == r0, "refused update must leave the record as it was", r0, r1)


# ---- links -----------------------------------------------------------------------------------

@test
def deal_links():
    co = add("company", {"TITLE": "Deal Link Co"})
    c1, c2, c3 = (add("contact", {"NAME": "DL%d" % n}) for n in (1, 2, 3))
    did = add("deal", {"TITLE": "linked", "COMPANY_ID": co, "CONTACT_IDS": [c2, c1]})
    r = get("deal", did)
    check(r["COMPANY_ID"] == str(co) and r["CONTACT_ID"] == str(c2), "CONTACT_ID = the first of CONTACT_IDS", r)
    if "CONTACT_IDS" in r:
        check(idset(r["CONTACT_IDS"]) == [c2, c1], r["CONTACT_IDS"])
    check(list_ids("deal", {"COMPANY_ID": co}) == [did])
    check(did in list_ids("deal", {"CONTACT_ID": c2}), "filter by the primary contact")
    # the deprecated single CONTACT_ID still links
    d2 = add("deal", {"TITLE": "single", "CONTACT_ID": c3})
    check(get("deal", d2)["CONTACT_ID"] == str(c3))
    # update replaces the list; an empty list unlinks; COMPANY_ID 0 unlinks
    update("deal", did, {"CONTACT_IDS": [c3]})
    r = get("deal", did)
    check(r["CONTACT_ID"] == str(c3) and r["COMPANY_ID"] == str(co), r)
    if "CONTACT_IDS" in r:
        check(idset(r["CONTACT_IDS"]) == [c3], r)
    update("deal", did, {"CONTACT_IDS": [], "COMPANY_ID": 0})
    r = get("deal", did)
    check(empty_ref(r["CONTACT_ID"]) and empty_ref(r["COMPANY_ID"]), r)
    if "CONTACT_IDS" in r:
        check(r["CONTACT_IDS"] == [], r)
    # unknown links are refused and create nothing
    n = total("deal")
    refused("crm.deal.add", {"fields": {"TITLE": "bad", "COMPANY_ID": 987654}}, mentions="COMPANY_ID")
    refused("crm.deal.add", {"fields": {"TITLE": "bad", "CONTACT_IDS": [c1, 987654]}}, mentions="987654")
    check(total("deal") == n)
    check(list_ids("deal", {"CONTACT_ID": c1}) == [], "no link written by the refused add")


@test
def filter_deals_by_any_contact():
    # Issue requirement: deals can be filtered by CONTACT_ID; a deal bound to several contacts is
    # found by each of them (Bitrix's legacy deal list maps CONTACT_ID onto the deal's bindings;
    # the docs only exclude CONTACT_IDS from the filter).
    a, b = add("contact", {"NAME": "Any A"}), add("contact", {"NAME": "Any B"})
    did = add("deal", {"TITLE": "two contacts", "CONTACT_IDS": [a, b]})
    check(list_ids("deal", {"CONTACT_ID": a}) == [did])
    check(list_ids("deal", {"CONTACT_ID": b}) == [did], "the second contact must find the deal too")


@test
def lead_contact_company_links():
    co1, co2 = add("company", {"TITLE": "LCC 1"}), add("company", {"TITLE": "LCC 2"})
    ct = add("contact", {"NAME": "LCC person", "COMPANY_IDS": [co2, co1]})
    c = get("contact", ct)
    check(c["COMPANY_ID"] == str(co2), "COMPANY_ID = the first of COMPANY_IDS", c)
    if "COMPANY_IDS" in c:
        check(idset(c["COMPANY_IDS"]) == [co2, co1], c)
    ct2 = add("contact", {"NAME": "LCC single", "COMPANY_ID": co1})
    check(get("contact", ct2)["COMPANY_ID"] == str(co1))
    check(sorted(idset(get("company", co1)["CONTACT_ID"])) == sorted([ct, ct2]), get("company", co1))
    check(idset(get("company", co2)["CONTACT_ID"]) == [ct], get("company", co2))
    check(sorted(list_ids("contact", {"COMPANY_ID": co1})) in ([ct2], sorted([ct, ct2])))
    # a lead linked to a company or contact is a repeat lead (crm.lead.add docs)
    lid = add("lead", {"TITLE": "repeat", "COMPANY_ID": co1, "CONTACT_IDS": [ct2, ct]})
    lr = get("lead", lid)
    check(lr["COMPANY_ID"] == str(co1) and lr["CONTACT_ID"] == str(ct2) and lr["IS_RETURN_CUSTOMER"] == "Y", lr)
    if "CONTACT_IDS" in lr:
        check(idset(lr["CONTACT_IDS"]) == [ct2, ct], lr)
    lid2 = add("lead", {"TITLE": "repeat by contact", "CONTACT_ID": ct})
    check(get("lead", lid2)["IS_RETURN_CUSTOMER"] == "Y", get("lead", lid2))
    # contact update of COMPANY_IDS replaces
    update("contact", ct, {"COMPANY_IDS": [co1]})
    check(get("contact", ct)["COMPANY_ID"] == str(co1))
    check(idset(get("company", co2)["CONTACT_ID"]) == [], get("company", co2))
    refused("crm.contact.add", {"fields": {"NAME": "x", "COMPANY_IDS": [987654]}})
    refused("crm.lead.add", {"fields": {"TITLE": "x", "CONTACT_IDS": [987654]}})


@test
def lead_becomes_repeat_on_update():
    # crm.lead.update docs: IS_RETURN_CUSTOMER "automatically takes the value Y if you specify a
    # value for COMPANY_ID or CONTACT_ID when changing the lead".
    co = add("company", {"TITLE": "Later Co"})
    ct = add("contact", {"NAME": "Later person"})
    l1, l2 = add("lead", {"TITLE": "linked later 1"}), add("lead", {"TITLE": "linked later 2"})
    check(get("lead", l1)["IS_RETURN_CUSTOMER"] == "N")
    update("lead", l1, {"COMPANY_ID": co})
    update("lead", l2, {"CONTACT_ID": ct})
    r1, r2 = get("lead", l1), get("lead", l2)
    check(r1["COMPANY_ID"] == str(co) and r2["CONTACT_ID"] == str(ct), r1, r2)
    check(r1["IS_RETURN_CUSTOMER"] == "Y" and r2["IS_RETURN_CUSTOMER"] == "Y",
          "IS_RETURN_CUSTOMER after linking on update", r1["IS_RETURN_CUSTOMER"], r2["IS_RETURN_CUSTOMER"])


@test
def deleting_clears_references():
    co = add("company", {"TITLE": "Doomed Co"})
    keep_co = add("company", {"TITLE": "Kept Co"})
    c1, c2 = add("contact", {"NAME": "Doomed", "COMPANY_IDS": [co, keep_co]}), add("contact", {"NAME": "Kept"})
    did = add("deal", {"TITLE": "refs", "COMPANY_ID": co, "CONTACT_IDS": [c1, c2]})
    lid = add("lead", {"TITLE": "refs", "COMPANY_ID": co, "CONTACT_IDS": [c1]})
    ok("crm.company.delete", {"id": co})
    d = get("deal", did)
    check(empty_ref(d["COMPANY_ID"]) and d["CONTACT_ID"] == str(c1), d)
    check(empty_ref(get("lead", lid)["COMPANY_ID"]), get("lead", lid))
    c = get("contact", c1)
    check(c["COMPANY_ID"] == str(keep_co), "the next company becomes the contact's main one", c)
    if "COMPANY_IDS" in c:
        check(idset(c["COMPANY_IDS"]) == [keep_co], c)
    check(list_ids("deal", {"COMPANY_ID": co}) == [])
    ok("crm.contact.delete", {"id": c1})
    d = get("deal", did)
    check(d["CONTACT_ID"] == str(c2), "the remaining contact becomes the first", d)
    if "CONTACT_IDS" in d:
        check(idset(d["CONTACT_IDS"]) == [c2], d)
    lr = get("lead", lid)
    check(empty_ref(lr["CONTACT_ID"]), lr)
    check(idset(get("company", keep_co)["CONTACT_ID"]) == [], get("company", keep_co))
    check(list_ids("deal", {"CONTACT_ID": c1}) == [])


# ---- stages and pipelines ---------------------------------------------------------------------

@test
def deal_pipelines_and_stages():
    n = new_pipeline("Items pipeline")
    did = add("deal", {"TITLE": "in pipeline", "CATEGORY_ID": n})
    r = get("deal", did)
    check(r["CATEGORY_ID"] == str(n) and r["STAGE_ID"] == "C%d:NEW" % n and r["STAGE_SEMANTIC_ID"] == "P", r)
    d2 = add("deal", {"TITLE": "explicit stage", "CATEGORY_ID": n, "STAGE_ID": "C%d:PREPARATION" % n})
    check(get("deal", d2)["STAGE_ID"] == "C%d:PREPARATION" % n)
    before = total("deal")
    refused("crm.deal.add", {"fields": {"CATEGORY_ID": n, "STAGE_ID": "NEW"}}, mentions="STAGE_ID")
    refused("crm.deal.add", {"fields": {"STAGE_ID": "C%d:WON" % n}}, mentions="STAGE_ID")
    refused("crm.deal.add", {"fields": {"STAGE_ID": "NO_SUCH_STAGE"}}, mentions="STAGE_ID")
    refused("crm.deal.add", {"fields": {"CATEGORY_ID": 987654}}, mentions="CATEGORY_ID")
    check(total("deal") == before)
    refused("crm.deal.update", {"id": did, "fields": {"STAGE_ID": "WON", "TITLE": "moved?"}}, mentions="STAGE_ID")
    check(get("deal", did)["STAGE_ID"] == "C%d:NEW" % n and get("deal", did)["TITLE"] == "in pipeline")
    # CATEGORY_ID cannot change through crm.deal.update (refused or ignored, never applied)
    st, body = srv.call("crm.deal.update", {"id": did, "fields": {"CATEGORY_ID": 0}})
    check((st == 200 and body.get("result") is True) or (st == 400 and body.get("error") == ""), st, body)
    check(get("deal", did)["CATEGORY_ID"] == str(n) and get("deal", did)["STAGE_ID"] == "C%d:NEW" % n)
    # STAGE_SEMANTIC_ID and CLOSED follow the stage
    for stage, sem, closed in (("C%d:WON" % n, "S", "Y"), ("C%d:LOSE" % n, "F", "Y"),
                               ("C%d:APOLOGY" % n, "F", "Y"), ("C%d:EXECUTING" % n, "P", "N")):
        update("deal", did, {"STAGE_ID": stage})
        r = get("deal", did)
        check(r["STAGE_ID"] == stage and r["STAGE_SEMANTIC_ID"] == sem and r["CLOSED"] == closed, stage, r)
    d0 = add("deal", {"TITLE": "general won", "STAGE_ID": "WON"})
    r0 = get("deal", d0)
    check(r0["STAGE_SEMANTIC_ID"] == "S" and r0["CLOSED"] == "Y" and r0["CATEGORY_ID"] == "0", r0)
    check(sorted(list_ids("deal", {"CATEGORY_ID": n})) == sorted([did, d2]))
    check(list_ids("deal", {"STAGE_SEMANTIC_ID": "S", "ID": d0}) == [d0])


@test
def lead_status_semantics():
    for status, sem in (("NEW", "P"), ("IN_PROCESS", "P"), ("PROCESSED", "P"), ("CONVERTED", "S"), ("JUNK", "F")):
        r = get("lead", add("lead", {"TITLE": "status " + status, "STATUS_ID": status}))
        check(r["STATUS_ID"] == status and r["STATUS_SEMANTIC_ID"] == sem, status, r)
    lid = add("lead", {"TITLE": "moving"})
    update("lead", lid, {"STATUS_ID": "JUNK"})
    check(get("lead", lid)["STATUS_SEMANTIC_ID"] == "F")
    update("lead", lid, {"STATUS_ID": "IN_PROCESS"})
    check(get("lead", lid)["STATUS_SEMANTIC_ID"] == "P")
    n = total("lead")
    refused("crm.lead.add", {"fields": {"TITLE": "x", "STATUS_ID": "NO_SUCH_STATUS"}}, mentions="STATUS_ID")
    refused("crm.lead.update", {"id": lid, "fields": {"STATUS_ID": "C1:NEW"}}, mentions="STATUS_ID")
    check(total("lead") == n and get("lead", lid)["STATUS_ID"] == "IN_PROCESS")


@test
def reference_values_checked():
    n = counts()
    refused("crm.lead.add", {"fields": {"TITLE": "x", "SOURCE_ID": "NO_SUCH_SOURCE"}}, mentions="SOURCE_ID")
    refused("crm.deal.add", {"fields": {"TITLE": "x", "TYPE_ID": "NO_SUCH_TYPE"}}, mentions="TYPE_ID")
    refused("crm.contact.add", {"fields": {"NAME": "x", "TYPE_ID": "NO_SUCH_TYPE"}}, mentions="TYPE_ID")
    refused("crm.company.add", {"fields": {"TITLE": "x", "INDUSTRY": "NO_SUCH_INDUSTRY"}}, mentions="INDUSTRY")
    refused("crm.company.add", {"fields": {"TITLE": "x", "COMPANY_TYPE": "NO_SUCH"}}, mentions="COMPANY_TYPE")
    check(counts() == n)
    src = ok("crm.status.list", {"filter": {"ENTITY_ID": "SOURCE"}})["result"][0]["STATUS_ID"]
    dtype = ok("crm.status.list", {"filter": {"ENTITY_ID": "DEAL_TYPE"}})["result"][0]["STATUS_ID"]
    r = get("deal", add("deal", {"TITLE": "typed", "TYPE_ID": dtype, "SOURCE_ID": src}))
    check(r["TYPE_ID"] == dtype and r["SOURCE_ID"] == src, r)


@test
def documented_reference_defaults():
    # crm.deal.add: TYPE_ID and SOURCE_ID "by default — the first available" type / source;
    # crm.company.add: COMPANY_TYPE, INDUSTRY, EMPLOYEES the same; crm.contact.add: TYPE_ID, SOURCE_ID.
    def first(entity_id):
        rows = ok("crm.status.list", {"filter": {"ENTITY_ID": entity_id}, "order": {"SORT": "ASC"}})["result"]
        return rows[0]["STATUS_ID"] if rows else ""
    d = get("deal", add("deal", {"TITLE": "defaults"}))
    co = get("company", add("company", {"TITLE": "defaults"}))
    ct = get("contact", add("contact", {"NAME": "defaults"}))
    bad = []
    for rec, field, lst in ((d, "TYPE_ID", "DEAL_TYPE"), (d, "SOURCE_ID", "SOURCE"),
                            (co, "COMPANY_TYPE", "COMPANY_TYPE"), (co, "INDUSTRY", "INDUSTRY"),
                            (co, "EMPLOYEES", "EMPLOYEES"), (ct, "TYPE_ID", "CONTACT_TYPE"),
                            (ct, "SOURCE_ID", "SOURCE")):
        if rec[field] != first(lst):
            bad.append("%s=%r (first of %s is %r)" % (field, rec[field], lst, first(lst)))
    check(not bad, "documented defaults not applied:", bad)


@test
def category_delete_refused_while_it_holds_deals():
    n = new_pipeline("Doomed pipeline")
    d1, d2 = add("deal", {"CATEGORY_ID": n}), add("deal", {"CATEGORY_ID": n})
    st, body = srv.call("crm.category.delete", {"entityTypeId": 2, "id": n})
    check(st == 400 and body.get("error") is not None and "result" not in body, st, body)
    check(re.search(r"\b2\b", body.get("error_description", "")), "the refusal says how many deals", body)
    check(any(c["id"] == n for c in ok("crm.category.list", {"entityTypeId": 2})["result"]["categories"]))
    check(get("deal", d1)["STAGE_ID"] == "C%d:NEW" % n, "deals untouched")
    ok("crm.deal.delete", {"id": d1})
    ok("crm.deal.delete", {"id": d2})
    check(ok("crm.category.delete", {"entityTypeId": 2, "id": n})["result"] is None)
    refused("crm.deal.add", {"fields": {"CATEGORY_ID": n}}, mentions="CATEGORY_ID")


@test
def status_delete_refused_while_in_use():
    sid = ok("crm.status.add", {"fields": {"ENTITY_ID": "DEAL_STAGE", "STATUS_ID": "ITEMS_CHECK", "NAME": "Проверка",
                                           "SORT": 25}})["result"]
    deals = [add("deal", {"TITLE": "in custom stage", "STAGE_ID": "ITEMS_CHECK"}) for _ in range(3)]
    st, body = srv.call("crm.status.delete", {"id": sid})
    check(st == 400 and "result" not in body and re.search(r"\b3\b", body.get("error_description", "")),
          "refused with the count", st, body)
    check(get("deal", deals[0])["STAGE_ID"] == "ITEMS_CHECK")
    for d in deals:
        update("deal", d, {"STAGE_ID": "NEW"})
    check(ok("crm.status.delete", {"id": sid})["result"] is True)
    refused("crm.deal.add", {"fields": {"STAGE_ID": "ITEMS_CHECK"}}, mentions="STAGE_ID")
    # a source used by a contact
    src = ok("crm.status.add", {"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": "ITEMS_SRC",
                                           "NAME": "Выставка"}})["result"]
    ct = add("contact", {"NAME": "sourced", "SOURCE_ID": "ITEMS_SRC"})
    st, body = srv.call("crm.status.delete", {"id": src})
    check(st == 400 and re.search(r"\b1\b", body.get("error_description", "")), st, body)
    update("contact", ct, {"SOURCE_ID": ""})
    check(ok("crm.status.delete", {"id": src})["result"] is True)


# ---- list ------------------------------------------------------------------------------------

@test
def list_filter_operators():
    tag = "FLT%d" % int(time.time())
    rows = [("%s alpha" % tag, 100), ("%s beta" % tag, 200.5), ("%s gamma" % tag, 300), ("%s delta" % tag, 0)]
    d = [add("deal", {"TITLE": t, "OPPORTUNITY": o}) for t, o in rows]
    base = {"%TITLE": tag}

    def q(extra):
        return list_ids("deal", dict(base, **extra))
    check(q({}) == d)
    check(q({"TITLE": "%s beta" % tag}) == [d[1]] and q({"=TITLE": "%s beta" % tag}) == [d[1]], "equals")
    check(q({"!TITLE": "%s beta" % tag}) == [d[0], d[2], d[3]] and q({"!=ID": d[1]}) == [d[0], d[2], d[3]], "not")
    check(q({">OPPORTUNITY": 200}) == [d[1], d[2]] and q({">=OPPORTUNITY": 200.5}) == [d[1], d[2]], ">")
    check(q({"<OPPORTUNITY": 200.5}) == [d[0], d[3]] and q({"<=OPPORTUNITY": 100}) == [d[0], d[3]], "<")
    check(q({">OPPORTUNITY": 50, "<OPPORTUNITY": 250}) == [d[0], d[1]], "range")
    check(q({"@ID": [d[0], d[2]]}) == [d[0], d[2]] and q({"ID": [d[1], d[3]]}) == [d[1], d[3]], "IN")
    check(q({"!@ID": [d[0], d[2]]}) == [d[1], d[3]], "NOT IN")
    check(q({"%TITLE": "amm"}) == [d[2]] and q({"!%TITLE": "amm"}) == [d[0], d[1], d[3]], "LIKE")
    check(q({"=%TITLE": "%alpha"}) == [d[0]] and q({"%=TITLE": tag + "%eta"}) == [d[1]], "LIKE with wildcards")
    check(q({"!=%TITLE": "%ta"}) == [d[0], d[2]] and q({"!%=TITLE": "%ta"}) == [d[0], d[2]], "NOT LIKE wildcards")
    check(q({"STAGE_ID": "NEW", "ASSIGNED_BY_ID": 1, "CATEGORY_ID": 0}) == d, "AND of conditions")
    check(q({"COMPANY_ID": ""}) == d, "empty value means 'is empty'")
    today = get("deal", d[0])["DATE_CREATE"][:10]
    check(q({">=DATE_CREATE": today}) == d and q({"<DATE_CREATE": "2000-01-01"}) == [], "dates")
    check(q({">DATE_CREATE": "2000-01-01T00:00:00+03:00"}) == d, "ISO datetime")
    check(q({"OPENED": "Y", "CLOSED": "N"}) == d, "Y/N chars")


@test
def list_order_and_select():
    tag = "ORD%d" % int(time.time())
    d = [add("deal", {"TITLE": "%s %s" % (tag, t), "OPPORTUNITY": o}) for t, o in (("b", 20), ("a", 20), ("c", 10))]
    flt = {"%TITLE": tag}
    by = lambda order: ids(ok("crm.deal.list", {"filter": flt, "order": order, "select": ["ID"]}))
    check(by({"OPPORTUNITY": "DESC", "TITLE": "ASC"}) == [d[1], d[0], d[2]], "two keys in order")
    check(by({"OPPORTUNITY": "asc", "ID": "desc"}) == [d[2], d[1], d[0]], "case-insensitive direction")
    check(by({"TITLE": "DESC"}) == [d[2], d[0], d[1]])
    check(by({"ID": "DESC"}) == [d[2], d[1], d[0]])
    body = ok("crm.deal.list", {"filter": flt, "order": {"ID": "ASC"}, "select": ["ID", "TITLE", "OPPORTUNITY"]})
    for r in body["result"]:
        check(set(r) <= {"ID", "TITLE", "OPPORTUNITY"} and {"TITLE", "OPPORTUNITY"} <= set(r), r)
        legacy_scalars(r, "list row")
    check(body["result"][2]["OPPORTUNITY"] == "10.00", body["result"][2])
    full = ok("crm.deal.list", {"filter": {"ID": d[0]}})["result"][0]
    g = get("deal", d[0])
    check(all(full[k] == g[k] for k in full if k in g), "a list row equals get", full, g)
    refused("crm.deal.list", {"filter": "not an object"}, mentions="filter")
    refused("crm.deal.list", {"order": "not an object"}, mentions="order")


@test
def list_paging():
    tag = "PAGE%d" % int(time.time())
    cmd = {"a%d" % i: "crm.contact.add?" + urllib.parse.urlencode({"fields[NAME]": tag, "fields[LAST_NAME]": str(i)})
           for i in range(50)}
    ok("batch", {"halt": 1, "cmd": cmd})
    for i in range(50, 55):
        add("contact", {"NAME": tag, "LAST_NAME": str(i)})
    flt = {"NAME": tag}
    p1 = ok("crm.contact.list", {"filter": flt, "order": {"ID": "ASC"}, "select": ["ID", "LAST_NAME"], "start": 0})
    check(len(p1["result"]) == 50 and p1["total"] == 55 and p1["next"] == 50, len(p1["result"]), p1.get("total"),
          p1.get("next"))
    check([r["LAST_NAME"] for r in p1["result"]] == [str(i) for i in range(50)])
    p2 = ok("crm.contact.list", {"filter": flt, "order": {"ID": "ASC"}, "select": ["ID", "LAST_NAME"], "start": 50})
    check([r["LAST_NAME"] for r in p2["result"]] == [str(i) for i in range(50, 55)], p2)
    check(p2["total"] == 55 and "next" not in p2, "no next on the last page", p2)
    # start=-1: no COUNT, no total/next, still 50 rows; keyset paging by ID
    f1 = ok("crm.contact.list", {"filter": flt, "order": {"ID": "ASC"}, "select": ["ID"], "start": -1})
    check(len(f1["result"]) == 50 and "total" not in f1 and "next" not in f1, len(f1["result"]), f1.get("total"))
    last = f1["result"][-1]["ID"]
    f2 = ok("crm.contact.list", {"filter": dict(flt, **{">ID": last}), "order": {"ID": "ASC"}, "select": ["ID"],
                                 "start": -1})
    check(len(f2["result"]) == 5 and "total" not in f2 and "next" not in f2, f2)
    check(ids(p1) + ids(p2) == ids(f1) + ids(f2))
    # inside a batch the same shows as result_total / result_next
    b = ok("batch", {"cmd": {"p": "crm.contact.list?" + urllib.parse.urlencode(
        {"filter[NAME]": tag, "select[0]": "ID", "start": 0})}})["result"]
    check(len(b["result"]["p"]) == 50 and b["result_total"]["p"] == 55 and b["result_next"]["p"] == 50,
          b["result_total"], b["result_next"])
    # form/GET transport keeps the same paging
    g = ok("crm.contact.list", {"filter": flt, "select": ["ID"], "start": 50}, via="get")
    check(g["total"] == 55 and len(g["result"]) == 5 and "next" not in g, g)


# ---- refusals --------------------------------------------------------------------------------

@test
def missing_or_bad_id():
    for e in ENTITIES:
        for m in ("get", "update", "delete"):
            for bad in ({}, {"id": 0}, {"id": -5}):
                p = dict(bad)
                if m == "update":
                    p["fields"] = {"COMMENTS": "x"}
                body = refused("crm.%s.%s" % (e, m), p)
                check(body["error_description"] == "ID is not defined or invalid.", e, m, bad, body)
            body = refused("crm.%s.%s" % (e, m), dict({"id": 987654}, **({"fields": {"COMMENTS": "x"}}
                                                                          if m == "update" else {})))
            check(body["error_description"] == "Not found", e, m, body)


@test
def id_not_a_number_is_invalid_id():
    # crm.deal.get docs: "ID is not defined or invalid" — the id "has no value or is not a positive
    # integer"; an empty or non-numeric id is exactly that.
    for e in ENTITIES:
        for bad in ("", "abc", "1.5", "1e3", [1]):
            body = refused("crm.%s.get" % e, {"id": bad})
            check(body["error_description"] == "ID is not defined or invalid.", e, bad, body)


@test
def value_refusals_write_nothing():
    did = add("deal", {"TITLE": "value target", "OPPORTUNITY": 10})
    cid = add("contact", {"NAME": "value target"})
    snapshot = (get("deal", did), get("contact", cid))
    before = counts()
    cases = [
        ("crm.deal.add", {"fields": {"TITLE": "x", "OPPORTUNITY": "a lot"}}, "OPPORTUNITY"),
        ("crm.deal.add", {"fields": {"TITLE": ["a", "list"]}}, "TITLE"),
        ("crm.deal.add", {"fields": {"TITLE": {"an": "object"}}}, "TITLE"),
        ("crm.lead.add", {"fields": {"TITLE": "x" * 256}}, "TITLE"),
        ("crm.company.add", {"fields": {"TITLE": "я" * 128}}, "TITLE"),           # 256 bytes
        ("crm.lead.add", {"fields": {"TITLE": "x", "COMMENTS": "c" * (64 * 1024 + 1)}}, "COMMENTS"),
        ("crm.deal.add", {"fields": {"TITLE": "x", "OPENED": "maybe"}}, "OPENED"),
        ("crm.deal.add", {"fields": {"TITLE": "x", "BEGINDATE": "someday"}}, "BEGINDATE"),
        ("crm.deal.add", {"fields": {"TITLE": "x", "PROBABILITY": "high"}}, "PROBABILITY"),
        ("crm.contact.add", {"fields": {"NAME": "x", "BIRTHDATE": "31.02.1990x"}}, "BIRTHDATE"),
        ("crm.deal.add", {"fields": {"TITLE": "x", "ASSIGNED_BY_ID": 987654}}, "ASSIGNED_BY_ID"),
        ("crm.deal.add", {"fields": "not an object"}, "fields"),
        ("crm.deal.update", {"id": did, "fields": {"TITLE": "changed", "OPPORTUNITY": "a lot"}}, "OPPORTUNITY"),
        ("crm.deal.update", {"id": did, "fields": {"TITLE": "changed", "COMMENTS": "c" * (64 * 1024 + 1)}}, "COMMENTS"),
        ("crm.deal.update", {"id": did, "fields": {"TITLE": "x" * 300}}, "TITLE"),
        ("crm.contact.update", {"id": cid, "fields": {"NAME": "changed",
                                                      "EMAIL": [{"VALUE": "@", "VALUE_TYPE": "WORK"}]}}, "EMAIL"),
        ("crm.contact.update", {"id": cid, "fields": {"NAME": "changed", "ASSIGNED_BY_ID": 987654}}, "ASSIGNED_BY_ID"),
    ]
    for method, params, field in cases:
        refused(method, params, mentions=field, codes=("", "ERROR_CORE") if field == "EMAIL" else ("",))
    check(counts() == before, "no refused add left a record", counts(), before)
    check((get("deal", did), get("contact", cid)) == snapshot, "no refused update changed a record")
    # the limits themselves are allowed
    r = get("lead", add("lead", {"TITLE": "я" * 127 + "x", "COMMENTS": "c" * 65535}))
    check(len(r["TITLE"].encode()) == 255 and len(r["COMMENTS"]) == 65535, len(r["TITLE"].encode()))


@test
def unknown_currency_refused():
    # crm.deal.add / crm.deal.update list the refusal 'Invalid value for the "Currency" field'.
    n = total("deal")
    refused("crm.deal.add", {"fields": {"TITLE": "x", "CURRENCY_ID": "ZZZ"}}, mentions="Currency")
    check(total("deal") == n)
    did = add("deal", {"TITLE": "currency", "CURRENCY_ID": "USD"})
    refused("crm.deal.update", {"id": did, "fields": {"CURRENCY_ID": "ZZZ"}}, mentions="Currency")
    check(get("deal", did)["CURRENCY_ID"] == "USD")


# ---- batch and history ------------------------------------------------------------------------

@test
def batch_add_then_get():
    body = ok("batch", {"halt": 0, "cmd": {
        "co": "crm.company.add?" + urllib.parse.urlencode({"fields[TITLE]": "Batch Co"}),
        "deal": "crm.deal.add?" + urllib.parse.urlencode({"fields[TITLE]": "Batch deal", "fields[OPPORTUNITY]": "42"})
                + "&fields%5BCOMPANY_ID%5D=$result[co]",
        "get": "crm.deal.get?id=$result[deal]",
        "list": "crm.deal.list?" + urllib.parse.urlencode({"filter[COMPANY_ID]": "x"}).replace("x", "$result[co]")
                + "&select%5B0%5D=ID",
        "bad": "crm.deal.get?id=987654"}})["result"]
    res = body["result"]
    check(isinstance(res["deal"], int) and isinstance(res["co"], int), res)
    g = res["get"]
    check(g["ID"] == str(res["deal"]) and g["TITLE"] == "Batch deal" and g["OPPORTUNITY"] == "42.00", g)
    check(g["COMPANY_ID"] == str(res["co"]), g)
    check(res["list"] == [{"ID": str(res["deal"])}], res["list"])
    check(body["result_total"].get("list") == 1, body["result_total"])
    err = body["result_error"]["bad"]
    check(err["error"] == "" and err["error_description"] == "Not found", err)


@test
def history_after_updates():
    did = add("deal", {"TITLE": "history before"})
    update("deal", did, {"STAGE_ID": "PREPARATION"})
    update("deal", did, {"TITLE": "history after", "STAGE_ID": "WON"})
    h = ok("crm.stagehistory.list", {"entityTypeId": 2, "filter": {"OWNER_ID": did}, "order": {"ID": "ASC"}})
    items = h["result"]["items"]
    check([(i["TYPE_ID"], i["STAGE_ID"], i["STAGE_SEMANTIC_ID"]) for i in items] ==
          [(1, "NEW", "P"), (2, "PREPARATION", "P"), (3, "WON", "S")], items)
    check(all(i["OWNER_ID"] == did and i["CATEGORY_ID"] == 0 and ISO_DT.match(i["CREATED_TIME"]) for i in items), items)
    lid = add("lead", {"TITLE": "lead history"})
    update("lead", lid, {"STATUS_ID": "JUNK"})
    li = ok("crm.stagehistory.list", {"entityTypeId": 1, "filter": {"OWNER_ID": lid}, "order": {"ID": "ASC"}})
    check([(i["TYPE_ID"], i["STATUS_ID"], i["STATUS_SEMANTIC_ID"]) for i in li["result"]["items"]] ==
          [(1, "NEW", "P"), (3, "JUNK", "F")], li)
    # field history (C7, voronka.crm.history.list, docs/API.md): only once it is in methods.def
    params = {"entityTypeId": 2, "id": did}
    if not method_exists("voronka.crm.history.list", params):
        print("     (voronka.crm.history.list not there yet: field history not checked)", flush=True)
        return

    def hist(entity_type, item_id):
        rows = ok("voronka.crm.history.list", {"entityTypeId": entity_type, "id": item_id})["result"]
        return sorted(rows, key=lambda r: r["ID"])
    rows = hist(2, did)
    check(rows[0]["EVENT_TYPE"] == 1 and rows[0]["USER_ID"] == 1, "the first line is the creation", rows)
    changes = [(r["FIELD"], r["OLD_VALUE"], r["NEW_VALUE"]) for r in rows if r["EVENT_TYPE"] == 2]
    check(("TITLE", "history before", "history after") in changes, changes)
    check(("STAGE_ID", "NEW", "PREPARATION") in changes and ("STAGE_ID", "PREPARATION", "WON") in changes, changes)
    check(all(ISO_DT.match(r["CREATED"]) and r["ENTITY_ID"] == did for r in rows), rows)
    # an update that changes nothing and a refused update write no line
    n = len(rows)
    update("deal", did, {"TITLE": "history after"})
    refused("crm.deal.update", {"id": did, "fields": {"TITLE": "never", "OPPORTUNITY": "NaN?"}})
    check(len(hist(2, did)) == n, "no history for no change / a refusal", hist(2, did)[n:])
    # multi-field changes of a contact, and the history of a deleted item stays readable
    cid = add("contact", {"NAME": "Hist", "PHONE": [{"VALUE": "+7 111", "VALUE_TYPE": "WORK"}]})
    update("contact", cid, {"NAME": "Hist 2", "PHONE": [{"VALUE": "+7 222", "VALUE_TYPE": "HOME"}]})
    ch = {r["FIELD"]: r for r in hist(3, cid) if r["EVENT_TYPE"] == 2}
    check(ch["NAME"]["OLD_VALUE"] == "Hist" and ch["NAME"]["NEW_VALUE"] == "Hist 2", ch)
    check("+7 111" in (ch["PHONE"]["OLD_VALUE"] or "") and "+7 222" in (ch["PHONE"]["NEW_VALUE"] or ""), ch)
    ok("crm.contact.delete", {"id": cid})
    check(hist(3, cid)[-1]["EVENT_TYPE"] == 3, "deletion is recorded", hist(3, cid))

run()
