"""The offline base map's parts that need no download: its geometry code (node --test) and its
style files (data/basemap/*.json), stored with `shikong style put` on datasets with the fields
data/basemap/prepare.mjs writes, then drawn by WMS and exported for MapLibre."""
import json
import os
import shutil
import subprocess

import pytest

from conftest import Server

ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
BASEMAP = os.path.join(ROOT, "data/basemap")


def fc(*features):
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": p, "geometry": g} for p, g in features]}


def square(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


# Each base map dataset with a few features of the fields prepare.mjs writes, and its style file.
SAMPLES = {
    "basemap-land": ("land.json", fc(({"kind": "land"}, square(100, 20, 125, 45)))),
    "basemap-coastlines": ("coastlines.json", fc(
        ({"kind": "coastline"}, {"type": "LineString", "coordinates": [[100, 20], [125, 20], [125, 45]]}))),
    "basemap-countries": ("countries.json", fc(({"name": "China", "iso_n3": "156"}, square(100, 20, 125, 45)))),
    "basemap-provinces": ("provinces.json", fc(
        ({"name": "四川", "adcode": "510000"}, square(100, 26, 108, 34)),
        ({"name": "北京", "adcode": "110000"}, square(115.5, 39.5, 117.5, 41)))),
    "basemap-places": ("places.json", fc(
        ({"name": "China", "kind": "country", "rank": 1, "population": None}, {"type": "Point", "coordinates": [110, 35]}),
        ({"name": "四川", "kind": "province", "rank": 2, "population": None}, {"type": "Point", "coordinates": [102.4, 30.5]}),
        ({"name": "Beijing", "kind": "capital", "rank": 3, "population": 11716620}, {"type": "Point", "coordinates": [116.4, 39.9]}),
        ({"name": "Chengdu", "kind": "city", "rank": 4, "population": 7415590}, {"type": "Point", "coordinates": [104.07, 30.67]}))),
}


def test_geometry():
    assert shutil.which("node"), "node is missing: run `make bootstrap`"
    r = subprocess.run(["node", "--test", os.path.join(BASEMAP, "geometry.test.mjs")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert "# fail 0" in r.stdout


def test_every_style_file_has_its_dataset():
    files = sorted(f for f in os.listdir(BASEMAP) if f.endswith(".json"))
    assert files == sorted(f for f, _ in SAMPLES.values())


@pytest.fixture(scope="module")
def basemap_server(tmp_path_factory):
    d = tmp_path_factory.mktemp("basemap")
    s = Server(str(d / "data"))
    for dataset, (style, doc) in SAMPLES.items():
        path = d / f"{dataset}.geojson"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        s.cli("import", str(path), "--dataset", dataset)
        s.cli("style", "put", dataset, "default", os.path.join(BASEMAP, style))
    s.start()
    yield s
    s.stop()


@pytest.mark.parametrize("dataset", sorted(SAMPLES))
def test_style_stored_and_exported(basemap_server, dataset):
    style_file = os.path.join(BASEMAP, SAMPLES[dataset][0])
    with open(style_file) as f:
        want = json.load(f)
    got = basemap_server.get(f"/api/v1/datasets/{dataset}/styles/default").json()
    assert got["title"] == want["title"]
    assert got["kind"] == want["kind"]
    assert got["symbol"]["stroke"] == want["symbol"]["stroke"]
    m = basemap_server.get(f"/api/v1/datasets/{dataset}/styles/default/maplibre.json")
    assert m.status == 200, m.body
    assert m.json()["sources"][dataset]["url"] == f"{basemap_server.base}/tiles/{dataset}.json"


def test_places_classes(basemap_server):
    got = basemap_server.get("/api/v1/datasets/basemap-places/styles/default").json()
    assert [(r["value"], r["symbol"]["fill"]) for r in got["rules"]] == [("capital", "#c0392b"), ("city", "#555555")]
    assert got["label"]["field"] == "name"


def test_wms_draws_the_base_map(basemap_server):
    layers = "basemap-land,basemap-coastlines,basemap-countries,basemap-provinces,basemap-places"
    r = basemap_server.get(f"/ogc/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={layers}&STYLES="
                           "&CRS=CRS:84&BBOX=95,15,130,50&WIDTH=350&HEIGHT=350&FORMAT=image/png")
    assert r.status == 200, r.body
    assert r.header("Content-Type") == "image/png"
    from osgeo import gdal
    gdal.FileFromMemBuffer("/vsimem/basemap.png", r.body)
    ds = gdal.Open("/vsimem/basemap.png")
    try:
        def pixel(lon, lat):
            x, y = int((lon - 95) * 10), int((50 - lat) * 10)
            return tuple(ds.GetRasterBand(b).ReadRaster(x, y, 1, 1)[0] for b in (1, 2, 3))
        assert pixel(120, 25) == (0xf5, 0xf3, 0xee)  # land.json's fill, away from lines and labels
        assert pixel(97, 47) != (0xf5, 0xf3, 0xee)  # outside the land square
    finally:
        ds = None
        gdal.Unlink("/vsimem/basemap.png")


def test_maplibre_draws_the_base_map(basemap_server, tmp_path):
    """The five exported styles stacked into one MapLibre style, as a portal would, drawn in
    headless Chromium: land in land.json's colour, Beijing's capital marker in places.json's."""
    from browser import close, render, require_browser
    require_browser()
    style = {"version": 8, "sources": {}, "layers": []}
    for dataset in ("basemap-land", "basemap-coastlines", "basemap-countries", "basemap-provinces", "basemap-places"):
        part = basemap_server.get(f"/api/v1/datasets/{dataset}/styles/default/maplibre.json").json()
        style["sources"].update(part["sources"])
        style["layers"] += part["layers"]
    points = [(120, 25), (116.4, 39.9), (97, 47)]  # land, Beijing, outside the land square
    [out] = render({"jobs": [{"style": style, "bounds": [95, 15, 130, 50], "points": points,
                              "screenshot": str(tmp_path / "basemap.png")}]}, str(tmp_path))
    assert out["errors"] == [] and out["tiles"] >= 5, out
    land, beijing, outside = out["pixels"]
    assert close(land, (0xf5, 0xf3, 0xee)), out
    assert close(beijing, (0xc0, 0x39, 0x2b)), out
    assert not close(outside, (0xf5, 0xf3, 0xee), 30), out
