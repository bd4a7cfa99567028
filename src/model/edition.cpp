#include "inovasi/edition.hpp"

#include <algorithm>
#include <stdexcept>

#include "model/edition_rules.hpp"

#include "model/wide.hpp"


namespace inovasi {

int Bands::level_for(const Decimal& v) const {
  for (const auto& t : thresholds) {
    auto c = v <=> t.value;
    bool reached = direction == Direction::higher ? (t.inclusive ? c >= 0 : c > 0)
                                                  : (t.inclusive ? c <= 0 : c < 0);
    if (reached) return t.level;
  }
  return otherwise;
}

int Row::level_for_years(const std::vector<int>& offsets, int level_min) const {
  auto has = [&](int o) { return std::find(offsets.begin(), offsets.end(), o) != offsets.end(); };
  std::vector<int> sorted(offsets);
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  for (const auto& rule : year_rules) {
    bool ok = false;
    switch (rule.op) {
      case YearRule::Op::all: ok = std::all_of(rule.offsets.begin(), rule.offsets.end(), has); break;
      case YearRule::Op::any: ok = std::any_of(rule.offsets.begin(), rule.offsets.end(), has); break;
      case YearRule::Op::min_count: ok = static_cast<int>(sorted.size()) >= rule.count; break;
      case YearRule::Op::min_consecutive: {
        int run = 0, best = 0, prev = -10;
        for (int o : sorted) {
          run = (o == prev + 1) ? run + 1 : 1;
          best = std::max(best, run);
          prev = o;
        }
        ok = best >= rule.count;
        break;
      }
    }
    if (ok) return rule.level;
  }
  return level_min;
}

int Edition::row_index(const std::string& key) const {
  auto it = index_.find(key);
  return it == index_.end() ? -1 : it->second;
}

std::size_t Edition::band_of_hundredths(std::int64_t iid_h) const {
  for (std::size_t i = 0; i < bands.size(); ++i) {
    const auto& b = bands[i];
    if (b.strict ? iid_h > b.lower_h : iid_h >= b.lower_h) return i;
  }
  return bands.size();
}

std::size_t band_of_fraction(const Edition& ed, int128 num, int128 den) {
  const auto& bands = ed.bands;
  for (std::size_t i = 0; i < bands.size(); ++i) {
    const auto& b = bands[i];
    const int128 lhs = num * 100, rhs = static_cast<int128>(b.lower_h) * den;
    if (b.strict ? lhs > rhs : lhs >= rhs) return i;
  }
  return bands.size();
}

const std::string& Edition::category_label(std::size_t band) const {
  return band < bands.size() ? bands[band].label : lowest_category;
}

const std::string& Edition::category_of_hundredths(std::int64_t iid_h) const {
  return category_label(band_of_hundredths(iid_h));
}

const std::string& category_of_fraction(const Edition& ed, int128 num, int128 den) {
  return ed.category_label(band_of_fraction(ed, num, den));
}

std::size_t Edition::band_of_fraction(const Fraction& iid) const {
  return inovasi::band_of_fraction(*this, num_of(iid), den_of(iid));
}

const std::string& Edition::category_of_fraction(const Fraction& iid) const {
  return category_label(band_of_fraction(iid));
}

namespace {
detail::MaxTotalParts parts_of(const Edition& ed, const std::int64_t* weight_h) {
  return detail::max_total_parts(
      ed.rows.size(), [&](std::size_t i) { return weight_h ? weight_h[i] : ed.rows[i].weight_h; },
      [&](std::size_t i) { return ed.rows[i].aspect_index == 1; }, ed.level_max, ed.count_rate_h, ed.count_cap);
}
}  // namespace

// A built edition's parts are bounded by EditionDraft::validate: they fit int64.
std::int64_t Edition::max_government_h() const { return static_cast<std::int64_t>(parts_of(*this, nullptr).government); }
std::int64_t Edition::max_innovation_h() const { return static_cast<std::int64_t>(parts_of(*this, nullptr).innovation); }
std::int64_t Edition::max_total_of_weights() const { return static_cast<std::int64_t>(parts_of(*this, nullptr).total()); }

std::int64_t Edition::max_total_of_weights(const std::vector<std::int64_t>& weight_h) const {
  if (weight_h.size() != rows.size())
    throw std::invalid_argument("max_total_of_weights: " + std::to_string(weight_h.size()) + " weights for " +
                                std::to_string(rows.size()) + " rows of " + name);
  for (std::int64_t w : weight_h)
    if (w < 0) throw std::invalid_argument("max_total_of_weights: a negative weight");
  const auto p = parts_of(*this, weight_h.data());
  // The engine's exact range, as EditionDraft::validate bounds a draft's weights.
  if (p.innovation > detail::kMaxInnovationH || p.total() > detail::kMaxTotalH)
    throw std::invalid_argument("max_total_of_weights: the weights give a maximum beyond the engine's exact range");
  return static_cast<std::int64_t>(p.total());
}

const char* to_string(Rounding r) { return r == Rounding::half_up ? "half_up" : "half_even"; }
const char* to_string(CategoryReading r) {
  return r == CategoryReading::rounded ? "rounded" : "unrounded";
}
const char* to_string(Severity s) {
  switch (s) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "?";
}
const char* to_string(Derivation d) {
  switch (d) {
    case Derivation::by_kind: return "by_kind";
    case Derivation::by_groups: return "by_groups";
    case Derivation::by_years: return "by_years";
    case Derivation::by_value: return "by_value";
  }
  return "?";
}
}  // namespace inovasi
