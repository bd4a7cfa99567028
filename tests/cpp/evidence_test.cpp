#include "inovasi/evidence.hpp"

#include <gtest/gtest.h>

#include "inovasi/score.hpp"
#include "test_util.hpp"

using namespace inovasi;

namespace {

// One innovation whose answers are `answers` (raw JSON object); `extra` adds innovation fields.
std::string one_innovation(const std::string& edition, const std::string& answers, const std::string& extra = "",
                           const std::string& government = "{}") {
  return R"({"edition":")" + edition + R"(","region":{"code":"35.10","type":"kabupaten"},"government":)" +
         government + R"(,"innovations":[{"id":"a","status":"submitted")" + extra + R"(,"answers":)" + answers +
         "}]}";
}

// The check of row `key` of the single innovation.
AnswerCheck check(const std::string& edition, const std::string& key, const std::string& answer,
                  const std::string& extra = "") {
  Submission sub = parse_submission(one_innovation(edition, "{\"" + key + "\":" + answer + "}", extra));
  int idx = sub.edition->row_index(key);
  EXPECT_GE(idx, 0) << key;
  return check_answer(sub, 0, idx);
}

// The finding with this rule (and item, when >= 0), or nullptr.
const Finding* find(const AnswerCheck& c, const std::string& rule, int item = -2) {
  for (const auto& f : c.findings)
    if (f.rule == rule && (item == -2 || f.evidence_index == item)) return &f;
  return nullptr;
}

std::string dump(const AnswerCheck& c) {
  std::string s = "supported " + std::to_string(c.supported) + "\n";
  for (const auto& f : c.findings)
    s += f.pointer + " [" + f.rule + " " + to_string(f.severity) + "] " + f.message + "\n";
  return s;
}

// Edition text with `from` (the first occurrence after `anchor`) replaced, parsed.
std::optional<InputError> edition_error(const std::string& name, const std::string& anchor, const std::string& from,
                                        const std::string& to) {
  std::string t = test::replace_after(test::source_file("editions/" + name + ".json"), anchor, from, to);
  return test::input_error([&] { parse_edition(t, name); });
}

}  // namespace

// --- The rules in the shipped editions -------------------------------------------------------

TEST(EvidenceRules, EveryShippedEditionChecksEveryInnovationRowAndNoGovernmentRow) {
  for (const auto& name : test::shipped_editions()) {
    SCOPED_TRACE(name);
    auto ed = builtin_edition(name);
    for (int i : ed->innovation_rows) EXPECT_TRUE(ed->rows[i].evidence.has_value()) << ed->rows[i].key;
    for (int i : ed->government_rows) EXPECT_FALSE(ed->rows[i].evidence.has_value()) << ed->rows[i].key;
    EXPECT_EQ(ed->revision_counts_as, RevisionAs::rejected);
    for (int i : ed->innovation_rows) {
      const auto& ev = *ed->rows[i].evidence;
      EXPECT_FALSE(ev.provenance.note.empty());
      for (const auto& k : ev.kinds)
        EXPECT_NE(std::find(ed->evidence_kinds.begin(), ed->evidence_kinds.end(), k), ed->evidence_kinds.end()) << k;
    }
  }
}

TEST(EvidenceRules, DerivationsFollowTheSpec) {
  auto d = [](const std::string& ed, const std::string& key) {
    auto e = builtin_edition(ed);
    return e->rows[e->row_index(key)].evidence->derivation;
  };
  for (const auto& ed : test::shipped_editions()) {
    SCOPED_TRACE(ed);
    for (auto k : {"16", "19", "23", "25", "26", "30", "34"}) EXPECT_EQ(d(ed, k), Derivation::by_kind) << k;
    for (auto k : {"20", "22", "24", "31"}) EXPECT_EQ(d(ed, k), Derivation::by_groups) << k;
    for (auto k : {"18", "21"}) EXPECT_EQ(d(ed, k), Derivation::by_years) << k;
    for (auto k : {"17", "28", "29", "32", "33", "35"}) EXPECT_EQ(d(ed, k), Derivation::by_value) << k;
  }
  // 27 counts channels from 2024; in 2023 its levels are channel types (level input).
  EXPECT_EQ(d("iid-2023", "27"), Derivation::by_kind);
  for (auto ed : {"iid-2024", "iid-2025", "iid-2026"}) EXPECT_EQ(d(ed, "27"), Derivation::by_groups);
  // 16: a PD-head decree supports 1 in 2023–24; in 2026 a regulation supports 2, a law 3.
  auto e23 = builtin_edition("iid-2023"), e26 = builtin_edition("iid-2026");
  const auto& k23 = e23->rows[e23->row_index("16")].evidence->kind_level;
  const auto& k26 = e26->rows[e26->row_index("16")].evidence->kind_level;
  EXPECT_EQ(k23.at("department_head_decree"), 1);
  EXPECT_EQ(k23.at("regional_law"), 3);
  EXPECT_EQ(k26.at("regional_head_regulation"), 2);
  EXPECT_EQ(k26.at("department_head_decree"), 1);
  EXPECT_EQ(e23->rows[e23->row_index("19")].evidence->kind_level.at("photo"), EvidenceRules::kClaim);
}

TEST(EvidenceRules, MalformedRulesAreLocatedErrors) {
  auto e23 = builtin_edition("iid-2023");
  const std::string r16 = "/rows/" + std::to_string(e23->row_index("16")) + "/evidence";
  const std::string r17 = "/rows/" + std::to_string(e23->row_index("17")) + "/evidence";
  const std::string a16 = "\"key\": \"16\"", a17 = "\"key\": \"17\"";
  struct Case {
    std::string anchor, from, to, pointer, needle;
  } cases[] = {
      {a16, R"({"rule": "kind", "severity": "error"})", R"({"rule": "kinds", "severity": "error"})", r16 + "/rules/0/rule",
       "not an evidence rule"},
      {a16, R"({"rule": "kind", "severity": "error"})", R"({"rule": "kind", "severity": "fatal"})",
       r16 + "/rules/0/severity", "error, warning, info"},
      {a16, R"("regional_law": 3})", R"("regional_law": 3, "fax": 1})", r16 + "/kinds/fax", "evidence_kinds"},
      {a16, R"("regional_law": 3})", R"("regional_law": 4})", r16 + "/kinds/regional_law", "out of range"},
      {a16, R"({"rule": "kind", "severity": "error"},)", "", r16 + "/rules", "a \"kind\" rule is needed"},
      {a16, R"("fact": "signed")", R"("fact": "stamped")", r16 + "/rules/2/fact", "not a fact"},
      {a16, R"("derivation": "by_kind")", R"("derivation": "by_years")", r16 + "/derivation", "years"},
      // 17 is a count row, so by_groups is allowed there, but its value rule then is not.
      {a17, R"("derivation": "by_value")", R"("derivation": "by_groups")", r17 + "/rules/4/rule", "by_value rows only"},
      {a17, R"("types": ["pdf"])", R"("types": ["docx"])", r17 + "/rules/1/types/0", "not a file type"},
      {a17, R"("from": "T-2")", R"("from": "T+2")", r17 + "/rules/3/from", "relative year"},
      {a17, R"("from": "T-2", "to": "T-0")", R"("from": "T-0", "to": "T-2")", r17 + "/rules/3/from", "starts after"},
      {a17, R"("rule": "value")", R"("rule": "group_set")", r17 + "/rules/4/rule", "by_groups rows only"},
      {a17, R"({"rule": "value", "severity": "error"})", R"({"rule": "value", "severity": "error", "kinds": ["photo"]})",
       r17 + "/rules/4/kinds/0", "not a kind the row accepts"},
      {a17, R"("provenance": {"mark": "P")", R"("provenance": {"mark": "X")", r17 + "/provenance/mark", "provenance mark"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.to);
    auto e = edition_error("iid-2023", c.anchor, c.from, c.to);
    if (c.pointer.empty()) {
      EXPECT_FALSE(e.has_value()) << (e ? e->what() : "");
      continue;
    }
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->pointer(), c.pointer) << e->what();
    EXPECT_TRUE(test::contains(e->message(), c.needle));
  }
  // revision_counts_as is an edition parameter with provenance.
  auto e = edition_error("iid-2023", "\"revision_counts_as\"", "\"rejected\"", "\"maybe\"");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->pointer(), "/revision_counts_as/value");
}

// --- Rule kinds: passing and failing evidence -----------------------------------------------

TEST(EvidenceCheck, KindRule) {
  auto ok = check("iid-2023", "34", R"({"level":2,"evidence":[{"kind":"survey_report","file":"skm.pdf","date":"2023-03-01"}]})");
  EXPECT_EQ(ok.supported, 2) << dump(ok);
  EXPECT_FALSE(ok.has_error) << dump(ok);
  auto bad = check("iid-2023", "34", R"({"level":2,"evidence":[{"kind":"photo","file":"rapat.jpg","date":"2023-03-01"}]})");
  EXPECT_EQ(bad.supported, 0);
  ASSERT_NE(find(bad, "kind", 0), nullptr) << dump(bad);
  EXPECT_EQ(find(bad, "kind", 0)->severity, Severity::error);
  EXPECT_EQ(find(bad, "kind", 0)->pointer, "/innovations/0/answers/34/evidence/0");
  EXPECT_EQ(find(bad, "kind", 0)->innovation, "a");
  ASSERT_NE(find(bad, "unsupported"), nullptr);
  EXPECT_TRUE(test::contains(find(bad, "unsupported")->message, "supports level 0"));
}

TEST(EvidenceCheck, FileTypeRule) {
  const std::string law = R"("kind":"regional_head_regulation","signed":true,"names_innovation":true,"in_force":true)";
  auto ok = check("iid-2023", "16", R"({"level":3,"evidence":[{)" + law + R"(,"file":"perbup.PDF"}]})");
  EXPECT_EQ(ok.supported, 3) << dump(ok);
  auto bad = check("iid-2023", "16", R"({"level":3,"evidence":[{)" + law + R"(,"file":"perbup.docx"}]})");
  EXPECT_EQ(bad.supported, 0);
  ASSERT_NE(find(bad, "file_type", 0), nullptr) << dump(bad);
  EXPECT_TRUE(test::contains(find(bad, "file_type", 0)->message, "type other"));
  auto none = check("iid-2023", "16", R"({"level":3,"evidence":[{)" + law + R"(}]})");
  EXPECT_TRUE(test::contains(find(none, "file_type", 0)->message, "gives no file"));
}

TEST(EvidenceCheck, DateWindowRule) {
  // iid-2026: T-0 = 2026, window T-2 … T-0 = 2024–2026.
  const std::string item = R"("kind":"assignment_letter","file":"st.pdf","signed":true,"value":12)";
  auto ok = check("iid-2026", "17", R"({"level":2,"evidence":[{)" + item + R"(,"date":"2024-01-01"}]})");
  EXPECT_EQ(ok.supported, 2) << dump(ok);
  auto old = check("iid-2026", "17", R"({"level":2,"evidence":[{)" + item + R"(,"date":"2023-12-31"}]})");
  EXPECT_EQ(old.supported, 0);
  ASSERT_NE(find(old, "window", 0), nullptr) << dump(old);
  EXPECT_TRUE(test::contains(find(old, "window", 0)->message, "outside the window T-2 … T-0 (2024–2026)"));
  auto undated = check("iid-2026", "17", R"({"level":2,"evidence":[{)" + item + R"(}]})");
  EXPECT_TRUE(test::contains(find(undated, "window", 0)->message, "undated"));
  // A warning-severity window (photos on 19) leaves the item passing.
  auto photo = check("iid-2026", "19", R"({"level":2,"evidence":[{"kind":"photo","file":"alat.jpg"}]})");
  EXPECT_EQ(photo.supported, 2);
  EXPECT_EQ(find(photo, "window", 0)->severity, Severity::warning);
  EXPECT_FALSE(photo.has_error);
}

TEST(EvidenceCheck, YearWindowAndHighlightRules) {
  auto budget = [](int year, bool hl) {
    return R"({"kind":"budget_document","file":"dpa-)" + std::to_string(year) + R"(.pdf","year":)" + std::to_string(year) +
           R"(,"highlighted":)" + (hl ? "true" : "false") + "}";
  };
  // 2026: one year → 1, two consecutive → 2, three → 3; pages must be highlighted.
  auto three = check("iid-2026", "18", "{\"level\":3,\"evidence\":[" + budget(2024, true) + "," + budget(2025, true) +
                                           "," + budget(2026, true) + "]}");
  EXPECT_EQ(three.supported, 3) << dump(three);
  auto dull = check("iid-2026", "18", "{\"level\":3,\"evidence\":[" + budget(2024, true) + "," + budget(2025, true) +
                                          "," + budget(2026, false) + "]}");
  EXPECT_EQ(dull.supported, 2) << dump(dull);
  ASSERT_NE(find(dull, "highlighted", 2), nullptr);
  EXPECT_EQ(find(dull, "highlighted", 2)->severity, Severity::error);
  auto out = check("iid-2026", "18", "{\"level\":1,\"evidence\":[" + budget(2022, true) + "]}");
  EXPECT_EQ(out.supported, 0);
  EXPECT_TRUE(test::contains(find(out, "window", 0)->message, "covers 2022"));
  // 2023 does not ask for highlighting.
  auto y23 = check("iid-2023", "18", "{\"level\":2,\"evidence\":[" + budget(2022, false) + "]}");
  EXPECT_EQ(y23.supported, 2) << dump(y23);
  EXPECT_EQ(find(y23, "highlighted"), nullptr);
}

TEST(EvidenceCheck, SignedNamesInForceAndOnBehalfRules) {
  auto sop = [](const std::string& signed_) {
    return R"({"level":2,"evidence":[{"kind":"sop","file":"sop.pdf","date":"2025-02-01","value":3)" + signed_ + "}]}";
  };
  EXPECT_EQ(check("iid-2026", "28", sop(R"(,"signed":true)")).supported, 2);
  auto unsigned_ = check("iid-2026", "28", sop(R"(,"signed":false)"));
  EXPECT_EQ(unsigned_.supported, 0);
  EXPECT_TRUE(test::contains(find(unsigned_, "signed", 0)->message, "is not signed"));
  auto unstated = check("iid-2026", "28", sop(""));
  EXPECT_TRUE(test::contains(find(unstated, "signed", 0)->message, "does not state that it is signed"));

  // 16 in 2026: a PD-head decree supports 1 only when issued on behalf of the regional head.
  const std::string dec = R"("kind":"department_head_decree","file":"sk.pdf","date":"2024-08-01","signed":true,"names_innovation":true)";
  const std::string applied = R"(,"applied_date":"2024-07-01")";
  EXPECT_EQ(check("iid-2026", "16", R"({"level":1,"evidence":[{)" + dec + R"(,"on_behalf_of_regional_head":true}]})", applied)
                .supported,
            1);
  auto own = check("iid-2026", "16", R"({"level":1,"evidence":[{)" + dec + "}]}", applied);
  EXPECT_EQ(own.supported, 0);
  EXPECT_NE(find(own, "on_behalf_of_regional_head", 0), nullptr) << dump(own);
  // ... and in 2023 it supports 1 without that.
  EXPECT_EQ(check("iid-2023", "16", R"({"level":1,"evidence":[{"kind":"department_head_decree","file":"sk.pdf","date":"2023-08-01","signed":true,"names_innovation":true}]})",
                  R"(,"applied_date":"2023-07-01")")
                .supported,
            1);
  // A decree that does not name the innovation; a regulation not in force.
  auto unnamed = check("iid-2023", "16", R"({"level":2,"evidence":[{"kind":"regional_head_decree","file":"sk.pdf","date":"2023-08-01","signed":true,"names_innovation":false}]})",
                       R"(,"applied_date":"2023-07-01")");
  EXPECT_EQ(unnamed.supported, 0);
  EXPECT_NE(find(unnamed, "names_innovation", 0), nullptr);
  auto repealed = check("iid-2023", "16", R"({"level":3,"evidence":[{"kind":"regional_head_regulation","file":"p.pdf","signed":true,"names_innovation":true,"in_force":false}]})");
  EXPECT_EQ(repealed.supported, 0);
  EXPECT_NE(find(repealed, "in_force", 0), nullptr);
}

TEST(EvidenceCheck, AppliedYearRule) {
  const std::string dec = R"({"level":2,"evidence":[{"kind":"regional_head_decree","file":"sk.pdf","signed":true,"names_innovation":true,"date":")";
  EXPECT_EQ(check("iid-2023", "16", dec + R"(2022-03-01"}]})", R"(,"applied_date":"2022-01-10")").supported, 2);
  auto wrong = check("iid-2023", "16", dec + R"(2023-03-01"}]})", R"(,"applied_date":"2022-01-10")");
  EXPECT_EQ(wrong.supported, 0);
  EXPECT_TRUE(test::contains(find(wrong, "applied_year", 0)->message, "not in the year the innovation was applied (2022)"));
  // No applied_date: the year cannot be checked: an info finding, the decree passes.
  auto unknown = check("iid-2023", "16", dec + R"(2023-03-01"}]})");
  EXPECT_EQ(unknown.supported, 2) << dump(unknown);
  EXPECT_EQ(find(unknown, "applied_year", 0)->severity, Severity::info);
}

TEST(EvidenceCheck, CompanionRule) {
  // A regional law that does not name the innovation needs a naming decree or regulation beside it.
  const std::string law = R"({"kind":"regional_law","file":"perda.pdf","signed":true,"in_force":true,"names_innovation":false})";
  const std::string reg = R"({"kind":"regional_head_regulation","file":"perbup.pdf","signed":true,"in_force":true,"names_innovation":true})";
  auto alone = check("iid-2026", "16", "{\"level\":3,\"evidence\":[" + law + "]}");
  EXPECT_EQ(alone.supported, 0) << dump(alone);
  ASSERT_NE(find(alone, "companion", 0), nullptr);
  EXPECT_EQ(find(alone, "companion", 0)->severity, Severity::error);
  auto paired = check("iid-2026", "16", "{\"level\":3,\"evidence\":[" + law + "," + reg + "]}");
  EXPECT_EQ(paired.supported, 3) << dump(paired);
  EXPECT_FALSE(paired.has_error);
  // A law that names the innovation needs no companion.
  auto named = check("iid-2026", "16", R"({"level":3,"evidence":[{"kind":"regional_law","file":"perda.pdf","signed":true,"in_force":true,"names_innovation":true}]})");
  EXPECT_EQ(named.supported, 3) << dump(named);
}

TEST(EvidenceCheck, VideoDurationAndCoverRules) {
  auto video = [](const std::string& more) {
    return R"({"level":3,"evidence":[{"kind":"video","file":"https://youtu.be/x","value":5)" + more + "}]}";
  };
  EXPECT_EQ(check("iid-2026", "35", video(R"(,"duration_s":300,"has_cover":true)")).supported, 3);
  auto longv = check("iid-2026", "35", video(R"(,"duration_s":420,"has_cover":true)"));
  EXPECT_EQ(longv.supported, 0);
  EXPECT_TRUE(test::contains(find(longv, "max_duration", 0)->message, "lasts 420 s, longer than 300 s"));
  auto nocover26 = check("iid-2026", "35", video(R"(,"duration_s":200,"has_cover":false)"));
  EXPECT_EQ(nocover26.supported, 0);
  // Before 2026 a missing cover is a warning: the video still supports its level.
  auto nocover23 = check("iid-2023", "35", video(R"(,"duration_s":200)"));
  EXPECT_EQ(nocover23.supported, 3) << dump(nocover23);
  EXPECT_EQ(find(nocover23, "has_cover", 0)->severity, Severity::warning);
}

TEST(EvidenceCheck, ValueRuleAndInnovationKindRule) {
  auto noval = check("iid-2023", "32", R"({"level":3,"evidence":[{"kind":"report","file":"proposal.pdf","date":"2022-01-01"}]})");
  EXPECT_EQ(noval.supported, 0);
  EXPECT_NE(find(noval, "value", 0), nullptr);
  EXPECT_EQ(check("iid-2023", "32", R"({"level":3,"evidence":[{"kind":"report","file":"proposal.pdf","date":"2022-01-01","value":4}]})")
                .supported,
            3);
  // Non-digital beneficiary lists carry signatures; digital ones need not.
  const std::string list = R"({"level":2,"evidence":[{"kind":"beneficiary_list","file":"penerima.pdf","date":"2023-06-01","value":150}]})";
  auto nd = check("iid-2023", "33", list, R"(,"kind":"non_digital")");
  EXPECT_EQ(nd.supported, 0);
  EXPECT_NE(find(nd, "signed", 0), nullptr);
  EXPECT_EQ(check("iid-2023", "33", list, R"(,"kind":"digital")").supported, 2);
}

TEST(EvidenceCheck, GroupSetRule) {
  auto item = [](const std::string& kind, const std::string& group) {
    return R"({"kind":")" + kind + R"(","file":"f.pdf","date":"2023-02-01","group":")" + group + "\"}";
  };
  // Event A complete, event B has no attendance list: one event counts → level 1 (2023).
  auto c = check("iid-2023", "20", "{\"level\":2,\"evidence\":[" + item("invitation", "A") + "," +
                                       item("attendance_list", "A") + "," + item("invitation", "B") + "]}");
  EXPECT_EQ(c.supported, 1) << dump(c);
  ASSERT_NE(find(c, "group_set", 2), nullptr);
  EXPECT_TRUE(test::contains(find(c, "group_set", 2)->message, "group \"B\" has no passing attendance_list"));
}

// --- Derivations ------------------------------------------------------------------------------

TEST(EvidenceDerivation, ByKindTakesTheHighestPassingKind) {
  auto c = check("iid-2023", "34", R"({"level":3,"evidence":[
      {"kind":"evaluation_report","file":"monev.pdf","date":"2022-01-01"},
      {"kind":"survey_report","file":"skm.pdf","date":"2023-01-01"}]})");
  EXPECT_EQ(c.supported, 2);
  EXPECT_TRUE(test::contains(find(c, "unsupported")->message, "level 3 is claimed but the evidence supports level 2"));
}

TEST(EvidenceDerivation, ClaimKindsSupportTheClaimWithAnInfo) {
  auto c = check("iid-2024", "30", R"({"level":3,"evidence":[{"kind":"screenshot","file":"portal.png","date":"2024-01-01"}]})",
                 R"(,"kind":"digital")");
  EXPECT_EQ(c.supported, 3);
  ASSERT_NE(find(c, "claim_only"), nullptr);
  EXPECT_EQ(find(c, "claim_only")->severity, Severity::info);
  EXPECT_FALSE(c.has_error);
}

TEST(EvidenceDerivation, ByGroupsCountsDistinctPassingGroups) {
  auto item = [](const std::string& group, const std::string& file = "f.pdf") {
    return R"({"kind":"agreement","file":")" + file + R"(","date":"2023-02-01")" +
           (group.empty() ? "" : R"(,"group":")" + group + "\"") + "}";
  };
  // 22 needs 3 actors for level 1 … here 31: 1 / 2 / 3 replicating regions.
  auto two = check("iid-2023", "31", "{\"level\":3,\"evidence\":[" + item("Kab. Jember") + "," + item("Kab. Jember") + "," +
                                         item("Kota Malang") + "]}");
  EXPECT_EQ(two.supported, 2) << dump(two);
  // An item without a group is a region of its own; a failing one does not count.
  auto three = check("iid-2023", "31", "{\"level\":3,\"evidence\":[" + item("Kab. Jember") + "," + item("Kota Malang") + "," +
                                           item("") + "," + item("Kab. Bondowoso", "x.docx") + "]}");
  EXPECT_EQ(three.supported, 3) << dump(three);
  // The failing docx beside evidence that already supports the claim is only a warning.
  EXPECT_EQ(find(three, "file_type", 3)->severity, Severity::warning);
  EXPECT_TRUE(test::contains(find(three, "file_type", 3)->message, "other evidence already supports"));
  EXPECT_FALSE(three.has_error);
}

TEST(EvidenceDerivation, ByYearsMapsCoveredYearsThroughTheRowsYearRules) {
  auto plan = [](int y) {
    return R"({"kind":"work_plan","file":"rkpd.pdf","year":)" + std::to_string(y) + "}";
  };
  // 2023: T-1 and T-2 → 2; all three → 3; T-0 alone → 0.
  EXPECT_EQ(check("iid-2023", "21", "{\"level\":2,\"evidence\":[" + plan(2021) + "," + plan(2022) + "]}").supported, 2);
  EXPECT_EQ(check("iid-2023", "21", "{\"level\":3,\"evidence\":[" + plan(2021) + "," + plan(2022) + "," + plan(2023) + "]}")
                .supported,
            3);
  EXPECT_EQ(check("iid-2023", "21", "{\"level\":1,\"evidence\":[" + plan(2023) + "]}").supported, 0);
}

TEST(EvidenceDerivation, ByValueUsesTheAnswersBasis) {
  const std::string recap = R"({"kind":"report","file":"rekap.pdf","date":"2024-02-01","value":60})";
  // 2024 basis target_units: > 50 % → 3; people: 60 → 1.
  EXPECT_EQ(check("iid-2024", "33", "{\"basis\":\"target_units\",\"value\":60,\"evidence\":[" + recap + "]}").supported, 3);
  EXPECT_EQ(check("iid-2024", "33", "{\"level\":1,\"evidence\":[" + recap + "]}").supported, 1);
  // The best passing value counts.
  auto c = check("iid-2023", "17", R"({"level":3,"evidence":[
      {"kind":"assignment_letter","file":"a.pdf","date":"2022-01-01","signed":true,"value":8},
      {"kind":"regional_head_decree","file":"b.pdf","date":"2023-01-01","signed":true,"value":35}]})");
  EXPECT_EQ(c.supported, 3) << dump(c);
}

// --- Answer-level findings ----------------------------------------------------------------------

TEST(EvidenceFindings, NoEvidenceUnclaimedAndUnchecked) {
  auto none = check("iid-2023", "23", R"({"level":2})");
  EXPECT_EQ(none.supported, 0);
  ASSERT_NE(find(none, "no_evidence"), nullptr);
  EXPECT_EQ(find(none, "no_evidence")->severity, Severity::error);
  // Evidence but no level: claims 0, and the finding names the level the evidence supports.
  auto unclaimed = check("iid-2023", "23", R"({"evidence":[{"kind":"regional_head_decree","file":"sk.pdf","date":"2023-01-05","signed":true}]})");
  EXPECT_EQ(unclaimed.claimed, 0);
  EXPECT_EQ(unclaimed.supported, 3);
  ASSERT_NE(find(unclaimed, "unclaimed"), nullptr);
  EXPECT_TRUE(test::contains(find(unclaimed, "unclaimed")->message, "supports level 3"));
  // Government rows have no rules: the claim is taken, with an "unchecked" info.
  Submission sub = parse_submission(one_innovation("iid-2023", "{}", "", R"({"12":{"level":2}})"));
  auto g = check_answer(sub, -1, sub.edition->row_index("12"));
  EXPECT_EQ(g.supported, 2);
  EXPECT_FALSE(g.checked);
  ASSERT_EQ(g.findings.size(), 1u);
  EXPECT_EQ(g.findings[0].rule, "unchecked");
  EXPECT_EQ(g.findings[0].pointer, "/government/12");
  EXPECT_EQ(g.findings[0].innovation, "");
  // prevalidate lists each given answer once, and (since the findings became one set, issue 10)
  // each unmet mandatory row: iid-2023's 13 mandatory government rows, none given here.
  auto all = prevalidate(sub);
  ASSERT_EQ(all.size(), 14u);
  int given12 = 0;
  for (const auto& c : all) {
    if (c.row == sub.edition->row_index("12")) {
      ++given12;
      continue;
    }
    EXPECT_TRUE(sub.edition->rows[c.row].mandatory) << sub.edition->rows[c.row].key;
    ASSERT_EQ(c.findings.size(), 1u);
    EXPECT_EQ(c.findings[0].rule, "mandatory");
    EXPECT_EQ(c.findings[0].pointer, "/government/" + sub.edition->rows[c.row].key);
    EXPECT_TRUE(c.has_error);
  }
  EXPECT_EQ(given12, 1);
}

TEST(EvidenceFindings, AFindingIsNeverAnInputError) {
  // Wrong kind for the row, out-of-window date, unknown file extension: all parse.
  EXPECT_NO_THROW(parse_submission(one_innovation(
      "iid-2026", R"({"16":{"level":3,"evidence":[{"kind":"photo","file":"x.gif","date":"1999-01-01"}]}})")));
}

// --- Policies on one submission -------------------------------------------------------------

namespace {

// iid-2023 (T-0 2023, d_min 10, no mandatory rows). Government row 1 at 3 (unchecked: 3 points
// under every policy). Innovation "a" (weights 16:3, 17:2, 28:2, 34:2, 25:1, 19:2):
//   16 claims 3, a valid regulation → supported 3; assessor: accepted, supported_level 2 → 2
//   17 claims 2, a signed letter with 15 staff → 2, plus an unsigned copy (a warning: the claim
//      is already supported); verdicts accepted + rejected → the claim stands
//   28 claims 3, an unsigned SOP → supported 0; verdict revision (= rejected) → 0
//   34 claims 2, a survey report → 2; no verdict → assessor falls back to supported
//   25 claims 3, a banner photo → 1 (strict 0); assessor: accepted, supported_level 2 → 2
//   19 claims 2, an undated photo (window warning only) → the claim; no verdict
// Innovation "b" is rejected: 0 everywhere, but counts in n. n = 2, divisor 10, count 0.76.
std::string policy_submission() {
  return R"({"edition":"iid-2023","region":{"code":"35.10","type":"kabupaten"},
  "government":{"1":{"level":3}},
  "innovations":[
   {"id":"a","status":"submitted","department":"Dinas Kesehatan","answers":{
    "16":{"level":3,"evidence":[{"kind":"regional_head_regulation","file":"perbup.pdf","signed":true,
          "names_innovation":true,"in_force":true,"verdict":"accepted","supported_level":2}]},
    "17":{"level":2,"evidence":[
          {"kind":"assignment_letter","file":"st.pdf","date":"2022-05-01","signed":true,"value":15,"verdict":"accepted"},
          {"kind":"assignment_letter","file":"st-copy.pdf","date":"2022-05-01","signed":false,"value":15,"verdict":"rejected"}]},
    "28":{"level":3,"evidence":[{"kind":"sop","file":"sop.pdf","date":"2023-01-01","value":1,"verdict":"revision"}]},
    "34":{"level":2,"evidence":[{"kind":"survey_report","file":"skm.pdf","date":"2023-11-01"}]},
    "25":{"level":3,"evidence":[{"kind":"photo","file":"banner.jpg","date":"2023-05-02","verdict":"accepted","supported_level":2}]},
    "19":{"level":2,"evidence":[{"kind":"photo","file":"alat.jpg"}]}}},
   {"id":"b","status":"rejected","department":"Dinas Kesehatan","answers":{"16":{"level":3},"35":{"level":3}}}]})";
}

Score score_policy(const std::string& json, Policy p, const ParseOptions& opts = {}) {
  ScoreOptions o;
  o.policy = p;
  return score(parse_submission(json, opts), o);
}

}  // namespace

TEST(EvidencePolicy, FourPoliciesOnOneSubmission) {
  struct Case {
    Policy policy;
    std::int64_t innovation_sum_h;
    std::string total;
    std::int64_t iid_h;
  } cases[] = {
      // 9 + 4 + 6 + 4 + 3 + 4 = 30; total 3 + 30/10 + 0.76 = 6.76; IID 2.704 → 2.70
      {Policy::self_assessed, 3000, "169/25", 270},
      // 9 + 4 + 0 + 4 + 1 + 4 = 22; 5.96; IID 2.384 → 2.38
      {Policy::supported, 2200, "149/25", 238},
      // 9 + 4 + 0 + 4 + 0 + 4 = 21; 5.86; IID 2.344 → 2.34 (the 17 warning does not zero)
      {Policy::strict, 2100, "293/50", 234},
      // 6 + 4 + 0 + 4 + 2 + 4 = 20; 5.76; IID 2.304 → 2.30
      {Policy::assessor, 2000, "144/25", 230},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(to_string(c.policy));
    Score s = score_policy(policy_submission(), c.policy);
    EXPECT_EQ(s.policy, c.policy);
    EXPECT_EQ(s.government_h, 300);
    EXPECT_EQ(s.innovation_sum_h, c.innovation_sum_h);
    EXPECT_EQ(s.innovations_counted, 2);  // policies never change n …
    EXPECT_EQ(s.divisor, 10);
    EXPECT_EQ(s.count_h, 76);             // … nor the count points
    EXPECT_EQ(s.total.to_string(), c.total);
    EXPECT_EQ(s.iid_h, c.iid_h);
    EXPECT_EQ(s.innovations[1].points_h, 0);  // rejected: 0 under every policy
    EXPECT_EQ(s.self_assessed_iid_h, 270);
  }
}

TEST(EvidencePolicy, FindingsOfTheAssessorPolicy) {
  Score s = score_policy(policy_submission(), Policy::assessor);
  auto has = [&](const std::string& rule, const std::string& ptr) {
    for (const auto& f : s.findings)
      if (f.rule == rule && f.pointer == ptr) return true;
    return false;
  };
  EXPECT_TRUE(has("unassessed", "/innovations/0/answers/34"));
  EXPECT_TRUE(has("unassessed", "/innovations/0/answers/19"));
  EXPECT_TRUE(has("assessor_rejected", "/innovations/0/answers/28"));
  EXPECT_TRUE(has("signed", "/innovations/0/answers/28/evidence/0"));
  EXPECT_TRUE(has("unchecked", "/government/1"));
  EXPECT_FALSE(has("unassessed", "/innovations/0/answers/16"));
  // The rejected innovation scores 0 whatever its evidence says, so the assessor policy says
  // nothing about it; its answers' evidence findings are listed all the same (the findings are
  // one set on every surface since issue 10: a planner checks them before resubmitting).
  int of_b = 0;
  for (const auto& f : s.findings) {
    if (f.innovation != "b") continue;
    ++of_b;
    EXPECT_NE(f.rule, "unassessed") << f.message;
    EXPECT_NE(f.rule, "assessor_rejected") << f.message;
  }
  EXPECT_GT(of_b, 0);
}

TEST(EvidencePolicy, VerdictCombinations) {
  auto one = [](const std::string& items, const ParseOptions& opts = {}) {
    std::string json = one_innovation("iid-2023", R"({"16":{"level":3,"evidence":[)" + items + "]}}");
    Score s = score_policy(json, Policy::assessor, opts);
    return s.innovations[0].rows[0].level;
  };
  const std::string reg = R"("kind":"regional_head_regulation","file":"p.pdf","signed":true,"names_innovation":true,"in_force":true)";
  const std::string law = R"("kind":"regional_law","file":"l.pdf","signed":true,"names_innovation":true,"in_force":true)";
  auto item = [&](const std::string& base, const std::string& verdict, int sl = -1) {
    return "{" + base + R"(,"verdict":")" + verdict + "\"" + (sl >= 0 ? ",\"supported_level\":" + std::to_string(sl) : "") + "}";
  };
  // Accepted + rejected: the accepted one decides; the cap is the highest supported_level accepted.
  EXPECT_EQ(one(item(reg, "accepted", 1) + "," + item(law, "accepted", 2) + "," + item(law, "rejected", 3)), 2);
  EXPECT_EQ(one(item(reg, "accepted") + "," + item(law, "rejected")), 3);
  // Every assessed item rejected, or sent back for revision → 0.
  EXPECT_EQ(one(item(reg, "rejected") + "," + item(law, "revision")), 0);
  EXPECT_EQ(one(item(reg, "revision")), 0);
  // Items without a verdict are ignored beside assessed ones.
  EXPECT_EQ(one(item(reg, "rejected") + ",{" + law + "}"), 0);
  // No verdict at all: the supported level (here 3, from valid evidence; 0 from an unsigned one).
  EXPECT_EQ(one("{" + reg + "}"), 3);
  EXPECT_EQ(one(R"({"kind":"regional_law","file":"l.pdf","names_innovation":true,"in_force":true})"), 0);
  // revision_counts_as is an edition parameter.
  auto with = [](const std::string& v) {
    std::string t = test::replace_after(test::source_file("editions/iid-2023.json"), "\"revision_counts_as\"",
                                        "\"rejected\"", "\"" + v + "\"");
    ParseOptions o;
    o.edition = parse_edition(t, "iid-2023 revision " + v);
    o.override_edition = true;
    return o;
  };
  EXPECT_EQ(one(item(reg, "revision", 2), with("accepted")), 2);
  EXPECT_EQ(one(item(reg, "revision") + "," + item(law, "rejected"), with("ignored")), 0);
  EXPECT_EQ(one(item(reg, "revision"), with("ignored")), 3);  // nothing assessed → supported
}

// --- Points at risk -----------------------------------------------------------------------------

TEST(EvidencePointsAtRisk, RowsInnovationsAndDepartmentsAddUpToTheIidGap) {
  for (Policy p : {Policy::self_assessed, Policy::supported, Policy::strict, Policy::assessor}) {
    SCOPED_TRACE(to_string(p));
    Score s = score_policy(policy_submission(), p);
    // Self-assessed compares with supported.
    Policy compared = p == Policy::self_assessed ? Policy::supported : p;
    EXPECT_EQ(s.risk_compared, compared);
    Fraction sum;
    std::int64_t points = 0;
    for (const auto& r : s.risk_by_row) {
      sum = sum + r.iid;
      points += r.points_h;
    }
    EXPECT_EQ(sum, s.points_at_risk_iid);
    std::int64_t inv_points = 0, dept_points = 0;
    for (const auto& inv : s.innovations) {
      std::int64_t rows = 0;
      for (const auto& r : inv.rows) rows += r.at_risk_h;
      EXPECT_EQ(rows, inv.at_risk_h);
      if (inv.counted) inv_points += inv.at_risk_h;
    }
    for (const auto& d : s.departments) dept_points += d.at_risk_h;
    EXPECT_EQ(inv_points, dept_points);
    EXPECT_EQ(points, inv_points);  // government rows are unchecked: no risk there
    ASSERT_EQ(s.departments.size(), 1u);
    EXPECT_EQ(s.departments[0].at_risk_iid, s.points_at_risk_iid);
  }
  // Hand-computed: self − strict = 28 (6 points) + 25 (3 points) = 9 / 10 = 0.9 points = 0.36 IID.
  Score strict = score_policy(policy_submission(), Policy::strict);
  EXPECT_EQ(strict.points_at_risk.to_string(), "9/10");
  EXPECT_EQ(strict.points_at_risk_iid.to_string(), "9/25");
  const Edition& ed = *builtin_edition("iid-2023");
  EXPECT_EQ(strict.risk_by_row[ed.row_index("28")].points_h, 600);
  EXPECT_EQ(strict.risk_by_row[ed.row_index("28")].iid.to_string(), "6/25");  // 6 / 10 / 250 × 100
  EXPECT_EQ(strict.risk_by_row[ed.row_index("25")].iid.to_string(), "3/25");
  EXPECT_EQ(strict.risk_by_row[ed.row_index("16")].points_h, 0);
  // Self-assessed compares with supported: 28 (6) + 25 (2) = 0.8 points = 0.32 IID.
  Score self = score_policy(policy_submission(), Policy::self_assessed);
  EXPECT_EQ(self.points_at_risk_iid.to_string(), "8/25");
  EXPECT_EQ(self.innovations[0].at_risk_h, 800);
  // Assessor: 16 (3) + 28 (6) + 25 (1) = 1.0 point = 0.4 IID.
  EXPECT_EQ(score_policy(policy_submission(), Policy::assessor).points_at_risk_iid.to_string(), "2/5");
}

TEST(EvidencePointsAtRisk, ScoreJsonCarriesTheBreakdown) {
  Score s = score_policy(policy_submission(), Policy::strict);
  std::string j = to_json(s, *builtin_edition("iid-2023"));
  EXPECT_TRUE(test::contains(j, R"("row":"28","weight":2)"));
  EXPECT_TRUE(test::contains(j, R"("points_at_risk":6.00,"iid_at_risk":0.24,"iid_at_risk_exact":"6/25")"));
  EXPECT_TRUE(test::contains(j, R"("claimed_points":30.00,"points_at_risk":9.00)"));
  EXPECT_TRUE(test::contains(j, R"("points_at_risk":9.00,"iid_at_risk":0.36,"iid_at_risk_exact":"9/25")"));
  EXPECT_TRUE(test::contains(j, R"("rule":"signed","severity":"error")"));
}

// --- The shipped example ----------------------------------------------------------------------

TEST(EvidenceExample, BanyuwangiUnderEveryPolicy) {
  // Government: 47.75 points (unchecked). Five innovations covering five basic-service affairs:
  // count points 0.38 × 5 = 1.90 (gate open), divisor max(12, 5) = 12. Innovation points:
  // self-assessed 377; supported 350 (pend-001 16: −3, kes-001 17: −4, sos-001 28: −6,
  // pupr-001 18: −2, pkp-001 35: −12); strict 346 (pupr-001 18 drops to 0: −4 more); assessor
  // 344 (supported, but verdicts cap kes-001 16 and sos-001 33 at 2: −3 each; kes-001 17
  // rejected and sos-001 28 sent back for revision stay at 0; the other three innovations have
  // no verdict and fall back to supported).
  const std::string text = test::source_file("examples/kabupaten-banyuwangi-2026-evidence.json");
  Submission sub = parse_submission(text);
  struct Case {
    Policy policy;
    std::int64_t sum_h;
    std::string iid_exact;
    std::int64_t iid_h;
  } cases[] = {
      {Policy::self_assessed, 37700, "2432/75", 3243},  // 47.75 + 377/12 + 1.9 = 81.0667 → 32.4267
      {Policy::supported, 35000, "4729/150", 3153},     // 47.75 + 350/12 + 1.9 = 78.8167 → 31.5267
      {Policy::strict, 34600, "4709/150", 3139},        // 47.75 + 346/12 + 1.9 = 78.4833 → 31.3933
      {Policy::assessor, 34400, "4699/150", 3133},      // 47.75 + 344/12 + 1.9 = 78.3167 → 31.3267
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(to_string(c.policy));
    ScoreOptions o;
    o.policy = c.policy;
    Score s = score(sub, o);
    EXPECT_EQ(s.government_h, 4775);
    EXPECT_EQ(s.count_h, 190);
    EXPECT_EQ(s.divisor, 12);
    EXPECT_EQ(s.innovation_sum_h, c.sum_h);
    EXPECT_EQ(s.iid_exact.to_string(), c.iid_exact);
    EXPECT_EQ(s.iid_h, c.iid_h);
    EXPECT_EQ(s.category, "Kurang Inovatif");
  }
  // Every planted failure is reported where it is.
  auto checks = prevalidate(sub);
  auto has = [&](const std::string& ptr, const std::string& rule, Severity sev) {
    for (const auto& c : checks)
      for (const auto& f : c.findings)
        if (f.pointer == ptr && f.rule == rule && f.severity == sev) return true;
    return false;
  };
  EXPECT_TRUE(has("/innovations/1/answers/16/evidence/0", "on_behalf_of_regional_head", Severity::error));
  EXPECT_TRUE(has("/innovations/0/answers/17/evidence/0", "window", Severity::error));
  EXPECT_TRUE(has("/innovations/2/answers/28/evidence/0", "signed", Severity::error));
  EXPECT_TRUE(has("/innovations/3/answers/18/evidence/0", "highlighted", Severity::error));
  EXPECT_TRUE(has("/innovations/4/answers/35/evidence/0", "max_duration", Severity::error));
  EXPECT_TRUE(has("/innovations/0/answers/25/evidence/1", "window", Severity::warning));
}
