// Scenario base benchmarks (docs/scenario.md). Reported, never asserted.
//   BM_ScenarioRescore/<policy>    one changed answer of one national region rescored
//                                  (ScenarioBase::rescore): the what-if and marginal-gain step
//   BM_ScenarioNational/<policy>/<threads>  a national scenario (one change in every region)
//   BM_NominalPass/<policy>/<threads>       beside it: one nominal batch pass over the same
//                                  policy columns (score_batch of Columns::view(policy))
#include <benchmark/benchmark.h>

#include <memory>
#include <sstream>

#include "inovasi/batch.hpp"
#include "inovasi/scenario.hpp"
#include "inovasi/synth.hpp"

using namespace inovasi;

namespace {

// The national dataset with its evidence (the generator's JSON Lines, parsed), as a scenario base.
const ScenarioBase& national_base() {
  static const std::unique_ptr<ScenarioBase> base = [] {
    std::ostringstream ss;
    write_jsonl(SynthOptions{}, ss);
    const std::string text = ss.str();
    RecordReader reader(text, ParseOptions{});
    RecordResult r;
    std::vector<Submission> subs;
    while (reader.next(r))
      if (r.submission) subs.push_back(std::move(*r.submission));
    return std::make_unique<ScenarioBase>(subs);
  }();
  return *base;
}

Policy policy_arg(const benchmark::State& state) { return static_cast<Policy>(state.range(0)); }

void BM_ScenarioRescore(benchmark::State& state) {
  const ScenarioBase& base = national_base();
  const Edition& ed = base.edition();
  const Policy policy = policy_arg(state);
  Workspace ws;
  std::size_t r = 0, i = 0;
  for (auto _ : state) {
    // Regions in turn, each with one innovation answer changed (or a government row).
    r = (r + 97) % base.regions();
    const std::size_t n = base.innovations_of(r);
    LevelChange c;
    c.region = r;
    if (n) {
      c.innovation = static_cast<std::int64_t>(i % n);
      c.column = i % ed.innovation_rows.size();
    } else {
      c.column = i % ed.government_rows.size();
    }
    c.level = static_cast<int>(i % static_cast<std::size_t>(ed.level_max + 1));
    ++i;
    benchmark::DoNotOptimize(base.rescore(r, &c, 1, policy, ws));
  }
  state.SetLabel(std::string(to_string(policy)) + ", " + std::to_string(base.columns().innovations / base.regions()) +
                 " innovations a region on average");
}
BENCHMARK(BM_ScenarioRescore)->DenseRange(0, 3)->Unit(benchmark::kMicrosecond);

Scenario national_scenario(const ScenarioBase& base, Policy policy) {
  const Edition& ed = base.edition();
  Scenario sc;
  sc.policy = policy;
  for (std::size_t r = 0; r < base.regions(); ++r) {
    LevelChange c;
    c.region = r;
    if (const std::size_t n = base.innovations_of(r)) {
      c.innovation = static_cast<std::int64_t>(r % n);
      c.column = r % ed.innovation_rows.size();
    } else {
      c.column = r % ed.government_rows.size();
    }
    c.level = ed.level_max;
    sc.levels.push_back(c);
  }
  return sc;
}

void policies_and_threads(benchmark::internal::Benchmark* b) {
  for (int p = 0; p < 4; ++p)
    for (int t : {1, 2}) b->Args({p, t});
  b->Unit(benchmark::kMicrosecond)->UseRealTime();
}

void BM_ScenarioNational(benchmark::State& state) {
  const ScenarioBase& base = national_base();
  const Scenario sc = national_scenario(base, policy_arg(state));
  for (auto _ : state) benchmark::DoNotOptimize(base.score(sc, static_cast<int>(state.range(1))));
  state.SetLabel(std::to_string(sc.levels.size()) + " changes over " + std::to_string(base.regions()) + " regions");
}
BENCHMARK(BM_ScenarioNational)->Apply(policies_and_threads);

void BM_NominalPass(benchmark::State& state) {
  const ScenarioBase& base = national_base();
  const ColumnsView v = base.columns().view(policy_arg(state));
  for (auto _ : state) benchmark::DoNotOptimize(score_batch(v, static_cast<int>(state.range(1))));
  state.SetLabel(std::to_string(base.regions()) + " regions");
}
BENCHMARK(BM_NominalPass)->Apply(policies_and_threads);

}  // namespace
