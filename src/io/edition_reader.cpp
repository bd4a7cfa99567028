#include "inovasi/edition.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "io/jread.hpp"
#include "scoring/rules.hpp"
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

// The engine's exact range (see EditionBuilder::check_exact_range), in hundredths of a point:
// a region's maximum total (and so its government points and count points) at most 2^40
// (about 11 billion points), one innovation's maximum at most 2^31 (about 21 million points),
// so that kMaxInnovations of them sum within int64.
constexpr std::int64_t kMaxTotalH = std::int64_t(1) << 40;
constexpr std::int64_t kMaxInnovationH = std::int64_t(1) << 31;
constexpr std::int64_t kMaxInnovations = ParseLimits::kMaxInnovationsCeiling;
static_assert(static_cast<int128>(kMaxInnovationH) * kMaxInnovations < (static_cast<int128>(1) << 63));

// Hundredths as text: the one formatter (hundredths_text_short) wherever the value fits an
// int64; the products this file bounds may not.
std::string show_h(int128 h) {
  if (h >= INT64_MIN && h <= INT64_MAX) return hundredths_text_short(static_cast<std::int64_t>(h));
  std::string s;
  int128 whole = h / 100;
  do {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(whole % 10)));
    whole /= 10;
  } while (whole > 0);
  const int frac = static_cast<int>(h % 100);
  if (frac) s += "." + std::string(frac < 10 ? "0" : "") + std::to_string(frac);
  return s;
}

}  // namespace

class EditionBuilder {
 public:
  explicit EditionBuilder(const JNode& root) : root_(root) {}

  std::shared_ptr<Edition> build() {
    auto e = std::make_shared<Edition>();
    ed_ = e.get();
    expect(root_, JType::object, "", "an edition");
    check_keys(root_, "",
               {"format", "name", "title", "description", "assessment_year", "t0_offset",
                "levels", "divisor_minimum", "count_points", "rounding", "category_reading",
                "categories", "max_total", "eligibility", "mandatory_rule", "evidence_kinds",
                "revision_counts_as", "acceptance_factors", "aspects", "rows"});
    const auto& fmt = get_string(require(root_, "format", ""), "/format");
    if (fmt != "inovasi-edition/1")
      fail("/format", quoted(fmt) + " is not a supported edition format (expected \"inovasi-edition/1\")");
    ed_->name = get_string(require(root_, "name", ""), "/name");
    if (ed_->name.empty()) fail("/name", "must not be empty");
    if (auto t = root_.find("title")) ed_->title = get_string(*t, "/title");
    if (auto t = root_.find("description")) ed_->description = get_string(*t, "/description");

    ed_->assessment_year = static_cast<int>(get_int(param("assessment_year"), "/assessment_year/value", 1900, 2100));
    ed_->t0_offset = static_cast<int>(get_int(param("t0_offset"), "/t0_offset/value", -5, 5));
    {
      const JNode& v = param("levels");
      expect(v, JType::object, "/levels/value");
      check_keys(v, "/levels/value", {"min", "max"});
      ed_->level_min = static_cast<int>(get_int(require(v, "min", "/levels/value"), "/levels/value/min", 0, 0));
      ed_->level_max = static_cast<int>(get_int(require(v, "max", "/levels/value"), "/levels/value/max", 1, 20));
    }
    ed_->divisor_minimum = static_cast<int>(get_int(param("divisor_minimum"), "/divisor_minimum/value", 1, 1000000));
    read_count_points();
    ed_->rounding = enum_param<Rounding>("rounding", {{"half_up", Rounding::half_up}, {"half_even", Rounding::half_even}});
    ed_->category_reading = enum_param<CategoryReading>(
        "category_reading", {{"rounded", CategoryReading::rounded}, {"unrounded", CategoryReading::unrounded}});
    read_categories();
    ed_->mandatory_rule = enum_param<MandatoryRule>(
        "mandatory_rule", {{"finding", MandatoryRule::finding}, {"zero_innovation", MandatoryRule::zero_innovation}});
    read_eligibility();
    read_evidence_kinds();
    if (root_.find("revision_counts_as"))
      ed_->revision_counts_as = enum_param<RevisionAs>(
          "revision_counts_as",
          {{"rejected", RevisionAs::rejected}, {"accepted", RevisionAs::accepted}, {"ignored", RevisionAs::ignored}});
    read_acceptance_factors();
    read_aspects();
    read_rows();
    check_exact_range();
    check_max_total();
    return e;
  }

 private:
  const JNode& root_;
  Edition* ed_ = nullptr;

  static Provenance read_provenance(const JNode& n, const std::string& ptr, bool with_value) {
    expect(n, JType::object, ptr, "a parameter with \"mark\" and \"note\"");
    if (with_value) check_keys(n, ptr, {"value", "mark", "note"});
    else check_keys(n, ptr, {"mark", "note"});
    Provenance p;
    const auto& mark = get_string(require(n, "mark", ptr), ptr + "/mark");
    if (mark != "C" && mark != "P" && mark != "U")
      fail(ptr + "/mark", quoted(mark) + " is not a provenance mark (C, P or U)");
    p.mark = mark[0];
    p.note = get_string(require(n, "note", ptr), ptr + "/note");
    if (p.note.empty()) fail(ptr + "/note", "a provenance note must say where the value comes from");
    return p;
  }

  // A top-level parameter {"value", "mark", "note"}; returns its value.
  JNode param(const char* key) {
    std::string ptr = pointer_append("", key);
    const JNode& n = require(root_, key, "");
    ed_->provenance[key] = read_provenance(n, ptr, true);
    return require(n, "value", ptr);
  }

  template <class E>
  E enum_param(const char* key, std::initializer_list<std::pair<std::string_view, E>> values) {
    const JNode& v = param(key);
    return parse_enum<E>(v, pointer_append("", key) + "/value", values);
  }


  // The model's limits (edition.hpp: what the columnar engine represents exactly), checked
  // where the gate is read: an edition beyond them is refused, never scored differently by the
  // batch and by score().
  void check_batch_representable() const {
    if (ed_->gate && ed_->gate->affairs.size() > kMaxGateAffairs)
      fail("/count_points/value/gate/affairs", "lists " + std::to_string(ed_->gate->affairs.size()) +
                                                   " affairs; at most " + std::to_string(kMaxGateAffairs) +
                                                   " are supported (the batch engine keeps one bit per affair)");
    if (ed_->level_max > kMaxLevel)
      fail("/levels/value/max", "levels above " + std::to_string(kMaxLevel) + " are not supported (uint8 level columns)");
  }

  void read_count_points() {
    const JNode& v = param("count_points");
    const std::string ptr = "/count_points/value";
    expect(v, JType::object, ptr);
    check_keys(v, ptr, {"rate", "cap", "gate"});
    auto rate = get_decimal(require(v, "rate", ptr), ptr + "/rate");
    auto rh = rate.scaled(2);
    if (!rh || *rh < 0) fail(ptr + "/rate", rate.to_string() + " must be a non-negative multiple of 0.01");
    ed_->count_rate_h = *rh;
    ed_->count_cap = static_cast<int>(get_int(require(v, "cap", ptr), ptr + "/cap", 0, 100000000));
    const int128 count_max = static_cast<int128>(ed_->count_rate_h) * ed_->count_cap;
    if (count_max > kMaxTotalH)
      fail(ptr + "/rate", "rate × cap = " + show_h(count_max) + " count points, above the " + show_h(kMaxTotalH) +
                              " points a region's total may reach to be scored exactly");
    auto g = v.find("gate");
    if (g && g->type != JType::null) {
      std::string gp = ptr + "/gate";
      expect(*g, JType::object, gp);
      check_keys(*g, gp, {"affairs", "min_covered", "counted"});
      CountGate gate;
      const JNode& aff = require(*g, "affairs", gp);
      expect(aff, JType::array, gp + "/affairs");
      std::set<std::string> seen;
      for (std::size_t i = 0; i < aff.items.size(); ++i) {
        std::string a = get_string(aff.items[i], pointer_append(gp + "/affairs", i));
        std::string norm = lower(a);
        if (!seen.insert(norm).second) fail(pointer_append(gp + "/affairs", i), "duplicate affair " + quoted(a));
        gate.affairs.push_back(norm);
      }
      gate.min_covered = static_cast<int>(get_int(require(*g, "min_covered", gp), gp + "/min_covered", 0,
                                                  static_cast<std::int64_t>(gate.affairs.size())));
      if (auto c = g->find("counted")) {
        const auto& s = get_string(*c, gp + "/counted");
        if (s == "counted") gate.counted = GateCounted::counted;
        else if (s == "submitted") gate.counted = GateCounted::submitted;
        else fail(gp + "/counted", quoted(s) + " is not one of: counted, submitted");
      }
      ed_->gate = std::move(gate);
    }
    check_batch_representable();
  }

  // Optional {"value": {"info", "warning", "error"}, "mark", "note"}: each factor 0..1.
  void read_acceptance_factors() {
    if (!root_.find("acceptance_factors")) return;
    const JNode& v = param("acceptance_factors");
    const std::string ptr = "/acceptance_factors/value";
    expect(v, JType::object, ptr, "factors per finding severity, such as {\"info\": 1, \"warning\": 0.9, \"error\": 0.5}");
    check_keys(v, ptr, {"info", "warning", "error"});
    auto factor = [&](const char* key, double& out) {
      const std::string fp = ptr + "/" + key;
      const Decimal d = get_decimal(require(v, key, ptr), fp);
      if (d < Decimal() || d > Decimal::from_int(1)) fail(fp, d.to_string() + " is out of range 0..1 (a probability factor)");
      out = d.to_double();
    };
    factor("info", ed_->acceptance_factors.info);
    factor("warning", ed_->acceptance_factors.warning);
    factor("error", ed_->acceptance_factors.error);
  }

  void read_categories() {
    const JNode& v = param("categories");
    const std::string ptr = "/categories/value";
    expect(v, JType::object, ptr);
    check_keys(v, ptr, {"bands", "otherwise"});
    const JNode& bands = require(v, "bands", ptr);
    expect(bands, JType::array, ptr + "/bands");
    if (bands.items.empty()) fail(ptr + "/bands", "at least one band is needed");
    std::set<std::string> labels;
    for (std::size_t i = 0; i < bands.items.size(); ++i) {
      std::string bp = pointer_append(ptr + "/bands", i);
      const JNode& b = bands.items[i];
      expect(b, JType::object, bp);
      check_keys(b, bp, {"label", "lower", "strict"});
      CategoryBand band;
      band.label = get_string(require(b, "label", bp), bp + "/label");
      if (band.label.empty()) fail(bp + "/label", "must not be empty");
      if (!labels.insert(band.label).second) fail(bp + "/label", "duplicate category " + quoted(band.label));
      auto lower = get_decimal(require(b, "lower", bp), bp + "/lower");
      auto lh = lower.scaled(2);
      if (!lh || *lh < 0 || *lh > 10000)
        fail(bp + "/lower", lower.to_string() + " must be an IID between 0 and 100 with at most 2 decimals");
      band.lower_h = *lh;
      band.strict = get_bool(require(b, "strict", bp), bp + "/strict");
      if (!ed_->bands.empty() && band.lower_h >= ed_->bands.back().lower_h)
        fail(bp + "/lower", "bands must be in descending order of their lower bound");
      ed_->bands.push_back(std::move(band));
    }
    ed_->lowest_category = get_string(require(v, "otherwise", ptr), ptr + "/otherwise");
    if (ed_->lowest_category.empty() || labels.count(ed_->lowest_category))
      fail(ptr + "/otherwise", "must be a label of its own");
  }

  void read_eligibility() {
    const JNode& v = param("eligibility");
    if (v.type == JType::null) return;
    const std::string ptr = "/eligibility/value";
    expect(v, JType::object, ptr);
    check_keys(v, ptr, {"applied_from", "applied_to", "enabled"});
    Eligibility el;
    el.applied_from = get_date(require(v, "applied_from", ptr), ptr + "/applied_from");
    el.applied_to = get_date(require(v, "applied_to", ptr), ptr + "/applied_to");
    el.enabled = get_bool(require(v, "enabled", ptr), ptr + "/enabled");
    if (el.applied_to < el.applied_from) fail(ptr, "applied_to is before applied_from");
    ed_->eligibility = el;
  }

  void read_evidence_kinds() {
    const JNode& v = param("evidence_kinds");
    const std::string ptr = "/evidence_kinds/value";
    expect(v, JType::array, ptr);
    std::set<std::string> seen;
    for (std::size_t i = 0; i < v.items.size(); ++i) {
      const auto& k = get_string(v.items[i], pointer_append(ptr, i));
      if (k.empty() || !seen.insert(k).second)
        fail(pointer_append(ptr, i), "evidence kinds must be unique and non-empty");
      ed_->evidence_kinds.push_back(k);
    }
  }

  void read_aspects() {
    const JNode& a = require(root_, "aspects", "");
    expect(a, JType::array, "/aspects");
    if (a.items.size() != 2)
      fail("/aspects", "exactly two aspects are needed: one with scope \"region\", one with scope \"innovation\"");
    bool have[2] = {false, false};
    for (std::size_t i = 0; i < 2; ++i) {
      std::string p = pointer_append("/aspects", i);
      const JNode& n = a.items[i];
      expect(n, JType::object, p);
      check_keys(n, p, {"key", "name", "scope", "variables"});
      Aspect asp;
      asp.key = get_string(require(n, "key", p), p + "/key");
      if (asp.key.empty()) fail(p + "/key", "must not be empty");
      if (auto nm = n.find("name")) asp.name = get_string(*nm, p + "/name");
      const auto& scope = get_string(require(n, "scope", p), p + "/scope");
      int slot;
      if (scope == "region") slot = 0;
      else if (scope == "innovation") slot = 1;
      else fail(p + "/scope", quoted(scope) + " is not one of: region, innovation");
      if (have[slot]) fail(p + "/scope", "two aspects with scope " + quoted(scope));
      have[slot] = true;
      asp.per_innovation = slot == 1;
      if (auto vars = n.find("variables")) {
        expect(*vars, JType::array, p + "/variables");
        for (std::size_t j = 0; j < vars->items.size(); ++j)
          asp.variables.push_back(get_string(vars->items[j], pointer_append(p + "/variables", j)));
      }
      ed_->aspects[slot] = std::move(asp);
    }
    if (ed_->aspects[0].key == ed_->aspects[1].key) fail("/aspects/1/key", "aspect keys must differ");
  }

  std::vector<std::string> read_labels(const JNode& n, const std::string& ptr) {
    expect(n, JType::array, ptr, "one label per level");
    std::size_t want = static_cast<std::size_t>(ed_->level_max - ed_->level_min + 1);
    if (n.items.size() != want)
      fail(ptr, "expected " + std::to_string(want) + " level labels (levels " +
                    std::to_string(ed_->level_min) + ".." + std::to_string(ed_->level_max) + "), found " +
                    std::to_string(n.items.size()));
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n.items.size(); ++i) out.push_back(get_string(n.items[i], pointer_append(ptr, i)));
    return out;
  }

  int read_level(const JNode& n, const std::string& ptr) {
    return static_cast<int>(get_int(n, ptr, ed_->level_min, ed_->level_max, "a level"));
  }

  Bands read_bands(const JNode& row, const std::string& ptr, InputKind input) {
    Bands b;
    b.input = input;
    const auto& dir = get_string(require(row, "direction", ptr), ptr + "/direction");
    if (dir == "higher") b.direction = Direction::higher;
    else if (dir == "lower") b.direction = Direction::lower;
    else fail(ptr + "/direction", quoted(dir) + " is not one of: higher, lower");
    const JNode& th = require(row, "thresholds", ptr);
    expect(th, JType::array, ptr + "/thresholds");
    for (std::size_t i = 0; i < th.items.size(); ++i) {
      std::string tp = pointer_append(ptr + "/thresholds", i);
      const JNode& t = th.items[i];
      expect(t, JType::object, tp);
      check_keys(t, tp, {"level", "value", "inclusive"});
      Threshold x;
      x.level = read_level(require(t, "level", tp), tp + "/level");
      x.value = get_decimal(require(t, "value", tp), tp + "/value");
      if (auto inc = t.find("inclusive")) x.inclusive = get_bool(*inc, tp + "/inclusive");
      if (input == InputKind::count && !x.value.is_integer())
        fail(tp + "/value", "a count row takes whole-number thresholds");
      if (!b.thresholds.empty()) {
        const auto& prev = b.thresholds.back();
        if (x.level >= prev.level) fail(tp + "/level", "thresholds must be listed from the highest level down");
        bool ordered = b.direction == Direction::higher ? x.value <= prev.value : x.value >= prev.value;
        if (!ordered)
          fail(tp + "/value", std::string("a lower level needs a ") +
                                  (b.direction == Direction::higher ? "smaller" : "larger") +
                                  " threshold (direction " + dir + ")");
      }
      b.thresholds.push_back(x);
    }
    b.otherwise = read_level(require(row, "otherwise", ptr), ptr + "/otherwise");
    if (!b.thresholds.empty() && b.otherwise >= b.thresholds.back().level)
      fail(ptr + "/otherwise", "must be below the lowest threshold's level");
    return b;
  }

  void read_rows() {
    const JNode& rows = require(root_, "rows", "");
    expect(rows, JType::array, "/rows");
    for (std::size_t i = 0; i < rows.items.size(); ++i) {
      std::string p = pointer_append("/rows", i);
      Row r = read_row(rows.items[i], p);
      if (ed_->index_.count(r.key)) fail(p + "/key", "duplicate row key " + quoted(r.key));
      int idx = static_cast<int>(ed_->rows.size());
      ed_->index_[r.key] = idx;
      (r.aspect_index == 0 ? ed_->government_rows : ed_->innovation_rows).push_back(idx);
      ed_->rows.push_back(std::move(r));
    }
    if (ed_->innovation_rows.empty()) fail("/rows", "the innovation aspect has no rows");
  }

  Row read_row(const JNode& n, const std::string& p) {
    expect(n, JType::object, p, "a row");
    check_keys(n, p,
               {"key", "indicator", "aspect", "variable", "name", "english", "weight", "mandatory", "input",
                "levels", "direction", "thresholds", "otherwise", "codes", "year_rules", "bases",
                "default_basis", "variants", "default_variant", "provenance", "evidence"});
    Row r;
    r.key = get_string(require(n, "key", p), p + "/key");
    if (r.key.empty()) fail(p + "/key", "must not be empty");
    r.indicator = n.find("indicator") ? get_string(*n.find("indicator"), p + "/indicator") : r.key;
    r.aspect = get_string(require(n, "aspect", p), p + "/aspect");
    if (r.aspect == ed_->aspects[0].key) r.aspect_index = 0;
    else if (r.aspect == ed_->aspects[1].key) r.aspect_index = 1;
    else fail(p + "/aspect", quoted(r.aspect) + " is not an aspect of this edition");
    if (auto v = n.find("variable")) {
      r.variable = get_string(*v, p + "/variable");
      const auto& vars = ed_->aspects[r.aspect_index].variables;
      if (std::find(vars.begin(), vars.end(), r.variable) == vars.end())
        fail(p + "/variable", quoted(r.variable) + " is not a variable of aspect " + quoted(r.aspect));
    }
    if (auto v = n.find("name")) r.name = get_string(*v, p + "/name");
    if (auto v = n.find("english")) r.english = get_string(*v, p + "/english");
    Decimal w = get_decimal(require(n, "weight", p), p + "/weight");
    auto wh = w.scaled(2);
    if (!wh || *wh < 0 || *wh % 25 != 0)
      fail(p + "/weight", w.to_string() + " is not a non-negative multiple of 0.25");
    r.weight_h = *wh;
    r.mandatory = get_bool(require(n, "mandatory", p), p + "/mandatory");
    r.level_labels = read_labels(require(n, "levels", p), p + "/levels");

    const auto& input = get_string(require(n, "input", p), p + "/input");
    std::vector<std::string> needs = {"weight", "levels", "mandatory"};
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
      r.bands->level_labels = r.level_labels;
      forbid({"codes", "year_rules", "bases", "default_basis"});
      needs.push_back("thresholds");
    } else if (input == "code") {
      r.input = InputKind::code;
      const JNode& c = require(n, "codes", p);
      expect(c, JType::object, p + "/codes");
      if (c.members.empty()) fail(p + "/codes", "at least one code is needed");
      for (const auto& [k, v] : c.members) {
        std::string low = lower(k);
        if (r.codes.count(low)) fail(pointer_append(p + "/codes", k), "codes are case-insensitive: duplicate " + quoted(k));
        r.codes[low] = read_level(v, pointer_append(p + "/codes", k));
      }
      forbid({"direction", "thresholds", "otherwise", "year_rules", "bases", "default_basis"});
      needs.push_back("codes");
    } else if (input == "years") {
      r.input = InputKind::years;
      read_year_rules(require(n, "year_rules", p), p + "/year_rules", r);
      forbid({"direction", "thresholds", "otherwise", "codes", "bases", "default_basis"});
      needs.push_back("year_rules");
    } else if (input == "bases") {
      r.input = InputKind::bases;
      const JNode& b = require(n, "bases", p);
      expect(b, JType::object, p + "/bases");
      if (b.members.empty()) fail(p + "/bases", "at least one basis is needed");
      for (const auto& [k, v] : b.members) {
        std::string bp = pointer_append(p + "/bases", k);
        expect(v, JType::object, bp);
        check_keys(v, bp, {"input", "direction", "thresholds", "otherwise", "levels"});
        const auto& bi = get_string(require(v, "input", bp), bp + "/input");
        if (bi != "count" && bi != "decimal") fail(bp + "/input", quoted(bi) + " is not one of: count, decimal");
        Bands bands = read_bands(v, bp, bi == "count" ? InputKind::count : InputKind::decimal);
        bands.level_labels = v.find("levels") ? read_labels(*v.find("levels"), bp + "/levels") : r.level_labels;
        r.bases[std::string(k)] = std::move(bands);
      }
      r.default_basis = get_string(require(n, "default_basis", p), p + "/default_basis");
      if (!r.bases.count(r.default_basis))
        fail(p + "/default_basis", quoted(r.default_basis) + " is not one of the row's bases");
      forbid({"direction", "thresholds", "otherwise", "codes", "year_rules"});
      needs.push_back("bases");
    } else {
      fail(p + "/input", quoted(input) + " is not one of: level, count, decimal, code, years, bases");
    }
    if (auto v = n.find("variants")) {
      expect(*v, JType::object, p + "/variants");
      for (const auto& [k, lv] : v->members) {
        std::string vp = pointer_append(p + "/variants", k);
        if (k != "digital" && k != "non_digital") fail(vp, quoted(k) + " is not an innovation kind (digital, non_digital)");
        expect(lv, JType::object, vp);
        check_keys(lv, vp, {"levels"});
        r.variants[std::string(k)] = read_labels(require(lv, "levels", vp), vp + "/levels");
      }
      r.default_variant = get_string(require(n, "default_variant", p), p + "/default_variant");
      if (!r.variants.count(r.default_variant))
        fail(p + "/default_variant", quoted(r.default_variant) + " is not one of the row's variants");
      needs.push_back("variants");
    } else if (n.find("default_variant")) {
      fail(p + "/default_variant", "given without variants");
    }
    if (r.aspect_index == 0 && !r.variants.empty()) fail(p + "/variants", "variants are chosen per innovation: not on a region row");

    const JNode& prov = require(n, "provenance", p);
    expect(prov, JType::object, p + "/provenance");
    for (const auto& [k, v] : prov.members) r.provenance[std::string(k)] = read_provenance(v, pointer_append(p + "/provenance", k), false);
    for (const auto& k : needs)
      if (!r.provenance.count(k)) fail(p + "/provenance", "missing provenance for " + quoted(k));
    if (auto ev = n.find("evidence")) r.evidence = read_evidence(*ev, p + "/evidence", r);
    return r;
  }

  // ---- Evidence rules (docs/editions.md "Evidence rules") -------------------------------

  std::vector<std::string> read_kind_list(const JNode& n, const std::string& p, const std::vector<std::string>* within) {
    expect(n, JType::array, p, "a list of evidence kinds");
    if (n.items.empty()) fail(p, "at least one kind is needed");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n.items.size(); ++i) {
      std::string ip = pointer_append(p, i);
      const auto& k = get_string(n.items[i], ip);
      const auto& vocab = within ? *within : ed_->evidence_kinds;
      if (std::find(vocab.begin(), vocab.end(), k) == vocab.end())
        fail(ip, quoted(k) + (within ? " is not a kind the row accepts" : " is not in the edition's evidence_kinds"));
      if (std::find(out.begin(), out.end(), k) != out.end()) fail(ip, "duplicate kind " + quoted(k));
      out.push_back(k);
    }
    return out;
  }

  static int read_relative_year(const JNode& n, const std::string& p) {
    const auto& s = get_string(n, p);
    const auto k = detail::parse_relative_year(s);
    if (!k || *k > 9) fail(p, quoted(s) + " is not a relative year like \"T-2\"");
    return *k;
  }

  EvidenceRules read_evidence(const JNode& n, const std::string& p, const Row& r) {
    expect(n, JType::object, p, "evidence rules");
    check_keys(n, p, {"derivation", "kinds", "rules", "provenance"});
    EvidenceRules ev;
    const auto& d = get_string(require(n, "derivation", p), p + "/derivation");
    const bool banded = r.input == InputKind::count || r.input == InputKind::decimal;
    if (d == "by_kind") ev.derivation = Derivation::by_kind;
    else if (d == "by_groups") ev.derivation = Derivation::by_groups;
    else if (d == "by_years") ev.derivation = Derivation::by_years;
    else if (d == "by_value") ev.derivation = Derivation::by_value;
    else fail(p + "/derivation", quoted(d) + " is not one of: by_kind, by_groups, by_years, by_value");
    // A derivation maps evidence through the row's own rubric, so it must have one.
    if (ev.derivation == Derivation::by_groups && !banded)
      fail(p + "/derivation", "by_groups maps a count through the row's thresholds: the row's input must be count or decimal");
    if (ev.derivation == Derivation::by_years && r.input != InputKind::years)
      fail(p + "/derivation", "by_years needs a row with input \"years\"");
    if (ev.derivation == Derivation::by_value && !banded && r.input != InputKind::bases)
      fail(p + "/derivation", "by_value needs a row with input count, decimal or bases");

    const JNode& kinds = require(n, "kinds", p);
    const std::string kp = p + "/kinds";
    if (ev.derivation == Derivation::by_kind) {
      expect(kinds, JType::object, kp, "kind -> level it supports, or \"claim\"");
      if (kinds.members.empty()) fail(kp, "at least one kind is needed");
      for (const auto& [k, v] : kinds.members) {
        std::string ip = pointer_append(kp, k);
        if (std::find(ed_->evidence_kinds.begin(), ed_->evidence_kinds.end(), k) == ed_->evidence_kinds.end())
          fail(ip, quoted(k) + " is not in the edition's evidence_kinds");
        int level;
        if (v.type == JType::string) {
          if (v.text != "claim") fail(ip, quoted(v.text) + " is not a level nor \"claim\"");
          level = EvidenceRules::kClaim;
        } else {
          level = read_level(v, ip);
          if (level <= ed_->level_min) fail(ip, "a kind must support a level above " + std::to_string(ed_->level_min));
        }
        ev.kinds.emplace_back(k);
        ev.kind_level[std::string(k)] = level;
      }
    } else {
      ev.kinds = read_kind_list(kinds, kp, nullptr);
    }

    const JNode& rules = require(n, "rules", p);
    expect(rules, JType::array, p + "/rules");
    bool have_kind_rule = false;
    for (std::size_t i = 0; i < rules.items.size(); ++i) {
      ev.rules.push_back(read_evidence_rule(rules.items[i], pointer_append(p + "/rules", i), ev));
      have_kind_rule = have_kind_rule || ev.rules.back().type == EvidenceRule::Type::kind;
    }
    // Every rule carries a severity, so the one for a kind the row does not accept must be stated.
    if (!have_kind_rule) fail(p + "/rules", "a \"kind\" rule is needed (it gives the severity of a kind the row does not accept)");
    ev.provenance = read_provenance(require(n, "provenance", p), p + "/provenance", false);
    return ev;
  }

  EvidenceRule read_evidence_rule(const JNode& n, const std::string& p, const EvidenceRules& ev) {
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
    if (auto k = n.find("kinds")) x.kinds = read_kind_list(*k, p + "/kinds", &ev.kinds);
    if (auto k = n.find("innovation_kinds")) {
      expect(*k, JType::array, p + "/innovation_kinds");
      for (std::size_t i = 0; i < k->items.size(); ++i) {
        const auto& s = get_string(k->items[i], pointer_append(p + "/innovation_kinds", i));
        if (s != "digital" && s != "non_digital")
          fail(pointer_append(p + "/innovation_kinds", i), quoted(s) + " is not an innovation kind (digital, non_digital)");
        x.innovation_kinds.push_back(s);
      }
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
        if (t.items.empty()) fail(p + "/types", "at least one file type is needed");
        for (std::size_t i = 0; i < t.items.size(); ++i) {
          std::string tp = pointer_append(p + "/types", i);
          const auto& s = get_string(t.items[i], tp);
          static const char* known_types[] = {"pdf", "jpg", "jpeg", "png", "mp4", "mov", "link", "other"};
          if (std::none_of(std::begin(known_types), std::end(known_types), [&](const char* k) { return s == k; }))
            fail(tp, quoted(s) + " is not a file type (pdf, jpg, jpeg, png, mp4, mov, link, other)");
          x.file_types.push_back(s);
        }
        break;
      }
      case T::window: {
        x.from = read_relative_year(require(n, "from", p), p + "/from");
        x.to = read_relative_year(require(n, "to", p), p + "/to");
        if (x.from < x.to) fail(p + "/from", "the window starts after it ends");
        if (auto f = n.find("field")) {
          const auto& s = get_string(*f, p + "/field");
          if (s == "year") x.on_year = true;
          else if (s != "date") fail(p + "/field", quoted(s) + " is not one of: date, year");
        }
        break;
      }
      case T::requires_fact:
        x.fact = read_fact("fact");
        x.name = n.find("fact")->text;  // findings name the fact: "signed", "highlighted"
        break;
      case T::max_duration: {
        x.max_seconds = get_decimal(require(n, "seconds", p), p + "/seconds");
        if (x.max_seconds.negative()) fail(p + "/seconds", "must not be negative");
        break;
      }
      case T::companion:
        x.fact = read_fact("fact");
        x.companion_kinds = read_kind_list(require(n, "companion_kinds", p), p + "/companion_kinds", &ev.kinds);
        if (x.kinds.empty()) fail(p, "a companion rule names the kinds that need a companion (\"kinds\")");
        break;
      case T::group_set: {
        if (ev.derivation != Derivation::by_groups) fail(p + "/rule", "group_set applies to by_groups rows only");
        const JNode& needs = require(n, "needs", p);
        expect(needs, JType::array, p + "/needs", "a list of kind lists");
        if (needs.items.empty()) fail(p + "/needs", "at least one set is needed");
        for (std::size_t i = 0; i < needs.items.size(); ++i)
          x.needs.push_back(read_kind_list(needs.items[i], pointer_append(p + "/needs", i), &ev.kinds));
        break;
      }
      case T::value:
        if (ev.derivation != Derivation::by_value) fail(p + "/rule", "a value rule applies to by_value rows only");
        break;
      default: break;
    }
    return x;
  }

  void read_year_rules(const JNode& n, const std::string& p, Row& r) {
    expect(n, JType::array, p);
    if (n.items.empty()) fail(p, "at least one rule is needed");
    for (std::size_t i = 0; i < n.items.size(); ++i) {
      std::string rp = pointer_append(p, i);
      const JNode& x = n.items[i];
      expect(x, JType::object, rp);
      check_keys(x, rp, {"level", "all", "any", "min_count", "min_consecutive"});
      YearRule rule;
      rule.level = read_level(require(x, "level", rp), rp + "/level");
      int ops = 0;
      for (auto [key, op] : {std::pair{"all", YearRule::Op::all}, std::pair{"any", YearRule::Op::any}}) {
        if (auto a = x.find(key)) {
          ++ops;
          rule.op = op;
          std::string ap = rp + "/" + key;
          expect(*a, JType::array, ap);
          if (a->items.empty()) fail(ap, "at least one year is needed");
          for (std::size_t j = 0; j < a->items.size(); ++j) {
            const auto& s = get_string(a->items[j], pointer_append(ap, j));
            const auto k = detail::parse_relative_year(s);
            if (!k || *k > 9) fail(pointer_append(ap, j), quoted(s) + " is not a relative year like \"T-1\"");
            rule.offsets.push_back(*k);
          }
        }
      }
      for (auto [key, op] : {std::pair{"min_count", YearRule::Op::min_count},
                             std::pair{"min_consecutive", YearRule::Op::min_consecutive}}) {
        if (auto a = x.find(key)) {
          ++ops;
          rule.op = op;
          rule.count = static_cast<int>(get_int(*a, rp + "/" + key, 1, 10));
        }
      }
      if (ops != 1) fail(rp, "a year rule takes exactly one of: all, any, min_count, min_consecutive");
      r.year_rules.push_back(std::move(rule));
    }
  }

  // Every product the engine forms from an edition must be exact: each row's weight × the top
  // level, the aspects' sums, rate × cap (in read_count_points) and the maximum total are
  // computed here in 128 bits and bounded so that the scoring arithmetic cannot wrap: one
  // innovation's points (int64 sums of up to kMaxInnovations innovations in score() and the batch
  // kernel), the government points and count points (int64), and the divisor × totals and IID
  // fractions of scoring/rules.hpp and scoring.cpp (int128: at most 2^31 × 2^41 before the
  // ×10000 of the IID and the cross products of points at risk, well inside 2^127).
  void check_exact_range() {
    int128 gov = 0, inv = 0;
    for (std::size_t i = 0; i < ed_->rows.size(); ++i) {
      const Row& r = ed_->rows[i];
      const std::string wp = pointer_append("/rows", i) + "/weight";
      const int128 top = static_cast<int128>(r.weight_h) * ed_->level_max;
      int128& sum = r.aspect_index == 0 ? gov : inv;
      const int128 bound = r.aspect_index == 0 ? kMaxTotalH : kMaxInnovationH;
      sum += top;  // weight_h < 2^63 and level_max ≤ 2^8: no row can wrap a 128-bit sum
      if (sum > bound)
        fail(wp, std::string(r.aspect_index == 0 ? "the government rows' maximum" : "one innovation's maximum") +
                     " (weights × level " + std::to_string(ed_->level_max) + ", up to this row) reaches " +
                     show_h(sum) + " points, above the " + show_h(bound) + " the engine scores exactly" +
                     (r.aspect_index == 0 ? "" : " (summed over up to " + std::to_string(kMaxInnovations) +
                                                     " innovations in 64 bits)"));
    }
  }

  void check_max_total() {
    const JNode v = param("max_total");
    Decimal m = get_decimal(v, "/max_total/value");
    auto mh = m.scaled(2);
    if (!mh || *mh <= 0) fail("/max_total/value", "must be a positive number with at most 2 decimals");
    // Each part is bounded by check_exact_range and read_count_points: the sum is exact.
    const int128 count = static_cast<int128>(ed_->count_rate_h) * ed_->count_cap;
    const int128 sum = static_cast<int128>(ed_->max_government_h()) + ed_->max_innovation_h() + count;
    if (sum > kMaxTotalH)
      fail("/max_total/value", "government " + show_h(ed_->max_government_h()) + " + innovation " +
                                   show_h(ed_->max_innovation_h()) + " + count points " + show_h(count) + " = " +
                                   show_h(sum) + " points, above the " + show_h(kMaxTotalH) +
                                   " a region's total may reach to be scored exactly");
    if (*mh != ed_->max_total_of_weights())
      fail("/max_total/value", m.to_string() + " does not match the weights: government " +
                                   show_h(ed_->max_government_h()) + " + innovation " +
                                   show_h(ed_->max_innovation_h()) + " + count points " + show_h(count) + " = " +
                                   show_h(sum));
    ed_->max_total_h = *mh;
  }
};

EditionPtr parse_edition(const std::string& json_text, const std::string& source) {
  try {
    JsonLimits limits;
    const JDoc doc = parse_document(json_text, limits);
    const JNode root = doc.root();
    // Just built and not shared yet: the content hash is the last field set.
    auto ed = std::const_pointer_cast<Edition>(EditionBuilder(root).build());
    ed->sha256 = detail::sha256_hex(json_text);
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
