#pragma once
// Small helpers shared by the C++ tests: build submissions as JSON text, read edition files,
// catch InputErrors.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "inovasi/edition.hpp"
#include "inovasi/error.hpp"
#include "inovasi/score.hpp"
#include "inovasi/submission.hpp"
#include "inovasi/synth.hpp"

namespace test {

// Whether the suite runs under a sanitizer: heavy tests then take a sample (every path still
// runs; the sanitizer job looks for memory and undefined-behaviour errors, and the full
// comparisons run in the normal build).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif

// {"16": {"level": L}, ...} for every listed row of the edition; `overrides` replaces the level
// of single rows (key -> level).
inline std::string all_rows(const inovasi::Edition& ed, const std::vector<int>& rows, int level,
                            const std::map<std::string, int>& overrides = {}) {
  std::string s = "{";
  bool first = true;
  for (int idx : rows) {
    if (!first) s += ",";
    first = false;
    int lv = level;
    if (auto it = overrides.find(ed.rows[idx].key); it != overrides.end()) lv = it->second;
    s += "\"" + ed.rows[idx].key + "\":{\"level\":" + std::to_string(lv) + "}";
  }
  return s + "}";
}

// One innovation: every innovation row at `level` (except `overrides`), or `answers` verbatim
// when it is not empty.
struct Inv {
  int level = 0;
  std::string status = "submitted";
  std::vector<std::string> affairs;
  std::string department;                 // "" = no "department" field
  std::map<std::string, int> overrides;   // row key -> level
  std::string answers;                    // raw JSON object; replaces the generated answers
  std::string id;                         // "" = "i<index>"
  std::string applied_date;               // "" = no "applied_date" field
};

inline std::string innovations_json(const inovasi::Edition& ed, const std::vector<Inv>& invs) {
  std::string s = "[";
  for (std::size_t i = 0; i < invs.size(); ++i) {
    const Inv& v = invs[i];
    if (i) s += ",";
    s += "{\"id\":\"" + (v.id.empty() ? "i" + std::to_string(i) : v.id) + "\",\"status\":\"" + v.status + "\"";
    if (!v.department.empty()) s += ",\"department\":\"" + v.department + "\"";
    if (!v.applied_date.empty()) s += ",\"applied_date\":\"" + v.applied_date + "\"";
    s += ",\"affairs\":[";
    for (std::size_t a = 0; a < v.affairs.size(); ++a) s += (a ? ",\"" : "\"") + v.affairs[a] + "\"";
    s += "],\"answers\":" + (v.answers.empty() ? all_rows(ed, ed.innovation_rows, v.level, v.overrides) : v.answers) +
         "}";
  }
  return s + "]";
}

// A submission with raw JSON for the government answers.
// `rows_from`: the edition whose innovation rows are answered (default: the named one).
inline std::string submission_gov(const std::string& edition, const std::string& government_json,
                                  const std::vector<Inv>& invs, const std::string& code = "64.03",
                                  const inovasi::Edition* rows_from = nullptr) {
  auto ed = inovasi::builtin_edition(edition);
  return "{\"edition\":\"" + edition + "\",\"region\":{\"code\":\"" + code +
         "\",\"type\":\"kabupaten\"},\"government\":" + government_json +
         ",\"innovations\":" + innovations_json(rows_from ? *rows_from : *ed, invs) + "}";
}

// A submission with every government row at `gov_level`.
inline std::string submission(const std::string& edition, int gov_level, const std::vector<Inv>& invs,
                              const std::string& code = "64.03") {
  auto ed = inovasi::builtin_edition(edition);
  return submission_gov(edition, all_rows(*ed, ed->government_rows, gov_level), invs, code);
}

inline inovasi::Score score_text(const std::string& json,
                                 inovasi::Policy policy = inovasi::Policy::self_assessed,
                                 const inovasi::ParseOptions& parse = {}) {
  auto sub = inovasi::parse_submission(json, parse);
  inovasi::ScoreOptions o;
  o.policy = policy;
  return inovasi::score(sub, o);
}

inline const std::vector<std::string>& basic_affairs() {
  static const std::vector<std::string> a = {"pendidikan",
                                             "kesehatan",
                                             "pekerjaan umum dan penataan ruang",
                                             "perumahan rakyat dan kawasan permukiman",
                                             "ketenteraman, ketertiban umum dan pelindungan masyarakat",
                                             "sosial"};
  return a;
}

// The national dataset's JSON Lines (the generator's default profile and seed, with evidence),
// generated once per test program.
inline const std::string& national_text() {
  static const std::string text = [] {
    std::ostringstream ss;
    inovasi::write_jsonl(inovasi::SynthOptions{}, ss);
    return ss.str();
  }();
  return text;
}

inline const std::vector<std::string>& shipped_editions() {
  static const std::vector<std::string> e = {"iid-2023", "iid-2024", "iid-2025", "iid-2026"};
  return e;
}

// Text of a file under the source tree (e.g. "editions/iid-2023.json").
inline std::string source_file(const std::string& rel) {
  std::ifstream in(std::string(INOVASI_SOURCE_DIR) + "/" + rel, std::ios::binary);
  EXPECT_TRUE(in.good()) << rel;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `text` with the first occurrence of `from` at or after the first occurrence of `anchor`
// replaced by `to`; fails the test when either is missing.
inline std::string replace_after(std::string text, const std::string& anchor, const std::string& from,
                                 const std::string& to) {
  auto a = text.find(anchor);
  EXPECT_NE(a, std::string::npos) << "anchor not found: " << anchor;
  if (a == std::string::npos) return text;
  auto p = text.find(from, a);
  EXPECT_NE(p, std::string::npos) << "text not found after anchor: " << from;
  if (p == std::string::npos) return text;
  return text.replace(p, from.size(), to);
}
inline std::string replace_first(std::string text, const std::string& from, const std::string& to) {
  return replace_after(std::move(text), from, from, to);
}

// The InputError `f` throws, if any.
template <class F>
std::optional<inovasi::InputError> input_error(F&& f) {
  try {
    f();
  } catch (const inovasi::InputError& e) {
    return e;
  }
  return std::nullopt;
}

inline ::testing::AssertionResult contains(const std::string& hay, const std::string& needle) {
  if (hay.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << hay << "\" does not contain \"" << needle << "\"";
}

}  // namespace test
