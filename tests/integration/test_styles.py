"""Styles over HTTP: the default style, creating, reading, replacing and deleting styles of every
kind with classes computed from real data, validation errors with their JSON pointers, legends,
the MapLibre export, and visibility (a hidden dataset's styles are a 404)."""
import json
import os
import shutil
import subprocess

import pytest

from conftest import DATA, Server

PNG = b"\x89PNG\r\n\x1a\n"
SPEC = os.path.realpath(os.path.join(os.path.dirname(__file__),
                                     "../browser/node_modules/@maplibre/maplibre-gl-style-spec"))


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    s = Server(str(tmp_path_factory.mktemp("styles")))
    s.cli("import", os.path.join(DATA, "naturalearth_lowres.shp.zip"), "--dataset", "countries")
    s.cli("import", os.path.join(DATA, "naturalearth_cities.shp.zip"), "--dataset", "cities")
    s.cli("import", os.path.join(DATA, "kiritimati_roads_utm4n.shp.zip"), "--dataset", "roads")
    s.cli("import", os.path.join(DATA, "openflights_airports.csv"), "--dataset", "airports")
    s.cli("import", os.path.join(DATA, "naturalearth_cities.shp.zip"), "--dataset", "secret",
          "--access", "private")
    s.cli("import", os.path.join(DATA, "polygon_holes.shp.zip"), "--dataset", "basemap-land")
    s.start()
    yield s
    s.stop()


def send(srv, method, path, doc, auth=True, content_type="application/json"):
    body = doc if isinstance(doc, (bytes, str)) else json.dumps(doc)
    if isinstance(body, str):
        body = body.encode()
    headers = {"Content-Type": content_type}
    return srv.request(method, path, body=body, headers=srv.auth(headers) if auth else headers)


def styles(ds):
    return f"/api/v1/datasets/{ds}/styles"


def problem(r, status, pointer):
    assert r.status == status, r.body
    assert r.header("Content-Type").startswith("application/problem+json")
    p = r.json()
    assert p["code"] == "invalid-style", p
    assert p.get("parameter", "") == pointer, p
    return p


def country_pops(srv):
    r = srv.get("/ogc/collections/countries/items?limit=1000&f=json")
    assert r.status == 200
    return sorted(f["properties"]["pop_est"] for f in r.json()["features"])


def test_default_styles_per_geometry(srv):
    for ds, kind in (("countries", "fill"), ("roads", "line"), ("cities", "circle")):
        r = srv.get(styles(ds))
        assert r.status == 200, r.body
        listed = r.json()["styles"]
        assert listed[0]["name"] == "default"
        assert listed[0]["kind"] == "single"
        rels = {l["rel"]: l["href"] for l in listed[0]["links"]}
        assert rels["legend"] == f"{srv.base}{styles(ds)}/default/legend.png"
        d = srv.get(f"{styles(ds)}/default").json()
        assert d["name"] == "default" and d["kind"] == "single"
        fill_alpha = d["symbol"]["fill"][7:] or "ff"
        if kind == "line":
            assert fill_alpha == "00"  # stroke only
        if kind == "fill":
            assert 0 < int(fill_alpha, 16) < 255  # translucent
        m = srv.get(f"{styles(ds)}/default/maplibre.json").json()
        assert m["layers"][0]["type"] == kind
    # Labels go on the name field.
    assert srv.get(f"{styles('cities')}/default").json()["label"]["field"] == "name"
    # The same dataset id gets the same colour every time.
    a = srv.get(f"{styles('countries')}/default").json()["symbol"]
    assert srv.get(f"{styles('countries')}/default").json()["symbol"] == a


def test_graduated_styles_classify_the_data(srv):
    pops = country_pops(srv)
    for method in ("equal_interval", "quantile", "natural_breaks"):
        name = "pop-" + method.replace("_", "-")
        r = send(srv, "POST", styles("countries"),
                 {"name": name, "kind": "graduated", "field": "pop_est", "method": method,
                  "classes": 5, "ramp": "Blues"})
        assert r.status == 201, r.body
        assert r.header("Location").endswith(f"{styles('countries')}/{name}")
        rules = r.json()["rules"]
        assert len(rules) == 5
        assert rules[0]["min"] == pops[0] and rules[-1]["max"] == pops[-1]
        for a, b in zip(rules, rules[1:]):
            assert a["max"] == b["min"] and a["min"] < a["max"]
        assert rules[0]["symbol"]["fill"] == "#f7fbffa0"  # first colour of Blues, default alpha
        assert rules[-1]["symbol"]["fill"] == "#08306ba0"
        if method == "equal_interval":
            step = (pops[-1] - pops[0]) / 5
            assert rules[1]["min"] == pytest.approx(pops[0] + step)
        if method == "quantile":
            n = len(pops)
            assert [r_["min"] for r_ in rules[1:]] == [pops[i * n // 5] for i in range(1, 5)]
        # A read gives the same document.
        assert srv.get(f"{styles('countries')}/{name}").json() == r.json()
    listed = [s["name"] for s in srv.get(styles("countries")).json()["styles"]]
    assert listed[0] == "default" and {"pop-equal-interval", "pop-quantile",
                                       "pop-natural-breaks"} <= set(listed)
    # MapLibre: step on the field, guarded by typeof.
    m = srv.get(f"{styles('countries')}/pop-quantile/maplibre.json").json()
    assert m["version"] == 8
    assert m["sources"]["countries"] == {"type": "vector", "url": f"{srv.base}/tiles/countries.json"}
    fill = m["layers"][0]
    assert fill["type"] == "fill" and fill["source-layer"] == "countries"
    expr = fill["paint"]["fill-color"]
    assert expr[0] == "case" and expr[2][0] == "step" and expr[2][1] == ["get", "pop_est"]


def test_categorized_most_frequent_first(srv):
    r = send(srv, "POST", styles("countries"),
             {"name": "continents", "kind": "categorized", "field": "continent", "ramp": "Set1"})
    assert r.status == 201, r.body
    rules = r.json()["rules"]
    assert rules[0]["value"] == "Africa" and rules[0]["label"] == "Africa"
    assert rules[0]["symbol"]["fill"].startswith("#e41a1c")
    assert len(rules) == len({x["value"] for x in rules}) <= 12
    m = srv.get(f"{styles('countries')}/continents/maplibre.json").json()
    expr = m["layers"][0]["paint"]["fill-color"]
    assert expr[0] == "match" and expr[1] == ["get", "continent"] and expr[2] == "Africa"


def test_proportional_and_heatmap_on_points(srv):
    r = send(srv, "POST", styles("airports"),
             {"name": "altitude", "kind": "proportional", "field": "altitude_ft",
              "min_size": 2, "max_size": 30})
    assert r.status == 201, r.body
    rule = r.json()["rules"][0]
    assert rule["min"] < rule["max"]
    m = srv.get(f"{styles('airports')}/altitude/maplibre.json").json()
    radius = m["layers"][0]["paint"]["circle-radius"]
    assert radius[0] == "case" and radius[2][0] == "interpolate"
    r = send(srv, "PUT", f"{styles('airports')}/heat",
             {"kind": "heatmap", "radius": 25, "ramp": "heat", "min_zoom": 2, "max_zoom": 12})
    assert r.status == 201, r.body
    assert r.json()["name"] == "heat"
    layer = srv.get(f"{styles('airports')}/heat/maplibre.json").json()["layers"][0]
    assert layer["type"] == "heatmap" and layer["paint"]["heatmap-radius"] == 25
    assert layer["minzoom"] == 1 and layer["maxzoom"] == 11
    # Points only.
    problem(send(srv, "POST", styles("countries"),
                 {"name": "bad", "kind": "heatmap"}), 400, "/kind")


def test_replace_and_delete(srv):
    doc = {"name": "gdp", "kind": "graduated", "field": "gdp_md_est", "classes": 4}
    assert send(srv, "POST", styles("countries"), doc).status == 201
    assert send(srv, "POST", styles("countries"), doc).status == 409
    r = send(srv, "PUT", f"{styles('countries')}/gdp", {**doc, "classes": 3, "title": "GDP"})
    assert r.status == 200, r.body
    assert len(r.json()["rules"]) == 3 and r.json()["title"] == "GDP"
    assert srv.get(f"{styles('countries')}/gdp").json()["title"] == "GDP"
    problem(send(srv, "PUT", f"{styles('countries')}/gdp", {**doc, "name": "other"}), 400, "/name")
    r = srv.request("DELETE", f"{styles('countries')}/gdp", headers=srv.auth())
    assert r.status == 204, r.body
    assert srv.get(f"{styles('countries')}/gdp").status == 404
    assert srv.request("DELETE", f"{styles('countries')}/gdp", headers=srv.auth()).status == 404


def test_validation_errors_name_the_member(srv):
    cases = [
        ('{"name": "x", "colour": "red"}', "/colour"),
        ('{"name": "x", "symbol": {"fill": "#12"}}', "/symbol/fill"),
        ('{"name": "Bad Name"}', "/name"),
        ('{"kind": "single"}', "/name"),
        ('{"name": "x", "kind": "graduated", "field": "name"}', "/field"),
        ('{"name": "x", "kind": "categorized", "field": "nope"}', "/field"),
        ('{"name": "x", "label": {"field": "nope"}}', "/label/field"),
        ('{"name": "x", "kind": "graduated", "field": "pop_est",'
         ' "rules": [{"min": 0, "max": 10}, {"min": 5, "max": 20}]}', "/rules/1/min"),
        ('{"name": "x", "min_zoom": 30}', "/min_zoom"),
        ('{"name": "x", "ramp": "Rainbow"}', "/ramp"),
        ('{"name": "x", "kind": "categorized", "field": "name", "rules": [{"min": 1}]}',
         "/rules/0/value"),
        ("not json", ""),
    ]
    for body, pointer in cases:
        p = problem(send(srv, "POST", styles("countries"), body), 400, pointer)
        assert p["detail"], body
    r = send(srv, "POST", styles("countries"), '{"name": "x"}', content_type="text/plain")
    assert r.status == 415


def test_legend(srv):
    r = srv.get(f"{styles('countries')}/continents/legend.png")
    if r.status == 404:  # the categorized test did not run first
        send(srv, "POST", styles("countries"),
             {"name": "continents", "kind": "categorized", "field": "continent"})
        r = srv.get(f"{styles('countries')}/continents/legend.png")
    assert r.status == 200, r.body
    assert r.header("Content-Type") == "image/png" and r.body.startswith(PNG)
    r = srv.get(f"{styles('cities')}/default/legend.png?format=webp&width=120&height=40")
    assert r.status == 200 and r.body[:4] == b"RIFF" and r.body[8:12] == b"WEBP"
    assert srv.get(f"{styles('cities')}/default/legend.png?width=0").status == 400
    assert srv.get(f"{styles('cities')}/default/legend.png?format=gif").status == 400
    assert srv.get(f"{styles('cities')}/nope/legend.png").status == 404


def test_hidden_datasets_and_writes_need_rights(srv):
    assert srv.get(styles("secret")).status == 404
    assert srv.get(f"{styles('secret')}/default").status == 404
    assert srv.get(f"{styles('secret')}/default/maplibre.json").status == 404
    assert srv.get(f"{styles('secret')}/default/legend.png").status == 404
    assert srv.get(styles("secret"), headers=srv.auth()).status == 200
    assert srv.get(styles("nope")).status == 404
    r = send(srv, "POST", styles("cities"), {"name": "mine"}, auth=False)
    assert r.status in (401, 403), r.body
    assert srv.get(f"{styles('cities')}/mine").status == 404
    # The API key rides into the MapLibre source URL.
    m = srv.get(f"{styles('secret')}/default/maplibre.json?tk={srv.admin_key}").json()
    assert m["sources"]["secret"]["url"] == f"{srv.base}/tiles/secret.json?tk={srv.admin_key}"


def test_maplibre_exports_pass_the_style_spec_validator(srv):
    """Every exported style of the module's datasets, checked by MapLibre's own style-spec
    validator (expressions type-checked), from tests/browser's node_modules."""
    assert shutil.which("node"), "node is missing: run `make bootstrap`"
    assert os.path.isdir(SPEC), "run `npm ci --prefix tests/browser`"
    extra = [("countries", {"name": "spec-eq", "kind": "graduated", "field": "pop_est",
                            "method": "equal_interval", "classes": 6, "ramp": "viridis"}),
             ("countries", {"name": "spec-cat", "kind": "categorized", "field": "continent",
                            "label": {"field": "name"}, "min_zoom": 2}),
             ("airports", {"name": "spec-type", "kind": "categorized", "field": "type"}),
             ("roads", {"name": "spec-dash", "symbol": {"stroke": "#333", "dash": [4, 2]},
                        "max_scale_denominator": 5000000})]
    for ds, doc in extra:
        r = send(srv, "PUT", f"{styles(ds)}/{doc['name']}", doc)
        assert r.status in (200, 201), r.body
    exports = []
    for ds in ("countries", "cities", "roads", "airports"):
        for s in srv.get(styles(ds)).json()["styles"]:
            r = srv.get(f"{styles(ds)}/{s['name']}/maplibre.json")
            assert r.status == 200, r.body
            exports.append(r.json())
    exports.append(srv.get(f"{styles('cities')}/default/maplibre.json?basemap=true").json())
    assert len(exports) >= 8
    script = ("const spec = require(process.argv[1] + '/dist/index.cjs');"
              "const styles = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "console.log(JSON.stringify(styles.map(s => spec.validateStyleMin(s)"
              ".map(e => e.message))));")
    r = subprocess.run(["node", "-e", script, SPEC], input=json.dumps(exports),
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    errors = json.loads(r.stdout)
    assert errors == [[] for _ in exports], [(e["name"], m) for e, m in zip(exports, errors) if m]


def test_maplibre_with_the_base_map_underneath(srv):
    m = srv.get(f"{styles('cities')}/default/maplibre.json?basemap=true").json()
    assert list(m["sources"]) == ["basemap-land", "cities"]
    assert m["sources"]["basemap-land"]["url"] == f"{srv.base}/tiles/basemap-land.json"
    ids = [l["id"] for l in m["layers"]]
    assert ids[0].startswith("basemap-land-default-") and ids[-1] == "cities-default-circle"
    plain = srv.get(f"{styles('cities')}/default/maplibre.json?basemap=false").json()
    assert [l["id"] for l in plain["layers"]] == ["cities-default-circle"]
    assert srv.get(f"{styles('cities')}/default/maplibre.json?basemap=maybe").status == 400
