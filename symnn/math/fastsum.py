"""Building Σ_r a_r b_r of notation symbols in SymPy's canonical form without SymPy's general flatten.

Collapsing a 784-64-10 network writes 7 840 sums of 64 products; ``Add`` and
``Mul`` spend most of their time discovering what we already know (no numbers
to gather, no like terms, no powers). Here the canonical argument order is
computed with a sort key that mirrors ``Basic.compare`` for the three kinds of
node involved (NotationSymbol, Mul, Add), and the nodes are made with
``_from_args``. A self-check against ordinary construction runs once, on the
first call and on symbols made just for it; if it ever disagrees (a different
SymPy), a warning says so and every call takes the ordinary path.
"""

from __future__ import annotations

import gc
import warnings
from contextlib import contextmanager
from functools import cache

from sympy import Add, Mul
from sympy.core.basic import ordering_of_classes

from symnn.core.notation import NotationSymbol, scratch_w

_UNKNOWN = len(ordering_of_classes) + 1


def _class_key(name: str) -> tuple:
    return (ordering_of_classes.index(name), "") if name in ordering_of_classes else (_UNKNOWN, name)


_MUL, _ADD, _SYMBOL = _class_key("Mul"), _class_key("Add"), _class_key("NotationSymbol")


Keyed = tuple  # (expression, its canonical key)


def keyed(symbol: NotationSymbol) -> Keyed:
    """A notation symbol with its canonical key."""
    return symbol, (_SYMBOL, 0, (symbol.name,))


def keyed_sum_of_products(pairs: list[tuple[Keyed, Keyed]]) -> Keyed:
    """Σ a_r b_r over distinct products of keyed symbols or sums, with the key of the result.

    Falls back to ordinary Add/Mul (key None) for anything else, and always when
    this SymPy disagrees with the fast path (``fast_path_active``).
    """
    if fast_path_active():
        return keyed_sum_of_products_unchecked(pairs)
    return _ordinary(pairs)


def _ordinary(pairs) -> Keyed:
    return Add(*[Mul(a, b) for (a, _), (b, _) in pairs]), None


def keyed_sum_of_products_unchecked(pairs: list[tuple[Keyed, Keyed]]) -> Keyed:
    """The fast construction itself (the self-check compares it with ordinary Add/Mul)."""
    if len(pairs) > 1:
        products = []
        for (x, kx), (y, ky) in pairs:  # one loop, no calls: this runs 500 000 times for a 784-64-10 net
            if kx is None or ky is None or x is y:
                break
            if kx <= ky:
                products.append(((_MUL, 2, (kx, ky)), (x, y)))
            else:
                products.append(((_MUL, 2, (ky, kx)), (y, x)))
        else:
            products.sort(key=_first)
            keys = [k for k, _ in products]
            if all(keys[n] != keys[n + 1] for n in range(len(keys) - 1)):
                from_args = Mul._from_args
                terms = [from_args(args, True) for _, args in products]
                return Add._from_args(terms, True), (_ADD, len(terms), tuple(keys))
    return _ordinary(pairs)


def _first(pair):
    return pair[0]


@contextmanager
def paused_gc():
    """Pause the cyclic garbage collector while building hundreds of thousands of acyclic nodes.

    Each collection walks every live SymPy object; with half a million new
    products it runs hundreds of times and costs about a third of the build.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@cache
def fast_path_active() -> bool:
    """Whether this SymPy builds the same sums as the fast path (checked once, on first use)."""
    if _agrees_with_sympy():
        return True
    warnings.warn("symnn: this SymPy orders sums differently from symnn's fast path; collapsing large "
                  "networks falls back to ordinary Add/Mul (correct, about 50 times slower)", RuntimeWarning,
                  stacklevel=3)
    return False


def _agrees_with_sympy() -> bool:
    # Products of weights, sums of them, and those sums times weights — every node kind the
    # collapse makes — built both ways on fresh symbols (nothing is left in symnn's symbol cache).
    w = {(k, i, layer): scratch_w(k, i, layer) for layer in (1, 2, 3) for k in range(1, 5) for i in range(1, 5)}
    first = [[keyed_sum_of_products_unchecked([(keyed(w[k, r, 1]), keyed(w[r, i, 2])) for r in (1, 2, 3, 4)])
              for i in (1, 2, 3)] for k in (1, 2, 3, 4)]
    again = [[Add(*[Mul(w[k, r, 1], w[r, i, 2]) for r in (1, 2, 3, 4)]) for i in (1, 2, 3)] for k in (1, 2, 3, 4)]
    nested = [keyed_sum_of_products_unchecked([(first[k][r], keyed(w[r + 1, i, 3])) for r in range(3)])[0]
              for k in range(4) for i in (1, 2)]
    nested_again = [Add(*[Mul(again[k][r], w[r + 1, i, 3]) for r in range(3)]) for k in range(4) for i in (1, 2)]
    flat = [entry for row in first for entry, _ in row]
    flat_again = [entry for row in again for entry in row]
    return all(a == b and a.args == b.args for a, b in zip(flat + nested, flat_again + nested_again))
