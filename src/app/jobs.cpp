#include "app/jobs.hpp"

#include <chrono>
#include <random>

#include "core/error.hpp"
#include "core/log.hpp"
#include "ingest/import.hpp"

namespace shikong::app {
namespace {

Instant now() {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return Instant{us.count()};
}

std::string new_job_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}", rng());
}

void remove_inputs(const std::vector<std::filesystem::path>& files) {
  std::error_code ec;
  for (const auto& f : files) std::filesystem::remove(f, ec);
}

}  // namespace

JobRunner::JobRunner(storage::Store& store, protocol::MetricsRegistry& metrics, int threads)
    : store_(store), metrics_(metrics) {
  metrics_.describe("shikong_imports_total", protocol::MetricsRegistry::Type::counter,
                    "Import jobs finished, by result");
  metrics_.describe("shikong_import_rows_total", protocol::MetricsRegistry::Type::counter,
                    "Rows written by import jobs");
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { work(); });
}

JobRunner::~JobRunner() {
  stop();
}

void JobRunner::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
  // Jobs never started: their uploads go, and they are recorded as failed.
  for (auto& task : queue_) {
    task.job.state = storage::JobState::failed;
    task.job.error_code = "interrupted";
    task.job.message = "the server stopped before this job ran";
    task.job.updated = now();
    store_.save_job(task.job);
    remove_inputs(task.files);
  }
  queue_.clear();
}

storage::Job JobRunner::submit(std::vector<std::filesystem::path> files,
                               ingest::ImportOptions options) {
  storage::Job job;
  job.id = new_job_id();
  job.state = storage::JobState::queued;
  job.dataset_id = options.dataset_id;
  job.owner = options.owner;
  job.created = job.updated = now();
  store_.save_job(job);
  {
    std::lock_guard lock(mutex_);
    if (stopping_) throw Unavailable("shutting-down", "the server is shutting down");
    queue_.push_back(Task{job, std::move(files), std::move(options)});
  }
  wake_.notify_one();
  return job;
}

void JobRunner::work() {
  for (;;) {
    Task task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    run(task);
  }
}

void JobRunner::run(Task& task) {
  auto& job = task.job;
  job.state = storage::JobState::running;
  job.updated = now();
  store_.save_job(job);
  auto last_save = std::chrono::steady_clock::now();
  try {
    auto report =
        ingest::import_files(store_, task.files, task.options, [&](const ingest::Progress& p) {
          auto t = std::chrono::steady_clock::now();
          if (t - last_save < std::chrono::milliseconds(500)) return;
          last_save = t;
          job.rows_done = p.rows;
          job.updated = now();
          store_.save_job(job);
        });
    job.rows_done = report.rows_written;
    job.rows_rejected = report.rows_rejected;
    job.report_json = report.to_json();
    if (report.dataset) job.dataset_id = report.dataset->id;
    if (report.committed) {
      job.state = storage::JobState::succeeded;
      job.message = fmt::format("imported {} features", report.rows_written);
    } else {
      job.state = storage::JobState::failed;
      job.error_code = "rejected-rows";
      job.message = fmt::format(
          "{} rows were rejected, so nothing was imported (on_error=skip imports the rest)",
          report.rows_rejected);
    }
    metrics_.inc("shikong_import_rows_total", {}, static_cast<double>(report.rows_written));
  } catch (const Error& e) {
    job.state = storage::JobState::failed;
    job.error_code = e.code();
    job.message = e.detail();
  } catch (const std::exception& e) {
    log::error("import job {} failed: {}", job.id, e.what());
    job.state = storage::JobState::failed;
    job.error_code = "internal-error";
    job.message = "the import failed on the server; the log has details";
  }
  metrics_.inc("shikong_imports_total",
               {{"result", job.state == storage::JobState::succeeded ? "succeeded" : "failed"}});
  job.updated = now();
  store_.save_job(job);
  remove_inputs(task.files);
  log::info("import job {} {}: {}", job.id, storage::to_string(job.state), job.message);
}

}  // namespace shikong::app
