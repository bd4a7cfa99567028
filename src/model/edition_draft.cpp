// EditionDraft: the edition rules over the in-memory types (validate) and the immutable Edition
// they allow (build). The JSON reader (io/edition_reader.cpp) only parses into a draft; every
// rule about values lives here, checked in the order the file lists them, so the first broken
// rule is the one a reader of the file meets first.
#include <algorithm>
#include <charconv>
#include <set>

#include "inovasi/edition.hpp"
#include "inovasi/error.hpp"
#include "inovasi/validate.hpp"
#include "model/edition_rules.hpp"
#include "model/text.hpp"

namespace inovasi {

using namespace detail;

std::string detail::show_h(int128 h) {
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

namespace {

[[noreturn]] void fail(const std::string& ptr, const std::string& msg) { throw InputError(ptr.empty() ? "/" : ptr, msg); }

std::string shortest(double d) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

const char* input_name(InputKind k) {
  switch (k) {
    case InputKind::level: return "level";
    case InputKind::count: return "count";
    case InputKind::decimal: return "decimal";
    case InputKind::code: return "code";
    case InputKind::years: return "years";
    case InputKind::bases: return "bases";
  }
  return "?";
}

const char* rule_name(EvidenceRule::Type t) {
  using T = EvidenceRule::Type;
  switch (t) {
    case T::kind: return "kind";
    case T::file_type: return "file_type";
    case T::window: return "window";
    case T::applied_year: return "applied_year";
    case T::requires_fact: return "requires";
    case T::max_duration: return "max_duration";
    case T::companion: return "companion";
    case T::group_set: return "group_set";
    case T::value: return "value";
  }
  return "?";
}

const char* fact_name(EvidenceRule::Fact f) {
  using F = EvidenceRule::Fact;
  switch (f) {
    case F::signed_: return "signed";
    case F::names_innovation: return "names_innovation";
    case F::highlighted: return "highlighted";
    case F::in_force: return "in_force";
    case F::on_behalf_of_regional_head: return "on_behalf_of_regional_head";
    case F::has_cover: return "has_cover";
  }
  return "?";
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The top-level parameters that carry {"value", "mark", "note"}.
constexpr const char* kParameters[] = {
    "assessment_year", "t0_offset",      "levels",         "divisor_minimum",    "count_points",
    "rounding",        "category_reading", "categories",   "mandatory_rule",     "eligibility",
    "evidence_kinds",  "revision_counts_as", "acceptance_factors", "max_total"};

}  // namespace

std::string detail::derivation_fits_row(Derivation d, InputKind input) {
  const bool banded = input == InputKind::count || input == InputKind::decimal;
  // A derivation maps evidence through the row's own rubric, so it must have one.
  if (d == Derivation::by_groups && !banded)
    return "by_groups maps a count through the row's thresholds: the row's input must be count or decimal";
  if (d == Derivation::by_years && input != InputKind::years) return "by_years needs a row with input \"years\"";
  if (d == Derivation::by_value && !banded && input != InputKind::bases)
    return "by_value needs a row with input count, decimal or bases";
  return {};
}

std::string detail::rule_fits_derivation(EvidenceRule::Type t, Derivation d) {
  if (t == EvidenceRule::Type::group_set && d != Derivation::by_groups) return "group_set applies to by_groups rows only";
  if (t == EvidenceRule::Type::value && d != Derivation::by_value) return "a value rule applies to by_value rows only";
  return {};
}

namespace {

class Checker {
 public:
  explicit Checker(const EditionDraft& d) : d_(d) {}

  // The aspect slot (0 region, 1 innovation) of each row, as build() needs it.
  std::vector<int> run() {
    if (d_.name.empty()) fail("/name", "must not be empty");
    for (const auto& entry : d_.provenance) {
      const std::string& key = entry.first;  // a lambda cannot name a structured binding (clang 14)
      if (std::none_of(std::begin(kParameters), std::end(kParameters), [&](const char* p) { return key == p; }))
        fail(pointer_append("", key), quoted(key) + " is not a parameter of an edition");
    }
    param("assessment_year");
    in_range(d_.assessment_year, 1900, 2100, "/assessment_year/value");
    param("t0_offset");
    in_range(d_.t0_offset, -5, 5, "/t0_offset/value");
    param("levels");
    in_range(d_.level_min, 0, 0, "/levels/value/min");
    in_range(d_.level_max, 1, 20, "/levels/value/max");
    param("divisor_minimum");
    in_range(d_.divisor_minimum, 1, 1000000, "/divisor_minimum/value");
    count_points();
    param("rounding");
    param("category_reading");
    categories();
    param("mandatory_rule");
    eligibility();
    param("evidence_kinds");
    {
      std::set<std::string> seen;
      for (std::size_t i = 0; i < d_.evidence_kinds.size(); ++i)
        if (d_.evidence_kinds[i].empty() || !seen.insert(d_.evidence_kinds[i]).second)
          fail(pointer_append("/evidence_kinds/value", i), "evidence kinds must be unique and non-empty");
    }
    if (d_.revision_counts_as) param("revision_counts_as");
    acceptance_factors();
    aspects();
    std::vector<int> slots;
    std::set<std::string> keys;
    bool any_innovation_row = false;
    for (std::size_t i = 0; i < d_.rows.size(); ++i) {
      const std::string p = pointer_append("/rows", i);
      slots.push_back(row(d_.rows[i], p));
      if (!keys.insert(d_.rows[i].key).second) fail(p + "/key", "duplicate row key " + quoted(d_.rows[i].key));
      any_innovation_row = any_innovation_row || slots.back() == 1;
    }
    if (!any_innovation_row) fail("/rows", "the innovation aspect has no rows");
    exact_range(slots);
    max_total(slots);
    return slots;
  }

 private:
  const EditionDraft& d_;
  int slot_of_[2] = {0, 1};  // aspect slot → index in d_.aspects

  static void in_range(std::int64_t v, std::int64_t lo, std::int64_t hi, const std::string& ptr) {
    if (v < lo || v > hi) fail(ptr, range_message(std::to_string(v), lo, hi));
  }

  std::int64_t level_min() const { return d_.level_min; }
  std::int64_t level_max() const { return d_.level_max; }
  void level(std::int64_t v, const std::string& ptr) const { in_range(v, level_min(), level_max(), ptr); }

  static void provenance(const Provenance& p, const std::string& ptr) {
    if (p.mark != 'C' && p.mark != 'P' && p.mark != 'U') fail(ptr + "/mark", provenance_mark_message(std::string(1, p.mark)));
    if (p.note.empty()) fail(ptr + "/note", "a provenance note must say where the value comes from");
  }

  void param(const char* key) const {
    const std::string ptr = pointer_append("", key);
    auto it = d_.provenance.find(key);
    if (it == d_.provenance.end()) fail(ptr, "missing provenance (mark and note) for parameter " + quoted(key));
    provenance(it->second, ptr);
  }

  void count_points() {
    param("count_points");
    const std::string ptr = "/count_points/value";
    if (d_.count_rate_h < 0) fail(ptr + "/rate", rate_grid_message(show_h(d_.count_rate_h)));
    in_range(d_.count_cap, 0, 100000000, ptr + "/cap");
    const int128 count_max = static_cast<int128>(d_.count_rate_h) * d_.count_cap;
    if (count_max > kMaxTotalH)
      fail(ptr + "/rate", "rate × cap = " + show_h(count_max) + " count points, above the " + show_h(kMaxTotalH) +
                              " points a region's total may reach to be scored exactly");
    if (d_.gate) {
      const std::string gp = ptr + "/gate";
      std::set<std::string> seen;
      for (std::size_t i = 0; i < d_.gate->affairs.size(); ++i)
        if (!seen.insert(lower(d_.gate->affairs[i])).second)
          fail(pointer_append(gp + "/affairs", i), "duplicate affair " + quoted(d_.gate->affairs[i]));
      in_range(d_.gate->min_covered, 0, static_cast<std::int64_t>(d_.gate->affairs.size()), gp + "/min_covered");
      // The model's limits (edition.hpp: what the columnar engine represents exactly): an
      // edition beyond them is refused, never scored differently by the batch and by score().
      if (d_.gate->affairs.size() > kMaxGateAffairs)
        fail(gp + "/affairs", "lists " + std::to_string(d_.gate->affairs.size()) + " affairs; at most " +
                                  std::to_string(kMaxGateAffairs) +
                                  " are supported (the batch engine keeps one bit per affair)");
    }
    if (d_.level_max > kMaxLevel)
      fail("/levels/value/max", "levels above " + std::to_string(kMaxLevel) + " are not supported (uint8 level columns)");
  }

  void categories() {
    param("categories");
    const std::string ptr = "/categories/value";
    if (d_.bands.empty()) fail(ptr + "/bands", "at least one band is needed");
    std::set<std::string> labels;
    for (std::size_t i = 0; i < d_.bands.size(); ++i) {
      const std::string bp = pointer_append(ptr + "/bands", i);
      const auto& b = d_.bands[i];
      if (b.label.empty()) fail(bp + "/label", "must not be empty");
      if (!labels.insert(b.label).second) fail(bp + "/label", "duplicate category " + quoted(b.label));
      if (b.lower_h < 0 || b.lower_h > 10000) fail(bp + "/lower", band_lower_message(show_h(b.lower_h)));
      if (i > 0 && b.lower_h >= d_.bands[i - 1].lower_h)
        fail(bp + "/lower", "bands must be in descending order of their lower bound");
    }
    if (d_.lowest_category.empty() || labels.count(d_.lowest_category))
      fail(ptr + "/otherwise", "must be a label of its own");
  }

  void eligibility() {
    param("eligibility");
    if (!d_.eligibility) return;
    const std::string ptr = "/eligibility/value";
    if (auto e = rules::date(d_.eligibility->applied_from); !e.empty()) fail(ptr + "/applied_from", e);
    if (auto e = rules::date(d_.eligibility->applied_to); !e.empty()) fail(ptr + "/applied_to", e);
    if (d_.eligibility->applied_to < d_.eligibility->applied_from) fail(ptr, "applied_to is before applied_from");
  }

  void acceptance_factors() {
    if (!d_.acceptance_factors) return;
    param("acceptance_factors");
    const std::string ptr = "/acceptance_factors/value";
    for (auto [key, v] : {std::pair{"info", d_.acceptance_factors->info}, std::pair{"warning", d_.acceptance_factors->warning},
                          std::pair{"error", d_.acceptance_factors->error}})
      if (!(v >= 0.0 && v <= 1.0))
        fail(ptr + "/" + key, shortest(v) + " is out of range 0..1 (a probability factor)");
  }

  void aspects() {
    if (d_.aspects.size() != 2)
      fail("/aspects", "exactly two aspects are needed: one with scope \"region\", one with scope \"innovation\"");
    bool have[2] = {false, false};
    for (std::size_t i = 0; i < 2; ++i) {
      const std::string p = pointer_append("/aspects", i);
      const Aspect& a = d_.aspects[i];
      if (a.key.empty()) fail(p + "/key", "must not be empty");
      const int slot = a.per_innovation ? 1 : 0;
      if (have[slot]) fail(p + "/scope", "two aspects with scope " + quoted(a.per_innovation ? "innovation" : "region"));
      have[slot] = true;
      slot_of_[slot] = static_cast<int>(i);
    }
    if (d_.aspects[0].key == d_.aspects[1].key) fail("/aspects/1/key", "aspect keys must differ");
  }

  void labels(const std::vector<std::string>& l, const std::string& ptr) const {
    const auto want = static_cast<std::size_t>(level_max() - level_min() + 1);
    if (l.size() != want)
      fail(ptr, "expected " + std::to_string(want) + " level labels (levels " + std::to_string(level_min()) + ".." +
                    std::to_string(level_max()) + "), found " + std::to_string(l.size()));
  }

  void bands(const Bands& b, InputKind input, const std::string& ptr) const {
    for (std::size_t i = 0; i < b.thresholds.size(); ++i) {
      const std::string tp = pointer_append(ptr + "/thresholds", i);
      const Threshold& x = b.thresholds[i];
      level(x.level, tp + "/level");
      if (input == InputKind::count && !x.value.is_integer()) fail(tp + "/value", "a count row takes whole-number thresholds");
      if (i > 0) {
        const auto& prev = b.thresholds[i - 1];
        if (x.level >= prev.level) fail(tp + "/level", "thresholds must be listed from the highest level down");
        const bool higher = b.direction == Direction::higher;
        if (!(higher ? x.value <= prev.value : x.value >= prev.value))
          fail(tp + "/value", std::string("a lower level needs a ") + (higher ? "smaller" : "larger") +
                                  " threshold (direction " + (higher ? "higher" : "lower") + ")");
      }
    }
    level(b.otherwise, ptr + "/otherwise");
    if (!b.thresholds.empty() && b.otherwise >= b.thresholds.back().level)
      fail(ptr + "/otherwise", "must be below the lowest threshold's level");
  }

  // The parameters of another input, which a draft (unlike a file, whose reader refuses the
  // keys) can hold.
  void unused(const Row& r, const std::string& p) const {
    const bool banded = r.input == InputKind::count || r.input == InputKind::decimal;
    auto refuse = [&](bool present, const char* key) {
      if (present) fail(pointer_append(p, key), std::string("not used by input ") + quoted(input_name(r.input)));
    };
    refuse(!banded && r.bands.has_value(), "thresholds");
    refuse(r.input != InputKind::code && !r.codes.empty(), "codes");
    refuse(r.input != InputKind::years && !r.year_rules.empty(), "year_rules");
    refuse(r.input != InputKind::bases && !r.bases.empty(), "bases");
    refuse(r.input != InputKind::bases && !r.default_basis.empty(), "default_basis");
  }

  void year_rules(const Row& r, const std::string& p) const {
    if (r.year_rules.empty()) fail(p, "at least one rule is needed");
    for (std::size_t i = 0; i < r.year_rules.size(); ++i) {
      const std::string rp = pointer_append(p, i);
      const YearRule& y = r.year_rules[i];
      level(y.level, rp + "/level");
      using Op = YearRule::Op;
      if (y.op == Op::all || y.op == Op::any) {
        const std::string ap = rp + (y.op == Op::all ? "/all" : "/any");
        if (y.offsets.empty()) fail(ap, "at least one year is needed");
        for (std::size_t j = 0; j < y.offsets.size(); ++j)
          if (y.offsets[j] < 0 || y.offsets[j] > kMaxRelativeYear)
            fail(pointer_append(ap, j), relative_year_message("T-" + std::to_string(y.offsets[j]), "T-1"));
      } else {
        in_range(y.count, 1, 10, rp + (y.op == Op::min_count ? "/min_count" : "/min_consecutive"));
      }
    }
  }

  int row(const Row& r, const std::string& p) const {
    if (r.key.empty()) fail(p + "/key", "must not be empty");
    int slot;
    if (r.aspect == d_.aspects[slot_of_[0]].key) slot = 0;
    else if (r.aspect == d_.aspects[slot_of_[1]].key) slot = 1;
    else fail(p + "/aspect", quoted(r.aspect) + " is not an aspect of this edition");
    const Aspect& aspect = d_.aspects[slot_of_[slot]];
    if (!r.variable.empty() && !contains(aspect.variables, r.variable))
      fail(p + "/variable", quoted(r.variable) + " is not a variable of aspect " + quoted(r.aspect));
    if (r.weight_h < 0 || r.weight_h % 25 != 0) fail(p + "/weight", weight_grid_message(show_h(r.weight_h)));
    labels(r.level_labels, p + "/levels");
    unused(r, p);
    std::vector<std::string> needs = {"weight", "levels", "mandatory"};
    switch (r.input) {
      case InputKind::level: break;
      case InputKind::count:
      case InputKind::decimal:
        if (!r.bands) fail(p + "/thresholds", std::string("input ") + quoted(input_name(r.input)) + " needs thresholds");
        bands(*r.bands, r.input, p);
        needs.push_back("thresholds");
        break;
      case InputKind::code: {
        if (r.codes.empty()) fail(p + "/codes", "at least one code is needed");
        std::set<std::string> seen;
        for (const auto& [k, v] : r.codes) {
          const std::string cp = pointer_append(p + "/codes", k);
          if (!seen.insert(lower(k)).second) fail(cp, "codes are case-insensitive: duplicate " + quoted(k));
          level(v, cp);
        }
        needs.push_back("codes");
        break;
      }
      case InputKind::years:
        year_rules(r, p + "/year_rules");
        needs.push_back("year_rules");
        break;
      case InputKind::bases:
        if (r.bases.empty()) fail(p + "/bases", "at least one basis is needed");
        for (const auto& [k, b] : r.bases) {
          const std::string bp = pointer_append(p + "/bases", k);
          if (b.input != InputKind::count && b.input != InputKind::decimal)
            fail(bp + "/input", quoted(input_name(b.input)) + " is not one of: count, decimal");
          bands(b, b.input, bp);
          if (!b.level_labels.empty()) labels(b.level_labels, bp + "/levels");
        }
        if (!r.bases.count(r.default_basis))
          fail(p + "/default_basis", quoted(r.default_basis) + " is not one of the row's bases");
        needs.push_back("bases");
        break;
    }
    if (!r.variants.empty()) {
      for (const auto& [k, l] : r.variants) {
        const std::string vp = pointer_append(p + "/variants", k);
        if (k != "digital" && k != "non_digital") fail(vp, quoted(k) + " is not an innovation kind (digital, non_digital)");
        labels(l, vp + "/levels");
      }
      if (!r.variants.count(r.default_variant))
        fail(p + "/default_variant", quoted(r.default_variant) + " is not one of the row's variants");
      needs.push_back("variants");
    } else if (!r.default_variant.empty()) {
      fail(p + "/default_variant", "given without variants");
    }
    if (slot == 0 && !r.variants.empty()) fail(p + "/variants", "variants are chosen per innovation: not on a region row");
    for (const auto& [k, v] : r.provenance) provenance(v, pointer_append(p + "/provenance", k));
    for (const auto& k : needs)
      if (!r.provenance.count(k)) fail(p + "/provenance", "missing provenance for " + quoted(k));
    if (r.evidence) evidence(*r.evidence, r, p + "/evidence");
    return slot;
  }

  // ---- Evidence rules (docs/editions.md "Evidence rules") -------------------------------

  void kind_list(const std::vector<std::string>& kinds, const std::string& p, const std::vector<std::string>* within) const {
    if (kinds.empty()) fail(p, "at least one kind is needed");
    const auto& vocab = within ? *within : d_.evidence_kinds;
    for (std::size_t i = 0; i < kinds.size(); ++i) {
      const std::string ip = pointer_append(p, i);
      if (!contains(vocab, kinds[i]))
        fail(ip, quoted(kinds[i]) + (within ? " is not a kind the row accepts" : " is not in the edition's evidence_kinds"));
      if (std::find(kinds.begin(), kinds.begin() + static_cast<std::ptrdiff_t>(i), kinds[i]) != kinds.begin() + static_cast<std::ptrdiff_t>(i))
        fail(ip, "duplicate kind " + quoted(kinds[i]));
    }
  }

  void evidence(const EvidenceRules& ev, const Row& r, const std::string& p) const {
    if (auto m = derivation_fits_row(ev.derivation, r.input); !m.empty()) fail(p + "/derivation", m);
    const std::string kp = p + "/kinds";
    if (ev.derivation == Derivation::by_kind) {
      if (ev.kinds.empty()) fail(kp, "at least one kind is needed");
      if (ev.kind_level.size() != ev.kinds.size())
        fail(kp, "kinds and kind_level must name the same kinds (" + std::to_string(ev.kinds.size()) + " kinds, " +
                     std::to_string(ev.kind_level.size()) + " levels)");
      for (const auto& k : ev.kinds) {
        const std::string ip = pointer_append(kp, k);
        auto it = ev.kind_level.find(k);
        if (it == ev.kind_level.end()) fail(ip, "kind " + quoted(k) + " has no level in kind_level");
        if (!contains(d_.evidence_kinds, k)) fail(ip, quoted(k) + " is not in the edition's evidence_kinds");
        if (it->second != EvidenceRules::kClaim) {
          level(it->second, ip);
          if (it->second <= level_min()) fail(ip, "a kind must support a level above " + std::to_string(level_min()));
        }
      }
    } else {
      if (!ev.kind_level.empty()) fail(kp, "kind_level is for by_kind rows only");
      kind_list(ev.kinds, kp, nullptr);
    }
    bool have_kind_rule = false;
    for (std::size_t i = 0; i < ev.rules.size(); ++i) {
      rule(ev.rules[i], ev, pointer_append(p + "/rules", i));
      have_kind_rule = have_kind_rule || ev.rules[i].type == EvidenceRule::Type::kind;
    }
    // Every rule carries a severity, so the one for a kind the row does not accept must be stated.
    if (!have_kind_rule) fail(p + "/rules", "a \"kind\" rule is needed (it gives the severity of a kind the row does not accept)");
    provenance(ev.provenance, p + "/provenance");
  }

  void rule(const EvidenceRule& x, const EvidenceRules& ev, const std::string& p) const {
    using T = EvidenceRule::Type;
    if (!x.kinds.empty()) kind_list(x.kinds, p + "/kinds", &ev.kinds);
    if (auto m = rule_fits_derivation(x.type, ev.derivation); !m.empty()) fail(p + "/rule", m);
    for (std::size_t i = 0; i < x.innovation_kinds.size(); ++i)
      if (x.innovation_kinds[i] != "digital" && x.innovation_kinds[i] != "non_digital")
        fail(pointer_append(p + "/innovation_kinds", i),
             quoted(x.innovation_kinds[i]) + " is not an innovation kind (digital, non_digital)");
    switch (x.type) {
      case T::file_type: {
        if (x.file_types.empty()) fail(p + "/types", "at least one file type is needed");
        static const char* known[] = {"pdf", "jpg", "jpeg", "png", "mp4", "mov", "link", "other"};
        for (std::size_t i = 0; i < x.file_types.size(); ++i)
          if (std::none_of(std::begin(known), std::end(known), [&](const char* k) { return x.file_types[i] == k; }))
            fail(pointer_append(p + "/types", i),
                 quoted(x.file_types[i]) + " is not a file type (pdf, jpg, jpeg, png, mp4, mov, link, other)");
        break;
      }
      case T::window:
        for (auto [key, v] : {std::pair{"/from", x.from}, std::pair{"/to", x.to}})
          if (v < 0 || v > kMaxRelativeYear) fail(p + key, relative_year_message("T-" + std::to_string(v), "T-2"));
        if (x.from < x.to) fail(p + "/from", "the window starts after it ends");
        break;
      case T::max_duration:
        if (x.max_seconds.negative()) fail(p + "/seconds", "must not be negative");
        break;
      case T::companion:
        kind_list(x.companion_kinds, p + "/companion_kinds", &ev.kinds);
        if (x.kinds.empty()) fail(p, "a companion rule names the kinds that need a companion (\"kinds\")");
        break;
      case T::group_set:
        if (x.needs.empty()) fail(p + "/needs", "at least one set is needed");
        for (std::size_t i = 0; i < x.needs.size(); ++i) kind_list(x.needs[i], pointer_append(p + "/needs", i), &ev.kinds);
        break;
      default: break;
    }
  }

  // Every product the engine forms from an edition must be exact: each row's weight × the top
  // level, the aspects' sums, rate × cap (in count_points) and the maximum total are computed
  // here in 128 bits and bounded so that the scoring arithmetic cannot wrap: one innovation's
  // points (int64 sums of up to kMaxInnovations innovations in score() and the batch kernel),
  // the government points and count points (int64), and the divisor × totals and IID fractions
  // of scoring/rules.hpp and scoring.cpp (int128: at most 2^31 × 2^41 before the ×10000 of the
  // IID and the cross products of points at risk, well inside 2^127).
  void exact_range(const std::vector<int>& slots) const {
    int128 gov = 0, inv = 0;
    for (std::size_t i = 0; i < d_.rows.size(); ++i) {
      const Row& r = d_.rows[i];
      const bool government = slots[i] == 0;
      int128& sum = government ? gov : inv;
      const int128 bound = government ? kMaxTotalH : kMaxInnovationH;
      sum += static_cast<int128>(r.weight_h) * d_.level_max;  // weight_h < 2^63, level_max ≤ 2^8
      if (sum > bound)
        fail(pointer_append("/rows", i) + "/weight",
             std::string(government ? "the government rows' maximum" : "one innovation's maximum") +
                 " (weights × level " + std::to_string(d_.level_max) + ", up to this row) reaches " + show_h(sum) +
                 " points, above the " + show_h(bound) + " the engine scores exactly" +
                 (government ? "" : " (summed over up to " + std::to_string(kMaxInnovations) + " innovations in 64 bits)"));
    }
  }

  void max_total(const std::vector<int>& slots) const {
    // The one rule of the maximum total; each part is bounded by exact_range and count_points,
    // so the sum is exact.
    const MaxTotalParts parts = max_total_parts(
        d_.rows.size(), [&](std::size_t i) { return d_.rows[i].weight_h; }, [&](std::size_t i) { return slots[i] == 1; },
        d_.level_max, d_.count_rate_h, d_.count_cap);
    const int128 sum = parts.total();
    auto sum_text = [&] {
      return "government " + show_h(parts.government) + " + innovation " + show_h(parts.innovation) +
             " + count points " + show_h(parts.count) + " = " + show_h(sum);
    };
    if (d_.max_total_h) param("max_total");
    if (d_.max_total_h && *d_.max_total_h <= 0) fail("/max_total/value", max_total_grid_message());
    if (sum > kMaxTotalH)
      fail("/max_total/value", sum_text() + " points, above the " + show_h(kMaxTotalH) +
                                   " a region's total may reach to be scored exactly");
    if (d_.max_total_h && *d_.max_total_h != sum)
      fail("/max_total/value", show_h(*d_.max_total_h) + " does not match the weights: " + sum_text());
  }
};

}  // namespace

void EditionDraft::validate() const { Checker(*this).run(); }

EditionPtr EditionDraft::build() const {
  const std::vector<int> slots = Checker(*this).run();
  auto e = std::make_shared<Edition>();
  e->name = name;
  e->title = title;
  e->description = description;
  // Each within its validated range.
  e->assessment_year = static_cast<int>(assessment_year);
  e->t0_offset = static_cast<int>(t0_offset);
  e->level_min = static_cast<int>(level_min);
  e->level_max = static_cast<int>(level_max);
  e->divisor_minimum = static_cast<int>(divisor_minimum);
  e->count_rate_h = count_rate_h;
  e->count_cap = static_cast<int>(count_cap);
  e->gate = gate;
  if (e->gate)
    for (auto& a : e->gate->affairs) a = lower(a);
  e->rounding = rounding;
  e->category_reading = category_reading;
  e->bands = bands;
  e->lowest_category = lowest_category;
  e->eligibility = eligibility;
  e->mandatory_rule = mandatory_rule;
  e->evidence_kinds = evidence_kinds;
  e->revision_counts_as = revision_counts_as.value_or(RevisionAs::rejected);
  e->acceptance_factors = acceptance_factors.value_or(AcceptanceFactors{});
  for (const Aspect& a : aspects) e->aspects[a.per_innovation ? 1 : 0] = a;
  e->provenance = provenance;
  e->rows = rows;
  for (std::size_t i = 0; i < e->rows.size(); ++i) {
    Row& r = e->rows[i];
    r.aspect_index = slots[i];
    if (r.bands) {
      r.bands->input = r.input;
      if (r.bands->level_labels.empty()) r.bands->level_labels = r.level_labels;
    }
    for (auto& [k, b] : r.bases)
      if (b.level_labels.empty()) b.level_labels = r.level_labels;
    std::map<std::string, int> codes;
    for (const auto& [k, v] : r.codes) codes[lower(k)] = v;
    r.codes = std::move(codes);
    if (r.evidence)
      for (auto& x : r.evidence->rules)
        if (x.name.empty())
          x.name = x.type == EvidenceRule::Type::requires_fact ? fact_name(x.fact) : rule_name(x.type);
    const int idx = static_cast<int>(i);
    e->index_[r.key] = idx;
    (r.aspect_index == 0 ? e->government_rows : e->innovation_rows).push_back(idx);
  }
  e->max_total_h = e->max_total_of_weights();
  return e;
}

EditionDraft EditionDraft::of(const Edition& ed) {
  EditionDraft d;
  d.name = ed.name;
  d.title = ed.title;
  d.description = ed.description;
  d.assessment_year = ed.assessment_year;
  d.t0_offset = ed.t0_offset;
  d.level_min = ed.level_min;
  d.level_max = ed.level_max;
  d.divisor_minimum = ed.divisor_minimum;
  d.count_rate_h = ed.count_rate_h;
  d.count_cap = ed.count_cap;
  d.gate = ed.gate;
  d.rounding = ed.rounding;
  d.category_reading = ed.category_reading;
  d.bands = ed.bands;
  d.lowest_category = ed.lowest_category;
  d.max_total_h = ed.max_total_h;
  d.eligibility = ed.eligibility;
  d.mandatory_rule = ed.mandatory_rule;
  d.evidence_kinds = ed.evidence_kinds;
  // The optional parameters as the edition stated them (an unstated one has no provenance).
  if (ed.provenance.count("revision_counts_as")) d.revision_counts_as = ed.revision_counts_as;
  if (ed.provenance.count("acceptance_factors")) d.acceptance_factors = ed.acceptance_factors;
  d.aspects = {ed.aspects[0], ed.aspects[1]};
  d.rows = ed.rows;
  d.provenance = ed.provenance;
  return d;
}

}  // namespace inovasi
