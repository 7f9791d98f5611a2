// Multipart parser: a small state machine over a sliding buffer. The stream is read as if it
// began with CRLF, so every boundary, the first included, is the delimiter "\r\n--" + boundary.
#include "protocol/multipart.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <random>

#include "core/error.hpp"
#include "core/log.hpp"
#include "protocol/query.hpp"

namespace shikong::protocol {
namespace {

constexpr std::size_t kReadChunk = 64 * 1024;

[[noreturn]] void malformed(const char* detail) {
  throw InvalidInput("invalid-multipart", detail);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_bchar(char c) {
  // RFC 2046 bcharsnospace plus space.
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

// Splits "value; a=b; c=\"d;e\"" into the first value and lower-cased parameters; quoted strings
// may contain ';' and backslash escapes.
struct HeaderValue {
  std::string value;
  std::map<std::string, std::string, std::less<>> params;
};

HeaderValue parse_header_value(std::string_view s) {
  HeaderValue out;
  std::size_t i = s.find(';');
  out.value = std::string(trim(s.substr(0, i)));
  while (i != std::string_view::npos && i < s.size()) {
    ++i;  // past ';'
    const std::size_t eq = s.find('=', i);
    const std::size_t semi = s.find(';', i);
    if (eq == std::string_view::npos || (semi != std::string_view::npos && semi < eq)) {
      i = semi;
      continue;
    }
    std::string name(trim(s.substr(i, eq - i)));
    for (char& c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    std::size_t j = eq + 1;
    while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
    std::string value;
    if (j < s.size() && s[j] == '"') {
      ++j;
      bool closed = false;
      while (j < s.size()) {
        const char c = s[j++];
        if (c == '\\' && j < s.size()) {
          value.push_back(s[j++]);
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          value.push_back(c);
        }
      }
      if (!closed) malformed("A part header has an unterminated quoted string.");
      i = s.find(';', j);
    } else {
      const std::size_t end = s.find(';', j);
      value = std::string(trim(s.substr(j, end == std::string_view::npos ? s.npos : end - j)));
      i = end;
    }
    out.params.insert_or_assign(std::move(name), std::move(value));
  }
  return out;
}

// RFC 8187 ext-value: charset'language'percent-encoded.
std::optional<std::string> decode_ext_value(std::string_view v) {
  const std::size_t q1 = v.find('\'');
  if (q1 == std::string_view::npos) return std::nullopt;
  const std::size_t q2 = v.find('\'', q1 + 1);
  if (q2 == std::string_view::npos) return std::nullopt;
  try {
    return percent_decode(v.substr(q2 + 1), false, "invalid-multipart");
  } catch (const InvalidInput&) {
    return std::nullopt;
  }
}

// A short, safe extension from the client's filename: letters and digits only, lower case.
std::string safe_extension(std::string_view filename) {
  const std::size_t dot = filename.rfind('.');
  if (dot == std::string_view::npos) return {};
  std::string ext;
  for (const char c : filename.substr(dot + 1)) {
    if (ext.size() == 8) return {};
    if (c >= 'A' && c <= 'Z') {
      ext.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      ext.push_back(c);
    } else {
      return {};
    }
  }
  return ext;
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

// Creates a new file with a random name in `dir`; never opens an existing one.
FilePtr create_unique(const std::filesystem::path& dir, std::string_view ext,
                      std::filesystem::path& path) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  for (int attempt = 0; attempt < 16; ++attempt) {
    char name[40];
    std::snprintf(name, sizeof name, "part-%016llx", static_cast<unsigned long long>(rng()));
    std::string file_name = name;
    if (!ext.empty()) {
      file_name.push_back('.');
      file_name.append(ext);
    }
    path = dir / file_name;
    FilePtr f(std::fopen(path.c_str(), "wbx"));
    if (f) return f;
    if (errno != EEXIST) break;
  }
  log::error("multipart: cannot create a file in {}", dir.string());
  throw InternalError("upload-write-failed", "The server could not store the uploaded file.");
}

using ReadFn = std::function<std::size_t(char*, std::size_t)>;

class Parser {
 public:
  Parser(ReadFn read, std::string boundary, const std::filesystem::path& out_dir,
         const MultipartLimits& limits)
      : read_(std::move(read)), delim_("\r\n--" + boundary), out_dir_(out_dir), limits_(limits) {
    buf_ = "\r\n";
  }

  MultipartForm run() {
    try {
      parse();
    } catch (...) {
      out_.reset();
      std::error_code ec;
      for (const auto& f : form_.files) std::filesystem::remove(f.path, ec);
      throw;
    }
    return std::move(form_);
  }

 private:
  bool fill() {
    if (eof_) return false;
    if (p_ > 0) {
      buf_.erase(0, p_);
      p_ = 0;
    }
    const std::size_t old = buf_.size();
    buf_.resize(old + kReadChunk);
    const std::size_t n = read_(buf_.data() + old, kReadChunk);
    buf_.resize(old + n);
    if (n == 0) eof_ = true;
    return n > 0;
  }

  bool need(std::size_t n) {
    while (buf_.size() - p_ < n) {
      if (!fill()) return false;
    }
    return true;
  }

  void parse() {
    // Preamble: skip to the first delimiter.
    while (true) {
      const std::size_t pos = buf_.find(delim_, p_);
      if (pos != std::string::npos) {
        p_ = pos + delim_.size();
        break;
      }
      if (buf_.size() - p_ >= delim_.size()) p_ = buf_.size() - (delim_.size() - 1);
      if (!fill()) malformed("The multipart body has no boundary.");
    }
    while (true) {
      if (!need(2)) malformed("The multipart body ends without its closing boundary.");
      if (buf_.compare(p_, 2, "--") == 0) return;  // close delimiter; the epilogue is ignored
      // Transport padding, then CRLF.
      while (true) {
        if (!need(1)) malformed("The multipart body ends without its closing boundary.");
        if (buf_[p_] != ' ' && buf_[p_] != '\t') break;
        ++p_;
      }
      if (!need(2) || buf_.compare(p_, 2, "\r\n") != 0) {
        malformed("A multipart boundary is not followed by a line break.");
      }
      p_ += 2;
      if (++parts_ > limits_.max_parts) {
        throw InvalidInput("too-many-parts", "The multipart body has too many parts.");
      }
      read_part();
    }
  }

  void read_part() {
    // The header block ends at an empty line.
    std::string headers;
    if (!need(2)) malformed("The multipart body ends inside a part header.");
    if (buf_.compare(p_, 2, "\r\n") == 0) {
      p_ += 2;
    } else {
      while (true) {
        const std::size_t end = buf_.find("\r\n\r\n", p_);
        if (end != std::string::npos && end - p_ <= limits_.max_header_size) {
          headers.assign(buf_, p_, end - p_);
          p_ = end + 4;
          break;
        }
        if (buf_.size() - p_ > limits_.max_header_size + 4) {
          malformed("A multipart part header is too long.");
        }
        if (!fill()) malformed("The multipart body ends inside a part header.");
      }
    }
    std::string name;
    std::optional<std::string> filename;
    std::string content_type;
    bool form_data = false;
    std::size_t start = 0;
    while (start < headers.size()) {
      std::size_t end = headers.find("\r\n", start);
      if (end == std::string::npos) end = headers.size();
      const std::string_view line(headers.data() + start, end - start);
      start = end + 2;
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) malformed("A multipart part header line has no ':'.");
      const std::string_view hname = trim(line.substr(0, colon));
      const std::string_view hvalue = trim(line.substr(colon + 1));
      if (iequals(hname, "Content-Disposition")) {
        const HeaderValue hv = parse_header_value(hvalue);
        form_data = iequals(hv.value, "form-data");
        if (const auto it = hv.params.find("name"); it != hv.params.end()) name = it->second;
        if (const auto it = hv.params.find("filename"); it != hv.params.end()) {
          filename = it->second;
        }
        if (const auto it = hv.params.find("filename*"); it != hv.params.end()) {
          if (auto decoded = decode_ext_value(it->second)) filename = std::move(decoded);
        }
      } else if (iequals(hname, "Content-Type")) {
        content_type = std::string(hvalue);
      }
    }
    if (!form_data || name.empty()) {
      malformed("A multipart part lacks a form-data Content-Disposition with a name.");
    }

    if (filename) {
      if (form_.files.size() == limits_.max_files) {
        throw InvalidInput("too-many-parts", "The multipart body has too many files.");
      }
      UploadedFile file;
      file.field = std::move(name);
      file.filename = std::move(*filename);
      file.content_type = std::move(content_type);
      out_ = create_unique(out_dir_, safe_extension(file.filename), file.path);
      form_.files.push_back(std::move(file));
      read_body([this](const char* data, std::size_t n) {
        UploadedFile& f = form_.files.back();
        if (n > limits_.max_file_size - f.size) {
          throw PayloadTooLarge("upload-too-large", "An uploaded file is larger than allowed.");
        }
        if (std::fwrite(data, 1, n, out_.get()) != n) {
          log::error("multipart: write to {} failed", f.path.string());
          throw InternalError("upload-write-failed",
                              "The server could not store the uploaded file.");
        }
        f.size += n;
      });
      if (std::fflush(out_.get()) != 0 || std::fclose(out_.release()) != 0) {
        log::error("multipart: closing {} failed", form_.files.back().path.string());
        throw InternalError("upload-write-failed", "The server could not store the uploaded file.");
      }
    } else {
      std::string value;
      read_body([&](const char* data, std::size_t n) {
        if (n > limits_.max_field_size - value.size()) {
          throw PayloadTooLarge("field-too-large", "A form field is larger than allowed.");
        }
        value.append(data, n);
      });
      form_.fields.insert_or_assign(std::move(name), std::move(value));
    }
  }

  // Passes the part's content to `sink` up to the next delimiter, which it consumes.
  template <typename Sink>
  void read_body(Sink&& sink) {
    while (true) {
      const std::size_t pos = buf_.find(delim_, p_);
      if (pos != std::string::npos) {
        if (pos > p_) sink(buf_.data() + p_, pos - p_);
        p_ = pos + delim_.size();
        return;
      }
      // Everything but a possible partial delimiter at the end is content.
      if (buf_.size() - p_ >= delim_.size()) {
        const std::size_t safe = buf_.size() - (delim_.size() - 1);
        sink(buf_.data() + p_, safe - p_);
        p_ = safe;
      }
      if (!fill()) malformed("The multipart body ends without its closing boundary.");
    }
  }

  ReadFn read_;
  std::string delim_;
  std::filesystem::path out_dir_;
  MultipartLimits limits_;
  std::string buf_;
  std::size_t p_ = 0;
  bool eof_ = false;
  std::size_t parts_ = 0;
  FilePtr out_;
  MultipartForm form_;
};

}  // namespace

std::optional<std::string_view> MultipartForm::field(std::string_view name) const {
  const auto it = fields.find(name);
  if (it == fields.end()) return std::nullopt;
  return std::string_view(it->second);
}

const UploadedFile* MultipartForm::file(std::string_view field_name) const {
  for (const auto& f : files) {
    if (f.field == field_name) return &f;
  }
  return nullptr;
}

std::string multipart_boundary(std::string_view content_type) {
  const HeaderValue hv = parse_header_value(content_type);
  if (!iequals(hv.value, "multipart/form-data")) {
    throw InvalidInput("invalid-multipart", "The request body is not multipart/form-data.");
  }
  const auto it = hv.params.find("boundary");
  if (it == hv.params.end() || it->second.empty() || it->second.size() > 70 ||
      it->second.back() == ' ' || !std::all_of(it->second.begin(), it->second.end(), is_bchar)) {
    malformed("The multipart/form-data Content-Type has no valid boundary.");
  }
  return it->second;
}

MultipartForm parse_multipart(const std::filesystem::path& body_file, std::string_view content_type,
                              const std::filesystem::path& out_dir, const MultipartLimits& limits) {
  std::string boundary = multipart_boundary(content_type);
  FilePtr in(std::fopen(body_file.c_str(), "rb"));
  if (!in) {
    log::error("multipart: cannot open spooled body {}", body_file.string());
    throw InternalError("upload-read-failed", "The server could not read the uploaded body.");
  }
  std::FILE* f = in.get();
  Parser parser(
      [f](char* data, std::size_t n) {
        const std::size_t got = std::fread(data, 1, n, f);
        if (got == 0 && std::ferror(f)) {
          throw InternalError("upload-read-failed", "The server could not read the uploaded body.");
        }
        return got;
      },
      std::move(boundary), out_dir, limits);
  return parser.run();
}

MultipartForm parse_multipart_string(std::string_view body, std::string_view content_type,
                                     const std::filesystem::path& out_dir,
                                     const MultipartLimits& limits) {
  std::string boundary = multipart_boundary(content_type);
  std::size_t offset = 0;
  Parser parser(
      [body, &offset](char* data, std::size_t n) {
        const std::size_t got = std::min(n, body.size() - offset);
        std::copy_n(body.data() + offset, got, data);
        offset += got;
        return got;
      },
      std::move(boundary), out_dir, limits);
  return parser.run();
}

MultipartForm parse_multipart(const Request& request, const std::filesystem::path& out_dir,
                              const MultipartLimits& limits) {
  const std::string_view content_type = request.header("Content-Type").value_or("");
  if (!request.body_file.empty()) {
    return parse_multipart(request.body_file, content_type, out_dir, limits);
  }
  return parse_multipart_string(request.body, content_type, out_dir, limits);
}

}  // namespace shikong::protocol
