"""Rendering derivations as readable Unicode math for a terminal, within its width (``COLUMNS``, else 80)."""

from __future__ import annotations

import textwrap

from sympy.printing.pretty.stringpict import prettyForm

from symnn.core.printing import layout, pretty_printer, terminal_width
from symnn.render.derivation import APPROX, DEFINES, EQUALS, IFF, continues

_TEXT_RELATION = {EQUALS: " = ", DEFINES: " = ", IFF: " ⇔ ", APPROX: " ≈ "}

# The few TeX commands symnn's own reasons use, as Unicode for the terminal.
_TEX_TO_UNICODE = {r"\sigma": "σ", r"\beta": "β", r"\theta": "θ", r"\cdots": "⋯", r"\cdot": "·",
                   r"\geq": "≥", r"\leq": "≤", r"\ldots": "…", r"\sum": "Σ", r"\mathbf{1}": "1"}


def plain_text(text: str) -> str:
    """A reason for the terminal: math segments without the dollar signs, their TeX commands as Unicode."""
    pieces = text.split("$")
    if len(pieces) % 2 == 0:
        return text
    out = []
    for number, piece in enumerate(pieces):
        if number % 2:
            for command, symbol in _TEX_TO_UNICODE.items():
                piece = piece.replace(command, symbol)
        out.append(piece)
    return "".join(out)


def _inline(value, printer) -> str:
    """A symbol or number on one line: the Unicode symbol (w₁₁⁽¹⁾), a number as text (-1/4)."""
    if getattr(value, "is_Number", False) or not hasattr(value, "free_symbols"):
        return str(value)
    text = printer._print(value).render(wrap_line=False)
    return text if "\n" not in text else str(value)


def _prose(text: str, width: int, indent: str = "") -> str:
    """A paragraph wrapped at word boundaries (never inside a word) to ``width`` columns."""
    return textwrap.fill(text, width, initial_indent=indent, subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False)


def derivation_text(derivation, width: int | None = None) -> str:
    """Readable Unicode math for a terminal, each step with its reason in parentheses.

    Every line fits ``width`` columns (default: the terminal's, see ``terminal_width``): equations are
    broken between the terms of a sum, continuation lines start after the ``= ``; prose is wrapped
    between words.
    """
    width = width or terminal_width()
    out = [_prose(derivation.title, width)]
    out.append("=" * min(len(derivation.title), width))
    if derivation.intro:
        out.append(_prose(plain_text(derivation.intro), width))
    if derivation.given:
        printer = pretty_printer()
        # each "w₁₁⁽¹⁾ = 1/2" kept on one line (a placeholder for its spaces while wrapping)
        values = [f"{_inline(k, printer)} = {_inline(v, printer)}".replace(" ", "\0") for k, v in derivation.given.items()]
        out.append(_prose("Given " + ", ".join(values) + ".", width).replace("\0", " "))
    previous = None
    for step in derivation.steps:
        printer = pretty_printer(**({"order": step.order} if step.order else {}))
        lhs = prettyForm(" " * 4) if continues(previous, step) else step.lhs
        out.append(layout(step.rhs, printer, lhs=lhs, relation=_TEXT_RELATION[step.relation], width=width))
        out.append(_prose(f"({plain_text(step.reason)})", width, indent=" " * 4))
        previous = step
    if derivation.conclusion:
        out.append(_prose(plain_text(derivation.conclusion), width))
    return "\n".join(out)
