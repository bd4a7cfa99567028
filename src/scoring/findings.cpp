// The one producer of findings (declared in evidence.hpp): the answer checks of evidence/ joined
// with the region rules of the rules layer (which mandatory rows are unmet, which innovations a
// policy validates). It lives here, beside the rules it reads, so that evidence/ stays below
// scoring/ in the data flow. score(), prevalidate() and `inovasi check` all show its result.
#include <algorithm>
#include <map>

#include "inovasi/evidence.hpp"
#include "scoring/rules.hpp"

namespace inovasi {

namespace {

bool given(const Answer& a) { return a.present || !a.evidence.empty(); }

// A region lists at most this many findings; the rest are counted, by rule, in one last finding
// ("findings_omitted", on the last answer listed), so memory stays in proportion to the input
// however many findings a hostile record provokes (200 evidence items on every answer of
// 10,000 innovations). Levels and severities never depend on the list: has_error is per answer,
// and the policies read the caps.
constexpr std::size_t kMaxListedFindings = 10000;

struct Omitted {
  std::size_t total = 0;
  Severity worst = Severity::info;
  std::map<std::string, std::size_t> by_rule;
};

void add(AnswerCheck& chk, Finding f) {
  chk.has_error = chk.has_error || f.severity == Severity::error;
  chk.findings.push_back(std::move(f));
}

// "mandatory": an unmet mandatory row (docs/model.md §6); first among the answer's findings.
void add_mandatory(AnswerCheck& chk, const Row& row, const std::string& innovation, const Answer& a) {
  chk.has_error = true;
  chk.findings.insert(chk.findings.begin(),
                      Finding{chk.pointer, row.key, innovation, -1, "mandatory", Severity::error,
                              "indicator " + row.key + " is mandatory but " +
                                  (a.present ? std::string("claims level 0") : std::string("is missing"))});
}

// How the assessor policy's verdicts decide an answer's level, when they do not simply cap it.
void add_verdict_findings(AnswerCheck& chk, const Row& row, const std::string& innovation, const Answer& a,
                          const Edition& ed) {
  if (a.level == ed.level_min) return;  // nothing claimed: no policy lowers it
  const Verdicts v = read_verdicts(a, ed);
  if (!v.any) {
    add(chk, {chk.pointer, row.key, innovation, -1, "unassessed", Severity::info,
              "no assessor verdict on this answer: scored as under the supported policy (level " +
                  std::to_string(detail::validated_level(Policy::supported, a.level, chk.supported_cap,
                                                        chk.assessor_cap, ed)) + ")"});
  } else if (!v.any_accepted) {
    add(chk, {chk.pointer, row.key, innovation, -1, "assessor_rejected", Severity::error,
              std::string("every assessed evidence item was rejected") +
                  (ed.revision_counts_as == RevisionAs::rejected ? " or sent back for revision" : "") + ": level " +
                  std::to_string(ed.level_min)});
  }
}

}  // namespace

std::vector<AnswerCheck> prevalidate(const Submission& sub, Policy policy) {
  const Edition& ed = *sub.edition;
  std::vector<AnswerCheck> out;
  std::size_t listed = 0;
  Omitted omitted;
  auto one = [&](int innovation, int idx, const Answer& a, const std::string& inv_id, bool validated) {
    const Row& row = ed.rows[idx];
    const bool unmet = detail::mandatory_unmet(row, a.level);
    if (!given(a) && !unmet) return;
    AnswerCheck chk = check_answer(sub, innovation, idx);
    if (unmet) add_mandatory(chk, row, inv_id, a);
    if (policy == Policy::assessor && validated) add_verdict_findings(chk, row, inv_id, a, ed);
    const std::size_t keep = std::min(chk.findings.size(), kMaxListedFindings - listed);
    for (std::size_t i = keep; i < chk.findings.size(); ++i) {
      ++omitted.total;
      omitted.worst = std::max(omitted.worst, chk.findings[i].severity);
      ++omitted.by_rule[chk.findings[i].rule];
    }
    if (keep < chk.findings.size()) {
      chk.findings.resize(keep);
      chk.findings.shrink_to_fit();
    }
    listed += keep;
    out.push_back(std::move(chk));
  };
  for (int idx : ed.government_rows) one(-1, idx, sub.government[idx], std::string(), true);
  for (std::size_t j = 0; j < sub.innovations.size(); ++j) {
    const Innovation& inv = sub.innovations[j];
    const bool validated = detail::scores_points(detail::standing(ed, inv));
    for (int idx : ed.innovation_rows) one(static_cast<int>(j), idx, inv.answers[idx], inv.id, validated);
  }
  if (omitted.total > 0) {
    std::string list;
    for (const auto& [rule, k] : omitted.by_rule) list += (list.empty() ? "" : ", ") + rule + " " + std::to_string(k);
    out.back().findings.push_back({"", "", "", -1, "findings_omitted", omitted.worst,
                                   std::to_string(omitted.total) + " more findings are not listed (a region lists at most " +
                                       std::to_string(kMaxListedFindings) + "): " + list});
  }
  return out;
}

}  // namespace inovasi
