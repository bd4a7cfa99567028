// The synthetic generator for Python: columns as numpy arrays that own the generated vectors
// (zero copy), and JSON Lines written to a path.
#include <cstdio>
#include <fstream>
#include <optional>
#include <utility>

#include "common.hpp"
#include "inovasi/synth.hpp"

namespace {

inovasi::SynthOptions options(std::uint64_t seed, std::optional<std::size_t> innovations,
                              std::optional<std::size_t> regions, const py::object& edition, const std::string& profile) {
  inovasi::SynthOptions o;
  o.seed = seed;
  o.profile = profile;
  o.target_innovations = innovations.value_or(0);
  o.regions = regions.value_or(0);
  if (!edition.is_none()) o.edition = edition_arg(edition);
  return o;
}

}  // namespace

void register_synth(py::module_& m) {
  m.def(
      "synth_columns",
      [](std::uint64_t seed, std::optional<std::size_t> innovations, std::optional<std::size_t> regions,
         const py::object& edition, const std::string& profile) {
        inovasi::SynthOptions o = options(seed, innovations, regions, edition, profile);
        inovasi::Columns c;
        {
          py::gil_scoped_release release;
          c = inovasi::generate_columns(o);
        }
        return columns_to_dict(std::move(c));
      },
      py::arg("seed") = 2024, py::arg("innovations") = py::none(), py::arg("regions") = py::none(),
      py::arg("edition") = py::none(), py::arg("profile") = "national",
      "Synthetic columns (docs/synth.md): a dict of numpy arrays owning their memory");

  m.def(
      "synth_write_jsonl",
      [](const std::string& path, std::uint64_t seed, std::optional<std::size_t> innovations,
         std::optional<std::size_t> regions, const py::object& edition, const std::string& profile) {
        inovasi::SynthOptions o = options(seed, innovations, regions, edition, profile);
        // Python writes to a temporary file and renames it into place (inovasi/_files.py).
        std::uintmax_t size = 0;
        {
          py::gil_scoped_release release;
          std::ofstream out(path, std::ios::binary | std::ios::trunc);
          if (!out) throw std::runtime_error("cannot write " + path);
          inovasi::write_jsonl(o, out);
          out.flush();
          if (!out) throw std::runtime_error("error writing " + path);
          size = static_cast<std::uintmax_t>(out.tellp());
        }
        return size;
      },
      py::arg("path"), py::arg("seed") = 2024, py::arg("innovations") = py::none(), py::arg("regions") = py::none(),
      py::arg("edition") = py::none(), py::arg("profile") = "national",
      "Write the synthetic regions as JSON Lines (formats.md) to path, atomically; returns the byte size");

  m.def("synth_profiles", &inovasi::synth_profile_names, "Names of the synthetic profiles");
}
