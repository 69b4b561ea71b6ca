"""Equation layout for the page: widths of printed LaTeX estimated, long sums broken between terms.

The estimate reads the LaTeX symnn's printer writes (letters, sub- and superscripts
at 70 %, ``\\frac`` as its wider part, ``\\sum`` with its limits, ``\\text``) in points
of a 10 pt Computer Modern page, erring wide; the tests confirm it by compiling the
documents with pdflatex and failing on any Overfull \\hbox. Breaking happens only
between the terms of a top-level sum, never inside a product, fraction or subscript.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from symnn.core.printing import block_term_order

# A4 with 2 cm margins (the documents' geometry): 595.3 pt − 2 × 56.9 pt
TEXT_WIDTH = 481.0
# a step's reason sits in a right-hand column of at most this width, wrapped inside it
REASON_WIDTH = 190.0
COLUMN_GAP = 24.0  # what align* puts between its column pairs, and a margin for the estimate's errors
SAFETY = 1.15  # the estimate is scaled up by this much: breaking once too often costs nothing

_CHAR = 5.6  # an italic letter or digit
_SCRIPT = 0.78  # sub- and superscripts
_OPERATOR = 12.0  # "+", "-", "=" with their spaces
_COMMANDS = {
    r"\cdot": 8.0, r"\left": 0.0, r"\right": 0.0, r"\quad": 10.0, r"\qquad": 20.0, r"\,": 1.7, r"\;": 2.8,
    r"\:": 2.2, r"\!": -1.7, r"\sum": 14.0, r"\prod": 14.0, r"\sigma": 6.0, r"\cdots": 13.0, r"\ldots": 13.0,
    r"\vdots": 5.0, r"\iff": 24.0, r"\approx": 14.0, r"\neq": 12.0, r"\geq": 12.0, r"\leq": 12.0, r"\to": 14.0,
    r"\infty": 10.0, r"\mathbf": 0.0, r"\mathrm": 0.0, r"\operatorname": 0.0, r"\mathbb": 0.0, r"\prime": 3.0,
    r"\log": 14.0, r"\exp": 16.0, r"\max": 18.0, r"\min": 16.0, r"\tanh": 22.0, r"\sinh": 20.0, r"\cosh": 20.0,
    r"\sin": 14.0, r"\cos": 16.0, r"\odot": 12.0, r"\oslash": 12.0, r"\displaystyle": 0.0, r"\textstyle": 0.0, r"\limits": 0.0,
}
_WIDE = set("+=<>") | {"-"}


def latex_width(text: str) -> float:
    """Estimated width in points of ``text`` set as display math (one line); a matrix is as wide as its
    widest entries, column by column (not as its rows laid end to end)."""
    matrices = 0.0
    while (found := _MATRIX.search(text)) is not None:
        matrices += _matrix_width(found.group(1))
        text = text[:found.start()] + text[found.end():]
    return _Reader(text).width() * SAFETY + matrices


_MATRIX = re.compile(r"\\begin\{matrix\}((?:(?!\\begin\{matrix\}).)*?)\\end\{matrix\}", re.S)
MATRIX_COLUMN_GAP = 10.0  # 2 \arraycolsep


def _matrix_width(body: str) -> float:
    rows = [row.split("&") for row in body.split("\\\\")]
    columns = max(len(row) for row in rows)
    widest = [max((latex_width(row[c]) for row in rows if c < len(row)), default=0.0) for c in range(columns)]
    return sum(widest) + MATRIX_COLUMN_GAP * (columns - 1)


def text_width(text: str) -> float:
    """Estimated width in points of ``text`` set as roman text (a reason, a caption)."""
    width, inside_math = 0.0, False
    for piece in text.split("$"):
        width += latex_width(piece) if inside_math else len(piece) * 5.0
        inside_math = not inside_math
    return width


class _Reader:
    """A small recursive reader over the LaTeX that SymPy's printer writes."""

    def __init__(self, text: str):
        self.text, self.at = text, 0

    def width(self, stop: str = "") -> float:
        total = 0.0
        while self.at < len(self.text):
            ch = self.text[self.at]
            if stop and ch == stop:
                self.at += 1
                return total
            total += self._item()
        return total

    def _group(self) -> float:
        """A {…} group or a single token."""
        self._skip_spaces()
        if self.at < len(self.text) and self.text[self.at] == "{":
            self.at += 1
            return self.width("}")
        return self._item()

    def _skip_spaces(self) -> None:
        while self.at < len(self.text) and self.text[self.at] == " ":
            self.at += 1

    def _item(self) -> float:
        ch = self.text[self.at]
        if ch == "{":
            self.at += 1
            return self.width("}")
        if ch in "^_":
            self.at += 1
            first = self._group() * _SCRIPT
            self._skip_spaces()
            if self.at < len(self.text) and self.text[self.at] in "^_" and self.text[self.at] != ch:
                self.at += 1  # a subscript and a superscript stack: the wider counts
                return max(first, self._group() * _SCRIPT)
            return first
        if ch == "\\":
            return self._command()
        self.at += 1
        if ch == " ":
            return 0.0
        if ch in _WIDE:
            return _OPERATOR
        if ch in "()[]|,;:.'!":
            return 3.9
        return _CHAR

    def _command(self) -> float:
        start = self.at
        self.at += 1
        if self.at < len(self.text) and not self.text[self.at].isalpha():
            self.at += 1  # \, \; \{ \\ …
            return _COMMANDS.get(self.text[start:self.at], 4.0)
        while self.at < len(self.text) and self.text[self.at].isalpha():
            self.at += 1
        name = self.text[start:self.at]
        if name in (r"\frac", r"\dfrac", r"\tfrac"):
            return max(self._group(), self._group()) + 4.0
        if name == r"\text" or name == r"\textrm":
            self._skip_spaces()
            inner = self._raw_group()
            return text_width(inner)
        if name in (r"\sum", r"\prod"):
            limits = self._limits()
            return max(_COMMANDS[name], limits) + 3.0
        if name in (r"\begin", r"\end"):
            self._raw_group()
            return 0.0
        if name in (r"\left", r"\right"):
            self._skip_spaces()  # the delimiter that follows counts once, here
            if self.at < len(self.text) and self.text[self.at] == "\\":
                self._command()
            else:
                self.at += 1
            return 4.5
        return _COMMANDS.get(name, 6.5)

    def _limits(self) -> float:
        """The widest of a \\sum's limits, which display style sets below and above it."""
        widest = 0.0
        for _ in range(2):
            self._skip_spaces()
            if self.at < len(self.text) and self.text[self.at] in "^_":
                self.at += 1
                widest = max(widest, self._group() * _SCRIPT)
        return widest

    def _raw_group(self) -> str:
        if self.at >= len(self.text) or self.text[self.at] != "{":
            return ""
        depth, start = 0, self.at
        while self.at < len(self.text):
            ch = self.text[self.at]
            depth += (ch == "{") - (ch == "}")
            self.at += 1
            if depth == 0:
                break
        return self.text[start + 1:self.at - 1]


@dataclass(frozen=True)
class Term:
    """One term of a sum as printed, with the sign that joins it to the terms before it."""

    sign: str  # "+" or "-" ("" for the first term when it is positive)
    latex: str

    def joined(self, first: bool) -> str:
        if first:
            return f"{'-' if self.sign == '-' else ''}{self.latex}"
        return f"{self.sign} {self.latex}"


def sum_terms(expr, printer) -> list[Term] | None:
    """The terms of a top-level sum in the printer's order, or None when ``expr`` is not a sum."""
    if not (getattr(expr, "is_Add", False) or getattr(expr, "is_MatAdd", False)):
        return None
    terms = []
    is_block = getattr(expr, "is_MatAdd", False)
    ordered = block_term_order(expr.args) if is_block else printer._as_ordered_terms(expr, order=printer._settings.get("order"))
    for term in ordered:
        if term.could_extract_minus_sign():
            sign, shown = "-", -term
        else:
            sign, shown = "+", term
        text = printer._print(shown)
        if printer._needs_add_brackets(shown):
            text = rf"\left({text}\right)"
        terms.append(Term(sign, text))
    return terms


def pack(terms: list[Term], first_width: float, width: float) -> list[str]:
    """Terms packed into lines: the first at most ``first_width`` wide, the others at most ``width``.

    A term wider than its line gets a line of its own (it is never cut).
    """
    lines: list[list[str]] = [[]]
    used, limit = 0.0, first_width
    for number, term in enumerate(terms):
        piece = term.joined(number == 0)
        size = latex_width(piece) + (0 if not lines[-1] else 4.0)
        if lines[-1] and used + size > limit:
            lines.append([])
            used, limit = 0.0, width
            piece = term.joined(False)
            size = latex_width(piece)
        lines[-1].append(piece)
        used += size
    return [" ".join(line) for line in lines]
