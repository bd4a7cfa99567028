#!/usr/bin/env bash
# Installs everything inovasi needs on a fresh Debian 12 or 13 machine (as root), then builds
# and installs the Python package (which also builds the C++ library and its tests, in one
# CMake tree: build/py). Idempotent: a second run only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

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

need_apt=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
base_pkgs=(g++ make libeigen3-dev libgtest-dev libgmock-dev libbenchmark-dev)
for p in "${base_pkgs[@]}"; do have_pkg "$p" || need_apt+=("$p"); done
if ! ls /usr/lib/*/cmake/boost_json-*/boost_json-config.cmake >/dev/null 2>&1 \
   && ! ls /usr/lib/cmake/boost_json-*/boost_json-config.cmake >/dev/null 2>&1; then
  need_apt+=("__boost_json__")
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
    else
      pkgs+=("$p")
    fi
  done
  $SUDO apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi

# --- Python packages ---------------------------------------------------------------------
PY=${PYTHON:-python3}
py_need=()
for spec in "numpy:numpy" "pandas:pandas" "pyarrow:pyarrow" "pytest:pytest" \
            "hypothesis:hypothesis" "pybind11:pybind11" "scikit_build_core:scikit-build-core" \
            "ninja:ninja" "cmake:cmake"; do
  mod=${spec%%:*}; pkg=${spec#*:}
  "$PY" -c "import $mod" >/dev/null 2>&1 || py_need+=("$pkg")
done
if [ "${#py_need[@]}" -gt 0 ]; then
  log "installing Python packages: ${py_need[*]}"
  "$PY" -m pip install -q "${py_need[@]}"
fi

# --- Build and install inovasi (C++ core, tests, Python extension: one CMake tree) ----------
log "building inovasi (build/py)"
"$PY" -m pip install -q --no-build-isolation --no-deps . 1>&2
command -v pyenv >/dev/null 2>&1 && pyenv rehash >/dev/null 2>&1 || true
log "ready: $(command -v inovasi || echo 'inovasi not on PATH')"
