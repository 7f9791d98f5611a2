"""MapLibre GL JS in headless Chromium draws shikong's vector tiles with the exported style.

A style with a known fill colour is made through the styles API; its MapLibre export
(/api/v1/datasets/{id}/styles/{name}/maplibre.json) points MapLibre at the dataset's TileJSON
and tiles; tests/browser/render.mjs renders it in Debian's Chromium (WebGL on SwiftShader) and
reads the screenshot's pixels at known places."""
import json
import os

import pytest

from browser import close, hexcolor, render, require_browser
from conftest import DATA, Server

RED = (224, 16, 16)
BLUE = (16, 64, 224)


@pytest.fixture(scope="module")
def maps_server(tmp_path_factory):
    require_browser()
    d = tmp_path_factory.mktemp("maplibre")
    # One square over a known area (lon 10..30, lat 10..30), and China's provinces (real
    # polygons with Chinese names and invalid rings) from shared/data.
    square = d / "square.geojson"
    square.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"name": "probe square"},
        "geometry": {"type": "Polygon", "coordinates": [[[10, 10], [30, 10], [30, 30], [10, 30], [10, 10]]]}}]}))
    s = Server(str(d / "data"))
    s.cli("import", str(square), "--dataset", "probe-square")
    s.cli("import", os.path.join(DATA, "china_provinces_echarts.geojson"), "--dataset", "china-provinces")
    s.start()
    yield s
    s.stop()


def put_style(server, dataset, name, rgb):
    body = json.dumps({"name": name, "title": f"{name} probe", "kind": "single",
                       "symbol": {"fill": hexcolor(rgb), "stroke": hexcolor(rgb), "stroke_width": 0}})
    r = server.request("POST", f"/api/v1/datasets/{dataset}/styles", body=body.encode(),
                       headers=server.auth({"Content-Type": "application/json"}))
    assert r.status == 201, r.body
    assert r.header("Location").endswith(f"/api/v1/datasets/{dataset}/styles/{name}")
    return f"{server.base}/api/v1/datasets/{dataset}/styles/{name}/maplibre.json"


def test_maplibre_renders_tilejson_source(maps_server, tmp_path):
    s = maps_server
    square_style = put_style(s, "probe-square", "probe", RED)
    china_style = put_style(s, "china-provinces", "probe", BLUE)

    # The export is a MapLibre style whose source is the dataset's TileJSON on this server.
    r = s.get("/api/v1/datasets/probe-square/styles/probe/maplibre.json")
    assert r.status == 200, r.body
    doc = r.json()
    assert doc["version"] == 8
    urls = [src.get("url", "") for src in doc["sources"].values()]
    assert any(u.startswith(s.base + "/tiles/probe-square") and u.endswith(".json") for u in urls), urls
    tilejson = s.get("/tiles/probe-square.json").json()
    assert tilejson["tilejson"] == "3.0.0"
    assert tilejson["vector_layers"][0]["id"] == "probe-square"

    inside_square = [(20, 20), (11, 12), (29, 29), (10.5, 20)]
    outside_square = [(35, 35), (5, 5), (9.3, 20), (20, 31)]
    inside_china = [(102.4, 30.5), (88.4, 31.5), (116.4, 39.9), (127.9, 46.8)]  # Sichuan, Tibet, Beijing, Heilongjiang
    outside_china = [(80, 15), (126, 28), (100, 50)]  # Indian Ocean, East China Sea, Mongolia
    # Both datasets from one TileJSON (/tiles/a,b.json: one tile, a layer per dataset), with a
    # style written here as a portal would.
    both = {"version": 8, "sources": {"both": {"type": "vector", "url": f"{s.base}/tiles/probe-square,china-provinces.json"}},
            "layers": [{"id": "square", "type": "fill", "source": "both", "source-layer": "probe-square",
                        "paint": {"fill-color": hexcolor(RED)}},
                       {"id": "china", "type": "fill", "source": "both", "source-layer": "china-provinces",
                        "paint": {"fill-color": hexcolor(BLUE)}}]}
    both_points = [(20, 20), (102.4, 30.5), (60, 20)]  # the square, Sichuan, the Arabian Sea
    answer = render({"jobs": [
        {"style": square_style, "bounds": [0, 0, 40, 40], "points": inside_square + outside_square,
         "screenshot": str(tmp_path / "square.png")},
        {"style": china_style, "bounds": [73, 15, 135, 54], "points": inside_china + outside_china,
         "screenshot": str(tmp_path / "china.png")},
        {"style": both, "bounds": [0, 0, 135, 54], "points": both_points, "screenshot": str(tmp_path / "both.png")},
    ]}, str(tmp_path))
    sq, cn, bo = answer
    for job in (sq, cn, bo):
        assert job["errors"] == [], job
        assert job["tiles"] > 0, job  # the pixels come from shikong's MVT tiles
    n = len(inside_square)
    for (lon, lat), px in zip(inside_square, sq["pixels"][:n]):
        assert close(px, RED), (lon, lat, px, sq["positions"])
    for (lon, lat), px in zip(outside_square, sq["pixels"][n:]):
        assert not close(px, RED, 60), (lon, lat, px)
    n = len(inside_china)
    for (lon, lat), px in zip(inside_china, cn["pixels"][:n]):
        assert close(px, BLUE), (lon, lat, px)
    for (lon, lat), px in zip(outside_china, cn["pixels"][n:]):
        assert not close(px, BLUE, 60), (lon, lat, px)
    assert close(bo["pixels"][0], RED), bo
    assert close(bo["pixels"][1], BLUE), bo
    assert not close(bo["pixels"][2], RED, 60) and not close(bo["pixels"][2], BLUE, 60), bo
