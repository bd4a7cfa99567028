#include "inovasi/decimal.hpp"

#include "model/wide.hpp"

#include <cstdlib>
#include <limits>

namespace inovasi {

std::optional<Decimal> Decimal::parse(std::string_view s) {
  std::size_t i = 0;
  Decimal d;
  if (i < s.size() && s[i] == '-') { d.negative_ = true; ++i; }
  std::string digits;
  long long exp = 0;
  std::size_t int_start = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') digits.push_back(s[i++]);
  if (i == int_start) return std::nullopt;
  if (i - int_start > 1 && s[int_start] == '0') return std::nullopt;  // leading zero
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t frac_start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') { digits.push_back(s[i++]); --exp; }
    if (i == frac_start) return std::nullopt;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
    std::size_t e_start = i;
    long long e = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (e < 100000000) e = e * 10 + (s[i] - '0');
      ++i;
    }
    if (i == e_start) return std::nullopt;
    exp += eneg ? -e : e;
  }
  if (i != s.size()) return std::nullopt;
  // Normalise: strip leading zeros, then trailing zeros into the exponent.
  std::size_t lead = digits.find_first_not_of('0');
  if (lead == std::string::npos) return Decimal{};  // zero (also "-0")
  digits.erase(0, lead);
  while (!digits.empty() && digits.back() == '0') { digits.pop_back(); ++exp; }
  long long adjusted = exp + static_cast<long long>(digits.size()) - 1;
  // Beyond a double's range is an input error (1e400). A tiny number is kept exactly, not
  // taken for zero: 1e-401 is not a whole level and lies above a threshold of 0. Its exponent
  // is only bounded to stay far inside int32.
  if (adjusted > 308 || adjusted < -1000000) return std::nullopt;
  if (digits.size() > 400) return std::nullopt;
  d.digits_ = std::move(digits);
  d.exponent_ = static_cast<std::int32_t>(exp);
  return d;
}

Decimal Decimal::from_int(std::int64_t v) {
  return *parse(std::to_string(v));
}

std::optional<std::int64_t> Decimal::scaled(int scale) const {
  if (is_zero()) return 0;
  long long e = static_cast<long long>(exponent_) + scale;
  if (e < 0) return std::nullopt;
  // Up to 19 digits, checked in 128 bits: the whole int64 range, INT64_MIN and INT64_MAX too.
  if (static_cast<long long>(digits_.size()) + e > 19) return std::nullopt;
  int128 v = 0;
  for (char c : digits_) v = v * 10 + (c - '0');
  for (long long k = 0; k < e; ++k) v *= 10;
  if (negative_) v = -v;
  if (v > INT64_MAX || v < INT64_MIN) return std::nullopt;
  return static_cast<std::int64_t>(v);
}

double Decimal::to_double() const { return std::strtod(to_string().c_str(), nullptr); }

std::string Decimal::to_string() const {
  if (is_zero()) return "0";
  std::string out = negative_ ? "-" : "";
  long long n = static_cast<long long>(digits_.size());
  if (exponent_ >= 0) {
    if (exponent_ > 30) return out + digits_ + "e" + std::to_string(exponent_);
    out += digits_;
    out.append(static_cast<std::size_t>(exponent_), '0');
  } else if (-exponent_ < n) {
    out += digits_.substr(0, static_cast<std::size_t>(n + exponent_));
    out += '.';
    out += digits_.substr(static_cast<std::size_t>(n + exponent_));
  } else {
    if (-exponent_ - n > 30) return out + digits_ + "e" + std::to_string(exponent_);
    out += "0.";
    out.append(static_cast<std::size_t>(-exponent_ - n), '0');
    out += digits_;
  }
  return out;
}

std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) {
  auto sign = [](const Decimal& d) { return d.is_zero() ? 0 : (d.negative_ ? -1 : 1); };
  int sa = sign(a), sb = sign(b);
  if (sa != sb) return sa <=> sb;
  if (sa == 0) return std::strong_ordering::equal;
  // Same sign: compare magnitudes, then flip for negatives.
  long long ea = a.exponent_ + static_cast<long long>(a.digits_.size());
  long long eb = b.exponent_ + static_cast<long long>(b.digits_.size());
  std::strong_ordering mag = std::strong_ordering::equal;
  if (ea != eb) {
    mag = ea <=> eb;
  } else {
    std::size_t n = std::max(a.digits_.size(), b.digits_.size());
    for (std::size_t i = 0; i < n && mag == 0; ++i) {
      char ca = i < a.digits_.size() ? a.digits_[i] : '0';
      char cb = i < b.digits_.size() ? b.digits_[i] : '0';
      mag = ca <=> cb;
    }
  }
  if (sa < 0) return 0 <=> mag;
  return mag;
}

std::string hundredths_text(std::int64_t h) {
  // The magnitude as unsigned, so that the most negative value has one too.
  const std::uint64_t a = h < 0 ? 0 - static_cast<std::uint64_t>(h) : static_cast<std::uint64_t>(h);
  std::string s = h < 0 ? "-" : "";
  s += std::to_string(a / 100);
  s += '.';
  s += static_cast<char>('0' + a % 100 / 10);
  s += static_cast<char>('0' + a % 10);
  return s;
}

std::string hundredths_text_short(std::int64_t h) {
  std::string s = hundredths_text(h);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace inovasi
