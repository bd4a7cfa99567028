#pragma once
// Internal: the one JSON writer of the library. Every JSON text inovasi writes (scores, the
// synthetic JSON Lines, the generator's evidence templates) goes through JsonWriter, which
// escapes every key and every string value; numbers are written from integers or as the text
// of the library's exact formatters (io/number_text.hpp), never through a double.
#include <cstdint>
#include <string>
#include <string_view>

namespace inovasi::detail {

// Appends `s` escaped for the inside of a JSON string (no surrounding quotes): `"` and `\`,
// and every control character (U+0000–U+001F); other bytes (UTF-8 included) pass unchanged.
inline void append_json_escaped(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
}

// Compact JSON (no spaces) appended to a string the caller owns. Commas are placed by the
// writer: a value after key() is that member's; any other value or begin_* is the next element.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }

  JsonWriter& key(std::string_view k) {
    separate();
    quoted(k);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  JsonWriter& string(std::string_view v) {
    value_start();
    quoted(v);
    return *this;
  }
  JsonWriter& number(std::int64_t v) {
    value_start();
    out_ += std::to_string(v);
    return *this;
  }
  JsonWriter& boolean(bool v) {
    value_start();
    out_ += v ? "true" : "false";
    return *this;
  }
  // The text of a JSON number made by the library's own formatters (hundredths_text, Decimal).
  JsonWriter& number_text(std::string_view text) {
    value_start();
    out_ += text;
    return *this;
  }
  // A complete JSON value written earlier by a JsonWriter (cached evidence arrays).
  JsonWriter& json(std::string_view written) {
    value_start();
    out_ += written;
    return *this;
  }

  // Members: key and value in one call.
  JsonWriter& str(std::string_view k, std::string_view v) { return key(k).string(v); }
  JsonWriter& num(std::string_view k, std::int64_t v) { return key(k).number(v); }
  JsonWriter& boolean(std::string_view k, bool v) { return key(k).boolean(v); }
  JsonWriter& number_text(std::string_view k, std::string_view text) { return key(k).number_text(text); }
  JsonWriter& json(std::string_view k, std::string_view written) { return key(k).json(written); }

 private:
  std::string& out_;
  bool first_ = true, after_key_ = false;

  void separate() {
    if (!first_) out_ += ',';
    first_ = false;
  }
  void value_start() {
    if (after_key_) after_key_ = false;
    else separate();
  }
  void quoted(std::string_view s) {
    out_ += '"';
    append_json_escaped(out_, s);
    out_ += '"';
  }
  JsonWriter& open(char c) {
    value_start();
    out_ += c;
    first_ = true;
    return *this;
  }
  JsonWriter& close(char c) {
    out_ += c;
    first_ = false;
    after_key_ = false;
    return *this;
  }
};

}  // namespace inovasi::detail
