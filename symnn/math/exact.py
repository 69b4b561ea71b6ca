"""Exact evaluation of a network at given parameter and input values, layer by layer.

Values are SymPy numbers (rationals stay rational through linear, ReLU, step
and leaky ReLU layers; σ, tanh and softplus give exact closed forms such as
1/(1 + e^{−1/2})). The network's expression is never built, so this works for
networks far too large to expand.
"""

from __future__ import annotations

import random
from typing import Mapping, Sequence

from sympy import Add, Expr, Mul, Rational, S

from symnn.math.equality import random_rational
from symnn.errors import InvalidArgumentError
from symnn.core.network import Network
from symnn.core.parsing import as_expr


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
