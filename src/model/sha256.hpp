#pragma once
// SHA-256 (FIPS 180-4) of a byte string, as 64 lower-case hex digits: the content hash an edition
// carries for provenance (what exactly a result was scored under).
#include <string>
#include <string_view>

namespace inovasi::detail {

std::string sha256_hex(std::string_view bytes);

}  // namespace inovasi::detail
