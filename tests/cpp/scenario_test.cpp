// The scenario base (inovasi/scenario.hpp): every scenario result equals score() of the
// submission the scenario describes, bit for bit, under every policy — single-answer overrides
// (exhaustively on the examples, at random on the national dataset), innovations switched off
// and on, innovations added, national scenarios on 1 and 2 threads — and the JSON change
// format reads into the same changes with located errors.
#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>

#include "inovasi/batch.hpp"
#include "inovasi/evidence.hpp"
#include "inovasi/scenario.hpp"
#include "inovasi/synth.hpp"
#include "test_util.hpp"

using namespace inovasi;

namespace {

// Under a sanitizer, every 8th override and fewer random trials (test::kSanitized).
constexpr std::size_t kSample = test::kSanitized ? 8 : 1;

constexpr Policy kPolicies[] = {Policy::self_assessed, Policy::supported, Policy::strict, Policy::assessor};

const char* kExamples[] = {"kabupaten-banyuwangi-2024.json", "kabupaten-banyuwangi-2026-evidence.json",
                           "kabupaten-berau-2023.json",      "kabupaten-gunung-mas-2025.json",
                           "kabupaten-nduga-2024.json",      "kabupaten-sleman-2024.json",
                           "kota-makassar-2026.json",        "kota-surabaya-2023.json",
                           "kota-tangerang-2026.json"};

Submission example(const std::string& file) {
  ParseOptions o;
  o.source = file;
  return parse_submission(test::source_file("examples/" + file), o);
}

// score() of a submission, as a scenario result.
RegionResult reference(const Submission& sub, Policy policy) {
  const Score s = score(sub, {policy, false});
  RegionResult r;
  r.iid_h = s.iid_h;
  const Edition& ed = *sub.edition;
  r.category = 0;
  while (r.category < ed.bands.size() && ed.bands[r.category].label != s.category) ++r.category;
  r.government_h = s.government_h;
  r.innovation_sum_h = s.innovation_sum_h;
  r.count_h = s.count_h;
  r.counted = s.innovations_counted;
  r.divisor = s.divisor;
  return r;
}

std::string show(const RegionResult& r) {
  return "iid_h " + std::to_string(r.iid_h) + " category " + std::to_string(r.category) + " government_h " +
         std::to_string(r.government_h) + " innovation_sum_h " + std::to_string(r.innovation_sum_h) + " count_h " +
         std::to_string(r.count_h) + " counted " + std::to_string(r.counted) + " divisor " + std::to_string(r.divisor);
}

void set_level(Submission& sub, const LevelChange& c) {
  const Edition& ed = *sub.edition;
  Answer& a = c.innovation < 0 ? sub.government[ed.government_rows[c.column]]
                               : sub.innovations[static_cast<std::size_t>(c.innovation)].answers.edit(ed.innovation_rows[c.column]);
  a.level = c.level;
  a.present = true;
}


std::vector<Submission> national(const std::string& edition, std::size_t stride) {
  ParseOptions o;
  o.edition = builtin_edition(edition);
  o.override_edition = true;
  RecordReader reader(test::national_text(), o);
  RecordResult r;
  std::vector<Submission> subs;
  std::size_t i = 0;
  while (reader.next(r)) {
    EXPECT_FALSE(r.error);
    if (r.submission && i++ % stride == 0) subs.push_back(std::move(*r.submission));
  }
  return subs;
}

// A fixed, portable sequence (SplitMix64).
struct Draws {
  std::uint64_t x;
  std::uint64_t next() {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

}  // namespace

TEST(ScenarioBase, NominalResultsEqualScoreForEveryExampleAndPolicy) {
  for (const char* f : kExamples) {
    const Submission sub = example(f);
    const ScenarioBase base({sub});
    for (Policy p : kPolicies) {
      SCOPED_TRACE(std::string(f) + " " + to_string(p));
      EXPECT_EQ(show(base.nominal(0, p)), show(reference(sub, p)));
    }
  }
}

// Every answer of every example, every level of the edition, every policy.
TEST(ScenarioBase, EverySingleAnswerOverrideOfTheExamplesEqualsScoreOfTheChangedSubmission) {
  std::size_t compared = 0;
  Workspace ws;
  for (const char* f : kExamples) {
    const Submission sub = example(f);
    const Edition& ed = *sub.edition;
    const ScenarioBase base({sub});
    std::vector<LevelChange> changes;
    for (std::size_t k = 0; k < ed.government_rows.size(); ++k)
      for (int lv = ed.level_min; lv <= ed.level_max; ++lv) changes.push_back({0, -1, k, lv});
    for (std::size_t j = 0; j < sub.innovations.size(); ++j)
      for (std::size_t k = 0; k < ed.innovation_rows.size(); ++k)
        for (int lv = ed.level_min; lv <= ed.level_max; ++lv)
          changes.push_back({0, static_cast<std::int64_t>(j), k, lv});
    for (std::size_t ci = 0; ci < changes.size(); ci += kSample) {
      const LevelChange& c = changes[ci];
      Submission changed = sub;
      set_level(changed, c);
      for (Policy p : kPolicies) {
        const RegionResult got = base.rescore(0, &c, 1, p, ws);
        const RegionResult want = reference(changed, p);
        ASSERT_EQ(show(got), show(want)) << f << " " << to_string(p) << " innovation " << c.innovation << " column "
                                         << c.column << " level " << c.level;
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 20000u / kSample);
}

// At random over the national dataset under every edition: single overrides, then several at once.
TEST(ScenarioBase, RandomOverridesOfTheNationalDatasetEqualScoreOfTheChangedSubmission) {
  Draws d{20261201};
  std::size_t compared = 0;
  Workspace ws;
  for (const auto& edition : test::shipped_editions()) {
    const auto subs = national(edition, 7);  // 79 regions an edition
    const ScenarioBase base(subs);
    const Edition& ed = base.edition();
    for (int trial = 0; trial < static_cast<int>(100 / kSample); ++trial) {
      const std::size_t r = d.below(subs.size());
      const std::size_t count = trial % 4 == 0 ? 1 + d.below(6) : 1;
      std::vector<LevelChange> cs;
      Submission changed = subs[r];
      for (std::size_t i = 0; i < count; ++i) {
        LevelChange c;
        c.region = r;
        const std::size_t n = changed.innovations.size();
        if (n == 0 || d.below(4) == 0) {
          c.column = d.below(ed.government_rows.size());
        } else {
          c.innovation = static_cast<std::int64_t>(d.below(n));
          c.column = d.below(ed.innovation_rows.size());
        }
        c.level = ed.level_min + static_cast<int>(d.below(static_cast<std::size_t>(ed.level_max - ed.level_min + 1)));
        cs.push_back(c);
        set_level(changed, c);
      }
      for (Policy p : kPolicies) {
        ASSERT_EQ(show(base.rescore(r, cs.data(), cs.size(), p, ws)), show(reference(changed, p)))
            << edition << " region " << subs[r].region.code << " " << to_string(p) << " trial " << trial;
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, 4u * (100u / kSample) * 4u);
}

TEST(ScenarioBase, SwitchingInnovationsOffAndOnEqualsScoreOfTheChangedStatus) {
  Workspace ws;
  std::size_t compared = 0;
  for (const char* f : kExamples) {
    const Submission sub = example(f);
    const ScenarioBase base({sub});
    for (std::size_t j = 0; j < sub.innovations.size(); ++j) {
      const Status was = sub.innovations[j].status;
      Scenario sc;
      sc.switches.push_back({0, j, was == Status::draft});
      Submission changed = sub;
      changed.innovations[j].status = was == Status::draft ? Status::submitted : Status::draft;
      for (Policy p : kPolicies) {
        sc.policy = p;
        ASSERT_EQ(show(base.score_region(sc, 0, ws)), show(reference(changed, p))) << f << " innovation " << j;
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 100u);
}

// An added innovation with the caps its (absent) evidence gives equals score() of the
// submission with that innovation appended, without evidence, under every policy; with the
// default caps (evidence taken to support its levels) it equals the self-assessed score.
TEST(ScenarioBase, AddedInnovationsEqualScoreOfTheSubmissionWithThemAppended) {
  Workspace ws;
  Draws d{7};
  for (const char* f : kExamples) {
    const Submission sub = example(f);
    const Edition& ed = *sub.edition;
    const ScenarioBase base({sub});
    AddedInnovation a;
    a.region = 0;
    a.id = "baru-1";
    Innovation inv;
    inv.id = a.id;
    inv.status = Status::submitted;
    inv.source_index = static_cast<int>(sub.innovations.size());
    inv.answers.reset(ed.rows.size());
    for (std::size_t k = 0; k < ed.innovation_rows.size(); ++k) {
      const int lv = ed.level_min + static_cast<int>(d.below(static_cast<std::size_t>(ed.level_max - ed.level_min + 1)));
      a.levels.push_back(static_cast<std::uint8_t>(lv));
      inv.answers.edit(ed.innovation_rows[k]).level = lv;
      inv.answers.edit(ed.innovation_rows[k]).present = lv != 0;
      const bool checked = ed.rows[ed.innovation_rows[k]].evidence.has_value();
      a.supported_cap.push_back(static_cast<std::uint8_t>(checked ? ed.level_min : ed.level_max));
    }
    a.assessor_cap = a.supported_cap;
    if (ed.gate) {
      for (std::size_t g = 0; g < ed.gate->affairs.size(); g += 2) {
        a.affairs |= 1ull << g;
        inv.affairs.push_back(ed.gate->affairs[g]);
      }
    }
    Submission changed = sub;
    changed.innovations.push_back(inv);
    Scenario sc;
    sc.added.push_back(a);
    for (Policy p : kPolicies) {
      sc.policy = p;
      EXPECT_EQ(show(base.score_region(sc, 0, ws)), show(reference(changed, p))) << f << " " << to_string(p);
    }
    // Without an assessor cap of its own, the assessor policy reads the supported cap (no
    // verdicts: as under `supported`).
    sc.policy = Policy::assessor;
    for (auto& cap : sc.added[0].supported_cap) cap = static_cast<std::uint8_t>(ed.level_min);
    sc.added[0].assessor_cap = sc.added[0].supported_cap;
    const RegionResult explicit_caps = base.score_region(sc, 0, ws);
    sc.added[0].assessor_cap.clear();
    EXPECT_EQ(show(base.score_region(sc, 0, ws)), show(explicit_caps)) << f;
    sc.added[0].supported_cap.clear();
    sc.policy = Policy::self_assessed;
    EXPECT_EQ(show(base.score_region(sc, 0, ws)), show(reference(changed, Policy::self_assessed))) << f;
  }
}

TEST(ScenarioBase, NationalScenariosAreTheSameOnOneAndTwoThreadsAndEqualScore) {
  const auto subs = national("iid-2026", 3);
  const ScenarioBase base(subs);
  const Edition& ed = base.edition();
  Draws d{99};
  for (Policy p : kPolicies) {
    Scenario sc;
    sc.policy = p;
    std::vector<Submission> changed = subs;
    for (std::size_t i = 0; i < 300 / kSample; ++i) {
      LevelChange c;
      c.region = d.below(subs.size());
      const std::size_t n = subs[c.region].innovations.size();
      if (n) {
        c.innovation = static_cast<std::int64_t>(d.below(n));
        c.column = d.below(ed.innovation_rows.size());
      } else {
        c.column = d.below(ed.government_rows.size());
      }
      c.level = static_cast<int>(d.below(static_cast<std::size_t>(ed.level_max + 1)));
      sc.levels.push_back(c);
      set_level(changed[c.region], c);
    }
    for (int i = 0; i < 40; ++i) {
      const std::size_t r = d.below(subs.size());
      if (subs[r].innovations.empty()) continue;
      const std::size_t j = d.below(subs[r].innovations.size());
      if (changed[r].innovations[j].status == Status::rejected) continue;
      const bool on = changed[r].innovations[j].status == Status::draft;
      sc.switches.push_back({r, j, on});
      changed[r].innovations[j].status = on ? Status::submitted : Status::draft;
    }
    const BatchResult one = base.score(sc, 1), two = base.score(sc, 2);
    EXPECT_EQ(one.iid_h, two.iid_h);
    EXPECT_EQ(one.innovation_sum_h, two.innovation_sum_h);
    std::size_t differs = 0;
    for (std::size_t r = 0; r < subs.size(); ++r) {
      const RegionResult got{one.iid_h[r],   one.category[r], one.government_h[r], one.innovation_sum_h[r],
                             one.count_h[r], one.counted[r],  one.divisor[r]};
      ASSERT_EQ(show(got), show(reference(changed[r], p))) << subs[r].region.code << " " << to_string(p);
      differs += got.iid_h != base.nominal(p).iid_h[r];
    }
    EXPECT_GT(differs, 20u / kSample);  // the scenario changed many regions' IID
  }
}

TEST(ScenarioBase, ChangesOutOfRangeAreLocatedErrors) {
  const Submission sub = example("kabupaten-berau-2023.json");
  const ScenarioBase base({sub});
  Scenario sc;
  sc.levels.push_back({0, 0, 0, 4});
  auto e = test::input_error([&] { base.validate(sc); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->pointer(), "/levels/0/level");
  sc.levels = {{0, 999, 0, 1}};
  e = test::input_error([&] { base.validate(sc); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->pointer(), "/levels/0/innovation");
  sc.levels = {{3, -1, 0, 1}};
  e = test::input_error([&] { base.score(sc); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->pointer(), "/levels/0/region");
  Workspace ws;
  const LevelChange bad{0, -1, 99, 1};
  EXPECT_TRUE(test::input_error([&] { base.rescore(0, &bad, 1, Policy::strict, ws); }));
  EXPECT_TRUE(test::input_error([&] { base.rescore(1, nullptr, 0, Policy::strict, ws); }));  // one region only
}

TEST(ScenarioFormat, ReadsTheDocumentedChangesAgainstTheBase) {
  const Submission sub = example("kabupaten-berau-2023.json");
  const Edition& ed = *sub.edition;
  const ScenarioBase base({sub});
  const std::string id = sub.innovations[1].id;
  const std::string text = R"({"policy": "strict", "changes": [
      {"region": ")" + sub.region.code + R"(", "row": "1", "level": 3},
      {"region": ")" + sub.region.code + R"(", "innovation": ")" + id + R"(", "row": "16", "level": 3},
      {"region": ")" + sub.region.code + R"(", "innovation": 0, "enabled": false},
      {"region": ")" + sub.region.code + R"(", "add": {"id": "baru", "levels": {"16": 2, "35": 1}}}]})";
  const Scenario sc = parse_scenario(text, base);
  EXPECT_EQ(sc.policy, Policy::strict);
  ASSERT_EQ(sc.levels.size(), 2u);
  EXPECT_EQ(sc.levels[0].innovation, -1);
  EXPECT_EQ(ed.rows[ed.government_rows[sc.levels[0].column]].key, "1");
  EXPECT_EQ(sc.levels[1].innovation, 1);
  EXPECT_EQ(ed.rows[ed.innovation_rows[sc.levels[1].column]].key, "16");
  EXPECT_EQ(sc.levels[1].level, 3);
  ASSERT_EQ(sc.switches.size(), 1u);
  EXPECT_FALSE(sc.switches[0].enabled);
  ASSERT_EQ(sc.added.size(), 1u);
  EXPECT_EQ(sc.added[0].levels[base.innovation_column("16")], 2);
  EXPECT_EQ(sc.added[0].levels[base.innovation_column("35")], 1);
  EXPECT_EQ(sc.added[0].levels[base.innovation_column("17")], 0);

  // The same changes applied to the submission by hand, scored by score() (the added
  // innovation is taken as supported: compare under self_assessed).
  Submission changed = sub;
  set_level(changed, sc.levels[0]);
  set_level(changed, sc.levels[1]);
  changed.innovations[0].status = Status::draft;
  Innovation inv;
  inv.id = "baru";
  inv.status = Status::submitted;
  inv.answers.reset(ed.rows.size());
  inv.answers.edit(ed.row_index("16")).level = 2;
  inv.answers.edit(ed.row_index("35")).level = 1;
  changed.innovations.push_back(inv);
  Scenario self = sc;
  self.policy = Policy::self_assessed;
  Workspace ws;
  EXPECT_EQ(show(base.score_region(self, 0, ws)), show(reference(changed, Policy::self_assessed)));
  EXPECT_EQ(base.score(self).iid_h[0], reference(changed, Policy::self_assessed).iid_h);
}

TEST(ScenarioFormat, BadChangesNameTheirPlace) {
  const Submission sub = example("kabupaten-berau-2023.json");
  const ScenarioBase base({sub});
  const std::string code = sub.region.code;
  struct Case {
    std::string text, pointer, says;
  };
  const Case cases[] = {
      {R"({"changes": [{"region": "99.99", "row": "1", "level": 1}]})", "/changes/0/region", "no region"},
      {R"({"changes": [{"region": ")" + code + R"(", "row": "16", "level": 1}]})", "/changes/0/row", "innovation row"},
      {R"({"changes": [{"region": ")" + code + R"(", "row": "1", "level": 4}]})", "/changes/0/level", "out of range"},
      {R"({"changes": [{"region": ")" + code + R"(", "row": "1"}]})", "/changes/0", "\"level\""},
      {R"({"changes": [{"region": ")" + code + R"(", "innovation": "nope", "row": "16", "level": 1}]})",
       "/changes/0/innovation", "no innovation"},
      {R"({"changes": [{"region": ")" + code + R"(", "innovation": 9999, "enabled": true}]})",
       "/changes/0/innovation", "out of range"},
      {R"({"changes": [{"region": ")" + code + R"(", "row": "1", "level": 1, "enabled": true}]})", "/changes/0",
       "exactly one"},
      {R"({"policy": "lenient"})", "/policy", "not a validation policy"},
      {R"({"changes": [{"region": ")" + code + R"(", "add": {"levels": {"1": 2}}}]})", "/changes/0/add/levels/1",
       "not an innovation row"},
      {R"({"changes": [{"region": ")" + code + R"(", "levle": 2}]})", "/changes/0/levle", "unknown field"},
  };
  for (const auto& c : cases) {
    auto e = test::input_error([&] { parse_scenario(c.text, base); });
    ASSERT_TRUE(e) << c.text;
    EXPECT_EQ(e->pointer(), c.pointer) << c.text << ": " << e->what();
    EXPECT_NE(std::string(e->what()).find(c.says), std::string::npos) << c.text << ": " << e->what();
  }
}

// The caps pre-validation derives are claim-independent: for every answer of the evidence
// example, re-checking the answer at every claim gives the level the rule gives from the caps.
TEST(PolicyCaps, ValidatedLevelAtAnyClaimFollowsFromTheCapsOfTodaysClaim) {
  const Submission sub = example("kabupaten-banyuwangi-2026-evidence.json");
  const Edition& ed = *sub.edition;
  std::size_t compared = 0;
  for (std::size_t j = 0; j < sub.innovations.size(); ++j)
    for (int idx : ed.innovation_rows) {
      const AnswerCheck today = check_answer(sub, static_cast<int>(j), idx);
      for (int lv = ed.level_min; lv <= ed.level_max; ++lv) {
        Submission changed = sub;
        changed.innovations[j].answers.edit(idx).level = lv;
        const AnswerCheck then = check_answer(changed, static_cast<int>(j), idx);
        EXPECT_EQ(then.supported_cap, today.supported_cap);
        EXPECT_EQ(then.assessor_cap, today.assessor_cap);
        // strict by its original definition: an error-severity finding, or a short claim.
        const int strict = lv == ed.level_min ? lv : (then.has_error || then.supported < lv ? ed.level_min : lv);
        const int strict_by_cap = lv <= today.supported_cap ? lv : ed.level_min;
        EXPECT_EQ(strict_by_cap, strict) << "innovation " << j << " row " << ed.rows[idx].key << " claim " << lv;
        EXPECT_EQ(std::min(lv, today.supported_cap), std::min(lv, then.supported)) << ed.rows[idx].key << " " << lv;
        ++compared;
      }
    }
  EXPECT_GT(compared, 200u);
}
