"""OGC API - Features Part 2: crs, bbox-crs and Content-Crs, with each CRS's axis order."""
import pytest
from osgeo import osr

OGC = "http://www.opengis.net/def/crs"


def first_point(server, collection, **params):
    from urllib.parse import urlencode
    r = server.get(f"/ogc/collections/{collection}/items?{urlencode({'limit': 1, **params})}")
    assert r.status == 200, r.body
    return r, r.json()["features"][0]["geometry"]["coordinates"]


def transform(x, y, epsg):
    s = osr.SpatialReference(); s.ImportFromEPSG(4490); s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    t = osr.SpatialReference(); t.ImportFromEPSG(epsg); t.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return osr.CoordinateTransformation(s, t).TransformPoint(x, y)[:2]


def test_collection_lists_crs(server):
    c = server.get("/ogc/collections/cities").json()
    for uri in [f"{OGC}/OGC/1.3/CRS84", f"{OGC}/EPSG/0/4490", f"{OGC}/EPSG/0/4326",
                f"{OGC}/EPSG/0/3857", f"{OGC}/EPSG/0/4547"]:
        assert uri in c["crs"]
    assert c["storageCrs"] == f"{OGC}/EPSG/0/4490"


def test_default_is_crs84(server):
    r, (x, y) = first_point(server, "cities")
    assert r.header("Content-Crs") in (None, f"<{OGC}/OGC/1.3/CRS84>")
    assert -180 <= x <= 180 and -90 <= y <= 90


@pytest.mark.parametrize("epsg,lat_first", [(4490, True), (4326, True), (3857, False), (4547, True)])  # EPSG:4547 lists northing first
def test_crs_output(server, epsg, lat_first):
    _, (x, y) = first_point(server, "cities")
    r, c = first_point(server, "cities", crs=f"{OGC}/EPSG/0/{epsg}")
    assert r.header("Content-Crs") == f"<{OGC}/EPSG/0/{epsg}>"
    ex, ey = transform(x, y, epsg)
    got = (c[1], c[0]) if lat_first else (c[0], c[1])
    tol = 1e-7 if epsg in (4490, 4326) else 1e-3
    assert abs(got[0] - ex) < tol and abs(got[1] - ey) < tol


def test_bbox_crs(server):
    # London's docking stations selected by a bbox in Web Mercator and in EPSG:4326 (lat, lon).
    all_n = server.get("/ogc/collections/cycle-hire/items?limit=1").json()["numberMatched"]
    minx, miny = transform(-0.2, 51.5, 3857)
    maxx, maxy = transform(-0.1, 51.52, 3857)
    n3857 = server.get(f"/ogc/collections/cycle-hire/items?limit=1&bbox={minx},{miny},{maxx},{maxy}"
                       f"&bbox-crs={OGC}/EPSG/0/3857").json()["numberMatched"]
    n4326 = server.get(f"/ogc/collections/cycle-hire/items?limit=1&bbox=51.5,-0.2,51.52,-0.1"
                       f"&bbox-crs={OGC}/EPSG/0/4326").json()["numberMatched"]
    n84 = server.get("/ogc/collections/cycle-hire/items?limit=1&bbox=-0.2,51.5,-0.1,51.52").json()["numberMatched"]
    assert 0 < n84 < all_n
    assert n4326 == n84
    assert abs(n3857 - n84) <= 2  # the mercator box's edges are not exactly the same lines


def test_unsupported_crs(server):
    r = server.get("/ogc/collections/cities/items?crs=EPSG:999999")
    assert r.status == 400
