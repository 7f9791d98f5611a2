"""The tile cache through the real server: a second request is a hit, a new version of the
dataset is built again (never an older tile), the disk cache survives a restart, and
`shikong tiles seed` fills the same cache with a progress report."""
import json
import os
import re

import pytest

from conftest import Server

# Two points in Beijing and one in Shanghai: all three in Web Mercator tile 3/6/3, none within
# the vector tile buffer of a tile edge at levels 0-6.
POINTS = [(116.40, 39.90, "tiananmen"), (116.45, 39.95, "chaoyang"), (121.47, 31.23, "shanghai")]


def geojson(label):
    return json.dumps({
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [x, y]},
                      "properties": {"name": name, "label": label}} for x, y, name in POINTS],
    }).encode()


def upload(server, label, replace=False):
    r = server.upload_bytes(geojson(label), "pts.geojson", "application/geo+json",
                            "id=pts" + ("&replace=true" if replace else ""))
    assert r.status in (200, 201, 202), (r.status, r.body)
    job = server.wait_job(r.json()["id"])
    assert job["state"] == "succeeded", job
    return server.get("/api/v1/datasets/pts", headers=server.auth()).json()["version"]


def cache_dir(server):
    return os.path.join(server.data_dir, "cache", "tiles")


def dataset_dirs(server):
    d = cache_dir(server)
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


TILE = "/tiles/pts/3/6/3.pbf"


@pytest.fixture
def srv(tmp_path):
    s = Server(str(tmp_path / "data"))
    s.start()
    yield s
    s.stop()


def test_second_request_is_a_hit_and_a_new_version_is_built_again(srv):
    v1 = upload(srv, "first")
    a = srv.get(TILE)
    assert a.status == 200, a.body
    assert a.header("Content-Type") == "application/vnd.mapbox-vector-tile"
    assert a.header("X-Cache") == "miss"
    assert len(a.body) > 0
    b = srv.get(TILE)
    assert b.status == 200
    assert b.header("X-Cache") == "hit"
    assert b.body == a.body
    assert b.header("ETag") == a.header("ETag")
    assert dataset_dirs(srv) == [f"pts@{v1}"]

    v2 = upload(srv, "second", replace=True)
    assert v2 > v1
    c = srv.get(TILE)
    assert c.status == 200
    assert c.header("X-Cache") == "miss"
    assert c.body != a.body  # the label changed
    assert b"second" in c.body and b"first" not in c.body
    assert c.header("ETag") != a.header("ETag")
    # The older version's tiles are gone from disk.
    assert dataset_dirs(srv) == [f"pts@{v2}"]
    assert srv.get(TILE).header("X-Cache") == "hit"


def test_disk_cache_survives_a_restart(srv):
    v = upload(srv, "kept")
    first = srv.get(TILE)
    assert first.header("X-Cache") == "miss"
    path = os.path.join(cache_dir(srv), f"pts@{v}", "_", "WebMercatorQuad", "3", "6", "3.pbf")
    assert os.path.isfile(path)
    with open(path, "rb") as f:
        assert f.read() == first.body
    srv.stop()
    srv.start()
    again = srv.get(TILE)
    assert again.status == 200
    assert again.header("X-Cache") == "hit"
    assert again.body == first.body
    assert again.header("ETag") == first.header("ETag")


def test_seed_fills_the_cache_the_server_reads(srv):
    v = upload(srv, "seeded")
    srv.stop()
    r = srv.cli("tiles", "seed", "pts", "--from", "0", "--to", "6")
    # Levels 0-6 over the points' extent: one tile a level up to 4, 1x2 at 5, 2x3 at 6; the
    # points are in one tile of levels 0-4 and in two of levels 5 and 6.
    m = re.search(r"seeded pts version (\d+): (\d+) tiles of WebMercatorQuad levels 0-6 \(pbf\): "
                  r"(\d+) built, (\d+) already cached, (\d+) empty", r.stdout)
    assert m, r.stdout
    assert int(m.group(1)) == v
    tiles, built, cached, empty = map(int, m.groups()[1:])
    assert (tiles, built, cached, empty) == (13, 9, 0, 4)
    assert "seed pts (tiles)" in r.stderr  # the progress report
    base = os.path.join(cache_dir(srv), f"pts@{v}", "_", "WebMercatorQuad")
    for z in range(7):
        assert os.listdir(os.path.join(base, str(z))), z
    # Seeding again finds everything cached.
    again = srv.cli("tiles", "seed", "pts", "--from", "0", "--to", "6")
    assert f"{tiles} tiles" in again.stdout and f"0 built, {tiles} already cached" in again.stdout

    srv.start()
    hit = srv.get(TILE)
    assert hit.status == 200
    assert hit.header("X-Cache") == "hit"


def test_seed_raster_tiles_of_a_style(srv):
    v = upload(srv, "raster")
    r = srv.cli("tiles", "seed", "pts", "--from", "1", "--to", "3", "--tms", "CGCS2000Quad",
                "--format", "png")
    assert "levels 1-3 (png, style default)" in r.stdout or "levels 1-3 (png)" in r.stdout, r.stdout
    files = [os.path.join(dp, f) for dp, _, fs in os.walk(os.path.join(cache_dir(srv), f"pts@{v}"))
             for f in fs]
    assert files and all(f.endswith(".png") for f in files), files
    for f in files:
        with open(f, "rb") as fh:
            assert fh.read(8) == b"\x89PNG\r\n\x1a\n"
    # CGCS2000Quad level 3 (45 degree tiles): Beijing and Shanghai are both in column 6, row 1.
    t = srv.get("/tiles/pts/CGCS2000Quad/3/6/1.png")
    assert t.status == 200, t.body
    assert t.header("Content-Type") == "image/png"
    assert t.header("X-Cache") == "hit"


def test_seed_refuses_bad_arguments(srv):
    upload(srv, "x")
    r = srv.cli("tiles", "seed", "pts", "--from", "0", "--tms", "CGCS2000Quad", check=False)
    assert r.returncode == 2 and "levels" in r.stderr, r.stderr
    r = srv.cli("tiles", "seed", "nope", check=False)
    assert r.returncode == 2 and "nope" in r.stderr
    r = srv.cli("tiles", "seed", "pts", "--format", "gif", check=False)
    assert r.returncode == 2 and "--format" in r.stderr
    r = srv.cli("tiles", "seed", "pts", "--set", "cache.disk=false", check=False)
    assert r.returncode == 2 and "cache.disk" in r.stderr


def test_style_commands(srv, tmp_path):
    upload(srv, "styled")
    listed = srv.cli("style", "list", "pts").stdout
    assert re.search(r"^default\s+single\s+0\s+\(generated\)", listed, re.M), listed
    doc = tmp_path / "by-name.json"
    doc.write_text(json.dumps({"name": "ignored", "kind": "categorized", "field": "name",
                               "title": "By name"}))
    out = srv.cli("style", "put", "pts", "by-name", str(doc)).stdout
    assert "saved style by-name of pts (categorized, 3 classes)" in out
    listed = srv.cli("style", "list", "pts").stdout
    assert re.search(r"^by-name\s+categorized\s+3\s+cli\s+By name$", listed, re.M), listed
    # The server sees it at once.
    styles = srv.get("/api/v1/datasets/pts/styles").json()
    assert "by-name" in json.dumps(styles)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"kind": "graduated", "field": "missing"}))
    r = srv.cli("style", "put", "pts", "bad", str(bad), check=False)
    assert r.returncode == 2 and "missing" in r.stderr, r.stderr
    assert "deleted style by-name of pts" in srv.cli("style", "delete", "pts", "by-name").stdout
    r = srv.cli("style", "delete", "pts", "by-name", check=False)
    assert r.returncode == 2 and "by-name" in r.stderr
