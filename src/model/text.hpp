#pragma once
// Internal: how messages show input values, and ASCII case folding, shared by the model's rules
// (include/inovasi/validate.hpp) and the readers (io/jread.hpp).
#include <cctype>
#include <string>
#include <string_view>

namespace inovasi::detail {

// A value as shown in a message: a long one (a hostile 50 MB string) is cut at a UTF-8
// boundary, so an error costs little memory however it is kept.
inline std::string excerpt(std::string_view s) {
  constexpr std::size_t kShown = 120;
  if (s.size() <= kShown + 40) return std::string(s);
  std::size_t cut = kShown;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut)) + "… (" + std::to_string(s.size()) + " bytes)";
}

inline std::string quoted(std::string_view s) { return "\"" + excerpt(s) + "\""; }

// ASCII lower case: codes and affair names are matched case-insensitively.
inline std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace inovasi::detail
