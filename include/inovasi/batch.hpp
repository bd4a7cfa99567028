#pragma once
// Columnar batch scoring (docs/model.md §3 over many regions at once). The layout is documented in
// docs/batch.md: dense uint8 level matrices, region offsets, per-innovation status and affairs
// bitmasks. No per-innovation heap objects; results are bit-identical to score() for every
// thread count.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "inovasi/edition.hpp"
#include "inovasi/score.hpp"
#include "inovasi/submission.hpp"

namespace inovasi {

// Status codes in the `status` column (the values of inovasi::Status). An innovation the
// edition's eligibility rule excludes is stored as not_counted.
enum : std::uint8_t { kNotCounted = 0, kSubmitted = 1, kRejected = 2 };

// Region cluster bits of Columns::clusters (the format's fixed vocabulary).
enum : std::uint8_t { kClusterTertinggal = 1, kClusterPerbatasan = 2, kClusterPapua = 4 };
std::uint8_t cluster_bits(const std::vector<std::string>& clusters);  // unknown names are ignored

// Non-owning view of columnar data. Matrices are row-major and C-contiguous:
//   government_levels  regions × G      G = edition.government_rows.size(), edition row order
//   innovation_levels  innovations × K  K = edition.innovation_rows.size()
//   region_offsets     regions + 1      innovations of region r: [offsets[r], offsets[r+1])
//   status             innovations      kNotCounted / kSubmitted / kRejected
//   affairs            innovations      bit i set = covers edition.gate->affairs[i]; may be null
//                                        (no affairs known: a 2026-style gate stays closed)
//   *_caps             same shapes as the level matrices; may be null. The validated level is
//                      the claimed level under the caps' rule (cap_rule): min(level, cap) by
//                      default, or all-or-nothing for the strict policy (score.hpp, CapRule).
// Caps that hold a policy's result at today's claims (to_columns with a policy: the columns v1
// form, superseded) freeze that policy at the claims; the claim-independent caps of policy
// columns (Columns::view(Policy), schema v2) validate any claimed level exactly.
struct ColumnsView {
  const Edition* edition = nullptr;
  std::size_t regions = 0, innovations = 0;
  const std::uint8_t* government_levels = nullptr;
  const std::uint8_t* innovation_levels = nullptr;
  const std::int64_t* region_offsets = nullptr;
  const std::uint8_t* status = nullptr;
  const std::uint64_t* affairs = nullptr;
  const std::uint8_t* government_caps = nullptr;
  const std::uint8_t* innovation_caps = nullptr;
  CapRule cap_rule = CapRule::at_most;
};

// Owning columnar data set with region metadata (what the generator and to_columns produce).
struct Columns {
  EditionPtr edition;
  std::size_t regions = 0, innovations = 0;
  std::vector<std::uint8_t> government_levels, innovation_levels;
  std::vector<std::int64_t> region_offsets{0};
  std::vector<std::uint8_t> status;
  std::vector<std::uint64_t> affairs;
  std::vector<std::uint8_t> government_caps, innovation_caps;  // v1: one policy at today's claims; empty = none
  // Schema v2, policy columns (to_policy_columns): per answer, the caps its evidence gives
  // independently of the claim (AnswerCheck::supported_cap / assessor_cap), so that every policy
  // is computed for any claimed level. Empty when the columns carry no evidence.
  std::vector<std::uint8_t> government_supported_cap, innovation_supported_cap;
  std::vector<std::uint8_t> government_assessor_cap, innovation_assessor_cap;
  // Schema v2, per answer (same shapes as the level matrices), filled with the v2 caps: the
  // acceptance probability (AnswerCheck::acceptance) quantised by acceptance_q16: 65535 = 1.
  std::vector<std::uint16_t> government_acceptance, innovation_acceptance;
  // Schema v2, per answer: the raw `value` the input gave (and the basis it was read under, for
  // a row with bases; "" otherwise), as an index into the aspect's value table, -1 = no value
  // (a level given alone). Tables list the given values in answer order (row-major: region or
  // innovation, then edition row), so a later pass can derive the levels under another edition
  // with the same row keys. Filled by every producer; the generator gives levels only (all -1).
  struct ValueTable {
    std::vector<std::string> value, basis;
  };
  std::vector<std::int32_t> government_value, innovation_value;
  ValueTable government_values, innovation_values;
  // Schema v2, per innovation: its id, and its department as an index into `departments` (the
  // distinct departments in order of first appearance; "" when none is given).
  std::vector<std::string> innovation_ids;
  std::vector<std::string> departments;
  std::vector<std::uint32_t> department_index;
  // Region metadata, one entry per region.
  std::vector<std::string> codes, names, provinces;
  std::vector<std::uint8_t> types;  // RegionType values
  std::vector<std::uint8_t> clusters;  // bits: kClusterTertinggal | kClusterPerbatasan | kClusterPapua

  ColumnsView view() const;
  // The view that scores `policy` from the v2 caps (no caps for self_assessed); throws
  // InputError when the columns hold no evidence caps and the policy needs them.
  ColumnsView view(Policy policy) const;
  bool policy_caps = false;  // the v2 caps are filled (to_policy_columns)
};

// Per-region outputs, caller-owned arrays of `regions` elements (any may be null except iid_h).
struct BatchOutputView {
  std::int64_t* iid_h = nullptr;          // rounded IID, hundredths
  std::uint8_t* category = nullptr;       // index into edition.bands; bands.size() = lowest
  std::int64_t* government_h = nullptr;   // SPD points, hundredths
  std::int64_t* innovation_sum_h = nullptr;  // Σ innovation points, hundredths
  std::int32_t* counted = nullptr;        // n
  std::int32_t* divisor = nullptr;        // max(d_min, n)
  std::int64_t* count_h = nullptr;        // count points, hundredths (0 behind a closed gate)
  // Optional per-innovation outputs, arrays of `innovations` elements (null: not computed, and
  // the nominal pass pays one test per region): the innovation's points in hundredths under the
  // view's caps — InnovationScore::points_h of score(), 0 for rejected, not counted and
  // mandatory-zeroed innovations — and whether it counts in n (InnovationScore::counted).
  std::int64_t* innovation_points_h = nullptr;
  std::uint8_t* innovation_counted = nullptr;
};

struct BatchResult {
  std::vector<std::int64_t> iid_h, government_h, innovation_sum_h, count_h;
  std::vector<std::uint8_t> category;
  std::vector<std::int32_t> counted, divisor;
};

// The threads a threaded call (score_batch, read_columns, ScenarioBase::score) uses when asked
// for `requested`: <= 0 is one per hardware thread, and more than max_threads() — 4 per hardware
// thread — is capped there, so threads=5000 cannot start (and the pool keep) 5,000 threads. More
// gains nothing, even on a machine whose threads block.
std::size_t max_threads();
std::size_t thread_count(long long requested);

// Checks shapes, offsets (monotone, ending at innovations), level and cap ranges, status codes
// and affairs bits; throws InputError with a pointer such as "/innovation_levels/12/3".
void validate(const ColumnsView& columns);

// Scores every region; threads <= 0 means one per hardware thread. Validates first. Threads
// come from a pool the library keeps between calls (docs/batch.md); safe to call from several
// threads at once and after fork().
void score_batch(const ColumnsView& columns, const BatchOutputView& out, int threads = 1);
BatchResult score_batch(const ColumnsView& columns, int threads = 1);

// The per-region results and, per innovation, its points and whether it counts.
struct BatchInnovationResult {
  BatchResult regions;
  std::vector<std::int64_t> points_h;
  std::vector<std::uint8_t> counted;
};
BatchInnovationResult score_batch_innovations(const ColumnsView& columns, int threads = 1);

// Columns of parsed submissions (all scored under `edition`, which must be the edition of every
// submission), with caps holding the validated levels under `policy` (none for self_assessed).
Columns to_columns(const std::vector<Submission>& submissions, Policy policy = Policy::self_assessed);

// Policy columns (schema v2): claimed levels plus, per answer, the claim-independent caps of
// every policy and the acceptance from one pre-validation of each submission (no v1 caps).
// Every form (to_columns too) carries ids, departments, raw values and clusters.
Columns to_policy_columns(const std::vector<Submission>& submissions);

}  // namespace inovasi
