"""Pictures of the 7×5 digits and of a trained digit classifier: images, weights on the grid, confusion matrix.

A weight w_{ki}^{[1]} multiplies pixel k, so unit i's 35 weights drawn where their pixels
are show what the unit "looks for": red where ink raises its z_i^{[1]}, blue where ink
lowers it. Every panel of one picture shares one colour scale centred on 0, so panels
compare. matplotlib is imported only when a picture is drawn (``symnn[plot]``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from symnn.app.classify import DigitReport, examples, unit_weights
from symnn.app.figures import check_path, new_figure, number, save_png, text_colour
from symnn.data.digits import COLUMNS, ROWS
from symnn.errors import InvalidArgumentError

# the flattening of symnn.data.digits: row by row, x_1..x_5 the top row
PIXEL_NOTE = "input k = 5·(row − 1) + column: x₁…x₅ the top row, x₃₁…x₃₅ the bottom row"
PANELS_PER_ROW = 5
# a hidden layer's picture shows at most this many units (the CLI's largest --hidden)
MOST_PANELS = 16


def weight_name(unit: int) -> str:
    """w_{ki}^{[1]} for unit i in LaTeX, with the notation's comma once i has two digits (w_{k,10}^{[1]})."""
    return f"w_{{k{unit}}}^{{[1]}}" if unit < 10 else f"w_{{k,{unit}}}^{{[1]}}"


def _grid_ticks(axis, fontsize: float) -> None:
    """Columns 1..5 across and rows 1..7 down, as the 35-vector counts them."""
    axis.set_xticks(range(COLUMNS), [str(c + 1) for c in range(COLUMNS)], fontsize=fontsize)
    axis.set_yticks(range(ROWS), [str(r + 1) for r in range(ROWS)], fontsize=fontsize)


def draw_digits(images: np.ndarray, labels: Sequence | None = None, title: str = "",
                titles: Sequence[str] | None = None):
    """7×5 binary images, black ink on white, five to a row, rows and columns numbered as the 35-vector counts them.

    Each is titled "digit <label>" (``titles`` replaces these), or "image <n>" without labels.
    """
    images = np.asarray(images).reshape(-1, ROWS, COLUMNS)
    if titles is None:
        titles = [f"digit {label}" for label in labels] if labels is not None else \
            [f"image {n + 1}" for n in range(len(images))]
    if len(titles) != len(images):
        raise InvalidArgumentError(f"{len(images)} images need {len(images)} titles or labels, not {len(titles)}")
    columns = min(PANELS_PER_ROW, len(images))
    rows = -(-len(images) // columns)
    figure = new_figure(figsize=(1.9 * columns + 0.6, 2.8 * rows + 0.2), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False)
    for number_, axis in enumerate(axes.flat):
        if number_ >= len(images):
            axis.set_visible(False)
            continue
        axis.imshow(images[number_], cmap="Greys", vmin=0, vmax=1)
        _grid_ticks(axis, 7)
        axis.set_xlabel("column", fontsize=8)
        axis.set_ylabel("row", fontsize=8)
        axis.set_title(titles[number_], fontsize=10)
    figure.suptitle(title or "7×5 digit images")
    return figure


def digits_figure(path, images: np.ndarray, labels: Sequence | None = None, title: str = "",
                  titles: Sequence[str] | None = None) -> Path:
    """``draw_digits`` written to ``path`` (PNG)."""
    check_path(path)
    return save_png(draw_digits(images, labels, title, titles), path)


def draw_examples(report: DigitReport):
    """The first test image of each digit, titled with the digit it was read as (what the 7×5 data looks like)."""
    images, labels, predictions = examples(report)
    titles = [f"digit {t}: read as {p}" + (" ✓" if t == p else " ✗") for t, p in zip(labels, predictions)]
    return draw_digits(images, title=f"The first {report.data} test image of each digit, as {report.network!r} "
                                     "reads it", titles=titles)


def examples_figure(path, report: DigitReport) -> Path:
    """``draw_examples`` written to ``path`` (PNG)."""
    check_path(path)
    return save_png(draw_examples(report), path)


def draw_weights(weights: np.ndarray, title: str = "Weights of the digit neuron", bias: float | None = None):
    """A neuron's 35 weights w_{k1}^{[1]} as the 7×5 picture they multiply, diverging colours centred on zero."""
    picture = np.asarray(weights, dtype=float).reshape(ROWS, COLUMNS)
    limit = float(np.abs(picture).max()) or 1.0
    figure = new_figure(figsize=(4.6, 5.6), layout="constrained")
    axis = figure.add_subplot()
    shown = axis.imshow(picture, cmap="RdBu_r", vmin=-limit, vmax=limit)
    for (row, column), value in np.ndenumerate(picture):
        axis.text(column, row, number(value), ha="center", va="center", fontsize=8,
                  color=text_colour(shown.cmap(shown.norm(value))))
    _grid_ticks(axis, None)
    axis.set_xlabel("column")
    axis.set_ylabel("row (top to bottom)")
    heading = title if bias is None else f"{title}\nbias $b_1^{{[1]}}$ = {number(bias, 2)}"
    axis.set_title(heading, fontsize=10)
    figure.colorbar(shown, ax=axis, shrink=0.85, label="weight $w_{k1}^{[1]}$  (red: towards 1, blue: towards 0)")
    figure.supxlabel(PIXEL_NOTE, fontsize=8)
    return figure


def weights_figure(path, weights: np.ndarray, title: str = "Weights of the digit neuron",
                   bias: float | None = None) -> Path:
    """``draw_weights`` written to ``path`` (PNG)."""
    check_path(path)
    return save_png(draw_weights(weights, title, bias), path)


def draw_class_weights(images: np.ndarray, titles: Sequence[str], title: str, colour_label: str):
    """One 7×5 panel per unit (``images``: units × 7 × 5), all on one colour scale centred on 0, one colour bar."""
    images = np.asarray(images, dtype=float)
    if images.ndim != 3 or images.shape[1:] != (ROWS, COLUMNS) or not 1 <= len(images) <= MOST_PANELS:
        raise InvalidArgumentError(f"weight panels take 1 to {MOST_PANELS} pictures of {ROWS}×{COLUMNS}, "
                                   f"not an array of shape {images.shape}")
    if len(titles) != len(images):
        raise InvalidArgumentError(f"{len(images)} weight panels need {len(images)} titles, not {len(titles)}")
    limit = float(np.abs(images).max()) or 1.0
    columns = min(PANELS_PER_ROW, len(images))
    rows = -(-len(images) // columns)
    figure = new_figure(figsize=(1.75 * columns + 1.3, 2.7 * rows + 0.9), layout="constrained")
    figure.get_layout_engine().set(h_pad=0.12)  # room between a panel's column numbers and the title below
    axes = figure.subplots(rows, columns, squeeze=False)
    shown = None
    for number_, axis in enumerate(axes.flat):
        if number_ >= len(images):
            axis.set_visible(False)
            continue
        shown = axis.imshow(images[number_], cmap="RdBu_r", vmin=-limit, vmax=limit)
        _grid_ticks(axis, 6)
        axis.set_title(titles[number_], fontsize=9)
        if number_ % columns == 0:
            axis.set_ylabel("row", fontsize=8)
        if number_ + columns >= len(images):
            axis.set_xlabel("column", fontsize=8)
    figure.colorbar(shown, ax=axes, shrink=0.8, label=colour_label)
    figure.suptitle(title, fontsize=11)
    figure.supxlabel(PIXEL_NOTE, fontsize=8)
    return figure


def class_weights_figure(path, report: DigitReport) -> Path:
    """The report's first-layer weights on the 7×5 grid (``draw_report_weights``) written to ``path`` (PNG)."""
    check_path(path)
    return save_png(draw_report_weights(report), path)


def draw_report_weights(report: DigitReport):
    """What the first layer looks for: each output unit's weights (no hidden layer), else the hidden units'.

    A single sigmoid neuron gets ``draw_weights`` (its one unit, each weight written in its cell).
    """
    images, layer_units = unit_weights(report)
    model = "-".join(map(str, report.network.sizes))
    if report.network.depth == 1 and report.classes == 2:
        return draw_weights(images[0], f"Weights of the digit neuron ({model})", bias=float(report.result.params.b(1)[0]))
    if report.network.depth == 1:
        titles = [f"digit {i}\n${weight_name(i + 1)}$" for i in range(len(images))]
        return draw_class_weights(images, titles, f"What each output unit looks for ({model}, softmax): "
                                                  "its 35 weights on the 7×5 grid",
                                  "weight $w_{ki}^{[1]}$ (red: ink there raises $z_i^{[1]}$, blue: lowers it)")
    shown = images[:MOST_PANELS]
    titles = [f"hidden unit {i + 1}\n${weight_name(i + 1)}$" for i in range(len(shown))]
    more = "" if len(shown) == layer_units else f" (the first {len(shown)} of {layer_units})"
    return draw_class_weights(shown, titles, f"The hidden units' weights in {model}{more}: what layer 1 looks for\n"
                                             "(the output layer weighs these units, not pixels)",
                              "weight $w_{ki}^{[1]}$ (red: ink there raises $z_i^{[1]}$, blue: lowers it)")


def draw_confusion(matrix: np.ndarray, title: str = "Confusion matrix"):
    """Counts of images by true class (rows) and predicted class (columns), each written in its cell."""
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] < 2 or matrix.dtype.kind not in "iu":
        raise InvalidArgumentError(f"a confusion matrix is a square table of counts for 2 or more classes, not an "
                                   f"array of shape {matrix.shape} of {matrix.dtype}")
    from matplotlib.ticker import MaxNLocator

    classes = matrix.shape[0]
    size = 1.5 + 0.5 * classes
    figure = new_figure(figsize=(size + 1.2, size + 0.3), layout="constrained")
    axis = figure.add_subplot()
    shown = axis.imshow(matrix, cmap="Blues", vmin=0, vmax=max(1, int(matrix.max())))
    for (row, column), count in np.ndenumerate(matrix):
        axis.text(column, row, str(count), ha="center", va="center", fontsize=9 if classes > 5 else 12,
                  color=text_colour(shown.cmap(shown.norm(count))))
    axis.set_xticks(range(classes), [str(c) for c in range(classes)])
    axis.set_yticks(range(classes), [str(c) for c in range(classes)])
    axis.set_xlabel("predicted digit")
    axis.set_ylabel("true digit")
    axis.set_title(title, fontsize=10)
    figure.colorbar(shown, ax=axis, shrink=0.8, label="images", ticks=MaxNLocator(nbins=6, integer=True))
    return figure


def confusion_title(report: DigitReport) -> str:
    """"Held-out test images: 98.3 % correct (1 966 of 2 000)", with the model."""
    matrix = report.confusion
    right, total = int(np.trace(matrix)), int(matrix.sum())
    images = "held-out test images" if report.held_out else "test images (the training images: there are no others)"
    return (f"{report.data}, {report.classes} digits, {report.network!r}\n"
            f"{images}: {report.test_accuracy:.1%} correct ({right} of {total})")


def confusion_figure(path, report: DigitReport) -> Path:
    """The report's confusion matrix on its test images, titled with the accuracy, written to ``path`` (PNG)."""
    check_path(path)
    return save_png(draw_confusion(report.confusion, confusion_title(report)), path)
