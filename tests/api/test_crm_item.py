"""test_crm_item.py — the universal crm.item.{fields,add,get,list,update,delete} against the real
binary for leads, deals, contacts and companies (entityTypeId 1–4): camelCase names, typed values
(numbers, "Y"/"N", ISO dates or null, fm, linked ids), the {item}/{items}/{fields}/[] shapes,
camelCase and upper-case filter/order/select with every operator and logic OR groups, offset and
keyset paging, moving a deal between pipelines, the refusals, and agreement with crm.deal.get."""
import os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, test, run, check  # noqa: E402

srv = Server()
LEAD, DEAL, CONTACT, COMPANY = 1, 2, 3, 4


ok = srv.ok  # the whole envelope


fails = srv.fails


def add(t, fields, via="json"):
    item = ok("crm.item.add", {"entityTypeId": t, "fields": fields}, via=via)["result"]["item"]
    check(isinstance(item["id"], int) and item["id"] > 0 and item["entityTypeId"] == t, item)
    return item


def get(t, iid):
    return ok("crm.item.get", {"entityTypeId": t, "id": iid})["result"]["item"]


def update(t, iid, fields):
    return ok("crm.item.update", {"entityTypeId": t, "id": iid, "fields": fields})["result"]["item"]


def items(t, **params):
    body = ok("crm.item.list", dict(params, entityTypeId=t))
    check(set(body["result"]) == {"items"}, body)
    return body["result"]["items"], body


def ids(t, **params):
    return [i["id"] for i in items(t, **params)[0]]


def is_iso(s):
    return isinstance(s, str) and len(s) == 25 and s[10] == "T" and s[19] in "+-"


# ---- fields ----

@test
def fields_every_type():
    flags = {"type", "isRequired", "isReadOnly", "isImmutable", "isMultiple", "isDynamic", "title", "upperName"}
    for t in (LEAD, DEAL, CONTACT, COMPANY):
        f = ok("crm.item.fields", {"entityTypeId": t})["result"]["fields"]
        check(all(flags <= set(d) for d in f.values()), t, f)
        check(all(k[0].islower() and "_" not in k for k in f), t, sorted(f))
        check(f["id"]["type"] == "integer" and f["id"]["isReadOnly"] is True and f["id"]["upperName"] == "ID", f["id"])
        check(f["createdTime"]["type"] == "datetime" and f["createdTime"]["upperName"] == "CREATED_TIME", f)
        check(f["createdBy"]["type"] == "user" and f["createdBy"]["upperName"] == "CREATED_BY", f)
        check(f["updatedTime"]["isReadOnly"] is True and f["updatedBy"]["upperName"] == "UPDATED_BY", f)
        check(f["assignedById"]["type"] == "user" and f["assignedById"]["upperName"] == "ASSIGNED_BY_ID", f)
        check(f["opened"]["type"] == "boolean", f["opened"])
        check(not {"PHONE", "phone", "email", "DATE_CREATE", "dateCreate", "createdById"} & set(f), sorted(f))
        if t != DEAL:
            check(f["fm"]["type"] == "crm_multifield" and f["fm"]["isMultiple"] is True, f["fm"])
    lead = ok("crm.item.fields", {"entityTypeId": LEAD})["result"]["fields"]
    check(lead["stageId"]["upperName"] == "STAGE_ID" and lead["stageId"]["statusType"] == "STATUS", lead["stageId"])
    check(lead["stageSemanticId"]["isReadOnly"] is True and "statusId" not in lead, lead)
    check(lead["contactIds"]["isMultiple"] is True and lead["contactId"].get("isDeprecated") is True, lead)
    check(lead["companyId"]["settings"] == {"parentEntityTypeId": 4}, lead["companyId"])
    deal = ok("crm.item.fields", {"entityTypeId": DEAL})["result"]["fields"]
    check(deal["categoryId"]["type"] == "crm_category" and deal["categoryId"]["isImmutable"] is False, deal)
    check(deal["stageId"]["statusType"] == "DEAL_STAGE" and deal["opportunity"]["type"] == "double", deal)
    check(deal["begindate"]["type"] == "date" and "fm" not in deal, deal)
    company = ok("crm.item.fields", {"entityTypeId": COMPANY})["result"]["fields"]
    check(company["typeId"]["statusType"] == "COMPANY_TYPE" and "companyType" not in company, sorted(company))
    check(company["contactIds"]["isMultiple"] is True and company["title"]["isRequired"] is True, company)
    contact = ok("crm.item.fields", {"entityTypeId": CONTACT})["result"]["fields"]
    check(contact["companyIds"]["isMultiple"] is True and contact["companyId"].get("isDeprecated") is True, contact)


# ---- add / get: typed values, per type ----

@test
def lead_add_get_typed():
    it = add(LEAD, {"title": "Заявка с сайта", "name": "Анна", "lastName": "Петрова", "opportunity": 1500.75,
                    "currencyId": "USD", "opened": "N", "birthdate": "1990-05-17", "sourceId": "WEB",
                    "isManualOpportunity": True, "comments": "перезвонить",
                    "fm": [{"typeId": "PHONE", "valueType": "MOBILE", "value": "+7 900 123-45-67"},
                           {"typeId": "EMAIL", "valueType": "WORK", "value": "anna@example.com"}]})
    g = get(LEAD, it["id"])
    check(g == it, it, g)
    check(g["title"] == "Заявка с сайта" and g["name"] == "Анна" and g["lastName"] == "Петрова", g)
    check(g["opportunity"] == 1500.75 and isinstance(g["opportunity"], float), g["opportunity"])
    check(g["currencyId"] == "USD" and g["opened"] == "N" and g["isManualOpportunity"] == "Y", g)
    check(g["stageId"] == "NEW" and g["stageSemanticId"] == "P" and g["sourceId"] == "WEB", g)
    check(g["createdBy"] == 1 and g["updatedBy"] == 1 and g["assignedById"] == 1 and g["movedBy"] == 1, g)
    check(is_iso(g["createdTime"]) and is_iso(g["updatedTime"]) and is_iso(g["movedTime"]), g)
    check(g["birthdate"].startswith("1990-05-17T") and g["dateClosed"] is None, g)
    check(g["hasPhone"] == "Y" and g["hasEmail"] == "Y" and g["hasImol"] == "N", g)
    check(g["companyId"] == 0 and g["contactId"] == 0 and g["contactIds"] == [], g)
    fm = {v["typeId"]: v for v in g["fm"]}
    check(set(fm) == {"PHONE", "EMAIL"} and all(set(v) == {"id", "valueType", "value", "typeId"} for v in g["fm"]), g)
    check(isinstance(fm["PHONE"]["id"], int) and fm["PHONE"]["valueType"] == "MOBILE", fm)
    check(fm["EMAIL"]["value"] == "anna@example.com" and g["entityTypeId"] == LEAD, fm)
    check(not any(k.isupper() for k in g), sorted(g))


@test
def deal_add_get_typed():
    c1 = add(CONTACT, {"name": "Иван"})["id"]
    c2 = add(CONTACT, {"name": "Пётр"})["id"]
    co = add(COMPANY, {"title": "ООО Ромашка"})["id"]
    it = add(DEAL, {"title": "Поставка", "typeId": "GOODS", "opportunity": 250000, "currencyId": "RUB",
                    "probability": 40, "contactIds": [c1, c2], "companyId": co, "begindate": "2024-03-01",
                    "closedate": "2024-03-31", "isRecurring": False, "opened": True})
    g = get(DEAL, it["id"])
    check(g["title"] == "Поставка" and g["typeId"] == "GOODS" and g["categoryId"] == 0, g)
    check(g["opportunity"] == 250000 and g["probability"] == 40 and g["taxValue"] == 0, g)
    check(g["contactIds"] == [c1, c2] and g["contactId"] == c1 and g["companyId"] == co, g)
    check(g["begindate"].startswith("2024-03-01T") and g["closedate"].startswith("2024-03-31T"), g)
    check(g["isRecurring"] == "N" and g["opened"] == "Y" and g["closed"] == "N" and g["isNew"] == "Y", g)
    check(g["stageId"] == "NEW" and g["quoteId"] is None and g["leadId"] is None, g)
    check("fm" not in g or g["fm"] == [], g)
    # a deal without title is named by its number, as Bitrix24 does
    d2 = add(DEAL, {})
    check(d2["title"].endswith("#%d" % d2["id"]) and d2["stageId"] == "NEW", d2)


@test
def contact_company_add_get_typed():
    co = add(COMPANY, {"title": "АО Вектор", "typeId": "CUSTOMER", "industry": "IT", "revenue": 1000000,
                       "employees": "EMPLOYEES_2", "isMyCompany": "N",
                       "fm": [{"typeId": "WEB", "valueType": "WORK", "value": "vector.example"}]})
    check(co["typeId"] == "CUSTOMER" and co["industry"] == "IT" and co["revenue"] == 1000000, co)
    check(co["isMyCompany"] == "N" and co["fm"][0]["value"] == "vector.example", co)
    c = add(CONTACT, {"name": "Ольга", "lastName": "Смирнова", "typeId": "CLIENT", "export": "N",
                      "companyIds": [co["id"]],
                      "fm": [{"typeId": "PHONE", "value": "+7 495 000-00-01"}]})
    g = get(CONTACT, c["id"])
    check(g["companyIds"] == [co["id"]] and g["companyId"] == co["id"] and g["export"] == "N", g)
    check(g["fm"][0]["valueType"] == "WORK" and g["hasPhone"] == "Y" and g["typeId"] == "CLIENT", g)
    gc = get(COMPANY, co["id"])
    check(gc["contactIds"] == [c["id"]] and gc["entityTypeId"] == COMPANY, gc)


@test
def wrappers_and_encodings():
    it = add(CONTACT, {"name": "Форма", "opened": "N"}, via="form")
    check(it["name"] == "Форма" and it["opened"] == "N", it)
    b = ok("crm.item.get", {"entityTypeId": CONTACT, "id": it["id"]}, via="get")
    check(set(b["result"]) == {"item"} and b["result"]["item"]["name"] == "Форма", b)
    b = ok("crm.item.update", {"entityTypeId": CONTACT, "id": it["id"], "fields": {"post": "CEO"}})
    check(set(b["result"]) == {"item"} and b["result"]["item"]["post"] == "CEO", b)
    b = ok("crm.item.delete", {"entityTypeId": CONTACT, "id": it["id"]})
    check(b["result"] == [], b)
    fails("crm.item.get", {"entityTypeId": CONTACT, "id": it["id"]}, "NOT_FOUND", mentions="not found")
    # parameter names in any case, ids as text
    b = ok("crm.item.get", {"ENTITYTYPEID": "1", "ID": str(add(LEAD, {"title": "x"})["id"])})
    check(b["result"]["item"]["title"] == "x", b)
    # batch
    b = ok("batch", {"halt": 1, "cmd": {"a": "crm.item.add?entityTypeId=1&fields[title]=batch",
                                        "b": "crm.item.get?entityTypeId=1&id=$result[a][item][id]"}})
    check(b["result"]["result"]["b"]["item"]["title"] == "batch", b)


# ---- update ----

@test
def update_typed_and_fm():
    it = add(LEAD, {"title": "A", "fm": [{"typeId": "PHONE", "valueType": "MOBILE", "value": "+7 900 000-00-01"},
                                         {"typeId": "EMAIL", "value": "old@example.com"}]})
    fm = {v["typeId"]: v for v in it["fm"]}
    u = update(LEAD, it["id"], {"title": "B", "opportunity": "99.5", "opened": False, "stageId": "IN_PROCESS",
                                "fm": {str(fm["PHONE"]["id"]): {"value": "+7 900 000-00-02"},
                                       str(fm["EMAIL"]["id"]): {"typeId": "EMAIL", "value": ""},
                                       "n0": {"typeId": "WEB", "valueType": "WORK", "value": "b.example"}}})
    check(u["title"] == "B" and u["opportunity"] == 99.5 and u["opened"] == "N", u)
    check(u["stageId"] == "IN_PROCESS" and u["createdTime"] == it["createdTime"], u)
    got = {v["typeId"]: v for v in u["fm"]}
    check(set(got) == {"PHONE", "WEB"} and u["hasEmail"] == "N", u["fm"])
    check(got["PHONE"]["id"] == fm["PHONE"]["id"] and got["PHONE"]["value"] == "+7 900 000-00-02", got)
    check(got["PHONE"]["valueType"] == "MOBILE", "a changed value keeps its kind", got)
    # a list adds values; an id the item does not have makes a new value
    u = update(LEAD, it["id"], {"fm": [{"typeId": "PHONE", "value": "+7 900 000-00-03", "id": 999999}]})
    check(len([v for v in u["fm"] if v["typeId"] == "PHONE"]) == 2, u["fm"])
    # only the passed fields change; upper-case and legacy names are understood too
    u = update(LEAD, it["id"], {"STATUS_DESCRIPTION": "ждёт звонка", "COMMENTS": "c"})
    check(u["statusDescription"] == "ждёт звонка" and u["comments"] == "c" and u["title"] == "B", u)
    # read-only and unknown fields are ignored
    u = update(LEAD, it["id"], {"createdBy": 77, "bogus": 1, "title": "C"})
    check(u["createdBy"] == 1 and u["title"] == "C" and "bogus" not in u, u)
    fails("crm.item.update", {"entityTypeId": LEAD, "id": it["id"], "fields": {"id": 5}}, "ERROR_ARGUMENT",
          mentions="Primary ID")
    # contacts of a deal replaced by the list
    c1, c2 = add(CONTACT, {"name": "x"})["id"], add(CONTACT, {"name": "y"})["id"]
    d = add(DEAL, {"contactIds": [c1]})
    check(update(DEAL, d["id"], {"contactIds": [c2, c1]})["contactIds"] == [c2, c1])
    check(update(DEAL, d["id"], {"contactIds": []})["contactIds"] == [])


# ---- list: filter, order, select, paging ----

_seeds = [0]


def seed_companies():
    _seeds[0] += 1
    tag = "Z%d-%d" % (os.getpid(), _seeds[0])
    rows = [("%s Альфа" % tag, 100.0, "IT", "Y"), ("%s Бета" % tag, 200.5, "TELECOM", "N"),
            ("%s Гамма" % tag, 300.0, "IT", "N"), ("%s Дельта 50%%" % tag, 0, "BANKING", "Y")]
    out = [add(COMPANY, {"title": t, "revenue": r, "industry": i, "opened": o})["id"] for t, r, i, o in rows]
    return tag, out


@test
def list_filter_operators():
    tag, (a, b, g, d) = seed_companies()
    base = {"%title": tag}
    check(sorted(ids(COMPANY, filter=base)) == [a, b, g, d])
    cases = [
        ({">=revenue": 200.5}, [b, g]), ({">revenue": 200.5}, [g]), ({"<=revenue": 100}, [a, d]),
        ({"<revenue": 100}, [d]), ({"revenue": 300}, [g]), ({"=revenue": 300}, [g]),
        ({"!revenue": 300}, [a, b, d]), ({"!=industry": "IT"}, [b, d]),
        ({"@industry": ["IT", "BANKING"]}, [a, g, d]), ({"!@industry": ["IT", "BANKING"]}, [b]),
        ({"%title": "ам"}, [g]), ({"=%title": "%s Б%%" % tag}, [b]), ({"%=title": "%%та"}, [b]),
        ({"!%title": "ьт"}, [a, b, g]), ({"!=%title": "%%а"}, [d]), ({"%title": "50%"}, [d]),
        ({"opened": "Y"}, [a, d]), ({"opened": True}, [a, d]), ({"=opened": False}, [b, g]),
        ({">id": b}, [g, d]), ({"@id": [a, d]}, [a, d]),
        # crm.item's upper names and the legacy names filter too
        ({"REVENUE": 100}, [a]), ({"INDUSTRY": "TELECOM"}, [b]), ({">=ID": g}, [g, d]),
        # a company type left out is the first of the list (Bitrix24: "the first available")
        ({"TYPE_ID": "CUSTOMER"}, [a, b, g, d]), ({"COMPANY_TYPE": "CUSTOMER"}, [a, b, g, d]),
    ]
    for f, want in cases:
        got = sorted(ids(COMPANY, filter=dict(base, **f)))
        check(got == sorted(want), f, got, want)
    # dates and users
    check(sorted(ids(COMPANY, filter=dict(base, **{">=createdTime": "2000-01-01T00:00:00+00:00",
                                                     "createdBy": 1}))) == [a, b, g, d])
    check(ids(COMPANY, filter=dict(base, **{"<createdTime": "2000-01-01"})) == [])


@test
def list_logic_or():
    tag, (a, b, g, d) = seed_companies()
    f = {"%title": tag, "0": {"logic": "OR", "0": {"industry": "TELECOM"}, "1": {">=revenue": 300}}}
    check(sorted(ids(COMPANY, filter=f)) == [b, g])
    # the documented shape: a group of groups, each with one condition
    f = {"%title": tag, "0": {"logic": "OR", "0": {"=industry": "BANKING"}, "1": {"!=opened": "Y"}},
         "!id": b}
    check(sorted(ids(COMPANY, filter=f)) == [g, d])
    # an OR group alone (a PHP list) and a member matching everything
    f = [{"logic": "OR", "0": {"id": a}, "1": {"id": d}}]
    check(sorted(ids(COMPANY, filter=f)) == [a, d])
    f = {"%title": tag, "0": {"logic": "OR", "0": {"id": a}, "1": {"%title": ""}}}
    check(len(ids(COMPANY, filter=f)) == 4)
    # a member with several conditions: they hold together
    f = {"%title": tag, "0": {"logic": "OR", "0": {"id": a, "industry": "TELECOM"}, "1": {"id": b}}}
    check(sorted(ids(COMPANY, filter=f)) == [b])
    f = {"%title": tag, "0": {"logic": "OR", "0": {"id": a, "industry": "IT"}, "1": {"id": b}}}
    check(sorted(ids(COMPANY, filter=f)) == [a, b])


@test
def list_order_select():
    tag, (a, b, g, d) = seed_companies()
    base = {"%title": tag}
    check(ids(COMPANY, filter=base, order={"revenue": "DESC"}) == [g, b, a, d])
    check(ids(COMPANY, filter=base, order={"REVENUE": "asc"}) == [d, a, b, g])
    check(ids(COMPANY, filter=base, order={"industry": "ASC", "id": "DESC"}) == [d, g, a, b])
    check(ids(COMPANY, filter=base, order={"createdTime": "DESC", "id": "DESC"}) == [d, g, b, a])
    rows, body = items(COMPANY, filter=base, select=["title", "REVENUE", "industry", "nope"], order={"id": "ASC"})
    check(all(set(r) == {"id", "title", "revenue", "industry"} for r in rows), rows)
    check(rows[1]["revenue"] == 200.5 and body["total"] == 4 and "next" not in body, rows, body)
    rows, _ = items(COMPANY, filter=base, select=["fm", "contactIds"])
    check(all(set(r) == {"id", "fm", "contactIds"} and r["fm"] == [] for r in rows), rows)
    rows, _ = items(COMPANY, filter=base, select=["*"])
    check(rows and all(r["entityTypeId"] == COMPANY and "fm" in r and "createdTime" in r for r in rows), rows)
    rows, _ = items(COMPANY, filter=base)
    check(rows and all(r["entityTypeId"] == COMPANY and "contactIds" in r for r in rows), rows)
    # lead STATUS_ID answers to stageId, STAGE_ID and STATUS_ID
    lid = add(LEAD, {"title": tag, "stageId": "JUNK"})["id"]
    for key in ("stageId", "STAGE_ID", "STATUS_ID"):
        check(ids(LEAD, filter={key: "JUNK", "title": tag}) == [lid], key)
    rows, _ = items(LEAD, filter={"id": lid}, select=["STATUS_ID", "DATE_CREATE"])
    check(set(rows[0]) == {"id", "stageId", "createdTime"} and rows[0]["stageId"] == "JUNK", rows)


@test
def list_paging_offset_and_keyset():
    tag = "P%s" % os.getpid()
    made = []
    for chunk in range(2):
        cmd = {"c%d" % i: "crm.item.add?entityTypeId=3&fields[name]=%s&fields[lastName]=%d" % (tag, chunk * 30 + i)
               for i in range(30)}
        b = ok("batch", {"halt": 1, "cmd": cmd})
        made += [b["result"]["result"]["c%d" % i]["item"]["id"] for i in range(30)]
    made.sort()
    rows, body = items(CONTACT, filter={"name": tag}, select=["id"], order={"id": "ASC"})
    check(len(rows) == 50 and body["total"] == 60 and body["next"] == 50, len(rows), body.get("total"))
    rows2, body2 = items(CONTACT, filter={"name": tag}, select=["id"], order={"id": "ASC"}, start=50)
    check([r["id"] for r in rows + rows2] == made and "next" not in body2, body2)
    # keyset, as b24jssdk pages: {">id": last} ordered by id, start=-1 (no count)
    seen, last = [], 0
    for _ in range(5):
        rows, body = items(CONTACT, filter={"name": tag, ">id": last}, order={"id": "ASC"}, select=["id"], start=-1)
        check("total" not in body and "next" not in body, body)
        seen += [r["id"] for r in rows]
        if len(rows) < 50:
            break
        last = rows[-1]["id"]
    check(seen == made, seen, made)


# ---- pipelines ----

@test
def deal_moves_between_pipelines():
    cat = ok("crm.category.add", {"entityTypeId": DEAL, "fields": {"name": "Опт %d" % os.getpid()}})
    cid = cat["result"]["category"]["id"]
    d = add(DEAL, {"title": "move me", "stageId": "PREPARATION", "opportunity": 10})
    check(d["categoryId"] == 0 and d["stageId"] == "PREPARATION", d)
    # the legacy method refuses to change the pipeline
    st, body = srv.call("crm.deal.update", {"id": d["id"], "fields": {"CATEGORY_ID": cid}})
    check(st == 400 and body.get("error") == "" and "CATEGORY_ID" in body["error_description"], st, body)
    check(get(DEAL, d["id"])["categoryId"] == 0)
    # crm.item.update moves it; the stage becomes the first of that pipeline
    u = update(DEAL, d["id"], {"categoryId": cid})
    check(u["categoryId"] == cid and u["stageId"] == "C%d:NEW" % cid and u["stageSemanticId"] == "P", u)
    check(u["isNew"] == "Y", u)
    # and back, to a stage named with it
    u = update(DEAL, d["id"], {"categoryId": 0, "stageId": "WON"})
    check(u["categoryId"] == 0 and u["stageId"] == "WON" and u["closed"] == "Y" and u["stageSemanticId"] == "S", u)
    # a stage of another pipeline is refused
    fails("crm.item.update", {"entityTypeId": DEAL, "id": d["id"], "fields": {"stageId": "C%d:NEW" % cid}},
          "ERROR_ARGUMENT", mentions="stage")
    fails("crm.item.update", {"entityTypeId": DEAL, "id": d["id"], "fields": {"categoryId": 999}},
          "ERROR_ARGUMENT", mentions="999")
    # list by pipeline
    check(ids(DEAL, filter={"categoryId": cid}) == [])
    update(DEAL, d["id"], {"categoryId": cid, "stageId": "C%d:EXECUTING" % cid})
    check(ids(DEAL, filter={"categoryId": cid, "stageId": "C%d:EXECUTING" % cid}) == [d["id"]])


# ---- agreement with the legacy methods ----

@test
def legacy_and_item_agree():
    c = add(CONTACT, {"name": "Согласие"})["id"]
    it = add(DEAL, {"title": "Одна сделка", "opportunity": 1234.5, "contactIds": [c], "begindate": "2024-02-29",
                    "opened": "N", "probability": 70, "typeId": "SALE"})
    leg = ok("crm.deal.get", {"id": it["id"]})["result"]
    item = get(DEAL, it["id"])
    pairs = {"ID": "id", "TITLE": "title", "OPPORTUNITY": "opportunity", "CURRENCY_ID": "currencyId",
             "STAGE_ID": "stageId", "CATEGORY_ID": "categoryId", "CONTACT_ID": "contactId",
             "CONTACT_IDS": "contactIds", "BEGINDATE": "begindate", "CLOSEDATE": "closedate", "OPENED": "opened",
             "PROBABILITY": "probability", "TYPE_ID": "typeId", "DATE_CREATE": "createdTime",
             "DATE_MODIFY": "updatedTime", "CREATED_BY_ID": "createdBy", "MODIFY_BY_ID": "updatedBy",
             "ASSIGNED_BY_ID": "assignedById", "MOVED_BY_ID": "movedBy", "MOVED_TIME": "movedTime",
             "STAGE_SEMANTIC_ID": "stageSemanticId", "IS_NEW": "isNew", "CLOSED": "closed"}
    for k, ck in pairs.items():
        lv, iv = leg[k], item[ck]
        if isinstance(iv, (int, float)) and not isinstance(iv, bool):
            check(float(lv) == iv, k, lv, iv)
        else:
            check(lv == iv, k, lv, iv)
    # a write through the legacy method reads back through crm.item, and the other way
    ok("crm.deal.update", {"id": it["id"], "fields": {"TITLE": "Переименована", "OPPORTUNITY": 10}})
    item = get(DEAL, it["id"])
    check(item["title"] == "Переименована" and item["opportunity"] == 10, item)
    update(DEAL, it["id"], {"comments": "из crm.item"})
    check(ok("crm.deal.get", {"id": it["id"]})["result"]["COMMENTS"] == "из crm.item")
    lead = add(LEAD, {"title": "L", "stageId": "IN_PROCESS"})
    check(ok("crm.lead.get", {"id": lead["id"]})["result"]["STATUS_ID"] == "IN_PROCESS")
    # the same list through both
    legacy_ids = [int(r["ID"]) for r in ok("crm.deal.list", {"filter": {"CONTACT_IDS": c}})["result"]]
    check(legacy_ids == ids(DEAL, filter={"contactIds": c}) == [it["id"]], legacy_ids)


# ---- refusals ----

@test
def refusals():
    for t in (0, 5, 7, 31, 128, 1000, -1):
        fails("crm.item.get", {"entityTypeId": t, "id": 1}, "NOT_FOUND", mentions="Smart process not found")
        fails("crm.item.list", {"entityTypeId": t}, "NOT_FOUND")
    fails("crm.item.fields", {"entityTypeId": 7}, "NOT_FOUND")
    fails("crm.item.fields", {}, "ERROR_ARGUMENT", mentions="entityTypeId")
    fails("crm.item.add", {"entityTypeId": "deal", "fields": {}}, "ERROR_ARGUMENT", mentions="entityTypeId")
    fails("crm.item.get", {"entityTypeId": DEAL}, "ERROR_ARGUMENT", mentions="id")
    fails("crm.item.get", {"entityTypeId": DEAL, "id": "abc"}, "ERROR_ARGUMENT", mentions="id")
    for t in (LEAD, DEAL, CONTACT, COMPANY):
        fails("crm.item.get", {"entityTypeId": t, "id": 987654}, "NOT_FOUND", mentions="Item not found")
        fails("crm.item.update", {"entityTypeId": t, "id": 987654, "fields": {"title": "x"}}, "NOT_FOUND")
        fails("crm.item.delete", {"entityTypeId": t, "id": 987654}, "NOT_FOUND")
    d = add(DEAL, {"title": "ok"})["id"]
    bad = [({"opportunity": "много"}, "OPPORTUNITY"), ({"opportunity": -5}, "OPPORTUNITY"),
           ({"probability": "x"}, "PROBABILITY"), ({"begindate": "31.12.2024"}, "BEGINDATE"),
           ({"assignedById": 999999}, "ASSIGNED_BY_ID"), ({"stageId": "NOPE"}, "NOPE"),
           ({"typeId": "NOPE"}, "NOPE"), ({"currencyId": "rubles"}, "CURRENCY_ID"),
           ({"contactIds": [999999]}, "999999"), ({"companyId": 999999}, "999999"), ({"title": ["a"]}, "TITLE"),
           ({"opened": "maybe"}, "OPENED")]
    for f, word in bad:
        fails("crm.item.update", {"entityTypeId": DEAL, "id": d, "fields": f}, "ERROR_ARGUMENT", mentions=word)
        fails("crm.item.add", {"entityTypeId": DEAL, "fields": f}, "ERROR_ARGUMENT", mentions=word)
    check(get(DEAL, d)["title"] == "ok")
    fails("crm.item.add", {"entityTypeId": CONTACT, "fields": {"fm": [{"typeId": "FAX", "value": "1"}]}},
          "ERROR_ARGUMENT", mentions="typeId")
    fails("crm.item.add", {"entityTypeId": CONTACT, "fields": {"fm": [{"typeId": "EMAIL", "value": "no-at"}]}},
          "ERROR_ARGUMENT", mentions="EMAIL")
    fails("crm.item.add", {"entityTypeId": CONTACT, "fields": {"fm": "x"}}, "ERROR_ARGUMENT", mentions="fm")
    fails("crm.item.add", {"entityTypeId": CONTACT, "fields": "x"}, "ERROR_ARGUMENT", mentions="fields")
    fails("crm.item.update", {"entityTypeId": CONTACT, "id": add(CONTACT, {})["id"]}, "ERROR_ARGUMENT",
          mentions="fields")
    fails("crm.item.list", {"entityTypeId": DEAL, "filter": {"nope": 1}}, "ERROR_ARGUMENT", mentions="nope")
    fails("crm.item.list", {"entityTypeId": DEAL, "filter": {"fm": 1}}, "ERROR_ARGUMENT", mentions="fm")
    fails("crm.item.list", {"entityTypeId": DEAL, "filter": "x"}, "ERROR_ARGUMENT", mentions="filter")
    fails("crm.item.list", {"entityTypeId": DEAL, "filter": {">opportunity": "x"}}, "ERROR_ARGUMENT")
    fails("crm.item.list", {"entityTypeId": DEAL, "order": {"nope": "ASC"}}, "ERROR_ARGUMENT", mentions="nope")
    fails("crm.item.list", {"entityTypeId": DEAL, "order": {"contactIds": "ASC"}}, "ERROR_ARGUMENT")
    fails("crm.item.list", {"entityTypeId": DEAL, "order": {"id": "UP"}}, "ERROR_ARGUMENT")
    deep = {"id": 1}
    for _ in range(12):
        deep = {"0": deep, "logic": "AND"}
    fails("crm.item.list", {"entityTypeId": DEAL, "filter": deep}, "ERROR_ARGUMENT", mentions="nested")
    # the server is still well
    check(get(DEAL, d)["id"] == d)


run()
