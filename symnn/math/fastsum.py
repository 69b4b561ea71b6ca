"""Building Σ_r a_r b_r of notation symbols in SymPy's canonical form without SymPy's general flatten.

Collapsing a 784-64-10 network writes 7 840 sums of 64 products; ``Add`` and
``Mul`` spend most of their time discovering what we already know (no numbers
to gather, no like terms, no powers). Here the canonical argument order is
computed with a sort key that mirrors ``Basic.compare`` for the three kinds of
node involved (NotationSymbol, Mul, Add), and the nodes are made with
``_from_args``. A self-check against ordinary construction runs once; if it
ever disagrees (a different SymPy), every call takes the ordinary path.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager

from sympy import Add, Mul
from sympy.core.basic import ordering_of_classes

from symnn.core.notation import NotationSymbol, w as _w

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

    Falls back to ordinary Add/Mul (key None) for anything else.
    """
    if _FAST and len(pairs) > 1:
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
    return Add(*[Mul(a, b) for (a, _), (b, _) in pairs]), None


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


def _agrees_with_sympy() -> bool:
    # 2 x 2 x 2 products, then those sums times weights: both node kinds the collapse makes
    first = [[keyed_sum_of_products([(keyed(_w(k, r, 91)), keyed(_w(r, i, 92))) for r in (1, 2, 3)])
              for i in (1, 2)] for k in (1, 2)]
    again = [[Add(*[Mul(_w(k, r, 91), _w(r, i, 92)) for r in (1, 2, 3)]) for i in (1, 2)] for k in (1, 2)]
    nested = keyed_sum_of_products([(first[k][0], keyed(_w(k + 1, 1, 93))) for k in (0, 1)])[0]
    first = [[entry for entry, _ in row] for row in first]
    nested_again = Add(*[Mul(again[k][0], _w(k + 1, 1, 93)) for k in (0, 1)])
    return first == again and nested == nested_again and nested.args == nested_again.args


_FAST = True
_FAST = _agrees_with_sympy()
