// Zip extraction that trusts nothing in the archive: names, types and sizes are checked before a
// byte is written, and every file is created fresh (O_EXCL | O_NOFOLLOW) inside a private
// directory.
#include "ingest/readers/gdal/safe_zip.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <vector>

#include "core/error.hpp"
#include "core/log.hpp"

namespace shikong::ingest {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxDepth = 32;
constexpr std::size_t kMaxComponent = 255;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

[[noreturn]] void invalid_archive(std::string_view why) {
  log::warn("zip: refused archive: {}", why);
  throw InvalidInput("invalid-archive", "The archive is damaged or is not a zip file.", "file");
}

[[noreturn]] void unsafe_entry(std::string_view name, std::string_view why) {
  log::warn("zip: unsafe entry '{}': {}", name.substr(0, 200), why);
  throw InvalidInput("unsafe-archive-entry",
                     "The archive holds an entry that could write outside its folder (an absolute "
                     "path, '..', or a link); it was refused.",
                     "file");
}

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

// Splits an entry name into the components it will be written under. '\' is checked as a
// separator too (archives made on Windows), but kept as an ordinary character when writing: in
// GBK names 0x5C is also a trail byte.
std::vector<std::string> safe_components(const std::string& name) {
  if (name.empty()) unsafe_entry(name, "empty name");
  if (name.front() == '/' || name.front() == '\\') unsafe_entry(name, "absolute path");
  if (name.size() >= 2 && name[1] == ':' && std::isalpha(static_cast<unsigned char>(name[0])))
    unsafe_entry(name, "drive letter");
  std::size_t start = 0;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '/' || name[i] == '\\') {
      if (std::string_view(name).substr(start, i - start) == "..")
        unsafe_entry(name, "parent reference");
      start = i + 1;
    }
  }
  std::vector<std::string> parts;
  start = 0;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '/') {
      std::string part = name.substr(start, i - start);
      start = i + 1;
      if (part.empty() || part == ".") continue;
      if (part.size() > kMaxComponent) unsafe_entry(name, "component too long");
      parts.push_back(std::move(part));
    }
  }
  if (parts.size() > kMaxDepth) unsafe_entry(name, "too deep");
  return parts;
}

bool is_macos_metadata(const std::vector<std::string>& parts) {
  return (!parts.empty() && parts.front() == "__MACOSX") ||
         (!parts.empty() && parts.back().starts_with("._"));
}

struct Entry {
  zip_uint64_t index = 0;
  std::vector<std::string> parts;
  bool directory = false;
  zip_uint64_t size = 0;
};

void write_entry(zip_t* za, const Entry& e, const fs::path& target) {
  std::unique_ptr<zip_file_t, ZipFileCloser> zf(zip_fopen_index(za, e.index, 0));
  if (!zf) invalid_archive(zip_error_strerror(zip_get_error(za)));
  int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST || errno == ELOOP || errno == EISDIR || errno == ENOTDIR)
      unsafe_entry(e.parts.back(), "duplicate or conflicting name");
    log::error("zip: cannot create {}: {}", target.string(), std::strerror(errno));
    throw InternalError("extract-failed", "The archive could not be unpacked on the server.");
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  std::array<char, 1 << 16> buf;
  zip_uint64_t written = 0;
  for (;;) {
    zip_int64_t n = zip_fread(zf.get(), buf.data(), buf.size());
    if (n < 0) invalid_archive(zip_file_strerror(zf.get()));
    if (n == 0) break;
    written += static_cast<zip_uint64_t>(n);
    // The declared size was checked against the limits; data that runs past it is a lie.
    if (written > e.size) invalid_archive("entry longer than its declared size");
    const char* p = buf.data();
    auto left = static_cast<std::size_t>(n);
    while (left > 0) {
      ssize_t w = ::write(fd, p, left);
      if (w < 0) {
        if (errno == EINTR) continue;
        log::error("zip: write to {} failed: {}", target.string(), std::strerror(errno));
        throw InternalError("extract-failed", "The archive could not be unpacked on the server.");
      }
      p += w;
      left -= static_cast<std::size_t>(w);
    }
  }
  if (written != e.size) invalid_archive("entry shorter than its declared size");
}

}  // namespace

TempDir& TempDir::operator=(TempDir&& o) noexcept {
  if (this != &o) {
    TempDir old(std::move(*this));
    path_ = std::move(o.path_);
    o.path_.clear();
  }
  return *this;
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
  if (ec) log::warn("could not remove temporary directory {}: {}", path_.string(), ec.message());
}

TempDir TempDir::create(const fs::path& parent, std::string_view prefix) {
  std::error_code ec;
  fs::path base = parent.empty() ? fs::temp_directory_path(ec) : parent;
  if (ec) base = "/tmp";
  std::string templ = (base / (std::string(prefix) + "XXXXXX")).string();
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) {
    log::error("cannot create a temporary directory in {}: {}", base.string(),
               std::strerror(errno));
    throw InternalError("temp-dir-failed", "The server could not create a working directory.");
  }
  return TempDir(fs::path(buf.data()));
}

TempDir extract_zip(const fs::path& archive, const fs::path& parent, const ZipLimits& limits) {
  int err = 0;
  std::unique_ptr<zip_t, ZipCloser> za(zip_open(archive.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &err));
  if (!za) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, err);
    std::string why = zip_error_strerror(&ze);
    zip_error_fini(&ze);
    invalid_archive(why);
  }
  zip_int64_t count = zip_get_num_entries(za.get(), 0);
  if (count < 0) invalid_archive("no entry count");
  if (static_cast<std::uint64_t>(count) > limits.max_entries)
    throw InvalidInput("archive-too-many-entries",
                       fmt::format("The archive holds more than {} files.", limits.max_entries),
                       "file");

  // First pass: check every entry before anything is written.
  std::vector<Entry> entries;
  std::uint64_t total = 0;
  for (zip_uint64_t i = 0; i < static_cast<zip_uint64_t>(count); ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za.get(), i, ZIP_FL_ENC_RAW, &st) != 0) invalid_archive("stat failed");
    constexpr zip_uint64_t need = ZIP_STAT_NAME | ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE |
                                  ZIP_STAT_COMP_METHOD | ZIP_STAT_ENCRYPTION_METHOD;
    if ((st.valid & need) != need) invalid_archive("incomplete entry header");
    std::string name = st.name;
    Entry e;
    e.index = i;
    e.parts = safe_components(name);
    e.directory = name.back() == '/' || name.back() == '\\';
    e.size = st.size;

    zip_uint8_t opsys = 0;
    zip_uint32_t attributes = 0;
    if (zip_file_get_external_attributes(za.get(), i, 0, &opsys, &attributes) != 0)
      invalid_archive("attributes unreadable");
    if (opsys == ZIP_OPSYS_UNIX) {
      mode_t type = (attributes >> 16) & S_IFMT;
      if (type == S_IFLNK) unsafe_entry(name, "symbolic link");
      if (type != 0 && type != S_IFREG && type != S_IFDIR) unsafe_entry(name, "special file");
      if (type == S_IFDIR) e.directory = true;
    }
    if (st.encryption_method != ZIP_EM_NONE)
      throw InvalidInput("encrypted-archive", "Encrypted archives cannot be imported.", "file");
    if (!e.directory && !zip_compression_method_supported(st.comp_method, 0))
      invalid_archive("unsupported compression method");

    total += st.size;
    if (total > limits.max_total_bytes || st.size > limits.max_total_bytes)
      throw PayloadTooLarge("archive-too-large",
                            "The archive unpacks to more data than the server accepts.");
    if (st.size > limits.ratio_floor &&
        st.size / std::max<zip_uint64_t>(st.comp_size, 1) > limits.max_ratio)
      throw PayloadTooLarge("archive-too-large",
                            "The archive is compressed more than real data can be (a zip bomb).");
    if (e.parts.empty()) continue;  // "./" and the like
    if (is_macos_metadata(e.parts)) continue;
    entries.push_back(std::move(e));
  }

  // Second pass: write into a directory nobody else can see. Names were checked above and the
  // directory holds no links, so every path stays inside it.
  TempDir dir = TempDir::create(parent, "shikong-zip-");
  for (const Entry& e : entries) {
    fs::path target = dir.path();
    for (const auto& p : e.parts) target /= p;
    std::error_code ec;
    fs::path folder = e.directory ? target : target.parent_path();
    fs::create_directories(folder, ec);
    if (ec || !fs::is_directory(fs::symlink_status(folder)))
      unsafe_entry(e.parts.back(), "a file and a folder share a name");
    if (!e.directory) write_entry(za.get(), e, target);
  }
  return dir;
}

namespace {

int format_rank(const std::string& format) {
  if (format == "geojson") return 1;
  if (format == "csv") return 2;
  return 0;  // formats only GDAL reads, which are a dataset's main file
}

bool has_sibling(const fs::path& file, const std::string& ext) {
  std::string stem = lower(file.stem().string());
  std::error_code ec;
  for (const auto& de : fs::directory_iterator(file.parent_path(), ec)) {
    const fs::path& p = de.path();
    if (lower(p.extension().string()) == ext && lower(p.stem().string()) == stem &&
        de.is_regular_file(ec))
      return true;
  }
  return false;
}

}  // namespace

ArchiveDataset find_archive_dataset(const fs::path& dir) {
  std::vector<ArchiveDataset> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    std::string ext = lower(p.extension().string());
    if (it->is_symlink(ec)) continue;
    if (it->is_directory(ec)) {
      if (ext == ".gdb") {
        found.push_back({p, "filegdb"});
        it.disable_recursion_pending();
      }
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    std::string format;
    if (ext == ".shp")
      format = "shapefile";
    else if (ext == ".gpkg")
      format = "gpkg";
    else if (ext == ".kml")
      format = "kml";
    else if (ext == ".gpx")
      format = "gpx";
    else if (ext == ".geojson" || ext == ".json")
      format = "geojson";
    else if (ext == ".csv")
      format = "csv";
    else if (ext == ".fgb")
      format = "fgb";
    else if (ext == ".tab" || ext == ".mif")
      format = "mapinfo";
    if (!format.empty()) found.push_back({p, format});
  }
  if (ec) {
    log::error("zip: cannot list {}: {}", dir.string(), ec.message());
    throw InternalError("extract-failed", "The archive could not be unpacked on the server.");
  }
  // A KMZ names its main document doc.kml; other .kml files are what it links to.
  auto doc = std::find_if(found.begin(), found.end(), [&](const ArchiveDataset& d) {
    return d.format == "kml" && lower(d.path.filename().string()) == "doc.kml";
  });
  if (doc != found.end()) {
    ArchiveDataset keep = *doc;
    std::erase_if(found, [](const ArchiveDataset& d) { return d.format == "kml"; });
    found.push_back(keep);
  }
  if (found.empty())
    throw InvalidInput("no-dataset-in-archive",
                       "The archive holds no file shikong can import (.shp, .gpkg, .kml, .gpx, "
                       ".geojson, .csv, ...).",
                       "file");
  int best = 3;
  for (const auto& d : found) best = std::min(best, format_rank(d.format));
  std::erase_if(found, [&](const ArchiveDataset& d) { return format_rank(d.format) != best; });
  if (found.size() > 1)
    throw InvalidInput("ambiguous-archive",
                       "The archive holds more than one dataset; upload them one at a time.",
                       "file");
  ArchiveDataset ds = found.front();
  if (ds.format == "shapefile") {
    if (!has_sibling(ds.path, ".dbf"))
      throw InvalidInput("incomplete-shapefile", "The shapefile has no .dbf file.", "file");
    if (!has_sibling(ds.path, ".shx"))
      throw InvalidInput("incomplete-shapefile", "The shapefile has no .shx file.", "file");
  }
  return ds;
}

bool looks_like_zip(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char head[4] = {};
  in.read(head, 4);
  if (in.gcount() != 4) return false;
  return std::memcmp(head, "PK\x03\x04", 4) == 0 || std::memcmp(head, "PK\x05\x06", 4) == 0;
}

}  // namespace shikong::ingest
