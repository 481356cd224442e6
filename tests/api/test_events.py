#!/usr/bin/env python3
"""test_events.py — the live events stream (P9, a Voronka extension): GET /events as
text/event-stream, with a webhook in the path or the session cookie. What a second user's browser
sees: each add, update and delete of a CRM item as an `event: crm` within a second, resumable with
Last-Event-ID; many open streams do not hold up the server, and the server still stops promptly."""
import http.client, json, os, re, socket, sys, time, urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, test, run, check, ADMIN_EMAIL, ADMIN_PASSWORD

srv = Server()


def rest(method, params=None):
    st, body = srv.call(method, params or {})
    check(st == 200 and "result" in body, method, st, body)
    return body["result"]


class Stream:
    """An open /events response (HTTP/1.1, chunked, as browsers read it), read event by event."""

    def __init__(self, path=None, headers=None, server=srv):
        self.c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        self.c.request("GET", path or f"/events/{server.hook_user}/{server.hook_secret}", headers=headers or {})
        self.sock = self.c.sock  # http.client lets go of it for a Connection: close answer
        self.r = self.c.getresponse()
        self.status = self.r.status
        self.headers = {k.lower(): v for k, v in self.r.getheaders()}
        self.comments = []
        if self.status == 200:
            first = self.next(timeout=5, want=None)  # the preamble: retry and a comment
            check(first.get("retry") == "3000", first)

    def next(self, timeout=2.0, want="crm"):
        """The next block of fields (of event `want`, skipping others when want is set)."""
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError(f"no '{want}' event within {timeout} s")
            self.sock.settimeout(left)
            ev = {}
            while True:
                line = self.r.readline()
                if not line:
                    return {"eof": True}
                line = line.decode("utf-8").rstrip("\r\n")
                if line == "":
                    break
                if line.startswith(":"):
                    self.comments.append(line)
                    continue
                k, _, v = line.partition(":")
                ev[k] = v[1:] if v.startswith(" ") else v
            if not ev:
                continue
            if want is None or ev.get("event") == want:
                return ev

    def crm(self, timeout=2.0):
        ev = self.next(timeout)
        return int(ev["id"]), json.loads(ev["data"])

    def close(self):
        self.r.close()
        self.sock.close()
        self.c.close()


@test
def add_update_delete_arrive_within_a_second():
    s = Stream()
    check(s.headers.get("content-type", "").startswith("text/event-stream"), s.headers)
    check(s.headers.get("cache-control") == "no-store", s.headers)
    t0 = time.time()
    lead = rest("crm.lead.add", {"fields": {"TITLE": "Событие"}})
    eid1, ev = s.crm(1.0)
    check(time.time() - t0 < 1.0, "the add took too long to arrive")
    check(ev == {"entityTypeId": 1, "id": lead, "action": "add", "userId": 1}, ev)
    t0 = time.time()
    rest("crm.lead.update", {"id": lead, "fields": {"TITLE": "Событие 2"}})
    eid2, ev = s.crm(1.0)
    check(ev["action"] == "update" and ev["id"] == lead and eid2 > eid1, ev)
    rest("crm.lead.delete", {"id": lead})
    eid3, ev = s.crm(1.0)
    check(ev["action"] == "delete" and ev["id"] == lead and eid3 > eid2, ev)
    check(time.time() - t0 < 2.0, "update and delete took too long")
    deal = rest("crm.deal.add", {"fields": {"TITLE": "Сделка события"}})
    _, ev = s.crm(1.0)
    check(ev == {"entityTypeId": 2, "id": deal, "action": "add", "userId": 1}, ev)
    s.close()


@test
def resume_with_last_event_id():
    s = Stream()
    ids = []
    contact = rest("crm.contact.add", {"fields": {"NAME": "Возобновление"}})
    for _ in range(3):
        if len(ids) == 1:
            rest("crm.contact.update", {"id": contact, "fields": {"NAME": "В2"}})
        if len(ids) == 2:
            rest("crm.contact.delete", {"id": contact})
        ids.append(s.crm(1.0))
    s.close()
    check([e["action"] for _, e in ids] == ["add", "update", "delete"], ids)
    # the browser reconnects saying the last id it saw: it gets what came after, at once
    r = Stream(headers={"Last-Event-ID": str(ids[0][0])})
    check([r.crm(1.0), r.crm(1.0)] == ids[1:], "the two missed events, in order")
    r.close()
    # the same from the query, for clients that cannot set headers
    q = Stream(path=f"/events/{srv.hook_user}/{srv.hook_secret}?lastEventId={ids[1][0]}")
    check(q.crm(1.0) == ids[2], "the last missed event")
    q.close()


@test
def unknown_cursor_asks_for_a_reload():
    s = Stream(headers={"Last-Event-ID": "999999999"})
    ev = s.next(1.0, want="reset")
    check(ev.get("event") == "reset", ev)
    lead = rest("crm.lead.add", {"fields": {"TITLE": "после reset"}})
    _, ev = s.crm(1.0)
    check(ev["id"] == lead, "and goes on from now", ev)
    s.close()


@test
def session_cookie_opens_the_stream():
    body = urllib.parse.urlencode({"login": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).encode()
    st, h, _ = srv.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
    sid = re.match(r"voronka_sid=([0-9a-f]+)", h.get("set-cookie", "")).group(1)
    s = Stream(path="/events", headers={"Cookie": f"voronka_sid={sid}"})
    check(s.status == 200, s.status)
    company = rest("crm.company.add", {"fields": {"TITLE": "ООО Поток"}})
    _, ev = s.crm(1.0)
    check(ev["entityTypeId"] == 4 and ev["id"] == company, ev)
    s.close()


@test
def refusals_are_bitrix_envelopes():
    for path, status, code in [("/events", 401, "NO_AUTH_FOUND"),
                               (f"/events/{srv.hook_user}/wrong", 401, "NO_AUTH_FOUND"),
                               (f"/events/{srv.hook_user}", 404, "ERROR_METHOD_NOT_FOUND"),
                               (f"/events/{srv.hook_user}/{srv.hook_secret}/x", 404, "ERROR_METHOD_NOT_FOUND")]:
        st, _, data = srv.request("GET", path)
        check(st == status and json.loads(data)["error"] == code, path, st, data)
    url = rest("voronka.webhook.add", {"SCOPE": "user"})["URL"]
    m = re.search(r"/rest/(\d+)/([A-Za-z0-9]+)/", url)
    st, _, data = srv.request("GET", f"/events/{m.group(1)}/{m.group(2)}")
    check(st == 403 and json.loads(data)["error"] == "insufficient_scope", st, data)
    leaks = [l for l in srv.read_log().splitlines() if srv.hook_secret in l]
    check(not leaks, "the webhook secret is never logged", leaks)


@test
def many_streams_do_not_hold_the_server():
    streams = [Stream() for _ in range(40)]  # far more than the server's pool threads
    t0 = time.time()
    st, body = srv.call("app.info")
    check(st == 200, st, body)
    check(time.time() - t0 < 0.5, "a REST call waited behind the streams")
    lead = rest("crm.lead.add", {"fields": {"TITLE": "всем"}})
    t0 = time.time()
    for s in streams:
        _, ev = s.crm(1.5)
        check(ev["id"] == lead, ev)
    print(f"     one event reached 40 streams in {(time.time() - t0) * 1000:.0f} ms")
    for s in streams:
        s.close()
    # closed streams are forgotten; the next one still works
    s = Stream()
    rest("crm.lead.update", {"id": lead, "fields": {"TITLE": "снова"}})
    check(s.crm(1.0)[1]["action"] == "update")
    s.close()


@test
def http_1_0_stream_without_chunks():
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=3)
    sock.sendall(f"GET /events/{srv.hook_user}/{srv.hook_secret} HTTP/1.0\r\n\r\n".encode())
    buf = b""
    while b": voronka events" not in buf:
        buf += sock.recv(4096)
    lead = rest("crm.lead.add", {"fields": {"TITLE": "http/1.0"}})
    while f'"id":{lead},'.encode() not in buf:
        chunk = sock.recv(4096)
        check(chunk, "the stream closed")
        buf += chunk
    check(b"Transfer-Encoding: chunked" not in buf and b"\nevent: crm\n" in buf, buf[:400])
    sock.close()


@test
def server_stops_promptly_with_open_streams():
    other = Server()
    streams = [Stream(server=other) for _ in range(5)]
    t0 = time.time()
    other.stop()
    took = time.time() - t0
    check(took < 8, f"stopping took {took:.1f} s")
    for s in streams:
        ev = s.next(2.0, want=None)
        check(ev.get("eof"), "the stream ended", ev)
        s.close()
    print(f"     stopped with 5 open streams in {took * 1000:.0f} ms")


run()
