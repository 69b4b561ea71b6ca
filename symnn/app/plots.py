"""Pictures with matplotlib (optional extra ``symnn[plot]``, imported only when a picture is asked for).

Activation functions and their derivatives, the 7×5 digits, a trained neuron's
weights as a 7×5 heat map, a network diagram labelled a_i^{[j]} and w_{ki}^{[j]},
and a training curve. Each function writes a PNG atomically and returns its path.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Sequence

import numpy as np
from sympy import Piecewise

from symnn.app.files import write_bytes_atomic
from symnn.core.activations import get
from symnn.errors import FailureError, InvalidArgumentError, require
from symnn.core.network import Network
from symnn.numeric.compile import elementwise, numpy_activation
from symnn.core.printing import SymnnLatexPrinter

DPI = 120


def _pyplot():
    matplotlib = require("matplotlib", "plot", "pictures")
    matplotlib.use("Agg")  # files only: no window, works without a display
    import matplotlib.pyplot as plt

    return plt


def _save(figure, path) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise InvalidArgumentError(f"pictures are written as PNG: give a file name ending in .png, not {path.name!r}")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    _pyplot().close(figure)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, buffer.getvalue())
    except OSError as error:
        raise FailureError(f"cannot write {path}: {error.strerror}") from None
    return path


def _math(expr) -> str:
    return "$" + SymnnLatexPrinter().doprint(expr) + "$"


ACTIVATION_PANELS = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "softplus", "step")


def activations_figure(path, names: Sequence[str] = ACTIVATION_PANELS) -> Path:
    """g(z) and g′(z) of each activation on one figure, as on the lecture's activation slides."""
    plt = _pyplot()
    z = np.linspace(-5, 5, 801)
    figure, axes = plt.subplots(2, (len(names) + 1) // 2, figsize=(3.2 * ((len(names) + 1) // 2), 6), squeeze=False)
    for axis, name in zip(axes.flat, names):
        activation = get(name)
        derivative = numpy_derivative(activation)
        axis.plot(z, numpy_activation(activation)(z), label="g(z)", linewidth=2)
        axis.plot(z, derivative(z), label="g′(z)", linestyle="--")
        # matplotlib's mathtext has no cases environment: a piecewise g is titled by name alone
        formula = "" if activation.expr.has(Piecewise) else f": $g(z) = {SymnnLatexPrinter().doprint(activation.expr)}$"
        axis.set_title(name + formula, fontsize=8)
        axis.axhline(0, color="grey", linewidth=0.5)
        axis.axvline(0, color="grey", linewidth=0.5)
        axis.legend(fontsize=7)
    for axis in list(axes.flat)[len(names):]:
        axis.set_visible(False)
    figure.suptitle("Activation functions and their derivatives")
    return _save(figure, path)


def numpy_derivative(activation):
    """g′ as a NumPy function, from the activation record's stable g′ where it has one, else SymPy's g′.

    Heaviside at 0 is taken as 1/2.
    """
    derivative = elementwise(activation.numeric_derivative)
    return lambda values: derivative(np.asarray(values, dtype=float))


def digits_figure(path, images: np.ndarray, labels: Sequence | None = None, title: str = "") -> Path:
    """7×5 binary images side by side, black ink on white."""
    plt = _pyplot()
    images = np.asarray(images).reshape(-1, 7, 5)
    figure, axes = plt.subplots(1, len(images), figsize=(1.6 * len(images), 2.4), squeeze=False)
    for number, (axis, picture) in enumerate(zip(axes.flat, images)):
        axis.imshow(picture, cmap="Greys", vmin=0, vmax=1)
        axis.set_xticks([])
        axis.set_yticks([])
        if labels is not None:
            axis.set_title(f"digit {labels[number]}")
    if title:
        figure.suptitle(title)
    return _save(figure, path)


def weights_figure(path, weights: np.ndarray, title: str = "Weights of the digit neuron") -> Path:
    """A neuron's 35 weights as the 7×5 picture they multiply, diverging colours centred on zero."""
    plt = _pyplot()
    picture = np.asarray(weights, dtype=float).reshape(7, 5)
    limit = float(np.abs(picture).max()) or 1.0
    figure, axis = plt.subplots(figsize=(3.4, 4.2))
    shown = axis.imshow(picture, cmap="RdBu_r", vmin=-limit, vmax=limit)
    for (row, column), value in np.ndenumerate(picture):
        axis.text(column, row, f"{value:.1f}", ha="center", va="center", fontsize=7)
    axis.set_xticks(range(5), [f"{c + 1}" for c in range(5)])
    axis.set_yticks(range(7), [f"{r + 1}" for r in range(7)])
    axis.set_title(title + "\n(red pushes towards 1, blue towards 0)", fontsize=9)
    figure.colorbar(shown, ax=axis, shrink=0.8, label="$w_{k1}^{[1]}$")
    return _save(figure, path)


def network_figure(path, network: Network, max_units: int = 8) -> Path:
    """The network as circles a_i^{[j]} in columns, edges labelled w_{ki}^{[j]} (small networks)."""
    plt = _pyplot()
    if max(network.sizes) > max_units:
        raise InvalidArgumentError(f"the diagram draws at most {max_units} units per layer; "
                                   f"{network!r} has a layer of {max(network.sizes)}")
    figure, axis = plt.subplots(figsize=(2.6 * len(network.sizes), 1.0 * max(network.sizes) + 1.5))
    positions = {}
    for j, size in enumerate(network.sizes):
        for i in range(1, size + 1):
            positions[j, i] = (j * 3.0, (size + 1) / 2 - i)
    for layer in network.layers:
        j = layer.index
        for k in range(1, layer.n_in + 1):
            for i in range(1, layer.n_out + 1):
                (x0, y0), (x1, y1) = positions[j - 1, k], positions[j, i]
                axis.plot([x0, x1], [y0, y1], color="grey", linewidth=0.8, zorder=1)
                if layer.n_in * layer.n_out <= 6 or i == 1:  # label every edge, or only those into unit 1
                    axis.text(x0 + 0.3 * (x1 - x0), y0 + 0.3 * (y1 - y0), _math(layer.weight(k, i)), fontsize=7,
                              ha="center", va="center", backgroundcolor="white", zorder=2)
    for (j, i), (x, y) in positions.items():
        label = network.a(0, i) if j == 0 else network.layer(j).a_symbol(i)
        axis.add_patch(plt.Circle((x, y), 0.42, facecolor="#dbe9f6" if j else "#f2f2f2", edgecolor="black", zorder=3))
        axis.text(x, y, _math(label), ha="center", va="center", fontsize=9, zorder=4)
    for j in range(len(network.sizes)):
        caption = "input" if j == 0 else f"layer {j}: {network.layer(j).activation.name}"
        axis.text(j * 3.0, (max(network.sizes) + 1) / 2 + 0.3, caption, ha="center", fontsize=9)
    axis.set_aspect("equal")
    axis.axis("off")
    return _save(figure, path)


def training_figure(path, history, title: str = "Training") -> Path:
    """Loss (and accuracy, for a classifier) per epoch."""
    plt = _pyplot()
    if not history:
        raise InvalidArgumentError("the training history is empty: nothing to plot")
    epochs = [record.epoch for record in history]
    figure, axis = plt.subplots(figsize=(5, 3.2))
    axis.plot(epochs, [record.loss for record in history], label="loss")
    axis.set_xlabel("epoch")
    axis.set_ylabel("mean loss")
    if history[0].accuracy is not None:
        other = axis.twinx()
        other.plot(epochs, [record.accuracy for record in history], color="tab:green", label="accuracy")
        other.set_ylabel("accuracy")
        other.set_ylim(0, 1.05)
    axis.set_title(title)
    return _save(figure, path)
