"""The tutorial notebook docs/tutorial.ipynb, written from this script so that its source is
reviewable as Python, and its figures for the docs site.

    python3 docs/make_tutorial.py                  # write docs/tutorial.ipynb (outputs stripped)
    python3 docs/make_tutorial.py --check          # fail if the committed notebook differs
    python3 docs/make_tutorial.py --figures docs/figures   # execute it, write its figures as PNG

A figure cell carries ``metadata.figure`` (the PNG's name without suffix); executing the
notebook (nbclient with the ipykernel ``python3`` kernel) keeps each such cell's image/png
output. tests/python/test_tutorial.py holds the committed notebook equal to :func:`build`, runs
it top to bottom and checks that docs/figures/ has the figures it draws (names and count).
"""

from __future__ import annotations

import argparse
import base64
import pathlib
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "docs" / "tutorial.ipynb"
FIGURES = ROOT / "docs" / "figures"
# Per-cell limit when the notebook is executed; the whole run takes ~30 s on 2 shared cores.
CELL_TIMEOUT = 240

# (kind, source, figure name or None). Markdown is for the reader; code cells run in order.
CELLS: list[tuple[str, str, str | None]] = []


def md(text: str) -> None:
    CELLS.append(("markdown", text.strip("\n"), None))


def code(text: str, figure: str | None = None) -> None:
    CELLS.append(("code", text.strip("\n"), figure))


md("""
# Tutorial: from one region's score to the uncertainty of a province's ranking

This notebook walks through what a policy analyst does with `inovasi`:

1. **score a region** and read its breakdown, down to the points of each indicator;
2. **find the cheapest path** to *Sangat Inovatif* (`inovasi.planning`, the `inovasi plan` command);
3. **rank a province's regions** on the bundled national dataset (`inovasi.ranking`, `inovasi rank`);
4. **run an uncertainty study** of the national dataset (`inovasi.uncertainty`) and see how sure
   the ranks and categories are.

Every number below comes from the library; the notebook checks a few of them against each
other as it goes (an `assert` that fails stops the run). The pages behind each step are
[plan.md](plan.md), [decisions.md](decisions.md) and [uncertainty.md](uncertainty.md); the model
itself is in [model.md](model.md).

The national dataset is synthetic: 552 regions generated from a fixed seed and calibrated to the
published figures, not real submissions.
""")

code("""
import json
import pathlib
import subprocess
import sys
from fractions import Fraction

import matplotlib.pyplot as plt
import pandas as pd

import inovasi
from inovasi import planning, ranking, synth
from inovasi import uncertainty as u
from inovasi.scenario import ScenarioBase

# The repository root, whether the notebook runs from docs/ or from the root itself.
ROOT = pathlib.Path.cwd()
while not (ROOT / "examples").is_dir() and ROOT != ROOT.parent:
    ROOT = ROOT.parent
EXAMPLE = ROOT / "examples" / "kabupaten-berau-2023.json"
plt.rcParams.update({"figure.dpi": 100, "axes.spines.top": False, "axes.spines.right": False})
pd.set_option("display.width", 120)
print(inovasi.__version__, EXAMPLE.relative_to(ROOT))
""")

md("""
## 1. Score a region

`inovasi.score` reads a submission (a path, JSON text or a dict), checks it against its edition
and scores it exactly: points in integer hundredths and fractions, one rounding at the end.
The default policy is `self_assessed` (the levels as claimed); `supported`, `strict` and
`assessor` read them against the evidence.
""")

code("""
result = inovasi.score(EXAMPLE)
print(result)
score = result.to_dict()
{k: score[k] for k in ("region", "name", "edition", "policy", "iid", "category", "government_points",
                       "innovation_average", "count_points", "total", "divisor", "innovations_counted")}
""")

md("""
### Reading the breakdown

The IID is the total — government points, plus the innovation points averaged over the divisor,
plus the count points — as a share of the edition's maximum total. So each indicator adds its
own slice of the IID: a government indicator its points, an innovation indicator its share of
the average (`average_share`), and the count of innovations its count points, each times
100 / maximum total. The slices add up to the IID *exactly*, which the cell checks with fractions.
""")

code("""
ed = inovasi.edition(score["edition"])
scale = Fraction(100) / Fraction(str(ed.max_total))
slices = ([("government", x["row"], Fraction(str(x["points"])) * scale) for x in score["indicators"]]
          + [("innovation", x["row"], Fraction(x["average_share_exact"]) * scale) for x in score["innovation_indicators"]]
          + [("count", "count", Fraction(str(score["count_points"])) * scale)])
assert sum(s for _, _, s in slices) == Fraction(score["iid_exact"]), "the slices must add up to the IID"
breakdown = pd.DataFrame([(a, r, float(s)) for a, r, s in slices], columns=["aspect", "row", "iid_points"])
breakdown.groupby("aspect", sort=False)["iid_points"].sum().round(2)
""")

code("""
def waterfall(ax, breakdown, iid, title):
    colours = {"government": "#4c72b0", "innovation": "#dd8452", "count": "#55a868"}
    bottom = 0.0
    for i, r in enumerate(breakdown.itertuples()):
        ax.bar(i, r.iid_points, bottom=bottom, color=colours[r.aspect], width=0.8)
        bottom += r.iid_points
    ax.bar(len(breakdown), iid, color="#333333", width=0.8)
    for band in ed.categories[:-1]:  # the lower bounds of the categories above the lowest band
        ax.axhline(float(band["lower"]), color="grey", lw=0.8, ls="--")
        ax.text(len(breakdown) + 0.6, float(band["lower"]) + 0.4, band["label"], va="bottom", fontsize=8)
    ax.set_xticks(range(len(breakdown) + 1), list(breakdown["row"]) + ["IID"], rotation=90, fontsize=7)
    ax.set_xlim(-1, len(breakdown) + 4)
    ax.set_ylabel("IID points")
    ax.set_title(title)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colours.values()]
    ax.legend(handles, ["government indicator", "innovation indicator", "count of innovations"],
              loc="upper left", bbox_to_anchor=(0, 0.88), fontsize=8, frameon=False)

fig, ax = plt.subplots(figsize=(11, 4.2))
waterfall(ax, breakdown, result.iid, f"{score['name']} ({score['edition']}): IID {result.iid:.2f}, {result.category}")
fig.tight_layout()
plt.show()
""", figure="waterfall")

md("""
The breakdown also says what the evidence puts at risk: `points_at_risk` compares the
self-assessed score with the `supported` one (the levels the evidence supports), per indicator,
per innovation and per department. Scoring under `supported` gives the other end.
""")

code("""
supported = inovasi.score(EXAMPLE, policy="supported")
print("self_assessed", result.iid, result.category, "| supported", supported.iid, supported.category)
print("IID at risk:", score["points_at_risk"]["iid"])
pd.DataFrame(score["departments"])[["name", "innovations", "mean_points", "iid_contribution", "iid_at_risk"]].head(6)
""")

md("""
## 2. The cheapest path to *Sangat Inovatif*

`inovasi.planning.plan` finds the set of level steps (and, if allowed, new innovations) of
minimum total cost that brings the region to a target: an IID such as `"65.00"` or a category
label. By default each level step costs 1; `costs` prices rows differently and `fixed_rows`
takes rows out of reach. The plan is exact (docs: [plan.md](plan.md)).
""")

code("""
base = ScenarioBase(EXAMPLE)
plan = planning.plan(base, score["region"], "Sangat Inovatif")
print(planning.plan_table(plan))
""")

md("""
The same plan from the command line, `inovasi plan FILE --target "Sangat Inovatif"`, which
writes one JSON line per region:
""")

code("""
cli = subprocess.run([sys.executable, "-m", "inovasi", "plan", str(EXAMPLE), "--target", "Sangat Inovatif"],
                     capture_output=True, text=True, check=True)
assert json.loads(cli.stdout) == plan, "the CLI and the Python API give the same plan"
print(cli.stdout[:300], "...")
""")

md("""
A plan is a scenario: applied through the scenario engine it scores exactly the `iid_after` it
promises. Prices change the answer. Government indicators are often the hard part, so price
each of their steps at 3, and allow up to five new innovations at 10 each, built at the top
level of every row (`new_profile="max"`; by default a new innovation copies the region's median
one, which would not raise the average here). The planner then builds four new innovations
instead of most of the steps on the existing ones.
""")

code("""
government_rows = [r["key"] for r in ed.rows if not r["per_innovation"]]
priced = planning.plan(base, score["region"], "Sangat Inovatif", costs={k: 3 for k in government_rows},
                       max_new=5, new_cost=10, new_profile="max")
for p in (plan, priced):
    applied = base.score_region({"policy": p["policy"], "changes": u.plan_changes(p)}, p["region"])
    assert applied["iid_h"] == round(p["iid_after"] * 100), (applied, p["iid_after"])

def summary(p):
    government = [s for s in p["steps"] if s["innovation"] is None]
    return {"cost": p["cost"], "iid_after": p["iid_after"], "category_after": p["category_after"],
            "government_steps": len(government), "innovation_steps": len(p["steps"]) - len(government),
            "new_innovations": len(p["new_innovations"])}

pd.DataFrame({"every step costs 1": summary(plan),
              "government steps cost 3, new innovations 10": summary(priced)}).T
""")

md("""
## 3. Rank a province

`inovasi.ranking.ranks` scores a data set with the batch engine and ranks each region within
its type (province, kabupaten, kota): nationally, within its province, and within its clusters.
Regions in the lowest category (*Tidak Dapat Dinilai*) are not ranked. With no source it reads
the bundled national dataset; `inovasi.synth.national_dataset()` returns its path, generating
it from its recipe on first use and checking it against its checksum
([decisions.md](decisions.md), [synth.md](synth.md)). On the command line:
`inovasi rank --region 33.27`.
""")

code("""
NATIONAL = synth.national_dataset()
ranks = ranking.ranks(NATIONAL)
PROVINCE = "Jawa Tengah"
kab = ranks[(ranks.province == PROVINCE) & (ranks.type == "kabupaten")].sort_values("rank_province")
print(len(ranks), "regions;", len(kab), "kabupaten in", PROVINCE)
kab[["code", "name", "iid", "category", "rank_province", "of_province", "rank_national", "of_national"]].head(10)
""")

code("""
counts = ranking.category_counts(NATIONAL)
counts.pivot_table(index="category", columns="type", values="regions", aggfunc="sum", observed=False)
""")

md("""
## 4. How sure are the ranks? An uncertainty study

A published IID rests on evidence the assessors may still reject. `inovasi.uncertainty` redraws
the uncertain inputs thousands of times (Monte Carlo) and reports per region the distribution
of the IID, of the category and of both ranks ([uncertainty.md](uncertainty.md)). With no other
setting each answer survives validation with its own acceptance probability (from the findings
on its evidence) and a failed answer falls to level 0. Every draw is a pure function of the
seed, so the study is the same on every machine and for every thread count.
""")

code("""
study = u.run(NATIONAL, {"seed": 2024, "replicates": 2000}, threads=2)
table = u.table(study)
print(table.attrs["provenance"]["replicates"], "replicates, seed", table.attrs["provenance"]["seed"])
columns = ["code", "iid_q05", "iid_q50", "iid_q95", "province_rank_q05", "province_rank_q50", "province_rank_q95",
           "p_Sangat Inovatif", "p_Inovatif", "p_Kurang Inovatif"]
table[(table.province == PROVINCE) & (table.type == "kabupaten")][columns].head(8)
""")

md("""
The same question under a harsher assumption: *a third of the evidence fails validation*
(every answer's acceptance 0.67). A region's rank within its province depends only on the
regions of its type in that province, so this study reads just the province's regions.
""")

code("""
lines = [line for line in NATIONAL.read_bytes().splitlines()
         if line.strip() and json.loads(line)["region"]["province"] == PROVINCE]
stressed = u.table(u.run(b"\\n".join(lines), {"seed": 2024, "replicates": 2000, "evidence": {"acceptance": 0.67}},
                         threads=2))
stressed[stressed.type == "kabupaten"][columns].head(8)
""")

md("""
Rank intervals of the province's kabupaten: the median rank (dot) and the 5–95 % interval
(bar) over the replicates, beside the rank of the published (self-assessed) scores (cross).
A failed answer only ever lowers an IID, so a region whose median rank is worse than its
published one has weaker evidence than its neighbours. Under the evidence as submitted most
ranks hardly move; when a third of it fails, the middle of the table reshuffles while the top
and bottom hold. (A region in the lowest category is never ranked and is left out.)
""")

code("""
def rank_intervals(ax, t, title):
    t = t[(t.province == PROVINCE) & (t.type == "kabupaten") & t.province_rank_q50.notna()]
    t = t.merge(kab[["code", "rank_province"]], on="code").sort_values("province_rank_q50", ascending=False)
    y = range(len(t))
    med = t.province_rank_q50.astype(float)
    ax.hlines(y, t.province_rank_q05.astype(float), t.province_rank_q95.astype(float), color="#4c72b0", lw=3)
    ax.plot(med, y, "o", color="#1f3b63", ms=4, label="median rank")
    ax.plot(t.rank_province.astype(float), y, "x", color="#c44e52", ms=5, label="rank of the published scores")
    ax.set_yticks(list(y), t.code, fontsize=7)
    ax.invert_xaxis()
    ax.set_xlabel(f"rank among the kabupaten of {PROVINCE} (5–95 %)")
    ax.set_title(title, fontsize=10)

fig, axes = plt.subplots(1, 2, figsize=(11, 6), sharey=False)
rank_intervals(axes[0], table, "evidence as submitted")
rank_intervals(axes[1], stressed, "a third of the evidence fails (acceptance 0.67)")
fig.suptitle(f"Rank intervals, kabupaten of {PROVINCE} (2,000 replicates)")
handles, names = axes[0].get_legend_handles_labels()
fig.legend(handles, names, loc="lower center", ncol=2, numpoints=1, fontsize=8, frameon=False)
fig.tight_layout(rect=(0, 0.04, 1, 1))
plt.show()
""", figure="rank-intervals")

md("""
Category probabilities: for the regions of the whole national study whose category is least
certain, the share of replicates in each category. These are the regions whose label in the
published table rests on evidence that may still fail.
""")

code("""
labels = [c["label"] for c in ed.categories] + [ed.lowest_category]
p = table.set_index("code")[["p_" + c for c in labels]]
p.columns = labels
uncertain = p.loc[p.max(axis=1).sort_values().index[:12]].iloc[::-1]
assert (abs(p.sum(axis=1) - 1) < 1e-9).all(), "each region's category probabilities add up to 1"

fig, ax = plt.subplots(figsize=(9, 4.8))
left = pd.Series(0.0, index=uncertain.index)
colours = ["#2b8cbe", "#7bccc4", "#fdae6b", "#bdbdbd"]
for label, colour in zip(labels, colours):
    ax.barh(uncertain.index, uncertain[label], left=left, color=colour, label=label)
    left += uncertain[label]
ax.set_xlim(0, 1)
ax.set_xlabel("probability over 2,000 replicates")
ax.set_ylabel("region code")
ax.set_title("The 12 regions whose category is least certain (national study)")
ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.08), ncol=4, fontsize=8, frameon=False)
ax.tick_params(axis="y", labelsize=8)
fig.tight_layout()
plt.show()
""", figure="category-probabilities")

md("""
### How sure is a plan?

The same machinery asks how likely the plan of section 2 is to hold once its new evidence faces validation
(the command line: `inovasi uncertainty FILE --plan plan.json --plan-acceptance 0.95`). Below,
each planned answer's evidence passes with probability 0.95 and the region's existing answers
keep their own acceptance. A cheapest plan has no slack, and Berau's existing evidence carries
findings (its `supported` IID is far below the self-assessed one), so the plan alone almost
never reaches *Sangat Inovatif*: plan for a margin, and mend the evidence first.
""")

code("""
planned = u.table(u.run(u.with_plan([EXAMPLE], plan, acceptance=0.95), {"seed": 2024, "replicates": 2000}))
assert planned["p_Sangat Inovatif"].iloc[0] < 0.05
planned[["code", "iid_q05", "iid_q50", "iid_q95", "p_Sangat Inovatif", "p_Inovatif"]]
""")

md("""
## Where next

- `inovasi explain FILE` says where a region's points are lost against the maximum and what
  one more innovation is worth; `inovasi gains` lists the best single steps ([plan.md](plan.md)).
- Scenarios change claims, switch innovations off or add new ones and rescore a whole data set
  without re-validating it ([scenario.md](scenario.md)).
""")


def build() -> nbformat.NotebookNode:
    """The notebook, outputs stripped: the same bytes for the same CELLS."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                   "language_info": {"name": "python"}}
    for i, (kind, source, figure) in enumerate(CELLS):
        if kind == "markdown":
            cell = nbformat.v4.new_markdown_cell(source)
        else:
            cell = nbformat.v4.new_code_cell(source)
            if figure:
                cell.metadata["figure"] = figure
        cell.id = f"cell-{i:02d}"  # stable ids, so that the file does not change from run to run
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def text(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb) + "\n"


def figure_names(nb: nbformat.NotebookNode) -> list[str]:
    return [c.metadata["figure"] for c in nb.cells if c.cell_type == "code" and "figure" in c.metadata]


def execute(nb: nbformat.NotebookNode, cwd: pathlib.Path = ROOT, timeout: int = CELL_TIMEOUT) -> nbformat.NotebookNode:
    """Runs the notebook top to bottom in a fresh ipykernel (an error in a cell raises)."""
    from nbclient import NotebookClient

    nb = nbformat.from_dict(nb)
    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def figures(executed: nbformat.NotebookNode) -> dict[str, list[bytes]]:
    """Each figure cell's PNG outputs, by the cell's figure name."""
    out: dict[str, list[bytes]] = {}
    for c in executed.cells:
        if c.cell_type == "code" and "figure" in c.metadata:
            out[c.metadata["figure"]] = [base64.b64decode(o["data"]["image/png"]) for o in c.get("outputs", [])
                                         if o.get("output_type") in ("display_data", "execute_result")
                                         and "image/png" in o.get("data", {})]
    return out


def write_figures(executed: nbformat.NotebookNode, directory: pathlib.Path) -> list[pathlib.Path]:
    """One PNG per figure cell into ``directory``; PNGs there that no cell draws are removed."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, images in figures(executed).items():
        if len(images) != 1:
            raise RuntimeError(f"figure cell {name!r} drew {len(images)} images, expected 1")
        path = directory / f"{name}.png"
        path.write_bytes(images[0])
        written.append(path)
    for stale in set(directory.glob("*.png")) - set(written):
        stale.unlink()
    return written


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="fail if docs/tutorial.ipynb is not what this script makes")
    ap.add_argument("--figures", metavar="DIR", type=pathlib.Path,
                    help="execute the notebook and write its figures into DIR (e.g. docs/figures)")
    args = ap.parse_args(argv)
    nb = build()
    if args.check:
        if not NOTEBOOK.exists() or NOTEBOOK.read_text(encoding="utf-8") != text(nb):
            print(f"{NOTEBOOK.relative_to(ROOT)} is out of date: run python3 docs/make_tutorial.py", file=sys.stderr)
            return 1
        return 0
    NOTEBOOK.write_text(text(nb), encoding="utf-8")
    if args.figures:
        for path in write_figures(execute(nb), args.figures):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
