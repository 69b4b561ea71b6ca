"""Gradients from SymPy's formulas = sympy.diff of the whole loss = finite differences; training works."""

import numpy as np
import pytest
from sympy import Rational, diff, log, simplify

import symnn
from symnn import Network, Params, compile, notation, train
from symnn.numeric.gradients import CompiledGradient, Y, neuron_gradient, output_delta
from symnn.core.activations import get


def test_single_sigmoid_neuron_gradient_is_a_minus_y_times_x():
    net = Network([3, 1], activation="sigmoid")
    grads = neuron_gradient(net, "bce")
    a = net.layers[0].a_symbol(1)
    for k in (1, 2, 3):
        assert simplify(grads[notation.w(k, 1, 1)] - (a - Y) * notation.x(k)) == 0
    assert simplify(grads[notation.b(1, 1)] - (a - Y)) == 0


@pytest.mark.parametrize("loss, activation, expected", [
    ("bce", "sigmoid", "a - y"),
    ("mse", "linear", "-y + z"),
])
def test_output_deltas(loss, activation, expected):
    assert str(output_delta(loss, get(activation))) == expected


def test_bce_needs_a_sigmoid_output():
    with pytest.raises(symnn.InvalidArgumentError) as info:
        CompiledGradient(compile(Network([2, 1], activation="tanh")), "bce")
    assert "needs a sigmoid output layer" in str(info.value) and "not tanh" in str(info.value)
    with pytest.raises(symnn.InvalidArgumentError, match="unknown loss 'hinge'"):
        CompiledGradient(compile(Network([2, 1], activation="sigmoid")), "hinge")


# The two losses, written here from their textbook definitions (mse is halved: ∂/∂a = a − y).
HAND_LOSSES = {
    "bce": lambda a, y: -(y * log(a) + (1 - y) * log(1 - a)),
    "mse": lambda a, y: (a - y) ** 2 / 2,
}


def whole_loss_gradient(net, params, x, y, loss):
    """sympy.diff of the whole network's loss, at exact values: the independent symbolic oracle."""
    values = params.to_substitution(net)
    values.update({notation.x(k + 1): Rational(float(v)) for k, v in enumerate(x)})
    values[Y] = Rational(int(y))
    total = sum(HAND_LOSSES[loss](net.output(i + 1), Y) for i in range(net.sizes[-1]))
    return {p: float(diff(total, p).xreplace(values).evalf(30)) for p in net.params()}


@pytest.mark.parametrize("activations, loss", [
    (["sigmoid", "sigmoid"], "bce"),
    (["tanh", "sigmoid"], "bce"),
    (["relu", "sigmoid"], "mse"),
    (["softplus", "linear"], "mse"),
    (["leaky_relu", "tanh"], "mse"),
])
def test_compiled_gradient_equals_sympy_diff_of_the_whole_loss(activations, loss):
    net = Network([3, 2, 1], activation=activations)
    params = Params.random(net, seed=4)
    x, y = np.array([0.5, -1.25, 2.0]), 1
    gradient = CompiledGradient(compile(net), loss)(x.reshape(1, 3), np.array([[y]]), params)
    want = whole_loss_gradient(net, params, x, y, loss)
    for layer in net.layers:
        j = layer.index
        for k in range(layer.n_in):
            for i in range(layer.n_out):
                assert gradient.dW[j - 1][k, i] == pytest.approx(want[layer.weight(k + 1, i + 1)], rel=1e-10, abs=1e-13)
        for i in range(layer.n_out):
            assert gradient.db[j - 1][i] == pytest.approx(want[layer.bias_term(i + 1)], rel=1e-10, abs=1e-13)


def test_compiled_gradient_equals_finite_differences():
    net = Network([4, 3, 2], activation=["tanh", "sigmoid"])
    params = Params.random(net, seed=9)
    rng = np.random.default_rng(9)
    X, y = rng.normal(size=(6, 4)), rng.integers(0, 2, size=(6, 2))
    grad = CompiledGradient(compile(net), "bce")
    analytic = grad(X, y, params)
    # the loss itself, by hand: mean over the batch of Σ_outputs −(y log a + (1 − y) log(1 − a))
    a = 1 / (1 + np.exp(-((np.tanh(X @ params.W(1) + params.b(1))) @ params.W(2) + params.b(2))))
    assert analytic.loss == pytest.approx(np.mean(np.sum(-(y * np.log(a) + (1 - y) * np.log(1 - a)), axis=1)),
                                          rel=1e-12)
    Ws, bs = params.arrays()
    h = 1e-6
    for j in range(2):
        for index in np.ndindex(Ws[j].shape):
            plus, minus = [W.copy() for W in Ws], [W.copy() for W in Ws]
            plus[j][index] += h
            minus[j][index] -= h
            numeric = (grad(X, y, Params(plus, bs)).loss - grad(X, y, Params(minus, bs)).loss) / (2 * h)
            assert analytic.dW[j][index] == pytest.approx(numeric, rel=1e-5, abs=1e-8)


def test_loss_is_stable_for_huge_z():
    net = Network([1, 1], activation="sigmoid")
    grad = CompiledGradient(compile(net), "bce")
    params = Params.from_arrays([np.array([[1.0]])], [np.array([0.0])])
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wrong = grad(np.array([[1e4]]), np.array([[0]]), params)
        right = grad(np.array([[1e4]]), np.array([[1]]), params)
    assert wrong.loss == pytest.approx(1e4)  # −log(1 − σ(10⁴)) = 10⁴ + log(1 + e^{−10⁴})
    assert right.loss == pytest.approx(0.0, abs=1e-300)


def test_train_reduces_loss_and_is_reproducible():
    net = Network([2, 4, 1], activation="sigmoid")
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    y = np.array([0, 1, 1, 0])  # XOR: needs the hidden layer
    first = train(net, X, y, lr=2.0, epochs=2000, seed=1, show_progress=False)
    again = train(net, X, y, lr=2.0, epochs=2000, seed=1, show_progress=False)
    assert first.history[-1].loss < first.history[0].loss
    assert first.history[-1].accuracy == 1.0
    np.testing.assert_array_equal(first.params.W(1), again.params.W(1))
    assert [r.epoch for r in first.history[:3]] == [1, 2, 3]


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(epochs=-1), "epochs must be an integer from 0 to 1,000,000, not -1"),
    (dict(batch_size=0), "batch_size must be an integer ≥ 1, not 0"),
    (dict(lr=0), "lr must be a positive number, not 0"),
    (dict(loss="hinge"), "unknown loss 'hinge'; choose one of bce, squared_error, mse"),
])
def test_train_bad_arguments_name_the_value_and_what_is_allowed(kwargs, fragment):
    with pytest.raises(symnn.InvalidArgumentError) as info:
        train(Network([2, 1], activation="sigmoid"), np.zeros((2, 2)), np.zeros(2), **kwargs)
    assert fragment in str(info.value)


def test_train_bad_targets():
    with pytest.raises(symnn.BadNumbersError, match=r"targets must hold 2 × 1 values .*got shape \(3,\)"):
        train(Network([2, 1], activation="sigmoid"), np.zeros((2, 2)), np.zeros(3))


def test_defaults_are_adam_on_minibatches_of_at_most_200_rows(monkeypatch):
    from symnn.numeric import gradients
    rows = []
    real_call = gradients.CompiledGradient.__call__

    def counting(self, X, y, params):
        rows.append(len(X))
        return real_call(self, X, y, params)

    monkeypatch.setattr(gradients.CompiledGradient, "__call__", counting)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(250, 3))
    result = train(Network([3, 1], activation="sigmoid"), X, (X[:, 0] > 0).astype(int), epochs=2,
                   show_progress=False)
    assert rows == [200, 50, 200, 50]
    assert (result.optimizer, result.lr, len(result.history)) == ("adam", 0.01, 2)


def test_defaults_learn_the_lecture_digits_in_50_epochs():
    from symnn.data import digits
    lecture = digits.lecture()
    result = train(Network([35, 1], activation="sigmoid"), lecture.X, lecture.y, epochs=50, show_progress=False)
    assert result.history[-1].accuracy == 1.0 and result.optimizer == "adam"


def test_plain_gradient_descent_on_request_keeps_lr_0_5():
    net = Network([2, 1], activation="sigmoid")
    start = Params.from_arrays([np.array([[0.3], [-0.2]])], [np.array([0.1])])
    X, y = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([1.0, 0.0, 1.0])
    result = train(net, X, y, optimizer="sgd", epochs=1, params=start, show_progress=False)
    a = 1 / (1 + np.exp(-(X @ np.array([0.3, -0.2]) + 0.1)))
    np.testing.assert_allclose(result.params.W(1)[:, 0], np.array([0.3, -0.2]) - 0.5 * X.T @ (a - y) / 3, rtol=1e-13)
    assert result.lr == 0.5
