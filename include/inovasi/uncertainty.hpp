#pragma once
// Uncertainty of scores and ranks (docs/uncertainty.md): Monte Carlo over the inputs an
// uncertainty file says vary — whether each answer's evidence survives validation, the rows'
// weights on the edition's weight grid, the minimum divisor, the edition itself — with every
// draw a pure function of (seed, counter, identity) from inovasi/random.hpp, and streaming
// accumulators (exact IID histograms, rank counts) whose memory does not grow with replicates.
//
// The inputs come in groups (one per row's evidence, the weights, the divisor, the edition).
// A model evaluation takes one counter per group: plain Monte Carlo gives every group the
// replicate index; variance-based sensitivity (Saltelli's pick-and-freeze) gives each group the
// counter of sample matrix A or B. Results are identical for every thread count, every split
// of the replicates into blocks (merged afterwards) and every order of the input's regions.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "inovasi/batch.hpp"
#include "inovasi/edition.hpp"
#include "inovasi/evidence.hpp"

namespace inovasi {

// The level an answer keeps when its acceptance draw fails.
enum class Fallback : std::uint8_t {
  zero,       // level 0 (the default)
  supported,  // what its documents support (the `supported` policy's level), if lower
  one_lower,  // one level lower than the level it had
};
const char* to_string(Fallback f);

// A discrete choice: values[i] with probability probabilities[i] (they sum to 1).
struct DiscreteChoice {
  std::vector<int> values;
  std::vector<double> probabilities;
};

// The uncertainty file, read (parse_uncertainty) or built in code.
struct UncertaintySpec {
  Policy policy = Policy::self_assessed;  // the policy the validated levels are read under
  std::uint64_t seed = 0;
  std::uint64_t replicates = 1000;
  struct Evidence {
    bool enabled = true;
    // Every answer's acceptance probability: from the columns (the answer's `acceptance`, else
    // the product of its findings' severity factors), or this value for every answer when set
    // (0 ≤ p ≤ 1).
    bool fixed = false;
    double acceptance = 1.0;
    Fallback fallback = Fallback::zero;
    std::vector<std::string> rows;  // row keys whose evidence is drawn; empty = every row
  } evidence;
  struct Weights {
    bool enabled = false;
    // Each listed row's weight moves by k grid steps, k uniform on {-steps, ..., steps}, never
    // below 0; the maximum total is recomputed from the drawn weights (IID stays on 0–100).
    int steps = 1;
    std::int64_t step_h = 0;  // the grid in hundredths; 0 = the edition's (gcd of its weights)
    std::vector<std::string> rows;  // empty = every row
  } weights;
  DiscreteChoice divisor_minimum;  // empty = the edition's
  // Alternative editions (names or paths, resolved by the caller into columns, one per edition,
  // same regions in the same order) and their probabilities; empty = the data's edition only.
  std::vector<std::string> editions;
  std::vector<double> edition_probabilities;
};

// Reads an uncertainty file; errors are InputError with a JSON Pointer into it.
UncertaintySpec parse_uncertainty(const std::string& json_text, const std::string& source = {});

// A group of inputs: what one counter decides.
struct InputGroup {
  enum class Kind : std::uint8_t { evidence, weights, divisor_minimum, edition } kind = Kind::evidence;
  std::string name;     // "evidence:16", "weights", "divisor_minimum", "edition"
  std::string row_key;  // evidence groups: the row
};

namespace detail {
struct UncertaintyData;
}
class UncertaintyModel;
struct MonteCarloSummary;
struct MonteCarloOptions;
MonteCarloSummary run_monte_carlo(const UncertaintyModel& model, const MonteCarloOptions& options);

// Per-thread scratch of evaluate(); one per thread, reused across calls.
class UncertaintyScratch {
 public:
  UncertaintyScratch();
  ~UncertaintyScratch();
  UncertaintyScratch(UncertaintyScratch&&) noexcept;
  UncertaintyScratch& operator=(UncertaintyScratch&&) noexcept;

 private:
  friend class UncertaintyModel;
  friend MonteCarloSummary run_monte_carlo(const UncertaintyModel&, const MonteCarloOptions&);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The model a study evaluates: policy columns (schema v2, with acceptance and ids: from
// to_policy_columns, `inovasi.batch.columns(..., evidence=True)` or Parquet v2), one per
// alternative edition (columns[0] is the data's own), and the spec. Immutable once built; any
// number of threads may evaluate it at once, each with its own scratch.
class UncertaintyModel {
 public:
  UncertaintyModel(std::vector<Columns> columns, UncertaintySpec spec);
  ~UncertaintyModel();
  UncertaintyModel(UncertaintyModel&&) noexcept;
  UncertaintyModel& operator=(UncertaintyModel&&) noexcept;

  const UncertaintySpec& spec() const;
  const Columns& columns(std::size_t edition = 0) const;
  std::size_t regions() const;
  const std::vector<InputGroup>& groups() const;

  // One evaluation: counters[g] decides group g's draws. Writes each region's rounded IID in
  // hundredths and its category (index into the edition's bands; bands.size() = the lowest),
  // arrays of regions() elements. Allocates nothing once the scratch has grown.
  void evaluate(std::span<const std::uint64_t> counters, std::span<std::int64_t> iid_h,
                std::span<std::uint8_t> category, UncertaintyScratch& scratch) const;
  // The same, every group at one counter (a Monte Carlo replicate).
  void evaluate(std::uint64_t replicate, std::span<std::int64_t> iid_h, std::span<std::uint8_t> category,
                UncertaintyScratch& scratch) const;

  // Standard competition ranks (1224) on the rounded IID within each region type (national)
  // and within each type and province (as `inovasi rank` ranks them). A region in the lowest
  // category is unranked (rank 0) and left out of the others' ranks. Arrays of regions()
  // elements.
  void ranks(std::span<const std::int64_t> iid_h, std::span<const std::uint8_t> category,
             std::span<std::int32_t> national_rank, std::span<std::int32_t> province_rank,
             UncertaintyScratch& scratch) const;

 private:
  friend MonteCarloSummary run_monte_carlo(const UncertaintyModel&, const MonteCarloOptions&);
  std::unique_ptr<detail::UncertaintyData> d_;
};

// Many evaluations at once (sensitivity designs): row i of `counters` (samples × groups) gives
// row i of `iid_h` and `category` (samples × regions), on `threads` threads (the same for
// every thread count).
void evaluate_many(const UncertaintyModel& model, std::span<const std::uint64_t> counters,
                   std::span<std::int64_t> iid_h, std::span<std::uint8_t> category, int threads = 1);

// Streaming summary of replicates: exact per-region histograms of the IID in hundredths, of
// the category and of both ranks. Adding two summaries of disjoint replicate blocks gives the
// summary of their union, exactly (integer counts).
struct MonteCarloSummary {
  std::uint64_t replicates = 0;
  std::size_t regions = 0, categories = 0;
  std::vector<std::int64_t> iid_sum_h;        // per region: Σ IID hundredths
  std::vector<std::uint32_t> iid_histogram;   // regions × 10001 (IID 0.00 … 100.00)
  std::vector<std::uint32_t> category_count;  // regions × categories (bands + the lowest)
  std::size_t national_slots = 0, province_slots = 0;  // ranks 0 (unranked) … slots - 1
  std::vector<std::uint32_t> national_rank_count, province_rank_count;  // regions × slots

  void merge(const MonteCarloSummary& other);  // throws std::invalid_argument on a shape mismatch
};

struct MonteCarloOptions {
  std::uint64_t first = 0;  // replicates [first, first + count)
  std::uint64_t count = 0;  // 0 = spec().replicates - first
  int threads = 1;          // <= 0: one per hardware thread (capped as thread_count())
  std::function<void()> poll;  // called on the calling thread between blocks; may throw to stop
  std::function<void(std::uint64_t done)> progress;  // called on the calling thread
};

// Runs replicates [first, first + count) on `threads` threads and returns their summary: the
// same for every thread count, and the merge of the summaries of any split into blocks.
MonteCarloSummary run_monte_carlo(const UncertaintyModel& model, const MonteCarloOptions& options);

// Per-region statistics of a summary. Quantiles are read off the exact histogram: the q-quantile
// of R values is the value of order statistic ceil(q × R) (the first at least), so when q × R
// is a whole number k the lower of the k-th and (k+1)-th values is taken.
struct RegionUncertainty {
  double iid_mean = 0;
  std::int64_t iid_q05_h = 0, iid_q50_h = 0, iid_q95_h = 0;
  std::vector<double> category_probability;  // bands + the lowest
  double unranked_probability = 0;           // replicates in the lowest category
  // Ranks over the ranked replicates (0 when never ranked).
  std::int32_t national_rank_q50 = 0, national_rank_q05 = 0, national_rank_q95 = 0;
  std::int32_t province_rank_q50 = 0, province_rank_q05 = 0, province_rank_q95 = 0;
};
RegionUncertainty summarise(const MonteCarloSummary& summary, std::size_t region);
// The bin of order statistic ceil(q × total) of a histogram (bins 0 … size-1), q given in parts
// per million (5 % = 50000) so that the order statistic is computed exactly; -1 when empty.
std::int64_t histogram_quantile(std::span<const std::uint32_t> histogram, std::uint32_t q_ppm);

}  // namespace inovasi
