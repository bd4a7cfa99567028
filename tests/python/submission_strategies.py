"""Hypothesis strategies for whole submissions: every field of the format (levels and raw values
of each input kind, bases, acceptance, evidence items with every field, innovations with every
field, integer ids and groups, x- keys), built from the edition files, then repaired by the core:
a part the engine refuses (a year outside a row's window, a level that disagrees with a value) is
dropped until the submission parses, so every example is a valid submission."""

import datetime
import json
import pathlib

from hypothesis import assume, strategies as st

import inovasi

ROOT = pathlib.Path(__file__).resolve().parents[2]
EDITIONS = {n: json.loads((ROOT / "editions" / f"{n}.json").read_text()) for n in inovasi.edition_names()}
BASIC = ["pendidikan", "kesehatan", "pekerjaan umum dan penataan ruang", "perumahan rakyat dan kawasan permukiman",
         "ketenteraman, ketertiban umum dan pelindungan masyarakat", "sosial"]

# Text a workbook and a CSV can hold (no control characters), with the awkward cases named.
_chars = st.characters(blacklist_categories=("Cs", "Cc"))
text = st.one_of(st.text(_chars, min_size=1, max_size=10),
                 st.sampled_from(["=1+1", "0042", " padded ", "12", "Dinas Kesehatan", "ü ñ 中文", "a;b", "TRUE"]))
list_text = text.filter(lambda s: ";" not in s)  # a list item in one cell: no separator
dates = st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)).map(lambda d: d.isoformat())
hundredths = st.integers(0, 100_000).map(lambda x: x / 100)


def _value(spec):
    kind = spec["input"]
    if kind == "count":
        return st.integers(0, 700)
    if kind == "decimal":
        return st.one_of(hundredths, st.integers(0, 100))
    if kind == "code":
        return st.sampled_from(sorted(spec["codes"]))
    return None


def answer(ed: dict, row: dict):
    top = ed["levels"]["value"]["max"]
    kinds = ed["evidence_kinds"]["value"]
    item = st.fixed_dictionaries({"kind": st.sampled_from(kinds)}, optional={
        "file": st.sampled_from(["a.pdf", "foto.JPG", "https://example.org/x", "v.mp4", "notes.docx", "=cmd"]),
        "date": dates, "year": st.integers(1900, 2100), "group": st.one_of(list_text, st.integers(0, 10 ** 6)),
        "value": st.one_of(hundredths, st.integers(0, 500)), "signed": st.booleans(),
        "names_innovation": st.booleans(), "highlighted": st.booleans(), "in_force": st.booleans(),
        "on_behalf_of_regional_head": st.booleans(), "has_cover": st.booleans(),
        "duration_s": st.integers(0, 3600).map(lambda x: x / 10), "verdict": st.sampled_from(["accepted", "revision", "rejected"]),
        "supported_level": st.integers(0, top), "x-note": text})
    optional = {"acceptance": st.integers(0, 100).map(lambda x: x / 100), "evidence": st.lists(item, max_size=3),
                "x-tool": text}
    kind = row["input"]
    if kind == "level":
        base = st.fixed_dictionaries({}, optional={"level": st.integers(0, top)})
    elif kind == "years":
        years = st.lists(st.one_of(st.sampled_from(["T-0", "T-1", "T-2", "T-3"]),
                                   st.integers(ed["assessment_year"]["value"] - 4, ed["assessment_year"]["value"])),
                         max_size=3, unique_by=str)
        base = st.one_of(st.fixed_dictionaries({}, optional={"level": st.integers(0, top)}),
                         st.fixed_dictionaries({"value": years}))
    elif kind == "bases":
        bases = row["bases"]
        base = st.one_of(
            st.fixed_dictionaries({}, optional={"level": st.integers(0, top)}),
            st.sampled_from(sorted(bases)).flatmap(
                lambda b: st.fixed_dictionaries({"basis": st.just(b), "value": _value(bases[b])})))
    else:
        base = st.one_of(st.fixed_dictionaries({}, optional={"level": st.integers(0, top)}),
                         st.fixed_dictionaries({"value": _value(row)}))
    return st.tuples(base, st.fixed_dictionaries({}, optional=optional)).map(lambda t: {**t[0], **t[1]})


def answers(ed: dict, aspect: str):
    rows = [r for r in ed["rows"] if r["aspect"] == aspect]
    return st.lists(st.sampled_from(rows), unique_by=lambda r: r["key"], max_size=6).flatmap(
        lambda chosen: st.fixed_dictionaries({r["key"]: answer(ed, r) for r in chosen}))


def innovation(ed: dict):
    return st.fixed_dictionaries(
        {"id": st.one_of(list_text, st.integers(0, 10 ** 9)), "status": st.sampled_from(["draft", "submitted", "rejected"])},
        optional={"name": text, "department": text, "stage": st.sampled_from(["initiative", "trial", "applied"]),
                  "form": st.sampled_from(["governance", "public_service", "other"]),
                  "kind": st.sampled_from(["digital", "non_digital"]),
                  "affairs": st.lists(st.one_of(st.sampled_from(BASIC), list_text.map(str.strip).filter(bool)),
                                      max_size=4, unique_by=lambda a: a.strip().lower()),
                  "applied_date": dates, "answers": answers(ed, "innovation"), "x-id": text})


def _submission(name: str):
    ed = EDITIONS[name]
    region = st.fixed_dictionaries(
        {"code": st.one_of(st.sampled_from(["64.03", "35.78", "11", "01.02", "99.99"]), list_text),
         "type": st.sampled_from(["province", "kabupaten", "kota"])},
        optional={"name": text, "province": text,
                  "clusters": st.lists(st.sampled_from(["tertinggal", "perbatasan", "papua"]), unique=True)})
    return st.fixed_dictionaries(
        {"edition": st.just(name), "region": region},
        optional={"government": answers(ed, "government"),
                  "innovations": st.lists(innovation(ed), max_size=4, unique_by=lambda i: str(i["id"])),
                  "x-source": text})


def repair(sub: dict) -> dict:
    """``sub`` with every part the core refuses dropped (an answer, an evidence item, an
    innovation's field, an innovation), until it parses."""
    for _ in range(200):
        try:
            inovasi.parse_submission(sub)
            return sub
        except inovasi.InputError as exc:
            parts = (exc.pointer or "").strip("/").split("/")
        if parts[0] == "government" and len(parts) >= 2:
            if len(parts) >= 4 and parts[2] == "evidence":
                sub["government"][parts[1]]["evidence"].pop(int(parts[3]))
            else:
                sub["government"].pop(parts[1])
        elif parts[0] == "innovations" and len(parts) >= 2:
            inv = sub["innovations"][int(parts[1])]
            if len(parts) >= 4 and parts[2] == "answers":
                a = inv["answers"][parts[3]]
                if len(parts) >= 6 and parts[4] == "evidence":
                    a["evidence"].pop(int(parts[5]))
                else:
                    inv["answers"].pop(parts[3])
            elif len(parts) >= 3 and parts[2] not in ("id", "status"):
                inv.pop(parts[2])
            else:
                sub["innovations"].pop(int(parts[1]))
        else:
            assume(False)
    assume(False)


@st.composite
def submissions(draw):
    """A valid submission of a shipped edition, with every field the format has."""
    return repair(draw(_submission(draw(st.sampled_from(sorted(EDITIONS))))))
