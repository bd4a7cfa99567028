#include "batch/pool.hpp"

#include "inovasi/batch.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

#include <unistd.h>

namespace inovasi::detail {

namespace {

// How long a worker stays awake after a job, and how long a caller spins before it sleeps
// while the workers finish: long enough for back-to-back calls, short enough to waste nothing
// worth measuring when calls are rare.
constexpr auto kIdleSpin = std::chrono::microseconds(200);
constexpr auto kFinishSpin = std::chrono::microseconds(50);

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Waits until `a` no longer holds `old`: spinning for `spin`, then sleeping on the futex.
std::uint32_t await_change(const std::atomic<std::uint32_t>& a, std::uint32_t old, std::chrono::microseconds spin) {
  const auto until = std::chrono::steady_clock::now() + spin;
  for (unsigned i = 1;; ++i) {
    const std::uint32_t v = a.load(std::memory_order_acquire);
    if (v != old) return v;
    cpu_relax();
    if (i % 64 == 0 && std::chrono::steady_clock::now() > until) break;
  }
  for (;;) {
    a.wait(old, std::memory_order_acquire);
    const std::uint32_t v = a.load(std::memory_order_acquire);
    if (v != old) return v;
  }
}

class Pool {
 public:
  explicit Pool(pid_t owner) : owner_(owner) {}
  pid_t owner() const { return owner_; }

  // Runs the parts on the pool; false (and nothing run) when another caller has the pool.
  bool try_run(std::size_t threads, PartRef part, std::size_t& used) {
    std::unique_lock lock(use_, std::try_to_lock);
    if (!lock.owns_lock()) return false;
    const std::size_t helpers = grow(threads - 1);
    used = helpers + 1;
    // Spinning pays only while every thread has a core of its own: with more threads than
    // cores, a spinning thread would take time from one still working.
    const auto spin = threads <= cores_ ? kIdleSpin : std::chrono::microseconds(0);
    pending_.store(static_cast<std::uint32_t>(helpers), std::memory_order_relaxed);
    for (std::size_t i = 0; i < helpers; ++i) {
      Slot& s = *slots_[i];
      s.part.emplace(part);
      s.index = i + 1;
      s.spin = spin;
      s.seq.fetch_add(1, std::memory_order_release);
      s.seq.notify_one();
    }
    part(0);
    for (std::size_t i = helpers + 1; i < threads; ++i) part(i);  // threads the system would not start
    for (std::uint32_t p; (p = pending_.load(std::memory_order_acquire)) != 0;)
      await_change(pending_, p, std::min(spin, kFinishSpin));
    return true;
  }

 private:
  struct alignas(64) Slot {
    std::atomic<std::uint32_t> seq{0};  // bumped once per job given to this worker
    std::optional<PartRef> part;        // written before seq is bumped
    std::size_t index = 0;
    std::chrono::microseconds spin{0};  // how long to stay awake after this job
  };

  // Starts workers until there are `n` (or the system refuses); returns how many there are.
  std::size_t grow(std::size_t n) {
    while (slots_.size() < n) {
      auto slot = std::make_unique<Slot>();
      try {
        std::thread(&Pool::work, this, slot.get()).detach();
      } catch (const std::system_error&) {
        break;
      }
      slots_.push_back(std::move(slot));
    }
    return std::min(n, slots_.size());
  }

  void work(Slot* s) {
    std::chrono::microseconds spin{0};
    for (std::uint32_t seen = 0;;) {
      seen = await_change(s->seq, seen, spin);
      spin = s->spin;
      (*s->part)(s->index);
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) pending_.notify_one();
    }
  }

  const pid_t owner_;
  const std::size_t cores_ = std::max(1u, std::thread::hardware_concurrency());
  std::mutex use_;                           // one job at a time
  std::vector<std::unique_ptr<Slot>> slots_;  // one per worker; guarded by use_
  std::atomic<std::uint32_t> pending_{0};     // helpers still running the current job
};

// The pool of this process. A forked child finds its parent's pool (whose workers it does not
// have) and makes its own; the parent's is left in place, never freed, like every pool.
Pool& shared_pool() {
  static std::atomic<Pool*> current{nullptr};
  const pid_t me = getpid();
  Pool* p = current.load(std::memory_order_acquire);
  if (p && p->owner() == me) return *p;
  auto* fresh = new Pool(me);
  if (current.compare_exchange_strong(p, fresh, std::memory_order_acq_rel)) return *fresh;
  delete fresh;  // another thread of this process made one first
  return *p;
}

}  // namespace

std::size_t run_parts(std::size_t threads, PartRef part) {
  if (threads <= 1) {
    part(0);
    return 1;
  }
  std::size_t used = 0;
  if (shared_pool().try_run(threads, part, used)) return used;

  // The pool is busy with another caller's job: threads of our own.
  std::vector<std::thread> own;
  own.reserve(threads - 1);
  for (std::size_t i = 1; i < threads; ++i) {
    try {
      own.emplace_back([part, i] { part(i); });
    } catch (const std::system_error&) {
      break;
    }
  }
  used = own.size() + 1;
  part(0);
  for (std::size_t i = used; i < threads; ++i) part(i);
  for (auto& t : own) t.join();
  return used;
}

}  // namespace inovasi::detail

namespace inovasi {

std::size_t max_threads() { return 4 * std::size_t{std::max(1u, std::thread::hardware_concurrency())}; }

std::size_t thread_count(long long requested) {
  if (requested <= 0) return std::max(1u, std::thread::hardware_concurrency());
  return std::min(static_cast<std::size_t>(requested), max_threads());
}

}  // namespace inovasi
