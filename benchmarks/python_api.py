"""The Python API's cost per region: score() of a parsed Submission (the result's breakdown then
read as Python values, no JSON round trip) beside score() of a dict, of JSON text, and the
steps between (a dict to text in C++, parsing, to_dict through JSON).

    PYTHONPATH=python python3 benchmarks/python_api.py [--rounds 7] [--number 300] [FILE]

FILE defaults to examples/kabupaten-berau-2023.json (12 innovations). Figures are the best
of the rounds in microseconds per call (the machine may be shared: the best round is the one
least disturbed), with the median beside it; CPU time per call is given too.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def timed(fn, rounds: int, number: int) -> tuple[float, float, float]:
    fn()
    walls, cpus = [], []
    for _ in range(rounds):
        c0, t0 = time.process_time(), time.perf_counter()
        for _ in range(number):
            fn()
        walls.append((time.perf_counter() - t0) / number * 1e6)
        cpus.append((time.process_time() - c0) / number * 1e6)
    return min(walls), statistics.median(walls), statistics.median(cpus)


def measure(path: pathlib.Path, rounds: int = 7, number: int = 300) -> list[tuple[str, float, float, float]]:
    import inovasi
    from inovasi import _core

    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    sub = inovasi.parse_submission(data)

    def breakdown() -> object:
        r = inovasi.score(sub)
        return r.indicators, r.innovations, r.departments, r.findings

    cases = [
        ("_core.score(parsed) (the core alone)", lambda: _core.score(sub, "self_assessed")),
        ("score(parsed Submission) -> Result", lambda: inovasi.score(sub)),
        ("score(parsed) + breakdown as Python values", breakdown),
        ("score(parsed).to_dict() (JSON round trip)", lambda: inovasi.score(sub).to_dict()),
        ("dict -> JSON text in C++ (json_text)", lambda: _core.json_text(data)),
        ("json.dumps(dict) (for comparison)", lambda: json.dumps(data)),
        ("parse_submission(JSON text)", lambda: inovasi.parse_submission(text)),
        ("score(dict)", lambda: inovasi.score(data)),
        ("score(JSON text)", lambda: inovasi.score(text)),
    ]
    return [(name, *timed(fn, rounds, number)) for name, fn in cases]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", default=str(ROOT / "examples" / "kabupaten-berau-2023.json"))
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--number", type=int, default=300)
    args = ap.parse_args(argv)
    path = pathlib.Path(args.file)
    innovations = len(json.loads(path.read_text(encoding="utf-8")).get("innovations", []))
    print(f"{path.name}: {innovations} innovations; microseconds per call "
          f"(best of {args.rounds} rounds of {args.number}; median; CPU)")
    for name, best, median, cpu in measure(path, args.rounds, args.number):
        print(f"  {name:<46} {best:9.1f} {median:9.1f} {cpu:9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
