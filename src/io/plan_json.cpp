// RegionPlan -> one line of JSON (docs/plan.md), through the one JSON writer.
#include "inovasi/decimal.hpp"
#include "inovasi/plan.hpp"
#include "inovasi/version.hpp"
#include "io/json_text.hpp"
#include "io/score_json.hpp"
#include "model/wide.hpp"

namespace inovasi {

namespace {

// A step's innovation: its id, its index when the base has no ids, null for a government row.
void write_innovation(detail::JsonWriter& w, const ScenarioBase& base, std::size_t region, std::int64_t innovation) {
  w.key("innovation");
  if (innovation < 0) {
    w.number_text("null");
    return;
  }
  const std::string id = base.innovation_id(region, static_cast<std::size_t>(innovation));
  if (id.empty()) w.number(innovation);
  else w.string(id);
}

// The evidence a step to `to` needs; a step that only sets the claim to what the answer's
// evidence already supports needs none.
void write_evidence(detail::JsonWriter& w, const Row& row, int to, bool evidenced) {
  w.key("evidence").begin_object();
  w.boolean("new", evidenced);
  if (evidenced) {
    const StepEvidence e = evidence_for(row, to);
    w.boolean("unchecked", e.unchecked);
    w.key("kinds").begin_array();
    for (const auto& k : e.kinds) w.string(k);
    w.end_array();
    if (!e.how.empty()) w.str("how", e.how);
    w.key("rules").begin_array();
    for (const auto& r : e.rules) w.string(r);
    w.end_array();
  }
  w.end_object();
}

// Provenance: the library version, the edition and its SHA-256, the policy.
void write_provenance(detail::JsonWriter& w, const Edition& ed, Policy policy) {
  w.key("provenance").begin_object();
  w.str("inovasi", version());
  w.str("edition", ed.name);
  w.str("edition_sha256", ed.sha256);
  w.str("policy", to_string(policy));
  w.end_object();
}

}  // namespace

std::string to_json(const RegionPlan& plan, const ScenarioBase& base, const PlanOptions& o) {
  const Edition& ed = base.edition();
  std::string out;
  detail::JsonWriter w(out);
  w.begin_object();
  w.str("region", base.columns().codes.at(plan.region));
  if (const auto& names = base.columns().names; plan.region < names.size() && !names[plan.region].empty())
    w.str("name", names[plan.region]);
  w.str("edition", ed.name);
  w.str("policy", to_string(plan.policy));
  w.number_text("target_iid", hundredths_text(plan.target_iid_h));
  if (plan.target_band) w.str("target_category", ed.category_label(*plan.target_band));
  w.boolean("reachable", plan.reachable);
  w.num("cost", plan.cost);
  w.number_text("iid_before", hundredths_text(plan.before.iid_h));
  w.str("category_before", ed.category_label(plan.before.category));
  w.number_text("iid_after", hundredths_text(plan.after.iid_h));
  w.str("category_after", ed.category_label(plan.after.category));
  const bool validated = plan.policy != Policy::self_assessed;
  w.key("steps").begin_array();
  for (const auto& s : plan.steps) {
    const int idx = s.innovation < 0 ? ed.government_rows[s.column] : ed.innovation_rows[s.column];
    const Row& row = ed.rows[static_cast<std::size_t>(idx)];
    w.begin_object();
    write_innovation(w, base, plan.region, s.innovation);
    w.str("row", row.key);
    w.num("from", s.from);
    w.num("to", s.to);
    w.num("cost", s.cost);
    if (validated) write_evidence(w, row, s.to, s.evidenced);
    w.end_object();
  }
  w.end_array();
  w.key("new_innovations").begin_array();
  for (std::size_t i = 0; i < plan.new_innovations; ++i) {
    w.begin_object();
    w.key("profile").begin_object();
    for (std::size_t k = 0; k < ed.innovation_rows.size(); ++k)
      w.num(ed.rows[static_cast<std::size_t>(ed.innovation_rows[k])].key, plan.new_profile.at(k));
    w.end_object();
    w.key("affairs").begin_array();
    for (const auto& a : o.new_affairs) w.string(a);
    w.end_array();
    w.num("cost", o.new_cost);
    w.end_object();
  }
  w.end_array();
  w.key("blockers").begin_array();
  for (const auto& b : plan.blockers) w.string(b);
  w.end_array();
  w.key("decided_by").begin_array();
  for (const auto& d : plan.decided_by) {
    w.begin_object();
    detail::write_decided_by_fields(w, d);
    w.boolean("target_met_there", !plan.reachable);
    w.end_object();
  }
  w.end_array();
  write_provenance(w, ed, plan.policy);
  w.end_object();
  return out;
}

std::string gains_json(const std::vector<StepGain>& gains, const ScenarioBase& base, std::size_t region,
                       const PlanOptions& o) {
  const Edition& ed = base.edition();
  std::string out;
  std::size_t rank = 0;
  for (const auto& g : gains) {
    detail::JsonWriter w(out);
    w.begin_object();
    w.num("rank", static_cast<std::int64_t>(++rank));
    w.str("region", base.columns().codes.at(region));
    w.str("edition", ed.name);
    w.str("policy", to_string(o.policy));
    if (g.new_innovation) {
      w.str("step", "new_innovation");
      w.key("affairs").begin_array();
      for (const auto& a : o.new_affairs) w.string(a);
      w.end_array();
    } else {
      const int idx = g.step.innovation < 0 ? ed.government_rows[g.step.column] : ed.innovation_rows[g.step.column];
      const Row& row = ed.rows[static_cast<std::size_t>(idx)];
      w.str("step", "level");
      write_innovation(w, base, region, g.step.innovation);
      w.str("row", row.key);
      w.num("from", g.step.from);
      w.num("to", g.step.to);
      if (o.policy != Policy::self_assessed) write_evidence(w, row, g.step.to, g.step.evidenced);
    }
    w.num("cost", g.cost);
    w.number_text("iid_after", hundredths_text(g.after.iid_h));
    w.str("category_after", ed.category_label(g.after.category));
    const int128 gain_num = num_of(g.gain), gain_den = den_of(g.gain);
    w.number_text("gain", hundredths_text(round_hundredths(gain_num < 0 ? -gain_num : gain_num, gain_den,
                                                           Rounding::half_up) * (gain_num < 0 ? -1 : 1)));
    w.str("gain_exact", make_fraction(gain_num, gain_den * 100).to_string());
    write_provenance(w, ed, o.policy);
    w.end_object();
    out += '\n';
  }
  return out;
}

}  // namespace inovasi
