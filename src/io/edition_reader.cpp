#include "inovasi/edition.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <climits>

#include "io/jread.hpp"
#include "model/edition_rules.hpp"
#include "io/json_dom.hpp"
#include "model/sha256.hpp"
#include "model/relative_year.hpp"
#include "inovasi/submission.hpp"

namespace inovasi {

namespace detail {
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_editions();
}

using namespace detail;

namespace {

// Parses an edition file into an EditionDraft: the JSON's shape (types, known keys, enum
// names, required members) is checked here; every rule about the values is the draft's
// (EditionDraft::validate, src/model/edition_draft.cpp), so a program building an edition in
// memory meets the same rules and messages. The few values a draft cannot hold (a number off
// the hundredths grid, a level beyond int) are refused here with the model's message.
class DraftReader {
 public:
  explicit DraftReader(const JNode& root) : root_(root) {}

  EditionDraft read() {
    expect(root_, JType::object, "", "an edition");
    check_keys(root_, "",
               {"format", "name", "title", "description", "assessment_year", "t0_offset",
                "levels", "divisor_minimum", "count_points", "rounding", "category_reading",
                "categories", "max_total", "eligibility", "mandatory_rule", "evidence_kinds",
                "revision_counts_as", "acceptance_factors", "aspects", "rows"});
    const auto& fmt = get_string(require(root_, "format", ""), "/format");
    if (fmt != "inovasi-edition/1")
      fail("/format", quoted(fmt) + " is not a supported edition format (expected \"inovasi-edition/1\")");
    d_.name = get_string(require(root_, "name", ""), "/name");
    if (auto t = root_.find("title")) d_.title = get_string(*t, "/title");
    if (auto t = root_.find("description")) d_.description = get_string(*t, "/description");

    d_.assessment_year = whole(param("assessment_year"), "/assessment_year/value");
    d_.t0_offset = whole(param("t0_offset"), "/t0_offset/value");
    {
      const JNode& v = param("levels");
      expect(v, JType::object, "/levels/value");
      check_keys(v, "/levels/value", {"min", "max"});
      d_.level_min = whole(require(v, "min", "/levels/value"), "/levels/value/min");
      d_.level_max = whole(require(v, "max", "/levels/value"), "/levels/value/max");
    }
    d_.divisor_minimum = whole(param("divisor_minimum"), "/divisor_minimum/value");
    read_count_points();
    d_.rounding = enum_param<Rounding>("rounding", {{"half_up", Rounding::half_up}, {"half_even", Rounding::half_even}});
    d_.category_reading = enum_param<CategoryReading>(
        "category_reading", {{"rounded", CategoryReading::rounded}, {"unrounded", CategoryReading::unrounded}});
    read_categories();
    d_.mandatory_rule = enum_param<MandatoryRule>(
        "mandatory_rule", {{"finding", MandatoryRule::finding}, {"zero_innovation", MandatoryRule::zero_innovation}});
    read_eligibility();
    {
      const JNode& v = param("evidence_kinds");
      expect(v, JType::array, "/evidence_kinds/value");
      for (std::size_t i = 0; i < v.items.size(); ++i)
        d_.evidence_kinds.push_back(get_string(v.items[i], pointer_append("/evidence_kinds/value", i)));
    }
    if (root_.find("revision_counts_as"))
      d_.revision_counts_as = enum_param<RevisionAs>(
          "revision_counts_as",
          {{"rejected", RevisionAs::rejected}, {"accepted", RevisionAs::accepted}, {"ignored", RevisionAs::ignored}});
    read_acceptance_factors();
    read_aspects();
    read_rows();
    {
      const JNode v = param("max_total");
      const Decimal m = get_decimal(v, "/max_total/value");
      const auto mh = m.scaled(2);
      if (!mh) fail("/max_total/value", max_total_grid_message());
      d_.max_total_h = *mh;
    }
    return std::move(d_);
  }

 private:
  const JNode& root_;
  EditionDraft d_;

  // A whole number the draft holds; its range is the draft's rule.
  static std::int64_t whole(const JNode& n, const std::string& ptr, std::string_view what = "a whole number") {
    return get_int(n, ptr, INT64_MIN, INT64_MAX, what);
  }
  static int level(const JNode& n, const std::string& ptr) {
    return static_cast<int>(get_int(n, ptr, INT_MIN, INT_MAX, "a level"));
  }

  static Provenance read_provenance(const JNode& n, const std::string& ptr, bool with_value) {
    expect(n, JType::object, ptr, "a parameter with \"mark\" and \"note\"");
    if (with_value) check_keys(n, ptr, {"value", "mark", "note"});
    else check_keys(n, ptr, {"mark", "note"});
    Provenance p;
    const auto& mark = get_string(require(n, "mark", ptr), ptr + "/mark");
    if (mark.size() != 1) fail(ptr + "/mark", provenance_mark_message(mark));
    p.mark = mark[0];
    p.note = get_string(require(n, "note", ptr), ptr + "/note");
    return p;
  }

  // A top-level parameter {"value", "mark", "note"}; returns its value.
  JNode param(const char* key) {
    std::string ptr = pointer_append("", key);
    const JNode& n = require(root_, key, "");
    d_.provenance[key] = read_provenance(n, ptr, true);
    return require(n, "value", ptr);
  }

  template <class E>
  E enum_param(const char* key, std::initializer_list<std::pair<std::string_view, E>> values) {
    const JNode& v = param(key);
    return parse_enum<E>(v, pointer_append("", key) + "/value", values);
  }

  void read_count_points() {
    const JNode& v = param("count_points");
    const std::string ptr = "/count_points/value";
    expect(v, JType::object, ptr);
    check_keys(v, ptr, {"rate", "cap", "gate"});
    auto rate = get_decimal(require(v, "rate", ptr), ptr + "/rate");
    auto rh = rate.scaled(2);
    if (!rh) fail(ptr + "/rate", rate_grid_message(rate.to_string()));
    d_.count_rate_h = *rh;
    d_.count_cap = whole(require(v, "cap", ptr), ptr + "/cap");
    auto g = v.find("gate");
    if (g && g->type != JType::null) {
      std::string gp = ptr + "/gate";
      expect(*g, JType::object, gp);
      check_keys(*g, gp, {"affairs", "min_covered", "counted"});
      CountGate gate;
      const JNode& aff = require(*g, "affairs", gp);
      expect(aff, JType::array, gp + "/affairs");
      for (std::size_t i = 0; i < aff.items.size(); ++i)
        gate.affairs.push_back(get_string(aff.items[i], pointer_append(gp + "/affairs", i)));
      gate.min_covered = static_cast<int>(get_int(require(*g, "min_covered", gp), gp + "/min_covered", INT_MIN, INT_MAX));
      if (auto c = g->find("counted")) {
        const auto& s = get_string(*c, gp + "/counted");
        if (s == "counted") gate.counted = GateCounted::counted;
        else if (s == "submitted") gate.counted = GateCounted::submitted;
        else fail(gp + "/counted", quoted(s) + " is not one of: counted, submitted");
      }
      d_.gate = std::move(gate);
    }
  }

  // Optional {"value": {"info", "warning", "error"}, "mark", "note"}.
  void read_acceptance_factors() {
    if (!root_.find("acceptance_factors")) return;
    const JNode& v = param("acceptance_factors");
    const std::string ptr = "/acceptance_factors/value";
    expect(v, JType::object, ptr, "factors per finding severity, such as {\"info\": 1, \"warning\": 0.9, \"error\": 0.5}");
    check_keys(v, ptr, {"info", "warning", "error"});
    AcceptanceFactors f;
    f.info = get_decimal(require(v, "info", ptr), ptr + "/info").to_double();
    f.warning = get_decimal(require(v, "warning", ptr), ptr + "/warning").to_double();
    f.error = get_decimal(require(v, "error", ptr), ptr + "/error").to_double();
    d_.acceptance_factors = f;
  }

  void read_categories() {
    const JNode& v = param("categories");
    const std::string ptr = "/categories/value";
    expect(v, JType::object, ptr);
    check_keys(v, ptr, {"bands", "otherwise"});
    const JNode& bands = require(v, "bands", ptr);
    expect(bands, JType::array, ptr + "/bands");
    for (std::size_t i = 0; i < bands.items.size(); ++i) {
      std::string bp = pointer_append(ptr + "/bands", i);
      const JNode& b = bands.items[i];
      expect(b, JType::object, bp);
      check_keys(b, bp, {"label", "lower", "strict"});
      CategoryBand band;
      band.label = get_string(require(b, "label", bp), bp + "/label");
      auto lower = get_decimal(require(b, "lower", bp), bp + "/lower");
      auto lh = lower.scaled(2);
      if (!lh) fail(bp + "/lower", band_lower_message(lower.to_string()));
      band.lower_h = *lh;
      band.strict = get_bool(require(b, "strict", bp), bp + "/strict");
      d_.bands.push_back(std::move(band));
    }
    d_.lowest_category = get_string(require(v, "otherwise", ptr), ptr + "/otherwise");
  }

  void read_eligibility() {
    const JNode& v = param("eligibility");
    if (v.type == JType::null) return;
    const std::string ptr = "/eligibility/value";
    expect(v, JType::object, ptr);
    check_keys(v, ptr, {"applied_from", "applied_to", "enabled"});
    Eligibility el;
    el.applied_from = get_string(require(v, "applied_from", ptr), ptr + "/applied_from");
    el.applied_to = get_string(require(v, "applied_to", ptr), ptr + "/applied_to");
    el.enabled = get_bool(require(v, "enabled", ptr), ptr + "/enabled");
    d_.eligibility = el;
  }

  void read_aspects() {
    const JNode& a = require(root_, "aspects", "");
    expect(a, JType::array, "/aspects");
    for (std::size_t i = 0; i < a.items.size(); ++i) {
      std::string p = pointer_append("/aspects", i);
      const JNode& n = a.items[i];
      expect(n, JType::object, p);
      check_keys(n, p, {"key", "name", "scope", "variables"});
      Aspect asp;
      asp.key = get_string(require(n, "key", p), p + "/key");
      if (auto nm = n.find("name")) asp.name = get_string(*nm, p + "/name");
      asp.per_innovation = parse_enum<bool>(require(n, "scope", p), p + "/scope", {{"region", false}, {"innovation", true}});
      if (auto vars = n.find("variables")) {
        expect(*vars, JType::array, p + "/variables");
        for (std::size_t j = 0; j < vars->items.size(); ++j)
          asp.variables.push_back(get_string(vars->items[j], pointer_append(p + "/variables", j)));
      }
      d_.aspects.push_back(std::move(asp));
    }
  }

  std::vector<std::string> read_labels(const JNode& n, const std::string& ptr) {
    expect(n, JType::array, ptr, "one label per level");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n.items.size(); ++i) out.push_back(get_string(n.items[i], pointer_append(ptr, i)));
    return out;
  }

  Bands read_bands(const JNode& row, const std::string& ptr, InputKind input) {
    Bands b;
    b.input = input;
    b.direction = parse_enum<Direction>(require(row, "direction", ptr), ptr + "/direction",
                                        {{"higher", Direction::higher}, {"lower", Direction::lower}});
    const JNode& th = require(row, "thresholds", ptr);
    expect(th, JType::array, ptr + "/thresholds");
    for (std::size_t i = 0; i < th.items.size(); ++i) {
      std::string tp = pointer_append(ptr + "/thresholds", i);
      const JNode& t = th.items[i];
      expect(t, JType::object, tp);
      check_keys(t, tp, {"level", "value", "inclusive"});
      Threshold x;
      x.level = level(require(t, "level", tp), tp + "/level");
      x.value = get_decimal(require(t, "value", tp), tp + "/value");
      if (auto inc = t.find("inclusive")) x.inclusive = get_bool(*inc, tp + "/inclusive");
      b.thresholds.push_back(x);
    }
    b.otherwise = level(require(row, "otherwise", ptr), ptr + "/otherwise");
    return b;
  }

  void read_rows() {
    const JNode& rows = require(root_, "rows", "");
    expect(rows, JType::array, "/rows");
    for (std::size_t i = 0; i < rows.items.size(); ++i) d_.rows.push_back(read_row(rows.items[i], pointer_append("/rows", i)));
  }

  Row read_row(const JNode& n, const std::string& p) {
    expect(n, JType::object, p, "a row");
    check_keys(n, p,
               {"key", "indicator", "aspect", "variable", "name", "english", "weight", "mandatory", "input",
                "levels", "direction", "thresholds", "otherwise", "codes", "year_rules", "bases",
                "default_basis", "variants", "default_variant", "provenance", "evidence"});
    Row r;
    r.key = get_string(require(n, "key", p), p + "/key");
    r.indicator = n.find("indicator") ? get_string(*n.find("indicator"), p + "/indicator") : r.key;
    r.aspect = get_string(require(n, "aspect", p), p + "/aspect");
    if (auto v = n.find("variable")) r.variable = get_string(*v, p + "/variable");
    if (auto v = n.find("name")) r.name = get_string(*v, p + "/name");
    if (auto v = n.find("english")) r.english = get_string(*v, p + "/english");
    Decimal w = get_decimal(require(n, "weight", p), p + "/weight");
    auto wh = w.scaled(2);
    if (!wh) fail(p + "/weight", weight_grid_message(w.to_string()));
    r.weight_h = *wh;
    r.mandatory = get_bool(require(n, "mandatory", p), p + "/mandatory");
    r.level_labels = read_labels(require(n, "levels", p), p + "/levels");

    const auto& input = get_string(require(n, "input", p), p + "/input");
    // A key of another input is refused as the file's shape (the draft refuses the field).
    auto forbid = [&](std::initializer_list<const char*> keys) {
      for (auto k : keys)
        if (n.find(k)) fail(pointer_append(p, k), std::string("not used by input ") + quoted(input));
    };
    if (input == "level") {
      r.input = InputKind::level;
      forbid({"direction", "thresholds", "otherwise", "codes", "year_rules", "bases", "default_basis"});
    } else if (input == "count" || input == "decimal") {
      r.input = input == "count" ? InputKind::count : InputKind::decimal;
      r.bands = read_bands(n, p, r.input);
      forbid({"codes", "year_rules", "bases", "default_basis"});
    } else if (input == "code") {
      r.input = InputKind::code;
      const JNode& c = require(n, "codes", p);
      expect(c, JType::object, p + "/codes");
      for (const auto& [k, v] : c.members) r.codes[std::string(k)] = level(v, pointer_append(p + "/codes", k));
      forbid({"direction", "thresholds", "otherwise", "year_rules", "bases", "default_basis"});
    } else if (input == "years") {
      r.input = InputKind::years;
      read_year_rules(require(n, "year_rules", p), p + "/year_rules", r);
      forbid({"direction", "thresholds", "otherwise", "codes", "bases", "default_basis"});
    } else if (input == "bases") {
      r.input = InputKind::bases;
      const JNode& b = require(n, "bases", p);
      expect(b, JType::object, p + "/bases");
      for (const auto& [k, v] : b.members) {
        std::string bp = pointer_append(p + "/bases", k);
        expect(v, JType::object, bp);
        check_keys(v, bp, {"input", "direction", "thresholds", "otherwise", "levels"});
        const auto bi = parse_enum<InputKind>(require(v, "input", bp), bp + "/input",
                                              {{"count", InputKind::count}, {"decimal", InputKind::decimal}});
        Bands bands = read_bands(v, bp, bi);
        if (auto l = v.find("levels")) bands.level_labels = read_labels(*l, bp + "/levels");
        r.bases[std::string(k)] = std::move(bands);
      }
      r.default_basis = get_string(require(n, "default_basis", p), p + "/default_basis");
      forbid({"direction", "thresholds", "otherwise", "codes", "year_rules"});
    } else {
      fail(p + "/input", quoted(input) + " is not one of: level, count, decimal, code, years, bases");
    }
    if (auto v = n.find("variants")) {
      expect(*v, JType::object, p + "/variants");
      for (const auto& [k, lv] : v->members) {
        std::string vp = pointer_append(p + "/variants", k);
        expect(lv, JType::object, vp);
        check_keys(lv, vp, {"levels"});
        r.variants[std::string(k)] = read_labels(require(lv, "levels", vp), vp + "/levels");
      }
      r.default_variant = get_string(require(n, "default_variant", p), p + "/default_variant");
    } else if (auto dv = n.find("default_variant")) {
      r.default_variant = get_string(*dv, p + "/default_variant");
    }

    const JNode& prov = require(n, "provenance", p);
    expect(prov, JType::object, p + "/provenance");
    for (const auto& [k, v] : prov.members) r.provenance[std::string(k)] = read_provenance(v, pointer_append(p + "/provenance", k), false);
    if (auto ev = n.find("evidence")) r.evidence = read_evidence(*ev, p + "/evidence", r);
    return r;
  }

  // ---- Evidence rules (docs/editions.md "Evidence rules") -------------------------------

  static std::vector<std::string> read_kind_list(const JNode& n, const std::string& p) {
    expect(n, JType::array, p, "a list of evidence kinds");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n.items.size(); ++i) out.push_back(get_string(n.items[i], pointer_append(p, i)));
    return out;
  }

  // "T-k": the syntax is the one reader's (model/relative_year.hpp); how far back, the draft's.
  static int read_relative_year(const JNode& n, const std::string& p, std::string_view example) {
    const auto& s = get_string(n, p);
    const auto k = detail::parse_relative_year(s);
    if (!k) fail(p, relative_year_message(s, example));
    return *k;
  }

  EvidenceRules read_evidence(const JNode& n, const std::string& p, const Row& r) {
    expect(n, JType::object, p, "evidence rules");
    check_keys(n, p, {"derivation", "kinds", "rules", "provenance"});
    EvidenceRules ev;
    ev.derivation = parse_enum<Derivation>(require(n, "derivation", p), p + "/derivation",
                                           {{"by_kind", Derivation::by_kind}, {"by_groups", Derivation::by_groups},
                                            {"by_years", Derivation::by_years}, {"by_value", Derivation::by_value}});
    if (auto m = derivation_fits_row(ev.derivation, r.input); !m.empty()) fail(p + "/derivation", m);
    const JNode& kinds = require(n, "kinds", p);
    const std::string kp = p + "/kinds";
    if (ev.derivation == Derivation::by_kind) {
      expect(kinds, JType::object, kp, "kind -> level it supports, or \"claim\"");
      for (const auto& [k, v] : kinds.members) {
        std::string ip = pointer_append(kp, k);
        int lv;
        if (v.type == JType::string) {
          if (v.text != "claim") fail(ip, quoted(v.text) + " is not a level nor \"claim\"");
          lv = EvidenceRules::kClaim;
        } else {
          lv = level(v, ip);
        }
        ev.kinds.emplace_back(k);
        ev.kind_level[std::string(k)] = lv;
      }
    } else {
      ev.kinds = read_kind_list(kinds, kp);
    }

    const JNode& rules = require(n, "rules", p);
    expect(rules, JType::array, p + "/rules");
    for (std::size_t i = 0; i < rules.items.size(); ++i)
      ev.rules.push_back(read_evidence_rule(rules.items[i], pointer_append(p + "/rules", i), ev.derivation));
    ev.provenance = read_provenance(require(n, "provenance", p), p + "/provenance", false);
    return ev;
  }

  EvidenceRule read_evidence_rule(const JNode& n, const std::string& p, Derivation derivation) {
    using T = EvidenceRule::Type;
    using F = EvidenceRule::Fact;
    expect(n, JType::object, p, "an evidence rule");
    EvidenceRule x;
    const auto& type = get_string(require(n, "rule", p), p + "/rule");
    static const std::pair<std::string_view, T> types[] = {
        {"kind", T::kind},     {"file_type", T::file_type},       {"window", T::window},
        {"applied_year", T::applied_year}, {"requires", T::requires_fact}, {"max_duration", T::max_duration},
        {"companion", T::companion}, {"group_set", T::group_set}, {"value", T::value}};
    bool known = false;
    std::string list;
    for (auto& [name, t] : types) {
      if (name == type) { x.type = t; known = true; }
      list += (list.empty() ? "" : ", ") + std::string(name);
    }
    if (!known) fail(p + "/rule", quoted(type) + " is not an evidence rule (" + list + ")");
    std::vector<std::string_view> allowed = {"rule", "severity", "kinds", "innovation_kinds"};
    switch (x.type) {
      case T::file_type: allowed.push_back("types"); break;
      case T::window: allowed.insert(allowed.end(), {"from", "to", "field"}); break;
      case T::requires_fact: allowed.push_back("fact"); break;
      case T::max_duration: allowed.push_back("seconds"); break;
      case T::companion: allowed.insert(allowed.end(), {"fact", "companion_kinds"}); break;
      case T::group_set: allowed.push_back("needs"); break;
      default: break;
    }
    for (const auto& [k, v] : n.members)
      if (k.rfind("x-", 0) != 0 && std::find(allowed.begin(), allowed.end(), k) == allowed.end())
        fail(pointer_append(p, k), "unknown field " + quoted(k) + " for rule " + quoted(type));
    x.name = type;
    const auto& sev = get_string(require(n, "severity", p), p + "/severity");
    if (sev == "error") x.severity = Severity::error;
    else if (sev == "warning") x.severity = Severity::warning;
    else if (sev == "info") x.severity = Severity::info;
    else fail(p + "/severity", quoted(sev) + " is not one of: error, warning, info");
    if (auto k = n.find("kinds")) {
      x.kinds = read_kind_list(*k, p + "/kinds");
      // An empty list would read as "every item" in the draft: the file must name one.
      if (x.kinds.empty()) fail(p + "/kinds", "at least one kind is needed");
    }
    if (auto m = rule_fits_derivation(x.type, derivation); !m.empty()) fail(p + "/rule", m);
    if (auto k = n.find("innovation_kinds")) {
      expect(*k, JType::array, p + "/innovation_kinds");
      for (std::size_t i = 0; i < k->items.size(); ++i)
        x.innovation_kinds.push_back(get_string(k->items[i], pointer_append(p + "/innovation_kinds", i)));
    }
    auto read_fact = [&](const char* key) {
      static const std::pair<std::string_view, F> facts[] = {
          {"signed", F::signed_}, {"names_innovation", F::names_innovation}, {"highlighted", F::highlighted},
          {"in_force", F::in_force}, {"on_behalf_of_regional_head", F::on_behalf_of_regional_head},
          {"has_cover", F::has_cover}};
      std::string fp = p + "/" + key;
      const auto& f = get_string(require(n, key, p), fp);
      for (auto& [name, v] : facts)
        if (name == f) return v;
      fail(fp, quoted(f) + " is not a fact of an evidence item (signed, names_innovation, highlighted, in_force, "
                           "on_behalf_of_regional_head, has_cover)");
    };
    switch (x.type) {
      case T::file_type: {
        const JNode& t = require(n, "types", p);
        expect(t, JType::array, p + "/types");
        for (std::size_t i = 0; i < t.items.size(); ++i) x.file_types.push_back(get_string(t.items[i], pointer_append(p + "/types", i)));
        break;
      }
      case T::window: {
        x.from = read_relative_year(require(n, "from", p), p + "/from", "T-2");
        x.to = read_relative_year(require(n, "to", p), p + "/to", "T-2");
        if (auto f = n.find("field")) x.on_year = parse_enum<bool>(*f, p + "/field", {{"date", false}, {"year", true}});
        break;
      }
      case T::requires_fact:
        x.fact = read_fact("fact");
        x.name = n.find("fact")->text;  // findings name the fact: "signed", "highlighted"
        break;
      case T::max_duration:
        x.max_seconds = get_decimal(require(n, "seconds", p), p + "/seconds");
        break;
      case T::companion:
        x.fact = read_fact("fact");
        x.companion_kinds = read_kind_list(require(n, "companion_kinds", p), p + "/companion_kinds");
        break;
      case T::group_set: {
        const JNode& needs = require(n, "needs", p);
        expect(needs, JType::array, p + "/needs", "a list of kind lists");
        for (std::size_t i = 0; i < needs.items.size(); ++i)
          x.needs.push_back(read_kind_list(needs.items[i], pointer_append(p + "/needs", i)));
        break;
      }
      default: break;
    }
    return x;
  }

  void read_year_rules(const JNode& n, const std::string& p, Row& r) {
    expect(n, JType::array, p);
    for (std::size_t i = 0; i < n.items.size(); ++i) {
      std::string rp = pointer_append(p, i);
      const JNode& x = n.items[i];
      expect(x, JType::object, rp);
      check_keys(x, rp, {"level", "all", "any", "min_count", "min_consecutive"});
      YearRule rule;
      rule.level = level(require(x, "level", rp), rp + "/level");
      int ops = 0;
      for (auto [key, op] : {std::pair{"all", YearRule::Op::all}, std::pair{"any", YearRule::Op::any}}) {
        if (auto a = x.find(key)) {
          ++ops;
          rule.op = op;
          std::string ap = rp + "/" + key;
          expect(*a, JType::array, ap);
          for (std::size_t j = 0; j < a->items.size(); ++j)
            rule.offsets.push_back(read_relative_year(a->items[j], pointer_append(ap, j), "T-1"));
        }
      }
      for (auto [key, op] : {std::pair{"min_count", YearRule::Op::min_count},
                             std::pair{"min_consecutive", YearRule::Op::min_consecutive}}) {
        if (auto a = x.find(key)) {
          ++ops;
          rule.op = op;
          rule.count = static_cast<int>(get_int(*a, rp + "/" + key, INT_MIN, INT_MAX));
        }
      }
      if (ops != 1) fail(rp, "a year rule takes exactly one of: all, any, min_count, min_consecutive");
      r.year_rules.push_back(std::move(rule));
    }
  }
};

}  // namespace

namespace detail {
// The draft of an edition file's text, not yet validated (the tests compare its rules with a
// draft built in memory).
EditionDraft read_edition_draft(const std::string& json_text) {
  JsonLimits limits;
  const JDoc doc = parse_document(json_text, limits);
  const JNode root = doc.root();
  return DraftReader(root).read();
}
}  // namespace detail

EditionPtr parse_edition(const std::string& json_text, const std::string& source) {
  try {
    // Just built and not shared yet: the content hash is the last field set.
    auto ed = std::const_pointer_cast<Edition>(detail::read_edition_draft(json_text).build());
    ed->sha256 = detail::sha256_hex(json_text);
    ed->text = json_text;
    return ed;
  } catch (const InputError& e) {
    throw e.located(source.empty() ? "<edition>" : source, 0, 0);
  }
}

EditionPtr load_edition_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("", "cannot read edition file (missing or unreadable)", path);
  // The limit is checked while reading: /dev/zero or a huge file stops at it, not at the
  // memory's end.
  const std::size_t limit = JsonLimits{}.max_bytes;
  std::string text;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    const auto got = static_cast<std::size_t>(in.gcount());
    if (text.size() + got > limit)
      throw InputError("", "edition file larger than the limit of " + std::to_string(limit) +
                               " bytes (64 MiB, the size limit of an edition)", path);
    text.append(buf, got);
  }
  if (in.bad()) throw InputError("", "cannot read edition file (read error; a directory?)", path);
  return parse_edition(text, path);
}

std::vector<std::string> builtin_edition_names() {
  std::vector<std::string> out;
  for (const auto& [name, text] : embedded_editions()) out.emplace_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

EditionPtr builtin_edition(const std::string& name) {
  // Parsed once per process; editions are immutable and shared across threads.
  static const auto cache = [] {
    std::map<std::string, EditionPtr, std::less<>> m;
    for (const auto& [n, text] : embedded_editions())
      m[std::string(n)] = parse_edition(std::string(text), "editions/" + std::string(n) + ".json");
    return m;
  }();
  auto it = cache.find(name);
  if (it == cache.end()) {
    std::string list;
    for (auto& [n, e] : cache) list += (list.empty() ? "" : ", ") + n;
    throw InputError("", quoted(name) + " is not a shipped edition (" + list + ") nor an edition file");
  }
  return it->second;
}

EditionPtr resolve_edition(const std::string& name_or_path) {
  if (name_or_path.find('/') != std::string::npos || (name_or_path.size() > 5 &&
      name_or_path.compare(name_or_path.size() - 5, 5, ".json") == 0))
    return load_edition_file(name_or_path);
  return builtin_edition(name_or_path);
}

}  // namespace inovasi
