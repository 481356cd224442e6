"""test_crm_userfield.py — custom fields of CRM items (issue 6: U1–U10, D5) against the real binary:
crm.{deal,lead,contact,company}.userfield.*, crm.userfield.*, every type through add / get / list /
update of the items (legacy strings and crm.item's typed values with ufCrm names), refusals per
type, multiple values, mandatory fields, defaults, list items, filter / order / select, history,
export, per-pipeline sets, rights, and definitions changed by another process on the same
database. Tests that make fields mandatory use their own item type and remove them at the end, so
the other tests' items stay valid."""
import base64, csv, datetime, io, os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, test, run, check, php_encode  # noqa: E402

srv = Server()


def ok(method, params=None, via="json", server=None):
    st, body = (server or srv).call(method, params or {}, via=via)
    check(st == 200 and "result" in body, method, params, st, body)
    return body["result"]


def fails(method, params, code="", status=400, mentions=None):
    st, body = srv.call(method, params)
    check(st == status and body.get("error") == code, method, params, st, body)
    if mentions:
        check(mentions in body.get("error_description", ""), "description", mentions, body)
    return body


def uf(entity, name, utype, **extra):
    """A new field; returns (id, FIELD_NAME)."""
    fields = {"FIELD_NAME": name, "USER_TYPE_ID": utype}
    fields.update(extra)
    fid = ok(f"crm.{entity}.userfield.add", {"fields": fields})
    check(isinstance(fid, int) and fid > 0, fid)
    return fid, ok(f"crm.{entity}.userfield.get", {"id": fid})["FIELD_NAME"]


def item_add(entity, fields):
    iid = ok(f"crm.{entity}.add", {"fields": fields})
    check(isinstance(iid, int), iid)
    return iid


def get(entity, iid):
    return ok(f"crm.{entity}.get", {"id": iid})


def b64(s):
    return base64.b64encode(s if isinstance(s, bytes) else s.encode()).decode()


def instant(iso):
    return datetime.datetime.fromisoformat(iso).timestamp()


# ---- shared fixtures ----

USER2 = ok("user.add", {"EMAIL": "uf.second@example.com", "NAME": "Second"})
USER_GONE = ok("user.add", {"EMAIL": "uf.gone@example.com", "NAME": "Gone"})
ok("user.update", {"ID": USER_GONE, "ACTIVE": False})
COMPANY = item_add("company", {"TITLE": "ООО Поля"})
CONTACT = item_add("contact", {"NAME": "Пётр"})
SOURCES = [s["STATUS_ID"] for s in ok("crm.status.list", {"filter": {"ENTITY_ID": "SOURCE"}})]

# One single-valued deal field of every type: name → (type, extra definition)
SINGLE = {
    "RT_STRING": ("string", {}),
    "RT_INTEGER": ("integer", {}),
    "RT_DOUBLE": ("double", {}),
    "RT_BOOLEAN": ("boolean", {}),
    "RT_ENUM": ("enumeration", {"LIST": [{"VALUE": "Red", "XML_ID": "red"}, {"VALUE": "Blue", "XML_ID": "blue"}]}),
    "RT_DATE": ("date", {}),
    "RT_DATETIME": ("datetime", {}),
    "RT_MONEY": ("money", {}),
    "RT_URL": ("url", {}),
    "RT_ADDRESS": ("address", {}),
    "RT_FILE": ("file", {"SETTINGS": {"MAX_ALLOWED_SIZE": 64}}),
    "RT_EMPLOYEE": ("employee", {}),
    "RT_CRM": ("crm", {"SETTINGS": {"DEAL": "Y", "CONTACT": "Y"}}),
    "RT_CRM_ONE": ("crm", {"SETTINGS": {"COMPANY": "Y"}}),
    "RT_STATUS": ("crm_status", {"SETTINGS": {"ENTITY_TYPE": "SOURCE"}}),
    "RT_IBLOCK_E": ("iblock_element", {}),
    "RT_IBLOCK_S": ("iblock_section", {}),
}
F = {}  # short name → FIELD_NAME
for short, (t, extra) in SINGLE.items():
    F[short] = uf("deal", short, t, LABEL="Поле " + short, **extra)[1]
ENUM = {i["VALUE"]: i["ID"] for i in ok("crm.deal.userfield.list", {"filter": {"FIELD_NAME": F["RT_ENUM"]}})[0]["LIST"]}
OTHER_DEAL = item_add("deal", {"TITLE": "ссылка"})


@test
def field_names_and_definition_shape():
    check(F["RT_STRING"] == "UF_CRM_RT_STRING", F)
    d = ok("crm.deal.userfield.get", {"id": ok("crm.deal.userfield.list", {"filter": {"FIELD_NAME": F["RT_ENUM"]}})[0]["ID"]})
    for k in ("ID", "ENTITY_ID", "FIELD_NAME", "USER_TYPE_ID", "XML_ID", "SORT", "MULTIPLE", "MANDATORY", "SHOW_FILTER",
              "SHOW_IN_LIST", "EDIT_IN_LIST", "IS_SEARCHABLE", "SETTINGS", "EDIT_FORM_LABEL", "LIST_COLUMN_LABEL",
              "LIST_FILTER_LABEL", "ERROR_MESSAGE", "HELP_MESSAGE", "LIST"):
        check(k in d, k, d)
    check(d["ENTITY_ID"] == "CRM_DEAL" and d["USER_TYPE_ID"] == "enumeration" and d["SORT"] == "100", d)
    check(d["MULTIPLE"] == "N" and d["MANDATORY"] == "N" and d["EDIT_IN_LIST"] == "Y" and d["XML_ID"] is None, d)
    check(d["EDIT_FORM_LABEL"] == {"ru": "Поле RT_ENUM", "en": "Поле RT_ENUM"}, d["EDIT_FORM_LABEL"])
    check(d["SETTINGS"] == {"DISPLAY": "LIST", "LIST_HEIGHT": 1, "CAPTION_NO_VALUE": "", "SHOW_NO_VALUE": "Y"}, d)
    check([(i["VALUE"], i["XML_ID"], i["DEF"]) for i in d["LIST"]] == [("Red", "red", "N"), ("Blue", "blue", "N")], d)
    # normalisation of names, as Bitrix24 does
    _, n1 = uf("lead", "my_note", "string")
    _, n2 = uf("lead", "UF_SHORT", "string")
    _, n3 = uf("lead", "UF_CRM_KEEP", "string")
    check((n1, n2, n3) == ("UF_CRM_MY_NOTE", "UF_CRM_SHORT", "UF_CRM_KEEP"), n1, n2, n3)
    gid = ok("crm.lead.userfield.add", {"fields": {"USER_TYPE_ID": "string"}})  # no name: made like the UI does
    gen = ok("crm.lead.userfield.get", {"id": gid})["FIELD_NAME"]
    check(gen.startswith("UF_CRM_") and gen[7:].isdigit(), gen)
    fails("crm.lead.userfield.add", {"fields": {"FIELD_NAME": "X" * 50, "USER_TYPE_ID": "string"}}, mentions="too long")
    fails("crm.lead.userfield.add", {"fields": {"FIELD_NAME": "bad-name", "USER_TYPE_ID": "string"}},
          mentions="invalid characters")
    fails("crm.lead.userfield.add", {"fields": {"FIELD_NAME": "MY_NOTE", "USER_TYPE_ID": "string"}}, "ERROR_CORE",
          mentions="already exists")
    fails("crm.lead.userfield.add", {"fields": {"FIELD_NAME": "NO_TYPE"}}, mentions="USER_TYPE_ID")
    fails("crm.lead.userfield.add", {"fields": {"FIELD_NAME": "BAD_TYPE", "USER_TYPE_ID": "hologram"}},
          mentions="Invalid custom type")
    fails("crm.lead.userfield.add", {"fields": {"FIELD_NAME": "MB", "USER_TYPE_ID": "boolean", "MULTIPLE": "Y"}},
          mentions="cannot be multiple")
    fails("crm.lead.userfield.add", {"fields": {"FIELD_NAME": "ST", "USER_TYPE_ID": "crm_status",
                                                "SETTINGS": {"ENTITY_TYPE": "NO_SUCH_LIST"}}}, mentions="ENTITY_TYPE")
    fails("crm.lead.userfield.add", {"fields": {"FIELD_NAME": "RX", "USER_TYPE_ID": "string",
                                                "SETTINGS": {"REGEXP": "/(a/"}}}, mentions="REGEXP")
    fails("crm.lead.userfield.add", {"fields": {"FIELD_NAME": "IDEF", "USER_TYPE_ID": "integer",
                                                "SETTINGS": {"DEFAULT_VALUE": "many"}}}, mentions="expected an integer")
    fails("crm.lead.userfield.add", {"fields": "nope"}, mentions="fields")
    fails("crm.lead.userfield.get", {"id": 999999}, "NOT_FOUND")
    fails("crm.lead.userfield.get", {"id": "x"}, mentions="ID is not defined")
    # a deal's field is not a lead's
    deal_fid = ok("crm.deal.userfield.list", {"filter": {"FIELD_NAME": F["RT_STRING"]}})[0]["ID"]
    fails("crm.lead.userfield.get", {"id": deal_fid}, "ACCESS_DENIED", 403)


@test
def list_filter_order_and_lang():
    rows = ok("crm.deal.userfield.list")
    names = [r["FIELD_NAME"] for r in rows]
    check(all(n in names for n in F.values()), names)
    ints = ok("crm.deal.userfield.list", {"filter": {"USER_TYPE_ID": "integer"}})
    check([r["FIELD_NAME"] for r in ints] == [F["RT_INTEGER"]], ints)
    by_name = ok("crm.deal.userfield.list", {"order": {"FIELD_NAME": "DESC"}, "filter": {"%FIELD_NAME": "RT_"}})
    check([r["FIELD_NAME"] for r in by_name] == sorted([r["FIELD_NAME"] for r in by_name], reverse=True), by_name)
    ru = ok("crm.deal.userfield.list", {"filter": {"FIELD_NAME": F["RT_DATE"], "LANG": "ru"}})[0]
    check(ru["EDIT_FORM_LABEL"] == "Поле RT_DATE" and ru["LIST_COLUMN_LABEL"] == "Поле RT_DATE", ru)
    # SORT orders the list and the item's fields
    fid, name = uf("contact", "SORTED_LAST", "string", SORT=900)
    fid2, name2 = uf("contact", "SORTED_FIRST", "string", SORT=10)
    listed = [r["FIELD_NAME"] for r in ok("crm.contact.userfield.list")]
    check(listed.index(name2) < listed.index(name), listed)
    ok("crm.contact.userfield.update", {"id": fid, "fields": {"SORT": 5}})
    listed = [r["FIELD_NAME"] for r in ok("crm.contact.userfield.list")]
    check(listed.index(name) < listed.index(name2), listed)
    keys = [k for k in ok("crm.contact.fields") if k.startswith("UF_")]
    check(keys.index(name) < keys.index(name2), keys)
    fails("crm.deal.userfield.list", {"filter": {"NOPE": 1}}, mentions="NOPE")


@test
def update_labels_settings_and_immutables():
    fid, name = uf("contact", "LABELLED", "string", LABEL="Метка",
                   EDIT_FORM_LABEL={"ru": "Форма", "en": "Form"}, SETTINGS={"ROWS": 3})
    d = ok("crm.contact.userfield.get", {"id": fid})
    check(d["EDIT_FORM_LABEL"] == {"ru": "Форма", "en": "Form"} and d["LIST_COLUMN_LABEL"] == {"ru": "Метка", "en": "Метка"}, d)
    check(d["SETTINGS"]["ROWS"] == 3 and d["SETTINGS"]["SIZE"] == 20, d["SETTINGS"])
    ok("crm.contact.userfield.update", {"id": fid, "fields": {"LIST_COLUMN_LABEL": {"en": "Column"},
                                                               "SETTINGS": {"MAX_LENGTH": 10}, "XML_ID": "ext-1",
                                                               "SHOW_FILTER": "Y", "SHOW_IN_LIST": "Y"}})
    d = ok("crm.contact.userfield.get", {"id": fid})
    check(d["LIST_COLUMN_LABEL"] == {"en": "Column", "ru": ""}, "update overwrites the whole label", d)
    check(d["EDIT_FORM_LABEL"] == {"ru": "Форма", "en": "Form"}, "labels not passed stay", d)
    check(d["SETTINGS"]["ROWS"] == 3 and d["SETTINGS"]["MAX_LENGTH"] == 10, "settings merge", d["SETTINGS"])
    check(d["XML_ID"] == "ext-1" and d["SHOW_FILTER"] == "E" and d["SHOW_IN_LIST"] == "Y", d)
    # what is fixed at creation
    fails("crm.contact.userfield.update", {"id": fid, "fields": {"USER_TYPE_ID": "integer"}},
          mentions="USER_TYPE_ID cannot be changed")
    fails("crm.contact.userfield.update", {"id": fid, "fields": {"MULTIPLE": "Y"}}, mentions="MULTIPLE cannot be changed")
    fails("crm.contact.userfield.update", {"id": fid, "fields": {"FIELD_NAME": "OTHER"}},
          mentions="FIELD_NAME cannot be changed")
    ok("crm.contact.userfield.update", {"id": fid, "fields": {"USER_TYPE_ID": "string", "MULTIPLE": "N",
                                                               "FIELD_NAME": "LABELLED"}})  # the same again is fine
    fails("crm.contact.userfield.update", {"id": fid, "fields": {"SORT": -1}}, mentions="SORT")
    fails("crm.contact.userfield.update", {"id": fid, "fields": {"SETTINGS": {"ROWS": 0}}}, mentions="ROWS")
    fails("crm.contact.userfield.update", {"id": 999999, "fields": {"SORT": 5}}, "NOT_FOUND")
    # the crm.X.fields descriptor
    desc = ok("crm.contact.fields")[name]
    check(desc["type"] == "string" and desc["isDynamic"] is True and desc["title"] == name, desc)
    check(desc["formLabel"] == "Форма" and desc["listLabel"] == "Column" and desc["filterLabel"] == "Метка", desc)
    check(desc["settings"]["MAX_LENGTH"] == 10 and desc["isMultiple"] is False, desc)


@test
def every_type_round_trips_on_deals():
    did = item_add("deal", {
        "TITLE": "Все типы",
        F["RT_STRING"]: "Привет, мир",
        F["RT_INTEGER"]: 42,
        F["RT_DOUBLE"]: 3.14159,
        F["RT_BOOLEAN"]: 1,
        F["RT_ENUM"]: ENUM["Red"],
        F["RT_DATE"]: "2024-03-15",
        F["RT_DATETIME"]: "2024-03-15T10:20:30+03:00",
        F["RT_MONEY"]: "100.5|USD",
        F["RT_URL"]: "https://example.com/a?b=c",
        F["RT_ADDRESS"]: "Москва, Тверская 1|55.75;37.61|",
        F["RT_FILE"]: {"fileData": ["договор.txt", b64("hello")]},
        F["RT_EMPLOYEE"]: 1,
        F["RT_CRM"]: f"D_{OTHER_DEAL}",
        F["RT_CRM_ONE"]: COMPANY,
        F["RT_STATUS"]: SOURCES[0],
        F["RT_IBLOCK_E"]: 7,
        F["RT_IBLOCK_S"]: "3",
    })
    r = get("deal", did)
    check(r[F["RT_STRING"]] == "Привет, мир" and r[F["RT_INTEGER"]] == "42" and r[F["RT_DOUBLE"]] == "3.14", r)
    check(r[F["RT_BOOLEAN"]] is True and r[F["RT_ENUM"]] == ENUM["Red"], r)
    check(r[F["RT_DATE"]].startswith("2024-03-15T00:00:00"), r[F["RT_DATE"]])
    check(instant(r[F["RT_DATETIME"]]) == instant("2024-03-15T10:20:30+03:00"), r[F["RT_DATETIME"]])
    check(r[F["RT_MONEY"]] == "100.50|USD" and r[F["RT_URL"]] == "https://example.com/a?b=c", r)
    check(r[F["RT_ADDRESS"]] == "Москва, Тверская 1|55.75;37.61|", r)
    f = r[F["RT_FILE"]]
    check(isinstance(f, dict) and f["name"] == "договор.txt" and f["size"] == 5 and f["id"] > 0, f)
    check(r[F["RT_EMPLOYEE"]] == "1" and r[F["RT_CRM"]] == f"D_{OTHER_DEAL}" and r[F["RT_CRM_ONE"]] == str(COMPANY), r)
    check(r[F["RT_STATUS"]] == SOURCES[0] and r[F["RT_IBLOCK_E"]] == "7" and r[F["RT_IBLOCK_S"]] == "3", r)
    # the same through list with UF_*
    listed = ok("crm.deal.list", {"filter": {"ID": did}, "select": ["ID", "UF_*"]})[0]
    for short in SINGLE:
        check(listed[F[short]] == r[F[short]], short, listed[F[short]], r[F[short]])
    check("TITLE" not in listed, listed)
    # update every one
    ok("crm.deal.update", {"id": did, "fields": {
        F["RT_STRING"]: "", F["RT_INTEGER"]: "-7", F["RT_DOUBLE"]: "2,5", F["RT_BOOLEAN"]: "N",
        F["RT_ENUM"]: "Blue", F["RT_DATE"]: "01.02.2025", F["RT_DATETIME"]: "2025-02-01T08:00:00Z",
        F["RT_MONEY"]: 99, F["RT_URL"]: "mailto:a@b.c", F["RT_ADDRESS"]: "СПб",
        F["RT_FILE"]: {"id": f["id"]}, F["RT_EMPLOYEE"]: USER2, F["RT_CRM"]: f"C_{CONTACT}",
        F["RT_CRM_ONE"]: f"CO_{COMPANY}", F["RT_STATUS"]: SOURCES[1], F["RT_IBLOCK_E"]: None, F["RT_IBLOCK_S"]: 4}})
    r = get("deal", did)
    check(r[F["RT_STRING"]] is None and r[F["RT_INTEGER"]] == "-7" and r[F["RT_DOUBLE"]] == "2.50", r)
    check(r[F["RT_BOOLEAN"]] is False and r[F["RT_ENUM"]] == ENUM["Blue"], r)
    check(r[F["RT_DATE"]].startswith("2025-02-01"), r[F["RT_DATE"]])
    check(instant(r[F["RT_DATETIME"]]) == instant("2025-02-01T08:00:00+00:00"), r[F["RT_DATETIME"]])
    check(r[F["RT_MONEY"]] == "99.00|RUB" and r[F["RT_URL"]] == "mailto:a@b.c" and r[F["RT_ADDRESS"]] == "СПб", r)
    check(r[F["RT_FILE"]]["id"] == f["id"] and r[F["RT_FILE"]]["name"] == "договор.txt", "the file stays", r[F["RT_FILE"]])
    check(r[F["RT_EMPLOYEE"]] == str(USER2) and r[F["RT_CRM"]] == f"C_{CONTACT}", r)
    check(r[F["RT_CRM_ONE"]] == str(COMPANY) and r[F["RT_STATUS"]] == SOURCES[1], r)
    check(r[F["RT_IBLOCK_E"]] is None and r[F["RT_IBLOCK_S"]] == "4", r)
    # crm.item: typed values under ufCrm names
    item = ok("crm.item.get", {"entityTypeId": 2, "id": did})["item"]
    check(item["ufCrmRtInteger"] == -7 and item["ufCrmRtDouble"] == 2.5 and item["ufCrmRtBoolean"] == "N", item)
    check(item["ufCrmRtEnum"] == int(ENUM["Blue"]) and item["ufCrmRtEmployee"] == USER2, item)
    check(item["ufCrmRtString"] is None and item["ufCrmRtMoney"] == "99.00|RUB" and item["ufCrmRtIblockS"] == 4, item)
    check(item["ufCrmRtFile"]["name"] == "договор.txt", item["ufCrmRtFile"])
    # a file removed
    ok("crm.deal.update", {"id": did, "fields": {F["RT_FILE"]: {"id": f["id"], "remove": "Y"}}})
    check(get("deal", did)[F["RT_FILE"]] is None)


@test
def other_item_types_round_trip():
    _, ln = uf("lead", "LEAD_SCORE", "integer")
    _, cn = uf("contact", "CONTACT_BDAY", "date")
    _, kn = uf("company", "COMPANY_SITE", "url", MULTIPLE="Y")
    lid = item_add("lead", {"TITLE": "Лид", ln: 77})
    cid = item_add("contact", {"NAME": "Анна", cn: "1990-05-06"})
    kid = item_add("company", {"TITLE": "АО Сайт", kn: ["https://a.example", "https://b.example"]})
    check(get("lead", lid)[ln] == "77")
    check(get("contact", cid)[cn].startswith("1990-05-06"))
    check(get("company", kid)[kn] == ["https://a.example", "https://b.example"])
    ok("crm.lead.update", {"id": lid, "fields": {ln: 78}})
    ok("crm.company.update", {"id": kid, "fields": {kn: ["https://c.example"]}})
    check(get("lead", lid)[ln] == "78" and get("company", kid)[kn] == ["https://c.example"])
    check(ok("crm.lead.list", {"filter": {ln: 78}, "select": ["ID", ln]}) == [{"ID": str(lid), ln: "78"}])
    check([x["ID"] for x in ok("crm.company.list", {"filter": {kn: "https://c.example"}, "select": ["ID"]})] == [str(kid)])
    item = ok("crm.item.get", {"entityTypeId": 3, "id": cid})["item"]
    check(item["ufCrmContactBday"].startswith("1990-05-06"), item)
    # a contact field is not a deal's
    check(ln not in ok("crm.deal.fields") and cn in ok("crm.contact.fields"))


@test
def multiple_values_of_every_kind():
    defs = {
        "M_STRING": ("string", ["a", "b"], ["a", "b"]),
        "M_INTEGER": ("integer", [1, "2", 3], ["1", "2", "3"]),
        "M_DOUBLE": ("double", [1.5, "2"], ["1.50", "2.00"]),
        "M_DATE": ("date", ["2024-01-01", "31.12.2024"], ["2024-01-01", "2024-12-31"]),
        "M_MONEY": ("money", ["1|USD", "2.5|EUR"], ["1.00|USD", "2.50|EUR"]),
        "M_EMPLOYEE": ("employee", [1, USER2], ["1", str(USER2)]),
        "M_CRM": ("crm", [f"D_{OTHER_DEAL}", f"CO_{COMPANY}"], [f"D_{OTHER_DEAL}", f"CO_{COMPANY}"]),
        "M_STATUS": ("crm_status", SOURCES[:2], SOURCES[:2]),
        "M_IBLOCK": ("iblock_element", [5, 6], ["5", "6"]),
    }
    names = {}
    for short, (t, _, _) in defs.items():
        extra = {"SETTINGS": {"DEAL": "Y", "COMPANY": "Y"}} if t == "crm" else \
            {"SETTINGS": {"ENTITY_TYPE": "SOURCE"}} if t == "crm_status" else {}
        names[short] = uf("deal", short, t, MULTIPLE="Y", **extra)[1]
    _, menum = uf("deal", "M_ENUM", "enumeration", MULTIPLE="Y", LIST="Один\nДва\n\nТри\n")
    items = ok("crm.deal.userfield.list", {"filter": {"FIELD_NAME": menum}})[0]["LIST"]
    check([i["VALUE"] for i in items] == ["Один", "Два", "Три"], "values one per line", items)
    _, mfile = uf("deal", "M_FILE", "file", MULTIPLE="Y")
    fields = {"TITLE": "Много значений", menum: [items[0]["ID"], items[2]["ID"]],
              mfile: [{"fileData": ["a.txt", b64("a")]}, ["b.txt", b64("bb")]]}
    for short, (_, given, _) in defs.items():
        fields[names[short]] = given
    did = item_add("deal", fields)
    r = get("deal", did)
    for short, (t, _, want) in defs.items():
        got = r[names[short]]
        if t == "date":
            got = [g[:10] for g in got]
        check(got == want, short, got, want)
    check(r[menum] == [items[0]["ID"], items[2]["ID"]], r[menum])
    check([(x["name"], x["size"]) for x in r[mfile]] == [("a.txt", 1), ("b.txt", 2)], r[mfile])
    # filter through the values, and negative filters
    check([x["ID"] for x in ok("crm.deal.list", {"filter": {names["M_STRING"]: "b"}, "select": ["ID"]})] == [str(did)])
    check([x["ID"] for x in ok("crm.deal.list", {"filter": {">=" + names["M_INTEGER"]: 3}, "select": ["ID"]})] == [str(did)])
    check(str(did) not in [x["ID"] for x in ok("crm.deal.list", {"filter": {"!" + names["M_STRING"]: "a"}, "select": ["ID"]})])
    check(str(did) in [x["ID"] for x in ok("crm.deal.list", {"filter": {"!" + names["M_STRING"]: "zzz"}, "select": ["ID"]})])
    check([x["ID"] for x in ok("crm.deal.list", {"filter": {"%" + names["M_STRING"]: "B"}, "select": ["ID"]})] == [str(did)])
    listed = ok("crm.deal.list", {"filter": {"ID": did}, "select": ["ID", names["M_INTEGER"], menum]})[0]
    check(listed == {"ID": str(did), names["M_INTEGER"]: ["1", "2", "3"], menum: [items[0]["ID"], items[2]["ID"]]}, listed)
    # replace, keep one file, clear
    keep = r[mfile][1]["id"]
    ok("crm.deal.update", {"id": did, "fields": {names["M_STRING"]: ["c"], names["M_INTEGER"]: [], mfile: [{"id": keep}]}})
    r = get("deal", did)
    check(r[names["M_STRING"]] == ["c"] and r[names["M_INTEGER"]] == [], r)
    check([x["id"] for x in r[mfile]] == [keep], r[mfile])
    # crm.item shows the lists typed
    item = ok("crm.item.get", {"entityTypeId": 2, "id": did})["item"]
    check(item["ufCrmMEmployee"] == [1, USER2] and item["ufCrmMDouble"] == [1.5, 2], item)
    # a single field takes one value
    fails("crm.deal.update", {"id": did, "fields": {F["RT_INTEGER"]: [1, 2]}}, mentions="one value")
    fails("crm.deal.update", {"id": did, "fields": {names["M_INTEGER"]: [1, "x"]}}, mentions="expected an integer")


@test
def invalid_values_are_refused_with_the_field_named():
    did = item_add("deal", {"TITLE": "Отказы"})
    _, ranged = uf("deal", "RANGED", "integer", SETTINGS={"MIN_VALUE": 1, "MAX_VALUE": 10})
    _, short = uf("deal", "SHORT_TEXT", "string", SETTINGS={"MAX_LENGTH": 5, "REGEXP": "/^[a-zа-я]+$/i"})
    cases = [
        (F["RT_INTEGER"], "abc", "expected an integer"),
        (F["RT_INTEGER"], 1.5, "expected an integer"),
        (ranged, 11, "at most 10"),
        (ranged, 0 - 5, "at least 1"),
        (F["RT_DOUBLE"], "much", "expected a number"),
        (F["RT_BOOLEAN"], "maybe", "1 or 0"),
        (F["RT_ENUM"], 999999, "no list item"),
        (F["RT_ENUM"], "Green", "no list item"),
        (F["RT_DATE"], "2024-02-30", "expected a date"),
        (F["RT_DATE"], "yesterday", "expected a date"),
        (F["RT_DATETIME"], "2024-13-01T00:00:00", "expected a date and time"),
        (F["RT_MONEY"], "100|XXX", "not a known currency"),
        (F["RT_MONEY"], "lots|RUB", "amount"),
        (F["RT_URL"], "javascript:alert(1)", "a link"),
        (F["RT_URL"], "http://a b", "without spaces"),
        (F["RT_EMPLOYEE"], 999999, "does not exist"),
        (F["RT_EMPLOYEE"], USER_GONE, "dismissed"),
        (F["RT_CRM"], "D_999999", "does not exist"),
        (F["RT_CRM"], f"CO_{COMPANY}", "cannot be bound"),
        (F["RT_CRM"], str(OTHER_DEAL), "with its type"),
        (F["RT_CRM_ONE"], 999999, "does not exist"),
        (F["RT_STATUS"], "NO_SUCH", "not a value of the SOURCE list"),
        (F["RT_IBLOCK_E"], -3, "expected an ID"),
        (F["RT_FILE"], {"fileData": ["big.bin", b64(b"x" * 65)]}, "over the limit of 64 bytes"),
        (F["RT_FILE"], {"fileData": ["bad.bin", "!!!not base64!!!"]}, "not valid base64"),
        (F["RT_FILE"], {"id": 999999}, "not a value of this field"),
        (short, "abcdef", "longer than 5"),
        (short, "abc1", "does not match"),
    ]
    for name, value, mention in cases:
        body = fails("crm.deal.update", {"id": did, "fields": {name: value}})
        desc = body["error_description"]
        check(name in desc and mention in desc, name, value, desc)
    # the same refusal on add, in crm.item's dialect too
    fails("crm.deal.add", {"fields": {"TITLE": "x", F["RT_INTEGER"]: "abc"}}, mentions=F["RT_INTEGER"])
    st, body = srv.call("crm.item.add", {"entityTypeId": 2, "fields": {"title": "x", "ufCrmRtInteger": "abc"}})
    check(st == 400 and body["error"] == "ERROR_ARGUMENT" and F["RT_INTEGER"] in body["error_description"], st, body)
    # nothing of a refused write stays
    check(get("deal", did)[F["RT_INTEGER"]] is None)
    check(short and get("deal", did)[short] is None)
    ok("crm.deal.update", {"id": did, "fields": {short: "Ежик"}})
    check(get("deal", did)[short] == "Ежик")


@test
def mandatory_fields():
    fid, req = uf("company", "REQUIRED", "string", MANDATORY="Y")
    mid, mreq = uf("company", "REQUIRED_MANY", "integer", MANDATORY="Y", MULTIPLE="Y")
    try:
        check(ok("crm.company.fields")[req]["isRequired"] is True)
        fails("crm.company.add", {"fields": {"TITLE": "без поля", mreq: [1]}}, mentions=f"Required field {req}")
        fails("crm.company.add", {"fields": {"TITLE": "пусто", req: "", mreq: [1]}}, mentions=f"Required field {req}")
        fails("crm.company.add", {"fields": {"TITLE": "пусто", req: "x", mreq: []}}, mentions=f"Required field {mreq}")
        kid = item_add("company", {"TITLE": "с полем", req: "есть", mreq: [5]})
        fails("crm.company.update", {"id": kid, "fields": {req: None}}, mentions=f"Required field {req} is empty")
        fails("crm.company.update", {"id": kid, "fields": {mreq: []}}, mentions=f"Required field {mreq} is empty")
        ok("crm.company.update", {"id": kid, "fields": {"TITLE": "другое"}})  # not passed: fine
        check(get("company", kid)[req] == "есть")
        st, body = srv.call("crm.item.add", {"entityTypeId": 4, "fields": {"title": "item"}})
        check(st == 400 and req in body["error_description"], st, body)
        # a default fills a mandatory field
        ok("crm.company.userfield.update", {"id": fid, "fields": {"SETTINGS": {"DEFAULT_VALUE": "по умолчанию"}}})
        kid2 = item_add("company", {"TITLE": "по умолчанию", mreq: [1]})
        check(get("company", kid2)[req] == "по умолчанию")
        ok("crm.company.userfield.update", {"id": fid, "fields": {"MANDATORY": "N"}})
        ok("crm.company.userfield.update", {"id": mid, "fields": {"MANDATORY": "N"}})
        item_add("company", {"TITLE": "свободно"})
    finally:
        ok("crm.company.userfield.delete", {"id": fid})
        ok("crm.company.userfield.delete", {"id": mid})


@test
def defaults_on_add():
    _, s = uf("lead", "D_STRING", "string", SETTINGS={"DEFAULT_VALUE": "привет"})
    _, i = uf("lead", "D_INTEGER", "integer", SETTINGS={"DEFAULT_VALUE": 5})
    _, b = uf("lead", "D_BOOL", "boolean", SETTINGS={"DEFAULT_VALUE": 1})
    _, e = uf("lead", "D_ENUM", "enumeration", LIST=[{"VALUE": "a"}, {"VALUE": "b", "DEF": "Y"}, {"VALUE": "c", "DEF": "Y"}])
    _, me = uf("lead", "D_ENUMS", "enumeration", MULTIPLE="Y",
               LIST=[{"VALUE": "a", "DEF": "Y"}, {"VALUE": "b"}, {"VALUE": "c", "DEF": "Y"}])
    _, dn = uf("lead", "D_TODAY", "date", SETTINGS={"DEFAULT_VALUE": {"TYPE": "NOW"}})
    _, df = uf("lead", "D_FIXED", "date", SETTINGS={"DEFAULT_VALUE": {"TYPE": "FIXED", "VALUE": "2030-01-02"}})
    _, tn = uf("lead", "D_NOW", "datetime", SETTINGS={"DEFAULT_VALUE": {"TYPE": "NOW", "VALUE": ""}})
    _, ms = uf("lead", "D_TAGS", "string", MULTIPLE="Y", SETTINGS={"DEFAULT_VALUE": "новый"})
    enum_ids = {i2["VALUE"]: i2["ID"] for i2 in ok("crm.lead.userfield.list", {"filter": {"FIELD_NAME": e}})[0]["LIST"]}
    menum = ok("crm.lead.userfield.list", {"filter": {"FIELD_NAME": me}})[0]["LIST"]
    check([x["DEF"] for x in ok("crm.lead.userfield.list", {"filter": {"FIELD_NAME": e}})[0]["LIST"]] == ["N", "Y", "N"],
          "one default for a single field")
    lid = item_add("lead", {"TITLE": "Значения по умолчанию"})
    r = get("lead", lid)
    check(r[s] == "привет" and r[i] == "5" and r[b] is True and r[e] == enum_ids["b"], r)
    check(r[me] == [menum[0]["ID"], menum[2]["ID"]], r[me])
    today = datetime.date.today().isoformat()
    check(r[dn][:10] in (today, (datetime.date.today() - datetime.timedelta(days=1)).isoformat()), r[dn])
    check(r[df].startswith("2030-01-02") and abs(instant(r[tn]) - datetime.datetime.now().timestamp()) < 120, r)
    check(r[ms] == ["новый"], r[ms])
    # a value passed wins; updates bring no defaults
    lid2 = item_add("lead", {"TITLE": "Свои", s: "своё", me: [], b: 0, ms: ["x"]})
    r2 = get("lead", lid2)
    check(r2[s] == "своё" and r2[me] == [] and r2[b] is False and r2[ms] == ["x"], r2)
    ok("crm.lead.update", {"id": lid2, "fields": {"TITLE": "ещё"}})
    check(get("lead", lid2)[i] == "5" and get("lead", lid2)[me] == [])
    # crm.item.add gets the same defaults
    it = ok("crm.item.add", {"entityTypeId": 1, "fields": {"title": "item"}})["item"]
    check(it["ufCrmDString"] == "привет" and it["ufCrmDEnums"] == [int(menum[0]["ID"]), int(menum[2]["ID"])], it)


@test
def enumeration_items_edit():
    fid, name = uf("company", "STAGE_OF_LIFE", "enumeration",
                   LIST=[{"VALUE": "Новая", "SORT": 20, "XML_ID": "new"}, {"VALUE": "Старая", "SORT": 10, "XML_ID": "old"}],
                   SETTINGS={"DISPLAY": "CHECKBOX", "CAPTION_NO_VALUE": "не выбрано"})
    d = ok("crm.company.userfield.get", {"id": fid})
    check([i["VALUE"] for i in d["LIST"]] == ["Старая", "Новая"], "ordered by SORT", d["LIST"])
    check(d["SETTINGS"]["DISPLAY"] == "CHECKBOX" and d["SETTINGS"]["CAPTION_NO_VALUE"] == "не выбрано", d)
    ids = {i["XML_ID"]: i["ID"] for i in d["LIST"]}
    kid = item_add("company", {"TITLE": "Жизнь", name: ids["old"]})
    kid2 = item_add("company", {"TITLE": "Жизнь 2", name: "new"})  # by XML_ID, as imports give it
    check(get("company", kid2)[name] == ids["new"])
    items = ok("crm.company.fields")[name]["items"]
    check(items == [{"ID": ids["old"], "VALUE": "Старая"}, {"ID": ids["new"], "VALUE": "Новая"}], items)
    fails("crm.company.userfield.update", {"id": fid, "fields": {"LIST": [{"VALUE": "Дубль", "XML_ID": "new"}]}},
          "ERROR_CORE", mentions="XML_ID='new' already exists")
    ok("crm.company.userfield.update", {"id": fid, "fields": {"LIST": [
        {"ID": ids["new"], "VALUE": "Свежая", "DEF": "Y"},
        {"ID": ids["old"], "DEL": "Y"},
        {"VALUE": "Третья", "SORT": 5}]}})
    d = ok("crm.company.userfield.get", {"id": fid})
    check([(i["VALUE"], i["DEF"]) for i in d["LIST"]] == [("Третья", "N"), ("Свежая", "Y")], d["LIST"])
    check(get("company", kid)[name] is None, "the deleted item's values are cleared")
    check(get("company", kid2)[name] == ids["new"])
    fails("crm.company.update", {"id": kid, "fields": {name: ids["old"]}}, mentions="no list item")
    fails("crm.company.userfield.update", {"id": fid, "fields": {"LIST": [{"ID": 999999, "VALUE": "x"}]}}, "NOT_FOUND")
    fails("crm.company.userfield.update", {"id": fid, "fields": {"SETTINGS": {"DISPLAY": "TABLE"}}}, mentions="DISPLAY")
    check(ok("crm.userfield.enumeration.fields")["VALUE"]["type"] == "string")


@test
def filter_order_and_select():
    _, score = uf("deal", "SCORE", "integer")
    _, flag = uf("deal", "FLAG", "boolean")
    _, when = uf("deal", "WHEN", "date")
    tag = "FLT-" + str(os.getpid())
    ids = []
    for n in range(12):
        ids.append(item_add("deal", {"TITLE": f"{tag} {n}", score: (n * 7) % 12, flag: n % 2,
                                     when: f"2024-01-{n + 1:02d}"}))
    base = {"%TITLE": tag}

    def listed(extra=None, order=None, select=None):
        flt = dict(base, **(extra or {}))
        return ok("crm.deal.list", {"filter": flt, "order": order or {"ID": "ASC"}, "select": select or ["ID", score]})

    scores = {int(x["ID"]): int(x[score]) for x in listed()}
    check(len(scores) == 12, scores)
    check({int(x["ID"]) for x in listed({">" + score: 8})} == {i for i, s in scores.items() if s > 8})
    check({int(x["ID"]) for x in listed({"<=" + score: 2})} == {i for i, s in scores.items() if s <= 2})
    check({int(x["ID"]) for x in listed({"!" + score: 0})} == {i for i, s in scores.items() if s != 0})
    check({int(x["ID"]) for x in listed({"@" + score: [1, 2]})} == {i for i, s in scores.items() if s in (1, 2)})
    check({int(x["ID"]) for x in listed({flag: 1})} == set(ids[1::2]))
    check({int(x["ID"]) for x in listed({flag: "N"})} == set(ids[0::2]))
    check({int(x["ID"]) for x in listed({">=" + when: "2024-01-11"})} == set(ids[10:]))
    desc = [int(x[score]) for x in listed(order={score: "DESC"})]
    check(desc == sorted(scores.values(), reverse=True), desc)
    asc = [int(x[score]) for x in listed(order={score: "ASC", "ID": "DESC"})]
    check(asc == sorted(scores.values()), asc)
    # a page boundary on the custom field's order: start=-1 keyset and start=N both continue right
    page = ok("crm.deal.list", {"filter": base, "order": {score: "ASC"}, "select": ["ID", score], "start": 5})
    check([int(x[score]) for x in page] == sorted(scores.values())[5:], page)
    # select: "*" leaves custom fields out, "UF_*" and names bring them
    star = ok("crm.deal.list", {"filter": {"ID": ids[0]}, "select": ["*"]})[0]
    check("TITLE" in star and not any(k.startswith("UF_") for k in star), star)
    both = ok("crm.deal.list", {"filter": {"ID": ids[0]}, "select": ["*", "UF_*"]})[0]
    check("TITLE" in both and score in both and flag in both and F["RT_STRING"] in both, both)
    only = ok("crm.deal.list", {"filter": {"ID": ids[0]}, "select": [score]})[0]
    check(score in only and "TITLE" not in only and flag not in only, only)
    # crm.item: the same under camel names
    items = ok("crm.item.list", {"entityTypeId": 2, "filter": {"%title": tag, ">ufCrmScore": 8},
                                 "order": {"ufCrmScore": "DESC"}, "select": ["id", "ufCrmScore"]})["items"]
    check([x["ufCrmScore"] for x in items] == sorted([s for s in scores.values() if s > 8], reverse=True), items)
    fails("crm.deal.list", {"filter": {">" + score: "many"}}, mentions=score)
    fails("crm.deal.list", {"order": {F["RT_FILE"]: "ASC"}}, mentions=F["RT_FILE"])


@test
def crm_item_names():
    _, digits = uf("deal", "1712345", "integer")
    _, letters = uf("deal", "MY_FIELD", "string")
    _, smart = uf("deal", "2_163", "string")
    check((digits, letters, smart) == ("UF_CRM_1712345", "UF_CRM_MY_FIELD", "UF_CRM_2_163"))
    fields = ok("crm.item.fields", {"entityTypeId": 2})["fields"]
    for camel, upper in (("ufCrm_1712345", digits), ("ufCrmMyField", letters), ("ufCrm2_163", smart)):
        check(camel in fields and fields[camel]["upperName"] == upper and fields[camel]["isDynamic"] is True, camel)
    it = ok("crm.item.add", {"entityTypeId": 2, "fields": {"title": "camel", "ufCrm_1712345": 11,
                                                           "ufCrmMyField": "m", "ufCrm2_163": "s"}})["item"]
    check(it["ufCrm_1712345"] == 11 and it["ufCrmMyField"] == "m" and it["ufCrm2_163"] == "s", it)
    # the name without its underscore (Bitrix24 decodes it too) and the legacy name
    ok("crm.item.update", {"entityTypeId": 2, "id": it["id"], "fields": {"ufCrm1712345": 12, letters: "n"}})
    got = ok("crm.item.get", {"entityTypeId": 2, "id": it["id"]})["item"]
    check(got["ufCrm_1712345"] == 12 and got["ufCrmMyField"] == "n", got)
    orig = ok("crm.item.get", {"entityTypeId": 2, "id": it["id"], "useOriginalUfNames": "Y"})["item"]
    check(orig[digits] == 12 and "ufCrm_1712345" not in orig, orig)
    listed = ok("crm.item.list", {"entityTypeId": 2, "filter": {"ufCrm_1712345": 12}, "select": ["id", "ufCrmMyField"]})
    check(listed["items"] == [{"id": it["id"], "ufCrmMyField": "n"}], listed)
    star = ok("crm.item.list", {"entityTypeId": 2, "filter": {"id": it["id"]}, "select": ["*"]})["items"][0]
    check(star["ufCrm_1712345"] == 12 and "title" in star, "crm.item's * holds custom fields", star)


@test
def history_records_custom_fields():
    did = item_add("deal", {"TITLE": "История", F["RT_INTEGER"]: 1, F["RT_ENUM"]: ENUM["Red"]})
    ok("crm.deal.update", {"id": did, "fields": {F["RT_INTEGER"]: 2, F["RT_ENUM"]: ENUM["Blue"], F["RT_STRING"]: "новое"}})
    rows = ok("voronka.crm.history.list", {"entityTypeId": 2, "id": did})
    got = {r["FIELD"]: (r["OLD_VALUE"], r["NEW_VALUE"]) for r in rows if r["FIELD"].startswith("UF_")}
    check(got.get(F["RT_INTEGER"]) == ("1", "2"), got)
    check(got.get(F["RT_ENUM"]) == (ENUM["Red"], ENUM["Blue"]), got)
    check(got.get(F["RT_STRING"]) == (None, "новое"), got)
    check(F["RT_BOOLEAN"] not in got, "unchanged fields leave no line", got)


@test
def export_shows_custom_columns():
    did = item_add("deal", {"TITLE": "Экспорт UF", F["RT_INTEGER"]: 314, F["RT_STRING"]: "в файле"})
    q = php_encode({"filter": {"ID": did}})
    st, _, data = srv.request("GET", f"/crm/export/{srv.hook_user}/{srv.hook_secret}/deal.csv?{q}")
    check(st == 200, st, data[:300])
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=";"))
    header, row = rows[0], rows[1]
    check("Поле RT_INTEGER" in header and "Поле RT_STRING" in header, header)
    check(row[header.index("Поле RT_INTEGER")] == "314" and row[header.index("Поле RT_STRING")] == "в файле", row)


@test
def import_fills_custom_fields():
    _, score = uf("lead", "IMP_SCORE", "integer", LABEL="Балл")
    _, colors = uf("lead", "IMP_COLORS", "string", MULTIPLE="Y", LABEL="Цвета")
    tag = "UFIMP-" + str(os.getpid())
    csv_text = (f"Название;Балл;Цвета\r\n{tag} один;5;красный, синий\r\n{tag} два;много;\r\n")
    job = ok("voronka.crm.import.start", {"entityTypeId": 1, "csv": csv_text,
                                          "mapping": {"Название": "TITLE", "Балл": score, "Цвета": colors}})["jobId"]
    for _ in range(200):
        s = ok("voronka.crm.import.status", {"jobId": job})
        if s["state"] == "done":
            break
        import time
        time.sleep(0.1)
    check(s["state"] == "done" and s["added"] == 1 and s["failed"] == 1, s)
    check(score in s["errors"][0]["error"], s["errors"])
    rows = ok("crm.lead.list", {"filter": {"%TITLE": tag}, "select": ["ID", score, colors]})
    check(len(rows) == 1 and rows[0][score] == "5" and rows[0][colors] == ["красный", "синий"], rows)


@test
def rights_only_settings_may_change_fields():
    uid = ok("user.add", {"EMAIL": "uf.manager@example.com"})
    wurl = ok("voronka.webhook.add", {"USER_ID": uid})["URL"]

    def call(m, p=None):
        return srv.call(m, p or {}, path=wurl + m)

    fid = ok("crm.deal.userfield.list", {"filter": {"FIELD_NAME": F["RT_STRING"]}})[0]["ID"]
    for m, p in (("crm.deal.userfield.add", {"fields": {"FIELD_NAME": "NOPE", "USER_TYPE_ID": "string"}}),
                 ("crm.deal.userfield.update", {"id": fid, "fields": {"SORT": 1}}),
                 ("crm.deal.userfield.delete", {"id": fid}),
                 ("voronka.crm.deal.userfield.pipeline.set", {"categoryId": 0, "fields": []})):
        st, body = call(m, p)
        check(st == 403 and body.get("error") == "ACCESS_DENIED", m, st, body)
    st, body = call("crm.deal.userfield.get", {"id": fid})
    check(st == 200 and body["result"]["FIELD_NAME"] == F["RT_STRING"], st, body)
    st, body = call("crm.deal.userfield.list")
    check(st == 200 and len(body["result"]) >= len(F), st)
    check(ok("crm.deal.userfield.get", {"id": fid})["SORT"] == "100")


@test
def pipeline_field_sets():
    cat = ok("crm.category.add", {"entityTypeId": 2, "fields": {"name": "Воронка UF"}})["category"]["id"]
    g = ok("voronka.crm.deal.userfield.pipeline.get", {"categoryId": cat})
    check(g["configured"] is False and g["fields"] == g["available"] and F["RT_STRING"] in g["fields"], g)
    ok("voronka.crm.deal.userfield.pipeline.set", {"categoryId": cat, "fields": [F["RT_DATE"], F["RT_STRING"].lower()]})
    g = ok("voronka.crm.deal.userfield.pipeline.get", {"categoryId": cat})
    check(g["configured"] is True and g["fields"] == [F["RT_DATE"], F["RT_STRING"]], g)
    check(ok("voronka.crm.deal.userfield.pipeline.get", {"categoryId": 0})["configured"] is False, "others unchanged")
    ok("voronka.crm.deal.userfield.pipeline.set", {"categoryId": cat, "fields": []})
    check(ok("voronka.crm.deal.userfield.pipeline.get", {"categoryId": cat})["fields"] == [])
    st, body = srv.call("voronka.crm.deal.userfield.pipeline.set", {"categoryId": cat, "fields": ["UF_CRM_NOPE"]})
    check(st == 400 and "UF_CRM_NOPE" in body["error_description"], st, body)
    st, body = srv.call("voronka.crm.deal.userfield.pipeline.get", {"categoryId": 9999})
    check(st == 400 and body["error"] == "NOT_FOUND", st, body)
    ok("voronka.crm.deal.userfield.pipeline.set", {"categoryId": cat, "reset": "Y"})
    check(ok("voronka.crm.deal.userfield.pipeline.get", {"categoryId": cat})["configured"] is False)


@test
def descriptions():
    types = {t["ID"] for t in ok("crm.userfield.types")}
    for t in ("string", "integer", "double", "boolean", "enumeration", "date", "datetime", "money", "url", "address",
              "file", "employee", "crm", "crm_status", "iblock_section", "iblock_element"):
        check(t in types, t, types)
    f = ok("crm.userfield.fields")
    check(f["FIELD_NAME"]["isImmutable"] is True and f["ID"]["isReadOnly"] is True and f["LIST"]["isMultiple"], f)
    s = ok("crm.userfield.settings.fields", {"type": "double"})
    check(set(s) == {"PRECISION", "SIZE", "MIN_VALUE", "MAX_VALUE", "DEFAULT_VALUE"}, s)
    fails("crm.userfield.settings.fields", {}, mentions="type")
    fails("crm.userfield.settings.fields", {"type": "hologram"}, mentions="hologram")


@test
def batch_sees_a_field_made_earlier_in_it():
    b = ok("batch", {"halt": 1, "cmd": {
        "f": "crm.deal.userfield.add?fields[FIELD_NAME]=IN_BATCH&fields[USER_TYPE_ID]=integer",
        "d": "crm.deal.add?fields[TITLE]=batch&fields[UF_CRM_IN_BATCH]=9",
        "g": "crm.deal.get?id=$result[d]"}})
    check(not b["result_error"], b)
    check(b["result"]["g"]["UF_CRM_IN_BATCH"] == "9", b["result"]["g"])


@test
def deleting_a_field_removes_it_and_its_values():
    fid, name = uf("deal", "SHORT_LIVED", "integer")
    mid, mname = uf("deal", "SHORT_LIVED_M", "string", MULTIPLE="Y")
    did = item_add("deal", {"TITLE": "Удаление", name: 5, mname: ["x"]})
    ok("crm.deal.userfield.delete", {"id": fid})
    ok("crm.deal.userfield.delete", {"id": mid})
    r = get("deal", did)
    check(name not in r and mname not in r and name not in ok("crm.deal.fields"), r)
    fails("crm.deal.userfield.get", {"id": fid}, "NOT_FOUND")
    fails("crm.deal.userfield.delete", {"id": fid}, "NOT_FOUND")
    fails("crm.deal.list", {"filter": {name: 5}}, mentions=name)
    # the same names again start empty
    fid2, _ = uf("deal", "SHORT_LIVED", "string")
    mid2, _ = uf("deal", "SHORT_LIVED_M", "string", MULTIPLE="Y")
    r = get("deal", did)
    check(r[name] is None and r[mname] == [], r)
    ok("crm.deal.userfield.delete", {"id": fid2})
    ok("crm.deal.userfield.delete", {"id": mid2})
    # deleting an item takes its values with it
    did2 = item_add("deal", {"TITLE": "Удаляемая", F["RT_FILE"]: {"fileData": ["x.txt", b64("x")]}})
    ok("crm.deal.delete", {"id": did2})
    fails("crm.deal.get", {"id": did2}, mentions="Not found")


@test
def definitions_changed_by_another_process():
    other = Server(data=srv.data, init=False)
    other.hook_user, other.hook_secret = srv.hook_user, srv.hook_secret
    try:
        fid = ok("crm.deal.userfield.add", {"fields": {"FIELD_NAME": "FROM_OTHER", "USER_TYPE_ID": "integer"}},
                 server=other)
        did = item_add("deal", {"TITLE": "другой процесс", "UF_CRM_FROM_OTHER": 3})
        check(get("deal", did)["UF_CRM_FROM_OTHER"] == "3")
        check("UF_CRM_FROM_OTHER" in ok("crm.deal.fields"))
        ok("crm.deal.userfield.delete", {"id": fid}, server=other)
        check("UF_CRM_FROM_OTHER" not in get("deal", did))
    finally:
        other.stop()


run()
