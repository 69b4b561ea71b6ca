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
from symnn.math.equality import vanishes
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
    """Search for rational parameters and inputs x, y with f(x + y) + f(0) ≠ f(x) + f(y).

    Above the witness_full_parameters setting the search runs on one path x_1 → unit 1 → … →
    output 1 (every other weight 0, so the path alone decides output 1): ``params`` then holds
    the path's weights and biases, and x, y are 0 beyond x_1. None when nothing is found, or
    when the network is deeper than the depth setting (its exact values would nest g that deep).
    """
    if network.depth > current().depth:
        return None
    if network.n_params <= current().witness_full_parameters:
        return _search(network, seed, tries)
    path = Network([1] * (network.depth + 1), activation=network.activations, bias=network.has_bias)
    found = _search(path, seed, tries)
    if found is None:
        return None
    padding = (S.Zero,) * (network.sizes[0] - 1)
    return Witness(found.params, found.x + padding, found.y + padding, 1, found.f_x, found.f_y,
                   found.f_x_plus_y, found.f_zero)


def _search(network: Network, seed: int, tries: int | None) -> Witness | None:
    rng = random.Random(seed)
    n0 = network.sizes[0]
    for _ in range(tries or current().witness_tries):
        values = exact.random_values(network, rng)
        x, y = exact.random_point(n0, rng), exact.random_point(n0, rng)
        fx, fy = exact.forward(network, values, x), exact.forward(network, values, y)
        fxy = exact.forward(network, values, [p + q for p, q in zip(x, y)])
        f0 = exact.forward(network, values, [S.Zero] * n0)
        for i in range(len(fx)):
            zero, _ = vanishes(fxy[i] + f0[i] - fx[i] - fy[i])
            if not zero:
                return Witness(values, tuple(x), tuple(y), i + 1, fx[i], fy[i], fxy[i], f0[i])
    return None
