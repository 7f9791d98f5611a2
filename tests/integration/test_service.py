"""The service around the data: landing page, conformance, paging links, OpenAPI, health,
metrics, compression, ETags, CORS, filters."""
import gzip
import json
import urllib.parse

from conftest import DATA


def test_landing_and_conformance(server):
    landing = server.get("/ogc").json()
    rels = {l["rel"] for l in landing["links"]}
    assert {"self", "conformance", "data", "service-desc"} <= rels
    conf = server.get("/ogc/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in conf
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in conf
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in conf


def test_paging_links_walk_every_feature(server):
    seen = []
    url = "/ogc/collections/cities/items?limit=100"
    pages = 0
    while url:
        page = server.get(url).json()
        pages += 1
        assert page["numberMatched"] == 243
        assert page["numberReturned"] == len(page["features"])
        seen += [f["id"] for f in page["features"]]
        nxt = [l["href"] for l in page["links"] if l["rel"] == "next"]
        url = urllib.parse.urlsplit(nxt[0])._replace(scheme="", netloc="").geturl() if nxt else None
    assert pages == 3
    assert len(seen) == 243 and len(set(seen)) == 243


def test_limit_above_maximum_is_clamped(server):
    page = server.get("/ogc/collections/ireland-wind/items?limit=1000000").json()
    assert page["numberReturned"] == 10000


def test_single_feature_and_properties(server):
    f = server.get("/ogc/collections/countries/items/1").json()
    assert f["type"] == "Feature" and f["id"] == 1
    sel = server.get("/ogc/collections/countries/items?limit=1&properties=name").json()
    assert list(sel["features"][0]["properties"].keys()) == ["name"]
    assert server.get("/ogc/collections/countries/items/999999").status == 404


def test_property_query_and_cql2(server):
    page = server.get("/ogc/collections/countries/items?name=China").json()
    assert page["numberMatched"] == 1
    q = urllib.parse.quote("continent = 'Africa' AND pop_est > 50000000")
    africa = server.get(f"/ogc/collections/countries/items?filter-lang=cql2-text&filter={q}").json()
    assert africa["numberMatched"] > 3
    for f in africa["features"]:
        assert f["properties"]["continent"] == "Africa"
        assert f["properties"]["pop_est"] > 50000000
    q = urllib.parse.quote("S_INTERSECTS(geometry, POINT(116.4 39.9))")
    hit = server.get(f"/ogc/collections/countries/items?filter={q}").json()
    assert [f["properties"]["name"] for f in hit["features"]] == ["China"]


def test_queryables(server):
    q = server.get("/ogc/collections/countries/queryables").json()
    assert "name" in q["properties"]


def test_openapi_matches_routes(server):
    doc = server.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.0")
    base = doc.get("servers", [{"url": ""}])[0]["url"].split("//", 1)[-1]
    base = base[base.index("/"):] if "/" in base else ""
    paths = {base + p for p in doc["paths"]}
    ogc = server.get("/ogc/api").json()
    ogc_base = ogc.get("servers", [{"url": ""}])[0]["url"].split("//", 1)[-1]
    ogc_base = ogc_base[ogc_base.index("/"):] if "/" in ogc_base else ""
    paths |= {ogc_base + p for p in ogc["paths"]}
    for p in ["/api/v1/datasets", "/api/v1/datasets/{datasetId}", "/api/v1/jobs/{jobId}",
              "/ogc/collections/{collectionId}/items"]:
        assert p in paths, p


def test_health_and_metrics(server):
    h = server.get("/health")
    assert h.status == 200 and h.json()["status"] == "pass"
    server.get("/ogc/collections")
    m = server.get("/metrics").body.decode()
    assert "shikong_http_requests_total" in m
    assert "shikong_http_request_duration_seconds_bucket" in m


def test_gzip_etag_cors(server):
    r = server.get("/ogc/collections", headers={"Accept-Encoding": "gzip"})
    assert r.header("Content-Encoding") == "gzip"
    json.loads(gzip.decompress(r.body))
    etag = r.header("ETag")
    assert etag
    assert server.get("/ogc/collections", headers={"If-None-Match": etag, "Accept-Encoding": "gzip"}).status == 304
    pre = server.request("OPTIONS", "/ogc/collections", headers={
        "Origin": "http://example.org", "Access-Control-Request-Method": "GET"})
    assert pre.status in (200, 204)
    assert pre.header("Access-Control-Allow-Origin") == "*"


def test_dataset_api_patch_and_version(server):
    before = server.get("/api/v1/datasets/holes").json()
    r = server.request("PATCH", "/api/v1/datasets/holes", body=json.dumps({"title": "Holes"}).encode(),
                       headers=server.auth({"Content-Type": "application/json"}))
    assert r.status == 200, r.body
    after = server.get("/api/v1/datasets/holes").json()
    assert after["title"] == "Holes" and after["version"] == before["version"] + 1
    bad = server.request("PATCH", "/api/v1/datasets/holes", body=b'{"title": 5}',
                         headers=server.auth({"Content-Type": "application/json"}))
    assert bad.status == 400


def test_upload_multipart_and_delete(server):
    boundary = "xYzZY"
    content = open(f"{DATA}/london_cycle_hire.geojson", "rb").read()
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\nupload-test\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"london.geojson\"\r\n"
            f"Content-Type: application/geo+json\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    r = server.request("POST", "/api/v1/datasets", body=body,
                       headers=server.auth({"Content-Type": f"multipart/form-data; boundary={boundary}"}))
    assert r.status == 202, r.body
    assert r.header("Location").endswith("/api/v1/jobs/" + r.json()["id"])
    job = server.wait_job(r.json()["id"])
    assert job["state"] == "succeeded", job
    assert server.get("/ogc/collections/upload-test/items?limit=1").json()["numberMatched"] == 742
    assert server.request("DELETE", "/api/v1/datasets/upload-test", headers=server.auth()).status == 204
    assert server.get("/ogc/collections/upload-test").status == 404


def test_root_points_to_landing_page(server):
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    c.request("GET", "/")
    r = c.getresponse()
    assert r.status == 302 and r.getheader("Location") == "/ogc"


def test_vertical_datum_is_carried(server):
    r = server.request("PATCH", "/api/v1/datasets/kiritimati", body=b'{"vertical_datum": "EPSG:5737"}',
                       headers=server.auth({"Content-Type": "application/json"}))
    assert r.status == 200, r.body
    assert r.json()["vertical_datum"] == "EPSG:5737"
    c = server.get("/ogc/collections/kiritimati").json()
    assert c["verticalDatum"]["id"] == "EPSG:5737"
    assert "1985" in c["verticalDatum"]["name"]
    bad = server.request("PATCH", "/api/v1/datasets/kiritimati", body=b'{"vertical_datum": "EPSG:4326"}',
                         headers=server.auth({"Content-Type": "application/json"}))
    assert bad.status == 400


def test_import_with_vertical_datum(server, tmp_path):
    csv = tmp_path / "dem_points.csv"
    csv.write_text("name,lon,lat,height\nA,116.4,39.9,43.5\n")
    server.cli("import", str(csv), "--dataset", "heights", "--vertical-datum", "EPSG:5737")
    info = server.cli("info", "heights").stdout
    assert "vertical datum: EPSG:5737" in info
    bad = server.cli("import", str(csv), "--dataset", "heights2", "--vertical-datum", "EPSG:4326", check=False)
    assert bad.returncode != 0
