#!/usr/bin/env python3
"""Medians and ratios of bench/maps/run: report.py RAW_DIR > results.md
Reads RAW_DIR/results.tsv (one row per measurement), versions.txt and load.txt; prints Markdown
tables: per comparison and concurrency the median requests/s of each side over the rounds, the
ratio shikong / peer, the bytes of one pass of each side (same work check), non-200 answers and
median p50/p99 latencies."""
import csv, statistics, sys
from collections import defaultdict

raw = sys.argv[1]
rows = list(csv.DictReader(open(f"{raw}/results.tsv"), delimiter="\t"))
groups = defaultdict(list)
for r in rows:
    groups[(r["part"], r["label"], r["side"], int(r["concurrency"]))].append(r)

def med(rs, key):
    v = [float(r[key]) for r in rs if r[key] not in ("", "nan")]
    return statistics.median(v) if v else float("nan")

def fmt(x, d=1):
    return "n/a" if x != x else f"{x:,.{d}f}"

PEER = {"mvt": "postgis", "wms": "mapserver", "cache": "nginx"}
TITLE = {
    "mvt": "Cold vector tiles (tiles/s; every request builds its tile)",
    "wms": "WMS GetMap, countries + provinces + 1,000,000 points, PNG (maps/s)",
    "cache": "Cached vector tiles vs static files (tiles/s)",
}
TARGET = {"mvt": 3.0, "wms": 2.0, "cache": 0.7}

print("# Map services against their peers")
print()
for f in ("versions.txt", "load.txt"):
    try:
        print("\n".join("    " + line for line in open(f"{raw}/{f}").read().splitlines()))
    except OSError:
        pass
print()
for part in ("mvt", "wms", "cache"):
    peer = PEER[part]
    keys = sorted({(k[1], k[3]) for k in groups if k[0] == part},
                  key=lambda k: (k[0], k[1]))
    if not keys:
        continue
    print(f"## {TITLE[part]}")
    print()
    print(f"| workload | concurrency | rounds | shikong /s | {peer} /s | ratio | target | shikong p50 / p99 ms | {peer} p50 / p99 ms | bytes a pass (shikong / {peer}) | non-200 (shikong / {peer}) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    for label, c in keys:
        s = groups.get((part, label, "shikong", c), [])
        p = groups.get((part, label, peer, c), [])
        sr, pr = med(s, "per_s"), med(p, "per_s")
        ratio = sr / pr if pr and pr == pr and sr == sr else float("nan")
        met = "n/a" if ratio != ratio else ("met" if ratio >= TARGET[part] else "**not met**")
        sb = med(s, "bytes") if part != "cache" else float("nan")
        pb = med(p, "bytes") if part != "cache" else float("nan")
        bad_s = sum(int(float(r["non200"] or 0)) for r in s)
        bad_p = sum(int(float(r["non200"] or 0)) for r in p)
        print(f"| {label} | {c} | {len(s)}/{len(p)} | {fmt(sr)} | {fmt(pr)} | "
              f"{fmt(ratio, 2)}x | {TARGET[part]}x {met} | {fmt(med(s, 'p50_ms'), 2)} / {fmt(med(s, 'p99_ms'), 1)} | "
              f"{fmt(med(p, 'p50_ms'), 2)} / {fmt(med(p, 'p99_ms'), 1)} | {fmt(sb, 0)} / {fmt(pb, 0)} | {bad_s} / {bad_p} |")
    print()
print("Every figure is the median over the rounds; per-round rows are in results.tsv.")
