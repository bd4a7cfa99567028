#include "inovasi/submission.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <system_error>

#include "io/jread.hpp"
#include "io/json_dom.hpp"
#include "io/flat_json.hpp"
#include "io/submission_parser.hpp"

namespace inovasi {

using namespace detail;


namespace {

// The rules live in io/submission_parser.hpp, shared with the columns reader.
Submission build(const JNode& root, const ParseOptions& opt) {
  Submission s;
  build_submission(root, opt, s);
  return s;
}

JsonLimits json_limits(const ParseLimits& l) { return JsonLimits{l.max_depth, l.max_document_bytes}; }

}  // namespace

Submission parse_submission(const std::string& json_text, const ParseOptions& options) {
  try {
    const JDoc doc = parse_document(json_text, json_limits(options.limits));
    return build(doc.root(), options);
  } catch (const InputError& e) {
    if (!options.source.empty()) throw e.located(options.source, e.line() ? e.line() : 1, e.line() ? e.column() : 1);
    throw;
  }
}

namespace {

// The record that starts at rest[0] (not whitespace), parsed into a tree, or its syntax error
// placed in the input (`line`, `column`: where the record starts). `reach` is how many bytes of
// `rest` the outcome depends on, so a stream that holds only a prefix of the input knows when
// the outcome is the one the whole input gives.
struct Attempt {
  std::optional<JDoc> root;
  const FNode* flat = nullptr;  // the record in the flat tree (io/flat_json.hpp), when it takes it
  std::size_t consumed = 0;
  std::optional<InputError> error;
  std::size_t reach = 0;
};

// An error found on a prefix is the whole input's error only this far before the prefix ends:
// Boost.JSON may report an incomplete UTF-8 sequence or \u escape pair (up to 12 bytes) at its
// start, and the message looks one byte past the error.
constexpr std::size_t kErrorMargin = 16;

Attempt attempt_record(std::string_view rest, const ParseOptions& options, std::size_t line, std::size_t column,
                       const std::string& src) {
  Attempt a;
  // The flat tree first (no allocation per node); whatever it does not take, parse_one reads,
  // and its messages stand. One reader per thread: its tree is used before the next attempt.
  static thread_local FlatReader flat;
  if (std::size_t consumed = 0; (a.flat = flat.read(rest, 0, json_limits(options.limits), consumed))) {
    a.consumed = consumed;
    a.reach = consumed + (a.flat->type == JType::number ? 1 : 0);
    return a;
  }
  try {
    std::size_t consumed = 0;
    a.root = parse_one(rest, consumed, json_limits(options.limits));
    a.consumed = consumed;
    // A number ends only at the byte after it; other values end at their last byte.
    a.reach = consumed + (a.root->root().type == JType::number ? 1 : 0);
  } catch (const InputError& e) {
    // Syntax error: position relative to the record start → absolute.
    std::size_t l = e.line() ? e.line() : 1, c = e.column() ? e.column() : 1;
    std::size_t abs_line = line + l - 1;
    std::size_t abs_col = l == 1 ? column + c - 1 : c;
    a.error = InputError(e.pointer(), e.message(), src, abs_line, abs_col);
    std::size_t off = 0;  // where line l starts in `rest`
    for (std::size_t k = 1; k < l && off != std::string_view::npos; ++k) {
      off = rest.find('\n', off);
      if (off != std::string_view::npos) ++off;
    }
    a.reach = (off == std::string_view::npos ? rest.size() : off + c - 1) + kErrorMargin;
    if (l > 1 && off != std::string_view::npos && off < rest.size()) {
      // A line of JSON Lines cut short is only noticed where a later record begins (first
      // non-blank byte of its line): report it at the record that is incomplete; reading
      // resumes at the line after its start, so the good lines after it are read.
      std::size_t first = off;
      while (first < rest.size() && (rest[first] == ' ' || rest[first] == '\t' || rest[first] == '\r')) ++first;
      if (first == off + c - 1 && first < rest.size() && rest[first] == '{')
        a.error = InputError("", "syntax error: the record ends early (truncated?); line " +
                                     std::to_string(abs_line) + " starts a new record",
                             src, line, column);
    }
  }
  return a;
}

void build_record(const Attempt& a, const ParseOptions& options, const std::string& src, RecordResult& out) {
  try {
    if (a.flat) {
      out.submission.emplace();
      build_submission(*a.flat, options, *out.submission);
    } else {
      out.submission = build(a.root->root(), options);
    }
  } catch (const InputError& e) {
    out.submission.reset();
    out.error = e.located(src, out.line, out.column);
  }
}

std::string source_name(const ParseOptions& o) { return o.source.empty() ? std::string("<input>") : o.source; }

// With this many bytes after a record's start, parse_one sees what it sees in the whole input.
std::size_t window_limit(const ParseLimits& l) {
  return l.max_document_bytes > SIZE_MAX - 2 ? SIZE_MAX : l.max_document_bytes + 2;
}

}  // namespace

RecordReader::RecordReader(std::string_view text, ParseOptions options)
    : text_(text), options_(std::move(options)) {}

RecordReader::RecordReader(std::string_view text, ParseOptions options, const Position& at)
    : text_(text), options_(std::move(options)), pos_(at.pos), line_(at.line), line_start_(at.line_start),
      index_(at.index) {}

bool RecordReader::next(RecordResult& out) {
  out = RecordResult{};
  if (done_) return false;
  // Advance line bookkeeping to the record's first character.
  std::size_t start = skip_ws(text_, pos_);
  for (std::size_t i = pos_; i < start; ++i)
    if (text_[i] == '\n') { ++line_; line_start_ = i + 1; }
  pos_ = start;
  if (pos_ >= text_.size()) {
    done_ = true;
    return false;
  }
  out.index = index_++;
  out.line = line_;
  out.column = pos_ - line_start_ + 1;
  const std::string src = source_name(options_);
  Attempt a = attempt_record(text_.substr(pos_), options_, out.line, out.column, src);
  if (a.root || a.flat) {
    std::size_t end = pos_ + a.consumed;
    for (std::size_t i = pos_; i < end; ++i)
      if (text_[i] == '\n') { ++line_; line_start_ = i + 1; }
    pos_ = end;
    build_record(a, options_, src, out);
  } else {
    out.error = std::move(a.error);
    // Resynchronise at the next line: every line after the bad record's first line is read
    // again (JSON Lines: a bad line costs only itself), so no line is skipped unreported.
    std::size_t nl = text_.find('\n', pos_);
    if (nl == std::string_view::npos) {
      done_ = true;
    } else {
      ++line_;
      line_start_ = nl + 1;
      pos_ = nl + 1;
    }
  }
  return true;
}

// --- RecordStream ---------------------------------------------------------------------------
// RecordReader's rules over a window of the input: a record is parsed from the bytes at hand
// and the outcome kept only when it cannot depend on bytes not read yet (Attempt::reach), or
// when the window holds the rest of the input or more than the record size limit (then
// parse_one sees exactly what it sees in the whole text). Otherwise the stream reads more and
// tries again once the window has doubled, so a large record is parsed O(1) times on average.

ChunkSource fd_source(int fd) {
  return [fd](char* buffer, std::size_t capacity) -> std::size_t {
    ssize_t n = ::read(fd, buffer, capacity);
    if (n < 0) throw std::system_error(errno, std::generic_category(), "read");
    return static_cast<std::size_t>(n);
  };
}

RecordStream::RecordStream(ChunkSource source, ParseOptions options, std::size_t chunk_bytes)
    : source_(std::move(source)),
      options_(std::move(options)),
      src_(source_name(options_)),
      chunk_(std::max<std::size_t>(chunk_bytes, 1)) {}

void RecordStream::fill() {
  need_input_ = false;
  if (eof_) return;
  std::size_t have = end_ - head_;
  // Keep the unconsumed bytes (the start of a record, at most) at the front.
  if (head_ > 0) {
    if (have) std::memmove(buf_.data(), buf_.data() + head_, have);
    base_ += head_;
    head_ = 0;
    end_ = have;
  }
  // Read at least a chunk, and as much as is held while a record outgrows the window (doubling),
  // but no more than the record size limit needs.
  const std::size_t limit = window_limit(options_.limits);
  std::size_t want = std::max(chunk_, have);
  if (have < limit) want = std::min(want, std::max(chunk_, limit - have));
  if (buf_.size() < have + want) {
    buf_.resize(have + want);
  } else if (buf_.size() > 4 * chunk_ && have + want <= 2 * chunk_) {
    // Give back the memory of a large record once it is behind us.
    std::string smaller(2 * chunk_, '\0');
    std::memcpy(smaller.data(), buf_.data(), have);
    buf_.swap(smaller);
  }
  std::size_t n = source_(buf_.data() + end_, want);
  if (n == 0) eof_ = true;
  end_ += std::min(n, want);
}

bool RecordStream::skip_whitespace() {
  for (; head_ < end_; ++head_) {
    char c = buf_[head_];
    if (c == '\n') {
      ++line_;
      line_start_ = base_ + head_ + 1;
    } else if (c != ' ' && c != '\t' && c != '\r') {
      return true;
    }
  }
  if (eof_) done_ = true;
  else need_input_ = true;
  return false;
}

bool RecordStream::resync() {
  // As RecordReader: from the bad record's start to just past the end of its first line.
  const void* p = std::memchr(buf_.data() + head_, '\n', end_ - head_);
  if (p) {
    head_ = static_cast<std::size_t>(static_cast<const char*>(p) - buf_.data()) + 1;
    ++line_;
    line_start_ = base_ + head_;
    resyncing_ = false;
    return true;
  }
  head_ = end_;  // the line goes on past the window
  if (eof_) done_ = true;
  else need_input_ = true;
  return false;
}

bool RecordStream::try_next(RecordResult& out) {
  out = RecordResult{};
  need_input_ = false;
  if (done_) return false;
  if (resyncing_ && !resync()) return false;
  if (!skip_whitespace()) return false;
  const std::size_t avail = end_ - head_;
  const bool whole = eof_ || avail >= window_limit(options_.limits);
  if (!whole && tried_ && avail < 2 * tried_) {
    need_input_ = true;
    return false;
  }
  const std::size_t line = line_, column = static_cast<std::size_t>(base_ + head_ - line_start_) + 1;
  Attempt a = attempt_record(std::string_view(buf_).substr(head_, avail), options_, line, column, src_);
  if (!whole && a.reach > avail) {
    tried_ = avail;
    need_input_ = true;
    return false;
  }
  tried_ = 0;
  out.index = index_++;
  out.line = line;
  out.column = column;
  if (a.root || a.flat) {
    const std::size_t end = head_ + a.consumed;
    for (const char* p = buf_.data() + head_;
         (p = static_cast<const char*>(std::memchr(p, '\n', buf_.data() + end - p))) != nullptr;) {
      ++p;
      ++line_;
      line_start_ = base_ + (p - buf_.data());
    }
    head_ = end;
    build_record(a, options_, src_, out);
  } else {
    out.error = std::move(a.error);
    resyncing_ = true;  // from the record's start, as RecordReader
  }
  return true;
}

bool RecordStream::next(RecordResult& out) {
  for (;;) {
    if (try_next(out)) return true;
    if (done_) return false;
    fill();
  }
}

}  // namespace inovasi
