"""Printing the lecture's math: ``symnn.latex`` and ``symnn.pretty`` for expressions, equations and symnn objects.

The symbols print themselves (see notation.py); this module adds the printer
rules SymPy lacks (``W^{[2]T}`` rather than ``(W^{[2]})^T``, block terms in the
lecture's order) and the one protocol by which symnn's objects show themselves:
a ``Shows`` object lists its equations as (lhs, rhs) pairs, and the same pairs
become a LaTeX ``aligned`` block, Unicode lines, and its Jupyter display.

In the terminal (``pretty``) a symbol is written all in sub- and superscripts
(``wⱼ₁⁽²⁾``) or, when one of its indices has no Unicode script, all plain
(``w_q1^(2)``); a Σ takes one line (``Σₖ₌₁³ wₖ₁⁽¹⁾⋅xₖ``); and a long equation is
broken between the terms of a sum, never inside a symbol, product or fraction,
at the terminal width (``COLUMNS``, else the terminal's, else 80), its
continuation lines starting just after the ``= ``.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

from sympy import (Add, Basic, Derivative, Eq, Float, Function, Integer, MatAdd, MatrixBase, Mul, Piecewise, Sum, Symbol,
                   Transpose, exp)
from sympy.printing.precedence import PRECEDENCE
from sympy.core.relational import Relational
from sympy.printing.latex import LatexPrinter
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.pretty_symbology import center_pad, pretty_use_unicode, vobj, xsym
from sympy.printing.pretty.stringpict import prettyForm, stringPict

from symnn.core import guards
from symnn.core.notation import Dots, NotationMatrix, NotationSymbol, format_parts
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
            return f"{expr.arg.latex_letter}^{{[{expr.arg.layer}]T}}"
        if isinstance(expr.arg, MatrixBase) and expr.arg.rows == 1:  # a column written as a row: [x_1 x_2 x_3]^T
            return f"{self._print(expr.arg)}^{{T}}"
        return super()._print_Transpose(expr)

    def _print_AppliedUndef(self, expr):
        # f(X), as the lecture writes it (SymPy: f{\left(X \right)})
        return f"{expr.func.__name__}({', '.join(self._print(arg) for arg in expr.args)})"

    def _print_OneMatrix(self, expr):
        return r"\mathbf{1}"

    def _print_Function(self, expr, exp=None):
        return _function_parentheses(super()._print_Function(expr, exp))

    def _print_Derivative(self, expr):
        # ∂L/∂w_{11}^{[1]} as a fraction, the way backpropagation is written (SymPy: \frac{d}{d w} L)
        if _named(expr.expr) and len(expr.variables) == 1:
            return rf"\frac{{\partial {self._print(expr.expr)}}}{{\partial {self._print(expr.variables[0])}}}"
        return super()._print_Derivative(expr)

    def _print_HadamardProduct(self, expr):
        # ⊙, the entrywise product as backpropagation's block form writes it
        return r" \odot ".join(self.parenthesize(arg, PRECEDENCE["Mul"]) for arg in expr.args)

    def _print_Heaviside(self, expr, exp=None):
        # the unit step as H(z): SymPy's θ(z) would clash with θ, "any parameter", on backpropagation's pages
        text = f"H\\left({self._print(expr.args[0])}\\right)"
        return text if exp is None else f"{text}^{{{exp}}}"

    def _print_log(self, expr, exp=None):
        return _function_parentheses(super()._print_log(expr, exp))

    def _print_Sum(self, expr):
        # a nested sum as the lecture writes it, one Σ per index, outermost first
        # (SymPy: a single Σ over a \substack of conditions, innermost first)
        if len(expr.limits) == 1:
            return super()._print_Sum(expr)
        text = super()._print_Sum(Sum(expr.function, expr.limits[0]))
        for var, lower, upper in expr.limits[1:]:
            text = f"\\sum_{{{self._print(var)}={self._print(lower)}}}^{{{self._print(upper)}}} {text}"
        return text

    def _print_Mul(self, expr):
        # shown arithmetic (−1)·0·log(…) for the written −y log a at y = 0: the sign in front, −0·log(…)
        if (self._settings.get("order") == "none" and len(expr.args) > 2 and expr.args[0] == -1
                and expr.args[1].is_Number):
            return "- " + self._print(Mul(*expr.args[1:], evaluate=False))
        # the lecture writes a sum inside a product in parentheses: w_j^{[2]} · (Σ_i w_{ij}^{[1]} · x_i)
        sums = [factor for factor in expr.args if isinstance(factor, Sum)]
        if not sums or len(expr.args) == 1:
            return super()._print_Mul(expr)
        others = [factor for factor in expr.args if not isinstance(factor, Sum)]
        separator = self._settings["mul_symbol_latex"]
        parts = [super()._print_Mul(Mul(*others, evaluate=False))] if others else []
        parts += [rf"\left({self._print(part)}\right)" for part in sums]
        return separator.join(parts)

    def _print_Add(self, expr, order=None):
        # σ's denominator as the lecture writes it, 1 + e^{−z}, not SymPy's e^{−z} + 1
        numbers = [term for term in expr.args if term.is_Number and term.is_positive]
        if len(expr.args) == 2 and numbers and any(isinstance(term, exp) for term in expr.args):
            other = next(term for term in expr.args if term is not numbers[0])
            return f"{self._print(numbers[0])} + {self._print(other)}"
        return super()._print_Add(expr, order)

    def _print_MatAdd(self, expr):
        # Terms in the lecture's order: the one carrying the input first, then
        # weighted biases, then the biases, as in W^{[2]T} a^{[1]} + b^{[2]}.
        terms = block_term_order(expr.args)
        text = self._print(terms[0])
        for term in terms[1:]:
            if term.could_extract_minus_sign():
                text += " - " + self._print(-term)
            else:
                text += " + " + self._print(term)
        return text


def _named(expr) -> bool:
    """A named quantity (L, a_i^{[L]}), whose derivative is written ∂L/∂w rather than d/dw (L)."""
    return isinstance(expr, Symbol) or getattr(expr, "role", None) is not None


def _joined_forms(parts: list, separator: str) -> prettyForm:
    """Pretty forms side by side with ``separator`` between them."""
    form = parts[0]
    for part in parts[1:]:
        form = prettyForm(*form.right(separator, part))
    return form


def _function_parentheses(text: str) -> str:
    """SymPy's \\tanh{\\left(z \\right)}, which TeX sets as "tanh (z)", as the lecture's \\tanh(z);
    parentheses grow only round a tall argument (with no space after the name)."""
    opening, closing = "{\\left(", " \\right)}"
    start = text.find(opening)
    if start < 0 or not text.endswith(closing):
        return text
    inner = text[start + len(opening):-len(closing)]
    tall = any(mark in inner for mark in ("\\frac", "\\sum", "\\begin", "\\left"))
    return text[:start] + (f"\\mathopen{{}}\\left({inner}\\right)" if tall else f"({inner})")


def block_term_order(terms) -> list:
    """The terms of a block-form sum in the lecture's order: W^{[2]T} a^{[1]} before b^{[2]}."""
    return sorted(terms, key=_block_term_rank)


def _block_term_rank(term) -> int:
    roles = {m.letter for m in term.atoms(NotationMatrix)}
    if roles & {"x", "a"}:
        return 0
    if roles & {"W", "W'"}:
        return 1
    return 2 if roles else 3


def checked_printer(printer_class, options: dict, what: str):
    """``printer_class(options)``, with SymPy's errors about a setting's value turned into a SymnnError."""
    try:
        return printer_class(options)
    except (ValueError, TypeError, AttributeError, KeyError) as error:
        if isinstance(error, InvalidArgumentError):
            raise
        raise InvalidArgumentError(f"{what} printer options {options!r} are not usable: {error}") from None


def latex_printer(**options) -> SymnnLatexPrinter:
    """The LaTeX printer with SymPy's settings, each name and value checked (a SymnnError, not SymPy's)."""
    return checked_printer(SymnnLatexPrinter, options, "LaTeX")


def _script_table(plain: str, scripted: str) -> dict[str, str]:
    if len(plain) != len(scripted):  # checked at import: a missing glyph would shift every later letter
        raise RuntimeError(f"script table: {len(plain)} characters but {len(scripted)} scripts")
    return dict(zip(plain, scripted))


# Unicode's sub- and superscripts (more than SymPy's tables, which lack ⱼ and ʲ, the lecture's j)
SUBSCRIPTS = _script_table("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
SUPERSCRIPTS = _script_table("0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW",
                             "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ")


def _is_indexed_term(expr) -> bool:
    """w_{k1}^{[j]}, b_i^{[j]}, a_k^{[j]}, x_k, w_j^{[L]} with symbolic indices: notation's Function heads
    that carry a role and their printed indices (``_parts``)."""
    return isinstance(expr, Function) and isinstance(getattr(expr, "role", None), str) and hasattr(expr, "_parts")


def script(text: str, table: dict) -> str | None:
    """``text`` in sub- or superscripts (``table``), or None when a character has none."""
    out = [table.get(char) for char in text]
    return None if None in out else "".join(out)


def unicode_name(role: str, indices: list[str], layer, name: str | None = None) -> str:
    """One symbol in one style: ``wᵢ₁⁽¹⁾``, ``z₁⁽ʲ⁾``; an index without a Unicode subscript makes all the
    indices plain (``w_q1``), a layer without superscripts a plain ``^(q)``; a name is a plain index
    (``z_awareness⁽¹⁾``)."""
    return scripted_name(format_parts(role, [], None, None, "str"), indices, layer, name)


def scripted_name(letter: str, indices: list[str], layer, name: str | None = None) -> str:
    """``letter`` with its indices as subscripts and its layer as a superscript, by unicode_name's rule."""
    separator = "" if all(len(i) == 1 for i in indices) else ","
    text = letter
    if name is not None:
        text += "_" + name.replace(" ", "_")
    elif indices:
        scripted = [script(i, SUBSCRIPTS) for i in indices]
        text += separator.join(scripted) if None not in scripted else "_" + separator.join(indices)
    if layer is not None:
        text += script(f"({layer})", SUPERSCRIPTS) or f"^({layer})"
    return text


MINUS = "\u2212"  # the minus sign of printed math; the hyphen "-" is left to words (3-4-1, non-collapse)


class SymnnPrettyPrinter(PrettyPrinter):
    """SymPy's Unicode printer with one subscript style, one-line Σ, transposes (``W⁽²⁾ᵀ``) and the real
    minus sign U+2212 (``x − 1``, ``−1/4``, ``ℯ⁻ᶻ``) where SymPy writes the hyphen."""

    def _print(self, expr, **kwargs):
        # the notation's own _pretty would win over a _print_<Class> method, so they are caught first
        if isinstance(expr, NotationSymbol):
            info = expr.info
            if info.name is not None:  # a named input or unit: its name as a plain index, x_price, z_awareness⁽¹⁾
                return prettyForm(unicode_name(info.role, [], info.layer, info.name))
            return prettyForm(unicode_name(info.role, [str(i) for i in info.indices], info.layer))
        if _is_indexed_term(expr):
            indices, layer = expr._parts()
            return prettyForm(unicode_name(expr.role, indices, layer))
        if isinstance(expr, NotationMatrix):
            unit = getattr(expr, "unit", None)  # w_i^{[j]}, unit i's weight vector
            return prettyForm(scripted_name(expr.letter, [unit] if unit else [], expr.layer))
        return super()._print(expr, **kwargs)

    def _as_ordered_terms(self, expr, order=None):
        return lecture_term_order(super()._as_ordered_terms(expr, order=order))

    def _print_Heaviside(self, expr):
        # H(z), the unit step (SymPy's θ(z) would clash with θ for a parameter)
        return prettyForm(*prettyForm("H").right(prettyForm(*self._print(expr.args[0]).parens())))

    def _print_HadamardProduct(self, expr):
        # ⊙, as backpropagation's block form writes the entrywise product (SymPy: ∘)
        parts = [self._print(arg) for arg in expr.args]
        parts = [prettyForm(*part.parens()) if arg.is_MatAdd or arg.is_MatMul else part
                 for arg, part in zip(expr.args, parts)]
        return _joined_forms(parts, " ⊙ ")

    def _print_Derivative(self, expr):
        # ∂L/∂w₁₁⁽¹⁾ on one line, as backpropagation is written (SymPy: a 2-line d/dw (L))
        if _named(expr.expr) and len(expr.variables) == 1:
            wrt = self._print(expr.variables[0])
            if wrt.height() == 1:
                return prettyForm(f"∂{self._print(expr.expr)}/∂{wrt}")
        return super()._print_Derivative(expr)

    def _print_Sum(self, expr):
        """Σₖ₌₁³ wₖ₁⁽¹⁾⋅xₖ on one line; a sum as summand in parentheses, a Σ in a product too (binding ADD)."""
        body = expr.function
        form = self._print(body)
        if body.is_Add:
            form = prettyForm(*form.parens())
        for var, lower, upper in expr.limits:
            head = _sum_head(str(var), self.doprint(lower), self.doprint(upper))
            form = prettyForm(*form.left(head + " "))
        form.binding = prettyForm.ADD
        return form

    def _print_Transpose(self, expr):
        arg = self._print(expr.arg)
        if arg.height() > 1:
            return super()._print_Transpose(expr)
        if not isinstance(expr.arg, (NotationMatrix, MatrixBase)):  # a bracketed matrix needs no parentheses
            arg = prettyForm(*arg.parens())
        return prettyForm(*arg.right("ᵀ"))

    # --- the minus sign: SymPy's rules for where a sign goes, with U+2212 -------------------------

    def _print_Add(self, expr, order=None):
        """A sum as SymPy sets it (−1 + x, x − 1, a fraction stacked when a term is tall), its minus signs U+2212."""
        terms = self._as_ordered_terms(expr, order=order)
        forms, fractions = [], []
        for index, term in enumerate(terms):
            if term.is_Mul and term.could_extract_minus_sign():
                coefficient, others = term.as_coeff_mul(rational=False)
                positive = Mul(*others, evaluate=False) if coefficient == -1 else Mul(-coefficient, *others,
                                                                                      evaluate=False)
                forms.append(_signed(self._print(positive), index))
            elif term.is_Rational and term.q > 1:  # inline or stacked, decided once every term is printed
                forms.append(None)
                fractions.append(index)
            elif term.is_Number and term < 0:
                forms.append(_signed(self._print(-term), index))
            elif term.is_Relational:
                forms.append(prettyForm(*self._print(term).parens()))
            else:
                forms.append(self._print(term))
        tall = any(form is not None and form.height() > 1 for form in forms)
        for index in fractions:
            term = abs(terms[index])
            form = prettyForm(str(term.p)) / prettyForm(str(term.q)) if tall else self._print(term)
            forms[index] = _signed(form, index) if terms[index] < 0 else form
        return prettyForm.__add__(*forms)

    def _print_Mul(self, product):
        first = product.args[0]
        if first.is_Number and first.is_negative:  # −x, −2⋅z, −x/2: the sign in front of the whole product
            rest = product.args[1:]
            positive = Mul(*rest, evaluate=False) if first == -1 else Mul(-first, *rest, evaluate=False)
            return _signed(self._print(positive), 0)
        if self._settings.get("order") in ("none", "old") and any(f.is_Number and f.is_negative
                                                                   for f in product.args[1:]):
            # shown arithmetic keeps a negative factor in parentheses: 0.5⋅(−0.038), not 0.5⋅−0.038
            forms = [prettyForm(*self._print(f).parens()) if (f.is_Number and f.is_negative) or f.is_Add
                     else self._print(f) for f in product.args]
            return _joined_forms(forms, "⋅")
        return super()._print_Mul(product)

    def _print_Rational(self, expr):
        if expr.is_negative:
            return _signed(super()._print_Rational(-expr), 0)
        return super()._print_Rational(expr)

    def _print_Float(self, expr):
        if expr.is_negative:
            return _signed(super()._print_Float(-expr), 0)
        return super()._print_Float(expr)

    def _print_NegativeInfinity(self, expr):
        return prettyForm(MINUS + "∞")

    def _print_MatMul(self, expr):
        first = expr.args[0]
        if first.is_Number and first.is_negative:  # −W⁽¹⁾⋅x
            return _signed(self._print(-expr), 0)
        return super()._print_MatMul(expr)

    def _print_MatAdd(self, expr):
        form = None
        for term in expr.args:
            negative = _negative_block_term(term)
            piece = self._print(-term if negative else term)
            if form is None:
                form = _signed(piece, 0) if negative else piece
            else:
                form = prettyForm(*stringPict.next(form, f" {MINUS} " if negative else " + ", piece))
        return form


def _negative_block_term(term) -> bool:
    """Whether a term of a block sum has a negative number in front (−W⁽¹⁾⋅x; the number may be a Python int)."""
    coefficient = term.as_coeff_mmul()[0]
    return coefficient < 0 if isinstance(coefficient, int) else coefficient.could_extract_minus_sign()


def _signed(form: prettyForm, index: int) -> prettyForm:
    """``form`` after a minus sign, as SymPy places one: −x first, − x/2 before a tall first term, x − y
    after another; a sum or relation in parentheses, −(x + y)."""
    sign = (MINUS + " " if form.height() > 1 else MINUS) if index == 0 else f" {MINUS} "
    if form.binding > prettyForm.NEG or form.binding == prettyForm.ADD:
        form = prettyForm(*form.parens())
    return prettyForm(*stringPict.next(sign, form), binding=prettyForm.NEG)


def lecture_term_order(terms: list) -> list:
    """σ's denominator as the lecture writes it, 1 + e^{−z}, where SymPy orders e^{−z} + 1."""
    if len(terms) == 2 and isinstance(terms[0], exp) and terms[1].is_Number and terms[1].is_positive:
        return [terms[1], terms[0]]
    return terms


def _sum_head(var: str, lower: str, upper: str) -> str:
    # the scripts have the hyphen-minus ₋ ⁻ (there is no subscript U+2212)
    sub = script(f"{var}={lower}".replace(MINUS, "-"), SUBSCRIPTS)
    sup = script(upper.replace(MINUS, "-"), SUPERSCRIPTS)
    if sub is None or sup is None or "\n" in lower + upper:
        return f"Σ[{var}={lower}..{upper}]".replace("\n", " ")
    return "Σ" + sub + sup


def pretty_printer(**options) -> PrettyPrinter:
    """symnn's Unicode printer without SymPy's line wrapping (symnn breaks long lines itself, between terms)."""
    check_names(options, PrettyPrinter._default_settings, "pretty printer option")
    # SymPy decides at import, from the terminal's encoding, whether a few symbols (the 1 of a
    # OneMatrix, …) may be Unicode; symnn always writes Unicode (the command line replaces what
    # an ASCII terminal cannot show), so the switch is set here too.
    pretty_use_unicode(True)
    return SymnnPrettyPrinter({"use_unicode": True, **options, "wrap_line": False})


def terminal_width(printer: PrettyPrinter | None = None) -> int:
    """Columns to fit: the printer's num_columns, else ``COLUMNS``, else the terminal's, else 80."""
    given = printer._settings.get("num_columns") if printer is not None else None
    if given:
        return max(int(given), 20)
    text = os.environ.get("COLUMNS", "").strip()
    if text.isdigit() and int(text) > 0:
        return max(int(text), 20)
    return max(shutil.get_terminal_size((80, 24)).columns, 20)


# --- breaking long lines between terms ----------------------------------------------
# A line is laid out from items: an Atom is a picture that is never cut (a symbol, a product, a
# fraction); a Break is a place between two terms of a sum (or two entries of a row) where a new line
# may start, at the column where the sum began; a Group is a term that is kept whole when it fits and
# otherwise opened (a product or σ(…) whose sum is broken inside parentheses, each as tall as what it
# encloses on its own line); a Table is a matrix or Piecewise whose cells are broken to the room left.

@dataclass
class _Atom:
    form: prettyForm


@dataclass
class _Break:
    gap: int = 1  # the columns between the two when the line goes on: 1 between terms, 2 between entries


@dataclass
class _Group:
    whole: prettyForm
    parts: list  # items: Atoms, Parens, and one _Nest of the inner sum


@dataclass
class _Nest:
    items: list


@dataclass(eq=False)
class _Paren:
    char: str  # "(" or ")"
    pair: object  # the same object for a "(" and its ")"


@dataclass
class _Table:
    expr: object  # a Matrix or Piecewise
    whole: prettyForm


def _width(item) -> int:
    if isinstance(item, _Atom):
        return item.form.width()
    if isinstance(item, (_Group, _Table)):
        return item.whole.width()
    if isinstance(item, _Nest):
        return sum(_width(i) for i in item.items)
    if isinstance(item, _Paren):
        return 1
    return item.gap  # a Break not taken


class _Layout:
    def __init__(self, width: int, printer: PrettyPrinter):
        self.width, self.printer, self.lines, self.col = width, printer, [[]], 0

    def put(self, form: prettyForm) -> None:
        self.lines[-1].append(form)
        self.col += form.width()

    def newline(self, indent: int) -> None:
        self.lines.append([prettyForm(" " * indent)] if indent else [])
        self.col = indent

    def place(self, items: list, indent: int, reserve: int = 0) -> None:
        """Greedy: a term goes on the line if it fits with what must follow it, else on a new line."""
        last_break = max((n for n, i in enumerate(items) if isinstance(i, _Break)), default=-1)
        for number, item in enumerate(items):
            rest = items[number + 1:]
            # what must stay on this line after the item: up to the next Break, and after the last one
            # whatever follows the whole list (the ")" closing it, …)
            tail = _segment(rest) + (reserve if number >= last_break else 0)
            if isinstance(item, _Break):
                if self.col + item.gap + tail > self.width and self.col > indent:
                    self.newline(indent)
                else:
                    self.put(prettyForm(" " * item.gap))
            elif isinstance(item, _Atom):
                self.put(item.form)
            elif isinstance(item, _Paren):  # sized when its line is complete (picture)
                self.lines[-1].append(item)
                self.col += 1
            elif isinstance(item, _Nest):
                self.place(item.items, self.col, tail)
            elif isinstance(item, _Table):
                room = self.width - self.col - tail
                self.put(item.whole if item.whole.width() <= room else _table_form(item.expr, self.printer, room))
            elif self.col + item.whole.width() + tail <= self.width or not item.parts:
                self.put(item.whole)
            else:
                self.place(item.parts, indent, tail)

    def picture(self) -> prettyForm:
        """The lines one under another, the baseline the first line's (a cell beside one-line cells)."""
        return _stacked([_line_picture(line) for line in self.lines])

    def render(self) -> str:
        return "\n".join(row.rstrip() for row in self.picture().render(wrap_line=False).split("\n"))


def _stacked(pictures: list) -> prettyForm:
    """Pictures one under another, flush left (SymPy's ``below`` centres them), the first one's baseline."""
    width = max(picture.width() for picture in pictures)
    padded = [prettyForm(*picture.right(" " * (width - picture.width()))) for picture in pictures]
    return prettyForm(*padded[0].below(*padded[1:])) if len(padded) > 1 else padded[0]


def _line_picture(line: list) -> prettyForm:
    if not line:
        return prettyForm("")
    pieces = [_paren_form(piece, _enclosed(line, number)) if isinstance(piece, _Paren) else piece
              for number, piece in enumerate(line)]
    return prettyForm(*stringPict.next(*pieces))


def _enclosed(line: list, at: int) -> list:
    """The pictures a parenthesis encloses on its own line: up to its partner, or to the end (start) of the line."""
    paren = line[at]
    partner = next((n for n, p in enumerate(line) if isinstance(p, _Paren) and p.pair is paren.pair and n != at),
                   None)
    span = line[at + 1:len(line) if partner is None else partner] if paren.char == "(" else \
        line[0 if partner is None else partner + 1:at]
    return [piece for piece in span if not isinstance(piece, _Paren)]


def _paren_form(paren: _Paren, enclosed: list) -> prettyForm:
    """A parenthesis as tall as ``enclosed`` (SymPy's glyphs: ( or ⎛⎜⎝), on the same baseline."""
    above = max((form.baseline for form in enclosed), default=0)
    below = max((form.height() - form.baseline - 1 for form in enclosed), default=0)
    return prettyForm(vobj(paren.char, above + below + 1), baseline=above)


def _segment(items: list) -> int:
    """Width of the items up to the next Break (what must stay on the line after the current item)."""
    total = 0
    for item in items:
        if isinstance(item, _Break):
            break
        total += _width(item)
    return total


def _cell(items: list, printer: PrettyPrinter, width: int) -> prettyForm:
    """``items`` laid out within ``width`` columns as one picture, continuation lines indented two columns."""
    out = _Layout(width, printer)
    out.place(items, 2)
    return out.picture()


def _table_form(expr, printer: PrettyPrinter, room: int) -> prettyForm:
    """A matrix or Piecewise wider than ``room``: its long cells broken between terms; a matrix with
    too many columns for the room as blocks of columns, one under another, each under a note of its columns."""
    if isinstance(expr, Piecewise):
        return _cases_form(expr, printer, room)
    cells = [[printer._print(expr[i, j]) for j in range(expr.cols)] for i in range(expr.rows)]

    def broken(cap: int) -> list:
        return [[form if form.width() <= cap else _cell(_items(expr[i, j], printer), printer, cap)
                 for j, form in enumerate(row)] for i, row in enumerate(cells)]

    def width(rows: list, columns: range) -> int:  # brackets and two spaces between columns, as SymPy's
        return sum(max(row[j].width() for row in rows) for j in columns) + 2 * len(columns)

    natural = [max(row[j].width() for row in cells) for j in range(expr.cols)]
    cap = max(natural)
    while cap > 1 and sum(min(w, cap) for w in natural) + 2 * expr.cols > room:
        cap -= 1
    shrunk = broken(cap)
    if width(shrunk, range(expr.cols)) <= room or expr.cols == 1:
        return _grid(shrunk)
    alone = broken(room - 2)  # each column alone within the room; blocks of as many columns as fit
    pictures, start = [], 0
    while start < expr.cols:
        end = start + 1
        while end < expr.cols and width(alone, range(start, end + 1)) <= room:
            end += 1
        which = f"column {start + 1}" if end == start + 1 else f"columns {start + 1}–{end}"
        printed = "printed " if expr.atoms(Dots) else ""  # W' with ⋯: its 5th printed column is not its 5th
        pictures += [prettyForm(f"{printed}{which} of {expr.cols}"), _grid([row[start:end] for row in alone])]
        start = end
    form = _stacked(pictures)
    form.baseline = 1 + pictures[1].baseline  # the relation beside the middle of the first block
    return form


def _grid(cells: list, left: str = "[", right: str = "]") -> prettyForm:
    """Rows of cell pictures as SymPy sets a matrix: columns two apart, each cell centred in its column,
    a blank line between rows; cases ({) with an odd height, so that ⎩ stands beside the last case."""
    widths = [max(row[j].width() for row in cells) for j in range(len(cells[0]))]
    rows = []
    for row in cells:
        line = None
        for cell, column_width in zip(row, widths):
            pad_left, pad_right = center_pad(cell.width(), column_width)
            cell = prettyForm(*prettyForm(*cell.right(pad_right)).left(pad_left))
            line = cell if line is None else prettyForm(*prettyForm(*line.right("  ")).right(cell))
        rows.append(line)
    height = sum(row.height() for row in rows) + len(rows) - 1
    pictures = []
    for number, row in enumerate(rows):
        if number:
            extra = left == "{" and height % 2 == 0 and number == len(rows) - 1
            pictures += [prettyForm(" ")] * (2 if extra else 1)
        pictures.append(row)
    form = _stacked(pictures)
    form.baseline = form.height() // 2
    form = prettyForm(*form.parens(left, right))
    if left == "{":
        form.binding = prettyForm.OPEN
    return form


def _cases_form(expr, printer: PrettyPrinter, room: int) -> prettyForm:
    """SymPy's cases (value, then "for condition" or "otherwise") with the long ones broken between terms."""
    values = [printer._print(e) for e, _ in expr.args]
    value_room = max(form.width() for form in values)
    if room - 3 - value_room < room // 2:  # a long value too: half the room each
        value_room = (room - 3) // 2
        values = [form if form.width() <= value_room else _cell(_items(e, printer), printer, value_room)
                  for form, (e, _) in zip(values, expr.args)]
    condition_room = room - 3 - max(form.width() for form in values)  # "{" and two spaces
    conditions = []
    for _, condition in expr.args:
        if condition == True:  # noqa: E712 (SymPy's true)
            conditions.append(prettyForm("otherwise"))
            continue
        form = prettyForm(*prettyForm("for ").right(printer._print(condition)))
        if form.width() > condition_room:
            form = _cell([_Atom(prettyForm("for ")), _Nest(_items(condition, printer))], printer, condition_room)
        conditions.append(form)
    return _grid([list(row) for row in zip(values, conditions)], "{", "")


def _terms(expr, printer: PrettyPrinter) -> list[tuple[str, object]]:
    """The terms of a sum in printed order, each with its sign: [("", t₁), ("+", t₂), ("−", t₃), …]."""
    if isinstance(expr, MatAdd):
        ordered = list(expr.args)
    else:
        ordered = printer._as_ordered_terms(expr, order=printer._settings.get("order"))
    out = []
    for number, term in enumerate(ordered):
        negative = _negative_block_term(term) if isinstance(expr, MatAdd) else term.could_extract_minus_sign()
        if negative and (term.is_Mul or term.is_Number or isinstance(expr, MatAdd)):
            out.append((MINUS, -term))
        else:
            out.append(("" if number == 0 else "+", term))
    return out


def _items(expr, printer: PrettyPrinter) -> list:
    """The layout items of ``expr``: a sum becomes its terms with Breaks between them, a relation its two
    sides (each broken on its own) around the relation sign."""
    if isinstance(expr, Relational):
        return [_Nest(_items(expr.lhs, printer)), _Atom(prettyForm(f" {xsym(expr.rel_op)} ")),
                _Nest(_items(expr.rhs, printer))]
    if isinstance(expr, (Add, MatAdd)) and len(expr.args) > 1:
        items = []
        for number, (sign, term) in enumerate(_terms(expr, printer)):
            if number:
                items.append(_Break())
            item = _term(term, printer)
            if sign:
                # SymPy's spacing: −1 + x, − 2/3 + x (a tall first term), x − 1
                tight = number == 0 and (item.form if isinstance(item, _Atom) else item.whole).height() == 1
                items.append(_Atom(prettyForm(sign if tight else sign + " ")))
            items.append(item)
        return items
    if isinstance(expr, Mul) and _breakable_product(expr):
        # a chain of factors such as ∂L/∂a⋅∂a/∂z⋅∂z/∂w may break after a ⋅ when the line is full
        factors = list(expr.args) if printer._settings.get("order") in ("none", "old") else expr.as_ordered_factors()
        items = []
        for number, factor in enumerate(factors):
            form = printer._print(factor)
            if factor.is_Add:
                form = prettyForm(*form.parens())
            if number:
                items += [_Atom(prettyForm("⋅")), _Break(0)]
            items.append(_Atom(form))
        return items
    return [_term(expr, printer)]


def _breakable_product(expr) -> bool:
    """A product of three or more factors with a derivative or a fraction among them (the chain rule's)."""
    return len(expr.args) >= 3 and any(isinstance(f, Derivative) or (f.is_Mul and any(
        g.is_Pow and g.exp.is_negative for g in f.args)) for f in expr.args)


def _term(expr, printer: PrettyPrinter):
    """One term: a Group that can open where it holds a sum (w⋅(…), σ(…)) or a row ([x₁ … x₃₅]ᵀ), a Table
    (a matrix, cases), else an Atom."""
    whole = printer._print(expr)
    if isinstance(expr, (MatrixBase, Piecewise)):
        return _Table(expr, whole)
    if isinstance(expr, Transpose) and isinstance(expr.arg, MatrixBase) and expr.arg.rows == 1 and whole.height() == 1:
        entries = []
        for number in range(expr.arg.cols):
            entries += [_Break(2)] if number else []
            entries.append(_Atom(printer._print(expr.arg[0, number])))
        return _Group(whole, [_Atom(prettyForm("[")), _Nest(entries), _Atom(prettyForm("]ᵀ"))])
    if isinstance(expr, Mul) and expr.as_numer_denom()[1] == 1 and any(_opens(f) for f in expr.args):
        kept = printer._settings.get("order") in ("none", "old")  # a product shown as built: (a − y)⋅a⋅(1 − a)
        factors = list(expr.args) if kept else expr.as_ordered_factors()
        parts = []
        if factors[0] == -1:
            parts.append(_Atom(prettyForm(MINUS)))
            factors = factors[1:]
        for number, factor in enumerate(factors):
            if number:
                parts.append(_Atom(prettyForm("⋅")))
                if kept:  # shown arithmetic may also go on after a ⋅, before opening a parenthesis
                    parts.append(_Break(0))
            if factor.is_Add:
                pair = object()
                parts += [_Paren("(", pair), _Nest(_items(factor, printer)), _Paren(")", pair)]
            else:
                parts.append(_term(factor, printer))
        return _Group(whole, parts)
    if _function_name(expr) is not None and _opens(expr):
        pair = object()
        return _Group(whole, [_Atom(prettyForm(_function_name(expr))), _Paren("(", pair),
                              _Nest(_items(expr.args[0], printer)), _Paren(")", pair)])
    return _Atom(whole)


def _opens(expr) -> bool:
    """Whether a term holds a sum it can be broken inside: a sum, w⋅(…), σ(…) of a sum or product."""
    if expr.is_Add:
        return True
    if isinstance(expr, Mul):
        return expr.as_numer_denom()[1] == 1 and any(_opens(f) for f in expr.args)
    return _function_name(expr) is not None and (expr.args[0].is_Add or _opens(expr.args[0]))


def _function_name(expr) -> str | None:
    """The printed name of g(t) or tanh(t), the one-argument functions written name(argument)."""
    if not getattr(expr, "is_Function", False) or len(expr.args) != 1:
        return None
    activation = getattr(expr, "activation", None)
    if activation is not None:
        return activation.pretty_name
    return expr.func.__name__ if expr.func.__name__ in ("tanh", "log") else None


def layout(rhs, printer: PrettyPrinter, lhs=None, relation: str = " = ", width: int | None = None) -> str:
    """``lhs = rhs`` (or ``rhs`` alone) within ``width`` columns, broken between the terms of sums.

    Continuation lines start just after the relation; a left side too wide to leave room puts
    the relation and right side on lines of their own, indented four columns.
    """
    width = width or terminal_width(printer)
    out = _Layout(width, printer)
    if lhs is not None:
        head = lhs if isinstance(lhs, prettyForm) else printer._print(lhs)
        rel = prettyForm(relation)
        whole = printer._print(rhs)
        if head.width() + rel.width() + whole.width() > width and head.width() > width // 3:
            out.place(_items(lhs, printer) if not isinstance(lhs, prettyForm) else [_Atom(head)], 0)
            out.newline(4)
            rel = prettyForm(relation.lstrip())
        else:
            out.put(head)
        out.put(rel)
    out.place([_Nest(_items(rhs, printer))], out.col)
    return out.render()


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
        # composed as pictures, so a two-line right side (a fraction) stays beside its "=", and broken
        # between terms at the terminal width
        lines.append(layout(rhs, printer, lhs=lhs))
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
    """Readable Unicode math for a terminal: one equation per line for symnn objects and lists of equations,
    a long one broken between terms at the terminal width (option ``num_columns``, else ``COLUMNS``, else 80).

    >>> from symnn import Neuron
    >>> print(pretty(Neuron(4).z(), num_columns=40))
    w₁₁⁽¹⁾⋅x₁ + w₂₁⁽¹⁾⋅x₂ + w₃₁⁽¹⁾⋅x₃
    + w₄₁⁽¹⁾⋅x₄ + b₁⁽¹⁾
    """
    printer = pretty_printer(**options)
    if isinstance(obj, Shows):
        return obj.show_pretty(printer)
    if _is_equation_list(obj):
        return pretty_lines([(eq.lhs, eq.rhs) for eq in obj], printer)
    if not isinstance(obj, (Basic, MatrixBase, int, float)):
        raise InvalidArgumentError(f"pretty() prints SymPy expressions, equations and symnn objects, not {type(obj).__name__}")
    check_printable(obj)
    if isinstance(obj, Eq):
        return layout(obj.rhs, printer, lhs=obj.lhs)
    return layout(obj if isinstance(obj, (Basic, MatrixBase)) else Integer(obj) if isinstance(obj, int) else Float(obj),
                  printer)


def _is_equation_list(obj) -> bool:
    return isinstance(obj, (list, tuple)) and bool(obj) and all(isinstance(e, Eq) for e in obj)


def check_printable(obj) -> None:
    """Refuse (ExpressionTooLarge) to print an expression with more nodes than the latex_nodes setting."""
    if isinstance(obj, (Basic, MatrixBase)):
        limit = current().latex_nodes
        guards.check(guards.node_count(obj, limit + 1), "printing this expression", setting="latex_nodes",
                     unit="nodes", alternative="print the network itself (block form) or a single unit's z")
