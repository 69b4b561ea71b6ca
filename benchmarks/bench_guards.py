"""Untrusted-input paths (issue 10): collapse verification and non-collapse witnesses, against the
previous methods run in the same process.

- ``verify_784_64_10``: Collapse.verify() of an all-linear 784-64-10 network by the polynomial identity
  test modulo 2^61 − 1, against the exact evaluation at random rationals (the method it replaces,
  still used for irrational coefficients): goal ≤ 10 s.
- ``witness_sigmoid_depth_N``: the non-collapse witness of N sigmoid layers of width 1, evaluated
  numerically past 5 such layers, against exact nesting (capped): goal ≤ 1 s.

Prints one JSON object of medians. Run with ``python benchmarks/bench_guards.py [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import median_seconds  # noqa: E402

from symnn import Network, collapse  # noqa: E402
from symnn.math import exact, witness  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    out: dict = {}

    result = collapse(Network([784, 64, 10], activation="linear"))
    result.W  # noqa: B018 — W' built once, outside the timings
    out["verify_784_64_10_modular_s"] = round(median_seconds(lambda: result.verify(), args.repeat), 3)
    with mock.patch.object(exact, "agrees_modulo_prime", lambda *a, **k: None):  # the rational-points method
        out["verify_784_64_10_rational_points_baseline_s"] = round(median_seconds(lambda: result.verify(), 1), 3)
    out["verify_speedup"] = round(out["verify_784_64_10_rational_points_baseline_s"]
                                  / out["verify_784_64_10_modular_s"], 1)

    for depth in (8, 10, 30):
        net = Network([1] * (depth + 1), activation="sigmoid")
        out[f"witness_sigmoid_depth_{depth}_s"] = round(median_seconds(lambda: witness.find_witness(net), args.repeat), 4)
    with mock.patch.object(witness, "EXACT_NONLINEAR_LAYERS", 10**6):  # exact nesting, the old way
        start = time.perf_counter()
        witness.find_witness(Network([1] * 9, activation="sigmoid"))
        out["witness_sigmoid_depth_8_exact_baseline_s"] = round(time.perf_counter() - start, 3)
    out["witness_depth_8_speedup"] = round(out["witness_sigmoid_depth_8_exact_baseline_s"]
                                           / out["witness_sigmoid_depth_8_s"], 1)
    out["goals_met"] = out["verify_784_64_10_modular_s"] <= 10 and out["witness_sigmoid_depth_30_s"] <= 1
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
