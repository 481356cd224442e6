#!/usr/bin/env python3
"""test_auth.py — sign-in (P3): the sign-in page, the session cookie and its CSRF token, logout,
throttling of failed sign-ins, inbound webhooks (URL forms, wrong secret, revoked, scopes) and
voronka.webhook.*, and HTTPS with a Secure cookie."""
import json, os, re, sys, tempfile, urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, test, run, check, voronka, ADMIN_EMAIL, ADMIN_PASSWORD

srv = Server()
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def form(**kw):
    return urllib.parse.urlencode(kw).encode()


def login(login_name, password, server=srv, extra=None, headers=None):
    """POST /login; returns (status, headers, body text)."""
    fields = {"login": login_name, "password": password}
    fields.update(extra or {})
    st, h, body = server.request("POST", "/login", form(**fields), dict(FORM, **(headers or {})))
    return st, h, body.decode("utf-8", "replace")


def session_cookie(h):
    m = re.match(r"voronka_sid=([0-9a-f]+)", h.get("set-cookie", ""))
    return m.group(1) if m else None


def sign_in(login_name=ADMIN_EMAIL, password=ADMIN_PASSWORD, server=srv):
    """Sign in; returns (cookie value, csrf token read from the index page's meta tag)."""
    st, h, _ = login(login_name, password, server)
    check(st == 303, st, h)
    sid = session_cookie(h)
    check(sid, h)
    st, _, body = server.request("GET", "/", headers={"Cookie": f"voronka_sid={sid}"})
    check(st == 200, st)
    m = re.search(r'<meta name="csrf-token" content="([0-9a-f]+)">', body.decode())
    check(m, body[:400])
    return sid, m.group(1)


def rest_cookie(method, sid, csrf=None, params=None, server=srv):
    h = {"Cookie": f"voronka_sid={sid}", "Content-Type": "application/json"}
    if csrf:
        h["X-CSRF-Token"] = csrf
    st, _, data = server.request("POST", f"/rest/{method}", json.dumps(params or {}).encode(), h)
    return st, json.loads(data)


def new_user(email, password, admin=False):
    args = ["user", "add", "--data", srv.data, "--email", email, "--password", password]
    if admin:
        args.append("--admin")
    voronka(*args)


# ---- the sign-in page ----

@test
def login_page_renders():
    st, h, body = srv.request("GET", "/login")
    check(st == 200, st)
    check(h["content-type"].startswith("text/html"), h)
    text = body.decode()
    check('name="login"' in text and 'name="password"' in text and 'name="next"' in text, text[:500])
    check('action="/login"' in text and 'method="post"' in text, text[:500])
    check('lang="ru"' in text and "Войти" in text, "Russian by default")
    check("frame-ancestors 'none'" in h.get("content-security-policy", ""), h)


@test
def login_page_english_by_accept_language():
    _, _, body = srv.request("GET", "/login", headers={"Accept-Language": "en-US,en;q=0.9,ru;q=0.3"})
    check('lang="en"' in body.decode() and "Sign in" in body.decode(), body[:300])
    _, _, body = srv.request("GET", "/login", headers={"Accept-Language": "de-DE,ru;q=0.8,en;q=0.5"})
    check('lang="ru"' in body.decode(), body[:300])


@test
def login_page_escapes_next():
    q = urllib.parse.quote('/x"><script>alert(1)</script>')
    _, _, body = srv.request("GET", "/login?next=" + q)
    text = body.decode()
    check("<script>" not in text, text)
    # anything that is not a plain local path becomes "/"
    for bad in ["//evil.example/", "https://evil.example/", "/\\evil.example"]:
        _, _, body = srv.request("GET", "/login?next=" + urllib.parse.quote(bad))
        check('name="next" value="/"' in body.decode(), bad)
    _, _, body = srv.request("GET", "/login?next=%2Fdeals%3Fid%3D5")
    check('name="next" value="/deals?id=5"' in body.decode(), body.decode()[-400:])


# ---- signing in ----

@test
def wrong_password_is_401_without_cookie():
    st, h, body = login(ADMIN_EMAIL, "not-the-password")
    check(st == 401, st)
    check("set-cookie" not in h, h)
    check('role="alert"' in body, body[:600])
    check(ADMIN_EMAIL in body, "the login is kept in the form")


@test
def unknown_login_is_401():
    st, h, _ = login("nobody@example.com", "whatever")
    check(st == 401 and "set-cookie" not in h, st, h)


@test
def right_password_sets_cookie():
    st, h, _ = login(ADMIN_EMAIL.upper(), ADMIN_PASSWORD, extra={"next": "/deals"})
    check(st == 303, st)
    check(h.get("location") == "/deals", h)
    c = h.get("set-cookie", "")
    check(re.match(r"voronka_sid=[0-9a-f]{64};", c), c)
    check("HttpOnly" in c and "SameSite=Lax" in c and "Path=/" in c, c)
    check("Secure" not in c, "plain HTTP on loopback: no Secure", c)


@test
def external_next_is_not_followed():
    st, h, _ = login(ADMIN_EMAIL, ADMIN_PASSWORD, extra={"next": "//evil.example/x"})
    check(st == 303 and h.get("location") == "/", st, h)


@test
def last_login_is_recorded():
    sign_in()
    st, body = srv.call("user.get", {"ID": 1})
    check(st == 200, st, body)
    check(body["result"][0].get("LAST_LOGIN"), body)


@test
def index_redirects_when_signed_out():
    st, h, _ = srv.request("GET", "/")
    check(st == 303 and h.get("location") == "/login", st, h)
    st, h, _ = srv.request("GET", "/", headers={"Cookie": "voronka_sid=" + "0" * 64})
    check(st == 303 and h.get("location") == "/login", st, h)


@test
def index_shows_user_and_csrf():
    sid, csrf = sign_in()
    st, h, body = srv.request("GET", "/", headers={"Cookie": f"voronka_sid={sid}", "Accept-Language": "en"})
    text = body.decode()
    check(st == 200 and "signed in as" in text, st, text)
    check(f'name="csrf" value="{csrf}"' in text and 'action="/logout"' in text, text)


# ---- REST with the session cookie ----

@test
def rest_cookie_needs_csrf():
    sid, csrf = sign_in()
    st, body = rest_cookie("user.current", sid)
    check(st == 403 and body.get("error") == "INVALID_CSRF", st, body)
    st, body = rest_cookie("user.current", sid, "f" * 64)
    check(st == 403 and body.get("error") == "INVALID_CSRF", st, body)
    st, body = rest_cookie("user.current", sid, csrf)
    check(st == 200 and str(body["result"]["ID"]) == "1", st, body)


@test
def rest_with_unknown_cookie_is_401():
    st, body = rest_cookie("user.current", "ab" * 32, "cd" * 32)
    check(st == 401 and body.get("error") == "NO_AUTH_FOUND", st, body)
    st, body = rest_cookie("user.current", "garbage", "cd" * 32)
    check(st == 401 and body.get("error") == "NO_AUTH_FOUND", st, body)


@test
def logout_needs_csrf_then_cookie_stops_working():
    sid, csrf = sign_in()
    cookie = {"Cookie": f"voronka_sid={sid}"}
    st, _, _ = srv.request("POST", "/logout", b"", dict(FORM, **cookie))
    check(st == 403, "logout without the CSRF token", st)
    st, _, _ = srv.request("POST", "/logout", form(csrf="0" * 64), dict(FORM, **cookie))
    check(st == 403, "logout with a wrong token", st)
    st, body = rest_cookie("user.current", sid, csrf)
    check(st == 200, "the session survives refused logouts", st, body)
    st, h, _ = srv.request("POST", "/logout", form(csrf=csrf), dict(FORM, **cookie))
    check(st == 303 and h.get("location") == "/login", st, h)
    check("Max-Age=0" in h.get("set-cookie", ""), h)
    st, body = rest_cookie("user.current", sid, csrf)
    check(st == 401 and body.get("error") == "NO_AUTH_FOUND", st, body)
    st, h, _ = srv.request("GET", "/", headers=cookie)
    check(st == 303, st)


@test
def logout_with_csrf_header():
    sid, csrf = sign_in()
    st, h, _ = srv.request("POST", "/logout", b"", {"Cookie": f"voronka_sid={sid}", "X-CSRF-Token": csrf})
    check(st == 303, st, h)
    st, body = rest_cookie("user.current", sid, csrf)
    check(st == 401, st, body)


@test
def cross_origin_login_is_refused():
    st, h, _ = login(ADMIN_EMAIL, ADMIN_PASSWORD, headers={"Origin": "https://evil.example"})
    check(st == 403 and "set-cookie" not in h, st, h)
    st, h, _ = login(ADMIN_EMAIL, ADMIN_PASSWORD, headers={"Origin": f"http://127.0.0.1:{srv.port}"})
    check(st == 303, st, h)


# ---- throttling ----

@test
def throttling_locks_after_failures():
    new_user("throttle@example.com", "Right-pass-1")
    statuses = [login("throttle@example.com", "wrong")[0] for _ in range(6)]
    check(statuses[:5] == [401] * 5 and statuses[5] == 429, statuses)
    st, h, body = login("THROTTLE@example.com", "Right-pass-1")
    check(st == 429, "locked even with the right password", st)
    check("set-cookie" not in h, h)
    check(int(h.get("retry-after", "0")) > 0, h)
    check('role="alert"' in body, body[:500])
    # another login from the same address is not locked
    st, _, _ = login(ADMIN_EMAIL, ADMIN_PASSWORD)
    check(st == 303, st)


# ---- webhooks ----

@test
def webhook_wrong_secret_is_401():
    st, body = srv.call("user.current", path=f"/rest/1/{'x' * 16}/user.current")
    check(st == 401 and body.get("error") == "NO_AUTH_FOUND", st, body)
    st, body = srv.call("user.current", path=f"/rest/2/{srv.hook_secret}/user.current")
    check(st == 401 and body.get("error") == "NO_AUTH_FOUND", "another user's id", st, body)
    st, body = srv.call("user.current", path=f"/rest/1/{srv.hook_secret[:-1]}/user.current")
    check(st == 401, st, body)


@test
def webhook_url_forms():
    for suffix in ["user.current", "user.current.json", "user.current/", "user.current.json/"]:
        st, body = srv.call("user.current", path=srv.base + suffix)
        check(st == 200 and str(body["result"]["ID"]) == "1", suffix, st, body)
    st, body = srv.call("user.current", path=f"/rest/api/1/{srv.hook_secret}/user.current")
    check(st == 200, st, body)


@test
def webhook_add_list_delete():
    st, body = srv.call("voronka.webhook.add", {"SCOPE": ["user", "department"], "TITLE": "Sync"})
    check(st == 200, st, body)
    r = body["result"]
    check(re.fullmatch(r"[A-Za-z0-9]{16}", r["SECRET"]), r)
    check(r["URL"] == f"/rest/1/{r['SECRET']}/", r)
    check(r["SCOPE"] == ["user", "department"], r)
    st, body = srv.call("user.current", path=r["URL"] + "user.current")
    check(st == 200, st, body)

    st, body = srv.call("voronka.webhook.list")
    check(st == 200, st, body)
    mine = [w for w in body["result"] if w["ID"] == r["ID"]]
    check(len(mine) == 1 and mine[0]["TITLE"] == "Sync", body)
    check(r["SECRET"] not in json.dumps(body), "list never shows secrets")
    check(all("SECRET" not in w for w in body["result"]), body)

    st, body = srv.call("voronka.webhook.delete", {"ID": r["ID"]})
    check(st == 200 and body["result"] is True, st, body)
    st, body = srv.call("user.current", path=r["URL"] + "user.current")
    check(st == 401 and body.get("error") == "NO_AUTH_FOUND", "revoked", st, body)
    st, body = srv.call("voronka.webhook.delete", {"ID": r["ID"]})
    check(st == 400 and body.get("error") == "NOT_FOUND", st, body)
    st, body = srv.call("voronka.webhook.list")
    check(all(w["ID"] != r["ID"] for w in body["result"]), body)


@test
def webhook_scope_string_and_unknown_scope():
    st, body = srv.call("voronka.webhook.add", {"SCOPE": "user, crm"}, via="form")
    check(st == 200 and body["result"]["SCOPE"] == ["user", "crm"], st, body)
    st, body = srv.call("voronka.webhook.add", {"SCOPE": "user,telepathy"})
    check(st == 400 and body.get("error") == "ERROR_ARGUMENT", st, body)


@test
def webhook_scope_is_enforced():
    st, body = srv.call("voronka.webhook.add", {"SCOPE": "user"})
    check(st == 200, st, body)
    url = body["result"]["URL"]
    st, body = srv.call("user.current", path=url + "user.current")
    check(st == 200, st, body)
    st, body = srv.call("department.get", path=url + "department.get")
    check(st == 403 and body.get("error") == "insufficient_scope", st, body)
    st, body = srv.call("voronka.webhook.list", path=url + "voronka.webhook.list")
    check(st == 403 and body.get("error") == "insufficient_scope", st, body)


@test
def narrow_webhook_cannot_widen_itself():
    st, body = srv.call("voronka.webhook.add", {"SCOPE": "user,voronka"})
    url = body["result"]["URL"]
    st, body = srv.call("voronka.webhook.add", {"SCOPE": "crm"}, path=url + "voronka.webhook.add")
    check(st == 403 and body.get("error") == "insufficient_scope", st, body)
    st, body = srv.call("voronka.webhook.add", {}, path=url + "voronka.webhook.add")
    check(st == 403, "no SCOPE means every scope", st, body)
    st, body = srv.call("voronka.webhook.add", {"SCOPE": "user"}, path=url + "voronka.webhook.add")
    check(st == 200, st, body)


@test
def webhook_rights_of_non_admins():
    new_user("worker@example.com", "Worker-pass-1")
    st, body = srv.call("user.get", {"FILTER": {"EMAIL": "worker@example.com"}})
    uid = int(body["result"][0]["ID"])
    # an administrator creates a webhook for another user
    st, body = srv.call("voronka.webhook.add", {"USER_ID": uid, "TITLE": "worker's"})
    check(st == 200 and body["result"]["URL"].startswith(f"/rest/{uid}/"), st, body)
    wurl, wid = body["result"]["URL"], body["result"]["ID"]
    st, body = srv.call("user.current", path=wurl + "user.current")
    check(st == 200 and int(body["result"]["ID"]) == uid, st, body)
    # the non-admin may not create one for someone else, nor delete or see others'
    st, body = srv.call("voronka.webhook.add", {"USER_ID": 1}, path=wurl + "voronka.webhook.add")
    check(st == 403 and body.get("error") == "ACCESS_DENIED", st, body)
    st, body = srv.call("voronka.webhook.list", path=wurl + "voronka.webhook.list")
    check(st == 200 and {w["USER_ID"] for w in body["result"]} == {uid}, st, body)
    admin_hooks = srv.call("voronka.webhook.list")[1]["result"]
    admin_ids = [w["ID"] for w in admin_hooks if w["USER_ID"] == 1]
    st, body = srv.call("voronka.webhook.delete", {"ID": admin_ids[0]}, path=wurl + "voronka.webhook.delete")
    check(st == 403 and body.get("error") == "ACCESS_DENIED", st, body)
    # but may manage their own
    st, body = srv.call("voronka.webhook.add", {"TITLE": "own"}, path=wurl + "voronka.webhook.add")
    check(st == 200, st, body)
    st, body = srv.call("voronka.webhook.delete", {"ID": wid}, path=wurl + "voronka.webhook.delete")
    check(st == 200, st, body)
    st, body = srv.call("user.current", path=wurl + "user.current")
    check(st == 401, st, body)


@test
def cli_revoked_webhook_is_401():
    out = voronka("webhook", "add", "--data", srv.data, "--user", "1", "--title", "cli").stdout
    m = re.search(r"Webhook (\d+)", out)
    url = re.search(r"(/rest/\d+/[A-Za-z0-9]+/)", out).group(1)
    st, _ = srv.call("user.current", path=url + "user.current")
    check(st == 200, st)
    voronka("webhook", "revoke", "--data", srv.data, "--id", m.group(1))
    st, body = srv.call("user.current", path=url + "user.current")
    check(st == 401 and body.get("error") == "NO_AUTH_FOUND", st, body)


# ---- HTTPS ----

@test
def https_cookie_is_secure():
    data = tempfile.mkdtemp(prefix="voronka-test-")
    voronka("init", "--data", data, "--admin-email", ADMIN_EMAIL, "--admin-password", ADMIN_PASSWORD, "--tls")
    conf = os.path.join(data, "voronka.conf")
    s = Server(data=data, tls=True, config=conf if os.path.exists(conf) else None)
    try:
        st, h, _ = s.request("GET", "/login")
        check(st == 200, st)
        st, h, _ = login(ADMIN_EMAIL, ADMIN_PASSWORD, server=s)
        check(st == 303, st, h)
        c = h.get("set-cookie", "")
        check("Secure" in c and "HttpOnly" in c, c)
        st, body = s.call("user.current")
        check(st == 200, st, body)
    finally:
        s.stop()


run()
