"""`datetime` filters return exactly the expected rows (instants, closed and open intervals)."""
import csv
import datetime as dt
import urllib.parse

import pytest
from osgeo import gdal

from conftest import DATA

gdal.UseExceptions()


def count(server, collection, **params):
    q = urllib.parse.urlencode({**params, "limit": 1})
    r = server.get(f"/ogc/collections/{collection}/items?{q}")
    assert r.status == 200, r.body
    return r.json()["numberMatched"]


def wind_dates():
    with open(f"{DATA}/ireland_wind_1961_1978.csv", newline="") as f:
        return [row["date"] for row in csv.DictReader(f)]


@pytest.mark.parametrize("datetime,predicate", [
    ("1961-01-01", lambda d: d == "1961-01-01"),
    ("1961-01-01/1961-01-31", lambda d: "1961-01-01" <= d <= "1961-01-31"),
    ("../1961-01-05", lambda d: d <= "1961-01-05"),
    ("1978-12-25/..", lambda d: d >= "1978-12-25"),
    ("1970-06-01T00:00:00+08:00", lambda d: d == "1970-06-01"),
    ("1970-06-01T12:00:00Z/1970-06-03T12:00:00Z", lambda d: "1970-06-02" <= d <= "1970-06-03"),
])
def test_ireland_wind_datetime(server, datetime, predicate):
    expected = sum(1 for d in wind_dates() if predicate(d))
    assert expected > 0
    assert count(server, "ireland-wind", datetime=datetime) == expected


def test_ireland_wind_temporal_extent(server):
    c = server.get("/ogc/collections/ireland-wind").json()
    start, end = c["extent"]["temporal"]["interval"][0]
    assert start.startswith("1960-12-31T16:00:00") or start.startswith("1961-01-01")
    assert end.startswith("1978-12-3")


def gps_times():
    ds = gdal.OpenEx(f"{DATA}/gps_track_2009.gpx", gdal.OF_VECTOR)
    layer = ds.GetLayerByName("track_points")
    out = []
    for f in layer:
        if not f.IsFieldSetAndNotNull("time"):
            continue  # only some track points carry a time
        y, m, d, hh, mm, ss, tz = f.GetFieldAsDateTime("time")
        out.append(dt.datetime(y, m, d, hh, mm, int(ss), tzinfo=dt.timezone.utc))
    return out


def test_gps_track_instant_and_intervals(server):
    times = gps_times()
    assert len(times) == 8
    first, fifth, tenth = times[0], times[2], times[6]
    iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert count(server, "gps-track", datetime=iso(fifth)) == sum(1 for t in times if t == fifth)
    assert count(server, "gps-track", datetime=f"{iso(fifth)}/{iso(tenth)}") == \
        sum(1 for t in times if fifth <= t <= tenth)
    assert count(server, "gps-track", datetime=f"../{iso(tenth)}") == sum(1 for t in times if t <= tenth)
    assert count(server, "gps-track", datetime=f"{iso(tenth)}/..") == sum(1 for t in times if t >= tenth)
    before = (first - dt.timedelta(days=1)).strftime("%Y-%m-%d")
    assert count(server, "gps-track", datetime=before) == 0
    # The same instant written in Beijing time.
    beijing = (fifth + dt.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    assert count(server, "gps-track", datetime=beijing) == sum(1 for t in times if t == fifth)


def test_bbox_and_datetime_together(server):
    # Roche's Point (51.8N, 8.25W) only, January 1961: 31 rows.
    n = count(server, "ireland-wind", bbox="-8.3,51.7,-8.2,51.9", datetime="1961-01-01/1961-01-31")
    assert n == 31
