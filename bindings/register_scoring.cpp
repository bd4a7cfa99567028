#include <cerrno>
#include <mutex>
#include <optional>
#include <system_error>

#include "common.hpp"
#include "inovasi/evidence.hpp"
#include "inovasi/score.hpp"
#include "inovasi/submission.hpp"

namespace {

struct PySubmission {
  std::shared_ptr<const inovasi::Submission> ptr;
};

struct PyScore {
  inovasi::Score score;
  inovasi::EditionPtr edition;
};

inovasi::ParseOptions make_options(const std::optional<PyEdition>& edition, bool override_edition,
                                   const std::string& source, const inovasi::ParseLimits& limits) {
  inovasi::ParseOptions o;
  if (edition) o.edition = edition->ptr;
  o.override_edition = override_edition && edition.has_value();
  o.source = source;
  o.limits = limits;
  return o;
}

// Scores the records of a file descriptor as they are read (inovasi::RecordStream), handing
// them to Python in batches; reading, parsing and scoring run without the GIL. The descriptor
// stays the caller's and must stay open while the stream is used.
// One record of a scoring run as Python gets it: (index, line, column, score JSON or None,
// error or None, pointer or None). Shared by score_records and ScoreStream.
struct RecordOut {
  std::size_t index, line, column;
  std::optional<std::string> json, error, pointer;
};

RecordOut scored(const inovasi::RecordResult& r, const inovasi::ScoreOptions& options) {
  RecordOut o{r.index, r.line, r.column, {}, {}, {}};
  if (r.error) {
    o.error = r.error->what();
    if (!r.error->pointer().empty()) o.pointer = r.error->pointer();
  } else {
    o.json = inovasi::to_json(inovasi::score(*r.submission, options), *r.submission->edition);
  }
  return o;
}

py::list to_python(const std::vector<RecordOut>& outs) {
  py::list result;
  for (const auto& o : outs) result.append(py::make_tuple(o.index, o.line, o.column, o.json, o.error, o.pointer));
  return result;
}

class PyScoreStream {
 public:
  PyScoreStream(int fd, inovasi::ParseOptions options, inovasi::ScoreOptions score_options, std::size_t chunk_bytes)
      : stream_(inovasi::fd_source(fd), std::move(options), chunk_bytes), score_options_(score_options) {}

  // The next records, in input order, as (index, line, column, score_json or None, error or
  // None, pointer or None): at most `max_records`, about `max_bytes` of JSON, and only what is
  // ready once one record is (so a pipe's records are not held back). [] at the end of input.
  // A read error raises OSError; a signal during a blocking read runs Python's handlers.
  py::list next_batch(std::size_t max_records, std::size_t max_bytes) {
    std::vector<RecordOut> outs;
    std::lock_guard<std::mutex> lock(mutex_);
    for (;;) {
      int read_errno = 0;
      {
        py::gil_scoped_release release;
        try {
          std::size_t bytes = 0;
          inovasi::RecordResult r;
          while (outs.size() < std::max<std::size_t>(max_records, 1) && bytes < max_bytes) {
            if (stream_.try_next(r)) {
              outs.push_back(scored(r, score_options_));
              if (outs.back().json) bytes += outs.back().json->size();
              check_signals_without_gil();
            } else if (stream_.at_end() || !outs.empty()) {
              break;
            } else {
              stream_.fill();
            }
          }
        } catch (const std::system_error& e) {
          read_errno = e.code().value() ? e.code().value() : EIO;
        }
      }
      if (read_errno == EINTR) {
        if (PyErr_CheckSignals() != 0) throw py::error_already_set();
        if (outs.empty()) continue;
      } else if (read_errno) {
        errno = read_errno;
        PyErr_SetFromErrno(PyExc_OSError);
        throw py::error_already_set();
      }
      break;
    }
    return to_python(outs);
  }

  std::uint64_t bytes_read() const { return stream_.bytes_read(); }

 private:
  inovasi::RecordStream stream_;
  inovasi::ScoreOptions score_options_;
  std::mutex mutex_;  // one batch at a time
};

}  // namespace

void register_scoring(py::module_& m) {
  // Registered first: the functions below take one as a default argument.
  py::class_<inovasi::ParseLimits>(m, "ParseLimits", "Limits on one record (inovasi::ParseLimits)")
      .def(py::init<>())
      .def_readwrite("max_depth", &inovasi::ParseLimits::max_depth)
      .def_readwrite("max_document_bytes", &inovasi::ParseLimits::max_document_bytes)
      .def_readwrite("max_innovations", &inovasi::ParseLimits::max_innovations)
      .def_readwrite("max_evidence_items", &inovasi::ParseLimits::max_evidence_items);

  py::class_<PySubmission>(m, "Submission", "A parsed, validated submission of one region")
      .def_property_readonly("region_code", [](const PySubmission& s) { return s.ptr->region.code; })
      .def_property_readonly("region_name", [](const PySubmission& s) { return s.ptr->region.name; })
      .def_property_readonly("region_type", [](const PySubmission& s) { return inovasi::to_string(s.ptr->region.type); })
      .def_property_readonly("province", [](const PySubmission& s) { return s.ptr->region.province; })
      .def_property_readonly("edition", [](const PySubmission& s) { return PyEdition{s.ptr->edition}; })
      .def_property_readonly("innovation_count", [](const PySubmission& s) { return s.ptr->innovations.size(); })
      .def("__repr__", [](const PySubmission& s) {
        return "<inovasi.Submission " + s.ptr->region.code + " (" + s.ptr->edition->name + ", " +
               std::to_string(s.ptr->innovations.size()) + " innovations)>";
      });

  py::class_<PyScore>(m, "Score", "The exact score of one region under one policy")
      .def_property_readonly("iid_hundredths", [](const PyScore& s) { return s.score.iid_h; })
      .def_property_readonly("category", [](const PyScore& s) { return s.score.category; })
      .def_property_readonly("policy", [](const PyScore& s) { return inovasi::to_string(s.score.policy); })
      .def_property_readonly("region_code", [](const PyScore& s) { return s.score.region_code; })
      .def_property_readonly("edition", [](const PyScore& s) { return s.score.edition; })
      .def("to_json", [](const PyScore& s) {
        py::gil_scoped_release release;  // long for a region with many innovations
        return inovasi::to_json(s.score, *s.edition);
      });

  m.def(
      "parse_submission",
      [](const std::string& text, std::optional<PyEdition> edition, bool override_edition, const std::string& source,
         const inovasi::ParseLimits& limits) {
        auto opt = make_options(edition, override_edition, source, limits);
        std::shared_ptr<const inovasi::Submission> sub;
        {
          py::gil_scoped_release release;
          sub = std::make_shared<const inovasi::Submission>(inovasi::parse_submission(text, opt));
        }
        return PySubmission{sub};
      },
      py::arg("text"), py::arg("edition") = py::none(), py::arg("override_edition") = false, py::arg("source") = "",
      py::arg("limits") = inovasi::ParseLimits{});

  m.def(
      "score",
      [](const PySubmission& sub, const std::string& policy) {
        inovasi::ScoreOptions o;
        o.policy = inovasi::policy_from_string(policy);
        PyScore out{{}, sub.ptr->edition};
        {
          py::gil_scoped_release release;
          out.score = inovasi::score(*sub.ptr, o);
        }
        return out;
      },
      py::arg("submission"), py::arg("policy") = "self_assessed");

  // Scores every record of a text (one object or JSON Lines) in one call without the GIL.
  // Returns a list of (index, line, column, score_json or None, error message or None,
  // error pointer or None).
  m.def(
      "score_records",
      [](const std::string& text, std::optional<PyEdition> edition, bool override_edition, const std::string& policy,
         const std::string& source, const inovasi::ParseLimits& limits) {
        auto opt = make_options(edition, override_edition, source, limits);
        inovasi::ScoreOptions so;
        so.policy = inovasi::policy_from_string(policy);
        std::vector<RecordOut> outs;
        {
          py::gil_scoped_release release;
          inovasi::RecordReader reader(text, opt);
          inovasi::RecordResult r;
          while (reader.next(r)) {
            outs.push_back(scored(r, so));
            check_signals_without_gil();  // Ctrl-C ends a long call between two records
          }
        }
        return to_python(outs);
      },
      py::arg("text"), py::arg("edition") = py::none(), py::arg("override_edition") = false,
      py::arg("policy") = "self_assessed", py::arg("source") = "", py::arg("limits") = inovasi::ParseLimits{});

  py::class_<PyScoreStream>(m, "ScoreStream",
                            "Scores the records (JSON Lines or a sequence of JSON values) read from a file "
                            "descriptor, in batches, with bounded memory")
      .def(py::init([](int fd, std::optional<PyEdition> edition, bool override_edition, const std::string& policy,
                       const std::string& source, const inovasi::ParseLimits& limits, std::size_t chunk_bytes) {
             auto opt = make_options(edition, override_edition, source, limits);
             inovasi::ScoreOptions so;
             so.policy = inovasi::policy_from_string(policy);
             return std::make_unique<PyScoreStream>(fd, std::move(opt), so, chunk_bytes);
           }),
           py::arg("fd"), py::arg("edition") = py::none(), py::arg("override_edition") = false,
           py::arg("policy") = "self_assessed", py::arg("source") = "", py::arg("limits") = inovasi::ParseLimits{},
           py::arg("chunk_bytes") = inovasi::RecordStream::default_chunk_bytes)
      .def("next_batch", &PyScoreStream::next_batch, py::arg("max_records") = 1024,
           py::arg("max_bytes") = std::size_t(4) << 20)
      .def_property_readonly("bytes_read", &PyScoreStream::bytes_read);

  // Pre-validation: one dict per answer given (or mandatory and unmet), with the
  // evidence-supported level and the findings (the set score() and `inovasi check` show).
  m.def(
      "prevalidate",
      [](const PySubmission& sub, const std::string& policy) {
        const inovasi::Policy p = inovasi::policy_from_string(policy);
        std::vector<inovasi::AnswerCheck> checks;
        {
          py::gil_scoped_release release;
          checks = inovasi::prevalidate(*sub.ptr, p);
        }
        const auto& ed = *sub.ptr->edition;
        py::list out;
        for (const auto& c : checks) {
          py::dict d;
          d["pointer"] = c.pointer;
          d["row"] = ed.rows[c.row].key;
          d["innovation"] = c.innovation >= 0 ? py::object(py::str(sub.ptr->innovations[c.innovation].id))
                                              : py::object(py::none());
          d["claimed_level"] = c.claimed;
          d["supported_level"] = c.supported;
          d["checked"] = c.checked;
          d["has_error"] = c.has_error;
          d["acceptance"] = c.acceptance;
          py::list fs;
          for (const auto& f : c.findings) {
            py::dict x;
            x["pointer"] = f.pointer;
            x["row"] = f.row;
            x["innovation"] = f.innovation.empty() ? py::object(py::none()) : py::object(py::str(f.innovation));
            x["evidence"] = f.evidence_index >= 0 ? py::object(py::int_(f.evidence_index)) : py::object(py::none());
            x["rule"] = f.rule;
            x["severity"] = inovasi::to_string(f.severity);
            x["message"] = f.message;
            fs.append(x);
          }
          d["findings"] = fs;
          out.append(d);
        }
        return out;
      },
      py::arg("submission"), py::arg("policy") = "self_assessed");

  m.def("policies", [] {
    return std::vector<std::string>{"self_assessed", "supported", "strict", "assessor"};
  });
}
