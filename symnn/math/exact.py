"""Exact evaluation of a network at given parameter and input values, layer by layer.

Values are SymPy numbers (rationals stay rational through linear, ReLU, step
and leaky ReLU layers; σ, tanh and softplus give exact closed forms such as
1/(1 + e^{−1/2})). The network's expression is never built, so this works for
networks far too large to expand.
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Callable, Mapping, Sequence

from sympy import Add, Expr, Mul, Rational, S

from symnn.core.network import Network
from symnn.core.parsing import as_expr
from symnn.errors import InvalidArgumentError
from symnn.math.equality import Check, points_method, random_rational, vanishes


def forward(network: Network, values: Mapping, x: Sequence) -> list[Expr]:
    """a^{[L]} at inputs ``x`` with each parameter symbol replaced by ``values[symbol]``."""
    if len(x) != network.sizes[0]:
        raise InvalidArgumentError(f"x must have {network.sizes[0]} entries (n_0), got {len(x)}")
    a = [as_expr(v) for v in x]
    for layer in network.layers:
        out = []
        for i in range(1, layer.n_out + 1):
            terms = [Mul(values[layer.weight(k, i)], a[k - 1]) for k in range(1, layer.n_in + 1)]
            bias = values[layer.bias_term(i)] if layer.has_bias else S.Zero
            out.append(layer.activation.explicit(Add(*terms, bias)))
        a = out
    return a


def random_values(network: Network, rng: random.Random) -> dict:
    """A random small rational for every parameter of ``network``."""
    return {p: random_rational(rng) for p in network.params()}


def random_point(size: int, rng: random.Random) -> list[Rational]:
    return [random_rational(rng) for _ in range(size)]


def agrees_at_points(network: Network, other: Callable[[dict, list], list], seed: int, points: int) -> Check:
    """Does ``other(values, x)`` give the network's exact outputs at ``points`` random rational parameters and inputs?

    Each output's difference goes through the one zero rule (``vanishes``); the check says
    whether it was decided exactly.
    """
    rng = random.Random(seed)
    exactly = True
    for _ in range(points):
        values = random_values(network, rng)
        x = random_point(network.sizes[0], rng)
        for i, (want, got) in enumerate(zip(forward(network, values, x), other(values, x)), start=1):
            zero, decided_exactly = vanishes(got - want)
            exactly = exactly and decided_exactly
            if not zero:
                return Check(False, points_method(points, decided_exactly),
                             f"output {i} differs by {(got - want).evalf(20)}")
    return Check(True, points_method(points, exactly))


def as_fractions(values: Mapping) -> dict:
    """The rational entries of ``values`` as Python fractions, for ``rational_value``."""
    return {symbol: Fraction(int(value.p), int(value.q)) for symbol, value in values.items()
            if getattr(value, "is_Rational", False)}


def rational_value(expr: Expr, fractions: dict) -> Rational | None:
    """``expr`` at the values ``fractions`` (see ``as_fractions``), computed with Python fractions;
    None if it is not a rational function of them.

    Much faster than ``expr.xreplace(values)`` on the half a million products of a collapsed
    784-64-10 network: nothing is built, only numbers are multiplied and added.
    """
    result = _fraction_of(expr, fractions)
    return None if result is None else Rational(result.numerator, result.denominator)


def _fraction_of(expr, fractions: dict) -> Fraction | None:
    """The value of a sum, product, integer power, rational or known symbol; None for anything else."""
    if expr.is_Rational:
        return Fraction(int(expr.p), int(expr.q))
    if expr in fractions:
        return fractions[expr]
    if expr.is_Add or expr.is_Mul:
        parts = [_fraction_of(arg, fractions) for arg in expr.args]
        if any(part is None for part in parts):
            return None
        total = parts[0]
        for part in parts[1:]:
            total = total + part if expr.is_Add else total * part
        return total
    if expr.is_Pow and expr.exp.is_Integer:
        base = _fraction_of(expr.base, fractions)
        if base is None or (base == 0 and expr.exp < 0):
            return None
        return base ** int(expr.exp)
    return None
