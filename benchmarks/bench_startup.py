"""Start-up time: ``import symnn`` and the ``symnn`` command against a bare ``import sympy``, in the same run.

Goals (issue 9): importing all of symnn's public names within 0.3 s of ``import sympy``;
``symnn --version`` and ``symnn --help`` within 0.5 s. Each figure is the median of
fresh interpreters, so caches of this process do not count. Prints one JSON object;
run with ``python benchmarks/bench_startup.py``.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time

REPEAT = 9
FULL_IMPORT = ("import symnn; from symnn import Network, Neuron, collapse, compile, Params, crosscheck, train, "
               "latex, pretty, merge_affine, Derivation")


def median_run_seconds(command: list[str]) -> float:
    """Median wall time of running ``command`` to completion in a fresh process."""
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    python = [sys.executable, "-c"]
    symnn_command = shutil.which("symnn")
    figures = {
        "bare_python_s": median_run_seconds(python + ["pass"]),
        "import_sympy_s": median_run_seconds(python + ["import sympy"]),
        "import_symnn_s": median_run_seconds(python + ["import symnn"]),
        "import_symnn_public_names_s": median_run_seconds(python + [FULL_IMPORT]),
        "symnn_version_s": median_run_seconds([symnn_command, "--version"]) if symnn_command else None,
        "symnn_help_s": median_run_seconds([symnn_command, "--help"]) if symnn_command else None,
        "python_m_symnn_help_s": median_run_seconds([sys.executable, "-m", "symnn", "--help"]),
    }
    figures["public_names_minus_sympy_s"] = figures["import_symnn_public_names_s"] - figures["import_sympy_s"]
    figures["goal_import_within_0.3_s_of_sympy"] = figures["public_names_minus_sympy_s"] <= 0.3
    cli = [v for v in (figures["symnn_version_s"], figures["symnn_help_s"]) if v is not None]
    figures["goal_cli_start_within_0.5_s"] = bool(cli) and max(cli) <= 0.5
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}, indent=2))


if __name__ == "__main__":
    main()
