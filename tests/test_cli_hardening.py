"""The command line against careless and hostile input: sizes and numbers, argparse refusals, output sizes,
strict JSON, broken pipes and full disks, read-only files and empty --out, Ctrl-C under a progress bar.

Each refusal is one line on stderr that names the bad value and what is allowed, with the exit
code of its kind (2 bad usage, 1 failure). Everything runs in-process through ``symnn.app.cli.main``
except what only a real process shows (a full disk on stdout, the interpreter's last flush).
"""

from __future__ import annotations

import ast
import io
import json
import math
import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st

import symnn
from symnn.app import cli as cli_module
from symnn.app import commands
from symnn.config import current
from symnn.errors import InvalidSizeError

PACKAGE = Path(symnn.__file__).resolve().parent


def one_error_line(result, code=2, kind="error") -> str:
    """Failed with ``code``, saying so in exactly one line on stderr and nothing on stdout; returns the line."""
    assert result.returncode == code, (result.returncode, result.stdout[-500:], result.stderr)
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n"), result.stderr
    assert result.stderr.startswith(f"symnn: {kind}: "), result.stderr
    return result.stderr.rstrip("\n")


def strict_json(text: str):
    """json.loads that refuses NaN and Infinity (which Python's json would otherwise read)."""
    def refuse(constant):
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture
def no_training(monkeypatch):
    """Fail at once if a digits command gets as far as training (its arguments should have been refused)."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"trained with {args} {kwargs}: the arguments should have been refused first")

    monkeypatch.setattr(commands, "classify_digits", refuse)


# --- 1. sizes: ASCII digits only --------------------------------------------------------------

ALLOWED_SIZES = "must be positive integers separated by commas, e.g. 3,4,1"


@pytest.mark.parametrize("sizes, why", [
    ("²,3", "'²' is not written with the digits 0-9 alone"),  # str.isdigit accepts '²'; int() does not
    ("3,٣", "'٣' is not written with the digits 0-9 alone"),  # int() would read the Arabic-Indic 3
    ("3,,1", "size 2 is empty"),
    ("3,4,", "size 3 is empty"),
    ("3, ,1", "size 2 is empty"),  # whitespace only
    ("   ", "size 1 is empty"),
    ("+3,1", "'+3' has a sign"),
    ("3,-4,1", "'-4' has a sign"),
    ("1234567890,1", "1234567890 has 10 digits, more than the 9 a size may have"),
    ("3,1_000", "'1_000' is not written with the digits 0-9 alone"),  # int() reads '1_000'
    ("3,x,1", ""),  # plainly not a number: the rule alone
])
def test_sizes_are_ascii_digits_or_one_line_naming_the_bad_text(cli, sizes, why):
    for command in ("network", "collapse"):
        line = one_error_line(cli(command, sizes))
        assert f"sizes {sizes!r} {ALLOWED_SIZES}" in line
        assert line.endswith(f"; {why}" if why else ALLOWED_SIZES), line


def test_sizes_keep_their_spaces_and_leading_zeros_allowed(cli):
    result = cli("network", " 3, 04 ,1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Network(3→4→1, linear)\n")


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789,+- _²³٣١\t.e")), max_size=14))
def test_parse_sizes_reads_exactly_the_ascii_numbers(text):
    parts = text.split(",")
    plain = all(re.fullmatch(r"[ \t]*[0-9]{1,9}[ \t]*", part) for part in parts)
    if plain:
        assert commands.parse_sizes(text) == [int(part.strip(" \t"), 10) for part in parts]
    else:
        with pytest.raises(InvalidSizeError, match=re.escape(f"sizes {text!r} {ALLOWED_SIZES}")):
            commands.parse_sizes(text)


# --- 2. argparse refusals: one line, the unknown flag named ----------------------------------

@pytest.mark.parametrize("args, message, sub", [
    (["--bogus"], "unrecognized arguments: --bogus", ""),
    (["--debug", "--bogus", "-x"], "unrecognized arguments: --bogus -x", ""),
    (["tour", "--bogus"], "unrecognized arguments: --bogus", " tour"),
    (["--bogus", "tour"], "unrecognized arguments: --bogus", " tour"),
    (["network", "--bogus"], "unrecognized arguments: --bogus", " network"),
    (["network", "3,4,1", "--bogus=1"], "unrecognized arguments: --bogus=1", " network"),
    ([], "the following arguments are required: COMMAND", ""),
    (["network"], "the following arguments are required: sizes", " network"),
    (["frobnicate"], "argument COMMAND: invalid choice: 'frobnicate' (choose from 'tour', 'neuron', 'network', "
                     "'collapse', 'backprop', 'activations', 'derive', 'digits', 'explore')", ""),
    (["digits", "--data", "mnist"],
     "argument --data: invalid choice: 'mnist' (choose from 'lecture', 'variants', 'handwritten')", " digits"),
    (["activations", "--format", "yaml"],
     "argument --format: invalid choice: 'yaml' (choose from 'text', 'latex', 'markdown', 'json')", " activations"),
    (["neuron", "--inputs"], "argument --inputs: expected one argument", " neuron"),
])
def test_argparse_refusals_are_one_line_pointing_to_the_help(cli, args, message, sub):
    line = one_error_line(cli(*args))
    assert line == f"symnn: error: {message} (see 'symnn{sub} --help')"


@pytest.mark.parametrize("args", [["--help"], ["network", "--help"], ["digits", "--help"]])
def test_help_is_argparse_help_on_stdout(cli, args):
    result = cli(*args)
    assert (result.returncode, result.stderr) == (0, "")
    parser = cli_module.build_parser()
    expected = parser.format_help() if len(args) == 1 else parser._subparsers._group_actions[0].choices[
        args[0]].format_help()
    assert result.stdout == expected
    assert result.stdout.startswith("usage: symnn")


# --- 3. numeric flags in range; JSON never NaN ----------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["digits", "--seed", "-1"], "argument --seed: must be a whole number from 0 to 999999999, not -1"),
    (["digits", "--seed", "1.5"], "argument --seed: must be a whole number from 0 to 999999999, not '1.5'"),
    (["digits", "--seed", "1234567890"],
     "argument --seed: must be a whole number from 0 to 999999999, not '1234567890'"),
    (["digits", "--epochs", "0"], "argument --epochs: must be a positive number of epochs from 1 to 100000, not 0"),
    (["digits", "--epochs", "100001"],
     "argument --epochs: must be a positive number of epochs from 1 to 100000, not 100001"),
    (["digits", "--hidden", "0"],
     "argument --hidden: must be a positive number of hidden units from 1 to 16, not 0; "
     "the symbolic cross-check of a 35-H-1 or 35-H-10 network grows with H²"),
    (["digits", "--hidden", "100000"],
     "argument --hidden: must be a positive number of hidden units from 1 to 16, not 100000; "
     "the symbolic cross-check of a 35-H-1 or 35-H-10 network grows with H²"),
    (["digits", "--hidden", "+8"],
     "argument --hidden: must be a positive number of hidden units from 1 to 16, not '+8'; "
     "the symbolic cross-check of a 35-H-1 or 35-H-10 network grows with H²"),
    (["neuron", "--inputs", "²"], "argument --inputs: must be a positive integer from 1 to 999999999, not '²'"),
    (["neuron", "--inputs", "٣"], "argument --inputs: must be a positive integer from 1 to 999999999, not '٣'"),
    (["neuron", "--inputs", "0"], "argument --inputs: must be a positive integer from 1 to 999999999, not 0"),
])
def test_numeric_flags_out_of_range_are_refused_before_any_work(cli, no_training, args, message):
    start = time.perf_counter()
    line = one_error_line(cli(*args))
    assert time.perf_counter() - start < 1
    assert line == f"symnn: error: {message} (see 'symnn {args[0]} --help')"


def test_the_largest_hidden_layer_allowed_runs_in_seconds(cli):
    start = time.perf_counter()
    result = cli("digits", "--hidden", str(current().hidden_units), "--epochs", "2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"model: Network(35→{current().hidden_units}→1, sigmoid)\n")
    assert time.perf_counter() - start < 10


def test_classify_digits_refuses_what_the_command_line_refuses():
    from symnn.app.classify import classify_digits

    for keywords, message in ((dict(seed=-1), "seed must be an integer ≥ 0, not -1"),
                              (dict(epochs=0), "epochs must be an integer ≥ 1 or None, not 0"),
                              (dict(hidden=0), "hidden must be an integer ≥ 1 or None, not 0"),
                              (dict(hidden=2.5), "hidden must be an integer ≥ 1 or None, not 2.5")):
        with pytest.raises(symnn.InvalidArgumentError) as info:
            classify_digits(show_progress=False, **keywords)
        assert str(info.value) == message


def fake_digit_report(final_loss: float, max_rel: float) -> SimpleNamespace:
    check = SimpleNamespace(mode="mpmath, 40 digits", max_abs=(0.0,), max_rel=(max_rel,), ok=lambda rtol: True)
    return SimpleNamespace(network=symnn.Network([35, 1], activation="sigmoid"), data="lecture", train_size=2,
                           test_size=2, train_accuracy=1.0, test_accuracy=1.0, crosscheck=check, agreeing=2,
                           held_out=False, result=SimpleNamespace(final_loss=final_loss))


def test_digits_json_writes_null_and_a_note_for_numbers_that_are_not_finite(cli, monkeypatch):
    monkeypatch.setattr(commands, "classify_digits", lambda *a, **k: fake_digit_report(math.nan, math.inf))
    result = cli("digits", "--format", "json")
    assert (result.returncode, result.stderr) == (0, "")
    report = strict_json(result.stdout)
    assert report["final_loss"] is None and report["crosscheck"]["max_rel"] == [None]
    assert report["note"] == ("final_loss is nan (not a finite number), written as null; "
                              "crosscheck.max_rel[0] is inf (not a finite number), written as null")
    monkeypatch.setattr(commands, "classify_digits", lambda *a, **k: fake_digit_report(0.25, 0.0))
    finite = strict_json(cli("digits", "--format", "json").stdout)
    assert finite["final_loss"] == 0.25 and "note" not in finite  # the note only when needed


def test_every_json_dump_of_the_app_refuses_nan():
    """A NaN that slips through must raise, not be written: every json.dumps in symnn/app has allow_nan=False."""
    calls = []
    for path in sorted((PACKAGE / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                    "dumps", "dump") and getattr(node.func.value, "id", "") == "json":
                keywords = {k.arg: k.value for k in node.keywords}
                assert isinstance(keywords.get("allow_nan"), ast.Constant) and keywords["allow_nan"].value is False, (
                    f"{path.name}, line {node.lineno}: json.{node.func.attr} without allow_nan=False")
                calls.append(path.name)
    assert calls
    with pytest.raises(ValueError):
        commands.dumps({"loss": math.nan})


# --- 4. output sizes: every command × format finishes in seconds or is refused at once -------

def test_neuron_json_follows_the_network_rule(cli):
    limit = symnn.current_settings().elementwise_parameters
    small = cli("neuron", "--inputs", str(limit - 1), "--format", "json")  # limit − 1 weights + b: at the limit
    assert small.returncode == 0 and len(strict_json(small.stdout)["equations"]) == 2
    line = one_error_line(cli("neuron", "--inputs", str(limit), "--format", "json"))
    assert line == (f"symnn: error: Neuron({limit} inputs, sigmoid) has {limit + 1} parameters: JSON lists every "
                    f"unit's equations only up to {limit}; use --format latex for the block form")
    start = time.perf_counter()
    line = one_error_line(cli("neuron", "--inputs", "100000", "--format", "json"))
    assert time.perf_counter() - start < 1
    assert "has 100001 parameters" in line and "only up to 200" in line and "--format latex" in line


def test_collapse_json_verifies_once(cli, monkeypatch):
    from symnn.math.collapse import Collapse

    calls = []
    real = Collapse.verify
    monkeypatch.setattr(Collapse, "verify", lambda self, *a, **k: calls.append(1) or real(self, *a, **k))
    result = cli("collapse", "3,4,1", "--format", "json")
    assert result.returncode == 0 and strict_json(result.stdout)["verified"] is True
    assert len(calls) == 1


def test_collapse_json_of_a_large_network_is_refused_at_once_with_the_estimate(cli):
    start = time.perf_counter()
    line = one_error_line(cli("collapse", "784,64,10", "--format", "json"))
    assert time.perf_counter() - start < 2  # today's limit is a second; leave room for a busy machine
    # W' = W^{[1]} W^{[2]}: 784·10 entries, each a sum of 64 products of 2 weights
    assert line == ("symnn: error: Network(784→64→10, linear) collapses, but its W' written out would have 7,840 "
                    "entries with about 1,003,520 weight factors, more than --format json writes out (entries + "
                    "factors up to 50,000, the json_collapse_size setting, about 4 s here); use --format text or latex for the block-form proof, "
                    "or symnn.collapse(...).column(i) from Python")


def test_collapse_json_within_the_limit_lists_every_weight(cli):
    # 10-20-10: 100 entries, each a sum of 20 products of 2 weights (4 100 entries + factors)
    result = cli("collapse", "10,20,10", "--format", "json", "--no-bias")
    assert result.returncode == 0, result.stderr
    weights = strict_json(result.stdout)["weights"]
    assert len(weights) == 10 and all(len(row) == 10 for row in weights)
    assert all(entry.count(" + ") == 19 and entry.count("*") == 20 for row in weights for entry in row)


def test_collapse_proof_of_a_deep_network_is_refused_at_once_pointing_to_json(cli):
    depth = current().proof_layers + 1
    sizes = ",".join(["1"] * (depth + 1))
    start = time.perf_counter()
    line = one_error_line(cli("collapse", sizes))
    assert time.perf_counter() - start < 2
    assert f"its block-form proof spans {depth} layers, more than the {current().proof_layers} --format text checks" \
        in line and "use --format json" in line
    as_json = cli("collapse", sizes, "--format", "json")  # which checks it at exact points, quickly
    assert as_json.returncode == 0 and strict_json(as_json.stdout)["verified"] is True


LARGE = [
    ("network", "784,128,10"),
    ("collapse", "784,64,10"),
    ("collapse", "170,170,170"),
]


@pytest.mark.parametrize("fmt", ["text", "latex", "markdown", "json"])
def test_large_sizes_finish_in_seconds_or_are_refused_at_once(cli, fmt):
    for command, sizes in LARGE:
        start = time.perf_counter()
        result = cli(command, sizes, "--format", fmt)
        took = time.perf_counter() - start
        if result.returncode == 0:
            assert took < 10, (command, sizes, fmt, took)
            assert result.stderr == "" and 0 < len(result.stdout) < 2000  # the block form, not unit by unit
        else:
            line = one_error_line(result)
            assert took < 2, (command, sizes, fmt, took)
            assert re.search(r"\d[\d,]{3,}", line), line  # names the estimate
    start = time.perf_counter()
    result = cli("neuron", "--inputs", "100000", "--format", fmt)
    assert time.perf_counter() - start < 2
    if fmt != "json":
        assert result.returncode == 0 and "W" in result.stdout and "w₁" not in result.stdout


# --- 5. broken pipes and full disks ---------------------------------------------------------

class ReaderGoneAfter(io.StringIO):
    """A stdout whose reader goes away after ``lines`` lines: further writes raise EPIPE, like a pipe into head."""

    def __init__(self, lines: int):
        super().__init__()
        self.lines = lines

    def write(self, text: str) -> int:
        if self.getvalue().count("\n") >= self.lines:
            raise BrokenPipeError(32, "Broken pipe")
        return super().write(text)


def test_tour_into_a_closed_pipe_is_quiet_and_still_writes_its_files(monkeypatch, capsys, tmp_path):
    def fake_tour(out, say=print, pdf=None):
        for number in range(5):
            say(f"line {number}")
        out.mkdir(parents=True, exist_ok=True)
        (out / "index.md").write_text("written after the reader left")
        return [out / "index.md"]

    monkeypatch.setattr(commands, "run_tour", fake_tour)
    stdout = ReaderGoneAfter(1)
    monkeypatch.setattr(sys, "stdout", stdout)
    code = cli_module.main(["tour", "--out", str(tmp_path / "T"), "--no-pdf"])
    assert code == 0
    assert capsys.readouterr().err == ""
    assert stdout.getvalue() == "line 0\n"
    assert (tmp_path / "T" / "index.md").read_text() == "written after the reader left"
    assert sys.stdout is stdout  # put back as it was


def test_a_closed_pipe_at_the_start_is_quiet_in_a_real_process(processes):
    process = processes.start([sys.executable, "-m", "symnn", "network", "3,4,1"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # the reader is gone before the first byte
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 0
    assert stderr == b""  # no "Exception ignored … BrokenPipeError" at shutdown either


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_a_full_disk_on_stdout_is_one_line_exit_1(processes):
    with open("/dev/full", "w") as full:
        process = processes.start([sys.executable, "-m", "symnn", "network", "3,4,1"],
                                  stdout=full, stderr=subprocess.PIPE)
        stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 1
    assert stderr == "symnn: failed: cannot write to standard output: No space left on device\n"


def test_a_full_disk_in_process_is_one_line(monkeypatch, capsys):
    class Full(io.StringIO):
        def flush(self):
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(sys, "stdout", Full())
    code = cli_module.main(["network", "3,4,1"])
    assert code == 1
    assert capsys.readouterr().err == "symnn: failed: cannot write to standard output: No space left on device\n"


# --- 6. files: read-only files, empty --out --------------------------------------------------

def test_a_read_only_file_is_never_replaced_and_nothing_is_half_done(cli, generate_once, tmp_path):
    out = tmp_path / "D"
    assert cli("derive", "--all", "--out", str(out)).returncode == 0
    locked = out / "neuron.tex"
    locked.write_text("my own notes")
    locked.chmod(0o444)
    other = out / "sigmoid-example.tex"
    other.write_text("stale")
    line = one_error_line(cli("derive", "--all", "--out", str(out)), code=1, kind="failed")
    assert line == (f"symnn: failed: {locked} is read-only, so symnn will not replace it; "
                    "make it writable (chmod u+w) or write somewhere else")
    assert locked.read_text() == "my own notes" and stat.S_IMODE(locked.stat().st_mode) == 0o444
    assert other.read_text() == "stale"  # refused before any file was written
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []  # no temporary left


def test_a_replaced_file_keeps_its_mode(cli, generate_once, tmp_path):
    out = tmp_path / "D"
    out.mkdir()
    private = out / "neuron.tex"
    private.write_text("old")
    private.chmod(0o600)
    assert cli("derive", "--all", "--out", str(out)).returncode == 0
    assert private.read_text().startswith("\\documentclass") and stat.S_IMODE(private.stat().st_mode) == 0o600


@pytest.mark.parametrize("command", [["derive", "--all"], ["derive", "neuron"], ["tour"]])
def test_an_empty_out_is_refused_and_nothing_is_written(cli, command, monkeypatch, tmp_path):
    monkeypatch.setattr(commands, "run_tour", lambda *a, **k: pytest.fail("the tour ran with --out ''"))
    monkeypatch.chdir(tmp_path)
    for empty in ("", "  "):
        line = one_error_line(cli(*command, "--out", empty))
        assert line == f"symnn: error: --out must name a folder, not {empty!r}; write '--out .' for the current folder"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["derive", "--all"], ["derive", "--all", "--check"], ["tour"]])
def test_an_out_that_is_a_file_is_refused(cli, command, monkeypatch, tmp_path):
    monkeypatch.setattr(commands, "run_tour", lambda *a, **k: pytest.fail("the tour ran into a file"))
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    line = one_error_line(cli(*command, "--out", str(target)))
    assert line == f"symnn: error: --out {str(target)!r} is a file, not a folder; name a folder (it is made when missing)"
    assert target.read_text() == "mine"


def test_check_of_an_unreadable_file_is_one_line(cli, generate_once, tmp_path):
    out = tmp_path / "D"
    assert cli("derive", "--all", "--out", str(out)).returncode == 0
    (out / "neuron.tex").write_bytes(b"\xff\xfe not UTF-8")
    result = cli("derive", "--all", "--check", "--out", str(out))
    assert result.returncode == 1 and "neuron.tex" in result.stderr and "internal error" not in result.stderr


# --- 7. Ctrl-C under a progress bar -----------------------------------------------------------

class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def screen_lines(text: str) -> list[str]:
    """The non-blank lines a terminal shows: a carriage return goes back to the start of the line and overwrites."""
    lines = []
    for raw in text.split("\n"):
        cells: list[str] = []
        column = 0
        for char in raw:
            if char == "\r":
                column = 0
                continue
            cells[column:column + 1] = [char]
            column += 1
        if "".join(cells).strip():
            lines.append("".join(cells).rstrip())
    return lines


def test_ctrl_c_under_a_progress_bar_ends_with_the_message_on_its_own_line(monkeypatch):
    pytest.importorskip("tqdm")
    from symnn.progress import progress

    def epoch(number):
        raise KeyboardInterrupt  # Ctrl-C while the bar is on the screen

    def interrupted_training(*args, **kwargs):
        # a comprehension keeps the bar's iterator in its frame, which the traceback keeps alive,
        # so the bar is not closed by itself before the message is printed
        return [epoch(number) for number in progress(range(100_000), total=100_000, description="training")]

    monkeypatch.setattr(commands, "classify_digits", interrupted_training)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert cli_module.main(["digits"]) == 130
    drawn = terminal.getvalue()
    assert "training" in drawn  # the bar was drawn…
    assert screen_lines(drawn) == ["symnn: interrupted"]  # …and cleared, leaving the message alone on its line
