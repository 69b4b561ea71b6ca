"""A network diagram in TikZ for the LaTeX derivations, drawn from the one layout of ``symnn.render.diagram``.

Units a_i^{[j]} in columns, arrows labelled w_{ki}^{[j]} (\\footnotesize, black on
white) and, when the network has biases, a node 1 feeding each unit through b_i^{[j]}.
"""

from __future__ import annotations

from symnn.core.network import Network
from symnn.render.diagram import MAX_UNITS, layout, name_box  # noqa: F401 — MAX_UNITS is part of this module's interface

_TEXT_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
                 "^": r"\textasciicircum{}", "_": r"\_", "~": r"\textasciitilde{}", "%": r"\%"}

STYLES = ("x=1cm, y=1cm, >=stealth,"
          " unit/.style={circle, draw, thick, minimum size=10mm, inner sep=0pt, fill=blue!8},"
          " input/.style={unit, fill=gray!10},"
          " bias/.style={circle, draw, minimum size=6.4mm, inner sep=0pt, fill=yellow!15, font=\\footnotesize},"
          " edge/.style={->, black!70},"
          " bias edge/.style={edge, densely dashed},"
          " weight/.style={fill=white, inner sep=1pt, font=\\footnotesize, text=black},"
          " caption/.style={font=\\small, anchor=base},"
          " unit name/.style={font=\\scriptsize, text=black!80, inner sep=1pt}")


def _text(text: str) -> str:
    return "".join(_TEXT_ESCAPES.get(ch, ch) for ch in text)


def _name_node(node) -> str:
    """The name inside the box the layout kept for it (so no weight label sits on it)."""
    x0, y0, x1, y1 = name_box(node)
    anchor, x = {"left": ("east", x1), "right": ("west", x0), "below": ("center", (x0 + x1) / 2)}[node.name_side]
    fill = ", fill=white" if node.name_side == "below" else ""
    return f"  \\node[unit name, anchor={anchor}{fill}] at ({x:.3f}, {(y0 + y1) / 2:.3f}) {{{_text(node.name)}}};"


def network_tikz(network: Network) -> str:
    """A ``tikzpicture`` of a small network (at most 8 units a layer), every edge labelled on itself."""
    diagram = layout(network)
    lines = [f"\\begin{{tikzpicture}}[{STYLES}]"]
    for caption in diagram.captions:
        lines.append(f"  \\node[caption] at ({caption.x:.3f}, {caption.y:.3f}) {{{_text(caption.text)}}};")
    for node in diagram.nodes:
        lines.append(f"  \\node[{node.kind}] ({node.key}) at ({node.x:.3f}, {node.y:.3f}) {{${node.latex}$}};")
        if node.name:
            lines.append(_name_node(node))
    # all arrows first, then all labels, so no arrow is drawn over another edge's label
    for edge in diagram.edges:
        lines.append(f"  \\draw[{'bias edge' if edge.bias else 'edge'}] ({edge.source}) -- ({edge.target});")
    for edge in diagram.edges:
        if edge.pos is not None:
            lines.append(f"  \\path ({edge.source}) -- node[weight, pos={edge.pos:g}] {{${edge.latex}$}} ({edge.target});")
    lines.append("\\end{tikzpicture}")
    return "\n".join(lines)
