"""How sure a score, a rank or a plan is: Monte Carlo over the inputs an uncertainty file says
vary (docs/uncertainty.md).

    from inovasi import uncertainty as u
    study = u.run("data/national/national-2023.jsonl", {"seed": 1, "replicates": 2000})
    table = u.table(study)          # one row per region: IID quantiles, category and rank odds

Every draw is a pure function of (seed, replicate, region code, innovation id, row key), so a
replicate is reproducible alone and a study's result is the same for every thread count and
every split of its replicates into blocks (:func:`merge` adds the summaries of blocks).
"""

from __future__ import annotations

import copyreg
import json
import os
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence, Union

from . import _core
from ._api import InputError

PathLike = Union[str, "os.PathLike[str]"]

# The defaults of a study when the uncertainty file leaves them out (docs/uncertainty.md).
DEFAULT_SPEC: dict = {"policy": "self_assessed", "seed": 0, "replicates": 1000,
                      "evidence": {"acceptance": "answers", "fallback": "zero"}}

__all__ = ["Study", "model", "run", "merge", "table", "region_summary", "plan_success", "spec_of"]


def spec_of(uncertainty: Union[None, PathLike, Mapping[str, Any], str], replicates: Optional[int] = None,
            seed: Optional[int] = None) -> tuple[str, str]:
    """The uncertainty file's JSON text (with ``replicates`` and ``seed`` overriding it) and its
    name for messages. ``uncertainty`` is a path, a dict, JSON text or None (the defaults)."""
    source = "<uncertainty>"
    if uncertainty is None:
        spec: Any = dict(DEFAULT_SPEC)
    elif isinstance(uncertainty, Mapping):
        spec = dict(uncertainty)
    elif isinstance(uncertainty, str) and uncertainty.lstrip().startswith("{"):
        spec = json.loads(uncertainty)
    else:
        source = os.fspath(uncertainty)
        with open(source, "rb") as f:
            text = f.read().decode("utf-8")
        try:
            spec = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{source}:{exc.lineno}:{exc.colno}: {exc.msg}") from None
        if not isinstance(spec, dict):
            _core.parse_uncertainty_check(text, source)  # the located error
    if isinstance(spec, dict):
        if replicates is not None:
            spec["replicates"] = int(replicates)
        if seed is not None:
            spec["seed"] = int(seed)
    return json.dumps(spec), source


def _data(files: Union[PathLike, bytes, Sequence[PathLike]]) -> tuple[bytes, str]:
    if isinstance(files, (bytes, bytearray)):
        return bytes(files), "<data>"
    if isinstance(files, (str, os.PathLike)):
        files = [files]
    parts, names = [], []
    for f in files:
        with open(f, "rb") as fh:
            parts.append(fh.read())
        names.append(os.fspath(f))
    return b"\n".join(parts), ", ".join(names)


def model(files: Union[PathLike, bytes, Sequence[PathLike]], uncertainty=None, edition=None, replicates=None,
          seed=None, threads: int = 1) -> "_core.UncertaintyModel":
    """The model of a study: the regions of ``files`` (JSON Lines, or JSON values one after
    another) read as policy columns under each edition the study names, and the spec."""
    text, source = _data(files)
    spec, spec_source = spec_of(uncertainty, replicates, seed)
    ed = edition
    if ed is not None and not isinstance(ed, (str, _core.Edition)):
        ed = os.fspath(ed)
    return _build(text, spec, ed, source, spec_source, threads)


_MODEL_STATE = 1  # the pickled form's version


def _build(text, spec, ed, source, spec_source, threads):
    mdl = _core.UncertaintyModel(text, spec, ed, source, spec_source, threads)
    # What the model was built from (the data's bytes are kept: a pickle carries them).
    mdl._inputs = (_MODEL_STATE, text, spec, ed, source, spec_source, int(threads))
    return mdl


def _rebuild(state):
    if not isinstance(state, tuple) or not state or state[0] != _MODEL_STATE:
        raise ValueError("an uncertainty model pickled by another version of inovasi")
    return _build(*state[1:])


def _reduce_model(mdl):
    state = getattr(mdl, "_inputs", None)
    if state is None:
        raise TypeError("this UncertaintyModel was built directly from inovasi._core: build it with "
                        "inovasi.uncertainty.model() to pickle it")
    return _rebuild, (state,)


copyreg.pickle(_core.UncertaintyModel, _reduce_model)


@dataclass
class Study:
    """A study's model and the summary of its replicates."""
    model: Any
    summary: Any

    @property
    def replicates(self) -> int:
        return int(self.summary.replicates)


def run(files_or_model, uncertainty=None, replicates: Optional[int] = None, seed: Optional[int] = None,
        threads: int = 1, first: int = 0, count: int = 0, edition=None, progress: Optional[bool] = None) -> Study:
    """Runs replicates ``[first, first + count)`` (``count`` 0: up to the spec's replicates).
    ``progress`` shows a bar (None: only on a terminal); Ctrl-C stops the run cleanly."""
    from ._progress import bar
    mdl = files_or_model if isinstance(files_or_model, _core.UncertaintyModel) else \
        model(files_or_model, uncertainty, edition, replicates, seed, threads)
    total = int(count) if count else max(0, int(mdl.replicates) - int(first))
    with bar(total, "replicates", enabled=progress) as update:
        summary = mdl.run(first, count, threads, update)
    return Study(mdl, summary)


def merge(studies: Sequence[Study]) -> Study:
    """The study of all the blocks' replicates (blocks of one model, disjoint replicates)."""
    if not studies:
        raise ValueError("merge: no studies")
    s = studies[0].summary
    for other in studies[1:]:
        s = s.merge(other.summary)
    return Study(studies[0].model, s)


def _labels(mdl) -> list[str]:
    ed = mdl.editions[0]
    from .batch import category_labels
    return category_labels(ed)


def provenance(study: Study) -> dict:
    from . import __version__
    eds = study.model.editions
    return {"inovasi": __version__, "editions": [e.name for e in eds],
            "edition_sha256": [e.sha256 for e in eds], "policy": study.model.policy,
            "seed": int(study.model.seed), "replicates": study.replicates,
            "groups": list(study.model.groups)}


def region_summary(study: Study, region: int) -> dict:
    """One region's statistics (C++ summarise): IID mean and 5/50/95 % quantiles (hundredths),
    the probability of each category and of being unranked, rank quantiles."""
    return study.summary.region(int(region))


def _records(study: Study):
    mdl = study.model
    t = mdl.region_table()
    labels = _labels(mdl)
    from .ranking import TYPES
    for r in range(mdl.regions):
        s = study.summary.region(r)
        yield {
            "code": t["codes"][r], "name": t["names"][r], "province": t["provinces"][r],
            "type": TYPES[int(t["types"][r])],
            "iid_mean": round(s["iid_mean"], 4),
            "iid_q05": s["iid_q05_h"] / 100, "iid_q50": s["iid_q50_h"] / 100, "iid_q95": s["iid_q95_h"] / 100,
            "category_probability": dict(zip(labels, s["category_probability"])),
            "unranked_probability": s["unranked_probability"],
            "national_rank_q50": s["national_rank_q50"] or None,
            "national_rank_q05": s["national_rank_q05"] or None,
            "national_rank_q95": s["national_rank_q95"] or None,
            "province_rank_q50": s["province_rank_q50"] or None,
            "province_rank_q05": s["province_rank_q05"] or None,
            "province_rank_q95": s["province_rank_q95"] or None,
        }


def table(study: Study):
    """One row per region (pandas DataFrame): ``code``, ``name``, ``province``, ``type``
    (categorical), ``iid_mean``, ``iid_q05``/``iid_q50``/``iid_q95``, ``p_<category>`` per
    category, ``p_unranked``, and the national and province rank quantiles (nullable Int32: no
    rank when never ranked). ``attrs["provenance"]`` names version, editions and their hashes,
    policy, seed and replicates."""
    import pandas as pd
    recs = list(_records(study))
    labels = _labels(study.model)
    rows = []
    for r in recs:
        row = {k: v for k, v in r.items() if k not in ("category_probability", "unranked_probability")}
        for lab in labels:
            row["p_" + lab] = r["category_probability"][lab]
        row["p_unranked"] = r["unranked_probability"]
        rows.append(row)
    df = pd.DataFrame(rows)
    from .ranking import TYPES
    df["type"] = pd.Categorical(df["type"], categories=list(TYPES))
    for c in df.columns:
        if c.endswith(("rank_q05", "rank_q50", "rank_q95")):
            df[c] = df[c].astype("Int32")
    df.attrs["provenance"] = provenance(study)
    return df


def category_success(study: Study, region: int, category: str) -> float:
    """The probability that a region ends in ``category`` or a higher one (a target given as a
    category is read by the edition's bands, so a strict lower bound such as Sangat Inovatif's
    "above 60.00" is kept)."""
    labels = _labels(study.model)
    if category not in labels:
        raise InputError(f"{category!r} is not a category of {study.model.editions[0].name}")
    s = study.summary.region(int(region))
    return float(sum(s["category_probability"][: labels.index(category) + 1]))


def plan_success(study: Study, region: int, target_iid_h: int) -> float:
    """The probability that a region reaches ``target_iid_h`` (IID hundredths), read off the
    exact histogram."""
    st = study.summary.state()
    h = st["iid_histogram"][int(region)]
    return float(h[int(target_iid_h):].sum()) / float(study.replicates)


def plan_changes(plan: Mapping[str, Any], acceptance: Optional[float] = None) -> list[dict]:
    """A plan from ``inovasi plan`` as changes in the scenario format: its level steps (with
    their evidence) and its new innovations."""
    code = plan["region"]
    out = []
    for s in plan.get("steps", []):
        c = {"region": code, "row": s["row"], "level": s["to"], "evidence": True}
        if s.get("innovation") is not None:
            c["innovation"] = s["innovation"]
        if acceptance is not None:
            c["acceptance"] = acceptance
        out.append(c)
    for n in plan.get("new_innovations", []):
        add = {k: n[k] for k in ("id", "levels", "affairs", "status") if k in n}
        if "levels" not in add and "profile" in n:  # a plan names a new innovation's levels its profile
            add["levels"] = dict(n["profile"])
        c = {"region": code, "add": add}
        if acceptance is not None:
            c["acceptance"] = acceptance
        out.append(c)
    return out


def _records_of(files: Sequence[PathLike]) -> list[dict]:
    """Every record of the inputs (one JSON value per file, or JSON Lines)."""
    out = []
    for p in files:
        with open(p, encoding="utf-8") as f:
            text = f.read()
        try:
            out.append(json.loads(text))
        except json.JSONDecodeError:
            out.extend(json.loads(x) for x in text.splitlines() if x.strip())
    return out


def with_plan(files: Sequence[PathLike], plan: Mapping[str, Any], acceptance: Optional[float] = None) -> bytes:
    """The inputs as JSON Lines with the plan written into its region's submission (its level
    steps as claims, its new innovations added; with ``acceptance``, every planned answer's
    acceptance probability set to it)."""
    from .whatif import applied
    code = plan["region"]
    records = _records_of(files)
    found = False
    lines = []
    for rec in records:
        if rec.get("region", {}).get("code") == code:
            found = True
            rec = applied(rec, plan_changes(plan))
            if acceptance is not None:
                planned = {(s.get("innovation"), s["row"]) for s in plan.get("steps", [])}
                new_ids = {n.get("id") for n in plan.get("new_innovations", [])}
                for (inv, row) in planned:
                    if inv is None:
                        rec["government"][row]["acceptance"] = acceptance
                    else:
                        i = next(x for x in rec["innovations"] if x["id"] == inv)
                        i["answers"][row]["acceptance"] = acceptance
                for i in rec.get("innovations", []):
                    if i["id"] in new_ids:
                        for a in i.get("answers", {}).values():
                            a["acceptance"] = acceptance
        lines.append(json.dumps(rec, ensure_ascii=False))
    if not found:
        raise InputError(f"the plan's region {code} is in none of the inputs")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _json_line(rec: dict, prov: dict) -> str:
    """One region's line (docs/schemas/uncertainty.schema.json)."""
    out = {"region": rec["code"], "name": rec["name"], "type": rec["type"], "province": rec["province"],
           "edition": prov["editions"][0], "policy": prov["policy"], "replicates": prov["replicates"],
           "seed": prov["seed"], "iid_mean": rec["iid_mean"], "iid_q05": rec["iid_q05"], "iid_q50": rec["iid_q50"],
           "iid_q95": rec["iid_q95"], "category_probability": rec["category_probability"],
           "unranked_probability": rec["unranked_probability"]}
    for scope in ("national", "province"):
        out[f"{scope}_rank"] = {q: rec[f"{scope}_rank_{q}"] for q in ("q05", "q50", "q95")}
    out["provenance"] = prov
    return json.dumps(out, ensure_ascii=False)


def _table_text(study: Study, region: Optional[str]) -> str:
    from ._text import printable
    recs = list(_records(study))
    if region is not None:
        recs = [r for r in recs if r["code"] == region]
    p = provenance(study)
    out = [f"{p['replicates']} replicates, seed {p['seed']}, policy {p['policy']}, edition "
           f"{', '.join(p['editions'])}\n",
           f"{'code':<9}{'name':<32}{'IID mean':>9}  {'5–95 %':>13}  {'most likely category':<28}"
           f"{'national rank':>16}{'province rank':>16}\n"]
    for r in recs:
        cat, pc = max(r["category_probability"].items(), key=lambda kv: kv[1])
        nat = "—" if r["national_rank_q50"] is None else \
            f"{r['national_rank_q50']} [{r['national_rank_q05']}–{r['national_rank_q95']}]"
        prov = "—" if r["province_rank_q50"] is None else \
            f"{r['province_rank_q50']} [{r['province_rank_q05']}–{r['province_rank_q95']}]"
        out.append(f"{printable(r['code']):<9}{printable(r['name'])[:31]:<32}{r['iid_mean']:>9.2f}  "
                   f"{r['iid_q05']:>6.2f}–{r['iid_q95']:<6.2f}  {(cat + f' ({pc:.0%})')[:27]:<28}"
                   f"{nat:>16}{prov:>16}\n")
    return "".join(out)


def add_parser(sub) -> None:
    from .cli import integer, nonempty

    p = sub.add_parser("uncertainty", help="Monte Carlo: how sure each region's IID, category and rank are")
    p.add_argument("files", nargs="+", metavar="FILE", help="JSON Lines or JSON submission files")
    p.add_argument("--uncertainty", metavar="FILE", type=nonempty,
                   help="the uncertainty file (docs/uncertainty.md; default: every answer's evidence drawn at its "
                        "acceptance, failed answers at level 0, policy self_assessed, seed 0, 1000 replicates)")
    p.add_argument("--replicates", type=integer(1, 0xFFFFFFFF, "a whole number from 1 to 4294967295"),
                   help="replicates (overrides the file)")
    p.add_argument("--seed", type=integer(0, 2**63 - 1, "a whole number from 0 to 2^63-1"),
                   help="seed (overrides the file)")
    p.add_argument("--threads", type=integer(0, None, "a whole number of at least 0"), default=0,
                   help="threads (default 0: one per hardware thread); the result does not depend on it")
    p.add_argument("--edition", type=nonempty, help="score every record under this edition (name or path)")
    p.add_argument("--region", metavar="CODE", help="only this region's line")
    p.add_argument("--plan", metavar="FILE", type=nonempty,
                   help="a plan from `inovasi plan` (its JSON line): the probability that it reaches its target")
    p.add_argument("--plan-acceptance", type=float, metavar="P",
                   help="with --plan: the acceptance probability of every answer the plan changes or adds "
                        "(default: read from their evidence like any answer)")
    p.add_argument("--format", choices=["json", "table"], default="json")
    p.set_defaults(func=run_cli)


def run_cli(args) -> int:
    from ._text import printable
    from .cli import UsageError, write_stdout

    files = list(args.files)
    try:
        if args.plan:
            with open(args.plan, encoding="utf-8") as f:
                text = f.read().strip().splitlines()
            try:
                plan = json.loads(text[0]) if text else None
            except json.JSONDecodeError as exc:
                raise UsageError(f"--plan {printable(args.plan)}: not JSON ({exc.msg})") from None
            if not isinstance(plan, dict) or "region" not in plan or "target_iid" not in plan:
                raise UsageError(f"--plan {printable(args.plan)}: not a plan from `inovasi plan`")
            if args.plan_acceptance is not None and not 0 <= args.plan_acceptance <= 1:
                raise UsageError("--plan-acceptance: a probability from 0 to 1")
            data: Any = with_plan(files, plan, args.plan_acceptance)
        else:
            data = files
        mdl = model(data, args.uncertainty, args.edition, args.replicates, args.seed, args.threads)
    except OSError as exc:
        raise UsageError(f"{printable(exc.filename or '')}: cannot read ({exc.strerror})") from None
    study = run(mdl, threads=args.threads)
    prov = provenance(study)
    if args.plan:
        codes = mdl.region_table()["codes"]
        r = codes.index(plan["region"])
        target_h = int(round(float(plan["target_iid"]) * 100))
        s = study.summary.region(r)
        line = {"region": plan["region"], "target_iid": plan["target_iid"],
                "target_category": plan.get("target_category"),
                "success_probability": (category_success(study, r, plan["target_category"])
                                        if plan.get("target_category") else plan_success(study, r, target_h)),
                "iid_q05": s["iid_q05_h"] / 100, "iid_q50": s["iid_q50_h"] / 100, "iid_q95": s["iid_q95_h"] / 100,
                "plan_iid_after": plan.get("iid_after")}
        if args.format == "table":
            out = (f"{printable(plan['region'])}: the plan reaches IID {plan['target_iid']:.2f} in "
                   f"{line['success_probability']:.1%} of {study.replicates} replicates "
                   f"(IID 5–95 %: {line['iid_q05']:.2f}–{line['iid_q95']:.2f}, median {line['iid_q50']:.2f})\n")
        else:
            out = json.dumps({**line, "provenance": prov}, ensure_ascii=False) + "\n"
        write_stdout([out.encode("utf-8")])
        return 0
    if args.format == "table":
        write_stdout([_table_text(study, args.region).encode("utf-8")])
        return 0
    recs = [r for r in _records(study) if args.region is None or r["code"] == args.region]
    # JSON Lines: docs/schemas/uncertainty.schema.json (ranks nested, null when never ranked).
    if args.region is not None and not recs:
        raise UsageError(f"--region {printable(args.region)}: no such region in the inputs")
    write_stdout([(_json_line(r, prov) + "\n").encode("utf-8") for r in recs])
    return 0
