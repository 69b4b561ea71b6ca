"""Shared timing helper for the benchmark scripts: median of repeated runs, in seconds."""

from __future__ import annotations

import statistics
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
