#!/usr/bin/env python3
"""test_user_option.py — an application's saved options against the real binary:
user.option.set/get (each user's own, as the web UI keeps list columns and filter presets) and
app.option.set/get (the same for everyone, written by administrators): JSON types kept, the
single-option and all-options forms, overwrite, isolation between users, and the refusals
Bitrix24 answers (empty options, webhooks outside an application, non-administrators)."""
import os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, Session, test, run, check, voronka, ADMIN_EMAIL, ADMIN_PASSWORD  # noqa: E402

srv = Server()
voronka("user", "add", "--data", srv.data, "--email", "anna@example.com", "--password", "Anna-pass-1")
voronka("user", "add", "--data", srv.data, "--email", "boris@example.com", "--password", "Boris-pass-1")
admin = Session(srv, ADMIN_EMAIL, ADMIN_PASSWORD)
anna = Session(srv, "anna@example.com", "Anna-pass-1")
boris = Session(srv, "boris@example.com", "Boris-pass-1")


def ok(sess, method, params=None):
    st, body = sess.call(method, params)
    check(st == 200 and "result" in body, method, params, st, body)
    return body["result"]


def err(sess, method, params, status, code):
    st, body = sess.call(method, params)
    check(st == status and body.get("error") == code, method, params, st, body)
    return body


@test
def nothing_saved_reads_as_empty_array_and_null():
    check(ok(anna, "user.option.get") == [], "PHP's empty array")
    check(ok(anna, "user.option.get", {"option": "crm.list.deal.columns"}) is None)


@test
def values_keep_their_json_types():
    cols = ["ID", "TITLE", "STAGE_ID", "OPPORTUNITY"]
    presets = [{"name": "Мои сделки", "filter": {"ASSIGNED_BY_ID": 2, ">OPPORTUNITY": 1000}}]
    check(ok(anna, "user.option.set", {"options": {"crm.list.deal.columns": cols,
                                                    "crm.list.deal.presets": presets,
                                                    "compact": True, "page": 50, "note": "текст"}}) is True)
    check(ok(anna, "user.option.get", {"option": "crm.list.deal.columns"}) == cols)
    check(ok(anna, "user.option.get", {"option": "crm.list.deal.presets"}) == presets)
    every = ok(anna, "user.option.get")
    check(every == {"crm.list.deal.columns": cols, "crm.list.deal.presets": presets, "compact": True,
                    "page": 50, "note": "текст"}, every)


@test
def set_overwrites_only_the_keys_given():
    ok(anna, "user.option.set", {"options": {"a": 1, "b": 2}})
    ok(anna, "user.option.set", {"options": {"b": "", "c": [3]}})
    got = ok(anna, "user.option.get")
    check(got["a"] == 1 and got["b"] == "" and got["c"] == [3], "an empty value stays, empty", got)


@test
def parameters_without_options_are_the_options():
    ok(boris, "user.option.set", {"theme": "dark"})
    check(ok(boris, "user.option.get", {"option": "theme"}) == "dark")


@test
def each_user_sees_only_their_own():
    ok(boris, "user.option.set", {"options": {"crm.list.deal.columns": ["ID"]}})
    check(ok(boris, "user.option.get", {"option": "crm.list.deal.columns"}) == ["ID"])
    check(ok(anna, "user.option.get", {"option": "crm.list.deal.columns"}) != ["ID"])
    check("theme" not in ok(anna, "user.option.get"))


@test
def a_user_option_is_kept_across_sign_ins():
    ok(anna, "user.option.set", {"options": {"kept": {"x": [1, 2]}}})
    again = Session(srv, "anna@example.com", "Anna-pass-1")
    check(ok(again, "user.option.get", {"option": "kept"}) == {"x": [1, 2]})


@test
def app_options_are_shared_and_admin_written():
    check(ok(admin, "app.option.set", {"options": {"portal.color": "#2fc6f6"}}) is True)
    check(ok(anna, "app.option.get", {"option": "portal.color"}) == "#2fc6f6")
    check(ok(boris, "app.option.get") == {"portal.color": "#2fc6f6"})
    err(anna, "app.option.set", {"options": {"portal.color": "red"}}, 403, "ACCESS_DENIED")
    check(ok(boris, "app.option.get", {"option": "portal.color"}) == "#2fc6f6", "unchanged")
    # app options and the admin's own are apart
    ok(admin, "user.option.set", {"options": {"portal.color": "mine"}})
    check(ok(admin, "app.option.get", {"option": "portal.color"}) == "#2fc6f6")


@test
def refusals():
    err(anna, "user.option.set", {"options": {}}, 400, "ERROR_ARGUMENT")
    err(anna, "user.option.set", {}, 400, "ERROR_ARGUMENT")
    err(anna, "user.option.set", {"options": "text"}, 400, "ERROR_ARGUMENT")
    err(anna, "user.option.set", {"options": {"x" * 300: 1}}, 400, "ERROR_ARGUMENT")
    err(anna, "user.option.set", {"options": {"big": "x" * 70000}}, 400, "ERROR_ARGUMENT")
    err(anna, "user.option.get", {"option": {"a": 1}}, 400, "ERROR_ARGUMENT")
    check("big" not in ok(anna, "user.option.get"), "nothing of a refused call is saved")
    # an inbound webhook is not an application: Bitrix24's refusal
    for m in ("user.option.get", "user.option.set", "app.option.get"):
        st, body = srv.call(m, {"options": {"a": 1}})
        check(st == 403 and body["error"] == "ACCESS_DENIED" and "Application context" in body["error_description"],
              m, st, body)


@test
def form_encoded_values_arrive_as_strings():
    h = {"Cookie": anna.cookie, "X-CSRF-Token": anna.csrf, "Content-Type": "application/x-www-form-urlencoded"}
    st, _, _ = srv.request("POST", "/rest/user.option.set", b"options%5Bcount%5D=5", h)
    check(st == 200, st)
    check(ok(anna, "user.option.get", {"option": "count"}) == "5")


if __name__ == "__main__":
    run()
