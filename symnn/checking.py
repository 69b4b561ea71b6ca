"""Deciding whether two expressions are equal: symbolically where affordable, else at random rational points.

Every derivation step and every collapse is checked here, and the check says
which method it used, so a reader knows what "verified" means.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

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

from .activations import explicit

_HYPERBOLIC = (sinh, cosh, tanh, coth)

# Expressions with more nodes than this are checked at random points rather
# than by simplify/expand, which can take minutes on a whole network.
SYMBOLIC_NODE_LIMIT = 600
RANDOM_POINTS = 4
NUMERIC_DIGITS = 60
# An equation between transcendental numbers counts as holding when the two
# sides agree to this many of the NUMERIC_DIGITS digits.
NUMERIC_TOLERANCE = Rational(1, 10**50)

SYMBOLIC = "symbolic"
MATRIX_ALGEBRA = "matrix algebra"


@dataclass(frozen=True)
class Check:
    """The outcome of one check: whether it held and how it was decided."""

    holds: bool
    method: str
    detail: str = ""


def node_count(expr, limit: int = SYMBOLIC_NODE_LIMIT + 1) -> int:
    """Number of nodes in ``expr``'s tree, counting no further than ``limit``."""
    count = 0
    for _ in preorder_traversal(expr):
        count += 1
        if count >= limit:
            break
    return count


def prepare(expr):
    """Expand Σ forms and derivatives, write out σ, tanh, … so both sides speak the same language."""
    if isinstance(expr, MatrixBase):
        return expr.applyfunc(prepare)
    if isinstance(expr, Basic):
        expr = expr.doit() if expr.has(Sum, Derivative) else expr
        return explicit(expr)
    return expr


def _explicit_matrix(value):
    """A block expression made only of explicit matrices, multiplied out; anything else unchanged."""
    if isinstance(value, MatrixExpr) and not isinstance(value, MatrixBase) and not value.atoms(MatrixSymbol):
        return Matrix(value.doit())
    return value


def check_equal(lhs, rhs, seed: int = 0, points: int = RANDOM_POINTS) -> Check:
    """Does lhs = rhs hold identically?"""
    lhs, rhs = _explicit_matrix(lhs), _explicit_matrix(rhs)
    if any(isinstance(v, MatrixExpr) and not isinstance(v, MatrixBase) for v in (lhs, rhs)):
        return _check_matrix_expr(lhs, rhs)
    difference = prepare(lhs) - prepare(rhs)
    if isinstance(difference, MatrixBase):
        entries = list(difference)
    else:
        entries = [difference]
    if all(node_count(e) <= SYMBOLIC_NODE_LIMIT for e in entries):
        if all(_is_zero_symbolically(e) for e in entries):
            return Check(True, SYMBOLIC)
        # simplify may fail to see a true identity: fall through to points,
        # which will find a counterexample if it is false.
    return check_at_points(entries, seed, points)


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


def random_rational(rng: random.Random) -> Rational:
    """A small random rational such as −7/3, used for exact checks."""
    return Rational(rng.randint(-9, 9), rng.randint(1, 5))


def difference_vanishes(value) -> tuple[bool, bool]:
    """(is zero, decided exactly): exact for a rational number, else to NUMERIC_DIGITS digits within NUMERIC_TOLERANCE."""
    if value.is_Rational:
        return value == 0, True
    number = value.evalf(NUMERIC_DIGITS)
    return bool(number.is_number and Abs(number) <= NUMERIC_TOLERANCE), False


def check_at_points(entries: list, seed: int, points: int) -> Check:
    """Evaluate each difference at random rational points: exactly when the result is rational."""
    rng = random.Random(seed)
    symbols = sorted({s for e in entries for s in e.free_symbols}, key=str)
    exact = True
    for _ in range(points):
        values = {s: random_rational(rng) for s in symbols}
        for entry in entries:
            value = entry.xreplace(values)
            zero, decided_exactly = difference_vanishes(value)
            exact = exact and decided_exactly
            if not zero:
                return Check(False, points_method(points, decided_exactly), f"differs by {value} at {values}")
    return Check(True, points_method(points, exact))


def points_method(points: int, exact: bool) -> str:
    how = "exactly" if exact else f"to {NUMERIC_DIGITS} digits"
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
    error = Abs(prepare(lhs).evalf(NUMERIC_DIGITS) - rhs)
    holds = bool(error <= tolerance)
    return Check(holds, f"evaluated to {NUMERIC_DIGITS} digits, within {tolerance}", "" if holds else f"off by {error}")
