#pragma once
// Internal: a small JSON tree built with Boost.JSON's SAX parser, because the DOM parser keeps
// the last of duplicate keys silently and turns numbers into doubles. Here duplicate keys are
// errors, numbers keep their text, and depth and size are limited.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inovasi/error.hpp"

namespace inovasi::detail {

enum class JType : unsigned char { null, boolean, number, string, array, object };

struct JNode {
  JNode() = default;
  explicit JNode(JType t) : type(t) {}
  JType type = JType::null;
  bool boolean = false;
  std::string text;  // string value, or the number's text
  std::vector<JNode> items;
  std::vector<std::pair<std::string, JNode>> members;

  const JNode* find(std::string_view key) const;
  bool is_object() const { return type == JType::object; }
};

const char* type_name(JType t);

struct JsonLimits {
  std::size_t max_depth = 64;
  std::size_t max_bytes = 64u << 20;
};

// Parses one JSON value starting at text[pos] (after optional whitespace). On success returns
// the node and sets `pos` just past the value. Throws InputError: syntax errors carry no
// pointer; a duplicate key carries the pointer of the object. Line/column in the error are
// absolute within `text`.
JNode parse_one(std::string_view text, std::size_t& pos, const JsonLimits& limits);

// Whole text must be exactly one JSON value.
JNode parse_document(std::string_view text, const JsonLimits& limits);

// Line and column (1-based) of byte offset `pos`.
std::pair<std::size_t, std::size_t> line_col(std::string_view text, std::size_t pos);

std::size_t skip_ws(std::string_view text, std::size_t pos);

}  // namespace inovasi::detail
