"""A softmax output in the numeric path: compiled forward, cross-check, gradients and training, against oracles.

The oracles are written here: a NumPy forward pass (matrix products and a max-subtracted exp), mpmath at
50 digits, the cross-entropy by hand under central finite differences, one Adam step by hand.
"""

import warnings

import mpmath
import numpy as np
import pytest
from sympy import Rational, exp

import symnn
from symnn import Network, Params, compile, crosscheck, train
from symnn.math import exact
from symnn.numeric.crosscheck import prediction_agreement
from symnn.numeric.gradients import CompiledGradient

TANH_SOFTMAX = ["tanh", "softmax"]


def hand_forward(X, params, hidden=np.tanh):
    """tanh hidden layers, then a_i = e^{z_i − max} / Σ_m e^{z_m − max}, written out in NumPy."""
    A = np.asarray(X, dtype=np.float64)
    for j in range(1, params.depth):
        A = hidden(A @ params.W(j) + params.b(j))
    Z = A @ params.W(params.depth) + params.b(params.depth)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def mp_softmax(row, digits=50):
    with mpmath.workdps(digits):
        values = [mpmath.mpf(float(v)) for v in row]
        total = mpmath.fsum(mpmath.exp(v) for v in values)
        return [mpmath.exp(v) / total for v in values]


def test_compiled_softmax_equals_a_hand_written_numpy_forward_pass_and_rows_sum_to_one():
    net = Network([4, 5, 3], activation=TANH_SOFTMAX)
    params = Params.random(net, seed=3)
    X = np.random.default_rng(0).normal(size=(30, 4)) * 3
    ours = compile(net)(X, params)
    np.testing.assert_allclose(ours, hand_forward(X, params), rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(ours.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    trace = compile(net).trace(X, params)
    assert len(trace.Z) == 2 and len(trace.A) == 3
    np.testing.assert_allclose(trace.Z[-1], np.tanh(X @ params.W(1) + params.b(1)) @ params.W(2) + params.b(2),
                               rtol=1e-13)
    np.testing.assert_array_equal(trace.A[-1], ours)


@pytest.mark.parametrize("dtype, rtol", [("float64", 1e-13), ("float32", 2e-6)])
def test_compiled_softmax_at_extreme_z_agrees_with_mpmath_with_warnings_as_errors(dtype, rtol):
    # one layer with W = I: z is the input itself, so z reaches ±10⁴ (e^{10⁴} overflows either dtype)
    net = Network([3, 3], activation="softmax")
    params = Params.from_arrays([np.eye(3)], [np.zeros(3)])
    X = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4 + 1, -1e4 + 2], [1e4, 1e4, 1e4 - 3], [50.0, 0.0, -50.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = compile(net, dtype)(X, params)
    assert a.dtype == np.dtype(dtype) and np.isfinite(a).all()
    for row, got in zip(X, a):
        want = [float(v) for v in mp_softmax(row)]
        tiny = np.finfo(dtype).tiny  # a probability below the dtype's smallest normal rounds to 0 or a subnormal
        for value, expected in zip(got, want):
            assert float(value) == pytest.approx(expected, rel=rtol, abs=tiny)
        assert float(got.sum(dtype=np.float64)) == pytest.approx(1.0, abs=4 * np.finfo(dtype).eps)


def test_overflowing_z_is_refused_unless_allowed_and_then_gives_the_limits_of_softmax():
    # z = x·(10³⁰⁰, 0, 10³⁰⁰) overflows to (±inf, 0, ±inf) for |x| = 10¹⁰
    net = Network([1, 3], activation="softmax")
    params = Params.from_arrays([np.array([[1e300, 0.0, 1e300]])], [np.array([0.0, 0.0, 5.0])])
    X = np.array([[1e10], [-1e10], [np.nan]])
    with pytest.raises(symnn.BadNumbersError, match="overflowed"):
        compile(net)(X[:2], params)
    with pytest.raises(symnn.BadNumbersError, match="NaN or infinite"):
        compile(net)(X, params)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = compile(net, allow_nonfinite=True)(X, params)
    np.testing.assert_array_equal(a[0], [0.5, 0.0, 0.5])  # the two +inf share the probability
    np.testing.assert_array_equal(a[1], [0.0, 1.0, 0.0])  # e^{−inf} = 0 beside a finite z
    assert np.isnan(a[2]).all()  # no limit for NaN


def test_exact_forward_keeps_softmax_exact_and_the_modular_route_declines_it():
    net = Network([1, 2], activation="softmax")
    layer = net.layers[0]
    values = {layer.weight(1, 1): Rational(1, 2), layer.weight(1, 2): Rational(-1, 3),
              layer.bias_term(1): 0, layer.bias_term(2): 0}
    a1, a2 = exact.forward(net, values, [1])
    assert (a1 - exp(Rational(1, 2)) / (exp(Rational(1, 2)) + exp(Rational(-1, 3)))).simplify() == 0
    assert (a1 + a2).simplify() == 1
    assert exact.forward_modular(net, {symbol: 1 for symbol in values}, [1]) is None
    assert exact.agrees_modulo_prime(net, lambda v, x: [0, 0], seed=0, points=2) is None


def test_crosscheck_and_prediction_agreement_of_a_softmax_network():
    net = Network([3, 4, 3], activation=["relu", "softmax"])
    params = Params.random(net, seed=1)
    X = np.random.default_rng(0).normal(size=(12, 3)) * 3
    check = crosscheck(net, params, X)
    assert check.ok(1e-13) and check.mode == "mpmath, 40 digits", str(check)
    assert crosscheck(net, params, X, dtype="float32").ok(1e-6)
    agreeing, total, mode = prediction_agreement(net, params, X)
    assert (agreeing, total, mode) == (12, 12, "exact rationals")  # argmax of the exact z^{[L]}


def hand_cross_entropy(X, Y, params):
    """The mean over the rows of −Σ_i y_i log a_i, with the tanh-softmax forward pass written above."""
    return float(np.mean(-(Y * np.log(hand_forward(X, params))).sum(axis=1)))


def hand_squared_error(X, Y, params):
    return float(np.mean(((hand_forward(X, params) - Y) ** 2 / 2).sum(axis=1)))


@pytest.mark.parametrize("loss, hand_loss", [("cross_entropy", hand_cross_entropy),
                                             ("squared_error", hand_squared_error)])
def test_softmax_gradients_equal_central_differences_of_the_loss_computed_here(loss, hand_loss):
    net = Network([4, 3, 3], activation=TANH_SOFTMAX)
    params = Params.random(net, seed=7)
    rng = np.random.default_rng(7)
    X = rng.normal(size=(6, 4))
    Y = rng.dirichlet(np.ones(3), size=6)  # probability rows, not only one-hot
    gradient = CompiledGradient(compile(net), loss)(X, Y, params)
    assert gradient.loss == pytest.approx(hand_loss(X, Y, params), rel=1e-13)
    Ws, bs = params.arrays()
    h = 1e-6
    for j in range(2):
        for arrays, analytic in ((Ws, gradient.dW), (bs, gradient.db)):
            for index in np.ndindex(arrays[j].shape):
                moved = []
                for sign in (1, -1):
                    copy = [a.copy() for a in arrays]
                    copy[j][index] += sign * h
                    moved.append(hand_loss(X, Y, Params(copy, bs) if arrays is Ws else Params(Ws, copy)))
                assert analytic[j][index] == pytest.approx((moved[0] - moved[1]) / (2 * h), rel=1e-6, abs=1e-9)


def test_the_cross_entropy_delta_is_the_derived_a_minus_y():
    gradient = CompiledGradient(compile(Network([2, 3], activation="softmax")), "cross_entropy")
    assert str(gradient.delta_formula) == "a - y"
    assert CompiledGradient(compile(Network([2, 3], activation="softmax")), "squared_error").delta_formula is None


def three_clusters(per_class=10, seed=0):
    """Three well separated clusters in the plane, labels 0, 1, 2."""
    rng = np.random.default_rng(seed)
    centres = np.array([[4.0, 0.0], [-2.0, 3.5], [-2.0, -3.5]])
    y = np.arange(3 * per_class) % 3
    return centres[y] + rng.normal(scale=0.5, size=(len(y), 2)), y


def test_train_with_defaults_separates_three_classes_and_reports_argmax_accuracy():
    X, y = three_clusters()
    net = Network([2, 3], activation="softmax")
    result = train(net, X, y, epochs=60, show_progress=False)
    assert (result.optimizer, result.lr) == ("adam", 0.01)
    P = hand_forward(X, result.params)
    assert (P.argmax(axis=1) == y).all()
    assert result.history[-1].accuracy == 1.0
    assert result.final_loss == pytest.approx(np.mean(-np.log(P[np.arange(len(y)), y])), rel=1e-12)
    assert result.history[-1].loss < result.history[0].loss


def test_integer_labels_and_one_hot_rows_train_the_same_weights():
    X, y = three_clusters(per_class=4)
    net = Network([2, 3], activation="softmax")
    by_label = train(net, X, y, epochs=5, show_progress=False)
    by_row = train(net, X, np.eye(3)[y], loss="cross_entropy", epochs=5, show_progress=False)
    np.testing.assert_array_equal(by_label.params.W(1), by_row.params.W(1))
    float_labels = train(net, X, y.astype(float), epochs=5, show_progress=False)
    np.testing.assert_array_equal(by_label.params.W(1), float_labels.params.W(1))


def test_accuracy_in_the_history_is_argmax_agreement():
    X, y = three_clusters(per_class=4)
    net = Network([2, 3], activation="softmax")
    start = Params.from_arrays([np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])], [np.zeros(3)])
    result = train(net, X, y, epochs=1, lr=1e-12, params=start, show_progress=False)  # the weights barely move
    predicted = hand_forward(X, result.params).argmax(axis=1)
    assert result.history[0].accuracy == pytest.approx(float((predicted == y).mean()))


def test_squared_error_after_softmax_trains():
    X, y = three_clusters(per_class=6)
    result = train(Network([2, 3], activation="softmax"), X, y, loss="squared_error", epochs=80,
                   show_progress=False)
    assert result.history[-1].accuracy == 1.0
    assert result.final_loss == pytest.approx(hand_squared_error(X, np.eye(3)[y], result.params), rel=1e-12)


@pytest.mark.parametrize("targets, fragment", [
    (lambda y: np.where(y == 2, 3, y), "class labels must be whole numbers 0..2 (one of the 3 outputs), not 3"),
    (lambda y: y - 1, "class labels must be whole numbers 0..2 (one of the 3 outputs), not -1"),
    (lambda y: y + 0.5, "class labels must be whole numbers 0..2 (one of the 3 outputs), not 0.5"),
    (lambda y: np.where(y == 1, np.nan, y), "class labels must be whole numbers 0..2 (one of the 3 outputs), not nan"),
    (lambda y: np.eye(3)[y] * 2, "probability rows must hold numbers between 0 and 1, not 2"),
    (lambda y: np.eye(3)[y] + np.eye(3)[(y + 1) % 3] * 0.5, "each row of targets must sum to 1"),
    (lambda y: np.eye(4)[y], "integer labels 0..2 (shape (12,)) or one-hot / probability rows (shape (12, 3)), "
                             "got shape (12, 4)"),
])
def test_softmax_targets_are_refused_saying_what_is_allowed(targets, fragment):
    X, y = three_clusters(per_class=4)
    with pytest.raises(symnn.BadNumbersError) as info:
        train(Network([2, 3], activation="softmax"), X, targets(y), epochs=1, show_progress=False)
    assert fragment in str(info.value)


def test_a_step_size_alone_means_gradient_descent_as_before():
    X, y = three_clusters(per_class=2)
    net = Network([2, 3], activation="softmax")
    start = Params.random(net, seed=5)
    result = train(net, X, y, lr=0.3, epochs=1, params=start, show_progress=False)
    assert result.optimizer == "sgd"
    Y = np.eye(3)[y]
    delta = hand_forward(X, start) - Y  # δ = a − y, the whole batch of six rows in one step
    np.testing.assert_allclose(result.params.W(1), start.W(1) - 0.3 * X.T @ delta / len(y), rtol=1e-13)
    np.testing.assert_allclose(result.params.b(1), start.b(1) - 0.3 * delta.mean(axis=0), rtol=1e-13)


def test_the_squared_error_takes_rows_that_do_not_sum_to_one():
    X, y = three_clusters(per_class=2)
    targets = np.eye(3)[y] * 0.5  # legal for ½(a − y)²; the cross-entropy's δ = a − y would be wrong for it
    result = train(Network([2, 3], activation="softmax"), X, targets, loss="squared_error", epochs=1,
                   show_progress=False)
    assert result.final_loss == pytest.approx(hand_squared_error(X, targets, result.params), rel=1e-12)


def test_one_adam_step_equals_the_update_written_by_hand():
    X, y = three_clusters(per_class=2)
    net = Network([2, 3], activation="softmax")
    start = Params.random(net, seed=5)
    result = train(net, X, y, optimizer="adam", lr=0.05, epochs=2, params=start, show_progress=False)
    W, b = start.W(1).copy(), start.b(1).copy()
    moments = {"W": [0.0, 0.0], "b": [0.0, 0.0]}
    for t in (1, 2):  # two steps of the whole batch: m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², bias-corrected
        delta = hand_forward(X, Params.from_arrays([W], [b])) - np.eye(3)[y]
        for name, g in (("W", X.T @ delta / len(y)), ("b", delta.mean(axis=0))):
            m, v = moments[name]
            m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
            moments[name] = [m, v]
            step = 0.05 * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
            if name == "W":
                W = W - step
            else:
                b = b - step
    np.testing.assert_allclose(result.params.W(1), W, rtol=1e-12)
    np.testing.assert_allclose(result.params.b(1), b, rtol=1e-12)


def test_bad_optimizer_and_losses_a_softmax_output_cannot_take_are_refused():
    X, y = three_clusters(per_class=2)
    net = Network([2, 3], activation="softmax")
    with pytest.raises(symnn.InvalidArgumentError, match="optimizer must be one of 'adam', 'sgd', not 'rmsprop'"):
        train(net, X, y, optimizer="rmsprop", show_progress=False)
    with pytest.raises(symnn.InvalidArgumentError, match="a softmax output takes loss 'cross_entropy'"):
        train(net, X, y, loss="bce", show_progress=False)
