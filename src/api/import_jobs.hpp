// The import job queue as the native API sees it: the API validates an upload and submits it;
// app/ implements this interface (worker pool + ingest) and the job's state is read back with
// storage::Store::find_job.
#pragma once

#include <filesystem>
#include <vector>

#include "ingest/import.hpp"
#include "storage/store.hpp"

namespace shikong::api {

class ImportJobs {
 public:
  virtual ~ImportJobs();
  // Queues an import of `files` (which the job then owns and removes when done) and returns
  // the job as saved (state queued). The import runs asynchronously.
  virtual storage::Job submit(std::vector<std::filesystem::path> files,
                              ingest::ImportOptions options) = 0;
};

}  // namespace shikong::api
