// A per-file pool of SQLite connections handed out by lease.
#include "storage/sqlite/connection_pool.hpp"

namespace shikong::storage::sqlite {

ConnectionPool::Lease& ConnectionPool::Lease::operator=(Lease&& o) noexcept {
  if (this != &o) {
    release();
    shared_ = std::move(o.shared_);
    key_ = std::move(o.key_);
    db_ = std::move(o.db_);
  }
  return *this;
}

void ConnectionPool::Lease::release() {
  if (!db_ || !shared_) return;
  std::unique_ptr<Db> closing;  // closed outside the lock
  {
    std::lock_guard lock(shared_->mutex);
    auto& idle = shared_->idle[key_];
    if (shared_->retired.count(key_) == 0 && idle.size() < shared_->max_idle)
      idle.push_back(std::move(db_));
    else
      closing = std::move(db_);
  }
}

ConnectionPool::ConnectionPool(Factory factory, std::size_t max_idle_per_file)
    : factory_(std::move(factory)), shared_(std::make_shared<Shared>()) {
  shared_->max_idle = max_idle_per_file;
}

ConnectionPool::Lease ConnectionPool::acquire(const std::filesystem::path& path) {
  Lease lease;
  lease.shared_ = shared_;
  lease.key_ = path.string();
  {
    std::lock_guard lock(shared_->mutex);
    auto it = shared_->idle.find(lease.key_);
    if (it != shared_->idle.end() && !it->second.empty()) {
      lease.db_ = std::move(it->second.back());
      it->second.pop_back();
      return lease;
    }
  }
  lease.db_ = factory_(path);
  return lease;
}

void ConnectionPool::retire(const std::filesystem::path& path) {
  std::vector<std::unique_ptr<Db>> closing;
  std::lock_guard lock(shared_->mutex);
  auto key = path.string();
  shared_->retired.insert(key);
  auto it = shared_->idle.find(key);
  if (it != shared_->idle.end()) {
    closing = std::move(it->second);
    shared_->idle.erase(it);
  }
}

}  // namespace shikong::storage::sqlite
