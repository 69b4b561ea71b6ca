"""Collapse of all-affine networks to one linear model w'·x + b', with proof, and why others do not collapse.

With affine g^{[j]}(z) = s_j z + t_j every layer is a^{[j]} = A_j^T a^{[j−1]} + c_j
(A_j = s_j W^{[j]}, c_j = s_j b^{[j]} + t_j 1), and so the network is
f(x) = (A_1 ⋯ A_L)^T x + Σ_j (A_{j+1} ⋯ A_L)^T c_j — the lecture's "Linear model!".
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cached_property

from sympy import Add, Eq, Expr, MatAdd, MatMul, Matrix, MatrixExpr, Mul, OneMatrix, S, Transpose

from . import exact, guards, notation
from .checking import NUMERIC_DIGITS, NUMERIC_TOLERANCE, Check, check_equal, random_rational
from .derivation import Derivation
from .fastsum import keyed, keyed_sum_of_products, paused_gc
from .progress import progress
from .errors import SymnnError
from .layer import Layer
from .network import Network

# Above this many parameters, verify() evaluates at random rational points
# instead of expanding the network's output symbolically.
SYMBOLIC_VERIFY_PARAMETER_LIMIT = 200
WITNESS_TRIES = 60


class NotCollapsible(SymnnError, ValueError):
    """The network has a non-affine activation; ``witness`` shows f(x + y) + f(0) ≠ f(x) + f(y)."""

    def __init__(self, message: str, witness: "Witness | None" = None):
        super().__init__(message)
        self.witness = witness


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


# --- affine pieces --------------------------------------------------------------

def _layer_affine(layer: Layer) -> tuple[Expr, Expr]:
    return layer.activation.affine_coefficients


def _scaled(s: Expr, expr: Expr) -> Expr:
    return expr if s == 1 else Mul(s, expr)


def _layer_bias(layer: Layer, s: Expr, t: Expr) -> list[Expr]:
    """c_j = s_j b^{[j]} + t_j 1, entry by entry."""
    return [Add(_scaled(s, layer.bias(i)), t) for i in range(1, layer.n_out + 1)]


def compose(layers: list[Layer]) -> tuple[list[list[Expr]], list[Expr]]:
    """(M, c) with a run of affine layers equal to a ↦ M^T a + c, entries built in the lecture's nested form.

    M = W^{[p]} ⋯ W^{[q]} times the scales, built left to right so that
    w'_k = Σ_j w_{kj}^{[1]} w_{j1}^{[2]} (and nested sums for deeper runs). Refused
    (ExpressionTooLarge) when M would have more products than the term limit.
    """
    sizes = [layers[0].n_in] + [layer.n_out for layer in layers]
    guards.check(guards.collapse_terms(sizes), f"the explicit W' of layers {layers[0].index}..{layers[-1].index}",
                 alternative="use collapse(...).block_identity() for the proof, or symnn.compile for numbers")
    with paused_gc():
        return _compose(layers)


def _compose(layers: list[Layer]) -> tuple[list[list[Expr]], list[Expr]]:
    first = layers[0]
    scale = S.One
    M = [[keyed(w) for w in row] for row in first.weight_rows()]
    s, t = _layer_affine(first)
    scale *= s
    c = _layer_bias(first, s, t)
    for layer in layers[1:]:
        s, t = _layer_affine(layer)
        weights = layer.weight_rows()
        columns = [[keyed(weights[r][i]) for r in range(layer.n_in)] for i in range(layer.n_out)]
        rows = progress(M, total=len(M), description=f"W' through layer {layer.index}",
                        enabled=None if len(M) * layer.n_in * layer.n_out > 100_000 else False)
        M = [[keyed_sum_of_products(list(zip(row, column))) for column in columns] for row in rows]
        c = [Add(*[Mul(c[r], weights[r][i]) for r in range(layer.n_in)]) for i in range(layer.n_out)]
        c = [Add(_scaled(s, ci), _scaled(s, layer.bias(i + 1)), t) for i, ci in enumerate(c)]
        scale *= s
    entries = [[entry for entry, _ in row] for row in M]
    if scale != 1:
        entries = [[Mul(scale, entry) for entry in row] for row in entries]
    return entries, c


# --- the result --------------------------------------------------------------------

class Collapse:
    """An all-affine network as one linear model: f(x) = W'^T x + b'."""

    def __init__(self, network: Network):
        self.network = network
        self._matrix, self._bias = compose(list(network.layers))

    @property
    def n_outputs(self) -> int:
        return self.network.sizes[-1]

    @property
    def W(self) -> Matrix:
        """W' = W^{[1]} W^{[2]} ⋯ W^{[L]} (times the activations' scales), n_0 × n_L."""
        return Matrix(self._matrix)

    @property
    def b(self) -> Matrix | None:
        """b' as an n_L × 1 column, or None when it is identically zero (a bias-free linear network)."""
        if all(entry == 0 for entry in self._bias):
            return None
        return Matrix(self._bias)

    def _require_one_output(self, what: str) -> None:
        if self.n_outputs != 1:
            raise SymnnError(f"the network has {self.n_outputs} outputs: use .W and .b instead of .{what}")

    @property
    def weights(self) -> list[Expr]:
        """w'_1, …, w'_{n_0} for a one-output network, in input order."""
        self._require_one_output("weights")
        return [row[0] for row in self._matrix]

    @property
    def bias(self) -> Expr | None:
        """b' for a one-output network, or None when it is identically zero."""
        self._require_one_output("bias")
        return None if self.b is None else self._bias[0]

    def symbols(self, output: int = 1) -> tuple[list, Expr | None]:
        """The names w'_k (w'_{ki} with several outputs) and b' of the collapsed model."""
        several = self.n_outputs > 1
        ws = [notation.w_prime(k, output if several else None) for k in range(1, self.network.sizes[0] + 1)]
        bp = None if self.b is None else notation.b_prime(output if several else None)
        return ws, bp

    def model(self, output: int = 1) -> Expr:
        """The linear model in its own names: w'_1 x_1 + … + w'_n x_n + b'."""
        ws, bp = self.symbols(output)
        terms = [Mul(w, x) for w, x in zip(ws, self.network.inputs())]
        return Add(*terms, bp if bp is not None else S.Zero)

    def explicit_model(self, output: int = 1) -> Expr:
        """The linear model with w' and b' written out in the network's weights."""
        column = [row[output - 1] for row in self._matrix]
        return Add(*[Mul(w, x) for w, x in zip(column, self.network.inputs())], self._bias[output - 1])

    def definitions(self, output: int = 1) -> list[Eq]:
        """w'_k = …, b' = … as equations."""
        ws, bp = self.symbols(output)
        lines = [Eq(w, row[output - 1], evaluate=False) for w, row in zip(ws, self._matrix)]
        if bp is not None:
            lines.append(Eq(bp, self._bias[output - 1], evaluate=False))
        return lines

    def block_identity(self, symbolic: bool = True) -> tuple[MatrixExpr, MatrixExpr]:
        """(lhs, rhs): the layers nested in block form, and (W^{[1]}⋯W^{[L]})^T x + b' in block form."""
        return block_identity(self.network, symbolic)

    def verify(self, seed: int = 0, points: int = 3) -> Check:
        """Network output − (w'·x + b') is 0: symbolically where affordable, else exactly at random rational points."""
        net = self.network
        if net.n_params <= SYMBOLIC_VERIFY_PARAMETER_LIMIT:
            for i in range(1, self.n_outputs + 1):
                check = check_equal(net.output(i), self.explicit_model(i), seed=seed)
                if not check.holds:
                    return check
            return Check(True, "symbolic expansion of the network output")
        return _verify_at_points(net, self._matrix, self._bias, seed, points)

    @cached_property
    def proof(self) -> Derivation:
        from .proofs import collapse_proof

        return collapse_proof(self)

    def __repr__(self) -> str:
        return f"Collapse({self.network!r} → linear model in {self.network.sizes[0]} inputs)"

    def _repr_latex_(self) -> str:
        from .printing import latex

        return "$\\displaystyle " + latex(self.definitions()) + "$"


def _verify_at_points(net: Network, matrix, bias, seed: int, points: int) -> Check:
    rng = random.Random(seed)
    for _ in range(points):
        values = exact.random_values(net, rng)
        x = exact.random_point(net.sizes[0], rng)
        expected = exact.forward(net, values, x)
        for i, target in enumerate(expected):
            column = [row[i].xreplace(values) for row in matrix]
            got = Add(*[Mul(w, xk) for w, xk in zip(column, x)], bias[i].xreplace(values))
            if got != target:
                return Check(False, f"evaluated exactly at {points} random rational points", f"output {i + 1} differs")
    return Check(True, f"evaluated exactly at {points} random rational points")


def block_identity(network: Network, symbolic: bool = True, first: int = 1,
                   last: int | None = None) -> tuple[MatrixExpr, MatrixExpr]:
    """Both sides of f(x) = (A_1⋯A_L)^T x + Σ_j (A_{j+1}⋯A_L)^T c_j in MatrixSymbols (any sizes when ``symbolic``).

    ``first``/``last`` restrict it to a run of layers, whose input is a^{[first−1]}.
    """
    last = network.depth if last is None else last
    run = [network.layer(j) for j in range(first, last + 1)]
    _require_affine_layers(run)
    n = network.block_sizes(symbolic)
    x = notation.matrix("x", n[0], 1) if first == 1 else notation.matrix("a", n[first - 1], 1, first - 1)
    lhs = x
    maps = []
    for layer in run:
        j = layer.index
        s, t = _layer_affine(layer)
        A = notation.matrix("W", n[j - 1], n[j], j)
        c = _scaled(s, notation.matrix("b", n[j], 1, j)) if network.bias else None
        z = network.block_z(j, symbolic, source=lhs)
        lhs = _scaled(s, z)
        if t != 0:
            ones = t * OneMatrix(n[j], 1)
            lhs = lhs + ones
            c = ones if c is None else c + ones
        maps.append((_scaled(s, A), c))
    # Transpose(...) and MatMul/MatAdd constructors, not .T and +, which would
    # distribute the transpose and hide the lecture's (W^{[1]} W^{[2]})^T.
    terms = [MatMul(Transpose(_product([A for A, _ in maps])), x)]
    for j, (_, c) in enumerate(maps):
        if c is not None:
            tail = [A for A, _ in maps[j + 1:]]
            terms.append(MatMul(Transpose(_product(tail)), c) if tail else c)
    return lhs, MatAdd(*terms)


def _product(factors: list) -> MatrixExpr:
    return factors[0] if len(factors) == 1 else MatMul(*factors)


# --- the entry point and the non-affine case ---------------------------------------------

def _require_affine(network: Network) -> None:
    _require_affine_layers(network.layers)


def _require_affine_layers(layers) -> None:
    bad = [(layer.index, layer.activation.name) for layer in layers if not layer.activation.is_affine]
    if bad:
        names = ", ".join(f"layer {j} ({name})" for j, name in bad)
        verb = "is" if len(bad) == 1 else "are"
        raise NotCollapsible(f"{names} {verb} not affine, so the network is not one linear model", None)


def collapse(network: Network) -> Collapse:
    """Collapse an all-affine network to f(x) = w'·x + b'; raise NotCollapsible with a witness otherwise.

    >>> from symnn import Network
    >>> result = collapse(Network([3, 4, 1], activation="linear", bias=False))
    >>> result.weights[0]
    w11[1]*w11[2] + w12[1]*w21[2] + w13[1]*w31[2] + w14[1]*w41[2]
    """
    try:
        _require_affine(network)
    except NotCollapsible as error:
        raise NotCollapsible(str(error), find_witness(network)) from None
    return Collapse(network)


def find_witness(network: Network, seed: int = 0, tries: int = WITNESS_TRIES) -> Witness | None:
    """Search for rational parameters and inputs x, y with f(x + y) + f(0) ≠ f(x) + f(y)."""
    rng = random.Random(seed)
    n0 = network.sizes[0]
    for _ in range(tries):
        values = _witness_values(network, rng)
        x, y = exact.random_point(n0, rng), exact.random_point(n0, rng)
        fx, fy = exact.forward(network, values, x), exact.forward(network, values, y)
        fxy = exact.forward(network, values, [p + q for p, q in zip(x, y)])
        f0 = exact.forward(network, values, [S.Zero] * n0)
        for i in range(len(fx)):
            difference = fxy[i] + f0[i] - fx[i] - fy[i]
            if _clearly_nonzero(difference):
                return Witness(values, tuple(x), tuple(y), i + 1, fx[i], fy[i], fxy[i], f0[i])
    return None


# Above this many parameters the witness uses one path x_1 → unit 1 → … → output 1 (other weights 0),
# so that evaluating the network exactly stays cheap.
WITNESS_FULL_PARAMETER_LIMIT = 2000


def _witness_values(network: Network, rng: random.Random) -> dict:
    if network.n_params <= WITNESS_FULL_PARAMETER_LIMIT:
        return exact.random_values(network, rng)
    values = {p: S.Zero for p in network.params()}
    for layer in network.layers:
        values[layer.weight(1, 1)] = random_rational(rng) or S.One
        if layer.bias_enabled:
            values[layer.bias(1)] = random_rational(rng)
    return values


def _clearly_nonzero(value: Expr) -> bool:
    if value.is_Rational:
        return value != 0
    # far above the evaluation's error, so the inequality is certain
    return abs(value.evalf(NUMERIC_DIGITS)) > NUMERIC_TOLERANCE * 10**30
