"""Collapse speed: explicit w' and W', and the block-form proof, against plain-SymPy baselines.

Goals (issue 3): explicit w' of an all-linear 35-32-32-1 network ≤ 1 s; explicit
W' of an all-linear 784-64-10 network ≤ 3 s; the block-form proof for any depth
and size ≤ 0.1 s. Baselines, run in a subprocess with a time cap: SymPy
``expand`` + ``Poly`` coefficient extraction, and a SymPy ``Matrix`` product.
Prints one JSON object; medians of repeated cold runs (symbol cache cleared).
Run with ``python benchmarks/bench_collapse.py [--cap SECONDS]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import capped_subprocess_seconds  # noqa: E402

from symnn import Network, notation  # noqa: E402
from symnn.math.equality import check_equal  # noqa: E402
from symnn.math.collapse import block_identity, collapse  # noqa: E402

BASELINES = {
    # plain SymPy: the whole output expanded, coefficients read off a Poly
    "expand_poly_35_32_32_1": """
from sympy import Poly
from symnn import Network
net = Network([35, 32, 32, 1], activation="linear", bias=False)
out = net.output(1).expand()
poly = Poly(out, *net.inputs())
coefficients = [poly.coeff_monomial(x) for x in net.inputs()]
""",
    "matrix_product_35_32_32_1": """
from symnn import Network
net = Network([35, 32, 32, 1], activation="linear", bias=False)
product = net.W(1) * net.W(2) * net.W(3)
""",
    "matrix_product_784_64_10": """
from symnn import Network
net = Network([784, 64, 10], activation="linear", bias=False)
product = net.W(1) * net.W(2)
""",
}


def cold_median(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        notation._SYMBOL_CACHE.clear()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def baseline_seconds(code: str, cap: float) -> tuple[float, bool]:
    """Wall time of ``code`` in a fresh interpreter (imports excluded), and whether it hit the cap."""
    timed = "import time\nimport sympy, symnn\nstart = time.perf_counter()\n" + code + "\nprint(time.perf_counter() - start)"
    return capped_subprocess_seconds(timed, cap)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cap", type=float, default=60.0, help="time cap for each baseline, seconds")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    small = cold_median(lambda: collapse(Network([35, 32, 32, 1], activation="linear", bias=False)).weights, args.repeat)
    large = cold_median(lambda: collapse(Network([784, 64, 10], activation="linear", bias=False)).W, args.repeat)

    def block_proof():
        lhs, rhs = block_identity(Network([1] * 9, activation="linear"), symbolic=True)  # depth 8, any sizes
        assert check_equal(lhs, rhs).holds

    block = cold_median(block_proof, args.repeat)
    result = {
        "explicit_w_35_32_32_1_s": round(small, 3),
        "explicit_W_784_64_10_s": round(large, 3),
        "block_proof_depth_8_symbolic_sizes_s": round(block, 4),
        "goals": {"35_32_32_1_le_1s": small <= 1, "784_64_10_le_3s": large <= 3, "block_le_0.1s": block <= 0.1},
    }
    ours = {"expand_poly_35_32_32_1": small, "matrix_product_35_32_32_1": small, "matrix_product_784_64_10": large}
    for name, code in BASELINES.items():
        seconds, capped = baseline_seconds(code, args.cap)
        ratio = seconds / ours[name]
        result[f"baseline_{name}_s"] = (f">{args.cap:.0f} (capped)" if capped else round(seconds, 2))
        result[f"speedup_vs_{name}"] = (f">{ratio:.0f}" if capped else round(ratio, 1))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
