"""Training by gradient descent whose gradients are SymPy's backpropagation formulas, compiled to NumPy."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from symnn.core.network import Network
from symnn.errors import BadNumbersError, InvalidArgumentError, TrainingDiverged
from symnn.numeric.compile import compile as compile_network
from symnn.numeric.gradients import CompiledGradient
from symnn.numeric.params import Params, as_batch, check_network, check_params, real_array
from symnn.progress import progress

# A bound on one call's epochs, so a typo cannot occupy a shared machine for days (about 5 ms an epoch here)
MAX_EPOCHS = 1_000_000
# Losses whose targets must be probabilities (their logs need 0 ≤ y ≤ 1 to mean anything)
PROBABILITY_TARGETS = {"bce"}


@dataclass(frozen=True)
class EpochRecord:
    """The mean loss over the training set after an epoch, and the accuracy for a classifier."""

    epoch: int
    loss: float
    accuracy: float | None


@dataclass
class TrainResult:
    """What ``train`` returns: the trained ``params`` and the per-epoch ``history``."""

    network: Network
    params: Params
    history: list[EpochRecord] = field(default_factory=list)

    @property
    def final_loss(self) -> float:
        return self.history[-1].loss if self.history else float("nan")


def predict_classes(probabilities: np.ndarray) -> np.ndarray:
    """Class 1 where σ(z) ≥ 1/2 (⇔ z ≥ 0, the decision rule), else 0."""
    return (probabilities >= 0.5).astype(int)


def _targets(y, n: int, width: int, loss: str) -> np.ndarray:
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


def train(network: Network, X, y, loss: str = "bce", lr: float = 0.5, epochs: int = 100,
          batch_size: int | None = None, seed: int | None = 0, params: Params | None = None,
          show_progress: bool | None = None) -> TrainResult:
    """Minibatch gradient descent from seeded (or given) parameters; the history records every epoch.

    ``batch_size=None`` uses the whole set each step. A progress bar is drawn on a terminal.
    A run whose weights or loss stop being finite raises TrainingDiverged (lower ``lr``).
    """
    check_network(network, "train")
    if params is not None:
        check_params(params, "train")
    for name, value, low, high in (("epochs", epochs, 0, MAX_EPOCHS),
                                   ("batch_size", 1 if batch_size is None else batch_size, 1, None)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low or (high and value > high):
            allowed = f"from {low} to {high:,}" if high else f"≥ {low}"
            raise InvalidArgumentError(f"{name} must be an integer {allowed}, not {value!r}")
    if not (isinstance(lr, (int, float)) and np.isfinite(lr) and lr > 0):
        raise InvalidArgumentError(f"lr must be a positive number, not {lr!r}")
    batch = as_batch(X, network.sizes[0])
    targets = _targets(y, batch.shape[0], network.sizes[-1], loss)
    if batch.shape[0] == 0:
        raise BadNumbersError("cannot train on an empty set of samples")
    compiled = compile_network(network)
    gradient = CompiledGradient(compiled, loss)
    current = params if params is not None else Params.random(network, seed=seed)
    current.check(network)
    Ws, bs = current.arrays()
    rng = np.random.default_rng(seed)
    size = batch_size or batch.shape[0]
    result = TrainResult(network, current)
    for epoch in progress(range(1, epochs + 1), total=epochs, description="training", enabled=show_progress):
        order = rng.permutation(batch.shape[0])
        for start in range(0, batch.shape[0], size):
            rows = order[start:start + size]
            with np.errstate(over="ignore", invalid="ignore"):  # a run-away step is reported below, by epoch
                step = gradient(batch[rows], targets[rows], current)
                for j in range(len(Ws)):
                    Ws[j] -= lr * step.dW[j]
                    if network.has_bias:
                        bs[j] -= lr * step.db[j]
            if not all(np.isfinite(W).all() for W in Ws) or not all(np.isfinite(b).all() for b in bs):
                raise TrainingDiverged(_diverged(epoch, result, lr))
            current = current.with_arrays(Ws, bs)
        with np.errstate(over="ignore", invalid="ignore"):
            record = _record(epoch, gradient, compiled, batch, targets, current, loss)
        if not np.isfinite(record.loss):
            raise TrainingDiverged(_diverged(epoch, result, lr))
        result.history.append(record)
    result.params = current
    return result


def _diverged(epoch: int, result: TrainResult, lr: float) -> str:
    last = f"the last finite loss was {result.history[-1].loss:.6g} after epoch {result.history[-1].epoch}" \
        if result.history else "no epoch finished"
    return (f"training diverged in epoch {epoch}: the weights or the loss became infinite or NaN ({last}); "
            f"try a smaller learning rate than lr={lr:g}")


def _record(epoch, gradient, compiled, batch, targets, params, loss) -> EpochRecord:
    trace = compiled.trace(batch, params)
    value = gradient.loss_value(trace.A[-1], trace.Z[-1], targets)
    accuracy = float((predict_classes(trace.A[-1]) == targets).mean()) if loss == "bce" else None
    return EpochRecord(epoch, value, accuracy)
