"""Composing runs of affine layers: the explicit W' (built on demand) and the block-form identity.

With affine g^{[j]}(z) = s_j z + t_j every layer is a^{[j]} = A_j^T a^{[j−1]} + c_j
(A_j = s_j W^{[j]}, c_j = s_j b^{[j]} + t_j 1), and so a run of layers p..q is
a ↦ (A_p ⋯ A_q)^T a + Σ_j (A_{j+1} ⋯ A_q)^T c_j.
"""

from __future__ import annotations

from sympy import Add, Expr, MatAdd, MatMul, MatrixExpr, Mul, OneMatrix, S, Transpose, ZeroMatrix

from symnn.core import guards, notation
from symnn.core.layer import Layer
from symnn.core.network import Network
from symnn.errors import NotCollapsible
from symnn.math.fastsum import keyed, keyed_sum_of_products, paused_gc
from symnn.config import Progress, report_progress


def layer_affine(layer: Layer) -> tuple[Expr, Expr]:
    """(s, t) with g^{[j]}(z) = s z + t."""
    return layer.activation.affine_coefficients


def scaled(s: Expr, expr):
    """s·expr, kept as written when s = 1; a constant g (s = 0) makes a zero of the right kind."""
    if s == 1:
        return expr
    if s == 0:
        return ZeroMatrix(*expr.shape) if isinstance(expr, MatrixExpr) else S.Zero
    return Mul(s, expr)


def _layer_bias(layer: Layer, s: Expr, t: Expr) -> list[Expr]:
    """c_j = s_j b^{[j]} + t_j 1, entry by entry."""
    return [Add(scaled(s, layer.bias_term(i)), t) for i in range(1, layer.n_out + 1)]


def require_affine(layers) -> None:
    """Raise NotCollapsible (without a witness) naming every layer whose g is not affine."""
    bad = [(layer.index, layer.activation.name) for layer in layers if not layer.activation.is_affine]
    if bad:
        names = ", ".join(f"layer {j} ({name})" for j, name in bad)
        verb = "is" if len(bad) == 1 else "are"
        raise NotCollapsible(f"{names} {verb} not affine, so the network is not one linear model", None)


class Composition:
    """(M, c) with a run of affine layers equal to a ↦ M^T a + c, entries in the lecture's nested form.

    M = W^{[p]} ⋯ W^{[q]} times the scales, built left to right so that
    w'_k = Σ_j w_{kj}^{[1]} w_{j1}^{[2]} (and nested sums for deeper runs). The
    product up to the last layer is built once; each column of M (one output's
    w'_k) only when asked for. Refused (ExpressionTooLarge) when M would have more
    products than the ``terms`` setting.
    """

    def __init__(self, layers: list[Layer], progress: Progress | None = None):
        sizes = [layers[0].n_in] + [layer.n_out for layer in layers]
        guards.check(len(layers), f"composing layers {layers[0].index}..{layers[-1].index}", setting="depth",
                     unit="layers", alternative="use symnn.compile for numbers")
        guards.check(guards.collapse_terms(sizes), f"the explicit W' of layers {layers[0].index}..{layers[-1].index}",
                     alternative="use collapse(...).block_identity() for the proof, or symnn.compile for numbers")
        self.layers = layers
        self.n_in, self.n_out = sizes[0], sizes[-1]
        self._columns: dict[int, list[Expr]] = {}
        with paused_gc():
            self._prefix, self._scale, self.bias = self._build(progress)

    def _build(self, progress):
        first = self.layers[0]
        s, t = layer_affine(first)
        scale = s
        c = _layer_bias(first, s, t)
        prefix = None if len(self.layers) == 1 else [[keyed(w) for w in row] for row in first.weight_rows()]
        for position, layer in enumerate(self.layers[1:], start=1):
            s, t = layer_affine(layer)
            weights = layer.weight_rows()
            if position < len(self.layers) - 1:
                columns = [[keyed(weights[r][i]) for r in range(layer.n_in)] for i in range(layer.n_out)]
                rows = report_progress(prefix, len(prefix), f"W' through layer {layer.index}", progress,
                                       large=len(prefix) * layer.n_in * layer.n_out > 100_000)
                prefix = [[keyed_sum_of_products(list(zip(row, column))) for column in columns] for row in rows]
            c = [Add(*[Mul(c[r], weights[r][i]) for r in range(layer.n_in)]) for i in range(layer.n_out)]
            c = [Add(scaled(s, ci), scaled(s, layer.bias_term(i + 1)), t) for i, ci in enumerate(c)]
            scale *= s
        return prefix, scale, c

    def column(self, i: int) -> list[Expr]:
        """Column i of M: the weights w'_{k i} of output i, k = 1..n_in (built once, on first use)."""
        if i not in self._columns:
            last = self.layers[-1]
            if self._prefix is None:
                entries = [last.weight(k, i) for k in range(1, last.n_in + 1)]
            else:
                column = [keyed(last.weight(r, i)) for r in range(1, last.n_in + 1)]
                with paused_gc():
                    entries = [keyed_sum_of_products(list(zip(row, column)))[0] for row in self._prefix]
            self._columns[i] = [scaled(self._scale, entry) for entry in entries]
        return self._columns[i]

    @property
    def built_columns(self) -> tuple[int, ...]:
        """The outputs whose column of M has been built so far."""
        return tuple(sorted(self._columns))

    def matrix(self, progress: Progress | None = None) -> list[list[Expr]]:
        """M as rows (n_in × n_out), every column built."""
        outputs = report_progress(range(1, self.n_out + 1), self.n_out, "W' columns", progress,
                                  large=self.n_in * self.n_out * self.layers[-1].n_in > 100_000)
        columns = [self.column(i) for i in outputs]
        return [list(row) for row in zip(*columns)]


def compose(layers: list[Layer]) -> tuple[list[list[Expr]], list[Expr]]:
    """(M, c) with a run of affine layers equal to a ↦ M^T a + c (see Composition)."""
    composition = Composition(layers)
    return composition.matrix(), composition.bias


def block_identity(network: Network, symbolic: bool = True, first: int = 1,
                   last: int | None = None) -> tuple[MatrixExpr, MatrixExpr]:
    """Both sides of f(x) = (A_1⋯A_L)^T x + Σ_j (A_{j+1}⋯A_L)^T c_j in MatrixSymbols (any sizes when ``symbolic``).

    ``first``/``last`` restrict it to a run of layers, whose input is a^{[first−1]}.
    """
    last = network.depth if last is None else last
    run = [network.layer(j) for j in range(first, last + 1)]
    guards.check(len(run), f"the block form of layers {first}..{last}", setting="depth", unit="layers",
                 alternative="use symnn.compile for numbers")
    require_affine(run)
    n = network.block_sizes(symbolic)
    x = notation.matrix("x", n[0], 1) if first == 1 else notation.matrix("a", n[first - 1], 1, first - 1)
    lhs = x
    maps = []
    for layer in run:
        j = layer.index
        s, t = layer_affine(layer)
        A = notation.matrix("W", n[j - 1], n[j], j)
        c = scaled(s, notation.matrix("b", n[j], 1, j)) if network.has_bias else None
        z = network.block_z(j, symbolic, source=lhs)
        lhs = scaled(s, z)
        if t != 0:
            ones = t * OneMatrix(n[j], 1)
            lhs = lhs + ones
            c = ones if c is None else c + ones
        maps.append((scaled(s, A), c))
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
