#include <algorithm>
#include <map>
#include <numeric>

#include "inovasi/evidence.hpp"
#include "inovasi/score.hpp"
#include "scoring/rules.hpp"

namespace inovasi {

const char* to_string(Policy p) {
  switch (p) {
    case Policy::self_assessed: return "self_assessed";
    case Policy::supported: return "supported";
    case Policy::strict: return "strict";
    case Policy::assessor: return "assessor";
  }
  return "?";
}

Policy policy_from_string(const std::string& s) {
  for (Policy p : {Policy::self_assessed, Policy::supported, Policy::strict, Policy::assessor})
    if (s == to_string(p)) return p;
  throw InputError("", "\"" + s + "\" is not a validation policy (self_assessed, supported, strict, assessor)");
}


namespace {
int128 gcd128(int128 a, int128 b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b) {
    int128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}
std::string i128_to_string(int128 v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  if (neg) v = -v;
  std::string s;
  while (v) {
    s.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  if (neg) s.push_back('-');
  std::reverse(s.begin(), s.end());
  return s;
}
}  // namespace

Fraction Fraction::make(int128 num, int128 den) {
  if (den < 0) { num = -num; den = -den; }
  int128 g = gcd128(num, den);
  if (g > 1) { num /= g; den /= g; }
  if (num == 0) den = 1;
  return Fraction{num, den};
}

std::string Fraction::to_string() const {
  if (den == 1) return i128_to_string(num);
  return i128_to_string(num) + "/" + i128_to_string(den);
}

std::int64_t round_hundredths(int128 num, int128 den, Rounding mode) {
  // num/den ≥ 0 is already in hundredths; round to an integer. 64-bit division when the
  // values allow (the common case; same result, far cheaper than 128-bit).
  constexpr int128 kMax64 = static_cast<int128>(INT64_MAX / 2);
  if (num <= kMax64 && den <= kMax64) {
    const auto n64 = static_cast<std::int64_t>(num), d64 = static_cast<std::int64_t>(den);
    std::int64_t q = n64 / d64, r = n64 % d64;
    if (2 * r > d64 || (2 * r == d64 && (mode == Rounding::half_up || q % 2 == 1))) ++q;
    return q;
  }
  int128 q = num / den, r = num % den;
  int128 twice = 2 * r;
  if (twice > den || (twice == den && (mode == Rounding::half_up || q % 2 == 1))) ++q;
  return static_cast<std::int64_t>(q);
}

namespace {


// A region's score lists at most this many findings; the rest are counted, by rule, in one
// last finding ("findings_omitted"), so memory stays in proportion to the input however many
// findings a hostile record provokes (200 evidence items on every answer of 10,000
// innovations). Severities and levels never depend on the list: has_error is per answer.
constexpr std::size_t kMaxListedFindings = 10000;

struct Omitted {
  std::size_t total = 0;
  Severity worst = Severity::info;
  std::map<std::string, std::size_t> by_rule;
  void count(const Finding& f) {
    ++total;
    worst = std::max(worst, f.severity);
    ++by_rule[f.rule];
  }
};

// Where score_core's findings go: listed up to the limit (or not at all on the reference pass).
struct FindingSink {
  std::vector<Finding>& out;
  bool keep;
  Omitted omitted;
  void add(Finding&& f) {
    if (!keep) return;
    if (out.size() < kMaxListedFindings) out.push_back(std::move(f));
    else omitted.count(f);
  }
};

// The level an answer keeps under a policy, from its pre-validation check (methodology §6).
// Policies only ever lower a claim; they change points, never n or the count gate.
int apply_policy(const Answer& a, const Row& row, const Edition& ed, const AnswerCheck& chk, Policy policy,
                 const std::string& innovation, FindingSink& findings) {
  const int claimed = a.level;
  if (policy == Policy::self_assessed || claimed == ed.level_min) return claimed;
  const int supported = std::min(claimed, chk.supported);
  switch (policy) {
    case Policy::self_assessed: return claimed;
    case Policy::supported: return supported;
    case Policy::strict:
      // Warnings do not zero; an error-severity finding or a short claim does.
      return chk.has_error || chk.supported < claimed ? ed.level_min : claimed;
    case Policy::assessor: {
      bool any_verdict = false, any_accepted = false, any_cap = false;
      int cap = ed.level_min;
      for (const auto& it : a.evidence) {
        Verdict v = it.verdict;
        if (v == Verdict::revision)
          v = ed.revision_counts_as == RevisionAs::rejected   ? Verdict::rejected
              : ed.revision_counts_as == RevisionAs::accepted ? Verdict::accepted
                                                              : Verdict::none;
        if (v == Verdict::none) continue;
        any_verdict = true;
        if (v == Verdict::accepted) {
          any_accepted = true;
          // The cap is the highest level any accepted item supports (methodology §6; see
          // docs/evidence.md for the "lowest" reading the spec also contains).
          if (it.supported_level) { any_cap = true; cap = std::max(cap, *it.supported_level); }
        }
      }
      if (!any_verdict) {
        findings.add({chk.pointer, row.key, innovation, -1, "unassessed", Severity::info,
                            "no assessor verdict on this answer: scored as under the supported policy (level " +
                                std::to_string(supported) + ")"});
        return supported;
      }
      if (!any_accepted) {
        findings.add({chk.pointer, row.key, innovation, -1, "assessor_rejected", Severity::error,
                            std::string("every assessed evidence item was rejected") +
                                (ed.revision_counts_as == RevisionAs::rejected ? " or sent back for revision" : "") +
                                ": level " + std::to_string(ed.level_min)});
        return ed.level_min;
      }
      return any_cap ? std::min(claimed, cap) : claimed;
    }
  }
  return claimed;
}

struct Core {
  Score s;
  int128 num = 0;  // IID hundredths = num / den (before rounding)
  int128 den = 1;
};

// Pre-validation does not depend on the policy: score() runs it once and both policy passes
// (the result's and the points-at-risk reference) read it. Indexed by edition row.
struct Checks {
  std::vector<AnswerCheck> government;
  std::vector<std::vector<AnswerCheck>> innovations;  // empty for drafts and rejected
  Omitted omitted;  // findings beyond the listing limit
};

Checks run_checks(const Submission& sub) {
  const Edition& ed = *sub.edition;
  Checks c;
  c.government.resize(ed.rows.size());
  // Findings past the listing limit are only counted (score_core would not list them either:
  // it lists in this order, with its own findings in between).
  std::size_t listed = 0;
  auto trim = [&](AnswerCheck&& chk) {
    const std::size_t keep = std::min(chk.findings.size(), kMaxListedFindings - listed);
    for (std::size_t i = keep; i < chk.findings.size(); ++i) c.omitted.count(chk.findings[i]);
    chk.findings.resize(keep);
    chk.findings.shrink_to_fit();
    listed += keep;
    return std::move(chk);
  };
  for (int idx : ed.government_rows) c.government[idx] = trim(check_answer(sub, -1, idx));
  c.innovations.resize(sub.innovations.size());
  for (std::size_t j = 0; j < sub.innovations.size(); ++j) {
    if (sub.innovations[j].status != Status::submitted) continue;
    c.innovations[j].resize(ed.rows.size());
    for (int idx : ed.innovation_rows) c.innovations[j][idx] = trim(check_answer(sub, static_cast<int>(j), idx));
  }
  return c;
}

Finding mandatory_finding(const std::string& ptr, const Row& row, const std::string& innovation, const Answer& a) {
  return {ptr, row.key, innovation, -1, "mandatory", Severity::error,
          "indicator " + row.key + " is mandatory but " +
              (a.present ? std::string("claims level 0") : std::string("is missing"))};
}

// `findings`: collect them (the result's pass); the points-at-risk reference pass does not need them.
Core score_core(const Submission& sub, const Checks& checks, Policy policy, bool breakdown, bool findings) {
  const Edition& ed = *sub.edition;
  Core c;
  Score& s = c.s;
  s.region_code = sub.region.code;
  s.region_name = sub.region.name;
  s.region_type = to_string(sub.region.type);
  s.province = sub.region.province;
  s.edition = ed.name;
  s.policy = policy;
  FindingSink sink{s.findings, findings, {}};

  // Government aspect.
  for (int idx : ed.government_rows) {
    const Row& row = ed.rows[idx];
    const Answer& a = sub.government[idx];
    const AnswerCheck& chk = checks.government[idx];
    if (findings) {
      if (row.mandatory && a.level == 0) sink.add(mandatory_finding("/government/" + row.key, row, "", a));
      for (const auto& f : chk.findings) sink.add(Finding(f));
    }
    int level = apply_policy(a, row, ed, chk, policy, "", sink);
    RowScore rs{idx, a.level, level, row.weight_h * level, row.weight_h * a.level};
    s.government_h += rs.points_h;
    if (breakdown) s.government.push_back(rs);
  }

  // Innovation aspect.
  std::vector<std::string> covered;
  int n = 0;
  for (std::size_t inv_i = 0; inv_i < sub.innovations.size(); ++inv_i) {
    const Innovation& inv = sub.innovations[inv_i];
    InnovationScore is;
    is.id = inv.id;
    is.name = inv.name;
    is.department = inv.department;
    is.status = inv.status;
    is.counted = inv.status != Status::draft && detail::eligible(ed, inv.applied_date);
    if (!is.counted) {
      ++s.innovations_not_counted;
      if (breakdown) s.innovations.push_back(std::move(is));
      continue;
    }
    ++n;
    if (ed.gate && (ed.gate->counted == GateCounted::counted || inv.status == Status::submitted))
      for (const auto& af : inv.affairs)
        if (std::find(ed.gate->affairs.begin(), ed.gate->affairs.end(), af) != ed.gate->affairs.end() &&
            std::find(covered.begin(), covered.end(), af) == covered.end())
          covered.push_back(af);
    std::string base = "/innovations/" + std::to_string(inv.source_index) + "/answers/";
    bool rejected = inv.status == Status::rejected;
    bool missing_mandatory = false;
    for (int idx : ed.innovation_rows) {
      const Row& row = ed.rows[idx];
      const Answer& a = inv.answers[idx];
      int level = 0;
      if (!rejected) {
        if (row.mandatory && a.level == 0) {
          missing_mandatory = true;
          if (findings) sink.add(mandatory_finding(base + row.key, row, inv.id, a));
        }
        const AnswerCheck& chk = checks.innovations[inv_i][idx];
        if (findings)
          for (const auto& f : chk.findings) sink.add(Finding(f));
        level = apply_policy(a, row, ed, chk, policy, inv.id, sink);
      }
      // A rejected innovation scores 0 under every policy, whatever it claims.
      RowScore rs{idx, a.level, level, row.weight_h * level, rejected ? 0 : row.weight_h * a.level};
      is.points_h += rs.points_h;
      is.claimed_points_h += rs.claimed_points_h;
      if (breakdown) is.rows.push_back(rs);
    }
    if (missing_mandatory && ed.mandatory_rule == MandatoryRule::zero_innovation) {
      is.points_h = 0;
      for (auto& rs : is.rows) { rs.level = 0; rs.points_h = 0; }
    }
    s.innovation_sum_h += is.points_h;
    if (breakdown) s.innovations.push_back(std::move(is));
  }
  s.innovations_counted = n;
  if (findings) {
    Omitted all = sink.omitted;
    all.total += checks.omitted.total;
    all.worst = std::max(all.worst, checks.omitted.worst);
    for (const auto& [rule, k] : checks.omitted.by_rule) all.by_rule[rule] += k;
    if (all.total > 0) {
      std::string list;
      for (const auto& [rule, k] : all.by_rule) list += (list.empty() ? "" : ", ") + rule + " " + std::to_string(k);
      s.findings.push_back({"", "", "", -1, "findings_omitted", all.worst,
                            std::to_string(all.total) + " more findings are not listed (a region lists at most " +
                                std::to_string(kMaxListedFindings) + "): " + list});
    }
  }
  bool gate_open = true;
  if (ed.gate) {
    s.gate_applies = true;
    s.affairs_covered = static_cast<int>(covered.size());
    for (const auto& a : ed.gate->affairs)
      if (std::find(covered.begin(), covered.end(), a) != covered.end()) s.affairs_covered_names.push_back(a);
    gate_open = s.gate_open = s.affairs_covered >= ed.gate->min_covered;
  }
  const detail::RegionTotals t = detail::finish_region(ed, s.government_h, s.innovation_sum_h, n, gate_open);
  s.divisor = t.divisor;
  s.count_h = t.count_h;
  const int128 D = s.divisor;
  s.innovation_average = Fraction::make(s.innovation_sum_h, 100 * D);
  s.total = Fraction::make(t.total_num_h, 100 * D);
  c.num = t.iid_num;
  c.den = t.iid_den;
  s.iid_exact = Fraction::make(t.total_num_h * 100, t.iid_den);
  s.iid_h = t.iid_h;
  auto label = [&](std::size_t band) -> const std::string& {
    return band < ed.bands.size() ? ed.bands[band].label : ed.lowest_category;
  };
  const std::string& cat_rounded = label(t.band_rounded);
  const std::string& cat_exact = label(t.band_exact);
  s.category = label(t.band);

  // Say which rule decided when the other choice would change the published result.
  Rounding other_mode = ed.rounding == Rounding::half_up ? Rounding::half_even : Rounding::half_up;
  std::int64_t alt = round_hundredths(c.num, c.den, other_mode);
  if (alt != s.iid_h) {
    const std::string& alt_cat =
        ed.category_reading == CategoryReading::rounded ? ed.category_of_hundredths(alt) : cat_exact;
    s.decided_by.push_back({"rounding", to_string(ed.rounding), to_string(other_mode), alt, alt_cat});
  }
  if (cat_rounded != cat_exact) {
    bool rounded = ed.category_reading == CategoryReading::rounded;
    s.decided_by.push_back({"category_reading", rounded ? "rounded" : "unrounded", rounded ? "unrounded" : "rounded",
                            s.iid_h, rounded ? cat_exact : cat_rounded});
  }

  if (breakdown) {
    // Departments: counted innovations only; no department → one named bucket.
    std::map<std::string, DepartmentScore> depts;
    for (const auto& is : s.innovations) {
      if (!is.counted) continue;
      auto& d = depts[is.department];
      d.name = is.department;
      ++d.innovations;
      d.points_h += is.points_h;
    }
    for (auto& [name, d] : depts) {
      d.mean_points = Fraction::make(d.points_h, 100 * static_cast<int128>(d.innovations));
      d.iid_contribution = Fraction::make(static_cast<int128>(d.points_h) * 100, D * ed.max_total_h);
      s.departments.push_back(d);
    }
    std::stable_sort(s.departments.begin(), s.departments.end(),
                     [](const DepartmentScore& a, const DepartmentScore& b) {
                       // mean points descending, exact: a.n/a.d > b.n/b.d
                       return a.mean_points.num * b.mean_points.den > b.mean_points.num * a.mean_points.den;
                     });
  }
  return c;
}

// Per row, innovation and department: self-assessed − validated, from two runs over the same
// submission (same rows, same innovations, same divisor).
void add_risk_breakdown(Score& s, const Score& self, const Score& validated, const Edition& ed) {
  const int128 D = s.divisor;
  std::vector<std::int64_t> by_row(ed.rows.size(), 0);
  for (std::size_t i = 0; i < s.government.size(); ++i) {
    auto& r = s.government[i];
    r.at_risk_h = self.government[i].points_h - validated.government[i].points_h;
    by_row[r.row] += r.at_risk_h;
  }
  std::map<std::string, std::int64_t> dept;
  for (std::size_t j = 0; j < s.innovations.size(); ++j) {
    auto& inv = s.innovations[j];
    inv.at_risk_h = self.innovations[j].points_h - validated.innovations[j].points_h;
    for (std::size_t k = 0; k < inv.rows.size(); ++k) {
      auto& r = inv.rows[k];
      r.at_risk_h = self.innovations[j].rows[k].points_h - validated.innovations[j].rows[k].points_h;
      if (inv.counted) by_row[r.row] += r.at_risk_h;
    }
    if (inv.counted) dept[inv.department] += inv.at_risk_h;
  }
  for (auto& d : s.departments) {
    d.at_risk_h = dept[d.name];
    d.at_risk_iid = Fraction::make(static_cast<int128>(d.at_risk_h) * 100, D * ed.max_total_h);
  }
  for (std::size_t idx = 0; idx < ed.rows.size(); ++idx) {
    // A government row counts once; an innovation row's sum is averaged over the divisor.
    int128 den = ed.rows[idx].aspect_index == 0 ? int128(ed.max_total_h) : D * ed.max_total_h;
    s.risk_by_row.push_back({static_cast<int>(idx), by_row[idx], Fraction::make(static_cast<int128>(by_row[idx]) * 100, den)});
  }
}

}  // namespace

Score score(const Submission& submission, const ScoreOptions& options) {
  const Checks checks = run_checks(submission);
  Core main = score_core(submission, checks, options.policy, options.with_breakdown, true);
  Score& s = main.s;
  // Points at risk: self-assessed vs the result's policy, or vs `supported` when the result is
  // itself self-assessed.
  Policy other = options.policy == Policy::self_assessed ? Policy::supported : Policy::self_assessed;
  Core ref = score_core(submission, checks, other, options.with_breakdown, false);
  const Score& self = options.policy == Policy::self_assessed ? s : ref.s;
  const Score& validated = options.policy == Policy::self_assessed ? ref.s : s;
  s.risk_reference = self.policy;
  s.risk_compared = validated.policy;
  s.self_assessed_iid_h = self.iid_h;
  Fraction diff = Fraction::make(self.total.num * validated.total.den - validated.total.num * self.total.den,
                                 self.total.den * validated.total.den);
  s.points_at_risk_negative = diff.num < 0;
  s.points_at_risk = diff;
  s.points_at_risk_iid = Fraction::make(diff.num * 100 * 100, diff.den * submission.edition->max_total_h);
  if (options.with_breakdown) add_risk_breakdown(s, self, validated, *submission.edition);
  return std::move(s);
}

}  // namespace inovasi
