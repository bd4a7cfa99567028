#include "inovasi/submission.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <system_error>

#include "io/jread.hpp"
#include "io/json_dom.hpp"
#include "model/relative_year.hpp"

namespace inovasi {

using namespace detail;


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
    if (!d.is_integer()) fail(ptr, excerpt(n.text) + " is not a whole level " + context(r));
    auto v = d.scaled(0);
    if (!v || *v < ed_.level_min || *v > ed_.level_max)
      fail(ptr, excerpt(n.text) + " is out of range " + std::to_string(ed_.level_min) + ".." +
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
            fail(ptr, excerpt(v.text) + " is not a count: indicator " + r.key +
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
            const auto k = detail::parse_relative_year(s);
            if (!k) fail(ip, quoted(s) + " is not a year like \"T-1\" or 2025");
            off = *k;
          } else if (y.type == JType::number) {
            int year = static_cast<int>(get_int(y, ip, 1900, 2100, "a calendar year"));
            off = ed_.t0_year() - year;
            if (off < 0) fail(ip, std::to_string(year) + " is after T-0 (" + std::to_string(ed_.t0_year()) + ") " + context(r));
          } else {
            fail(ip, std::string("expected a year (\"T-1\" or a number), found ") + type_name(y.type));
          }
          if (off >= window)
            fail(ip, detail::relative_year_text(off) + " is outside the window " +
                         detail::relative_year_text(window - 1) + "…T-0 " + context(r));
          if (!offsets.insert(off).second) fail(ip, "year " + detail::relative_year_text(off) + " given twice");
        }
        for (int o : offsets) text += (text.empty() ? "" : ",") + detail::relative_year_text(o);
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
    if (auto f = n.find("file")) {
      it.file = get_string(*f, p + "/file");
      it.file_type = file_type_of(it.file);
    }
    if (auto d = n.find("date")) it.date = get_date(*d, p + "/date");
    if (auto y = n.find("year")) it.year = static_cast<int>(get_int(*y, p + "/year", 1900, 2100, "a calendar year"));
    if (auto g = n.find("group")) {
      if (g->type == JType::number) it.group = std::to_string(get_int(*g, p + "/group", 0, INT64_MAX));
      else it.group = get_string(*g, p + "/group");
    }
    if (auto v = n.find("value")) it.value = get_decimal(*v, p + "/value");
    if (auto b = n.find("signed")) it.signed_ = get_tri(*b, p + "/signed");
    if (auto b = n.find("names_innovation")) it.names_innovation = get_tri(*b, p + "/names_innovation");
    if (auto b = n.find("highlighted")) it.highlighted = get_tri(*b, p + "/highlighted");
    if (auto b = n.find("in_force")) it.in_force = get_tri(*b, p + "/in_force");
    if (auto b = n.find("on_behalf_of_regional_head"))
      it.on_behalf_of_regional_head = get_tri(*b, p + "/on_behalf_of_regional_head");
    if (auto b = n.find("has_cover")) it.has_cover = get_tri(*b, p + "/has_cover");
    if (auto d = n.find("duration_s")) {
      it.duration_s = get_decimal(*d, p + "/duration_s");
      if (it.duration_s->negative()) fail(p + "/duration_s", "a duration cannot be negative");
    }
    if (auto v = n.find("verdict"))
      it.verdict = parse_enum<Verdict>(*v, p + "/verdict",
                                       {{"accepted", Verdict::accepted}, {"revision", Verdict::revision},
                                        {"rejected", Verdict::rejected}});
    if (auto s = n.find("supported_level")) it.supported_level = level_of(*s, p + "/supported_level", r);
    return it;
  }

  Answer parse_answer(const JNode& n, const std::string& p, const Row& r) const {
    expect(n, JType::object, p, "an answer such as {\"level\": 2}");
    check_keys(n, p, {"level", "value", "basis", "acceptance", "evidence"});
    Answer a;
    a.present = true;
    std::string basis;
    if (auto b = n.find("basis")) {
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
    auto lv = n.find("level");
    auto vv = n.find("value");
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
    if (auto acc = n.find("acceptance")) {
      Decimal d = get_decimal(*acc, p + "/acceptance");
      if (d < Decimal() || d > Decimal::from_int(1)) fail(p + "/acceptance", excerpt(acc->text) + " is out of range 0..1");
      a.acceptance = d.to_double();
    }
    if (auto ev = n.find("evidence")) {
      expect(*ev, JType::array, p + "/evidence");
      if (ev->items.size() > limits_.max_evidence_items)
        fail(p + "/evidence", std::to_string(ev->items.size()) + " evidence items exceed the limit of " +
                                  std::to_string(limits_.max_evidence_items));
      if (ev->items.size() > limits_.max_region_evidence_items - evidence_seen_)
        fail(pointer_append(p + "/evidence", limits_.max_region_evidence_items - evidence_seen_),
             "the region's evidence items exceed the limit of " +
                 std::to_string(limits_.max_region_evidence_items) + " per region (all answers together)");
      evidence_seen_ += ev->items.size();
      a.evidence.reserve(ev->items.size());  // exactly: no doubling slack on 200 items
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
      int idx = ed_.row_index(std::string(k));
      if (idx < 0) fail(ap, quoted(k) + " is not an indicator of " + ed_.name);
      const Row& r = ed_.rows[idx];
      if (r.aspect_index != aspect)
        fail(ap, "indicator " + std::string(k) + " belongs to the " +
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
    if (auto v = n.find("name")) inv.name = get_string(*v, p + "/name");
    if (auto v = n.find("department")) inv.department = get_string(*v, p + "/department");
    if (auto v = n.find("stage"))
      inv.stage = parse_enum<Stage>(*v, p + "/stage",
                                    {{"initiative", Stage::initiative}, {"trial", Stage::trial}, {"applied", Stage::applied}});
    inv.status = parse_enum<Status>(require(n, "status", p), p + "/status",
                                    {{"draft", Status::draft}, {"submitted", Status::submitted}, {"rejected", Status::rejected}});
    if (auto v = n.find("form"))
      inv.form = parse_enum<Form>(*v, p + "/form",
                                  {{"governance", Form::governance}, {"public_service", Form::public_service}, {"other", Form::other}});
    if (auto v = n.find("kind"))
      inv.kind = parse_enum<Kind>(*v, p + "/kind", {{"digital", Kind::digital}, {"non_digital", Kind::non_digital}});
    if (auto v = n.find("affairs")) {
      expect(*v, JType::array, p + "/affairs");
      for (std::size_t i = 0; i < v->items.size(); ++i) {
        std::string a = normalise_affair(get_string(v->items[i], pointer_append(p + "/affairs", i)));
        if (a.empty()) fail(pointer_append(p + "/affairs", i), "an affair name must not be empty");
        if (std::find(inv.affairs.begin(), inv.affairs.end(), a) == inv.affairs.end()) inv.affairs.push_back(a);
      }
    }
    if (auto v = n.find("applied_date")) inv.applied_date = get_date(*v, p + "/applied_date");
    if (auto v = n.find("answers")) parse_answers(*v, p + "/answers", inv.answers, 1);
    else inv.answers.assign(ed_.rows.size(), Answer{});
    return inv;
  }

  void parse_region(const JNode& n, Region& reg) const {
    const std::string p = "/region";
    expect(n, JType::object, p);
    check_keys(n, p, {"code", "name", "type", "province", "clusters"});
    reg.code = get_string(require(n, "code", p), p + "/code");
    if (reg.code.empty()) fail(p + "/code", "must not be empty");
    if (auto v = n.find("name")) reg.name = get_string(*v, p + "/name");
    reg.type = parse_enum<RegionType>(require(n, "type", p), p + "/type",
                                      {{"province", RegionType::province}, {"kabupaten", RegionType::kabupaten},
                                       {"kota", RegionType::kota}});
    if (auto v = n.find("province")) reg.province = get_string(*v, p + "/province");
    else reg.province = province_of_code(reg.code);
    if (auto v = n.find("clusters")) {
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
    if (auto r = root.find("region")) parse_region(*r, s.region);
    else fail("/region", "missing required field \"region\" (with at least code and type)");
    if (auto g = root.find("government")) parse_answers(*g, "/government", s.government, 0);
    else s.government.assign(ed_.rows.size(), Answer{});
    if (auto inv = root.find("innovations")) {
      expect(*inv, JType::array, "/innovations");
      const std::size_t max = std::min(limits_.max_innovations, ParseLimits::kMaxInnovationsCeiling);
      if (inv->items.size() > max)
        fail("/innovations", std::to_string(inv->items.size()) + " innovations exceed the limit of " +
                                 std::to_string(max) + " per region");
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
  mutable std::size_t evidence_seen_ = 0;  // evidence items of the region so far
};

Submission build(const JNode& root, const ParseOptions& opt) {
  if (root.type == JType::array)
    fail("/", "a top-level array is not a submission: give one object per region (JSON Lines: one per line)");
  expect(root, JType::object, "/", "a submission object");
  check_keys(root, "", {"edition", "region", "government", "innovations"});
  Submission s;
  auto en = root.find("edition");
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
    const JDoc doc = parse_document(json_text, json_limits(options.limits));
    return build(doc.root(), options);
  } catch (const InputError& e) {
    if (!options.source.empty()) throw e.located(options.source, e.line() ? e.line() : 1, e.line() ? e.column() : 1);
    throw;
  }
}

namespace {

// The record that starts at rest[0] (not whitespace), parsed into a tree, or its syntax error
// placed in the input (`line`, `column`: where the record starts). `reach` is how many bytes of
// `rest` the outcome depends on, so a stream that holds only a prefix of the input knows when
// the outcome is the one the whole input gives.
struct Attempt {
  std::optional<JDoc> root;
  std::size_t consumed = 0;
  std::optional<InputError> error;
  std::size_t reach = 0;
};

// An error found on a prefix is the whole input's error only this far before the prefix ends:
// Boost.JSON may report an incomplete UTF-8 sequence or \u escape pair (up to 12 bytes) at its
// start, and the message looks one byte past the error.
constexpr std::size_t kErrorMargin = 16;

Attempt attempt_record(std::string_view rest, const ParseOptions& options, std::size_t line, std::size_t column,
                       const std::string& src) {
  Attempt a;
  try {
    std::size_t consumed = 0;
    a.root = parse_one(rest, consumed, json_limits(options.limits));
    a.consumed = consumed;
    // A number ends only at the byte after it; other values end at their last byte.
    a.reach = consumed + (a.root->root().type == JType::number ? 1 : 0);
  } catch (const InputError& e) {
    // Syntax error: position relative to the record start → absolute.
    std::size_t l = e.line() ? e.line() : 1, c = e.column() ? e.column() : 1;
    std::size_t abs_line = line + l - 1;
    std::size_t abs_col = l == 1 ? column + c - 1 : c;
    a.error = InputError(e.pointer(), e.message(), src, abs_line, abs_col);
    std::size_t off = 0;  // where line l starts in `rest`
    for (std::size_t k = 1; k < l && off != std::string_view::npos; ++k) {
      off = rest.find('\n', off);
      if (off != std::string_view::npos) ++off;
    }
    a.reach = (off == std::string_view::npos ? rest.size() : off + c - 1) + kErrorMargin;
    if (l > 1 && off != std::string_view::npos && off < rest.size()) {
      // A line of JSON Lines cut short is only noticed where a later record begins (first
      // non-blank byte of its line): report it at the record that is incomplete; reading
      // resumes at the line after its start, so the good lines after it are read.
      std::size_t first = off;
      while (first < rest.size() && (rest[first] == ' ' || rest[first] == '\t' || rest[first] == '\r')) ++first;
      if (first == off + c - 1 && first < rest.size() && rest[first] == '{')
        a.error = InputError("", "syntax error: the record ends early (truncated?); line " +
                                     std::to_string(abs_line) + " starts a new record",
                             src, line, column);
    }
  }
  return a;
}

void build_record(const JDoc& doc, const ParseOptions& options, const std::string& src, RecordResult& out) {
  try {
    out.submission = build(doc.root(), options);
  } catch (const InputError& e) {
    out.error = e.located(src, out.line, out.column);
  }
}

std::string source_name(const ParseOptions& o) { return o.source.empty() ? std::string("<input>") : o.source; }

// With this many bytes after a record's start, parse_one sees what it sees in the whole input.
std::size_t window_limit(const ParseLimits& l) {
  return l.max_document_bytes > SIZE_MAX - 2 ? SIZE_MAX : l.max_document_bytes + 2;
}

}  // namespace

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
  const std::string src = source_name(options_);
  Attempt a = attempt_record(text_.substr(pos_), options_, out.line, out.column, src);
  if (a.root) {
    std::size_t end = pos_ + a.consumed;
    for (std::size_t i = pos_; i < end; ++i)
      if (text_[i] == '\n') { ++line_; line_start_ = i + 1; }
    pos_ = end;
    build_record(*a.root, options_, src, out);
  } else {
    out.error = std::move(a.error);
    // Resynchronise at the next line: every line after the bad record's first line is read
    // again (JSON Lines: a bad line costs only itself), so no line is skipped unreported.
    std::size_t nl = text_.find('\n', pos_);
    if (nl == std::string_view::npos) {
      done_ = true;
    } else {
      ++line_;
      line_start_ = nl + 1;
      pos_ = nl + 1;
    }
  }
  return true;
}

// --- RecordStream ---------------------------------------------------------------------------
// RecordReader's rules over a window of the input: a record is parsed from the bytes at hand
// and the outcome kept only when it cannot depend on bytes not read yet (Attempt::reach), or
// when the window holds the rest of the input or more than the record size limit (then
// parse_one sees exactly what it sees in the whole text). Otherwise the stream reads more and
// tries again once the window has doubled, so a large record is parsed O(1) times on average.

ChunkSource fd_source(int fd) {
  return [fd](char* buffer, std::size_t capacity) -> std::size_t {
    ssize_t n = ::read(fd, buffer, capacity);
    if (n < 0) throw std::system_error(errno, std::generic_category(), "read");
    return static_cast<std::size_t>(n);
  };
}

RecordStream::RecordStream(ChunkSource source, ParseOptions options, std::size_t chunk_bytes)
    : source_(std::move(source)),
      options_(std::move(options)),
      src_(source_name(options_)),
      chunk_(std::max<std::size_t>(chunk_bytes, 1)) {}

void RecordStream::fill() {
  need_input_ = false;
  if (eof_) return;
  std::size_t have = end_ - head_;
  // Keep the unconsumed bytes (the start of a record, at most) at the front.
  if (head_ > 0) {
    if (have) std::memmove(buf_.data(), buf_.data() + head_, have);
    base_ += head_;
    head_ = 0;
    end_ = have;
  }
  // Read at least a chunk, and as much as is held while a record outgrows the window (doubling),
  // but no more than the record size limit needs.
  const std::size_t limit = window_limit(options_.limits);
  std::size_t want = std::max(chunk_, have);
  if (have < limit) want = std::min(want, std::max(chunk_, limit - have));
  if (buf_.size() < have + want) {
    buf_.resize(have + want);
  } else if (buf_.size() > 4 * chunk_ && have + want <= 2 * chunk_) {
    // Give back the memory of a large record once it is behind us.
    std::string smaller(2 * chunk_, '\0');
    std::memcpy(smaller.data(), buf_.data(), have);
    buf_.swap(smaller);
  }
  std::size_t n = source_(buf_.data() + end_, want);
  if (n == 0) eof_ = true;
  end_ += std::min(n, want);
}

bool RecordStream::skip_whitespace() {
  for (; head_ < end_; ++head_) {
    char c = buf_[head_];
    if (c == '\n') {
      ++line_;
      line_start_ = base_ + head_ + 1;
    } else if (c != ' ' && c != '\t' && c != '\r') {
      return true;
    }
  }
  if (eof_) done_ = true;
  else need_input_ = true;
  return false;
}

bool RecordStream::resync() {
  // As RecordReader: from the bad record's start to just past the end of its first line.
  const void* p = std::memchr(buf_.data() + head_, '\n', end_ - head_);
  if (p) {
    head_ = static_cast<std::size_t>(static_cast<const char*>(p) - buf_.data()) + 1;
    ++line_;
    line_start_ = base_ + head_;
    resyncing_ = false;
    return true;
  }
  head_ = end_;  // the line goes on past the window
  if (eof_) done_ = true;
  else need_input_ = true;
  return false;
}

bool RecordStream::try_next(RecordResult& out) {
  out = RecordResult{};
  need_input_ = false;
  if (done_) return false;
  if (resyncing_ && !resync()) return false;
  if (!skip_whitespace()) return false;
  const std::size_t avail = end_ - head_;
  const bool whole = eof_ || avail >= window_limit(options_.limits);
  if (!whole && tried_ && avail < 2 * tried_) {
    need_input_ = true;
    return false;
  }
  const std::size_t line = line_, column = static_cast<std::size_t>(base_ + head_ - line_start_) + 1;
  Attempt a = attempt_record(std::string_view(buf_).substr(head_, avail), options_, line, column, src_);
  if (!whole && a.reach > avail) {
    tried_ = avail;
    need_input_ = true;
    return false;
  }
  tried_ = 0;
  out.index = index_++;
  out.line = line;
  out.column = column;
  if (a.root) {
    const std::size_t end = head_ + a.consumed;
    for (const char* p = buf_.data() + head_;
         (p = static_cast<const char*>(std::memchr(p, '\n', buf_.data() + end - p))) != nullptr;) {
      ++p;
      ++line_;
      line_start_ = base_ + (p - buf_.data());
    }
    head_ = end;
    build_record(*a.root, options_, src_, out);
  } else {
    out.error = std::move(a.error);
    resyncing_ = true;  // from the record's start, as RecordReader
  }
  return true;
}

bool RecordStream::next(RecordResult& out) {
  for (;;) {
    if (try_next(out)) return true;
    if (done_) return false;
    fill();
  }
}

}  // namespace inovasi
