// CSV/TSV reader: real files from ../shared/data and small crafted ones in tests/data/ingest.
#include "ingest/readers/csv_reader.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "core/error.hpp"
#include "test_util.hpp"

namespace shikong::ingest {
namespace {

using test::data;
using test::get;
using test::read_all;
using test::shared;
using test::type_of;

TEST(CsvReader, IrelandWindStationsWithDates) {
  ImportOptions opt;
  auto r = open_reader(shared("ireland_wind_1961_1978.csv"), opt);
  EXPECT_EQ(r->format_name(), "csv");
  EXPECT_EQ(r->geometry_type(), geo::GeometryType::point);
  ASSERT_EQ(r->schema().size(), 6u);  // lat and lon make the geometry and stay attributes
  EXPECT_EQ(r->schema().fields[0].name, "station_code");
  EXPECT_EQ(type_of(*r, "lat"), FieldType::real);
  EXPECT_EQ(type_of(*r, "lon"), FieldType::real);
  EXPECT_EQ(type_of(*r, "station_name"), FieldType::text);
  EXPECT_EQ(type_of(*r, "date"), FieldType::date);
  EXPECT_EQ(type_of(*r, "wind_kt"), FieldType::real);
  auto recs = read_all(*r);
  ASSERT_EQ(recs.size(), 78888u);
  for (const auto& rec : recs) ASSERT_TRUE(rec.error.empty()) << rec.line << rec.error;
  const auto& first = recs.front();
  EXPECT_EQ(first.number, 1);
  EXPECT_EQ(first.line, 2);
  EXPECT_EQ(get<std::string>(first, *r, "station_name"), "Roche's Point");
  EXPECT_EQ(get<Date>(first, *r, "date"), date_from_civil(1961, 1, 1));
  EXPECT_DOUBLE_EQ(get<double>(first, *r, "wind_kt"), 15.04);
  EXPECT_DOUBLE_EQ(get<double>(first, *r, "lat"), 51.8);
  ASSERT_TRUE(first.geometry);
  EXPECT_EQ(first.geometry->coords.at(0), (geo::Coord{-8.25, 51.8, 0}));
  const auto& last = recs.back();
  EXPECT_EQ(last.line, 78889);
  EXPECT_EQ(get<std::string>(last, *r, "station_code"), "MAL");
  EXPECT_EQ(get<Date>(last, *r, "date"), date_from_civil(1978, 12, 31));
  EXPECT_EQ(last.geometry->coords.at(0), (geo::Coord{-7.33333, 55.36667, 0}));
  EXPECT_EQ(r->bytes_done(), r->bytes_total());
  EXPECT_EQ(r->bytes_total(), 3770582u);
}

TEST(CsvReader, OpenFlightsNonAsciiNames) {
  auto r = open_reader(shared("openflights_airports.csv"), ImportOptions{});
  EXPECT_EQ(type_of(*r, "id"), FieldType::integer);
  EXPECT_EQ(type_of(*r, "altitude_ft"), FieldType::integer);
  EXPECT_EQ(type_of(*r, "utc_offset_h"), FieldType::real);
  EXPECT_EQ(type_of(*r, "iata"), FieldType::text);
  EXPECT_EQ(type_of(*r, "dst"), FieldType::text);
  auto recs = read_all(*r);
  ASSERT_EQ(recs.size(), 7184u);
  for (const auto& rec : recs) ASSERT_TRUE(rec.error.empty()) << rec.line << rec.error;
  EXPECT_EQ(get<std::int64_t>(recs[0], *r, "id"), 1);
  EXPECT_EQ(recs[0].geometry->coords[0], (geo::Coord{145.391998291, -6.081689834590001, 0}));
  int egilsstadir = 0;
  for (const auto& rec : recs)
    if (get<std::int64_t>(rec, *r, "id") == 12) {
      EXPECT_EQ(get<std::string>(rec, *r, "name"), "Egilssta\xc3\xb0ir Airport");
      ++egilsstadir;
    }
  EXPECT_EQ(egilsstadir, 1);
  EXPECT_TRUE(r->warnings().empty());
}

void expect_chinese_cities(Reader& r) {
  EXPECT_EQ(r.geometry_type(), geo::GeometryType::point);
  ASSERT_EQ(r.schema().size(), 4u);
  EXPECT_EQ(r.schema().fields[0].name, "名称");
  EXPECT_EQ(type_of(r, "经度"), FieldType::real);
  EXPECT_EQ(type_of(r, "人口"), FieldType::integer);
  auto recs = read_all(r);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(get<std::string>(recs[0], r, "名称"), "北京");
  EXPECT_EQ(get<std::int64_t>(recs[0], r, "人口"), 21893095);
  EXPECT_EQ(recs[0].geometry->coords[0], (geo::Coord{116.4074, 39.9042, 0}));
  EXPECT_EQ(get<std::string>(recs[2], r, "名称"), "广州");
  EXPECT_EQ(recs[2].line, 4);
}

TEST(CsvReader, ChineseCoordinateColumnNames) {
  auto r = open_reader(data("chinese_columns.csv"), ImportOptions{});
  expect_chinese_cities(*r);
  EXPECT_TRUE(r->warnings().empty());
}

TEST(CsvReader, GbkIsDetectedAndConverted) {
  auto r = open_reader(data("gbk.csv"), ImportOptions{});
  expect_chinese_cities(*r);
  ASSERT_EQ(r->warnings().size(), 1u);
  EXPECT_NE(r->warnings()[0].find("GB18030"), std::string::npos);
}

TEST(CsvReader, EncodingOverride) {
  ImportOptions opt;
  opt.encoding = "GBK";
  auto r = open_reader(data("gbk.csv"), opt);
  expect_chinese_cities(*r);
  EXPECT_TRUE(r->warnings().empty());
  // An encoding iconv does not know is a typed error.
  opt.encoding = "no-such-encoding";
  try {
    open_reader(data("gbk.csv"), opt);
    FAIL();
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "unknown-encoding");
  }
}

TEST(CsvReader, ZippedCsvIsReadByTheCsvReader) {
  auto r = open_reader(data("cities.csv.zip"), ImportOptions{});
  EXPECT_EQ(r->format_name(), "csv");
  expect_chinese_cities(*r);
}

TEST(CsvReader, ChineseBooleans) {
  auto r = open_reader(data("chinese_boolean.csv"), ImportOptions{});
  EXPECT_EQ(type_of(*r, "开放"), FieldType::boolean);
  auto recs = read_all(*r);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(get<bool>(recs[0], *r, "开放"), true);
  EXPECT_EQ(get<bool>(recs[1], *r, "开放"), false);
  EXPECT_TRUE(is_null(recs[2].values[*r->schema().find("开放")]));
}

TEST(CsvReader, BomIsSkipped) {
  test::TempDir dir;
  auto p = dir.write("bom.csv", "\xEF\xBB\xBFlon,lat,name\r\n1,2,a\r\n3,4,b\r\n");
  auto r = open_reader(p, ImportOptions{});
  ASSERT_EQ(r->schema().size(), 3u);
  EXPECT_EQ(r->schema().fields[0].name, "lon");  // the BOM is not part of the name
  auto recs = read_all(*r);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(get<std::string>(recs[1], *r, "name"), "b");
  EXPECT_EQ(recs[1].line, 3);
}

TEST(CsvReader, TsvWithBooleanAndDate) {
  auto r = open_reader(data("points.tsv"), ImportOptions{});
  EXPECT_EQ(type_of(*r, "opened"), FieldType::date);
  EXPECT_EQ(type_of(*r, "active"), FieldType::boolean);
  auto recs = read_all(*r);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(get<std::string>(recs[0], *r, "name"), "Tab, Station");
  EXPECT_EQ(get<bool>(recs[0], *r, "active"), true);
  EXPECT_EQ(get<bool>(recs[1], *r, "active"), false);
  EXPECT_EQ(get<Date>(recs[1], *r, "opened"), date_from_civil(2021, 12, 31));
  EXPECT_EQ(recs[1].geometry->coords[0], (geo::Coord{-0.2, 51.6, 0}));
}

TEST(CsvReader, QuotedNewlinesKeepLineNumbers) {
  auto r = open_reader(data("quoted_newlines.csv"), ImportOptions{});
  auto recs = read_all(*r);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(get<std::string>(recs[0], *r, "note"), "first line\nsecond line");
  EXPECT_EQ(recs[0].line, 2);
  EXPECT_EQ(get<std::string>(recs[1], *r, "note"), "say \"hi\"");
  EXPECT_EQ(recs[1].line, 4);
  EXPECT_EQ(recs[2].line, 5);
  EXPECT_EQ(recs[2].geometry->coords[0], (geo::Coord{12, 22, 0}));
}

TEST(CsvReader, WktColumnAndSemicolons) {
  auto r = open_reader(data("wkt.csv"), ImportOptions{});
  EXPECT_EQ(r->geometry_type(), geo::GeometryType::polygon);
  ASSERT_EQ(r->schema().size(), 2u);  // id, kind
  EXPECT_EQ(type_of(*r, "id"), FieldType::integer);
  auto recs = read_all(*r);
  ASSERT_EQ(recs.size(), 3u);
  ASSERT_TRUE(recs[0].geometry);
  EXPECT_EQ(recs[0].geometry->type, geo::GeometryType::polygon);
  EXPECT_EQ(recs[0].geometry->rings.at(0).size(), 5u);
  EXPECT_EQ(get<std::string>(recs[1], *r, "kind"), "bowtie");
  EXPECT_FALSE(recs[2].geometry);
  EXPECT_TRUE(recs[2].error.empty());
}

TEST(CsvReader, BadCoordinatesAreReportedWithLineAndColumn) {
  auto r = open_reader(data("bad_coordinate.csv"), ImportOptions{});
  auto recs = read_all(*r);
  ASSERT_EQ(recs.size(), 5u);
  EXPECT_TRUE(recs[0].error.empty());
  EXPECT_EQ(recs[1].line, 3);
  EXPECT_EQ(recs[1].error_column, "lon");
  EXPECT_EQ(recs[1].error, "longitude \"abc\" is not a number");
  EXPECT_TRUE(is_null(recs[1].values[*r->schema().find("lon")]));
  EXPECT_EQ(type_of(*r, "lon"), FieldType::real);
  EXPECT_TRUE(recs[3].error.empty());  // both empty: a row without a location
  EXPECT_FALSE(recs[3].geometry);
  EXPECT_EQ(recs[4].line, 6);
  EXPECT_EQ(recs[4].error_column, "lat");
  EXPECT_EQ(recs[4].error, "missing latitude");
}

TEST(CsvReader, LatitudeOutOfRange) {
  auto r = open_reader(data("out_of_range.csv"), ImportOptions{});
  auto recs = read_all(*r);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_TRUE(recs[0].error.empty());
  EXPECT_EQ(recs[0].geometry->coords[0], (geo::Coord{90, 45, 0}));
  EXPECT_EQ(recs[1].line, 3);
  EXPECT_EQ(recs[1].error_column, "latitude");
  EXPECT_EQ(recs[1].error, "latitude 95.5 is out of range [-90, 90]");
  EXPECT_TRUE(recs[2].error.empty());
}

TEST(CsvReader, ColumnOverrides) {
  test::TempDir dir;
  auto p = dir.write("xy.csv", "name,east,north\na,500000,4000000\n");
  ImportOptions opt;
  opt.lon_field = "east";
  opt.lat_field = "north";
  opt.crs = "EPSG:32650";  // projected: no longitude range check
  auto r = open_reader(p, opt);
  auto recs = read_all(*r);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_TRUE(recs[0].error.empty()) << recs[0].error;
  EXPECT_EQ(recs[0].geometry->coords[0], (geo::Coord{500000, 4000000, 0}));
  opt.lon_field = "missing";
  try {
    open_reader(p, opt);
    FAIL();
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "unknown-field");
    EXPECT_EQ(e.parameter(), "lon_field");
  }
}

TEST(CsvReader, FieldCountMismatchAndCodesWithLeadingZeros) {
  test::TempDir dir;
  auto p = dir.write("codes.csv", "code,lon,lat\n0101,1,2\n0202,3,4,extra\n110000,5,6\n");
  auto r = open_reader(p, ImportOptions{});
  EXPECT_EQ(type_of(*r, "code"), FieldType::text);
  auto recs = read_all(*r);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(get<std::string>(recs[0], *r, "code"), "0101");
  EXPECT_EQ(recs[1].error, "the row has 4 fields, the header has 3");
  EXPECT_EQ(get<std::string>(recs[2], *r, "code"), "110000");
}

TEST(CsvReader, NoGeometryColumnWarns) {
  auto r = open_reader(shared("china_division_provinces.csv"), ImportOptions{});
  EXPECT_EQ(r->warnings().size(), 1u);
  auto recs = read_all(*r);
  EXPECT_EQ(recs.size(), 31u);
  EXPECT_FALSE(recs[0].geometry);
}

// Records cut by the end of the 4 MiB read buffer, with quoted newlines and doubled quotes.
TEST(CsvReader, RecordsAcrossBufferBoundaries) {
  test::TempDir dir;
  std::string text = "id,label,lon,lat\n";
  const int n = 120000;
  for (int i = 1; i <= n; ++i)
    text += fmt::format("{},\"row {}\nhas \"\"quotes\"\", and more text to fill\",{}.5,{}.25\n", i,
                        i, i % 170, i % 80);
  auto p = dir.write("big.csv", text);
  ASSERT_GT(text.size(), 6u << 20);  // the read buffer holds 4 MiB
  auto r = open_reader(p, ImportOptions{});
  RawRecord rec;
  int count = 0;
  while (r->next(rec)) {
    ++count;
    ASSERT_TRUE(rec.error.empty()) << count << rec.error;
    ASSERT_EQ(get<std::int64_t>(rec, *r, "id"), count);
    ASSERT_EQ(rec.line, 2 + 2 * (count - 1));
    ASSERT_EQ(get<std::string>(rec, *r, "label"),
              fmt::format("row {}\nhas \"quotes\", and more text to fill", count));
    ASSERT_EQ(rec.geometry->coords[0].x, count % 170 + 0.5);
  }
  EXPECT_EQ(count, n);
}

}  // namespace
}  // namespace shikong::ingest
