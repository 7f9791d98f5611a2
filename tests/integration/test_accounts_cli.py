"""The account commands and the [security]/[limits] configuration against a real server: users
and keys made at the terminal work over HTTP, a TOML file's limits are enforced and counted in
/metrics, the first admin comes from the environment, and a bad setting stops the server."""
import json
import os
import subprocess

from conftest import BIN, Server


def login(server, name, password):
    return server.request("POST", "/api/v1/auth/login", body=json.dumps({"name": name, "password": password}).encode(),
                          headers={"Content-Type": "application/json"})


def test_cli_users_and_keys_work_over_http(tmp_path):
    s = Server(str(tmp_path / "d"), ["--set", "security.password_cost=test"])
    s.cli("user", "add", "lin", "--role", "publisher", "--group", "survey", "--password-stdin",
          input="lin-password-1\n")
    key = s.cli("key", "add", "--user", "lin", "--name", "app").stdout
    assert key.count("\n") == 1 and len(key.strip()) >= 32
    key = key.strip()
    listed = s.cli("key", "list", "--user", "lin").stdout
    assert key not in listed and " app " in listed
    users = s.cli("user", "list").stdout
    assert "lin" in users and "publisher" in users and "survey" in users
    s.start()
    try:
        me = s.get("/api/v1/auth/me", headers={"X-API-Key": key}).json()
        assert me["name"] == "lin" and me["role"] == "publisher" and me["method"] == "key"
        assert login(s, "lin", "lin-password-1").status == 200

        s.cli("user", "passwd", "lin", "--password-stdin", input="lin-password-2\n")
        assert login(s, "lin", "lin-password-1").status == 401
        assert login(s, "lin", "lin-password-2").status == 200

        s.cli("user", "delete", "lin")
        # The running server may still know the key from its cache (up to 30 s), but not the
        # account behind it: the key is refused either way.
        r = s.get("/api/v1/auth/me", headers={"X-API-Key": key})
        assert r.status in (401, 403) and r.json()["code"] in ("invalid-key", "key-disabled"), r.body
        assert "lin" not in s.cli("user", "list").stdout
        # The terminal's actions are in the audit log, by "cli".
        audit = s.get("/api/v1/admin/audit?actor=cli&limit=100", headers=s.auth()).json()["events"]
        actions = [(e["action"], e["target"]) for e in audit]
        assert ("user-create", "lin") in actions and ("user-delete", "lin") in actions
        assert ("password-reset", "lin") in actions
    finally:
        s.stop()


def test_toml_limits_are_enforced_and_counted(tmp_path):
    conf = tmp_path / "shikong.toml"
    conf.write_text('[security]\nopen_registration = false\n\n[limits]\napi = "1/min burst 2"\n')
    s = Server(str(tmp_path / "d"), ["--config", str(conf)])
    s.start()
    try:
        assert [s.get("/api/v1/datasets").status for _ in range(3)] == [200, 200, 429]
        r = s.get("/api/v1/datasets")
        assert r.status == 429 and int(r.header("Retry-After")) >= 1
        metrics = s.get("/metrics")
        assert metrics.status == 200  # /metrics is not in the api class
        assert 'shikong_rate_limited_total{dimension="ip"} 2' in metrics.body.decode()
    finally:
        s.stop()


def test_first_admin_from_the_environment(tmp_path):
    s = Server(str(tmp_path / "d"), env={"SHIKONG_SECURITY_ADMIN_PASSWORD": "env-admin-password",
                                         "SHIKONG_SECURITY_ADMIN_USER": "chief",
                                         "SHIKONG_SECURITY_PASSWORD_COST": "test"})
    assert "chief" not in s.cli("user", "list").stdout
    s.start()
    try:
        r = login(s, "chief", "env-admin-password")
        assert r.status == 200, r.body
        assert r.json()["user"]["role"] == "admin"
    finally:
        s.stop()
    # Started again with another password, the existing account keeps its own.
    s.env["SHIKONG_SECURITY_ADMIN_PASSWORD"] = "another-password-2"
    s.start()
    try:
        assert login(s, "chief", "another-password-2").status == 401
        assert login(s, "chief", "env-admin-password").status == 200
    finally:
        s.stop()


def test_bad_security_setting_stops_the_server(tmp_path):
    r = subprocess.run([BIN, "serve", "--data", str(tmp_path / "d"), "--listen", "127.0.0.1:0",
                        "--set", "limits.tiles=fast"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "limits.tiles" in r.stderr
    r = subprocess.run([BIN, "user", "add", "x", "--data", str(tmp_path / "d"),
                        "--set", "security.password_cost=slow"], capture_output=True, text=True,
                       input="whatever-password\n", timeout=60)
    assert r.returncode == 2 and "security.password_cost" in r.stderr
