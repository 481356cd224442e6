"""harness.py — what every API test uses: start the real voronka binary on a free loopback port
with a fresh data folder, call it over HTTP, and count passed/failed tests.

    from harness import Server, test, run, check
    srv = Server()            # init + webhook + serve; stopped at exit
    @test
    def user_current():
        st, body = srv.call("user.current")
        check(st == 200, st); check(body["result"]["ID"] == "1", body)
    run()                     # prints one line per test and "N passed, N failed"

Standard library only, so it runs on a fresh Debian 12 with nothing but python3.
"""
import atexit, http.client, json, os, re, shutil, signal, socket, subprocess, sys, tempfile, time
import traceback, urllib.parse

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BIN = os.environ.get("VORONKA_BIN", os.path.join(ROOT, "build", "voronka"))
ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "Adm1n-secret"

_tests = []


def test(fn):
    _tests.append(fn)
    return fn


class CheckFailed(AssertionError):
    pass


def check(cond, *what):
    if not cond:
        raise CheckFailed(" ".join(repr(w)[:600] for w in what) or "check failed")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def voronka(*args, check_rc=True, env=None, timeout=120):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, env=env, timeout=timeout)
    if check_rc and p.returncode != 0:
        raise RuntimeError(f"voronka {' '.join(args)} failed ({p.returncode}): {p.stderr}{p.stdout}")
    return p


class Server:
    """One voronka process on its own data folder. init=False reuses an existing folder."""

    def __init__(self, data=None, init=True, tls=False, extra_args=(), env=None, config=None):
        self.data = data or tempfile.mkdtemp(prefix="voronka-test-")
        self.port = free_port()
        self.tls = tls
        self.env = dict(os.environ, **(env or {}))
        if init and not os.path.exists(os.path.join(self.data, "voronka.db")):
            args = ["init", "--data", self.data, "--admin-email", ADMIN_EMAIL, "--admin-password", ADMIN_PASSWORD]
            if tls:
                args.append("--tls")
            voronka(*args)
        if init:
            out = voronka("webhook", "add", "--data", self.data, "--user", "1").stdout
            m = re.search(r"/rest/(\d+)/([A-Za-z0-9]+)/", out)
            if not m:
                raise RuntimeError("webhook add printed no URL: " + out)
            self.hook_user, self.hook_secret = m.group(1), m.group(2)
        self.extra_args = list(extra_args)
        self.config = config
        self.proc = None
        self.start()
        atexit.register(self.stop)

    @property
    def base(self):
        return f"/rest/{self.hook_user}/{self.hook_secret}/"

    def start(self):
        args = [BIN, "serve", "--data", self.data, "--listen", f"127.0.0.1:{self.port}", *self.extra_args]
        if self.config:
            args += ["--config", self.config]
        self.log = open(os.path.join(self.data, "server.log"), "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log, env=self.env)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("voronka serve exited: " + self.read_log()[-2000:])
            try:
                c = self.conn()
                c.request("GET", "/healthz")
                r = c.getresponse()
                r.read()
                c.close()
                if r.status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("voronka serve did not answer /healthz: " + self.read_log()[-2000:])

    def read_log(self):
        with open(os.path.join(self.data, "server.log"), "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def conn(self, timeout=30):
        if self.tls:
            import ssl
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout, context=ctx)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, conn=None):
        """Raw request: returns (status, headers dict lower-cased, body bytes)."""
        c = conn or self.conn()
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        if conn is None:
            c.close()
        return r.status, hdrs, data

    def call(self, method, params=None, via="json", path=None, headers=None, conn=None):
        """A REST call through the webhook. via: json (POST JSON), form (POST urlencoded with
        PHP-style keys), get (query string). Returns (status, parsed envelope)."""
        path = path or (self.base + method)
        params = params or {}
        h = dict(headers or {})
        if via == "json":
            body = json.dumps(params).encode()
            h.setdefault("Content-Type", "application/json")
            st, _, data = self.request("POST", path, body, h, conn)
        elif via == "form":
            body = php_encode(params).encode()
            h.setdefault("Content-Type", "application/x-www-form-urlencoded")
            st, _, data = self.request("POST", path, body, h, conn)
        else:
            q = php_encode(params)
            st, _, data = self.request("GET", path + ("?" + q if q else ""), None, h, conn)
        try:
            return st, json.loads(data)
        except ValueError:
            return st, {"_raw": data.decode("utf-8", "replace")}

    def ok(self, method, params=None, via="json"):
        """A call that must succeed: the whole envelope (result, total, next, time)."""
        st, body = self.call(method, params, via=via)
        check(st == 200 and "result" in body, method, params, st, body)
        return body

    def fails(self, method, params, code, status=400, mentions=None):
        """A call that must be refused with this code and status (and these words, if given)."""
        st, body = self.call(method, params)
        check(st == status and body.get("error") == code, method, params, st, body)
        if mentions:
            check(mentions in body.get("error_description", ""), "description", mentions, body)
        return body


class Session:
    """A browser's sign-in: POST /login for the cookie, the index page for the CSRF token, then
    REST calls as the web UI makes them (cookie + X-CSRF-Token)."""

    def __init__(self, server, login, password):
        body = urllib.parse.urlencode({"login": login, "password": password}).encode()
        st, h, _ = server.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
        m = re.match(r"voronka_sid=([0-9a-f]+)", h.get("set-cookie", ""))
        if st != 303 or not m:
            raise RuntimeError(f"sign-in of {login} failed: {st} {h}")
        self.server, self.sid = server, m.group(1)
        st, _, page = server.request("GET", "/", headers={"Cookie": f"voronka_sid={self.sid}"})
        m = re.search(r'<meta name="csrf-token" content="([0-9a-f]+)">', page.decode())
        if st != 200 or not m:
            raise RuntimeError(f"no CSRF token on the index page: {st}")
        self.csrf = m.group(1)

    @property
    def cookie(self):
        return f"voronka_sid={self.sid}"

    def call(self, method, params=None):
        """Returns (status, parsed envelope)."""
        h = {"Cookie": self.cookie, "X-CSRF-Token": self.csrf, "Content-Type": "application/json"}
        st, _, data = self.server.request("POST", f"/rest/{method}", json.dumps(params or {}).encode(), h)
        return st, json.loads(data)


def php_encode(params, prefix=None):
    """Encode nested dicts/lists as PHP-style form keys: a[b][0]=x (brackets percent-encoded,
    as both SDKs send them)."""
    parts = []

    def walk(v, key):
        if isinstance(v, dict):
            for k, x in v.items():
                walk(x, f"{key}[{k}]" if key else str(k))
        elif isinstance(v, (list, tuple)):
            for i, x in enumerate(v):
                walk(x, f"{key}[{i}]")
        else:
            if v is True:
                v = "Y"
            elif v is False:
                v = "N"
            elif v is None:
                v = ""
            parts.append(urllib.parse.quote(key, safe="") + "=" + urllib.parse.quote(str(v), safe=""))

    walk(params, prefix or "")
    return "&".join(parts)


def run():
    passed = failed = 0
    only = os.environ.get("TEST_ONLY")
    name = os.path.basename(sys.argv[0])
    for fn in _tests:
        if only and only not in fn.__name__:
            continue
        t0 = time.time()
        try:
            fn()
            passed += 1
            print(f"ok   {name}::{fn.__name__} ({(time.time()-t0)*1000:.0f} ms)", flush=True)
        except Exception as e:  # a failed check or an unexpected error both fail the test
            failed += 1
            print(f"FAIL {name}::{fn.__name__}: {e}", flush=True)
            if not isinstance(e, CheckFailed):
                traceback.print_exc()
    print(f"{passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)
