// The /api/v1 dataset API in process: uploads (raw and multipart) validated before anything is
// queued, then a real import through ingest, read, patch, download and delete.
#include "api/datasets.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>

#include "core/error.hpp"
#include "ingest/import.hpp"
#include "protocol/problem.hpp"
#include "protocol/query.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace shikong::api {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Records submissions without importing.
class RecordingJobs : public ImportJobs {
 public:
  explicit RecordingJobs(storage::Store& s) : store(s) {}
  storage::Job submit(std::vector<fs::path> f, ingest::ImportOptions o) override {
    files = std::move(f);
    options = std::move(o);
    ++submitted;
    storage::Job j;
    j.id = "job-" + std::to_string(submitted);
    j.dataset_id = options.dataset_id;
    store.save_job(j);
    return j;
  }
  storage::Store& store;
  std::vector<fs::path> files;
  ingest::ImportOptions options;
  int submitted = 0;
};

// Runs the import at once, as app/ does on its worker pool.
class ImmediateJobs : public ImportJobs {
 public:
  explicit ImmediateJobs(storage::Store& s) : store(s) {}
  storage::Job submit(std::vector<fs::path> files, ingest::ImportOptions o) override {
    storage::Job j;
    j.id = "import-" + std::to_string(++n);
    j.dataset_id = o.dataset_id;
    try {
      const auto report = ingest::import_files(store, files, o);
      j.state = report.committed ? storage::JobState::succeeded : storage::JobState::failed;
      j.rows_done = report.rows_written;
      j.rows_rejected = report.rows_rejected;
      j.report_json = report.to_json();
    } catch (const Error& e) {
      j.state = storage::JobState::failed;
      j.error_code = e.code();
      j.message = e.detail();
    }
    store.save_job(j);
    for (const auto& f : files) fs::remove(f);
    return j;
  }
  storage::Store& store;
  int n = 0;
};

struct Result {
  int status = 0;
  protocol::Response response;
  std::unique_ptr<simdjson::dom::parser> parser = std::make_unique<simdjson::dom::parser>();
  simdjson::dom::element json;
  std::string parameter;
  std::string header(std::string_view n) const {
    return std::string(response.headers.get(n).value_or(""));
  }
};

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() /
           ("shikong-api-test-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(dir_ / "uploads");
    storage::SqliteOptions o;
    o.data_dir = dir_ / "data";
    store_ = storage::open_sqlite_store(o);
  }
  void TearDown() override {
    router_.reset();
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void use_jobs(ImportJobs& jobs) {
    router_ = std::make_unique<protocol::Router>();
    ApiContext ctx{*store_, jobs, dir_ / "uploads", {}};
    register_api_routes(*router_, ctx);
  }

  Result call(std::string method, std::string path, protocol::QueryParams query = {},
              std::string content_type = {}, std::string body = {}, fs::path body_file = {}) {
    protocol::Request req;
    req.method = method;
    req.path = path;
    req.query = std::move(query);
    req.target = path;
    req.base_url = "http://test";
    if (!content_type.empty()) req.headers.set("Content-Type", content_type);
    req.body = std::move(body);
    req.body_file = body_file;
    req.body_size = body_file.empty() ? req.body.size() : fs::file_size(body_file);
    Result r;
    auto m = router_->match(method, path);
    if (!m.route) {
      r.status = m.path_known ? 405 : 404;
      return r;
    }
    req.path_params = m.params;
    try {
      r.response = m.route->handler(req);
    } catch (const Error& e) {
      r.response = protocol::problem_response(e);
      r.parameter = e.parameter();
    }
    r.status = r.response.status;
    if (!r.response.body.empty() &&
        r.parser->parse(r.response.body).get(r.json) != simdjson::SUCCESS)
      ADD_FAILURE() << "not JSON: " << r.response.body.substr(0, 2000);
    return r;
  }

  std::size_t upload_dirs() const {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir_ / "uploads"))
      if (e.path().filename().string().starts_with("upload-")) ++n;
    return n;
  }

  fs::path dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<protocol::Router> router_;
};

const std::string kCsv = "name,lon,lat\nA,116.1,39.9\nB,121.5,31.2\n";

TEST_F(ApiTest, RawUploadIsQueuedWithValidatedOptions) {
  RecordingJobs jobs(*store_);
  use_jobs(jobs);
  auto r = call("POST", "/api/v1/datasets",
                {{"id", "stations"},
                 {"title", "Stations"},
                 {"lon", "lon"},
                 {"lat", "lat"},
                 {"crs", "EPSG:4326"},
                 {"on_error", "skip"},
                 {"filename", "站点.csv"}},
                "text/csv; charset=utf-8", kCsv);
  ASSERT_EQ(r.status, 202) << r.response.body;
  EXPECT_EQ(r.header("Location"), "/api/v1/jobs/job-1");
  EXPECT_EQ(std::string_view(r.json["state"].get_string()), "queued");
  EXPECT_EQ(std::string_view(r.json["dataset_id"].get_string()), "stations");
  ASSERT_EQ(jobs.submitted, 1);
  ASSERT_EQ(jobs.files.size(), 1u);
  EXPECT_EQ(jobs.files[0].filename(), "data.csv");
  EXPECT_EQ(read_file(jobs.files[0]), kCsv);
  EXPECT_EQ(jobs.options.dataset_id, "stations");
  EXPECT_EQ(jobs.options.title, "Stations");
  EXPECT_EQ(jobs.options.lon_field, "lon");
  EXPECT_EQ(jobs.options.lat_field, "lat");
  EXPECT_EQ(jobs.options.crs, "EPSG:4326");
  EXPECT_EQ(jobs.options.format, "csv");
  EXPECT_EQ(jobs.options.on_error, ingest::OnError::skip);
  EXPECT_EQ(jobs.options.source_name, "站点.csv");

  // A generic media type with a file name: the extension names the format (detected by ingest).
  auto generic = call("POST", "/api/v1/datasets", {{"filename", "points.CSV"}, {"id", "points"}},
                      "application/octet-stream", kCsv);
  ASSERT_EQ(generic.status, 202) << generic.response.body;
  EXPECT_EQ(jobs.files[0].filename(), "data.csv");
  EXPECT_EQ(jobs.options.format, "");
  EXPECT_EQ(jobs.options.title, "points.CSV");

  auto job = call("GET", "/api/v1/jobs/job-1");
  ASSERT_EQ(job.status, 200);
  EXPECT_EQ(std::string_view(job.json["id"].get_string()), "job-1");
  EXPECT_EQ(call("GET", "/api/v1/jobs/nosuch").status, 404);
}

TEST_F(ApiTest, BadOptionsAreRejectedBeforeAnythingIsQueued) {
  RecordingJobs jobs(*store_);
  use_jobs(jobs);
  struct Bad {
    protocol::QueryParams query;
    std::string content_type;
    std::string body;
    int status;
    std::string parameter;
  };
  const std::vector<Bad> cases = {
      {{{"id", "Bad Id"}}, "text/csv", kCsv, 400, "id"},
      {{{"crs", "EPSG:99999999"}}, "text/csv", kCsv, 400, "crs"},
      {{{"on_error", "maybe"}}, "text/csv", kCsv, 400, "on_error"},
      {{{"format", "xls"}}, "text/csv", kCsv, 400, "format"},
      {{{"access", "secret"}}, "text/csv", kCsv, 400, "access"},
      {{{"lon", "x"}}, "text/csv", kCsv, 400, "lat"},
      {{{"colour", "red"}}, "text/csv", kCsv, 400, "colour"},
      {{}, "application/pdf", kCsv, 415, "Content-Type"},
      {{}, "application/octet-stream", kCsv, 415, "Content-Type"},
      {{{"filename", "noextension"}}, "", kCsv, 415, "Content-Type"},
      {{}, "text/csv", "", 400, "body"},
  };
  for (const auto& c : cases) {
    auto r = call("POST", "/api/v1/datasets", c.query, c.content_type, c.body);
    EXPECT_EQ(r.status, c.status) << c.parameter;
    EXPECT_EQ(r.parameter, c.parameter);
    EXPECT_EQ(r.header("Content-Type"), "application/problem+json");
  }
  EXPECT_EQ(jobs.submitted, 0);
  EXPECT_EQ(upload_dirs(), 0u);
}

TEST_F(ApiTest, MultipartShapefilePartsShareOneStem) {
  RecordingJobs jobs(*store_);
  use_jobs(jobs);
  const std::string boundary = "XyZ123boundary";
  std::string body;
  auto field = [&](std::string name, std::string value) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" +
            value + "\r\n";
  };
  auto file = [&](std::string filename, std::string content) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
            filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + "\r\n";
  };
  field("id", "roads");
  field("crs", "EPSG:4547");
  file("Roads.SHP", "shp-bytes");
  file("Roads.dbf", "dbf-bytes");
  file("../../Roads.prj", "prj-bytes");
  body += "--" + boundary + "--\r\n";
  auto r = call("POST", "/api/v1/datasets", {}, "multipart/form-data; boundary=" + boundary, body);
  ASSERT_EQ(r.status, 202) << r.response.body;
  ASSERT_EQ(jobs.files.size(), 3u);
  EXPECT_EQ(jobs.files[0].filename(), "data.shp");
  EXPECT_EQ(jobs.files[1].filename(), "data.dbf");
  EXPECT_EQ(jobs.files[2].filename(), "data.prj");
  EXPECT_EQ(read_file(jobs.files[2]), "prj-bytes");
  EXPECT_EQ(jobs.files[0].parent_path().parent_path(), dir_ / "uploads");
  EXPECT_EQ(jobs.options.dataset_id, "roads");
  EXPECT_EQ(jobs.options.crs, "EPSG:4547");
  EXPECT_EQ(jobs.options.source_name, "Roads.SHP");

  // A form field that is not an option is refused, and nothing stays behind.
  std::string bad = "--" + boundary +
                    "\r\nContent-Disposition: form-data; name=\"colour\"\r\n\r\nred\r\n--" +
                    boundary + "--\r\n";
  auto b = call("POST", "/api/v1/datasets", {}, "multipart/form-data; boundary=" + boundary, bad);
  EXPECT_EQ(b.status, 400);
  EXPECT_EQ(b.parameter, "colour");
  EXPECT_EQ(upload_dirs(), 1u);  // only the accepted upload's directory
}

TEST_F(ApiTest, ImportReadPatchDownloadDelete) {
  ImmediateJobs jobs(*store_);
  use_jobs(jobs);
  // The upload arrives spooled to a file, as the server delivers it.
  const fs::path spooled = dir_ / "spooled.body";
  fs::copy_file(fs::path(SHIKONG_SHARED_DATA) / "london_cycle_hire.geojson", spooled);
  auto up = call("POST", "/api/v1/datasets",
                 {{"id", "cycle-hire"}, {"filename", "london_cycle_hire.geojson"}},
                 "application/geo+json", {}, spooled);
  ASSERT_EQ(up.status, 202) << up.response.body;
  EXPECT_FALSE(fs::exists(spooled));

  // A file that cannot be read fails its job, which says why.
  auto broken = call("POST", "/api/v1/datasets", {{"id", "broken"}}, "application/geo+json",
                     "{\"type\": \"FeatureCollection\", \"features\": [");
  ASSERT_EQ(broken.status, 202);
  auto failed = call("GET", broken.header("Location"));
  ASSERT_EQ(failed.status, 200);
  EXPECT_EQ(std::string_view(failed.json["state"].get_string()), "failed");
  EXPECT_FALSE(std::string_view(failed.json["error"]["code"].get_string()).empty());

  auto job = call("GET", up.header("Location"));
  ASSERT_EQ(job.status, 200);
  EXPECT_EQ(std::string_view(job.json["state"].get_string()), "succeeded") << job.response.body;
  EXPECT_EQ(int64_t(job.json["rows_done"]), 742);

  // Same id again: conflict unless replace=true.
  auto again = call("POST", "/api/v1/datasets", {{"id", "cycle-hire"}}, "text/csv", kCsv);
  EXPECT_EQ(again.status, 409);

  auto list = call("GET", "/api/v1/datasets");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(int64_t(list.json["count"]), 1);
  EXPECT_EQ(std::string_view(list.json["datasets"].at(0)["id"].get_string()), "cycle-hire");

  auto ds = call("GET", "/api/v1/datasets/cycle-hire");
  ASSERT_EQ(ds.status, 200);
  EXPECT_EQ(int64_t(ds.json["feature_count"]), 742);
  EXPECT_EQ(std::string_view(ds.json["geometry_type"].get_string()), "Point");

  auto patched = call("PATCH", "/api/v1/datasets/cycle-hire", {}, "application/merge-patch+json",
                      R"({"title":"伦敦自行车站","description":null,"access":"registered"})");
  ASSERT_EQ(patched.status, 200) << patched.response.body;
  EXPECT_EQ(std::string_view(patched.json["title"].get_string()), "伦敦自行车站");
  EXPECT_EQ(std::string_view(patched.json["access"].get_string()), "registered");
  for (auto [body, param] : {std::pair{R"({"owner":"x"})", "owner"},
                             {R"({"title":5})", "title"},
                             {R"({"title":""})", "title"},
                             {R"({"access":"all"})", "access"},
                             {"[1]", "body"},
                             {"{", "body"}}) {
    auto bad = call("PATCH", "/api/v1/datasets/cycle-hire", {}, "application/json", body);
    EXPECT_EQ(bad.status, 400) << body;
    EXPECT_EQ(bad.parameter, param) << body;
  }
  EXPECT_EQ(call("PATCH", "/api/v1/datasets/nosuch", {}, "application/json", "{}").status, 404);

  auto dl = call("GET", "/api/v1/datasets/cycle-hire/download", {{"format", "geojson"}});
  ASSERT_EQ(dl.status, 200) << dl.response.body;
  EXPECT_EQ(dl.header("Content-Disposition"), "attachment; filename=\"cycle-hire.geojson\"");
  ASSERT_FALSE(dl.response.file.empty());
  EXPECT_TRUE(dl.response.delete_file_after);
  {
    simdjson::dom::parser p;
    simdjson::dom::element doc;
    ASSERT_EQ(p.load(dl.response.file.string()).get(doc), simdjson::SUCCESS);
    EXPECT_EQ(doc["features"].get_array().size(), 742u);
  }
  fs::remove(dl.response.file);
  EXPECT_EQ(call("GET", "/api/v1/datasets/cycle-hire/download", {{"format", "xls"}}).status, 400);
  EXPECT_EQ(call("GET", "/api/v1/datasets/cycle-hire/download", {{"crs", "EPSG:0"}}).parameter,
            "crs");

  EXPECT_EQ(call("DELETE", "/api/v1/datasets/cycle-hire").status, 204);
  EXPECT_EQ(call("GET", "/api/v1/datasets/cycle-hire").status, 404);
  EXPECT_EQ(call("DELETE", "/api/v1/datasets/cycle-hire").status, 404);
}

TEST_F(ApiTest, OpenApiDocumentDescribesTheRoutes) {
  RecordingJobs jobs(*store_);
  use_jobs(jobs);
  auto r = call("GET", "/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200) << r.response.body;
  EXPECT_EQ(std::string_view(r.json["servers"].at(0)["url"].get_string()), "http://test/api/v1");
  auto post = r.json["paths"]["/datasets"]["post"];
  EXPECT_EQ(std::string_view(post["operationId"].get_string()), "createDataset");
  EXPECT_EQ(post["requestBody"]["content"]["multipart/form-data"].error(), simdjson::SUCCESS);
  EXPECT_EQ(post["requestBody"]["content"]["text/csv"].error(), simdjson::SUCCESS);
  EXPECT_EQ(post["responses"]["202"].error(), simdjson::SUCCESS);
  std::vector<std::string> names;
  for (auto prm : post["parameters"].get_array())
    names.emplace_back(std::string_view(prm["name"].get_string()));
  EXPECT_EQ(names.size(), 17u);
  EXPECT_NE(std::find(names.begin(), names.end(), "on_error"), names.end());
  for (const char* op : {"get", "patch", "delete"})
    EXPECT_EQ(r.json["paths"]["/datasets/{datasetId}"][op].error(), simdjson::SUCCESS) << op;
  EXPECT_EQ(r.json["paths"]["/jobs/{jobId}"]["get"].error(), simdjson::SUCCESS);
  EXPECT_EQ(r.json["paths"]["/datasets/{datasetId}/download"]["get"].error(), simdjson::SUCCESS);
}

}  // namespace
}  // namespace shikong::api
