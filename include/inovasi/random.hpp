#pragma once
// Counter-based random numbers for analysis (Monte Carlo, sensitivity sampling): docs/random.md.
//
// A draw is a pure function of (seed, key, counter). The key names *what* is drawn for (built
// from identities such as region code, innovation id and row key, never from positions), the
// counter names *which* draw (a replicate, a sample index). Nothing is carried from one draw to
// the next, so a replicate's draws are the same whatever the number of threads, the split of
// the work or the order of the input.
//
// The function (version 1; the pinned values in tests/cpp/random_test.cpp and the independent
// Python implementation in tests/python/test_random.py hold it fixed):
//
//   mix(z)     = SplitMix64's finaliser (Stafford's "Mix13"): z ^= z >> 30; z *= 0xBF58476D1CE4E5B9;
//                z ^= z >> 27; z *= 0x94D049BB133111EB; z ^= z >> 31        (a bijection of 64 bits)
//   s          = mix(seed ^ 0x5851F42D4C957F2D)                            (once per seed)
//   b          = mix(s ^ key)                                              (once per seed and key)
//   bits(c)    = mix(mix(b ^ (c × 0x9E3779B97F4A7C15)) + b)                (all arithmetic mod 2^64)
//
// Why this function: it is integer multiplies, shifts and xors only, which the compiler
// vectorises (one 64-bit lane per draw; AVX-512 has the 64-bit multiply, AVX2 builds it from
// three 32-bit ones), so a batch runs at memory-write speed rather than at a seeded sequence's
// one-draw-after-the-other pace. SplitMix64 alone (mix(b + c·γ)) is a fine single stream, but
// its streams are all shifts of one sequence (stream b at c equals stream b' at c + (b−b')/γ):
// among a million keys, some two would overlap over a run of draws. Entering the key by xor
// before a first full mix and again after it breaks that linear relation; the second mix
// removes what the first leaves of the counter's regular structure (the same two-round shape
// as a keyed block cipher, with the finaliser as round function). Keys are 64-bit hashes of
// their identities: two distinct identities share a stream with probability 2^-64.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

namespace inovasi::random {

// The identity a stream belongs to: a 64-bit hash of its parts (see key()).
struct Key {
  std::uint64_t value = 0;
  friend constexpr bool operator==(Key, Key) = default;
};

// The finaliser of SplitMix64 (a bijection of 64-bit words).
constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

inline constexpr std::uint64_t kSeedSalt = 0x5851F42D4C957F2Dull;
inline constexpr std::uint64_t kCounterGamma = 0x9E3779B97F4A7C15ull;

// The key of an identity made of parts, e.g. key({"64.03", "kes-001", "16"}): FNV-1a (64-bit)
// over each part's length (8 bytes, little-endian) followed by its bytes, in order, finished
// by mix64. The length prefix keeps ("ab", "c") apart from ("a", "bc"). Bytes are taken as
// given (UTF-8 text hashes its UTF-8 bytes), so the key is the same on every platform.
constexpr Key key(std::initializer_list<std::string_view> parts) noexcept;
constexpr Key key(std::span<const std::string_view> parts) noexcept;

namespace detail {
constexpr std::uint64_t kFnvOffset = 0xCBF29CE484222325ull, kFnvPrime = 0x100000001B3ull;
constexpr std::uint64_t fnv_part(std::uint64_t h, std::string_view part) noexcept {
  std::uint64_t n = part.size();
  for (int i = 0; i < 8; ++i, n >>= 8) h = (h ^ (n & 0xFF)) * kFnvPrime;
  for (char c : part) h = (h ^ static_cast<unsigned char>(c)) * kFnvPrime;
  return h;
}
}  // namespace detail

constexpr Key key(std::initializer_list<std::string_view> parts) noexcept {
  std::uint64_t h = detail::kFnvOffset;
  for (std::string_view p : parts) h = detail::fnv_part(h, p);
  return Key{mix64(h)};
}
constexpr Key key(std::span<const std::string_view> parts) noexcept {
  std::uint64_t h = detail::kFnvOffset;
  for (std::string_view p : parts) h = detail::fnv_part(h, p);
  return Key{mix64(h)};
}

// The per-seed and per-(seed, key) words of the function above; a loop over many draws of
// one key computes them once.
constexpr std::uint64_t seed_word(std::uint64_t seed) noexcept { return mix64(seed ^ kSeedSalt); }
constexpr std::uint64_t stream_word(std::uint64_t seed, Key k) noexcept { return mix64(seed_word(seed) ^ k.value); }
// bits of stream word b at the counter whose product with γ is cg (= counter × γ): a batch
// steps cg by γ instead of multiplying each counter.
constexpr std::uint64_t bits_of_product(std::uint64_t b, std::uint64_t cg) noexcept { return mix64(mix64(b ^ cg) + b); }
constexpr std::uint64_t bits_of_stream(std::uint64_t b, std::uint64_t counter) noexcept {
  return bits_of_product(b, counter * kCounterGamma);
}

// 64 uniform bits: the draw of (seed, key, counter).
constexpr std::uint64_t bits(std::uint64_t seed, Key k, std::uint64_t counter) noexcept {
  return bits_of_stream(stream_word(seed, k), counter);
}

// The top 53 bits as a double in [0, 1): (x >> 11) × 2^-53, exactly.
constexpr double to_unit(std::uint64_t x) noexcept { return static_cast<double>(x >> 11) * 0x1.0p-53; }
// The same value by two exact 2^52-bias conversions (32 + 21 bits): x86 before AVX-512 has no
// vector conversion from 64-bit integers, and this form vectorises on AVX2 (the batch uses it
// there).
constexpr double to_unit_biased(std::uint64_t x) noexcept {
  const double hi = std::bit_cast<double>((x >> 32) | 0x4330000000000000ull) - 0x1.0p52;
  const double lo = std::bit_cast<double>(((x >> 11) & 0x1FFFFFull) | 0x4330000000000000ull) - 0x1.0p52;
  return (hi * 0x1.0p21 + lo) * 0x1.0p-53;
}
constexpr double uniform(std::uint64_t seed, Key k, std::uint64_t counter) noexcept {
  return to_unit(bits(seed, k, counter));
}

// Uniform in [0, n) for n ≥ 1, without modulo bias: Lemire's multiply-and-reject on 64 bits.
// A rejected draw (probability < n / 2^64) is re-mixed, mix64(x + γ), so the result stays a
// pure function of (seed, key, counter). n = 0 gives 0.
// The 128-bit product x·n as (high, low) words: the compiler's 128-bit type where it has one,
// else four 32-bit products (the same words, tested against the former), so that a compiler
// without __int128 compiles this header too.
struct Product128 {
  std::uint64_t high, low;
  friend bool operator==(const Product128&, const Product128&) = default;
};
constexpr Product128 multiply_64_portable(std::uint64_t x, std::uint64_t n) noexcept {
  const std::uint64_t xl = x & 0xFFFFFFFFu, xh = x >> 32, nl = n & 0xFFFFFFFFu, nh = n >> 32;
  const std::uint64_t ll = xl * nl, lh = xl * nh, hl = xh * nl, hh = xh * nh;
  const std::uint64_t mid = (ll >> 32) + (lh & 0xFFFFFFFFu) + (hl & 0xFFFFFFFFu);
  return {hh + (lh >> 32) + (hl >> 32) + (mid >> 32), (mid << 32) | (ll & 0xFFFFFFFFu)};
}
constexpr Product128 multiply_64(std::uint64_t x, std::uint64_t n) noexcept {
#if defined(__SIZEOF_INT128__)
  __extension__ typedef unsigned __int128 u128;
  const u128 m = static_cast<u128>(x) * n;
  return {static_cast<std::uint64_t>(m >> 64), static_cast<std::uint64_t>(m)};
#else
  return multiply_64_portable(x, n);
#endif
}
constexpr std::uint64_t below_of_bits(std::uint64_t x, std::uint64_t n) noexcept {
  if (n == 0) return 0;
  Product128 m = multiply_64(x, n);
  if (m.low < n) {
    const std::uint64_t t = (0 - n) % n;
    while (m.low < t) {
      x = mix64(x + kCounterGamma);
      m = multiply_64(x, n);
    }
  }
  return m.high;
}
constexpr std::uint64_t below(std::uint64_t seed, Key k, std::uint64_t counter, std::uint64_t n) noexcept {
  return below_of_bits(bits(seed, k, counter), n);
}

// Probabilities are quantised in units of 1/65536: p_q16 ∈ [0, 65536], 65536 = certain. A
// Bernoulli draw is true iff the top 16 bits, as an integer, are below p_q16, so its
// probability is exactly p_q16 / 65536 (no float comparison anywhere).
inline constexpr std::uint32_t kProbabilityOne = 65536;
constexpr bool bernoulli_of_bits(std::uint64_t x, std::uint32_t p_q16) noexcept { return (x >> 48) < p_q16; }
constexpr bool bernoulli(std::uint64_t seed, Key k, std::uint64_t counter, std::uint32_t p_q16) noexcept {
  return bernoulli_of_bits(bits(seed, k, counter), p_q16);
}
// The nearest quantised probability of p ∈ [0, 1] (p × 65536 is exact in a double; ties to even).
std::uint32_t quantise_probability(double p);

// Batch fills. "Counters": the draws of one key for counters [c0, c0 + out.size()). "Keys":
// the draws of one counter for each key, out[i] of keys[i]. Element i is exactly the single
// draw of the same (seed, key, counter), whatever the batch; the loops are vectorised (AVX-512
// or AVX2 where the CPU has them, chosen at run time).
void fill_bits(std::uint64_t seed, Key k, std::uint64_t c0, std::span<std::uint64_t> out) noexcept;
void fill_uniform(std::uint64_t seed, Key k, std::uint64_t c0, std::span<double> out) noexcept;
// out[i] = 1 or 0. Throws std::invalid_argument if p_q16 > 65536.
void fill_bernoulli(std::uint64_t seed, Key k, std::uint64_t c0, std::uint32_t p_q16, std::span<std::uint8_t> out);

void fill_bits_keys(std::uint64_t seed, std::span<const Key> keys, std::uint64_t counter,
                    std::span<std::uint64_t> out);
void fill_uniform_keys(std::uint64_t seed, std::span<const Key> keys, std::uint64_t counter, std::span<double> out);
// One probability per key (p_q16[i] for keys[i]). Throws std::invalid_argument if the sizes
// differ or a probability is above 65536.
void fill_bernoulli_keys(std::uint64_t seed, std::span<const Key> keys, std::uint64_t counter,
                         std::span<const std::uint32_t> p_q16, std::span<std::uint8_t> out);

// "Streams": the draws of one counter for many streams given by their stream words
// (stream_word(seed, key), computed once per seed and key by a caller that draws the same keys
// for many counters: Monte Carlo). out[i] = 1 iff the draw of stream i passes p_q16[i].
void fill_bernoulli_streams(std::span<const std::uint64_t> stream_words, std::uint64_t counter,
                            std::span<const std::uint32_t> p_q16, std::span<std::uint8_t> out);

namespace detail {
// fill_bernoulli_streams without its checks, for an inner loop over validated data.
void fill_bernoulli_streams_unchecked(const std::uint64_t* stream_words, std::uint64_t counter,
                                      const std::uint32_t* p_q16, std::uint8_t* out, std::size_t n) noexcept;
// For tests: run the batch fills on one instruction set (0 baseline, 1 AVX2, 2 AVX-512; -1 =
// the CPU's best, the default). False, and nothing changed, if the CPU lacks it.
bool use_instruction_set(int level);
}  // namespace detail

}  // namespace inovasi::random
