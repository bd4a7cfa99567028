#include "inovasi/score.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

using namespace inovasi;
using test::Inv;

TEST(Score, SmokeWorkedExampleA) {
  std::vector<Inv> invs(11, Inv{2});
  invs.push_back(Inv{2, "rejected"});
  auto s = test::score_text(test::submission("iid-2023", 2, invs));
  EXPECT_EQ(s.government_h, 4200);
  EXPECT_EQ(s.innovation_sum_h, 81400);
  EXPECT_EQ(s.divisor, 12);
  EXPECT_EQ(s.innovation_average.to_string(), "407/6");
  EXPECT_EQ(s.count_h, 456);
  EXPECT_EQ(s.iid_h, 4576);
  EXPECT_EQ(s.category, "Inovatif");
}
