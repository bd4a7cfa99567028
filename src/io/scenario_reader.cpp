// The JSON change format of scenarios (docs/scenario.md), read against a scenario base.
#include <algorithm>
#include <optional>

#include "inovasi/scenario.hpp"
#include "io/jread.hpp"
#include "io/json_dom.hpp"

namespace inovasi {

using namespace detail;

namespace {

// A look-up of the base (which throws InputError without a pointer) placed at `ptr`.
template <class F>
auto at(const std::string& ptr, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const InputError& e) {
    if (!e.pointer().empty() && e.pointer() != "/") throw;
    throw InputError(ptr, e.message());
  }
}

std::int64_t innovation_of(const JNode& n, const std::string& ptr, const ScenarioBase& base, std::size_t region) {
  if (n.type == JType::number) {
    const auto count = static_cast<std::int64_t>(base.innovations_of(region));
    if (count == 0) fail(ptr, "region " + base.columns().codes[region] + " has no innovations");
    return get_int(n, ptr, 0, count - 1, "an innovation index");
  }
  const std::string id = get_string(n, ptr);
  return static_cast<std::int64_t>(at(ptr, [&] { return base.innovation_index(region, id); }));
}

int level_of(const JNode& n, const std::string& ptr, const Edition& ed) {
  return static_cast<int>(get_int(n, ptr, ed.level_min, ed.level_max, "a whole level"));
}

EditionPtr edition_named(const JNode& root) {
  const std::optional<JNode> e = root.find("edition");
  if (!e) return nullptr;
  const std::string name = get_string(*e, "/edition");
  if (name.empty()) fail("/edition", "must not be empty (a shipped edition's name or a path to an edition file)");
  return at("/edition", [&] { return resolve_edition(name); });
}

}  // namespace

bool same_edition(const Edition& a, const Edition& b) {
  return &a == &b || (!a.sha256.empty() && a.sha256 == b.sha256);
}

EditionPtr scenario_edition(const std::string& json_text) {
  const JDoc doc = parse_document(json_text, JsonLimits{});
  const JNode root = doc.root();
  expect(root, JType::object, "");
  return edition_named(root);
}

Scenario parse_scenario(const std::string& json_text, const ScenarioBase& base) {
  const JDoc doc = parse_document(json_text, JsonLimits{});
  const JNode root = doc.root();
  const Edition& ed = base.edition();
  expect(root, JType::object, "");
  check_keys(root, "", {"edition", "policy", "changes"});
  if (const EditionPtr named = edition_named(root); named && !same_edition(*named, ed))
    fail("/edition", "names edition " + quoted(named->name) + " but the data is under " + quoted(ed.name) +
                         ": score the scenario against the data re-bound to " + quoted(named->name) +
                         " (ScenarioBase(submissions, edition))");
  Scenario sc;
  if (const std::optional<JNode> p = root.find("policy"))
    sc.policy = at("/policy", [&] { return policy_from_string(get_string(*p, "/policy")); });
  const std::optional<JNode> changes = root.find("changes");
  if (!changes) return sc;
  expect(*changes, JType::array, "/changes");
  for (std::size_t i = 0; i < changes->items.size(); ++i) {
    const std::string ptr = pointer_append("/changes", i);
    const JNode c = changes->items[i];
    expect(c, JType::object, ptr);
    check_keys(c, ptr, {"region", "innovation", "row", "level", "evidence", "enabled", "add"});
    const std::string rp = ptr + "/region";
    const std::string code = get_string(require(c, "region", ptr), rp);
    const std::size_t region = at(rp, [&] { return base.region_index(code); });
    const std::optional<JNode> inv = c.find("innovation");
    const std::optional<JNode> row = c.find("row");
    const std::optional<JNode> level = c.find("level");
    const std::optional<JNode> enabled = c.find("enabled");
    const std::optional<JNode> add = c.find("add");
    const int kinds = (row || level ? 1 : 0) + (enabled ? 1 : 0) + (add ? 1 : 0);
    if (kinds != 1)
      fail(ptr, "a change gives exactly one of: \"row\" with \"level\" (a claimed level), \"enabled\" (an innovation "
                "switched on or off), \"add\" (a new innovation)");
    if (c.find("evidence") && !(row || level)) fail(ptr + "/evidence", "\"evidence\" goes with \"row\" and \"level\"");
    if (row || level) {
      if (!row) fail(ptr, "missing required field \"row\" beside \"level\"");
      if (!level) fail(ptr, "missing required field \"level\" beside \"row\"");
      const std::string key = get_string(*row, ptr + "/row");
      LevelChange lc;
      lc.region = region;
      if (inv) {
        lc.innovation = innovation_of(*inv, ptr + "/innovation", base, region);
        lc.column = at(ptr + "/row", [&] { return base.innovation_column(key); });
      } else {
        lc.column = at(ptr + "/row", [&] {
          try {
            return base.government_column(key);
          } catch (const InputError& e) {
            if (ed.row_index(key) >= 0)
              throw InputError("", "\"" + key + "\" is an innovation row: name the innovation (\"innovation\")");
            throw;
          }
        });
      }
      lc.level = level_of(*level, ptr + "/level", ed);
      if (const std::optional<JNode> ev = c.find("evidence")) lc.evidenced = get_bool(*ev, ptr + "/evidence");
      sc.levels.push_back(lc);
    } else if (enabled) {
      if (!inv) fail(ptr, "missing required field \"innovation\" beside \"enabled\"");
      InnovationSwitch s;
      s.region = region;
      s.innovation = static_cast<std::size_t>(innovation_of(*inv, ptr + "/innovation", base, region));
      s.enabled = get_bool(*enabled, ptr + "/enabled");
      sc.switches.push_back(s);
    } else {
      if (inv) fail(ptr + "/innovation", "an added innovation is described inside \"add\"");
      const std::string ap = ptr + "/add";
      expect(*add, JType::object, ap);
      check_keys(*add, ap, {"id", "levels", "affairs", "status"});
      AddedInnovation a;
      a.region = region;
      if (const std::optional<JNode> id = add->find("id")) a.id = get_string(*id, ap + "/id");
      a.levels.assign(ed.innovation_rows.size(), static_cast<std::uint8_t>(ed.level_min));
      if (const std::optional<JNode> lv = add->find("levels")) {
        expect(*lv, JType::object, ap + "/levels");
        for (const auto& [key, v] : lv->members) {
          const std::string row_key(key);  // a lambda cannot name a structured binding (clang 14)
          const std::string lp = pointer_append(ap + "/levels", row_key);
          const std::size_t k = at(lp, [&] { return base.innovation_column(row_key); });
          a.levels[k] = static_cast<std::uint8_t>(level_of(v, lp, ed));
        }
      }
      if (const std::optional<JNode> af = add->find("affairs")) {
        expect(*af, JType::array, ap + "/affairs");
        for (std::size_t j = 0; j < af->items.size(); ++j) {
          const std::string name = normalise_affair(get_string(af->items[j], pointer_append(ap + "/affairs", j)));
          if (!ed.gate) continue;  // affairs matter only to a count gate
          const auto& g = ed.gate->affairs;
          const auto it = std::find(g.begin(), g.end(), name);
          if (it != g.end() && it - g.begin() < 64) a.affairs |= 1ull << static_cast<unsigned>(it - g.begin());
        }
      }
      if (const std::optional<JNode> st = add->find("status"))
        a.rejected = parse_enum<bool>(*st, ap + "/status", {{"submitted", false}, {"rejected", true}});
      sc.added.push_back(std::move(a));
    }
  }
  base.validate(sc);
  return sc;
}

}  // namespace inovasi
