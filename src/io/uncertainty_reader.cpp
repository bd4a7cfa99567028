// The uncertainty file (docs/uncertainty.md): which inputs of a Monte Carlo study vary and how.
#include <optional>

#include "inovasi/uncertainty.hpp"
#include "io/jread.hpp"
#include "io/json_dom.hpp"

namespace inovasi {

using namespace detail;

namespace {

double probability_of(const JNode& n, const std::string& ptr) {
  const double p = get_decimal(n, ptr).to_double();
  if (!(p >= 0 && p <= 1)) fail(ptr, excerpt(n.text) + " is not a probability (0 to 1)");
  return p;
}

std::vector<std::string> row_keys(const JNode& n, const std::string& ptr) {
  expect(n, JType::array, ptr);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n.items.size(); ++i) out.push_back(get_string(n.items[i], pointer_append(ptr, i)));
  return out;
}

std::vector<double> probabilities_of(const JNode& obj, const std::string& ptr, std::size_t count) {
  const std::string pp = ptr + "/probabilities";
  std::vector<double> out;
  if (const std::optional<JNode> p = obj.find("probabilities")) {
    expect(*p, JType::array, pp);
    if (p->items.size() != count)
      fail(pp, std::to_string(p->items.size()) + " probabilities for " + std::to_string(count) + " values");
    double sum = 0;
    for (std::size_t i = 0; i < count; ++i) sum += out.emplace_back(probability_of(p->items[i], pointer_append(pp, i)));
    if (std::abs(sum - 1.0) > 1e-9) fail(pp, "the probabilities add up to " + std::to_string(sum) + ", not 1");
  } else {
    out.assign(count, 1.0 / static_cast<double>(count));  // equally likely
  }
  return out;
}

}  // namespace

UncertaintySpec parse_uncertainty(const std::string& json_text, const std::string& source) {
  try {
    const JDoc doc = parse_document(json_text, JsonLimits{});
    const JNode root = doc.root();
    expect(root, JType::object, "");
    check_keys(root, "", {"description", "policy", "seed", "replicates", "evidence", "weights", "divisor_minimum",
                          "editions"});
    UncertaintySpec s;
    if (const std::optional<JNode> p = root.find("policy")) {
      const std::string name = get_string(*p, "/policy");
      try {
        s.policy = policy_from_string(name);
      } catch (const InputError& e) {
        fail("/policy", e.message());
      }
    }
    if (const std::optional<JNode> v = root.find("seed"))
      s.seed = static_cast<std::uint64_t>(get_int(*v, "/seed", 0, INT64_MAX, "a whole number"));
    if (const std::optional<JNode> v = root.find("replicates"))
      s.replicates = static_cast<std::uint64_t>(get_int(*v, "/replicates", 1, 0xFFFFFFFFll, "a whole number"));
    if (const std::optional<JNode> ev = root.find("evidence")) {
      if (ev->type == JType::boolean) {
        s.evidence.enabled = ev->boolean;
      } else {
        expect(*ev, JType::object, "/evidence");
        check_keys(*ev, "/evidence", {"acceptance", "fallback", "rows"});
        if (const std::optional<JNode> a = ev->find("acceptance")) {
          if (a->type == JType::string) {
            if (get_view(*a, "/evidence/acceptance") != "answers")
              fail("/evidence/acceptance", "\"answers\" (each answer's own) or a probability");
          } else {
            s.evidence.fixed = true;
            s.evidence.acceptance = probability_of(*a, "/evidence/acceptance");
          }
        }
        if (const std::optional<JNode> f = ev->find("fallback"))
          s.evidence.fallback = parse_enum<Fallback>(
              *f, "/evidence/fallback",
              {{"zero", Fallback::zero}, {"supported", Fallback::supported}, {"one_lower", Fallback::one_lower}});
        if (const std::optional<JNode> r = ev->find("rows")) s.evidence.rows = row_keys(*r, "/evidence/rows");
      }
    }
    if (const std::optional<JNode> w = root.find("weights")) {
      if (w->type == JType::boolean) {
        s.weights.enabled = w->boolean;
      } else {
        expect(*w, JType::object, "/weights");
        check_keys(*w, "/weights", {"steps", "step", "rows"});
        s.weights.enabled = true;
        if (const std::optional<JNode> v = w->find("steps"))
          s.weights.steps = static_cast<int>(get_int(*v, "/weights/steps", 0, 1000, "a whole number of steps"));
        if (const std::optional<JNode> v = w->find("step")) {
          const auto h = get_decimal(*v, "/weights/step").scaled(2);
          if (!h || *h <= 0 || *h > 1000000) fail("/weights/step", "must be a positive number with at most 2 decimals");
          s.weights.step_h = *h;
        }
        if (const std::optional<JNode> r = w->find("rows")) s.weights.rows = row_keys(*r, "/weights/rows");
      }
    }
    if (const std::optional<JNode> d = root.find("divisor_minimum")) {
      expect(*d, JType::object, "/divisor_minimum");
      check_keys(*d, "/divisor_minimum", {"values", "probabilities"});
      const JNode& vals = require(*d, "values", "/divisor_minimum");
      expect(vals, JType::array, "/divisor_minimum/values");
      if (vals.items.empty()) fail("/divisor_minimum/values", "at least one value");
      for (std::size_t i = 0; i < vals.items.size(); ++i)
        s.divisor_minimum.values.push_back(static_cast<int>(
            get_int(vals.items[i], pointer_append("/divisor_minimum/values", i), 1, 100000, "a whole divisor")));
      s.divisor_minimum.probabilities = probabilities_of(*d, "/divisor_minimum", vals.items.size());
    }
    if (const std::optional<JNode> e = root.find("editions")) {
      expect(*e, JType::object, "/editions");
      check_keys(*e, "/editions", {"names", "probabilities"});
      const JNode& names = require(*e, "names", "/editions");
      expect(names, JType::array, "/editions/names");
      if (names.items.size() < 2) fail("/editions/names", "at least two editions to choose between");
      for (std::size_t i = 0; i < names.items.size(); ++i)
        s.editions.push_back(get_string(names.items[i], pointer_append("/editions/names", i)));
      s.edition_probabilities = probabilities_of(*e, "/editions", names.items.size());
    }
    return s;
  } catch (const InputError& e) {
    throw e.located(source.empty() ? "<uncertainty>" : source, 0, 0);
  }
}

}  // namespace inovasi
