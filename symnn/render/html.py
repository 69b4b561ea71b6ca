"""Derivations as standalone HTML pages: MathML for the math, inline CSS, nothing fetched from the internet.

A page has the title, the intro, the given values, every step as display
MathML with its relation, its reason and a mark saying how symnn checked it,
the conclusion, and the check report. A long side of an equation is printed
term by term, one ``<math display="block">`` per term in a wrapping row, so the
browser breaks lines between terms only, continuation lines aligned after the
relation, and the reason moves under the equation when the line has no room.
"""

from __future__ import annotations

import base64
from html import escape
from xml.dom import minidom

from symnn.render.derivation import APPROX, DEFINES, EQUALS, IFF, continues
from symnn.render.diagram import network_svg
from symnn.render.mathml import SymnnMathMLPrinter, math_element
from symnn.render.mathml_breaks import pieces
from symnn.render.texmath import tex_mathml

_RELATION = {EQUALS: "=", DEFINES: "=", IFF: "\u27fa", APPROX: "\u2248"}
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
.lhs, .rhs {{ display: flex; flex-wrap: wrap; align-items: baseline; min-width: 0; row-gap: 0.35em;
  overflow-x: auto; overflow-y: hidden; padding: 0.15em 0; }}
.lhs {{ justify-content: flex-end; }}
.group {{ display: inline-flex; flex-wrap: wrap; align-items: baseline; min-width: 0; row-gap: 0.35em; }}
.steps math[display="block"] {{ margin: 0; }}
.reason {{ margin-left: auto; padding-left: 2em; padding-right: 0.25em; color: #444; font-style: italic;
  font-size: 0.92em; }}  /* the padding keeps an italic last letter inside the scrolling box */
.mark {{ font-style: normal; margin-left: 0.6em; color: #2a7a2a; white-space: nowrap; }}
.mark.points, .mark.decimal {{ color: #9a6a00; }}
.mark.fails {{ color: #b00020; font-weight: bold; }}
.checks {{ border-top: 1px solid #ccc; margin-top: 2rem; font-size: 0.92em; }}
.checks ol {{ padding-left: 1.5em; }}
.figures figure {{ margin: 1rem 0 2rem; text-align: center; }}
.figures img {{ max-width: min(100%, 52rem); height: auto; }}
@media print {{ body {{ background: white; }} .mark {{ color: black; }} }}
""".strip()


def prose(text: str) -> str:
    """A sentence for HTML: text escaped, each ``$…$`` TeX segment shown as inline MathML (an unpaired $ is a dollar)."""
    pieces = text.split("$")
    if len(pieces) % 2 == 0:
        return escape(text)
    return "".join(math_element(tex_mathml(piece)) if number % 2 else escape(piece)
                   for number, piece in enumerate(pieces))


def plain(text: str) -> str:
    """A sentence as plain text (for ``<title>``): each ``$…$`` segment replaced by the characters its MathML shows."""
    pieces = text.split("$")
    if len(pieces) % 2 == 0:
        return text
    out = []
    for number, piece in enumerate(pieces):
        if number % 2:
            node = minidom.parseString(math_element(tex_mathml(piece)))
            out.append("".join(t.data for t in _text_nodes(node.documentElement)))
        else:
            out.append(piece)
    return "".join(out)


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
    marks = report.marks() if report is not None else [""] * len(derivation.steps)
    for step, check, mark_text in zip(derivation.steps, checks, marks):
        printer = _printer(step)
        relation = f"<mo>{_RELATION[step.relation]}</mo>"
        reason = prose(step.reason) + (_mark(check, mark_text) if check is not None else "")
        rhs = _blocks(pieces(step.rhs, printer))
        if step.same_line and rows:
            rows[-1]["rhs"] += math_element(relation, "block") + rhs
            rows[-1]["reasons"].append(reason)
        else:
            lhs = "" if continues(previous, step) else _blocks(pieces(step.lhs, printer))
            rows.append({"lhs": lhs, "relation": math_element(relation, "block"), "rhs": rhs, "reasons": [reason]})
        previous = step
    cells = []
    for row in rows:
        reason = "; ".join(part for part in row["reasons"] if part)
        cells.append(f'<div class="lhs">{row["lhs"]}</div>\n<div class="rel">{row["relation"]}</div>\n'
                     f'<div class="rhs">{row["rhs"]}<span class="reason">{reason}</span></div>')
    return '<div class="steps">\n' + "\n".join(cells) + "\n</div>"


def _given(derivation) -> str:
    printer = SymnnMathMLPrinter()
    items = [math_element(f"<mrow>{printer.doprint(k)}<mo>=</mo>{printer.doprint(v)}</mrow>")
             for k, v in derivation.given.items()]
    return "<p class=\"given\">Given " + ", ".join(items) + ".</p>"


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


def derivation_html(derivation, report) -> str:
    """The whole page of one derivation; ``report`` is its Verification. The network diagram is inline SVG."""
    parts = [f"<h1>{prose(derivation.title)}</h1>"]
    if derivation.intro:
        parts.append(f'<p class="intro">{prose(derivation.intro)}</p>')
    if derivation.diagram is not None:
        parts.append(f'<div class="diagram">{network_svg(derivation.diagram)}</div>')
    if derivation.given:
        parts.append(_given(derivation))
    parts.append(steps_html(derivation, report))
    if derivation.conclusion:
        parts.append(f'<p class="conclusion">{prose(derivation.conclusion)}</p>')
    parts.append(check_report(report))
    return page(derivation.title, "\n".join(parts))


def index_html(title: str, intro: str, links: list[tuple[str, str, str]],
               figures: list[tuple[str, bytes]] = ()) -> str:
    """A page linking to others: ``links`` are (href, title, note); ``figures`` (caption, PNG bytes) are embedded."""
    items = "\n".join(f'<li><a href="{escape(href)}">{prose(text)}</a>{" " + prose(note) if note else ""}</li>'
                      for href, text, note in links)
    parts = [f"<h1>{prose(title)}</h1>", f"<p>{prose(intro)}</p>",
             f"<section>\n<h2>Derivations</h2>\n<ul>\n{items}\n</ul>\n</section>"]
    if figures:
        parts.append('<section class="figures">\n<h2>Figures</h2>')
        for caption, png in figures:
            data = base64.b64encode(png).decode("ascii")
            parts.append(f'<figure><img src="data:image/png;base64,{data}" alt="{escape(caption)}">'
                         f"<figcaption>{escape(caption)}</figcaption></figure>")
        parts.append("</section>")
    return page(title, "\n".join(parts))
