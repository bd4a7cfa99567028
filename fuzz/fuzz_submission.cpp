// Submission loader: parse_submission on arbitrary bytes (the iid-2026 edition when the input
// names none; a named shipped edition otherwise), then every policy's score and its JSON.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_common.hpp"
#include "inovasi/edition.hpp"
#include "inovasi/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const inovasi::EditionPtr edition = inovasi::builtin_edition("iid-2026");
  inovasi::ParseOptions o;
  o.edition = edition;
  o.source = "fuzz";
  inovasi::Submission s;
  try {
    s = inovasi::parse_submission(std::string(reinterpret_cast<const char*>(data), size), o);
  } catch (const inovasi::InputError&) {
    return 0;
  }
  inovasi_fuzz::score_everything(s);
  return 0;
}
