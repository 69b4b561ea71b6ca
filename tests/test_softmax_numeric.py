"""The NumPy softmax, log-softmax and cross-entropy against mpmath at 50 digits, extreme z included."""

import warnings

import mpmath
import numpy as np
import pytest

import symnn
from symnn.numeric.softmax import cross_entropy, cross_entropy_delta, log_softmax, one_hot, softmax

ROWS = [
    [0.0, 0.0, 0.0],
    [1.0, -2.0, 0.5],
    [1e4, -1e4, 0.0],          # would overflow e^{z} directly
    [-1e4, -1e4 + 1, -1e4 + 2],  # would underflow every e^{z} to 0
    [700.0, 710.0, -745.0],
]


def _mp_log_softmax(row):
    with mpmath.workdps(50):
        values = [mpmath.mpf(v) for v in row]
        total = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in values))
        return [v - total for v in values]


@pytest.mark.parametrize("row", ROWS)
def test_softmax_and_log_softmax_agree_with_mpmath_with_no_warnings(row):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow, underflow-to-zero division or log(0) warning
        a, log_a = softmax(np.array([row])), log_softmax(np.array([row]))
    expected = _mp_log_softmax(row)
    for i, value in enumerate(expected):
        assert log_a[0, i] == pytest.approx(float(value), rel=1e-12, abs=1e-12)
        assert a[0, i] == pytest.approx(float(mpmath.exp(value)), rel=1e-12, abs=1e-300)
    assert np.isfinite(log_a).all() and a.sum() == pytest.approx(1.0, abs=1e-15)


def test_cross_entropy_is_the_mean_of_minus_log_a_of_the_true_class():
    Z = np.array([[1.0, -2.0, 0.5], [1e4, -1e4, 0.0]])
    labels = np.array([2, 1])
    expected = -(float(_mp_log_softmax(Z[0])[2]) + float(_mp_log_softmax(Z[1])[1])) / 2
    assert cross_entropy(Z, one_hot(labels, 3)) == pytest.approx(expected, rel=1e-12)
    assert np.isfinite(cross_entropy(Z, one_hot(labels, 3)))  # −log of a probability e^{−2·10⁴}: 20 000


def test_cross_entropy_delta_is_the_gradient_by_finite_differences():
    rng = np.random.default_rng(0)
    Z, Y = rng.normal(size=(1, 4)), one_hot(np.array([3]), 4)
    delta = cross_entropy_delta(Z, Y)
    h = 1e-6
    for m in range(4):
        step = np.zeros_like(Z)
        step[0, m] = h
        numeric = (cross_entropy(Z + step, Y) - cross_entropy(Z - step, Y)) / (2 * h)
        assert delta[0, m] == pytest.approx(numeric, abs=1e-8)


def test_bad_input_is_refused_saying_what_is_allowed():
    with pytest.raises(symnn.BadNumbersError, match="NaN or infinite"):
        softmax(np.array([[np.nan, 0.0]]))
    with pytest.raises(symnn.InvalidArgumentError, match=r"shape \(N, K\)"):
        softmax(np.zeros((2, 2, 2)))
    with pytest.raises(symnn.InvalidArgumentError, match=r"labels must lie in 0..2"):
        one_hot(np.array([0, 3]), 3)
    with pytest.raises(symnn.InvalidArgumentError, match="targets of shape"):
        cross_entropy(np.zeros((2, 3)), np.zeros((2, 2)))
