#pragma once
// Internal: the pieces of a score's JSON that other outputs (plans) write the same way.
#include "inovasi/score.hpp"
#include "io/json_text.hpp"

namespace inovasi::detail {

// The fields of one decided_by entry (inside an object the caller opens and closes).
void write_decided_by_fields(JsonWriter& w, const DecidedBy& d);

}  // namespace inovasi::detail
