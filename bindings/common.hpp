#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string_view>
#include <vector>

#include "inovasi/edition.hpp"

namespace py = pybind11;

void register_edition(py::module_& m);
void register_scoring(py::module_& m);
void register_batch(py::module_& m);
void register_synth(py::module_& m);
void register_scenario(py::module_& m);
void register_random(py::module_& m);
void register_uncertainty(py::module_& m);
void register_sensitivity(py::module_& m);

// The bytes of a buffer (bytes, a mapped file, a uint8 array) as text, read in place: valid
// while `info` (which keeps the buffer exported) lives.
inline std::string_view buffer_text(const py::buffer& data, py::buffer_info& info) {
  info = data.request();
  if (info.ndim > 1 || (info.ndim == 1 && info.itemsize != 1))
    throw py::type_error("data must be bytes or a one-dimensional byte buffer");
  return {static_cast<const char*>(info.ptr), static_cast<std::size_t>(info.size * info.itemsize)};
}

// A numpy array owning a moved std::vector (zero copy: the capsule frees the vector).
template <class T>
py::array owning_array(std::vector<T>&& v, std::vector<py::ssize_t> shape) {
  auto* heap = new std::vector<T>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(shape, heap->data(), owner);
}

namespace inovasi {
struct Columns;
}
// Columns as a dict of numpy arrays that own the moved vectors (layout: docs/batch.md).
py::dict columns_to_dict(inovasi::Columns&& columns);

// A Python-side edition handle: shared, immutable.
struct PyEdition {
  inovasi::EditionPtr ptr;
};

// Pickling an edition: its state is (version, name, sha256, the file's bytes); loading rebuilds
// it (a shipped edition with that content is the shipped one itself; any other is parsed once
// per process and shared by content hash). edition_for_pickle gives one Python object per
// edition content, so pickle's memo writes an edition's text once per pickle, however many
// submissions and results carry it.
py::object edition_for_pickle(const inovasi::EditionPtr& e);
inovasi::EditionPtr edition_from_state(const py::tuple& state);
constexpr int kPickleVersion = 1;  // of every _core type's pickled state
// A pickled state's version check: a ValueError saying what to do with a state a newer
// inovasi wrote (or anything that is not a state).
void check_state(const py::tuple& state, std::size_t size, const char* type);

// A Python value as JSON text (bindings/python_json.cpp): InputError with the JSON Pointer of
// anything that is not JSON (a set, NaN, a cycle, nesting deeper than max_depth).
std::string json_of_python(py::handle value, std::size_t max_depth);

// An edition argument: an Edition object, a shipped edition's name or an edition file's path.
inline inovasi::EditionPtr edition_arg(const py::object& e) {
  if (py::isinstance<PyEdition>(e)) return e.cast<PyEdition>().ptr;
  return inovasi::resolve_edition(e.cast<std::string>());
}

// For long loops that run without the GIL: takes it briefly and runs Python's signal handlers
// (main thread only; elsewhere a no-op). A handler that raises (Ctrl-C's KeyboardInterrupt,
// the CLI's SIGTERM handler) ends the loop: the exception propagates as error_already_set.
// Cheap enough per record (a record takes far longer to parse and score than a GIL round trip).
inline void check_signals_without_gil() {
  py::gil_scoped_acquire gil;
  if (PyErr_CheckSignals() != 0) throw py::error_already_set();
}

// The most threads a threaded call starts: 4 per hardware thread (1 when unknown), so
// threads=5000 cannot start (and the shared pool keep) 5,000 threads. More than this gains
// nothing, even on a machine whose threads block. inovasi.thread_count uses the same cap.
std::size_t max_threads();
// `requested` as the batch engine takes it: <= 0 is one per hardware thread, then capped.
int capped_threads(long long requested);
