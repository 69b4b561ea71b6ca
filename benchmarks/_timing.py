"""Shared timing helper for the benchmark scripts: median of repeated runs, in seconds."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from typing import Callable


def median_seconds(run: Callable[[], object], repeat: int = 7) -> float:
    """Median wall time of ``run()`` over ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def capped_subprocess_seconds(code: str, cap: float) -> tuple[float, bool]:
    """Run ``code`` in a fresh interpreter; it prints its own timing last. Returns (seconds, hit the cap)."""
    try:
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=cap, check=True)
    except subprocess.TimeoutExpired:
        return cap, True
    return float(result.stdout.strip().splitlines()[-1]), False
