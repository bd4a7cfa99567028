// The counter-based generator (inovasi/random.hpp): pinned values (the same table is checked
// against an independent pure-Python implementation in tests/python/test_random.py), the
// independence of draws from order, threads and splits, and statistical checks whose bounds
// (4 standard errors, chi-square quantiles of 10^-4) fail only on a real defect.
#include "inovasi/random.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace rnd = inovasi::random;

namespace {

constexpr std::uint64_t kMax = 0xFFFFFFFFFFFFFFFFull;
const rnd::Key kKes = rnd::key({"64.03", "kes-001", "16"});

// The function is constexpr: one pin holds at compile time as well.
static_assert(rnd::bits(2024, rnd::key({"64.03", "kes-001", "16"}), 0) == 0x6802cdea1902d8d8ull);

TEST(RandomPinned, Keys) {
  EXPECT_EQ(rnd::key({}).value, 0xf52a15e9a9b5e89bull);
  EXPECT_EQ(rnd::key({""}).value, 0x813f0174a2367c13ull);
  EXPECT_EQ(kKes.value, 0x76c27ebd3a85169dull);
  EXPECT_EQ(rnd::key({"64.03", "kes-001", "17"}).value, 0x180aece2cac3adcbull);
  EXPECT_EQ(rnd::key({"ab", "c"}).value, 0x482f6f543bbc5465ull);
  EXPECT_EQ(rnd::key({"a", "bc"}).value, 0x461d25214179d9fbull);
  EXPECT_EQ(rnd::key({"Papua Barat Daya", "\xc3\xbc"}).value, 0xc1ed5aa2d7dc0195ull);  // "ü" in UTF-8
  const std::vector<std::string_view> parts{"64.03", "kes-001", "16"};
  EXPECT_EQ(rnd::key(std::span<const std::string_view>(parts)), kKes);
}

struct Pin {
  std::uint64_t seed, counter, bits;
  double uniform;
  std::uint64_t below6;
  bool bernoulli_52429;
};
const Pin kPins[] = {
    {0, 0, 0x5afca12874a79a39ull, 0.35541732061088138, 2, true},
    {0, 1, 0xabb5858b66844eb2ull, 0.67073855069476551, 4, true},
    {0, 2, 0x660ba82f87f553f2ull, 0.39861537132670333, 2, true},
    {0, 1000000, 0xeabc2ac3b8e96795ull, 0.91693370130898222, 5, false},
    {0, kMax, 0xfe596b9ffd378bf3ull, 0.99355194717392525, 5, false},
    {2024, 0, 0x6802cdea1902d8d8ull, 0.40629279103542204, 2, true},
    {2024, 1, 0x96caf58f1077b398ull, 0.58903441183835414, 3, true},
    {2024, 2, 0xde5a38bc79dc2125ull, 0.86856417275872433, 5, false},
    {2024, 1000000, 0xab677455d8796446ull, 0.66954733939971822, 4, true},
    {2024, kMax, 0x18fca5fadbec58f8ull, 0.097605108017817854, 0, true},
    {kMax, 0, 0xea439316d0c13286ull, 0.91509360606210488, 5, false},
    {kMax, 1, 0x589ac26c4a7f0e88ull, 0.34611144203017485, 2, true},
    {kMax, 2, 0xb0b84a6f71a80a2eull, 0.69031205387878469, 4, true},
    {kMax, 1000000, 0xf65d22a0cd538a79ull, 0.96235863138038102, 5, false},
    {kMax, kMax, 0x2a08424a719a1716ull, 0.16418852155184305, 0, true},
};

TEST(RandomPinned, Draws) {
  for (const Pin& p : kPins) {
    SCOPED_TRACE("seed " + std::to_string(p.seed) + " counter " + std::to_string(p.counter));
    EXPECT_EQ(rnd::bits(p.seed, kKes, p.counter), p.bits);
    EXPECT_EQ(rnd::uniform(p.seed, kKes, p.counter), p.uniform);
    EXPECT_EQ(rnd::below(p.seed, kKes, p.counter, 6), p.below6);
    EXPECT_EQ(rnd::bernoulli(p.seed, kKes, p.counter, 52429), p.bernoulli_52429);
    // The batch fills give the same value (one element at the pinned counter).
    std::uint64_t b[1];
    double u[1];
    std::uint8_t z[1];
    rnd::fill_bits(p.seed, kKes, p.counter, b);
    rnd::fill_uniform(p.seed, kKes, p.counter, u);
    rnd::fill_bernoulli(p.seed, kKes, p.counter, 52429, z);
    EXPECT_EQ(b[0], p.bits);
    EXPECT_EQ(u[0], p.uniform);
    EXPECT_EQ(z[0], p.bernoulli_52429 ? 1 : 0);
  }
}

TEST(RandomPinned, BelowRejectionPath) {
  // n = 2^63 + 1 rejects almost half of the raw draws: the re-mixed retries are pinned too
  // (the same values as the Python reference).
  const std::uint64_t n = (1ull << 63) + 1;
  std::vector<std::uint64_t> got;
  for (std::uint64_t c = 0; c < 8; ++c) got.push_back(rnd::below(7, kKes, c, n));
  for (std::uint64_t v : got) EXPECT_LT(v, n);
  const std::vector<std::uint64_t> want{0x71173b3ce024d4c2ull, 0x6af6f3ba41be4607ull, 0x1f0dc30eef21a12bull,
                                        0x41c2f7238c07c6e9ull, 0x062696f6ccdd087bull, 0x2336441351a0c4c2ull,
                                        0x34bc4a7591c1fa2bull, 0x5085eec5903b4a78ull};
  EXPECT_EQ(got, want);
  EXPECT_EQ(rnd::below(7, kKes, 3, 1), 0u);
  EXPECT_EQ(rnd::below(7, kKes, 3, 0), 0u);
}

// The portable 64×64 → 128 product (for compilers without __int128) gives the same words as
// the compiler's 128-bit multiply, on the edges and on a fixed stream of draws.
TEST(RandomPinned, PortableProductAgrees) {
  __extension__ typedef unsigned __int128 u128;  // the oracle
  auto check = [](std::uint64_t x, std::uint64_t n) {
    const u128 m = static_cast<u128>(x) * n;
    const rnd::Product128 want{static_cast<std::uint64_t>(m >> 64), static_cast<std::uint64_t>(m)};
    ASSERT_EQ(rnd::multiply_64_portable(x, n), want) << x << " * " << n;
    ASSERT_EQ(rnd::multiply_64(x, n), want) << x << " * " << n;
  };
  const std::uint64_t edges[] = {0, 1, 0xFFFFFFFF, 0x100000000, kMax, kMax - 1, std::uint64_t(1) << 63, (std::uint64_t(1) << 63) + 1};
  for (std::uint64_t x : edges)
    for (std::uint64_t n : edges) check(x, n);
  for (std::uint64_t c = 0; c < 100000; ++c) check(rnd::bits(1, kKes, c), rnd::bits(2, kKes, c));
}

TEST(RandomPinned, UnitConversionsAgree) {
  // The AVX2 batch converts with to_unit_biased; it must equal to_unit on every input,
  // including the extremes of the 53 bits that are kept.
  for (std::uint64_t x : std::initializer_list<std::uint64_t>{0, 1, 0x7FF, 0x800, kMax, kMax - 0x7FF, 1ull << 63, 0x123456789ABCDEF})
    EXPECT_EQ(rnd::to_unit(x), rnd::to_unit_biased(x)) << x;
  for (std::uint64_t c = 0; c < 100000; ++c) {
    const std::uint64_t x = rnd::bits(1, kKes, c);
    ASSERT_EQ(rnd::to_unit(x), rnd::to_unit_biased(x));
  }
  EXPECT_EQ(rnd::to_unit(kMax), 1.0 - 0x1.0p-53);  // [0, 1): 1 is never drawn
  EXPECT_EQ(rnd::to_unit(0), 0.0);
}

TEST(RandomProbability, QuantisedExactly) {
  EXPECT_EQ(rnd::quantise_probability(0.0), 0u);
  EXPECT_EQ(rnd::quantise_probability(1.0), 65536u);
  EXPECT_EQ(rnd::quantise_probability(0.8), 52429u);  // 52428.8 → 52429
  EXPECT_EQ(rnd::quantise_probability(0.5), 32768u);
  EXPECT_EQ(rnd::quantise_probability(1.5 / 65536), 2u);  // a tie goes to even
  EXPECT_EQ(rnd::quantise_probability(2.5 / 65536), 2u);
  EXPECT_THROW(rnd::quantise_probability(-0.01), std::invalid_argument);
  EXPECT_THROW(rnd::quantise_probability(1.01), std::invalid_argument);
  EXPECT_THROW(rnd::quantise_probability(std::nan("")), std::invalid_argument);
  // p = 0 never, p = 1 always, p = 1/65536 exactly when the top 16 bits are zero.
  for (std::uint64_t c = 0; c < 10000; ++c) {
    const std::uint64_t x = rnd::bits(3, kKes, c);
    ASSERT_FALSE(rnd::bernoulli(3, kKes, c, 0));
    ASSERT_TRUE(rnd::bernoulli(3, kKes, c, 65536));
    ASSERT_EQ(rnd::bernoulli(3, kKes, c, 1), (x >> 48) == 0);
  }
  std::vector<std::uint8_t> out(4);
  EXPECT_THROW(rnd::fill_bernoulli(1, kKes, 0, 65537, out), std::invalid_argument);
  std::vector<rnd::Key> keys(4, kKes);
  std::vector<std::uint32_t> p(4, 65537), p3(3, 1);
  EXPECT_THROW(rnd::fill_bernoulli_keys(1, keys, 0, p, out), std::invalid_argument);
  EXPECT_THROW(rnd::fill_bernoulli_keys(1, keys, 0, p3, out), std::invalid_argument);
  std::vector<double> u3(3);
  EXPECT_THROW(rnd::fill_uniform_keys(1, keys, 0, u3), std::invalid_argument);
}

TEST(RandomPinned, EveryInstructionSetGivesTheSameDraws) {
  // The batch loops are compiled for AVX-512, AVX2 and baseline x86-64; each that this CPU runs
  // must equal the scalar function element by element (odd sizes cover the loop tails).
  std::vector<rnd::Key> keys(1001);
  for (std::size_t i = 0; i < keys.size(); ++i) keys[i] = rnd::key({"64.03", std::to_string(i), "16"});
  std::vector<std::uint32_t> p(keys.size());
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<std::uint32_t>(i * 65 % 65537);
  int ran = 0;
  for (int level : {0, 1, 2}) {
    if (!rnd::detail::use_instruction_set(level)) continue;
    ++ran;
    SCOPED_TRACE("instruction set " + std::to_string(level));
    const std::size_t n = keys.size();
    std::vector<std::uint64_t> b(n), bk(n);
    std::vector<double> u(n), uk(n);
    std::vector<std::uint8_t> z(n), zk(n);
    rnd::fill_bits(2024, kKes, kMax - 500, b);
    rnd::fill_uniform(2024, kKes, kMax - 500, u);
    rnd::fill_bernoulli(2024, kKes, kMax - 500, 40000, z);
    rnd::fill_bits_keys(2024, keys, 77, bk);
    rnd::fill_uniform_keys(2024, keys, 77, uk);
    rnd::fill_bernoulli_keys(2024, keys, 77, p, zk);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t c = kMax - 500 + i;  // wraps past 2^64
      ASSERT_EQ(b[i], rnd::bits(2024, kKes, c)) << i;
      ASSERT_EQ(u[i], rnd::uniform(2024, kKes, c)) << i;
      ASSERT_EQ(z[i], rnd::bernoulli(2024, kKes, c, 40000) ? 1 : 0) << i;
      ASSERT_EQ(bk[i], rnd::bits(2024, keys[i], 77)) << i;
      ASSERT_EQ(uk[i], rnd::uniform(2024, keys[i], 77)) << i;
      ASSERT_EQ(zk[i], rnd::bernoulli(2024, keys[i], 77, p[i]) ? 1 : 0) << i;
    }
  }
  ASSERT_TRUE(rnd::detail::use_instruction_set(-1));
  EXPECT_GE(ran, 1);
}

// ---------------------------------------------------------------------------------------------
// Order, threads and splits

TEST(RandomInvariance, SplitsAndThreadsGiveTheSameDraws) {
  const std::size_t n = 100003;
  std::vector<double> whole(n);
  rnd::fill_uniform(2024, kKes, 500, whole);
  for (std::size_t i = 0; i < n; i += 997) ASSERT_EQ(whole[i], rnd::uniform(2024, kKes, 500 + i));
  // Uneven chunks, in reverse order.
  std::vector<double> parts(n);
  std::vector<std::size_t> cuts{0, 1, 2, 7, 64, 65, 4099, 50000, 99999, n};
  for (std::size_t j = cuts.size() - 1; j-- > 0;)
    rnd::fill_uniform(2024, kKes, 500 + cuts[j], std::span<double>(parts).subspan(cuts[j], cuts[j + 1] - cuts[j]));
  EXPECT_EQ(parts, whole);
  // Two threads, interleaved blocks.
  std::vector<double> threaded(n);
  auto work = [&](std::size_t t) {
    for (std::size_t a = t * 1000; a < n; a += 2000) {
      const std::size_t len = std::min<std::size_t>(1000, n - a);
      rnd::fill_uniform(2024, kKes, 500 + a, std::span<double>(threaded).subspan(a, len));
    }
  };
  std::thread other(work, 1);
  work(0);
  other.join();
  EXPECT_EQ(threaded, whole);
}

TEST(RandomInvariance, KeyOrderDoesNotMatter) {
  const std::size_t n = 5000;
  std::vector<rnd::Key> keys(n);
  for (std::size_t i = 0; i < n; ++i) keys[i] = rnd::key({"64.03", "kes-" + std::to_string(i), "16"});
  std::vector<double> u(n);
  std::vector<std::uint64_t> b(n);
  std::vector<std::uint8_t> z(n);
  std::vector<std::uint32_t> p(n);
  for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::uint32_t>(i * 13 % 65537);
  rnd::fill_uniform_keys(9, keys, 42, u);
  rnd::fill_bits_keys(9, keys, 42, b);
  rnd::fill_bernoulli_keys(9, keys, 42, p, z);
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_EQ(u[i], rnd::uniform(9, keys[i], 42));
    ASSERT_EQ(b[i], rnd::bits(9, keys[i], 42));
    ASSERT_EQ(z[i], rnd::bernoulli(9, keys[i], 42, p[i]) ? 1 : 0);
  }
  // Reversed keys give the reversed draws.
  std::vector<rnd::Key> rev(keys.rbegin(), keys.rend());
  std::vector<double> ur(n);
  rnd::fill_uniform_keys(9, rev, 42, ur);
  EXPECT_TRUE(std::equal(ur.begin(), ur.end(), u.rbegin()));
  // One key over counters and one counter over keys are the same function.
  std::vector<double> one(1);
  rnd::fill_uniform(9, keys[17], 42, one);
  EXPECT_EQ(one[0], u[17]);
}

// ---------------------------------------------------------------------------------------------
// Statistics (10^6 draws, fixed seeds: deterministic; the bounds are 4 standard errors or a
// chi-square quantile of 10^-4 on either side)

constexpr std::size_t kN = 1'000'000;
constexpr double kChi2Hi63 = 113.505, kChi2Lo63 = 29.500;  // chi2(63) quantiles 1−1e-4 and 1e-4

void expect_uniform(const std::vector<double>& u, const char* what) {
  SCOPED_TRACE(what);
  const double n = static_cast<double>(u.size());
  double sum = 0, sq = 0;
  std::vector<double> bins(64);
  for (double x : u) {
    ASSERT_GE(x, 0.0);
    ASSERT_LT(x, 1.0);
    sum += x;
    bins[static_cast<std::size_t>(x * 64)] += 1;
  }
  const double mean = sum / n;
  for (double x : u) sq += (x - mean) * (x - mean);
  const double var = sq / (n - 1);
  EXPECT_LT(std::abs(mean - 0.5), 4 * std::sqrt(1.0 / 12 / n));
  EXPECT_LT(std::abs(var - 1.0 / 12), 4 * std::sqrt((1.0 / 80 - 1.0 / 144) / n));
  double chi2 = 0;
  for (double b : bins) chi2 += (b - n / 64) * (b - n / 64) / (n / 64);
  EXPECT_LT(chi2, kChi2Hi63);
  EXPECT_GT(chi2, kChi2Lo63);
}

// Pearson correlation of x and y, which must be within 4 standard errors (1/sqrt(n)) of 0.
void expect_uncorrelated(const std::vector<double>& x, const std::vector<double>& y, const std::string& what) {
  SCOPED_TRACE(what);
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n, my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  EXPECT_LT(std::abs(sxy / std::sqrt(sxx * syy)), 4 / std::sqrt(n));
}

std::vector<double> uniforms(std::uint64_t seed, rnd::Key k, std::uint64_t c0 = 0, std::size_t n = kN) {
  std::vector<double> u(n);
  rnd::fill_uniform(seed, k, c0, u);
  return u;
}

TEST(RandomStatistics, UniformMomentsAndBins) {
  expect_uniform(uniforms(2024, kKes), "counters of one key");
  expect_uniform(uniforms(0, rnd::key({})), "seed 0, empty key");
  expect_uniform(uniforms(kMax, kKes, kMax - kN / 2), "counters wrapping past 2^64");
  std::vector<rnd::Key> keys(kN);
  for (std::size_t i = 0; i < kN; ++i) keys[i] = rnd::key({"64.03", std::to_string(i), "16"});
  std::vector<double> u(kN);
  rnd::fill_uniform_keys(2024, keys, 0, u);
  expect_uniform(u, "one counter over a million keys");
}

TEST(RandomStatistics, EveryBitIsFair) {
  std::vector<std::uint64_t> b(kN);
  rnd::fill_bits(5, kKes, 0, b);
  for (int bit = 0; bit < 64; ++bit) {
    std::size_t ones = 0;
    for (std::uint64_t x : b) ones += (x >> bit) & 1;
    EXPECT_LT(std::abs(static_cast<double>(ones) - kN / 2.0), 4 * std::sqrt(kN * 0.25)) << "bit " << bit;
  }
}

TEST(RandomStatistics, BernoulliFrequency) {
  for (std::uint32_t p : {52429u, 655u, 32768u, 65535u}) {
    std::vector<std::uint8_t> z(kN);
    rnd::fill_bernoulli(11, kKes, 0, p, z);
    const double f = static_cast<double>(std::count(z.begin(), z.end(), 1)) / kN, q = p / 65536.0;
    EXPECT_LT(std::abs(f - q), 4 * std::sqrt(q * (1 - q) / kN)) << "p_q16 " << p;
  }
}

TEST(RandomStatistics, BelowIsUniform) {
  std::vector<double> bins(6);
  for (std::uint64_t c = 0; c < kN; ++c) bins[rnd::below(13, kKes, c, 6)] += 1;
  double chi2 = 0;
  for (double b : bins) chi2 += (b - kN / 6.0) * (b - kN / 6.0) / (kN / 6.0);
  EXPECT_LT(chi2, 25.745);  // chi2(5) quantiles 1−1e-4 and 1e-4
  EXPECT_GT(chi2, 0.0822);
}

TEST(RandomStatistics, AdjacentCountersAreUncorrelated) {
  const std::vector<double> u = uniforms(2024, kKes, 0, kN + 2);
  for (std::size_t lag : {1u, 2u}) {
    std::vector<double> x(u.begin(), u.begin() + kN), y(u.begin() + lag, u.begin() + lag + kN);
    expect_uncorrelated(x, y, "lag " + std::to_string(lag));
  }
}

TEST(RandomStatistics, KeysDifferingInOneCharacterGiveUncorrelatedStreams) {
  const std::vector<double> base = uniforms(2024, kKes);
  const char* others[][3] = {{"64.03", "kes-001", "17"}, {"64.03", "kes-002", "16"}, {"64.04", "kes-001", "16"},
                             {"64.03", "kes-001", "16 "}, {"64.03", "Kes-001", "16"}, {"64.0", "3kes-001", "16"}};
  for (const auto& o : others) {
    const rnd::Key k = rnd::key({o[0], o[1], o[2]});
    ASSERT_NE(k, kKes);
    expect_uncorrelated(base, uniforms(2024, k), std::string(o[0]) + "/" + o[1] + "/" + o[2]);
  }
  // Adjacent seeds, and the stream of one key at a shifted counter (no overlap of runs).
  expect_uncorrelated(base, uniforms(2025, kKes), "seed 2025");
  expect_uncorrelated(base, uniforms(2024, kKes, 1), "counter + 1");
  // One counter over adjacent keys: draw i of key i against draw i of key i+1.
  std::vector<rnd::Key> keys(kN + 1);
  for (std::size_t i = 0; i <= kN; ++i) keys[i] = rnd::key({"64.03", "kes-" + std::to_string(i), "16"});
  std::vector<double> u(kN + 1);
  rnd::fill_uniform_keys(2024, keys, 0, u);
  expect_uncorrelated(std::vector<double>(u.begin(), u.end() - 1), std::vector<double>(u.begin() + 1, u.end()),
                      "adjacent keys, one counter");
}

}  // namespace
