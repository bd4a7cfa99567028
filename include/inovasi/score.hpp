#pragma once
// Exact scoring of one region (docs/model.md §3): integer hundredths, exact fractions, one
// final rounding. A Score is a value with the full breakdown.
#include <cstdint>
#include <string>
#include <vector>

#include "inovasi/edition.hpp"
#include "inovasi/evidence.hpp"
#include "inovasi/submission.hpp"

namespace inovasi {

// Policy (the validation policies) is declared in evidence.hpp.

// How a cap turns a claimed level into the validated one (the rule: scoring/rules.hpp
// apply_cap). `at_most`: min(level, cap) — the supported and assessor policies. `all_or_nothing`:
// the level when it is not above the cap, else the edition's level_min — the strict policy.
enum class CapRule : std::uint8_t { at_most, all_or_nothing };

// Fraction (exact rationals, the type of the exact values below) is declared in decimal.hpp.

struct RowScore {
  int row = 0;            // edition row index
  int claimed_level = 0;  // self-assessed
  int level = 0;          // under the policy
  std::int64_t points_h = 0;
  std::int64_t claimed_points_h = 0;
  std::int64_t at_risk_h = 0;  // points at risk: self-assessed − validated (see Score)
};

struct InnovationScore {
  std::string id, name, department;
  Status status = Status::submitted;
  bool counted = false;  // counts in n (submitted or rejected, eligible)
  std::int64_t points_h = 0, claimed_points_h = 0;
  std::int64_t at_risk_h = 0;  // self-assessed − validated points
  std::vector<RowScore> rows;  // innovation rows, in edition order
};

struct DepartmentScore {
  std::string name;
  int innovations = 0;           // counted innovations
  std::int64_t points_h = 0;     // sum of their points
  Fraction mean_points;          // points (not hundredths) per counted innovation
  Fraction iid_contribution;     // points ÷ divisor × 100 / max total
  std::int64_t at_risk_h = 0;    // self-assessed − validated points of its innovations
  Fraction at_risk_iid;          // their share of the IID gap (may be negative in num)
};

// One row's points at risk: a government row's own, or an innovation row's summed over the
// counted innovations. The `iid` values of all rows add up exactly to points_at_risk_iid
// (count points never change with the policy).
struct RowRisk {
  int row = 0;                   // edition row index
  std::int64_t points_h = 0;     // self-assessed − validated, hundredths
  Fraction iid;                  // exact IID difference this row accounts for
};

struct DecidedBy {
  std::string rule;         // "rounding" or "category_reading"
  std::string chosen;       // e.g. "half_up"
  std::string alternative;  // e.g. "half_even"
  std::int64_t alternative_iid_h = 0;
  std::string alternative_category;
};

struct Score {
  std::string region_code, region_name, region_type, province;
  std::string edition;
  Policy policy = Policy::self_assessed;

  std::int64_t government_h = 0;
  std::int64_t innovation_sum_h = 0;  // Σ innovation points
  int innovations_counted = 0;        // n
  int innovations_not_counted = 0;    // drafts and ineligible
  int divisor = 1;
  Fraction innovation_average;        // in points
  std::int64_t count_h = 0;
  bool gate_applies = false, gate_open = true;
  int affairs_covered = 0;
  std::vector<std::string> affairs_covered_names;
  Fraction total;                     // in points
  Fraction iid_exact;                 // unrounded IID
  std::int64_t iid_h = 0;             // rounded IID in hundredths
  std::string category;
  std::vector<DecidedBy> decided_by;

  // Self-assessed reference and points at risk (reference − this policy; against `supported`
  // when this policy is self_assessed). Per row, innovation and department in the breakdown.
  Policy risk_reference = Policy::self_assessed;
  Policy risk_compared = Policy::self_assessed;
  std::int64_t self_assessed_iid_h = 0;
  Fraction points_at_risk;            // total points (reference − compared)
  Fraction points_at_risk_iid;        // exact IID difference
  bool points_at_risk_negative = false;

  std::vector<RowScore> government;
  std::vector<InnovationScore> innovations;
  std::vector<DepartmentScore> departments;
  std::vector<RowRisk> risk_by_row;   // every row, edition order (with the breakdown)
  std::vector<Finding> findings;      // prevalidate(submission, policy)'s, in its order
};

struct ScoreOptions {
  Policy policy = Policy::self_assessed;
  bool with_breakdown = true;
};

Score score(const Submission& submission, const ScoreOptions& options = {});

// IID rounding: an exact non-negative number of hundredths (an IID × 100) to a whole number of
// hundredths under the edition's mode: round_hundredths(Fraction::of(60005, 10), half_even) is
// 6000. The one rounding rule of the library (the batch kernel calls the same).
std::int64_t round_hundredths(const Fraction& hundredths, Rounding mode);

// Compact JSON (one line) of a score (its fields: README, "Scoring submissions").
std::string to_json(const Score& s, const Edition& edition);

}  // namespace inovasi
