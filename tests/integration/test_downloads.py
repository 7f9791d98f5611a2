"""Downloads in every format and CRS, streamed, read back by GDAL."""
import csv
import io
import os
import tempfile

import pytest
from osgeo import gdal, ogr, osr

gdal.UseExceptions()


@pytest.mark.parametrize("fmt,ext", [("geojson", ".geojson"), ("csv", ".csv"), ("gpkg", ".gpkg"),
                                     ("shapefile", ".zip")])
@pytest.mark.parametrize("crs,epsg", [("", 4490), ("EPSG:3857", 3857), ("EPSG:4326", 4326)])  # default: the storage CRS
def test_download(server, fmt, ext, crs, epsg):
    q = f"format={fmt}" + (f"&crs={crs}" if crs else "")
    r = server.get(f"/api/v1/datasets/countries/download?{q}")
    assert r.status == 200, r.body
    assert "attachment" in (r.header("Content-Disposition") or "")
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "out" + ext)
        with open(path, "wb") as f:
            f.write(r.body)
        src = f"/vsizip/{path}" if ext == ".zip" else path
        if fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(r.body.decode("utf-8"))))
            assert len(rows) == 177
            assert "wkt" in rows[0]
            return
        ds = gdal.OpenEx(src, gdal.OF_VECTOR)
        layer = ds.GetLayer(0)
        assert layer.GetFeatureCount() == 177
        names = [f.GetField("name") for f in layer]
        assert "China" in names and "Côte d'Ivoire" in names
        if fmt != "geojson":
            srs = layer.GetSpatialRef()
            assert srs is not None
            srs.AutoIdentifyEPSG()
            assert srs.GetAuthorityCode(None) == str(epsg)
        layer.ResetReading()
        env = layer.GetExtent()
        if epsg == 3857:
            assert env[1] > 1e7  # metres
        else:
            assert -180.0001 <= env[0] and env[1] <= 180.0001


def test_download_unknown_format(server):
    r = server.get("/api/v1/datasets/countries/download?format=pdf")
    assert r.status == 400
