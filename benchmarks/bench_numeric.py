"""Numeric path: compile time, forward throughput against hand-written NumPy, lambdify baselines, training time.

Goals (issue 4): compiling a 784-128-10 sigmoid network ≤ 0.5 s; forward throughput on a
100 000 × 784 batch ≥ 0.9 × a hand-written NumPy forward pass of the same network (same
process, runs interleaved, medians); the single neuron trained on the lecture's images to
100 % accuracy well under 1 s. Baseline: ``sympy.lambdify`` of the fully expanded network
output, in a subprocess with a time cap. Prints one JSON object.
Run with ``python benchmarks/bench_numeric.py [--cap SECONDS]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import capped_subprocess_seconds, median_seconds  # noqa: E402

from symnn import Network, Params, compile, train  # noqa: E402
from symnn.data import digits  # noqa: E402

LAMBDIFY_BASELINES = {
    "35-16-1 sigmoid": ([35, 16, 1], False),
    "35-16-16-1 sigmoid": ([35, 16, 16, 1], False),
    "35-32-32-1 sigmoid, cse": ([35, 32, 32, 1], True),
}


def hand_forward(X, Ws, bs):
    """The same network written directly in NumPy: the baseline for throughput."""
    A = X
    for W, b in zip(Ws, bs):
        A = 1.0 / (1.0 + np.exp(-(A @ W + b)))
    return A


def lambdify_baseline(sizes, cse: bool, cap: float) -> tuple[float, bool]:
    code = f"""
import time, sympy
from symnn import Network, activations
net = Network({sizes}, activation="sigmoid")
start = time.perf_counter()
out = activations.explicit(net.output(1))
f = sympy.lambdify(net.inputs() + net.params(), out, modules="numpy", cse={cse})
print(time.perf_counter() - start)
"""
    return capped_subprocess_seconds(code, cap)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cap", type=float, default=120.0, help="time cap for each lambdify baseline, seconds")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    big = Network([784, 128, 10], activation="sigmoid")
    compile_s = median_seconds(lambda: compile(big), repeat=7)

    params = Params.random(big, seed=0)
    X = np.random.default_rng(0).random((args.rows, 784))
    f = compile(big)
    Ws, bs = [params.W(1), params.W(2)], [params.b(1), params.b(2)]
    np.testing.assert_allclose(f(X[:100], params), hand_forward(X[:100], Ws, bs), rtol=1e-12)
    ours, hand = [], []
    runs = [(lambda: f(X, params), ours), (lambda: hand_forward(X, Ws, bs), hand)]
    for round_number in range(9):  # interleaved, alternating who goes first, so both see the same machine
        for run, times in (runs if round_number % 2 == 0 else runs[::-1]):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
    ours_s, hand_s = statistics.median(ours), statistics.median(hand)

    lecture = digits.lecture()
    neuron = Network([35, 1], activation="sigmoid")

    def train_neuron():
        result = train(neuron, lecture.X, lecture.y, epochs=25, lr=0.5, show_progress=False)
        assert result.history[-1].accuracy == 1.0

    train_s = median_seconds(train_neuron, repeat=5)

    result = {
        "compile_784_128_10_sigmoid_s": round(compile_s, 4),
        "forward_100000x784_symnn_s": round(ours_s, 3),
        "forward_100000x784_hand_numpy_s": round(hand_s, 3),
        "throughput_ratio_symnn_over_hand": round(hand_s / ours_s, 3),
        "rows_per_second_symnn": round(args.rows / ours_s),
        "train_single_neuron_lecture_to_100pct_s": round(train_s, 4),
        "goals": {
            "compile_le_0.5s": compile_s <= 0.5,
            "throughput_ratio_ge_0.9": hand_s / ours_s >= 0.9,
            "train_neuron_lt_1s": train_s < 1.0,
        },
    }
    for name, (sizes, cse) in LAMBDIFY_BASELINES.items():
        network = Network(sizes, activation="sigmoid")
        ours_compile = median_seconds(lambda network=network: compile(network), repeat=5)
        seconds, capped = lambdify_baseline(sizes, cse, args.cap)
        result[f"lambdify_expanded_{name}_s"] = f">{args.cap:.0f} (capped)" if capped else round(seconds, 2)
        ratio = seconds / ours_compile
        result[f"compile_speedup_vs_lambdify_{name}"] = f">{ratio:.0f}" if capped else round(ratio)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
