#pragma once
// Internal: the edition rules that the JSON reader needs before a draft can hold a value (a
// number off the hundredths grid cannot become weight_h), so that the reader and
// EditionDraft::validate() give one message; and the engine's exact range.
#include <cstdint>
#include <string>
#include <string_view>

#include "inovasi/decimal.hpp"
#include "inovasi/edition.hpp"
#include "inovasi/submission.hpp"
#include "model/text.hpp"

namespace inovasi::detail {

// The engine's exact range, in hundredths of a point: a region's maximum total (and so its
// government points and count points) at most 2^40 (about 11 billion points), one innovation's
// maximum at most 2^31 (about 21 million points), so that kMaxInnovations of them sum within
// int64 (EditionDraft::validate bounds every product the engine forms).
inline constexpr std::int64_t kMaxTotalH = std::int64_t(1) << 40;
inline constexpr std::int64_t kMaxInnovationH = std::int64_t(1) << 31;
inline constexpr std::int64_t kMaxInnovations = ParseLimits::kMaxInnovationsCeiling;
static_assert(static_cast<int128>(kMaxInnovationH) * kMaxInnovations < (static_cast<int128>(1) << 63));

// The format's bounds on relative years in an edition (windows and year rules reach T-9).
inline constexpr int kMaxRelativeYear = 9;

inline std::string weight_grid_message(std::string_view shown) {
  return std::string(shown) + " is not a non-negative multiple of 0.25";
}
inline std::string rate_grid_message(std::string_view shown) {
  return std::string(shown) + " must be a non-negative multiple of 0.01";
}
inline std::string band_lower_message(std::string_view shown) {
  return std::string(shown) + " must be an IID between 0 and 100 with at most 2 decimals";
}
inline std::string max_total_grid_message() { return "must be a positive number with at most 2 decimals"; }
inline std::string provenance_mark_message(std::string_view shown) {
  return quoted(shown) + " is not a provenance mark (C, P or U)";
}
// `example` is the message's model of a relative year ("T-2" for windows, "T-1" for year rules).
inline std::string relative_year_message(std::string_view shown, std::string_view example) {
  return quoted(shown) + " is not a relative year like \"" + std::string(example) + "\"";
}
inline std::string range_message(std::string_view shown, std::int64_t lo, std::int64_t hi) {
  return std::string(shown) + " is out of range " + std::to_string(lo) + ".." + std::to_string(hi);
}

// Rules the reader must apply as soon as it knows the two facts, because the file's shape
// after them depends on them (a by_kind row's kinds are an object, a group_set rule has
// "needs"): "" when they hold, else the message (at .../derivation, .../rule). The draft
// applies them too.
std::string derivation_fits_row(Derivation d, InputKind row_input);
std::string rule_fits_derivation(EvidenceRule::Type t, Derivation d);

// Hundredths as text: the one formatter (hundredths_text_short) wherever the value fits an
// int64; the products the edition rules bound may not.
std::string show_h(int128 h);

// The parts of an edition's maximum total (Edition::max_total_of_weights is the rule's public
// face): government = Σ weight × level_max over the region rows, innovation = the same over
// the innovation rows, count = rate × cap. In 128 bits: a draft's parts are summed before
// they are bounded.
struct MaxTotalParts {
  int128 government = 0, innovation = 0, count = 0;
  int128 total() const { return government + innovation + count; }
};
template <class WeightOf, class IsInnovationRow>
MaxTotalParts max_total_parts(std::size_t rows, WeightOf weight_h, IsInnovationRow innovation_row,
                              std::int64_t level_max, std::int64_t count_rate_h, std::int64_t count_cap) {
  MaxTotalParts p;
  for (std::size_t i = 0; i < rows; ++i)
    (innovation_row(i) ? p.innovation : p.government) += static_cast<int128>(weight_h(i)) * level_max;
  p.count = static_cast<int128>(count_rate_h) * count_cap;
  return p;
}

}  // namespace inovasi::detail
