"""Rendering derivations as readable Unicode math for a terminal, within its width (``COLUMNS``, else 80)."""

from __future__ import annotations

import textwrap

from sympy.printing.pretty.stringpict import prettyForm

from symnn.core.printing import SUBSCRIPTS, SUPERSCRIPTS, layout, pretty_printer, script, terminal_width
from symnn.render.derivation import APPROX, DEFINES, EQUALS, IFF, continues

_TEXT_RELATION = {EQUALS: " = ", DEFINES: " = ", IFF: " ⇔ ", APPROX: " ≈ "}

# The TeX commands symnn's own reasons and captions use, as Unicode for the terminal.
_TEX_TO_UNICODE = {"sigma": "σ", "beta": "β", "theta": "θ", "cdots": "⋯", "cdot": "·", "geq": "≥", "leq": "≤",
                   "ldots": "…", "sum": "Σ", "infty": "∞", "to": "→", "quad": " ", ",": " ", "left": "", "right": "",
                   "tanh": "tanh", "max": "max", "log": "log", "ln": "ln", "mathbb": "", "text": "",
                   "mathrm": "", "operatorname": ""}
_TEX_FONT = {"mathbf": {"1": "𝟙"}, "mathbb": {"R": "ℝ"}}


def plain_text(text: str) -> str:
    """A reason or caption for the terminal: math segments without the dollar signs, written in Unicode
    (``$a_k^{[i]}$`` → aₖ⁽ⁱ⁾, ``$1/(1 + e^{-z})$`` → 1/(1 + e⁻ᶻ), ``\\frac{1}{5}`` → 1/5)."""
    pieces = text.split("$")
    if len(pieces) % 2 == 0:
        return text
    return "".join(_tex_unicode(piece) if number % 2 else piece for number, piece in enumerate(pieces))


def _tex_unicode(tex: str) -> str:
    """The small part of TeX symnn's captions use, read token by token: commands, groups, ^ and _."""
    out, position = [], 0
    while position < len(tex):
        text, position = _tex_atom(tex, position)
        if text == "-" and tex[position:position + 1] == " ":
            before = "".join(out).rstrip()
            if not before or before.endswith(("(", ",")):
                position += 1  # a sign, not a subtraction: (-1/5, -5/3), as the equations print it
        while position < len(tex) and tex[position] in "^_":
            table = SUPERSCRIPTS if tex[position] == "^" else SUBSCRIPTS
            script_source, position = _tex_atom(tex, position + 1)
            if script_source.startswith("[") and script_source.endswith("]"):  # the layer: ^{[j]} → ⁽ʲ⁾
                script_source = "(" + script_source[1:-1] + ")"
            scripted = script(script_source.replace(" ", ""), table)
            marker = "^" if table is SUPERSCRIPTS else "_"
            text += scripted if scripted is not None else (
                marker + (script_source if len(script_source) == 1 else "(" + script_source + ")"))
        out.append(text)
    return "".join(out)


def _tex_atom(tex: str, position: int) -> tuple[str, int]:
    """One character, ``{group}`` or ``\\command`` (with its arguments) from ``position``, as Unicode."""
    char = tex[position]
    if char == "{":
        depth, end = 1, position + 1
        while end < len(tex) and depth:
            depth += {"{": 1, "}": -1}.get(tex[end], 0)
            end += 1
        return _tex_unicode(tex[position + 1:end - 1]), end
    if char != "\\":
        return char, position + 1
    end = position + 1
    while end < len(tex) and tex[end].isalpha():
        end += 1
    if end == position + 1:  # \, \{ …: one symbol
        end += 1
    name = tex[position + 1:end]
    if name == "frac":
        numerator, end = _tex_atom(tex, _skip_spaces(tex, end))
        denominator, end = _tex_atom(tex, _skip_spaces(tex, end))
        return f"{_grouped(numerator)}/{_grouped(denominator)}", end
    if name in _TEX_FONT and end < len(tex) and tex[end] == "{":
        argument, after = _tex_atom(tex, end)
        return _TEX_FONT[name].get(argument, argument), after
    if name in ("{", "}"):
        return name, end
    return _TEX_TO_UNICODE.get(name, name), end


def _skip_spaces(tex: str, position: int) -> int:
    while position < len(tex) and tex[position] == " ":
        position += 1
    return position


def _grouped(text: str) -> str:
    return text if text.replace(".", "").isalnum() else f"({text})"


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
    title = plain_text(derivation.title)
    out = [_prose(title, width)]
    out.append("=" * min(len(title), width))
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
        if step.reason:  # a step joined to the line before may have none of its own
            out.append(_prose(f"({plain_text(step.reason)})", width, indent=" " * 4))
        previous = step
    if derivation.conclusion:
        out.append(_prose(plain_text(derivation.conclusion), width))
    return "\n".join(out)
