"""Packaging: the extras cover every import of the package, a plain `pip install .` needs no
GoogleTest, and the superseded v1 caps of the columns are deprecated."""

import ast
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tomllib
import warnings

import numpy as np
import pytest

import inovasi
from inovasi import batch

ROOT = pathlib.Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "python" / "inovasi"
CONF = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Import name -> distribution name, for the packages the library may import.
DISTRIBUTION = {"numpy": "numpy", "pandas": "pandas", "pyarrow": "pyarrow", "openpyxl": "openpyxl",
                "dask": "dask", "distributed": "distributed", "tqdm": "tqdm"}
EXTRA_OF_MODULE_HINT = {"openpyxl": "xlsx", "dask": "dask", "distributed": "dask", "pandas": "pandas",
                        "pyarrow": "pandas", "tqdm": "progress"}


def requirement_names(reqs):
    return {re.match(r"[A-Za-z0-9_.-]+", r).group(0).lower() for r in reqs}


def third_party_imports():
    """Top-level modules the package imports (anywhere: lazily inside functions too), beyond
    the standard library and the package itself."""
    found = {}
    for f in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for n in names:
                top = n.split(".")[0]
                if top not in sys.stdlib_module_names and top != "inovasi":
                    found.setdefault(top, set()).add(f.name)
    return found


def test_every_import_is_a_dependency_or_in_its_extra():
    deps = requirement_names(CONF["project"]["dependencies"])
    extras = {k: requirement_names(v) for k, v in CONF["project"]["optional-dependencies"].items()}
    imports = third_party_imports()
    assert "numpy" in imports and "pyarrow" in imports and "pandas" in imports
    for top, files in imports.items():
        assert top in DISTRIBUTION, f"{top} (imported by {sorted(files)}) has no distribution in this test's map"
        dist = DISTRIBUTION[top]
        if dist in deps:
            continue
        extra = EXTRA_OF_MODULE_HINT[top]
        assert dist in extras[extra], f"{top} (imported by {sorted(files)}) is in neither the dependencies nor [{extra}]"
    # The documented extras, and [test] holding everything the tests import beyond them.
    assert {"pandas", "xlsx", "dask", "test"} <= set(extras)
    assert {"pandas", "pyarrow"} <= extras["pandas"] and extras["xlsx"] == {"openpyxl"}
    assert {"dask", "distributed"} <= extras["dask"]
    assert {"pytest", "hypothesis", "cloudpickle", "mypy"} <= extras["test"]
    assert "inovasi[all]" in CONF["project"]["optional-dependencies"]["test"]


def test_a_plain_install_configures_without_googletest(tmp_path):
    """scikit-build-core's CMake options (pyproject.toml) leave the tests out: the tree
    configures with GoogleTest made unfindable; asking for the tests then fails (so the check
    can fail)."""
    cmake = shutil.which("cmake")
    if cmake is None:
        pytest.skip("no cmake")
    defines = CONF["tool"]["scikit-build"]["cmake"]["define"]
    assert defines["INOVASI_BUILD_TESTS"] == "OFF"
    args = [f"-D{k}={v}" for k, v in defines.items() if k != "INOVASI_BUILD_PYTHON"]
    base = [cmake, "-S", str(ROOT), "-G", "Ninja" if shutil.which("ninja") else "Unix Makefiles",
            "-DCMAKE_DISABLE_FIND_PACKAGE_GTest=TRUE", "-DGTest_DIR=/nonexistent"]
    ok = subprocess.run(base + ["-B", str(tmp_path / "plain")] + args, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert not (tmp_path / "plain" / "tests").exists()
    asked = subprocess.run(base + ["-B", str(tmp_path / "tests"), "-DINOVASI_BUILD_TESTS=ON"],
                           capture_output=True, text=True)
    assert asked.returncode != 0 and "GTest" in asked.stdout + asked.stderr
    # The set-up script asks for the tests in build/py, where scripts/test.sh runs ctest.
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert "-C cmake.define.INOVASI_BUILD_TESTS=ON" in setup
    assert "ctest --test-dir build/py" in (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")


def test_v1_caps_are_deprecated_and_score_as_policy_columns():
    paths = [str(p) for p in sorted((ROOT / "examples").glob("*2024*.json"))]
    v2 = batch.columns(paths, evidence=True)
    for policy in ("supported", "strict", "assessor"):
        with pytest.warns(DeprecationWarning, match="evidence=True"):
            v1 = batch.columns(paths, policy=policy)
        old = batch.score_columns(v1)
        new = batch.score_columns(v2, policy=policy)
        assert old["iid_h"].tolist() == new["iid_h"].tolist()
        assert new["iid_h"].tolist() == [inovasi.score(p, policy=policy).iid_hundredths for p in paths]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        batch.columns(paths)  # the self-assessed columns are not deprecated
        batch.columns(paths, evidence=True)


def test_scikit_build_core_reads_the_version_and_the_tests_option_as_intended(monkeypatch):
    """What scikit-build-core itself makes of pyproject.toml: the version from CMakeLists.txt,
    the tests off for a plain install and on with the set-up script's config setting."""
    settings = pytest.importorskip("scikit_build_core.settings.skbuild_read_settings")
    regex = pytest.importorskip("scikit_build_core.metadata.regex")
    monkeypatch.chdir(ROOT)
    meta = CONF["tool"]["scikit-build"]["metadata"]["version"]
    assert regex.dynamic_metadata("version", {k: v for k, v in meta.items() if k != "provider"}) == \
        inovasi.__version__
    plain = settings.SettingsReader.from_file("pyproject.toml", {}).settings.cmake.define
    assert plain["INOVASI_BUILD_TESTS"] == "OFF" and plain["INOVASI_BUILD_PYTHON"] == "ON"
    asked = settings.SettingsReader.from_file("pyproject.toml", {"cmake.define.INOVASI_BUILD_TESTS": "ON"})
    assert asked.settings.cmake.define["INOVASI_BUILD_TESTS"] == "ON"
