"""ScenarioBase(rebind_to=...): a base under another edition with the same row keys scores each
region as its JSON read with that edition overriding its own (include/inovasi/validate.hpp)."""
import pathlib

import pytest

import inovasi
import inovasi.scenario as sc

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"
POLICIES = ["self_assessed", "supported", "strict", "assessor"]


@pytest.mark.parametrize("example,other", [
    ("kota-makassar-2026.json", "iid-2023"),
    ("kabupaten-berau-2023.json", "iid-2026"),
    ("kabupaten-sleman-2024.json", "iid-2025"),
])
def test_rebound_base_equals_reparsed_under_every_policy(example, other):
    path = EXAMPLES / example
    rebound = sc.ScenarioBase(path, rebind_to=other)
    reparsed = sc.ScenarioBase(path, edition=other)
    assert rebound.edition.name == other
    for policy in POLICIES:
        a, b = rebound.nominal(policy), reparsed.nominal(policy)
        assert list(a["iid_h"]) == list(b["iid_h"])
        assert list(a["innovation_sum_h"]) == list(b["innovation_sum_h"])


def test_values_a_level_only_edition_cannot_read_are_refused_at_the_answer():
    with pytest.raises(inovasi.InputError) as e:
        sc.ScenarioBase(EXAMPLES / "kota-tangerang-2026.json", rebind_to="iid-2023")
    assert "/government/2a/value" in str(e.value)
    assert "re-binding from iid-2026" in str(e.value)
