#pragma once
// Fast ingest: JSON Lines (or JSON values one after another) straight into columns, with every
// record validated by the same rules as parse_submission, on one or more threads.
#include <cstdint>
#include <string_view>
#include <vector>

#include "inovasi/batch.hpp"
#include "inovasi/score.hpp"
#include "inovasi/submission.hpp"

namespace inovasi {

// Columns of every record of `text`, equal to reading it with RecordReader and passing the
// submissions to to_columns(submissions, policy): the same columns, and the same error (the
// first bad record in input order, with file, line, column, JSON Pointer and rule; then a
// record under another edition; then "no regions in the input"). With threads > 1 (<= 0: one
// per hardware thread; at most 64, and a part per 256 KiB) the text is split at line
// boundaries and the parts are read at once;
// the result does not depend on the thread count. Policies other than self_assessed take the
// record-by-record path (their caps need the evidence checker).
Columns read_columns(std::string_view text, const ParseOptions& options, Policy policy = Policy::self_assessed,
                     int threads = 1);

// The same, and in `lines` the line (1-based, as RecordReader counts) each region's record
// starts on, in region order (for messages that name a record as FILE:LINE).
Columns read_columns(std::string_view text, const ParseOptions& options, Policy policy, int threads,
                     std::vector<std::int64_t>* lines);

// Policy columns (schema v2) of every record: to_policy_columns of the submissions RecordReader
// reads (claim-independent caps of every policy, acceptance, and what every form carries), with
// read_columns' errors, threads and `lines`. Evidence is kept and checked, so it reads slower
// than the self-assessed columns.
Columns read_policy_columns(std::string_view text, const ParseOptions& options, int threads = 1,
                            std::vector<std::int64_t>* lines = nullptr);

// The baseline read_columns is measured against (benchmarks only): Boost.JSON's DOM parser,
// boost::json::parse, on every line of `text`, over `threads` line-aligned parts at once,
// keeping nothing. Returns the number of lines that hold a JSON object; throws on a syntax error.
std::size_t parse_only_baseline(std::string_view text, int threads = 1);

}  // namespace inovasi
