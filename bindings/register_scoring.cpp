#include <optional>

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
                                   const std::string& source, std::size_t max_innovations, std::size_t max_depth,
                                   std::size_t max_document_bytes) {
  inovasi::ParseOptions o;
  if (edition) o.edition = edition->ptr;
  o.override_edition = override_edition && edition.has_value();
  o.source = source;
  o.limits.max_innovations = max_innovations;
  o.limits.max_depth = max_depth;
  o.limits.max_document_bytes = max_document_bytes;
  return o;
}

const inovasi::ParseLimits kDefaults{};

}  // namespace

void register_scoring(py::module_& m) {
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
      .def("to_json", [](const PyScore& s) { return inovasi::to_json(s.score, *s.edition); });

  m.def(
      "parse_submission",
      [](const std::string& text, std::optional<PyEdition> edition, bool override_edition, const std::string& source,
         std::size_t max_innovations, std::size_t max_depth, std::size_t max_document_bytes) {
        auto opt = make_options(edition, override_edition, source, max_innovations, max_depth, max_document_bytes);
        std::shared_ptr<const inovasi::Submission> sub;
        {
          py::gil_scoped_release release;
          sub = std::make_shared<const inovasi::Submission>(inovasi::parse_submission(text, opt));
        }
        return PySubmission{sub};
      },
      py::arg("text"), py::arg("edition") = py::none(), py::arg("override_edition") = false, py::arg("source") = "",
      py::arg("max_innovations") = kDefaults.max_innovations, py::arg("max_depth") = kDefaults.max_depth,
      py::arg("max_document_bytes") = kDefaults.max_document_bytes);

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
         const std::string& source, std::size_t max_innovations, std::size_t max_depth,
         std::size_t max_document_bytes) {
        auto opt = make_options(edition, override_edition, source, max_innovations, max_depth, max_document_bytes);
        inovasi::ScoreOptions so;
        so.policy = inovasi::policy_from_string(policy);
        struct Out {
          std::size_t index, line, column;
          std::optional<std::string> json, error, pointer;
        };
        std::vector<Out> outs;
        {
          py::gil_scoped_release release;
          inovasi::RecordReader reader(text, opt);
          inovasi::RecordResult r;
          while (reader.next(r)) {
            Out o{r.index, r.line, r.column, {}, {}, {}};
            if (r.error) {
              o.error = r.error->what();
              if (!r.error->pointer().empty()) o.pointer = r.error->pointer();
            } else {
              o.json = inovasi::to_json(inovasi::score(*r.submission, so), *r.submission->edition);
            }
            outs.push_back(std::move(o));
          }
        }
        py::list result;
        for (auto& o : outs)
          result.append(py::make_tuple(o.index, o.line, o.column, o.json, o.error, o.pointer));
        return result;
      },
      py::arg("text"), py::arg("edition") = py::none(), py::arg("override_edition") = false,
      py::arg("policy") = "self_assessed", py::arg("source") = "", py::arg("max_innovations") = kDefaults.max_innovations,
      py::arg("max_depth") = kDefaults.max_depth, py::arg("max_document_bytes") = kDefaults.max_document_bytes);

  // Pre-validation: one dict per answer given, with the evidence-supported level and findings.
  m.def(
      "prevalidate",
      [](const PySubmission& sub) {
        std::vector<inovasi::AnswerCheck> checks;
        {
          py::gil_scoped_release release;
          checks = inovasi::prevalidate(*sub.ptr);
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
      py::arg("submission"));

  m.def("policies", [] {
    return std::vector<std::string>{"self_assessed", "supported", "strict", "assessor"};
  });
}
