"""test_crm_card.py — card layouts (C2) against the real binary: crm.item.details.configuration.*
and the legacy crm.deal.details.configuration.* — common and personal layouts per type and
pipeline, the personal one winning, reset, forceCommonScopeForAll, validation, and that only
those allowed to change settings write the common layout."""
import os, re, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, test, run, check, voronka  # noqa: E402

srv = Server()

LAYOUT = [{"name": "main", "title": "О сделке", "type": "section",
           "elements": [{"name": "TITLE"}, {"name": "OPPORTUNITY", "title": "Сумма"}, {"name": "STAGE_ID"}]},
          {"name": "extra", "title": "Ещё", "type": "section", "elements": [{"name": "COMMENTS"}]}]


def ok(method, params=None, path=None):
    st, body = srv.call(method, params, path=path)
    check(st == 200 and "result" in body, method, params, st, body)
    return body["result"]


def manager():
    uid = ok("user.add", {"EMAIL": "card.manager@example.com", "NAME": "Пётр"})
    out = voronka("webhook", "add", "--data", srv.data, "--user", str(uid)).stdout
    m = re.search(r"(/rest/\d+/[A-Za-z0-9]+/)", out)
    return uid, m.group(1)


@test
def common_and_personal_layouts():
    check(ok("crm.item.details.configuration.get", {"entityTypeId": 2, "scope": "C"}) is None)
    ok("crm.item.details.configuration.set", {"entityTypeId": 2, "scope": "C", "data": LAYOUT})
    got = ok("crm.item.details.configuration.get", {"entityTypeId": 2, "scope": "C"})
    check([s["name"] for s in got] == ["main", "extra"], got)
    check([e["name"] for e in got[0]["elements"]] == ["TITLE", "OPPORTUNITY", "STAGE_ID"], got)
    check(got[0]["elements"][1]["title"] == "Сумма" and got[0]["title"] == "О сделке", got)
    # the legacy method reads the same layout
    check(ok("crm.deal.details.configuration.get", {"scope": "C"}) == got)
    # another pipeline has its own
    check(ok("crm.item.details.configuration.get", {"entityTypeId": 2, "scope": "C",
                                                    "extras": {"categoryId": 7}}) is None)
    uid, hook = manager()
    # a manager sees the common layout until they make their own
    check(ok("crm.item.details.configuration.get", {"entityTypeId": 2}, path=hook + "crm.item.details.configuration.get") == got)
    mine = [{"name": "main", "title": "Моё", "type": "section", "elements": [{"name": "TITLE"}]}]
    ok("crm.item.details.configuration.set", {"entityTypeId": 2, "scope": "P", "data": mine},
       path=hook + "crm.item.details.configuration.set")
    check(ok("crm.item.details.configuration.get", {"entityTypeId": 2}, path=hook + "crm.item.details.configuration.get")[0]["title"] == "Моё")
    check(ok("crm.item.details.configuration.get", {"entityTypeId": 2})[0]["title"] == "О сделке", "the admin keeps the common one")
    # the manager may not write the common layout, nor another user's
    for params in ({"entityTypeId": 2, "scope": "C", "data": mine}, {"entityTypeId": 2, "scope": "P", "userId": 1, "data": mine}):
        st, body = srv.call("crm.item.details.configuration.set", params, path=hook + "crm.item.details.configuration.set")
        check(st == 403 and body["error"] == "ACCESS_DENIED", st, body)
    # forcing the common layout drops the personal ones
    ok("crm.item.details.configuration.forceCommonScopeForAll", {"entityTypeId": 2})
    check(ok("crm.item.details.configuration.get", {"entityTypeId": 2}, path=hook + "crm.item.details.configuration.get") == got)
    ok("crm.item.details.configuration.reset", {"entityTypeId": 2, "scope": "C"})
    check(ok("crm.item.details.configuration.get", {"entityTypeId": 2, "scope": "C"}) is None)


@test
def refusals():
    for params, mention in (({"entityTypeId": 9, "data": LAYOUT}, "entityTypeId"),
                            ({"entityTypeId": 2, "scope": "X", "data": LAYOUT}, "scope"),
                            ({"entityTypeId": 2, "data": "text"}, "data"),
                            ({"entityTypeId": 2, "data": [{"title": "no name"}]}, "name"),
                            ({"entityTypeId": 2, "data": [{"name": "a b"}]}, "name"),
                            ({"entityTypeId": 2, "data": [{"name": "s", "elements": [{"name": "<script>"}]}]}, "field code"),
                            ({"entityTypeId": 2, "data": [{"name": "s", "title": "x" * 300}]}, "title"),
                            ({"entityTypeId": 2, "data": [{"name": f"s{i}"} for i in range(60)]}, "at most")):
        st, body = srv.call("crm.item.details.configuration.set", params)
        check(st == 400 and body["error"] == "ERROR_ARGUMENT" and mention in body["error_description"], params, body)


run()
