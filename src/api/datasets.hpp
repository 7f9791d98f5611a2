// The native /api/v1 dataset API: upload (POST, answered 202 with an import job), list, read,
// patch, delete and download datasets, and read import jobs; plus its OpenAPI document.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/import_jobs.hpp"
#include "ogc/openapi.hpp"
#include "protocol/router.hpp"
#include "security/security.hpp"
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
  // The route descriptions of /api/v1/openapi.json. Copies of these settings share them, so
  // every module registering routes with the same settings is described in one document.
  std::shared_ptr<ogc::ApiDocs> docs = std::make_shared<ogc::ApiDocs>();
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
  // Empty: the security service decides (when set), else every dataset is visible.
  CanRead can_read;
  // Null: every route is open to everyone (no accounts). Set: uploads need the publisher role
  // and record the uploader as owner, changes need can_write, grants can be read and set, jobs
  // are visible to their owner and admins, and changes are written to the audit log.
  security::SecurityService* security = nullptr;
};

// Registers, under settings.prefix: POST/GET /datasets, GET/PATCH/DELETE /datasets/{datasetId},
// GET /datasets/{datasetId}/download, GET/PUT /datasets/{datasetId}/grants (with a security
// service), GET /jobs/{jobId} and GET /openapi.json (which describes
// every route under the prefix, including ones other modules add). `router` must outlive the
// routes; so must the store and the job queue.
void register_api_routes(protocol::Router& router, const ApiContext& context);

}  // namespace shikong::api
