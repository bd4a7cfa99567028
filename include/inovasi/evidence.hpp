#pragma once
// Pre-validation (docs/model.md §6): every answer checked against its row's evidence rules gives
// findings and the evidence-supported level. A failing document is a finding, never an input
// error; the validation policies (score.hpp) turn claimed levels into validated ones from these.
#include <cstdint>
#include <string>
#include <vector>

#include "inovasi/edition.hpp"
#include "inovasi/submission.hpp"

namespace inovasi {

// The validation policies (docs/model.md §6): how claimed levels become validated ones, from the
// pre-validation below (score.hpp applies them).
enum class Policy { self_assessed, supported, strict, assessor };
const char* to_string(Policy p);
Policy policy_from_string(const std::string& s);  // throws InputError

struct Finding {
  std::string pointer;     // JSON Pointer of the answer (or item) in the submission
  std::string row;         // row key
  std::string innovation;  // innovation id, "" for government rows
  int evidence_index = -1;
  std::string rule;        // e.g. "unchecked", "mandatory", "unassessed", "signed", "window"
  Severity severity = Severity::info;
  std::string message;
};

struct AnswerCheck {
  int row = 0;              // edition row index
  int innovation = -1;      // index into Submission::innovations; -1 for a government row
  std::string pointer;      // the answer's JSON Pointer
  int claimed = 0;          // claimed level (0 when the answer gives none)
  int supported = 0;        // evidence-supported level; the claim itself on an unchecked row
  bool checked = false;     // the row has evidence rules
  bool has_error = false;   // some error-severity finding on this answer
  std::vector<Finding> findings;
  // What the validation policies need, independent of the claimed level, so that any claim
  // (today's, or a scenario's) is validated exactly without re-checking the documents
  // (scoring/rules.hpp validated_level): the evidence supports min(claim, supported_cap) — the
  // edition's level_max when a passing item supports whatever is claimed, or the row has no
  // rules — and the assessors' verdicts allow min(claim, assessor_cap), which is supported_cap
  // when no item carries a verdict.
  int supported_cap = 0;
  int assessor_cap = 0;
  // The probability that the answer survives validation (simulation): the answer's
  // `acceptance` when given, else the product over `findings` (the evidence findings, before
  // any region-level or policy finding is added) of the edition's acceptance factor of each
  // finding's severity; 1 for an answer not given. acceptance_q16 (below) quantises it.
  double acceptance = 1.0;
};

// The stored form of an acceptance probability p (columns, Parquet): round(p × 65535), halves
// up, so 65535 is 1 and 0 is 0; within 1/131070 of p.
std::uint16_t acceptance_q16(double p);
inline constexpr std::uint16_t kAcceptanceOne = 65535;

// One answer: `innovation` is an index into submission.innovations, or -1 with a government
// row. `row` is an edition row index of the matching aspect (precondition, not re-checked).
AnswerCheck check_answer(const Submission& submission, int innovation, int row);

// The assessor's verdicts on one answer, a "revision" read as the edition's revision_counts_as.
struct Verdicts {
  bool any = false;           // some item carries a verdict
  bool any_accepted = false;  // some item is accepted
  bool any_cap = false;       // some accepted item states its supported_level
  int cap = 0;                // the highest such level (docs/evidence.md)
};
Verdicts read_verdicts(const Answer& answer, const Edition& edition);

// Every finding of a submission, answer-level and region-level alike: the one set that
// prevalidate(), score()'s findings and `inovasi check` show (docs/evidence.md, "Findings").
// One AnswerCheck per answer given (government rows, then each innovation's rows in edition
// order; drafts, rejected and ineligible innovations included, since planners check them before
// submitting) and per mandatory row left unmet (not given or claiming 0), with:
//   - the evidence findings of check_answer();
//   - "mandatory" (error), first, on an unmet mandatory row, of the government or of any innovation;
//   - under `policy` assessor only: "unassessed" (info) or "assessor_rejected" (error) on the
//     answers that policy validates (government rows and the innovations that score), saying
//     how the verdicts decided the level.
std::vector<AnswerCheck> prevalidate(const Submission& submission, Policy policy = Policy::self_assessed);

}  // namespace inovasi
