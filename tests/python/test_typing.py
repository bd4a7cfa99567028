"""Typing: py.typed, the stubs of inovasi._core checked against the built module (stubtest),
and `mypy --strict` on a typed usage example."""

import os
import pathlib
import subprocess
import sys

import inovasi

HERE = pathlib.Path(__file__).resolve().parent
PACKAGE = pathlib.Path(inovasi.__file__).resolve().parent


def mypy(*args, cwd=None):
    # The package the tests import: a source tree's through MYPYPATH; an installed one mypy finds
    # in site-packages by itself (and refuses site-packages on MYPYPATH).
    env = dict(os.environ)
    installed = PACKAGE.parent.name in ("site-packages", "dist-packages")
    if not installed:
        env["MYPYPATH"] = str(PACKAGE.parent)
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, env=env,
                          cwd=cwd or (HERE if installed else PACKAGE.parent))


def test_the_package_is_typed():
    assert (PACKAGE / "py.typed").exists() and (PACKAGE / "_core.pyi").exists()


def test_the_core_stubs_match_the_built_module():
    p = mypy("mypy.stubtest", "inovasi._core", "--mypy-config-file", str(HERE / "typing" / "stubtest.ini"),
             "--allowlist", str(HERE / "typing" / "stubtest-allowlist.txt"))
    assert p.returncode == 0, p.stdout + p.stderr


def test_typed_usage_passes_mypy_strict():
    # The package's modules are analysed for their types; their own errors are not this test's.
    p = mypy("mypy", "--strict", "--follow-imports=silent", "--no-incremental", str(HERE / "typed_usage.py"))
    assert p.returncode == 0, p.stdout + p.stderr
    run = subprocess.run([sys.executable, str(HERE / "typed_usage.py")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
