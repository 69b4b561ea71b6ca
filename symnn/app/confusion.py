"""The confusion matrix of a classifier (counts by true and predicted class) and its table in text.

Row t, column p counts the images of digit t classified as p: the diagonal holds the right
answers, row t's share on the diagonal is digit t's accuracy, and the largest cells off the
diagonal name the digits taken for one another.
"""

from __future__ import annotations

import numpy as np

from symnn.errors import InvalidArgumentError

MISTAKES_SHOWN = 3


def confusion_matrix(labels, predictions, classes: int) -> np.ndarray:
    """classes × classes counts: entry (t, p) is how many images of true class t were predicted as p."""
    labels, predictions = np.asarray(labels), np.asarray(predictions)
    if labels.shape != predictions.shape or labels.ndim != 1:
        raise InvalidArgumentError(f"labels and predictions must be two 1-D arrays of one length, not shapes "
                                   f"{labels.shape} and {predictions.shape}")
    for name, values in (("labels", labels), ("predictions", predictions)):
        if values.size and (values.dtype.kind not in "iu" or values.min() < 0 or values.max() >= classes):
            raise InvalidArgumentError(f"{name} must be whole numbers from 0 to {classes - 1}")
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (labels, predictions), 1)
    return matrix


def class_accuracies(matrix: np.ndarray) -> list[float | None]:
    """Each true class's share of right answers (the diagonal over the row), None for a class with no images."""
    totals = matrix.sum(axis=1)
    return [float(matrix[t, t] / totals[t]) if totals[t] else None for t in range(len(matrix))]


def frequent_mistakes(matrix: np.ndarray, count: int = MISTAKES_SHOWN) -> list[tuple[int, int, int]]:
    """The largest off-diagonal cells as (true, predicted, images), largest first (ties by true, then predicted)."""
    cells = [(int(matrix[t, p]), t, p) for t in range(len(matrix)) for p in range(len(matrix)) if t != p and matrix[t, p]]
    cells.sort(key=lambda cell: (-cell[0], cell[1], cell[2]))
    return [(t, p, images) for images, t, p in cells[:count]]


def confusion_lines(matrix: np.ndarray, images: str = "test images") -> list[str]:
    """The table, rows the true digit and columns the predicted one, each row's accuracy at its end (≤ 80 columns
    for ten classes and up to 9 999 images a cell), then the most frequent mistakes."""
    width = max(4, len(str(int(matrix.max(initial=0))))) + 1
    classes = range(len(matrix))
    lines = [f"{images} by true digit (row) and predicted digit (column):",
             "  true │" + "".join(f"{p:>{width}}" for p in classes) + " │ correct",
             "  ─────┼" + "─" * (width * len(matrix) + 1) + "┼────────"]
    for t, share in zip(classes, class_accuracies(matrix)):
        shown = "—" if share is None else f"{share:.1%}"
        lines.append(f"  {t:>4} │" + "".join(f"{int(n):>{width}}" for n in matrix[t]) + f" │ {shown:>7}")
    mistakes = frequent_mistakes(matrix)
    if mistakes:
        lines.append("most frequent mistakes (true → predicted): "
                     + ", ".join(f"{t} → {p} ×{n}" for t, p, n in mistakes))
    return lines
