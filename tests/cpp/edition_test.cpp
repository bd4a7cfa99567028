#include "inovasi/edition.hpp"

#include <gtest/gtest.h>

#include <set>

#include "test_util.hpp"

using namespace inovasi;

namespace {

// Methodology §2.1 / §2.2, written out by hand (not read from the edition files).
const std::vector<std::pair<std::string, std::int64_t>> kGovernmentWeights = {
    {"1", 100},  {"2a", 100}, {"2b", 100}, {"3", 100},   {"4", 100},  {"5a", 75},  {"5b", 75},
    {"6", 150},  {"7", 150},  {"8", 150},  {"9", 100},   {"10a", 75}, {"10b", 75}, {"11a", 75},
    {"11b", 75}, {"12", 200}, {"13a", 100}, {"13b", 100}, {"14", 100}, {"15", 100}};
const std::vector<std::pair<std::string, std::int64_t>> kInnovationWeights = {
    {"16", 300}, {"17", 200}, {"18", 200}, {"19", 200}, {"20", 100}, {"21", 200}, {"22", 100},
    {"23", 100}, {"24", 100}, {"25", 100}, {"26", 100}, {"27", 100}, {"28", 200}, {"29", 100},
    {"30", 200}, {"31", 300}, {"32", 200}, {"33", 300}, {"34", 200}, {"35", 400}};
const std::set<std::string> kMandatoryGovernment = {"1", "3", "4", "5a", "5b", "6", "7",
                                                    "8", "9", "10a", "10b", "11a", "11b"};
const std::set<std::string> kMandatoryInnovationFrom2024 = {"16", "17", "32", "33", "35"};

std::string t2023() { return test::source_file("editions/iid-2023.json"); }

// The error parse_edition throws for `text`; fails the test when it throws none.
InputError edition_error(const std::string& text) {
  auto e = test::input_error([&] { parse_edition(text); });
  EXPECT_TRUE(e.has_value()) << "edition unexpectedly accepted";
  return e.value_or(InputError("<none>", "<none>"));
}

}  // namespace

// --- The shipped editions -----------------------------------------------------------------------

TEST(ShippedEditions, AllFourLoadByName) {
  EXPECT_EQ(builtin_edition_names(), test::shipped_editions());
  for (const auto& name : test::shipped_editions()) {
    SCOPED_TRACE(name);
    auto ed = builtin_edition(name);
    ASSERT_NE(ed, nullptr);
    EXPECT_EQ(ed->name, name);
    EXPECT_FALSE(ed->title.empty());
    EXPECT_EQ(ed->assessment_year, std::stoi(name.substr(4)));
    EXPECT_EQ(ed->t0_offset, 0);
    EXPECT_EQ(ed->t0_year(), ed->assessment_year);
    EXPECT_EQ(ed->level_min, 0);
    EXPECT_EQ(ed->level_max, 3);
    EXPECT_EQ(resolve_edition(name).get(), ed.get());  // one shared, immutable instance
  }
}

TEST(ShippedEditions, EditionFilesOnDiskLoadToo) {
  for (const auto& name : test::shipped_editions()) {
    SCOPED_TRACE(name);
    std::string path = std::string(INOVASI_SOURCE_DIR) + "/editions/" + name + ".json";
    auto a = load_edition_file(path);
    auto b = resolve_edition(path);
    EXPECT_EQ(a->name, name);
    EXPECT_EQ(b->name, name);
    EXPECT_EQ(a->rows.size(), builtin_edition(name)->rows.size());
  }
}

TEST(ShippedEditions, UnknownNameAndMissingFileAreInputErrors) {
  auto e = test::input_error([] { builtin_edition("iid-2019"); });
  ASSERT_TRUE(e);
  EXPECT_TRUE(test::contains(e->message(), "iid-2019"));
  EXPECT_TRUE(test::contains(e->message(), "iid-2023"));  // lists what is available
  EXPECT_THROW(load_edition_file("/nonexistent/edition.json"), InputError);
  EXPECT_THROW(resolve_edition("no/such/file.json"), InputError);
}

TEST(ShippedEditions, DivisorMinimum) {
  EXPECT_EQ(builtin_edition("iid-2023")->divisor_minimum, 10);
  EXPECT_EQ(builtin_edition("iid-2024")->divisor_minimum, 10);
  EXPECT_EQ(builtin_edition("iid-2025")->divisor_minimum, 10);
  EXPECT_EQ(builtin_edition("iid-2026")->divisor_minimum, 12);
}

TEST(ShippedEditions, CountPointsRateCapAndGateOnlyIn2026) {
  for (const auto& name : test::shipped_editions()) {
    SCOPED_TRACE(name);
    auto ed = builtin_edition(name);
    EXPECT_EQ(ed->count_rate_h, 38);
    EXPECT_EQ(ed->count_cap, 200);
    EXPECT_EQ(ed->gate.has_value(), name == "iid-2026");
  }
  const auto& gate = *builtin_edition("iid-2026")->gate;
  EXPECT_EQ(gate.affairs, test::basic_affairs());
  EXPECT_EQ(gate.min_covered, 5);
  EXPECT_EQ(gate.counted, GateCounted::counted);
}

TEST(ShippedEditions, CategoryBands) {
  for (const auto& name : test::shipped_editions()) {
    SCOPED_TRACE(name);
    auto ed = builtin_edition(name);
    bool late = name == "iid-2025" || name == "iid-2026";
    ASSERT_EQ(ed->bands.size(), 3u);
    EXPECT_EQ(ed->bands[0].label, "Sangat Inovatif");
    EXPECT_EQ(ed->bands[0].lower_h, late ? 6500 : 6000);
    EXPECT_TRUE(ed->bands[0].strict);
    EXPECT_EQ(ed->bands[1].label, "Inovatif");
    EXPECT_EQ(ed->bands[1].lower_h, late ? 4000 : 3500);
    EXPECT_EQ(ed->bands[1].strict, late);  // 2022–24: ≥ 35.00; 2025–26: > 40.00
    EXPECT_EQ(ed->bands[2].label, "Kurang Inovatif");
    EXPECT_EQ(ed->bands[2].lower_h, 0);
    EXPECT_TRUE(ed->bands[2].strict);
    EXPECT_EQ(ed->lowest_category, "Tidak Dapat Dinilai");
    EXPECT_EQ(ed->rounding, Rounding::half_up);
    EXPECT_EQ(ed->category_reading, CategoryReading::rounded);
    EXPECT_EQ(ed->mandatory_rule, MandatoryRule::finding);
    // Every shipped edition ships the eligibility window off.
    EXPECT_TRUE(!ed->eligibility || !ed->eligibility->enabled);
  }
}

TEST(ShippedEditions, CategoryOfPublishedValues) {
  // docs/model.md §4: 2022–24 60.01–100 / 35.00–60.00 / 0.01–34.99 / 0
  auto e23 = builtin_edition("iid-2023");
  EXPECT_EQ(e23->category_of_hundredths(10000), "Sangat Inovatif");
  EXPECT_EQ(e23->category_of_hundredths(6001), "Sangat Inovatif");
  EXPECT_EQ(e23->category_of_hundredths(6000), "Inovatif");
  EXPECT_EQ(e23->category_of_hundredths(3500), "Inovatif");
  EXPECT_EQ(e23->category_of_hundredths(3499), "Kurang Inovatif");
  EXPECT_EQ(e23->category_of_hundredths(1), "Kurang Inovatif");
  EXPECT_EQ(e23->category_of_hundredths(0), "Tidak Dapat Dinilai");
  // 2025–26: 65.01–100 / 40.01–65.00 / 0.01–40.00 / 0
  for (const char* n : {"iid-2025", "iid-2026"}) {
    auto e = builtin_edition(n);
    EXPECT_EQ(e->category_of_hundredths(6501), "Sangat Inovatif");
    EXPECT_EQ(e->category_of_hundredths(6500), "Inovatif");
    EXPECT_EQ(e->category_of_hundredths(4001), "Inovatif");
    EXPECT_EQ(e->category_of_hundredths(4000), "Kurang Inovatif");
    EXPECT_EQ(e->category_of_hundredths(1), "Kurang Inovatif");
    EXPECT_EQ(e->category_of_hundredths(0), "Tidak Dapat Dinilai");
  }
  // Unrounded reading: exact fractions with no gaps between the bands.
  EXPECT_EQ(e23->category_of_fraction(Fraction::of(12001, 200)), "Sangat Inovatif");  // 60.005
  EXPECT_EQ(e23->category_of_fraction(Fraction::of(60, 1)), "Inovatif");
  EXPECT_EQ(e23->category_of_fraction(Fraction::of(6999, 200)), "Kurang Inovatif");  // 34.995
  EXPECT_EQ(e23->category_of_fraction(Fraction::of(35, 1)), "Inovatif");
  EXPECT_EQ(e23->category_of_fraction(Fraction::of(1, 1000)), "Kurang Inovatif");
  EXPECT_EQ(e23->category_of_fraction(Fraction::of(0, 1)), "Tidak Dapat Dinilai");
  auto e26 = builtin_edition("iid-2026");
  EXPECT_EQ(e26->category_of_fraction(Fraction::of(8001, 200)), "Inovatif");        // 40.005
  EXPECT_EQ(e26->category_of_fraction(Fraction::of(40, 1)), "Kurang Inovatif");
}

TEST(ShippedEditions, MaxTotalAndWeightSums) {
  for (const auto& name : test::shipped_editions()) {
    SCOPED_TRACE(name);
    auto ed = builtin_edition(name);
    EXPECT_EQ(ed->max_total_h, 25000);
    std::int64_t gov = 0, inn = 0;
    for (int i : ed->government_rows) gov += ed->rows[i].weight_h;
    for (int i : ed->innovation_rows) inn += ed->rows[i].weight_h;
    EXPECT_EQ(gov, 2100);  // 21 points per level
    EXPECT_EQ(inn, 3700);  // 37 points per level
    EXPECT_EQ(ed->max_government_h(), 6300);
    EXPECT_EQ(ed->max_innovation_h(), 11100);
  }
}

TEST(ShippedEditions, RowKeysWeightsAndMandatoryFromTheMethodology) {
  for (const auto& name : test::shipped_editions()) {
    SCOPED_TRACE(name);
    auto ed = builtin_edition(name);
    ASSERT_EQ(ed->government_rows.size(), kGovernmentWeights.size());
    ASSERT_EQ(ed->innovation_rows.size(), kInnovationWeights.size());
    ASSERT_EQ(ed->rows.size(), 40u);
    for (std::size_t i = 0; i < kGovernmentWeights.size(); ++i) {
      const Row& r = ed->rows[ed->government_rows[i]];
      EXPECT_EQ(r.key, kGovernmentWeights[i].first);
      EXPECT_EQ(r.weight_h, kGovernmentWeights[i].second) << r.key;
      EXPECT_EQ(r.aspect_index, 0) << r.key;
      EXPECT_EQ(r.mandatory, kMandatoryGovernment.count(r.key) > 0) << r.key;
      EXPECT_EQ(ed->row_index(r.key), ed->government_rows[i]);
    }
    for (std::size_t i = 0; i < kInnovationWeights.size(); ++i) {
      const Row& r = ed->rows[ed->innovation_rows[i]];
      EXPECT_EQ(r.key, kInnovationWeights[i].first);
      EXPECT_EQ(r.weight_h, kInnovationWeights[i].second) << r.key;
      EXPECT_EQ(r.aspect_index, 1) << r.key;
      bool mandatory = name != "iid-2023" && kMandatoryInnovationFrom2024.count(r.key) > 0;
      EXPECT_EQ(r.mandatory, mandatory) << r.key;
    }
    EXPECT_EQ(ed->row_index("36"), -1);
    EXPECT_EQ(ed->row_index("2"), -1);  // split into 2a/2b
  }
}

TEST(ShippedEditions, InputKindsFromTheMethodology) {
  // §2.1: 2023–25 take levels only on rows 1–15; 2026 has thresholds and codes.
  const std::map<std::string, InputKind> gov2026 = {
      {"1", InputKind::level},    {"2a", InputKind::count},   {"2b", InputKind::count},
      {"3", InputKind::decimal},  {"4", InputKind::decimal},  {"5a", InputKind::decimal},
      {"5b", InputKind::decimal}, {"6", InputKind::decimal},  {"7", InputKind::decimal},
      {"8", InputKind::code},     {"9", InputKind::code},     {"10a", InputKind::decimal},
      {"10b", InputKind::decimal}, {"11a", InputKind::decimal}, {"11b", InputKind::decimal},
      {"12", InputKind::level},   {"13a", InputKind::count},  {"13b", InputKind::level},
      {"14", InputKind::level},   {"15", InputKind::level}};
  // §2.2 (27 becomes a count of channels from 2024).
  std::map<std::string, InputKind> inn = {
      {"16", InputKind::level},   {"17", InputKind::count},   {"18", InputKind::years},
      {"19", InputKind::level},   {"20", InputKind::count},   {"21", InputKind::years},
      {"22", InputKind::count},   {"23", InputKind::level},   {"24", InputKind::count},
      {"25", InputKind::level},   {"26", InputKind::level},   {"27", InputKind::level},
      {"28", InputKind::count},   {"29", InputKind::decimal}, {"30", InputKind::level},
      {"31", InputKind::count},   {"32", InputKind::count},   {"33", InputKind::bases},
      {"34", InputKind::level},   {"35", InputKind::count}};
  for (const auto& name : test::shipped_editions()) {
    SCOPED_TRACE(name);
    auto ed = builtin_edition(name);
    for (int i : ed->government_rows) {
      const Row& r = ed->rows[i];
      InputKind want = name == "iid-2026" ? gov2026.at(r.key) : InputKind::level;
      EXPECT_EQ(r.input, want) << r.key;
    }
    inn["27"] = name == "iid-2023" ? InputKind::level : InputKind::count;
    for (int i : ed->innovation_rows) EXPECT_EQ(ed->rows[i].input, inn.at(ed->rows[i].key)) << ed->rows[i].key;
    // Lower-is-better rows: 5b, 10b (2026), 28, 32.
    for (const char* k : {"28", "32"})
      EXPECT_EQ(ed->rows[ed->row_index(k)].bands->direction, Direction::lower) << k;
    if (name == "iid-2026")
      for (const char* k : {"5b", "10b"})
        EXPECT_EQ(ed->rows[ed->row_index(k)].bands->direction, Direction::lower) << k;
  }
}

TEST(ShippedEditions, Indicator33BasesAnd30Variants) {
  const std::set<std::string> five = {"people", "target_units", "spending_saved", "revenue_increase", "products"};
  std::set<std::string> six = five;
  six.insert("positive_trend");
  for (const auto& name : test::shipped_editions()) {
    SCOPED_TRACE(name);
    auto ed = builtin_edition(name);
    const Row& r33 = ed->rows[ed->row_index("33")];
    std::set<std::string> bases;
    for (const auto& [k, b] : r33.bases) bases.insert(k);
    if (name == "iid-2023") EXPECT_EQ(bases, std::set<std::string>{"people"});
    else if (name == "iid-2026") EXPECT_EQ(bases, six);
    else EXPECT_EQ(bases, five);
    EXPECT_EQ(r33.default_basis, "people");
    const Row& r30 = ed->rows[ed->row_index("30")];
    if (name == "iid-2023") {
      EXPECT_TRUE(r30.variants.empty());
    } else {
      EXPECT_EQ(r30.variants.size(), 2u);
      EXPECT_EQ(r30.variants.count("digital"), 1u);
      EXPECT_EQ(r30.variants.count("non_digital"), 1u);
    }
  }
}

TEST(ShippedEditions, EvidenceKindsAreTheFormatsVocabulary) {
  // docs/evidence.md: 24 evidence kinds.
  const std::set<std::string> kinds = {
      "regional_law", "regional_head_regulation", "regional_head_decree", "department_head_decree",
      "assignment_letter", "budget_document", "work_plan", "invitation", "agreement", "link", "manual",
      "photo", "screenshot", "video", "report", "survey_report", "sop", "attendance_list", "certificate",
      "beneficiary_list", "other", "press_clipping", "evaluation_report", "external_study"};
  for (const auto& name : test::shipped_editions()) {
    SCOPED_TRACE(name);
    auto ed = builtin_edition(name);
    EXPECT_EQ(std::set<std::string>(ed->evidence_kinds.begin(), ed->evidence_kinds.end()), kinds);
    EXPECT_EQ(ed->evidence_kinds.size(), 24u);
  }
}

TEST(ShippedEditions, EveryRowAndParameterHasProvenance) {
  for (const auto& name : test::shipped_editions()) {
    SCOPED_TRACE(name);
    auto ed = builtin_edition(name);
    for (const char* p : {"assessment_year", "t0_offset", "levels", "divisor_minimum", "count_points", "rounding",
                          "category_reading", "categories", "max_total", "eligibility", "mandatory_rule",
                          "evidence_kinds"}) {
      ASSERT_EQ(ed->provenance.count(p), 1u) << p;
      const auto& pr = ed->provenance.at(p);
      EXPECT_NE(std::string("CPU").find(pr.mark), std::string::npos) << p;
      EXPECT_FALSE(pr.note.empty()) << p;
    }
    for (const Row& r : ed->rows) {
      std::vector<std::string> need = {"weight", "levels", "mandatory"};
      switch (r.input) {
        case InputKind::count:
        case InputKind::decimal: need.push_back("thresholds"); break;
        case InputKind::code: need.push_back("codes"); break;
        case InputKind::years: need.push_back("year_rules"); break;
        case InputKind::bases: need.push_back("bases"); break;
        case InputKind::level: break;
      }
      if (!r.variants.empty()) need.push_back("variants");
      for (const auto& k : need) {
        ASSERT_EQ(r.provenance.count(k), 1u) << "row " << r.key << " lacks provenance for " << k;
        const auto& pr = r.provenance.at(k);
        EXPECT_NE(std::string("CPU").find(pr.mark), std::string::npos) << r.key << " " << k;
        EXPECT_FALSE(pr.note.empty()) << r.key << " " << k;
      }
      EXPECT_EQ(r.level_labels.size(), 4u) << r.key;
    }
  }
}

// --- Malformed editions: iid-2023 with one thing broken ------------------------------------------

TEST(MalformedEdition, ControlTheUnbrokenCopyLoads) {
  auto ed = parse_edition(test::replace_first(t2023(), "\"name\": \"iid-2023\"", "\"name\": \"copy\""));
  EXPECT_EQ(ed->name, "copy");
  EXPECT_EQ(ed->rows.size(), 40u);
  EXPECT_EQ(ed->max_total_h, 25000);
}

TEST(MalformedEdition, WeightNotAMultipleOfAQuarter) {
  // The first 0.75 is row 5a, /rows/5.
  auto e = edition_error(test::replace_first(t2023(), "\"weight\": 0.75", "\"weight\": 0.3"));
  EXPECT_EQ(e.pointer(), "/rows/5/weight");
  EXPECT_TRUE(test::contains(e.message(), "0.3"));
  EXPECT_TRUE(test::contains(e.message(), "multiple of 0.25"));
}

TEST(MalformedEdition, MaxTotalDoesNotMatchTheWeights) {
  auto e = edition_error(test::replace_after(t2023(), "\"max_total\"", "\"value\": 250", "\"value\": 251"));
  EXPECT_EQ(e.pointer(), "/max_total/value");
  EXPECT_TRUE(test::contains(e.message(), "251"));
  EXPECT_TRUE(test::contains(e.message(), "250"));
  // A weight change makes the stated 250 wrong: 63 + 3 (row 1 weight 1 → 2) = 66.
  auto e2 = edition_error(test::replace_after(t2023(), "\"key\": \"1\"", "\"weight\": 1,", "\"weight\": 2,"));
  EXPECT_EQ(e2.pointer(), "/max_total/value");
  EXPECT_TRUE(test::contains(e2.message(), "66"));
  EXPECT_TRUE(test::contains(e2.message(), "253"));
}

// The one "T-k" reader; an edition's windows reach back to T-9 at most.
TEST(MalformedEdition, RelativeYears) {
  for (const char* bad : {"T-10", "T-", "T-x", "T+1", "2021"}) {
    SCOPED_TRACE(bad);
    auto e = edition_error(test::replace_first(t2023(), "\"from\": \"T-2\"", std::string("\"from\": \"") + bad + "\""));
    EXPECT_TRUE(e.pointer().ends_with("/from")) << e.pointer();
    EXPECT_TRUE(test::contains(e.message(), "is not a relative year like \"T-2\"")) << e.message();
  }
  EXPECT_NO_THROW(inovasi::parse_edition(test::replace_first(t2023(), "\"from\": \"T-2\"", "\"from\": \"T-9\"")));
}

TEST(MalformedEdition, ThresholdsOutOfOrder) {
  // Row 17 (/rows/21): level 3 from 31, level 2 from 40 — a lower level needs a smaller threshold.
  auto e = edition_error(test::replace_after(t2023(), "\"key\": \"17\"", "\"value\": 11", "\"value\": 40"));
  EXPECT_EQ(e.pointer(), "/rows/21/thresholds/1/value");
  EXPECT_TRUE(test::contains(e.message(), "smaller"));
}

TEST(MalformedEdition, FractionalThresholdOnACountRow) {
  auto e = edition_error(test::replace_after(t2023(), "\"key\": \"17\"", "\"value\": 31", "\"value\": 30.5"));
  EXPECT_EQ(e.pointer(), "/rows/21/thresholds/0/value");
  EXPECT_TRUE(test::contains(e.message(), "whole"));
}

TEST(MalformedEdition, OtherwiseNotBelowTheLowestThreshold) {
  // Row 28 (/rows/32) has thresholds for levels 3 and 2 and otherwise 1.
  auto e = edition_error(test::replace_after(t2023(), "\"key\": \"28\"", "\"otherwise\": 1", "\"otherwise\": 2"));
  EXPECT_EQ(e.pointer(), "/rows/32/otherwise");
}

TEST(MalformedEdition, MissingProvenanceNote) {
  auto e = edition_error(test::replace_after(
      t2023(), "\"provenance\": {",
      ",\n          \"note\": \"docs/model.md §2.1 weight column (2026 guide); the same skeleton and weights are "
      "assumed for 2023 [U]\"",
      ""));
  EXPECT_EQ(e.pointer(), "/rows/0/provenance/weight");
  EXPECT_TRUE(test::contains(e.message(), "\"note\""));
}

TEST(MalformedEdition, EmptyProvenanceNote) {
  auto e = edition_error(test::replace_after(
      t2023(), "\"provenance\": {",
      "\"note\": \"docs/model.md §2.1 weight column (2026 guide); the same skeleton and weights are assumed for 2023 [U]\"",
      "\"note\": \"\""));
  EXPECT_EQ(e.pointer(), "/rows/0/provenance/weight/note");
}

TEST(MalformedEdition, MissingProvenanceForAParameter) {
  auto e = edition_error(test::replace_after(
      t2023(), "\"provenance\": {",
      "\"mandatory\": {\n          \"mark\": \"U\",\n          \"note\": \"docs/model.md §2.1 Mandatory column (2026 "
      "guide), reused for 2023 [U]\"\n        },\n",
      ""));
  EXPECT_EQ(e.pointer(), "/rows/0/provenance");
  EXPECT_TRUE(test::contains(e.message(), "mandatory"));
}

TEST(MalformedEdition, TopLevelParameterWithoutMark) {
  auto e = edition_error(test::replace_after(t2023(), "\"divisor_minimum\"", "\"mark\": \"C\",\n", ""));
  EXPECT_EQ(e.pointer(), "/divisor_minimum");
  EXPECT_TRUE(test::contains(e.message(), "\"mark\""));
}

TEST(MalformedEdition, UnknownField) {
  auto e = edition_error(test::replace_first(t2023(), "\"format\": \"inovasi-edition/1\",",
                                             "\"format\": \"inovasi-edition/1\",\n  \"colour\": \"blue\","));
  EXPECT_EQ(e.pointer(), "/colour");
  EXPECT_TRUE(test::contains(e.message(), "unknown field"));
  EXPECT_TRUE(test::contains(e.message(), "colour"));
}

TEST(MalformedEdition, UnknownFieldInARow) {
  auto e = edition_error(test::replace_after(t2023(), "\"key\": \"16\"", "\"mandatory\": false,",
                                             "\"mandatory\": false, \"bobot\": 3,"));
  EXPECT_EQ(e.pointer(), "/rows/20/bobot");
  EXPECT_TRUE(test::contains(e.message(), "unknown field"));
}

TEST(MalformedEdition, BadProvenanceMark) {
  auto e = edition_error(test::replace_after(t2023(), "\"assessment_year\"", "\"mark\": \"C\"", "\"mark\": \"X\""));
  EXPECT_EQ(e.pointer(), "/assessment_year/mark");
  EXPECT_TRUE(test::contains(e.message(), "\"X\""));
  EXPECT_TRUE(test::contains(e.message(), "mark"));
  // ... and inside a row's provenance.
  auto e2 = edition_error(test::replace_after(t2023(), "\"provenance\": {", "\"mark\": \"U\"", "\"mark\": \"?\""));
  EXPECT_EQ(e2.pointer(), "/rows/0/provenance/weight/mark");
}

TEST(MalformedEdition, DuplicateRowKey) {
  auto e = edition_error(test::replace_first(t2023(), "\"key\": \"2b\"", "\"key\": \"2a\""));
  EXPECT_EQ(e.pointer(), "/rows/2/key");
  EXPECT_TRUE(test::contains(e.message(), "duplicate"));
  EXPECT_TRUE(test::contains(e.message(), "2a"));
}

TEST(MalformedEdition, WrongNumberOfLevelLabels) {
  auto e = edition_error(test::replace_first(t2023(), "\"vision only\",\n", ""));
  EXPECT_EQ(e.pointer(), "/rows/0/levels");
  EXPECT_TRUE(test::contains(e.message(), "4"));
  EXPECT_TRUE(test::contains(e.message(), "3"));
}

TEST(MalformedEdition, UnknownAspect) {
  auto e = edition_error(test::replace_first(t2023(), "\"aspect\": \"government\"", "\"aspect\": \"pemerintah\""));
  EXPECT_EQ(e.pointer(), "/rows/0/aspect");
  EXPECT_TRUE(test::contains(e.message(), "pemerintah"));
}

TEST(MalformedEdition, DuplicateKeyInJson) {
  auto e = edition_error(
      test::replace_first(t2023(), "\"name\": \"iid-2023\",", "\"name\": \"iid-2023\",\n  \"name\": \"other\","));
  EXPECT_EQ(e.pointer(), "/name");
  EXPECT_TRUE(test::contains(e.message(), "duplicate key"));
}

TEST(MalformedEdition, DuplicateKeyInANestedObject) {
  // Regression: the pointer used to lose its innermost token below the top level ("/rows/weight").
  auto e = edition_error(
      test::replace_after(t2023(), "\"key\": \"1\"", "\"weight\": 1,", "\"weight\": 1, \"weight\": 1,"));
  EXPECT_EQ(e.pointer(), "/rows/0/weight");
  EXPECT_TRUE(test::contains(e.message(), "duplicate key"));
}

TEST(MalformedEdition, CategoryBandsOutOfOrder) {
  auto e = edition_error(test::replace_first(t2023(), "\"lower\": 35.00", "\"lower\": 70.00"));
  EXPECT_EQ(e.pointer(), "/categories/value/bands/1/lower");
  EXPECT_TRUE(test::contains(e.message(), "descending"));
}

TEST(MalformedEdition, CountRateNotInHundredths) {
  auto e = edition_error(test::replace_first(t2023(), "\"rate\": 0.38", "\"rate\": 0.385"));
  EXPECT_EQ(e.pointer(), "/count_points/value/rate");
  EXPECT_TRUE(test::contains(e.message(), "0.385"));
}

TEST(MalformedEdition, UnknownRoundingMode) {
  auto e = edition_error(test::replace_after(t2023(), "\"rounding\"", "\"half_up\"", "\"half_down\""));
  EXPECT_EQ(e.pointer(), "/rounding/value");
  EXPECT_TRUE(test::contains(e.message(), "half_down"));
}

TEST(MalformedEdition, UnsupportedFormat) {
  auto e = edition_error(test::replace_first(t2023(), "inovasi-edition/1", "inovasi-edition/9"));
  EXPECT_EQ(e.pointer(), "/format");
}

TEST(MalformedEdition, SyntaxErrorHasNoPointer) {
  std::string t = t2023();
  auto e = edition_error(t.substr(0, t.size() / 2));
  EXPECT_TRUE(e.is_syntax_error());
  EXPECT_EQ(e.pointer(), "");
  EXPECT_TRUE(test::contains(e.message(), "syntax error"));
}

TEST(EditionFiles, ReadingStopsAtTheSizeLimit) {
  // /dev/zero never ends: the limit is checked while reading, and named.
  auto e = test::input_error([] { load_edition_file("/dev/zero"); });
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->source(), "/dev/zero");
  EXPECT_TRUE(test::contains(e->message(), "larger than the limit of 67108864 bytes")) << e->what();
  auto d = test::input_error([] { load_edition_file(INOVASI_SOURCE_DIR); });
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(test::contains(d->message(), "cannot read edition file")) << d->what();
}
