// shikong's own CSV/TSV reader: delimiter and encoding detection, RFC 4180 quoting, point
// columns by name or a WKT/GeoJSON geometry column, schema inferred over the whole file.
#pragma once

#include <filesystem>
#include <memory>

#include "ingest/reader.hpp"

namespace shikong::ingest {

// Opens and scans the whole file once (encoding check, schema inference); records are read in
// a second pass. The rules, as users see them in the import report:
// - Encoding: UTF-8 (a BOM is dropped); a file that is not valid UTF-8 is read as GB18030 (a
//   superset of GBK and GB2312) with a warning, unless options.encoding names one.
// - Delimiter: tab for .tsv/.tab, else the one of , ; tab | that splits the first lines evenly.
// - Geometry: options.geometry_field (WKT or GeoJSON text), else options.lon_field/lat_field, else
//   by name: a lon/lng/long/longitude/x/经度/东经 plus a lat/latitude/y/纬度/北纬 column, else a
//   wkt/wkt_geom/geom/geometry/the_geom/shape/几何 column. Coordinate columns stay attributes
//   (typed real); a WKT/GeoJSON column is the geometry only.
//   With no such column the rows have no geometry (and a warning says so).
// - Both coordinates empty: the row is kept without a geometry. One empty: "missing longitude"
//   (or latitude). Not a number, or |lon| > 180 / |lat| > 90 in a geographic CRS: a record error
//   naming the line and the column.
// - Types over all rows: integer, real, boolean (true/false/yes/no/是/否), date, datetime, else
//   text; numbers with leading zeros ("0101") and integers beyond int64 stay text; empty = null.
// Throws InvalidInput for an empty file or an override naming a column that does not exist.
std::unique_ptr<Reader> open_csv_reader(const std::filesystem::path& file,
                                        const ImportOptions& options);

}  // namespace shikong::ingest
