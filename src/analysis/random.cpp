// Batch fills of the counter-based generator (include/inovasi/random.hpp). Each loop body is
// the single-draw function itself, so element i equals the single draw bit for bit; the loops
// are compiled three times (AVX-512 with its 64-bit multiply, AVX2, baseline x86-64) and the
// CPU's best is chosen at the first call. Integer arithmetic and exact conversions only: every
// version gives the same values.
#include "inovasi/random.hpp"

#include <atomic>
#include <cmath>
#include <stdexcept>
#include <string>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(__SANITIZE_ADDRESS__) && \
    !defined(__SANITIZE_THREAD__)
#define INOVASI_RANDOM_X86 1
#endif

namespace inovasi::random {

std::uint32_t quantise_probability(double p) {
  if (!(p >= 0.0 && p <= 1.0))
    throw std::invalid_argument("a probability must be in [0, 1], not " + std::to_string(p));
  return static_cast<std::uint32_t>(std::nearbyint(p * 65536.0));
}

namespace {

void check_probability(std::uint32_t p_q16) {
  if (p_q16 > kProbabilityOne)
    throw std::invalid_argument("a quantised probability is at most 65536 (= 1), not " + std::to_string(p_q16));
}

// The loops, once per instruction set (ATTR: the target attribute, UNIT: to_unit or its
// AVX2-friendly twin to_unit_biased, which gives the same value).
#define INOVASI_RANDOM_ISA(NAME, ATTR, UNIT)                                                       \
  struct NAME {                                                                                     \
    ATTR static void bits(std::uint64_t b, std::uint64_t c0, std::uint64_t* o, std::size_t n) {     \
      std::uint64_t cg = c0 * kCounterGamma;                                                        \
      for (std::size_t i = 0; i < n; ++i, cg += kCounterGamma) o[i] = bits_of_product(b, cg);       \
    }                                                                                               \
    ATTR static void uniform(std::uint64_t b, std::uint64_t c0, double* o, std::size_t n) {         \
      std::uint64_t cg = c0 * kCounterGamma;                                                        \
      for (std::size_t i = 0; i < n; ++i, cg += kCounterGamma) o[i] = UNIT(bits_of_product(b, cg)); \
    }                                                                                               \
    ATTR static void bernoulli(std::uint64_t b, std::uint64_t c0, std::uint32_t p, std::uint8_t* o, \
                               std::size_t n) {                                                     \
      std::uint64_t cg = c0 * kCounterGamma;                                                        \
      for (std::size_t i = 0; i < n; ++i, cg += kCounterGamma)                                      \
        o[i] = bernoulli_of_bits(bits_of_product(b, cg), p);                                        \
    }                                                                                               \
    ATTR static void bits_keys(std::uint64_t s, const Key* k, std::uint64_t c, std::uint64_t* o,    \
                               std::size_t n) {                                                     \
      for (std::size_t i = 0; i < n; ++i) o[i] = bits_of_stream(mix64(s ^ k[i].value), c);          \
    }                                                                                               \
    ATTR static void uniform_keys(std::uint64_t s, const Key* k, std::uint64_t c, double* o,        \
                                  std::size_t n) {                                                  \
      for (std::size_t i = 0; i < n; ++i) o[i] = UNIT(bits_of_stream(mix64(s ^ k[i].value), c));    \
    }                                                                                               \
    ATTR static void bernoulli_keys(std::uint64_t s, const Key* k, std::uint64_t c,                 \
                                    const std::uint32_t* p, std::uint8_t* o, std::size_t n) {       \
      for (std::size_t i = 0; i < n; ++i)                                                           \
        o[i] = bernoulli_of_bits(bits_of_stream(mix64(s ^ k[i].value), c), p[i]);                   \
    }                                                                                               \
    ATTR static void bernoulli_streams(const std::uint64_t* b, std::uint64_t c, const std::uint32_t* p, \
                                       std::uint8_t* o, std::size_t n) {                            \
      const std::uint64_t cg = c * kCounterGamma;                                                   \
      for (std::size_t i = 0; i < n; ++i) o[i] = bernoulli_of_bits(bits_of_product(b[i], cg), p[i]); \
    }                                                                                               \
  };
INOVASI_RANDOM_ISA(Baseline, , to_unit)
#ifdef INOVASI_RANDOM_X86
INOVASI_RANDOM_ISA(Avx512, __attribute__((target("arch=x86-64-v4"))), to_unit)
INOVASI_RANDOM_ISA(Avx2, __attribute__((target("avx2"))), to_unit_biased)
#endif
#undef INOVASI_RANDOM_ISA

// The best instruction set of this CPU: 2 AVX-512 (the x86-64-v4 set), 1 AVX2, 0 baseline.
int best_isa() {
#ifdef INOVASI_RANDOM_X86
  static const int level = [] {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512cd"))
      return 2;
    return __builtin_cpu_supports("avx2") ? 1 : 0;
  }();
  return level;
#else
  return 0;
#endif
}
std::atomic<int> forced_isa{-1};  // detail::use_instruction_set (tests)

#ifdef INOVASI_RANDOM_X86
#define INOVASI_DISPATCH(F, ...)                                                                 \
  switch (const int f = forced_isa.load(std::memory_order_relaxed); f >= 0 ? f : best_isa()) { \
    case 2: Avx512::F(__VA_ARGS__); return;                                                      \
    case 1: Avx2::F(__VA_ARGS__); return;                                                        \
    default: Baseline::F(__VA_ARGS__); return;                                                   \
  }
#else
#define INOVASI_DISPATCH(F, ...) Baseline::F(__VA_ARGS__)
#endif

void check_sizes(std::size_t keys, std::size_t out, const char* what) {
  if (keys != out)
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(keys) + " keys but room for " +
                                std::to_string(out) + " draws");
}

}  // namespace

bool detail::use_instruction_set(int level) {
  if (level > best_isa()) return false;
  forced_isa.store(level < 0 ? -1 : level, std::memory_order_relaxed);
  return true;
}

void fill_bits(std::uint64_t seed, Key k, std::uint64_t c0, std::span<std::uint64_t> out) noexcept {
  INOVASI_DISPATCH(bits, stream_word(seed, k), c0, out.data(), out.size());
}
void fill_uniform(std::uint64_t seed, Key k, std::uint64_t c0, std::span<double> out) noexcept {
  INOVASI_DISPATCH(uniform, stream_word(seed, k), c0, out.data(), out.size());
}
void fill_bernoulli(std::uint64_t seed, Key k, std::uint64_t c0, std::uint32_t p_q16, std::span<std::uint8_t> out) {
  check_probability(p_q16);
  INOVASI_DISPATCH(bernoulli, stream_word(seed, k), c0, p_q16, out.data(), out.size());
}

void fill_bits_keys(std::uint64_t seed, std::span<const Key> keys, std::uint64_t counter,
                    std::span<std::uint64_t> out) {
  check_sizes(keys.size(), out.size(), "fill_bits_keys");
  INOVASI_DISPATCH(bits_keys, seed_word(seed), keys.data(), counter, out.data(), out.size());
}
void fill_uniform_keys(std::uint64_t seed, std::span<const Key> keys, std::uint64_t counter, std::span<double> out) {
  check_sizes(keys.size(), out.size(), "fill_uniform_keys");
  INOVASI_DISPATCH(uniform_keys, seed_word(seed), keys.data(), counter, out.data(), out.size());
}
void fill_bernoulli_keys(std::uint64_t seed, std::span<const Key> keys, std::uint64_t counter,
                         std::span<const std::uint32_t> p_q16, std::span<std::uint8_t> out) {
  check_sizes(keys.size(), out.size(), "fill_bernoulli_keys");
  check_sizes(keys.size(), p_q16.size(), "fill_bernoulli_keys (probabilities)");
  for (std::uint32_t p : p_q16) check_probability(p);
  INOVASI_DISPATCH(bernoulli_keys, seed_word(seed), keys.data(), counter, p_q16.data(), out.data(), out.size());
}

void fill_bernoulli_streams(std::span<const std::uint64_t> stream_words, std::uint64_t counter,
                            std::span<const std::uint32_t> p_q16, std::span<std::uint8_t> out) {
  check_sizes(stream_words.size(), out.size(), "fill_bernoulli_streams");
  check_sizes(stream_words.size(), p_q16.size(), "fill_bernoulli_streams (probabilities)");
  for (std::uint32_t p : p_q16) check_probability(p);
  INOVASI_DISPATCH(bernoulli_streams, stream_words.data(), counter, p_q16.data(), out.data(), out.size());
}
void detail::fill_bernoulli_streams_unchecked(const std::uint64_t* stream_words, std::uint64_t counter,
                                              const std::uint32_t* p_q16, std::uint8_t* out, std::size_t n) noexcept {
  INOVASI_DISPATCH(bernoulli_streams, stream_words, counter, p_q16, out, n);
}

}  // namespace inovasi::random
