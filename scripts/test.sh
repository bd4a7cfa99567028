#!/usr/bin/env bash
# Every test: set up (builds the C++ core, its GoogleTest suite and the Python extension in one
# CMake tree, build/py), then the C++ tests with ctest and the Python tests with pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== C++ tests (ctest) =="
ctest --test-dir build/py --output-on-failure -j "$(nproc)"
echo "== Python tests (pytest) =="
HYPOTHESIS_PROFILE=${HYPOTHESIS_PROFILE:-ci} python3 -m pytest -q -p no:cacheprovider tests/python
