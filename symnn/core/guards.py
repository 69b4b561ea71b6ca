"""Size guards: estimate how big an expression will be before building or expanding it, and refuse beyond a limit.

The limits are ``symnn.settings`` (``terms``, ``expanded``, ``latex_nodes``; change
them with ``with symnn.settings(terms=…):`` or the older ``symnn.guards.limits``).
A refusal is an ExpressionTooLarge that names the estimate and points to the
block form or the numeric path, which work at any size.
"""

from __future__ import annotations

from contextlib import contextmanager
from math import prod

from sympy import preorder_traversal

from symnn.errors import ExpressionTooLarge
from symnn.config import current, settings

__all__ = ["ExpressionTooLarge", "check", "limits", "node_count"]


def check(estimate: int, what: str, setting: str = "terms", alternative: str = "", unit: str = "terms") -> None:
    """Raise ExpressionTooLarge when ``estimate`` exceeds the limit named by ``setting``."""
    limit = getattr(current(), setting)
    if estimate > limit:
        hint = alternative or ("use the block form (network.block_z, collapse(...).block_identity()) "
                               "or the numeric path (symnn.compile)")
        raise ExpressionTooLarge(f"{what} would have about {estimate:,} {unit}, more than the limit of {limit:,} "
                                 f"(symnn.settings({setting}=...) changes it); {hint}")


def node_count(expr, limit: int) -> int:
    """Number of nodes in ``expr``'s tree, counting no further than ``limit``."""
    count = 0
    for _ in preorder_traversal(expr):
        count += 1
        if count >= limit:
            break
    return count


def nested_terms(sizes, layer: int | None = None) -> int:
    """Leaves of a^{[layer]} written in terms of x, nested (not expanded), over all its units."""
    layer = len(sizes) - 1 if layer is None else layer
    per_unit = 1
    for j in range(1, layer + 1):
        per_unit = sizes[j - 1] * per_unit + 1  # Σ_k w_{ki} a_k + b_i, each a_k a subtree
    return per_unit * sizes[layer]


def collapse_terms(sizes, first: int = 1, last: int | None = None) -> int:
    """Products in the explicit W' of layers first..last: n_{first−1} · n_last · Π of the sizes between."""
    last = len(sizes) - 1 if last is None else last
    return sizes[first - 1] * sizes[last] * prod(sizes[first:last]) if last > first else sizes[first - 1] * sizes[last]


def expansion_terms(sizes) -> int:
    """Monomials of the fully expanded output of an all-linear network: one per path from an input or a bias."""
    total, paths = 0, 1
    for j in range(len(sizes) - 1, 0, -1):
        total += paths * sizes[j]  # the biases of layer j reach the output along these paths
        paths *= sizes[j]
    return paths * sizes[0] + total


@contextmanager
def limits(terms: int | None = None, expanded: int | None = None, latex_nodes: int | None = None):
    """Temporarily change the size limits: ``with symnn.guards.limits(terms=10**8): ...`` (same as symnn.settings)."""
    changes = {name: value for name, value in
               (("terms", terms), ("expanded", expanded), ("latex_nodes", latex_nodes)) if value is not None}
    with settings(**changes) as scoped:
        yield scoped
