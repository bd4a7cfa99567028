// Columnar batch scoring (batch.hpp): the same numbers as score() for every region, edition,
// policy and thread count; the worked examples of docs/model.md §8; clear errors on bad columns.
#include "inovasi/batch.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <limits>
#include <random>
#include <thread>

#include "test_util.hpp"

using namespace inovasi;
using test::Inv;

namespace {

std::string category_label(const Edition& ed, std::uint8_t band) {
  return band < ed.bands.size() ? ed.bands[band].label : ed.lowest_category;
}

// Batch results equal score() on every region, field by field.
void expect_agrees(const std::vector<Submission>& subs, Policy policy, int threads) {
  Columns c = to_columns(subs, policy);
  BatchResult r = score_batch(c.view(), threads);
  ASSERT_EQ(r.iid_h.size(), subs.size());
  for (std::size_t i = 0; i < subs.size(); ++i) {
    Score s = score(subs[i], {policy, false});
    SCOPED_TRACE(subs[i].region.code + " " + subs[i].edition->name + " " + to_string(policy) + " threads " +
                 std::to_string(threads));
    EXPECT_EQ(r.iid_h[i], s.iid_h);
    EXPECT_EQ(category_label(*c.edition, r.category[i]), s.category);
    EXPECT_EQ(r.government_h[i], s.government_h);
    EXPECT_EQ(r.innovation_sum_h[i], s.innovation_sum_h);
    EXPECT_EQ(r.counted[i], s.innovations_counted);
    EXPECT_EQ(r.divisor[i], s.divisor);
    EXPECT_EQ(r.count_h[i], s.count_h);
  }
}

Submission parse(const std::string& text, EditionPtr ed = nullptr) {
  ParseOptions o;
  if (ed) {
    o.edition = ed;
    o.override_edition = true;
  }
  return parse_submission(text, o);
}

// The examples grouped by their own edition (every shipped edition has at least one).
std::map<std::string, std::vector<Submission>> examples_by_edition() {
  std::map<std::string, std::vector<Submission>> by;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(std::string(INOVASI_SOURCE_DIR) + "/examples"))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    Submission s = parse(test::source_file("examples/" + f.filename().string()));
    by[s.edition->name].push_back(std::move(s));
  }
  return by;
}

// Random regions as submission text: 0–70 innovations (so SIMD blocks, tails and empty
// regions all occur), every status, random affairs, some levels above 0 on every row.
std::vector<Submission> random_regions(const std::string& edition, std::uint32_t seed, int regions,
                                       EditionPtr ed_override = nullptr) {
  std::mt19937 rng(seed);  // the test's own data; the library never uses std distributions
  auto ed = ed_override ? ed_override : builtin_edition(edition);
  std::vector<Submission> subs;
  for (int r = 0; r < regions; ++r) {
    std::map<std::string, int> gov;
    for (int idx : ed->government_rows) gov[ed->rows[idx].key] = static_cast<int>(rng() % 4);
    std::vector<Inv> invs;
    int n = static_cast<int>(rng() % 71);
    if (r % 9 == 0) n = 0;
    for (int j = 0; j < n; ++j) {
      Inv v;
      v.level = static_cast<int>(rng() % 4);
      for (int idx : ed->innovation_rows) v.overrides[ed->rows[idx].key] = static_cast<int>(rng() % 4);
      unsigned st = rng() % 20;
      v.status = st == 0 ? "draft" : st == 1 ? "rejected" : "submitted";
      for (const auto& a : test::basic_affairs())
        if (rng() % 3 == 0) v.affairs.push_back(a);
      invs.push_back(v);
    }
    std::string text = test::submission_gov(edition, test::all_rows(*ed, ed->government_rows, 0, gov), invs,
                                            std::to_string(10 + r % 80) + "." + std::to_string(r), ed.get());
    subs.push_back(parse(text, ed_override));
  }
  return subs;
}

}  // namespace

TEST(Batch, WorkedExamples) {
  // Methodology §8: A, B, B', B'', C, D, E in one batch per edition.
  auto ed23 = builtin_edition("iid-2023");
  std::vector<Inv> a(11, Inv{2});
  a.push_back(Inv{2, "rejected"});
  std::vector<Inv> b(8, Inv{3});
  std::vector<Inv> e(200, Inv{3});
  std::vector<Submission> subs = {
      parse(test::submission("iid-2023", 2, a, "A")),
      parse(test::submission("iid-2023", 3, b, "B")),
      parse(test::submission("iid-2023", 0, {}, "C")),
      parse(test::submission_gov("iid-2023", test::all_rows(*ed23, ed23->government_rows, 0, {{"12", 2}, {"6", 2}, {"1", 3}}),
                                 {}, "D")),
      parse(test::submission("iid-2023", 3, e, "E")),
  };
  Columns c = to_columns(subs);
  BatchResult r = score_batch(c.view(), 2);
  EXPECT_EQ(r.iid_h, (std::vector<std::int64_t>{4576, 6194, 0, 400, 10000}));
  EXPECT_EQ(r.government_h, (std::vector<std::int64_t>{4200, 6300, 0, 1000, 6300}));
  EXPECT_EQ(r.innovation_sum_h, (std::vector<std::int64_t>{81400, 88800, 0, 0, 200 * 11100}));
  EXPECT_EQ(r.divisor, (std::vector<std::int32_t>{12, 10, 10, 10, 200}));
  EXPECT_EQ(r.count_h, (std::vector<std::int64_t>{456, 304, 0, 0, 7600}));
  EXPECT_EQ(category_label(*ed23, r.category[0]), "Inovatif");
  EXPECT_EQ(category_label(*ed23, r.category[1]), "Sangat Inovatif");
  EXPECT_EQ(category_label(*ed23, r.category[2]), "Tidak Dapat Dinilai");
  EXPECT_EQ(category_label(*ed23, r.category[3]), "Kurang Inovatif");

  // B' and B'': 2026, covering 5 of 6 and 4 of 6 basic-service affairs.
  auto cover = [](int k) {
    std::vector<Inv> v(8, Inv{3});
    for (int i = 0; i < 8; ++i) v[i].affairs = {test::basic_affairs()[i % k]};
    return v;
  };
  std::vector<Submission> s26 = {parse(test::submission("iid-2026", 3, cover(5), "B1")),
                                 parse(test::submission("iid-2026", 3, cover(4), "B2"))};
  BatchResult r26 = score_batch(to_columns(s26).view(), 1);
  EXPECT_EQ(r26.iid_h, (std::vector<std::int64_t>{5602, 5480}));
  EXPECT_EQ(r26.count_h, (std::vector<std::int64_t>{304, 0}));
  EXPECT_EQ(r26.divisor, (std::vector<std::int32_t>{12, 12}));
}

TEST(Batch, ExamplesEveryEditionPolicyAndThreadCount) {
  auto by = examples_by_edition();
  ASSERT_EQ(by.size(), test::shipped_editions().size());
  for (const auto& [ed, subs] : by) {
    for (Policy p : {Policy::self_assessed, Policy::supported, Policy::strict, Policy::assessor})
      for (int t : {1, 2, 7, 8}) expect_agrees(subs, p, t);
  }
  // And every example under every other shipped edition too (the edition overridden), where
  // that edition reads it: the rules must agree whatever the edition.
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(std::string(INOVASI_SOURCE_DIR) + "/examples"))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  int scored = 0, unreadable = 0;
  for (const auto& name : test::shipped_editions()) {
    EditionPtr ed = builtin_edition(name);
    std::vector<Submission> subs;
    for (const auto& f : files) {
      try {
        subs.push_back(parse(test::source_file("examples/" + f.filename().string()), ed));
      } catch (const InputError&) {
        ++unreadable;  // e.g. a row key or evidence kind the other edition does not have
      }
    }
    scored += static_cast<int>(subs.size());
    for (Policy p : {Policy::self_assessed, Policy::supported, Policy::strict, Policy::assessor})
      for (int t : {1, 2}) expect_agrees(subs, p, t);
  }
  EXPECT_GE(scored, static_cast<int>(files.size()));  // at least each under its own edition
  std::cout << "[ batch ] examples under every edition: " << scored << " (example, edition) pairs scored, "
            << unreadable << " that the edition does not read\n";
}

// Threads of this process now (Linux: one entry per thread in /proc/self/task).
std::size_t process_threads() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

TEST(Batch, ThreadCountsAreCappedAtFourPerHardwareThread) {
  const std::size_t hw = std::max(1u, std::thread::hardware_concurrency());
  EXPECT_EQ(max_threads(), 4 * hw);
  EXPECT_EQ(thread_count(0), hw);
  EXPECT_EQ(thread_count(-7), hw);
  EXPECT_EQ(thread_count(1), 1u);
  EXPECT_EQ(thread_count(static_cast<long long>(max_threads())), max_threads());
  EXPECT_EQ(thread_count(5000), max_threads());
  EXPECT_EQ(thread_count(std::numeric_limits<long long>::max()), max_threads());
  // score_batch asked for 5,000 threads starts at most max_threads() (the pool keeps those it
  // starts), and scores as one thread does.
  auto by = examples_by_edition();
  const auto& subs = by.begin()->second;
  std::vector<Submission> many;
  for (int k = 0; k < 40; ++k) many.insert(many.end(), subs.begin(), subs.end());
  for (std::size_t i = 0; i < many.size(); ++i) many[i].region.code = "r" + std::to_string(i);
  const Columns c = to_columns(many);
  const std::size_t before = process_threads();
  const BatchResult wide = score_batch(c.view(), 5000);
  EXPECT_LE(process_threads(), before + max_threads());
  EXPECT_EQ(wide.iid_h, score_batch(c.view(), 1).iid_h);
}

TEST(Batch, RandomRegionsAgreeWithSingleRegionPath) {
  for (const auto& ed : test::shipped_editions()) {
    auto subs = random_regions(ed, 20241, 120);
    for (int t : {1, 2, 7, 8}) expect_agrees(subs, Policy::self_assessed, t);
  }
}

TEST(Batch, ScalarPathForWeightsTheSimdKernelCannotHold) {
  // A local contest weighting indicator 35 at 40 and 34 at 2.25: weight ÷ common factor (0.25)
  // reaches 160, past a signed byte, so the batch takes its scalar path and must still agree.
  std::string t = test::source_file("editions/iid-2023.json");
  t = test::replace_first(t, "\"name\": \"iid-2023\"", "\"name\": \"lomba-2023\"");
  t = test::replace_after(t, "\"key\": \"35\"", "\"weight\": 4,", "\"weight\": 40,");
  t = test::replace_after(t, "\"key\": \"34\"", "\"weight\": 2,", "\"weight\": 2.25,");
  t = test::replace_after(t, "\"max_total\"", "\"value\": 250,", "\"value\": 358.75,");
  auto ed = parse_edition(t);
  auto subs = random_regions("iid-2023", 7, 60, ed);
  for (int th : {1, 2, 8}) expect_agrees(subs, Policy::self_assessed, th);
}

TEST(Batch, OtherRowCountsGiveOtherKernelPeriods) {
  // The SIMD kernel streams a region's level bytes in 32-byte vectors whose weights repeat
  // every K / gcd(K, 32) vectors: 5 for the shipped editions (K = 20). Moving level rows from
  // the innovation aspect to the government one gives K = 19, 17, 16 and 12: periods 19, 17, 1
  // and 3 (and 21–28 government rows), each checked against score() under every policy.
  const std::vector<std::pair<std::string, std::string>> level_rows = {
      {"16", "Infrastruktur"}, {"19", "Infrastruktur"}, {"23", "Output Pengetahuan dan Teknologi"},
      {"25", "Output Pengetahuan dan Teknologi"}, {"26", "Output Pengetahuan dan Teknologi"},
      {"27", "Kecepatan Bisnis Proses"}, {"30", "Kecepatan Bisnis Proses"}, {"34", "Kecanggihan Produk"}};
  for (std::size_t moved : {1, 3, 4, 8}) {
    std::string t = test::source_file("editions/iid-2023.json");
    t = test::replace_first(t, "\"name\": \"iid-2023\"", "\"name\": \"lomba-k" + std::to_string(20 - moved) + "\"");
    for (std::size_t i = 0; i < moved; ++i) {
      const std::string anchor = "\"key\": \"" + level_rows[i].first + "\"";
      t = test::replace_after(t, anchor, "\"aspect\": \"innovation\"", "\"aspect\": \"government\"");
      t = test::replace_after(t, anchor, "\"variable\": \"" + level_rows[i].second + "\"", "\"variable\": \"Institusi\"");
    }
    auto ed = parse_edition(t);
    ASSERT_EQ(ed->innovation_rows.size(), 20 - moved);
    SCOPED_TRACE(ed->name);
    auto subs = random_regions("iid-2023", 300 + static_cast<std::uint32_t>(moved), 70, ed);
    for (Policy p : {Policy::self_assessed, Policy::supported, Policy::assessor})
      for (int th : {1, 3}) expect_agrees(subs, p, th);
  }
}

TEST(Batch, MandatoryZeroesTheInnovationUnderZeroInnovationRule) {
  std::string t = test::source_file("editions/iid-2024.json");
  t = test::replace_first(t, "\"name\": \"iid-2024\"", "\"name\": \"iid-2024-zero\"");
  t = test::replace_after(t, "\"mandatory_rule\"", "\"finding\"", "\"zero_innovation\"");
  auto ed = parse_edition(t);
  ASSERT_EQ(ed->mandatory_rule, MandatoryRule::zero_innovation);
  auto subs = random_regions("iid-2024", 99, 80, ed);
  for (int th : {1, 8}) expect_agrees(subs, Policy::self_assessed, th);
}

TEST(Batch, CapsLowerLevelsButNeverN) {
  auto subs = random_regions("iid-2026", 5, 30);
  Columns c = to_columns(subs);
  BatchResult before = score_batch(c.view());
  c.innovation_caps.assign(c.innovation_levels.size(), 1);
  c.government_caps.assign(c.government_levels.size(), 0);
  BatchResult after = score_batch(c.view());
  for (std::size_t r = 0; r < subs.size(); ++r) {
    EXPECT_EQ(after.counted[r], before.counted[r]);
    EXPECT_EQ(after.count_h[r], before.count_h[r]);
    EXPECT_EQ(after.government_h[r], 0);
    EXPECT_LE(after.innovation_sum_h[r], before.innovation_sum_h[r]);
    // Every scoring innovation now sits at level 1 wherever it claimed more than 0.
    std::int64_t expect = 0;
    const Edition& ed = *c.edition;
    for (auto j = c.region_offsets[r]; j < c.region_offsets[r + 1]; ++j)
      if (c.status[j] == kSubmitted)
        for (std::size_t k = 0; k < ed.innovation_rows.size(); ++k)
          expect += c.innovation_levels[j * ed.innovation_rows.size() + k] ? ed.rows[ed.innovation_rows[k]].weight_h : 0;
    EXPECT_EQ(after.innovation_sum_h[r], expect);
  }
}

TEST(Batch, BadColumnsAreClearErrorsWhateverTheThreadCount) {
  auto subs = random_regions("iid-2023", 11, 40);
  const std::size_t K = builtin_edition("iid-2023")->innovation_rows.size();
  for (int th : {1, 2, 8}) {
    Columns c = to_columns(subs);
    std::size_t j = static_cast<std::size_t>(c.region_offsets[20]) + 1;  // an innovation of region 20
    ASSERT_LT(j, c.innovations);
    c.innovation_levels[j * K + 3] = 4;
    c.innovation_levels[c.innovations * K - 1] = 9;  // a later one: the first is reported
    auto e = test::input_error([&] { score_batch(c.view(), th); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->pointer(), "/innovation_levels/" + std::to_string(j) + "/3");
    EXPECT_TRUE(test::contains(e->message(), "level 4 on indicator 19 is above the edition's maximum 3"));
  }
  Columns c = to_columns(subs);
  c.government_levels[5 * c.edition->government_rows.size()] = 7;
  auto e = test::input_error([&] { score_batch(c.view()); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->pointer(), "/government_levels/5/0");

  c = to_columns(subs);
  c.status[3] = 3;
  e = test::input_error([&] { score_batch(c.view(), 2); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->pointer(), "/status/3");
  EXPECT_TRUE(test::contains(e->message(), "status code 3"));

  c = to_columns(subs);
  std::swap(c.region_offsets[4], c.region_offsets[6]);
  if (c.region_offsets[4] == c.region_offsets[6]) c.region_offsets[5] = c.region_offsets[4] - 1;
  e = test::input_error([&] { score_batch(c.view()); });
  ASSERT_TRUE(e);
  EXPECT_TRUE(test::contains(e->message(), "must not decrease"));

  c = to_columns(subs);
  c.region_offsets.back() -= 1;
  e = test::input_error([&] { score_batch(c.view()); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->pointer(), "/region_offsets/40");

  auto s26 = random_regions("iid-2026", 3, 5);
  c = to_columns(s26);
  ASSERT_GT(c.innovations, 2u);
  c.affairs[2] = 1ull << 6;
  e = test::input_error([&] { score_batch(c.view()); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->pointer(), "/affairs/2");
  EXPECT_TRUE(test::contains(e->message(), "6 affairs"));
}

TEST(Batch, EarliestErrorWinsWhicheverThreadMeetsItFirst) {
  // Threads take chunks of regions as they go; with bad values in many chunks the error
  // reported must still be the earliest, in every one of many runs and at every thread count.
  auto subs = random_regions("iid-2024", 2024, 600);
  Columns c = to_columns(subs);
  const std::size_t K = c.edition->innovation_rows.size();
  std::vector<std::size_t> bad_regions;
  for (std::size_t r = 150; r < c.regions; r += 37)
    if (c.region_offsets[r + 1] > c.region_offsets[r]) bad_regions.push_back(r);
  ASSERT_GT(bad_regions.size(), 5u);
  for (std::size_t r : bad_regions) c.innovation_levels[static_cast<std::size_t>(c.region_offsets[r]) * K + 1] = 200;
  const std::string want = "/innovation_levels/" + std::to_string(c.region_offsets[bad_regions.front()]) + "/1";
  for (int th : {1, 2, 3, 8})
    for (int run = 0; run < 25; ++run) {
      auto e = test::input_error([&] { score_batch(c.view(), th); });
      ASSERT_TRUE(e);
      ASSERT_EQ(e->pointer(), want) << th << " threads, run " << run;
    }
}

TEST(Batch, ToColumnsRejectsMixedEditions) {
  std::vector<Submission> subs = {parse(test::submission("iid-2023", 1, {Inv{1}}, "A")),
                                  parse(test::submission("iid-2026", 1, {Inv{1}}, "B"))};
  auto e = test::input_error([&] { to_columns(subs); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->pointer(), "/1/edition");
}

TEST(Batch, PerInnovationOutputsAreScoresInnovationScores) {
  // Every example and random regions, under every policy and on 1, 2 and 3 threads: each
  // innovation's points and counted flag are score()'s InnovationScore, and they add up to the
  // region's innovation_sum_h.
  auto by = examples_by_edition();
  for (const auto& name : {"iid-2023", "iid-2026"}) {
    auto more = random_regions(name, 77, 60);
    by[name].insert(by[name].end(), more.begin(), more.end());
  }
  std::size_t checked = 0;
  for (const auto& [ed, subs] : by) {
    const Columns cols = to_policy_columns(subs);
    for (Policy p : {Policy::self_assessed, Policy::supported, Policy::strict, Policy::assessor}) {
      std::vector<std::int64_t> want_points;
      std::vector<std::uint8_t> want_counted;
      for (const auto& s : subs) {
        ScoreOptions o;
        o.policy = p;
        for (const auto& is : score(s, o).innovations) {
          want_points.push_back(is.points_h);
          want_counted.push_back(is.counted ? 1 : 0);
        }
      }
      for (int t : {1, 2, 3}) {
        SCOPED_TRACE(ed + ", " + to_string(p) + ", threads " + std::to_string(t));
        const BatchInnovationResult got = score_batch_innovations(cols.view(p), t);
        ASSERT_EQ(got.points_h, want_points);
        ASSERT_EQ(got.counted, want_counted);
        for (std::size_t r = 0; r < cols.regions; ++r) {
          std::int64_t sum = 0;
          for (auto j = cols.region_offsets[r]; j < cols.region_offsets[r + 1]; ++j) sum += got.points_h[j];
          EXPECT_EQ(sum, got.regions.innovation_sum_h[r]);
        }
        EXPECT_EQ(got.regions.iid_h, score_batch(cols.view(p), t).iid_h);
        checked += got.points_h.size();
      }
    }
  }
  EXPECT_GT(checked, 10000u);
}
