"""Softmax, log-softmax and the categorical cross-entropy in NumPy, stable for any finite z.

softmax(z)_i = e^{z_i} / Σ_m e^{z_m} is computed after subtracting max_m z_m (the value is unchanged,
and no e^{z} can overflow); log-softmax as z_i − max − log Σ_m e^{z_m − max} (log-sum-exp), so the
cross-entropy −Σ_i y_i log a_i never takes the log of a softmax that rounded to 0. Rows are samples,
columns the classes, as in the compiled network (symnn.numeric.compile).
"""

from __future__ import annotations

import numpy as np

from symnn.errors import BadNumbersError, InvalidArgumentError


def _logits(Z) -> np.ndarray:
    Z = np.asarray(Z)
    if Z.dtype.kind not in "fiu":
        raise InvalidArgumentError(f"softmax needs numbers, not an array of {Z.dtype}")
    Z = Z.astype(np.float64) if Z.dtype.kind != "f" else Z
    if Z.ndim == 1:
        Z = Z[None, :]
    if Z.ndim != 2 or Z.shape[1] == 0:
        raise InvalidArgumentError(f"softmax takes a batch of shape (N, K) with K ≥ 1 classes, not {Z.shape}")
    if not np.isfinite(Z).all():
        raise BadNumbersError("softmax of a NaN or infinite z: the network's numbers have overflowed")
    return Z


def log_softmax(Z) -> np.ndarray:
    """log a_i = z_i − log Σ_m e^{z_m}, by log-sum-exp: finite wherever z is."""
    return log_softmax_rows(_logits(Z))


def softmax(Z) -> np.ndarray:
    """a_i = e^{z_i} / Σ_m e^{z_m}, each row summing to 1, with no overflow at z = ±10⁴."""
    return softmax_rows(_logits(Z))


def _shifted(Z: np.ndarray) -> np.ndarray:
    """z − max_m z_m per row (the softmax is unchanged; every e^{z − max} ≤ 1 cannot overflow)."""
    return Z - Z.max(axis=1, keepdims=True)


def log_softmax_rows(Z: np.ndarray) -> np.ndarray:
    """log-softmax of a finite (N, K) float array in its own dtype (float32 stays float32)."""
    shifted = _shifted(Z)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax_rows(Z: np.ndarray) -> np.ndarray:
    """softmax of an (N, K) float array in its own dtype, the compiled network's output layer.

    Finite rows are max-subtracted. A row the caller let through with ±inf or NaN (``allow_nonfinite``)
    gets the limit where there is one, as σ(±inf) = 1 or 0 does: the +inf entries share the probability
    equally and every other entry is 0; a row with NaN, or with every z = −inf (no limit), is NaN.
    """
    finite = np.isfinite(Z).all(axis=1)
    if finite.all():
        shifted = np.exp(_shifted(Z))
        return shifted / shifted.sum(axis=1, keepdims=True)
    out = np.empty_like(Z)
    if finite.any():
        out[finite] = softmax_rows(Z[finite])
    rows = Z[~finite]
    top = rows == np.inf
    limits = np.full_like(rows, np.nan)
    has_top = top.any(axis=1) & ~np.isnan(rows).any(axis=1)
    limits[has_top] = top[has_top] / top[has_top].sum(axis=1, keepdims=True)
    rest = ~has_top & ~np.isnan(rows).any(axis=1) & (rows > -np.inf).any(axis=1)  # finite and −inf entries
    if rest.any():
        shifted = np.exp(_shifted(rows[rest]))  # the max is finite here, so −inf − max = −inf and e^{−inf} = 0
        limits[rest] = shifted / shifted.sum(axis=1, keepdims=True)
    out[~finite] = limits
    return out


def one_hot(labels, classes: int) -> np.ndarray:
    """Integer labels 0..K−1 as one-hot rows (a row with one 1), the targets the cross-entropy expects."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise InvalidArgumentError(f"labels must be a 1-D array of integers 0..{classes - 1}, not shape "
                                   f"{labels.shape} of {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise InvalidArgumentError(f"labels must lie in 0..{classes - 1}, not {labels.min()}..{labels.max()}")
    out = np.zeros((labels.size, classes))
    out[np.arange(labels.size), labels] = 1.0
    return out


def cross_entropy(Z, Y) -> float:
    """The categorical cross-entropy −Σ_i y_i log softmax(z)_i, averaged over the samples (rows)."""
    log_a = log_softmax(Z)
    Y = np.asarray(Y, dtype=np.float64)
    if Y.shape != log_a.shape:
        raise InvalidArgumentError(f"targets of shape {Y.shape} for logits of shape {log_a.shape}; give one row "
                                   "of K probabilities per sample (or integer labels through one_hot)")
    return float(-(Y * log_a).sum(axis=1).mean())


def cross_entropy_delta(Z, Y) -> np.ndarray:
    """δ^{[L]} = a − y for softmax with cross-entropy (symnn's softmax-cross-entropy derivation), per sample."""
    return softmax(Z) - np.asarray(Y, dtype=np.float64)
