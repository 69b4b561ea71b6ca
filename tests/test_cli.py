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


def test_collapse_linear_network_text_and_json():
    import json

    result = run("collapse", "3,4,1", "--no-bias")
    assert result.returncode == 0, result.stderr
    assert "collapses to a linear model" in result.stdout and "verified" in result.stdout
    data = json.loads(run("collapse", "3,4,1", "--no-bias", "--format", "json").stdout)
    assert data["collapses"] is True and data["bias"] is None and data["verified"] is True
    assert data["weights"][0] == ["w11[1]*w11[2] + w12[1]*w21[2] + w13[1]*w31[2] + w14[1]*w41[2]"]


def test_collapse_sigmoid_network_reports_witness_and_exits_1():
    import json

    result = run("collapse", "2,2,1", "--activation", "sigmoid")
    assert result.returncode == 1
    assert "does not collapse" in result.stdout and "witness" in result.stdout
    data = json.loads(run("collapse", "2,2,1", "--activation", "sigmoid", "--format", "json").stdout)
    assert data["collapses"] is False and float(data["witness"]["difference"]) != 0


@pytest.mark.parametrize("fmt, fragment", [("latex", "\\begin{align*}"), ("markdown", "$$")])
def test_collapse_formats(fmt, fragment):
    result = run("collapse", "2,2,1", "--format", fmt)
    assert result.returncode == 0 and fragment in result.stdout


@pytest.mark.parametrize("args", [["collapse", "3,,1"], ["collapse", "3,4,1", "--activation", "sine"],
                                  ["activations", "--format", "yaml"], ["tour", "--bogus"]])
def test_new_commands_bad_usage(args):
    result = run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_activations_json_and_markdown():
    import json

    rows = json.loads(run("activations", "--format", "json").stdout)
    assert [r["name"] for r in rows][:4] == ["linear", "sigmoid", "tanh", "relu"]
    assert {r["name"]: r["affine"] for r in rows}["linear"] is True
    assert "| relu |" in run("activations", "--format", "markdown").stdout


def test_network_markdown_and_json_formats():
    import json

    md = run("network", "2,1", "--format", "markdown").stdout
    assert md.startswith("$$\n\\begin{aligned}")
    data = json.loads(run("network", "2,1", "--format", "json").stdout)
    assert data["equations"][0]["latex"] == "z_{1}^{[1]} = w_{11}^{[1]} x_{1} + w_{21}^{[1]} x_{2} + b_{1}^{[1]}"
    assert run("network", "784,128,10", "--format", "json").returncode == 2


def test_every_subcommand_help_has_an_example():
    for sub in ("tour", "neuron", "network", "collapse", "derive", "digits", "activations"):
        result = run(sub, "--help")
        assert result.returncode == 0 and "example" in result.stdout, sub


def test_broken_pipe_is_quiet():
    command = f"{sys.executable} -m symnn activations | head -1"
    result = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr
