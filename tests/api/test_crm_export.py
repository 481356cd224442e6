#!/usr/bin/env python3
"""test_crm_export.py — CRM export (P10): GET /crm/export/{type}.{csv|xlsx} with a webhook in the
path or the session cookie, and voronka.crm.export. What a user opening the file sees: a header of
field titles, the rows of a filtered list (Cyrillic intact, PHONE/EMAIL joined with ", "), formulas
neutralised, every row once across many pages, XLSX that opens (parsed here with zipfile + XML)."""
import base64, csv, io, json, os, re, sys, urllib.parse, zipfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, test, run, check, php_encode, ADMIN_EMAIL, ADMIN_PASSWORD

srv = Server()
NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
TAG = "EXP-" + str(os.getpid())  # marks this file's leads, for filters


def rest(method, params=None):
    st, body = srv.call(method, params or {})
    check(st == 200 and "result" in body, method, st, body)
    return body["result"]


def export(path_tail, params=None, headers=None, hook=True):
    """GET /crm/export/…; returns (status, headers, body bytes)."""
    q = php_encode(params or {})
    base = f"/crm/export/{srv.hook_user}/{srv.hook_secret}/" if hook else "/crm/export/"
    return srv.request("GET", base + path_tail + ("?" + q if q else ""), headers=headers)


def read_csv(data, delimiter=";"):
    check(data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM", data[:10])
    text = data[3:].decode("utf-8")
    check("\r\n" in text or text.count("\n") <= 1, "CRLF line ends", text[:200])
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def read_xlsx(data):
    """The first sheet as a list of rows of (type, text) cells, by column letter order."""
    z = zipfile.ZipFile(io.BytesIO(data))
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("x:si", NS):
            shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["x"])))
    sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows = []
    for r in sheet.find("x:sheetData", NS).findall("x:row", NS):
        cells = {}
        for c in r.findall("x:c", NS):
            col = re.match(r"[A-Z]+", c.get("r")).group(0)
            idx = 0
            for ch in col:
                idx = idx * 26 + (ord(ch) - 64)
            t = c.get("t")
            check(c.find("x:f", NS) is None, "no formula cell", ET.tostring(c))
            if t == "s":
                val = ("str", shared[int(c.find("x:v", NS).text)])
            elif t == "inlineStr":
                val = ("str", "".join(x.text or "" for x in c.iter("{%s}t" % NS["x"])))
            else:
                v = c.find("x:v", NS)
                val = ("num", v.text if v is not None else "")
            cells[idx - 1] = val
        n = max(cells) + 1 if cells else 0
        rows.append([cells.get(i, ("str", "")) for i in range(n)])
    return rows


TITLES = {}  # lead field → title, from crm.lead.fields


def setup():
    for k, v in rest("crm.lead.fields").items():
        TITLES[k] = v.get("title") or k
    leads = [
        {"TITLE": f"{TAG} Иван Петров", "NAME": "Иван", "STATUS_ID": "NEW", "OPPORTUNITY": "1500.5",
         "PHONE": [{"VALUE": "+7 999 111-22-33", "VALUE_TYPE": "WORK"}, {"VALUE": "8 800 555", "VALUE_TYPE": "MOBILE"}],
         "EMAIL": [{"VALUE": "ivan@example.ru", "VALUE_TYPE": "WORK"}]},
        {"TITLE": f"=HYPERLINK(\"http://evil\";\"{TAG}\")", "NAME": "Формула", "STATUS_ID": "NEW"},
        {"TITLE": f"@SUM(1) {TAG}", "NAME": "-2+3", "STATUS_ID": "NEW", "COMMENTS": "строка 1\nстрока 2; \"кавычки\""},
        {"TITLE": f"{TAG} в работе", "NAME": "Мария", "STATUS_ID": "IN_PROCESS"},
    ]
    for f in leads:
        rest("crm.lead.add", {"fields": f})


setup()


@test
def csv_of_a_filtered_list():
    params = {"filter": {"%TITLE": TAG, "STATUS_ID": "NEW"},
              "select": ["ID", "TITLE", "NAME", "PHONE", "EMAIL", "OPPORTUNITY", "COMMENTS"]}
    st, h, data = export("lead.csv", params)
    check(st == 200, st, data[:300])
    check(h.get("content-type", "").startswith("text/csv"), h)
    check('filename="leads.csv"' in h.get("content-disposition", ""), h)
    rows = read_csv(data)
    header, body = rows[0], rows[1:]
    check(header == [TITLES[f] for f in params["select"]], header)
    listed = rest("crm.lead.list", {"filter": params["filter"], "select": ["ID"]})
    check(len(body) == 3 == len(listed), len(body), body, listed)
    check(h.get("x-voronka-rows") == "3", h)
    ids = [int(r[0]) for r in body]
    check(ids == sorted(int(x["ID"]) for x in listed), ids, listed)
    by_name = {r[2]: r for r in body}
    ivan = by_name["Иван"]
    check(ivan[1] == f"{TAG} Иван Петров", ivan)
    check(ivan[3] == "'+7 999 111-22-33, 8 800 555", "phones joined, the + neutralised", ivan)
    check(ivan[4] == "ivan@example.ru", ivan)
    check(float(ivan[5]) == 1500.5, ivan)
    # formulas: a leading apostrophe, so no spreadsheet runs them
    check(by_name["Формула"][1] == f"'=HYPERLINK(\"http://evil\";\"{TAG}\")", by_name["Формула"])
    at = by_name["'-2+3"]
    check(at[1] == f"'@SUM(1) {TAG}", at)
    check(at[6] == "строка 1\nстрока 2; \"кавычки\"", "embedded line break, delimiter and quotes", at)


@test
def csv_with_a_comma_delimiter_and_all_default_columns():
    st, h, data = export("lead.csv", {"filter": {"%TITLE": TAG}, "delimiter": ","})
    check(st == 200, st, data[:300])
    rows = read_csv(data, ",")
    header = rows[0]
    for f in ("ID", "TITLE", "STATUS_ID", "PHONE", "EMAIL"):
        check(TITLES[f] in header, f, header)
    check(len(rows) == 5, len(rows))
    col = header.index(TITLES["PHONE"])
    check(any(r[col] == "'+7 999 111-22-33, 8 800 555" for r in rows[1:]), rows)


@test
def xlsx_of_a_filtered_list():
    params = {"filter": {"%TITLE": TAG}, "select": ["ID", "TITLE", "NAME", "PHONE", "OPPORTUNITY"]}
    st, h, data = export("lead.xlsx", params)
    check(st == 200, st, data[:300])
    check(h.get("content-type") == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", h)
    rows = read_xlsx(data)
    check([c[1] for c in rows[0]] == [TITLES[f] for f in params["select"]], rows[0])
    body = rows[1:]
    check(len(body) == 4, len(body), body)
    check(all(r[0][0] == "num" for r in body), "IDs are number cells", body)
    by_name = {r[2][1]: r for r in body}
    ivan = by_name["Иван"]
    check(ivan[1] == ("str", f"{TAG} Иван Петров"), ivan)
    check(ivan[3] == ("str", "+7 999 111-22-33, 8 800 555"), ivan)
    check(ivan[4][0] == "num" and float(ivan[4][1]) == 1500.5, ivan)
    # a string cell, never a formula: read_xlsx refused any <f>; the text is kept as typed
    check(by_name["Формула"][1] == ("str", f"=HYPERLINK(\"http://evil\";\"{TAG}\")"), by_name["Формула"])
    check(by_name["-2+3"][1] == ("str", f"@SUM(1) {TAG}"), by_name["-2+3"])


@test
def many_pages_every_row_once_in_id_order():
    tag = TAG + "-many"
    cmds = {f"c{i}": "crm.contact.add?" + php_encode({"fields": {"NAME": f"{tag} {i:03d}", "LAST_NAME": "Сидоров"}})
            for i in range(50)}
    for _ in range(3):  # 150 contacts: three full pages and more
        st, body = srv.call("batch", {"halt": 1, "cmd": cmds})
        check(st == 200 and not body["result"].get("result_error"), body)
    st, _, data = export("contact.csv", {"filter": {"%NAME": tag}, "select": ["ID", "NAME"]})
    check(st == 200, st, data[:300])
    ids = [int(r[0]) for r in read_csv(data)[1:]]
    check(len(ids) == 150 and ids == sorted(set(ids)), len(ids), ids[:5])
    st, _, data = export("contact.csv", {"filter": {"%NAME": tag}, "select": ["ID"], "order": {"ID": "DESC"}})
    desc = [int(r[0]) for r in read_csv(data)[1:]]
    check(desc == ids[::-1], desc[:5])
    # the caller's own bound on ID is honoured alongside the paging
    st, _, data = export("contact.csv", {"filter": {"%NAME": tag, ">ID": ids[99]}, "select": ["ID"]})
    check([int(r[0]) for r in read_csv(data)[1:]] == ids[100:], "after a bound")


@test
def empty_export_has_the_header():
    st, _, data = export("deal.xlsx", {"filter": {"TITLE": "no such deal " + TAG}, "select": ["ID", "TITLE"]})
    check(st == 200, st)
    rows = read_xlsx(data)
    check(len(rows) == 1 and rows[0][1][1] == rest("crm.deal.fields")["TITLE"]["title"], rows)


@test
def rest_method_returns_the_same_file():
    params = {"filter": {"%TITLE": TAG}, "select": ["ID", "TITLE"]}
    res = rest("voronka.crm.export", dict(params, entityTypeId=1, format="csv"))
    check(res["name"] == "leads.csv" and res["rows"] == 4 and res["contentType"].startswith("text/csv"), res)
    raw = base64.b64decode(res["content"])
    check(len(raw) == res["size"], res)
    st, _, data = export("lead.csv", params)
    check(raw == data, raw[:200], data[:200])
    res = rest("voronka.crm.export", dict(params, entityTypeId="lead", format="xlsx"))
    check(len(read_xlsx(base64.b64decode(res["content"]))) == 5, res["rows"])


@test
def session_cookie_works_without_csrf():
    st, h, _ = srv.request("POST", "/login", urllib.parse.urlencode({"login": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).encode(),
                           {"Content-Type": "application/x-www-form-urlencoded"})
    sid = re.match(r"voronka_sid=([0-9a-f]+)", h.get("set-cookie", "")).group(1)
    st, _, data = export("lead.csv", {"filter": {"%TITLE": TAG}}, headers={"Cookie": f"voronka_sid={sid}"}, hook=False)
    check(st == 200 and len(read_csv(data)) == 5, st, data[:200])


@test
def refusals_are_bitrix_envelopes():
    st, _, data = export("lead.csv", hook=False)
    check(st == 401 and json.loads(data)["error"] == "NO_AUTH_FOUND", st, data)
    st, _, data = srv.request("GET", f"/crm/export/{srv.hook_user}/wrongsecret/lead.csv")
    check(st == 401 and json.loads(data)["error"] == "NO_AUTH_FOUND", st, data)
    for bad in ("invoice.csv", "lead.pdf", "lead", "lead.csv/x"):
        st, _, data = export(bad)
        check(st == 404 and "error" in json.loads(data), bad, st, data)
    st, _, data = export("lead.csv", {"order": {"TITLE": "ASC"}})
    check(st == 400 and json.loads(data)["error"] == "ERROR_ARGUMENT", st, data)
    st, _, data = export("lead.csv", {"filter": {"NO_SUCH_FIELD": 1}})
    body = json.loads(data)  # crm.lead.list's own refusal, passed on as it is
    check(st == 400 and "error" in body and "NO_SUCH_FIELD" in body["error_description"], st, data)
    st, _, data = export("lead.csv", {"delimiter": "x"})
    check(st == 400, st, data)
    st, body = srv.call("voronka.crm.export", {"entityTypeId": 9})
    check(st == 400 and body["error"] == "ERROR_ARGUMENT", st, body)
    st, body = srv.call("voronka.crm.export", {"entityTypeId": 1, "format": "pdf"})
    check(st == 400 and body["error"] == "ERROR_ARGUMENT", st, body)
    check(srv.alive())


@test
def webhook_scope_is_checked():
    res = rest("voronka.webhook.add", {"SCOPE": "user"})
    m = re.search(r"/rest/(\d+)/([A-Za-z0-9]+)/", res["URL"])
    st, _, data = srv.request("GET", f"/crm/export/{m.group(1)}/{m.group(2)}/lead.csv")
    check(st == 403 and json.loads(data)["error"] == "insufficient_scope", st, data)


@test
def secret_is_not_logged():
    export("lead.csv", {"filter": {"ID": 1}})
    log = srv.read_log()
    check(srv.hook_secret not in log, "the webhook secret appears in the log")


run()
