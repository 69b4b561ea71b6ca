"""The terminal: pretty output broken only between terms at the terminal width, one-line Σ, one
subscript style, and the activation table a student reads (exact rows written from the lecture)."""

from __future__ import annotations

import json
import re

import pytest
from sympy import Sum, Symbol, exp

import symnn
from symnn import Network, Neuron
from symnn.app import catalog
from symnn.core.notation import ActivationAt, BiasAt, InputAt, NotationMatrix, NotationSymbol, WeightAt
from symnn.core.printing import pretty_printer, terminal_width, unicode_name
from symnn.render.text import derivation_text

WIDTHS = (40, 60, 80, 120)
# a single matrix or Piecewise is one picture that cannot be broken; these two are wider than 40 columns
UNBREAKABLE_AT_40 = {"layer-matrix", "perceptron"}


@pytest.fixture(scope="module")
def derivations():
    return {name: catalog.build(name) for name in catalog.names()}


def symbol_names(expr) -> set[str]:
    """How each of the lecture's symbols in ``expr`` prints on its own (w₁₁⁽¹⁾, x₃, W⁽²⁾, …)."""
    printer = pretty_printer()
    return {printer._print(s).render(wrap_line=False) for s in expr.atoms(NotationSymbol, NotationMatrix)}


def assert_fits(text: str, width: int) -> None:
    too_wide = [line for line in text.splitlines() if len(line) > width]
    assert not too_wide, f"{len(too_wide)} lines wider than {width}: {too_wide[0]!r}"


def assert_symbols_whole(text: str, expr) -> None:
    lines = text.splitlines()
    for name in symbol_names(expr):
        assert any(name in line for line in lines), f"{name} is cut across lines"


# --- symnn.pretty ------------------------------------------------------------------------------

LONG_EXPRESSIONS = {
    "a of 2-2-1 from the inputs": lambda: Network([2, 2, 1]).a(2, 1, from_inputs=True),
    "z of 35 inputs": lambda: Neuron(35).z(),
    "z of 3-4-1 output from the inputs": lambda: Network([3, 4, 1], activation="linear").a(2, 1, from_inputs=True),
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(LONG_EXPRESSIONS))
def test_pretty_expression_fits_the_width_and_keeps_symbols_whole(monkeypatch, width, name):
    monkeypatch.setenv("COLUMNS", str(width))
    expr = LONG_EXPRESSIONS[name]()
    text = symnn.pretty(expr)
    assert_fits(text, width)
    assert_symbols_whole(text, expr)
    # nothing lost: the lines joined are the expression on one line
    assert " ".join(line.strip() for line in text.splitlines()) == symnn.pretty(expr, num_columns=10_000)


@pytest.mark.parametrize("width", WIDTHS)
def test_pretty_of_symnn_objects_fits_the_width(monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    for obj in (Neuron(35), Network([3, 4, 1], activation="sigmoid"), Network([2, 3, 3, 2])):
        text = symnn.pretty(obj)
        assert_fits(text, width)
        for lhs, rhs in obj.display_pairs():
            assert_symbols_whole(text, rhs)


def test_the_35_input_z_continues_just_after_the_equals_sign(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    lines = symnn.pretty(Neuron(35)).splitlines()
    z_lines = lines[:-1]  # the last line is a₁⁽¹⁾ = σ(z₁⁽¹⁾)
    assert z_lines[0].startswith("z₁⁽¹⁾ = w₁₁⁽¹⁾⋅x₁ + w₂₁⁽¹⁾⋅x₂ + ")
    indent = " " * len("z₁⁽¹⁾ = ")
    assert len(z_lines) > 2 and all(line.startswith(indent + "+ w") for line in z_lines[1:])
    assert z_lines[-1].endswith("+ w₃₅,₁⁽¹⁾⋅x₃₅ + b₁⁽¹⁾")
    assert lines[-1] == "a₁⁽¹⁾ = σ(z₁⁽¹⁾)"


def test_the_2_2_1_output_breaks_between_terms_not_inside_b(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    text = symnn.pretty(Network([2, 2, 1]).a(2, 1, from_inputs=True))
    assert text == ("w₁₁⁽²⁾⋅(w₁₁⁽¹⁾⋅x₁ + w₂₁⁽¹⁾⋅x₂ + b₁⁽¹⁾) + w₂₁⁽²⁾⋅(w₁₂⁽¹⁾⋅x₁ + w₂₂⁽¹⁾⋅x₂ + b₂⁽¹⁾)\n"
                    "+ b₁⁽²⁾")


def test_a_sum_inside_parentheses_breaks_aligned_inside_them():
    text = symnn.pretty(Network([2, 3, 3, 2]).a(3, 1, from_inputs=True), num_columns=40)
    assert_fits(text, 40)
    lines = text.splitlines()
    # each continuation starts with + and sits at or right of the column where its sum began
    assert all(line.lstrip().startswith(("+ ", "- ")) for line in lines[1:])


def test_short_equations_are_unchanged():
    assert symnn.pretty(Neuron(2)) == "z₁⁽¹⁾ = w₁₁⁽¹⁾⋅x₁ + w₂₁⁽¹⁾⋅x₂ + b₁⁽¹⁾\na₁⁽¹⁾ = σ(z₁⁽¹⁾)"


def test_columns_decides_the_width_and_80_without_it(monkeypatch):
    monkeypatch.setenv("COLUMNS", "57")
    assert terminal_width() == 57
    monkeypatch.delenv("COLUMNS")

    def no_terminal(*args):
        raise OSError("not a terminal")

    monkeypatch.setattr("os.get_terminal_size", no_terminal)
    assert terminal_width() == 80


# --- derivations and collapse proofs -----------------------------------------------------------

@pytest.mark.parametrize("width", WIDTHS)
def test_every_derivation_text_fits_the_width(derivations, width):
    for name, derivation in derivations.items():
        if width == 40 and name in UNBREAKABLE_AT_40:
            continue
        text = derivation_text(derivation, width=width)
        assert_fits(text, width)
        for step in derivation.steps:
            assert_symbols_whole(text, step.rhs)


def cli_text(result, title_prefix: str) -> str:
    """The derivation part of a derive/collapse output: the lines before the check report."""
    lines = result.stdout.splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith(title_prefix) and line.endswith(": verified"))
    return "\n".join(lines[:end])


@pytest.mark.parametrize("width", WIDTHS)
def test_collapse_2_3_3_2_text_fits_the_width(cli, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    result = cli("collapse", "2,3,3,2")
    assert result.returncode == 0, result.stderr
    text = cli_text(result, "Network(2→3→3→2")
    assert_fits(text, width)
    assert "W⁽¹⁾ᵀ⋅x + b⁽¹⁾" in text  # the transpose on the line, not raised onto the line above


@pytest.mark.parametrize("width", (40, 80))
def test_derive_command_uses_the_terminal_width(cli, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    result = cli("derive", "sigmoid-non-collapse")
    assert result.returncode == 0, result.stderr
    assert_fits(cli_text(result, "A sigmoid network"), width)


def test_sums_print_on_one_line_in_the_lecture_s_form(derivations):
    i, j, k = (Symbol(letter, integer=True) for letter in "ijk")
    z_j = Sum(WeightAt(k, 1, j) * ActivationAt(k, i), (k, 1, 3)) + BiasAt(1, j)
    assert symnn.pretty(z_j) == "Σₖ₌₁³ wₖ₁⁽ʲ⁾⋅aₖ⁽ⁱ⁾ + b₁⁽ʲ⁾"
    inner = Sum(WeightAt(i, j, 1) * InputAt(i), (i, 1, 3))
    # a Σ inside a product in parentheses, as the lecture writes Σ_j w_j^{[2]} · (Σ_i w_{ij}^{[1]} · x_i)
    assert symnn.pretty(Sum(WeightAt(j, 1, 2) * inner, (j, 1, 4))) == "Σⱼ₌₁⁴ wⱼ₁⁽²⁾⋅(Σᵢ₌₁³ wᵢⱼ⁽¹⁾⋅xᵢ)"
    assert symnn.pretty(Sum(WeightAt(k, 1, 1) * InputAt(k) + BiasAt(1, 1), (k, 1, 2))) == "Σₖ₌₁² (wₖ₁⁽¹⁾⋅xₖ + b₁⁽¹⁾)"
    n = Symbol("q", integer=True)  # a limit with no superscript letter
    assert symnn.pretty(Sum(InputAt(k), (k, 1, n))) == "Σ[k=1..q] xₖ"
    neuron = derivation_text(derivations["neuron"], width=80)
    assert "z₁⁽ʲ⁾ = Σₖ₌₁³ wₖ₁⁽ʲ⁾⋅aₖ⁽ⁱ⁾ + b₁⁽ʲ⁾\n" in neuron
    for derivation in derivations.values():
        text = derivation_text(derivation, width=80)
        assert "╲" not in text and "‾" not in text, derivation.title  # no drawn Σ glyphs


def test_one_subscript_style():
    assert unicode_name("w", ["j", "1"], 2) == "wⱼ₁⁽²⁾"  # j has a subscript (U+2C7C), like i and k
    assert unicode_name("z", ["1"], "j") == "z₁⁽ʲ⁾"
    assert unicode_name("w", ["12", "3"], 1) == "w₁₂,₃⁽¹⁾"
    # an index with no Unicode subscript: all the indices of that symbol plain, after an underscore
    assert unicode_name("w", ["q", "1"], 2) == "w_q1⁽²⁾"
    assert unicode_name("b", ["1"], "q") == "b₁^(q)"


def test_derivations_never_mix_plain_and_scripted_indices(derivations):
    for derivation in derivations.values():
        text = derivation_text(derivation, width=120)
        for plain in ("wj1", "wij", "aj⁽", "w1j", "z1[j]", "b1[j]"):
            assert plain not in text, (derivation.title, plain)


def test_block_form_transposes_on_one_line(derivations):
    text = derivation_text(derivations["collapse-block-form"], width=120)
    assert "W⁽²⁾ᵀ⋅(W⁽¹⁾ᵀ⋅x + b⁽¹⁾) + b⁽²⁾ = (W⁽¹⁾⋅W⁽²⁾)ᵀ⋅x + W⁽²⁾ᵀ⋅b⁽¹⁾ + b⁽²⁾\n" in text


# --- symnn activations -------------------------------------------------------------------------

# written from the lecture: σ(z) = 1/(1 + e^{−z}), σ′ = σ(1 − σ), ReLU max(z, 0) whose g′ symnn takes as
# SymPy's Heaviside, ½ at z = 0; the step fires at z ≥ 0
ACTIVATION_ROWS = [
    ["name", "g(z)", "g′(z)", "range", "affine"],
    ["linear", "z", "1", "ℝ", "yes"],
    ["sigmoid", "σ(z) = 1/(1 + e⁻ᶻ)", "σ(z)(1 − σ(z))", "(0, 1)", "no"],
    ["tanh", "(eᶻ − e⁻ᶻ)/(eᶻ + e⁻ᶻ)", "1 − tanh²(z)", "(−1, 1)", "no"],
    ["relu", "max(z, 0)", "1 if z > 0 else 0 (½ at 0)", "[0, ∞)", "no"],
    ["step", "1 if z ≥ 0 else 0", "0 (also at z = 0)", "{0, 1}", "no"],
    ["leaky_relu", "z if z ≥ 0 else 0.01·z", "1 if z ≥ 0 else 0.01", "ℝ", "no"],
    ["softplus", "ln(1 + eᶻ)", "σ(z)", "(0, ∞)", "no"],
]


def test_activation_table_rows_and_aligned_columns(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    lines = cli("activations").stdout.splitlines()
    assert [re.split(r" {2,}", line) for line in lines] == ACTIVATION_ROWS
    # every column starts at the same place in every row (all these characters are one column wide)
    starts = {tuple(m.start() for m in re.finditer(r"(?:^|(?<=  ))\S", line)) for line in lines}
    assert len(starts) == 1, starts
    assert max(len(line) for line in lines) <= 80
    for code in ("Piecewise", "exp(", "Max(", "**", "θ"):
        assert all(code not in line for line in lines)


def test_activation_table_stacks_when_the_terminal_is_narrow(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    lines = cli("activations").stdout.splitlines()
    assert max(len(line) for line in lines) <= 60
    at = lines.index("sigmoid")
    assert lines[at + 1:at + 4] == ["  g(z)  = σ(z) = 1/(1 + e⁻ᶻ)", "  g′(z) = σ(z)(1 − σ(z))",
                                    "  range (0, 1), affine: no"]


def test_activation_json_range_is_data(cli):
    rows = {r["name"]: r for r in json.loads(cli("activations", "--format", "json").stdout)}
    assert rows["sigmoid"]["range"] == {"kind": "interval", "lower": 0, "upper": 1, "lower_closed": False,
                                        "upper_closed": False, "text": "(0, 1)", "latex": r"\left(0, 1\right)"}
    relu = rows["relu"]["range"]
    assert (relu["lower"], relu["upper"], relu["lower_closed"], relu["upper_closed"]) == (0, None, True, False)
    assert rows["linear"]["range"]["lower"] is None and rows["linear"]["range"]["latex"] == r"\mathbb{R}"
    assert rows["step"]["range"] == {"kind": "set", "values": [0, 1], "text": "{0, 1}", "latex": r"\left\{0, 1\right\}"}
    assert rows["relu"]["g_text"] == "max(z, 0)" and rows["sigmoid"]["derivative_text"] == "σ(z)(1 − σ(z))"


def test_activation_latex_and_markdown_tables_read_like_the_lecture(cli):
    latex = cli("activations", "--format", "latex").stdout.splitlines()
    assert latex[1] == r"name & $g(z)$ & $g'(z)$ & range & affine \\ \hline"
    assert latex[5].startswith(r"relu & $\max(z, 0)$ & ") and latex[5].endswith(r"& $\left[0, \infty\right)$ & no \\")
    assert latex[7].startswith(r"leaky\_relu & ")
    markdown = cli("activations", "--format", "markdown").stdout.splitlines()
    assert markdown[3] == (r"| sigmoid | $\sigma(z) = \frac{1}{1 + e^{-z}}$ | $\sigma(z)\bigl(1 - \sigma(z)\bigr)$ "
                           r"| $\left(0, 1\right)$ | no |")
    assert markdown[5].startswith(r"| relu | $\max(z, 0)$ | ")


def test_named_inputs_and_units_print_in_the_same_style():
    net = Network([2, 1], input_names=["price", "shipping cost"], unit_names=[["top seller"]])
    assert symnn.pretty(net, num_columns=120).splitlines() == [
        "z_top_seller⁽¹⁾ = w₁₁⁽¹⁾⋅x_price + w₂₁⁽¹⁾⋅x_shipping_cost + b₁⁽¹⁾",
        "a_top_seller⁽¹⁾ = z_top_seller⁽¹⁾"]


@pytest.mark.parametrize("tex, text", [
    (r"$\sigma(z) = 1/(1 + e^{-z})$", "σ(z) = 1/(1 + e⁻ᶻ)"),
    (r"the activations $a_k^{[i]}$ of layer $i$", "the activations aₖ⁽ⁱ⁾ of layer i"),
    (r"multiply out, $(AB)^T = B^T A^T$", "multiply out, (AB)ᵀ = Bᵀ Aᵀ"),
    (r"the network at $(- \frac{1}{5}, - \frac{5}{3})$", "the network at (-1/5, -5/3)"),
    (r"$f(X) = w'_1 \cdot x_1 + w'_2 \cdot x_2$", "f(X) = w'₁ · x₁ + w'₂ · x₂"),
    (r"($\mathbf{1}$ is the all-ones column)", "(𝟙 is the all-ones column)"),
    (r"sizes $n_0, \ldots, n_L$", "sizes n₀, …, n_L"),  # no subscript L: written plainly
    (r"the shift $-1$, and $x - 1$", "the shift -1, and x - 1"),
    ("no math here", "no math here"),
])
def test_reasons_and_captions_read_as_unicode_math(tex, text):
    from symnn.render.text import plain_text

    assert plain_text(tex) == text


def test_sigmoid_denominator_in_the_lecture_s_order():
    b = Symbol("b")
    assert symnn.pretty(1 / (1 + exp(-b))).splitlines()[-1] == "1 + ℯ"  # 1/(1 + e^{−b}), not 1/(e^{−b} + 1)


def test_pretty_of_a_derivation_takes_the_num_columns_option():
    from symnn.app import catalog

    derivation = catalog.build("linear-collapse-3-4-1")
    for width in (50, 70):
        lines = symnn.pretty(derivation, num_columns=width).splitlines()
        assert max(len(line) for line in lines) <= width
        assert any(len(line) > width - 10 for line in lines)  # the width is used, not some narrower default
