#pragma once
// Internal: the one set of rules that turns a parsed JSON record into a Submission (docs/schemas/submission.schema.json).
// A template over the tree it reads (JNode for parse_submission and the record readers, FNode
// for the columns reader), so the fast columns path validates with exactly these rules. In
// lean mode (the columns reader) the rules are the same, but only what columns hold is kept:
// every answer's level, raw value and acceptance, the innovation's id, department, status, date
// and affairs, the region; evidence items
// are checked and dropped, and the Submission's storage is reused from record to record.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "inovasi/submission.hpp"
#include "inovasi/validate.hpp"
#include "io/jread.hpp"
#include "io/json_dom.hpp"
#include "model/relative_year.hpp"

namespace inovasi::detail {

inline Tri tri_of(bool b) { return b ? Tri::yes : Tri::no; }

// Default values, keeping the storage of strings and vectors (lean mode reuses them).
inline void reset(EvidenceItem& it) {
  it.kind.clear();
  it.file.clear();
  it.file_type.clear();
  it.date.clear();
  it.year.reset();
  it.group.clear();
  it.value.reset();
  it.signed_ = it.names_innovation = it.highlighted = it.in_force = it.on_behalf_of_regional_head =
      it.has_cover = Tri::unknown;
  it.duration_s.reset();
  it.verdict = Verdict::none;
  it.supported_level.reset();
}

inline void reset(Answer& a) { clear(a); }

inline void reset(Innovation& inv) {
  inv.id.clear();
  inv.name.clear();
  inv.department.clear();
  inv.stage = Stage::unknown;
  inv.status = Status::submitted;
  inv.form = Form::unknown;
  inv.kind = Kind::unknown;
  inv.affairs.clear();
  inv.applied_date.clear();
  inv.source_index = 0;
}

inline void reset_answers(std::vector<Answer>& v, std::size_t rows) {
  if (v.size() != rows) v.assign(rows, Answer{});
  else
    for (auto& a : v) reset(a);
}
inline void reset_answers(Answers& v, std::size_t rows) { v.reset(rows); }

// The answer at `row` for writing (an innovation's sparse answers store it on first write).
inline Answer& answer_at(std::vector<Answer>& v, std::size_t row) { return v[row]; }
inline Answer& answer_at(Answers& v, std::size_t row) { return v.edit(row); }

template <class N>
class Parser {
 public:
  Parser(const Edition& ed, const ParseLimits& limits, bool lean = false) : ed_(ed), limits_(limits), lean_(lean) {}

  std::string context(const Row& r) const { return rules::row_context(ed_, r); }

  int level_of(const N& n, const Ptr& ptr, const Row& r) const {
    Decimal d = get_decimal(n, ptr);
    if (!d.is_integer()) fail(ptr, excerpt(n.text) + " is not a whole level " + context(r));
    auto v = d.scaled(0);
    if (auto e = rules::level(ed_, r, v, n.text); !e.empty()) fail(ptr, e);
    return static_cast<int>(*v);
  }

  // The JSON forms of a value (a number, a code, years as "T-k" or calendar years) read into
  // the model's derivation (inovasi::level_of_number, ...), which holds the rules.
  int level_from_value(const N& v, const Ptr& ptr, const Row& r, const std::string& basis,
                       std::string& text) const {
    ValueLevel out;
    switch (r.input) {
      case InputKind::level:
        fail(ptr, level_only(ed_, r));
      case InputKind::count:
      case InputKind::decimal:
      case InputKind::bases:
        out = level_of_number(ed_, r, basis, get_decimal(v, ptr), v.text);
        break;
      case InputKind::code:
        out = level_of_code(ed_, r, get_view(v, ptr));
        break;
      case InputKind::years: {
        expect(v, JType::array, ptr, "years such as [\"T-0\", \"T-1\"]");
        std::vector<int>& offsets = scratch_years_;
        offsets.clear();
        for (std::size_t i = 0; i < v.items.size(); ++i) {
          const Ptr ip = ptr / i;
          const auto& y = v.items[i];
          int off;
          if (y.type == JType::string) {
            const std::string_view s = y.text;
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
          if (auto e = year_offset(ed_, r, off, offsets); !e.empty()) fail(ip, e);
          offsets.push_back(off);
        }
        out = level_of_years(ed_, r, offsets);
        break;
      }
    }
    if (!out.error.empty()) fail(out.item ? ptr / *out.item : ptr, out.error);
    text = std::move(out.text);
    return out.level;
  }

  void parse_item(const N& n, const Ptr& p, const Row& r, EvidenceItem& it) const {
    expect(n, JType::object, p, "an evidence item");
    check_keys(n, p,
               {"kind", "file", "date", "year", "group", "value", "signed", "names_innovation", "highlighted",
                "in_force", "on_behalf_of_regional_head", "has_cover", "duration_s", "verdict",
                "supported_level"});
    reset(it);
    const std::string_view kind = get_view(require(n, "kind", p), p / "kind");
    if (auto e = rules::evidence_kind(ed_, kind); !e.empty()) fail(p / "kind", e);
    it.kind = kind;
    if (auto f = n.find("file")) {
      it.file = get_view(*f, p / "file");
      it.file_type = file_type_of(it.file);
    }
    if (auto d = n.find("date")) it.date = get_date(*d, p / "date");
    if (auto y = n.find("year")) it.year = static_cast<int>(get_int(*y, p / "year", 1900, 2100, "a calendar year"));
    if (auto g = n.find("group")) {
      if (g->type == JType::number) it.group = std::to_string(get_int(*g, p / "group", 0, INT64_MAX));
      else it.group = get_view(*g, p / "group");
    }
    if (auto v = n.find("value")) it.value = get_decimal(*v, p / "value");
    if (auto b = n.find("signed")) it.signed_ = tri_of(get_bool(*b, p / "signed"));
    if (auto b = n.find("names_innovation")) it.names_innovation = tri_of(get_bool(*b, p / "names_innovation"));
    if (auto b = n.find("highlighted")) it.highlighted = tri_of(get_bool(*b, p / "highlighted"));
    if (auto b = n.find("in_force")) it.in_force = tri_of(get_bool(*b, p / "in_force"));
    if (auto b = n.find("on_behalf_of_regional_head"))
      it.on_behalf_of_regional_head = tri_of(get_bool(*b, p / "on_behalf_of_regional_head"));
    if (auto b = n.find("has_cover")) it.has_cover = tri_of(get_bool(*b, p / "has_cover"));
    if (auto d = n.find("duration_s")) {
      it.duration_s = get_decimal(*d, p / "duration_s");
      if (it.duration_s->negative()) fail(p / "duration_s", "a duration cannot be negative");
    }
    if (auto v = n.find("verdict"))
      it.verdict = parse_enum<Verdict>(*v, p / "verdict",
                                       {{"accepted", Verdict::accepted}, {"revision", Verdict::revision},
                                        {"rejected", Verdict::rejected}});
    if (auto s = n.find("supported_level")) it.supported_level = level_of(*s, p / "supported_level", r);
  }

  void parse_answer(const N& n, const Ptr& p, const Row& r, Answer& a) const {
    expect(n, JType::object, p, "an answer such as {\"level\": 2}");
    check_keys(n, p, {"level", "value", "basis", "acceptance", "evidence"});
    reset(a);
    a.present = true;
    std::string& basis = a.basis;
    if (auto b = n.find("basis")) {
      basis = get_view(*b, p / "basis");
      if (auto e = rules::basis(ed_, r, basis); !e.empty()) fail(p / "basis", e);
    } else if (r.input == InputKind::bases) {
      basis = r.default_basis;
    }
    const auto lv = n.find("level");
    const auto vv = n.find("value");
    if (lv) {
      a.level = level_of(*lv, p / "level", r);
      a.level_given = true;
    }
    if (vv) {
      int derived = level_from_value(*vv, p / "value", r, basis, a.value_text);
      a.has_value = true;
      if (lv && derived != a.level)
        fail(p / "level", rules::level_disagrees(ed_, r, a.level, a.value_text, derived));
      a.level = derived;
    }
    if (auto acc = n.find("acceptance")) {
      Decimal d = get_decimal(*acc, p / "acceptance");
      if (d < Decimal() || d > Decimal::from_int(1))
        fail(p / "acceptance", rules::acceptance_out_of_range(acc->text));
      a.acceptance = d.to_double();
    }
    if (auto ev = n.find("evidence")) {
      const Ptr ep = p / "evidence";
      expect(*ev, JType::array, ep);
      if (auto e = rules::too_many_evidence_items(ev->items.size(), limits_); !e.empty()) fail(ep, e);
      if (ev->items.size() > limits_.max_region_evidence_items - evidence_seen_)
        fail(ep / (limits_.max_region_evidence_items - evidence_seen_), rules::region_evidence_limit(limits_));
      evidence_seen_ += ev->items.size();
      if (!lean_) a.evidence.reserve(ev->items.size());  // exactly: no doubling slack on 200 items
      for (std::size_t i = 0; i < ev->items.size(); ++i) {
        if (lean_) {
          parse_item(ev->items[i], ep / i, r, scratch_item_);
        } else {
          a.evidence.emplace_back();
          parse_item(ev->items[i], ep / i, r, a.evidence.back());
        }
      }
    }
  }

  template <class Out>
  void parse_answers(const N& n, const Ptr& p, Out& out, int aspect) const {
    expect(n, JType::object, p, "answers keyed by indicator");
    reset_answers(out, ed_.rows.size());
    for (const auto& [k, v] : n.members) {
      if (std::string_view(k).rfind("x-", 0) == 0) continue;
      const Ptr ap = p / k;
      int idx = ed_.row_index(std::string(k));
      if (idx < 0) fail(ap, quoted(k) + " is not an indicator of " + ed_.name);
      const Row& r = ed_.rows[idx];
      if (r.aspect_index != aspect)
        fail(ap, "indicator " + std::string(k) + " belongs to the " +
                     (r.aspect_index == 0 ? std::string("government (region) aspect: answer it under /government")
                                          : std::string("innovation aspect: answer it per innovation")) +
                     " " + context(r));
      if (lean_) {
        // Columns keep the claimed level; the rest of the answer is checked, then dropped.
        parse_answer(v, ap, r, scratch_answer_);
        Answer& a = answer_at(out, static_cast<std::size_t>(idx));
        a.present = true;
        a.level = scratch_answer_.level;
        a.has_value = scratch_answer_.has_value;
        if (a.has_value) {
          a.value_text = scratch_answer_.value_text;
          a.basis = scratch_answer_.basis;
        }
        a.acceptance = scratch_answer_.acceptance;
      } else {
        parse_answer(v, ap, r, answer_at(out, static_cast<std::size_t>(idx)));
      }
    }
  }

  void parse_innovation(const N& n, const Ptr& p, Innovation& inv) const {
    expect(n, JType::object, p, "an innovation");
    check_keys(n, p,
               {"id", "name", "department", "stage", "status", "form", "kind", "affairs", "applied_date", "answers"});
    reset(inv);
    const auto& id = require(n, "id", p);
    if (id.type == JType::number) inv.id = std::to_string(get_int(id, p / "id", 0, INT64_MAX));
    else inv.id = get_view(id, p / "id");
    if (inv.id.empty()) fail(p / "id", "must not be empty");
    if (auto v = n.find("name")) inv.name = get_view(*v, p / "name");
    if (auto v = n.find("department")) inv.department = get_view(*v, p / "department");
    if (auto v = n.find("stage"))
      inv.stage = parse_enum<Stage>(*v, p / "stage",
                                    {{"initiative", Stage::initiative}, {"trial", Stage::trial}, {"applied", Stage::applied}});
    inv.status = parse_enum<Status>(require(n, "status", p), p / "status",
                                    {{"draft", Status::draft}, {"submitted", Status::submitted}, {"rejected", Status::rejected}});
    if (auto v = n.find("form"))
      inv.form = parse_enum<Form>(*v, p / "form",
                                  {{"governance", Form::governance}, {"public_service", Form::public_service}, {"other", Form::other}});
    if (auto v = n.find("kind"))
      inv.kind = parse_enum<Kind>(*v, p / "kind", {{"digital", Kind::digital}, {"non_digital", Kind::non_digital}});
    if (auto v = n.find("affairs")) {
      const Ptr ap = p / "affairs";
      expect(*v, JType::array, ap);
      for (std::size_t i = 0; i < v->items.size(); ++i) {
        std::string a = normalise_affair(std::string(get_view(v->items[i], ap / i)));
        if (a.empty()) fail(ap / i, "an affair name must not be empty");
        if (std::find(inv.affairs.begin(), inv.affairs.end(), a) == inv.affairs.end()) inv.affairs.push_back(a);
      }
    }
    if (auto v = n.find("applied_date")) inv.applied_date = get_date(*v, p / "applied_date");
    if (auto v = n.find("answers")) parse_answers(*v, p / "answers", inv.answers, 1);
    else reset_answers(inv.answers, ed_.rows.size());
  }

  void parse_region(const N& n, Region& reg) const {
    const Ptr p("/region");
    expect(n, JType::object, p);
    check_keys(n, p, {"code", "name", "type", "province", "clusters"});
    reg.name.clear();
    reg.clusters.clear();
    reg.code = get_view(require(n, "code", p), p / "code");
    if (reg.code.empty()) fail(p / "code", "must not be empty");
    if (auto v = n.find("name")) reg.name = get_view(*v, p / "name");
    reg.type = parse_enum<RegionType>(require(n, "type", p), p / "type",
                                      {{"province", RegionType::province}, {"kabupaten", RegionType::kabupaten},
                                       {"kota", RegionType::kota}});
    if (auto v = n.find("province")) reg.province = get_view(*v, p / "province");
    else reg.province = province_of_code(reg.code);
    if (auto v = n.find("clusters")) {
      const Ptr clp = p / "clusters";
      expect(*v, JType::array, clp);
      for (std::size_t i = 0; i < v->items.size(); ++i) {
        const Ptr cp = clp / i;
        const std::string_view c = get_view(v->items[i], cp);
        if (auto e = rules::cluster(reg.clusters, c); !e.empty()) fail(cp, e);
        reg.clusters.emplace_back(c);
      }
    }
  }

  void parse_body(const N& root, Submission& s) const {
    if (auto r = root.find("region")) parse_region(*r, s.region);
    else fail("/region", "missing required field \"region\" (with at least code and type)");
    if (auto g = root.find("government")) parse_answers(*g, Ptr("/government"), s.government, 0);
    else reset_answers(s.government, ed_.rows.size());
    std::size_t count = 0;
    if (auto inv = root.find("innovations")) {
      const Ptr ip0("/innovations");
      expect(*inv, JType::array, ip0);
      if (auto e = rules::too_many_innovations(inv->items.size(), limits_); !e.empty()) fail(ip0, e);
      std::map<std::string, std::size_t> ids;
      count = inv->items.size();
      if (s.innovations.size() < count) s.innovations.resize(count);
      for (std::size_t i = 0; i < count; ++i) {
        const Ptr ip = ip0 / i;
        Innovation& x = s.innovations[i];
        parse_innovation(inv->items[i], ip, x);
        x.source_index = i;
        auto [it, fresh] = ids.emplace(x.id, i);
        if (!fresh) fail(ip / "id", rules::duplicate_id(x.id, it->second));
      }
    }
    // Lean mode keeps the innovations of earlier records for their storage; they are not this one's.
    s.innovations.resize(count);
  }

 private:
  const Edition& ed_;
  const ParseLimits& limits_;
  bool lean_;
  mutable Answer scratch_answer_;
  mutable EvidenceItem scratch_item_;
  mutable std::vector<int> scratch_years_;
  mutable std::size_t evidence_seen_ = 0;  // evidence items of the region so far
};

// The submission of one parsed record (its edition chosen by the options), into `s`.
template <class N>
void build_submission(const N& root, const ParseOptions& opt, Submission& s, bool lean = false) {
  if (root.type == JType::array)
    fail("/", "a top-level array is not a submission: give one object per region (JSON Lines: one per line)");
  expect(root, JType::object, "/", "a submission object");
  check_keys(root, "", {"edition", "region", "government", "innovations"});
  const auto en = root.find("edition");
  if (opt.override_edition && opt.edition) {
    s.edition = opt.edition;
    if (en) get_view(*en, "/edition");
  } else if (en) {
    const std::string_view name = get_view(*en, "/edition");
    if (opt.edition && opt.edition->name == name) {
      s.edition = opt.edition;
    } else if (!(lean && s.edition && s.edition->name == name)) {
      try {
        s.edition = builtin_edition(std::string(name));
      } catch (const InputError& e) {
        fail("/edition", e.message());
      }
    }
  } else if (opt.edition) {
    s.edition = opt.edition;
  } else {
    fail("/edition", "missing required field \"edition\" (or give the edition on the command line)");
  }
  Parser<N>(*s.edition, opt.limits, lean).parse_body(root, s);
}

}  // namespace inovasi::detail
