// The malformed-input corpus (tests/data/malformed/, tests/data/malformed_editions/) against the
// expected errors in tests/data/malformed_manifest.json, and the huge inputs that are generated
// here instead of committed: 100,000 levels of nesting, a 200 MB string, too many innovations or
// evidence items. Every bad input must be an InputError naming the place, never a crash.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "inovasi/batch.hpp"
#include "inovasi/edition.hpp"
#include "inovasi/score.hpp"
#include "inovasi/submission.hpp"
#include "test_util.hpp"

using namespace inovasi;
namespace fs = std::filesystem;
namespace bj = boost::json;

namespace {

const std::string kData = std::string(INOVASI_SOURCE_DIR) + "/tests/data";

const bj::object& manifest() {
  // The manifest is test data written by hand, so Boost.JSON (not the engine's reader) reads it.
  static const bj::object m = bj::parse(test::source_file("tests/data/malformed_manifest.json")).as_object();
  return m;
}

std::string str(const bj::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v ? std::string(v->as_string()) : std::string();
}

struct Case {
  std::string file, pointer, message;
  bool has_pointer = false;
  std::size_t line = 0;
  const bj::object* entry = nullptr;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.file; }

std::vector<Case> cases(const char* section) {
  std::vector<Case> out;
  for (const auto& v : manifest().at(section).as_array()) {
    const auto& o = v.as_object();
    Case c;
    c.entry = &o;
    c.file = str(o, "file");
    c.message = str(o, "message");
    c.has_pointer = o.contains("pointer");
    c.pointer = str(o, "pointer");
    if (auto* l = o.if_contains("line")) c.line = static_cast<std::size_t>(l->as_int64());
    out.push_back(c);
  }
  return out;
}

std::string test_name(const ::testing::TestParamInfo<Case>& info) {
  std::string n = info.param.file;
  for (auto& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

std::set<std::string> files_in(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

// The error matches the manifest: the same pointer (or, for a syntax error, no pointer and the
// same line) and a message containing the expected text.
::testing::AssertionResult matches(const InputError& e, const Case& c) {
  auto fail = [&](const std::string& why) {
    return ::testing::AssertionFailure() << c.file << ": " << why << "; got pointer \"" << e.pointer()
                                         << "\" line " << e.line() << ": " << e.what();
  };
  if (c.has_pointer && e.pointer() != c.pointer) return fail("expected pointer \"" + c.pointer + "\"");
  if (!c.has_pointer && (!e.pointer().empty() || e.line() != c.line))
    return fail("expected a syntax error on line " + std::to_string(c.line));
  if (e.message().find(c.message) == std::string::npos) return fail("message lacks \"" + c.message + "\"");
  return ::testing::AssertionSuccess();
}

// ---- The manifest and the folders agree ----------------------------------------------------

TEST(MalformedManifest, EverySubmissionFileIsListedAndEveryEntryExists) {
  std::set<std::string> listed;
  for (const auto& c : cases("submissions")) {
    EXPECT_TRUE(listed.insert(c.file).second) << "listed twice: " << c.file;
    bool jsonl = c.file.size() > 6 && c.file.substr(c.file.size() - 6) == ".jsonl";
    if (jsonl) {
      ASSERT_TRUE(c.entry->contains("errors") && c.entry->contains("good")) << c.file;
      EXPECT_FALSE(c.entry->at("errors").as_array().empty()) << c.file;
      for (const auto& w : c.entry->at("errors").as_array())
        EXPECT_FALSE(str(w.as_object(), "message").empty()) << c.file;
    } else {
      EXPECT_FALSE(c.message.empty()) << c.file;
      EXPECT_NE(c.has_pointer, c.entry->contains("line")) << c.file << ": give a pointer or a line";
    }
  }
  auto present = files_in(kData + "/malformed");
  EXPECT_EQ(listed, present);
  EXPECT_GE(present.size(), 65u);
}

TEST(MalformedManifest, EveryEditionFileIsListedAndEveryEntryExists) {
  std::set<std::string> listed;
  for (const auto& c : cases("editions")) {
    EXPECT_TRUE(listed.insert(c.file).second) << "listed twice: " << c.file;
    EXPECT_NE(c.has_pointer, c.entry->contains("line")) << c.file;
  }
  auto present = files_in(kData + "/malformed_editions");
  EXPECT_EQ(listed, present);
  EXPECT_GE(present.size(), 10u);
}

// The documents the cases were derived from are valid: each case fails for its own defect.
TEST(MalformedManifest, ControlsLoad) {
  auto sub = parse_submission(bj::serialize(manifest().at("submission_control")));
  EXPECT_EQ(sub.region.code, "64.03");
  ASSERT_EQ(sub.innovations.size(), 1u);
  auto ed = parse_edition(bj::serialize(manifest().at("edition_control")));
  EXPECT_EQ(ed->name, "mini");
  EXPECT_EQ(ed->max_total_h, 4900);  // (1 + 2) × 3 + (3 + 2) × 3 + 0.25 × 100
}

// ---- Submissions -----------------------------------------------------------------------------

class MalformedSubmission : public ::testing::TestWithParam<Case> {};

TEST_P(MalformedSubmission, IsRejectedWithTheExpectedError) {
  const Case& c = GetParam();
  const std::string path = kData + "/malformed/" + c.file;
  const std::string text = test::source_file("tests/data/malformed/" + c.file);
  bool jsonl = c.entry->contains("errors");

  if (jsonl) {
    // Every record is read; the good ones parse, each bad one is reported at its own line.
    ParseOptions opt;
    opt.source = path;
    RecordReader reader(text, opt);
    RecordResult r;
    std::vector<std::size_t> good;
    std::vector<InputError> errors;
    std::vector<std::size_t> error_records;
    std::size_t n = 0;
    while (reader.next(r)) {
      EXPECT_EQ(r.index, n);
      ++n;
      if (r.error) {
        errors.push_back(*r.error);
        error_records.push_back(r.index);
      } else {
        ASSERT_TRUE(r.submission.has_value());
        good.push_back(r.index);
      }
    }
    EXPECT_EQ(n, static_cast<std::size_t>(c.entry->at("records").as_int64()));
    std::vector<std::size_t> want_good;
    for (const auto& g : c.entry->at("good").as_array()) want_good.push_back(static_cast<std::size_t>(g.as_int64()));
    EXPECT_EQ(good, want_good);
    const auto& want = c.entry->at("errors").as_array();
    ASSERT_EQ(errors.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      const auto& w = want[i].as_object();
      EXPECT_EQ(error_records[i], static_cast<std::size_t>(w.at("record").as_int64()));
      EXPECT_EQ(errors[i].line(), static_cast<std::size_t>(w.at("line").as_int64())) << errors[i].what();
      EXPECT_EQ(errors[i].pointer(), str(w, "pointer")) << errors[i].what();
      EXPECT_TRUE(test::contains(errors[i].message(), str(w, "message")));
      EXPECT_EQ(errors[i].source(), path);
    }
    // As one document it is not a submission either.
    EXPECT_THROW(parse_submission(text), InputError);
    return;
  }

  auto e = test::input_error([&] { parse_submission(text); });
  ASSERT_TRUE(e.has_value()) << c.file << " was accepted";
  EXPECT_TRUE(matches(*e, c));

  // With a file name the error is located in that file.
  ParseOptions named;
  named.source = path;
  auto e2 = test::input_error([&] { parse_submission(text, named); });
  ASSERT_TRUE(e2.has_value());
  EXPECT_EQ(e2->source(), path);
  EXPECT_EQ(std::string(e2->what()).rfind(path + ":", 0), 0u) << e2->what();
  EXPECT_EQ(e2->pointer(), e->pointer());

  // The command line reads files as record sequences: the same error comes out of the first bad
  // record. (An empty input is an empty sequence there; the command line rejects it itself.)
  if (c.line == 0 && !c.has_pointer) return;
  RecordReader reader(text, named);
  RecordResult r;
  std::optional<InputError> first;
  std::size_t good = 0;
  while (reader.next(r)) {
    if (r.error && !first) first = r.error;
    if (!r.error) ++good;
  }
  ASSERT_TRUE(first.has_value()) << c.file << " was accepted as a record sequence";
  EXPECT_TRUE(matches(*first, c));
  auto* sg = c.entry->if_contains("sequence_good");
  EXPECT_EQ(good, sg ? static_cast<std::size_t>(sg->as_int64()) : 0u) << c.file;
}

INSTANTIATE_TEST_SUITE_P(Corpus, MalformedSubmission, ::testing::ValuesIn(cases("submissions")), test_name);

// ---- Editions --------------------------------------------------------------------------------

class MalformedEditionFile : public ::testing::TestWithParam<Case> {};

TEST_P(MalformedEditionFile, IsRejectedWithTheExpectedError) {
  const Case& c = GetParam();
  const std::string path = kData + "/malformed_editions/" + c.file;
  auto e = test::input_error([&] { load_edition_file(path); });
  ASSERT_TRUE(e.has_value()) << c.file << " was accepted";
  EXPECT_TRUE(matches(*e, c));
  EXPECT_EQ(e->source(), path);
  // resolve_edition (what --edition uses) reads the same file.
  auto e2 = test::input_error([&] { resolve_edition(path); });
  ASSERT_TRUE(e2.has_value());
  EXPECT_EQ(e2->pointer(), e->pointer());
}

INSTANTIATE_TEST_SUITE_P(Corpus, MalformedEditionFile, ::testing::ValuesIn(cases("editions")), test_name);

// ---- Huge and limit cases, generated here --------------------------------------------------

const std::string kHead = R"({"edition":"iid-2024","region":{"code":"64.03","type":"kabupaten"})";

std::string nested(std::size_t depth, bool arrays) {
  std::string s;
  s.reserve(depth * 6);
  for (std::size_t i = 0; i < depth; ++i) s += arrays ? "[" : "{\"a\":";
  s += arrays ? "" : "0";
  for (std::size_t i = 0; i < depth; ++i) s += arrays ? "]" : "}";
  return s;
}

InputError must_fail(const std::string& text, const ParseOptions& opt = {}) {
  auto e = test::input_error([&] { parse_submission(text, opt); });
  EXPECT_TRUE(e.has_value());
  return e.value_or(InputError("", "<accepted>"));
}

TEST(HugeInput, NestingOf100000ArraysIsADepthError) {
  for (const std::string& text : {nested(100000, true), kHead + ",\"x-deep\":" + nested(100000, true) + "}"}) {
    auto e = must_fail(text);
    EXPECT_TRUE(e.is_syntax_error());
    EXPECT_TRUE(test::contains(e.message(), "nesting deeper than the limit"));
    EXPECT_EQ(e.line(), 1u);
  }
}

TEST(HugeInput, NestingOf100000ObjectsIsADepthError) {
  auto e = must_fail(kHead + ",\"x-deep\":" + nested(100000, false) + "}");
  EXPECT_TRUE(e.is_syntax_error());
  EXPECT_TRUE(test::contains(e.message(), "nesting deeper than the limit"));
}

TEST(HugeInput, DeepNestingInARecordSequenceEndsInOneError) {
  std::string text = kHead + "}\n" + nested(100000, true) + "\n" + kHead + "}\n";
  RecordReader reader(text, {});
  RecordResult r;
  std::vector<bool> ok;
  std::optional<InputError> err;
  while (reader.next(r)) {
    ok.push_back(!r.error);
    if (r.error) err = r.error;
  }
  // The deep line is one bad record; the reader resynchronises at the next line starting '{'.
  EXPECT_EQ(ok, (std::vector<bool>{true, false, true}));
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->line(), 2u);
  EXPECT_TRUE(test::contains(err->message(), "nesting deeper than the limit"));
}

TEST(HugeInput, NestingOf100000WithTheLimitRaisedIsStillACleanError) {
  // Regression: the JSON parser recurses once per level, and max_depth = 200000 let 100,000
  // levels overflow the stack (a segfault). Limits above the ceiling of 1024 levels are capped.
  ParseOptions opt;
  opt.limits.max_depth = 200000;
  for (bool arrays : {true, false}) {
    auto e = must_fail(kHead + ",\"x-deep\":" + nested(100000, arrays) + "}", opt);
    EXPECT_TRUE(e.is_syntax_error());
    EXPECT_TRUE(test::contains(e.message(), "nesting deeper than the limit of 1024 levels")) << e.what();
    std::string text = nested(100000, arrays) + "\n" + kHead + "}\n";
    RecordReader reader(text, opt);
    RecordResult r;
    ASSERT_TRUE(reader.next(r));
    ASSERT_TRUE(r.error.has_value());
    EXPECT_TRUE(test::contains(r.error->message(), "nesting deeper than the limit of 1024 levels"));
    ASSERT_TRUE(reader.next(r));
    EXPECT_TRUE(r.submission.has_value());
  }
  // Up to the ceiling the raised limit holds: the submission object and 1023 arrays are 1024.
  auto doc = [](std::size_t k) { return kHead + ",\"x-d\":" + nested(k, true) + "}"; };
  EXPECT_EQ(parse_submission(doc(1023), opt).region.code, "64.03");
  EXPECT_TRUE(test::contains(must_fail(doc(1024), opt).message(), "limit of 1024 levels"));
}

TEST(Limits, MaxDepthIsConfigurableAndExact) {
  // The submission object is level 1, so `k` nested arrays under an x- key make depth k + 1.
  auto doc = [](std::size_t k) { return kHead + ",\"x-d\":" + nested(k, true) + "}"; };
  ParseOptions opt;
  opt.limits.max_depth = 8;
  EXPECT_NO_THROW(parse_submission(doc(7), opt));
  auto e = must_fail(doc(8), opt);
  EXPECT_TRUE(test::contains(e.message(), "nesting deeper than the limit of 8 levels"));
  // The default is 64.
  EXPECT_EQ(ParseLimits{}.max_depth, 64u);
  EXPECT_NO_THROW(parse_submission(doc(63)));
  EXPECT_TRUE(test::contains(must_fail(doc(64)).message(), "nesting deeper than the limit of 64 levels"));
}

TEST(HugeInput, A200MBStringExceedsTheDocumentLimit) {
  const std::size_t n = 200u << 20;
  std::string text = kHead.substr(0, kHead.size()) + ",\"x-blob\":\"";
  text.append(n, 'a');
  text += "\"}";
  EXPECT_EQ(ParseLimits{}.max_document_bytes, std::size_t(64) << 20);
  auto e = must_fail(text);
  EXPECT_TRUE(test::contains(e.message(), "larger than the limit of 67108864 bytes")) << e.what();
  // Read as a record sequence (the command line) the record is refused after the first 64 MiB.
  RecordReader reader(text, {});
  RecordResult r;
  ASSERT_TRUE(reader.next(r));
  ASSERT_TRUE(r.error.has_value());
  EXPECT_TRUE(test::contains(r.error->message(), "larger than the limit of 67108864 bytes")) << r.error->what();
  // Limits raised: the same text is read in full (the x- key is ignored).
  ParseOptions big;
  big.limits.max_document_bytes = std::size_t(256) << 20;
  auto sub = parse_submission(text, big);
  EXPECT_EQ(sub.region.code, "64.03");
}

TEST(Limits, MaxDocumentBytesIsConfigurableAndExact) {
  const std::string text = kHead + "}";
  ParseOptions opt;
  opt.limits.max_document_bytes = text.size();
  EXPECT_NO_THROW(parse_submission(text, opt));
  opt.limits.max_document_bytes = text.size() - 1;
  EXPECT_TRUE(test::contains(must_fail(text, opt).message(), "larger than the limit of " +
                                                                   std::to_string(text.size() - 1) + " bytes"));
}

std::string with_innovations(std::size_t n) {
  std::string s = kHead + ",\"innovations\":[";
  for (std::size_t i = 0; i < n; ++i) s += (i ? ",{\"id\":\"i" : "{\"id\":\"i") + std::to_string(i) + "\",\"status\":\"draft\"}";
  return s + "]}";
}

TEST(Limits, MaxInnovationsDefaultIs10000) {
  EXPECT_EQ(ParseLimits{}.max_innovations, 10000u);
  EXPECT_EQ(parse_submission(with_innovations(10000)).innovations.size(), 10000u);
  auto e = must_fail(with_innovations(10001));
  EXPECT_EQ(e.pointer(), "/innovations");
  EXPECT_TRUE(test::contains(e.message(), "10001 innovations exceed the limit of 10000 per region"));
}

TEST(Limits, MaxInnovationsIsConfigurable) {
  ParseOptions opt;
  opt.limits.max_innovations = 3;
  EXPECT_EQ(parse_submission(with_innovations(3), opt).innovations.size(), 3u);
  auto e = must_fail(with_innovations(4), opt);
  EXPECT_EQ(e.pointer(), "/innovations");
  EXPECT_TRUE(test::contains(e.message(), "4 innovations exceed the limit of 3"));
}

std::string with_evidence(std::size_t n) {
  std::string items;
  for (std::size_t i = 0; i < n; ++i) items += (i ? "," : "") + std::string(R"({"kind":"regional_law"})");
  return kHead + R"(,"innovations":[{"id":"a","status":"submitted","answers":{"16":{"level":2,"evidence":[)" +
         items + "]}}}]}";
}

TEST(Limits, MaxEvidenceItemsDefaultIs200AndConfigurable) {
  EXPECT_EQ(ParseLimits{}.max_evidence_items, 200u);
  auto sub = parse_submission(with_evidence(200));
  EXPECT_EQ(sub.innovations[0].answers[sub.edition->row_index("16")].evidence.size(), 200u);
  auto e = must_fail(with_evidence(201));
  EXPECT_EQ(e.pointer(), "/innovations/0/answers/16/evidence");
  EXPECT_TRUE(test::contains(e.message(), "201 evidence items exceed the limit of 200"));
  ParseOptions opt;
  opt.limits.max_evidence_items = 2;
  EXPECT_NO_THROW(parse_submission(with_evidence(2), opt));
  auto e2 = must_fail(with_evidence(3), opt);
  EXPECT_EQ(e2.pointer(), "/innovations/0/answers/16/evidence");
  EXPECT_TRUE(test::contains(e2.message(), "3 evidence items exceed the limit of 2"));
}

// ---- Memory: the tree stays in proportion to the input ----------------------------------------

TEST(Limits, LongArraysManyKeysAndLongTextsReadBack) {
  // The compact tree gives back what was read, whatever the shape: 200,000 zeros, 50,000 keys
  // (one duplicated at the end), texts across the 7-byte inline limit and a 100 KB one.
  std::string zeros;
  for (int i = 0; i < 200000; ++i) zeros += i ? ",0" : "0";
  auto sub = parse_submission(kHead + R"(,"x-pad":[)" + zeros + "]}");
  EXPECT_EQ(sub.region.code, "64.03");
  std::string keys;
  for (int i = 0; i < 50000; ++i) keys += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
  EXPECT_NO_THROW(parse_submission(kHead + R"(,"x-pad":{)" + keys + "}}"));
  auto e = must_fail(kHead + R"(,"x-pad":{)" + keys + R"(,"k777":1}})");
  EXPECT_EQ(e.pointer(), "/x-pad/k777");
  EXPECT_TRUE(test::contains(e.message(), "duplicate key"));
  for (std::size_t n : {0u, 1u, 6u, 7u, 8u, 15u, 16u, 100000u}) {
    const std::string name(n, 'n');
    auto s = parse_submission(R"({"edition":"iid-2024","region":{"code":"64.03","name":")" + name +
                              R"(","type":"kabupaten"}})");
    EXPECT_EQ(s.region.name, name) << n;
  }
}

// ---- Editions scored exactly: at the engine's range and just beyond --------------------------

std::string bound_edition(std::int64_t second_innovation_weight_h) {
  bj::object ed = manifest().at("edition_control").as_object();
  auto& rows = ed.at("rows").as_array();
  auto weight = [](std::int64_t h) { return bj::value(static_cast<double>(h) / 100); };
  // Two government rows, two innovation rows, level_max 3, count 50 × 1e8: one innovation's
  // maximum 2147483625 hundredths (2^31 is the bound), the total 1099511627750 (2^40 - 26).
  rows[0].as_object()["weight"] = weight(99560690675);
  rows[1].as_object()["weight"] = weight(99560690700);
  rows[2].as_object()["weight"] = weight(715827875 - 358000000);
  rows[3].as_object()["weight"] = weight(second_innovation_weight_h);
  auto& cp = ed.at("count_points").as_object().at("value").as_object();
  cp["rate"] = 50;
  cp["cap"] = 100000000;
  const std::int64_t total = 3 * (99560690675 + 99560690700) + 3 * (715827875 - 358000000 + second_innovation_weight_h) +
                             5000 * std::int64_t{100000000};
  ed.at("max_total").as_object()["value"] = bj::value(static_cast<double>(total) / 100);
  std::string text = bj::serialize(ed);
  return text;
}

TEST(ExactRange, AnEditionAtTheBoundScoresExactlyInScoreAndBatch) {
  auto ed = parse_edition(bound_edition(358000000));
  EXPECT_EQ(ed->max_innovation_h(), 2147483625);
  EXPECT_EQ(ed->max_total_h, 1099511627750);
  // Every answer at the top level, 10,000 innovations: total = government 597364144125 +
  // innovation average 2147483625 + count 5000 × 10000; IID = 599561627750 / 1099511627750 ×
  // 100 = 54.5298... → 54.53 (computed with Python's fractions).
  std::string invs;
  for (int i = 0; i < 10000; ++i)
    invs += (i ? "," : "") + std::string(R"({"id":"i)") + std::to_string(i) +
            R"(","status":"submitted","answers":{"16":{"level":3},"17":{"level":3}}})";
  ParseOptions o;
  o.edition = ed;
  const std::string text = R"({"region":{"code":"64.03","type":"kabupaten"},"government":{"1":{"level":3},"2":{"level":3}},"innovations":[)" +
                           invs + "]}";
  auto sub = parse_submission(text, o);
  const Score sc = score(sub, ScoreOptions{});
  EXPECT_EQ(sc.iid_h, 5453);
  EXPECT_EQ(sc.government_h, 597364144125);
  EXPECT_EQ(sc.innovation_sum_h, 2147483625LL * 10000);
  const BatchResult b = score_batch(to_columns({sub}).view(), 1);
  EXPECT_EQ(b.iid_h[0], sc.iid_h);
  EXPECT_EQ(b.innovation_sum_h[0], sc.innovation_sum_h);
  EXPECT_EQ(b.government_h[0], sc.government_h);
}

TEST(ExactRange, OneQuarterPointMoreIsRefusedWhereItIs) {
  auto e = test::input_error([] { parse_edition(bound_edition(358000000 + 25)); });
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->pointer(), "/rows/3/weight");
  EXPECT_TRUE(test::contains(e->message(), "one innovation's maximum")) << e->what();
  EXPECT_TRUE(test::contains(e->message(), "21474837")) << e->what();
}

TEST(Limits, RegionEvidenceItemsAreCountedAcrossAnswers) {
  // Three answers of two items each under a region limit of 5: the third answer's second item
  // is the first beyond it.
  const std::string items = R"([{"kind":"regional_law"},{"kind":"regional_law"}])";
  const std::string text = kHead + R"(,"innovations":[{"id":"a","status":"submitted","answers":{"16":{"level":2,"evidence":)" +
                           items + R"(}}},{"id":"b","status":"submitted","answers":{"16":{"level":2,"evidence":)" + items +
                           R"(},"17":{"value":3,"evidence":)" + items + "}}}]}";
  ParseOptions opt;
  opt.limits.max_region_evidence_items = 6;
  EXPECT_NO_THROW(parse_submission(text, opt));
  opt.limits.max_region_evidence_items = 5;
  auto e = must_fail(text, opt);
  EXPECT_EQ(e.pointer(), "/innovations/1/answers/17/evidence/1");
  EXPECT_TRUE(test::contains(e.message(), "exceed the limit of 5 per region")) << e.what();
  EXPECT_EQ(ParseLimits{}.max_region_evidence_items, 100000u);
}

}  // namespace
