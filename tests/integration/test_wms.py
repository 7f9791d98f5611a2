"""WMS 1.3.0 end to end: a real server read by OWSLib and GDAL's WMS driver, pixels decoded with
GDAL, and every bad request answered with its ServiceException code while the server stays up.

WMS exceptions are answered with HTTP 400 (OWSLib then raises ServiceException with the report's
text). The capabilities are checked against the OGC XSDs when SHIKONG_OGC_SCHEMAS names a copy
of schemas.opengis.net laid out as wms/1.3.0/*.xsd, sld/1.1.0/sld_capabilities.xsd plus
w3c/xlink.xsd and w3c/xml.xsd (no package of this machine's registries ships them)."""
import json
import os
import re
import subprocess
import urllib.parse
import uuid
import xml.etree.ElementTree as ET

import pytest
from osgeo import gdal
from owslib.util import ServiceException
from owslib.wms import WebMapService

from conftest import DATA, Server

gdal.UseExceptions()

WMS = "{http://www.opengis.net/wms}"
OGC = "{http://www.opengis.net/ogc}"
XLINK = "{http://www.w3.org/1999/xlink}"


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    s = Server(str(tmp_path_factory.mktemp("wms")))
    s.cli("import", os.path.join(DATA, "naturalearth_lowres.shp.zip"), "--dataset", "countries",
          "--title", "Countries of the world")
    s.cli("import", os.path.join(DATA, "china_provinces_echarts.geojson"), "--dataset", "provinces")
    s.cli("import", os.path.join(DATA, "ireland_wind_1961_1978.csv"), "--dataset", "wind",
          "--time-field", "date")
    s.cli("import", os.path.join(DATA, "polygon_holes.shp.zip"), "--dataset", "secret",
          "--access", "private")
    s.start()
    yield s
    s.stop()


def wms_get(srv, headers=None, **params):
    return srv.get("/ogc/wms?" + urllib.parse.urlencode(params), headers=headers)


def get_map(srv, **params):
    base = dict(SERVICE="WMS", VERSION="1.3.0", REQUEST="GetMap", LAYERS="countries", STYLES="",
                CRS="EPSG:4326", BBOX="-90,-180,90,180", WIDTH="360", HEIGHT="180",
                FORMAT="image/png", TRANSPARENT="TRUE")
    base.update(params)
    return wms_get(srv, **{k: v for k, v in base.items() if v is not None})


def raster(data):
    """The bands of an encoded image, decoded by GDAL: (width, height, [band arrays as bytes])."""
    name = f"/vsimem/wms-{uuid.uuid4().hex}"
    gdal.FileFromMemBuffer(name, bytes(data))
    try:
        ds = gdal.Open(name)
        bands = [ds.GetRasterBand(i + 1).ReadRaster() for i in range(ds.RasterCount)]
        return ds.RasterXSize, ds.RasterYSize, bands
    finally:
        gdal.Unlink(name)


def alpha_at(img, x, y):
    w, _, bands = img
    return bands[3][y * w + x]


def exception_code(resp):
    root = ET.fromstring(resp.body)
    assert root.tag == OGC + "ServiceExceptionReport", resp.body
    assert root.attrib["version"] == "1.3.0"
    e = root.find(OGC + "ServiceException")
    return e.attrib["code"], e.attrib.get("locator")


# ---- GetCapabilities ----

def test_owslib_reads_layers_crs_styles_and_time(srv):
    wms = WebMapService(srv.base + "/ogc/wms", version="1.3.0")
    assert wms.identification.type == "WMS"
    assert wms.identification.version == "1.3.0"
    assert {"countries", "provinces", "wind"} <= set(wms.contents)
    assert "secret" not in wms.contents  # private: hidden from anonymous callers
    countries = wms["countries"]
    assert countries.title == "Countries of the world"
    assert countries.queryable == 1
    for crs in ("EPSG:4490", "EPSG:4326", "CRS:84", "EPSG:3857", "EPSG:4547", "EPSG:4534",
                "EPSG:4554"):
        assert crs in countries.crsOptions, crs
    west, south, east, north = countries.boundingBoxWGS84
    assert west == pytest.approx(-180, abs=0.01) and east == pytest.approx(180, abs=0.01)
    assert south == pytest.approx(-90, abs=0.01) and north == pytest.approx(83.65, abs=0.1)
    assert "default" in countries.styles
    legend = countries.styles["default"]["legend"]
    assert legend.startswith(srv.base + "/ogc/wms?")
    r = srv.get(legend[len(srv.base):])
    assert r.status == 200 and r.header("Content-Type") == "image/png"
    assert raster(r.body)[0] > 0

    wind = wms["wind"]
    assert wind.timepositions and len(wind.timepositions) == 1
    start, end = wind.timepositions[0].split("/")
    # Dates without a zone are days of the platform zone (UTC+8): 1961-01-01 starts at
    # 1960-12-31T16:00:00Z.
    assert start[:10] in ("1960-12-31", "1961-01-01") and end[:10] in ("1978-12-30", "1978-12-31")
    assert wind.dimensions["time"]["units"] == "ISO8601"
    assert countries.timepositions is None

    ops = [op.name for op in wms.operations]
    assert ops[:3] == ["GetCapabilities", "GetMap", "GetFeatureInfo"]
    assert set(wms.getOperationByName("GetMap").formatOptions) == {"image/png", "image/jpeg",
                                                                   "image/webp"}
    assert set(wms.exceptions) == {"XML", "INIMAGE", "BLANK"}


def test_capabilities_document(srv):
    r = wms_get(srv, SERVICE="WMS", REQUEST="GetCapabilities")  # VERSION may be left out
    assert r.status == 200
    assert r.header("Content-Type").startswith("text/xml")
    root = ET.fromstring(r.body)
    assert root.tag == WMS + "WMS_Capabilities" and root.attrib["version"] == "1.3.0"
    assert "http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd" in root.attrib[
        "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation"]
    service = root.find(WMS + "Service")
    assert service.findtext(WMS + "Name") == "WMS"
    assert service.findtext(WMS + "MaxWidth") == "4096"
    assert service.findtext(WMS + "MaxHeight") == "4096"
    assert service.find(WMS + "OnlineResource").attrib[XLINK + "href"] == srv.base + "/ogc/wms"
    request = root.find(WMS + "Capability/" + WMS + "Request")
    assert request.find("{http://www.opengis.net/sld}GetLegendGraphic") is not None
    layers = {l.findtext(WMS + "Name"): l
              for l in root.iter(WMS + "Layer") if l.find(WMS + "Name") is not None}
    prov = layers["provinces"]
    assert prov.attrib["queryable"] == "1"
    geo = prov.find(WMS + "EX_GeographicBoundingBox")
    west, east, south, north = (float(geo.findtext(WMS + n)) for n in (
        "westBoundLongitude", "eastBoundLongitude", "southBoundLatitude", "northBoundLatitude"))
    assert 70 < west < 80 and 130 < east < 140 and 0 < south < 25 and 50 < north < 56
    boxes = {b.attrib["CRS"]: b.attrib for b in prov.findall(WMS + "BoundingBox")}
    # EPSG:4490 in its own axis order: minx is the southern latitude.
    assert [float(boxes["EPSG:4490"][k]) for k in ("minx", "miny", "maxx", "maxy")] == [
        south, west, north, east]
    assert float(boxes["EPSG:3857"]["minx"]) == pytest.approx(west * 111319.49, rel=1e-4)
    assert float(boxes["EPSG:3857"]["maxx"]) == pytest.approx(east * 111319.49, rel=1e-4)
    # Versions other than 1.3.0 are negotiated to 1.3.0.
    r = wms_get(srv, SERVICE="WMS", REQUEST="GetCapabilities", VERSION="1.1.1")
    assert r.status == 200 and ET.fromstring(r.body).attrib["version"] == "1.3.0"
    # Parameter names are case-insensitive.
    r = srv.get("/ogc/wms?service=WMS&request=GetCapabilities&version=1.3.0")
    assert r.status == 200


def test_capabilities_carry_the_key_and_show_private_layers(srv):
    r = wms_get(srv, SERVICE="WMS", REQUEST="GetCapabilities", tk=srv.admin_key)
    assert r.status == 200
    root = ET.fromstring(r.body)
    names = [l.findtext(WMS + "Name") for l in root.iter(WMS + "Layer")]
    assert "secret" in names
    href = root.find(WMS + "Service/" + WMS + "OnlineResource").attrib[XLINK + "href"]
    assert href == srv.base + "/ogc/wms?tk=" + urllib.parse.quote(srv.admin_key, safe="")
    # A private layer is drawn for its owner, and unknown to anyone else.
    r = get_map(srv, LAYERS="secret", tk=srv.admin_key)
    assert r.status == 200 and r.header("Content-Type") == "image/png"
    r = get_map(srv, LAYERS="secret")
    assert r.status == 400 and exception_code(r) == ("LayerNotDefined", "LAYERS")


def test_capabilities_validate_against_the_ogc_schemas(srv, tmp_path):
    schemas = os.environ.get("SHIKONG_OGC_SCHEMAS")
    if not schemas:
        pytest.skip("SHIKONG_OGC_SCHEMAS is not set (a local copy of the OGC WMS/SLD XSDs)")
    schemas = os.path.abspath(schemas)
    catalog = tmp_path / "catalog.xml"
    rules = [("http://schemas.opengis.net/", f"file://{schemas}/"),
             ("http://www.w3.org/1999/xlink.xsd", f"file://{schemas}/w3c/xlink.xsd"),
             ("http://www.w3.org/2001/xml.xsd", f"file://{schemas}/w3c/xml.xsd")]
    catalog.write_text(
        '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n' + "".join(
            f'<rewriteURI uriStartString="{a}" rewritePrefix="{b}"/>\n'
            f'<rewriteSystem systemIdStartString="{a}" rewritePrefix="{b}"/>\n' for a, b in rules)
        + "</catalog>\n")
    wrapper = tmp_path / "all.xsd"
    wrapper.write_text(
        '<schema xmlns="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:x">\n'
        '<import namespace="http://www.opengis.net/wms" schemaLocation='
        '"http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd"/>\n'
        '<import namespace="http://www.opengis.net/sld" schemaLocation='
        '"http://schemas.opengis.net/sld/1.1.0/sld_capabilities.xsd"/>\n'
        '<import namespace="http://www.opengis.net/ogc" schemaLocation='
        '"http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd"/>\n</schema>\n')
    docs = []
    for name, resp in [("caps.xml", wms_get(srv, SERVICE="WMS", REQUEST="GetCapabilities")),
                       ("exc.xml", get_map(srv, LAYERS="nope"))]:
        (tmp_path / name).write_bytes(resp.body)
        docs.append(str(tmp_path / name))
    r = subprocess.run(["xmllint", "--nonet", "--noout", "--schema", str(wrapper), *docs],
                       capture_output=True, text=True, env={**os.environ, "XML_CATALOG_FILES": str(catalog)})
    assert r.returncode == 0, r.stderr[-3000:]


# ---- GetMap ----

def test_owslib_getmap_draws_the_data(srv):
    wms = WebMapService(srv.base + "/ogc/wms", version="1.3.0")
    img = wms.getmap(layers=["countries"], styles=[""], srs="EPSG:4326",
                     bbox=(-180, -90, 180, 90), size=(360, 180), format="image/png",
                     transparent=True)
    data = img.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pic = raster(data)
    assert pic[:2] == (360, 180)
    assert len(pic[2]) == 4
    # Land is drawn, the sea is left transparent: China (105E 35N), Brazil (50W 10S), the
    # middle of the Pacific (150W 0N) and of the South Atlantic (20W 30S).
    px = lambda lon, lat: (int(lon + 180), int(90 - lat))
    assert alpha_at(pic, *px(105, 35)) > 0
    assert alpha_at(pic, *px(-50, -10)) > 0
    assert alpha_at(pic, *px(-150, 0)) == 0
    assert alpha_at(pic, *px(-20, -30)) == 0


def test_axis_order_per_crs(srv):
    # The same view of China asked in EPSG:4326 (lat,lon), EPSG:4490 (lat,lon) and CRS:84
    # (lon,lat) is the same image.
    a = get_map(srv, LAYERS="provinces", CRS="EPSG:4326", BBOX="15,70,55,140", WIDTH="280",
                HEIGHT="160")
    b = get_map(srv, LAYERS="provinces", CRS="EPSG:4490", BBOX="15,70,55,140", WIDTH="280",
                HEIGHT="160")
    c = get_map(srv, LAYERS="provinces", CRS="CRS:84", BBOX="70,15,140,55", WIDTH="280",
                HEIGHT="160")
    assert a.status == b.status == c.status == 200
    pa, pb, pc = raster(a.body), raster(b.body), raster(c.body)
    assert pa[2] == pb[2] == pc[2]
    assert alpha_at(pa, int((114 - 70) * 4), int((55 - 30) * 4)) > 0  # Hubei
    assert alpha_at(pa, int((75 - 70) * 4), int((55 - 20) * 4)) == 0  # the Arabian Sea


def test_projected_crs(srv):
    # EPSG:3857 around China, and EPSG:4547 (CGCS2000 GK CM 114E, northing first) around Hubei.
    r = get_map(srv, LAYERS="provinces", CRS="EPSG:3857",
                BBOX="11000000,2500000,14000000,5500000", WIDTH="200", HEIGHT="200")
    assert r.status == 200
    assert alpha_at(raster(r.body), 100, 100) > 0
    r = get_map(srv, LAYERS="provinces", CRS="EPSG:4547", BBOX="3000000,300000,3600000,700000",
                WIDTH="200", HEIGHT="300")
    assert r.status == 200
    pic = raster(r.body)
    assert pic[:2] == (200, 300)
    assert alpha_at(pic, 100, 150) > 0


def test_formats_background_and_several_layers(srv):
    r = get_map(srv, LAYERS="countries,provinces", STYLES=",", FORMAT="image/jpeg",
                TRANSPARENT="FALSE", BGCOLOR="0x0000FF")
    assert r.status == 200 and r.header("Content-Type") == "image/jpeg"
    w, h, bands = raster(r.body)
    assert (w, h) == (360, 180) and len(bands) == 3
    sea = int(90 - 0) * w + int(-150 + 180)
    assert bands[2][sea] > 200 and bands[0][sea] < 60  # the blue background
    r = get_map(srv, FORMAT="image/webp")
    assert r.status == 200 and r.header("Content-Type") == "image/webp"
    assert r.body[:4] == b"RIFF" and r.body[8:12] == b"WEBP"


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:4490"])
def test_gdal_wms_driver_makes_a_geotiff(srv, tmp_path, crs):
    # GDAL's WMS driver reads the lat,lon BBOX of a WMS 1.3.0 URL and asks in that order
    # (BBoxOrder yxYX) for a whole-world map it resamples to 720 x 360.
    url = (f"WMS:{srv.base}/ogc/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=countries"
           f"&CRS={crs}&BBOX=-90,-180,90,180&FORMAT=image/png&TRANSPARENT=TRUE")
    out = tmp_path / "countries.tif"
    r = subprocess.run(["gdal_translate", "-q", "-outsize", "720", "360", "-of", "GTiff", url,
                        str(out)], capture_output=True, text=True, timeout=300,
                       env={**os.environ, "GDAL_HTTP_TIMEOUT": "120",
                            # the driver caches blocks under ./gdalwmscache unless told
                            "GDAL_DEFAULT_WMS_CACHE_PATH": str(tmp_path / "cache")})
    assert r.returncode == 0, r.stderr
    ds = gdal.Open(str(out))
    assert (ds.RasterXSize, ds.RasterYSize, ds.RasterCount) == (720, 360, 4)
    gt = ds.GetGeoTransform()
    assert gt[0] == pytest.approx(-180) and gt[3] == pytest.approx(90)
    assert gt[1] == pytest.approx(0.5) and gt[5] == pytest.approx(-0.5)
    assert ds.GetSpatialRef().GetAuthorityCode(None) == crs.split(":")[1]
    alpha = ds.GetRasterBand(4).ReadRaster()
    at = lambda lon, lat: alpha[int((90 - lat) * 2) * 720 + int((lon + 180) * 2)]
    assert at(105, 35) > 0 and at(-50, -10) > 0  # China, Brazil
    assert at(-150, 0) == 0 and at(-20, -30) == 0  # the Pacific, the South Atlantic


def test_time_filters_temporal_layers(srv):
    # Without TIME every station and day is drawn; a TIME outside the data draws nothing.
    ireland = dict(LAYERS="wind", CRS="CRS:84", BBOX="-11,51,-5,56", WIDTH="120", HEIGHT="100")
    all_days = raster(get_map(srv, **ireland).body)
    assert max(all_days[2][3]) > 0
    none = get_map(srv, TIME="2000-01-01", **ireland)
    assert none.status == 200 and max(raster(none.body)[2][3]) == 0
    one = get_map(srv, TIME="1961-01-02T00:00:00Z/1961-01-03T00:00:00Z", **ireland)
    assert one.status == 200 and max(raster(one.body)[2][3]) > 0
    # A layer without valid time ignores TIME.
    r = get_map(srv, TIME="2000-01-01")
    assert r.status == 200 and max(raster(r.body)[2][3]) > 0


# ---- GetFeatureInfo ----

def test_owslib_getfeatureinfo(srv):
    wms = WebMapService(srv.base + "/ogc/wms", version="1.3.0")
    r = wms.getfeatureinfo(layers=["countries"], query_layers=["countries"], styles=[""],
                           srs="EPSG:4326", bbox=(-180, -90, 180, 90), size=(360, 180),
                           format="image/png", info_format="application/json",
                           xy=(180 + 105, 90 - 35))
    fc = json.loads(r.read())
    assert fc["type"] == "FeatureCollection"
    assert [f["properties"]["name"] for f in fc["features"]] == ["China"]
    assert fc["features"][0]["layer"] == "countries"
    assert fc["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    for fmt, needle in (("text/plain", "China"), ("text/html", "<td>China</td>")):
        r = wms.getfeatureinfo(layers=["countries"], query_layers=["countries"], styles=[""],
                               srs="EPSG:4326", bbox=(-180, -90, 180, 90), size=(360, 180),
                               format="image/png", info_format=fmt, xy=(285, 55))
        assert needle in r.read().decode()
    # The sea has nothing.
    r = wms.getfeatureinfo(layers=["countries"], query_layers=["countries"], styles=[""],
                           srs="EPSG:4326", bbox=(-180, -90, 180, 90), size=(360, 180),
                           format="image/png", info_format="application/json", xy=(30, 90))
    assert json.loads(r.read())["features"] == []


def test_getfeatureinfo_with_time(srv):
    # Roche's Point station (8.25W 51.8N) in the middle of a 101x101 view.
    base = dict(SERVICE="WMS", VERSION="1.3.0", REQUEST="GetFeatureInfo", LAYERS="wind",
                QUERY_LAYERS="wind", STYLES="", CRS="CRS:84", BBOX="-8.75,51.3,-7.75,52.3",
                WIDTH="101", HEIGHT="101", I="50", J="50", INFO_FORMAT="application/json")
    r = wms_get(srv, FEATURE_COUNT="5", **base)
    assert r.status == 200
    feats = r.json()["features"]
    assert len(feats) == 5
    assert {f["properties"]["station_code"] for f in feats} == {"RPT"}
    r = wms_get(srv, FEATURE_COUNT="50", TIME="1961-01-02", **base)
    feats = r.json()["features"]
    assert len(feats) == 1 and feats[0]["properties"]["wind_kt"] == pytest.approx(14.71)


# ---- GetLegendGraphic ----

def test_get_legend_graphic(srv):
    r = wms_get(srv, SERVICE="WMS", VERSION="1.3.0", REQUEST="GetLegendGraphic",
                LAYER="countries", FORMAT="image/png", SLD_VERSION="1.1.0")
    assert r.status == 200 and r.header("Content-Type") == "image/png"
    r = wms_get(srv, SERVICE="WMS", REQUEST="GetLegendGraphic", LAYER="countries",
                FORMAT="image/png", WIDTH="120", HEIGHT="60")
    assert r.status == 200 and raster(r.body)[:2] == (120, 60)
    r = wms_get(srv, SERVICE="WMS", REQUEST="GetLegendGraphic", LAYER="countries", STYLE="nope")
    assert r.status == 400 and exception_code(r) == ("StyleNotDefined", "STYLE")
    r = wms_get(srv, SERVICE="WMS", REQUEST="GetLegendGraphic", LAYER="secret")
    assert r.status == 400 and exception_code(r) == ("LayerNotDefined", "LAYER")


# ---- errors ----

BAD_GETMAP = [
    ({"VERSION": None}, "MissingParameterValue", "VERSION"),
    ({"VERSION": "1.1.1"}, "InvalidParameterValue", "VERSION"),
    ({"SERVICE": "WFS"}, "InvalidParameterValue", "SERVICE"),
    ({"LAYERS": "nope"}, "LayerNotDefined", "LAYERS"),
    ({"LAYERS": None}, "MissingParameterValue", "LAYERS"),
    ({"STYLES": "nope"}, "StyleNotDefined", "STYLES"),
    ({"STYLES": "a,b"}, "StyleNotDefined", "STYLES"),
    ({"CRS": "EPSG:999999"}, "InvalidCRS", "CRS"),
    ({"CRS": "EPSG:32650"}, "InvalidCRS", "CRS"),
    ({"BBOX": "90,180,-90,-180"}, "InvalidParameterValue", "BBOX"),
    ({"BBOX": "a,b,c,d"}, "InvalidParameterValue", "BBOX"),
    ({"BBOX": "1,2,3"}, "InvalidParameterValue", "BBOX"),
    ({"WIDTH": "100000"}, "InvalidParameterValue", "WIDTH"),
    ({"HEIGHT": "0"}, "InvalidParameterValue", "HEIGHT"),
    ({"FORMAT": "image/gif"}, "InvalidFormat", "FORMAT"),
    ({"TIME": "not-a-time"}, "InvalidDimensionValue", "TIME"),
    ({"BGCOLOR": "blue"}, "InvalidParameterValue", "BGCOLOR"),
    ({"REQUEST": "GetMapz"}, "OperationNotSupported", "REQUEST"),
    ({"REQUEST": None}, "MissingParameterValue", "REQUEST"),
]


@pytest.mark.parametrize("change,code,locator", BAD_GETMAP)
def test_bad_getmap(srv, change, code, locator):
    r = get_map(srv, **change)
    assert r.status == 400
    assert r.header("Content-Type").startswith("text/xml")
    assert exception_code(r) == (code, locator)


def test_bad_getfeatureinfo(srv):
    base = dict(SERVICE="WMS", VERSION="1.3.0", REQUEST="GetFeatureInfo", LAYERS="countries",
                QUERY_LAYERS="countries", STYLES="", CRS="EPSG:4326", BBOX="-90,-180,90,180",
                WIDTH="360", HEIGHT="180", I="10", J="10", INFO_FORMAT="application/json")
    for change, code, locator in [
            ({"I": "360"}, "InvalidPoint", "I"), ({"J": "-1"}, "InvalidPoint", "J"),
            ({"J": "x"}, "InvalidPoint", "J"),
            ({"QUERY_LAYERS": "provinces"}, "LayerNotDefined", "QUERY_LAYERS"),
            ({"INFO_FORMAT": "application/vnd.ogc.gml"}, "InvalidFormat", "INFO_FORMAT"),
            ({"VERSION": "1.1.1"}, "InvalidParameterValue", "VERSION")]:
        r = wms_get(srv, **{**base, **change})
        assert r.status == 400 and exception_code(r) == (code, locator), change


def test_owslib_raises_service_exceptions(srv):
    wms = WebMapService(srv.base + "/ogc/wms", version="1.3.0")
    with pytest.raises(ServiceException) as e:
        wms.getmap(layers=["nope"], styles=[""], srs="EPSG:4326", bbox=(-180, -90, 180, 90),
                   size=(100, 50), format="image/png")
    assert "LayerNotDefined" in str(e.value)


def test_inimage_and_blank_exceptions(srv):
    r = get_map(srv, CRS="EPSG:999999", EXCEPTIONS="INIMAGE", WIDTH="300", HEIGHT="100")
    assert r.status == 200 and r.header("Content-Type") == "image/png"
    w, h, bands = raster(r.body)
    assert (w, h) == (300, 100) and max(bands[3]) > 0  # the message is written on it
    r = get_map(srv, LAYERS="nope", EXCEPTIONS="application/vnd.ogc.se_blank", WIDTH="64",
                HEIGHT="32")
    assert r.status == 200 and r.header("Content-Type") == "image/png"
    w, h, bands = raster(r.body)
    assert (w, h) == (64, 32) and max(bands[3]) == 0  # transparent and empty
    r = get_map(srv, LAYERS="nope", EXCEPTIONS="BLANK", FORMAT="image/jpeg", TRANSPARENT="FALSE",
                BGCOLOR="0xFF0000", WIDTH="16", HEIGHT="16")
    assert r.status == 200 and r.header("Content-Type") == "image/jpeg"
    _, _, bands = raster(r.body)
    assert min(bands[0]) > 200 and max(bands[2]) < 60  # red
    # An error in the size itself can only be answered in XML.
    r = get_map(srv, WIDTH="100000", EXCEPTIONS="INIMAGE")
    assert r.status == 400 and exception_code(r) == ("InvalidParameterValue", "WIDTH")


def test_server_stays_up(srv):
    for change, _, _ in BAD_GETMAP:
        get_map(srv, **change)
    assert srv.proc.poll() is None
    r = wms_get(srv, SERVICE="WMS", REQUEST="GetCapabilities", VERSION="1.3.0")
    assert r.status == 200
