// A task run every so often on its own thread until stopped (catalog refresh, usage flush,
// scheduled harvests). A failing run is logged and the next one still comes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace shikong::app {

class Periodic {
 public:
  Periodic(std::string name, std::chrono::milliseconds every, std::function<void()> task);
  ~Periodic();
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;
  // Waits for a run in progress to end; no run starts after this.
  void stop();

 private:
  void loop();

  std::string name_;
  std::chrono::milliseconds every_;
  std::function<void()> task_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace shikong::app
