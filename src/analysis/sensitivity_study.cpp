// Sensitivity studies of the IID model (include/inovasi/sensitivity.hpp): the Saltelli design's
// evaluations through UncertaintyModel::evaluate (one counter per input group), the chosen
// output read off each, then the estimators; and leave-one-row-out through the batch engine
// with reweighted editions. No rule of the arithmetic here: the model, score_batch and the
// model's ranks do all of it.
#include <algorithm>
#include <cmath>
#include <exception>
#include <stdexcept>
#include <string>

#include "batch/pool.hpp"
#include "inovasi/batch.hpp"
#include "inovasi/edition.hpp"
#include "inovasi/sensitivity.hpp"
#include "inovasi/uncertainty.hpp"

namespace inovasi {

namespace {

// Evaluations per thread between two polls: a block of the national dataset takes well under a
// second, so Ctrl-C and progress stay responsive.
constexpr std::size_t kPerThreadBlock = 16;

// Per-thread buffers of one evaluation.
struct Lane {
  UncertaintyScratch scratch;
  std::vector<std::uint64_t> counters;
  std::vector<std::int64_t> iid;
  std::vector<std::uint8_t> category;
  std::vector<std::int32_t> national, province;
  std::vector<std::size_t> peers;
};

struct Peers {
  std::vector<std::uint8_t> type;
  std::vector<std::size_t> province;  // index of the region's province name
  std::size_t types = 0, provinces = 0;
};

Peers peers_of(const Columns& c) {
  Peers p;
  p.type = c.types;
  std::vector<std::string> names;
  for (const std::string& prov : c.provinces) {
    auto it = std::find(names.begin(), names.end(), prov);
    p.province.push_back(static_cast<std::size_t>(it - names.begin()));
    if (it == names.end()) names.push_back(prov);
  }
  p.provinces = names.size();
  for (std::uint8_t t : p.type) p.types = std::max<std::size_t>(p.types, std::size_t(t) + 1);
  return p;
}

// A rank, or one below the last ranked peer when unranked (rank 0).
double rank_or_last(std::int32_t rank, std::size_t ranked_peers) {
  return rank > 0 ? double(rank) : double(ranked_peers + 1);
}

std::vector<std::size_t> ranked_per(const std::vector<std::int32_t>& rank, const std::vector<std::size_t>& group,
                                    std::size_t groups) {
  std::vector<std::size_t> n(groups, 0);
  for (std::size_t r = 0; r < rank.size(); ++r)
    if (rank[r] > 0) ++n[group[r]];
  return n;
}

double mean_abs_shift(const std::vector<std::int32_t>& rank, const std::vector<std::int32_t>& nominal,
                      const Peers& peers, std::int32_t* max_shift, std::size_t* moved) {
  std::vector<std::size_t> type_group(peers.type.begin(), peers.type.end());
  const std::vector<std::size_t> ranked = ranked_per(rank, type_group, peers.types);
  double sum = 0;
  std::size_t n = 0;
  std::int32_t mx = 0;
  std::size_t mv = 0;
  for (std::size_t r = 0; r < rank.size(); ++r) {
    if (nominal[r] <= 0) continue;
    const double s = std::abs(rank_or_last(rank[r], ranked[peers.type[r]]) - nominal[r]);
    sum += s;
    ++n;
    mx = std::max(mx, static_cast<std::int32_t>(s));
    mv += s > 0;
  }
  if (max_shift) *max_shift = mx;
  if (moved) *moved = mv;
  return n ? sum / double(n) : 0.0;
}

}  // namespace

void nominal_ranks(const UncertaintyModel& model, std::span<std::int32_t> national_rank,
                   std::span<std::int32_t> province_rank, int threads) {
  const Columns& c = model.columns(0);
  const BatchResult res = score_batch(c.view(model.spec().policy), threads);
  UncertaintyScratch s;
  model.ranks(res.iid_h, res.category, national_rank, province_rank, s);
}

SensitivityStudy run_sensitivity(const UncertaintyModel& model, const SensitivityOutput& output,
                                 const SensitivityOptions& options) {
  check_sample_count(options.samples);
  const std::size_t R = model.regions(), D = model.groups().size();
  if (D == 0) throw std::invalid_argument("the uncertainty model has no input group that varies");
  using K = SensitivityOutput::Kind;
  if (output.kind != K::rank_shift && output.region >= R)
    throw std::invalid_argument("region index " + std::to_string(output.region) + " is not below " + std::to_string(R));
  const Columns& cols = model.columns(0);
  if (output.kind == K::province_rank && cols.types[output.region] == static_cast<std::uint8_t>(RegionType::province))
    throw std::invalid_argument("region " + cols.codes[output.region] +
                                " is a province: it has no rank within a province (use its national rank)");
  const Peers peers = peers_of(cols);
  std::vector<std::int32_t> nominal(R), nominal_province(R);
  if (output.kind == K::rank_shift) nominal_ranks(model, nominal, nominal_province, options.threads);
  const bool needs_ranks = output.kind != K::iid;

  SensitivityStudy study;
  for (const InputGroup& g : model.groups()) study.groups.push_back(g.name);
  const std::size_t total = options.samples * (D + 2);
  study.outputs.assign(total, 0.0);
  const std::size_t T = thread_count(options.threads);
  std::vector<Lane> lanes(T);
  for (Lane& l : lanes) {
    l.counters.resize(D);
    l.iid.resize(R);
    l.category.resize(R);
    if (needs_ranks) {
      l.national.resize(R);
      l.province.resize(R);
    }
  }
  std::vector<std::exception_ptr> errors(T);
  const std::size_t block = kPerThreadBlock * T;
  for (std::size_t e0 = 0; e0 < total; e0 += block) {
    if (options.poll) options.poll();
    const std::size_t e1 = std::min(total, e0 + block);
    auto part = [&](std::size_t p) {
      try {
        Lane& l = lanes[p];
        for (std::size_t e = e0 + p; e < e1; e += T) {
          saltelli_counters(D, e, l.counters);
          model.evaluate(l.counters, l.iid, l.category, l.scratch);
          double y = 0;
          switch (output.kind) {
            case K::iid:
              y = double(l.iid[output.region]) / 100.0;
              break;
            case K::national_rank:
            case K::province_rank: {
              model.ranks(l.iid, l.category, l.national, l.province, l.scratch);
              const std::size_t r = output.region;
              std::size_t ranked = 0;
              if (output.kind == K::national_rank) {
                for (std::size_t q = 0; q < R; ++q) ranked += l.national[q] > 0 && peers.type[q] == peers.type[r];
                y = rank_or_last(l.national[r], ranked);
              } else {
                for (std::size_t q = 0; q < R; ++q) ranked += l.province[q] > 0 && peers.province[q] == peers.province[r];
                y = rank_or_last(l.province[r], ranked);
              }
              break;
            }
            case K::rank_shift:
              model.ranks(l.iid, l.category, l.national, l.province, l.scratch);
              y = mean_abs_shift(l.national, nominal, peers, nullptr, nullptr);
              break;
          }
          study.outputs[e] = y;
        }
      } catch (...) {
        errors[p] = std::current_exception();
      }
    };
    detail::run_parts(T, detail::PartRef(part));
    for (auto& err : errors)
      if (err) std::rethrow_exception(err);
    if (options.progress) options.progress(e1);
  }
  SobolOptions bo = options.bootstrap;
  bo.seed = model.spec().seed;
  study.indices = sobol_indices(study.outputs, D, bo);
  return study;
}

std::vector<RowImpact> leave_one_row_out(const UncertaintyModel& model, int threads,
                                         const std::function<void(std::size_t)>& progress) {
  const Columns& c = model.columns(0);
  const Edition& ed = *c.edition;
  const std::size_t R = model.regions();
  const Peers peers = peers_of(c);
  std::vector<std::int32_t> nominal(R), nominal_province(R), rank(R), province(R);
  const Policy policy = model.spec().policy;
  const BatchResult base = score_batch(c.view(policy), threads);
  UncertaintyScratch s;
  model.ranks(base.iid_h, base.category, nominal, nominal_province, s);
  std::vector<RowImpact> out;
  for (const Row& row : ed.rows) {
    const EditionPtr dropped = reweighted(ed, {{row.key, 0}});
    ColumnsView v = c.view(policy);
    v.edition = dropped.get();
    const BatchResult res = score_batch(v, threads);
    model.ranks(res.iid_h, res.category, rank, province, s);
    RowImpact ri;
    ri.row_key = row.key;
    ri.mean_abs_rank_shift = mean_abs_shift(rank, nominal, peers, &ri.max_abs_rank_shift, &ri.regions_moved);
    double change = 0;
    for (std::size_t r = 0; r < R; ++r) change += double(res.iid_h[r] - base.iid_h[r]);
    ri.mean_iid_change = R ? change / double(R) / 100.0 : 0.0;
    out.push_back(std::move(ri));
    if (progress) progress(out.size());
  }
  return out;
}

}  // namespace inovasi
