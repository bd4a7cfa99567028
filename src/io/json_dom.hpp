#pragma once
// Internal: a compact JSON tree built with Boost.JSON's SAX parser, because the DOM parser keeps
// the last of duplicate keys silently and turns numbers into doubles. Here duplicate keys are
// errors, numbers keep their text, and depth and size are limited.
//
// Memory is bounded by the input, whatever its shape: the tree is a tape of 8-byte entries in
// document order (one per value and per key; a text of up to 7 bytes sits in its entry, a
// longer one in blocks beside the tape), and every JSON value takes at least 2 bytes of input
// ("0,"), so the tree takes at most 4 bytes per input byte plus the long texts (at most 8 bytes
// more each than in the input, in blocks filled to at least three quarters). The tape grows in
// fixed blocks (std::deque), never by copying.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inovasi/error.hpp"

namespace inovasi::detail {

enum class JType : unsigned char { null, boolean, number, string, array, object };

class JDoc;
class JNode;

// The elements of an array (or, as Members, the key/value pairs of an object), read in order.
// Indexing is sequential in practice (for i in 0..size()): a cursor makes that O(1) a step.
class Items {
 public:
  class iterator;
  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  JNode operator[](std::size_t i) const;
  iterator begin() const;
  iterator end() const;

 private:
  friend class JNode;
  friend class Members;
  const JDoc* doc_ = nullptr;
  std::size_t first_ = 0, count_ = 0;
  mutable std::size_t cursor_i_ = 0, cursor_at_ = 0;  // element cursor_i_ is at entry cursor_at_
};

class Members {
 public:
  class iterator;
  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  iterator begin() const;
  iterator end() const;

 private:
  friend class JNode;
  const JDoc* doc_ = nullptr;
  std::size_t first_ = 0, count_ = 0;
};

// A view of one value of a JDoc (valid while the JDoc lives and is not moved).
class JNode {
 public:
  JNode() = default;
  JType type = JType::null;
  bool boolean = false;
  std::string_view text;  // string value, or the number's text
  Items items;            // arrays
  Members members;        // objects

  std::optional<JNode> find(std::string_view key) const;
  bool is_object() const { return type == JType::object; }

 private:
  friend class JDoc;
  friend class Items;
  friend class Members;
  JNode(const JDoc* doc, std::size_t at);
};

class Items::iterator {
 public:
  JNode operator*() const;
  iterator& operator++();
  bool operator!=(const iterator& o) const { return at_ != o.at_; }

 private:
  friend class Items;
  const JDoc* doc_ = nullptr;
  std::size_t at_ = 0;
};

class Members::iterator {
 public:
  std::pair<std::string_view, JNode> operator*() const;
  iterator& operator++();
  bool operator!=(const iterator& o) const { return at_ != o.at_; }

 private:
  friend class Members;
  const JDoc* doc_ = nullptr;
  std::size_t at_ = 0;  // the key's entry
};

// The parsed value: owns the tape and the text blocks.
class JDoc {
 public:
  JDoc() = default;
  JDoc(JDoc&&) = default;
  JDoc& operator=(JDoc&&) = default;
  JNode root() const { return JNode(this, 0); }

 private:
  friend class JNode;
  friend class Items;
  friend class Members;
  friend struct TapeBuilder;
  std::size_t span(std::size_t at) const;  // entries of the value at `at` (1 for a scalar)
  std::string_view text_at(std::size_t at) const;
  const char* store_text(std::string_view s);

  std::deque<std::uint64_t> tape_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* free_ = nullptr;  // in the last small-text block
  std::size_t free_left_ = 0;
};

const char* type_name(JType t);

struct JsonLimits {
  std::size_t max_depth = 64;
  std::size_t max_bytes = 64u << 20;
};

// Parses one JSON value starting at text[pos] (after optional whitespace). On success returns
// the value and sets `pos` just past it. Throws InputError: syntax errors carry no pointer; a
// duplicate key carries the pointer of the object. Line/column in the error are absolute
// within `text`.
JDoc parse_one(std::string_view text, std::size_t& pos, const JsonLimits& limits);

// Whole text must be exactly one JSON value.
JDoc parse_document(std::string_view text, const JsonLimits& limits);

// Line and column (1-based) of byte offset `pos`.
std::pair<std::size_t, std::size_t> line_col(std::string_view text, std::size_t pos);

std::size_t skip_ws(std::string_view text, std::size_t pos);

}  // namespace inovasi::detail
