// Saltelli design, Sobol' estimators and their bootstrap (include/inovasi/sensitivity.hpp).
//
// Eigen does the arithmetic that is matrix arithmetic: the design's columns are strided views of
// one batch of draws, the estimators are column-wise reductions of yAB − yA, and the bootstrap is
// one matrix product per block of resamples — (resamples × n counts) · (n × (2d + 4) per-row
// terms) — instead of gathering n rows d times for every resample.
#include "inovasi/sensitivity.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "inovasi/random.hpp"

namespace inovasi {

namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstRowMap = Eigen::Map<const RowMatrix>;
using ConstVecMap = Eigen::Map<const Eigen::VectorXd>;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Resamples per matrix product: the count block stays a few MB even for n = 2^16.
constexpr std::size_t kResampleBlock = 32;

const random::Key kBootstrapKey = random::key({"sensitivity", "bootstrap"});

// numpy.percentile's default (linear interpolation between order statistics) of sorted values.
double percentile_sorted(const std::vector<double>& v, double q) {
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  const double t = pos - static_cast<double>(lo);
  return v[lo] + (v[hi] - v[lo]) * t;
}

double sample_sd(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m += x;
  m /= static_cast<double>(v.size());
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

}  // namespace

void check_sample_count(std::size_t n) {
  if (n < 2 || !std::has_single_bit(n))
    throw std::invalid_argument("the sample count N must be a power of two of at least 2, not " + std::to_string(n));
}

void saltelli_counters(std::size_t d, std::size_t evaluation, std::span<std::uint64_t> counters) {
  if (counters.size() != d)
    throw std::invalid_argument("saltelli_counters: " + std::to_string(counters.size()) + " counters for " +
                                std::to_string(d) + " inputs");
  const std::size_t j = evaluation / (d + 2), k = evaluation % (d + 2);
  for (std::size_t i = 0; i < d; ++i)
    counters[i] = (k == d + 1 || k == i + 1) ? counter_of_b(j) : counter_of_a(j);
}

std::vector<double> SaltelliDesign::points() const {
  std::vector<double> out(n * (d + 2) * d);
  for (std::size_t j = 0; j < n; ++j) {
    const double* aj = a.data() + j * d;
    const double* bj = b.data() + j * d;
    for (std::size_t k = 0; k < d + 2; ++k) {
      double* row = out.data() + (j * (d + 2) + k) * d;
      for (std::size_t i = 0; i < d; ++i) row[i] = (k == d + 1 || k == i + 1) ? bj[i] : aj[i];
    }
  }
  return out;
}

SaltelliDesign uniform_design(std::size_t n, const std::vector<std::string>& inputs, std::uint64_t seed) {
  check_sample_count(n);
  if (inputs.empty()) throw std::invalid_argument("a design needs at least one input");
  SaltelliDesign des;
  des.n = n;
  des.d = inputs.size();
  des.a.resize(n * des.d);
  des.b.resize(n * des.d);
  Eigen::Map<RowMatrix> a(des.a.data(), Eigen::Index(n), Eigen::Index(des.d));
  Eigen::Map<RowMatrix> b(des.b.data(), Eigen::Index(n), Eigen::Index(des.d));
  std::vector<double> draws(2 * n);
  for (std::size_t i = 0; i < des.d; ++i) {
    // Counters 0 … 2n − 1 of input i's stream: A's samples at the even ones, B's at the odd.
    random::fill_uniform(seed, random::key({"sensitivity", inputs[i]}), 0, draws);
    using Strided = Eigen::Map<const Eigen::VectorXd, 0, Eigen::InnerStride<2>>;
    a.col(Eigen::Index(i)) = Strided(draws.data(), Eigen::Index(n));
    b.col(Eigen::Index(i)) = Strided(draws.data() + 1, Eigen::Index(n));
  }
  return des;
}

SobolIndices sobol_indices(std::span<const double> ya_in, std::span<const double> yb_in,
                           std::span<const double> yab_in, const SobolOptions& options) {
  const std::size_t n = ya_in.size();
  check_sample_count(n);
  if (yb_in.size() != n)
    throw std::invalid_argument("yB has " + std::to_string(yb_in.size()) + " outputs, yA " + std::to_string(n));
  if (yab_in.empty() || yab_in.size() % n != 0)
    throw std::invalid_argument("yAB has " + std::to_string(yab_in.size()) + " outputs: not N × D for N = " +
                                std::to_string(n) + " and some D ≥ 1");
  if (!(options.confidence > 0 && options.confidence < 1))
    throw std::invalid_argument("the confidence level must be in (0, 1), not " + std::to_string(options.confidence));
  const std::size_t d = yab_in.size() / n;
  const auto N = Eigen::Index(n), D = Eigen::Index(d);
  const ConstVecMap ya0(ya_in.data(), N), yb0(yb_in.data(), N);
  const ConstRowMap yab0(yab_in.data(), N, D);
  if (!ya0.allFinite() || !yb0.allFinite() || !yab0.allFinite())
    throw std::invalid_argument("model outputs must be finite numbers (a NaN or an infinity was given)");

  SobolIndices s;
  s.n = n;
  s.d = d;
  s.resamples = options.resamples;
  s.confidence = options.confidence;
  s.mean = (ya0.sum() + yb0.sum() + yab0.sum()) / static_cast<double>(n * (d + 2));
  const Eigen::VectorXd a = ya0.array() - s.mean, b = yb0.array() - s.mean;
  // diff(j, i) = yAB_ji − yA_j: both estimators are reductions of it.
  const Eigen::MatrixXd diff = (yab0.array() - s.mean).matrix().colwise() - a;
  const double m = (a.sum() + b.sum()) / static_cast<double>(2 * n);
  s.variance = ((a.array() - m).square().sum() + (b.array() - m).square().sum()) / static_cast<double>(2 * n);

  s.first.assign(d, kNaN);
  s.total.assign(d, kNaN);
  s.first_se.assign(d, kNaN);
  s.total_se.assign(d, kNaN);
  s.first_lo.assign(d, kNaN);
  s.first_hi.assign(d, kNaN);
  s.total_lo.assign(d, kNaN);
  s.total_hi.assign(d, kNaN);
  if (!(s.variance > 0)) return s;  // undefined: the output does not vary
  const double nd = static_cast<double>(n);
  const Eigen::VectorXd first = (diff.transpose() * b) / (nd * s.variance);
  const Eigen::VectorXd total = diff.colwise().squaredNorm().transpose() / (2 * nd * s.variance);
  for (std::size_t i = 0; i < d; ++i) {
    s.first[i] = first(Eigen::Index(i));
    s.total[i] = total(Eigen::Index(i));
  }
  if (options.resamples == 0) return s;

  // Per-row terms whose count-weighted sums give a resample's estimators: d numerators of the
  // first-order index, d of the total, then Σa, Σb, Σa², Σb² for V.
  Eigen::MatrixXd terms(N, 2 * D + 4);
  terms.leftCols(D) = diff.array().colwise() * b.array();
  terms.middleCols(D, D) = diff.array().square();
  terms.col(2 * D) = a;
  terms.col(2 * D + 1) = b;
  terms.col(2 * D + 2) = a.array().square();
  terms.col(2 * D + 3) = b.array().square();

  const std::size_t R = options.resamples;
  const int shift = 64 - std::countr_zero(n);  // n = 2^k: a row is the top k bits of a word
  std::vector<std::vector<double>> boot_first(d, std::vector<double>(R)), boot_total(d, std::vector<double>(R));
  std::vector<std::uint64_t> words(n);
  Eigen::MatrixXd counts, sums;
  for (std::size_t r0 = 0; r0 < R; r0 += kResampleBlock) {
    const std::size_t rb = std::min(kResampleBlock, R - r0);
    counts.setZero(Eigen::Index(rb), N);
    for (std::size_t r = 0; r < rb; ++r) {
      random::fill_bits(options.seed, kBootstrapKey, (r0 + r) * n, words);
      for (std::uint64_t w : words) counts(Eigen::Index(r), Eigen::Index(w >> shift)) += 1;
    }
    sums.noalias() = counts * terms;
    for (std::size_t r = 0; r < rb; ++r) {
      const auto row = sums.row(Eigen::Index(r));
      const double mr = (row(2 * D) + row(2 * D + 1)) / (2 * nd);
      const double vr = (row(2 * D + 2) + row(2 * D + 3)) / (2 * nd) - mr * mr;
      // SALib's rule for a resample without variance (all of its A and B rows equal; SALib
      // compares with machine epsilon on standardised outputs, hence relative to V here).
      const bool varies = vr > std::numeric_limits<double>::epsilon() * s.variance;
      for (std::size_t i = 0; i < d; ++i) {
        boot_first[i][r0 + r] = varies ? row(Eigen::Index(i)) / (nd * vr) : 0.0;
        boot_total[i][r0 + r] = varies ? row(D + Eigen::Index(i)) / (2 * nd * vr) : 0.0;
      }
    }
  }
  const double qlo = (1 - options.confidence) / 2, qhi = (1 + options.confidence) / 2;
  for (std::size_t i = 0; i < d; ++i) {
    if (R >= 2) {
      s.first_se[i] = sample_sd(boot_first[i]);
      s.total_se[i] = sample_sd(boot_total[i]);
    }
    std::sort(boot_first[i].begin(), boot_first[i].end());
    std::sort(boot_total[i].begin(), boot_total[i].end());
    s.first_lo[i] = percentile_sorted(boot_first[i], qlo);
    s.first_hi[i] = percentile_sorted(boot_first[i], qhi);
    s.total_lo[i] = percentile_sorted(boot_total[i], qlo);
    s.total_hi[i] = percentile_sorted(boot_total[i], qhi);
  }
  return s;
}

SobolIndices sobol_indices(std::span<const double> y, std::size_t d, const SobolOptions& options) {
  if (d == 0 || y.size() % (d + 2) != 0)
    throw std::invalid_argument(std::to_string(y.size()) + " outputs are not N(D + 2) for D = " + std::to_string(d));
  const std::size_t n = y.size() / (d + 2);
  std::vector<double> ya(n), yb(n), yab(n * d);
  for (std::size_t j = 0; j < n; ++j) {
    const double* row = y.data() + j * (d + 2);
    ya[j] = row[0];
    for (std::size_t i = 0; i < d; ++i) yab[j * d + i] = row[i + 1];
    yb[j] = row[d + 1];
  }
  return sobol_indices(ya, yb, yab, options);
}

}  // namespace inovasi
