"""OGC API - Records on a real server: the `catalog` collection, items with q, bbox, datetime,
type, ids, externalIds, paging to the end, single records, 404 and 400 answers, drafts hidden
from anonymous callers; GDAL's OAPIF driver on the catalog (where GDAL 3.6 can read it)."""
import json
import os
import subprocess
import urllib.parse

import pytest

from conftest import DATA, Server

CATALOG = "/ogc/collections/catalog"
ITEMS = CATALOG + "/items"

# Hand-made records (no dataset): id -> body of POST /api/v1/records. Extents are lon/lat,
# times RFC 3339; all published except "draft-plan".
RECORDS = {
    "beijing-roads": {"title": "北京市主要道路", "abstract": "Main roads of Beijing",
                      "keywords": ["道路", "交通"], "topic": "transportation",
                      "publisher": "北京市测绘院", "licence": "CC-BY-4.0",
                      "extent": [115.4, 39.4, 117.5, 41.1],
                      "time": ["2020-01-01T00:00:00Z", None]},
    "shanghai-parks": {"type": "document", "title": "Shanghai parks guide",
                       "abstract": "A guide to the parks of Shanghai", "keywords": ["parks"],
                       "licence": "https://example.org/licence.html", "language": "en",
                       "extent": [120.8, 30.6, 122.0, 31.9]},
    "yangtze-gauges": {"type": "service", "title": "Yangtze river gauges",
                       "abstract": "Water levels of the Yangtze", "keywords": ["hydrology"],
                       "topic": "inlandWaters", "extent": [90.5, 24.5, 121.9, 35.8],
                       "time": ["1990-01-01T00:00:00Z", "1999-12-31T23:59:59Z"]},
    "census-2010": {"type": "series", "title": "Census tables 2010",
                    "abstract": "Population census", "keywords": ["population"],
                    "time": ["2010-11-01T00:00:00Z", "2010-11-01T00:00:00Z"]},
    "draft-plan": {"title": "Draft roads plan", "abstract": "Not yet reviewed",
                   "keywords": ["roads"], "extent": [116.0, 39.8, 116.5, 40.0]},
}
PUBLISHED_HANDMADE = {k for k in RECORDS if k != "draft-plan"}
# Datasets imported by the CLI (published records made from the data).
DATASETS = [("london_cycle_hire.geojson", "cycle-hire"),
            ("china_provinces_echarts.geojson", "china-provinces")]
ALL_PUBLISHED = PUBLISHED_HANDMADE | {d for _, d in DATASETS}


def post_json(s, path, body, auth=True):
    headers = {"Content-Type": "application/json"}
    return s.request("POST", path, body=json.dumps(body).encode(),
                     headers=s.auth(headers) if auth else headers)


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    s = Server(str(tmp_path_factory.mktemp("records")))
    for name, dataset_id in DATASETS:
        s.cli("import", os.path.join(DATA, name), "--dataset", dataset_id)
    s.start()
    for rid, body in RECORDS.items():
        r = post_json(s, "/api/v1/records", {"id": rid, **body})
        assert r.status == 201, r.body[:300]
        if rid != "draft-plan":
            s.publish(rid)
    # Editing a published record keeps it published.
    r = s.request("PATCH", "/api/v1/records/cycle-hire",
                  body=json.dumps({"title": "London cycle hire docking stations",
                                   "keywords": ["bicycles"]}).encode(),
                  headers=s.auth({"Content-Type": "application/json"}))
    assert r.status == 200, r.body[:300]
    yield s
    s.stop()


def get(s, path, params=None, auth=False):
    q = "?" + urllib.parse.urlencode(params) if params else ""
    return s.get(path + q, headers=s.auth() if auth else None)


def ids(doc):
    return [f["id"] for f in doc["features"]]


def links(doc, rel):
    return [l["href"] for l in doc["links"] if l["rel"] == rel]


def items(s, **params):
    r = get(s, ITEMS, params)
    assert r.status == 200, r.body[:300]
    assert r.header("Content-Type") == "application/geo+json"
    doc = r.json()
    assert doc["type"] == "FeatureCollection"
    assert doc["numberReturned"] == len(doc["features"])
    return doc


def test_catalog_collection_listed_and_declared(srv):
    r = get(srv, CATALOG)
    assert r.status == 200
    c = r.json()
    assert (c["id"], c["type"], c["itemType"]) == ("catalog", "Collection", "record")
    assert links(c, "items") == [srv.base + ITEMS]
    assert links(c, "http://www.opengis.net/def/rel/ogc/1.0/queryables") == [srv.base + CATALOG + "/queryables"]
    collections = get(srv, "/ogc/collections").json()["collections"]
    assert [x["id"] for x in collections if x["id"] == "catalog"] == ["catalog"]
    assert next(x for x in collections if x["id"] == "catalog")["itemType"] == "record"
    conf = get(srv, "/ogc/conformance").json()["conformsTo"]
    for cls in ("record-core", "record-collection", "record-core-query-parameters", "records-api",
                "searchable-catalog", "json"):
        assert f"http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/{cls}" in conf
    landing = get(srv, "/ogc").json()
    assert links(landing, "http://www.opengis.net/def/rel/ogc/1.0/ogc-catalog") == [srv.base + ITEMS]
    q = get(srv, CATALOG + "/queryables")
    assert q.status == 200 and "title" in q.json()["properties"]


def test_anonymous_sees_published_records_only(srv):
    doc = items(srv, limit=100)
    assert set(ids(doc)) == ALL_PUBLISHED
    assert doc["numberMatched"] == len(ALL_PUBLISHED)
    assert "draft-plan" not in ids(doc)
    assert get(srv, ITEMS + "/draft-plan").status == 404
    assert items(srv, ids="draft-plan")["numberMatched"] == 0
    assert items(srv, q="roads plan")["numberMatched"] == 0
    # The owner (admin) sees the draft.
    r = get(srv, ITEMS, {"limit": 100}, auth=True)
    assert "draft-plan" in ids(r.json())
    assert get(srv, ITEMS + "/draft-plan", auth=True).status == 200


def test_q_type_ids_bbox_datetime(srv):
    def found(**params):
        doc = items(srv, limit=100, **params)
        assert doc["numberMatched"] == len(doc["features"])
        return set(ids(doc))

    assert found(q="北京 道路") == {"beijing-roads"}
    assert found(q="北京市道路") == {"beijing-roads"}
    assert found(q="parks") == {"shanghai-parks"}
    assert found(q="parks,hydrology") == {"shanghai-parks", "yangtze-gauges"}  # OR
    assert found(q="bicycles") == {"cycle-hire"}
    assert found(type="document") == {"shanghai-parks"}
    assert found(type="service,series") == {"yangtze-gauges", "census-2010"}
    assert found(ids="beijing-roads,census-2010,nosuch") == {"beijing-roads", "census-2010"}
    # bbox (CRS84): Shanghai only; the provinces of China cover it too.
    assert found(bbox="121.2,31.0,121.6,31.4") == {"shanghai-parks", "yangtze-gauges", "china-provinces"}
    assert found(bbox="-0.2,51.45,-0.05,51.55") == {"cycle-hire"}
    assert found(bbox="10,10,11,11") == set()
    # datetime: records without time never match a time filter.
    assert found(datetime="1995-06-01T00:00:00Z") == {"yangtze-gauges"}
    assert found(datetime="2010-11-01") == {"census-2010"}
    assert found(datetime="2021-01-01T00:00:00Z/..") == {"beijing-roads"}
    assert found(datetime="../1989-12-31T00:00:00Z") == set()
    assert found(type="dataset", bbox="100,20,130,45") == {"beijing-roads", "china-provinces"}
    # Nothing is external here: an external id matches nothing.
    assert found(externalIds="abc") == set()


def test_paging_by_next_links_reaches_every_record_once(srv):
    seen = []
    url = srv.base + ITEMS + "?limit=2&sortby=title"
    pages = 0
    while url:
        r = srv.get(url[len(srv.base):])
        assert r.status == 200
        doc = r.json()
        assert doc["numberMatched"] == len(ALL_PUBLISHED)
        assert doc["numberReturned"] <= 2
        if pages:
            assert len(links(doc, "prev")) == 1
        seen += ids(doc)
        nxt = links(doc, "next")
        url = nxt[0] if nxt else None
        pages += 1
        assert pages < 20
    assert sorted(seen) == sorted(ALL_PUBLISHED)
    assert len(seen) == len(set(seen))
    assert pages == (len(ALL_PUBLISHED) + 1) // 2
    # The default page is 10; more than 100 is reduced to 100.
    assert items(srv)["numberReturned"] == min(10, len(ALL_PUBLISHED))
    assert get(srv, ITEMS, {"limit": 5000}).status == 200


def test_record_encoding(srv):
    r = get(srv, ITEMS + "/beijing-roads")
    assert r.status == 200
    assert r.header("Content-Type") == "application/geo+json"
    rec = r.json()
    assert rec["type"] == "Feature" and rec["id"] == "beijing-roads"
    assert "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/record-core" in rec["conformsTo"]
    assert rec["geometry"]["type"] == "Polygon"
    assert rec["geometry"]["coordinates"][0] == [[115.4, 39.4], [117.5, 39.4], [117.5, 41.1],
                                                 [115.4, 41.1], [115.4, 39.4]]
    assert rec["time"] == {"interval": ["2020-01-01T00:00:00Z", ".."]}
    p = rec["properties"]
    assert p["type"] == "dataset"
    assert p["title"] == "北京市主要道路"
    assert p["description"] == "Main roads of Beijing"
    assert p["keywords"] == ["道路", "交通"]
    assert p["themes"] == [{"concepts": [{"id": "transportation"}], "scheme": "ISO 19115 topic category"}]
    assert p["license"] == "CC-BY-4.0"
    assert {"organization": "北京市测绘院", "roles": ["publisher"]} in p["contacts"]
    assert p["created"].endswith("Z") and p["updated"].endswith("Z")
    assert links(rec, "self") == [srv.base + ITEMS + "/beijing-roads"]
    assert links(rec, "collection") == [srv.base + CATALOG]
    assert links(rec, "alternate") == [srv.base + "/api/v1/records/beijing-roads"]
    assert srv.get("/api/v1/records/beijing-roads").status == 200

    parks = get(srv, ITEMS + "/shanghai-parks").json()
    assert parks["properties"]["license"] == "other"
    assert links(parks, "license") == ["https://example.org/licence.html"]
    assert parks["time"] is None
    census = get(srv, ITEMS + "/census-2010").json()
    assert census["geometry"] is None
    assert census["time"] == {"timestamp": "2010-11-01T00:00:00Z"}

    # A dataset's record links the dataset's services, and they answer.
    ds = get(srv, ITEMS + "/cycle-hire").json()
    described = links(ds, "describes")
    assert srv.base + "/ogc/collections/cycle-hire" in described
    for href in described + links(ds, "items"):
        assert srv.get(href[len(srv.base):]).status == 200, href
    assert ds["geometry"]["type"] == "Polygon"
    minx, miny, maxx, maxy = ds["bbox"]
    assert -0.3 < minx < maxx < 0.0 and 51.4 < miny < maxy < 51.6


def test_errors(srv):
    r = get(srv, ITEMS + "/nosuch")
    assert r.status == 404
    for params, parameter in [({"bbox": "1,2,3"}, "bbox"), ({"bbox": "10,0,5,1"}, "bbox"),
                              ({"datetime": "soon"}, "datetime"), ({"limit": "0"}, "limit"),
                              ({"offset": "x"}, "offset"), ({"sortby": "colour"}, "sortby"),
                              ({"colour": "red"}, "colour")]:
        r = get(srv, ITEMS, params)
        assert r.status == 400, (params, r.status)
        assert r.header("Content-Type") == "application/problem+json"
        assert r.json()["parameter"] == parameter


def test_gdal_oapif_reads_the_catalog(srv):
    """GDAL 3.6's OAPIF driver reads the catalog as a feature collection: the records are
    features (their extents polygons, their members fields), drafts not among them."""
    r = subprocess.run(["ogrinfo", "-ro", "-so", "-al", f"OAPIF:{srv.base}/ogc/collections/catalog"],
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        pytest.skip("this GDAL's OAPIF driver does not read a records collection: " + r.stderr[-300:])
    assert "Layer name: catalog" in r.stdout
    assert "Feature Count: %d\n" % len(ALL_PUBLISHED) in r.stdout
    assert "Geometry: Polygon" in r.stdout
    r = subprocess.run(["ogrinfo", "-ro", "-al", "-q", f"OAPIF:{srv.base}/ogc/collections/catalog"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "北京市主要道路" in r.stdout
    assert "draft-plan" not in r.stdout


def test_external_ids_of_harvested_records(fresh_server):
    """A node harvesting its own catalog (kind records, loopback allowed by the admin): the
    copies carry externalIds {scheme: source, value: id at the source}, found by externalIds."""
    s = fresh_server()
    r = post_json(s, "/api/v1/records", {"id": "rivers", "title": "Rivers", "keywords": ["rivers"],
                                         "extent": [100, 20, 110, 30]})
    assert r.status == 201, r.body[:300]
    s.publish("rivers")
    r = post_json(s, "/api/v1/harvest/sources",
                  {"id": "self", "kind": "records", "url": s.base + CATALOG, "allow_private": True})
    assert r.status == 201, r.body[:300]
    run = post_json(s, "/api/v1/harvest/sources/self/run", {})
    assert run.status == 200 and run.json()["status"] == "ok", run.body[:300]
    assert run.json()["added"] == 1

    copy = items(s, externalIds="rivers")
    assert copy["numberMatched"] == 1
    rec = copy["features"][0]
    assert rec["id"] != "rivers"
    assert rec["properties"]["externalIds"] == [{"scheme": "self", "value": "rivers"}]
    assert links(rec, "via") and links(rec, "via")[0].startswith(s.base + ITEMS + "/rivers")
    assert set(ids(items(s, externalIds="self:rivers"))) == {rec["id"]}
    assert set(ids(items(s, externalIds="self:"))) == {rec["id"]}
    assert items(s, externalIds="other:rivers")["numberMatched"] == 0
    assert items(s, externalIds="rivers", ids="rivers")["numberMatched"] == 0
    assert set(ids(items(s, externalIds="rivers,nosuch", ids=rec["id"]))) == {rec["id"]}
