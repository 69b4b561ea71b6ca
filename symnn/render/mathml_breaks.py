"""Where a long equation may break on a page: the printed terms of a sum, and inside a term only when it must.

A page shows each piece as its own ``<math>`` in a wrapping row, so the browser
breaks lines between terms of the top-level sum (``w_{11} x_1 + … + b_1``) and
nowhere else. A long term that is g(…) of a sum (``σ(… + … + …)``) or a product
with one sum in parentheses (``w_{11}^{[2]}(… + …)``) becomes a nested list, a
group the page wraps inside only when that term alone is wider than its line.
"""

from __future__ import annotations

from sympy import Add, Basic, MatAdd, MatMul, Mul, S, UnevaluatedExpr, preorder_traversal
from sympy.printing.precedence import PRECEDENCE
from sympy.simplify import fraction

from symnn.core.activations import AppliedActivation
from symnn.core.printing import _block_term_rank, check_printable
from symnn.render.mathml import MINUS, SymnnMathMLPrinter, tall

# A term with more leaves than this (symbols and numbers, ~30 px each) may not fit beside its lhs: it gets break
# points inside (a browser uses them only when the term alone is wider than the line).
LONG_TERM = 8
TALL_PARENTHESES = "2.6em"


def pieces(expr, printer: SymnnMathMLPrinter) -> list:
    """The MathML of each term of a top-level sum (the later ones with their + or −); a nested list is a group.

    The opening ``σ(`` or ``w_{11}^{[2]}(`` of a group is on its first piece and the ``)`` on its last.
    """
    check_printable(expr)
    terms = _sum_terms(expr, printer)
    if terms is None:
        return [_piece(expr, printer)]
    out = [_piece(terms[0], printer)]
    for term in terms[1:]:
        sign, rest = (MINUS, -term) if term.could_extract_minus_sign() else ("+", term)
        out.append(_attach(_piece(rest, printer), printer.to_string(printer.mo(sign, form="infix")), ""))
    return out


def _sum_terms(expr, printer: SymnnMathMLPrinter) -> list | None:
    if isinstance(expr, MatAdd):
        return sorted(expr.args, key=_block_term_rank)  # the printer's order for block sums
    return printer.ordered_terms(expr) if isinstance(expr, Add) else None


def _piece(term, printer: SymnnMathMLPrinter):
    if not isinstance(term, Basic) or _leaves(term) <= LONG_TERM:
        return printer.doprint(term)
    if _activation_of_sum(term):
        return _opened(term.args[0], _activation_name(term, printer), "", printer)
    if isinstance(term, Mul) and not term.has(UnevaluatedExpr) and fraction(term, exact=True)[1] is S.One:
        if term.could_extract_minus_sign():
            return _attach(_piece(-term, printer), printer.to_string(printer.mo(MINUS)), "")
        block = isinstance(term, MatMul)  # a MatMul is a Mul too; its factors keep their order
        factors = list(term.args) if block or printer.order in ("old", "none") else term.as_ordered_factors()
        # the one factor that may open: a sum in parentheses, or g(…) of a sum (w_{11}^{[2]} σ(… + …))
        opening = [n for n, f in enumerate(factors) if isinstance(f, (Add, MatAdd)) or _activation_of_sum(f)]
        if len(opening) == 1:
            n = opening[0]
            times = printer.to_string(printer.mo("&InvisibleTimes;" if block else printer.mathml_tag(term)))

            def printed(factor) -> str:
                return printer.to_string(printer.parenthesize(factor, PRECEDENCE["Mul"]))

            before = "".join(printed(f) + times for f in factors[:n])
            after = "".join(times + printed(f) for f in factors[n + 1:])
            if _activation_of_sum(factors[n]):
                return _opened(factors[n].args[0], before + _activation_name(factors[n], printer), after, printer)
            return _opened(factors[n], before, after, printer)
    return printer.doprint(term)


def _activation_of_sum(term) -> bool:
    return isinstance(term, AppliedActivation) and isinstance(term.args[0], Add)


def _activation_name(term, printer: SymnnMathMLPrinter) -> str:
    """``σ`` and the function application before its opening parenthesis."""
    return printer.to_string(printer.row(printer.element("mi", text=term.activation.pretty_name),
                                         printer.mo("\u2061")))


def _opened(inner, before: str, after: str, printer: SymnnMathMLPrinter) -> list:
    """``before (`` + the pieces of ``inner`` + ``) after``, as one group."""
    # the two parentheses stand in different <math> elements, so neither can grow to the other's height:
    # both get one fixed size, that of a displayed fraction when the sum holds one
    size = {"minsize": TALL_PARENTHESES, "maxsize": TALL_PARENTHESES} if tall(inner) else {"stretchy": "false"}
    opening, closing = (printer.to_string(printer.mo(p, **size)) for p in "()")
    return _attach(pieces(inner, printer), before + opening, closing + after)


def _leaves(expr) -> int:
    return sum(1 for node in preorder_traversal(expr) if isinstance(node, Basic) and not node.args)


def _attach(piece, before: str, after: str):
    """A piece (a string, or a list of pieces) with MathML put before its first and after its last string."""
    if isinstance(piece, str):
        return before + piece + after
    items = list(piece)
    items[0] = _attach(items[0], before, "")
    items[-1] = _attach(items[-1], "", after)
    return items
