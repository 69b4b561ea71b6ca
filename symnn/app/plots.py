"""Pictures with matplotlib (optional extra ``symnn[plot]``, imported only when a picture is asked for).

Activation functions and their derivatives, a network diagram labelled a_i^{[j]},
w_{ki}^{[j]} and b_i^{[j]} (the layout of ``symnn.render.diagram``, shared with the
TikZ and SVG pictures), and a training curve; the pictures of the digits and of a
digit classifier (images, weights on the 7×5 grid, confusion matrix) live in
``symnn.app.digit_plots`` and are reachable here too. Each ``draw_*`` function
returns a matplotlib ``Figure`` (made without pyplot, so a notebook's backend is
left alone); each ``*_figure`` function draws it, writes a PNG atomically and
returns its path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
from sympy import Max, Piecewise, Rational, exp, log, tanh

from symnn.app.digit_plots import (PIXEL_NOTE, class_weights_figure, confusion_figure, digits_figure,  # noqa: F401
                                   draw_class_weights, draw_confusion, draw_digits, draw_examples, draw_report_weights,
                                   draw_weights, examples_figure, weights_figure)
from symnn.app.figures import DPI, check_path, minus, new_figure, number, save_png, to_png  # noqa: F401
from symnn.core.activations import LOSSES, Activation, get, z
from symnn.core.network import Network
from symnn.core.printing import SymnnLatexPrinter
from symnn.errors import InvalidArgumentError
from symnn.numeric.compile import elementwise, numpy_activation
from symnn.render.diagram import is_box, layout, name_lines, node_box, symbol_center

# --- activation functions --------------------------------------------------------------

# The lecture's way of writing each g it shows, keyed by the expression g(z) itself (mathtext)
LECTURE_FORMULAS = {
    z: r"$g(z) = z$",
    1 / (1 + exp(-z)): r"$\sigma(z) = \dfrac{1}{1 + e^{-z}}$",
    tanh(z): r"$\tanh(z) = \dfrac{e^{z} - e^{-z}}{e^{z} + e^{-z}}$",
    Max(0, z): r"$\mathrm{ReLU}(z) = \max(z,\ 0)$",
    log(1 + exp(z)): r"$\mathrm{softplus}(z) = \log(1 + e^{z})$",
}


def _piecewise_formula(expr) -> str | None:
    """Leaky ReLU as max(z, cz) with its real slope c; a step as "1 if z ≥ θ else 0"; else None."""
    if not isinstance(expr, Piecewise) or len(expr.args) != 2 or expr.args[1].cond != True:  # noqa: E712
        return None
    (first, condition), (second, _) = expr.args
    if condition == (z >= 0) and first == z and second.is_Mul and (second / z).is_Rational:
        slope = second / z
        if 0 < slope < 1:
            shown = f"{float(slope):g}" if Rational(slope).q in (1, 2, 4, 5, 10, 20, 25, 50, 100, 1000) else str(slope)
            return rf"$g(z) = \max(z,\ {shown}z)$"
    if getattr(condition, "lhs", None) == z and condition.rel_op == ">=" and (first, second) == (1, 0):
        threshold = SymnnLatexPrinter().doprint(condition.rhs)
        return rf"$g(z) = 1$ if $z \geq {threshold}$ else $0$"
    return None


def activation_formula(activation: Activation) -> str:
    """The panel title's formula in the lecture's form (σ(z) = 1/(1 + e^{−z}), ReLU = max(z, 0), …)."""
    known = LECTURE_FORMULAS.get(activation.expr) or _piecewise_formula(activation.expr)
    if known is not None:
        return known
    if activation.expr.has(Piecewise):  # mathtext has no cases environment: one "value if condition" a piece
        pieces = [f"${SymnnLatexPrinter().doprint(value)}$"
                  + ("" if condition == True else f" if ${SymnnLatexPrinter().doprint(condition)}$")  # noqa: E712
                  for value, condition in activation.expr.args]
        return "$g(z) =$ " + ", else ".join(pieces)
    return f"$g(z) = {SymnnLatexPrinter().doprint(activation.expr)}$"


ACTIVATION_PANELS = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "softplus", "step")


def numpy_derivative(activation):
    """g′ as a NumPy function, from the activation record's stable g′ where it has one, else SymPy's g′.

    Heaviside at 0 is taken as 1/2.
    """
    derivative = elementwise(activation.numeric_derivative)
    return lambda values: derivative(np.asarray(values, dtype=float))


def draw_activations(names: Sequence[str] = ACTIVATION_PANELS):
    """g(z) and g′(z) of each activation, one titled panel each, as on the lecture's activation slides."""
    columns = min(4, len(names))
    rows = -(-len(names) // columns)
    figure = new_figure(figsize=(3.3 * columns, 3.1 * rows), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False)
    z_values = np.linspace(-5, 5, 801)
    for axis, name in zip(axes.flat, names):
        activation = get(name)
        axis.axhline(0, color="grey", linewidth=0.5)
        axis.axvline(0, color="grey", linewidth=0.5)
        axis.plot(z_values, numpy_activation(activation)(z_values), label="$g(z)$", linewidth=2)
        axis.plot(z_values, numpy_derivative(activation)(z_values), label="$g'(z)$", linestyle="--")
        axis.set_title(f"{name.replace('_', ' ')}\n{activation_formula(activation)}", fontsize=10)
        axis.set_xlabel("$z$")
        axis.set_ylabel("$g(z)$,  $g'(z)$")
        axis.legend(fontsize=8, loc="upper left")
        axis.grid(alpha=0.25)
    for axis in list(axes.flat)[len(names):]:
        axis.set_visible(False)
    figure.suptitle("Activation functions $g(z)$ (solid) and their derivatives $g'(z)$ (dashed)")
    return figure


def activations_figure(path, names: Sequence[str] = ACTIVATION_PANELS) -> Path:
    """``draw_activations`` written to ``path`` (PNG)."""
    check_path(path)
    return save_png(draw_activations(names), path)


# --- the network diagram ---------------------------------------------------------------------

NETWORK_SCALE = 1.4  # the PNG is drawn at 1.4 : 1 of the layout's centimetres, fonts scaled alike


def draw_network(network: Network):
    """The network of ``symnn.render.diagram.layout``: circles a_i^{[j]} in columns, arrows labelled
    w_{ki}^{[j]} on their own edges, and bias nodes 1 feeding each unit through b_i^{[j]}.

    Labels and symbols are mathtext in Computer Modern (``$w_{21}^{[1]}$``: italic w, the
    scripts stacked), as in the LaTeX derivations; names and captions in a roman face.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle

    diagram = layout(network)
    x0, y0, x1, y1 = diagram.bounds
    # at 1 : 1 a label is 8 pt, as the layout's box sizes assume; everything is scaled alike
    k = NETWORK_SCALE
    figure = new_figure(figsize=(k * (x1 - x0) / 2.54, k * (y1 - y0) / 2.54))
    axis = figure.add_axes((0, 0, 1, 1))
    axis.set_xlim(x0, x1)
    axis.set_ylim(y0, y1)
    axis.set_aspect("equal")
    axis.axis("off")
    cm_math = dict(math_fontfamily="cm")
    roman = dict(family="serif", math_fontfamily="cm")
    for edge in diagram.edges:
        axis.add_patch(FancyArrowPatch(edge.start, edge.end, arrowstyle="-|>", mutation_scale=9 * k, shrinkA=0,
                                       shrinkB=0, color="0.3", linewidth=0.8 * k,
                                       linestyle="--" if edge.bias else "-", zorder=1))
    for edge in diagram.edges:
        if edge.label is not None:
            (x, y), (w, h) = edge.label, edge.label_size
            axis.add_patch(Rectangle((x - w / 2, y - h / 2), w, h, facecolor="white", edgecolor="none", zorder=2))
            axis.text(x, y, f"${edge.latex}$", fontsize=8 * k, color="black", ha="center", va="center",
                      zorder=2.5, **cm_math)
    fills = {"input": "#f2f2f2", "unit": "#dbe9f6", "bias": "#fff6d5"}
    for node in diagram.nodes:
        if is_box(node):
            bx0, by0, bx1, by1 = node_box(node)
            axis.add_patch(FancyBboxPatch((bx0, by0), bx1 - bx0, by1 - by0, boxstyle="round,pad=0,rounding_size=0.07",
                                          facecolor=fills[node.kind], edgecolor="black", linewidth=1.2 * k, zorder=3))
        else:
            axis.add_patch(Circle((node.x, node.y), node.radius, facecolor=fills[node.kind], edgecolor="black",
                                  linewidth=1.2 * k, zorder=3))
        axis.text(*symbol_center(node), f"${node.latex}$", ha="center", va="center", zorder=4,
                  fontsize=(10 if node.kind != "bias" else 8) * k, **cm_math)
        for x, y, align, text in name_lines(node):
            axis.text(x, y, text, ha=align, va="center", fontsize=7 * k, color="0.2", zorder=4, **roman)
    for caption in diagram.captions:
        axis.text(caption.x, caption.y, caption.text, ha="center", va="baseline", fontsize=10 * k, **roman)
    bias = ", biases $b_i^{[j]}$" if network.has_bias else ", no biases"
    axis.set_title(f"Network {'-'.join(map(str, network.sizes))}: units $a_i^{{[j]}}$, "
                   f"weights $w_{{ki}}^{{[j]}}${bias}", fontsize=11 * k, **roman)
    handles = [Line2D([], [], color="0.3", linewidth=0.8, label="weight $w_{ki}^{[j]}$: from unit $k$ to unit $i$")]
    if network.has_bias:
        handles.append(Line2D([], [], color="0.3", linewidth=0.8, linestyle="--",
                              label="bias $b_i^{[j]}$: from the node 1 to unit $i$"))
    legend = axis.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(handles),
                         fontsize=8 * k, frameon=False)
    for text in legend.get_texts():
        text.set_fontfamily("serif")
        text.set_math_fontfamily("cm")
    return figure


def network_figure(path, network: Network) -> Path:
    """``draw_network`` written to ``path`` (PNG)."""
    check_path(path)
    return save_png(draw_network(network), path)


# --- training -------------------------------------------------------------------------------------

# What each loss of symnn.core.activations.LOSSES is, as the y axis names it (train records its mean over samples)
LOSS_NAMES = {
    "bce": "binary cross-entropy  −[y log a + (1 − y) log(1 − a)]",
    "mse": "squared error  ½ Σ (a − y)²",
    "squared_error": "squared error  ½ Σ (a − y)²",  # the same loss under its newer name
    "cross_entropy": "cross-entropy  −Σ y log a",  # categorical, after a softmax output
}
if set(LOSS_NAMES) != set(LOSSES):  # checked at import: a new loss needs its name here
    raise RuntimeError(f"plots.LOSS_NAMES {sorted(LOSS_NAMES)} does not match LOSSES {sorted(LOSSES)}")


def draw_training(history, title: str = "Training", loss: str | None = None):
    """The mean loss per epoch (and the accuracy, for a classifier), the loss named on its axis.

    ``loss`` is the name given to ``train``; when left out it is "bce" if the history
    records an accuracy (train records one only for binary cross-entropy), else "mse".
    """
    if not history:
        raise InvalidArgumentError("the training history is empty: nothing to plot")
    accuracy = history[0].accuracy is not None
    loss = loss if loss is not None else ("bce" if accuracy else "mse")
    if loss not in LOSS_NAMES:
        raise InvalidArgumentError(f"unknown loss {loss!r}; choose one of {', '.join(LOSS_NAMES)}")
    epochs = [record.epoch for record in history]
    figure = new_figure(figsize=(6.4, 3.8), layout="constrained")
    axis = figure.add_subplot()
    lines = axis.plot(epochs, [record.loss for record in history], color="tab:blue", label=f"loss ({loss})")
    axis.set_xlabel("epoch")
    axis.set_ylabel(f"mean {LOSS_NAMES[loss].split('  ')[0]}\nover the training samples", fontsize=9)
    axis.set_ylim(bottom=0)
    axis.grid(alpha=0.25)
    if accuracy:
        other = axis.twinx()
        lines += other.plot(epochs, [record.accuracy for record in history], color="tab:green", linestyle="--",
                            label="accuracy on the training set")
        other.set_ylabel("accuracy")
        other.set_ylim(0, 1.05)
    axis.legend(handles=lines, loc="center right", fontsize=8)
    axis.set_title(f"{title}\nloss per sample: {LOSS_NAMES[loss]}", fontsize=10)
    return figure


def training_figure(path, history, title: str = "Training", loss: str | None = None) -> Path:
    """``draw_training`` written to ``path`` (PNG)."""
    check_path(path)
    return save_png(draw_training(history, title, loss), path)


# --- a digit classifier's pictures, all at once ---------------------------------------------------

# the files ``report_figures`` writes into its folder
REPORT_FIGURES = ("confusion.png", "weights.png", "training.png", "examples.png")


def report_figures(report, directory) -> list[Path]:
    """A trained digit classifier's pictures as PNGs in ``directory``: the confusion matrix on its test images,
    the first layer's weights on the 7×5 grid, the training curve, and one test image of each digit as the
    network reads it (``symnn digits --plot DIR``)."""
    directory = Path(directory)
    confusion, weights, training, example = (directory / name for name in REPORT_FIGURES)
    loss = "bce" if report.classes == 2 else "cross_entropy"
    return [confusion_figure(confusion, report), class_weights_figure(weights, report),
            training_figure(training, report.result.history, f"Training {report.network!r} on {report.data}", loss),
            examples_figure(example, report)]
