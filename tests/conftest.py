"""Shared test machinery: subprocesses that cannot outlive their test, the command line run in-process,
and the session's one run of each slow end-to-end job (the README's main job, ``symnn tour``; one
generation of the derivation catalog), which several tests then read.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# CI replays the same examples on every run (a red CI then names a reproducible input); locally the
# fuzzers search anew each time
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

# Every process of this session (the tour runs, the red team's, the catalog tests) shares one folder of
# rendered derivation documents, keyed by a digest of the source code: the catalog is checked once per
# session instead of once per process (symnn.app.documents.remembered). A fresh folder each session.
_DOCUMENT_CACHE = tempfile.mkdtemp(prefix="symnn-documents-")
os.environ["SYMNN_DOCUMENT_CACHE"] = _DOCUMENT_CACHE


# --- subprocesses -------------------------------------------------------------------------

@dataclass(frozen=True)
class Finished:
    """What a finished command left: its arguments, exit code, and everything it printed."""

    args: list
    returncode: int
    stdout: str
    stderr: str

    def stderr_lines(self) -> list[str]:
        return self.stderr.splitlines()


def kill_group(process: subprocess.Popen) -> None:
    """Kill ``process`` and everything it started (its own process group), then reap it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):  # the whole group has already ended
        pass
    try:
        process.wait(timeout=30)
    finally:
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()


class Processes:
    """Starts commands, each in a process group of its own, and kills every group it started on ``close``.

    A test that times out or fails half-way therefore never leaves a ``symnn digits`` (or a
    pdflatex it started) running behind it.
    """

    def __init__(self) -> None:
        self._started: list[subprocess.Popen] = []

    def start(self, args: list, **options) -> subprocess.Popen:
        process = subprocess.Popen(args, start_new_session=True, **options)
        self._started.append(process)
        return process

    def run(self, args: list, *, cwd=None, env=None, timeout: float = 300) -> Finished:
        """Run to the end (or to ``timeout``, which fails the test) and return what it printed."""
        process = self.start(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=cwd, env=env)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        finally:
            kill_group(process)
        return Finished(list(args), process.returncode, stdout, stderr)

    def close(self) -> None:
        for process in self._started:
            kill_group(process)
        self._started.clear()


@pytest.fixture
def processes():
    """Start subprocesses through this; all of them (and their children) are killed when the test ends."""
    started = Processes()
    try:
        yield started
    finally:
        started.close()


@pytest.fixture(scope="session")
def session_processes():
    started = Processes()
    try:
        yield started
    finally:
        started.close()


def find_symnn_script() -> str:
    """The installed ``symnn`` console script (the README's ``pip install -e`` puts it on PATH)."""
    found = shutil.which("symnn")
    if found is None:
        pytest.fail("the symnn console script is not on PATH: install the package with pip install -e '.[test]'")
    return found


@pytest.fixture(scope="session")
def symnn_script() -> str:
    return find_symnn_script()


# --- the command line, in-process ---------------------------------------------------------

@pytest.fixture
def cli(capsys):
    """``cli("network", "3,4,1")`` runs ``symnn.app.cli.main`` in this process and returns a Finished.

    The entry points themselves (console script, ``python -m symnn``) are run for real once,
    in tests/test_cli.py; everything else about the command line is checked in-process.
    """
    from symnn.app.cli import main

    def run(*args: str) -> Finished:
        capsys.readouterr()  # forget anything printed before
        code = main(list(args))
        out, err = capsys.readouterr()
        return Finished(["symnn", *args], code, out, err)

    return run


# --- the README ---------------------------------------------------------------------------

def readme_bash_block(section: str) -> list[str]:
    """The command lines of the first ```bash block in the README's ``## {section}``."""
    text = README.read_text(encoding="utf-8")
    part = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", part, flags=re.S)
    assert blocks, f"the README's {section} section has no bash block"
    return [line.strip() for line in blocks[0].splitlines() if line.strip()]


@pytest.fixture(scope="session")
def quick_start_commands() -> list[str]:
    return readme_bash_block("Quick start")


@pytest.fixture(scope="session")
def command_line_examples() -> list[str]:
    return readme_bash_block("Command line")


# --- the session's one run of each slow job -----------------------------------------------

@dataclass(frozen=True)
class TourRun:
    """The README's main job, run once: the command line, the folder it ran in, its output folder and result."""

    command: str
    cwd: Path
    out: Path
    result: Finished


def _main_job() -> tuple[str, list[str]]:
    """The README's main job without its install step: the command line, and its arguments."""
    main_job = readme_bash_block("Quick start")[0]
    command = main_job.split(" && ", 1)[1] if " && " in main_job else main_job
    return command, shlex.split(command)


class _EarlyTour:
    """The README's main job started in the background when the first test outside the red team begins (the
    red team's two workers use both cores before that), so that it runs beside the in-process tests instead of
    blocking the first test that needs it; ``finish`` waits for it, the session's end kills it if still running."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.folder: Path | None = None

    def start(self) -> None:
        command, args = _main_job()
        if args[0] == "symnn" and shutil.which("symnn") is None:
            return  # the tour fixture fails clearly when a test asks for it
        self.folder = Path(tempfile.mkdtemp(prefix="symnn-readme-job-"))
        (self.folder / "cwd").mkdir()
        self.command, self.args = command, args
        self.out, self.err = (open(self.folder / name, "w+", encoding="utf-8") for name in ("stdout", "stderr"))
        self.process = subprocess.Popen(args, cwd=self.folder / "cwd", stdin=subprocess.DEVNULL, stdout=self.out,
                                        stderr=self.err, text=True, start_new_session=True)

    def finish(self, timeout: float = 600) -> TourRun:
        try:
            self.process.wait(timeout=timeout)
        finally:
            kill_group(self.process)
        self.out.seek(0)
        self.err.seek(0)
        result = Finished(list(self.args), self.process.returncode, self.out.read(), self.err.read())
        cwd = self.folder / "cwd"
        return TourRun(self.command, cwd, cwd / "symnn-out", result)

    def close(self) -> None:
        if self.process is not None:
            kill_group(self.process)
            self.out.close()
            self.err.close()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


_EARLY_TOUR = _EarlyTour()


def pytest_runtest_setup(item):
    if _EARLY_TOUR.process is not None or _EARLY_TOUR.folder is not None or "redteam" in item.nodeid:
        return
    if any("tour" in getattr(other, "fixturenames", ()) for other in item.session.items):
        _EARLY_TOUR.start()


def pytest_unconfigure(config):
    shutil.rmtree(_DOCUMENT_CACHE, ignore_errors=True)


def pytest_sessionfinish(session):
    _EARLY_TOUR.close()


@pytest.fixture(scope="session")
def tour(session_processes, tmp_path_factory) -> TourRun:
    """The README's main job (after its install step), run exactly as the README writes it, in a fresh folder.

    Shared by the README test, the tour tests and the catalog tests (the tour writes every
    derivation and compiles each with pdflatex when it is installed). Started early in the background
    (``_EarlyTour``) when the session will need it.
    """
    if _EARLY_TOUR.process is not None:
        return _EARLY_TOUR.finish()
    command, args = _main_job()
    if args[0] == "symnn":
        find_symnn_script()  # fail clearly if the entry point is missing
    cwd = tmp_path_factory.mktemp("readme-main-job")
    result = session_processes.run(args, cwd=cwd, timeout=600)
    return TourRun(command, cwd, cwd / "symnn-out", result)


@pytest.fixture(scope="session")
def generated_documents():
    """The session's one in-process generation of every derivation document plus the index README."""
    from symnn.app import documents

    docs = documents.generate()
    return [*docs, documents.index(docs)]


@pytest.fixture
def generate_once(monkeypatch, generated_documents):
    """Make ``documents.generate()`` of the whole catalog answer from the session's one generation.

    Used by tests of ``symnn derive --all`` (writing, ``--check``) that are about files and exit
    codes, not about generating; the generation itself is checked against derivations/.
    """
    from symnn.app import catalog, documents

    real = documents.generate

    def shared(names=None, kinds=("tex",), workers=1):
        if (names is None or list(names) == catalog.names()) and tuple(kinds) == ("tex",):
            return list(generated_documents[:-1])
        return real(names, kinds, workers)

    monkeypatch.setattr(documents, "generate", shared)
