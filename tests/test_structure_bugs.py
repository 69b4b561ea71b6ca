"""Bugs of the flat package, each with the test that failed before the restructuring.

Expected values come from Fraction arithmetic, NumPy or mpmath in the test itself.
"""

from __future__ import annotations

import random
import warnings
from fractions import Fraction

import numpy as np
import pytest
from sympy import Rational, pi, sqrt

import symnn
from symnn import Activation, Network, Params, collapse
from symnn.core.activations import z
from symnn.math import fastsum
from symnn.math.equality import vanishes


# --- one point checker: a true collapse with irrational coefficients is verified -------------

@pytest.mark.parametrize("g", [sqrt(2) * z + 1, pi * z, z / 3 - 2], ids=["sqrt2 z + 1", "pi z", "z/3 - 2"])
@pytest.mark.parametrize("sizes", [[3, 4, 1], [20, 10, 3]], ids=["symbolic", "at points"])
def test_collapse_verify_holds_for_affine_g_with_irrational_coefficients(g, sizes):
    result = collapse(Network(sizes, activation=Activation.from_expr(g)))
    check = result.verify()
    assert check.holds, check
    assert ("symbolic" in check.method) == (sizes == [3, 4, 1])


def test_collapse_verify_still_finds_a_wrong_collapse():
    result = collapse(Network([20, 10, 3], activation=Activation.from_expr(sqrt(2) * z + 1)))
    result._bias[1] = result._bias[1] + Rational(1, 10**6)  # a small error in b'_2
    check = result.verify()
    assert not check.holds and "output 2" in check.detail


def test_vanishes_is_exact_for_rationals_and_numeric_for_the_rest():
    assert vanishes(Rational(0)) == (True, True)
    assert vanishes(Rational(1, 10**80)) == (False, True)  # exact: tiny is not zero
    assert vanishes(sqrt(2) ** 2 - 2 + sqrt(3) * sqrt(3) - 3) == (True, True)  # SymPy reduces it to 0
    zero, exact = vanishes(pi * sqrt(2) - sqrt(2) * pi + (sqrt(2) + 1) ** 2 - 3 - 2 * sqrt(2))
    assert zero
    assert vanishes(pi - Rational(355, 113)) == (False, False)


# --- W' built on demand ---------------------------------------------------------------------

def test_weights_and_definitions_build_only_the_columns_they_need():
    result = collapse(Network([30, 20, 5], bias=False))
    assert result.built_outputs == ()
    result.definitions(3)
    assert result.built_outputs == (3,)
    result.W  # noqa: B018 — builds the rest
    assert result.built_outputs == (1, 2, 3, 4, 5)


def test_each_column_equals_the_fraction_matrix_product():
    net = Network([3, 4, 2], activation=Activation.from_expr(Rational(1, 2) * z - 1))
    rng = random.Random(4)
    values = {p: Rational(rng.randint(-9, 9), rng.randint(1, 5)) for p in net.params()}
    W1 = [[Fraction(str(values[net.layer(1).weight(k, i)])) for i in range(1, 5)] for k in range(1, 4)]
    W2 = [[Fraction(str(values[net.layer(2).weight(k, i)])) for i in range(1, 3)] for k in range(1, 5)]
    result = collapse(net)
    for i in (2, 1):
        # g(z) = z/2 − 1 on both layers scales W' by 1/4
        want = [sum(W1[k][m] * W2[m][i - 1] for m in range(4)) / 4 for k in range(3)]
        got = [Fraction(str(entry.xreplace(values))) for entry in result.column(i)]
        assert got == want


# --- Params round trip without biases -------------------------------------------------------------

def test_from_substitution_round_trips_a_network_without_biases():
    net = Network([2, 3, 1], bias=False)
    params = Params.random(net, seed=3)
    again = Params.from_substitution(net, params.to_substitution(net))
    assert not again.has_bias
    for j in (1, 2):
        np.testing.assert_array_equal(again.W(j), params.W(j))


# --- fastsum: checked lazily, active on this SymPy, honest when it falls back ------------------------

def test_the_fast_path_is_taken_on_the_installed_sympy():
    fastsum.fast_path_active.cache_clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fastsum.fast_path_active() is True


def test_a_disagreeing_sympy_falls_back_with_a_warning_and_still_collapses_correctly(monkeypatch):
    monkeypatch.setattr(fastsum, "_agrees_with_sympy", lambda: False)
    fastsum.fast_path_active.cache_clear()
    try:
        with pytest.warns(RuntimeWarning, match="falls back to ordinary Add/Mul"):
            weights = collapse(Network([3, 4, 1], bias=False)).weights
        assert str(weights[0]) == "w11[1]*w11[2] + w12[1]*w21[2] + w13[1]*w31[2] + w14[1]*w41[2]"
    finally:
        fastsum.fast_path_active.cache_clear()


def test_the_self_check_leaves_no_symbols_in_the_symbol_cache():
    from symnn.core import notation

    fastsum.fast_path_active.cache_clear()
    before = len(notation._SYMBOL_CACHE)
    fastsum.fast_path_active()
    assert len(notation._SYMBOL_CACHE) == before
