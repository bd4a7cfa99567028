"""Monte Carlo (inovasi.uncertainty, docs/uncertainty.md): the engine's summary equals an
independent vectorised numpy implementation count for count; the same for every thread count
and every split of the replicates; a plan's success probability equals a direct simulation that
edits the submission JSON per replicate (the same draws) and rescores it through score(); the
CLI's JSON Lines, table, errors and Ctrl-C."""

import json
import os
import pickle
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import inovasi
import inovasi.batch as batch
import inovasi.random as rnd
from inovasi import uncertainty as u

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
from mc_numpy import Oracle  # noqa: E402

KEYS = ("iid_sum_h", "iid_histogram", "category_count", "national_rank_count", "province_rank_count")
SPEC = {"policy": "self_assessed", "seed": 77, "evidence": {"acceptance": "answers", "fallback": "zero"}}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    import inovasi.synth as synth
    p = tmp_path_factory.mktemp("mc") / "synth.jsonl"
    synth.write_jsonl(p, seed=5, innovations=3000, regions=80)
    return str(p)


def _same(a, b):
    for k in KEYS:
        np.testing.assert_array_equal(np.asarray(a[k]), np.asarray(b[k]), err_msg=k)


def test_engine_equals_the_numpy_oracle(synthetic):
    study = u.run(synthetic, {**SPEC, "replicates": 60}, threads=2, progress=False)
    cols = batch.columns(synthetic, evidence=True)
    oracle = Oracle(cols, os.path.join(ROOT, "editions", "iid-2023.json"), SPEC["seed"])
    st = oracle.run(0, 60)
    _same(study.summary.state(), st)
    # The draws bite: IIDs spread within regions.
    h = study.summary.state()["iid_histogram"]
    assert ((h > 0).sum(axis=1) > 1).sum() > 40


def test_engine_equals_the_oracle_on_the_national_dataset():
    data = os.path.join(ROOT, "data", "national", "national-2023.jsonl")
    if not os.path.exists(data):
        import inovasi.synth as synth
        data = str(synth.national_dataset())
    study = u.run(data, {**SPEC, "seed": 2024, "replicates": 12}, first=1000, count=12, threads=2, progress=False)
    cols = batch.columns(data, evidence=True, threads=2)
    oracle = Oracle(cols, os.path.join(ROOT, "editions", "iid-2023.json"), 2024)
    _same(study.summary.state(), oracle.run(1000, 12))


def test_same_summary_for_every_thread_count_and_split(synthetic):
    mdl = u.model(synthetic, {**SPEC, "replicates": 200, "weights": {"steps": 1},
                              "divisor_minimum": {"values": [8, 10, 12]}})
    one = u.run(mdl, threads=1, progress=False).summary
    for t in (2, 7, 8):
        assert u.run(mdl, threads=t, progress=False).summary == one
    blocks = [u.run(mdl, first=a, count=b - a, threads=2, progress=False) for a, b in ((0, 13), (13, 150), (150, 200))]
    merged = u.merge(blocks[::-1]).summary
    assert merged == one
    assert merged.replicates == 200
    back = pickle.loads(pickle.dumps(one, protocol=5))
    assert back == one
    _same(back.state(), one.state())


def test_table_columns_and_quantiles(synthetic):
    study = u.run(synthetic, {**SPEC, "replicates": 100}, progress=False)
    df = u.table(study)
    assert len(df) == 80
    labels = batch.category_labels("iid-2023")
    assert {"code", "iid_mean", "iid_q05", "iid_q50", "iid_q95", "p_unranked"} <= set(df.columns)
    assert np.allclose(df[["p_" + x for x in labels]].sum(axis=1), 1.0)
    st = study.summary.state()
    # Quantiles from the histogram by hand: order statistic ceil(q × R), R = 100.
    for r in range(0, 80, 9):
        values = np.repeat(np.arange(10001), st["iid_histogram"][r])
        assert len(values) == 100
        assert df["iid_q05"][r] == values[4] / 100
        assert df["iid_q50"][r] == values[49] / 100
        assert df["iid_q95"][r] == values[94] / 100
        assert df["iid_mean"][r] == pytest.approx(values.mean() / 100, abs=1e-4)
    prov = df.attrs["provenance"]
    assert prov["seed"] == 77 and prov["replicates"] == 100 and prov["policy"] == "self_assessed"
    assert prov["edition_sha256"][0] == inovasi.edition("iid-2023").sha256


def _direct_success(text: bytes, code: str, spec: dict, replicates: int, targets_h: list) -> list:
    """Replicates in which the region reaches the target: each answer's draw made with
    inovasi.random from its documented key, failed answers set to level 0 in the JSON, the
    submission rescored by score()."""
    cols = batch.columns(text, evidence=True)
    r = list(cols["codes"]).index(code)
    sub = next(json.loads(x) for x in text.decode("utf-8").splitlines() if x.strip()
               and json.loads(x)["region"]["code"] == code)
    ed = inovasi.edition(sub["edition"])
    gov_keys = [row["key"] for row in ed.rows if not row["per_innovation"]]
    inv_keys = [row["key"] for row in ed.rows if row["per_innovation"]]
    off = cols["region_offsets"]
    fixed = spec["evidence"].get("acceptance")
    q = (lambda a: rnd.quantise_probability(fixed)) if isinstance(fixed, float) else \
        (lambda a: (int(a) * 65536 + 32767) // 65535)
    hits = [0] * len(targets_h)
    for rep in range(replicates):
        s = json.loads(json.dumps(sub))
        for k, key in enumerate(gov_keys):
            p = q(cols["government_acceptance"][r, k])
            x = int(rnd.bits(spec["seed"], rnd.key(code, "", key), rep, 1)[0])
            if (x >> 48) >= p and key in s.get("government", {}):
                s["government"][key] = {"level": 0}
        for j, inv in enumerate(s.get("innovations", [])):
            jj = off[r] + j
            for k, key in enumerate(inv_keys):
                p = q(cols["innovation_acceptance"][jj, k])
                x = int(rnd.bits(spec["seed"], rnd.key(code, inv["id"], key), rep, 1)[0])
                if (x >> 48) >= p and key in inv.get("answers", {}):
                    inv["answers"][key] = {"level": 0}
        iid_h = inovasi.score(s).iid_hundredths
        for i, t in enumerate(targets_h):
            hits[i] += iid_h >= t
    return hits


@pytest.mark.parametrize("acceptance", ["answers", 0.8])
def test_plan_success_equals_a_direct_simulation_through_score(tmp_path, acceptance):
    src = os.path.join(ROOT, "examples", "kabupaten-gunung-mas-2025.json")
    out = subprocess.run([sys.executable, "-m", "inovasi", "plan", src, "--target", "Inovatif", "--max-new", "3"],
                         capture_output=True, text=True, check=True)
    plan = json.loads(out.stdout)
    assert plan["reachable"]
    text = u.with_plan([src], plan)
    spec = {"seed": 4, "replicates": 40, "evidence": {"acceptance": acceptance}}
    study = u.run(text, spec, progress=False)
    target_h = round(plan["target_iid"] * 100)
    # The plan's own target (a cheapest plan has little slack) and one 8 points lower, which
    # the draws decide either way in this case.
    hits, hits_lower = _direct_success(text, plan["region"], spec, 40, [target_h, target_h - 800])
    assert u.plan_success(study, 0, target_h) == hits / 40
    assert u.plan_success(study, 0, target_h - 800) == hits_lower / 40
    assert 0 < hits_lower < 40

    (tmp_path / "plan.json").write_text(out.stdout)
    (tmp_path / "u.json").write_text(json.dumps(spec))
    cli = subprocess.run([sys.executable, "-m", "inovasi", "uncertainty", src, "--plan", str(tmp_path / "plan.json"),
                          "--uncertainty", str(tmp_path / "u.json")], capture_output=True, text=True, check=True)
    line = json.loads(cli.stdout)
    assert line["success_probability"] == hits / 40
    assert line["provenance"]["replicates"] == 40 and line["provenance"]["seed"] == 4


def test_cli_json_lines_and_table(synthetic, tmp_path):
    run = lambda *a: subprocess.run([sys.executable, "-m", "inovasi", "uncertainty", synthetic, *a],
                                    capture_output=True, text=True)
    out = run("--replicates", "30", "--seed", "9", "--threads", "2")
    assert out.returncode == 0, out.stderr
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert len(lines) == 80
    study = u.run(synthetic, {"seed": 9, "replicates": 30}, progress=False)
    df = u.table(study)
    assert [x["iid_q50"] for x in lines] == list(df["iid_q50"])
    assert lines[0]["provenance"]["replicates"] == 30
    t = run("--replicates", "30", "--format", "table")
    assert t.returncode == 0 and "replicates, seed 0" in t.stdout and len(t.stdout.splitlines()) == 82
    (tmp_path / "bad.json").write_text('{"evidence": {"fallback": "nol"}}')
    bad = run("--uncertainty", str(tmp_path / "bad.json"))
    assert bad.returncode == 2 and "/evidence/fallback" in bad.stderr and "bad.json" in bad.stderr
    assert bad.stdout == ""


def test_ctrl_c_stops_a_long_run(synthetic):
    p = subprocess.Popen([sys.executable, "-m", "inovasi", "uncertainty", synthetic, "--replicates", "4000000000",
                          "--threads", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(3)
    p.send_signal(signal.SIGINT)
    try:
        out, err = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        pytest.fail("the run did not stop on SIGINT")
    assert p.returncode == 130, err
    assert out == b""


def test_a_plan_with_new_innovations_applied_scores_its_iid_after():
    """with_plan and plan_changes keep a new innovation's levels (the plan's `profile`): the
    planned submission, and the plan as a scenario, score the plan's own iid_after."""
    from inovasi.scenario import ScenarioBase
    src = os.path.join(ROOT, "examples", "kabupaten-gunung-mas-2025.json")
    out = subprocess.run([sys.executable, "-m", "inovasi", "plan", src, "--target", "Inovatif", "--max-new", "3"],
                         capture_output=True, text=True, check=True)
    plan = json.loads(out.stdout)
    assert plan["new_innovations"] and any(v for v in plan["new_innovations"][0]["profile"].values())
    assert inovasi.score(json.loads(u.with_plan([src], plan))).iid == plan["iid_after"]
    changes = {"policy": plan["policy"], "changes": u.plan_changes(plan)}
    assert ScenarioBase(src).score_region(changes, plan["region"])["iid_h"] == round(plan["iid_after"] * 100)


def test_models_and_studies_pickle_and_copy(synthetic):
    import copy

    import cloudpickle
    mdl = u.model(synthetic, {**SPEC, "replicates": 40})
    study = u.run(mdl, progress=False)
    for dumps, loads in ((lambda o: pickle.dumps(o, protocol=5), pickle.loads),
                         (cloudpickle.dumps, cloudpickle.loads), (copy.deepcopy, lambda o: o)):
        back = loads(dumps(study))
        assert back.summary == study.summary
        assert back.model.groups == mdl.groups and back.model.regions == mdl.regions
        assert u.run(back.model, progress=False).summary == study.summary  # the same model
    import inovasi._core as core
    raw = core.UncertaintyModel(open(synthetic, "rb").read(), "{}")
    with pytest.raises(TypeError, match="inovasi.uncertainty.model"):
        pickle.dumps(raw)
