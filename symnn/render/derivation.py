"""Rendering derivations: a LaTeX ``align*`` fragment, a standalone LaTeX document, Markdown (text: render/text.py).

A derivation here is plain data — a title, an intro, steps with ``lhs``, ``rhs``,
``relation`` and ``reason`` — so this module knows how to lay steps out, not how
they are checked (symnn.math.derivation does that and calls these functions).
A step whose left side is the previous step's right side continues the chain
(``&= …``), as derivations are written by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from symnn.core.printing import SymnnLatexPrinter
from symnn.render.layout import COLUMN_GAP, REASON_WIDTH, TEXT_WIDTH, latex_width, pack, sum_terms, text_width
from symnn.render.tikz import network_tikz

# The relations a step can state: checked equality, definition, equivalence of conditions, decimal value.
# ``UPDATE`` is gradient descent's w ← w − η ∂L/∂w: a new value for the same symbol.
EQUALS, DEFINES, IFF, APPROX, UPDATE = "=", ":=", "iff", "approx", "<-"
RELATIONS = (EQUALS, DEFINES, IFF, APPROX, UPDATE)

_LATEX_RELATION = {EQUALS: "=", DEFINES: "=", IFF: r"\iff", APPROX: r"\approx", UPDATE: r"\leftarrow"}
_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
# Words in reasons written with Unicode math; TeX's text fonts lack them.
_TEXT_UNICODE = {"σ": r"$\sigma$", "Σ": r"$\Sigma$", "≥": r"$\geq$", "≤": r"$\leq$", "≠": r"$\neq$",
                 "⇔": r"$\iff$", "−": "-", "·": r"$\cdot$", "′": "'", "…": r"\ldots{}", "→": r"$\to$",
                 "ℝ": r"$\mathbb{R}$", "✓": r"$\checkmark$", "\u00a0": "~", "θ": r"$\theta$", "β": r"$\beta$", "ᵀ": r"$^T$", "²": r"$^2$"}


def escape_text(text: str) -> str:
    """Text for LaTeX: special characters escaped, the few Unicode math signs we use mapped to TeX.

    Segments between dollar signs are LaTeX math written by symnn's own catalog and pass through;
    segments between backticks are code (``collapse(...).W``), set in typewriter type.
    """
    pieces = text.split("$")
    if len(pieces) % 2 == 0:  # an unpaired dollar is a literal dollar
        pieces = [text]
    out = []
    for number, piece in enumerate(pieces):
        out.append(f"${piece}$" if number % 2 else _prose(piece))
    return "".join(out)


def _prose(text: str) -> str:
    pieces = text.split("`")
    if len(pieces) % 2 == 0:  # an unpaired backtick is a literal one
        pieces = [text]
    return "".join(f"\\texttt{{{_escaped(piece)}}}" if number % 2 else _escaped(piece)
                   for number, piece in enumerate(pieces))


def _escaped(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(ch) or _TEXT_UNICODE.get(ch) or ch for ch in text)


def _printer(step) -> SymnnLatexPrinter:
    """The printer a step asks for: its own term order (shown arithmetic) and product sign (the lecture's ·)."""
    settings = {"order": step.order} if step.order else {}
    if step.mul_symbol:
        settings["mul_symbol"] = step.mul_symbol
    return SymnnLatexPrinter(settings)


def continues(previous, step) -> bool:
    if previous is None or step.relation == IFF and previous.relation != IFF:
        return False
    # "a = X" then "a = Y" reads as the chain a = X = Y
    return _same(step.lhs, previous.rhs) or _same(step.lhs, previous.lhs)


def _same(left, right) -> bool:
    try:
        return bool(left == right)
    except TypeError:
        return False


def derivation_latex(derivation, environment: str = "align*", width: float = TEXT_WIDTH,
                     marks: list[str] | None = None) -> str:
    """The steps as an ``align*`` environment (or ``aligned`` for inline display), laid out to fit ``width`` points.

    Long right-hand sides are broken between terms, continuation lines indented after the
    relation. Reasons stand in a right-hand column while every line leaves room for it; when
    some line cannot (a product too wide to break), each reason is set as a line of text above
    its step instead (``\\intertext``; not inside ``aligned``, which keeps the column).
    """
    rows = [_Row.of(step, previous) for previous, step in zip([None, *derivation.steps], derivation.steps)]
    if marks is not None:  # how each step was checked, beside its reason
        rows = [replace(row, reason=with_mark(row.reason, mark)) for row, mark in zip(rows, marks)]
    rows = _join_lines(rows, derivation.steps, width)
    if environment == "aligned":
        return _environment(rows, environment, width)
    # align* gives every row the widest left side: a wide one (a block-form line) stands in an
    # environment of its own, so the narrow ones keep their room
    groups: list[list[_Row]] = []
    for row in rows:
        left = latex_width(row.lhs)
        # a wide left side, or a line that leaves no room for its reason even when broken
        alone = left > WIDE_LEFT or not row.fits(width - _reason_room(row.reason) - left - RELATION_WIDTH)
        # a line continuing the chain above (no left side) stays in its environment, so its "=" aligns
        continuing = bool(groups) and not row.lhs
        if not continuing and (alone or not groups or any(r.alone for r in groups[-1])):
            groups.append([])
        groups[-1].append(replace(row, alone=alone))
    return "\n".join(_environment(group, environment, width) for group in groups)


WIDE_LEFT = 80.0  # points


def _reason_room(reason: str) -> float:
    """What a reason takes of a line in the right-hand column: nothing when there is none."""
    return min(REASON_WIDTH, text_width(reason)) + COLUMN_GAP if reason else 0.0


def _join_lines(rows: list, steps: list, width: float = TEXT_WIDTH) -> list:
    """Steps marked ``same_line`` continue the line before them: a = b = c, with both reasons; a chain that
    would run past ``width`` (with room for its left side) goes on in rows of its own, each "=" aligned."""
    joined: list = []
    for row, step in zip(rows, steps):
        if step.same_line and joined:
            last = joined[-1]
            together = latex_width(last.lhs) + RELATION_WIDTH + latex_width(f"{last.rhs} {row.relation} {row.rhs}")
            if together > width:  # (narrower than that, the reasons go above the lines if need be)
                joined.append(replace(row, lhs=""))
                continue
            reason = "; ".join(part for part in (last.reason, row.reason) if part)
            joined[-1] = replace(last, rhs=f"{last.rhs} {row.relation} {row.rhs}", terms=(), reason=reason)
        else:
            joined.append(row)
    return joined


def _sentence(reason: str) -> str:
    """A reason set above its step reads as a sentence: capital first letter (unless it starts with math)."""
    return reason[:1].upper() + reason[1:] if reason[:1].isalpha() else reason


def with_mark(reason: str, mark: str) -> str:
    """A reason followed by its check mark (✓) or the words of a step that was only sampled."""
    if not mark:
        return reason
    # a no-break space: the mark never stands alone at the start of a line
    return f"{reason}\u00a0✓" if mark == "✓" else f"{reason} ({mark})"


def _environment(rows: list, environment: str, width: float) -> str:
    left = max((latex_width(row.lhs) for row in rows), default=0.0)
    natural = max((text_width(row.reason) for row in rows), default=0.0)
    room = width - max((_reason_room(row.reason) for row in rows), default=0.0) - left - RELATION_WIDTH
    full = width - left - RELATION_WIDTH
    # a line standing alone that would need breaking beside its reason, but fits whole under it
    whole_below = len(rows) == 1 and latex_width(rows[0].rhs) > room and latex_width(rows[0].rhs) <= full
    if environment == "aligned" or (not whole_below and all(row.fits(room) for row in rows)):
        lines = [line for row in rows for line in row.lines(room, _margin_reason(row.reason, natural))]
        return f"\\begin{{{environment}}}\n" + " \\\\\n".join(lines) + f"\n\\end{{{environment}}}"
    intro, rows_tex = "", []
    for number, row in enumerate(rows):
        note = f"{escape_text(_sentence(row.reason))}:" if row.reason else ""
        body = " \\\\\n".join(row.lines(full, ""))
        if number == 0:
            intro = f"\\par\\noindent {note}\n" if note else ""
            rows_tex.append(body)
        else:
            rows_tex.append(f"\\intertext{{{note}}}\n{body}" if note else body)
    return intro + f"\\begin{{{environment}}}\n" + " \\\\\n".join(rows_tex) + f"\n\\end{{{environment}}}"


RELATION_WIDTH = 14.0  # "= " after the alignment point


def _margin_reason(reason: str, natural: float) -> str:
    if not reason:
        return ""
    text = escape_text(reason)
    if text_width(reason) <= REASON_WIDTH:
        return f" && \\text{{{text}}}"
    width = min(REASON_WIDTH, natural)
    return f" && \\parbox[t]{{{width:.0f}pt}}{{\\raggedright {text}}}"


@dataclass(frozen=True)
class _Row:
    """One step as printed: its left side ("" when it continues a chain), relation, right side and reason."""

    lhs: str
    relation: str
    rhs: str
    terms: tuple
    reason: str
    alone: bool = False

    @classmethod
    def of(cls, step, previous) -> "_Row":
        printer = _printer(step)
        lhs = "" if continues(previous, step) else printer.doprint(step.lhs)
        terms = sum_terms(step.rhs, printer) if step.relation != IFF else None
        return cls(lhs, _LATEX_RELATION[step.relation], printer.doprint(step.rhs), tuple(terms or ()), step.reason)

    def fits(self, room: float) -> bool:
        if latex_width(self.rhs) <= room:
            return True
        return bool(self.terms) and all(latex_width(t.joined(False)) <= room - CONTINUATION for t in self.terms)

    def lines(self, room: float, reason: str) -> list[str]:
        if latex_width(self.rhs) <= room or not self.terms:
            return [f"{self.lhs} &{self.relation} {self.rhs}{reason}"]
        packed = pack(list(self.terms), room, room - CONTINUATION)
        first = f"{self.lhs} &{self.relation} {packed[0]}{reason}"
        return [first, *(f"&\\qquad {line}" for line in packed[1:])]


CONTINUATION = 20.0  # the \qquad that indents a continuation line


def derivation_body(derivation, marks: list[str] | None = None, diagram: bool = True) -> str:
    """The intro, the diagram, the given values, the steps and the conclusion: a document's text
    without its preamble, for pasting into notes."""
    parts = []
    if derivation.intro:
        parts.append(escape_text(derivation.intro))
    if diagram and derivation.diagram is not None:
        parts += ["\\begin{center}", network_tikz(derivation.diagram), "\\end{center}"]
    if derivation.given:
        parts.append("\\medskip\\noindent Given " + _given_latex(derivation) + ".")
    parts.append(derivation_latex(derivation, marks=marks))
    if derivation.conclusion:
        parts.append(escape_text(derivation.conclusion))
    return "\n".join(parts)


def derivation_document(derivation, report: str, marks: list[str], ok: bool) -> str:
    """A standalone article (amsmath only) with the derivation, each step marked with how symnn checked it,
    and one line that sums the checks up (``report``)."""
    parts = [
        "\\documentclass{article}",
        "\\usepackage[T1]{fontenc}",
        "\\usepackage{amsmath,amssymb}",
        "\\usepackage[a4paper,margin=2cm]{geometry}",
        *(["\\usepackage{tikz}"] if derivation.diagram is not None else []),
        "\\allowdisplaybreaks",  # a long derivation continues on the next page instead of running off this one
        "\\begin{document}",
        f"\\section*{{{escape_text(derivation.title)}}}",
        derivation_body(derivation, marks),
    ]
    verdict = "" if ok else " SOME STEPS DO NOT HOLD."
    parts += [
        f"\\par\\medskip\\noindent\\small\\textbf{{Checked by symnn.}} {escape_text(report)}.{verdict} "
        "A $\\checkmark$ marks a step proved symbolically; a step checked only at sample points says so beside it.",
        "\\end{document}",
        "",
    ]
    return "\n".join(parts)


def _given_latex(derivation) -> str:
    printer = SymnnLatexPrinter()
    return ", ".join(f"${printer.doprint(k)} = {printer.doprint(v)}$" for k, v in derivation.given.items())


def derivation_markdown(derivation) -> str:
    """Markdown with one ``$$ … $$`` block per step and its reason."""
    parts = [f"## {derivation.title}", ""]
    if derivation.intro:
        parts += [derivation.intro, ""]
    if derivation.given:
        parts += ["Given " + _given_latex(derivation) + ".", ""]
    for step in derivation.steps:
        relation = _LATEX_RELATION[step.relation]
        printer = _printer(step)
        parts += [f"$$ {printer.doprint(step.lhs)} {relation} {printer.doprint(step.rhs)} $$", ""]
        parts += [f"*{step.reason}*", ""] if step.reason else []
    if derivation.conclusion:
        parts += [derivation.conclusion, ""]
    return "\n".join(parts)
