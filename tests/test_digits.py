"""The lecture's digits, their variants, real handwriting, and the classifiers' accuracy and cross-checks."""

import numpy as np
import pytest

import symnn

from symnn.app.classify import classify_digits, weights_image
from symnn.data import digits

# The slide's "Image representation", row by row, typed from the lecture.
ZERO_VECTOR = "00000" "01110" "01010" "01010" "01010" "01110" "00000"
ONE_VECTOR = "00000" "00100" "01100" "00100" "00100" "00100" "00000"


def test_lecture_images_are_the_slides():
    data = digits.lecture()
    assert "".join(map(str, data.X[0])) == ZERO_VECTOR
    assert "".join(map(str, data.X[1])) == ONE_VECTOR
    assert list(data.y) == [0, 1]
    # the slide's column vector for the 0 starts 0 0 0 0 0 0 1 1 1 0 0 1
    assert list(data.X[0][:12]) == [0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1]
    assert digits.show(data.X[1]).splitlines()[2] == "·##··"


def test_variants_are_seeded_and_flip_at_the_rate():
    a, b = digits.variants(200, 0.05, seed=3), digits.variants(200, 0.05, seed=3)
    np.testing.assert_array_equal(a.X, b.X)
    assert set(np.unique(a.X)) <= {0, 1} and a.X.shape == (200, 35)
    assert abs(a.y.mean() - 0.5) < 0.01
    plain = digits.variants(4000, 0.1, seed=1, shifts=False, strokes=False)
    originals = np.stack([digits.lecture().X[label] for label in plain.y])
    assert abs((plain.X != originals).mean() - 0.1) < 0.01


def test_variants_shift_and_change_strokes():
    shifted = digits.variants(300, 0.0, seed=2, strokes=False)
    originals = np.stack([digits.lecture().X[label] for label in shifted.y])
    assert (shifted.X != originals).any(axis=1).mean() > 0.5
    assert (shifted.X.sum(axis=1) <= originals.sum(axis=1)).all()  # a shift never adds ink
    strokes = digits.variants(300, 0.0, seed=2, shifts=False)
    ink, base = strokes.X.sum(axis=1), originals_of(strokes).sum(axis=1)
    assert (ink > base).any() and (ink < base).any()


def originals_of(data):
    return np.stack([digits.lecture().X[label] for label in data.y])


def test_resample_by_area():
    full = np.full((8, 8), 16)
    assert digits.resample(full).sum() == 35
    assert digits.resample(np.zeros((8, 8))).sum() == 0
    left = np.zeros((8, 8))
    left[:, :4] = 16
    assert digits.resample(left)[:, 0].all() and not digits.resample(left)[:, 4].any()


def test_handwritten_digits_resampled():
    pytest.importorskip("sklearn")
    data = digits.handwritten()
    assert data.X.shape == (360, 35) and set(np.unique(data.X)) <= {0, 1}
    assert sorted(np.bincount(data.y)) == [178, 182]
    train, test = data.split(0.3, seed=0)
    assert len(train) + len(test) == 360 and abs(len(test) - 108) <= 1


@pytest.mark.parametrize("hidden", [None, 8])
def test_lecture_images_classified_perfectly(hidden):
    report = classify_digits("lecture", hidden=hidden, show_progress=False)
    assert report.train_accuracy == report.test_accuracy == 1.0
    assert report.agreeing == report.test_size == 2
    assert report.crosscheck.ok(1e-12)


@pytest.mark.parametrize("hidden", [None, 8])
def test_variants_at_five_percent_flips(hidden):
    report = classify_digits("variants", hidden=hidden, show_progress=False)
    assert report.test_size == 2000
    assert report.test_accuracy >= 0.99
    assert report.agreeing == report.test_size
    assert report.crosscheck.ok(1e-12)


@pytest.mark.parametrize("hidden", [None, 8])
def test_real_handwriting(hidden):
    pytest.importorskip("sklearn")
    report = classify_digits("handwritten", hidden=hidden, show_progress=False)
    assert report.test_accuracy >= 0.98
    assert report.agreeing == report.test_size
    assert report.crosscheck.ok(1e-12)


def test_single_neuron_weights_as_an_image():
    report = classify_digits("lecture", show_progress=False)
    picture = weights_image(report)
    assert picture.shape == (7, 5)
    # the 1's flag pixel (row 3, column 2) is ink only in the 1: training pushes its weight up
    assert picture[2, 1] > 0
    with pytest.raises(symnn.SymnnError, match="single neuron"):
        weights_image(classify_digits("lecture", hidden=2, show_progress=False))
