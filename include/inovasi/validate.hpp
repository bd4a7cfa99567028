#pragma once
// Validation apart from parsing: the rules a submission obeys, over the in-memory types, so a
// program can build a Submission (or edit one) and check it without writing JSON. The JSON
// readers call the same rules, so validate() of a Submission and parsing the same submission
// written as JSON give the same InputError: the same message, and a JSON Pointer into the
// would-be JSON ("/innovations/3/answers/16/level").
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "inovasi/submission.hpp"

namespace inovasi {

// The type of an evidence file from its name: "link" for http(s) addresses, else the extension
// (pdf, jpg, jpeg, png, mp4, mov; ASCII case-insensitive), else "other".
std::string file_type_of(std::string_view file);

// Each rule below gives "" when it holds, else the message of the error (the caller places it).
namespace rules {

// "(iid-2023, indicator 16)": how a message names a row.
std::string row_context(const Edition& ed, const Row& row);
// A claimed (or supported) level: a whole number within the edition's level range. `shown` is
// the level as the input spelled it; `level` is nullopt when it is beyond int64.
std::string level(const Edition& ed, const Row& row, std::optional<std::int64_t> level, std::string_view shown);
// An ISO day (YYYY-MM-DD), a real calendar date within 1900..2100.
std::string date(std::string_view iso);
bool real_calendar_date(std::string_view iso);  // the shape and the calendar, not the range
std::string evidence_kind(const Edition& ed, std::string_view kind);
std::string basis(const Edition& ed, const Row& row, std::string_view basis);  // a given basis
std::string cluster(const std::vector<std::string>& earlier, std::string_view cluster);
std::string acceptance_out_of_range(std::string_view shown);
std::string level_disagrees(const Edition& ed, const Row& row, int level, std::string_view value_text, int derived);
std::string duplicate_id(std::string_view id, std::size_t first);
std::string too_many_innovations(std::size_t count, const ParseLimits& limits);  // "" within limits
std::string too_many_evidence_items(std::size_t count, const ParseLimits& limits);
std::string region_evidence_limit(const ParseLimits& limits);
std::size_t innovation_limit(const ParseLimits& limits);

}  // namespace rules

// Raw value → claimed level (docs/submission.md "Values"): the one derivation, called by the
// readers and by validate() and rebind(). `error` is "" when the value gives a level; for years,
// `item` names the year the error is about. `text` is the value as the model keeps it
// (Answer::value_text): a number's canonical text, the code as given, "[T-0,T-2]".
struct ValueLevel {
  int level = 0;
  std::string error;
  std::optional<std::size_t> item;
  std::string text;
};
// count, decimal and bases rows (`basis` for bases rows; their default when empty). `shown` is
// the number as the input spelled it.
ValueLevel level_of_number(const Edition& ed, const Row& row, std::string_view basis, const Decimal& value,
                           std::string_view shown);
ValueLevel level_of_code(const Edition& ed, const Row& row, std::string_view code);
// years rows: offsets back from T-0 in the order given (each within the row's window, none twice).
ValueLevel level_of_years(const Edition& ed, const Row& row, const std::vector<int>& offsets);
// One year of a years value, checked against the row's window and the years before it ("" when
// it holds; the readers check year by year, so the first bad year is the one reported).
std::string year_offset(const Edition& ed, const Row& row, int offset, const std::vector<int>& earlier);
// A row that takes a level only, given a value.
std::string level_only(const Edition& ed, const Row& row);
// Answer::value_text (as the readers write it) → level under `ed` (the basis as for
// level_of_number): how validate() and rebind() re-derive a kept value.
ValueLevel level_of_value_text(const Edition& ed, const Row& row, std::string_view basis, std::string_view text);

// Checks an in-memory submission with the readers' rules: its edition is set, every answer
// vector has the edition's rows, answers sit in their aspect, levels within range and agreeing
// with their value, enums and dates valid, ids unique and non-empty, affairs normalised,
// evidence kinds of the edition, the limits. Throws the InputError the reader gives for the
// same submission written as JSON (its innovations in vector order, answers under their keys).
// In-memory states JSON cannot spell (an answer vector of the wrong size, an affair not
// normalised, an evidence file_type that is not file_type_of(file)) have errors of their own.
void validate(const Submission& s, const ParseLimits& limits = {});

// The submission re-bound to `other`, an edition with the same row keys: each given answer is
// matched by row key, its level re-derived from its raw value where one was given (else the
// claimed level kept), and the result validated under `other` (level range, evidence kinds,
// ...). A given answer whose row key `other` lacks, or whose row sits in the other aspect, is an
// InputError at the answer naming the key and both editions. Evidence is kept as given: it is
// pre-validated under `other` when the result is checked or scored.
Submission rebind(const Submission& s, EditionPtr other, const ParseLimits& limits = {});

}  // namespace inovasi
