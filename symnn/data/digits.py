"""The lecture's 7×5 binary digits, seeded variants of them, and real handwriting resampled to 7×5.

Images are flattened row by row into the 35-vector the slide shows
(x_1..x_5 the top row, x_31..x_35 the bottom row). The label is the digit. By default only the
lecture's two classes, 0 and 1; ``classes=10`` gives all ten digits.

How the ten glyphs (GLYPHS) are drawn. The slides draw only the 0 (the outline of the 5 × 3
interior) and the 1 (a stem in the middle column with a flag at its top left). The other eight
follow the same rules:

- the same frame: the first and last row and column blank, ink only in the 5 × 3 interior;
- the same pen: strokes one pixel wide, as in the slides' 0 and 1;
- the shapes of the common 3 × 5 pixel fonts, picked among their variants so that every two
  digits differ in at least three pixels (the Hamming distance; tests/test_digits.py checks it).
  The plainest shapes are too close: an 8 with a full middle bar is one pixel from the 0, a 4 with
  an open top ("#.#") one from the 9, a 3 of three full bars two from the 2, and a 6 or 9 with both
  ends closed two from the 0. So the 8 has a pinched waist (".#."), the 4 its diagonal ("..#",
  ".##", "#.#"), the 3 and the 5 rounded corners ("##."), the 6 and the 9 open tails (a single
  stroke at the top of the 6, at the bottom of the 9), and the 7 a stem down the middle column.

The closest pairs are 0–2 and 0–8 (three pixels), every other pair four or more. So one flipped
pixel leaves an image strictly nearest its own digit (at distance 1, every other at 2 or more), but
two flips can turn a 0 into a 2 or an 8 (on the 5 % flip variants a trained softmax most often
takes a 0 for an 8).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from symnn.errors import InvalidArgumentError, require

ROWS, COLUMNS = 7, 5

# Exactly as on the slides ("Image representation").
LECTURE_ZERO = (
    (0, 0, 0, 0, 0),
    (0, 1, 1, 1, 0),
    (0, 1, 0, 1, 0),
    (0, 1, 0, 1, 0),
    (0, 1, 0, 1, 0),
    (0, 1, 1, 1, 0),
    (0, 0, 0, 0, 0),
)
LECTURE_ONE = (
    (0, 0, 0, 0, 0),
    (0, 0, 1, 0, 0),
    (0, 1, 1, 0, 0),
    (0, 0, 1, 0, 0),
    (0, 0, 1, 0, 0),
    (0, 0, 1, 0, 0),
    (0, 0, 0, 0, 0),
)


@dataclass(frozen=True)
class DigitSet:
    """Images X (N × 35, 0/1 integers, row by row) with labels y (N, the digits), and where they came from."""

    X: np.ndarray
    y: np.ndarray
    source: str

    def __len__(self) -> int:
        return len(self.y)

    def split(self, test_fraction: float = 0.3, seed: int = 0) -> tuple["DigitSet", "DigitSet"]:
        """A seeded, stratified split into (train, test)."""
        if not 0 < test_fraction < 1:
            raise InvalidArgumentError(f"test_fraction must lie strictly between 0 and 1, not {test_fraction}")
        rng = np.random.default_rng(seed)
        test = []
        for label in np.unique(self.y):
            rows = np.flatnonzero(self.y == label)
            rng.shuffle(rows)
            test.extend(rows[: int(round(len(rows) * test_fraction))])
        mask = np.zeros(len(self.y), dtype=bool)
        mask[test] = True
        return (DigitSet(self.X[~mask], self.y[~mask], self.source + " (train)"),
                DigitSet(self.X[mask], self.y[mask], self.source + " (test)"))


def _framed(interior: tuple[str, ...]) -> tuple:
    """A 5 × 3 drawing ("###", "#.#", …) inside the blank border of the 7 × 5 frame."""
    rows = [(0,) * COLUMNS] + [(0, *(1 if c == "#" else 0 for c in row), 0) for row in interior]
    return tuple(rows + [(0,) * COLUMNS])


# 2-9 in the lecture's style (see the module's docstring); 0 and 1 are the slides' own
GLYPHS = {
    0: LECTURE_ZERO,
    1: LECTURE_ONE,
    2: _framed(("###", "..#", "###", "#..", "###")),
    3: _framed(("##.", "..#", ".#.", "..#", "##.")),
    4: _framed(("..#", ".##", "#.#", "###", "..#")),
    5: _framed(("###", "#..", "##.", "..#", "##.")),
    6: _framed(("#..", "#..", "###", "#.#", "###")),
    7: _framed(("###", "..#", ".#.", ".#.", ".#.")),
    8: _framed(("###", "#.#", ".#.", "#.#", "###")),
    9: _framed(("###", "#.#", "###", "..#", "..#")),
}
CLASS_COUNTS = (2, 10)  # the lecture's two digits, or all ten


def _classes(classes) -> int:
    if isinstance(classes, bool) or classes not in CLASS_COUNTS:
        raise InvalidArgumentError(f"classes must be 2 (the lecture's 0 and 1) or 10 (every digit), not {classes!r}")
    return classes


def image(label: int) -> np.ndarray:
    """The 7×5 image of the digit ``label``: the lecture's own for 0 and 1, GLYPHS' for 2 to 9."""
    if isinstance(label, bool) or not isinstance(label, (int, np.integer)) or int(label) not in GLYPHS:
        raise InvalidArgumentError(f"a digit image is one of 0 to 9, not {label!r}")
    return np.array(GLYPHS[int(label)], dtype=np.int64)


def flatten(picture: np.ndarray) -> np.ndarray:
    """Row by row into the slide's 35-vector."""
    return np.asarray(picture).reshape(ROWS * COLUMNS)


def lecture(classes: int = 2) -> DigitSet:
    """The two images of the slides, the 0 (label 0) and the 1 (label 1); with ``classes=10`` all ten glyphs."""
    labels = range(_classes(classes))
    return DigitSet(np.stack([flatten(image(label)) for label in labels]), np.array(list(labels)),
                    "lecture" if classes == 2 else "lecture style, ten digits")


def _shift(picture: np.ndarray, rows: int, columns: int) -> np.ndarray:
    out = np.zeros_like(picture)
    source = picture[max(0, -rows): ROWS - max(0, rows), max(0, -columns): COLUMNS - max(0, columns)]
    out[max(0, rows): max(0, rows) + source.shape[0], max(0, columns): max(0, columns) + source.shape[1]] = source
    return out


def _thicker(picture: np.ndarray) -> np.ndarray:
    """Each stroke one pixel wider to the right (kept inside the frame)."""
    widened = picture.copy()
    widened[:, 1:] |= picture[:, :-1]
    return widened


def _thinner(picture: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A lighter pen: one stroke pixel in five lost at random (at least one kept)."""
    lighter = picture.copy()
    ink = np.argwhere(picture == 1)
    lost = ink[rng.random(len(ink)) < 0.2]
    if len(lost) == len(ink):
        lost = lost[1:]
    lighter[lost[:, 0], lost[:, 1]] = 0
    return lighter


def variants(count: int, flip_rate: float = 0.05, seed: int = 0, shifts: bool = True,
             strokes: bool = True, classes: int = 2) -> DigitSet:
    """``count`` seeded variants of the lecture's digits, as many of each class as can be (``classes``: 2 or 10).

    Each is shifted by at most one pixel (when ``shifts``), drawn with a thicker or
    thinner stroke a third of the time each (when ``strokes``), then every pixel is
    flipped with probability ``flip_rate``.
    """
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise InvalidArgumentError(f"count must be a non-negative integer, not {count!r}")
    if not 0 <= flip_rate <= 1:
        raise InvalidArgumentError(f"flip_rate must lie between 0 and 1, not {flip_rate}")
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % _classes(classes)
    rng.shuffle(labels)
    images = []
    for label in labels:
        picture = image(int(label))
        if shifts:
            picture = _shift(picture, int(rng.integers(-1, 2)), int(rng.integers(-1, 2)))
        if strokes:
            style = rng.integers(0, 3)
            picture = _thicker(picture) if style == 1 else _thinner(picture, rng) if style == 2 else picture
        flips = rng.random(picture.shape) < flip_rate
        images.append(flatten(np.where(flips, 1 - picture, picture)))
    X = np.stack(images) if images else np.zeros((0, ROWS * COLUMNS), dtype=np.int64)
    return DigitSet(X.astype(np.int64), labels.astype(np.int64), f"variants (flip rate {flip_rate})")


def _overlap_matrix(target: int, source: int) -> np.ndarray:
    """(target × source) fractions: how much of source cell s lies in target cell t, rows summing to 1."""
    weights = np.zeros((target, source))
    for t in range(target):
        low, high = t * source / target, (t + 1) * source / target
        for s in range(source):
            weights[t, s] = max(0.0, min(high, s + 1) - max(low, s))
    return weights / weights.sum(axis=1, keepdims=True)


def resample(grey: np.ndarray, threshold: float = 0.25) -> np.ndarray:
    """An 8×8 grey image (0..16) to 7×5 binary: area-weighted averages, then ink where ≥ ``threshold`` of full."""
    grey = np.asarray(grey, dtype=np.float64).reshape(8, 8) / 16.0
    averaged = _overlap_matrix(ROWS, 8) @ grey @ _overlap_matrix(COLUMNS, 8).T
    return (averaged >= threshold).astype(np.int64)


def handwritten(classes: int = 2) -> DigitSet:
    """Real handwriting: the UCI optical-recognition digits that scikit-learn ships (0 and 1, or all ten
    with ``classes=10``), resampled to 7×5.

    Needs scikit-learn (``pip install 'symnn[data]'``); nothing is downloaded.
    """
    count = _classes(classes)
    datasets = require("sklearn.datasets", "data", "the handwritten digits")
    digits = datasets.load_digits()
    keep = digits.target < count
    X = np.stack([flatten(resample(picture)) for picture in digits.images[keep]])
    return DigitSet(X, digits.target[keep].astype(np.int64), "handwritten (UCI digits via scikit-learn)")


def show(vector) -> str:
    """A 7×5 image as text, '#' for ink and '·' for paper."""
    picture = np.asarray(vector).reshape(ROWS, COLUMNS)
    return "\n".join("".join("#" if v else "·" for v in row) for row in picture)
