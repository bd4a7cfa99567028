// Pre-validation: an answer's evidence items against its row's rules (docs/model.md §6, §6.1).
// The edition is validated at load and the submission at parse, so nothing here throws: every
// shortcoming of a document is a finding.
#include "inovasi/evidence.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "model/relative_year.hpp"

namespace inovasi {

namespace {

using Rule = EvidenceRule;

struct Failure {
  int item = -1;
  const Rule* rule = nullptr;
  Severity severity = Severity::error;
  std::string rule_name, message;
};

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

Tri fact_of(const EvidenceItem& it, Rule::Fact f) {
  switch (f) {
    case Rule::Fact::signed_: return it.signed_;
    case Rule::Fact::names_innovation: return it.names_innovation;
    case Rule::Fact::highlighted: return it.highlighted;
    case Rule::Fact::in_force: return it.in_force;
    case Rule::Fact::on_behalf_of_regional_head: return it.on_behalf_of_regional_head;
    case Rule::Fact::has_cover: return it.has_cover;
  }
  return Tri::unknown;
}

// "is signed", completing "the document ... / does not state that it ..."
const char* fact_text(Rule::Fact f) {
  switch (f) {
    case Rule::Fact::signed_: return "is signed";
    case Rule::Fact::names_innovation: return "names the innovation";
    case Rule::Fact::highlighted: return "has the relevant lines highlighted";
    case Rule::Fact::in_force: return "is in force";
    case Rule::Fact::on_behalf_of_regional_head: return "is issued on behalf of the regional head";
    case Rule::Fact::has_cover: return "has a cover image";
  }
  return "?";
}

// The failed fact, e.g. "is not signed".
const char* fact_missing_text(Rule::Fact f) {
  switch (f) {
    case Rule::Fact::signed_: return "is not signed";
    case Rule::Fact::names_innovation: return "does not name the innovation";
    case Rule::Fact::highlighted: return "has no highlighted lines";
    case Rule::Fact::in_force: return "is not in force";
    case Rule::Fact::on_behalf_of_regional_head: return "is not issued on behalf of the regional head";
    case Rule::Fact::has_cover: return "has no cover image";
  }
  return "?";
}

std::string item_label(const EvidenceItem& it) {
  return it.file.empty() ? it.kind : it.kind + " \"" + it.file + "\"";
}

std::string window_text(int t0, int from, int to) {
  std::string rel = detail::relative_year_text(from) + (from == to ? "" : " … " + detail::relative_year_text(to));
  std::string abs = std::to_string(t0 - from) + (from == to ? "" : "–" + std::to_string(t0 - to));
  return rel + " (" + abs + ")";
}

bool applies(const Rule& r, const EvidenceItem& it, const Innovation* inv) {
  if (!r.kinds.empty() && !contains(r.kinds, it.kind)) return false;
  if (!r.innovation_kinds.empty() && (!inv || !contains(r.innovation_kinds, to_string(inv->kind)))) return false;
  return true;
}

class Checker {
 public:
  Checker(const Submission& sub, const Innovation* inv, const Row& row, const Answer& a, AnswerCheck& out)
      : ed_(*sub.edition), inv_(inv), row_(row), a_(a), out_(out), ev_(*row.evidence) {}

  void run() {
    const auto& items = a_.evidence;
    pass_.assign(items.size(), true);
    for (std::size_t i = 0; i < items.size(); ++i) check_item(static_cast<int>(i));
    check_companions();
    derive();
  }

  std::vector<Failure> failures;
  bool claim_kind = false;     // a passing item of a kind that supports "the claim"
  int base_supported = 0;      // the level supported by the items whose level does not follow the claim
  std::vector<Finding> notes;  // infos that are not failures (e.g. applied_date missing)

 private:
  const Edition& ed_;
  const Innovation* inv_;
  const Row& row_;
  const Answer& a_;
  AnswerCheck& out_;
  const EvidenceRules& ev_;
  std::vector<bool> pass_;

  void fail(int i, const Rule& r, std::string msg, std::string name = {}) {
    if (r.severity == Severity::error) pass_[i] = false;
    failures.push_back({i, &r, r.severity, name.empty() ? r.name : std::move(name), std::move(msg)});
  }

  void check_item(int i) {
    const EvidenceItem& it = a_.evidence[i];
    auto label = [&] { return item_label(it); };  // only built for a failure message
    for (const Rule& r : ev_.rules) {
      if (!applies(r, it, inv_)) continue;
      switch (r.type) {
        case Rule::Type::kind:
          if (!contains(ev_.kinds, it.kind))
            fail(i, r, "a " + it.kind + " is not accepted for indicator " + row_.key + " (accepted: " + join(ev_.kinds) + ")");
          break;
        case Rule::Type::file_type:
          if (it.file_type.empty()) fail(i, r, label() + " gives no file (expected " + join(r.file_types) + ")");
          else if (!contains(r.file_types, it.file_type))
            fail(i, r, label() + " is of type " + it.file_type + "; indicator " + row_.key + " accepts " + join(r.file_types));
          break;
        case Rule::Type::window: {
          int t0 = ed_.t0_year();
          std::string win = window_text(t0, r.from, r.to);
          if (r.on_year) {
            if (!it.year) { fail(i, r, label() + " does not state the year it covers; the window is " + win); break; }
            int off = t0 - *it.year;
            if (off < r.to || off > r.from)
              fail(i, r, label() + " covers " + std::to_string(*it.year) + ", outside the window " + win);
          } else {
            if (it.date.empty()) { fail(i, r, label() + " is undated; the window is " + win); break; }
            int off = t0 - std::stoi(it.date.substr(0, 4));
            if (off < r.to || off > r.from) fail(i, r, label() + " is dated " + it.date + ", outside the window " + win);
          }
          break;
        }
        case Rule::Type::applied_year: {
          if (it.date.empty()) { fail(i, r, label() + " is undated: it must be dated in the year the innovation was applied"); break; }
          if (!inv_ || inv_->applied_date.empty()) {
            notes.push_back({"", row_.key, "", i, r.name, Severity::info,
                             label() + ": the innovation gives no applied_date, so the decree's year cannot be checked"});
            break;
          }
          if (it.date.compare(0, 4, inv_->applied_date, 0, 4) != 0)
            fail(i, r, label() + " is dated " + it.date + ", not in the year the innovation was applied (" +
                           inv_->applied_date.substr(0, 4) + ")");
          break;
        }
        case Rule::Type::requires_fact: {
          Tri t = fact_of(it, r.fact);
          if (t == Tri::no) fail(i, r, label() + " " + fact_missing_text(r.fact));
          else if (t == Tri::unknown) fail(i, r, label() + " does not state that it " + fact_text(r.fact));
          break;
        }
        case Rule::Type::max_duration:
          if (!it.duration_s) fail(i, r, label() + " does not state its duration (at most " + r.max_seconds.to_string() + " s)");
          else if (*it.duration_s > r.max_seconds)
            fail(i, r, label() + " lasts " + it.duration_s->to_string() + " s, longer than " + r.max_seconds.to_string() + " s");
          break;
        case Rule::Type::value:
          if (!it.value) fail(i, r, label() + " states no value for indicator " + row_.key);
          break;
        case Rule::Type::companion:
        case Rule::Type::group_set:
          break;  // need the other items: checked after every item
      }
    }
  }

  // An item lacking a fact (a regional law that does not name the innovation) passes only beside
  // a passing companion that has it (a naming decree or regulation).
  void check_companions() {
    const auto& items = a_.evidence;
    for (const Rule& r : ev_.rules) {
      if (r.type != Rule::Type::companion) continue;
      for (std::size_t i = 0; i < items.size(); ++i) {
        const auto& it = items[i];
        if (!pass_[i] || !applies(r, it, inv_) || fact_of(it, r.fact) == Tri::yes) continue;
        bool found = false;
        for (std::size_t j = 0; j < items.size() && !found; ++j)
          found = j != i && pass_[j] && contains(r.companion_kinds, items[j].kind) && fact_of(items[j], r.fact) == Tri::yes;
        if (!found)
          fail(static_cast<int>(i), r,
               item_label(it) + " does not state that it " + fact_text(r.fact) + ", and no passing " +
                   join(r.companion_kinds) + " that does accompanies it", "companion");
      }
    }
  }

  void derive() {
    const auto& items = a_.evidence;
    const int claimed = out_.claimed;
    int supported = ed_.level_min, base = ed_.level_min;
    switch (ev_.derivation) {
      case Derivation::by_kind: {
        for (std::size_t i = 0; i < items.size(); ++i) {
          if (!pass_[i]) continue;
          auto k = ev_.kind_level.find(items[i].kind);
          if (k == ev_.kind_level.end()) continue;
          if (k->second == EvidenceRules::kClaim)
            claim_kind = true;
          else
            base = std::max(base, k->second);
        }
        supported = claim_kind ? std::max(base, claimed) : base;
        if (claim_kind && claimed > ed_.level_min)
          out_.findings.push_back({out_.pointer, row_.key, "", -1, "claim_only", Severity::info,
                                   "the level of indicator " + row_.key +
                                       " cannot be told from document metadata: a passing item supports the claimed level " +
                                       std::to_string(claimed)});
        break;
      }
      case Derivation::by_groups: {
        // Items sharing a `group` are one event/actor/department/channel/region; an item without
        // one is a group of its own.
        std::map<std::string, std::vector<int>> groups;
        for (std::size_t i = 0; i < items.size(); ++i)
          if (pass_[i]) groups[items[i].group.empty() ? "#" + std::to_string(i) : "=" + items[i].group].push_back(static_cast<int>(i));
        int count = 0;
        for (const auto& [key, members] : groups) {
          bool counts = true;
          for (const Rule& r : ev_.rules) {
            if (r.type != Rule::Type::group_set) continue;
            for (const auto& set : r.needs) {
              bool has = std::any_of(members.begin(), members.end(), [&](int i) { return contains(set, items[i].kind); });
              if (has) continue;
              std::string g = key[0] == '=' ? "group \"" + key.substr(1) + "\"" : "an ungrouped item";
              if (r.severity == Severity::error) counts = false;
              failures.push_back({members.front(), &r, r.severity, r.name,
                                  g + " has no passing " + join(set) + ": it " +
                                      (r.severity == Severity::error ? "does not count" : "counts, but is incomplete")});
            }
          }
          if (counts) ++count;
        }
        supported = row_.bands->level_for(Decimal::from_int(count));
        break;
      }
      case Derivation::by_years: {
        std::vector<int> offsets;
        for (std::size_t i = 0; i < items.size(); ++i)
          if (pass_[i] && items[i].year) offsets.push_back(ed_.t0_year() - *items[i].year);
        supported = row_.level_for_years(offsets, ed_.level_min);
        break;
      }
      case Derivation::by_value: {
        const Bands& b = row_.input == InputKind::bases
                             ? row_.bases.at(a_.basis.empty() ? row_.default_basis : a_.basis)
                             : *row_.bands;
        for (std::size_t i = 0; i < items.size(); ++i)
          if (pass_[i] && items[i].value) supported = std::max(supported, b.level_for(*items[i].value));
        break;
      }
    }
    out_.supported = supported;
    base_supported = ev_.derivation == Derivation::by_kind ? base : supported;
  }
};

// The assessor cap (docs/model.md §6): any accepted item lets the claim stand, capped by the
// highest supported_level given on an accepted item; verdicts that all reject give level_min;
// no verdict at all leaves the answer to the supported cap.
void set_assessor_cap(const Edition& ed, const Answer& a, AnswerCheck& out) {
  const Verdicts v = read_verdicts(a, ed);
  out.assessor_cap = !v.any ? out.supported_cap : !v.any_accepted ? ed.level_min : v.any_cap ? v.cap : ed.level_max;
}

AnswerCheck check_answer_findings(const Submission& sub, int innovation, int row_index);

}  // namespace

std::uint16_t acceptance_q16(double p) {
  if (!(p > 0)) return 0;
  if (p >= 1) return kAcceptanceOne;
  return static_cast<std::uint16_t>(std::floor(p * 65535.0 + 0.5));
}

AnswerCheck check_answer(const Submission& sub, int innovation, int row_index) {
  AnswerCheck out = check_answer_findings(sub, innovation, row_index);
  const Edition& ed = *sub.edition;
  const Answer& a = innovation >= 0 ? sub.innovations[innovation].answers[row_index] : sub.government[row_index];
  if (a.acceptance) {
    out.acceptance = *a.acceptance;
  } else if (!a.present && a.evidence.empty()) {
    out.acceptance = 1.0;  // nothing given, nothing to lose
  } else {
    // Errors, then warnings, then infos: a fixed order of multiplication, the same on every platform.
    double p = 1.0;
    for (Severity sev : {Severity::error, Severity::warning, Severity::info})
      for (const Finding& f : out.findings)
        if (f.severity == sev) p *= ed.acceptance_factors.of(sev);
    out.acceptance = p;
  }
  return out;
}

namespace {

AnswerCheck check_answer_findings(const Submission& sub, int innovation, int row_index) {
  const Edition& ed = *sub.edition;
  const Row& row = ed.rows[row_index];
  const Innovation* inv = innovation >= 0 ? &sub.innovations[innovation] : nullptr;
  const Answer& a = inv ? inv->answers[row_index] : sub.government[row_index];
  AnswerCheck out;
  out.row = row_index;
  out.innovation = innovation;
  out.pointer = inv ? "/innovations/" + std::to_string(inv->source_index) + "/answers/" + row.key : "/government/" + row.key;
  out.claimed = a.level;
  out.checked = row.evidence.has_value();
  const std::string inv_id = inv ? inv->id : std::string();
  auto add = [&](std::string pointer, int item, std::string rule, Severity sev, std::string msg) {
    out.has_error = out.has_error || sev == Severity::error;
    out.findings.push_back({std::move(pointer), row.key, inv_id, item, std::move(rule), sev, std::move(msg)});
  };
  const std::string claim_text = "level " + std::to_string(a.level);

  if (!row.evidence) {
    out.supported = a.level;
    out.supported_cap = ed.level_max;
    set_assessor_cap(ed, a, out);
    if (a.level > ed.level_min)
      add(out.pointer, -1, "unchecked", Severity::info,
          "no evidence rules for indicator " + row.key + " in " + ed.name + ": the claimed " + claim_text +
              " is taken as supported");
    return out;
  }
  if (a.evidence.empty()) {
    out.supported = ed.level_min;
    out.supported_cap = ed.level_min;
    set_assessor_cap(ed, a, out);
    if (a.level > ed.level_min)
      add(out.pointer, -1, "no_evidence", Severity::error,
          claim_text + " is claimed but no evidence is given: the evidence supports level " + std::to_string(ed.level_min));
    return out;
  }

  Checker c(sub, inv, row, a, out);
  c.run();
  out.supported_cap = c.claim_kind ? ed.level_max : c.base_supported;
  set_assessor_cap(ed, a, out);
  // A failing item beside items that already support the claim costs nothing: a warning.
  const bool claim_met = a.level > ed.level_min && out.supported >= a.level;
  for (auto& f : c.failures) {
    std::string msg = std::move(f.message);
    Severity sev = f.severity;
    if (sev == Severity::error && claim_met) {
      sev = Severity::warning;
      msg += " (other evidence already supports the claimed " + claim_text + ")";
    }
    add(pointer_append(out.pointer + "/evidence", static_cast<std::size_t>(f.item)), f.item, f.rule_name, sev, std::move(msg));
  }
  for (auto& n : c.notes)
    add(pointer_append(out.pointer + "/evidence", static_cast<std::size_t>(n.evidence_index)), n.evidence_index, n.rule,
        n.severity, n.message);
  // Findings of the derivation itself (claim_only) were added by the checker without the id.
  for (auto& f : out.findings) f.innovation = inv_id;

  const std::string sup = "level " + std::to_string(out.supported);
  if (a.level == ed.level_min) {
    if (out.supported > ed.level_min)
      add(out.pointer, -1, "unclaimed", Severity::warning,
          "no level is claimed for indicator " + row.key + ", but the evidence supports " + sup);
    else if (c.claim_kind)
      add(out.pointer, -1, "unclaimed", Severity::warning,
          "no level is claimed for indicator " + row.key +
              "; the evidence passes, but its level cannot be told from document metadata: claim the level it shows");
    else
      add(out.pointer, -1, "unclaimed", Severity::info,
          "no level is claimed for indicator " + row.key + " and the evidence supports none");
  } else if (out.supported < a.level) {
    add(out.pointer, -1, "unsupported", Severity::error,
        claim_text + " is claimed but the evidence supports " + sup);
  } else if (out.supported > a.level) {
    add(out.pointer, -1, "under_claimed", Severity::info, claim_text + " is claimed; the evidence supports " + sup);
  }
  return out;
}

}  // namespace

Verdicts read_verdicts(const Answer& a, const Edition& ed) {
  Verdicts v;
  for (const auto& it : a.evidence) {
    Verdict x = it.verdict;
    if (x == Verdict::revision)
      x = ed.revision_counts_as == RevisionAs::rejected   ? Verdict::rejected
          : ed.revision_counts_as == RevisionAs::accepted ? Verdict::accepted
                                                          : Verdict::none;
    if (x == Verdict::none) continue;
    v.any = true;
    if (x == Verdict::accepted) {
      v.any_accepted = true;
      // The cap is the highest level any accepted item supports (docs/model.md §6; see
      // docs/evidence.md for the "lowest" reading the spec also contains).
      if (it.supported_level) {
        v.cap = v.any_cap ? std::max(v.cap, *it.supported_level) : *it.supported_level;
        v.any_cap = true;
      }
    }
  }
  return v;
}

// prevalidate() is defined with the region rules it applies, in scoring/findings.cpp.

}  // namespace inovasi
