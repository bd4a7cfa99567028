#pragma once
// Variance-based sensitivity (docs/sensitivity.md): Saltelli's pick-and-freeze design and the
// first-order (Saltelli 2010) and total (Jansen 1999) Sobol' indices, with bootstrap intervals
// whose resamples come from the counter-based generator (inovasi/random.hpp), so a study is
// reproducible bit for bit from its seed.
//
// The design: two independent sample matrices A and B (N × D, one column per input or group of
// inputs) and, for each input i, A_B^(i): A with column i taken from B. A model evaluated on the
// rows of A, B and every A_B^(i) gives yA, yB (N each) and yAB (N × D): N(D + 2) evaluations.
//
// Counters: sample j of A is counter 2j, sample j of B counter 2j + 1, for every input (the
// scheme UncertaintyModel::evaluate takes, one counter per group). A design of N samples is the
// first N samples of any larger one.
//
// The public interface is plain spans and vectors; the arithmetic (design matrices, estimators,
// the bootstrap as one matrix product) is Eigen, inside the library.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace inovasi {

// The counters of the design's matrices (see above).
constexpr std::uint64_t counter_of_a(std::uint64_t sample) noexcept { return 2 * sample; }
constexpr std::uint64_t counter_of_b(std::uint64_t sample) noexcept { return 2 * sample + 1; }

// Throws std::invalid_argument unless n is a power of two of at least 2 (the size of every
// design here: SALib's Sobol'-sequence sampler asks the same, so a study's N carries over, and
// the bootstrap's row draw is then exactly the top log2(n) bits of one random word).
void check_sample_count(std::size_t n);

// Evaluation `e` of a design with n samples and d inputs, in SALib's order (calc_second_order
// off): evaluation e belongs to sample j = e / (d + 2); its place k = e % (d + 2) is A (k = 0),
// A_B^(k-1) (1 ≤ k ≤ d) or B (k = d + 1). Writes each input's counter: input i takes B's
// counter when k = d + 1 or k = i + 1, A's otherwise. counters.size() must be d.
void saltelli_counters(std::size_t d, std::size_t evaluation, std::span<std::uint64_t> counters);

// A design for a generic model with inputs uniform on [0, 1): input i of A's sample j is
// random::uniform(seed, key({"sensitivity", inputs[i]}), 2j), of B's sample j the same at 2j + 1.
struct SaltelliDesign {
  std::size_t n = 0, d = 0;
  std::vector<double> a, b;  // row-major n × d: a[j * d + i] = input i of sample j
  // Every evaluation's point, in the order of saltelli_counters: n(d + 2) rows × d, row-major
  // (the layout of SALib's `saltelli.sample(..., calc_second_order=False)`).
  std::vector<double> points() const;
};
SaltelliDesign uniform_design(std::size_t n, const std::vector<std::string>& inputs, std::uint64_t seed);

struct SobolOptions {
  std::size_t resamples = 1000;  // bootstrap resamples of the n rows; 0: no standard errors or intervals
  double confidence = 0.95;      // of the percentile intervals, in (0, 1)
  std::uint64_t seed = 0;        // the bootstrap's draws: key {"sensitivity", "bootstrap"}, counter r·n + k
};

// Indices of d inputs from n samples. Before anything else the outputs are centred on the mean
// of all n(d + 2) of them (as SALib does: the first-order estimator is not invariant to a shift
// of y in a finite sample, and centring lowers its variance). Then, with V the variance
// (denominator 2n) of yA and yB taken together:
//   first[i] = mean_j(yB_j · (yAB_ji − yA_j)) / V               (Saltelli et al. 2010)
//   total[i] = mean_j((yA_j − yAB_ji)²) / (2V)                  (Jansen 1999)
// Bootstrap: resample r draws n rows with replacement (row k of resample r is the top log2(n)
// bits of bits(seed, key, r·n + k)), recomputes both estimators on them (centring kept, V of the
// resampled rows; a resample whose V is 0 gives indices 0, as SALib's); the standard error is the
// resamples' standard deviation (denominator R − 1), the interval their percentiles at
// (1 ∓ confidence) / 2 (linear interpolation between order statistics, numpy's default).
// When V is 0 (the output does not vary over A and B) every index is NaN: it is undefined.
struct SobolIndices {
  std::size_t n = 0, d = 0, resamples = 0;
  double confidence = 0;
  double mean = 0;      // of all n(d + 2) outputs (the centre)
  double variance = 0;  // V
  std::vector<double> first, total;                            // d each
  std::vector<double> first_se, total_se;                      // NaN without resamples
  std::vector<double> first_lo, first_hi, total_lo, total_hi;  // NaN without resamples
};

// ya, yb: n outputs each; yab: n × d, row-major (yab[j * d + i] is A_B^(i)'s sample j). Throws
// std::invalid_argument on a size that does not match, n not a power of two, a non-finite
// output or a confidence outside (0, 1).
SobolIndices sobol_indices(std::span<const double> ya, std::span<const double> yb, std::span<const double> yab,
                           const SobolOptions& options = {});
// The same from all n(d + 2) outputs in saltelli_counters' (SALib's) order.
SobolIndices sobol_indices(std::span<const double> y, std::size_t d, const SobolOptions& options = {});

}  // namespace inovasi

// --- Studies of the IID model (UncertaintyModel, inovasi/uncertainty.hpp) ---------------------

namespace inovasi {

class UncertaintyModel;

// The output a study explains.
struct SensitivityOutput {
  enum class Kind : std::uint8_t {
    iid,            // one region's rounded IID, in points
    national_rank,  // one region's rank among the regions of its type
    province_rank,  // one region's rank within its province (not for a province itself)
    rank_shift,     // mean |national rank − nominal national rank| over the regions ranked nominally
  } kind = Kind::iid;
  std::size_t region = 0;  // index into the model's regions (not for rank_shift)
};
// A region that falls to the lowest category in an evaluation is unranked; a rank output then
// counts it one below the last ranked region of its peers (its type nationally, its province's
// kabupaten and kota), so unranking weighs like falling to the bottom.

struct SensitivityOptions {
  std::size_t samples = 256;  // N, a power of two: N(D + 2) model evaluations
  int threads = 1;            // <= 0: one per hardware thread; the result does not depend on it
  SobolOptions bootstrap;     // its seed: the model's (spec().seed), whatever is set here
  std::function<void()> poll;                         // between blocks, calling thread; may throw to stop
  std::function<void(std::uint64_t done)> progress;  // evaluations done, calling thread
};

struct SensitivityStudy {
  std::vector<std::string> groups;  // the model's input groups, one index each
  SobolIndices indices;
  std::vector<double> outputs;      // all N(D + 2), in saltelli_counters' order
};

// The nominal scores' ranks (the columns scored under the spec's policy, nothing drawn):
// national and province ranks as UncertaintyModel::ranks gives them.
void nominal_ranks(const UncertaintyModel& model, std::span<std::int32_t> national_rank,
                   std::span<std::int32_t> province_rank, int threads = 1);

// Evaluates the model on the Saltelli design (each group's counter: 2j in A, 2j + 1 in B, of the
// spec's seed), reads the output off each evaluation and estimates the indices.
SensitivityStudy run_sensitivity(const UncertaintyModel& model, const SensitivityOutput& output,
                                 const SensitivityOptions& options = {});

// Leave one row out: row k's weight set to 0 (the maximum total recomputed, reweighted()), every
// region rescored under the spec's policy from the model's first edition columns, nothing drawn,
// and the national ranks compared with the nominal ones.
struct RowImpact {
  std::string row_key;
  double mean_abs_rank_shift = 0;  // over the regions ranked nominally
  std::int32_t max_abs_rank_shift = 0;
  std::size_t regions_moved = 0;   // whose rank changed
  double mean_iid_change = 0;      // points
};
std::vector<RowImpact> leave_one_row_out(const UncertaintyModel& model, int threads = 1,
                                         const std::function<void(std::size_t rows_done)>& progress = {});

}  // namespace inovasi
