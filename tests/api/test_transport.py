"""The Bitrix24 REST transport (P4): URL forms, encodings, the envelope, errors, batch, limits,
keep-alive, compression, /healthz and /metrics — all over HTTP against the real binary."""
import gzip, json, os, socket, sys, time, urllib.parse
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from harness import Server, test, run, check, php_encode

srv = Server(env={"VORONKA_MAX_BODY": str(1 << 20)})


def ok(st, body):
    check(st == 200, st, body)
    check("result" in body and "error" not in body, body)
    return body["result"]


@test
def envelope_has_result_and_time():
    st, body = srv.call("server.time")
    r = ok(st, body)
    check(isinstance(r, str) and len(r) == 25 and r[10] == "T", r)
    t = body["time"]
    for k in ("start", "finish", "duration", "processing", "date_start", "date_finish", "operating", "operating_reset_at"):
        check(k in t, k, t)
    check(t["finish"] >= t["start"] and abs(t["duration"] - (t["finish"] - t["start"])) < 1e-3, t)


@test
def json_content_type():
    st, h, _ = srv.request("GET", srv.base + "server.time")
    check(st == 200 and h["content-type"] == "application/json; charset=utf-8", st, h)


@test
def url_forms_route_to_one_dispatcher():
    for path in ("server.time", "server.time.json", "server.time/", "SERVER.TIME", "server.time.JSON"):
        st, body = srv.call(None, path=srv.base + path, via="get")
        check(st == 200 and "result" in body, path, st, body)
    st, body = srv.call(None, path=f"/rest/api/{srv.hook_user}/{srv.hook_secret}/server.time", via="get")
    check(st == 200, st, body)


@test
def unknown_method_is_404():
    st, body = srv.call("no.such.method")
    check(st == 404 and body == {"error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"}, st, body)


@test
def wrong_secret_is_401():
    st, body = srv.call(None, path=f"/rest/{srv.hook_user}/wrongsecret123456/server.time")
    check(st == 401 and body["error"] == "NO_AUTH_FOUND", st, body)
    st, body = srv.call(None, path=f"/rest/999/{srv.hook_secret}/server.time")
    check(st == 401 and body["error"] == "NO_AUTH_FOUND", st, body)
    st, body = srv.call(None, path="/rest/server.time")
    check(st == 401 and body["error"] == "NO_AUTH_FOUND", st, body)


@test
def every_encoding_reaches_the_method():
    for via in ("json", "form", "get"):
        st, body = srv.call("method.get", {"name": "user.get"}, via=via)
        check(ok(st, body) == {"isExisting": True, "isAvailable": True}, via, body)
    st, body = srv.call("method.get", {"name": "nope.nope"})
    check(ok(st, body) == {"isExisting": False, "isAvailable": False}, body)
    # multipart/form-data
    boundary = "----voronka1234"
    data = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nbatch\r\n--{boundary}--\r\n").encode()
    st, _, raw = srv.request("POST", srv.base + "method.get", data, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    check(st == 200 and json.loads(raw)["result"]["isExisting"] is True, st, raw)


@test
def body_wins_over_query_and_telemetry_is_ignored():
    q = "?bx24_request_id=abc&bx24_sdk_ver=2.2.0&name=nope.nope"
    st, body = srv.call(None, {"name": "batch"}, path=srv.base + "method.get" + q)
    check(ok(st, body)["isExisting"] is True, body)


@test
def brackets_encoded_or_not():
    raw = "cmd[a]=server.time&cmd%5Bb%5D=method.get%3Fname%3Dbatch&halt=0"
    st, _, data = srv.request("GET", srv.base + "batch?" + raw)
    body = json.loads(data)
    r = ok(st, body)
    check(set(r["result"].keys()) == {"a", "b"} and r["result"]["b"]["isExisting"] is True, r)


@test
def malformed_input_gets_error_envelope():
    cases = [
        ("POST", "method.get", b"name[=1", "application/x-www-form-urlencoded", 400, "ERROR_ARGUMENT"),
        ("POST", "method.get", b"[abc]=1", "application/x-www-form-urlencoded", 400, "ERROR_ARGUMENT"),
        ("POST", "method.get", b"name=%ZZ", "application/x-www-form-urlencoded", 400, "ERROR_ARGUMENT"),
        ("POST", "method.get", b"name=\xff\xfe", "application/x-www-form-urlencoded", 400, "ERROR_ARGUMENT"),
        ("POST", "method.get", b'{"name": "\xff"}', "application/json", 400, "ERROR_ARGUMENT"),
        ("POST", "method.get", b'{"name": ', "application/json", 400, "ERROR_ARGUMENT"),
        ("POST", "method.get", b'["name"]', "application/json", 400, "ERROR_ARGUMENT"),
        ("POST", "method.get", b"[" * 100000 + b"]" * 100000, "application/json", 400, "ERROR_ARGUMENT"),
        ("POST", "method.get", b'{"a":' * 100000 + b"1" + b"}" * 100000, "application/json", 400, "ERROR_ARGUMENT"),
    ]
    for m, meth, data, ct, want_st, want_err in cases:
        st, _, raw = srv.request(m, srv.base + meth, data, {"Content-Type": ct})
        body = json.loads(raw)
        check(st == want_st and body.get("error") == want_err and body.get("error_description"), data[:40], st, body)
    st, body = srv.call("server.time")
    check(st == 200, "server still serving", st)


@test
def oversized_body_is_413_and_server_keeps_serving():
    # Announce 2 MiB and send only the headers: the server answers before reading the body.
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    sock.sendall((f"POST {srv.base}method.get HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                  f"Content-Length: {2 << 20}\r\n\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    sock.close()
    head, _, body = data.partition(b"\r\n\r\n")
    check(head.startswith(b"HTTP/1.1 413") and json.loads(body)["error"] == "REQUEST_ENTITY_TOO_LARGE", data[:300])
    st, body = srv.call("server.time")
    check(st == 200, st)


@test
def oversized_headers_are_431():
    st, _, raw = srv.request("GET", srv.base + "server.time", None, {"X-Big": "a" * 200000})
    check(st in (431, 413, 414), st)
    st, body = srv.call("server.time")
    check(st == 200, st)


@test
def batch_results_references_and_maps():
    st, body = srv.call("batch", {"halt": 0, "cmd": {
        "m": "methods",
        "first": "method.get?name=$result[m][0]",
        "bad": "no.such.method",
        "t": "server.time",
    }})
    r = ok(st, body)
    check(r["result"]["first"]["isExisting"] is True, r)
    check(r["result_error"]["bad"]["error"] == "ERROR_METHOD_NOT_FOUND", r)
    check(set(r["result_time"].keys()) == {"m", "first", "bad", "t"}, r)
    check("operating" not in r["result_time"]["t"], r["result_time"]["t"])
    check(r["result_total"] == [] or r["result_total"] == {}, r)


@test
def batch_halt_stops_at_first_error():
    st, body = srv.call("batch", {"halt": 1, "cmd": {"a": "server.time", "b": "nope.x", "c": "server.time"}})
    r = ok(st, body)
    check("a" in r["result"] and "c" not in r["result"] and "b" in r["result_error"], r)


@test
def batch_array_form_and_limits():
    st, body = srv.call("batch", {"cmd": ["server.time", "scope"]})
    r = ok(st, body)
    check(isinstance(r["result"], list) and len(r["result"]) == 2, r)
    st, body = srv.call("batch", {"cmd": {f"c{i}": "server.time" for i in range(51)}})
    check(st == 400 and body["error"] == "ERROR_BATCH_LENGTH_EXCEEDED", st, body)
    st, body = srv.call("batch", {"cmd": {"inner": "batch?cmd[x]=server.time"}})
    r = ok(st, body)
    check(r["result_error"]["inner"]["error"] == "ERROR_BATCH_METHOD_NOT_ALLOWED", r)


@test
def batch_of_50_as_a_long_get():
    # As @2bad/bitrix sends it: GET batch?cmd[key]=<urlencoded command> — tens of kilobytes.
    cmd = {f"cmd_{i:02d}": "method.get?" + urllib.parse.urlencode({"name": "user.get", "pad": "x" * 600}) for i in range(50)}
    q = php_encode({"cmd": cmd})
    check(len(q) > 30000, len(q))
    st, _, raw = srv.request("GET", srv.base + "batch?" + q)
    body = json.loads(raw)
    r = ok(st, body)
    check(len(r["result"]) == 50 and all(v["isExisting"] for v in r["result"].values()), len(r["result"]))


@test
def keep_alive_holds_for_get_and_post():
    c = srv.conn()
    for i in range(3):
        for method, body, ctype in (("GET", None, None), ("POST", b'{"name":"batch"}', "application/json")):
            c.request(method, srv.base + "method.get" + ("?name=batch" if method == "GET" else ""), body=body,
                      headers={"Content-Type": ctype} if ctype else {})
            if i == 0 and method == "GET":
                sock = c.sock
            r = c.getresponse()
            data = json.loads(r.read())
            check(r.status == 200 and data["result"]["isExisting"], data)
            check(r.getheader("Connection", "").lower() != "close", r.getheaders())
            check(c.sock is sock, "connection was not kept alive")
    c.close()


@test
def gzip_when_accepted():
    q = php_encode({"cmd": {f"c{i}": "server.time" for i in range(20)}})
    st, h, raw = srv.request("GET", srv.base + "batch?" + q, None, {"Accept-Encoding": "gzip"})
    check(st == 200 and h.get("content-encoding") == "gzip" and "accept-encoding" in h.get("vary", "").lower(), st, h)
    body = json.loads(gzip.decompress(raw))
    check(len(body["result"]["result"]) == 20, body)
    st, h, raw = srv.request("GET", srv.base + "batch?" + q)
    check("content-encoding" not in h and json.loads(raw)["result"], h)


@test
def methods_and_scope():
    st, body = srv.call("methods")
    names = ok(st, body)
    for n in ("batch", "user.get", "department.get", "server.time", "methods", "scope"):
        check(n in names, n)
    st, body = srv.call("scope")
    check("user" in ok(st, body) and "department" in body["result"], body)
    st, body = srv.call("app.info")
    check(ok(st, body)["INSTALLED"] is True, body)


@test
def healthz_and_metrics():
    st, h, raw = srv.request("GET", "/healthz")
    check(st == 200 and json.loads(raw)["status"] == "ok", st, raw)
    st, h, raw = srv.request("GET", "/metrics")
    text = raw.decode()
    check(st == 200 and "voronka_http_requests_total{method=\"POST\",status=\"200\"}" in text, text[:500])
    check("voronka_http_request_duration_seconds_bucket{le=\"+Inf\"}" in text and "voronka_db_seconds_total" in text, text[-500:])


@test
def static_files_stay_inside_web_root():
    for p in ("/../etc/passwd", "/%2e%2e/etc/passwd", "/.git/config", "/nope.js"):
        st, h, raw = srv.request("GET", p)
        check(st == 404, p, st)


@test
def sigterm_stops_cleanly():
    s2 = Server()
    st, body = s2.call("server.time")
    check(st == 200, st)
    s2.proc.terminate()
    rc = s2.proc.wait(20)
    check(rc == 0, rc)
    check("stopped" in s2.read_log(), s2.read_log()[-500:])


run()
