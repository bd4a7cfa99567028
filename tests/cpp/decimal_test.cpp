#include "inovasi/decimal.hpp"

#include <gtest/gtest.h>

using inovasi::Decimal;

static Decimal D(const char* s) {
  auto d = Decimal::parse(s);
  EXPECT_TRUE(d.has_value()) << s;
  return d.value_or(Decimal());
}

TEST(Decimal, ParsesExactlyFromText) {
  EXPECT_EQ(D("8.17").to_string(), "8.17");
  EXPECT_EQ(D("-50.33").to_string(), "-50.33");
  EXPECT_EQ(D("80.00").to_string(), "80");
  EXPECT_EQ(D("1e2").to_string(), "100");
  EXPECT_EQ(D("0.0001").to_string(), "0.0001");
  EXPECT_EQ(D("-0").to_string(), "0");
  EXPECT_EQ(D("12.5e-1").to_string(), "1.25");
}

TEST(Decimal, ComparesWithoutFloatRoundTrip) {
  EXPECT_TRUE(D("8.17") > D("8.16"));
  EXPECT_TRUE(D("8.17") == D("8.170"));
  EXPECT_TRUE(D("8.1699999999999999") < D("8.17"));
  EXPECT_TRUE(D("-50.33") < D("-50.32"));
  EXPECT_TRUE(D("-1") < D("0"));
  EXPECT_TRUE(D("0") < D("0.00000001"));
  EXPECT_TRUE(D("100") > D("99.99"));
  EXPECT_TRUE(D("-100") < D("-99.99"));
  EXPECT_TRUE(D("1e3") == D("1000"));
}

TEST(Decimal, ScaledIsExactOrNothing) {
  EXPECT_EQ(D("0.75").scaled(2), 75);
  EXPECT_EQ(D("0.38").scaled(2), 38);
  EXPECT_EQ(D("250").scaled(2), 25000);
  EXPECT_FALSE(D("0.125").scaled(2).has_value());
  EXPECT_EQ(D("-1.5").scaled(1), -15);
}

TEST(Decimal, RejectsBadTextAndHugeMagnitudes) {
  for (const char* s : {"", "-", "01", "1.", ".5", "1e", "NaN", "Infinity", "1e400", "--1", "1.5x"})
    EXPECT_FALSE(Decimal::parse(s).has_value()) << s;
  EXPECT_TRUE(Decimal::parse("1e308").has_value());
  EXPECT_TRUE(Decimal::parse("1e-400").has_value());
}

// The one hundredths formatter: an integer in, exact text out (no rounding can be involved).
TEST(HundredthsText, TwoPlacesForEveryInteger) {
  using inovasi::hundredths_text;
  EXPECT_EQ(hundredths_text(4576), "45.76");
  EXPECT_EQ(hundredths_text(4570), "45.70");
  EXPECT_EQ(hundredths_text(491392592), "4913925.92");
  EXPECT_EQ(hundredths_text(0), "0.00");
  EXPECT_EQ(hundredths_text(7), "0.07");
  EXPECT_EQ(hundredths_text(70), "0.70");
  EXPECT_EQ(hundredths_text(-5), "-0.05");
  EXPECT_EQ(hundredths_text(-99), "-0.99");
  EXPECT_EQ(hundredths_text(-100), "-1.00");
  EXPECT_EQ(hundredths_text(-4576), "-45.76");
  EXPECT_EQ(hundredths_text(INT64_MAX), "92233720368547758.07");
  EXPECT_EQ(hundredths_text(INT64_MIN), "-92233720368547758.08");
}

TEST(HundredthsText, ShortDropsTrailingZerosOnly) {
  using inovasi::hundredths_text_short;
  EXPECT_EQ(hundredths_text_short(4570), "45.7");
  EXPECT_EQ(hundredths_text_short(4576), "45.76");
  EXPECT_EQ(hundredths_text_short(1005), "10.05");
  EXPECT_EQ(hundredths_text_short(300), "3");
  EXPECT_EQ(hundredths_text_short(100000), "1000");
  EXPECT_EQ(hundredths_text_short(0), "0");
  EXPECT_EQ(hundredths_text_short(-5), "-0.05");
  EXPECT_EQ(hundredths_text_short(-50), "-0.5");
  EXPECT_EQ(hundredths_text_short(-300), "-3");
  EXPECT_EQ(hundredths_text_short(INT64_MIN), "-92233720368547758.08");
}

TEST(HundredthsText, ReadsBackAsTheSameHundredths) {
  // Oracle: the exact decimal reader gives the integer back, over a spread of magnitudes and
  // signs (a linear congruential walk; deterministic) up to 18 digits, the reader's limit.
  std::uint64_t x = 12345;
  for (int i = 0; i < 20000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const auto h = static_cast<std::int64_t>(x) >> (4 + i % 60);
    for (const std::string& s : {inovasi::hundredths_text(h), inovasi::hundredths_text_short(h)}) {
      auto d = Decimal::parse(s);
      ASSERT_TRUE(d.has_value()) << s;
      ASSERT_EQ(d->scaled(2), h) << s;
    }
    const std::string two = inovasi::hundredths_text(h);
    ASSERT_EQ(two[two.size() - 3], '.') << two;
    const std::string shrt = inovasi::hundredths_text_short(h);
    ASSERT_TRUE(shrt.back() != '0' || shrt.find('.') == std::string::npos) << shrt;
    ASSERT_EQ(shrt, Decimal::parse(shrt)->to_string());  // the canonical text of the value
  }
}

TEST(Decimal, TinyAndHugeExponentsAreExactOrRefused) {
  // Exact: a tiny number is not zero, and a whole number written with a fraction or an
  // exponent is that whole number.
  EXPECT_FALSE(D("1e-401").is_zero());
  EXPECT_FALSE(D("1e-401").is_integer());
  EXPECT_TRUE(D("0") < D("1e-401"));
  EXPECT_TRUE(D("1e-401") < D("1e-400"));
  EXPECT_TRUE(D("-1e-401") < D("0"));
  EXPECT_EQ(D("1e-401").to_string(), "1e-401");
  EXPECT_TRUE(D("0.1e1") == D("1"));
  EXPECT_TRUE(D("0.1e1").is_integer());
  EXPECT_EQ(D("100e-2").scaled(0), 1);
  EXPECT_EQ(D("2.50e1").scaled(0), 25);
  EXPECT_FALSE(D("2.0000000000000000000001").is_integer());
  EXPECT_TRUE(D("0e999999999").is_zero());
  EXPECT_TRUE(Decimal::parse("1e-999999").has_value());
  // Refused: beyond a double's range, or an exponent beyond the bound kept in int32.
  for (const char* s : {"1e309", "1e400", "-1e400", "1e-1000001", "1e-99999999999"})
    EXPECT_FALSE(Decimal::parse(s).has_value()) << s;
}

TEST(Decimal, ScaledCoversTheWholeInt64Range) {
  EXPECT_EQ(D("9223372036854775807").scaled(0), INT64_MAX);
  EXPECT_EQ(D("-9223372036854775808").scaled(0), INT64_MIN);
  EXPECT_FALSE(D("9223372036854775808").scaled(0).has_value());
  EXPECT_FALSE(D("-9223372036854775809").scaled(0).has_value());
  EXPECT_EQ(D("92233720368547758.07").scaled(2), INT64_MAX);
  EXPECT_FALSE(D("92233720368547758.08").scaled(2).has_value());
  EXPECT_EQ(D("1e18").scaled(0), 1000000000000000000);
  EXPECT_FALSE(D("1e19").scaled(0).has_value());
  EXPECT_FALSE(D("1e-401").scaled(2).has_value());
}

// Fraction: the public face of the library's 128-bit exact values.
TEST(Fraction, LowestTermsWithAPositiveDenominator) {
  using inovasi::Fraction;
  EXPECT_EQ(Fraction().to_string(), "0");
  EXPECT_EQ(Fraction::of(17159 * 4, 15 * 100).to_string(), "17159/375");
  EXPECT_EQ(Fraction::of(3, -6).to_string(), "-1/2");
  EXPECT_EQ(Fraction::of(-3, 6), Fraction::of(1, -2));
  EXPECT_EQ(Fraction::of(0, -7), Fraction());
  EXPECT_EQ(Fraction::of(12, 4).to_string(), "3");
  EXPECT_EQ(Fraction::of(-12, 8).numerator(), "-3");
  EXPECT_EQ(Fraction::of(-12, 8).denominator(), "2");
  EXPECT_EQ(Fraction::of(-12, 8).sign(), -1);
  EXPECT_EQ(Fraction::of(0, 8).sign(), 0);
  EXPECT_DOUBLE_EQ(Fraction::of(1, 4).to_double(), 0.25);
  EXPECT_THROW(Fraction::of(1, 0), std::invalid_argument);
}

TEST(Fraction, TermsBeyondSixtyFourBits) {
  using inovasi::Fraction;
  constexpr std::int64_t big = INT64_MAX;  // 9223372036854775807
  const Fraction two = Fraction::of(big, 1) + Fraction::of(big, 1);
  EXPECT_EQ(two.to_string(), "18446744073709551614");
  EXPECT_EQ((two - Fraction::of(big, 1)).to_string(), "9223372036854775807");
  EXPECT_EQ((Fraction::of(1, big) + Fraction::of(1, big - 1)).to_string(),
            "18446744073709551613/85070591730234615838173535747377725442");
  EXPECT_EQ(Fraction::of(INT64_MIN, 1).to_string(), "-9223372036854775808");
  // (2^63 - 1)^2 · 4 no longer fits: an error, not a wrapped value.
  const Fraction sq = Fraction::of(1, big) + Fraction::of(1, big - 1);
  EXPECT_THROW(sq + Fraction::of(1, 3) + Fraction::of(1, 5) + Fraction::of(1, big - 2), std::overflow_error);
}

TEST(Fraction, OrderAgreesWithCrossMultiplication) {
  using inovasi::Fraction;
  __extension__ typedef __int128 wide;  // the oracle's own arithmetic
  std::uint64_t x = 88172645463325252ull;
  auto next = [&] {  // xorshift64: a fixed sequence
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (int i = 0; i < 20000; ++i) {
    const auto an = static_cast<std::int64_t>(next() % 2001) - 1000, ad = static_cast<std::int64_t>(next() % 97) + 1;
    const auto bn = static_cast<std::int64_t>(next() % 2001) - 1000, bd = static_cast<std::int64_t>(next() % 97) + 1;
    const wide l = wide(an) * bd, r = wide(bn) * ad;
    const Fraction a = Fraction::of(an, ad), b = Fraction::of(bn, bd);
    ASSERT_EQ(a < b, l < r) << an << "/" << ad << " vs " << bn << "/" << bd;
    ASSERT_EQ(a == b, l == r) << an << "/" << ad << " vs " << bn << "/" << bd;
    ASSERT_EQ((a + b) - b, a);
  }
  // Close neighbours on large terms (Euclid's steps, no product of the terms).
  EXPECT_LT(Fraction::of(INT64_MAX - 1, INT64_MAX), Fraction::of(INT64_MAX - 2, INT64_MAX - 1) + Fraction::of(1, INT64_MAX));
  EXPECT_GT(Fraction::of(INT64_MAX, INT64_MAX - 1), Fraction::of(INT64_MAX - 1, INT64_MAX - 2) - Fraction::of(1, INT64_MAX));
  EXPECT_LT(Fraction::of(-INT64_MAX, 3), Fraction::of(-INT64_MAX + 1, 3));
}
