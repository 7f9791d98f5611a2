"""The harvester on real servers over loopback: a second shikong node (kind "shikong"), a
MapServer 8 WMS run as CGI (kind "wms"), and hostile sources served by a Python thread (endless
body, XML with an external entity, a redirect to another loopback port, a silent server, a
loopback source that is not allowed private addresses). Sources on 127.0.0.1 are registered with
allow_private=true unless the test is about the refusal."""
import http.server
import json
import os
import socketserver
import subprocess
import threading
import time
import urllib.parse
import zipfile

import pytest

from conftest import DATA, Server

MAPSERV = "/usr/lib/cgi-bin/mapserv"


# ---- helpers ----

def call(s, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    return s.request(method, path, body=data, headers=s.auth({"Content-Type": "application/json"}))


def add_source(s, source_id, kind, url, allow_private=True, title=None):
    r = call(s, "POST", "/api/v1/harvest/sources",
             {"id": source_id, "kind": kind, "url": url, "title": title or source_id,
              "allow_private": allow_private})
    assert r.status == 201, r.body[:400]
    return r.json()


def run(s, source_id):
    r = call(s, "POST", f"/api/v1/harvest/sources/{source_id}/run", {})
    assert r.status == 200, r.body[:400]
    out = r.json()
    assert out["source"] == source_id, out
    return out


def runs(s, source_id):
    r = s.get(f"/api/v1/harvest/sources/{source_id}/runs", headers=s.auth())
    assert r.status == 200, r.body[:400]
    return r.json()["runs"]


def records_of(s, source_id):
    r = s.get(f"/api/v1/records?source={source_id}&limit=100", headers=s.auth())
    assert r.status == 200, r.body[:400]
    return r.json()["records"]


def search(s, q):
    r = s.get("/api/v1/search?" + urllib.parse.urlencode({"q": q, "limit": 100}))
    assert r.status == 200, r.body[:400]
    return r.json()


def search_until(s, q, predicate, timeout=15):
    """The search answer once `predicate` holds (the index follows the catalog's changes)."""
    deadline = time.time() + timeout
    while True:
        out = search(s, q)
        if predicate(out) or time.time() > deadline:
            return out
        time.sleep(0.1)


class Loopback:
    """A ThreadingHTTPServer on 127.0.0.1 with `handler_class`; counts requests by path."""

    def __init__(self, handler_class):
        self.hits = []
        owner = self

        class Handler(handler_class):
            def log_message(self, *args):
                pass

            def parse_request(self):
                ok = super().parse_request()
                if ok:
                    owner.hits.append(self.path)
                return ok

        Handler.owner = owner
        self.stop_event = threading.Event()
        self.httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.stop_event.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def caps_xml(title, layer_name, layer_title):
    """A small valid WMS 1.3.0 capabilities document."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<WMS_Capabilities version="1.3.0" xmlns="http://www.opengis.net/wms"
    xmlns:xlink="http://www.w3.org/1999/xlink">
  <Service><Name>WMS</Name><Title>{title}</Title>
    <OnlineResource xlink:href="http://127.0.0.1/"/></Service>
  <Capability>
    <Request><GetMap><Format>image/png</Format><DCPType><HTTP><Get>
      <OnlineResource xlink:href="http://127.0.0.1/?"/></Get></HTTP></DCPType></GetMap></Request>
    <Layer><Title>{title}</Title><CRS>EPSG:4326</CRS>
      <Layer queryable="0"><Name>{layer_name}</Name><Title>{layer_title}</Title>
        <EX_GeographicBoundingBox><westBoundLongitude>-10</westBoundLongitude>
          <eastBoundLongitude>10</eastBoundLongitude><southBoundLatitude>-5</southBoundLatitude>
          <northBoundLatitude>5</northBoundLatitude></EX_GeographicBoundingBox>
      </Layer>
    </Layer>
  </Capability>
</WMS_Capabilities>
""".encode()


# ---- fixtures ----

@pytest.fixture(scope="module")
def primary(tmp_path_factory):
    """The harvesting node: 1 MB answers at most, 3 s per request."""
    s = Server(str(tmp_path_factory.mktemp("harvester")),
               ["--set", "harvest.max_mb=1", "--set", "harvest.timeout_s=3"])
    s.start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def peer(tmp_path_factory):
    """A second node with two uploaded datasets, published by its admin, titled for the search."""
    s = Server(str(tmp_path_factory.mktemp("peer"))).start()
    for name, dataset_id, title in [
            ("naturalearth_lowres.shp.zip", "world", "Ptarmigan world countries"),
            ("london_cycle_hire.geojson", "docks", "Ptarmigan cycle hire docks")]:
        r = s.upload(os.path.join(DATA, name), query=f"id={dataset_id}")
        assert r.status == 202, r.body[:400]
        job = s.wait_job(r.json()["id"], publish=False)
        assert job["state"] == "succeeded", job
        r = call(s, "PATCH", f"/api/v1/records/{dataset_id}", {"title": title})
        assert r.status == 200, r.body[:400]
        assert s.publish(dataset_id)["state"] == "published"
    yield s
    s.stop()


# ---- (a) another shikong node ----

def test_shikong_node_is_harvested_incrementally_and_deletions_retire(primary, peer):
    add_source(primary, "peer", "shikong", peer.base + "/")
    first = run(primary, "peer")
    assert first["status"] == "ok", first
    assert first["added"] == 2 and first["retired"] == 0 and first["rejected"] == 0, first

    out = search_until(primary, "ptarmigan", lambda o: o["total"] == 2)
    assert sorted(h["title"] for h in out["hits"]) == \
        ["Ptarmigan cycle hire docks", "Ptarmigan world countries"], out
    by_title = {}
    for hit in out["hits"]:
        rec = primary.get(f"/api/v1/records/{hit['id']}", headers=primary.auth()).json()
        assert rec["source_id"] == "peer", rec
        assert rec["state"] == "published", rec
        # The link back points at the record on the peer.
        assert rec["source_url"].startswith(peer.base + "/"), rec
        assert any(link["rel"] == "via" and link["href"] == rec["source_url"]
                   for link in rec["links"]), rec["links"]
        by_title[rec["title"]] = rec
    # Harvested records are read-only on the harvesting node.
    some = by_title["Ptarmigan world countries"]
    r = call(primary, "PATCH", f"/api/v1/records/{some['id']}", {"title": "changed here"})
    assert r.status == 409, r.body[:300]

    # Nothing changed at the peer: no new version of anything.
    second = run(primary, "peer")
    assert second["status"] in ("ok", "not-modified"), second
    assert second["added"] == 0 and second["updated"] == 0 and second["retired"] == 0, second
    if second["status"] == "ok":
        assert second["unchanged"] == 2, second
    for title, rec in by_title.items():
        again = primary.get(f"/api/v1/records/{rec['id']}", headers=primary.auth()).json()
        assert again["version"] == rec["version"], (title, again["version"], rec["version"])

    # A dataset deleted at the peer: its record is retired here, the other one stays.
    r = peer.request("DELETE", "/api/v1/datasets/docks", headers=peer.auth())
    assert r.status == 204, r.body[:300]
    third = run(primary, "peer")
    assert third["status"] == "ok", third
    assert third["retired"] == 1 and third["added"] == 0, third
    gone = by_title["Ptarmigan cycle hire docks"]
    assert primary.get(f"/api/v1/records/{gone['id']}", headers=primary.auth()).json()["state"] \
        == "retired"
    out = search_until(primary, "ptarmigan", lambda o: o["total"] == 1)
    assert [h["title"] for h in out["hits"]] == ["Ptarmigan world countries"], out

    listed = runs(primary, "peer")
    assert [x["id"] for x in listed][:3] == [third["id"], second["id"], first["id"]] or \
        [x["id"] for x in listed][-3:] == [first["id"], second["id"], third["id"]], listed


# ---- (b) MapServer WMS ----

class CgiMapserv(http.server.BaseHTTPRequestHandler):
    """Runs MapServer's CGI binary for each request (MapServer 8 reads its configuration file,
    whose ENV block names the one mapfile)."""
    config_file = None

    def _run(self, body=b""):
        url = urllib.parse.urlsplit(self.path)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "MAPSERVER_CONFIG_FILE": self.config_file,
            "REQUEST_METHOD": self.command,
            "QUERY_STRING": url.query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": str(self.server.server_address[1]),
            "SCRIPT_NAME": url.path,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
        }
        p = subprocess.run([MAPSERV], input=body, env=env, capture_output=True, timeout=60)
        out = p.stdout
        sep = out.find(b"\r\n\r\n")
        head, rest = (out[:sep], out[sep + 4:]) if sep >= 0 else out.split(b"\n\n", 1)
        status = 200
        headers = []
        for line in head.decode("latin-1").splitlines():
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.strip().split()[0])
            elif name:
                headers.append((name, value.strip()))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(rest)))
        self.end_headers()
        self.wfile.write(rest)

    def do_GET(self):
        self._run()

    def do_POST(self):
        self._run(self.rfile.read(int(self.headers.get("Content-Length", "0"))))


MAPFILE = """MAP
  NAME "harvest_test"
  EXTENT -180 -90 180 90
  SIZE 256 256
  PROJECTION
    "init=epsg:4326"
  END
  WEB
    METADATA
      "wms_title" "Loopback MapServer"
      "wms_abstract" "A MapServer on loopback for the harvest test."
      "wms_onlineresource" "@URL@/?"
      "wms_srs" "EPSG:4326 EPSG:3857"
      "wms_enable_request" "*"
    END
  END
  LAYER
    NAME "ms_countries"
    TYPE POLYGON
    STATUS ON
    DATA "countries/naturalearth_lowres"
    PROJECTION
      "init=epsg:4326"
    END
    METADATA
      "wms_title" "Kestrel country outlines"
      "wms_abstract" "Natural Earth countries served by MapServer."
      "wms_keywordlist" "boundaries,countries"
      "wms_extent" "-180 -90 180 84"
    END
    CLASS
      STYLE
        COLOR 200 200 200
      END
    END
  END
  LAYER
    NAME "ms_cities"
    TYPE POINT
    STATUS ON
    DATA "cities/naturalearth_cities"
    PROJECTION
      "init=epsg:4326"
    END
    METADATA
      "wms_title" "Kestrel populated places"
      "wms_abstract" "Natural Earth cities served by MapServer."
      "wms_extent" "-180 -90 180 90"
    END
    CLASS
      STYLE
        COLOR 0 0 0
        SIZE 3
      END
    END
  END
END
"""


@pytest.fixture(scope="module")
def mapserver(tmp_path_factory):
    if not os.access(MAPSERV, os.X_OK):
        pytest.skip("no MapServer CGI (cgi-mapserver)")
    d = tmp_path_factory.mktemp("mapserver")
    for name, sub in [("naturalearth_lowres.shp.zip", "countries"),
                      ("naturalearth_cities.shp.zip", "cities")]:
        with zipfile.ZipFile(os.path.join(DATA, name)) as z:
            z.extractall(d / sub)
    conf = d / "mapserver.conf"
    handler = type("Mapserv", (CgiMapserv,), {"config_file": str(conf)})
    srv = Loopback(handler)
    (d / "test.map").write_text(MAPFILE.replace("@URL@", srv.base))
    conf.write_text(f'CONFIG\n  ENV\n    MS_MAPFILE "{d / "test.map"}"\n  END\nEND\n')
    yield srv
    srv.close()


def test_mapserver_wms_layers_are_found(primary, mapserver):
    add_source(primary, "mapserver", "wms",
               mapserver.base + "/?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0")
    out = run(primary, "mapserver")
    assert out["status"] == "ok", out
    assert out["added"] >= 2, out
    assert any("GetCapabilities" in h for h in mapserver.hits), mapserver.hits

    found = search_until(primary, "kestrel", lambda o: o["total"] >= 2)
    titles = sorted(h["title"] for h in found["hits"])
    assert titles == ["Kestrel country outlines", "Kestrel populated places"], found
    for hit in found["hits"]:
        rec = primary.get(f"/api/v1/records/{hit['id']}", headers=primary.auth()).json()
        assert rec["source_id"] == "mapserver" and rec["kind"] == "wms", rec
    # Both words must match: only the countries layer has "country".
    narrow = search(primary, "kestrel country")
    assert [h["title"] for h in narrow["hits"]] == ["Kestrel country outlines"], narrow


# ---- (c) hostile sources ----

SECRET = "Xyzzy-secret-entity-text"


class Hostile(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    redirect_to = None
    secret_file = None

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        if path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Connection", "close")
            self.end_headers()
            block = b"<x>" + b"a" * 65536 + b"</x>"
            try:
                self.wfile.write(b'<?xml version="1.0"?><WMS_Capabilities version="1.3.0">')
                sent = 0
                # Bounded only so that a broken client cannot keep this thread forever.
                while sent < (512 << 20) and not self.owner.stop_event.is_set():
                    self.wfile.write(block)
                    sent += len(block)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
        elif path == "/xxe":
            body = (f'<?xml version="1.0"?>\n<!DOCTYPE WMS_Capabilities [\n'
                    f'  <!ENTITY xxe SYSTEM "file://{self.secret_file}">\n]>\n').encode() + \
                caps_xml("Entity service &xxe;", "xxe_layer", "Entity layer &xxe;").split(b"?>", 1)[1]
            self._send(200, body)
        elif path == "/redirect":
            self.send_response(302)
            self.send_header("Location", self.redirect_to + "/caps")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/silent":
            self.owner.stop_event.wait(30)
            self.close_connection = True
        elif path == "/caps":
            self._send(200, caps_xml("Hostile but valid", "fine_layer", "Osprey fine layer"))
        else:
            self._send(404, b"not here")

    def _send(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    secret = d / "secret.txt"
    secret.write_text(SECRET)
    # "Another port": a well-behaved server that no request may reach.
    other = Loopback(type("Other", (Hostile,), {}))
    srv = Loopback(type("Evil", (Hostile,), {"redirect_to": other.base,
                                             "secret_file": str(secret)}))
    yield srv, other
    srv.close()
    other.close()


def test_hostile_sources_fail_and_nothing_is_applied(primary, hostile):
    srv, other = hostile
    before_total = len(records_of(primary, "endless"))
    assert before_total == 0

    add_source(primary, "endless", "wms", srv.base + "/endless?request=GetCapabilities")
    r = run(primary, "endless")
    assert r["status"] == "failed", r
    assert "too large" in r["message"], r

    add_source(primary, "xxe", "wms", srv.base + "/xxe?request=GetCapabilities")
    r = run(primary, "xxe")
    assert r["status"] == "failed", r
    assert "malformed or refused" in r["message"], r
    assert SECRET not in r["message"], r
    assert records_of(primary, "xxe") == []
    assert search(primary, "xyzzy")["total"] == 0

    add_source(primary, "bounce", "wms", srv.base + "/redirect?request=GetCapabilities")
    r = run(primary, "bounce")
    assert r["status"] == "failed", r
    assert "refused" in r["message"], r
    assert other.hits == [], other.hits

    # The same valid document, but the source may not use a loopback address.
    add_source(primary, "private", "wms", other.base + "/caps?request=GetCapabilities",
               allow_private=False)
    r = run(primary, "private")
    assert r["status"] == "failed", r
    assert "refused" in r["message"], r
    assert other.hits == [], other.hits
    assert search(primary, "osprey")["total"] == 0

    add_source(primary, "silent", "wms", srv.base + "/silent?request=GetCapabilities")
    r = run(primary, "silent")
    assert r["status"] == "failed", r
    assert "timeout" in r["message"], r

    # Still serving; every failure is listed with the source's runs and last status.
    assert primary.get("/health").status == 200
    for source_id in ("endless", "xxe", "bounce", "private", "silent"):
        listed = runs(primary, source_id)
        assert len(listed) == 1 and listed[0]["status"] == "failed", (source_id, listed)
        assert listed[0]["added"] == 0 and listed[0]["updated"] == 0, listed
        assert records_of(primary, source_id) == [], source_id
        src = primary.get(f"/api/v1/harvest/sources/{source_id}", headers=primary.auth()).json()
        assert src["last_status"] == "failed", src

    # The well-behaved source at the other port works once allowed: the refusals were ours.
    add_source(primary, "allowed", "wms", other.base + "/caps?request=GetCapabilities")
    r = run(primary, "allowed")
    assert r["status"] == "ok" and r["added"] >= 1, r
    assert [h["title"] for h in search_until(primary, "osprey", lambda o: o["total"] == 1)["hits"]] \
        == ["Osprey fine layer"]
