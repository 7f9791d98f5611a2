"""Fixtures for integration tests: a real shikong server on a free port with its own data dir.

Every Server gets an admin account and an API key of it (self.admin_key) before it starts,
made with the CLI; uploads, jobs and changes send that key, plain get() stays anonymous."""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest

BIN = os.environ.get("SHIKONG_BIN", os.path.join(os.path.dirname(__file__), "../../build/shikong"))
DATA = os.environ.get("SHIKONG_SHARED_DATA", os.path.join(os.path.dirname(__file__), "../../../shared/data"))


# shared/data fixtures imported for the read-only tests: file, dataset id, extra import flags.
FIXTURES = [
    ("naturalearth_lowres.shp.zip", "countries", []),
    ("naturalearth_cities.shp.zip", "cities", []),
    ("nc_sids_nad27.gpkg", "nc-sids", []),
    ("scotland_bng.shp.zip", "scotland", []),
    ("polygon_holes.shp.zip", "holes", []),
    ("kiritimati_roads_utm4n.shp.zip", "kiritimati", []),
    ("london_cycle_hire.geojson", "cycle-hire", []),
    ("luxembourg_admin.kml", "luxembourg", []),
    ("ireland_wind_1961_1978.csv", "ireland-wind", []),
    ("gps_track_2009.gpx", "gps-track", []),
    ("china_provinces_echarts.geojson", "china-provinces", []),
    ("openflights_airports.csv", "airports", []),
]


# The admin account every test server's data directory starts with.
ADMIN_USER = "admin"
ADMIN_PASSWORD = "integration-admin-password"


def settings_of(args):
    """The KEY=VALUE pairs of the --set flags in `args` (a later one wins)."""
    out = {}
    for i, a in enumerate(args):
        v = args[i + 1] if a == "--set" and i + 1 < len(args) else a[6:] if a.startswith("--set=") else None
        if v is not None and "=" in v:
            k, _, val = v.partition("=")
            out[k] = val
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def header(self, name):
        return self.headers.get(name)


class Server:
    """A shikong process; `cli()` runs other subcommands on the same data dir."""

    def __init__(self, data_dir, extra_args=(), env=None):
        self.data_dir = data_dir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.extra_args = list(extra_args)
        self.env = None if env is None else {**os.environ, **env}  # SHIKONG_* for serve and cli
        self.proc = None
        os.makedirs(data_dir, exist_ok=True)
        self.log = open(os.path.join(data_dir, "server.log"), "ab")
        # The CLI reads the same settings as the server (a test's admin name and password,
        # password cost); a data directory used again (a restart test) keeps its admin, and a
        # new key is made anyway.
        self.settings = settings_of(self.extra_args)
        self.admin_user = self.settings.get("security.admin_user", ADMIN_USER)
        self.admin_password = self.settings.get("security.admin_password", ADMIN_PASSWORD)
        r = self.cli("user", "add", self.admin_user, "--admin", "--password-stdin",
                     input=self.admin_password + "\n", check=False)
        if r.returncode != 0 and "exists" not in r.stderr:
            raise AssertionError(f"shikong user add failed ({r.returncode}): {r.stderr}")
        self.admin_key = self.cli("key", "add", "--user", self.admin_user, "--name", "tests").stdout.strip()
        assert self.admin_key, "shikong key add printed no key"

    def auth(self, headers=None):
        """`headers` plus the admin's API key."""
        return {**(headers or {}), "X-API-Key": self.admin_key}
    def start(self):
        self.proc = subprocess.Popen(
            [BIN, "serve", "--data", self.data_dir, "--listen", f"127.0.0.1:{self.port}"] + self.extra_args,
            stdout=self.log, stderr=self.log, env=self.env)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.data_dir}/server.log")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    pass
                if self.get("/health").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("server did not become ready")

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def kill(self):
        self.stop(signal.SIGKILL)

    def request(self, method, path, body=None, headers=None, timeout=120):
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return Response(r.status, r.headers, r.read())
        except urllib.error.HTTPError as e:
            return Response(e.code, e.headers, e.read())

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def cli(self, *args, check=True, input=None):
        sets = [a for k, v in self.settings.items() for a in ("--set", f"{k}={v}")] \
            if hasattr(self, "settings") else []
        r = subprocess.run([BIN, *args, "--data", self.data_dir, *sets], capture_output=True, text=True,
                           timeout=600, input=input, env=getattr(self, "env", None))
        if check and r.returncode != 0:
            raise AssertionError(f"shikong {' '.join(args)} failed ({r.returncode}): {r.stderr}")
        return r

    def wait_job(self, job_id, timeout=300, publish=True):
        """Waits for an import job. Uploads start as drafts: with `publish` (the default, for
        tests about something else than the workflow) the admin publishes the dataset's record."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            job = self.get(f"/api/v1/jobs/{job_id}", headers=self.auth()).json()
            if job["state"] in ("succeeded", "failed"):
                if publish and job["state"] == "succeeded":
                    self.publish(job["dataset_id"])
                return job
            time.sleep(0.1)
        raise AssertionError(f"job {job_id} did not finish")

    def publish(self, record_id):
        """Publishes a record as admin. A record already published (a re-upload) stays so: the
        only state publishing refuses (409) is published itself."""
        r = self.request("POST", f"/api/v1/records/{record_id}/publish", body=b"{}",
                         headers=self.auth({"Content-Type": "application/json"}))
        if r.status == 409 and r.json().get("code") == "invalid-transition":
            return None
        if r.status != 200:
            raise AssertionError(f"publishing {record_id} failed ({r.status}): {r.body[:300]!r}")
        return r.json()

    def upload(self, path, filename=None, content_type="application/octet-stream", query=""):
        """Uploads a file as a raw body and waits for the import job."""
        with open(path, "rb") as f:
            body = f.read()
        return self.upload_bytes(body, filename or os.path.basename(path), content_type, query)

    def upload_bytes(self, body, filename, content_type="application/octet-stream", query=""):
        sep = "&" if query else ""
        q = f"?filename={urllib.request.quote(filename)}{sep}{query}"
        return self.request("POST", "/api/v1/datasets" + q, body=body,
                            headers=self.auth({"Content-Type": content_type}))


@pytest.fixture(scope="session")
def data_path():
    def path(name):
        p = os.path.join(DATA, name)
        assert os.path.exists(p), p
        return p
    return path


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One server for read-only tests, with every fixture of shared/data imported by the CLI."""
    d = str(tmp_path_factory.mktemp("srv"))
    s = Server(d)
    for name, dataset_id, args in FIXTURES:
        s.cli("import", os.path.join(DATA, name), "--dataset", dataset_id, *args)
    s.start()
    yield s
    s.stop()


@pytest.fixture
def fresh_server(tmp_path):
    servers = []

    def make(*extra):
        s = Server(str(tmp_path / f"s{len(servers)}"), extra)
        servers.append(s)
        return s.start()
    yield make
    for s in servers:
        s.stop()
