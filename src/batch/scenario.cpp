#include "inovasi/scenario.hpp"
#include "inovasi/validate.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <numeric>

#include "batch/kernel.hpp"
#include "batch/pool.hpp"
#include "scoring/rules.hpp"

namespace inovasi {

namespace {

constexpr Policy kPolicies[] = {Policy::self_assessed, Policy::supported, Policy::strict, Policy::assessor};

std::string change_ptr(const char* list, std::size_t i, const char* field) {
  return std::string("/") + list + "/" + std::to_string(i) + (field[0] ? "/" : "") + field;
}

RegionResult result_at(const BatchResult& b, std::size_t r) {
  return {b.iid_h[r], b.category[r], b.government_h[r], b.innovation_sum_h[r], b.count_h[r], b.counted[r],
          b.divisor[r]};
}

void put(BatchResult& b, std::size_t r, const RegionResult& x) {
  b.iid_h[r] = x.iid_h;
  b.category[r] = x.category;
  b.government_h[r] = x.government_h;
  b.innovation_sum_h[r] = x.innovation_sum_h;
  b.count_h[r] = x.count_h;
  b.counted[r] = x.counted;
  b.divisor[r] = x.divisor;
}

// `to` holds `n` bytes of `from` from `at` on (growing only: no allocation once it is large enough).
void load(std::vector<std::uint8_t>& to, const std::vector<std::uint8_t>& from, std::size_t at, std::size_t n) {
  if (to.size() < n) to.resize(n);
  if (n) std::copy_n(from.data() + at, n, to.data());
}

}  // namespace

// The workspace's private part: its own copy of the kernel plan, made on first use.
struct Workspace::Impl {
  detail::KernelPlanPtr plan;
};
Workspace::Workspace() = default;
Workspace::~Workspace() = default;
Workspace::Workspace(Workspace&&) noexcept = default;
Workspace& Workspace::operator=(Workspace&&) noexcept = default;

ScenarioBase::ScenarioBase(const std::vector<Submission>& submissions) : cols_(to_policy_columns(submissions)) {
  for (const auto& s : submissions)
    for (const auto& inv : s.innovations) {
      ids_.push_back(inv.id);
      // The status as given: an ineligible rejected innovation is stored as not counted, and a
      // switch that turns it on must find it rejected still.
      rejected_.push_back(inv.status == Status::rejected ? 1 : 0);
    }
  finish();
}

namespace {
std::vector<Submission> rebound(const std::vector<Submission>& submissions, const EditionPtr& edition) {
  std::vector<Submission> out;
  out.reserve(submissions.size());
  for (std::size_t i = 0; i < submissions.size(); ++i) {
    try {
      out.push_back(rebind(submissions[i], edition));
    } catch (const InputError& e) {
      throw InputError(e.pointer(), e.message() + " (record " + std::to_string(i) + ", region " +
                                        submissions[i].region.code + ")");
    }
  }
  return out;
}
}  // namespace

ScenarioBase::ScenarioBase(const std::vector<Submission>& submissions, EditionPtr edition)
    : ScenarioBase(rebound(submissions, edition)) {}

ScenarioBase::ScenarioBase(Columns policy_columns, std::vector<std::string> innovation_ids)
    : cols_(std::move(policy_columns)), ids_(std::move(innovation_ids)) {
  if (!cols_.edition) throw InputError("/edition", "no edition given");
  // Columns v2 carry their ids: given none, the base names innovations by them.
  if (ids_.empty() && cols_.innovation_ids.size() == cols_.innovations) ids_ = cols_.innovation_ids;
  if (!ids_.empty() && ids_.size() != cols_.innovations)
    throw InputError("/innovation_ids", std::to_string(ids_.size()) + " innovation ids for " +
                                            std::to_string(cols_.innovations) + " innovations");
  if (!cols_.policy_caps)
    throw InputError("/policy", "a scenario base needs policy columns (to_policy_columns): these carry no evidence caps");
  const std::size_t G = cols_.edition->government_rows.size(), K = cols_.edition->innovation_rows.size();
  auto shape = [](std::size_t have, std::size_t want, const char* name) {
    if (have != want)
      throw InputError(std::string("/") + name, std::string(name) + " has " + std::to_string(have) +
                                                    " entries, not " + std::to_string(want));
  };
  shape(cols_.region_offsets.size(), cols_.regions + 1, "region_offsets");
  shape(cols_.government_levels.size(), cols_.regions * G, "government_levels");
  shape(cols_.innovation_levels.size(), cols_.innovations * K, "innovation_levels");
  shape(cols_.status.size(), cols_.innovations, "status");
  if (!cols_.affairs.empty()) shape(cols_.affairs.size(), cols_.innovations, "affairs");
  shape(cols_.codes.size(), cols_.regions, "codes");
  inovasi::validate(cols_.view());  // offsets, before anything reads by them
  if (cols_.government_supported_cap.size() != cols_.regions * G ||
      cols_.government_assessor_cap.size() != cols_.regions * G ||
      cols_.innovation_supported_cap.size() != cols_.innovations * K ||
      cols_.innovation_assessor_cap.size() != cols_.innovations * K)
    throw InputError("/policy", "the evidence caps do not have the shapes of the level matrices");
  finish();
}

namespace {
std::atomic<std::uint64_t> next_base_id{1};
}  // namespace

void ScenarioBase::finish() {
  id_ = next_base_id.fetch_add(1);
  // The shapes, offsets and codes are validated here once; the caps are levels like any other.
  const Edition& ed = *cols_.edition;
  for (Policy p : kPolicies) nominal_[static_cast<int>(p)] = score_batch(cols_.view(p), 1);
  for (std::size_t r = 0; r < cols_.regions; ++r) max_region_ = std::max(max_region_, innovations_of(r));
  plan_ = detail::make_kernel_plan(ed);
  for (std::size_t r = 0; r < cols_.codes.size(); ++r) by_code_.emplace_back(cols_.codes[r], r);
  std::sort(by_code_.begin(), by_code_.end());
  for (std::size_t i = 1; i < by_code_.size(); ++i)
    if (by_code_[i].first == by_code_[i - 1].first)
      throw InputError("/codes/" + std::to_string(by_code_[i].second),
                       "region code " + by_code_[i].first + " appears twice: a scenario names each region once");
}

ScenarioBase::~ScenarioBase() = default;

bool ScenarioBase::rejected(std::size_t j) const {
  return rejected_.empty() ? cols_.status[j] == kRejected : rejected_[j] != 0;
}

std::size_t ScenarioBase::innovations_of(std::size_t region) const {
  return static_cast<std::size_t>(cols_.region_offsets[region + 1] - cols_.region_offsets[region]);
}

RegionResult ScenarioBase::nominal(std::size_t region, Policy policy) const {
  return result_at(nominal(policy), region);
}

std::size_t ScenarioBase::region_index(const std::string& code) const {
  auto it = std::lower_bound(by_code_.begin(), by_code_.end(), std::make_pair(code, std::size_t{0}));
  if (it == by_code_.end() || it->first != code) throw InputError("", "no region with code \"" + code + "\" in the data");
  return it->second;
}

std::string ScenarioBase::innovation_id(std::size_t region, std::size_t j) const {
  if (ids_.empty() || region >= cols_.regions || j >= innovations_of(region)) return "";
  return ids_[static_cast<std::size_t>(cols_.region_offsets[region]) + j];
}

std::size_t ScenarioBase::innovation_index(std::size_t region, const std::string& id) const {
  if (ids_.empty()) throw InputError("", "the data carries no innovation ids: name innovations by index");
  const auto a = static_cast<std::size_t>(cols_.region_offsets[region]);
  for (std::size_t j = 0; j < innovations_of(region); ++j)
    if (ids_[a + j] == id) return j;
  throw InputError("", "region " + cols_.codes[region] + " has no innovation \"" + id + "\"");
}

namespace {
std::size_t column_of(const Edition& ed, const std::vector<int>& rows, const std::string& key, const char* aspect) {
  for (std::size_t k = 0; k < rows.size(); ++k)
    if (ed.rows[rows[k]].key == key) return k;
  throw InputError("", "\"" + key + "\" is not " + aspect + " row of " + ed.name);
}
}  // namespace

std::size_t ScenarioBase::government_column(const std::string& key) const {
  return column_of(edition(), edition().government_rows, key, "a government");
}
std::size_t ScenarioBase::innovation_column(const std::string& key) const {
  return column_of(edition(), edition().innovation_rows, key, "an innovation");
}

void ScenarioBase::validate(const Scenario& sc) const {
  // Messages (and their pointers) are built only for a change that fails: a national scenario
  // of many changes is checked in a few nanoseconds a change.
  const Edition& ed = edition();
  const std::size_t G = ed.government_rows.size(), K = ed.innovation_rows.size();
  auto region_ok = [&](std::size_t r) { return r < cols_.regions; };
  auto level_ok = [&](int level) { return level >= ed.level_min && level <= ed.level_max; };
  auto bad_region = [&](std::size_t r, const std::string& ptr) {
    return InputError(ptr, "region " + std::to_string(r) + " is out of range (the data has " +
                               std::to_string(cols_.regions) + ")");
  };
  auto bad_level = [&](int level, const std::string& ptr) {
    return InputError(ptr, std::to_string(level) + " is out of range " + std::to_string(ed.level_min) + ".." +
                               std::to_string(ed.level_max) + " (" + ed.name + ")");
  };
  for (std::size_t i = 0; i < sc.levels.size(); ++i) {
    const LevelChange& c = sc.levels[i];
    if (!region_ok(c.region)) throw bad_region(c.region, change_ptr("levels", i, "region"));
    if (c.innovation < -1 || (c.innovation >= 0 && static_cast<std::size_t>(c.innovation) >= innovations_of(c.region)))
      throw InputError(change_ptr("levels", i, "innovation"),
                       "innovation " + std::to_string(c.innovation) + " is out of range (region " +
                           cols_.codes[c.region] + " has " + std::to_string(innovations_of(c.region)) + ")");
    if (c.column >= (c.innovation < 0 ? G : K))
      throw InputError(change_ptr("levels", i, "column"), "column " + std::to_string(c.column) + " is out of range");
    if (!level_ok(c.level)) throw bad_level(c.level, change_ptr("levels", i, "level"));
  }
  for (std::size_t i = 0; i < sc.switches.size(); ++i) {
    const InnovationSwitch& s = sc.switches[i];
    if (!region_ok(s.region)) throw bad_region(s.region, change_ptr("switches", i, "region"));
    if (s.innovation >= innovations_of(s.region))
      throw InputError(change_ptr("switches", i, "innovation"),
                       "innovation " + std::to_string(s.innovation) + " is out of range");
  }
  const std::uint64_t gate_bits =
      !ed.gate ? 0 : ed.gate->affairs.size() >= 64 ? ~0ull : (1ull << ed.gate->affairs.size()) - 1;
  for (std::size_t i = 0; i < sc.added.size(); ++i) {
    const AddedInnovation& a = sc.added[i];
    if (!region_ok(a.region)) throw bad_region(a.region, change_ptr("added", i, "region"));
    if (a.levels.size() != K)
      throw InputError(change_ptr("added", i, "levels"),
                       std::to_string(a.levels.size()) + " levels given; " + ed.name + " has " + std::to_string(K) +
                           " innovation rows");
    for (std::size_t k = 0; k < K; ++k)
      if (!level_ok(a.levels[k])) throw bad_level(a.levels[k], change_ptr("added", i, "levels") + "/" + std::to_string(k));
    for (const auto* caps : {&a.supported_cap, &a.assessor_cap}) {
      const char* name = caps == &a.supported_cap ? "supported_cap" : "assessor_cap";
      if (!caps->empty() && caps->size() != K)
        throw InputError(change_ptr("added", i, name), "give one cap per innovation row (" + std::to_string(K) + ") or none");
      for (std::size_t k = 0; k < caps->size(); ++k)
        if (!level_ok((*caps)[k])) throw bad_level((*caps)[k], change_ptr("added", i, name) + "/" + std::to_string(k));
    }
    if (a.affairs & ~gate_bits)
      throw InputError(change_ptr("added", i, "affairs"), "sets a bit beyond the edition's gate affairs");
  }
}

// Copies region `region` into the workspace under `policy`'s caps, with room for `extra`
// innovations; returns its innovation count.
// A level change written into a loaded region: the claim, and with evidence, the caps.
void ScenarioBase::apply_change(const LevelChange& c, std::size_t K, Workspace& ws) {
  const auto v = static_cast<std::uint8_t>(c.level);
  const std::size_t at = c.innovation < 0 ? c.column : static_cast<std::size_t>(c.innovation) * K + c.column;
  auto& levels = c.innovation < 0 ? ws.gov : ws.inv;
  auto& caps = c.innovation < 0 ? ws.gov_cap : ws.inv_cap;
  levels[at] = v;
  if (c.evidenced) caps[at] = std::max(caps[at], v);
}

std::size_t ScenarioBase::load_region(std::size_t region, Policy policy, std::size_t extra, Workspace& ws) const {
  const Edition& ed = edition();
  const std::size_t G = ed.government_rows.size(), K = ed.innovation_rows.size();
  const auto a = static_cast<std::size_t>(cols_.region_offsets[region]);
  const std::size_t n = innovations_of(region);
  const bool assessor = policy == Policy::assessor;
  // The government rows are read 32 bytes at a time too.
  if (ws.gov.size() < G + 32) ws.gov.resize(G + 32);
  if (ws.gov_cap.size() < G + 32) ws.gov_cap.resize(G + 32);
  load(ws.gov, cols_.government_levels, region * G, G);
  load(ws.gov_cap, assessor ? cols_.government_assessor_cap : cols_.government_supported_cap, region * G, G);
  // Room for the added innovations, plus 32 bytes: the kernel's full-width loads stay inside.
  const std::size_t bytes = (n + extra) * K + 32;
  if (ws.inv.size() < bytes) ws.inv.resize(bytes);
  if (ws.inv_cap.size() < bytes) ws.inv_cap.resize(bytes);
  const auto& caps = assessor ? cols_.innovation_assessor_cap : cols_.innovation_supported_cap;
  std::copy_n(cols_.innovation_levels.data() + a * K, n * K, ws.inv.data());
  std::copy_n(caps.data() + a * K, n * K, ws.inv_cap.data());
  load(ws.status, cols_.status, a, n);
  if (ws.status.size() < n + extra + 32) ws.status.resize(n + extra + 32);
  if (ws.affairs.size() < n + extra) ws.affairs.resize(n + extra);
  if (cols_.affairs.empty())
    std::fill_n(ws.affairs.data(), n, 0);
  else
    std::copy_n(cols_.affairs.data() + a, n, ws.affairs.data());
  return n;
}

RegionResult ScenarioBase::score_prepared(std::size_t n, Policy policy, Workspace& ws) const {
  if (!ws.impl_) ws.impl_ = std::make_unique<Workspace::Impl>();
  if (!ws.impl_->plan || ws.base_ != id_) {
    ws.impl_->plan = detail::copy_kernel_plan(*plan_);
    ws.base_ = id_;
  }
  const std::int64_t offsets[2] = {0, static_cast<std::int64_t>(n)};
  ColumnsView v;
  v.edition = cols_.edition.get();
  v.regions = 1;
  v.innovations = n;
  v.government_levels = ws.gov.data();
  v.innovation_levels = ws.inv.data();
  v.region_offsets = offsets;
  v.status = ws.status.data();
  v.affairs = ws.affairs.data();
  if (policy != Policy::self_assessed) {
    v.government_caps = ws.gov_cap.data();
    v.innovation_caps = ws.inv_cap.data();
    v.cap_rule = detail::cap_rule_of(policy);
  }
  RegionResult res;
  BatchOutputView out{&res.iid_h,   &res.category, &res.government_h, &res.innovation_sum_h,
                      &res.counted, &res.divisor,  &res.count_h};
  detail::score_regions(*ws.impl_->plan, v, out, 0, 1);
  return res;
}

RegionResult ScenarioBase::rescore(std::size_t region, const LevelChange* changes, std::size_t count, Policy policy,
                                   Workspace& ws) const {
  const std::size_t K = edition().innovation_rows.size();
  if (region >= cols_.regions)
    throw InputError("", "region " + std::to_string(region) + " is out of range (the data has " +
                             std::to_string(cols_.regions) + ")");
  const std::size_t n = load_region(region, policy, 0, ws);
  const Edition& ed = edition();
  for (std::size_t i = 0; i < count; ++i) {
    const LevelChange& c = changes[i];
    if (c.region != region) continue;
    // The checks of validate(), for the few changes of this call.
    if (c.innovation < -1 || (c.innovation >= 0 && static_cast<std::size_t>(c.innovation) >= n) ||
        c.column >= (c.innovation < 0 ? ed.government_rows.size() : K) || c.level < ed.level_min ||
        c.level > ed.level_max) {
      Scenario one;
      one.levels.push_back(c);
      validate(one);
    }
    apply_change(c, K, ws);
  }
  return score_prepared(n, policy, ws);
}

RegionResult ScenarioBase::score_region(const Scenario& sc, std::size_t region, Workspace& ws) const {
  validate(sc);
  if (region >= cols_.regions) throw InputError("", "region " + std::to_string(region) + " is out of range");
  return score_region_checked(sc, region, ws);
}

RegionResult ScenarioBase::score_region_checked(const Scenario& sc, std::size_t region, Workspace& ws) const {
  const Edition& ed = edition();
  const std::size_t K = ed.innovation_rows.size();
  std::size_t extra = 0;
  for (const auto& a : sc.added) extra += a.region == region;
  std::size_t n = load_region(region, sc.policy, extra, ws);
  const auto first = static_cast<std::size_t>(cols_.region_offsets[region]);
  for (const auto& s : sc.switches) {
    if (s.region != region) continue;
    // Switched on, an innovation counts as what the data says it is (a rejected one stays
    // rejected); a draft or an ineligible one counts as submitted.
    ws.status[s.innovation] = !s.enabled ? kNotCounted : rejected(first + s.innovation) ? kRejected : kSubmitted;
  }
  for (const auto& c : sc.levels)
    if (c.region == region) apply_change(c, K, ws);
  for (const auto& a : sc.added) {
    if (a.region != region) continue;
    // With no verdicts of its own, an added innovation's assessor cap is its supported cap.
    const auto& caps = sc.policy == Policy::assessor && !a.assessor_cap.empty() ? a.assessor_cap : a.supported_cap;
    for (std::size_t k = 0; k < K; ++k) {
      ws.inv[n * K + k] = a.levels[k];
      ws.inv_cap[n * K + k] = caps.empty() ? static_cast<std::uint8_t>(ed.level_max) : caps[k];
    }
    ws.status[n] = a.rejected ? kRejected : kSubmitted;
    ws.affairs[n] = a.affairs;
    ++n;
  }
  return score_prepared(n, sc.policy, ws);
}

BatchResult ScenarioBase::score_dense(const Scenario& sc, int threads) const {
  const std::size_t K = edition().innovation_rows.size(), G = edition().government_rows.size();
  // Each thread keeps one copy of the level and status columns of the base it last scored, and
  // writes a scenario's changes into it, to be undone after the pass: a copy per call would
  // cost twice the kernel's own pass over the columns (it writes as many bytes as that reads).
  struct Scratch {
    std::uint64_t base = 0;
    std::vector<std::uint8_t> gov, inv, status;
    std::vector<std::pair<std::uint8_t*, std::uint8_t>> undo;
  };
  thread_local Scratch t;
  if (t.base != id_) {
    t.base = 0;
    t.gov = cols_.government_levels;
    t.inv = cols_.innovation_levels;
    t.status = cols_.status;
    t.base = id_;
  }
  t.undo.clear();
  auto write = [&](std::uint8_t& at, std::uint8_t v) {
    t.undo.emplace_back(&at, at);
    at = v;
  };
  struct Restore {
    Scratch& t;
    ~Restore() {
      for (auto it = t.undo.rbegin(); it != t.undo.rend(); ++it) *it->first = it->second;
    }
  } restore{t};
  for (const auto& s : sc.switches) {
    const std::size_t j = static_cast<std::size_t>(cols_.region_offsets[s.region]) + s.innovation;
    write(t.status[j], !s.enabled ? kNotCounted : rejected(j) ? kRejected : kSubmitted);
  }
  for (const auto& c : sc.levels) {
    const auto v = static_cast<std::uint8_t>(c.level);
    if (c.innovation < 0)
      write(t.gov[c.region * G + c.column], v);
    else
      write(t.inv[(static_cast<std::size_t>(cols_.region_offsets[c.region]) + static_cast<std::size_t>(c.innovation)) *
                      K +
                  c.column],
            v);
  }
  ColumnsView v = cols_.view(sc.policy);
  v.government_levels = t.gov.data();
  v.innovation_levels = t.inv.data();
  v.status = t.status.data();
  return score_batch(v, threads);
}

BatchResult ScenarioBase::score(const Scenario& sc, int threads) const {
  validate(sc);
  std::vector<std::size_t> touched;
  touched.reserve(sc.levels.size() + sc.switches.size() + sc.added.size());
  for (const auto& c : sc.levels) touched.push_back(c.region);
  for (const auto& s : sc.switches) touched.push_back(s.region);
  for (const auto& a : sc.added) touched.push_back(a.region);
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  if (touched.empty()) return nominal(sc.policy);
  // A scenario that touches many regions costs about one batch pass this way: the level and
  // status columns copied, the changes written in, the kernel over them all (the caps do not
  // change). Few regions are rescored one by one instead.
  // (Evidenced changes raise caps, which the dense path keeps as they are: those scenarios take
  // the region-by-region path.)
  const bool evidenced = std::any_of(sc.levels.begin(), sc.levels.end(), [](const LevelChange& c) { return c.evidenced; });
  if (sc.added.empty() && !evidenced && touched.size() * 8 >= cols_.regions) return score_dense(sc, threads);
  BatchResult res = nominal(sc.policy);
  // A copy of the scenario whose changes are grouped by region, so each region reads its own.
  Scenario grouped = sc;
  auto by_region = [](const auto& x, const auto& y) { return x.region < y.region; };
  std::stable_sort(grouped.levels.begin(), grouped.levels.end(), by_region);
  std::stable_sort(grouped.switches.begin(), grouped.switches.end(), by_region);
  std::stable_sort(grouped.added.begin(), grouped.added.end(), by_region);
  const std::size_t T =
      std::max<std::size_t>(1, std::min<std::size_t>(touched.size(), thread_count(threads)));
  std::vector<std::exception_ptr> errors(T);
  auto part = [&](std::size_t t) {
    try {
      Workspace ws;
      Scenario one;
      one.policy = sc.policy;
      std::size_t li = 0, si = 0, ai = 0;
      for (std::size_t i = t; i < touched.size(); i += T) {
        const std::size_t r = touched[i];
        // The slices of each list that name region r.
        auto slice = [r, by_region](const auto& list, std::size_t& from, auto& to) {
          using Item = typename std::decay_t<decltype(list)>::value_type;
          Item key{};
          key.region = r;
          auto lo = std::lower_bound(list.begin(), list.end(), key, by_region);
          auto hi = std::upper_bound(lo, list.end(), key, by_region);
          to.assign(lo, hi);
          from = static_cast<std::size_t>(hi - list.begin());
        };
        slice(grouped.levels, li, one.levels);
        slice(grouped.switches, si, one.switches);
        slice(grouped.added, ai, one.added);
        put(res, r, score_region_checked(one, r, ws));
      }
    } catch (...) {
      errors[t] = std::current_exception();
    }
  };
  detail::run_parts(T, part);
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  return res;
}

}  // namespace inovasi
