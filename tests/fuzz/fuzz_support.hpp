// Shared by the fuzz targets: failing loudly when a parser breaks its contract, and a private
// scratch directory for parsers that read files or write uploads.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace shikong::fuzz {

// A contract violation that is not a sanitizer report (wrong exception type, a round trip that
// loses data): abort so libFuzzer saves the input.
[[noreturn]] inline void fail(std::string_view what) {
  std::fprintf(stderr, "fuzz contract violated: %.*s\n", static_cast<int>(what.size()),
               what.data());
  std::abort();
}

inline void check(bool ok, std::string_view what) {
  if (!ok) fail(what);
}

// One directory per process, removed at exit.
inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "shikong-fuzz-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) fail("cannot create a scratch directory");
    std::filesystem::path p(tmpl);
    static struct Remover {
      std::filesystem::path path;
      ~Remover() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
      }
    } remover{p};
    return p;
  }();
  return dir;
}

inline std::filesystem::path write_scratch_file(std::string_view name, const std::uint8_t* data,
                                                std::size_t size) {
  std::filesystem::path p = scratch_dir() / name;
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) fail("cannot write the scratch file");
  return p;
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace shikong::fuzz
