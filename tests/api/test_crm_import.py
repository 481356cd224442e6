#!/usr/bin/env python3
"""test_crm_import.py — CRM import from CSV (P10): voronka.crm.import.start queues a job that adds
the rows through crm.X.add in batches; voronka.crm.import.status shows progress and a per-row error
report. What a user sees: the good rows become items (PHONE/EMAIL as multi-fields), the bad ones are
listed with their row number, field and Bitrix24's error text, and the file's quirks (quotes, line
breaks in cells, a BOM, ; , or tab, Windows-1251) do not matter."""
import base64, json, os, re, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, test, run, check

srv = Server()
TAG = "IMP-" + str(os.getpid())


def rest(method, params=None):
    st, body = srv.call(method, params or {})
    check(st == 200 and "result" in body, method, st, body)
    return body["result"]


def refused(params, code="ERROR_ARGUMENT", text=None):
    st, body = srv.call("voronka.crm.import.start", params)
    check(st == 400 and body.get("error") == code, params.get("csv", "")[:80], st, body)
    if text:
        check(text in body["error_description"], body)
    return body


def wait_done(job_id, timeout=20):
    deadline = time.time() + timeout
    seen = []
    while time.time() < deadline:
        s = rest("voronka.crm.import.status", {"jobId": job_id})
        seen.append((s["state"], s["done"]))
        check(s["state"] in ("queued", "running", "done"), s)
        check(0 <= s["done"] <= s["total"] and s["added"] + s["failed"] == s["done"], s)
        if s["state"] == "done":
            return s, seen
        time.sleep(0.1)
    raise AssertionError(f"import {job_id} did not finish: {seen[-3:]}")


def leads(substr, select=("ID", "TITLE", "NAME", "STATUS_ID", "PHONE", "EMAIL", "COMMENTS")):
    out, start = [], 0
    while True:
        st, body = srv.call("crm.lead.list", {"filter": {"%TITLE": substr}, "select": list(select), "start": start,
                                              "order": {"ID": "ASC"}})
        check(st == 200, body)
        out += body["result"]
        if "next" not in body:
            return out
        start = body["next"]


@test
def import_with_a_mapping_and_a_row_report():
    csv = ("Название;Имя;Телефон;Почта;Статус;Комментарий\r\n"
           f"{TAG} Пётр;Пётр;+7 900 100-00-01, 8 800 200;petr@example.ru;NEW;\r\n"
           f"{TAG} плохая почта;Анна;;not-an-email;NEW;\r\n"
           f"{TAG} нет статуса;Олег;;;NO_SUCH_STATUS;\r\n"
           f"\"{TAG} Мария \"\"М\"\"\";\"Мария; Ивановна\";;maria@example.ru;IN_PROCESS;\"строка 1\r\nстрока 2\"\r\n"
           ";;;;;\r\n")
    mapping = {"Название": "TITLE", "Имя": "NAME", "Телефон": "PHONE", "Почта": "EMAIL", "Статус": "STATUS_ID",
               "Комментарий": "COMMENTS"}
    job = rest("voronka.crm.import.start", {"entityTypeId": 1, "csv": csv, "mapping": mapping})["jobId"]
    s, _ = wait_done(job)
    check(s["total"] == 4 and s["done"] == 4 and s["added"] == 2 and s["failed"] == 2, s)
    check(s["entityTypeId"] == 1 and s["jobId"] == job, s)
    errs = {e["row"]: e for e in s["errors"]}
    check(set(errs) == {3, 4}, "rows are numbered as in a spreadsheet (header = 1)", s["errors"])
    check(errs[3].get("field") == "EMAIL" and "not-an-email" in errs[3]["error"], errs[3])
    check(errs[4].get("field") == "STATUS_ID" and "NO_SUCH_STATUS" in errs[4]["error"], errs[4])
    got = {x["NAME"]: x for x in leads(TAG)}
    check(set(got) == {"Пётр", "Мария; Ивановна"}, got)
    petr = got["Пётр"]
    check([p["VALUE"] for p in petr["PHONE"]] == ["+7 900 100-00-01", "8 800 200"], petr)
    check(all(p["VALUE_TYPE"] == "WORK" for p in petr["PHONE"]), petr)
    check(petr["EMAIL"][0]["VALUE"] == "petr@example.ru" and petr["STATUS_ID"] == "NEW", petr)
    maria = got["Мария; Ивановна"]
    check(maria["TITLE"] == f"{TAG} Мария \"М\"" and maria["STATUS_ID"] == "IN_PROCESS", maria)
    check(maria["COMMENTS"] == "строка 1\r\nстрока 2", maria)


@test
def headers_that_name_fields_need_no_mapping_and_export_round_trips():
    tag = TAG + "-rt"
    rest("crm.lead.add", {"fields": {"TITLE": f"={tag} формула", "NAME": "Круг", "STATUS_ID": "NEW",
                                     "PHONE": [{"VALUE": "+7 495 000", "VALUE_TYPE": "WORK"}]}})
    st, _, data = srv.request("GET", f"/crm/export/{srv.hook_user}/{srv.hook_secret}/lead.csv?filter%5B%25TITLE%5D="
                              + tag + "&select%5B%5D=TITLE&select%5B%5D=NAME&select%5B%5D=PHONE&select%5B%5D=ID")
    check(st == 200, st, data)
    # the export's own file, titles for headers, read-only ID skipped, neutralised cells restored
    job = rest("voronka.crm.import.start", {"entityTypeId": "lead",
                                             "content": base64.b64encode(data).decode()})["jobId"]
    s, _ = wait_done(job)
    check(s["added"] == 1 and s["failed"] == 0, s)
    items = leads(tag)
    check(len(items) == 2, items)
    a, b = items
    check(a["TITLE"] == b["TITLE"] == f"={tag} формула" and b["NAME"] == "Круг", items)
    check(b["PHONE"][0]["VALUE"] == "+7 495 000", b)
    # codes work as headers too, with a comma and a BOM
    job = rest("voronka.crm.import.start", {"entityTypeId": 1,
                                             "csv": f"\ufeffTITLE,name,UNKNOWN_COLUMN\n{tag} код,Код,x\n"})["jobId"]
    s, _ = wait_done(job)
    check(s["added"] == 1, s)
    check(any(x["NAME"] == "Код" for x in leads(tag)), leads(tag))


@test
def tab_and_windows_1251_and_index_mapping_without_header():
    tag = TAG + "-1251"
    raw = f"{tag} Сделка\t1500.50\tRUB\n{tag} Вторая\t99\tUSD\n".encode("cp1251")
    job = rest("voronka.crm.import.start", {"entityTypeId": 2, "content": base64.b64encode(raw).decode(),
                                             "encoding": "windows-1251", "skipHeader": "N",
                                             "mapping": ["TITLE", "OPPORTUNITY", "CURRENCY_ID"]})["jobId"]
    s, _ = wait_done(job)
    check(s["total"] == 2 and s["added"] == 2, s)
    deals = rest("crm.deal.list", {"filter": {"%TITLE": tag}, "select": ["TITLE", "OPPORTUNITY", "CURRENCY_ID"],
                                   "order": {"ID": "ASC"}})
    check([d["TITLE"] for d in deals] == [f"{tag} Сделка", f"{tag} Вторая"], deals)
    check(float(deals[0]["OPPORTUNITY"]) == 1500.5 and deals[1]["CURRENCY_ID"] == "USD", deals)
    # the same bytes without an encoding: not UTF-8, so read as Windows-1251
    job = rest("voronka.crm.import.start", {"entityTypeId": 2, "content": base64.b64encode(raw).decode(),
                                             "skipHeader": False, "mapping": {"0": "TITLE", "2": "CURRENCY_ID"}})["jobId"]
    s, _ = wait_done(job)
    check(s["added"] == 2, s)
    check(len(rest("crm.deal.list", {"filter": {"%TITLE": tag + " Сделка"}})) == 2, "Cyrillic intact")


@test
def a_large_file_runs_in_batches_to_the_end():
    tag = TAG + "-big"
    n = 450
    rows = [f"{tag} {i:04d};Контакт {i};+7 900 {i:07d};c{i}@example.ru" for i in range(n)]
    rows[123] = f"{tag} 0123;Плохой;;это не почта"
    csv = "LAST_NAME;NAME;PHONE;EMAIL\n" + "\n".join(rows) + "\n"
    t0 = time.time()
    job = rest("voronka.crm.import.start", {"entityTypeId": 3, "csv": csv})["jobId"]
    s, seen = wait_done(job, 60)
    check(s["total"] == n and s["done"] == n and s["added"] == n - 1 and s["failed"] == 1, s)
    check(s["errors"] == [{"row": 125, "field": "EMAIL", "error": s["errors"][0]["error"]}], s["errors"])
    print(f"     {n} contacts imported in {time.time() - t0:.2f} s; states seen {sorted(set(x[0] for x in seen))}")
    st, body = srv.call("crm.contact.list", {"filter": {"%LAST_NAME": tag}, "select": ["ID"]})
    check(body["total"] == n - 1, body.get("total"))


@test
def refusals():
    refused({"entityTypeId": 1}, text="csv")
    refused({"entityTypeId": 7, "csv": "TITLE\nx\n"}, text="entityTypeId")
    refused({"entityTypeId": 1, "csv": "TITLE\n"}, text="no rows")
    refused({"entityTypeId": 1, "csv": "TITLE\n\"open\n"}, text="Row 2")
    refused({"entityTypeId": 1, "csv": "Что-то\nx\n"}, text="mapping")
    refused({"entityTypeId": 1, "csv": "A\nx\n", "mapping": {"A": "NO_SUCH_FIELD"}}, text="NO_SUCH_FIELD")
    refused({"entityTypeId": 1, "csv": "A\nx\n", "mapping": {"B": "TITLE"}}, text="no column")
    refused({"entityTypeId": 1, "csv": "A\nx\n", "mapping": {"A": "ID"}}, text="read-only")
    refused({"entityTypeId": 1, "csv": "x\n", "skipHeader": "N"}, text="mapping")
    refused({"entityTypeId": 1, "csv": "TITLE\nx\n", "delimiter": "#"})
    refused({"entityTypeId": 1, "csv": "TITLE\nx\n", "encoding": "koi8-r"})
    refused({"entityTypeId": 1, "content": "@@not base64@@"})
    refused({"entityTypeId": 1, "content": base64.b64encode(b"TITLE\n\xff\xfe\n").decode(), "encoding": "utf-8"})
    refused({"entityTypeId": 1, "content": base64.b64encode(b"TITLE\nx\x00y\n").decode()})
    st, body = srv.call("voronka.crm.import.status", {"jobId": 999999})
    check(st == 400 and body["error"] == "NOT_FOUND", st, body)
    st, body = srv.call("voronka.crm.import.status", {"jobId": "abc"})
    check(st == 400 and body["error"] == "ERROR_ARGUMENT", st, body)
    other = rest("voronka.job.add", {"KIND": "voronka.test.record"})
    st, body = srv.call("voronka.crm.import.status", {"jobId": other})
    check(st == 400 and body["error"] == "NOT_FOUND", "another kind of job", st, body)
    st, body = srv.call("batch", {"cmd": {"a": "voronka.crm.import.start?entityTypeId=1&csv=TITLE%0Ax"}})
    check(st == 200 and "a" in body["result"]["result_error"], body)
    check(srv.alive())


@test
def status_is_the_starters_own():
    job = rest("voronka.crm.import.start", {"entityTypeId": 1, "csv": f"TITLE\n{TAG} чей\n"})["jobId"]
    wait_done(job)
    # a second, non-admin user with a webhook of their own
    from harness import voronka
    voronka("user", "add", "--data", srv.data, "--email", "imp-other@example.com", "--password", "Other-pass1")
    uid = next(u["ID"] for u in rest("user.get", {"FILTER": {"EMAIL": "imp-other@example.com"}}))
    out = voronka("webhook", "add", "--data", srv.data, "--user", str(uid)).stdout
    m = re.search(r"/rest/(\d+)/([A-Za-z0-9]+)/", out)
    st, body = srv.call("voronka.crm.import.status", {"jobId": job}, path=f"/rest/{m.group(1)}/{m.group(2)}/voronka.crm.import.status")
    check(st == 403 and body["error"] == "ACCESS_DENIED", st, body)


run()
