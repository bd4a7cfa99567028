"""Synthetic national datasets, seeded and identical on every platform (docs/synth.md).

::

    from inovasi import synth
    cols = synth.generate(seed=2024)                  # 552 regions, ~31.7k innovations, numpy arrays
    big = synth.generate(innovations=1_000_000)       # 17,403 regions, in memory, ~1 s
    synth.write_jsonl("national.jsonl")               # the same regions as submissions (docs/schemas/)
    synth.write_parquet("national-parquet")           # Parquet v2: regions.parquet + innovations.parquet
    path = synth.national_dataset()                   # the bundled dataset, verified by checksum

The generator is C++ (``inovasi._core``); arrays own the generated memory (no copy).
"""

from __future__ import annotations

import hashlib
import json
import numbers
import os
import pathlib
import sys
from typing import Any, Optional, Union

from . import _core, _files
from ._api import InputError
from ._text import printable

__all__ = ["generate", "write_jsonl", "write_parquet", "national_dataset", "NATIONAL", "profiles",
           "STATUS_CODES", "REGION_TYPES"]

PathLike = Union[str, os.PathLike]
STATUS_CODES = {0: "not_counted", 1: "submitted", 2: "rejected"}  # the `status` column
REGION_TYPES = ("province", "kabupaten", "kota")  # the `types` column

# The bundled dataset's recipe and checksum: a copy of data/national/manifest.json, used when
# the package runs outside a source checkout (tests/python/test_synth.py keeps both equal).
NATIONAL = {
    "file": "national-2023.jsonl",
    "seed": 2024,
    "profile": "national",
    "edition": "iid-2023",
    "innovations": None,
    "bytes": 79057823,
    "sha256": "d888fb455b91e50f9800812e3c39ea6438ab9fe6f969c3a7e26a57825e770c1b",
}


def profiles() -> list[str]:
    return list(_core.synth_profiles())


def _edition_arg(edition: Any) -> Any:
    """A shipped name or file path (str), an inovasi.Edition, or None (iid-2023)."""
    if isinstance(edition, os.PathLike):
        return os.fspath(edition)
    return edition


def generate(seed: int = 2024, innovations: Optional[int] = None, edition: Any = "iid-2023",
             regions: Optional[int] = None, profile: str = "national", evidence: bool = True) -> dict:
    """Columns of a synthetic dataset: a dict of numpy arrays that own their memory.

    Keys: ``government_levels`` (R×G uint8), ``innovation_levels`` (N×K uint8),
    ``region_offsets`` (R+1 int64), ``status`` (N uint8, :data:`STATUS_CODES`), ``affairs``
    (N uint64, bits of the edition's affairs gate), ``government_caps`` and ``innovation_caps``
    (evidence-supported caps, same shapes), ``types`` (R uint8, :data:`REGION_TYPES`),
    ``codes``, ``names``, ``provinces`` (lists of str) and ``edition`` (an ``inovasi.Edition``),
    and the schema v2 policy columns (docs/batch.md: ``*_supported_cap``, ``*_assessor_cap``,
    ``*_acceptance``, ``innovation_ids``, ``departments``, ``department_index``, ``clusters``,
    raw values, none given).
    ``innovations`` is the number of counted (submitted + rejected) innovations; None = the
    profile's 31,719. Drafts come on top. ``evidence=False`` leaves the v2 evidence columns
    (caps of every policy, acceptance, ids, departments) out: a tenth of the memory for a
    nominal benchmark of millions of innovations.
    """
    return _core.synth_columns(seed_bits(seed), innovations, regions, _edition_arg(edition), profile, bool(evidence))


SEED_MIN, SEED_MAX = -(1 << 63), (1 << 64) - 1


def seed_bits(seed: Any) -> int:
    """The generator's 64-bit seed for any 64-bit integer, signed or not: a negative seed is
    its two's complement (-1 is 2^64-1, the same dataset)."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an integer, not {type(seed).__name__}")
    seed = int(seed)
    if not SEED_MIN <= seed <= SEED_MAX:
        raise ValueError(f"seed must be a 64-bit integer (-2^63 to 2^64-1), not {seed}")
    return seed & SEED_MAX


def write_jsonl(path: PathLike, seed: int = 2024, innovations: Optional[int] = None, edition: Any = "iid-2023",
                regions: Optional[int] = None, profile: str = "national") -> pathlib.Path:
    """Write the same regions as :func:`generate` as JSON Lines submissions, atomically."""
    bits = seed_bits(seed)
    with _files.output_descriptor(path) as fd:
        _core.synth_write_jsonl(fd, bits, innovations, regions, _edition_arg(edition), profile)
    return pathlib.Path(path)


def _row_keys(edition: Any) -> tuple[list[str], list[str]]:
    """Government and innovation row keys of an edition, in edition order."""
    from . import _api

    e = edition if isinstance(edition, _core.Edition) else _api.edition(edition or "iid-2023")
    rows = e.rows
    return [r["key"] for r in rows if not r["per_innovation"]], [r["key"] for r in rows if r["per_innovation"]]


def write_parquet(path: PathLike, seed: int = 2024, innovations: Optional[int] = None, edition: Any = "iid-2023",
                  regions: Optional[int] = None, profile: str = "national") -> pathlib.Path:
    """Write the dataset as a Parquet v2 data set: two files in the directory ``path``
    (schema in docs/synth.md), the policy columns of :func:`generate`.

    ``regions.parquet``: one row per region (region, code, name, type, province, clusters,
    innovation_start, innovation_end and, per government row key K, ``spd_K``,
    ``spd_supported_cap_K``, ``spd_assessor_cap_K``, ``spd_acceptance_K``, ``spd_value_K``,
    ``spd_basis_K``). ``innovations.parquet``: one row per innovation (region, id, department,
    status, affairs and the same ``sid_*_K`` per innovation row). Both carry
    ``inovasi.columns`` ({"schema": 2, "edition"}) and the generator's parameters
    (``inovasi.synth``) in their schema metadata. Each file is written to a temporary name and
    renamed into place. ``inovasi.batch.load_parquet`` reads it back.
    """
    from . import _parquet

    cols = generate(seed, innovations, edition, regions, profile)
    R = len(cols["codes"])
    meta = {b"inovasi.synth": json.dumps({"seed": seed_bits(seed), "profile": profile, "edition": cols["edition"].name,
                                          "innovations": innovations, "regions": R}).encode()}
    out = pathlib.Path(path)
    _parquet.write(cols, out, meta, _files.replaced_atomically)
    return out


# ------------------------------------------------------------------------------------------
# The bundled national dataset


def _data_dirs() -> list[pathlib.Path]:
    dirs = []
    if os.environ.get("INOVASI_DATA_DIR"):
        dirs.append(pathlib.Path(os.environ["INOVASI_DATA_DIR"]))
    here = pathlib.Path(__file__).resolve()
    dirs.append(here.parents[2] / "data" / "national")  # a source checkout (python/inovasi/synth.py)
    dirs.append(pathlib.Path.cwd() / "data" / "national")
    return dirs


def _manifest() -> tuple[dict, Optional[pathlib.Path]]:
    for d in _data_dirs():
        m = d / "manifest.json"
        if m.is_file():
            with open(m, encoding="utf-8") as f:
                return json.load(f), d
    return dict(NATIONAL), None


def _cache_dir() -> pathlib.Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return pathlib.Path(base) / "inovasi"


def _digest(path: pathlib.Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _verify(path: pathlib.Path, manifest: dict) -> None:
    # A file hashed once and unchanged since (same size and modification time, recorded in a
    # stamp beside it) is not hashed again: 79 MB of SHA-256 on every `inovasi rank` is half a
    # second of the main job.
    stamp = path.with_name(f".{path.name}.verified")
    st = path.stat()
    seen = {"sha256": manifest["sha256"], "bytes": st.st_size, "mtime_ns": st.st_mtime_ns}
    try:
        if json.loads(stamp.read_text(encoding="utf-8")) == seen and st.st_size == manifest["bytes"]:
            return
    except (OSError, ValueError):
        pass
    digest, size = _digest(path)
    if size != manifest["bytes"] or digest != manifest["sha256"]:
        raise InputError(
            f"{path}: checksum mismatch for the national dataset: sha256 {digest} ({size} bytes), "
            f"expected {manifest['sha256']} ({manifest['bytes']} bytes) from seed {manifest['seed']}, "
            f"profile {manifest['profile']}, edition {manifest['edition']}. Delete the file to "
            f"regenerate it; if the generator changed on purpose, update data/national/manifest.json "
            f"(docs/synth.md)")
    try:
        with _files.replaced_atomically(stamp) as tmp:
            pathlib.Path(tmp).write_text(json.dumps(seen), encoding="utf-8")
    except (OSError, _files.OutputError):  # a read-only location: verify again next time
        pass


def national_dataset(path: Optional[PathLike] = None, regenerate: bool = False) -> pathlib.Path:
    """The bundled national dataset (JSON Lines), generated on first use and verified by checksum.

    It is regenerated deterministically from the seed, profile and edition in
    data/national/manifest.json into ``data/national/national-2023.jsonl`` (or ``path``; outside
    a source checkout, the user cache directory), then checked against the manifest's sha256
    and byte size (a file verified before and unchanged since, by size and modification time, is
    not hashed again). A file that does not match is an :class:`inovasi.InputError` naming both
    checksums (``regenerate=True`` rebuilds it first).
    """
    manifest, directory = _manifest()
    if path is not None:
        target = pathlib.Path(path)
    elif directory is not None:
        target = directory / manifest["file"]
    else:
        target = _cache_dir() / manifest["file"]
    if regenerate or not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        write_jsonl(target, seed=manifest["seed"], innovations=manifest.get("innovations"),
                    edition=manifest["edition"], profile=manifest["profile"])
    _verify(target, manifest)
    return target


# ------------------------------------------------------------------------------------------
# Command line: inovasi synth


def add_parser(sub) -> None:
    p = sub.add_parser("synth", help="generate a synthetic national dataset (JSON Lines or Parquet)",
                       description="Generate a seeded synthetic dataset calibrated to the published "
                                   "national figures (docs/synth.md). Identical bytes on every platform.")
    from .cli import integer, nonempty

    p.add_argument("--seed", type=integer(SEED_MIN, SEED_MAX, "a 64-bit integer (-2^63 to 2^64-1)", "2^64-1"),
                   default=2024, help="random seed, any 64-bit integer (negative: its two's complement; "
                   "default 2024)")
    p.add_argument("--innovations", type=integer(0, (1 << 63) - 1, "a whole number of at least 0", "2^63-1"), default=None,
                   help="counted innovations (submitted + rejected); default: the profile's 31,719")
    p.add_argument("--regions", type=integer(1, (1 << 63) - 1, "a whole number of at least 1", "2^63-1"), default=None,
                   help="regions (default: 552, scaled with --innovations)")
    p.add_argument("--edition", type=nonempty, default="iid-2023", help="edition name or file (default iid-2023)")
    p.add_argument("--profile", default="national", help="generator profile (default national)")
    p.add_argument("--format", choices=["jsonl", "parquet"], default="jsonl",
                   help="jsonl: one submission a line; parquet: a directory with regions.parquet "
                        "and innovations.parquet")
    p.add_argument("--out", type=nonempty, required=True,
                   help="output file (jsonl) or directory (parquet); written atomically (a device or "
                   "FIFO is written through)")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.innovations is not None and args.innovations < 0:
        raise InputError("--innovations must be at least 0")
    if args.regions is not None and args.regions < 1:
        raise InputError("--regions must be at least 1")
    kw = dict(seed=args.seed, innovations=args.innovations, edition=args.edition, regions=args.regions,
              profile=args.profile)
    try:
        if args.format == "jsonl":
            out = write_jsonl(args.out, **kw)
        else:
            out = write_parquet(args.out, **kw)
    except OSError as exc:
        raise _files.OutputError(args.out, exc.strerror or str(exc), "--out ") from None
    print(f"inovasi synth: wrote {printable(str(out))}", file=sys.stderr)
    return 0
