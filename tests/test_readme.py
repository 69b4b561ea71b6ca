"""The README's quick start: exactly two commands, kept true by running them (or CI running them)."""

import re
import shlex
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALL = 'python -m pip install -e ".[plot]"'
TEST_INSTALL = 'python -m pip install -e ".[test]"'


def quick_start_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1, "the quick start has one bash block"
    return [line.strip() for line in blocks[0].splitlines() if line.strip()]


def test_quick_start_has_exactly_two_commands():
    commands = quick_start_commands()
    assert len(commands) == 2
    main_job, tests = commands
    assert main_job.startswith(INSTALL + " && ")
    assert tests.startswith(TEST_INSTALL + " && ")
    assert "pytest" in tests


def test_ci_runs_the_readme_test_command():
    _, tests = quick_start_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines()


def test_main_job_command_runs(tmp_path):
    # The install half has already run (this test runs inside that install, whose
    # test extra includes the plot extra); run the rest exactly as the README writes it.
    main_job, _ = quick_start_commands()
    job = main_job.split(" && ", 1)[1]
    assert job == "symnn tour"
    result = subprocess.run(shlex.split(job), capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "symnn-out" / "index.md").exists()
    assert "wrote" in result.stdout


def readme_cli_examples() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Command line", 1)[1].split("\n## ", 1)[0]
    block = re.findall(r"```bash\n(.*?)```", section, flags=re.S)[0]
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_readme_cli_examples_run(tmp_path):
    commands = readme_cli_examples()
    assert len(commands) >= 8
    for command in commands:
        result = subprocess.run(shlex.split(command), capture_output=True, text=True, timeout=600, cwd=tmp_path)
        expected = 1 if ("collapse" in command and "sigmoid" in command) else 0  # a reported non-collapse
        assert result.returncode == expected, (command, result.stderr)
        assert "Traceback" not in result.stderr
    assert (tmp_path / "activations.png").exists()
    assert (tmp_path / "symnn-out" / "index.md").exists()
