#!/usr/bin/env python3
"""test_im_notify.py — in-app notifications (P6): Bitrix24's im.notify.* and im.counters.get, the
CRM events that create them (assignment, stage change, @mention in a comment, an activity's
responsible) and their live events on /events. What each user would see in their bell:

  - a lead/deal/contact/company given to someone else tells the new responsible, once, in their
    language, linked to the card; nobody is told of their own doing; a move to another stage by
    someone else tells the responsible;
  - [USER=n]…[/USER] in a comment tells that user if they may read the item, and nobody who may not
    (not a word of the comment leaks); an edit tells only the users it newly mentions;
  - an activity given to another user tells them;
  - imports do not notify; a refused write leaves no notification;
  - im.notify.get pages newest first by LAST_ID/LAST_TYPE, LIMIT at most 50, and refuses a lone
    LAST_ID; read / read.list (and unread) / read.all / delete by ID, TAG and SUB_TAG move the
    counts; personal.add / system.add / im.notify send; a user never reads, marks or deletes
    another user's;
  - /events gives each change as `event: notify` to the recipient's streams and to no one else's.

Run:  VORONKA_BIN=$PWD/build-notify/voronka python3 tests/api/test_im_notify.py
"""
import base64, http.client, json, os, re, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, test, run, check, voronka  # noqa: E402

srv = Server()


def call(base, method, params=None):
    return srv.call(method, params or {}, path=base + method)


def ok(base, method, params=None):
    st, body = call(base, method, params)
    check(st == 200 and "result" in body, method, params, st, body)
    return body["result"]


def fails(base, method, params, code, status=400):
    st, body = call(base, method, params)
    check(st == status and body.get("error") == code, method, params, st, body)
    return body


def admin(method, params=None):
    return ok(srv.base, method, params)


class User:
    def __init__(self, name, lang="ru", scope=None):
        self.id = admin("user.add", {"EMAIL": f"{name.lower()}@notify.example", "NAME": name, "LAST_NAME": "Тестов"})
        if lang != "ru":
            # the language the user chose in the UI's user menu, which sends this same call
            admin("user.update", {"ID": self.id, "LANGUAGE_ID": lang})
        args = ["webhook", "add", "--data", srv.data, "--user", str(self.id)]
        if scope:
            args += ["--scope", scope]
        out = voronka(*args).stdout
        m = re.search(r"/rest/(\d+)/([A-Za-z0-9]+)/", out)
        check(m, out)
        self.base = m.group(0)
        self.events = f"/events/{m.group(1)}/{m.group(2)}"

    def ok(self, method, params=None):
        return ok(self.base, method, params)

    def call(self, method, params=None):
        return call(self.base, method, params)

    def notes(self, **params):
        return self.ok("im.notify.get", params).get("notifications", [])

    def unread(self):
        return self.ok("im.counters.get")["TYPE"]["NOTIFY"]

    def newest(self):
        n = self.notes(LIMIT=1)
        return n[0] if n else None


ADMIN_BASE = srv.base
ann = User("Ann", lang="en")        # English
bob = User("Боб")                   # Russian
carl = User("Карл")                 # the default role (Менеджер): only his own items
dora = User("Дора")                 # Директор: reads everything
roles = {r["CODE"]: r["ID"] for r in admin("voronka.crm.role.list")}
admin("voronka.crm.role.assignments.set", {"ASSIGNMENTS": [
    {"ACCESS_CODE": "AU", "ROLE_ID": roles["MANAGER"]},
    {"ACCESS_CODE": f"U{dora.id}", "ROLE_ID": roles["DIRECTOR"]}]})


def card(type_, id_, title):
    return f"[URL=/#/{type_}/list?open={type_}/{id_}]{title}[/URL]"


# ---- CRM events ---------------------------------------------------------------------------------

@test
def assignment_tells_the_new_responsible_in_their_language():
    before = bob.unread()
    deal = admin("crm.deal.add", {"fields": {"TITLE": "Поставка [1]", "ASSIGNED_BY_ID": bob.id}})
    check(bob.unread() == before + 1, "one notification for Bob")
    n = bob.newest()
    check(n["notify_module"] == "crm" and n["notify_event"] == "changeAssignedBy", n)
    check(n["text"] == f"Вам назначена сделка «{card('deal', deal, 'Поставка (1)')}»", n["text"])
    check(n["params"] == {"entityTypeId": 2, "entityId": deal, "title": "Поставка [1]"}, n["params"])
    check(n["author_id"] == 1 and n["notify_type"] == 2 and n["notify_read"] == "N", n)
    check(n["setting_name"] == "crm|changeAssignedBy" and n["chat_id"] == bob.id, n)
    check(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", n["date"]), n["date"])
    # handed over to Ann: she is told, in English; Bob hears nothing more
    a0, b1 = ann.unread(), bob.unread()
    admin("crm.deal.update", {"id": deal, "fields": {"ASSIGNED_BY_ID": ann.id}})
    check(ann.unread() == a0 + 1 and bob.unread() == b1, ann.unread(), bob.unread())
    check(ann.newest()["text"] == f"You have been assigned the deal \"{card('deal', deal, 'Поставка (1)')}\"",
          ann.newest())
    # each type speaks its own words; crm.item.add is the same write path
    lead = admin("crm.lead.add", {"fields": {"TITLE": "Лид Ann", "ASSIGNED_BY_ID": ann.id}})
    check(ann.newest()["text"] == f"You have been assigned the lead \"{card('lead', lead, 'Лид Ann')}\"")
    contact = admin("crm.item.add", {"entityTypeId": 3, "fields": {"name": "Иван", "lastName": "Петров",
                                                                   "assignedById": bob.id}})["item"]["id"]
    n = bob.newest()
    check(n["text"] == f"Вам назначен контакт «{card('contact', contact, 'Иван Петров')}»", n)
    check(n["params"]["entityTypeId"] == 3 and n["params"]["title"] == "Иван Петров", n)
    company = admin("crm.company.add", {"fields": {"TITLE": "ООО Ромашка", "ASSIGNED_BY_ID": bob.id}})
    check(bob.newest()["text"] == f"Вам назначена компания «{card('company', company, 'ООО Ромашка')}»")
    # the same assignment again (the same tag) replaces the earlier one instead of piling up
    admin("crm.company.update", {"id": company, "fields": {"ASSIGNED_BY_ID": carl.id}})
    n0 = bob.unread()
    admin("crm.company.update", {"id": company, "fields": {"ASSIGNED_BY_ID": bob.id}})
    tagged = [x for x in bob.notes() if x["notify_tag"] == f"CRM|COMPANY|{company}|changeAssignedBy"]
    check(len(tagged) == 1 and bob.unread() == n0, tagged)


@test
def nobody_is_told_of_their_own_doing():
    b0, a0 = bob.unread(), admin("im.counters.get")["TYPE"]["NOTIFY"]
    deal = bob.ok("crm.deal.add", {"fields": {"TITLE": "Моя сделка"}})  # responsible: Bob himself
    bob.ok("crm.deal.update", {"id": deal, "fields": {"TITLE": "Моя сделка 2", "STAGE_ID": "PREPARATION"}})
    admin("crm.lead.add", {"fields": {"TITLE": "Свой лид"}})              # the admin's own
    check(bob.unread() == b0, "Bob told of his own deal")
    check(admin("im.counters.get")["TYPE"]["NOTIFY"] == a0, "the admin told of his own lead")


@test
def a_stage_change_by_someone_else_tells_the_responsible():
    deal = bob.ok("crm.deal.add", {"fields": {"TITLE": "Этапы"}})
    b0 = bob.unread()
    admin("crm.deal.update", {"id": deal, "fields": {"STAGE_ID": "PREPARATION"}})
    check(bob.unread() == b0 + 1)
    n = bob.newest()
    check(n["notify_event"] == "changeStage" and n["params"]["stageId"] == "PREPARATION", n)
    check(n["text"].startswith(f"Сделка «{card('deal', deal, 'Этапы')}» переведена на стадию «"), n["text"])
    stage_name = {s["STATUS_ID"]: s["NAME"] for s in admin("crm.status.list", {"filter": {"ENTITY_ID": "DEAL_STAGE"}})}
    check(n["text"].endswith(f"«{stage_name['PREPARATION']}»"), n["text"], stage_name)
    # an edit that leaves the stage alone tells nobody
    admin("crm.deal.update", {"id": deal, "fields": {"TITLE": "Этапы 2"}})
    check(bob.unread() == b0 + 1)


@test
def a_mention_tells_the_users_who_may_read_the_item():
    deal = admin("crm.deal.add", {"fields": {"TITLE": "Обсуждение"}})  # the admin's: Carl may not see it
    d0, c0, b0, a0 = dora.unread(), carl.unread(), bob.unread(), admin("im.counters.get")["TYPE"]["NOTIFY"]
    text = (f"[USER={dora.id}]Дора[/USER], [user={carl.id}]Карл[/user] и [USER=1]я[/USER]: "
            "секретная цена 100")
    cid = admin("crm.timeline.comment.add", {"fields": {"ENTITY_TYPE": "deal", "ENTITY_ID": deal, "COMMENT": text}})
    check(dora.unread() == d0 + 1, "Dora reads every deal: she is told")
    n = dora.newest()
    check(n["notify_event"] == "mention" and n["author_id"] == 1, n)
    check(n["text"] == f"упомянул(а) вас в комментарии к сделке «{card('deal', deal, 'Обсуждение')}»", n["text"])
    check(n["params"] == {"entityTypeId": 2, "entityId": deal, "title": "Обсуждение", "commentId": cid}, n)
    check(carl.unread() == c0, "Carl may not read the deal: nothing for him")
    check(not any("секрет" in x["text"] or x["params"] and x["params"].get("entityId") == deal
                  for x in carl.notes()), carl.notes())
    check(admin("im.counters.get")["TYPE"]["NOTIFY"] == a0, "the author is not told of his own mention")
    # an edit tells only who it adds: Bob, once he may read the deal; Dora not again
    admin("crm.deal.update", {"id": deal, "fields": {"ASSIGNED_BY_ID": bob.id}})
    b1 = bob.unread()
    check(b1 == b0 + 1, "the assignment")
    admin("crm.timeline.comment.update", {"id": cid, "fields": {"COMMENT": text + f" [USER={bob.id}]Боб[/USER]"}})
    check(bob.unread() == b1 + 1 and dora.unread() == d0 + 1, bob.unread(), dora.unread())
    check(bob.newest()["notify_event"] == "mention")
    # a comment Ann writes mentioning Bob on her own deal, which Bob may not read: nothing
    adeal = ann.ok("crm.deal.add", {"fields": {"TITLE": "Ann's"}})
    ann.ok("crm.timeline.comment.add", {"fields": {"ENTITY_TYPE": "deal", "ENTITY_ID": adeal,
                                                   "COMMENT": f"[USER={bob.id}]Bob[/USER]"}})
    check(bob.unread() == b1 + 1)


@test
def an_activity_given_to_another_user_tells_them():
    deal = admin("crm.deal.add", {"fields": {"TITLE": "Звонки", "ASSIGNED_BY_ID": bob.id}})
    b0, d0 = bob.unread(), dora.unread()
    act = admin("crm.activity.add", {"fields": {"OWNER_TYPE_ID": 2, "OWNER_ID": deal, "TYPE_ID": 3,
                                                "SUBJECT": "Позвонить", "RESPONSIBLE_ID": bob.id}})
    check(bob.unread() == b0 + 1)
    n = bob.newest()
    check(n["notify_event"] == "activity" and n["params"]["activityId"] == act and n["params"]["subject"] == "Позвонить", n)
    check(n["text"] == f"Вам назначено дело «Позвонить» по сделке «{card('deal', deal, 'Звонки')}»", n["text"])
    admin("crm.activity.update", {"id": act, "fields": {"RESPONSIBLE_ID": dora.id}})
    check(dora.unread() == d0 + 1 and dora.newest()["params"]["subject"] == "Позвонить", dora.newest())
    admin("crm.activity.update", {"id": act, "fields": {"SUBJECT": "Перезвонить"}})  # same responsible
    check(dora.unread() == d0 + 1)


@test
def a_refused_write_leaves_no_notification():
    deal = admin("crm.deal.add", {"fields": {"TITLE": "Чужая"}})
    a0 = ann.unread()
    # Bob may not change the admin's deal: refused, nothing for Ann
    st, body = bob.call("crm.deal.update", {"id": deal, "fields": {"ASSIGNED_BY_ID": ann.id}})
    check(st != 200 and body.get("error_description") == "Access denied.", st, body)
    # an add refused for a bad field after the responsible was taken
    st, body = call(ADMIN_BASE, "crm.deal.add", {"fields": {"TITLE": "x", "ASSIGNED_BY_ID": ann.id,
                                                            "STAGE_ID": "NO_SUCH_STAGE"}})
    check(st == 400, st, body)
    st, body = call(ADMIN_BASE, "crm.deal.update", {"id": deal, "fields": {"ASSIGNED_BY_ID": ann.id,
                                                                           "CURRENCY_ID": "XXX"}})
    check(st == 400, st, body)
    check(ann.unread() == a0, ann.unread(), a0)


@test
def an_import_notifies_nobody():
    a0 = ann.unread()
    job = admin("voronka.crm.import.start", {"entityTypeId": 1,
                                             "csv": f"TITLE,ASSIGNED_BY_ID\nИмпорт 1,{ann.id}\nИмпорт 2,{ann.id}\n"})["jobId"]
    deadline = time.time() + 20
    while admin("voronka.crm.import.status", {"jobId": job})["state"] != "done":
        check(time.time() < deadline, "the import did not finish")
        time.sleep(0.1)
    s = admin("voronka.crm.import.status", {"jobId": job})
    check(s["added"] == 2, s)
    check(ann.unread() == a0, "an import sent notifications")


# ---- the methods ------------------------------------------------------------------------------

def fresh_user(name, **kw):
    return User(name, **kw)


@test
def get_pages_newest_first_by_last_id_and_type():
    u = fresh_user("Pager")
    check(u.ok("im.notify.get") == {"notifications": [], "users": []}, u.ok("im.notify.get"))
    sent = [admin("im.notify.system.add", {"USER_ID": u.id, "MESSAGE": f"сообщение {i}"}) for i in range(7)]
    r = u.ok("im.notify.get", {"LIMIT": 3})
    check(r["total_count"] == 7 and r["total_unread_count"] == 7 and r["chat_id"] == u.id, r)
    seen = [n["id"] for n in r["notifications"]]
    check(seen == sent[::-1][:3], seen, sent)
    while True:
        page = u.ok("im.notify.get", {"LAST_ID": seen[-1], "LAST_TYPE": 3, "LIMIT": 3})["notifications"]
        if not page:
            break
        seen += [n["id"] for n in page]
    check(seen == sent[::-1], seen)
    # a cursor in the confirmation stage (there are none) starts the rest from the top
    check([n["id"] for n in u.notes(LAST_ID=sent[0], LAST_TYPE=1, LIMIT=2)] == sent[::-1][:2])
    # system notifications: no author, type 4, no users
    r = u.ok("im.notify.get", {"LIMIT": 1})
    check(r["notifications"][0]["author_id"] == 0 and r["notifications"][0]["notify_type"] == 4, r)
    check(r["users"] == [] and r["notifications"][0]["text"] == "сообщение 6", r)
    # refusals
    b = fails(u.base, "im.notify.get", {"LAST_ID": sent[3]}, "LAST_ID_AND_LAST_TYPE")
    check(b["error_description"] == "Parameters LAST_ID and LAST_TYPE should be used together.", b)
    fails(u.base, "im.notify.get", {"LAST_TYPE": 3}, "LAST_ID_AND_LAST_TYPE")
    fails(u.base, "im.notify.get", {"LAST_ID": "abc", "LAST_TYPE": 3}, "LAST_ID_STRING")


@test
def limit_is_at_most_fifty():
    u = fresh_user("Many")
    for chunk in range(2):
        cmd = {f"n{i}": f"im.notify.system.add?USER_ID={u.id}&MESSAGE=m{chunk}-{i}" for i in range(30)}
        res = admin("batch", {"cmd": cmd})
        check(not res["result_error"], res["result_error"])
    check(len(u.notes(LIMIT=100)) == 50 and len(u.notes()) == 50 and len(u.notes(LIMIT=7)) == 7)
    check(len(u.notes(LIMIT=0)) == 50 and len(u.notes(LIMIT="x")) == 50)
    check(u.ok("im.notify.get")["total_count"] == 60)


@test
def read_unread_read_all_and_the_counts():
    u = fresh_user("Reader")
    ids = [admin("im.notify.personal.add", {"USER_ID": u.id, "MESSAGE": f"п{i}"}) for i in range(6)]
    check(u.unread() == 6)
    # one alone
    check(u.ok("im.notify.read", {"ID": ids[0], "ONLY_CURRENT": "Y"}) is True)
    check(u.unread() == 5)
    state = {n["id"]: n["notify_read"] for n in u.notes()}
    check(state[ids[0]] == "Y" and state[ids[1]] == "N", state)
    # it and every newer one
    u.ok("im.notify.read", {"ID": ids[4]})
    check(u.unread() == 3, u.unread())
    # a list, then back to unread
    u.ok("im.notify.read.list", {"IDS": [ids[1], ids[2]], "ACTION": "Y"})
    check(u.unread() == 1)
    u.ok("im.notify.read.list", {"IDS": [ids[1], ids[5]], "ACTION": "N"})
    check(u.unread() == 3 and u.ok("im.notify.get")["total_unread_count"] == 3)
    r = u.ok("im.notify.read.all")
    check(r == {"result": True, "newCounter": 0}, r)
    check(u.unread() == 0 and all(n["notify_read"] == "Y" for n in u.notes()))
    counters = u.ok("im.counters.get")
    check(counters == {"CHAT": {}, "DIALOG": {}, "LINES": {},
                       "TYPE": {"ALL": 0, "CHAT": 0, "DIALOG": 0, "LINES": 0, "NOTIFY": 0}}, counters)
    # refusals
    b = fails(u.base, "im.notify.read.list", {"IDS": "1"}, "PARAMS_ERROR")
    check(b["error_description"] == "No IDS param or it is not an array", b)
    fails(u.base, "im.notify.read.list", {}, "PARAMS_ERROR")
    fails(u.base, "im.notify.read", {}, "PARAMS_ERROR")


@test
def delete_by_id_tag_and_sub_tag():
    u = fresh_user("Deleter")
    a = admin("im.notify.personal.add", {"USER_ID": u.id, "MESSAGE": "a", "TAG": "T1", "SUB_TAG": "S|1"})
    b = admin("im.notify.personal.add", {"USER_ID": u.id, "MESSAGE": "b", "TAG": "T2", "SUB_TAG": "S|1"})
    c = admin("im.notify.personal.add", {"USER_ID": u.id, "MESSAGE": "c", "TAG": "T3", "SUB_TAG": "S|2"})
    d = admin("im.notify.personal.add", {"USER_ID": u.id, "MESSAGE": "d"})
    n = {x["id"]: x for x in u.notes()}
    check(n[a]["notify_tag"] == "T1" and n[a]["notify_sub_tag"] == "S|1", n[a])
    check(u.ok("im.notify.delete", {"ID": d}) is True)
    check(d not in [x["id"] for x in u.notes()])
    u.ok("im.notify.delete", {"TAG": "T3"})
    check(sorted(x["id"] for x in u.notes()) == [a, b])
    u.ok("im.notify.delete", {"SUB_TAG": "S|1"})
    check(u.notes() == [] and u.unread() == 0)
    b = fails(u.base, "im.notify.delete", {}, "PARAMS_ERROR")
    check(b["error_description"] == "Error deleting notification", b)
    fails(u.base, "im.notify.delete", {"ID": d}, "PARAMS_ERROR")  # gone already
    # a new notification with a tag replaces the recipient's earlier one with it
    e = admin("im.notify.personal.add", {"USER_ID": u.id, "MESSAGE": "old", "TAG": "SAME"})
    f = admin("im.notify.personal.add", {"USER_ID": u.id, "MESSAGE": "new", "TAG": "SAME"})
    check([(x["id"], x["text"]) for x in u.notes()] == [(f, "new")], e, u.notes())


@test
def personal_system_and_im_notify_send():
    u = fresh_user("Sender")
    p = bob.ok("im.notify.personal.add", {"USER_ID": u.id, "MESSAGE": "  от Боба  "})
    s = bob.ok("im.notify.system.add", {"USER_ID": u.id, "MESSAGE": "системное", "ATTACH": [{"MESSAGE": "x"}]})
    i = bob.ok("im.notify", {"USER_ID": u.id, "MESSAGE": "тип по умолчанию"})
    j = bob.ok("im.notify", {"USER_ID": u.id, "MESSAGE": "системное 2", "TYPE": "SYSTEM"})
    n = {x["id"]: x for x in u.ok("im.notify.get")["notifications"]}
    check(n[p]["author_id"] == bob.id and n[p]["notify_type"] == 2 and n[p]["text"] == "от Боба", n[p])
    check(n[p]["notify_module"] == "rest" and n[p]["notify_event"] == "rest_notify", n[p])
    check(n[s]["author_id"] == 0 and n[s]["notify_type"] == 4, n[s])
    check(n[s]["params"] == {"ATTACH": [{"MESSAGE": "x"}]}, n[s])
    check(n[i]["notify_type"] == 2 and n[j]["notify_type"] == 4 and n[j]["author_id"] == 0, n[i], n[j])
    users = u.ok("im.notify.get")["users"]
    check([x["id"] for x in users] == [bob.id] and users[0]["name"] == "Боб Тестов", users)
    check(users[0]["first_name"] == "Боб" and users[0]["type"] == "user" and users[0]["active"] is True, users)
    # CONVERT_TEXT: BB code as HTML, everything else escaped
    h = bob.ok("im.notify.personal.add", {"USER_ID": u.id, "MESSAGE": "[B]жирный[/B] <i>&[URL=/#/deal/list]ссылка[/URL]"})
    conv = {x["id"]: x for x in u.notes(CONVERT_TEXT="Y")}[h]["text"]
    check(conv == '<b>жирный</b> &lt;i&gt;&amp;<a href="/#/deal/list" target="_blank">ссылка</a>', conv)
    check({x["id"]: x for x in u.notes()}[h]["text"].startswith("[B]жирный[/B]"))
    # refusals and a recipient who is not there
    b = fails(bob.base, "im.notify.personal.add", {"MESSAGE": "x"}, "USER_ID_EMPTY")
    check(b["error_description"] == "User ID can't be empty", b)
    b = fails(bob.base, "im.notify.system.add", {"USER_ID": u.id, "MESSAGE": "  "}, "MESSAGE_EMPTY")
    check(b["error_description"] == "Message can't be empty", b)
    fails(bob.base, "im.notify", {"USER_ID": 0, "MESSAGE": "x"}, "USER_ID_EMPTY")
    fails(bob.base, "im.notify.personal.add", {"USER_ID": u.id, "MESSAGE": "x", "ATTACH": "не json"}, "ATTACH_ERROR")
    fails(bob.base, "im.notify.personal.add", {"USER_ID": u.id, "MESSAGE": "x",
                                               "ATTACH": [{"MESSAGE": "я" * 20000}]}, "ATTACH_OVERSIZE")
    check(bob.ok("im.notify.personal.add", {"USER_ID": 999999, "MESSAGE": "никому"}) is False)


@test
def history_search():
    u = fresh_user("Searcher")
    admin("im.notify.personal.add", {"USER_ID": u.id, "MESSAGE": "Счёт на оплату №1"})
    admin("im.notify.personal.add", {"USER_ID": u.id, "MESSAGE": "другое"})
    admin("crm.lead.add", {"fields": {"TITLE": "Лид для поиска", "ASSIGNED_BY_ID": u.id}})
    r = u.ok("im.notify.history.search", {"SEARCH_TEXT": "СЧЁТ"})
    check(r["total_results"] == 1 and r["notifications"][0]["text"] == "Счёт на оплату №1", r)
    check(r["chat_id"] == u.id and [x["id"] for x in r["users"]] == [1], r)
    r = u.ok("im.notify.history.search", {"SEARCH_TYPE": "crm|changeAssignedBy"})
    check(r["total_results"] == 1 and r["notifications"][0]["notify_module"] == "crm", r)
    r = u.ok("im.notify.history.search", {"SEARCH_TYPES": ["rest"], "LIMIT": 1})
    check(r["total_results"] == 2 and len(r["notifications"]) == 1, r)
    r2 = u.ok("im.notify.history.search", {"SEARCH_TYPES": ["rest"], "LAST_ID": r["notifications"][0]["id"]})
    check("total_results" not in r2 and [x["text"] for x in r2["notifications"]] == ["Счёт на оплату №1"], r2)
    today = time.strftime("%Y-%m-%d")
    check(u.ok("im.notify.history.search", {"SEARCH_DATE": today + "T12:00:00+00:00"})["total_results"] >= 0)
    check(u.ok("im.notify.history.search", {"SEARCH_AUTHORS": [1]})["total_results"] == 3)
    b = fails(u.base, "im.notify.history.search", {"SEARCH_TEXT": "ab"}, "SEARCH_TEXT_ERROR")
    check(b["error_description"] == "SEARCH_TEXT can't be less than 3 symbols", b)
    fails(u.base, "im.notify.history.search", {"SEARCH_TEXT": "оплата", "LAST_ID": "x"}, "LAST_ID_STRING")
    fails(u.base, "im.notify.history.search", {"SEARCH_DATE": "вчера"}, "ERROR_ARGUMENT")


@test
def a_user_never_reaches_another_users_notifications():
    a = fresh_user("Owner")
    b = fresh_user("Intruder")
    mine = admin("im.notify.personal.add", {"USER_ID": a.id, "MESSAGE": "личное"})
    check(b.notes() == [] and b.unread() == 0)
    b.ok("im.notify.read", {"ID": mine, "ONLY_CURRENT": "Y"})
    b.ok("im.notify.read", {"ID": 1})
    b.ok("im.notify.read.list", {"IDS": [mine]})
    b.ok("im.notify.read.all")
    check(a.unread() == 1, "another user's mark reached A")
    fails(b.base, "im.notify.delete", {"ID": mine}, "PARAMS_ERROR")
    admin("im.notify.personal.add", {"USER_ID": a.id, "MESSAGE": "с тегом", "TAG": "PRIV", "SUB_TAG": "PRIV|S"})
    b.ok("im.notify.delete", {"TAG": "PRIV"})
    b.ok("im.notify.delete", {"SUB_TAG": "PRIV|S"})
    check(len(a.notes()) == 2, a.notes())
    check(b.ok("im.notify.history.search", {"SEARCH_TEXT": "личное"})["total_results"] == 0)
    # a webhook without the im scope may not call them; one with im alone may
    crm_only = User("CrmOnly", scope="crm")
    fails(crm_only.base, "im.notify.get", {}, "insufficient_scope", 403)
    im_only = User("ImOnly", scope="im")
    check(im_only.ok("im.counters.get")["TYPE"]["NOTIFY"] == 0)


# ---- the live stream --------------------------------------------------------------------------

class Stream:
    """An open /events response read event by event (as tests/api/test_events.py does)."""

    def __init__(self, path):
        self.c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
        self.c.request("GET", path)
        self.sock = self.c.sock
        self.r = self.c.getresponse()
        check(self.r.status == 200, self.r.status)
        self.next(want=None, timeout=5)  # the preamble

    def next(self, want="notify", timeout=2.0):
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            ev = {}
            try:
                while True:
                    line = self.r.readline()
                    if not line:
                        return None
                    line = line.decode("utf-8").rstrip("\r\n")
                    if line == "":
                        break
                    if line.startswith(":"):
                        continue
                    k, _, v = line.partition(":")
                    ev[k] = v[1:] if v.startswith(" ") else v
            except (TimeoutError, OSError):
                return None
            if ev and (want is None or ev.get("event") == want):
                return ev

    def notify(self, timeout=2.0):
        ev = self.next("notify", timeout)
        return json.loads(ev["data"]) if ev else None

    def close(self):
        self.r.close()
        self.sock.close()
        self.c.close()


@test
def the_stream_tells_the_recipient_only():
    a = fresh_user("StreamA")
    b = fresh_user("StreamB")
    sa, sb = Stream(a.events), Stream(b.events)
    nid = admin("im.notify.personal.add", {"USER_ID": b.id, "MESSAGE": "живое"})
    t0 = time.time()
    check(sb.notify(1.5) == {"id": nid, "action": "add", "userId": b.id}, "B's stream")
    check(time.time() - t0 < 1.5)
    b.ok("im.notify.read", {"ID": nid, "ONLY_CURRENT": "Y"})
    check(sb.notify() == {"id": nid, "action": "read", "userId": b.id})
    b.ok("im.notify.read.list", {"IDS": [nid], "ACTION": "N"})
    check(sb.notify() == {"id": nid, "action": "unread", "userId": b.id})
    b.ok("im.notify.read.all")
    check(sb.notify() == {"id": 0, "action": "read", "userId": b.id})
    b.ok("im.notify.delete", {"ID": nid})
    check(sb.notify() == {"id": nid, "action": "delete", "userId": b.id})
    # a CRM assignment: B's stream has the notification, and the crm event as before
    admin("crm.deal.add", {"fields": {"TITLE": "Живая сделка", "ASSIGNED_BY_ID": b.id}})
    ev = sb.notify()
    check(ev and ev["action"] == "add" and ev["id"] == b.newest()["id"], ev)
    # A's stream heard none of it (its crm events are its own affair)
    check(sa.notify(0.8) is None, "A's stream saw B's notification")
    # a webhook with crm alone gets crm events but no notifications; im alone the reverse
    c_only = User("StreamCrm", scope="crm")
    i_only = User("StreamIm", scope="im")
    sc, si = Stream(c_only.events), Stream(i_only.events)
    admin("crm.deal.add", {"fields": {"TITLE": "Для im", "ASSIGNED_BY_ID": i_only.id}})
    check(si.notify() is not None, "the im-only stream has its notification")
    check(si.next("crm", 0.8) is None, "the im-only stream has a crm event")
    admin("crm.deal.add", {"fields": {"TITLE": "Для crm", "ASSIGNED_BY_ID": c_only.id}})
    check(sc.next("crm", 1.5) is not None, "the crm-only stream lacks its crm event")
    check(sc.notify(0.8) is None, "the crm-only stream has a notification")
    for s in (sa, sb, sc, si):
        s.close()


run()
