// validate() and rebind() (include/inovasi/validate.hpp): an in-memory Submission is checked
// with the readers' rules, so a hostile edit gives the same message and JSON Pointer as parsing
// the same submission written as JSON; re-binding to another edition scores as re-parsing the
// JSON under that edition (ParseOptions::override_edition) does.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <sstream>

#include "inovasi/evidence.hpp"
#include "inovasi/scenario.hpp"
#include "inovasi/validate.hpp"
#include "test_util.hpp"

using namespace inovasi;

namespace {

// A Submission as the JSON the readers take (docs/schemas/submission.schema.json): the reference for
// "the same submission written as JSON". Written here, apart from the library, with every
// string escaped.
struct ToJson {
  std::string out;
  void str(std::string_view s) {
    out += '"';
    for (unsigned char c : s) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      } else {
        out += static_cast<char>(c);
      }
    }
    out += '"';
  }
  void key(std::string_view k) {
    if (out.back() != '{') out += ',';
    str(k);
    out += ':';
  }
  void tri(const char* k, Tri t) {
    if (t == Tri::unknown) return;
    key(k);
    out += t == Tri::yes ? "true" : "false";
  }
  void item(const EvidenceItem& it) {
    out += '{';
    key("kind"), str(it.kind);
    if (!it.file.empty()) key("file"), str(it.file);
    if (!it.date.empty()) key("date"), str(it.date);
    if (it.year) key("year"), out += std::to_string(*it.year);
    if (!it.group.empty()) key("group"), str(it.group);
    if (it.value) key("value"), out += it.value->to_string();
    tri("signed", it.signed_);
    tri("names_innovation", it.names_innovation);
    tri("highlighted", it.highlighted);
    tri("in_force", it.in_force);
    tri("on_behalf_of_regional_head", it.on_behalf_of_regional_head);
    tri("has_cover", it.has_cover);
    if (it.duration_s) key("duration_s"), out += it.duration_s->to_string();
    if (it.verdict != Verdict::none) key("verdict"), str(to_string(it.verdict));
    if (it.supported_level) key("supported_level"), out += std::to_string(*it.supported_level);
    out += '}';
  }
  void answer(const Edition& ed, const Row& r, const Answer& a) {
    out += '{';
    if (!a.basis.empty()) key("basis"), str(a.basis);
    if (a.level_given || (!a.has_value && a.level != 0)) key("level"), out += std::to_string(a.level);
    if (a.has_value) {
      key("value");
      if (r.input == InputKind::code) {
        str(a.value_text);
      } else if (r.input == InputKind::years) {
        std::string body = a.value_text.substr(1, a.value_text.size() - 2);
        out += '[';
        std::stringstream ss(body);
        std::string y;
        bool first = true;
        while (std::getline(ss, y, ',')) {
          if (!first) out += ',';
          first = false;
          str(y);
        }
        out += ']';
      } else {
        out += a.value_text;
      }
    }
    if (a.acceptance) {
      key("acceptance");
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", *a.acceptance);
      out += buf;
    }
    if (!a.evidence.empty()) {
      key("evidence");
      out += '[';
      for (std::size_t i = 0; i < a.evidence.size(); ++i) {
        if (i) out += ',';
        item(a.evidence[i]);
      }
      out += ']';
    }
    (void)ed;
    out += '}';
  }
  template <class V>
  void answers(const Edition& ed, const V& v) {
    out += '{';
    for (std::size_t i = 0; i < ed.rows.size() && i < v.size(); ++i)
      if (v[i].present) key(ed.rows[i].key), answer(ed, ed.rows[i], v[i]);
    out += '}';
  }
  std::string submission(const Submission& s) {
    const Edition& ed = *s.edition;
    out = "{";
    key("edition"), str(ed.name);
    key("region"), out += '{';
    key("code"), str(s.region.code);
    if (!s.region.name.empty()) key("name"), str(s.region.name);
    key("type"), str(to_string(s.region.type));
    key("province"), str(s.region.province);
    key("clusters"), out += '[';
    for (std::size_t i = 0; i < s.region.clusters.size(); ++i) (i ? out += ',' : out), str(s.region.clusters[i]);
    out += "]}";
    key("government"), answers(ed, s.government);
    key("innovations"), out += '[';
    for (std::size_t n = 0; n < s.innovations.size(); ++n) {
      const Innovation& inv = s.innovations[n];
      if (n) out += ',';
      out += '{';
      key("id"), str(inv.id);
      if (!inv.name.empty()) key("name"), str(inv.name);
      if (!inv.department.empty()) key("department"), str(inv.department);
      if (inv.stage != Stage::unknown) key("stage"), str(to_string(inv.stage));
      key("status"), str(to_string(inv.status));
      if (inv.form != Form::unknown) key("form"), str(to_string(inv.form));
      if (inv.kind != Kind::unknown) key("kind"), str(to_string(inv.kind));
      key("affairs"), out += '[';
      for (std::size_t i = 0; i < inv.affairs.size(); ++i) (i ? out += ',' : out), str(inv.affairs[i]);
      out += ']';
      if (!inv.applied_date.empty()) key("applied_date"), str(inv.applied_date);
      key("answers"), answers(ed, inv.answers);
      out += '}';
    }
    out += "]}";
    return out;
  }
};

std::string to_json(const Submission& s) { return ToJson{}.submission(s); }

std::vector<std::filesystem::path> examples() {
  std::vector<std::filesystem::path> v;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(INOVASI_SOURCE_DIR) / "examples"))
    if (e.path().extension() == ".json") v.push_back(e.path());
  std::sort(v.begin(), v.end());
  return v;
}

std::string read(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

constexpr Policy kPolicies[] = {Policy::self_assessed, Policy::supported, Policy::strict, Policy::assessor};

std::string scores(const Submission& s) {
  std::string all;
  for (Policy p : kPolicies) all += to_json(score(s, {p, true}), *s.edition) + "\n";
  return all;
}

std::optional<InputError> error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e;
  }
  return std::nullopt;
}

}  // namespace

TEST(Validate, EveryExampleIsAcceptedAndItsJsonReadsBackTheSame) {
  const auto files = examples();
  ASSERT_GE(files.size(), 9u);
  for (const auto& f : files) {
    SCOPED_TRACE(f.filename().string());
    const Submission s = parse_submission(read(f));
    EXPECT_NO_THROW(validate(s));
    // The helper's JSON is the same submission: the reference of the edit corpus below.
    const Submission back = parse_submission(to_json(s));
    EXPECT_NO_THROW(validate(back));
    EXPECT_EQ(scores(back), scores(s));
  }
}

TEST(Validate, SyntheticDatasetIsAccepted) {
  for (const char* edition : {"iid-2023", "iid-2026"}) {
    SynthOptions o;
    o.edition = builtin_edition(edition);
    o.regions = 40;
    o.target_innovations = 1500;
    std::ostringstream ss;
    write_jsonl(o, ss);
    const std::string text = ss.str();
    RecordReader reader(text, ParseOptions{});
    RecordResult r;
    std::size_t n = 0;
    while (reader.next(r)) {
      ASSERT_FALSE(r.error) << r.error->what();
      EXPECT_NO_THROW(validate(*r.submission));
      ++n;
    }
    EXPECT_EQ(n, 40u) << edition;
  }
}

// Hostile in-memory edits: validate() gives the error the reader gives for the JSON.
TEST(Validate, HostileEditsGiveTheReadersMessageAndPointer) {
  const Submission base = parse_submission(read(std::filesystem::path(INOVASI_SOURCE_DIR) / "examples/kota-makassar-2026.json"));
  const Submission evb =
      parse_submission(read(std::filesystem::path(INOVASI_SOURCE_DIR) / "examples/kabupaten-banyuwangi-2026-evidence.json"));
  const Edition& ed = *base.edition;
  ASSERT_GE(base.innovations.size(), 3u);
  // The first given answer of innovation n, and its row.
  auto first_answer = [](Submission& s, std::size_t n) -> std::pair<Answer*, const Row*> {
    Innovation& inv = s.innovations.at(n);
    for (std::size_t i = 0; i < inv.answers.size(); ++i)
      if (inv.answers[i].present) return {&inv.answers.edit(i), &s.edition->rows[i]};
    return {nullptr, nullptr};
  };
  auto answer_with_evidence = [](Submission& s) -> Answer* {
    for (auto& inv : s.innovations)
      for (std::size_t i = 0; i < inv.answers.size(); ++i)
        if (!inv.answers[i].evidence.empty()) return &inv.answers.edit(i);
    for (std::size_t i = 0; i < s.government.size(); ++i)
      if (!s.government[i].evidence.empty()) return &s.government[i];
    return nullptr;
  };
  auto value_row = [&](InputKind kind) -> int {
    for (int i : ed.innovation_rows)
      if (ed.rows[i].input == kind) return i;
    return -1;
  };
  struct Edit {
    const char* name;
    bool evidence_base;
    std::function<void(Submission&)> apply;
  };
  const std::vector<Edit> edits = {
      {"level above the range", false, [&](Submission& s) { first_answer(s, 2).first->level = ed.level_max + 1; }},
      {"level below the range", false,
       [&](Submission& s) {
         auto [a, r] = first_answer(s, 1);
         a->level = ed.level_min - 1;
         a->level_given = true;
         a->has_value = false;
         a->value_text.clear();
       }},
      {"duplicate id", false, [&](Submission& s) { s.innovations[2].id = s.innovations[0].id; }},
      {"empty id", false, [&](Submission& s) { s.innovations[1].id.clear(); }},
      {"empty region code", false, [&](Submission& s) { s.region.code.clear(); }},
      {"unknown cluster", false, [&](Submission& s) { s.region.clusters = {"papua", "pesisir"}; }},
      {"cluster twice", false, [&](Submission& s) { s.region.clusters = {"papua", "papua"}; }},
      {"bad applied date", false, [&](Submission& s) { s.innovations[1].applied_date = "2025-02-30"; }},
      {"applied date not ISO", false, [&](Submission& s) { s.innovations[1].applied_date = "01/02/2025"; }},
      {"applied date out of range", false, [&](Submission& s) { s.innovations[0].applied_date = "1899-12-31"; }},
      {"empty affair", false, [&](Submission& s) { s.innovations[0].affairs = {""}; }},
      {"acceptance above 1", false, [&](Submission& s) { first_answer(s, 0).first->acceptance = 1.5; }},
      {"government answer of an innovation row", false,
       [&](Submission& s) {
         Answer& a = s.government[static_cast<std::size_t>(ed.innovation_rows.front())];
         a.present = a.level_given = true;
         a.level = 1;
       }},
      {"innovation answer of a government row", false,
       [&](Submission& s) {
         Answer& a = s.innovations[0].answers.edit(static_cast<std::size_t>(ed.government_rows.front()));
         a.present = a.level_given = true;
         a.level = 1;
       }},
      {"value and level disagree", false,
       [&](Submission& s) {
         const int row = value_row(InputKind::count) >= 0 ? value_row(InputKind::count) : value_row(InputKind::decimal);
         ASSERT_GE(row, 0);
         Answer& a = s.innovations[1].answers.edit(static_cast<std::size_t>(row));
         a.present = a.has_value = a.level_given = true;
         a.value_text = "0";
         a.level = ed.rows[row].bands->level_for(Decimal()) == ed.level_max ? ed.level_min : ed.level_max;
       }},
      {"value not a count", false,
       [&](Submission& s) {
         int row = -1;
         for (int i : ed.innovation_rows)
           if (ed.rows[i].input == InputKind::count) row = i;
         if (row < 0) GTEST_SKIP() << "no count row";
         Answer& a = s.innovations[1].answers.edit(static_cast<std::size_t>(row));
         a.present = a.has_value = true;
         a.level_given = false;
         a.value_text = "2.5";
         a.level = 0;
       }},
      {"value of a level-only row", false,
       [&](Submission& s) {
         const int row = value_row(InputKind::level);
         ASSERT_GE(row, 0);
         Answer& a = s.innovations[1].answers.edit(static_cast<std::size_t>(row));
         a.present = a.has_value = true;
         a.level_given = false;
         a.value_text = "3";
       }},
      {"basis on a row without bases", false,
       [&](Submission& s) {
         auto [a, r] = first_answer(s, 0);
         a->basis = "x";
       }},
      {"unknown evidence kind", true, [&](Submission& s) { answer_with_evidence(s)->evidence[0].kind = "selfie"; }},
      {"bad evidence date", true, [&](Submission& s) { answer_with_evidence(s)->evidence.back().date = "2024-13-01"; }},
      {"evidence year out of range", true, [&](Submission& s) { answer_with_evidence(s)->evidence[0].year = 2200; }},
      {"negative duration", true,
       [&](Submission& s) { answer_with_evidence(s)->evidence[0].duration_s = Decimal::parse("-1"); }},
      {"supported level out of range", true,
       [&](Submission& s) { answer_with_evidence(s)->evidence[0].supported_level = ed.level_max + 7; }},
      {"too many evidence items", true,
       [&](Submission& s) {
         Answer* a = answer_with_evidence(s);
         const EvidenceItem it = a->evidence[0];
         a->evidence.assign(201, it);
       }},
  };
  for (const auto& e : edits) {
    SCOPED_TRACE(e.name);
    Submission s = e.evidence_base ? evb : base;
    e.apply(s);
    if (::testing::Test::IsSkipped() || ::testing::Test::HasFatalFailure()) return;
    const auto mine = error_of([&] { validate(s); });
    const std::string json = to_json(s);
    const auto reader = error_of([&] { parse_submission(json); });
    ASSERT_TRUE(mine) << "validate() accepted the edit";
    ASSERT_TRUE(reader) << "the reader accepted " << json.substr(0, 300);
    EXPECT_EQ(mine->pointer(), reader->pointer());
    EXPECT_EQ(mine->message(), reader->message());
    EXPECT_NE(mine->pointer(), "/");
  }
}

TEST(Validate, LimitsAreTheReadersLimits) {
  const Submission base = parse_submission(read(std::filesystem::path(INOVASI_SOURCE_DIR) / "examples/kota-makassar-2026.json"));
  ParseLimits lim;
  lim.max_innovations = 2;
  ParseOptions po;
  po.limits = lim;
  const auto mine = error_of([&] { validate(base, lim); });
  const auto reader = error_of([&] { parse_submission(to_json(base), po); });
  ASSERT_TRUE(mine && reader);
  EXPECT_EQ(mine->pointer(), "/innovations");
  EXPECT_EQ(mine->pointer(), reader->pointer());
  EXPECT_EQ(mine->message(), reader->message());
}

TEST(Validate, InMemoryStatesJsonCannotSpellAreRefused) {
  Submission s = parse_submission(read(std::filesystem::path(INOVASI_SOURCE_DIR) / "examples/kota-makassar-2026.json"));
  {
    Submission t = s;
    t.innovations[0].affairs = {"Kesehatan "};
    const auto e = error_of([&] { validate(t); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->pointer(), "/innovations/0/affairs/0");
    EXPECT_NE(e->message().find("not normalised"), std::string::npos);
  }
  {
    Submission t = s;
    t.government.pop_back();
    const auto e = error_of([&] { validate(t); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->pointer(), "/government");
  }
  {
    Submission t = s;
    t.edition.reset();
    const auto e = error_of([&] { validate(t); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->pointer(), "/edition");
  }
}

// rebind(s, other) scores, under every policy, as the same JSON parsed with --edition other.
TEST(Rebind, EqualsReparsingUnderTheOtherEditionOnEveryExample) {
  const std::vector<std::string> names = {"iid-2023", "iid-2024", "iid-2025", "iid-2026"};
  int rebound = 0, refused = 0;
  for (const auto& f : examples()) {
    const std::string text = read(f);
    const Submission s = parse_submission(text);
    for (const auto& name : names) {
      SCOPED_TRACE(f.filename().string() + " -> " + name);
      const EditionPtr other = builtin_edition(name);
      ParseOptions po;
      po.edition = other;
      po.override_edition = true;
      const auto reparse_error = error_of([&] { parse_submission(text, po); });
      std::optional<Submission> moved;
      const auto rebind_error = error_of([&] { moved = rebind(s, other); });
      if (rebind_error) {
        ++refused;
        // A clear refusal, where the JSON does not read under the other edition either.
        ASSERT_TRUE(reparse_error) << rebind_error->what();
        EXPECT_EQ(rebind_error->pointer(), reparse_error->pointer());
        EXPECT_EQ(rebind_error->message().rfind(reparse_error->message(), 0), 0u) << rebind_error->message();
        if (rebind_error->message().find("is not an indicator of") != std::string::npos) {
          EXPECT_NE(rebind_error->message().find(s.edition->name), std::string::npos);
          EXPECT_NE(rebind_error->message().find(name), std::string::npos);
        }
        continue;
      }
      ASSERT_FALSE(reparse_error) << reparse_error->what();
      ++rebound;
      const Submission reparsed = parse_submission(text, po);
      EXPECT_EQ(moved->edition->name, name);
      EXPECT_EQ(scores(*moved), scores(reparsed));
    }
  }
  // Pinned: rows that take a level only in the earlier editions refuse the 2026 values.
  EXPECT_EQ(rebound, 29);
  EXPECT_EQ(refused, 7);
}

TEST(Rebind, MissingRowKeyNamesTheKeyAndBothEditions) {
  const std::string text = read(std::filesystem::path(INOVASI_SOURCE_DIR) / "examples/kota-makassar-2026.json");
  const Submission s = parse_submission(text);
  ASSERT_TRUE(s.government[static_cast<std::size_t>(s.edition->row_index("1"))].present);
  // A user edition: iid-2026 with row "1" keyed "1u".
  std::string ed = read(std::filesystem::path(INOVASI_SOURCE_DIR) / "editions/iid-2026.json");
  const auto at = [&](const std::string& what) {
    const auto p = ed.find(what);
    EXPECT_NE(p, std::string::npos) << what;
    return p;
  };
  ed.replace(at("\"name\": \"iid-2026\""), std::string("\"name\": \"iid-2026\"").size(), "\"name\": \"user-2026\"");
  ed.replace(at("\"key\": \"1\","), std::string("\"key\": \"1\",").size(), "\"key\": \"1u\",");
  const EditionPtr other = parse_edition(ed, "user-2026.json");
  ASSERT_LT(other->row_index("1"), 0);
  const auto e = error_of([&] { rebind(s, other); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->pointer(), "/government/1");
  EXPECT_EQ(e->message(), "indicator 1 of iid-2026 is not an indicator of user-2026: the submission cannot be re-bound to user-2026");
  // The JSON under that edition is refused at the same place.
  ParseOptions po;
  po.edition = other;
  po.override_edition = true;
  const auto r = error_of([&] { parse_submission(text, po); });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->pointer(), "/government/1");
}

// A scenario base under another edition: each region's results are score() of its JSON read
// with that edition overriding its own, under every policy, nominal and with a level changed.
TEST(Rebind, CrossEditionScenarioBaseEqualsReparsedScores) {
  const std::vector<std::string> names = {"iid-2023", "iid-2024", "iid-2025", "iid-2026"};
  int pairs = 0, compared = 0;
  for (const auto& f : examples()) {
    const std::string text = read(f);
    const Submission s = parse_submission(text);
    for (const auto& name : names) {
      if (name == s.edition->name) continue;
      SCOPED_TRACE(f.filename().string() + " -> " + name);
      const EditionPtr other = builtin_edition(name);
      ParseOptions po;
      po.edition = other;
      po.override_edition = true;
      std::optional<Submission> reparsed;
      if (error_of([&] { reparsed = parse_submission(text, po); })) {
        const auto e = error_of([&] { ScenarioBase base({s}, other); });
        ASSERT_TRUE(e);
        EXPECT_NE(e->message().find("(record 0, region " + s.region.code + ")"), std::string::npos) << e->message();
        continue;
      }
      const ScenarioBase base({s}, other);
      ASSERT_EQ(&base.edition(), other.get());
      ++pairs;
      for (Policy p : kPolicies) {
        const Score want = score(*reparsed, {p, false});
        const RegionResult got = base.nominal(0, p);
        EXPECT_EQ(got.iid_h, want.iid_h) << to_string(p);
        EXPECT_EQ(got.government_h, want.government_h);
        EXPECT_EQ(got.innovation_sum_h, want.innovation_sum_h);
        EXPECT_EQ(got.count_h, want.count_h);
        EXPECT_EQ(got.divisor, want.divisor);
        EXPECT_EQ(other->category_label(got.category), want.category);
        // One claimed level raised to the top: the changed submission, re-parsed, scored.
        if (reparsed->innovations.empty()) continue;
        const std::size_t col = 0;
        const std::size_t row = static_cast<std::size_t>(other->innovation_rows[col]);
        Scenario sc;
        sc.policy = p;
        sc.levels.push_back({0, 0, col, other->level_max});
        Submission changed = *reparsed;
        Answer& a = changed.innovations[0].answers.edit(row);
        a.present = a.level_given = true;
        a.has_value = false;
        a.value_text.clear();
        a.level = other->level_max;
        Workspace ws;
        const RegionResult moved = base.score_region(sc, 0, ws);
        const Score want2 = score(changed, {p, false});
        EXPECT_EQ(moved.iid_h, want2.iid_h) << to_string(p);
        EXPECT_EQ(moved.innovation_sum_h, want2.innovation_sum_h);
        ++compared;
      }
    }
  }
  EXPECT_EQ(pairs, 20);  // (example, other edition) pairs whose JSON reads under the other
  EXPECT_EQ(compared, 4 * 17);  // of them, those with an innovation to change, four policies each
}
