"""One layout of a network diagram — units in columns, bias nodes, edges with their weight labels — and its SVG.

``layout(network)`` places everything once, in centimetres with y upwards; the
TikZ picture (``symnn.render.tikz``), the SVG here and the matplotlib figure
(``symnn.app.plots``) only draw what it placed, so the three pictures agree.
Unit i of layer j is a_i^{[j]} (the inputs x_k = a_k^{[0]}); the edge from unit k
of layer j−1 to unit i of layer j carries w_{ki}^{[j]}; when the network has
biases, a node "1" under column j−1 feeds every unit i of layer j through b_i^{[j]},
so z_i^{[j]} = Σ_k w_{ki}^{[j]} a_k^{[j−1]} + b_i^{[j]} · 1 can be read off the picture.
A named input has its name on its left and a named output on its right, where no
edge runs; a named hidden unit is a box holding its symbol over its name, so every
arrow ends on the border of what it points to and none runs under a name.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from symnn.core import notation
from symnn.core.network import Network
from symnn.core.printing import SymnnLatexPrinter
from symnn.errors import InvalidArgumentError
from symnn.render import labels
from symnn.render.geometry import (Box, box_around, box_box_distance, point_box_distance, point_on,
                                   point_segment_distance, ray_exit_box, ray_exit_circle, segment_box_distance)
from symnn.render.metrics import (NAME_SIZE, SCRIPT_GAP_EM, Parts, label_size, letter_width, math_width, symbol_parts,
                                  text_width, wrap)

MAX_UNITS = 8  # more units a layer than this and a diagram stops being readable
RADIUS = 0.5  # cm: a unit's circle (TikZ: minimum size = 10 mm)
BIAS_RADIUS = 0.32  # cm: the smaller circle of a bias node "1"
# cm between the centres of two units of a column (more when named boxes are taller): enough that
# most labels of a crowded layer find a place no other edge comes near (3-4-1: w_{11}, w_{21}, w_{12}) ...
ROW = 1.7
TALL_ROW, TALL = 1.45, 5  # ... a little less in a column of more than 5 units, so 8 units stay under 14 cm
ROW_GAP = 0.4  # cm kept free between two named boxes of a column
ARROW_CLEARANCE = 0.1  # cm an arrow keeps from every node it does not join; while one comes closer ...
SPREAD, SPREAD_STEPS = 0.1, 10  # ... the rows move this much further apart, up to 1 cm
COLUMN = 5.0  # cm between columns, as long as the picture fits ...
MAX_WIDTH = 15.0  # cm: ... this width (a page with 2 cm margins is 17 cm wide)
MIN_COLUMN = 2.8  # cm: never closer than this
BIAS_GAP = 0.7  # cm between the lowest unit and the bias nodes
CAPTION_GAP = 0.3  # cm between the top unit and the column captions
CAPTION_SIZE = 0.35  # cm: the height of a column caption (\small, 9 pt) ...
CAPTION_EM = 0.3  # cm: ... whose letters are narrower than the 7 pt names' (text_width's ems)
NAME_GAP = 0.08  # cm between a circle and the name beside it
NAME_LINE = 0.3  # cm from one line of a name to the next
BOX_PAD = 0.12  # cm around a box's contents
SYMBOL_HEIGHT = 0.55  # cm a unit's symbol takes at the top of its box


# --- the layout: plain data ---------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """A circle (an input x_k, a unit a_i^{[j]}, a bias node 1), or the box of a named hidden unit.

    ``parts`` is the symbol as (letter, subscript, superscript), e.g. ("a", "1", "[1]");
    ``width`` and ``height`` are those of a box, 0 for a circle of ``radius``.
    """

    key: str  # "n{j}-{i}" for unit i of layer j, "b{j}" for the bias node feeding layer j
    kind: str  # "input", "unit" or "bias"
    x: float
    y: float
    radius: float
    latex: str  # the symbol in LaTeX math
    parts: Parts
    name: str | None = None
    name_side: str | None = None  # "left" (inputs), "right" (outputs) or "inside" (hidden units)
    width: float = 0.0
    height: float = 0.0


@dataclass(frozen=True)
class Edge:
    """An arrow between two nodes, ``start`` and ``end`` on their borders, labelled at ``label``.

    ``pos`` is where the label sits as a fraction of start → end (TikZ's ``pos``), so
    ``label`` lies on the segment by construction; ``pos`` is None for an unlabelled edge.
    """

    source: str
    target: str
    start: tuple[float, float]
    end: tuple[float, float]
    latex: str  # w_{ki}^{[j]} or b_i^{[j]}
    parts: Parts
    bias: bool
    pos: float | None
    label: tuple[float, float] | None
    label_size: tuple[float, float]  # width, height in cm of the white box behind the label


@dataclass(frozen=True)
class Caption:
    """Plain text over a column: "input", "layer 1: sigmoid"."""

    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Diagram:
    """Everything a drawing needs, in cm with y upwards; ``bounds`` = (x_min, y_min, x_max, y_max)."""

    title: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    captions: tuple[Caption, ...]
    bounds: tuple[float, float, float, float]

    def node(self, key: str) -> Node:
        return next(node for node in self.nodes if node.key == key)


# --- shapes --------------------------------------------------------------------------------

def is_box(node: Node) -> bool:
    return node.width > 0


def node_box(node: Node) -> Box:
    """The box of a named hidden unit, or the square around a circle."""
    if is_box(node):
        return box_around((node.x, node.y), (node.width, node.height))
    return (node.x - node.radius, node.y - node.radius, node.x + node.radius, node.y + node.radius)


def node_distance(node: Node, box: Box) -> float:
    """How far a node's circle or box is from ``box`` (0 when they meet)."""
    if is_box(node):
        return box_box_distance(node_box(node), box)
    return max(0.0, point_box_distance((node.x, node.y), box) - node.radius)


def node_segment_distance(node: Node, p, q) -> float:
    """How far the segment p–q passes from a node's circle or box (0 when it meets it)."""
    if is_box(node):
        return segment_box_distance(p, q, node_box(node))
    return max(0.0, point_segment_distance((node.x, node.y), p, q) - node.radius)


def border_point(node: Node, toward: tuple[float, float]) -> tuple[float, float]:
    """Where the line from the node's centre towards ``toward`` crosses its border (where TikZ's ``--`` ends)."""
    if is_box(node):
        return ray_exit_box((node.x, node.y), toward, node.width / 2, node.height / 2)
    return ray_exit_circle((node.x, node.y), toward, node.radius)


def symbol_center(node: Node) -> tuple[float, float]:
    """Where the node's symbol is centred: the middle of a circle, the top of a named box."""
    if is_box(node):
        return node.x, node.y + node.height / 2 - BOX_PAD / 2 - SYMBOL_HEIGHT / 2
    return node.x, node.y


def name_lines(node: Node) -> list[tuple[float, float, str, str]]:
    """Each line of a node's name as (x, y, align, text): y its middle, x its right end ("right"),
    left end ("left") or middle ("center")."""
    if not node.name:
        return []
    if node.name_side == "left":
        return [(node.x - node.radius - NAME_GAP, node.y, "right", node.name)]
    if node.name_side == "right":
        return [(node.x + node.radius + NAME_GAP, node.y, "left", node.name)]
    first = node.y + node.height / 2 - BOX_PAD / 2 - SYMBOL_HEIGHT - NAME_LINE / 2
    return [(node.x, first - n * NAME_LINE, "center", line) for n, line in enumerate(wrap(node.name))]


def name_box(node: Node) -> Box:
    """Where a unit's name is written: left of an input, right of an output, inside a hidden unit's box."""
    boxes = []
    for x, y, align, text in name_lines(node):
        width = text_width(text, NAME_SIZE)
        left = {"right": x - width, "left": x, "center": x - width / 2}[align]
        boxes.append((left, y - NAME_SIZE / 2, left + width, y + NAME_SIZE / 2))
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _named_box_size(name: str) -> tuple[float, float]:
    lines = wrap(name)
    width = max(2 * RADIUS, max(text_width(line, NAME_SIZE) for line in lines) + 2 * BOX_PAD)
    return round(width, 3), round(SYMBOL_HEIGHT + len(lines) * NAME_LINE + BOX_PAD, 3)


# --- the layout -----------------------------------------------------------------------------

def _caption(network: Network, j: int) -> str:
    if j == 0:
        return "input"
    return f"layer {j}: {network.layer(j).activation.name.replace('_', ' ')}"


def _shape(network: Network) -> str:
    return "-".join(str(size) for size in network.sizes)


_LAYOUTS: dict[tuple, Diagram] = {}  # a derivation draws its network in TikZ and in SVG: lay it out once
_KEEP = 32


def _signature(network: Network) -> tuple:
    """Everything a layout depends on (a Diagram is frozen plain data, so it can be shared)."""
    return (tuple(network.sizes), network.has_bias, tuple(network.input_names or ()),
            tuple((tuple(layer.unit_names or ()), layer.activation.name) for layer in network.layers))


def layout(network: Network) -> Diagram:
    """Place the units, bias nodes, edges and edge labels of a small network (at most 8 units a layer).

    A weight w_{ki}^{[j]} or bias b_i^{[j]} is labelled on its own edge where no other
    edge comes near its label and no node, name or label is in the way
    (``symnn.render.labels``); an edge with no such place stays unlabelled, since a
    label on a crossing cannot be told from its neighbour's.
    """
    if not isinstance(network, Network):
        raise InvalidArgumentError(f"a diagram is drawn of a Network, not {type(network).__name__}")
    if max(network.sizes) > MAX_UNITS:
        raise InvalidArgumentError(f"the diagram draws at most {MAX_UNITS} units per layer; "
                                   f"{network!r} has a layer of {max(network.sizes)}")
    key = _signature(network)
    if key not in _LAYOUTS:
        if len(_LAYOUTS) >= _KEEP:
            _LAYOUTS.pop(next(iter(_LAYOUTS)))
        _LAYOUTS[key] = _layout(network)
    return _LAYOUTS[key]


def _nodes(network: Network, printer, spread: float) -> list[Node]:
    """The circles and boxes in their columns, rows ``spread`` cm further apart than the least."""
    last = network.depth
    sides, sizes = [], {}
    for j in range(last + 1):
        names = network.input_names if j == 0 else network.layer(j).unit_names
        sides.append((names, None if not names else "left" if j == 0 else "right" if j == last else "inside"))
        if sides[j][1] == "inside":  # the boxes of a named hidden column share the size its longest name needs
            sizes[j] = tuple(max(size) for size in zip(*map(_named_box_size, names)))
    row = spread + max([ROW if max(network.sizes) <= TALL else TALL_ROW] + [h + ROW_GAP for _, h in sizes.values()])
    column = max(MIN_COLUMN, min(COLUMN, MAX_WIDTH / max(1, last)))
    nodes = []
    for j, size in enumerate(network.sizes):
        names, side = sides[j]
        width, height = sizes.get(j, (0.0, 0.0))
        for i in range(1, size + 1):
            symbol = notation.x(i) if j == 0 else notation.a(i, j)
            nodes.append(Node(f"n{j}-{i}", "input" if j == 0 else "unit", round(j * column, 3),
                              round(((size + 1) / 2 - i) * row, 3), RADIUS, printer.doprint(symbol),
                              symbol_parts(symbol), names[i - 1] if names else None, side, width, height))
    if network.has_bias:
        bias_y = round(min(node_box(node)[1] for node in nodes) - BIAS_GAP - BIAS_RADIUS, 3)
        nodes += [Node(f"b{j}", "bias", round((j - 1) * column, 3), bias_y, BIAS_RADIUS, "1", ("1", "", ""))
                  for j in range(1, last + 1)]
    return nodes


def _layout(network: Network) -> Diagram:
    printer = SymnnLatexPrinter()
    for step in range(SPREAD_STEPS + 1):  # rows further apart while an arrow grazes a node it does not join
        nodes = _nodes(network, printer, step * SPREAD)
        by_key = {node.key: node for node in nodes}
        layers = _edges(network, by_key, printer)
        if all(_clear_of_nodes(item, nodes) for items in layers for item in items):
            break

    obstacles = labels.Obstacles(
        tuple(((node.x, node.y), node.radius) for node in nodes if not is_box(node)),
        tuple(node_box(node) for node in nodes if is_box(node))
        + tuple(name_box(node) for node in nodes if node.name and node.name_side != "inside"))
    wanted = [[labels.Wanted(item["start"], item["end"], item["size"], item["first"]) for item in items]
              for items in layers]
    edges = []
    for items, positions in zip(layers, labels.place(wanted, obstacles)):
        for item, t in zip(items, positions):
            label = None if t is None else _rounded(point_on(item["start"], item["end"], t))
            edges.append(Edge(item["source"], item["target"], _rounded(item["start"]), _rounded(item["end"]),
                              item["latex"], item["parts"], item["bias"], t, label, item["size"]))

    caption_y = round(max(node_box(node)[3] for node in nodes) + CAPTION_GAP, 3)
    captions = tuple(Caption(by_key[f"n{j}-1"].x, caption_y, _caption(network, j)) for j in range(network.depth + 1))
    bias_text = ", dashed arrows the biases from the nodes 1" if network.has_bias else "; no biases"
    title = (f"Network {_shape(network)}: circles are the units, arrows the weights from unit k of one layer "
             f"to unit i of the next{bias_text}")
    return Diagram(title, tuple(nodes), tuple(edges), captions, _bounds(nodes, edges, captions))


def _edges(network: Network, by_key: dict[str, Node], printer) -> list[list[dict]]:
    """Per layer, its edges (weights, then the bias, for each unit in turn), ending on the nodes' borders."""
    layers = []
    for layer in network.layers:
        j, items = layer.index, []
        for i in range(1, layer.n_out + 1):
            target = by_key[f"n{j}-{i}"]
            sources = [(by_key[f"n{j - 1}-{k}"], layer.weight(k, i)) for k in range(1, layer.n_in + 1)]
            if network.has_bias:
                sources.append((by_key[f"b{j}"], notation.b(i, j)))
            for source, symbol in sources:
                parts = symbol_parts(symbol)
                items.append(dict(source=source.key, target=target.key, parts=parts, latex=printer.doprint(symbol),
                                  start=border_point(source, (target.x, target.y)),
                                  end=border_point(target, (source.x, source.y)),
                                  bias=source.kind == "bias", size=label_size(parts), first=i == 1))
        layers.append(items)
    return layers


def _clear_of_nodes(item: dict, nodes) -> bool:
    """Whether an arrow keeps ARROW_CLEARANCE from every node but its own two."""
    return all(node_segment_distance(node, item["start"], item["end"]) >= ARROW_CLEARANCE
               for node in nodes if node.key not in (item["source"], item["target"]))


def _rounded(point) -> tuple[float, float]:
    return round(point[0], 3), round(point[1], 3)


def _bounds(nodes, edges, captions) -> tuple[float, float, float, float]:
    boxes = [node_box(node) for node in nodes] + [name_box(node) for node in nodes if node.name]
    boxes += [box_around(edge.label, edge.label_size) for edge in edges if edge.label is not None]
    for caption in captions:
        width = text_width(caption.text, CAPTION_EM)
        boxes.append((caption.x - width / 2, caption.y, caption.x + width / 2, caption.y + CAPTION_SIZE))
    pad = 0.1
    return (round(min(b[0] for b in boxes) - pad, 3), round(min(b[1] for b in boxes) - pad, 3),
            round(max(b[2] for b in boxes) + pad, 3), round(max(b[3] for b in boxes) + pad, 3))


# --- SVG ----------------------------------------------------------------------------------

SVG_SCALE = 50.0  # px per cm
SVG_LABEL_PX = 13.0  # font size of the weight labels (0.26 cm: a little under the layout's 8 pt)
SVG_UNIT_PX = 17.0  # font size inside the circles
SVG_CAPTION_PX = 15.0
SVG_NAME_PX = 12.0
SVG_FONTS = "Latin Modern Roman, CMU Serif, DejaVu Serif, Georgia, serif"  # the HTML page's own
SCRIPT_SCALE = 0.7  # a script's size in ems of its letter
SUB_DROP, SUP_RISE = 0.25, 0.42  # script baselines below and above the letter's, in ems


def _px(value: float) -> str:
    return f"{value * SVG_SCALE:.1f}"


def _py(value: float) -> str:
    return f"{-value * SVG_SCALE:.1f}"  # SVG's y grows downwards


def svg_math(parts: Parts, center: tuple[float, float], size_px: float, attributes: str = "") -> str:
    """letter_{sub}^{sup} as one SVG ``<text>`` centred on ``center``: an italic letter (a digit stays
    upright), the subscript and the superscript in upright type at 0.7 of its size, stacked at its right,
    as MathML and TeX set w_{21}^{[1]}."""
    letter, sub, sup = parts
    em = size_px / SVG_SCALE  # cm
    width = math_width(parts) * em
    top = SUP_RISE + SCRIPT_SCALE * 0.75 if sup else 0.45 if letter in "wax" else 0.7
    bottom = -SUB_DROP - 0.03 if sub else 0.0
    x = center[0] - width / 2 + letter_width(letter) * em
    baseline = center[1] - (top + bottom) / 2 * em
    style = "" if letter.isdigit() else ' font-style="italic"'
    out = [f'<text x="{_px(x)}" y="{_py(baseline)}" font-size="{size_px:g}" text-anchor="end"{style}{attributes}>'
           f"{escape(letter)}"]
    script_x = x + SCRIPT_GAP_EM * em
    for script, rise in ((sub, -SUB_DROP), (sup, SUP_RISE)):
        if script:
            out.append(f'<tspan x="{_px(script_x)}" y="{_py(baseline + rise * em)}" text-anchor="start" '
                       f'font-size="{size_px * SCRIPT_SCALE:.1f}" font-style="normal">{escape(script)}</tspan>')
    return "".join(out) + "</text>"


def network_svg(network: Network, interactive: bool = False) -> str:
    """The diagram as one inline ``<svg>`` element (no script, no external file), labels set as the
    math around it sets them (w_{21}^{[1]}: italic w, scripts stacked).

    ``interactive`` groups each input and unit as ``<g class="node" data-node="n{j}-{i}">`` (the explorer
    makes them clickable); the drawing is the same.

    Arrowheads are an SVG ``<marker>``; its id names the network's shape, so several
    diagrams can share one HTML page.
    """
    diagram = layout(network)
    x0, y0, x1, y1 = diagram.bounds
    width, height = (x1 - x0) * SVG_SCALE, (y1 - y0) * SVG_SCALE
    marker = f"symnn-arrow-{_shape(network)}{'' if network.has_bias else '-nb'}"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="symnn-network" role="img" '
           f'width="{width:.0f}" height="{height:.0f}" viewBox="{_px(x0)} {_py(y1)} {width:.1f} {height:.1f}" '
           f'font-family="{SVG_FONTS}">',
           f"<title>{escape(diagram.title)}</title>",
           f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
           f'markerUnits="userSpaceOnUse" orient="auto"><path d="M0,1 L10,5 L0,9 z" fill="#333"/></marker></defs>']
    for edge in diagram.edges:
        dash = ' stroke-dasharray="4 3"' if edge.bias else ""
        out.append(f'<line x1="{_px(edge.start[0])}" y1="{_py(edge.start[1])}" x2="{_px(edge.end[0])}" '
                   f'y2="{_py(edge.end[1])}" stroke="#555" stroke-width="1"{dash} marker-end="url(#{marker})"/>')
    for edge in diagram.edges:
        if edge.label is None:
            continue
        (x, y), (w, h) = edge.label, edge.label_size
        out.append(f'<rect x="{_px(x - w / 2)}" y="{_py(y + h / 2)}" width="{w * SVG_SCALE:.1f}" '
                   f'height="{h * SVG_SCALE:.1f}" fill="white"/>')
        out.append(svg_math(edge.parts, edge.label, SVG_LABEL_PX, ' class="label"'))
    for node in diagram.nodes:
        fill = {"input": "#f2f2f2", "unit": "#dbe9f6", "bias": "#fff6d5"}[node.kind]
        grouped = interactive and node.kind != "bias"
        if grouped:
            out.append(f'<g class="node" data-node="{node.key}" tabindex="0" role="button">')
        if is_box(node):
            bx0, by0, bx1, by1 = node_box(node)
            out.append(f'<rect x="{_px(bx0)}" y="{_py(by1)}" width="{(bx1 - bx0) * SVG_SCALE:.1f}" '
                       f'height="{(by1 - by0) * SVG_SCALE:.1f}" rx="4" fill="{fill}" stroke="black" '
                       f'stroke-width="1.2"/>')
        else:
            out.append(f'<circle cx="{_px(node.x)}" cy="{_py(node.y)}" r="{node.radius * SVG_SCALE:.1f}" '
                       f'fill="{fill}" stroke="black" stroke-width="1.2"/>')
        size = SVG_UNIT_PX if node.kind != "bias" else SVG_LABEL_PX + 1
        out.append(svg_math(node.parts, symbol_center(node), size))
        for x, y, align, text in name_lines(node):
            anchor = {"right": "end", "left": "start", "center": "middle"}[align]
            out.append(f'<text x="{_px(x)}" y="{_py(y)}" font-size="{SVG_NAME_PX:g}" text-anchor="{anchor}" '
                       f'dominant-baseline="central" fill="#333">{escape(text)}</text>')
        if grouped:
            out.append("</g>")
    for caption in diagram.captions:
        out.append(f'<text x="{_px(caption.x)}" y="{_py(caption.y)}" font-size="{SVG_CAPTION_PX:g}" '
                   f'text-anchor="middle">{escape(caption.text)}</text>')
    out.append("</svg>")
    return "\n".join(out)
