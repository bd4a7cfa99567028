// Fraction: exact rationals over 128-bit terms (the public type keeps the terms as words).
#include <algorithm>
#include <compare>
#include <stdexcept>
#include <string>

#include "inovasi/decimal.hpp"
#include "model/wide.hpp"

namespace inovasi {

namespace {

int128 gcd128(int128 a, int128 b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b) {
    int128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

int128 checked_mul(int128 a, int128 b) {
  int128 r;
  if (__builtin_mul_overflow(a, b, &r)) throw std::overflow_error("Fraction: a term beyond 128 bits");
  return r;
}

int128 checked_add(int128 a, int128 b) {
  int128 r;
  if (__builtin_add_overflow(a, b, &r)) throw std::overflow_error("Fraction: a term beyond 128 bits");
  return r;
}

// a/b <=> c/d for b, d > 0 and a, c >= 0, without products that could overflow: the integer
// parts first, then the remainders compared through their reciprocals (Euclid's steps).
std::strong_ordering compare_non_negative(int128 a, int128 b, int128 c, int128 d) {
  bool flipped = false;
  for (;;) {
    const int128 q1 = a / b, q2 = c / d;
    if (q1 != q2) return flipped ? q2 <=> q1 : q1 <=> q2;
    a %= b;
    c %= d;
    if (a == 0 || c == 0) {
      const auto r = (a != 0) <=> (c != 0);
      return flipped ? 0 <=> r : r;
    }
    // Both remainders in (0, 1): a/b <=> c/d is the reverse of b/a <=> d/c.
    std::swap(a, b);
    std::swap(c, d);
    flipped = !flipped;
  }
}

}  // namespace

std::string int128_text(int128 v) {
  if (v == 0) return "0";
  const bool neg = v < 0;
  std::string s;
  while (v) {
    const int digit = static_cast<int>(v % 10);
    s.push_back(static_cast<char>('0' + (digit < 0 ? -digit : digit)));
    v /= 10;
  }
  if (neg) s.push_back('-');
  std::reverse(s.begin(), s.end());
  return s;
}

Fraction make_fraction(int128 num, int128 den) {
  if (den < 0) {
    num = -num;
    den = -den;
  }
  const int128 g = gcd128(num, den);
  if (g > 1) {
    num /= g;
    den /= g;
  }
  if (num == 0) den = 1;
  return FractionAccess::raw(num, den);
}

Fraction Fraction::of(std::int64_t num, std::int64_t den) {
  if (den == 0) throw std::invalid_argument("Fraction::of: a zero denominator");
  return make_fraction(num, den);
}

std::string Fraction::to_string() const {
  if (den_of(*this) == 1) return int128_text(num_of(*this));
  return int128_text(num_of(*this)) + "/" + int128_text(den_of(*this));
}

std::string Fraction::numerator() const { return int128_text(num_of(*this)); }
std::string Fraction::denominator() const { return int128_text(den_of(*this)); }

double Fraction::to_double() const {
  return static_cast<double>(num_of(*this)) / static_cast<double>(den_of(*this));
}

Fraction operator+(const Fraction& a, const Fraction& b) {
  return make_fraction(checked_add(checked_mul(num_of(a), den_of(b)), checked_mul(num_of(b), den_of(a))),
                       checked_mul(den_of(a), den_of(b)));
}

Fraction operator-(const Fraction& a, const Fraction& b) {
  return make_fraction(checked_add(checked_mul(num_of(a), den_of(b)), checked_mul(-num_of(b), den_of(a))),
                       checked_mul(den_of(a), den_of(b)));
}

std::strong_ordering operator<=>(const Fraction& a, const Fraction& b) {
  const int sa = a.sign(), sb = b.sign();
  if (sa != sb) return sa <=> sb;
  if (sa == 0) return std::strong_ordering::equal;
  if (sa > 0) return compare_non_negative(num_of(a), den_of(a), num_of(b), den_of(b));
  // Both negative: -a <=> -b, reversed. (A numerator of -2^127 cannot occur: lowest terms of
  // products of 64-bit values stay far inside the range.)
  return compare_non_negative(-num_of(b), den_of(b), -num_of(a), den_of(a));
}

}  // namespace inovasi
