// The batch engine's worker pool (src/batch/pool.hpp, internal): every part runs exactly once per
// call, on distinct threads at the same time; concurrent callers never wait for one another;
// back-to-back calls lose no wake-up; a forked child gets workers of its own.
#include "batch/pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

using inovasi::detail::run_parts;

namespace {

// Runs `threads` parts and returns how many times each ran.
std::vector<int> run_counts(std::size_t threads) {
  std::vector<std::atomic<int>> ran(threads);
  auto part = [&](std::size_t i) { ran.at(i).fetch_add(1); };
  EXPECT_EQ(run_parts(threads, part), threads);
  std::vector<int> out;
  for (auto& r : ran) out.push_back(r.load());
  return out;
}

}  // namespace

TEST(ConcurrentPool, EveryPartRunsOnceWhateverTheThreadCount) {
  for (std::size_t t : {1, 2, 3, 7, 8, 2, 9, 1, 4}) {
    SCOPED_TRACE("threads " + std::to_string(t));
    EXPECT_EQ(run_counts(t), std::vector<int>(t, 1));
  }
}

TEST(ConcurrentPool, PartsRunOnDistinctThreadsAtTheSameTime) {
  // Each part waits until every part has started: this completes only if they all run at once.
  for (std::size_t t : {2, 4, 8}) {
    std::atomic<std::size_t> started{0};
    std::mutex m;
    std::set<std::thread::id> ids;
    auto part = [&](std::size_t) {
      {
        std::lock_guard lock(m);
        ids.insert(std::this_thread::get_id());
      }
      started.fetch_add(1);
      while (started.load() < t) std::this_thread::yield();
    };
    ASSERT_EQ(run_parts(t, part), t);
    EXPECT_EQ(ids.size(), t);
    EXPECT_EQ(ids.count(std::this_thread::get_id()), 1u) << "part 0 runs on the calling thread";
  }
}

TEST(ConcurrentPool, BackToBackCallsLoseNoWakeUp) {
  std::atomic<long> sum{0};
  auto part = [&](std::size_t i) { sum.fetch_add(static_cast<long>(i) + 1); };
  for (int call = 0; call < 5000; ++call) run_parts(2 + call % 3, part);
  // parts 0..t-1 add 1..t: t(t+1)/2 per call, t cycling over 2, 3, 4
  long expect = 0;
  for (int call = 0; call < 5000; ++call) {
    const long t = 2 + call % 3;
    expect += t * (t + 1) / 2;
  }
  EXPECT_EQ(sum.load(), expect);
}

TEST(ConcurrentPool, CallersOnSeveralThreadsAllComplete) {
  // Four callers at once: one has the pool, the others start threads of their own.
  std::vector<std::thread> callers;
  std::atomic<long> total{0};
  for (int c = 0; c < 4; ++c)
    callers.emplace_back([&, c] {
      for (int call = 0; call < 300; ++call) {
        std::vector<int> counts = run_counts(static_cast<std::size_t>(2 + (call + c) % 4));
        for (int n : counts) total.fetch_add(n);
      }
    });
  for (auto& t : callers) t.join();
  long expect = 0;
  for (int c = 0; c < 4; ++c)
    for (int call = 0; call < 300; ++call) expect += 2 + (call + c) % 4;
  EXPECT_EQ(total.load(), expect);
}

TEST(PoolFork, ChildProcessGetsWorkersOfItsOwn) {
  EXPECT_EQ(run_counts(3), std::vector<int>(3, 1));  // the parent's pool now has workers
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The parent's workers do not exist here: with them the call would never return.
    std::atomic<int> ran{0};
    std::atomic<std::size_t> started{0};
    auto part = [&](std::size_t) {
      ran.fetch_add(1);
      started.fetch_add(1);
      while (started.load() < 3) std::this_thread::yield();
    };
    const std::size_t used = run_parts(3, part);
    _exit(used == 3 && ran.load() == 3 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(run_counts(3), std::vector<int>(3, 1));  // and the parent's still works
}
