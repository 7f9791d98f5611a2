#!/usr/bin/env python3
"""Deterministic WMS bounding boxes for bench/maps/run: gen_bboxes.py POINTS.csv N > bboxes.txt
Square EPSG:3857 boxes "minx miny maxx maxy", seed 11, centred on random points of the point
workload (so, like gen_tiles.py's tiles, where the data is), at four scales chosen uniformly:
20, 5, 1.25 and 0.3125 degrees of longitude wide (about zoom 4, 6, 8 and 10 at 256 px)."""
import csv, math, random, sys
random.seed(11)
rows = list(csv.reader(open(sys.argv[1])))[1:]
R = 6378137.0
for _ in range(int(sys.argv[2])):
    r = random.choice(rows)
    lon, lat = float(r[1]), float(r[2])
    width = random.choice((20.0, 5.0, 1.25, 0.3125)) * math.pi / 180 * R
    x = math.radians(lon) * R
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) * R
    print(f"{x - width / 2:.2f} {y - width / 2:.2f} {x + width / 2:.2f} {y + width / 2:.2f}")
