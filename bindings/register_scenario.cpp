// The scenario base for Python (python/inovasi/scenario.py): built once from JSON Lines with the
// GIL released, then scenarios in the JSON change format (docs/scenario.md) scored against it.
// Results are dicts of numpy arrays, like score_arrays'.
#include <pybind11/numpy.h>

#include <memory>
#include <string_view>

#include "common.hpp"
#include "inovasi/scenario.hpp"
#include "inovasi/submission.hpp"

namespace {

using inovasi::BatchResult;
using inovasi::ScenarioBase;

template <class T>
py::array_t<T> copy_array(const std::vector<T>& v) {
  py::array_t<T> a(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

py::dict result_dict(const BatchResult& r) {
  py::dict d;
  d["iid_h"] = copy_array(r.iid_h);
  d["category"] = copy_array(r.category);
  d["government_h"] = copy_array(r.government_h);
  d["innovation_sum_h"] = copy_array(r.innovation_sum_h);
  d["counted"] = copy_array(r.counted);
  d["divisor"] = copy_array(r.divisor);
  d["count_h"] = copy_array(r.count_h);
  return d;
}

py::dict region_dict(const inovasi::RegionResult& r) {
  py::dict d;
  d["iid_h"] = r.iid_h;
  d["category"] = r.category;
  d["government_h"] = r.government_h;
  d["innovation_sum_h"] = r.innovation_sum_h;
  d["counted"] = r.counted;
  d["divisor"] = r.divisor;
  d["count_h"] = r.count_h;
  return d;
}

std::unique_ptr<ScenarioBase> base_from_text(const py::bytes& data, const py::object& edition,
                                             const std::string& source, const py::object& rebind_to) {
  const std::string_view text = data;  // immutable, held by the caller for the call
  inovasi::ParseOptions o;
  o.source = source;
  if (!edition.is_none()) {
    o.edition = edition_arg(edition);
    o.override_edition = true;
  }
  inovasi::EditionPtr other;
  if (!rebind_to.is_none()) other = edition_arg(rebind_to);
  py::gil_scoped_release release;
  std::vector<inovasi::Submission> subs;
  inovasi::RecordReader reader(text, o);
  inovasi::RecordResult rec;
  while (reader.next(rec)) {
    if (rec.error) throw *rec.error;
    subs.push_back(std::move(*rec.submission));
  }
  if (subs.empty()) throw inovasi::InputError("", "no regions in the input", source);
  if (other) return std::make_unique<ScenarioBase>(subs, other);
  return std::make_unique<ScenarioBase>(subs);
}

}  // namespace

void register_scenario(py::module_& m) {
  py::class_<ScenarioBase>(m, "ScenarioBase")
      .def(py::init(&base_from_text), py::arg("data"), py::arg("edition") = py::none(), py::arg("source") = "",
           py::arg("rebind_to") = py::none())
      .def_property_readonly("regions", &ScenarioBase::regions)
      .def_property_readonly("edition", [](const ScenarioBase& b) { return PyEdition{b.columns().edition}; })
      .def_property_readonly("codes", [](const ScenarioBase& b) { return b.columns().codes; })
      .def_property_readonly("names", [](const ScenarioBase& b) { return b.columns().names; })
      .def_property_readonly("provinces", [](const ScenarioBase& b) { return b.columns().provinces; })
      .def_property_readonly("types", [](const ScenarioBase& b) { return copy_array(b.columns().types); })
      .def(
          "nominal",
          [](const ScenarioBase& b, const std::string& policy) {
            return result_dict(b.nominal(inovasi::policy_from_string(policy)));
          },
          py::arg("policy") = "self_assessed")
      .def(
          "score",
          [](const ScenarioBase& b, const std::string& changes_json, int threads) {
            BatchResult r;
            {
              py::gil_scoped_release release;
              r = b.score(inovasi::parse_scenario(changes_json, b), threads);
            }
            return result_dict(r);
          },
          py::arg("changes"), py::arg("threads") = 1,
          "Every region under a scenario in the JSON change format (docs/scenario.md)")
      .def(
          "score_region",
          [](const ScenarioBase& b, const std::string& changes_json, const std::string& code) {
            const inovasi::Scenario sc = inovasi::parse_scenario(changes_json, b);
            inovasi::Workspace ws;
            return region_dict(b.score_region(sc, b.region_index(code), ws));
          },
          py::arg("changes"), py::arg("region"), "One region (by code) under a scenario");
}
