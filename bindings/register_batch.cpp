// Columnar batch scoring for Python: numpy arrays in without a copy (or a clear error saying
// why not), numpy arrays out, the GIL released while scoring.
#include <pybind11/numpy.h>

#include <algorithm>
#include <optional>
#include <thread>
#include <utility>

#include "common.hpp"
#include "inovasi/batch.hpp"
#include "inovasi/ingest.hpp"
#include "inovasi/submission.hpp"

namespace {

std::string shape_text(const py::array& a) {
  std::string s = "(";
  for (py::ssize_t i = 0; i < a.ndim(); ++i) s += (i ? ", " : "") + std::to_string(a.shape(i));
  return s + (a.ndim() == 1 ? ",)" : ")");
}

std::string expected_shape(const std::vector<py::ssize_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

// The array's data if it is exactly what the core reads in place; otherwise a TypeError or
// ValueError that names the argument and says what to pass (np.ascontiguousarray, astype).
template <class T>
const T* view_of(const py::object& obj, const char* name, const std::vector<py::ssize_t>& shape) {
  const py::dtype want = py::dtype::of<T>();
  const std::string want_name = py::str(want).cast<std::string>();
  if (!py::isinstance<py::array>(obj))
    throw py::type_error(std::string(name) + " must be a numpy array of " + want_name + ", not " +
                         py::str(py::type::handle_of(obj).attr("__name__")).cast<std::string>());
  py::array a = py::reinterpret_borrow<py::array>(obj);
  if (!a.dtype().equal(want))
    throw py::type_error(std::string(name) + " must have dtype " + want_name + ", not " +
                         py::str(a.dtype()).cast<std::string>() + " (convert with .astype(np." + want_name +
                         "); batch inputs are never converted silently)");
  if (a.ndim() != static_cast<py::ssize_t>(shape.size()))
    throw py::value_error(std::string(name) + " must have " + std::to_string(shape.size()) + " dimension" +
                          (shape.size() == 1 ? "" : "s") + " " + expected_shape(shape) + ", not shape " +
                          shape_text(a));
  for (std::size_t i = 0; i < shape.size(); ++i)
    if (a.shape(static_cast<py::ssize_t>(i)) != shape[i])
      throw py::value_error(std::string(name) + " must have shape " + expected_shape(shape) + ", not " +
                            shape_text(a));
  if (!(a.flags() & py::array::c_style))
    throw py::value_error(std::string(name) + " must be C-contiguous (pass np.ascontiguousarray(" + name +
                          "); a strided view would need a copy)");
  if (reinterpret_cast<std::uintptr_t>(a.data()) % alignof(T) != 0)
    throw py::value_error(std::string(name) + " is not aligned for " + want_name + " (pass a copy)");
  return static_cast<const T*>(a.data());
}

// Held for the whole call on every input array: a buffer export (PyObject_GetBuffer, what a
// memoryview holds) and a weak reference. numpy refuses to resize an array with a weak
// reference even with refcheck=False ("cannot resize an array that references or is
// referenced by another object"), so another thread cannot free the memory the kernel reads.
class InputHold {
 public:
  void hold(const py::object& obj) {
    if (obj.is_none()) return;
    buffers_.push_back(py::reinterpret_borrow<py::buffer>(obj).request());
    weak_.emplace_back(obj);
  }

 private:
  std::vector<py::buffer_info> buffers_;
  std::vector<py::weakref> weak_;
};

py::dict score_arrays(const py::object& edition, const py::object& government_levels,
                      const py::object& innovation_levels, const py::object& region_offsets, const py::object& status,
                      const py::object& affairs, const py::object& government_caps,
                      const py::object& innovation_caps, long long threads, const std::string& cap_rule,
                      bool innovations) {
  inovasi::EditionPtr ed = edition_arg(edition);
  const auto G = static_cast<py::ssize_t>(ed->government_rows.size());
  const auto K = static_cast<py::ssize_t>(ed->innovation_rows.size());
  // Sizes come from the offsets and the innovation matrix; every other shape is checked against them.
  if (!py::isinstance<py::array>(region_offsets) || py::reinterpret_borrow<py::array>(region_offsets).ndim() != 1)
    throw py::type_error("region_offsets must be a 1-dimensional numpy array of int64 (regions + 1 entries)");
  if (!py::isinstance<py::array>(innovation_levels) || py::reinterpret_borrow<py::array>(innovation_levels).ndim() != 2)
    throw py::type_error("innovation_levels must be a 2-dimensional numpy array of uint8 (innovations × " +
                         std::to_string(K) + " rows of " + ed->name + ")");
  const py::ssize_t R = py::reinterpret_borrow<py::array>(region_offsets).shape(0) - 1;
  const py::ssize_t N = py::reinterpret_borrow<py::array>(innovation_levels).shape(0);
  if (R < 0) throw py::value_error("region_offsets must have regions + 1 entries (at least one: 0)");
  inovasi::ColumnsView v;
  if (cap_rule == "all_or_nothing") v.cap_rule = inovasi::CapRule::all_or_nothing;
  else if (cap_rule != "at_most")
    throw py::value_error("cap_rule must be \"at_most\" or \"all_or_nothing\", not \"" + cap_rule + "\"");
  v.edition = ed.get();
  v.regions = static_cast<std::size_t>(R);
  v.innovations = static_cast<std::size_t>(N);
  v.government_levels = view_of<std::uint8_t>(government_levels, "government_levels", {R, G});
  v.innovation_levels = view_of<std::uint8_t>(innovation_levels, "innovation_levels", {N, K});
  v.region_offsets = view_of<std::int64_t>(region_offsets, "region_offsets", {R + 1});
  v.status = view_of<std::uint8_t>(status, "status", {N});
  if (!affairs.is_none()) v.affairs = view_of<std::uint64_t>(affairs, "affairs", {N});
  if (!government_caps.is_none()) v.government_caps = view_of<std::uint8_t>(government_caps, "government_caps", {R, G});
  if (!innovation_caps.is_none()) v.innovation_caps = view_of<std::uint8_t>(innovation_caps, "innovation_caps", {N, K});

  InputHold hold;
  for (const py::object* a : {&government_levels, &innovation_levels, &region_offsets, &status, &affairs,
                              &government_caps, &innovation_caps})
    hold.hold(*a);
  const int T = capped_threads(threads);

  py::array_t<std::int64_t> iid(R), gov(R), inv(R), cnt(R);
  py::array_t<std::uint8_t> cat(R);
  py::array_t<std::int32_t> n(R), div(R);
  inovasi::BatchOutputView out{iid.mutable_data(), cat.mutable_data(), gov.mutable_data(), inv.mutable_data(),
                               n.mutable_data(),   div.mutable_data(), cnt.mutable_data()};
  // The kernel's optional per-innovation outputs, written straight into numpy's buffers.
  py::array_t<std::int64_t> inv_points(innovations ? N : 0);
  py::array_t<bool> inv_counted(innovations ? N : 0);
  static_assert(sizeof(bool) == sizeof(std::uint8_t));
  if (innovations) {
    out.innovation_points_h = inv_points.mutable_data();
    out.innovation_counted = reinterpret_cast<std::uint8_t*>(inv_counted.mutable_data());  // 0 or 1: valid bools
  }
  {
    py::gil_scoped_release release;
    inovasi::score_batch(v, out, T);
  }
  py::dict d;
  d["iid_h"] = iid;
  d["category"] = cat;
  d["government_h"] = gov;
  d["innovation_sum_h"] = inv;
  d["counted"] = n;
  d["divisor"] = div;
  d["count_h"] = cnt;
  if (innovations) {
    d["innovation_points_h"] = inv_points;
    d["innovation_counted"] = inv_counted;
  }
  return d;
}

}  // namespace

py::dict columns_to_dict(inovasi::Columns&& c) {
  const inovasi::Edition& ed = *c.edition;
  const auto R = static_cast<py::ssize_t>(c.regions), N = static_cast<py::ssize_t>(c.innovations);
  const auto G = static_cast<py::ssize_t>(ed.government_rows.size());
  const auto K = static_cast<py::ssize_t>(ed.innovation_rows.size());
  py::dict d;
  d["edition"] = PyEdition{c.edition};
  d["government_levels"] = owning_array(std::move(c.government_levels), {R, G});
  d["innovation_levels"] = owning_array(std::move(c.innovation_levels), {N, K});
  d["region_offsets"] = owning_array(std::move(c.region_offsets), {R + 1});
  d["status"] = owning_array(std::move(c.status), {N});
  d["affairs"] = owning_array(std::move(c.affairs), {N});
  d["government_caps"] = c.government_caps.empty() ? py::object(py::none())
                                                    : py::object(owning_array(std::move(c.government_caps), {R, G}));
  d["innovation_caps"] = c.innovation_caps.empty() ? py::object(py::none())
                                                    : py::object(owning_array(std::move(c.innovation_caps), {N, K}));
  auto optional = [](auto&& v, std::vector<py::ssize_t> shape) {
    return v.empty() && shape[0] > 0 ? py::object(py::none()) : py::object(owning_array(std::move(v), std::move(shape)));
  };
  // Schema v2 (docs/batch.md): the evidence columns (None unless policy columns), raw values,
  // ids, departments, clusters.
  d["policy_caps"] = c.policy_caps;
  const bool v2 = c.policy_caps;
  d["government_supported_cap"] = v2 ? optional(std::move(c.government_supported_cap), {R, G}) : py::object(py::none());
  d["innovation_supported_cap"] = v2 ? optional(std::move(c.innovation_supported_cap), {N, K}) : py::object(py::none());
  d["government_assessor_cap"] = v2 ? optional(std::move(c.government_assessor_cap), {R, G}) : py::object(py::none());
  d["innovation_assessor_cap"] = v2 ? optional(std::move(c.innovation_assessor_cap), {N, K}) : py::object(py::none());
  d["government_acceptance"] = v2 ? optional(std::move(c.government_acceptance), {R, G}) : py::object(py::none());
  d["innovation_acceptance"] = v2 ? optional(std::move(c.innovation_acceptance), {N, K}) : py::object(py::none());
  // An empty value index is every entry -1 (no value given): given as such, so a reader never
  // needs to know the shorthand.
  if (c.government_value.empty()) c.government_value.assign(c.regions * ed.government_rows.size(), -1);
  if (c.innovation_value.empty()) c.innovation_value.assign(c.innovations * ed.innovation_rows.size(), -1);
  d["government_value"] = owning_array(std::move(c.government_value), {R, G});
  d["innovation_value"] = owning_array(std::move(c.innovation_value), {N, K});
  d["government_values"] = py::dict(py::arg("value") = py::cast(c.government_values.value),
                                    py::arg("basis") = py::cast(c.government_values.basis));
  d["innovation_values"] = py::dict(py::arg("value") = py::cast(c.innovation_values.value),
                                    py::arg("basis") = py::cast(c.innovation_values.basis));
  d["innovation_ids"] = c.innovation_ids.empty() && N > 0 ? py::object(py::none()) : py::object(py::cast(c.innovation_ids));
  d["departments"] = py::cast(c.departments);
  d["department_index"] = optional(std::move(c.department_index), {N});
  d["clusters"] = owning_array(std::move(c.clusters), {R});
  d["types"] = owning_array(std::move(c.types), {R});
  d["codes"] = py::cast(c.codes);
  d["names"] = py::cast(c.names);
  d["provinces"] = py::cast(c.provinces);
  return d;
}

std::size_t max_threads() { return inovasi::max_threads(); }

int capped_threads(long long requested) { return static_cast<int>(inovasi::thread_count(requested)); }

void register_batch(py::module_& m) {
  m.def("max_threads", &max_threads, "The most threads a threaded call starts (4 per hardware thread)");
  m.def("score_arrays", &score_arrays, py::arg("edition"), py::arg("government_levels"), py::arg("innovation_levels"),
        py::arg("region_offsets"), py::arg("status"), py::arg("affairs") = py::none(),
        py::arg("government_caps") = py::none(), py::arg("innovation_caps") = py::none(), py::arg("threads") = 1,
        py::arg("cap_rule") = "at_most", py::arg("innovations") = false,
        "Score columnar arrays (layout in docs/batch.md); returns a dict of per-region numpy arrays "
        "(and, with innovations=True, per-innovation innovation_points_h and innovation_counted)");

  m.def(
      "columns_from_text",
      [](const py::buffer& data, const py::object& edition, const std::string& policy, const std::string& source,
         int threads, bool policy_columns) {
        // Read in place (bytes, or a mapped file): the buffer stays exported until the call ends.
        py::buffer_info info;
        const std::string_view text = buffer_text(data, info);
        inovasi::ParseOptions o;
        o.source = source;
        if (!edition.is_none()) {
          o.edition = edition_arg(edition);
          o.override_edition = true;
        }
        const inovasi::Policy p = inovasi::policy_from_string(policy);
        inovasi::Columns c;
        std::vector<std::int64_t> lines;  // the line each region's record starts on
        {
          // Ctrl-C (and the CLI's signal handlers) stop a long read.
          o.poll = [] { check_signals_without_gil(); };
          py::gil_scoped_release release;
          c = policy_columns ? inovasi::read_policy_columns(text, o, capped_threads(threads), &lines)
                             : inovasi::read_columns(text, o, p, capped_threads(threads), &lines);
        }
        const auto R = static_cast<py::ssize_t>(lines.size());
        py::dict d = columns_to_dict(std::move(c));
        d["lines"] = owning_array(std::move(lines), {R});
        return d;
      },
      py::arg("data"), py::arg("edition") = py::none(), py::arg("policy") = "self_assessed", py::arg("source") = "",
      py::arg("threads") = 1, py::arg("policy_columns") = false,
      "Parse JSON Lines (or a sequence of JSON values) into columns with caps under a policy; threads <= 0 uses "
      "every hardware thread (the result does not depend on it)");

  m.def(
      "parse_only_baseline",
      [](const py::buffer& data, int threads) {
        py::buffer_info info;
        const std::string_view text = buffer_text(data, info);
        py::gil_scoped_release release;
        return inovasi::parse_only_baseline(text, threads);
      },
      py::arg("data"), py::arg("threads") = 1,
      "Benchmarks only: boost::json::parse of every line (the baseline of the ingest rate); returns the objects");
}
