// Periodic tasks: a wait on a condition variable, so stop() ends the wait at once.
#include "app/periodic.hpp"

#include "core/error.hpp"
#include "core/log.hpp"

namespace shikong::app {

Periodic::Periodic(std::string name, std::chrono::milliseconds every, std::function<void()> task)
    : name_(std::move(name)), every_(every), task_(std::move(task)) {
  thread_ = std::thread([this] { loop(); });
}

Periodic::~Periodic() {
  stop();
}

void Periodic::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Periodic::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (wake_.wait_for(lock, every_, [this] { return stopping_; })) break;
    lock.unlock();
    try {
      task_();
    } catch (const Error& e) {
      log::warn("{}: {} ({})", name_, e.detail(), e.code());
    } catch (const std::exception& e) {
      log::warn("{}: unexpected failure: {}", name_, e.what());
    }
    lock.lock();
  }
}

}  // namespace shikong::app
