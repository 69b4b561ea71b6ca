"""Rendering derivations: a LaTeX ``align*`` fragment, a standalone LaTeX document, Markdown (text: render/text.py).

A derivation here is plain data — a title, an intro, steps with ``lhs``, ``rhs``,
``relation`` and ``reason`` — so this module knows how to lay steps out, not how
they are checked (symnn.math.derivation does that and calls these functions).
A step whose left side is the previous step's right side continues the chain
(``&= …``), as derivations are written by hand.
"""

from __future__ import annotations

from symnn.core.printing import SymnnLatexPrinter
from symnn.render.tikz import network_tikz

# The relations a step can state: checked equality, definition, equivalence of conditions, decimal value.
EQUALS, DEFINES, IFF, APPROX = "=", ":=", "iff", "approx"
RELATIONS = (EQUALS, DEFINES, IFF, APPROX)

_LATEX_RELATION = {EQUALS: "=", DEFINES: "=", IFF: r"\iff", APPROX: r"\approx"}
_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
# Words in reasons written with Unicode math; TeX's text fonts lack them.
_TEXT_UNICODE = {"σ": r"$\sigma$", "Σ": r"$\Sigma$", "≥": r"$\geq$", "≤": r"$\leq$", "≠": r"$\neq$",
                 "⇔": r"$\iff$", "−": "-", "·": r"$\cdot$", "′": "'", "…": r"\ldots{}", "→": r"$\to$",
                 "ℝ": r"$\mathbb{R}$", "θ": r"$\theta$", "β": r"$\beta$", "ᵀ": r"$^T$", "²": r"$^2$"}


def escape_text(text: str) -> str:
    """Text for LaTeX: special characters escaped, the few Unicode math signs we use mapped to TeX.

    Segments between dollar signs are LaTeX math written by symnn's own catalog and pass through.
    """
    pieces = text.split("$")
    if len(pieces) % 2 == 0:  # an unpaired dollar is a literal dollar
        pieces = [text]
    out = []
    for number, piece in enumerate(pieces):
        if number % 2:
            out.append(f"${piece}$")
        else:
            out.append("".join(_LATEX_SPECIAL.get(ch) or _TEXT_UNICODE.get(ch) or ch for ch in piece))
    return "".join(out)


def _latex(expr, step) -> str:
    settings = {"order": step.order} if step.order else {}
    return SymnnLatexPrinter(settings).doprint(expr)


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


def derivation_latex(derivation, environment: str = "align*") -> str:
    """The steps as an ``align*`` environment (or ``aligned`` for inline display), each line followed by its reason."""
    lines, previous = [], None
    for step in derivation.steps:
        left = "" if continues(previous, step) else _latex(step.lhs, step)
        relation = _LATEX_RELATION[step.relation]
        lines.append(f"{left} &{relation} {_latex(step.rhs, step)} && \\text{{{escape_text(step.reason)}}}")
        previous = step
    return f"\\begin{{{environment}}}\n" + " \\\\\n".join(lines) + f"\n\\end{{{environment}}}"


def derivation_document(derivation, checks: list[str], ok: bool) -> str:
    """A standalone article (amsmath only) with the derivation and how symnn checked each step.

    ``checks`` are the per-step lines of the verification, ``ok`` whether every step holds.
    """
    check_items = "\n".join(f"  \\item {escape_text(line)}" for line in checks)
    parts = [
        "\\documentclass{article}",
        "\\usepackage[T1]{fontenc}",
        "\\usepackage{amsmath,amssymb}",
        "\\usepackage[margin=2cm]{geometry}",
        *(["\\usepackage{tikz}"] if derivation.diagram is not None else []),
        "\\begin{document}",
        f"\\section*{{{escape_text(derivation.title)}}}",
    ]
    if derivation.intro:
        parts.append(escape_text(derivation.intro))
    if derivation.diagram is not None:
        parts += ["\\begin{center}", network_tikz(derivation.diagram), "\\end{center}"]
    if derivation.given:
        parts.append("\\medskip\\noindent Given " + _given_latex(derivation) + ".")
    parts.append(derivation_latex(derivation))
    if derivation.conclusion:
        parts.append(escape_text(derivation.conclusion))
    verdict = "every step holds" if ok else "SOME STEPS DO NOT HOLD"
    parts += [
        f"\\paragraph{{Checked by symnn}} ({verdict})",
        "\\begin{itemize}",
        check_items,
        "\\end{itemize}",
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
        parts += [f"$$ {_latex(step.lhs, step)} {relation} {_latex(step.rhs, step)} $$", "", f"*{step.reason}*", ""]
    if derivation.conclusion:
        parts += [derivation.conclusion, ""]
    return "\n".join(parts)
