"""The Digits panel: a drawing on the 7×5 grid through the trained digit network, and its weight pictures.

The two digit networks are the ones ``symnn digits`` trains (the lecture's 35-1 sigmoid neuron for
0 and 1; a 35-10 softmax for all ten), on noisy variants of the lecture's glyphs so that a hand
drawing is not a stranger; each is trained once per server (under a second) and then only read.
"""

from __future__ import annotations

import threading

import numpy as np
from sympy import Add, Float, Mul, UnevaluatedExpr

from symnn.app.classify import DigitReport, classify_digits
from symnn.app.explore import validate
from symnn.app.explore.panels import equation
from symnn.app.explore.spec import NetworkSpec, compiled
from symnn.data import digits
from symnn.errors import InvalidArgumentError
from symnn.render.mathml import math_element, mathml_printer

CLASSES = (2, 10)
VARIANTS = 300  # noisy copies per set: held-out accuracy 100 % (two digits), about 97 % (ten)
_MODELS: dict[int, DigitReport] = {}
_LOCK = threading.Lock()


def model(classes: int) -> DigitReport:
    """The trained digit network for 2 or 10 classes (trained on first use, then shared read-only)."""
    if classes not in CLASSES:
        raise InvalidArgumentError(f"'classes' must be 2 (the lecture's 0 and 1) or 10, not {classes!r}")
    with _LOCK:
        if classes not in _MODELS:
            _MODELS[classes] = classify_digits("variants", classes=classes, variant_images=VARIANTS)
        return _MODELS[classes]


def warm() -> None:
    """Train both digit networks now (the server calls this in the background as it starts)."""
    for classes in CLASSES:
        model(classes)


def digits_info(classes: int) -> dict:
    """The network, its accuracy, the weight pictures (one 7×5 grid of weights per output unit) and the glyphs."""
    report = model(classes)
    Ws, bs = report.result.params.arrays()
    W = Ws[0]
    units = W.shape[1]
    return {"classes": classes, "title": repr(report.network), "rows": digits.ROWS, "columns": digits.COLUMNS,
            "test_accuracy": report.test_accuracy, "test_size": report.test_size, "train_size": report.train_size,
            "weights": [np.round(W[:, i], 4).tolist() for i in range(units)],
            "biases": [round(float(b), 4) for b in bs[0]],
            "glyphs": {str(d): digits.image(d).astype(int).ravel().tolist() for d in range(classes)},
            "unit_labels": ["class 1 (the digit 1)"] if classes == 2 else [f"digit {d}" for d in range(10)]}


def read_pixels(data: dict) -> np.ndarray:
    pixels = data.get("pixels")
    count = digits.ROWS * digits.COLUMNS
    if not isinstance(pixels, list) or len(pixels) != count:
        raise InvalidArgumentError(f"'pixels' must list the {count} pixels of the {digits.ROWS}×{digits.COLUMNS} "
                                   "grid row by row, each 0 or 1")
    return np.array([validate.whole_value(p, f"pixels[{k}]", 0, 1) for k, p in enumerate(pixels)], dtype=float)


def predict(data: dict) -> dict:
    """z, the output (σ(z) or softmax) and the predicted digit for the drawing, with z of the winner in numbers."""
    classes = validate.whole(data, "classes", 2, 10, 2)
    report = model(classes)
    x = read_pixels(data)
    network, params = report.network, report.result.params
    spec = NetworkSpec(tuple(network.sizes), tuple(layer.activation.name for layer in network.layers))
    trace = compiled(spec).trace(x[None, :], params)
    z, a = trace.Z[-1][0], trace.A[-1][0]
    if classes == 2:
        predicted, unit = int(a[0] >= 0.5), 1
    else:
        predicted = int(np.argmax(a))
        unit = predicted + 1
    return {"classes": classes, "z": z.tolist(), "a": a.tolist(), "prediction": predicted,
            "lit": int(x.sum()), "formula": _unit_in_numbers(network, params, x, unit, float(z[unit - 1])),
            "formula_note": ("The neuron's z (class 1 when z ≥ 0):" if classes == 2 else
                             f"The largest score, z of unit {unit}, which stands for the digit {unit - 1}:")}


def _unit_in_numbers(network, params, x, unit: int, value: float) -> list[str]:
    """z of the unit: the weights of the lit pixels plus the bias, in symbols, then in numbers (three decimals,
    a negative one subtracted), then its value; ≈ because the numbers shown are rounded."""
    layer = network.layers[0]
    lit = [k for k in range(1, layer.n_in + 1) if x[k - 1] == 1]
    Ws, bs = params.arrays()
    symbols = [Mul(layer.weight(k, unit), layer.input(k)) for k in lit]
    bias = [layer.bias_term(unit)] if network.has_bias else []
    numbers = [Ws[0][k - 1, unit - 1] for k in lit] + ([bs[0][unit - 1]] if network.has_bias else [])
    shown = [_decimal(v, first=(n == 0)) for n, v in enumerate(numbers)]
    z_symbol = layer.z_symbol(unit)
    lines = [equation(z_symbol, Add(*symbols, *bias, evaluate=False), order="none")]
    if len(numbers) > 1:
        lines.append(equation(z_symbol, Add(*shown, evaluate=False), order="none"))
    relation = "=" if len(numbers) <= 1 else "\u2248"  # the bias alone is its own value; a sum of rounded terms ≈
    printer = mathml_printer()
    lines.append(math_element(f"<mrow>{printer.doprint(z_symbol)}<mo>{relation}</mo>"
                              f"{printer.doprint(Float(value, 4))}</mrow>", "block"))
    return lines


def _decimal(value: float, first: bool):
    """A weight to three decimals; after the first term a negative one is written as − 0.208, not + −0.208."""
    number = Float(f"{value:.3f}", 4)
    return -UnevaluatedExpr(-number) if number < 0 and not first else UnevaluatedExpr(number)
