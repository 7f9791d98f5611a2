// Periodic tasks: they run again and again, a failing run does not end them, and stop() ends
// them for good.
#include "app/periodic.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>

#include "core/error.hpp"

namespace shikong::app {
namespace {

TEST(Periodic, RunsRepeatedlyThroughFailuresUntilStopped) {
  std::mutex m;
  std::condition_variable cv;
  int runs = 0;
  Periodic task("test task", std::chrono::milliseconds(1), [&] {
    int run = 0;
    {
      std::lock_guard lock(m);
      run = ++runs;
    }
    cv.notify_all();
    if (run == 1) throw InternalError("test-failure", "the first run fails");
    if (run == 2) throw std::runtime_error("so does the second");
  });
  {
    std::unique_lock lock(m);
    // Liveness only (no speed asserted): three runs despite the two failures.
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return runs >= 3; }));
  }
  task.stop();
  int after_stop = 0;
  {
    std::lock_guard lock(m);
    after_stop = runs;
  }
  task.stop();  // a second stop is harmless
  std::lock_guard lock(m);
  EXPECT_EQ(runs, after_stop);
}

TEST(Periodic, StopEndsTheWaitAtOnce) {
  std::atomic<int> runs{0};
  Periodic task("idle task", std::chrono::hours(1), [&] { ++runs; });
  task.stop();  // returns although the first run is an hour away
  EXPECT_EQ(runs.load(), 0);
}

}  // namespace
}  // namespace shikong::app
