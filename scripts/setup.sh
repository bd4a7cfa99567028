#!/usr/bin/env bash
# Installs everything inovasi needs on a fresh Debian 12 or 13 machine (as root), then builds
# and installs the Python package (which also builds the C++ library and its tests, in one
# CMake tree: build/py). Idempotent: a second run only rebuilds what changed.
#
#   scripts/setup.sh --sanitizers   only the system packages, plus clang and its sanitizer and
#                                   libFuzzer runtime (CMake presets asan/tsan; no Python build)
set -euo pipefail
cd "$(dirname "$0")/.."
SANITIZERS=0
if [ "${1:-}" = "--sanitizers" ]; then SANITIZERS=1; fi

log() { printf '[setup] %s\n' "$*" >&2; }

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# --- System packages (Debian) -------------------------------------------------------------
boost_json_pkg() {
  # Debian 13 ships libboost-json-dev; Debian 12 only the versioned libboost-json1.81-dev.
  local p
  for p in libboost-json-dev libboost-json1.83-dev libboost-json1.81-dev; do
    if apt-cache show "$p" >/dev/null 2>&1; then echo "$p"; return 0; fi
  done
  return 1
}

# clang and the matching runtime package (Debian 12: clang 14 + libclang-rt-14-dev; Debian 13:
# 19): the version is the one the `clang` package depends on, installed or apt's candidate.
clang_rt_pkg() {
  local deps
  if have_pkg clang; then deps=$(dpkg-query -W -f='${Depends}' clang)
  else deps=$(apt-cache show clang 2>/dev/null | sed -n 's/^Depends: //p' | head -n 1); fi
  deps=$(grep -o 'clang-[0-9][0-9]*' <<<"$deps" | head -n 1)
  [ -n "$deps" ] && echo "libclang-rt-${deps#clang-}-dev"
}

need_apt=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
base_pkgs=(g++ make ccache libeigen3-dev libgtest-dev libgmock-dev libbenchmark-dev chromium)  # chromium: the report's browser test; ccache: the package tests' repeated library builds
for p in "${base_pkgs[@]}"; do have_pkg "$p" || need_apt+=("$p"); done
if ! ls /usr/lib/*/cmake/boost_json-*/boost_json-config.cmake >/dev/null 2>&1 \
   && ! ls /usr/lib/cmake/boost_json-*/boost_json-config.cmake >/dev/null 2>&1; then
  need_apt+=("__boost_json__")
fi
if [ "$SANITIZERS" = 1 ]; then
  have_pkg clang || need_apt+=(clang)
  rt=$(clang_rt_pkg || true)
  if [ -z "$rt" ] || ! have_pkg "$rt"; then need_apt+=("__clang_rt__"); fi
fi
if [ "${#need_apt[@]}" -gt 0 ]; then
  log "installing system packages: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  pkgs=()
  for p in "${need_apt[@]}"; do
    if [ "$p" = "__boost_json__" ]; then
      bj=$(boost_json_pkg) || { log "no Boost.JSON package found in apt"; exit 1; }
      pkgs+=("$bj")
    elif [ "$p" = "__clang_rt__" ]; then
      rt=$(clang_rt_pkg) || { log "cannot tell which libclang-rt-*-dev matches clang"; exit 1; }
      pkgs+=("$rt")
    else
      pkgs+=("$p")
    fi
  done
  $SUDO apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi

# --- Python packages ---------------------------------------------------------------------
PY=${PYTHON:-python3}
# One interpreter start for all of them: find_spec locates a module without importing it.
mapfile -t py_need < <("$PY" - <<'PYEOF'
import importlib.util
for mod, pkg in [("numpy", "numpy"), ("pandas", "pandas"), ("pyarrow", "pyarrow"), ("pytest", "pytest"),
                 ("hypothesis", "hypothesis"), ("pybind11", "pybind11"), ("scikit_build_core", "scikit-build-core"),
                 ("ninja", "ninja"), ("cmake", "cmake"),
                 ("ortools", "ortools"), ("tqdm", "tqdm"),  # ortools: CP-SAT, the planner's second solver in the tests; tqdm: progress bars
                 ("SALib", "SALib"),  # the sensitivity estimators' oracle in the tests
                 ("openpyxl", "openpyxl"),  # spreadsheets in and out
                 ("cloudpickle", "cloudpickle"), ("dask", "dask[dataframe]"), ("distributed", "distributed"),
                 ("mypy", "mypy"), ("pandas-stubs", "pandas-stubs"),  # the typed-usage test (mypy --strict)
                 ("mkdocs", "mkdocs"), ("material", "mkdocs-material"),  # the documentation site
                 ("nbclient", "nbclient"), ("ipykernel", "ipykernel"), ("matplotlib", "matplotlib"),  # the tutorial
                 ("playwright", "playwright")]:  # the report's browser test, driving Debian's chromium
    if importlib.util.find_spec(mod) is None:
        print(pkg)
PYEOF
)
if [ "${#py_need[@]}" -gt 0 ]; then
  log "installing Python packages: ${py_need[*]}"
  "$PY" -m pip install -q "${py_need[@]}"
fi

if [ "$SANITIZERS" = 1 ]; then
  log "sanitizer toolchain ready: $(clang++ --version | head -n 1), $(clang_rt_pkg)"
  exit 0
fi

# --- Build and install inovasi (C++ core, tests, Python extension: one CMake tree) ----------
# Skipped when nothing it is built from has changed since the last install (a fingerprint of
# the sources, including the C++ tests the same tree builds for ctest, and the interpreter) and
# the installed package still imports: pip would spend seconds re-checking a build that is up to
# date, on every run of the main job.
stamp=build/py/.installed-fingerprint
fingerprint=$( { "$PY" -c 'import sys; print(sys.executable, sys.version)';
                 find include src bindings python cmake editions tests/cpp CMakeLists.txt pyproject.toml -type f \
                   -not -name '*.pyc' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum; } | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$fingerprint" ] \
   && (cd / && "$PY" -c 'import inovasi._core') >/dev/null 2>&1; then
  log "inovasi is up to date (build/py)"
else
  log "building inovasi (build/py)"
  rm -f "$stamp"
  # The C++ tests are built in the same tree (build/py) for ctest; a plain `pip install .`
  # leaves them out and needs no GoogleTest.
  "$PY" -m pip install -q --no-build-isolation --no-deps -C cmake.define.INOVASI_BUILD_TESTS=ON . 1>&2
  mkdir -p build/py && echo "$fingerprint" > "$stamp"
fi
command -v pyenv >/dev/null 2>&1 && pyenv rehash >/dev/null 2>&1 || true
log "ready: $(command -v inovasi || echo 'inovasi not on PATH')"
