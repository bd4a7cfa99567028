#pragma once
// Internal: typed access to a JNode with located errors.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "inovasi/decimal.hpp"
#include "inovasi/error.hpp"
#include "json_dom.hpp"

namespace inovasi::detail {

[[noreturn]] inline void fail(const std::string& ptr, const std::string& msg) {
  throw InputError(ptr.empty() ? "/" : ptr, msg);
}

inline std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

inline void expect(const JNode& n, JType t, const std::string& ptr, std::string_view what = {}) {
  if (n.type != t) {
    std::string found = type_name(n.type);
    if (n.type == JType::number || n.type == JType::string)
      found += " (" + (n.type == JType::string ? quoted(n.text) : n.text) + ")";
    fail(ptr, std::string("expected ") + type_name(t) +
                  (what.empty() ? "" : " (" + std::string(what) + ")") + ", found " + found);
  }
}

inline const JNode& require(const JNode& obj, std::string_view key, const std::string& ptr) {
  const JNode* n = obj.find(key);
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

inline const std::string& get_string(const JNode& n, const std::string& ptr) {
  expect(n, JType::string, ptr);
  return n.text;
}

inline bool get_bool(const JNode& n, const std::string& ptr) {
  expect(n, JType::boolean, ptr);
  return n.boolean;
}

inline Decimal get_decimal(const JNode& n, const std::string& ptr) {
  expect(n, JType::number, ptr);
  auto d = Decimal::parse(n.text);
  if (!d) fail(ptr, n.text + " is out of range (numbers must be finite and within a double's range)");
  return *d;
}

inline std::int64_t get_int(const JNode& n, const std::string& ptr, std::int64_t lo,
                            std::int64_t hi, std::string_view what = "a whole number") {
  Decimal d = get_decimal(n, ptr);
  if (!d.is_integer()) fail(ptr, n.text + " is not " + std::string(what));
  auto v = d.scaled(0);
  if (!v || *v < lo || *v > hi)
    fail(ptr, n.text + " is out of range " + std::to_string(lo) + ".." + std::to_string(hi));
  return *v;
}

}  // namespace inovasi::detail
