// The scenario base for Python (python/inovasi/scenario.py): built once from JSON Lines with the
// GIL released, then scenarios in the JSON change format (docs/scenario.md) scored against it.
// Results are dicts of numpy arrays, like score_arrays'.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <map>
#include <memory>
#include <optional>
#include <string_view>

#include "common.hpp"
#include "inovasi/plan.hpp"
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

// A base with what it was built from (the input's bytes, held, not copied; the editions), so
// that pickling can carry them and build the base again where it lands (exact by construction).
struct PyBase : ScenarioBase {
  PyBase(ScenarioBase&& b, py::object data, py::object edition, std::string source, py::object rebind_to)
      : ScenarioBase(std::move(b)), data(std::move(data)), edition_arg(std::move(edition)),
        source(std::move(source)), rebind_to(std::move(rebind_to)) {}
  py::object data, edition_arg;
  std::string source;
  py::object rebind_to;
};

std::unique_ptr<PyBase> base_from_text(const py::bytes& data, const py::object& edition, const std::string& source,
                                       const py::object& rebind_to) {
  const std::string_view text = data;  // immutable, held by the base
  inovasi::ParseOptions o;
  o.source = source;
  py::object edition_obj = py::none(), rebind_obj = py::none();
  if (!edition.is_none()) {
    o.edition = edition_arg(edition);
    o.override_edition = true;
    edition_obj = py::cast(PyEdition{o.edition});
  }
  inovasi::EditionPtr other;
  if (!rebind_to.is_none()) {
    other = edition_arg(rebind_to);
    rebind_obj = py::cast(PyEdition{other});
  }
  std::unique_ptr<ScenarioBase> base;
  {
    py::gil_scoped_release release;
    std::vector<inovasi::Submission> subs;
    inovasi::RecordReader reader(text, o);
    inovasi::RecordResult rec;
    while (reader.next(rec)) {
      if (rec.error) throw *rec.error;
      subs.push_back(std::move(*rec.submission));
    }
    if (subs.empty()) throw inovasi::InputError("", "no regions in the input", source);
    base = other ? std::make_unique<ScenarioBase>(subs, other) : std::make_unique<ScenarioBase>(subs);
  }
  return std::make_unique<PyBase>(std::move(*base), data, edition_obj, source, rebind_obj);
}

// Pickled as (rebuild function, (state,)) with the state (version, bytes, edition or None,
// source, rebind_to or None); from protocol 5 on the bytes travel as a PickleBuffer, out of band
// when the pickler takes buffers.
py::tuple base_reduce(const PyBase& b, int protocol) {
  py::object data = b.data;
  if (protocol >= 5) data = py::module_::import("pickle").attr("PickleBuffer")(b.data);
  py::object edition = b.edition_arg.is_none() ? py::object(py::none())
                                               : edition_for_pickle(b.edition_arg.cast<const PyEdition&>().ptr);
  py::object rebind = b.rebind_to.is_none() ? py::object(py::none())
                                            : edition_for_pickle(b.rebind_to.cast<const PyEdition&>().ptr);
  py::object rebuild = py::module_::import("inovasi._core").attr("_scenario_base_from_state");
  return py::make_tuple(rebuild, py::make_tuple(py::make_tuple(kPickleVersion, data, edition, b.source, rebind)));
}

std::unique_ptr<PyBase> base_from_state(const py::tuple& t) {
  check_state(t, 5, "ScenarioBase");
  // In band the bytes come back as bytes; out of band as whatever buffer the loader was given.
  py::object data = t[1];
  if (!py::isinstance<py::bytes>(data)) data = py::bytes(py::reinterpret_steal<py::object>(PyBytes_FromObject(data.ptr())));
  return base_from_text(data.cast<py::bytes>(), t[2], t[3].cast<std::string>(), t[4]);
}

// The planner's options from the keyword arguments plan() and gains() share.
inovasi::PlanOptions plan_options(const std::string& policy, std::map<std::string, std::int64_t> row_cost,
                                  std::int64_t default_cost, std::vector<std::string> fixed_rows, std::size_t max_new,
                                  std::map<std::string, int> new_profile, bool median_profile,
                                  std::vector<std::string> new_affairs, std::int64_t new_cost) {
  inovasi::PlanOptions o;
  o.policy = inovasi::policy_from_string(policy);
  o.row_cost = std::move(row_cost);
  o.default_cost = default_cost;
  o.fixed_rows = std::move(fixed_rows);
  o.max_new = max_new;
  o.new_profile = std::move(new_profile);
  o.median_profile = median_profile;
  o.new_affairs = std::move(new_affairs);
  o.new_cost = new_cost;
  return o;
}

}  // namespace

void register_scenario(py::module_& m) {
  m.def(
      "scenario_edition",
      [](const std::string& changes_json) -> py::object {
        inovasi::EditionPtr e = inovasi::scenario_edition(changes_json);
        return e ? py::cast(PyEdition{e}) : py::object(py::none());
      },
      py::arg("changes"), "The edition a change text names (\"edition\"), or None");
  m.def(
      "same_edition",
      [](const py::object& a, const py::object& b) { return inovasi::same_edition(*edition_arg(a), *edition_arg(b)); },
      py::arg("a"), py::arg("b"), "Whether two editions are one (the same object or file content)");
  m.def("_scenario_base_from_state", &base_from_state, py::arg("state"));
  py::class_<PyBase>(m, "ScenarioBase")
      .def(py::init(&base_from_text), py::arg("data"), py::arg("edition") = py::none(), py::arg("source") = "",
           py::arg("rebind_to") = py::none())
      .def("__reduce_ex__", &base_reduce, py::arg("protocol"))
      // Immutable after construction (and safe to share between threads): a copy is the base itself.
      .def("__copy__", [](const py::object& self) { return self; })
      .def("__deepcopy__", [](const py::object& self, const py::object&) { return self; }, py::arg("memo"))
      .def_property_readonly("regions", [](const PyBase& b) { return b.regions(); })
      .def_property_readonly("edition", [](const PyBase& b) { return PyEdition{b.columns().edition}; })
      .def_property_readonly("codes", [](const PyBase& b) { return b.columns().codes; })
      .def_property_readonly("names", [](const PyBase& b) { return b.columns().names; })
      .def_property_readonly("provinces", [](const PyBase& b) { return b.columns().provinces; })
      .def_property_readonly("types", [](const PyBase& b) { return copy_array(b.columns().types); })
      .def(
          "nominal",
          [](const PyBase& b, const std::string& policy) {
            return result_dict(b.nominal(inovasi::policy_from_string(policy)));
          },
          py::arg("policy") = "self_assessed")
      .def(
          "score",
          [](const PyBase& b, const std::string& changes_json, int threads) {
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
          [](const PyBase& b, const std::string& changes_json, const std::string& code) {
            const inovasi::Scenario sc = inovasi::parse_scenario(changes_json, b);
            inovasi::Workspace ws;
            return region_dict(b.score_region(sc, b.region_index(code), ws));
          },
          py::arg("changes"), py::arg("region"), "One region (by code) under a scenario")
      .def(
          "plan",
          [](const PyBase& b, const std::string& code, std::optional<std::int64_t> target_iid_h,
             std::optional<std::string> target_category, const std::string& policy,
             std::map<std::string, std::int64_t> row_cost, std::int64_t default_cost, std::vector<std::string> fixed_rows,
             std::size_t max_new, std::map<std::string, int> new_profile, bool median_profile,
             std::vector<std::string> new_affairs, std::int64_t new_cost) {
            inovasi::PlanOptions o = plan_options(policy, std::move(row_cost), default_cost, std::move(fixed_rows),
                                                  max_new, std::move(new_profile), median_profile,
                                                  std::move(new_affairs), new_cost);
            o.target_iid_h = target_iid_h;
            o.target_category = std::move(target_category);
            const std::size_t region = b.region_index(code);
            py::gil_scoped_release release;
            return inovasi::to_json(inovasi::plan_region(b, region, o), b, o);
          },
          py::arg("region"), py::arg("target_iid_h") = py::none(), py::arg("target_category") = py::none(),
          py::arg("policy") = "self_assessed", py::arg("row_cost") = std::map<std::string, std::int64_t>{},
          py::arg("default_cost") = 1, py::arg("fixed_rows") = std::vector<std::string>{}, py::arg("max_new") = 0,
          py::arg("new_profile") = std::map<std::string, int>{}, py::arg("median_profile") = false,
          py::arg("new_affairs") = std::vector<std::string>{}, py::arg("new_cost") = 1,
          "The cheapest path of one region (by code) to a target, as the JSON text of docs/plan.md")
      .def(
          "gains",
          [](const PyBase& b, const std::string& code, const std::string& policy,
             std::map<std::string, std::int64_t> row_cost, std::int64_t default_cost, std::vector<std::string> fixed_rows,
             std::size_t max_new, std::map<std::string, int> new_profile, bool median_profile,
             std::vector<std::string> new_affairs, std::int64_t new_cost, bool all) {
            const inovasi::PlanOptions o = plan_options(policy, std::move(row_cost), default_cost,
                                                        std::move(fixed_rows), max_new, std::move(new_profile),
                                                        median_profile, std::move(new_affairs), new_cost);
            const std::size_t region = b.region_index(code);
            py::gil_scoped_release release;
            return inovasi::gains_json(inovasi::marginal_gains(b, region, o, all), b, region, o);
          },
          py::arg("region"), py::arg("policy") = "self_assessed",
          py::arg("row_cost") = std::map<std::string, std::int64_t>{}, py::arg("default_cost") = 1,
          py::arg("fixed_rows") = std::vector<std::string>{}, py::arg("max_new") = 0,
          py::arg("new_profile") = std::map<std::string, int>{}, py::arg("median_profile") = false,
          py::arg("new_affairs") = std::vector<std::string>{}, py::arg("new_cost") = 1, py::arg("all") = false,
          "Marginal gains of one region (by code): JSON Lines, one step a line, best first (docs/plan.md)");
}
