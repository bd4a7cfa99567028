#include "inovasi/submission.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

using namespace inovasi;

namespace {

const std::string kRegion = R"("region":{"code":"64.03","type":"kabupaten"})";

std::string with_gov(const std::string& ed, const std::string& gov) {
  return "{\"edition\":\"" + ed + "\"," + kRegion + ",\"government\":" + gov + "}";
}
std::string with_answers(const std::string& ed, const std::string& answers) {
  return "{\"edition\":\"" + ed + "\"," + kRegion + R"(,"innovations":[{"id":"a","status":"submitted","answers":)" +
         answers + "}]}";
}
std::string with_innovation(const std::string& ed, const std::string& fields) {
  return "{\"edition\":\"" + ed + "\"," + kRegion + ",\"innovations\":[{" + fields + "}]}";
}
// An evidence item on row 16 of iid-2023.
std::string with_item(const std::string& item) {
  return with_answers("iid-2023", R"({"16":{"level":2,"evidence":[)" + item + "]}}");
}

struct Bad {
  const char* what;
  std::string json;
  std::string pointer;
  std::string substring;
  ParseOptions options = {};
};

void expect_bad(const Bad& b) {
  SCOPED_TRACE(b.what);
  auto e = test::input_error([&] { parse_submission(b.json, b.options); });
  ASSERT_TRUE(e.has_value()) << "accepted: " << b.json;
  EXPECT_EQ(e->pointer(), b.pointer) << e->what();
  EXPECT_TRUE(test::contains(e->message(), b.substring));
}

}  // namespace

// --- Invalid inputs: every one names its place and the rule ---------------------------------------

TEST(InvalidSubmission, LevelOutOfRangeMessage) {
  auto e = test::input_error([] { parse_submission(with_answers("iid-2023", R"({"21":{"level":5}})")); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->pointer(), "/innovations/0/answers/21/level");
  EXPECT_EQ(e->message(), "5 is out of range 0..3 (iid-2023, indicator 21)");
  EXPECT_EQ(std::string(e->what()), "/innovations/0/answers/21/level: 5 is out of range 0..3 (iid-2023, indicator 21)");
  EXPECT_FALSE(e->is_syntax_error());
}

TEST(InvalidSubmission, Levels) {
  const Bad cases[] = {
      {"fractional level", with_answers("iid-2023", R"({"21":{"level":2.5}})"), "/innovations/0/answers/21/level", "2.5"},
      {"negative level", with_answers("iid-2023", R"({"21":{"level":-1}})"), "/innovations/0/answers/21/level",
       "-1 is out of range 0..3"},
      {"level as a string", with_answers("iid-2023", R"({"21":{"level":"2"}})"), "/innovations/0/answers/21/level",
       "expected a number"},
      {"level as a boolean", with_answers("iid-2023", R"({"21":{"level":true}})"), "/innovations/0/answers/21/level",
       "expected a number"},
      {"government level 4", with_gov("iid-2023", R"({"1":{"level":4}})"), "/government/1/level",
       "4 is out of range 0..3 (iid-2023, indicator 1)"},
      {"answer not an object", with_answers("iid-2023", R"({"16":3})"), "/innovations/0/answers/16", "expected an object"},
      {"unknown field in an answer", with_answers("iid-2023", R"({"16":{"levle":2}})"),
       "/innovations/0/answers/16/levle", "unknown field"},
  };
  for (const auto& b : cases) expect_bad(b);
}

TEST(InvalidSubmission, IndicatorKeys) {
  const Bad cases[] = {
      {"unknown indicator", with_answers("iid-2023", R"({"99":{"level":1}})"), "/innovations/0/answers/99",
       "\"99\" is not an indicator of iid-2023"},
      {"unsplit key 2", with_gov("iid-2023", R"({"2":{"level":1}})"), "/government/2", "not an indicator"},
      {"government row answered per innovation", with_answers("iid-2023", R"({"1":{"level":1}})"),
       "/innovations/0/answers/1", "government"},
      {"innovation row answered under government", with_gov("iid-2023", R"({"16":{"level":1}})"), "/government/16",
       "innovation"},
      {"government not an object", with_gov("iid-2023", "[]"), "/government", "expected an object"},
  };
  for (const auto& b : cases) expect_bad(b);
}

TEST(InvalidSubmission, EditionAndRegion) {
  const Bad cases[] = {
      {"missing edition", "{" + kRegion + "}", "/edition", "missing"},
      {"unknown edition", "{\"edition\":\"iid-2019\"," + kRegion + "}", "/edition", "iid-2019"},
      {"edition not a string", "{\"edition\":2023," + kRegion + "}", "/edition", "expected a string"},
      {"missing region", R"({"edition":"iid-2023"})", "/region", "region"},
      {"region not an object", R"({"edition":"iid-2023","region":"64.03"})", "/region", "expected an object"},
      {"missing region.code", R"({"edition":"iid-2023","region":{"type":"kabupaten"}})", "/region", "\"code\""},
      {"empty region.code", R"({"edition":"iid-2023","region":{"code":"","type":"kabupaten"}})", "/region/code",
       "empty"},
      {"missing region.type", R"({"edition":"iid-2023","region":{"code":"64.03"}})", "/region", "\"type\""},
      {"bad region.type", R"({"edition":"iid-2023","region":{"code":"64.03","type":"city"}})", "/region/type", "city"},
      {"unknown cluster",
       R"({"edition":"iid-2023","region":{"code":"64.03","type":"kabupaten","clusters":["pesisir"]}})",
       "/region/clusters/0", "pesisir"},
      {"unknown region field",
       R"({"edition":"iid-2023","region":{"code":"64.03","type":"kabupaten","population":1}})",
       "/region/population", "unknown field"},
      {"unknown top-level key", "{\"edition\":\"iid-2023\"," + kRegion + ",\"foo\":1}", "/foo", "unknown field"},
  };
  for (const auto& b : cases) expect_bad(b);
}

TEST(InvalidSubmission, Innovations) {
  const std::string two_a = "{\"edition\":\"iid-2023\"," + kRegion +
                            R"(,"innovations":[{"id":"a","status":"submitted"},{"id":"a","status":"draft"}]})";
  const Bad cases[] = {
      {"duplicate innovation id", two_a, "/innovations/1/id", "duplicate"},
      {"missing id", with_innovation("iid-2023", R"("status":"submitted")"), "/innovations/0", "\"id\""},
      {"empty id", with_innovation("iid-2023", R"("id":"","status":"submitted")"), "/innovations/0/id", "empty"},
      {"missing status", with_innovation("iid-2023", R"("id":"a")"), "/innovations/0", "\"status\""},
      {"bad status", with_innovation("iid-2023", R"("id":"a","status":"approved")"), "/innovations/0/status",
       "approved"},
      {"bad stage", with_innovation("iid-2023", R"("id":"a","status":"submitted","stage":"pilot")"),
       "/innovations/0/stage", "pilot"},
      {"bad form", with_innovation("iid-2023", R"("id":"a","status":"submitted","form":"service")"),
       "/innovations/0/form", "service"},
      {"bad kind", with_innovation("iid-2023", R"("id":"a","status":"submitted","kind":"analog")"),
       "/innovations/0/kind", "analog"},
      {"affairs not an array", with_innovation("iid-2023", R"("id":"a","status":"submitted","affairs":"kesehatan")"),
       "/innovations/0/affairs", "array"},
      {"affair not a string", with_innovation("iid-2023", R"("id":"a","status":"submitted","affairs":[7])"),
       "/innovations/0/affairs/0", "string"},
      {"unknown innovation field", with_innovation("iid-2023", R"("id":"a","status":"submitted","score":9)"),
       "/innovations/0/score", "unknown field"},
      {"innovations not an array", "{\"edition\":\"iid-2023\"," + kRegion + ",\"innovations\":{}}", "/innovations",
       "array"},
  };
  for (const auto& b : cases) expect_bad(b);
}

TEST(InvalidSubmission, Dates) {
  auto date = [](const std::string& d) {
    return with_innovation("iid-2023", R"("id":"a","status":"submitted","applied_date":")" + d + "\"");
  };
  const Bad cases[] = {
      {"impossible date", date("2023-02-30"), "/innovations/0/applied_date", "2023-02-30"},
      {"not a leap year", date("2023-02-29"), "/innovations/0/applied_date", "2023-02-29"},
      {"before 1900", date("1899-12-31"), "/innovations/0/applied_date", "1899-12-31"},
      {"after 2100", date("2101-01-01"), "/innovations/0/applied_date", "2101-01-01"},
      {"slashes", date("2023/01/01"), "/innovations/0/applied_date", "YYYY-MM-DD"},
      {"short form", date("2023-1-5"), "/innovations/0/applied_date", "YYYY-MM-DD"},
      {"month 13", date("2023-13-01"), "/innovations/0/applied_date", "2023-13-01"},
      {"evidence date", with_item(R"({"kind":"regional_law","date":"2023-04-31"})"),
       "/innovations/0/answers/16/evidence/0/date", "2023-04-31"},
  };
  for (const auto& b : cases) expect_bad(b);
  // Real dates at the edges are accepted.
  EXPECT_NO_THROW(parse_submission(date("2024-02-29")));
  EXPECT_NO_THROW(parse_submission(date("1900-01-01")));
  EXPECT_NO_THROW(parse_submission(date("2100-12-31")));
}

TEST(InvalidSubmission, ValuesAndBases) {
  const Bad cases[] = {
      {"value on a level-only row (iid-2023 SPD)", with_gov("iid-2023", R"({"3":{"value":9.5}})"),
       "/government/3/value", "iid-2023"},
      {"value on a level-only row (iid-2024 SPD code row)", with_gov("iid-2024", R"({"8":{"value":"wtp"}})"),
       "/government/8/value", "iid-2024"},
      {"value on a level-only row (iid-2025 SPD)", with_gov("iid-2025", R"({"2a":{"value":3}})"),
       "/government/2a/value", "iid-2025"},
      {"value on level-only row 27 in iid-2023", with_answers("iid-2023", R"({"27":{"value":2}})"),
       "/innovations/0/answers/27/value", "iid-2023"},
      {"value on level-only row 16", with_answers("iid-2026", R"({"16":{"value":3}})"),
       "/innovations/0/answers/16/value", "iid-2026"},
      {"level and value disagree", with_gov("iid-2026", R"({"3":{"level":2,"value":9.5}})"), "/government/3/level",
       "gives level 3"},
      {"level and value disagree (count)", with_answers("iid-2024", R"({"17":{"level":3,"value":12}})"),
       "/innovations/0/answers/17/level", "gives level 2"},
      {"basis on a non-33 row", with_answers("iid-2024", R"({"17":{"basis":"people","value":12}})"),
       "/innovations/0/answers/17/basis", "basis"},
      {"unknown basis", with_answers("iid-2024", R"({"33":{"basis":"tourists","value":12}})"),
       "/innovations/0/answers/33/basis", "tourists"},
      {"2023 has only the people basis", with_answers("iid-2023", R"({"33":{"basis":"target_units","value":30}})"),
       "/innovations/0/answers/33/basis", "target_units"},
      {"acceptance above 1", with_answers("iid-2023", R"({"16":{"level":2,"acceptance":1.5}})"),
       "/innovations/0/answers/16/acceptance", "1.5"},
      {"acceptance below 0", with_answers("iid-2023", R"({"16":{"level":2,"acceptance":-0.1}})"),
       "/innovations/0/answers/16/acceptance", "-0.1"},
      {"1e400", with_answers("iid-2023", R"({"17":{"value":1e400}})"), "/innovations/0/answers/17/value",
       "out of range"},
  };
  for (const auto& b : cases) expect_bad(b);
}

TEST(InvalidSubmission, ValueAndLevelThatAgreeAreAccepted) {
  auto s = parse_submission(with_gov("iid-2026", R"({"3":{"level":3,"value":9.5},"8":{"level":2,"value":"WDP"}})"));
  auto ed = s.edition;
  const Answer& a3 = s.government[ed->row_index("3")];
  EXPECT_EQ(a3.level, 3);
  EXPECT_TRUE(a3.level_given);
  EXPECT_TRUE(a3.has_value);
  EXPECT_EQ(a3.value_text, "9.5");
  EXPECT_EQ(s.government[ed->row_index("8")].level, 2);
  auto t = parse_submission(with_answers("iid-2024", R"({"33":{"level":3,"basis":"target_units","value":50.01}})"));
  EXPECT_EQ(t.innovations[0].answers[t.edition->row_index("33")].level, 3);
}

TEST(InvalidSubmission, Evidence) {
  const Bad cases[] = {
      {"unknown evidence kind", with_item(R"({"kind":"sertifikat"})"), "/innovations/0/answers/16/evidence/0/kind",
       "sertifikat"},
      {"missing evidence kind", with_item(R"({"file":"a.pdf"})"), "/innovations/0/answers/16/evidence/0", "\"kind\""},
      {"bad verdict", with_item(R"({"kind":"regional_law","verdict":"approved"})"),
       "/innovations/0/answers/16/evidence/0/verdict", "approved"},
      {"supported_level 4", with_item(R"({"kind":"regional_law","verdict":"accepted","supported_level":4})"),
       "/innovations/0/answers/16/evidence/0/supported_level", "out of range"},
      {"signed as a string", with_item(R"({"kind":"regional_law","signed":"yes"})"),
       "/innovations/0/answers/16/evidence/0/signed", "boolean"},
      {"unknown evidence field", with_item(R"({"kind":"regional_law","page":3})"),
       "/innovations/0/answers/16/evidence/0/page", "unknown field"},
      {"evidence not an array", with_answers("iid-2023", R"({"16":{"level":2,"evidence":{}}})"),
       "/innovations/0/answers/16/evidence", "array"},
      {"negative duration", with_answers("iid-2023", R"({"35":{"level":2,"evidence":[{"kind":"video","duration_s":-1}]}})"),
       "/innovations/0/answers/35/evidence/0/duration_s", "negative"},
      {"evidence items beyond the limit",
       with_item(R"({"kind":"regional_law"},{"kind":"regional_law"},{"kind":"regional_law"})"),
       "/innovations/0/answers/16/evidence", "limit", ParseOptions{.limits = {.max_evidence_items = 2}}},
  };
  for (const auto& b : cases) expect_bad(b);
}

TEST(InvalidSubmission, DuplicateKeysInJson) {
  // Regression: below the top level the pointer used to lose its innermost token
  // ("/innovations/id", "/innovations/0/16", "/type").
  const Bad cases[] = {
      {"duplicate top-level key", "{\"edition\":\"iid-2023\",\"edition\":\"iid-2024\"," + kRegion + "}", "/edition",
       "duplicate key"},
      {"duplicate key in an innovation", with_innovation("iid-2023", R"("id":"a","status":"submitted","id":"b")"),
       "/innovations/0/id", "duplicate key"},
      {"duplicate answer key", with_answers("iid-2023", R"({"16":{"level":1},"16":{"level":2}})"),
       "/innovations/0/answers/16", "duplicate key"},
      {"duplicate key in the region",
       R"({"edition":"iid-2023","region":{"code":"64.03","type":"kota","type":"kabupaten"}})", "/region/type",
       "duplicate key"},
  };
  for (const auto& b : cases) expect_bad(b);
}

TEST(InvalidSubmission, TopLevelShape) {
  const Bad cases[] = {
      {"top-level array", "[" + with_gov("iid-2023", "{}") + "]", "/", "JSON Lines"},
      {"top-level string", "\"iid-2023\"", "/", "object"},
      {"too many innovations",
       "{\"edition\":\"iid-2023\"," + kRegion +
           R"(,"innovations":[{"id":"a","status":"submitted"},{"id":"b","status":"submitted"},)"
           R"({"id":"c","status":"submitted"},{"id":"d","status":"submitted"}]})",
       "/innovations", "limit", ParseOptions{.limits = {.max_innovations = 3}}},
  };
  for (const auto& b : cases) expect_bad(b);
  // Exactly at the limit is fine.
  ParseOptions three{.limits = {.max_innovations = 3}};
  EXPECT_NO_THROW(parse_submission("{\"edition\":\"iid-2023\"," + kRegion +
                                       R"(,"innovations":[{"id":"a","status":"submitted"},)"
                                       R"({"id":"b","status":"submitted"},{"id":"c","status":"submitted"}]})",
                                   three));
}

TEST(InvalidSubmission, SyntaxErrorsHaveNoPointer) {
  std::string deep = "{\"edition\":\"iid-2023\"," + kRegion + ",\"x-deep\":" + std::string(100, '[') +
                     std::string(100, ']') + "}";
  const std::string good = with_gov("iid-2023", "{}");
  struct Syn {
    const char* what;
    std::string json;
    std::string substring;
  } cases[] = {
      {"NaN", with_answers("iid-2023", R"({"17":{"value":NaN}})"), "NaN"},
      {"Infinity", with_answers("iid-2023", R"({"17":{"value":Infinity}})"), "Infinity"},
      {"truncated", good.substr(0, good.size() - 10), "ends early"},
      {"invalid UTF-8", "{\"edition\":\"iid-2023\",\"region\":{\"code\":\"64.03\",\"type\":\"kabupaten\",\"name\":\"Ber\xff\"}}",
       "UTF-8"},
      {"deep nesting", deep, "nesting"},
      {"empty input", "", "empty"},
      {"whitespace only", " \n\t ", "empty"},
      {"two values", good + good, "extra data"},
      {"single quotes", "{'edition':'iid-2023'}", "double quotes"},
      {"trailing comma", "{\"edition\":\"iid-2023\"," + kRegion + ",}", "syntax error"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto e = test::input_error([&] { parse_submission(c.json); });
    ASSERT_TRUE(e.has_value());
    EXPECT_TRUE(e->is_syntax_error()) << e->what();
    EXPECT_EQ(e->pointer(), "");
    EXPECT_TRUE(test::contains(e->message(), c.substring));
  }
}

TEST(InvalidSubmission, MaxDepthIsConfigurable) {
  // A plain submission with evidence nests 6 deep (object, innovations, innovation, answers,
  // answer, evidence, item); a limit of 4 refuses it.
  std::string j = with_item(R"({"kind":"regional_law"})");
  EXPECT_NO_THROW(parse_submission(j));
  auto e = test::input_error([&] { parse_submission(j, ParseOptions{.limits = {.max_depth = 4}}); });
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->is_syntax_error());
  EXPECT_TRUE(test::contains(e->message(), "nesting"));
}

TEST(InvalidSubmission, SyntaxErrorNamesFileLineAndColumn) {
  std::string j = "{\n  \"edition\": \"iid-2023\",\n  \"x-a\": NaN\n}";
  auto e = test::input_error([&] { parse_submission(j, ParseOptions{.source = "berau.json"}); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->line(), 3u);
  EXPECT_EQ(e->source(), "berau.json");
  EXPECT_EQ(std::string(e->what()).rfind("berau.json:3:", 0), 0u) << e->what();
}

// --- Accepted inputs and defaults -------------------------------------------------------------------

TEST(Submission, DefaultsAndNormalisation) {
  auto s = parse_submission(
      R"({"edition":"iid-2023","region":{"code":"64.03","type":"kabupaten"},)"
      R"("innovations":[{"id":"a","status":"draft","affairs":["  KESEHATAN ","Pendidikan"]},)"
      R"({"id":"b","status":"submitted"}]})");
  EXPECT_EQ(s.edition->name, "iid-2023");
  EXPECT_EQ(s.region.code, "64.03");
  EXPECT_EQ(s.region.province, "Kalimantan Timur");
  EXPECT_EQ(s.region.name, "");
  EXPECT_EQ(s.region.type, RegionType::kabupaten);
  EXPECT_TRUE(s.region.clusters.empty());
  ASSERT_EQ(s.government.size(), s.edition->rows.size());
  for (const auto& a : s.government) {
    EXPECT_FALSE(a.present);
    EXPECT_EQ(a.level, 0);
  }
  ASSERT_EQ(s.innovations.size(), 2u);
  const auto& a = s.innovations[0];
  EXPECT_EQ(a.id, "a");
  EXPECT_EQ(a.status, Status::draft);
  EXPECT_EQ(a.stage, Stage::unknown);
  EXPECT_EQ(a.form, Form::unknown);
  EXPECT_EQ(a.kind, Kind::unknown);
  EXPECT_EQ(a.department, "");
  EXPECT_EQ(a.applied_date, "");
  ASSERT_EQ(a.affairs.size(), 2u);
  EXPECT_EQ(a.affairs[0], "kesehatan");
  EXPECT_EQ(a.affairs[1], "pendidikan");
  EXPECT_EQ(a.source_index, 0u);
  ASSERT_EQ(a.answers.size(), s.edition->rows.size());  // missing answers score level 0
  EXPECT_EQ(a.answers.given(), 0u);                       // and take no storage
  for (std::size_t r = 0; r < a.answers.size(); ++r) {
    EXPECT_EQ(a.answers[r].level, 0);
    EXPECT_FALSE(a.answers[r].present);
  }
  EXPECT_EQ(s.innovations[1].status, Status::submitted);
  EXPECT_EQ(s.innovations[1].source_index, 1u);
}

TEST(Submission, EnumsAndExplicitFields) {
  auto s = parse_submission(
      R"({"edition":"iid-2026","region":{"code":"31.71","name":"Kota Jakarta Pusat","type":"kota",)"
      R"("province":"Jakarta","clusters":["perbatasan","tertinggal"]},)"
      R"("innovations":[{"id":"kes-001","name":"Posyandu digital","department":"Dinas Kesehatan",)"
      R"("stage":"applied","status":"rejected","form":"public_service","kind":"non_digital",)"
      R"("affairs":["sosial"],"applied_date":"2024-07-01"}]})");
  EXPECT_EQ(s.region.type, RegionType::kota);
  EXPECT_EQ(s.region.name, "Kota Jakarta Pusat");
  EXPECT_EQ(s.region.province, "Jakarta");  // given explicitly: not derived from the code
  EXPECT_EQ(s.region.clusters, (std::vector<std::string>{"perbatasan", "tertinggal"}));
  const auto& inv = s.innovations[0];
  EXPECT_EQ(inv.name, "Posyandu digital");
  EXPECT_EQ(inv.department, "Dinas Kesehatan");
  EXPECT_EQ(inv.stage, Stage::applied);
  EXPECT_EQ(inv.status, Status::rejected);
  EXPECT_EQ(inv.form, Form::public_service);
  EXPECT_EQ(inv.kind, Kind::non_digital);
  EXPECT_EQ(inv.applied_date, "2024-07-01");
}

TEST(Submission, ProvinceFromCode) {
  EXPECT_EQ(province_of_code("64.03"), "Kalimantan Timur");
  EXPECT_EQ(province_of_code("31.71"), "DKI Jakarta");
  EXPECT_EQ(province_of_code("11"), "Aceh");
  EXPECT_EQ(province_of_code("96.01"), "Papua Barat Daya");
  EXPECT_EQ(province_of_code("99.01"), "");
  EXPECT_EQ(province_of_code(""), "");
  EXPECT_EQ(normalise_affair("  Pekerjaan Umum DAN Penataan Ruang  "), "pekerjaan umum dan penataan ruang");
  EXPECT_EQ(normalise_affair("sosial"), "sosial");
}

TEST(Submission, XKeysAreAcceptedEverywhere) {
  auto s = parse_submission(
      R"({"x-tool":{"any":[1,2]},"edition":"iid-2023",)"
      R"("region":{"code":"64.03","type":"kabupaten","x-note":"ok"},)"
      R"("government":{"x-comment":"ignored","1":{"level":2,"x-why":"vision"}},)"
      R"("innovations":[{"id":"a","status":"submitted","x-owner":"bappeda",)"
      R"("answers":{"x-draft":true,"16":{"level":1,"evidence":[{"kind":"department_head_decree","x-page":4}]}}}]})");
  EXPECT_EQ(s.government[s.edition->row_index("1")].level, 2);
  EXPECT_EQ(s.innovations[0].answers[s.edition->row_index("16")].level, 1);
}

TEST(Submission, AnswerAndEvidenceFields) {
  auto s = parse_submission(with_answers(
      "iid-2023",
      R"({"16":{"level":2,"acceptance":0.8,"evidence":[)"
      R"({"kind":"regional_head_decree","file":"sk-12.PDF","date":"2023-03-01","signed":true,)"
      R"("names_innovation":false,"verdict":"accepted","supported_level":2,"group":3,"value":12.5},)"
      R"({"kind":"link","file":"https://example.org/video"},{"kind":"other","file":"notes.docx"}]},)"
      R"("33":{"value":150}})"));
  const auto& ed = *s.edition;
  const Answer& a = s.innovations[0].answers[ed.row_index("16")];
  EXPECT_TRUE(a.present);
  EXPECT_TRUE(a.level_given);
  EXPECT_FALSE(a.has_value);
  ASSERT_TRUE(a.acceptance.has_value());
  EXPECT_DOUBLE_EQ(*a.acceptance, 0.8);
  ASSERT_EQ(a.evidence.size(), 3u);
  const auto& it = a.evidence[0];
  EXPECT_EQ(it.kind, "regional_head_decree");
  EXPECT_EQ(it.file_type, "pdf");
  EXPECT_EQ(it.date, "2023-03-01");
  EXPECT_EQ(it.signed_, Tri::yes);
  EXPECT_EQ(it.names_innovation, Tri::no);
  EXPECT_EQ(it.highlighted, Tri::unknown);
  EXPECT_EQ(it.verdict, Verdict::accepted);
  EXPECT_EQ(it.supported_level, 2);
  EXPECT_EQ(it.group, "3");
  ASSERT_TRUE(it.value.has_value());
  EXPECT_EQ(it.value->to_string(), "12.5");
  EXPECT_EQ(a.evidence[1].file_type, "link");
  EXPECT_EQ(a.evidence[2].file_type, "other");
  // 33 without a basis means people: 150 beneficiaries → level 2 (101–200).
  const Answer& b = s.innovations[0].answers[ed.row_index("33")];
  EXPECT_EQ(b.basis, "people");
  EXPECT_EQ(b.level, 2);
  EXPECT_FALSE(b.level_given);
  EXPECT_TRUE(b.has_value);
  EXPECT_EQ(b.value_text, "150");
}

TEST(Submission, EditionFromOptions) {
  auto ed2024 = builtin_edition("iid-2024");
  // No "edition" in the record: the option supplies it.
  auto a = parse_submission("{" + kRegion + "}", ParseOptions{.edition = ed2024});
  EXPECT_EQ(a.edition->name, "iid-2024");
  // The record's edition wins unless the option overrides it.
  auto b = parse_submission(with_gov("iid-2023", "{}"), ParseOptions{.edition = ed2024});
  EXPECT_EQ(b.edition->name, "iid-2023");
  auto c = parse_submission(with_gov("iid-2023", "{}"), ParseOptions{.edition = ed2024, .override_edition = true});
  EXPECT_EQ(c.edition->name, "iid-2024");
}

// --- Raw value → level on every band edge (docs/model.md §2.1 / §2.2, written by hand) -------------

namespace {

struct Raw {
  const char* edition;
  const char* key;
  const char* basis;  // "" = none
  std::string value;  // JSON text
  int level;
};

int level_of_raw(const Raw& r) {
  auto ed = builtin_edition(r.edition);
  int idx = ed->row_index(r.key);
  EXPECT_GE(idx, 0) << r.key;
  if (idx < 0) return -1;
  std::string answer = "{";
  if (*r.basis) answer += "\"basis\":\"" + std::string(r.basis) + "\",";
  answer += "\"value\":" + r.value + "}";
  std::string body = "{\"" + std::string(r.key) + "\":" + answer + "}";
  bool gov = ed->rows[idx].aspect_index == 0;
  auto s = parse_submission(gov ? with_gov(r.edition, body) : with_answers(r.edition, body));
  const Answer& a = gov ? s.government[idx] : s.innovations[0].answers[idx];
  EXPECT_TRUE(a.has_value);
  EXPECT_FALSE(a.level_given);
  return a.level;
}

void check_raw(const std::vector<Raw>& table) {
  for (const auto& r : table) {
    std::string what = std::string(r.edition) + " row " + r.key + (*r.basis ? std::string(" basis ") + r.basis : "") +
                       " value " + r.value;
    SCOPED_TRACE(what);
    try {
      EXPECT_EQ(level_of_raw(r), r.level) << what;
    } catch (const InputError& e) {
      ADD_FAILURE() << what << ": unexpected InputError " << e.what();
    }
  }
}

// Rows whose bands are the same in every edition.
std::vector<Raw> common_rows(const char* ed) {
  return {
      // 17 staff: 1–10 / 11–30 / more than 30; 0 staff → 0
      {ed, "17", "", "1000", 3}, {ed, "17", "", "31", 3}, {ed, "17", "", "30", 2}, {ed, "17", "", "11", 2},
      {ed, "17", "", "10", 1}, {ed, "17", "", "1", 1}, {ed, "17", "", "0", 0},
      // 20 training events: 1 / 2 / more than 2 (2026: ≥ 3)
      {ed, "20", "", "4", 3}, {ed, "20", "", "3", 3}, {ed, "20", "", "2", 2}, {ed, "20", "", "1", 1},
      {ed, "20", "", "0", 0},
      // 22 actor types: 3 / 4 / 5 or more; fewer than 3 → 0
      {ed, "22", "", "6", 3}, {ed, "22", "", "5", 3}, {ed, "22", "", "4", 2}, {ed, "22", "", "3", 1},
      {ed, "22", "", "2", 0}, {ed, "22", "", "0", 0},
      // 28 days (lower is better): 6 or more / 2–5 / 1
      {ed, "28", "", "0", 3}, {ed, "28", "", "1", 3}, {ed, "28", "", "2", 2}, {ed, "28", "", "5", 2},
      {ed, "28", "", "6", 1}, {ed, "28", "", "30", 1},
      // 31 replications: 1 / 2 / 3; 0 → 0
      {ed, "31", "", "4", 3}, {ed, "31", "", "3", 3}, {ed, "31", "", "2", 2}, {ed, "31", "", "1", 1},
      {ed, "31", "", "0", 0},
      // 32 months (lower is better): 9 or more / 5–8 / 1–4
      {ed, "32", "", "1", 3}, {ed, "32", "", "4", 3}, {ed, "32", "", "5", 2}, {ed, "32", "", "8", 2},
      {ed, "32", "", "9", 1}, {ed, "32", "", "24", 1},
      // 35 video elements: 1–2 / 3–4 / all 5
      {ed, "35", "", "5", 3}, {ed, "35", "", "4", 2}, {ed, "35", "", "3", 2}, {ed, "35", "", "2", 1},
      {ed, "35", "", "1", 1}, {ed, "35", "", "0", 0},
      // 21 work plan: in T-1 or T-2 / in T-1 and T-2 / in T-0, T-1 and T-2
      {ed, "21", "", R"(["T-0","T-1","T-2"])", 3}, {ed, "21", "", R"(["T-2","T-0","T-1"])", 3},
      {ed, "21", "", R"(["T-1","T-2"])", 2}, {ed, "21", "", R"(["T-2","T-1"])", 2},
      {ed, "21", "", R"(["T-1"])", 1}, {ed, "21", "", R"(["T-2"])", 1}, {ed, "21", "", R"(["T-0","T-1"])", 1},
      {ed, "21", "", R"(["T-0","T-2"])", 1}, {ed, "21", "", R"(["T-0"])", 0}, {ed, "21", "", "[]", 0},
  };
}

// Indicator 33 bases of 2024 and 2025 (and, except people/revenue, 2026).
std::vector<Raw> bases_2024(const char* ed) {
  return {
      // people 1–100 / 101–200 / 201+
      {ed, "33", "people", "201", 3}, {ed, "33", "people", "200", 2}, {ed, "33", "people", "101", 2},
      {ed, "33", "people", "100", 1}, {ed, "33", "people", "1", 1}, {ed, "33", "people", "0", 0},
      {ed, "33", "", "201", 3}, {ed, "33", "", "200", 2},  // no basis = people
      // revenue increase % 0.01–49.99 / 50–99.99 / ≥ 100
      {ed, "33", "revenue_increase", "100", 3}, {ed, "33", "revenue_increase", "99.99", 2},
      {ed, "33", "revenue_increase", "50", 2}, {ed, "33", "revenue_increase", "49.99", 1},
      {ed, "33", "revenue_increase", "0.01", 1}, {ed, "33", "revenue_increase", "0", 0},
  };
}
std::vector<Raw> bases_common(const char* ed) {
  return {
      // target units % 5–20 / 20.01–50 / > 50 (exclusive)
      {ed, "33", "target_units", "100", 3}, {ed, "33", "target_units", "50.01", 3},
      {ed, "33", "target_units", "50", 2}, {ed, "33", "target_units", "20.01", 2},
      {ed, "33", "target_units", "20", 1}, {ed, "33", "target_units", "5", 1},
      {ed, "33", "target_units", "4.99", 0}, {ed, "33", "target_units", "0", 0},
      // spending saved % 0.01–10 / 10.01–20 / 20.01–30 (above 30 is still level 3)
      {ed, "33", "spending_saved", "35", 3}, {ed, "33", "spending_saved", "30", 3},
      {ed, "33", "spending_saved", "20.01", 3}, {ed, "33", "spending_saved", "20", 2},
      {ed, "33", "spending_saved", "10.01", 2}, {ed, "33", "spending_saved", "10", 1},
      {ed, "33", "spending_saved", "0.01", 1}, {ed, "33", "spending_saved", "0", 0},
      {ed, "33", "spending_saved", "-5", 0},
      // products 1–100 / 101–200 / > 200
      {ed, "33", "products", "201", 3}, {ed, "33", "products", "200", 2}, {ed, "33", "products", "101", 2},
      {ed, "33", "products", "100", 1}, {ed, "33", "products", "1", 1}, {ed, "33", "products", "0", 0},
  };
}

// 2023–2025: 18 budget: T-0 only / in T-1 or T-2 / in T-0, T-1 and T-2.
std::vector<Raw> row18_2023(const char* ed) {
  return {
      {ed, "18", "", R"(["T-0","T-1","T-2"])", 3}, {ed, "18", "", R"(["T-1","T-2"])", 2},
      {ed, "18", "", R"(["T-0","T-1"])", 2},       {ed, "18", "", R"(["T-0","T-2"])", 2},
      {ed, "18", "", R"(["T-1"])", 2},             {ed, "18", "", R"(["T-2"])", 2},
      {ed, "18", "", R"(["T-0"])", 1},             {ed, "18", "", "[]", 0},
  };
}

// 2023–2025: 24 departments 1–2 / 3–4 / 5 or more.
std::vector<Raw> row24_2023(const char* ed) {
  return {{ed, "24", "", "6", 3}, {ed, "24", "", "5", 3}, {ed, "24", "", "4", 2}, {ed, "24", "", "3", 2},
          {ed, "24", "", "2", 1}, {ed, "24", "", "1", 1}, {ed, "24", "", "0", 0}};
}

// 2024+: 27 channels 1 / 2 / 3 or more.
std::vector<Raw> row27_2024(const char* ed) {
  return {{ed, "27", "", "4", 3}, {ed, "27", "", "3", 3}, {ed, "27", "", "2", 2}, {ed, "27", "", "1", 1},
          {ed, "27", "", "0", 0}};
}

// 2024 (and 2025 [U]): 29 complaints resolved % ≤ 50 / 51–86 / ≥ 86.
std::vector<Raw> row29_2024(const char* ed) {
  return {{ed, "29", "", "100", 3}, {ed, "29", "", "86", 3},   {ed, "29", "", "85.99", 2},
          {ed, "29", "", "51", 2},  {ed, "29", "", "50.99", 1}, {ed, "29", "", "50", 1},
          {ed, "29", "", "0", 1}};
}

template <class... V>
std::vector<Raw> join(V... parts) {
  std::vector<Raw> out;
  (out.insert(out.end(), parts.begin(), parts.end()), ...);
  return out;
}

}  // namespace

TEST(RawValue, Iid2023InnovationRows) {
  const char* ed = "iid-2023";
  check_raw(join(common_rows(ed), row18_2023(ed), row24_2023(ed),
                 std::vector<Raw>{
                     // 29 complaints resolved % (2023): ≤ 40 or none / 40.01–70.99 / ≥ 71
                     {ed, "29", "", "100", 3}, {ed, "29", "", "71", 3}, {ed, "29", "", "70.99", 2},
                     {ed, "29", "", "40.01", 2}, {ed, "29", "", "40", 1}, {ed, "29", "", "0", 1},
                     // 33 beneficiaries only (2023): 1–100 / 101–200 / 201+
                     {ed, "33", "", "201", 3}, {ed, "33", "", "200", 2}, {ed, "33", "", "101", 2},
                     {ed, "33", "", "100", 1}, {ed, "33", "", "1", 1}, {ed, "33", "", "0", 0},
                     {ed, "33", "people", "201", 3}, {ed, "33", "people", "100", 1},
                     // years as calendar years: T-0 = 2023
                     {ed, "21", "", "[2021,2022,2023]", 3}, {ed, "21", "", "[2021,2022]", 2},
                     {ed, "21", "", "[2023]", 0}, {ed, "18", "", "[2021,2022,2023]", 3},
                     {ed, "18", "", "[2023]", 1}, {ed, "18", "", "[2022]", 2},
                     // exponent forms are exact too
                     {ed, "17", "", "3.1e1", 3}, {ed, "17", "", "1E1", 1}, {ed, "29", "", "7.1e1", 3},
                     {ed, "29", "", "7099e-2", 2},
                 }));
}

TEST(RawValue, Iid2024InnovationRows) {
  const char* ed = "iid-2024";
  check_raw(join(common_rows(ed), row18_2023(ed), row24_2023(ed), row27_2024(ed), row29_2024(ed), bases_2024(ed),
                 bases_common(ed),
                 std::vector<Raw>{
                     {ed, "21", "", "[2022,2023,2024]", 3}, {ed, "21", "", "[2022,2023]", 2},
                     {ed, "18", "", "[2024]", 1}, {ed, "18", "", "[2022,2023]", 2},
                 }));
}

TEST(RawValue, Iid2025InnovationRows) {
  const char* ed = "iid-2025";
  check_raw(join(common_rows(ed), row18_2023(ed), row24_2023(ed), row27_2024(ed), row29_2024(ed), bases_2024(ed),
                 bases_common(ed),
                 std::vector<Raw>{
                     {ed, "21", "", "[2023,2024,2025]", 3}, {ed, "21", "", "[2024]", 1},
                 }));
}

TEST(RawValue, Iid2026InnovationRows) {
  const char* ed = "iid-2026";
  check_raw(join(common_rows(ed), row27_2024(ed), bases_common(ed),
                 std::vector<Raw>{
                     // 18 budget (2026): one year / two consecutive years / all three
                     {ed, "18", "", R"(["T-0","T-1","T-2"])", 3}, {ed, "18", "", R"(["T-0","T-1"])", 2},
                     {ed, "18", "", R"(["T-1","T-2"])", 2}, {ed, "18", "", R"(["T-0","T-2"])", 1},
                     {ed, "18", "", R"(["T-1"])", 1}, {ed, "18", "", R"(["T-0"])", 1}, {ed, "18", "", "[]", 0},
                     {ed, "18", "", "[2024,2025]", 2}, {ed, "18", "", "[2024,2026]", 1},
                     {ed, "18", "", "[2024,2025,2026]", 3},
                     {ed, "21", "", "[2024,2025,2026]", 3}, {ed, "21", "", "[2024,2025]", 2},
                     // 24 departments (2026): 2 / 3–4 / 5 or more; 1 → 0
                     {ed, "24", "", "6", 3}, {ed, "24", "", "5", 3}, {ed, "24", "", "4", 2}, {ed, "24", "", "3", 2},
                     {ed, "24", "", "2", 1}, {ed, "24", "", "1", 0}, {ed, "24", "", "0", 0},
                     // 29 (2026): ≤ 50 / 51–90 / ≥ 91
                     {ed, "29", "", "100", 3}, {ed, "29", "", "91", 3}, {ed, "29", "", "90.99", 2},
                     {ed, "29", "", "90", 2}, {ed, "29", "", "51", 2}, {ed, "29", "", "50.99", 1},
                     {ed, "29", "", "50", 1},
                     // 33 people (2026): 1–200 / 201–500 / 501+
                     {ed, "33", "people", "501", 3}, {ed, "33", "people", "500", 2}, {ed, "33", "people", "201", 2},
                     {ed, "33", "people", "200", 1}, {ed, "33", "people", "1", 1}, {ed, "33", "people", "0", 0},
                     {ed, "33", "", "501", 3}, {ed, "33", "", "500", 2},
                     // revenue increase % (2026): 0.01–9.99 / 10–19.99 / ≥ 20
                     {ed, "33", "revenue_increase", "20", 3}, {ed, "33", "revenue_increase", "19.99", 2},
                     {ed, "33", "revenue_increase", "10", 2}, {ed, "33", "revenue_increase", "9.99", 1},
                     {ed, "33", "revenue_increase", "0.01", 1}, {ed, "33", "revenue_increase", "0", 0},
                     // positive trend over 1 / 2 / 3 periods
                     {ed, "33", "positive_trend", "3", 3}, {ed, "33", "positive_trend", "2", 2},
                     {ed, "33", "positive_trend", "1", 1}, {ed, "33", "positive_trend", "0", 0},
                 }));
}

TEST(RawValue, Iid2026GovernmentRows) {
  const char* ed = "iid-2026";
  check_raw({
      // 2a budget on time, years: 1 / 2 / 3
      {ed, "2a", "", "4", 3}, {ed, "2a", "", "3", 3}, {ed, "2a", "", "2", 2}, {ed, "2a", "", "1", 1},
      {ed, "2a", "", "0", 0},
      // 2b mandatory-spending components: 2 / 3 / more than 3
      {ed, "2b", "", "5", 3}, {ed, "2b", "", "4", 3}, {ed, "2b", "", "3", 2}, {ed, "2b", "", "2", 1},
      {ed, "2b", "", "1", 0}, {ed, "2b", "", "0", 0},
      // 3 permits %: ≤ −50.32 / −50.33 … 8.16 / ≥ 8.17
      {ed, "3", "", "100", 3}, {ed, "3", "", "8.17", 3}, {ed, "3", "", "8.170", 3}, {ed, "3", "", "8.16", 2},
      {ed, "3", "", "8.1699999999999999", 2}, {ed, "3", "", "0", 2}, {ed, "3", "", "-50.32", 2},
      {ed, "3", "", "-50.33", 2}, {ed, "3", "", "-50.34", 1}, {ed, "3", "", "-100", 1},
      {ed, "3", "", "817e-2", 3}, {ed, "3", "", "-5033e-2", 2}, {ed, "3", "", "-5.034E1", 1},
      // 4 income per capita %: ≤ 2.04 / 2.05 … 5.23 / ≥ 5.23
      {ed, "4", "", "5.23", 3}, {ed, "4", "", "5.22", 2}, {ed, "4", "", "2.05", 2}, {ed, "4", "", "2.04", 1},
      {ed, "4", "", "-3", 1},
      // 5a drop in unemployment: ≤ 0.00 / 0.01 … 0.36 / ≥ 0.36
      {ed, "5a", "", "0.36", 3}, {ed, "5a", "", "0.35", 2}, {ed, "5a", "", "0.01", 2}, {ed, "5a", "", "0.00", 1},
      {ed, "5a", "", "-1", 1},
      // 5b unemployment rate (lower is better): ≥ 5.91 / 2.34 … 5.92 / ≤ 2.35
      {ed, "5b", "", "0", 3}, {ed, "5b", "", "2.34", 3}, {ed, "5b", "", "2.35", 3}, {ed, "5b", "", "2.36", 2},
      {ed, "5b", "", "5.91", 2}, {ed, "5b", "", "5.92", 2}, {ed, "5b", "", "5.93", 1}, {ed, "5b", "", "12", 1},
      // 6 investment %: ≤ −47.42 / −47.43 … 94.75 / ≥ 94.76
      {ed, "6", "", "94.76", 3}, {ed, "6", "", "94.75", 2}, {ed, "6", "", "-47.42", 2}, {ed, "6", "", "-47.43", 2},
      {ed, "6", "", "-47.44", 1},
      // 7 own-source revenue %: ≤ −5.14 / −5.15 … 33.84 / ≥ 33.85
      {ed, "7", "", "33.85", 3}, {ed, "7", "", "33.84", 2}, {ed, "7", "", "-5.14", 2}, {ed, "7", "", "-5.15", 2},
      {ed, "7", "", "-5.16", 1},
      // 8 audit opinion codes, case-insensitive
      {ed, "8", "", "\"wtp\"", 3}, {ed, "8", "", "\"WTP\"", 3}, {ed, "8", "", "\"Wdp\"", 2}, {ed, "8", "", "\"wdp\"", 2},
      {ed, "8", "", "\"tw\"", 1}, {ed, "8", "", "\"TW\"", 1}, {ed, "8", "", "\"tmp\"", 1}, {ed, "8", "", "\"TMP\"", 1},
      // 9 LAKIP grade codes, case-insensitive
      {ed, "9", "", "\"AA\"", 3}, {ed, "9", "", "\"aa\"", 3}, {ed, "9", "", "\"A\"", 3}, {ed, "9", "", "\"a\"", 3},
      {ed, "9", "", "\"BB\"", 2}, {ed, "9", "", "\"B\"", 2}, {ed, "9", "", "\"b\"", 2}, {ed, "9", "", "\"CC\"", 1},
      {ed, "9", "", "\"C\"", 1}, {ed, "9", "", "\"c\"", 1}, {ed, "9", "", "\"D\"", 1}, {ed, "9", "", "\"d\"", 1},
      // 10a drop in poverty: ≤ 0.07 / 0.08 … 1.15 / ≥ 1.16
      {ed, "10a", "", "1.16", 3}, {ed, "10a", "", "1.15", 2}, {ed, "10a", "", "0.08", 2}, {ed, "10a", "", "0.07", 1},
      // 10b poverty rate (lower is better): ≥ 13.10 / 4.81 … 13.11 / ≤ 4.82
      {ed, "10b", "", "4.81", 3}, {ed, "10b", "", "4.82", 3}, {ed, "10b", "", "4.83", 2}, {ed, "10b", "", "13.10", 2},
      {ed, "10b", "", "13.11", 2}, {ed, "10b", "", "13.12", 1},
      // 11a rise of HDI: ≤ 0.55 / 0.56 … 0.90 / ≥ 0.90
      {ed, "11a", "", "0.90", 3}, {ed, "11a", "", "0.9", 3}, {ed, "11a", "", "0.89", 2}, {ed, "11a", "", "0.56", 2},
      {ed, "11a", "", "0.55", 1},
      // 11b HDI: ≤ 69.99 / 70.00 … 79.99 / ≥ 80.00
      {ed, "11b", "", "80", 3}, {ed, "11b", "", "80.00", 3}, {ed, "11b", "", "79.99", 2}, {ed, "11b", "", "70", 2},
      {ed, "11b", "", "69.99", 1},
      // 13a policy recommendations: 1–3 / 4–7 / more than 7
      {ed, "13a", "", "8", 3}, {ed, "13a", "", "7", 2}, {ed, "13a", "", "4", 2}, {ed, "13a", "", "3", 1},
      {ed, "13a", "", "1", 1}, {ed, "13a", "", "0", 0},
  });
}

TEST(RawValue, BadRawValues) {
  const Bad cases[] = {
      {"count 2.5 (2a)", with_gov("iid-2026", R"({"2a":{"value":2.5}})"), "/government/2a/value", "2.5"},
      {"count -1 (2a)", with_gov("iid-2026", R"({"2a":{"value":-1}})"), "/government/2a/value", "-1"},
      {"count 1.5 (13a)", with_gov("iid-2026", R"({"13a":{"value":1.5}})"), "/government/13a/value", "1.5"},
      {"count 2.5 (17)", with_answers("iid-2023", R"({"17":{"value":2.5}})"), "/innovations/0/answers/17/value", "2.5"},
      {"count -1 (17)", with_answers("iid-2026", R"({"17":{"value":-1}})"), "/innovations/0/answers/17/value", "-1"},
      {"count 2.5 (20)", with_answers("iid-2024", R"({"20":{"value":2.5}})"), "/innovations/0/answers/20/value", "2.5"},
      {"count -1 (28)", with_answers("iid-2024", R"({"28":{"value":-1}})"), "/innovations/0/answers/28/value", "-1"},
      {"count 1.5 (35)", with_answers("iid-2025", R"({"35":{"value":1.5}})"), "/innovations/0/answers/35/value", "1.5"},
      {"people 2.5", with_answers("iid-2023", R"({"33":{"value":2.5}})"), "/innovations/0/answers/33/value", "2.5"},
      {"products -1", with_answers("iid-2024", R"({"33":{"basis":"products","value":-1}})"),
       "/innovations/0/answers/33/value", "-1"},
      {"positive trend 1.5", with_answers("iid-2026", R"({"33":{"basis":"positive_trend","value":1.5}})"),
       "/innovations/0/answers/33/value", "1.5"},
      {"count as a string", with_answers("iid-2023", R"({"17":{"value":"12"}})"), "/innovations/0/answers/17/value",
       "expected a number"},
      {"decimal as a string", with_gov("iid-2026", R"({"3":{"value":"8.17"}})"), "/government/3/value",
       "expected a number"},
      {"unknown code", with_gov("iid-2026", R"({"8":{"value":"xyz"}})"), "/government/8/value", "xyz"},
      {"unknown grade", with_gov("iid-2026", R"({"9":{"value":"E"}})"), "/government/9/value", "\"E\""},
      {"code as a number", with_gov("iid-2026", R"({"8":{"value":3}})"), "/government/8/value", "expected a string"},
      {"years not an array", with_answers("iid-2023", R"({"21":{"value":"T-1"}})"), "/innovations/0/answers/21/value",
       "array"},
      {"year outside the window", with_answers("iid-2023", R"({"21":{"value":["T-3"]}})"),
       "/innovations/0/answers/21/value/0", "T-3"},
      {"calendar year after T-0", with_answers("iid-2023", R"({"21":{"value":[2024]}})"),
       "/innovations/0/answers/21/value/0", "2024"},
      {"calendar year before the window", with_answers("iid-2023", R"({"21":{"value":[2020]}})"),
       "/innovations/0/answers/21/value/0", "window"},
      {"year given twice", with_answers("iid-2023", R"({"18":{"value":["T-1","T-1"]}})"),
       "/innovations/0/answers/18/value/1", "twice"},
      {"malformed year", with_answers("iid-2023", R"({"18":{"value":["last year"]}})"),
       "/innovations/0/answers/18/value/0", "last year"},
      // The one "T-k" reader: "T-" and one or two digits, nothing else.
      {"relative year without digits", with_answers("iid-2023", R"({"18":{"value":["T-"]}})"),
       "/innovations/0/answers/18/value/0", "\"T-\" is not a year"},
      {"relative year with a sign", with_answers("iid-2023", R"({"18":{"value":["T-+1"]}})"),
       "/innovations/0/answers/18/value/0", "\"T-+1\" is not a year"},
      {"relative year with three digits", with_answers("iid-2023", R"({"18":{"value":["T-100"]}})"),
       "/innovations/0/answers/18/value/0", "\"T-100\" is not a year"},
      {"relative year in lower case", with_answers("iid-2023", R"({"18":{"value":["t-1"]}})"),
       "/innovations/0/answers/18/value/0", "\"t-1\" is not a year"},
      {"relative year with a space", with_answers("iid-2023", R"({"18":{"value":[" T-1"]}})"),
       "/innovations/0/answers/18/value/0", "is not a year"},
      {"two-digit relative year outside the window", with_answers("iid-2023", R"({"18":{"value":["T-12"]}})"),
       "/innovations/0/answers/18/value/0", "T-12 is outside the window T-2"},
  };
  for (const auto& b : cases) expect_bad(b);
}

// --- Multi-record input -----------------------------------------------------------------------------

namespace {
std::vector<RecordResult> read_all(const std::string& text, const std::string& source = {}) {
  ParseOptions o;
  o.source = source;
  RecordReader rr(text, o);
  std::vector<RecordResult> out;
  RecordResult r;
  while (rr.next(r)) out.push_back(std::move(r));
  return out;
}
}  // namespace

TEST(RecordReader, JsonLinesWithASemanticErrorOnLine2) {
  std::string text = with_gov("iid-2023", R"({"1":{"level":2}})") + "\n" +
                     with_answers("iid-2023", R"({"21":{"level":5}})") + "\n" +
                     with_gov("iid-2024", R"({"1":{"level":3}})") + "\n";
  auto recs = read_all(text, "regions.jsonl");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].index, 0u);
  EXPECT_EQ(recs[0].line, 1u);
  ASSERT_TRUE(recs[0].submission.has_value());
  EXPECT_FALSE(recs[0].error.has_value());
  EXPECT_EQ(recs[0].submission->edition->name, "iid-2023");

  EXPECT_EQ(recs[1].index, 1u);
  EXPECT_EQ(recs[1].line, 2u);
  EXPECT_FALSE(recs[1].submission.has_value());
  ASSERT_TRUE(recs[1].error.has_value());
  EXPECT_EQ(recs[1].error->line(), 2u);
  EXPECT_EQ(recs[1].error->pointer(), "/innovations/0/answers/21/level");
  EXPECT_EQ(recs[1].error->source(), "regions.jsonl");
  EXPECT_EQ(std::string(recs[1].error->what()).rfind("regions.jsonl:2:", 0), 0u) << recs[1].error->what();

  EXPECT_EQ(recs[2].line, 3u);
  ASSERT_TRUE(recs[2].submission.has_value());
  EXPECT_EQ(recs[2].submission->edition->name, "iid-2024");
  EXPECT_EQ(recs[2].submission->government[0].level, 3);
}

TEST(RecordReader, SyntaxErrorOnLine2StillLetsLine3Parse) {
  // Line 2 breaks inside the line (NaN), then is cut short (the parser only notices at the
  // '{' that starts line 3); either way line 3 is read as its own record.
  // A third variant swallows line 3 as a value and fails only at the end of the input.
  for (const std::string bad : {std::string(R"({"edition":"iid-2023","region":NaN})"),
                                std::string(R"({"edition":"iid-2023","region":{"code":"64.03",)"),
                                std::string(R"({"edition":"iid-2023","x-a":)")}) {
    SCOPED_TRACE(bad);
    std::string text = with_gov("iid-2023", "{}") + "\n" + bad + "\n" + with_gov("iid-2025", "{}") + "\n";
    auto recs = read_all(text, "regions.jsonl");
    ASSERT_EQ(recs.size(), 3u);
    EXPECT_TRUE(recs[0].submission.has_value());
    EXPECT_EQ(recs[1].index, 1u);
    EXPECT_EQ(recs[1].line, 2u);  // where the bad record starts
    ASSERT_TRUE(recs[1].error.has_value());
    EXPECT_TRUE(recs[1].error->is_syntax_error());
    EXPECT_EQ(recs[1].error->source(), "regions.jsonl");
    EXPECT_FALSE(recs[1].submission.has_value());
    ASSERT_TRUE(recs[2].submission.has_value());
    EXPECT_EQ(recs[2].index, 2u);
    EXPECT_EQ(recs[2].line, 3u);
    EXPECT_EQ(recs[2].submission->edition->name, "iid-2025");
  }
  // An error inside line 2 is reported on line 2, at the column of the offending character.
  std::string text = with_gov("iid-2023", "{}") + "\n" + R"({"edition":"iid-2023","region":NaN})" + "\n";
  auto recs = read_all(text);
  ASSERT_EQ(recs.size(), 2u);
  ASSERT_TRUE(recs[1].error.has_value());
  EXPECT_EQ(recs[1].error->line(), 2u);
  EXPECT_EQ(recs[1].error->column(), 32u);
  EXPECT_TRUE(test::contains(recs[1].error->message(), "NaN"));
}

TEST(RecordReader, PrettyPrintedObjectsAndBlankLines) {
  std::string text = "\n{\n  \"edition\": \"iid-2023\",\n  \"region\": {\"code\": \"64.03\", \"type\": \"kota\"}\n}\n\n" +
                     with_gov("iid-2026", "{}") + "\n";
  auto recs = read_all(text);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].line, 2u);
  ASSERT_TRUE(recs[0].submission.has_value());
  EXPECT_EQ(recs[0].submission->region.type, RegionType::kota);
  EXPECT_EQ(recs[1].line, 7u);
  ASSERT_TRUE(recs[1].submission.has_value());
  EXPECT_EQ(recs[1].submission->edition->name, "iid-2026");
}

TEST(RecordReader, EmptyInputHasNoRecordsAndAnArrayGetsTheHint) {
  EXPECT_TRUE(read_all("").empty());
  EXPECT_TRUE(read_all("  \n\n ").empty());
  auto recs = read_all("[" + with_gov("iid-2023", "{}") + "]\n");
  ASSERT_EQ(recs.size(), 1u);
  ASSERT_TRUE(recs[0].error.has_value());
  EXPECT_EQ(recs[0].error->pointer(), "/");
  EXPECT_TRUE(test::contains(recs[0].error->message(), "JSON Lines"));
}

TEST(SmallReadings, NumericIdsCoverTheWholeRangeAndLevelsMustBeExactlyWhole) {
  auto s = parse_submission(with_innovation("iid-2023", R"("id":9223372036854775807,"status":"submitted")"));
  EXPECT_EQ(s.innovations[0].id, "9223372036854775807");
  auto g = parse_submission(with_innovation("iid-2023", R"("id":"a","status":"submitted","answers":{"16":{"level":2,"evidence":[{"kind":"regional_law","group":9223372036854775807}]}})"));
  EXPECT_EQ(g.innovations[0].answers[g.edition->row_index("16")].evidence[0].group, "9223372036854775807");
  expect_bad({"one above the id range", with_innovation("iid-2023", R"("id":9223372036854775808,"status":"submitted")"),
              "/innovations/0/id", "9223372036854775808 is out of range 0..9223372036854775807"});
  // Whole numbers however written are levels; anything not exactly whole is not.
  for (const char* lv : {"0.1e1", "1.000", "100e-2", "10e-1"}) {
    auto t = parse_submission(with_gov("iid-2023", std::string(R"({"1":{"level":)") + lv + "}}"));
    EXPECT_EQ(t.government[t.edition->row_index("1")].level, 1) << lv;
  }
  for (const char* lv : {"1e-401", "0.5", "1.0000000000000000000001", "-1e-401"})
    expect_bad({lv, with_gov("iid-2023", std::string(R"({"1":{"level":)") + lv + "}}"), "/government/1/level",
                "is not a whole level"});
  expect_bad({"1e400", with_gov("iid-2023", R"({"1":{"level":1e400}})"), "/government/1/level", "out of range"});
}

TEST(Messages, ControlCharactersAreEscapedInWhatButExactInTheAccessors) {
  // A NUL in a key: what() keeps the rule after it, the pointer stays the exact key.
  auto e = test::input_error([] {
    parse_submission(std::string(R"({"edition":"iid-2023",)") + kRegion + ",\"gov\\u0000x\":{}}");
  });
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->pointer(), std::string("/gov\0x", 6));
  const std::string what = e->what();
  EXPECT_NE(what.find("/gov\\u0000x: unknown field"), std::string::npos) << what;
  EXPECT_NE(what.find("(expected one of:"), std::string::npos) << what;
  EXPECT_EQ(what.find('\0'), std::string::npos);
  // A newline and an ESC sequence in a value cannot forge a line or reach a terminal raw.
  auto v = test::input_error([] {
    parse_submission(R"({"edition":"iid-2023","region":{"code":"1","type":"kota\n\u001b[2J\u0085\u2028\u202e"}})");
  });
  ASSERT_TRUE(v.has_value());
  const std::string w = v->what();
  EXPECT_EQ(w.find('\n'), std::string::npos) << w;
  EXPECT_EQ(w.find('\x1b'), std::string::npos) << w;
  EXPECT_NE(w.find("kota\\u000a\\u001b[2J\\u0085\\u2028\\u202e"), std::string::npos) << w;
  EXPECT_NE(w.find("is not one of: province, kabupaten, kota"), std::string::npos) << w;
  EXPECT_NE(v->message().find("kota\n\x1b[2J"), std::string::npos);  // the message itself is exact
  // Bytes that are not UTF-8 (a file name) are shown as \xNN, so what() is always UTF-8.
  InputError f("/a", "bad", std::string("in\xff\xc3(.json"), 2, 3);
  EXPECT_EQ(std::string(f.what()), "in\\xff\\xc3(.json:2:3: /a: bad");
  EXPECT_EQ(f.source(), std::string("in\xff\xc3(.json"));
  // A 100,000-byte value appears cut, with its size.
  auto l = test::input_error([] {
    parse_submission(R"({"edition":"iid-2023","region":{"code":"1","type":")" + std::string(100000, 'k') + "\"}}");
  });
  ASSERT_TRUE(l.has_value());
  EXPECT_LT(std::string(l->what()).size(), 400u);
  EXPECT_TRUE(test::contains(l->message(), "(100000 bytes)"));
}
