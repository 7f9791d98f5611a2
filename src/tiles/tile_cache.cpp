// The tile cache: an LRU list bounded in bytes in front of a directory tree whose first level
// names the (dataset, version) pairs of the tiles below it, so that purging the other versions
// of a dataset is one listing of the root and a few directory removals.
#include "tiles/tile_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <functional>
#include <list>
#include <map>
#include <shared_mutex>
#include <system_error>
#include <unordered_map>

#include "core/log.hpp"

namespace shikong::tiles {
namespace {

namespace fs = std::filesystem;
// The (dataset id, version) pairs of a key, or of a first-level directory (ids made safe).
using Pairs = std::vector<std::pair<std::string, std::int64_t>>;

// A first-level directory name longer than this becomes "multi-<hash>" with a DATASETS file
// inside that lists its pairs (file names stop at 255 bytes).
constexpr std::size_t max_dataset_dir = 200;
constexpr std::string_view multi_prefix = "multi-";
constexpr std::string_view datasets_file = "DATASETS";
// Directories being removed; a leading '.' is never a dataset directory (see safe_component).
constexpr std::string_view trash_prefix = ".trash-";
// What an entry costs besides its bytes (list node, map node, key, shared_ptr control block).
constexpr std::size_t entry_overhead = 128;

std::string hex64(std::uint64_t v) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = digits[v & 0xf];
    v >>= 4;
  }
  return out;
}

// Letters, digits and "-_." stay ('@' too outside dataset ids, where it separates the id from
// the version); everything else becomes %XX. A leading '.' is escaped too, so that no component
// is "." or ".." or hidden. Empty -> "_".
std::string safe_component(std::string_view text, bool keep_at = true) {
  if (text.empty()) return "_";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || (c == '.' && i > 0) || (c == '@' && keep_at);
    if (keep) {
      out += static_cast<char>(c);
    } else {
      static constexpr char digits[] = "0123456789ABCDEF";
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 0xf];
    }
  }
  return out;
}

// "<id>@<version>" joined by '+', ids made safe.
std::string dataset_pairs(const TileKey& key) {
  std::string out;
  for (const auto& [id, version] : key.datasets) {
    if (!out.empty()) out += '+';
    out += safe_component(id, false);
    out += '@';
    out += std::to_string(version);
  }
  return out.empty() ? std::string("_") : out;
}

std::string dataset_dir(const TileKey& key) {
  std::string pairs = dataset_pairs(key);
  if (pairs.size() <= max_dataset_dir) return pairs;
  return std::string(multi_prefix) + hex64(fnv1a64(pairs));
}

// Parses "<id>@<version>+..." into (safe id, version) pairs; false if it is not of that form.
bool parse_pairs(std::string_view text, Pairs& out) {
  out.clear();
  while (!text.empty()) {
    auto plus = text.find('+');
    auto part = text.substr(0, plus);
    auto at = part.rfind('@');
    if (at == std::string_view::npos || at == 0) return false;
    std::int64_t version = 0;
    auto digits = part.substr(at + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), version);
    if (ec != std::errc() || end != digits.data() + digits.size()) return false;
    out.emplace_back(std::string(part.substr(0, at)), version);
    if (plus == std::string_view::npos) break;
    text.remove_prefix(plus + 1);
  }
  return !out.empty();
}

// One open, fstat and read into a string of the file's size: disk hits are a hot path.
// `absent` tells a file that is not there from one that cannot be read.
std::optional<std::string> read_whole_file(const fs::path& path, bool* absent = nullptr) {
  if (absent) *absent = false;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (absent) *absent = errno == ENOENT || errno == ENOTDIR;
    return std::nullopt;
  }
  std::optional<std::string> out;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t done = 0;
    bool failed = false;
    while (done < bytes.size()) {
      ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        failed = true;
        break;
      }
      if (n == 0) break;  // shorter than it was: not ours (we only rename whole files in)
      done += static_cast<std::size_t>(n);
    }
    if (!failed && done == bytes.size()) out = std::move(bytes);
  }
  ::close(fd);
  return out;
}

// The (safe id, version) pairs a first-level directory holds tiles of; false for anything else.
bool directory_pairs(const fs::path& dir, Pairs& pairs) {
  std::string name = dir.filename().string();
  if (name.compare(0, multi_prefix.size(), multi_prefix) == 0) {
    auto text = read_whole_file(dir / datasets_file);
    return text && parse_pairs(*text, pairs);
  }
  return parse_pairs(name, pairs);
}

void remove_tree(const fs::path& dir) {
  std::error_code rm;
  fs::remove_all(dir, rm);
  if (rm) log::warn("tile cache: cannot remove {} ({})", dir.string(), rm.message());
}

// Moves the first-level directories of `root` whose pairs are stale out of the way (a rename
// each, while writers wait) and returns where they went, to be removed after the lock is
// released: removing many files must not stall the requests that store tiles.
std::vector<fs::path> trash_directories(const fs::path& root,
                                        const std::function<bool(const Pairs&)>& stale) {
  static std::atomic<std::uint64_t> counter{0};
  std::error_code ec;
  fs::directory_iterator it(root, ec), end;
  if (ec) return {};
  // Listed first, moved after: changing entries while reading a directory is unspecified.
  std::vector<fs::path> doomed;
  Pairs pairs;
  for (; it != end; it.increment(ec)) {
    if (ec) break;
    if (directory_pairs(it->path(), pairs) && stale(pairs)) doomed.push_back(it->path());
  }
  std::vector<fs::path> trashed;
  for (const auto& dir : doomed) {
    fs::path to = root / (std::string(trash_prefix) + std::to_string(::getpid()) + "-" +
                          std::to_string(counter++));
    std::error_code mv;
    fs::rename(dir, to, mv);
    if (mv)
      remove_tree(dir);
    else
      trashed.push_back(std::move(to));
  }
  return trashed;
}

// Writes beside the target, then renames: a reader sees the whole tile or none.
bool write_atomically(const fs::path& path, std::string_view bytes) {
  static std::atomic<std::uint64_t> counter{0};
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return false;
  fs::path tmp = path;
  tmp += ".tmp" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      out.close();
      fs::remove(tmp, ec);
      return false;
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    return false;
  }
  return true;
}

}  // namespace

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string TileKey::relative_path() const {
  std::string out = dataset_dir(*this);
  out += '/';
  out += safe_component(style);
  out += '/';
  out += safe_component(tile_matrix_set);
  out += '/';
  out += safe_component(tile_matrix);
  out += '/';
  out += std::to_string(col);
  out += '/';
  out += std::to_string(row);
  if (!variant.empty()) {
    out += '~';
    out += hex64(fnv1a64(variant));
  }
  out += '.';
  out += safe_component(format);
  return out;
}

std::string TileKey::digest() const {
  // The variant goes in whole: relative_path() only has its hash.
  return hex64(fnv1a64(relative_path() + '\n' + variant));
}

struct TileCache::Impl {
  struct Entry {
    std::string path;  // relative_path(), the map key
    std::shared_ptr<const std::string> bytes;
    Pairs datasets;
    std::size_t cost = 0;
  };

  TileCacheSettings settings;

  mutable std::mutex mutex;  // the LRU, the floors and the counters
  std::list<Entry> lru;      // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index;
  std::size_t bytes = 0;
  TileCacheStats counters;
  // Versions below the floor of a dataset are no longer stored: a request that read the
  // dataset before a change must not leave its tiles behind after the purge.
  std::map<std::string, std::int64_t, std::less<>> floors;
  std::map<std::string, std::int64_t, std::less<>> highest_seen;

  // Disk writes hold it shared, purges exclusively: no tile of a purged version lands on disk
  // after its purge.
  std::shared_mutex disk_mutex;

  bool below_floor(const TileKey& key) const {
    for (const auto& [id, version] : key.datasets) {
      auto it = floors.find(id);
      if (it != floors.end() && version < it->second) return true;
    }
    return false;
  }

  void evict_to(std::size_t budget) {
    while (bytes > budget && !lru.empty()) {
      auto& last = lru.back();
      bytes -= last.cost;
      index.erase(last.path);
      lru.pop_back();
      ++counters.evictions;
    }
  }

  void remember(const std::string& path, const TileKey& key,
                std::shared_ptr<const std::string> data) {
    if (settings.memory_bytes == 0) return;
    std::size_t cost = data->size() + path.size() + entry_overhead;
    if (cost > settings.memory_bytes) return;
    if (auto it = index.find(path); it != index.end()) {
      bytes -= it->second->cost;
      lru.erase(it->second);
      index.erase(it);
    }
    lru.push_front(Entry{path, std::move(data), key.datasets, cost});
    index.emplace(path, lru.begin());
    bytes += cost;
    evict_to(settings.memory_bytes);
  }

  // Drops the memory entries whose (dataset, version) pairs `stale` says so.
  void drop_if(const std::function<bool(const Pairs&)>& stale) {
    for (auto it = lru.begin(); it != lru.end();) {
      if (stale(it->datasets)) {
        bytes -= it->cost;
        index.erase(it->path);
        it = lru.erase(it);
      } else {
        ++it;
      }
    }
  }

  void note_versions(const TileKey& key) {
    for (const auto& [id, version] : key.datasets) {
      auto [it, inserted] = highest_seen.emplace(id, version);
      if (!inserted && version > it->second) it->second = version;
    }
  }
};

TileCache::TileCache(TileCacheSettings settings) : impl_(std::make_shared<Impl>()) {
  impl_->settings = std::move(settings);
  if (impl_->settings.disk && impl_->settings.directory.empty()) impl_->settings.disk = false;
  if (impl_->settings.disk) {
    std::error_code ec;
    fs::create_directories(impl_->settings.directory, ec);
    if (ec) {
      log::warn("tile cache: cannot create {} ({}); tiles are cached in memory only",
                impl_->settings.directory.string(), ec.message());
      impl_->settings.disk = false;
      return;
    }
    // Removals an earlier process did not finish.
    std::vector<fs::path> leftovers;
    for (fs::directory_iterator it(impl_->settings.directory, ec), end; !ec && it != end;
         it.increment(ec))
      if (it->path().filename().string().rfind(trash_prefix, 0) == 0)
        leftovers.push_back(it->path());
    for (const auto& dir : leftovers) remove_tree(dir);
  }
}

std::shared_ptr<const std::string> TileCache::get(const TileKey& key, bool count_miss) {
  auto& im = *impl_;
  std::string path = key.relative_path();
  {
    std::lock_guard lock(im.mutex);
    if (auto it = im.index.find(path); it != im.index.end()) {
      im.lru.splice(im.lru.begin(), im.lru, it->second);
      ++im.counters.memory_hits;
      return it->second->bytes;
    }
  }
  if (im.settings.disk) {
    fs::path file = im.settings.directory / path;
    bool absent = false;
    if (auto data = read_whole_file(file, &absent)) {
      auto shared = std::make_shared<const std::string>(std::move(*data));
      std::lock_guard lock(im.mutex);
      ++im.counters.disk_hits;
      im.note_versions(key);
      if (!im.below_floor(key)) im.remember(path, key, shared);
      return shared;
    }
    if (!absent) log::warn("tile cache: cannot read {}; building the tile again", file.string());
  }
  if (count_miss) {
    std::lock_guard lock(im.mutex);
    ++im.counters.misses;
  }
  return nullptr;
}

void TileCache::put(const TileKey& key, std::shared_ptr<const std::string> bytes) {
  if (!bytes) return;
  auto& im = *impl_;
  std::string path = key.relative_path();
  std::shared_lock disk_lock(im.disk_mutex);
  {
    std::lock_guard lock(im.mutex);
    im.note_versions(key);
    if (im.below_floor(key)) return;
    ++im.counters.stores;
    im.remember(path, key, bytes);
  }
  if (!im.settings.disk) return;
  fs::path file = im.settings.directory / path;
  if (key.datasets.size() > 0 && path.compare(0, multi_prefix.size(), multi_prefix) == 0) {
    // The list of pairs of a long dataset directory, for purges.
    fs::path list = im.settings.directory / path.substr(0, path.find('/')) / datasets_file;
    std::error_code ec;
    if (!fs::exists(list, ec) && !write_atomically(list, dataset_pairs(key)))
      log::warn("tile cache: cannot write {}", list.string());
  }
  if (!write_atomically(file, *bytes)) log::warn("tile cache: cannot write {}", file.string());
}

void TileCache::purge_dataset(std::string_view dataset_id, std::int64_t current_version) {
  auto& im = *impl_;
  std::unique_lock disk_lock(im.disk_mutex);
  std::string id(dataset_id);
  auto stale = [&](const Pairs& pairs, const std::string& wanted) {
    for (const auto& [pid, version] : pairs)
      if (pid == wanted && (current_version < 0 || version != current_version)) return true;
    return false;
  };
  {
    std::lock_guard lock(im.mutex);
    std::int64_t floor = current_version;
    if (current_version < 0) {
      // Deleted: a dataset created again under this id gets a higher version.
      auto seen = im.highest_seen.find(id);
      floor = seen == im.highest_seen.end() ? 0 : seen->second + 1;
    }
    auto& f = im.floors[id];
    f = std::max(f, floor);
    im.drop_if([&](const Pairs& pairs) { return stale(pairs, id); });
  }
  if (!im.settings.disk) return;
  const std::string safe_id = safe_component(id, false);
  auto trashed = trash_directories(im.settings.directory,
                                   [&](const Pairs& pairs) { return stale(pairs, safe_id); });
  disk_lock.unlock();
  for (const auto& dir : trashed) remove_tree(dir);
}

void TileCache::retain(const std::vector<std::pair<std::string, std::int64_t>>& live) {
  auto& im = *impl_;
  std::unique_lock disk_lock(im.disk_mutex);
  std::map<std::string, std::int64_t, std::less<>> raw, safe;
  for (const auto& [id, version] : live) {
    raw[id] = version;
    safe[safe_component(id, false)] = version;
  }
  auto stale = [](const Pairs& pairs,
                  const std::map<std::string, std::int64_t, std::less<>>& current) {
    for (const auto& [id, version] : pairs) {
      auto it = current.find(id);
      if (it == current.end() || it->second != version) return true;
    }
    return false;
  };
  {
    std::lock_guard lock(im.mutex);
    im.drop_if([&](const Pairs& pairs) { return stale(pairs, raw); });
  }
  if (!im.settings.disk) return;
  auto trashed = trash_directories(im.settings.directory,
                                   [&](const Pairs& pairs) { return stale(pairs, safe); });
  disk_lock.unlock();
  for (const auto& dir : trashed) remove_tree(dir);
  if (!trashed.empty())
    log::info("tile cache: removed the tiles of {} older dataset versions", trashed.size());
}

TileCacheStats TileCache::stats() const {
  std::lock_guard lock(impl_->mutex);
  TileCacheStats s = impl_->counters;
  s.memory_bytes = impl_->bytes;
  s.memory_entries = impl_->lru.size();
  return s;
}

}  // namespace shikong::tiles
