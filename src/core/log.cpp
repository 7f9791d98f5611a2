// Default sink writes to stderr until app/ installs spdlog.
#include "core/log.hpp"

#include <cstdio>
#include <mutex>

namespace shikong::log {
namespace {
std::mutex g_mutex;
Sink g_sink;
}  // namespace

void set_sink(Sink sink) {
  std::lock_guard lock(g_mutex);
  g_sink = std::move(sink);
}

void write(Level level, std::string_view message) {
  Sink sink;
  {
    std::lock_guard lock(g_mutex);
    sink = g_sink;
  }
  if (sink) return sink(level, message);
  if (level == Level::debug) return;
  std::fprintf(stderr, "%.*s\n", static_cast<int>(message.size()), message.data());
}

}  // namespace shikong::log
