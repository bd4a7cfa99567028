// The cheapest path (docs/plan.md). Reported, never asserted.
//   BM_PlanRegion/<policy>  one iid-2026 region of 100 innovations at random levels (random
//                           evidence caps), every row changeable at cost 1 per step, up to 50
//                           new innovations at the top level covering every basic-service affair,
//                           target: the top category. The target is <= 100 ms.
#include <benchmark/benchmark.h>

#include <random>

#include "inovasi/plan.hpp"

using namespace inovasi;

namespace {

ScenarioBase region_of_100(std::uint64_t seed) {
  EditionPtr ed = builtin_edition("iid-2026");
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> level(ed->level_min, ed->level_max);
  const std::size_t G = ed->government_rows.size(), K = ed->innovation_rows.size(), n = 100;
  Columns c;
  c.edition = ed;
  c.regions = 1;
  c.innovations = n;
  c.region_offsets = {0, static_cast<std::int64_t>(n)};
  for (std::size_t g = 0; g < G; ++g) {
    c.government_levels.push_back(static_cast<std::uint8_t>(level(rng)));
    c.government_supported_cap.push_back(static_cast<std::uint8_t>(level(rng)));
    c.government_assessor_cap.push_back(static_cast<std::uint8_t>(level(rng)));
  }
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t k = 0; k < K; ++k) {
      c.innovation_levels.push_back(static_cast<std::uint8_t>(level(rng)));
      c.innovation_supported_cap.push_back(static_cast<std::uint8_t>(level(rng)));
      c.innovation_assessor_cap.push_back(static_cast<std::uint8_t>(level(rng)));
    }
    c.status.push_back(kSubmitted);
    c.affairs.push_back(rng() & 1);  // at most one basic-service affair covered
  }
  c.codes = {"64.03"};
  c.names = {"Berau"};
  c.provinces = {"Kalimantan Timur"};
  c.types = {static_cast<std::uint8_t>(RegionType::kabupaten)};
  c.policy_caps = true;
  return ScenarioBase(std::move(c));
}

void BM_PlanRegion(benchmark::State& state) {
  static const ScenarioBase base = region_of_100(2026);
  const Edition& ed = base.edition();
  PlanOptions o;
  o.policy = static_cast<Policy>(state.range(0));
  o.target_category = ed.bands.front().label;
  o.max_new = 50;
  o.new_cost = 5;
  for (int idx : ed.innovation_rows) o.new_profile[ed.rows[static_cast<std::size_t>(idx)].key] = ed.level_max;
  if (ed.gate) o.new_affairs = ed.gate->affairs;
  RegionPlan p;
  for (auto _ : state) {
    p = plan_region(base, 0, o);
    benchmark::DoNotOptimize(p.cost);
  }
  state.SetLabel(std::string(to_string(o.policy)) + (p.reachable ? ", reachable" : ", unreachable") + ", cost " +
                 std::to_string(p.cost) + ", " + std::to_string(p.steps.size()) + " steps, " +
                 std::to_string(p.new_innovations) + " new");
}
BENCHMARK(BM_PlanRegion)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);

}  // namespace
