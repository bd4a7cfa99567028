// Score → compact JSON (docs/schemas/score.schema.json) through the one JSON writer (io/json_text.hpp). Numbers
// that must print with two decimals are the text of hundredths_text, never a double's.
#include <map>

#include "inovasi/score.hpp"
#include "io/json_text.hpp"
#include "io/score_json.hpp"
#include "model/wide.hpp"

namespace inovasi {

namespace {

std::string fixed2(std::int64_t h) { return hundredths_text(h); }

std::string fixed2(const Fraction& f) {
  bool neg = f.sign() < 0;
  std::int64_t h = round_hundredths((neg ? -num_of(f) : num_of(f)) * 100, den_of(f), Rounding::half_up);
  return fixed2(neg ? -h : h);
}

std::string weight_text(std::int64_t h) { return hundredths_text_short(h); }

}  // namespace

namespace detail {

void write_decided_by_fields(JsonWriter& w, const DecidedBy& d) {
  w.str("rule", d.rule);
  w.str("chosen", d.chosen);
  w.str("alternative", d.alternative);
  w.number_text("alternative_iid", hundredths_text(d.alternative_iid_h));
  w.str("alternative_category", d.alternative_category);
}

}  // namespace detail

std::string to_json(const Score& s, const Edition& ed) {
  std::string out;
  detail::JsonWriter w(out);
  w.begin_object();
  w.str("region", s.region_code);
  if (!s.region_name.empty()) w.str("name", s.region_name);
  w.str("type", s.region_type);
  if (!s.province.empty()) w.str("province", s.province);
  w.str("edition", s.edition);
  w.str("policy", to_string(s.policy));
  w.number_text("iid", fixed2(s.iid_h));
  w.str("category", s.category);
  w.number_text("government_points", fixed2(s.government_h));
  w.number_text("innovation_average", fixed2(s.innovation_average));
  w.str("innovation_average_exact", s.innovation_average.to_string());
  w.number_text("count_points", fixed2(s.count_h));
  w.number_text("total", fixed2(s.total));
  w.str("total_exact", s.total.to_string());
  w.str("iid_exact", s.iid_exact.to_string());
  w.num("innovations_counted", s.innovations_counted);
  w.num("innovations_not_counted", s.innovations_not_counted);
  w.num("divisor", s.divisor);
  w.str("rounding", to_string(ed.rounding));
  w.str("category_reading", to_string(ed.category_reading));
  if (s.gate_applies) {
    w.key("count_gate");
    w.begin_object();
    w.boolean("open", s.gate_open);
    w.num("affairs_covered", s.affairs_covered);
    w.num("min_covered", ed.gate->min_covered);
    w.key("covered");
    w.begin_array();
    for (const auto& a : s.affairs_covered_names) w.string(a);
    w.end_array();
    w.end_object();
  }
  w.key("decided_by");
  w.begin_array();
  for (const auto& d : s.decided_by) {
    w.begin_object();
    detail::write_decided_by_fields(w, d);
    w.end_object();
  }
  w.end_array();
  w.number_text("self_assessed_iid", fixed2(s.self_assessed_iid_h));
  w.key("points_at_risk");
  w.begin_object();
  w.str("compares", std::string(to_string(s.risk_reference)) + " - " + to_string(s.risk_compared));
  w.number_text("points", fixed2(s.points_at_risk));
  w.str("points_exact", s.points_at_risk.to_string());
  w.number_text("iid", fixed2(s.points_at_risk_iid));
  w.str("iid_exact", s.points_at_risk_iid.to_string());
  w.end_object();

  w.key("indicators");
  w.begin_array();
  for (const auto& r : s.government) {
    const Row& row = ed.rows[r.row];
    w.begin_object();
    w.str("row", row.key);
    w.number_text("weight", weight_text(row.weight_h));
    w.num("claimed_level", r.claimed_level);
    w.num("level", r.level);
    w.number_text("points", fixed2(r.points_h));
    w.number_text("points_at_risk", fixed2(r.at_risk_h));
    if (!s.risk_by_row.empty()) w.str("iid_at_risk_exact", s.risk_by_row[r.row].iid.to_string());
    w.end_object();
  }
  w.end_array();

  // Innovation rows summed over counted innovations: each row's share of the average.
  std::map<int, std::int64_t> row_sum;
  for (const auto& inv : s.innovations)
    if (inv.counted)
      for (const auto& r : inv.rows) row_sum[r.row] += r.points_h;
  w.key("innovation_indicators");
  w.begin_array();
  for (int idx : ed.innovation_rows) {
    const Row& row = ed.rows[idx];
    std::int64_t sum = row_sum[idx];
    Fraction share = make_fraction(sum, 100 * static_cast<int128>(s.divisor));
    w.begin_object();
    w.str("row", row.key);
    w.number_text("weight", weight_text(row.weight_h));
    w.number_text("points", fixed2(sum));
    w.number_text("average_share", fixed2(share));
    w.str("average_share_exact", share.to_string());
    if (!s.risk_by_row.empty()) {
      const RowRisk& rr = s.risk_by_row[idx];
      w.number_text("points_at_risk", fixed2(rr.points_h));
      w.number_text("iid_at_risk", fixed2(rr.iid));
      w.str("iid_at_risk_exact", rr.iid.to_string());
    }
    w.end_object();
  }
  w.end_array();

  w.key("innovations");
  w.begin_array();
  for (const auto& inv : s.innovations) {
    w.begin_object();
    w.str("id", inv.id);
    if (!inv.name.empty()) w.str("name", inv.name);
    if (!inv.department.empty()) w.str("department", inv.department);
    w.str("status", to_string(inv.status));
    w.boolean("counted", inv.counted);
    w.number_text("points", fixed2(inv.points_h));
    w.number_text("claimed_points", fixed2(inv.claimed_points_h));
    w.number_text("points_at_risk", fixed2(inv.at_risk_h));
    w.key("levels");
    w.begin_object();
    for (const auto& r : inv.rows)
      if (r.level || r.claimed_level) w.num(ed.rows[r.row].key, r.level);
    w.end_object();
    if (s.policy != Policy::self_assessed) {
      w.key("claimed_levels");
      w.begin_object();
      for (const auto& r : inv.rows)
        if (r.level != r.claimed_level) w.num(ed.rows[r.row].key, r.claimed_level);
      w.end_object();
    }
    w.end_object();
  }
  w.end_array();

  w.key("departments");
  w.begin_array();
  for (const auto& d : s.departments) {
    w.begin_object();
    w.str("name", d.name.empty() ? std::string("(tanpa perangkat daerah)") : d.name);
    w.num("innovations", d.innovations);
    w.number_text("points", fixed2(d.points_h));
    w.number_text("mean_points", fixed2(d.mean_points));
    w.str("mean_points_exact", d.mean_points.to_string());
    w.number_text("iid_contribution", fixed2(d.iid_contribution));
    w.str("iid_contribution_exact", d.iid_contribution.to_string());
    w.number_text("points_at_risk", fixed2(d.at_risk_h));
    w.number_text("iid_at_risk", fixed2(d.at_risk_iid));
    w.str("iid_at_risk_exact", d.at_risk_iid.to_string());
    w.end_object();
  }
  w.end_array();
  {
    Fraction cp = make_fraction(static_cast<int128>(s.count_h) * 100, ed.max_total_h);
    w.number_text("count_points_iid_contribution", fixed2(cp));
  }

  w.key("findings");
  w.begin_array();
  for (const auto& f : s.findings) {
    w.begin_object();
    w.str("pointer", f.pointer);
    w.str("row", f.row);
    if (!f.innovation.empty()) w.str("innovation", f.innovation);
    if (f.evidence_index >= 0) w.num("evidence", f.evidence_index);
    w.str("rule", f.rule);
    w.str("severity", to_string(f.severity));
    w.str("message", f.message);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

}  // namespace inovasi
