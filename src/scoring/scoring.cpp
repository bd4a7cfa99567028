#include <algorithm>
#include <map>
#include <numeric>

#include "inovasi/evidence.hpp"
#include "inovasi/score.hpp"
#include "model/wide.hpp"
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

std::int64_t round_hundredths(const Fraction& hundredths, Rounding mode) {
  if (hundredths.sign() < 0) throw std::invalid_argument("round_hundredths: a negative value");
  return round_hundredths(num_of(hundredths), den_of(hundredths), mode);
}

namespace {


// The level an answer keeps under a policy (the rule: detail::validated_level, from the caps
// pre-validation derives independently of the claim). Policies only ever lower a claim; they
// change points, never n or the count gate. (How the verdicts decided is a finding of
// prevalidate(), scoring/findings.cpp.)
int apply_policy(const Answer& a, const Edition& ed, const AnswerCheck& chk, Policy policy) {
  return detail::validated_level(policy, a.level, chk.supported_cap, chk.assessor_cap, ed);
}

struct Core {
  Score s;
  int128 num = 0;  // IID hundredths = num / den (before rounding)
  int128 den = 1;
};

// The answers' checks, from prevalidate() (which lists the answers given and the unmet
// mandatory ones), indexed by edition row for the policy passes; an answer it does not list
// claims nothing, which no policy reads.
struct Checks {
  std::vector<AnswerCheck> listed;
  std::vector<const AnswerCheck*> government;               // by edition row
  std::vector<std::vector<const AnswerCheck*>> innovations;  // by innovation, then edition row
  AnswerCheck none;

  Checks(const Submission& sub, Policy policy) : listed(prevalidate(sub, policy)) {
    const Edition& ed = *sub.edition;
    government.assign(ed.rows.size(), &none);
    innovations.assign(sub.innovations.size(), {});
    for (const auto& c : listed) {
      if (c.innovation < 0) {
        government[c.row] = &c;
      } else {
        auto& v = innovations[c.innovation];
        if (v.empty()) v.assign(ed.rows.size(), &none);
        v[c.row] = &c;
      }
    }
  }
  const AnswerCheck& of(int innovation, int row) const {
    if (innovation < 0) return *government[row];
    const auto& v = innovations[innovation];
    return v.empty() ? none : *v[row];
  }
};

Core score_core(const Submission& sub, const Checks& checks, Policy policy, bool breakdown) {
  const Edition& ed = *sub.edition;
  Core c;
  Score& s = c.s;
  s.region_code = sub.region.code;
  s.region_name = sub.region.name;
  s.region_type = to_string(sub.region.type);
  s.province = sub.region.province;
  s.edition = ed.name;
  s.policy = policy;

  // Government aspect.
  for (int idx : ed.government_rows) {
    const Row& row = ed.rows[idx];
    const Answer& a = sub.government[idx];
    const int level = apply_policy(a, ed, checks.of(-1, idx), policy);
    RowScore rs{idx, a.level, level, detail::points_h(row.weight_h, level), detail::points_h(row.weight_h, a.level)};
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
    const detail::Standing standing = detail::standing(ed, inv);
    is.counted = detail::counts_in_n(standing);
    if (!is.counted) {
      ++s.innovations_not_counted;
      if (breakdown) s.innovations.push_back(std::move(is));
      continue;
    }
    ++n;
    if (ed.gate && detail::covers_gate(standing, *ed.gate))
      for (const auto& af : inv.affairs)
        if (std::find(ed.gate->affairs.begin(), ed.gate->affairs.end(), af) != ed.gate->affairs.end() &&
            std::find(covered.begin(), covered.end(), af) == covered.end())
          covered.push_back(af);
    const bool scores = detail::scores_points(standing);
    bool any_unmet = false;
    for (int idx : ed.innovation_rows) {
      const Row& row = ed.rows[idx];
      const Answer& a = inv.answers[idx];
      int level = 0;
      if (scores) {
        any_unmet = any_unmet || detail::mandatory_unmet(row, a.level);
        level = apply_policy(a, ed, checks.of(static_cast<int>(inv_i), idx), policy);
      }
      RowScore rs{idx, a.level, level, detail::points_h(row.weight_h, level),
                  scores ? detail::points_h(row.weight_h, a.level) : 0};
      is.points_h += rs.points_h;
      is.claimed_points_h += rs.claimed_points_h;
      if (breakdown) is.rows.push_back(rs);
    }
    if (detail::mandatory_zeroes(ed, any_unmet)) {
      is.points_h = 0;
      for (auto& rs : is.rows) { rs.level = 0; rs.points_h = 0; }
    }
    s.innovation_sum_h += is.points_h;
    if (breakdown) s.innovations.push_back(std::move(is));
  }
  s.innovations_counted = n;
  if (ed.gate) {
    s.gate_applies = true;
    s.affairs_covered = static_cast<int>(covered.size());
    for (const auto& a : ed.gate->affairs)
      if (std::find(covered.begin(), covered.end(), a) != covered.end()) s.affairs_covered_names.push_back(a);
  }
  const bool gate_open = s.gate_open = detail::gate_open(s.affairs_covered, ed);
  const detail::RegionTotals t = detail::finish_region(ed, s.government_h, s.innovation_sum_h, n, gate_open);
  s.divisor = t.divisor;
  s.count_h = t.count_h;
  const int128 D = s.divisor;
  s.innovation_average = make_fraction(s.innovation_sum_h, 100 * D);
  s.total = make_fraction(t.total_num_h, 100 * D);
  c.num = t.iid_num;
  c.den = t.iid_den;
  s.iid_exact = make_fraction(t.total_num_h * 100, t.iid_den);
  s.iid_h = t.iid_h;
  const std::string& cat_rounded = ed.category_label(t.band_rounded);
  const std::string& cat_exact = ed.category_label(t.band_exact);
  s.category = ed.category_label(t.band);

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
      d.mean_points = make_fraction(d.points_h, 100 * static_cast<int128>(d.innovations));
      d.iid_contribution = make_fraction(static_cast<int128>(d.points_h) * 100, D * ed.max_total_h);
      s.departments.push_back(d);
    }
    std::stable_sort(s.departments.begin(), s.departments.end(),
                     [](const DepartmentScore& a, const DepartmentScore& b) {
                       // mean points descending, exact: a.n/a.d > b.n/b.d
                       return num_of(a.mean_points) * den_of(b.mean_points) > num_of(b.mean_points) * den_of(a.mean_points);
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
    d.at_risk_iid = make_fraction(static_cast<int128>(d.at_risk_h) * 100, D * ed.max_total_h);
  }
  for (std::size_t idx = 0; idx < ed.rows.size(); ++idx) {
    // A government row counts once; an innovation row's sum is averaged over the divisor.
    int128 den = ed.rows[idx].aspect_index == 0 ? int128(ed.max_total_h) : D * ed.max_total_h;
    s.risk_by_row.push_back({static_cast<int>(idx), by_row[idx], make_fraction(static_cast<int128>(by_row[idx]) * 100, den)});
  }
}

}  // namespace

Score score(const Submission& submission, const ScoreOptions& options) {
  // Pre-validation does not depend on the policy (only its assessor findings do): both passes,
  // the result's and the points-at-risk reference, read the same checks.
  const Checks checks(submission, options.policy);
  Core main = score_core(submission, checks, options.policy, options.with_breakdown);
  Score& s = main.s;
  for (const auto& c : checks.listed) s.findings.insert(s.findings.end(), c.findings.begin(), c.findings.end());
  // Points at risk: self-assessed vs the result's policy, or vs `supported` when the result is
  // itself self-assessed.
  Policy other = options.policy == Policy::self_assessed ? Policy::supported : Policy::self_assessed;
  Core ref = score_core(submission, checks, other, options.with_breakdown);
  const Score& self = options.policy == Policy::self_assessed ? s : ref.s;
  const Score& validated = options.policy == Policy::self_assessed ? ref.s : s;
  s.risk_reference = self.policy;
  s.risk_compared = validated.policy;
  s.self_assessed_iid_h = self.iid_h;
  Fraction diff = make_fraction(num_of(self.total) * den_of(validated.total) - num_of(validated.total) * den_of(self.total),
                                 den_of(self.total) * den_of(validated.total));
  s.points_at_risk_negative = diff.sign() < 0;
  s.points_at_risk = diff;
  s.points_at_risk_iid = make_fraction(num_of(diff) * 100 * 100, den_of(diff) * submission.edition->max_total_h);
  if (options.with_breakdown) add_risk_breakdown(s, self, validated, *submission.edition);
  return std::move(s);
}

}  // namespace inovasi
