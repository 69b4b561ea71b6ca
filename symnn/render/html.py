"""Derivations as standalone HTML pages: MathML for the math, inline CSS, nothing fetched from the internet.

A page has the title, the intro, the given values, every step as display
MathML with its relation, its reason and a mark saying how symnn checked it,
the conclusion, and the check report. A long side of an equation is printed
term by term, one ``<math display="block">`` per term in a wrapping row, so the
browser breaks lines between terms only, continuation lines aligned after the
relation, and the reason moves under the equation when the line has no room.
On a narrow screen (a phone) a long left side has a line of its own, and math in
a sentence breaks where TeX breaks inline math; what cannot break (a matrix, a
wide fraction) scrolls inside its own box, never the page.
"""

from __future__ import annotations

import base64
import re
from html import escape
from xml.dom import minidom

from symnn.core.printing import latex
from symnn.render.derivation import APPROX, DEFINES, EQUALS, IFF, UPDATE, continues
from symnn.render.diagram import network_svg
from symnn.render.layout import latex_width
from symnn.render.mathml import SymnnMathMLPrinter, math_element
from symnn.render.mathml_breaks import pieces
from symnn.render.texmath import tex_mathml, tex_mathml_pieces

_UNBROKEN = re.compile(r"(\d+(?:-\d+)+|(?<!\S)--?[A-Za-z][\w-]*)")  # sizes 3-4-1, 2-3-3-2; options --out
_RELATION = {EQUALS: "=", DEFINES: "=", IFF: "\u27fa", APPROX: "\u2248", UPDATE: "\u2190"}
NARROW = "40rem"
# At most NARROW wide, a left side estimated wider than this (in points of the LaTeX page; a page's math is
# about 1.8 px per point) has a line of its own, the relation and the right side below it.
LONG_LHS = 64.0
_MATH_FONTS = '"Latin Modern Math", "STIX Two Math", "DejaVu Math TeX Gyre", math'

STYLE = f"""
body {{ margin: 0; background: #fdfdfb; color: #1b1b1b;
  font: 17px/1.5 "Latin Modern Roman", "DejaVu Serif", Georgia, serif; }}
main {{ box-sizing: border-box; max-width: 62rem; margin: 0 auto; padding: 1.5rem 2rem 3rem; }}
h1 {{ font-size: 1.6rem; line-height: 1.25; margin: 0.5rem 0 1rem; }}
h2 {{ font-size: 1.15rem; margin: 2rem 0 0.5rem; }}
math {{ font-family: {_MATH_FONTS}; font-size: 1.05em; }}
p, li {{ overflow-wrap: break-word; }}
.diagram {{ text-align: center; margin: 1rem 0; overflow-x: auto; }}
.diagram svg {{ max-width: 100%; height: auto; }}
.steps {{ display: grid; grid-template-columns: fit-content(40%) max-content minmax(0, 1fr);
  align-items: baseline; column-gap: 0.4em; row-gap: 0.7em; margin: 1.5rem 0; }}
.lhs {{ grid-column: 1; }} .rel {{ grid-column: 2; }} .rhs {{ grid-column: 3; }}
.lhs, .rhs {{ display: flex; flex-wrap: wrap; align-items: baseline; min-width: 0; row-gap: 0.35em;
  overflow-x: auto; overflow-y: hidden; padding: 0.15em 0; }}
.lhs {{ justify-content: flex-end; }}
.group {{ display: inline-flex; flex-wrap: wrap; align-items: baseline; min-width: 0; row-gap: 0.35em; }}
.steps math[display="block"] {{ margin: 0; }}
.reason {{ margin-left: auto; padding-left: 2em; padding-right: 0.25em; color: #444; font-style: italic;
  font-size: 0.92em; }}  /* the padding keeps an italic last letter inside the scrolling box */
.mark {{ font-style: normal; margin-left: 0.6em; color: #2a7a2a; }}
.nowrap {{ white-space: nowrap; }}
code {{ font-family: "DejaVu Sans Mono", monospace; font-size: 0.85em; overflow-wrap: anywhere; }}
.mark.points, .mark.decimal {{ color: #9a6a00; }}
.mark.fails {{ color: #b00020; font-weight: bold; }}
.checks {{ border-top: 1px solid #ccc; margin-top: 2rem; font-size: 0.92em; }}
.checks ol {{ padding-left: 1.5em; }}
.figures figure {{ margin: 1rem 0 2rem; text-align: center; }}
.figures img {{ max-width: min(100%, 52rem); height: auto; }}
@media (max-width: {NARROW}) {{  /* a phone or a narrow window */
  main {{ padding: 1rem 1rem 2rem; }}
  .steps .lhs.long {{ grid-column: 1 / -1; justify-content: flex-start; }}  /* then = and the right side below */
  .reason {{ padding-left: 1em; }}
}}
@media print {{ body {{ background: white; }} .mark {{ color: black; }} }}
""".strip()


def prose(text: str) -> str:
    """A sentence for HTML: text escaped, each ``$…$`` TeX segment shown as inline MathML (an unpaired $ is a dollar),
    each ```…``` segment of text as code (as the LaTeX documents set it in typewriter type).

    A browser does not break a line inside one ``<math>``, so a formula is set as several, split where TeX
    breaks inline math (after a relation, a + or a − outside brackets). The words and punctuation
    touching a formula stay on its line, as in TeX: ``$x$.`` never starts a line with the full stop.
    """
    parts = text.split("$")
    if len(parts) % 2 == 0:
        return _words(text)
    out = [parts[0]]
    for number in range(1, len(parts), 2):
        pieces = [math_element(piece) for piece in tex_mathml_pieces(parts[number])]
        before, out[-1] = _touching(out[-1], end=True)
        after, rest = _touching(parts[number + 1], end=False)
        before, after = _words(before), _words(after)
        if len(pieces) == 1:
            out.append(_together(before, pieces[0], after))
        else:
            out.append(_together(before, pieces[0], "") + "".join(pieces[1:-1]) + _together("", pieces[-1], after))
        out.append(rest)
    return "".join(_words(part) if number % 2 == 0 else part for number, part in enumerate(out))


def _words(text: str) -> str:
    """Text escaped for HTML, its ```…``` segments as ``<code>`` (an unpaired backtick is a backtick)."""
    parts = text.split("`")
    if len(parts) % 2 == 0:
        return _unbroken(text)
    return "".join(f"<code>{escape(part)}</code>" if number % 2 else _unbroken(part) for number, part in enumerate(parts))


def _unbroken(text: str) -> str:
    """Text escaped, a network's sizes (``3-4-1``) and a command's options (``--out``) kept on one line: a browser
    would break after each hyphen."""
    return "".join(f'<span class="nowrap">{escape(part)}</span>' if number % 2 else escape(part)
                   for number, part in enumerate(_UNBROKEN.split(text)))


def _touching(text: str, end: bool) -> tuple[str, str]:
    """(what of ``text`` touches a formula, the rest): the characters up to its first or from its last space;
    nothing when they hold a backtick (code is not cut in two)."""
    if end:
        cut = max(text.rfind(" "), text.rfind("\n")) + 1
        touching, rest = text[cut:], text[:cut]
    else:
        spaces = [i for i in (text.find(" "), text.find("\n")) if i >= 0]
        cut = min(spaces) if spaces else len(text)
        touching, rest = text[:cut], text[cut:]
    if "`" in touching:
        return "", text
    return touching, rest


def _together(before: str, math: str, after: str) -> str:
    """A formula and the text touching it, kept on one line."""
    return f'<span class="nowrap">{before}{math}{after}</span>' if before or after else math


def plain(text: str) -> str:
    """A sentence as plain text (for ``<title>``): each ``$…$`` segment replaced by the characters its MathML shows,
    the backticks round code left out."""
    pieces = text.split("$")
    if len(pieces) % 2 == 0:
        return _unquoted(text)
    out = []
    for number, piece in enumerate(pieces):
        if number % 2:
            node = minidom.parseString(math_element(tex_mathml(piece)))
            out.append("".join(t.data for t in _text_nodes(node.documentElement)))
        else:
            out.append(_unquoted(piece))
    return "".join(out)


def _unquoted(text: str) -> str:
    return text.replace("`", "") if text.count("`") % 2 == 0 else text


def _text_nodes(node):
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            yield child
        else:
            yield from _text_nodes(child)


def _blocks(pieces: list) -> str:
    """One display <math> per piece; a nested list is a group that wraps inside only when it must."""
    return "".join(math_element(piece, "block") if isinstance(piece, str)
                   else f'<span class="group">{_blocks(piece)}</span>' for piece in pieces)


def _mark(check, text: str) -> str:
    """The mark beside a step (Verification.marks: ✓ for a proof, words for a sampled step, nothing for a definition)."""
    if not text:
        return ""
    kind = "fails" if not check.holds else check.check.kind
    return f'<span class="mark {kind}" title="{escape(plain(check.check.method))}">{prose(text)}</span>'


def _printer(step) -> SymnnMathMLPrinter:
    """The printer a step asks for: sums in the order built (``order``), products with · (``mul_symbol``)."""
    settings = {"order": step.order} if step.order else {}
    if step.mul_symbol:
        settings["mul_symbol"] = step.mul_symbol
    return SymnnMathMLPrinter(settings)


def steps_html(derivation, report=None) -> str:
    """The steps as a grid of lhs, relation and right side; the reason (and the check mark) ends each right side.

    A step that continues the previous one leaves its lhs blank (a = X, then = Y); a ``same_line`` step
    goes on the previous line (a = X = Y), its reason joined to that line's.
    """
    rows, previous = [], None
    checks = list(report.steps) if report is not None else [None] * len(derivation.steps)
    marks = derivation.marks_for(report) if report is not None else [""] * len(derivation.steps)
    for step, check, mark_text in zip(derivation.steps, checks, marks):
        printer = _printer(step)
        relation = f"<mo>{_RELATION[step.relation]}</mo>"
        reason = prose(step.reason) + (_mark(check, mark_text) if check is not None else "")
        rhs = _blocks(pieces(step.rhs, printer))
        if step.same_line and rows:
            rows[-1]["rhs"] += math_element(relation, "block") + rhs
            rows[-1]["reasons"].append(reason)
        else:
            shown = not continues(previous, step)
            rows.append({"lhs": _blocks(pieces(step.lhs, printer)) if shown else "",
                         "long": shown and latex_width(latex(step.lhs)) > LONG_LHS,
                         "relation": math_element(relation, "block"), "rhs": rhs, "reasons": [reason]})
        previous = step
    cells = []
    for row in rows:
        reason = "; ".join(part for part in row["reasons"] if part)
        kind = "lhs long" if row["long"] else "lhs"
        cells.append(f'<div class="{kind}">{row["lhs"]}</div>\n<div class="rel">{row["relation"]}</div>\n'
                     f'<div class="rhs">{row["rhs"]}<span class="reason">{reason}</span></div>')
    return '<div class="steps">\n' + "\n".join(cells) + "\n</div>"


def given_html(derivation) -> str:
    """The "Given w₁₁ = …, …" paragraph of a derivation's given values."""
    printer = SymnnMathMLPrinter()
    items = [math_element(f"<mrow>{printer.doprint(k)}<mo>=</mo>{printer.doprint(v)}</mrow>")
             for k, v in derivation.given.items()]
    # each comma (and the closing full stop) on the line of the value before it
    items = [_together("", item, "," if number < len(items) - 1 else ".") for number, item in enumerate(items)]
    return "<p class=\"given\">Given " + " ".join(items) + "</p>"


def check_report(report) -> str:
    """One line for the whole derivation (Verification.report), then each step's method."""
    verdict = "" if report.ok else " SOME STEPS DO NOT HOLD."
    items = "\n".join(
        f"<li>{'holds' if s.holds else 'DOES NOT HOLD'} \u2014 {prose(s.check.method)}"
        + (f" ({escape(s.check.detail)})" if s.check.detail and not s.holds else "") + "</li>"
        for s in report.steps)
    return (f'<section class="checks">\n<p><strong>Checked by symnn.</strong> {prose(report.report())}.{verdict} '
            "A \u2713 marks a step proved symbolically; a step checked only at sample points says so beside it.</p>\n"
            f"<details><summary>How each step was checked</summary>\n<ol>\n{items}\n</ol>\n</details>\n</section>")


def page(title: str, body: str) -> str:
    """A standalone HTML5 page with the inline style sheet."""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{escape(plain(title))}</title>\n<style>\n{STYLE}\n</style>\n</head>\n"
            f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n")


def derivation_html(derivation, report, note: str = "") -> str:
    """The whole page of one derivation; ``report`` is its Verification. The network diagram is inline SVG.

    ``note``, plain text, is a paragraph under the title (``symnn collapse`` says there why a network does not
    collapse).
    """
    parts = [f"<h1>{prose(derivation.title)}</h1>"]
    if note:
        parts.append(f'<p class="note">{escape(note)}</p>')
    if derivation.intro:
        parts.append(f'<p class="intro">{prose(derivation.intro)}</p>')
    if derivation.diagram is not None:
        parts.append(f'<div class="diagram">{network_svg(derivation.diagram)}</div>')
    parts.append(derivation_body_html(derivation, report))
    return page(derivation.title, "\n".join(parts))


def derivation_body_html(derivation, report) -> str:
    """What follows a derivation's intro on its page: the given values, the steps with their marks, the
    conclusion and the check report (the explorer shows this inside a panel)."""
    parts = [given_html(derivation)] if derivation.given else []
    parts.append(steps_html(derivation, report))
    if derivation.conclusion:
        parts.append(f'<p class="conclusion">{prose(derivation.conclusion)}</p>')
    parts.append(check_report(report))
    return "\n".join(parts)


def index_html(title: str, intro: str, links: list[tuple[str, str, str]],
               figures: list[tuple[str, bytes]] = ()) -> str:
    """A page linking to others: ``links`` are (href, title, note); ``figures`` (caption, PNG bytes) are embedded.

    The page has one heading; the list and the figures get headings of their own only when both are there.
    """
    items = "\n".join(f'<li><a href="{escape(href)}">{prose(text)}</a>{" " + prose(note) if note else ""}</li>'
                      for href, text, note in links)
    heading = "<h2>Derivations</h2>\n" if figures else ""
    parts = [f"<h1>{prose(title)}</h1>", f"<p>{prose(intro)}</p>", f"<section>\n{heading}<ul>\n{items}\n</ul>\n</section>"]
    if figures:
        parts.append('<section class="figures">\n<h2>Figures</h2>')
        for caption, png in figures:
            data = base64.b64encode(png).decode("ascii")
            parts.append(f'<figure><img src="data:image/png;base64,{data}" alt="{escape(caption)}">'
                         f"<figcaption>{escape(caption)}</figcaption></figure>")
        parts.append("</section>")
    return page(title, "\n".join(parts))
