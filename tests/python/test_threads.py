"""Python threads: identical results to sequential calls, and the heavy calls release the GIL."""

from __future__ import annotations

import json
import pathlib
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import inovasi
from inovasi import _core

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
POLICIES = inovasi.policies()


def _jsonl() -> str:
    """Every example as one JSON Lines text (one compact record per line)."""
    return "".join(json.dumps(json.loads(p.read_text()), ensure_ascii=False) + "\n" for p in EXAMPLES)


def _big_submission(innovations: int) -> str:
    """A large iid-2026 submission: every row answered, `innovations` innovations."""
    ed = inovasi.edition("iid-2026")
    gov = {r["key"]: {"level": 2} for r in ed.rows if not r["per_innovation"]}
    inn_rows = [r["key"] for r in ed.rows if r["per_innovation"]]
    invs = [{"id": f"i{i}", "name": f"Inovasi {i}", "department": f"Dinas {i % 7}", "status": "submitted",
             "affairs": ["pendidikan"], "answers": {k: {"level": (i + j) % 4} for j, k in enumerate(inn_rows)}}
            for i in range(innovations)]
    return json.dumps({"edition": "iid-2026",
                       "region": {"code": "35.78", "name": "Kota Uji", "type": "kota"},
                       "government": gov, "innovations": invs})


def _score_task(task: tuple) -> str:
    path, policy = task
    return inovasi.score(path, policy=policy).to_json()


def _parse_task(path) -> tuple:
    s = inovasi.parse_submission(path)
    return (s.region_code, s.edition.name, s.innovation_count, repr(s))


@pytest.mark.parametrize("workers", [1, 2, 8])
def test_threads_score_like_sequential_calls(workers):
    tasks = [(p, pol) for p in EXAMPLES for pol in POLICIES] * 3
    want = [_score_task(t) for t in tasks]
    assert len(set(want)) == len(EXAMPLES) * len(POLICIES)  # each result names its region and policy
    with ThreadPoolExecutor(max_workers=workers) as pool:
        got = list(pool.map(_score_task, tasks))
    assert got == want


@pytest.mark.parametrize("workers", [1, 2, 8])
def test_threads_parse_and_score_many_like_sequential_calls(workers):
    text = _jsonl()
    want_parse = [_parse_task(p) for p in EXAMPLES]
    want_many = {pol: inovasi.score_many(text, policy=pol) for pol in POLICIES}
    # Every example is a good record, scored.
    assert all(r[3] is not None and r[4] is None for rs in want_many.values() for r in rs)
    assert [r[0] for r in want_many["self_assessed"]] == list(range(len(EXAMPLES)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        parsed = pool.map(_parse_task, EXAMPLES * 4)
        many = pool.map(lambda pol: (pol, inovasi.score_many(text, policy=pol)), POLICIES * 3)
        got_parse, got_many = list(parsed), list(many)
    assert got_parse == want_parse * 4
    for pol, rs in got_many:
        assert rs == want_many[pol], pol


# --- The GIL is released in the heavy calls ----------------------------------------------------
#
# Deterministic, not a timing assertion. CPython hands the GIL from a running thread to a waiting
# one only (a) when the running thread blocks or releases it explicitly (py::gil_scoped_release),
# or (b) after the waiting thread has waited `sys.getswitchinterval()` seconds and sets a drop
# request, which the running thread honours at its next eval-breaker check (and one such check
# comes right after a C function returns). With the switch interval raised to 1000 s, (b) cannot
# happen during the test, so the only way the counting thread below can run while the worker is
# inside a C++ call is that the call released the GIL:
#   * GIL held through the call: the counter cannot move between the worker's two reads of it,
#     exactly 0 on every attempt, whatever the scheduling (so the test cannot pass by luck);
#   * GIL released: the counter moves while the C++ code runs. That needs the OS to schedule the
#     counting thread during the call, so the worker repeats the call (up to ATTEMPTS times)
#     until one call saw the counter move at least MIN_TICKS times.
# The counting thread blocks in time.sleep() between increments (which releases the GIL) so the
# worker can take the GIL back when its call returns.
ATTEMPTS = 20
MIN_TICKS = 2


def _ticks_during(call) -> list[int]:
    counter = [0]
    done = threading.Event()
    ready = threading.Event()
    seen: list[int] = []

    def worker():
        ready.wait()
        for _ in range(ATTEMPTS):
            before = counter[0]
            call()
            seen.append(counter[0] - before)
            if seen[-1] >= MIN_TICKS:
                break
        done.set()

    old = sys.getswitchinterval()
    sys.setswitchinterval(1000.0)
    try:
        t = threading.Thread(target=worker)
        t.start()
        ready.set()
        while not done.is_set():
            counter[0] += 1
            time.sleep(0.0001)
        t.join()
    finally:
        sys.setswitchinterval(old)
    return seen


@pytest.fixture(scope="module")
def big_jsonl():
    line = json.dumps(json.loads(_big_submission(400)))
    return "".join(line + "\n" for _ in range(10))


def test_score_records_releases_the_gil(big_jsonl):
    seen = _ticks_during(lambda: _core.score_records(big_jsonl))
    assert max(seen) >= MIN_TICKS, seen


def test_parse_submission_and_score_release_the_gil():
    text = _big_submission(2000)
    seen = _ticks_during(lambda: inovasi.parse_submission(text))
    assert max(seen) >= MIN_TICKS, seen
    sub = inovasi.parse_submission(text)
    seen = _ticks_during(lambda: [_core.score(sub, "strict") for _ in range(5)])
    assert max(seen) >= MIN_TICKS, seen


def test_parse_edition_releases_the_gil():
    text = (ROOT / "editions" / "iid-2026.json").read_text()
    seen = _ticks_during(lambda: [_core.parse_edition(text, "iid-2026.json") for _ in range(5)])
    assert max(seen) >= MIN_TICKS, seen


def test_the_counter_stays_still_while_python_holds_the_gil():
    # The control: a call that keeps the GIL (pure Python, no blocking) never sees the counter
    # move with the raised switch interval, so the checks above measure the GIL release.
    def busy():
        x = 0
        for i in range(300_000):
            x += i
        return x

    seen = _ticks_during(busy)
    assert seen == [0] * ATTEMPTS
