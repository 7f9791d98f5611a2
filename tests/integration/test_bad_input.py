"""Bad input gets a clear 4xx, creates nothing, and the server goes on answering."""
import io
import json
import os
import zipfile

import pytest

from conftest import DATA


def datasets(server):
    r = server.get("/api/v1/datasets")
    assert r.status == 200
    body = r.json()
    items = body["datasets"] if isinstance(body, dict) else body
    return sorted(d["id"] for d in items)


def expect_rejected(server, response, before):
    """The upload is refused outright (4xx) or its job fails; either way nothing is created."""
    if response.status == 202:
        job = server.wait_job(response.json()["id"])
        assert job["state"] == "failed", job
        assert job["error"]["code"] and job["error"]["detail"], job
    else:
        assert 400 <= response.status < 500, response.body
        problem = response.json()
        assert response.header("Content-Type").startswith("application/problem+json")
        assert problem["status"] == response.status and problem.get("detail")
    assert datasets(server) == before
    assert server.get("/health").status == 200
    leftovers = [f for f in os.listdir(os.path.join(server.data_dir, "tmp"))] \
        if os.path.isdir(os.path.join(server.data_dir, "tmp")) else []
    assert not [f for f in leftovers if f.endswith(".gpkg")], leftovers


def zip_bytes(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries:
            z.writestr(name, data)
    return buf.getvalue()


def shapefile_parts():
    with zipfile.ZipFile(f"{DATA}/polygon_holes.shp.zip") as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    from conftest import Server
    s = Server(str(tmp_path_factory.mktemp("bad")), ["--set", "server.max_upload_bytes=1000000"])
    s.start()
    yield s
    s.stop()


def test_truncated_zip(srv):
    before = datasets(srv)
    data = open(f"{DATA}/naturalearth_cities.shp.zip", "rb").read()
    expect_rejected(srv, srv.upload_bytes(data[: len(data) // 2], "cities.zip", "application/zip"), before)


def test_shapefile_without_dbf(srv):
    before = datasets(srv)
    parts = shapefile_parts()
    body = zip_bytes([(n, d) for n, d in parts.items() if not n.endswith(".dbf")])
    expect_rejected(srv, srv.upload_bytes(body, "nodbf.zip", "application/zip"), before)


def test_zip_with_parent_path(srv):
    before = datasets(srv)
    parts = shapefile_parts()
    body = zip_bytes([("../" + n if n.endswith(".shp") else n, d) for n, d in parts.items()])
    expect_rejected(srv, srv.upload_bytes(body, "evil.zip", "application/zip"), before)
    assert not os.path.exists(os.path.join(os.path.dirname(srv.data_dir), "polygon_holes.shp"))


def test_geojson_broken_geometry(srv):
    before = datasets(srv)
    body = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"a": 1}, "geometry": {"type": "Point", "coordinates": [1, 2]}},
        {"type": "Feature", "properties": {"a": 2}, "geometry": {"type": "Polygon", "coordinates": [[1, 2]]}},
    ]}).encode()
    expect_rejected(srv, srv.upload_bytes(body, "broken.geojson", "application/geo+json"), before)


def test_geojson_broken_json(srv):
    before = datasets(srv)
    body = b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"a": 1}, "geom'
    expect_rejected(srv, srv.upload_bytes(body, "broken.geojson", "application/geo+json"), before)


def test_csv_non_numeric_coordinates(srv):
    before = datasets(srv)
    body = "name,lon,lat\na,116.4,39.9\nb,east,39.9\n".encode()
    r = srv.upload_bytes(body, "bad.csv", "text/csv")
    job = srv.wait_job(r.json()["id"])
    expect_rejected(srv, r, before)
    bad = job["report"]["rejected"][0]
    assert (bad["line"], bad["column"]) == (3, "lon"), bad


def test_csv_out_of_range_coordinates(srv):
    before = datasets(srv)
    body = "name,lon,lat\na,116.4,39.9\nb,116.4,95.5\n".encode()
    expect_rejected(srv, srv.upload_bytes(body, "bad.csv", "text/csv"), before)


def test_csv_skip_mode_imports_the_rest(srv):
    body = "name,lon,lat\na,116.4,39.9\nb,116.4,95.5\nc,121.5,31.2\n".encode()
    r = srv.upload_bytes(body, "skip.csv", "text/csv", "id=skipped&on_error=skip")
    assert r.status == 202, r.body
    job = srv.wait_job(r.json()["id"])
    assert job["state"] == "succeeded", job
    assert job["rows_rejected"] == 1
    assert srv.get("/ogc/collections/skipped/items").json()["numberMatched"] == 2
    assert srv.request("DELETE", "/api/v1/datasets/skipped", headers=srv.auth()).status == 204


def test_unknown_crs(srv):
    before = datasets(srv)
    body = "name,x,y\na,500000,4000000\n".encode()
    r = srv.upload_bytes(body, "crs.csv", "text/csv", "crs=EPSG:999999")
    assert r.status == 400, r.body
    assert r.json()["parameter"] == "crs" or "crs" in r.json()["detail"]
    expect_rejected(srv, r, before)


def test_upload_over_size_limit(srv):
    before = datasets(srv)
    body = b"name,lon,lat\n" + b"a,116.4,39.9\n" * 100000  # 1.3 MB > 1 MB limit
    r = srv.upload_bytes(body, "big.csv", "text/csv")
    assert r.status == 413, r.status
    expect_rejected(srv, r, before)


def test_unknown_dataset(srv):
    for path in ["/ogc/collections/nope", "/ogc/collections/nope/items", "/api/v1/datasets/nope",
                 "/ogc/collections/nope/items/1"]:
        r = srv.get(path)
        assert r.status == 404, path
        assert r.json()["status"] == 404


@pytest.mark.parametrize("query", ["bbox=1,2,3", "bbox=a,b,c,d", "bbox=10,0,0,10",
                                   "datetime=yesterday", "datetime=2020-13-45",
                                   "limit=abc", "limit=0", "crs=EPSG:999999", "filter=name%20%3D%3D",
                                   "unknown_property=1"])
def test_bad_query_parameters(srv, query):
    r = srv.upload_bytes("name,lon,lat\na,116.4,39.9\n".encode(), "q.csv", "text/csv", "id=q")
    if r.status == 202:
        srv.wait_job(r.json()["id"])
    r = srv.get(f"/ogc/collections/q/items?{query}")
    assert r.status == 400, (query, r.status, r.body)
    p = r.json()
    assert p["status"] == 400 and p["detail"]
    assert srv.get("/health").status == 200
