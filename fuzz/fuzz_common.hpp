#pragma once
// Shared by the fuzz targets: scoring a parsed submission under every policy. Anything the
// parser accepted must score without an exception of any kind, so none is caught here.
#include <string>

#include "inovasi/score.hpp"
#include "inovasi/submission.hpp"

namespace inovasi_fuzz {

// `check_range`: the IID lies in [0, 100] (a shipped edition's maximum total is the sum of its
// weights; an arbitrary edition file may state another).
inline void score_under(const inovasi::Submission& s, inovasi::Policy p, bool check_range = true) {
  inovasi::ScoreOptions o;
  o.policy = p;
  const inovasi::Score sc = inovasi::score(s, o);
  const std::string json = inovasi::to_json(sc, *s.edition);
  if (json.empty() || json.front() != '{') __builtin_trap();
  if (check_range && (sc.iid_h < 0 || sc.iid_h > 10000)) __builtin_trap();
}

inline constexpr inovasi::Policy kPolicies[] = {inovasi::Policy::self_assessed, inovasi::Policy::supported,
                                                inovasi::Policy::strict, inovasi::Policy::assessor};

inline void score_everything(const inovasi::Submission& s, bool check_range = true) {
  for (inovasi::Policy p : kPolicies) score_under(s, p, check_range);
  (void)inovasi::prevalidate(s);
}

}  // namespace inovasi_fuzz
