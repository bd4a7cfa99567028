"""Variance-based sensitivity (inovasi.sensitivity, docs/sensitivity.md).

- On the same sample matrices our estimators equal SALib's (SALib.analyze.sobol, second order
  off, fed the same outputs in its row layout) to 1e-9: analytic models and an IID output.
- The bootstrap equals an independent numpy implementation that draws the same resamples from
  inovasi.random (row k of resample r: the top log2 N bits of bits(seed, key, r·N + k)).
- A closed-form IID case (one iid-2023 region, independent Bernoulli evidence acceptance per
  answer, fixed divisor, no gate): the IID is linear in the accepted levels, so each row's
  S1 = ST = Var(its contribution) / Var(IID), computed exactly; every estimate lies within 4
  bootstrap standard errors of it at a fixed seed.
"""

from __future__ import annotations

import json
import math
import pathlib
import warnings

import numpy as np
import pytest

import inovasi
import inovasi.uncertainty
import inovasi.random as rnd
import inovasi.sensitivity as sa

ROOT = pathlib.Path(__file__).resolve().parents[2]
BERAU = ROOT / "examples" / "kabupaten-berau-2023.json"


def interaction(x):
    return x[:, 0] + x[:, 1] + x[:, 0] * x[:, 2]


def ishigami(u):
    x = (2 * u - 1) * np.pi
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def salib_indices(y, d):
    from SALib.analyze import sobol

    problem = {"num_vars": d, "names": [f"g{i}" for i in range(d)], "bounds": [[0.0, 1.0]] * d}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sobol.analyze(problem, np.asarray(y, dtype=np.float64), calc_second_order=False,
                             num_resamples=100, seed=1, print_to_console=False)


@pytest.mark.parametrize("model,n", [(interaction, 1024), (ishigami, 4096)])
def test_equals_salib_on_the_same_matrices(model, n):
    _, _, x = sa.design(n, ["x1", "x2", "x3"], seed=31)
    y = model(x)
    ours = sa.indices(y, ["x1", "x2", "x3"], resamples=50, seed=31)
    ref = salib_indices(y, 3)
    np.testing.assert_allclose(ours["S1"], ref["S1"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours["ST"], ref["ST"], rtol=0, atol=1e-9)
    # Not vacuous: the inputs differ, and an uncentred first-order estimator would not agree.
    assert ours["S1"].max() - ours["S1"].min() > 0.1
    ya, yb, yab = y.reshape(-1, 5)[:, 0], y.reshape(-1, 5)[:, 4], y.reshape(-1, 5)[:, 1:4]
    uncentred = (yb[:, None] * (yab - ya[:, None])).mean(axis=0) / np.var(np.r_[ya, yb])
    assert np.abs(uncentred - ref["S1"]).max() > 1e-6


def numpy_bootstrap(ya, yb, yab, resamples, confidence, seed):
    """The bootstrap written independently: rows gathered per resample (as SALib does), not the
    core's count-matrix product; the same resamples from inovasi.random."""
    n = ya.size
    k = n.bit_length() - 1
    centre = np.concatenate([ya, yb, yab.ravel()]).mean()
    a, b, ab = ya - centre, yb - centre, yab - centre
    key = rnd.key("sensitivity", "bootstrap")
    s1, st = [], []
    for r in range(resamples):
        idx = (rnd.bits(seed, key, r * n, n) >> np.uint64(64 - k)).astype(np.int64)
        ar, br, abr = a[idx], b[idx], ab[idx]
        v = np.var(np.r_[ar, br])
        s1.append((br[:, None] * (abr - ar[:, None])).mean(axis=0) / v)
        st.append(0.5 * ((ar[:, None] - abr) ** 2).mean(axis=0) / v)
    s1, st = np.array(s1), np.array(st)
    q = [50 * (1 - confidence), 50 * (1 + confidence)]
    return {"S1_se": s1.std(axis=0, ddof=1), "ST_se": st.std(axis=0, ddof=1),
            "S1_lo": np.percentile(s1, q[0], axis=0), "S1_hi": np.percentile(s1, q[1], axis=0),
            "ST_lo": np.percentile(st, q[0], axis=0), "ST_hi": np.percentile(st, q[1], axis=0)}


def test_bootstrap_equals_an_independent_implementation():
    _, _, x = sa.design(256, ["x1", "x2", "x3"], seed=5)
    rows = interaction(x).reshape(-1, 5)
    ya, yb, yab = rows[:, 0], rows[:, 4], rows[:, 1:4]
    ours = sa.indices_of(ya, yb, yab, resamples=300, confidence=0.9, seed=77)
    ref = numpy_bootstrap(ya, yb, yab, 300, 0.9, 77)
    for c, v in ref.items():
        np.testing.assert_allclose(ours[c], v, rtol=1e-9, atol=1e-12, err_msg=c)
    assert (ours["S1_se"] > 0.005).all()
    other = sa.indices_of(ya, yb, yab, resamples=300, confidence=0.9, seed=78)
    assert not np.array_equal(ours["S1_se"], other["S1_se"])  # the seed is the bootstrap's


def test_frame_and_bad_input():
    _, _, x = sa.design(64, ["a", "b", "c"], seed=1)
    df = sa.indices(interaction(x), ["a", "b", "c"], resamples=20, seed=1, policy="self_assessed")
    assert list(df.columns) == sa.COLUMNS
    assert list(df["group"]) == ["a", "b", "c"]
    assert df.attrs["N"] == 64 and df.attrs["seed"] == 1 and df.attrs["policy"] == "self_assessed"
    with pytest.raises(ValueError, match="power of two"):
        sa.design(100, ["a"], 0)
    with pytest.raises(ValueError, match="power of two"):
        sa.indices_of(np.ones(3), np.ones(3), np.ones((3, 1)))
    with pytest.raises(ValueError, match="not N"):
        sa.indices(np.ones(13), ["a", "b"])
    with pytest.raises(ValueError, match="finite"):
        sa.indices_of([1, np.nan], [0, 1], [[1], [2]])
    assert sa.counters(3, 5 + 2) == [2, 3, 2]  # sample 1 (A: 2, B: 3), A_B^(2): input 2 takes B's counter


# --- The closed-form IID case -------------------------------------------------------------------

def berau_answers():
    """Berau 2023 (iid-2023: no gate, d_min 10, 12 innovations counted so the divisor is 12
    whatever the draws), every answer given an acceptance probability from a fixed cycle. Per
    answer: (row key, IID hundredths it is worth when accepted, its acceptance p), the rest of
    the IID (count points, rejected innovation) fixed."""
    sub = json.loads(BERAU.read_text())
    ed = inovasi.edition(sub["edition"])
    weight_h = {r["key"]: round(float(r["weight"]) * 100) for r in ed.rows}
    max_total_h = round(float(ed.max_total) * 100)
    counted = [i for i in sub["innovations"] if i["status"] in ("submitted", "rejected")]
    divisor = max(ed.divisor_minimum, len(counted))
    cycle = [0.3, 0.55, 0.8, 0.95, 1.0]
    answers, k = [], 0
    for key, a in sub["government"].items():
        a["acceptance"] = cycle[k % len(cycle)]
        k += 1
        answers.append((key, weight_h[key] * a["level"] * 10000 / max_total_h, a["acceptance"], sub["region"]["code"], ""))
    for inn in sub["innovations"]:
        for key, a in inn["answers"].items():
            a["acceptance"] = cycle[k % len(cycle)]
            k += 1
            if inn["status"] != "submitted":
                continue  # a rejected innovation scores 0 whatever its evidence
            answers.append((key, weight_h[key] * a["level"] * 10000 / (divisor * max_total_h), a["acceptance"],
                            sub["region"]["code"], inn["id"]))
    rows = list(dict.fromkeys([a[0] for a in answers]))
    return sub, rows, answers


def exact_indices(rows, answers):
    """S1 = ST per row: Var(Σ over the row's answers of worth × Bernoulli(p)) / Var(IID)."""
    var = {r: 0.0 for r in rows}
    for row, worth, p, _, _ in answers:
        var[row] += worth * worth * p * (1 - p)
    total = sum(var.values())
    return np.array([var[r] / total for r in rows])


def pure_python_outputs(rows, answers, n, seed):
    """The IID in hundredths (unrounded sum of the accepted answers' worth; the constant part and
    the final rounding do not change the indices beyond noise far below one standard error) on
    the Saltelli design, each answer's draw keyed by (region, innovation, row), its row's
    counter: 2j in A, 2j + 1 in B."""
    d = len(rows)
    ya, yb, yab = np.zeros(n), np.zeros(n), np.zeros((n, d))
    for row, worth, p, code, inn in answers:
        draws = rnd.bernoulli(seed, rnd.key("acceptance", code, inn, row), 0, 2 * n,
                              rnd.quantise_probability(p)).astype(np.float64)
        da, db = worth * draws[0::2], worth * draws[1::2]
        ya += da
        yb += db
        yab += da[:, None]
        i = rows.index(row)
        yab[:, i] += db - da
    return ya, yb, yab


def test_closed_form_iid_case_pure_python():
    _, rows, answers = berau_answers()
    truth = exact_indices(rows, answers)
    n, seed = 2048, 2023
    ya, yb, yab = pure_python_outputs(rows, answers, n, seed)
    res = sa.indices_of(ya, yb, yab, resamples=500, seed=seed)
    for name, est, se in (("S1", res["S1"], res["S1_se"]), ("ST", res["ST"], res["ST_se"])):
        bad = [(rows[i], est[i], truth[i], se[i]) for i in range(len(rows)) if abs(est[i] - truth[i]) > 4 * se[i]]
        assert not bad, f"{name}: (row, estimate, truth, se) beyond 4 SE: {bad}"
    assert truth.max() > 0.05 and math.isclose(truth.sum(), 1.0)
    # SALib on the same outputs, the layout of its rows: per sample A, AB_1 … AB_d, B.
    y = np.column_stack([ya, yab, yb]).ravel()
    ref = salib_indices(y, len(rows))
    np.testing.assert_allclose(res["S1"], ref["S1"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(res["ST"], ref["ST"], rtol=0, atol=1e-9)


# --- The IID model through the Monte Carlo engine ------------------------------------------------

SPEC = {"policy": "self_assessed", "seed": 2023, "evidence": {"acceptance": "answers", "fallback": "zero"}}


def test_closed_form_iid_case_engine():
    """The same closed form, the IID now from the engine (UncertaintyModel.evaluate with one
    counter per evidence group), output region:64.03 (its rounded IID, in points)."""
    sub, rows, answers = berau_answers()
    truth = dict(zip(rows, exact_indices(rows, answers)))
    data = (json.dumps(sub) + "\n").encode("utf-8")
    df = sa.run(data, SPEC, output="region:64.03", samples=2048, resamples=500, threads=2)
    assert df.attrs["N"] == 2048 and df.attrs["provenance"]["policy"] == "self_assessed"
    assert df.attrs["provenance"]["edition"] == "iid-2023" and len(df.attrs["provenance"]["edition_sha256"]) == 64
    groups = list(df["group"])
    assert sorted(groups) == sorted(f"evidence:{r['key']}" for r in inovasi.edition("iid-2023").rows)
    bad = []
    for g, s1, se1, st, set_ in zip(groups, df["S1"], df["S1_se"], df["ST"], df["ST_se"]):
        t = truth.get(g.split(":", 1)[1], 0.0)
        if abs(s1 - t) > 4 * se1 or abs(st - t) > 4 * set_:
            bad.append((g, s1, st, t, se1, set_))
    assert not bad, f"(group, S1, ST, truth, se) beyond 4 SE: {bad}"
    assert df["S1"].max() > 0.05
    # SALib on the engine's outputs, in its layout (saltelli_counters' order is SALib's).
    ref = salib_indices(df.attrs["outputs"], len(groups))
    np.testing.assert_allclose(df["S1"], ref["S1"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(df["ST"], ref["ST"], rtol=0, atol=1e-9)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    from inovasi import synth

    p = tmp_path_factory.mktemp("sens") / "small.jsonl"
    synth.write_jsonl(p, seed=5, innovations=1500, regions=60)
    return p


def test_study_is_the_same_for_every_thread_count(small):
    mdl = inovasi.uncertainty.model(small, SPEC)
    runs = [sa.run(mdl, output="rank-shift", samples=16, resamples=100, threads=t) for t in (1, 2, 7)]
    for r in runs[1:]:
        assert r.attrs["outputs"] == runs[0].attrs["outputs"]
        np.testing.assert_array_equal(r["S1"], runs[0]["S1"])
        np.testing.assert_array_equal(r["ST_hi"], runs[0]["ST_hi"])
    assert np.std(runs[0].attrs["outputs"]) > 0
    import pandas as pd
    assert len(pd.concat(runs)) == 3 * len(runs[0])  # attrs that pandas can compare
    # A rank output: every value a rank (or one below the last) of its type.
    code = mdl.region_table()["codes"][3]
    r = sa.run(mdl, output=f"rank:{code}", samples=8, resamples=10)
    y = np.asarray(r.attrs["outputs"])
    assert (y >= 1).all() and (y == np.round(y)).all()
    with pytest.raises(ValueError, match="no region"):
        sa.run(mdl, output="rank:99.99", samples=8)
    with pytest.raises(ValueError, match="one of"):
        sa.run(mdl, output="iid", samples=8)


def test_leave_one_out_equals_an_independent_rescoring(small):
    """Each row dropped: the engine's figures equal a rescoring through inovasi.batch (an
    edition copy with the weight 0, batch.competition_ranks)."""
    from inovasi import _core, batch

    ed = _core.edition_reweighted("iid-2023", {"16": 0})
    assert float(ed.max_total) == 250 - 3 * 3  # row 16: weight 3, three levels
    mdl = inovasi.uncertainty.model(small, SPEC)
    got = sa.leave_one_out(mdl)
    assert list(got["row"]) == [r["key"] for r in inovasi.edition("iid-2023").rows]
    cols = batch.columns(str(small), evidence=True)
    nominal = batch.score_columns(cols, policy="self_assessed")
    nom_rank, _ = _ranks(cols, nominal)
    for rec in got.itertuples():
        dropped = dict(cols, edition=_core.edition_reweighted(cols["edition"], {rec.row: 0}))
        res = batch.score_columns(dropped, policy="self_assessed")
        rank, of_type = _ranks(dropped, res)
        rank = np.where(rank > 0, rank, of_type + 1)
        shift = np.abs(rank - nom_rank)[nom_rank > 0]
        assert rec.mean_abs_rank_shift == pytest.approx(shift.mean(), abs=1e-12), rec.row
        assert rec.max_abs_rank_shift == shift.max() and rec.regions_moved == (shift > 0).sum()
        assert rec.mean_iid_change == pytest.approx((res["iid_h"] - nominal["iid_h"]).mean() / 100, abs=1e-12)
    assert got["max_abs_rank_shift"].max() > 0
    assert (got["mean_iid_change"] <= 0).sum() >= 1


def _ranks(cols, result):
    from inovasi import batch

    lowest = len(batch.category_labels(cols["edition"])) - 1
    types = np.asarray(cols["types"])
    eligible = np.asarray(result["category"]) != lowest
    rank = batch.competition_ranks(result["iid_h"], types, eligible)
    counts = np.bincount(types[eligible], minlength=3)
    return rank, counts[types]


def _cli(*args):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "inovasi", "sensitivity", *map(str, args)], capture_output=True,
                          text=True, timeout=300)


def test_cli(small, tmp_path):
    u = tmp_path / "u.json"
    u.write_text(json.dumps(SPEC))
    p = _cli(small, "--uncertainty", u, "--samples", 16, "--resamples", 50, "--threads", 2)
    assert p.returncode == 0, p.stderr
    lines = [json.loads(x) for x in p.stdout.splitlines()]
    assert len(lines) > 10
    assert set(lines[0]) >= {"group", "S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi", "output", "provenance"}
    assert lines[0]["provenance"]["seed"] == 2023 and lines[0]["provenance"]["N"] == 16
    again = _cli(small, "--uncertainty", u, "--samples", 16, "--resamples", 50, "--threads", 1, "--seed", 2023)
    assert again.stdout == p.stdout  # the same whatever the threads; --seed as the file's
    t = _cli(small, "--uncertainty", u, "--samples", 8, "--resamples", 20, "--format", "table")
    assert t.returncode == 0 and "evidence:16" in t.stdout and "S1" in t.stdout
    loo = _cli(small, "--uncertainty", u, "--leave-one-out")
    assert loo.returncode == 0, loo.stderr
    rows = [json.loads(x) for x in loo.stdout.splitlines()]
    assert [r["row"] for r in rows] == [r["key"] for r in inovasi.edition("iid-2023").rows]
    bad = _cli(small, "--samples", 100)
    assert bad.returncode == 2 and "power of two" in bad.stderr and not bad.stdout
    bad = _cli(small, "--output", "rank:nope", "--samples", 8)
    assert bad.returncode == 2 and "no region" in bad.stderr and not bad.stdout


def test_cli_ctrl_c_stops_cleanly(small):
    """SIGINT during a long study: the run stops between blocks, exit status 130, nothing written."""
    import signal
    import subprocess
    import sys
    import time

    p = subprocess.Popen([sys.executable, "-m", "inovasi", "sensitivity", str(small), "--samples", str(1 << 16),
                          "--threads", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(3)
    assert p.poll() is None  # still running: the interrupt lands mid-study
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=60)
    assert p.returncode == 128 + signal.SIGINT and out == b""
