"""The JSON Schemas of docs/schemas/ against the loaders and the writers, so they cannot drift:

- every shipped example, edition and control document validates, and so does every record the
  synthetic generator writes;
- the malformed-input corpus (tests/data/malformed_manifest.json) splits exactly along its
  `schema` flags: a flagged case is rejected by the schema at the manifest's JSON Pointer (or
  its parent, where a schema reports an unknown or missing key), and an unflagged case that is
  strict JSON is accepted by the schema — its defect is one only the loader sees (an edition's
  row keys or level range, duplicate ids, arithmetic bounds);
- every output the commands write — score, check, plan, gains, explain, under every policy and
  edition — validates against its schema.

Documents are read with exact decimals (parse_float=Decimal), as the engine reads numbers, so
that `multipleOf` is exact; `format: date` is asserted."""

from __future__ import annotations

import decimal
import json
import pathlib
import subprocess
import sys

import jsonschema
import pytest

import inovasi

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "docs" / "schemas"
DATA = ROOT / "tests" / "data"
MANIFEST = json.loads((DATA / "malformed_manifest.json").read_text(encoding="utf-8"))
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
EDITION_FILES = sorted((ROOT / "editions").glob("*.json")) + sorted((ROOT / "examples" / "editions").glob("*.json"))
POLICIES = ["self_assessed", "supported", "strict", "assessor"]
LOMBA = ROOT / "examples" / "editions" / "lomba-opd-berau.json"
LOMBA_DATA = ROOT / "examples" / "editions" / "lomba-opd-berau-contoh.jsonl"
PROJECTION = ROOT / "examples" / "editions" / "iid-2027-projection.json"


class NotStrictJson(ValueError):
    pass


def _pairs(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise NotStrictJson("duplicate key")
    return dict(pairs)


def _constant(name):
    raise NotStrictJson(f"{name} is not JSON")


def strict_json(data: bytes | str):
    """The document as JSON (RFC 8259) reads it: exact decimals; duplicate keys, NaN and
    Infinity, invalid UTF-8 refused (Python's json module would accept some of them)."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return json.loads(text, parse_float=decimal.Decimal, object_pairs_hook=_pairs, parse_constant=_constant)


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"), parse_float=decimal.Decimal)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def pointer(error) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in error.absolute_path)


def errors(v, doc) -> list[tuple[str, str]]:
    return [(pointer(e), e.message) for e in v.iter_errors(doc)]


def assert_valid(v, doc, where):
    errs = errors(v, doc)
    assert not errs, f"{where}: {errs[:5]}"


def rejected_at(v, doc, expected: str) -> list[tuple[str, str]]:
    """The schema errors at the manifest's pointer or at its parent (an unknown or missing key
    is reported at the object holding it). "/" in the manifest means the whole document."""
    expected = "" if expected == "/" else expected
    places = {expected, expected.rsplit("/", 1)[0]}
    return [e for e in errors(v, doc) if e[0] in places]


@pytest.fixture(scope="module")
def sub_v():
    return validator("submission")


@pytest.fixture(scope="module")
def ed_v():
    return validator("edition")


def test_every_schema_is_a_valid_draft_2020_12_schema():
    names = sorted(p.name for p in SCHEMAS.glob("*.schema.json"))
    assert names == sorted(f"{n}.schema.json" for n in
                           ("submission", "edition", "score", "finding", "plan", "gains", "explain", "uncertainty"))
    for p in SCHEMAS.glob("*.schema.json"):
        schema = json.loads(p.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$id"] == f"inovasi/schemas/{p.name}"


# ---- inputs: what the loaders accept validates ----------------------------------------------

@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_shipped_examples_validate(sub_v, path):
    doc = strict_json(path.read_bytes())
    assert_valid(sub_v, doc, path.name)
    inovasi.score(path)  # and the loader takes it


def test_contest_example_records_validate(sub_v):
    lines = [l for l in LOMBA_DATA.read_text(encoding="utf-8").splitlines() if l.strip()]
    assert lines
    for i, line in enumerate(lines, 1):
        assert_valid(sub_v, strict_json(line), f"{LOMBA_DATA.name}:{i}")


@pytest.mark.parametrize("path", EDITION_FILES, ids=lambda p: p.name)
def test_edition_files_validate(ed_v, path):
    assert_valid(ed_v, strict_json(path.read_bytes()), path.name)
    inovasi.edition(str(path))


def test_manifest_control_documents_validate(sub_v, ed_v):
    exact = strict_json((DATA / "malformed_manifest.json").read_bytes())
    assert_valid(sub_v, exact["submission_control"], "submission_control")
    assert_valid(ed_v, exact["edition_control"], "edition_control")


def test_synthetic_records_validate(sub_v, tmp_path):
    """The generator's records (with evidence) are what the readers accept: each validates."""
    out = tmp_path / "synth.jsonl"
    subprocess.run([sys.executable, "-m", "inovasi", "synth", "--seed", "7", "--innovations", "1500",
                    "--regions", "30", "--edition", "iid-2026", "--out", str(out)], check=True, capture_output=True, timeout=300)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 30
    assert any('"evidence"' in l for l in lines) and any('"value"' in l for l in lines)
    for i, line in enumerate(lines, 1):
        assert_valid(sub_v, strict_json(line), f"synth:{i}")


def test_vocabularies_agree_with_the_editions(sub_v):
    """The schema's evidence kinds and bases are the shipped editions' own."""
    props = sub_v.schema["$defs"]
    kinds = set(props["evidence_item"]["properties"]["kind"]["enum"])
    bases = set(props["answer"]["properties"]["basis"]["enum"])
    for path in (ROOT / "editions").glob("*.json"):
        ed = json.loads(path.read_text(encoding="utf-8"))
        assert set(ed["evidence_kinds"]["value"]) == kinds, path.name
        for row in ed["rows"]:
            if row["input"] == "bases":
                assert set(row["bases"]) <= bases, path.name
    ed26 = json.loads((ROOT / "editions" / "iid-2026.json").read_text(encoding="utf-8"))
    assert {b for r in ed26["rows"] if r["input"] == "bases" for b in r["bases"]} == bases


# ---- the malformed corpus along its schema flags ---------------------------------------------

SUBS = [e for e in MANIFEST["submissions"] if not e["file"].endswith(".jsonl")]
JSONL = [e for e in MANIFEST["submissions"] if e["file"].endswith(".jsonl")]
EDS = MANIFEST["editions"]


def _check_case(v, path: pathlib.Path, entry: dict):
    try:
        doc = strict_json(path.read_bytes())
    except (NotStrictJson, ValueError):
        assert not entry.get("schema"), f"{path.name} is flagged schema-level but is not strict JSON"
        return
    if entry.get("schema"):
        assert rejected_at(v, doc, entry["pointer"]), \
            f"{path.name}: the schema does not reject it at {entry['pointer']}: {errors(v, doc)[:5]}"
    else:
        assert not errors(v, doc), \
            f"{path.name} is not flagged schema-level, but the schema rejects it: {errors(v, doc)[:5]}"


@pytest.mark.parametrize("entry", SUBS, ids=lambda e: e["file"])
def test_malformed_submissions_split_along_the_schema_flag(sub_v, entry):
    _check_case(sub_v, DATA / "malformed" / entry["file"], entry)


@pytest.mark.parametrize("entry", EDS, ids=lambda e: e["file"])
def test_malformed_editions_split_along_the_schema_flag(ed_v, entry):
    _check_case(ed_v, DATA / "malformed_editions" / entry["file"], entry)


@pytest.mark.parametrize("entry", JSONL, ids=lambda e: e["file"])
def test_malformed_jsonl_records_split_along_the_schema_flag(sub_v, entry):
    """Each line of a JSON Lines case: its bad records as flagged, the good ones valid."""
    lines = (DATA / "malformed" / entry["file"]).read_bytes().split(b"\n")
    bad = {e["line"]: e for e in entry["errors"]}
    for no, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        if no in bad:
            _check_case_text(sub_v, raw, bad[no], f"{entry['file']}:{no}")
        else:
            assert_valid(sub_v, strict_json(raw), f"{entry['file']}:{no}")


def _check_case_text(v, raw: bytes, err: dict, where: str):
    try:
        doc = strict_json(raw)
    except (NotStrictJson, ValueError):
        assert not err.get("schema"), f"{where} is flagged schema-level but is not strict JSON"
        return
    if err.get("schema"):
        assert rejected_at(v, doc, err["pointer"]), f"{where}: not rejected at {err['pointer']}: {errors(v, doc)[:5]}"
    else:
        assert not errors(v, doc), f"{where} is not flagged schema-level, but the schema rejects it"


def test_schema_level_cases_are_a_real_share_of_the_corpus():
    """The flags are not an empty promise: most structural cases are schema-level."""
    flagged = [e["file"] for e in SUBS + EDS if e.get("schema")]
    flagged += [e["file"] for e in JSONL if any(x.get("schema") for x in e["errors"])]
    assert len(flagged) >= 80, flagged


# ---- outputs: what the commands write validates ----------------------------------------------

def run(*args) -> list[dict]:
    p = subprocess.run([sys.executable, "-m", "inovasi", *map(str, args)], capture_output=True, timeout=600,
                       cwd=ROOT)
    assert p.returncode == 0, p.stderr.decode()
    return [strict_json(l) for l in p.stdout.decode("utf-8").splitlines() if l.strip()]


def _all_valid(name: str, records: list[dict], expect_at_least: int):
    v = validator(name)
    assert len(records) >= expect_at_least
    for i, r in enumerate(records):
        assert_valid(v, r, f"{name} record {i} ({r.get('region')})")


@pytest.mark.parametrize("policy", POLICIES)
def test_score_output_validates(policy):
    _all_valid("score", run("score", *EXAMPLES, "--policy", policy), len(EXAMPLES))


def test_score_output_of_user_editions_validates():
    recs = run("score", LOMBA_DATA, "--edition", LOMBA) + run("score", ROOT / "examples" / "kota-tangerang-2026.json",
                                                               "--edition", PROJECTION, "--policy", "strict")
    _all_valid("score", recs, 2)
    assert any("count_gate" in r for r in recs)


def test_score_output_with_decided_by_validates():
    """An exact IID on a half hundredth, where the rounding rule decides (iid-2026: 16
    innovations, gate closed, one row of weight 1 at level 1: exact IID 1/40 = 0.025)."""
    sub = {"edition": "iid-2026", "region": {"code": "64.03", "type": "kabupaten"},
           "innovations": [{"id": str(i), "status": "submitted", "answers": {}} for i in range(16)]}
    sub["innovations"][0]["answers"]["20"] = {"level": 1}
    doc = strict_json(inovasi.score(sub).to_json())
    assert doc["decided_by"] and doc["decided_by"][0]["rule"] == "rounding"
    assert_valid(validator("score"), doc, "decided_by")


@pytest.mark.parametrize("policy", ["self_assessed", "supported"])
def test_check_output_validates(policy):
    _all_valid("finding", run("check", *EXAMPLES, "--policy", policy), 100)


def test_plan_output_validates():
    recs = []
    for policy in ("self_assessed", "strict"):
        for ex in EXAMPLES:
            recs += run("plan", ex, "--target", "Sangat Inovatif", "--max-new", 3, "--policy", policy)
        recs += run("plan", ROOT / "examples" / "kabupaten-gunung-mas-2025.json", "--target", 99.99, "--max-new", 0,
                    "--fixed", "16", "--policy", policy)
    recs += run("plan", LOMBA_DATA, "--edition", LOMBA, "--target", 80, "--max-new", 2)
    _all_valid("plan", recs, 2 * len(EXAMPLES) + 3)
    assert any(not r["reachable"] for r in recs) and any(r["reachable"] for r in recs)
    assert any(s.get("evidence", {}).get("new") for r in recs for s in r["steps"])


def test_gains_output_validates():
    recs = run("gains", ROOT / "examples" / "kabupaten-gunung-mas-2025.json", "--max-new", 1, "--top", 20)
    recs += run("gains", ROOT / "examples" / "kabupaten-banyuwangi-2026-evidence.json", "--policy", "supported",
                "--top", 20)
    _all_valid("gains", recs, 20)
    assert {r["step"] for r in recs} == {"level", "new_innovation"}


@pytest.mark.parametrize("policy", POLICIES)
def test_explain_output_validates(policy):
    recs = [r for ex in EXAMPLES for r in run("explain", ex, "--policy", policy)]
    _all_valid("explain", recs, len(EXAMPLES))


def test_uncertainty_schema_accepts_a_summary_and_rejects_broken_ones():
    v = validator("uncertainty")
    doc = {"region": "64.03", "name": "Kabupaten Berau", "type": "kabupaten", "edition": "iid-2023",
           "policy": "supported", "replicates": 1000, "seed": 2024, "iid": 45.76, "iid_mean": 44.9123,
           "iid_q05": 41.02, "iid_q50": 45.10, "iid_q95": 47.33,
           "category_probability": {"Sangat Inovatif": 0.0, "Inovatif": 0.91, "Kurang Inovatif": 0.09,
                                    "Tidak Dapat Dinilai": 0.0},
           "unranked_probability": 0.0, "national_rank": {"q05": 120, "q50": 151, "q95": 190},
           "province_rank": {"q05": 2, "q50": 3, "q95": 5},
           "provenance": {"inovasi": "0.1.0", "editions": ["iid-2023"], "edition_sha256": ["0" * 64],
                          "policy": "supported", "seed": 2024, "replicates": 1000}}
    assert_valid(v, strict_json(json.dumps(doc)), "summary")
    for broken, at in [({"iid_q50": 101}, "/iid_q50"), ({"unranked_probability": 1.5}, "/unranked_probability"),
                       ({"national_rank": {"q50": 3}}, "/national_rank"), ({"policy": "lenient"}, "/policy")]:
        assert rejected_at(v, strict_json(json.dumps({**doc, **broken})), at), broken


def test_uncertainty_output_validates_when_the_command_exists():
    p = subprocess.run([sys.executable, "-m", "inovasi", "uncertainty", "--help"], capture_output=True, timeout=60)
    if p.returncode != 0:
        pytest.skip("`inovasi uncertainty` is not in this tree yet: the schema follows include/inovasi/uncertainty.hpp")
    recs = run("uncertainty", ROOT / "examples" / "kabupaten-banyuwangi-2026-evidence.json", "--replicates", 50,
               "--seed", 1)
    _all_valid("uncertainty", recs, 1)
