#!/usr/bin/env python3
"""The query workload: bbox + time-window queries around the cities of the point workload.
Boxes from a few km to about one degree on a side, windows from one day to one month inside
2020-2022 (UTC). Fixed seed, so every run and both peers get the same queries.

usage: gen_queries.py COUNT OUT.tsv
Each line: min_lon min_lat max_lon max_lat start_epoch_s end_epoch_s (time bounds inclusive)."""
import math
import random
import sys

CITIES = [(116.40, 39.90), (121.47, 31.23), (113.26, 23.13), (114.06, 22.54), (104.07, 30.67),
          (108.94, 34.26), (114.30, 30.59), (120.16, 30.27), (118.78, 32.06), (117.20, 39.13),
          (106.55, 29.56), (126.64, 45.75), (87.62, 43.82), (91.13, 29.65), (102.71, 25.04),
          (110.35, 20.02)]
EPOCH_2020 = 1577836800
EPOCH_2023 = 1672531200
DAY = 86400


def log_uniform(rng, lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def main():
    count = int(sys.argv[1])
    rng = random.Random(20240601)
    with open(sys.argv[2], 'w') as out:
        for _ in range(count):
            cx, cy = rng.choice(CITIES)
            # Centre within the city's spread; side from ~3 km (0.03 deg) to 1 degree.
            x = cx + rng.gauss(0, 0.3)
            y = cy + rng.gauss(0, 0.25)
            w = log_uniform(rng, 0.03, 1.0)
            h = w * rng.uniform(0.6, 1.0)
            length = round(log_uniform(rng, 1, 31) * DAY)
            start = rng.randrange(EPOCH_2020, EPOCH_2023 - length)
            out.write(f'{x - w / 2:.6f}\t{y - h / 2:.6f}\t{x + w / 2:.6f}\t{y + h / 2:.6f}'
                      f'\t{start}\t{start + length}\n')


if __name__ == '__main__':
    main()
