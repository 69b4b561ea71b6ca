"""Printing: ``symnn.latex`` and ``symnn.pretty`` for expressions, equations, neurons, layers and networks.

The symbols print themselves (see notation.py); this module adds the one
printer rule SymPy lacks (``W^{[2]T}`` rather than ``(W^{[2]})^T``) and lays
out objects as the lecture's equations, one line per z and a.
"""

from __future__ import annotations

from typing import Iterable

from sympy import Basic, Eq, MatrixBase
from sympy.printing.latex import LatexPrinter
from sympy.printing.pretty import pretty as sympy_pretty
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.stringpict import prettyForm

from .errors import InvalidArgumentError
from .layer import Layer, Neuron
from .network import Network
from .notation import NotationMatrix

# Above this many parameters a network prints in block form (z^{[j]} = W^{[j]T} a^{[j−1]} + b^{[j]})
# instead of one line per unit: a 784-128-10 network would otherwise print 100 000 terms.
ELEMENTWISE_PARAMETER_LIMIT = 200


class SymnnLatexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with the lecture's transposes: ``W^{[2]T}``."""

    printmethod = "_latex"

    def _print_Transpose(self, expr):
        if isinstance(expr.arg, NotationMatrix) and expr.arg.layer:
            letter = expr.arg._parts()[0]
            return f"{letter}^{{[{expr.arg.layer}]T}}"
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
    roles = {m._parts()[0] for m in term.atoms(NotationMatrix)}
    if roles & {"x", "a"}:
        return 0
    if roles & {"W", "W'"}:
        return 1
    return 2 if roles else 3


def latex(obj, **settings) -> str:
    """The LaTeX of an expression or equation (one line), or of a Neuron/Layer/Network or list of
    equations (an ``aligned`` block, one equation per line).

    >>> from symnn import Neuron
    >>> print(latex(Neuron(2).z()))
    w_{11}^{[1]} x_{1} + w_{21}^{[1]} x_{2} + b_{1}^{[1]}
    """
    printer = SymnnLatexPrinter(settings)
    pairs = _equation_pairs(obj)
    if pairs is None:
        if not isinstance(obj, (Basic, MatrixBase, int, float)):
            raise InvalidArgumentError(f"latex() prints SymPy expressions, equations and symnn objects, not {type(obj).__name__}")
        _check_printable(obj)
        return printer.doprint(obj)
    lines = [f"{printer.doprint(lhs)} &= {printer.doprint(rhs)}" for lhs, rhs in pairs]
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"


def pretty(obj) -> str:
    """Readable Unicode math for a terminal: one equation per line for Neuron/Layer/Network."""
    pairs = _equation_pairs(obj)
    if pairs is None:
        _check_printable(obj)
        return sympy_pretty(obj, use_unicode=True)
    printer = PrettyPrinter({"use_unicode": True, "wrap_line": False})
    lines = []
    for lhs, rhs in pairs:
        # composed as pictures, so a two-line right side (a transpose, a fraction) stays beside its "="
        line = prettyForm(*printer._print(lhs).right(" = ", printer._print(rhs)))
        lines.append(line.render(wrap_line=False))
    return "\n".join(lines)


def _check_printable(obj) -> None:
    from . import guards
    from .checking import node_count

    if isinstance(obj, (Basic, MatrixBase)):
        count = node_count(obj, limit=guards.LATEX_NODE_LIMIT + 1)
        guards.check(count, "printing this expression", limit=guards.LATEX_NODE_LIMIT, unit="nodes",
                     setting="latex_nodes", alternative="print the network itself (block form) or a single unit's z")


def _equation_pairs(obj) -> list[tuple] | None:
    if isinstance(obj, Network):
        if obj.n_params > ELEMENTWISE_PARAMETER_LIMIT:
            return block_equation_pairs(obj)
        return _pairs(obj.equations())
    if isinstance(obj, Layer) and obj.n_in * obj.n_out > ELEMENTWISE_PARAMETER_LIMIT:
        return block_layer_pairs(obj)
    if isinstance(obj, Neuron) and obj.n_inputs > ELEMENTWISE_PARAMETER_LIMIT:
        return block_layer_pairs(obj.layer)
    if isinstance(obj, (Layer, Neuron)):
        return _pairs(obj.equations())
    if isinstance(obj, (list, tuple)) and obj and all(isinstance(e, Eq) for e in obj):
        return _pairs(obj)
    return None


def _pairs(equations: Iterable[Eq]) -> list[tuple]:
    return [(eq.lhs, eq.rhs) for eq in equations]


def block_layer_pairs(layer: Layer, n_in=None, n_out=None) -> list[tuple]:
    """z^{[j]} = W^{[j]T} a^{[j−1]} + b^{[j]} and a^{[j]} = g(z^{[j]}) for one layer, in block form."""
    from . import notation

    n_out = layer.n_out if n_out is None else n_out
    z = notation.matrix("z", n_out, 1, layer.index)
    return [(z, layer.block_z(n_in, n_out)), (notation.matrix("a", n_out, 1, layer.index), layer.activation(z))]


def block_equation_pairs(network: Network, symbolic: bool = False) -> list[tuple]:
    """Per layer: z^{[j]} = W^{[j]T} a^{[j−1]} + b^{[j]} and a^{[j]} = g^{[j]}(z^{[j]})."""
    sizes = network.block_sizes(symbolic)
    return [pair for j, layer in enumerate(network.layers, start=1)
            for pair in block_layer_pairs(layer, sizes[j - 1], sizes[j])]
