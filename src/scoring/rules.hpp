#pragma once
// Internal: the rules layer. The end of the formula (methodology §3) shared by score() and score_batch(), so
// the single-region and batch paths cannot drift apart: divisor, count points, one rounding,
// category reading. Inputs are integer hundredths; nothing is rounded before the IID.
#include <algorithm>
#include <cstdint>
#include <string>

#include "inovasi/edition.hpp"
#include "inovasi/score.hpp"

namespace inovasi::detail {

// Whether an innovation applied on `applied_date` passes the edition's eligibility window (an
// innovation without a date is given the benefit of the doubt).
inline bool eligible(const Edition& ed, const std::string& applied_date) {
  if (!ed.eligibility || !ed.eligibility->enabled || applied_date.empty()) return true;
  return applied_date >= ed.eligibility->applied_from && applied_date <= ed.eligibility->applied_to;
}

// The level an answer keeps under a policy (methodology §6), from the claim and the two caps
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

inline int divisor_for(const Edition& ed, int n) { return std::max(ed.divisor_minimum, n); }

inline std::int64_t count_points_h(const Edition& ed, int n, bool gate_open) {
  return gate_open ? ed.count_rate_h * std::min(n, ed.count_cap) : 0;
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

// `both_readings`: also compute the band of the reading the edition does not use (score()
// reports when the two differ; the batch does not need it).
inline RegionTotals finish_region(const Edition& ed, std::int64_t government_h, std::int64_t innovation_sum_h,
                                  int n, bool gate_open, bool both_readings = true) {
  RegionTotals t;
  t.divisor = divisor_for(ed, n);
  t.count_h = count_points_h(ed, n, gate_open);
  const int128 D = t.divisor;
  t.total_num_h = D * (government_h + t.count_h) + innovation_sum_h;
  // IID = total / max_total × 100; in hundredths: total_num_h × 10000 / (D × max_total_h).
  t.iid_num = t.total_num_h * 10000;
  t.iid_den = D * ed.max_total_h;
  t.iid_h = round_hundredths(t.iid_num, t.iid_den, ed.rounding);
  const bool rounded = ed.category_reading == CategoryReading::rounded;
  if (rounded || both_readings) t.band_rounded = ed.band_of_hundredths(t.iid_h);
  // band_of_fraction takes IID (not hundredths): total_num_h × 100 / (D × max_total_h).
  if (!rounded || both_readings) t.band_exact = ed.band_of_fraction(t.total_num_h * 100, t.iid_den);
  t.band = rounded ? t.band_rounded : t.band_exact;
  return t;
}

}  // namespace inovasi::detail
