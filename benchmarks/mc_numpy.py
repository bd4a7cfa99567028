"""A vectorised numpy implementation of the Monte Carlo run of docs/uncertainty.md, written from
the documentation (no code shared with the C++ engine but the key hash, itself pinned by
tests/python/test_random.py): evidence acceptance drawn for every answer every replicate, a
failed answer at level 0, policy self_assessed, editions without a count gate and with the
rounded category reading (iid-2023, iid-2024). It is the benchmark's peer and the tests' oracle:
its summary equals the engine's count for count.

    python3 benchmarks/mc_numpy.py        # the national dataset, 10,000 replicates, both ways
"""

from __future__ import annotations

import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

M64 = np.uint64(0xFFFFFFFFFFFFFFFF)
GAMMA = np.uint64(0x9E3779B97F4A7C15)
SALT = 0x5851F42D4C957F2D
IID_BINS = 10001


def mix(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def hundredths(x) -> int:
    from decimal import Decimal
    return int(Decimal(str(x)) * 100)


class Oracle:
    """Everything a replicate needs, laid out once: levels, weights, stream words."""

    def __init__(self, cols: dict, edition_file: str, seed: int):
        import inovasi.random as rnd
        with np.errstate(over="ignore"):
            self._init(cols, edition_file, seed, rnd)

    def _init(self, cols, edition_file, seed, rnd):
        with open(edition_file, encoding="utf-8") as f:
            ed = json.load(f)
        cp = ed["count_points"]["value"]
        if cp.get("gate"):
            raise ValueError("the oracle covers editions without a count gate")
        if ed["category_reading"]["value"] != "rounded" or ed["rounding"]["value"] != "half_up":
            raise ValueError("the oracle covers the rounded reading with half_up rounding")
        rows = ed["rows"]
        aspects = {a["key"]: a["scope"] == "innovation" for a in ed["aspects"]}
        gov = [r for r in rows if not aspects[r["aspect"]]]
        inv = [r for r in rows if aspects[r["aspect"]]]
        self.w_gov = np.array([hundredths(r["weight"]) for r in gov], dtype=np.int64)
        self.w_inv = np.array([hundredths(r["weight"]) for r in inv], dtype=np.int64)
        self.d_min = int(ed["divisor_minimum"]["value"])
        self.rate_h, self.cap = hundredths(cp["rate"]), int(cp["cap"])
        self.max_total_h = hundredths(ed["max_total"]["value"])
        bands = ed["categories"]["value"]["bands"]
        self.band_lower = [(hundredths(b["lower"]), bool(b["strict"])) for b in bands]
        self.categories = len(bands) + 1

        R = len(cols["codes"])
        off = cols["region_offsets"]
        self.R = R
        self.gov_levels = cols["government_levels"].astype(np.int64)
        self.inv_levels = cols["innovation_levels"].astype(np.int64)
        status = cols["status"]
        self.region_of = np.repeat(np.arange(R), np.diff(off))
        self.scores = status == 1                      # submitted
        self.n = np.bincount(self.region_of, weights=(status == 1) | (status == 2), minlength=R).astype(np.int64)
        q = lambda a: ((a.astype(np.uint64) * np.uint64(65536) + np.uint64(32767)) // np.uint64(65535))
        self.q_gov = q(cols["government_acceptance"])
        self.q_inv = q(cols["innovation_acceptance"])
        s = mix(np.array([seed ^ SALT], dtype=np.uint64))[0]
        codes, ids = cols["codes"], cols["innovation_ids"]
        gk = np.array([[rnd.key(codes[r], "", row["key"]) for row in gov] for r in range(R)], dtype=np.uint64)
        ik = np.array([[rnd.key(codes[self.region_of[j]], ids[j], row["key"]) for row in inv]
                       for j in range(len(ids))], dtype=np.uint64).reshape(len(ids), len(inv))
        self.b_gov = mix(s ^ gk)
        self.b_inv = mix(s ^ ik)
        types = np.asarray(cols["types"])
        provinces = np.asarray(cols["provinces"])
        self.type_groups = [np.flatnonzero(types == t) for t in np.unique(types)]
        pairs = {}
        for r in range(R):
            pairs.setdefault((int(types[r]), provinces[r]), []).append(r)
        self.prov_groups = [np.array(v) for v in pairs.values()]
        self.nat_slots = max(len(g) for g in self.type_groups) + 1
        self.prov_slots = max(len(g) for g in self.prov_groups) + 1

    def replicate(self, c: int) -> tuple[np.ndarray, np.ndarray]:
        """Every region's IID (hundredths) and category in replicate c."""
        with np.errstate(over="ignore"):
            cg = np.uint64(c) * GAMMA
            pg = (mix(mix(self.b_gov ^ cg) + self.b_gov) >> np.uint64(48)) < self.q_gov
            pi = (mix(mix(self.b_inv ^ cg) + self.b_inv) >> np.uint64(48)) < self.q_inv
        gov = (np.where(pg, self.gov_levels, 0) * self.w_gov).sum(axis=1)
        pts = (np.where(pi, self.inv_levels, 0) * self.w_inv).sum(axis=1) * self.scores
        inv = np.bincount(self.region_of, weights=pts, minlength=self.R).astype(np.int64)
        D = np.maximum(self.d_min, self.n)
        count_h = self.rate_h * np.minimum(self.n, self.cap)
        num = (D * (gov + count_h) + inv) * 10000
        den = D * self.max_total_h
        iid = (2 * num + den) // (2 * den)  # half up
        cat = np.full(self.R, len(self.band_lower), dtype=np.int64)
        for i in reversed(range(len(self.band_lower))):
            lower, strict = self.band_lower[i]
            cat = np.where(iid > lower if strict else iid >= lower, i, cat)
        return iid, cat

    @staticmethod
    def _ranks(iid, eligible, groups, R):
        out = np.zeros(R, dtype=np.int64)
        for g in groups:
            m = g[eligible[g]]
            v = iid[m]
            out[m] = len(v) - np.searchsorted(np.sort(v), v, side="right") + 1
        return out

    def run(self, first: int, count: int) -> dict:
        R, C = self.R, self.categories
        st = {"replicates": count,
              "iid_sum_h": np.zeros(R, np.int64), "iid_histogram": np.zeros((R, IID_BINS), np.int64),
              "category_count": np.zeros((R, C), np.int64),
              "national_rank_count": np.zeros((R, self.nat_slots), np.int64),
              "province_rank_count": np.zeros((R, self.prov_slots), np.int64)}
        idx = np.arange(R)
        for c in range(first, first + count):
            iid, cat = self.replicate(c)
            eligible = cat != C - 1
            nat = self._ranks(iid, eligible, self.type_groups, R)
            prov = self._ranks(iid, eligible, self.prov_groups, R)
            st["iid_sum_h"] += iid
            st["iid_histogram"][idx, iid] += 1
            st["category_count"][idx, cat] += 1
            st["national_rank_count"][idx, nat] += 1
            st["province_rank_count"][idx, prov] += 1
        return st


def main() -> int:
    import inovasi.batch as batch
    from inovasi import uncertainty as u

    data = os.path.join(ROOT, "data", "national", "national-2023.jsonl")
    if not os.path.exists(data):
        import inovasi.synth as synth
        data = synth.national_dataset()
    threads = int(os.environ.get("THREADS", "2"))
    reps = int(os.environ.get("REPLICATES", "10000"))
    peer_reps = int(os.environ.get("PEER_REPLICATES", "500"))
    spec = {"policy": "self_assessed", "seed": 2024, "replicates": reps,
            "evidence": {"acceptance": "answers", "fallback": "zero"}}
    import resource
    t0 = time.perf_counter()
    mdl = u.model(data, spec, threads=threads)
    t_model = time.perf_counter() - t0
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0, c0 = time.perf_counter(), time.process_time()
    study = u.run(mdl, threads=threads, progress=False)
    t_run, c_run = time.perf_counter() - t0, time.process_time() - c0
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    small = u.run(mdl, threads=threads, count=peer_reps, progress=False)

    cols = batch.columns(data, evidence=True, threads=threads)
    oracle = Oracle(cols, os.path.join(ROOT, "editions", "iid-2023.json"), spec["seed"])
    t0 = time.perf_counter()
    st = oracle.run(0, peer_reps)
    t_peer = time.perf_counter() - t0
    mine = small.summary.state()
    same = all(np.array_equal(np.asarray(mine[k]), st[k]) for k in
               ("iid_sum_h", "iid_histogram", "category_count", "national_rank_count", "province_rank_count"))
    peer_full = t_peer * reps / peer_reps
    print(f"machine: {os.cpu_count()} cores; engine threads {threads}")
    print(f"model build (read policy columns + lay out draws): {t_model:.2f} s")
    print(f"engine: {reps} replicates in {t_run:.2f} s wall, {c_run:.2f} s CPU over its threads "
          f"({reps / t_run:.0f} replicates/s; load average {os.getloadavg()[0]:.1f})")
    print(f"numpy peer: {peer_reps} replicates in {t_peer:.2f} s -> {reps} extrapolated {peer_full:.1f} s")
    print(f"speed-up: {peer_full / t_run:.1f}x; first {peer_reps} replicates equal: {same}")
    print(f"peak RSS after model {rss0 / 1024:.0f} MiB, after the run {rss1 / 1024:.0f} MiB")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
