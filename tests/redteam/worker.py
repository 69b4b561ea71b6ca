"""A red-team worker: imports symnn once, then runs the case ids it reads from stdin, one per line.

For each id it writes one JSON line (on a private copy of the original stdout; the cases' own output
goes nowhere) with the verdict computed here: whether the outcome was the expected clean one, what
happened, and the time the call took (``time.perf_counter`` around the call only, so interpreter
start-up and imports are not counted).

Limits: the address space is capped (``RLIMIT_AS``, default 2 GB) and each case is interrupted by
SIGALRM at its hard limit (and goes on with the next case); after a MemoryError the worker reports
the case and exits, so the runner starts a fresh one.

Run as ``python tests/redteam/worker.py`` (the runner does this).
"""

from __future__ import annotations

import io
import json
import os
import resource
import signal
import sys
import tempfile
import time
import traceback

MEMORY_CAP = int(os.environ.get("SYMNN_REDTEAM_MEMORY", str(2 * 1024**3)))


class CaseTimeout(BaseException):
    """Raised by SIGALRM at a case's hard limit (a BaseException, so no ``except Exception`` swallows it)."""


def _alarm(signum, frame):
    raise CaseTimeout()


def main() -> int:
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 1)  # anything a case prints to the real stdout goes nowhere
    sys.stdout = io.StringIO()
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.dirname(here))  # tests/, so that `redteam` is importable
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    signal.signal(signal.SIGALRM, _alarm)

    from redteam import cases as table

    table.warm_up()
    protocol.write(json.dumps({"ready": True, "pid": os.getpid()}) + "\n")
    home = os.getcwd()
    for line in sys.stdin:
        case_id = line.strip()
        if not case_id:
            continue
        result, fatal = run_one(table, case_id, home)
        protocol.write(json.dumps(result) + "\n")
        if fatal:
            return 0
    return 0


def run_one(table, case_id: str, home: str) -> tuple[dict, bool]:
    case = table.BY_ID[case_id]
    fatal = False
    folder = tempfile.mkdtemp(prefix="redteam-")
    os.chdir(folder)
    ctx = table.Context(folder)
    value = error = None
    start = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, case.hard_limit)
    try:
        try:
            value = case.action(ctx)
        finally:
            elapsed = time.perf_counter() - start
            signal.setitimer(signal.ITIMER_REAL, 0)
    except CaseTimeout:
        return ({"id": case_id, "passed": False, "elapsed": elapsed,
                 "outcome": f"hang: interrupted at the hard limit of {case.hard_limit:.1f} s", "fatal": False}, fatal)
    except MemoryError as caught:
        fatal = True
        error = caught
    except Exception as caught:  # judged below against the expectation
        error = caught
    finally:
        os.chdir(home)
        ctx.cleanup()
    try:
        passed, outcome = case.expect.judge(value, error, elapsed, case)
    except Exception as trouble:  # a bug in a check: report it, do not lose the worker
        passed, outcome = False, f"check raised {type(trouble).__name__}: {trouble}"
    if error is not None and not passed:
        outcome += " | " + "".join(traceback.format_exception_only(type(error), error)).strip().splitlines()[-1][:300]
    return ({"id": case_id, "passed": passed, "elapsed": elapsed, "outcome": outcome[:2000], "fatal": fatal}, fatal)


if __name__ == "__main__":
    sys.exit(main())
