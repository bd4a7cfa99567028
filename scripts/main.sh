#!/usr/bin/env bash
# The main job: set up, then score the bundled example regions and print a table.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec python3 -m inovasi score examples/*.json --format table
