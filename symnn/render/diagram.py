"""One layout of a network diagram — units in columns, bias nodes, edges with their weight labels — and its SVG.

``layout(network)`` places everything once, in centimetres with y upwards; the
TikZ picture (``symnn.render.tikz``), the SVG here and the matplotlib figure
(``symnn.app.plots``) only draw what it placed, so the three pictures agree.
Unit i of layer j is a_i^{[j]} (the inputs x_k = a_k^{[0]}); the edge from unit k
of layer j−1 to unit i of layer j carries w_{ki}^{[j]}; when the network has
biases, a node "1" under column j−1 feeds every unit i of layer j through b_i^{[j]},
so z_i^{[j]} = Σ_k w_{ki}^{[j]} a_k^{[j−1]} + b_i^{[j]} · 1 can be read off the picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Sequence

from symnn.core import notation
from symnn.core.network import Network
from symnn.core.printing import SymnnLatexPrinter, pretty_printer
from symnn.errors import InvalidArgumentError

MAX_UNITS = 8  # more units a layer than this and a diagram stops being readable
RADIUS = 0.5  # cm: a unit's circle (TikZ: minimum size = 10 mm)
BIAS_RADIUS = 0.32  # cm: the smaller circle of a bias node "1"
ROW = 1.35  # cm between the centres of two units of a column
NAMED_ROW = 1.75  # cm, when units carry names (written under hidden units)
COLUMN = 5.0  # cm between columns, as long as the picture fits ...
MAX_WIDTH = 15.0  # cm: ... this width (a page with 2 cm margins is 17 cm wide)
MIN_COLUMN = 2.8  # cm: never closer than this
CAPTION_GAP = 0.3  # cm between the top circle and the column captions
LABEL_HEIGHT = 0.46  # cm: a label w_{ki}^{[j]} in \footnotesize with 1 pt padding
LABEL_MARGIN = 0.06  # cm kept free between two labels
# Label positions tried along an edge, as fractions of the segment between the two circles
CANDIDATES = tuple(round(0.08 + 0.02 * step, 2) for step in range(43))  # 0.08 .. 0.92
HIT = 10  # the cost of a label box that another edge runs through
CLEARANCE = 0.25  # cm a label would like between its box and any other edge
PREFERRED = 0.72  # all else equal, a label sits towards its target end (where the lecture writes it)

# --- the layout: plain data ---------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """A circle: an input x_k, a unit a_i^{[j]}, or a bias node 1; ``name`` is the user's name, written beside it."""

    key: str  # "n{j}-{i}" for unit i of layer j, "b{j}" for the bias node feeding layer j
    kind: str  # "input", "unit" or "bias"
    x: float
    y: float
    radius: float
    latex: str  # inside the circle, LaTeX math
    text: str  # the same in Unicode
    name: str | None = None
    name_side: str = "below"  # "left" (inputs), "right" (outputs) or "below" (hidden units)


@dataclass(frozen=True)
class Edge:
    """An arrow between two circles, ``start`` and ``end`` on their borders, labelled at ``label``.

    ``pos`` is where the label sits as a fraction of start → end (TikZ's ``pos``), so
    ``label`` lies on the segment by construction; ``pos`` is None for an unlabelled edge.
    """

    source: str
    target: str
    start: tuple[float, float]
    end: tuple[float, float]
    latex: str  # w_{ki}^{[j]} or b_i^{[j]}
    text: str
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


# --- sizes of printed labels ------------------------------------------------------------

def _symbol_parts(symbol) -> tuple[str, str, str]:
    """(letter, subscript, superscript) as printed, e.g. ("w", "21", "[1]") for w_{21}^{[1]}."""
    info = symbol.info
    indices = [str(index) for index in info.indices]
    separator = "" if all(len(index) == 1 for index in indices) else ","
    layer = "" if info.layer is None else f"[{info.layer}]"
    return symbol.name[0], separator.join(indices), layer


def label_size(symbol) -> tuple[float, float]:
    """The white box a label needs, in cm: the larger of the LaTeX form (scripts stacked, \\footnotesize)
    and the Unicode form of the SVG (w₂₁⁽¹⁾, scripts one after the other)."""
    letter, sub, sup = _symbol_parts(symbol)
    tex = 0.22 * len(letter) + 0.12 * max(len(sub), len(sup)) + 0.08
    unicode = (0.62 * len(letter) + 0.5 * (len(sub) + len(sup))) * SVG_LABEL_PX / SVG_SCALE + 0.08
    return round(max(tex, unicode), 3), LABEL_HEIGHT


def text_width(text: str, size_cm: float) -> float:
    """A rough width of plain text in a sans-serif or roman font of height ``size_cm``."""
    return 0.55 * size_cm * len(text)


# --- geometry --------------------------------------------------------------------------

def _border_points(a: Node, b: Node) -> tuple[tuple[float, float], tuple[float, float]]:
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy)
    ux, uy = dx / length, dy / length
    return ((a.x + a.radius * ux, a.y + a.radius * uy), (b.x - b.radius * ux, b.y - b.radius * uy))


def point_on(edge_start, edge_end, t: float) -> tuple[float, float]:
    return (edge_start[0] + t * (edge_end[0] - edge_start[0]), edge_start[1] + t * (edge_end[1] - edge_start[1]))


def segment_hits_box(p, q, box) -> bool:
    """Whether the segment p–q meets the axis-parallel box (x0, y0, x1, y1) (Liang–Barsky clipping)."""
    x0, y0, x1, y1 = box
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for d, low, high, start in ((dx, x0, x1, p[0]), (dy, y0, y1, p[1])):
        if d == 0:
            if not low <= start <= high:
                return False
            continue
        a, b = (low - start) / d, (high - start) / d
        a, b = min(a, b), max(a, b)
        t0, t1 = max(t0, a), min(t1, b)
        if t0 > t1:
            return False
    return True


def _point_segment_distance(point, p, q) -> float:
    dx, dy = q[0] - p[0], q[1] - p[1]
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((point[0] - p[0]) * dx + (point[1] - p[1]) * dy) / length2))
    return math.hypot(point[0] - p[0] - t * dx, point[1] - p[1] - t * dy)


def segment_box_distance(p, q, box) -> float:
    """The distance between the segment p–q and the box (x0, y0, x1, y1); 0 when they meet."""
    if segment_hits_box(p, q, box):
        return 0.0
    x0, y0, x1, y1 = box
    corners = ((x0, y0), (x0, y1), (x1, y0), (x1, y1))
    inside = [(min(max(end[0], x0), x1), min(max(end[1], y0), y1)) for end in (p, q)]
    return min([_point_segment_distance(corner, p, q) for corner in corners]
               + [math.hypot(end[0] - near[0], end[1] - near[1]) for end, near in zip((p, q), inside)])


def _box(center, size, margin: float = 0.0):
    (x, y), (w, h) = center, size
    return (x - w / 2 - margin, y - h / 2 - margin, x + w / 2 + margin, y + h / 2 + margin)


def _boxes_overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _box_hits_circle(box, node: Node) -> bool:
    nearest_x = min(max(node.x, box[0]), box[2])
    nearest_y = min(max(node.y, box[1]), box[3])
    return math.hypot(node.x - nearest_x, node.y - nearest_y) < node.radius + 0.03


# --- the layout -----------------------------------------------------------------------------

def _caption(network: Network, j: int) -> str:
    if j == 0:
        return "input"
    return f"layer {j}: {network.layer(j).activation.name.replace('_', ' ')}"


def _shape(network: Network) -> str:
    return "-".join(str(size) for size in network.sizes)


def layout(network: Network) -> Diagram:
    """Place the units, bias nodes, edges and edge labels of a small network (at most 8 units a layer).

    Every weight w_{ki}^{[j]} and bias b_i^{[j]} is labelled on its own edge, at the place
    along it whose label box meets the fewest other edges (never another label or a
    circle), preferring the target end; so labels keep away from crossing points and
    are staggered where edges converge.
    """
    if not isinstance(network, Network):
        raise InvalidArgumentError(f"a diagram is drawn of a Network, not {type(network).__name__}")
    if max(network.sizes) > MAX_UNITS:
        raise InvalidArgumentError(f"the diagram draws at most {MAX_UNITS} units per layer; "
                                   f"{network!r} has a layer of {max(network.sizes)}")
    printer, pretty = SymnnLatexPrinter(), pretty_printer()
    named = bool(network.input_names) or any(layer.unit_names for layer in network.layers)
    row = NAMED_ROW if named else ROW
    column = max(MIN_COLUMN, min(COLUMN, MAX_WIDTH / max(1, network.depth)))
    tallest = max(network.sizes)
    top = (tallest - 1) / 2 * row
    last = network.depth

    nodes: list[Node] = []
    for j, size in enumerate(network.sizes):
        names = network.input_names if j == 0 else network.layer(j).unit_names
        side = "left" if j == 0 else "right" if j == last else "below"
        for i in range(1, size + 1):
            symbol = notation.x(i) if j == 0 else notation.a(i, j)
            nodes.append(Node(f"n{j}-{i}", "input" if j == 0 else "unit", round(j * column, 3),
                              round(((size + 1) / 2 - i) * row, 3), RADIUS, printer.doprint(symbol),
                              pretty.doprint(symbol), names[i - 1] if names else None, side))
    if network.has_bias:
        bias_y = round(-(tallest + 1) / 2 * row - 0.15, 3)  # one row under the tallest column
        for j in range(1, last + 1):
            nodes.append(Node(f"b{j}", "bias", round((j - 1) * column, 3), bias_y, BIAS_RADIUS, "1", "1"))
    by_key = {node.key: node for node in nodes}

    groups: list[list[dict]] = []
    for layer in network.layers:
        j, group = layer.index, []
        for i in range(1, layer.n_out + 1):
            target = by_key[f"n{j}-{i}"]
            sources = [(by_key[f"n{j - 1}-{k}"], layer.weight(k, i)) for k in range(1, layer.n_in + 1)]
            if network.has_bias:
                sources.append((by_key[f"b{j}"], notation.b(i, j)))
            for source, symbol in sources:
                start, end = _border_points(source, target)
                group.append(dict(source=source.key, target=target.key, start=start, end=end,
                                  latex=printer.doprint(symbol), text=pretty.doprint(symbol),
                                  bias=source.kind == "bias", size=label_size(symbol)))
        groups.append(group)

    names = [name_box(node) for node in nodes if node.name]
    edges = []
    for group in groups:
        # label every edge of the layer when all labels fit clear of each other, else fewer
        choices = _label_choices(group)
        for number, labelled in enumerate(choices):
            positions, clear = _place_labels(group, nodes, labelled, stop_when_blocked=number < len(choices) - 1,
                                             obstacles=names)
            if clear:
                break
        for item, t in zip(group, positions):
            label = None if t is None else tuple(round(v, 3) for v in point_on(item["start"], item["end"], t))
            edges.append(Edge(item["source"], item["target"], tuple(round(v, 3) for v in item["start"]),
                              tuple(round(v, 3) for v in item["end"]), item["latex"], item["text"], item["bias"],
                              t, label, item["size"]))

    caption_y = round(top + RADIUS + CAPTION_GAP, 3)
    captions = tuple(Caption(round(j * column, 3), caption_y, _caption(network, j)) for j in range(last + 1))
    bias_text = ", biases bᵢ⁽ʲ⁾ from the nodes 1" if network.has_bias else ", no biases"
    title = f"Network {_shape(network)}: units aᵢ⁽ʲ⁾, weights wₖᵢ⁽ʲ⁾ from unit k to unit i{bias_text}"
    return Diagram(title, tuple(nodes), tuple(edges), captions, _bounds(nodes, edges, captions))


def _place_labels(group: list[dict], nodes: list[Node], labelled: list[bool], stop_when_blocked: bool = False,
                  obstacles: Sequence[tuple] = ()) -> tuple[list[float | None], bool]:
    """Greedy, in a fixed order: each label at the candidate position of least cost given those placed.

    Cost: overlapping a placed label or a circle is forbidden (1000 each); each other edge
    the box meets costs HIT, and a box closer than CLEARANCE to another edge costs the
    shortfall, so a label keeps away from crossing points and from its neighbours'
    arrowheads; the distance from PREFERRED breaks ties. Returns the positions (None
    where unlabelled) and whether every label found a place clear of the other labels,
    the circles and the other edges.
    """
    placed: list[tuple] = []
    positions: list[float | None] = [None] * len(group)
    clear = True
    # the steepest edges have the least room between their neighbours: they choose first
    order = sorted((n for n in range(len(group)) if labelled[n]),
                   key=lambda n: (-abs(group[n]["end"][1] - group[n]["start"][1]), n))
    for n in order:
        item = group[n]
        others = [other for m, other in enumerate(group) if m != n]
        best, best_cost, best_clear = None, math.inf, False
        for t in CANDIDATES:
            center = point_on(item["start"], item["end"], t)
            box = _box(center, item["size"])
            hard = sum(_boxes_overlap(_box(center, item["size"], LABEL_MARGIN), other) for other in placed)
            hard += sum(_box_hits_circle(box, node) for node in nodes)
            hard += sum(_boxes_overlap(box, other) for other in obstacles)  # the units' names
            gaps = [segment_box_distance(other["start"], other["end"], box) for other in others]
            hits = sum(gap == 0 for gap in gaps)
            cost = (1000 * hard + HIT * hits + 10 * sum(max(0.0, CLEARANCE - gap) for gap in gaps)
                    + abs(t - PREFERRED))
            if cost < best_cost:
                best, best_cost, best_clear = t, cost, hard == 0 and hits == 0
        clear = clear and best_clear
        if not clear and stop_when_blocked:
            return positions, False  # the caller will try fewer labels
        positions[n] = best
        placed.append(_box(point_on(item["start"], item["end"], best), item["size"]))
    return positions, clear


def _label_choices(group: list[dict]) -> list[list[bool]]:
    """Which edges of a layer to label, most first: all; those into unit 1 and the biases; those into unit 1."""
    into_first = [item["target"].endswith("-1") for item in group]
    return [[True] * len(group),
            [first or item["bias"] for first, item in zip(into_first, group)],
            into_first]


def name_box(node: Node) -> tuple[float, float, float, float]:
    """Where a unit's name is written: left of an input, right of an output, under a hidden unit."""
    width = text_width(node.name, NAME_SIZE)
    if node.name_side == "left":
        right = node.x - node.radius - NAME_GAP
        return (right - width, node.y - NAME_SIZE / 2, right, node.y + NAME_SIZE / 2)
    if node.name_side == "right":
        left = node.x + node.radius + NAME_GAP
        return (left, node.y - NAME_SIZE / 2, left + width, node.y + NAME_SIZE / 2)
    top = node.y - node.radius - NAME_GAP
    return (node.x - width / 2, top - NAME_SIZE, node.x + width / 2, top)


def _bounds(nodes, edges, captions) -> tuple[float, float, float, float]:
    xs, ys = [], []
    for node in nodes:
        xs += [node.x - node.radius, node.x + node.radius]
        ys += [node.y - node.radius, node.y + node.radius]
        if node.name:
            box = name_box(node)
            xs += [box[0], box[2]]
            ys += [box[1], box[3]]
    for caption in captions:
        width = text_width(caption.text, CAPTION_SIZE)
        xs += [caption.x - width / 2, caption.x + width / 2]
        ys.append(caption.y + CAPTION_SIZE)
    for edge in edges:
        if edge.label is not None:
            box = _box(edge.label, edge.label_size)
            xs += [box[0], box[2]]
            ys += [box[1], box[3]]
    pad = 0.1
    return (round(min(xs) - pad, 3), round(min(ys) - pad, 3), round(max(xs) + pad, 3), round(max(ys) + pad, 3))


NAME_SIZE = 0.3  # cm: the height of a unit's name (\scriptsize)
NAME_GAP = 0.06  # cm between a circle and its name
CAPTION_SIZE = 0.35  # cm: the height of a column caption (\small)

# --- SVG ----------------------------------------------------------------------------------

SVG_SCALE = 50.0  # px per cm
SVG_LABEL_PX = 13.0  # font size of the weight labels
SVG_UNIT_PX = 17.0  # font size inside the circles
SVG_CAPTION_PX = 15.0
SVG_NAME_PX = 12.0


def _px(value: float) -> str:
    return f"{value * SVG_SCALE:.1f}"


def _py(value: float) -> str:
    return f"{-value * SVG_SCALE:.1f}"  # SVG's y grows downwards


def network_svg(network: Network) -> str:
    """The diagram as one inline ``<svg>`` element (no script, no external file), Unicode labels such as w₂₁⁽¹⁾.

    Arrowheads are an SVG ``<marker>``; its id names the network's shape, so several
    diagrams can share one HTML page.
    """
    diagram = layout(network)
    x0, y0, x1, y1 = diagram.bounds
    width, height = (x1 - x0) * SVG_SCALE, (y1 - y0) * SVG_SCALE
    marker = f"symnn-arrow-{_shape(network)}{'' if network.has_bias else '-nb'}"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="symnn-network" role="img" '
           f'width="{width:.0f}" height="{height:.0f}" viewBox="{_px(x0)} {_py(y1)} {width:.1f} {height:.1f}" '
           f'font-family="DejaVu Sans, Arial, sans-serif">',
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
        out.append(f'<text x="{_px(x)}" y="{_py(y)}" font-size="{SVG_LABEL_PX:g}" text-anchor="middle" '
                   f'dominant-baseline="central" fill="black">{escape(edge.text)}</text>')
    for node in diagram.nodes:
        fill = {"input": "#f2f2f2", "unit": "#dbe9f6", "bias": "#fff6d5"}[node.kind]
        out.append(f'<circle cx="{_px(node.x)}" cy="{_py(node.y)}" r="{node.radius * SVG_SCALE:.1f}" '
                   f'fill="{fill}" stroke="black" stroke-width="1.2"/>')
        size = SVG_UNIT_PX if node.kind != "bias" else SVG_LABEL_PX + 1
        out.append(f'<text x="{_px(node.x)}" y="{_py(node.y)}" font-size="{size:g}" text-anchor="middle" '
                   f'dominant-baseline="central">{escape(node.text)}</text>')
        if node.name:
            out.append(_svg_name(node))
    for caption in diagram.captions:
        out.append(f'<text x="{_px(caption.x)}" y="{_py(caption.y)}" font-size="{SVG_CAPTION_PX:g}" '
                   f'text-anchor="middle">{escape(caption.text)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _svg_name(node: Node) -> str:
    x0, y0, x1, y1 = name_box(node)
    x, anchor = {"left": (x1, "end"), "right": (x0, "start"), "below": ((x0 + x1) / 2, "middle")}[node.name_side]
    return (f'<text x="{_px(x)}" y="{_py((y0 + y1) / 2)}" font-size="{SVG_NAME_PX:g}" text-anchor="{anchor}" '
            f'dominant-baseline="central" fill="#333">{escape(node.name)}</text>')
