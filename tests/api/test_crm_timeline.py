"""test_crm_timeline.py — crm.timeline.comment.fields / add / get / list / update / delete, Voronka's
voronka.crm.timeline.comment.pin / unpin and voronka.crm.timeline.list against the real binary:
the record format (ENTITY_TYPE by name, FILES as Bitrix24 shows them), files given as base64
(also multipart), the owner item's LAST_ACTIVITY_TIME / LAST_ACTIVITY_BY, filter / order / select /
paging, the merged timeline (pins first, newest first), every refusal with nothing half-written,
rights and scope. Owner items are made with crm.deal.add, crm.lead.add, crm.contact.add,
crm.company.add."""
import base64, os, struct, sys, time, uuid
from datetime import datetime

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, test, run, check  # noqa: E402

srv = Server()

ALL = {"ID", "CREATED", "ENTITY_ID", "ENTITY_TYPE", "AUTHOR_ID", "COMMENT", "FILES", "IS_PINNED"}
GIF = "R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="  # a 1x1 GIF, 43 bytes


def b64(data):
    return base64.b64encode(data).decode()


def png(w, h):
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", w, h) + b"\x08\x02\x00\x00\x00"


def jpeg(w, h):
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, h, w, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def ok(method, params=None, via="json", path=None):
    st, body = srv.call(method, params, via=via, path=path)
    check(st == 200 and "result" in body, method, params, st, body)
    return body


def fails(method, params, code, status=400, mentions=None, path=None):
    st, body = srv.call(method, params, path=path)
    check(st == status and body.get("error") == code, method, params, st, body)
    if mentions:
        check(mentions in body.get("error_description", ""), "description", mentions, body)
    return body


ITEM_FIELDS = {"lead": {"TITLE": "Лид"}, "deal": {"TITLE": "Сделка"}, "contact": {"NAME": "Иван"},
               "company": {"TITLE": "ООО Ромашка"}}
TYPE_ID = {"lead": 1, "deal": 2, "contact": 3, "company": 4}


def item(kind="deal"):
    return int(ok(f"crm.{kind}.add", {"fields": ITEM_FIELDS[kind]})["result"])


def item_get(kind, iid):
    return ok(f"crm.{kind}.get", {"id": iid})["result"]


def add(entity_id, comment="Комментарий", kind="deal", via="json", **extra):
    fields = {"ENTITY_TYPE": kind, "ENTITY_ID": entity_id, "COMMENT": comment, **extra}
    cid = ok("crm.timeline.comment.add", {"fields": fields}, via=via)["result"]
    check(isinstance(cid, int) and cid > 0, cid)
    return cid


def get(cid):
    return ok("crm.timeline.comment.get", {"id": cid})["result"]


def count(deal):
    return ok("crm.timeline.comment.list", {"filter": {"ENTITY_TYPE": "deal", "ENTITY_ID": deal}})["total"]


def other_user():
    """A non-admin user and a webhook path of theirs."""
    uid = int(ok("user.add", {"EMAIL": f"tl.{uuid.uuid4().hex[:8]}@example.com", "NAME": "Пётр",
                              "LAST_NAME": "Сидоров"})["result"])
    return uid, ok("voronka.webhook.add", {"USER_ID": uid})["result"]["URL"]


def as_user(url, method, params=None):
    return srv.call(method, params, path=url + method)


@test
def fields_map():
    f = ok("crm.timeline.comment.fields")["result"]
    check(set(f) == ALL, sorted(f))
    check(f["ID"]["type"] == "integer" and f["ID"]["isReadOnly"] is True, f["ID"])
    check(f["CREATED"]["type"] == "datetime" and f["CREATED"]["isReadOnly"] is True, f["CREATED"])
    check(f["ENTITY_TYPE"]["type"] == "string" and f["ENTITY_TYPE"]["isRequired"] is True
          and f["ENTITY_TYPE"]["isImmutable"] is True, f["ENTITY_TYPE"])
    check(f["ENTITY_ID"]["isRequired"] is True and f["AUTHOR_ID"]["isImmutable"] is True, f)
    check(f["FILES"]["type"] == "attached_diskfile" and f["FILES"]["isMultiple"] is True, f["FILES"])
    check(f["IS_PINNED"]["type"] == "char" and f["IS_PINNED"]["isReadOnly"] is True, f["IS_PINNED"])
    check(all(isinstance(v["title"], str) and v["title"] and v["isDynamic"] is False for v in f.values()), f)


@test
def add_get_format():
    for kind in ("lead", "deal", "contact", "company"):
        iid = item(kind)
        before = item_get(kind, iid)
        check(not before["LAST_ACTIVITY_TIME"] and not before["LAST_ACTIVITY_BY"], before["LAST_ACTIVITY_TIME"])
        cid = add(iid, f"Первый комментарий к {kind}", kind=kind)
        r = get(cid)
        check(set(r) == ALL, sorted(r))
        check(r["ID"] == str(cid) and r["ENTITY_ID"] == str(iid) and r["ENTITY_TYPE"] == kind, r)
        check(r["COMMENT"] == f"Первый комментарий к {kind}" and r["AUTHOR_ID"] == "1", r)
        check(r["FILES"] == {} and r["IS_PINNED"] == "N", r)
        check(len(r["CREATED"]) == 25 and r["CREATED"][10] == "T", r["CREATED"])
        after = item_get(kind, iid)
        check(after["LAST_ACTIVITY_TIME"] == r["CREATED"] and after["LAST_ACTIVITY_BY"] == "1", kind, after)
    # form encoding, upper-case type name, numbers as text, top-level fields, BB code kept as is
    deal = item()
    cid = add(str(deal), "[b]жирный[/b] @Иван", kind="DEAL", via="form")
    r = get(cid)
    check(r["ENTITY_TYPE"] == "deal" and r["COMMENT"] == "[b]жирный[/b] @Иван", r)
    cid = ok("crm.timeline.comment.add", {"ENTITY_TYPE": "deal", "ENTITY_ID": deal, "COMMENT": "верхний уровень"})["result"]
    check(get(cid)["COMMENT"] == "верхний уровень")
    check(ok("crm.timeline.comment.get", {"ID": cid}, via="get")["result"]["ID"] == str(cid))
    # AUTHOR_ID names another user; ID and CREATED from the client are ignored
    uid, _ = other_user()
    cid = add(deal, "от коллеги", AUTHOR_ID=uid, ID=999999, CREATED="2000-01-01T00:00:00+00:00")
    r = get(cid)
    check(r["AUTHOR_ID"] == str(uid) and r["ID"] == str(cid) and not r["CREATED"].startswith("2000"), r)


@test
def files():
    deal = item()
    pj = b64(png(640, 480))
    jp = b64(jpeg(800, 600))
    txt = b64("Привет, мир".encode())
    cid = add(deal, "С файлами", FILES=[["1.gif", GIF], ["фото.png", pj], ["scan.jpg", jp], ["note.txt", txt]])
    f = get(cid)["FILES"]
    check(sorted(f) == ["1", "2", "3", "4"], f)
    g = f["1"]
    check(g["id"] == 1 and g["name"] == "1.gif" and g["size"] == 43 and g["type"] == "image", g)
    check(g["image"] == {"width": 1, "height": 1} and g["authorId"] == 1 and g["authorName"], g)
    check(g["urlPreview"] == "" and g["urlShow"] == "" and g["urlDownload"] == "", g)
    check(len(g["date"]) == 25 and g["date"][10] == "T", g)
    check(f["2"]["name"] == "фото.png" and f["2"]["image"] == {"width": 640, "height": 480}, f["2"])
    check(f["3"]["image"] == {"width": 800, "height": 600} and f["3"]["type"] == "image", f["3"])
    check(f["4"]["type"] == "file" and "image" not in f["4"] and f["4"]["size"] == len("Привет, мир".encode()), f["4"])
    # one pair alone; {"fileData": […]}; base64 without padding and with line breaks; a folder in the name
    c2 = add(deal, "один", FILES=["a.gif", GIF])
    check(get(c2)["FILES"]["1"]["name"] == "a.gif")
    c3 = add(deal, "fileData", FILES=[{"fileData": ["b.txt", b64(b"abcd")]}, ["c.txt", "YWJjZA"],
                                     ["C:\\docs\\d.txt", "YWJj\r\nZA=="]])
    f3 = get(c3)["FILES"]
    check([f3[k]["name"] for k in ("1", "2", "3")] == ["b.txt", "c.txt", "d.txt"], f3)
    check(all(f3[k]["size"] == 4 for k in f3), f3)
    # form encoding: FILES[0][0]=name&FILES[0][1]=base64
    c4 = add(deal, "форма", via="form", FILES=[["e.gif", GIF]])
    check(get(c4)["FILES"]["1"]["size"] == 43)
    # a zero-byte file is a file
    c5 = add(deal, "пустой", FILES=[["empty.txt", ""]])
    check(get(c5)["FILES"]["1"]["size"] == 0)
    # a bigger file (1 MB) goes through
    c6 = add(deal, "мегабайт", FILES=[["big.bin", b64(os.urandom(1 << 20))]])
    check(get(c6)["FILES"]["1"]["size"] == 1 << 20)
    # the list shows FILES too
    rows = ok("crm.timeline.comment.list", {"filter": {"ID": cid}, "select": ["ID", "FILES"]})["result"]
    check(rows[0]["FILES"]["2"]["name"] == "фото.png", rows)


@test
def files_multipart():
    deal = item()
    boundary = "----voronka" + uuid.uuid4().hex
    parts = []
    for name, value in (("fields[ENTITY_TYPE]", "deal"), ("fields[ENTITY_ID]", str(deal)),
                        ("fields[COMMENT]", "Загружено формой")):
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append((f'--{boundary}\r\nContent-Disposition: form-data; name="fields[FILES][0]"; filename="pic.gif"\r\n'
                  "Content-Type: image/gif\r\n\r\n").encode() + base64.b64decode(GIF) + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    import json
    st, _, data = srv.request("POST", srv.base + "crm.timeline.comment.add", b"".join(parts),
                              {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    body = json.loads(data)
    check(st == 200 and isinstance(body.get("result"), int), st, body)
    f = get(body["result"])["FILES"]
    check(f["1"]["name"] == "pic.gif" and f["1"]["size"] == 43 and f["1"]["image"] == {"width": 1, "height": 1}, f)


@test
def files_refusals():
    deal = item()
    bad = [
        ([["x.txt", "не base64!"]], "base64"),
        ([["x.txt", "YWJjZA=x"]], "base64"),
        ([["", GIF]], "name"),
        ([["dir/", GIF]], "name"),
        ([["x" * 256, GIF]], "longer"),
        ([["only-name"]], "FILES"),
        ([["x.txt", 5]], "FILES"),
        ([[1, 2, 3]], "FILES"),
        ([5], "FILES"),  # an id to keep: there is nothing to keep on add
        ([["f%d.gif" % i, GIF] for i in range(101)], "at most 100"),
        ([["big.bin", b64(b"\0" * ((10 << 20) + 1))]], "at most"),
        ([["a.bin", b64(b"\0" * (6 << 20))], ["b.bin", b64(b"\0" * (5 << 20))]], "at most"),
    ]
    for files_v, mention in bad:
        fails("crm.timeline.comment.add", {"fields": {"ENTITY_TYPE": "deal", "ENTITY_ID": deal, "COMMENT": "x",
                                                      "FILES": files_v}}, "ERROR_ARGUMENT", mentions=mention)
    check(count(deal) == 0)
    check(not item_get("deal", deal)["LAST_ACTIVITY_TIME"])


@test
def add_refusals():
    deal = item()
    gone = item()
    check(ok("crm.deal.delete", {"id": gone})["result"] is True)
    A = "ERROR_ARGUMENT"
    cases = [
        ({"ENTITY_ID": deal, "COMMENT": "x"}, A, "ENTITY_TYPE"),
        ({"ENTITY_TYPE": "", "ENTITY_ID": deal, "COMMENT": "x"}, A, "ENTITY_TYPE"),
        ({"ENTITY_TYPE": "order", "ENTITY_ID": deal, "COMMENT": "x"}, A, "ENTITY_TYPE"),
        ({"ENTITY_TYPE": "dynamic_128", "ENTITY_ID": deal, "COMMENT": "x"}, A, "ENTITY_TYPE"),
        ({"ENTITY_TYPE": 2, "ENTITY_ID": deal, "COMMENT": "x"}, A, "ENTITY_TYPE"),
        ({"ENTITY_TYPE": "deal", "COMMENT": "x"}, A, "ENTITY_ID"),
        ({"ENTITY_TYPE": "deal", "ENTITY_ID": 0, "COMMENT": "x"}, A, "ENTITY_ID"),
        ({"ENTITY_TYPE": "deal", "ENTITY_ID": "abc", "COMMENT": "x"}, A, "ENTITY_ID"),
        ({"ENTITY_TYPE": "deal", "ENTITY_ID": -5, "COMMENT": "x"}, A, "ENTITY_ID"),
        ({"ENTITY_TYPE": "deal", "ENTITY_ID": deal}, A, "Empty comment"),
        ({"ENTITY_TYPE": "deal", "ENTITY_ID": deal, "COMMENT": ""}, A, "Empty comment"),
        ({"ENTITY_TYPE": "deal", "ENTITY_ID": deal, "COMMENT": "  \n\t "}, A, "Empty comment"),
        ({"ENTITY_TYPE": "deal", "ENTITY_ID": deal, "COMMENT": ["a"]}, A, "Empty comment"),
        ({"ENTITY_TYPE": "deal", "ENTITY_ID": deal, "COMMENT": "я" * (1 << 19) + "x"}, A, "longer"),
        ({"ENTITY_TYPE": "deal", "ENTITY_ID": deal, "COMMENT": "x", "AUTHOR_ID": 987654}, A, "AUTHOR_ID"),
        ({"ENTITY_TYPE": "deal", "ENTITY_ID": deal, "COMMENT": "x", "AUTHOR_ID": "кто"}, A, "AUTHOR_ID"),
        ({"ENTITY_TYPE": "deal", "ENTITY_ID": 987654, "COMMENT": "x"}, "NOT_FOUND", "not found"),
        ({"ENTITY_TYPE": "lead", "ENTITY_ID": deal + 100000, "COMMENT": "x"}, "NOT_FOUND", "not found"),
        ({"ENTITY_TYPE": "deal", "ENTITY_ID": gone, "COMMENT": "x"}, "NOT_FOUND", "not found"),
    ]
    for fields, code, mention in cases:
        fails("crm.timeline.comment.add", {"fields": fields}, code, mentions=mention)
    # exactly 1 MB is accepted
    big = add(deal, "я" * (1 << 19))
    check(len(get(big)["COMMENT"]) == 1 << 19)
    ok("crm.timeline.comment.delete", {"id": big})
    check(count(deal) == 0 and count(gone) == 0)


@test
def get_refusals():
    fails("crm.timeline.comment.get", {}, "ERROR_ARGUMENT", mentions="ID")
    fails("crm.timeline.comment.get", {"id": "abc"}, "ERROR_ARGUMENT", mentions="ID")
    fails("crm.timeline.comment.get", {"id": 0}, "ERROR_ARGUMENT", mentions="ID")
    fails("crm.timeline.comment.get", {"id": 987654}, "NOT_FOUND", mentions="Not found")


@test
def list_filter_order_select_paging():
    d1, d2, lead = item(), item(), item("lead")
    uid, _ = other_user()
    ids = [add(d1, f"Заметка {i:02d}", AUTHOR_ID=uid if i % 5 == 0 else 1) for i in range(55)]
    add(d2, "Другая сделка")
    add(lead, "Лид-уникальный", kind="lead")
    p1 = ok("crm.timeline.comment.list", {"filter": {"ENTITY_TYPE": "deal", "ENTITY_ID": d1}})
    check(p1["total"] == 55 and p1["next"] == 50 and len(p1["result"]) == 50, p1.get("total"), p1.get("next"))
    check(set(p1["result"][0]) == ALL, p1["result"][0])
    p2 = ok("crm.timeline.comment.list", {"filter": {"ENTITY_TYPE": "deal", "ENTITY_ID": d1}, "start": 50})
    check(len(p2["result"]) == 5 and "next" not in p2, p2)
    check([int(r["ID"]) for r in p1["result"] + p2["result"]] == ids)
    g = ok("crm.timeline.comment.list", {"filter": {"ENTITY_TYPE": "deal", "ENTITY_ID": d1}, "start": 50}, via="get")
    check(g["total"] == 55)
    o = ok("crm.timeline.comment.list", {"filter": {"ENTITY_ID": d1, "ENTITY_TYPE": "deal"}, "order": {"ID": "DESC"}})
    check(o["result"][0]["ID"] == str(ids[-1]), o["result"][0])
    o = ok("crm.timeline.comment.list", {"filter": {"ENTITY_ID": d1, "ENTITY_TYPE": "deal"},
                                         "order": {"CREATED": "desc", "ID": "desc"}})
    check(o["result"][0]["ID"] == str(ids[-1]))
    # ENTITY_TYPE under operators and as a list; other fields
    check(ok("crm.timeline.comment.list", {"filter": {"ENTITY_TYPE": ["lead"], "ENTITY_ID": lead}})["total"] == 1)
    check(ok("crm.timeline.comment.list", {"filter": {"ENTITY_TYPE": ["deal", "company"], "ENTITY_ID": d2}})
          ["total"] == 1)
    check(ok("crm.timeline.comment.list", {"filter": {"!ENTITY_TYPE": "deal", "ENTITY_ID": lead,
                                                      "%COMMENT": "Лид-уникальный"}})["total"] == 1)
    check(ok("crm.timeline.comment.list", {"filter": {"!ENTITY_TYPE": ["lead", "contact"], "ENTITY_ID": lead,
                                                      "%COMMENT": "Лид-уникальный"}})["total"] == 0)
    check(ok("crm.timeline.comment.list", {"filter": {"ENTITY_TYPE": "DEAL", "ENTITY_ID": d2}})["total"] == 1)
    check(ok("crm.timeline.comment.list", {"filter": {"ENTITY_TYPE": "deal", "ENTITY_ID": d1, "AUTHOR_ID": uid}})["total"] == 11)
    check(ok("crm.timeline.comment.list", {"filter": {"ENTITY_TYPE": "deal", "ENTITY_ID": d1, "%COMMENT": "Заметка 5"}})["total"] == 5)
    check(ok("crm.timeline.comment.list", {"filter": {"ENTITY_TYPE": "deal", "ENTITY_ID": d1, ">ID": ids[49]}})["total"] == 5)
    check(ok("crm.timeline.comment.list", {"filter": {"ENTITY_TYPE": "deal", "ENTITY_ID": d1,
                                                      ">=CREATED": "2000-01-01T00:00:00+00:00"}})
          ["total"] == 55)
    # select
    s = ok("crm.timeline.comment.list", {"filter": {"ID": ids[0]}, "select": ["ID", "COMMENT", "ENTITY_TYPE"]})["result"]
    check(s == [{"ID": str(ids[0]), "COMMENT": "Заметка 00", "ENTITY_TYPE": "deal"}], s)
    s = ok("crm.timeline.comment.list", {"filter": {"ID": ids[0]}, "select": ["*"]})["result"][0]
    check(set(s) == ALL, sorted(s))
    # fast mode
    k = ok("crm.timeline.comment.list", {"filter": {"ENTITY_TYPE": "deal", "ENTITY_ID": d1}, "start": -1})
    check("total" not in k and len(k["result"]) == 50, k.get("total"))


@test
def list_refusals():
    fails("crm.timeline.comment.list", {"filter": {"ENTITY_TYPE": "order"}}, "ERROR_ARGUMENT", mentions="ENTITY_TYPE")
    fails("crm.timeline.comment.list", {"filter": {"ENTITY_TYPE": ["deal", "x"]}}, "ERROR_ARGUMENT",
          mentions="ENTITY_TYPE")
    fails("crm.timeline.comment.list", {"filter": {"BOGUS": 1}}, "ERROR_ARGUMENT", mentions="BOGUS")
    fails("crm.timeline.comment.list", {"filter": {"ENTITY_ID": "abc"}}, "ERROR_ARGUMENT", mentions="ENTITY_ID")
    fails("crm.timeline.comment.list", {"filter": {"FILES": "x"}}, "ERROR_ARGUMENT", mentions="FILES")
    fails("crm.timeline.comment.list", {"order": {"COMMENT": "ASC"}}, "ERROR_ARGUMENT", mentions="COMMENT")
    fails("crm.timeline.comment.list", {"order": {"ID": "UP"}}, "ERROR_ARGUMENT", mentions="ID")
    fails("crm.timeline.comment.list", {"filter": "deal"}, "ERROR_ARGUMENT", mentions="filter")


@test
def update():
    deal = item()
    cid = add(deal, "Было", FILES=[["1.gif", GIF], ["2.txt", b64(b"two")]])
    before = get(cid)
    stamp = item_get("deal", deal)["LAST_ACTIVITY_TIME"]
    check(ok("crm.timeline.comment.update", {"id": cid, "fields": {"COMMENT": "Стало"}})["result"] == cid)
    r = get(cid)
    check(r["COMMENT"] == "Стало" and r["CREATED"] == before["CREATED"] and r["FILES"] == before["FILES"], r)
    check(item_get("deal", deal)["LAST_ACTIVITY_TIME"] >= stamp)
    # FILES: ids keep files, pairs add new ones (numbered on), others go
    ok("crm.timeline.comment.update", {"id": cid, "fields": {"FILES": [2, ["3.png", b64(png(2, 3))]]}})
    f = get(cid)["FILES"]
    check(sorted(f) == ["2", "3"] and f["2"]["name"] == "2.txt" and f["3"]["image"] == {"width": 2, "height": 3}, f)
    ok("crm.timeline.comment.update", {"id": cid, "fields": {"FILES": ["3"]}}, via="form")
    check(sorted(get(cid)["FILES"]) == ["3"])
    ok("crm.timeline.comment.update", {"id": cid, "fields": {"FILES": ""}}, via="form")
    check(get(cid)["FILES"] == {})
    # owner named right; ID and ENTITY_* are not changed by update
    ok("crm.timeline.comment.update", {"id": cid, "ownerTypeId": 2, "ownerId": deal,
                                       "fields": {"COMMENT": "Снова", "ENTITY_ID": deal + 1, "ENTITY_TYPE": "lead"}})
    r = get(cid)
    check(r["COMMENT"] == "Снова" and r["ENTITY_ID"] == str(deal) and r["ENTITY_TYPE"] == "deal", r)


@test
def update_refusals():
    deal = item()
    cid = add(deal, "Неизменный", FILES=[["1.gif", GIF]])
    before = get(cid)
    A = "ERROR_ARGUMENT"
    fails("crm.timeline.comment.update", {"fields": {"COMMENT": "x"}}, A, mentions="ID")
    fails("crm.timeline.comment.update", {"id": "x", "fields": {"COMMENT": "x"}}, A, mentions="ID")
    fails("crm.timeline.comment.update", {"id": cid, "fields": {}}, A, mentions="COMMENT")
    fails("crm.timeline.comment.update", {"id": cid}, A, mentions="COMMENT")
    fails("crm.timeline.comment.update", {"id": cid, "fields": {"COMMENT": ""}}, A, mentions="Empty comment")
    fails("crm.timeline.comment.update", {"id": cid, "fields": {"COMMENT": "x" * ((1 << 20) + 1)}}, A,
          mentions="longer")
    fails("crm.timeline.comment.update", {"id": cid, "fields": {"COMMENT": "x", "FILES": [77]}}, A,
          mentions="not attached")
    fails("crm.timeline.comment.update", {"id": cid, "fields": {"COMMENT": "x", "FILES": [["y", "%%%"]]}}, A,
          mentions="base64")
    fails("crm.timeline.comment.update", {"id": 987654, "fields": {"COMMENT": "x"}}, "NOT_FOUND", mentions="Not found")
    fails("crm.timeline.comment.update", {"id": cid, "ownerTypeId": 1, "ownerId": deal, "fields": {"COMMENT": "x"}},
          "NOT_FOUND")
    fails("crm.timeline.comment.update", {"id": cid, "ownerTypeId": 2, "ownerId": deal + 1,
                                          "fields": {"COMMENT": "x"}}, "NOT_FOUND")
    # another, non-admin user may not change it (though the deal is theirs and they see it); its
    # author may
    uid, url = other_user()
    ok("crm.deal.update", {"id": deal, "fields": {"ASSIGNED_BY_ID": uid}})
    st, body = as_user(url, "crm.timeline.comment.update", {"id": cid, "fields": {"COMMENT": "чужой"}})
    check(st == 403 and body.get("error") == "ACCESS_DENIED", st, body)
    check(get(cid) == before, get(cid), before)
    st, body = as_user(url, "crm.timeline.comment.add", {"fields": {"ENTITY_TYPE": "deal", "ENTITY_ID": deal,
                                                                    "COMMENT": "мой"}})
    check(st == 200, st, body)
    own = body["result"]
    st, body = as_user(url, "crm.timeline.comment.update", {"id": own, "fields": {"COMMENT": "мой, исправлен"}})
    check(st == 200 and body["result"] == own, st, body)
    check(get(own)["COMMENT"] == "мой, исправлен" and get(own)["AUTHOR_ID"] == str(uid))
    check(item_get("deal", deal)["LAST_ACTIVITY_BY"] == str(uid))


@test
def delete():
    deal = item()
    cid = add(deal, "Удаляемый")
    uid, url = other_user()
    st, body = as_user(url, "crm.timeline.comment.delete", {"id": cid})
    check(st == 403 and body.get("error") == "ACCESS_DENIED", st, body)
    fails("crm.timeline.comment.delete", {"id": cid, "ownerTypeId": 3, "ownerId": deal}, "NOT_FOUND")
    check(get(cid)["COMMENT"] == "Удаляемый")
    body = ok("crm.timeline.comment.delete", {"id": cid, "ownerTypeId": 2, "ownerId": deal})
    check(body["result"] is None, body)
    fails("crm.timeline.comment.get", {"id": cid}, "NOT_FOUND")
    fails("crm.timeline.comment.delete", {"id": cid}, "NOT_FOUND", mentions="Not found")
    fails("crm.timeline.comment.delete", {}, "ERROR_ARGUMENT", mentions="ID")
    fails("crm.timeline.comment.delete", {"id": "x"}, "ERROR_ARGUMENT", mentions="ID")
    c2 = add(deal, "Через GET")
    check(ok("crm.timeline.comment.delete", {"ID": c2}, via="get")["result"] is None)
    check(count(deal) == 0)
    check(item_get("deal", deal)["LAST_ACTIVITY_BY"] == "1")
    # deleting the item takes its timeline with it
    c3 = add(deal, "Уйдёт со сделкой")
    ok("crm.deal.delete", {"id": deal})
    fails("crm.timeline.comment.get", {"id": c3}, "NOT_FOUND")
    fails("crm.timeline.comment.delete", {"id": c3}, "NOT_FOUND")


@test
def pins():
    deal = item()
    cid = add(deal, "Закрепить")
    check(ok("voronka.crm.timeline.comment.pin", {"id": cid})["result"] is True)
    check(get(cid)["IS_PINNED"] == "Y")
    check(ok("voronka.crm.timeline.comment.pin", {"ID": cid})["result"] is True)  # twice is fine
    check(ok("crm.timeline.comment.list", {"filter": {"ENTITY_TYPE": "deal", "ENTITY_ID": deal, "IS_PINNED": "Y"}})["total"] == 1)
    check(ok("voronka.crm.timeline.comment.unpin", {"id": cid})["result"] is True)
    check(get(cid)["IS_PINNED"] == "N")
    fails("voronka.crm.timeline.comment.pin", {"id": 987654}, "NOT_FOUND")
    fails("voronka.crm.timeline.comment.unpin", {"id": 987654}, "NOT_FOUND")
    fails("voronka.crm.timeline.comment.pin", {}, "ERROR_ARGUMENT", mentions="ID")
    fails("voronka.crm.timeline.comment.pin", {"id": "x"}, "ERROR_ARGUMENT", mentions="ID")
    # IS_PINNED is not written through add or update
    c2 = add(deal, "не закреплён", IS_PINNED="Y")
    ok("crm.timeline.comment.update", {"id": c2, "fields": {"COMMENT": "всё ещё", "IS_PINNED": "Y"}})
    check(get(c2)["IS_PINNED"] == "N")


def activity(deal, subject, **extra):
    fields = {"OWNER_TYPE_ID": 2, "OWNER_ID": deal, "TYPE_ID": 3, "SUBJECT": subject, **extra}
    return ok("crm.activity.add", {"fields": fields})["result"]


def when(s):
    return datetime.fromisoformat(s)


@test
def merged_timeline():
    deal = item()
    c_old = add(deal, "старый комментарий")
    a_old = activity(deal, "старое дело")
    time.sleep(1.1)  # the next entries are a second newer
    c_new = add(deal, "новый комментарий")
    a_new = activity(deal, "новый звонок", TYPE_ID=2, COMMUNICATIONS=[{"VALUE": "+79990000000"}])
    c_pin = add(deal, "ещё один")
    ok("voronka.crm.timeline.comment.pin", {"id": c_old})
    body = ok("voronka.crm.timeline.list", {"entityTypeId": 2, "entityId": deal})
    tl = body["result"]
    check(body["total"] == 5 and "next" not in body, body.get("total"))
    order = [(e["type"], e["id"]) for e in tl]
    check(order[0] == ("comment", c_old), order)  # pinned first, though the oldest
    check(set(order) == {("comment", c_old), ("comment", c_new), ("comment", c_pin), ("activity", a_old),
                         ("activity", a_new)}, order)
    # then newest first; within one second activities first, then the higher id
    rest = sorted(tl[1:], key=lambda e: (when(e["created"]), e["type"] == "activity", e["id"]), reverse=True)
    check([(e["type"], e["id"]) for e in rest] == order[1:], order)
    check(order[-1] == ("activity", a_old), order)
    first = tl[0]
    check(first["ID"] == str(c_old) and first["COMMENT"] == "старый комментарий" and first["IS_PINNED"] == "Y", first)
    check(first["created"] == first["CREATED"] and first["ENTITY_TYPE"] == "deal", first)
    call = tl[1]
    check(call["SUBJECT"] == "новый звонок" and call["TYPE_ID"] == "2", call)
    check(call["COMMUNICATIONS"][0]["VALUE"] == "+79990000000" and call["created"] == call["CREATED"], call)
    check(when(tl[1]["created"]) >= when(tl[4]["created"]), tl)
    # another item's entries are not mixed in; an empty item has an empty timeline
    other = item()
    add(other, "чужой")
    check(ok("voronka.crm.timeline.list", {"entityTypeId": 2, "entityId": deal})["total"] == 5)
    empty = item("contact")
    e = ok("voronka.crm.timeline.list", {"entityTypeId": 3, "entityId": empty})
    check(e["result"] == [] and e["total"] == 0, e)


@test
def merged_timeline_paging():
    deal = item()
    for i in range(30):
        add(deal, f"к{i}")
        activity(deal, f"д{i}")
    p1 = ok("voronka.crm.timeline.list", {"entityTypeId": 2, "entityId": deal})
    check(p1["total"] == 60 and p1["next"] == 50 and len(p1["result"]) == 50, p1.get("total"), p1.get("next"))
    p2 = ok("voronka.crm.timeline.list", {"entityTypeId": 2, "entityId": deal, "start": 50})
    check(len(p2["result"]) == 10 and "next" not in p2, p2.get("next"))
    seen = [(e["type"], e["id"]) for e in p1["result"] + p2["result"]]
    check(len(set(seen)) == 60, seen)
    created = [e["created"] for e in p1["result"] + p2["result"]]
    check(all(when(a) >= when(b) for a, b in zip(created, created[1:])), created)
    k = ok("voronka.crm.timeline.list", {"entityTypeId": 2, "entityId": deal, "start": -1})
    check("total" not in k and len(k["result"]) == 50, k.get("total"))
    g = ok("voronka.crm.timeline.list", {"entityTypeId": "2", "entityId": str(deal), "start": 50}, via="get")
    check(len(g["result"]) == 10)


@test
def merged_timeline_refusals():
    deal = item()
    fails("voronka.crm.timeline.list", {"entityId": deal}, "ERROR_ARGUMENT", mentions="entityTypeId")
    fails("voronka.crm.timeline.list", {"entityTypeId": 9, "entityId": deal}, "ERROR_ARGUMENT", mentions="entityTypeId")
    fails("voronka.crm.timeline.list", {"entityTypeId": "deal", "entityId": deal}, "ERROR_ARGUMENT",
          mentions="entityTypeId")
    fails("voronka.crm.timeline.list", {"entityTypeId": 2}, "ERROR_ARGUMENT", mentions="entityId")
    fails("voronka.crm.timeline.list", {"entityTypeId": 2, "entityId": "x"}, "ERROR_ARGUMENT", mentions="entityId")
    fails("voronka.crm.timeline.list", {"entityTypeId": 2, "entityId": 987654}, "NOT_FOUND")
    fails("voronka.crm.timeline.list", {"entityTypeId": 1, "entityId": deal + 100000}, "NOT_FOUND")


@test
def methods_batch_scope():
    names = ok("methods", {"scope": "crm"})["result"]
    for m in ("add", "delete", "fields", "get", "list", "update"):
        check("crm.timeline.comment." + m in names, m, names)
    for m in ("voronka.crm.timeline.comment.pin", "voronka.crm.timeline.comment.unpin", "voronka.crm.timeline.list"):
        check(m in names, m)
    deal = item()
    b = ok("batch", {"cmd": {
        "a": f"crm.timeline.comment.add?fields[ENTITY_TYPE]=deal&fields[ENTITY_ID]={deal}&fields[COMMENT]=пакет",
        "g": "crm.timeline.comment.get?id=$result[a]",
        "p": "voronka.crm.timeline.comment.pin?id=$result[a]",
        "t": f"voronka.crm.timeline.list?entityTypeId=2&entityId={deal}"}})
    res = b["result"]["result"]
    check(res["g"]["COMMENT"] == "пакет" and res["p"] is True, b)
    check(res["t"][0]["id"] == res["a"] and res["t"][0]["IS_PINNED"] == "Y", b)
    user_only = ok("voronka.webhook.add", {"SCOPE": "user"})["result"]["URL"]
    for m in ("crm.timeline.comment.list", "voronka.crm.timeline.list"):
        st, body = srv.call(m, {}, path=user_only + m)
        check(st == 403 and body.get("error") == "insufficient_scope", m, st, body)


run()
