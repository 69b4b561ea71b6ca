""""Let's test this": 2-input toy data, training streamed epoch by epoch, and the decision boundary.

Training runs ``symnn.train`` in a worker thread; its ``on_epoch`` callback hands every
epoch to the streamed response, which sends a line of JSON every few epochs (the loss,
the accuracy, the boundary on a grid, the weights) so the page redraws as the network
learns. When the page goes away the stream is closed and the training stops at the next
epoch. At most MAX_TRAININGS run at once.
"""

from __future__ import annotations

import json
import queue
import threading
from functools import lru_cache
from typing import Iterator

import numpy as np
from sympy import Add, Eq, Float, Rational

from symnn.app.explore import validate
from symnn.app.explore.panels import loss_for, params_json, read_params
from symnn.app.explore.spec import NetworkSpec, collapse_outcome, compiled
from symnn.core.network import Network
from symnn.errors import InvalidArgumentError, SymnnError
from symnn.numeric.params import Params
from symnn.numeric.train import train
from symnn.render.mathml import mathml

DATASETS = ("separable", "xor", "circles", "drawn")
POINTS = 200  # points of a chosen data set
EXTENT = 1.2  # the boundary is drawn on [-EXTENT, EXTENT]²; the data lie in [-1, 1]²
GRID = 41  # grid points a side of the boundary picture
UPDATES = 40  # lines of progress a training sends (besides the first and the last)
MAX_TRAININGS = 4
_RUNNING = threading.BoundedSemaphore(MAX_TRAININGS)


def toy_data(name: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A seeded 2-input data set in [-1, 1]² with labels 0 and 1, kept clear of its own boundary."""
    rng = np.random.default_rng(seed)
    points = rng.uniform(-1, 1, size=(POINTS * 3, 2))
    x1, x2 = points[:, 0], points[:, 1]
    if name == "separable":  # a tilted line with a margin of 0.1
        side = 0.8 * x1 - 0.6 * x2 + 0.1
        keep, labels = np.abs(side) > 0.1, side > 0
    elif name == "xor":  # the quadrants: class 1 where x1 and x2 have the same sign
        keep, labels = (np.abs(x1) > 0.1) & (np.abs(x2) > 0.1), x1 * x2 > 0
    elif name == "circles":  # a disc of class 1 inside a ring of class 0
        radius = np.hypot(x1, x2)
        keep, labels = (radius < 0.45) | ((radius > 0.65) & (radius < 1.0)), radius < 0.45
    else:
        raise InvalidArgumentError(f"'dataset' must be one of {', '.join(DATASETS[:-1])} (or 'drawn' with "
                                   f"'points' and 'labels'), not {name!r}")
    return points[keep][:POINTS], labels[keep][:POINTS].astype(float)


def read_dataset(data: dict) -> tuple[np.ndarray, np.ndarray]:
    name = validate.choice(data, "dataset", DATASETS, "xor")
    if name != "drawn":
        return toy_data(name, validate.whole(data, "data_seed", 0, 2**31 - 1, 0))
    points, labels = data.get("points"), data.get("labels")
    if not isinstance(points, list) or not isinstance(labels, list) or len(points) != len(labels):
        raise InvalidArgumentError("a drawn data set needs 'points' (a list of [x1, x2]) and 'labels' (one 0 or 1 "
                                   "per point)")
    if not 2 <= len(points) <= validate.MAX_POINTS:
        raise InvalidArgumentError(f"a drawn data set needs from 2 to {validate.MAX_POINTS} points, not {len(points)}")
    X = np.array([validate.numbers(p, 2, f"points[{k}]", bound=10.0) for k, p in enumerate(points)])
    y = np.array([validate.whole_value(v, f"labels[{k}]", 0, 1) for k, v in enumerate(labels)], dtype=float)
    if len(set(y.tolist())) < 2:
        raise InvalidArgumentError("a drawn data set needs points of both classes (click for class 1, "
                                   "shift-click for class 0)")
    return X, y


def check_playground_network(network: Network) -> None:
    if network.sizes[0] != 2:
        raise InvalidArgumentError(f"the toy data have 2 inputs, so the network must start with 2, not "
                                   f"{network.sizes[0]} (e.g. sizes 2,4,1)")
    softmax = network.layers[-1].activation.is_vector
    if network.sizes[-1] != (2 if softmax else 1):
        raise InvalidArgumentError("the toy data have two classes: end the network in 1 unit (or in 2 softmax "
                                   f"units), not {network.sizes[-1]}")


@lru_cache(maxsize=1)
def grid_points() -> np.ndarray:
    """The boundary picture's GRID × GRID points, row by row (made once: every update of every training uses it)."""
    axis = np.linspace(-EXTENT, EXTENT, GRID)
    x1, x2 = np.meshgrid(axis, axis[::-1])  # row 0 is the top of the picture (largest x2)
    points = np.column_stack([x1.ravel(), x2.ravel()])
    points.setflags(write=False)  # shared by every call
    return points


def class_one_score(network: Network, outputs: np.ndarray) -> np.ndarray:
    """The output read as 'class 1': a_1 (or a_2 of two softmax units); ≥ 1/2 means class 1."""
    return outputs[:, 1] if network.layers[-1].activation.is_vector else outputs[:, 0]


def boundary(spec: NetworkSpec, params: Params) -> list[float]:
    network = spec.network()
    with np.errstate(over="ignore", invalid="ignore"):
        values = class_one_score(network, compiled(spec)(grid_points(), params))
    return np.round(np.nan_to_num(values, nan=0.5, posinf=1e6, neginf=-1e6), 4).tolist()


def training_lines(spec: NetworkSpec, data: dict) -> Iterator[str]:
    """The streamed answer of /api/train: one JSON line per update, the last with ``"done": true``."""
    network = spec.network()
    check_playground_network(network)
    X, y = read_dataset(data)
    epochs = validate.whole(data, "epochs", 1, validate.MAX_EPOCHS, 300)
    lr = validate.number(data.get("lr", 0.05), "lr", bound=10.0)
    if lr <= 0:
        raise InvalidArgumentError(f"'lr' must be a positive number, not {lr:g}")
    optimizer = validate.choice(data, "optimizer", ("adam", "sgd"), "adam")
    seed = validate.whole(data, "seed", 0, 2**31 - 1, 0)
    start = read_params(data, network) if data.get("weights") is not None else Params.random(network, seed=seed)
    loss = loss_for(network)
    targets = y.astype(int) if network.layers[-1].activation.is_vector else y
    pace = validate.whole(data, "pace_ms", 0, 200, 0)
    return _stream(spec, X, targets, start, loss, epochs, lr, optimizer, seed, pace / 1000)


def _stream(spec, X, y, start, loss, epochs, lr, optimizer, seed, pace: float) -> Iterator[str]:
    """The lines; ``pace`` seconds between updates let a page show a fast training as it happens."""
    if not _RUNNING.acquire(blocking=False):
        yield _line({"error": f"{MAX_TRAININGS} trainings are already running; wait for one to finish"})
        return
    network = spec.network()
    every = max(1, epochs // UPDATES)
    updates: queue.Queue = queue.Queue(maxsize=4)
    stop = threading.Event()

    def on_epoch(record, params) -> bool:
        if record.epoch % every == 0 or record.epoch == epochs:
            updates.put(("epoch", record, params))
        return not stop.is_set()

    def work() -> None:
        try:
            result = train(network, X, y, loss=loss, lr=lr, epochs=epochs, seed=seed, params=start,
                           optimizer=optimizer, on_epoch=on_epoch, show_progress=False)
            updates.put(("done", result, None))
        except SymnnError as error:
            updates.put(("error", error, None))
        except Exception as error:  # noqa: BLE001 — said on the page, not a traceback
            updates.put(("error", InvalidArgumentError(f"training failed: {type(error).__name__}"), None))

    worker = threading.Thread(target=work, name="symnn-explore-train", daemon=True)
    try:
        yield _line({"epoch": 0, "epochs": epochs, "loss": None, "accuracy": None, "loss_name": loss,
                     "points": np.round(X, 4).tolist(), "labels": np.asarray(y).astype(int).tolist(),
                     "grid": boundary(spec, start), "extent": EXTENT, "size": GRID})
        worker.start()
        while True:
            kind, item, params = updates.get()
            if kind == "error":
                yield _line({"error": str(item)})
                return
            if kind == "done":
                yield _line({"done": True, "epochs_done": len(item.history), **params_json(item.params, network),
                             "collapsed": collapsed_formula(spec, item.params)})
                return
            yield _line({"epoch": item.epoch, "epochs": epochs, "loss": item.loss, "accuracy": item.accuracy,
                         "grid": boundary(spec, params)})
            if pace:
                stop.wait(pace)
    finally:
        stop.set()
        while worker.is_alive():  # let the worker see the stop (it may be waiting to hand over an epoch)
            try:
                updates.get(timeout=0.05)
            except queue.Empty:
                pass
        _RUNNING.release()


def _line(data: dict) -> str:
    return json.dumps(data, allow_nan=False) + "\n"


def collapsed_formula(spec: NetworkSpec, params: Params) -> dict | None:
    """For a network whose hidden layers are all affine, its trained z^{[L]} = w′·x + b′ in numbers: why the
    boundary is a straight line (None when a hidden layer is not affine)."""
    if not spec.hidden_affine():
        return None
    network = spec.network()
    output = network.layers[-1].activation
    outcome = collapse_outcome(spec.scores())
    values = {symbol: Float(value, 15) for symbol, value in params.to_substitution(network, exact=False).items()}

    def collapsed(i: int) -> list:
        column = [entry.xreplace(values) for entry in outcome.column(i)]
        return column + ([outcome.b[i - 1].xreplace(values)] if outcome.b is not None else [])

    last = network.layers[-1]
    if output.is_vector:  # class 2's probability depends on z_2 − z_1 alone
        numbers = [two - one for one, two in zip(collapsed(1), collapsed(2))]
        lhs, threshold = last.z_symbol(2) - last.z_symbol(1), 0
        rule = "z₂ − z₁ ≥ 0 (there softmax gives a₂ ≥ 1/2)"
    else:
        numbers = collapsed(1)
        lhs = last.z_symbol(1)
        threshold, rule = {"sigmoid": (0, "z ≥ 0 (there σ(z) ≥ 1/2)"),
                           "linear": (Rational(1, 2), "a = z ≥ 1/2")}.get(output.name, (None, None))
    rounded = [Float(value, 4) for value in numbers]
    score = Add(*[value * x for value, x in zip(rounded, network.inputs())], *rounded[network.sizes[0]:])
    sentence = ("Every hidden layer is affine, so the output's z is one linear function of x₁ and x₂"
                + (f"; class 1 where {rule}: one side of a straight line, however long the network trains."
                   if rule else f"; the {output.name} output is a function of it alone, so its boundary is a "
                                "level line of a linear function: straight."))
    return {"model": mathml(Eq(lhs, score, evaluate=False), display="block"),
            "boundary": mathml(Eq(score, threshold, evaluate=False), display="block") if rule else "",
            "weights": [float(v) for v in rounded[:2]], "bias": float(rounded[2]) if len(rounded) > 2 else None,
            "threshold": None if threshold is None else float(threshold), "sentence": sentence}
