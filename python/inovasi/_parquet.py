"""Parquet v2 data sets (docs/synth.md): the policy columns (schema v2) as two Parquet files.

``regions.parquet``, one row per region: ``region`` (int32), ``code``, ``name``, ``type``,
``province`` (strings), ``clusters`` (uint8 bits), ``innovation_start``/``innovation_end``
(int64), and per government row key K: ``spd_K`` (claimed level), ``spd_supported_cap_K``,
``spd_assessor_cap_K`` (uint8), ``spd_acceptance_K`` (uint16, 65535 = 1), ``spd_value_K`` and
``spd_basis_K`` (strings, null = no value given).
``innovations.parquet``, one row per innovation: ``region`` (int32), ``code``, ``id``, ``department``
(strings), ``status`` (uint8), ``affairs`` (uint64), and ``sid_*_K`` per innovation row as above.
Both carry ``inovasi.columns`` = {"schema": 2, "edition": ...} in their schema metadata.
"""

from __future__ import annotations

import json
import os
import pathlib

import numpy as np

SCHEMA = 2
META_KEY = b"inovasi.columns"
FILES = ("regions.parquet", "innovations.parquet")
REGION_TYPES = ("province", "kabupaten", "kota")
REGION_GROUP_ROWS, INNOVATION_GROUP_ROWS = 1024, 65536
_ANSWER_FIELDS = (("supported_cap", "supported_cap"), ("assessor_cap", "assessor_cap"), ("acceptance", "acceptance"))


def _row_keys(ed):
    rows = ed.rows
    return [r["key"] for r in rows if not r["per_innovation"]], [r["key"] for r in rows if r["per_innovation"]]


def _answer_columns(pa, cols, prefix, aspect, keys):
    """An aspect's per-answer columns, one per row key: claimed levels, the v2 answer fields, raw
    values, and the v1 caps when the columns have them (kept for readers of v1 files)."""
    out = {}
    for i, key in enumerate(keys):
        out[f"{prefix}_{key}"] = pa.array(cols[f"{aspect}_levels"][:, i])
    for field, name in _ANSWER_FIELDS:
        for i, key in enumerate(keys):
            out[f"{prefix}_{field}_{key}"] = pa.array(cols[f"{aspect}_{name}"][:, i])
    out.update(_value_columns(prefix, keys, cols[f"{aspect}_value"], cols[f"{aspect}_values"]))
    if cols.get(f"{aspect}_caps") is not None:
        for i, key in enumerate(keys):
            out[f"{prefix}_cap_{key}"] = pa.array(cols[f"{aspect}_caps"][:, i])
    return out


def _value_columns(prefix, keys, index, table):
    """Nullable string columns of the raw values per row key, from an index matrix and its table."""
    import pyarrow as pa

    values = pa.array(table["value"], pa.string())
    bases = pa.array(table["basis"], pa.string())
    out = {}
    for k, key in enumerate(keys):
        idx = index[:, k]
        given = idx >= 0
        take = pa.array(np.where(given, idx, 0), mask=~given) if len(values) else pa.nulls(len(idx), pa.int64())
        out[f"{prefix}_value_{key}"] = values.take(take) if len(values) else pa.nulls(len(idx), pa.string())
        out[f"{prefix}_basis_{key}"] = bases.take(take) if len(values) else pa.nulls(len(idx), pa.string())
    return out


def write(cols: dict, out: pathlib.Path, extra_meta: dict, replaced_atomically) -> None:
    """Writes policy columns as a Parquet v2 data set in directory ``out``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    ed = cols["edition"]
    gov_keys, inv_keys = _row_keys(ed)
    offsets = cols["region_offsets"]
    R, N = len(cols["codes"]), int(offsets[-1])
    meta = dict(extra_meta)
    meta[META_KEY] = json.dumps({"schema": SCHEMA, "edition": ed.name}).encode()
    types = np.asarray(REGION_TYPES, dtype=object)[cols["types"]]
    reg = {
        "region": pa.array(np.arange(R, dtype=np.int32)),
        "code": pa.array(cols["codes"], pa.string()),
        "name": pa.array(cols["names"], pa.string()),
        "type": pa.array(types, pa.string()).dictionary_encode(),
        "province": pa.array(cols["provinces"], pa.string()).dictionary_encode(),
        "clusters": pa.array(cols["clusters"]),
        "innovation_start": pa.array(offsets[:-1]),
        "innovation_end": pa.array(offsets[1:]),
    }
    reg.update(_answer_columns(pa, cols, "spd", "government", gov_keys))
    region_of = np.repeat(np.arange(R, dtype=np.int32), np.diff(offsets))
    depts = pa.array(cols["departments"], pa.string())
    inv = {
        "region": pa.array(region_of),
        "code": pa.DictionaryArray.from_arrays(pa.array(region_of), pa.array(cols["codes"], pa.string())),
        "id": pa.array(cols["innovation_ids"], pa.string()),
        "department": pa.DictionaryArray.from_arrays(pa.array(cols["department_index"].astype(np.int32)), depts),
        "status": pa.array(cols["status"]),
        "affairs": pa.array(cols["affairs"]),
    }
    inv.update(_answer_columns(pa, cols, "sid", "innovation", inv_keys))
    assert len(region_of) == N
    out.mkdir(parents=True, exist_ok=True)
    # Row groups of bounded size: a reader of a block of regions (inovasi.dask) skips the
    # others by their statistics on `region` instead of reading the whole file.
    for name, table, rows in (("regions.parquet", pa.table(reg).replace_schema_metadata(meta), REGION_GROUP_ROWS),
                              ("innovations.parquet", pa.table(inv).replace_schema_metadata(meta),
                               INNOVATION_GROUP_ROWS)):
        with replaced_atomically(out / name) as tmp:
            pq.write_table(table, tmp, row_group_size=rows)


# ------------------------------------------------------------------------------------------
# Loading


def _error(path, column, message):
    from ._api import InputError
    from ._text import printable

    where = f"{printable(str(path))}: column {printable(repr(column))}" if column else printable(str(path))
    return InputError(f"{where}: {message}")


def _paths(path):
    p = pathlib.Path(os.fspath(path))
    d = p if p.is_dir() else p.parent
    if not p.is_dir() and p.name not in FILES:
        raise _error(p, None, f"not a file of a Parquet data set (expected a directory holding {' and '.join(FILES)})")
    out = [d / f for f in FILES]
    for f in out:
        if not f.is_file():
            raise _error(f, None, "missing: a Parquet data set is a directory holding " + " and ".join(FILES))
    return out


def _read(path, regions=None):
    import pyarrow.parquet as pq

    try:
        # A block of regions [a, b): the row groups outside it are skipped by their statistics.
        filters = None if regions is None else [("region", ">=", int(regions[0])), ("region", "<", int(regions[1]))]
        table = pq.read_table(path, filters=filters)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
        raise _error(path, None, f"cannot be read as Parquet ({exc})") from None
    meta = table.schema.metadata or {}
    if META_KEY not in meta:
        hint = (" (a Parquet v1 file of an earlier inovasi)" if b"inovasi.synth" in meta else "")
        raise _error(path, None, f"has no {META_KEY.decode()} schema metadata{hint}: only Parquet v2 is read; "
                     "regenerate it with `inovasi synth --format parquet --out DIR` (or "
                     "inovasi.synth.write_parquet)")
    try:
        info = json.loads(meta[META_KEY])
        schema = info["schema"]
    except (ValueError, KeyError, TypeError):
        raise _error(path, None, f"{META_KEY.decode()} metadata is not a JSON object with \"schema\"") from None
    if schema != SCHEMA:
        raise _error(path, None, f"is Parquet schema {schema!r}; this inovasi reads schema {SCHEMA} "
                     "(regenerate it with `inovasi synth --format parquet --out DIR`)")
    return table, info


def _column(table, path, name, dtype, limit=None):
    """Column `name` as a numpy array of `dtype`, checked: present, of that type, no nulls,
    not above `limit`."""
    import pyarrow as pa

    if name not in table.column_names:
        raise _error(path, name, "is missing")
    col = table.column(name)
    want = pa.from_numpy_dtype(np.dtype(dtype))
    if col.type != want:
        raise _error(path, name, f"has type {col.type}, expected {want}")
    if col.null_count:
        row = int(np.flatnonzero(col.is_null().to_numpy(zero_copy_only=False))[0])
        raise _error(path, name, f"row {row}: null, expected a value")
    a = col.to_numpy()
    if limit is not None and a.size and a.max() > limit:
        row = int(np.flatnonzero(a > limit)[0])
        raise _error(path, name, f"row {row}: {int(a[row])} is above {limit}")
    return a


def _strings(table, path, name, nullable=False):
    import pyarrow as pa

    if name not in table.column_names:
        raise _error(path, name, "is missing")
    col = table.column(name)
    if pa.types.is_dictionary(col.type):
        col = col.cast(col.type.value_type)
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        raise _error(path, name, f"has type {col.type}, expected string")
    if not nullable and col.null_count:
        row = int(np.flatnonzero(col.is_null().to_numpy(zero_copy_only=False))[0])
        raise _error(path, name, f"row {row}: null, expected a string")
    return col.combine_chunks()


def _matrix(table, path, prefix, keys, dtype, limit):
    n = table.num_rows
    out = np.empty((n, len(keys)), dtype=dtype)
    for k, key in enumerate(keys):
        out[:, k] = _column(table, path, f"{prefix}{key}", dtype, limit)
    return out


def _values(table, path, prefix, keys):
    """Index matrix (rows × keys, -1 = none) and table of the raw values, in row-major answer
    order (as the C++ columns number them), without a per-answer Python loop."""
    import pyarrow as pa

    n = table.num_rows
    index = np.full((n, len(keys)), -1, dtype=np.int32)
    positions, values, bases = [], [], []
    for k, key in enumerate(keys):
        v = _strings(table, path, f"{prefix}_value_{key}", nullable=True)
        b = _strings(table, path, f"{prefix}_basis_{key}", nullable=True)
        given = v.is_valid().to_numpy(zero_copy_only=False)
        if not given.any():
            continue
        rows = np.flatnonzero(given)
        positions.append(rows * len(keys) + k)
        values.append(v.filter(pa.array(given)))
        bases.append(b.filter(pa.array(given)).fill_null(""))
    if not positions:
        return index, {"value": [], "basis": []}
    pos = np.concatenate(positions)
    order = np.argsort(pos, kind="stable")
    index.reshape(-1)[pos[order]] = np.arange(len(pos), dtype=np.int32)
    take = pa.array(order)
    return index, {"value": pa.concat_arrays(values).take(take).to_pylist(),
                   "basis": pa.concat_arrays(bases).take(take).to_pylist()}


def region_count(path) -> int:
    """The regions of a Parquet v2 data set (from the file's metadata: nothing is read)."""
    import pyarrow.parquet as pq

    reg_path, _ = _paths(path)
    try:
        return pq.ParquetFile(reg_path).metadata.num_rows
    except Exception as exc:
        raise _error(reg_path, None, f"cannot be read as Parquet ({exc})") from None


def load(path, edition=None, regions=None) -> dict:
    """The policy columns of the data set, or of its regions [a, b) when ``regions`` = (a, b)
    (a block for one worker: regions and innovations renumbered from 0, checked the same way)."""
    import pyarrow.compute as pc

    from . import _api
    from ._text import printable

    reg_path, inv_path = _paths(path)
    reg, reg_info = _read(reg_path, regions)
    inv, inv_info = _read(inv_path, regions)
    name = reg_info.get("edition")
    if inv_info.get("edition") != name:
        raise _error(inv_path, None, f"is under edition {inv_info.get('edition')!r}, regions.parquet under {name!r}")
    ed = _api.edition(edition) if edition is not None else _api.edition(name)
    gov_keys, inv_keys = _row_keys(ed)
    lmax = ed.level_max
    R, N = reg.num_rows, inv.num_rows
    cols = {"edition": ed, "policy_caps": True}
    region = _column(reg, reg_path, "region", np.int32)
    first_region = int(regions[0]) if regions is not None else 0
    region = region - np.int32(first_region)
    if R and not np.array_equal(region, np.arange(R, dtype=np.int32)):
        row = int(np.flatnonzero(region != np.arange(R))[0])
        raise _error(reg_path, "region", f"row {row}: {int(region[row])}, expected the row number {row}")
    start = _column(reg, reg_path, "innovation_start", np.int64)
    end = _column(reg, reg_path, "innovation_end", np.int64)
    if regions is not None and R:
        start, end = start - start[0], end - start[0]
    offsets = np.empty(R + 1, dtype=np.int64)
    offsets[0] = 0
    offsets[1:] = end
    bad = np.flatnonzero((start != offsets[:-1]) | (end < start)) if R else np.array([], dtype=np.int64)
    if bad.size:
        row = int(bad[0])
        raise _error(reg_path, "innovation_start", f"row {row}: regions must own consecutive innovations "
                     f"(start {int(start[row])}, end {int(end[row])}, previous end {int(offsets[row])})")
    if R and offsets[-1] != N:
        raise _error(reg_path, "innovation_end", f"row {R - 1}: the last end {int(offsets[-1])} is not the "
                     f"{N} rows of innovations.parquet")
    region_of = _column(inv, inv_path, "region", np.int32) - np.int32(first_region)
    if N and not np.array_equal(region_of, np.repeat(np.arange(R, dtype=np.int32), np.diff(offsets))):
        row = int(np.flatnonzero(region_of != np.repeat(np.arange(R, dtype=np.int32), np.diff(offsets)))[0])
        raise _error(inv_path, "region", f"row {row}: {int(region_of[row])} disagrees with regions.parquet's "
                     "innovation_start/innovation_end")
    cols["region_offsets"] = offsets
    cols["government_levels"] = _matrix(reg, reg_path, "spd_", gov_keys, np.uint8, lmax)
    cols["innovation_levels"] = _matrix(inv, inv_path, "sid_", inv_keys, np.uint8, lmax)
    cols["status"] = _column(inv, inv_path, "status", np.uint8, 2)
    cols["affairs"] = _column(inv, inv_path, "affairs", np.uint64)
    for aspect, table, p, prefix, keys in (("government", reg, reg_path, "spd", gov_keys),
                                           ("innovation", inv, inv_path, "sid", inv_keys)):
        cols[f"{aspect}_supported_cap"] = _matrix(table, p, f"{prefix}_supported_cap_", keys, np.uint8, lmax)
        cols[f"{aspect}_assessor_cap"] = _matrix(table, p, f"{prefix}_assessor_cap_", keys, np.uint8, lmax)
        cols[f"{aspect}_acceptance"] = _matrix(table, p, f"{prefix}_acceptance_", keys, np.uint16, None)
        cols[f"{aspect}_value"], cols[f"{aspect}_values"] = _values(table, p, prefix, keys)
    cols["government_caps"] = cols["innovation_caps"] = None
    cols["innovation_ids"] = _strings(inv, inv_path, "id").to_pylist()
    dept = pc.dictionary_encode(_strings(inv, inv_path, "department"))  # first appearance order
    cols["departments"] = dept.dictionary.to_pylist()
    cols["department_index"] = dept.indices.to_numpy(zero_copy_only=False).astype(np.uint32)
    cols["clusters"] = _column(reg, reg_path, "clusters", np.uint8, 7)
    types = _strings(reg, reg_path, "type")
    code = pc.index_in(types, value_set=__import__("pyarrow").array(list(REGION_TYPES))).to_numpy(zero_copy_only=False)
    if R and np.isnan(code.astype(float)).any():
        row = int(np.flatnonzero(np.isnan(code.astype(float)))[0])
        raise _error(reg_path, "type", f"row {row}: {printable(repr(types[row].as_py()))} is not one of "
                     + ", ".join(REGION_TYPES))
    cols["types"] = code.astype(np.uint8)
    cols["codes"] = _strings(reg, reg_path, "code").to_pylist()
    cols["names"] = _strings(reg, reg_path, "name").to_pylist()
    cols["provinces"] = _strings(reg, reg_path, "province").to_pylist()
    cols["files"] = [printable(str(reg_path)), printable(str(inv_path))]
    cols["file_of"] = np.zeros(R, dtype=np.int32)
    cols["lines"] = None
    return cols
