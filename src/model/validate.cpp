// The rules of a submission over the in-memory types (include/inovasi/validate.hpp): the
// readers call them while parsing, validate() walks a Submission with them, rebind() moves one
// to another edition through them.
#include "inovasi/validate.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "model/relative_year.hpp"
#include "model/text.hpp"

namespace inovasi {

using detail::excerpt;
using detail::quoted;

std::string file_type_of(std::string_view file) {
  if (file.rfind("http://", 0) == 0 || file.rfind("https://", 0) == 0) return "link";
  auto dot = file.rfind('.');
  auto slash = file.find_last_of("/\\");
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "other";
  const std::string_view ext = file.substr(dot + 1);
  for (std::string_view t : {"pdf", "jpg", "jpeg", "png", "mp4", "mov"}) {
    if (ext.size() != t.size()) continue;
    bool same = true;  // ASCII case-insensitively
    for (std::size_t i = 0; i < t.size() && same; ++i)
      same = (ext[i] >= 'A' && ext[i] <= 'Z' ? ext[i] - 'A' + 'a' : ext[i]) == t[i];
    if (same) return std::string(t);
  }
  return "other";
}

namespace rules {

std::string row_context(const Edition& ed, const Row& r) { return "(" + ed.name + ", indicator " + r.key + ")"; }

std::string level(const Edition& ed, const Row& r, std::optional<std::int64_t> v, std::string_view shown) {
  if (v && *v >= ed.level_min && *v <= ed.level_max) return {};
  return excerpt(shown) + " is out of range " + std::to_string(ed.level_min) + ".." + std::to_string(ed.level_max) +
         " " + row_context(ed, r);
}

bool real_calendar_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (s[i] < '0' || s[i] > '9') return false;
  auto num = [&](std::size_t at, std::size_t len) {
    int v = 0;
    for (std::size_t i = at; i < at + len; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (m < 1 || m > 12 || d < 1) return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max = days[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max;
}

std::string date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' ||
      !std::all_of(s.begin(), s.end(), [](char c) { return c == '-' || (c >= '0' && c <= '9'); }))
    return quoted(s) + " is not an ISO date (YYYY-MM-DD)";
  if (!real_calendar_date(s)) return quoted(s) + " is not a real calendar date";
  if (s < "1900-01-01" || s > "2100-12-31") return quoted(s) + " is out of range 1900..2100";
  return {};
}

std::string evidence_kind(const Edition& ed, std::string_view kind) {
  for (const auto& k : ed.evidence_kinds)  // length, first byte first: the hot path of every item
    if (k.size() == kind.size() && (kind.empty() || k[0] == kind[0]) && k == kind) return {};
  return quoted(kind) + " is not an evidence kind of " + ed.name;
}

std::string basis(const Edition& ed, const Row& r, std::string_view b) {
  if (r.input != InputKind::bases) return "indicator " + r.key + " takes no basis " + row_context(ed, r);
  if (r.bases.count(std::string(b))) return {};
  std::string list;
  for (auto& [k, v] : r.bases) list += (list.empty() ? "" : ", ") + k;
  return quoted(b) + " is not a basis of indicator " + r.key + " in " + ed.name + " (" + list + ")";
}

std::string cluster(const std::vector<std::string>& earlier, std::string_view c) {
  if (c != "tertinggal" && c != "perbatasan" && c != "papua")
    return quoted(c) + " is not one of: tertinggal, perbatasan, papua";
  if (std::find(earlier.begin(), earlier.end(), c) != earlier.end()) return "cluster " + quoted(c) + " given twice";
  return {};
}

std::string acceptance_out_of_range(std::string_view shown) { return excerpt(shown) + " is out of range 0..1"; }

std::string level_disagrees(const Edition& ed, const Row& r, int level, std::string_view value_text, int derived) {
  return "level " + std::to_string(level) + " disagrees with value " + std::string(value_text) + ", which gives level " +
         std::to_string(derived) + " " + row_context(ed, r);
}

std::string duplicate_id(std::string_view id, std::size_t first) {
  return "duplicate innovation id " + quoted(id) + " (first at /innovations/" + std::to_string(first) + ")";
}

std::size_t innovation_limit(const ParseLimits& limits) {
  return std::min(limits.max_innovations, ParseLimits::kMaxInnovationsCeiling);
}

std::string too_many_innovations(std::size_t count, const ParseLimits& limits) {
  const std::size_t max = innovation_limit(limits);
  if (count <= max) return {};
  return std::to_string(count) + " innovations exceed the limit of " + std::to_string(max) + " per region";
}

std::string too_many_evidence_items(std::size_t count, const ParseLimits& limits) {
  if (count <= limits.max_evidence_items) return {};
  return std::to_string(count) + " evidence items exceed the limit of " + std::to_string(limits.max_evidence_items);
}

std::string region_evidence_limit(const ParseLimits& limits) {
  return "the region's evidence items exceed the limit of " + std::to_string(limits.max_region_evidence_items) +
         " per region (all answers together)";
}

}  // namespace rules

namespace {

int year_window(const Row& r) {
  int w = 1;
  for (const auto& rule : r.year_rules) {
    for (int o : rule.offsets) w = std::max(w, o + 1);
    w = std::max(w, rule.count);
  }
  return w;
}

ValueLevel error(std::string message, std::optional<std::size_t> item = std::nullopt) {
  ValueLevel v;
  v.error = std::move(message);
  v.item = item;
  return v;
}

}  // namespace

std::string level_only(const Edition& ed, const Row& r) {
  return "indicator " + r.key + " takes a level only in " + ed.name + " (the edition has no bands for a value)";
}

ValueLevel level_of_number(const Edition& ed, const Row& r, std::string_view basis, const Decimal& d,
                           std::string_view shown) {
  if (r.input != InputKind::count && r.input != InputKind::decimal && r.input != InputKind::bases) {
    if (r.input == InputKind::level) return error(level_only(ed, r));
    return error(std::string("expected ") + (r.input == InputKind::code ? "string" : "array") + ", found number (" +
                 excerpt(shown) + ")");
  }
  const std::string b(basis.empty() ? std::string_view(r.default_basis) : basis);
  const Bands& bands = r.input == InputKind::bases ? r.bases.at(b) : *r.bands;
  if (bands.input == InputKind::count && (!d.is_integer() || d.negative()))
    return error(excerpt(shown) + " is not a count: indicator " + r.key +
                 (r.input == InputKind::bases ? " (basis " + b + ")" : "") + " takes a whole number ≥ 0 " +
                 rules::row_context(ed, r));
  ValueLevel v;
  v.text = d.to_string();
  v.level = bands.level_for(d);
  return v;
}

ValueLevel level_of_code(const Edition& ed, const Row& r, std::string_view code) {
  auto it = r.codes.find(detail::lower(code));
  if (it == r.codes.end()) {
    std::string list;
    for (auto& [k, lv] : r.codes) list += (list.empty() ? "" : ", ") + k;
    return error(quoted(code) + " is not a code of indicator " + r.key + " in " + ed.name + " (" + list + ")");
  }
  ValueLevel v;
  v.text = code;
  v.level = it->second;
  return v;
}

std::string year_offset(const Edition& ed, const Row& r, int off, const std::vector<int>& earlier) {
  const int window = year_window(r);
  if (off >= window)
    return detail::relative_year_text(off) + " is outside the window " + detail::relative_year_text(window - 1) +
           "…T-0 " + rules::row_context(ed, r);
  if (std::find(earlier.begin(), earlier.end(), off) != earlier.end())
    return "year " + detail::relative_year_text(off) + " given twice";
  return {};
}

ValueLevel level_of_years(const Edition& ed, const Row& r, const std::vector<int>& offsets) {
  std::vector<int> seen;
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    if (auto e = year_offset(ed, r, offsets[i], seen); !e.empty()) return error(std::move(e), i);
    seen.push_back(offsets[i]);
  }
  std::sort(seen.begin(), seen.end());
  ValueLevel v;
  for (int o : seen) v.text += (v.text.empty() ? "" : ",") + detail::relative_year_text(o);
  v.text = "[" + v.text + "]";
  v.level = r.level_for_years(seen, ed.level_min);
  return v;
}

ValueLevel level_of_value_text(const Edition& ed, const Row& r, std::string_view basis, std::string_view text) {
  switch (r.input) {
    case InputKind::level:
      return error(level_only(ed, r));
    case InputKind::count:
    case InputKind::decimal:
    case InputKind::bases: {
      auto d = Decimal::parse(text);
      if (!d) return error(quoted(text) + " is not a number (the value of indicator " + r.key + ")");
      return level_of_number(ed, r, basis, *d, text);
    }
    case InputKind::code:
      return level_of_code(ed, r, text);
    case InputKind::years: {
      // "[T-0,T-2]" as the readers write it; "[]" is no year.
      if (text.size() < 2 || text.front() != '[' || text.back() != ']')
        return error(quoted(text) + " is not a list of years such as [T-0,T-1] (the value of indicator " + r.key + ")");
      std::vector<int> offsets;
      std::string_view body = text.substr(1, text.size() - 2);
      while (!body.empty()) {
        const auto comma = body.find(',');
        const std::string_view y = body.substr(0, comma);
        const auto k = detail::parse_relative_year(y);
        if (!k) return error(quoted(y) + " is not a year like \"T-1\" or 2025", offsets.size());
        offsets.push_back(*k);
        if (comma == std::string_view::npos) break;
        body.remove_prefix(comma + 1);
      }
      return level_of_years(ed, r, offsets);
    }
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// validate()

namespace {

std::string shortest(double d) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, res.ptr);
}

class Validator {
 public:
  Validator(const Edition& ed, const ParseLimits& limits) : ed_(ed), limits_(limits) {}

  [[noreturn]] static void fail(const std::string& ptr, const std::string& msg) { throw InputError(ptr, msg); }
  static void check(const std::string& ptr, const std::string& msg) {
    if (!msg.empty()) fail(ptr, msg);
  }

  void item(const EvidenceItem& it, const std::string& p, const Row& r) const {
    check(pointer_append(p, "kind"), rules::evidence_kind(ed_, it.kind));
    if (it.file_type != (it.file.empty() ? std::string() : file_type_of(it.file)))
      fail(pointer_append(p, "file"), "file_type " + quoted(it.file_type) + " is not the type of file " +
                                          quoted(it.file) + " (" + quoted(file_type_of(it.file)) + ")");
    if (!it.date.empty()) check(pointer_append(p, "date"), rules::date(it.date));
    if (it.year && (*it.year < 1900 || *it.year > 2100))
      fail(pointer_append(p, "year"), std::to_string(*it.year) + " is out of range 1900..2100");
    if (it.duration_s && it.duration_s->negative()) fail(pointer_append(p, "duration_s"), "a duration cannot be negative");
    if (it.supported_level)
      check(pointer_append(p, "supported_level"),
            rules::level(ed_, r, *it.supported_level, std::to_string(*it.supported_level)));
  }

  void answer(const Answer& a, const std::string& p, const Row& r) {
    if (!a.basis.empty()) check(pointer_append(p, "basis"), rules::basis(ed_, r, a.basis));
    // A level not given and no value is the reader's absent level (0, never range-checked); a
    // level set in memory without a value counts as given.
    if (a.level_given || (!a.has_value && a.level != 0))
      check(pointer_append(p, "level"), rules::level(ed_, r, a.level, std::to_string(a.level)));
    if (a.has_value) {
      const ValueLevel v = level_of_value_text(ed_, r, a.basis, a.value_text);
      std::string vp = pointer_append(p, "value");
      if (!v.error.empty()) fail(v.item ? pointer_append(vp, *v.item) : vp, v.error);
      if (v.level != a.level)
        fail(a.level_given ? pointer_append(p, "level") : vp, rules::level_disagrees(ed_, r, a.level, v.text, v.level));
    }
    if (a.acceptance && !(*a.acceptance >= 0 && *a.acceptance <= 1))
      fail(pointer_append(p, "acceptance"), rules::acceptance_out_of_range(shortest(*a.acceptance)));
    if (!a.evidence.empty()) {
      const std::string ep = pointer_append(p, "evidence");
      check(ep, rules::too_many_evidence_items(a.evidence.size(), limits_));
      if (a.evidence.size() > limits_.max_region_evidence_items - evidence_seen_)
        fail(pointer_append(ep, limits_.max_region_evidence_items - evidence_seen_), rules::region_evidence_limit(limits_));
      evidence_seen_ += a.evidence.size();
      for (std::size_t i = 0; i < a.evidence.size(); ++i) item(a.evidence[i], pointer_append(ep, i), r);
    }
  }

  template <class V>
  void answers(const V& v, const std::string& p, int aspect) {
    if (v.size() != ed_.rows.size())
      fail(p, "holds " + std::to_string(v.size()) + " rows where " + ed_.name + " has " + std::to_string(ed_.rows.size()));
    for (std::size_t i = 0; i < ed_.rows.size(); ++i) {
      const Answer& a = v[i];
      if (!a.present) continue;
      const Row& r = ed_.rows[i];
      const std::string ap = pointer_append(p, r.key);
      if (r.aspect_index != aspect)
        fail(ap, "indicator " + r.key + " belongs to the " +
                     (r.aspect_index == 0 ? std::string("government (region) aspect: answer it under /government")
                                          : std::string("innovation aspect: answer it per innovation")) +
                     " " + rules::row_context(ed_, r));
      answer(a, ap, r);
    }
  }

  void innovation(const Innovation& inv, const std::string& p) {
    if (inv.id.empty()) fail(pointer_append(p, "id"), "must not be empty");
    const std::string afp = pointer_append(p, "affairs");
    for (std::size_t i = 0; i < inv.affairs.size(); ++i) {
      const std::string& a = inv.affairs[i];
      if (normalise_affair(a).empty()) fail(pointer_append(afp, i), "an affair name must not be empty");
      if (normalise_affair(a) != a)
        fail(pointer_append(afp, i), quoted(a) + " is not normalised (lower case, outer spaces trimmed: " +
                                         quoted(normalise_affair(a)) + ")");
      if (std::find(inv.affairs.begin(), inv.affairs.begin() + static_cast<std::ptrdiff_t>(i), a) !=
          inv.affairs.begin() + static_cast<std::ptrdiff_t>(i))
        fail(pointer_append(afp, i), "affair " + quoted(a) + " given twice");
    }
    if (!inv.applied_date.empty()) check(pointer_append(p, "applied_date"), rules::date(inv.applied_date));
    answers(inv.answers, pointer_append(p, "answers"), 1);
  }

  void submission(const Submission& s) {
    const Region& reg = s.region;
    if (reg.code.empty()) fail("/region/code", "must not be empty");
    for (std::size_t i = 0; i < reg.clusters.size(); ++i)
      check(pointer_append("/region/clusters", i),
            rules::cluster(std::vector<std::string>(reg.clusters.begin(), reg.clusters.begin() + static_cast<std::ptrdiff_t>(i)),
                           reg.clusters[i]));
    answers(s.government, "/government", 0);
    check("/innovations", rules::too_many_innovations(s.innovations.size(), limits_));
    std::map<std::string, std::size_t> ids;
    for (std::size_t i = 0; i < s.innovations.size(); ++i) {
      const std::string ip = pointer_append("/innovations", i);
      innovation(s.innovations[i], ip);
      auto [it, fresh] = ids.emplace(s.innovations[i].id, i);
      if (!fresh) fail(pointer_append(ip, "id"), rules::duplicate_id(s.innovations[i].id, it->second));
    }
  }

 private:
  const Edition& ed_;
  const ParseLimits& limits_;
  std::size_t evidence_seen_ = 0;
};

}  // namespace

void validate(const Submission& s, const ParseLimits& limits) {
  if (!s.edition) throw InputError("/edition", "missing required field \"edition\" (or give the edition on the command line)");
  Validator(*s.edition, limits).submission(s);
}

Submission rebind(const Submission& s, EditionPtr other, const ParseLimits& limits) {
  if (!s.edition) throw InputError("/edition", "missing required field \"edition\" (or give the edition on the command line)");
  if (!other) throw InputError("/edition", "no edition to re-bind to");
  const Edition& from = *s.edition;
  const Edition& to = *other;
  auto move = [&](const Answer& a, const Row& r, const std::string& p, int aspect) -> std::pair<int, Answer> {
    const int idx = to.row_index(r.key);
    if (idx < 0)
      throw InputError(p, "indicator " + r.key + " of " + from.name + " is not an indicator of " + to.name +
                              ": the submission cannot be re-bound to " + to.name);
    const Row& tr = to.rows[static_cast<std::size_t>(idx)];
    if (tr.aspect_index != aspect)
      throw InputError(p, "indicator " + r.key + " belongs to the " +
                              (aspect == 0 ? "government (region)" : "innovation") + " aspect in " + from.name +
                              " but not in " + to.name + ": the submission cannot be re-bound to " + to.name);
    Answer b = a;
    // The basis is the edition's default unless one was chosen: `from`'s default is read as no
    // choice, so `to` applies its own.
    if (tr.input != InputKind::bases) b.basis.clear();
    else if (r.input != InputKind::bases || a.basis.empty() || a.basis == r.default_basis) b.basis = tr.default_basis;
    if (a.has_value) {
      const ValueLevel v = level_of_value_text(to, tr, b.basis, a.value_text);
      if (!v.error.empty()) {
        const std::string vp = pointer_append(p, "value");
        throw InputError(v.item ? pointer_append(vp, *v.item) : vp, v.error + " (re-binding from " + from.name + ")");
      }
      if (a.level_given && v.level != a.level)
        throw InputError(pointer_append(p, "level"), rules::level_disagrees(to, tr, a.level, v.text, v.level) +
                                                         " (re-binding from " + from.name + ")");
      b.level = v.level;
      b.value_text = v.text;
    }
    return {idx, std::move(b)};
  };
  Submission out;
  out.edition = other;
  out.region = s.region;
  out.government.assign(to.rows.size(), Answer{});
  for (std::size_t i = 0; i < s.government.size() && i < from.rows.size(); ++i)
    if (s.government[i].present) {
      auto [idx, a] = move(s.government[i], from.rows[i], pointer_append("/government", from.rows[i].key), 0);
      out.government[static_cast<std::size_t>(idx)] = std::move(a);
    }
  out.innovations.reserve(s.innovations.size());
  for (std::size_t n = 0; n < s.innovations.size(); ++n) {
    const Innovation& inv = s.innovations[n];
    Innovation x = inv;
    x.answers = Answers(to.rows.size());
    const std::string ap = pointer_append(pointer_append("/innovations", n), "answers");
    for (std::size_t i = 0; i < inv.answers.size() && i < from.rows.size(); ++i)
      if (inv.answers[i].present) {
        auto [idx, a] = move(inv.answers[i], from.rows[i], pointer_append(ap, from.rows[i].key), 1);
        x.answers.edit(static_cast<std::size_t>(idx)) = std::move(a);
      }
    out.innovations.push_back(std::move(x));
  }
  validate(out, limits);
  return out;
}

}  // namespace inovasi
