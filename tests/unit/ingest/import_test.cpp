// The import pipeline against the embedded store: real files in, datasets and reports out.
#include "ingest/import.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "datum/time.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "test_util.hpp"

namespace shikong::ingest {
namespace {

using test::data;
using test::shared;

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::SqliteOptions o;
    o.data_dir = dir_.path() / "var";
    store_ = storage::open_sqlite_store(o);
  }
  ImportReport run(const std::filesystem::path& file, const ImportOptions& opt = {}) {
    return import_files(*store_, {file}, opt);
  }
  test::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
};

Instant at(std::string_view text) {
  return datum::parse_time(text)->instant;
}

TEST_F(ImportTest, IrelandWindWithDateAsValidTime) {
  std::vector<Progress> ticks;
  auto report = import_files(*store_, {shared("ireland_wind_1961_1978.csv")}, ImportOptions{},
                             [&](const Progress& p) { ticks.push_back(p); });
  EXPECT_TRUE(report.committed);
  EXPECT_EQ(report.dataset_id, "ireland-wind-1961-1978");
  EXPECT_EQ(report.rows_read, 78888);
  EXPECT_EQ(report.rows_written, 78888);
  EXPECT_EQ(report.rows_rejected, 0);
  ASSERT_TRUE(report.dataset);
  const auto& ds = *report.dataset;
  EXPECT_EQ(ds.feature_count, 78888);
  EXPECT_EQ(ds.geometry_type, geo::GeometryType::point);
  EXPECT_EQ(ds.time_start_field, "date");
  EXPECT_EQ(ds.source_format, "csv");
  EXPECT_EQ(ds.source_name, "ireland_wind_1961_1978.csv");
  EXPECT_EQ(ds.source_crs, "OGC:CRS84");
  EXPECT_EQ(ds.title, "ireland_wind_1961_1978");
  EXPECT_EQ(ds.extent, Envelope::of(-10.25, 51.8, -6.25, 55.36667));
  // A date is the instant of its midnight in the platform zone (UTC+8).
  EXPECT_EQ(ds.time_extent.start, at("1960-12-31T16:00:00Z"));
  EXPECT_EQ(ds.time_extent.end, at("1978-12-30T16:00:00Z"));
  storage::FeatureQuery q;
  q.time = Interval::at(at("1961-01-01T00:00:00+08:00"));
  EXPECT_EQ(store_->count(ds, q), 12);  // the twelve stations of the first day
  ASSERT_FALSE(ticks.empty());
  EXPECT_EQ(ticks.back().rows, 78888);
  EXPECT_EQ(ticks.back().bytes_done, 3770582u);
  EXPECT_EQ(ticks.back().bytes_total, 3770582u);
}

TEST_F(ImportTest, OpenFlightsAirports) {
  ImportOptions opt;
  opt.dataset_id = "airports";
  opt.title = "Airports";
  auto report = run(shared("openflights_airports.csv"), opt);
  EXPECT_TRUE(report.committed);
  EXPECT_EQ(report.rows_written, 7184);
  EXPECT_EQ(report.dataset->id, "airports");
  EXPECT_EQ(report.dataset->title, "Airports");
  EXPECT_EQ(report.dataset->extent,
            Envelope::of(-179.876998901, -90, 179.951004028, 82.51779937740001));
  EXPECT_TRUE(report.dataset->time_start_field.empty());
  EXPECT_TRUE(report.dataset->time_extent.unbounded());
  auto found = store_->find_dataset("airports");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->feature_count, 7184);
}

TEST_F(ImportTest, LondonCycleHireGeoJson) {
  auto report = run(shared("london_cycle_hire.geojson"));
  EXPECT_TRUE(report.committed);
  EXPECT_EQ(report.dataset_id, "london-cycle-hire");
  EXPECT_EQ(report.rows_written, 742);
  EXPECT_EQ(report.dataset->source_format, "geojson");
  EXPECT_EQ(report.dataset->schema.size(), 5u);
}

TEST_F(ImportTest, ChinaProvincesInvalidGeometriesAreCountedAndStored) {
  auto report = run(shared("china_provinces_echarts.geojson"));
  EXPECT_TRUE(report.committed);
  EXPECT_EQ(report.rows_written, 34);
  EXPECT_EQ(report.rows_rejected, 0);
  EXPECT_GT(report.invalid_geometries, 0);
  EXPECT_EQ(report.invalid.size(), static_cast<std::size_t>(report.invalid_geometries));
  EXPECT_EQ(report.invalid[0].feature, 1);  // 台湾: rings of three positions
  EXPECT_EQ(report.dataset->geometry_type, geo::GeometryType::multi_polygon);
  EXPECT_EQ(report.dataset->feature_count, 34);
}

TEST_F(ImportTest, NdjsonDatetimePropertyBecomesValidTime) {
  auto report = run(data("points.ndjson"));
  EXPECT_TRUE(report.committed);
  EXPECT_EQ(report.rows_written, 3);
  EXPECT_EQ(report.dataset->time_start_field, "when");
  EXPECT_EQ(report.dataset->time_extent.start, at("2021-03-05T06:30:00Z"));
  EXPECT_EQ(report.dataset->time_extent.end, at("2021-03-05T06:30:00Z"));
  storage::FeatureQuery q;
  q.time = Interval::at(at("2021-03-05T14:30:00+08:00"));
  EXPECT_EQ(store_->count(*report.dataset, q), 1);  // features without a time match no time
}

TEST_F(ImportTest, RejectStopsEverythingAndListsBadRows) {
  auto report = run(data("bad_coordinate.csv"));
  EXPECT_FALSE(report.committed);
  EXPECT_EQ(report.rows_read, 5);
  EXPECT_EQ(report.rows_written, 0);
  EXPECT_EQ(report.rows_rejected, 2);
  ASSERT_EQ(report.rejected.size(), 2u);
  EXPECT_EQ(report.rejected[0].file, "bad_coordinate.csv");
  EXPECT_EQ(report.rejected[0].feature, 2);
  EXPECT_EQ(report.rejected[0].line, 3);
  EXPECT_EQ(report.rejected[0].column, "lon");
  EXPECT_EQ(report.rejected[1].line, 6);
  EXPECT_EQ(report.rejected[1].column, "lat");
  EXPECT_FALSE(store_->find_dataset("bad-coordinate"));
  EXPECT_EQ(report.to_json(),
            R"({"dataset_id":"bad-coordinate","committed":false,"rows_read":5,"rows_written":0,)"
            R"("rows_rejected":2,"invalid_geometries":0,"rejected":[)"
            R"({"file":"bad_coordinate.csv","feature":2,"line":3,"column":"lon",)"
            R"("reason":"longitude \"abc\" is not a number"},)"
            R"({"file":"bad_coordinate.csv","feature":5,"line":6,"column":"lat",)"
            R"("reason":"missing latitude"}],"invalid":[],"warnings":[]})");
}

TEST_F(ImportTest, SkipWritesTheGoodRows) {
  ImportOptions opt;
  opt.on_error = OnError::skip;
  auto report = run(data("bad_coordinate.csv"), opt);
  EXPECT_TRUE(report.committed);
  EXPECT_EQ(report.rows_written, 3);
  EXPECT_EQ(report.rows_rejected, 2);
  ASSERT_TRUE(report.dataset);
  EXPECT_EQ(report.dataset->feature_count, 3);
  // Row D has neither coordinate: stored without a geometry.
  EXPECT_EQ(report.dataset->extent, Envelope::of(1.5, 2.5, 4, 5));
}

TEST_F(ImportTest, BrokenGeometrySkippedWithLine) {
  ImportOptions opt;
  opt.on_error = OnError::skip;
  auto report = run(data("broken_geometry.geojson"), opt);
  EXPECT_TRUE(report.committed);
  EXPECT_EQ(report.rows_written, 2);
  ASSERT_EQ(report.rejected.size(), 1u);
  EXPECT_EQ(report.rejected[0].feature, 2);
  EXPECT_EQ(report.rejected[0].line, 3);
  EXPECT_EQ(report.rejected[0].reason, "broken geometry: a coordinate is not a number");
  EXPECT_EQ(report.dataset->source_crs, "EPSG:4326");
}

TEST_F(ImportTest, RepairMakesPolygonsValid) {
  ImportOptions opt;
  opt.repair_geometry = true;
  auto report = run(data("wkt.csv"), opt);
  EXPECT_TRUE(report.committed);
  EXPECT_EQ(report.invalid_geometries, 1);  // the bow tie
  EXPECT_EQ(report.invalid.at(0).line, 3);
  EXPECT_EQ(report.dataset->geometry_type, geo::GeometryType::multi_polygon);
  EXPECT_EQ(report.rows_written, 3);
}

TEST_F(ImportTest, ExplicitTimeFieldsAndErrors) {
  auto p = dir_.write("events.csv",
                      "name,lon,lat,from,to\n"
                      "a,1,1,2021-01-01T00:00:00Z,2021-01-02T00:00:00Z\n"
                      "b,2,2,2021-02-01T00:00:00Z,2021-01-01T00:00:00Z\n");
  ImportOptions opt;
  opt.time_start_field = "from";
  opt.time_end_field = "to";
  opt.on_error = OnError::skip;
  auto report = run(p, opt);
  EXPECT_TRUE(report.committed);
  EXPECT_EQ(report.rows_written, 1);
  ASSERT_EQ(report.rejected.size(), 1u);
  EXPECT_EQ(report.rejected[0].column, "to");
  EXPECT_EQ(report.rejected[0].reason, "the end time is before the start time");
  EXPECT_EQ(report.dataset->time_extent.start, at("2021-01-01T00:00:00Z"));
  EXPECT_EQ(report.dataset->time_extent.end, at("2021-01-02T00:00:00Z"));
  opt.time_end_field = "until";
  EXPECT_THROW(run(p, opt), InvalidInput);
}

TEST_F(ImportTest, BadInputsThrow) {
  ImportOptions opt;
  opt.dataset_id = "Not A Slug";
  EXPECT_THROW(run(data("chinese_columns.csv"), opt), InvalidInput);
  EXPECT_THROW(run(data("broken_json.geojson")), InvalidInput);
  EXPECT_THROW(import_files(*store_, {}, ImportOptions{}), InvalidInput);
  opt.dataset_id.clear();
  opt.crs = "EPSG:999999";
  EXPECT_THROW(run(data("chinese_columns.csv"), opt), InvalidInput);
}

TEST_F(ImportTest, HeaderOnlyAndEmptyCollections) {
  auto csv = dir_.write("empty.csv", "name,lon,lat\r\n");
  auto report = run(csv);
  EXPECT_TRUE(report.committed);
  EXPECT_EQ(report.rows_read, 0);
  EXPECT_EQ(report.dataset->feature_count, 0);
  EXPECT_EQ(report.dataset->geometry_type, geo::GeometryType::point);
  auto gj = dir_.write("none.geojson", R"({"type":"FeatureCollection","features":[]})");
  report = run(gj);
  EXPECT_TRUE(report.committed);
  EXPECT_EQ(report.dataset->feature_count, 0);
  auto nothing = dir_.write("nothing.csv", "");
  try {
    run(nothing);
    FAIL();
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "empty-file");
  }
}

TEST_F(ImportTest, SeveralFilesOneDataset) {
  auto a = dir_.write("a.csv", "n,lon,lat\n1,1,1\n2,2,2\n");
  auto b = dir_.write("b.csv", "n,lon,lat\n3.5,3,3\n");
  ImportOptions opt;
  opt.dataset_id = "ab";
  auto report = import_files(*store_, {a, b}, opt);
  EXPECT_TRUE(report.committed);
  EXPECT_EQ(report.rows_written, 3);
  EXPECT_EQ(report.dataset->schema.fields.at(0).type, FieldType::real);  // integer + real
  auto c = dir_.write("c.csv", "other,lon,lat\n1,1,1\n");
  EXPECT_THROW(import_files(*store_, {a, c}, opt), InvalidInput);
}

}  // namespace
}  // namespace shikong::ingest
