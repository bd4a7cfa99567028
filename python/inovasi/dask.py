"""inovasi beyond one machine, with Dask (docs/dask.md).

    from dask.distributed import Client
    import inovasi.dask as idk
    client = Client()                                   # or a cluster's scheduler address
    scores = idk.score_parquet("national/")             # a dask DataFrame, one row per region
    ranked = idk.rank_parquet("national/")              # pandas, with national and province ranks
    study = idk.monte_carlo("national.jsonl", {"seed": 1, "replicates": 100000}, blocks=16)

Work is cut into blocks of regions (scoring) or of replicates (Monte Carlo); each block is
computed by a worker with the same engine as on one machine and the pieces are put together
exactly: the scores are per region, and Monte Carlo summaries are integer counts that add up.
Results equal the single-machine ones for every number of workers and blocks. Editions travel
as data (a shipped edition's name, or an edition file's text) and are rebuilt once per worker
process; a Monte Carlo model is built once per worker process and reused by its blocks.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any, Optional, Sequence, Union

import numpy as np

from . import _core

PathLike = Union[str, "os.PathLike[str]"]

__all__ = ["score_parquet", "score_jsonl", "rank", "rank_parquet", "monte_carlo"]

# Per worker process: editions by the hash of their text, Monte Carlo models by their inputs.
_EDITIONS: dict = {}
_MODELS: dict = {}


def _edition_payload(edition) -> Any:
    """What travels to the workers: None, a shipped edition's name, or ("text", JSON, source)."""
    if edition is None:
        return None
    if isinstance(edition, _core.Edition):
        edition = edition.name if edition.name in _core.builtin_edition_names() else None
        if edition is None:
            raise ValueError("an Edition object read from a file cannot travel: pass the file's path")
    name = os.fspath(edition)
    if name in _core.builtin_edition_names():
        return name
    with open(name, encoding="utf-8") as f:
        return ("text", f.read(), name)


def _edition_of(payload):
    if payload is None or isinstance(payload, str):
        return payload
    _, text, source = payload
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    ed = _EDITIONS.get(key)
    if ed is None:
        ed = _EDITIONS[key] = _core.parse_edition(text, source)
    return ed


def _blocks(n: int, blocks: Optional[int]) -> list[tuple[int, int]]:
    k = max(1, min(n, blocks or 8))
    edges = np.linspace(0, n, k + 1).astype(int)
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def _frame(cols, policy: str, threads: int):
    from . import batch
    result = batch.score_columns(cols, threads=threads, policy=policy)
    df = batch.frame(cols, result)
    df["edition"] = cols["edition"].name
    return df


def _score_parquet_block(block, path: str, policy: str, edition, threads: int):
    from . import _parquet
    cols = _parquet.load(path, _edition_of(edition), regions=block)
    df = _frame(cols, policy, threads)
    df.index = np.arange(block[0], block[1])
    return df


def score_parquet(path: PathLike, policy: str = "self_assessed", edition=None, blocks: Optional[int] = None,
                  threads: int = 1):
    """A dask DataFrame of the scores of a Parquet v2 data set (``inovasi.synth.write_parquet``),
    one row per region as :func:`inovasi.batch.frame` gives it (index: the region's row), in
    ``blocks`` partitions of consecutive regions (default 8). Each partition reads only its
    regions' row groups of both files."""
    import dask.dataframe as dd

    from . import _parquet
    path = os.fspath(path)
    R = _parquet.region_count(path)
    payload = _edition_payload(edition)
    bounds = _blocks(R, blocks)
    meta = _score_parquet_block((0, min(R, 1)), path, policy, payload, 1).iloc[:0]
    return dd.from_map(_score_parquet_block, bounds, path=path, policy=policy, edition=payload, threads=threads,
                       meta=meta, enforce_metadata=False)


def _score_lines(lines: Sequence[str], policy: str, edition, threads: int):
    from . import batch
    text = "\n".join(x for x in lines if x.strip()).encode("utf-8")
    if not text:
        return []
    cols = batch.columns(text, edition=_edition_of(edition), evidence=policy != "self_assessed", threads=threads)
    return _frame(cols, policy, threads).to_dict("records")


def score_jsonl(paths: Union[PathLike, Sequence[PathLike]], policy: str = "self_assessed", edition=None,
                blocksize: Optional[str] = "16MiB", threads: int = 1):
    """A dask DataFrame of the scores of JSON Lines files (one record per line), read as a
    dask bag in blocks of whole lines: for inputs too small to be worth Parquet."""
    import dask.bag as db
    import pandas as pd

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = [os.fspath(p) for p in paths]
    payload = _edition_payload(edition)
    bag = db.read_text(paths, blocksize=blocksize, linedelimiter="\n")
    scored = bag.map_partitions(_score_lines, policy, payload, threads)
    with open(paths[0], encoding="utf-8") as f:
        first = next((x for x in f if x.strip()), "")
    meta = pd.DataFrame(_score_lines([first], policy, payload, 1)).iloc[:0]
    return scored.to_dataframe(meta=meta)


def rank(scores, lowest_category: Optional[str] = None):
    """The scores (a dask or pandas DataFrame from :func:`score_parquet` / :func:`score_jsonl`)
    gathered and ranked: ``rank``/``ranked`` within each region type and ``province_rank``/
    ``province_ranked`` within each type and province (standard competition ranks on the rounded
    IID; the lowest category left out), as ``inovasi rank`` ranks them."""
    from . import batch
    df = scores.compute() if hasattr(scores, "compute") else scores
    df = df.reset_index(drop=True)
    if lowest_category is None:
        lowest_category = batch.category_labels(df["edition"].iloc[0])[-1] if len(df) else "Tidak Dapat Dinilai"
    out = batch.rank(df, lowest_category, by="type")
    key = out["type"].astype(str) + "\x1f" + out["province"].astype(str)
    prov = batch.rank(out.assign(_group=key), lowest_category, by="_group")
    out["province_rank"], out["province_ranked"] = prov["rank"], prov["ranked"]
    return out


def rank_parquet(path: PathLike, policy: str = "self_assessed", edition=None, blocks: Optional[int] = None):
    """:func:`rank` of :func:`score_parquet`."""
    return rank(score_parquet(path, policy, edition, blocks))


def _mc_block(paths: tuple, stamp: tuple, spec: str, edition, first: int, count: int, threads: int):
    from . import uncertainty as u
    key = (paths, stamp, spec, json.dumps(edition))
    mdl = _MODELS.get(key)
    if mdl is None:
        _MODELS.clear()  # one study's model at a time per worker
        text, source = u._data(list(paths))
        mdl = _MODELS[key] = _core.UncertaintyModel(text, spec, _edition_of(edition), source, "<uncertainty>",
                                                    threads)
    return mdl.run(first, count, threads)


def monte_carlo(files: Union[PathLike, Sequence[PathLike]], uncertainty=None, replicates: Optional[int] = None,
                seed: Optional[int] = None, edition=None, blocks: Optional[int] = None, threads: int = 1,
                client=None):
    """A Monte Carlo study (inovasi.uncertainty) with its replicates cut into ``blocks``
    (default 8) computed by Dask workers and their summaries merged: equal, count for count, to
    :func:`inovasi.uncertainty.run` of the same inputs. The files must be readable by the
    workers at the same paths (shared storage, or a local cluster). ``client``: a
    dask.distributed Client (default: Dask's current scheduler)."""
    import dask

    from . import uncertainty as u
    if isinstance(files, (str, os.PathLike)):
        files = [files]
    paths = tuple(os.path.abspath(os.fspath(p)) for p in files)
    stamp = tuple((os.stat(p).st_size, os.stat(p).st_mtime_ns) for p in paths)
    spec, _ = u.spec_of(uncertainty, replicates, seed)
    total = int(json.loads(spec).get("replicates", u.DEFAULT_SPEC["replicates"]))
    payload = _edition_payload(edition)
    tasks = [dask.delayed(_mc_block)(paths, stamp, spec, payload, a, b - a, threads)
             for a, b in _blocks(total, blocks)]
    parts = client.gather(client.compute(tasks)) if client is not None else dask.compute(*tasks)
    summary = parts[0]
    for p in parts[1:]:
        summary = summary.merge(p)
    local = u.model(list(paths), spec, _edition_of(payload))
    return u.Study(local, summary)
