#pragma once
// Exact decimal numbers read from their text: thresholds and raw values are compared without
// any float round trip (8.17 is 8.17, not 8.1699999...).
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace inovasi {


class Decimal {
 public:
  Decimal() = default;  // zero
  // Parses JSON number syntax (-?digits[.digits][e[+-]digits]) exactly: 0.1e1 is 1, 100e-2 is
  // 1, 1e-401 is 1e-401 (not zero). Returns nullopt on bad syntax, when the magnitude is beyond
  // a double's range (1e400), below 1e-1000000, or with more than 400 significant digits.
  static std::optional<Decimal> parse(std::string_view text);
  static Decimal from_int(std::int64_t v);

  bool is_zero() const noexcept { return digits_.empty(); }
  bool negative() const noexcept { return negative_; }
  bool is_integer() const noexcept { return is_zero() || exponent_ >= 0; }
  // value × 10^scale as an integer, if exact and it fits int64 (the whole range).
  std::optional<std::int64_t> scaled(int scale) const;
  double to_double() const;
  std::string to_string() const;  // canonical, e.g. "8.17", "-50.33", "200"

  friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b);
  friend bool operator==(const Decimal& a, const Decimal& b) = default;

 private:
  bool negative_ = false;
  std::string digits_;  // no leading or trailing zeros; empty for zero
  std::int32_t exponent_ = 0;  // value = digits × 10^exponent
};

// An exact rational in lowest terms with a positive denominator: the exact values of a score
// (the unrounded IID, averages, shares of the IID). The library computes its terms as 128-bit
// integers; this type keeps each as two 64-bit words, so that no compiler extension shows in a
// public header.
class Fraction {
 public:
  Fraction() = default;  // 0
  // num/den in lowest terms; std::invalid_argument when den is 0.
  static Fraction of(std::int64_t num, std::int64_t den);

  std::string to_string() const;    // "p/q", or "p" when q == 1
  std::string numerator() const;    // decimal text, signed
  std::string denominator() const;  // decimal text, positive
  double to_double() const;
  int sign() const noexcept { return num_hi_ < 0 ? -1 : (num_hi_ == 0 && num_lo_ == 0) ? 0 : 1; }

  // Exact; std::overflow_error when a term would not fit in 128 bits.
  friend Fraction operator+(const Fraction& a, const Fraction& b);
  friend Fraction operator-(const Fraction& a, const Fraction& b);
  friend std::strong_ordering operator<=>(const Fraction& a, const Fraction& b);
  friend bool operator==(const Fraction&, const Fraction&) = default;  // lowest terms: exact

 private:
  std::uint64_t num_lo_ = 0, den_lo_ = 1;
  std::int64_t num_hi_ = 0, den_hi_ = 0;
  friend struct FractionAccess;  // the library's view of the terms (src/model/wide.hpp)
};

// Integer hundredths as decimal text, the one formatter of every surface (score JSON, error
// messages, the Python face, synthetic values). No rounding is involved: h is exact.
// Two places always: 4576 → "45.76", 4570 → "45.70", -5 → "-0.05", 0 → "0.00".
std::string hundredths_text(std::int64_t h);
// The shortest exact text (trailing zeros and a bare point dropped): 4570 → "45.7",
// 300 → "3", -5 → "-0.05", 0 → "0".
std::string hundredths_text_short(std::int64_t h);

}  // namespace inovasi
