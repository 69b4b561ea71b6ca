"""``symnn tour``: the lecture in its order, printed as Unicode math, with documents and figures written to a folder.

neuron → logistic regression as a one-layer network → the 7×5 digit neuron trained and
cross-checked → layers and notation → activation functions → the all-linear collapse
proved, and non-collapse with a witness → one backpropagation step with numbers → all ten
digits with a softmax output, trained, tested on held-out images and cross-checked.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path
from typing import Callable

from symnn.app import catalog, catalog_backprop, documents, plots
from symnn.core.activations import names as activation_names, get
from symnn.app.classify import classify_digits, weights_image
from sympy import Rational

from symnn.core import notation
from symnn.math.backprop import backprop, parameter_values
from symnn.math.collapse import NotCollapsible, collapse
from symnn.data import digits
from symnn.core.layer import Neuron
from symnn.core.network import Network
from symnn.core.printing import pretty
from symnn.render.html import index_html

TOUR_CHECK_WORKERS = 2  # processes checking the derivations (the machines this runs on have two cores or more)
TOUR_COLUMNS = 80  # the tour's prose is wrapped to a terminal's usual width
# the tour's last line: where to play with its networks next
EXPLORE_LINE = "next: build, train and click these networks in your browser: symnn explore"
DEMAND_INPUTS = ["price", "shipping cost", "marketing", "material"]
DEMAND_UNITS = [["affordability", "awareness", "perceived quality"], ["top-seller probability"]]


def _section(say: Callable[[str], None], title: str, explanation: str) -> None:
    say("")
    say(f"── {title} " + "─" * max(0, 60 - len(title)))
    say(textwrap.fill(explanation, TOUR_COLUMNS))


def run_tour(out: Path, say: Callable[[str], None] = print, pdf: bool | None = None) -> list[Path]:
    """Walk through the lecture; write derivations, figures and an index into ``out``; return the files written."""
    written: list[Path] = []
    figures = out / "figures"

    _section(say, "1. A single neuron", "A neuron weighs its inputs, adds a bias, and applies an activation g.")
    say(pretty(Neuron(3)))

    _section(say, "2. Logistic regression is a one-layer network",
             "A sigmoid unit computes exactly the logistic-regression probability.")
    derivation = catalog.build("logistic-regression")
    say(derivation.text())
    say(str(derivation.verify()).splitlines()[0])

    _section(say, "3. The digit neuron", "One sigmoid neuron reads a flattened 7×5 image (35 inputs) and says 0 or 1.")
    lecture = digits.lecture()
    say("the slides' images:\n" + "\n\n".join(digits.show(x) for x in lecture.X))
    report = classify_digits("lecture", show_progress=False)
    say("\n".join(report.lines()))
    written.append(plots.digits_figure(figures / "lecture-digits.png", lecture.X, list(lecture.y), "The lecture's digits"))
    written.append(plots.weights_figure(figures / "digit-neuron-weights.png", weights_image(report),
                                        bias=float(report.result.params.b(1)[0])))
    written.append(plots.training_figure(figures / "digit-neuron-training.png", report.result.history,
                                         "Training the digit neuron"))

    _section(say, "4. Layers and notation",
             "Layer j: z_i = Σ_k w_ki a_k + b_i for each unit i, then a_i = g(z_i); W has entry (k, i) = w_ki.")
    demand = Network([4, 3, 1], activation="sigmoid", input_names=DEMAND_INPUTS, unit_names=DEMAND_UNITS)
    say(str(demand))
    say(pretty(demand.layer(2)))
    say("W[1] =\n" + pretty(demand.W(1)))
    written.append(plots.network_figure(figures / "network-3-4-1.png", Network([3, 4, 1])))

    _section(say, "5. Activation functions", "g adds the nonlinearity; whether g is affine is decided from g itself.")
    for name in activation_names():
        activation = get(name)
        shown = activation.readable.g if activation.readable is not None else str(activation.expr)
        say(f"  {name:11} g(z) = {shown:22}  affine: {'yes' if activation.is_affine else 'no'}")
    written.append(plots.activations_figure(figures / "activations.png"))

    _section(say, "6. All activations linear: a linear model",
             "With g(z) = z everywhere the 3-4-1 network is f(x) = w'·x, whatever its hidden layer.")
    result = collapse(Network([3, 4, 1], activation="linear", bias=False))
    for line in result.definitions():
        say(pretty(line.lhs) + " = " + pretty(line.rhs))
    say(f"verified: {result.verify().method}")
    try:
        collapse(Network([2, 2, 1], activation="sigmoid"))
    except NotCollapsible as error:
        witness = error.witness
        say("a sigmoid network does not collapse: with exact weights, "
            f"x = {witness.x}, y = {witness.y}: f(x + y) + f(0) − f(x) − f(y) ≈ {witness.difference.evalf(8)} ≠ 0")

    _section(say, "7. Backpropagation: one step with numbers",
             "Errors δ = ∂L/∂z flow down from the output; each gradient is input × δ.")
    bp = backprop(Network([2, 2, 2], activation="sigmoid"), "squared_error")
    values = parameter_values(bp, catalog_backprop.MAZUR_WEIGHTS, catalog_backprop.MAZUR_BIASES,
                              catalog_backprop.MAZUR_INPUTS, catalog_backprop.MAZUR_TARGETS)
    numbers, gradients = bp.numbers(values), bp.gradient_values(values)
    new = bp.updated(values, Rational(1, 2))
    for i in (1, 2):
        say(f"  {pretty(notation.delta(i, 2))} = (a − y)⋅a⋅(1 − a) ≈ {pretty(numbers[notation.delta(i, 2)].evalf(9))}")
    for theta in (notation.w(1, 1, 2), notation.w(1, 1, 1)):
        say(f"  {pretty(theta)} ← {pretty(values[theta].evalf(2))} − 0.5⋅{pretty(gradients[theta].evalf(9))} "
            f"≈ {pretty(new[theta].evalf(9))}")
    say("  (every number of this step, checked: derivations/backprop-worked-example.tex)")

    written += _ten_digits(say, figures)

    docs = documents.generate(kinds=("tex", "html"), workers=TOUR_CHECK_WORKERS)
    # the same README.md as `symnn derive --all --out derivations` writes: the pages are in index.html
    docs.append(documents.index([d for d in docs if d.filename.endswith(".tex")]))
    written += documents.write(docs, out / "derivations")
    if pdf is None:
        pdf = shutil.which("pdflatex") is not None
    if pdf:
        written += documents.compile_pdfs([path for path in written if path.suffix == ".tex"])
    index = out / "index.md"
    documents.write_text_atomic(index, _index(out, written))
    page = out / "index.html"
    documents.write_text_atomic(page, _index_html(written, docs))
    written += [index, page]
    return written


TOUR_VARIANTS = 300  # noisy copies in each of the training and test sets of the tour's ten-digit classifier


def _ten_digits(say: Callable[[str], None], figures: Path) -> list[Path]:
    """Section 8: all ten digits, a softmax output, trained and tested on held-out noisy copies; its pictures."""
    _section(say, "8. Ten digits: a softmax output",
             "Ten output units, one per digit; softmax turns their z into probabilities that sum to 1, and with "
             "the cross-entropy each unit's error is a − y, as for the lecture's sigmoid neuron.")
    ten = digits.lecture(classes=10)
    pictures = [digits.show(x).splitlines() for x in ten.X]
    say("the ten digits in the lecture's 7×5 style:\n" + "\n".join("  ".join(rows) for rows in zip(*pictures)))
    output = Network([35, 10], activation="softmax").layer(1)
    say(pretty(output.equations(1)[1]))
    report = classify_digits("variants", classes=10, show_progress=False, variant_images=TOUR_VARIANTS)
    say("\n".join(report.lines()))
    say("  (real handwriting, with the pictures:\n   symnn digits --classes 10 --data handwritten --plot DIR)")
    say(textwrap.fill("An all-linear network under softmax is multinomial logistic regression, softmax(W′ᵀx + b′): "
                      "derivations/collapse-softmax.tex; backpropagation through softmax: "
                      "derivations/backprop-softmax.tex", TOUR_COLUMNS))
    return [plots.digits_figure(figures / "ten-digits.png", ten.X, list(ten.y), "The ten digits, 7×5"),
            plots.class_weights_figure(figures / "ten-digit-weights.png", report),
            plots.confusion_figure(figures / "ten-digit-confusion.png", report)]


def _index(out: Path, written: list[Path]) -> str:
    lines = ["# symnn tour", "", "What `symnn tour` wrote. Regenerate with `symnn tour --out DIR`.", ""]
    for heading, folder in (("Figures", "figures"), ("Derivations", "derivations")):
        lines += [f"## {heading}", ""]
        for path in sorted(p for p in written if p.parent.name == folder):
            relative = path.relative_to(out).as_posix()
            lines.append(f"- ![{path.stem}]({relative})" if path.suffix == ".png" else f"- [{path.name}]({relative})")
        lines.append("")
    return "\n".join(lines)


def _index_html(written: list[Path], docs: list) -> str:
    """index.html: the figures embedded, and a link to each derivation's HTML page."""
    figures = [(path.stem.replace("-", " "), path.read_bytes())
               for path in sorted(written) if path.parent.name == "figures" and path.suffix == ".png"]
    links = [(f"derivations/{d.filename}", d.title, f"({d.steps} steps)") for d in docs if d.filename.endswith(".html")]
    return index_html("symnn tour", "What symnn tour wrote: the lecture's figures, and every derivation as a page "
                      "whose steps symnn verified. Regenerate with symnn tour --out DIR.", links, figures)
