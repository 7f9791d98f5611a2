// /api/v1 handlers: every option of an upload is validated before anything is written, the
// import runs as a job, and downloads are built aside and sent as files.
#include "api/datasets.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <chrono>
#include <fstream>
#include <random>
#include <set>
#include <system_error>

#include "api/json_body.hpp"
#include "api/openapi.hpp"
#include "api/route_docs.hpp"
#include "api/security_gate.hpp"
#include "core/dataset_id.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "datum/crs.hpp"
#include "datum/time.hpp"
#include "datum/vertical.hpp"
#include "ingest/export.hpp"
#include "ogc/openapi.hpp"
#include "protocol/json_writer.hpp"
#include "protocol/multipart.hpp"
#include "protocol/query.hpp"

namespace shikong::api {

ImportJobs::~ImportJobs() = default;

namespace {

namespace fs = std::filesystem;
using protocol::JsonWriter;
using protocol::Request;
using protocol::Response;

constexpr std::string_view kJson = "application/json";
constexpr std::size_t kMaxTitle = 500;
constexpr std::size_t kMaxDescription = 20000;
constexpr std::size_t kMaxFieldName = 256;

struct State {
  storage::Store* store = nullptr;
  ImportJobs* jobs = nullptr;
  fs::path upload_dir;
  ApiSettings settings;
  CanRead can_read;
  security::SecurityService* security = nullptr;  // null: no accounts, everything open
  std::shared_ptr<ogc::ApiDocs> docs;
  const protocol::Router* router = nullptr;
};

std::string excerpt(std::string_view s) {
  return s.size() > 40 ? std::string(s.substr(0, 40)) + "..." : std::string(s);
}

std::string random_token() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}{:016x}", rng(), rng());
}

std::string rfc3339(Instant t) {
  return datum::format_rfc3339_utc(t);
}

void write_link(JsonWriter& w, std::string_view href, std::string_view rel, std::string_view type,
                std::string_view title = {}) {
  w.begin_object();
  w.member("href", href);
  w.member("rel", rel);
  if (!type.empty()) w.member("type", type);
  if (!title.empty()) w.member("title", title);
  w.end_object();
}

storage::DatasetInfo find_visible(const State& st, const Request& req, std::string_view id) {
  auto ds = st.store->find_dataset(id);
  if (!ds || !st.can_read(req, *ds))
    throw NotFound("dataset-not-found", "there is no dataset with this id", "datasetId");
  return std::move(*ds);
}

// With accounts, a change needs can_write: an invisible dataset stays a 404, a visible one
// the caller may not change is a 403.
void require_writable(const State& st, const Request& req, const storage::DatasetInfo& ds) {
  if (!st.security) return;
  if (!st.security->can_write(principal_of(req), ds.id, ds.access, ds.owner))
    throw Forbidden("forbidden", "only the dataset's owner or an admin may change it");
}

// A short JSON object for the audit log's detail.
std::string audit_detail(std::initializer_list<std::pair<std::string_view, std::string_view>> m) {
  JsonWriter w(128);
  w.begin_object();
  for (const auto& [k, v] : m) w.member(k, v);
  w.end_object();
  return w.take();
}

void reject_unknown_parameters(const State& st, const Request& req,
                               const std::set<std::string, std::less<>>& known) {
  for (const auto& [name, value] : req.query) {
    if (known.count(name)) continue;
    bool pass = false;
    for (const auto& n : st.settings.passthrough_parameters) pass = pass || n == name;
    if (pass) continue;
    throw InvalidInput("unknown-parameter",
                       fmt::format("'{}' is not a parameter of this operation", excerpt(name)),
                       name);
  }
}

// ---- JSON documents ----

void write_dataset(JsonWriter& w, const State& st, const Request& req,
                   const storage::DatasetInfo& ds) {
  const std::string self =
      req.base_url + st.settings.prefix + "/datasets/" + protocol::url_encode(ds.id);
  const std::string coll =
      req.base_url + st.settings.ogc_prefix + "/collections/" + protocol::url_encode(ds.id);
  w.begin_object();
  w.member("id", ds.id);
  w.member("title", ds.title);
  w.member("description", ds.description);
  w.member("kind", storage::to_string(ds.kind));
  w.member("geometry_type", geo::to_string(ds.geometry_type));
  w.key("fields").begin_array();
  for (const auto& f : ds.schema.fields) {
    w.begin_object().member("name", f.name).member("type", to_string(f.type)).end_object();
  }
  w.end_array();
  w.key("extent");
  if (ds.extent.empty()) {
    w.null();
  } else {
    w.begin_array()
        .value(ds.extent.min_x)
        .value(ds.extent.min_y)
        .value(ds.extent.max_x)
        .value(ds.extent.max_y)
        .end_array();
  }
  w.key("time_extent");
  if (ds.time_extent.unbounded()) {
    w.null();
  } else {
    w.begin_array();
    if (ds.time_extent.start)
      w.value(rfc3339(*ds.time_extent.start));
    else
      w.null();
    if (ds.time_extent.end)
      w.value(rfc3339(*ds.time_extent.end));
    else
      w.null();
    w.end_array();
  }
  w.member("time_start_field", ds.time_start_field);
  w.member("time_end_field", ds.time_end_field);
  w.member("crs", ds.crs);
  w.member("source_crs", ds.source_crs);
  w.member("source_format", ds.source_format);
  w.member("source_name", ds.source_name);
  w.member("vertical_datum", ds.vertical_datum);
  w.member("owner", ds.owner);
  w.member("access", ds.access);
  w.member("version", ds.version);
  w.member("feature_count", ds.feature_count);
  w.member("created", rfc3339(ds.created));
  w.member("updated", rfc3339(ds.updated));
  w.key("links").begin_array();
  write_link(w, self, "self", kJson);
  if (ds.kind == storage::DatasetKind::vector) {
    write_link(w, coll, "collection", kJson, "OGC API - Features collection");
    write_link(w, coll + "/items", "items", "application/geo+json", "Features");
    for (auto f : {ingest::ExportFormat::geojson, ingest::ExportFormat::csv,
                   ingest::ExportFormat::gpkg, ingest::ExportFormat::shapefile}) {
      static constexpr std::string_view names[] = {"geojson", "csv", "gpkg", "shapefile"};
      write_link(w, self + "/download?format=" + std::string(names[static_cast<int>(f)]),
                 "enclosure", ingest::media_type(f));
    }
  }
  w.end_array();
  w.end_object();
}

void write_job(JsonWriter& w, const State& st, const Request& req, const storage::Job& job) {
  w.begin_object();
  w.member("id", job.id);
  w.member("kind", job.kind);
  w.member("state", storage::to_string(job.state));
  w.member("dataset_id", job.dataset_id);
  w.member("rows_done", job.rows_done);
  w.member("rows_rejected", job.rows_rejected);
  if (job.state == storage::JobState::failed || !job.error_code.empty()) {
    w.key("error").begin_object();
    w.member("code", job.error_code.empty() ? std::string("import-failed") : job.error_code);
    w.member("detail", job.message);
    w.end_object();
  } else if (!job.message.empty()) {
    w.member("message", job.message);
  }
  // The report is JSON we wrote ourselves (ingest::ImportReport::to_json).
  if (!job.report_json.empty()) w.key("report").raw(job.report_json);
  w.member("created", rfc3339(job.created));
  w.member("updated", rfc3339(job.updated));
  w.key("links").begin_array();
  write_link(w, req.base_url + st.settings.prefix + "/jobs/" + protocol::url_encode(job.id), "self",
             kJson);
  if (job.state == storage::JobState::succeeded && !job.dataset_id.empty()) {
    write_link(
        w, req.base_url + st.settings.prefix + "/datasets/" + protocol::url_encode(job.dataset_id),
        "dataset", kJson);
  }
  w.end_array();
  w.end_object();
}

Response json(std::string body, int status = 200) {
  return Response::text(std::move(body), std::string(kJson), status);
}

// ---- upload ----

// The options an upload may carry, as form fields or query parameters.
const std::set<std::string, std::less<>> kUploadOptions = {
    "id",       "title",  "description", "crs",      "time_field", "time_start",
    "time_end", "lon",    "lat",         "geometry", "on_error",   "format",
    "encoding", "access", "filename",    "replace",  "repair"};

const std::set<std::string_view> kFormats = {"csv", "geojson", "shapefile", "gpkg", "kml", "gpx"};

struct MediaFormat {
  std::string_view media_type;
  std::string_view format;  // "" lets the reader detect it
  std::string_view extension;
};
constexpr MediaFormat kMediaFormats[] = {
    {"text/csv", "csv", ".csv"},
    {"application/geo+json", "geojson", ".geojson"},
    {"application/json", "geojson", ".geojson"},
    {"application/zip", "", ".zip"},
    {"application/x-zip-compressed", "", ".zip"},
    {"application/geopackage+sqlite3", "gpkg", ".gpkg"},
    {"application/vnd.google-earth.kml+xml", "kml", ".kml"},
    {"application/gpx+xml", "gpx", ".gpx"},
};

std::string lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

std::string_view media_type_of(std::string_view content_type) {
  const std::size_t semi = content_type.find(';');
  std::string_view t = content_type.substr(0, semi);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  return t;
}

// The extension of a client's file name that we keep (lower case, alphanumeric, short):
// "roads.SHP" -> ".shp"; ".shp.zip" keeps only ".zip".
std::string safe_extension(std::string_view filename) {
  const std::size_t slash = filename.find_last_of("/\\");
  if (slash != std::string_view::npos) filename.remove_prefix(slash + 1);
  const std::size_t dot = filename.rfind('.');
  if (dot == std::string_view::npos) return {};
  std::string ext = lower(filename.substr(dot + 1));
  if (ext.empty() || ext.size() > 8) return {};
  for (char c : ext)
    if (!std::isalnum(static_cast<unsigned char>(c))) return {};
  return "." + ext;
}

// The base name of a client's file name, without directories, as a label.
std::string display_name(std::string_view filename) {
  const std::size_t slash = filename.find_last_of("/\\");
  if (slash != std::string_view::npos) filename.remove_prefix(slash + 1);
  if (filename.size() > 255) filename = filename.substr(0, 255);
  return std::string(filename);
}

std::string stem_of(std::string_view name) {
  const std::size_t dot = name.find('.');
  return std::string(name.substr(0, dot));
}

bool parse_bool(std::string_view v, std::string_view name) {
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0" || v.empty()) return false;
  throw InvalidInput("invalid-parameter-value", fmt::format("{} must be true or false", name),
                     std::string(name));
}

// Validates every option before anything is written or queued.
ingest::ImportOptions build_options(
    const State& st, const std::function<std::optional<std::string_view>(std::string_view)>& get,
    std::string_view source_name, bool& replace) {
  ingest::ImportOptions o;
  auto text = [&](std::string_view name, std::size_t max) -> std::string {
    auto v = get(name);
    if (!v) return {};
    if (v->size() > max)
      throw InvalidInput("invalid-parameter-value",
                         fmt::format("{} is longer than {} bytes", name, max), std::string(name));
    return std::string(*v);
  };
  o.dataset_id = text("id", 64);
  if (!o.dataset_id.empty()) require_dataset_id(o.dataset_id, "id");
  if (o.dataset_id.empty()) o.dataset_id = slugify(stem_of(source_name));
  o.title = text("title", kMaxTitle);
  if (o.title.empty()) o.title = std::string(source_name);
  o.description = text("description", kMaxDescription);
  o.crs = text("crs", 64 * 1024);
  if (!o.crs.empty()) (void)datum::parse_crs(o.crs, "crs");
  o.time_field = text("time_field", kMaxFieldName);
  o.time_start_field = text("time_start", kMaxFieldName);
  o.time_end_field = text("time_end", kMaxFieldName);
  if (!o.time_field.empty() && !o.time_start_field.empty())
    throw InvalidInput("conflicting-parameters", "give time_field or time_start, not both",
                       "time_start");
  if (!o.time_end_field.empty() && o.time_field.empty() && o.time_start_field.empty())
    throw InvalidInput("missing-parameter", "time_end needs time_field or time_start", "time_end");
  o.lon_field = text("lon", kMaxFieldName);
  o.lat_field = text("lat", kMaxFieldName);
  if (o.lon_field.empty() != o.lat_field.empty())
    throw InvalidInput("missing-parameter", "lon and lat are given together",
                       o.lon_field.empty() ? "lon" : "lat");
  o.geometry_field = text("geometry", kMaxFieldName);
  o.encoding = text("encoding", 32);
  const std::string on_error = text("on_error", 16);
  if (on_error.empty() || on_error == "reject")
    o.on_error = ingest::OnError::reject;
  else if (on_error == "skip")
    o.on_error = ingest::OnError::skip;
  else
    throw InvalidInput("invalid-parameter-value", "on_error must be reject or skip", "on_error");
  const std::string format = text("format", 16);
  if (!format.empty() && !kFormats.count(format))
    throw InvalidInput("unknown-format",
                       "format must be one of csv, geojson, shapefile, gpkg, kml, gpx", "format");
  o.format = format;
  const std::string access = text("access", 16);
  if (!access.empty()) {
    if (access != "public" && access != "registered" && access != "restricted" &&
        access != "private")
      throw InvalidInput("invalid-parameter-value",
                         "access must be public, registered, restricted or private", "access");
    o.access = access;
  }
  if (auto r = get("repair")) o.repair_geometry = parse_bool(*r, "repair");
  replace = false;
  if (auto r = get("replace")) replace = parse_bool(*r, "replace");
  o.source_name = std::string(source_name);
  (void)st;
  return o;
}

// Moves a file, copying when it lies on another file system.
void move_file(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (!ec) return;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) {
    log::error("upload: cannot move {} to {}: {}", from.string(), to.string(), ec.message());
    throw InternalError("upload-failed", "the upload could not be stored");
  }
  fs::remove(from, ec);
}

// Removes the upload directory unless the job took it.
struct UploadDir {
  fs::path path;
  bool keep = false;
  ~UploadDir() {
    if (keep || path.empty()) return;
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

Response upload(const State& st, Request& req) {
  if (st.security) require_role(principal_of(req), security::Role::publisher);
  const std::string content_type(req.header("Content-Type").value_or(""));
  const std::string media = lower(media_type_of(content_type));
  UploadDir dir;
  dir.path = st.upload_dir / ("upload-" + random_token());
  std::error_code ec;
  fs::create_directories(dir.path, ec);
  if (ec) {
    log::error("upload: cannot create {}: {}", dir.path.string(), ec.message());
    throw InternalError("upload-failed", "the upload could not be stored");
  }

  std::vector<fs::path> files;
  std::string source_name;
  ingest::ImportOptions options;
  bool replace = false;

  if (media == "multipart/form-data") {
    reject_unknown_parameters(st, req, {});
    protocol::MultipartLimits limits;
    limits.max_files = st.settings.max_upload_files;
    const fs::path parts_dir = dir.path / "parts";
    fs::create_directories(parts_dir, ec);
    protocol::MultipartForm form = protocol::parse_multipart(req, parts_dir, limits);
    for (const auto& [name, value] : form.fields)
      if (!kUploadOptions.count(name))
        throw InvalidInput("unknown-parameter",
                           fmt::format("'{}' is not a field of this operation", excerpt(name)),
                           name);
    if (form.files.empty()) throw InvalidInput("missing-file", "the form has no file part", "file");
    source_name = display_name(form.files.front().filename);
    if (auto f = form.field("filename")) source_name = display_name(*f);
    if (source_name.empty()) source_name = "upload";
    options = build_options(
        st, [&](std::string_view n) { return form.field(n); }, source_name, replace);
    // Parts keep one common stem so that shapefile members (.shp, .shx, .dbf, .prj) find each
    // other; the stem is ours, only the extension comes from the client's name.
    std::set<std::string> used;
    for (const auto& part : form.files) {
      std::string ext = safe_extension(part.filename);
      std::string name = "data" + ext;
      for (int i = 2; used.count(name); ++i) name = fmt::format("data-{}{}", i, ext);
      used.insert(name);
      const fs::path target = dir.path / name;
      move_file(part.path, target);
      files.push_back(target);
    }
  } else {
    reject_unknown_parameters(st, req, kUploadOptions);
    const MediaFormat* mf = nullptr;
    for (const auto& m : kMediaFormats)
      if (m.media_type == media) mf = &m;
    // A generic type is fine when the file name's extension tells the format.
    static constexpr MediaFormat kByName{"application/octet-stream", "", ""};
    const std::string name_ext = safe_extension(req.param("filename").value_or(""));
    if (!mf && (media.empty() || media == "application/octet-stream") && !name_ext.empty())
      mf = &kByName;
    if (!mf)
      throw Unsupported("unsupported-media-type",
                        "upload multipart/form-data or one of text/csv, application/geo+json, "
                        "application/zip, application/geopackage+sqlite3, "
                        "application/vnd.google-earth.kml+xml, application/gpx+xml (or "
                        "application/octet-stream with a filename parameter that has an "
                        "extension)",
                        "Content-Type");
    const bool in_file = !req.body_file.empty();
    if ((in_file ? req.body_size : req.body.size()) == 0)
      throw InvalidInput("empty-upload", "the request has no body", "body");
    source_name = display_name(req.param("filename").value_or(""));
    if (source_name.empty()) source_name = fmt::format("upload{}", mf->extension);
    options = build_options(
        st, [&](std::string_view n) { return req.param(n); }, source_name, replace);
    if (options.format.empty()) options.format = std::string(mf->format);
    std::string ext = safe_extension(source_name);
    if (ext.empty()) ext = std::string(mf->extension);
    const fs::path target = dir.path / ("data" + ext);
    if (in_file) {
      move_file(req.body_file, target);
    } else {
      std::ofstream out(target, std::ios::binary);
      out.write(req.body.data(), static_cast<std::streamsize>(req.body.size()));
      out.close();
      if (!out) {
        log::error("upload: cannot write {}", target.string());
        throw InternalError("upload-failed", "the upload could not be stored");
      }
    }
    files.push_back(target);
  }

  if (auto existing = st.store->find_dataset(options.dataset_id)) {
    if (!replace)
      throw Conflict("dataset-exists",
                     "a dataset with this id exists; choose another id or give replace=true");
    // Replacing is changing: someone else's dataset is refused (a 409 when it is invisible,
    // as the id is taken all the same).
    if (st.security && !st.security->can_write(principal_of(req), existing->id, existing->access,
                                               existing->owner)) {
      if (st.can_read(req, *existing))
        throw Forbidden("forbidden", "only the dataset's owner or an admin may replace it");
      throw Conflict("dataset-exists", "a dataset with this id exists; choose another id");
    }
  }
  if (st.security) options.owner = principal_of(req).user;

  storage::Job job = st.jobs->submit(files, options);
  dir.keep = true;
  if (st.security)
    st.security->audit(principal_of(req).actor(), "upload", options.dataset_id, req.remote_ip, "ok",
                       audit_detail({{"job", job.id}, {"replace", replace ? "true" : "false"}}));
  JsonWriter w(1024);
  write_job(w, st, req, job);
  Response r = json(w.take(), 202);
  r.headers.set("Location", st.settings.prefix + "/jobs/" + protocol::url_encode(job.id));
  return r;
}

// ---- read, patch, delete ----

Response list_datasets(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  JsonWriter w(8192);
  w.begin_object();
  w.key("datasets").begin_array();
  std::int64_t n = 0;
  for (const auto& ds : st.store->list_datasets()) {
    if (!st.can_read(req, ds)) continue;
    write_dataset(w, st, req, ds);
    ++n;
  }
  w.end_array();
  w.member("count", n);
  w.key("links").begin_array();
  write_link(w, req.base_url + st.settings.prefix + "/datasets", "self", kJson);
  w.end_array();
  w.end_object();
  return json(w.take());
}

Response get_dataset(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  const auto ds = find_visible(st, req, req.path_param("datasetId"));
  JsonWriter w(4096);
  write_dataset(w, st, req, ds);
  return json(w.take());
}

Response patch_dataset(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  const auto ds = find_visible(st, req, req.path_param("datasetId"));
  require_writable(st, req, ds);
  const std::string media = lower(media_type_of(req.header("Content-Type").value_or("")));
  if (media != "application/json" && media != "application/merge-patch+json")
    throw Unsupported("unsupported-media-type", "send the changes as application/merge-patch+json",
                      "Content-Type");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(req.body).get(doc) != simdjson::SUCCESS)
    throw InvalidInput("invalid-json", "the body is not valid JSON", "body");
  simdjson::dom::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS)
    throw InvalidInput("invalid-patch", "the body must be a JSON object", "body");
  storage::DatasetPatch patch;
  for (auto member : obj) {
    const std::string key(member.key);
    auto string_value = [&](std::size_t max) -> std::string {
      std::string_view v;
      if (member.value.get_string().get(v) != simdjson::SUCCESS)
        throw InvalidInput("invalid-patch", fmt::format("{} must be a string", key), key);
      if (v.size() > max)
        throw InvalidInput("invalid-patch", fmt::format("{} is longer than {} bytes", key, max),
                           key);
      return std::string(v);
    };
    if (key == "title") {
      patch.title = string_value(kMaxTitle);
      if (patch.title->empty())
        throw InvalidInput("invalid-patch", "title must not be empty", "title");
    } else if (key == "description") {
      patch.description = member.value.is_null() ? std::string() : string_value(kMaxDescription);
    } else if (key == "access") {
      patch.access = string_value(16);
      if (*patch.access != "public" && *patch.access != "registered" &&
          *patch.access != "restricted" && *patch.access != "private")
        throw InvalidInput("invalid-patch",
                           "access must be public, registered, restricted or private", "access");
    } else if (key == "vertical_datum") {
      patch.vertical_datum =
          member.value.is_null() ? std::string() : datum::parse_vertical_datum(string_value(32));
    } else {
      throw InvalidInput(
          "invalid-patch",
          fmt::format("'{}' cannot be changed; give title, description, access or vertical_datum",
                      excerpt(key)),
          key);
    }
  }
  const auto updated = st.store->update_dataset(ds.id, patch);
  if (st.security && patch.access && *patch.access != ds.access)
    st.security->audit(principal_of(req).actor(), "access-change", ds.id, req.remote_ip, "ok",
                       audit_detail({{"from", ds.access}, {"to", *patch.access}}));
  JsonWriter w(4096);
  write_dataset(w, st, req, updated);
  return json(w.take());
}

Response delete_dataset(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  const auto ds = find_visible(st, req, req.path_param("datasetId"));
  require_writable(st, req, ds);
  st.store->delete_dataset(ds.id);
  if (st.security) {
    st.security->forget_dataset(ds.id);
    st.security->audit(principal_of(req).actor(), "dataset-delete", ds.id, req.remote_ip, "ok",
                       audit_detail({{"title", ds.title}}));
  }
  Response r;
  r.status = 204;
  return r;
}

Response get_job(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  auto job = st.store->find_job(req.path_param("jobId"));
  if (!job) throw NotFound("job-not-found", "there is no job with this id", "jobId");
  if (st.security) {
    // A job tells what someone uploaded: only they and admins see it.
    const security::Principal& p = principal_of(req);
    if (!p.has_role(security::Role::admin) && (p.user.empty() || p.user != job->owner))
      throw NotFound("job-not-found", "there is no job with this id", "jobId");
  }
  if (!job->dataset_id.empty()) {
    // A job about a dataset the caller may not see is hidden like the dataset.
    if (auto ds = st.store->find_dataset(job->dataset_id); ds && !st.can_read(req, *ds))
      throw NotFound("job-not-found", "there is no job with this id", "jobId");
  }
  JsonWriter w(2048);
  write_job(w, st, req, *job);
  return json(w.take());
}

// ---- download ----

Response download(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {"format", "crs"});
  const auto ds = find_visible(st, req, req.path_param("datasetId"));
  if (ds.kind != storage::DatasetKind::vector)
    throw NotFound("dataset-not-found", "there is no vector dataset with this id", "datasetId");
  const auto format = ingest::parse_export_format(req.param("format").value_or("geojson"));
  // GeoJSON is CRS84 by RFC 7946; the other formats default to the platform datum.
  datum::Crs crs = format == ingest::ExportFormat::geojson ? datum::crs84() : datum::platform_crs();
  if (auto c = req.param("crs")) crs = datum::parse_crs(*c, "crs");

  const fs::path exports = st.upload_dir / "exports";
  std::error_code ec;
  fs::create_directories(exports, ec);
  const std::string token = random_token();
  const fs::path target = exports / (token + std::string(ingest::file_extension(format)));
  if (format == ingest::ExportFormat::geojson || format == ingest::ExportFormat::csv) {
    std::ofstream out(target, std::ios::binary);
    try {
      ingest::export_text(*st.store, ds, format, crs, [&](std::string_view bytes) {
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      });
    } catch (...) {
      out.close();
      fs::remove(target, ec);
      throw;
    }
    out.close();
    if (!out) {
      fs::remove(target, ec);
      log::error("download: cannot write {}", target.string());
      throw InternalError("export-failed", "the export could not be written");
    }
  } else {
    const fs::path work = exports / ("work-" + token);
    fs::create_directories(work, ec);
    try {
      const fs::path built = ingest::export_file(*st.store, ds, format, crs, work);
      move_file(built, target);
    } catch (...) {
      fs::remove_all(work, ec);
      throw;
    }
    fs::remove_all(work, ec);
  }
  Response r;
  r.headers.set("Content-Type", std::string(ingest::media_type(format)));
  // The id is a slug ([a-z0-9_-]), so the file name needs no quoting beyond the quotes.
  r.headers.set("Content-Disposition", fmt::format("attachment; filename=\"{}{}\"", ds.id,
                                                   ingest::file_extension(format)));
  r.file = target;
  r.delete_file_after = true;
  return r;
}

// ---- grants (restricted datasets) ----

Response grants_response(const State& st, std::string_view dataset_id) {
  JsonWriter w(512);
  w.begin_object();
  w.key("grants").begin_array();
  for (const auto& g : st.security->grants(dataset_id))
    w.begin_object().member("kind", g.kind).member("grantee", g.grantee).end_object();
  w.end_array();
  w.end_object();
  Response r = json(w.take());
  r.headers.set("Cache-Control", "no-store");
  return r;
}

Response get_grants(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  const auto ds = find_visible(st, req, req.path_param("datasetId"));
  require_writable(st, req, ds);
  return grants_response(st, ds.id);
}

Response put_grants(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  const auto ds = find_visible(st, req, req.path_param("datasetId"));
  require_writable(st, req, ds);
  JsonBody body(req, {"grants"});
  auto items = body.records("grants", {"kind", "grantee"}, 1000, 256);
  if (!items) throw InvalidInput("missing-parameter", "the body needs grants", "grants");
  std::vector<storage::GrantRecord> grants;
  for (auto& item : *items) {
    const std::string& kind = item["kind"];
    if (kind != "user" && kind != "group" && kind != "key")
      throw InvalidInput("invalid-parameter-value", "a grant's kind is user, group or key",
                         "grants");
    if (item["grantee"].empty())
      throw InvalidInput("invalid-parameter-value", "a grant's grantee must not be empty",
                         "grants");
    grants.push_back({ds.id, kind, item["grantee"]});
  }
  st.security->set_grants(principal_of(req), ds.id, grants, req.remote_ip);
  return grants_response(st, ds.id);
}

Response openapi_document(const State& st, Request& req) {
  return Response::text(build_api_openapi(*st.router, *st.docs, st.settings, req.base_url),
                        std::string(ogc::kOpenApiMediaType));
}

// ---- route documentation ----

constexpr std::string_view kUploadFieldsSchema =
    R"("id":{"type":"string","pattern":"^[a-z0-9][a-z0-9_-]{0,63}$"},)"
    R"("title":{"type":"string"},"description":{"type":"string"},)"
    R"("crs":{"type":"string","description":"source CRS override, e.g. EPSG:4547"},)"
    R"("time_field":{"type":"string"},"time_start":{"type":"string"},"time_end":{"type":"string"},)"
    R"("lon":{"type":"string"},"lat":{"type":"string"},"geometry":{"type":"string"},)"
    R"("on_error":{"type":"string","enum":["reject","skip"]},)"
    R"("format":{"type":"string","enum":["csv","geojson","shapefile","gpkg","kml","gpx"]},)"
    R"("encoding":{"type":"string"},)"
    R"("access":{"type":"string","enum":["public","registered","restricted","private"]},)"
    R"("filename":{"type":"string"},"replace":{"type":"boolean"},"repair":{"type":"boolean"})";

std::string upload_request_body() {
  std::string binary = R"({"schema":{"type":"string","format":"binary"}})";
  return fmt::format(
      R"({{"required":true,"content":{{"multipart/form-data":{{"schema":{{"type":"object",)"
      R"("required":["file"],"properties":{{"file":{{"type":"array","items":{{"type":"string",)"
      R"("format":"binary"}}}},{}}}}}}},"text/csv":{},"application/geo+json":{},)"
      R"("application/zip":{},"application/geopackage+sqlite3":{},)"
      R"("application/vnd.google-earth.kml+xml":{},"application/gpx+xml":{}}}}})",
      kUploadFieldsSchema, binary, binary, binary, binary, binary, binary);
}

}  // namespace

std::string build_api_openapi(const protocol::Router& router, const ogc::ApiDocs& docs,
                              const ApiSettings& settings, std::string_view base_url) {
  ogc::OpenApiInfo info;
  info.title = settings.title;
  info.version = settings.version;
  info.description = "The native API of shikong: datasets, uploads and import jobs.";
  info.prefix = settings.prefix;
  return ogc::build_openapi_document(router, docs, info, base_url);
}

void register_api_routes(protocol::Router& router, const ApiContext& context) {
  auto st = std::make_shared<State>();
  st->store = &context.store;
  st->jobs = &context.jobs;
  st->upload_dir = context.upload_dir;
  st->settings = context.settings;
  st->security = context.security;
  if (context.can_read) {
    st->can_read = context.can_read;
  } else if (context.security) {
    security::SecurityService* sec = context.security;
    st->can_read = [sec](const Request& req, const storage::DatasetInfo& ds) {
      return sec->can_read(principal_of(req), ds.id, ds.access, ds.owner);
    };
  } else {
    st->can_read = [](const Request&, const storage::DatasetInfo&) { return true; };
  }
  st->docs = context.settings.docs ? context.settings.docs : std::make_shared<ogc::ApiDocs>();
  st->router = &router;
  std::shared_ptr<const State> cst = st;
  const std::string& pre = st->settings.prefix;

  auto route = [&](std::string method, std::string pattern, std::string summary, std::string op,
                   Response (*fn)(const State&, Request&), ogc::OperationDoc doc,
                   protocol::RouteClass cls = protocol::RouteClass::api,
                   bool streams_upload = false) {
    protocol::Route r;
    r.method = std::move(method);
    r.pattern = pre + pattern;
    r.handler = [cst, fn](Request& req) { return fn(*cst, req); };
    r.route_class = cls;
    r.summary = std::move(summary);
    r.operation_id = std::move(op);
    r.streams_upload = streams_upload;
    ogc::add_documented_route(router, *st->docs, std::move(r), std::move(doc));
  };

  const ogc::ResponseDoc not_found{"404", "No such dataset", "application/problem+json",
                                   R"({"$ref":"#/components/schemas/Problem"})"};
  const ogc::ParamDoc dataset_id = path_param("datasetId", "The id of a dataset");

  std::vector<ogc::ParamDoc> upload_params;
  {
    simdjson::dom::parser p;
    simdjson::dom::object props;
    const std::string schema = "{" + std::string(kUploadFieldsSchema) + "}";
    if (p.parse(schema).get(props) == simdjson::SUCCESS) {
      for (auto m : props)
        upload_params.push_back(query_param(
            std::string(m.key), "Import option (for a raw body; a form field otherwise)",
            simdjson::minify(m.value)));
    }
  }

  route(
      "POST", "/datasets", "Upload a dataset", "createDataset", upload,
      {"Uploads one dataset (a file, or the members of a shapefile) and starts its import. "
       "Answers 202 with the import job; its Location is the job to poll.",
       {"Datasets"},
       upload_params,
       upload_request_body(),
       {{"202", "The import job was queued", std::string(kJson), {}},
        {"401", "Not signed in (uploads need the publisher role)", "application/problem+json", {}},
        {"403",
         "The caller's role is below publisher, or the dataset to replace is "
         "someone else's",
         "application/problem+json",
         {}},
        {"409", "A dataset with this id exists", "application/problem+json", {}}}},
      protocol::RouteClass::upload, true);
  route("GET", "/datasets", "List datasets", "listDatasets", list_datasets,
        {"The datasets the caller may see.",
         {"Datasets"},
         {},
         {},
         {{"200", "The datasets", std::string(kJson), {}}}});
  route("GET", "/datasets/{datasetId}", "Read a dataset", "getDataset", get_dataset,
        {"A dataset's description.",
         {"Datasets"},
         {dataset_id},
         {},
         {{"200", "The dataset", std::string(kJson), {}}, not_found}});
  route(
      "PATCH", "/datasets/{datasetId}", "Change a dataset", "patchDataset", patch_dataset,
      {"A JSON merge patch of title, description and access.",
       {"Datasets"},
       {dataset_id},
       R"({"required":true,"content":{"application/merge-patch+json":{"schema":{"type":"object",)"
       R"("additionalProperties":false,"properties":{"title":{"type":"string"},)"
       R"("description":{"type":"string","nullable":true},"access":{"type":"string","enum":)"
       R"(["public","registered","restricted","private"]}}}}}})",
       {{"200", "The changed dataset", std::string(kJson), {}},
        {"403", "The caller may see the dataset but not change it", "application/problem+json", {}},
        not_found}});
  route(
      "DELETE", "/datasets/{datasetId}", "Delete a dataset", "deleteDataset", delete_dataset,
      {"Deletes a dataset and its features.",
       {"Datasets"},
       {dataset_id},
       {},
       {{"204", "Deleted", {}, {}},
        {"403", "The caller may see the dataset but not delete it", "application/problem+json", {}},
        not_found}});
  if (st->security) {
    const std::string grants_schema =
        R"({"type":"object","properties":{"grants":{"type":"array","items":{"type":"object",)"
        R"("additionalProperties":false,"required":["kind","grantee"],"properties":{"kind":)"
        R"({"type":"string","enum":["user","group","key"]},"grantee":{"type":"string"}}}}}})";
    const ogc::ResponseDoc forbidden{"403", "The caller may see the dataset but not change it",
                                     "application/problem+json",
                                     R"({"$ref":"#/components/schemas/Problem"})"};
    route("GET", "/datasets/{datasetId}/grants", "Read a dataset's grants", "getGrants", get_grants,
          {"Who may read a restricted dataset besides its owner and admins: users, groups and "
           "API keys.",
           {"Datasets"},
           {dataset_id},
           {},
           {{"200", "The grants", std::string(kJson), grants_schema}, forbidden, not_found}});
    route("PUT", "/datasets/{datasetId}/grants", "Set a dataset's grants", "putGrants", put_grants,
          {"Replaces the grants of a dataset.",
           {"Datasets"},
           {dataset_id},
           R"({"required":true,"content":{"application/json":{"schema":)" + grants_schema + "}}}",
           {{"200", "The grants", std::string(kJson), grants_schema},
            {"400", "A malformed grant", "application/problem+json", {}},
            forbidden,
            not_found}});
  }
  route(
      "GET", "/datasets/{datasetId}/download", "Download a dataset", "downloadDataset", download,
      {"The whole dataset as a file.",
       {"Datasets"},
       {dataset_id,
        query_param(
            "format", "The file format",
            R"({"type":"string","enum":["geojson","csv","gpkg","shapefile"],"default":"geojson"})"),
        query_param("crs",
                    "The CRS of the file (default CRS84 for GeoJSON, else the platform CRS)")},
       {},
       {{"200", "The file", "application/octet-stream", R"({"type":"string","format":"binary"})"},
        not_found}},
      protocol::RouteClass::downloads);
  route("GET", "/jobs/{jobId}", "Read an import job", "getJob", get_job,
        {"State and report of an import job.",
         {"Jobs"},
         {path_param("jobId", "The id of a job")},
         {},
         {{"200", "The job", std::string(kJson), {}},
          {"404", "No such job", "application/problem+json", {}}}});
  route("GET", "/openapi.json", "API definition", "getOpenApi", openapi_document,
        {"This OpenAPI 3.0 document.",
         {"API"},
         {},
         {},
         {{"200", "The API definition", std::string(ogc::kOpenApiMediaType), {}}}});
}

}  // namespace shikong::api
