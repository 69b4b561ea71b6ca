"""How long `symnn explore` takes to answer each interaction, over real HTTP, for networks of up to 50 units.

Starts ``symnn explore --no-browser`` (a fresh server: nothing cached), then for each network plays what
the page does when a student builds it (the first answers: network, unit, collapse, weights, numbers; then the
collapse's checked derivation, which the page shows when it comes), and
what it does while she plays (a slider moved: numbers; a unit clicked; a pixel drawn; a toy data set).
Prints the median, the 95th percentile and the largest time of each interaction, and each median's ratio
to the baseline measured in the same run: fetching a static file (the HTTP round trip alone).
The goal (issue 14): every interaction answered within 100 ms.

    python benchmarks/bench_explore_latency.py
"""

from __future__ import annotations

import json
import random
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

GOAL = 0.100
REPEAT = 40
NETWORKS = [  # (sizes, activations, what it is)
    ("3,4,1", ["linear", "linear"], "the lecture's 3-4-1, all linear"),
    ("4,3,1", ["sigmoid", "sigmoid"], "the demand example, sigmoid"),
    ("2,8,8,1", ["tanh", "tanh", "sigmoid"], "2-8-8-1 tanh (a playground network)"),
    ("2,24,24,1", ["linear", "linear", "linear"], "2-24-24-1 linear (49 units)"),
    ("2,24,24,1", ["relu", "relu", "sigmoid"], "2-24-24-1 relu (49 units)"),
    ("3,16,16,16,2", ["tanh", "tanh", "tanh", "softmax"], "3-16-16-16-2 softmax (50 units)"),
    ("2,16,16,16,1", ["linear", "linear", "linear", "linear"], "2-16-16-16-1 linear (49 units)"),
]


def start() -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "symnn", "explore", "--no-browser"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    for line in process.stdout:
        found = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        if found:
            return process, found.group(1)
    raise SystemExit("symnn explore did not start")


def post(url: str, path: str, body: dict) -> tuple[float, dict]:
    data = json.dumps(body).encode()
    request = urllib.request.Request(url.rstrip("/") + path, data=data, headers={"Content-Type": "application/json"})
    begin = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as answer:
        content = answer.read()
    elapsed = time.perf_counter() - begin
    return elapsed, json.loads(content) if path != "/api/train" else {}


def get(url: str, path: str) -> float:
    begin = time.perf_counter()
    with urllib.request.urlopen(url.rstrip("/") + path, timeout=30) as answer:
        answer.read()
    return time.perf_counter() - begin


def summary(name: str, times: list[float], baseline: float) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    median = statistics.median(ordered)
    verdict = "met" if ordered[-1] <= GOAL else ("median and p95 met" if p95 <= GOAL else "NOT met")
    return (f"  {name:34} median {median * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  max {ordered[-1] * 1000:7.1f} ms"
            f"  ({median / baseline:5.1f}× baseline)  ≤ 100 ms: {verdict}")


def main() -> None:
    process, url = start()
    try:
        for _ in range(5):
            get(url, "/static/explore.css")  # warm the connection path
        baseline = statistics.median(get(url, "/static/explore.css") for _ in range(REPEAT))
        print(f"baseline: a static file over HTTP, median {baseline * 1000:.2f} ms ({REPEAT} runs)")
        rng = random.Random(0)
        for sizes, activations, label in NETWORKS:
            spec = {"sizes": sizes, "activations": activations, "bias": True}
            shape = [int(n) for n in sizes.split(",")]
            print(f"\n{label}: {sum(shape[1:])} units")
            first = {}
            first["network"], _ = post(url, "/api/network", {"network": spec})
            first["unit"], _ = post(url, "/api/unit", {"network": spec, "layer": len(shape) - 1, "unit": 1})
            first["collapse"], _ = post(url, "/api/collapse", {"network": spec})
            first["params"], params = post(url, "/api/params", {"network": spec, "seed": 0})
            proof, _ = post(url, "/api/collapse/proof", {"network": spec})
            x = [0.5] * shape[0]
            y = [1.0] + [0.0] * (shape[-1] - 1)
            body = {"network": spec, **params, "inputs": x, "targets": y}
            first["numbers"], _ = post(url, "/api/numbers", body)
            print("  building it (first answers, nothing cached): " +
                  ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in first.items()) +
                  f"; all five {sum(first.values()) * 1000:.0f} ms; then the collapse's checked derivation "
                  f"{proof * 1000:.0f} ms (shown when it comes)")
            slider, units, collapse_again = [], [], []
            for _ in range(REPEAT):
                layer = rng.randrange(len(params["weights"]))
                row = rng.randrange(len(params["weights"][layer]))
                column = rng.randrange(len(params["weights"][layer][row]))
                params["weights"][layer][row][column] = round(rng.uniform(-3, 3), 2)
                slider.append(post(url, "/api/numbers", {"network": spec, **params, "inputs": x, "targets": y})[0])
                j = rng.randrange(len(shape))
                units.append(post(url, "/api/unit", {"network": spec, "layer": j, "unit": rng.randrange(shape[j]) + 1})[0])
                collapse_again.append(post(url, "/api/collapse", {"network": spec})[0])
            print(summary("a slider moved (z, a, loss, δ, ∂L)", slider, baseline))
            print(summary("a unit clicked (its three forms)", units, baseline))
            print(summary("the collapse panel again", collapse_again, baseline))
        print("\ndigits and toy data")
        post(url, "/api/digits", {"classes": 10})
        pixels = [0] * 35
        drawing, dataset = [], []
        for _ in range(REPEAT):
            pixels[rng.randrange(35)] ^= 1
            drawing.append(post(url, "/api/digits/predict", {"classes": 10, "pixels": pixels})[0])
            dataset.append(post(url, "/api/dataset", {"dataset": rng.choice(["xor", "circles", "separable"])})[0])
        print(summary("a pixel drawn (10 digits)", drawing, baseline))
        print(summary("a toy data set chosen", dataset, baseline))
        spec = {"sizes": "2,8,8,1", "activations": ["tanh", "tanh", "sigmoid"]}
        seconds, _ = post(url, "/api/train", {"network": spec, "dataset": "xor", "epochs": 400, "pace_ms": 0})
        print(f"  training 2-8-8-1 on XOR, 400 epochs, 41 boundary pictures streamed: {seconds * 1000:.0f} ms in all "
              "(the page redraws at every line; it never waits for the end)")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


if __name__ == "__main__":
    main()
