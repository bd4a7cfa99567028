"""The one hundredths formatter (inovasi._text, the C++ core's): exact text of an integer,
for negative values, values below 1 and large values; and the surfaces that print through it."""

import json

import numpy as np
import pytest

import inovasi
from inovasi._text import hundredths_text, hundredths_text_short


@pytest.mark.parametrize("h,two,short", [
    (4576, "45.76", "45.76"), (4570, "45.70", "45.7"), (491392592, "4913925.92", "4913925.92"),
    (0, "0.00", "0"), (7, "0.07", "0.07"), (70, "0.70", "0.7"), (300, "3.00", "3"),
    (-5, "-0.05", "-0.05"), (-50, "-0.50", "-0.5"), (-100, "-1.00", "-1"), (-4576, "-45.76", "-45.76"),
    (2**63 - 1, "92233720368547758.07", "92233720368547758.07"),
    (-2**63, "-92233720368547758.08", "-92233720368547758.08"),
])
def test_hundredths_text(h, two, short):
    assert hundredths_text(h) == two
    assert hundredths_text_short(h) == short
    assert hundredths_text(np.int64(h)) == two  # numpy integers, as the frames hold them


def test_no_rounding_is_involved():
    # Every integer gives the text whose exact decimal value is h / 100 (checked with integers).
    for h in list(range(-1005, 1006)) + [10**17 + 1, -(10**17) - 99]:
        text = hundredths_text(h)
        whole, frac = text.lstrip("-").split(".")
        assert len(frac) == 2
        assert (-1 if text.startswith("-") else 1) * (int(whole) * 100 + int(frac)) == h
    with pytest.raises(TypeError):
        hundredths_text(45.76)  # a float is not hundredths


def test_surfaces_print_the_same_text():
    r = inovasi.score("examples/kabupaten-berau-2023.json")
    raw = json.loads(r.to_json(), parse_float=str)
    assert raw["iid"] == hundredths_text(r.iid_hundredths)
    assert f"IID {raw['iid']} " in repr(r)
