#pragma once
// The cheapest path to a target (docs/plan.md): for one region of a scenario base, the
// minimum-cost set of level steps and new innovations that brings its IID to a target value or
// category under a policy — exact, not greedy — or "unreachable" with the best IID reachable and
// what blocks the rest.
//
// The model. Each answer the policy keeps at level v, and whose evidence supports level f >= v
// (f = the claim under self_assessed, min(claim, cap) under the validated policies), may be
// raised to any level L > v: levels up to f cost nothing (the claim lowered, or raised, to what
// the evidence supports), each level above f costs the row's step cost and comes with the
// evidence that supports it. New innovations come at one level profile, cover the given
// affairs, and cost `new_cost` each. The solver is a multiple-choice knapsack over cost, exact in
// integer hundredths: for each count of new innovations the divisor, the count points and the
// gate are fixed, and every region rule (scoring/rules.hpp) is read from the rules layer.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "inovasi/scenario.hpp"

namespace inovasi {

struct PlanOptions {
  Policy policy = Policy::self_assessed;
  // The target: a rounded IID in hundredths (the edition's rounding), or a category label (read
  // with the edition's category rule). Exactly one.
  std::optional<std::int64_t> target_iid_h;
  std::optional<std::string> target_category;
  // Cost of one level step per row key (non-negative integers); rows not named cost
  // `default_cost`. Rows in `fixed_rows` do not change.
  std::map<std::string, std::int64_t> row_cost;
  std::int64_t default_cost = 1;
  std::vector<std::string> fixed_rows;
  // New innovations: at most `max_new`, each at `new_profile` (innovation row key -> level; rows
  // not named at the edition's level_min), covering `new_affairs`, at `new_cost` each.
  std::size_t max_new = 0;
  std::map<std::string, int> new_profile;
  // Instead of new_profile: per row, the lower median of the levels the policy keeps on the
  // region's counted innovations (level_min when it has none) — "one more like ours".
  bool median_profile = false;
  std::vector<std::string> new_affairs;
  std::int64_t new_cost = 1;
};

struct PlanStep {
  std::int64_t innovation = -1;  // index in the region's innovations; -1 for a government row
  std::size_t column = 0;        // index into edition.government_rows or innovation_rows
  int from = 0, to = 0;          // the level the policy keeps now, and the level after the step
  std::int64_t cost = 0;
  bool evidenced = false;        // needs evidence beyond what the answer has (to > supported level)
};

struct RegionPlan {
  std::size_t region = 0;
  Policy policy = Policy::self_assessed;
  std::int64_t target_iid_h = 0;          // the target as an IID (a category's lower bound)
  std::optional<std::size_t> target_band; // set when the target is a category
  bool reachable = false;
  std::int64_t cost = 0;                  // of the plan (the best reachable one when unreachable)
  RegionResult before, after;             // after: the plan applied, scored by the scenario base
  std::vector<PlanStep> steps;            // government rows first, then innovations, in order
  std::size_t new_innovations = 0;
  std::vector<std::uint8_t> new_profile;  // the new innovations' levels, edition innovation-row order
  std::vector<std::string> blockers;      // when unreachable: what keeps the target out of reach
  // When the edition's [U] choices decide the outcome: under the other rounding mode or the
  // other category reading, the plan's result would meet the target where it does not (or
  // not meet it where it does). `alternative_iid_h`/`alternative_category` are the result there.
  std::vector<DecidedBy> decided_by;
};

// What a step to `level` on `row` needs under a validated policy, read from the edition's
// evidence rules: the document kinds that can support the level, how the level is read from
// them (one item, distinct groups, years covered, a stated value), and the rules an item must
// pass (error severity). A row without evidence rules needs none ("unchecked").
struct StepEvidence {
  std::vector<std::string> kinds;
  std::string how;
  std::vector<std::string> rules;
  bool unchecked = false;
};
StepEvidence evidence_for(const Row& row, int level);

// Plans one region (InputError for bad options: unknown rows, negative costs or costs that could
// add up past int64, more than 100,000 new innovations, a target that is neither or both or
// outside 0–100, a policy the base's columns cannot score). New affairs outside the edition's
// gate are accepted (affairs are free text) and cover nothing.
RegionPlan plan_region(const ScenarioBase& base, std::size_t region, const PlanOptions& options);

// The plan as a scenario in the change format (steps as evidenced level changes where they need
// evidence, new innovations added at the profile): scoring it gives plan.after.
Scenario plan_scenario(const ScenarioBase& base, const RegionPlan& plan, const PlanOptions& options);

// The plan as one line of JSON (docs/plan.md: the output contract of `inovasi plan`): region,
// edition, policy, target, reachability, cost, IID before and after, the steps (with the
// evidence each needs under a validated policy), the new innovations, what blocks an unreachable
// target, and provenance (library version, edition and its SHA-256, policy).
std::string to_json(const RegionPlan& plan, const ScenarioBase& base, const PlanOptions& options);

}  // namespace inovasi

namespace inovasi {

// Marginal gains (docs/plan.md, "Marginal gains"): from a region's result under a policy, every
// single step — one level more on one changeable answer (with the evidence it needs under a
// validated policy), or one new innovation at the options' profile and affairs (which may open
// the count gate) — scored by the scenario engine, ranked by the exact IID gained (then cost,
// then edition order). Steps that gain nothing are listed too, at the end, when `all` is set.
struct StepGain {
  PlanStep step;               // innovation/column/from/to/cost/evidenced; column unused for a new innovation
  bool new_innovation = false;
  std::int64_t cost = 0;
  RegionResult after;
  // The exact IID gained, in hundredths (negative for a step that loses).
  Fraction gain;
};
std::vector<StepGain> marginal_gains(const ScenarioBase& base, std::size_t region, const PlanOptions& options,
                                     bool all = false);

// The gains of a region as JSON Lines (docs/plan.md, "Marginal gains"): one object per step, in
// rank order, with the IID after, the gain rounded to hundredths and exact, the cost, and the
// evidence the step needs under a validated policy.
std::string gains_json(const std::vector<StepGain>& gains, const ScenarioBase& base, std::size_t region,
                       const PlanOptions& options);

}  // namespace inovasi
