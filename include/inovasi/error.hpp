#pragma once
// The one error type for bad input: it names the place (a JSON Pointer, and the file position
// when the input came from a file) and the rule that failed.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace inovasi {

// what() is "source:line:column: pointer: message" with every part made printable (controls,
// NUL, bidirectional marks as \uXXXX, bytes that are not UTF-8 as \xNN), so a hostile key can
// neither cut nor forge it; pointer(), message() and source() are exact.
class InputError : public std::runtime_error {
 public:
  InputError(std::string pointer, std::string message, std::string source = {},
             std::size_t line = 0, std::size_t column = 0);

  const std::string& pointer() const noexcept { return pointer_; }
  const std::string& message() const noexcept { return message_; }
  const std::string& source() const noexcept { return source_; }
  std::size_t line() const noexcept { return line_; }  // 1-based; 0 = unknown
  std::size_t column() const noexcept { return column_; }
  bool is_syntax_error() const noexcept { return pointer_.empty(); }

  // The same error, placed in a file (and a record's position) when that is known later.
  InputError located(const std::string& source, std::size_t line, std::size_t column) const;

 private:
  std::string pointer_, message_, source_;
  std::size_t line_ = 0, column_ = 0;
};

// Appends one reference token to a JSON Pointer, escaping '~' and '/'.
std::string pointer_append(const std::string& pointer, std::string_view token);
std::string pointer_append(const std::string& pointer, std::size_t index);

}  // namespace inovasi
