// Score → compact JSON (formats.md). Numbers that must print with two decimals are written as
// raw text, never through a double.
#include <cstdio>
#include <map>

#include "inovasi/score.hpp"
#include "io/json_text.hpp"

namespace inovasi {

namespace {

class Writer {
 public:
  std::string out;
  bool first = true;

  void escape(const std::string& s) {
    out += '"';
    detail::append_json_escaped(out, s);
    out += '"';
  }
  void sep() {
    if (!first) out += ',';
    first = false;
  }
  void key(const char* k) {
    sep();
    escape(k);
    out += ':';
  }
  void open(char c) {
    out += c;
    first = true;
  }
  void close(char c) {
    out += c;
    first = false;
  }
  void str(const char* k, const std::string& v) { key(k); escape(v); }
  void raw(const char* k, const std::string& v) { key(k); out += v; }
  void num(const char* k, long long v) { key(k); out += std::to_string(v); }
  void boolean(const char* k, bool v) { key(k); out += v ? "true" : "false"; }
};

// Hundredths as a decimal with exactly two places.
std::string fixed2(std::int64_t h) {
  bool neg = h < 0;
  if (neg) h = -h;
  std::string s = std::to_string(h / 100) + "." + (h % 100 < 10 ? "0" : "") + std::to_string(h % 100);
  return neg ? "-" + s : s;
}

std::string fixed2(const Fraction& f) {
  bool neg = f.num < 0;
  std::int64_t h = round_hundredths((neg ? -f.num : f.num) * 100, f.den, Rounding::half_up);
  return fixed2(neg ? -h : h);
}

std::string weight_text(std::int64_t h) {
  std::string s = fixed2(h);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

std::string to_json(const Score& s, const Edition& ed) {
  Writer w;
  w.open('{');
  w.str("region", s.region_code);
  if (!s.region_name.empty()) w.str("name", s.region_name);
  w.str("type", s.region_type);
  if (!s.province.empty()) w.str("province", s.province);
  w.str("edition", s.edition);
  w.str("policy", to_string(s.policy));
  w.raw("iid", fixed2(s.iid_h));
  w.str("category", s.category);
  w.raw("government_points", fixed2(s.government_h));
  w.raw("innovation_average", fixed2(s.innovation_average));
  w.str("innovation_average_exact", s.innovation_average.to_string());
  w.raw("count_points", fixed2(s.count_h));
  w.raw("total", fixed2(s.total));
  w.str("total_exact", s.total.to_string());
  w.str("iid_exact", s.iid_exact.to_string());
  w.num("innovations_counted", s.innovations_counted);
  w.num("innovations_not_counted", s.innovations_not_counted);
  w.num("divisor", s.divisor);
  w.str("rounding", to_string(ed.rounding));
  w.str("category_reading", to_string(ed.category_reading));
  if (s.gate_applies) {
    w.key("count_gate");
    w.open('{');
    w.boolean("open", s.gate_open);
    w.num("affairs_covered", s.affairs_covered);
    w.num("min_covered", ed.gate->min_covered);
    w.key("covered");
    w.open('[');
    for (const auto& a : s.affairs_covered_names) { w.sep(); w.escape(a); }
    w.close(']');
    w.close('}');
  }
  w.key("decided_by");
  w.open('[');
  for (const auto& d : s.decided_by) {
    w.sep();
    w.open('{');
    w.str("rule", d.rule);
    w.str("chosen", d.chosen);
    w.str("alternative", d.alternative);
    w.raw("alternative_iid", fixed2(d.alternative_iid_h));
    w.str("alternative_category", d.alternative_category);
    w.close('}');
  }
  w.close(']');
  w.raw("self_assessed_iid", fixed2(s.self_assessed_iid_h));
  w.key("points_at_risk");
  w.open('{');
  w.str("compares", std::string(to_string(s.risk_reference)) + " - " + to_string(s.risk_compared));
  w.raw("points", fixed2(s.points_at_risk));
  w.str("points_exact", s.points_at_risk.to_string());
  w.raw("iid", fixed2(s.points_at_risk_iid));
  w.str("iid_exact", s.points_at_risk_iid.to_string());
  w.close('}');

  w.key("indicators");
  w.open('[');
  for (const auto& r : s.government) {
    const Row& row = ed.rows[r.row];
    w.sep();
    w.open('{');
    w.str("row", row.key);
    w.raw("weight", weight_text(row.weight_h));
    w.num("claimed_level", r.claimed_level);
    w.num("level", r.level);
    w.raw("points", fixed2(r.points_h));
    w.raw("points_at_risk", fixed2(r.at_risk_h));
    if (!s.risk_by_row.empty()) w.str("iid_at_risk_exact", s.risk_by_row[r.row].iid.to_string());
    w.close('}');
  }
  w.close(']');

  // Innovation rows summed over counted innovations: each row's share of the average.
  std::map<int, std::int64_t> row_sum;
  for (const auto& inv : s.innovations)
    if (inv.counted)
      for (const auto& r : inv.rows) row_sum[r.row] += r.points_h;
  w.key("innovation_indicators");
  w.open('[');
  for (int idx : ed.innovation_rows) {
    const Row& row = ed.rows[idx];
    std::int64_t sum = row_sum[idx];
    Fraction share = Fraction::make(sum, 100 * static_cast<int128>(s.divisor));
    w.sep();
    w.open('{');
    w.str("row", row.key);
    w.raw("weight", weight_text(row.weight_h));
    w.raw("points", fixed2(sum));
    w.raw("average_share", fixed2(share));
    w.str("average_share_exact", share.to_string());
    if (!s.risk_by_row.empty()) {
      const RowRisk& rr = s.risk_by_row[idx];
      w.raw("points_at_risk", fixed2(rr.points_h));
      w.raw("iid_at_risk", fixed2(rr.iid));
      w.str("iid_at_risk_exact", rr.iid.to_string());
    }
    w.close('}');
  }
  w.close(']');

  w.key("innovations");
  w.open('[');
  for (const auto& inv : s.innovations) {
    w.sep();
    w.open('{');
    w.str("id", inv.id);
    if (!inv.name.empty()) w.str("name", inv.name);
    if (!inv.department.empty()) w.str("department", inv.department);
    w.str("status", to_string(inv.status));
    w.boolean("counted", inv.counted);
    w.raw("points", fixed2(inv.points_h));
    w.raw("claimed_points", fixed2(inv.claimed_points_h));
    w.raw("points_at_risk", fixed2(inv.at_risk_h));
    w.key("levels");
    w.open('{');
    for (const auto& r : inv.rows)
      if (r.level || r.claimed_level) w.num(ed.rows[r.row].key.c_str(), r.level);
    w.close('}');
    if (s.policy != Policy::self_assessed) {
      w.key("claimed_levels");
      w.open('{');
      for (const auto& r : inv.rows)
        if (r.level != r.claimed_level) w.num(ed.rows[r.row].key.c_str(), r.claimed_level);
      w.close('}');
    }
    w.close('}');
  }
  w.close(']');

  w.key("departments");
  w.open('[');
  for (const auto& d : s.departments) {
    w.sep();
    w.open('{');
    w.str("name", d.name.empty() ? std::string("(tanpa perangkat daerah)") : d.name);
    w.num("innovations", d.innovations);
    w.raw("points", fixed2(d.points_h));
    w.raw("mean_points", fixed2(d.mean_points));
    w.str("mean_points_exact", d.mean_points.to_string());
    w.raw("iid_contribution", fixed2(d.iid_contribution));
    w.str("iid_contribution_exact", d.iid_contribution.to_string());
    w.raw("points_at_risk", fixed2(d.at_risk_h));
    w.raw("iid_at_risk", fixed2(d.at_risk_iid));
    w.str("iid_at_risk_exact", d.at_risk_iid.to_string());
    w.close('}');
  }
  w.close(']');
  {
    Fraction cp = Fraction::make(static_cast<int128>(s.count_h) * 100, ed.max_total_h);
    w.raw("count_points_iid_contribution", fixed2(cp));
  }

  w.key("findings");
  w.open('[');
  for (const auto& f : s.findings) {
    w.sep();
    w.open('{');
    w.str("pointer", f.pointer);
    w.str("row", f.row);
    if (!f.innovation.empty()) w.str("innovation", f.innovation);
    if (f.evidence_index >= 0) w.num("evidence", f.evidence_index);
    w.str("rule", f.rule);
    w.str("severity", to_string(f.severity));
    w.str("message", f.message);
    w.close('}');
  }
  w.close(']');
  w.close('}');
  return std::move(w.out);
}

}  // namespace inovasi
