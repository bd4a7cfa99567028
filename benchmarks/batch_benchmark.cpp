// Google Benchmark suite. Figures are reported, never asserted (speed is measured, not tested).
//   BM_SingleRegion          score() of one parsed example region, with breakdown
//   BM_ParseSubmission       JSON parsing throughput (bytes/s) of the example submissions
//   BM_Batch/<N>/<threads>   columnar scoring of N innovations over N/50 regions
//   BM_ReadBound/<N>/<thr>   a vectorised byte sum over the very same input arrays: the
//                            streaming-read bound the batch engine is measured against
//   BM_ReadBoundPooled/...   the same read on the engine's worker pool, so that on two threads
//                            it pays no thread start-up either (a stricter bound to scale against)
//   BM_Memory10M             RSS increase of 10M innovations (inputs + scoring + outputs)
//   BM_RandomUniform/<n>     counter-based uniforms (inovasi/random.hpp), n draws of one key per
//   BM_RandomBernoulli/<n>   call, into a buffer of each thread's own; on 1 and 2 threads;
//                            items/s is draws/s summed over the threads
//   BM_RandomUniformKeys/<n> one counter over n keys (the Monte Carlo "one replicate" shape)
//   BM_WriteBound/<b>/<n>    a vectorised write of n items of b bytes (8 = a double, 1 = a
//                            Bernoulli byte) into the same buffers: the write bound to compare with
//   BM_IngestParseOnly/<thr> Boost.JSON's DOM parser (boost::json::parse) merely parsing every
//                            line of the national JSON Lines (data/national, else generated):
//                            the baseline fast ingest is measured against
//   BM_IngestColumns/<thr>   read_columns of the same bytes: parsed, every record validated,
//                            into columns (bytes/s beside the baseline's; the ratio is the figure)
#include <benchmark/benchmark.h>


#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "inovasi/batch.hpp"
#include "inovasi/random.hpp"
#include "inovasi/ingest.hpp"
#include "inovasi/score.hpp"
#include "inovasi/synth.hpp"
#include "batch/pool.hpp"  // the engine's worker pool (internal to the library)

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define BENCH_X86 1
#endif

using namespace inovasi;

namespace {

// Calibrated synthetic columns (the generator of synth.hpp), cached per size.
const Columns& dataset(std::size_t innovations) {
  static std::map<std::size_t, std::unique_ptr<Columns>> cache;
  auto& slot = cache[innovations];
  if (!slot) {
    SynthOptions o;
    o.seed = 2024;
    o.target_innovations = innovations;
    if (innovations >= 1'000'000) o.regions = 20'000;  // the 1M over 20,000 regions
    o.policy_columns = false;  // the nominal kernel's inputs
    slot = std::make_unique<Columns>(generate_columns(o));
  }
  return *slot;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> example_texts() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(std::string(INOVASI_SOURCE_DIR) + "/examples"))
    if (e.path().extension() == ".json") out.push_back(read_file(e.path()));
  std::sort(out.begin(), out.end());
  return out;
}

std::size_t input_bytes(const Columns& c) {
  return c.innovation_levels.size() + c.status.size() + c.government_levels.size() +
         c.region_offsets.size() * sizeof(std::int64_t);
}

// Sum of every byte of a buffer: the cheapest full read of it.
#ifdef BENCH_X86
__attribute__((target("avx2"))) std::uint64_t byte_sum_avx2(const std::uint8_t* p, std::size_t n) {
  __m256i acc = _mm256_setzero_si256();
  const __m256i zero = _mm256_setzero_si256();
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32)
    acc = _mm256_add_epi64(acc, _mm256_sad_epu8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i)), zero));
  alignas(32) std::uint64_t l[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(l), acc);
  std::uint64_t s = l[0] + l[1] + l[2] + l[3];
  for (; i < n; ++i) s += p[i];
  return s;
}
#endif
std::uint64_t byte_sum(const std::uint8_t* p, std::size_t n) {
#ifdef BENCH_X86
  if (__builtin_cpu_supports("avx2")) return byte_sum_avx2(p, n);
#endif
  std::uint64_t s = 0;
  for (std::size_t i = 0; i < n; ++i) s += p[i];
  return s;
}

// The read bound split the way the engine splits its work: contiguous thirds of every array.
std::uint64_t read_all(const Columns& c, std::size_t part, std::size_t parts) {
  auto slice = [&](const std::uint8_t* p, std::size_t n) {
    std::size_t a = n * part / parts, b = n * (part + 1) / parts;
    return byte_sum(p + a, b - a);
  };
  return slice(c.innovation_levels.data(), c.innovation_levels.size()) + slice(c.status.data(), c.status.size()) +
         slice(c.government_levels.data(), c.government_levels.size()) +
         slice(reinterpret_cast<const std::uint8_t*>(c.region_offsets.data()), c.region_offsets.size() * 8);
}

std::size_t rss_bytes() {
  std::ifstream in("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

void BM_SingleRegion(benchmark::State& state) {
  auto texts = example_texts();
  Submission sub = parse_submission(texts.at(static_cast<std::size_t>(state.range(0)) % texts.size()));
  for (auto _ : state) benchmark::DoNotOptimize(score(sub));
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(sub.region.code + " " + std::to_string(sub.innovations.size()) + " innovations");
}
BENCHMARK(BM_SingleRegion)->Arg(0)->Arg(3);

void BM_ParseSubmission(benchmark::State& state) {
  auto texts = example_texts();
  std::size_t bytes = 0;
  for (const auto& t : texts) bytes += t.size();
  for (auto _ : state)
    for (const auto& t : texts) benchmark::DoNotOptimize(parse_submission(t));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_ParseSubmission);

void BM_ParseNationalJsonl(benchmark::State& state) {
  SynthOptions o;
  std::ostringstream ss;
  write_jsonl(o, ss);
  const std::string text = ss.str();
  for (auto _ : state) {
    RecordReader reader(text, {});
    RecordResult r;
    std::size_t n = 0;
    while (reader.next(r)) n += r.submission.has_value();
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.SetLabel(std::to_string(text.size() >> 20) + " MiB national JSON Lines");
}
BENCHMARK(BM_ParseNationalJsonl)->Unit(benchmark::kMillisecond);

void BM_NationalBatch(benchmark::State& state) {
  const Columns& c = dataset(0);  // the default national profile
  const ColumnsView v = c.view();
  for (auto _ : state) benchmark::DoNotOptimize(score_batch(v, static_cast<int>(state.range(0))));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.innovations));
  state.SetLabel(std::to_string(c.regions) + " regions, caps on");
}
BENCHMARK(BM_NationalBatch)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime();

// The sizes (1M and 10M innovations over 20,000 regions) on 1 and 2 threads, for the
// engine and its read bound alike.
void sizes_and_threads(benchmark::internal::Benchmark* b) {
  for (long n : {1'000'000L, 10'000'000L})
    for (long t : {1L, 2L}) b->Args({n, t});
  b->Unit(benchmark::kMillisecond)->UseRealTime();
}

void BM_Batch(benchmark::State& state) {
  const Columns& c = dataset(static_cast<std::size_t>(state.range(0)));
  ColumnsView v = c.view();
  v.government_caps = v.innovation_caps = nullptr;  // nominal (self-assessed) scoring
  const int threads = static_cast<int>(state.range(1));
  BatchResult r = score_batch(v, threads);
  BatchOutputView out{r.iid_h.data(), r.category.data(), r.government_h.data(), r.innovation_sum_h.data(),
                      r.counted.data(), r.divisor.data(), r.count_h.data()};
  for (auto _ : state) {
    score_batch(v, out, threads);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.innovations));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input_bytes(c)));
  state.SetLabel(std::to_string(c.regions) + " regions");
}
BENCHMARK(BM_Batch)->Apply(sizes_and_threads);

void BM_ReadBound(benchmark::State& state) {
  const Columns& c = dataset(static_cast<std::size_t>(state.range(0)));
  const auto threads = static_cast<std::size_t>(state.range(1));
  std::vector<std::uint64_t> sums(threads);
  for (auto _ : state) {
    if (threads == 1) {
      sums[0] = read_all(c, 0, 1);
    } else {
      // Split as the engine splits: the calling thread takes the first part.
      std::vector<std::thread> pool;
      for (std::size_t t = 1; t < threads; ++t) pool.emplace_back([&, t] { sums[t] = read_all(c, t, threads); });
      sums[0] = read_all(c, 0, threads);
      for (auto& th : pool) th.join();
    }
    benchmark::DoNotOptimize(sums.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.innovations));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input_bytes(c)));
}
BENCHMARK(BM_ReadBound)->Apply(sizes_and_threads);

void BM_ReadBoundPooled(benchmark::State& state) {
  const Columns& c = dataset(static_cast<std::size_t>(state.range(0)));
  const auto threads = static_cast<std::size_t>(state.range(1));
  std::vector<std::uint64_t> sums(threads);
  auto part = [&](std::size_t t) { sums[t] = read_all(c, t, threads); };
  for (auto _ : state) {
    inovasi::detail::run_parts(threads, part);
    benchmark::DoNotOptimize(sums.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.innovations));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input_bytes(c)));
}
BENCHMARK(BM_ReadBoundPooled)->Apply(sizes_and_threads);

void BM_Memory10M(benchmark::State& state) {
  // Run in a fresh process for a clean figure: --benchmark_filter=Memory
  for (auto _ : state) {
    const std::size_t before = rss_bytes();
    SynthOptions o;
    o.target_innovations = 10'000'000;
    o.regions = 20'000;
    o.policy_columns = false;  // the kernel's inputs only: no v2 evidence columns (2.4 GB at 10M)
    Columns c = generate_columns(o);
    c.government_caps.clear();
    c.government_caps.shrink_to_fit();
    c.innovation_caps.clear();
    c.innovation_caps.shrink_to_fit();
    BatchResult r = score_batch(c.view(), 1);
    const std::size_t after = rss_bytes();
    const double in = static_cast<double>(c.innovation_levels.size() + c.status.size() + c.affairs.size() * 8 +
                                          c.government_levels.size() + c.region_offsets.size() * 8);
    const double out = static_cast<double>(c.regions * (4 * 8 + 2 * 4 + 1));
    state.counters["rss_increase_MB"] = static_cast<double>(after - before) / 1e6;
    state.counters["inputs_outputs_MB"] = (in + out) / 1e6;
    state.counters["ratio"] = static_cast<double>(after - before) / (in + out);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Memory10M)->Iterations(1)->Unit(benchmark::kMillisecond);

// Counter-based random draws. Each thread fills its own buffer of n draws per call (keys and
// counters advance, so nothing is cached); items/s summed over the threads is draws/s.
// 2^16 draws (512 KB of doubles) stay in each core's L2: the arithmetic's rate; 2^20 (8 MB per
// thread) go out to L3 and memory: the rate a large Monte Carlo buffer sees.
constexpr long kRandomSmall = 1L << 16, kRandomN = 1L << 20;

void BM_RandomUniform(benchmark::State& state) {
  std::vector<double> out(static_cast<std::size_t>(state.range(0)));
  const random::Key k = random::key({"64.03", "kes-001", std::to_string(state.thread_index())});
  std::uint64_t c = 0;
  for (auto _ : state) {
    random::fill_uniform(2024, k, c, out);
    c += out.size();
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0) * 8);
}
BENCHMARK(BM_RandomUniform)->Arg(kRandomSmall)->Arg(kRandomN)->Threads(1)->Threads(2)->UseRealTime();

void BM_RandomBernoulli(benchmark::State& state) {
  std::vector<std::uint8_t> out(static_cast<std::size_t>(state.range(0)));
  const random::Key k = random::key({"64.03", "kes-001", std::to_string(state.thread_index())});
  std::uint64_t c = 0;
  for (auto _ : state) {
    random::fill_bernoulli(2024, k, c, 52429, out);  // p = 0.8 in 1/65536 units
    c += out.size();
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_RandomBernoulli)->Arg(kRandomSmall)->Arg(kRandomN)->Threads(1)->Threads(2)->UseRealTime();

void BM_RandomUniformKeys(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<random::Key> keys(n);
  for (std::size_t i = 0; i < n; ++i) keys[i] = random::key({"64.03", std::to_string(i), "16"});
  std::vector<double> out(n);
  std::uint64_t c = static_cast<std::uint64_t>(state.thread_index()) << 40;
  for (auto _ : state) {
    random::fill_uniform_keys(2024, keys, c++, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_RandomUniformKeys)->Arg(kRandomSmall)->Arg(kRandomN)->Threads(1)->Threads(2)->UseRealTime();

// The write bound: the same bytes per item written by a loop the compiler vectorises (a store
// of an index-derived word, so the stores cannot be elided).
void BM_WriteBound(benchmark::State& state) {
  const auto bytes = static_cast<std::size_t>(state.range(0));  // per item: 8 (double) or 1
  const auto items = state.range(1);
  std::vector<std::uint64_t> out(static_cast<std::size_t>(items) * bytes / 8);
  std::uint64_t c = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = c + i;
    c += out.size();
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * items);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * items * state.range(0));
}
BENCHMARK(BM_WriteBound)
    ->Args({8, kRandomSmall})->Args({8, kRandomN})->Args({1, kRandomSmall})->Args({1, kRandomN})
    ->Threads(1)->Threads(2)->UseRealTime();

}  // namespace

// The national JSON Lines: the bundled file when it has been generated, else the same regions
// generated here.
const std::string& national_jsonl() {
  static const std::string text = [] {
    const std::filesystem::path p = std::filesystem::path(INOVASI_SOURCE_DIR) / "data/national/national-2023.jsonl";
    if (std::filesystem::exists(p)) return read_file(p);
    std::ostringstream ss;
    write_jsonl(SynthOptions{}, ss);
    return ss.str();
  }();
  return text;
}

void BM_IngestParseOnly(benchmark::State& state) {
  const std::string& text = national_jsonl();
  for (auto _ : state) benchmark::DoNotOptimize(parse_only_baseline(text, static_cast<int>(state.range(0))));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.SetLabel(std::to_string(text.size() >> 20) + " MiB national JSON Lines");
}
BENCHMARK(BM_IngestParseOnly)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_IngestColumns(benchmark::State& state) {
  const std::string& text = national_jsonl();
  const int threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    Columns c = read_columns(text, {}, Policy::self_assessed, threads);
    benchmark::DoNotOptimize(c.innovations);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.SetLabel(std::to_string(text.size() >> 20) + " MiB national JSON Lines");
}
BENCHMARK(BM_IngestColumns)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
