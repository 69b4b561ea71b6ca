"""symnn.backprop end to end: the compiled gradient train uses against the symbolic rules, the catalog's
backpropagation pages against strings written from the textbook formulas, and the CLI.

(tests/test_backprop_oracles.py checks the formulas themselves against sympy.diff, mpmath finite
differences and a published worked example.)
"""

import json
import random

import numpy as np
import pytest
from sympy import Rational

import symnn
from symnn.app import catalog
from symnn.core import notation
from symnn.numeric.gradients import CompiledGradient
from symnn.numeric.params import Params

NETWORKS = [
    ([2, 3, 1], "sigmoid", "bce", True),
    ([3, 2, 2], ["tanh", "sigmoid"], "squared_error", True),
    ([2, 2, 2, 1], ["relu", "tanh", "sigmoid"], "bce", False),
    ([2, 3, 2], ["sigmoid", "linear"], "mse", True),
]


@pytest.mark.parametrize("sizes, activation, loss, bias", NETWORKS)
def test_the_compiled_gradient_train_uses_is_the_rules(sizes, activation, loss, bias):
    """CompiledGradient (NumPy, what train runs) and Backprop.gradient_values (SymPy, exact) on one sample."""
    network = symnn.Network(sizes, activation=activation, bias=bias)
    rng = random.Random(5)
    Ws = [[[rng.randint(-9, 9) / 10 for _ in range(n_out)] for _ in range(n_in)]
          for n_in, n_out in zip(sizes, sizes[1:])]
    bs = [[rng.randint(-9, 9) / 10 for _ in range(n_out)] for n_out in sizes[1:]] if bias else None
    x = [rng.randint(-9, 9) / 10 + 0.05 for _ in range(sizes[0])]  # + 0.05: no ReLU unit sits at z = 0
    y = [rng.randint(1, 9) / 10 for _ in range(sizes[-1])]
    params = Params.from_arrays([np.array(W) for W in Ws], [np.array(b) for b in bs] if bias else None)
    numeric = CompiledGradient(symnn.compile(network), loss=loss)(np.array([x]), np.array([y]), params)
    bp = symnn.backprop(network, loss)
    values = {}
    for j, W in enumerate(Ws, start=1):
        for k, row in enumerate(W, start=1):
            for i, value in enumerate(row, start=1):
                values[notation.w(k, i, j)] = Rational(repr(value))
        if bias:
            for i, value in enumerate(bs[j - 1], start=1):
                values[notation.b(i, j)] = Rational(repr(value))
    values.update({s: Rational(repr(v)) for s, v in zip(network.inputs(), x)})
    values.update({s: Rational(repr(v)) for s, v in zip(bp.targets(), y)})
    exact = bp.gradient_values(values)
    for j in range(1, len(sizes)):
        for k in range(1, sizes[j - 1] + 1):
            for i in range(1, sizes[j] + 1):
                assert numeric.dW[j - 1][k - 1, i - 1] == pytest.approx(float(exact[notation.w(k, i, j)]), abs=1e-12)
        if bias:
            for i in range(1, sizes[j] + 1):
                assert numeric.db[j - 1][i - 1] == pytest.approx(float(exact[notation.b(i, j)]), abs=1e-12)


def test_the_chain_rule_page_reads_as_the_textbook():
    tex = catalog.build("chain-rule-neuron").latex()
    assert (r"\frac{\partial L}{\partial w_{k1}^{[1]}} &= \frac{\partial L}{\partial a_{1}^{[1]}} "
            r"\frac{\partial a_{1}^{[1]}}{\partial z_{1}^{[1]}} \frac{\partial z_{1}^{[1]}}{\partial w_{k1}^{[1]}}") in tex
    assert r"\frac{\partial L}{\partial a_{1}^{[1]}} &= - \frac{y}{a_{1}^{[1]}} + \frac{1 - y}{1 - a_{1}^{[1]}}" in tex
    assert r"\frac{\partial a_{1}^{[1]}}{\partial z_{1}^{[1]}} &= a_{1}^{[1]} \left(1 - a_{1}^{[1]}\right)" in tex
    assert r"= \left(a_{1}^{[1]} - y\right) x_{k}" in tex


def test_the_3_4_1_page_has_the_output_error_and_the_recursion():
    tex = catalog.build("backprop-3-4-1").latex()
    assert r"\delta_{1}^{[2]} &= \frac{\partial L}{\partial z_{1}^{[2]}} = a_{1}^{[2]} - y" in tex
    assert (r"\delta_{3}^{[1]} &= \frac{\partial L}{\partial z_{3}^{[1]}} = a_{3}^{[1]} \left(1 - a_{3}^{[1]}\right) "
            r"w_{31}^{[2]} \delta_{1}^{[2]}") in tex
    assert r"\frac{\partial L}{\partial w_{ki}^{[1]}} &= x_{k} \delta_{i}^{[1]}" in tex
    assert r"\delta^{[j]} &= \left(W^{[j+1]} \delta^{[j+1]}\right) \odot g^{[j]\prime}(z^{[j]})" in tex
    assert r"\theta &\leftarrow \theta - \eta \frac{\partial L}{\partial \theta}" in tex


@pytest.mark.parametrize("name", ["chain-rule-neuron", "backprop-3-4-1", "backprop-block-form", "relu-gradient",
                                  "linear-network-gradient", "backprop-worked-example"])
def test_every_backprop_page_checks_every_step(name):
    report = catalog.build(name).verify()
    assert report.ok, str(report)
    assert all(s.check.method != "" for s in report.steps)


def test_the_worked_example_prints_the_published_numbers():
    # Matt Mazur, "A Step by Step Backpropagation Example": out_o1, E_total and the new w5, w1 (typed from there)
    tex = catalog.build("backprop-worked-example").latex()
    for published in ("0.75136507", "0.298371109", "0.35891648", "0.408666186", "0.149780716", "0.19956143"):
        assert published in tex, published
    assert r"w_{11}^{[2]} &\leftarrow 0.4 - 0.5 \cdot 0.0821670406 \approx 0.35891648" in tex


MAZUR = ["--loss", "squared_error", "--weights", "[[[0.15, 0.25], [0.2, 0.3]], [[0.4, 0.5], [0.45, 0.55]]]",
         "--biases", "[0.35, 0.6]", "--inputs", "[0.05, 0.1]", "--targets", "[0.01, 0.99]", "--lr", "0.5"]


def test_cli_prints_the_rules_and_a_worked_step(cli):
    rules = cli("backprop", "2,2,1", "--activation", "sigmoid", "--loss", "bce")
    assert rules.returncode == 0, rules.stderr
    assert "δ₁⁽²⁾ = ∂L/∂z₁⁽²⁾" in rules.stdout and "verified" in rules.stdout
    worked = cli("backprop", "2,2,2", *MAZUR, "--format", "json")
    assert worked.returncode == 0, worked.stderr
    data = json.loads(worked.stdout)
    assert data["verified"] is True and data["loss"] == "squared_error"
    assert float(data["updated"]["w11[2]"]) == pytest.approx(0.35891648, abs=5e-9)
    assert float(data["updated"]["w11[1]"]) == pytest.approx(0.149780716, abs=5e-10)
    assert float(data["values"]["a1[2]"]) == pytest.approx(0.75136507, abs=5e-9)


@pytest.mark.parametrize("extra, message", [
    (["--weights", "[[[0.15]]]"], "missing: --inputs, --targets, --biases"),
    (["--weights", "[1", "--biases", "[0]", "--inputs", "[0, 0]", "--targets", "[0, 1]"], "--weights must be JSON"),
    (["--weights", "[[[1, 2], [3, 4]]]", "--biases", "[0, 0]", "--inputs", "[0, 0]", "--targets", "[0, 1]"],
     "weights must be a list of 2 matrices"),
    (["--weights", "[[[1, 2], [3, 4]], [[1, 2], [3, 4]]]", "--biases", "[0, 0]", "--inputs", "[0, 0]",
      "--targets", "[0, \"x\"]"], "must be a number such as 0.15"),
])
def test_cli_refuses_bad_numbers_saying_what_is_allowed(cli, extra, message):
    result = cli("backprop", "2,2,2", *extra)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_the_html_page_of_the_rules_has_no_raw_tex():
    page = symnn.backprop(symnn.Network([2, 2, 1], activation="sigmoid")).derivation().html()
    assert "<math" in page and "\\partial" not in page and "\\delta" not in page


def test_the_html_pages_write_the_block_forms_display_symbols_as_math():
    # g^{[j]′}(z^{[j]}), d/dη L(θ − η∇L)|_{η=0} and ‖∇L‖² were printed as their SymPy names (gprime_j, …)
    page = catalog.build("backprop-block-form").html()  # the block form's lines (backprop-softmax has them too)
    for raw in ("gprime", "descent_rate", "gradient_norm", "j-1", "DeltaAt"):
        assert raw not in page, raw
    assert "<mo>&#8214;</mo>" in page or "<mo stretchy=\"false\">&#8214;</mo>" in page  # the norm's ‖
    assert "<mo>&#8722;</mo><mn>1</mn>" in page  # a^{[j−1]} with a real minus


# --- found by an independent review: each once failed -------------------------------------------------

@pytest.mark.parametrize("sizes, activation, loss, bias", [
    ([1, 5], "sigmoid", "bce", True),                      # five outputs, and one layer (no recursion)
    ([1, 1, 1], "sigmoid", "bce", False),                  # no biases: no bias line in the block form
    ([1, 1, 1], ["sigmoid", "linear"], "squared_error", True),  # a linear output: δ = z − y with a = z
])
def test_the_rules_page_verifies_for_every_shape(sizes, activation, loss, bias):
    network = symnn.Network(sizes, activation=activation, bias=bias)
    report = symnn.backprop(network, loss).derivation().verify()
    assert report.ok, str(report)


def test_rules_for_a_large_network_are_refused_at_once():
    with pytest.raises(symnn.ExpressionTooLarge, match="10,201 parameters, more than the limit"):
        symnn.backprop(symnn.Network([100, 100, 1], activation="sigmoid"))


def test_a_saturated_worked_example_keeps_its_digits_and_verifies():
    bp = symnn.backprop(symnn.Network([1, 1], activation="sigmoid"), "squared_error")
    example = bp.worked_example([[[800]]], [0], [1], [0])
    assert example.verify().ok
    # δ = (a − y) a (1 − a) with a = σ(800): about e^{−800} = 3.66787458…e-348 (mpmath), to 9 figures
    assert r"3.66787458 \cdot 10^{-348}" in example.latex()


def test_whole_numbers_print_as_whole_numbers_and_markdown_has_no_empty_emphasis():
    bp = symnn.backprop(symnn.Network([2, 1], activation="sigmoid"), "squared_error")
    example = bp.worked_example([[[1], [2]]], [0], [1, 0], [1])
    assert "= 1 \\cdot 1 + 2 \\cdot 0 + 0 = 1" in example.latex()
    assert "**" not in example.markdown()


@pytest.mark.parametrize("number, message", [
    ("1e5000", "beyond 10^±300"), ("1e-999", "beyond 10^±300"), ("2**10", "must be a number such as 0.15"),
    ("x" * 200, "must be a number such as 0.15"),
])
def test_numbers_beyond_what_a_worked_example_takes_are_refused(number, message):
    from symnn.math.backprop import as_number
    with pytest.raises(symnn.InvalidArgumentError, match=message.replace("^", r"\^")):
        as_number(number, "w")


def test_a_weights_file_that_is_not_text_is_refused(cli, tmp_path):
    (tmp_path / "w.json").write_bytes(b"\xff\xfe")
    result = cli("backprop", "2,2,2", "--weights", f"@{tmp_path / 'w.json'}", "--biases", "[0, 0]",
                 "--inputs", "[1, 0]", "--targets", "[0, 1]")
    assert result.returncode == 2 and "cannot read it as UTF-8 text" in result.stderr


def test_ce_is_cross_entropy_and_auto_fits_the_output():
    softmax, sigmoid = symnn.Network([2, 3], activation="softmax"), symnn.Network([2, 1], activation="sigmoid")
    assert symnn.backprop(softmax, "ce").loss == symnn.backprop(softmax).loss == "cross_entropy"
    assert symnn.backprop(sigmoid).loss == "bce"
    X, labels = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), np.array([0, 1, 2])
    by_alias = symnn.train(softmax, X, labels, loss="ce", epochs=3, show_progress=False)
    by_name = symnn.train(softmax, X, labels, loss="cross_entropy", epochs=3, show_progress=False)
    assert [r.loss for r in by_alias.history] == [r.loss for r in by_name.history]
