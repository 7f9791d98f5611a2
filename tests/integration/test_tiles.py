"""Vector and raster tiles over HTTP: XYZ tiles with TileJSON 3.0 read back by GDAL's MVT driver,
OGC API - Tiles (tile matrix sets, tilesets, links followed to tiles), CGCS2000Quad tiles, time,
attribute selection, cache headers, visibility and the error answers of bad tile requests."""
import csv
import json
import struct
import urllib.parse

import pytest
from osgeo import gdal, ogr

from conftest import DATA

gdal.UseExceptions()

MVT = "application/vnd.mapbox-vector-tile"


def mvt_layers(tmp_path, body, z=None, x=None, y=None, name="tile.pbf"):
    """{layer name: [feature dicts with 'fields' and 'geometry' (WKT)]} of an MVT tile, read by
    GDAL's MVT driver (EPSG:3857 coordinates when z/x/y are given)."""
    path = tmp_path / name
    path.write_bytes(body)
    opts = [f"Z={z}", f"X={x}", f"Y={y}"] if z is not None else []
    ds = gdal.OpenEx(str(path), gdal.OF_VECTOR, allowed_drivers=["MVT"], open_options=opts)
    out = {}
    for i in range(ds.GetLayerCount()):
        layer = ds.GetLayer(i)
        feats = []
        for f in layer:
            g = f.GetGeometryRef()
            feats.append({"fields": f.items(), "geometry": g.ExportToWkt() if g else None,
                          "envelope": g.GetEnvelope() if g else None})
        out[layer.GetName()] = {"features": feats,
                                "fields": [layer.GetLayerDefn().GetFieldDefn(k).GetName()
                                           for k in range(layer.GetLayerDefn().GetFieldCount())]}
    return out


def png_size(body):
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", body[16:24])


def problem(r, status, code):
    assert r.status == status, r.body
    assert r.header("Content-Type").startswith("application/problem+json"), r.header("Content-Type")
    assert r.json()["code"] == code, r.json()


# ---- TileJSON and XYZ vector tiles ----

def test_tilejson(server):
    r = server.get("/tiles/countries.json")
    assert r.status == 200, r.body
    j = r.json()
    assert j["tilejson"] == "3.0.0"
    assert j["scheme"] == "xyz"
    assert j["tiles"] == [f"{server.base}/tiles/countries/{{z}}/{{x}}/{{y}}.pbf"]
    assert j["minzoom"] == 0 and j["maxzoom"] == 22
    layer, = j["vector_layers"]
    assert layer["id"] == "countries"
    assert layer["fields"]["name"] == "String"
    assert layer["fields"]["pop_est"] == "Number"
    w, s, e, n = j["bounds"]
    assert w == pytest.approx(-180) and e == pytest.approx(180)
    assert s == pytest.approx(-85.05, abs=0.01) and n == pytest.approx(83.65, abs=0.1)
    assert len(j["center"]) == 3

    key = server.admin_key
    two = server.get(f"/tiles/countries,china-provinces.json?tk={key}&datetime=2020-01-01").json()
    assert [v["id"] for v in two["vector_layers"]] == ["countries", "china-provinces"]
    assert two["tiles"] == [f"{server.base}/tiles/countries,china-provinces/{{z}}/{{x}}/{{y}}.pbf"
                            f"?datetime=2020-01-01&tk={key}"]


def test_mvt_read_by_gdal(server, tmp_path):
    r = server.get("/tiles/countries/0/0/0.pbf")
    assert r.status == 200
    assert r.header("Content-Type") == MVT
    layers = mvt_layers(tmp_path, r.body, 0, 0, 0)
    assert list(layers) == ["countries"]
    feats = layers["countries"]["features"]
    assert len(feats) == 177
    china, = [f for f in feats if f["fields"]["name"] == "China"]
    assert china["fields"]["iso_a3"] == "CHN"
    minx, maxx, miny, maxy = china["envelope"]
    # China is about 73..135 E, 18..54 N: in Web Mercator metres (tile precision at zoom 0).
    assert minx == pytest.approx(73.5 * 111319.49, rel=0.02)
    assert maxx == pytest.approx(134.8 * 111319.49, rel=0.02)
    assert maxy == pytest.approx(7_170_000, rel=0.03)

    # Zoom 3, tile x=6 y=3 covers 90..135 E, 0..41 N.
    z3 = mvt_layers(tmp_path, server.get("/tiles/countries/3/6/3.pbf").body, 3, 6, 3, "z3.pbf")
    names = {f["fields"]["name"] for f in z3["countries"]["features"]}
    assert {"China", "Vietnam", "Thailand"} <= names
    assert "Brazil" not in names


def test_several_datasets_in_one_tile(server, tmp_path):
    r = server.get("/tiles/countries,china-provinces/3/6/3.pbf")
    assert r.status == 200
    layers = mvt_layers(tmp_path, r.body, 3, 6, 3)
    assert set(layers) == {"countries", "china-provinces"}
    assert len(layers["china-provinces"]["features"]) > 10


def test_fields_selection(server, tmp_path):
    r = server.get("/tiles/countries/0/0/0.pbf?fields=name,iso_a3")
    assert r.status == 200
    layer = mvt_layers(tmp_path, r.body, 0, 0, 0)["countries"]
    assert set(layer["fields"]) - {"mvt_id"} == {"name", "iso_a3"}  # mvt_id: added by GDAL
    problem(server.get("/tiles/countries/0/0/0.pbf?fields=nosuch"), 400, "unknown-field")


def test_cgcs2000quad_tiles(server, tmp_path):
    # Level 3 of the c grid: 45 degree tiles; column 6, row 0 is 90..135 E, 45..90 N (north-east
    # China); column 2 of the same row (90..45 W) is across the globe.
    east = server.get("/tiles/china-provinces/CGCS2000Quad/3/6/0.pbf")
    assert east.status == 200
    assert len(east.body) > 100
    assert b"china-provinces" in east.body
    layers = mvt_layers(tmp_path, east.body)
    assert len(layers["china-provinces"]["features"]) >= 3  # Heilongjiang, Jilin, Inner Mongolia
    west = server.get("/tiles/china-provinces/CGCS2000Quad/3/2/0.pbf")
    assert west.status == 200
    assert west.body == b""
    # Level 1 is two tiles: the eastern one holds all of China.
    assert server.get("/tiles/china-provinces/CGCS2000Quad/1/1/0.pbf").body != b""
    assert server.get("/tiles/china-provinces/CGCS2000Quad/1/0/0.pbf").body == b""
    problem(server.get("/tiles/china-provinces/CGCS2000Quad/0/0/0.pbf"), 404, "tile-out-of-range")
    problem(server.get("/tiles/china-provinces/CGCS2000Quad/1/2/0.pbf"), 404, "tile-out-of-range")
    problem(server.get("/tiles/china-provinces/CGCS2000Quad/1/0/1.pbf"), 404, "tile-out-of-range")


def wind_rows(day):
    with open(f"{DATA}/ireland_wind_1961_1978.csv", newline="") as f:
        return [row for row in csv.DictReader(f) if row["date"] == day]


def test_datetime_on_tiles(server, tmp_path):
    rows = wind_rows("1961-01-01")
    assert rows
    # Zoom 12 keeps every point; tile of Roche's Point (51.8 N, 8.25 W).
    lon, lat = -8.25, 51.8
    import math
    n = 2 ** 12
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    r = server.get(f"/tiles/ireland-wind/12/{x}/{y}.pbf?datetime=1961-01-01")
    assert r.status == 200
    feats = mvt_layers(tmp_path, r.body, 12, x, y)["ireland-wind"]["features"]
    expected = [row for row in rows if row["station_code"] == "RPT"]
    assert len(feats) == len(expected) == 1
    assert feats[0]["fields"]["wind_kt"] == pytest.approx(float(expected[0]["wind_kt"]))
    # An interval of two days: two observations at that station.
    two = server.get(f"/tiles/ireland-wind/12/{x}/{y}.pbf?datetime=1961-01-01/1961-01-02")
    assert len(mvt_layers(tmp_path, two.body, 12, x, y, "two.pbf")["ireland-wind"]["features"]) == 2
    # Without datetime every day is there; outside the valid time nothing.
    everything = server.get(f"/tiles/ireland-wind/12/{x}/{y}.pbf")
    assert len(mvt_layers(tmp_path, everything.body, 12, x, y, "all.pbf")["ireland-wind"]
               ["features"]) > 1000
    assert server.get(f"/tiles/ireland-wind/12/{x}/{y}.pbf?datetime=1990-01-01").body == b""
    problem(server.get("/tiles/ireland-wind/0/0/0.pbf?datetime=1961-13-45"), 400, "invalid-datetime")
    problem(server.get("/tiles/ireland-wind/0/0/0.pbf?datetime=yesterday"), 400, "invalid-datetime")


def test_cache_headers(server):
    path = "/tiles/countries/4/12/6.pbf"
    first = server.get(path)
    assert first.status == 200
    assert first.header("X-Cache") == "miss"
    assert first.header("Cache-Control") == "public, max-age=60"
    etag = first.header("ETag")
    assert etag and etag.startswith('"')
    second = server.get(path)
    assert second.header("X-Cache") == "hit"
    assert second.header("ETag") == etag
    assert second.body == first.body
    assert server.get(path, headers={"If-None-Match": etag}).status == 304


def test_bad_tile_requests(server):
    problem(server.get("/tiles/nosuch/0/0/0.pbf"), 404, "unknown-dataset")
    problem(server.get("/tiles/nosuch.json"), 404, "unknown-dataset")
    problem(server.get("/tiles/countries/99/0/0.pbf"), 404, "tile-out-of-range")
    problem(server.get("/tiles/countries/2/4/0.pbf"), 404, "tile-out-of-range")
    problem(server.get("/tiles/countries/2/0/4.pbf"), 404, "tile-out-of-range")
    problem(server.get("/tiles/countries/2/-1/0.pbf"), 404, "tile-out-of-range")
    problem(server.get("/tiles/countries/a/0/0.pbf"), 404, "tile-out-of-range")
    problem(server.get("/tiles/countries/0/0/0.gif"), 404, "unknown-format")
    problem(server.get("/tiles/countries/Nope/0/0/0.pbf"), 404, "unknown-tile-matrix-set")
    problem(server.get("/tiles/countries,countries/0/0/0.pbf"), 400, "invalid-datasets")
    problem(server.get("/tiles/" + ",".join(["countries"] * 17) + "/0/0/0.pbf"), 400,
            "invalid-datasets")
    problem(server.get("/tiles/countries/0/0/0.png?style=nosuch"), 404, "unknown-style")
    # The server is still serving.
    assert server.get("/tiles/countries/0/0/0.pbf").status == 200


def test_raster_xyz_tiles(server):
    r = server.get("/tiles/countries/2/3/1.png")
    assert r.status == 200, r.body
    assert r.header("Content-Type") == "image/png"
    assert png_size(r.body) == (256, 256)
    jpeg = server.get("/tiles/countries,china-provinces/3/6/3.jpeg?style=default")
    assert jpeg.status == 200
    assert jpeg.body[:2] == b"\xff\xd8"
    webp = server.get("/tiles/countries/CGCS2000Quad/1/1/0.webp")
    assert webp.status == 200
    assert webp.body[:4] == b"RIFF" and webp.body[8:12] == b"WEBP"


def test_private_dataset_is_hidden(server):
    body = b"name,lon,lat\nA,116.4,39.9\nB,121.5,31.2\n"
    r = server.upload_bytes(body, "points.csv", "text/csv", query="id=tiles-secret&access=private")
    assert r.status == 202, r.body
    assert server.wait_job(r.json()["id"])["state"] == "succeeded"
    problem(server.get("/tiles/tiles-secret.json"), 404, "unknown-dataset")
    problem(server.get("/tiles/tiles-secret/0/0/0.pbf"), 404, "unknown-dataset")
    assert server.get("/ogc/collections/tiles-secret/tiles").status == 404
    own = server.get("/tiles/tiles-secret/0/0/0.pbf", headers=server.auth())
    assert own.status == 200
    assert own.body != b""
    assert own.header("Cache-Control").startswith("private")
    assert server.get("/tiles/tiles-secret.json", headers=server.auth()).status == 200


# ---- OGC API - Tiles ----

def test_tile_matrix_sets(server):
    r = server.get("/ogc/tileMatrixSets")
    assert r.status == 200
    sets = r.json()["tileMatrixSets"]
    assert [s["id"] for s in sets] == ["WebMercatorQuad", "CGCS2000Quad"]
    for s in sets:
        href = [l["href"] for l in s["links"] if l["rel"] == "self"][0]
        assert href == f"{server.base}/ogc/tileMatrixSets/{s['id']}"

    w = server.get("/ogc/tileMatrixSets/WebMercatorQuad").json()
    assert w["uri"] == "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
    assert w["crs"] == "http://www.opengis.net/def/crs/EPSG/0/3857"
    assert len(w["tileMatrices"]) == 25
    m0 = w["tileMatrices"][0]
    assert m0["pointOfOrigin"] == [-20037508.3427892, 20037508.3427892]
    assert m0["scaleDenominator"] == pytest.approx(559082264.0287178)
    assert m0["cornerOfOrigin"] == "topLeft"
    assert (m0["matrixWidth"], m0["matrixHeight"], m0["tileWidth"]) == (1, 1, 256)

    c = server.get("/ogc/tileMatrixSets/CGCS2000Quad").json()
    assert c["crs"] == "http://www.opengis.net/def/crs/EPSG/0/4490"
    assert c["orderedAxes"] == ["Lat", "Lon"]
    assert [m["id"] for m in c["tileMatrices"]] == [str(n) for n in range(1, 21)]
    m1 = c["tileMatrices"][0]
    assert m1["pointOfOrigin"] == [90, -180]
    assert m1["cellSize"] == 0.703125
    assert (m1["matrixWidth"], m1["matrixHeight"]) == (2, 1)
    assert m1["scaleDenominator"] == pytest.approx(0.703125 * 6378137 * 2 * 3.141592653589793 / 360
                                                   / 0.00028)
    assert server.get("/ogc/tileMatrixSets/Nope").status == 404


def test_conformance_and_landing(server):
    conf = server.get("/ogc/conformance").json()["conformsTo"]
    for c in ["core", "tileset", "tilesets-list", "geodata-tilesets", "mvt", "png", "jpeg", "oas30"]:
        assert f"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/{c}" in conf
    landing = server.get("/ogc").json()
    assert any(l["rel"] == "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes" and
               l["href"] == f"{server.base}/ogc/tileMatrixSets" for l in landing["links"])


def test_links_from_collection_to_tiles(server, tmp_path):
    col = server.get("/ogc/collections/countries").json()
    vec, = [l["href"] for l in col["links"]
            if l["rel"] == "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"]
    assert vec == f"{server.base}/ogc/collections/countries/tiles"
    tilesets = server.get(vec[len(server.base):]).json()["tilesets"]
    assert [t["dataType"] for t in tilesets] == ["vector", "vector"]
    wmq = [t for t in tilesets
           if t.get("tileMatrixSetURI") ==
           "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"][0]
    meta_href = [l["href"] for l in wmq["links"] if l["rel"] == "self"][0]
    meta = server.get(meta_href[len(server.base):]).json()
    scheme = [l["href"] for l in meta["links"]
              if l["rel"] == "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"]
    assert scheme == [f"{server.base}/ogc/tileMatrixSets/WebMercatorQuad"]
    item, = [l for l in meta["links"] if l["rel"] == "item"]
    assert item["templated"] is True
    assert item["type"] == MVT
    limits = {l["tileMatrix"]: l for l in meta["tileMatrixSetLimits"]}
    assert (limits["0"]["minTileCol"], limits["0"]["maxTileCol"]) == (0, 0)
    assert (limits["2"]["minTileCol"], limits["2"]["maxTileCol"]) == (0, 3)
    assert meta["layers"][0]["id"] == "countries"
    url = item["href"].replace("{tileMatrix}", "3").replace("{tileRow}", "3") \
        .replace("{tileCol}", "6")
    r = server.get(url[len(server.base):])
    assert r.status == 200
    assert r.header("Content-Type") == MVT
    names = {f["fields"]["name"] for f in mvt_layers(tmp_path, r.body, 3, 6, 3)["countries"]["features"]}
    assert "China" in names

    mp = server.get("/ogc/collections/countries/map/tiles/CGCS2000Quad").json()
    assert mp["dataType"] == "map"
    assert {l["type"] for l in mp["links"] if l["rel"] == "item"} == \
        {"image/png", "image/jpeg", "image/webp"}
    png = server.get("/ogc/collections/countries/map/tiles/CGCS2000Quad/1/0/1?f=png")
    assert png.status == 200
    assert png_size(png.body) == (256, 256)
    accept = server.get("/ogc/collections/countries/map/tiles/WebMercatorQuad/1/0/1",
                        headers={"Accept": "image/jpeg"})
    assert accept.header("Content-Type") == "image/jpeg"


def test_ogc_tile_errors(server):
    assert server.get("/ogc/collections/nosuch/tiles").status == 404
    assert server.get("/ogc/collections/countries/tiles/Nope").status == 404
    assert server.get("/ogc/collections/countries/tiles/WebMercatorQuad/25/0/0").status == 404
    assert server.get("/ogc/collections/countries/tiles/WebMercatorQuad/1/2/0").status == 404
    assert server.get("/ogc/collections/countries/tiles/CGCS2000Quad/1/0/2").status == 404
    assert server.get("/ogc/collections/countries/tiles/WebMercatorQuad/0/0/0?f=png").status == 400
    assert server.get("/ogc/collections/countries/tiles/WebMercatorQuad/0/0/0?datetime=x").status \
        == 400
    assert server.get("/ogc/collections/countries/map/tiles/WebMercatorQuad/0/0/0?f=gif").status \
        == 400

