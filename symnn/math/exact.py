"""Exact evaluation of a network at given parameter and input values, layer by layer.

Values are SymPy numbers (rationals stay rational through linear, ReLU, step
and leaky ReLU layers; σ, tanh and softplus give exact closed forms such as
1/(1 + e^{−1/2}), a softmax output e^{1/2}/(e^{1/2} + e^{−1/3})). The network's
expression is never built, so this works for networks far too large to expand.
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Callable, Mapping, Sequence

from sympy import Add, Expr, Mul, Rational, S

from symnn.core.activations import z
from symnn.core.network import Network
from symnn.core.parsing import as_expr
from symnn.errors import InvalidArgumentError
from symnn.math.equality import Check, points_method, random_rational, vanishes


def forward(network: Network, values: Mapping, x: Sequence, digits: int | None = None) -> list[Expr]:
    """a^{[L]} at inputs ``x`` with each parameter symbol replaced by ``values[symbol]``; exact, or with
    ``digits`` each layer's values are rounded to that many digits (so nothing nests)."""
    if len(x) != network.sizes[0]:
        raise InvalidArgumentError(f"x must have {network.sizes[0]} entries (n_0), got {len(x)}")
    a = [as_expr(v) for v in x]
    for layer in network.layers:
        totals = []
        for i in range(1, layer.n_out + 1):
            terms = [Mul(values[layer.weight(k, i)], a[k - 1]) for k in range(1, layer.n_in + 1)]
            bias = values[layer.bias_term(i)] if layer.has_bias else S.Zero
            total = Add(*terms, bias)
            totals.append(total if digits is None else total.evalf(digits))
        if layer.activation.is_vector:  # softmax: every a_i from the whole column, e^{z_i} / Σ_m e^{z_m}
            column = layer.activation.column(totals)
            a = column if digits is None else [value.evalf(digits) for value in column]
        elif digits is None:
            a = [layer.activation.explicit(total) for total in totals]
        else:  # g of a Float: evaluated at once, never written out exactly
            a = [layer.activation.explicit(total).evalf(digits) for total in totals]
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


# --- polynomial identity testing modulo a prime ------------------------------------------------

PRIME = 2**61 - 1  # a Mersenne prime: a nonzero polynomial of degree d vanishes at ≤ d/PRIME of its points
PRIME_TEXT = "2^61 − 1"


def modular_value(expr: Expr, values: Mapping) -> int | None:
    """``expr`` modulo PRIME with each symbol replaced by ``values[symbol]`` (integers mod PRIME);
    None unless ``expr`` is a polynomial with rational coefficients in those symbols.

    Iterative (no recursion limit) and on machine-sized integers: a collapsed 784-64-10 network's
    half a million products evaluate in well under a second, where Fractions take seconds.
    """
    stack, results = [(expr, False)], []
    while stack:
        node, ready = stack.pop()
        if ready:
            count = len(node.args)
            parts, results[-count:] = results[-count:], []
            total = 0 if node.is_Add else 1
            for part in parts:
                total = (total + part) % PRIME if node.is_Add else (total * part) % PRIME
            results.append(total)
        elif node.is_Rational:
            if node.q % PRIME == 0:
                return None
            results.append(int(node.p) * pow(int(node.q), -1, PRIME) % PRIME)
        elif node in values:
            results.append(values[node])
        elif node.is_Mul and all(arg in values for arg in node.args):  # w·a, the common term: no stack
            total = 1
            for arg in node.args:
                total = total * values[arg] % PRIME
            results.append(total)
        elif node.is_Add or node.is_Mul:
            stack.append((node, True))
            stack.extend((arg, False) for arg in node.args)
        elif node.is_Pow and node.exp.is_Integer and node.exp >= 0:
            base = modular_value(node.base, values)
            if base is None:
                return None
            results.append(pow(base, int(node.exp), PRIME))
        else:
            return None
    return results[0]


def random_residues(symbols, rng: random.Random) -> dict:
    """A uniformly random residue modulo PRIME for each symbol."""
    return {symbol: rng.randrange(PRIME) for symbol in symbols}


def forward_modular(network: Network, values: Mapping, x: Sequence[int]) -> list[int] | None:
    """a^{[L]} modulo PRIME (see ``modular_value``); None when some g is not a polynomial with
    rational coefficients (softmax never is)."""
    a = list(x)
    for layer in network.layers:
        g = layer.activation
        if g.is_vector:  # softmax's e^{z} is no polynomial: the caller checks at rational points instead
            return None
        out = []
        for i in range(1, layer.n_out + 1):
            total = values[layer.bias_term(i)] if layer.has_bias else 0
            for k in range(1, layer.n_in + 1):
                total = (total + values[layer.weight(k, i)] * a[k - 1]) % PRIME
            result = modular_value(g.expr, {z: total})
            if result is None:
                return None
            out.append(result)
        a = out
    return a


def agrees_modulo_prime(network: Network, other: Callable[[dict, list], list | None], seed: int,
                        points: int) -> Check | None:
    """Does ``other(values, x)`` equal the network's outputs modulo PRIME at ``points`` random points?

    A Schwartz–Zippel identity test: each side is a polynomial in the parameters and inputs, so a
    nonzero difference of degree d passes one random point with probability at most d/PRIME.
    None when either side is not such a polynomial (the caller then checks at rational points).
    """
    rng = random.Random(seed)
    for _ in range(points):
        values = random_residues(network.params(), rng)
        x = [rng.randrange(PRIME) for _ in range(network.sizes[0])]
        want, got = forward_modular(network, values, x), other(values, x)
        if want is None or got is None:
            return None
        for i, (expected, found) in enumerate(zip(want, got), start=1):
            if expected != found:
                return Check(False, modular_method(points), f"output {i} differs modulo {PRIME_TEXT}")
    return Check(True, modular_method(points))


def modular_method(points: int) -> str:
    return (f"evaluated exactly modulo the prime {PRIME_TEXT} at {points} random points "
            "(a polynomial identity test)")


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
