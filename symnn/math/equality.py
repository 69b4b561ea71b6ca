"""Deciding whether two expressions are equal: symbolically where affordable, else at random rational points.

Every derivation step, every collapse, merge and non-collapse witness is checked
here, and the check says which method it used, so a reader knows what
"verified" means. ``vanishes`` is the one rule for "is this difference zero":
exactly for a rational number, otherwise to ``numeric_digits`` digits within
10^−``tolerance_digits`` (both in symnn.settings).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sympy.matrices.expressions.dotproduct import DotProduct
from sympy import (
    Abs,
    cosh,
    coth,
    exp,
    sinh,
    tanh,
    Basic,
    Expr,
    Derivative,
    Float,
    MatAdd,
    Matrix,
    MatrixBase,
    MatrixExpr,
    MatrixSymbol,
    Rational,
    S,
    Sum,
    ZeroMatrix,
    preorder_traversal,
    simplify,
)
from sympy.logic.boolalg import Boolean

from symnn.core.activations import explicit
from symnn.core.guards import node_count
from symnn.core.parsing import as_expr
from symnn.config import current

_HYPERBOLIC = (sinh, cosh, tanh, coth)

SYMBOLIC = "symbolic"
MATRIX_ALGEBRA = "matrix algebra"


@dataclass(frozen=True)
class Check:
    """The outcome of one check: whether it held and how it was decided."""

    holds: bool
    method: str
    detail: str = ""

    @property
    def kind(self) -> str:
        """"definition", "proof" (symbolic or matrix algebra), "points" (random sample points: a check,
        not a proof) or "decimal" (a value to some digits)."""
        if self.method == "definition":
            return "definition"
        if "random" in self.method:
            return "points"
        if self.method.startswith("evaluated to"):
            return "decimal"
        return "proof"


def prepare(expr):
    """Expand Σ forms and derivatives, write out σ, tanh, … so both sides speak the same language."""
    if isinstance(expr, MatrixBase):
        return expr.applyfunc(prepare)
    if isinstance(expr, Basic):
        expr = expr.doit() if expr.has(Sum, Derivative, DotProduct) else expr
        return explicit(expr)
    return expr


def _explicit_matrix(value):
    """A block expression made only of explicit matrices, multiplied out; anything else unchanged."""
    if (isinstance(value, MatrixExpr) and not isinstance(value, MatrixBase) and not value.atoms(MatrixSymbol)
            and all(isinstance(dimension, int) or dimension.is_Integer for dimension in value.shape)):
        return Matrix(value.doit())
    return value


def check_equal(lhs, rhs, seed: int = 0, points: int | None = None) -> Check:
    """Does lhs = rhs hold identically? Symbolically for small expressions, else at random rational points."""
    lhs, rhs = _explicit_matrix(lhs), _explicit_matrix(rhs)
    if any(isinstance(v, MatrixExpr) and not isinstance(v, MatrixBase) for v in (lhs, rhs)):
        return _check_matrix_expr(lhs, rhs)
    difference = prepare(lhs) - prepare(rhs)
    if isinstance(difference, MatrixBase):
        entries = list(difference)
    else:
        entries = [difference]
    limit = current().symbolic_nodes
    if all(node_count(e, limit + 1) <= limit for e in entries):
        if all(_is_zero_symbolically(e) for e in entries):
            return Check(True, SYMBOLIC)
        # simplify may fail to see a true identity: fall through to points,
        # which will find a counterexample if it is false.
    return check_at_points(entries, seed, points or current().random_points)


def _is_zero_symbolically(expr) -> bool:
    if expr == 0:
        return True
    expanded = expr.expand()
    if expanded == 0:
        return True
    if expanded.has(*_HYPERBOLIC):
        # tanh and friends in terms of exp, so simplify sees tanh(z) = 2σ(2z) − 1
        expanded = expanded.rewrite(exp)
    return simplify(expanded) == 0


def _check_matrix_expr(lhs, rhs) -> Check:
    # each side multiplied out on its own, then one canonical sum: 3x faster than expanding lhs − rhs
    difference = MatAdd(_matrix_normal(lhs), -_matrix_normal(rhs)).doit()
    holds = isinstance(difference, ZeroMatrix) or difference == 0
    return Check(holds, MATRIX_ALGEBRA, "" if holds else f"difference {difference}")


def _matrix_normal(expr):
    return expr.expand().doit() if isinstance(expr, MatrixExpr) else expr


def first_failure(checks: list[Check]) -> Check:
    """Several checks of one claim as one: the first that fails, else the first (each holds)."""
    return next((c for c in checks if not c.holds), checks[0])


def random_rational(rng: random.Random) -> Rational:
    """A small random rational such as −7/3, used for exact checks."""
    return Rational(rng.randint(-9, 9), rng.randint(1, 5))


def vanishes(value) -> tuple[bool, bool]:
    """(is zero, decided exactly) for a number: exact for a rational, else to ``numeric_digits`` digits
    within 10^−``tolerance_digits`` (symnn.settings). The one rule every point check uses."""
    value = as_expr(value)
    if value.is_Rational:
        return value == 0, True
    settings = current()
    number = value.evalf(settings.numeric_digits)
    if not number.is_number:
        return False, False
    return bool(Abs(number) <= Rational(1, 10**settings.tolerance_digits)), False


def check_at_points(entries: list, seed: int, points: int) -> Check:
    """Evaluate each difference at random rational points: exactly when the result is rational."""
    rng = random.Random(seed)
    symbols = sorted({s for e in entries for s in e.free_symbols}, key=str)
    if not symbols:  # numbers only: one evaluation says it all
        results = [vanishes(entry) for entry in entries]
        exact = all(decided for _, decided in results)
        how = "evaluated exactly" if exact else f"evaluated to {current().numeric_digits} digits"
        holds = all(zero for zero, _ in results)
        return Check(holds, how, "" if holds else f"differs by {entries}")
    exact = True
    for _ in range(points):
        values = {s: random_rational(rng) for s in symbols}
        for entry in entries:
            value = entry.xreplace(values)
            zero, decided_exactly = vanishes(value)
            exact = exact and decided_exactly
            if not zero:
                return Check(False, points_method(points, decided_exactly), f"differs by {value} at {values}")
    return Check(True, points_method(points, exact))


def points_method(points: int, exact: bool) -> str:
    """How a point check was decided, in words."""
    how = "exactly" if exact else f"to {current().numeric_digits} digits"
    return f"evaluated {how} at {points} random rational points"


def check_equivalent(lhs: Boolean, rhs: Boolean, variable) -> Check:
    """Do two conditions on one real variable hold for exactly the same values?"""
    from sympy import solveset

    left = solveset(prepare(lhs), variable, S.Reals)
    right = solveset(prepare(rhs), variable, S.Reals)
    holds = left == right
    return Check(holds, "solution sets over ℝ compared", "" if holds else f"{left} ≠ {right}")


def check_approximately(lhs: Expr, rhs: Float, tolerance) -> Check:
    """Is |lhs − rhs| within ``tolerance`` (half a unit of the last printed digit)?"""
    digits = current().numeric_digits
    error = Abs(prepare(lhs).evalf(digits) - rhs)
    holds = bool(error <= tolerance)
    return Check(holds, f"evaluated to {digits} digits, within {_tolerance_text(tolerance)}",
                 "" if holds else f"off by {error}")


def _tolerance_text(tolerance) -> str:
    """1/1000000000 as $10^{-9}$ and 1/20000 as $5 \\cdot 10^{-5}$ (TeX, which every renderer reads); else as it is."""
    value = Rational(str(tolerance)) if isinstance(tolerance, Float) else Rational(tolerance)
    for k in range(1, 80):
        scaled = value * 10**k
        if scaled.is_Integer and 1 <= scaled <= 9:
            return f"$10^{{-{k}}}$" if scaled == 1 else f"${scaled} \\cdot 10^{{-{k}}}$"
    return str(tolerance)