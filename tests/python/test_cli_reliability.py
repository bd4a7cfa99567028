"""No data lost (docs/reliability.md): the CLI streams its input record by record and publishes
its output only when the run succeeds. The previous --out file survives every error and a
SIGKILL mid-run (synchronised through FIFOs, never a sleep); a killed run's temporary file is
removed by the next run; --keep-going reports every bad line and still exits 2."""

from __future__ import annotations

import json
import os
import pathlib
import select
import signal
import subprocess
import sys

import pytest

import inovasi

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
OLD = b"previous output \xe2\x9c\x93\nline 2\n"  # what --out held before each run


def run(*args, input=None, env=None):
    return subprocess.run([sys.executable, "-m", "inovasi", *map(str, args)], input=input,
                          capture_output=True, cwd=ROOT, env=env)


def region(code: str, level: int = 2) -> dict:
    """A small valid submission (iid-2023, two government rows)."""
    return {"edition": "iid-2023", "region": {"code": code, "type": "kabupaten"},
            "government": {"1": {"level": level}, "12": {"level": 3}}}


def jsonl(records) -> bytes:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records).encode()


def expected_lines(records) -> list[str]:
    """The non-streaming path: inovasi.score on each record."""
    return [inovasi.score(r).to_json() for r in records]


def only_files(directory) -> list[str]:
    return sorted(p.name for p in pathlib.Path(directory).iterdir())


@pytest.fixture
def out(tmp_path):
    d = tmp_path / "out"
    d.mkdir()
    o = d / "scores.jsonl"
    o.write_bytes(OLD)
    return o


def assert_untouched(out):
    assert out.read_bytes() == OLD
    assert only_files(out.parent) == [out.name]  # no temporary left behind


# --- (a) every error leaves the previous output intact -----------------------------------------

def test_bad_record_in_the_middle_keeps_the_old_output(tmp_path, out):
    good = tmp_path / "good.jsonl"
    good.write_bytes(jsonl([region(f"11.{i:02d}") for i in range(1, 40)]))
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(jsonl([region("12.01"), region("12.02"), '{"edition":"iid-2023","region":{"code":"12.03"}}',
                           region("12.04")]))
    # The first file's records are spooled before the second file's line 3 fails.
    for args in ([good, bad], [bad]):
        p = run("score", *args, "--out", out)
        assert p.returncode == 2, p.stderr
        assert p.stdout == b""
        assert f'{bad}:3:1: /region: missing required field "type"'.encode() in p.stderr
        assert_untouched(out)
        p = run("check", *args, "--out", out)
        assert p.returncode == 2
        assert_untouched(out)
    # stdout: nothing at all, although the first file was fine
    p = run("score", good, bad)
    assert p.returncode == 2 and p.stdout == b""


def test_unreadable_second_file_keeps_the_old_output(tmp_path, out):
    good = tmp_path / "good.jsonl"
    good.write_bytes(jsonl([region("11.01")]))
    missing = tmp_path / "tidak-ada.jsonl"
    for second, why in ((missing, b"No such file or directory"), (tmp_path, b"Is a directory"),
                        # opens fine, fails on read (EIO) after the first file was spooled
                        (pathlib.Path("/proc/self/mem"), b"Input/output error")):
        p = run("score", good, second, "--out", out)
        assert p.returncode == 2, p.stderr
        assert p.stdout == b""
        assert str(second).encode() + b": cannot read (" + why + b")" in p.stderr
        assert_untouched(out)


def test_bad_options_keep_the_old_output(tmp_path, out):
    good = tmp_path / "good.jsonl"
    good.write_bytes(jsonl([region("11.01")]))
    for opts, msg in ((["--edition", "iid-1999"], b"iid-1999"), (["--policy", "lenient"], b"--policy"),
                      (["--edition", tmp_path / "no-edition.json"], b"no-edition.json")):
        p = run("score", good, *opts, "--out", out)
        assert p.returncode == 2
        assert msg in p.stderr
        assert_untouched(out)


def test_out_in_a_missing_directory_is_a_clear_error(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_bytes(jsonl([region("11.01")]))
    p = run("score", good, "--out", tmp_path / "nope" / "scores.jsonl")
    assert p.returncode == 2
    assert b"--out" in p.stderr and b"cannot write (No such file or directory)" in p.stderr


# --- (b) SIGKILL mid-run ------------------------------------------------------------------------

def wait_for_sync_byte(sync_fd: int, proc: subprocess.Popen) -> bytes:
    """Blocks until the CLI writes its sync byte. poll() wakes up once a second only to notice a
    CLI that died early (a hang guard, not a timing assumption)."""
    poller = select.poll()
    poller.register(sync_fd, select.POLLIN)
    for _ in range(120):
        if poller.poll(1000):
            return os.read(sync_fd, 1)
        if proc.poll() is not None:
            pytest.fail(f"the CLI exited early ({proc.returncode}): {proc.stderr.read()!r}")
    pytest.fail("no sync byte from the CLI")


def test_sigkill_mid_run_keeps_the_old_output_and_the_next_run_cleans_up(tmp_path, out):
    inp = tmp_path / "input.fifo"
    sync = tmp_path / "sync.fifo"
    os.mkfifo(inp)
    os.mkfifo(sync)
    # Read ends first, so neither side blocks in open(): O_RDWR on the input FIFO lets the CLI's
    # open succeed at once; the sync FIFO's non-blocking read end lets the CLI open it to write.
    in_fd = os.open(inp, os.O_RDWR)
    sync_fd = os.open(sync, os.O_RDONLY | os.O_NONBLOCK)
    env = {**os.environ, "INOVASI_TEST_SYNC_FIFO": str(sync)}
    proc = subprocess.Popen([sys.executable, "-m", "inovasi", "score", str(inp), "--out", str(out)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first = [region(f"13.{i:02d}") for i in range(1, 6)]
        os.write(in_fd, jsonl(first))  # ~1 KB: fits the pipe, never blocks
        assert wait_for_sync_byte(sync_fd, proc) == b"1"
        # The CLI has spooled its first records and now waits for more input: kill it there.
        temps = [n for n in only_files(out.parent) if n != out.name]
        assert len(temps) == 1
        assert temps[0].startswith(f".{out.name}.inovasi-tmp-{proc.pid}-")
        assert (out.parent / temps[0]).stat().st_size > 0
        assert out.read_bytes() == OLD
        proc.send_signal(signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL  # reaped: its pid is no longer alive
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
        os.close(in_fd)
        os.close(sync_fd)
    # The old output is intact; the killed run's temporary is still there, unmistakable for output.
    assert out.read_bytes() == OLD
    stale = [n for n in only_files(out.parent) if n != out.name]
    assert len(stale) == 1 and stale[0].startswith(f".{out.name}.inovasi-tmp-{proc.pid}-")

    # Other temporaries are left alone: a live process's (this test's pid) and another output's.
    live = out.parent / f".{out.name}.inovasi-tmp-{os.getpid()}-0abc"
    live.write_bytes(b"in use")
    other = out.parent / f".other.jsonl.inovasi-tmp-{proc.pid}-0abc"
    other.write_bytes(b"not ours")

    # The next run removes the stale temporary and writes the right output.
    records = [region(f"14.{i:02d}", level=i % 4) for i in range(1, 8)]
    good = tmp_path / "good.jsonl"
    good.write_bytes(jsonl(records))
    p = run("score", good, "--out", out)
    assert p.returncode == 0, p.stderr
    assert out.read_text(encoding="utf-8").splitlines() == expected_lines(records)
    assert only_files(out.parent) == sorted([out.name, live.name, other.name])


# --- (c) --keep-going ---------------------------------------------------------------------------

def seven_lines_bad_2_and_5():
    good = [region(f"15.{i:02d}", level=i % 4) for i in range(1, 8)]
    lines = [json.dumps(r) for r in good]
    bad2 = region("15.02")
    bad2["government"]["1"]["level"] = 7
    lines[1] = json.dumps(bad2)                                 # a rule: level out of range
    lines[4] = '{"edition": "iid-2023", "region": NaN}'          # a syntax error
    return lines, [r for i, r in enumerate(good) if i not in (1, 4)]


def test_keep_going_scores_every_good_line_and_reports_every_bad_one(tmp_path, out):
    lines, good = seven_lines_bad_2_and_5()
    f = tmp_path / "nasional.jsonl"
    f.write_bytes(jsonl(lines))
    p = run("score", f, "--keep-going")
    assert p.returncode == 2
    assert p.stdout.decode().splitlines() == expected_lines(good)  # 5 scores, in input order
    err = p.stderr.decode().splitlines()
    assert len(err) == 2
    assert err[0].startswith(f"{f}:2:1: /government/1/level: 7 is out of range 0..3")
    assert err[1].startswith(f"{f}:5:35: syntax error: NaN and Infinity are not JSON numbers")
    # the same with --out: the good scores replace the old file, the status still says "failed"
    p = run("score", f, "--keep-going", "--out", out)
    assert p.returncode == 2
    assert p.stdout == b""
    assert out.read_text(encoding="utf-8").splitlines() == expected_lines(good)
    assert only_files(out.parent) == [out.name]
    # and from stdin
    p = run("score", "-", "--keep-going", input=f.read_bytes())
    assert p.returncode == 2
    assert p.stdout.decode().splitlines() == expected_lines(good)
    assert "<stdin>:2:1:" in p.stderr.decode() and "<stdin>:5:35:" in p.stderr.decode()


def test_without_keep_going_the_first_bad_line_stops_the_run(tmp_path, out):
    lines, _ = seven_lines_bad_2_and_5()
    f = tmp_path / "nasional.jsonl"
    f.write_bytes(jsonl(lines))
    p = run("score", f, "--out", out)
    assert p.returncode == 2
    err = p.stderr.decode()
    assert f"{f}:2:1:" in err and f"{f}:5:" not in err
    assert_untouched(out)


# --- (d) stdin ----------------------------------------------------------------------------------

def test_stdin_streams_across_many_chunks(tmp_path):
    # ~3 MB through a pipe: more than a pipe buffer and than the 1 MiB read chunk; one record of
    # 1.5 MiB spans several chunks.
    records = [region(f"16.{i % 100:02d}", level=i % 4) for i in range(12000)]
    big = region("16.99")
    big["x-pad"] = "p" * (3 << 19)
    records.insert(6000, big)
    data = jsonl(records)
    assert len(data) > 3_000_000
    p = run("score", "-", input=data)
    assert p.returncode == 0, p.stderr
    got = p.stdout.decode().splitlines()
    assert len(got) == len(records)
    distinct = {json.dumps(r, sort_keys=True): r for r in records}
    want = {k: inovasi.score(r).to_json() for k, r in distinct.items()}
    assert got == [want[json.dumps(r, sort_keys=True)] for r in records]
    # a file gives the same bytes
    f = tmp_path / "big.jsonl"
    f.write_bytes(data)
    assert run("score", f).stdout == p.stdout


def test_empty_stdin_is_bad_input():
    p = run("score", "-", input=b"  \n")
    assert p.returncode == 2
    assert b"<stdin>: empty input" in p.stderr


# --- (e) streaming gives what the non-streaming API gives ----------------------------------------

@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_each_example_scores_as_the_api_does(path):
    p = run("score", path)
    assert p.returncode == 0, p.stderr
    assert p.stdout.decode() == inovasi.score(path).to_json() + "\n"


def test_all_examples_as_one_stream(tmp_path):
    want = [inovasi.score(path).to_json() for path in EXAMPLES]
    # JSON Lines (one compact record per line), and the pretty-printed files one after another
    compact = b"".join(json.dumps(json.loads(path.read_bytes()), ensure_ascii=False).encode() + b"\n"
                       for path in EXAMPLES)
    pretty = b"".join(path.read_bytes() + b"\n" for path in EXAMPLES)
    for data in (compact, pretty):
        f = tmp_path / "all.jsonl"
        f.write_bytes(data)
        p = run("score", f)
        assert p.returncode == 0, p.stderr
        assert p.stdout.decode().splitlines() == want
        p = run("score", "-", input=data)
        assert p.stdout.decode().splitlines() == want
    # several files in one run: in argument order
    p = run("score", *EXAMPLES)
    assert p.stdout.decode().splitlines() == want
