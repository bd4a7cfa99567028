"""The documentation as a test subject:

- every ```bash, ```sh and ```python block of docs/*.md runs, in a temporary directory that
  holds the repository's examples/, editions/, benchmarks/ and docs/ (so the blocks' relative
  paths work) with `inovasi` on PATH meaning this tree's package. A page's shell blocks run in
  order in one directory (a later block may read what an earlier one wrote); its Python blocks
  run in order as one script, like a notebook. A block that must not run carries
  `<!-- docs-test: skip REASON -->` on the line before its fence; skips are counted, and each
  needs a reason;
- every relative link and #anchor in docs/*.md and README.md resolves (the anchors as MkDocs
  makes them), and every citation of a docs page and its section ("docs/model.md" with "§3") in the code, the editions, the tests and
  the docs names a page that exists and a section it has;
- the generated pages equal what docs/gen_editions.py makes from the edition files.

`mkdocs build --strict` (the CI stage `docs`) checks the links of the built site as well."""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

import markdown
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
RUN_LANGS = {"bash": "shell", "sh": "shell", "python": "python"}
FENCE = re.compile(r"^(?P<indent>[ ]{0,3})(?P<fence>`{3,})(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$",
                   re.M | re.S)
SKIP = re.compile(r"<!--\s*docs-test:\s*skip\b(?P<reason>[^>]*?)-->\s*$")
# Pages that other branches add in parallel (issue 15 and its neighbours): a reference to one of
# them may not resolve in this tree yet. Empty this set once they are all merged.
PENDING: set = set()
# README.md is the coordinator's to edit (it still cites sections of the old outside spec): its links are checked,
# its citations are not. Remove this once README cites docs/model.md.
CITATION_EXEMPT: set = set()
# Blocks run under pipefail, so a failing command before a pipe fails the block. `head` would
# close the pipe early and the writer before it exit 141 (SIGPIPE), as inovasi does by design,
# at random depending on timing: in the blocks, head reads its input to the end after printing.
DRAIN_HEAD = 'head() { command head "$@"; local s=$?; cat > /dev/null; return $s; }\n'
# Skipped blocks, counted: a new skip is a decision to review, not a silent default.
EXPECTED_SKIPS = 23


def blocks(page: pathlib.Path) -> list[dict]:
    """Fenced code blocks of a page: language, body, line, and the skip reason if annotated."""
    text = page.read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        before = text[:m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        skip = SKIP.search(before)
        out.append({"lang": m["lang"], "body": m["body"], "line": text.count("\n", 0, m.start()) + 1,
                    "skip": (skip["reason"].strip() or None) if skip else False, "page": page.name})
    return out


def runnable(page):
    return [b for b in blocks(page) if b["lang"] in RUN_LANGS]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """A place like the repository root per page, with `inovasi` on PATH running the package
    this interpreter imports (this tree's, under the PYTHONPATH the tests run with)."""
    base = tmp_path_factory.mktemp("docs-run")
    bin_dir = base / ".bin"
    bin_dir.mkdir()
    shim = bin_dir / "inovasi"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m inovasi "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", PYTHONDONTWRITEBYTECODE="1")
    return base, env


def page_dir(sandbox, page: str) -> pathlib.Path:
    base, _ = sandbox
    d = base / page.removesuffix(".md")
    d.mkdir()
    for name in ("examples", "editions", "benchmarks", "docs", "tests"):
        (d / name).symlink_to(ROOT / name)
    return d


@pytest.mark.parametrize("page", [p for p in PAGES if any(b["skip"] is False for b in runnable(p))],
                         ids=lambda p: p.name)
def test_code_blocks_run(sandbox, page):
    _, env = sandbox
    cwd = page_dir(sandbox, page.name)
    todo = [b for b in runnable(page) if b["skip"] is False]
    for b in [b for b in todo if RUN_LANGS[b["lang"]] == "shell"]:
        p = subprocess.run(["bash", "-euo", "pipefail", "-c", DRAIN_HEAD + b["body"]], cwd=cwd, env=env,
                           capture_output=True, timeout=600)
        assert p.returncode == 0, (f"{page.name}:{b['line']}: the {b['lang']} block exits {p.returncode}\n"
                                   f"{b['body']}\nstdout:\n{p.stdout.decode()[-3000:]}\nstderr:\n{p.stderr.decode()[-3000:]}")
    py = [b for b in todo if RUN_LANGS[b["lang"]] == "python"]
    if py:
        script = "".join(f"# ---- {page.name}:{b['line']}\n{b['body']}\n" for b in py)
        p = subprocess.run([sys.executable, "-c", script], cwd=cwd, env=env, capture_output=True, timeout=600)
        assert p.returncode == 0, (f"{page.name}: its python blocks (lines {[b['line'] for b in py]}) fail\n"
                                   f"stderr:\n{p.stderr.decode()[-4000:]}")


def test_skipped_blocks_are_annotated_with_a_reason_and_counted():
    skipped = [b for p in PAGES for b in runnable(p) if b["skip"] is not False]
    assert all(b["skip"] for b in skipped), [f"{b['page']}:{b['line']}" for b in skipped if not b["skip"]]
    ran = [b for p in PAGES for b in runnable(p) if b["skip"] is False]
    print(f"\ndocs code blocks: {len(ran)} run, {len(skipped)} skipped:")
    for b in skipped:
        print(f"  {b['page']}:{b['line']}: {b['skip']}")
    assert len(skipped) == EXPECTED_SKIPS, \
        f"{len(skipped)} skipped blocks, expected {EXPECTED_SKIPS}: review the new skip and update EXPECTED_SKIPS"
    assert ran


def test_guides_have_run_blocks():
    for name in ("cli.md", "performance.md", "formats.md"):
        assert any(b["skip"] is False for b in runnable(DOCS / name)), name


def test_annotations_sit_on_code_blocks():
    """A skip annotation that does not precede a fence would silently skip nothing."""
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if "docs-test:" in line:
                assert SKIP.search(line), f"{page.name}:{i + 1}: unknown docs-test annotation"
                assert i + 1 < len(lines) and lines[i + 1].lstrip().startswith("```"), \
                    f"{page.name}:{i + 1}: the annotation is not on the line before a code fence"


# ---- links and citations ---------------------------------------------------------------------

LINK = re.compile(r"(?<!!)\[(?:[^\]\[]|\[[^\]]*\])*\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
IMAGE = re.compile(r"!\[[^\]]*\]\((?P<target>[^)\s]+)\)")


def prose(text: str) -> str:
    """The text outside fenced code blocks and inline code spans."""
    text = FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    return re.sub(r"`[^`\n]*`", "", text)


def anchors(page: pathlib.Path) -> set[str]:
    """The ids MkDocs gives the page's headings (Python-Markdown's toc, as in mkdocs.yml)."""
    md = markdown.Markdown(extensions=["toc", "attr_list", "tables", "admonition", "def_list"])
    html = md.convert(page.read_text(encoding="utf-8"))
    return set(re.findall(r'\sid="([^"]+)"', html))


def links(page: pathlib.Path):
    text = prose(page.read_text(encoding="utf-8"))
    for rx in (LINK, IMAGE):
        for m in rx.finditer(text):
            yield text.count("\n", 0, m.start()) + 1, m["target"]


@pytest.mark.parametrize("page", PAGES + [ROOT / "README.md"], ids=lambda p: p.name)
def test_relative_links_and_anchors_resolve(page):
    bad = []
    for line, target in links(page):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto: — not checked offline
            continue
        path, _, anchor = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        if path and not dest.exists():
            if dest.name in PENDING and dest.parent == DOCS:
                continue
            bad.append(f"{page.name}:{line}: {target}: no such file")
            continue
        if anchor:
            if dest.suffix != ".md":
                bad.append(f"{page.name}:{line}: {target}: an anchor into a non-Markdown file")
            elif anchor not in anchors(dest):
                bad.append(f"{page.name}:{line}: {target}: no heading #{anchor} in {dest.name}")
    assert not bad, "\n".join(bad)


def test_the_link_checker_sees_a_broken_link(tmp_path):
    """The checker is not vacuous: a missing page and a missing anchor are both caught."""
    (tmp_path / "a.md").write_text("# A\n\n## Real section\n", encoding="utf-8")
    page = tmp_path / "b.md"
    page.write_text("[ok](a.md#real-section) [gone](missing.md) [no anchor](a.md#nope) `[code](x.md)`\n",
                    encoding="utf-8")
    found = list(links(page))
    assert [t for _, t in found] == ["a.md#real-section", "missing.md", "a.md#nope"]
    assert "real-section" in anchors(tmp_path / "a.md") and "nope" not in anchors(tmp_path / "a.md")


CITATION = re.compile(r"docs/(?P<page>[\w-]+\.md)(?P<sections>(?:,? ?§\d+(?:\.\d+)*(?:[–-]§?\d+(?:\.\d+)*)?)*)")
SECTION = re.compile(r"§(\d+(?:\.\d+)*)")
CITING_TREES = ["include", "src", "python", "bindings", "editions", "examples", "tests", "benchmarks", "fuzz", "scripts",
                "docs", ".ci", "CMakeLists.txt", "README.md", "mkdocs.yml"]
TEXT_SUFFIXES = {".hpp", ".cpp", ".h", ".py", ".json", ".jsonl", ".md", ".txt", ".cmake", ".sh", ".yml", ".toml", ""}


def citing_files():
    for name in CITING_TREES:
        p = ROOT / name
        files = [p] if p.is_file() else sorted(q for q in p.rglob("*") if q.is_file())
        for f in files:
            if f.suffix in TEXT_SUFFIXES and "malformed" not in f.parts and "hostile" not in f.parts:
                yield f


def numbered_sections(page: pathlib.Path) -> set[str]:
    out = set()
    for line in page.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^#{2,6}\s+(\d+(?:\.\d+)*)\.?\s", line)
        if m:
            out.add(m.group(1))
    return out


def test_every_docs_citation_resolves_inside_the_project():
    bad = []
    for f in citing_files():
        try:
            text = f.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        rel = f.relative_to(ROOT).as_posix()
        for m in CITATION.finditer(text):
            page = DOCS / m["page"]
            line = text.count("\n", 0, m.start()) + 1
            if not page.exists():
                if m["page"] not in PENDING:
                    bad.append(f"{rel}:{line}: docs/{m['page']} does not exist")
                continue
            have = numbered_sections(page)
            for s in SECTION.findall(m["sections"]):
                if s not in have:
                    bad.append(f"{rel}:{line}: docs/{m['page']} has no section §{s}")
        if rel not in CITATION_EXEMPT:
            for m in re.finditer(r"methodology[ ]§|methodology[.]md|spec/(?:formats|architecture|style)[.]md", text):
                bad.append(f"{rel}:{text.count(chr(10), 0, m.start()) + 1}: cites a document outside the project")
    assert not bad, "\n".join(bad[:50])


def test_model_sections_that_are_cited_exist():
    assert {"2", "2.1", "2.2", "2.3", "3", "4", "5", "6", "6.1", "7", "8", "9", "10"} <= numbered_sections(DOCS / "model.md")


# ---- generated pages ---------------------------------------------------------------------------

def test_generated_edition_pages_are_up_to_date():
    p = subprocess.run([sys.executable, str(DOCS / "gen_editions.py"), "--check"], capture_output=True, timeout=120)
    assert p.returncode == 0, p.stderr.decode()


def test_editions_reference_states_every_parameter_and_note():
    """An independent read of the files: every top-level note and every row-provenance note
    appears verbatim on the generated page, under the edition's own heading."""
    import json
    text = (DOCS / "editions-reference.md").read_text(encoding="utf-8")
    files = sorted((ROOT / "editions").glob("*.json")) + sorted((ROOT / "examples" / "editions").glob("*.json"))
    for f in files:
        ed = json.loads(f.read_text(encoding="utf-8"))
        start = text.index(f"\n## {ed['name']}\n")
        nxt = text.find("\n## ", start + 1)
        section = text[start: nxt if nxt > 0 else None]
        for key, p in ed.items():
            if isinstance(p, dict) and {"mark", "note"} <= set(p):
                assert p["note"].replace("|", "\\|") in section, (f.name, key)
                assert f"[{p['mark']}]" in section
        for row in ed["rows"]:
            for field, prov in row["provenance"].items():
                assert prov["note"].replace("|", "\\|") in section, (f.name, row["key"], field)
            assert f"\n| {row['key']} | " in section, (f.name, row["key"])
