"""The one network layout and its TikZ and SVG drawings: labels on their own edges, bias nodes, arrowheads, fit on a page."""

import math
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

import symnn
from symnn import Network
from symnn.render.diagram import Diagram, layout, network_svg, segment_hits_box
from symnn.render.tikz import network_tikz

NAMED = dict(activation="sigmoid", input_names=["price", "shipping cost", "marketing", "material"],
             unit_names=[["affordability", "awareness", "perceived quality"], ["top-seller probability"]])
NETWORKS = [Network([3, 4, 1]), Network([3, 4, 1], activation="linear", bias=False), Network([2, 3, 3, 2]),
            Network([3, 1], activation="sigmoid"), Network([4, 4, 4, 2]), Network([5, 5, 5, 5, 1]),
            Network([8, 8, 1], bias=False), Network([4, 3, 1], **NAMED), Network([1, 1])]
IDS = [repr(network) for network in NETWORKS]


def box(center, size):
    (x, y), (w, h) = center, size
    return (x - w / 2, y - h / 2, x + w / 2, y + h / 2)


def distance_to_segment(point, p, q):
    dx, dy = q[0] - p[0], q[1] - p[1]
    t = max(0.0, min(1.0, ((point[0] - p[0]) * dx + (point[1] - p[1]) * dy) / (dx * dx + dy * dy)))
    return math.hypot(point[0] - p[0] - t * dx, point[1] - p[1] - t * dy)


@pytest.mark.parametrize("network", NETWORKS, ids=IDS)
def test_every_label_lies_on_its_own_edge(network):
    diagram = layout(network)
    labelled = [edge for edge in diagram.edges if edge.label is not None]
    assert labelled
    for edge in labelled:
        assert 0 < edge.pos < 1
        assert distance_to_segment(edge.label, edge.start, edge.end) < 2e-3, edge
        # and the segment is really between the two circles it joins
        source, target = diagram.node(edge.source), diagram.node(edge.target)
        assert math.hypot(edge.start[0] - source.x, edge.start[1] - source.y) == pytest.approx(source.radius, abs=2e-3)
        assert math.hypot(edge.end[0] - target.x, edge.end[1] - target.y) == pytest.approx(target.radius, abs=2e-3)


@pytest.mark.parametrize("network", NETWORKS, ids=IDS)
def test_labels_overlap_neither_each_other_nor_a_circle(network):
    diagram = layout(network)
    boxes = [box(edge.label, edge.label_size) for edge in diagram.edges if edge.label is not None]
    for n, a in enumerate(boxes):
        for b in boxes[n + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
        for node in diagram.nodes:
            nearest = (min(max(node.x, a[0]), a[2]), min(max(node.y, a[1]), a[3]))
            assert math.hypot(node.x - nearest[0], node.y - nearest[1]) >= node.radius


@pytest.mark.parametrize("network", [Network([2, 2], bias=False), Network([3, 1], activation="sigmoid"),
                                     Network([2, 3], bias=False)], ids=repr)
def test_a_layer_whose_labels_fit_is_labelled_completely_and_clear_of_other_edges(network):
    diagram = layout(network)
    assert all(edge.label is not None for edge in diagram.edges)
    for edge in diagram.edges:
        others = [other for other in diagram.edges if other is not edge]
        assert not any(segment_hits_box(o.start, o.end, box(edge.label, edge.label_size)) for o in others), edge


def test_a_crowded_layer_labels_the_edges_into_unit_1_as_the_lecture_writes_z_1():
    # z_1^{[1]} = w_11 x_1 + w_21 x_2 + w_31 x_3 + b_1: every term of unit 1 is on the picture
    diagram = layout(Network([3, 4, 1]))
    layer1 = {edge.latex for edge in diagram.edges if edge.label is not None and edge.target.startswith("n1-")}
    assert {"w_{11}^{[1]}", "w_{21}^{[1]}", "w_{31}^{[1]}", "b_{1}^{[1]}"} <= layer1
    layer2 = {edge.latex for edge in diagram.edges if edge.label is not None and edge.target.startswith("n2-")}
    assert layer2 == {"w_{11}^{[2]}", "w_{21}^{[2]}", "w_{31}^{[2]}", "w_{41}^{[2]}", "b_{1}^{[2]}"}


@pytest.mark.parametrize("network", NETWORKS, ids=IDS)
def test_bias_nodes_exactly_when_the_network_has_biases(network):
    diagram = layout(network)
    bias_nodes = [node for node in diagram.nodes if node.kind == "bias"]
    bias_edges = [edge for edge in diagram.edges if edge.bias]
    weights = sum(a * b for a, b in zip(network.sizes, network.sizes[1:]))
    if network.has_bias:
        assert len(bias_nodes) == network.depth and all(node.text == "1" for node in bias_nodes)
        assert len(bias_edges) == sum(network.sizes[1:])
        assert {edge.latex for edge in bias_edges} == {f"b_{{{i}}}^{{[{j}]}}" for j in range(1, network.depth + 1)
                                                      for i in range(1, network.sizes[j] + 1)}
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


def test_a_large_layer_is_refused_with_the_limit_named():
    with pytest.raises(symnn.InvalidArgumentError, match=r"at most 8 units per layer; Network\(35→1, linear\) has a layer of 35"):
        layout(Network([35, 1]))
    with pytest.raises(symnn.InvalidArgumentError, match="at most 8"):
        network_svg(Network([9, 1]))


# --- TikZ ---------------------------------------------------------------------------------------------

def test_tikz_draws_the_layout_with_arrowheads_and_readable_labels():
    network = Network([3, 4, 1])
    text = network_tikz(network)
    diagram = layout(network)
    assert text.startswith("\\begin{tikzpicture}") and text.endswith("\\end{tikzpicture}")
    assert ">=stealth" in text and "edge/.style={->" in text  # every arrow has a head
    assert "weight/.style={fill=white, inner sep=1pt, font=\\footnotesize, text=black}" in text
    assert text.count("\\draw[") == len(diagram.edges)
    assert "{$a_{4}^{[1]}$}" in text and "{$x_{3}$}" in text
    for node in diagram.nodes:  # the same places as the layout (so as the PNG and the SVG)
        assert f"({node.key}) at ({node.x:.3f}, {node.y:.3f})" in text
    for edge in diagram.edges:
        if edge.label is not None:
            assert f"({edge.source}) -- node[weight, pos={edge.pos:g}] {{${edge.latex}$}} ({edge.target});" in text
    assert text.count("\\node[bias]") == 2
    assert "\\node[bias]" not in network_tikz(Network([3, 4, 1], bias=False))


def test_tikz_names_are_written_beside_their_units():
    text = network_tikz(Network([4, 3, 1], **NAMED))
    assert "anchor=east] at" in text and "{shipping cost};" in text
    assert "anchor=west] at" in text and "{top-seller probability};" in text
    assert "{perceived quality};" in text


@pytest.mark.skipif(not shutil.which("pdflatex"), reason="pdflatex is not installed")
def test_tikz_diagrams_compile_within_the_page(tmp_path):
    pictures = "\n\n".join(f"\\begin{{center}}\n{network_tikz(network)}\n\\end{{center}}" for network in NETWORKS)
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


# --- SVG ----------------------------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def test_svg_is_one_standalone_element_with_arrowheads_and_unicode_labels():
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
    texts = [element.text for element in root.iter(SVG + "text")]
    assert "w₂₁⁽¹⁾" in texts and "b₁⁽²⁾" in texts and "a₄⁽¹⁾" in texts and "x₃" in texts
    assert texts.count("1") == 2  # the two bias nodes
    assert len(root.findall(f"{SVG}circle")) == len(diagram.nodes)
    assert root.find(f"{SVG}title").text.startswith("Network 3-4-1")


def test_svg_without_biases_and_with_names():
    root = ET.fromstring(network_svg(Network([3, 4, 1], bias=False)))
    assert "1" not in [element.text for element in root.iter(SVG + "text")]
    named = ET.fromstring(network_svg(Network([4, 3, 1], **NAMED)))
    assert {"price", "shipping cost", "awareness", "top-seller probability"} <= {e.text for e in named.iter(SVG + "text")}


def test_layout_is_plain_data():
    diagram = layout(Network([2, 1]))
    assert isinstance(diagram, Diagram)
    assert layout(Network([2, 1])) == diagram  # deterministic: documents that embed it do not churn
