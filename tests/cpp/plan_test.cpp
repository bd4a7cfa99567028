// The cheapest path to a target (include/inovasi/plan.hpp) against exhaustive search: on random
// small regions (random claims, evidence caps, statuses and affairs, under every policy, on the
// iid-2023 edition and the iid-2026 one with its count gate) every way of changing the
// changeable answers — any claimed level, with or without new evidence — and every count of new
// innovations is scored by the scenario engine; the planner's cost, reachability and (when
// unreachable) best IID must equal the search's, and its plan must score, through the scenario
// engine, to the IID it reports. Worked cases check the model by hand.
#include "inovasi/plan.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <iostream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "inovasi/error.hpp"
#include "inovasi/scenario.hpp"
#include "test_util.hpp"

// The test's own exact arithmetic (the library keeps its 128-bit integers internal).
__extension__ typedef __int128 int128;

using namespace inovasi;

namespace {

constexpr Policy kPolicies[] = {Policy::self_assessed, Policy::supported, Policy::strict, Policy::assessor};

// One region of `n` innovations with random claims and caps (policy columns).
Columns random_region(const EditionPtr& ed, std::size_t n, std::mt19937_64& rng) {
  const std::size_t G = ed->government_rows.size(), K = ed->innovation_rows.size();
  std::uniform_int_distribution<int> level(ed->level_min, ed->level_max);
  Columns c;
  c.edition = ed;
  c.regions = 1;
  c.innovations = n;
  c.region_offsets = {0, static_cast<std::int64_t>(n)};
  for (std::size_t g = 0; g < G; ++g) {
    c.government_levels.push_back(static_cast<std::uint8_t>(level(rng)));
    c.government_supported_cap.push_back(static_cast<std::uint8_t>(level(rng)));
    c.government_assessor_cap.push_back(static_cast<std::uint8_t>(level(rng)));
  }
  const std::size_t affairs = ed->gate ? ed->gate->affairs.size() : 0;
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t k = 0; k < K; ++k) {
      c.innovation_levels.push_back(static_cast<std::uint8_t>(rng() % 5 == 0 ? 0 : level(rng)));
      c.innovation_supported_cap.push_back(static_cast<std::uint8_t>(level(rng)));
      c.innovation_assessor_cap.push_back(static_cast<std::uint8_t>(level(rng)));
    }
    const int s = static_cast<int>(rng() % 8);
    c.status.push_back(static_cast<std::uint8_t>(s == 0 ? kNotCounted : s == 1 ? kRejected : kSubmitted));
    std::uint64_t bits = 0;
    for (std::size_t a = 0; a < affairs; ++a)
      if (rng() % 3 == 0) bits |= std::uint64_t{1} << a;
    c.affairs.push_back(bits);
  }
  c.codes = {"64.03"};
  c.names = {"Berau"};
  c.provinces = {"Kalimantan Timur"};
  c.types = {static_cast<std::uint8_t>(RegionType::kabupaten)};
  c.policy_caps = true;
  return c;
}

struct Change {
  std::int64_t innovation;  // -1: government
  std::size_t column;
  int claimed, supported;  // supported: the level the answer's evidence backs under the policy
  std::int64_t cost;       // per level above `supported`
};

struct Best {
  bool reachable = false;
  std::int64_t cost = 0;
  std::int64_t best_iid = -1;
  std::int64_t cost_at_best = 0;  // the least cost reaching best_iid
};

// Every claimed level of every changeable answer (with new evidence where it is above what the
// answer's evidence supports) and every count of new innovations, scored by the scenario engine.
Best exhaustive(const ScenarioBase& base, const std::vector<Change>& answers, const PlanOptions& o,
                const RegionPlan& plan) {
  const Edition& ed = base.edition();
  const int M = ed.level_max, L0 = ed.level_min;
  Best best;
  Workspace ws;
  std::vector<int> pick(answers.size(), L0 - 1);  // L0 - 1: unchanged
  Scenario sc = plan_scenario(base, RegionPlan{}, o);
  for (std::size_t m = 0; m <= o.max_new; ++m) {
    RegionPlan shape;
    shape.new_innovations = m;
    shape.policy = o.policy;
    const Scenario added = plan_scenario(base, shape, o);
    std::fill(pick.begin(), pick.end(), L0 - 1);
    while (true) {
      sc = added;
      std::int64_t cost = static_cast<std::int64_t>(m) * o.new_cost;
      for (std::size_t i = 0; i < answers.size(); ++i) {
        if (pick[i] < L0) continue;
        const Change& a = answers[i];
        const bool evidenced = pick[i] > a.supported;
        cost += a.cost * std::max(0, pick[i] - a.supported);
        sc.levels.push_back({0, a.innovation, a.column, pick[i], evidenced});
      }
      const RegionResult r = base.score_region(sc, 0, ws);
      const bool meets = plan.target_band ? r.category <= *plan.target_band : r.iid_h >= plan.target_iid_h;
      if (meets && (!best.reachable || cost < best.cost)) {
        best.reachable = true;
        best.cost = cost;
      }
      if (r.iid_h > best.best_iid || (r.iid_h == best.best_iid && cost < best.cost_at_best)) {
        best.best_iid = r.iid_h;
        best.cost_at_best = cost;
      }
      std::size_t i = 0;
      while (i < pick.size() && ++pick[i] > M) pick[i++] = L0 - 1;
      if (i == pick.size()) break;
    }
  }
  return best;
}

}  // namespace

TEST(Plan, OptimalAgainstExhaustiveSearch) {
  std::mt19937_64 rng(20261201);
  int cases = 0, reachable = 0, with_new = 0;
  const int total = test::kSanitized ? 60 : 600;
  for (int t = 0; t < total; ++t) {
    const std::string name = t % 2 ? "iid-2026" : "iid-2023";
    EditionPtr ed = builtin_edition(name);
    const std::size_t n = 1 + rng() % 2;
    ScenarioBase base(random_region(ed, n, rng));
    PlanOptions o;
    o.policy = kPolicies[rng() % 4];
    // One government row and up to two innovation rows change; the rest are fixed.
    const std::size_t G = ed->government_rows.size(), K = ed->innovation_rows.size();
    const std::size_t g = rng() % G;
    std::vector<std::size_t> ks = {rng() % K};
    if (n == 1 || rng() % 2) ks.push_back((ks[0] + 1 + rng() % (K - 1)) % K);
    if (n == 1 && rng() % 2) ks.push_back((ks[1] + 1 + rng() % (K - 2)) % K);
    if (ks.size() == 3 && ks[2] == ks[0]) ks.pop_back();
    std::vector<bool> open(ed->rows.size(), false);
    open[static_cast<std::size_t>(ed->government_rows[g])] = true;
    for (auto k : ks) open[static_cast<std::size_t>(ed->innovation_rows[k])] = true;
    for (std::size_t r = 0; r < ed->rows.size(); ++r)
      if (!open[r]) o.fixed_rows.push_back(ed->rows[r].key);
      else o.row_cost[ed->rows[r].key] = static_cast<std::int64_t>(rng() % 4);
    o.max_new = rng() % 3;
    o.new_cost = static_cast<std::int64_t>(rng() % 6);
    for (std::size_t k = 0; k < K; ++k)
      if (rng() % 2) o.new_profile[ed->rows[static_cast<std::size_t>(ed->innovation_rows[k])].key] =
          static_cast<int>(rng() % (ed->level_max + 1));
    for (const auto& a : test::basic_affairs())
      if (rng() % 2) o.new_affairs.push_back(a);
    const RegionResult before = base.nominal(0, o.policy);
    if (rng() % 4 == 0) {
      o.target_category = ed->bands[rng() % ed->bands.size()].label;
    } else {
      o.target_iid_h = before.iid_h + static_cast<std::int64_t>(rng() % 700);
    }
    // The answers that may change, with what their evidence supports under the policy.
    const Columns& c = base.columns();
    std::vector<Change> answers;
    auto supported = [&](int claimed, int sup, int ass) {
      if (o.policy == Policy::self_assessed) return claimed;
      return std::min(claimed, o.policy == Policy::assessor ? ass : sup);
    };
    answers.push_back({-1, g, c.government_levels[g],
                       supported(c.government_levels[g], c.government_supported_cap[g], c.government_assessor_cap[g]),
                       o.row_cost[ed->rows[static_cast<std::size_t>(ed->government_rows[g])].key]});
    for (std::size_t j = 0; j < n; ++j)
      for (auto k : ks) {
        const std::size_t at = j * K + k;
        answers.push_back({static_cast<std::int64_t>(j), k, c.innovation_levels[at],
                           supported(c.innovation_levels[at], c.innovation_supported_cap[at],
                                     c.innovation_assessor_cap[at]),
                           o.row_cost[ed->rows[static_cast<std::size_t>(ed->innovation_rows[k])].key]});
      }
    SCOPED_TRACE("case " + std::to_string(t) + " (" + name + ", " + to_string(o.policy) + ", " +
                 std::to_string(answers.size()) + " answers, up to " + std::to_string(o.max_new) + " new)");
    const RegionPlan plan = plan_region(base, 0, o);
    const Best truth = exhaustive(base, answers, o, plan);
    ASSERT_EQ(plan.reachable, truth.reachable);
    if (truth.reachable) {
      EXPECT_EQ(plan.cost, truth.cost);
      EXPECT_TRUE(plan.target_band ? plan.after.category <= *plan.target_band : plan.after.iid_h >= plan.target_iid_h);
      ++reachable;
    } else {
      EXPECT_EQ(plan.after.iid_h, truth.best_iid);
      EXPECT_EQ(plan.cost, truth.cost_at_best) << "the best within reach, at its least cost";
      EXPECT_FALSE(plan.blockers.empty());
    }
    // The plan, applied through the change format's scenario, scores what it says.
    Workspace ws;
    EXPECT_EQ(base.score_region(plan_scenario(base, plan, o), 0, ws), plan.after);
    with_new += plan.new_innovations > 0;
    ++cases;
  }
  std::cout << "[ plan ] " << cases << " cases against exhaustive search: " << reachable << " reachable, " << with_new
            << " plans with new innovations\n";
  EXPECT_GE(reachable, total / 4);
  EXPECT_GE(with_new, total / 20);
}

TEST(Plan, WorkedCaseFourInnovationsNeedNewOnesUnderTheGate) {
  // iid-2026: four innovations at level 3 everywhere score far below Inovatif, because the
  // divisor is at least 12 and the count gate needs basic-service affairs: only new innovations
  // covering them can reach the target. Each costs 10; a level step costs 1.
  EditionPtr ed = builtin_edition("iid-2026");
  std::vector<test::Inv> invs(4, test::Inv{});
  for (auto& v : invs) {
    v.level = 3;
    v.affairs = {"pariwisata"};
  }
  Submission sub = parse_submission(test::submission("iid-2026", 3, invs));
  std::vector<Submission> subs{sub};
  ScenarioBase base(subs);
  PlanOptions o;
  o.target_category = ed->bands.front().label;  // the top category
  const RegionPlan none = plan_region(base, 0, o);
  EXPECT_FALSE(none.reachable);
  EXPECT_EQ(none.steps.size(), 0u) << "every answer is at the top already";
  EXPECT_GE(none.blockers.size(), 2u);  // the best within reach, no new innovations allowed, the gate
  o.max_new = 20;
  o.new_cost = 10;
  for (int idx : ed->innovation_rows) o.new_profile[ed->rows[static_cast<std::size_t>(idx)].key] = ed->level_max;
  o.new_affairs = test::basic_affairs();
  const RegionPlan p = plan_region(base, 0, o);
  ASSERT_TRUE(p.reachable);
  EXPECT_EQ(p.cost, static_cast<std::int64_t>(p.new_innovations) * 10);
  EXPECT_TRUE(p.steps.empty());
  // One fewer new innovation does not reach it.
  PlanOptions fewer = o;
  fewer.max_new = p.new_innovations - 1;
  EXPECT_FALSE(plan_region(base, 0, fewer).reachable);
  EXPECT_EQ(p.after.category, 0);
}

TEST(Plan, HugeCostsAndCountsAreClearErrorsNotCrashes) {
  std::vector<Submission> subs{parse_submission(test::submission("iid-2026", 1, {test::Inv{}, test::Inv{}}))};
  ScenarioBase base(subs);
  PlanOptions o;
  o.target_iid_h = 6500;
  o.row_cost = {{"16", std::int64_t{1} << 62}};
  o.default_cost = 3;
  auto err = test::input_error([&] { plan_region(base, 0, o); });
  ASSERT_TRUE(err);
  EXPECT_EQ(err->pointer(), "/row_cost");
  o.row_cost.clear();
  o.default_cost = std::int64_t{1} << 61;
  err = test::input_error([&] { plan_region(base, 0, o); });
  ASSERT_TRUE(err);
  EXPECT_TRUE(test::contains(err->what(), "2^63 - 1"));
  o.default_cost = 1;
  o.max_new = 3;
  o.new_cost = std::int64_t{1} << 62;
  EXPECT_TRUE(test::input_error([&] { plan_region(base, 0, o); }));
  o.new_cost = 1;
  o.max_new = std::numeric_limits<std::size_t>::max();
  err = test::input_error([&] { plan_region(base, 0, o); });
  ASSERT_TRUE(err);
  EXPECT_EQ(err->pointer(), "/max_new");
  o.max_new = 0;
  o.target_iid_h = 99999;
  err = test::input_error([&] { plan_region(base, 0, o); });
  ASSERT_TRUE(err);
  EXPECT_EQ(err->pointer(), "/target");
  o.target_iid_h = 6500;
  o.row_cost = {{"16", -5}};
  err = test::input_error([&] { marginal_gains(base, 0, o); });
  ASSERT_TRUE(err) << "marginal_gains checks its options as plan_region does";
  EXPECT_EQ(err->pointer(), "/row_cost/16");
}

TEST(Plan, BadOptionsAreClearErrors) {
  std::vector<Submission> subs{parse_submission(test::submission("iid-2026", 1, {test::Inv{}}))};
  ScenarioBase base(subs);
  PlanOptions o;
  auto err = test::input_error([&] { plan_region(base, 0, o); });
  ASSERT_TRUE(err);
  EXPECT_EQ(err->pointer(), "/target");
  o.target_iid_h = 6500;
  o.target_category = "Sangat Inovatif";
  EXPECT_TRUE(test::input_error([&] { plan_region(base, 0, o); }));
  o.target_iid_h.reset();
  o.target_category = "Luar Biasa";
  err = test::input_error([&] { plan_region(base, 0, o); });
  ASSERT_TRUE(err);
  EXPECT_TRUE(test::contains(err->what(), "is not a category of iid-2026"));
  o.target_category.reset();
  o.target_iid_h = 6500;
  o.row_cost["99"] = 1;
  err = test::input_error([&] { plan_region(base, 0, o); });
  ASSERT_TRUE(err);
  EXPECT_EQ(err->pointer(), "/row_cost/99");
  o.row_cost = {{"16", -1}};
  err = test::input_error([&] { plan_region(base, 0, o); });
  ASSERT_TRUE(err);
  EXPECT_TRUE(test::contains(err->what(), "cannot be negative"));
  o.row_cost.clear();
  o.fixed_rows = {"16", "nope"};
  err = test::input_error([&] { plan_region(base, 0, o); });
  ASSERT_TRUE(err);
  EXPECT_EQ(err->pointer(), "/fixed_rows/1");
  o.fixed_rows.clear();
  EXPECT_TRUE(test::input_error([&] { plan_region(base, 3, o); }));
}

TEST(Gains, EveryStepScoredAsScoreScoresTheChangedSubmission) {
  // Every example, every policy: each single step's result equals the scenario engine's score of
  // that one change (and, self-assessed, score() of the submission with the level raised), and
  // the list runs from the largest exact gain down.
  for (const auto& name : {"kabupaten-berau-2023.json", "kota-makassar-2026.json", "kabupaten-banyuwangi-2026-evidence.json"}) {
    const std::string text = test::source_file(std::string("examples/") + name);
    Submission sub = parse_submission(text);
    std::vector<Submission> subs{sub};
    ScenarioBase base(subs);
    const Edition& ed = base.edition();
    for (Policy p : kPolicies) {
      SCOPED_TRACE(std::string(name) + ", " + to_string(p));
      PlanOptions o;
      o.policy = p;
      o.max_new = 1;
      o.new_affairs = test::basic_affairs();
      const auto gains = marginal_gains(base, 0, o, true);
      ASSERT_FALSE(gains.empty());
      Workspace ws;
      std::size_t news = 0;
      for (std::size_t i = 0; i < gains.size(); ++i) {
        const StepGain& g = gains[i];
        if (i > 0) {
          const StepGain& prev = gains[i - 1];
          EXPECT_TRUE(prev.gain >= g.gain) << "sorted by exact gain";
        }
        if (g.new_innovation) {
          ++news;
          continue;
        }
        Scenario sc;
        sc.policy = p;
        sc.levels.push_back({0, g.step.innovation, g.step.column, g.step.to, g.step.evidenced});
        EXPECT_EQ(base.score_region(sc, 0, ws), g.after);
        EXPECT_EQ(g.step.to, g.step.from + 1);
        EXPECT_GE(g.gain.sign(), 0) << "one level more never loses";
        if (p == Policy::self_assessed) {
          Submission changed = sub;
          const int idx = g.step.innovation < 0 ? ed.government_rows[g.step.column] : ed.innovation_rows[g.step.column];
          Answer& a = g.step.innovation < 0 ? changed.government[static_cast<std::size_t>(idx)]
                                            : changed.innovations[static_cast<std::size_t>(g.step.innovation)].answers.edit(
                                                  static_cast<std::size_t>(idx));
          a.present = true;
          a.level = g.step.to;
          ScoreOptions so;
          so.with_breakdown = false;
          EXPECT_EQ(score(changed, so).iid_h, g.after.iid_h);
        }
      }
      EXPECT_EQ(news, 1u);
    }
  }
}

TEST(Plan, DecidedByNamesTheEditionChoicesThatDecideTheOutcome) {
  // Targets just at the plan's result, under both rounding modes: wherever decided_by speaks, the
  // other choice really flips whether the target is met (checked with the rules' own rounding),
  // and wherever it would flip, decided_by says so.
  std::mt19937_64 rng(7);
  int spoke = 0;
  for (int t = 0; t < 300; ++t) {
    EditionPtr ed = builtin_edition(t % 2 ? "iid-2026" : "iid-2023");
    ScenarioBase base(random_region(ed, 1 + rng() % 3, rng));
    PlanOptions o;
    o.target_iid_h = base.nominal(0, Policy::self_assessed).iid_h + static_cast<std::int64_t>(rng() % 40);
    const RegionPlan p = plan_region(base, 0, o);
    const RegionResult& a = p.after;
    const int128 x = int128(a.divisor) * (a.government_h + a.count_h) + a.innovation_sum_h;
    const std::int64_t alt = round_hundredths(Fraction::of(std::int64_t(x * 10000), std::int64_t(a.divisor) * ed->max_total_h),
                                              ed->rounding == Rounding::half_up ? Rounding::half_even : Rounding::half_up);
    const bool flips = (alt >= *o.target_iid_h) != (a.iid_h >= *o.target_iid_h);
    bool said = false;
    for (const auto& d : p.decided_by) said = said || d.rule == "rounding";
    EXPECT_EQ(said, flips) << t;
    spoke += said;
  }
  std::cout << "[ plan ] decided_by spoke on " << spoke << " of 300 plans\n";
  // The shipped editions' integer weights never put an IID on a half hundredth (the total would
  // have to be an odd multiple of 5·D/4). A user edition with weights 3.25 and 1.75 on rows 16
  // and 17 (the same maximum total) does: regions exactly on a half, targeted at their rounded
  // IID, are decided by the rounding whenever that IID is odd, and decided_by must say so.
  std::string text = test::source_file("editions/iid-2026.json");
  text = test::replace_after(text, "\"key\": \"16\"", "\"weight\": 3,", "\"weight\": 3.25,");
  text = test::replace_after(text, "\"key\": \"17\"", "\"weight\": 2,", "\"weight\": 1.75,");
  EditionPtr user = parse_edition(text, "user-2026");
  int halves = 0, odd = 0;
  for (int t = 0; t < 20000 && odd < 5; ++t) {
    ScenarioBase base(random_region(user, 1 + rng() % 12, rng));
    const RegionResult a = base.nominal(0, Policy::self_assessed);
    const int128 num = (int128(a.divisor) * (a.government_h + a.count_h) + a.innovation_sum_h) * 10000;
    const int128 den = int128(a.divisor) * user->max_total_h;
    if ((num * 2) % (den * 2) != den) continue;
    ++halves;
    PlanOptions o;
    o.target_iid_h = a.iid_h;
    const RegionPlan p = plan_region(base, 0, o);
    ASSERT_TRUE(p.reachable);
    ASSERT_EQ(p.cost, 0);
    bool said = false;
    for (const auto& d : p.decided_by) said = said || (d.rule == "rounding" && d.alternative_iid_h == a.iid_h - 1);
    EXPECT_EQ(said, a.iid_h % 2 == 1) << a.iid_h;
    odd += a.iid_h % 2 == 1;
  }
  std::cout << "[ plan ] " << halves << " regions on a half hundredth, " << odd << " of them decided by the rounding\n";
  EXPECT_GE(odd, 1);
}
