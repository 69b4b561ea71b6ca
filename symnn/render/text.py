"""Rendering derivations as readable Unicode math for a terminal, within its width (``COLUMNS``, else 80)."""

from __future__ import annotations

import unicodedata

from sympy.printing.pretty.stringpict import prettyForm

from symnn.core.printing import MINUS, SUBSCRIPTS, SUPERSCRIPTS, layout, pretty_printer, script, terminal_width
from symnn.render.derivation import APPROX, DEFINES, EQUALS, IFF, UPDATE, continues

_TEXT_RELATION = {EQUALS: " = ", DEFINES: " = ", IFF: " ⇔ ", APPROX: " ≈ ", UPDATE: " ← "}

# The TeX commands symnn's own reasons and captions use, as Unicode for the terminal (the product dot
# and the minus sign the equations print: ⋅ U+22C5, − U+2212).
_TEX_TO_UNICODE = {"sigma": "σ", "beta": "β", "theta": "θ", "cdots": "⋯", "cdot": "⋅", "geq": "≥", "leq": "≤",
                   "ldots": "…", "sum": "Σ", "infty": "∞", "to": "→", "quad": " ", ",": " ", "left": "", "right": "",
                   "tanh": "tanh", "max": "max", "log": "log", "ln": "ln", "mathbb": "", "text": "",
                   "mathrm": "", "operatorname": "", "eta": "η", "ell": "ℓ", "delta": "δ", "Delta": "Δ",
                   "partial": "∂", "nabla": "∇", "odot": "⊙", "oslash": "⊘", "times": "×", "prime": "′", "leftarrow": "←",
                   "lVert": "‖", "rVert": "‖", "alpha": "α", "lambda": "λ", "checkmark": "✓",
                   "neq": "≠", "ne": "≠"}
_TEX_FONT = {"mathbf": {"1": "𝟙"}, "mathbb": {"R": "ℝ"}}

# Inside a formula a space is this placeholder while prose is wrapped, so that the formula stays whole.
_KEEP = "\0"
# A formula wider than a whole line is broken before one of these (as a display is: x + y on, = z on).
_BREAK_BEFORE = ("=", "+", MINUS, "≤", "≥", "<", ">", "⇔", "≈", "→")


def columns(text: str) -> int:
    """Terminal columns of ``text``: a combining mark takes none, a wide (East Asian) character two."""
    return sum(0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1
               for char in text)


def plain_text(text: str) -> str:
    """A reason or caption for the terminal: math segments without the dollar signs, written in Unicode
    (``$a_k^{[i]}$`` → aₖ⁽ⁱ⁾, ``$1/(1 + e^{-z})$`` → 1/(1 + e⁻ᶻ), ``\\frac{1}{5}`` → 1/5,
    ``$x - 1$`` → x − 1 with the minus sign, ``$w \\cdot x$`` → w⋅x with the equations' dot)."""
    return _marked(text).replace(_KEEP, " ")


def _marked(text: str) -> str:
    """plain_text with each space inside a formula as ``_KEEP``."""
    pieces = text.split("$")
    if len(pieces) % 2 == 0:
        return text
    return "".join(_tex_unicode(piece).replace(" ", _KEEP) if number % 2 else piece
                   for number, piece in enumerate(pieces))


def _tex_unicode(tex: str) -> str:
    """The small part of TeX symnn's captions use, read token by token: commands, groups, ^ and _."""
    out, position = [], 0
    while position < len(tex):
        text, position = _tex_atom(tex, position)
        if text == MINUS and tex[position:position + 1] == " ":
            before = "".join(out).rstrip()
            if not before or before.endswith(("(", ",")):
                position += 1  # a sign, not a subtraction: (−1/5, −5/3), as the equations print it
        if text == "⋅":  # w⋅x, as the equations print a product
            while out and out[-1] == " ":
                out.pop()
            position = _skip_spaces(tex, position)
        while position < len(tex) and tex[position] in "^_":
            table = SUPERSCRIPTS if tex[position] == "^" else SUBSCRIPTS
            script_source, position = _tex_atom(tex, position + 1)
            if script_source.startswith("[") and script_source.endswith("]"):  # the layer: ^{[j]} → ⁽ʲ⁾
                script_source = "(" + script_source[1:-1] + ")"
            scripted = script(script_source.replace(" ", "").replace(MINUS, "-"), table)  # ⁻ ₋: the scripts' minus
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
        return MINUS if char == "-" else char, position + 1
    end = position + 1
    while end < len(tex) and tex[end].isalpha():
        end += 1
    if end == position + 1:  # \, \{ …: one symbol
        end += 1
    name = tex[position + 1:end]
    if name in ("tfrac", "dfrac") and tex[end:end + 2].isdigit():  # \tfrac12 is ½, as TeX reads it
        return f"{tex[end]}/{tex[end + 1]}", end + 2
    if name in ("frac", "tfrac", "dfrac"):
        numerator, end = _tex_atom(tex, _skip_spaces(tex, end))
        denominator, end = _tex_atom(tex, _skip_spaces(tex, end))
        return f"{_grouped(numerator)}/{_grouped(denominator)}", end
    if name in ("text", "mathrm") and end < len(tex) and tex[end] == "{":  # words: a hyphen stays a hyphen
        close = tex.find("}", end)
        if close != -1:
            return tex[end + 1:close], close + 1
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
    """A symbol or number on one line: the Unicode symbol (w₁₁⁽¹⁾), a number as text (−1/4)."""
    if getattr(value, "is_Number", False) or not hasattr(value, "free_symbols"):
        text = str(value)
        return MINUS + text[1:] if text.startswith("-") else text
    text = printer._print(value).render(wrap_line=False)
    return text if "\n" not in text else str(value)


def prose(text: str, width: int, indent: str = "", subsequent_indent: str | None = None) -> str:
    """A paragraph (its math in ``$…$``, written as plain_text does) wrapped between words to ``width``
    columns; a formula is never broken while it fits on a line of its own, and one wider than that only
    before a relation, + or −. Like textwrap.fill, with the first line's and the other lines' indents."""
    indents = [indent, indent if subsequent_indent is None else subsequent_indent]
    room = width - max(columns(i) for i in indents)
    lines, line = [], []
    for word in (piece for word in _marked(text).split() for piece in _formula_lines(word, room)):
        if line and columns(" ".join(line + [word])) > room:
            lines.append(line)
            line = []
        line.append(word)
    lines.append(line)
    return "\n".join(indents[min(n, 1)] + " ".join(words).replace(_KEEP, " ") for n, words in enumerate(lines))


def report_text(report, width: int | None = None) -> str:
    """A Verification as the terminal shows it: its title line, then the summary of how each step was
    checked and any failing step, each wrapped between words to ``width`` columns (the terminal's)."""
    width = terminal_width() if width is None else width
    lines = str(report).splitlines()
    out = [prose(lines[0], width, subsequent_indent="  ")] if lines else []
    out += [prose(line.strip(), width, indent="  ", subsequent_indent="    ") for line in lines[1:]]
    return "\n".join(out)


def _formula_lines(word: str, room: int) -> list[str]:
    """A word (with the formulas in it) as pieces of at most ``room`` columns, cut only where a formula
    had a space: before a relation, + or − where possible, else at any such space."""
    if columns(word) <= room or _KEEP not in word:
        return [word]
    parts = word.split(_KEEP)
    segments = [parts[0]]  # each a term with its sign or relation in front: "= w'₁⋅x₁", "+ w'₂⋅x₂"
    for part in parts[1:]:
        if part.startswith(_BREAK_BEFORE):
            segments.append(part)
        else:
            segments[-1] += _KEEP + part
    pieces = []
    for segment in segments:
        for part in ([segment] if columns(segment) <= room else segment.split(_KEEP)):
            if pieces and columns(pieces[-1] + " " + part) <= room:
                pieces[-1] += _KEEP + part
            else:
                pieces.append(part)
    return pieces


def derivation_text(derivation, width: int | None = None) -> str:
    """Readable Unicode math for a terminal, each step with its reason in parentheses.

    Every line fits ``width`` columns (default: the terminal's, see ``terminal_width``): equations are
    broken between the terms of a sum, continuation lines start after the ``= ``; prose is wrapped
    between words, a formula in it kept whole.
    """
    width = width or terminal_width()
    out = [prose(derivation.title, width)]
    out.append("=" * min(max(columns(line) for line in out[0].splitlines()), width))
    if derivation.intro:
        out.append(prose(derivation.intro, width))
    if derivation.given:
        printer = pretty_printer()
        # each "w₁₁⁽¹⁾ = 1/2" kept on one line, as a formula is
        values = [f"{_inline(k, printer)} = {_inline(v, printer)}".replace(" ", _KEEP)
                  for k, v in derivation.given.items()]
        out.append(prose("Given " + ", ".join(values) + ".", width))
    previous = None
    for step in derivation.steps:
        printer = pretty_printer(**({"order": step.order} if step.order else {}))
        lhs = prettyForm(" " * 4) if continues(previous, step) else step.lhs
        out.append(layout(step.rhs, printer, lhs=lhs, relation=_TEXT_RELATION[step.relation], width=width))
        if step.reason:  # a step joined to the line before may have none of its own
            out.append(prose(f"({step.reason})", width, indent=" " * 4))
        previous = step
    if derivation.conclusion:
        out.append(prose(derivation.conclusion, width))
    return "\n".join(out)
