// Variance-based sensitivity for Python (python/inovasi/sensitivity.py): the Saltelli design and
// the Sobol' estimators over numpy arrays, the GIL released while they run.
#include <pybind11/numpy.h>

#include <map>
#include <string>
#include <vector>

#include "common.hpp"
#include "inovasi/sensitivity.hpp"
#include "inovasi/uncertainty.hpp"

namespace {

using Doubles = py::array_t<double, py::array::c_style | py::array::forcecast>;

py::array_t<double> owned(std::vector<double>&& v, std::vector<py::ssize_t> shape) {
  auto* p = new std::vector<double>(std::move(v));
  py::capsule base(p, [](void* q) { delete static_cast<std::vector<double>*>(q); });
  return py::array_t<double>(shape, p->data(), base);
}

py::dict indices_dict(inovasi::SobolIndices&& s) {
  const auto d = static_cast<py::ssize_t>(s.d);
  py::dict out;
  out["n"] = s.n;
  out["d"] = s.d;
  out["resamples"] = s.resamples;
  out["confidence"] = s.confidence;
  out["mean"] = s.mean;
  out["variance"] = s.variance;
  out["S1"] = owned(std::move(s.first), {d});
  out["ST"] = owned(std::move(s.total), {d});
  out["S1_se"] = owned(std::move(s.first_se), {d});
  out["ST_se"] = owned(std::move(s.total_se), {d});
  out["S1_lo"] = owned(std::move(s.first_lo), {d});
  out["S1_hi"] = owned(std::move(s.first_hi), {d});
  out["ST_lo"] = owned(std::move(s.total_lo), {d});
  out["ST_hi"] = owned(std::move(s.total_hi), {d});
  return out;
}

std::span<const double> span_of(const Doubles& a) {
  return {a.data(), static_cast<std::size_t>(a.size())};
}

}  // namespace

void register_sensitivity(py::module_& m) {
  m.def(
      "sobol_indices",
      [](const Doubles& ya, const Doubles& yb, const Doubles& yab, std::size_t resamples, double confidence,
         std::uint64_t seed) {
        if (ya.ndim() != 1 || yb.ndim() != 1) throw py::value_error("yA and yB must be 1-dimensional");
        if (yab.ndim() != 2 || yab.shape(0) != ya.shape(0))
          throw py::value_error("yAB must be 2-dimensional, N × D with N = len(yA) = " + std::to_string(ya.shape(0)));
        inovasi::SobolOptions opt{resamples, confidence, seed};
        inovasi::SobolIndices s;
        {
          py::gil_scoped_release release;
          s = inovasi::sobol_indices(span_of(ya), span_of(yb), span_of(yab), opt);
        }
        return indices_dict(std::move(s));
      },
      py::arg("ya"), py::arg("yb"), py::arg("yab"), py::arg("resamples") = 1000, py::arg("confidence") = 0.95,
      py::arg("seed") = 0);
  m.def(
      "saltelli_uniform_design",
      [](std::size_t n, const std::vector<std::string>& inputs, std::uint64_t seed) {
        inovasi::SaltelliDesign des = inovasi::uniform_design(n, inputs, seed);
        const auto N = static_cast<py::ssize_t>(des.n), D = static_cast<py::ssize_t>(des.d);
        std::vector<double> points = des.points();
        return py::make_tuple(owned(std::move(des.a), {N, D}), owned(std::move(des.b), {N, D}),
                              owned(std::move(points), {N * (D + 2), D}));
      },
      py::arg("n"), py::arg("inputs"), py::arg("seed"));
  m.def(
      "saltelli_counters",
      [](std::size_t d, std::size_t evaluation) {
        std::vector<std::uint64_t> c(d);
        inovasi::saltelli_counters(d, evaluation, c);
        return c;
      },
      py::arg("d"), py::arg("evaluation"));
  // Leave-one-row-out and weight studies: the edition with some weights replaced, its maximum
  // total recomputed (inovasi::reweighted).
  m.def(
      "edition_reweighted",
      [](const py::object& e, const std::map<std::string, std::int64_t>& weight_h) {
        return PyEdition{inovasi::reweighted(*edition_arg(e), weight_h)};
      },
      py::arg("edition"), py::arg("weight_h"));
  m.def(
      "sensitivity_run",
      [](const inovasi::UncertaintyModel& mdl, const std::string& kind, std::size_t region, std::size_t samples,
         int threads, std::size_t resamples, double confidence, const py::object& progress) {
        using K = inovasi::SensitivityOutput::Kind;
        inovasi::SensitivityOutput out;
        out.region = region;
        if (kind == "iid") out.kind = K::iid;
        else if (kind == "national_rank") out.kind = K::national_rank;
        else if (kind == "province_rank") out.kind = K::province_rank;
        else if (kind == "rank_shift") out.kind = K::rank_shift;
        else throw py::value_error("output kind must be iid, national_rank, province_rank or rank_shift, not " + kind);
        inovasi::SensitivityOptions o;
        o.samples = samples;
        o.threads = capped_threads(threads);
        o.bootstrap.resamples = resamples;
        o.bootstrap.confidence = confidence;
        o.poll = [] { check_signals_without_gil(); };
        if (!progress.is_none())
          o.progress = [&progress](std::uint64_t done) {
            py::gil_scoped_acquire gil;
            progress(done);
          };
        inovasi::SensitivityStudy st;
        {
          py::gil_scoped_release release;
          st = inovasi::run_sensitivity(mdl, out, o);
        }
        const auto total = static_cast<py::ssize_t>(st.outputs.size());
        py::dict d = indices_dict(std::move(st.indices));
        d["groups"] = st.groups;
        d["outputs"] = owned(std::move(st.outputs), {total});
        return d;
      },
      py::arg("model"), py::arg("kind"), py::arg("region") = 0, py::arg("samples") = 256, py::arg("threads") = 1,
      py::arg("resamples") = 1000, py::arg("confidence") = 0.95, py::arg("progress") = py::none());
  m.def(
      "leave_one_row_out",
      [](const inovasi::UncertaintyModel& mdl, int threads, const py::object& progress) {
        std::vector<inovasi::RowImpact> rows;
        {
          py::gil_scoped_release release;
          rows = inovasi::leave_one_row_out(mdl, capped_threads(threads), [&progress](std::size_t done) {
            check_signals_without_gil();
            if (!progress.is_none()) {
              py::gil_scoped_acquire gil;
              progress(done);
            }
          });
        }
        py::list out;
        for (const auto& r : rows) {
          py::dict d;
          d["row"] = r.row_key;
          d["mean_abs_rank_shift"] = r.mean_abs_rank_shift;
          d["max_abs_rank_shift"] = r.max_abs_rank_shift;
          d["regions_moved"] = r.regions_moved;
          d["mean_iid_change"] = r.mean_iid_change;
          out.append(d);
        }
        return out;
      },
      py::arg("model"), py::arg("threads") = 1, py::arg("progress") = py::none());
}
