// Fuzz target: the streaming multipart/form-data parser (uploads). Input is
// "<Content-Type>\n<body>". Checks the parser's promises: only typed errors, every file it
// reports exists in the output directory with its size, and on error nothing is left behind.
#include <cstdint>
#include <filesystem>

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "protocol/multipart.hpp"

using namespace shikong;

namespace {

std::size_t entries(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

void check_form(const protocol::MultipartForm& form, const std::filesystem::path& dir) {
  for (const auto& f : form.files) {
    fuzz::check(f.path.parent_path() == dir, "an uploaded file was written outside out_dir");
    std::error_code ec;
    auto size = std::filesystem::file_size(f.path, ec);
    fuzz::check(!ec && size == f.size, "an uploaded file's size differs from what was reported");
  }
  fuzz::check(entries(dir) == form.files.size(), "out_dir holds files the form does not list");
}

void run(std::string_view content_type, std::string_view body, bool from_file,
         const protocol::MultipartLimits& limits) {
  const std::filesystem::path dir = fuzz::scratch_dir() / "parts";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  try {
    protocol::MultipartForm form;
    if (from_file) {
      auto body_file = fuzz::write_scratch_file(
          "body.bin", reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
      form = protocol::parse_multipart(body_file, content_type, dir, limits);
    } else {
      form = protocol::parse_multipart_string(body, content_type, dir, limits);
    }
    check_form(form, dir);
  } catch (const InvalidInput&) {
    fuzz::check(entries(dir) == 0, "files were left behind after invalid input");
  } catch (const PayloadTooLarge&) {
    fuzz::check(entries(dir) == 0, "files were left behind after a size limit");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  std::size_t nl = text.find('\n');
  if (nl == std::string_view::npos) return 0;
  std::string_view content_type = text.substr(0, nl);
  std::string_view body = text.substr(nl + 1);
  try {
    (void)protocol::multipart_boundary(content_type);
  } catch (const InvalidInput&) {
  }
  run(content_type, body, false, {});
  protocol::MultipartLimits small;
  small.max_parts = 4;
  small.max_files = 2;
  small.max_field_size = 16;
  small.max_header_size = 128;
  small.max_file_size = 32;
  run(content_type, body, true, small);
  return 0;
}
