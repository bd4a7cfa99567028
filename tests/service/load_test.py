#!/usr/bin/env python3
"""Load test of examples/cpp-service on 127.0.0.1.

Starts the server, checks the edges one connection at a time (a body over the limit is a 413, a
stalled request is cut off, a request that is not HTTP is a 400), then runs --requests requests
from --clients concurrent keep-alive clients: the shipped examples under every policy (POST
/score), the examples as JSON Lines (POST /score-lines, streamed back), the hostile corpus, an
edition override, and malformed requests mixed in (the whole malformed corpus of tests/data,
wrong paths, methods and query parameters). Every good answer must equal, byte for byte, what
the Python CLI (`python -m inovasi score`) prints for the same input; every bad one must be a 4xx
whose error names the place the malformed corpus's manifest gives (JSON Pointer, line, message);
the server must still answer at the end and exit cleanly on SIGTERM. Requests per second and
latency percentiles are printed (measured, never asserted).

    python3 tests/service/load_test.py --server build/service/inovasi-service
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
MALFORMED = ROOT / "tests" / "data" / "malformed"
HOSTILE = ROOT / "tests" / "data" / "hostile"
POLICIES = ("self_assessed", "supported", "strict", "assessor")
MAX_BODY = 1 << 20


@dataclass
class Case:
    name: str
    method: str
    path: str
    body: bytes
    expect_status: int | None = None  # exact, for good answers (200) and protocol errors
    expect_body: bytes | None = None  # byte-for-byte, for good answers
    # For bad input: a 4xx whose JSON error has these (pointer, line, message substring).
    bad: dict = field(default_factory=dict)


def cli(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "inovasi", "score", *args], capture_output=True)


def cli_lines(args: list[str], count: int) -> list[bytes]:
    r = cli(args)
    if r.returncode != 0:
        sys.exit(f"CLI failed on {args}: {r.stderr.decode(errors='replace')}")
    lines = r.stdout.splitlines(keepends=True)
    if len(lines) != count:
        sys.exit(f"CLI gave {len(lines)} lines for {count} records: {args}")
    return lines


def build_corpus(tmp: Path) -> tuple[list[Case], list[Case]]:
    good: list[Case] = []
    bad: list[Case] = []
    examples = sorted(EXAMPLES.glob("*.json"))
    for policy in POLICIES:
        lines = cli_lines(["--policy", policy, *map(str, examples)], len(examples))
        for path, line in zip(examples, lines):
            good.append(Case(f"{path.name} {policy}", "POST", f"/score?policy={policy}", path.read_bytes(), 200, line))
    # An edition override, as the CLI's --edition.
    berau = EXAMPLES / "kabupaten-berau-2023.json"
    good.append(Case("berau under iid-2024", "POST", "/score?edition=iid-2024", berau.read_bytes(), 200,
                     cli_lines(["--edition", "iid-2024", str(berau)], 1)[0]))
    # The examples as JSON Lines (a pretty-printed object has no newline inside a string, so
    # joining its lines keeps it the same JSON), and the JSON Lines of the hostile corpus.
    jsonl = tmp / "examples.jsonl"
    jsonl.write_bytes(b"".join(p.read_bytes().replace(b"\n", b" ").strip() + b"\n" for p in examples))
    for policy in ("self_assessed", "supported", "assessor"):
        expected = b"".join(cli_lines(["--policy", policy, str(jsonl)], len(examples)))
        good.append(Case(f"examples.jsonl {policy}", "POST", f"/score-lines?policy={policy}", jsonl.read_bytes(),
                         200, expected))
    for path in sorted(HOSTILE.glob("*.jsonl")):
        r = cli([str(path)])
        if r.returncode == 0:
            good.append(Case(f"hostile/{path.name}", "POST", "/score-lines", path.read_bytes(), 200, r.stdout))
        else:
            bad.append(Case(f"hostile/{path.name}", "POST", "/score-lines", path.read_bytes(), bad={}))

    manifest = json.loads((ROOT / "tests" / "data" / "malformed_manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["submissions"]:
        path = MALFORMED / entry["file"]
        if entry["file"].endswith(".jsonl"):
            first = min(entry["errors"], key=lambda e: e["record"])
            expect = {"pointer": first.get("pointer"), "line": first.get("line"), "message": first["message"],
                      "record": first["record"]}
            bad.append(Case(f"malformed/{path.name}", "POST", "/score-lines", path.read_bytes(), bad=expect))
        else:
            expect = {"pointer": entry.get("pointer"), "line": entry.get("line"), "message": entry["message"]}
            bad.append(Case(f"malformed/{path.name}", "POST", "/score", path.read_bytes(), bad=expect))
    assert len([c for c in bad if c.name.startswith("malformed/")]) == len(list(MALFORMED.iterdir()))

    body = berau.read_bytes()
    bad += [
        Case("unknown policy", "POST", "/score?policy=lenient", body, 400, bad={"message": "not a validation policy"}),
        Case("unknown edition", "POST", "/score?edition=iid-1999", body, 400, bad={"message": "not a shipped edition"}),
        Case("unknown parameter", "POST", "/score?format=table", body, 400, bad={"message": "unknown parameter"}),
        Case("GET /score", "GET", "/score", b"", 405, bad={"message": "POST only"}),
        Case("wrong path", "POST", "/scores", body, 404, bad={"message": "no such path"}),
        Case("empty body", "POST", "/score", b"", 400, bad={"message": "empty input"}),
        Case("two records to /score", "POST", "/score", body + body, 400, bad={"message": "more than one"}),
    ]
    return good, bad


def check_answer(case: Case, status: int, data: bytes) -> str | None:
    """None when the answer is right, else what is wrong."""
    if case.expect_body is not None:
        if status != 200:
            return f"status {status}: {data[:300]!r}"
        if data != case.expect_body:
            return f"body differs from the CLI's: {data[:200]!r} vs {case.expect_body[:200]!r}"
        return None
    if case.expect_status is not None and status != case.expect_status:
        return f"status {status}, expected {case.expect_status}: {data[:300]!r}"
    if not 400 <= status < 500:
        return f"status {status}, expected a 4xx: {data[:300]!r}"
    try:
        err = json.loads(data)
    except ValueError:
        return f"error body is not JSON: {data[:300]!r}"
    want = case.bad
    if want.get("message") and want["message"] not in err.get("error", ""):
        return f"error {err.get('error')!r} lacks {want['message']!r}"
    if want.get("pointer") and err.get("pointer") != want["pointer"]:
        return f"pointer {err.get('pointer')!r}, expected {want['pointer']!r}"
    if want.get("line") and err.get("line") != want["line"]:
        return f"line {err.get('line')!r}, expected {want['line']!r} ({err.get('error')!r})"
    if "record" in want and err.get("record") != want["record"]:
        return f"record {err.get('record')!r}, expected {want['record']!r}"
    if want.get("pointer") and want["pointer"] not in err.get("error", ""):
        return f"the message does not name the pointer: {err.get('error')!r}"
    return None


def raw_exchange(port: int, data: bytes, timeout: float = 30.0) -> tuple[bytes, bool]:
    """Sends `data` on a fresh connection; returns what came back and whether the server closed."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        got = b""
        while True:
            try:
                part = s.recv(65536)
            except ConnectionResetError:
                return got, True
            if not part:
                return got, True
            got += part


def edge_checks(port: int, read_timeout_ms: int) -> list[str]:
    failures = []
    # Over the limit: the 413 arrives though the client is still sending (no reset before it).
    head = f"POST /score HTTP/1.1\r\nHost: t\r\nContent-Length: {2 * MAX_BODY}\r\n\r\n".encode()
    got, closed = raw_exchange(port, head + b" " * 65536)
    if not got.startswith(b"HTTP/1.1 413") or not closed:
        failures.append(f"over the limit: {got[:200]!r} closed={closed}")
    # Chunked bodies are bounded too.
    chunk = b"%x\r\n%s\r\n" % (MAX_BODY // 2, b" " * (MAX_BODY // 2))
    got, closed = raw_exchange(port, b"POST /score HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk * 3)
    if not got.startswith(b"HTTP/1.1 413"):
        failures.append(f"chunked over the limit: {got[:200]!r}")
    # Not HTTP.
    got, closed = raw_exchange(port, b"HELLO\r\n\r\n")
    if not got.startswith(b"HTTP/1.1 400") or not closed:
        failures.append(f"not HTTP: {got[:200]!r}")
    # A stalled request: the server closes the connection (the socket's own timeout is far longer).
    start = time.monotonic()
    got, closed = raw_exchange(port, b"POST /score HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n{",
                               timeout=max(30.0, 10 * read_timeout_ms / 1000))
    if not closed or got:
        failures.append(f"stalled request: {got[:200]!r} closed={closed}")
    print(f"stalled request cut off after {time.monotonic() - start:.1f} s (read timeout {read_timeout_ms} ms)")
    return failures


def percentile(sorted_values: list[float], p: float) -> float:
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100 * (len(sorted_values) - 1)))))
    return sorted_values[k]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--server", required=True, help="the inovasi-service executable")
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2, help="the server's threads")
    ap.add_argument("--bad-share", type=float, default=0.2, help="share of malformed requests")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--read-timeout-ms", type=int, default=2000)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        good, bad = build_corpus(Path(tmp))
    print(f"corpus: {len(good)} good requests (answers from the CLI), {len(bad)} bad")

    proc = subprocess.Popen([args.server, "--port", "0", "--threads", str(args.threads), "--max-body-bytes",
                             str(MAX_BODY), "--read-timeout-ms", str(args.read_timeout_ms)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    failures: list[str] = []
    try:
        line = proc.stdout.readline().decode()
        m = re.match(r"listening on 127\.0\.0\.1:(\d+)", line)
        if not m:
            sys.exit(f"server did not start: {line!r} {proc.stderr.read().decode(errors='replace')}")
        port = int(m.group(1))

        # Every case once, on one connection, before the load: each bad case is a 4xx as expected.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for case in good + bad:
            conn.request(case.method, case.path, body=case.body)
            r = conn.getresponse()
            why = check_answer(case, r.status, r.read())
            if why:
                failures.append(f"{case.name}: {why}")
        conn.close()
        failures += edge_checks(port, args.read_timeout_ms)

        rng = random.Random(args.seed)
        plan = [rng.choice(bad) if rng.random() < args.bad_share else rng.choice(good) for _ in range(args.requests)]
        latencies: list[float] = []
        counts = {"good": 0, "bad": 0}
        lock = threading.Lock()
        next_index = [0]

        def client() -> None:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            mine: list[float] = []
            while True:
                with lock:
                    i = next_index[0]
                    next_index[0] += 1
                if i >= len(plan):
                    break
                case = plan[i]
                t0 = time.perf_counter()
                try:
                    c.request(case.method, case.path, body=case.body)
                    r = c.getresponse()
                    data = r.read()
                    status = r.status
                except (OSError, http.client.HTTPException) as exc:
                    c.close()
                    with lock:
                        failures.append(f"{case.name}: {type(exc).__name__}: {exc}")
                    continue
                mine.append(time.perf_counter() - t0)
                why = check_answer(case, status, data)
                with lock:
                    counts["good" if case.expect_body is not None else "bad"] += 1
                    if why:
                        failures.append(f"{case.name}: {why}")
            c.close()
            with lock:
                latencies.extend(mine)

        load_before = os.getloadavg()
        t0 = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        load_after = os.getloadavg()

        # Alive at the end, and a clean exit on SIGTERM.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/health")
        r = conn.getresponse()
        if r.status != 200 or r.read() != b"ok\n":
            failures.append(f"health after the load: {r.status}")
        conn.close()
        if proc.poll() is not None:
            failures.append(f"server exited during the test: {proc.returncode}")
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = "killed after SIGTERM"
        err = proc.stderr.read().decode(errors="replace")
    if rc != 0:
        failures.append(f"server exit status {rc}: {err[-500:]}")
    if "internal error" in err:
        failures.append(f"server reported an internal error: {err[-500:]}")

    lat = sorted(latencies)
    summary = {
        "requests": len(lat), "good": counts["good"], "bad": counts["bad"], "clients": args.clients,
        "server_threads": args.threads, "seconds": round(elapsed, 3),
        "requests_per_second": round(len(lat) / elapsed, 1) if elapsed else None,
        "latency_ms": {f"p{p}": round(1000 * percentile(lat, p), 2) for p in (50, 95, 99)} if lat else {},
        "load_average_1min": [round(load_before[0], 2), round(load_after[0], 2)], "cpus": os.cpu_count(),
    }
    print(json.dumps(summary))
    if failures:
        print(f"{len(failures)} failures:", file=sys.stderr)
        for f in failures[:20]:
            print("  " + f, file=sys.stderr)
        return 1
    print("load test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
