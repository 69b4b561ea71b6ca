"""The lecture's digits, their variants, real handwriting, and the classifiers' accuracy and cross-checks."""

import functools

import mpmath
import numpy as np
import pytest

import symnn
from symnn import compile
from symnn.app.classify import classify_digits, load, weights_image
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


@functools.lru_cache(maxsize=None)
def report_for(data, hidden):
    return classify_digits(data, hidden=hidden, show_progress=False)


def hand_z(X, params, depth):
    """z^{[L]} by hand: a^{[j]} = σ(a^{[j-1]} W^{[j]} + b^{[j]}) for the hidden layers, in float64."""
    a = np.asarray(X, dtype=float)
    for j in range(1, depth):
        a = 1 / (1 + np.exp(-(a @ params.W(j) + params.b(j))))
    return (a @ params.W(depth) + params.b(depth))[:, 0]


def mp_output(x, params, depth):
    """σ(z^{[L]}) at one image, in mpmath at 40 digits."""
    a = [mpmath.mpf(int(v)) for v in x]
    for j in range(1, depth + 1):
        W, b = params.W(j), params.b(j)
        a = [1 / (1 + mpmath.exp(-(mpmath.fsum(mpmath.mpf(float(W[k, i])) * a[k] for k in range(len(a)))
                                    + mpmath.mpf(float(b[i]))))) for i in range(W.shape[1])]
    return a[0]


def check_against_hand_computation(report, data):
    """Accuracies, agreement with the decision rule and the cross-check, recomputed without symnn's numeric path."""
    train_set, test_set = load(data)
    params, depth = report.result.params, report.network.depth
    assert report.test_size == len(test_set) and report.train_size == len(train_set)
    for part, reported in ((train_set, report.train_accuracy), (test_set, report.test_accuracy)):
        predicted = hand_z(part.X, params, depth) >= 0  # σ(z) ≥ 1/2 ⇔ z ≥ 0
        assert reported == pytest.approx(float((predicted == part.y).mean()), abs=1e-12)
    z = hand_z(test_set.X, params, depth)
    assert np.abs(z).min() > 1e-9  # far enough from 0 that float64 gets every sign right
    compiled = compile(report.network)(test_set.X, params)[:, 0] >= 0.5
    assert report.agreeing == int((compiled == (z >= 0)).sum()) == report.test_size
    got = compile(report.network)(test_set.X[:20], params)[:, 0]
    with mpmath.workdps(40):
        worst = max(abs(mpmath.mpf(float(g)) - w) / w for g, w in zip(got, (mp_output(x, params, depth)
                                                                              for x in test_set.X[:20])))
    assert worst < 1e-12 and report.crosscheck.ok(1e-12)


@pytest.mark.parametrize("hidden", [None, 8])
def test_lecture_images_classified_perfectly(hidden):
    report = report_for("lecture", hidden)
    assert report.train_accuracy == report.test_accuracy == 1.0
    check_against_hand_computation(report, "lecture")


@pytest.mark.parametrize("hidden", [None, 8])
def test_variants_at_five_percent_flips(hidden):
    report = report_for("variants", hidden)
    assert report.test_size == 2000 and report.held_out
    assert report.test_accuracy >= 0.99
    check_against_hand_computation(report, "variants")


@pytest.mark.parametrize("hidden", [None, 8])
def test_real_handwriting(hidden):
    pytest.importorskip("sklearn")
    report = report_for("handwritten", hidden)
    assert report.test_accuracy >= 0.98
    check_against_hand_computation(report, "handwritten")


def test_single_neuron_weights_as_an_image():
    report = report_for("lecture", None)
    picture = weights_image(report)
    assert picture.shape == (7, 5)
    # row r, column c of the picture is the weight of pixel 5r + c (the slide's row-by-row vector)
    np.testing.assert_array_equal(picture[2, 1], report.result.params.W(1)[2 * 5 + 1, 0])
    # the 1's flag pixel (row 3, column 2) is ink only in the 1: training pushes its weight up
    assert picture[2, 1] > 0
    with pytest.raises(symnn.SymnnError, match="single neuron"):
        weights_image(report_for("lecture", 8))


# The ten glyphs as drawn (typed here, not read from symnn): 0 and 1 the slides', 2-9 in their style
TEN_DIGITS = {
    2: "·###·" "···#·" "·###·" "·#···" "·###·", 3: "·##··" "···#·" "··#··" "···#·" "·##··",
    4: "···#·" "··##·" "·#·#·" "·###·" "···#·", 5: "·###·" "·#···" "·##··" "···#·" "·##··",
    6: "·#···" "·#···" "·###·" "·#·#·" "·###·", 7: "·###·" "···#·" "··#··" "··#··" "··#··",
    8: "·###·" "·#·#·" "··#··" "·#·#·" "·###·", 9: "·###·" "·#·#·" "·###·" "···#·" "···#·",
}


def test_ten_digits_in_the_lecture_style():
    ten = digits.lecture(classes=10)
    assert list(ten.y) == list(range(10))
    assert "".join(map(str, ten.X[0])) == ZERO_VECTOR and "".join(map(str, ten.X[1])) == ONE_VECTOR
    blank = "·····"
    for label, interior in TEN_DIGITS.items():
        assert digits.show(ten.X[label]) == "\n".join([blank, *[interior[r:r + 5] for r in range(0, 25, 5)], blank])
    # every two digits differ in at least three pixels, so one flipped pixel never makes an image another's
    distances = (ten.X[:, None, :] != ten.X[None, :, :]).sum(axis=2) + 99 * np.eye(10, dtype=int)
    assert distances.min() == 3


def test_ten_class_variants_and_handwriting():
    data = digits.variants(1000, 0.05, seed=4, classes=10)
    assert sorted(np.bincount(data.y)) == [100] * 10
    train, test = data.split(0.3, seed=0)
    assert sorted(np.bincount(test.y)) == [30] * 10  # stratified over all ten
    with pytest.raises(symnn.InvalidArgumentError, match="classes must be 2 .* or 10"):
        digits.variants(10, classes=3)
    with pytest.raises(symnn.InvalidArgumentError, match="a digit image is one of 0 to 9, not 10"):
        digits.image(10)
    pytest.importorskip("sklearn")
    real = digits.handwritten(classes=10)
    assert real.X.shape == (1797, 35) and set(np.unique(real.y)) == set(range(10))


def test_two_digit_report_tables_the_held_out_images_by_true_and_predicted_digit():
    report = report_for("variants", None)
    _, test_set = load("variants")
    predicted = hand_z(test_set.X, report.result.params, 1) >= 0
    counts = [[int(((test_set.y == t) & (predicted == p)).sum()) for p in (0, 1)] for t in (0, 1)]
    lines = report.lines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    start = lines.index("held-out test images by true digit (row) and predicted digit (column):")
    assert lines[start + 1] == "  true │    0    1 │ correct"
    for t in (0, 1):
        words = lines[start + 3 + t].split()
        assert [int(w) for w in words[2:4]] == counts[t] and words[-1] == f"{counts[t][t] / sum(counts[t]):.1%}"
    assert report.confusion.tolist() == counts
