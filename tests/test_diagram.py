"""The one network layout and its TikZ and SVG drawings, checked geometrically.

Labels sit on their own edges where no other edge comes near, clear of nodes, names and
each other; arrows end on the border of the circle or box they point to and run under
nothing; bias nodes exactly when the network has biases; arrowheads; labels set as the
math around them (italic letter, stacked scripts, the layer in square brackets). The
geometry here is written independently of ``symnn.render.geometry`` (orientation tests,
not clipping), and the printed sizes are measured in pdflatex and Chromium.
"""

import math
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

import symnn
from symnn import Network
from symnn.render import labels
from symnn.render.diagram import Diagram, is_box, layout, name_box, name_lines, network_svg, node_box, symbol_center
from symnn.render.metrics import NAME_SIZE, text_width
from symnn.render.tikz import network_tikz
from tests.chromium import chromium

NAMED = dict(activation="sigmoid", input_names=["price", "shipping cost", "marketing", "material"],
             unit_names=[["affordability", "awareness", "perceived quality"], ["top-seller probability"]])
NETWORKS = [Network([3, 4, 1]), Network([3, 4, 1], activation="linear", bias=False), Network([2, 3, 3, 2]),
            Network([2, 2, 1]), Network([4, 4, 4, 2]), Network([3, 1], activation="sigmoid"),
            Network([5, 5, 5, 5, 1]), Network([8, 8, 1], bias=False), Network([4, 3, 1], **NAMED), Network([1, 1])]
IDS = [repr(network) for network in NETWORKS]
# the shapes the review named, each with and without biases
REVIEWED = [Network(shape, bias=bias) for shape in ([3, 4, 1], [2, 3, 3, 2], [2, 2, 1], [4, 4, 4, 2])
            for bias in (True, False)]
NAMED_NETWORKS = [
    Network([4, 3, 1], **NAMED),
    Network([3, 2, 1], input_names=["price", "cost", "ads"]),
    Network([2, 3, 2], unit_names={1: ["a very long name for a unit", "b", "mid"]}),
    Network([2, 3, 3, 2], unit_names={1: ["one", "two", "three"], 2: ["four", "five", "six"], 3: ["left", "right"]}),
    Network([3, 4, 1], input_names=["x", "y", "z"], unit_names={2: ["out"]}, bias=False),
]
CLEARANCE = 0.1  # cm ("a millimetre"): how close another edge may come to a label's box
NODE_GAP = 0.06  # cm between a label and any node, name or other label


# --- independent geometry -------------------------------------------------------------------------

def box(center, size):
    (x, y), (w, h) = center, size
    return (x - w / 2, y - h / 2, x + w / 2, y + h / 2)


def cross(o, a, b):
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def segments_meet(p, q, r, s):
    d1, d2, d3, d4 = cross(r, s, p), cross(r, s, q), cross(p, q, r), cross(p, q, s)
    if ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)):
        return True
    return any(abs(d) < 1e-12 and distance_to_segment(point, *segment) < 1e-9
               for d, point, segment in ((d1, p, (r, s)), (d2, q, (r, s)), (d3, r, (p, q)), (d4, s, (p, q))))


def inside(point, b):
    return b[0] <= point[0] <= b[2] and b[1] <= point[1] <= b[3]


def distance_to_segment(point, p, q):
    dx, dy = q[0] - p[0], q[1] - p[1]
    t = max(0.0, min(1.0, ((point[0] - p[0]) * dx + (point[1] - p[1]) * dy) / (dx * dx + dy * dy)))
    return math.hypot(point[0] - p[0] - t * dx, point[1] - p[1] - t * dy)


def distance_segment_box(p, q, b):
    corners = [(b[0], b[1]), (b[2], b[1]), (b[2], b[3]), (b[0], b[3])]
    if inside(p, b) or inside(q, b) or any(segments_meet(p, q, corners[n], corners[n - 1]) for n in range(4)):
        return 0.0
    nearest = [(min(max(e[0], b[0]), b[2]), min(max(e[1], b[1]), b[3])) for e in (p, q)]
    return min([distance_to_segment(c, p, q) for c in corners]
               + [math.hypot(e[0] - n[0], e[1] - n[1]) for e, n in zip((p, q), nearest)])


def distance_boxes(a, b):
    return math.hypot(max(0.0, a[0] - b[2], b[0] - a[2]), max(0.0, a[1] - b[3], b[1] - a[3]))


def distance_node_box(node, b):
    if is_box(node):
        return distance_boxes(node_box(node), b)
    nearest = (min(max(node.x, b[0]), b[2]), min(max(node.y, b[1]), b[3]))
    return max(0.0, math.hypot(node.x - nearest[0], node.y - nearest[1]) - node.radius)


def on_border(point, node, tolerance=2e-3):
    if is_box(node):
        x0, y0, x1, y1 = node_box(node)
        grown = (x0 - tolerance, y0 - tolerance, x1 + tolerance, y1 + tolerance)
        shrunk = (x0 + tolerance, y0 + tolerance, x1 - tolerance, y1 - tolerance)
        return inside(point, grown) and not inside(point, shrunk)
    return abs(math.hypot(point[0] - node.x, point[1] - node.y) - node.radius) < tolerance


def inside_node(point, node):
    if is_box(node):
        return inside(point, node_box(node))
    return math.hypot(point[0] - node.x, point[1] - node.y) < node.radius


def point_at(edge, t):
    return (edge.start[0] + t * (edge.end[0] - edge.start[0]), edge.start[1] + t * (edge.end[1] - edge.start[1]))


def outside_names(diagram):
    return [name_box(node) for node in diagram.nodes if node.name and node.name_side != "inside"]


def label_box(edge):
    return box(edge.label, edge.label_size)


# --- labels ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("network", NETWORKS + NAMED_NETWORKS, ids=repr)
def test_every_label_lies_on_its_own_edge(network):
    diagram = layout(network)
    labelled = [edge for edge in diagram.edges if edge.label is not None]
    assert labelled
    for edge in labelled:
        assert 0 < edge.pos < 1
        assert distance_to_segment(edge.label, edge.start, edge.end) < 2e-3, edge
        assert math.dist(edge.label, point_at(edge, edge.pos)) < 2e-3  # where TikZ's pos puts it


@pytest.mark.parametrize("network", REVIEWED + NETWORKS + NAMED_NETWORKS, ids=repr)
def test_no_other_edge_comes_near_a_label(network):
    # w_{21}^{[1]} of 3-4-1 once sat on a crossing: nobody could tell which edge it named
    diagram = layout(network)
    for edge in diagram.edges:
        if edge.label is None:
            continue
        for other in diagram.edges:
            if other is not edge:
                gap = distance_segment_box(other.start, other.end, label_box(edge))
                assert gap >= CLEARANCE - 1e-3, f"{other.latex} passes {gap:.3f} cm from the label {edge.latex}"


@pytest.mark.parametrize("network", REVIEWED + NETWORKS + NAMED_NETWORKS, ids=repr)
def test_labels_keep_clear_of_each_other_of_nodes_and_of_names(network):
    diagram = layout(network)
    boxes = [(edge.latex, label_box(edge)) for edge in diagram.edges if edge.label is not None]
    for n, (name, a) in enumerate(boxes):
        for other, b in boxes[n + 1:]:
            assert distance_boxes(a, b) >= NODE_GAP - 1e-3, (name, other)
        for node in diagram.nodes:
            assert distance_node_box(node, a) >= NODE_GAP - 1e-3, (name, node.key)
        for names in outside_names(diagram):
            assert distance_boxes(a, names) >= NODE_GAP - 1e-3, name


@pytest.mark.parametrize("network", REVIEWED + NETWORKS, ids=repr)
def test_an_unlabelled_edge_had_no_free_clear_place(network):
    # the labelling is maximal: every place an unlabelled edge could have used is near another edge,
    # a node or a name, or taken by another label
    diagram = layout(network)
    taken = [label_box(edge) for edge in diagram.edges if edge.label is not None]
    for edge in diagram.edges:
        if edge.label is not None:
            continue
        for t in labels.CANDIDATES:
            b = box(point_at(edge, t), edge.label_size)
            blocked = (any(distance_segment_box(o.start, o.end, b) < CLEARANCE for o in diagram.edges if o is not edge)
                       or any(distance_node_box(node, b) < NODE_GAP for node in diagram.nodes)
                       or any(distance_boxes(b, names) < NODE_GAP for names in outside_names(diagram))
                       or any(distance_boxes(b, other) < labels.LABEL_MARGIN for other in taken))
            assert blocked, f"{edge.latex} could have gone at pos={t}"


@pytest.mark.parametrize("network", [Network([2, 2, 1]), Network([2, 2], bias=False), Network([3, 1], activation="sigmoid"),
                                     Network([2, 3], bias=False), Network([4, 1]), Network([1, 3])], ids=repr)
def test_a_small_network_is_labelled_completely(network):
    assert all(edge.label is not None for edge in layout(network).edges)


def test_the_lectures_3_4_1_shows_its_output_sum_whole_and_unit_1_as_far_as_it_reads():
    # Output = a_1^{[2]} = Σ_j w_{j1}^{[2]} a_j^{[1]}: every term on the picture; of the crowded first
    # layer, the edges into unit 1 that have a clear place
    diagram = layout(Network([3, 4, 1], activation="linear", bias=False))
    shown = {edge.latex for edge in diagram.edges if edge.label is not None}
    assert {"w_{11}^{[2]}", "w_{21}^{[2]}", "w_{31}^{[2]}", "w_{41}^{[2]}"} <= shown
    assert {"w_{11}^{[1]}", "w_{21}^{[1]}"} <= shown
    with_biases = {edge.latex for edge in layout(Network([3, 4, 1])).edges if edge.label is not None}
    assert {"w_{11}^{[1]}", "w_{21}^{[1]}", "w_{11}^{[2]}", "w_{41}^{[2]}", "b_{1}^{[2]}"} <= with_biases


def test_every_layer_of_a_crowded_network_keeps_some_labels():
    for network in (Network([4, 4, 4, 2]), Network([8, 8, 1], bias=False), Network([5, 5, 5, 5, 1])):
        diagram = layout(network)
        for j in range(1, network.depth + 1):
            layer = [edge for edge in diagram.edges if edge.target.startswith(f"n{j}-")]
            assert any(edge.label is not None for edge in layer), (network, j)


# --- arrows, nodes and names ----------------------------------------------------------------------

@pytest.mark.parametrize("network", NETWORKS + NAMED_NETWORKS, ids=repr)
def test_arrows_end_on_the_border_of_what_they_join(network):
    diagram = layout(network)
    for edge in diagram.edges:
        source, target = diagram.node(edge.source), diagram.node(edge.target)
        assert on_border(edge.start, source) and on_border(edge.end, target), edge
        # on the line between the two centres, so TikZ's (a) -- (b) ends at the same points
        assert distance_to_segment(edge.start, (source.x, source.y), (target.x, target.y)) < 2e-3
        assert distance_to_segment(edge.end, (source.x, source.y), (target.x, target.y)) < 2e-3


@pytest.mark.parametrize("network", NETWORKS + NAMED_NETWORKS, ids=repr)
def test_no_arrow_runs_under_a_node_or_a_name(network):
    diagram = layout(network)
    names = outside_names(diagram)
    for edge in diagram.edges:
        for node in diagram.nodes:
            if node.key in (edge.source, edge.target):
                for step in range(1, 100):  # its own two nodes: only touched at the ends
                    assert not inside_node(point_at(edge, step / 100), node), (edge.latex, node.key)
            elif is_box(node):
                assert distance_segment_box(edge.start, edge.end, node_box(node)) > 0.05, (edge.latex, node.key)
            else:
                gap = distance_to_segment((node.x, node.y), edge.start, edge.end) - node.radius
                assert gap > 0.05, (edge.latex, node.key)
        for b in names:
            assert distance_segment_box(edge.start, edge.end, b) > 0.05, (edge.latex, b)


@pytest.mark.parametrize("network", NAMED_NETWORKS, ids=repr)
def test_a_named_hidden_unit_is_a_box_holding_its_symbol_over_its_name(network):
    diagram = layout(network)
    for node in diagram.nodes:
        if node.name is None:
            assert not is_box(node)
            continue
        if node.name_side == "inside":
            assert is_box(node)
            outer = node_box(node)
            assert inside(symbol_center(node), outer)
            names = name_box(node)
            assert outer[0] < names[0] and names[2] < outer[2] and outer[1] < names[1] and names[3] < outer[3]
            assert names[3] < symbol_center(node)[1] - 0.2  # the name under the symbol
            assert " ".join(text for *_, text in name_lines(node)) == node.name
        else:
            assert not is_box(node)
            assert node.name_side == ("left" if node.kind == "input" else "right")
    columns = {}
    for node in diagram.nodes:
        if is_box(node):
            columns.setdefault(node.x, set()).add((node.width, node.height))
    assert all(len(sizes) == 1 for sizes in columns.values())  # one size a column
    assert all(node.kind != "bias" or not is_box(node) for node in diagram.nodes)


def test_a_long_name_is_broken_between_words():
    node = layout(Network([2, 3, 2], unit_names={1: ["a very long name for a unit", "b", "mid"]})).node("n1-1")
    lines = [text for *_, text in name_lines(node)]
    assert len(lines) > 1 and " ".join(lines) == "a very long name for a unit"


@pytest.mark.parametrize("network", NETWORKS, ids=IDS)
def test_bias_nodes_exactly_when_the_network_has_biases(network):
    diagram = layout(network)
    bias_nodes = [node for node in diagram.nodes if node.kind == "bias"]
    bias_edges = [edge for edge in diagram.edges if edge.bias]
    weights = sum(a * b for a, b in zip(network.sizes, network.sizes[1:]))
    if network.has_bias:
        assert len(bias_nodes) == network.depth and all(node.parts == ("1", "", "") for node in bias_nodes)
        assert len(bias_edges) == sum(network.sizes[1:])
        assert {edge.latex for edge in bias_edges} == {f"b_{{{i}}}^{{[{j}]}}" for j in range(1, network.depth + 1)
                                                      for i in range(1, network.sizes[j] + 1)}
        lowest = min(node_box(node)[1] for node in diagram.nodes if node.kind != "bias")
        assert all(node.y + node.radius < lowest for node in bias_nodes)  # under the columns
    else:
        assert bias_nodes == [] and bias_edges == []
    assert len(diagram.edges) - len(bias_edges) == weights
    assert len([node for node in diagram.nodes if node.kind != "bias"]) == sum(network.sizes)


def test_units_in_columns_and_captions_close_over_them():
    diagram = layout(Network([3, 4, 1]))
    columns = sorted({node.x for node in diagram.nodes if node.kind != "bias"})
    assert len(columns) == 3 and columns[0] == 0
    top = max(node.y + node.radius for node in diagram.nodes)
    for caption in diagram.captions:
        assert 0 < caption.y - top <= 0.5  # no large gap under the headers
    assert [caption.text for caption in diagram.captions] == ["input", "layer 1: linear", "layer 2: linear"]
    x0, y0, x1, y1 = diagram.bounds
    assert all(x0 <= node.x - node.radius and node.x + node.radius <= x1 for node in diagram.nodes)
    assert x1 - x0 <= 17.0  # the text width of the derivation documents (2 cm margins)


@pytest.mark.parametrize("network", NETWORKS + NAMED_NETWORKS, ids=repr)
def test_the_picture_fits_a_page(network):
    x0, y0, x1, y1 = layout(network).bounds
    assert x1 - x0 <= 17.0 and y1 - y0 <= 20.0


def test_a_large_layer_is_refused_with_the_limit_named():
    with pytest.raises(symnn.InvalidArgumentError, match=r"at most 8 units per layer; Network\(35→1, linear\) has a layer of 35"):
        layout(Network([35, 1]))
    with pytest.raises(symnn.InvalidArgumentError, match="at most 8"):
        network_svg(Network([9, 1]))


def test_layout_is_plain_data():
    diagram = layout(Network([2, 1]))
    assert isinstance(diagram, Diagram)
    assert layout(Network([2, 1])) == diagram  # deterministic: documents that embed it do not churn
    assert layout(Network([2, 1], input_names=["p", "q"])) != diagram  # names are part of what is cached


# --- TikZ -----------------------------------------------------------------------------------------

def test_tikz_draws_the_layout_with_arrowheads_and_readable_labels():
    network = Network([3, 4, 1])
    text = network_tikz(network)
    diagram = layout(network)
    assert text.startswith("\\begin{tikzpicture}") and text.endswith("\\end{tikzpicture}")
    assert ">=stealth" in text and "edge/.style={->" in text  # every arrow has a head
    assert "weight/.style={fill=white, inner sep=1pt, font=\\footnotesize, text=black}" in text
    assert text.count("outer sep=0pt") == 2  # units and bias nodes: arrows end where the layout ends them
    assert text.count("\\draw[") == len(diagram.edges)
    assert "{$a_{4}^{[1]}$}" in text and "{$x_{3}$}" in text
    for node in diagram.nodes:  # the same places as the layout (so as the PNG and the SVG)
        assert f"({node.key}) at ({node.x:.3f}, {node.y:.3f})" in text
    for edge in diagram.edges:
        if edge.label is not None:
            assert f"({edge.source}) -- node[weight, pos={edge.pos:g}] {{${edge.latex}$}} ({edge.target});" in text
    assert text.count("\\node[bias]") == 2 and text.count("\\draw[bias edge]") == 5
    assert "\\node[bias]" not in network_tikz(Network([3, 4, 1], bias=False))


def test_tikz_names_beside_inputs_and_outputs_and_inside_hidden_boxes():
    network = Network([4, 3, 1], **NAMED)
    text = network_tikz(network)
    diagram = layout(network)
    assert "anchor=east] at" in text and "{shipping cost};" in text
    assert "anchor=west] at" in text and "{top-seller probability};" in text
    assert "{perceived};" in text and "{quality};" in text  # two lines inside its box
    box = diagram.node("n1-1")
    assert f"\\node[named, minimum width={box.width:.3f}cm, minimum height={box.height:.3f}cm] (n1-1) at" in text
    assert "fill=white" not in text.split("weight/.style")[0]  # no name is painted over an arrow


@pytest.mark.skipif(not shutil.which("pdflatex"), reason="pdflatex is not installed")
def test_tikz_diagrams_compile_within_the_page(tmp_path):
    pictures = "\n\n".join(f"\\begin{{center}}\n{network_tikz(network)}\n\\end{{center}}"
                           for network in NETWORKS + NAMED_NETWORKS)
    (tmp_path / "d.tex").write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{amsmath,amssymb}\n"
        "\\usepackage[margin=2cm]{geometry}\n\\usepackage{tikz}\n\\begin{document}\n" + pictures + "\n\\end{document}\n",
        encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "d.tex"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    log = (tmp_path / "d.log").read_text(encoding="latin-1")
    assert run.returncode == 0, log[-2000:]
    assert not re.search(r"^!", log, re.M)
    assert "Overfull \\hbox" not in log


@pytest.mark.skipif(not shutil.which("pdflatex"), reason="pdflatex is not installed")
def test_the_layouts_sizes_hold_what_tex_prints(tmp_path):
    # every label's white box, every hidden unit's box and every name, measured by TeX itself
    diagrams = [layout(network) for network in REVIEWED + NAMED_NETWORKS + [Network([8, 8, 1], bias=False)]]
    labelled = {edge.latex: edge.label_size for d in diagrams for edge in d.edges if edge.label is not None}
    assert "w_{88}^{[1]}" in labelled
    lines = {text: node for d in diagrams for node in d.nodes for *_, text in name_lines(node)}
    measure = [f"\\sbox0{{\\footnotesize${latex}$}}\\typeout{{L {n} \\the\\wd0 \\the\\ht0 \\the\\dp0}}"
               for n, latex in enumerate(labelled)]
    measure += [f"\\sbox0{{\\scriptsize {text}}}\\typeout{{N {n} \\the\\wd0}}" for n, text in enumerate(lines)]
    (tmp_path / "m.tex").write_text("\\documentclass{article}\n\\begin{document}\n" + "\n".join(measure)
                                    + "\nx\n\\end{document}\n", encoding="utf-8")
    subprocess.run(["pdflatex", "-interaction=nonstopmode", "m.tex"], cwd=tmp_path, capture_output=True, timeout=120)
    log = (tmp_path / "m.log").read_text(encoding="latin-1")
    cm = 2.54 / 72.27
    sizes = list(labelled.values())
    found = re.findall(r"^L (\d+) ([\d.]+)pt\s*([\d.]+)pt\s*([\d.]+)pt", log, re.M)  # TeX eats the spaces
    assert len(found) == len(labelled)
    for n, width, height, depth in found:
        w, h = sizes[int(n)]  # TikZ adds inner sep = 1 pt on each side
        assert (float(width) + 2) * cm <= w + 0.005 and (float(height) + float(depth) + 2) * cm <= h
        assert (float(width) + 2) * cm >= w - 0.1  # and not much wider than needed
    found = re.findall(r"^N (\d+) ([\d.]+)pt", log, re.M)
    assert len(found) == len(lines)
    texts = list(lines)
    for n, width in found:
        text, node = texts[int(n)], lines[texts[int(n)]]
        assert float(width) * cm <= text_width(text, NAME_SIZE), text
        if node.name_side == "inside":
            assert float(width) * cm + 0.2 <= node.width, text  # inside its box, with room to spare


# --- SVG ------------------------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"
UNICODE_SCRIPTS = "₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾ᵢʲₖ"


def svg_math(root):
    """Each <text> set as letter_{sub}^{sup}: (letter, style, [(script, font-size, y)], font-size, y)."""
    found = []
    for element in root.iter(SVG + "text"):
        spans = element.findall(SVG + "tspan")
        found.append((element.text, element.get("font-style"), [(s.text, float(s.get("font-size")), float(s.get("y")))
                                                                 for s in spans],
                      float(element.get("font-size")), float(element.get("y"))))
    return found


def test_svg_is_one_standalone_element_with_arrowheads():
    network = Network([3, 4, 1])
    text = network_svg(network)
    root = ET.fromstring(text)  # well-formed XML, one element
    assert root.tag == SVG + "svg" and "viewBox" in root.attrib
    assert "<script" not in text and "http" not in text.replace("http://www.w3.org/2000/svg", "")
    markers = root.findall(f"{SVG}defs/{SVG}marker")
    assert len(markers) == 1
    lines = root.findall(f"{SVG}line")
    diagram = layout(network)
    assert len(lines) == len(diagram.edges)
    assert all(line.get("marker-end") == f"url(#{markers[0].get('id')})" for line in lines)
    assert len(root.findall(f"{SVG}circle")) == len(diagram.nodes)
    assert root.find(f"{SVG}title").text.startswith("Network 3-4-1")


def test_svg_labels_read_like_the_math_italic_letter_and_stacked_scripts_in_square_brackets():
    text = network_svg(Network([3, 4, 1]))
    assert not any(ch in text for ch in UNICODE_SCRIPTS)  # no w₂₁⁽¹⁾ beside MathML's w_{21}^{[1]}
    maths = svg_math(ET.fromstring(text))
    by_symbol = {(letter, tuple(s[0] for s in scripts)): (style, scripts, size, y)
                 for letter, style, scripts, size, y in maths}
    for symbol in [("w", ("21", "[1]")), ("b", ("1", "[2]")), ("a", ("4", "[1]")), ("x", ("3",))]:
        style, scripts, size, y = by_symbol[symbol]
        assert style == "italic"
        sub = scripts[0]
        assert sub[1] < size and sub[2] > y  # smaller, and below the letter's baseline (SVG's y grows down)
        if len(scripts) == 2:
            sup = scripts[1]
            assert sup[1] < size and sup[2] < y  # smaller, and raised
    assert sum(1 for letter, style, *_ in maths if letter == "1" and style is None) == 2  # the bias nodes, upright
    for element in ET.fromstring(text).iter(SVG + "tspan"):
        assert element.get("font-style") == "normal"  # indices and [j] upright, as in MathML


def test_svg_stacks_a_label_s_scripts_at_one_x():
    root = ET.fromstring(network_svg(Network([2, 1])))
    for element in root.iter(SVG + "text"):
        spans = element.findall(SVG + "tspan")
        if len(spans) == 2:
            assert spans[0].get("x") == spans[1].get("x") and element.get("text-anchor") == "end"
            assert all(span.get("text-anchor") == "start" for span in spans)


def test_svg_without_biases_and_with_names():
    root = ET.fromstring(network_svg(Network([3, 4, 1], bias=False)))
    assert "1" not in [element.text for element in root.iter(SVG + "text")]
    named = ET.fromstring(network_svg(Network([4, 3, 1], **NAMED)))
    texts = {e.text for e in named.iter(SVG + "text")}
    assert {"price", "shipping cost", "awareness", "perceived", "quality", "top-seller probability"} <= texts
    assert len(named.findall(f"{SVG}rect[@rx]")) == 3  # the named hidden units' boxes


# --- SVG in a browser -----------------------------------------------------------------------------

MEASURE_LABELS = """
const px = (r) => [r.left, r.top, r.right, r.bottom];
const svg = document.querySelector('svg');
const rects = [...svg.querySelectorAll('rect:not([rx])')].map(r => px(r.getBoundingClientRect()));
const labels = [...svg.querySelectorAll('text.label')].map(t => px(t.getBoundingClientRect()));
const boxes = [...svg.querySelectorAll('rect[rx]')].map(r => px(r.getBoundingClientRect()));
const names = [...svg.querySelectorAll('text[fill="#333"]')].map(t => px(t.getBoundingClientRect()));
return {rects, labels, boxes, names, fonts: [...document.fonts].length};
"""


@pytest.fixture(scope="module")
def browser():
    with chromium(1280) as driver:
        yield driver


@pytest.mark.parametrize("network", [Network([3, 4, 1]), Network([8, 8, 1], bias=False), Network([4, 3, 1], **NAMED)],
                         ids=repr)
def test_svg_labels_and_names_fit_their_boxes_in_chromium(browser, tmp_path, network):
    page = tmp_path / "diagram.html"
    page.write_text(f"<!doctype html><html><body style='margin:0'>{network_svg(network)}</body></html>",
                    encoding="utf-8")
    browser.get(page.as_uri())
    measured = browser.execute_script(MEASURE_LABELS)
    browser.save_screenshot(str(tmp_path / "diagram.png"))  # for a look: pytest --basetemp=DIR
    assert len(measured["labels"]) == len(measured["rects"]) > 0
    for text, rect in zip(measured["labels"], measured["rects"]):
        assert rect[0] - 0.5 <= text[0] and text[2] <= rect[2] + 0.5, (text, rect)  # the white box holds its label
        assert rect[1] - 2 <= text[1] and text[3] <= rect[3] + 2, (text, rect)
    inside = [name for name in measured["names"]
              if any(b[0] <= name[0] and name[2] <= b[2] and b[1] <= name[1] <= b[3] for b in measured["boxes"])]
    assert len(inside) == sum(len(name_lines(node)) for node in layout(network).nodes if node.name_side == "inside")
