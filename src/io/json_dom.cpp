#include "io/json_dom.hpp"

#include <algorithm>
#include <bit>
#include <boost/json/basic_parser_impl.hpp>
#include <cstring>
#include <optional>

namespace inovasi::detail {

// ---- The tape ----------------------------------------------------------------------------
// An entry's low byte is its tag: bits 0-2 the kind, bit 3 "text inline", bits 4-6 the inline
// length, bit 7 a boolean's value. Inline text: the entry's bytes 1-7. Other text: bits 8-63
// hold the address of [8-byte length][bytes] in a block. Containers: bits 8-35 the number of
// elements (members), bits 36-63 the entries of the whole subtree.
namespace {
static_assert(std::endian::native == std::endian::little, "inline texts are the entry's bytes 1-7");
enum Kind : std::uint64_t { k_null = 0, k_bool = 1, k_number = 2, k_string = 3, k_array = 4, k_object = 5, k_key = 6 };
constexpr std::uint64_t kInline = 8, kTrue = 128;
constexpr std::size_t kMaxInline = 7;
constexpr std::uint64_t kMaxField = (std::uint64_t(1) << 28) - 1;  // elements, or subtree entries
constexpr std::size_t kBlock = 64 << 10, kOwnBlock = 16 << 10;
inline Kind kind_of(std::uint64_t e) { return static_cast<Kind>(e & 7); }
inline bool is_container(std::uint64_t e) { return kind_of(e) == k_array || kind_of(e) == k_object; }
}  // namespace

std::size_t JDoc::span(std::size_t at) const {
  const std::uint64_t e = tape_[at];
  return is_container(e) ? static_cast<std::size_t>(e >> 36) : 1;
}

std::string_view JDoc::text_at(std::size_t at) const {
  const std::uint64_t& e = tape_[at];
  if (e & kInline) return {reinterpret_cast<const char*>(&e) + 1, static_cast<std::size_t>((e >> 4) & 7)};
  const char* p = reinterpret_cast<const char*>(static_cast<std::uintptr_t>(e >> 8));
  std::uint64_t n;
  std::memcpy(&n, p, sizeof n);
  return {p + sizeof n, static_cast<std::size_t>(n)};
}

const char* JDoc::store_text(std::string_view s) {
  const std::size_t need = sizeof(std::uint64_t) + s.size();
  char* p;
  if (need > kOwnBlock) {
    blocks_.emplace_back(new char[need]);
    p = blocks_.back().get();
  } else {
    if (need > free_left_) {
      blocks_.emplace_back(new char[kBlock]);
      free_ = blocks_.back().get();
      free_left_ = kBlock;
    }
    p = free_;
    free_ += need;
    free_left_ -= need;
  }
  const std::uint64_t n = s.size();
  std::memcpy(p, &n, sizeof n);
  if (!s.empty()) std::memcpy(p + sizeof n, s.data(), s.size());
  return p;
}

JNode::JNode(const JDoc* doc, std::size_t at) {
  const std::uint64_t e = doc->tape_[at];
  switch (kind_of(e)) {
    case k_null: type = JType::null; break;
    case k_bool: type = JType::boolean; boolean = (e & kTrue) != 0; break;
    case k_number: type = JType::number; text = doc->text_at(at); break;
    case k_string: case k_key: type = JType::string; text = doc->text_at(at); break;
    case k_array:
      type = JType::array;
      items.doc_ = doc;
      items.first_ = items.cursor_at_ = at + 1;
      items.count_ = static_cast<std::size_t>((e >> 8) & kMaxField);
      break;
    case k_object:
      type = JType::object;
      members.doc_ = doc;
      members.first_ = at + 1;
      members.count_ = static_cast<std::size_t>((e >> 8) & kMaxField);
      break;
    default: break;
  }
}

std::optional<JNode> JNode::find(std::string_view key) const {
  for (auto [k, v] : members)
    if (k == key) return v;
  return std::nullopt;
}

JNode Items::operator[](std::size_t i) const {
  if (i < cursor_i_) {
    cursor_i_ = 0;
    cursor_at_ = first_;
  }
  for (; cursor_i_ < i; ++cursor_i_) cursor_at_ += doc_->span(cursor_at_);
  return JNode(doc_, cursor_at_);
}

Items::iterator Items::begin() const {
  iterator it;
  it.doc_ = doc_;
  it.at_ = first_;
  return it;
}

Items::iterator Items::end() const {
  iterator it;
  it.doc_ = doc_;
  // An array's subtree ends where its entries end: the element after the last.
  it.at_ = count_ == 0 ? first_ : first_ - 1 + (doc_ ? doc_->span(first_ - 1) : 0);
  return it;
}

JNode Items::iterator::operator*() const { return JNode(doc_, at_); }
Items::iterator& Items::iterator::operator++() {
  at_ += doc_->span(at_);
  return *this;
}

Members::iterator Members::begin() const {
  iterator it;
  it.doc_ = doc_;
  it.at_ = first_;
  return it;
}

Members::iterator Members::end() const {
  iterator it;
  it.doc_ = doc_;
  it.at_ = count_ == 0 ? first_ : first_ - 1 + doc_->span(first_ - 1);
  return it;
}

std::pair<std::string_view, JNode> Members::iterator::operator*() const {
  return {doc_->text_at(at_), JNode(doc_, at_ + 1)};
}
Members::iterator& Members::iterator::operator++() {
  at_ += 1 + doc_->span(at_ + 1);
  return *this;
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

namespace bj = boost::json;

// Boost.JSON's SAX handler: appends each value to the tape as it is read, so nothing is
// built twice or copied when a container grows.
struct TapeBuilder {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  struct Frame {
    std::size_t at;            // the container's entry
    std::size_t count = 0;     // elements (members) so far
    std::size_t last_key = 0;  // objects: the entry of the pending key
    bool object;
  };
  JDoc doc;
  std::vector<Frame> stack;
  std::string buf;  // a string, key or number split in parts
  std::optional<InputError> error;

  std::string pointer() const {
    std::string p;
    for (std::size_t i = 1; i < stack.size(); ++i) {
      const auto& parent = stack[i - 1];
      if (parent.object)
        p = pointer_append(p, doc.text_at(parent.last_key));
      else
        p = pointer_append(p, parent.count - 1);  // the open child was counted when it began
    }
    return p;
  }

  bool fail(bj::error_code& ec, std::string ptr, std::string msg) {
    error.emplace(std::move(ptr), std::move(msg));
    ec = bj::error::extra_data;  // any code: the stored error is what is reported
    return false;
  }

  bool room(bj::error_code& ec) {
    if (doc.tape_.size() < kMaxField) return true;
    return fail(ec, "", "more than " + std::to_string(kMaxField) + " values in one record");
  }

  bool push(std::uint64_t e, bj::error_code& ec) {
    if (!room(ec)) return false;
    doc.tape_.push_back(e);
    if (!stack.empty() && !stack.back().object) ++stack.back().count;
    return true;
  }

  bool push_text(Kind kind, std::string_view s, bj::error_code& ec) {
    std::uint64_t e = kind;
    if (s.size() <= kMaxInline) {
      e |= kInline | (static_cast<std::uint64_t>(s.size()) << 4);
      std::uint64_t chars = 0;
      if (!s.empty()) std::memcpy(&chars, s.data(), s.size());
      e |= chars << 8;
    } else {
      const auto addr = reinterpret_cast<std::uintptr_t>(doc.store_text(s));
      if (addr >> 56) return fail(ec, "", "internal error: an address beyond 56 bits");
      e |= static_cast<std::uint64_t>(addr) << 8;
    }
    if (kind == k_key) {
      if (!room(ec)) return false;
      doc.tape_.push_back(e);
      return true;
    }
    return push(e, ec);
  }

  // The part-wise text so far with `s`, without a copy when it came whole.
  template <class F>
  bool with_text(bj::string_view s, F&& f) {
    if (buf.empty()) return f(std::string_view(s.data(), s.size()));
    buf.append(s.data(), s.size());
    bool ok = f(std::string_view(buf));
    buf.clear();
    return ok;
  }

  bool begin(Kind kind, bj::error_code& ec) {
    const std::size_t at = doc.tape_.size();
    if (!push(kind, ec)) return false;
    stack.push_back(Frame{at, 0, 0, kind == k_object});
    return true;
  }

  bool end(bj::error_code& ec) {
    const Frame f = stack.back();
    const std::size_t span = doc.tape_.size() - f.at;
    if (f.count > kMaxField || span > kMaxField)
      return fail(ec, "", "more than " + std::to_string(kMaxField) + " values in one record");
    doc.tape_[f.at] |= (static_cast<std::uint64_t>(f.count) << 8) | (static_cast<std::uint64_t>(span) << 36);
    // Duplicate keys: Boost.JSON's DOM would keep the last silently; a submission must not.
    if (f.object && f.count > 1) {
      std::vector<std::string_view> keys;
      keys.reserve(f.count);
      for (std::size_t at = f.at + 1, m = 0; m < f.count; ++m) {
        keys.push_back(doc.text_at(at));
        at += 1 + doc.span(at + 1);
      }
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
    return true;
  }

  bool on_document_begin(bj::error_code&) { return true; }
  bool on_document_end(bj::error_code&) { return true; }
  bool on_object_begin(bj::error_code& ec) { return begin(k_object, ec); }
  bool on_object_end(std::size_t, bj::error_code& ec) { return end(ec); }
  bool on_array_begin(bj::error_code& ec) { return begin(k_array, ec); }
  bool on_array_end(std::size_t, bj::error_code& ec) { return end(ec); }
  bool on_key_part(bj::string_view s, std::size_t, bj::error_code&) {
    buf.append(s.data(), s.size());
    return true;
  }
  bool on_key(bj::string_view s, std::size_t, bj::error_code& ec) {
    Frame& top = stack.back();
    top.last_key = doc.tape_.size();
    ++top.count;
    return with_text(s, [&](std::string_view t) { return push_text(k_key, t, ec); });
  }
  bool on_string_part(bj::string_view s, std::size_t, bj::error_code&) {
    buf.append(s.data(), s.size());
    return true;
  }
  bool on_string(bj::string_view s, std::size_t, bj::error_code& ec) {
    return with_text(s, [&](std::string_view t) { return push_text(k_string, t, ec); });
  }
  bool on_number_part(bj::string_view s, bj::error_code&) {
    buf.append(s.data(), s.size());
    return true;
  }
  bool number(bj::string_view s, bj::error_code& ec) {
    return with_text(s, [&](std::string_view t) { return push_text(k_number, t, ec); });
  }
  bool on_int64(std::int64_t, bj::string_view s, bj::error_code& ec) { return number(s, ec); }
  bool on_uint64(std::uint64_t, bj::string_view s, bj::error_code& ec) { return number(s, ec); }
  bool on_double(double, bj::string_view s, bj::error_code& ec) { return number(s, ec); }
  bool on_bool(bool b, bj::error_code& ec) { return push(k_bool | (b ? kTrue : 0), ec); }
  bool on_null(bj::error_code& ec) { return push(k_null, ec); }
  bool on_comment_part(bj::string_view, bj::error_code&) { return true; }
  bool on_comment(bj::string_view, bj::error_code&) { return true; }
};

namespace {

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

JDoc parse_one(std::string_view text, std::size_t& pos, const JsonLimits& limits) {
  pos = skip_ws(text, pos);
  bj::parse_options opt;
  // Boost.JSON's parser recurses once per level, so a limit raised without bound would overflow
  // the stack: above the ceiling, deep input is the same clean error.
  constexpr std::size_t depth_ceiling = 1024;
  opt.max_depth = std::min(limits.max_depth, depth_ceiling);
  bj::basic_parser<TapeBuilder> parser(opt);
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
  return std::move(h.doc);
}

JDoc parse_document(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes)
    throw InputError("", "document larger than the limit of " + std::to_string(limits.max_bytes) +
                             " bytes");
  std::size_t pos = 0;
  if (skip_ws(text, 0) == text.size()) throw InputError("", "empty input: expected a JSON object");
  JDoc n = parse_one(text, pos, limits);
  pos = skip_ws(text, pos);
  if (pos != text.size()) {
    auto [line, col] = line_col(text, pos);
    throw InputError("", "syntax error: extra data after the JSON value").located("", line, col);
  }
  return n;
}

}  // namespace inovasi::detail
