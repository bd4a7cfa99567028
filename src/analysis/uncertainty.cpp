// Monte Carlo over policy columns (include/inovasi/uncertainty.hpp, docs/uncertainty.md).
//
// Why it is fast and still exact: a region's points are linear in its answers' levels
// (rules.hpp points_h), so the model keeps, per region and row, the sum of the validated levels
// of the answers that score (government answers; innovations that score points and are not
// zeroed by the mandatory rule). A failed acceptance draw lowers one answer by a known amount
// (validated level − fallback level), so an evaluation is: the sums, minus what the failed
// draws remove, times the row weights, through finish_region. Which innovations count, the
// gate and the mandatory rule read status and claims, which no draw changes, so they are
// decided once. Only answers whose draw can change something are drawn (an answer certain to
// pass, or with nothing to lose, gives the same result whatever its draw); the tests hold every
// evaluation to score() of the submission the draws describe.
#include "inovasi/uncertainty.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <exception>
#include <map>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <thread>

#include "batch/pool.hpp"
#include "inovasi/error.hpp"
#include "inovasi/random.hpp"
#include "scoring/rules.hpp"

namespace inovasi {

const char* to_string(Fallback f) {
  switch (f) {
    case Fallback::zero: return "zero";
    case Fallback::supported: return "supported";
    case Fallback::one_lower: return "one_lower";
  }
  return "zero";
}

namespace detail {

namespace {
constexpr std::size_t kIidBins = 10001;  // IID hundredths 0 … 10000
}

// One edition's view of the data: what an evaluation needs, nothing else.
struct EditionData {
  EditionPtr edition;
  std::size_t G = 0, K = 0, C = 0;       // government rows, innovation rows, G + K
  std::vector<std::int64_t> weight_h;    // C: the edition's weights
  std::vector<std::int64_t> base;        // regions × C: level sums with every draw passing
  std::vector<std::int32_t> n;           // per region: innovations counted
  std::vector<std::uint8_t> gate_open;   // per region
  // The answers a draw can change, ordered by (group, region).
  std::vector<std::uint64_t> stream;     // stream word (seed, key)
  std::vector<std::uint32_t> p_q16;      // probability of passing
  std::vector<std::uint32_t> lost;       // levels a failed draw removes
  struct Run {
    std::uint32_t target, begin, end;    // target = region × C + column
  };
  std::vector<Run> runs;
  struct Span {
    std::size_t a0 = 0, a1 = 0, r0 = 0, r1 = 0;  // answers, runs
  };
  std::vector<Span> group_span;          // per input group (empty for the non-evidence groups)
  std::vector<std::uint32_t> weight_col; // columns whose weight is drawn
  std::vector<std::uint64_t> weight_stream;
};

struct UncertaintyData {
  UncertaintySpec spec;
  std::vector<Columns> cols;
  std::vector<EditionData> eds;
  std::vector<InputGroup> groups;
  std::size_t regions = 0, categories = 0;
  int g_weights = -1, g_divisor = -1, g_edition = -1;
  std::int64_t step_h = 0;
  std::uint64_t divisor_stream = 0, edition_stream = 0;
  std::vector<std::uint32_t> divisor_cum, edition_cum;  // cumulative q16 thresholds, last = 65536
  // Rank groups: members of each national (type) and province (type, province) group.
  std::vector<std::uint32_t> nat_offsets, nat_members, prov_offsets, prov_members;
  std::size_t nat_slots = 1, prov_slots = 1;
};

namespace {

std::vector<std::uint32_t> cumulative_q16(const std::vector<double>& probabilities, const char* what) {
  double sum = 0;
  std::vector<std::uint32_t> cum;
  for (double p : probabilities) {
    if (!(p >= 0 && p <= 1)) throw InputError("", std::string(what) + ": a probability must be in [0, 1]");
    sum += p;
    cum.push_back(random::quantise_probability(std::min(sum, 1.0)));
  }
  if (cum.empty() || std::abs(sum - 1.0) > 1e-9)
    throw InputError("", std::string(what) + ": the probabilities must add up to 1");
  cum.back() = random::kProbabilityOne;
  return cum;
}

// The alternative a draw picks: the first whose cumulative threshold lies above its top 16 bits.
std::size_t choose(const std::vector<std::uint32_t>& cum, std::uint64_t bits) {
  const auto u = static_cast<std::uint32_t>(bits >> 48);
  std::size_t i = 0;
  while (i + 1 < cum.size() && u >= cum[i]) ++i;
  return i;
}

// The stored acceptance (65535 = 1) as a draw's probability in 1/65536 units, rounded.
std::uint32_t draw_probability(std::uint16_t stored) {
  return static_cast<std::uint32_t>((std::uint64_t{stored} * random::kProbabilityOne + 32767) / kAcceptanceOne);
}

std::int64_t gcd_of_weights(const Edition& ed) {
  std::int64_t g = 0;
  for (const Row& r : ed.rows) g = std::gcd(g, r.weight_h);
  return g;
}

bool listed(const std::vector<std::string>& rows, const std::string& key) {
  return rows.empty() || std::find(rows.begin(), rows.end(), key) != rows.end();
}

}  // namespace
}  // namespace detail

using detail::EditionData;
using detail::UncertaintyData;

struct UncertaintyScratch::Impl {
  const UncertaintyData* owner = nullptr;
  std::vector<Edition> eds;  // working copies: divisor, weights' maximum total per evaluation
  std::vector<std::int64_t> acc, w, row_w;
  std::vector<std::uint8_t> pass;
  std::vector<std::pair<std::int64_t, std::uint32_t>> order;
  std::vector<std::int64_t> iid;
  std::vector<std::uint8_t> cat;
  std::vector<std::int32_t> nat, prov;
};

UncertaintyScratch::UncertaintyScratch() : impl_(std::make_unique<Impl>()) {}
UncertaintyScratch::~UncertaintyScratch() = default;
UncertaintyScratch::UncertaintyScratch(UncertaintyScratch&&) noexcept = default;
UncertaintyScratch& UncertaintyScratch::operator=(UncertaintyScratch&&) noexcept = default;

namespace {

EditionData build_edition(const Columns& c, const UncertaintySpec& spec, const std::vector<InputGroup>& groups,
                          const std::map<std::string, std::size_t>& group_of_row, std::int64_t step_h) {
  EditionData E;
  E.edition = c.edition;
  const Edition& ed = *c.edition;
  validate(c.view());
  E.G = ed.government_rows.size();
  E.K = ed.innovation_rows.size();
  E.C = E.G + E.K;
  for (int idx : ed.government_rows) E.weight_h.push_back(ed.rows[idx].weight_h);
  for (int idx : ed.innovation_rows) E.weight_h.push_back(ed.rows[idx].weight_h);
  const std::size_t R = c.regions, G = E.G, K = E.K, C = E.C;
  if (c.codes.size() != R) throw InputError("", "the columns carry no region codes");
  if (c.innovations > 0 && c.innovation_ids.size() != c.innovations)
    throw InputError("", "the columns carry no innovation ids (policy columns, schema v2, have them): the draws "
                         "are keyed by region code, innovation id and row key");
  const bool need_acceptance = spec.evidence.enabled && !spec.evidence.fixed;
  if (need_acceptance && (c.government_acceptance.size() != R * G || c.innovation_acceptance.size() != c.innovations * K))
    throw InputError("", "the columns carry no acceptance probabilities: read them as policy columns "
                         "(evidence=True, or Parquet v2), or give the uncertainty file a fixed \"acceptance\"");
  const bool need_caps = spec.policy != Policy::self_assessed ||
                         (spec.evidence.enabled && spec.evidence.fallback == Fallback::supported);
  if (need_caps && !c.policy_caps)
    throw InputError("", std::string("policy ") + to_string(spec.policy) +
                             (spec.policy == Policy::self_assessed ? " with fallback \"supported\"" : "") +
                             " reads the evidence caps, and these columns carry none: read them as policy columns");

  const detail::StandingTable table = detail::standing_table(ed);
  E.base.assign(R * C, 0);
  E.n.assign(R, 0);
  E.gate_open.assign(R, 0);
  std::vector<std::vector<std::uint32_t>> bucket_answer(groups.size());  // answer indices into the temp arrays
  struct Temp {
    std::uint64_t stream;
    std::uint32_t p, lost, target;
  };
  std::vector<Temp> temp;
  const std::uint64_t seed = spec.seed;
  const Policy policy = spec.policy;

  // One answer: its validated level adds to the sums; if a draw can lower it, it is recorded.
  auto answer = [&](std::size_t r, std::size_t col, const std::string& id, const Row& row, int claimed, int sup, int ass,
                    std::uint16_t stored) {
    const int v = detail::validated_level(policy, claimed, sup, ass, ed);
    E.base[r * C + col] += v;
    if (!spec.evidence.enabled) return;
    const auto g = group_of_row.find(row.key);
    if (g == group_of_row.end()) return;
    int fb = std::min(v, ed.level_min);
    if (spec.evidence.fallback == Fallback::supported)
      fb = std::min(v, detail::validated_level(Policy::supported, claimed, sup, ass, ed));
    else if (spec.evidence.fallback == Fallback::one_lower)
      fb = std::max(std::min(v, ed.level_min), v - 1);
    const std::uint32_t p =
        spec.evidence.fixed ? random::quantise_probability(spec.evidence.acceptance) : detail::draw_probability(stored);
    if (v - fb <= 0 || p >= random::kProbabilityOne) return;
    const random::Key key = random::key({c.codes[r], id, row.key});
    bucket_answer[g->second].push_back(static_cast<std::uint32_t>(temp.size()));
    temp.push_back({random::stream_word(seed, key), p, static_cast<std::uint32_t>(v - fb),
                    static_cast<std::uint32_t>(r * C + col)});
  };
  static const std::string kGovernment;  // government answers are keyed with an empty innovation id
  for (std::size_t r = 0; r < R; ++r) {
    for (std::size_t k = 0; k < G; ++k) {
      const std::size_t a = r * G + k;
      answer(r, k, kGovernment, ed.rows[ed.government_rows[k]], c.government_levels[a],
             c.policy_caps ? c.government_supported_cap[a] : ed.level_max,
             c.policy_caps ? c.government_assessor_cap[a] : ed.level_max,
             need_acceptance ? c.government_acceptance[a] : kAcceptanceOne);
    }
    std::uint64_t covered = 0;
    int n = 0;
    for (auto j = static_cast<std::size_t>(c.region_offsets[r]); j < static_cast<std::size_t>(c.region_offsets[r + 1]);
         ++j) {
      const std::uint8_t flags = table[c.status[j]];
      if (flags & detail::kCountsInN) ++n;
      if ((flags & detail::kCoversGate) && !c.affairs.empty()) covered |= c.affairs[j];
      if (!(flags & detail::kScoresPoints)) continue;
      const std::uint8_t* lev = &c.innovation_levels[j * K];
      bool unmet = false;
      for (std::size_t k = 0; k < K; ++k) unmet |= detail::mandatory_unmet(ed.rows[ed.innovation_rows[k]], lev[k]);
      if (detail::mandatory_zeroes(ed, unmet)) continue;
      for (std::size_t k = 0; k < K; ++k) {
        const std::size_t a = j * K + k;
        answer(r, G + k, c.innovation_ids[j], ed.rows[ed.innovation_rows[k]], lev[k],
               c.policy_caps ? c.innovation_supported_cap[a] : ed.level_max,
               c.policy_caps ? c.innovation_assessor_cap[a] : ed.level_max,
               need_acceptance ? c.innovation_acceptance[a] : kAcceptanceOne);
      }
    }
    E.n[r] = n;
    E.gate_open[r] = detail::gate_open(std::popcount(covered), ed) ? 1 : 0;
  }
  // Answers by (group, region): buckets were filled in region order.
  E.group_span.assign(groups.size(), {});
  for (std::size_t g = 0; g < groups.size(); ++g) {
    auto& S = E.group_span[g];
    S.a0 = E.stream.size();
    S.r0 = E.runs.size();
    for (std::uint32_t t : bucket_answer[g]) {
      const Temp& x = temp[t];
      const auto i = static_cast<std::uint32_t>(E.stream.size());
      if (E.runs.size() == S.r0 || E.runs.back().target != x.target) E.runs.push_back({x.target, i, i});
      E.stream.push_back(x.stream);
      E.p_q16.push_back(x.p);
      E.lost.push_back(x.lost);
      E.runs.back().end = i + 1;
    }
    S.a1 = E.stream.size();
    S.r1 = E.runs.size();
  }
  if (spec.weights.enabled) {
    std::int64_t lowest = 0;
    for (std::size_t col = 0; col < C; ++col) {
      const Row& row = ed.rows[col < G ? ed.government_rows[col] : ed.innovation_rows[col - G]];
      std::int64_t w = row.weight_h;
      if (detail::listed(spec.weights.rows, row.key)) {
        E.weight_col.push_back(static_cast<std::uint32_t>(col));
        E.weight_stream.push_back(random::stream_word(seed, random::key({"weight", row.key})));
        w = std::max<std::int64_t>(0, w - spec.weights.steps * step_h);
      }
      lowest += detail::points_h(w, ed.level_max);
    }
    if (lowest + ed.count_rate_h * ed.count_cap <= 0)
      throw InputError("", "edition " + ed.name + ": the drawn weights can all reach 0, leaving no maximum total");
  }
  return E;
}

}  // namespace

UncertaintyModel::UncertaintyModel(std::vector<Columns> columns, UncertaintySpec spec)
    : d_(std::make_unique<UncertaintyData>()) {
  UncertaintyData& D = *d_;
  if (columns.empty()) throw InputError("", "no columns to simulate");
  if (!spec.editions.empty() && spec.editions.size() != columns.size())
    throw InputError("", "the uncertainty file lists " + std::to_string(spec.editions.size()) +
                             " editions, and columns were read under " + std::to_string(columns.size()));
  if (spec.editions.empty() && columns.size() != 1)
    throw InputError("", "columns under several editions need the uncertainty file's \"editions\"");
  const Columns& c0 = columns[0];
  if (!c0.edition) throw InputError("", "the columns carry no edition");
  D.regions = c0.regions;
  for (std::size_t e = 1; e < columns.size(); ++e) {
    const Columns& c = columns[e];
    if (c.regions != c0.regions || c.codes != c0.codes || c.innovations != c0.innovations ||
        c.innovation_ids != c0.innovation_ids)
      throw InputError("", "the columns under edition " + c.edition->name + " hold other regions or innovations than under " +
                               c0.edition->name + ": read the same data under each edition");
    std::vector<std::string> a, b;
    for (const auto& x : c.edition->bands) a.push_back(x.label);
    for (const auto& x : c0.edition->bands) b.push_back(x.label);
    if (a != b || c.edition->lowest_category != c0.edition->lowest_category)
      throw InputError("", "editions " + c0.edition->name + " and " + c.edition->name +
                               " have different categories: a study across editions needs the same ones");
  }
  D.categories = c0.edition->bands.size() + 1;
  if (spec.replicates == 0) throw InputError("", "replicates must be at least 1");

  // Input groups: each drawn row's evidence (rows of the first edition in display order, then
  // rows only the others have), the weights, the divisor, the edition.
  std::map<std::string, std::size_t> group_of_row;
  if (spec.evidence.enabled) {
    if (spec.evidence.fixed && !(spec.evidence.acceptance >= 0 && spec.evidence.acceptance <= 1))
      throw InputError("", "the fixed acceptance must be in [0, 1]");
    for (const std::string& key : spec.evidence.rows) {
      bool known = false;
      for (const Columns& c : columns) known |= c.edition->row_index(key) >= 0;
      if (!known) throw InputError("", "evidence row \"" + key + "\" is in none of the editions");
    }
    for (const Columns& c : columns)
      for (const Row& row : c.edition->rows)
        if (detail::listed(spec.evidence.rows, row.key) && !group_of_row.count(row.key)) {
          group_of_row[row.key] = D.groups.size();
          D.groups.push_back({InputGroup::Kind::evidence, "evidence:" + row.key, row.key});
        }
  }
  if (spec.weights.enabled) {
    if (spec.weights.steps < 0) throw InputError("", "weight steps must be 0 or more");
    for (const std::string& key : spec.weights.rows) {
      bool known = false;
      for (const Columns& c : columns) known |= c.edition->row_index(key) >= 0;
      if (!known) throw InputError("", "weight row \"" + key + "\" is in none of the editions");
    }
    D.step_h = spec.weights.step_h;
    if (D.step_h == 0)
      for (const Columns& c : columns) D.step_h = std::gcd(D.step_h, detail::gcd_of_weights(*c.edition));
    if (D.step_h <= 0) throw InputError("", "the weight grid must be positive");
    D.g_weights = static_cast<int>(D.groups.size());
    D.groups.push_back({InputGroup::Kind::weights, "weights", ""});
  }
  if (!spec.divisor_minimum.values.empty()) {
    if (spec.divisor_minimum.values.size() != spec.divisor_minimum.probabilities.size())
      throw InputError("", "divisor_minimum: one probability per value");
    for (int v : spec.divisor_minimum.values)
      if (v < 1) throw InputError("", "divisor_minimum: every value is at least 1");
    D.divisor_cum = detail::cumulative_q16(spec.divisor_minimum.probabilities, "divisor_minimum");
    D.divisor_stream = random::stream_word(spec.seed, random::key({"divisor_minimum"}));
    D.g_divisor = static_cast<int>(D.groups.size());
    D.groups.push_back({InputGroup::Kind::divisor_minimum, "divisor_minimum", ""});
  }
  if (columns.size() > 1) {
    if (spec.edition_probabilities.size() != columns.size())
      throw InputError("", "editions: one probability per edition");
    D.edition_cum = detail::cumulative_q16(spec.edition_probabilities, "editions");
    D.edition_stream = random::stream_word(spec.seed, random::key({"edition"}));
    D.g_edition = static_cast<int>(D.groups.size());
    D.groups.push_back({InputGroup::Kind::edition, "edition", ""});
  }
  for (const Columns& c : columns) D.eds.push_back(build_edition(c, spec, D.groups, group_of_row, D.step_h));

  // Rank groups (type; type and province), members in region order.
  std::map<std::uint8_t, std::vector<std::uint32_t>> nat;
  std::map<std::pair<std::uint8_t, std::string>, std::vector<std::uint32_t>> prov;
  for (std::size_t r = 0; r < D.regions; ++r) {
    const std::uint8_t t = r < c0.types.size() ? c0.types[r] : 0;
    nat[t].push_back(static_cast<std::uint32_t>(r));
    prov[{t, r < c0.provinces.size() ? c0.provinces[r] : std::string()}].push_back(static_cast<std::uint32_t>(r));
  }
  auto flatten = [](const auto& m, std::vector<std::uint32_t>& off, std::vector<std::uint32_t>& mem, std::size_t& slots) {
    off.push_back(0);
    for (const auto& kv : m) {
      mem.insert(mem.end(), kv.second.begin(), kv.second.end());
      off.push_back(static_cast<std::uint32_t>(mem.size()));
      slots = std::max(slots, kv.second.size() + 1);
    }
  };
  flatten(nat, D.nat_offsets, D.nat_members, D.nat_slots);
  flatten(prov, D.prov_offsets, D.prov_members, D.prov_slots);
  D.spec = std::move(spec);
  D.cols = std::move(columns);
}

UncertaintyModel::~UncertaintyModel() = default;
UncertaintyModel::UncertaintyModel(UncertaintyModel&&) noexcept = default;
UncertaintyModel& UncertaintyModel::operator=(UncertaintyModel&&) noexcept = default;

const UncertaintySpec& UncertaintyModel::spec() const { return d_->spec; }
const Columns& UncertaintyModel::columns(std::size_t edition) const { return d_->cols.at(edition); }
std::size_t UncertaintyModel::regions() const { return d_->regions; }
const std::vector<InputGroup>& UncertaintyModel::groups() const { return d_->groups; }


void UncertaintyModel::evaluate(std::span<const std::uint64_t> counters, std::span<std::int64_t> iid_h,
                                std::span<std::uint8_t> category, UncertaintyScratch& scratch) const {
  const UncertaintyData& D = *d_;
  if (counters.size() != D.groups.size())
    throw std::invalid_argument("evaluate: " + std::to_string(D.groups.size()) + " input groups, " +
                                std::to_string(counters.size()) + " counters");
  if (iid_h.size() != D.regions || category.size() != D.regions)
    throw std::invalid_argument("evaluate: the outputs need one element per region");
  UncertaintyScratch::Impl& s = *scratch.impl_;
  if (s.owner != &D) {
    s.eds.clear();
    for (const EditionData& E : D.eds) s.eds.push_back(*E.edition);
    s.owner = &D;
  }
  std::size_t e = 0;
  if (D.g_edition >= 0)
    e = detail::choose(D.edition_cum, random::bits_of_stream(D.edition_stream, counters[D.g_edition]));
  const EditionData& E = D.eds[e];
  Edition& ed = s.eds[e];
  ed.divisor_minimum = E.edition->divisor_minimum;
  if (D.g_divisor >= 0)
    ed.divisor_minimum = D.spec.divisor_minimum.values[detail::choose(
        D.divisor_cum, random::bits_of_stream(D.divisor_stream, counters[D.g_divisor]))];
  s.w = E.weight_h;
  ed.max_total_h = E.edition->max_total_h;
  if (D.g_weights >= 0) {
    const std::uint64_t c = counters[D.g_weights];
    const auto span = static_cast<std::uint64_t>(2 * D.spec.weights.steps + 1);
    for (std::size_t j = 0; j < E.weight_col.size(); ++j) {
      const auto k = static_cast<std::int64_t>(random::below_of_bits(random::bits_of_stream(E.weight_stream[j], c), span)) -
                     D.spec.weights.steps;
      std::int64_t& w = s.w[E.weight_col[j]];
      w = std::max<std::int64_t>(0, w + k * D.step_h);
    }
    // The maximum total of the drawn weights (Edition's rule), in edition row order.
    s.row_w.resize(ed.rows.size());
    for (std::size_t c = 0; c < E.C; ++c)
      s.row_w[static_cast<std::size_t>(c < E.G ? ed.government_rows[c] : ed.innovation_rows[c - E.G])] = s.w[c];
    ed.max_total_h = E.edition->max_total_of_weights(s.row_w);
  }
  s.acc.assign(E.base.begin(), E.base.end());
  s.pass.resize(E.stream.size());
  for (std::size_t g = 0; g < E.group_span.size(); ++g) {
    const auto& S = E.group_span[g];
    if (S.a0 == S.a1) continue;
    random::detail::fill_bernoulli_streams_unchecked(E.stream.data() + S.a0, counters[g], E.p_q16.data() + S.a0,
                                                     s.pass.data() + S.a0, S.a1 - S.a0);
    for (std::size_t ri = S.r0; ri < S.r1; ++ri) {
      const auto& run = E.runs[ri];
      std::int64_t lost = 0;
      for (std::uint32_t i = run.begin; i < run.end; ++i) lost += s.pass[i] ? 0 : E.lost[i];
      s.acc[run.target] -= lost;
    }
  }
  const std::size_t C = E.C, G = E.G;
  for (std::size_t r = 0; r < D.regions; ++r) {
    const std::int64_t* a = &s.acc[r * C];
    std::int64_t gov = 0, inv = 0;
    for (std::size_t c = 0; c < G; ++c) gov += detail::points_h(s.w[c], a[c]);
    for (std::size_t c = G; c < C; ++c) inv += detail::points_h(s.w[c], a[c]);
    const detail::RegionTotals t = detail::finish_region(ed, gov, inv, E.n[r], E.gate_open[r] != 0, false);
    iid_h[r] = t.iid_h;
    category[r] = static_cast<std::uint8_t>(t.band);
  }
}

void UncertaintyModel::evaluate(std::uint64_t replicate, std::span<std::int64_t> iid_h,
                                std::span<std::uint8_t> category, UncertaintyScratch& scratch) const {
  // Every group at the replicate's counter (a small stack array covers typical studies).
  const std::size_t n = d_->groups.size();
  std::vector<std::uint64_t> counters(n, replicate);
  evaluate(counters, iid_h, category, scratch);
}

void UncertaintyModel::ranks(std::span<const std::int64_t> iid_h, std::span<const std::uint8_t> category,
                             std::span<std::int32_t> national_rank, std::span<std::int32_t> province_rank,
                             UncertaintyScratch& scratch) const {
  const UncertaintyData& D = *d_;
  if (iid_h.size() != D.regions || category.size() != D.regions || national_rank.size() != D.regions ||
      province_rank.size() != D.regions)
    throw std::invalid_argument("ranks: every array needs one element per region");
  auto& order = scratch.impl_->order;
  const auto lowest = static_cast<std::uint8_t>(D.categories - 1);
  auto rank_groups = [&](const std::vector<std::uint32_t>& off, const std::vector<std::uint32_t>& mem,
                         std::span<std::int32_t> out) {
    for (std::size_t g = 0; g + 1 < off.size(); ++g) {
      order.clear();
      for (std::uint32_t i = off[g]; i < off[g + 1]; ++i) {
        const std::uint32_t r = mem[i];
        if (category[r] == lowest) out[r] = 0;
        else order.emplace_back(-iid_h[r], r);
      }
      std::sort(order.begin(), order.end());
      // Competition ranks: 1 + the number of strictly higher IIDs.
      for (std::size_t i = 0; i < order.size(); ++i) {
        const std::size_t first = (i > 0 && order[i].first == order[i - 1].first)
                                      ? static_cast<std::size_t>(out[order[i - 1].second]) - 1
                                      : i;
        out[order[i].second] = static_cast<std::int32_t>(first + 1);
      }
    }
  };
  rank_groups(D.nat_offsets, D.nat_members, national_rank);
  rank_groups(D.prov_offsets, D.prov_members, province_rank);
}

void MonteCarloSummary::merge(const MonteCarloSummary& o) {
  if (o.regions != regions || o.categories != categories || o.national_slots != national_slots ||
      o.province_slots != province_slots)
    throw std::invalid_argument("MonteCarloSummary::merge: summaries of different models");
  replicates += o.replicates;
  for (std::size_t i = 0; i < iid_sum_h.size(); ++i) iid_sum_h[i] += o.iid_sum_h[i];
  auto add = [](std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
    for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
  };
  add(iid_histogram, o.iid_histogram);
  add(category_count, o.category_count);
  add(national_rank_count, o.national_rank_count);
  add(province_rank_count, o.province_rank_count);
}

namespace {
MonteCarloSummary empty_summary(const UncertaintyData& D) {
  MonteCarloSummary s;
  s.regions = D.regions;
  s.categories = D.categories;
  s.national_slots = D.nat_slots;
  s.province_slots = D.prov_slots;
  s.iid_sum_h.assign(D.regions, 0);
  s.iid_histogram.assign(D.regions * detail::kIidBins, 0);
  s.category_count.assign(D.regions * D.categories, 0);
  s.national_rank_count.assign(D.regions * D.nat_slots, 0);
  s.province_rank_count.assign(D.regions * D.prov_slots, 0);
  return s;
}
}  // namespace

MonteCarloSummary run_monte_carlo(const UncertaintyModel& model, const MonteCarloOptions& options) {
  const UncertaintyData& D = *model.d_;
  const std::uint64_t total = D.spec.replicates;
  const std::uint64_t first = options.first;
  const std::uint64_t count = options.count ? options.count : (first < total ? total - first : 0);
  if (count > std::uint64_t{0xFFFFFFFF} || first > ~std::uint64_t{0} - count)
    throw InputError("", "too many replicates for one run (at most 4294967295; split the run into blocks)");
  constexpr std::uint64_t kChunk = 16;
  const std::size_t threads =
      std::max<std::size_t>(1, std::min<std::size_t>(thread_count(options.threads), (count + kChunk - 1) / kChunk));
  std::vector<MonteCarloSummary> sums(threads);
  std::atomic<std::uint64_t> next{0}, done{0};
  std::atomic<bool> stop{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto part = [&](std::size_t t) {
    try {
      MonteCarloSummary S = empty_summary(D);
      UncertaintyScratch scratch;
      auto& x = *scratch.impl_;
      x.iid.resize(D.regions);
      x.cat.resize(D.regions);
      x.nat.resize(D.regions);
      x.prov.resize(D.regions);
      std::vector<std::uint64_t> counters(D.groups.size());
      while (!stop.load(std::memory_order_relaxed)) {
        const std::uint64_t b = next.fetch_add(kChunk);
        if (b >= count) break;
        const std::uint64_t e = std::min(b + kChunk, count);
        for (std::uint64_t i = b; i < e; ++i) {
          std::fill(counters.begin(), counters.end(), first + i);
          model.evaluate(counters, x.iid, x.cat, scratch);
          model.ranks(x.iid, x.cat, x.nat, x.prov, scratch);
          for (std::size_t r = 0; r < D.regions; ++r) {
            const std::int64_t v = x.iid[r];
            if (v < 0 || v >= static_cast<std::int64_t>(detail::kIidBins))
              throw std::logic_error("an IID outside 0–100 (" + std::to_string(v) + " hundredths)");
            S.iid_sum_h[r] += v;
            ++S.iid_histogram[r * detail::kIidBins + static_cast<std::size_t>(v)];
            ++S.category_count[r * D.categories + x.cat[r]];
            ++S.national_rank_count[r * D.nat_slots + static_cast<std::size_t>(x.nat[r])];
            ++S.province_rank_count[r * D.prov_slots + static_cast<std::size_t>(x.prov[r])];
          }
        }
        S.replicates += e - b;
        const std::uint64_t now = done.fetch_add(e - b) + (e - b);
        if (t == 0) {
          if (options.poll) options.poll();
          if (options.progress) options.progress(now);
        }
      }
      // The calling thread keeps answering Ctrl-C and reporting progress until the others finish.
      if (t == 0 && (options.poll || options.progress))
        while (!stop.load() && done.load() < count) {
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
          if (options.poll) options.poll();
          if (options.progress) options.progress(done.load());
        }
      sums[t] = std::move(S);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      stop = true;
    }
  };
  detail::run_parts(threads, detail::PartRef(part));
  if (error) std::rethrow_exception(error);
  MonteCarloSummary out = std::move(sums[0]);
  for (std::size_t t = 1; t < threads; ++t) out.merge(sums[t]);
  return out;
}

void evaluate_many(const UncertaintyModel& model, std::span<const std::uint64_t> counters,
                   std::span<std::int64_t> iid_h, std::span<std::uint8_t> category, int threads) {
  const std::size_t G = model.groups().size(), R = model.regions();
  if (G == 0) throw std::invalid_argument("evaluate_many: the model has no input groups");
  if (counters.size() % G != 0) throw std::invalid_argument("evaluate_many: counters are not samples × groups");
  const std::size_t n = counters.size() / G;
  if (iid_h.size() != n * R || category.size() != n * R)
    throw std::invalid_argument("evaluate_many: the outputs need samples × regions elements");
  const std::size_t T = std::max<std::size_t>(1, std::min<std::size_t>(thread_count(threads), n));
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto part = [&](std::size_t) {
    try {
      UncertaintyScratch scratch;
      for (std::size_t i; (i = next.fetch_add(1)) < n;)
        model.evaluate(counters.subspan(i * G, G), iid_h.subspan(i * R, R), category.subspan(i * R, R), scratch);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      next = n;
    }
  };
  detail::run_parts(T, detail::PartRef(part));
  if (error) std::rethrow_exception(error);
}

std::int64_t histogram_quantile(std::span<const std::uint32_t> h, std::uint32_t q_ppm) {
  std::uint64_t total = 0;
  for (std::uint32_t x : h) total += x;
  if (total == 0) return -1;
  // k = ceil(q × total), at least 1, in integers.
  __extension__ typedef unsigned __int128 u128;
  std::uint64_t k = static_cast<std::uint64_t>((static_cast<u128>(q_ppm) * total + 999999) / 1000000);
  k = std::clamp<std::uint64_t>(k, 1, total);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < h.size(); ++i) {
    seen += h[i];
    if (seen >= k) return static_cast<std::int64_t>(i);
  }
  return static_cast<std::int64_t>(h.size()) - 1;
}

RegionUncertainty summarise(const MonteCarloSummary& s, std::size_t r) {
  if (r >= s.regions) throw std::out_of_range("summarise: no region " + std::to_string(r));
  RegionUncertainty u;
  const double R = static_cast<double>(s.replicates);
  if (s.replicates == 0) return u;
  u.iid_mean = static_cast<double>(s.iid_sum_h[r]) / R / 100.0;
  const std::span<const std::uint32_t> h(&s.iid_histogram[r * detail::kIidBins], detail::kIidBins);
  u.iid_q05_h = histogram_quantile(h, 50000);
  u.iid_q50_h = histogram_quantile(h, 500000);
  u.iid_q95_h = histogram_quantile(h, 950000);
  for (std::size_t c = 0; c < s.categories; ++c) u.category_probability.push_back(s.category_count[r * s.categories + c] / R);
  u.unranked_probability = s.national_rank_count[r * s.national_slots] / R;
  auto rank_q = [&](const std::vector<std::uint32_t>& counts, std::size_t slots, std::uint32_t q) -> std::int32_t {
    const std::span<const std::uint32_t> ranked(&counts[r * slots + 1], slots - 1);
    const std::int64_t v = histogram_quantile(ranked, q);
    return v < 0 ? 0 : static_cast<std::int32_t>(v + 1);
  };
  u.national_rank_q05 = rank_q(s.national_rank_count, s.national_slots, 50000);
  u.national_rank_q50 = rank_q(s.national_rank_count, s.national_slots, 500000);
  u.national_rank_q95 = rank_q(s.national_rank_count, s.national_slots, 950000);
  u.province_rank_q05 = rank_q(s.province_rank_count, s.province_slots, 50000);
  u.province_rank_q50 = rank_q(s.province_rank_count, s.province_slots, 500000);
  u.province_rank_q95 = rank_q(s.province_rank_count, s.province_slots, 950000);
  return u;
}

}  // namespace inovasi
