// The fast columns reader (inovasi/ingest.hpp) against the reference path it replaces
// (RecordReader, then to_columns): the same columns, bit for bit, and the same error — file,
// line, column, JSON Pointer and message — on every example, synthetic JSON Lines of every
// shipped edition, the national dataset, and every file of the malformed corpus, for every
// thread count.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "inovasi/batch.hpp"
#include "inovasi/ingest.hpp"
#include "inovasi/submission.hpp"
#include "inovasi/synth.hpp"
#include "test_util.hpp"

using namespace inovasi;
namespace fs = std::filesystem;

namespace {

using Outcome = std::variant<Columns, InputError>;

Outcome reference(std::string_view text, const ParseOptions& o) {
  try {
    std::vector<Submission> subs;
    RecordReader reader(text, o);
    RecordResult rec;
    while (reader.next(rec)) {
      if (rec.error) throw *rec.error;
      subs.push_back(std::move(*rec.submission));
    }
    if (subs.empty()) throw InputError("", "no regions in the input", o.source);
    return to_columns(subs);
  } catch (const InputError& e) {
    return e;
  }
}

Outcome fast(std::string_view text, const ParseOptions& o, int threads) {
  try {
    return read_columns(text, o, Policy::self_assessed, threads);
  } catch (const InputError& e) {
    return e;
  }
}

void expect_same(const Outcome& want, const Outcome& got, const std::string& what) {
  SCOPED_TRACE(what);
  ASSERT_EQ(want.index(), got.index()) << (want.index() ? std::get<InputError>(want).what() : "columns") << " vs "
                                       << (got.index() ? std::get<InputError>(got).what() : "columns");
  if (want.index() == 1) {
    const auto& a = std::get<InputError>(want);
    const auto& b = std::get<InputError>(got);
    EXPECT_EQ(a.pointer(), b.pointer());
    EXPECT_EQ(a.message(), b.message());
    EXPECT_EQ(a.source(), b.source());
    EXPECT_EQ(a.line(), b.line());
    EXPECT_EQ(a.column(), b.column());
    EXPECT_STREQ(a.what(), b.what());
    return;
  }
  const auto& a = std::get<Columns>(want);
  const auto& b = std::get<Columns>(got);
  EXPECT_EQ(a.edition->name, b.edition->name);
  EXPECT_EQ(a.regions, b.regions);
  EXPECT_EQ(a.innovations, b.innovations);
  EXPECT_EQ(a.government_levels, b.government_levels);
  EXPECT_EQ(a.innovation_levels, b.innovation_levels);
  EXPECT_EQ(a.region_offsets, b.region_offsets);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.affairs, b.affairs);
  EXPECT_EQ(a.government_caps, b.government_caps);
  EXPECT_EQ(a.innovation_caps, b.innovation_caps);
  EXPECT_EQ(a.codes, b.codes);
  EXPECT_EQ(a.names, b.names);
  EXPECT_EQ(a.provinces, b.provinces);
  EXPECT_EQ(a.types, b.types);
}

void check_all_threads(const std::string& text, const ParseOptions& o, const std::string& what) {
  const Outcome want = reference(text, o);
  for (int threads : {1, 2, 3, 8}) expect_same(want, fast(text, o, threads), what + " threads=" + std::to_string(threads));
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string synth_jsonl(const std::string& edition, std::size_t innovations, std::uint64_t seed) {
  SynthOptions s;
  s.seed = seed;
  s.edition = builtin_edition(edition);
  s.target_innovations = innovations;
  std::ostringstream out;
  write_jsonl(s, out);
  return out.str();
}

// A text long enough that several threads each get a part (a part is at least 256 KiB).
std::string long_synth() {
  static const std::string text = synth_jsonl("iid-2023", 800, 7);
  return text;
}

}  // namespace

TEST(Ingest, EveryExampleAlone) {
  for (const auto& e : fs::directory_iterator(std::string(INOVASI_SOURCE_DIR) + "/examples")) {
    if (e.path().extension() != ".json") continue;
    ParseOptions o;
    o.source = e.path().filename().string();
    check_all_threads(read_file(e.path()), o, o.source);
  }
}

TEST(Ingest, ExamplesTogetherMixEditionsWithTheReferenceError) {
  std::string all;
  for (const auto& e : fs::directory_iterator(std::string(INOVASI_SOURCE_DIR) + "/examples"))
    if (e.path().extension() == ".json") all += read_file(e.path()) + "\n";
  const Outcome want = reference(all, {});
  ASSERT_EQ(want.index(), 1u);  // the examples are under several editions: columns hold one
  check_all_threads(all, {}, "examples");
  // Under one edition given on the command line (what fits it and what does not).
  for (const auto& name : builtin_edition_names()) {
    ParseOptions o;
    o.edition = builtin_edition(name);
    o.override_edition = true;
    check_all_threads(all, o, "examples under " + name);
  }
}

TEST(Ingest, SynthJsonLinesOfEveryEdition) {
  for (const auto& name : builtin_edition_names()) {
    const std::string text = synth_jsonl(name, 600, 11);
    ParseOptions o;
    o.source = name + ".jsonl";
    check_all_threads(text, o, name);
  }
  check_all_threads(long_synth(), {}, "long synth");
}

TEST(Ingest, NationalDatasetWhenPresent) {
  const fs::path p = fs::path(INOVASI_SOURCE_DIR) / "data/national/national-2023.jsonl";
  if (!fs::exists(p)) GTEST_SKIP() << "national dataset not generated (inovasi rank makes it)";
  const std::string text = read_file(p);
  // The first 120 regions (the reference path is slow), cut at a line boundary.
  std::size_t cut = 0;
  for (int i = 0; i < 120 && cut != std::string::npos; ++i) cut = text.find('\n', cut + 1);
  ParseOptions o;
  o.source = p.string();
  check_all_threads(text.substr(0, cut + 1), o, "national subset");
}

TEST(Ingest, EveryMalformedFile) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(std::string(INOVASI_SOURCE_DIR) + "/tests/data/malformed")) {
    ParseOptions o;
    o.source = e.path().filename().string();
    const std::string text = read_file(e.path());
    const Outcome want = reference(text, o);
    EXPECT_EQ(want.index(), 1u) << o.source;
    check_all_threads(text, o, o.source);
    // After good records, on a later line, in a part of its own when threads > 1.
    check_all_threads(long_synth() + text, o, o.source + " after good records");
    ++n;
  }
  EXPECT_GT(n, 100);
}

TEST(Ingest, FirstErrorInInputOrderWhateverTheThreads) {
  const std::string good = long_synth();
  // A validation error near the end and a syntax error near the start: the syntax error wins.
  std::string text = good;
  const std::size_t late = text.rfind("\"level\":2");
  ASSERT_NE(late, std::string::npos);
  text.replace(late, 9, "\"level\":9");
  std::size_t early = text.find('\n', text.size() / 10) + 1;
  text.insert(early, "{\"edition\": \n");
  check_all_threads(text, {}, "two errors");
  const Outcome e = fast(text, {}, 2);
  ASSERT_EQ(e.index(), 1u);
  EXPECT_TRUE(std::get<InputError>(e).is_syntax_error());
  // Only the late one.
  std::string late_only = good;
  late_only.replace(late, 9, "\"level\":9");
  check_all_threads(late_only, {}, "late error");
  EXPECT_FALSE(std::get<InputError>(fast(late_only, {}, 2)).is_syntax_error());
}

TEST(Ingest, RecordsAcrossLinesAndPartBoundaries) {
  // Pretty-printed records: every line of the text may be where a part begins, and objects
  // nested on their own lines start with '{' too. The parts must still join up.
  std::string text = synth_jsonl("iid-2024", 400, 3);
  for (const std::string from : {"},{\"", "\":{\""}) {
    const std::string to = from.substr(0, 2) + "\n" + from.substr(2);
    for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) text.replace(at, from.size(), to);
  }
  std::string big;
  while (big.size() < (std::size_t(1) << 20)) big += text;
  ASSERT_EQ(reference(big, {}).index(), 0u);
  check_all_threads(big, {}, "pretty");
}

TEST(Ingest, EscapesDuplicateKeysAndExtensionFields) {
  const auto& ed = *builtin_edition("iid-2023");
  std::string base = test::submission("iid-2023", 2, {test::Inv{1}, test::Inv{2}});
  // Escaped strings are copied out of the input; "x-" members are skipped but checked for
  // duplicate keys; a duplicate key anywhere is the reference's error.
  std::string escaped = test::replace_first(base, "\"region\":{", "\"region\":{\"name\":\"Kab. \\u00c9\\\"x\\\"\",");
  std::string ext = test::replace_first(base, "\"region\":{", "\"x-meta\":{\"a\":[1,{\"b\":2}],\"c\":{}},\"region\":{");
  std::string ext_dup = test::replace_first(base, "\"region\":{", "\"x-meta\":{\"a\":1,\"a\":2},\"region\":{");
  std::string dup = test::replace_first(base, "\"region\":{", "\"region\":{\"name\":\"a\",\"name\":\"b\",");
  for (const auto& t : {base, escaped, ext, ext_dup, dup}) check_all_threads(t + "\n" + t, {}, t.substr(0, 80));
  EXPECT_EQ(std::get<Columns>(fast(escaped, {}, 1)).names.at(0), "Kab. \xc3\x89\"x\"");
  (void)ed;
}

TEST(Ingest, EmptyInputIsNoRegions) {
  ParseOptions o;
  o.source = "empty.jsonl";
  for (const std::string t : {"", "\n\n  \n"}) check_all_threads(t, o, "empty");
}

namespace {

void expect_same_submission(const Submission& a, const Submission& b, const std::string& what) {
  SCOPED_TRACE(what);
  ASSERT_EQ(a.edition->name, b.edition->name);
  EXPECT_EQ(a.region.code, b.region.code);
  EXPECT_EQ(a.region.name, b.region.name);
  EXPECT_EQ(a.region.province, b.region.province);
  EXPECT_EQ(a.region.type, b.region.type);
  EXPECT_EQ(a.region.clusters, b.region.clusters);
  auto same_answers = [](const auto& x, const auto& y) {
    ASSERT_EQ(x.size(), y.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      const Answer &p = x[i], &q = y[i];
      EXPECT_EQ(p.present, q.present);
      EXPECT_EQ(p.level, q.level);
      EXPECT_EQ(p.level_given, q.level_given);
      EXPECT_EQ(p.value_text, q.value_text);
      EXPECT_EQ(p.has_value, q.has_value);
      EXPECT_EQ(p.basis, q.basis);
      EXPECT_EQ(p.acceptance, q.acceptance);
      ASSERT_EQ(p.evidence.size(), q.evidence.size());
      for (std::size_t j = 0; j < p.evidence.size(); ++j) {
        const EvidenceItem &e = p.evidence[j], &f = q.evidence[j];
        EXPECT_EQ(e.kind, f.kind);
        EXPECT_EQ(e.file, f.file);
        EXPECT_EQ(e.file_type, f.file_type);
        EXPECT_EQ(e.date, f.date);
        EXPECT_EQ(e.year, f.year);
        EXPECT_EQ(e.group, f.group);
        EXPECT_EQ(e.value.has_value(), f.value.has_value());
        if (e.value && f.value) EXPECT_EQ(e.value->to_string(), f.value->to_string());
        EXPECT_EQ(e.signed_, f.signed_);
        EXPECT_EQ(e.names_innovation, f.names_innovation);
        EXPECT_EQ(e.highlighted, f.highlighted);
        EXPECT_EQ(e.in_force, f.in_force);
        EXPECT_EQ(e.on_behalf_of_regional_head, f.on_behalf_of_regional_head);
        EXPECT_EQ(e.has_cover, f.has_cover);
        EXPECT_EQ(e.duration_s.has_value(), f.duration_s.has_value());
        if (e.duration_s && f.duration_s) EXPECT_EQ(e.duration_s->to_string(), f.duration_s->to_string());
        EXPECT_EQ(e.verdict, f.verdict);
        EXPECT_EQ(e.supported_level, f.supported_level);
      }
    }
  };
  same_answers(a.government, b.government);
  ASSERT_EQ(a.innovations.size(), b.innovations.size());
  for (std::size_t i = 0; i < a.innovations.size(); ++i) {
    const Innovation &x = a.innovations[i], &y = b.innovations[i];
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.department, y.department);
    EXPECT_EQ(x.stage, y.stage);
    EXPECT_EQ(x.status, y.status);
    EXPECT_EQ(x.form, y.form);
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.affairs, y.affairs);
    EXPECT_EQ(x.applied_date, y.applied_date);
    EXPECT_EQ(x.source_index, y.source_index);
    same_answers(x.answers, y.answers);
  }
}

// parse_submission reads a document into the JNode tree; RecordReader reads records through
// the flat tree. The one parser over either tree gives the same submission or the same error.
void expect_same_by_both_trees(const std::string& record, const std::string& what) {
  std::optional<Submission> by_dom;
  std::optional<InputError> dom_error;
  try {
    by_dom = parse_submission(record);
  } catch (const InputError& e) {
    dom_error = e;
  }
  RecordReader reader(record, {});
  RecordResult rec;
  // A document and a sequence differ in what is left over: no value at all, or a second one.
  if (!reader.next(rec)) {
    EXPECT_TRUE(dom_error.has_value()) << what;
    return;
  }
  if (dom_error && dom_error->message().find("extra data after the JSON value") != std::string::npos) return;
  if (dom_error) {
    ASSERT_TRUE(rec.error.has_value()) << what << ": " << dom_error->what();
    EXPECT_EQ(rec.error->pointer(), dom_error->pointer()) << what;
    EXPECT_EQ(rec.error->message(), dom_error->message()) << what;
    return;
  }
  ASSERT_FALSE(rec.error.has_value()) << what << ": " << rec.error->what();
  expect_same_submission(*by_dom, *rec.submission, what);
}

}  // namespace

TEST(Ingest, FlatTreeAndDomTreeGiveTheSameSubmissionOrError) {
  for (const auto& e : fs::directory_iterator(std::string(INOVASI_SOURCE_DIR) + "/examples"))
    if (e.path().extension() == ".json") expect_same_by_both_trees(read_file(e.path()), e.path().filename().string());
  for (const auto& name : builtin_edition_names()) {
    std::istringstream lines(synth_jsonl(name, 300, 13));
    std::string line;
    for (int i = 0; i < 12 && std::getline(lines, line); ++i) expect_same_by_both_trees(line, name);
  }
  int n = 0;
  for (const auto& e : fs::directory_iterator(std::string(INOVASI_SOURCE_DIR) + "/tests/data/malformed"))
    if (e.path().extension() == ".json") {
      expect_same_by_both_trees(read_file(e.path()), e.path().filename().string());
      ++n;
    }
  EXPECT_GT(n, 100);
}

namespace {

std::vector<std::int64_t> reader_lines(std::string_view text, const ParseOptions& o) {
  std::vector<std::int64_t> lines;
  RecordReader reader(text, o);
  RecordResult rec;
  while (reader.next(rec)) {
    if (rec.error) throw *rec.error;
    lines.push_back(static_cast<std::int64_t>(rec.line));
  }
  return lines;
}

}  // namespace

TEST(Ingest, LinesAreTheReadersRecordLinesWhateverTheThreads) {
  // Blank lines between records and records spread over several lines, across part boundaries.
  std::string spaced;
  {
    std::istringstream in(long_synth());
    std::string line;
    for (int k = 0; std::getline(in, line); ++k) spaced += line + (k % 3 == 0 ? "\n\n \n" : "\n");
  }
  std::string pretty = synth_jsonl("iid-2024", 400, 3);
  for (std::size_t at = 0; (at = pretty.find("},{\"", at)) != std::string::npos; at += 5) pretty.replace(at, 4, "},\n{\"");
  std::string big;
  while (big.size() < (std::size_t(1) << 20)) big += pretty;
  for (const std::string* text : {&spaced, &big}) {
    const auto want = reader_lines(*text, {});
    ASSERT_GT(want.size(), 4u);
    ASSERT_GE(text->size(), std::size_t(3) << 18);  // three parts of 256 KiB at least
    ASSERT_NE(want.back(), static_cast<std::int64_t>(want.size()));  // lines differ from record numbers
    for (int threads : {1, 2, 3, 8}) {
      std::vector<std::int64_t> got;
      const Columns c = read_columns(*text, {}, Policy::self_assessed, threads, &got);
      EXPECT_EQ(c.regions, want.size()) << "threads=" << threads;
      EXPECT_EQ(got, want) << "threads=" << threads;
    }
    std::vector<std::int64_t> got;  // the reference path (another policy) gives them too
    read_columns(*text, {}, Policy::supported, 2, &got);
    EXPECT_EQ(got, want);
  }
}

TEST(Ingest, PollRunsDuringTheReadAndAnExceptionItThrowsStopsIt) {
  const std::string& text = test::national_text();  // tens of MiB: a poll about every MiB
  struct Stop {};
  for (int threads : {1, 2}) {
    for (Policy policy : {Policy::self_assessed, Policy::strict}) {
      SCOPED_TRACE("threads " + std::to_string(threads) + ", " + to_string(policy));
      int calls = 0;
      ParseOptions o;
      o.poll = [&] { ++calls; };
      const Columns all = read_columns(text, o, policy, threads);
      EXPECT_GE(calls, static_cast<int>(text.size() >> 20) / (threads + 1)) << "polled about every MiB";
      calls = 0;
      o.poll = [&] {
        if (++calls == 3) throw Stop{};
      };
      EXPECT_THROW(read_columns(text, o, policy, threads), Stop);
      EXPECT_EQ(calls, 3) << "the read stopped at the poll that threw";
      EXPECT_GT(all.regions, 0u);
    }
  }
}
