// EditionDraft: an edition built in memory is the edition the JSON reader gives for the same
// file, and each rule about values is the draft's: the reader's error for a broken file and the
// draft's error for the same defect made in memory are one (pointer and message).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>
#include <map>
#include <string>

#include "inovasi/edition.hpp"
#include "inovasi/score.hpp"
#include "inovasi/submission.hpp"
#include "test_util.hpp"

namespace inovasi::detail {
EditionDraft read_edition_draft(const std::string& json_text);  // io/edition_reader.cpp
}

using namespace inovasi;
namespace bj = boost::json;

namespace {

const std::string kData = std::string(INOVASI_SOURCE_DIR) + "/tests/data";

const bj::object& manifest() {
  static const bj::object m = bj::parse(test::source_file("tests/data/malformed_manifest.json")).as_object();
  return m;
}

Provenance prov(char mark = 'C') { return {mark, "test"}; }

Row level_row(std::string key, std::string aspect, std::int64_t weight_h, bool mandatory) {
  Row r;
  r.key = key;
  r.indicator = key;
  r.aspect = std::move(aspect);
  r.weight_h = weight_h;
  r.mandatory = mandatory;
  r.input = InputKind::level;
  r.level_labels = {"none", "one", "two", "three"};
  r.provenance = {{"weight", prov()}, {"levels", prov()}, {"mandatory", prov()}};
  return r;
}

Bands higher(std::vector<std::pair<int, Decimal>> th) {
  Bands b;
  b.direction = Direction::higher;
  for (auto& [l, v] : th) b.thresholds.push_back({l, v, true});
  b.otherwise = 0;
  return b;
}

Decimal dec(const char* s) { return *Decimal::parse(s); }

// The manifest's edition_control ("mini"), written by hand in memory: nothing is read.
EditionDraft mini() {
  EditionDraft d;
  d.name = "mini";
  d.title = "A small test edition";
  d.assessment_year = 2024;
  d.t0_offset = 0;
  d.level_min = 0;
  d.level_max = 3;
  d.divisor_minimum = 10;
  d.count_rate_h = 25;
  d.count_cap = 100;
  d.rounding = Rounding::half_up;
  d.category_reading = CategoryReading::rounded;
  d.bands = {{"Sangat Inovatif", 6000, true}, {"Inovatif", 3500, false}, {"Kurang Inovatif", 0, true}};
  d.lowest_category = "Tidak Dapat Dinilai";
  d.max_total_h = 4900;
  d.mandatory_rule = MandatoryRule::finding;
  d.evidence_kinds = {"regional_law", "regional_head_decree", "other"};
  d.aspects = {Aspect{"government", "SPD", false, {"Institusi"}}, Aspect{"innovation", "SID", true, {"Infrastruktur"}}};
  d.provenance = {{"assessment_year", prov('C')}, {"t0_offset", prov('U')},     {"levels", prov('P')},
                  {"divisor_minimum", prov('C')}, {"count_points", prov('P')},  {"rounding", prov('U')},
                  {"category_reading", prov('U')}, {"categories", prov('C')},   {"eligibility", prov('P')},
                  {"mandatory_rule", prov('U')},  {"evidence_kinds", prov('C')}};
  d.provenance["max_total"] = {'C', "(1 + 2) × 3 + (3 + 2) × 3 + 0.25 × 100 = 9 + 15 + 25 = 49"};

  Row r1 = level_row("1", "government", 100, true);
  r1.variable = "Institusi";
  Row r2 = level_row("2", "government", 200, false);
  r2.input = InputKind::count;
  r2.level_labels = {"0", "1-4", "5-9", "10+"};
  r2.bands = higher({{3, dec("10")}, {2, dec("5")}, {1, dec("1")}});
  r2.provenance["thresholds"] = prov();
  Row r16 = level_row("16", "innovation", 300, true);
  r16.evidence = EvidenceRules{};
  r16.evidence->derivation = Derivation::by_kind;
  r16.evidence->kinds = {"regional_law", "regional_head_decree"};
  r16.evidence->kind_level = {{"regional_law", 3}, {"regional_head_decree", 2}};
  EvidenceRule kind;
  kind.type = EvidenceRule::Type::kind;
  kind.severity = Severity::error;
  kind.name = "kind";
  EvidenceRule sig;
  sig.type = EvidenceRule::Type::requires_fact;
  sig.severity = Severity::error;
  sig.fact = EvidenceRule::Fact::signed_;
  sig.kinds = {"regional_head_decree"};
  sig.name = "signed";
  r16.evidence->rules = {kind, sig};
  r16.evidence->provenance = prov('U');
  Row r17 = level_row("17", "innovation", 200, false);
  r17.input = InputKind::decimal;
  r17.level_labels = {"0", "low", "mid", "high"};
  r17.bands = higher({{3, dec("75.5")}, {2, dec("50")}, {1, dec("0.01")}});
  r17.provenance["thresholds"] = prov();
  d.rows = {r1, r2, r16, r17};
  return d;
}

std::string control_text() { return bj::serialize(manifest().at("edition_control")); }

// An edition without its content hash and its file's text (the only fields the file's bytes
// alone decide).
Edition unhashed(const EditionPtr& e) {
  Edition x = *e;
  x.sha256.clear();
  x.text.clear();
  return x;
}

void expect_same(const Edition& a, const Edition& b) {
  // Field by field first, so a difference is named; then every field at once.
  ASSERT_EQ(a.rows.size(), b.rows.size());
  for (std::size_t i = 0; i < a.rows.size(); ++i) EXPECT_TRUE(a.rows[i] == b.rows[i]) << "row " << a.rows[i].key;
  EXPECT_TRUE(a.aspects[0] == b.aspects[0] && a.aspects[1] == b.aspects[1]);
  EXPECT_EQ(a.provenance, b.provenance);
  EXPECT_EQ(a.bands, b.bands);
  EXPECT_EQ(a.gate, b.gate);
  EXPECT_EQ(a.max_total_h, b.max_total_h);
  EXPECT_TRUE(a == b);
}

std::optional<InputError> draft_error(const EditionDraft& d) {
  return test::input_error([&] { d.validate(); });
}

}  // namespace

TEST(EditionDraft, BuiltInMemoryEqualsTheSameEditionReadFromJson) {
  // The control is written in the file's order and read by the engine's reader; the draft is
  // typed in above. The evidence of row 16 exists in memory only: add it to the file too.
  bj::object o = manifest().at("edition_control").as_object();
  o["rows"].as_array()[2].as_object()["evidence"] = bj::parse(R"({
      "derivation": "by_kind", "kinds": {"regional_law": 3, "regional_head_decree": 2},
      "rules": [{"rule": "kind", "severity": "error"},
                {"rule": "requires", "fact": "signed", "severity": "error", "kinds": ["regional_head_decree"]}],
      "provenance": {"mark": "U", "note": "test"}})");
  const EditionPtr read = parse_edition(bj::serialize(o));
  const EditionPtr built = mini().build();
  EXPECT_TRUE(built->sha256.empty());
  EXPECT_FALSE(read->sha256.empty());
  expect_same(unhashed(built), unhashed(read));
  // What build() derives: the index, the aspect slots, the row lists, the bands' labels.
  EXPECT_EQ(built->row_index("17"), 3);
  EXPECT_EQ(built->innovation_rows, (std::vector<int>{2, 3}));
  EXPECT_EQ(built->rows[1].bands->level_labels, built->rows[1].level_labels);
  EXPECT_EQ(built->max_total_h, 4900);
}

TEST(EditionDraft, MaxTotalMayBeLeftToTheWeights) {
  EditionDraft d = mini();
  d.max_total_h.reset();
  d.provenance.erase("max_total");
  EXPECT_EQ(d.build()->max_total_h, 4900);  // (1 + 2) × 3 + (3 + 2) × 3 + 0.25 × 100
}

TEST(EditionDraft, ShippedEditionsSurviveTheDraft) {
  for (const auto& name : builtin_edition_names()) {
    SCOPED_TRACE(name);
    const EditionPtr ed = builtin_edition(name);
    expect_same(unhashed(EditionDraft::of(*ed).build()), unhashed(ed));
    // And the reader's draft of the file is the same edition once built.
    expect_same(unhashed(detail::read_edition_draft(test::source_file("editions/" + name + ".json")).build()),
                unhashed(ed));
  }
}

TEST(EditionDraft, ABuiltEditionScoresAsTheFileDoes) {
  const EditionPtr built = mini().build();
  const EditionPtr read = parse_edition(control_text());
  const std::string sub = R"({"edition":"mini","region":{"code":"64.03","type":"kabupaten"},
    "government":{"1":{"level":2},"2":{"value":7}},
    "innovations":[{"id":"a","name":"A","stage":"applied","status":"submitted","form":"public_service",
      "kind":"digital","affairs":["kesehatan"],"applied_date":"2023-07-01",
      "answers":{"16":{"level":3},"17":{"value":60}}}]})";
  ParseOptions o1, o2;
  o1.edition = built;
  o1.override_edition = true;
  o2.edition = read;
  o2.override_edition = true;
  auto s1 = parse_submission(sub, o1);
  auto s2 = parse_submission(sub, o2);
  EXPECT_EQ(score(s1).iid_h, score(s2).iid_h);
  EXPECT_GT(score(s1).iid_h, 0);
}

// Edition::max_total_of_weights: the one rule of the maximum total.
TEST(EditionDraft, MaxTotalOfWeights) {
  for (const auto& name : builtin_edition_names()) {
    const EditionPtr ed = builtin_edition(name);
    EXPECT_EQ(ed->max_total_of_weights(), ed->max_total_h) << name;
    std::vector<std::int64_t> w;
    for (const auto& r : ed->rows) w.push_back(r.weight_h);
    EXPECT_EQ(ed->max_total_of_weights(w), ed->max_total_h) << name;
    // One more hundredth on the first government row raises the maximum by level_max of them.
    w[static_cast<std::size_t>(ed->government_rows[0])] += 1;
    EXPECT_EQ(ed->max_total_of_weights(w), ed->max_total_h + ed->level_max) << name;
  }
  const EditionPtr m = mini().build();
  // By hand: (1 + 2) × 3 + (3 + 2) × 3 + 0.25 × 100 points with weights 1, 2, 3, 2; then 0, 0, 1, 1.
  EXPECT_EQ(m->max_total_of_weights(), 4900);
  EXPECT_EQ(m->max_total_of_weights({0, 0, 100, 100}), 600 + 2500);
  EXPECT_THROW(m->max_total_of_weights({0, 0, 100}), std::invalid_argument);
  EXPECT_THROW(m->max_total_of_weights({-100, 0, 100, 100}), std::invalid_argument);
  EXPECT_THROW(m->max_total_of_weights({0, 0, std::int64_t(1) << 31, 0}), std::invalid_argument);
}

// Every malformed-edition file of the corpus: the reader's draft either fails on the file's
// shape (and that is parse_edition's error), or it holds the file and its validate() throws
// parse_edition's error.
TEST(EditionDraft, TheReadersErrorsAreTheDraftsOnTheCorpus) {
  int by_draft = 0;
  for (const auto& v : manifest().at("editions").as_array()) {
    const std::string file(v.as_object().at("file").as_string());
    SCOPED_TRACE(file);
    const std::string text = test::source_file("tests/data/malformed_editions/" + file);
    auto want = test::input_error([&] { parse_edition(text); });
    ASSERT_TRUE(want.has_value());
    std::optional<InputError> got;
    try {
      const EditionDraft d = detail::read_edition_draft(text);
      got = draft_error(d);
      ++by_draft;
    } catch (const InputError& e) {
      got = e;
    }
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->pointer(), want->pointer());
    EXPECT_EQ(got->message(), want->message());
  }
  EXPECT_GE(by_draft, 18);  // the model-level cases below, and more
}

// The same defects made in memory on the hand-typed control: the draft's error is the corpus
// file's, pointer and message.
TEST(EditionDraft, EachModelLevelErrorIsTheReadersInMemory) {
  using Mutation = std::function<void(EditionDraft&)>;
  const std::map<std::string, Mutation> defects = {
      {"weight-off-quarter-grid.json", [](EditionDraft& d) { d.rows[1].weight_h = 30; }},
      {"weight-negative.json", [](EditionDraft& d) { d.rows[0].weight_h = -100; }},
      {"max-total-inconsistent.json", [](EditionDraft& d) { d.max_total_h = 5000; }},
      {"duplicate-row-key.json", [](EditionDraft& d) { d.rows[3].key = "16"; }},
      {"thresholds-not-descending.json", [](EditionDraft& d) { d.rows[1].bands->thresholds[1].value = dec("12"); }},
      {"threshold-levels-not-descending.json",
       [](EditionDraft& d) { std::swap(d.rows[3].bands->thresholds[0], d.rows[3].bands->thresholds[2]); }},
      {"threshold-fractional-on-count.json", [](EditionDraft& d) { d.rows[1].bands->thresholds[0].value = dec("9.5"); }},
      {"category-bands-not-descending.json", [](EditionDraft& d) { d.bands[1].lower_h = 7000; }},
      {"bad-provenance-mark.json", [](EditionDraft& d) { d.rows[0].provenance["weight"].mark = 'X'; }},
      {"missing-row-provenance.json", [](EditionDraft& d) { d.rows[1].provenance.erase("thresholds"); }},
      {"empty-provenance-note.json", [](EditionDraft& d) { d.provenance["rounding"].note.clear(); }},
      {"wrong-number-of-level-labels.json", [](EditionDraft& d) { d.rows[2].level_labels.pop_back(); }},
      {"unknown-aspect.json", [](EditionDraft& d) { d.rows[0].aspect = "pemerintah"; }},
      {"eligibility-impossible-date.json",
       [](EditionDraft& d) { d.eligibility = Eligibility{true, "2023-02-30", "2024-06-30"}; }},
      {"level-max-zero.json", [](EditionDraft& d) { d.level_max = 0; }},
      {"count-rate-times-cap-overflow.json",
       [](EditionDraft& d) {
         d.count_rate_h = 274877906945;
         d.count_cap = 67108864;
         d.max_total_h = 67111264;
       }},
      {"count-points-above-exact-range.json",
       [](EditionDraft& d) {
         d.count_rate_h = 10995117;
         d.count_cap = 100000;
       }},
      {"row-weight-times-level-overflow.json", [](EditionDraft& d) { d.rows[0].weight_h = 3074457345618258800; }},
      {"innovation-rows-sum-above-exact-range.json",
       [](EditionDraft& d) { d.rows[2].weight_h = d.rows[3].weight_h = 400000000; }},
      {"innovation-row-above-exact-range.json", [](EditionDraft& d) { d.rows[2].weight_h = 715827900; }},
      {"government-rows-sum-above-exact-range.json",
       [](EditionDraft& d) { d.rows[0].weight_h = d.rows[1].weight_h = 200000000000; }},
      {"max-total-above-exact-range.json",
       [](EditionDraft& d) {
         d.count_rate_h = 6000000;
         d.count_cap = 100000;
         d.rows[0].weight_h = 180000000000;
       }},
  };
  // The hand-typed control has row 16's evidence, which the file lacks: drop it to match.
  EditionDraft base = mini();
  base.rows[2].evidence.reset();
  ASSERT_NO_THROW(base.validate());
  for (const auto& defect : defects) {
    const auto& file = defect.first;  // a lambda cannot name a structured binding (clang 14)
    const auto& mutate = defect.second;
    SCOPED_TRACE(file);
    auto want = test::input_error([&] { load_edition_file(kData + "/malformed_editions/" + file); });
    ASSERT_TRUE(want.has_value());
    EditionDraft d = base;
    mutate(d);
    auto got = draft_error(d);
    ASSERT_TRUE(got.has_value()) << "the draft accepted it";
    EXPECT_EQ(got->pointer(), want->pointer());
    EXPECT_EQ(got->message(), want->message());
    EXPECT_THROW(d.build(), InputError);
  }
}

// Rules a file meets through its shape but a draft can break in memory.
TEST(EditionDraft, InMemoryOnlyStates) {
  auto err = [](const std::function<void(EditionDraft&)>& m) {
    EditionDraft d = mini();
    m(d);
    auto e = draft_error(d);
    return e ? e->pointer() + " " + e->message() : std::string("accepted");
  };
  EXPECT_EQ(err([](EditionDraft& d) { d.aspects.pop_back(); }),
            "/aspects exactly two aspects are needed: one with scope \"region\", one with scope \"innovation\"");
  EXPECT_EQ(err([](EditionDraft& d) { d.provenance.erase("levels"); }),
            "/levels missing provenance (mark and note) for parameter \"levels\"");
  EXPECT_EQ(err([](EditionDraft& d) { d.rows[0].bands = higher({{1, dec("1")}}); }),
            "/rows/0/thresholds not used by input \"level\"");
  EXPECT_EQ(err([](EditionDraft& d) { d.rows[1].bands.reset(); }), "/rows/1/thresholds input \"count\" needs thresholds");
  EXPECT_EQ(err([](EditionDraft& d) { d.rows[2].evidence->kind_level.erase("regional_law"); }),
            "/rows/2/evidence/kinds kinds and kind_level must name the same kinds (2 kinds, 1 levels)");
  // The gate: 65 affairs is beyond the batch's 64-bit masks, and affairs are case-insensitive.
  EXPECT_EQ(err([](EditionDraft& d) {
              d.gate = CountGate{};
              for (int i = 0; i < 65; ++i) d.gate->affairs.push_back("a" + std::to_string(i));
            }),
            "/count_points/value/gate/affairs lists 65 affairs; at most 64 are supported (the batch engine keeps "
            "one bit per affair)");
  EXPECT_EQ(err([](EditionDraft& d) { d.gate = CountGate{{"Kesehatan", "kesehatan"}, 1, GateCounted::counted}; }),
            "/count_points/value/gate/affairs/1 duplicate affair \"kesehatan\"");
  // build() normalises what the file reader would not see twice: affairs and code keys.
  EditionDraft d = mini();
  d.gate = CountGate{{"Kesehatan", "PENDIDIKAN"}, 1, GateCounted::counted};
  EXPECT_EQ(d.build()->gate->affairs, (std::vector<std::string>{"kesehatan", "pendidikan"}));
}
