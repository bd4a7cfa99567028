#pragma once
// A scenario base (docs/scenario.md): a data set validated once — parsed, pre-validated, put in
// policy columns — then scored under scenarios without re-validating: claimed levels changed
// per answer, innovations switched off or added from a level profile, another policy. The
// seam that what-if, marginal gains, the cheapest path and Monte Carlo stand on.
//
// Exactness: a scenario's result for a region is, bit for bit, score() of the submission the
// scenario describes (the tests hold every policy to that). The base is immutable after
// construction: any number of threads may score scenarios against it at once, each with its
// own Workspace; scoring one region allocates nothing once the workspace has grown.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "inovasi/batch.hpp"
#include "inovasi/score.hpp"
#include "inovasi/submission.hpp"

namespace inovasi {

// A claimed level changed: `innovation` indexes the region's innovations in input order, or is
// -1 for a government row; `column` indexes edition.government_rows or innovation_rows.
// `evidenced`: the change comes with evidence that supports its level (a plan's step under a
// validated policy), so every policy keeps it: the answer's caps are raised to the level.
// Without it the answer keeps its evidence, and a validated policy may lower the new claim.
struct LevelChange {
  std::size_t region = 0;
  std::int64_t innovation = -1;
  std::size_t column = 0;
  int level = 0;
  bool evidenced = false;
};

// An innovation of the data switched off (it no longer counts: as a draft) or back on.
struct InnovationSwitch {
  std::size_t region = 0;
  std::size_t innovation = 0;
  bool enabled = false;
};

// An innovation added to a region from a level profile: K claimed levels (edition innovation
// row order), its affairs (bits of the edition's gate affairs) and status. With no evidence of
// its own, its caps say what a policy may keep of each level: by default the evidence is taken
// to support every level (caps at the edition's level_max); give caps to model weaker evidence.
struct AddedInnovation {
  std::size_t region = 0;
  std::string id;
  std::vector<std::uint8_t> levels;
  std::uint64_t affairs = 0;
  bool rejected = false;
  std::vector<std::uint8_t> supported_cap, assessor_cap;  // empty = level_max everywhere
};

// One change format for what-if, national scenarios and the application of a plan
// (docs/scenario.md gives its JSON form; parse_scenario reads it).
struct Scenario {
  Policy policy = Policy::self_assessed;
  std::vector<LevelChange> levels;
  std::vector<InnovationSwitch> switches;
  std::vector<AddedInnovation> added;
};

struct RegionResult {
  std::int64_t iid_h = 0;
  std::uint8_t category = 0;  // index into edition.bands; bands.size() = the lowest category
  std::int64_t government_h = 0, innovation_sum_h = 0, count_h = 0;
  std::int32_t counted = 0, divisor = 1;
  friend bool operator==(const RegionResult&, const RegionResult&) = default;
};

// Caller-owned scratch for scoring one region: reused across calls, it stops allocating once it
// has held the largest region a caller scores. One per thread.
class Workspace {
 public:
  Workspace();
  ~Workspace();
  Workspace(Workspace&&) noexcept;
  Workspace& operator=(Workspace&&) noexcept;

 private:
  friend class ScenarioBase;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint64_t base_ = 0;  // the base whose kernel plan this workspace holds
  std::vector<std::uint8_t> gov, gov_cap, inv, inv_cap, status;
  std::vector<std::uint64_t> affairs;
};

namespace detail {
struct KernelPlan;
struct KernelPlanDeleter {
  void operator()(KernelPlan* p) const;
};
}  // namespace detail

class ScenarioBase {
 public:
  // Pre-validates every submission once (they must share one edition).
  explicit ScenarioBase(const std::vector<Submission>& submissions);
  // A base under another edition with the same row keys: every submission re-bound to
  // `edition` (rebind(), include/inovasi/validate.hpp: answers matched by row key, levels
  // re-derived from raw values, checked against its level range), then pre-validated under it
  // (the evidence re-checked by its rules). Each region scores as its JSON read with that
  // edition overriding its own. A row key the edition lacks is an InputError naming the key,
  // both editions and the record.
  ScenarioBase(const std::vector<Submission>& submissions, EditionPtr edition);
  // From policy columns (to_policy_columns, or a generator's). Innovation ids are optional
  // (ids[j] for innovation j of the data, in column order); without them the columns' own
  // innovation_ids (schema v2) serve, and columns without ids name innovations by index only.
  explicit ScenarioBase(Columns policy_columns, std::vector<std::string> innovation_ids = {});
  ~ScenarioBase();
  ScenarioBase(ScenarioBase&&) noexcept = default;
  ScenarioBase(const ScenarioBase&) = delete;
  ScenarioBase& operator=(const ScenarioBase&) = delete;

  const Columns& columns() const { return cols_; }
  const Edition& edition() const { return *cols_.edition; }
  std::size_t regions() const { return cols_.regions; }
  std::size_t innovations_of(std::size_t region) const;
  // The nominal result (no change) of every region under a policy, computed at construction.
  const BatchResult& nominal(Policy policy) const { return nominal_[static_cast<int>(policy)]; }
  RegionResult nominal(std::size_t region, Policy policy) const;

  // Look-ups for building changes (InputError naming what is unknown).
  std::size_t region_index(const std::string& code) const;
  std::size_t innovation_index(std::size_t region, const std::string& id) const;
  // The id of innovation j of a region ("" when the base was built without ids).
  std::string innovation_id(std::size_t region, std::size_t j) const;
  std::size_t government_column(const std::string& row_key) const;
  std::size_t innovation_column(const std::string& row_key) const;

  // Checks every change against the data (region, innovation and column in range, level
  // within the edition's, added profiles of K levels); InputError with a pointer into the
  // change format ("/changes/3/level").
  void validate(const Scenario& scenario) const;

  // One region under the changes of `scenario` that name it (the others are ignored). Validates
  // the scenario (linear in its size): for many calls, prefer rescore() or score().
  RegionResult score_region(const Scenario& scenario, std::size_t region, Workspace& ws) const;
  // The fast path of what-if and marginal gains: one region with a few level changes under a
  // policy, nothing else changed (changes naming other regions are ignored; each change is
  // checked as validate() would).
  RegionResult rescore(std::size_t region, const LevelChange* changes, std::size_t count, Policy policy,
                       Workspace& ws) const;

  // Every region: those a change names are rescored, the others read from the nominal
  // results. Validates the scenario first. Identical for every thread count.
  BatchResult score(const Scenario& scenario, int threads = 1) const;

 private:
  Columns cols_;
  std::vector<std::string> ids_;
  std::vector<std::uint8_t> rejected_;  // per innovation: rejected as given (empty: read the status)
  BatchResult nominal_[4];
  std::size_t max_region_ = 0;
  std::uint64_t id_ = 0;  // unique per base: names it in the threads' scratch of score()
  std::vector<std::pair<std::string, std::size_t>> by_code_;  // sorted: code -> region
  std::unique_ptr<detail::KernelPlan, detail::KernelPlanDeleter> plan_;

  void finish();
  static void apply_change(const LevelChange& c, std::size_t K, Workspace& ws);
  bool rejected(std::size_t innovation) const;
  std::size_t load_region(std::size_t region, Policy policy, std::size_t extra, Workspace& ws) const;
  RegionResult score_region_checked(const Scenario& scenario, std::size_t region, Workspace& ws) const;
  RegionResult score_prepared(std::size_t n, Policy policy, Workspace& ws) const;
  BatchResult score_dense(const Scenario& scenario, int threads) const;
};

// The JSON change format (docs/scenario.md) read against a base: regions by code, innovations
// by id (or index), rows by key. Errors are InputError with a JSON Pointer into the text. A
// text naming an edition ("edition") must name the base's (the same file content); for another,
// build the base re-bound to scenario_edition(text) (ScenarioBase(submissions, edition)) and
// read the text against that.
Scenario parse_scenario(const std::string& json_text, const ScenarioBase& base);

// The edition a change text names ("edition": a shipped edition's name or a path to an edition
// file, resolve_edition), or null when it names none. Errors are InputError at "/edition".
EditionPtr scenario_edition(const std::string& json_text);
// Whether a and b are one edition: the same object, or the same file content (sha256).
bool same_edition(const Edition& a, const Edition& b);

}  // namespace inovasi
