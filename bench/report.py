#!/usr/bin/env python3
"""Turns the raw measurements of bench/run (bench/out) into the markdown results table:
medians over the runs and ratios against the peers.

usage: report.py OUT_DIR POINTS SMALL_POINTS RUNS"""
import datetime
import glob
import json
import os
import platform
import statistics
import subprocess
import sys

out, points, small, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, digits=0):
    if v is None:
        return 'n/a'
    return f'{v:,.{digits}f}'


def mib(kib):
    return f'{kib / 1024:,.1f} MiB' if kib else 'n/a'


def ratio(a, b):
    return f'{a / b:.2f}x' if a and b else 'n/a'


def machine():
    model = ''
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'):
                model = line.split(':', 1)[1].strip()
                break
    except OSError:
        pass
    mem = ''
    try:
        kib = int(open('/proc/meminfo').readline().split()[1])
        mem = f', {kib / 1048576:.0f} GiB RAM'
    except (OSError, ValueError, IndexError):
        pass
    return f'{os.cpu_count()} cores ({model}){mem}, {platform.system()} {platform.release()}'


def git_rev():
    try:
        return subprocess.run(['git', '-C', os.path.dirname(out), 'rev-parse', '--short', 'HEAD'],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return 'unknown'


lines = []
w = lines.append
w('# shikong benchmark results')
w('')
w(f'- date: {datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")}, commit {git_rev()}')
w(f'- machine: {machine()}; shared with other work, so compare ratios, not absolute figures')
w(f'- workload: {points:,} points (bench/gen_points.py, seed 42); every figure is the median of '
  f'{runs} runs, peers measured in the same sitting')
w('')

# --- import ------------------------------------------------------------------------------------
path = os.path.join(out, 'import.tsv')
if os.path.exists(path) and os.path.getsize(path):
    rows = {}
    for line in open(path):
        tool, form, n, _run, wall, rss, count, cpu = line.rstrip('\n').split('\t')

        def num(s):
            return None if s in ('NA', '') else float(s)
        rows.setdefault((tool, form, int(n)), []).append((num(wall), num(rss), count, num(cpu)))
    w('## Import (`shikong import` vs `ogr2ogr -f GPKG`)')
    w('')
    w('rows/s = rows / wall time of the whole command (process start to exit, including the final '
      'index build and commit); CPU = user + system seconds; peak RSS from `/usr/bin/time -f %M`; '
      '"stored" is the feature count GDAL reads back from the GeoPackage each side wrote.')
    w('')
    w('| input | rows | shikong rows/s | ogr2ogr rows/s | ratio (target >= 3x) | shikong CPU s | '
      'ogr2ogr CPU s | CPU ratio | shikong peak RSS | ogr2ogr peak RSS | stored shikong / ogr2ogr |')
    w('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |')
    rss_by = {}
    for form in ('csv', 'geojson'):
        for n in sorted({k[2] for k in rows}):
            s = rows.get(('shikong', form, n), [])
            o = rows.get(('ogr2ogr', form, n), [])
            s_wall, o_wall = median([r[0] for r in s]), median([r[0] for r in o])
            s_rate = n / s_wall if s_wall else None
            o_rate = n / o_wall if o_wall else None
            s_rss, o_rss = median([r[1] for r in s]), median([r[1] for r in o])
            s_cpu, o_cpu = median([r[3] for r in s]), median([r[3] for r in o])
            rss_by[('shikong', form, n)] = s_rss
            rss_by[('ogr2ogr', form, n)] = o_rss
            verdict = ''
            if s_rate and o_rate:
                verdict = ' (met)' if s_rate >= 3 * o_rate else ' (missed)'
            stored = f'{s[-1][2] if s else "n/a"} / {o[-1][2] if o else "n/a"}'
            w(f'| {form} | {n:,} | {fmt(s_rate)} | {fmt(o_rate)} | {ratio(s_rate, o_rate)}{verdict} | '
              f'{fmt(s_cpu, 2)} | {fmt(o_cpu, 2)} | {ratio(o_cpu, s_cpu)} | {mib(s_rss)} | {mib(o_rss)} | {stored} |')
    w('')
    if small != points:
        notes = []
        for tool in ('shikong', 'ogr2ogr'):
            for form in ('csv', 'geojson'):
                a, b = rss_by.get((tool, form, small)), rss_by.get((tool, form, points))
                if a and b:
                    notes.append(f'{tool} {form} {b / a:.2f}x')
        if notes:
            w(f'Peak RSS at {points:,} rows relative to {small:,} rows (1.00x = flat in input '
              f'size): ' + ', '.join(notes) + '.')
            w('')

# --- queries -----------------------------------------------------------------------------------
qdir = os.path.join(out, 'query')


def load_query_run(side, run):
    p = os.path.join(qdir, f'{side}_{run}.tsv')
    if not os.path.exists(p):
        return None
    counts, micros = [], []
    for line in open(p):
        _i, c, us = line.split('\t')
        counts.append(int(c))
        micros.append(float(us))
    return counts, micros


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(p * (len(v) - 1) + 0.5))]


if os.path.isdir(qdir) and glob.glob(os.path.join(qdir, '*_1.tsv')):
    queries = [l.split('\t') for l in open(os.path.join(out, 'queries.tsv'))]
    w('## Bbox + time-window queries (embedded store vs PostgreSQL 15 + PostGIS 3)')
    w('')
    w(f'{len(queries):,} queries (bench/gen_queries.py, fixed seed): boxes of ~3 km to 1 degree around '
      'the workload\'s cities, time windows of 1 day to 1 month in 2020-2022; every matching feature '
      'is read in full (id, geometry as WKB, time, category, value, name). Each process runs all '
      'queries once untimed, then once timed; latency is per query, wall clock, client side.')
    w('shikong: `Store::query` on the data directory made by `shikong import` (in-process). '
      'PostGIS: libpq prepared statement, binary results, unix socket; GiST on geom, b-tree on t; '
      '`postgis` uses `geom && ST_MakeEnvelope(...)`, `postgis-exact` adds `ST_X/ST_Y BETWEEN` so '
      'float4 index boxes cannot let in points just outside the window.')
    w('')
    w('| side | p50 ms | p95 ms | p99 ms | features returned | p50 / p95 / p99 relative to shikong |')
    w('| --- | ---: | ---: | ---: | ---: | --- |')
    stats = {}
    counts_by = {}
    for side in ('shikong', 'postgis', 'postgis-exact'):
        per_run = [load_query_run(side, r) for r in range(1, runs + 1)]
        per_run = [r for r in per_run if r]
        if not per_run:
            continue
        counts_by[side] = per_run
        stats[side] = tuple(median([pct(r[1], p) / 1000 for r in per_run]) for p in (0.5, 0.95, 0.99))
        total = sum(per_run[0][0])
        rel = ''
        if 'shikong' in stats and side != 'shikong':
            rel = ' / '.join(ratio(a, b) for a, b in zip(stats[side], stats['shikong']))
            rel += ' slower' if stats[side][0] > stats['shikong'][0] else ''
        w(f'| {side} | {stats[side][0]:.3f} | {stats[side][1]:.3f} | {stats[side][2]:.3f} | {total:,} | {rel} |')
    w('')
    if 'shikong' in counts_by:
        base = counts_by['shikong'][0][0]
        for side in ('postgis', 'postgis-exact'):
            if side not in counts_by:
                continue
            bad = [i for run in counts_by[side] for i, c in enumerate(run[0]) if c != base[i]]
            bad = sorted(set(bad))
            if not bad:
                w(f'Counts: shikong and {side} returned exactly the same number of features for every '
                  f'query in every run.')
            else:
                w(f'Counts: **{len(bad)} of {len(base)} queries differ between shikong and {side}**; '
                  'first ones (query: shikong / ' + side + '): ' +
                  ', '.join(f'#{i} {base[i]} / {counts_by[side][0][0][i]}' for i in bad[:8]) + '.')
        stable = all(r[0] == base for r in counts_by['shikong'])
        if not stable:
            w('shikong returned different counts in different runs of the same queries.')
        w('')

# --- micro -------------------------------------------------------------------------------------
path = os.path.join(out, 'micro.json')
if os.path.exists(path):
    data = json.load(open(path))
    w('## Micro benchmarks (Google Benchmark, bench/bench_micro)')
    w('')
    w(f'Median of {runs} repetitions; CPU time per iteration.')
    w('')
    w('| benchmark | time | items/s | notes |')
    w('| --- | ---: | ---: | --- |')
    for b in data.get('benchmarks', []):
        if b.get('aggregate_name') != 'median':
            continue
        name = b['run_name']
        unit = b.get('time_unit', 'ns')
        items = b.get('items_per_second')
        extra = []
        if 'bytes_per_second' in b:
            extra.append(f'{b["bytes_per_second"] / 1e6:,.0f} MB/s')
        if 'features/query' in b:
            extra.append(f'{b["features/query"]:,.1f} features/query')
        w(f'| {name} | {b["cpu_time"]:,.1f} {unit} | {fmt(items)} | {", ".join(extra)} |')
    w('')

print('\n'.join(lines))
