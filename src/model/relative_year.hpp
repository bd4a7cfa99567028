#pragma once
// Internal: "T-k", a year counted back from T-0 (the edition's reference year), the one reader
// and writer of that text for editions, submissions and evidence messages.
#include <optional>
#include <string>
#include <string_view>

namespace inovasi::detail {

// "T-" and one or two decimal digits → k (0 … 99); anything else (a sign, a space, a third
// digit, "T-" alone) → nullopt. Callers bound k further (an edition's windows reach T-9).
inline std::optional<int> parse_relative_year(std::string_view s) {
  if (s.size() < 3 || s.size() > 4 || s[0] != 'T' || s[1] != '-') return std::nullopt;
  int k = 0;
  for (char c : s.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
    k = k * 10 + (c - '0');
  }
  return k;
}

inline std::string relative_year_text(int k) { return "T-" + std::to_string(k); }

}  // namespace inovasi::detail
