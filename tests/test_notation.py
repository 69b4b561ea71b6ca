"""Notation symbols: identity, LaTeX, text and Unicode forms, names, Σ-form terms, matrices."""

import pickle

import pytest
from sympy import Integer, Sum, Symbol, lambdify, latex as sympy_latex, pretty as sympy_pretty

import symnn
from symnn import notation


@pytest.mark.parametrize(
    "symbol, expected",
    [
        (notation.w(2, 1, 1), r"w_{21}^{[1]}"),
        (notation.b(1, 2), r"b_{1}^{[2]}"),
        (notation.a(3, 0), r"a_{3}^{[0]}"),
        (notation.x(1), r"x_{1}"),
        (notation.z(1, 1), r"z_{1}^{[1]}"),
        (notation.w(12, 3, 1), r"w_{12,3}^{[1]}"),
        (notation.w(3, 12, 1), r"w_{3,12}^{[1]}"),
        (notation.w(9, 9, 2), r"w_{99}^{[2]}"),
        (notation.w(10, 10, 2), r"w_{10,10}^{[2]}"),
        (notation.w_prime(1), r"w'_{1}"),
        (notation.b_prime(), r"b'"),
        (notation.w("k", 1, "j"), r"w_{k1}^{[j]}"),
        (notation.x(1, "price"), r"x_{\text{price}}"),
        (notation.a(2, 1, "perceived quality"), r"a_{\text{perceived quality}}^{[1]}"),
    ],
)
def test_latex_is_the_lectures(symbol, expected):
    assert symnn.latex(symbol) == expected
    assert sympy_latex(symbol) == expected  # plain SymPy printing agrees


@pytest.mark.parametrize(
    "symbol, expected",
    [
        (notation.w(2, 1, 1), "w21[1]"),
        (notation.x(1, "shipping cost"), "x_shipping_cost"),
        (notation.w(12, 3, 1), "w12,3[1]"),
        (notation.b(1, 2), "b1[2]"),
        (notation.a(3, 0), "a3[0]"),
        (notation.x(7), "x7"),
        (notation.w_prime(2), "w'2"),
        (notation.b_prime(), "b'"),
    ],
)
def test_plain_text_is_short(symbol, expected):
    assert str(symbol) == expected


def test_unicode_pretty_uses_sub_and_superscripts():
    assert sympy_pretty(notation.w(2, 1, 1), use_unicode=True) == "w₂₁⁽¹⁾"
    assert sympy_pretty(notation.a(3, 0), use_unicode=True) == "a₃⁽⁰⁾"
    assert sympy_pretty(notation.w(12, 3, 1), use_unicode=True) == "w₁₂,₃⁽¹⁾"
    # 'j' has no Unicode superscript: the layer keeps the bracket form
    assert sympy_pretty(notation.b(1, "j"), use_unicode=True) == "b₁[j]"
    assert sympy_pretty(notation.w(2, 1, 1), use_unicode=False) == "w21[1]"


def test_equal_indices_give_the_identical_symbol():
    assert notation.w(2, 1, 1) is notation.w(2, 1, 1)
    assert notation.w(2, 1, 1) != notation.w(1, 2, 1)
    assert notation.w(2, 1, 1) != notation.w(2, 1, 2)
    assert notation.a(1, 1) != notation.z(1, 1)


def test_symbol_names_are_python_identifiers():
    for symbol in [notation.w(12, 3, 1), notation.a(1, "j"), notation.x(1, "shipping cost"),
                   notation.w_prime(3), notation.b_prime(), notation.a(2, 1, "top-seller probability")]:
        assert symbol.name.isidentifier(), symbol.name


def test_lambdify_works_with_every_kind_of_symbol():
    w, x, b = notation.w(1, 1, 1), notation.x(1), notation.b(1, 1)
    named, wp, bp = notation.x(2, "price"), notation.w_prime(1), notation.b_prime()
    f = lambdify([w, x, b, named, wp, bp], w * x + b + wp * named + bp)
    assert f(2.0, 3.0, 1.0, 5.0, 10.0, 0.5) == 2.0 * 3.0 + 1.0 + 10.0 * 5.0 + 0.5


def test_symbols_survive_pickling():
    symbol = notation.w(12, 3, 4)
    assert pickle.loads(pickle.dumps(symbol)) == symbol


def test_symbols_are_real():
    assert notation.w(1, 1, 1).is_real


@pytest.mark.parametrize("bad", ["", "1abc", "a" * 41, "semi;colon", "back\\slash", "brace{"])
def test_bad_names_are_refused(bad):
    with pytest.raises(symnn.InvalidNamesError) as info:
        notation.x(1, bad)
    assert str(info.value).startswith(f"name {bad!r} is not allowed: use 1 to 40 characters, a letter first")


@pytest.mark.parametrize("bad, named", [(-1, "not -1"), (1.5, "not 1.5"), (True, "not True"),
                                        ("j k", "label 'j k'"), (None, "not None")])
def test_bad_indices_are_refused_naming_the_value(bad, named):
    with pytest.raises(symnn.InvalidNamesError) as info:
        notation.w(bad, 1, 1)
    assert str(info.value).startswith("input index k ") and named in str(info.value)


def test_indexed_terms_evaluate_to_symbols_at_integer_indices():
    assert notation.WeightAt(Integer(2), Integer(1), Integer(1)) is notation.w(2, 1, 1)
    assert notation.BiasAt(Integer(1), Symbol("j")) is notation.b(1, "j")
    k = Symbol("k", integer=True)
    assert symnn.latex(notation.WeightAt(k, 1, 2)) == r"w_{k1}^{[2]}"
    total = Sum(notation.WeightAt(k, 1, 1) * notation.InputAt(k), (k, 1, 2)).doit()
    assert total == notation.w(1, 1, 1) * notation.x(1) + notation.w(2, 1, 1) * notation.x(2)


def test_block_matrices_print_as_the_lecture():
    W2 = notation.matrix("W", 4, 1, 2)
    a1 = notation.matrix("a", 4, 1, 1)
    b2 = notation.matrix("b", 1, 1, 2)
    assert symnn.latex(W2.T * a1 + b2) == r"W^{[2]T} a^{[1]} + b^{[2]}"
    assert symnn.latex(notation.matrix("Wp", 3, 1)) == "W'"
    with pytest.raises(symnn.InvalidNamesError, match="unknown matrix role 'Q'; allowed: W, Wp, b, bp, a, z, x"):
        notation.matrix("Q", 1, 1)


def test_symbolic_sizes():
    n = notation.size(1)
    assert n.is_integer and n.is_positive
    assert symnn.latex(n) == "n_{1}"
