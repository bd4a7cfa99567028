"""`inovasi report` in a real headless browser (Debian's Chromium driven by Playwright): for every
example the page renders with every network request refused and none attempted but the page
itself, its SVG charts have drawn marks, and the numbers it shows (its data-* attributes, and
the text a reader sees in either language) equal what `inovasi score`, `explain`, `plan` and
`uncertainty` print. A screenshot of each page goes to build/report-screenshots/ (a CI artifact).

Without Playwright or /usr/bin/chromium the browser tests skip, unless INOVASI_REQUIRE_BROWSER=1
(the CI `browser` stage sets it) turns that into a failure.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "build" / "report-screenshots"
MAX_NEW = "3"  # the report's default --max-new


def cli(*args, check=True):
    r = subprocess.run([sys.executable, "-m", "inovasi", *map(str, args)], capture_output=True, text=True,
                       cwd=ROOT, timeout=300)
    if check:
        assert r.returncode == 0, r.stderr
    return r


def cli_json(*args):
    return [json.loads(line) for line in cli(*args).stdout.splitlines() if line.strip()]


def _browser_missing():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is not there"
    return None


@pytest.fixture(scope="module")
def browser():
    why = _browser_missing()
    if why:
        if os.environ.get("INOVASI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"the browser test is required here, but {why}")
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


class Page:
    """A report opened offline: every request that is not the page itself (file:) or inline
    (data:) is aborted, and every request is recorded."""

    def __init__(self, browser, path: Path):
        self.ctx = browser.new_context(viewport={"width": 1000, "height": 900})
        self.page = self.ctx.new_page()
        self.requests, self.errors = [], []

        def route(r):
            url = r.request.url
            self.requests.append(url)
            if url.startswith(("file:", "data:")):
                r.continue_()
            else:
                r.abort()

        self.page.route("**/*", route)
        self.page.on("requestfailed", lambda req: self.requests.append("failed:" + req.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.url = path.resolve().as_uri()
        self.page.goto(self.url, wait_until="load")

    def attr(self, selector: str, name: str) -> str:
        el = self.page.query_selector(selector)
        assert el is not None, selector
        return el.get_attribute(name)

    def text(self, selector: str) -> str:
        return self.page.inner_text(selector).strip()

    def close(self):
        self.ctx.close()


def shown(number: str, lang: str) -> str:
    """How the page writes a number in a language (decimal comma in Indonesian)."""
    return number.replace(".", ",") if lang == "id" else number


def check_page(browser, html: Path, score: dict, plan, unc: dict, shot: str):
    pg = Page(browser, html)
    try:
        # Offline: nothing but the page itself was requested, and nothing failed.
        assert pg.requests == [pg.url], pg.requests
        assert pg.errors == []
        # Not blank: the charts drew bars and markers, and some of the bars have width.
        marks = pg.page.eval_on_selector_all("svg.chart rect, svg.chart path", "els => els.length")
        assert marks > 0
        wide = pg.page.eval_on_selector_all(
            "svg.chart rect", "els => els.filter(e => e.getBBox().width > 0).length")
        assert wide > 0
        assert pg.page.eval_on_selector_all("svg.chart", "els => els.length") >= 4
        box = pg.page.query_selector("svg.chart").bounding_box()
        assert box["width"] > 300 and box["height"] > 40

        # The numbers are the CLI's.
        iid = f'{score["iid"]:.2f}'
        assert pg.attr("[data-iid]", "data-iid") == iid
        assert pg.attr("[data-category]", "data-category") == score["category"]
        # No markup of the page's own shows as text (escaped twice).
        body = pg.page.inner_text("body")
        assert "<span" not in body and "&lt;" not in body and "&amp;" not in body
        assert pg.attr("[data-total]", "data-total") == f'{score["total"]:.2f}'
        rows = {r["row"]: f'{r["points"]:.2f}' for r in score["indicators"]}
        rows.update({r["row"]: f'{r["average_share"]:.2f}' for r in score["innovation_indicators"]})
        rows["count"] = f'{score["count_points"]:.2f}'
        got = dict(pg.page.eval_on_selector_all(
            "g.bar[data-row]", "els => els.map(e => [e.dataset.row, e.dataset.points])"))
        assert got == rows
        # Each indicator's maximum is its weight times the top level (the count row: rate x cap);
        # together they are the edition's maximum total.
        maxima = dict(pg.page.eval_on_selector_all(
            "g.bar[data-row]", "els => els.map(e => [e.dataset.row, e.dataset.max])"))
        from fractions import Fraction
        import inovasi
        ed = inovasi.edition(score["edition"])
        for r in ed.rows:
            assert Fraction(maxima[r["key"]]) == Fraction(r["weight"]) * ed.level_max, r["key"]
        assert sum(Fraction(v) for v in maxima.values()) == Fraction(str(ed.max_total))
        risk = score["points_at_risk"]
        assert pg.attr("[data-risk-points]", "data-risk-points") == f'{risk["points"]:.2f}'
        assert pg.attr("[data-risk-iid]", "data-risk-iid") == f'{risk["iid"]:.2f}'
        dept = {d["name"]: f'{d["iid_contribution"]:.2f}' for d in score["departments"]}
        got = pg.page.eval_on_selector_all("g.bar[data-line]", "els => els.map(e => [e.dataset.line, e.dataset.iid])")
        assert sorted(v for k, v in got if k == "department") == sorted(dept.values())
        assert [v for k, v in got if k == "count"] == [f'{score["count_points_iid_contribution"]:.2f}']

        if plan is None:
            assert pg.page.query_selector("[data-plan=none]") is not None
        else:
            assert pg.attr("[data-plan-cost]", "data-plan-cost") == str(plan["cost"])
            assert pg.attr("[data-plan-cost]", "data-plan-target") == plan["target_category"]
            assert pg.attr("[data-plan-cost]", "data-plan-target-iid") == f'{plan["target_iid"]:.2f}'
            assert pg.attr("[data-plan-cost]", "data-plan-iid-after") == f'{plan["iid_after"]:.2f}'
            assert pg.attr("[data-plan-cost]", "data-plan-reachable") == str(plan["reachable"]).lower()
            assert pg.attr("[data-plan-cost]", "data-plan-new") == str(len(plan["new_innovations"]))
            steps = pg.page.eval_on_selector_all("tr[data-step-row]", "els => els.map(e => e.dataset.stepRow)")
            assert steps == [s["row"] for s in plan["steps"]]

        for q in ("q05", "q50", "q95"):
            assert pg.attr(f"[data-iid-{q}]", f"data-iid-{q}") == f'{unc[f"iid_{q}"]:.2f}'
            want = unc["national_rank"][q]
            assert pg.attr(f"[data-rank-{q}]", f"data-rank-{q}") == ("" if want is None else str(want))
            want = unc["province_rank"][q]
            assert pg.attr(f"[data-province-rank-{q}]", f"data-province-rank-{q}") == ("" if want is None else str(want))
        probs = dict(pg.page.eval_on_selector_all(
            "g.bar[data-category-probability]", "els => els.map(e => [e.dataset.categoryProbability, e.dataset.p])"))
        assert {k: float(v) for k, v in probs.items()} == unc["category_probability"]

        # What a reader sees is those numbers, in either language; the switch works.
        SHOTS.mkdir(parents=True, exist_ok=True)
        for lang in ("id", "en"):
            pg.page.click(f".langs button.{lang}")
            assert pg.page.evaluate("document.documentElement.dataset.lang") == lang
            assert pg.text("[data-iid]") == shown(iid, lang)
            assert pg.text("[data-category]") == score["category"]
            heading = pg.text("h2")
            assert heading == {"id": "Poin per indikator terhadap maksimumnya",
                               "en": "Points by indicator against their maximum"}[lang]
            if plan is not None:
                assert str(plan["cost"]) in pg.text("[data-plan-cost]")
            if unc["national_rank"]["q50"] is not None:
                r = unc["national_rank"]
                assert f'{r["q05"]}–{r["q95"]}' in pg.text("[data-rank-q50]")
            assert shown(f'{unc["iid_q05"]:.2f}', lang) in pg.text("[data-iid-q05]")
            pg.page.screenshot(path=str(SHOTS / f"{shot}-{lang}.png"), full_page=True)
        # Still nothing requested after the clicks.
        assert pg.requests == [pg.url]
    finally:
        pg.close()


def cli_figures(files, region, policy="self_assessed"):
    score = next(s for s in cli_json("score", files[0], "--policy", policy) if s["region"] == region)
    nxt = cli_json("explain", files[0], "--region", region, "--policy", policy)[0]["next_category"]
    plan = None
    if nxt is not None:
        plan = cli_json("plan", files[0], "--region", region, "--target", nxt["category"], "--max-new", MAX_NEW,
                        "--policy", policy)[0]
    unc = cli_json("uncertainty", *files, "--replicates", "1000", "--seed", "0", "--region", region)
    assert len(unc) == 1
    return score, plan, unc[0]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_report_of_every_example_in_a_browser(browser, path, tmp_path):
    out = tmp_path / "report.html"
    cli("report", path, "--out", out)
    region = json.loads(path.read_text(encoding="utf-8"))["region"]["code"]
    score, plan, unc = cli_figures([path], region)
    check_page(browser, out, score, plan, unc, path.stem)
    # One region alone: the page says the rank is among the file's regions only.
    assert "--context" in out.read_text(encoding="utf-8")


def test_the_evidence_example_is_among_them():
    assert ROOT / "examples" / "kabupaten-banyuwangi-2026-evidence.json" in EXAMPLES


def test_ranked_among_more_regions(browser, tmp_path):
    """Several files (and --context) rank the region among all of them, as `inovasi uncertainty`
    ranks those files."""
    files = [ROOT / "examples" / n for n in ("kabupaten-banyuwangi-2024.json", "kabupaten-sleman-2024.json",
                                             "kabupaten-nduga-2024.json")]
    # The context holds the reported region too (as a national file does): its record there is
    # replaced by the report's own submission, not ranked twice.
    other = json.loads(files[0].read_text(encoding="utf-8"))
    other["name"] = "another submission of the same region"
    context = tmp_path / "context.jsonl"
    context.write_text(json.dumps(other) + "\n" + json.dumps(json.loads(files[2].read_text(encoding="utf-8")))
                       + "\n", encoding="utf-8")
    out = tmp_path / "r.html"
    cli("report", files[0], files[1], "--context", context, "--out", out, "--lang", "en")
    assert 'data-lang="en"' in out.read_text(encoding="utf-8")
    score, plan, unc = cli_figures(files, "35.10")
    assert unc["national_rank"]["q50"] == 2  # behind Sleman: really ranked among the others
    check_page(browser, out, score, plan, unc, "banyuwangi-among-three")
    page = out.read_text(encoding="utf-8")
    assert "among the 3 kabupaten region(s)" in page and "--context NATIONAL.jsonl" not in page
    assert 'data-replaced="1"' in page


def test_names_from_the_input_are_text_not_markup(browser, tmp_path):
    """A region or department name with markup is shown as text: no element, no request."""
    sub = json.loads((ROOT / "examples" / "kabupaten-berau-2023.json").read_text(encoding="utf-8"))
    sub["region"]["name"] = '<img src="http://example.invalid/x.png"><script>alert(1)</script>'
    sub["innovations"][0]["department"] = '<link rel="stylesheet" href="https://example.invalid/a.css">'
    src = tmp_path / "evil.json"
    src.write_text(json.dumps(sub), encoding="utf-8")
    out = tmp_path / "evil.html"
    cli("report", src, "--out", out)
    pg = Page(browser, out)
    try:
        assert pg.requests == [pg.url]
        assert pg.errors == []
        assert pg.page.query_selector("body img, body script, body link") is None
        assert "<script>alert(1)</script>" in pg.text("h1")
    finally:
        pg.close()


def test_bad_input_is_located_and_the_old_page_survives(tmp_path):
    out = tmp_path / "report.html"
    out.write_text("old page", encoding="utf-8")
    bad = tmp_path / "bad.json"
    text = (ROOT / "examples" / "kabupaten-berau-2023.json").read_text(encoding="utf-8")
    bad.write_text(text.replace('"innovations"', '"innovations" 1', 1), encoding="utf-8")
    r = cli("report", bad, "--out", out, check=False)
    assert r.returncode == 2
    assert re.search(r"bad\.json:\d+:\d+", r.stderr), r.stderr
    assert out.read_text(encoding="utf-8") == "old page"
    assert [p.name for p in tmp_path.iterdir() if ".inovasi-tmp-" in p.name] == []

    r = cli("report", ROOT / "examples" / "kabupaten-berau-2023.json", "--region", "99.99", "--out", out, check=False)
    assert r.returncode == 2 and "99.99" in r.stderr
    r = cli("report", tmp_path / "missing.json", "--out", out, check=False)
    assert r.returncode == 2 and "missing.json: cannot read" in r.stderr
    assert out.read_text(encoding="utf-8") == "old page"


def test_same_input_same_page(tmp_path):
    """The page depends on its inputs and options only (no clock, no randomness but the seed)."""
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    src = ROOT / "examples" / "kabupaten-gunung-mas-2025.json"
    cli("report", src, "--out", a, "--replicates", "200")
    cli("report", src, "--out", b, "--replicates", "200")
    assert a.read_bytes() == b.read_bytes()
    page = a.read_text(encoding="utf-8")
    # No reference that a browser would fetch.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "@import" not in page and "url(" not in page


def test_policy_reaches_the_score_the_plan_and_the_simulation(tmp_path):
    """--policy applies to every part: the figures equal the CLI's under that policy (the
    simulation's through an uncertainty file naming it)."""
    from inovasi import report

    src = ROOT / "examples" / "kabupaten-banyuwangi-2026-evidence.json"
    d = report.gather([str(src)], policy="supported", replicates=300, seed=7)
    score = cli_json("score", src, "--policy", "supported")[0]
    assert d["score"] == score
    plan = cli_json("plan", src, "--target", d["next_category"]["category"], "--max-new", MAX_NEW,
                    "--policy", "supported")[0]
    assert d["plan"] == plan
    spec = tmp_path / "u.json"
    spec.write_text(json.dumps({"policy": "supported", "seed": 7, "replicates": 300}), encoding="utf-8")
    unc = cli_json("uncertainty", src, "--uncertainty", spec)[0]
    mc = d["uncertainty"]
    assert (mc["iid_q05"], mc["iid_q50"], mc["iid_q95"]) == (unc["iid_q05"], unc["iid_q50"], unc["iid_q95"])
    assert mc["category_probability"] == unc["category_probability"]
    assert mc["national_rank"] == unc["national_rank"] and mc["province_rank"] == unc["province_rank"]
    assert mc["provenance"]["policy"] == "supported"
    # And the self-assessed page differs where validation matters.
    assert report.gather([str(src)], replicates=300, seed=7)["score"]["iid"] != score["iid"]
