// Streaming multipart/form-data parser (RFC 7578) over a spooled upload: reads in chunks, writes
// file parts to generated names in a directory and keeps small text fields in memory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/request.hpp"

namespace shikong::protocol {

struct MultipartLimits {
  std::size_t max_parts = 64;
  std::size_t max_files = 16;
  std::size_t max_field_size = 64 * 1024;  // a text field; more is PayloadTooLarge
  std::size_t max_header_size = 8 * 1024;  // one part's header block
  std::uint64_t max_file_size = std::numeric_limits<std::uint64_t>::max();  // each file part
};

struct UploadedFile {
  std::string field;           // the form field's name
  std::string filename;        // as the client sent it: a label only, never used as a path
  std::string content_type;    // as the client sent it ("" when absent)
  std::filesystem::path path;  // our generated name inside the output directory
  std::uint64_t size = 0;
};

struct MultipartForm {
  std::map<std::string, std::string, std::less<>> fields;  // text fields (the last one wins)
  std::vector<UploadedFile> files;                         // in order of arrival

  std::optional<std::string_view> field(std::string_view name) const;
  const UploadedFile* file(std::string_view field_name) const;  // the first with that name
};

// The boundary parameter of a multipart/form-data Content-Type; throws
// InvalidInput("invalid-multipart") if the type is not multipart/form-data or the boundary is
// missing or not valid per RFC 2046.
std::string multipart_boundary(std::string_view content_type);

// Parses a body read from `body_file`. File parts are written to new files in `out_dir` with
// generated names (keeping only a short alphanumeric extension of the client's filename); on any
// error the files already written are removed. Malformed input (missing closing boundary, part
// without a form-data name, ...) throws InvalidInput("invalid-multipart"); too many parts
// InvalidInput("too-many-parts"); a field or file over its limit PayloadTooLarge.
MultipartForm parse_multipart(const std::filesystem::path& body_file, std::string_view content_type,
                              const std::filesystem::path& out_dir,
                              const MultipartLimits& limits = {});
// The same for a body held in memory.
MultipartForm parse_multipart_string(std::string_view body, std::string_view content_type,
                                     const std::filesystem::path& out_dir,
                                     const MultipartLimits& limits = {});
// Whichever of the request's body_file or body holds the upload.
MultipartForm parse_multipart(const Request& request, const std::filesystem::path& out_dir,
                              const MultipartLimits& limits = {});

}  // namespace shikong::protocol
