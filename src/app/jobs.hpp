// The import job runner behind POST /api/v1/datasets: a small pool of threads running
// ingest::import_files, recording each job's state, progress and report in the store.
#pragma once

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "api/import_jobs.hpp"
#include "protocol/metrics.hpp"
#include "storage/store.hpp"

namespace shikong::app {

class JobRunner final : public api::ImportJobs {
 public:
  JobRunner(storage::Store& store, protocol::MetricsRegistry& metrics, int threads);
  ~JobRunner() override;  // waits for running jobs
  storage::Job submit(std::vector<std::filesystem::path> files,
                      ingest::ImportOptions options) override;
  void stop();

 private:
  struct Task {
    storage::Job job;
    std::vector<std::filesystem::path> files;
    ingest::ImportOptions options;
  };
  void work();
  void run(Task& task);

  storage::Store& store_;
  protocol::MetricsRegistry& metrics_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace shikong::app
