#!/usr/bin/env python3
"""The benchmark point workload: N timestamped points, 90% clustered around 16 Chinese cities
and 10% uniform over China, in 2020-2022 (UTC). Same seed and the same sequence of random draws
as the shared reference workload, so the files are byte-identical to it.

usage: gen_points.py N OUT.csv [OUT.geojson]"""
import csv
import json
import random
import sys
import time

CITIES = [(116.40, 39.90, '北京'), (121.47, 31.23, '上海'), (113.26, 23.13, '广州'),
          (114.06, 22.54, '深圳'), (104.07, 30.67, '成都'), (108.94, 34.26, '西安'),
          (114.30, 30.59, '武汉'), (120.16, 30.27, '杭州'), (118.78, 32.06, '南京'),
          (117.20, 39.13, '天津'), (106.55, 29.56, '重庆'), (126.64, 45.75, '哈尔滨'),
          (87.62, 43.82, '乌鲁木齐'), (91.13, 29.65, '拉萨'), (102.71, 25.04, '昆明'),
          (110.35, 20.02, '海口')]
CATEGORIES = ['traffic', 'air', 'water', 'noise', 'retail', 'health', 'school', 'energy']
EPOCH_2020 = 1577836800  # 2020-01-01T00:00:00Z
THREE_YEARS = 3 * 365 * 86400


def points(n):
    """Yields (id, x, y, iso_time, category, value, name); the order of random draws matters."""
    rng = random.Random(42)
    for i in range(n):
        if rng.random() < 0.9:
            cx, cy, place = rng.choice(CITIES)
            spread = rng.choice((0.05, 0.2, 0.8))
            x = cx + rng.gauss(0, spread)
            y = cy + rng.gauss(0, spread * 0.8)
        else:
            x = rng.uniform(73, 135)
            y = rng.uniform(18, 54)
            place = '野外'
        t = EPOCH_2020 + rng.randrange(0, THREE_YEARS)
        iso = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(t))
        category = rng.choice(CATEGORIES)
        value = round(rng.expovariate(0.1), 3)
        yield i, x, y, iso, category, value, f'{place}站点{i % 997}'


def main():
    n = int(sys.argv[1])
    csv_path = sys.argv[2]
    geojson_path = sys.argv[3] if len(sys.argv) > 3 else None
    with open(csv_path, 'w', newline='') as csv_file:
        gj = open(geojson_path, 'w') if geojson_path else None
        out = csv.writer(csv_file)
        out.writerow(['id', 'lon', 'lat', 'time', 'category', 'value', 'name'])
        if gj:
            gj.write('{"type":"FeatureCollection","features":[\n')
        for i, x, y, iso, category, value, name in points(n):
            out.writerow([i, f'{x:.6f}', f'{y:.6f}', iso, category, value, name])
            if gj:
                feature = {"type": "Feature",
                           "properties": {"id": i, "time": iso, "category": category,
                                          "value": value, "name": name},
                           "geometry": {"type": "Point", "coordinates": [round(x, 6), round(y, 6)]}}
                gj.write(('' if i == 0 else ',\n') + json.dumps(feature, ensure_ascii=False))
        if gj:
            gj.write('\n]}\n')
            gj.close()


if __name__ == '__main__':
    main()
