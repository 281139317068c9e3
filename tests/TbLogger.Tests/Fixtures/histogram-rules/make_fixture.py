"""numpy's named histogram bin rules and PyTorch's max_bins merge, as references for HistogramRuleTests.

Run with Debian's /usr/bin/python3 (numpy 1.24, torch 1.13) and PYTHONPATH=<tensorboard work>/src:
    python3 make_fixture.py > numpy_rules.json
Data sets come from a 32-bit LCG and + - * / only, so C# rebuilds them bit for bit (see HistogramRuleTests.Data).
Edges are written with repr(), which round-trips float64 exactly.
"""
import json

import numpy as np
from torch.utils.tensorboard.summary import make_histogram


def lcg(seed):
    state = seed
    while True:
        state = (1664525 * state + 1013904223) % 2**32
        yield state / 4294967296.0


def normal(n, seed, scale=1.0):
    g = lcg(seed)
    return [(sum(next(g) for _ in range(12)) - 6.0) * scale for _ in range(n)]


def data_sets():
    g = lcg(7)
    return {
        "normal1000": normal(1000, 1),
        "skew257": [u * u * u * 10.0 for u in (next(g) for _ in range(257))],
        "big100k": normal(100000, 2),
        "small": [1.0, 2.0, 2.0, 3.0, 7.0, 11.0],
        "arange100": [float(i) for i in range(100)],
        "const": [3.0] * 10,
        "outliers": normal(500, 3, 0.01) + [100.0, -100.0],
        "two": [0.0, 1.0],
    }


# torch 1.13's make_histogram calls np.greater(counts, 0, dtype=np.int32), which numpy 1.24 rejects; the same
# comparison cast afterwards gives the same cumulative counts.
_greater = np.greater
np.greater = lambda a, b, dtype=None: _greater(a, b).astype(dtype) if dtype is not None else _greater(a, b)

rules = ["auto", "fd", "doane", "scott", "stone", "rice", "sturges", "sqrt"]
out = {"numpy": np.__version__, "cases": []}
for name, values in data_sets().items():
    a = np.array(values, dtype=np.float64)
    for rule in rules:
        counts, edges = np.histogram(a, bins=rule)
        # Edges as [index, repr] pairs: all of them up to 400 buckets, else every 997th and the last (fd on the
        # outliers set makes 66810 buckets); counts as [index, count] pairs of the non-empty buckets.
        picked = range(len(edges)) if len(edges) <= 401 else sorted(set(range(0, len(edges), 997)) | {len(edges) - 1})
        out["cases"].append({"data": name, "rule": rule, "bins": len(counts),
                             "edges": [[i, repr(float(edges[i]))] for i in picked],
                             "nonzero": [[i, int(c)] for i, c in enumerate(counts) if c]})
merges = []
for name, bins, max_bins in [("normal1000", "auto", 7), ("normal1000", 100, 30), ("skew257", "sqrt", 4), ("big100k", "fd", 50)]:
    h = make_histogram(np.array(data_sets()[name], dtype=np.float64), bins, max_bins=max_bins)
    merges.append({"data": name, "bins": bins, "max_bins": max_bins,
                   "bucket_limit": [repr(float(x)) for x in h.bucket_limit], "bucket": [float(x) for x in h.bucket]})
out["max_bins"] = merges
print(json.dumps(out, indent=0))
