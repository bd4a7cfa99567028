#!/usr/bin/env bash
# libFuzzer runs of the fuzz/ targets (build them first: `cmake --preset asan && cmake --build
# --preset asan --target fuzzers`; FUZZ_BUILD=dir picks another build tree).
#
#   scripts/fuzz.sh smoke [TARGET...]          CI: a fixed number of runs from a fixed seed over a
#                                              copy of the committed seed corpus (deterministic)
#   scripts/fuzz.sh long SECONDS [TARGET...]   a longer run (-max_total_time), one target after
#                                              the other; the corpus it grows is kept in
#                                              $FUZZ_BUILD/fuzz-corpus/TARGET for the next run
#
# Crash, leak and timeout inputs land in $FUZZ_BUILD/fuzz-artifacts/TARGET/; reproduce one with
#   $FUZZ_BUILD/fuzz/TARGET FILE
# Exit status: 0 when every run finished without a finding.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${FUZZ_BUILD:-build/asan}
SEED=${FUZZ_SEED:-20260401}
TARGETS_ALL=(fuzz_edition fuzz_submission fuzz_jsonl fuzz_edition_score)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

max_len() {  # the seed editions are ~85 KB; submissions and JSON Lines seeds under 45 KB
  case $1 in fuzz_edition|fuzz_edition_score) echo 131072 ;; *) echo 65536 ;; esac
}

smoke_runs() {  # per target: 20-35 s each on the 2-core CI machine (measured, docs/reliability.md)
  if [ -n "${FUZZ_SMOKE_RUNS:-}" ]; then echo "$FUZZ_SMOKE_RUNS"; return; fi
  # fuzz_edition_score: each input is an edition scored 4 policies x (3 regions + the batch)
  # (16000 runs: 36 s, 8000: 7 s). fuzz_jsonl: since every line after a syntax error is read
  # again, a mutated pretty-printed document gives an error per line, read by the reader and
  # the stream in 1-64 byte chunks: ~11 ms a run under ASan (2000 runs: 22 s, 4000: 43 s).
  case $1 in fuzz_edition) echo 30000 ;; fuzz_submission) echo 60000 ;; fuzz_edition_score) echo 12000 ;;
    fuzz_jsonl) echo 2500 ;; *) echo 20000 ;; esac
}

# Read-only extra seeds: the malformed-input corpus of the tests (libFuzzer writes new inputs to
# the first corpus directory only).
extra_seeds() {
  local d
  case $1 in fuzz_edition|fuzz_edition_score) d=tests/data/malformed_editions ;; *) d=tests/data/malformed ;; esac
  if [ -d "$d" ]; then echo "$d"; fi
}

common_flags() {  # TARGET ARTIFACT_DIR
  # -timeout: one input taking 10 s is a hang (inputs take milliseconds); -rss_limit_mb: the
  # parser's limits must keep a 128 KB input far below 2 GB.
  echo "-max_len=$(max_len "$1") -timeout=10 -rss_limit_mb=2048 -detect_leaks=1" \
       "-dict=fuzz/json.dict -print_final_stats=1 -artifact_prefix=$2/"
}

# Summary of one libFuzzer log: executions, coverage, corpus, findings.
summarise() {  # TARGET LOG ARTIFACT_DIR
  local t=$1 log=$2 art=$3 last execs secs rss findings
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)
  findings=$(find "$art" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
             -o -name 'oom-*' -o -name 'slow-unit-*' \) | wc -l)
  printf '%-16s executions=%s seconds=%s peak_rss_mb=%s findings=%s\n' "$t" "${execs:-?}" \
         "${secs:-?}" "${rss:-?}" "$findings"
  printf '%-16s last status: %s\n' "$t" "${last:-?}"
  # cov: edges covered, ft: features, corp: corpus units/size
}

run_target() {  # MODE TARGET CORPUS_DIR LOG ARTIFACT_DIR EXTRA_FLAGS...
  local mode=$1 t=$2 corpus=$3 log=$4 art=$5; shift 5
  local bin=$BUILD/fuzz/$t rc=0
  if [ ! -x "$bin" ]; then
    echo "fuzz.sh: $bin not built (cmake --preset asan && cmake --build --preset asan --target fuzzers)" >&2
    return 2
  fi
  mkdir -p "$art"
  # shellcheck disable=SC2046
  "${RUNNER[@]}" "$bin" $(common_flags "$t" "$art") "$@" "$corpus" $(extra_seeds "$t") >"$log" 2>&1 || rc=$?
  summarise "$t" "$log" "$art"
  if [ "$rc" != 0 ]; then
    echo "fuzz.sh: $t ($mode) FAILED (exit $rc); log: $log" >&2
    grep -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|Test unit written' "$log" >&2 || true
    echo "fuzz.sh: reproduce with: $bin <artifact from $art>" >&2
  fi
  return "$rc"
}

RUNNER=()
mode=${1:-}
shift || true
case $mode in
  smoke)
    targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=("${TARGETS_ALL[@]}")
    work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
    # The same seed and run count give the same run: without address randomisation (compared
    # pointers feed libFuzzer's comparison tables) and without timed corpus reloads.
    if setarch "$(uname -m)" -R true 2>/dev/null; then RUNNER=(setarch "$(uname -m)" -R); fi
    status=0
    for t in "${targets[@]}"; do
      # A copy: libFuzzer adds the inputs it finds to the corpus directory.
      cp -r "fuzz/corpus/$t" "$work/$t"
      start=$SECONDS
      run_target smoke "$t" "$work/$t" "$work/$t.log" "$BUILD/fuzz-artifacts/$t" \
        -runs="$(smoke_runs "$t")" -seed="$SEED" -reload=0 || { status=1; cp "$work/$t.log" "$BUILD/fuzz-artifacts/$t/smoke.log"; }
      echo "$t: smoke ($(smoke_runs "$t") runs, seed $SEED) took $((SECONDS - start))s"
    done
    exit "$status"
    ;;
  long)
    secs=${1:?usage: scripts/fuzz.sh long SECONDS [TARGET...]}; shift
    targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=("${TARGETS_ALL[@]}")
    status=0
    mkdir -p "$BUILD/fuzz-logs"
    for t in "${targets[@]}"; do
      corpus=$BUILD/fuzz-corpus/$t
      mkdir -p "$corpus"
      cp -n "fuzz/corpus/$t"/* "$corpus"/ 2>/dev/null || true
      log=$BUILD/fuzz-logs/$t-long.log
      run_target long "$t" "$corpus" "$log" "$BUILD/fuzz-artifacts/$t" -max_total_time="$secs" || status=1
      echo "$t: corpus now $(find "$corpus" -type f | wc -l) files, $(du -sh "$corpus" | cut -f1); log: $log"
    done
    exit "$status"
    ;;
  *)
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
