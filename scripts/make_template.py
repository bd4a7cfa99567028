#!/usr/bin/env python3
"""Writes examples/template.xlsx, the planners' workbook (docs/spreadsheets.md), from the
edition (default iid-2026). The committed file is this script's output: tests/python/
test_spreadsheet.py checks that they agree, sheet by sheet and cell by cell.

    python3 scripts/make_template.py [--edition iid-2026] [--out examples/template.xlsx]
"""

import argparse
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
try:  # the installed package (or PYTHONPATH's); else this tree's, when its extension is built in
    from inovasi import spreadsheet
except ImportError:
    sys.path.insert(0, str(ROOT / "python"))
    from inovasi import spreadsheet  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--edition", default="iid-2026")
    ap.add_argument("--out", default=str(ROOT / "examples" / "template.xlsx"))
    args = ap.parse_args()
    spreadsheet.make_template(args.out, edition=args.edition)
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
