// A Python value (dict, list, str, numbers, numpy scalars) as JSON text for the core's reader,
// walked in C++: what the package's pure-Python writer did, at a fraction of its cost (a
// 12-innovation region's dict in tens of microseconds, not milliseconds). Every problem is an
// InputError with the JSON Pointer of the place, as the core's own errors are.
#include <cmath>
#include <string>
#include <vector>

#include "common.hpp"
#include "inovasi/error.hpp"

namespace {

class Writer {
 public:
  Writer(std::string& out, std::size_t max_depth) : out_(out), max_depth_(max_depth) {}

  void value(PyObject* v, std::size_t depth) {
    if (v == Py_None) {
      out_ += "null";
    } else if (v == Py_True) {
      out_ += "true";
    } else if (v == Py_False) {
      out_ += "false";
    } else if (PyUnicode_Check(v)) {
      string(v, false);
    } else if (PyFloat_Check(v)) {
      number(PyFloat_AS_DOUBLE(v));
    } else if (PyLong_Check(v)) {
      integer(v);
    } else if (PyDict_Check(v) || PyList_Check(v) || PyTuple_Check(v)) {
      container(v, depth);
    } else {
      other(v, depth);
    }
  }

 private:
  std::string& out_;
  std::size_t max_depth_;
  std::string pointer_;          // of the value being written
  std::vector<PyObject*> path_;  // the containers being written (a cycle revisits one)

  [[noreturn]] void fail(const std::string& message) const {
    throw inovasi::InputError(pointer_.empty() ? "/" : pointer_, message);
  }

  static std::string type_name(PyObject* v) { return Py_TYPE(v)->tp_name; }

  static std::string short_type_name(PyObject* v) {
    std::string n = type_name(v);
    const auto dot = n.rfind('.');
    return dot == std::string::npos ? n : n.substr(dot + 1);
  }

  // UTF-8 of a str, or an InputError naming the lone surrogate it holds.
  std::string_view utf8(PyObject* s, bool key) const {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(s, &size);
    if (data == nullptr) {
      PyErr_Clear();
      const Py_ssize_t n = PyUnicode_GET_LENGTH(s);
      Py_UCS4 bad = 0;
      for (Py_ssize_t i = 0; i < n; ++i) {
        const Py_UCS4 c = PyUnicode_READ_CHAR(s, i);
        if (c >= 0xD800 && c <= 0xDFFF) {
          bad = c;
          break;
        }
      }
      char hex[8];
      std::snprintf(hex, sizeof hex, "%04X", static_cast<unsigned>(bad));
      fail(key ? std::string("a key holds U+") + hex + ", a lone surrogate (not valid Unicode text)"
               : std::string("U+") + hex + " is a lone surrogate, not a character (not valid Unicode text)");
    }
    return {data, static_cast<std::size_t>(size)};
  }

  void string(PyObject* s, bool key) {
    const std::string_view t = utf8(s, key);
    quoted(t);
  }

  void quoted(std::string_view t) {
    out_ += '"';
    for (const char ch : t) {
      const auto c = static_cast<unsigned char>(ch);
      if (c == '"') out_ += "\\\"";
      else if (c == '\\') out_ += "\\\\";
      else if (c < 0x20) {
        char esc[8];
        std::snprintf(esc, sizeof esc, "\\u%04x", c);
        out_ += esc;
      } else {
        out_ += ch;
      }
    }
    out_ += '"';
  }

  void number(double x) {
    if (!std::isfinite(x)) {
      py::object r = py::reinterpret_steal<py::object>(PyObject_Repr(py::float_(x).ptr()));
      fail(r.cast<std::string>() + " is not a finite number");
    }
    // Python's repr (shortest round-trip): 8.17 stays 8.17 for the core's exact reader.
    char* text = PyOS_double_to_string(x, 'r', 0, Py_DTSF_ADD_DOT_0, nullptr);
    if (text == nullptr) throw py::error_already_set();
    out_ += text;
    PyMem_Free(text);
  }

  void integer(PyObject* v) {
    int overflow = 0;
    const long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (overflow == 0) {
      if (x == -1 && PyErr_Occurred()) throw py::error_already_set();
      out_ += std::to_string(x);
      return;
    }
    py::object s = py::reinterpret_steal<py::object>(PyObject_Str(v));
    if (!s) throw py::error_already_set();
    out_ += s.cast<std::string>();
  }

  void enter(PyObject* v, std::size_t depth) {
    if (depth > max_depth_) fail("nesting deeper than the limit of " + std::to_string(max_depth_) + " levels");
    for (PyObject* p : path_)
      if (p == v) fail("this object contains itself (a cycle): not a JSON document");
    path_.push_back(v);
  }

  static void append_token(std::string& pointer, std::string_view key) {
    pointer += '/';
    for (const char c : key) {
      if (c == '~') pointer += "~0";
      else if (c == '/') pointer += "~1";
      else pointer += c;
    }
  }

  // A key as JSON: a str, or an int (not a bool) written as its decimal text.
  std::string key_text(PyObject* k) {
    if (PyUnicode_Check(k)) return std::string(utf8(k, true));
    if (PyLong_Check(k) && !PyBool_Check(k)) {
      py::object s = py::reinterpret_steal<py::object>(PyObject_Str(k));
      return s.cast<std::string>();
    }
    if (!PyBool_Check(k) && PyIndex_Check(k)) {  // a numpy integer key
      py::object i = py::reinterpret_steal<py::object>(PyNumber_Index(k));
      if (i) return py::str(i).cast<std::string>();
      PyErr_Clear();
    }
    py::object r = py::reinterpret_steal<py::object>(PyObject_Repr(k));
    if (!r) PyErr_Clear();
    fail("key " + (r ? r.cast<std::string>() : short_type_name(k)) + " is not a string (JSON keys are strings)");
  }

  void members(py::handle items, std::size_t depth) {
    // Keys are checked before any value is written (as the pure-Python writer did).
    std::vector<std::pair<std::string, py::object>> kv;
    for (py::handle item : items) {
      py::tuple t = py::reinterpret_borrow<py::tuple>(item);
      kv.emplace_back(key_text(t[0].ptr()), py::reinterpret_borrow<py::object>(t[1]));
    }
    write_members(kv, depth);
  }

  void write_members(const std::vector<std::pair<std::string, py::object>>& kv, std::size_t depth) {
    out_ += '{';
    const std::size_t mark = pointer_.size();
    for (std::size_t i = 0; i < kv.size(); ++i) {
      if (i) out_ += ',';
      quoted(kv[i].first);
      out_ += ':';
      append_token(pointer_, kv[i].first);
      value(kv[i].second.ptr(), depth + 1);
      pointer_.resize(mark);
    }
    out_ += '}';
  }

  void container(PyObject* v, std::size_t depth) {
    enter(v, depth);
    if (PyDict_Check(v)) {
      std::vector<std::pair<std::string, py::object>> kv;
      kv.reserve(static_cast<std::size_t>(PyDict_GET_SIZE(v)));
      Py_ssize_t pos = 0;
      PyObject *k = nullptr, *x = nullptr;
      while (PyDict_Next(v, &pos, &k, &x)) kv.emplace_back(key_text(k), py::reinterpret_borrow<py::object>(x));
      write_members(kv, depth);
    } else {
      out_ += '[';
      const std::size_t mark = pointer_.size();
      // The size is read at each step and the item held while written: a Mapping's items() or an
      // isinstance check runs Python code, which could shrink a list being written.
      for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(v); ++i) {
        if (i) out_ += ',';
        pointer_ += '/';
        pointer_ += std::to_string(i);
        py::object item = py::reinterpret_borrow<py::object>(PySequence_Fast_GET_ITEM(v, i));
        value(item.ptr(), depth + 1);
        pointer_.resize(mark);
      }
      out_ += ']';
    }
    path_.pop_back();
  }

  void other(PyObject* v, std::size_t depth) {
    // Never freed: a static py::object would be released after the interpreter has ended.
    static auto* mapping = new py::object(py::module_::import("collections.abc").attr("Mapping"));
    static auto* integral = new py::object(py::module_::import("numbers").attr("Integral"));
    static auto* real = new py::object(py::module_::import("numbers").attr("Real"));
    const std::string type = type_name(v);
    if (type == "numpy.bool" || type == "numpy.bool_") {  // what a DataFrame's boolean column holds
      out_ += PyObject_IsTrue(v) ? "true" : "false";
      return;
    }
    if (PyObject_IsInstance(v, mapping->ptr()) == 1) {
      enter(v, depth);
      members(py::reinterpret_borrow<py::object>(v).attr("items")(), depth);
      path_.pop_back();
      return;
    }
    // numpy integers (and any other Integral), then numpy floats that are not float subclasses.
    if (PyObject_IsInstance(v, integral->ptr()) == 1) {
      py::object i = py::reinterpret_steal<py::object>(PyNumber_Index(v));
      if (!i) {
        PyErr_Clear();
        i = py::reinterpret_steal<py::object>(PyNumber_Long(v));
      }
      if (!i) throw py::error_already_set();
      integer(i.ptr());
      return;
    }
    if (PyObject_IsInstance(v, real->ptr()) == 1) {
      const double x = PyFloat_AsDouble(v);
      if (x == -1.0 && PyErr_Occurred()) throw py::error_already_set();
      number(x);
      return;
    }
    if (PyErr_Occurred()) PyErr_Clear();
    fail("a " + short_type_name(v) + " is not a JSON value");
  }
};

}  // namespace

std::string json_of_python(py::handle value, std::size_t max_depth) {
  std::string out;
  Writer(out, max_depth).value(value.ptr(), 1);
  return out;
}
