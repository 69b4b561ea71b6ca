"""MathML for the lecture's math: SymPy's presentation printer taught w_{ki}^{[j]}, W^{[2]T}, σ(z) and real minus signs.

It extends ``MathMLPresentationPrinter`` the way ``SymnnLatexPrinter`` extends
``LatexPrinter``: one ``_print_<Class>`` method per notation class, the same
index rules as notation.py (``w_{21}^{[1]}``, ``w_{12,3}^{[1]}``, ``x_{price}``,
``w'_1``), and parts printed with ``self._print``. Where a long line may
break is decided in symnn.render.mathml_breaks.
"""

from __future__ import annotations

from sympy import (Add, Basic, Derivative, Integer, MatAdd, MatrixBase, Mul, Number, Piecewise, S, Subs, Sum, Symbol,
                   UnevaluatedExpr, exp, preorder_traversal)
from sympy.printing.mathml import MathMLPresentationPrinter
from sympy.printing.precedence import PRECEDENCE, precedence_traditional
from sympy.simplify import fraction

from symnn.config import check_names
from symnn.core.activations import AppliedActivation
from symnn.core.notation import (ActivationAt, BiasAt, InputAt, NotationMatrix, NotationSymbol, OutputWeightAt,
                                 TextLabel, WeightAt, _IndexedTerm)
from symnn.core.printing import _block_term_rank, check_printable, checked_printer
from symnn.errors import InvalidArgumentError

MINUS = "\u2212"
PRIME = "\u2032"
PRIME_DROP = "-0.45em"
# minidom's text nodes here are written raw (SymPy's printer relies on that for entities), so text is escaped once.
_RELATION = {"Equality": "=", "Unequality": "\u2260", "GreaterThan": "\u2265", "LessThan": "\u2264",
             "StrictGreaterThan": "&gt;", "StrictLessThan": "&lt;"}
_ROLE_LETTER = {"w": ("w", False), "wp": ("w", True), "b": ("b", False), "bp": ("b", True),
                "x": ("x", False), "a": ("a", False), "z": ("z", False), "delta": ("\u03b4", False),
                "y": ("y", False)}


class SymnnMathMLPrinter(MathMLPresentationPrinter):
    """SymPy's presentation MathML with the lecture's notation; parts of an expression are printed by ``_print``."""

    def __init__(self, settings=None):
        check_names(settings or {}, self._default_settings, "MathML printer option")
        super().__init__(settings)

    # --- small builders -----------------------------------------------------------
    def element(self, tag: str, *children, text: str | None = None, **attributes):
        """A MathML element with its attributes, text and children (text is written as given: escape it)."""
        node = self.dom.createElement(tag)
        for name, value in attributes.items():
            node.setAttribute(name.rstrip("_"), value)
        if text is not None:
            node.appendChild(self.dom.createTextNode(text))
        for child in children:
            node.appendChild(child)
        return node

    def mo(self, text: str, **attributes):
        return self.element("mo", text=text, **attributes)

    def row(self, *children):
        return self.element("mrow", *children)

    def _index(self, value):
        """One printed index: a digit string is <mn>, a label <mi>, anything else printed by SymPy."""
        if isinstance(value, (int, Integer)):
            return self.element("mn", text=str(value))
        if isinstance(value, str):
            sign = next((c for c in "+-" if c in value[1:]), None)
            if sign is not None and not value.isdigit():  # a layer label such as j+1 or j−1, as TeX sets it
                left, _, right = value.partition(sign)
                return self.row(self._index(left), self.mo("−" if sign == "-" else "+"), self._index(right))
            return self.element("mn" if value.isdigit() else "mi", text=value)
        if getattr(value, "is_Symbol", False):
            return self.element("mi", text=value.name)
        return self._print(value)

    def _scripted(self, base, sub, sup):
        if sub is not None and sup is not None:
            return self.element("msubsup", base, sub, sup)
        if sub is not None:
            return self.element("msub", base, sub)
        if sup is not None:
            return self.element("msup", base, sup)
        return base

    def _layer(self, layer, extra=None):
        """The layer superscript ``[j]`` (``[2]T`` for a transpose)."""
        parts = [self.mo("[", stretchy="false"), self._index(layer), self.mo("]", stretchy="false")]
        return self.row(*parts, *([extra] if extra is not None else []))

    def notation(self, role: str, indices: list, layer, name: str | None):
        """A notation symbol from its parts, by notation.py's rules: no comma while every index is one character."""
        letter, primed = _ROLE_LETTER[role]
        base = self.element("mi", text=letter)
        if name is not None:
            sub = self.element("mtext", text=name)
        elif indices:
            single = all(len(str(i)) == 1 for i in indices)
            parts = []
            for number, index in enumerate(indices):
                if number and not single:
                    parts.append(self.mo(",", separator="true"))
                parts.append(self._index(index))
            sub = parts[0] if len(parts) == 1 else self.row(*parts)
        else:
            sub = None
        sup = self._layer(layer) if layer is not None else None
        if primed:  # w'_k (these have no layer)
            sup = self._prime()
        return self._scripted(base, sub, sup)

    def _prime(self):
        # The prime glyph is drawn raised already: at script size it shrinks to a speck, at full size in the
        # superscript place it floats; full size, lowered back, it sits where TeX puts w'_1.
        return self.element("mpadded", self.mo(PRIME, style="font-size: inherit"), voffset=PRIME_DROP, height="0")

    # --- the lecture's objects ------------------------------------------------------
    def _print_NotationSymbol(self, sym: NotationSymbol):
        info = sym.info
        return self.notation(info.role, list(info.indices), info.layer, info.name)

    def _print_WeightAt(self, term: WeightAt | BiasAt | ActivationAt | InputAt):
        """A Σ-form head: its indices may be summation variables (w_{k1}^{[j]} under Σ_k)."""
        args = list(term.args)
        indices, layer = (args[:-1], args[-1]) if term.has_layer else (args, None)
        return self.notation(term.role, indices, layer, None)

    _print_BiasAt = _print_ActivationAt = _print_InputAt = _print_DeltaAt = _print_PreActivationAt = _print_WeightAt

    def _print_OutputWeightAt(self, term: OutputWeightAt):
        """``w_j^{[L]}``, the weight j into a layer's only unit, as the lecture writes it."""
        return self.notation("w", [term.args[0]], term.args[1], None)

    def _print_TextLabel(self, label: TextLabel):
        return self.element("mtext", text=label.name)

    def _matrix_letter(self, matrix: NotationMatrix):
        letter = matrix.letter
        base = self.element("mi", text=letter.rstrip("'"))
        return self.element("msup", base, self._prime()) if letter.endswith("'") else base

    def _print_HadamardProduct(self, expr):
        # ⊙, the entrywise product of backpropagation's block form
        parts = []
        for number, arg in enumerate(expr.args):
            if number:
                parts.append(self.mo("\u2299"))
            node = self._print(arg)
            parts.append(self._parens(node) if arg.is_MatMul or arg.is_MatAdd else node)
        return self.row(*parts)

    def _print_NotationMatrix(self, matrix: NotationMatrix):
        # W^{[j]}, and a unit's weight vector w_1^{[1]}
        sub = self._index(matrix.unit) if matrix.unit else None
        return self._scripted(self._matrix_letter(matrix), sub, self._layer(matrix.layer) if matrix.layer else None)

    def _print_Transpose(self, expr):
        arg, t = expr.arg, self.element("mi", text="T")
        if isinstance(arg, NotationMatrix):
            if arg.layer:  # W^{[2]T}, as the lecture writes it
                return self.element("msup", self._matrix_letter(arg), self._layer(arg.layer, t))
            return self.element("msup", self._matrix_letter(arg), t)
        if isinstance(arg, MatrixBase) and arg.rows == 1:  # a column written as a row: [x_1 x_2 x_3]^T
            return self.element("msup", self._print(arg), t)
        return self.element("msup", self._parens(self._print(arg), tall(arg)), t)

    def _print_DotProduct(self, expr):
        # w_1^{[1]} · X, the lecture's dot product of two vectors
        left, right = (self.parenthesize(arg, PRECEDENCE["Mul"]) for arg in expr.args)
        return self.row(left, self.mo("\u00b7"), right)

    def _print_OneMatrix(self, expr):
        return self.element("mn", text="1", style="font-weight: bold")

    def _print_MatAdd(self, expr):
        # the lecture's order, as in the LaTeX: W^{[2]T} a^{[1]} + b^{[2]}
        return self.row(*self._term_nodes(sorted(expr.args, key=_block_term_rank)))

    def _print_Function(self, expr):
        # SymPy dispatches a Function subclass by its own name only (g_sigmoid), so σ(z) is caught here
        if isinstance(expr, _IndexedTerm):  # a notation head without a method of its own here
            args = list(expr.args)
            indices, layer = (args[:-1], args[-1]) if expr.has_layer else (args, None)
            return self.notation(expr.role, indices, layer, None)
        if isinstance(expr, AppliedActivation):
            name = expr.activation.pretty_name
        else:
            name = "ln" if self._settings["ln_notation"] and type(expr).__name__ == "log" else self.mathml_tag(expr)
        arguments = []
        for number, arg in enumerate(expr.args):
            arguments += ([self.mo(",")] if number else []) + [self._print(arg)]
        grow = any(tall(arg) for arg in expr.args)
        applied = [self.element("mi", text=name), self.mo("\u2061"), self._parens(self.row(*arguments), grow)]
        if len(name) > 1:  # an operator name (log, tanh): TeX's thin space before it, y log(a) rather than ylog(a)
            applied.insert(0, self.element("mspace", width="0.1667em"))
        return self.row(*applied)

    def _print_Heaviside(self, expr):
        # H(z), the unit step, as the LaTeX printer writes it
        return self.row(self.element("mi", text="H"), self.mo("\u2061"), self._parens(self._print(expr.args[0])))

    def _print_Max(self, expr):
        # max(z, 0) as the lecture writes it: the variable first, the constants after
        arguments = sorted(expr.args, key=lambda arg: arg.is_number)
        nodes = []
        for number, arg in enumerate(arguments):
            nodes += ([self.mo(",")] if number else []) + [self._print(arg)]
        name = self.element("mi", text=type(expr).__name__.lower())
        return self.row(name, self.mo("\u2061"), self._parens(self.row(*nodes), any(map(tall, arguments))))

    _print_Min = _print_Max

    def _print_Derivative(self, expr):
        # ∂L/∂w as one fraction, as backpropagation is written (the LaTeX printer does the same)
        if (isinstance(expr.expr, Symbol) or isinstance(expr.expr, _IndexedTerm)) and len(expr.variables) == 1:
            above = self.row(self.element("mi", text="\u2202"), self._print(expr.expr))
            below = self.row(self.element("mi", text="\u2202"), self._print(expr.variables[0]))
            return self.element("mfrac", above, below)
        # d/dz σ(z), with TeX's italic d (SymPy's MathML writes the double-struck ⅆ)
        letter = "\u2202" if len(expr.variables) > 1 or len(expr.expr.free_symbols) > 1 else "d"
        below, order = [], 0
        for variable, count in expr.variable_count:
            order += count
            d_var = self.row(self.element("mi", text=letter), self._print(variable))
            below.append(d_var if count == 1 else self.element("msup", d_var, self._print(count)))
        above = self.element("mi", text=letter)
        if order > 1:
            above = self.element("msup", above, self._print(order))
        return self.row(self.element("mfrac", above, self.row(*below)), self._print(expr.expr))

    def _parens(self, node, stretchy: bool = False):
        # TeX's (…) keep their size; only a tall argument (a fraction, a Σ) gets parentheses that grow with it
        size = {} if stretchy else {"stretchy": "false"}
        return self.row(self.mo("(", **size), node, self.mo(")", **size))

    def parenthesize(self, item, level, strict=False):
        precedence = precedence_traditional(item)
        if precedence < level or (not strict and precedence <= level):
            node = self._print(item)
            # a fraction is grouped by its bar: ½ · 1 and (1/(1 + e^{−z})) · … need no parentheses
            return node if node.tagName == "mfrac" else self._parens(node, tall(item))
        return self._print(item)

    def _print_Sum(self, expr):
        # Σ_k w_{k1} a_k, the summand in parentheses only when it is itself a sum (as in the LaTeX); a sum over
        # several indices is one Σ per index, outermost first: SymPy lists the innermost limit first, and each
        # limit's Σ goes in front of the ones inside it (Σ_j Σ_m w_{1j} w_{jm} w_{m1}, as the LaTeX prints it)
        body = expr.function
        node = self._parens(self._print(body), True) if isinstance(body, (Add, MatAdd)) else self._print(body)
        for variable, low, high in expr.limits:
            below = self.row(self._print(variable), self.mo("="), self._print(low))
            sigma = self.element("munderover", self.mo("\u2211"), below, self._print(high))
            node = self.row(sigma, node)
        return node

    # --- SymPy heads printed as the lecture (and the LaTeX) does ----------------------
    def _print_Exp1(self, expr):
        return self.element("mi", text="e")

    def _print_exp(self, expr):
        return self.element("msup", self._print_Exp1(None), self._print(expr.args[0]))

    def mathml_tag(self, e):
        return "d" if type(e).__name__ == "Derivative" else super().mathml_tag(e)

    def _print_UnevaluatedExpr(self, expr):
        return self._print(expr.args[0])

    def _print_Relational(self, expr):
        relation = _RELATION.get(type(expr).__name__, expr.rel_op)
        return self.row(self._print(expr.lhs), self.mo(relation), self._print(expr.rhs))

    def _print_Subs(self, expr):
        # (d/dz σ(z))|_{z=0}
        body = self.row(self._print(expr.expr), self.mo("|", stretchy="true"))
        points = []
        for number, (variable, value) in enumerate(zip(expr.variables, expr.point)):
            if number:
                points.append(self.mo(","))
            points += [self._print(variable), self.mo("="), self._print(value)]
        return self.element("msub", body, self.row(*points))

    def _print_Piecewise(self, expr):
        rows = []
        for value, condition in expr.args:
            when = (self.element("mtext", text="otherwise") if condition == S.true
                    else self.row(self.element("mtext", text="if\u00a0"), self._print(condition)))
            cells = [self.element("mtd", node, style="text-align: left; padding-right: 1em")
                     for node in (self._print(value), when)]
            rows.append(self.element("mtr", *cells))
        table = self.element("mtable", *rows)
        return self.row(self.mo("{", stretchy="true"), table)

    # --- numbers and signs: a real minus sign, U+2212 -----------------------------------
    def _negated(self, node):
        return self.row(self.mo(MINUS), node)

    def _print_Integer(self, e):
        return self._negated(self._print(-e)) if e < 0 else self.element("mn", text=str(e))

    def _print_int(self, p):
        return self._print_Integer(Integer(p))

    def _print_Rational(self, e):
        if e < 0:
            return self._negated(self._print(-e))
        return super()._print_Rational(e)

    def _print_Float(self, expr):
        if expr < 0:
            return self._negated(self._print(-expr))
        node = super()._print_Float(expr)
        for power in node.getElementsByTagName("msup"):  # 10^{−7}: SymPy writes the exponent's sign as a hyphen
            exponent = power.lastChild
            text = exponent.firstChild.data if exponent.firstChild is not None else ""
            if exponent.tagName == "mn" and text.startswith("-"):
                power.replaceChild(self._negated(self.element("mn", text=text[1:])), exponent)
        return node

    def _print_NegativeInfinity(self, e):
        return self._negated(self._print_Infinity(e))

    def _print_MatMul(self, expr):
        if expr.could_extract_minus_sign():
            return self._negated(super()._print_MatMul(-expr))
        return super()._print_MatMul(expr)

    def _print_Mul(self, expr):
        if expr.could_extract_minus_sign():
            return self._negated(self._print(-expr))
        numerator, denominator = fraction(expr, exact=True)
        if denominator is not S.One and not expr.has(UnevaluatedExpr):
            return self.element("mfrac", self._print(numerator), self._print(denominator))
        factors = list(expr.args) if self.order in ("old", "none") else expr.as_ordered_factors()
        nodes = []
        for number, factor in enumerate(factors):
            node = self.parenthesize(factor, PRECEDENCE["Mul"])
            if number:
                # two numbers side by side need a visible product: 1/2 · 1, as in the LaTeX
                nodes.append(self.mo("\u00b7" if _starts_with_number(factor) else self.mathml_tag(expr)))
                if node.tagName == "mfrac" and nodes[-2].tagName == "mfrac":
                    nodes.append(self.element("mspace", width="0.1667em"))
            nodes.append(node)
        return self.row(*nodes)

    def _print_Add(self, expr, order=None):
        return self.row(*self._term_nodes(self.ordered_terms(expr, order)))

    def ordered_terms(self, expr, order=None) -> list:
        """The terms of a sum in print order; a constant before e^t, so σ reads 1/(1 + e^{−z}) as in the lecture."""
        terms = list(self._as_ordered_terms(expr, order=order))
        if self.order != "none" and len(terms) == 2 and isinstance(terms[1], Number) and terms[1] > 0 \
                and isinstance(terms[0], exp):
            terms.reverse()
        return terms

    def _term_nodes(self, terms: list) -> list:
        nodes = [self._print(terms[0])]
        for term in terms[1:]:
            nodes += self.signed_term(term)
        return nodes

    def signed_term(self, term) -> list:
        """``+ term`` or ``− (−term)``: the operator and the term printed after it."""
        if term.could_extract_minus_sign():
            return [self.mo(MINUS, form="infix"), self._print(-term)]
        return [self.mo("+", form="infix"), self._print(term)]

    def to_string(self, node) -> str:
        """A printed node (or one built with ``element``, ``mo``, ``row``) as MathML text."""
        return node.toxml().encode("ascii", "xmlcharrefreplace").decode()


def tall(expr) -> bool:
    """Whether an expression prints taller than a line of text: a fraction, a Σ, a derivative, a matrix, cases."""
    if not isinstance(expr, Basic):
        return False
    if isinstance(expr, MatrixBase) or expr.has(Sum, Derivative, Piecewise, Subs):
        return True
    return any((node.is_Rational and not node.is_Integer) or (node.is_Pow and node.exp.is_negative)
               for node in preorder_traversal(expr) if isinstance(node, Basic))


def _starts_with_number(factor) -> bool:
    while isinstance(factor, UnevaluatedExpr):
        factor = factor.args[0]
    if isinstance(factor, Mul) and factor.args:
        return _starts_with_number(factor.args[0])
    return isinstance(factor, Number) or (getattr(factor, "is_Pow", False) and isinstance(factor.base, Number))


def mathml_printer(**options) -> SymnnMathMLPrinter:
    """The MathML printer with SymPy's settings, each name and value checked (a SymnnError, not SymPy's)."""
    return checked_printer(SymnnMathMLPrinter, options, "MathML")


def mathml(expr, display: str = "inline", **options) -> str:
    """A ``<math>`` element for one expression (``display="block"`` for a display equation).

    >>> from symnn.core import notation
    >>> print(mathml(notation.w(2, 1, 1)))  # doctest: +NORMALIZE_WHITESPACE
    <math xmlns="http://www.w3.org/1998/Math/MathML"><msubsup><mi>w</mi><mrow><mn>2</mn><mn>1</mn></mrow><mrow><mo
    stretchy="false">[</mo><mn>1</mn><mo stretchy="false">]</mo></mrow></msubsup></math>
    """
    if not isinstance(expr, (Basic, int, float)):
        raise InvalidArgumentError(f"mathml() prints SymPy expressions, not {type(expr).__name__}")
    check_printable(expr)
    return math_element(mathml_printer(**options).doprint(expr), display)


def math_element(content: str, display: str = "inline") -> str:
    """Wrap MathML content in a ``<math>`` element."""
    if display not in ("inline", "block"):
        raise InvalidArgumentError(f"display must be 'inline' or 'block', not {display!r}")
    block = ' display="block"' if display == "block" else ""
    return f'<math xmlns="http://www.w3.org/1998/Math/MathML"{block}>{content}</math>'
