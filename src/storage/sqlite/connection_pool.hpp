// Connections are not shared between threads: a pool hands each caller its own connection for
// the duration of a lease, keeping a few idle ones per file for reuse.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "storage/sqlite/sqlite_db.hpp"

namespace shikong::storage::sqlite {

class ConnectionPool {
  struct Shared;

 public:
  using Factory = std::function<std::unique_ptr<Db>(const std::filesystem::path&)>;

  class Lease {
   public:
    Lease() = default;
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&& o) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { release(); }
    Db& operator*() const { return *db_; }
    Db* operator->() const { return db_.get(); }
    // Closes the connection instead of returning it (after an error left it in doubt).
    void discard() { db_.reset(); }

   private:
    friend class ConnectionPool;
    void release();
    std::shared_ptr<Shared> shared_;
    std::string key_;
    std::unique_ptr<Db> db_;
  };

  ConnectionPool(Factory factory, std::size_t max_idle_per_file);
  Lease acquire(const std::filesystem::path& path);
  // The file is gone or replaced: idle connections to it close now, leased ones on release.
  void retire(const std::filesystem::path& path);

 private:
  struct Shared {
    std::mutex mutex;
    std::map<std::string, std::vector<std::unique_ptr<Db>>> idle;
    std::set<std::string> retired;
    std::size_t max_idle = 4;
  };
  Factory factory_;
  std::shared_ptr<Shared> shared_;
};

}  // namespace shikong::storage::sqlite
