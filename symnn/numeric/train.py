"""Training whose gradients are SymPy's backpropagation formulas, compiled to NumPy.

Every step moves the parameters against ∂L/∂W^{[j]}, ∂L/∂b^{[j]} from symnn.numeric.gradients.
Two rules decide how far: plain gradient descent, the lecture's w ← w − η ∂L/∂w, and Adam (the
default, as in scikit-learn's MLP), which scales each parameter's step by running averages of its
own gradient so one step size suits weights whose gradients differ by orders of magnitude.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from symnn.core.network import Network
from symnn.errors import BadNumbersError, InvalidArgumentError, TrainingDiverged
from symnn.math.backprop_rules import loss_name
from symnn.numeric.compile import compile as compile_network
from symnn.numeric.gradients import CompiledGradient
from symnn.numeric.params import Params, as_batch, check_network, check_params, real_array
from symnn.progress import progress

# A bound on one call's epochs, so a typo cannot occupy a shared machine for days (about 5 ms an epoch here)
MAX_EPOCHS = 1_000_000
# Losses whose targets must be probabilities (their logs need 0 ≤ y ≤ 1 to mean anything)
PROBABILITY_TARGETS = {"bce"}
# Defaults chosen like scikit-learn's MLP (Adam, minibatches of min(200, N)) and measured on the digits
# by benchmarks/bench_digits_accuracy.py: the glyph variants ≥ 98 % and real handwriting within a point
# of scikit-learn's LogisticRegression and MLPClassifier
DEFAULT_EPOCHS = 200
DEFAULT_BATCH = 200
DEFAULT_LR = {"sgd": 0.5, "adam": 0.01}
ROW_SUM_TOLERANCE = 1e-6  # probability rows y for the cross-entropy must sum to 1 within this


@dataclass(frozen=True)
class EpochRecord:
    """The mean loss over the training set after an epoch, and the accuracy for a classifier."""

    epoch: int
    loss: float
    accuracy: float | None


@dataclass
class TrainResult:
    """What ``train`` returns: the trained ``params``, the per-epoch ``history`` and the update rule used."""

    network: Network
    params: Params
    history: list[EpochRecord] = field(default_factory=list)
    optimizer: str = "sgd"
    lr: float = DEFAULT_LR["sgd"]

    @property
    def final_loss(self) -> float:
        return self.history[-1].loss if self.history else float("nan")


def predict_classes(probabilities: np.ndarray) -> np.ndarray:
    """Class 1 where σ(z) ≥ 1/2 (⇔ z ≥ 0, the decision rule), else 0."""
    return (probabilities >= 0.5).astype(int)


def predict_labels(probabilities: np.ndarray) -> np.ndarray:
    """The class 0..K−1 of each row of a softmax output: the one with the largest a_i (the largest z_i)."""
    return np.asarray(probabilities).argmax(axis=1)


class GradientDescent:
    """w ← w − η ∂L/∂w, the lecture's update."""

    def __init__(self, lr: float, arrays: list[np.ndarray]):
        self.lr = lr

    def step(self, arrays: list[np.ndarray], gradients: list[np.ndarray]) -> None:
        for array, gradient in zip(arrays, gradients):
            array -= self.lr * gradient


class Adam:
    """Adam (Kingma & Ba, 2015), scikit-learn's default: w ← w − η m̂ / (√v̂ + ε), where m and v are running
    means of ∂L/∂w and of its square (β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸) and m̂, v̂ correct their start at 0.

    The direction is the derived gradient, averaged over recent steps; each parameter's step is about η
    whatever the size of its gradient.
    """

    beta1, beta2, epsilon = 0.9, 0.999, 1e-8

    def __init__(self, lr: float, arrays: list[np.ndarray]):
        self.lr, self.steps = lr, 0
        self.m = [np.zeros_like(array) for array in arrays]
        self.v = [np.zeros_like(array) for array in arrays]

    def step(self, arrays: list[np.ndarray], gradients: list[np.ndarray]) -> None:
        self.steps += 1
        first, second = 1 - self.beta1 ** self.steps, 1 - self.beta2 ** self.steps  # m̂ = m / first, v̂ = v / second
        for array, gradient, m, v in zip(arrays, gradients, self.m, self.v):
            m *= self.beta1
            m += (1 - self.beta1) * gradient
            v *= self.beta2
            v += (1 - self.beta2) * gradient * gradient
            array -= self.lr * (m / first) / (np.sqrt(v / second) + self.epsilon)


OPTIMIZERS = {"adam": Adam, "sgd": GradientDescent}


def default_loss(network: Network) -> str:
    """cross_entropy after a softmax output (K classes), bce otherwise: the loss a classifier of that kind needs."""
    return "cross_entropy" if network.layers[-1].activation.is_vector else "bce"


def _targets(y, n: int, width: int, loss: str, by_class: bool) -> np.ndarray:
    if by_class:
        return _class_targets(y, n, width, loss)
    targets = real_array(y, "targets y", f"with one value per sample and output ({n} × {width})").astype(np.float64)
    if targets.size != n * width:
        raise BadNumbersError(f"targets must hold {n} × {width} values (one per sample and output), got shape {targets.shape}")
    targets = targets.reshape(n, width)
    if not np.isfinite(targets).all():
        raise BadNumbersError("targets contain NaN or infinite values")
    if loss in PROBABILITY_TARGETS and targets.size and (targets.min() < 0 or targets.max() > 1):
        raise BadNumbersError(f"loss {loss!r} needs targets between 0 and 1 (class labels or probabilities), "
                              f"got values from {targets.min():g} to {targets.max():g}")
    return targets


def _class_targets(y, n: int, classes: int, loss: str) -> np.ndarray:
    """A softmax output's targets as N × K probability rows: from labels 0..K−1, or given as one-hot or probabilities
    (for the cross-entropy each row must sum to 1: its δ = a − y is derived with Σ_i y_i = 1)."""
    allowed = f"integer labels 0..{classes - 1} (shape ({n},)) or one-hot / probability rows (shape ({n}, {classes}))"
    targets = real_array(y, "targets y", f"for {classes} classes: {allowed}")
    if targets.ndim == 1 and targets.shape[0] == n:
        labels = targets.astype(np.float64)
        with np.errstate(invalid="ignore"):  # NaN is caught by the mask below
            bad = ~np.isfinite(labels) | (labels != np.round(labels)) | (labels < 0) | (labels > classes - 1)
        if bad.any():
            raise BadNumbersError(f"class labels must be whole numbers 0..{classes - 1} (one of the {classes} "
                                  f"outputs), not {labels[bad][0]:g}")
        out = np.zeros((n, classes))
        out[np.arange(n), labels.astype(np.int64)] = 1.0
        return out
    if targets.shape != (n, classes):
        raise BadNumbersError(f"targets for a softmax output must be {allowed}, got shape {targets.shape}")
    targets = targets.astype(np.float64)
    if not np.isfinite(targets).all() or (targets.size and (targets.min() < 0 or targets.max() > 1)):
        raise BadNumbersError("probability rows must hold numbers between 0 and 1, not "
                              f"{targets[~np.isfinite(targets) | (targets < 0) | (targets > 1)][0]:g}")
    sums = targets.sum(axis=1)
    off = np.flatnonzero(np.abs(sums - 1) > ROW_SUM_TOLERANCE)
    if off.size and loss == "cross_entropy":
        raise BadNumbersError(f"each row of targets must sum to 1 (the cross-entropy's δ = a − y needs Σ_i y_i = 1); "
                              f"row {off[0]} sums to {sums[off[0]]:g}")
    return targets


def _choose_optimizer(optimizer, lr) -> tuple[str, float]:
    if optimizer is None:
        optimizer = "adam" if lr is None else "sgd"  # a step size alone has always meant gradient descent
    if not isinstance(optimizer, str) or optimizer not in OPTIMIZERS:
        raise InvalidArgumentError(f"optimizer must be one of {', '.join(map(repr, OPTIMIZERS))}, not {optimizer!r}")
    if lr is None:
        lr = DEFAULT_LR[optimizer]
    if isinstance(lr, bool) or not (isinstance(lr, (int, float)) and np.isfinite(lr) and lr > 0):
        raise InvalidArgumentError(f"lr must be a positive number, not {lr!r}")
    return optimizer, float(lr)


def train(network: Network, X, y, loss: str = "auto", lr: float | None = None, epochs: int = DEFAULT_EPOCHS,
          batch_size: int | None = None, seed: int | None = 0, params: Params | None = None,
          show_progress: bool | None = None, optimizer: str | None = None,
          on_epoch: Callable[[EpochRecord, Params], bool | None] | None = None) -> TrainResult:
    """Train ``network`` on (X, y) from seeded (or given) parameters; the history records every epoch.

    With no options: Adam (lr = 0.01) on minibatches of min(200, N) rows for 200 epochs, with
    cross-entropy for a softmax output (``loss="auto"``; bce otherwise). ``optimizer="sgd"`` is plain
    gradient descent w ← w − η ∂L/∂w (η = ``lr``, 0.5 unless given); giving ``lr`` without an
    optimizer means that, as it always has. ``batch_size=None`` is min(200, N). For a softmax output
    y holds labels 0..K−1 or one row of K probabilities per sample. A progress bar is drawn on a
    terminal. A run whose weights or loss stop being finite raises TrainingDiverged (lower ``lr``).
    ``on_epoch(record, params)`` is called after every epoch (the explorer streams them to a page);
    returning False stops the training there, with the epochs done so far in the result.
    """
    check_network(network, "train")
    if params is not None:
        check_params(params, "train")
    for name, value, low, high in (("epochs", epochs, 0, MAX_EPOCHS),
                                   ("batch_size", 1 if batch_size is None else batch_size, 1, None)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low or (high and value > high):
            allowed = f"from {low} to {high:,}" if high else f"≥ {low}"
            raise InvalidArgumentError(f"{name} must be an integer {allowed}, not {value!r}")
    optimizer, lr = _choose_optimizer(optimizer, lr)
    loss = default_loss(network) if loss == "auto" else loss_name(loss)  # "ce" is cross_entropy
    compiled = compile_network(network)
    gradient = CompiledGradient(compiled, loss)  # refuses a loss the output cannot take, naming what can
    by_class = network.layers[-1].activation.is_vector
    batch = as_batch(X, network.sizes[0])
    targets = _targets(y, batch.shape[0], network.sizes[-1], loss, by_class)
    if batch.shape[0] == 0:
        raise BadNumbersError("cannot train on an empty set of samples")
    current = params if params is not None else Params.random(network, seed=seed)
    current.check(network)
    Ws, bs = current.arrays()
    arrays = Ws + (bs if network.has_bias else [])
    rule = OPTIMIZERS[optimizer](lr, arrays)
    rng = np.random.default_rng(seed)
    size = batch_size or min(DEFAULT_BATCH, batch.shape[0])
    result = TrainResult(network, current, optimizer=optimizer, lr=lr)
    for epoch in progress(range(1, epochs + 1), total=epochs, description="training", enabled=show_progress):
        order = rng.permutation(batch.shape[0])
        for start in range(0, batch.shape[0], size):
            rows = order[start:start + size]
            with np.errstate(over="ignore", invalid="ignore"):  # a run-away step is reported below, by epoch
                step = gradient(batch[rows], targets[rows], current)
                rule.step(arrays, step.dW + (step.db if network.has_bias else []))
            if not all(np.isfinite(array).all() for array in arrays):
                raise TrainingDiverged(_diverged(epoch, result, lr))
            current = current.with_arrays(Ws, bs)
        with np.errstate(over="ignore", invalid="ignore"):
            record = _record(epoch, gradient, compiled, batch, targets, current, loss, by_class)
        if not np.isfinite(record.loss):
            raise TrainingDiverged(_diverged(epoch, result, lr))
        result.history.append(record)
        if on_epoch is not None and on_epoch(record, current) is False:
            break
    result.params = current
    return result


def _diverged(epoch: int, result: TrainResult, lr: float) -> str:
    last = f"the last finite loss was {result.history[-1].loss:.6g} after epoch {result.history[-1].epoch}" \
        if result.history else "no epoch finished"
    return (f"training diverged in epoch {epoch}: the weights or the loss became infinite or NaN ({last}); "
            f"try a smaller learning rate than lr={lr:g}")


def _record(epoch, gradient, compiled, batch, targets, params, loss, by_class) -> EpochRecord:
    trace = compiled.trace(batch, params)
    value = gradient.loss_value(trace.A[-1], trace.Z[-1], targets)
    if by_class:  # K classes: the largest a_i names the class (argmax agreement with the target's)
        accuracy = float((predict_labels(trace.A[-1]) == targets.argmax(axis=1)).mean())
    else:
        accuracy = float((predict_classes(trace.A[-1]) == targets).mean()) if loss == "bce" else None
    return EpochRecord(epoch, value, accuracy)
