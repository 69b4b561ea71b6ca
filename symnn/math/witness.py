"""Why a nonlinear network does not collapse: exact parameters and inputs with f(x + y) + f(0) ≠ f(x) + f(y).

An affine f satisfies f(x + y) + f(0) = f(x) + f(y) for all x, y; one point where
it fails, evaluated exactly, is a proof that no w'·x + b' computes the network.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sympy import Expr, S

from symnn.core.network import Network
from symnn.math import exact
from symnn.math.equality import random_rational, vanishes
from symnn.config import current


@dataclass(frozen=True)
class Witness:
    """Exact rational parameters and inputs x, y with f(x + y) + f(0) ≠ f(x) + f(y) at ``output``."""

    params: dict
    x: tuple
    y: tuple
    output: int
    f_x: Expr
    f_y: Expr
    f_x_plus_y: Expr
    f_zero: Expr

    @property
    def difference(self) -> Expr:
        """f(x + y) + f(0) − f(x) − f(y), exact; nonzero for an affine f it would be 0."""
        return self.f_x_plus_y + self.f_zero - self.f_x - self.f_y


def find_witness(network: Network, seed: int = 0, tries: int | None = None) -> Witness | None:
    """Search for rational parameters and inputs x, y with f(x + y) + f(0) ≠ f(x) + f(y)."""
    rng = random.Random(seed)
    n0 = network.sizes[0]
    for _ in range(tries or current().witness_tries):
        values = _witness_values(network, rng)
        x, y = exact.random_point(n0, rng), exact.random_point(n0, rng)
        fx, fy = exact.forward(network, values, x), exact.forward(network, values, y)
        fxy = exact.forward(network, values, [p + q for p, q in zip(x, y)])
        f0 = exact.forward(network, values, [S.Zero] * n0)
        for i in range(len(fx)):
            zero, _ = vanishes(fxy[i] + f0[i] - fx[i] - fy[i])
            if not zero:
                return Witness(values, tuple(x), tuple(y), i + 1, fx[i], fy[i], fxy[i], f0[i])
    return None


def _witness_values(network: Network, rng: random.Random) -> dict:
    # Above the witness_full_parameters setting the witness uses one path x_1 → unit 1 → … → output 1
    # (other weights 0), so that evaluating the network exactly stays cheap.
    if network.n_params <= current().witness_full_parameters:
        return exact.random_values(network, rng)
    values = {p: S.Zero for p in network.params()}
    for layer in network.layers:
        values[layer.weight(1, 1)] = random_rational(rng) or S.One
        if layer.has_bias:
            values[layer.bias_term(1)] = random_rational(rng)
    return values
