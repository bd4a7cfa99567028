#include <map>
#include <mutex>

#include "common.hpp"
#include "inovasi/decimal.hpp"
#include "inovasi/error.hpp"

namespace {

py::dict provenance_dict(const inovasi::Provenance& p) {
  py::dict d;
  d["mark"] = std::string(1, p.mark);
  d["note"] = p.note;
  return d;
}

std::string weight_text(std::int64_t h) { return inovasi::hundredths_text_short(h); }

py::tuple edition_state(const PyEdition& e) {
  return py::make_tuple(kPickleVersion, e.ptr->name, e.ptr->sha256, py::bytes(e.ptr->text));
}

// Python objects of editions for pickling, by sha256 (a module attribute, so Python owns them).
py::dict& pickled_editions() {
  static py::dict* d = [] {
    auto* out = new py::dict();  // never freed: lives as long as the module
    py::module_::import("inovasi._core").attr("_pickled_editions") = *out;
    return out;
  }();
  return *d;
}

}  // namespace

void check_state(const py::tuple& state, std::size_t size, const char* type) {
  if (state.size() < 1 || !py::isinstance<py::int_>(state[0]))
    throw py::value_error(std::string("not a pickled ") + type + " state");
  const int version = state[0].cast<int>();
  if (version != kPickleVersion)
    throw py::value_error(std::string("a pickled ") + type + " of state version " + std::to_string(version) +
                          ": this inovasi reads version " + std::to_string(kPickleVersion) +
                          " (pickle it again with this version, or load it with the version that wrote it)");
  if (state.size() != size)
    throw py::value_error(std::string("a pickled ") + type + " state of " + std::to_string(state.size()) +
                          " fields, not " + std::to_string(size) + " (a damaged pickle)");
}

py::object edition_for_pickle(const inovasi::EditionPtr& e) {
  py::dict& cache = pickled_editions();
  py::str key(e->sha256);
  if (cache.contains(key)) {
    py::object o = cache[key];
    // The same content under another name (a copy of a file) is another edition.
    if (o.cast<const PyEdition&>().ptr->name == e->name) return o;
  }
  if (py::len(cache) >= 64) cache.clear();  // bounded: a study that builds many editions
  py::object o = py::cast(PyEdition{e});
  cache[key] = o;
  return o;
}

inovasi::EditionPtr edition_from_state(const py::tuple& state) {
  check_state(state, 4, "Edition");
  const auto name = state[1].cast<std::string>();
  const auto sha = state[2].cast<std::string>();
  const auto text = state[3].cast<std::string>();
  // A shipped edition with the same content: the shipped one (no parse, and equal by identity).
  for (const auto& n : inovasi::builtin_edition_names())
    if (n == name) {
      inovasi::EditionPtr b = inovasi::builtin_edition(n);
      if (b->sha256 == sha) return b;
    }
  static std::mutex mutex;
  static auto* rebuilt = new std::map<std::string, std::weak_ptr<const inovasi::Edition>>();
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = rebuilt->find(sha);
    if (it != rebuilt->end())
      if (auto e = it->second.lock(); e && e->name == name) return e;
  }
  inovasi::EditionPtr e;
  {
    py::gil_scoped_release release;
    e = inovasi::parse_edition(text, "<pickled edition " + name + ">");
  }
  if (e->sha256 != sha || e->name != name)
    throw inovasi::InputError("", "a pickled edition whose text does not match its sha256 " + sha +
                                      " (a damaged pickle)", "<pickled edition " + name + ">");
  std::lock_guard<std::mutex> lock(mutex);
  for (auto it = rebuilt->begin(); it != rebuilt->end();)  // drop editions nobody holds
    it = it->second.expired() ? rebuilt->erase(it) : std::next(it);
  (*rebuilt)[sha] = e;
  return e;
}

void register_edition(py::module_& m) {
  // The one hundredths formatter, for every Python surface (python/inovasi/_text.py).
  m.def("hundredths_text", &inovasi::hundredths_text, py::arg("h"),
        "Integer hundredths as exact text with two places: 4576 -> '45.76', -5 -> '-0.05'");
  m.def("hundredths_text_short", &inovasi::hundredths_text_short, py::arg("h"),
        "Integer hundredths as the shortest exact text: 4570 -> '45.7', 300 -> '3'");
  py::class_<PyEdition>(m, "Edition", "An immutable, shareable edition of the methodology")
      .def_property_readonly("name", [](const PyEdition& e) { return e.ptr->name; })
      .def_property_readonly("sha256", [](const PyEdition& e) { return e.ptr->sha256; },
                             "SHA-256 of the edition file's bytes (provenance)")
      .def_property_readonly("title", [](const PyEdition& e) { return e.ptr->title; })
      .def_property_readonly("description", [](const PyEdition& e) { return e.ptr->description; })
      .def_property_readonly("assessment_year", [](const PyEdition& e) { return e.ptr->assessment_year; })
      .def_property_readonly("divisor_minimum", [](const PyEdition& e) { return e.ptr->divisor_minimum; })
      .def_property_readonly("level_max", [](const PyEdition& e) { return e.ptr->level_max; })
      .def_property_readonly("rounding", [](const PyEdition& e) { return inovasi::to_string(e.ptr->rounding); })
      .def_property_readonly("category_reading",
                             [](const PyEdition& e) { return inovasi::to_string(e.ptr->category_reading); })
      .def_property_readonly("max_total", [](const PyEdition& e) { return weight_text(e.ptr->max_total_h); })
      .def_property_readonly("categories",
                             [](const PyEdition& e) {
                               py::list out;
                               for (const auto& b : e.ptr->bands) {
                                 py::dict d;
                                 d["label"] = b.label;
                                 d["lower"] = weight_text(b.lower_h);
                                 d["strict"] = b.strict;
                                 out.append(d);
                               }
                               return out;
                             })
      .def_property_readonly("lowest_category", [](const PyEdition& e) { return e.ptr->lowest_category; })
      .def_property_readonly("acceptance_factors",
                             [](const PyEdition& e) {
                               // per finding severity: how findings lower an answer's acceptance (docs/editions.md)
                               const auto& f = e.ptr->acceptance_factors;
                               py::dict d;
                               d["info"] = f.info;
                               d["warning"] = f.warning;
                               d["error"] = f.error;
                               return d;
                             })
      .def_property_readonly("count_points",
                             [](const PyEdition& e) {
                               // rate per counted innovation, cap on n, and the 2026-style gate (or None)
                               py::dict d;
                               d["rate"] = weight_text(e.ptr->count_rate_h);
                               d["cap"] = e.ptr->count_cap;
                               if (e.ptr->gate) {
                                 py::dict g;
                                 g["affairs"] = e.ptr->gate->affairs;
                                 g["min_covered"] = e.ptr->gate->min_covered;
                                 g["counted"] = e.ptr->gate->counted == inovasi::GateCounted::counted ? "counted" : "submitted";
                                 d["gate"] = g;
                               } else {
                                 d["gate"] = py::none();
                               }
                               return d;
                             })
      .def_property_readonly("provenance",
                             [](const PyEdition& e) {
                               py::dict d;
                               for (const auto& [k, p] : e.ptr->provenance) d[py::str(k)] = provenance_dict(p);
                               return d;
                             })
      .def_property_readonly(
          "rows",
          [](const PyEdition& e) {
            py::list out;
            const auto& ed = *e.ptr;
            for (const auto& r : ed.rows) {
              py::dict d;
              d["key"] = r.key;
              d["indicator"] = r.indicator;
              d["aspect"] = r.aspect;
              d["per_innovation"] = r.aspect_index == 1;
              d["variable"] = r.variable;
              d["name"] = r.name;
              d["english"] = r.english;
              d["weight"] = weight_text(r.weight_h);
              d["mandatory"] = r.mandatory;
              d["levels"] = r.level_labels;
              py::dict prov;
              for (const auto& [k, p] : r.provenance) prov[py::str(k)] = provenance_dict(p);
              d["provenance"] = prov;
              out.append(d);
            }
            return out;
          })
      .def_property_readonly("text", [](const PyEdition& e) { return py::bytes(e.ptr->text); },
                             "The edition file's bytes as loaded (what sha256 is of)")
      .def("__eq__",
           [](const PyEdition& a, const py::object& b) {
             // Same content, same edition: editions are values (a pickled one rebuilt elsewhere is equal).
             return py::isinstance<PyEdition>(b) && a.ptr->sha256 == b.cast<const PyEdition&>().ptr->sha256 &&
                    a.ptr->name == b.cast<const PyEdition&>().ptr->name;
           })
      .def("__hash__", [](const PyEdition& e) { return py::hash(py::str(e.ptr->sha256)); })
      // Immutable: a copy is the edition itself.
      .def("__copy__", [](const py::object& self) { return self; })
      .def("__deepcopy__", [](const py::object& self, const py::object&) { return self; }, py::arg("memo"))
      .def(py::pickle(&edition_state, [](const py::tuple& t) { return PyEdition{edition_from_state(t)}; }))
      .def("__repr__", [](const PyEdition& e) { return "<inovasi.Edition " + e.ptr->name + ">"; });

  m.def("builtin_edition_names", &inovasi::builtin_edition_names);
  // Loading an edition file (reading and validating ~80 KB of JSON) runs without the GIL.
  m.def("resolve_edition",
        [](const std::string& s) {
          py::gil_scoped_release release;
          return PyEdition{inovasi::resolve_edition(s)};
        },
        py::arg("name_or_path"));
  m.def("parse_edition",
        [](const std::string& text, const std::string& source) {
          py::gil_scoped_release release;
          return PyEdition{inovasi::parse_edition(text, source)};
        },
        py::arg("text"), py::arg("source") = "");
}
