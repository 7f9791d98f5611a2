// Progress for long work: a redrawn bar with rows/s and ETA on a terminal, plain periodic
// lines otherwise (logs, CI).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace shikong::app {

class ProgressPrinter {
 public:
  explicit ProgressPrinter(std::string label);
  // bytes_total 0: unknown (no ETA, no bar).
  void update(std::int64_t rows, std::uint64_t bytes_done, std::uint64_t bytes_total);
  void finish(std::int64_t rows);

 private:
  std::string label_;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace shikong::app
