"""inovasi.dask on a real dask.distributed LocalCluster with 2 worker processes: batch scoring
of a synthetic data set (Parquet v2 blocks and a JSON Lines bag) and a Monte Carlo run, each
equal to the single-machine result."""

import os

import numpy as np
import pandas as pd
import pytest

import inovasi.batch as batch
import inovasi.synth as synth
from inovasi import uncertainty as u

distributed = pytest.importorskip("distributed")
idk = pytest.importorskip("inovasi.dask")


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster, distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("dask")
    synth.write_parquet(d / "pq", seed=21, innovations=4000, regions=120)
    synth.write_jsonl(d / "s.jsonl", seed=21, innovations=4000, regions=120)
    return d


def _local(cols, policy):
    df = batch.frame(cols, batch.score_columns(cols, policy=policy))
    df["edition"] = cols["edition"].name
    return df


@pytest.mark.parametrize("policy", ["self_assessed", "strict"])
def test_parquet_scores_equal_local(client, data, policy):
    got = idk.score_parquet(data / "pq", policy=policy, blocks=5).compute()
    assert got.index.tolist() == list(range(120))
    want = _local(batch.load_parquet(data / "pq"), policy)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_dtype=False)
    ranked = idk.rank(got)
    local = batch.rank(want, batch.category_labels("iid-2023")[-1])
    assert ranked["rank"].tolist() == local["rank"].tolist()
    assert ranked["province_rank"].notna().sum() > 0


def test_jsonl_bag_scores_equal_local(client, data):
    ddf = idk.score_jsonl(data / "s.jsonl", blocksize="200KiB")
    assert ddf.npartitions > 2  # the lines really are cut into blocks
    got = ddf.compute()
    want = _local(batch.columns(str(data / "s.jsonl")), "self_assessed")
    got = got.sort_values("code").reset_index(drop=True)
    want = want.sort_values("code").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    # The JSON Lines and the Parquet of the same generator give the same scores.
    pq = idk.score_parquet(data / "pq").compute().sort_values("code").reset_index(drop=True)
    assert pq["iid_h"].tolist() == got["iid_h"].tolist()


def test_monte_carlo_blocks_on_workers_equal_local(client, data):
    spec = {"seed": 13, "replicates": 300, "weights": {"steps": 1}}
    study = idk.monte_carlo(data / "s.jsonl", spec, blocks=7, client=client)
    local = u.run(str(data / "s.jsonl"), spec, threads=2, progress=False)
    assert study.summary == local.summary
    assert study.replicates == 300
    pd.testing.assert_frame_equal(u.table(study), u.table(local))
