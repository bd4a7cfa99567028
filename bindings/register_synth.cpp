// The synthetic generator for Python: columns as numpy arrays that own the generated vectors
// (zero copy), and JSON Lines written to a path.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <optional>
#include <ostream>
#include <streambuf>
#include <utility>
#include <vector>

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

// An output stream buffer over a file descriptor the caller opened (Python: a temporary
// beside the target, or a device written through; inovasi/_files.py). Every 1 MiB it writes
// the buffer and runs Python's signal handlers, so SIGTERM or Ctrl-C stops a run of many
// gigabytes within a megabyte (and the caller removes the temporary). A failed write or a
// handler that raised makes the buffer fail; the stream then throws (badbit) and the binding
// says which it was.
class FdBuf : public std::streambuf {
 public:
  explicit FdBuf(int fd) : fd_(fd), buf_(1 << 20) { setp(buf_.data(), buf_.data() + buf_.size()); }
  int write_errno = 0;
  bool interrupted = false;
  std::uintmax_t written = 0;

 protected:
  int_type overflow(int_type ch) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  bool drain() {
    if (write_errno || interrupted) return false;
    for (const char* p = pbase(); p < pptr();) {
      const ssize_t n = ::write(fd_, p, static_cast<std::size_t>(pptr() - p));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        write_errno = n < 0 ? errno : EIO;
        return false;
      }
      p += n;
      written += static_cast<std::uintmax_t>(n);
    }
    setp(buf_.data(), buf_.data() + buf_.size());
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) {
      interrupted = true;  // the handler's exception stays set for the binding to raise
      return false;
    }
    return true;
  }

  int fd_;
  std::vector<char> buf_;
};

}  // namespace

void register_synth(py::module_& m) {
  m.def(
      "synth_columns",
      [](std::uint64_t seed, std::optional<std::size_t> innovations, std::optional<std::size_t> regions,
         const py::object& edition, const std::string& profile, bool policy_columns) {
        inovasi::SynthOptions o = options(seed, innovations, regions, edition, profile);
        o.policy_columns = policy_columns;
        o.poll = [] { check_signals_without_gil(); };  // Ctrl-C stops a long generation
        inovasi::Columns c;
        {
          py::gil_scoped_release release;
          c = inovasi::generate_columns(o);
        }
        return columns_to_dict(std::move(c));
      },
      py::arg("seed") = 2024, py::arg("innovations") = py::none(), py::arg("regions") = py::none(),
      py::arg("edition") = py::none(), py::arg("profile") = "national", py::arg("policy_columns") = true,
      "Synthetic columns (docs/synth.md): a dict of numpy arrays owning their memory; policy_columns adds the schema "
      "v2 evidence columns (caps of every policy, acceptance, ids, departments)");

  m.def(
      "synth_write_jsonl",
      [](int fd, std::uint64_t seed, std::optional<std::size_t> innovations, std::optional<std::size_t> regions,
         const py::object& edition, const std::string& profile) {
        inovasi::SynthOptions o = options(seed, innovations, regions, edition, profile);
        // The descriptor stays the caller's (Python: inovasi/_files.py opens and publishes it).
        FdBuf buf(fd);
        bool failed = false;
        {
          py::gil_scoped_release release;
          std::ostream out(&buf);
          out.exceptions(std::ios::badbit);
          try {
            inovasi::write_jsonl(o, out);
            out.flush();
          } catch (const std::ios_base::failure&) {
            failed = true;
          }
        }
        if (buf.interrupted) throw py::error_already_set();
        if (failed || buf.write_errno) {
          errno = buf.write_errno ? buf.write_errno : EIO;
          PyErr_SetFromErrno(PyExc_OSError);
          throw py::error_already_set();
        }
        return buf.written;
      },
      py::arg("fd"), py::arg("seed") = 2024, py::arg("innovations") = py::none(), py::arg("regions") = py::none(),
      py::arg("edition") = py::none(), py::arg("profile") = "national",
      "Write the synthetic regions as JSON Lines (the submission format, docs/schemas/submission.schema.json) to an open file descriptor; returns the byte size. "
      "Python's signal handlers run every MiB: one that raises stops the writing");

  m.def("synth_profiles", &inovasi::synth_profile_names, "Names of the synthetic profiles");
}
