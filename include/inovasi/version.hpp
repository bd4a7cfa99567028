#pragma once
// The library's version (the CMake project's), for provenance in results.
namespace inovasi {

const char* version();

}  // namespace inovasi
