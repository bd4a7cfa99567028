// Monte Carlo (inovasi/uncertainty.hpp): every evaluation equals score() of the submission its
// draws describe — the failed answers' claims lowered to their fallback, the edition rewritten
// with the drawn weights and divisor — under every policy and fallback; summaries are the same
// for 1, 2, 7 and 8 threads, for blocks merged and for the regions in another order; the
// quantile and rank rules on hand-made cases; the uncertainty file's errors are located.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include "inovasi/batch.hpp"
#include "inovasi/evidence.hpp"
#include "inovasi/ingest.hpp"
#include "inovasi/random.hpp"
#include "inovasi/uncertainty.hpp"
#include "test_util.hpp"

using namespace inovasi;

namespace {

const char* kExamples[] = {"kabupaten-banyuwangi-2024.json", "kabupaten-banyuwangi-2026-evidence.json",
                           "kabupaten-berau-2023.json",      "kabupaten-gunung-mas-2025.json",
                           "kabupaten-nduga-2024.json",      "kabupaten-sleman-2024.json",
                           "kota-makassar-2026.json",        "kota-surabaya-2023.json",
                           "kota-tangerang-2026.json"};

Submission example(const std::string& file, EditionPtr edition = nullptr) {
  ParseOptions o;
  o.source = file;
  if (edition) {
    o.edition = edition;
    o.override_edition = true;
  }
  return parse_submission(test::source_file("examples/" + file), o);
}

// The draw probability of a stored acceptance (docs/uncertainty.md): a/65535 in 1/65536 units.
std::uint32_t q16_of(std::uint16_t a) { return static_cast<std::uint32_t>((std::uint64_t{a} * 65536 + 32767) / 65535); }

// The reference: the submission with every failed answer's claim set to its fallback level,
// scored by score(). The acceptance of each answer is read from the policy columns (whose
// values the columns tests hold to the evidence checker).
std::int64_t reference_iid(const Submission& sub, const Columns& cols, const UncertaintySpec& spec, std::uint64_t rep,
                           const Edition& scored_under) {
  const Edition& ed = *sub.edition;
  const Score sv = score(sub, {spec.policy, true});
  const Score ss = score(sub, {Policy::supported, true});
  Submission out = sub;
  auto fallback = [&](int v, int supported) {
    switch (spec.evidence.fallback) {
      case Fallback::zero: return std::min(v, ed.level_min);
      case Fallback::supported: return std::min(v, supported);
      case Fallback::one_lower: return std::max(std::min(v, ed.level_min), v - 1);
    }
    return v;
  };
  auto drawn_p = [&](std::uint16_t stored) {
    return spec.evidence.fixed ? random::quantise_probability(spec.evidence.acceptance) : q16_of(stored);
  };
  const std::size_t G = ed.government_rows.size(), K = ed.innovation_rows.size();
  for (std::size_t k = 0; k < G; ++k) {
    const Row& row = ed.rows[ed.government_rows[k]];
    const int v = sv.government[k].level;
    const std::uint32_t p = drawn_p(cols.government_acceptance[k]);
    if (!random::bernoulli(spec.seed, random::key({sub.region.code, "", row.key}), rep, p)) {
      Answer& a = out.government[ed.government_rows[k]];
      a.level = fallback(v, ss.government[k].level);
      a.present = true;
    }
  }
  for (std::size_t j = 0; j < sub.innovations.size(); ++j)
    for (std::size_t k = 0; k < sv.innovations[j].rows.size(); ++k) {  // none for one not counted
      const Row& row = ed.rows[ed.innovation_rows[k]];
      const int v = sv.innovations[j].rows[k].level;
      const std::uint32_t p = drawn_p(cols.innovation_acceptance[j * K + k]);
      if (!random::bernoulli(spec.seed, random::key({sub.region.code, sub.innovations[j].id, row.key}), rep, p)) {
        const int f = fallback(v, ss.innovations[j].rows[k].level);
        if (f == v) continue;
        Answer& a = out.innovations[j].answers.edit(ed.innovation_rows[k]);
        a.level = f;
        a.present = true;
      }
    }
  if (&scored_under != sub.edition.get()) {
    // Scored under a rewritten edition (drawn weights or divisor): same rows, same keys.
    out.edition = std::shared_ptr<const Edition>(std::shared_ptr<const Edition>{}, &scored_under);
  }
  return score(out, {spec.policy, false}).iid_h;
}

std::int64_t model_iid(const UncertaintyModel& m, std::uint64_t rep) {
  std::vector<std::int64_t> iid(m.regions());
  std::vector<std::uint8_t> cat(m.regions());
  UncertaintyScratch s;
  m.evaluate(rep, iid, cat, s);
  return iid[0];
}

// Synthetic regions (the generator's policy columns) and the same as JSON Lines text.
SynthOptions synth_options(std::size_t regions) {
  SynthOptions so;
  so.seed = 11;
  so.regions = regions;
  so.target_innovations = regions * 60;
  return so;
}
Columns national_columns(std::size_t regions) { return generate_columns(synth_options(regions)); }
std::string national_lines(std::size_t regions) {
  std::ostringstream out;
  write_jsonl(synth_options(regions), out);
  return out.str();
}

constexpr Policy kPolicies[] = {Policy::self_assessed, Policy::supported, Policy::strict, Policy::assessor};
constexpr Fallback kFallbacks[] = {Fallback::zero, Fallback::supported, Fallback::one_lower};

}  // namespace

TEST(Uncertainty, EveryReplicateIsScoreOfTheDrawnSubmission) {
  const std::size_t reps = test::kSanitized ? 3 : 12;
  int differing = 0;  // replicates whose IID moved from the nominal one (the test must bite)
  for (const char* file : kExamples) {
    const Submission sub = example(file);
    const Columns cols = to_policy_columns({sub});
    for (Policy policy : kPolicies)
      for (Fallback fb : kFallbacks)
        for (int fixed = 0; fixed < 2; ++fixed) {
          UncertaintySpec spec;
          spec.policy = policy;
          spec.seed = 20261202;
          spec.evidence.fallback = fb;
          spec.evidence.fixed = fixed == 1;
          spec.evidence.acceptance = 0.5;
          const UncertaintyModel m({cols}, spec);
          const std::int64_t nominal = score(sub, {policy, false}).iid_h;
          for (std::uint64_t r = 0; r < reps; ++r) {
            const std::int64_t got = model_iid(m, r);
            ASSERT_EQ(got, reference_iid(sub, cols, spec, r, *sub.edition))
                << file << " policy " << to_string(policy) << " fallback " << to_string(fb) << " fixed " << fixed
                << " replicate " << r;
            differing += got != nominal;
          }
        }
  }
  EXPECT_GT(differing, 100);
}

TEST(Uncertainty, NoDrawsIsTheBatchUnderEveryPolicy) {
  std::vector<Submission> subs;
  for (const char* file : kExamples)
    if (std::string(file).find("2023") != std::string::npos) subs.push_back(example(file));
  for (const Columns& cols : {to_policy_columns(subs), national_columns(40)})
  for (Policy policy : kPolicies) {
    UncertaintySpec spec;
    spec.policy = policy;
    spec.evidence.fixed = true;
    spec.evidence.acceptance = 1.0;
    const UncertaintyModel m({cols}, spec);
    std::vector<std::int64_t> iid(m.regions());
    std::vector<std::uint8_t> cat(m.regions());
    UncertaintyScratch s;
    m.evaluate(0, iid, cat, s);
    const BatchResult b = score_batch(cols.view(policy));
    EXPECT_EQ(iid, b.iid_h) << to_string(policy);
    EXPECT_EQ(cat, b.category) << to_string(policy);
  }
}

namespace {
// The edition file's JSON with each row's weight and the divisor replaced (max_total recomputed
// as the file states it: government + innovation maxima + count points).
EditionPtr rewritten(const std::string& edition_file, const std::map<std::string, std::int64_t>& weight_h,
                     int divisor_minimum) {
  boost::json::value v = boost::json::parse(test::source_file(edition_file));
  auto& o = v.as_object();
  const EditionPtr ed0 = parse_edition(test::source_file(edition_file));
  std::int64_t max_h = ed0->count_rate_h * ed0->count_cap;
  for (auto& r : o["rows"].as_array()) {
    auto& ro = r.as_object();
    const std::string key(ro["key"].as_string());
    const std::int64_t w = weight_h.at(key);
    max_h += w * ed0->level_max;
    if (w % 100 == 0) ro["weight"] = w / 100;
    else ro["weight"] = static_cast<double>(w) / 100.0;
  }
  o["divisor_minimum"].as_object()["value"] = divisor_minimum;
  if (max_h % 100 == 0) o["max_total"].as_object()["value"] = max_h / 100;
  else o["max_total"].as_object()["value"] = static_cast<double>(max_h) / 100.0;
  return parse_edition(boost::json::serialize(v), edition_file + " (rewritten)");
}
}  // namespace

TEST(Uncertainty, DrawnWeightsAndDivisorAreAnEditionWithThoseWeights) {
  const EditionPtr ed = builtin_edition("iid-2023");
  for (const char* file : {"kabupaten-berau-2023.json", "kota-surabaya-2023.json"}) {
    const Submission sub = example(file);
    const Columns cols = to_policy_columns({sub});
    UncertaintySpec spec;
    spec.seed = 99;
    spec.weights.enabled = true;
    spec.weights.steps = 2;
    spec.divisor_minimum = {{8, 10, 12}, {0.25, 0.5, 0.25}};
    const UncertaintyModel m({cols}, spec);
    ASSERT_EQ(m.groups().back().name, "divisor_minimum");
    std::set<int> divisors_seen;
    for (std::uint64_t r = 0; r < (test::kSanitized ? 3u : 15u); ++r) {
      std::map<std::string, std::int64_t> w;
      for (const Row& row : ed->rows) {
        const auto k = static_cast<std::int64_t>(random::below(spec.seed, random::key({"weight", row.key}), r, 5)) - 2;
        w[row.key] = std::max<std::int64_t>(0, row.weight_h + k * 25);  // the grid: gcd of the weights, 0.25
      }
      const std::uint64_t bits = random::bits(spec.seed, random::key({"divisor_minimum"}), r);
      const std::uint32_t u = static_cast<std::uint32_t>(bits >> 48);
      const int d = u < 16384 ? 8 : u < 49152 ? 10 : 12;
      divisors_seen.insert(d);
      const EditionPtr e2 = rewritten("editions/iid-2023.json", w, d);
      ASSERT_EQ(model_iid(m, r), reference_iid(sub, cols, spec, r, *e2)) << file << " replicate " << r;
    }
    if (!test::kSanitized) EXPECT_GE(divisors_seen.size(), 2u);
  }
}

TEST(Uncertainty, AlternativeEditionsPickTheDrawnOne) {
  const char* file = "kabupaten-berau-2023.json";
  const EditionPtr a = builtin_edition("iid-2023"), b = builtin_edition("iid-2024");
  const Submission sa = example(file, a), sb = example(file, b);
  UncertaintySpec spec;
  spec.seed = 5;
  spec.editions = {"iid-2023", "iid-2024"};
  spec.edition_probabilities = {0.5, 0.5};
  const UncertaintyModel m({to_policy_columns({sa}), to_policy_columns({sb})}, spec);
  const Columns ca = to_policy_columns({sa}), cb = to_policy_columns({sb});
  for (std::uint64_t r = 0; r < 10; ++r) {
    const bool second = (random::bits(spec.seed, random::key({"edition"}), r) >> 48) >= 32768;
    const std::int64_t want = second ? reference_iid(sb, cb, spec, r, *b) : reference_iid(sa, ca, spec, r, *a);
    EXPECT_EQ(model_iid(m, r), want) << "replicate " << r;
  }
}

TEST(Uncertainty, SameSummaryForEveryThreadCountAndSplit) {
  const Columns cols = national_columns(60);
  UncertaintySpec spec;
  spec.seed = 3;
  spec.replicates = test::kSanitized ? 40 : 300;
  spec.weights.enabled = true;
  const UncertaintyModel m({cols}, spec);
  MonteCarloOptions o;
  o.threads = 1;
  const MonteCarloSummary one = run_monte_carlo(m, o);
  EXPECT_EQ(one.replicates, spec.replicates);
  for (int t : {2, 7, 8}) {
    o.threads = t;
    const MonteCarloSummary s = run_monte_carlo(m, o);
    EXPECT_EQ(s.iid_histogram, one.iid_histogram) << t;
    EXPECT_EQ(s.iid_sum_h, one.iid_sum_h) << t;
    EXPECT_EQ(s.national_rank_count, one.national_rank_count) << t;
    EXPECT_EQ(s.province_rank_count, one.province_rank_count) << t;
    EXPECT_EQ(s.category_count, one.category_count) << t;
  }
  MonteCarloOptions a, b;
  a.count = 37;
  b.first = 37;
  b.threads = 2;
  MonteCarloSummary merged = run_monte_carlo(m, a);
  merged.merge(run_monte_carlo(m, b));
  EXPECT_EQ(merged.replicates, one.replicates);
  EXPECT_EQ(merged.iid_histogram, one.iid_histogram);
  EXPECT_EQ(merged.national_rank_count, one.national_rank_count);
  EXPECT_EQ(merged.iid_sum_h, one.iid_sum_h);
  // The histogram of region r holds its replicates: R values in all.
  const std::uint64_t in0 = std::accumulate(one.iid_histogram.begin(), one.iid_histogram.begin() + 10001, std::uint64_t{0});
  EXPECT_EQ(in0, spec.replicates);
}

TEST(Uncertainty, RegionOrderDoesNotChangeAnyRegionsResult) {
  std::vector<std::string> lines;
  {
    std::istringstream in(national_lines(30));
    for (std::string l; std::getline(in, l);)
      if (!l.empty()) lines.push_back(l);
  }
  std::string fwd, rev;
  for (const auto& l : lines) fwd += l + "\n";
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) rev += *it + "\n";
  UncertaintySpec spec;
  spec.seed = 8;
  spec.replicates = 50;
  const UncertaintyModel m({read_policy_columns(fwd, {})}, spec);
  const UncertaintyModel mr({read_policy_columns(rev, {})}, spec);
  MonteCarloOptions o;
  const MonteCarloSummary s = run_monte_carlo(m, o), sr = run_monte_carlo(mr, o);
  const std::size_t R = lines.size();
  ASSERT_EQ(m.regions(), R);
  for (std::size_t r = 0; r < R; ++r) {
    const std::size_t q = R - 1 - r;
    EXPECT_EQ(s.iid_sum_h[r], sr.iid_sum_h[q]);
    EXPECT_TRUE(std::equal(s.iid_histogram.begin() + r * 10001, s.iid_histogram.begin() + (r + 1) * 10001,
                           sr.iid_histogram.begin() + q * 10001));
    EXPECT_TRUE(std::equal(s.national_rank_count.begin() + r * s.national_slots,
                           s.national_rank_count.begin() + (r + 1) * s.national_slots,
                           sr.national_rank_count.begin() + q * sr.national_slots));
  }
}

TEST(Uncertainty, QuantilesTakeTheLowerValueAtATie) {
  // Values 3, 3, 5, 9 (R = 4): the median is order statistic ceil(0.5 × 4) = 2, the value 3; the
  // 95 % quantile is the 4th, 9; the 5 % the 1st, 3. With 5, 9 (R = 2) the median is the 1st: 5.
  std::vector<std::uint32_t> h(10, 0);
  h[3] = 2;
  h[5] = 1;
  h[9] = 1;
  EXPECT_EQ(histogram_quantile(h, 500000), 3);
  EXPECT_EQ(histogram_quantile(h, 950000), 9);
  EXPECT_EQ(histogram_quantile(h, 50000), 3);
  EXPECT_EQ(histogram_quantile(h, 750000), 5);
  EXPECT_EQ(histogram_quantile(h, 750001), 9);
  std::vector<std::uint32_t> g(10, 0);
  g[5] = 1;
  g[9] = 1;
  EXPECT_EQ(histogram_quantile(g, 500000), 5);
  EXPECT_EQ(histogram_quantile(std::vector<std::uint32_t>(4, 0), 500000), -1);
}

TEST(Uncertainty, CompetitionRanksLeaveTheLowestCategoryOut) {
  const Columns cols = national_columns(30);
  UncertaintySpec spec;
  const UncertaintyModel m({cols}, spec);
  const std::size_t R = m.regions();
  const auto lowest = static_cast<std::uint8_t>(cols.edition->bands.size());
  std::vector<std::int64_t> iid(R);
  std::vector<std::uint8_t> cat(R, 0);
  for (std::size_t r = 0; r < R; ++r) iid[r] = static_cast<std::int64_t>((r * 37) % 11) * 100;
  cat[1] = lowest;  // unranked whatever its IID
  std::vector<std::int32_t> nat(R), prov(R);
  UncertaintyScratch s;
  m.ranks(iid, cat, nat, prov, s);
  EXPECT_EQ(nat[1], 0);
  for (std::size_t r = 0; r < R; ++r) {
    if (r == 1) continue;
    int higher = 0, higher_p = 0;
    for (std::size_t q = 0; q < R; ++q) {
      if (q == 1 || cols.types[q] != cols.types[r]) continue;
      higher += iid[q] > iid[r];
      higher_p += cols.provinces[q] == cols.provinces[r] && iid[q] > iid[r];
    }
    EXPECT_EQ(nat[r], higher + 1) << r;
    EXPECT_EQ(prov[r], higher_p + 1) << r;
  }
}

TEST(Uncertainty, FileErrorsAreLocated) {
  auto error_of = [](const std::string& text) -> std::string {
    try {
      parse_uncertainty(text, "u.json");
    } catch (const InputError& e) {
      return e.pointer() + ": " + e.message();
    }
    return "";
  };
  EXPECT_EQ(error_of(R"({"seed": -1})").substr(0, 5), "/seed");
  EXPECT_EQ(error_of(R"({"evidence": {"fallback": "nol"}})").substr(0, 18), "/evidence/fallback");
  EXPECT_EQ(error_of(R"({"evidence": {"acceptance": 1.5}})").substr(0, 20), "/evidence/acceptance");
  EXPECT_EQ(error_of(R"({"divisor_minimum": {"values": [10, 12], "probabilities": [0.5, 0.6]}})").substr(0, 30),
            "/divisor_minimum/probabilities");
  EXPECT_EQ(error_of(R"({"replicat": 3})").substr(0, 9), "/replicat");
  EXPECT_EQ(error_of(R"({"editions": {"names": ["iid-2023"]}})").substr(0, 15), "/editions/names");
  const UncertaintySpec s = parse_uncertainty(
      R"({"policy": "strict", "seed": 7, "replicates": 20, "evidence": {"acceptance": 0.6, "fallback": "one_lower",
          "rows": ["16"]}, "weights": {"steps": 2, "step": 0.5}, "divisor_minimum": {"values": [10, 12]}})");
  EXPECT_EQ(s.policy, Policy::strict);
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.replicates, 20u);
  EXPECT_TRUE(s.evidence.fixed);
  EXPECT_DOUBLE_EQ(s.evidence.acceptance, 0.6);
  EXPECT_EQ(s.evidence.fallback, Fallback::one_lower);
  EXPECT_EQ(s.evidence.rows, std::vector<std::string>{"16"});
  EXPECT_EQ(s.weights.step_h, 50);
  EXPECT_EQ(s.divisor_minimum.probabilities, (std::vector<double>{0.5, 0.5}));
}

TEST(Uncertainty, ColumnsWithoutAcceptanceAreRefused) {
  const Submission sub = example("kabupaten-berau-2023.json");
  const Columns plain = to_columns({sub});
  UncertaintySpec spec;
  EXPECT_THROW(UncertaintyModel({plain}, spec), InputError);
  spec.evidence.fixed = true;
  spec.evidence.acceptance = 0.7;
  EXPECT_NO_THROW(UncertaintyModel({plain}, spec));
  spec.policy = Policy::strict;  // needs the evidence caps
  EXPECT_THROW(UncertaintyModel({plain}, spec), InputError);
}
