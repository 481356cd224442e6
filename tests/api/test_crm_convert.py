"""test_crm_convert.py — the CRM's relations and flows against the real binary: lead conversion
(voronka.crm.lead.convert) into a contact, a company and a deal in one transaction; product rows of
deals and leads with the amount following them; the link methods (crm.deal.contact.*,
crm.lead.contact.*, crm.contact.company.*, crm.company.contact.*); the field history of items
(voronka.crm.history.list); and that refusals leave nothing half-written."""
import os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, test, run, check  # noqa: E402

srv = Server()


def ok(method, params=None):
    st, body = srv.call(method, params)
    check(st == 200 and "result" in body, method, params, st, body)
    return body["result"]


def fails(method, params, code="", mentions=None, status=400):
    st, body = srv.call(method, params)
    check(st == status and body.get("error") == code, method, params, st, body)
    if mentions:
        check(mentions in body.get("error_description", ""), "description", mentions, body)
    return body


def total(method, flt=None):
    st, body = srv.call(method, {"filter": flt or {}, "select": ["ID"]})
    check(st == 200, body)
    return body["total"]


def history(type_id, item_id):
    return ok("voronka.crm.history.list", {"entityTypeId": type_id, "id": item_id})


def new_lead(**extra):
    f = {"TITLE": "Заявка с сайта", "NAME": "Анна", "LAST_NAME": "Смирнова", "SECOND_NAME": "Игоревна",
         "COMPANY_TITLE": "ООО «Вектор»", "POST": "Директор", "SOURCE_ID": "WEB", "OPPORTUNITY": 50000,
         "ADDRESS_CITY": "Казань", "COMMENTS": "Перезвонить после обеда",
         "PHONE": [{"VALUE": "+7 843 111-22-33", "VALUE_TYPE": "WORK"}],
         "EMAIL": [{"VALUE": "anna@vector.ru", "VALUE_TYPE": "WORK"}]}
    f.update(extra)
    return ok("crm.lead.add", {"fields": f})


@test
def convert_into_all_three():
    lid = new_lead()
    ok("crm.lead.productrows.set", {"id": lid, "rows": [
        {"PRODUCT_NAME": "Внедрение", "PRICE": 30000, "QUANTITY": 1},
        {"PRODUCT_NAME": "Обучение", "PRICE": 5000, "QUANTITY": 2}]})
    check(ok("crm.lead.get", {"id": lid})["OPPORTUNITY"] == "40000.00")
    r = ok("voronka.crm.lead.convert", {"id": lid, "contact": True, "company": True, "deal": True})
    cid, coid, did = r["contactId"], r["companyId"], r["dealId"]
    check(all(isinstance(x, int) and x > 0 for x in (cid, coid, did)), r)
    c = ok("crm.contact.get", {"id": cid})
    check(c["NAME"] == "Анна" and c["LAST_NAME"] == "Смирнова" and c["POST"] == "Директор", c)
    check(c["LEAD_ID"] == str(lid) and c["COMPANY_ID"] == str(coid) and c["ADDRESS_CITY"] == "Казань", c)
    check([p["VALUE"] for p in c["PHONE"]] == ["+7 843 111-22-33"] and c["HAS_PHONE"] == "Y", c)
    check([e["VALUE"] for e in c["EMAIL"]] == ["anna@vector.ru"], c)
    co = ok("crm.company.get", {"id": coid})
    check(co["TITLE"] == "ООО «Вектор»" and co["LEAD_ID"] == str(lid) and co["CONTACT_ID"] == [cid], co)
    d = ok("crm.deal.get", {"id": did})
    check(d["TITLE"] == "Заявка с сайта" and d["OPPORTUNITY"] == "40000.00" and d["LEAD_ID"] == str(lid), d)
    check(d["COMPANY_ID"] == str(coid) and d["CONTACT_ID"] == str(cid) and d["SOURCE_ID"] == "WEB", d)
    rows = ok("crm.deal.productrows.get", {"id": did})
    check([(x["PRODUCT_NAME"], x["QUANTITY"]) for x in rows] == [("Внедрение", 1), ("Обучение", 2)], rows)
    lead = ok("crm.lead.get", {"id": lid})
    check(lead["STATUS_ID"] == "CONVERTED" and lead["STATUS_SEMANTIC_ID"] == "S", lead)
    check(lead["CONTACT_ID"] == str(cid) and lead["COMPANY_ID"] == str(coid), lead)
    h = history(1, lid)
    conv = {x["FIELD"]: x["NEW_VALUE"] for x in h if x["EVENT_TYPE"] == 4}
    check(conv == {"CONTACT_ID": str(cid), "COMPANY_ID": str(coid), "DEAL_ID": str(did)}, h)
    check(any(x["FIELD"] == "STATUS_ID" and x["OLD_VALUE"] == "NEW" and x["NEW_VALUE"] == "CONVERTED" for x in h), h)
    # a converted lead is not converted twice
    fails("voronka.crm.lead.convert", {"id": lid, "deal": True}, "ERROR_ARGUMENT", "already converted")


@test
def convert_deal_only_into_pipeline_with_existing_contact():
    cat = ok("crm.category.add", {"entityTypeId": 2, "fields": {"name": "Сервис"}})["category"]["id"]
    contact = ok("crm.contact.add", {"fields": {"NAME": "Пётр", "LAST_NAME": "Иванов"}})
    lid = new_lead(TITLE="Ремонт")
    r = ok("voronka.crm.lead.convert", {"id": lid, "contact": {"id": contact}, "deal": {"TITLE": "Ремонт станка"},
                                        "categoryId": cat})
    check(r["contactId"] == contact and r["companyId"] is None and r["dealId"] > 0, r)
    d = ok("crm.deal.get", {"id": r["dealId"]})
    check(d["TITLE"] == "Ремонт станка" and d["CATEGORY_ID"] == str(cat) and d["STAGE_ID"] == f"C{cat}:NEW", d)
    check(d["CONTACT_IDS"] == [contact] and d["COMPANY_ID"] is None, d)
    check(ok("crm.contact.get", {"id": contact})["LEAD_ID"] is None, "an existing contact keeps its origin")


@test
def convert_refusals_leave_nothing():
    lid = new_lead()
    before = (total("crm.contact.list"), total("crm.company.list"), total("crm.deal.list"))
    # the deal fails (an unknown stage) after the contact and company were made: all of it rolls back
    fails("voronka.crm.lead.convert", {"id": lid, "contact": True, "company": True, "deal": {"STAGE_ID": "NOPE"}},
          "ERROR_ARGUMENT", "STAGE_ID")
    check((total("crm.contact.list"), total("crm.company.list"), total("crm.deal.list")) == before)
    check(ok("crm.lead.get", {"id": lid})["STATUS_ID"] == "NEW")
    fails("voronka.crm.lead.convert", {"id": lid}, "ERROR_ARGUMENT", "Nothing to convert")
    fails("voronka.crm.lead.convert", {"id": 999999, "deal": True}, "NOT_FOUND")
    fails("voronka.crm.lead.convert", {"id": lid, "contact": {"id": 999999}}, "NOT_FOUND")
    fails("voronka.crm.lead.convert", {"id": lid, "deal": "maybe"}, "ERROR_ARGUMENT")
    fails("voronka.crm.lead.convert", {"deal": True}, "ERROR_ARGUMENT", "id")


@test
def product_rows_and_amount():
    p = ok("crm.product.add", {"fields": {"NAME": "Лицензия", "PRICE": 1200}})
    did = ok("crm.deal.add", {"fields": {"TITLE": "С товарами", "OPPORTUNITY": 1}})
    ok("crm.deal.productrows.set", {"id": did, "rows": [
        {"PRODUCT_ID": p, "QUANTITY": 5},
        {"PRODUCT_NAME": "Настройка", "PRICE": 900, "QUANTITY": 1, "DISCOUNT_TYPE_ID": 2, "DISCOUNT_RATE": 10},
        {"PRODUCT_NAME": "Поддержка", "PRICE": 1180, "QUANTITY": 2, "TAX_RATE": 18, "TAX_INCLUDED": "Y"}]})
    rows = ok("crm.deal.productrows.get", {"id": did})
    check(len(rows) == 3, rows)
    check(rows[0]["PRODUCT_NAME"] == "Лицензия" and rows[0]["PRICE"] == 1200 and rows[0]["OWNER_TYPE"] == "D", rows[0])
    check(rows[1]["PRICE_NETTO"] == 1000 and rows[1]["DISCOUNT_SUM"] == 100, rows[1])
    check(rows[2]["PRICE_EXCLUSIVE"] == 1000 and rows[2]["TAX_RATE"] == 18, rows[2])
    d = ok("crm.deal.get", {"id": did})
    check(d["OPPORTUNITY"] == "9260.00", d["OPPORTUNITY"])  # 6000 + 900 + 2360
    h = history(2, did)
    check(any(x["FIELD"] == "OPPORTUNITY" and x["OLD_VALUE"] == "1.00" and x["NEW_VALUE"] == "9260.00" for x in h), h)
    # a manual total stays
    ok("crm.deal.update", {"id": did, "fields": {"IS_MANUAL_OPPORTUNITY": "Y", "OPPORTUNITY": 5000}})
    ok("crm.deal.productrows.set", {"id": did, "rows": [{"PRODUCT_NAME": "Разовая работа", "PRICE": 100}]})
    check(ok("crm.deal.get", {"id": did})["OPPORTUNITY"] == "5000.00")
    # clearing the rows of an automatic total brings it to zero
    ok("crm.deal.update", {"id": did, "fields": {"IS_MANUAL_OPPORTUNITY": "N"}})
    ok("crm.deal.productrows.set", {"id": did, "rows": []})
    check(ok("crm.deal.productrows.get", {"id": did}) == [])
    check(ok("crm.deal.get", {"id": did})["OPPORTUNITY"] == "0.00")


@test
def product_rows_refusals():
    did = ok("crm.deal.add", {"fields": {"TITLE": "Проверка строк"}})
    ok("crm.deal.productrows.set", {"id": did, "rows": [{"PRODUCT_NAME": "Первая", "PRICE": 10}]})
    for rows, mention in (([{"PRICE": 10}], "PRODUCT_NAME"), ([{"PRODUCT_ID": 987654}], "987654"),
                          ([{"PRODUCT_NAME": "x", "PRICE": "дорого"}], "PRICE"),
                          ([{"PRODUCT_NAME": "x", "PRICE": -1}], "PRICE"),
                          ([{"PRODUCT_NAME": "x", "QUANTITY": 1e12}], "QUANTITY"),
                          ([{"PRODUCT_NAME": "x", "DISCOUNT_RATE": 150}], "DISCOUNT_RATE"),
                          ([{"PRODUCT_NAME": "x" * 300}], "PRODUCT_NAME"),
                          (["not a row"], "Row 1"), ("text", "rows")):
        fails("crm.deal.productrows.set", {"id": did, "rows": rows}, "", mention)
    rows = ok("crm.deal.productrows.get", {"id": did})
    check([r["PRODUCT_NAME"] for r in rows] == ["Первая"], "the old rows survive a refused set", rows)
    fails("crm.deal.productrows.get", {"id": 999999}, "", "Not found")
    fails("crm.deal.productrows.set", {"id": 0, "rows": []}, "", "ID is not defined")


@test
def deal_contact_items():
    did = ok("crm.deal.add", {"fields": {"TITLE": "Много контактов"}})
    c1, c2, c3 = (ok("crm.contact.add", {"fields": {"NAME": n}}) for n in ("Один", "Два", "Три"))
    f = ok("crm.deal.contact.fields")
    check(set(f) == {"CONTACT_ID", "SORT", "ROLE_ID", "IS_PRIMARY"} and f["CONTACT_ID"]["isRequired"] is True, f)
    ok("crm.deal.contact.items.set", {"id": did, "items": [
        {"CONTACT_ID": c1, "SORT": 20}, {"CONTACT_ID": c2, "SORT": 10, "IS_PRIMARY": "Y"}]})
    items = ok("crm.deal.contact.items.get", {"id": did})
    check([(i["CONTACT_ID"], i["IS_PRIMARY"]) for i in items] == [(c2, "Y"), (c1, "N")], items)
    check(ok("crm.deal.get", {"id": did})["CONTACT_ID"] == str(c2))
    ok("crm.deal.contact.add", {"id": did, "fields": {"CONTACT_ID": c3, "IS_PRIMARY": "Y"}})
    check(ok("crm.deal.get", {"id": did})["CONTACT_ID"] == str(c3))
    check(sorted(i["CONTACT_ID"] for i in ok("crm.deal.contact.items.get", {"id": did})) == sorted([c1, c2, c3]))
    ok("crm.deal.contact.delete", {"id": did, "fields": {"CONTACT_ID": c3}})
    check(ok("crm.deal.get", {"id": did})["CONTACT_ID"] in (str(c1), str(c2)))
    fails("crm.deal.contact.delete", {"id": did, "fields": {"CONTACT_ID": c3}}, "", "not linked")
    fails("crm.deal.contact.items.set", {"id": did, "items": [{"CONTACT_ID": 999999}]}, "", "999999")
    check(len(ok("crm.deal.contact.items.get", {"id": did})) == 2, "a refused set changes nothing")
    # deals found by any of their contacts
    ids = [x["ID"] for x in ok("crm.deal.list", {"filter": {"CONTACT_IDS": c1}, "select": ["ID"]})]
    check(ids == [str(did)], ids)
    ok("crm.deal.contact.items.delete", {"id": did})
    check(ok("crm.deal.contact.items.get", {"id": did}) == [])
    check(ok("crm.deal.get", {"id": did})["CONTACT_ID"] is None)
    h = history(2, did)
    check(sum(1 for x in h if x["FIELD"] == "CONTACT_IDS") >= 4, h)
    fails("crm.deal.contact.items.get", {"id": 999999}, "", "Not found")


@test
def company_and_contact_links_both_ways():
    co = ok("crm.company.add", {"fields": {"TITLE": "АО «Север»"}})
    a = ok("crm.contact.add", {"fields": {"NAME": "Алиса"}})
    b = ok("crm.contact.add", {"fields": {"NAME": "Борис"}})
    ok("crm.company.contact.items.set", {"id": co, "items": [{"CONTACT_ID": a}, {"CONTACT_ID": b}]})
    check(sorted(i["CONTACT_ID"] for i in ok("crm.company.contact.items.get", {"id": co})) == sorted([a, b]))
    check(ok("crm.contact.get", {"id": a})["COMPANY_ID"] == str(co))
    check([i["COMPANY_ID"] for i in ok("crm.contact.company.items.get", {"id": b})] == [co])
    ok("crm.contact.company.items.delete", {"id": b})
    check(ok("crm.contact.get", {"id": b})["COMPANY_ID"] is None)
    check([i["CONTACT_ID"] for i in ok("crm.company.contact.items.get", {"id": co})] == [a])
    ok("crm.company.delete", {"id": co})
    check(ok("crm.contact.get", {"id": a})["COMPANY_ID"] is None, "a deleted company leaves no dangling link")
    lead = new_lead()
    ok("crm.lead.contact.add", {"id": lead, "fields": {"CONTACT_ID": b}})
    check(ok("crm.lead.get", {"id": lead})["CONTACT_ID"] == str(b))


@test
def history_of_changes():
    did = ok("crm.deal.add", {"fields": {"TITLE": "История", "OPPORTUNITY": 100, "COMMENTS": "первый"}})
    ok("crm.deal.update", {"id": did, "fields": {"TITLE": "История 2", "STAGE_ID": "EXECUTING"}})
    ok("crm.deal.update", {"id": did, "fields": {"TITLE": "История 2"}})  # no change: no line
    ok("crm.deal.update", {"id": did, "fields": {"COMMENTS": ""}})
    h = history(2, did)
    check(h[-1]["EVENT_TYPE"] == 1 and h[-1]["USER_ID"] == 1, "the oldest entry is the creation", h[-1])
    lines = [(x["FIELD"], x["OLD_VALUE"], x["NEW_VALUE"]) for x in h if x["EVENT_TYPE"] == 2]
    check(("TITLE", "История", "История 2") in lines and ("STAGE_ID", "NEW", "EXECUTING") in lines, lines)
    check(("COMMENTS", "первый", None) in lines or ("COMMENTS", "первый", "") in lines, lines)
    check(sum(1 for x in lines if x[0] == "TITLE") == 1, lines)
    check(all(x["CREATED"] for x in h), h)
    cid = ok("crm.contact.add", {"fields": {"NAME": "Вера", "PHONE": [{"VALUE": "+7 900 000-00-01"}]}})
    pid = ok("crm.contact.get", {"id": cid})["PHONE"][0]["ID"]
    ok("crm.contact.update", {"id": cid, "fields": {"PHONE": [{"ID": pid, "VALUE": "+7 900 000-00-02"}]}})
    lines = [(x["FIELD"], x["OLD_VALUE"], x["NEW_VALUE"]) for x in history(3, cid) if x["EVENT_TYPE"] == 2]
    check(("PHONE", "+7 900 000-00-01 (WORK)", "+7 900 000-00-02 (WORK)") in lines, lines)
    ok("crm.deal.delete", {"id": did})
    h = history(2, did)
    check(h[0]["EVENT_TYPE"] == 3 and h[0]["OLD_VALUE"] == "История 2", "the history outlives the deal", h[0])
    fails("voronka.crm.history.list", {"entityTypeId": 9, "id": 1}, "ERROR_ARGUMENT", "entityTypeId")
    fails("voronka.crm.history.list", {"entityTypeId": 2}, "ERROR_ARGUMENT", "id")


@test
def status_and_pipeline_in_use():
    cat = ok("crm.category.add", {"entityTypeId": 2, "fields": {"name": "Занятая"}})["category"]["id"]
    did = ok("crm.deal.add", {"fields": {"CATEGORY_ID": cat}})
    fails("crm.category.delete", {"entityTypeId": 2, "id": cat}, None or "ERROR_CORE", "1")
    st = ok("crm.status.add", {"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": "FAIR", "NAME": "Выставка"}})
    ok("crm.deal.update", {"id": did, "fields": {"SOURCE_ID": "FAIR"}})
    fails("crm.status.delete", {"id": st}, "ERROR_CORE", "used by 1 item")
    ok("crm.deal.delete", {"id": did})
    ok("crm.status.delete", {"id": st})
    ok("crm.category.delete", {"entityTypeId": 2, "id": cat})


run()
