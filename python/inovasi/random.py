"""Counter-based random numbers for analysis (docs/random.md).

A draw is a pure function of ``(seed, key, counter)``: the key names what is drawn for (built
from identities, never positions), the counter which draw. The same draws come out whatever
the threads, the split of the work or the order of the input::

    import inovasi.random as rnd
    k = rnd.key("64.03", "kes-001", "16")      # region code, innovation id, row key
    u = rnd.uniform(2024, k, 0, 1000)          # draws 0..999 of that answer, float64 in [0, 1)
    a = rnd.bernoulli(2024, k, 0, 1000, rnd.quantise_probability(0.8))   # bool array

Arrays are filled in place by the C++ core (no copy), with the GIL released.
"""

from __future__ import annotations

import numpy as np

from . import _core

__all__ = ["ONE", "bernoulli", "bernoulli_keys", "bits", "key", "quantise_probability", "uniform",
           "uniform_keys"]

ONE = 65536
"""A certain event in the quantised probability units (1/65536) of :func:`bernoulli`."""


def key(*parts: str | bytes) -> int:
    """The 64-bit key of an identity made of parts (``str`` as UTF-8, or ``bytes``): FNV-1a
    over each part's length (8 bytes, little-endian) and bytes, finished by SplitMix64's mixer."""
    return _core.random_key(list(parts))


def bits(seed: int, key: int, counter_start: int, n: int) -> np.ndarray:
    """The 64-bit draws of ``key`` for counters ``counter_start … counter_start + n - 1`` (uint64)."""
    return _core.random_bits(seed, key, counter_start, n)


def uniform(seed: int, key: int, counter_start: int, n: int) -> np.ndarray:
    """Uniform float64 in [0, 1) (multiples of 2^-53) of ``key`` for ``n`` counters from ``counter_start``."""
    return _core.random_uniform(seed, key, counter_start, n)


def bernoulli(seed: int, key: int, counter_start: int, n: int, p_q16: int) -> np.ndarray:
    """Bernoulli draws (bool) with probability exactly ``p_q16 / 65536`` (0 ≤ p_q16 ≤ 65536)."""
    return _core.random_bernoulli(seed, key, counter_start, n, p_q16)


def _keys_array(keys) -> np.ndarray:
    if not isinstance(keys, np.ndarray):  # Python ints above 2^63 would otherwise become floats
        try:
            return np.array(keys, dtype=np.uint64)
        except OverflowError:
            raise ValueError("keys are unsigned 64-bit values (from inovasi.random.key), not negative "
                             "numbers") from None
    a = keys
    if a.dtype.kind == "i":
        if a.size and a.min() < 0:
            raise ValueError("keys are unsigned 64-bit values (from inovasi.random.key), not negative numbers")
        a = a.astype(np.uint64)
    elif a.dtype.kind != "u":
        raise TypeError(f"keys must be integers from inovasi.random.key, not {a.dtype}")
    return np.ascontiguousarray(a, dtype=np.uint64)


def uniform_keys(seed: int, keys, counter: int) -> np.ndarray:
    """One uniform draw per key (float64 in [0, 1)), all at the same ``counter``."""
    return _core.random_uniform_keys(seed, _keys_array(keys), counter)


def bernoulli_keys(seed: int, keys, counter: int, p_q16) -> np.ndarray:
    """One Bernoulli draw per key at ``counter``, key i with probability ``p_q16[i] / 65536``
    (``p_q16`` an integer or an array of one per key)."""
    k = _keys_array(keys)
    p = np.asarray(p_q16)
    if p.dtype.kind not in "iu":
        raise TypeError(f"p_q16 must be integers in 1/65536 units (see quantise_probability), not {p.dtype}")
    if p.size and (p.min() < 0 or p.max() > ONE):
        raise ValueError("p_q16 must be in [0, 65536] (1/65536 units)")
    p = np.ascontiguousarray(np.broadcast_to(p, k.shape), dtype=np.uint32)
    return _core.random_bernoulli_keys(seed, k, counter, p)


def quantise_probability(p: float) -> int:
    """The nearest quantised probability (1/65536 units, ties to even) of ``p`` in [0, 1]."""
    return _core.random_quantise_probability(p)
