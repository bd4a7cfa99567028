"""Writes docs/editions-reference.md and the generated blocks of docs/model.md from the edition
files (editions/*.json, examples/editions/*.json), so that what the docs say about an edition's
parameters, their marks and their provenance cannot drift from what the engine loads.

    python3 docs/gen_editions.py          # rewrite the pages
    python3 docs/gen_editions.py --check  # exit 1 if a committed page differs (CI, tests)

Numbers are read from their JSON text (Decimal), as the engine reads them, so 60.00 stays 60.00.
"""

from __future__ import annotations

import argparse
import decimal
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
REFERENCE = DOCS / "editions-reference.md"
MODEL = DOCS / "model.md"
OFFICIAL = sorted((ROOT / "editions").glob("*.json"))
OTHERS = sorted((ROOT / "examples" / "editions").glob("*.json"))

MARKS = {"C": "confirmed", "P": "probable", "U": "assumed"}
PARAMETERS = [  # top-level parameters in the order the page shows them
    ("assessment_year", "assessment year"),
    ("t0_offset", "T-0 offset"),
    ("levels", "levels"),
    ("divisor_minimum", "minimum divisor d_min"),
    ("count_points", "count points (indicator 36)"),
    ("rounding", "rounding of the IID"),
    ("category_reading", "category read off"),
    ("categories", "category bands"),
    ("max_total", "maximum total"),
    ("eligibility", "eligibility window"),
    ("mandatory_rule", "mandatory rule"),
    ("evidence_kinds", "evidence kinds"),
    ("revision_counts_as", "a `revision` verdict counts as"),
    ("acceptance_factors", "acceptance factors (simulation)"),
]
ROW_FIELDS = ["weight", "levels", "mandatory", "variable", "thresholds", "codes", "year_rules", "bases",
              "variants"]


def load(path: pathlib.Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"), parse_float=decimal.Decimal)


def rel(path: pathlib.Path) -> str:
    return path.relative_to(ROOT).as_posix()


def cell(text) -> str:
    """Text safe inside a Markdown table cell (no raw HTML, no column breaks)."""
    s = str(text).replace("<", "&lt;")
    return s.replace("|", "\\|").replace("\n", " ")


def num(v) -> str:
    return str(v)


def mark(m: str) -> str:
    return f"[{m}]"


def show_value(key: str, v) -> str:
    if v is None:
        return "none"
    if key == "levels":
        return f"{v['min']} … {v['max']}"
    if key == "count_points":
        s = f"{num(v['rate'])} × min(n, {v['cap']})"
        gate = v.get("gate")
        if gate:
            s += (f"; 0 unless the {gate['counted']} innovations cover ≥ {gate['min_covered']} of "
                  f"{len(gate['affairs'])} affairs ({', '.join(gate['affairs'])})")
        return s
    if key == "categories":
        return "; ".join(bands(v)) + f"; otherwise {v['otherwise']}"
    if key == "eligibility":
        state = "on" if v.get("enabled") else "off"
        return f"applied {v['applied_from']} … {v['applied_to']} ({state})"
    if key == "evidence_kinds":
        return f"{len(v)} kinds: " + ", ".join(v)
    if key == "acceptance_factors":
        return ", ".join(f"{k} {num(x)}" for k, x in v.items())
    return f"`{v}`" if isinstance(v, str) else num(v)


def bands(categories: dict) -> list[str]:
    return [f"{b['label']} {'>' if b['strict'] else '≥'} {num(b['lower'])}" for b in categories["bands"]]


def count_summary(v: dict) -> str:
    s = f"{num(v['rate'])} × min(n, {v['cap']})"
    if v.get("gate"):
        g = v["gate"]
        s += f", gated: ≥ {g['min_covered']} of {len(g['affairs'])} affairs"
    return s


def row_input(r: dict) -> str:
    inp = r["input"]
    if inp in ("count", "decimal"):
        ths = ", ".join(threshold(t, r["direction"]) for t in r["thresholds"])
        return f"{inp}: {ths}; otherwise {r['otherwise']}"
    if inp == "code":
        return "code: " + ", ".join(f"`{c}` → {lv}" for c, lv in r["codes"].items())
    if inp == "years":
        return "years: " + "; ".join(year_rule(y) for y in r["year_rules"])
    if inp == "bases":
        return f"bases ({', '.join(r['bases'])}; default `{r['default_basis']}`)"
    return "level"


def threshold(t: dict, direction: str) -> str:
    inclusive = t.get("inclusive", True)
    op = {("higher", True): "≥", ("higher", False): ">", ("lower", True): "≤", ("lower", False): "<"}
    return f"{t['level']} if {op[(direction, inclusive)]} {num(t['value'])}"


def year_rule(y: dict) -> str:
    if "all" in y:
        return f"{y['level']} if all of {', '.join(y['all'])}"
    if "any" in y:
        return f"{y['level']} if any of {', '.join(y['any'])}"
    if "min_count" in y:
        return f"{y['level']} if ≥ {y['min_count']} years"
    return f"{y['level']} if ≥ {y['min_consecutive']} consecutive years"


def evidence_kinds(ev: dict) -> str:
    kinds = ev["kinds"]
    if isinstance(kinds, dict):
        return ", ".join(f"{k} → {v}" for k, v in kinds.items())
    return ", ".join(kinds)


def evidence_rules(ev: dict) -> str:
    out = []
    for r in ev["rules"]:
        name = r["rule"]
        if name == "kind":
            continue
        if name == "file_type":
            s = "files " + "/".join(r["types"])
        elif name == "window":
            s = f"{r.get('field', 'date')} in {r['from']} … {r['to']}"
        elif name == "requires":
            s = r["fact"]
        elif name == "max_duration":
            s = f"≤ {r['seconds']} s"
        elif name == "companion":
            s = f"companion ({r['fact']})"
        elif name == "group_set":
            s = "group holds " + " + ".join("/".join(k) for k in r["needs"])
        else:
            s = name
        if r.get("kinds"):
            s += f" ({', '.join(r['kinds'])})"
        if r["severity"] != "error":
            s += f" [{r['severity']}]"
        out.append(s)
    return "; ".join(out) or "—"


# ---- editions-reference.md ---------------------------------------------------------------------

def reference(editions: list[tuple[pathlib.Path, dict]]) -> str:
    L = ["# Editions reference", "",
         "<!-- Generated by docs/gen_editions.py from the edition files: do not edit by hand. -->", "",
         "Every parameter of every edition file the project ships, with its confidence mark and the "
         "note that says where it comes from or why it was chosen, exactly as the files state them. "
         "The model behind the parameters is explained in [model.md](model.md); the file format in "
         "[editions.md](editions.md). This page is generated by `python3 docs/gen_editions.py` and a "
         "test holds it equal to the files.", "",
         "Marks: **[C]** confirmed (an official source, or independent sources that agree); "
         "**[P]** probable (one credible source, consistent with the official totals); "
         "**[U]** uncertain: the project's assumption, an edition parameter a user can change.", "",
         "## All editions at a glance", "",
         "| edition | file | year | d_min | count points | bands | rounding | read off | mandatory rule |",
         "|---|---|---|---|---|---|---|---|---|"]
    for path, e in editions:
        L.append("| " + " | ".join([
            f"[{e['name']}](#{e['name']})", f"`{rel(path)}`",
            f"{e['assessment_year']['value']} {mark(e['assessment_year']['mark'])}",
            f"{e['divisor_minimum']['value']} {mark(e['divisor_minimum']['mark'])}",
            cell(f"{count_summary(e['count_points']['value'])} {mark(e['count_points']['mark'])}"),
            cell(" / ".join(bands(e["categories"]["value"])) + f" {mark(e['categories']['mark'])}"),
            f"{e['rounding']['value']} {mark(e['rounding']['mark'])}",
            f"{e['category_reading']['value']} {mark(e['category_reading']['mark'])}",
            f"{e['mandatory_rule']['value']} {mark(e['mandatory_rule']['mark'])}"]) + " |")
    L += ["", "Shipped in the library (embedded, chosen by name): the files in `editions/`. The files in "
          "`examples/editions/` are loaded by path only: projections of later years' rules and a "
          "fictional local contest.", ""]
    L += ["## What is assumed", "",
          "The parameters marked [U] in each edition: choices the project made where no source "
          "settles the question. Each is a field of the edition file, so a different reading is an "
          "edition of your own, not a change of code.", ""]
    for path, e in editions:
        assumed = [label for key, label in PARAMETERS if key in e and e[key]["mark"] == "U"]
        rows = sorted({f for r in e["rows"] for f, p in r.get("provenance", {}).items() if p["mark"] == "U"},
                      key=ROW_FIELDS.index)
        ev = sum(1 for r in e["rows"] if r.get("evidence", {}).get("provenance", {}).get("mark") == "U")
        s = f"- **{e['name']}**: " + (", ".join(assumed) if assumed else "no top-level parameter")
        if rows:
            s += f"; per row: {', '.join(rows)} (where marked below)"
        if ev:
            s += f"; the evidence rules of {ev} row(s)"
        L.append(cell(s).replace("\\|", "|"))
    L.append("")
    for path, e in editions:
        L += edition_section(path, e)
    return "\n".join(L).rstrip() + "\n"


def edition_section(path: pathlib.Path, e: dict) -> list[str]:
    L = [f"## {e['name']}", "", f"**{cell(e['title'])}** — `{rel(path)}`", "", cell(e["description"]), "",
         "### Parameters", "", "| parameter | value | mark | provenance |", "|---|---|---|---|"]
    for key, label in PARAMETERS:
        if key not in e:
            continue
        p = e[key]
        L.append(f"| {cell(label)} (`{key}`) | {cell(show_value(key, p['value']))} | {mark(p['mark'])} "
                 f"{MARKS[p['mark']]} | {cell(p['note'])} |")
    L += ["", "### Rows", "",
          "| key | indicator | aspect | weight | mandatory | input | level labels (1 / 2 / 3 …) | marks |",
          "|---|---|---|---|---|---|---|---|"]
    for r in e["rows"]:
        marks = ", ".join(f"{f} {p['mark']}" for f, p in r["provenance"].items())
        labels = " / ".join(r["levels"][1:])
        L.append(f"| {r['key']} | {cell(r['name'])} — {cell(r['english'])} | {r['aspect']} | {num(r['weight'])} | "
                 f"{'yes' if r['mandatory'] else 'no'} | {cell(row_input(r))} | {cell(labels)} | {marks} |")
    L += ["", f"Weights: {aspect_sums(e)}.", ""]
    L += ["### Provenance of the rows", "",
          "Each note once, with the rows it applies to.", "",
          "| field | mark | rows | note |", "|---|---|---|---|"]
    groups: dict[tuple[str, str, str], list[str]] = {}
    for r in e["rows"]:
        for f, p in r["provenance"].items():
            groups.setdefault((f, p["mark"], p["note"]), []).append(r["key"])
    for (f, m, note), keys in sorted(groups.items(), key=lambda g: ROW_FIELDS.index(g[0][0])):
        L.append(f"| {f} | {mark(m)} | {', '.join(keys)} | {cell(note)} |")
    ev_rows = [r for r in e["rows"] if "evidence" in r]
    if ev_rows:
        L += ["", "### Evidence rules", "",
              "Accepted kinds (→ the level a kind supports under `by_kind`), the checks an item must pass "
              "(error severity unless marked), how the supported level is derived, and the rule set's mark.", "",
              "| row | derivation | kinds | checks | mark | provenance |", "|---|---|---|---|---|---|"]
        for r in ev_rows:
            ev = r["evidence"]
            L.append(f"| {r['key']} | {ev['derivation']} | {cell(evidence_kinds(ev))} | {cell(evidence_rules(ev))} | "
                     f"{mark(ev['provenance']['mark'])} | {cell(ev['provenance']['note'])} |")
    L.append("")
    return L


def aspect_sums(e: dict) -> str:
    top = e["levels"]["value"]["max"]
    out = []
    for a in e["aspects"]:
        w = sum(decimal.Decimal(str(r["weight"])) for r in e["rows"] if r["aspect"] == a["key"])
        out.append(f"{a['name']} Σ {w} (max {w * top} points)")
    return "; ".join(out)


# ---- blocks of model.md ------------------------------------------------------------------------

def rows_block(editions: list[tuple[pathlib.Path, dict]], aspect_scope: str) -> str:
    names = [e["name"] for _, e in editions]
    L = ["| key | indicator | " + " | ".join(f"weight {n[4:]}" for n in names) + " | mandatory in | input (iid-2026) |",
         "|---|---|" + "---|" * len(names) + "---|---|"]
    last = editions[-1][1]
    for r in last["rows"]:
        aspect = next(a for a in last["aspects"] if a["key"] == r["aspect"])
        if aspect["scope"] != aspect_scope:
            continue
        weights, mandatory = [], []
        for _, e in editions:
            row = next((x for x in e["rows"] if x["key"] == r["key"]), None)
            weights.append(f"{num(row['weight'])} {mark(row['provenance']['weight']['mark'])}" if row else "—")
            if row and row["mandatory"]:
                mandatory.append(e["name"][4:])
        L.append(f"| {r['key']} | {cell(r['english'])} | " + " | ".join(weights) +
                 f" | {'all' if len(mandatory) == len(editions) else ', '.join(mandatory) or '—'} | {r['input']} |")
    return "\n".join(L)


def editions_block(editions: list[tuple[pathlib.Path, dict]]) -> str:
    L = ["| edition | d_min | count points | top band | middle band | rounding, reading | SPD input |",
         "|---|---|---|---|---|---|---|"]
    for _, e in editions:
        b = e["categories"]["value"]["bands"]
        gov = [r for r in e["rows"] if r["aspect"] == e["aspects"][0]["key"]]
        spd = "raw values" if any(r["input"] != "level" for r in gov) else "levels only"
        L.append("| " + " | ".join([
            f"[{e['name']}](editions-reference.md#{e['name']})",
            f"{e['divisor_minimum']['value']} {mark(e['divisor_minimum']['mark'])}",
            cell(f"{count_summary(e['count_points']['value'])} {mark(e['count_points']['mark'])}"),
            cell(f"{b[0]['label']} {'>' if b[0]['strict'] else '≥'} {num(b[0]['lower'])}"),
            cell(f"{b[1]['label']} {'>' if b[1]['strict'] else '≥'} {num(b[1]['lower'])}") +
            f" {mark(e['categories']['mark'])}",
            f"{e['rounding']['value']}, {e['category_reading']['value']} {mark(e['rounding']['mark'])}",
            spd]) + " |")
    return "\n".join(L)


def evidence_block(editions: list[tuple[pathlib.Path, dict]]) -> str:
    first, last = editions[0][1], editions[-1][1]
    L = [f"| row | derivation | kinds ({first['name']}) | changed by {last['name']} |", "|---|---|---|---|"]
    for r in first["rows"]:
        if "evidence" not in r:
            continue
        later = next(x for x in last["rows"] if x["key"] == r["key"])
        a, b = r["evidence"], later["evidence"]
        change = []
        if a["derivation"] != b["derivation"]:
            change.append("derivation: " + b["derivation"])
        if evidence_kinds(a) != evidence_kinds(b):
            change.append("kinds: " + evidence_kinds(b))
        if evidence_rules(a) != evidence_rules(b):
            change.append("checks: " + evidence_rules(b))
        L.append(f"| {r['key']} | {a['derivation']} | {cell(evidence_kinds(a))} | {cell('; '.join(change) or '—')} |")
    return "\n".join(L)


BLOCK = re.compile(r"(<!-- BEGIN generated: (?P<name>[a-z-]+) -->\n)(?P<body>.*?)(\n<!-- END generated: (?P=name) -->)",
                   re.S)


def model_page(text: str, official: list[tuple[pathlib.Path, dict]]) -> str:
    blocks = {
        "government-rows": rows_block(official, "region"),
        "innovation-rows": rows_block(official, "innovation"),
        "editions": editions_block(official),
        "evidence": evidence_block(official),
    }
    seen = set()

    def fill(m: re.Match) -> str:
        name = m["name"]
        if name not in blocks:
            raise SystemExit(f"{rel(MODEL)}: unknown generated block {name!r}")
        seen.add(name)
        return m.group(1) + blocks[name] + m.group(4)

    out = BLOCK.sub(fill, text)
    missing = set(blocks) - seen
    if missing:
        raise SystemExit(f"{rel(MODEL)}: missing generated block(s) {sorted(missing)}")
    return out


def generate() -> dict[pathlib.Path, str]:
    official = [(p, load(p)) for p in OFFICIAL]
    everything = official + [(p, load(p)) for p in OTHERS]
    return {REFERENCE: reference(everything),
            MODEL: model_page(MODEL.read_text(encoding="utf-8"), official)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if a committed page is not the generated one")
    args = ap.parse_args(argv)
    stale = []
    for path, text in generate().items():
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old != text:
            stale.append(rel(path))
            if not args.check:
                path.write_text(text, encoding="utf-8")
    if args.check and stale:
        print(f"stale: {', '.join(stale)}; run python3 docs/gen_editions.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
