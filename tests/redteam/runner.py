"""A pool of red-team workers (``worker.py`` subprocesses) that runs case ids and collects verdicts.

Each worker is started in a session of its own, with one thread here feeding it ids. A worker that
dies (memory cap, crash) or gives no answer within a case's hard limit plus a margin is killed with
its whole process group and replaced, and the case is reported as failed. ``close()`` kills every
worker; the pool is a context manager so that this happens even when a test fails.
"""

from __future__ import annotations

import json
import os
import queue
import selectors
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

WORKER = Path(__file__).resolve().parent / "worker.py"
START_SECONDS = 60.0  # a worker's import of symnn and warm-up
MARGIN = 10.0  # beyond a case's hard limit (which the worker enforces itself with SIGALRM)


class Worker:
    def __init__(self):
        env = dict(os.environ)
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[name] = "1"  # each BLAS thread reserves address space under RLIMIT_AS
        env.pop("SYMNN_REDTEAM_CHILD", None)
        self.process = subprocess.Popen([sys.executable, str(WORKER)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                        start_new_session=True, env=env, cwd=str(WORKER.parent.parent.parent))
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.process.stdout, selectors.EVENT_READ)
        ready = self._read(START_SECONDS)
        if ready is None or not ready.get("ready"):
            self.kill()
            raise RuntimeError(f"a red-team worker did not start: {ready!r}")

    def _read(self, seconds: float):
        if not self.selector.select(timeout=seconds):
            return None
        line = self.process.stdout.readline()
        if not line:
            return {"eof": True}
        return json.loads(line)

    def run(self, case_id: str, hard_limit: float) -> dict:
        start = time.monotonic()
        try:
            self.process.stdin.write(case_id + "\n")
            self.process.stdin.flush()
        except OSError:
            return {"id": case_id, "passed": False, "outcome": "worker died before the case started", "dead": True}
        answer = self._read(hard_limit + MARGIN)
        waited = time.monotonic() - start
        if answer is None:
            self.kill()
            return {"id": case_id, "passed": False, "elapsed": waited, "dead": True,
                    "outcome": f"killed: no answer within {hard_limit + MARGIN:.0f} s"}
        if answer.get("eof"):
            code = self.process.wait(timeout=30)
            how = f"signal {-code}" if code < 0 else f"exit code {code}"
            return {"id": case_id, "passed": False, "elapsed": waited, "dead": True,
                    "outcome": f"worker died ({how}): memory cap or crash"}
        if self.process.poll() is not None or answer.get("fatal"):
            answer["dead"] = True
        return answer

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self.selector.close()


class Pool:
    """``with Pool(2) as pool: results = pool.run(cases)``: id → verdict dict."""

    def __init__(self, size: int = 2):
        self.size = size
        self.workers: list[Worker] = []
        self.lock = threading.Lock()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        with self.lock:
            for worker in self.workers:
                worker.kill()
            self.workers.clear()

    def _start(self) -> Worker:
        worker = Worker()
        with self.lock:
            self.workers.append(worker)
        return worker

    def run(self, cases) -> dict:
        todo: queue.Queue = queue.Queue()
        for case in sorted(cases, key=lambda c: -c.hard_limit):  # long ones first
            todo.put(case)
        results: dict = {}

        def feed():
            worker = None
            while True:
                try:
                    case = todo.get_nowait()
                except queue.Empty:
                    break
                try:
                    if worker is None or not worker.alive():
                        worker = self._start()
                    answer = worker.run(case.id, case.hard_limit)
                except Exception as trouble:  # a worker that cannot start: the case fails, the rest go on
                    answer = {"id": case.id, "passed": False, "outcome": f"runner: {trouble}", "dead": True}
                results[case.id] = answer
                if answer.get("dead") and worker is not None:
                    worker.kill()
                    worker = None

        threads = [threading.Thread(target=feed, daemon=True) for _ in range(self.size)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results


def main(argv=None) -> int:
    """``python tests/redteam/runner.py [ID-SUBSTRING…]``: run cases and print every verdict (for probing)."""
    sys.path.insert(0, str(WORKER.parent.parent))
    from redteam.cases import CASES

    wanted = argv if argv is not None else sys.argv[1:]
    chosen = [c for c in CASES if not wanted or any(w in c.id for w in wanted)]
    start = time.monotonic()
    with Pool(2) as pool:
        results = pool.run(chosen)
    for case in chosen:
        r = results[case.id]
        mark = "PASS" if r["passed"] else "FAIL"
        print(f"{mark} {r.get('elapsed', 0):6.2f}s {case.id}: {r['outcome']}" + (f"  [xfail: {case.xfail}]" if case.xfail else ""))
    print(f"{len(chosen)} cases, {sum(not results[c.id]['passed'] for c in chosen)} failed, "
          f"{time.monotonic() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
