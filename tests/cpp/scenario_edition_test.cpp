// A change text naming an edition ("edition", docs/scenario.md): scenario_edition() resolves
// it, parse_scenario() accepts it against a base under that edition and refuses it, at
// "/edition", against a base under another; the base re-bound to the named edition scores the
// scenario as score() of the changed submission read with that edition.
#include <gtest/gtest.h>

#include "inovasi/scenario.hpp"
#include "inovasi/score.hpp"
#include "test_util.hpp"

using namespace inovasi;

namespace {

Submission read(const std::string& file, EditionPtr override_with = nullptr) {
  ParseOptions o;
  o.source = file;
  if (override_with) {
    o.edition = override_with;
    o.override_edition = true;
  }
  return parse_submission(test::source_file("examples/" + file), o);
}

}  // namespace

TEST(ScenarioEdition, NamedByNameOrPath) {
  EXPECT_EQ(scenario_edition(R"({"changes": []})"), nullptr);
  EXPECT_EQ(scenario_edition(R"({"edition": "iid-2026"})"), builtin_edition("iid-2026"));
  const EditionPtr by_path =
      scenario_edition(R"({"edition": ")" + std::string(INOVASI_SOURCE_DIR) + R"(/editions/iid-2026.json"})");
  ASSERT_NE(by_path, nullptr);
  EXPECT_TRUE(same_edition(*by_path, *builtin_edition("iid-2026")));  // the same bytes
  EXPECT_FALSE(same_edition(*by_path, *builtin_edition("iid-2025")));
  auto e = test::input_error([] { scenario_edition(R"({"edition": "iid-1999"})"); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->pointer(), "/edition");
  EXPECT_TRUE(test::contains(e->message(), "iid-1999"));
  e = test::input_error([] { scenario_edition(R"({"edition": 2026})"); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->pointer(), "/edition");
}

TEST(ScenarioEdition, ParseAgainstTheBaseOfThatEditionOnly) {
  const Submission sub = read("kabupaten-berau-2023.json");
  const ScenarioBase own({sub});
  const std::string code = sub.region.code;
  const std::string changes = R"("changes": [{"region": ")" + code + R"(", "row": "1", "level": 3}])";
  // Its own edition named: accepted as if not named.
  EXPECT_EQ(parse_scenario(R"({"edition": "iid-2023", )" + changes + "}", own).levels.size(), 1u);
  auto e = test::input_error([&] { parse_scenario(R"({"edition": "iid-2026", )" + changes + "}", own); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->pointer(), "/edition");
  EXPECT_TRUE(test::contains(e->message(), "\"iid-2026\"")) << e->message();
  EXPECT_TRUE(test::contains(e->message(), "\"iid-2023\"")) << e->message();

  // Re-bound to the named edition, the scenario is score() of the changed JSON read with it.
  const std::string text = R"({"edition": "iid-2026", "policy": "supported", )" + changes + "}";
  const EditionPtr other = scenario_edition(text);
  const ScenarioBase rebound({sub}, other);
  const Scenario sc = parse_scenario(text, rebound);
  const BatchResult got = rebound.score(sc);
  Submission changed = read("kabupaten-berau-2023.json", other);
  Answer& a = changed.government[static_cast<std::size_t>(other->row_index("1"))];
  a.level = 3;
  a.present = true;
  const Score want = score(changed, {Policy::supported, false});
  EXPECT_EQ(got.iid_h[0], want.iid_h);
  EXPECT_EQ(got.government_h[0], want.government_h);
  EXPECT_EQ(got.innovation_sum_h[0], want.innovation_sum_h);
  // Row 1 goes from level 2 to 3: the change is seen, under the named edition's weights.
  EXPECT_GT(got.government_h[0], rebound.nominal(Policy::supported).government_h[0]);
  EXPECT_NE(rebound.nominal(Policy::supported).iid_h[0], own.nominal(Policy::supported).iid_h[0]);
}
