// The rules layer (src/scoring/rules.hpp) is the one place of a region's arithmetic: score() and
// the batch kernel (to_columns + score_batch) must agree on random user-made, hostile editions —
// built as edition JSON text from the shipped ones with random changes (levels up to the format's
// limit and past the batch's, 1–64 gate affairs, count rates and caps near the integer limits,
// zero and odd weights, odd bands, every rounding and category reading, the zero_innovation rule,
// eligibility windows, rows without evidence rules) — and random regions, under every policy.
// An edition the batch cannot represent must be refused at load, with its pointer.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <charconv>
#include <cstdint>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "inovasi/batch.hpp"
#include "inovasi/error.hpp"
#include "test_util.hpp"

using namespace inovasi;
namespace bj = boost::json;

namespace {

constexpr Policy kPolicies[] = {Policy::self_assessed, Policy::supported, Policy::strict, Policy::assessor};

// Decimals are written as exact text: a placeholder string, replaced after serialisation (the
// edition format reads decimals from their JSON text; a double would not round-trip 0.01s).
std::string dec(std::int64_t hundredths) {
  const bool neg = hundredths < 0;
  const std::uint64_t v = neg ? 0 - static_cast<std::uint64_t>(hundredths) : static_cast<std::uint64_t>(hundredths);
  std::string frac = std::to_string(v % 100);
  if (frac.size() < 2) frac = "0" + frac;
  return std::string("@@") + (neg ? "-" : "") + std::to_string(v / 100) + "." + frac + "@@";
}
std::string unplace(std::string s) {
  for (std::size_t p; (p = s.find("\"@@")) != std::string::npos;) {
    const std::size_t e = s.find("@@\"", p + 3);
    s = s.substr(0, p) + s.substr(p + 3, e - p - 3) + s.substr(e + 3);
  }
  return s;
}

// Every double of a parsed edition back as its shortest exact decimal text (Boost.JSON would
// write 0.75 as 7.5E-1).
void place_doubles(bj::value& v) {
  if (v.is_double()) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v.as_double(), std::chars_format::fixed);
    v = "@@" + std::string(buf, r.ptr) + "@@";
  } else if (v.is_array()) {
    for (auto& x : v.as_array()) place_doubles(x);
  } else if (v.is_object()) {
    for (auto& kv : v.as_object()) place_doubles(kv.value());
  }
}

struct Gen {
  std::mt19937_64 rng;
  explicit Gen(std::uint64_t seed) : rng(seed) {}
  std::int64_t in(std::int64_t lo, std::int64_t hi) {  // inclusive
    return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool chance(int percent) { return in(0, 99) < percent; }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[static_cast<std::size_t>(in(0, static_cast<std::int64_t>(v.size()) - 1))]; }
};

// Every label array of a row (its levels, its bases' and variants') resized to `count` labels.
void resize_labels(bj::object& row, std::size_t count) {
  auto fix = [&](bj::object& o) {
    if (auto* l = o.if_contains("levels"); l && l->is_array()) {
      bj::array& a = l->as_array();
      while (a.size() < count) a.emplace_back("level " + std::to_string(a.size()));
      while (a.size() > count) a.pop_back();
    }
  };
  fix(row);
  for (const char* k : {"bases", "variants"})
    if (auto* m = row.if_contains(k); m && m->is_object())
      for (auto& kv : m->as_object())
        if (kv.value().is_object()) fix(kv.value().as_object());
}

struct Made {
  std::string text;
  int level_max = 3;
  std::size_t gate_affairs = 0;  // 0: no gate
  std::vector<std::string> affairs;
  __int128 max_total_h = 0;      // weights × level_max + rate × cap, as written
};

// The largest maximum total an edition may have to be scored exactly (the loader's bound,
// docs/editions.md): 2^40 hundredths.
constexpr __int128 kExactTotalH = static_cast<__int128>(1) << 40;

// One random edition from a shipped one. `hostile`: sometimes past the batch's limits (levels
// above 20 or 255, a gate of 65 affairs), which the loader must refuse.
Made random_edition(Gen& g, const bj::value& base, int index) {
  bj::object ed = base.as_object();
  Made m;
  ed["name"] = "user-" + std::to_string(index);

  // Levels: mostly the shipped 3 or more, up to the format's limit; now and then past it.
  m.level_max = g.chance(40) ? 3 : static_cast<int>(g.in(3, 20));
  if (g.chance(4)) m.level_max = g.chance(50) ? 255 : 256;
  ed["levels"].as_object()["value"].as_object()["max"] = m.level_max;

  // Weights: multiples of 0.25, zeros, now and then large (the SIMD kernel then cannot hold them).
  const bool big_weights = g.chance(15);
  std::int64_t weights_h = 0;
  for (auto& rv : ed["rows"].as_array()) {
    bj::object& row = rv.as_object();
    resize_labels(row, static_cast<std::size_t>(m.level_max + 1));
    if (g.chance(70)) {
      const std::int64_t q = g.chance(15) ? 0 : big_weights ? g.in(0, 4000) : g.in(1, 16);
      row["weight"] = dec(25 * q);
    }
    if (g.chance(20)) row["mandatory"] = !row["mandatory"].as_bool();
    if (g.chance(25)) row.erase("evidence");  // an unchecked row: its claim counts as supported
  }
  // Σ weight × level_max (hundredths), recomputed from the rows as written.
  for (const auto& rv : ed["rows"].as_array()) {
    const bj::value& w = rv.as_object().at("weight");
    std::int64_t wh;
    if (w.is_string()) {
      std::string t(w.as_string().c_str());
      t = t.substr(2, t.size() - 4);
      const auto dot = t.find('.');
      std::string frac = dot == std::string::npos ? "00" : (t.substr(dot + 1) + "00").substr(0, 2);
      wh = std::stoll(t.substr(0, dot)) * 100 + std::stoll(frac);
    } else if (w.is_int64()) {
      wh = w.as_int64() * 100;
    } else {
      wh = static_cast<std::int64_t>(w.as_double() * 100 + 0.5);
    }
    weights_h += wh * m.level_max;
  }

  // Count points: rates and caps from nothing to near what an int64 of hundredths holds.
  bj::object& cp = ed["count_points"].as_object()["value"].as_object();
  const std::int64_t rate_h = g.pick(std::vector<std::int64_t>{0, 1, 38, g.in(0, 1000), g.in(0, 100'000'000)});
  std::int64_t cap = g.pick(std::vector<std::int64_t>{0, 1, 200, g.in(0, 300), 100'000'000});
  // Near the exact range's edge (2^40 hundredths of total), and now and then past it (refused).
  const std::int64_t room = static_cast<std::int64_t>(kExactTotalH) - weights_h;
  if (rate_h > 0 && cap > room / rate_h && !g.chance(10)) cap = std::max<std::int64_t>(0, room / rate_h);
  if (rate_h > 0 && cap > 10'000'000'000'000'000 / rate_h) cap = 10'000'000'000'000'000 / rate_h;
  m.max_total_h = static_cast<__int128>(weights_h) + static_cast<__int128>(rate_h) * cap;
  cp["rate"] = dec(rate_h);
  cp["cap"] = cap;
  // The count gate: none, or 1–64 affairs (65 now and then: refused), any min_covered.
  if (g.chance(30)) {
    cp["gate"] = nullptr;
  } else {
    std::size_t k = static_cast<std::size_t>(g.chance(20) ? 64 : g.in(1, 64));
    if (g.chance(3)) k = 65;
    bj::array aff;
    for (std::size_t i = 0; i < k; ++i) {
      m.affairs.push_back("urusan " + std::to_string(i));
      aff.emplace_back(m.affairs.back());
    }
    m.gate_affairs = k;
    bj::object gate;
    gate["affairs"] = aff;
    gate["min_covered"] = g.in(0, std::min<std::int64_t>(static_cast<std::int64_t>(k), g.chance(50) ? 6 : 64));
    gate["counted"] = g.chance(50) ? "counted" : "submitted";
    cp["gate"] = gate;
  }
  ed["max_total"].as_object()["value"] = dec(weights_h + rate_h * cap);
  ed["divisor_minimum"].as_object()["value"] = g.pick(std::vector<std::int64_t>{1, 2, 10, 12, g.in(1, 60)});
  ed["rounding"].as_object()["value"] = g.chance(50) ? "half_up" : "half_even";
  ed["category_reading"].as_object()["value"] = g.chance(50) ? "rounded" : "unrounded";
  ed["mandatory_rule"].as_object()["value"] = g.chance(50) ? "finding" : "zero_innovation";

  // Bands: one to five (the format needs one), descending, any strictness, at odd hundredths.
  if (g.chance(70)) {
    bj::array bands;
    std::int64_t lower = 10001;
    const int nb = static_cast<int>(g.in(1, 5));
    for (int b = 0; b < nb && lower > 0; ++b) {
      lower = g.in(0, lower - 1);
      bj::object band;
      band["label"] = "band " + std::to_string(b);
      band["lower"] = dec(lower);
      band["strict"] = g.chance(50);
      bands.push_back(band);
    }
    bj::object& cv = ed["categories"].as_object()["value"].as_object();
    cv["bands"] = bands;
    cv["otherwise"] = "lowest";
  }
  // Eligibility: off, or a window of applied dates.
  if (g.chance(50)) {
    bj::object el;
    const int y0 = static_cast<int>(g.in(2021, 2025));
    el["applied_from"] = std::to_string(y0) + "-0" + std::to_string(g.in(1, 9)) + "-15";
    el["applied_to"] = std::to_string(y0 + g.in(1, 2)) + "-0" + std::to_string(g.in(1, 9)) + "-10";
    el["enabled"] = g.chance(80);
    ed["eligibility"].as_object()["value"] = el;
  }
  m.text = unplace(bj::serialize(ed));
  return m;
}

std::string random_region(Gen& g, const Edition& ed, const Made& m, int index) {
  auto answers = [&](const std::vector<int>& rows, int mandatory_missing_percent) {
    std::string s = "{";
    bool first = true;
    for (int idx : rows) {
      const Row& row = ed.rows[idx];
      if (g.chance(row.mandatory ? mandatory_missing_percent : 10)) continue;  // not given
      const int lv = g.chance(20) ? 0 : g.chance(15) ? m.level_max : static_cast<int>(g.in(0, m.level_max));
      s += std::string(first ? "" : ",") + "\"" + row.key + "\":{\"level\":" + std::to_string(lv) + "}";
      first = false;
    }
    return s + "}";
  };
  std::string s = "{\"edition\":\"" + ed.name + "\",\"region\":{\"code\":\"r." + std::to_string(index) +
                  "\",\"name\":\"R\",\"type\":\"kabupaten\",\"province\":\"P\"},\"government\":" +
                  answers(ed.government_rows, 20) + ",\"innovations\":[";
  const int n = g.chance(10) ? 0 : static_cast<int>(g.in(0, g.chance(20) ? 70 : 15));
  for (int j = 0; j < n; ++j) {
    const std::int64_t st = g.in(0, 9);
    s += std::string(j ? "," : "") + "{\"id\":\"i" + std::to_string(j) + "\",\"status\":\"" +
         (st == 0 ? "draft" : st == 1 ? "rejected" : "submitted") + "\"";
    if (g.chance(70))
      s += ",\"applied_date\":\"" + std::to_string(g.in(2021, 2026)) + "-0" + std::to_string(g.in(1, 9)) + "-1" +
           std::to_string(g.in(0, 9)) + "\"";
    s += ",\"affairs\":[";
    if (!m.affairs.empty()) {
      const int k = static_cast<int>(g.in(0, 3));
      for (int a = 0; a < k; ++a) s += std::string(a ? "," : "") + "\"" + g.pick(m.affairs) + "\"";
      if (g.chance(10)) s += std::string(k ? "," : "") + "\"not in the gate\"";
    }
    s += "],\"answers\":" + answers(ed.innovation_rows, 15) + "}";
  }
  return s + "]}";
}

std::string read_edition(const std::string& name) { return test::source_file("editions/" + name + ".json"); }

}  // namespace

TEST(RulesProperty, BatchAndScoreAgreeOnRandomUserEditions) {
  const std::vector<std::string> shipped = {"iid-2023", "iid-2024", "iid-2025", "iid-2026"};
  std::vector<bj::value> bases;
  for (const auto& n : shipped) {
    bases.push_back(bj::parse(read_edition(n)));
    place_doubles(bases.back());
  }
  Gen g(20261201);
  int editions = 0, refused = 0, refused_limits = 0, triples = 0, threads_checked = 0;
  for (int e = 0; e < 240; ++e) {
    const Made m = random_edition(g, bases[static_cast<std::size_t>(e) % bases.size()], e);
    EditionPtr ed;
    try {
      ed = parse_edition(m.text, "user-" + std::to_string(e));
    } catch (const InputError& err) {
      ++refused;
      // Past the batch's limits: refused where the limit is, with its pointer.
      if (m.level_max > 20) {
        EXPECT_EQ(err.pointer(), "/levels/value/max") << err.what();
        ++refused_limits;
      } else if (m.gate_affairs > 64) {
        EXPECT_EQ(err.pointer(), "/count_points/value/gate/affairs") << err.what();
        ++refused_limits;
      } else if (m.max_total_h > kExactTotalH) {
        // Past the exact range: refused at the count points or the maximum total.
        const std::string at = err.pointer();
        EXPECT_TRUE(at.rfind("/count_points", 0) == 0 || at.rfind("/max_total", 0) == 0) << err.what();
        ++refused_limits;
      } else {
        ADD_FAILURE() << "a random edition within the limits was refused: " << err.what();
      }
      continue;
    }
    EXPECT_LE(m.level_max, 20);
    EXPECT_LE(m.gate_affairs, 64u);
    ++editions;
    ParseOptions po;
    po.edition = ed;
    po.override_edition = true;
    std::vector<Submission> subs;
    const int R = static_cast<int>(g.in(3, 6));
    for (int r = 0; r < R; ++r) subs.push_back(parse_submission(random_region(g, *ed, m, r), po));
    for (Policy p : kPolicies) {
      const Columns c = to_columns(subs, p);
      const BatchResult b = score_batch(c.view(), 1);
      for (std::size_t i = 0; i < subs.size(); ++i) {
        const Score s = score(subs[i], {p, false});
        SCOPED_TRACE("edition " + std::to_string(e) + " region " + std::to_string(i) + " " + to_string(p));
        EXPECT_EQ(b.iid_h[i], s.iid_h);
        EXPECT_EQ(ed->category_label(b.category[i]), s.category);
        EXPECT_EQ(b.government_h[i], s.government_h);
        EXPECT_EQ(b.innovation_sum_h[i], s.innovation_sum_h);
        EXPECT_EQ(b.counted[i], s.innovations_counted);
        EXPECT_EQ(b.divisor[i], s.divisor);
        EXPECT_EQ(b.count_h[i], s.count_h);
        ++triples;
      }
      // Other thread counts give the same arrays (the chunking must not touch the rules).
      if (e % 8 == 0) {
        const BatchResult b2 = score_batch(c.view(), 2);
        EXPECT_EQ(b2.iid_h, b.iid_h);
        EXPECT_EQ(b2.category, b.category);
        ++threads_checked;
      }
    }
  }
  std::cout << "[ rules ] " << editions << " random editions accepted, " << refused << " refused (" << refused_limits
            << " past the batch's limits); " << triples << " (edition, region, policy) triples agree\n";
  EXPECT_GE(triples, 2000);
  EXPECT_GT(refused_limits, 0);          // the limits were exercised
  EXPECT_GE(editions, 200);              // most random editions load
  EXPECT_GT(threads_checked, 0);
}

// The drift the rules layer closes: a gate of 65 affairs used to load, and score() and the batch
// then disagreed (9.88 against 0.00). The loader now refuses it; 64 affairs load and agree.
TEST(RulesProperty, GateBeyondSixtyFourAffairsIsRefusedAtLoad) {
  bj::value base = bj::parse(read_edition("iid-2026"));
  place_doubles(base);
  auto with_affairs = [&](std::size_t k) {
    bj::object ed = base.as_object();
    ed["name"] = "gate-" + std::to_string(k);
    bj::object& gate = ed["count_points"].as_object()["value"].as_object()["gate"].as_object();
    bj::array aff;
    for (std::size_t i = 0; i < k; ++i) aff.emplace_back("urusan " + std::to_string(i));
    gate["affairs"] = aff;
    gate["min_covered"] = 1;
    return unplace(bj::serialize(ed));
  };
  try {
    parse_edition(with_affairs(65), "gate-65.json");
    FAIL() << "a gate of 65 affairs loaded";
  } catch (const InputError& e) {
    EXPECT_EQ(e.pointer(), "/count_points/value/gate/affairs");
    EXPECT_TRUE(test::contains(e.message(), "65")) << e.message();
    EXPECT_TRUE(test::contains(e.message(), "64")) << e.message();
  }
  EditionPtr ed = parse_edition(with_affairs(64), "gate-64.json");
  ASSERT_EQ(ed->gate->affairs.size(), 64u);
  // The last affair (bit 63) opens the gate on both paths.
  ParseOptions po;
  po.edition = ed;
  po.override_edition = true;
  std::vector<Submission> subs;
  for (const char* affair : {"urusan 63", "urusan 0", "lain"}) {
    std::string text = "{\"edition\":\"gate-64\",\"region\":{\"code\":\"1\",\"name\":\"R\",\"type\":\"kota\",\"province\":\"P\"},"
                       "\"government\":{},\"innovations\":[{\"id\":\"a\",\"status\":\"submitted\",\"affairs\":[\"" +
                       std::string(affair) + "\"],\"answers\":" + test::all_rows(*ed, ed->innovation_rows, 3) + "}]}";
    subs.push_back(parse_submission(text, po));
  }
  const BatchResult b = score_batch(to_columns(subs).view(), 1);
  for (std::size_t i = 0; i < subs.size(); ++i) {
    const Score s = score(subs[i], {Policy::self_assessed, false});
    EXPECT_EQ(b.iid_h[i], s.iid_h) << i;
    EXPECT_EQ(b.count_h[i], s.count_h) << i;
    EXPECT_EQ(s.gate_open, i < 2) << i;
  }
  EXPECT_GT(b.count_h[0], 0);
  EXPECT_EQ(b.count_h[2], 0);
}
