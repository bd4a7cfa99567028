// Columns schema v2 (docs/batch.md): every producer — to_policy_columns of parsed submissions,
// read_policy_columns / read_columns of the JSON Lines, the synthetic generator — gives the same
// ids, departments, raw values, clusters, caps and acceptance; acceptance is the answer's own
// or the product of the edition's per-severity factors over its findings, quantised.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <sstream>

#include "inovasi/batch.hpp"
#include "inovasi/evidence.hpp"
#include "inovasi/ingest.hpp"
#include "inovasi/synth.hpp"
#include "test_util.hpp"

namespace {

using namespace inovasi;

std::vector<Submission> parse_all(const std::string& text) {
  std::vector<Submission> subs;
  RecordReader reader(text, ParseOptions{});
  RecordResult rec;
  while (reader.next(rec)) {
    EXPECT_FALSE(rec.error) << (rec.error ? rec.error->what() : "");
    if (rec.submission) subs.push_back(std::move(*rec.submission));
  }
  return subs;
}

// The value text of each answer ("" = none), whatever the table's numbering.
std::vector<std::string> values_at(const std::vector<std::int32_t>& index, const Columns::ValueTable& t,
                                   std::size_t answers, bool basis) {
  std::vector<std::string> out(answers, "<none>");
  for (std::size_t i = 0; i < index.size(); ++i)
    if (index[i] >= 0) out[i] = basis ? t.basis[index[i]] : t.value[index[i]];
  return out;
}

// Every field the forms share, plus the policy fields when both have them.
void expect_same(const Columns& a, const Columns& b, const std::string& what) {
  SCOPED_TRACE(what);
  const Edition& ed = *a.edition;
  const std::size_t GA = a.regions * ed.government_rows.size(), KA = a.innovations * ed.innovation_rows.size();
  ASSERT_EQ(a.regions, b.regions);
  ASSERT_EQ(a.innovations, b.innovations);
  EXPECT_EQ(a.government_levels, b.government_levels);
  EXPECT_EQ(a.innovation_levels, b.innovation_levels);
  EXPECT_EQ(a.region_offsets, b.region_offsets);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.affairs, b.affairs);
  EXPECT_EQ(a.codes, b.codes);
  EXPECT_EQ(a.provinces, b.provinces);
  EXPECT_EQ(a.types, b.types);
  EXPECT_EQ(a.clusters, b.clusters);
  EXPECT_EQ(a.innovation_ids, b.innovation_ids);
  EXPECT_EQ(a.departments, b.departments);
  EXPECT_EQ(a.department_index, b.department_index);
  EXPECT_EQ(a.government_value, b.government_value);
  EXPECT_EQ(a.innovation_value, b.innovation_value);
  EXPECT_EQ(a.government_values.value, b.government_values.value);
  EXPECT_EQ(a.government_values.basis, b.government_values.basis);
  EXPECT_EQ(a.innovation_values.value, b.innovation_values.value);
  EXPECT_EQ(a.innovation_values.basis, b.innovation_values.basis);
  EXPECT_EQ(values_at(a.innovation_value, a.innovation_values, KA, false),
            values_at(b.innovation_value, b.innovation_values, KA, false));
  EXPECT_EQ(values_at(a.government_value, a.government_values, GA, true),
            values_at(b.government_value, b.government_values, GA, true));
  if (a.policy_caps && b.policy_caps) {
    EXPECT_EQ(a.government_supported_cap, b.government_supported_cap);
    EXPECT_EQ(a.innovation_supported_cap, b.innovation_supported_cap);
    EXPECT_EQ(a.government_assessor_cap, b.government_assessor_cap);
    EXPECT_EQ(a.innovation_assessor_cap, b.innovation_assessor_cap);
    EXPECT_EQ(a.government_acceptance, b.government_acceptance);
    EXPECT_EQ(a.innovation_acceptance, b.innovation_acceptance);
    EXPECT_EQ(a.government_acceptance.size(), GA);
    EXPECT_EQ(a.innovation_acceptance.size(), KA);
  }
}

// The acceptance columns equal check_answer()'s number, answer by answer.
void expect_single_region_acceptance(const Columns& c, const std::vector<Submission>& subs) {
  const Edition& ed = *c.edition;
  const std::size_t G = ed.government_rows.size(), K = ed.innovation_rows.size();
  std::size_t inv = 0;
  for (std::size_t r = 0; r < subs.size(); ++r) {
    for (std::size_t g = 0; g < G; ++g)
      ASSERT_EQ(c.government_acceptance[r * G + g],
                acceptance_q16(check_answer(subs[r], -1, ed.government_rows[g]).acceptance));
    for (std::size_t j = 0; j < subs[r].innovations.size(); ++j, ++inv)
      for (std::size_t k = 0; k < K; ++k)
        ASSERT_EQ(c.innovation_acceptance[inv * K + k],
                  acceptance_q16(check_answer(subs[r], static_cast<int>(j), ed.innovation_rows[k]).acceptance));
  }
}

TEST(ColumnsV2, ExamplesEveryProducerAgrees) {
  std::size_t values = 0, ids = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(INOVASI_SOURCE_DIR) + "/examples")) {
    if (entry.path().extension() != ".json") continue;  // examples/editions/ holds editions, not submissions
    const std::string text = test::source_file("examples/" + entry.path().filename().string());
    Submission sub = parse_submission(text);
    const std::vector<Submission> subs{sub};
    const Columns policy = to_policy_columns(subs);
    expect_same(policy, read_policy_columns(text, ParseOptions{}), entry.path().filename().string() + " read_policy_columns");
    expect_same(policy, read_columns(text, ParseOptions{}), entry.path().filename().string() + " read_columns (lean)");
    expect_same(policy, to_columns(subs), entry.path().filename().string() + " to_columns");
    expect_single_region_acceptance(policy, subs);
    values += policy.government_values.value.size() + policy.innovation_values.value.size();
    ids += policy.innovation_ids.size();
    // The ids and departments are the submission's, in input order.
    for (std::size_t j = 0; j < sub.innovations.size(); ++j) {
      EXPECT_EQ(policy.innovation_ids[j], sub.innovations[j].id);
      EXPECT_EQ(policy.departments[policy.department_index[j]], sub.innovations[j].department);
    }
    EXPECT_EQ(policy.clusters[0], cluster_bits(sub.region.clusters));
  }
  EXPECT_GT(values, 100u);  // Sleman, Tangerang and the 2026 evidence example give values
  EXPECT_GT(ids, 90u);
}

TEST(ColumnsV2, RawValuesAndBasesAsGiven) {
  // Sleman gives values on its innovation rows; every given value is kept as text, with its
  // answer's level derived from it.
  const std::string text = test::source_file("examples/kabupaten-sleman-2024.json");
  const Submission sub = parse_submission(text);
  const Columns c = to_policy_columns({sub});
  const Edition& ed = *c.edition;
  const std::size_t K = ed.innovation_rows.size();
  std::size_t seen = 0;
  for (std::size_t j = 0; j < sub.innovations.size(); ++j)
    for (std::size_t k = 0; k < K; ++k) {
      const Answer& a = sub.innovations[j].answers[ed.innovation_rows[k]];
      const std::int32_t v = c.innovation_value.empty() ? -1 : c.innovation_value[j * K + k];
      ASSERT_EQ(v >= 0, a.has_value);
      if (v < 0) continue;
      ++seen;
      EXPECT_EQ(c.innovation_values.value[v], a.value_text);
      EXPECT_EQ(c.innovation_values.basis[v], a.basis);
    }
  EXPECT_GT(seen, 50u);
}

TEST(ColumnsV2, ClustersAreBits) {
  EXPECT_EQ(cluster_bits({}), 0);
  EXPECT_EQ(cluster_bits({"papua", "tertinggal"}), kClusterPapua | kClusterTertinggal);
  const std::string text =
      R"({"edition":"iid-2023","region":{"code":"94.01","type":"kabupaten","clusters":["perbatasan","papua"]},"government":{},"innovations":[]})";
  const Columns c = read_policy_columns(text, ParseOptions{});
  ASSERT_EQ(c.clusters.size(), 1u);
  EXPECT_EQ(c.clusters[0], kClusterPerbatasan | kClusterPapua);
}

TEST(ColumnsV2, SyntheticGeneratorEqualsItsJsonLines) {
  SynthOptions o;
  o.target_innovations = test::kSanitized ? 600 : 4000;
  o.seed = 7;
  std::ostringstream out;
  write_jsonl(o, out);
  const std::string text = out.str();
  const std::vector<Submission> subs = parse_all(text);
  const Columns gen = generate_columns(o);
  ASSERT_TRUE(gen.policy_caps);
  const Columns policy = to_policy_columns(subs);
  expect_same(policy, gen, "generate_columns");
  for (int threads : {1, 2, 3}) expect_same(policy, read_policy_columns(text, ParseOptions{}, threads), "read_policy_columns");
  expect_same(policy, read_columns(text, ParseOptions{}, Policy::self_assessed, 2), "read_columns");
  expect_single_region_acceptance(policy, subs);
  // The generator's evidence has defects: some answers lose acceptance, most keep all of it.
  std::size_t lowered = 0;
  for (auto q : gen.innovation_acceptance) lowered += q < kAcceptanceOne;
  EXPECT_GT(lowered, 0u);
  EXPECT_LT(lowered, gen.innovation_acceptance.size() / 2);
  SynthOptions lean = o;
  lean.policy_columns = false;
  const Columns small = generate_columns(lean);
  EXPECT_FALSE(small.policy_caps);
  EXPECT_TRUE(small.innovation_acceptance.empty());
  EXPECT_EQ(small.innovation_levels, gen.innovation_levels);
  EXPECT_EQ(small.innovation_caps, gen.innovation_caps);  // v1 caps unchanged
}

TEST(ColumnsV2, NationalDatasetEveryProducerAgrees) {
  if (test::kSanitized) GTEST_SKIP() << "the national comparison runs in the normal build";
  const std::string& text = test::national_text();
  const Columns gen = generate_columns({});
  const Columns read = read_policy_columns(text, ParseOptions{}, 2);
  expect_same(read, gen, "national: read_policy_columns vs generate_columns");
  for (Policy p : {Policy::self_assessed, Policy::supported, Policy::strict, Policy::assessor})
    EXPECT_EQ(score_batch(read.view(p), 2).iid_h, score_batch(gen.view(p), 2).iid_h) << to_string(p);
}

// An edition with hand-chosen factors: info 0.75, warning 0.8, error 0.5.
EditionPtr factor_edition() {
  std::string text = test::source_file("editions/iid-2023.json");
  text = test::replace_first(text, R"("value": {"info": 1.0, "warning": 0.9, "error": 0.5})",
                             R"("value": {"info": 0.75, "warning": 0.8, "error": 0.5})");
  return parse_edition(text, "factors.json");
}

Submission with_row19(const EditionPtr& ed, const std::string& answer19, const std::string& gov = "{}") {
  const std::string text = R"({"region":{"code":"64.03","type":"kabupaten"},"government":)" + gov +
                           R"(,"innovations":[{"id":"a","status":"submitted","answers":{"19":)" + answer19 + "}}]}";
  ParseOptions o;
  o.edition = ed;
  o.override_edition = true;
  return parse_submission(text, o);
}

TEST(ColumnsV2, AcceptanceHandComputed) {
  const EditionPtr ed = factor_edition();
  EXPECT_EQ(ed->acceptance_factors.info, 0.75);
  const int row19 = ed->row_index("19");
  // Given: the answer's own number, whatever its findings. round(0.25 × 65535) = 16384 (16383.75).
  {
    const Submission s = with_row19(ed, R"({"level": 2, "acceptance": 0.25})");
    const AnswerCheck c = check_answer(s, 0, row19);
    EXPECT_EQ(c.acceptance, 0.25);
    EXPECT_EQ(acceptance_q16(c.acceptance), 16384);
    ASSERT_NE(ed->rows[ed->innovation_rows[0]].key, "19");
    EXPECT_EQ(to_policy_columns({s}).innovation_acceptance[0], kAcceptanceOne)
        << "the first innovation row is not answered: acceptance 1";
  }
  // Findings of two severities: a photo in a .docx dated 2015 — file_type (error) and window
  // (warning) on the item, and "unsupported" (error) on the answer: 0.5 × 0.5 × 0.8 = 0.2,
  // round(0.2 × 65535) = 13107.
  {
    const Submission s =
        with_row19(ed, R"({"level": 2, "evidence": [{"kind": "photo", "file": "tools.docx", "date": "2015-05-01"}]})");
    const AnswerCheck c = check_answer(s, 0, row19);
    int errors = 0, warnings = 0, infos = 0;
    for (const auto& f : c.findings)
      (f.severity == Severity::error ? errors : f.severity == Severity::warning ? warnings : infos) += 1;
    EXPECT_EQ(errors, 2);
    EXPECT_EQ(warnings, 1);
    EXPECT_EQ(infos, 0);
    EXPECT_DOUBLE_EQ(c.acceptance, 0.2);
    EXPECT_EQ(acceptance_q16(c.acceptance), 13107);
    const Columns cols = to_policy_columns({s});
    std::size_t k19 = 0;
    while (ed->innovation_rows[k19] != row19) ++k19;
    EXPECT_EQ(cols.innovation_acceptance[k19], 13107);
  }
  // A government row without evidence rules: one "unchecked" info, 0.75 → 49151 (49151.25);
  // an absent answer: 1.
  {
    const int gov1 = ed->government_rows[0];
    const Submission s = with_row19(ed, R"({"level": 1})", R"({")" + ed->rows[gov1].key + R"(": {"level": 2}})");
    EXPECT_EQ(check_answer(s, -1, gov1).acceptance, 0.75);
    const Columns cols = to_policy_columns({s});
    EXPECT_EQ(cols.government_acceptance[0], 49151);
    EXPECT_EQ(cols.government_acceptance[1], kAcceptanceOne);
  }
  EXPECT_EQ(acceptance_q16(0.0), 0);
  EXPECT_EQ(acceptance_q16(1.0), kAcceptanceOne);
  EXPECT_EQ(acceptance_q16(0.5), 32768);  // 32767.5 rounds up
}

TEST(ColumnsV2, ShippedEditionsCarryUncertainFactors) {
  for (const auto& name : test::shipped_editions()) {
    const EditionPtr ed = builtin_edition(name);
    EXPECT_EQ(ed->provenance.at("acceptance_factors").mark, 'U') << name;
    EXPECT_EQ(ed->acceptance_factors.error, 0.5) << name;
    EXPECT_EQ(ed->acceptance_factors.warning, 0.9) << name;
    EXPECT_EQ(ed->acceptance_factors.info, 1.0) << name;
  }
}

TEST(ColumnsV2, BadFactorsAreLocatedErrors) {
  const std::string base = test::source_file("editions/iid-2023.json");
  auto error_of = [&](const std::string& from, const std::string& to) -> std::string {
    try {
      parse_edition(test::replace_first(base, from, to), "bad.json");
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  const std::string value = R"("value": {"info": 1.0, "warning": 0.9, "error": 0.5})";
  EXPECT_TRUE(test::contains(error_of(value, R"("value": {"info": 1.0, "warning": 0.9, "error": 1.5})"),
                             "/acceptance_factors/value/error"));
  EXPECT_TRUE(test::contains(error_of(value, R"("value": {"info": 1.0, "warning": -0.1, "error": 0.5})"),
                             "out of range 0..1"));
  EXPECT_TRUE(test::contains(error_of(value, R"("value": {"info": 1.0, "warning": 0.9})"),
                             "/acceptance_factors/value"));
  EXPECT_TRUE(test::contains(error_of(value, R"("value": {"info": 1.0, "warning": 0.9, "error": 0.5, "fatal": 0})"),
                             "fatal"));
  // Without the parameter an edition derives nothing from findings.
  const std::size_t at = base.find(R"(  "acceptance_factors": {)");
  ASSERT_NE(at, std::string::npos);
  const std::size_t end = base.find("  },\n", at) + 5;
  const EditionPtr none = parse_edition(base.substr(0, at) + base.substr(end), "none.json");
  EXPECT_EQ(none->acceptance_factors.error, 1.0);
}

}  // namespace
