#pragma once
// Internal: typed access to a JNode with located errors.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "inovasi/decimal.hpp"
#include "inovasi/error.hpp"
#include "io/json_dom.hpp"

namespace inovasi::detail {

[[noreturn]] inline void fail(const std::string& ptr, const std::string& msg) {
  throw InputError(ptr.empty() ? "/" : ptr, msg);
}

// A value as shown in a message: a long one (a hostile 50 MB string) is cut at a UTF-8
// boundary, so an error costs little memory however it is kept.
inline std::string excerpt(std::string_view s) {
  constexpr std::size_t kShown = 120;
  if (s.size() <= kShown + 40) return std::string(s);
  std::size_t cut = kShown;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut)) + "… (" + std::to_string(s.size()) + " bytes)";
}

inline std::string quoted(std::string_view s) { return "\"" + excerpt(s) + "\""; }

inline void expect(const JNode& n, JType t, const std::string& ptr, std::string_view what = {}) {
  if (n.type != t) {
    std::string found = type_name(n.type);
    if (n.type == JType::number || n.type == JType::string)
      found += " (" + (n.type == JType::string ? quoted(n.text) : excerpt(n.text)) + ")";
    fail(ptr, std::string("expected ") + type_name(t) +
                  (what.empty() ? "" : " (" + std::string(what) + ")") + ", found " + found);
  }
}

inline JNode require(const JNode& obj, std::string_view key, const std::string& ptr) {
  auto n = obj.find(key);
  if (!n) fail(ptr, "missing required field " + quoted(key));
  return *n;
}

// Unknown keys are errors; keys starting with "x-" are reserved for other tools and ignored.
inline void check_keys(const JNode& obj, const std::string& ptr,
                       std::initializer_list<std::string_view> allowed) {
  for (const auto& [k, v] : obj.members) {
    if (k.rfind("x-", 0) == 0) continue;
    bool ok = false;
    for (auto a : allowed) ok = ok || a == k;
    if (!ok) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      fail(pointer_append(ptr, k), "unknown field " + quoted(k) + " (expected one of: " + list + ")");
    }
  }
}

inline std::string get_string(const JNode& n, const std::string& ptr) {
  expect(n, JType::string, ptr);
  return std::string(n.text);
}

inline bool get_bool(const JNode& n, const std::string& ptr) {
  expect(n, JType::boolean, ptr);
  return n.boolean;
}

inline Decimal get_decimal(const JNode& n, const std::string& ptr) {
  expect(n, JType::number, ptr);
  auto d = Decimal::parse(n.text);
  if (!d) fail(ptr, excerpt(n.text) + " is out of range (numbers must be finite and within a double's range)");
  return *d;
}

inline std::int64_t get_int(const JNode& n, const std::string& ptr, std::int64_t lo,
                            std::int64_t hi, std::string_view what = "a whole number") {
  Decimal d = get_decimal(n, ptr);
  if (!d.is_integer()) fail(ptr, excerpt(n.text) + " is not " + std::string(what));
  auto v = d.scaled(0);
  if (!v || *v < lo || *v > hi)
    fail(ptr, excerpt(n.text) + " is out of range " + std::to_string(lo) + ".." + std::to_string(hi));
  return *v;
}

// ASCII lower case: codes and affair names are matched case-insensitively.
inline std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

template <class E>
E parse_enum(const JNode& n, const std::string& ptr,
             std::initializer_list<std::pair<std::string_view, E>> values) {
  const auto& s = get_string(n, ptr);
  std::string list;
  for (auto& [name, e] : values) {
    if (name == s) return e;
    list += (list.empty() ? "" : ", ") + std::string(name);
  }
  fail(ptr, quoted(s) + " is not one of: " + list);
}

inline bool valid_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (s[i] < '0' || s[i] > '9') return false;
  int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
  if (m < 1 || m > 12 || d < 1) return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max = days[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max;
}

inline std::string get_date(const JNode& n, const std::string& ptr) {
  const auto& s = get_string(n, ptr);
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' ||
      !std::all_of(s.begin(), s.end(), [](char c) { return c == '-' || (c >= '0' && c <= '9'); }))
    fail(ptr, quoted(s) + " is not an ISO date (YYYY-MM-DD)");
  if (!valid_date(s)) fail(ptr, quoted(s) + " is not a real calendar date");
  if (s < "1900-01-01" || s > "2100-12-31") fail(ptr, quoted(s) + " is out of range 1900..2100");
  return s;
}

}  // namespace inovasi::detail
