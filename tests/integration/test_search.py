"""Search on a real server over records made from ../shared/data, in Chinese and English: the
issue's Chinese queries, English stemming and one typo, every filter, facet counts, sorting,
paging links, suggestions, the tag cloud and related records, each with its exact answer. Only
records the caller may see are found."""
import json
import os
import time
import urllib.parse

import pytest

from conftest import DATA, Server

PASSWORD = "Search-pass-2026"

# id, file, metadata set by PATCH after the CLI import (published at once).
RECORDS = [
    ("china-provinces", "china_provinces_echarts.geojson", {
        "title": "中国省级行政区划", "abstract": "全国34个省级行政区的边界，含行政区划代码。",
        "keywords": ["行政区划", "省界"], "topic": "boundaries",
        "publisher": "国家基础地理信息中心", "licence": "CC-BY-4.0", "language": "zh"}),
    ("bj-roads", "kiritimati_roads_utm4n.shp.zip", {
        "title": "北京市主要道路", "abstract": "北京市城区主要道路的中心线。",
        "keywords": ["道路", "交通"], "topic": "transportation",
        "publisher": "北京市规划和自然资源委员会", "licence": "CC-BY-4.0", "language": "zh"}),
    ("london-cycle", "london_cycle_hire.geojson", {
        "title": "London cycle hire stations",
        "abstract": "Docking stations of the London cycle hire scheme with bikes and empty docks.",
        "keywords": ["cycling", "bicycles"], "topic": "transportation",
        "publisher": "Transport for London", "licence": "OGL-UK-3.0", "language": "en"}),
    ("ireland-wind", "ireland_wind_1961_1978.csv", {
        "title": "Ireland wind stations",
        "abstract": "Daily mean wind speed at twelve meteorological stations, 1961 to 1978.",
        "keywords": ["wind", "meteorology"], "topic": "climatologyMeteorologyAtmosphere",
        "publisher": "Met Éireann", "licence": "CC-BY-4.0", "language": "en"}),
    ("nc-sids", "nc_sids_nad27.gpkg", {
        "title": "North Carolina SIDS counties",
        "abstract": "Births and sudden infant deaths per county, 1974-1984.",
        "keywords": ["mortality", "infants"], "topic": "health",
        "publisher": "North Carolina State Center for Health Statistics", "licence": "PDDL-1.0",
        "language": "en"}),
]
PUBLISHED = [r[0] for r in RECORDS]


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    s = Server(str(tmp_path_factory.mktemp("search")))
    for record_id, filename, _ in RECORDS:
        s.cli("import", os.path.join(DATA, filename), "--dataset", record_id)
    s.cli("user", "add", "pat", "--role", "publisher", "--password-stdin", input=PASSWORD + "\n")
    s.pat_key = s.cli("key", "add", "--user", "pat", "--name", "tests").stdout.strip()
    s.start()
    # Metadata by PATCH, in this order (so "newest" is the reverse of RECORDS).
    for record_id, _, meta in RECORDS:
        r = s.request("PATCH", f"/api/v1/records/{record_id}", body=json.dumps(meta).encode(),
                      headers=s.auth({"Content-Type": "application/json"}))
        assert r.status == 200, (record_id, r.status, r.body[:300])
        assert r.json()["state"] == "published", record_id
    # A draft of pat's: found by pat only.
    with open(os.path.join(DATA, "luxembourg_admin.kml"), "rb") as f:
        q = urllib.parse.urlencode({"filename": "luxembourg_admin.kml", "id": "lux-draft"})
        r = s.request("POST", f"/api/v1/datasets?{q}", body=f.read(),
                      headers={"X-API-Key": s.pat_key, "Content-Type": "application/octet-stream"})
    assert r.status == 202, r.body[:300]
    assert s.wait_job(r.json()["id"], publish=False)["state"] == "succeeded"
    r = s.request("PATCH", "/api/v1/records/lux-draft",
                  body=json.dumps({"title": "Luxembourg cycling routes", "keywords": ["cycling"],
                                   "topic": "transportation"}).encode(),
                  headers={"X-API-Key": s.pat_key, "Content-Type": "application/json"})
    assert r.status == 200 and r.json()["state"] == "draft", r.body[:300]
    yield s
    s.stop()


def search(s, key=None, **params):
    q = urllib.parse.urlencode([(k.replace("_", "-"), v) for k, v in params.items()], doseq=True)
    r = s.request("GET", f"/api/v1/search?{q}", headers={"X-API-Key": key} if key else {})
    assert r.status == 200, (params, r.status, r.body[:400])
    return r.json()


def ids(answer):
    return [h["id"] for h in answer["hits"]]


def id_set(answer):
    assert answer["total"] == len(answer["hits"]), answer["total"]
    return set(ids(answer))


@pytest.mark.parametrize("q", ["北京 道路", "北京市道路", "北京道路数据", "北京市主要道路", "道路"])
def test_chinese_queries_find_beijing_roads(srv, q):
    a = search(srv, q=q)
    assert ids(a) == ["bj-roads"] and a["total"] == 1, a
    assert a["hits"][0]["title"] == "北京市主要道路"


@pytest.mark.parametrize("q,expected", [
    ("行政区划", ["china-provinces"]),
    ("中国 省级", ["china-provinces"]),
    ("上海 道路", []),
    ("交通 道路", ["bj-roads"]),
])
def test_more_chinese_queries(srv, q, expected):
    a = search(srv, q=q)
    assert ids(a) == expected and a["total"] == len(expected), (q, a)


@pytest.mark.parametrize("q,expected", [
    ("station", {"london-cycle", "ireland-wind"}),   # stations -> station
    ("stations", {"london-cycle", "ireland-wind"}),
    ("bicycle", {"london-cycle"}),                   # keyword "bicycles"
    ("county", {"nc-sids"}),                          # "counties"
    ("wind stations", {"ireland-wind"}),             # every word must match
    ("london wind", set()),
    ("meteorological", {"ireland-wind"}),
    ("Carol", {"nc-sids"}),                           # prefix of the last word
])
def test_english_stemming(srv, q, expected):
    a = search(srv, q=q)
    assert id_set(a) == expected, (q, a)
    assert a["corrected"] == []


@pytest.mark.parametrize("q,expected", [
    ("Irland", "ireland-wind"),
    ("Carolna", "nc-sids"),
    ("Londn cycle", "london-cycle"),
])
def test_one_typo(srv, q, expected):
    a = search(srv, q=q)
    assert ids(a) == [expected], (q, a)
    assert len(a["corrected"]) == 1, a["corrected"]


def test_drafts_are_found_by_their_owner_only(srv):
    assert id_set(search(srv, q="cycling")) == {"london-cycle"}
    assert id_set(search(srv, key=srv.pat_key, q="cycling")) == {"london-cycle", "lux-draft"}
    assert search(srv, q="Luxembourg")["total"] == 0
    assert srv.get("/api/v1/records/lux-draft/related").status == 404


@pytest.mark.parametrize("params,expected", [
    ({"topic": "transportation"}, {"bj-roads", "london-cycle"}),
    ({"topic": "transportation,health"}, {"bj-roads", "london-cycle", "nc-sids"}),
    ({"topic": ["transportation", "boundaries"]}, {"bj-roads", "london-cycle", "china-provinces"}),
    ({"keyword": "wind"}, {"ireland-wind"}),
    ({"keyword": "道路"}, {"bj-roads"}),
    ({"publisher": "Transport for London"}, {"london-cycle"}),
    ({"licence": "CC-BY-4.0"}, {"china-provinces", "bj-roads", "ireland-wind"}),
    ({"licence": "CC-BY-4.0", "topic": "transportation"}, {"bj-roads"}),
    ({"kind": "vector"}, set(PUBLISHED)),
    ({"kind": "raster"}, set()),
    ({"type": "dataset"}, set(PUBLISHED)),
    ({"access": "public"}, set(PUBLISHED)),
    ({"access": "private"}, set()),
    ({"bbox": "-11,50,2,56"}, {"london-cycle", "ireland-wind"}),
    ({"bbox": "-11,50,2,56", "bbox_relation": "within"}, {"london-cycle", "ireland-wind"}),
    ({"bbox": "-0.15,51.4,0.1,51.6"}, {"london-cycle"}),
    ({"bbox": "-0.15,51.4,0.1,51.6", "bbox_relation": "within"}, set()),
    ({"bbox": "73,18,135,54"}, {"china-provinces"}),
    ({"datetime": "1970-01-01/1970-12-31"}, {"ireland-wind"}),
    ({"datetime": "1990-01-01/.."}, set()),
    ({"q": "stations", "topic": "transportation"}, {"london-cycle"}),
])
def test_filters(srv, params, expected):
    a = search(srv, limit=100, **params)
    assert id_set(a) == expected, (params, a["total"], ids(a))


def test_format_filter(srv):
    # The formats offered are the data's: every published vector record offers the same ones.
    formats = search(srv, q="London")["hits"][0]["formats"]
    assert formats
    for f in formats:
        assert id_set(search(srv, format=f)) == set(PUBLISHED), f
    assert search(srv, format="NoSuchFormat")["total"] == 0


def test_facets(srv):
    a = search(srv)
    assert a["total"] == 5
    facets = {name: {v["value"]: v["count"] for v in values} for name, values in a["facets"].items()}
    assert facets["topic"] == {"transportation": 2, "boundaries": 1,
                               "climatologyMeteorologyAtmosphere": 1, "health": 1}
    assert facets["licence"] == {"CC-BY-4.0": 3, "OGL-UK-3.0": 1, "PDDL-1.0": 1}
    assert facets["kind"] == {"vector": 5}
    assert facets["access"] == {"public": 5}
    assert facets["keyword"]["wind"] == 1 and facets["keyword"]["道路"] == 1
    assert len(facets["keyword"]) == 10
    # Facets count every match, not the page; only those asked for.
    b = search(srv, q="stations", limit=1, facets="topic,licence")
    assert set(b["facets"]) == {"topic", "licence"}
    assert {v["value"]: v["count"] for v in b["facets"]["topic"]} == {
        "transportation": 1, "climatologyMeteorologyAtmosphere": 1}
    assert len(b["hits"]) == 1 and b["total"] == 2


def test_sorting(srv):
    assert ids(search(srv, sort="newest")) == list(reversed(PUBLISHED))
    assert ids(search(srv, sort="title")) == [
        "ireland-wind", "london-cycle", "nc-sids", "china-provinces", "bj-roads"]
    # Empty q: relevance falls back to newest.
    assert ids(search(srv)) == list(reversed(PUBLISHED))


def test_most_used(srv):
    for record_id, views in [("nc-sids", 3), ("london-cycle", 2), ("china-provinces", 1)]:
        for _ in range(views):
            assert srv.get(f"/api/v1/records/{record_id}").status == 200
    # Counts reach the ranking when the server flushes them (every catalog.usage_flush_s).
    deadline = time.time() + 30
    while True:
        a = search(srv, sort="most_used")
        if ids(a)[:3] == ["nc-sids", "london-cycle", "china-provinces"]:
            break
        assert time.time() < deadline, ids(a)
        time.sleep(0.5)
    usage = {h["id"]: h["usage"]["views"] for h in a["hits"]}
    assert usage == {"nc-sids": 3, "london-cycle": 2, "china-provinces": 1, "bj-roads": 0,
                     "ireland-wind": 0}


def test_paging_links(srv):
    first = search(srv, sort="title", limit=2)
    assert ids(first) == ["ireland-wind", "london-cycle"] and first["total"] == 5
    links = {l["rel"]: l["href"] for l in first["links"]}
    assert "prev" not in links
    nxt = urllib.parse.urlsplit(links["next"])
    second = srv.get(nxt.path + "?" + nxt.query).json()
    assert ids(second) == ["nc-sids", "china-provinces"]
    assert second["offset"] == 2 and second["limit"] == 2
    links2 = {l["rel"]: l["href"] for l in second["links"]}
    third = srv.get(urllib.parse.urlsplit(links2["next"]).path + "?" +
                    urllib.parse.urlsplit(links2["next"]).query).json()
    assert ids(third) == ["bj-roads"]
    assert "next" not in {l["rel"] for l in third["links"]}
    prev = urllib.parse.urlsplit({l["rel"]: l["href"] for l in third["links"]}["prev"])
    assert ids(srv.get(prev.path + "?" + prev.query).json()) == ["nc-sids", "china-provinces"]


def test_hit_shape(srv):
    h = search(srv, q="Ireland")["hits"][0]
    assert h["id"] == "ireland-wind" and h["title"] == "Ireland wind stations"
    assert h["abstract"].startswith("Daily mean wind speed")
    assert h["keywords"] == ["wind", "meteorology"]
    assert h["topic"] == "climatologyMeteorologyAtmosphere"
    assert h["publisher"] == "Met Éireann" and h["kind"] == "vector" and h["type"] == "dataset"
    # Dates without a zone are Beijing time (the platform zone), stored in UTC.
    assert h["time"] == ["1960-12-31T16:00:00Z", "1978-12-30T16:00:00Z"]
    minx, miny, maxx, maxy = h["extent"]
    assert -11 < minx < maxx < -5 and 51 < miny < maxy < 56
    assert h["score"] > 0
    assert h["links"][0]["rel"] == "self" and h["links"][0]["href"].endswith("/api/v1/records/ireland-wind")


@pytest.mark.parametrize("prefix,starts", [("Lon", "lon"), ("Irel", "irel"), ("北京", "北京"),
                                           ("行政", "行政")])
def test_suggest(srv, prefix, starts):
    r = srv.get("/api/v1/search/suggest?" + urllib.parse.urlencode({"q": prefix}))
    assert r.status == 200, r.body[:300]
    s = r.json()["suggestions"]
    assert s, prefix
    assert all(x.lower().startswith(starts) for x in s), s


def test_suggest_hides_drafts(srv):
    r = srv.get("/api/v1/search/suggest?q=Luxem").json()
    assert r["suggestions"] == []


def test_tags(srv):
    tags = {t["value"]: t["count"] for t in srv.get("/api/v1/search/tags").json()["tags"]}
    assert tags["transportation"] == 2
    assert tags["wind"] == 1 and tags["道路"] == 1
    assert "Luxembourg" not in tags
    first = srv.get("/api/v1/search/tags?limit=1").json()["tags"]
    assert first == [{"value": "transportation", "count": 2}]


def test_related(srv):
    r = srv.get("/api/v1/records/london-cycle/related").json()["related"]
    assert [x["id"] for x in r] == ["bj-roads"]  # the shared topic; no extent or time overlap
    assert r[0]["title"] == "北京市主要道路" and r[0]["score"] > 0


def test_bad_parameters(srv):
    for query, parameter in [("sort=oldest", "sort"), ("limit=0", "limit"), ("limit=101", "limit"),
                             ("bbox=1,2,3", "bbox"), ("datetime=soon", "datetime"),
                             ("facets=colour", "facets"), ("colour=red", "colour"),
                             ("bbox-relation=touches", "bbox-relation")]:
        r = srv.get(f"/api/v1/search?{query}")
        assert r.status == 400, query
        assert r.json()["parameter"] == parameter, query
