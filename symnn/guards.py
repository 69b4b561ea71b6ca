"""Size guards: estimate how big an expression will be before building or expanding it, and refuse beyond a limit.

The limits are module settings (change them with ``symnn.guards.limits(terms=…)``
as a context manager, or by assigning ``symnn.guards.TERM_LIMIT``). A refusal is
an ExpressionTooLarge that names the estimate and points to the block form or
the numeric path, which work at any size.
"""

from __future__ import annotations

from contextlib import contextmanager
from math import prod

from .errors import SymnnError

TERM_LIMIT = 5_000_000  # products or leaves an explicit (nested) expression may have
EXPANSION_LIMIT = 200_000  # monomials a full SymPy expand may produce (about a second per 100 000)
LATEX_NODE_LIMIT = 200_000  # nodes of an expression symnn.latex / symnn.pretty will print


class ExpressionTooLarge(SymnnError, ValueError):
    """An operation would build or print an expression too large to be useful; the message says what to use."""


def check(estimate: int, what: str, limit: int | None = None, alternative: str = "", unit: str = "terms",
          setting: str = "terms") -> None:
    """Raise ExpressionTooLarge when ``estimate`` exceeds the limit (TERM_LIMIT unless given)."""
    limit = TERM_LIMIT if limit is None else limit
    if estimate > limit:
        hint = alternative or ("use the block form (network.block_z, collapse(...).block_identity()) "
                               "or the numeric path (symnn.compile)")
        raise ExpressionTooLarge(f"{what} would have about {estimate:,} {unit}, more than the limit of {limit:,} "
                                 f"(symnn.guards.limits({setting}=...) changes it); {hint}")


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
    """Temporarily change the limits: ``with symnn.guards.limits(terms=10**8): ...``."""
    global TERM_LIMIT, EXPANSION_LIMIT, LATEX_NODE_LIMIT
    saved = TERM_LIMIT, EXPANSION_LIMIT, LATEX_NODE_LIMIT
    for value in (terms, expanded, latex_nodes):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise SymnnError(f"limits must be positive integers, not {value!r}")
    TERM_LIMIT = terms or TERM_LIMIT
    EXPANSION_LIMIT = expanded or EXPANSION_LIMIT
    LATEX_NODE_LIMIT = latex_nodes or LATEX_NODE_LIMIT
    try:
        yield
    finally:
        TERM_LIMIT, EXPANSION_LIMIT, LATEX_NODE_LIMIT = saved
