#include <cerrno>
#include <mutex>
#include <optional>
#include <system_error>

#include "common.hpp"
#include "inovasi/error.hpp"
#include "inovasi/evidence.hpp"
#include "inovasi/score.hpp"
#include "inovasi/submission.hpp"

namespace {

// A parsed submission, with what it was parsed from: the JSON text, the source name and the
// limits, so that pickling can carry it as text and rebuild it exactly (the parser is the one
// reader of submissions: no second writer of the model to keep in step).
struct PySubmission {
  std::shared_ptr<const inovasi::Submission> ptr;
  std::shared_ptr<const std::string> text;
  std::string source;
  inovasi::ParseLimits limits;
};

struct PyScore {
  inovasi::Score score;
  inovasi::EditionPtr edition;
  PySubmission submission;  // what was scored: a pickled score is rebuilt from it
};

py::tuple limits_state(const inovasi::ParseLimits& l) {
  return py::make_tuple(l.max_depth, l.max_document_bytes, l.max_innovations, l.max_evidence_items,
                        l.max_region_evidence_items);
}

inovasi::ParseLimits limits_from_state(const py::tuple& t) {
  if (t.size() != 5) throw py::value_error("a pickled ParseLimits state of " + std::to_string(t.size()) + " fields, not 5");
  inovasi::ParseLimits l;
  l.max_depth = t[0].cast<std::size_t>();
  l.max_document_bytes = t[1].cast<std::size_t>();
  l.max_innovations = t[2].cast<std::size_t>();
  l.max_evidence_items = t[3].cast<std::size_t>();
  l.max_region_evidence_items = t[4].cast<std::size_t>();
  return l;
}

PySubmission parse(std::shared_ptr<const std::string> text, inovasi::ParseOptions options) {
  PySubmission out{nullptr, std::move(text), options.source, options.limits};
  py::gil_scoped_release release;
  out.ptr = std::make_shared<const inovasi::Submission>(inovasi::parse_submission(*out.text, options));
  return out;
}

// The text of a submission argument: str or bytes as they are; any other value (a dict) read
// directly, with the depth limit (the core treats any limit above 1024 as 1024).
std::shared_ptr<const std::string> submission_text(const py::object& data, const inovasi::ParseLimits& limits) {
  if (PyUnicode_Check(data.ptr()) || PyBytes_Check(data.ptr()))
    return std::make_shared<const std::string>(data.cast<std::string>());
  return std::make_shared<const std::string>(json_of_python(data, std::min<std::size_t>(limits.max_depth, 1024)));
}

// State: (version, edition, text bytes, source, limits). Rebuilt under the submission's own
// edition (overriding whatever the text names: the edition it was read under).
py::tuple submission_state(const PySubmission& s) {
  return py::make_tuple(kPickleVersion, edition_for_pickle(s.ptr->edition), py::bytes(*s.text), s.source,
                        limits_state(s.limits));
}

PySubmission submission_from_state(const py::tuple& t) {
  check_state(t, 5, "Submission");
  inovasi::ParseOptions o;
  o.edition = t[1].cast<const PyEdition&>().ptr;
  o.override_edition = true;
  o.source = t[3].cast<std::string>();
  o.limits = limits_from_state(t[4].cast<py::tuple>());
  return parse(std::make_shared<const std::string>(t[2].cast<std::string>()), std::move(o));
}

PyScore score_of(const PySubmission& sub, inovasi::Policy policy) {
  inovasi::ScoreOptions o;
  o.policy = policy;
  PyScore out{{}, sub.ptr->edition, sub};
  {
    py::gil_scoped_release release;
    out.score = inovasi::score(*sub.ptr, o);
  }
  return out;
}

// The breakdown as Python values, straight from the score (no JSON): points as integer
// hundredths (``*_h``), exact fractions as "p/q" text, rows by key with the edition's names.
py::dict finding_dict(const inovasi::Finding& f) {
  py::dict x;
  x["pointer"] = f.pointer;
  x["row"] = f.row;
  x["innovation"] = f.innovation.empty() ? py::object(py::none()) : py::object(py::str(f.innovation));
  x["evidence"] = f.evidence_index >= 0 ? py::object(py::int_(f.evidence_index)) : py::object(py::none());
  x["rule"] = f.rule;
  x["severity"] = inovasi::to_string(f.severity);
  x["message"] = f.message;
  return x;
}

py::list indicators_of(const PyScore& p) {
  const auto& ed = *p.edition;
  py::list out;
  for (const auto& r : p.score.government) {
    const auto& row = ed.rows[r.row];
    py::dict d;
    d["row"] = row.key;
    d["name"] = row.name;
    d["weight_h"] = row.weight_h;
    d["claimed_level"] = r.claimed_level;
    d["level"] = r.level;
    d["points_h"] = r.points_h;
    d["claimed_points_h"] = r.claimed_points_h;
    d["points_at_risk_h"] = r.at_risk_h;
    out.append(d);
  }
  return out;
}

py::list innovations_of(const PyScore& p) {
  const auto& ed = *p.edition;
  // One Python string per row key, shared by every innovation's dicts (most of the cost).
  std::vector<py::str> keys;
  keys.reserve(ed.rows.size());
  for (const auto& row : ed.rows) keys.emplace_back(row.key);
  py::list out;
  for (const auto& inv : p.score.innovations) {
    py::dict d;
    d["id"] = inv.id;
    d["name"] = inv.name;
    d["department"] = inv.department;
    d["status"] = inovasi::to_string(inv.status);
    d["counted"] = inv.counted;
    d["points_h"] = inv.points_h;
    d["claimed_points_h"] = inv.claimed_points_h;
    d["points_at_risk_h"] = inv.at_risk_h;
    py::dict levels, claimed;
    for (const auto& r : inv.rows) {
      levels[keys[r.row]] = r.level;
      claimed[keys[r.row]] = r.claimed_level;
    }
    d["levels"] = levels;
    d["claimed_levels"] = claimed;
    out.append(d);
  }
  return out;
}

py::list departments_of(const PyScore& p) {
  py::list out;
  for (const auto& dep : p.score.departments) {
    py::dict d;
    d["name"] = dep.name;
    d["innovations"] = dep.innovations;
    d["points_h"] = dep.points_h;
    d["mean_points_exact"] = dep.mean_points.to_string();
    d["iid_contribution_exact"] = dep.iid_contribution.to_string();
    d["points_at_risk_h"] = dep.at_risk_h;
    d["iid_at_risk_exact"] = dep.at_risk_iid.to_string();
    out.append(d);
  }
  return out;
}

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
      .def_readwrite("max_evidence_items", &inovasi::ParseLimits::max_evidence_items)
      .def_readwrite("max_region_evidence_items", &inovasi::ParseLimits::max_region_evidence_items)
      .def("__eq__", [](const inovasi::ParseLimits& a, const inovasi::ParseLimits& b) {
        return limits_state(a).equal(limits_state(b));
      })
      .def("__copy__", [](const inovasi::ParseLimits& l) { return l; })
      .def("__deepcopy__", [](const inovasi::ParseLimits& l, const py::object&) { return l; }, py::arg("memo"))
      .def(py::pickle([](const inovasi::ParseLimits& l) { return py::make_tuple(kPickleVersion, limits_state(l)); },
                      [](const py::tuple& t) {
                        check_state(t, 2, "ParseLimits");
                        return limits_from_state(t[1].cast<py::tuple>());
                      }));

  py::class_<PySubmission>(m, "Submission", "A parsed, validated submission of one region")
      .def_property_readonly("region_code", [](const PySubmission& s) { return s.ptr->region.code; })
      .def_property_readonly("region_name", [](const PySubmission& s) { return s.ptr->region.name; })
      .def_property_readonly("region_type", [](const PySubmission& s) { return inovasi::to_string(s.ptr->region.type); })
      .def_property_readonly("province", [](const PySubmission& s) { return s.ptr->region.province; })
      .def_property_readonly("edition", [](const PySubmission& s) { return PyEdition{s.ptr->edition}; })
      .def_property_readonly("innovation_count", [](const PySubmission& s) { return s.ptr->innovations.size(); })
      .def_property_readonly("text", [](const PySubmission& s) { return py::bytes(*s.text); },
                             "The JSON text the submission was read from (a dict's as the package wrote it)")
      .def_property_readonly("source", [](const PySubmission& s) { return s.source; })
      .def_property_readonly("limits", [](const PySubmission& s) { return s.limits; })
      // Immutable: a copy is the submission itself.
      .def("__copy__", [](const py::object& self) { return self; })
      .def("__deepcopy__", [](const py::object& self, const py::object&) { return self; }, py::arg("memo"))
      .def(py::pickle(&submission_state, &submission_from_state))
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
      .def_property_readonly("region_name", [](const PyScore& s) { return s.score.region_name; })
      .def_property_readonly("region_type", [](const PyScore& s) { return s.score.region_type; })
      .def_property_readonly("province", [](const PyScore& s) { return s.score.province; })
      .def_property_readonly("edition_object", [](const PyScore& s) { return PyEdition{s.edition}; })
      .def_property_readonly("submission", [](const PyScore& s) { return s.submission; })
      .def_property_readonly("government_h", [](const PyScore& s) { return s.score.government_h; })
      .def_property_readonly("innovation_sum_h", [](const PyScore& s) { return s.score.innovation_sum_h; })
      .def_property_readonly("count_h", [](const PyScore& s) { return s.score.count_h; })
      .def_property_readonly("innovations_counted", [](const PyScore& s) { return s.score.innovations_counted; })
      .def_property_readonly("innovations_not_counted", [](const PyScore& s) { return s.score.innovations_not_counted; })
      .def_property_readonly("divisor", [](const PyScore& s) { return s.score.divisor; })
      .def_property_readonly("innovation_average_exact", [](const PyScore& s) { return s.score.innovation_average.to_string(); })
      .def_property_readonly("total_exact", [](const PyScore& s) { return s.score.total.to_string(); })
      .def_property_readonly("iid_exact", [](const PyScore& s) { return s.score.iid_exact.to_string(); })
      .def_property_readonly("self_assessed_iid_hundredths", [](const PyScore& s) { return s.score.self_assessed_iid_h; })
      .def_property_readonly("gate",
                             [](const PyScore& s) -> py::object {
                               if (!s.score.gate_applies) return py::none();
                               py::dict d;
                               d["open"] = s.score.gate_open;
                               d["affairs_covered"] = s.score.affairs_covered;
                               d["covered"] = s.score.affairs_covered_names;
                               return d;
                             })
      .def_property_readonly("indicators", &indicators_of, "Government rows: one dict each (no JSON)")
      .def_property_readonly("innovations", &innovations_of, "One dict per innovation, levels by row key (no JSON)")
      .def_property_readonly("departments", &departments_of)
      .def_property_readonly("findings",
                             [](const PyScore& s) {
                               py::list out;
                               for (const auto& f : s.score.findings) out.append(finding_dict(f));
                               return out;
                             })
      .def("to_json", [](const PyScore& s) {
        py::gil_scoped_release release;  // long for a region with many innovations
        return inovasi::to_json(s.score, *s.edition);
      })
      .def("__copy__", [](const py::object& self) { return self; })
      .def("__deepcopy__", [](const py::object& self, const py::object&) { return self; }, py::arg("memo"))
      // State: (version, the submission's state, policy); rebuilt by scoring again (exact).
      .def(py::pickle(
          [](const PyScore& s) {
            return py::make_tuple(kPickleVersion, submission_state(s.submission), inovasi::to_string(s.score.policy));
          },
          [](const py::tuple& t) {
            check_state(t, 3, "Score");
            return score_of(submission_from_state(t[1].cast<py::tuple>()),
                            inovasi::policy_from_string(t[2].cast<std::string>()));
          }));

  m.def(
      "parse_submission",
      [](const py::object& data, std::optional<PyEdition> edition, bool override_edition, const std::string& source,
         const inovasi::ParseLimits& limits) {
        return parse(submission_text(data, limits), make_options(edition, override_edition, source, limits));
      },
      py::arg("text"), py::arg("edition") = py::none(), py::arg("override_edition") = false, py::arg("source") = "",
      py::arg("limits") = inovasi::ParseLimits{});

  m.def(
      "score",
      [](const PySubmission& sub, const std::string& policy) {
        return score_of(sub, inovasi::policy_from_string(policy));
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
      .def_property_readonly("bytes_read", &PyScoreStream::bytes_read)
      .def("__reduce_ex__", [](const PyScoreStream&, int) -> py::object {
        throw py::type_error("a ScoreStream reads a file descriptor of this process: it cannot be pickled "
                             "(pickle the submissions or the results instead)");
      });

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
          for (const auto& f : c.findings) fs.append(finding_dict(f));
          d["findings"] = fs;
          out.append(d);
        }
        return out;
      },
      py::arg("submission"), py::arg("policy") = "self_assessed");

  m.def(
      "json_text",
      [](const py::object& value, std::size_t max_depth) {
        return json_of_python(value, std::min<std::size_t>(max_depth, 1024));
      },
      py::arg("value"), py::arg("max_depth") = 64,
      "A Python value (dict, list, str, numbers, numpy scalars) as JSON text; InputError with the JSON Pointer "
      "of a value that is not JSON");

  m.def("policies", [] {
    return std::vector<std::string>{"self_assessed", "supported", "strict", "assessor"};
  });
}
