#include "inovasi/submission.hpp"

#include <algorithm>
#include <cctype>

namespace inovasi {

const char* to_string(RegionType t) {
  switch (t) {
    case RegionType::province: return "province";
    case RegionType::kabupaten: return "kabupaten";
    case RegionType::kota: return "kota";
  }
  return "?";
}
const char* to_string(Stage s) {
  switch (s) {
    case Stage::unknown: return "";
    case Stage::initiative: return "initiative";
    case Stage::trial: return "trial";
    case Stage::applied: return "applied";
  }
  return "?";
}
const char* to_string(Status s) {
  switch (s) {
    case Status::draft: return "draft";
    case Status::submitted: return "submitted";
    case Status::rejected: return "rejected";
  }
  return "?";
}
const char* to_string(Form f) {
  switch (f) {
    case Form::unknown: return "";
    case Form::governance: return "governance";
    case Form::public_service: return "public_service";
    case Form::other: return "other";
  }
  return "?";
}
const char* to_string(Kind k) {
  switch (k) {
    case Kind::unknown: return "";
    case Kind::digital: return "digital";
    case Kind::non_digital: return "non_digital";
  }
  return "?";
}
const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::none: return "";
    case Verdict::accepted: return "accepted";
    case Verdict::revision: return "revision";
    case Verdict::rejected: return "rejected";
  }
  return "?";
}

void clear(Answer& a) {
  a.present = false;
  a.level = 0;
  a.level_given = false;
  a.value_text.clear();
  a.has_value = false;
  a.basis.clear();
  a.acceptance.reset();
  a.evidence.clear();
}

const Answer& Answers::absent() {
  static const Answer none;
  return none;
}

Answer& Answers::edit(std::size_t row) {
  if (slot_.empty()) slot_.assign(rows_, 0);
  if (slot_[row] != 0) return given_[slot_[row] - 1];
  if (used_ == given_.size()) given_.emplace_back();
  else clear(given_[used_]);  // a reused entry keeps nothing of an earlier record's
  slot_[row] = static_cast<std::uint32_t>(++used_);
  return given_[used_ - 1];
}

void Answers::reset(std::size_t rows) {
  rows_ = rows;
  used_ = 0;
  if (!slot_.empty()) slot_.assign(rows, 0);
}

std::string normalise_affair(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  std::string out = s.substr(b, e - b + 1);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace inovasi
