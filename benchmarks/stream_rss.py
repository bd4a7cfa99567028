#!/usr/bin/env python3
"""Peak memory and throughput of `inovasi score` on a big JSON Lines file (a benchmark, not a
CI test): memory must stay bounded -- the same tens of MB for 200 MB and for 2 GB of input.

    python3 benchmarks/stream_rss.py                    # 2 GB, --out and stdin variants
    python3 benchmarks/stream_rss.py --sizes 200M,2G    # two sizes, to show the bound
    INOVASI_BENCH_SIZES=50M python3 benchmarks/stream_rss.py --no-stdin

The input repeats the examples (one compact record per line, region codes varied) and is
written in 4 MiB chunks into a temporary directory (--dir, default the system's), deleted at
the end with the output. The output is about six times the input (every score explains itself),
so the free disk space is checked first. Peak RSS is the child's own ru_maxrss (os.wait4).
Run it against a build with PYTHONPATH=<build>/pkg, as the tests are.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUTPUT_FACTOR = 7  # output bytes per input byte, rounded up, for the disk check


def parse_size(text: str) -> int:
    text = text.strip().upper()
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    if text[-1:] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def generate(path: pathlib.Path, size: int) -> int:
    """Writes ~`size` bytes of JSON Lines; returns the number of records."""
    records = [json.loads(p.read_bytes()) for p in sorted((ROOT / "examples").glob("*.json"))]
    n = 0
    written = 0
    buf: list[str] = []
    buf_bytes = 0
    with open(path, "w", encoding="utf-8") as f:
        while written + buf_bytes < size:
            r = records[n % len(records)]
            code = r["region"]["code"]
            r["region"]["code"] = f"{code.split('.')[0]}.{n % 100:02d}"  # vary the records a little
            line = json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n"
            r["region"]["code"] = code
            buf.append(line)
            buf_bytes += len(line.encode("utf-8"))
            n += 1
            if buf_bytes >= 4 << 20:
                f.write("".join(buf))
                written += buf_bytes
                buf, buf_bytes = [], 0
        f.write("".join(buf))
    return n


def measure(cmd: list[str], stdin=None, stdout=subprocess.DEVNULL) -> tuple[float, int, int]:
    """(seconds, peak RSS in KiB, exit status) of one run of `cmd`."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        print(f"  exit {proc.returncode}: {err[:500]}", file=sys.stderr)
    return seconds, usage.ru_maxrss, proc.returncode


def report(label: str, size: int, records: int, seconds: float, rss_kib: int, out_bytes: int | None) -> None:
    mb = size / 1e6
    print(f"{label:24} {mb:9.1f} MB {records:9d} rec {seconds:8.1f} s "
          f"{records / seconds:8.0f} rec/s {mb / seconds:7.2f} MB/s  peak RSS {rss_kib / 1024:6.1f} MiB"
          + (f"  output {out_bytes / 1e6:.0f} MB" if out_bytes is not None else ""))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=os.environ.get("INOVASI_BENCH_SIZES", "2G"),
                    help="input sizes, comma-separated (200M,2G); env INOVASI_BENCH_SIZES")
    ap.add_argument("--dir", default=None, help="where to put the input and output (temporary)")
    ap.add_argument("--no-stdin", action="store_true", help="skip the stdin variant")
    ap.add_argument("--no-file", action="store_true", help="skip the FILE --out variant")
    args = ap.parse_args()
    sizes = [parse_size(s) for s in args.sizes.split(",")]

    base = tempfile.mkdtemp(prefix="inovasi-stream-rss-", dir=args.dir)
    try:
        free = shutil.disk_usage(base).free
        need = max(sizes) * (1 + OUTPUT_FACTOR)
        if free < need:
            print(f"not enough disk in {base}: {free / 1e9:.1f} GB free, {need / 1e9:.1f} GB needed",
                  file=sys.stderr)
            return 1
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, scratch {base} "
              f"({free / 1e9:.0f} GB free)")
        baseline = measure([sys.executable, "-m", "inovasi", "editions"])
        print(f"{'interpreter + module':24} peak RSS {baseline[1] / 1024:.1f} MiB (`inovasi editions`)")
        for size in sizes:
            inp = pathlib.Path(base) / "input.jsonl"
            out = pathlib.Path(base) / "scores.jsonl"
            t = time.perf_counter()
            records = generate(inp, size)
            actual = inp.stat().st_size
            print(f"generated {actual / 1e6:.0f} MB, {records} records in {time.perf_counter() - t:.0f} s")
            if not args.no_file:
                seconds, rss, status = measure([sys.executable, "-m", "inovasi", "score", str(inp), "--out", str(out)])
                if status == 0:
                    report("score FILE --out OUT", actual, records, seconds, rss, out.stat().st_size)
                out.unlink(missing_ok=True)
            if not args.no_stdin:
                env_tmp = {**os.environ, "TMPDIR": base}  # the stdout spool spills here
                # through a pipe (`cat FILE | inovasi score -`), so stdin is read as a stream
                start = time.perf_counter()
                cat = subprocess.Popen(["cat", str(inp)], stdout=subprocess.PIPE)
                proc = subprocess.Popen([sys.executable, "-m", "inovasi", "score", "-"], stdin=cat.stdout,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT,
                                        env=env_tmp)
                cat.stdout.close()
                _, st, usage = os.wait4(proc.pid, 0)
                seconds = time.perf_counter() - start
                proc.returncode = os.waitstatus_to_exitcode(st)
                proc.stderr.close()
                cat.wait()
                if os.waitstatus_to_exitcode(st) == 0:
                    report("cat FILE | score -", actual, records, seconds, usage.ru_maxrss, None)
                else:
                    print(f"  stdin run failed: {os.waitstatus_to_exitcode(st)}", file=sys.stderr)
            inp.unlink()
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
