#pragma once
// Internal: JSON string text, shared by the score writer and the synthetic JSON Lines writer.
#include <cstdio>
#include <string>
#include <string_view>

namespace inovasi::detail {

// Appends `s` escaped for the inside of a JSON string (no surrounding quotes).
inline void append_json_escaped(std::string& out, std::string_view s) {
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
}

}  // namespace inovasi::detail
