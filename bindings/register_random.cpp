// The counter-based generator for Python (python/inovasi/random.py): numpy arrays filled in
// place (no copy), the GIL released while filling.
#include <pybind11/numpy.h>

#include <string>
#include <vector>

#include "common.hpp"
#include "inovasi/random.hpp"

namespace rnd = inovasi::random;

namespace {

static_assert(sizeof(rnd::Key) == sizeof(std::uint64_t) && alignof(rnd::Key) == alignof(std::uint64_t),
              "a uint64 array is read as keys in place");

rnd::Key key_of(const py::list& parts) {
  std::vector<std::string> owned;
  owned.reserve(parts.size());
  for (const py::handle& p : parts) {
    if (py::isinstance<py::bytes>(p)) owned.push_back(p.cast<std::string>());
    else if (py::isinstance<py::str>(p)) owned.push_back(p.cast<std::string>());  // UTF-8
    else
      throw py::type_error("key parts must be str or bytes, not " +
                           py::str(py::type::handle_of(p).attr("__name__")).cast<std::string>() +
                           " (write numbers as text: str(16))");
  }
  std::vector<std::string_view> views(owned.begin(), owned.end());
  return rnd::key(std::span<const std::string_view>(views));
}

py::ssize_t count_of(py::ssize_t n) {
  if (n < 0) throw py::value_error("n must be at least 0, not " + std::to_string(n));
  return n;
}

// A 1-dimensional C-contiguous array of T, read in place; otherwise a TypeError or ValueError
// naming the argument.
template <class T>
py::array_t<T> exact_array(const py::object& obj, const char* name) {
  if (!py::isinstance<py::array>(obj))
    throw py::type_error(std::string(name) + " must be a numpy array");
  py::array a = py::reinterpret_borrow<py::array>(obj);
  if (!a.dtype().equal(py::dtype::of<T>()))
    throw py::type_error(std::string(name) + " must have dtype " + py::str(py::dtype::of<T>()).cast<std::string>() +
                         ", not " + py::str(a.dtype()).cast<std::string>());
  if (a.ndim() != 1 || !(a.flags() & py::array::c_style))
    throw py::value_error(std::string(name) + " must be 1-dimensional and C-contiguous");
  return py::reinterpret_borrow<py::array_t<T>>(a);
}

}  // namespace

void register_random(py::module_& m) {
  m.def("random_key", [](const py::list& parts) { return key_of(parts).value; }, py::arg("parts"));
  m.def(
      "random_bits",
      [](std::uint64_t seed, std::uint64_t key, std::uint64_t c0, py::ssize_t n) {
        py::array_t<std::uint64_t> out(count_of(n));
        std::uint64_t* p = out.mutable_data();
        {
          py::gil_scoped_release release;
          rnd::fill_bits(seed, rnd::Key{key}, c0, std::span<std::uint64_t>(p, static_cast<std::size_t>(n)));
        }
        return out;
      },
      py::arg("seed"), py::arg("key"), py::arg("counter_start"), py::arg("n"));
  m.def(
      "random_uniform",
      [](std::uint64_t seed, std::uint64_t key, std::uint64_t c0, py::ssize_t n) {
        py::array_t<double> out(count_of(n));
        double* p = out.mutable_data();
        {
          py::gil_scoped_release release;
          rnd::fill_uniform(seed, rnd::Key{key}, c0, std::span<double>(p, static_cast<std::size_t>(n)));
        }
        return out;
      },
      py::arg("seed"), py::arg("key"), py::arg("counter_start"), py::arg("n"));
  m.def(
      "random_bernoulli",
      [](std::uint64_t seed, std::uint64_t key, std::uint64_t c0, py::ssize_t n, std::uint32_t p_q16) {
        if (p_q16 > rnd::kProbabilityOne)
          throw py::value_error("p_q16 is a probability in 1/65536 units: at most 65536, not " + std::to_string(p_q16));
        py::array out(py::dtype("bool"), std::vector<py::ssize_t>{count_of(n)});
        auto* p = static_cast<std::uint8_t*>(out.mutable_data());
        {
          py::gil_scoped_release release;
          rnd::fill_bernoulli(seed, rnd::Key{key}, c0, p_q16, std::span<std::uint8_t>(p, static_cast<std::size_t>(n)));
        }
        return out;
      },
      py::arg("seed"), py::arg("key"), py::arg("counter_start"), py::arg("n"), py::arg("p_q16"));
  m.def(
      "random_uniform_keys",
      [](std::uint64_t seed, const py::object& keys_obj, std::uint64_t counter) {
        py::array_t<std::uint64_t> keys = exact_array<std::uint64_t>(keys_obj, "keys");
        const auto n = static_cast<std::size_t>(keys.shape(0));
        py::array_t<double> out(keys.shape(0));
        double* p = out.mutable_data();
        const auto* k = reinterpret_cast<const rnd::Key*>(keys.data());
        {
          py::gil_scoped_release release;
          rnd::fill_uniform_keys(seed, std::span<const rnd::Key>(k, n), counter, std::span<double>(p, n));
        }
        return out;
      },
      py::arg("seed"), py::arg("keys"), py::arg("counter"));
  m.def(
      "random_bernoulli_keys",
      [](std::uint64_t seed, const py::object& keys_obj, std::uint64_t counter, const py::object& p_obj) {
        py::array_t<std::uint64_t> keys = exact_array<std::uint64_t>(keys_obj, "keys");
        py::array_t<std::uint32_t> prob = exact_array<std::uint32_t>(p_obj, "p_q16");
        const auto n = static_cast<std::size_t>(keys.shape(0));
        if (static_cast<std::size_t>(prob.shape(0)) != n)
          throw py::value_error("p_q16 must have one probability per key (" + std::to_string(n) + "), not " +
                                std::to_string(prob.shape(0)));
        py::array out(py::dtype("bool"), std::vector<py::ssize_t>{keys.shape(0)});
        auto* o = static_cast<std::uint8_t*>(out.mutable_data());
        const auto* k = reinterpret_cast<const rnd::Key*>(keys.data());
        const std::uint32_t* q = prob.data();
        for (std::size_t i = 0; i < n; ++i)
          if (q[i] > rnd::kProbabilityOne)
            throw py::value_error("p_q16[" + std::to_string(i) + "] is " + std::to_string(q[i]) +
                                  ": a probability in 1/65536 units is at most 65536");
        {
          py::gil_scoped_release release;
          rnd::fill_bernoulli_keys(seed, std::span<const rnd::Key>(k, n), counter, std::span<const std::uint32_t>(q, n),
                                   std::span<std::uint8_t>(o, n));
        }
        return out;
      },
      py::arg("seed"), py::arg("keys"), py::arg("counter"), py::arg("p_q16"));
  m.def(
      "random_quantise_probability",
      [](double p) {
        if (!(p >= 0.0 && p <= 1.0)) throw py::value_error("a probability must be in [0, 1], not " + std::to_string(p));
        return rnd::quantise_probability(p);
      },
      py::arg("p"));
}
