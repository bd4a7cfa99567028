#include "inovasi/version.hpp"

namespace inovasi {

const char* version() { return INOVASI_VERSION; }

}  // namespace inovasi
