"""Printing the lecture's math: ``symnn.latex`` and ``symnn.pretty`` for expressions, equations and symnn objects.

The symbols print themselves (see notation.py); this module adds the printer
rules SymPy lacks (``W^{[2]T}`` rather than ``(W^{[2]})^T``, block terms in the
lecture's order) and the one protocol by which symnn's objects show themselves:
a ``Shows`` object lists its equations as (lhs, rhs) pairs, and the same pairs
become a LaTeX ``aligned`` block, Unicode lines, and its Jupyter display.
"""

from __future__ import annotations

from sympy import Basic, Eq, MatrixBase
from sympy.printing.latex import LatexPrinter
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.pretty_symbology import pretty_use_unicode
from sympy.printing.pretty.stringpict import prettyForm

from symnn.core import guards
from symnn.core.notation import NotationMatrix
from symnn.errors import InvalidArgumentError
from symnn.config import check_names, current


class SymnnLatexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with the lecture's transposes (``W^{[2]T}``) and block-term order."""

    printmethod = "_latex"

    def __init__(self, settings=None):
        check_names(settings or {}, self._default_settings, "LaTeX printer option")
        super().__init__(settings)

    def _print_Transpose(self, expr):
        if isinstance(expr.arg, NotationMatrix) and expr.arg.layer:
            return f"{expr.arg.letter}^{{[{expr.arg.layer}]T}}"
        return super()._print_Transpose(expr)

    def _print_OneMatrix(self, expr):
        return r"\mathbf{1}"

    def _print_MatAdd(self, expr):
        # Terms in the lecture's order: the one carrying the input first, then
        # weighted biases, then the biases, as in W^{[2]T} a^{[1]} + b^{[2]}.
        terms = sorted(expr.args, key=_block_term_rank)
        text = self._print(terms[0])
        for term in terms[1:]:
            if term.could_extract_minus_sign():
                text += " - " + self._print(-term)
            else:
                text += " + " + self._print(term)
        return text


def _block_term_rank(term) -> int:
    roles = {m.letter for m in term.atoms(NotationMatrix)}
    if roles & {"x", "a"}:
        return 0
    if roles & {"W", "W'"}:
        return 1
    return 2 if roles else 3


def latex_printer(**options) -> SymnnLatexPrinter:
    """The LaTeX printer with SymPy's settings, each name and value checked (a SymnnError, not SymPy's)."""
    try:
        return SymnnLatexPrinter(options)
    except (ValueError, TypeError, AttributeError, KeyError) as error:
        if isinstance(error, InvalidArgumentError):
            raise
        raise InvalidArgumentError(f"LaTeX printer options {options!r} are not usable: {error}") from None


def pretty_printer(**options) -> PrettyPrinter:
    """SymPy's Unicode printer without line wrapping (symnn lays out long lines itself)."""
    check_names(options, PrettyPrinter._default_settings, "pretty printer option")
    # SymPy decides at import, from the terminal's encoding, whether a few symbols (the 1 of a
    # OneMatrix, …) may be Unicode; symnn always writes Unicode (the command line replaces what
    # an ASCII terminal cannot show), so the switch is set here too.
    pretty_use_unicode(True)
    return PrettyPrinter({"use_unicode": True, "wrap_line": False, **options})


class Shows:
    """Mixin for objects that show themselves as equations: in Jupyter, ``symnn.latex`` and ``symnn.pretty``.

    A subclass lists its equations in ``display_pairs``; one implementation
    prints them everywhere.
    """

    def display_pairs(self) -> list[tuple]:
        raise NotImplementedError

    def show_latex(self, printer: SymnnLatexPrinter) -> str:
        return aligned(self.display_pairs(), printer)

    def show_pretty(self, printer: PrettyPrinter) -> str:
        return pretty_lines(self.display_pairs(), printer)

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {latex(self)}$"


def check_printable_pairs(pairs: list[tuple]) -> None:
    """Each side within the latex_nodes setting, and all of them together within printed_nodes."""
    limit, total = current().printed_nodes, 0
    for lhs, rhs in pairs:
        for side in (lhs, rhs):
            check_printable(side)
            if isinstance(side, (Basic, MatrixBase)):
                total += guards.node_count(side, limit + 1)
        guards.check(total, f"printing these {len(pairs):,} lines", setting="printed_nodes", unit="nodes",
                     alternative="print one layer (network.layer(j)) or one unit's z")


def aligned(pairs: list[tuple], printer: SymnnLatexPrinter) -> str:
    """An ``aligned`` block, one ``lhs &= rhs`` per line."""
    check_printable_pairs(pairs)
    lines = [f"{printer.doprint(lhs)} &= {printer.doprint(rhs)}" for lhs, rhs in pairs]
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"


def pretty_lines(pairs: list[tuple], printer: PrettyPrinter) -> str:
    """One ``lhs = rhs`` per line, each composed as a picture."""
    lines = []
    check_printable_pairs(pairs)
    for lhs, rhs in pairs:
        # composed as pictures, so a two-line right side (a transpose, a fraction) stays beside its "="
        line = prettyForm(*printer._print(lhs).right(" = ", printer._print(rhs)))
        lines.append(line.render(wrap_line=False))
    return "\n".join(lines)


def latex(obj, **options) -> str:
    """The LaTeX of an expression or equation (one line), or of a symnn object or list of equations
    (an ``aligned`` block, one equation per line). Options are SymPy's LaTeX printer settings.

    >>> from symnn import Neuron
    >>> print(latex(Neuron(2).z()))
    w_{11}^{[1]} x_{1} + w_{21}^{[1]} x_{2} + b_{1}^{[1]}
    """
    printer = latex_printer(**options)
    if isinstance(obj, Shows):
        return obj.show_latex(printer)
    if _is_equation_list(obj):
        return aligned([(eq.lhs, eq.rhs) for eq in obj], printer)
    if not isinstance(obj, (Basic, MatrixBase, int, float)):
        raise InvalidArgumentError(f"latex() prints SymPy expressions, equations and symnn objects, not {type(obj).__name__}")
    check_printable(obj)
    return printer.doprint(obj)


def pretty(obj, **options) -> str:
    """Readable Unicode math for a terminal: one equation per line for symnn objects and lists of equations."""
    printer = pretty_printer(**options)
    if isinstance(obj, Shows):
        return obj.show_pretty(printer)
    if _is_equation_list(obj):
        return pretty_lines([(eq.lhs, eq.rhs) for eq in obj], printer)
    if not isinstance(obj, (Basic, MatrixBase, int, float)):
        raise InvalidArgumentError(f"pretty() prints SymPy expressions, equations and symnn objects, not {type(obj).__name__}")
    check_printable(obj)
    pretty_use_unicode(True)
    return PrettyPrinter({"use_unicode": True, **options}).doprint(obj)


def _is_equation_list(obj) -> bool:
    return isinstance(obj, (list, tuple)) and bool(obj) and all(isinstance(e, Eq) for e in obj)


def check_printable(obj) -> None:
    """Refuse (ExpressionTooLarge) to print an expression with more nodes than the latex_nodes setting."""
    if isinstance(obj, (Basic, MatrixBase)):
        limit = current().latex_nodes
        guards.check(guards.node_count(obj, limit + 1), "printing this expression", setting="latex_nodes",
                     unit="nodes", alternative="print the network itself (block form) or a single unit's z")
