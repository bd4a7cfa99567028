#pragma once
// Small helpers shared by the C++ tests: build submissions as JSON text.
#include <string>
#include <vector>

#include "inovasi/edition.hpp"
#include "inovasi/score.hpp"
#include "inovasi/submission.hpp"

namespace test {

// {"16": {"level": L}, ...} for every innovation row of the edition.
inline std::string all_rows(const inovasi::Edition& ed, const std::vector<int>& rows, int level) {
  std::string s = "{";
  bool first = true;
  for (int idx : rows) {
    if (!first) s += ",";
    first = false;
    s += "\"" + ed.rows[idx].key + "\":{\"level\":" + std::to_string(level) + "}";
  }
  return s + "}";
}

struct Inv {
  int level = 0;
  std::string status = "submitted";
  std::vector<std::string> affairs;
};

inline std::string submission(const std::string& edition, int gov_level, const std::vector<Inv>& invs,
                              const std::string& code = "64.03") {
  auto ed = inovasi::builtin_edition(edition);
  std::string s = "{\"edition\":\"" + edition + "\",\"region\":{\"code\":\"" + code +
                  "\",\"type\":\"kabupaten\"},\"government\":" + all_rows(*ed, ed->government_rows, gov_level) +
                  ",\"innovations\":[";
  for (std::size_t i = 0; i < invs.size(); ++i) {
    if (i) s += ",";
    s += "{\"id\":\"i" + std::to_string(i) + "\",\"status\":\"" + invs[i].status + "\",\"affairs\":[";
    for (std::size_t a = 0; a < invs[i].affairs.size(); ++a)
      s += (a ? ",\"" : "\"") + invs[i].affairs[a] + "\"";
    s += "],\"answers\":" + all_rows(*ed, ed->innovation_rows, invs[i].level) + "}";
  }
  return s + "]}";
}

inline inovasi::Score score_text(const std::string& json,
                                 inovasi::Policy policy = inovasi::Policy::self_assessed) {
  auto sub = inovasi::parse_submission(json);
  inovasi::ScoreOptions o;
  o.policy = policy;
  return inovasi::score(sub, o);
}

inline const std::vector<std::string>& basic_affairs() {
  static const std::vector<std::string> a = {"pendidikan",
                                             "kesehatan",
                                             "pekerjaan umum dan penataan ruang",
                                             "perumahan rakyat dan kawasan permukiman",
                                             "ketenteraman, ketertiban umum dan pelindungan masyarakat",
                                             "sosial"};
  return a;
}

}  // namespace test
