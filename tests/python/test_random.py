"""inovasi.random: the pinned values of tests/cpp/random_test.cpp, checked against an
independent pure-Python implementation of the documented function (docs/random.md), and the
Python face (arrays, keys, errors) against that implementation."""

import threading

import numpy as np
import pytest

import inovasi.random as rnd

M = (1 << 64) - 1


# The reference, written from the definition in docs/random.md with Python integers (no shared
# code with the C++ core).
def ref_mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return z ^ (z >> 31)


def ref_key(*parts):
    h = 0xCBF29CE484222325
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        for byte in len(data).to_bytes(8, "little") + data:
            h = ((h ^ byte) * 0x100000001B3) & M
    return ref_mix(h)


def ref_bits(seed, key, counter):
    s = ref_mix(seed ^ 0x5851F42D4C957F2D)
    b = ref_mix(s ^ key)
    return ref_mix((ref_mix(b ^ ((counter * 0x9E3779B97F4A7C15) & M)) + b) & M)


def ref_uniform(x):
    return (x >> 11) / 2.0**53  # exact: a 53-bit integer over a power of two


def ref_below(x, n):
    if n == 0:
        return 0
    m = x * n
    if (m & M) < n:
        t = (1 << 64) % n
        while (m & M) < t:
            x = ref_mix((x + 0x9E3779B97F4A7C15) & M)
            m = x * n
    return m >> 64


def ref_bernoulli(x, p_q16):
    return (x >> 48) < p_q16


KES = ("64.03", "kes-001", "16")

# The same pins as tests/cpp/random_test.cpp.
PINNED_KEYS = [
    ((), 0xF52A15E9A9B5E89B),
    (("",), 0x813F0174A2367C13),
    (KES, 0x76C27EBD3A85169D),
    (("64.03", "kes-001", "17"), 0x180AECE2CAC3ADCB),
    (("ab", "c"), 0x482F6F543BBC5465),
    (("a", "bc"), 0x461D25214179D9FB),
    (("Papua Barat Daya", "ü"), 0xC1ED5AA2D7DC0195),
]
PINNED_DRAWS = [  # seed, counter, bits, uniform, below(6), bernoulli(52429)
    (0, 0, 0x5AFCA12874A79A39, 0.35541732061088138, 2, True),
    (0, 1, 0xABB5858B66844EB2, 0.67073855069476551, 4, True),
    (0, 2, 0x660BA82F87F553F2, 0.39861537132670333, 2, True),
    (0, 1000000, 0xEABC2AC3B8E96795, 0.91693370130898222, 5, False),
    (0, M, 0xFE596B9FFD378BF3, 0.99355194717392525, 5, False),
    (2024, 0, 0x6802CDEA1902D8D8, 0.40629279103542204, 2, True),
    (2024, 1, 0x96CAF58F1077B398, 0.58903441183835414, 3, True),
    (2024, 2, 0xDE5A38BC79DC2125, 0.86856417275872433, 5, False),
    (2024, 1000000, 0xAB677455D8796446, 0.66954733939971822, 4, True),
    (2024, M, 0x18FCA5FADBEC58F8, 0.097605108017817854, 0, True),
    (M, 0, 0xEA439316D0C13286, 0.91509360606210488, 5, False),
    (M, 1, 0x589AC26C4A7F0E88, 0.34611144203017485, 2, True),
    (M, 2, 0xB0B84A6F71A80A2E, 0.69031205387878469, 4, True),
    (M, 1000000, 0xF65D22A0CD538A79, 0.96235863138038102, 5, False),
    (M, M, 0x2A08424A719A1716, 0.16418852155184305, 0, True),
]
PINNED_BELOW_REJECTING = [  # below(seed 7, KES, counters 0..7, n = 2^63 + 1)
    0x71173B3CE024D4C2, 0x6AF6F3BA41BE4607, 0x1F0DC30EEF21A12B, 0x41C2F7238C07C6E9,
    0x062696F6CCDD087B, 0x2336441351A0C4C2, 0x34BC4A7591C1FA2B, 0x5085EEC5903B4A78,
]


@pytest.mark.parametrize("parts,value", PINNED_KEYS)
def test_reference_and_core_give_the_pinned_keys(parts, value):
    assert ref_key(*parts) == value
    assert rnd.key(*parts) == value


def test_reference_gives_the_pinned_draws():
    k = ref_key(*KES)
    for seed, counter, bits, uniform, below6, bern in PINNED_DRAWS:
        x = ref_bits(seed, k, counter)
        assert x == bits, (seed, counter)
        assert ref_uniform(x) == uniform
        assert ref_below(x, 6) == below6
        assert ref_bernoulli(x, 52429) == bern
    n = (1 << 63) + 1
    assert [ref_below(ref_bits(7, k, c), n) for c in range(8)] == PINNED_BELOW_REJECTING


def test_core_gives_the_pinned_draws():
    k = rnd.key(*KES)
    for seed, counter, bits, uniform, _, bern in PINNED_DRAWS:
        assert int(rnd.bits(seed, k, counter, 1)[0]) == bits
        assert float(rnd.uniform(seed, k, counter, 1)[0]) == uniform
        assert bool(rnd.bernoulli(seed, k, counter, 1, 52429)[0]) == bern


def test_arrays_match_the_reference_elementwise():
    k = rnd.key("64.03", "bdg-17", "10")
    start = M - 100  # the counters wrap past 2^64
    got_bits = rnd.bits(5, k, start, 300)
    got_u = rnd.uniform(5, k, start, 300)
    got_b = rnd.bernoulli(5, k, start, 300, 40000)
    assert got_bits.dtype == np.uint64 and got_u.dtype == np.float64 and got_b.dtype == np.bool_
    for i in range(300):
        x = ref_bits(5, k, (start + i) & M)
        assert int(got_bits[i]) == x
        assert float(got_u[i]) == ref_uniform(x)
        assert bool(got_b[i]) == ref_bernoulli(x, 40000)


def test_keys_batches_match_the_reference_and_do_not_depend_on_order():
    keys = np.array([rnd.key("64.03", f"kes-{i:03d}", "16") for i in range(500)], dtype=np.uint64)
    p = np.arange(500, dtype=np.uint32) * 131
    u = rnd.uniform_keys(2024, keys, 9)
    b = rnd.bernoulli_keys(2024, keys, 9, p)
    for i in range(500):
        x = ref_bits(2024, int(keys[i]), 9)
        assert float(u[i]) == ref_uniform(x)
        assert bool(b[i]) == ref_bernoulli(x, int(p[i]))
    perm = np.random.default_rng(3).permutation(500)
    assert np.array_equal(rnd.uniform_keys(2024, keys[perm], 9), u[perm])
    assert np.array_equal(rnd.bernoulli_keys(2024, keys[perm], 9, p[perm]), b[perm])
    # A scalar probability applies to every key; a Python list of keys is accepted.
    assert np.array_equal(rnd.bernoulli_keys(2024, list(map(int, keys)), 9, rnd.ONE), np.ones(500, bool))


def test_splits_and_threads_give_the_same_draws():
    k = rnd.key(*KES)
    whole = rnd.uniform(1, k, 0, 200_000)
    parts = np.concatenate([rnd.uniform(1, k, a, b - a) for a, b in [(0, 7), (7, 65_536), (65_536, 200_000)]])
    assert np.array_equal(parts, whole)
    out = [None, None]

    def work(t):
        out[t] = rnd.uniform(1, k, t * 100_000, 100_000)

    threads = [threading.Thread(target=work, args=(t,)) for t in (1, 0)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert np.array_equal(np.concatenate(out), whole)


def test_statistics_of_a_million_uniforms():
    u = rnd.uniform(2024, rnd.key(*KES), 0, 1_000_000)
    n = u.size
    assert abs(u.mean() - 0.5) < 4 * np.sqrt(1 / 12 / n)
    assert abs(u.var(ddof=1) - 1 / 12) < 4 * np.sqrt((1 / 80 - 1 / 144) / n)
    counts = np.bincount((u * 64).astype(np.int64), minlength=64)
    chi2 = ((counts - n / 64) ** 2 / (n / 64)).sum()
    assert 29.500 < chi2 < 113.505  # chi2(63) quantiles 1e-4 and 1 - 1e-4
    other = rnd.uniform(2024, rnd.key("64.03", "kes-001", "17"), 0, 1_000_000)
    assert abs(np.corrcoef(u, other)[0, 1]) < 4 / np.sqrt(n)
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 4 / np.sqrt(n - 1)


def test_keys_and_probabilities_are_checked():
    assert rnd.key("ab", "c") != rnd.key("a", "bc")
    assert rnd.key(b"64.03") == rnd.key("64.03")
    with pytest.raises(TypeError, match="str or bytes"):
        rnd.key("64.03", 16)
    with pytest.raises(ValueError, match="65536"):
        rnd.bernoulli(1, 2, 0, 10, 65537)
    with pytest.raises(ValueError, match="at least 0"):
        rnd.uniform(1, 2, 0, -1)
    with pytest.raises(TypeError):
        rnd.uniform(-1, 2, 0, 1)  # a seed is an unsigned 64-bit number
    with pytest.raises(ValueError, match="negative"):
        rnd.uniform_keys(1, np.array([-1, 2]), 0)
    with pytest.raises(ValueError, match=r"\[0, 65536\]"):
        rnd.bernoulli_keys(1, np.array([1, 2], dtype=np.uint64), 0, np.array([1, 70000]))
    assert rnd.quantise_probability(0.8) == 52429
    assert rnd.quantise_probability(1.0) == rnd.ONE
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        rnd.quantise_probability(1.5)
    assert rnd.bits(1, 2, 0, 0).shape == (0,)
