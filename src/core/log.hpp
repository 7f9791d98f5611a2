// Logging facade: engines log through these functions; app/ installs the real sink (spdlog).
#pragma once

#include <fmt/format.h>

#include <functional>
#include <string>
#include <string_view>

namespace shikong::log {

enum class Level { debug, info, warn, error };

using Sink = std::function<void(Level, std::string_view)>;
void set_sink(Sink sink);
void write(Level level, std::string_view message);

template <typename... Args>
void debug(fmt::format_string<Args...> f, Args&&... a) {
  write(Level::debug, fmt::format(f, std::forward<Args>(a)...));
}
template <typename... Args>
void info(fmt::format_string<Args...> f, Args&&... a) {
  write(Level::info, fmt::format(f, std::forward<Args>(a)...));
}
template <typename... Args>
void warn(fmt::format_string<Args...> f, Args&&... a) {
  write(Level::warn, fmt::format(f, std::forward<Args>(a)...));
}
template <typename... Args>
void error(fmt::format_string<Args...> f, Args&&... a) {
  write(Level::error, fmt::format(f, std::forward<Args>(a)...));
}

}  // namespace shikong::log
