#include "inovasi/submission.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "jread.hpp"
#include "json_dom.hpp"

namespace inovasi {

using namespace detail;

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

std::string normalise_affair(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  std::string out = s.substr(b, e - b + 1);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

namespace {

Tri get_tri(const JNode& n, const std::string& ptr) { return get_bool(n, ptr) ? Tri::yes : Tri::no; }

std::string file_type_of(const std::string& file) {
  if (file.rfind("http://", 0) == 0 || file.rfind("https://", 0) == 0) return "link";
  auto dot = file.rfind('.');
  auto slash = file.find_last_of("/\\");
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "other";
  std::string ext = file.substr(dot + 1);
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* t : {"pdf", "jpg", "jpeg", "png", "mp4", "mov"})
    if (ext == t) return ext;
  return "other";
}

class Parser {
 public:
  Parser(const Edition& ed, const ParseLimits& limits) : ed_(ed), limits_(limits) {}

  std::string context(const Row& r) const {
    return "(" + ed_.name + ", indicator " + r.key + ")";
  }

  int level_of(const JNode& n, const std::string& ptr, const Row& r) const {
    Decimal d = get_decimal(n, ptr);
    if (!d.is_integer()) fail(ptr, n.text + " is not a whole level " + context(r));
    auto v = d.scaled(0);
    if (!v || *v < ed_.level_min || *v > ed_.level_max)
      fail(ptr, n.text + " is out of range " + std::to_string(ed_.level_min) + ".." +
                    std::to_string(ed_.level_max) + " " + context(r));
    return static_cast<int>(*v);
  }

  // Years given as "T-k" or calendar years → offsets back from T-0, within the row's window.
  int year_window(const Row& r) const {
    int w = 1;
    for (const auto& rule : r.year_rules) {
      for (int o : rule.offsets) w = std::max(w, o + 1);
      w = std::max(w, rule.count);
    }
    return w;
  }

  int level_from_value(const JNode& v, const std::string& ptr, const Row& r, const std::string& basis,
                       std::string& text) const {
    switch (r.input) {
      case InputKind::level:
        fail(ptr, "indicator " + r.key + " takes a level only in " + ed_.name +
                      " (the edition has no bands for a value)");
      case InputKind::count:
      case InputKind::decimal:
      case InputKind::bases: {
        const Bands& b = r.input == InputKind::bases ? r.bases.at(basis) : *r.bands;
        Decimal d = get_decimal(v, ptr);
        if (b.input == InputKind::count) {
          if (!d.is_integer() || d.negative())
            fail(ptr, v.text + " is not a count: indicator " + r.key +
                          (r.input == InputKind::bases ? " (basis " + basis + ")" : "") +
                          " takes a whole number ≥ 0 " + context(r));
        }
        text = d.to_string();
        return b.level_for(d);
      }
      case InputKind::code: {
        const auto& s = get_string(v, ptr);
        auto it = r.codes.find(lower(s));
        if (it == r.codes.end()) {
          std::string list;
          for (auto& [k, lv] : r.codes) list += (list.empty() ? "" : ", ") + k;
          fail(ptr, quoted(s) + " is not a code of indicator " + r.key + " in " + ed_.name + " (" + list + ")");
        }
        text = s;
        return it->second;
      }
      case InputKind::years: {
        expect(v, JType::array, ptr, "years such as [\"T-0\", \"T-1\"]");
        int window = year_window(r);
        std::set<int> offsets;
        for (std::size_t i = 0; i < v.items.size(); ++i) {
          std::string ip = pointer_append(ptr, i);
          const JNode& y = v.items[i];
          int off;
          if (y.type == JType::string) {
            const auto& s = y.text;
            if (s.size() < 3 || s[0] != 'T' || s[1] != '-' ||
                !std::all_of(s.begin() + 2, s.end(), [](char c) { return c >= '0' && c <= '9'; }) || s.size() > 4)
              fail(ip, quoted(s) + " is not a year like \"T-1\" or 2025");
            off = std::stoi(s.substr(2));
          } else if (y.type == JType::number) {
            int year = static_cast<int>(get_int(y, ip, 1900, 2100, "a calendar year"));
            off = ed_.t0_year() - year;
            if (off < 0) fail(ip, std::to_string(year) + " is after T-0 (" + std::to_string(ed_.t0_year()) + ") " + context(r));
          } else {
            fail(ip, std::string("expected a year (\"T-1\" or a number), found ") + type_name(y.type));
          }
          if (off >= window)
            fail(ip, "T-" + std::to_string(off) + " is outside the window T-" + std::to_string(window - 1) +
                         "…T-0 " + context(r));
          if (!offsets.insert(off).second) fail(ip, "year T-" + std::to_string(off) + " given twice");
        }
        for (int o : offsets) text += (text.empty() ? "T-" : ",T-") + std::to_string(o);
        text = "[" + text + "]";
        return r.level_for_years(std::vector<int>(offsets.begin(), offsets.end()), ed_.level_min);
      }
    }
    return 0;
  }

  EvidenceItem parse_item(const JNode& n, const std::string& p, const Row& r) const {
    expect(n, JType::object, p, "an evidence item");
    check_keys(n, p,
               {"kind", "file", "date", "year", "group", "value", "signed", "names_innovation", "highlighted",
                "in_force", "on_behalf_of_regional_head", "has_cover", "duration_s", "verdict",
                "supported_level"});
    EvidenceItem it;
    it.kind = get_string(require(n, "kind", p), p + "/kind");
    if (std::find(ed_.evidence_kinds.begin(), ed_.evidence_kinds.end(), it.kind) == ed_.evidence_kinds.end())
      fail(p + "/kind", quoted(it.kind) + " is not an evidence kind of " + ed_.name);
    if (auto* f = n.find("file")) {
      it.file = get_string(*f, p + "/file");
      it.file_type = file_type_of(it.file);
    }
    if (auto* d = n.find("date")) it.date = get_date(*d, p + "/date");
    if (auto* y = n.find("year")) it.year = static_cast<int>(get_int(*y, p + "/year", 1900, 2100, "a calendar year"));
    if (auto* g = n.find("group")) {
      if (g->type == JType::number) it.group = std::to_string(get_int(*g, p + "/group", 0, INT64_MAX));
      else it.group = get_string(*g, p + "/group");
    }
    if (auto* v = n.find("value")) it.value = get_decimal(*v, p + "/value");
    if (auto* b = n.find("signed")) it.signed_ = get_tri(*b, p + "/signed");
    if (auto* b = n.find("names_innovation")) it.names_innovation = get_tri(*b, p + "/names_innovation");
    if (auto* b = n.find("highlighted")) it.highlighted = get_tri(*b, p + "/highlighted");
    if (auto* b = n.find("in_force")) it.in_force = get_tri(*b, p + "/in_force");
    if (auto* b = n.find("on_behalf_of_regional_head"))
      it.on_behalf_of_regional_head = get_tri(*b, p + "/on_behalf_of_regional_head");
    if (auto* b = n.find("has_cover")) it.has_cover = get_tri(*b, p + "/has_cover");
    if (auto* d = n.find("duration_s")) {
      it.duration_s = get_decimal(*d, p + "/duration_s");
      if (it.duration_s->negative()) fail(p + "/duration_s", "a duration cannot be negative");
    }
    if (auto* v = n.find("verdict"))
      it.verdict = parse_enum<Verdict>(*v, p + "/verdict",
                                       {{"accepted", Verdict::accepted}, {"revision", Verdict::revision},
                                        {"rejected", Verdict::rejected}});
    if (auto* s = n.find("supported_level")) it.supported_level = level_of(*s, p + "/supported_level", r);
    return it;
  }

  Answer parse_answer(const JNode& n, const std::string& p, const Row& r) const {
    expect(n, JType::object, p, "an answer such as {\"level\": 2}");
    check_keys(n, p, {"level", "value", "basis", "acceptance", "evidence"});
    Answer a;
    a.present = true;
    std::string basis;
    if (auto* b = n.find("basis")) {
      if (r.input != InputKind::bases) fail(p + "/basis", "indicator " + r.key + " takes no basis " + context(r));
      basis = get_string(*b, p + "/basis");
      if (!r.bases.count(basis)) {
        std::string list;
        for (auto& [k, v] : r.bases) list += (list.empty() ? "" : ", ") + k;
        fail(p + "/basis", quoted(basis) + " is not a basis of indicator " + r.key + " in " + ed_.name + " (" + list + ")");
      }
    } else if (r.input == InputKind::bases) {
      basis = r.default_basis;
    }
    a.basis = basis;
    const JNode* lv = n.find("level");
    const JNode* vv = n.find("value");
    if (lv) {
      a.level = level_of(*lv, p + "/level", r);
      a.level_given = true;
    }
    if (vv) {
      int derived = level_from_value(*vv, p + "/value", r, basis, a.value_text);
      a.has_value = true;
      if (lv && derived != a.level)
        fail(p + "/level", "level " + std::to_string(a.level) + " disagrees with value " + a.value_text +
                               ", which gives level " + std::to_string(derived) + " " + context(r));
      a.level = derived;
    }
    if (auto* acc = n.find("acceptance")) {
      Decimal d = get_decimal(*acc, p + "/acceptance");
      if (d < Decimal() || d > Decimal::from_int(1)) fail(p + "/acceptance", acc->text + " is out of range 0..1");
      a.acceptance = d.to_double();
    }
    if (auto* ev = n.find("evidence")) {
      expect(*ev, JType::array, p + "/evidence");
      if (ev->items.size() > limits_.max_evidence_items)
        fail(p + "/evidence", std::to_string(ev->items.size()) + " evidence items exceed the limit of " +
                                  std::to_string(limits_.max_evidence_items));
      for (std::size_t i = 0; i < ev->items.size(); ++i)
        a.evidence.push_back(parse_item(ev->items[i], pointer_append(p + "/evidence", i), r));
    }
    return a;
  }

  void parse_answers(const JNode& n, const std::string& p, std::vector<Answer>& out, int aspect) const {
    expect(n, JType::object, p, "answers keyed by indicator");
    out.assign(ed_.rows.size(), Answer{});
    for (const auto& [k, v] : n.members) {
      if (k.rfind("x-", 0) == 0) continue;
      std::string ap = pointer_append(p, k);
      int idx = ed_.row_index(k);
      if (idx < 0) fail(ap, quoted(k) + " is not an indicator of " + ed_.name);
      const Row& r = ed_.rows[idx];
      if (r.aspect_index != aspect)
        fail(ap, "indicator " + k + " belongs to the " +
                     (r.aspect_index == 0 ? std::string("government (region) aspect: answer it under /government")
                                          : std::string("innovation aspect: answer it per innovation")) +
                     " " + context(r));
      out[idx] = parse_answer(v, ap, r);
    }
  }

  Innovation parse_innovation(const JNode& n, const std::string& p) const {
    expect(n, JType::object, p, "an innovation");
    check_keys(n, p,
               {"id", "name", "department", "stage", "status", "form", "kind", "affairs", "applied_date", "answers"});
    Innovation inv;
    const JNode& id = require(n, "id", p);
    if (id.type == JType::number) inv.id = std::to_string(get_int(id, p + "/id", 0, INT64_MAX));
    else inv.id = get_string(id, p + "/id");
    if (inv.id.empty()) fail(p + "/id", "must not be empty");
    if (auto* v = n.find("name")) inv.name = get_string(*v, p + "/name");
    if (auto* v = n.find("department")) inv.department = get_string(*v, p + "/department");
    if (auto* v = n.find("stage"))
      inv.stage = parse_enum<Stage>(*v, p + "/stage",
                                    {{"initiative", Stage::initiative}, {"trial", Stage::trial}, {"applied", Stage::applied}});
    inv.status = parse_enum<Status>(require(n, "status", p), p + "/status",
                                    {{"draft", Status::draft}, {"submitted", Status::submitted}, {"rejected", Status::rejected}});
    if (auto* v = n.find("form"))
      inv.form = parse_enum<Form>(*v, p + "/form",
                                  {{"governance", Form::governance}, {"public_service", Form::public_service}, {"other", Form::other}});
    if (auto* v = n.find("kind"))
      inv.kind = parse_enum<Kind>(*v, p + "/kind", {{"digital", Kind::digital}, {"non_digital", Kind::non_digital}});
    if (auto* v = n.find("affairs")) {
      expect(*v, JType::array, p + "/affairs");
      for (std::size_t i = 0; i < v->items.size(); ++i) {
        std::string a = normalise_affair(get_string(v->items[i], pointer_append(p + "/affairs", i)));
        if (a.empty()) fail(pointer_append(p + "/affairs", i), "an affair name must not be empty");
        if (std::find(inv.affairs.begin(), inv.affairs.end(), a) == inv.affairs.end()) inv.affairs.push_back(a);
      }
    }
    if (auto* v = n.find("applied_date")) inv.applied_date = get_date(*v, p + "/applied_date");
    if (auto* v = n.find("answers")) parse_answers(*v, p + "/answers", inv.answers, 1);
    else inv.answers.assign(ed_.rows.size(), Answer{});
    return inv;
  }

  void parse_region(const JNode& n, Region& reg) const {
    const std::string p = "/region";
    expect(n, JType::object, p);
    check_keys(n, p, {"code", "name", "type", "province", "clusters"});
    reg.code = get_string(require(n, "code", p), p + "/code");
    if (reg.code.empty()) fail(p + "/code", "must not be empty");
    if (auto* v = n.find("name")) reg.name = get_string(*v, p + "/name");
    reg.type = parse_enum<RegionType>(require(n, "type", p), p + "/type",
                                      {{"province", RegionType::province}, {"kabupaten", RegionType::kabupaten},
                                       {"kota", RegionType::kota}});
    if (auto* v = n.find("province")) reg.province = get_string(*v, p + "/province");
    else reg.province = province_of_code(reg.code);
    if (auto* v = n.find("clusters")) {
      expect(*v, JType::array, p + "/clusters");
      for (std::size_t i = 0; i < v->items.size(); ++i) {
        std::string cp = pointer_append(p + "/clusters", i);
        const auto& c = get_string(v->items[i], cp);
        if (c != "tertinggal" && c != "perbatasan" && c != "papua")
          fail(cp, quoted(c) + " is not one of: tertinggal, perbatasan, papua");
        if (std::find(reg.clusters.begin(), reg.clusters.end(), c) != reg.clusters.end())
          fail(cp, "cluster " + quoted(c) + " given twice");
        reg.clusters.push_back(c);
      }
    }
  }

  void parse_body(const JNode& root, Submission& s) const {
    if (auto* r = root.find("region")) parse_region(*r, s.region);
    else fail("/region", "missing required field \"region\" (with at least code and type)");
    if (auto* g = root.find("government")) parse_answers(*g, "/government", s.government, 0);
    else s.government.assign(ed_.rows.size(), Answer{});
    if (auto* inv = root.find("innovations")) {
      expect(*inv, JType::array, "/innovations");
      if (inv->items.size() > limits_.max_innovations)
        fail("/innovations", std::to_string(inv->items.size()) + " innovations exceed the limit of " +
                                 std::to_string(limits_.max_innovations) + " per region");
      std::map<std::string, std::size_t> ids;
      s.innovations.reserve(inv->items.size());
      for (std::size_t i = 0; i < inv->items.size(); ++i) {
        std::string ip = pointer_append("/innovations", i);
        Innovation x = parse_innovation(inv->items[i], ip);
        x.source_index = i;
        auto [it, fresh] = ids.emplace(x.id, i);
        if (!fresh)
          fail(ip + "/id", "duplicate innovation id " + quoted(x.id) + " (first at /innovations/" +
                               std::to_string(it->second) + ")");
        s.innovations.push_back(std::move(x));
      }
    }
  }

 private:
  const Edition& ed_;
  const ParseLimits& limits_;
};

Submission build(const JNode& root, const ParseOptions& opt) {
  if (root.type == JType::array)
    fail("/", "a top-level array is not a submission: give one object per region (JSON Lines: one per line)");
  expect(root, JType::object, "/", "a submission object");
  check_keys(root, "", {"edition", "region", "government", "innovations"});
  Submission s;
  const JNode* en = root.find("edition");
  if (opt.override_edition && opt.edition) {
    s.edition = opt.edition;
    if (en) get_string(*en, "/edition");
  } else if (en) {
    const auto& name = get_string(*en, "/edition");
    if (opt.edition && opt.edition->name == name) {
      s.edition = opt.edition;
    } else {
      try {
        s.edition = builtin_edition(name);
      } catch (const InputError& e) {
        fail("/edition", e.message());
      }
    }
  } else if (opt.edition) {
    s.edition = opt.edition;
  } else {
    fail("/edition", "missing required field \"edition\" (or give the edition on the command line)");
  }
  Parser(*s.edition, opt.limits).parse_body(root, s);
  return s;
}

JsonLimits json_limits(const ParseLimits& l) { return JsonLimits{l.max_depth, l.max_document_bytes}; }

}  // namespace

Submission parse_submission(const std::string& json_text, const ParseOptions& options) {
  try {
    JNode root = parse_document(json_text, json_limits(options.limits));
    return build(root, options);
  } catch (const InputError& e) {
    if (!options.source.empty()) throw e.located(options.source, e.line() ? e.line() : 1, e.line() ? e.column() : 1);
    throw;
  }
}

RecordReader::RecordReader(std::string_view text, ParseOptions options)
    : text_(text), options_(std::move(options)) {}

bool RecordReader::next(RecordResult& out) {
  out = RecordResult{};
  if (done_) return false;
  // Advance line bookkeeping to the record's first character.
  std::size_t start = skip_ws(text_, pos_);
  for (std::size_t i = pos_; i < start; ++i)
    if (text_[i] == '\n') { ++line_; line_start_ = i + 1; }
  pos_ = start;
  if (pos_ >= text_.size()) {
    done_ = true;
    return false;
  }
  out.index = index_++;
  out.line = line_;
  out.column = pos_ - line_start_ + 1;
  const std::string& src = options_.source.empty() ? std::string("<input>") : options_.source;
  std::string_view rest = text_.substr(pos_);
  std::size_t consumed = 0;
  try {
    JNode root = parse_one(rest, consumed, json_limits(options_.limits));
    std::size_t end = pos_ + consumed;
    for (std::size_t i = pos_; i < end; ++i)
      if (text_[i] == '\n') { ++line_; line_start_ = i + 1; }
    pos_ = end;
    try {
      out.submission = build(root, options_);
    } catch (const InputError& e) {
      out.error = e.located(src, out.line, out.column);
    }
  } catch (const InputError& e) {
    // Syntax error: position relative to the record start → absolute.
    std::size_t l = e.line() ? e.line() : 1, c = e.column() ? e.column() : 1;
    std::size_t abs_line = out.line + l - 1;
    std::size_t abs_col = l == 1 ? out.column + c - 1 : c;
    out.error = InputError(e.pointer(), e.message(), src, abs_line, abs_col);
    if (l > 1 && c == 1) {
      // A line of JSON Lines cut short is only noticed where the next record begins: report it
      // at the record that is incomplete, not at the good line after it.
      std::size_t off = 0;
      for (std::size_t k = 1; k < l && off != std::string_view::npos; ++k) {
        off = rest.find('\n', off);
        if (off != std::string_view::npos) ++off;
      }
      if (off != std::string_view::npos && off < rest.size() && rest[off] == '{')
        out.error = InputError("", "syntax error: the record ends early (truncated?); line " +
                                       std::to_string(abs_line) + " starts a new record",
                               src, out.line, out.column);
    }
    // Resynchronise at the next line that starts a record ('{' in column 1, as in JSON Lines);
    // a pretty-printed object has none, so its error ends the input.
    std::size_t nl = text_.find('\n', pos_);
    while (nl != std::string_view::npos && nl + 1 < text_.size() && text_[nl + 1] != '{')
      nl = text_.find('\n', nl + 1);
    if (nl == std::string_view::npos || nl + 1 >= text_.size()) {
      done_ = true;
    } else {
      for (std::size_t i = pos_; i <= nl; ++i)
        if (text_[i] == '\n') { ++line_; line_start_ = i + 1; }
      pos_ = nl + 1;
    }
  }
  return true;
}

}  // namespace inovasi
