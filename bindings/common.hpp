#pragma once
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "inovasi/edition.hpp"

namespace py = pybind11;

void register_edition(py::module_& m);
void register_scoring(py::module_& m);

// A Python-side edition handle: shared, immutable.
struct PyEdition {
  inovasi::EditionPtr ptr;
};
