// JSON Lines streaming: RecordReader over arbitrary bytes; every good record is scored. The
// reader reports bad records as values (RecordResult::error), so nothing may be thrown at all,
// and it must make progress: at most one record per input byte. Each good record is scored under
// one policy (rotating with the record number), which keeps runs fast on many-record inputs;
// fuzz_submission covers every policy on each record it parses.
//
// Differential checks: read_columns (the fast columns reader) on 1 and 3 threads must give the
// columns of the reader's submissions or the reader's first error, exactly. RecordStream reading the same bytes in small chunks (1..64 bytes, and
// reads shorter than asked, picked by the input's last byte) must give exactly the reader's
// records: index, line, column, the error message, or a submission of the same region.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "fuzz_common.hpp"
#include "inovasi/batch.hpp"
#include "inovasi/edition.hpp"
#include "inovasi/ingest.hpp"
#include "inovasi/submission.hpp"

namespace {

bool same(const inovasi::RecordResult& a, const inovasi::RecordResult& b) {
  if (a.index != b.index || a.line != b.line || a.column != b.column) return false;
  if (a.error.has_value() != b.error.has_value() || a.submission.has_value() != b.submission.has_value()) return false;
  if (a.error) return std::string(a.error->what()) == b.error->what() && a.error->pointer() == b.error->pointer();
  return a.submission->region.code == b.submission->region.code &&
         a.submission->innovations.size() == b.submission->innovations.size() &&
         a.submission->edition->name == b.submission->edition->name;
}

// The reference outcome of columns: the reader's submissions into to_columns, or the error.
std::string columns_outcome(const inovasi::Columns& c) {
  std::string s = c.edition->name + "|" + std::to_string(c.regions) + "|" + std::to_string(c.innovations) + "|";
  s.append(c.government_levels.begin(), c.government_levels.end());
  s.append(c.innovation_levels.begin(), c.innovation_levels.end());
  s.append(c.status.begin(), c.status.end());
  for (auto v : c.region_offsets) s += std::to_string(v) + ",";
  for (auto v : c.affairs) s += std::to_string(v) + ",";
  for (const auto& v : c.codes) s += v + "\x1f";
  for (const auto& v : c.names) s += v + "\x1f";
  for (const auto& v : c.provinces) s += v + "\x1f";
  s.append(c.types.begin(), c.types.end());
  // Schema v2: ids, departments, raw values, clusters; the evidence columns of policy columns.
  s.append(c.clusters.begin(), c.clusters.end());
  for (const auto& v : c.innovation_ids) s += v + "\x1f";
  for (const auto& v : c.departments) s += v + "\x1f";
  for (auto v : c.department_index) s += std::to_string(v) + ",";
  for (const auto* idx : {&c.government_value, &c.innovation_value})
    for (auto v : *idx) s += std::to_string(v) + ",";
  for (const auto* t : {&c.government_values, &c.innovation_values})
    for (std::size_t i = 0; i < t->value.size(); ++i) s += t->value[i] + "\x1e" + t->basis[i] + "\x1f";
  for (const auto* caps : {&c.government_supported_cap, &c.innovation_supported_cap, &c.government_assessor_cap,
                           &c.innovation_assessor_cap})
    s.append(caps->begin(), caps->end());
  for (const auto* acc : {&c.government_acceptance, &c.innovation_acceptance})
    for (auto v : *acc) s += std::to_string(v) + ",";
  return s;
}

std::string reference_columns(std::string_view text, const inovasi::ParseOptions& o, bool policy = false) {
  try {
    std::vector<inovasi::Submission> subs;
    inovasi::RecordReader reader(text, o);
    inovasi::RecordResult r;
    while (reader.next(r)) {
      if (r.error) throw *r.error;
      subs.push_back(std::move(*r.submission));
    }
    if (subs.empty()) throw inovasi::InputError("", "no regions in the input", o.source);
    return columns_outcome(policy ? inovasi::to_policy_columns(subs) : inovasi::to_columns(subs));
  } catch (const inovasi::InputError& e) {
    return std::string("error: ") + e.what() + " @" + e.pointer();
  }
}

std::string fast_columns(std::string_view text, const inovasi::ParseOptions& o, int threads, bool policy = false) {
  try {
    return columns_outcome(policy ? inovasi::read_policy_columns(text, o, threads)
                                  : inovasi::read_columns(text, o, inovasi::Policy::self_assessed, threads));
  } catch (const inovasi::InputError& e) {
    return std::string("error: ") + e.what() + " @" + e.pointer();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const inovasi::EditionPtr edition = inovasi::builtin_edition("iid-2026");
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  inovasi::ParseOptions o;
  o.edition = edition;
  o.source = "fuzz.jsonl";

  const std::uint8_t knob = size ? data[size - 1] : 0;
  const std::size_t chunk = 1 + knob % 64, short_read = 1 + knob / 64;  // reads of <= 1..4 bytes
  std::size_t at = 0, reads = 0;
  inovasi::RecordStream stream(
      [&](char* buf, std::size_t cap) {
        // Every other read is short, so records straddle chunk and read boundaries.
        std::size_t n = std::min({cap, size - at, ++reads % 2 ? short_read : cap});
        std::memcpy(buf, text.data() + at, n);
        at += n;
        return n;
      },
      o, chunk);

  inovasi::RecordReader reader(text, o);
  inovasi::RecordResult r, s;
  std::size_t records = 0;
  while (reader.next(r)) {
    if (++records > size) __builtin_trap();  // no progress
    if (r.submission.has_value() == r.error.has_value()) __builtin_trap();
    if (!stream.next(s) || !same(r, s)) __builtin_trap();  // the stream differs from the reader
    if (r.submission) inovasi_fuzz::score_under(*r.submission, inovasi_fuzz::kPolicies[r.index % 4]);
  }
  if (stream.next(s)) __builtin_trap();  // the stream has more records than the reader

  const std::string want = reference_columns(text, o);
  for (int threads : {1, 3})
    if (fast_columns(text, o, threads) != want) __builtin_trap();  // fast ingest differs from the reader
  // Policy columns (schema v2): the same on the fast path as from the reader's submissions.
  const std::string want_policy = reference_columns(text, o, true);
  if (fast_columns(text, o, knob % 2 ? 3 : 1, true) != want_policy) __builtin_trap();
  return 0;
}
