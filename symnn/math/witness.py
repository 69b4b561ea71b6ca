"""Why a nonlinear network does not collapse: exact parameters and inputs with f(x + y) + f(0) ≠ f(x) + f(y).

An affine f satisfies f(x + y) + f(0) = f(x) + f(y) for all x, y; one point where
it fails, evaluated exactly, is a proof that no w'·x + b' computes the network.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from sympy import E, Expr, Float, Pow, S, cancel, diff

from symnn.core.activations import z
from symnn.core.facts import is_piecewise_rational, pieces
from symnn.core.network import Network
from symnn.math import exact
from symnn.math.equality import vanishes
from symnn.config import current


@dataclass(frozen=True)
class Witness:
    """Exact rational parameters and inputs x, y with f(x + y) + f(0) ≠ f(x) + f(y) at ``output``.

    The four values of f are exact, except for networks with more than EXACT_NONLINEAR_LAYERS
    layers that are not piecewise affine, or two such layers and more than EXACT_NESTED_PARAMETERS
    parameters: there they are numbers to the numeric_digits setting.
    """

    params: dict
    x: tuple
    y: tuple
    output: int
    f_x: Expr
    f_y: Expr
    f_x_plus_y: Expr
    f_zero: Expr
    scores: bool = False  # f is a difference of scores z_i − z_m under a softmax output, not an output
    minus: int | None = None  # m of f = z_i − z_m (i is ``output``), under a softmax output

    @property
    def difference(self) -> Expr:
        """f(x + y) + f(0) − f(x) − f(y), exact; nonzero for an affine f it would be 0."""
        return self.f_x_plus_y + self.f_zero - self.f_x - self.f_y


def find_witness(network: Network, seed: int = 0, tries: int | None = None) -> Witness | None:
    """Search for rational parameters and inputs x, y with f(x + y) + f(0) ≠ f(x) + f(y).

    Above the witness_full_parameters setting the search runs on one path x_1 → unit 1 → … →
    output 1 (every other weight 0, so the path alone decides output 1): ``params`` then holds
    the path's weights and biases, and x, y are 0 beyond x_1. None when nothing is found, or
    when the network is deeper than the depth setting (its exact values would nest g that deep) or
    has more inputs than the symbols setting (x and y list every input).
    """
    if network.depth > current().depth or network.sizes[0] > current().symbols:
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


# Exact values nest g once per layer, and their cost grows exponentially with the depth: SymPy's
# evaluation of nested σ (measured: 6 sigmoid layers 0.65 s, 8 layers 7.6 s, 10 layers 126 s), the digits
# of a rational through z² (10 layers: 1 270 digits, 30 layers: 10^9). Past this many layers whose g is
# piecewise affine (ReLU, step, leaky ReLU stay exact and cheap), the search evaluates f at
# numeric_digits digits instead (also for any g for which exact values are unsafe, see _exact_is_safe).
EXACT_NONLINEAR_LAYERS = 3  # deeper: 60-digit numbers (exact values through 5 sigmoid layers of 3 units: 7-11 s)
EXACT_NESTED_PARAMETERS = 60  # the sigmoid-non-collapse example (2-2-1, 9 parameters) stays exact


def score_difference_witness(scores: Network, witness: Witness | None) -> Witness | None:
    """A witness for f = z_i − z_m from one for a score z_i of the scores network (its softmax layer made linear).

    Softmax is unchanged when the same c(x) is added to every score, so multinomial logistic regression
    means every difference z_i − z_m is affine, not every score: the witness must break a difference.
    Its i is the witness's output; m is an output whose own f(x + y) + f(0) − f(x) − f(y) differs from
    z_i's at the same numbers (None when all are equal there). A witness found on one path (a large
    network: every weight off the path 0) has every other score constant, so m is any other output.
    """
    if witness is None:
        return None
    i = witness.output
    if scores.n_params > current().witness_full_parameters:
        return replace(witness, scores=True, minus=2 if i == 1 else 1)
    point_sum = tuple(p + q for p, q in zip(witness.x, witness.y))
    zero = (S.Zero,) * scores.sizes[0]
    # at numeric_digits digits where the search itself evaluated so (deep or unsafe g), else exactly
    digits = current().numeric_digits if witness.f_x.has(Float) else None
    values = [exact.forward(scores, witness.params, list(point), digits)
              for point in (witness.x, witness.y, point_sum, zero)]
    for m in range(1, scores.sizes[-1] + 1):
        if m == i:
            continue
        f_x, f_y, f_sum, f_zero = (v[i - 1] - v[m - 1] for v in values)
        zero_defect, _ = vanishes(f_sum + f_zero - f_x - f_y)
        if not zero_defect:
            return Witness(witness.params, witness.x, witness.y, i, f_x, f_y, f_sum, f_zero, scores=True, minus=m)
    return None


def _search(network: Network, seed: int, tries: int | None) -> Witness | None:
    rng = random.Random(seed)
    n0 = network.sizes[0]
    nonlinear = sum(not _piecewise_affine(layer.activation) for layer in network.layers)
    # exact values through two or more nonlinear layers grow with every unit they sum (5-35-35-4 sigmoid: 27 s)
    numeric = (nonlinear > EXACT_NONLINEAR_LAYERS or (nonlinear > 1 and network.n_params > EXACT_NESTED_PARAMETERS)
               or not all(_exact_is_safe(layer.activation) for layer in network.layers))
    digits = current().numeric_digits

    def f(values, point):
        return exact.forward(network, values, point, digits if numeric else None)

    for _ in range(tries or current().witness_tries):
        values = exact.random_values(network, rng)
        x, y = exact.random_point(n0, rng), exact.random_point(n0, rng)
        fx, fy = f(values, x), f(values, y)
        fxy = f(values, [p + q for p, q in zip(x, y)])
        f0 = f(values, [S.Zero] * n0)
        for i in range(len(fx)):
            if not all(_modest(value) for value in (fx[i], fy[i], fxy[i], f0[i])):
                continue  # a witness must be a number one can print and read (99^(z^99) is not, at z = 4)
            zero, _ = vanishes(fxy[i] + f0[i] - fx[i] - fy[i])
            if not zero:
                return Witness(values, tuple(x), tuple(y), i + 1, fx[i], fy[i], fxy[i], f0[i])
    return None


def _modest(value) -> bool:
    """A finite real number below 10^300 in size."""
    number = value.evalf(15)
    return bool(number.is_real and number.is_finite and abs(number) < MODEST)


MODEST = Float("1e300")


def _piecewise_affine(activation) -> bool:
    """Every piece of g is s·z + t with rational s, t (exact values then grow by a few digits a layer)."""
    return is_piecewise_rational(activation) and all(
        cancel(diff(piece, z, 2)) == 0 for piece in pieces(activation.expr))


def _exact_is_safe(activation) -> bool:
    """No power c^(…z…) with a number c other than e: SymPy writes c^(p/q) out as c^⌊p/q⌋ · c^(…), and for
    99^(z^99) at z = −37/10 that integer power alone has 10^56 digits (one call that cannot be stopped)."""
    return not any(power.exp.has(z) and power.base.is_number and power.base != E
                   for power in activation.expr.atoms(Pow))
