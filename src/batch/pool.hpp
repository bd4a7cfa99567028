// A process-wide pool of worker threads for the batch engine.
//
// Starting and joining threads costs 50–100 µs per call on the VMs this project is measured
// on, a few per cent of scoring a million innovations on two threads, and far more when a
// simulation calls score_batch thousands of times. The pool keeps its workers: after a job they
// spin for a short while (kIdleSpin) so that back-to-back calls find them awake, then sleep on
// a futex (std::atomic::wait) and cost nothing.
//
// Callers never wait for one another: a call that finds the pool busy (another thread is
// running a job on it) starts threads of its own, as the engine did before the pool. A child
// process created by fork() gets a pool of its own, since the parent's workers do not exist
// there. Workers are never joined: they sleep until the process ends.
#pragma once

#include <cstddef>
#include <type_traits>

namespace inovasi::detail {

// A non-owning reference to a callable void(std::size_t), valid for the duration of a call.
class PartRef {
 public:
  template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, PartRef>)
  PartRef(F& f) : obj_(&f), call_([](void* o, std::size_t part) { (*static_cast<F*>(o))(part); }) {}
  void operator()(std::size_t part) const { call_(obj_, part); }

 private:
  void* obj_;
  void (*call_)(void*, std::size_t);
};

// Runs part(0), …, part(threads - 1) at the same time (part(0) on the calling thread) and
// returns when all have returned. `part` must not throw, and parts must not wait for one another. Returns how many threads took part:
// fewer than asked only when the system would not start more (every part still runs, the
// missing ones on the calling thread, one after another).
std::size_t run_parts(std::size_t threads, PartRef part);

}  // namespace inovasi::detail
