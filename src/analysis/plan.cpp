// The cheapest path to a target (include/inovasi/plan.hpp). For each count m of new innovations
// the divisor, the count points and the gate are fixed, so the region's total
//   total_num_h = D × (government_h + count_h) + innovation_sum_h        (rules.hpp finish_region)
// grows by D × (government gain) + (innovation gain). Each innovation, and the government rows
// together, are groups of a multiple-choice knapsack over cost: a row-by-row DP gives the most
// points each group can add for every exact cost (the mandatory rule makes an innovation's rows
// depend on one another, which the DP inside the group holds exactly), and a max-plus
// convolution over the innovations gives the most innovation points for every budget. For each
// m the cheapest split between government and innovations is then a search over the (few)
// government budgets. Costs are divided by their greatest common divisor first, so the DP's
// size is the number of steps, not their price.
#include "inovasi/plan.hpp"

#include <algorithm>
#include <bit>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "inovasi/decimal.hpp"
#include "inovasi/error.hpp"
#include "scoring/rules.hpp"

namespace inovasi {

namespace {

constexpr std::int64_t kNone = std::numeric_limits<std::int64_t>::min();
// The most cost units (after dividing by the common divisor) the DP tables span.
constexpr std::int64_t kMaxCostUnits = std::int64_t{1} << 22;

// One answer as the planner sees it.
struct Slot {
  std::int64_t weight_h = 0;
  int kept = 0;        // the level the policy keeps now (v)
  int supported = 0;   // the level its evidence supports (f >= v): reaching it costs nothing
  int claimed = 0;
  std::int64_t unit = 0;  // cost units per level above `supported`
  bool changeable = false;
  bool must_meet = false;  // a zero_innovation mandatory row claimed 0: the innovation needs it raised
};

// The most points a group of answers reaches for each exact cost 0..C (kNone = impossible),
// and the level each answer takes, for backtracking.
struct GroupTable {
  std::vector<std::int64_t> points;               // by exact cost
  std::vector<std::vector<std::uint8_t>> choice;  // [slot][cost]: level of that slot
  std::int64_t cost_span = 0;
};

std::int64_t max_cost_units(const Slot& s, int level_max) {
  return s.changeable ? s.unit * std::max(0, level_max - s.supported) : 0;
}

std::int64_t cost_units(const Slot& s, int level) { return s.unit * std::max(0, level - s.supported); }

// `meet`: every must_meet answer ends at level >= 1 (else the group is infeasible).
GroupTable group_table(const std::vector<Slot>& slots, int level_max, bool meet) {
  GroupTable t;
  for (const auto& s : slots) t.cost_span += max_cost_units(s, level_max);
  const auto C = static_cast<std::size_t>(t.cost_span);
  std::vector<std::int64_t> cur(C + 1, kNone), next(C + 1);
  cur[0] = 0;
  t.choice.assign(slots.size(), std::vector<std::uint8_t>(C + 1, 0));
  std::int64_t span = 0;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const Slot& s = slots[i];
    std::fill(next.begin(), next.end(), kNone);
    auto& ch = t.choice[i];
    const int lo = s.kept, hi = s.changeable ? level_max : s.kept;
    for (int L = lo; L <= hi; ++L) {
      if (meet && s.must_meet && L < 1) continue;
      const std::int64_t add = detail::points_h(s.weight_h, L);
      const auto dc = static_cast<std::size_t>(cost_units(s, L));
      for (std::size_t c = 0; c <= static_cast<std::size_t>(span); ++c) {
        if (cur[c] == kNone || c + dc > C) continue;
        // Ascending levels and a strict comparison: of equal points, the fewest steps.
        if (const std::int64_t v = cur[c] + add; v > next[c + dc]) {
          next[c + dc] = v;
          ch[c + dc] = static_cast<std::uint8_t>(L);
        }
      }
    }
    span += max_cost_units(s, level_max);
    cur.swap(next);
  }
  t.points = std::move(cur);
  return t;
}

// The levels of a group's answers at exact cost c.
std::vector<int> backtrack(const GroupTable& t, const std::vector<Slot>& slots, std::int64_t c) {
  std::vector<int> levels(slots.size());
  for (std::size_t i = slots.size(); i-- > 0;) {
    const int L = t.choice[i][static_cast<std::size_t>(c)];
    levels[i] = L;
    c -= cost_units(slots[i], L);
  }
  return levels;
}

// A group's gain over its points now, for every budget (at most that cost): non-decreasing,
// with the exact cost that attains it (-1: change nothing).
struct Gain {
  std::vector<std::int64_t> gain;
  std::vector<std::int64_t> at;
};

Gain gain_of(const GroupTable& t, std::int64_t now) {
  Gain g;
  g.gain.assign(t.points.size(), 0);
  g.at.assign(t.points.size(), -1);
  std::int64_t best = 0, best_at = -1;
  for (std::size_t c = 0; c < t.points.size(); ++c) {
    if (t.points[c] != kNone && t.points[c] - now > best) {
      best = t.points[c] - now;
      best_at = static_cast<std::int64_t>(c);
    }
    g.gain[c] = best;
    g.at[c] = best_at;
  }
  return g;
}

struct Group {
  std::size_t index = 0;  // in the region
  std::vector<Slot> slots;
  GroupTable table;
  Gain gain;
};

std::int64_t gcd_of_costs(std::int64_t g, std::int64_t c) { return c > 0 ? std::gcd(g, c) : g; }

// The most new innovations a plan may consider (the CLI's bound too).
constexpr std::size_t kMaxNew = 100000;
// The most steps of DP work (cells) a plan may take: beyond it the costs are too fine to plan
// exactly in reasonable time, and the caller is told to coarsen them.
constexpr double kMaxWork = 4e9;

// The checks plan_region and marginal_gains share (InputError with the option's pointer).
std::vector<bool> check_options(const Edition& ed, const PlanOptions& o) {
  for (const auto& [key, c] : o.row_cost) {
    if (ed.row_index(key) < 0) throw InputError("/row_cost/" + key, "\"" + key + "\" is not a row of " + ed.name);
    if (c < 0) throw InputError("/row_cost/" + key, "a cost cannot be negative");
  }
  if (o.default_cost < 0) throw InputError("/default_cost", "a cost cannot be negative");
  if (o.new_cost < 0) throw InputError("/new_cost", "a cost cannot be negative");
  if (o.max_new > kMaxNew)
    throw InputError("/max_new", std::to_string(o.max_new) + " new innovations exceed the limit of " +
                                     std::to_string(kMaxNew));

  std::vector<bool> fixed(ed.rows.size(), false);
  for (std::size_t i = 0; i < o.fixed_rows.size(); ++i) {
    const int idx = ed.row_index(o.fixed_rows[i]);
    if (idx < 0)
      throw InputError("/fixed_rows/" + std::to_string(i), "\"" + o.fixed_rows[i] + "\" is not a row of " + ed.name);
    fixed[static_cast<std::size_t>(idx)] = true;
  }
  // Every cost a plan can add up fits int64: each row's steps over every answer, and the new
  // innovations (checked in 128 bits, so no product can wrap).
  return fixed;
}

}  // namespace

namespace {

std::string threshold_text(const Bands& b, int level, const std::string& what) {
  // The threshold of the lowest level at or above `level` (thresholds run highest first).
  const Threshold* t = nullptr;
  for (const auto& th : b.thresholds)
    if (th.level >= level) t = &th;
  if (!t) return "";
  const bool higher = b.direction == Direction::higher;
  return what + " " + (higher ? (t->inclusive ? ">= " : "> ") : (t->inclusive ? "<= " : "< ")) + t->value.to_string();
}

std::string years_text(const Row& row, int level) {
  for (const auto& y : row.year_rules) {
    if (y.level != level) continue;
    std::string years;
    for (int off : y.offsets) years += (years.empty() ? "T-" : ", T-") + std::to_string(off);
    if (years.empty()) years = "the years of the window";
    switch (y.op) {
      case YearRule::Op::all: return "documents covering every year of " + years;
      case YearRule::Op::any: return "a document covering one of " + years;
      case YearRule::Op::min_count:
        return "documents covering at least " + std::to_string(y.count) + " of " + years;
      case YearRule::Op::min_consecutive:
        return "documents covering at least " + std::to_string(y.count) + " consecutive years of " + years;
    }
  }
  return "";
}

}  // namespace

StepEvidence evidence_for(const Row& row, int level) {
  StepEvidence e;
  if (!row.evidence) {
    e.unchecked = true;
    e.how = "no evidence rules: the claim stands as made";
    return e;
  }
  const EvidenceRules& r = *row.evidence;
  switch (r.derivation) {
    case Derivation::by_kind:
      for (const auto& k : r.kinds) {
        auto it = r.kind_level.find(k);
        const int lv = it == r.kind_level.end() ? EvidenceRules::kClaim : it->second;
        if (lv == EvidenceRules::kClaim || lv >= level) e.kinds.push_back(k);
      }
      e.how = "one passing item of one of these kinds";
      break;
    case Derivation::by_groups:
      e.kinds = r.kinds;
      e.how = row.bands ? threshold_text(*row.bands, level, "passing items in distinct groups (`group`):") : "";
      break;
    case Derivation::by_years:
      e.kinds = r.kinds;
      e.how = years_text(row, level);
      break;
    case Derivation::by_value:
      e.kinds = r.kinds;
      if (row.input == InputKind::bases && row.bases.count(row.default_basis))
        e.how = threshold_text(row.bases.at(row.default_basis), level, "a passing item stating a value (basis " +
                                                                           row.default_basis + ")");
      else if (row.bands)
        e.how = threshold_text(*row.bands, level, "a passing item stating a value");
      break;
  }
  for (const auto& rule : r.rules)
    if (rule.severity == Severity::error && std::find(e.rules.begin(), e.rules.end(), rule.name) == e.rules.end())
      e.rules.push_back(rule.name);
  return e;
}

namespace {

// The gate bits of affairs (affairs outside the edition's gate cover nothing).
std::uint64_t gate_bits_of(const Edition& ed, const std::vector<std::string>& affairs) {
  std::uint64_t bits = 0;
  if (!ed.gate) return bits;
  const auto& ga = ed.gate->affairs;
  for (const auto& a : affairs) {
    const auto it = std::find(ga.begin(), ga.end(), normalise_affair(a));
    if (it != ga.end()) bits |= std::uint64_t{1} << (it - ga.begin());
  }
  return bits;
}

// The levels of a new innovation (edition innovation-row order): the options' profile, or per
// row the lower median of the levels the policy keeps on the region's counted innovations.
std::vector<std::uint8_t> new_profile_of(const ScenarioBase& base, std::size_t region, const PlanOptions& o) {
  const Edition& ed = base.edition();
  const Columns& cols = base.columns();
  const std::size_t K = ed.innovation_rows.size();
  std::vector<std::uint8_t> profile(K, static_cast<std::uint8_t>(ed.level_min));
  if (!o.median_profile) {
    for (const auto& [key, lv] : o.new_profile) {
      const std::size_t k = base.innovation_column(key);
      if (lv < ed.level_min || lv > ed.level_max)
        throw InputError("/new_profile/" + key, std::to_string(lv) + " is out of range " +
                                                    std::to_string(ed.level_min) + ".." + std::to_string(ed.level_max));
      profile[k] = static_cast<std::uint8_t>(lv);
    }
    return profile;
  }
  const auto a = static_cast<std::size_t>(cols.region_offsets[region]);
  std::vector<int> levels;
  for (std::size_t k = 0; k < K; ++k) {
    levels.clear();
    for (std::size_t j = 0; j < base.innovations_of(region); ++j) {
      if (!detail::counts_in_n(static_cast<detail::Standing>(cols.status[a + j]))) continue;
      const std::size_t at = (a + j) * K + k;
      const auto cap = [&](const std::vector<std::uint8_t>& v) { return v.empty() ? ed.level_max : int{v[at]}; };
      levels.push_back(detail::validated_level(o.policy, cols.innovation_levels[at], cap(cols.innovation_supported_cap),
                                               cap(cols.innovation_assessor_cap), ed));
    }
    if (levels.empty()) continue;
    std::nth_element(levels.begin(), levels.begin() + static_cast<std::ptrdiff_t>((levels.size() - 1) / 2), levels.end());
    profile[k] = static_cast<std::uint8_t>(levels[(levels.size() - 1) / 2]);
  }
  return profile;
}

}  // namespace

RegionPlan plan_region(const ScenarioBase& base, std::size_t region, const PlanOptions& o) {
  const Edition& ed = base.edition();
  const Columns& cols = base.columns();
  if (region >= base.regions())
    throw InputError("/region", "region " + std::to_string(region) + " is out of range (the data has " +
                                    std::to_string(base.regions()) + ")");
  if (o.target_iid_h.has_value() == o.target_category.has_value())
    throw InputError("/target", "give exactly one target: an IID (e.g. 65.00) or a category label");
  if (o.policy != Policy::self_assessed && !cols.policy_caps)
    throw InputError("/policy", std::string("the data holds no evidence caps, so it cannot be planned under ") +
                                    to_string(o.policy) + " (build the base from submissions or policy columns)");
  const std::size_t G = ed.government_rows.size(), K = ed.innovation_rows.size();

  RegionPlan plan;
  plan.region = region;
  plan.policy = o.policy;
  if (o.median_profile && !o.new_profile.empty())
    throw InputError("/new_profile", "give a profile for new innovations or ask for the median one, not both");
  if (o.target_category) {
    std::size_t b = 0;
    while (b < ed.bands.size() && ed.bands[b].label != *o.target_category) ++b;
    if (b == ed.bands.size() && *o.target_category != ed.lowest_category) {
      std::string list;
      for (const auto& band : ed.bands) list += (list.empty() ? "" : ", ") + band.label;
      throw InputError("/target", "\"" + *o.target_category + "\" is not a category of " + ed.name + " (" + list + ")");
    }
    plan.target_band = b;
    plan.target_iid_h = b < ed.bands.size() ? ed.bands[b].lower_h : 0;
  } else {
    plan.target_iid_h = *o.target_iid_h;
  }

  // Costs per row, in common units.
  const std::vector<bool> fixed = check_options(ed, o);
  if (plan.target_iid_h < 0 || plan.target_iid_h > 10000)
    throw InputError("/target", hundredths_text(plan.target_iid_h) + " is not an IID: give 0.00 to 100.00 or a category");
  auto cost_of_row = [&](int idx) {
    auto it = o.row_cost.find(ed.rows[static_cast<std::size_t>(idx)].key);
    return it == o.row_cost.end() ? o.default_cost : it->second;
  };
  std::int64_t unit = 0;
  for (int idx : ed.government_rows) unit = fixed[idx] ? unit : gcd_of_costs(unit, cost_of_row(idx));
  for (int idx : ed.innovation_rows) unit = fixed[idx] ? unit : gcd_of_costs(unit, cost_of_row(idx));
  if (unit == 0) unit = 1;

  // New innovations' profile and affairs.
  const std::vector<std::uint8_t> profile = new_profile_of(base, region, o);
  const std::uint64_t new_bits = gate_bits_of(ed, o.new_affairs);

  // The region now, under the policy.
  const Policy p = o.policy;
  auto slot = [&](int row_idx, int claimed, int sup_cap, int ass_cap) {
    Slot s;
    const Row& row = ed.rows[static_cast<std::size_t>(row_idx)];
    s.weight_h = row.weight_h;
    s.claimed = claimed;
    s.kept = detail::validated_level(p, claimed, sup_cap, ass_cap, ed);
    const int cap = detail::cap_of(p, sup_cap, ass_cap, ed.level_max);
    s.supported = p == Policy::self_assessed ? claimed : std::min(claimed, cap);
    s.changeable = !fixed[static_cast<std::size_t>(row_idx)];
    const std::int64_t c = cost_of_row(row_idx);
    s.unit = c / unit;
    s.must_meet = detail::mandatory_zeroes(ed, row) && detail::mandatory_unmet(row, claimed);
    return s;
  };
  auto cap_at = [&](const std::vector<std::uint8_t>& v, std::size_t i) { return v.empty() ? ed.level_max : v[i]; };
  std::vector<Slot> gov;
  std::int64_t government_h = 0;
  for (std::size_t g = 0; g < G; ++g) {
    const std::size_t at = region * G + g;
    gov.push_back(slot(ed.government_rows[g], cols.government_levels[at], cap_at(cols.government_supported_cap, at),
                       cap_at(cols.government_assessor_cap, at)));
    gov.back().must_meet = false;  // the mandatory rule is an innovation's
    government_h += detail::points_h(gov.back().weight_h, gov.back().kept);
  }
  const auto first = static_cast<std::size_t>(cols.region_offsets[region]);
  const std::size_t count = base.innovations_of(region);
  std::vector<Group> invs;
  std::int64_t innovation_sum_h = 0;
  int n0 = 0;
  std::uint64_t covered = 0;
  std::int64_t span = 0;
  double work = 0;
  for (std::size_t j = 0; j < count; ++j) {
    const auto standing = static_cast<detail::Standing>(cols.status[first + j]);
    if (!detail::counts_in_n(standing)) continue;
    ++n0;
    if (ed.gate && detail::covers_gate(standing, *ed.gate) && !cols.affairs.empty()) covered |= cols.affairs[first + j];
    if (!detail::scores_points(standing)) continue;
    Group inv;
    inv.index = j;
    bool unmet = false;
    std::int64_t pts = 0;
    for (std::size_t k = 0; k < K; ++k) {
      const std::size_t at = (first + j) * K + k;
      inv.slots.push_back(slot(ed.innovation_rows[k], cols.innovation_levels[at],
                               cap_at(cols.innovation_supported_cap, at), cap_at(cols.innovation_assessor_cap, at)));
      const Slot& s = inv.slots.back();
      unmet = unmet || detail::mandatory_unmet(ed.rows[static_cast<std::size_t>(ed.innovation_rows[k])], s.claimed);
      pts += detail::points_h(s.weight_h, s.kept);
    }
    const std::int64_t now = detail::mandatory_zeroes(ed, unmet) ? 0 : pts;
    innovation_sum_h += now;
    int128 group_span = 0;
    for (const auto& sl : inv.slots) group_span += int128(sl.unit) * std::max(0, ed.level_max - sl.supported);
    // The convolution below costs about (budgets so far) × (this group's budgets) cells.
    work += double(span + group_span + 1) * double(group_span + 1);
    if (span + group_span > kMaxCostUnits || work > kMaxWork)
      throw InputError("/row_cost", "the steps' costs span more than the planner can search exactly (at most " +
                                        std::to_string(kMaxCostUnits) + " units of their common divisor and " +
                                        "about 4e9 cells of work): use coarser costs, or fix some rows");
    inv.table = group_table(inv.slots, ed.level_max, true);
    inv.gain = gain_of(inv.table, now);
    span += inv.table.cost_span;
    invs.push_back(std::move(inv));
  }
  plan.before = base.nominal(region, p);
  if (plan.before.government_h != government_h || plan.before.innovation_sum_h != innovation_sum_h)
    throw std::logic_error("plan_region: the planner's reading of the region disagrees with the scenario base");

  {
    int128 gov_span = 0;
    for (const auto& sl : gov) gov_span += int128(sl.unit) * std::max(0, ed.level_max - sl.supported);
    // The most a plan can cost, in money: every step of every answer, every new innovation.
    const int128 most = (gov_span + span) * unit + int128(o.max_new) * o.new_cost;
    if (gov_span > kMaxCostUnits)
      throw InputError("/row_cost", "the government rows' step costs span more than " + std::to_string(kMaxCostUnits) +
                                        " units of their common divisor: use coarser costs");
    if (most > int128(std::numeric_limits<std::int64_t>::max()))
      throw InputError("/row_cost", "the costs could add up past the largest whole number a plan holds (2^63 - 1): "
                                    "use smaller costs");
  }
  const GroupTable gov_table = group_table(gov, ed.level_max, false);
  const Gain gov_gain = gain_of(gov_table, government_h);

  // Most innovation points for every budget: max-plus convolution, with each innovation's share
  // of the budget kept for backtracking.
  std::vector<std::int64_t> agg{0};
  std::vector<std::vector<std::uint32_t>> share;  // [innovation][budget]
  for (const auto& inv : invs) {
    const auto& g = inv.gain.gain;
    std::vector<std::int64_t> next(agg.size() + g.size() - 1, 0);
    std::vector<std::uint32_t> sh(next.size(), 0);
    for (std::size_t b = 0; b < agg.size(); ++b)
      for (std::size_t c = 0; c < g.size(); ++c)
        if (agg[b] + g[c] > next[b + c]) {
          next[b + c] = agg[b] + g[c];
          sh[b + c] = static_cast<std::uint32_t>(c);
        }
    // Non-decreasing in the budget: a larger budget may leave some of it unspent.
    for (std::size_t b = 1; b < next.size(); ++b)
      if (next[b - 1] > next[b]) {
        next[b] = next[b - 1];
        sh[b] = std::numeric_limits<std::uint32_t>::max();  // same as budget b - 1
      }
    agg.swap(next);
    share.push_back(std::move(sh));
  }

  // For m new innovations: the region's fixed parts and the smallest total that meets the target.
  int new_points_unmet = 0;
  std::int64_t new_points = 0;
  for (std::size_t k = 0; k < K; ++k) {
    const Row& row = ed.rows[static_cast<std::size_t>(ed.innovation_rows[k])];
    new_points_unmet |= detail::mandatory_unmet(row, profile[k]) ? 1 : 0;
    new_points += detail::points_h(row.weight_h, profile[k]);
  }
  if (detail::mandatory_zeroes(ed, new_points_unmet != 0)) new_points = 0;
  struct Fixed {
    int n = 0;
    bool gate_open = true;
    int128 base_total = 0;  // total_num_h with no step taken
    int128 D = 1;
  };
  auto fixed_for = [&](std::size_t m) {
    Fixed f;
    f.n = n0 + static_cast<int>(m);
    const std::uint64_t bits = covered | (m > 0 ? new_bits : 0);
    f.gate_open = detail::gate_open(std::popcount(bits), ed);
    const detail::RegionTotals t =
        detail::finish_region(ed, government_h, innovation_sum_h + static_cast<std::int64_t>(m) * new_points, f.n,
                              f.gate_open, false);
    f.base_total = t.total_num_h;
    f.D = t.divisor;
    return f;
  };
  auto evaluate = [&](const Fixed& f, int128 total) {
    // total_num_h = D × (0 + count_h) + (total − D × count_h): the rules layer reads it whole.
    const std::int64_t count_h = detail::count_points_h(ed, f.n, f.gate_open);
    return detail::finish_region(ed, 0, static_cast<std::int64_t>(total - f.D * count_h), f.n, f.gate_open);
  };
  auto meets = [&](const detail::RegionTotals& t) {
    return plan.target_band ? t.band <= *plan.target_band : t.iid_h >= plan.target_iid_h;
  };
  const std::int64_t G_span = static_cast<std::int64_t>(gov_gain.gain.size()) - 1;

  struct Choice {
    bool found = false;
    int128 cost = 0;  // in money
    std::size_t m = 0;
    std::int64_t g_budget = 0, i_budget = 0;
    int128 total = 0;
  };
  // The cheapest (government budget, innovation budget) reaching `need` more total points.
  auto cheapest = [&](std::size_t m, const Fixed& f, int128 need, Choice& best) {
    for (std::int64_t cg = 0; cg <= G_span; ++cg) {
      const int128 rest = need - f.D * gov_gain.gain[static_cast<std::size_t>(cg)];
      std::int64_t ci = 0;
      if (rest > 0) {
        const auto it = std::lower_bound(agg.begin(), agg.end(), rest,
                                         [](std::int64_t v, int128 r) { return static_cast<int128>(v) < r; });
        if (it == agg.end()) continue;
        ci = it - agg.begin();
      }
      const int128 cost = static_cast<int128>(cg + ci) * unit + static_cast<int128>(m) * o.new_cost;
      if (!best.found || cost < best.cost) {
        best = {true, cost, m, cg, ci,
                f.base_total + f.D * gov_gain.gain[static_cast<std::size_t>(cg)] + agg[static_cast<std::size_t>(ci)]};
      }
      if (rest <= 0) break;  // more government budget only costs more
    }
  };

  Choice best;
  int128 best_reach_total = -1;
  std::size_t best_reach_m = 0;
  std::int64_t best_reach_iid = -1;
  // The cheapest plan over every count of new innovations whose result meets `ok` (monotone in
  // the total for a fixed count).
  auto search = [&](auto ok) {
    for (std::size_t m = 0; m <= o.max_new; ++m) {
      const Fixed f = fixed_for(m);
      const int128 top = f.base_total + f.D * gov_gain.gain.back() + agg.back();
      const detail::RegionTotals at_top = evaluate(f, top);
      if (at_top.iid_h > best_reach_iid) {
        best_reach_iid = at_top.iid_h;
        best_reach_total = top;
        best_reach_m = m;
      }
      if (!ok(at_top)) continue;
      int128 lo = f.base_total, hi = top;  // the smallest total that meets it
      if (ok(evaluate(f, lo))) hi = lo;
      while (lo < hi) {
        const int128 mid = lo + (hi - lo) / 2;
        if (ok(evaluate(f, mid))) hi = mid;
        else lo = mid + 1;
      }
      cheapest(m, f, hi - f.base_total, best);
    }
  };
  search(meets);
  plan.reachable = best.found;
  if (!best.found) {
    // The best IID within reach, at its lowest cost over every count of new innovations (not
    // every answer at the top: steps that do not move the rounded IID are left out).
    const std::int64_t reach = best_reach_iid;
    search([&](const detail::RegionTotals& t) { return t.iid_h >= reach; });
    plan.blockers.push_back("the highest IID within reach is " + hundredths_text(best_reach_iid) + " (every changeable answer at level " + std::to_string(ed.level_max) +
                            (o.max_new ? ", " + std::to_string(best_reach_m) + " new innovations" : "") + ")");
    if (o.max_new == 0) plan.blockers.push_back("no new innovations allowed");
    if (ed.gate && !fixed_for(o.max_new).gate_open) {
      std::string missing;
      const std::uint64_t bits = covered | (o.max_new > 0 ? new_bits : 0);
      for (std::size_t i = 0; i < ed.gate->affairs.size(); ++i)
        if (!(bits >> i & 1)) missing += (missing.empty() ? "" : ", ") + ed.gate->affairs[i];
      plan.blockers.push_back("the count gate stays closed: " + std::to_string(std::popcount(bits)) + " of the " +
                              std::to_string(ed.gate->min_covered) + " affairs it needs are covered (missing: " +
                              missing + ")");
    }
    if (!o.fixed_rows.empty()) plan.blockers.push_back(std::to_string(o.fixed_rows.size()) + " rows may not change");
  }

  // The steps of the chosen plan.
  plan.new_innovations = best.m;
  plan.new_profile = profile;
  plan.cost = static_cast<std::int64_t>(best.cost);
  auto add_steps = [&](const std::vector<Slot>& slots, const std::vector<int>& levels, std::int64_t innovation,
                       const std::vector<int>& rows) {
    for (std::size_t i = 0; i < slots.size(); ++i) {
      if (levels[i] == slots[i].kept) continue;
      const std::int64_t c = cost_of_row(rows[i]) * std::max(0, levels[i] - slots[i].supported);
      plan.steps.push_back({innovation, i, slots[i].kept, levels[i], c, levels[i] > slots[i].supported});
    }
  };
  if (const std::int64_t at = gov_gain.at[static_cast<std::size_t>(best.g_budget)]; at >= 0)
    add_steps(gov, backtrack(gov_table, gov, at), -1, ed.government_rows);
  std::vector<std::int64_t> budget_of(invs.size(), 0);
  for (std::size_t b = static_cast<std::size_t>(best.i_budget), j = invs.size(); j-- > 0;) {
    while (share[j][b] == std::numeric_limits<std::uint32_t>::max()) --b;
    budget_of[j] = share[j][b];
    b -= share[j][b];
  }
  for (std::size_t j = 0; j < invs.size(); ++j) {
    const std::int64_t at = invs[j].gain.at[static_cast<std::size_t>(budget_of[j])];
    if (at >= 0)
      add_steps(invs[j].slots, backtrack(invs[j].table, invs[j].slots, at), static_cast<std::int64_t>(invs[j].index),
                ed.innovation_rows);
  }
  std::int64_t spent = static_cast<std::int64_t>(best.m) * o.new_cost;
  for (const auto& st : plan.steps) spent += st.cost;
  if (spent != plan.cost) throw std::logic_error("plan_region: the steps' costs do not add up to the plan's");
  Workspace ws;
  plan.after = base.score_region(plan_scenario(base, plan, o), region, ws);
  const Fixed f = fixed_for(best.m);
  const detail::RegionTotals predicted = evaluate(f, best.total);
  if (predicted.iid_h != plan.after.iid_h || (plan.reachable && !meets(predicted)))
    throw std::logic_error("plan_region: the plan's predicted IID disagrees with the scenario base's");
  // Free steps (claims set to what the evidence supports) the target does not need are left out,
  // latest first: the plan says what must be done, at the same cost.
  if (plan.reachable) {
    for (std::size_t i = plan.steps.size(); i-- > 0;) {
      if (plan.steps[i].cost != 0) continue;
      RegionPlan without = plan;
      without.steps.erase(without.steps.begin() + static_cast<std::ptrdiff_t>(i));
      const RegionResult r = base.score_region(plan_scenario(base, without, o), region, ws);
      if (plan.target_band ? r.category <= *plan.target_band : r.iid_h >= plan.target_iid_h) {
        plan.steps = std::move(without.steps);
        plan.after = r;
      }
    }
  }
  // Whether the edition's [U] choices decide the outcome (score() reports the same for a result).
  {
    const RegionResult& a = plan.after;
    const int128 x = detail::total_num_h(a.divisor, a.government_h, a.count_h, a.innovation_sum_h);
    const int128 num = x * 10000, den = int128(a.divisor) * ed.max_total_h;
    const bool met = plan.target_band ? a.category <= *plan.target_band : a.iid_h >= plan.target_iid_h;
    const Rounding other = ed.rounding == Rounding::half_up ? Rounding::half_even : Rounding::half_up;
    const std::int64_t alt_h = round_hundredths(num, den, other);
    const bool rounded = ed.category_reading == CategoryReading::rounded;
    auto band_under = [&](std::int64_t iid_h, bool rounded_reading) {
      return rounded_reading ? ed.band_of_hundredths(iid_h) : band_of_fraction(ed, x * 100, den);
    };
    auto meets_under = [&](std::int64_t iid_h, std::size_t band) {
      return plan.target_band ? band <= *plan.target_band : iid_h >= plan.target_iid_h;
    };
    const std::size_t alt_band = band_under(alt_h, rounded);
    if (meets_under(alt_h, alt_band) != met)
      plan.decided_by.push_back({"rounding", to_string(ed.rounding), to_string(other), alt_h, ed.category_label(alt_band)});
    const std::size_t other_band = band_under(a.iid_h, !rounded);
    if (plan.target_band && meets_under(a.iid_h, other_band) != met)
      plan.decided_by.push_back({"category_reading", rounded ? "rounded" : "unrounded", rounded ? "unrounded" : "rounded",
                                 a.iid_h, ed.category_label(other_band)});
  }
  return plan;
}

Scenario plan_scenario(const ScenarioBase& base, const RegionPlan& plan, const PlanOptions& o) {
  const Edition& ed = base.edition();
  Scenario sc;
  sc.policy = plan.policy;
  for (const auto& s : plan.steps)
    sc.levels.push_back({plan.region, s.innovation, s.column, s.to, s.evidenced});
  const std::uint64_t bits = gate_bits_of(ed, o.new_affairs);
  for (std::size_t i = 0; i < plan.new_innovations; ++i) {
    AddedInnovation a;
    a.region = plan.region;
    a.id = "baru-" + std::to_string(i + 1);
    a.levels = plan.new_profile;
    if (a.levels.empty()) {  // a plan not made by plan_region: the options' profile
      a.levels.assign(ed.innovation_rows.size(), static_cast<std::uint8_t>(ed.level_min));
      for (const auto& [key, lv] : o.new_profile) a.levels[base.innovation_column(key)] = static_cast<std::uint8_t>(lv);
    }
    a.affairs = bits;
    sc.added.push_back(std::move(a));
  }
  return sc;
}

}  // namespace inovasi

namespace inovasi {

std::vector<StepGain> marginal_gains(const ScenarioBase& base, std::size_t region, const PlanOptions& o, bool all) {
  const Edition& ed = base.edition();
  const Columns& cols = base.columns();
  if (region >= base.regions())
    throw InputError("/region", "region " + std::to_string(region) + " is out of range (the data has " +
                                    std::to_string(base.regions()) + ")");
  if (o.policy != Policy::self_assessed && !cols.policy_caps)
    throw InputError("/policy", std::string("the data holds no evidence caps, so it cannot be read under ") +
                                    to_string(o.policy));
  const std::vector<bool> fixed = check_options(ed, o);
  auto cost_of_row = [&](int idx) {
    auto it = o.row_cost.find(ed.rows[static_cast<std::size_t>(idx)].key);
    return it == o.row_cost.end() ? o.default_cost : it->second;
  };
  const RegionResult before = base.nominal(region, o.policy);
  auto exact = [&](const RegionResult& r) {
    return std::pair<int128, int128>{detail::total_num_h(r.divisor, r.government_h, r.count_h, r.innovation_sum_h),
                                     int128(r.divisor)};
  };
  const auto before_exact = exact(before);  // (named, not a structured binding: the lambda below reads them)
  const int128 x0 = before_exact.first, d0 = before_exact.second;
  std::vector<StepGain> out;
  Workspace ws;
  auto add = [&](StepGain g) {
    const auto [x1, d1] = exact(g.after);
    // IID in hundredths = X × 10000 / (D × max_total_h): the difference over a common denominator.
    g.gain = make_fraction((x1 * d0 - x0 * d1) * 10000, d0 * d1 * ed.max_total_h);
    if (all || g.gain.sign() > 0) out.push_back(std::move(g));
  };
  const Policy p = o.policy;
  auto cap_at = [&](const std::vector<std::uint8_t>& v, std::size_t i) { return v.empty() ? ed.level_max : int{v[i]}; };
  auto step = [&](std::int64_t innovation, std::size_t column, int row_idx, int claimed, int sup, int ass) {
    if (fixed[static_cast<std::size_t>(row_idx)]) return;
    const int kept = detail::validated_level(p, claimed, sup, ass, ed);
    if (kept >= ed.level_max) return;
    const int cap = detail::cap_of(p, sup, ass, ed.level_max);
    const int supported = p == Policy::self_assessed ? claimed : std::min(claimed, cap);
    StepGain g;
    g.step = {innovation, column, kept, kept + 1, cost_of_row(row_idx) * std::max(0, kept + 1 - supported),
              kept + 1 > supported};
    g.cost = g.step.cost;
    const LevelChange c{region, innovation, column, kept + 1, g.step.evidenced};
    g.after = base.rescore(region, &c, 1, p, ws);
    add(std::move(g));
  };
  const std::size_t G = ed.government_rows.size(), K = ed.innovation_rows.size();
  for (std::size_t g = 0; g < G; ++g) {
    const std::size_t at = region * G + g;
    step(-1, g, ed.government_rows[g], cols.government_levels[at], cap_at(cols.government_supported_cap, at),
         cap_at(cols.government_assessor_cap, at));
  }
  const auto first = static_cast<std::size_t>(cols.region_offsets[region]);
  for (std::size_t j = 0; j < base.innovations_of(region); ++j) {
    if (!detail::scores_points(static_cast<detail::Standing>(cols.status[first + j]))) continue;
    for (std::size_t k = 0; k < K; ++k) {
      const std::size_t at = (first + j) * K + k;
      step(static_cast<std::int64_t>(j), k, ed.innovation_rows[k], cols.innovation_levels[at],
           cap_at(cols.innovation_supported_cap, at), cap_at(cols.innovation_assessor_cap, at));
    }
  }
  if (o.max_new > 0) {
    // One new innovation, at the profile a plan would use.
    RegionPlan shape;
    shape.region = region;
    shape.policy = p;
    shape.new_innovations = 1;
    shape.new_profile = new_profile_of(base, region, o);
    StepGain g;
    g.new_innovation = true;
    g.cost = o.new_cost;
    g.after = base.score_region(plan_scenario(base, shape, o), region, ws);
    add(std::move(g));
  }
  // Highest exact gain first (a/b > c/d ⇔ a·d > c·b, denominators positive), then the cheaper.
  std::stable_sort(out.begin(), out.end(), [](const StepGain& a, const StepGain& b) {
    const int128 l = num_of(a.gain) * den_of(b.gain), r = num_of(b.gain) * den_of(a.gain);
    return l != r ? l > r : a.cost < b.cost;
  });
  return out;
}

}  // namespace inovasi
