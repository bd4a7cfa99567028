#pragma once
// An edition: one year's (or one local contest's) methodology as immutable data. Loaded once,
// shared read-only across threads.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "inovasi/decimal.hpp"

namespace inovasi {

struct Provenance {
  char mark = 'U';  // 'C' confirmed, 'P' probable, 'U' uncertain / our assumption
  std::string note;
  friend bool operator==(const Provenance&, const Provenance&) = default;
};

enum class InputKind { level, count, decimal, code, years, bases };
enum class Direction { higher, lower };
enum class Rounding { half_up, half_even };
enum class CategoryReading { rounded, unrounded };
enum class GateCounted { counted, submitted };
enum class MandatoryRule { finding, zero_innovation };
enum class Severity { info, warning, error };
// How the assessor policy reads a "revision" verdict (an edition parameter, docs/model.md §6).
enum class RevisionAs { rejected, accepted, ignored };

struct Threshold {
  int level = 0;
  Decimal value;
  bool inclusive = true;
  friend bool operator==(const Threshold&, const Threshold&) = default;
};

// Raw value → level (docs/model.md §2.1): thresholds on each level's good side, highest first.
struct Bands {
  InputKind input = InputKind::decimal;  // count or decimal
  Direction direction = Direction::higher;
  std::vector<Threshold> thresholds;     // descending level
  int otherwise = 0;
  std::vector<std::string> level_labels;
  int level_for(const Decimal& v) const;
  friend bool operator==(const Bands&, const Bands&) = default;
};

struct YearRule {
  enum class Op { all, any, min_count, min_consecutive };
  int level = 0;
  Op op = Op::all;
  std::vector<int> offsets;  // years back from T-0 (0 = T-0, 1 = T-1, ...)
  int count = 0;
  friend bool operator==(const YearRule&, const YearRule&) = default;
};

// Evidence rules of one row (docs/model.md §6, §6.1; docs/editions.md "Evidence rules"). The
// supported level is the derivation applied to the items that pass every error-severity rule.
enum class Derivation { by_kind, by_groups, by_years, by_value };

struct EvidenceRule {
  enum class Type { kind, file_type, window, applied_year, requires_fact, max_duration, companion, group_set, value };
  // A boolean fact stated on an evidence item.
  enum class Fact { signed_, names_innovation, highlighted, in_force, on_behalf_of_regional_head, has_cover };
  Type type = Type::kind;
  Severity severity = Severity::error;
  std::string name;                          // the rule's name in findings, e.g. "signed"
  std::vector<std::string> kinds;            // applies to items of these kinds; empty = every item
  std::vector<std::string> innovation_kinds; // applies to innovations of these kinds; empty = all
  std::vector<std::string> file_types;       // file_type
  int from = 0, to = 0;                      // window: years back from T-0, from >= to
  bool on_year = false;                      // window: the item's `year` instead of its `date`
  Fact fact = Fact::signed_;                 // requires_fact; companion: the fact the item lacks
  Decimal max_seconds;                       // max_duration
  std::vector<std::string> companion_kinds;  // companion
  std::vector<std::vector<std::string>> needs;  // group_set: one kind of each set per group
  friend bool operator==(const EvidenceRule&, const EvidenceRule&) = default;
};

struct EvidenceRules {
  static constexpr int kClaim = -1;  // by_kind: the kind supports whatever level is claimed
  Derivation derivation = Derivation::by_kind;
  std::vector<std::string> kinds;        // accepted kinds, edition order
  std::map<std::string, int> kind_level; // by_kind: kind -> level or kClaim
  std::vector<EvidenceRule> rules;
  Provenance provenance;
  friend bool operator==(const EvidenceRules&, const EvidenceRules&) = default;
};

struct Row {
  std::string key, indicator, aspect, variable, name, english;
  int aspect_index = 0;          // 0 = region scope, 1 = innovation scope
  std::int64_t weight_h = 0;     // hundredths of a point per level
  bool mandatory = false;
  InputKind input = InputKind::level;
  std::vector<std::string> level_labels;
  std::optional<Bands> bands;                              // count, decimal
  std::map<std::string, int> codes;                         // code (keys lower-cased)
  std::vector<YearRule> year_rules;                         // years
  std::map<std::string, Bands> bases;                       // bases
  std::string default_basis;
  std::map<std::string, std::vector<std::string>> variants; // kind -> level labels
  std::string default_variant;
  std::map<std::string, Provenance> provenance;             // parameter -> provenance
  std::optional<EvidenceRules> evidence;                    // none: the row is "unchecked"

  // years rows: the level of a set of offsets back from T-0 under year_rules (first match).
  int level_for_years(const std::vector<int>& offsets, int level_min) const;
  friend bool operator==(const Row&, const Row&) = default;
};

struct Aspect {
  std::string key, name;
  bool per_innovation = false;
  std::vector<std::string> variables;
  friend bool operator==(const Aspect&, const Aspect&) = default;
};

struct CategoryBand {
  std::string label;
  std::int64_t lower_h = 0;  // IID hundredths
  bool strict = false;
  friend bool operator==(const CategoryBand&, const CategoryBand&) = default;
};

// Limits every loaded edition keeps, so that the columnar engine (uint8 level columns, one 64-bit
// affairs mask per innovation) represents it exactly and scores it as score() does: the loader
// refuses an edition beyond them rather than let the two paths differ.
inline constexpr int kMaxLevel = 255;
inline constexpr std::size_t kMaxGateAffairs = 64;

struct CountGate {
  std::vector<std::string> affairs;  // normalised (lower case, trimmed)
  int min_covered = 0;
  GateCounted counted = GateCounted::counted;
  friend bool operator==(const CountGate&, const CountGate&) = default;
};

// How an answer's findings lower its acceptance probability (simulation, docs/model.md §6):
// the acceptance is the product, over the answer's evidence findings, of the factor of each
// finding's severity. An edition without `acceptance_factors` derives nothing from findings
// (every factor 1); the shipped editions carry the project's default, marked U.
struct AcceptanceFactors {
  double info = 1.0, warning = 1.0, error = 1.0;
  double of(Severity s) const { return s == Severity::error ? error : s == Severity::warning ? warning : info; }
  friend bool operator==(const AcceptanceFactors&, const AcceptanceFactors&) = default;
};

struct Eligibility {
  bool enabled = false;
  std::string applied_from, applied_to;  // ISO dates, inclusive
  friend bool operator==(const Eligibility&, const Eligibility&) = default;
};

class Edition {
 public:
  std::string name, title, description;
  int assessment_year = 0;
  int t0_offset = 0;
  int level_min = 0, level_max = 3;
  int divisor_minimum = 1;
  std::int64_t count_rate_h = 0;  // hundredths of a point per counted innovation
  int count_cap = 0;
  std::optional<CountGate> gate;
  Rounding rounding = Rounding::half_up;
  CategoryReading category_reading = CategoryReading::rounded;
  std::vector<CategoryBand> bands;  // descending lower bound
  std::string lowest_category;
  std::int64_t max_total_h = 0;
  std::optional<Eligibility> eligibility;
  MandatoryRule mandatory_rule = MandatoryRule::finding;
  std::vector<std::string> evidence_kinds;
  RevisionAs revision_counts_as = RevisionAs::rejected;
  AcceptanceFactors acceptance_factors;
  Aspect aspects[2];
  std::vector<Row> rows;  // every row, display order
  std::vector<int> government_rows, innovation_rows;  // indices into rows
  std::map<std::string, Provenance> provenance;       // top-level parameter -> provenance
  std::string sha256;  // of the edition file's bytes (provenance: what a result was scored under)
  // The edition file's text as loaded (what sha256 is of), so that an edition can travel as
  // data and be rebuilt where it lands (pickling, worker processes).
  std::string text;

  int t0_year() const { return assessment_year - t0_offset; }
  // Index into rows, or -1.
  int row_index(const std::string& key) const;
  // Category bands (the model's, not scoring's): the index of the band an IID falls in, given
  // in hundredths (rounded reading) or as the exact fraction num/den; bands.size() is the
  // lowest category.
  std::size_t band_of_hundredths(std::int64_t iid_h) const;
  std::size_t band_of_fraction(const Fraction& iid) const;
  const std::string& category_label(std::size_t band) const;
  // Category of an IID given in hundredths (rounded reading) or as exact fraction num/den.
  const std::string& category_of_hundredths(std::int64_t iid_h) const;
  const std::string& category_of_fraction(const Fraction& iid) const;
  std::int64_t max_government_h() const;
  std::int64_t max_innovation_h() const;
  // The one place of the rule "maximum total = government rows' weights × level_max + one
  // innovation's rows' weights × level_max + count rate × cap" (the divisor-free ceiling the
  // category bands are read against). Of a built edition it equals max_total_h. The second form
  // takes one weight per row (hundredths, edition row order) in place of the rows' own, for
  // analyses that vary weights; its sum must stay within the engine's exact range (as every
  // built edition's does).
  std::int64_t max_total_of_weights() const;
  std::int64_t max_total_of_weights(const std::vector<std::int64_t>& weight_h) const;

  // Every field, the index included (it follows from rows); sha256 compares too.
  friend bool operator==(const Edition&, const Edition&) = default;

 private:
  std::map<std::string, int> index_;
  friend struct EditionDraft;
};

using EditionPtr = std::shared_ptr<const Edition>;

// An edition a program fills in memory: the fields of an edition file (docs/editions.md), in
// the model's units (hundredths, level numbers, offsets back from T-0). validate() applies the
// edition rules the JSON reader applies (the reader fills a draft and calls the same function):
// it throws the InputError the reader gives for the same edition written as JSON, its pointer
// into the would-be file ("/rows/12/weight", "/count_points/value/gate/affairs"). build()
// validates and returns the immutable Edition.
//
// Differences from Edition: aspects are listed in file order (each with its scope in
// per_innovation), rows name their aspect by key (aspect_index, the index and the row lists
// follow), code keys may be in any case (lower-cased by build), gate affairs as given
// (normalised by build), a count/decimal row's bands->level_labels and a basis's level_labels
// left empty take the row's labels, and max_total_h may be left unset (then the weights give
// it). Top-level parameters carry their provenance in `provenance` under the file's key
// ("assessment_year", ...); each required one must be there.
struct EditionDraft {
  std::string name, title, description;
  // Wider than the Edition's: the range rules are validate()'s, not the type's.
  std::int64_t assessment_year = 0;
  std::int64_t t0_offset = 0;
  std::int64_t level_min = 0, level_max = 3;
  std::int64_t divisor_minimum = 1;
  std::int64_t count_rate_h = 0;
  std::int64_t count_cap = 0;
  std::optional<CountGate> gate;
  Rounding rounding = Rounding::half_up;
  CategoryReading category_reading = CategoryReading::rounded;
  std::vector<CategoryBand> bands;
  std::string lowest_category;
  std::optional<std::int64_t> max_total_h;
  std::optional<Eligibility> eligibility;
  MandatoryRule mandatory_rule = MandatoryRule::finding;
  std::vector<std::string> evidence_kinds;
  std::optional<RevisionAs> revision_counts_as;        // unset: rejected
  std::optional<AcceptanceFactors> acceptance_factors;  // unset: every factor 1
  std::vector<Aspect> aspects;
  std::vector<Row> rows;
  std::map<std::string, Provenance> provenance;

  // A draft of an existing edition (to derive a user edition from a shipped one).
  static EditionDraft of(const Edition& ed);
  void validate() const;     // throws InputError at the first broken rule
  EditionPtr build() const;  // validate(), then the Edition (sha256 empty)
};

// Shipped editions, embedded in the library ("iid-2023", ...).
std::vector<std::string> builtin_edition_names();
EditionPtr builtin_edition(const std::string& name);  // throws InputError if unknown
// Loads an edition from JSON text or from a file; a malformed edition is an InputError with
// a JSON Pointer into the edition file.
EditionPtr parse_edition(const std::string& json_text, const std::string& source = {});
EditionPtr load_edition_file(const std::string& path);
// A shipped name or a path to an edition file.
EditionPtr resolve_edition(const std::string& name_or_path);

const char* to_string(Rounding r);
const char* to_string(CategoryReading r);
const char* to_string(Severity s);
const char* to_string(Derivation d);

}  // namespace inovasi
