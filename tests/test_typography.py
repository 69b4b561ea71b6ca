"""Typography of the LaTeX symnn writes, as a teacher pasting it into notes would check it.

Expected strings are written by hand in the lecture's notation.
"""

import sympy

import symnn
from symnn.app import catalog
from symnn.core.printing import latex
from symnn.math.derivation import Derivation
from symnn.math.proofs import non_collapse_proof
from symnn.math.witness import find_witness
from symnn.render.derivation import escape_text

N = symnn.Network


def test_a_nested_sum_is_one_sigma_per_index_outermost_first():
    proof = symnn.collapse(N([30, 4, 4, 1], activation="linear", bias=False)).proof
    assert r"w'_{1} &= \sum_{j=1}^{4} \sum_{m=1}^{4} w_{1j}^{[1]} w_{jm}^{[2]} w_{m1}^{[3]}" in proof.latex()
    assert "substack" not in proof.latex()


def test_functions_are_set_without_a_space_before_their_parentheses():
    z = sympy.Symbol("z")
    assert latex(sympy.tanh(z)) == r"\tanh(z)"
    assert latex(sympy.log(1 + sympy.exp(-z))) == r"\log(1 + e^{- z})"
    # a tall argument gets growing parentheses, still with no space after the name
    assert latex(sympy.tanh(z / 2)) == r"\tanh\mathopen{}\left(\frac{z}{2}\right)"
    assert r"\tanh(z) &=" in catalog.build("tanh-sigmoid").latex()


def test_code_in_prose_is_typewriter_and_math_passes_through():
    assert escape_text("all of $W'$ is `collapse(...).W` in Python") == \
        r"all of $W'$ is \texttt{collapse(...).W} in Python"
    assert escape_text("a lone ` stays") == r"a lone ` stays"
    assert escape_text("`a_b`") == r"\texttt{a\_b}"


def test_a_line_continuing_a_wide_one_stays_in_its_environment_so_its_equals_sign_aligns():
    x = sympy.Symbol("x")
    wide = sum(sympy.Symbol(f"q_{k}") * x ** k for k in range(1, 40))
    derivation = Derivation("wide then continued")
    derivation.define(sympy.Symbol("p"), wide, "a sum too long to leave room for its reason")
    derivation.step(sympy.Symbol("p"), sympy.horner(wide, x), "Horner's form")
    tex = derivation.latex()
    assert tex.count(r"\begin{align*}") == 1
    assert r"\intertext{Horner's form:}" in tex


def test_the_perceptron_step_after_its_cases_continues_the_same_alignment():
    tex = catalog.build("perceptron").latex()
    first = tex.index(r"a_{1}^{[1]} &= \begin{cases}")
    moved = tex.index(r" &= \begin{cases} 1 & \text{for}\: w_{11}^{[1]} x_{1}")
    assert r"\end{align*}" not in tex[first:moved]


def test_markdown_uses_the_steps_product_sign():
    markdown = catalog.build("linear-collapse-3-4-1").markdown()
    assert r"w_{j}^{[2]} \cdot \left(\sum_{i=1}^{3} w_{ij}^{[1]} \cdot x_{i}\right)" in markdown


def test_the_counterexample_names_the_coordinates_of_y_as_y():
    network = N([3, 4, 1], activation="sigmoid")
    witness = find_witness(network)
    intro = non_collapse_proof(network, witness).intro
    x_part, y_part = intro.split("and $y$:")
    assert "$x_{1} = " in x_part and "y_{" not in x_part
    assert "$y_{1} = " in y_part or "$y_{2} = " in y_part
    assert "x_{" not in y_part


def test_the_block_identity_says_what_the_sizes_are():
    proof = symnn.collapse(N([2, 3, 1], activation="linear")).proof
    assert r"($W^{[j]}$ is $n_{j-1} \times n_j$)" in proof.steps[0].reason


def test_shown_arithmetic_puts_a_minus_one_in_front():
    # −y log a at y = 0 in a worked example: "- 0 · log(…)", not "(−1) · 0 · log(…)"
    from sympy import Integer, Mul, Symbol, log
    from symnn.core.printing import SymnnLatexPrinter

    shown = Mul(Integer(-1), Integer(0), log(Symbol("a")), evaluate=False)
    text = SymnnLatexPrinter({"order": "none", "mul_symbol": "dot"}).doprint(shown)
    assert text.startswith("- 0 \\cdot \\log") and "\\left(-1\\right)" not in text
