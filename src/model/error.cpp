#include "inovasi/error.hpp"

namespace inovasi {

namespace {
std::string compose(const std::string& pointer, const std::string& message,
                    const std::string& source, std::size_t line, std::size_t column) {
  std::string out;
  if (!source.empty() || line > 0) {
    out += source.empty() ? "<input>" : source;
    if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
    out += ": ";
  }
  if (!pointer.empty()) out += pointer + ": ";
  out += message;
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

std::string pointer_append(const std::string& pointer, const std::string& token) {
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
