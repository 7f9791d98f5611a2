// The native /api/v1 dataset API: upload (POST, answered 202 with an import job), list, read,
// patch, delete and download datasets, and read import jobs; plus its OpenAPI document.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "api/import_jobs.hpp"
#include "protocol/router.hpp"
#include "storage/store.hpp"

namespace shikong::api {

struct ApiSettings {
  std::string prefix = "/api/v1";
  std::string ogc_prefix = "/ogc";  // for links to the OGC collection of a dataset
  std::string title = "shikong API";
  std::string version = "0.1.0";
  std::size_t max_upload_files = 16;  // file parts of one multipart upload
  // Query parameters accepted and ignored (the API key `tk`, handled by security/).
  std::vector<std::string> passthrough_parameters = {"tk"};
};

using CanRead = std::function<bool(const protocol::Request&, const storage::DatasetInfo&)>;

struct ApiContext {
  storage::Store& store;
  ImportJobs& jobs;
  // Uploads are moved here (one new directory per upload) before the job reads them; exports
  // are built in its "exports" subdirectory.
  std::filesystem::path upload_dir;
  ApiSettings settings;
  // Visibility hook: a dataset for which it returns false answers 404 like an unknown one.
  CanRead can_read = [](const protocol::Request&, const storage::DatasetInfo&) { return true; };
};

// Registers, under settings.prefix: POST/GET /datasets, GET/PATCH/DELETE /datasets/{datasetId},
// GET /datasets/{datasetId}/download, GET /jobs/{jobId} and GET /openapi.json (which describes
// every route under the prefix, including ones other modules add). `router` must outlive the
// routes; so must the store and the job queue.
void register_api_routes(protocol::Router& router, const ApiContext& context);

}  // namespace shikong::api
