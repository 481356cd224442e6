"""Portal settings (P5): defaults, validation, admin-only changes, all-or-nothing saves."""
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from harness import Server, test, run, check

srv = Server()


@test
def defaults():
    st, body = srv.call("voronka.portal.settings.get")
    r = body["result"]
    check(st == 200 and r["CURRENCY"] == "RUB" and r["TIME_ZONE"] == "Europe/Moscow", body)
    check(r["WORK_DAYS"] == ["MO", "TU", "WE", "TH", "FR"] and r["WORK_TIME_START"] == "09:00", r)


@test
def set_and_read_back():
    fields = {"COMPANY_NAME": "ООО «Ромашка»", "CURRENCY": "USD", "TIME_ZONE": "Asia/Yekaterinburg",
              "WORK_DAYS": ["MO", "TU", "WE", "TH", "FR", "SA"], "WORK_TIME_START": "08:30",
              "HOLIDAYS": ["01.01", "2026-12-31"], "LANGUAGE": "en"}
    st, body = srv.call("voronka.portal.settings.set", {"fields": fields})
    check(st == 200 and body["result"] is True, st, body)
    st, body = srv.call("voronka.portal.settings.get")
    for k, v in fields.items():
        check(body["result"][k] == v, k, body["result"][k])


@test
def bad_values_change_nothing():
    st, before = srv.call("voronka.portal.settings.get")
    for fields, word in (({"CURRENCY": "rubles"}, "CURRENCY"), ({"TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE"),
                         ({"TIME_ZONE": "../../etc/passwd"}, "TIME_ZONE"), ({"WORK_DAYS": ["XX"]}, "WORK_DAYS"),
                         ({"WORK_TIME_END": "25:00"}, "WORK_TIME_END"), ({"HOLIDAYS": ["31.13"]}, "HOLIDAYS"),
                         ({"NOPE": 1}, "NOPE"), ({"COMPANY_NAME": "ok", "CURRENCY": "x"}, "CURRENCY")):
        st, body = srv.call("voronka.portal.settings.set", {"fields": fields})
        check(st == 400 and body["error"] == "ERROR_ARGUMENT" and word in body["error_description"], fields, body)
    st, after = srv.call("voronka.portal.settings.get")
    check(before["result"] == after["result"], before, after)


run()
