#pragma once
// Internal: the rules layer, the one place for every rule of a region's arithmetic (docs/model.md
// §3). score() and the batch kernel both call these functions (the kernel reads the per-standing
// table they fill, once per edition), so the single-region and batch paths cannot drift apart.
// A fast path may lay the data out differently; it never restates a rule. Inputs are integer
// hundredths; nothing is rounded before the IID.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include "inovasi/edition.hpp"
#include "inovasi/score.hpp"
#include "inovasi/submission.hpp"
#include "model/wide.hpp"

namespace inovasi::detail {

// Whether an innovation applied on `applied_date` passes the edition's eligibility window (an
// innovation without a date is given the benefit of the doubt).
inline bool eligible(const Edition& ed, const std::string& applied_date) {
  if (!ed.eligibility || !ed.eligibility->enabled || applied_date.empty()) return true;
  return applied_date >= ed.eligibility->applied_from && applied_date <= ed.eligibility->applied_to;
}

// An innovation's standing in its region's arithmetic, from its status and the eligibility
// window. The batch's `status` column stores exactly these codes (kNotCounted, kSubmitted,
// kRejected in batch.hpp).
enum class Standing : std::uint8_t { not_counted = 0, submitted = 1, rejected = 2 };
inline constexpr std::size_t kStandings = 3;

inline Standing standing(Status status, bool is_eligible) {
  if (status == Status::draft || !is_eligible) return Standing::not_counted;
  return status == Status::rejected ? Standing::rejected : Standing::submitted;
}
inline Standing standing(const Edition& ed, const Innovation& inv) {
  return standing(inv.status, eligible(ed, inv.applied_date));
}

// Counts in n (and so in the divisor and the count points): submitted or rejected, eligible.
inline bool counts_in_n(Standing s) { return s != Standing::not_counted; }
// Scores points: only a submitted innovation. A rejected (or not counted) one scores 0 under
// every policy, whatever it claims.
inline bool scores_points(Standing s) { return s == Standing::submitted; }
// Covers its affairs for the count gate: the innovations that count in n, or only the
// submitted ones when the gate says so.
inline bool covers_gate(Standing s, const CountGate& gate) {
  return gate.counted == GateCounted::counted ? counts_in_n(s) : s == Standing::submitted;
}

// The three answers per standing, as bit flags: what the batch kernel reads (one lookup per
// innovation, or one byte shuffle per 32 of them).
enum : std::uint8_t { kCountsInN = 1, kScoresPoints = 2, kCoversGate = 4 };
// 16 entries (standings past kStandings are 0) so that a 16-byte shuffle can index it.
using StandingTable = std::array<std::uint8_t, 16>;
inline StandingTable standing_table(const Edition& ed) {
  StandingTable t{};
  for (std::size_t i = 0; i < kStandings; ++i) {
    const auto s = static_cast<Standing>(i);
    t[i] = static_cast<std::uint8_t>((counts_in_n(s) ? kCountsInN : 0) | (scores_points(s) ? kScoresPoints : 0) |
                                     (ed.gate && covers_gate(s, *ed.gate) ? kCoversGate : 0));
  }
  return t;
}

// The mandatory rule (docs/model.md §6): a mandatory row is unmet when its claimed level is 0 (an
// answer not given reads as 0); under `zero_innovation` an unmet row zeroes the innovation's
// points, otherwise it is a finding only.
inline bool mandatory_unmet(const Row& row, int claimed_level) { return row.mandatory && claimed_level == 0; }
inline bool mandatory_zeroes(const Edition& ed, const Row& row) {
  return row.mandatory && ed.mandatory_rule == MandatoryRule::zero_innovation;
}
inline bool mandatory_zeroes(const Edition& ed, bool any_unmet) {
  return any_unmet && ed.mandatory_rule == MandatoryRule::zero_innovation;
}

// The level an answer keeps under a policy (docs/model.md §6), from the claim and the two caps
// pre-validation derives from its evidence independently of the claim (evidence.hpp,
// AnswerCheck): policies only ever lower a claim. `strict` keeps a claim its evidence fully
// supports and gives level_min otherwise (an error-severity finding on a checked answer means
// exactly that the claim exceeds what passing items support: a failing item beside items that
// already support the claim is only a warning). Written for any integer type: the batch kernel
// applies the same rule to bytes (its SIMD form is checked against this one by the tests).
template <class L>
constexpr L apply_cap(CapRule rule, L level, L cap, L level_min) {
  if (rule == CapRule::at_most) return std::min(level, cap);
  return level <= cap ? level : std::min(level, level_min);
}

constexpr CapRule cap_rule_of(Policy policy) {
  return policy == Policy::strict ? CapRule::all_or_nothing : CapRule::at_most;
}

// The cap a policy reads (self_assessed reads none: the level_max cap leaves every claim).
constexpr int cap_of(Policy policy, int supported_cap, int assessor_cap, int level_max) {
  return policy == Policy::self_assessed ? level_max : policy == Policy::assessor ? assessor_cap : supported_cap;
}

inline int validated_level(Policy policy, int claimed, int supported_cap, int assessor_cap, const Edition& ed) {
  return apply_cap(cap_rule_of(policy), claimed, cap_of(policy, supported_cap, assessor_cap, ed.level_max),
                   ed.level_min);
}

// An answer's points, hundredths. Linear in the level: the points of many answers of one row
// are the points of their level sum (Monte Carlo accumulates sums, not answers).
inline std::int64_t points_h(std::int64_t weight_h, std::int64_t level) { return weight_h * level; }

// The count gate: open when enough of its affairs are covered (no gate: always open).
inline bool gate_open(int covered_count, const CountGate& gate) { return covered_count >= gate.min_covered; }
inline bool gate_open(int covered_count, const Edition& ed) { return !ed.gate || gate_open(covered_count, *ed.gate); }

inline int divisor_for(const Edition& ed, int n) { return std::max(ed.divisor_minimum, n); }

inline std::int64_t count_points_h(const Edition& ed, int n, bool is_gate_open) {
  return is_gate_open ? ed.count_rate_h * std::min(n, ed.count_cap) : 0;
}

// A region's total in hundredths × divisor: government and count points weigh once per seat of
// the divisor, the innovation sum once (it is averaged over the divisor).
inline int128 total_num_h(int divisor, std::int64_t government_h, std::int64_t count_h, std::int64_t innovation_sum_h) {
  return int128(divisor) * (government_h + count_h) + innovation_sum_h;
}

struct RegionTotals {
  int divisor = 1;
  std::int64_t count_h = 0;
  int128 total_num_h = 0;     // total points in hundredths × divisor
  int128 iid_num = 0, iid_den = 1;  // IID in hundredths = iid_num / iid_den (unrounded)
  std::int64_t iid_h = 0;     // rounded once, the edition's mode
  std::size_t band = 0;       // the edition's reading (rounded or unrounded)
  std::size_t band_rounded = 0, band_exact = 0;
};

// The end of the formula: divisor, count points, the single rounding, the category band.
// `both_readings`: also compute the band of the reading the edition does not use (score()
// reports when the two differ; the batch does not need it).
inline RegionTotals finish_region(const Edition& ed, std::int64_t government_h, std::int64_t innovation_sum_h,
                                  int n, bool is_gate_open, bool both_readings = true) {
  RegionTotals t;
  t.divisor = divisor_for(ed, n);
  t.count_h = count_points_h(ed, n, is_gate_open);
  const int128 D = t.divisor;
  t.total_num_h = total_num_h(t.divisor, government_h, t.count_h, innovation_sum_h);
  // IID = total / max_total × 100; in hundredths: total_num_h × 10000 / (D × max_total_h).
  t.iid_num = t.total_num_h * 10000;
  t.iid_den = D * ed.max_total_h;
  t.iid_h = round_hundredths(t.iid_num, t.iid_den, ed.rounding);
  const bool rounded = ed.category_reading == CategoryReading::rounded;
  if (rounded || both_readings) t.band_rounded = ed.band_of_hundredths(t.iid_h);
  // band_of_fraction takes IID (not hundredths): total_num_h × 100 / (D × max_total_h).
  if (!rounded || both_readings) t.band_exact = band_of_fraction(ed, t.total_num_h * 100, t.iid_den);
  t.band = rounded ? t.band_rounded : t.band_exact;
  return t;
}

}  // namespace inovasi::detail
