// The fast columns reader (inovasi/ingest.hpp). Each record is parsed into a flat tree
// (io/flat_json.hpp) and checked by the one submission parser (io/submission_parser.hpp) in
// lean mode, then put in columns by to_columns, one record at a time. What the flat tree does
// not accept (syntax errors, duplicate keys, limits) is read again by RecordReader, whose
// outcome then stands; a record under another edition, rare and an error, sends the whole
// input down the reference path so that its message is to_columns' own.
#include "inovasi/ingest.hpp"

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <cstring>
#include <optional>
#include <thread>
#include <unordered_map>

#include "io/flat_json.hpp"
#include "io/json_dom.hpp"
#include "io/submission_parser.hpp"

namespace inovasi {

namespace {

using detail::FlatReader;
using detail::FNode;

std::string source_name(const ParseOptions& o) { return o.source.empty() ? std::string("<input>") : o.source; }

// `departments` indexes into.departments (kept by the caller across appends: a lookup per
// department, not a scan of the table).
using DepartmentIndex = std::unordered_map<std::string, std::uint32_t>;

void append(Columns& into, Columns&& one, DepartmentIndex& departments) {
  if (!into.edition) {
    into = std::move(one);
    departments.clear();
    for (std::size_t d = 0; d < into.departments.size(); ++d)
      departments.emplace(into.departments[d], static_cast<std::uint32_t>(d));
    return;
  }
  auto cat = [](auto& a, auto& b) { a.insert(a.end(), std::make_move_iterator(b.begin()), std::make_move_iterator(b.end())); };
  cat(into.government_levels, one.government_levels);
  cat(into.innovation_levels, one.innovation_levels);
  cat(into.status, one.status);
  cat(into.affairs, one.affairs);
  cat(into.government_caps, one.government_caps);
  cat(into.innovation_caps, one.innovation_caps);
  cat(into.government_supported_cap, one.government_supported_cap);
  cat(into.innovation_supported_cap, one.innovation_supported_cap);
  cat(into.government_assessor_cap, one.government_assessor_cap);
  cat(into.innovation_assessor_cap, one.innovation_assessor_cap);
  cat(into.government_acceptance, one.government_acceptance);
  cat(into.innovation_acceptance, one.innovation_acceptance);
  // Value indices move by the rows of the tables before them; departments are renumbered into
  // the table of the whole (first appearance, as a single pass would number them).
  std::size_t into_answers = 0, one_answers = 0;
  auto values = [&](std::vector<std::int32_t>& idx, Columns::ValueTable& t, std::vector<std::int32_t>& oidx,
                    Columns::ValueTable& ot) {
    // An empty index means no value given (every entry -1): filled out when the other side has one.
    if (idx.empty() && oidx.empty()) return;
    if (idx.empty()) idx.assign(into_answers, -1);
    const auto base = static_cast<std::int32_t>(t.value.size());
    if (oidx.empty()) idx.resize(idx.size() + one_answers, -1);
    for (auto v : oidx) idx.push_back(v < 0 ? v : v + base);
    cat(t.value, ot.value);
    cat(t.basis, ot.basis);
  };
  const std::size_t G = into.edition->government_rows.size(), K = into.edition->innovation_rows.size();
  into_answers = into.regions * G, one_answers = one.regions * G;
  values(into.government_value, into.government_values, one.government_value, one.government_values);
  into_answers = into.innovations * K, one_answers = one.innovations * K;
  values(into.innovation_value, into.innovation_values, one.innovation_value, one.innovation_values);
  cat(into.innovation_ids, one.innovation_ids);
  std::vector<std::uint32_t> remap(one.departments.size());
  for (std::size_t d = 0; d < one.departments.size(); ++d) {
    auto [it, fresh] = departments.try_emplace(one.departments[d], static_cast<std::uint32_t>(into.departments.size()));
    if (fresh) into.departments.push_back(std::move(one.departments[d]));
    remap[d] = it->second;
  }
  for (auto d : one.department_index) into.department_index.push_back(remap[d]);
  const auto base = static_cast<std::int64_t>(into.innovations);
  for (std::size_t r = 1; r < one.region_offsets.size(); ++r) into.region_offsets.push_back(base + one.region_offsets[r]);
  cat(into.codes, one.codes);
  cat(into.names, one.names);
  cat(into.provinces, one.provinces);
  cat(into.types, one.types);
  cat(into.clusters, one.clusters);
  into.regions += one.regions;
  into.innovations += one.innovations;
}

bool same_edition(const EditionPtr& a, const EditionPtr& b) { return a.get() == b.get() || a->name == b->name; }

// The records that start in [begin, end) of the text, read on one thread.
struct Part {
  std::size_t begin = 0, end = 0;
  Columns columns;
  std::vector<std::size_t> starts;  // where each region's record starts (byte offsets)
  std::size_t stop = 0;      // where reading stopped: after the last record, whitespace skipped
  bool bad = false;          // stopped at a bad record that starts at `stop`
  bool mixed = false;        // holds a record under another edition than its first
  DepartmentIndex departments;  // of `columns`
};

// Runs ParseOptions::poll now and then (about every MiB read) on the calling thread; the other
// threads only look at `stop`, which a poll that threw sets, so that they stop early too.
struct Stopped {};
struct Poller {
  const std::function<void()>* poll = nullptr;  // null on the other threads
  std::atomic<bool>* stop = nullptr;
  std::size_t next_at = 0;
  void at(std::size_t pos) {
    if (stop && stop->load(std::memory_order_relaxed)) throw Stopped{};
    if (!poll || !*poll || pos < next_at) return;
    next_at = pos + (std::size_t{1} << 20);
    try {
      (*poll)();
    } catch (...) {
      if (stop) stop->store(true, std::memory_order_relaxed);
      throw;
    }
  }
};

class Worker {
 public:
  // `evidence`: keep every answer's evidence and build policy columns (to_policy_columns).
  Worker(std::string_view text, const ParseOptions& options, bool evidence)
      : text_(text), options_(options), limits_{options.limits.max_depth, options.limits.max_document_bytes},
        scratch_(1), evidence_(evidence) {}

  // One record at `pos` (not whitespace): its submission, in scratch, and the position after
  // it; or nothing, with `error` set when asked for (line and column of the record given).
  bool record(std::size_t pos, std::size_t& next, const RecordReader::Position* where,
              std::optional<InputError>* error) {
    std::size_t consumed = 0;
    if (const FNode* root = flat_.read(text_, pos, limits_, consumed)) {
      try {
        detail::build_submission(*root, options_, scratch_[0], !evidence_);
        next = pos + consumed;
        from_reference_ = false;
        return true;
      } catch (const InputError& e) {
        if (error && where)
          error->emplace(e.located(source_name(options_), where->line, pos - where->line_start + 1));
        return false;
      }
    }
    // Not a tree the fast path takes: the reference reader's outcome stands.
    RecordReader::Position at = where ? *where : RecordReader::Position{pos, 1, 0, 0};
    at.pos = pos;
    RecordReader reader(text_, options_, at);
    RecordResult rec;
    reader.next(rec);
    if (rec.error) {
      if (error) *error = std::move(rec.error);
      return false;
    }
    reference_ = std::move(*rec.submission);
    from_reference_ = true;
    next = reader.position().pos;
    return true;
  }

  const Submission& last() const { return from_reference_ ? reference_ : scratch_[0]; }

  void read(Part& part, Poller& poller) {
    std::size_t pos = part.begin;
    for (;;) {
      pos = detail::skip_ws(text_, pos);
      if (pos >= part.end || pos >= text_.size()) break;
      poller.at(pos);
      std::size_t next = pos;
      if (!record(pos, next, nullptr, nullptr)) {
        part.bad = true;
        break;
      }
      const Submission& s = last();
      if (part.columns.edition && !same_edition(part.columns.edition, s.edition)) part.mixed = true;
      if (!part.mixed) {
        part.starts.push_back(pos);
        const std::vector<Submission> one_ref = from_reference_ ? std::vector<Submission>{reference_} : std::vector<Submission>{};
        const std::vector<Submission>& subs = from_reference_ ? one_ref : scratch_;
        append(part.columns, evidence_ ? to_policy_columns(subs) : to_columns(subs), part.departments);
      }
      pos = next;
    }
    part.stop = pos;
  }

 private:
  std::string_view text_;
  const ParseOptions& options_;
  detail::JsonLimits limits_;
  FlatReader flat_;
  std::vector<Submission> scratch_;  // to_columns takes a vector: one reused submission
  Submission reference_;
  bool from_reference_ = false;
  bool evidence_ = false;
};

// Line and line start of byte `pos`, as RecordReader counts them.
RecordReader::Position position_of(std::string_view text, std::size_t pos) {
  RecordReader::Position at;
  at.pos = pos;
  const char* p = text.data();
  const char* end = text.data() + pos;
  while ((p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)))) != nullptr) {
    ++p;
    ++at.line;
    at.line_start = static_cast<std::size_t>(p - text.data());
  }
  return at;
}

Columns reference_columns(std::string_view text, const ParseOptions& options, Policy policy,
                          std::vector<std::int64_t>* lines, bool evidence) {
  std::vector<Submission> subs;
  RecordReader reader(text, options);
  RecordResult rec;
  Poller poller{&options.poll};
  if (lines) lines->clear();
  while (reader.next(rec)) {
    poller.at(reader.position().pos);
    if (rec.error) throw *rec.error;
    subs.push_back(std::move(*rec.submission));
    if (lines) lines->push_back(static_cast<std::int64_t>(rec.line));
  }
  if (subs.empty()) throw InputError("", "no regions in the input", options.source);
  return evidence ? to_policy_columns(subs) : to_columns(subs, policy);
}

}  // namespace

Columns read_columns(std::string_view text, const ParseOptions& options, Policy policy, int threads) {
  return read_columns(text, options, policy, threads, nullptr);
}

namespace {

Columns read_parts(std::string_view text, const ParseOptions& options, Policy policy, int threads,
                   std::vector<std::int64_t>* lines, bool evidence);

}  // namespace

Columns read_columns(std::string_view text, const ParseOptions& options, Policy policy, int threads,
                     std::vector<std::int64_t>* lines) {
  if (policy != Policy::self_assessed) return reference_columns(text, options, policy, lines, false);
  return read_parts(text, options, policy, threads, lines, false);
}

Columns read_policy_columns(std::string_view text, const ParseOptions& options, int threads,
                            std::vector<std::int64_t>* lines) {
  return read_parts(text, options, Policy::self_assessed, threads, lines, true);
}

namespace {

Columns read_parts(std::string_view text, const ParseOptions& options, Policy policy, int threads,
                   std::vector<std::int64_t>* lines, bool evidence) {
  // A part per thread, each long enough that starting a thread for it pays.
  const std::size_t max_parts = std::max<std::size_t>(1, text.size() / (std::size_t(256) << 10));
  const std::size_t n = std::min(thread_count(threads), max_parts);
  std::vector<Part> parts(n);
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t b = k == 0 ? 0 : text.size() * k / n;
    if (k > 0) {
      const std::size_t nl = text.find('\n', b);
      b = nl == std::string_view::npos ? text.size() : nl + 1;
      b = std::max(b, parts[k - 1].begin);
    }
    parts[k].begin = b;
  }
  for (std::size_t k = 0; k < n; ++k) parts[k].end = k + 1 < n ? parts[k + 1].begin : text.size();
  {
    std::vector<std::thread> pool;
    std::vector<std::exception_ptr> failures(n);
    std::atomic<bool> stop{false};
    for (std::size_t k = 1; k < n; ++k)
      pool.emplace_back([&, k] {
        try {
          Poller others{nullptr, &stop};
          Worker(text, options, evidence).read(parts[k], others);
        } catch (const Stopped&) {
          // the calling thread's poll threw: its exception is the one that propagates
        } catch (...) {
          failures[k] = std::current_exception();
        }
      });
    try {
      Poller mine{&options.poll, &stop};
      Worker(text, options, evidence).read(parts[0], mine);
    } catch (...) {
      failures[0] = std::current_exception();
    }
    for (auto& t : pool) t.join();
    for (auto& f : failures)
      if (f) std::rethrow_exception(f);
  }
  // Parts in input order. A part is the reading of the whole input from its start only if the
  // part before it stopped exactly there (no record crossed the boundary); otherwise the rest
  // is read again from where the part before stopped.
  Columns out;
  DepartmentIndex out_departments;
  std::vector<std::size_t> starts;
  bool mixed = false;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    Part& part = parts[k];
    if (part.columns.edition && out.edition && !same_edition(out.edition, part.columns.edition)) mixed = true;
    mixed = mixed || part.mixed;
    if (!mixed && part.columns.edition) {
      append(out, std::move(part.columns), out_departments);
      starts.insert(starts.end(), part.starts.begin(), part.starts.end());
    }
    if (part.bad) {
      // The first bad record in input order: read again where its line is known.
      Worker w(text, options, evidence);
      const RecordReader::Position at = position_of(text, part.stop);
      std::size_t next = 0;
      std::optional<InputError> error;
      if (!w.record(part.stop, next, &at, &error) && error) throw *error;
      // Not reproduced (it cannot be: the reading is deterministic): the reference decides.
      return reference_columns(text, options, policy, lines, evidence);
    }
    if (k + 1 < parts.size() && part.stop != detail::skip_ws(text, parts[k + 1].begin)) {
      Part rest;
      rest.begin = part.stop;
      rest.end = text.size();
      Poller mine{&options.poll};
      Worker(text, options, evidence).read(rest, mine);
      parts.resize(k + 2);
      parts[k + 1] = std::move(rest);
    }
  }
  if (mixed) return reference_columns(text, options, policy, lines, evidence);  // its error names the record
  if (!out.edition) throw InputError("", "no regions in the input", options.source);
  if (lines) {
    // Starts ascend: one pass over the text counts the lines, as RecordReader does.
    lines->clear();
    lines->reserve(starts.size());
    std::int64_t line = 1;
    const char* p = text.data();
    for (std::size_t at : starts) {
      const char* end = text.data() + at;
      while ((p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)))) != nullptr) {
        ++p;
        ++line;
      }
      p = end;
      lines->push_back(line);
    }
  }
  return out;
}

}  // namespace

std::size_t parse_only_baseline(std::string_view text, int threads) {
  const auto n = thread_count(threads);
  std::vector<std::size_t> cut{0};
  for (std::size_t k = 1; k < n; ++k) {
    const std::size_t nl = text.find('\n', text.size() * k / n);
    cut.push_back(std::max(cut.back(), nl == std::string_view::npos ? text.size() : nl + 1));
  }
  cut.push_back(text.size());
  std::atomic<std::size_t> objects{0};
  std::vector<std::exception_ptr> failures(n);
  auto part = [&](std::size_t k) {
    try {
      std::size_t b = cut[k], found = 0;
      while (b < cut[k + 1]) {
        std::size_t nl = text.find('\n', b);
        if (nl == std::string_view::npos || nl > cut[k + 1]) nl = cut[k + 1];
        if (detail::skip_ws(text.substr(0, nl), b) < nl) found += boost::json::parse(text.substr(b, nl - b)).is_object();
        b = nl + 1;
      }
      objects += found;
    } catch (...) {
      failures[k] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t k = 1; k < n; ++k) pool.emplace_back(part, k);
  part(0);
  for (auto& t : pool) t.join();
  for (auto& f : failures)
    if (f) std::rethrow_exception(f);
  return objects;
}

}  // namespace inovasi
