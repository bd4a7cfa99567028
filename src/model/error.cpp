#include "inovasi/error.hpp"

namespace inovasi {

namespace {

// what() is printed to terminals and handed to Python as a C string: a NUL would cut it short
// (losing the rule), a newline or an ESC sequence from a key or value could forge output. So
// every piece is shown printable, in one place: C0 and C1 controls, DEL, line and paragraph
// separators and bidirectional controls as \uXXXX, bytes that are not UTF-8 as \xNN. The
// accessors (pointer(), message(), source()) stay exact.
void append_printable(std::string& out, const std::string& s) {
  static const char* hex = "0123456789abcdef";
  auto u = [&](unsigned cp) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out += hex[(cp >> shift) & 0xF];
  };
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  // Most messages are printable ASCII: one scan, one append.
  std::size_t plain = 0;
  while (plain < n && b[plain] >= 0x20 && b[plain] < 0x7F) ++plain;
  out.append(s, 0, plain);
  for (std::size_t i = plain; i < n;) {
    unsigned c = b[i];
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7F) u(c);
      else out += static_cast<char>(c);
      ++i;
      continue;
    }
    // A well-formed UTF-8 sequence (no overlongs, no surrogates, at most U+10FFFF)?
    std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    unsigned cp = len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
    bool ok = len != 0 && i + len <= n && c <= 0xF4;
    for (std::size_t k = 1; ok && k < len; ++k) {
      ok = (b[i + k] & 0xC0) == 0x80;
      cp = (cp << 6) | (b[i + k] & 0x3F);
    }
    ok = ok && !(len == 2 && cp < 0x80) && !(len == 3 && cp < 0x800) && !(len == 4 && cp < 0x10000) &&
         !(cp >= 0xD800 && cp <= 0xDFFF) && cp <= 0x10FFFF;
    if (!ok) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xF];
      ++i;
      continue;
    }
    if ((cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) ||
        (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F || cp == 0x061C)
      u(cp);
    else
      out.append(s, i, len);
    i += len;
  }
}

std::string compose(const std::string& pointer, const std::string& message,
                    const std::string& source, std::size_t line, std::size_t column) {
  std::string out;
  if (!source.empty() || line > 0) {
    if (source.empty()) out += "<input>";
    else append_printable(out, source);
    if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
    out += ": ";
  }
  if (!pointer.empty()) {
    append_printable(out, pointer);
    out += ": ";
  }
  append_printable(out, message);
  return out;
}
}  // namespace

InputError::InputError(std::string pointer, std::string message, std::string source,
                       std::size_t line, std::size_t column)
    : std::runtime_error(compose(pointer, message, source, line, column)),
      pointer_(std::move(pointer)),
      message_(std::move(message)),
      source_(std::move(source)),
      line_(line),
      column_(column) {}

InputError InputError::located(const std::string& source, std::size_t line,
                               std::size_t column) const {
  return InputError(pointer_, message_, source.empty() ? source_ : source,
                    line_ ? line_ : line, line_ ? column_ : column);
}

std::string pointer_append(const std::string& pointer, std::string_view token) {
  std::string out = pointer;
  out.reserve(pointer.size() + token.size() + 1);
  out += '/';
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::string pointer_append(const std::string& pointer, std::size_t index) {
  return pointer + "/" + std::to_string(index);
}

}  // namespace inovasi
