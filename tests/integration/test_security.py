"""Issue 3 end to end over real sockets: accounts and sessions (cookies, CSRF, fixation, lockout),
API keys (Referer and IP bindings, disabled and expired keys, quotas that reset the next day,
require_key), access levels on every read path, the admin API (users, services, bans, audit),
trusted proxies, flood protection with bans that expire, and the new metrics."""
import datetime
import http.client
import json
import os
import re
import time
import urllib.parse
from zoneinfo import ZoneInfo

import pytest

from conftest import DATA, Server

ADMIN = "admin"
ADMIN_PASSWORD = "Admin-pass-4-tests!"
PASSWORD = "Correct-horse-9"
# Fast hashing, a known admin, and rate limits out of the way (every test client is 127.0.0.1)
# unless a test sets its own; later --set flags override earlier ones.
BASE_ARGS = ["--set", "security.password_cost=test",
             "--set", f"security.admin_password={ADMIN_PASSWORD}",
             "--set", f"security.admin_user={ADMIN}"]
for _cls in ("api", "features", "downloads", "upload", "login", "admin"):
    BASE_ARGS += ["--set", f"limits.{_cls}=1000/s burst 1000"]
GENEROUS_LOGIN = []
ITEMS = "/ogc/collections/cities/items?limit=1"


# ---------------------------------------------------------------------------------------------
# clients


def set_cookies(resp):
    """[(name, value, {attr: value})] from every Set-Cookie header (attribute names lower-case)."""
    out = []
    for line in resp.headers.get_all("Set-Cookie") or []:
        parts = [p.strip() for p in line.split(";")]
        name, _, value = parts[0].partition("=")
        attrs = {}
        for p in parts[1:]:
            k, _, v = p.partition("=")
            attrs[k.strip().lower()] = v.strip()
        out.append((name.strip(), value.strip(), attrs))
    return out


def problem(resp):
    assert resp.header("Content-Type", "").startswith("application/problem+json"), \
        (resp.status, resp.headers.get("Content-Type"), resp.body[:300])
    return resp.json()


def assert_problem(resp, status, code):
    assert resp.status == status, (resp.status, resp.body[:400])
    p = problem(resp)
    assert p.get("code") == code or p.get("type", "").endswith("/" + code), p
    return p


def retry_after(resp):
    v = resp.header("Retry-After")
    assert v is not None and re.fullmatch(r"[0-9]+", v), (resp.status, v)
    return int(v)


class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def header(self, name, default=None):
        v = self.headers.get(name)
        return default if v is None else v


class Client:
    """One HTTP client with its own cookie jar (shikong_session, shikong_csrf) and fixed headers.
    Sends the CSRF token on writes when it has one (csrf=False to leave it out)."""

    def __init__(self, server, headers=None):
        self.server = server
        self.cookies = {}
        self.headers = dict(headers or {})
        self.csrf = None

    def request(self, method, path, body=None, headers=None, csrf=True, cookies=True):
        h = dict(self.headers)
        if cookies and self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if csrf and self.csrf and method not in ("GET", "HEAD", "OPTIONS"):
            h["X-CSRF-Token"] = self.csrf
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        h.update(headers or {})
        h = {k: v for k, v in h.items() if v is not None}
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            resp = Resp(r.status, r.headers, r.read())
        finally:
            conn.close()
        for name, value, attrs in set_cookies(resp):
            if attrs.get("max-age") == "0" or value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body=body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def login(self, name, password=PASSWORD):
        r = self.post("/api/v1/auth/login", {"name": name, "password": password})
        assert r.status == 200, (r.status, r.body[:400])
        self.csrf = r.json()["csrf_token"]
        return r


def key_client(server, secret, via="header", headers=None):
    """A client presenting an API key (X-API-Key, or tk= appended by `get`)."""
    h = dict(headers or {})
    if via == "header":
        h["X-API-Key"] = secret
        return Client(server, h)
    c = Client(server, h)
    plain_get = c.get

    def get(path, **kw):
        sep = "&" if "?" in path else "?"
        return plain_get(f"{path}{sep}tk={urllib.parse.quote(secret)}", **kw)
    c.get = get
    return c


# ---------------------------------------------------------------------------------------------
# servers


@pytest.fixture
def make_server(tmp_path):
    """make_server(*args, fixtures=("cities",)) -> a started server with an admin account; the
    fixtures of shared/data are imported by the CLI first."""
    servers = []
    files = {"cities": "naturalearth_cities.shp.zip", "holes": "polygon_holes.shp.zip",
             "cycle-hire": "london_cycle_hire.geojson"}

    def make(*extra, fixtures=("cities",)):
        s = Server(str(tmp_path / f"s{len(servers)}"), list(BASE_ARGS) + list(extra))
        servers.append(s)
        for dataset_id in fixtures:
            s.cli("import", os.path.join(DATA, files[dataset_id]), "--dataset", dataset_id)
        return s.start()
    yield make
    for s in servers:
        s.stop()


def admin_client(server):
    c = Client(server)
    c.login(ADMIN, ADMIN_PASSWORD)
    return c


def make_user(admin, name, role="user", groups=()):
    r = admin.post("/api/v1/admin/users", {"name": name, "password": PASSWORD, "role": role,
                                          "groups": list(groups), "display_name": name.title(),
                                          "email": f"{name}@example.org"})
    assert r.status == 201, (r.status, r.body[:400])
    return r.json()


def make_key(owner_client, **spec):
    body = {"name": spec.pop("name", "app")}
    body.update(spec)
    r = owner_client.post("/api/v1/keys", body)
    assert r.status == 201, (r.status, r.body[:400])
    k = r.json()
    assert k["key"] and k["id"]
    return k


def shanghai_day(offset_s=0):
    now = datetime.datetime.now(ZoneInfo("Asia/Shanghai")) + datetime.timedelta(seconds=offset_s)
    return now.strftime("%Y-%m-%d")


# ---------------------------------------------------------------------------------------------
# accounts and sessions


def test_register_login_me_logout(make_server):
    s = make_server(*GENEROUS_LOGIN, fixtures=())
    anon = Client(s)
    me = anon.get("/api/v1/auth/me")
    assert me.status == 200
    assert me.json()["role"] == "anonymous" and me.json()["method"] == "none"

    r = anon.post("/api/v1/auth/register", {"name": "alice", "password": PASSWORD,
                                            "display_name": "Alice", "email": "alice@example.org"})
    assert r.status == 201, r.body
    user = r.json()
    assert user["name"] == "alice" and user["role"] == "user" and user["disabled"] is False
    assert user["display_name"] == "Alice" and user["email"] == "alice@example.org"
    assert "password_hash" not in user and "password" not in user
    assert PASSWORD not in r.body.decode() and "$argon2" not in r.body.decode()
    assert anon.cookies == {}  # registering does not sign in
    assert_problem(anon.post("/api/v1/auth/register", {"name": "alice", "password": PASSWORD}),
                   409, "user-exists")

    bad = anon.post("/api/v1/auth/login", {"name": "alice", "password": "wrong-password-1"})
    assert_problem(bad, 401, "invalid-credentials")
    unknown = anon.post("/api/v1/auth/login", {"name": "nobody", "password": "wrong-password-1"})
    assert_problem(unknown, 401, "invalid-credentials")
    assert problem(bad)["detail"] == problem(unknown)["detail"]  # no user enumeration

    c = Client(s)
    r = c.login("alice")
    body = r.json()
    assert body["user"]["name"] == "alice" and "password_hash" not in body["user"]
    assert body["csrf_token"] and body["expires"]
    cookies = {name: (value, attrs) for name, value, attrs in set_cookies(r)}
    sess, sattrs = cookies["shikong_session"]
    assert len(sess) >= 32
    assert "httponly" in sattrs and sattrs.get("samesite", "").lower() == "lax"
    assert sattrs.get("path") == "/" and "secure" not in sattrs  # plain http here
    assert sattrs.get("max-age") == "28800"
    csrf, cattrs = cookies["shikong_csrf"]
    assert csrf == body["csrf_token"] and "httponly" not in cattrs  # JS reads it
    assert cattrs.get("samesite", "").lower() == "lax" and cattrs.get("path") == "/"

    me = c.get("/api/v1/auth/me").json()
    assert me["name"] == "alice" and me["role"] == "user" and me["method"] == "session"
    assert me["display_name"] == "Alice" and me["email"] == "alice@example.org"
    assert me["groups"] == []

    r = c.post("/api/v1/auth/logout")
    assert r.status == 204, r.body
    expired = {name: attrs for name, _, attrs in set_cookies(r)}
    assert expired["shikong_session"].get("max-age") == "0"
    assert expired["shikong_csrf"].get("max-age") == "0"
    # The old cookie is dead on the server, not only in this jar.
    old = Client(s)
    old.cookies["shikong_session"] = sess
    r = old.get("/api/v1/auth/me")
    assert r.json()["method"] == "none"
    assert "shikong_session" not in old.cookies  # stale cookie cleared by Set-Cookie Max-Age=0


def test_password_change(make_server):
    s = make_server(*GENEROUS_LOGIN, fixtures=())
    make_user(admin_client(s), "bob")
    c = Client(s)
    c.login("bob")
    r = c.post("/api/v1/auth/password", {"old_password": "not-the-old-one", "new_password": "Another-pass-77"})
    assert_problem(r, 400, "wrong-password")
    r = c.post("/api/v1/auth/password", {"old_password": PASSWORD, "new_password": "Another-pass-77"})
    assert r.status == 204, r.body
    assert_problem(Client(s).post("/api/v1/auth/login", {"name": "bob", "password": PASSWORD}),
                   401, "invalid-credentials")
    # Every session ends with the change, the caller's too (an old cookie thief is out).
    assert c.get("/api/v1/auth/me").json()["method"] == "none"
    c.login("bob", "Another-pass-77")
    # An admin's reset ends every session of the user as well.
    assert c.get("/api/v1/auth/me").json()["name"] == "bob"
    r = admin_client(s).post("/api/v1/admin/users/bob/password", {"password": "Third-pass-555"})
    assert r.status == 204, r.body
    assert c.get("/api/v1/auth/me").json()["method"] == "none"
    Client(s).login("bob", "Third-pass-555")
    events = admin_client(s).get("/api/v1/admin/audit?target=bob").json()["events"]
    actions = [e["action"] for e in events]
    assert "password-change" in actions and "password-reset" in actions


def test_secure_cookies_behind_https(make_server):
    s = make_server("--set", "server.public_url=https://data.example.org", fixtures=())
    r = Client(s).login(ADMIN, ADMIN_PASSWORD)
    attrs = {name: a for name, _, a in set_cookies(r)}
    assert "secure" in attrs["shikong_session"] and "secure" in attrs["shikong_csrf"]
    assert "httponly" in attrs["shikong_session"]


def test_registration_closed(make_server):
    s = make_server("--set", "security.open_registration=false", fixtures=())
    r = Client(s).post("/api/v1/auth/register", {"name": "mallory", "password": PASSWORD})
    assert_problem(r, 403, "registration-closed")
    # Admins still create accounts.
    make_user(admin_client(s), "carol")
    Client(s).login("carol")


def test_csrf_on_cookie_writes(make_server):
    s = make_server(*GENEROUS_LOGIN, fixtures=())
    make_user(admin_client(s), "dave")
    c = Client(s)
    c.login("dave")
    assert_problem(c.post("/api/v1/keys", {"name": "x"}, csrf=False), 403, "csrf-failed")
    assert_problem(c.post("/api/v1/keys", {"name": "x"}, headers={"X-CSRF-Token": "0" * 43}),
                   403, "csrf-failed")
    # A token read from another session is no good either.
    other = Client(s)
    other.login("dave")
    assert other.csrf != c.csrf
    assert_problem(c.post("/api/v1/keys", {"name": "x"}, headers={"X-CSRF-Token": other.csrf}),
                   403, "csrf-failed")
    assert c.get("/api/v1/keys").json()["keys"] == []  # nothing was created
    # Logout is a cookie write too.
    assert_problem(c.post("/api/v1/auth/logout", csrf=False), 403, "csrf-failed")
    assert c.get("/api/v1/auth/me").json()["method"] == "session"

    k = make_key(c, name="with-token")
    assert [x["id"] for x in c.get("/api/v1/keys").json()["keys"]] == [k["id"]]
    # GET needs no token.
    assert c.get("/api/v1/auth/me", csrf=False).status == 200
    # With a key the request is not cookie-authenticated: the key wins, no CSRF token needed.
    both = Client(s, {"X-API-Key": k["key"]})
    both.cookies = dict(c.cookies)
    me = both.get("/api/v1/auth/me").json()
    assert me["method"] == "key" and me["key_id"] == k["id"] and me["name"] == "dave"
    # Key management needs a signed-in session, so with the key winning this write is refused
    # for that reason, not for the missing CSRF token.
    r = both.patch(f"/api/v1/keys/{k['id']}", {"name": "renamed"}, csrf=False)
    assert_problem(r, 403, "session-required")
    assert c.get(f"/api/v1/keys/{k['id']}").json()["name"] == "with-token"


def test_session_fixation(make_server):
    s = make_server(*GENEROUS_LOGIN, fixtures=())
    make_user(admin_client(s), "erin")
    # An attacker-chosen cookie value is not adopted.
    c = Client(s)
    c.cookies["shikong_session"] = "attacker-chosen-session-value-0123456789abcdef"
    c.login("erin")
    assert c.cookies["shikong_session"] != "attacker-chosen-session-value-0123456789abcdef"
    planted = Client(s)
    planted.cookies["shikong_session"] = "attacker-chosen-session-value-0123456789abcdef"
    assert planted.get("/api/v1/auth/me").json()["method"] == "none"

    # A valid session cookie sent with a login is ended and replaced.
    first = c.cookies["shikong_session"]
    c.login("erin")
    second = c.cookies["shikong_session"]
    assert second != first
    old = Client(s)
    old.cookies["shikong_session"] = first
    assert old.get("/api/v1/auth/me").json()["method"] == "none"
    assert c.get("/api/v1/auth/me").json()["name"] == "erin"


def test_login_brute_force_locks_account(make_server):
    s = make_server(*GENEROUS_LOGIN, "--set", "security.lockout_after=3",
                    "--set", "security.lockout_base_s=600", fixtures=())
    admin = admin_client(s)
    make_user(admin, "frank")
    c = Client(s)
    for _ in range(3):
        r = c.post("/api/v1/auth/login", {"name": "frank", "password": "guess-guess-1"})
        assert r.status in (401, 429), r.body
    r = c.post("/api/v1/auth/login", {"name": "frank", "password": "guess-guess-2"})
    assert_problem(r, 429, "account-locked")
    assert 0 < retry_after(r) <= 600
    # The right password does not get in while the lock lasts.
    r = c.post("/api/v1/auth/login", {"name": "frank", "password": PASSWORD})
    assert_problem(r, 429, "account-locked")
    assert 0 < retry_after(r) <= 600
    assert "shikong_session" not in c.cookies
    # Other accounts are not affected.
    make_user(admin, "grace")
    Client(s).login("grace")
    u = admin.get("/api/v1/admin/users/frank").json()
    assert u.get("locked_until")
    events = admin.get("/api/v1/admin/audit?target=frank&limit=100").json()["events"]
    actions = [e["action"] for e in events if e["actor"] in ("frank", "anonymous") or e["target"] == "frank"]
    assert actions.count("login-failed") >= 3
    assert "login-locked" in actions
    # An admin reset unlocks.
    r = admin.post("/api/v1/admin/users/frank/password", {"password": "Reset-pass-123"})
    assert r.status == 204, r.body
    Client(s).login("frank", "Reset-pass-123")


def test_per_ip_login_limit(make_server):
    s = make_server("--set", "limits.login.ip=1/h burst 3",
                    "--set", "security.trusted_proxies=127.0.0.1/32", fixtures=())
    c = Client(s, {"X-Forwarded-For": "192.0.2.10"})
    for i in range(3):
        r = c.post("/api/v1/auth/login", {"name": f"nobody{i}", "password": "wrong-password"})
        assert_problem(r, 401, "invalid-credentials")
    r = c.post("/api/v1/auth/login", {"name": "nobody9", "password": "wrong-password"})
    assert_problem(r, 429, "rate-limited")
    assert retry_after(r) >= 1
    # Even the right password of a real account is refused from that IP now...
    r = c.post("/api/v1/auth/login", {"name": ADMIN, "password": ADMIN_PASSWORD})
    assert_problem(r, 429, "rate-limited")
    # ...while another client address still logs in.
    Client(s, {"X-Forwarded-For": "192.0.2.11"}).login(ADMIN, ADMIN_PASSWORD)


# ---------------------------------------------------------------------------------------------
# API keys


def test_key_lifecycle_and_bindings(make_server):
    s = make_server(*GENEROUS_LOGIN)
    admin = admin_client(s)
    make_user(admin, "hank")
    owner = Client(s)
    owner.login("hank")
    k = make_key(owner, name="web map", referers=["*.example.org", "https://maps.example.com"],
                 quotas={"features": 1000})
    assert k["owner"] == "hank" and k["name"] == "web map" and k["disabled"] is False
    assert k["referers"] == ["*.example.org", "https://maps.example.com"]
    assert k["quotas"] == {"features": 1000} and k["expires"] is None
    secret = k["key"]
    # Shown once: not in the list, not in a single read.
    listed = owner.get("/api/v1/keys")
    assert secret not in listed.body.decode()
    assert [x["id"] for x in listed.json()["keys"]] == [k["id"]]
    assert "key" not in listed.json()["keys"][0] and "key_hash" not in listed.json()["keys"][0]
    one = owner.get(f"/api/v1/keys/{k['id']}")
    assert one.status == 200 and secret not in one.body.decode() and "key" not in one.json()
    assert secret not in admin.get("/api/v1/admin/keys").body.decode()

    good = {"Referer": "https://tiles.example.org/app/index.html"}
    for via in ("header", "query"):
        c = key_client(s, secret, via, good)
        r = c.get(ITEMS)
        assert r.status == 200, (via, r.body[:300])
        assert r.json()["numberReturned"] == 1
    assert key_client(s, secret, "header", {"Referer": "https://maps.example.com/x"}).get(ITEMS).status == 200
    me = key_client(s, secret, "header", good).get("/api/v1/auth/me").json()
    assert me["method"] == "key" and me["key_id"] == k["id"] and me["name"] == "hank"

    # Wrong Referer, the bare domain of a wildcard, wrong scheme, no Referer at all.
    for ref in ("https://evil.test/page", "https://example.org/", "http://maps.example.com/",
                None):
        r = key_client(s, secret, "header", {"Referer": ref}).get(ITEMS)
        assert_problem(r, 403, "key-referer-denied")
    r = key_client(s, secret, "query", {"Referer": "https://evil.test/"}).get(ITEMS)
    assert_problem(r, 403, "key-referer-denied")

    # IP binding: the tests call from 127.0.0.1.
    far = make_key(owner, name="server", ips=["10.0.0.0/8"])
    assert_problem(key_client(s, far["key"]).get(ITEMS), 403, "key-ip-denied")
    near = make_key(owner, name="local", ips=["10.0.0.0/8", "127.0.0.1/32"])
    assert key_client(s, near["key"]).get(ITEMS).status == 200
    # The binding is changed by PATCH.
    r = owner.patch(f"/api/v1/keys/{far['id']}", {"ips": ["127.0.0.0/8"]})
    assert r.status == 200 and r.json()["ips"] == ["127.0.0.0/8"], r.body
    assert key_client(s, far["key"]).get(ITEMS).status == 200

    # Bad patterns are refused at creation.
    assert_problem(owner.post("/api/v1/keys", {"name": "x", "ips": ["10.0.0.300/8"]}), 400, "invalid-ip-pattern")
    assert_problem(owner.post("/api/v1/keys", {"name": "x", "referers": ["http://"]}), 400,
                   "invalid-referer-pattern")

    # Unknown key.
    assert_problem(key_client(s, "sk_not_a_real_key_123456").get(ITEMS), 401, "invalid-key")
    assert_problem(key_client(s, "sk_not_a_real_key_123456", "query").get(ITEMS), 401, "invalid-key")

    # Disabled keys are refused; enabling again works.
    r = owner.patch(f"/api/v1/keys/{near['id']}", {"disabled": True})
    assert r.status == 200 and r.json()["disabled"] is True
    assert_problem(key_client(s, near["key"]).get(ITEMS), 403, "key-disabled")
    owner.patch(f"/api/v1/keys/{near['id']}", {"disabled": False})
    assert key_client(s, near["key"]).get(ITEMS).status == 200
    # Created disabled.
    off = make_key(owner, name="off", disabled=True)
    assert_problem(key_client(s, off["key"]).get(ITEMS), 403, "key-disabled")

    # Other users do not see the key (404), admins do.
    make_user(admin, "ivy")
    ivy = Client(s)
    ivy.login("ivy")
    assert ivy.get(f"/api/v1/keys/{k['id']}").status == 404
    assert ivy.patch(f"/api/v1/keys/{k['id']}", {"disabled": True}).status == 404
    assert ivy.delete(f"/api/v1/keys/{k['id']}").status == 404
    assert ivy.get(f"/api/v1/keys/{k['id']}/usage").status == 404
    assert ivy.get("/api/v1/keys").json()["keys"] == []
    assert admin.get(f"/api/v1/keys/{k['id']}").status == 200
    owners = {x["id"]: x["owner"] for x in admin.get("/api/v1/admin/keys?owner=hank").json()["keys"]}
    assert set(owners.values()) == {"hank"} and k["id"] in owners

    # Denials are audited.
    events = admin.get("/api/v1/admin/audit?action=key-denied&limit=100").json()["events"]
    assert any(e["target"] == k["id"] for e in events), events
    assert any(e["target"] == far["id"] for e in events), events

    # Deleted keys stop working.
    assert owner.delete(f"/api/v1/keys/{k['id']}").status == 204
    assert owner.get(f"/api/v1/keys/{k['id']}").status == 404
    assert_problem(key_client(s, secret, "header", good).get(ITEMS), 401, "invalid-key")


def test_quota_runs_out_and_resets_next_day(make_server):
    s = make_server(*GENEROUS_LOGIN)
    admin = admin_client(s)
    make_user(admin, "jack")
    owner = Client(s)
    owner.login("jack")
    k = make_key(owner, name="quota", quotas={"features": 3})
    expiring = make_key(owner, name="expiring",
                        expires=(datetime.datetime.now(datetime.timezone.utc)
                                 + datetime.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert expiring["expires"]
    c = key_client(s, k["key"])
    day1 = shanghai_day()
    for _ in range(3):
        assert c.get(ITEMS).status == 200
    for _ in range(2):
        r = c.get(ITEMS)
        assert_problem(r, 429, "quota-exceeded")
        assert 0 < retry_after(r) <= 86400
    # Other services of the same key are not limited by the features quota.
    assert c.get("/api/v1/datasets/cities").status == 200
    assert key_client(s, expiring["key"]).get(ITEMS).status == 200

    # Tomorrow: the same data dir with the security clock a day ahead.
    s.stop()
    s.extra_args += ["--set", "security.clock_offset_s=86400"]
    s.start()
    day2 = shanghai_day(86400)
    assert day1 != day2
    for _ in range(3):
        r = c.get(ITEMS)
        assert r.status == 200, r.body[:300]
    assert_problem(c.get(ITEMS), 429, "quota-exceeded")
    # The 6-hour key has expired by now.
    assert_problem(key_client(s, expiring["key"]).get(ITEMS), 403, "key-expired")

    owner = Client(s)
    owner.login("jack")
    r = owner.get(f"/api/v1/keys/{k['id']}/usage")
    assert r.status == 200, r.body
    u = r.json()
    assert u["key_id"] == k["id"]
    features = {row["day"]: (row["count"], row["denied"]) for row in u["usage"]
                if row["service"] == "features"}
    assert features == {day1: (3, 2), day2: (3, 1)}, u
    only2 = owner.get(f"/api/v1/keys/{k['id']}/usage?from={day2}&to={day2}").json()["usage"]
    assert {row["day"] for row in only2} == {day2}
    # Admins read everyone's usage.
    admin = admin_client(s)
    rows = admin.get(f"/api/v1/admin/usage?from={day1}&to={day2}").json()["usage"]
    mine = {(row["day"], row["count"], row["denied"]) for row in rows
            if row["key_id"] == k["id"] and row["service"] == "features"}
    assert mine == {(day1, 3, 2), (day2, 3, 1)}


def test_require_key(make_server):
    s = make_server(*GENEROUS_LOGIN, "--set", "security.require_key=true")
    admin = admin_client(s)
    assert_problem(Client(s).get(ITEMS), 401, "key-required")
    assert_problem(Client(s).get("/ogc/collections/cities/items/1"), 401, "key-required")
    assert_problem(Client(s).get("/api/v1/datasets/cities/download?format=geojson"), 401, "key-required")
    make_user(admin, "kate")
    owner = Client(s)
    owner.login("kate")
    k = make_key(owner)
    assert key_client(s, k["key"]).get(ITEMS).status == 200
    assert key_client(s, k["key"], "query").get(ITEMS).status == 200
    # A signed-in portal session also passes.
    assert owner.get(ITEMS).status == 200
    # Health and CORS preflights are not gated.
    assert Client(s).get("/health").status == 200
    pre = Client(s).request("OPTIONS", ITEMS, headers={"Origin": "http://example.org",
                                                       "Access-Control-Request-Method": "GET"})
    assert pre.status in (200, 204)
    # A key made by the CLI, bound to another network.
    cli_key = s.cli("key", "add", "--user", "kate", "--name", "cli", "--ip", "10.0.0.0/8",
                    "--quota", "features=5").stdout.strip()
    assert cli_key and "\n" not in cli_key
    assert_problem(key_client(s, cli_key).get(ITEMS), 403, "key-ip-denied")
    listed = s.cli("key", "list", "--user", "kate").stdout
    assert "cli" in listed and cli_key not in listed


# ---------------------------------------------------------------------------------------------
# access levels


def visible(client, dataset_id):
    """Which read paths show the dataset to this client (status codes and list membership)."""
    return {
        "collection": client.get(f"/ogc/collections/{dataset_id}").status,
        "items": client.get(f"/ogc/collections/{dataset_id}/items?limit=1").status,
        "item": client.get(f"/ogc/collections/{dataset_id}/items/1").status,
        "queryables": client.get(f"/ogc/collections/{dataset_id}/queryables").status,
        "dataset": client.get(f"/api/v1/datasets/{dataset_id}").status,
        "download": client.get(f"/api/v1/datasets/{dataset_id}/download?format=geojson").status,
        "ogc-list": dataset_id in [c["id"] for c in client.get("/ogc/collections").json()["collections"]],
        "api-list": dataset_id in [d["id"] for d in client.get("/api/v1/datasets").json()["datasets"]],
    }


SEEN = {"collection": 200, "items": 200, "item": 200, "queryables": 200, "dataset": 200,
        "download": 200, "ogc-list": True, "api-list": True}
HIDDEN = {"collection": 404, "items": 404, "item": 404, "queryables": 404, "dataset": 404,
          "download": 404, "ogc-list": False, "api-list": False}


def test_restricted_dataset(make_server):
    s = make_server(*GENEROUS_LOGIN, fixtures=("cities", "holes"))
    admin = admin_client(s)
    make_user(admin, "lena")
    make_user(admin, "mike")
    make_user(admin, "nina", groups=["survey"])
    lena = Client(s)
    lena.login("lena")
    granted = make_key(lena, name="granted")
    other = make_key(lena, name="not granted")

    assert visible(Client(s), "cities") == SEEN
    r = admin.patch("/api/v1/datasets/cities", {"access": "restricted"})
    assert r.status == 200 and r.json()["access"] == "restricted", r.body
    r = admin.put("/api/v1/datasets/cities/grants", {"grants": [
        {"kind": "key", "grantee": granted["id"]}, {"kind": "user", "grantee": "mike"},
        {"kind": "group", "grantee": "survey"}]})
    assert r.status == 200, r.body
    assert sorted((g["kind"], g["grantee"]) for g in r.json()["grants"]) == \
        [("group", "survey"), ("key", granted["id"]), ("user", "mike")]
    assert admin.get("/api/v1/datasets/cities/grants").json() == r.json()

    assert visible(Client(s), "cities") == HIDDEN
    assert visible(key_client(s, granted["key"]), "cities") == SEEN
    assert visible(key_client(s, granted["key"], "query"), "cities") == SEEN
    assert visible(key_client(s, other["key"]), "cities") == HIDDEN
    assert visible(lena, "cities") == HIDDEN  # the key's owner is not the grantee
    mike = Client(s)
    mike.login("mike")
    assert visible(mike, "cities") == SEEN
    nina = Client(s)
    nina.login("nina")
    assert visible(nina, "cities") == SEEN  # through her group
    assert visible(admin, "cities") == SEEN
    # The public neighbour is untouched.
    assert visible(Client(s), "holes") == SEEN
    # Grants are not for others to read or change.
    assert mike.get("/api/v1/datasets/cities/grants").status in (403, 404)
    assert mike.put("/api/v1/datasets/cities/grants", {"grants": []}).status in (403, 404)
    assert Client(s).get("/api/v1/datasets/cities/grants").status in (401, 404)
    # Filters and search paths do not leak it either: a CQL2 filter on anonymous gets 404.
    q = urllib.parse.quote("name = 'Tokyo'")
    assert Client(s).get(f"/ogc/collections/cities/items?filter={q}").status == 404
    events = admin.get("/api/v1/admin/audit?action=grants-change").json()["events"]
    assert [e["target"] for e in events] == ["cities"]
    events = admin.get("/api/v1/admin/audit?action=access-change").json()["events"]
    assert [e["target"] for e in events] == ["cities"]


def upload_csv(client, dataset_id, access=None):
    body = b"name,lon,lat\nA,116.4,39.9\nB,121.5,31.2\n"
    q = f"/api/v1/datasets?filename=points.csv&id={dataset_id}"
    if access:
        q += f"&access={access}"
    return client.post(q, body, headers={"Content-Type": "text/csv"})


def wait_job(client, job_id):
    deadline = time.time() + 120
    while time.time() < deadline:
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["state"] in ("succeeded", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError("job did not finish")


def test_uploads_private_registered_and_jobs(make_server):
    s = make_server(*GENEROUS_LOGIN, fixtures=())
    admin = admin_client(s)
    make_user(admin, "olga", role="publisher")
    make_user(admin, "paul", role="user")
    make_user(admin, "quin", role="publisher")
    olga = Client(s)
    olga.login("olga")
    paul = Client(s)
    paul.login("paul")
    quin = Client(s)
    quin.login("quin")

    assert_problem(upload_csv(Client(s), "anon"), 401, "unauthenticated")
    assert_problem(upload_csv(paul, "paul-data"), 403, "forbidden")
    r = olga.post("/api/v1/datasets?filename=p.csv&id=no-csrf", b"name,lon,lat\nA,1,2\n",
                  headers={"Content-Type": "text/csv"}, csrf=False)
    assert_problem(r, 403, "csrf-failed")

    r = upload_csv(olga, "olga-private", access="private")
    assert r.status == 202, r.body
    job_id = r.json()["id"]
    job = wait_job(olga, job_id)
    assert job["state"] == "succeeded", job
    # An upload is a draft until published (the workflow is tested in test_records_api.py);
    # from here on this test is about access levels.
    assert admin.post("/api/v1/records/olga-private/publish", {}).status == 200
    # Jobs are their owner's (and admins').
    assert Client(s).get(f"/api/v1/jobs/{job_id}").status == 404
    assert paul.get(f"/api/v1/jobs/{job_id}").status == 404
    assert quin.get(f"/api/v1/jobs/{job_id}").status == 404
    assert admin.get(f"/api/v1/jobs/{job_id}").status == 200

    ds = olga.get("/api/v1/datasets/olga-private").json()
    assert ds["access"] == "private"
    assert visible(olga, "olga-private") == SEEN
    assert visible(admin, "olga-private") == SEEN
    assert visible(paul, "olga-private") == HIDDEN
    assert visible(quin, "olga-private") == HIDDEN  # another publisher
    assert visible(Client(s), "olga-private") == HIDDEN
    # Others cannot change or delete it (it does not exist for them).
    assert quin.patch("/api/v1/datasets/olga-private", {"title": "mine"}).status == 404
    assert quin.delete("/api/v1/datasets/olga-private").status == 404
    assert Client(s).request("DELETE", "/api/v1/datasets/olga-private").status in (401, 404)

    # Registered: any signed-in user or key, not anonymous.
    r = olga.patch("/api/v1/datasets/olga-private", {"access": "registered"})
    assert r.status == 200, r.body
    assert visible(paul, "olga-private") == SEEN
    assert visible(quin, "olga-private") == SEEN
    k = make_key(paul, name="paul's app")
    assert visible(key_client(s, k["key"]), "olga-private") == SEEN
    assert visible(Client(s), "olga-private") == HIDDEN
    # Visible is not writable.
    assert quin.patch("/api/v1/datasets/olga-private", {"title": "mine"}).status == 403
    assert olga.delete("/api/v1/datasets/olga-private").status == 204
    assert admin.get("/api/v1/datasets/olga-private").status == 404
    events = admin.get("/api/v1/admin/audit?action=upload").json()["events"]
    assert any(e["actor"] == "olga" for e in events), events
    events = admin.get("/api/v1/admin/audit?action=dataset-delete").json()["events"]
    assert [(e["actor"], e["target"]) for e in events] == [("olga", "olga-private")]


# ---------------------------------------------------------------------------------------------
# admin API


def test_admin_users_roles_and_audit(make_server):
    s = make_server(*GENEROUS_LOGIN, fixtures=())
    admin = admin_client(s)
    make_user(admin, "rita")
    rita = Client(s)
    rita.login("rita")
    assert_problem(rita.get("/api/v1/admin/users"), 403, "forbidden")
    assert_problem(Client(s).get("/api/v1/admin/users"), 401, "unauthenticated")
    assert_problem(Client(s).get("/api/v1/admin/audit"), 401, "unauthenticated")

    users = admin.get("/api/v1/admin/users").json()["users"]
    assert {u["name"] for u in users} == {ADMIN, "rita"}
    assert all("password_hash" not in u for u in users)
    assert_problem(admin.post("/api/v1/admin/users", {"name": "rita", "password": PASSWORD,
                                                     "role": "user", "groups": []}), 409, "user-exists")
    r = admin.patch("/api/v1/admin/users/rita", {"role": "reviewer", "groups": ["qa"]})
    assert r.status == 200 and r.json()["role"] == "reviewer" and r.json()["groups"] == ["qa"], r.body
    me = rita.get("/api/v1/auth/me").json()
    assert me["role"] == "reviewer" and me["groups"] == ["qa"]
    assert admin.patch("/api/v1/admin/users/rita", {"role": "emperor"}).status == 400

    events = admin.get("/api/v1/admin/audit?action=role-change").json()["events"]
    assert [(e["actor"], e["target"]) for e in events] == [(ADMIN, "rita")]
    assert "reviewer" in json.dumps(events[0]["detail"])

    # Disabled accounts cannot log in and lose their sessions.
    r = admin.patch("/api/v1/admin/users/rita", {"disabled": True})
    assert r.status == 200 and r.json()["disabled"] is True
    assert_problem(Client(s).post("/api/v1/auth/login", {"name": "rita", "password": PASSWORD}),
                   401, "invalid-credentials")
    assert rita.get("/api/v1/auth/me").json()["method"] == "none"
    assert admin.delete("/api/v1/admin/users/rita").status == 204
    assert admin.get("/api/v1/admin/users/rita").status == 404

    # The audit log: JSON with paging, and CSV.
    everything = admin.get("/api/v1/admin/audit?limit=1000").json()["events"]
    actions = [e["action"] for e in everything]
    for a in ("user-create", "login", "user-update", "role-change", "user-delete"):
        assert a in actions, (a, actions)
    seqs = [e["seq"] for e in everything]
    assert len(set(seqs)) == len(seqs)
    assert all(set(e) >= {"seq", "at", "actor", "action", "target", "ip", "outcome", "detail"}
               for e in everything)
    assert all(e["ip"] == "127.0.0.1" for e in everything if e["action"] == "login")
    page1 = admin.get("/api/v1/admin/audit?limit=2").json()
    assert len(page1["events"]) == 2 and page1["next_after"] is not None
    page2 = admin.get(f"/api/v1/admin/audit?limit=2&after={page1['next_after']}").json()
    assert not {e["seq"] for e in page1["events"]} & {e["seq"] for e in page2["events"]}
    by_actor = admin.get(f"/api/v1/admin/audit?actor={ADMIN}&limit=1000").json()["events"]
    assert by_actor and all(e["actor"] == ADMIN for e in by_actor)

    r = admin.get("/api/v1/admin/audit?format=csv&limit=1000")
    assert r.status == 200 and r.header("Content-Type", "").startswith("text/csv")
    lines = r.body.decode().splitlines()
    assert lines[0] == "seq,at,actor,action,target,ip,outcome,detail"
    assert len(lines) == 1 + len(everything)
    assert any(",role-change,rita," in line for line in lines[1:])


def test_admin_services_switch(make_server):
    s = make_server(*GENEROUS_LOGIN)
    admin = admin_client(s)
    assert Client(s).get(ITEMS).status == 200
    services = {x["service"]: x for x in admin.get("/api/v1/admin/services").json()["services"]}
    assert set(services) >= {"features", "tiles", "maps", "downloads", "api", "upload"}
    assert services["features"]["enabled"] is True and services["features"]["requests"] >= 1
    assert set(services["features"]) >= {"service", "enabled", "requests", "errors", "refused", "error_rate"}

    r = admin.patch("/api/v1/admin/services/features", {"enabled": False})
    assert r.status == 200 and r.json()["enabled"] is False, r.body
    for path in (ITEMS, "/ogc/collections/cities/items/1"):
        r = Client(s).get(path)
        assert_problem(r, 503, "service-disabled")
    assert_problem(admin.get(ITEMS), 503, "service-disabled")
    # Other services go on.
    assert Client(s).get("/api/v1/datasets/cities").status == 200
    assert Client(s).get("/api/v1/datasets/cities/download?format=csv").status == 200
    assert admin.patch("/api/v1/admin/services/nonsense", {"enabled": False}).status in (400, 404)
    r = admin.patch("/api/v1/admin/services/features", {"enabled": True})
    assert r.status == 200 and r.json()["enabled"] is True
    assert Client(s).get(ITEMS).status == 200
    events = admin.get("/api/v1/admin/audit?action=service-change").json()["events"]
    assert [e["target"] for e in events] == ["features", "features"]


def test_admin_bans(make_server):
    s = make_server(*GENEROUS_LOGIN)
    admin = admin_client(s)
    make_user(admin, "sam")
    sam = Client(s)
    sam.login("sam")
    k = make_key(sam)
    kc = key_client(s, k["key"])
    assert kc.get(ITEMS).status == 200

    r = admin.post("/api/v1/admin/bans", {"dimension": "key", "value": k["id"], "seconds": 600,
                                          "reason": "scraping"})
    assert r.status == 201, r.body
    r = kc.get(ITEMS)
    assert_problem(r, 429, "banned")
    assert 0 < retry_after(r) <= 600
    assert Client(s).get(ITEMS).status == 200  # the ban is on that key only

    r = admin.post("/api/v1/admin/bans", {"dimension": "referer", "value": "evil.example",
                                          "seconds": 600, "reason": "hotlinking"})
    assert r.status == 201, r.body
    assert_problem(Client(s, {"Referer": "https://evil.example/page.html"}).get(ITEMS), 429, "banned")
    assert Client(s, {"Referer": "https://good.example/page.html"}).get(ITEMS).status == 200

    bans = admin.get("/api/v1/admin/bans").json()["bans"]
    assert sorted((b["dimension"], b["value"], b["reason"]) for b in bans) == \
        [("key", k["id"], "scraping"), ("referer", "evil.example", "hotlinking")]
    assert all(b["until"] for b in bans)
    assert admin.post("/api/v1/admin/bans", {"dimension": "planet", "value": "x", "seconds": 5,
                                             "reason": ""}).status == 400
    assert_problem(sam.get("/api/v1/admin/bans"), 403, "forbidden")

    assert admin.delete(f"/api/v1/admin/bans/key/{k['id']}").status == 204
    assert admin.delete("/api/v1/admin/bans/referer/evil.example").status == 204
    assert admin.get("/api/v1/admin/bans").json()["bans"] == []
    assert kc.get(ITEMS).status == 200
    assert Client(s, {"Referer": "https://evil.example/page.html"}).get(ITEMS).status == 200
    actions = [e["action"] for e in admin.get("/api/v1/admin/audit?limit=1000").json()["events"]]
    assert actions.count("ban") == 2 and actions.count("unban") == 2


# ---------------------------------------------------------------------------------------------
# flood protection


def hammer(server, path, n, headers=None):
    """n requests over one keep-alive connection; returns the responses' (status, Retry-After, code)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    out = []
    try:
        for _ in range(n):
            conn.request("GET", path, headers=headers or {})
            r = conn.getresponse()
            body = r.read()
            code = None
            if r.status >= 400 and body:
                try:
                    code = json.loads(body).get("code")
                except ValueError:
                    pass
            out.append((r.status, r.getheader("Retry-After"), code))
            if r.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    finally:
        conn.close()
    return out


def test_trusted_proxy_separates_identities(make_server):
    limit = ["--set", "limits.api.ip=1/h burst 5"]
    s = make_server(*limit, "--set", "security.trusted_proxies=127.0.0.1/32", fixtures=())
    a = hammer(s, "/api/v1/datasets", 6, {"X-Forwarded-For": "198.51.100.1"})
    assert [x[0] for x in a] == [200] * 5 + [429]
    assert a[5][2] == "rate-limited" and int(a[5][1]) >= 1
    b = hammer(s, "/api/v1/datasets", 5, {"X-Forwarded-For": "198.51.100.2"})
    assert [x[0] for x in b] == [200] * 5
    # A client may prepend anything; the address the trusted proxy added is the one used.
    c = hammer(s, "/api/v1/datasets", 1, {"X-Forwarded-For": "203.0.113.50, 198.51.100.1"})
    assert c[0][0] == 429

    t = make_server(*limit, fixtures=())  # no trusted proxy: the header is ignored
    a = hammer(t, "/api/v1/datasets", 3, {"X-Forwarded-For": "198.51.100.1"})
    b = hammer(t, "/api/v1/datasets", 3, {"X-Forwarded-For": "198.51.100.2"})
    assert [x[0] for x in a + b] == [200] * 5 + [429]


def test_flood_gets_429_while_other_identity_is_served(make_server):
    s = make_server("--set", "limits.api=20/s burst 20", "--set", "security.trusted_proxies=127.0.0.1/32",
                    fixtures=())
    flood = hammer(s, "/api/v1/datasets", 100, {"X-Forwarded-For": "198.51.100.1"})
    statuses = [x[0] for x in flood]
    assert set(statuses) <= {200, 429}
    assert statuses[:20] == [200] * 20  # the burst
    refused = [x for x in flood if x[0] == 429]
    assert refused, "100 back-to-back requests at 20/s burst 20 were never refused"
    assert all(x[2] == "rate-limited" and x[1] is not None and int(x[1]) >= 1 for x in refused)
    other = hammer(s, "/api/v1/datasets", 10, {"X-Forwarded-For": "203.0.113.9"})
    assert [x[0] for x in other] == [200] * 10

    m = Client(s).get("/metrics").body.decode()
    assert re.search(r'shikong_rate_limited_total\{[^}]*dimension="ip"[^}]*\} [1-9]', m), \
        [line for line in m.splitlines() if "rate" in line]


def test_repeated_abuse_bans_then_ban_expires(make_server):
    s = make_server(*GENEROUS_LOGIN, "--set", "limits.api.ip=1/h burst 2", "--set", "limits.ban_after=3",
                    "--set", "limits.ban_window_s=600", "--set", "limits.ban_s=3",
                    "--set", "security.trusted_proxies=127.0.0.1/32")
    abuser = {"X-Forwarded-For": "198.51.100.66"}
    res = hammer(s, "/api/v1/datasets", 5, abuser)
    assert [x[0] for x in res] == [200, 200, 429, 429, 429]
    # The rejection that reaches ban_after may already be answered as a ban.
    assert [x[2] for x in res[2:4]] == ["rate-limited"] * 2 and res[4][2] in ("rate-limited", "banned")
    # Banned now, on every route class (items are not limited by limits.api).
    r = Client(s, abuser).get(ITEMS)
    assert_problem(r, 429, "banned")
    assert 1 <= retry_after(r) <= 3
    admin = admin_client(s)  # from 127.0.0.1, not banned
    bans = admin.get("/api/v1/admin/bans").json()["bans"]
    assert [(b["dimension"], b["value"]) for b in bans] == [("ip", "198.51.100.66")]
    assert Client(s, {"X-Forwarded-For": "198.51.100.67"}).get(ITEMS).status == 200
    m = Client(s).get("/metrics").body.decode()
    assert re.search(r"^shikong_bans_active 1$", m, re.M), \
        [line for line in m.splitlines() if "ban" in line]

    # The ban expires by itself (waits for the clock; asserts no duration).
    deadline = time.time() + 60
    while True:
        r = Client(s, abuser).get(ITEMS)
        if r.status == 200 or time.time() > deadline:
            break
        assert_problem(r, 429, "banned")
        time.sleep(0.5)
    assert r.status == 200
    assert admin.get("/api/v1/admin/bans").json()["bans"] == []
    events = admin.get("/api/v1/admin/audit?action=ban").json()["events"]
    assert [e["target"] for e in events] == ["ip:198.51.100.66"] or \
        [e["target"] for e in events] == ["198.51.100.66"]


def test_metrics_series(make_server):
    s = make_server(*GENEROUS_LOGIN)
    admin = admin_client(s)
    make_user(admin, "tess")
    t = Client(s)
    t.login("tess")
    k = make_key(t, ips=["10.0.0.0/8"])
    good = make_key(t)
    assert key_client(s, good["key"]).get(ITEMS).status == 200
    assert key_client(s, k["key"]).get(ITEMS).status == 403
    Client(s).post("/api/v1/auth/login", {"name": "tess", "password": "nope-nope-1"})
    m = Client(s).get("/metrics").body.decode()
    assert re.search(r'shikong_key_requests_total\{[^}]*service="features"[^}]*\} [1-9]', m), \
        [line for line in m.splitlines() if "key" in line]
    assert re.search(r'shikong_key_denied_total\{[^}]*reason="key-ip-denied"[^}]*\} [1-9]', m), \
        [line for line in m.splitlines() if "key" in line]
    assert re.search(r'shikong_auth_failures_total\{[^}]*reason="invalid-credentials"[^}]*\} [1-9]', m), \
        [line for line in m.splitlines() if "auth" in line]
    assert "shikong_rate_limited_total" in m


def test_connection_cap_and_slow_clients(make_server):
    import socket
    s = make_server("--set", "server.max_connections_per_ip=4", "--set", "server.request_timeout_s=2",
                    fixtures=())
    # Four kept-alive connections, each proven accepted by an answered request.
    held = []
    for _ in range(4):
        c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
        c.request("GET", "/api/v1/auth/me")
        r = c.getresponse()
        r.read()
        assert r.status == 200
        held.append(c)
    # A fifth from the same address is turned away with a short 503.
    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
    try:
        c.request("GET", "/api/v1/auth/me")
        r = c.getresponse()
        body = r.read()
        assert r.status == 503 and json.loads(body)["code"] == "too-many-connections"
    finally:
        c.close()
    held.pop().close()
    deadline = time.time() + 30
    while True:  # the freed slot is usable once the server has seen the close
        r = Client(s).get("/api/v1/auth/me")
        if r.status == 200 or time.time() > deadline:
            break
        time.sleep(0.1)
    assert r.status == 200
    for c in held:
        c.close()

    # Slowloris: a header that never ends is cut off by the server, while others are served.
    slow = socket.create_connection(("127.0.0.1", s.port), timeout=30)
    try:
        slow.sendall(b"GET /api/v1/auth/me HTTP/1.1\r\nHost: x\r\nX-Slow: 1")
        assert Client(s).get("/api/v1/auth/me").status == 200
        got = slow.recv(4096)  # returns when the server answers or closes; 30 s socket timeout
        assert got == b"" or got.startswith(b"HTTP/1.1 408"), got[:100]
    finally:
        slow.close()
