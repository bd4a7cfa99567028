#pragma once
// Seeded synthetic datasets calibrated to the published national figures (docs/model.md §9;
// docs/synth.md). Identical bytes on every platform: own RNG (splitmix64 → xoshiro256**), own
// integer sampling, no standard-library distributions.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "inovasi/batch.hpp"
#include "inovasi/edition.hpp"

namespace inovasi {

struct SynthOptions {
  std::uint64_t seed = 2024;
  std::string profile = "national";
  EditionPtr edition;                  // null = iid-2023
  // Counted innovations (submitted + rejected) over all regions; 0 = the profile's (31,719).
  std::size_t target_innovations = 0;
  // Regions; 0 = the profile's 552 for the default target, else scaled with the target
  // (552 × target / 31,719, at most 20,000). Beyond 552 the national layout repeats with a
  // suffix on codes and names ("11.01-2").
  std::size_t regions = 0;
  // generate_columns: also fill the schema v2 policy columns (the claim-independent caps and
  // acceptance of every answer as check_answer() gives them for the evidence write_jsonl()
  // emits, innovation ids, departments). Off, the columns hold levels, v1 caps and region
  // metadata only (large runs where memory counts).
  bool policy_columns = true;
  // Called between regions on the calling thread (generate_columns, write_jsonl); an exception
  // it throws stops the generation and propagates. The Python bindings run Python's signal
  // handlers in it, so Ctrl-C stops a run of millions of innovations.
  std::function<void()> poll;
};

// Columns of the generated regions (drafts included as kNotCounted). Caps hold the
// evidence-supported level of every answer (policy `supported`), min(level, supported): the
// same values check_answer() gives for the evidence write_jsonl() emits.
Columns generate_columns(const SynthOptions& options);

// The same regions as submissions (docs/schemas/submission.schema.json), one JSON object a line, with evidence items.
void write_jsonl(const SynthOptions& options, std::ostream& out);

std::vector<std::string> synth_profile_names();

}  // namespace inovasi
