"""The README's quick start and command-line examples, kept true by running them.

The main job (``symnn tour``) runs once per session in a real process exactly as the README writes
it (the ``tour`` fixture in conftest.py); the other examples run in-process through the same
``main`` the ``symnn`` script calls.
"""

import shlex
import shutil
from pathlib import Path

from symnn.app import catalog
from symnn.app.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
INSTALL = 'python -m pip install -e ".[plot]"'
TEST_INSTALL = 'python -m pip install -e ".[test]"'


def test_quick_start_has_exactly_two_commands(quick_start_commands):
    assert len(quick_start_commands) == 2
    main_job, tests = quick_start_commands
    assert main_job == INSTALL + " && symnn tour"
    assert tests == TEST_INSTALL + " && python -m pytest"


def test_ci_runs_the_readme_test_command(quick_start_commands):
    _, tests = quick_start_commands
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines()


def test_main_job_command_runs(tour):
    # The install half has already run (this test runs inside that install, whose test extra
    # includes the plot extra); the rest ran exactly as the README writes it.
    assert tour.command == "symnn tour"
    assert tour.result.returncode == 0, tour.result.stderr
    files = [p for p in tour.out.rglob("*") if p.is_file()]
    assert f"\nwrote {len(files)} files into symnn-out/:\n" in tour.result.stdout
    assert (tour.out / "index.md").is_file()


def test_readme_cli_examples_run(command_line_examples, cli, generate_once, tour, tmp_path, monkeypatch):
    commands = command_line_examples
    assert len(commands) >= 8
    monkeypatch.chdir(tmp_path)
    for command in commands:
        words = shlex.split(command)
        assert words[0] == "symnn", command
        expected = 1 if ("collapse" in words and "sigmoid" in words) else 0  # a reported non-collapse
        if words[1] == "tour":
            # the same arguments as the README's main job, which ran once for real in this session
            assert vars(build_parser().parse_args(words[1:])) == vars(build_parser().parse_args(["tour"])), command
            result = tour.result
        else:
            result = cli(*words[1:])
        assert result.returncode == expected, (command, result.stderr)
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr, command
    assert (tmp_path / "activations.png").read_bytes().startswith(b"\x89PNG")
    written = sorted(p.name for p in (tmp_path / "derivations").iterdir())
    assert "README.md" in written and "linear-collapse-3-4-1.tex" in written
    if shutil.which("pdflatex"):
        assert "linear-collapse-3-4-1.pdf" in written and len([n for n in written if n.endswith(".pdf")]) == len(catalog.names())
