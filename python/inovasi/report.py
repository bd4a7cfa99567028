"""`inovasi report`: one region's report as a single self-contained HTML page (docs/report.md).

The page is for a planner to open offline and forward: the IID and category, points by indicator
against their maximum, what each department contributes, the points at risk and the findings
behind them, the cheapest path to the next category, and how sure the rank is. It makes no
request at all (no fonts, scripts, styles or images from anywhere; the charts are inline SVG
drawn here), and it is in Indonesian with English a click away (or the default with --lang en).

Every number on the page is one the engine gave: the score (``inovasi score``), its explanation
(``inovasi explain``), the department split (``inovasi departments``), the plan (``inovasi
plan``) and the Monte Carlo study (``inovasi uncertainty``). The page only formats them (two
decimals, half up, for the exact fractions) and scales bars by them. The key figures carry
``data-*`` attributes with the engine's values, so a test (or a script) can read them back.
"""

from __future__ import annotations

import html
import json
import os
from fractions import Fraction
from typing import Any, Optional, Sequence

from ._text import hundredths_text, printable

__all__ = ["gather", "render", "build"]

LANGS = ("id", "en")
DEFAULT_MAX_NEW = 3
FINDINGS_SHOWN = 25  # the rest are counted: the page stays one a planner reads


# --- numbers as text -----------------------------------------------------------------------

def _exact(x) -> Fraction:
    """A number of the score JSON (two decimals) or an exact fraction's text, read exactly."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, float):
        return Fraction(f"{x:.2f}")
    return Fraction(str(x))


def _h2(f) -> str:
    """Two decimals, half up (how the engine rounds), for reading an exact fraction."""
    f = _exact(f)
    sign = "-" if f < 0 else ""
    return sign + hundredths_text(int((abs(f) * 200 + 1) // 2))


def _t2(x) -> str:
    """A number of the score JSON as it writes it (two decimals: the values are hundredths)."""
    return f"{x:.2f}"


def _pct(p: float) -> str:
    """A probability as a percentage with one decimal (the engine's share of replicates)."""
    return f"{p * 100:.1f}"


def _e(text) -> str:
    return html.escape(printable("" if text is None else str(text)), quote=True)


def T(id_text: str, en_text: str) -> str:
    """A text in both languages; the page's CSS shows the chosen one. Both are HTML already."""
    return f'<span lang="id">{id_text}</span><span lang="en">{en_text}</span>'


def N(text: str) -> str:
    """A number shown the way each language writes it (decimal comma in Indonesian)."""
    t = str(text)
    if "." not in t:
        return _e(t)
    return T(_e(t.replace(".", ",")), _e(t))


# --- what the engine says -------------------------------------------------------------------

def _read_records(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        return [json.loads(text)]
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def _without_region(path: str, code: str) -> tuple[bytes, int]:
    """A context file's records but those of region ``code`` (the report's own submission takes
    their place: a national file holds every region, the one reported included), and how many
    were left out. Only each record's code is read here; the engine reads the records."""
    from ._api import InputError

    with open(path, "rb") as f:
        data = f.read()

    def code_of(text: bytes, line: int):
        try:
            rec = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            where = f"{line}:{exc.colno}" if isinstance(exc, json.JSONDecodeError) else f"{line}:1"
            msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8"
            raise InputError(f"{printable(path)}:{where}: {msg}") from None
        region = rec.get("region") if isinstance(rec, dict) else None
        return region.get("code") if isinstance(region, dict) else None

    try:
        whole = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError):
        whole = None
    if isinstance(whole, dict):
        region = whole.get("region")
        same = isinstance(region, dict) and region.get("code") == code
        return (b"" if same else data), int(same)
    kept, dropped = [], 0
    for k, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        if code_of(line, k) == code:
            dropped += 1
        else:
            kept.append(line)
    return b"\n".join(kept), dropped


def gather(files: Sequence[str], region: Optional[str] = None, context: Sequence[str] = (),
           policy: str = "self_assessed", edition=None, replicates: int = 1000, seed: int = 0,
           max_new: int = DEFAULT_MAX_NEW) -> dict:
    """Every figure the page shows, from the engine: the report's region is ``region`` (or the
    first of ``files[0]``); ``files`` and ``context`` together are the regions it is ranked
    among in the Monte Carlo study."""
    from . import _api, departments, planning
    from . import uncertainty as u
    from .explain import explain
    from .scenario import ScenarioBase

    first = files[0]
    with open(first, "rb") as f:
        text = f.read()
    records = _api.score_many(text, edition, override_edition=edition is not None, policy=policy,
                              source=printable(first))
    scores = []
    for _index, _line, _column, score_json, error, _pointer in records:
        if score_json is None:
            raise _api.InputError(error)  # names FILE:LINE:COLUMN and the JSON Pointer
        scores.append(json.loads(score_json))
    if not scores:
        raise _api.InputError(f"{printable(first)}: empty input: expected a JSON object per region")
    code = region if region is not None else scores[0]["region"]
    s = next((x for x in scores if x["region"] == code), None)
    if s is None:
        raise _api.InputError(f"{printable(first)}: no region with code {printable(code)}")

    x = explain(first, code, policy, edition)
    split = departments.breakdown(s)
    ed = _api.edition(s["edition"])

    nxt = x["next_category"]
    plan = None
    if nxt is not None:
        base = ScenarioBase(first, edition=edition)
        plan = planning.plan(base, code, nxt["category"], policy=policy, max_new=max_new)
        if policy != "self_assessed":  # as `inovasi plan` does: the evidence items each step needs
            plan = planning.evidence_items(plan, planning._records([first])[code], edition)

    everything = list(files) + list(context)
    parts = []
    for name in files:
        with open(name, "rb") as f:
            parts.append(f.read())
    replaced = 0
    for name in context:
        kept, dropped = _without_region(name, code)
        parts.append(kept)
        replaced += dropped
    study = u.run(b"\n".join(parts), {"seed": seed, "replicates": replicates, "policy": policy},
                  edition=edition, progress=False)
    table = u.table(study)
    rows = table[table["code"] == code]
    if len(rows) != 1:
        raise _api.InputError(f"region {printable(code)} appears {len(rows)} times among the ranked inputs "
                              f"({printable(', '.join(everything))}): give each region once")
    row = rows.iloc[0]
    labels = [b["label"] for b in ed.categories] + ([ed.lowest_category] if ed.lowest_category not in
                                                   [b["label"] for b in ed.categories] else [])

    def rank(col):
        v = row[col]
        return None if v is None or str(v) == "<NA>" else int(v)

    same_type = table[table["type"] == row["type"]]
    same_province = same_type[same_type["province"] == row["province"]]
    mc = {
        "iid_q05": float(row["iid_q05"]), "iid_q50": float(row["iid_q50"]), "iid_q95": float(row["iid_q95"]),
        "category_probability": {lab: float(row["p_" + lab]) for lab in labels if "p_" + lab in row.index},
        "unranked_probability": float(row["p_unranked"]),
        "national_rank": {q: rank(f"national_rank_{q}") for q in ("q05", "q50", "q95")},
        "province_rank": {q: rank(f"province_rank_{q}") for q in ("q05", "q50", "q95")},
        "regions": len(table), "same_type": len(same_type), "same_province": len(same_province),
        "provenance": table.attrs["provenance"],
    }
    return {"score": s, "explain": x, "departments": split, "plan": plan, "next_category": nxt,
            "uncertainty": mc, "edition": ed, "max_new": max_new, "policy": policy,
            "inputs": [os.path.basename(p) for p in everything], "replaced": replaced}


# --- charts (inline SVG) --------------------------------------------------------------------

_W = 720  # the width of every chart, in SVG units (it scales with the page)


def _svg(height: int, body: str, label: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {_W} {height}" width="100%" role="img" '
            f'aria-label="{_e(label)}" xmlns="http://www.w3.org/2000/svg">{body}</svg>')


def _short(text: str, n: int = 36) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def _text2(x, y, id_text, en_text, attrs="") -> str:
    """One SVG label in both languages (the page's CSS hides the other)."""
    return (f'<text x="{x}" y="{y}" lang="id" {attrs}>{_e(id_text)}</text>'
            f'<text x="{x}" y="{y}" lang="en" {attrs}>{_e(en_text)}</text>')


def _bars(items: list[dict], label_w: int = 250, unit_max: Optional[Fraction] = None) -> str:
    """Horizontal bars: each item has ``id``/``en`` labels, ``value`` and ``max`` (Fractions),
    ``text`` (the number shown), ``cls`` and ``attrs`` (data-* of its group)."""
    row_h = 20
    height = row_h * len(items) + 8
    top = unit_max if unit_max is not None else max((i["max"] for i in items), default=Fraction(1))
    top = top or Fraction(1)
    span = _W - label_w - 90
    out = []
    for k, it in enumerate(items):
        y = 4 + k * row_h
        w_max = float(it["max"] / top) * span
        w_val = float(max(it["value"], Fraction(0)) / top) * span
        title = _e(it.get("title", it["en"]))
        out.append(f'<g class="bar" {it.get("attrs", "")}><title>{title}</title>')
        out.append(_text2(label_w - 6, y + 14, _short(it["id"]), _short(it["en"]), 'text-anchor="end" class="lbl"'))
        out.append(f'<rect class="max" x="{label_w}" y="{y + 3}" width="{w_max:.1f}" height="{row_h - 6}"/>')
        out.append(f'<rect class="{it.get("cls", "val")}" x="{label_w}" y="{y + 3}" width="{w_val:.1f}" '
                   f'height="{row_h - 6}"/>')
        out.append(_text2(f"{label_w + max(w_max, w_val) + 6:.1f}", y + 14, it["text"].replace(".", ","), it["text"],
                          'class="num"') + "</g>")
    return _svg(height, "".join(out), "bars")


def _scale_chart(d: dict) -> str:
    """The IID on 0..100 with the edition's category bands, the IID, its 5-95 % interval, the
    target of the plan and where the plan ends."""
    s, mc, ed, plan = d["score"], d["uncertainty"], d["edition"], d["plan"]
    left, span, height = 20, _W - 40, 96

    def X(v) -> float:
        return left + float(_exact(v)) / 100 * span

    def L(v) -> str:  # a label's middle, kept inside the chart
        return f"{min(max(X(v), 50.0), _W - 50.0):.1f}"

    out = []
    bounds = sorted((float(Fraction(b["lower"])) for b in ed.categories))
    edges = [0.0] + [b for b in bounds if b > 0] + [100.0]
    for k in range(len(edges) - 1):
        out.append(f'<rect class="band band{k}" x="{X(edges[k]):.1f}" y="34" '
                   f'width="{X(edges[k + 1]) - X(edges[k]):.1f}" height="22"/>')
    for b in ed.categories:
        lo = float(Fraction(b["lower"]))
        out.append(f'<text x="{X(lo) + 3:.1f}" y="50" class="band-lbl">{_e(b["label"])}</text>')
    for v in (0, 20, 40, 60, 80, 100):
        out.append(f'<text x="{X(v):.1f}" y="72" text-anchor="middle" class="tick">{v}</text>')
    out.append(f'<path class="interval" d="M{X(mc["iid_q05"]):.1f} 45 H{X(mc["iid_q95"]):.1f}"/>')
    out.append(f'<path class="whisker" d="M{X(mc["iid_q05"]):.1f} 39 V51 M{X(mc["iid_q95"]):.1f} 39 V51"/>')
    if plan is not None:
        out.append(f'<path class="target" d="M{X(plan["target_iid"]):.1f} 28 V62"/>')
        out.append(_text2(L(plan["target_iid"]), 24, "target", "target", 'text-anchor="middle" class="tick"'))
        out.append(f'<path class="after" d="M{X(plan["iid_after"]):.1f} 84 l-5 8 h10 z"/>')
        out.append(_text2(L(plan["iid_after"]), 82, "setelah rencana", "after the plan",
                          'text-anchor="middle" class="tick"'))
    out.append(f'<path class="now" d="M{X(s["iid"]):.1f} 30 l-6 -10 h12 z"/>')
    out.append(_text2(L(s["iid"]), 14, f'IID {_h2(s["iid"]).replace(".", ",")}', f'IID {_h2(s["iid"])}',
                      'text-anchor="middle" class="now-lbl"'))
    return _svg(height, "".join(out), "IID")


# --- the page -------------------------------------------------------------------------------

_CSS = """
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:#1d2733;background:#fff}
body{max-width:960px;margin:0 auto;padding:16px 20px 40px;line-height:1.45}
html[data-lang=id] [lang=en],html[data-lang=en] [lang=id]{display:none}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.2em;margin:1.6em 0 .4em;border-bottom:2px solid #d9e2ec;padding-bottom:.2em}
.langs{float:right}.langs button{font:inherit;border:1px solid #8aa;background:#f4f7f9;padding:2px 10px;cursor:pointer}
html[data-lang=id] .langs button.id,html[data-lang=en] .langs button.en{background:#1f5f8b;color:#fff}
.head{display:flex;gap:24px;flex-wrap:wrap;align-items:baseline}.big{font-size:2.6em;font-weight:700}
.cat{font-size:1.3em;font-weight:600;padding:2px 10px;border-radius:4px;background:#e6f0f7}
table{border-collapse:collapse;width:100%;font-size:.92em;margin:.4em 0}th,td{padding:3px 6px;border-bottom:1px solid #e3e8ee;text-align:left;vertical-align:top}
td.r,th.r{text-align:right;white-space:nowrap}.muted{color:#5b6b7b;font-size:.9em}
.chart{display:block;margin:.4em 0;max-width:100%;font-size:12px}
.chart text{fill:#1d2733}.chart .lbl{font-size:11px}.chart .num{font-size:11px;fill:#36475a}
.chart .max{fill:#e3e8ee}.chart .val{fill:#2b7bb9}.chart .gov{fill:#3a9a6a}.chart .cnt{fill:#b98a2b}
.chart .risk{fill:#c0392b}.chart .prob{fill:#6a4cad}.chart .band0{fill:#f3d9d5}.chart .band1{fill:#f7ecc9}.chart .band2{fill:#d5ecd9}
.chart .band-lbl{font-size:11px;fill:#44515e}.chart .tick{font-size:10px;fill:#5b6b7b}
.chart .interval{stroke:#1d2733;stroke-width:3}.chart .whisker{stroke:#1d2733;stroke-width:2}
.chart .now{fill:#1f5f8b}.chart .now-lbl{font-weight:700;font-size:13px}.chart .target{stroke:#c0392b;stroke-width:2;stroke-dasharray:4 3}
.chart .after{fill:#3a9a6a}
.note{background:#f4f7f9;border-left:4px solid #8aa;padding:6px 10px;margin:.6em 0}
footer{margin-top:2em;font-size:.8em;color:#5b6b7b;word-break:break-all}
@media print{.langs{display:none}}
"""

_JS = ("function setLang(l){var h=document.documentElement;h.setAttribute('data-lang',l);h.lang=l;}")


def _row_names(ed) -> dict:
    return {r["key"]: (r.get("name") or r["key"], r.get("english") or r.get("name") or r["key"]) for r in ed.rows}


def render(d: dict, lang: str = "id") -> str:
    """The page (HTML text) of :func:`gather`'s figures, shown in ``lang`` first."""
    if lang not in LANGS:
        raise ValueError(f"lang: {lang!r} is not one of {', '.join(LANGS)}")
    s, x, ed, mc, plan = d["score"], d["explain"], d["edition"], d["uncertainty"], d["plan"]
    names = _row_names(ed)
    lost = {r["row"]: r for r in x["lost"]}
    parts: list[str] = []
    add = parts.append
    region_name = s.get("name") or s["region"]

    add(f'<div class="langs"><button type="button" class="id" onclick="setLang(\'id\')">Bahasa Indonesia</button>'
        f'<button type="button" class="en" onclick="setLang(\'en\')">English</button></div>')
    add(f'<h1>{_e(region_name)} <span class="muted">({_e(s["region"])})</span></h1>')
    add(f'<p class="muted">{T("Laporan Indeks Inovasi Daerah", "Regional Innovation Index report")} · '
        f'{_e(ed.title)} · {T("kebijakan validasi", "validation policy")} <code>{_e(s["policy"])}</code></p>')
    add('<div class="head">'
        f'<div><div class="muted">IID</div><div class="big" data-iid="{_t2(s["iid"])}">{N(_h2(s["iid"]))}</div></div>'
        f'<div><div class="muted">{T("Kategori", "Category")}</div>'
        f'<div class="cat" data-category="{_e(s["category"])}">{_e(s["category"])}</div></div>'
        f'<div><div class="muted">{T("Total poin", "Total points")}</div>'
        f'<div data-total="{_t2(s["total"])}">{N(_h2(s["total"]))} / {N(_e(ed.max_total))}</div></div></div>')
    nxt = d["next_category"]
    if nxt is not None:
        dist = hundredths_text(nxt["distance_h"])
        need = hundredths_text(nxt["iid_needed"])
        cat = _e(nxt["category"])
        add('<p>' + T(f"Kategori berikutnya <b>{cat}</b> mulai IID {N(need)}: kurang {N(dist)} poin IID.",
                      f"The next category, <b>{cat}</b>, starts at IID {N(need)}: {N(dist)} IID away.") + '</p>')
    else:
        add(f'<p>{T("Sudah berada di kategori tertinggi.", "Already in the top category.")}</p>')
    add(_scale_chart(d))
    add(f'<p class="muted">{T("Garis hitam: rentang IID 5–95 % dari simulasi; garis merah putus-putus: target rencana; segitiga hijau: IID setelah rencana.", "Black line: the IID 5–95 % range of the simulation; dashed red line: the plan target; green triangle: the IID after the plan.")}</p>')

    # Points by indicator against their maximum.
    add(f'<h2>{T("Poin per indikator terhadap maksimumnya", "Points by indicator against their maximum")}</h2>')
    add(f'<p class="muted">{T("Poin dalam total (maksimum " + _e(ed.max_total) + "). Indikator inovasi: rata-rata atas pembagi " + _e(s["divisor"]) + " (" + _e(s["innovations_counted"]) + " inovasi dihitung).", "Points of the total (maximum " + _e(ed.max_total) + "). Innovation indicators: the average over the divisor " + _e(s["divisor"]) + " (" + _e(s["innovations_counted"]) + " innovations counted).")}</p>')
    items = []
    for r in s["indicators"]:
        pts = _exact(r["points"])
        mx = pts + lost[r["row"]]["points_lost"]
        nid, nen = names[r["row"]]
        items.append({"id": f'{r["row"]} {nid}', "en": f'{r["row"]} {nen}', "title": f'{r["row"]} {nen}',
                      "value": pts, "max": mx, "cls": "gov", "text": f"{_h2(pts)} / {_h2(mx)}",
                      "attrs": f'data-row="{_e(r["row"])}" data-points="{_t2(r["points"])}" data-max="{_h2(mx)}"'})
    for r in s["innovation_indicators"]:
        pts = _exact(r["average_share_exact"])
        mx = pts + lost[r["row"]]["points_lost"]
        nid, nen = names[r["row"]]
        items.append({"id": f'{r["row"]} {nid}', "en": f'{r["row"]} {nen}', "title": f'{r["row"]} {nen}',
                      "value": pts, "max": mx, "cls": "val", "text": f"{_h2(pts)} / {_h2(mx)}",
                      "attrs": f'data-row="{_e(r["row"])}" data-points="{_t2(r["average_share"])}" data-max="{_h2(mx)}"'})
    cnt = _exact(s["count_points"])
    cmax = cnt + x["count_points_lost"]
    items.append({"id": "Poin jumlah inovasi", "en": "Count points", "value": cnt, "max": cmax, "cls": "cnt",
                  "text": f"{_h2(cnt)} / {_h2(cmax)}",
                  "attrs": f'data-row="count" data-points="{_t2(s["count_points"])}" data-max="{_h2(cmax)}"'})
    add(_bars(items, unit_max=max(i["max"] for i in items)))
    add(f'<p class="muted">{T("Hijau: indikator pemerintah daerah; biru: indikator inovasi; coklat: poin jumlah inovasi; abu-abu: sisa hingga maksimum.", "Green: regional-government indicators; blue: innovation indicators; brown: count points; grey: what is left to the maximum.")}</p>')

    # Departments.
    b = d["departments"]
    add(f'<h2>{T("Kontribusi perangkat daerah", "What each department contributes")}</h2>')
    ditems = []
    rows = []
    for line in b["lines"]:
        if line["line"] == "department":
            lid_t, len_t = line["name"], line["name"]
        elif line["line"] == "government":
            lid_t, len_t = "SPD (indikator pemerintah daerah)", "SPD (government indicators)"
        else:
            lid_t, len_t = "Poin jumlah inovasi", "Count points"
        ditems.append({"id": lid_t, "en": len_t, "title": len_t, "value": line["iid"], "max": line["iid"],
                       "cls": {"department": "val", "government": "gov", "count": "cnt"}[line["line"]],
                       "text": _h2(line["iid"]), "attrs": f'data-line="{_e(line["line"])}" data-iid="{_h2(line["iid"])}"'})
        mean = "" if line["mean_points"] is None else N(_h2(line["mean_points"]))
        rows.append(f'<tr><td>{_e(line["rank"] or "")}</td><td>{T(_e(lid_t), _e(len_t))}</td>'
                    f'<td class="r">{_e(line["innovations"] if line["innovations"] is not None else "")}</td>'
                    f'<td class="r">{mean}</td><td class="r">{N(_h2(line["iid"]))}</td></tr>')
    add(_bars(ditems))
    add(f'<table><thead><tr><th>{T("Peringkat", "Rank")}</th><th>{T("Perangkat daerah", "Department")}</th>'
        f'<th class="r">{T("Inovasi", "Innovations")}</th><th class="r">{T("Rata-rata poin", "Mean points")}</th>'
        f'<th class="r">{T("Kontribusi IID", "IID contributed")}</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
    add(f'<p class="muted">{T("Kontribusi dijumlahkan tepat menjadi IID sebelum pembulatan; tiap baris dibulatkan dua desimal.", "The contributions add up exactly to the unrounded IID; each line is rounded to two decimals.")}</p>')

    # Points at risk and the findings behind them.
    risk = s["points_at_risk"]
    add(f'<h2>{T("Poin berisiko dan temuan di baliknya", "Points at risk and the findings behind them")}</h2>')
    add(f'<p data-risk-points="{_t2(risk["points"])}" data-risk-iid="{_t2(risk["iid"])}">'
        + T(f'Jika bukti divalidasi (<code>{_e(risk["compares"])}</code>), {N(_h2(risk["points"]))} poin total '
            f'({N(_h2(risk["iid"]))} poin IID) bisa hilang.',
            f'If the evidence is validated (<code>{_e(risk["compares"])}</code>), {N(_h2(risk["points"]))} points of '
            f'the total ({N(_h2(risk["iid"]))} IID) may be lost.') + '</p>')
    fs = x["findings"]
    at_risk = [f for f in fs if f["points_at_risk"] > 0]
    if at_risk:
        seen, ritems = set(), []
        for f in at_risk:
            key = (f.get("innovation"), f["row"])
            if key in seen:
                continue
            seen.add(key)
            who = f.get("innovation") or "SPD"
            ritems.append({"id": f'{f["row"]} · {who}', "en": f'{f["row"]} · {who}', "title": f["message"],
                           "value": f["points_at_risk"], "max": f["points_at_risk"], "cls": "risk",
                           "text": _h2(f["points_at_risk"])})
        add(_bars(ritems[:12], label_w=200))
    if fs:
        trs = []
        for f in fs[:FINDINGS_SHOWN]:
            who = _e(f["innovation"]) if f.get("innovation") else T("pemerintah daerah", "regional government")
            trs.append(f'<tr data-finding-row="{_e(f["row"])}" data-finding-points="{_h2(f["points_at_risk"])}">'
                       f'<td class="r">{N(_h2(f["points_at_risk"]))}</td><td>{_e(f["severity"])}</td>'
                       f'<td>{_e(f["row"])}</td><td>{who}</td><td>{_e(f["message"])}</td></tr>')
        add(f'<table><thead><tr><th class="r">{T("Poin berisiko", "Points at risk")}</th><th>{T("Tingkat", "Severity")}</th>'
            f'<th>{T("Indikator", "Indicator")}</th><th>{T("Oleh", "Whose")}</th><th>{T("Temuan (teks mesin, bahasa Inggris)", "Finding")}</th>'
            f'</tr></thead><tbody>{"".join(trs)}</tbody></table>')
        if len(fs) > FINDINGS_SHOWN:
            more = len(fs) - FINDINGS_SHOWN
            add(f'<p data-findings-more="{more}">' + T(
                f"… dan {more} temuan lain dengan poin berisiko lebih kecil (semua: <code>inovasi check FILE --format table</code>).",
                f"… and {more} more findings with fewer points at risk (all of them: <code>inovasi check FILE --format table</code>).")
                + "</p>")
        add(f'<p class="muted">{T("Poin berisiko sebuah temuan: poin jawaban itu menurut penilaian mandiri dikurangi poin tervalidasinya (poin inovasi, sebelum dirata-rata).", "A finding’s points at risk: its answer’s self-assessed minus validated points (an innovation’s points, before the average).")}</p>')
    else:
        add(f'<p>{T("Tidak ada temuan bukti (error atau peringatan).", "No evidence findings (errors or warnings).")}</p>')

    # The cheapest path to the next category.
    add(f'<h2>{T("Jalan termurah ke kategori berikutnya", "The cheapest path to the next category")}</h2>')
    if plan is None:
        add(f'<p data-plan="none">{T("Tidak ada kategori yang lebih tinggi.", "There is no higher category.")}</p>')
    else:
        after = f"{plan['iid_after']:.2f}"
        tgt = plan["target_category"] or hundredths_text(round(plan["target_iid"] * 100))
        attrs = (f'data-plan-target="{_e(plan["target_category"] or "")}" data-plan-target-iid="{plan["target_iid"]:.2f}" '
                 f'data-plan-reachable="{str(plan["reachable"]).lower()}" data-plan-cost="{_e(plan["cost"])}" '
                 f'data-plan-iid-after="{plan["iid_after"]:.2f}" data-plan-new="{len(plan["new_innovations"])}"')
        if plan["reachable"]:
            add(f'<p {attrs}>' + T(
                f'Target <b>{_e(tgt)}</b> tercapai dengan biaya <b>{_e(plan["cost"])}</b> '
                f'(satu langkah naik satu level = biaya 1; satu inovasi baru = biaya 1): IID menjadi '
                f'<b>{N(after)}</b> ({_e(plan["category_after"])}).',
                f'The target <b>{_e(tgt)}</b> is reachable at cost <b>{_e(plan["cost"])}</b> (one level up on one '
                f'answer costs 1; one new innovation costs 1): the IID becomes <b>{N(after)}</b> '
                f'({_e(plan["category_after"])}).') + '</p>')
        else:
            add(f'<p {attrs}>' + T(
                f'Target <b>{_e(tgt)}</b> <b>tidak dapat dicapai</b> (dengan paling banyak {d["max_new"]} inovasi baru); '
                f'yang terbaik: IID {N(after)} ({_e(plan["category_after"])}) dengan biaya {_e(plan["cost"])}.',
                f'The target <b>{_e(tgt)}</b> is <b>not reachable</b> (with at most {d["max_new"]} new innovations); '
                f'the best within reach: IID {N(after)} ({_e(plan["category_after"])}) at cost {_e(plan["cost"])}.')
                + '</p>')
            for bl in plan.get("blockers", []):
                add(f'<p class="note">{_e(bl)}</p>')
        if plan["steps"]:
            trs = []
            for st in plan["steps"]:
                who = _e(st["innovation"]) if st["innovation"] is not None else T("pemerintah daerah", "regional government")
                ev = st.get("evidence") or {}
                kinds = ", ".join(ev.get("kinds", [])) if ev.get("new") and not ev.get("unchecked") else ""
                nid, nen = names.get(st["row"], (st["row"], st["row"]))
                trs.append(f'<tr data-step-row="{_e(st["row"])}"><td>{who}</td><td>{_e(st["row"])} {T(_e(nid), _e(nen))}</td>'
                           f'<td class="r">{_e(st["from"])} → {_e(st["to"])}</td><td class="r">{_e(st["cost"])}</td>'
                           f'<td>{_e(kinds)}</td></tr>')
            add(f'<table><thead><tr><th>{T("Oleh", "Who")}</th><th>{T("Indikator", "Indicator")}</th>'
                f'<th class="r">{T("Level", "Level")}</th><th class="r">{T("Biaya", "Cost")}</th>'
                f'<th>{T("Bukti yang dibutuhkan", "Evidence needed")}</th></tr></thead><tbody>{"".join(trs)}</tbody></table>')
        if plan["new_innovations"]:
            n0 = plan["new_innovations"][0]
            prof = ", ".join(f"{k}:{v}" for k, v in n0["profile"].items())
            add('<p>' + T(f'Ditambah <b>{len(plan["new_innovations"])}</b> inovasi baru (biaya {_e(n0["cost"])} masing-masing), '
                          f'dengan level seperti inovasi median daerah ini: <span class="muted">{_e(prof)}</span>',
                          f'Plus <b>{len(plan["new_innovations"])}</b> new innovation(s) (cost {_e(n0["cost"])} each), '
                          f'at the levels of the region’s median innovation: <span class="muted">{_e(prof)}</span>') + '</p>')
        elif not plan["steps"]:
            add(f'<p>{T("Tidak ada langkah.", "No steps.")}</p>')
        mn = d["max_new"]
        add('<p class="muted">' + T(f"Paling banyak {mn} inovasi baru diizinkan (--max-new).",
                                    f"At most {mn} new innovations allowed (--max-new).") + '</p>')

    # The uncertainty of the rank.
    add(f'<h2>{T("Seberapa pasti peringkatnya", "How sure the rank is")}</h2>')
    prov = mc["provenance"]
    iid_q05, iid_q50, iid_q95 = (f"{mc[k]:.2f}" for k in ("iid_q05", "iid_q50", "iid_q95"))
    add(f'<p data-iid-q05="{mc["iid_q05"]:.2f}" data-iid-q50="{mc["iid_q50"]:.2f}" data-iid-q95="{mc["iid_q95"]:.2f}">' + T(
        f'Dalam {prov["replicates"]} simulasi (seed {prov["seed"]}; tiap bukti lolos validasi dengan peluangnya), '
        f'IID berada antara <b>{N(iid_q05)}</b> dan <b>{N(iid_q95)}</b> (5–95 %), median '
        f'{N(iid_q50)}.',
        f'In {prov["replicates"]} replicates (seed {prov["seed"]}; each piece of evidence passes validation at its '
        f'acceptance probability), the IID lies between <b>{N(iid_q05)}</b> and '
        f'<b>{N(iid_q95)}</b> (5–95 %), median {N(iid_q50)}.') + '</p>')
    pitems = []
    for lab, p in mc["category_probability"].items():
        pitems.append({"id": lab, "en": lab, "value": Fraction(p).limit_denominator(10**9), "max": Fraction(1),
                       "cls": "prob", "text": f"{_pct(p)} %",
                       "attrs": f'data-category-probability="{_e(lab)}" data-p="{p!r}"'})
    add(f'<p class="muted">{T("Peluang tiap kategori:", "The probability of each category:")}</p>')
    add(_bars(pitems, label_w=200, unit_max=Fraction(1)))
    nr, pr = mc["national_rank"], mc["province_rank"]
    kind = _e(s["type"])
    scope_id = (f'di antara {mc["same_type"]} {kind} dalam berkas yang diberikan ({_e(", ".join(d["inputs"]))})')
    scope_en = (f'among the {mc["same_type"]} {kind} region(s) of the given files ({_e(", ".join(d["inputs"]))})')
    rattrs = " ".join(f'data-rank-{q}="{"" if nr[q] is None else nr[q]}"' for q in ("q05", "q50", "q95"))
    pattrs = " ".join(f'data-province-rank-{q}="{"" if pr[q] is None else pr[q]}"' for q in ("q05", "q50", "q95"))
    if nr["q50"] is None:
        add(f'<p {rattrs} {pattrs}>' + T(f'Tidak pernah diperingkat {scope_id}: daerah di kategori terendah tidak diberi peringkat.',
                                         f'Never ranked {scope_en}: a region in the lowest category is not ranked.') + '</p>')
    else:
        add(f'<p {rattrs} {pattrs}>' + T(
            f'Peringkat {scope_id}: median <b>{nr["q50"]}</b>, interval 90 % <b>{nr["q05"]}–{nr["q95"]}</b>; '
            f'di provinsi {_e(s.get("province", ""))} (di antara {mc["same_province"]}): median {pr["q50"]}, interval {pr["q05"]}–{pr["q95"]}.',
            f'Rank {scope_en}: median <b>{nr["q50"]}</b>, 90 % interval <b>{nr["q05"]}–{nr["q95"]}</b>; within the '
            f'province {_e(s.get("province", ""))} (among {mc["same_province"]}): median {pr["q50"]}, interval {pr["q05"]}–{pr["q95"]}.') + '</p>')
        span = max(mc["same_type"], 1)
        left, width = 40, _W - 80

        def X(r) -> float:
            return left + (r - 1) / max(span - 1, 1) * width
        body = (f'<path class="whisker" d="M{left} 30 H{left + width}" stroke-opacity=".3"/>'
                f'<rect class="prob" x="{X(nr["q05"]):.1f}" y="22" width="{max(X(nr["q95"]) - X(nr["q05"]), 3):.1f}" height="16"/>'
                f'<path class="now" d="M{X(nr["q50"]):.1f} 20 l-6 -10 h12 z"/>'
                f'<text x="{left}" y="54" class="tick" text-anchor="middle">1</text>'
                f'<text x="{left + width}" y="54" class="tick" text-anchor="middle">{span}</text>')
        add(_svg(60, body, "rank"))
    if d["replaced"]:
        add(f'<p class="muted" data-replaced="{d["replaced"]}">' + T(
            "Catatan: rekaman daerah ini di berkas konteks diganti dengan pengajuan laporan ini.",
            "Note: this region’s record in the context file is replaced by this report’s submission.") + "</p>")
    if mc["same_type"] <= 1:
        add(f'<p class="note">{T("Berkas ini hanya memuat satu daerah sejenis, jadi peringkat hanya di antara daerah itu sendiri. Untuk peringkat di antara lebih banyak daerah, tambahkan berkas lain atau <code>--context NASIONAL.jsonl</code>.", "This file holds only one region of its type, so the rank is among itself only. To rank among more regions, give more files or <code>--context NATIONAL.jsonl</code>.")}</p>')
    if mc["unranked_probability"] > 0:
        add(f'<p class="muted" data-unranked="{mc["unranked_probability"]!r}">' + T(
            f'Tidak diperingkat (kategori terendah) dalam {_pct(mc["unranked_probability"])} % simulasi.',
            f'Not ranked (lowest category) in {_pct(mc["unranked_probability"])} % of the replicates.') + '</p>')

    eds = ", ".join(f"{n} (SHA-256 {h})" for n, h in zip(prov["editions"], prov["edition_sha256"]))
    add(f'<footer>inovasi {_e(prov["inovasi"])} · {T("edisi", "edition")} {_e(eds)} · {T("kebijakan", "policy")} '
        f'{_e(prov["policy"])} · seed {_e(prov["seed"])} · {_e(prov["replicates"])} {T("replikasi", "replicates")} · '
        f'{T("masukan", "inputs")}: {_e(", ".join(d["inputs"]))}</footer>')

    title = f"IID {s['region']} {region_name}"
    return ("<!DOCTYPE html>\n"
            f'<html lang="{lang}" data-lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            # No request of any kind leaves the page, even if a future edit adds one by mistake.
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
            f"<title>{_e(title)}</title><style>{_CSS}</style><script>{_JS}</script></head>"
            f'<body>{"".join(parts)}</body></html>\n')


def build(files: Sequence[str], lang: str = "id", **options: Any) -> str:
    """The page for the region of ``files`` (see :func:`gather` for the options)."""
    return render(gather(files, **options), lang)


# --- the command ----------------------------------------------------------------------------

def add_parser(sub) -> None:
    from .cli import integer, nonempty

    p = sub.add_parser("report", help="one region's report as a self-contained HTML page (offline, id/en)",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="the region's submission (JSON or JSON Lines: the first region, or --region); further files "
                        "are regions it is ranked among")
    p.add_argument("--out", type=nonempty, metavar="FILE",
                   help="write the page here (atomically: only a run that succeeds replaces it); default stdout")
    p.add_argument("--region", metavar="CODE", help="the region of the first FILE to report (default: its first)")
    p.add_argument("--context", action="append", default=[], type=nonempty, metavar="FILE",
                   help="more regions to rank among (e.g. a national JSON Lines file; repeatable)")
    p.add_argument("--policy", default="self_assessed", choices=["self_assessed", "supported", "strict", "assessor"])
    p.add_argument("--edition", type=nonempty, help="score under this edition (name or path)")
    p.add_argument("--replicates", type=integer(1, 0xFFFFFFFF, "a whole number from 1 to 4294967295"), default=1000,
                   help="Monte Carlo replicates (default 1000)")
    p.add_argument("--seed", type=integer(0, 2**63 - 1, "a whole number from 0 to 2^63-1"), default=0,
                   help="Monte Carlo seed (default 0)")
    p.add_argument("--max-new", type=integer(0, 100000, "a whole number from 0 to 100000"), default=DEFAULT_MAX_NEW,
                   help=f"new innovations the plan may add (default {DEFAULT_MAX_NEW})")
    p.add_argument("--lang", choices=list(LANGS), default="id",
                   help="the language the page opens in (default id; the page has a switch)")
    p.set_defaults(func=run)


def run(args) -> int:
    from . import _files
    from .cli import UsageError, _check_readable, write_stdout

    for name in [*args.files, *args.context]:
        if name == "-":
            raise UsageError("report: read from files, not stdin (-)")
        _check_readable(name)
    try:
        page = build(args.files, args.lang, region=args.region, context=args.context, policy=args.policy,
                     edition=args.edition, replicates=args.replicates, seed=args.seed, max_new=args.max_new)
    except OSError as exc:
        raise UsageError(f"{printable(exc.filename or '')}: cannot read ({exc.strerror})") from None
    data = page.encode("utf-8")
    if args.out is None:
        write_stdout([data])
        return 0
    with _files.replaced_atomically(args.out, "--out ") as path:
        with open(path, "wb") as f:
            f.write(data)
    return 0
