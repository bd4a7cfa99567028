#include "common.hpp"
#include "inovasi/decimal.hpp"

namespace {

py::dict provenance_dict(const inovasi::Provenance& p) {
  py::dict d;
  d["mark"] = std::string(1, p.mark);
  d["note"] = p.note;
  return d;
}

std::string weight_text(std::int64_t h) { return inovasi::hundredths_text_short(h); }

}  // namespace

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
