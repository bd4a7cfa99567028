#include "io/json_dom.hpp"

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <optional>

namespace inovasi::detail {

const JNode* JNode::find(std::string_view key) const {
  for (const auto& [k, v] : members)
    if (k == key) return &v;
  return nullptr;
}

const char* type_name(JType t) {
  switch (t) {
    case JType::null: return "null";
    case JType::boolean: return "a boolean";
    case JType::number: return "a number";
    case JType::string: return "a string";
    case JType::array: return "an array";
    case JType::object: return "an object";
  }
  return "?";
}

std::pair<std::size_t, std::size_t> line_col(std::string_view text, std::size_t pos) {
  pos = std::min(pos, text.size());
  std::size_t line = 1, start = 0;
  for (std::size_t i = 0; i < pos; ++i)
    if (text[i] == '\n') { ++line; start = i + 1; }
  return {line, pos - start + 1};
}

std::size_t skip_ws(std::string_view text, std::size_t pos) {
  while (pos < text.size() &&
         (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r'))
    ++pos;
  return pos;
}

namespace {

namespace bj = boost::json;

struct Handler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  struct Frame {
    JNode node;
    std::string key;  // pending key (objects)
  };
  std::vector<Frame> stack;
  std::optional<JNode> result;
  std::string buf;  // partial string / key / number
  std::optional<InputError> error;

  std::string pointer() const {
    std::string p;
    for (std::size_t i = 1; i < stack.size(); ++i) {
      const auto& parent = stack[i - 1];
      if (parent.node.type == JType::object)
        p = pointer_append(p, parent.key);
      else
        p = pointer_append(p, parent.node.items.size());
    }
    return p;
  }

  bool fail(bj::error_code& ec, std::string ptr, std::string msg) {
    error.emplace(std::move(ptr), std::move(msg));
    ec = bj::error::extra_data;  // any code: the stored error is what is reported
    return false;
  }

  bool push_value(JNode&& n, bj::error_code&) {
    if (stack.empty()) {
      result = std::move(n);
      return true;
    }
    auto& top = stack.back();
    if (top.node.type == JType::object)
      top.node.members.emplace_back(std::move(top.key), std::move(n));
    else
      top.node.items.push_back(std::move(n));
    return true;
  }

  bool on_document_begin(bj::error_code&) { return true; }
  bool on_document_end(bj::error_code&) { return true; }
  bool on_object_begin(bj::error_code&) {
    stack.push_back(Frame{JNode(JType::object), {}});
    return true;
  }
  bool on_object_end(std::size_t, bj::error_code& ec) {
    JNode n = std::move(stack.back().node);
    // Duplicate keys: Boost.JSON would keep the last silently; a submission must not.
    if (n.members.size() > 1) {
      std::vector<std::string_view> keys;
      keys.reserve(n.members.size());
      for (auto& m : n.members) keys.push_back(m.first);
      std::sort(keys.begin(), keys.end());
      auto dup = std::adjacent_find(keys.begin(), keys.end());
      if (dup != keys.end()) {
        std::string key(*dup);
        std::string ptr = pointer();  // of this object: computed while it is still on the stack
        stack.pop_back();
        return fail(ec, pointer_append(ptr, key), "duplicate key \"" + key + "\"");
      }
    }
    stack.pop_back();
    return push_value(std::move(n), ec);
  }
  bool on_array_begin(bj::error_code&) {
    stack.push_back(Frame{JNode(JType::array), {}});
    return true;
  }
  bool on_array_end(std::size_t, bj::error_code& ec) {
    JNode n = std::move(stack.back().node);
    stack.pop_back();
    return push_value(std::move(n), ec);
  }
  bool on_key_part(bj::string_view s, std::size_t, bj::error_code&) {
    buf.append(s.data(), s.size());
    return true;
  }
  bool on_key(bj::string_view s, std::size_t, bj::error_code&) {
    buf.append(s.data(), s.size());
    stack.back().key = std::move(buf);
    buf.clear();
    return true;
  }
  bool on_string_part(bj::string_view s, std::size_t, bj::error_code&) {
    buf.append(s.data(), s.size());
    return true;
  }
  bool on_string(bj::string_view s, std::size_t, bj::error_code& ec) {
    buf.append(s.data(), s.size());
    JNode n(JType::string);
    n.text = std::move(buf);
    buf.clear();
    return push_value(std::move(n), ec);
  }
  bool on_number_part(bj::string_view s, bj::error_code&) {
    buf.append(s.data(), s.size());
    return true;
  }
  bool number(bj::string_view s, bj::error_code& ec) {
    buf.append(s.data(), s.size());
    JNode n(JType::number);
    n.text = std::move(buf);
    buf.clear();
    return push_value(std::move(n), ec);
  }
  bool on_int64(std::int64_t, bj::string_view s, bj::error_code& ec) { return number(s, ec); }
  bool on_uint64(std::uint64_t, bj::string_view s, bj::error_code& ec) { return number(s, ec); }
  bool on_double(double, bj::string_view s, bj::error_code& ec) { return number(s, ec); }
  bool on_bool(bool b, bj::error_code& ec) {
    JNode n(JType::boolean);
    n.boolean = b;
    return push_value(std::move(n), ec);
  }
  bool on_null(bj::error_code& ec) { return push_value(JNode(JType::null), ec); }
  bool on_comment_part(bj::string_view, bj::error_code&) { return true; }
  bool on_comment(bj::string_view, bj::error_code&) { return true; }
};

std::string syntax_message(const bj::error_code& ec) {
  if (ec == bj::error::too_deep) return "syntax error: nesting deeper than the limit";
  if (ec == bj::error::syntax) return "syntax error: unexpected character";
  if (ec == bj::error::incomplete) return "syntax error: the JSON text ends early (truncated?)";
  if (ec == bj::error::exponent_overflow) return "number out of range";
  if (ec == bj::error::syntax && false) return "";
  if (ec == bj::error::illegal_leading_surrogate || ec == bj::error::illegal_trailing_surrogate ||
      ec == bj::error::expected_utf16_escape)
    return "syntax error: invalid \\u escape";
  if (ec == bj::error::syntax && false) return "";
  std::string m = ec.message();
  if (m.find("UTF") != std::string::npos || m.find("utf") != std::string::npos)
    return "syntax error: invalid UTF-8";
  return "syntax error: " + m;
}

}  // namespace

JNode parse_one(std::string_view text, std::size_t& pos, const JsonLimits& limits) {
  pos = skip_ws(text, pos);
  bj::parse_options opt;
  // Boost.JSON's parser recurses once per level, so a limit raised without bound would overflow
  // the stack: above the ceiling, deep input is the same clean error.
  constexpr std::size_t depth_ceiling = 1024;
  opt.max_depth = std::min(limits.max_depth, depth_ceiling);
  bj::basic_parser<Handler> parser(opt);
  bj::error_code ec;
  std::size_t avail = text.size() - pos;
  // Only the first max_bytes are offered: a larger record fails as "too large", not by OOM.
  std::size_t offer = std::min(avail, limits.max_bytes);
  std::size_t n = parser.write_some(offer < avail, text.data() + pos, offer, ec);
  auto& h = parser.handler();
  if (h.error) {
    auto [line, col] = line_col(text, pos + n);
    throw InputError(h.error->pointer(), h.error->message()).located("", line, col);
  }
  if (!ec && !parser.done()) {
    auto [line, col] = line_col(text, pos + n);
    if (offer < avail)
      throw InputError("", "record larger than the limit of " + std::to_string(limits.max_bytes) +
                               " bytes")
          .located("", line, col);
    ec = bj::error::incomplete;
  }
  if (ec) {
    std::size_t at = pos + n;
    auto [line, col] = line_col(text, at);
    std::string msg = syntax_message(ec);
    if (ec == bj::error::too_deep)
      msg += " of " + std::to_string(opt.max_depth) + " levels";
    if (ec == bj::error::syntax && at < text.size()) {
      unsigned char c = static_cast<unsigned char>(text[at]);
      if (c >= 0x80) msg = "syntax error: invalid UTF-8";
      else if (c == 'N' || c == 'I' || (c == '-' && at + 1 < text.size() && text[at + 1] == 'I'))
        msg = "syntax error: NaN and Infinity are not JSON numbers";
      else if (c == '\'' ) msg = "syntax error: strings take double quotes";
      else if (c == '\n' || c == '\r')  // whitespace is valid elsewhere: this is inside a string
        msg = "syntax error: line break inside a string (unterminated or truncated string?)";
      else if (c < 0x20) msg = "syntax error: control character (escape it inside strings)";
      else if (at >= 6 && text[at - 6] == '\\' && text[at - 5] == 'u' && (text[at - 4] | 0x20) == 'd' &&
               std::string_view("89abAB").find(text[at - 3]) != std::string_view::npos)
        msg = "syntax error: invalid \\u escape (a lone surrogate half)";
      else msg += std::string(" '") + static_cast<char>(c) + "'";
    } else if (ec == bj::error::syntax && at >= text.size()) {
      msg = "syntax error: the JSON text ends early (truncated?)";
    }
    // Valid UTF-8, but not allowed before a JSON text here (RFC 8259 §8.1 lets parsers reject it).
    if (at < text.size() && text.substr(at, 3) == "\xEF\xBB\xBF")
      msg = "syntax error: a byte order mark (BOM) is not allowed: save the file as UTF-8 without BOM";
    throw InputError("", msg).located("", line, col);
  }
  pos += n;
  return std::move(*h.result);
}

JNode parse_document(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes)
    throw InputError("", "document larger than the limit of " + std::to_string(limits.max_bytes) +
                             " bytes");
  std::size_t pos = 0;
  if (skip_ws(text, 0) == text.size()) throw InputError("", "empty input: expected a JSON object");
  JNode n = parse_one(text, pos, limits);
  pos = skip_ws(text, pos);
  if (pos != text.size()) {
    auto [line, col] = line_col(text, pos);
    throw InputError("", "syntax error: extra data after the JSON value").located("", line, col);
  }
  return n;
}

}  // namespace inovasi::detail
