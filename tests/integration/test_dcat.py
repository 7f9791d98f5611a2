"""GET /api/v1/catalog.jsonld on a real server: a DCAT 3 catalog in JSON-LD of the published
records the caller can see (drafts and retired records absent, for admins too), absolute URLs,
every term a compact IRI of a declared prefix, WKT extents and xsd:dateTime times.
rdflib is not installed on the build machine: the JSON-LD is checked by its structure (each
key expanded against @context by hand)."""
import json
import os
import re
from datetime import datetime

import pytest

from conftest import DATA, Server

PATH = "/api/v1/catalog.jsonld"


def post_json(s, path, body):
    return s.request("POST", path, body=json.dumps(body).encode(),
                     headers=s.auth({"Content-Type": "application/json"}))


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    s = Server(str(tmp_path_factory.mktemp("dcat")))
    s.cli("import", os.path.join(DATA, "london_cycle_hire.geojson"), "--dataset", "cycle-hire")
    s.start()
    records = {
        "rivers": {"title": "长江水系", "abstract": "Rivers of the Yangtze basin",
                   "keywords": ["河流", "rivers"], "topic": "inlandWaters",
                   "publisher": "水利部", "licence": "CC-BY-4.0",
                   "contact": {"name": "Wang Fang", "email": "wang@example.org"},
                   "extent": [90.5, 24.5, 121.9, 35.8],
                   "time": ["1990-01-01T00:00:00Z", "1999-12-31T00:00:00Z"],
                   "links": [{"href": "https://example.org/wms", "rel": "service",
                              "type": "text/xml", "title": "Rivers WMS", "protocol": "OGC:WMS"}]},
        "free-text": {"type": "document", "title": "Guide", "licence": "仅限非商业使用"},
        "draft": {"title": "Not yet published"},
        "old": {"title": "Retired record"},
    }
    for rid, body in records.items():
        r = post_json(s, "/api/v1/records", {"id": rid, **body})
        assert r.status == 201, r.body[:300]
    for rid in ("rivers", "free-text", "old"):
        s.publish(rid)
    r = post_json(s, "/api/v1/records/old/retire", {"comment": "superseded"})
    assert r.status == 200, r.body[:300]
    yield s
    s.stop()


def expand(term, context):
    """A compact IRI (prefix:local) or keyword expanded with the document's @context."""
    if term.startswith("@"):
        return term
    prefix, sep, local = term.partition(":")
    assert sep and prefix in context, f"term {term!r} has no declared prefix"
    return context[prefix] + local


def walk(node, context, out):
    """Checks every key of every node object and collects (subject-less) property IRIs."""
    if isinstance(node, dict):
        for k, v in node.items():
            out.add(expand(k, context))
            if k == "@type":
                expand(v, context)
            if k == "@id":
                assert re.match(r"^(https?|mailto):", v), v
            if k == "@value" or k == "@id":
                continue
            walk(v, context, out)
    elif isinstance(node, list):
        for x in node:
            walk(x, context, out)


def test_catalog_is_dcat_jsonld(srv):
    r = srv.get(PATH)
    assert r.status == 200
    assert r.header("Content-Type") == "application/ld+json"
    doc = r.json()
    ctx = doc["@context"]
    assert ctx["dcat"] == "http://www.w3.org/ns/dcat#"
    assert ctx["dct"] == "http://purl.org/dc/terms/"
    assert ctx["foaf"] == "http://xmlns.com/foaf/0.1/"
    assert ctx["vcard"] == "http://www.w3.org/2006/vcard/ns#"
    assert doc["@type"] == "dcat:Catalog"
    assert doc["@id"] == srv.base + PATH
    assert doc["dct:title"]
    iris = set()
    walk({k: v for k, v in doc.items() if k != "@context"}, ctx, iris)
    for p in ("http://www.w3.org/ns/dcat#dataset", "http://purl.org/dc/terms/title",
              "http://www.w3.org/ns/dcat#bbox", "http://www.w3.org/ns/dcat#distribution",
              "http://www.w3.org/ns/dcat#accessURL", "http://www.w3.org/ns/dcat#startDate"):
        assert p in iris, p

    datasets = {d["dct:identifier"]: d for d in doc["dcat:dataset"]}
    assert set(datasets) == {"rivers", "free-text", "cycle-hire"}
    for rid, d in datasets.items():
        assert d["@type"] == "dcat:Dataset"
        assert d["@id"] == f"{srv.base}/api/v1/records/{rid}"
        assert srv.get(d["@id"][len(srv.base):]).status == 200
        datetime.fromisoformat(d["dct:modified"]["@value"].replace("Z", "+00:00"))
        assert d["dct:modified"]["@type"] == "xsd:dateTime"

    rivers = datasets["rivers"]
    assert rivers["dct:title"] == "长江水系"
    assert rivers["dct:description"] == "Rivers of the Yangtze basin"
    assert sorted(rivers["dcat:keyword"]) == sorted(["河流", "rivers"])
    assert rivers["dcat:theme"]["@id"].endswith("/TopicCategory/inlandWaters")
    assert rivers["dct:publisher"] == {"@type": "foaf:Agent", "foaf:name": "水利部"}
    assert rivers["dct:license"] == {"@id": "http://spdx.org/licenses/CC-BY-4.0"}
    bbox = rivers["dct:spatial"]
    assert bbox["@type"] == "dct:Location"
    assert bbox["dcat:bbox"]["@type"] == "gsp:wktLiteral"
    assert bbox["dcat:bbox"]["@value"] == \
        "POLYGON((90.5 24.5,121.9 24.5,121.9 35.8,90.5 35.8,90.5 24.5))"
    t = rivers["dct:temporal"]
    assert t["@type"] == "dct:PeriodOfTime"
    assert t["dcat:startDate"] == {"@value": "1990-01-01T00:00:00Z", "@type": "xsd:dateTime"}
    assert t["dcat:endDate"] == {"@value": "1999-12-31T00:00:00Z", "@type": "xsd:dateTime"}
    assert rivers["dcat:contactPoint"]["vcard:fn"] == "Wang Fang"
    assert rivers["dcat:contactPoint"]["vcard:hasEmail"] == {"@id": "mailto:wang@example.org"}
    dist = rivers["dcat:distribution"]
    assert dist == [{"@type": "dcat:Distribution", "dcat:accessURL": {"@id": "https://example.org/wms"},
                     "dct:title": "Rivers WMS",
                     "dcat:mediaType": {"@id": "https://www.iana.org/assignments/media-types/text/xml"},
                     "dct:format": "OGC:WMS"}]

    assert datasets["free-text"]["dct:license"] == {"@type": "dct:LicenseDocument",
                                                    "rdfs:label": "仅限非商业使用"}

    # The dataset's distributions are its services and downloads, absolute, and they answer.
    ds = datasets["cycle-hire"]
    urls = [x["dcat:accessURL"]["@id"] for x in ds["dcat:distribution"]]
    assert srv.base + "/ogc/collections/cycle-hire" in urls
    downloads = [x["dcat:downloadURL"]["@id"] for x in ds["dcat:distribution"] if "dcat:downloadURL" in x]
    assert srv.base + "/api/v1/datasets/cycle-hire/download?format=geojson" in downloads
    for u in urls:
        assert u.startswith(srv.base + "/")
    assert srv.get(urls[0][len(srv.base):]).status == 200


def test_only_published_even_for_admins(srv):
    doc = srv.get(PATH, headers=srv.auth()).json()
    assert {d["dct:identifier"] for d in doc["dcat:dataset"]} == {"rivers", "free-text", "cycle-hire"}


def test_base_url_follows_the_host(srv):
    r = srv.get(PATH, headers={"Host": "catalog.example.org"})
    assert r.status == 200
    doc = r.json()
    assert doc["@id"] == "http://catalog.example.org" + PATH
    assert all(d["@id"].startswith("http://catalog.example.org/api/v1/records/")
               for d in doc["dcat:dataset"])
