"""WMTS 1.0.0 with real clients: OWSLib's WebMapTileService reads the capabilities (both tile
matrix sets, layers, styles) and fetches tiles; GDAL's WMTS driver makes images of the expected
size and CRS; the time dimension, RESTful tiles, feature info and the exception reports of bad
requests (OWS 1.1 ExceptionReport with the standard codes and statuses)."""
import json
import math
import struct
import subprocess
import xml.etree.ElementTree as ET

import pytest
from osgeo import gdal
from owslib.wmts import WebMapTileService

gdal.UseExceptions()

NS = {"wmts": "http://www.opengis.net/wmts/1.0", "ows": "http://www.opengis.net/ows/1.1"}
OWS = "{http://www.opengis.net/ows/1.1}"


def png_size(body):
    assert body[:8] == b"\x89PNG\r\n\x1a\n", body[:200]
    return struct.unpack(">II", body[16:24])


def exception(r, status, code, locator=None):
    assert r.status == status, r.body
    root = ET.fromstring(r.body)
    assert root.tag == OWS + "ExceptionReport"
    e = root.find("ows:Exception", NS)
    assert e.get("exceptionCode") == code, r.body
    if locator is not None:
        assert e.get("locator") == locator, r.body
    assert e.find("ows:ExceptionText", NS).text


def kvp(**params):
    base = {"SERVICE": "WMTS", "REQUEST": "GetTile", "VERSION": "1.0.0", "LAYER": "countries",
            "STYLE": "default", "FORMAT": "image/png", "TILEMATRIXSET": "WebMercatorQuad",
            "TILEMATRIX": "2", "TILEROW": "1", "TILECOL": "3"}
    for k, v in params.items():
        if v is None:
            base.pop(k, None)
        else:
            base[k] = v
    from urllib.parse import urlencode
    return "/ogc/wmts?" + urlencode(base)


@pytest.fixture(scope="module")
def caps(server):
    r = server.get("/ogc/wmts?SERVICE=WMTS&REQUEST=GetCapabilities")
    assert r.status == 200, r.body
    return ET.fromstring(r.body)


def layer_of(caps, layer_id):
    for layer in caps.findall("wmts:Contents/wmts:Layer", NS):
        if layer.find("ows:Identifier", NS).text == layer_id:
            return layer
    return None


def test_owslib_reads_capabilities(server):
    wmts = WebMapTileService(f"{server.base}/ogc/wmts")
    assert wmts.identification.type == "OGC WMTS"
    assert wmts.identification.version == "1.0.0"
    assert set(wmts.tilematrixsets) == {"WebMercatorQuad", "CGCS2000Quad"}
    wm = wmts.tilematrixsets["WebMercatorQuad"]
    assert wm.crs == "urn:ogc:def:crs:EPSG::3857"
    assert len(wm.tilematrix) == 25
    assert wm.tilematrix["0"].topleftcorner == (-20037508.3427892, 20037508.3427892)
    assert wm.tilematrix["0"].scaledenominator == pytest.approx(559082264.0287178)
    c = wmts.tilematrixsets["CGCS2000Quad"]
    assert c.crs == "urn:ogc:def:crs:EPSG::4490"
    m1 = c.tilematrix["1"]
    assert m1.topleftcorner == (90.0, -180.0)
    assert (m1.matrixwidth, m1.matrixheight, m1.tilewidth, m1.tileheight) == (2, 1, 256, 256)
    for layer_id in ("countries", "china-provinces", "ireland-wind"):
        assert layer_id in wmts.contents
    countries = wmts.contents["countries"]
    assert countries.title
    assert set(countries.tilematrixsetlinks) == {"WebMercatorQuad", "CGCS2000Quad"}
    assert countries.styles["default"]["isDefault"] is True
    assert countries.styles["default"]["legend"].endswith(
        "/api/v1/datasets/countries/styles/default/legend.png")
    assert countries.formats[0] == "image/png"
    assert "application/vnd.mapbox-vector-tile" in countries.formats
    assert set(countries.infoformats) == {"application/json", "text/html", "text/plain"}
    w, s, e, n = countries.boundingBoxWGS84
    assert (w, e) == (pytest.approx(-180), pytest.approx(180))
    limits = countries.tilematrixsetlinks["CGCS2000Quad"].tilematrixlimits
    assert (limits["1"].mintilecol, limits["1"].maxtilecol) == (0, 1)
    assert (limits["1"].mintilerow, limits["1"].maxtilerow) == (0, 0)
    tiles = [u for u in countries.resourceURLs if u["resourceType"] == "tile"]
    assert {u["format"] for u in tiles} == {"image/png", "image/jpeg", "image/webp",
                                            "application/vnd.mapbox-vector-tile"}


def test_owslib_gettile(server):
    wmts = WebMapTileService(f"{server.base}/ogc/wmts")
    tile = wmts.gettile(layer="countries", tilematrixset="WebMercatorQuad", tilematrix="2",
                        row=1, column=3, format="image/png")
    body = tile.read()
    assert png_size(body) == (256, 256)
    c = wmts.gettile(layer="china-provinces", tilematrixset="CGCS2000Quad", tilematrix="3",
                     row=0, column=6, format="image/jpeg")
    assert c.read()[:2] == b"\xff\xd8"


def test_time_dimension(caps, server):
    wind = layer_of(caps, "ireland-wind")
    dim = wind.find("wmts:Dimension", NS)
    assert dim is not None
    assert dim.find("ows:Identifier", NS).text == "Time"
    default = dim.find("wmts:Default", NS).text
    start, end = default.split("/")
    assert start.startswith("1960-12-31T16:00:00") or start.startswith("1961-01-01")
    assert end.startswith("1978-12-3")
    assert dim.find("wmts:Value", NS).text == default
    templates = [u.get("template") for u in wind.findall("wmts:ResourceURL", NS)
                 if u.get("resourceType") == "tile"]
    assert all("/{Style}/{Time}/{TileMatrixSet}/" in t for t in templates)
    assert layer_of(caps, "countries").find("wmts:Dimension", NS) is None

    # One day, KVP and RESTful, against no TIME: fewer features in the tile of Roche's Point at
    # level 12 (where every point is kept).
    n = 2 ** 12
    col = int((-8.25 + 180) / 360 * n)
    row = int((1 - math.asinh(math.tan(math.radians(51.8))) / math.pi) / 2 * n)
    q = dict(LAYER="ireland-wind", FORMAT="application/vnd.mapbox-vector-tile", TILEMATRIX="12",
             TILEROW=str(row), TILECOL=str(col))
    day = server.get(kvp(TIME="1961-01-01", **q))
    assert day.status == 200
    everything = server.get(kvp(**q))
    assert len(everything.body) > len(day.body) > 0
    assert server.get(kvp(TIME="1990-01-01", **q)).body == b""
    rest = server.get(f"/ogc/wmts/1.0.0/ireland-wind/default/1961-01-01/WebMercatorQuad/12/{row}/{col}.pbf")
    assert rest.status == 200 and rest.body == day.body
    # The Default value put into the template (a client without time support does this).
    whole = server.get(f"/ogc/wmts/1.0.0/ireland-wind/default/{default}/WebMercatorQuad/12/{row}/{col}.pbf")
    assert whole.status == 200 and whole.body == everything.body
    exception(server.get(kvp(TIME="1961-13-45", **q)), 400, "InvalidParameterValue", "TIME")
    exception(server.get("/ogc/wmts/1.0.0/ireland-wind/default/never/WebMercatorQuad/5/10/15.pbf"),
              400, "InvalidParameterValue", "Time")


def gdal_image(tmp_path, connection, name):
    out = tmp_path / name
    r = subprocess.run(["gdal_translate", "-q", "-of", "GTiff", connection, str(out)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    info = json.loads(subprocess.run(["gdalinfo", "-json", str(out)], capture_output=True,
                                     text=True, check=True).stdout)
    return info


def test_gdal_wmts_web_mercator(server, tmp_path):
    url = f"{server.base}/ogc/wmts/1.0.0/WMTSCapabilities.xml"
    info = gdal_image(tmp_path, f"WMTS:{url},layer=china-provinces,tilematrixset=WebMercatorQuad,"
                                "tilematrix=4", "wm.tif")
    assert "3857" in info["coordinateSystem"]["wkt"].split("ID[")[-1]
    w, h = info["size"]
    # China's provinces at level 4 (16 x 16 tiles of 256 px over 40075 km): about 73..135 E.
    px = 40075016.68557849 / (256 * 16)
    ulx, uly = info["cornerCoordinates"]["upperLeft"]
    lrx, lry = info["cornerCoordinates"]["lowerRight"]
    assert w == pytest.approx((lrx - ulx) / px, abs=1)
    assert h == pytest.approx((uly - lry) / px, abs=1)
    assert ulx == pytest.approx(73.5 * 111319.49, rel=0.03)
    assert lrx == pytest.approx(134.8 * 111319.49, rel=0.03)
    assert len(info["bands"]) in (3, 4)
    # Not a blank image: something was drawn.
    ds = gdal.Open(str(tmp_path / "wm.tif"))
    stats = ds.GetRasterBand(1).ComputeRasterMinMax(False)
    assert stats[0] != stats[1]


def test_gdal_wmts_cgcs2000(server, tmp_path):
    url = f"{server.base}/ogc/wmts/1.0.0/WMTSCapabilities.xml"
    info = gdal_image(tmp_path, f"WMTS:{url},layer=china-provinces,tilematrixset=CGCS2000Quad,"
                                "tilematrix=4", "c.tif")
    wkt = info["coordinateSystem"]["wkt"]
    assert "4490" in wkt.split("ID[")[-1] or "China Geodetic Coordinate System 2000" in wkt
    # Level 4: 180/256/8 degrees a pixel.
    gt = info["geoTransform"]
    assert gt[1] == pytest.approx(180 / 256 / 8)
    assert gt[5] == pytest.approx(-180 / 256 / 8)
    ulx, uly = info["cornerCoordinates"]["upperLeft"]
    lrx, lry = info["cornerCoordinates"]["lowerRight"]
    assert ulx == pytest.approx(73.5, abs=1) and lrx == pytest.approx(134.8, abs=1)
    assert uly == pytest.approx(53.6, abs=1) and lry == pytest.approx(18.2, abs=1)
    assert info["size"] == [round((lrx - ulx) / gt[1]), round((uly - lry) / -gt[5])]


def test_rest_tiles_and_feature_info(server):
    png = server.get("/ogc/wmts/1.0.0/countries/default/WebMercatorQuad/2/1/3.png")
    assert png.status == 200
    assert png_size(png.body) == (256, 256)
    assert png.header("Cache-Control") == "public, max-age=60"
    webp = server.get("/ogc/wmts/1.0.0/countries/default/CGCS2000Quad/1/0/1.webp")
    assert webp.body[:4] == b"RIFF"
    mvt = server.get("/ogc/wmts/1.0.0/countries/default/WebMercatorQuad/2/1/3.pbf")
    assert mvt.header("Content-Type") == "application/vnd.mapbox-vector-tile"
    assert b"China" in mvt.body

    # Tile 3/3/6 covers 90..135 E, 0..41 N; pixel (I=134, J=50) is about 113.6 E, 33.9 N (Henan).
    fi = server.get(kvp(REQUEST="GetFeatureInfo", LAYER="china-provinces", TILEMATRIX="3",
                        TILEROW="3", TILECOL="6", INFOFORMAT="application/json", I="134", J="50"))
    assert fi.status == 200, fi.body
    features = fi.json()["features"]
    assert len(features) == 1
    assert features[0]["layer"] == "china-provinces"
    assert "河南" in json.dumps(features[0]["properties"], ensure_ascii=False)
    rest = server.get("/ogc/wmts/1.0.0/china-provinces/default/WebMercatorQuad/3/3/6/50/134.txt")
    assert rest.status == 200
    assert "河南" in rest.body.decode()
    html = server.get("/ogc/wmts/1.0.0/china-provinces/default/WebMercatorQuad/3/3/6/50/134.html")
    assert html.header("Content-Type").startswith("text/html")
    assert "河南" in html.body.decode()
    sea = server.get("/ogc/wmts/1.0.0/china-provinces/default/WebMercatorQuad/3/3/6/255/255.json")
    assert sea.json()["features"] == []


def test_bad_requests(server):
    exception(server.get(kvp(LAYER=None)), 400, "MissingParameterValue", "LAYER")
    exception(server.get(kvp(TILEMATRIX=None)), 400, "MissingParameterValue", "TILEMATRIX")
    exception(server.get(kvp(VERSION=None)), 400, "MissingParameterValue", "VERSION")
    exception(server.get(kvp(VERSION="1.1.0")), 400, "InvalidParameterValue", "VERSION")
    exception(server.get(kvp(REQUEST="GetMap")), 501, "OperationNotSupported", "REQUEST")
    exception(server.get(kvp(LAYER="nosuch")), 400, "InvalidParameterValue", "LAYER")
    exception(server.get(kvp(STYLE="nosuch")), 400, "InvalidParameterValue", "STYLE")
    exception(server.get(kvp(FORMAT="image/gif")), 400, "InvalidParameterValue", "FORMAT")
    exception(server.get(kvp(TILEMATRIXSET="GoogleCRS84Quad")), 400, "InvalidParameterValue",
              "TILEMATRIXSET")
    exception(server.get(kvp(TILEMATRIX="99")), 400, "InvalidParameterValue", "TILEMATRIX")
    exception(server.get(kvp(TILEROW="4")), 400, "TileOutOfRange", "TILEROW")
    exception(server.get(kvp(TILECOL="99999")), 400, "TileOutOfRange", "TILECOL")
    exception(server.get(kvp(TILECOL="x")), 400, "InvalidParameterValue", "TILECOL")
    exception(server.get(kvp(TILEMATRIXSET="CGCS2000Quad", TILEMATRIX="1", TILEROW="1",
                             TILECOL="0")), 400, "TileOutOfRange", "TILEROW")
    exception(server.get(kvp(REQUEST="GetFeatureInfo", INFOFORMAT="application/json", I="256",
                             J="0")), 400, "PointIJOutOfRange", "I")
    exception(server.get(kvp(REQUEST="GetFeatureInfo", INFOFORMAT="text/xml", I="0", J="0")),
              400, "InvalidParameterValue", "INFOFORMAT")
    exception(server.get("/ogc/wmts?SERVICE=WMTS&REQUEST=GetCapabilities&AcceptVersions=2.0.0"),
              400, "VersionNegotiationFailed")
    exception(server.get("/ogc/wmts"), 400, "MissingParameterValue", "SERVICE")
    exception(server.get("/ogc/wmts/1.0.0/nosuch/default/WebMercatorQuad/0/0/0.png"), 404,
              "InvalidParameterValue", "layer")
    exception(server.get("/ogc/wmts/1.0.0/countries/default/WebMercatorQuad/1/0/2.png"), 404,
              "TileOutOfRange", "TileCol")
    exception(server.get("/ogc/wmts/1.0.0/countries/default/WebMercatorQuad/99/0/0.png"), 404,
              "InvalidParameterValue", "TileMatrix")
    exception(server.get("/ogc/wmts/1.0.0/countries/nosuch/WebMercatorQuad/0/0/0.png"), 404,
              "InvalidParameterValue", "style")
    exception(server.get("/ogc/wmts/1.0.0/countries/default/Nope/0/0/0.png"), 404,
              "InvalidParameterValue", "TileMatrixSet")
    exception(server.get("/ogc/wmts/1.0.0/countries/default/WebMercatorQuad/0/0/0.bmp"), 404,
              "InvalidParameterValue")
    assert server.get(kvp()).status == 200  # still serving


def test_hidden_layers(server):
    body = b"name,lon,lat\nA,116.4,39.9\nB,121.5,31.2\n"
    r = server.upload_bytes(body, "points.csv", "text/csv", query="id=wmts-secret&access=private")
    assert r.status == 202, r.body
    assert server.wait_job(r.json()["id"])["state"] == "succeeded"
    anon = server.get("/ogc/wmts/1.0.0/WMTSCapabilities.xml")
    assert layer_of(ET.fromstring(anon.body), "wmts-secret") is None
    admin = server.get("/ogc/wmts/1.0.0/WMTSCapabilities.xml", headers=server.auth())
    assert layer_of(ET.fromstring(admin.body), "wmts-secret") is not None
    exception(server.get(kvp(LAYER="wmts-secret")), 400, "InvalidParameterValue", "LAYER")
    exception(server.get("/ogc/wmts/1.0.0/wmts-secret/default/WebMercatorQuad/0/0/0.png"), 404,
              "InvalidParameterValue", "layer")
    own = server.get(kvp(LAYER="wmts-secret", TILEMATRIX="0", TILEROW="0", TILECOL="0"),
                     headers=server.auth())
    assert own.status == 200
    assert own.header("Cache-Control").startswith("private")


def test_capabilities_carry_the_key(server):
    r = server.get(f"/ogc/wmts/1.0.0/WMTSCapabilities.xml?tk={server.admin_key}")
    assert r.status == 200
    caps = ET.fromstring(r.body)
    layer = layer_of(caps, "countries")
    for u in layer.findall("wmts:ResourceURL", NS):
        assert u.get("template").endswith(f"?tk={server.admin_key}")
    # A tile fetched from the template with the key works.
    t = [u.get("template") for u in layer.findall("wmts:ResourceURL", NS)
         if u.get("format") == "image/png" and u.get("resourceType") == "tile"][0]
    url = t.replace("{Style}", "default").replace("{TileMatrixSet}", "WebMercatorQuad") \
        .replace("{TileMatrix}", "1").replace("{TileRow}", "0").replace("{TileCol}", "1")
    assert server.get(url[len(server.base):]).status == 200


def test_gdal_wmts_temporal_layer(server, tmp_path):
    """GDAL puts the time dimension's Default (the whole valid time, an interval with a '/')
    into the {Time} of the RESTful template; those tiles show every observation."""
    url = f"{server.base}/ogc/wmts/1.0.0/WMTSCapabilities.xml"
    info = gdal_image(tmp_path, f"WMTS:{url},layer=ireland-wind,tilematrixset=WebMercatorQuad,"
                                "tilematrix=6", "wind.tif")
    assert "3857" in info["coordinateSystem"]["wkt"].split("ID[")[-1]
    ulx, uly = info["cornerCoordinates"]["upperLeft"]
    lrx, lry = info["cornerCoordinates"]["lowerRight"]
    # Ireland's stations, about 10.3..6 W.
    assert -10.5 * 111319.49 < ulx < lrx < -5.5 * 111319.49
    ds = gdal.Open(str(tmp_path / "wind.tif"))
    alpha = ds.GetRasterBand(ds.RasterCount).ComputeRasterMinMax(False)
    assert alpha[1] > 0  # station symbols were drawn
