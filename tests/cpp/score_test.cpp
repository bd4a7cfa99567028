#include "inovasi/score.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "test_util.hpp"

using namespace inovasi;
using test::Inv;

namespace {

// Every number below is computed by hand from docs/model.md §3 (weights: SPD Σ 21, SID Σ 37,
// count 0.38 × min(n, 200), max total 250), never read back from the library.
struct Expected {
  std::int64_t government_h;
  std::int64_t innovation_sum_h;
  int counted;  // n
  int divisor;
  std::string average;  // exact, points, lowest terms
  std::int64_t count_h;
  std::string total;    // exact, points, lowest terms
  std::int64_t iid_h;
  std::string category;
};

void expect_score(const Score& s, const Expected& e) {
  EXPECT_EQ(s.government_h, e.government_h);
  EXPECT_EQ(s.innovation_sum_h, e.innovation_sum_h);
  EXPECT_EQ(s.innovations_counted, e.counted);
  EXPECT_EQ(s.divisor, e.divisor);
  EXPECT_EQ(s.innovation_average.to_string(), e.average);
  EXPECT_EQ(s.count_h, e.count_h);
  EXPECT_EQ(s.total.to_string(), e.total);
  EXPECT_EQ(s.iid_h, e.iid_h);
  EXPECT_EQ(s.category, e.category);
}

std::vector<Inv> repeat(std::size_t n, const Inv& inv) { return std::vector<Inv>(n, inv); }

// For iid-2026 the innovations get affairs covering all six basic-service affairs.
std::vector<Inv> with_all_affairs(std::vector<Inv> invs) {
  for (auto& i : invs) i.affairs = test::basic_affairs();
  return invs;
}

// Innovation i gets basic-service affair i mod k: k of the six are covered (given ≥ k innovations).
std::vector<Inv> covering(std::vector<Inv> invs, std::size_t k) {
  for (std::size_t i = 0; i < invs.size(); ++i) invs[i].affairs = {test::basic_affairs()[i % k]};
  return invs;
}

std::vector<Inv> for_edition(const std::string& ed, std::vector<Inv> invs) {
  return ed == "iid-2026" ? with_all_affairs(std::move(invs)) : invs;
}

int d_min(const std::string& ed) { return ed == "iid-2026" ? 12 : 10; }

std::string nothing_reported(const std::string& ed) {
  return "{\"edition\":\"" + ed + "\",\"region\":{\"code\":\"64.03\",\"type\":\"kabupaten\"}}";
}

// SPD rows worth exactly 10 points with the docs/model.md §2.1 weights:
// 6 (1.5 × 2) + 7 (1.5 × 2) + 5a (0.75 × 2) + 5b (0.75 × 2) + 14 (1 × 1) = 3 + 3 + 1.5 + 1.5 + 1.
const char* kTenPointsGov =
    R"({"6":{"level":2},"7":{"level":2},"5a":{"level":2},"5b":{"level":2},"14":{"level":1}})";

std::string read_edition_text() { return test::source_file("editions/iid-2023.json"); }

// iid-2023 with a different rounding mode and/or category reading (and a distinct name).
EditionPtr modified_2023(const std::string& rounding, const std::string& reading) {
  std::string t = read_edition_text();
  t = test::replace_first(t, "\"name\": \"iid-2023\"", "\"name\": \"iid-2023-" + rounding + "-" + reading + "\"");
  t = test::replace_after(t, "\"rounding\"", "\"half_up\"", "\"" + rounding + "\"");
  t = test::replace_after(t, "\"category_reading\"", "\"rounded\"", "\"" + reading + "\"");
  return parse_edition(t);
}

// 160 innovations worth 14,274 points in all (no government points) under iid-2023:
// 65 × 111 + 94 × 74 + 1 × 103 (all level 3 except 16, 20, 35 at level 2: 111 − 3 − 1 − 4).
// average 14274/160 = 89.2125, count 0.38 × 160 = 60.80, total 150.0125, IID exactly 60.005.
std::string iid_60_005() {
  std::vector<Inv> invs;
  for (int i = 0; i < 160; ++i) invs.push_back(Inv{(i % 2 == 0 && i < 130) ? 3 : 2});  // 65 at level 3
  invs[1].level = 3;  // one of the 95 at level 2 becomes the 103-point innovation
  invs[1].overrides = {{"16", 2}, {"20", 2}, {"35", 2}};
  return test::submission_gov("iid-2023", "{}", invs);
}

const DecidedBy* decided(const Score& s, const std::string& rule) {
  for (const auto& d : s.decided_by)
    if (d.rule == rule) return &d;
  return nullptr;
}

}  // namespace

// --- Methodology §8, the table and the paragraph under it, under every edition ---------------

TEST(WorkedExample, A_RejectedCountsInDivisor_EveryEdition) {
  // every SPD level 2 (42); 11 innovations at level 2 (74 each) + 1 rejected; n = 12.
  // avg 814/12 = 407/6; count 4.56; total 114.3933… = 17159/150; IID 45.7573… → 45.76.
  for (const auto& ed : test::shipped_editions()) {
    SCOPED_TRACE(ed);
    auto invs = repeat(11, Inv{2});
    invs.push_back(Inv{2, "rejected"});
    auto s = test::score_text(test::submission(ed, 2, for_edition(ed, invs)));
    expect_score(s, {4200, 81400, 12, 12, "407/6", 456, "17159/150", 4576, "Inovatif"});
    EXPECT_EQ(s.iid_exact.to_string(), "17159/375");
    EXPECT_EQ(s.innovations_not_counted, 0);
    EXPECT_TRUE(s.decided_by.empty());
    EXPECT_EQ(s.edition, ed);
    EXPECT_EQ(s.policy, Policy::self_assessed);
  }
}

TEST(WorkedExample, B_EightInnovationsAtLevel3_EveryEdition) {
  // SPD 63; 8 × 111 = 888; 2023–25: /10 = 88.8, count 3.04, total 154.84, IID 61.936 → 61.94.
  for (const auto& ed : {"iid-2023", "iid-2024"}) {
    SCOPED_TRACE(ed);
    auto s = test::score_text(test::submission(ed, 3, repeat(8, Inv{3})));
    expect_score(s, {6300, 88800, 8, 10, "444/5", 304, "3871/25", 6194, "Sangat Inovatif"});
    EXPECT_EQ(s.iid_exact.to_string(), "7742/125");
  }
  {
    // 2025 bands: Sangat Inovatif only above 65.00.
    auto s = test::score_text(test::submission("iid-2025", 3, repeat(8, Inv{3})));
    expect_score(s, {6300, 88800, 8, 10, "444/5", 304, "3871/25", 6194, "Inovatif"});
  }
  {
    // 2026, all six affairs: /12 = 74, count 3.04, total 140.04, IID 56.016 → 56.02.
    auto s = test::score_text(test::submission("iid-2026", 3, with_all_affairs(repeat(8, Inv{3}))));
    expect_score(s, {6300, 88800, 8, 12, "74", 304, "3501/25", 5602, "Inovatif"});
    EXPECT_TRUE(s.gate_applies);
    EXPECT_TRUE(s.gate_open);
    EXPECT_EQ(s.affairs_covered, 6);
  }
}

TEST(WorkedExample, BPrime_2026_FiveOfSixAffairsOpensTheGate) {
  auto s = test::score_text(test::submission("iid-2026", 3, covering(repeat(8, Inv{3}), 5)));
  expect_score(s, {6300, 88800, 8, 12, "74", 304, "3501/25", 5602, "Inovatif"});
  EXPECT_TRUE(s.gate_applies);
  EXPECT_TRUE(s.gate_open);
  EXPECT_EQ(s.affairs_covered, 5);
  EXPECT_EQ(s.affairs_covered_names.size(), 5u);
}

TEST(WorkedExample, BDoublePrime_2026_FourOfSixAffairsClosesTheGate) {
  // count 0; total 63 + 74 = 137; IID 54.80.
  auto s = test::score_text(test::submission("iid-2026", 3, covering(repeat(8, Inv{3}), 4)));
  expect_score(s, {6300, 88800, 8, 12, "74", 0, "137", 5480, "Inovatif"});
  EXPECT_TRUE(s.gate_applies);
  EXPECT_FALSE(s.gate_open);
  EXPECT_EQ(s.affairs_covered, 4);
}

TEST(WorkedExample, C_NothingReported_EveryEdition) {
  for (const auto& ed : test::shipped_editions()) {
    SCOPED_TRACE(ed);
    auto s = test::score_text(nothing_reported(ed));
    expect_score(s, {0, 0, 0, d_min(ed), "0", 0, "0", 0, "Tidak Dapat Dinilai"});
    // The same with empty government answers and an empty innovation list.
    auto s2 = test::score_text(test::submission_gov(ed, "{}", {}));
    expect_score(s2, {0, 0, 0, d_min(ed), "0", 0, "0", 0, "Tidak Dapat Dinilai"});
  }
}

TEST(WorkedExample, D_TenSpdPointsNoInnovations_EveryEdition) {
  // total 10; IID 10 / 250 × 100 = 4.00.
  for (const auto& ed : test::shipped_editions()) {
    SCOPED_TRACE(ed);
    auto s = test::score_text(test::submission_gov(ed, kTenPointsGov, {}));
    expect_score(s, {1000, 0, 0, d_min(ed), "0", 0, "10", 400, "Kurang Inovatif"});
    // Another combination of rows worth 10: 1, 2a, 2b at level 3 (3 each) + 15 at level 1.
    auto s2 = test::score_text(test::submission_gov(
        ed, R"({"1":{"level":3},"2a":{"level":3},"2b":{"level":3},"15":{"level":1}})", {}));
    expect_score(s2, {1000, 0, 0, d_min(ed), "0", 0, "10", 400, "Kurang Inovatif"});
  }
}

TEST(WorkedExample, E_MaximumScore_EveryEdition) {
  // 63 + 200 × 111 / 200 + 0.38 × 200 = 63 + 111 + 76 = 250; IID 100.00.
  for (const auto& ed : test::shipped_editions()) {
    SCOPED_TRACE(ed);
    auto s = test::score_text(test::submission(ed, 3, for_edition(ed, repeat(200, Inv{3}))));
    expect_score(s, {6300, 2220000, 200, 200, "111", 7600, "250", 10000, "Sangat Inovatif"});
    EXPECT_EQ(s.iid_exact.to_string(), "100");
  }
}

// --- Rounding and category reading at a band edge ----------------------------------------------

TEST(Rounding, ExactIid60_005_HalfUpGives60_01SangatInovatif) {
  auto s = test::score_text(iid_60_005());
  expect_score(s, {0, 1427400, 160, 160, "7137/80", 6080, "12001/80", 6001, "Sangat Inovatif"});
  EXPECT_EQ(s.iid_exact.to_string(), "12001/200");  // 60.005
  ASSERT_EQ(s.decided_by.size(), 1u);
  const DecidedBy& d = s.decided_by[0];
  EXPECT_EQ(d.rule, "rounding");
  EXPECT_EQ(d.chosen, "half_up");
  EXPECT_EQ(d.alternative, "half_even");
  EXPECT_EQ(d.alternative_iid_h, 6000);
  EXPECT_EQ(d.alternative_category, "Inovatif");
}

TEST(Rounding, ExactIid60_005_HalfEvenGives60_00Inovatif) {
  auto ed = modified_2023("half_even", "rounded");
  EXPECT_EQ(ed->rounding, Rounding::half_even);
  auto s = test::score_text(iid_60_005(), Policy::self_assessed, ParseOptions{.edition = ed, .override_edition = true});
  EXPECT_EQ(s.edition, "iid-2023-half_even-rounded");
  expect_score(s, {0, 1427400, 160, 160, "7137/80", 6080, "12001/80", 6000, "Inovatif"});
  const DecidedBy* r = decided(s, "rounding");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->chosen, "half_even");
  EXPECT_EQ(r->alternative, "half_up");
  EXPECT_EQ(r->alternative_iid_h, 6001);
  EXPECT_EQ(r->alternative_category, "Sangat Inovatif");
  // Read off the unrounded 60.005 the category would be Sangat Inovatif: the reading decided.
  const DecidedBy* c = decided(s, "category_reading");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->chosen, "rounded");
  EXPECT_EQ(c->alternative, "unrounded");
  EXPECT_EQ(c->alternative_category, "Sangat Inovatif");
}

TEST(Rounding, ExactIid60_005_UnroundedReadingHalfUp) {
  auto ed = modified_2023("half_up", "unrounded");
  EXPECT_EQ(ed->category_reading, CategoryReading::unrounded);
  auto s = test::score_text(iid_60_005(), Policy::self_assessed, ParseOptions{.edition = ed, .override_edition = true});
  expect_score(s, {0, 1427400, 160, 160, "7137/80", 6080, "12001/80", 6001, "Sangat Inovatif"});
  const DecidedBy* r = decided(s, "rounding");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->alternative_iid_h, 6000);
  EXPECT_EQ(r->alternative_category, "Sangat Inovatif");  // the unrounded 60.005 is still > 60.00
  EXPECT_EQ(decided(s, "category_reading"), nullptr);
}

TEST(Rounding, ExactIid60_005_UnroundedReadingHalfEven) {
  // Published 60.00, yet Sangat Inovatif: the category is read off the exact 60.005.
  auto ed = modified_2023("half_even", "unrounded");
  auto s = test::score_text(iid_60_005(), Policy::self_assessed, ParseOptions{.edition = ed, .override_edition = true});
  expect_score(s, {0, 1427400, 160, 160, "7137/80", 6080, "12001/80", 6000, "Sangat Inovatif"});
  const DecidedBy* r = decided(s, "rounding");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->alternative_iid_h, 6001);
  const DecidedBy* c = decided(s, "category_reading");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->chosen, "unrounded");
  EXPECT_EQ(c->alternative, "rounded");
  EXPECT_EQ(c->alternative_category, "Inovatif");
}

TEST(Rounding, RoundHundredthsModes) {
  // num/den is in hundredths.
  EXPECT_EQ(round_hundredths(Fraction::of(60005, 10), Rounding::half_up), 6001);   // 6000.5
  EXPECT_EQ(round_hundredths(Fraction::of(60005, 10), Rounding::half_even), 6000);
  EXPECT_EQ(round_hundredths(Fraction::of(60015, 10), Rounding::half_even), 6002);  // 6001.5
  EXPECT_EQ(round_hundredths(Fraction::of(60015, 10), Rounding::half_up), 6002);
  EXPECT_EQ(round_hundredths(Fraction::of(1, 2), Rounding::half_up), 1);
  EXPECT_EQ(round_hundredths(Fraction::of(1, 2), Rounding::half_even), 0);
  EXPECT_EQ(round_hundredths(Fraction::of(60004999, 10000), Rounding::half_up), 6000);
  EXPECT_EQ(round_hundredths(Fraction::of(60005001, 10000), Rounding::half_even), 6001);
  EXPECT_EQ(round_hundredths(Fraction::of(6000, 1), Rounding::half_up), 6000);
  EXPECT_EQ(round_hundredths(Fraction::of(0, 7), Rounding::half_even), 0);
  EXPECT_EQ(round_hundredths(Fraction::of(17159 * 4, 15), Rounding::half_up), 4576);  // example A: 4575.73…
}

// --- Divisor and count points -------------------------------------------------------------------

TEST(Divisor, AroundDMin_2023) {
  // No SPD points; n innovations at level 1 (37 points each).
  struct Case { int n; Expected e; };
  const Case cases[] = {
      // 333/10 + 3.42 = 36.72; IID 14.688 → 14.69
      {9, {0, 33300, 9, 10, "333/10", 342, "918/25", 1469, "Kurang Inovatif"}},
      // 37 + 3.80 = 40.80; IID 16.32
      {10, {0, 37000, 10, 10, "37", 380, "204/5", 1632, "Kurang Inovatif"}},
      // 37 + 4.18 = 41.18; IID 16.472 → 16.47
      {11, {0, 40700, 11, 11, "37", 418, "2059/50", 1647, "Kurang Inovatif"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.n);
    expect_score(test::score_text(test::submission_gov("iid-2023", "{}", repeat(c.n, Inv{1}))), c.e);
  }
}

TEST(Divisor, AroundDMin_2026) {
  struct Case { int n; Expected e; };
  const Case cases[] = {
      // 407/12 + 4.18 = 11429/300 = 38.0966…; IID 15.2386… → 15.24
      {11, {0, 40700, 11, 12, "407/12", 418, "11429/300", 1524, "Kurang Inovatif"}},
      // 37 + 4.56 = 41.56; IID 16.624 → 16.62
      {12, {0, 44400, 12, 12, "37", 456, "1039/25", 1662, "Kurang Inovatif"}},
      // 37 + 4.94 = 41.94; IID 16.776 → 16.78
      {13, {0, 48100, 13, 13, "37", 494, "2097/50", 1678, "Kurang Inovatif"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.n);
    expect_score(test::score_text(test::submission_gov("iid-2026", "{}", with_all_affairs(repeat(c.n, Inv{1})))),
                 c.e);
  }
}

TEST(CountPoints, CappedAt200Innovations) {
  struct Case { int n; Expected e; };
  const Case cases[] = {
      // 37 + 0.38 × 199 = 37 + 75.62 = 112.62; IID 45.048 → 45.05
      {199, {0, 199 * 3700, 199, 199, "37", 7562, "5631/50", 4505, "Inovatif"}},
      // 37 + 76 = 113; IID 45.20
      {200, {0, 200 * 3700, 200, 200, "37", 7600, "113", 4520, "Inovatif"}},
      // the 201st innovation still counts in n and the divisor, not in the count points
      {201, {0, 201 * 3700, 201, 201, "37", 7600, "113", 4520, "Inovatif"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.n);
    expect_score(test::score_text(test::submission_gov("iid-2023", "{}", repeat(c.n, Inv{1}))), c.e);
  }
}

TEST(CountPoints, GateOnlyIn2026) {
  // No affairs at all: the gate closes 2026's count points only.
  for (const auto& ed : test::shipped_editions()) {
    SCOPED_TRACE(ed);
    auto s = test::score_text(test::submission_gov(ed, "{}", repeat(12, Inv{2})));
    EXPECT_EQ(s.gate_applies, ed == "iid-2026");
    EXPECT_EQ(s.count_h, ed == "iid-2026" ? 0 : 456);
  }
}

TEST(CountPoints, Gate2026AffairsMatchCaseInsensitivelyTrimmed) {
  auto invs = repeat(12, Inv{2});
  invs[0].affairs = {"  Pendidikan "};
  invs[1].affairs = {"KESEHATAN"};
  invs[2].affairs = {"Sosial  "};
  invs[3].affairs = {"Pekerjaan Umum Dan Penataan Ruang", "pariwisata"};
  for (std::size_t i = 4; i < invs.size(); ++i) invs[i].affairs = {"pariwisata"};  // not a basic-service affair
  {
    auto s = test::score_text(test::submission_gov("iid-2026", "{}", invs));
    EXPECT_EQ(s.affairs_covered, 4);
    EXPECT_FALSE(s.gate_open);
    EXPECT_EQ(s.count_h, 0);
  }
  // The fifth affair, written with odd case and spaces, opens it: 0.38 × 12.
  invs[4].affairs = {" Perumahan Rakyat dan Kawasan PERMUKIMAN "};
  auto s = test::score_text(test::submission_gov("iid-2026", "{}", invs));
  EXPECT_EQ(s.affairs_covered, 5);
  EXPECT_TRUE(s.gate_open);
  EXPECT_EQ(s.count_h, 456);
  // 888/12 = 74 + 4.56 = 78.56; IID 31.424 → 31.42
  expect_score(s, {0, 88800, 12, 12, "74", 456, "1964/25", 3142, "Kurang Inovatif"});
}

TEST(CountPoints, Gate2026DraftsDoNotCoverRejectedDo) {
  // pendidikan, kesehatan, pekerjaan umum…, perumahan… covered by submitted innovations
  auto base = covering(repeat(12, Inv{2}), 4);
  {
    auto invs = base;
    Inv draft{3, "draft"};
    draft.affairs = {"sosial", "pendidikan"};
    invs.push_back(draft);
    auto s = test::score_text(test::submission_gov("iid-2026", "{}", invs));
    EXPECT_EQ(s.innovations_counted, 12);
    EXPECT_EQ(s.innovations_not_counted, 1);
    EXPECT_EQ(s.affairs_covered, 4);
    EXPECT_FALSE(s.gate_open);
    EXPECT_EQ(s.count_h, 0);
  }
  {
    auto invs = base;
    Inv rejected{3, "rejected"};
    rejected.affairs = {"sosial", "pendidikan"};
    invs.push_back(rejected);
    auto s = test::score_text(test::submission_gov("iid-2026", "{}", invs));
    // n 13; Σ 12 × 74 = 888 (the rejected one scores 0); 888/13 + 4.94 = 47611/650;
    // IID 47611/1625 = 29.299… → 29.30. Covered: the 4 of the submitted ones + sosial.
    EXPECT_EQ(s.affairs_covered, 5);
    EXPECT_TRUE(s.gate_open);
    expect_score(s, {0, 88800, 13, 13, "888/13", 494, "47611/650", 2930, "Kurang Inovatif"});
  }
}

TEST(CountPoints, OnlyRejectedInnovations) {
  // 2023: points 0, n 3, divisor 10, count 1.14; IID 1.14 / 250 × 100 = 0.456 → 0.46.
  auto rejected = repeat(3, Inv{3, "rejected"});
  expect_score(test::score_text(test::submission_gov("iid-2023", "{}", rejected)),
               {0, 0, 3, 10, "0", 114, "57/50", 46, "Kurang Inovatif"});
  // 2026 without affairs: the gate is closed, nothing is left.
  auto s = test::score_text(test::submission_gov("iid-2026", "{}", rejected));
  expect_score(s, {0, 0, 3, 12, "0", 0, "0", 0, "Tidak Dapat Dinilai"});
  EXPECT_FALSE(s.gate_open);
  // 2026 with rejected innovations covering 5 affairs (rejected count for the gate by default).
  auto r5 = rejected;
  r5[0].affairs = {"pendidikan", "kesehatan"};
  r5[1].affairs = {"sosial", "pekerjaan umum dan penataan ruang"};
  r5[2].affairs = {"perumahan rakyat dan kawasan permukiman"};
  auto s5 = test::score_text(test::submission_gov("iid-2026", "{}", r5));
  expect_score(s5, {0, 0, 3, 12, "0", 114, "57/50", 46, "Kurang Inovatif"});
  EXPECT_TRUE(s5.gate_open);
}

TEST(Counting, DraftsAreNotCounted) {
  // 10 submitted at level 2 + 5 drafts at level 3: n 10, avg 74, count 3.80, total 77.8;
  // IID 31.12.
  auto invs = repeat(10, Inv{2});
  for (int i = 0; i < 5; ++i) invs.push_back(Inv{3, "draft"});
  auto s = test::score_text(test::submission_gov("iid-2023", "{}", invs));
  expect_score(s, {0, 74000, 10, 10, "74", 380, "389/5", 3112, "Kurang Inovatif"});
  EXPECT_EQ(s.innovations_not_counted, 5);
  ASSERT_EQ(s.innovations.size(), 15u);
  EXPECT_FALSE(s.innovations[10].counted);
  EXPECT_TRUE(s.innovations[0].counted);
}

// --- Policies -----------------------------------------------------------------------------------

// iid-2023 without its evidence rules: the policy tests below are about rejection, verdicts and
// the unchecked fallback, not about which documents support a level (evidence_test.cpp).
ParseOptions unchecked_2023() {
  static const EditionPtr ed = [] {
    std::string t = test::source_file("editions/iid-2023.json");
    const std::string open = ",\n      \"evidence\": {", close = "\n      }";
    for (auto p = t.find(open); p != std::string::npos; p = t.find(open, p))
      t.erase(p, t.find(close, p + open.size()) + close.size() - p);
    return parse_edition(t, "iid-2023 without evidence rules");
  }();
  ParseOptions o;
  o.edition = ed;
  o.override_edition = true;
  return o;
}

TEST(Policy, RejectedInnovationScoresZeroUnderEveryPolicy) {
  auto ed = builtin_edition("iid-2023");
  // The rejected innovation claims level 3 everywhere and even has accepted evidence on 16.
  std::string answers = test::all_rows(*ed, ed->innovation_rows, 3);
  answers = test::replace_first(
      answers, "\"16\":{\"level\":3}",
      R"("16":{"level":3,"evidence":[{"kind":"regional_law","file":"perda.pdf","verdict":"accepted","supported_level":3}]})");
  Inv rej{3, "rejected"};
  rej.answers = answers;
  std::vector<Inv> invs = {Inv{1}, rej};
  for (Policy p : {Policy::self_assessed, Policy::supported, Policy::strict, Policy::assessor}) {
    SCOPED_TRACE(to_string(p));
    auto s = test::score_text(test::submission_gov("iid-2023", "{}", invs), p, unchecked_2023());
    EXPECT_EQ(s.policy, p);
    // 37/10 + 0.38 × 2 = 3.7 + 0.76 = 4.46; IID 1.784 → 1.78
    expect_score(s, {0, 3700, 2, 10, "37/10", 76, "223/50", 178, "Kurang Inovatif"});
    ASSERT_EQ(s.innovations.size(), 2u);
    EXPECT_EQ(s.innovations[1].status, Status::rejected);
    EXPECT_TRUE(s.innovations[1].counted);
    EXPECT_EQ(s.innovations[1].points_h, 0);
    for (const auto& r : s.innovations[1].rows) EXPECT_EQ(r.points_h, 0);
  }
}

TEST(Policy, AssessorVerdicts) {
  auto sub = [](const std::string& evidence16) {
    Inv inv;
    inv.answers = R"({"16":{"level":3,"evidence":[)" + evidence16 + R"(]},"23":{"level":2}})";
    return test::submission_gov("iid-2023", "{}", {inv});
  };
  const std::string accepted2 = R"({"kind":"regional_law","file":"perda.pdf","verdict":"accepted","supported_level":2})";
  // Self-assessed: 16 → 3 × 3 = 9, 23 → 2 × 1 = 2: 11 points.
  EXPECT_EQ(test::score_text(sub(accepted2), Policy::self_assessed, unchecked_2023()).innovation_sum_h, 1100);
  {
    // Accepted with supported_level 2 caps 16 at 2 (6 points); 23 has no verdict → as claimed.
    auto s = test::score_text(sub(accepted2), Policy::assessor, unchecked_2023());
    EXPECT_EQ(s.innovation_sum_h, 800);
    ASSERT_EQ(s.innovations.size(), 1u);
    EXPECT_EQ(s.innovations[0].rows[0].claimed_level, 3);
    EXPECT_EQ(s.innovations[0].rows[0].level, 2);
    bool unassessed23 = false;
    for (const auto& f : s.findings)
      if (f.rule == "unassessed" && f.pointer == "/innovations/0/answers/23") unassessed23 = true;
    EXPECT_TRUE(unassessed23);
    // Points at risk: self-assessed − assessor = (11 − 8) / 10 = 0.3 points = 0.12 IID.
    EXPECT_EQ(s.risk_reference, Policy::self_assessed);
    EXPECT_EQ(s.risk_compared, Policy::assessor);
    EXPECT_EQ(s.points_at_risk.to_string(), "3/10");
    EXPECT_EQ(s.points_at_risk_iid.to_string(), "3/25");
    EXPECT_FALSE(s.points_at_risk_negative);
    // IID: assessor 0.8 + 0.38 = 1.18 → 0.472 → 0.47; self-assessed 1.1 + 0.38 = 1.48 → 0.592 → 0.59.
    EXPECT_EQ(s.iid_h, 47);
    EXPECT_EQ(s.self_assessed_iid_h, 59);
  }
  {
    // A supported_level above the claim never raises it.
    auto s = test::score_text(
        sub(R"({"kind":"regional_law","file":"perda.pdf","verdict":"accepted","supported_level":3})"),
        Policy::assessor, unchecked_2023());
    EXPECT_EQ(s.innovation_sum_h, 1100);
  }
  {
    // Accepted without supported_level: the claim stands.
    auto s = test::score_text(sub(R"({"kind":"regional_law","file":"perda.pdf","verdict":"accepted"})"),
                              Policy::assessor, unchecked_2023());
    EXPECT_EQ(s.innovation_sum_h, 1100);
  }
  {
    // Every item rejected → 0 on 16: only 23's 2 points remain.
    auto s = test::score_text(sub(R"({"kind":"regional_law","file":"a.pdf","verdict":"rejected"},)"
                                  R"({"kind":"regional_head_regulation","file":"b.pdf","verdict":"rejected"})"),
                              Policy::assessor, unchecked_2023());
    EXPECT_EQ(s.innovation_sum_h, 200);
    EXPECT_EQ(s.innovations[0].rows[0].level, 0);
  }
  {
    // "revision" counts as rejected by default.
    auto s = test::score_text(sub(R"({"kind":"regional_law","file":"a.pdf","verdict":"revision"})"),
                              Policy::assessor, unchecked_2023());
    EXPECT_EQ(s.innovation_sum_h, 200);
  }
  {
    // No verdict at all: scored as claimed (no evidence rules yet), with "unassessed" findings.
    auto s = test::score_text(sub(R"({"kind":"regional_law","file":"perda.pdf"})"), Policy::assessor, unchecked_2023());
    EXPECT_EQ(s.innovation_sum_h, 1100);
    bool unassessed16 = false;
    for (const auto& f : s.findings)
      if (f.rule == "unassessed" && f.pointer == "/innovations/0/answers/16") unassessed16 = true;
    EXPECT_TRUE(unassessed16);
  }
}

TEST(Policy, PointsAtRiskZeroUnderSelfAssessedWithoutRules) {
  auto invs = repeat(11, Inv{2});
  invs.push_back(Inv{2, "rejected"});
  auto s = test::score_text(test::submission("iid-2023", 2, invs), Policy::self_assessed, unchecked_2023());
  EXPECT_EQ(s.risk_reference, Policy::self_assessed);
  EXPECT_EQ(s.risk_compared, Policy::supported);
  EXPECT_EQ(s.points_at_risk.to_string(), "0");
  EXPECT_EQ(s.points_at_risk_iid.to_string(), "0");
  EXPECT_FALSE(s.points_at_risk_negative);
  EXPECT_EQ(s.self_assessed_iid_h, 4576);
}

TEST(Policy, FromString) {
  EXPECT_EQ(policy_from_string("self_assessed"), Policy::self_assessed);
  EXPECT_EQ(policy_from_string("supported"), Policy::supported);
  EXPECT_EQ(policy_from_string("strict"), Policy::strict);
  EXPECT_EQ(policy_from_string("assessor"), Policy::assessor);
  EXPECT_THROW(policy_from_string("lenient"), InputError);
}

// --- Findings -----------------------------------------------------------------------------------

TEST(Findings, MandatoryRowMissing_2024) {
  Inv inv{2};
  auto ed = builtin_edition("iid-2024");
  std::string answers = test::all_rows(*ed, ed->innovation_rows, 2);
  answers = test::replace_first(answers, "\"16\":{\"level\":2},", "");  // row 16 missing
  inv.answers = answers;
  auto s = test::score_text(test::submission("iid-2024", 2, {inv}));
  // No arithmetic effect: 74 − 6 = 68 points.
  EXPECT_EQ(s.innovation_sum_h, 6800);
  std::vector<const Finding*> found;
  for (const auto& f : s.findings)
    if (f.rule == "mandatory") found.push_back(&f);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->pointer, "/innovations/0/answers/16");
  EXPECT_EQ(found[0]->row, "16");
  EXPECT_EQ(found[0]->innovation, "i0");
  EXPECT_EQ(found[0]->severity, Severity::error);
}

TEST(Findings, MandatoryRowAtLevelZeroAndGovernmentRows) {
  // iid-2024: 16, 17, 32, 33, 35 mandatory; 17 claims level 0 explicitly. Government row 1 is
  // mandatory and missing.
  Inv inv{2};
  inv.overrides = {{"17", 0}};
  auto s = test::score_text(test::submission_gov("iid-2024", R"({"2a":{"level":3}})", {inv}));
  bool inv17 = false, gov1 = false, gov2a = false;
  for (const auto& f : s.findings) {
    if (f.rule != "mandatory") continue;
    EXPECT_EQ(f.severity, Severity::error);
    if (f.pointer == "/innovations/0/answers/17") inv17 = true;
    if (f.pointer == "/government/1") gov1 = true;
    if (f.pointer == "/government/2a") gov2a = true;
  }
  EXPECT_TRUE(inv17);
  EXPECT_TRUE(gov1);
  EXPECT_FALSE(gov2a);  // 2a is not mandatory (and answered)
}

TEST(Findings, NoMandatoryInnovationRowsIn2023) {
  auto s = test::score_text(test::submission("iid-2023", 2, {Inv{0}}));
  for (const auto& f : s.findings)
    if (f.rule == "mandatory") EXPECT_EQ(f.pointer.rfind("/government/", 0), 0u) << f.pointer;
}

// --- Departments --------------------------------------------------------------------------------

TEST(Departments, RollUpWithNamelessBucket) {
  auto dept = [](int level, const std::string& status, const std::string& d) {
    Inv v{level, status};
    v.department = d;
    return v;
  };
  std::vector<Inv> invs = {
      dept(3, "submitted", "Dinas Kesehatan"),   // 111
      dept(2, "submitted", "Dinas Kesehatan"),   // 74
      dept(1, "submitted", "Dinas Pendidikan"),  // 37
      dept(3, "rejected", "Dinas Pendidikan"),   // 0, still counted
      dept(2, "submitted", ""),                  // 74, no department
      dept(3, "draft", "Dinas Kesehatan"),       // not counted
  };
  auto s = test::score_text(test::submission_gov("iid-2023", "{}", invs));
  EXPECT_EQ(s.innovations_counted, 5);
  EXPECT_EQ(s.divisor, 10);
  ASSERT_EQ(s.departments.size(), 3u);
  // Ranked by mean points: Kesehatan 185/2 = 92.5, (none) 74, Pendidikan 37/2 = 18.5.
  const auto& k = s.departments[0];
  EXPECT_EQ(k.name, "Dinas Kesehatan");
  EXPECT_EQ(k.innovations, 2);
  EXPECT_EQ(k.points_h, 18500);
  EXPECT_EQ(k.mean_points.to_string(), "185/2");
  EXPECT_EQ(k.iid_contribution.to_string(), "37/5");  // 185 / 10 × 100 / 250 = 7.4
  const auto& none = s.departments[1];
  EXPECT_EQ(none.name, "");
  EXPECT_EQ(none.innovations, 1);
  EXPECT_EQ(none.points_h, 7400);
  EXPECT_EQ(none.mean_points.to_string(), "74");
  EXPECT_EQ(none.iid_contribution.to_string(), "74/25");  // 2.96
  const auto& p = s.departments[2];
  EXPECT_EQ(p.name, "Dinas Pendidikan");
  EXPECT_EQ(p.innovations, 2);
  EXPECT_EQ(p.points_h, 3700);
  EXPECT_EQ(p.mean_points.to_string(), "37/2");
  EXPECT_EQ(p.iid_contribution.to_string(), "37/25");  // 1.48
}

// --- Edition parameters that the shipped editions leave at their defaults -------------------------

namespace {
EditionPtr modified(const std::string& name, const std::string& anchor, const std::string& from,
                    const std::string& to) {
  std::string t = test::source_file("editions/" + name + ".json");
  t = test::replace_first(t, "\"name\": \"" + name + "\"", "\"name\": \"" + name + "-modified\"");
  return parse_edition(test::replace_after(t, anchor, from, to));
}
}  // namespace

TEST(EditionParameters, EligibilityWindowWhenEnabled) {
  auto invs = with_all_affairs(repeat(16, Inv{2}));
  invs[12].applied_date = "2023-12-31";  // before the window
  invs[13].applied_date = "2024-01-01";  // first day
  invs[14].applied_date = "2025-12-31";  // last day
  invs[15].applied_date = "2026-01-01";  // after
  // Shipped iid-2026: the window is off, all 16 count.
  auto off = test::score_text(test::submission_gov("iid-2026", "{}", invs));
  EXPECT_EQ(off.innovations_counted, 16);
  EXPECT_EQ(off.innovations_not_counted, 0);
  auto ed = modified("iid-2026", "\"eligibility\"", "\"enabled\": false", "\"enabled\": true");
  ASSERT_TRUE(ed->eligibility && ed->eligibility->enabled);
  auto s = test::score_text(test::submission_gov("iid-2026", "{}", invs), Policy::self_assessed,
                            ParseOptions{.edition = ed, .override_edition = true});
  // 14 count (12 without a date + 2 inside): 14 × 74 / 14 = 74, count 0.38 × 14 = 5.32,
  // total 79.32, IID 31.728 → 31.73.
  expect_score(s, {0, 103600, 14, 14, "74", 532, "1983/25", 3173, "Kurang Inovatif"});
  EXPECT_EQ(s.innovations_not_counted, 2);
  EXPECT_FALSE(s.innovations[12].counted);
  EXPECT_TRUE(s.innovations[13].counted);
  EXPECT_TRUE(s.innovations[14].counted);
  EXPECT_FALSE(s.innovations[15].counted);
}

TEST(EditionParameters, MandatoryRuleZeroInnovation) {
  auto ed = modified("iid-2024", "\"mandatory_rule\"", "\"finding\"", "\"zero_innovation\"");
  ASSERT_EQ(ed->mandatory_rule, MandatoryRule::zero_innovation);
  Inv missing16{2};
  missing16.overrides = {{"16", 0}};
  // The innovation without 16 scores 0 but still counts: 74 / 10 + 0.38 × 2 = 8.16.
  auto s = test::score_text(test::submission_gov("iid-2024", "{}", {missing16, Inv{2}}), Policy::self_assessed,
                            ParseOptions{.edition = ed, .override_edition = true});
  expect_score(s, {0, 7400, 2, 10, "37/5", 76, "204/25", 326, "Kurang Inovatif"});  // IID 3.264 → 3.26
  EXPECT_EQ(s.innovations[0].points_h, 0);
  // With the default rule the same input keeps its 68 points.
  auto d = test::score_text(test::submission_gov("iid-2024", "{}", {missing16, Inv{2}}));
  EXPECT_EQ(d.innovations[0].points_h, 6800);
}

TEST(EditionParameters, GateCountingSubmittedOnly) {
  auto ed = modified("iid-2026", "\"min_covered\"", "\"counted\": \"counted\"", "\"counted\": \"submitted\"");
  ASSERT_EQ(ed->gate->counted, GateCounted::submitted);
  auto invs = covering(repeat(12, Inv{2}), 4);
  Inv rejected{2, "rejected"};
  rejected.affairs = {"sosial"};
  invs.push_back(rejected);
  auto s = test::score_text(test::submission_gov("iid-2026", "{}", invs), Policy::self_assessed,
                            ParseOptions{.edition = ed, .override_edition = true});
  EXPECT_EQ(s.innovations_counted, 13);  // the rejected one still counts in n
  EXPECT_EQ(s.affairs_covered, 4);       // but not for the gate
  EXPECT_FALSE(s.gate_open);
  EXPECT_EQ(s.count_h, 0);
}

// --- JSON output --------------------------------------------------------------------------------

TEST(ScoreJson, ExampleA) {
  auto invs = repeat(11, Inv{2});
  invs.push_back(Inv{2, "rejected"});
  auto s = test::score_text(test::submission("iid-2023", 2, invs));
  auto j = to_json(s, *builtin_edition("iid-2023"));
  EXPECT_EQ(j.find('\n'), std::string::npos);
  EXPECT_TRUE(test::contains(j, "\"iid\":45.76"));
  EXPECT_TRUE(test::contains(j, "\"innovation_average_exact\":\"407/6\""));
  EXPECT_TRUE(test::contains(j, "\"innovation_average\":67.83"));
  EXPECT_TRUE(test::contains(j, "\"total_exact\":\"17159/150\""));
  EXPECT_TRUE(test::contains(j, "\"total\":114.39"));
  EXPECT_TRUE(test::contains(j, "\"government_points\":42.00"));
  EXPECT_TRUE(test::contains(j, "\"count_points\":4.56"));
  EXPECT_TRUE(test::contains(j, "\"category\":\"Inovatif\""));
  EXPECT_TRUE(test::contains(j, "\"divisor\":12"));
  EXPECT_TRUE(test::contains(j, "\"innovations_counted\":12"));
  EXPECT_TRUE(test::contains(j, "\"edition\":\"iid-2023\""));
  EXPECT_TRUE(test::contains(j, "\"region\":\"64.03\""));
  EXPECT_TRUE(test::contains(j, "\"policy\":\"self_assessed\""));
  EXPECT_TRUE(test::contains(j, "\"self_assessed_iid\":45.76"));
  EXPECT_TRUE(test::contains(j, "\"points_at_risk\":{"));
}

TEST(ScoreJson, IidAlwaysHasTwoDecimals) {
  for (const auto& ed : test::shipped_editions()) {
    SCOPED_TRACE(ed);
    auto c = to_json(test::score_text(nothing_reported(ed)), *builtin_edition(ed));
    EXPECT_TRUE(test::contains(c, "\"iid\":0.00,"));
    EXPECT_TRUE(test::contains(c, "\"category\":\"Tidak Dapat Dinilai\""));
    auto d = to_json(test::score_text(test::submission_gov(ed, kTenPointsGov, {})), *builtin_edition(ed));
    EXPECT_TRUE(test::contains(d, "\"iid\":4.00,"));
    auto e = to_json(test::score_text(test::submission(ed, 3, for_edition(ed, repeat(200, Inv{3})))),
                     *builtin_edition(ed));
    EXPECT_TRUE(test::contains(e, "\"iid\":100.00,"));
    EXPECT_TRUE(test::contains(e, "\"category\":\"Sangat Inovatif\""));
  }
  auto b = to_json(test::score_text(test::submission("iid-2023", 3, repeat(8, Inv{3}))), *builtin_edition("iid-2023"));
  EXPECT_TRUE(test::contains(b, "\"iid\":61.94,"));
  auto b26 = to_json(test::score_text(test::submission("iid-2026", 3, covering(repeat(8, Inv{3}), 4))),
                     *builtin_edition("iid-2026"));
  EXPECT_TRUE(test::contains(b26, "\"iid\":54.80,"));
}

TEST(ScoreJson, DecidedByNamesTheRule) {
  auto s = test::score_text(iid_60_005());
  auto j = to_json(s, *builtin_edition("iid-2023"));
  EXPECT_TRUE(test::contains(j, "\"iid\":60.01,"));
  EXPECT_TRUE(test::contains(j, "\"rule\":\"rounding\""));
  EXPECT_TRUE(test::contains(j, "\"alternative\":\"half_even\""));
  EXPECT_TRUE(test::contains(j, "\"alternative_iid\":60.00"));
  EXPECT_TRUE(test::contains(j, "\"alternative_category\":\"Inovatif\""));
}

// --- Properties ---------------------------------------------------------------------------------

TEST(Properties, IidDoesNotDependOnInnovationOrder_AllPermutations) {
  std::vector<Inv> invs = {Inv{0}, Inv{1}, Inv{2}, Inv{3}, Inv{3, "rejected"}, Inv{1, "draft"}};
  invs[1].overrides = {{"16", 3}, {"33", 0}};
  invs[2].overrides = {{"35", 1}};
  for (std::size_t i = 0; i < invs.size(); ++i) invs[i].id = "inv" + std::to_string(i);
  const auto ref = test::score_text(test::submission("iid-2023", 1, invs));
  std::vector<int> perm(invs.size());
  std::iota(perm.begin(), perm.end(), 0);
  int tried = 0;
  do {
    std::vector<Inv> p;
    for (int i : perm) p.push_back(invs[i]);
    auto s = test::score_text(test::submission("iid-2023", 1, p));
    ASSERT_EQ(s.iid_h, ref.iid_h);
    ASSERT_EQ(s.total, ref.total);
    ASSERT_EQ(s.innovation_sum_h, ref.innovation_sum_h);
    ASSERT_EQ(s.divisor, ref.divisor);
    ASSERT_EQ(s.count_h, ref.count_h);
    ++tried;
  } while (std::next_permutation(perm.begin(), perm.end()));
  EXPECT_EQ(tried, 720);
}

TEST(Properties, IidDoesNotDependOnInnovationOrder_Shuffled2026) {
  std::vector<Inv> invs;
  for (int i = 0; i < 16; ++i) {
    Inv v{i % 4, i % 7 == 3 ? "rejected" : (i % 5 == 4 ? "draft" : "submitted")};
    v.affairs = {test::basic_affairs()[i % 6]};
    v.id = "x" + std::to_string(i);
    if (i % 3 == 0) v.overrides = {{"31", 3}, {"19", 0}};
    invs.push_back(v);
  }
  const auto ref = test::score_text(test::submission("iid-2026", 2, invs));
  std::mt19937 rng(20260101);
  for (int k = 0; k < 40; ++k) {
    std::shuffle(invs.begin(), invs.end(), rng);
    auto s = test::score_text(test::submission("iid-2026", 2, invs));
    ASSERT_EQ(s.iid_h, ref.iid_h);
    ASSERT_EQ(s.total, ref.total);
    ASSERT_EQ(s.affairs_covered, ref.affairs_covered);
    ASSERT_EQ(s.count_h, ref.count_h);
  }
}

TEST(Properties, BreakdownDoesNotChangeTheResult) {
  auto invs = repeat(11, Inv{2});
  invs.push_back(Inv{2, "rejected"});
  auto sub = parse_submission(test::submission("iid-2023", 2, invs));
  for (Policy p : {Policy::self_assessed, Policy::assessor}) {
    auto full = score(sub, ScoreOptions{.policy = p, .with_breakdown = true});
    auto lean = score(sub, ScoreOptions{.policy = p, .with_breakdown = false});
    EXPECT_EQ(lean.iid_h, full.iid_h);
    EXPECT_EQ(lean.total, full.total);
    EXPECT_EQ(lean.innovation_sum_h, full.innovation_sum_h);
    EXPECT_EQ(lean.points_at_risk, full.points_at_risk);
    EXPECT_EQ(full.innovations.size(), 12u);
    EXPECT_EQ(full.government.size(), 20u);
  }
}

TEST(Properties, RaisingAnySingleLevelNeverLowersIid) {
  for (const std::string ed_name : {"iid-2023", "iid-2026"}) {
    SCOPED_TRACE(ed_name);
    auto ed = builtin_edition(ed_name);
    auto invs = for_edition(ed_name, {Inv{1}, Inv{2}});
    auto gov = [&](const std::string& key, int level) {
      return test::submission_gov(ed_name, test::all_rows(*ed, ed->government_rows, 1, {{key, level}}), invs);
    };
    auto inn = [&](const std::string& key, int level) {
      auto v = invs;
      v[0].overrides = {{key, level}};
      return test::submission(ed_name, 1, v);
    };
    for (int idx : ed->government_rows)
      for (int lv = 0; lv < 3; ++lv) {
        const auto& key = ed->rows[idx].key;
        auto lo = test::score_text(gov(key, lv)), hi = test::score_text(gov(key, lv + 1));
        EXPECT_GE(hi.iid_h, lo.iid_h) << "government row " << key << " level " << lv;
        EXPECT_GT(hi.total.to_double(), lo.total.to_double()) << "government row " << key;
      }
    for (int idx : ed->innovation_rows)
      for (int lv = 0; lv < 3; ++lv) {
        const auto& key = ed->rows[idx].key;
        auto lo = test::score_text(inn(key, lv)), hi = test::score_text(inn(key, lv + 1));
        EXPECT_GE(hi.iid_h, lo.iid_h) << "innovation row " << key << " level " << lv;
        EXPECT_GT(hi.total.to_double(), lo.total.to_double()) << "innovation row " << key;
      }
  }
}
