#include "common.hpp"
#include "inovasi/error.hpp"
#include "inovasi/version.hpp"

namespace {
PyObject* input_error_type = nullptr;
}

PYBIND11_MODULE(_core, m) {
  m.doc() = "inovasi C++ core (private: use the inovasi package)";
  // The one version: CMake's project version, compiled into the library (pyproject.toml reads
  // it from CMakeLists.txt too).
  m.def("version", [] { return std::string(inovasi::version()); }, "The library's version (CMake's project version)");
  static py::exception<inovasi::InputError> exc(m, "InputError", PyExc_ValueError);
  input_error_type = exc.ptr();
  // InputError carries where the input is wrong: .pointer (JSON Pointer or None), .line,
  // .column, .source and the bare .message.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const inovasi::InputError& e) {
      py::object type = py::reinterpret_borrow<py::object>(input_error_type);
      py::object err = type(e.what());
      err.attr("pointer") = e.pointer().empty() ? py::object(py::none()) : py::object(py::str(e.pointer()));
      err.attr("line") = e.line() ? py::object(py::int_(e.line())) : py::object(py::none());
      err.attr("column") = e.column() ? py::object(py::int_(e.column())) : py::object(py::none());
      err.attr("source") = e.source().empty() ? py::object(py::none()) : py::object(py::str(e.source()));
      err.attr("message") = py::str(e.message());
      PyErr_SetObject(input_error_type, err.ptr());
    }
  });
  register_edition(m);
  register_scoring(m);
  register_batch(m);
  register_synth(m);
  register_scenario(m);
  register_random(m);
  register_uncertainty(m);
}
