"""The one progress convention (inovasi._progress): a tqdm bar on stderr only for a terminal and
enough steps; otherwise the items themselves, untouched."""

import io
import sys

from inovasi._progress import progress


class Tty(io.StringIO):
    def isatty(self):
        return True


def test_no_bar_off_a_terminal_or_for_few_steps(monkeypatch):
    items = list(range(100))
    assert progress(items) is items  # pytest's stderr is not a terminal
    monkeypatch.setattr(sys, "stderr", Tty())
    assert progress(items[:10]) == items[:10]


def test_a_bar_on_a_terminal_yields_every_item(monkeypatch):
    err = Tty()
    monkeypatch.setattr(sys, "stderr", err)
    items = list(range(100))
    wrapped = progress(items, desc="plan")
    assert wrapped is not items
    assert list(wrapped) == items
    assert "plan" in err.getvalue()
