"""The Pythonic API: pickling (pickle, protocol 5 buffers, cloudpickle) and copies of every
public type, a process pool, inputs, raised errors, the breakdown without JSON, HTML, lazy
attributes, the version and `inovasi editions NAME`."""

import concurrent.futures
import copy
import json
import multiprocessing
import os
import pathlib
import pickle
import re
import subprocess
import sys
import tomllib

import cloudpickle
import numpy as np
import pytest

import inovasi
from inovasi import _core, batch, planning, synth
from inovasi.scenario import ScenarioBase

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
POLICIES = inovasi.policies()
CUSTOM_EDITION = ROOT / "examples" / "editions" / "lomba-opd-berau.json"
CUSTOM_DATA = ROOT / "examples" / "editions" / "lomba-opd-berau-contoh.jsonl"


def pickle_round(x, protocol):
    return pickle.loads(pickle.dumps(x, protocol=protocol))


ROUND_TRIPS = {
    "pickle-2": lambda x: pickle_round(x, 2),
    "pickle-default": lambda x: pickle_round(x, pickle.DEFAULT_PROTOCOL),
    "pickle-5": lambda x: pickle_round(x, 5),
    "cloudpickle": lambda x: cloudpickle.loads(cloudpickle.dumps(x)),
    "deepcopy": copy.deepcopy,
    "copy": copy.copy,
}
round_trips = pytest.mark.parametrize("trip", sorted(ROUND_TRIPS), ids=str)


def edition_content(ed):
    return (ed.name, ed.sha256, ed.text, ed.title, ed.rows, ed.categories, ed.count_points, ed.max_total,
            ed.level_max, ed.rounding, ed.category_reading, ed.acceptance_factors, ed.provenance)


# --------------------------------------------------------------------------------------------
# Editions: their text and sha256 travel; the edition is rebuilt where it lands.

@round_trips
@pytest.mark.parametrize("which", inovasi.edition_names() + ["custom"])
def test_edition_round_trip(which, trip):
    ed = inovasi.edition(CUSTOM_EDITION if which == "custom" else which)
    back = ROUND_TRIPS[trip](ed)
    assert edition_content(back) == edition_content(ed)
    assert back == ed and hash(back) == hash(ed)
    # The rebuilt edition scores as the original (a submission read under each).
    rec = CUSTOM_DATA.read_text(encoding="utf-8").splitlines()[0] if which == "custom" else EXAMPLES[0]
    if which == "custom":
        assert (inovasi.score(rec, back, override_edition=True).to_json()
                == inovasi.score(rec, ed, override_edition=True).to_json())


def test_edition_text_is_what_its_sha256_is_of():
    import hashlib

    for name in inovasi.edition_names():
        ed = inovasi.edition(name)
        assert hashlib.sha256(ed.text).hexdigest() == ed.sha256
        assert ed.text == (ROOT / "editions" / f"{name}.json").read_bytes()


def test_damaged_or_newer_edition_states_are_refused():
    ed = inovasi.edition(CUSTOM_EDITION)
    version, name, sha, text = ed.__getstate__()
    assert version == 1
    with pytest.raises(ValueError, match="state version 2"):
        inovasi.Edition.__new__(inovasi.Edition).__setstate__((2, name, sha, text))
    tampered = text.replace(b'"weight"', b'"weight" ', 1)
    with pytest.raises(inovasi.InputError, match="does not match its sha256"):
        inovasi.Edition.__new__(inovasi.Edition).__setstate__((1, name, sha, tampered))


# --------------------------------------------------------------------------------------------
# Submissions and results

def submission_content(sub):
    return (sub.region_code, sub.region_name, sub.region_type, sub.province, sub.innovation_count,
            sub.edition.sha256, sub.text, sub.source, sub.limits,
            [inovasi.score(sub, policy=p).to_json() for p in POLICIES],
            inovasi.prevalidate(sub, policy="assessor"))


@round_trips
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_submission_and_result_round_trip(path, trip):
    sub = inovasi.parse_submission(path, max_evidence_items=150)
    back = ROUND_TRIPS[trip](sub)
    assert submission_content(back) == submission_content(sub)
    assert back.limits.max_evidence_items == 150
    for policy in POLICIES:
        r = inovasi.score(sub, policy=policy)
        b = ROUND_TRIPS[trip](r)
        assert b == r and b.to_json() == r.to_json()
        assert (b.iid_hundredths, b.category, b.policy, b.indicators, b.innovations, b.departments, b.findings) == \
               (r.iid_hundredths, r.category, r.policy, r.indicators, r.innovations, r.departments, r.findings)
        core = ROUND_TRIPS[trip](r._score)
        assert core.to_json() == r._score.to_json()


def test_a_custom_edition_travels_with_its_submission():
    text = CUSTOM_DATA.read_text(encoding="utf-8").splitlines()[0]
    sub = inovasi.parse_submission(text, CUSTOM_EDITION, override_edition=True)
    back = pickle.loads(pickle.dumps(sub))
    assert back.edition == sub.edition and back.edition.name == "lomba-opd-berau"
    assert inovasi.score(back).to_json() == inovasi.score(sub).to_json()


def test_one_edition_text_per_pickle_however_many_submissions():
    subs = [inovasi.parse_submission(p) for p in EXAMPLES if "2024" in p.name]
    subs = subs * 20
    one = len(pickle.dumps(subs[0], protocol=5))
    many = len(pickle.dumps(subs, protocol=5))
    text = len(subs[0].edition.text)
    assert many < one + sum(len(s.text) for s in subs) + 100 * len(subs)
    assert many < len(subs) * text  # the edition is not written once per submission


def test_parse_limits_and_input_errors_round_trip():
    lim = inovasi.parse_limits(max_innovations=7, max_depth=9, max_document_bytes=1000, max_evidence_items=3)
    for trip in ROUND_TRIPS.values():
        b = trip(lim)
        assert (b.max_innovations, b.max_depth, b.max_document_bytes, b.max_evidence_items,
                b.max_region_evidence_items) == (7, 9, 1000, 3, lim.max_region_evidence_items)
        assert b == lim
    with pytest.raises(inovasi.InputError) as e:
        inovasi.score({"edition": "iid-2024", "region": {"code": "1", "type": "kota"},
                       "government": {"1": {"level": 9}}})
    for trip in (ROUND_TRIPS["pickle-5"], ROUND_TRIPS["cloudpickle"]):
        b = trip(e.value)
        assert type(b) is inovasi.InputError and str(b) == str(e.value)
        assert (b.pointer, b.message, b.line, b.column, b.source) == \
               (e.value.pointer, e.value.message, e.value.line, e.value.column, e.value.source)
        assert b.pointer == "/government/1/level"


def test_a_score_stream_says_why_it_cannot_be_pickled():
    r, w = os.pipe()
    try:
        stream = _core.ScoreStream(r)
        with pytest.raises(TypeError, match="file descriptor"):
            pickle.dumps(stream)
    finally:
        os.close(r)
        os.close(w)


# --------------------------------------------------------------------------------------------
# Scenario bases, columns, plans

def base_content(base):
    core = getattr(base, "_base", base)
    nominal = {p: {k: v.tolist() for k, v in core.nominal(p).items()} for p in POLICIES}
    code = core.codes[0]
    change = {"policy": "strict", "changes": [{"region": code, "row": "16", "innovation": 0, "level": 3}]} \
        if core.edition.name != "lomba-opd-berau" else {"changes": []}
    return (core.regions, core.codes, core.names, core.provinces, core.types.tolist(), core.edition, nominal,
            {k: v.tolist() for k, v in core.score(json.dumps(change)).items()})


@round_trips
def test_scenario_base_round_trip(trip):
    paths = [str(p) for p in EXAMPLES if "2024" in p.name]
    for base in (ScenarioBase(paths), ScenarioBase(CUSTOM_DATA, edition=CUSTOM_EDITION),
                 ScenarioBase(paths[0], rebind_to="iid-2025")):
        back = ROUND_TRIPS[trip](base)
        assert base_content(back) == base_content(base)
        assert base_content(ROUND_TRIPS[trip](base._base)) == base_content(base)


def test_scenario_base_bytes_travel_out_of_band_with_protocol_5():
    base = ScenarioBase([str(p) for p in EXAMPLES if "2024" in p.name])
    buffers = []
    data = pickle.dumps(base, protocol=5, buffer_callback=buffers.append)
    assert len(buffers) == 1 and buffers[0].raw().nbytes > 10_000
    assert len(data) < 5_000 + 2 * len(base.edition.text)  # the input's bytes are not in the stream
    back = pickle.loads(data, buffers=buffers)
    assert base_content(back) == base_content(base)


def columns_equal(a, b):
    assert set(a) == set(b)
    for k in a:
        if isinstance(a[k], np.ndarray):
            assert a[k].dtype == b[k].dtype and np.array_equal(a[k], b[k]), k
        else:
            assert a[k] == b[k], k


@round_trips
def test_columns_round_trip(trip):
    paths = [str(p) for p in EXAMPLES if "2024" in p.name]
    for cols in (batch.columns(paths, evidence=True), batch.columns(paths, policy="supported"),
                 synth.generate(seed=7, regions=20, innovations=300)):
        back = ROUND_TRIPS[trip](cols)
        columns_equal(back, cols)
        for policy in POLICIES if cols.get("policy_caps") else ["self_assessed"]:
            want = batch.score_columns(cols, policy=policy if cols.get("policy_caps") else None)
            got = batch.score_columns(back, policy=policy if cols.get("policy_caps") else None)
            columns_equal(got, want)


def test_column_arrays_travel_out_of_band_with_protocol_5():
    cols = synth.generate(seed=7, regions=50, innovations=3000)
    buffers = []
    data = pickle.dumps(cols, protocol=5, buffer_callback=buffers.append)
    assert len(buffers) >= 5
    assert sum(b.raw().nbytes for b in buffers) >= cols["innovation_levels"].nbytes
    columns_equal(pickle.loads(data, buffers=buffers), cols)


@round_trips
def test_plans_round_trip(trip):
    base = ScenarioBase(EXAMPLES[0])
    code = base.codes[0]
    p = planning.plan(base, code, "Sangat Inovatif", policy="supported", max_new=2)
    gains = planning.gains(base, code)
    assert ROUND_TRIPS[trip](p) == p and ROUND_TRIPS[trip](gains) == gains
    # A plan computed from an unpickled base is the same plan.
    assert planning.plan(ROUND_TRIPS[trip](base), code, "Sangat Inovatif", policy="supported", max_new=2) == p


# --------------------------------------------------------------------------------------------
# A process pool (fresh interpreters: editions rebuilt from their text there)

def test_a_process_pool_scores_the_examples():
    subs = [inovasi.parse_submission(p) for p in EXAMPLES]
    want = [inovasi.score(s, policy=p) for s in subs for p in POLICIES]
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        got = list(pool.map(inovasi.score, [s for s in subs for _ in POLICIES], [None] * len(want),
                            POLICIES * len(subs)))
        by_path = list(pool.map(inovasi.score, [str(p) for p in EXAMPLES]))
        base = ScenarioBase([str(p) for p in EXAMPLES if "2024" in p.name])
        nominal = pool.submit(base.nominal, "strict").result()
        bad = pool.submit(inovasi.score, {"edition": "iid-2024", "region": {"code": "1"}})
        with pytest.raises(inovasi.InputError) as e:
            bad.result()
    assert got == want
    assert [r.to_json() for r in got] == [r.to_json() for r in want]
    assert [r.to_json() for r in by_path] == [inovasi.score(p).to_json() for p in EXAMPLES]
    assert {k: v.tolist() for k, v in nominal.items()} == {k: v.tolist() for k, v in base.nominal("strict").items()}
    assert e.value.pointer == "/region"


# --------------------------------------------------------------------------------------------
# Inputs and errors

def test_every_input_form_gives_the_same_result(tmp_path):
    path = EXAMPLES[0]
    text = path.read_text(encoding="utf-8")
    want = inovasi.score(path).to_json()
    sub = inovasi.parse_submission(path)
    for data in (path, str(path), text, text.encode("utf-8"), json.loads(text), sub):
        assert inovasi.score(data).to_json() == want
        assert [r.score_json for r in inovasi.score_many(data)] == [want]


def test_score_many_reads_a_path_and_lists_and_raises_located_errors(tmp_path):
    good = [json.loads(p.read_text(encoding="utf-8")) for p in EXAMPLES]
    want = [inovasi.score(g).to_json() for g in good]
    f = tmp_path / "region.jsonl"
    f.write_text("".join(json.dumps(g) + "\n" for g in good), encoding="utf-8")
    for data in (f, str(f), good, [json.dumps(g) for g in good], [inovasi.parse_submission(g) for g in good]):
        out = inovasi.score_many(data)
        assert [r.score_json for r in out] == want and [r.index for r in out] == list(range(len(good)))
        assert all(isinstance(r, inovasi.ScoredRecord) and r.error is None for r in out)
    assert out[0].result() == inovasi.score(good[0]).to_dict()
    bad = dict(good[1], government={"1": {"level": 7}})
    f.write_text("".join(json.dumps(g) + "\n" for g in [good[0], bad, good[2]]), encoding="utf-8")
    with pytest.raises(inovasi.InputError) as e:
        inovasi.score_many(f)
    assert e.value.pointer == "/government/1/level" and e.value.line == 2
    assert str(e.value).startswith(f"{f}:2:1: /government/1/level: ")
    kept = inovasi.score_many(f, keep_going=True)
    assert [r.error is None for r in kept] == [True, False, True]
    assert kept[1].pointer == "/government/1/level"
    with pytest.raises(inovasi.InputError, match="cannot read"):
        inovasi.score_many(tmp_path / "missing.json")


def test_numpy_integers_are_numbers_everywhere():
    sub = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))
    numpyfied = json.loads(json.dumps(sub))
    numpyfied["government"]["1"]["level"] = np.int64(sub["government"]["1"]["level"])
    numpyfied["innovations"][0]["answers"]["16"]["level"] = np.uint8(sub["innovations"][0]["answers"]["16"]["level"])
    assert inovasi.score(numpyfied).to_json() == inovasi.score(sub).to_json()
    base = ScenarioBase(EXAMPLES[0])
    code = base.codes[0]
    plain = {"policy": "supported", "changes": [{"region": code, "row": "16", "innovation": 0, "level": 1}]}
    with_numpy = {"policy": "supported",
                  "changes": [{"region": code, "row": "16", "innovation": np.int32(0), "level": np.int64(1)}]}
    assert {k: v.tolist() for k, v in base.score(with_numpy).items()} == \
           {k: v.tolist() for k, v in base.score(plain).items()}
    with pytest.raises(inovasi.InputError, match="a set is not a JSON value") as e:
        base.score({"changes": [{"region": code, "level": {1}}]})
    assert e.value.pointer == "/changes/0/level"


def test_input_errors_from_python_code_carry_their_place():
    e = inovasi.InputError("level 9 is above the edition's 3", "/government/1/level", source="a.json",
                           line=4, column=7)
    assert str(e) == "a.json:4:7: /government/1/level: level 9 is above the edition's 3"
    assert (e.pointer, e.source, e.line, e.column, e.message) == \
           ("/government/1/level", "a.json", 4, 7, "level 9 is above the edition's 3")
    assert isinstance(e, ValueError)
    plain = inovasi.InputError("no region")
    assert (plain.pointer, plain.line, plain.source, plain.message) == (None, None, None, "no region")
    with pytest.raises(inovasi.InputError) as got:  # raised by the package's Python code
        inovasi.edition("  ")
    assert got.value.pointer is None and got.value.message == "the edition name or path is empty"


# --------------------------------------------------------------------------------------------
# The breakdown without JSON, and HTML

@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_breakdown_agrees_with_the_json_form(path):
    for policy in POLICIES:
        r = inovasi.score(path, policy=policy)
        d = r.to_dict()
        ed = inovasi.edition(d["edition"])
        names = {row["key"]: row["name"] for row in ed.rows}
        assert r.government_h == round(d["government_points"] * 100)
        assert r.count_h == round(d["count_points"] * 100)
        assert (r.innovations_counted, r.divisor, r.total_exact, r.iid_exact) == \
               (d["innovations_counted"], d["divisor"], d["total_exact"], d["iid_exact"])
        assert [(g["row"], g["level"], g["claimed_level"], g["points_h"], g["points_at_risk_h"]) for g in r.indicators] \
            == [(g["row"], g["level"], g["claimed_level"], round(g["points"] * 100), round(g["points_at_risk"] * 100))
                for g in d["indicators"]]
        assert all(g["name"] == names[g["row"]] for g in r.indicators)
        assert len(r.innovations) == len(d["innovations"])
        for mine, js in zip(r.innovations, d["innovations"]):
            assert (mine["id"], mine["status"], mine["counted"], mine["points_h"], mine["claimed_points_h"]) == \
                   (js["id"], js["status"], js["counted"], round(js["points"] * 100), round(js["claimed_points"] * 100))
            assert {k: v for k, v in mine["levels"].items() if v or mine["claimed_levels"][k]} == js["levels"]
            if policy != "self_assessed":
                assert {k: v for k, v in mine["claimed_levels"].items() if v != mine["levels"][k]} == \
                       js["claimed_levels"]
        assert sum(i["points_h"] for i in r.innovations if i["counted"]) == r.innovation_sum_h
        assert [{k: v for k, v in f.items() if v is not None} for f in r.findings] == d["findings"]
        assert [(x["innovations"], x["points_h"], x["iid_contribution_exact"]) for x in r.departments] == \
               [(x["innovations"], round(x["points"] * 100), x["iid_contribution_exact"]) for x in d["departments"]]


def test_results_show_as_a_table_in_notebooks():
    sub = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))
    sub["region"]["name"] = "Kab. <Berau> & co"
    r = inovasi.score(sub, policy="supported")
    html = r._repr_html_()
    assert "Kab. &lt;Berau&gt; &amp; co" in html and "<Berau>" not in html
    assert f"<b>{_core.hundredths_text(r.iid_hundredths)}</b>" in html and r.category in html
    assert all(f"<td>{i['id']}</td>" for i in r.innovations)
    assert html.count("<tr><td>") == len(r.innovations)


# --------------------------------------------------------------------------------------------
# Lazy attributes, version, `inovasi editions NAME`

def run_python(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def test_import_inovasi_loads_neither_pandas_nor_pyarrow_and_subpackages_are_attributes():
    out = run_python(
        "import sys, json, inovasi\n"
        "heavy = sorted(m for m in ('pandas', 'pyarrow', 'openpyxl', 'dask', 'numpy') if m in sys.modules)\n"
        "before = 'inovasi.batch' in sys.modules\n"
        "b = inovasi.batch\n"
        "print(json.dumps([heavy, before, b is sys.modules['inovasi.batch'], 'batch' in dir(inovasi)]))\n")
    assert json.loads(out) == [[], False, True, True]
    for name in sorted(inovasi._SUBMODULES):
        if (ROOT / "python" / "inovasi" / f"{name}.py").exists():
            assert getattr(inovasi, name).__name__ == f"inovasi.{name}"
    with pytest.raises(AttributeError, match="no attribute 'nosuch'"):
        inovasi.nosuch


def test_one_version_from_cmake_to_python_and_the_command_line():
    cmake = (ROOT / "CMakeLists.txt").read_text(encoding="utf-8")
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in conf["project"]["dynamic"] and "version" not in conf["project"]
    meta = conf["tool"]["scikit-build"]["metadata"]["version"]
    assert meta["input"] == "CMakeLists.txt"
    version = re.search(meta["regex"], cmake).group("value")
    assert inovasi.__version__ == _core.version() == version
    p = subprocess.run([sys.executable, "-m", "inovasi", "--version"], capture_output=True, text=True)
    assert p.returncode == 0 and p.stdout == f"inovasi {version}\n"


@pytest.mark.parametrize("name", inovasi.edition_names())
def test_editions_name_prints_rows_with_names_weights_and_levels(name):
    ed = inovasi.edition(name)
    p = subprocess.run([sys.executable, "-m", "inovasi", "editions", name], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0].startswith(f"{name}: {ed.title}")
    for row in ed.rows:
        mark = "*" if row["mandatory"] else " "
        head = [i for i, l in enumerate(lines) if l.startswith(f"{row['key']:>4}  {row['aspect']:<10}")]
        assert len(head) == 1, row["key"]
        assert lines[head[0]] .startswith(f"{row['key']:>4}  {row['aspect']:<10}  {row['weight']:>6}{mark} {row['name']}")
        assert [l.strip() for l in lines[head[0] + 1:head[0] + 1 + len(row["levels"])]] == \
               [f"{k}: {label}" for k, label in enumerate(row["levels"])]
    j = subprocess.run([sys.executable, "-m", "inovasi", "editions", name, "--format", "json"],
                       capture_output=True, text=True)
    obj = json.loads(j.stdout)
    assert obj["sha256"] == ed.sha256 and len(obj["rows"]) == len(ed.rows)
    assert [(r["key"], r["name"], r["weight"], r["levels"]) for r in obj["rows"]] == \
           [(r["key"], r["name"], r["weight"], r["levels"]) for r in ed.rows]
    bad = subprocess.run([sys.executable, "-m", "inovasi", "editions", "iid-1999"], capture_output=True, text=True)
    assert bad.returncode == 2 and "not a shipped edition" in bad.stderr


# --------------------------------------------------------------------------------------------
# The benchmark (figures printed, never asserted: the machine may be shared)

def test_the_api_benchmark_runs_and_prints_its_figures(capsys):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import python_api
    finally:
        sys.path.pop(0)
    rows = python_api.measure(ROOT / "examples" / "kabupaten-berau-2023.json", rounds=2, number=20)
    with capsys.disabled():
        print("\nPython API, kabupaten-berau-2023 (12 innovations), µs per call: best, median, CPU")
        for name, best, median, cpu in rows:
            print(f"  {name:<46} {best:9.1f} {median:9.1f} {cpu:9.1f}")
    assert [r[0] for r in rows][:3] == ["_core.score(parsed) (the core alone)", "score(parsed Submission) -> Result",
                                        "score(parsed) + breakdown as Python values"]
    assert all(best > 0 and median >= best for _, best, median, _ in rows)
