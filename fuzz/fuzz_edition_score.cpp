// User editions scored end to end: the input is an edition (JSON). If it loads, a few regions
// drawn deterministically from the input bytes (levels, statuses, affairs, dates) are scored
// with score() under every policy and with the batch (to_columns + score_batch). Findings: a
// crash or undefined behaviour (an overflow the edition loader should have refused), an IID
// outside 0-100 (iid_h outside 0..10000), and any disagreement between score() and the batch.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "inovasi/batch.hpp"
#include "inovasi/edition.hpp"
#include "inovasi/error.hpp"
#include "inovasi/score.hpp"
#include "inovasi/submission.hpp"

namespace {

struct Rng {
  std::uint64_t s;
  std::uint64_t next() {  // xorshift64*
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 2685821657736338717ull;
  }
  int below(int n) { return n <= 0 ? 0 : static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
};

std::uint64_t fnv1a(const std::uint8_t* p, std::size_t n) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h | 1;  // xorshift needs a non-zero state
}

// A level in range, biased to the ends (0 and the top level are where the arithmetic peaks).
int level(Rng& r, const inovasi::Edition& ed) {
  switch (r.below(4)) {
    case 0: return ed.level_min;
    case 1: return ed.level_max;
    default: return ed.level_min + r.below(ed.level_max - ed.level_min + 1);
  }
}

inovasi::Submission region(Rng& r, const inovasi::EditionPtr& ed, int index) {
  inovasi::Submission s;
  s.edition = ed;
  s.region.code = "35." + std::to_string(10 + index);
  s.region.name = "Fuzz " + std::to_string(index);
  s.region.type = inovasi::RegionType::kota;
  s.government.assign(ed->rows.size(), inovasi::Answer{});
  for (int i : ed->government_rows) {
    auto& a = s.government[i];
    a.present = r.below(8) != 0;
    a.level = a.present ? level(r, *ed) : 0;
    a.level_given = a.present;
  }
  // Up to a few more innovations than the divisor's minimum, so both sides of max(d_min, n)
  // and of the count cap are reached now and then.
  const int n = r.below(2) ? r.below(6) : r.below(std::min(ed->divisor_minimum, 40) + 4);
  for (int j = 0; j < n; ++j) {
    inovasi::Innovation inv;
    inv.id = "i" + std::to_string(j);
    inv.name = inv.id;
    inv.department = "D" + std::to_string(r.below(3));
    inv.source_index = static_cast<std::size_t>(j);
    const int st = r.below(6);
    inv.status = st == 0 ? inovasi::Status::draft : st == 1 ? inovasi::Status::rejected : inovasi::Status::submitted;
    inv.kind = r.below(2) ? inovasi::Kind::digital : inovasi::Kind::non_digital;
    if (ed->gate)
      for (const auto& af : ed->gate->affairs)
        if (r.below(3) == 0) inv.affairs.push_back(af);
    if (r.below(4) == 0) inv.affairs.push_back("not-a-gate-affair");
    switch (r.below(4)) {
      case 0: break;  // no date: eligible
      case 1: inv.applied_date = std::to_string(ed->t0_year()) + "-06-30"; break;
      case 2: inv.applied_date = std::to_string(ed->t0_year() - 3) + "-01-01"; break;
      default:
        if (ed->eligibility) inv.applied_date = r.below(2) ? ed->eligibility->applied_from : ed->eligibility->applied_to;
    }
    inv.answers.reset(ed->rows.size());
    for (int i : ed->innovation_rows) {
      auto& a = inv.answers.edit(static_cast<std::size_t>(i));
      a.present = r.below(8) != 0;
      a.level = a.present ? level(r, *ed) : 0;
      a.level_given = a.present;
    }
    s.innovations.push_back(std::move(inv));
  }
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  inovasi::EditionPtr ed;
  try {
    ed = inovasi::parse_edition(std::string(reinterpret_cast<const char*>(data), size), "fuzz");
  } catch (const inovasi::InputError&) {
    return 0;
  }
  Rng rng{fnv1a(data, size)};
  std::vector<inovasi::Submission> subs;
  for (int i = 0; i < 3; ++i) subs.push_back(region(rng, ed, i));

  for (inovasi::Policy p : inovasi_fuzz::kPolicies) {
    std::vector<inovasi::Score> scores;
    for (const auto& s : subs) {
      inovasi::ScoreOptions o;
      o.policy = p;
      scores.push_back(inovasi::score(s, o));
      const auto& sc = scores.back();
      if (sc.iid_h < 0 || sc.iid_h > 10000) __builtin_trap();
      if (inovasi::to_json(sc, *ed).front() != '{') __builtin_trap();
    }
    const inovasi::Columns cols = inovasi::to_columns(subs, p);
    const inovasi::BatchResult b = inovasi::score_batch(cols.view(), 1);
    for (std::size_t r = 0; r < subs.size(); ++r) {
      const auto& sc = scores[r];
      if (b.iid_h[r] != sc.iid_h || ed->category_label(b.category[r]) != sc.category ||
          b.government_h[r] != sc.government_h || b.innovation_sum_h[r] != sc.innovation_sum_h ||
          b.count_h[r] != sc.count_h || b.counted[r] != sc.innovations_counted || b.divisor[r] != sc.divisor)
        __builtin_trap();
    }
  }
  return 0;
}
