"""Rendering derivations as readable Unicode math for a terminal."""

from __future__ import annotations

from sympy.printing.pretty.stringpict import prettyForm

from symnn.core.printing import pretty_printer
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


def derivation_text(derivation) -> str:
    """Readable Unicode math for a terminal, each step with its reason in parentheses."""
    out = [derivation.title, "=" * len(derivation.title)]
    if derivation.intro:
        out.append(plain_text(derivation.intro))
    if derivation.given:
        out.append("Given " + ", ".join(f"{k} = {v}" for k, v in derivation.given.items()) + ".")
    previous = None
    for step in derivation.steps:
        printer = pretty_printer(**({"order": step.order} if step.order else {}))
        rhs = printer._print(step.rhs)
        if continues(previous, step):
            lhs = prettyForm(" " * 4)
        else:
            lhs = printer._print(step.lhs)
        line = prettyForm(*lhs.right(_TEXT_RELATION[step.relation], rhs))
        out.append(line.render(wrap_line=False))
        out.append(f"    ({plain_text(step.reason)})")
        previous = step
    if derivation.conclusion:
        out.append(plain_text(derivation.conclusion))
    return "\n".join(out)
