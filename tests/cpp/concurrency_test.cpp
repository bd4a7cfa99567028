// Determinism and concurrency: an edition is loaded once and shared read-only; threads parsing
// and scoring with it concurrently must get exactly the single-threaded results (compared as
// to_json text, which carries every figure of the breakdown). Built and run under ThreadSanitizer
// by the `tsan` preset (ctest -R Concurrent).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "inovasi/edition.hpp"
#include "inovasi/evidence.hpp"
#include "inovasi/score.hpp"
#include "inovasi/submission.hpp"
#include "test_util.hpp"

namespace {

using inovasi::Policy;

constexpr Policy kPolicies[] = {Policy::self_assessed, Policy::supported, Policy::strict, Policy::assessor};

struct Input {
  std::string name, text;
  inovasi::EditionPtr edition;  // given to the parser; the input may name its own edition
};

// A larger submission than the examples: `n` innovations with mixed levels, statuses,
// departments and affairs (2026-style gate affairs when the edition has a gate).
std::string synthetic(const std::string& edition, int n) {
  auto ed = inovasi::builtin_edition(edition);
  std::vector<test::Inv> invs;
  for (int i = 0; i < n; ++i) {
    test::Inv v;
    v.level = i % 4;
    v.status = i % 11 == 0 ? "draft" : i % 7 == 0 ? "rejected" : "submitted";
    v.department = "Dinas " + std::to_string(i % 5);
    v.affairs = {test::basic_affairs()[static_cast<std::size_t>(i) % test::basic_affairs().size()]};
    v.overrides[ed->rows[ed->innovation_rows[static_cast<std::size_t>(i) % ed->innovation_rows.size()]].key] =
        (i * 7) % 4;
    invs.push_back(v);
  }
  return test::submission(edition, 2, invs, "35.78");
}

const std::vector<Input>& inputs() {
  static const std::vector<Input> in = [] {
    std::vector<Input> v;
    auto ed2026 = inovasi::builtin_edition("iid-2026");
    auto ed2023 = inovasi::builtin_edition("iid-2023");
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(std::string(INOVASI_SOURCE_DIR) + "/examples"))
      if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files)
      v.push_back({f.filename().string(), test::source_file("examples/" + f.filename().string()), ed2026});
    v.push_back({"synthetic-2026", synthetic("iid-2026", 60), ed2026});
    v.push_back({"synthetic-2023", synthetic("iid-2023", 60), ed2023});
    return v;
  }();
  return in;
}

// Every (input, policy) result as JSON text at index input * 4 + policy; `stride`/`offset`
// select a share of the inputs (input i is done when i % stride == offset), the rest stay empty.
void score_share(std::vector<std::string>& out, std::size_t offset, std::size_t stride) {
  const auto& in = inputs();
  for (std::size_t i = offset; i < in.size(); i += stride) {
    const Input& x = in[i];
    inovasi::ParseOptions po;
    po.edition = x.edition;
    po.source = x.name;
    const inovasi::Submission sub = inovasi::parse_submission(x.text, po);
    for (std::size_t p = 0; p < 4; ++p) {
      inovasi::ScoreOptions so;
      so.policy = kPolicies[p];
      out[i * 4 + p] = inovasi::to_json(inovasi::score(sub, so), *sub.edition);
    }
  }
}

// "" when equal, else where they first differ (the JSON texts are too long to print whole).
std::string difference(const std::vector<std::string>& got, const std::vector<std::string>& want) {
  if (got.size() != want.size()) return std::to_string(got.size()) + " results, want " + std::to_string(want.size());
  for (std::size_t k = 0; k < got.size(); ++k)
    if (got[k] != want[k]) {
      std::size_t i = 0;
      while (i < got[k].size() && i < want[k].size() && got[k][i] == want[k][i]) ++i;
      return "result " + std::to_string(k) + " differs at char " + std::to_string(i) + ": ..." +
             got[k].substr(i > 40 ? i - 40 : 0, 80) + "... want ..." + want[k].substr(i > 40 ? i - 40 : 0, 80);
    }
  return "";
}

std::vector<std::string> single_threaded() {
  std::vector<std::string> out(inputs().size() * 4);
  score_share(out, 0, 1);
  return out;
}

// The work split over `threads` threads (each does every threads-th item), `rounds` times.
std::vector<std::string> split_over(int threads, int rounds) {
  std::vector<std::string> out(inputs().size() * 4);
  for (int r = 0; r < rounds; ++r) {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&out, t, threads] { score_share(out, static_cast<std::size_t>(t), static_cast<std::size_t>(threads)); });
    for (auto& th : pool) th.join();
  }
  return out;
}

TEST(ConcurrentScoring, ReferenceRunIsComplete) {
  const auto ref = single_threaded();
  ASSERT_EQ(ref.size(), inputs().size() * 4);
  ASSERT_GE(inputs().size(), 11u);  // 9 examples + 2 synthetic
  for (std::size_t k = 0; k < ref.size(); ++k) {
    EXPECT_EQ(ref[k].rfind("{", 0), 0u) << inputs()[k / 4].name;
    EXPECT_TRUE(test::contains(ref[k], std::string("\"policy\":\"") + inovasi::to_string(kPolicies[k % 4]) + "\""))
        << inputs()[k / 4].name;
  }
  // The second single-threaded run is the same (no hidden state carried between calls).
  EXPECT_EQ(difference(single_threaded(), ref), "");
}

TEST(ConcurrentScoring, EightThreadsShareOneEditionAndAllScoreEverything) {
  const auto ref = single_threaded();
  constexpr int kThreads = 8, kRounds = 2;
  std::vector<std::vector<std::string>> got(kThreads, std::vector<std::string>(ref.size()));
  std::vector<std::thread> pool;
  for (int t = 0; t < kThreads; ++t)
    pool.emplace_back([&got, t] {
      for (int r = 0; r < kRounds; ++r) score_share(got[static_cast<std::size_t>(t)], 0, 1);
    });
  for (auto& th : pool) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(difference(got[static_cast<std::size_t>(t)], ref), "") << "thread " << t;
}

TEST(ConcurrentScoring, SameResultsWithOneTwoAndEightThreads) {
  const auto ref = single_threaded();
  for (int threads : {1, 2, 8}) EXPECT_EQ(difference(split_over(threads, 2), ref), "") << threads << " threads";
}

TEST(ConcurrentScoring, FirstUseOfTheShippedEditionsFromEightThreads) {
  // Each ctest case is its own process, so this is the first builtin_edition() call: the cache
  // is built while eight threads ask for it at once; they all get the same edition objects.
  constexpr int kThreads = 8;
  std::vector<inovasi::EditionPtr> got(kThreads * 4);
  std::vector<std::thread> pool;
  for (int t = 0; t < kThreads; ++t)
    pool.emplace_back([&got, t] {
      const auto& names = test::shipped_editions();
      for (std::size_t e = 0; e < names.size(); ++e) got[static_cast<std::size_t>(t) * 4 + e] = inovasi::builtin_edition(names[e]);
    });
  for (auto& th : pool) th.join();
  for (int t = 0; t < kThreads; ++t)
    for (std::size_t e = 0; e < 4; ++e) {
      ASSERT_NE(got[static_cast<std::size_t>(t) * 4 + e], nullptr);
      EXPECT_EQ(got[static_cast<std::size_t>(t) * 4 + e].get(), got[e].get());
      EXPECT_EQ(got[e]->name, test::shipped_editions()[e]);
    }
}

TEST(ConcurrentScoring, PrevalidateAndJsonLinesStreamingInEightThreads) {
  // One JSON Lines text of every example (one record per line) read by eight RecordReaders at
  // once, each record pre-validated and scored; every thread sees the single-threaded results.
  std::string jsonl;
  for (const auto& x : inputs()) {
    std::string line = x.text;
    for (char& c : line)
      if (c == '\n' || c == '\r') c = ' ';
    jsonl += line + "\n";
  }
  auto ed = inovasi::builtin_edition("iid-2026");
  auto run = [&jsonl, &ed] {
    std::vector<std::string> out;
    inovasi::ParseOptions po;
    po.edition = ed;
    inovasi::RecordReader reader(jsonl, po);
    inovasi::RecordResult r;
    while (reader.next(r)) {
      if (!r.submission) {
        out.push_back("error: " + std::string(r.error->what()));
        continue;
      }
      std::size_t findings = 0;
      for (const auto& c : inovasi::prevalidate(*r.submission)) findings += c.findings.size();
      inovasi::ScoreOptions so;
      so.policy = kPolicies[r.index % 4];
      out.push_back(std::to_string(findings) + " " + inovasi::to_json(inovasi::score(*r.submission, so), *r.submission->edition));
    }
    return out;
  };
  const auto ref = run();
  ASSERT_EQ(ref.size(), inputs().size());
  for (const auto& s : ref) EXPECT_NE(s.rfind("error: ", 0), 0u) << s.substr(0, 200);
  constexpr int kThreads = 8;
  std::vector<std::vector<std::string>> got(kThreads);
  std::vector<std::thread> pool;
  for (int t = 0; t < kThreads; ++t) pool.emplace_back([&got, &run, t] { got[static_cast<std::size_t>(t)] = run(); });
  for (auto& th : pool) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(difference(got[static_cast<std::size_t>(t)], ref), "") << "thread " << t;
}

TEST(ConcurrentScoring, EditionsParsedFromTextInEightThreadsScoreAlike) {
  // Parsing edition files concurrently (the loader's own state) gives equal editions: the same
  // example scores identically under each thread's copy.
  const std::string text = test::source_file("editions/iid-2026.json");
  const std::string sub = test::source_file("examples/kota-tangerang-2026.json");
  auto score_with = [&sub](const inovasi::EditionPtr& ed) {
    inovasi::ParseOptions po;
    po.edition = ed;
    po.override_edition = true;
    return inovasi::to_json(inovasi::score(inovasi::parse_submission(sub, po)), *ed);
  };
  const std::string ref = score_with(inovasi::builtin_edition("iid-2026"));
  constexpr int kThreads = 8;
  std::vector<std::string> got(kThreads);
  std::vector<std::thread> pool;
  for (int t = 0; t < kThreads; ++t)
    pool.emplace_back([&, t] { got[static_cast<std::size_t>(t)] = score_with(inovasi::parse_edition(text, "iid-2026.json")); });
  for (auto& th : pool) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_TRUE(got[static_cast<std::size_t>(t)] == ref) << "thread " << t;
}

}  // namespace
