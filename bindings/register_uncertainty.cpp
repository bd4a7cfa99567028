// Monte Carlo for Python (python/inovasi/uncertainty.py): a model read from JSON Lines under
// each edition of the study, evaluations for sensitivity sampling, and runs that release the
// GIL, answer Ctrl-C and return a summary that pickles (Dask merges the summaries of blocks).
#include <string>
#include <vector>

#include "common.hpp"
#include "inovasi/ingest.hpp"
#include "inovasi/uncertainty.hpp"

using inovasi::MonteCarloSummary;
using inovasi::UncertaintyModel;

namespace {

std::unique_ptr<UncertaintyModel> model_from_text(const py::buffer& data, const std::string& spec_json,
                                                  const py::object& edition, const std::string& source,
                                                  const std::string& spec_source, int threads) {
  py::buffer_info info;
  const std::string_view text = buffer_text(data, info);
  inovasi::UncertaintySpec spec = inovasi::parse_uncertainty(spec_json, spec_source);
  std::vector<inovasi::EditionPtr> editions;
  if (!spec.editions.empty()) {
    for (const std::string& name : spec.editions) editions.push_back(inovasi::resolve_edition(name));
  } else if (!edition.is_none()) {
    editions.push_back(edition_arg(edition));
  }
  py::gil_scoped_release release;
  std::vector<inovasi::Columns> cols;
  auto read = [&](const inovasi::EditionPtr& ed) {
    inovasi::ParseOptions o;
    o.source = source;
    if (ed) {
      o.edition = ed;
      o.override_edition = true;
    }
    o.poll = [] { check_signals_without_gil(); };
    cols.push_back(inovasi::read_policy_columns(text, o, capped_threads(threads)));
  };
  if (editions.empty()) read(nullptr);
  for (const auto& ed : editions) read(ed);
  return std::make_unique<UncertaintyModel>(std::move(cols), std::move(spec));
}

template <class T>
py::array_t<T> copy_array(const std::vector<T>& v, std::vector<py::ssize_t> shape) {
  py::array_t<T> a(shape);
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

template <class T>
std::vector<T> vector_of(const py::array& a, std::size_t size, const char* what) {
  const auto arr = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(a);
  if (!arr || static_cast<std::size_t>(arr.size()) != size)
    throw py::value_error(std::string("summary state: ") + what + " has the wrong size");
  return std::vector<T>(arr.data(), arr.data() + size);
}

constexpr int kSummaryState = 1;  // the pickled form's version

py::dict summary_state(const MonteCarloSummary& s) {
  const auto R = static_cast<py::ssize_t>(s.regions);
  py::dict d;
  d["version"] = kSummaryState;
  d["replicates"] = s.replicates;
  d["regions"] = s.regions;
  d["categories"] = s.categories;
  d["national_slots"] = s.national_slots;
  d["province_slots"] = s.province_slots;
  d["iid_sum_h"] = copy_array(s.iid_sum_h, {R});
  d["iid_histogram"] = copy_array(s.iid_histogram, {R, s.regions ? static_cast<py::ssize_t>(s.iid_histogram.size() / s.regions) : 0});
  d["category_count"] = copy_array(s.category_count, {R, static_cast<py::ssize_t>(s.categories)});
  d["national_rank_count"] = copy_array(s.national_rank_count, {R, static_cast<py::ssize_t>(s.national_slots)});
  d["province_rank_count"] = copy_array(s.province_rank_count, {R, static_cast<py::ssize_t>(s.province_slots)});
  return d;
}

MonteCarloSummary summary_from_state(const py::dict& d) {
  if (!d.contains("version") || d["version"].cast<int>() != kSummaryState)
    throw py::value_error("a Monte Carlo summary pickled by another version of inovasi");
  MonteCarloSummary s;
  s.replicates = d["replicates"].cast<std::uint64_t>();
  s.regions = d["regions"].cast<std::size_t>();
  s.categories = d["categories"].cast<std::size_t>();
  s.national_slots = d["national_slots"].cast<std::size_t>();
  s.province_slots = d["province_slots"].cast<std::size_t>();
  s.iid_sum_h = vector_of<std::int64_t>(d["iid_sum_h"], s.regions, "iid_sum_h");
  s.iid_histogram = vector_of<std::uint32_t>(d["iid_histogram"], s.regions * 10001, "iid_histogram");
  s.category_count = vector_of<std::uint32_t>(d["category_count"], s.regions * s.categories, "category_count");
  s.national_rank_count =
      vector_of<std::uint32_t>(d["national_rank_count"], s.regions * s.national_slots, "national_rank_count");
  s.province_rank_count =
      vector_of<std::uint32_t>(d["province_rank_count"], s.regions * s.province_slots, "province_rank_count");
  return s;
}

py::dict region_dict(const inovasi::RegionUncertainty& u) {
  py::dict d;
  d["iid_mean"] = u.iid_mean;
  d["iid_q05_h"] = u.iid_q05_h;
  d["iid_q50_h"] = u.iid_q50_h;
  d["iid_q95_h"] = u.iid_q95_h;
  d["category_probability"] = u.category_probability;
  d["unranked_probability"] = u.unranked_probability;
  d["national_rank_q05"] = u.national_rank_q05;
  d["national_rank_q50"] = u.national_rank_q50;
  d["national_rank_q95"] = u.national_rank_q95;
  d["province_rank_q05"] = u.province_rank_q05;
  d["province_rank_q50"] = u.province_rank_q50;
  d["province_rank_q95"] = u.province_rank_q95;
  return d;
}

}  // namespace

void register_uncertainty(py::module_& m) {
  py::class_<MonteCarloSummary>(m, "MonteCarloSummary")
      .def(py::init([](const py::dict& state) { return summary_from_state(state); }), py::arg("state"))
      .def_readonly("replicates", &MonteCarloSummary::replicates)
      .def_readonly("regions", &MonteCarloSummary::regions)
      .def_readonly("categories", &MonteCarloSummary::categories)
      .def("merge",
           [](const MonteCarloSummary& a, const MonteCarloSummary& b) {
             MonteCarloSummary out = a;
             out.merge(b);
             return out;
           },
           py::arg("other"), "The summary of both blocks of replicates (disjoint blocks of one study)")
      .def("state", &summary_state, "The summary's counts as numpy arrays (copies), with a version")
      .def("region", [](const MonteCarloSummary& s, std::size_t r) { return region_dict(inovasi::summarise(s, r)); },
           py::arg("region"))
      .def("__eq__", [](const MonteCarloSummary& a, const MonteCarloSummary& b) {
        return a.replicates == b.replicates && a.regions == b.regions && a.iid_sum_h == b.iid_sum_h &&
               a.iid_histogram == b.iid_histogram && a.category_count == b.category_count &&
               a.national_rank_count == b.national_rank_count && a.province_rank_count == b.province_rank_count;
      })
      .def(py::pickle([](const MonteCarloSummary& s) { return summary_state(s); },
                      [](const py::dict& d) { return summary_from_state(d); }));

  // dynamic_attr: inovasi.uncertainty.model() keeps the model's inputs on it, so that it pickles
  // (rebuilt from them where it lands; python/inovasi/uncertainty.py).
  py::class_<UncertaintyModel>(m, "UncertaintyModel", py::dynamic_attr())
      .def(py::init(&model_from_text), py::arg("data"), py::arg("spec"), py::arg("edition") = py::none(),
           py::arg("source") = "", py::arg("spec_source") = "", py::arg("threads") = 1)
      .def_property_readonly("regions", &UncertaintyModel::regions)
      .def_property_readonly("groups",
                             [](const UncertaintyModel& mdl) {
                               py::list out;
                               for (const auto& g : mdl.groups()) out.append(g.name);
                               return out;
                             })
      .def_property_readonly("seed", [](const UncertaintyModel& mdl) { return mdl.spec().seed; })
      .def_property_readonly("replicates", [](const UncertaintyModel& mdl) { return mdl.spec().replicates; })
      .def_property_readonly("policy", [](const UncertaintyModel& mdl) { return inovasi::to_string(mdl.spec().policy); })
      .def_property_readonly("editions",
                             [](const UncertaintyModel& mdl) {
                               py::list out;
                               const std::size_t n = std::max<std::size_t>(1, mdl.spec().editions.size());
                               for (std::size_t e = 0; e < n; ++e)
                                 out.append(PyEdition{mdl.columns(e).edition});
                               return out;
                             })
      .def("region_table",
           [](const UncertaintyModel& mdl) {
             const inovasi::Columns& c = mdl.columns(0);
             py::dict d;
             d["codes"] = c.codes;
             d["names"] = c.names;
             d["provinces"] = c.provinces;
             d["types"] = copy_array(c.types, {static_cast<py::ssize_t>(c.types.size())});
             d["clusters"] = copy_array(c.clusters, {static_cast<py::ssize_t>(c.clusters.size())});
             return d;
           })
      .def(
          "evaluate",
          [](const UncertaintyModel& mdl, const py::array_t<std::uint64_t, py::array::c_style | py::array::forcecast>& counters) {
            const auto R = static_cast<py::ssize_t>(mdl.regions());
            py::array_t<std::int64_t> iid(R);
            py::array_t<std::uint8_t> cat(R);
            const std::span<const std::uint64_t> c(counters.data(), static_cast<std::size_t>(counters.size()));
            const std::span<std::int64_t> io(iid.mutable_data(), mdl.regions());
            const std::span<std::uint8_t> co(cat.mutable_data(), mdl.regions());
            {
              py::gil_scoped_release release;
              inovasi::UncertaintyScratch s;
              mdl.evaluate(c, io, co, s);
            }
            return py::make_tuple(iid, cat);
          },
          py::arg("counters"), "Every region's IID (hundredths) and category with input group g at counters[g]")
      .def(
          "evaluate_many",
          [](const UncertaintyModel& mdl, const py::array_t<std::uint64_t, py::array::c_style | py::array::forcecast>& counters,
             int threads) {
            const auto G = static_cast<py::ssize_t>(mdl.groups().size());
            if (counters.ndim() != 2 || counters.shape(1) != G)
              throw py::value_error("counters must be samples × " + std::to_string(G) + " (one column per input group)");
            const py::ssize_t n = counters.shape(0), R = static_cast<py::ssize_t>(mdl.regions());
            py::array_t<std::int64_t> iid({n, R});
            py::array_t<std::uint8_t> cat({n, R});
            const std::span<const std::uint64_t> c(counters.data(), static_cast<std::size_t>(counters.size()));
            const std::span<std::int64_t> io(iid.mutable_data(), static_cast<std::size_t>(n * R));
            const std::span<std::uint8_t> co(cat.mutable_data(), static_cast<std::size_t>(n * R));
            {
              py::gil_scoped_release release;
              inovasi::evaluate_many(mdl, c, io, co, capped_threads(threads));
            }
            return py::make_tuple(iid, cat);
          },
          py::arg("counters"), py::arg("threads") = 1,
          "Row i of counters (samples × groups) gives row i of the IIDs and categories (samples × regions)")
      .def(
          "ranks",
          [](const UncertaintyModel& mdl, const py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>& iid,
             const py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>& cat) {
            const auto R = static_cast<py::ssize_t>(mdl.regions());
            if (iid.size() != R || cat.size() != R) throw py::value_error("ranks: one IID and category per region");
            py::array_t<std::int32_t> nat(R), prov(R);
            inovasi::UncertaintyScratch s;
            mdl.ranks({iid.data(), mdl.regions()}, {cat.data(), mdl.regions()}, {nat.mutable_data(), mdl.regions()},
                      {prov.mutable_data(), mdl.regions()}, s);
            return py::make_tuple(nat, prov);
          },
          py::arg("iid_h"), py::arg("category"))
      .def(
          "run",
          [](const UncertaintyModel& mdl, std::uint64_t first, std::uint64_t count, int threads,
             const py::object& progress) {
            inovasi::MonteCarloOptions o;
            o.first = first;
            o.count = count;
            o.threads = capped_threads(threads);
            o.poll = [] { check_signals_without_gil(); };
            if (!progress.is_none())
              o.progress = [&progress](std::uint64_t done) {
                py::gil_scoped_acquire gil;
                progress(done);
              };
            py::gil_scoped_release release;
            return inovasi::run_monte_carlo(mdl, o);
          },
          py::arg("first") = 0, py::arg("count") = 0, py::arg("threads") = 1, py::arg("progress") = py::none(),
          "Replicates [first, first + count) (count 0: to the spec's replicates); the summary is the same for "
          "every thread count and merges across blocks");

  m.def("parse_uncertainty_check", [](const std::string& text, const std::string& source) {
    const inovasi::UncertaintySpec s = inovasi::parse_uncertainty(text, source);
    py::dict d;
    d["policy"] = inovasi::to_string(s.policy);
    d["seed"] = s.seed;
    d["replicates"] = s.replicates;
    d["editions"] = s.editions;
    return d;
  }, py::arg("text"), py::arg("source") = "", "Reads an uncertainty file (errors name the JSON Pointer)");
}
