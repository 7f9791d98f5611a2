#!/bin/sh
# Regenerates the mapserver_*.xml fixtures of the harvester tests from mapserver_tiny.map with
# MapServer 8 (mapserver-bin): WMS 1.3.0 / 1.1.1 and WFS 1.1.0 / 2.0.0 capabilities.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'CONFIG\n  ENV\n    MS_MAP_PATTERN "."\n  END\nEND\n' > "$tmp/ms.conf"
export MAPSERVER_CONFIG_FILE="$tmp/ms.conf"
get() {
  mapserv -nh "QUERY_STRING=map=$here/mapserver_tiny.map&$1" > "$here/mapserver_$2.xml"
}
get "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities" wms130
get "SERVICE=WMS&VERSION=1.1.1&REQUEST=GetCapabilities" wms111
get "SERVICE=WFS&VERSION=1.1.0&REQUEST=GetCapabilities" wfs110
get "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetCapabilities" wfs200
