#include "app/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace shikong::app {

ProgressPrinter::ProgressPrinter(std::string label)
    : label_(std::move(label)),
      tty_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void ProgressPrinter::update(std::int64_t rows, std::uint64_t done, std::uint64_t total) {
  auto now = std::chrono::steady_clock::now();
  auto since_last = now - last_;
  if (since_last < (tty_ ? std::chrono::milliseconds(100) : std::chrono::seconds(2))) return;
  last_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  double rate = secs > 0 ? static_cast<double>(rows) / secs : 0;
  std::string eta = "?";
  double fraction = total ? static_cast<double>(done) / static_cast<double>(total) : 0;
  if (total && fraction > 0.001) {
    double remaining = secs / fraction - secs;
    eta = fmt::format("{}:{:02d}", static_cast<int>(remaining) / 60,
                      static_cast<int>(remaining) % 60);
  }
  if (tty_) {
    constexpr int width = 30;
    int filled = static_cast<int>(fraction * width);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(width, '.');
    std::fprintf(stderr, "\r%s [%s] %3.0f%% %lld rows, %.0f rows/s, ETA %s   ", label_.c_str(),
                 bar.c_str(), fraction * 100, static_cast<long long>(rows), rate, eta.c_str());
  } else {
    std::fprintf(stderr, "%s: %lld rows, %.0f rows/s, %.0f%%, ETA %s\n", label_.c_str(),
                 static_cast<long long>(rows), rate, fraction * 100, eta.c_str());
  }
  std::fflush(stderr);
}

void ProgressPrinter::finish(std::int64_t rows) {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (tty_) std::fputc('\n', stderr);
  std::fprintf(stderr, "%s: %lld rows in %.2f s (%.0f rows/s)\n", label_.c_str(),
               static_cast<long long>(rows), secs,
               secs > 0 ? static_cast<double>(rows) / secs : 0.0);
}

}  // namespace shikong::app
