"""Exact evaluation of a network at given parameter and input values, layer by layer.

Values are SymPy numbers (rationals stay rational through linear, ReLU, step
and leaky ReLU layers; σ, tanh and softplus give exact closed forms such as
1/(1 + e^{−1/2})). The network's expression is never built, so this works for
networks far too large to expand.
"""

from __future__ import annotations

import random
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
