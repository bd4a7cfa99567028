#include "inovasi/batch.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <numeric>
#include <bit>
#include <cstring>
#include <string_view>
#include <cstdlib>
#include <map>
#include <optional>
#include <thread>

#include "inovasi/evidence.hpp"
#include "scoring/rules.hpp"
#include "batch/kernel.hpp"
#include "batch/pool.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define INOVASI_X86_DISPATCH 1
#endif

namespace inovasi {

// The status column stores the rules layer's standings; the columns the model's limits.
static_assert(kNotCounted == static_cast<std::uint8_t>(detail::Standing::not_counted) &&
              kSubmitted == static_cast<std::uint8_t>(detail::Standing::submitted) &&
              kRejected == static_cast<std::uint8_t>(detail::Standing::rejected));
static_assert(kMaxLevel <= 255 && kMaxGateAffairs <= 64, "uint8 levels, one 64-bit affairs mask per innovation");

std::uint8_t cluster_bits(const std::vector<std::string>& clusters) {
  std::uint8_t bits = 0;
  for (const auto& c : clusters)
    bits |= c == "tertinggal" ? kClusterTertinggal : c == "perbatasan" ? kClusterPerbatasan : c == "papua" ? kClusterPapua : 0;
  return bits;
}

ColumnsView Columns::view() const {
  ColumnsView v;
  v.edition = edition.get();
  v.regions = regions;
  v.innovations = innovations;
  v.government_levels = government_levels.data();
  v.innovation_levels = innovation_levels.data();
  v.region_offsets = region_offsets.data();
  v.status = status.data();
  v.affairs = affairs.empty() ? nullptr : affairs.data();
  v.government_caps = government_caps.empty() ? nullptr : government_caps.data();
  v.innovation_caps = innovation_caps.empty() ? nullptr : innovation_caps.data();
  return v;
}

ColumnsView Columns::view(Policy policy) const {
  ColumnsView v = view();
  v.government_caps = v.innovation_caps = nullptr;
  if (policy == Policy::self_assessed) return v;
  if (!policy_caps)
    throw InputError("/policy", std::string("these columns carry no evidence caps, so the ") + to_string(policy) +
                                    " policy cannot be computed from them (build them with to_policy_columns)");
  const bool assessor = policy == Policy::assessor;
  v.government_caps = (assessor ? government_assessor_cap : government_supported_cap).data();
  v.innovation_caps = (assessor ? innovation_assessor_cap : innovation_supported_cap).data();
  v.cap_rule = detail::cap_rule_of(policy);
  return v;
}

namespace {

// Chunks of regions per thread: enough that a late or slowed thread costs the run little, few
// enough that taking one (an atomic increment) is free next to scoring it.
constexpr std::size_t kChunksPerThread = 32;

// Everything the inner loops need from the edition, computed once per call.
struct Plan {
  const Edition* ed = nullptr;
  std::size_t G = 0, K = 0;
  std::vector<std::int64_t> gov_w, inv_w;  // weight_h per column
  std::vector<std::size_t> mandatory;      // innovation columns, when an unmet one zeroes the innovation
  std::uint8_t level_max = 0, level_min = 0;
  CapRule rule = CapRule::at_most;  // how the caps of this call apply
  // What each status code (a detail::Standing) counts for: the rules layer's answers, read by
  // lookup (scalar) or by one byte shuffle per 32 innovations (AVX2).
  alignas(16) detail::StandingTable standing{};
  // The same answers as byte masks (0xff where the standing counts in n / scores no points):
  // one shuffle and one movemask per 32 statuses give a bit per innovation.
  alignas(16) std::uint8_t counts_mask[16] = {}, idle_mask[16] = {};
  bool has_gate = false;
  std::uint64_t gate_bits = 0;
  // Per status code, all ones where the standing covers the gate (kCoversGate), else zero: the
  // gate's OR over a region's affairs without a branch per innovation.
  std::uint64_t cover_mask[16] = {};
  std::uint64_t cover_codes = 0;  // the same as bits: bit s set where status code s covers the gate
  // The SIMD kernel streams a region's level bytes 32 at a time, whatever the innovation
  // boundaries, and multiplies them by weight_h / scale as signed bytes, summing pairs in 16
  // bits: usable when those fit (every shipped edition: K 20, scale 100, weights 1–4, levels
  // ≤ 3). A region starts on an innovation boundary, so the weights of its v-th vector are
  // fixed: they repeat every `period` = K / gcd(K, 32) vectors (5 for K = 20). Innovations that
  // do not score (rejected, not counted) are then taken off, one 32-byte load each.
  bool simd = false;
  std::int64_t scale = 1;
  int period = 1;
  alignas(32) std::int8_t period_weights[32 * 32] = {};  // byte i: weight of column i mod K
  alignas(32) std::int8_t weights[32] = {};              // one innovation's weights, zero past K
  int flush_every = 1;                       // vectors before 16-bit lane sums are widened
  std::size_t full_loads = 0;                // innovations whose 32-byte load stays inside the matrix
  // The government rows likewise (G ≤ 32, weight_h / gov_scale a signed byte): one load per region.
  bool gov_simd = false;
  std::int64_t gov_scale = 1;
  alignas(32) std::int8_t gov_weights[32] = {};
  std::size_t gov_full_loads = 0;            // regions whose 32-byte load stays inside the matrix

  explicit Plan(const Edition& e) : ed(&e) {
    G = e.government_rows.size();
    K = e.innovation_rows.size();
    for (int i : e.government_rows) gov_w.push_back(e.rows[i].weight_h);
    for (std::size_t k = 0; k < K; ++k) {
      const Row& r = e.rows[e.innovation_rows[k]];
      inv_w.push_back(r.weight_h);
      if (detail::mandatory_zeroes(e, r)) mandatory.push_back(k);
    }
    level_max = static_cast<std::uint8_t>(std::clamp(e.level_max, 0, 255));
    level_min = static_cast<std::uint8_t>(std::clamp(e.level_min, 0, 255));
    standing = detail::standing_table(e);
    for (std::size_t i = 0; i < standing.size(); ++i) {
      counts_mask[i] = standing[i] & detail::kCountsInN ? 0xff : 0;
      idle_mask[i] = standing[i] & detail::kScoresPoints ? 0 : 0xff;
      cover_mask[i] = standing[i] & detail::kCoversGate ? ~std::uint64_t{0} : 0;
      if (standing[i] & detail::kCoversGate) cover_codes |= std::uint64_t{1} << i;
    }
    if (e.gate) {
      // validate() refused a gate of more affairs than the bitmask holds.
      has_gate = true;
      const std::size_t m = e.gate->affairs.size();
      gate_bits = m >= 64 ? ~0ull : ((1ull << m) - 1);
    }
    std::int64_t g = 0;
    for (auto w : inv_w) g = std::gcd(g, w);
    scale = g > 0 ? g : 1;
    std::int64_t wmax = 0;
    bool nonneg = true;
    for (auto w : inv_w) { wmax = std::max(wmax, w / scale); nonneg = nonneg && w >= 0; }
    // A lane sums two bytes per vector: 2 × wmax × level_max per vector, and a whole period of
    // vectors must fit before the lanes are widened.
    if (K > 0 && K <= 32 && nonneg && wmax <= 127 && 2 * wmax * level_max <= 32767) {
      flush_every = static_cast<int>(32767 / std::max<std::int64_t>(1, 2 * wmax * level_max));
      period = static_cast<int>(K / std::gcd(K, std::size_t{32}));
      simd = flush_every >= period;
    }
    if (simd) {
      for (std::size_t k = 0; k < K; ++k) weights[k] = static_cast<std::int8_t>(inv_w[k] / scale);
      for (std::size_t i = 0; i < 32 * static_cast<std::size_t>(period); ++i) period_weights[i] = weights[i % K];
    }
    std::int64_t gg = 0, gmax = 0;
    bool gnonneg = true;
    for (auto w : gov_w) gg = std::gcd(gg, w);
    gov_scale = gg > 0 ? gg : 1;
    for (auto w : gov_w) { gmax = std::max(gmax, w / gov_scale); gnonneg = gnonneg && w >= 0; }
    // One region's 16 lane sums take two bytes each: 2 × gmax × 255 must fit an int16.
    if (G > 0 && G <= 32 && gnonneg && gmax <= 127 && 2 * gmax * 255 <= 32767) {
      gov_simd = true;
      for (std::size_t k = 0; k < G; ++k) gov_weights[k] = static_cast<std::int8_t>(gov_w[k] / gov_scale);
    }
  }

  // Per call: how many rows of each matrix can be read with a full 32-byte load.
  void size_for(const ColumnsView& c) {
    const std::size_t bytes = c.innovations * K;
    full_loads = K > 0 && bytes >= 32 ? (bytes - 32) / K + 1 : 0;
    const std::size_t gbytes = c.regions * G;
    gov_full_loads = G > 0 && gbytes >= 32 ? (gbytes - 32) / G + 1 : 0;
  }
};

// One innovation's points (hundredths) at its validated levels.
std::int64_t innovation_points(const Plan& P, const std::uint8_t* lev, const std::uint8_t* cap) {
  std::int64_t sum = 0;
  for (std::size_t k = 0; k < P.K; ++k)
    sum += detail::points_h(P.inv_w[k], cap ? detail::apply_cap(P.rule, lev[k], cap[k], P.level_min) : lev[k]);
  return sum;
}

// Σ of the points of the innovations in [a, b) that score (hundredths); `mx` gets the largest
// claimed level read: the validation rides along the same read.
std::int64_t region_points_scalar(const Plan& P, const ColumnsView& c, std::size_t a, std::size_t b,
                                  std::uint8_t& mx) {
  std::int64_t sum = 0;
  std::uint8_t m = 0;
  for (std::size_t j = a; j < b; ++j) {
    const std::uint8_t* lev = c.innovation_levels + j * P.K;
    for (std::size_t k = 0; k < P.K; ++k) m = std::max(m, lev[k]);
    if (P.standing[c.status[j]] & detail::kScoresPoints)
      sum += innovation_points(P, lev, c.innovation_caps ? c.innovation_caps + j * P.K : nullptr);
  }
  mx = std::max(mx, m);
  return sum;
}

#ifdef INOVASI_X86_DISPATCH
constexpr std::size_t kPrefetchBytes = 2048;

// Adds the 16 int16 lanes of acc16, pairwise, to the four int64 lanes of acc64.
__attribute__((target("avx2"))) inline __m256i widen_avx2(__m256i acc64, __m256i acc16) {
  __m256i t = _mm256_madd_epi16(acc16, _mm256_set1_epi16(1));  // 8 × int32
  acc64 = _mm256_add_epi64(acc64, _mm256_cvtepi32_epi64(_mm256_castsi256_si128(t)));
  return _mm256_add_epi64(acc64, _mm256_cvtepi32_epi64(_mm256_extracti128_si256(t, 1)));
}

[[noreturn]] void throw_bad_status(const ColumnsView& c, std::size_t a, std::size_t b);

// Whether any byte of v is above `limit` (the caller then finds which, exactly).
__attribute__((target("avx2"))) inline bool any_above_avx2(__m256i v, std::uint8_t limit) {
  const __m256i l = _mm256_set1_epi8(static_cast<char>(limit));
  return _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_max_epu8(v, l), l)) != -1;
}

// Bytes [0, n) of a 32-byte window: `kTailMask + 32 - n` holds n bytes 0xff, then zeros.
alignas(64) constexpr std::uint8_t kTailMask[64] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

__attribute__((target("avx2"))) inline __m256i load32(const std::uint8_t* p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

// 32 bytes from p, of which the first n ≤ 32 are wanted; reads past `end` go through a copy.
__attribute__((target("avx2"))) inline __m256i load_upto(const std::uint8_t* p, std::size_t n, const std::uint8_t* end) {
  if (p + 32 <= end) return load32(p);
  alignas(32) std::uint8_t buf[32] = {};
  std::memcpy(buf, p, n);
  return _mm256_load_si256(reinterpret_cast<const __m256i*>(buf));
}

// The caps of a call, as a template argument of the kernels.
enum CapMode : int { kNoCaps = 0, kAtMost = 1, kAllOrNothing = 2 };

// detail::apply_cap on 32 bytes: at_most is min(level, cap); all_or_nothing keeps the levels
// not above their caps and puts level_min in the others.
template <int Caps>
__attribute__((target("avx2"))) inline __m256i apply_caps_avx2(__m256i l, __m256i cap, __m256i lmin) {
  if constexpr (Caps == kAtMost) return _mm256_min_epu8(l, cap);
  if constexpr (Caps == kAllOrNothing)
    return _mm256_blendv_epi8(_mm256_min_epu8(l, lmin), l, _mm256_cmpeq_epi8(_mm256_min_epu8(l, cap), l));
  return l;
}

// One vector of level bytes `l` (caps `cap`, read only with caps): `vmax` takes the claimed
// levels, the caps apply, and the weights give 16 lanes of pair sums.
template <int Caps>
__attribute__((target("avx2"))) inline __m256i weigh_avx2(__m256i l, __m256i cap, __m256i lmin, __m256i weights,
                                                          __m256i& vmax) {
  vmax = _mm256_max_epu8(vmax, l);
  return _mm256_maddubs_epi16(apply_caps_avx2<Caps>(l, cap, lmin), weights);
}

// The innovation aspect of regions [a, b) with AVX2: returns Σ of the points of the submitted
// innovations (hundredths), sets `counted` and raises `mx` past level_max if any level byte is
// above it (the caller then finds it exactly). Throws for a bad status code.
template <int Caps, int FixedPeriod>
__attribute__((target("avx2"))) std::int64_t innovations_avx2(const Plan& P, const ColumnsView& c, std::size_t a,
                                                               std::size_t b, int& counted, std::uint8_t& mx) {
  const __m256i zero = _mm256_setzero_si256();
  const __m256i lmin = _mm256_set1_epi8(static_cast<char>(P.level_min));
  const std::size_t K = P.K;
  const std::uint8_t* levels = c.innovation_levels;
  const std::uint8_t* caps = Caps ? c.innovation_caps : nullptr;

  // First the levels: the region's bytes as consecutive vectors, a period of them per step.
  const int period = FixedPeriod ? FixedPeriod : P.period;
  const std::size_t len = (b - a) * K, vectors = len / 32;
  const std::uint8_t* p = levels + a * K;
  const std::uint8_t* q = Caps ? caps + a * K : nullptr;
  const auto* pw = reinterpret_cast<const __m256i*>(P.period_weights);
  __m256i acc64 = zero, vmax = zero;
  const std::size_t steps = vectors / static_cast<std::size_t>(period);
  const std::size_t steps_per_flush = static_cast<std::size_t>(P.flush_every / period);
  for (std::size_t s = 0; s < steps;) {
    const std::size_t stop = std::min(steps, s + steps_per_flush);
    __m256i acc_a = zero, acc_b = zero;  // two chains; together at most flush_every vectors
    for (; s < stop; ++s, p += 32 * period) {
      for (int i = 0; i < period; ++i) {
        if (i % 2 == 0) _mm_prefetch(reinterpret_cast<const char*>(p) + 32 * i + kPrefetchBytes, _MM_HINT_T0);
        const __m256i t = weigh_avx2<Caps>(load32(p + 32 * i), Caps ? load32(q + 32 * i) : zero, lmin,
                                           _mm256_load_si256(pw + i), vmax);
        if (i % 2 == 0)
          acc_a = _mm256_add_epi16(acc_a, t);
        else
          acc_b = _mm256_add_epi16(acc_b, t);
      }
      if constexpr (Caps != kNoCaps) q += 32 * period;
    }
    acc64 = widen_avx2(acc64, _mm256_add_epi16(acc_a, acc_b));
  }
  // The vectors left (fewer than a period), then the last partial one, masked.
  const std::size_t left = vectors - steps * static_cast<std::size_t>(period);
  __m256i acc = zero;
  for (std::size_t i = 0; i < left; ++i)
    acc = _mm256_add_epi16(acc, weigh_avx2<Caps>(load32(p + 32 * i), Caps ? load32(q + 32 * i) : zero, lmin,
                                                 _mm256_load_si256(pw + i), vmax));
  if (const std::size_t rem = len % 32) {
    const __m256i mask = load32(kTailMask + 32 - rem);
    const __m256i l = _mm256_and_si256(load_upto(p + 32 * left, rem, levels + c.innovations * K), mask);
    const __m256i cap = Caps ? load_upto(q + 32 * left, rem, caps + c.innovations * K) : zero;
    acc = _mm256_add_epi16(acc, weigh_avx2<Caps>(l, cap, lmin, _mm256_load_si256(pw + left), vmax));
  }
  acc64 = widen_avx2(acc64, acc);  // at most a period of vectors: fits, as flush_every >= period

  // Then the statuses, 32 at a time: the check, then the rules layer's answers for each status
  // (one shuffle through a mask of the standing table each): the count, and the innovations
  // that do not score, whose points (their levels now in cache) are summed to be taken off.
  const __m256i two = _mm256_set1_epi8(2);
  const __m256i counts_tbl = _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(P.counts_mask)));
  const __m256i idle_tbl = _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(P.idle_mask)));
  const __m256i w = _mm256_load_si256(reinterpret_cast<const __m256i*>(P.weights));
  __m256i off16 = zero, off64 = zero;
  int off_pending = 0, n = 0;
  std::int64_t off_scalar = 0;
  for (std::size_t j = a; j < b; j += 32) {
    const std::size_t cnt = std::min<std::size_t>(32, b - j);
    const __m256i v = load_upto(c.status + j, cnt, c.status + c.innovations);
    const std::uint32_t valid = cnt == 32 ? ~0u : (1u << cnt) - 1;
    const auto ok = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_max_epu8(v, two), two)));
    if (~ok & valid) throw_bad_status(c, j, j + cnt);
    // v ≤ 2 (checked above): a lookup in each 16-byte half.
    n += std::popcount(static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_shuffle_epi8(counts_tbl, v))) & valid);
    for (std::uint32_t m = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_shuffle_epi8(idle_tbl, v))) & valid; m;
         m &= m - 1) {
      const std::size_t i = j + static_cast<std::size_t>(std::countr_zero(m));
      if (i < P.full_loads) {
        __m256i l = load32(levels + i * K);
        if constexpr (Caps != kNoCaps) l = apply_caps_avx2<Caps>(l, load32(caps + i * K), lmin);
        off16 = _mm256_add_epi16(off16, _mm256_maddubs_epi16(l, w));
        if (++off_pending == P.flush_every) {
          off64 = widen_avx2(off64, off16);
          off16 = zero;
          off_pending = 0;
        }
      } else {
        off_scalar += innovation_points(P, levels + i * K, Caps ? caps + i * K : nullptr);
      }
    }
  }
  counted = n;

  off64 = widen_avx2(off64, off16);

  if (any_above_avx2(vmax, P.level_max)) mx = 255;
  alignas(32) std::int64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), _mm256_sub_epi64(acc64, off64));
  return (lanes[0] + lanes[1] + lanes[2] + lanes[3]) * P.scale - off_scalar;
}

__attribute__((target("avx2"))) std::int64_t innovations_simd(const Plan& P, const ColumnsView& c, std::size_t a,
                                                               std::size_t b, int& counted, std::uint8_t& mx) {
  // Every shipped edition has K = 20, a period of 5: that case gets its inner loop unrolled.
  if (c.innovation_caps && P.rule == CapRule::all_or_nothing)
    return P.period == 5 ? innovations_avx2<kAllOrNothing, 5>(P, c, a, b, counted, mx)
                         : innovations_avx2<kAllOrNothing, 0>(P, c, a, b, counted, mx);
  if (c.innovation_caps)
    return P.period == 5 ? innovations_avx2<kAtMost, 5>(P, c, a, b, counted, mx)
                         : innovations_avx2<kAtMost, 0>(P, c, a, b, counted, mx);
  return P.period == 5 ? innovations_avx2<kNoCaps, 5>(P, c, a, b, counted, mx)
                       : innovations_avx2<kNoCaps, 0>(P, c, a, b, counted, mx);
}

// INOVASI_KERNEL=scalar takes the portable path on any machine: the tests run the batch suites
// both ways (tests/cpp/CMakeLists.txt), so the AVX2 and scalar kernels are held to the same results.
bool cpu_has_avx2() {
  static const bool has = [] {
    const char* forced = std::getenv("INOVASI_KERNEL");
    if (forced && std::string_view(forced) == "scalar") return false;
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return has;
}
#endif

#ifdef INOVASI_X86_DISPATCH
// The count gate's OR over innovations [a, b), four at a time: a lane's mask is all ones when its
// status code's bit is set in cover_codes (a variable shift, then 0 - bit), the same answer as
// cover_mask. `any` ORs every affairs word for the caller's one range check.
__attribute__((target("avx2"))) inline std::uint64_t gate_cover_avx2(const Plan& P, const std::uint64_t* aff,
                                                                     const std::uint8_t* st, std::size_t a,
                                                                     std::size_t b, std::uint64_t& any) {
  const __m256i codes = _mm256_set1_epi64x(static_cast<long long>(P.cover_codes));
  const __m256i one = _mm256_set1_epi64x(1), zero = _mm256_setzero_si256();
  __m256i cov = zero, all = zero;
  std::size_t j = a;
  for (; j + 4 <= b; j += 4) {
    std::uint32_t s4;
    std::memcpy(&s4, st + j, 4);
    const __m256i s = _mm256_cvtepu8_epi64(_mm_cvtsi32_si128(static_cast<int>(s4)));
    const __m256i m = _mm256_sub_epi64(zero, _mm256_and_si256(_mm256_srlv_epi64(codes, s), one));
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(aff + j));
    cov = _mm256_or_si256(cov, _mm256_and_si256(v, m));
    all = _mm256_or_si256(all, v);
  }
  alignas(32) std::uint64_t c4[4], a4[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(c4), cov);
  _mm256_store_si256(reinterpret_cast<__m256i*>(a4), all);
  std::uint64_t covered = c4[0] | c4[1] | c4[2] | c4[3];
  any |= a4[0] | a4[1] | a4[2] | a4[3];
  for (; j < b; ++j) {
    covered |= aff[j] & P.cover_mask[st[j]];
    any |= aff[j];
  }
  return covered;
}

// One region's government points (hundredths) in one 32-byte load: the bytes past G belong to the
// next region and meet zero weights (they may raise `mx`, which the caller then checks exactly).
__attribute__((target("avx2"))) inline std::int64_t government_points_avx2(const Plan& P, const std::uint8_t* gl,
                                                                          const std::uint8_t* gc, std::uint8_t& mx) {
  __m256i l = load32(gl);
  if (any_above_avx2(l, P.level_max)) mx = 255;
  if (gc)
    l = P.rule == CapRule::all_or_nothing
            ? apply_caps_avx2<kAllOrNothing>(l, load32(gc), _mm256_set1_epi8(static_cast<char>(P.level_min)))
            : apply_caps_avx2<kAtMost>(l, load32(gc), l);
  __m256i t = _mm256_madd_epi16(_mm256_maddubs_epi16(l, _mm256_load_si256(reinterpret_cast<const __m256i*>(P.gov_weights))),
                                _mm256_set1_epi16(1));  // 8 × int32
  __m128i h = _mm_add_epi32(_mm256_castsi256_si128(t), _mm256_extracti128_si256(t, 1));
  h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0x4e));
  h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0xb1));
  return static_cast<std::int64_t>(_mm_cvtsi128_si32(h)) * P.gov_scale;
}
#endif

std::string cell(const char* matrix, std::size_t i, std::size_t k) {
  return std::string("/") + matrix + "/" + std::to_string(i) + "/" + std::to_string(k);
}

// Throws for the first level above the edition's maximum in rows [first_row, first_row + rows)
// of a matrix, if there is one (a fast scan may have seen a later region's bytes).
void check_levels(const Plan& P, const char* matrix, const std::uint8_t* m, std::size_t width, std::size_t first_row,
                  std::size_t rows) {
  for (std::size_t i = first_row; i < first_row + rows; ++i)
    for (std::size_t k = 0; k < width; ++k)
      if (m[i * width + k] > P.level_max) {
        const Row& r = P.ed->rows[matrix[0] == 'g' ? P.ed->government_rows[k] : P.ed->innovation_rows[k]];
        throw InputError(cell(matrix, i, k), "level " + std::to_string(m[i * width + k]) + " on indicator " + r.key +
                                                 " is above the edition's maximum " + std::to_string(P.level_max));
      }
}

// Throws for the first status code above 2 in [a, b) (the caller saw one).
void throw_bad_status(const ColumnsView& c, std::size_t a, std::size_t b) {
  for (std::size_t j = a; j < b; ++j)
    if (c.status[j] > kRejected)
      throw InputError("/status/" + std::to_string(j), "status code " + std::to_string(c.status[j]) +
                                                           " is not 0 (not counted), 1 (submitted) or 2 (rejected)");
  throw InputError("/status/" + std::to_string(a), "a status code is not 0, 1 or 2");  // not reached
}

// The body of score_range, compiled twice: for any x86-64 (or other) CPU, and with AVX2 enabled
// throughout (the status loop and output code vectorise wider too).
template <bool Avx2>
[[gnu::always_inline]] inline void score_range_body(const Plan& P, const ColumnsView& c, const BatchOutputView& out,
                                                    std::size_t r0, std::size_t r1) {
  const Edition& ed = *P.ed;
  for (std::size_t r = r0; r < r1; ++r) {
    // Government aspect: one load (AVX2) or a branch-free loop (the compiler vectorises it);
    // the range check after.
    const std::uint8_t* gl = c.government_levels + r * P.G;
    const std::uint8_t* gc = c.government_caps ? c.government_caps + r * P.G : nullptr;
    std::int64_t gov = 0;
    std::uint8_t gmax = 0;
#ifdef INOVASI_X86_DISPATCH
    if (Avx2 && P.gov_simd && r < P.gov_full_loads) {
      gov = government_points_avx2(P, gl, gc, gmax);
    } else
#endif
    {
      const std::int64_t* gw = P.gov_w.data();
      const std::size_t G = P.G;
      if (gc) {
        for (std::size_t k = 0; k < G; ++k) {
          gmax = std::max(gmax, gl[k]);
          gov += detail::points_h(gw[k], detail::apply_cap(P.rule, gl[k], gc[k], P.level_min));
        }
      } else {
        for (std::size_t k = 0; k < G; ++k) {
          gmax = std::max(gmax, gl[k]);
          gov += detail::points_h(gw[k], gl[k]);
        }
      }
    }
    if (gmax > P.level_max) check_levels(P, "government_levels", c.government_levels, P.G, r, 1);

    // Innovation aspect: statuses and levels in one pass of the kernel (a bad status code is
    // reported before a bad level of the same region on either path).
    const auto a = static_cast<std::size_t>(c.region_offsets[r]), b = static_cast<std::size_t>(c.region_offsets[r + 1]);
    const std::uint8_t* st = c.status;
    int n = 0;
    std::uint8_t mx = 0;
    std::int64_t inv_sum;
#ifdef INOVASI_X86_DISPATCH
    if (Avx2 && P.simd) {
      inv_sum = innovations_simd(P, c, a, b, n, mx);
    } else
#endif
    {
      std::uint8_t worst = 0;
      for (std::size_t j = a; j < b; ++j) worst = std::max(worst, st[j]);
      if (worst > kRejected) throw_bad_status(c, a, b);
      for (std::size_t j = a; j < b; ++j) n += P.standing[st[j]] & detail::kCountsInN;
      inv_sum = region_points_scalar(P, c, a, b, mx);
    }
    if (mx > P.level_max) check_levels(P, "innovation_levels", c.innovation_levels, P.K, a, b - a);
    if (!P.mandatory.empty())
      for (std::size_t j = a; j < b; ++j) {
        if (!(P.standing[st[j]] & detail::kScoresPoints)) continue;
        bool unmet = false;
        for (std::size_t k : P.mandatory)
          unmet = unmet || detail::mandatory_unmet(ed.rows[ed.innovation_rows[k]], c.innovation_levels[j * P.K + k]);
        if (detail::mandatory_zeroes(ed, unmet))
          inv_sum -= innovation_points(P, c.innovation_levels + j * P.K,
                                       c.innovation_caps ? c.innovation_caps + j * P.K : nullptr);
      }
    std::uint64_t covered = 0;
    if (P.has_gate && c.affairs) {
      // Branch-free: the covering innovations' affairs OR'd (statuses were checked above, so
      // every code indexes the table), and all of them OR'd for one range check per region.
      std::uint64_t any = 0;
#ifdef INOVASI_X86_DISPATCH
      if (Avx2) {
        covered = gate_cover_avx2(P, c.affairs, st, a, b, any);
      } else
#endif
        for (std::size_t j = a; j < b; ++j) {
          covered |= c.affairs[j] & P.cover_mask[st[j]];
          any |= c.affairs[j];
        }
      if (any & ~P.gate_bits)
        for (std::size_t j = a; j < b; ++j)
          if (c.affairs[j] & ~P.gate_bits)
            throw InputError("/affairs/" + std::to_string(j), "sets a bit beyond the " +
                                                                  std::to_string(ed.gate->affairs.size()) +
                                                                  " affairs of the edition's gate");
    }
    const bool gate_open = detail::gate_open(std::popcount(covered), ed);
    const detail::RegionTotals t = detail::finish_region(ed, gov, inv_sum, n, gate_open, false);
    out.iid_h[r] = t.iid_h;
    if (out.category) out.category[r] = static_cast<std::uint8_t>(t.band);
    if (out.government_h) out.government_h[r] = gov;
    if (out.innovation_sum_h) out.innovation_sum_h[r] = inv_sum;
    if (out.counted) out.counted[r] = n;
    if (out.divisor) out.divisor[r] = t.divisor;
    if (out.count_h) out.count_h[r] = t.count_h;
    if (out.innovation_points_h || out.innovation_counted)
      for (std::size_t j = a; j < b; ++j) {
        const std::uint8_t s = P.standing[st[j]];
        if (out.innovation_counted) out.innovation_counted[j] = (s & detail::kCountsInN) ? 1 : 0;
        if (!out.innovation_points_h) continue;
        std::int64_t pts = 0;
        if (s & detail::kScoresPoints) {
          const std::uint8_t* lev = c.innovation_levels + j * P.K;
          bool unmet = false;
          for (std::size_t k : P.mandatory) unmet = unmet || detail::mandatory_unmet(ed.rows[ed.innovation_rows[k]], lev[k]);
          if (!detail::mandatory_zeroes(ed, unmet))
            pts = innovation_points(P, lev, c.innovation_caps ? c.innovation_caps + j * P.K : nullptr);
        }
        out.innovation_points_h[j] = pts;
      }
  }
}

void score_range_generic(const Plan& P, const ColumnsView& c, const BatchOutputView& out, std::size_t r0,
                         std::size_t r1) {
  score_range_body<false>(P, c, out, r0, r1);
}

#ifdef INOVASI_X86_DISPATCH
__attribute__((target("avx2"))) void score_range_avx2(const Plan& P, const ColumnsView& c, const BatchOutputView& out,
                                                     std::size_t r0, std::size_t r1) {
  score_range_body<true>(P, c, out, r0, r1);
}
#endif

// Scores regions [r0, r1).
void score_range(const Plan& P, const ColumnsView& c, const BatchOutputView& out, std::size_t r0, std::size_t r1) {
#ifdef INOVASI_X86_DISPATCH
  if (cpu_has_avx2()) return score_range_avx2(P, c, out, r0, r1);
#endif
  score_range_generic(P, c, out, r0, r1);
}

}  // namespace

namespace detail {

struct KernelPlan {
  Plan plan;
};

void KernelPlanDeleter::operator()(KernelPlan* p) const { delete p; }

KernelPlanPtr make_kernel_plan(const Edition& edition) { return KernelPlanPtr(new KernelPlan{Plan(edition)}); }

KernelPlanPtr copy_kernel_plan(const KernelPlan& plan) { return KernelPlanPtr(new KernelPlan(plan)); }

void score_regions(KernelPlan& kp, const ColumnsView& c, const BatchOutputView& out, std::size_t r0, std::size_t r1) {
  kp.plan.size_for(c);
  kp.plan.rule = c.cap_rule;
  score_range(kp.plan, c, out, r0, r1);
}

}  // namespace detail

void validate(const ColumnsView& c) {
  if (!c.edition) throw InputError("/edition", "no edition given");
  const Edition& ed = *c.edition;
  // The loader refuses such editions (edition_reader.cpp); an edition built otherwise is checked here.
  if (ed.level_max > kMaxLevel || ed.level_min < 0)
    throw InputError("/edition", "edition " + ed.name + " has levels outside 0–255, which uint8 columns cannot hold");
  if (ed.gate && ed.gate->affairs.size() > kMaxGateAffairs)
    throw InputError("/edition", "edition " + ed.name + "'s count gate lists " + std::to_string(ed.gate->affairs.size()) +
                                     " affairs; the affairs column holds " + std::to_string(kMaxGateAffairs));
  auto need = [](const void* p, std::size_t count, const char* name) {
    if (count > 0 && !p) throw InputError(std::string("/") + name, std::string(name) + " is missing");
  };
  const std::size_t G = ed.government_rows.size(), K = ed.innovation_rows.size();
  need(c.government_levels, c.regions * G, "government_levels");
  need(c.innovation_levels, c.innovations * K, "innovation_levels");
  need(c.status, c.innovations, "status");
  if (!c.region_offsets) throw InputError("/region_offsets", "region_offsets is missing");
  if (c.region_offsets[0] != 0)
    throw InputError("/region_offsets/0", "must be 0, not " + std::to_string(c.region_offsets[0]));
  // A branch-free pass (it vectorises) finds whether any offset decreases; a second finds which.
  bool decreases = false;
  for (std::size_t r = 0; r < c.regions; ++r) decreases |= c.region_offsets[r + 1] < c.region_offsets[r];
  for (std::size_t r = 0; decreases && r < c.regions; ++r)
    if (c.region_offsets[r + 1] < c.region_offsets[r])
      throw InputError("/region_offsets/" + std::to_string(r + 1),
                       "offsets must not decrease (" + std::to_string(c.region_offsets[r + 1]) + " after " +
                           std::to_string(c.region_offsets[r]) + ")");
  if (static_cast<std::size_t>(c.region_offsets[c.regions]) != c.innovations)
    throw InputError("/region_offsets/" + std::to_string(c.regions),
                     "the last offset must equal the number of innovations (" + std::to_string(c.innovations) +
                         "), not " + std::to_string(c.region_offsets[c.regions]));
}

void score_batch(const ColumnsView& c, const BatchOutputView& out, int threads) {
  validate(c);
  if (!out.iid_h && c.regions > 0) throw InputError("/iid_h", "no output array for iid_h");
  Plan plan(*c.edition);
  plan.size_for(c);
  plan.rule = c.cap_rule;
  std::size_t T = thread_count(threads);
  T = std::max<std::size_t>(1, std::min(T, c.regions));
  if (T == 1) {
    score_range(plan, c, out, 0, c.regions);
    return;
  }
  // Contiguous chunks of regions, several per thread, balanced by innovations (plus one per
  // region for its fixed cost), taken in order from a shared counter: a thread that started late
  // or runs on a slowed core takes fewer chunks, instead of the whole run waiting for it.
  const std::size_t chunks = std::min(c.regions, T * kChunksPerThread);
  std::vector<std::size_t> cut(chunks + 1, c.regions);
  cut[0] = 0;
  // The offsets, validated above, do not decrease: each cut is found by binary search.
  const double work = static_cast<double>(c.innovations + c.regions);
  for (std::size_t i = 1; i < chunks; ++i) {
    const double target = work * static_cast<double>(i) / static_cast<double>(chunks);
    std::size_t lo = cut[i - 1], hi = c.regions;  // the first region whose work before it reaches target
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (static_cast<double>(c.region_offsets[mid] + static_cast<std::int64_t>(mid)) < target)
        lo = mid + 1;
      else
        hi = mid;
    }
    cut[i] = lo;
  }
  // Each chunk stops at its first bad value. The error of the earliest failing chunk is the one
  // a single-threaded run would have raised, so errors do not depend on the thread count; chunks
  // after a failed one are skipped, never chunks before it.
  std::vector<std::exception_ptr> errors(chunks);
  std::atomic<std::size_t> next{0}, first_failed{chunks};
  auto part = [&](std::size_t /*thread*/) {
    for (std::size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < chunks;) {
      if (i > first_failed.load(std::memory_order_relaxed)) continue;
      try {
        score_range(plan, c, out, cut[i], cut[i + 1]);
      } catch (...) {
        errors[i] = std::current_exception();
        std::size_t f = first_failed.load(std::memory_order_relaxed);
        while (i < f && !first_failed.compare_exchange_weak(f, i, std::memory_order_relaxed)) {
        }
      }
    }
  };
  detail::run_parts(T, part);
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

namespace {

// Per-region result arrays of `regions` elements, and the output view over them.
BatchOutputView sized_view(BatchResult& r, std::size_t regions) {
  for (auto* v : {&r.iid_h, &r.government_h, &r.innovation_sum_h, &r.count_h}) v->resize(regions);
  r.category.resize(regions);
  r.counted.resize(regions);
  r.divisor.resize(regions);
  return {r.iid_h.data(),   r.category.data(), r.government_h.data(), r.innovation_sum_h.data(),
          r.counted.data(), r.divisor.data(),  r.count_h.data()};
}

}  // namespace

BatchInnovationResult score_batch_innovations(const ColumnsView& c, int threads) {
  BatchInnovationResult res;
  BatchOutputView out = sized_view(res.regions, c.regions);
  res.points_h.resize(c.innovations);
  res.counted.resize(c.innovations);
  out.innovation_points_h = res.points_h.data();
  out.innovation_counted = res.counted.data();
  score_batch(c, out, threads);
  return res;
}

BatchResult score_batch(const ColumnsView& c, int threads) {
  BatchResult res;
  score_batch(c, sized_view(res, c.regions), threads);
  return res;
}

namespace {

// The raw value of an answer, into its aspect's table (-1: none given).
std::int32_t value_of(const Answer& a, Columns::ValueTable& t) {
  if (!a.has_value) return -1;
  t.value.push_back(a.value_text);
  t.basis.push_back(a.basis);
  return static_cast<std::int32_t>(t.value.size() - 1);
}

// The columns every form shares (levels, status, affairs, offsets, ids, departments, raw
// values, region metadata); `caps` adds a region's caps, if the form has any.
template <class Caps>
Columns build_columns(const std::vector<Submission>& subs, Caps&& caps) {
  Columns c;
  if (subs.empty()) throw InputError("", "no submissions to put in columns");
  c.edition = subs.front().edition;
  const Edition& ed = *c.edition;
  const std::size_t G = ed.government_rows.size(), K = ed.innovation_rows.size();
  c.regions = subs.size();
  std::size_t total = 0;
  for (const auto& s : subs) total += s.innovations.size();
  c.government_levels.reserve(c.regions * G);
  c.innovation_levels.reserve(total * K);
  c.government_value.reserve(c.regions * G);
  c.innovation_value.reserve(total * K);
  c.status.reserve(total);
  c.affairs.reserve(total);
  c.innovation_ids.reserve(total);
  c.department_index.reserve(total);
  std::map<std::string, std::uint32_t, std::less<>> department_of;
  for (std::size_t i = 0; i < subs.size(); ++i) {
    const Submission& sub = subs[i];
    if (sub.edition.get() != c.edition.get() && sub.edition->name != ed.name)
      throw InputError("/" + std::to_string(i) + "/edition",
                       "region " + sub.region.code + " is under " + sub.edition->name + ", not " + ed.name +
                           ": columns hold one edition");
    for (std::size_t k = 0; k < G; ++k) {
      const Answer& a = sub.government[ed.government_rows[k]];
      c.government_levels.push_back(static_cast<std::uint8_t>(a.level));
      c.government_value.push_back(value_of(a, c.government_values));
    }
    for (std::size_t j = 0; j < sub.innovations.size(); ++j) {
      const Innovation& inv = sub.innovations[j];
      for (std::size_t k = 0; k < K; ++k) {
        const Answer& a = inv.answers[ed.innovation_rows[k]];
        c.innovation_levels.push_back(static_cast<std::uint8_t>(a.level));
        c.innovation_value.push_back(value_of(a, c.innovation_values));
      }
      c.status.push_back(static_cast<std::uint8_t>(detail::standing(ed, inv)));
      std::uint64_t bits = 0;
      if (ed.gate)
        for (std::size_t g = 0; g < ed.gate->affairs.size(); ++g)
          if (std::find(inv.affairs.begin(), inv.affairs.end(), ed.gate->affairs[g]) != inv.affairs.end())
            bits |= 1ull << g;
      c.affairs.push_back(bits);
      c.innovation_ids.push_back(inv.id);
      auto [at, fresh] = department_of.try_emplace(inv.department, static_cast<std::uint32_t>(c.departments.size()));
      if (fresh) c.departments.push_back(inv.department);
      c.department_index.push_back(at->second);
    }
    caps(c, sub);
    c.innovations += sub.innovations.size();
    c.region_offsets.push_back(static_cast<std::int64_t>(c.innovations));
    c.codes.push_back(sub.region.code);
    c.names.push_back(sub.region.name);
    c.provinces.push_back(sub.region.province);
    c.types.push_back(static_cast<std::uint8_t>(sub.region.type));
    c.clusters.push_back(cluster_bits(sub.region.clusters));
  }
  // No value given anywhere in an aspect: its index stays empty (every entry would be -1).
  if (c.government_values.value.empty()) c.government_value.clear();
  if (c.innovation_values.value.empty()) c.innovation_value.clear();
  return c;
}

}  // namespace

Columns to_columns(const std::vector<Submission>& subs, Policy policy) {
  if (policy == Policy::self_assessed) return build_columns(subs, [](Columns&, const Submission&) {});
  return build_columns(subs, [policy](Columns& c, const Submission& sub) {
    const Score sc = score(sub, {policy, true});
    for (const auto& r : sc.government) c.government_caps.push_back(static_cast<std::uint8_t>(r.level));
    const std::size_t K = sub.edition->innovation_rows.size();
    for (const auto& inv : sc.innovations)
      for (std::size_t k = 0; k < K; ++k)
        c.innovation_caps.push_back(inv.rows.empty() ? 0 : static_cast<std::uint8_t>(inv.rows[k].level));
  });
}

Columns to_policy_columns(const std::vector<Submission>& subs) {
  Columns cols = build_columns(subs, [](Columns& c, const Submission& sub) {
    const Edition& ed = *sub.edition;
    for (int idx : ed.government_rows) {
      const AnswerCheck chk = check_answer(sub, -1, idx);
      c.government_supported_cap.push_back(static_cast<std::uint8_t>(chk.supported_cap));
      c.government_assessor_cap.push_back(static_cast<std::uint8_t>(chk.assessor_cap));
      c.government_acceptance.push_back(acceptance_q16(chk.acceptance));
    }
    for (std::size_t j = 0; j < sub.innovations.size(); ++j)
      for (int idx : ed.innovation_rows) {
        // Drafts and rejected innovations score nothing under any policy; their caps are kept
        // all the same, so that a scenario that counts them is validated too.
        const AnswerCheck chk = check_answer(sub, static_cast<int>(j), idx);
        c.innovation_supported_cap.push_back(static_cast<std::uint8_t>(chk.supported_cap));
        c.innovation_assessor_cap.push_back(static_cast<std::uint8_t>(chk.assessor_cap));
        c.innovation_acceptance.push_back(acceptance_q16(chk.acceptance));
      }
  });
  cols.policy_caps = true;
  return cols;
}

}  // namespace inovasi
