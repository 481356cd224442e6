"""test_crm_search.py — voronka.crm.search (the top-bar search over leads, deals, contacts and
companies) against the real binary: items made through crm.*.add are found by part of a name in
Cyrillic in any case, by a phone typed any way, by e-mail; edits re-index them, deletes drop
them; FTS5 syntax typed by a user is searched for as text and never fails the call."""
import os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, test, run, check  # noqa: E402

srv = Server()


ok = srv.ok  # the whole envelope


fails = srv.fails


def search(query, **params):
    return ok("voronka.crm.search", dict({"query": query}, **params))["result"]


def keys(hits):
    return [(h["entityTypeId"], h["id"]) for h in hits]


def phone(v, t="WORK"):
    return [{"VALUE": v, "VALUE_TYPE": t}]


CONTACT = ok("crm.contact.add", {"fields": {
    "NAME": "Иннокентий", "LAST_NAME": "Смоктуновский", "SECOND_NAME": "Михайлович", "POST": "Главный инженер",
    "PHONE": phone("+7 (916) 123-45-67"), "EMAIL": phone("Kesha.Smok@Example.COM")}})["result"]
COMPANY = ok("crm.company.add", {"fields": {"TITLE": "ООО «Гиперборея»", "PHONE": phone("8 495 765-43-21"),
                                            "EMAIL": phone("info@hyperborea.test")}})["result"]
LEAD = ok("crm.lead.add", {"fields": {"TITLE": "Заявка с сайта", "NAME": "Пётр", "LAST_NAME": "Ёлкин",
                                      "COMPANY_TITLE": "Гиперборея-Трейд", "STATUS_ID": "NEW"}})["result"]
DEAL = ok("crm.deal.add", {"fields": {"TITLE": "Поставка турбины Смоктуновскому", "CONTACT_ID": CONTACT}})["result"]


@test
def result_shape():
    h = search("Смоктуновский")
    check(keys(h) == [(3, CONTACT)], h)  # "Смоктуновскому" in the deal's title is another word
    c = h[0]
    check(set(c) == {"entityTypeId", "id", "type", "title", "subtitle", "match"}, c)
    check(c["type"] == "CONTACT" and c["title"] == "Иннокентий Михайлович Смоктуновский", c)
    check("Главный инженер" in c["subtitle"] and c["match"] is None, c)
    check(set(keys(search("смоктуновск"))) == {(3, CONTACT), (2, DEAL)})
    d = search("турбин")
    check(keys(d) == [(2, DEAL)], d)
    check(d[0]["type"] == "DEAL" and d[0]["title"] == "Поставка турбины Смоктуновскому", d)
    lead = search("Заявка")[0]
    check(lead["id"] == LEAD and lead["type"] == "LEAD" and "Пётр Ёлкин" in lead["subtitle"], lead)
    check("Гиперборея-Трейд" in lead["subtitle"], lead)


@test
def cyrillic_any_case_and_part_of_a_word():
    for q in ("иннокентий", "ИННОКЕНТИЙ", "иНнОк", "смокт", "Инн Смо", "михайлович"):
        check((3, CONTACT) in keys(search(q)), q)
    check(keys(search("гиперб", entityTypeIds=[4])) == [(4, COMPANY)])
    # the company's own title outranks the lead that only names it in COMPANY_TITLE
    check(keys(search("Гиперборея"))[:2] == [(4, COMPANY), (1, LEAD)], search("Гиперборея"))
    # ё and е are the same letter to the search
    check((1, LEAD) in keys(search("петр елкин")), search("петр елкин"))
    check((1, LEAD) in keys(search("ЁЛКИН")))
    check(search("Смоктуновскийй") == [])  # more than a prefix: nothing
    check(search("кентий") == [])  # a word is found by its beginning, not its middle


@test
def phone_in_any_formatting():
    for q in ("+7 (916) 123-45-67", "+79161234567", "79161234567", "89161234567", "8 916 123 45 67",
              "9161234567", "916 123-45-67", "(916) 123", "8916", "123-45-67"):
        h = search(q)
        check((3, CONTACT) in keys(h), q, h)
        hit = [x for x in h if x["id"] == CONTACT and x["entityTypeId"] == 3][0]
        check(hit["match"] == {"type": "PHONE", "value": "+7 (916) 123-45-67"}, q, hit)
    for q in ("84957654321", "+7 495 765 43 21", "4957654321", "765-43-21"):
        check(keys(search(q)) == [(4, COMPANY)], q, search(q))
    check(search("+7 (999) 000-00-00") == [])


@test
def email():
    for q in ("kesha.smok@example.com", "KESHA.SMOK@EXAMPLE.COM", "kesha.smok", "smok@exam", "Kesha"):
        h = search(q)
        check((3, CONTACT) in keys(h), q, h)
        hit = [x for x in h if x["id"] == CONTACT and x["entityTypeId"] == 3][0]
        check(hit["match"] == {"type": "EMAIL", "value": "Kesha.Smok@Example.COM"}, q, hit)
    check(keys(search("info@hyperborea.test")) == [(4, COMPANY)])


@test
def types_and_limit():
    check(all(h["entityTypeId"] == 3 for h in search("смоктуновск", entityTypeIds=[3])))
    check(keys(search("смоктуновск", entityTypeIds=[2])) == [(2, DEAL)])
    check(set(keys(search("смоктуновск", entityTypeIds=[2, 3]))) == {(2, DEAL), (3, CONTACT)})
    check(keys(search("смоктуновск", entityTypeIds=2)) == [(2, DEAL)])
    check(search("смоктуновск", entityTypeIds=[1, 4]) == [])
    ids = [ok("crm.company.add", {"fields": {"TITLE": f"Лимитная компания {i}"}})["result"] for i in range(60)]
    check(len(search("лимитная")) == 20)  # the default
    check(len(search("лимитная", limit=5)) == 5)
    check(len(search("лимитная", limit=500)) == 50)  # at most 50
    st, body = srv.call("voronka.crm.search", {"query": "лимитная", "entityTypeIds": [4], "limit": 7}, via="form")
    check(st == 200 and len(body["result"]) == 7, body)
    st, body = srv.call("voronka.crm.search", {"query": "лимитная", "limit": 3}, via="get")
    check(st == 200 and len(body["result"]) == 3, body)
    for i in ids:
        ok("crm.company.delete", {"id": i})
    check(search("лимитная") == [])


@test
def edits_reindex_and_deletes_drop():
    cid = ok("crm.contact.add", {"fields": {"NAME": "Аполлинария", "LAST_NAME": "Суслова"}})["result"]
    check(keys(search("аполлинария")) == [(3, cid)])
    ok("crm.contact.update", {"id": cid, "fields": {"NAME": "Полина"}})
    check(search("аполлинария") == [])
    check(keys(search("полина суслова")) == [(3, cid)])
    ok("crm.contact.update", {"id": cid, "fields": {"PHONE": phone("+7 903 555-12-34", "MOBILE")}})
    h = search("89035551234")
    check(keys(h) == [(3, cid)] and h[0]["match"]["value"] == "+7 903 555-12-34", h)
    did = ok("crm.deal.add", {"fields": {"TITLE": "Уникальный заказ Зюзякина"}})["result"]
    check(keys(search("зюзякин")) == [(2, did)])
    ok("crm.deal.update", {"id": did, "fields": {"TITLE": "Обычный заказ"}})
    check(search("зюзякин") == [])
    ok("crm.contact.delete", {"id": cid})
    ok("crm.deal.delete", {"id": did})
    check(search("суслова") == [] and search("89035551234") == [] and search("обычный заказ") == [])


@test
def fts_syntax_is_text():
    qid = ok("crm.company.add", {"fields": {"TITLE": "Кавычки \"Рога и копыта\" (холдинг) AND NOT OR"}})["result"]
    for q in ("AND", "OR", "NOT", "NEAR", "\"", "\"\"", "'", "*", "**", "(", ")", "()", "-", "+", "^", ":", "{", "}",
              "иннокентий*", "\"иннокентий", "иннокентий OR смоктуновский", "иннокентий AND", "NOT иннокентий",
              "NEAR(иннокентий смоктуновский)", "title:иннокентий", "{title body}:иннокентий", "^иннокентий",
              "body : x", "a\"b", "\\", "%", "_", "'; DROP TABLE crm_search; --", "😀", "—", "«»",
              " ", "", "\t\n", "x" * 999, "а " * 40):
        st, body = srv.call("voronka.crm.search", {"query": q})
        check(st == 200 and isinstance(body.get("result"), list), repr(q), st, body)
    # operators typed as words are words: they find the company that has them in its title
    check((4, qid) in keys(search("AND NOT OR")), search("AND NOT OR"))
    check(keys(search("\"рога и копыта\"")) == [(4, qid)])
    check(keys(search("(холдинг)")) == [(4, qid)])
    check(search("иннокентий OR смоктуновский") == [])  # OR is a word every result must have
    check((3, CONTACT) in keys(search("иннокентий*")) and (3, CONTACT) in keys(search("^иннокентий")))
    check(search("") == [] and search("   ") == [] and search("*") == [])
    ok("crm.company.delete", {"id": qid})


@test
def refusals():
    fails("voronka.crm.search", {}, "ERROR_ARGUMENT", mentions="query")
    fails("voronka.crm.search", {"query": ["a"]}, "ERROR_ARGUMENT", mentions="query")
    fails("voronka.crm.search", {"query": {"a": 1}}, "ERROR_ARGUMENT", mentions="query")
    fails("voronka.crm.search", {"query": "x" * 1001}, "ERROR_ARGUMENT", mentions="query")
    fails("voronka.crm.search", {"query": "x", "limit": 0}, "ERROR_ARGUMENT", mentions="limit")
    fails("voronka.crm.search", {"query": "x", "limit": "many"}, "ERROR_ARGUMENT", mentions="limit")
    fails("voronka.crm.search", {"query": "x", "entityTypeIds": [7]}, "ERROR_ARGUMENT", mentions="entityTypeIds")
    fails("voronka.crm.search", {"query": "x", "entityTypeIds": ["deal"]}, "ERROR_ARGUMENT", mentions="entityTypeIds")


run()
