#pragma once
// Internal: typed access to a parsed JSON node with located errors. The helpers are templates
// over the node type (JNode, or the columns reader's FNode) and the pointer type (a string, or
// a Ptr that is spelled out only when an error needs it), so every reader shares one set of
// messages and rules.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

#include "inovasi/decimal.hpp"
#include "inovasi/error.hpp"
#include "io/json_dom.hpp"
#include "model/text.hpp"
#include "inovasi/validate.hpp"

namespace inovasi::detail {

// A JSON Pointer as a chain of tokens on the stack: built for free, spelled out (escaped as
// pointer_append does) only when an error names it. A Ptr refers to its parent: keep a parent
// alive (a named local or a function parameter) while its children are used.
class Ptr {
 public:
  explicit Ptr(std::string_view root) : root_(root) {}
  Ptr(const Ptr& parent, std::string_view token) : parent_(&parent), root_(token) {}
  Ptr(const Ptr& parent, std::size_t index) : parent_(&parent), index_(index), is_index_(true) {}

  std::string str() const {
    if (!parent_) return std::string(root_);
    return is_index_ ? pointer_append(parent_->str(), index_) : pointer_append(parent_->str(), std::string(root_));
  }

 private:
  const Ptr* parent_ = nullptr;
  std::string_view root_;  // the whole pointer (a root), or this token
  std::size_t index_ = 0;
  bool is_index_ = false;
};

inline Ptr operator/(const Ptr& p, std::string_view token) { return Ptr(p, token); }
inline Ptr operator/(const Ptr& p, std::size_t index) { return Ptr(p, index); }

template <class P>
std::string ptr_text(const P& p) {
  if constexpr (std::is_same_v<P, Ptr>) return p.str();
  else return std::string(p);
}

[[noreturn]] inline void fail(const std::string& ptr, const std::string& msg) {
  throw InputError(ptr.empty() ? "/" : ptr, msg);
}
[[noreturn]] inline void fail(const Ptr& ptr, const std::string& msg) { fail(ptr.str(), msg); }
[[noreturn]] inline void fail(const char* ptr, const std::string& msg) { fail(std::string(ptr), msg); }

template <class N, class P>
void expect(const N& n, JType t, const P& ptr, std::string_view what = {}) {
  if (n.type != t) {
    std::string found = type_name(n.type);
    if (n.type == JType::number || n.type == JType::string)
      found += " (" + (n.type == JType::string ? quoted(n.text) : excerpt(n.text)) + ")";
    fail(ptr, std::string("expected ") + type_name(t) +
                  (what.empty() ? "" : " (" + std::string(what) + ")") + ", found " + found);
  }
}

// The member's node: a reference into a tree whose find() gives a pointer, the node itself
// (a view) for one whose find() gives an optional.
template <class N, class P>
decltype(auto) require(const N& obj, std::string_view key, const P& ptr) {
  auto n = obj.find(key);
  if (!n) fail(ptr, "missing required field " + quoted(key));
  if constexpr (std::is_pointer_v<decltype(n)>) return (*n);
  else return N(*n);
}

// Unknown keys are errors; keys starting with "x-" are reserved for other tools and ignored.
template <class N, class P>
void check_keys(const N& obj, const P& ptr, std::initializer_list<std::string_view> allowed) {
  for (const auto& [k, v] : obj.members) {
    if (std::string_view(k).rfind("x-", 0) == 0) continue;
    const std::string_view key(k);
    bool ok = false;
    for (auto a : allowed) {
      // Inline: the allowed keys are short, and most differ in length or first byte.
      if (a.size() != key.size()) continue;
      std::size_t i = 0;
      while (i < a.size() && a[i] == key[i]) ++i;
      if (i == a.size()) {
        ok = true;
        break;
      }
    }
    if (!ok) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      fail(pointer_append(ptr_text(ptr), std::string(k)),
           "unknown field " + quoted(k) + " (expected one of: " + list + ")");
    }
  }
}

// The string's text as a view into the tree (valid while the tree lives): the parsers' hot path.
template <class N, class P>
std::string_view get_view(const N& n, const P& ptr) {
  expect(n, JType::string, ptr);
  return n.text;
}

// The string's text, copied: safe to keep whatever the node (a temporary view) was.
template <class N, class P>
std::string get_string(const N& n, const P& ptr) {
  return std::string(get_view(n, ptr));
}

template <class N, class P>
bool get_bool(const N& n, const P& ptr) {
  expect(n, JType::boolean, ptr);
  return n.boolean;
}

template <class N, class P>
Decimal get_decimal(const N& n, const P& ptr) {
  expect(n, JType::number, ptr);
  auto d = Decimal::parse(n.text);
  if (!d)
    fail(ptr, excerpt(n.text) + " is out of range (numbers must be finite and within a double's range)");
  return *d;
}

template <class N, class P>
std::int64_t get_int(const N& n, const P& ptr, std::int64_t lo, std::int64_t hi,
                     std::string_view what = "a whole number") {
  Decimal d = get_decimal(n, ptr);
  if (!d.is_integer()) fail(ptr, excerpt(n.text) + " is not " + std::string(what));
  auto v = d.scaled(0);
  if (!v || *v < lo || *v > hi)
    fail(ptr, excerpt(n.text) + " is out of range " + std::to_string(lo) + ".." + std::to_string(hi));
  return *v;
}

template <class E, class N, class P>
E parse_enum(const N& n, const P& ptr, std::initializer_list<std::pair<std::string_view, E>> values) {
  const std::string_view s = get_view(n, ptr);
  std::string list;
  for (auto& [name, e] : values) {
    if (name == s) return e;
    list += (list.empty() ? "" : ", ") + std::string(name);
  }
  fail(ptr, quoted(s) + " is not one of: " + list);
}

template <class N, class P>
std::string_view get_date(const N& n, const P& ptr) {
  const std::string_view s = get_view(n, ptr);
  if (auto e = rules::date(s); !e.empty()) fail(ptr, e);
  return s;
}

}  // namespace inovasi::detail
