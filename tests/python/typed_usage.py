"""A typed use of the package, checked with `mypy --strict` by test_typing.py: what a user's
annotated code sees through py.typed and the stubs of inovasi._core."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import inovasi
from inovasi import _core

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kabupaten-berau-2023.json"


def iid_of(path: Path, policy: str = "supported") -> float:
    result: inovasi.Result = inovasi.score(path, policy=policy)
    return result.iid


def breakdown(sub: inovasi.Submission) -> dict[str, int]:
    r = inovasi.score(sub)
    points: dict[str, int] = {}
    for inv in r.innovations:
        points[str(inv["id"])] = int(inv["points_h"])
    return points


def components(r: inovasi.Result) -> tuple[int, int, int, int, str]:
    return r.government_h, r.innovation_sum_h, r.count_h, r.divisor, r.iid_exact


def rebuilt(sub: inovasi.Submission) -> inovasi.Submission:
    back: inovasi.Submission = pickle.loads(pickle.dumps(sub, protocol=5))
    return back


def edition_rows(name: str) -> list[tuple[str, str, str]]:
    ed: inovasi.Edition = inovasi.edition(name)
    digest: str = ed.sha256
    assert len(digest) == 64 and isinstance(ed.text, bytes)
    return [(str(r["key"]), str(r["name"]), str(r["weight"])) for r in ed.rows]


def many(path: Path) -> list[str]:
    out: list[str] = []
    for rec in inovasi.score_many(path):
        line: int = rec.line
        assert line >= 1
        if rec.score_json is not None:
            out.append(rec.score_json)
    return out


def located(data: dict[str, Any]) -> str | None:
    try:
        inovasi.score(data)
    except inovasi.InputError as exc:
        pointer: str | None = exc.pointer
        return pointer
    return None


def core_direct(sub: inovasi.Submission) -> int:
    s: _core.Score = _core.score(sub, "strict")
    limits: _core.ParseLimits = sub.limits
    return s.iid_hundredths + limits.max_depth * 0


def version() -> str:
    v: str = inovasi.__version__
    return v


def main() -> None:
    sub = inovasi.parse_submission(EXAMPLE)
    assert iid_of(EXAMPLE) >= 0
    assert breakdown(sub)
    assert components(inovasi.score(sub))[3] >= 1
    assert rebuilt(sub).region_code == sub.region_code
    assert edition_rows("iid-2024")
    assert many(EXAMPLE)
    assert located({"edition": "iid-2024", "region": {"code": "1"}}) == "/region"
    assert core_direct(sub) >= 0
    assert version()


if __name__ == "__main__":
    main()
