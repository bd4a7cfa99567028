"""Columnar batch scoring from Python (inovasi.batch): the same numbers as inovasi.score for
every region, policy and thread count; zero-copy inputs with clear errors otherwise."""

from __future__ import annotations

import glob
import pathlib
import threading

import numpy as np
import pytest

import inovasi
import inovasi.batch as batch

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = sorted(glob.glob(str(ROOT / "examples" / "*.json")))


def by_edition():
    groups: dict[str, list[str]] = {}
    for f in EXAMPLES:
        groups.setdefault(inovasi.parse_submission(f).edition.name, []).append(f)
    return groups


@pytest.mark.parametrize("policy", ["self_assessed", "supported", "strict", "assessor"])
@pytest.mark.parametrize("threads", [1, 2, 7, 8])
def test_batch_equals_single_region(policy, threads):
    for edition, files in by_edition().items():
        cols = batch.columns(files, policy=policy)
        res = batch.score_columns(cols, threads=threads)
        labels = batch.category_labels(edition)
        for i, f in enumerate(files):
            single = inovasi.score(f, policy=policy).to_dict()
            assert res["iid_h"][i] == round(single["iid"] * 100), (f, policy)
            assert labels[res["category"][i]] == single["category"]
            assert res["counted"][i] == single["innovations_counted"]
            assert res["divisor"][i] == single["divisor"]


def test_every_example_under_every_edition_override():
    # Records scored under an edition given on the command line (override): one edition per batch.
    for ed in inovasi.edition_names():
        ok = []
        for f in EXAMPLES:
            try:
                inovasi.parse_submission(f, edition=ed, override_edition=True)
            except inovasi.InputError:
                continue  # a raw value the other edition has no bands for
            ok.append(f)
        assert ok, ed
        res = batch.score_columns(batch.columns(ok, edition=ed))
        expect = [inovasi.score(f, edition=ed, override_edition=True).iid_hundredths for f in ok]
        assert res["iid_h"].tolist() == expect


def test_frame_and_rank():
    files = by_edition()["iid-2023"]
    cols = batch.columns(files)
    df = batch.rank(batch.frame(cols))
    assert list(df.columns[:6]) == ["code", "name", "type", "province", "iid", "category"]
    single = {inovasi.score(f).region: inovasi.score(f) for f in files}
    for row in df.itertuples():
        assert row.iid == single[row.code].iid
        assert row.category == single[row.code].category
        d = single[row.code].to_dict()
        assert row.government_points == pytest.approx(d["government_points"])
        assert row.count_points == pytest.approx(d["count_points"])
        assert row.total == pytest.approx(d["total"], abs=0.005)


def test_rank_is_competition_ranking_within_type_without_lowest():
    import pandas as pd
    df = pd.DataFrame({
        "code": ["a", "b", "c", "d", "e", "f"],
        "type": ["kota", "kota", "kota", "kota", "kabupaten", "kota"],
        "iid_h": [5000, 6000, 6000, 4000, 100, 0],
        "category": ["Inovatif", "Inovatif", "Inovatif", "Inovatif", "Kurang Inovatif", "Tidak Dapat Dinilai"],
    })
    r = batch.rank(df)
    assert r["rank"].tolist()[:5] == [3, 1, 1, 4, 1]
    assert pd.isna(r["rank"].iloc[5])
    assert r["ranked"].tolist()[:5] == [4, 4, 4, 4, 1]
    with pytest.raises(ValueError, match="duplicate region code 'a'"):
        batch.rank(pd.concat([df, df.iloc[:1]]))


def arrays(edition="iid-2023"):
    cols = batch.columns(by_edition()[edition])
    return cols, (cols["government_levels"], cols["innovation_levels"], cols["region_offsets"], cols["status"])


def test_hand_computed_arrays():
    # Worked example A (docs/model.md §8) written directly as arrays: SPD all 2; 11 innovations
    # all 2 and one rejected (claims 3 everywhere, scores 0). Plus an empty region (example C).
    ed = inovasi.edition("iid-2023")
    G = sum(not r["per_innovation"] for r in ed.rows)
    K = sum(r["per_innovation"] for r in ed.rows)
    gov = np.full((2, G), 2, dtype=np.uint8)
    gov[1] = 0
    inv = np.full((12, K), 2, dtype=np.uint8)
    inv[11] = 3
    status = np.ones(12, dtype=np.uint8)
    status[11] = 2
    offsets = np.array([0, 12, 12], dtype=np.int64)
    r = batch.score_arrays("iid-2023", gov, inv, offsets, status)
    assert r["iid_h"].tolist() == [4576, 0]
    assert r["innovation_sum_h"].tolist() == [81400, 0]
    assert r["divisor"].tolist() == [12, 10]
    assert r["count_h"].tolist() == [456, 0]
    assert r["iid_h"].dtype == np.int64 and r["counted"].dtype == np.int32


def test_columns_arrays_own_their_memory():
    cols, (gov, inv, off, st) = arrays()
    assert inv.base is not None  # a view on the C++ vector, no copy
    del cols
    assert batch.score_arrays("iid-2023", gov, inv, off, st)["iid_h"].shape == (gov.shape[0],)


def test_wrong_dtype_shape_and_layout_are_clear_errors():
    _, (gov, inv, off, st) = arrays()
    with pytest.raises(TypeError, match=r"government_levels must have dtype uint8, not int64"):
        batch.score_arrays("iid-2023", gov.astype(np.int64), inv, off, st)
    with pytest.raises(TypeError, match=r"status must be a numpy array of uint8, not list"):
        batch.score_arrays("iid-2023", gov, inv, off, st.tolist())
    with pytest.raises(TypeError, match=r"region_offsets must have dtype int64, not int32"):
        batch.score_arrays("iid-2023", gov, inv, off.astype(np.int32), st)
    wide = np.zeros((inv.shape[0], 2 * inv.shape[1]), dtype=np.uint8)
    with pytest.raises(ValueError, match=r"innovation_levels must be C-contiguous"):
        batch.score_arrays("iid-2023", gov, wide[:, ::2], off, st)
    with pytest.raises(ValueError, match=r"government_levels must be C-contiguous"):
        batch.score_arrays("iid-2023", np.asfortranarray(gov), inv, off, st)
    with pytest.raises(ValueError, match=r"innovation_levels must have shape \(\d+, 20\), not \(\d+, 19\)"):
        batch.score_arrays("iid-2023", gov, np.ascontiguousarray(inv[:, :19]), off, st)
    with pytest.raises(ValueError, match=r"status must have shape"):
        batch.score_arrays("iid-2023", gov, inv, off, st[:-1])
    bad = inv.copy()
    bad[1, 2] = 5
    with pytest.raises(inovasi.InputError) as e:
        batch.score_arrays("iid-2023", gov, bad, off, st)
    assert e.value.pointer == "/innovation_levels/1/2"
    assert "level 5 on indicator 18" in str(e.value)


def test_python_threads_share_the_batch():
    cols, _ = arrays()
    want = batch.score_columns(cols)["iid_h"].tolist()
    got = [None] * 8

    def work(i):
        got[i] = batch.score_columns(cols, threads=1 + i % 3)["iid_h"].tolist()

    ts = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert got == [want] * 8


def _score_in_child(cols_and_want, conn):
    cols, want = cols_and_want
    try:
        conn.send(batch.score_columns(cols, threads=2)["iid_h"].tolist() == want)
    except BaseException as exc:  # report, never hang the parent
        conn.send(repr(exc))
    conn.close()


def test_forked_child_scores_with_threads_of_its_own():
    # The engine keeps worker threads between calls; a child made by fork() (multiprocessing's
    # default on Linux, as Dask's local processes may be) does not inherit them and must make its own.
    import multiprocessing as mp

    cols, _ = arrays()
    want = batch.score_columns(cols, threads=2)["iid_h"].tolist()  # the parent's workers now exist
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_score_in_child, args=((cols, want), child))
    p.start()
    child.close()
    assert parent.poll(120), "the forked child did not answer"
    assert parent.recv() is True
    p.join(60)
    assert p.exitcode == 0
    assert batch.score_columns(cols, threads=2)["iid_h"].tolist() == want
