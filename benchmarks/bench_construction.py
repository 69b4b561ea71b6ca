"""Lazy construction: making a 784-128-10 network and building one neuron's z (goal: each well under 0.1 s).

Baseline, run in the same process: building the whole of W^{[1]} (100 352
symbols), which an eager design would do at construction time.
Prints one JSON object; run with ``python benchmarks/bench_construction.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import median_seconds  # noqa: E402

from symnn import Network, notation  # noqa: E402

SIZES = [784, 128, 10]


def fresh_z(j: int, i: int):
    # clear the symbol cache so every run builds its symbols from scratch
    notation._SYMBOL_CACHE.clear()
    return Network(SIZES, activation="sigmoid").z(j, i)


def main() -> None:
    construct = median_seconds(lambda: Network(SIZES, activation="sigmoid"))
    z_first = median_seconds(lambda: fresh_z(1, 1))
    z_last = median_seconds(lambda: fresh_z(2, 10))
    net = Network(SIZES, activation="sigmoid")
    z_cached = median_seconds(lambda: net.z(1, 64))
    baseline = median_seconds(lambda: (notation._SYMBOL_CACHE.clear(), net.W(1)), repeat=3)
    result = {
        "network": "784-128-10 sigmoid",
        "construct_network_s": round(construct, 6),
        "z_1_1_cold_s (784 terms, incl. network)": round(z_first, 6),
        "z_2_10_cold_s (128 terms, incl. network)": round(z_last, 6),
        "z_1_64_warm_s": round(z_cached, 6),
        "baseline_full_W1_s (eager)": round(baseline, 6),
        "ratio_baseline_over_construct": round(baseline / construct, 1),
        "ratio_baseline_over_one_z": round(baseline / z_first, 1),
        "goal": "construct and one z each < 0.1 s",
        "goal_met": construct < 0.1 and z_first < 0.1 and z_last < 0.1,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
