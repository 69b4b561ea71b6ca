"""SymPy numbers as mpmath numbers, for the oracle tests (shared by test_backprop_oracles and test_softmax_oracles).

Nothing here computes with symnn: it only converts a number, or an expression evaluated at a point, to mpmath.
"""

from __future__ import annotations

import mpmath
import sympy as sp

DPS = 50  # the digits the oracle tests work with


def mp_number(value):
    """A SymPy number (Rational or Float) as an mpmath number at the current precision."""
    value = sp.sympify(value)
    assert value.is_number, value
    assert value.is_finite, value
    if value.is_Rational:
        return mpmath.mpf(value.p) / value.q
    return mpmath.mpf(value.evalf(DPS + 10)._mpf_) if value.is_Float else mpmath.mpmathify(value.evalf(DPS + 10))


def mp_at(expr, vals):
    """An expression built by anyone, at a point, to DPS digits, as mpmath."""
    value = sp.sympify(expr).xreplace(vals)
    assert not value.free_symbols, value.free_symbols
    return mp_number(value.evalf(DPS))
