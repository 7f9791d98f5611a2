// A fixture for the tile adapters' tests: a real embedded store in a temporary directory with a
// temporal point dataset, a polygon dataset and a hidden one, a MapService with a memory tile
// cache, and requests run through a Router as the server would.
#pragma once

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "core/error.hpp"
#include "geo/wkb.hpp"
#include "maps/map_service.hpp"
#include "ogc/maps_context.hpp"
#include "protocol/problem.hpp"
#include "protocol/query.hpp"
#include "protocol/router.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "tiles/tile_cache.hpp"

namespace shikong::ogc::testing {

namespace fs = std::filesystem;

struct Reply {
  int status = 0;
  protocol::Headers headers;
  std::string body;
  std::unique_ptr<simdjson::dom::parser> parser = std::make_unique<simdjson::dom::parser>();
  simdjson::dom::element json;
  std::string error_code;  // of a thrown Error (answered as problem+json)

  std::string header(std::string_view name) const {
    return std::string(headers.get(name).value_or(""));
  }
  // Parses the body as JSON; a failure is a test failure.
  simdjson::dom::element parse() {
    if (parser->parse(body).get(json) != simdjson::SUCCESS)
      ADD_FAILURE() << "not JSON: " << body.substr(0, 200);
    return json;
  }
};

inline std::int64_t day0() {
  return Instant::from_seconds(1577836800).micros;
}  // 2020-01-01Z

class MapsFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::random_device rd;
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("shikong-maps-test-" + std::to_string(rd()) + std::to_string(rd())));
    fs::create_directories(*dir_);
    storage::SqliteOptions o;
    o.data_dir = *dir_;
    store_ = storage::open_sqlite_store(o).release();

    // 10 points from (110, 30) to (119, 34.5), one a day from 2020-01-01.
    storage::DatasetInfo draft;
    draft.id = "cities";
    draft.title = "Cities";
    draft.description = "10 test points";
    draft.schema.fields = {
        {"name", FieldType::text}, {"pop", FieldType::integer}, {"obs", FieldType::datetime}};
    draft.geometry_type = geo::GeometryType::point;
    draft.time_start_field = "obs";
    draft.source_format = "test";
    auto session = store_->begin_import(draft);
    for (int i = 0; i < 10; ++i) {
      Feature f;
      geo::Geometry g;
      g.type = geo::GeometryType::point;
      g.coords.push_back({110.0 + i, 30.0 + i * 0.5, 0});
      f.wkb = geo::to_wkb(g);
      f.envelope = g.envelope();
      const Instant t{day0() + std::int64_t{i} * 86'400'000'000LL};
      f.valid_time = Interval::at(t);
      f.properties = {Value(std::string("city") + std::to_string(i)), Value(std::int64_t{i * 1000}),
                      Value(t)};
      session->write(f);
    }
    session->commit();

    // One square polygon, 100..120 E, 20..40 N.
    storage::DatasetInfo poly;
    poly.id = "regions";
    poly.title = "Regions";
    poly.schema.fields = {{"name", FieldType::text}, {"area", FieldType::real}};
    poly.geometry_type = geo::GeometryType::polygon;
    poly.source_format = "test";
    auto s2 = store_->begin_import(poly);
    {
      Feature f;
      geo::Geometry g;
      g.type = geo::GeometryType::polygon;
      g.rings = {{{100, 20, 0}, {120, 20, 0}, {120, 40, 0}, {100, 40, 0}, {100, 20, 0}}};
      f.wkb = geo::to_wkb(g);
      f.envelope = g.envelope();
      f.properties = {Value(std::string("square")), Value(400.0)};
      s2->write(f);
    }
    s2->commit();

    storage::DatasetInfo hidden = poly;
    hidden.id = "hidden";
    hidden.title = "Hidden";
    store_->begin_import(hidden)->commit();

    tiles::TileCacheSettings cs;
    cs.memory_bytes = 16u << 20;
    cs.disk = false;
    cs.directory = *dir_ / "cache";
    maps_ =
        new maps::MapService(*store_, maps::MapSettings{}, std::make_shared<tiles::TileCache>(cs));
  }
  static void TearDownTestSuite() {
    delete maps_;
    maps_ = nullptr;
    delete store_;
    store_ = nullptr;
    std::error_code ec;
    fs::remove_all(*dir_, ec);
    delete dir_;
  }

  MapsContext context() const {
    MapsContext ctx{*store_, *maps_};
    ctx.can_read = [](const protocol::Request&, const storage::DatasetInfo& d) {
      return d.id != "hidden";
    };
    return ctx;
  }

  Reply call(const std::string& path, protocol::QueryParams query = {}) {
    protocol::Request req;
    req.method = "GET";
    req.path = path;
    req.query = std::move(query);
    req.target = path + (req.query.empty() ? "" : "?" + protocol::build_query(req.query));
    req.base_url = "http://test";
    Reply r;
    protocol::Response resp;
    auto m = router_.match("GET", path);
    if (!m.route) {
      r.status = 404;
      r.error_code = "no-route";
      return r;
    }
    req.path_params = m.params;
    try {
      resp = m.route->handler(req);
    } catch (const Error& e) {
      resp = protocol::problem_response(e);
      r.error_code = e.code();
    }
    r.status = resp.status;
    r.headers = resp.headers;
    r.body = std::move(resp.body);
    return r;
  }

  static inline fs::path* dir_ = nullptr;
  static inline storage::Store* store_ = nullptr;
  static inline maps::MapService* maps_ = nullptr;
  protocol::Router router_;
};

}  // namespace shikong::ogc::testing
