"""Prints stub lines for every name of the built inovasi._core that python/inovasi/_core.pyi
lacks: functions from the signatures pybind11 writes in their docstrings, classes as
skeletons (methods from their docstrings, properties typed Any to be made precise by hand).
Paste them into _core.pyi; tests/python/test_typing.py (stubtest) then checks the stub.

    PYTHONPATH=python python3 scripts/core_stubs.py
"""

from __future__ import annotations

import pathlib
import re
import sys

import inovasi
from inovasi import _core

STUB = pathlib.Path(inovasi.__file__).parent / "_core.pyi"  # not resolved: _core may be a link


def clean(sig: str) -> str:
    sig = re.sub(r"<inovasi\._core\.\w+ object at 0x[0-9a-f]+>", "...", sig)
    sig = sig.replace("inovasi._core.", "").replace("(anonymous namespace)::", "")
    sig = re.sub(r"= (\{\}|\[\]|'[^']*'|[^,)\[]+)", "= ...", sig)
    sig = re.sub(r"-> list$", "-> list[Any]", sig)
    sig = re.sub(r"-> dict$", "-> dict[str, Any]", sig)
    sig = re.sub(r"-> tuple$", "-> tuple[Any, ...]", sig)
    sig = (sig.replace("typing_extensions.Buffer", "Buffer").replace("numpy.typing.NDArray", "NDArray")
           .replace("typing.", "").replace("numpy.", "np.").replace("collections.abc.", ""))
    return re.sub(r"self: \w+", "self", sig)


def first_line(obj: object) -> str:
    return (getattr(obj, "__doc__", None) or "").splitlines()[0] if getattr(obj, "__doc__", None) else ""


def main() -> int:
    have = set(re.findall(r"^(?:def|class) (\w+)", STUB.read_text(encoding="utf-8"), re.M))
    for name in sorted(n for n in dir(_core) if not n.startswith("__") and n not in have):
        obj = getattr(_core, name)
        if isinstance(obj, type):
            print(f"class {name}:")
            for m, v in vars(obj).items():
                if m.startswith("_") and m != "__init__":
                    continue
                if isinstance(v, property):
                    print(f"    @property\n    def {m}(self) -> Any: ...")
                elif first_line(v).startswith(f"{m}("):
                    print(f"    def {clean(first_line(v))}: ...")
            print()
        elif callable(obj) and first_line(obj).startswith(f"{name}("):
            print(f"def {clean(first_line(obj))}: ...")
    return 0


if __name__ == "__main__":
    sys.exit(main())
