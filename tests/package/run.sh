#!/usr/bin/env bash
# The package as a consumer sees it: the program of docs/cpp.md built against (a) a fresh
# install prefix (find_package), (b) add_subdirectory and (c) FetchContent of this source tree,
# each with its compiler's default standard flags (no -std= of its own); each scores two
# examples and must print their IIDs. (b) and (c) set no build type, and the consumer checks
# that inovasi forced none on it (nor a standard, nor its tests); unoptimised, they build fast.
#   tests/package/run.sh [WORK_DIR]   (default build/package; the prefix is WORK_DIR/prefix)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mkdir -p "${1:-$root/build/package}" && cd "${1:-$root/build/package}" && pwd)
jobs=${JOBS:-2}
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root} CCACHE_NOHASHDIR=1
fi
gen=()
command -v ninja >/dev/null && gen=(-G Ninja)

# The program is docs/cpp.md's (the one ```cpp block with a main), so the page cannot drift.
python3 - "$root/docs/cpp.md" "$work/main.cpp" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
blocks = [b for b in re.findall(r"```cpp\n(.*?)```", text, re.S) if "int main(" in b]
if len(blocks) != 1:
    sys.exit(f"docs/cpp.md: expected one ```cpp block with a main, found {len(blocks)}")
open(sys.argv[2], "w", encoding="utf-8").write(blocks[0])
PY

rm -rf "$work/prefix" "$work/lib"
echo "== (a) install to a fresh prefix: $work/prefix"
# INOVASI_BUILD_TREE: install from a tree configured with INOVASI_INSTALL=ON that has built the
# library already, instead of building it once more here (the Python tree build/py is not one:
# the wheel installs no C++ package).
tree=${INOVASI_BUILD_TREE:-}
if [ -z "$tree" ]; then
  tree=$work/lib
  cmake -S "$root" -B "$tree" "${gen[@]}" "${launcher[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DINOVASI_BUILD_TESTS=OFF -DINOVASI_BUILD_PYTHON=OFF -DINOVASI_BUILD_BENCHMARKS=OFF >/dev/null
fi
cmake --build "$tree" -j "$jobs" --target inovasi >/dev/null
cmake --install "$tree" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/lib/cmake/inovasi/inovasi-config.cmake" || test -f "$work/prefix/lib64/cmake/inovasi/inovasi-config.cmake"
test -f "$work/prefix/share/inovasi/editions/iid-2024.json"
# No compiler extension in the public headers: every installed header compiles, pedantically,
# as if the compiler had no 128-bit integer (__int128 made an unknown name, its macro unset).
for h in "$work/prefix/include/inovasi/"*.hpp; do echo "#include \"inovasi/$(basename "$h")\""; done >"$work/all_headers.cpp"
"${CXX:-c++}" -std=c++20 -fsyntax-only -Wpedantic -Werror -U__SIZEOF_INT128__ -D__int128=no_int128_in_public_headers \
  -I"$work/prefix/include" "$work/all_headers.cpp"

consumer() {  # consumer NAME CMAKE_ARGS...
  local name=$1; shift
  rm -rf "$work/$name"
  cmake -S "$root/tests/package/consumer" -B "$work/$name" "${gen[@]}" "${launcher[@]}" \
    -DCONSUMER_MAIN="$work/main.cpp" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON "$@" >/dev/null
}
check() {  # check NAME: the consumer built with the standard its dependency asked for, and scores
  local name=$1 bin=$work/$1/consumer
  cmake --build "$work/$name" -j "$jobs" >/dev/null
  # The consumer sets no standard: the -std= flag of its own source comes from cxx_std_20.
  python3 - "$work/$name/compile_commands.json" <<'PY'
import json, sys
cmds = [c for c in json.load(open(sys.argv[1])) if c["file"].endswith("main.cpp")]
assert cmds, "main.cpp not compiled"
cmd = cmds[0].get("command") or " ".join(cmds[0]["arguments"])
assert "-std=gnu++20" in cmd or "-std=c++20" in cmd, cmd
PY
  local out
  out=$("$bin" "$root/examples/kabupaten-berau-2023.json")
  grep -q "^score 45.76 Inovatif " <<<"$out" || { echo "FAIL ($name): berau: $out" >&2; exit 1; }
  for step in supported built batch plan simulate; do
    grep -q "^$step " <<<"$out" || { echo "FAIL ($name): no '$step' line: $out" >&2; exit 1; }
  done
  out=$("$bin" "$root/examples/kota-surabaya-2023.json")
  grep -q "^score 66.63 Sangat Inovatif " <<<"$out" || { echo "FAIL ($name): surabaya: $out" >&2; exit 1; }
  # Bad input: the located error, exit status 2.
  local status=0
  out=$("$bin" "$root/tests/data/malformed/date-month-13.json" 2>&1) || status=$?
  [ "$status" = 2 ] && grep -q "date-month-13.json:.*/" <<<"$out" || { echo "FAIL ($name): bad input: $status $out" >&2; exit 1; }
  echo "ok ($name)"
}

consumer package -DINOVASI_VIA=package -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release
check package
echo "== (b) add_subdirectory"
consumer subdirectory -DINOVASI_VIA=subdirectory -DINOVASI_SOURCE_DIR="$root"
check subdirectory
echo "== (c) FetchContent (SOURCE_DIR)"
consumer fetchcontent -DINOVASI_VIA=fetchcontent -DINOVASI_SOURCE_DIR="$root"
check fetchcontent
echo "package tests passed"
