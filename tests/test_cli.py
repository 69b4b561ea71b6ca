"""The ``symnn`` command: the real entry points once, then every subcommand in-process (exit codes, output, errors)."""

import json
import shlex
import subprocess
import sys
from fractions import Fraction
from importlib.metadata import version

import mpmath
import pytest
import sympy

from symnn.app import cli as cli_module

VALID_ACTIVATIONS = "linear, sigmoid, tanh, relu, step, leaky_relu, softplus"  # the README's list, in its order


def one_error_line(result, code=2, kind="error"):
    """The command failed with ``code`` and said so in exactly one line on stderr, nothing on stdout."""
    assert result.returncode == code, result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n"), result.stderr
    assert result.stderr.startswith(f"symnn: {kind}: "), result.stderr
    return result.stderr.rstrip("\n")


# --- the installed entry points, run for real ----------------------------------------------

def test_installed_script_and_python_m_symnn_run_the_command_line(processes, symnn_script):
    script = processes.run([symnn_script, "--version"], timeout=120)
    assert (script.returncode, script.stdout, script.stderr) == (0, f"symnn {version('symnn')}\n", "")
    module = processes.run([sys.executable, "-m", "symnn", "network", "3,x,1"], timeout=120)
    assert (module.returncode, module.stdout) == (2, "")  # the exit code survives python -m
    assert module.stderr == ("symnn: error: sizes '3,x,1' must be positive integers separated by commas, "
                             "e.g. 3,4,1\n")


def test_broken_pipe_is_quiet(processes):
    # The reader is gone before symnn writes a byte: the write fails with EPIPE, which must end
    # quietly with exit 0 (not "Exception ignored … BrokenPipeError" and exit 120).
    process = processes.start([sys.executable, "-m", "symnn", "activations"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 0
    assert stderr == b""


# --- help, version, argument errors ----------------------------------------------------------

def test_version_in_process(cli):
    result = cli("--version")
    assert (result.returncode, result.stdout, result.stderr) == (0, f"symnn {version('symnn')}\n", "")


def test_top_level_help_lists_every_subcommand(cli):
    result = cli("--help")
    assert result.returncode == 0 and result.stderr == ""
    for sub in ("tour", "neuron", "network", "collapse", "activations", "derive", "digits"):
        assert f"\n    {sub} " in result.stdout or f"\n    {sub}\n" in result.stdout, sub


@pytest.mark.parametrize("sub", ["tour", "neuron", "network", "collapse", "derive", "digits", "activations"])
def test_every_subcommand_help_shows_an_example_that_parses(cli, sub):
    result = cli(sub, "--help")
    assert result.returncode == 0 and result.stderr == ""
    examples = [line.split(":", 1)[1].strip() if ":" in line else line.strip()
                for line in result.stdout.split("example", 1)[1].splitlines() if "symnn " in line]
    assert examples, result.stdout
    for example in examples:
        words = shlex.split(example)
        assert words[:2] == ["symnn", sub], example
        cli_module.build_parser().parse_args(words[1:])  # an example that does not parse would exit 2


def test_help_lists_the_activation_names_the_library_knows():
    from symnn import activations

    assert list(cli_module.ACTIVATION_NAMES) == activations.names() == VALID_ACTIVATIONS.split(", ")


def test_missing_subcommand_argument_ends_with_argparse_error(cli):
    result = cli("network")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == "symnn: error: the following arguments are required: sizes (see 'symnn network --help')\n"


def test_unknown_subcommand_names_it_and_the_choices(cli):
    result = cli("frobnicate")
    assert result.returncode == 2 and result.stdout == ""
    last = result.stderr_lines()[-1]
    assert "invalid choice: 'frobnicate'" in last
    assert "'tour', 'neuron', 'network', 'collapse', 'backprop', 'activations', 'derive', 'digits'" in last


# --- neuron and network ---------------------------------------------------------------------------

def test_network_prints_every_unit_z_and_a(cli):
    result = cli("network", "3,4,1", "--activation", "linear")
    assert result.returncode == 0 and result.stderr == ""
    out = result.stdout
    assert out.startswith("Network(3→4→1, linear)\n")
    for i in range(1, 5):
        sub = chr(0x2080 + i)
        # z_i^{[1]} = w_{1i}^{[1]} x_1 + w_{2i}^{[1]} x_2 + w_{3i}^{[1]} x_3 + b_i^{[1]};  linear: a = z
        assert f"z{sub}⁽¹⁾ = w₁{sub}⁽¹⁾⋅x₁ + w₂{sub}⁽¹⁾⋅x₂ + w₃{sub}⁽¹⁾⋅x₃ + b{sub}⁽¹⁾\n" in out
        assert f"a{sub}⁽¹⁾ = z{sub}⁽¹⁾\n" in out
    assert "z₁⁽²⁾ = w₁₁⁽²⁾⋅a₁⁽¹⁾ + w₂₁⁽²⁾⋅a₂⁽¹⁾ + w₃₁⁽²⁾⋅a₃⁽¹⁾ + w₄₁⁽²⁾⋅a₄⁽¹⁾ + b₁⁽²⁾" in out


def test_network_latex_and_no_bias(cli):
    result = cli("network", "2,1", "--activation", "sigmoid", "--no-bias", "--format", "latex")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout == (
        "\\begin{aligned}\n"
        r"z_{1}^{[1]} &= w_{11}^{[1]} x_{1} + w_{21}^{[1]} x_{2} \\" "\n"
        r"a_{1}^{[1]} &= \sigma(z_{1}^{[1]})" "\n"
        "\\end{aligned}\n"
    )


def test_network_with_one_activation_per_layer(cli):
    result = cli("network", "2,2,1", "--activation", "relu,sigmoid")
    assert result.returncode == 0, result.stderr
    assert "a₁⁽¹⁾ = ReLU(z₁⁽¹⁾)" in result.stdout and "a₁⁽²⁾ = σ(z₁⁽²⁾)" in result.stdout


def test_network_with_a_formula_activation(cli):
    result = cli("network", "1,1", "--activation", "expr:z/(1 + Abs(z))")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Network(1→1, z/(1 + Abs(z)))\n")  # the formula names the activation
    assert "z₁⁽¹⁾ = w₁₁⁽¹⁾⋅x₁ + b₁⁽¹⁾\na₁⁽¹⁾ = g(z₁⁽¹⁾)\n" in result.stdout


def test_large_network_prints_block_form(cli):
    result = cli("network", "784,128,10", "--activation", "sigmoid")
    assert result.returncode == 0, result.stderr
    assert "(101770 parameters: showing the block form, one line per layer)" in result.stdout  # 784·128+128+128·10+10
    lines = result.stdout.splitlines()
    # z^{[1]} = W^{[1]T} x + b^{[1]} on one line, the T a superscript as in the LaTeX; a^{[j]} = σ(z^{[j]})
    assert "z⁽¹⁾ = W⁽¹⁾ᵀ⋅x + b⁽¹⁾" in lines and "a⁽¹⁾ = σ(z⁽¹⁾)" in lines
    assert "z⁽²⁾ = W⁽²⁾ᵀ⋅a⁽¹⁾ + b⁽²⁾" in lines and "a⁽²⁾ = σ(z⁽²⁾)" in lines
    assert "w₁₁" not in result.stdout  # not unit by unit


def test_neuron_latex(cli):
    result = cli("neuron", "--inputs", "3", "--format", "latex")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "\\begin{aligned}\n"
        r"z_{1}^{[1]} &= w_{11}^{[1]} x_{1} + w_{21}^{[1]} x_{2} + w_{31}^{[1]} x_{3} + b_{1}^{[1]} \\" "\n"
        r"a_{1}^{[1]} &= \sigma(z_{1}^{[1]})" "\n"
        "\\end{aligned}\n"
    )


def test_neuron_text(cli):
    result = cli("neuron", "--inputs", "2", "--activation", "tanh")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Neuron(2 inputs, tanh)\nz₁⁽¹⁾ = w₁₁⁽¹⁾⋅x₁ + w₂₁⁽¹⁾⋅x₂ + b₁⁽¹⁾\na₁⁽¹⁾ = tanh(z₁⁽¹⁾)\n"


def test_network_markdown_and_json_formats(cli):
    md = cli("network", "2,1", "--format", "markdown")
    assert md.returncode == 0
    assert md.stdout == ("$$\n\\begin{aligned}\n"
                         r"z_{1}^{[1]} &= w_{11}^{[1]} x_{1} + w_{21}^{[1]} x_{2} + b_{1}^{[1]} \\" "\n"
                         r"a_{1}^{[1]} &= z_{1}^{[1]}" "\n\\end{aligned}\n$$\n")
    data = json.loads(cli("network", "2,1", "--format", "json").stdout)
    assert data == {"object": "Network(2→1, linear)", "equations": [
        {"lhs": "z1[1]", "rhs": "w11[1]*x1 + w21[1]*x2 + b1[1]",
         "latex": "z_{1}^{[1]} = w_{11}^{[1]} x_{1} + w_{21}^{[1]} x_{2} + b_{1}^{[1]}"},
        {"lhs": "a1[1]", "rhs": "z1[1]", "latex": "a_{1}^{[1]} = z_{1}^{[1]}"},
    ]}


def test_network_json_of_a_large_network_is_refused_naming_the_count_and_the_alternative(cli):
    line = one_error_line(cli("network", "784,128,10", "--format", "json"))
    assert "101770 parameters" in line and "--format latex" in line


@pytest.mark.parametrize(
    "args, named, allowed",
    [
        (["network", "3,x,1"], "'3,x,1'", "positive integers separated by commas"),
        (["network", "3,0,1"], "not 0", "positive integer"),
        (["network", "3,4,1", "--activation", "sigmoidal"], "'sigmoidal'", "valid names: " + VALID_ACTIVATIONS),
        (["network", "3,4,1", "--activation", "relu,relu,relu"], "got 3", "exactly 2"),
        (["network", "2,1", "--activation", "expr:y + 1"], "'y'", "allowed: the variable z"),
        (["neuron", "--inputs", "0"], "not 0", "positive integer"),
        (["neuron", "--activation", "nope"], "'nope'", "valid names: " + VALID_ACTIVATIONS),
        (["collapse", "3,,1"], "'3,,1'", "positive integers separated by commas"),
        (["collapse", "3,4,1", "--activation", "sine"], "'sine'", "valid names: " + VALID_ACTIVATIONS),
        (["digits", "--hidden", "0"], "not 0", "positive number of hidden units"),
    ],
)
def test_bad_usage_is_one_line_naming_the_value_and_what_is_allowed(cli, args, named, allowed):
    line = one_error_line(cli(*args))
    assert named in line and allowed in line


@pytest.mark.parametrize(
    "args, last_line",
    [
        (["digits", "--data", "mnist"],
         "symnn: error: argument --data: invalid choice: 'mnist' (choose from 'lecture', 'variants', "
         "'handwritten') (see 'symnn digits --help')"),
        (["activations", "--format", "yaml"],
         "symnn: error: argument --format: invalid choice: 'yaml' (choose from 'text', 'latex', "
         "'markdown', 'json') (see 'symnn activations --help')"),
        (["tour", "--bogus"], "symnn: error: unrecognized arguments: --bogus (see 'symnn tour --help')"),
    ],
)
def test_argparse_refusals_are_one_line_naming_the_reason(cli, args, last_line):
    result = cli(*args)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == last_line + "\n"


def test_debug_shows_the_traceback_instead_of_one_line(cli):
    import symnn

    plain = cli("network", "2,0")
    assert "not 0" in one_error_line(plain)
    with pytest.raises(symnn.InvalidSizeError, match="not 0"):  # --debug lets the error through: Python prints it
        cli("--debug", "network", "2,0")


# --- digits ------------------------------------------------------------------------------------

def test_digits_reports_accuracy_and_crosscheck(cli):
    result = cli("digits")
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "model: Network(35→1, sigmoid)"
    assert "accuracy: 100.0% on training, 100.0% on test" in lines
    assert any(line.startswith("cross-check (mpmath, 40 digits, 2 samples): max |Δ| = ") for line in lines)
    assert lines[-1] == "predictions agreeing with the symbolic z (exact rationals): 2 of 2"


def test_digits_json_has_the_documented_keys(cli):
    result = cli("digits", "--data", "variants", "--hidden", "4", "--epochs", "5", "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    # the README's list of keys
    assert sorted(report) == sorted(["model", "data", "train_size", "test_size", "train_accuracy", "test_accuracy",
                                     "final_loss", "crosscheck", "predictions_agreeing_with_symbolic_z", "held_out"])
    assert report["model"] == "Network(35→4→1, sigmoid)" and report["data"] == "variants"
    assert report["train_size"] == report["test_size"] == 2000 and report["held_out"] is True
    assert report["predictions_agreeing_with_symbolic_z"] == 2000
    assert 0.5 < report["test_accuracy"] <= 1 and report["final_loss"] > 0
    assert report["crosscheck"]["mode"] == "mpmath, 40 digits"
    assert max(report["crosscheck"]["max_rel"]) <= 1e-12


# --- collapse ------------------------------------------------------------------------------------

def test_collapse_linear_network_text_and_json(cli):
    result = cli("collapse", "3,4,1", "--no-bias")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("Network(3→4→1, linear, no bias) collapses to a linear model\n")
    assert "w'₁ = w₁₁⁽¹⁾⋅w₁₁⁽²⁾ + w₁₂⁽¹⁾⋅w₂₁⁽²⁾ + w₁₃⁽¹⁾⋅w₃₁⁽²⁾ + w₁₄⁽¹⁾⋅w₄₁⁽²⁾" in result.stdout
    assert "Network(3→4→1, linear, no bias) collapses to a linear model: verified" in result.stdout
    as_json = cli("collapse", "3,4,1", "--no-bias", "--format", "json")
    assert as_json.returncode == 0
    data = json.loads(as_json.stdout)
    assert sorted(data) == sorted(["network", "collapses", "model", "weights", "bias", "verified", "method"])
    assert data["model"] == "linear"
    assert data["collapses"] is True and data["bias"] is None and data["verified"] is True
    # w'_k = Σ_j w_{kj}^{[1]} w_{j1}^{[2]}, written from the slide
    assert data["weights"] == [[f"w{k}1[1]*w11[2] + w{k}2[1]*w21[2] + w{k}3[1]*w31[2] + w{k}4[1]*w41[2]"]
                               for k in (1, 2, 3)]


def mp_sigmoid_network(weights: dict, x: list) -> mpmath.mpf:
    """a_1^{[2]} of the 2-2-1 sigmoid network at x, from the JSON's exact weights, in mpmath."""
    def value(name):
        return mpmath.mpf(Fraction(weights[name]).numerator) / Fraction(weights[name]).denominator

    def sigma(t):
        return 1 / (1 + mpmath.exp(-t))

    hidden = [sigma(sum(value(f"w{k}{i}[1]") * x[k - 1] for k in (1, 2)) + value(f"b{i}[1]")) for i in (1, 2)]
    return sigma(sum(value(f"w{k}1[2]") * hidden[k - 1] for k in (1, 2)) + value("b1[2]"))


def test_collapse_sigmoid_network_reports_a_witness_that_reevaluates_and_exits_1(cli):
    result = cli("collapse", "2,2,1", "--activation", "sigmoid")
    assert result.returncode == 1 and result.stderr == ""
    assert result.stdout.startswith("Network(2→2→1, sigmoid) does not collapse: ")
    assert "\nwitness: x = " in result.stdout
    as_json = cli("collapse", "2,2,1", "--activation", "sigmoid", "--format", "json")
    assert as_json.returncode == 1
    data = json.loads(as_json.stdout)
    assert sorted(data) == ["collapses", "network", "of", "reason", "witness"] and data["collapses"] is False
    assert data["of"] == "outputs"
    witness = data["witness"]
    assert sorted(witness) == ["difference", "output", "weights", "x", "y"]
    with mpmath.workdps(40):
        x = [mpmath.mpf(Fraction(v).numerator) / Fraction(v).denominator for v in witness["x"]]
        y = [mpmath.mpf(Fraction(v).numerator) / Fraction(v).denominator for v in witness["y"]]
        f = lambda point: mp_sigmoid_network(witness["weights"], point)  # noqa: E731
        # f(x + y) + f(0) − f(x) − f(y), which is 0 for every x, y exactly when f is affine
        difference = f([a + b for a, b in zip(x, y)]) + f([0, 0]) - f(x) - f(y)
        assert abs(difference) > mpmath.mpf(10) ** -20
        assert abs(difference - mpmath.mpf(witness["difference"])) < mpmath.mpf(10) ** -25


@pytest.mark.parametrize("fmt, start", [
    ("latex", "\\par\\noindent Multiply out, with $(AB)^T = B^T A^T$; this holds whatever the layer sizes "
              "$n_0, \\ldots, n_L$ ($W^{[j]}$ is $n_{j-1} \\times n_j$):\n"
              "\\begin{align*}\n"
              r"W^{[2]T} \left(W^{[1]T} x + b^{[1]}\right) + b^{[2]} &= "
              r"\left(W^{[1]} W^{[2]}\right)^{T} x + W^{[2]T} b^{[1]} + b^{[2]}"),
    ("markdown", "## Network(2→2→1, linear) collapses to a linear model\n"),
])
def test_collapse_formats(cli, fmt, start):
    result = cli("collapse", "2,2,1", "--format", fmt)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith(start)


LAYER_MATHML = '<mrow><mo stretchy="false">[</mo><mn>{}</mn><mo stretchy="false">]</mo></mrow>'


def weight_mathml(k: int, i: int, j: int) -> str:
    """w_{ki}^{[j]} in MathML, written from the lecture's notation (both indices below 10: no comma)."""
    return f"<msubsup><mi>w</mi><mrow><mn>{k}</mn><mn>{i}</mn></mrow>{LAYER_MATHML.format(j)}</msubsup>"


def test_collapse_html_of_a_linear_network_is_its_checked_proof(cli):
    result = cli("collapse", "2,3,3,2", "--no-bias", "--format", "html")
    assert result.returncode == 0 and result.stderr == ""
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert "<title>Network(2→3→3→2, linear, no bias) collapses to a linear model</title>" in page
    assert "<script" not in page and "$" not in page
    # every weight of the 2-3-3-2 network, w_{ki}^{[j]} for k ≤ n_{j−1}, i ≤ n_j, appears; no bias does
    sizes = [2, 3, 3, 2]
    for j in (1, 2, 3):
        for k in range(1, sizes[j - 1] + 1):
            for i in range(1, sizes[j] + 1):
                assert weight_mathml(k, i, j) in page, (k, i, j)
    assert weight_mathml(3, 1, 1) not in page  # layer 1 has two inputs only
    assert "<mi>b</mi>" not in page
    assert "Checked by symnn." in page and "DOES NOT HOLD" not in page
    assert "15 steps checked" in page


def mp_sigmoid_network_341(weights: dict, x: list) -> mpmath.mpf:
    """a_1^{[2]} of a 3-4-1 sigmoid network at x, from the JSON's exact weights, in mpmath."""
    def value(name):
        return mpmath.mpf(Fraction(weights[name]).numerator) / Fraction(weights[name]).denominator

    def sigma(t):
        return 1 / (1 + mpmath.exp(-t))

    hidden = [sigma(sum(value(f"w{k}{i}[1]") * x[k - 1] for k in (1, 2, 3)) + value(f"b{i}[1]")) for i in (1, 2, 3, 4)]
    return sigma(sum(value(f"w{k}1[2]") * hidden[k - 1] for k in (1, 2, 3, 4)) + value("b1[2]"))


def test_collapse_html_of_a_sigmoid_network_is_the_counterexample(cli):
    result = cli("collapse", "3,4,1", "--activation", "sigmoid", "--format", "html")
    assert result.returncode == 1 and result.stderr == ""  # a reported non-collapse, as in the other formats
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert "<h1>Network(3→4→1, sigmoid) does not collapse</h1>" in page
    assert '<p class="note">Layer 1 (sigmoid), layer 2 (sigmoid) are not affine' in page
    # the difference the page shows, to ten digits, is f(x + y) + f(0) − f(x) − f(y) for the JSON's witness
    witness = json.loads(cli("collapse", "3,4,1", "--activation", "sigmoid", "--format", "json").stdout)["witness"]
    with mpmath.workdps(40):
        x, y = ([mpmath.mpf(Fraction(v).numerator) / Fraction(v).denominator for v in witness[key]] for key in "xy")
        f = lambda point: mp_sigmoid_network_341(witness["weights"], point)  # noqa: E731
        difference = f([a + b for a, b in zip(x, y)]) + f([0, 0, 0]) - f(x) - f(y)
        assert abs(difference) > mpmath.mpf(10) ** -20
        mantissa, exponent = mpmath.nstr(abs(difference), 10, min_fixed=1, max_fixed=0).split("e")
    assert f"<mn>{mantissa}</mn><mo>&#xB7;</mo><msup><mn>10</mn>" in page
    assert "Checked by symnn." in page and "DOES NOT HOLD" not in page


def test_collapse_html_is_refused_beyond_the_proof_depth(cli):
    from symnn import settings

    with settings(proof_layers=2):
        line = one_error_line(cli("collapse", "2,2,2,1", "--format", "html"), code=2)
    assert "--format html" in line and "3 layers" in line


# --- activations ---------------------------------------------------------------------------------

# g(z) of each activation, written from the lecture (leaky ReLU: identity for z ≥ 0, a small slope below)
ACTIVATION_ORACLES = {
    "linear": lambda t: t,
    "sigmoid": lambda t: 1 / (1 + mpmath.exp(-t)),
    "tanh": lambda t: (mpmath.exp(t) - mpmath.exp(-t)) / (mpmath.exp(t) + mpmath.exp(-t)),
    "relu": lambda t: max(t, 0),
    "step": lambda t: mpmath.mpf(1) if t >= 0 else mpmath.mpf(0),
    "softplus": lambda t: mpmath.log(1 + mpmath.exp(t)),
}
# the range as data: bounds (null where infinite) and whether each end belongs to it, or the values of a finite set
def _interval(lower, upper, lower_closed, upper_closed, text, latex):
    return {"kind": "interval", "lower": lower, "upper": upper, "lower_closed": lower_closed,
            "upper_closed": upper_closed, "text": text, "latex": latex}


REALS = _interval(None, None, False, False, "ℝ", r"\mathbb{R}")
RANGES = {"linear": REALS, "sigmoid": _interval(0, 1, False, False, "(0, 1)", r"\left(0, 1\right)"),
          "tanh": _interval(-1, 1, False, False, "(−1, 1)", r"\left(-1, 1\right)"),
          "relu": _interval(0, None, True, False, "[0, ∞)", r"\left[0, \infty\right)"),
          "step": {"kind": "set", "values": [0, 1], "text": "{0, 1}", "latex": r"\left\{0, 1\right\}"},
          "leaky_relu": REALS, "softplus": _interval(0, None, False, False, "(0, ∞)", r"\left(0, \infty\right)")}


def test_activations_json_values_derivatives_and_ranges(cli):
    result = cli("activations", "--format", "json")
    assert result.returncode == 0 and result.stderr == ""
    rows = json.loads(result.stdout)
    assert [r["name"] for r in rows] == VALID_ACTIVATIONS.split(", ") + ["softmax"]
    softmax = rows.pop()  # the output layer's vector activation: a_i = e^{z_i}/Σ_m e^{z_m}, never affine
    assert (softmax["g"], softmax["derivative_text"]) == ("exp(z_i)/Sum(exp(z_m), (m, 1, K))", "aᵢ([i = m] − aₘ)")
    assert softmax["affine"] is False and softmax["range"]["text"] == "(0, 1)"
    assert {r["name"]: r["affine"] for r in rows} == {name: name == "linear" for name in RANGES}
    assert {r["name"]: r["range"] for r in rows} == RANGES
    t = sympy.Symbol("z", real=True)
    points = [mpmath.mpf(v) for v in ("-2.5", "-0.75", "0.5", "1.25", "3")]
    with mpmath.workdps(30):
        for row in rows:
            g = sympy.lambdify(t, sympy.sympify(row["g"], locals={"z": t}), modules="mpmath")
            dg = sympy.lambdify(t, sympy.sympify(row["derivative"], locals={"z": t}), modules="mpmath")
            for p in points:
                if row["name"] in ACTIVATION_ORACLES:
                    assert abs(g(p) - ACTIVATION_ORACLES[row["name"]](p)) < mpmath.mpf(10) ** -25, (row, p)
                else:  # leaky ReLU
                    assert (g(p) == p) if p > 0 else (0 < g(p) / p < 1), (row, p)
                # g′ against a central difference of g (no kink within h of these points)
                h = mpmath.mpf(10) ** -10
                assert abs(dg(p) - (g(p + h) - g(p - h)) / (2 * h)) < mpmath.mpf(10) ** -15, (row, p)


def test_activations_markdown_and_latex_tables(cli):
    md = cli("activations", "--format", "markdown").stdout.splitlines()
    assert md[0] == "| name | g(z) | g′(z) | range | affine |"
    assert [line.split(" | ")[0].lstrip("| ") for line in md[2:]] == VALID_ACTIVATIONS.split(", ") + ["softmax"]
    assert md[2] == r"| linear | $z$ | $1$ | $\mathbb{R}$ | yes |"
    latex = cli("activations", "--format", "latex").stdout
    assert latex.startswith("\\begin{tabular}{lllll}\n") and latex.endswith("\\end{tabular}\n")
    assert "name & $g(z)$ & $g'(z)$ & range & affine" in latex
    assert "relu & $\\max(z, 0)$ & " in latex and "\nleaky\\_relu & " in latex
    assert "sigmoid & $\\sigma(z) = \\frac{1}{1 + e^{-z}}$ & $\\sigma(z)\\bigl(1 - \\sigma(z)\\bigr)$ & $\\left(0, 1\\right)$ & no" in latex
