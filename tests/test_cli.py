"""The ``symnn`` command through its real entry points (console script and ``python -m symnn``)."""

import shutil
import subprocess
import sys

import pytest

import symnn


def run(*args, module=False):
    command = [sys.executable, "-m", "symnn", *args] if module else [shutil.which("symnn") or "symnn", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"symnn {symnn.__version__}"


def test_network_prints_every_unit_z_and_a():
    result = run("network", "3,4,1", "--activation", "linear")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Network(3→4→1, linear)" in out
    for i in range(1, 5):
        assert f"z{chr(0x2080 + i)}⁽¹⁾ = " in out  # z_i^{[1]} in Unicode
        assert f"a{chr(0x2080 + i)}⁽¹⁾ = z{chr(0x2080 + i)}⁽¹⁾" in out  # linear: a = z
    assert "z₁⁽²⁾ = w₁₁⁽²⁾⋅a₁⁽¹⁾ + w₂₁⁽²⁾⋅a₂⁽¹⁾ + w₃₁⁽²⁾⋅a₃⁽¹⁾ + w₄₁⁽²⁾⋅a₄⁽¹⁾ + b₁⁽²⁾" in out


def test_network_latex_and_no_bias():
    result = run("network", "2,1", "--activation", "sigmoid", "--no-bias", "--format", "latex", module=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "\\begin{aligned}\n"
        r"z_{1}^{[1]} &= w_{11}^{[1]} x_{1} + w_{21}^{[1]} x_{2} \\" "\n"
        r"a_{1}^{[1]} &= \sigma(z_{1}^{[1]})" "\n"
        "\\end{aligned}"
    )


def test_network_with_one_activation_per_layer():
    result = run("network", "2,2,1", "--activation", "relu,sigmoid")
    assert result.returncode == 0, result.stderr
    assert "ReLU(z₁⁽¹⁾)" in result.stdout and "σ(z₁⁽²⁾)" in result.stdout


def test_large_network_prints_block_form():
    result = run("network", "784,128,10", "--activation", "sigmoid")
    assert result.returncode == 0, result.stderr
    assert "block form" in result.stdout
    assert "W⁽¹⁾" in result.stdout


def test_neuron_latex():
    result = run("neuron", "--inputs", "3", "--format", "latex")
    assert result.returncode == 0, result.stderr
    assert r"z_{1}^{[1]} &= w_{11}^{[1]} x_{1} + w_{21}^{[1]} x_{2} + w_{31}^{[1]} x_{3} + b_{1}^{[1]}" in result.stdout


def test_neuron_text():
    result = run("neuron", "--inputs", "2", "--activation", "tanh")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "Neuron(2 inputs, tanh)"
    assert "a₁⁽¹⁾ = tanh(z₁⁽¹⁾)" in result.stdout


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["network", "3,x,1"], "positive integers separated by commas"),
        (["network", "3,0,1"], "positive integer"),
        (["network", "3,4,1", "--activation", "sigmoidal"], "valid names"),
        (["network", "3,4,1", "--activation", "relu,relu,relu"], "exactly 2"),
        (["neuron", "--inputs", "0"], "positive integer"),
        (["neuron", "--activation", "nope"], "valid names"),
    ],
)
def test_bad_usage_is_one_line_without_traceback(args, fragment):
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("symnn: error:")
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr


def test_argparse_errors_exit_2():
    result = run("network")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    result = run("frobnicate")
    assert result.returncode == 2


def test_subcommand_help_shows_an_example():
    for sub in ("neuron", "network"):
        result = run(sub, "--help")
        assert result.returncode == 0
        assert "example: symnn " + sub in result.stdout


def test_digits_reports_accuracy_and_crosscheck():
    result = run("digits")
    assert result.returncode == 0, result.stderr
    assert "accuracy: 100.0% on training, 100.0% on test" in result.stdout
    assert "cross-check (mpmath, 40 digits, 2 samples)" in result.stdout
    assert "predictions agreeing with the symbolic z (exact rationals): 2 of 2" in result.stdout


def test_digits_json_is_parseable():
    import json

    result = run("digits", "--data", "variants", "--hidden", "4", "--epochs", "5", "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    assert report["model"] == "Network(35→4→1, sigmoid)"
    assert report["test_size"] == 2000 and report["held_out"] is True
    assert report["crosscheck"]["mode"].startswith("mpmath")


@pytest.mark.parametrize("args", [["digits", "--hidden", "0"], ["digits", "--data", "mnist"]])
def test_digits_bad_usage(args):
    result = run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
