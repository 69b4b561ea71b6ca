"""Pictures render to real, non-blank PNGs; the tour writes every promised file."""

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from sympy import Rational

import symnn
from symnn import Network

pytest.importorskip("matplotlib")

from symnn import plots  # noqa: E402
from symnn.app.classify import classify_digits, weights_image  # noqa: E402
from symnn.data import digits  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def assert_real_picture(path: Path, min_width: int = 100):
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE), f"{path} is not a PNG"
    import matplotlib.image

    pixels = matplotlib.image.imread(str(path))
    assert pixels.shape[1] >= min_width and pixels.shape[0] >= 50
    assert float(np.std(pixels[..., :3])) > 0.01, f"{path} is blank"


def test_each_picture_renders(tmp_path):
    report = classify_digits("lecture", show_progress=False)
    made = [
        plots.activations_figure(tmp_path / "activations.png"),
        plots.digits_figure(tmp_path / "digits.png", digits.lecture().X, [0, 1]),
        plots.weights_figure(tmp_path / "weights.png", weights_image(report)),
        plots.network_figure(tmp_path / "network.png", Network([3, 4, 1])),
        plots.training_figure(tmp_path / "training.png", report.result.history),
    ]
    for path in made:
        assert_real_picture(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in made)  # no temporary files left


def test_picture_errors_name_the_value_and_what_is_allowed(tmp_path):
    with pytest.raises(symnn.InvalidArgumentError, match="written as PNG: give a file name ending in .png, not 'a.jpg'"):
        plots.activations_figure(tmp_path / "a.jpg")
    with pytest.raises(symnn.InvalidArgumentError, match=r"at most 8 units per layer; Network\(35→1, linear\) has a layer of 35"):
        plots.network_figure(tmp_path / "n.png", Network([35, 1]))
    with pytest.raises(symnn.InvalidArgumentError, match="training history is empty"):
        plots.training_figure(tmp_path / "t.png", [])
    assert list(tmp_path.iterdir()) == []


FIGURES = ["activations.png", "digit-neuron-training.png", "digit-neuron-weights.png", "lecture-digits.png",
           "network-3-4-1.png", "ten-digit-confusion.png", "ten-digit-weights.png", "ten-digits.png"]


def test_tour_writes_every_promised_file(tour):
    # the README's main job, run once per session (see conftest.py)
    result = tour.result
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    for heading in ["── 1. A single neuron", "── 2. Logistic regression is a one-layer network", "── 3. The digit neuron",
                    "── 4. Layers and notation", "── 5. Activation functions",
                    "── 6. All activations linear: a linear model", "── 7. Backpropagation: one step with numbers",
                    "── 8. Ten digits: a softmax output"]:
        assert heading in result.stdout
    listed = result.stdout.split("files into symnn-out/:\n", 1)[1].split("\n\n", 1)[0].split()
    written = sorted(str(p.relative_to(tour.cwd)) for p in tour.out.rglob("*") if p.is_file())
    assert sorted(listed) == written  # it wrote what it says, and nothing else
    assert sorted(p.name for p in (tour.out / "figures").iterdir()) == FIGURES
    for name in FIGURES:
        assert_real_picture(tour.out / "figures" / name)
    tex = sorted((tour.out / "derivations").glob("*.tex"))
    assert len(tex) == len(symnn.catalog.names())
    if shutil.which("pdflatex"):
        for path in tex:
            assert path.with_suffix(".pdf").read_bytes().startswith(b"%PDF"), path
    index = (tour.out / "index.md").read_text(encoding="utf-8")
    for name in FIGURES:
        assert f"- ![{name[:-4]}](figures/{name})" in index
    assert "- [linear-collapse-3-4-1.tex](derivations/linear-collapse-3-4-1.tex)" in index


def test_tour_shows_the_lectures_results(tour):
    out = tour.result.stdout
    assert "accuracy: 100.0% on training, 100.0% on test" in out  # the two slide images
    # w'_1 = Σ_j w_{1j}^{[1]} w_{j1}^{[2]} of the 3-4-1 collapse
    assert "w'₁ = w₁₁⁽¹⁾⋅w₁₁⁽²⁾ + w₁₂⁽¹⁾⋅w₂₁⁽²⁾ + w₁₃⁽¹⁾⋅w₃₁⁽²⁾ + w₁₄⁽¹⁾⋅w₄₁⁽²⁾" in out
    assert "a sigmoid network does not collapse" in out


def test_tour_shows_one_backpropagation_step(tour):
    # Mazur's published new w5 (= w_11^[2]) and w1 (= w_11^[1]), typed from the tutorial
    assert "7. Backpropagation: one step with numbers" in tour.result.stdout
    assert "w₁₁⁽²⁾ ← 0.40 − 0.5⋅0.0821670406 ≈ 0.358916480" in tour.result.stdout
    assert "≈ 0.149780716" in tour.result.stdout


def test_tour_classifies_all_ten_digits_with_a_softmax_output(tour):
    out = tour.result.stdout.split("── 8. Ten digits: a softmax output", 1)[1]
    # the lecture's 0 and 1 (first two glyphs of each row), side by side with the other eight
    rows = [line for line in out.splitlines() if line.count("·") + line.count("#") == 50]
    assert [row[:12] for row in rows] == ["·····  ·····", "·###·  ··#··", "·#·#·  ·##··", "·#·#·  ··#··",
                                          "·#·#·  ··#··", "·###·  ··#··", "·····  ·····"]
    assert "model: Network(35→10, softmax)" in out
    assert "data: variants — 300 training images, 300 held-out test images" in out
    held_out = float(re.search(r"accuracy: [\d.]+% on training, ([\d.]+)% on held-out test", out).group(1))
    assert held_out >= 95.0
    # the confusion table's rows add up to the 300 held-out images, its diagonal to the accuracy
    table = [list(map(int, line.split("│")[1].split())) for line in out.splitlines()
             if re.match(r"^\s+\d │", line)]
    assert len(table) == 10 and sum(map(sum, table)) == 300
    assert sum(table[d][d] for d in range(10)) / 300 == pytest.approx(held_out / 100, abs=0.001)
    assert "predictions agreeing with the symbolic z (exact rationals): 300 of 300" in out


def test_the_tours_last_line_points_to_the_explorer(tour):
    last = tour.result.stdout.rstrip("\n").splitlines()[-1]
    assert last == "next: build, train and click these networks in your browser: symnn explore"
    assert len(last) <= 80


def test_tour_into_an_unwritable_place_fails_cleanly(cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = cli("tour", "--out", str(blocker / "out"), "--no-pdf")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"symnn: failed: cannot write {blocker / 'out'}")
    assert blocker.read_text() == "not a folder"


def test_activations_command_with_plot(cli, tmp_path):
    result = cli("activations", "--plot", str(tmp_path / "acts.png"))
    assert result.returncode == 0
    assert result.stderr == f"wrote {tmp_path / 'acts.png'}\n"
    # the table itself is test_cli's business; here: it is printed beside the picture
    assert any(line.startswith("linear ") for line in result.stdout.splitlines()) and "affine" in result.stdout
    assert_real_picture(tmp_path / "acts.png")
    bad = cli("activations", "--plot", str(tmp_path / "acts.gif"))
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr == "symnn: error: pictures are written as PNG: give a file name ending in .png, not 'acts.gif'\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acts.png"]


# --- what the figures show (the Figure objects, inspected) -------------------------------------------

def _titles(figure):
    return [axis.get_title() for axis in figure.axes if axis.get_visible()]


def test_activation_panels_are_titled_in_the_lectures_form():
    figure = plots.draw_activations()
    panels = [axis for axis in figure.axes if axis.get_visible()]
    assert len(panels) == len(plots.ACTIVATION_PANELS)
    titles = dict(zip(plots.ACTIVATION_PANELS, (axis.get_title() for axis in panels)))
    assert titles["linear"] == "linear\n$g(z) = z$"
    assert titles["sigmoid"] == "sigmoid\n$\\sigma(z) = \\dfrac{1}{1 + e^{-z}}$"
    assert titles["relu"] == "relu\n$\\mathrm{ReLU}(z) = \\max(z,\\ 0)$"  # the lecture: max(z, 0), not max(0, z)
    assert titles["leaky_relu"] == "leaky relu\n$g(z) = \\max(z,\\ 0.01z)$"  # the real slope
    assert titles["softplus"] == "softplus\n$\\mathrm{softplus}(z) = \\log(1 + e^{z})$"
    assert titles["step"] == "step\n$g(z) = 1$ if $z \\geq 0$ else $0$"
    assert "tanh" in titles["tanh"] and "e^{-z}" in titles["tanh"]
    for axis in panels:
        assert axis.get_xlabel() == "$z$" and axis.get_ylabel() == "$g(z)$,  $g'(z)$"
        assert [text.get_text() for text in axis.get_legend().get_texts()] == ["$g(z)$", "$g'(z)$"]
    assert figure._suptitle.get_text().startswith("Activation functions")


def test_activation_panels_do_not_overlap():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = plots.draw_activations()
    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)
    boxes = [axis.get_tightbbox(renderer) for axis in figure.axes if axis.get_visible()]  # ticks and titles included
    for n, a in enumerate(boxes):
        for b in boxes[n + 1:]:
            assert not a.overlaps(b), (a, b)


def test_a_users_activation_gets_a_formula_title():
    from symnn.core.activations import Activation, z

    assert plots.activation_formula(Activation.from_expr(3 * z + 1)) == "$g(z) = 3 z + 1$"
    assert plots.activation_formula(symnn.activations.get("leaky_relu", slope=Rational(1, 5))) == "$g(z) = \\max(z,\\ 0.2z)$"
    assert plots.activation_formula(symnn.activations.get("step", threshold=Rational(1, 2))) == \
        "$g(z) = 1$ if $z \\geq \\frac{1}{2}$ else $0$"


def test_numbers_never_print_minus_zero():
    assert [plots.number(v) for v in (-0.04, -0.0, 0.04, -0.06, 1.25)] == ["0.0", "0.0", "0.0", "−0.1", "1.2"]


def test_weight_map_reads_on_every_cell_and_says_what_it_shows():
    from matplotlib.colors import to_rgb

    weights = np.linspace(-1.5, 1.5, 35).reshape(7, 5)
    weights[0, 0] = -0.01  # would print as −0.0
    figure = plots.draw_weights(weights, bias=-0.123)
    axis, colourbar = figure.axes
    image = axis.get_images()[0]
    cells = axis.texts
    assert len(cells) == 35
    for text in cells:
        assert text.get_text() not in ("-0.0", "−0.0")
        row, column = round(text.get_position()[1]), round(text.get_position()[0])
        red, green, blue = image.cmap(image.norm(weights[row, column]))[:3]
        dark = 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.5
        assert to_rgb(text.get_color()) == ((1, 1, 1) if dark else (0, 0, 0)), (row, column)
    assert {to_rgb(text.get_color()) for text in cells} == {(1, 1, 1), (0, 0, 0)}  # both occur on this map
    assert axis.get_xlabel() == "column" and axis.get_ylabel().startswith("row")
    assert "$b_1^{[1]}$ = −0.12" in axis.get_title()
    assert colourbar.get_ylabel().startswith("weight $w_{k1}^{[1]}$")
    assert figure._supxlabel.get_text() == plots.PIXEL_NOTE


def test_the_pixel_note_states_the_flattening_of_the_digits():
    # k = 5·(row − 1) + column, rows top to bottom: checked against digits.flatten itself
    picture = np.arange(35).reshape(7, 5)
    flat = digits.flatten(picture)
    for row in range(1, 8):
        for column in range(1, 6):
            assert flat[5 * (row - 1) + column - 1] == picture[row - 1, column - 1]
    assert "k = 5·(row − 1) + column" in plots.PIXEL_NOTE and "x₁…x₅ the top row" in plots.PIXEL_NOTE


def test_training_curve_names_its_loss_and_has_a_legend():
    report = classify_digits("lecture", epochs=5, show_progress=False)
    figure = plots.draw_training(report.result.history, "Training the digit neuron")
    axis = figure.axes[0]
    assert axis.get_xlabel() == "epoch"
    assert "binary cross-entropy" in axis.get_ylabel()
    assert [t.get_text() for t in axis.get_legend().get_texts()] == ["loss (bce)", "accuracy on the training set"]
    assert axis.get_title().startswith("Training the digit neuron\nloss per sample: binary cross-entropy")
    from symnn.numeric.train import EpochRecord

    squared = plots.draw_training([EpochRecord(1, 0.5, None), EpochRecord(2, 0.25, None)])
    assert "squared error" in squared.axes[0].get_ylabel()
    with pytest.raises(symnn.InvalidArgumentError, match="unknown loss 'hinge'; choose one of bce, mse, squared_error"):
        plots.draw_training(report.result.history, loss="hinge")


def test_network_picture_draws_the_shared_layout():
    from matplotlib.patches import Circle, FancyArrowPatch, Rectangle

    from symnn.render.diagram import layout

    network = Network([3, 4, 1])
    figure = plots.draw_network(network)
    axis = figure.axes[0]
    diagram = layout(network)
    arrows = [patch for patch in axis.patches if isinstance(patch, FancyArrowPatch)]
    circles = [patch for patch in axis.patches if isinstance(patch, Circle)]
    assert len(arrows) == len(diagram.edges) and all(arrow.get_arrowstyle().__class__.__name__ == "CurveFilledB"
                                                     for arrow in arrows)  # "-|>": a filled arrowhead
    for arrow, edge in zip(arrows, diagram.edges):  # from border to border, the head's tip on the target's border
        assert arrow._posA_posB == [edge.start, edge.end] and arrow.shrinkA == arrow.shrinkB == 0
    assert sorted(circle.center for circle in circles) == sorted((node.x, node.y) for node in diagram.nodes)
    labels = {text.get_text(): text for text in axis.texts}
    white = {(round(patch.get_x(), 3), round(patch.get_y(), 3)) for patch in axis.patches
             if type(patch) is Rectangle and patch.get_facecolor()[:3] == (1.0, 1.0, 1.0)}
    for edge in diagram.edges:
        if edge.label is not None:
            text = labels[f"${edge.latex}$"]  # mathtext: italic w, the scripts stacked, [1] in square brackets
            assert text.get_position() == edge.label and text.get_math_fontfamily() == "cm"
            (x, y), (w, h) = edge.label, edge.label_size
            assert (round(x - w / 2, 3), round(y - h / 2, 3)) in white  # the layout's white box behind it
    assert "$w_{21}^{[1]}$" in labels and "$a_{4}^{[1]}$" in labels and "$x_{3}$" in labels
    assert labels["$1$"]  # a bias node
    assert axis.get_title().startswith("Network 3-4-1: units $a_i^{[j]}$")
    assert len(axis.get_legend().get_texts()) == 2  # weight and bias edges
    no_bias = plots.draw_network(Network([3, 4, 1], bias=False)).axes[0]
    assert "$1$" not in {text.get_text() for text in no_bias.texts}
    assert len(no_bias.get_legend().get_texts()) == 1


NAMED = dict(activation="sigmoid", input_names=["price", "shipping cost", "marketing", "material"],
             unit_names=[["affordability", "awareness", "perceived quality"], ["top-seller probability"]])


@pytest.mark.parametrize("network", [Network([3, 4, 1]), Network([2, 3, 3, 2]), Network([4, 3, 1], **NAMED)], ids=repr)
def test_network_picture_labels_and_names_fit_the_boxes_the_layout_kept(network):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.patches import FancyBboxPatch

    from symnn.render.diagram import layout, name_lines, node_box

    figure = plots.draw_network(network)
    axis = figure.axes[0]
    renderer = FigureCanvasAgg(figure).get_renderer()
    to_data = axis.transData.inverted()
    diagram = layout(network)

    def extent(text):
        (x0, y0), (x1, y1) = to_data.transform(text.get_window_extent(renderer).get_points())
        return x0, y0, x1, y1

    texts = {(round(t.get_position()[0], 3), round(t.get_position()[1], 3), t.get_text()): t for t in axis.texts}
    for edge in diagram.edges:
        if edge.label is not None:
            x0, y0, x1, y1 = extent(texts[(*edge.label, f"${edge.latex}$")])
            (x, y), (w, h) = edge.label, edge.label_size
            assert x - w / 2 - 0.01 <= x0 and x1 <= x + w / 2 + 0.01, edge.latex
            assert y - h / 2 - 0.01 <= y0 and y1 <= y + h / 2 + 0.01, edge.latex
    boxes = [patch for patch in axis.patches if isinstance(patch, FancyBboxPatch)]
    assert len(boxes) == sum(node.name_side == "inside" for node in diagram.nodes)
    for node in diagram.nodes:
        for x, y, _, line in name_lines(node):
            x0, y0, x1, y1 = extent(texts[(round(x, 3), round(y, 3), line)])
            if node.name_side == "inside":  # the name inside its unit's box
                bx0, by0, bx1, by1 = node_box(node)
                assert bx0 < x0 and x1 < bx1 and by0 < y0 and y1 < by1, line
            else:  # beside its circle, clear of every arrow: none runs left of an input or right of an output
                assert x1 < node.x - node.radius + 0.01 if node.name_side == "left" else x0 > node.x + node.radius - 0.01


def test_every_figure_has_a_title():
    report = classify_digits("lecture", epochs=3, show_progress=False)
    figures = [plots.draw_activations(), plots.draw_digits(digits.lecture().X, [0, 1]),
               plots.draw_weights(weights_image(report)), plots.draw_network(Network([2, 1])),
               plots.draw_training(report.result.history)]
    for figure in figures:
        suptitle = figure._suptitle.get_text() if figure._suptitle else ""
        assert suptitle or _titles(figure)[0], figure  # (a colour bar has no title of its own)
        for axis in figure.axes:
            if axis.get_visible() and axis.get_images():
                assert axis.get_xlabel() and axis.get_ylabel()


NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "tour.ipynb"


def test_the_notebook_is_committed_with_its_outputs_and_shows_figures_inline():
    import json

    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    shown = [cell for cell in code if cell["outputs"]]
    assert len(shown) >= len(code) - 1, "execute the notebook and commit it with its outputs (only the imports show nothing)"
    pictures = [out for cell in code for out in cell["outputs"] if "image/png" in out.get("data", {})]
    assert len(pictures) >= 4  # weights, training, network, activations
    source = "".join("".join(cell["source"]) for cell in code)
    assert "_figure(" not in source  # no PNG written into the working folder: figures are shown from memory
