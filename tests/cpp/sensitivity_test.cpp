// Variance-based sensitivity (inovasi/sensitivity.hpp): models whose Sobol' indices are known
// analytically (additive, an interaction computed by hand, Ishigami), every estimate within 4
// bootstrap standard errors of the truth at a fixed seed; the bootstrap's standard error against
// the spread of independent designs (so that 4 SE is not a vacuous bound); the design's counters
// and layout; determinism and bad input. The agreement with SALib, to 1e-9, is in
// tests/python/test_sensitivity.py.
#include "inovasi/sensitivity.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include "inovasi/random.hpp"

namespace {

using inovasi::SobolIndices;
using Model = std::function<double(const double*)>;

std::vector<std::string> names(std::size_t d) {
  std::vector<std::string> v;
  for (std::size_t i = 0; i < d; ++i) v.push_back("x" + std::to_string(i + 1));
  return v;
}

// Evaluates the model on the design's n(d + 2) points (inputs on [0, 1)) and estimates.
SobolIndices study(const Model& f, std::size_t d, std::size_t n, std::uint64_t seed, std::size_t resamples = 1000) {
  const inovasi::SaltelliDesign des = inovasi::uniform_design(n, names(d), seed);
  const std::vector<double> x = des.points();
  std::vector<double> y(n * (d + 2));
  for (std::size_t e = 0; e < y.size(); ++e) y[e] = f(x.data() + e * d);
  inovasi::SobolOptions opt;
  opt.resamples = resamples;
  opt.seed = seed;
  return inovasi::sobol_indices(y, d, opt);
}

void expect_within_4se(const SobolIndices& s, const std::vector<double>& first, const std::vector<double>& total) {
  ASSERT_EQ(s.d, first.size());
  for (std::size_t i = 0; i < s.d; ++i) {
    SCOPED_TRACE("input " + std::to_string(i + 1));
    EXPECT_LE(std::abs(s.first[i] - first[i]), 4 * s.first_se[i]) << s.first[i] << " vs " << first[i];
    EXPECT_LE(std::abs(s.total[i] - total[i]), 4 * s.total_se[i]) << s.total[i] << " vs " << total[i];
    // The interval holds the estimate, and its width is of the order of the standard error.
    EXPECT_LE(s.first_lo[i], s.first[i] + 1e-12);
    EXPECT_GE(s.first_hi[i], s.first[i] - 1e-12);
    EXPECT_LE(s.total_lo[i], s.total[i] + 1e-12);
    EXPECT_GE(s.total_hi[i], s.total[i] - 1e-12);
    EXPECT_LE(s.first_hi[i] - s.first_lo[i], 6 * s.first_se[i] + 1e-12);
  }
}

TEST(Sobol, AdditiveLinear) {
  // y = x1 + 2 x2 + 3 x3 (+ 0 x4): V_i = c_i² / 12, so S_i = ST_i = c_i² / Σ c².
  const Model f = [](const double* x) { return x[0] + 2 * x[1] + 3 * x[2]; };
  const SobolIndices s = study(f, 4, 4096, 11);
  const std::vector<double> truth{1 / 14.0, 4 / 14.0, 9 / 14.0, 0.0};
  expect_within_4se(s, truth, truth);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_GT(s.first_se[i], 0);
    EXPECT_LT(s.first_se[i], 0.05);  // a bound that says something
  }
  // An input the model ignores: A_B^(4) is A itself, so both indices are exactly 0.
  EXPECT_EQ(s.first[3], 0.0);
  EXPECT_EQ(s.total[3], 0.0);
  EXPECT_EQ(s.total_se[3], 0.0);
}

TEST(Sobol, Interaction) {
  // y = x1 + x2 + x1·x3, x ~ U(0, 1). E[y|x1] = 1.5 x1 + 0.5: V1 = 2.25/12 = 27/144;
  // E[y|x2] = x2 + 0.75: V2 = 12/144; E[y|x3] = 1 + x3/2: V3 = 3/144; the interaction
  // (x1 − ½)(x3 − ½) has variance 1/144; V = 43/144. So S = (27, 12, 3)/43, ST = (28, 12, 4)/43.
  const Model f = [](const double* x) { return x[0] + x[1] + x[0] * x[2]; };
  const SobolIndices s = study(f, 3, 8192, 5);
  expect_within_4se(s, {27 / 43.0, 12 / 43.0, 3 / 43.0}, {28 / 43.0, 12 / 43.0, 4 / 43.0});
  EXPECT_NEAR(s.variance, 43 / 144.0, 0.01);
}

TEST(Sobol, Ishigami) {
  // Ishigami–Homma (a = 7, b = 0.1, x ~ U(−π, π)): V1 = ½(1 + bπ⁴/5)², V2 = a²/8, V3 = 0,
  // V13 = 8b²π⁸/225, V = a²/8 + bπ⁴/5 + b²π⁸/18 + ½.
  constexpr double a = 7, b = 0.1, pi = std::numbers::pi;
  const Model f = [](const double* u) {
    const double x1 = (2 * u[0] - 1) * pi, x2 = (2 * u[1] - 1) * pi, x3 = (2 * u[2] - 1) * pi;
    return std::sin(x1) + a * std::sin(x2) * std::sin(x2) + b * std::pow(x3, 4) * std::sin(x1);
  };
  const double pi4 = std::pow(pi, 4), pi8 = pi4 * pi4;
  const double V = a * a / 8 + b * pi4 / 5 + b * b * pi8 / 18 + 0.5;
  const double V1 = 0.5 * (1 + b * pi4 / 5) * (1 + b * pi4 / 5), V2 = a * a / 8, V13 = 8 * b * b * pi8 / 225;
  const SobolIndices s = study(f, 3, 16384, 2024);
  expect_within_4se(s, {V1 / V, V2 / V, 0.0}, {(V1 + V13) / V, V2 / V, V13 / V});
  EXPECT_NEAR(V1 / V, 0.3139, 1e-4);  // the published values
  EXPECT_NEAR((V1 + V13) / V, 0.5576, 1e-4);
}

TEST(Sobol, BootstrapErrorMatchesTheSpreadOfIndependentDesigns) {
  // The standard error is what the 4-SE bounds rest on: over 40 independent designs the
  // estimates' standard deviation and the mean bootstrap SE agree within a factor 1.5.
  const Model f = [](const double* x) { return x[0] + x[1] + x[0] * x[2]; };
  constexpr int kDesigns = 40;
  std::vector<double> s1, st3;
  double se1 = 0, set3 = 0;
  for (int k = 0; k < kDesigns; ++k) {
    const SobolIndices s = study(f, 3, 512, 1000 + k, 200);
    s1.push_back(s.first[0]);
    st3.push_back(s.total[2]);
    se1 += s.first_se[0] / kDesigns;
    set3 += s.total_se[2] / kDesigns;
  }
  auto sd = [](const std::vector<double>& v) {
    double m = 0, q = 0;
    for (double x : v) m += x / v.size();
    for (double x : v) q += (x - m) * (x - m);
    return std::sqrt(q / (v.size() - 1));
  };
  EXPECT_GT(se1, sd(s1) / 1.5);
  EXPECT_LT(se1, sd(s1) * 1.5);
  EXPECT_GT(set3, sd(st3) / 1.5);
  EXPECT_LT(set3, sd(st3) * 1.5);
}

TEST(Sobol, EstimatorsByHand) {
  // n = 2, d = 1: yA = (1, 3), yAB = (2, 3), yB = (4, 0). The centre is 13/6; V is the variance
  // of {1, 3, 4, 0} = 2.5 (centring does not change it); yAB − yA = (1, 0). First order:
  // mean((yB − 13/6)·(1, 0)) / V = (11/6)/2/2.5 = 11/30 (without the centring it would be 4/5:
  // the estimator is not shift-invariant). Total: mean((1, 0)²) / 2V = 0.5/5 = 0.1.
  const std::vector<double> ya{1, 3}, yb{4, 0}, yab{2, 3};
  inovasi::SobolOptions opt;
  opt.resamples = 0;
  const SobolIndices s = inovasi::sobol_indices(ya, yb, yab, opt);
  EXPECT_DOUBLE_EQ(s.mean, 13.0 / 6);
  EXPECT_DOUBLE_EQ(s.variance, 2.5);
  EXPECT_DOUBLE_EQ(s.first[0], 11.0 / 30);
  EXPECT_DOUBLE_EQ(s.total[0], 0.1);
  EXPECT_TRUE(std::isnan(s.first_se[0]));  // no resamples, no errors
}

TEST(Sobol, ShiftAndScaleInvariant) {
  const Model f = [](const double* x) { return x[0] + x[1] + x[0] * x[2]; };
  const Model g = [&](const double* x) { return 1e3 + 250 * f(x); };
  const SobolIndices s = study(f, 3, 256, 3), t = study(g, 3, 256, 3);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(s.first[i], t.first[i], 1e-9);
    EXPECT_NEAR(s.total[i], t.total[i], 1e-9);
    EXPECT_NEAR(s.first_se[i], t.first_se[i], 1e-9);
    EXPECT_NEAR(s.total_hi[i], t.total_hi[i], 1e-9);
  }
}

TEST(Sobol, DeterministicAndSeeded) {
  const Model f = [](const double* x) { return x[0] * x[1] + x[2]; };
  const SobolIndices s = study(f, 3, 256, 9), t = study(f, 3, 256, 9);
  EXPECT_EQ(s.first, t.first);
  EXPECT_EQ(s.first_se, t.first_se);
  EXPECT_EQ(s.total_lo, t.total_lo);
  const SobolIndices u = study(f, 3, 256, 10);
  EXPECT_NE(s.first, u.first);
}

TEST(Sobol, ConstantOutputIsUndefined) {
  const std::vector<double> y(4 * 3, 2.5);
  const SobolIndices s = inovasi::sobol_indices(y, 1);
  EXPECT_EQ(s.variance, 0);
  EXPECT_TRUE(std::isnan(s.first[0]));
  EXPECT_TRUE(std::isnan(s.total[0]));
  EXPECT_TRUE(std::isnan(s.total_hi[0]));
}

TEST(Sobol, RefusesBadInput) {
  const std::vector<double> three(3, 1.0), four{1, 2, 3, 4}, five(5, 1.0);
  EXPECT_THROW(inovasi::sobol_indices(three, three, three), std::invalid_argument);  // N = 3
  EXPECT_THROW(inovasi::sobol_indices(four, three, four), std::invalid_argument);
  EXPECT_THROW(inovasi::sobol_indices(four, four, five), std::invalid_argument);
  EXPECT_THROW(inovasi::sobol_indices(four, four, std::span<const double>()), std::invalid_argument);
  std::vector<double> nan = four;
  nan[2] = std::nan("");
  EXPECT_THROW(inovasi::sobol_indices(four, four, nan), std::invalid_argument);
  inovasi::SobolOptions opt;
  opt.confidence = 1;
  EXPECT_THROW(inovasi::sobol_indices(four, four, four, opt), std::invalid_argument);
  EXPECT_THROW(inovasi::sobol_indices(five, 1), std::invalid_argument);  // not N(D + 2)
  EXPECT_THROW(inovasi::uniform_design(6, names(2), 0), std::invalid_argument);
  EXPECT_THROW(inovasi::uniform_design(1, names(2), 0), std::invalid_argument);
  EXPECT_THROW(inovasi::uniform_design(4, {}, 0), std::invalid_argument);
  EXPECT_NO_THROW(inovasi::check_sample_count(1u << 20));
}

TEST(SaltelliDesign, CountersAndPoints) {
  // Input i of A's sample j is the uniform draw of its key at counter 2j, of B's at 2j + 1.
  const auto des = inovasi::uniform_design(8, {"alpha", "beta"}, 77);
  namespace rnd = inovasi::random;
  for (std::size_t j = 0; j < 8; ++j) {
    EXPECT_EQ(des.a[j * 2 + 1], rnd::uniform(77, rnd::key({"sensitivity", "beta"}), 2 * j));
    EXPECT_EQ(des.b[j * 2 + 0], rnd::uniform(77, rnd::key({"sensitivity", "alpha"}), 2 * j + 1));
  }
  // points() and saltelli_counters() describe the same evaluations: a point's input takes B's
  // value exactly where its counter is B's.
  const std::vector<double> x = des.points();
  ASSERT_EQ(x.size(), 8u * 4 * 2);
  std::vector<std::uint64_t> c(2);
  for (std::size_t e = 0; e < 8 * 4; ++e) {
    inovasi::saltelli_counters(2, e, c);
    const std::size_t j = e / 4;
    for (std::size_t i = 0; i < 2; ++i) {
      const bool from_b = c[i] == inovasi::counter_of_b(j);
      EXPECT_TRUE(from_b || c[i] == inovasi::counter_of_a(j));
      EXPECT_EQ(x[e * 2 + i], from_b ? des.b[j * 2 + i] : des.a[j * 2 + i]);
    }
  }
  // Sample 0's four evaluations: A, A_B^(1), A_B^(2), B.
  inovasi::saltelli_counters(2, 1, c);
  EXPECT_EQ(c, (std::vector<std::uint64_t>{1, 0}));
  inovasi::saltelli_counters(2, 2, c);
  EXPECT_EQ(c, (std::vector<std::uint64_t>{0, 1}));
  inovasi::saltelli_counters(2, 3, c);
  EXPECT_EQ(c, (std::vector<std::uint64_t>{1, 1}));
  EXPECT_THROW(inovasi::saltelli_counters(3, 0, c), std::invalid_argument);
}

TEST(SaltelliDesign, Nested) {
  // A design of n samples is the first n of any larger one: doubling N extends a study.
  const auto small = inovasi::uniform_design(16, names(3), 4), big = inovasi::uniform_design(64, names(3), 4);
  EXPECT_TRUE(std::equal(small.a.begin(), small.a.end(), big.a.begin()));
  EXPECT_TRUE(std::equal(small.b.begin(), small.b.end(), big.b.begin()));
}

}  // namespace
