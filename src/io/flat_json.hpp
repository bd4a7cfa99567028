#pragma once
// Internal: the columns reader's JSON tree. Nodes live in an arena that is reused from record
// to record, strings are views of the input (copied only when they hold escapes), and the
// children of a node are contiguous, so a record is read without a heap allocation per node.
// It has JNode's shape (type, boolean, text, items, members, find), so the one submission
// parser reads either tree. Anything this tree does not accept — a syntax error, a duplicate
// key, a limit, a tree larger than its memory budget — is reported only as "not read": the
// caller then reads the record through parse_one, whose messages are the reference.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "io/json_dom.hpp"

namespace inovasi::detail {

struct FNode;

// Key equality, inline: keys are short, and the length and first byte settle most comparisons
// (a call to memcmp per key costs more than the comparison).
inline bool same_key(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// The children of an array: random access.
struct FItems {
  const FNode* first = nullptr;
  std::size_t n = 0;
  std::size_t size() const { return n; }
  const FNode& operator[](std::size_t i) const;
  const FNode* begin() const { return first; }
  const FNode* end() const;
};

// The members of an object: iterated as (key, value) pairs, in input order.
struct FMembers {
  struct iterator {
    const FNode* p;
    std::pair<std::string_view, const FNode&> operator*() const;
    iterator& operator++();
    bool operator!=(const iterator& o) const { return p != o.p; }
  };
  const FNode* first = nullptr;
  std::size_t n = 0;
  std::size_t size() const { return n; }
  iterator begin() const { return {first}; }
  iterator end() const;
};

// One bit per key length and first and last byte: find() answers most absent keys (the
// parser asks for every optional field) with one test.
inline std::uint64_t key_bit(std::string_view k) {
  const unsigned h = k.empty() ? 0u
                               : static_cast<unsigned>(k.size()) * 7u + static_cast<unsigned char>(k[0]) * 3u +
                                     static_cast<unsigned char>(k.back());
  return std::uint64_t(1) << (h & 63u);
}

struct FNode {
  JType type = JType::null;
  bool boolean = false;
  std::string_view text;  // string value, or the number's text
  std::string_view key;   // this node's key in its parent object
  FItems items;            // arrays
  FMembers members;        // objects
  std::uint64_t keys = 0;  // objects: the key_bit of every member

  const FNode* find(std::string_view k) const {
    if (!(keys & key_bit(k))) return nullptr;
    for (std::size_t i = 0; i < members.n; ++i)
      if (same_key(members.first[i].key, k)) return &members.first[i];
    return nullptr;
  }
  bool is_object() const { return type == JType::object; }
};

inline const FNode& FItems::operator[](std::size_t i) const { return first[i]; }
inline const FNode* FItems::end() const { return first + n; }
inline std::pair<std::string_view, const FNode&> FMembers::iterator::operator*() const { return {p->key, *p}; }
inline FMembers::iterator FMembers::end() const { return {first + n}; }
inline FMembers::iterator& FMembers::iterator::operator++() {
  ++p;
  return *this;
}

// Reads one JSON value after another from one buffer; the tree of the last read stays valid
// until the next read. Not thread-safe: one per thread.
class FlatReader {
 public:
  FlatReader();
  ~FlatReader();
  FlatReader(const FlatReader&) = delete;
  FlatReader& operator=(const FlatReader&) = delete;

  // The value that starts at text[pos] (not whitespace) and, in `consumed`, its length; null
  // when the tree does not accept it (see above). `text` must outlive the returned tree.
  const FNode* read(std::string_view text, std::size_t pos, const JsonLimits& limits, std::size_t& consumed);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace inovasi::detail
