// Edition loader: parse_edition on arbitrary bytes. Only InputError may escape the parser. An
// accepted edition must then score a submission built from its own rows without crashing.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_common.hpp"
#include "inovasi/edition.hpp"
#include "inovasi/error.hpp"

namespace {

// A submission answering every row of `ed` at its top level, with one innovation.
std::string submission_for(const inovasi::Edition& ed) {
  const std::string level = "{\"level\":" + std::to_string(ed.level_max) + "}";
  std::string gov, inn;
  for (int i : ed.government_rows) gov += (gov.empty() ? "\"" : ",\"") + ed.rows[i].key + "\":" + level;
  for (int i : ed.innovation_rows) inn += (inn.empty() ? "\"" : ",\"") + ed.rows[i].key + "\":" + level;
  return "{\"region\":{\"code\":\"35.78\",\"name\":\"F\",\"type\":\"kota\"},\"government\":{" + gov +
         "},\"innovations\":[{\"id\":\"a\",\"name\":\"A\",\"department\":\"D\",\"stage\":\"applied\","
         "\"status\":\"submitted\",\"form\":\"other\",\"kind\":\"digital\",\"affairs\":[\"x\"],"
         "\"applied_date\":\"" + std::to_string(ed.t0_year()) + "-01-01\",\"answers\":{" + inn + "}}]}";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  inovasi::EditionPtr ed;
  try {
    ed = inovasi::parse_edition(std::string(reinterpret_cast<const char*>(data), size), "fuzz");
  } catch (const inovasi::InputError&) {
    return 0;
  }
  for (std::int64_t h : {std::int64_t{0}, std::int64_t{5000}, std::int64_t{10000}}) (void)ed->category_of_hundredths(h);
  (void)ed->max_government_h();
  (void)ed->max_innovation_h();
  inovasi::ParseOptions o;
  o.edition = ed;
  o.override_edition = true;
  inovasi::Submission s;
  try {
    s = inovasi::parse_submission(submission_for(*ed), o);
  } catch (const inovasi::InputError&) {
    return 0;  // e.g. a row whose input is a value, not a level
  }
  inovasi_fuzz::score_everything(s, /*check_range=*/false);
  return 0;
}
