#pragma once
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "inovasi/edition.hpp"

namespace py = pybind11;

void register_edition(py::module_& m);
void register_scoring(py::module_& m);
void register_batch(py::module_& m);
void register_synth(py::module_& m);
void register_scenario(py::module_& m);
void register_random(py::module_& m);

namespace inovasi {
struct Columns;
}
// Columns as a dict of numpy arrays that own the moved vectors (layout: docs/batch.md).
py::dict columns_to_dict(inovasi::Columns&& columns);

// A Python-side edition handle: shared, immutable.
struct PyEdition {
  inovasi::EditionPtr ptr;
};

// An edition argument: an Edition object, a shipped edition's name or an edition file's path.
inline inovasi::EditionPtr edition_arg(const py::object& e) {
  if (py::isinstance<PyEdition>(e)) return e.cast<PyEdition>().ptr;
  return inovasi::resolve_edition(e.cast<std::string>());
}
