"""The terminal: pretty output broken only between terms at the terminal width, one-line Σ, one
subscript style, one product dot (⋅) and the real minus sign (−) in math, parentheses as tall as what
they enclose, prose wrapped between words with its formulas whole, and the activation table a student
reads (exact rows written from the lecture)."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from sympy import Eq, Float, Matrix, MatrixSymbol, Piecewise, Rational, Sum, Symbol, Transpose, exp, oo, symbols, tanh

import symnn
from symnn import Network, Neuron
from symnn.app import catalog
from symnn.core import notation
from symnn.core.notation import ActivationAt, BiasAt, InputAt, NotationMatrix, NotationSymbol, WeightAt
from symnn.core.printing import layout, pretty_printer, terminal_width, unicode_name
from symnn.math.derivation import Derivation
from symnn.render.text import derivation_text, plain_text

WIDTHS = (40, 60, 80, 120)
MINUS, DOT = "\u2212", "\u22c5"  # − and ⋅, the signs the equations print


@pytest.fixture(scope="module")
def derivations():
    return {name: catalog.build(name) for name in catalog.names()}


def symbol_names(expr) -> set[str]:
    """How each of the lecture's symbols in ``expr`` prints on its own (w₁₁⁽¹⁾, x₃, W⁽²⁾, …)."""
    printer = pretty_printer()
    return {printer._print(s).render(wrap_line=False) for s in expr.atoms(NotationSymbol, NotationMatrix)}


def columns(line: str) -> int:
    """Terminal columns, counted as wcwidth does: combining marks none, East Asian wide characters two."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def assert_fits(text: str, width: int) -> None:
    too_wide = [line for line in text.splitlines() if columns(line) > width]
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
        text = derivation_text(derivation, width=width)
        assert_fits(text, width)
        for step in derivation.steps:
            assert_symbols_whole(text, step.rhs)


def cli_text(result, title_prefix: str) -> str:
    """A derive/collapse output: the derivation, then its check report, which starts with the title again and
    says it verified; the report is wrapped to the terminal like the rest, so the whole text is returned."""
    lines = result.stdout.splitlines()
    start = title_prefix.split(" ")[0]
    report = max(i for i, line in enumerate(lines) if line.startswith(start) and i > 0)
    assert "verified" in " ".join(lines[report:]) and "NOT verified" not in " ".join(lines[report:])
    return "\n".join(lines)


@pytest.mark.parametrize("width", WIDTHS)
def test_collapse_2_3_3_2_text_fits_the_width(cli, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    result = cli("collapse", "2,3,3,2")
    assert result.returncode == 0, result.stderr
    text = cli_text(result, "Network(2→3→3→2")
    assert_fits(text, width)
    assert "W⁽¹⁾ᵀ⋅x + b⁽¹⁾" in text  # the transpose on the line, not raised onto the line above


@pytest.mark.parametrize("width", (40, 80))
@pytest.mark.parametrize("name", ["sigmoid-non-collapse", "layer-matrix", "perceptron"])
def test_derive_command_uses_the_terminal_width(cli, monkeypatch, width, name):
    monkeypatch.setenv("COLUMNS", str(width))
    result = cli("derive", name)
    assert result.returncode == 0, result.stderr
    text = cli_text(result, plain_text(catalog.build(name).title))
    assert_fits(text, width)
    for step in catalog.build(name).steps:
        assert_symbols_whole(text, step.rhs)


def test_a_matrix_too_wide_for_the_line_breaks_its_entries_between_terms():
    """layer-matrix at 40 columns: W⁽¹⁾ᵀ⋅x + b⁽¹⁾ on its own line, each row of the column broken inside its
    brackets after two terms (the room after "    = " and the brackets is 32 columns; three terms take 36)."""
    text = derivation_text(catalog.build("layer-matrix"), width=40)
    lines = text.splitlines()
    at = lines.index("W⁽¹⁾ᵀ⋅x + b⁽¹⁾")
    assert lines[at + 1:at + 4] == ["      ⎡w₁₁⁽¹⁾⋅x₁ + w₂₁⁽¹⁾⋅x₂⎤",
                                    "      ⎢  + w₃₁⁽¹⁾⋅x₃ + b₁⁽¹⁾⎥",
                                    "      ⎢                     ⎥"]
    assert lines[at + 6] == "    = ⎢                     ⎥"
    assert lines[at + 11] == "      ⎣  + w₃₄⁽¹⁾⋅x₃ + b₄⁽¹⁾⎦"


def test_cases_too_wide_for_the_line_break_their_condition_between_terms():
    """perceptron at 40 columns: the condition θ ≤ w₁₁x₁ + w₂₁x₂ + w₃₁x₃ goes on under its first term."""
    lines = derivation_text(catalog.build("perceptron"), width=40).splitlines()
    at = next(n for n, line in enumerate(lines) if "for θ ≤" in line)
    assert lines[at:at + 5] == ["        ⎧1  for θ ≤ w₁₁⁽¹⁾⋅x₁",
                                "        ⎪           + w₂₁⁽¹⁾⋅x₂",
                                "a₁⁽¹⁾ = ⎨           + w₃₁⁽¹⁾⋅x₃",
                                "        ⎪",
                                "        ⎩0       otherwise"]


def test_a_matrix_with_too_many_columns_is_printed_in_blocks_of_columns():
    weights = Matrix(2, 6, lambda k, i: notation.w(int(k) + 1, int(i) + 1, 1))
    text = symnn.pretty(Eq(notation.matrix("W", 2, 6, layer=1), weights, evaluate=False), num_columns=40)
    # 33 columns after "W⁽¹⁾ = ": four 6-column entries two apart, with the brackets, take 32
    assert text == ("       columns 1–4 of 6\n"
                    "       ⎡w₁₁⁽¹⁾  w₁₂⁽¹⁾  w₁₃⁽¹⁾  w₁₄⁽¹⁾⎤\n"
                    "W⁽¹⁾ = ⎢                              ⎥\n"
                    "       ⎣w₂₁⁽¹⁾  w₂₂⁽¹⁾  w₂₃⁽¹⁾  w₂₄⁽¹⁾⎦\n"
                    "       columns 5–6 of 6\n"
                    "       ⎡w₁₅⁽¹⁾  w₁₆⁽¹⁾⎤\n"
                    "       ⎢              ⎥\n"
                    "       ⎣w₂₅⁽¹⁾  w₂₆⁽¹⁾⎦")


def test_a_row_written_transposed_breaks_between_its_entries():
    row = Transpose(Matrix([[notation.x(k) for k in range(1, 13)]]))
    assert symnn.pretty(Eq(Symbol("X"), row, evaluate=False), num_columns=30) == (
        "X = [x₁  x₂  x₃  x₄  x₅  x₆\n"
        "     x₇  x₈  x₉  x₁₀  x₁₁\n"
        "     x₁₂]ᵀ")


def test_parentheses_of_a_broken_function_grow_with_what_they_enclose_on_each_line():
    a, b, c, d, x = symbols("a b c d x")
    # tanh(a/2 + b/3 + c/5 + d/7 + x/11) is 24 columns; at 20 the last term goes on, under the first
    assert symnn.pretty(tanh(a / 2 + b / 3 + c / 5 + d / 7 + x / 11), num_columns=20) == (
        "    ⎛a   b   c   d\n"
        "tanh⎜─ + ─ + ─ + ─\n"
        "    ⎝2   3   5   7\n"
        "       x ⎞\n"
        "     + ──⎟\n"
        "       11⎠")


def test_sigma_of_a_tall_argument_opens_with_a_tall_parenthesis(derivations):
    lines = derivation_text(derivations["sigmoid-non-collapse"], width=80).splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("f(x) = "))
    # the outer σ( spans the three rows of the fractions on its line, and its ) those on the last line
    assert lines[at - 1].startswith("        ⎛        ⎛") and lines[at].startswith("f(x) = σ⎜w₁₁⁽²⁾⋅σ⎜")
    assert lines[at + 1].startswith("        ⎝        ⎝")
    assert lines[at + 2].endswith("⎞        ⎞") and lines[at + 3].endswith("+ b₁⁽²⁾⎟")
    assert lines[at + 4].endswith("⎠        ⎠")


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
        for width in (40, 80):
            text = derivation_text(derivation, width=width)
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
        for width in (40, 120):
            text = derivation_text(derivation, width=width)
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
    ["softmax", "eᶻⁱ / Σₘ eᶻᵐ", "aᵢ([i = m] − aₘ)", "(0, 1)", "no"],  # the output layer's (#13)
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
    (r"the network at $(- \frac{1}{5}, - \frac{5}{3})$", "the network at (−1/5, −5/3)"),
    (r"$f(X) = w'_1 \cdot x_1 + w'_2 \cdot x_2$", "f(X) = w'₁⋅x₁ + w'₂⋅x₂"),  # the dot as the equations print it
    (r"within $5 \cdot 10^{-5}$", "within 5⋅10⁻⁵"),
    (r"($\mathbf{1}$ is the all-ones column)", "(𝟙 is the all-ones column)"),
    (r"sizes $n_0, \ldots, n_L$", "sizes n₀, …, n_L"),  # no subscript L: written plainly
    (r"the shift $-1$, and $x - 1$", "the shift −1, and x − 1"),
    (r"the 3-4-1 network is a non-collapse at $x = -2$", "the 3-4-1 network is a non-collapse at x = −2"),
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


# --- one minus sign, one dot -------------------------------------------------------------------

@pytest.mark.parametrize("make, text", [
    (lambda x: x - 1, "x − 1"),
    (lambda x: 1 - x, "1 − x"),
    (lambda x: -x, "−x"),
    (lambda x: -2 * x, "−2⋅x"),
    (lambda x: Rational(-1, 4) + x, "x − 1/4"),
    (lambda x: Rational(-1, 4), "−1/4"),
    (lambda x: Float(-0.5, 3), "−0.500"),
    (lambda x: -oo, "−∞"),
    (lambda x: exp(-x), " −x\nℯ"),
    (lambda x: -x / 2, "  x\n− ─\n  2"),  # the sign beside the bar of a fraction
    (lambda x: Piecewise((x - 1, x >= 0), (-x, True)), "⎧x − 1  for x ≥ 0\n⎨\n⎩ −x    otherwise"),
])
def test_math_prints_the_minus_sign_not_the_hyphen(make, text):
    assert symnn.pretty(make(Symbol("x"))) == text


def test_block_terms_print_the_minus_sign():
    W, x = MatrixSymbol("W", 2, 2), MatrixSymbol("x", 2, 1)
    assert symnn.pretty(-W * x) == "−W⋅x"
    assert symnn.pretty(x - W * x) == "−W⋅x + x"  # SymPy's order of the two terms


def test_no_hyphen_and_no_middle_dot_in_any_equation(derivations):
    for derivation in derivations.values():
        for step in derivation.steps:
            printer = pretty_printer(**({"order": step.order} if step.order else {}))
            for width in (40, 120):
                line = layout(step.rhs, printer, lhs=step.lhs, width=width)
                assert "-" not in line and "·" not in line, (derivation.title, line)
        text = derivation_text(derivation, width=80)
        assert "·" not in text, derivation.title  # U+00B7: the prose's dot is the equations' ⋅ too
    tanh_sigmoid = derivation_text(derivations["tanh-sigmoid"], width=80)
    assert f"= 2{DOT}σ(2{DOT}z) {MINUS} 1\n" in tanh_sigmoid and f"the shift {MINUS}1)" in tanh_sigmoid
    decision = derivation_text(derivations["decision-rule"], width=80)
    assert f"z = w{DOT}x + b ≥ 0" in decision


def test_given_values_print_the_minus_sign(derivations):
    text = derivation_text(derivations["sigmoid-example"], width=80)
    assert "Given x₁ = 1, x₂ = 1, x₃ = 0, w₁₁⁽¹⁾ = 1/2, w₂₁⁽¹⁾ = 1/4, w₃₁⁽¹⁾ = 3,\nb₁⁽¹⁾ = −1/4.\n" in text


# --- prose: wrapped between words, a formula kept whole -----------------------------------------

def conclusion_text(text: str, width: int) -> str:
    """The conclusion of a derivation with no steps, as derivation_text wraps it."""
    return derivation_text(Derivation("T", conclusion=text), width=width).split("\n", 2)[2]


def test_a_formula_in_prose_moves_whole_to_the_next_line():
    # "So the model is " is 16 columns and the formula 24: at 30 the formula starts the next line
    text = "So the model is $f(x) = w_1 x_1 + w_2 x_2 + b$ for every input."
    assert conclusion_text(text, 30) == "So the model is\nf(x) = w₁ x₁ + w₂ x₂ + b for\nevery input."
    assert conclusion_text(text, 40) == "So the model is f(x) = w₁ x₁ + w₂ x₂ + b\nfor every input."


def test_a_formula_wider_than_the_line_breaks_only_before_a_sign():
    text = "So the model is $f(x) = w_1 x_1 + w_2 x_2 + b$ for every input."
    assert conclusion_text(text, 20) == "So the model is\nf(x) = w₁ x₁ + w₂ x₂\n+ b for every input."
    # a₁ − a₂⋅a₃ = 0 is 15 columns: cut before "=", where its two pieces (10 and 3 columns) fit
    assert conclusion_text("Here $a_1 - a_2 \\cdot a_3 = 0$ holds.", 10) == "Here\na₁ − a₂⋅a₃\n= 0 holds."


def test_prose_wraps_like_textwrap_with_its_formulas_whole():
    from symnn.render.text import prose

    text = r"witness: $x = (-\frac{1}{5}, -\frac{5}{3})$, $y = (-6, \frac{1}{4})$; done"
    # "witness: x = (−1/5, −5/3)," is 26 columns, and "y = (−6, 1/4);" would make it 41
    assert prose(text, 30, subsequent_indent="  ") == "witness: x = (−1/5, −5/3),\n  y = (−6, 1/4); done"
    assert prose("a b c", 20, indent="> ") == "> a b c"


def test_the_lecture_s_conclusion_keeps_its_formula_whole(derivations):
    text = derivation_text(derivations["linear-collapse-3-4-1"], width=80)
    assert text.endswith("Linear model! Whatever the hidden layer, linear activations give\n"
                         "f(X) = w'₁⋅x₁ + w'₂⋅x₂ + w'₃⋅x₃.")
    block = derivation_text(derivations["collapse-block-form"], width=80)
    assert "For any sizes n₀, …, n_L and linear activations,\nf(x) = (W⁽¹⁾ ⋯ W⁽ᴸ⁾)ᵀ x + Σⱼ₌₁ᴸ " in block


def test_no_formula_of_a_caption_is_cut_while_it_fits_a_line(derivations):
    for derivation in derivations.values():
        for width in (40, 80):
            text = derivation_text(derivation, width=width)
            for source in (derivation.intro, derivation.conclusion, *(s.reason for s in derivation.steps)):
                for formula in source.split("$")[1::2]:
                    shown = plain_text(f"${formula}$")
                    if columns(shown) <= width - 4:  # a reason is indented four columns
                        assert shown in text, (derivation.title, width, shown)
