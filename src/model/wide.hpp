#pragma once
// The library's 128-bit integers (a GCC/Clang extension), kept out of the public headers: the
// exact intermediate products of the scoring arithmetic, and the terms of a Fraction.
#include <cstddef>
#include <cstdint>
#include <string>

#include "inovasi/decimal.hpp"
#include "inovasi/edition.hpp"

namespace inovasi {

__extension__ typedef __int128 int128;

// Fraction's terms as the library computes with them (Fraction keeps each as two words).
struct FractionAccess {
  static int128 num(const Fraction& f) { return join(f.num_hi_, f.num_lo_); }
  static int128 den(const Fraction& f) { return join(f.den_hi_, f.den_lo_); }
  // num/den as given: the caller guarantees lowest terms and den > 0.
  static Fraction raw(int128 num, int128 den) {
    Fraction f;
    split(num, f.num_hi_, f.num_lo_);
    split(den, f.den_hi_, f.den_lo_);
    return f;
  }

 private:
  __extension__ typedef unsigned __int128 uint128;
  static int128 join(std::int64_t hi, std::uint64_t lo) {
    return static_cast<int128>((static_cast<uint128>(static_cast<std::uint64_t>(hi)) << 64) | lo);
  }
  static void split(int128 v, std::int64_t& hi, std::uint64_t& lo) {
    lo = static_cast<std::uint64_t>(v);
    hi = static_cast<std::int64_t>(v >> 64);
  }
};

inline int128 num_of(const Fraction& f) { return FractionAccess::num(f); }
inline int128 den_of(const Fraction& f) { return FractionAccess::den(f); }
// num/den in lowest terms (den != 0; its sign moves to the numerator).
Fraction make_fraction(int128 num, int128 den);
std::string int128_text(int128 v);

// IID rounding: exact num/den (non-negative, already in hundredths) to a whole number of
// hundredths under the edition's mode.
std::int64_t round_hundredths(int128 num, int128 den, Rounding mode);

// Category bands of an IID given as the exact fraction num/den (not hundredths): the index of
// the band it falls in (edition.bands.size() is the lowest category), and its label.
std::size_t band_of_fraction(const Edition& ed, int128 num, int128 den);
const std::string& category_of_fraction(const Edition& ed, int128 num, int128 den);

}  // namespace inovasi
