"""A network diagram in TikZ for the LaTeX derivations, drawn from the one layout of ``symnn.render.diagram``.

Units a_i^{[j]} in columns, arrows labelled w_{ki}^{[j]} (\\footnotesize, black on
white) and, when the network has biases, a node 1 feeding each unit through b_i^{[j]};
a named hidden unit is a box with its symbol over its name. Every node has
``outer sep=0pt``, so TikZ ends each arrow exactly where the layout put its end.
"""

from __future__ import annotations

from symnn.core.network import Network
from symnn.render.diagram import MAX_UNITS, is_box, layout, name_lines, symbol_center  # noqa: F401 — MAX_UNITS is part of this module's interface

_TEXT_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
                 "^": r"\textasciicircum{}", "_": r"\_", "~": r"\textasciitilde{}", "%": r"\%"}

STYLES = ("x=1cm, y=1cm, >=stealth,"
          " unit/.style={circle, draw, thick, minimum size=10mm, inner sep=0pt, outer sep=0pt, fill=blue!8},"
          " named/.style={unit, rectangle, rounded corners=2pt},"
          " input/.style={unit, fill=gray!10},"
          " bias/.style={circle, draw, minimum size=6.4mm, inner sep=0pt, outer sep=0pt, fill=yellow!15,"
          " font=\\footnotesize},"
          " edge/.style={->, black!70},"
          " bias edge/.style={edge, densely dashed},"
          " weight/.style={fill=white, inner sep=1pt, font=\\footnotesize, text=black},"
          " caption/.style={font=\\small, anchor=base},"
          " unit name/.style={font=\\scriptsize, text=black!80, inner sep=1pt}")


def _text(text: str) -> str:
    return "".join(_TEXT_ESCAPES.get(ch, ch) for ch in text)


def _node(node) -> list[str]:
    """A circle with its symbol, or a named hidden unit's box with its symbol over its name; a name beside."""
    if is_box(node):
        x, y = symbol_center(node)
        lines = [f"  \\node[named, minimum width={node.width:.3f}cm, minimum height={node.height:.3f}cm] "
                 f"({node.key}) at ({node.x:.3f}, {node.y:.3f}) {{}};",
                 f"  \\node[inner sep=0pt] at ({x:.3f}, {y:.3f}) {{${node.latex}$}};"]
    else:
        lines = [f"  \\node[{node.kind}] ({node.key}) at ({node.x:.3f}, {node.y:.3f}) {{${node.latex}$}};"]
    for x, y, align, text in name_lines(node):
        anchor = {"right": "east", "left": "west", "center": "center"}[align]
        lines.append(f"  \\node[unit name, anchor={anchor}] at ({x:.3f}, {y:.3f}) {{{_text(text)}}};")
    return lines


def network_tikz(network: Network) -> str:
    """A ``tikzpicture`` of a small network (at most 8 units a layer), each label on its own edge, clear of others."""
    diagram = layout(network)
    lines = [f"\\begin{{tikzpicture}}[{STYLES}]"]
    for caption in diagram.captions:
        lines.append(f"  \\node[caption] at ({caption.x:.3f}, {caption.y:.3f}) {{{_text(caption.text)}}};")
    for node in diagram.nodes:
        lines += _node(node)
    # all arrows first, then all labels, so no arrow is drawn over another edge's label
    for edge in diagram.edges:
        lines.append(f"  \\draw[{'bias edge' if edge.bias else 'edge'}] ({edge.source}) -- ({edge.target});")
    for edge in diagram.edges:
        if edge.pos is not None:
            lines.append(f"  \\path ({edge.source}) -- node[weight, pos={edge.pos:g}] {{${edge.latex}$}} ({edge.target});")
    lines.append("\\end{tikzpicture}")
    return "\n".join(lines)
