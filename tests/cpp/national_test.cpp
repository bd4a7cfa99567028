// The national dataset (the generator's default profile and seed, as the README main job uses
// it) through both paths: batch results equal score() for every region, every edition, every
// policy and 1, 2, 7 and 8 threads.
#include <gtest/gtest.h>

#include <sstream>

#include "inovasi/batch.hpp"
#include "inovasi/synth.hpp"
#include "test_util.hpp"

using namespace inovasi;

namespace {

// Under a sanitizer, every 8th region (test::kSanitized).
constexpr std::size_t kStride = test::kSanitized ? 8 : 1;


std::vector<Submission> parse_all(const std::string& edition) {
  ParseOptions o;
  o.edition = builtin_edition(edition);
  o.override_edition = true;
  RecordReader reader(test::national_text(), o);
  RecordResult r;
  std::vector<Submission> subs;
  std::size_t records = 0;
  while (reader.next(r)) {
    EXPECT_FALSE(r.error) << r.error->what();
    if (r.submission && records++ % kStride == 0) subs.push_back(std::move(*r.submission));
  }
  EXPECT_EQ(records, 552u);
  return subs;
}

class National : public ::testing::TestWithParam<std::string> {};

TEST_P(National, BatchEqualsSingleRegionForEveryPolicyAndThreadCount) {
  const auto subs = parse_all(GetParam());
  ASSERT_EQ(subs.size(), (552u + kStride - 1) / kStride);
  for (Policy p : {Policy::self_assessed, Policy::supported, Policy::strict, Policy::assessor}) {
    std::vector<Score> single;
    single.reserve(subs.size());
    for (const auto& s : subs) single.push_back(score(s, {p, false}));
    const Columns c = to_columns(subs, p);
    for (int threads : {1, 2, 7, 8}) {
      const BatchResult r = score_batch(c.view(), threads);
      for (std::size_t i = 0; i < subs.size(); ++i) {
        const Score& s = single[i];
        ASSERT_EQ(r.iid_h[i], s.iid_h) << s.region_code << " " << to_string(p) << " threads " << threads;
        ASSERT_EQ(r.innovation_sum_h[i], s.innovation_sum_h) << s.region_code;
        ASSERT_EQ(r.government_h[i], s.government_h) << s.region_code;
        ASSERT_EQ(r.counted[i], s.innovations_counted) << s.region_code;
        ASSERT_EQ(r.count_h[i], s.count_h) << s.region_code;
        const std::string& label =
            r.category[i] < c.edition->bands.size() ? c.edition->bands[r.category[i]].label : c.edition->lowest_category;
        ASSERT_EQ(label, s.category) << s.region_code;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Editions, National, ::testing::Values("iid-2023", "iid-2024", "iid-2025", "iid-2026"),
                         [](const auto& info) { return info.param.substr(4); });

}  // namespace
