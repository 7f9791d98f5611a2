#!/usr/bin/env bash
# The PostGIS peer for the query benchmark: a throw-away PostgreSQL 15 cluster in a temporary
# directory, on a free loopback port and a unix socket in that directory.
#   postgis.sh start DIR        initdb + start; prints the libpq conninfo
#   postgis.sh load DIR CSV     loads the point CSV into table pts (geom 4490, t timestamptz)
#   postgis.sh stop DIR         stops the server and removes DIR
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
cmd=${1:?usage: postgis.sh start|load|stop DIR [CSV]}
dir=${2:?missing DIR}

# PostgreSQL refuses to run as root: run its programs as the postgres user when we are root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

conninfo() {
  echo "host=$dir/sock port=$(cat "$dir/port") user=postgres dbname=bench"
}

case "$cmd" in
  start)
    mkdir -p "$dir/sock"
    [ "$(id -u)" = 0 ] && chown -R postgres: "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    echo "$port" > "$dir/port"
    as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
    # Settings a tuned single-machine server would have; fsync off only speeds up the
    # (unmeasured) load and does not change read-only query work.
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/sock'
shared_buffers = 1GB
effective_cache_size = 4GB
work_mem = 32MB
maintenance_work_mem = 512MB
jit = off
fsync = off
synchronous_commit = off
full_page_writes = off
max_wal_size = 4GB
CONF
    as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null
    as_pg psql -q -h "$dir/sock" -p "$port" -U postgres -d postgres -c 'CREATE DATABASE bench' >/dev/null
    conninfo
    ;;
  load)
    csv=${3:?missing CSV}
    port=$(cat "$dir/port")
    psql_bench() { psql -q -v ON_ERROR_STOP=1 -h "$dir/sock" -p "$port" -U postgres -d bench "$@"; }
    psql_bench <<SQL >/dev/null
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS postgis;
DROP TABLE IF EXISTS raw_pts, pts;
CREATE UNLOGGED TABLE raw_pts (id bigint, lon float8, lat float8, time text, category text,
                               value float8, name text);
\\copy raw_pts FROM '$csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE pts AS
  SELECT id, ST_SetSRID(ST_MakePoint(lon, lat), 4490)::geometry(Point, 4490) AS geom,
         time::timestamptz AS t, category, value, name
  FROM raw_pts;
DROP TABLE raw_pts;
ALTER TABLE pts ADD PRIMARY KEY (id);
CREATE INDEX pts_geom ON pts USING gist (geom);
CREATE INDEX pts_t ON pts (t);
VACUUM ANALYZE pts;
SQL
    psql_bench -Atc 'SELECT count(*) FROM pts'
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: postgis.sh start|load|stop DIR [CSV]" >&2
    exit 2
    ;;
esac
