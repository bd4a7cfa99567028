"""The tutorial notebook (docs/tutorial.ipynb, written by docs/make_tutorial.py):

- the committed notebook is exactly what the script makes, outputs stripped;
- it executes top to bottom in a fresh ipykernel (nbclient, a timeout per cell); its own asserts
  check the numbers against each other (the waterfall's slices add up to the exact IID, the CLI
  plan equals the API's, the applied plan scores its iid_after), so a wrong number fails here;
- every figure cell draws one PNG, written into build/docs-figures/;
- docs/figures/ (committed, shown by docs/tutorial.md) holds the same figures by name and count.
  The PNGs are not compared pixel by pixel: matplotlib's rendering is not ours to pin."""

from __future__ import annotations

import importlib.util
import pathlib
import re
import struct

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "docs-figures"
PNG = b"\x89PNG\r\n\x1a\n"


def _script():
    spec = importlib.util.spec_from_file_location("make_tutorial", ROOT / "docs" / "make_tutorial.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


mt = _script()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG and data[12:16] == b"IHDR", "not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def executed():
    return mt.execute(mt.build(), cwd=ROOT)


def test_committed_notebook_is_what_the_script_makes():
    committed = mt.NOTEBOOK.read_text(encoding="utf-8")
    assert committed == mt.text(mt.build()), "docs/tutorial.ipynb is out of date: run python3 docs/make_tutorial.py"
    nb = nbformat.reads(committed, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code), "outputs are not stripped"


def test_the_check_mode_sees_a_stale_notebook(tmp_path, monkeypatch):
    stale = tmp_path / "tutorial.ipynb"
    stale.write_text(mt.text(mt.build()).replace("cheapest path", "cheap path", 1), encoding="utf-8")
    monkeypatch.setattr(mt, "NOTEBOOK", stale)
    monkeypatch.setattr(mt, "ROOT", tmp_path)
    assert mt.main(["--check"]) == 1
    stale.write_text(mt.text(mt.build()), encoding="utf-8")
    assert mt.main(["--check"]) == 0


def test_the_notebook_covers_the_tutorial_and_names_its_figures():
    nb = mt.build()
    assert mt.figure_names(nb) == ["waterfall", "rank-intervals", "category-probabilities"]
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for call in ("inovasi.score(", "planning.plan(", "ranking.ranks(", "synth.national_dataset()", "u.run(NATIONAL",
                 "u.table(study)", '"seed": 2024, "replicates": 2000'):
        assert call in source, call


def test_notebook_executes_top_to_bottom_and_draws_its_figures(executed):
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "a cell did not run"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    images = mt.figures(executed)
    assert list(images) == mt.figure_names(mt.build())
    for name, pngs in images.items():
        assert len(pngs) == 1, (name, len(pngs))
        w, h = png_size(pngs[0])
        assert w >= 600 and h >= 300, (name, w, h)  # a real figure, not an empty canvas
    written = mt.write_figures(executed, OUT)
    assert sorted(p.name for p in written) == sorted(f"{n}.png" for n in images)
    # Cells without a figure draw none: every image in the notebook belongs to a named figure.
    stray = [c.id for c in code if "figure" not in c.metadata
             and any("image/png" in o.get("data", {}) for o in c.outputs)]
    assert not stray, stray


def test_an_error_in_a_cell_fails_the_run():
    """The executor is not vacuous: a failing assert in a cell stops it."""
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("assert x == 2, 'wrong'")]
    with pytest.raises(CellExecutionError, match="wrong"):
        mt.execute(nb, cwd=ROOT, timeout=60)


def test_docs_figures_are_the_notebooks_figures_by_name_and_count():
    names = mt.figure_names(mt.build())
    committed = sorted(p.name for p in mt.FIGURES.glob("*.png"))
    assert committed == sorted(f"{n}.png" for n in names), \
        "docs/figures/ is out of date: run python3 docs/make_tutorial.py --figures docs/figures"
    for n in names:
        w, h = png_size((mt.FIGURES / f"{n}.png").read_bytes())
        assert w >= 600 and h >= 300, (n, w, h)
    page = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
    shown = re.findall(r"!\[[^\]]*\]\(figures/([\w-]+)\.png\)", page)
    assert sorted(shown) == sorted(names), "docs/tutorial.md shows each figure once"
