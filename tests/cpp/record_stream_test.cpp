// RecordStream (JSON Lines / a sequence of JSON values read in chunks) must give exactly what
// RecordReader gives over the whole text: the same records, errors, line and column numbers,
// and the same resynchronisation after a bad record, whatever the chunk boundaries are.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <system_error>

#include "inovasi/score.hpp"
#include "inovasi/submission.hpp"
#include "test_util.hpp"

using namespace inovasi;

namespace {

const std::string kRegion = R"("region":{"code":"64.03","type":"kabupaten"})";

std::string with_gov(const std::string& ed, const std::string& gov, const std::string& extra = "") {
  return "{\"edition\":\"" + ed + "\"," + kRegion + extra + ",\"government\":" + gov + "}";
}

// What a record comes to, as one comparable string: position, then the score's JSON or the
// error (message with file:line:column, pointer).
std::string describe(const RecordResult& r) {
  std::string s = std::to_string(r.index) + "@" + std::to_string(r.line) + ":" + std::to_string(r.column) + " ";
  if (r.error) {
    s += "error [" + r.error->pointer() + "] " + r.error->what();
  } else if (r.submission) {
    s += to_json(score(*r.submission, ScoreOptions{}), *r.submission->edition);
  } else {
    s += "neither";
  }
  return s;
}

std::vector<std::string> read_whole(const std::string& text, const ParseOptions& o) {
  RecordReader rr(text, o);
  std::vector<std::string> out;
  RecordResult r;
  while (rr.next(r)) out.push_back(describe(r));
  return out;
}

// A source that hands out `text` in pieces of the given sizes (cycled), never more than asked.
ChunkSource pieces(const std::string& text, std::vector<std::size_t> sizes) {
  struct State {
    std::string text;
    std::vector<std::size_t> sizes;
    std::size_t pos = 0, call = 0;
  };
  auto st = std::make_shared<State>(State{text, std::move(sizes)});
  return [st](char* buf, std::size_t cap) -> std::size_t {
    std::size_t n = std::min({cap, st->sizes[st->call++ % st->sizes.size()], st->text.size() - st->pos});
    std::memcpy(buf, st->text.data() + st->pos, n);
    st->pos += n;
    return n;
  };
}

std::vector<std::string> read_stream(ChunkSource src, const ParseOptions& o, std::size_t chunk,
                                     std::size_t* max_capacity = nullptr) {
  RecordStream rs(std::move(src), o, chunk);
  std::vector<std::string> out;
  RecordResult r;
  while (rs.next(r)) {
    out.push_back(describe(r));
    if (max_capacity) *max_capacity = std::max(*max_capacity, rs.buffer_capacity());
  }
  return out;
}

ParseOptions opts(std::size_t max_bytes = ParseLimits{}.max_document_bytes) {
  ParseOptions o;
  o.source = "regions.jsonl";
  o.limits.max_document_bytes = max_bytes;
  return o;
}

// Inputs with every kind of record boundary and error RecordReader knows.
std::vector<std::string> corpus() {
  const std::string a = with_gov("iid-2023", R"({"1":{"level":2},"12":{"level":3}})");
  const std::string b = with_gov("iid-2026", "{}", R"(,"x-note":"Bénédicte \ud83d\ude00 \u00e9 \"q\" \\ 日本")");
  const std::string c = with_gov("iid-2024", R"({"1":{"level":3}})");
  std::vector<std::string> v = {
      a + "\n" + b + "\n" + c + "\n",
      a + "\n" + b + "\n" + c,                                   // no final newline
      a + "\r\n" + b + "\r\n\r\n" + c + "\r\n",                   // CRLF and a blank line
      "\n\n  " + a + "\n" + "  \t" + b + "\n\n",                   // leading blanks, indented record
      a + " " + b + "\t" + c + "\n",                             // several values on one line
      a + "\n" + R"({"edition":"iid-2023","region":NaN})" + "\n" + b + "\n",
      a + "\n" + R"({"edition":"iid-2023","region":{"code":"64.03",)" + "\n" + b + "\n",  // truncated
      a + "\n" + R"({"edition":"iid-2023","x-a":)" + "\n" + b + "\n" + c + "\n",
      a + "\n" + R"({"edition":"iid-2023","region":{"code":"64.03","type":"city"}})" + "\n" + b + "\n",
      a + "\n" + "{\"edition\":\"iid-2023\",\"x-s\":\"\xC3\x28\"}\n" + b + "\n",       // invalid UTF-8
      a + "\n" + "{\"edition\":\"iid-2023\",\"x-s\":\"\xF0\x9F\x98\"}\n" + b + "\n",  // cut sequence
      a + "\n" + R"({"edition":"iid-2023","x-s":"\ud83d"})" + "\n" + b + "\n",  // lone surrogate
      a + "\n" + R"({"edition":"iid-2023","x-s":"ab\ude00 cd"})" + "\n" + b + "\n",  // lone low surrogate
      a + "\n" + R"({"edition":"iid-2023","x-s":"\ud83d\u0041"})" + "\n" + b + "\n",  // pair broken
      a + "\n" + "{\"edition\":\"iid-2023\",\"x-s\":\"\xF0\x9F\x98\x80\xF0\x9F\x98\"}\n" + b + "\n",
      a + "\n" + R"({"edition":"iid-2023","edition":"iid-2024"})" + "\n" + b + "\n",  // duplicate key
      a + "\n" + R"({"edition":'iid-2023'})" + "\n" + b + "\n",
      a + "\n" + R"({"edition":"iid-2023","x-n":-Infinity})" + "\n" + b + "\n",
      a + "\n" + "[" + c + "]\n" + b + "\n",                      // a top-level array
      "12345\n-7.5e3\ntrue\nnull\n\"text\"\n" + a + "\n",          // scalar records
      a + "\n" + "garbage here\n  {not a record\n" + b + "\n",     // resync skips lines
      a + "\n" + "}" + "\n",                                        // error, then nothing to resync to
      a + "\n" + "{\"edition\":\"iid-2023\"\n",                     // truncated at the end of input
      a + "\n" + "{\"edition\":\"iid-2023\"",                       // ... without a newline
      "{\n  \"edition\": \"iid-2023\",\n  \"region\": {\"code\": \"64.03\", \"type\": \"kota\"}\n}\n\n" + b + "\n",
      "{\n  \"edition\": \"iid-2023\",\n  \"region\": {\"code\": \"64.03\", \"type\": }\n}\n" + b + "\n",
      a + "\n" + std::string(300, ' ') + "\n" + c,                 // a long run of blanks
      "",
      "   \n\n\t",
  };
  return v;
}

}  // namespace

TEST(RecordStream, SameAsRecordReaderForEveryChunking) {
  const std::vector<std::vector<std::size_t>> patterns = {{1}, {2}, {3}, {7}, {64}, {1, 100, 5}, {4096}, {1u << 20}};
  int n = 0;
  for (const auto& text : corpus()) {
    SCOPED_TRACE(text);
    auto want = read_whole(text, opts());
    for (const auto& pat : patterns)
      for (std::size_t chunk : {std::size_t(1), std::size_t(16), std::size_t(4096)}) {
        EXPECT_EQ(read_stream(pieces(text, pat), opts(), chunk), want) << "pattern " << pat[0] << " chunk " << chunk;
        ++n;
      }
  }
  EXPECT_EQ(n, 29 * 8 * 3);
}

TEST(RecordStream, SameAsRecordReaderWhenTheWindowEndsAtAnyByte) {
  // The first read stops at byte k, so some record is tried on exactly the prefix [0, k).
  for (const auto& text : corpus()) {
    SCOPED_TRACE(text);
    auto want = read_whole(text, opts());
    for (std::size_t k = 1; k < text.size(); ++k)
      ASSERT_EQ(read_stream(pieces(text, {k, text.size()}), opts(), text.size()), want) << "k=" << k;
  }
}

TEST(RecordStream, SameAsRecordReaderOnTheExamples) {
  std::string text;
  for (const char* f : {"kabupaten-banyuwangi-2024.json", "kabupaten-banyuwangi-2026-evidence.json",
                        "kabupaten-berau-2023.json", "kabupaten-gunung-mas-2025.json", "kabupaten-nduga-2024.json",
                        "kabupaten-sleman-2024.json", "kota-makassar-2026.json", "kota-surabaya-2023.json",
                        "kota-tangerang-2026.json"})
    text += test::source_file(std::string("examples/") + f) + "\n";
  auto want = read_whole(text, opts());
  ASSERT_EQ(want.size(), 9u);
  for (const auto& w : want) EXPECT_EQ(w.find(" error ["), std::string::npos) << w.substr(0, 200);
  for (std::size_t chunk : {std::size_t(1), std::size_t(100), std::size_t(5000), std::size_t(1) << 20})
    EXPECT_EQ(read_stream(pieces(text, {chunk}), opts(), chunk), want) << chunk;
}

TEST(RecordStream, RecordSizeLimitAsRecordReader) {
  // A 400-byte limit: records of ~150 bytes pass, one of ~1000 bytes is "larger than the limit",
  // and the window never holds much more than the limit and a chunk.
  const std::string small = with_gov("iid-2023", R"({"1":{"level":2}})");
  const std::string big = with_gov("iid-2023", "{}", ",\"x-pad\":\"" + std::string(1000, 'p') + "\"");
  for (const std::string& text : {small + "\n" + big + "\n" + small + "\n", small + "\n" + big, big}) {
    SCOPED_TRACE(text.size());
    auto want = read_whole(text, opts(400));
    bool limit_error = false;
    for (const auto& w : want) limit_error |= w.find("larger than the limit of 400 bytes") != std::string::npos;
    EXPECT_TRUE(limit_error);
    for (std::size_t chunk : {std::size_t(1), std::size_t(7), std::size_t(64), std::size_t(401), std::size_t(402)}) {
      std::size_t cap = 0;
      EXPECT_EQ(read_stream(pieces(text, {chunk}), opts(400), chunk, &cap), want) << chunk;
      EXPECT_LE(cap, 402u + chunk) << chunk;
    }
    for (std::size_t k = 1; k < text.size(); k += 13)
      EXPECT_EQ(read_stream(pieces(text, {k, text.size()}), opts(400), 64), want) << "k=" << k;
  }
}

TEST(RecordStream, MutatedInputsAgreeWithRecordReader) {
  // Deterministic fuzzing: a fixed seed, a fixed number of cases.
  std::mt19937 rng(20240607);
  const std::string base = corpus()[0] + corpus()[21] + corpus()[5];
  const std::string alphabet = std::string("{}[]\":,\\\n\r tNI-0e.") + "\xC3\xFF\xF0";
  for (int i = 0; i < 400; ++i) {
    std::string text = base;
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      std::size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0: text.erase(at, 1 + rng() % 4); break;
        case 1: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        default: text[at] = alphabet[rng() % alphabet.size()]; break;
      }
    }
    SCOPED_TRACE(i);
    auto want = read_whole(text, opts(600));
    std::vector<std::size_t> pat = {1 + rng() % 9, 1 + rng() % 200, 1 + rng() % 40};
    ASSERT_EQ(read_stream(pieces(text, pat), opts(600), 1 + rng() % 300), want) << text;
  }
}

TEST(RecordStream, MemoryStaysBoundedOnALongInput) {
  // 20,000 records (~3 MB) through a 4 KiB window: the buffer never grows past limit + chunk, and
  // here not past two chunks (every record is far smaller than a chunk).
  const std::string rec = with_gov("iid-2023", R"({"1":{"level":2},"12":{"level":3}})") + "\n";
  const std::size_t count = 20000;
  auto st = std::make_shared<std::size_t>(0);
  ChunkSource gen = [st, &rec, count](char* buf, std::size_t cap) -> std::size_t {
    std::size_t total = rec.size() * count, n = std::min(cap, total - *st);
    for (std::size_t i = 0; i < n; ++i) buf[i] = rec[(*st + i) % rec.size()];
    *st += n;
    return n;
  };
  RecordStream rs(gen, opts(), 4096);
  RecordResult r;
  std::size_t n = 0, cap = 0;
  while (rs.next(r)) {
    ASSERT_TRUE(r.submission.has_value()) << describe(r);
    ASSERT_EQ(r.line, n + 1);
    ++n;
    cap = std::max(cap, rs.buffer_capacity());
  }
  EXPECT_EQ(n, count);
  EXPECT_EQ(rs.bytes_read(), rec.size() * count);
  EXPECT_LE(cap, 2u * 4096);
}

TEST(RecordStream, ASourceThatThrowsCanBeRetried) {
  // An interrupted read (EINTR) surfaces as an exception; calling again continues where it was.
  const std::string text = corpus()[5];
  auto want = read_whole(text, opts());
  auto inner = pieces(text, {5});
  int calls = 0;
  ChunkSource flaky = [&](char* buf, std::size_t cap) -> std::size_t {
    if (++calls % 4 == 0) throw std::system_error(EINTR, std::generic_category(), "read");
    return inner(buf, cap);
  };
  RecordStream rs(flaky, opts(), 5);
  std::vector<std::string> got;
  RecordResult r;
  for (;;) {
    try {
      if (!rs.next(r)) break;
      got.push_back(describe(r));
    } catch (const std::system_error& e) {
      ASSERT_EQ(e.code().value(), EINTR);
    }
  }
  EXPECT_GT(calls, 8);
  EXPECT_EQ(got, want);
}

TEST(RecordStream, TryNextHandsOverWhatIsReadyBeforeReading) {
  const std::string a = with_gov("iid-2023", "{}");
  const std::string text = a + "\n" + a + "\n" + a;
  RecordStream rs(pieces(text, {a.size() * 2 + 2, 1000}), opts(), 1 << 16);
  RecordResult r;
  EXPECT_FALSE(rs.try_next(r));
  EXPECT_TRUE(rs.need_input());
  rs.fill();
  EXPECT_TRUE(rs.try_next(r));
  EXPECT_TRUE(rs.try_next(r));
  EXPECT_EQ(r.line, 2u);
  EXPECT_FALSE(rs.try_next(r));  // the third record has not been read yet
  EXPECT_TRUE(rs.need_input());
  EXPECT_FALSE(rs.at_end());
  rs.fill();
  EXPECT_TRUE(rs.try_next(r));
  EXPECT_EQ(r.line, 3u);
  EXPECT_TRUE(r.submission.has_value());
  EXPECT_FALSE(rs.try_next(r));
  if (rs.need_input()) {
    rs.fill();
    EXPECT_FALSE(rs.try_next(r));
  }
  EXPECT_TRUE(rs.at_end());
}

TEST(RecordStream, ReadsAFileDescriptor) {
  std::string text;
  for (const auto& t : corpus()) text += t + "\n";
  char path[] = "/tmp/inovasi-record-stream-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ASSERT_EQ(::lseek(fd, 0, SEEK_SET), 0);
  auto want = read_whole(text, opts());
  EXPECT_EQ(read_stream(fd_source(fd), opts(), 256), want);
  ::close(fd);
  ::unlink(path);
  // A read error is an exception naming the cause, not the end of input.
  RecordStream bad(fd_source(-1), opts());
  RecordResult r;
  try {
    bad.next(r);
    ADD_FAILURE() << "no error";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), EBADF);
  }
}

// After a syntax error, reading resumes at the line after the bad record's first line, so every
// line ends as a record or in a reported error (indented, CRLF, blank lines, a pretty-printed
// object, garbage): RecordReader and RecordStream agree at every chunk size from 1 to 64 bytes.
TEST(RecordStream, EveryLineEndsAsARecordOrAnErrorAfterASyntaxError) {
  const std::string g = R"({"edition":"iid-2024","region":{"code":"95.08","type":"kabupaten"}})";
  const std::string pretty = "{\n  \"edition\": \"iid-2024\",\n  \"region\": {\"code\": \"95.08\", \"type\": \"kota\"}\n}";
  struct Case {
    std::string text;
    std::size_t records, errors;
  };
  const std::vector<Case> cases = {
      {"{bad\n " + g + "\n", 2, 1},  // the issue's reproducer
      {"{bad\n\t" + g + "\n  " + g, 3, 1},
      {"{bad\r\n " + g + "\r\n" + g + "\r\n", 3, 1},
      {"{bad\n\n\n  \n\r\n\t\n" + g + "\n", 2, 1},
      {"{bad\n\n\n", 1, 1},
      {"{bad", 1, 1},
      {"{bad\n" + pretty + "\n" + g + "\n", 3, 1},
      {"{\"edition\": \n" + pretty + "\n" + g + "\n", 3, 1},
      {"{bad\ngarbage\n  " + g + "\n", 3, 2},
      {"{bad\n}\n]\n" + g + "\n", 4, 3},
      {g + " {bad\n" + g + "\n", 3, 1},  // the error's line also held a good record before it
      {"{\"edition\":\"iid-2024\",\"region\":{\"code\":\"95.08\",\n    " + g + "\n" + g + "\n", 3, 1},
      {"{\"x-a\":\"cut\n " + g + "\n", 2, 1},
      {"\xEF\xBB\xBF" + g + "\n " + g + "\n", 2, 1},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    RecordReader rr(c.text, opts());
    RecordResult r;
    std::size_t records = 0, errors = 0;
    while (rr.next(r)) {
      ++records;
      if (r.error) ++errors;
      else EXPECT_TRUE(r.submission.has_value());
    }
    EXPECT_EQ(records, c.records);
    EXPECT_EQ(errors, c.errors);
    const auto want = read_whole(c.text, opts());
    for (std::size_t chunk = 1; chunk <= 64; ++chunk)
      ASSERT_EQ(read_stream(pieces(c.text, {chunk}), opts(), chunk), want) << "chunk " << chunk;
    for (std::size_t k = 1; k < c.text.size(); ++k)
      ASSERT_EQ(read_stream(pieces(c.text, {k, c.text.size()}), opts(), c.text.size()), want) << "k=" << k;
  }
}
