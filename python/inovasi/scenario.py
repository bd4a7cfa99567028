"""Scenarios: a data set validated once, then scored under changes without re-validating.

A :class:`ScenarioBase` reads regions (JSON Lines, or JSON values one after another), checks
every submission and every answer's evidence once, and keeps policy columns: per answer the
claimed level and the caps its evidence gives *whatever the claim*. A scenario then changes
claimed levels, switches innovations off or on, or adds innovations from a level profile, under
any validation policy; its result for each region is exactly what ``inovasi.score`` gives for the
submission the scenario describes (docs/scenario.md)::

    import inovasi.scenario as sc
    base = sc.ScenarioBase("examples/kabupaten-berau-2023.json")
    base.score({"policy": "strict", "changes": [
        {"region": "64.03", "innovation": "kes-001", "row": "16", "level": 3}]})
    # {'iid_h': array([...]), 'category': ..., 'government_h': ..., ...}
    base.frame(changes)   # one row per region: nominal and scenario IID side by side

Changes are a dict (or its JSON text) in the change format; ``policy`` defaults to
``self_assessed``. Scoring releases the GIL; a base is safe to share between threads.
"""

from __future__ import annotations

import json
import os
from typing import Any, Mapping, Optional, Sequence, Union

from . import _core
from ._api import Edition, edition as _edition

__all__ = ["ScenarioBase"]

PathLike = Union[str, os.PathLike]
Changes = Union[Mapping[str, Any], str, bytes]


def _changes_text(changes: Changes) -> str:
    if isinstance(changes, (bytes, bytearray)):
        return bytes(changes).decode("utf-8")
    if isinstance(changes, str):
        return changes
    # Read as submissions are (numpy integers from a DataFrame are numbers; InputError with the
    # JSON Pointer of anything that is not JSON).
    return str(_core.json_text(changes))


def _read(source: Union[PathLike, bytes, Sequence[PathLike]]) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), "<bytes>"
    if isinstance(source, (list, tuple)):
        parts = [_read(s) for s in source]
        return b"\n".join(p[0] for p in parts), ", ".join(p[1] for p in parts)
    path = os.fspath(source)
    with open(path, "rb") as f:
        return f.read(), path


class ScenarioBase:
    """Regions validated once, to be scored under scenarios (docs/scenario.md).

    ``source``: a path, a list of paths or bytes of JSON Lines; ``edition`` (a name, a path or
    an :class:`inovasi.Edition`) overrides every record's own, otherwise they must share one.

    ``rebind_to`` (a name, a path or an :class:`inovasi.Edition`): a base under another edition
    with the same row keys. The records are read under their own edition, then re-bound: answers
    matched by row key, levels re-derived from raw values where given, the evidence re-checked
    under ``rebind_to``. Each region scores as its JSON read with ``edition=rebind_to``; a row key
    the other edition lacks is an :class:`inovasi.InputError` naming the key and both editions.
    """

    def __init__(self, source: Union[PathLike, bytes, Sequence[PathLike]],
                 edition: Union[str, Edition, None] = None,
                 rebind_to: Union[str, Edition, None] = None):
        data, name = _read(source)
        ed = _edition(edition) if edition is not None else None
        other = _edition(rebind_to) if rebind_to is not None else None
        self._base = _core.ScenarioBase(data, ed, name, other)
        # Kept for a change text that names another edition: the records are re-bound to it
        # on demand (once per edition; the data's bytes stay referenced while the base lives).
        self._source = (data, ed, name)
        self._rebound: dict[str, ScenarioBase] = {}

    def for_edition(self, edition: Union[str, Edition, None]) -> "ScenarioBase":
        """This base, or the same records re-bound to ``edition`` (a name, a path or an
        :class:`inovasi.Edition`) as ``ScenarioBase(source, rebind_to=edition)`` builds them;
        built once per edition and kept."""
        if edition is None:
            return self
        other = _edition(edition)
        if _core.same_edition(other, self.edition):
            return self
        key = other.sha256 or f"{other.name}@{id(other)}"
        if key not in self._rebound:
            data, ed, name = self._source
            b = ScenarioBase.__new__(ScenarioBase)
            b._base = _core.ScenarioBase(data, ed, name, other)
            b._source, b._rebound = self._source, {}
            self._rebound[key] = b
        return self._rebound[key]

    def for_changes(self, changes: Changes) -> "ScenarioBase":
        """The base a change text is scored against: this one, or the records re-bound to the
        edition the text names (``"edition"``, docs/scenario.md)."""
        return self.for_edition(_core.scenario_edition(_changes_text(changes)))

    @property
    def regions(self) -> int:
        return self._base.regions

    @property
    def codes(self) -> list[str]:
        return self._base.codes

    @property
    def edition(self):
        return self._base.edition

    def nominal(self, policy: str = "self_assessed") -> dict:
        """Every region's result with no change (dict of numpy arrays, as ``score``)."""
        return self._base.nominal(policy)

    def score(self, changes: Changes, threads: int = 1) -> dict:
        """Every region under the scenario: ``iid_h`` (int64 hundredths), ``category`` (index
        into the edition's categories), ``government_h``, ``innovation_sum_h``, ``count_h``,
        ``counted``, ``divisor``. A scenario naming another edition is scored against the
        records re-bound to it (:meth:`for_changes`); its ``category`` indexes that edition's
        categories."""
        text = _changes_text(changes)
        return self.for_changes(text)._base.score(text, int(threads))

    def score_region(self, changes: Changes, region: str) -> dict:
        """One region (by code) under the scenario, as plain integers."""
        text = _changes_text(changes)
        return self.for_changes(text)._base.score_region(text, region)

    def frame(self, changes: Changes, threads: int = 1):
        """A table (pandas) of every region: nominal and scenario IID and category, and the
        difference, in the scenario's policy."""
        import numpy as np
        import pandas as pd

        text = _changes_text(changes)
        policy = json.loads(text).get("policy", "self_assessed") if text.strip() else "self_assessed"
        before = self.nominal(policy)
        after = self.score(text, threads)

        def labels(ed):
            return np.array([c["label"] for c in ed.categories] + [ed.lowest_category], dtype=object)

        return pd.DataFrame({
            "code": self.codes,
            "name": self._base.names,
            "iid": before["iid_h"] / 100,
            "category": labels(self.edition)[before["category"]],
            "scenario_iid": after["iid_h"] / 100,
            "scenario_category": labels(self.for_changes(text).edition)[after["category"]],
            "change": (after["iid_h"] - before["iid_h"]) / 100,
            "iid_h": before["iid_h"],
            "scenario_iid_h": after["iid_h"],
        })

    def __repr__(self) -> str:
        return f"ScenarioBase({self.regions} regions, {self.edition.name})"
