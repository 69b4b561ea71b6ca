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
