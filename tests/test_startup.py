"""Start-up: the command line and ``import symnn`` do not load SymPy until needed, and Ctrl-C is one line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from importlib.metadata import version

import pytest


def run_python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          timeout=60).stdout.strip()


def test_import_symnn_and_the_cli_module_load_no_sympy():
    loaded = run_python("import sys, symnn, symnn.app.cli; print('sympy' in sys.modules, 'numpy' in sys.modules)")
    assert loaded == "False False"


def test_public_names_load_on_first_use():
    assert run_python("import symnn; symnn.Network; import sys; print('sympy' in sys.modules)") == "True"


def test_version_is_the_installed_distributions():
    result = subprocess.run([sys.executable, "-m", "symnn", "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.strip() == f"symnn {version('symnn')}"
    assert run_python("import symnn; print(symnn.__version__)") == version("symnn")


def _bare_interpreter_seconds() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True, timeout=60)
    return time.perf_counter() - start


@pytest.mark.parametrize("extra_delay", [0.02, 0.15, 0.6])
def test_ctrl_c_at_any_moment_after_the_interpreter_started_is_exit_130_and_one_line(extra_delay):
    # Early on, the interrupt lands in symnn's imports; later, in training. Either way: exit 130,
    # one line. (Before the interpreter has started — inside Python's own site import — no
    # program can catch it, so the delay starts after a bare interpreter's start-up time.)
    delay = 1.5 * _bare_interpreter_seconds() + extra_delay
    process = subprocess.Popen([sys.executable, "-m", "symnn", "digits", "--epochs", "100000"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 130, stderr
    assert stderr == "symnn: interrupted\n"
