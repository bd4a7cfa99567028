#pragma once
// Internal: the batch kernel for callers inside the library that score regions many times over
// (the scenario base): a plan made once per edition, then regions of already-validated columns
// scored with it, with no allocation and no validation pass per call.
#include <cstddef>
#include <memory>

#include "inovasi/batch.hpp"
#include "inovasi/scenario.hpp"

namespace inovasi::detail {

// KernelPlan (everything the inner loops need from an edition, batch.cpp) and its deleter are
// declared in inovasi/scenario.hpp, whose Workspace holds one.
using KernelPlanPtr = std::unique_ptr<KernelPlan, KernelPlanDeleter>;

KernelPlanPtr make_kernel_plan(const Edition& edition);
KernelPlanPtr copy_kernel_plan(const KernelPlan& plan);

// Scores regions [r0, r1) of `columns`, whose offsets are trusted (validate() has seen them or
// the caller built them); levels above the edition's maximum and bad status codes still throw.
// `plan` is the caller's own (the call sets its per-call fields).
void score_regions(KernelPlan& plan, const ColumnsView& columns, const BatchOutputView& out, std::size_t r0,
                   std::size_t r1);

}  // namespace inovasi::detail
