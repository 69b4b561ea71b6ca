"""The numeric path: compiled = an independent forward pass, stable activations, Params, cross-check, bad numbers."""

import warnings
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from sympy import Rational

import symnn
from symnn import Network, Params, compile, crosscheck, guards, notation
from symnn.core.activations import get
from symnn.numeric.crosscheck import CrossCheck

LEAKY_SLOPE = Rational(1, 5)


def hand_forward(X, Ws, bs, activations):
    """A forward pass written by hand, with textbook NumPy activations (the oracle)."""
    table = {"sigmoid": lambda t: 1 / (1 + np.exp(-t)), "tanh": np.tanh, "relu": lambda t: np.maximum(t, 0),
             "linear": lambda t: t, "softplus": lambda t: np.log1p(np.exp(t))}
    A = np.asarray(X, dtype=float)
    for W, b, name in zip(Ws, bs, activations):
        A = table[name](A @ W + b)
    return A


# g(z) in mpmath, written from the lecture's formulas (leaky ReLU with slope 1/5)
MP_ACTIVATIONS = {
    "sigmoid": lambda t: 1 / (1 + mpmath.exp(-t)),
    "tanh": lambda t: (mpmath.exp(t) - mpmath.exp(-t)) / (mpmath.exp(t) + mpmath.exp(-t)),
    "relu": lambda t: max(t, 0),
    "linear": lambda t: t,
    "softplus": lambda t: mpmath.log(1 + mpmath.exp(t)),
    "leaky_relu": lambda t: t if t >= 0 else t / 5,
}


def mp_forward(x, params, names):
    """a^{[L]} = g(W^{[L]T} ... + b^{[L]}) at one input row, in mpmath from the exact float values."""
    a = [mpmath.mpf(float(v)) for v in x]
    for j, name in enumerate(names, start=1):
        W, b = params.W(j), params.b(j)
        a = [MP_ACTIVATIONS[name](mpmath.fsum(mpmath.mpf(float(W[k, i])) * a[k] for k in range(W.shape[0]))
                                  + mpmath.mpf(float(b[i]))) for i in range(W.shape[1])]
    return a


def activation(name):
    return get(name, slope=LEAKY_SLOPE) if name == "leaky_relu" else name


def _drawn_point(data, net):
    """Seeded random parameters and a drawn input x: (params, x, the compiled output at x, the exact
    substitution of every parameter and input)."""
    params = Params.random(net, seed=data.draw(st.integers(0, 10_000)))
    x = np.array([data.draw(st.floats(-3, 3)) for _ in range(net.sizes[0])])
    compiled = compile(net)(x.reshape(1, -1), params)[0]
    values = params.to_substitution(net, exact=True)
    values.update({notation.x(k + 1): Rational(float(v)) for k, v in enumerate(x)})
    return params, x, compiled, values


@settings(max_examples=30, deadline=None)
@given(data=st.data(), sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4))
def test_compiled_and_symbolic_outputs_equal_an_mpmath_forward_pass(data, sizes):
    names = data.draw(st.lists(st.sampled_from(sorted(MP_ACTIVATIONS)), min_size=len(sizes) - 1,
                               max_size=len(sizes) - 1))
    net = Network(sizes, activation=[activation(name) for name in names])
    params, x, compiled, values = _drawn_point(data, net)
    with mpmath.workdps(40):
        want = mp_forward(x, params, names)
        for i in range(sizes[-1]):
            symbolic = mpmath.mpf(str(net.output(i + 1).xreplace(values).evalf(35)))
            assert abs(symbolic - want[i]) <= mpmath.mpf(10) ** -30 * max(1, abs(want[i]))
            assert abs(compiled[i] - want[i]) <= 1e-12 * max(1.0, abs(float(want[i])))


@settings(max_examples=20, deadline=None)
@given(data=st.data(), sizes=st.lists(st.integers(1, 4), min_size=1, max_size=3), classes=st.integers(2, 4))
def test_softmax_output_compiled_and_symbolic_equal_an_mpmath_forward_pass(data, sizes, classes):
    sizes = sizes + [classes]
    names = data.draw(st.lists(st.sampled_from(sorted(MP_ACTIVATIONS)), min_size=len(sizes) - 2,
                               max_size=len(sizes) - 2))
    net = Network(sizes, activation=[activation(name) for name in names] + ["softmax"])
    params, x, compiled, values = _drawn_point(data, net)
    with mpmath.workdps(40):
        # the hidden layers by hand, then a_i = e^{z_i} / Σ_m e^{z_m} over the output's z
        hidden = mp_forward(x, Params.from_arrays([params.W(j) for j in range(1, net.depth)],
                                                  [params.b(j) for j in range(1, net.depth)]), names) \
            if net.depth > 1 else [mpmath.mpf(float(v)) for v in x]
        W, b = params.W(net.depth), params.b(net.depth)
        zs = [mpmath.fsum(mpmath.mpf(float(W[k, i])) * hidden[k] for k in range(W.shape[0])) + mpmath.mpf(float(b[i]))
              for i in range(classes)]
        total = mpmath.fsum(mpmath.exp(value) for value in zs)
        want = [mpmath.exp(value) / total for value in zs]
        for i in range(classes):
            symbolic = mpmath.mpf(str(net.output(i + 1).xreplace(values).evalf(35)))
            assert abs(symbolic - want[i]) <= mpmath.mpf(10) ** -30
            assert abs(compiled[i] - want[i]) <= 1e-13


def test_compiled_equals_hand_written_numpy():
    net = Network([784, 128, 10], activation=["relu", "sigmoid"])
    params = Params.random(net, seed=3)
    X = np.random.default_rng(0).random((50, 784))
    want = hand_forward(X, [params.W(1), params.W(2)], [params.b(1), params.b(2)], ["relu", "sigmoid"])
    np.testing.assert_allclose(compile(net)(X, params), want, rtol=1e-12, atol=1e-15)


def test_compile_never_builds_the_networks_expression():
    net = Network([784, 512, 512, 10], activation="sigmoid")
    with pytest.raises(guards.ExpressionTooLarge):  # the network's output in terms of x is far too large…
        net.output(1)
    params = Params.random(net, seed=4)
    X = np.random.default_rng(4).random((20, 784))
    want = hand_forward(X, [params.W(j) for j in (1, 2, 3)], [params.b(j) for j in (1, 2, 3)], ["sigmoid"] * 3)
    np.testing.assert_allclose(compile(net)(X, params), want, rtol=1e-12)  # …and compile does not need it


@pytest.mark.parametrize("value", [-1e4, -745.0, -50.0, -1e-8, 0.0, 1e-8, 50.0, 745.0, 1e4])
@pytest.mark.parametrize("name", ["sigmoid", "softplus"])
def test_stable_activations_at_extremes(name, value):
    net = Network([1, 1], activation=name)
    params = Params.from_arrays([np.array([[1.0]])], [np.array([0.0])])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = compile(net)(np.array([[value]]), params)[0, 0]
    with mpmath.workdps(50):
        t = mpmath.mpf(value)
        want = 1 / (1 + mpmath.exp(-t)) if name == "sigmoid" else mpmath.log(1 + mpmath.exp(t))
    assert abs(got - float(want)) <= 1e-15 * max(1.0, abs(float(want))) or float(want) < 1e-300


def test_float32_on_request():
    net = Network([3, 2, 1], activation="sigmoid")
    params = Params.random(net, seed=1)
    X = np.random.default_rng(1).random((5, 3))
    single = compile(net, dtype="float32")(X, params)
    assert single.dtype == np.float32
    want = hand_forward(X, [params.W(1), params.W(2)], [params.b(1), params.b(2)], ["sigmoid", "sigmoid"])
    np.testing.assert_allclose(single, want, rtol=1e-5)
    assert np.abs(single - want).max() > 1e-12  # really single precision
    with pytest.raises(symnn.SymnnError, match="dtype"):
        compile(net, dtype="float16")


def test_integer_and_boolean_inputs_are_accepted():
    net = Network([3, 1], activation="relu")
    params = Params.random(net, seed=1)
    f = compile(net)
    as_float = f(np.array([[1.0, 0.0, 1.0]]), params)
    np.testing.assert_allclose(as_float, hand_forward([[1.0, 0.0, 1.0]], [params.W(1)], [params.b(1)], ["relu"]),
                               rtol=1e-15)
    np.testing.assert_array_equal(f(np.array([[1, 0, 1]]), params), as_float)
    np.testing.assert_array_equal(f(np.array([[True, False, True]]), params), as_float)


def test_empty_batch_gives_empty_result():
    net = Network([3, 2], activation="sigmoid")
    assert compile(net)(np.zeros((0, 3)), Params.random(net)).shape == (0, 2)


@pytest.mark.parametrize("bad, fragment", [
    (np.array([[1.0, np.nan, 0.0]]), "NaN"),
    (np.array([[1.0, np.inf, 0.0]]), "NaN or infinite"),
    (np.zeros((2, 4)), "shape (N, 3)"),
    (np.array([["a", "b", "c"]]), "numbers"),
])
def test_bad_inputs_are_refused(bad, fragment):
    net = Network([3, 1])
    with pytest.raises(symnn.BadNumbersError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        compile(net)(bad, Params.random(net))


def test_params_shapes_are_checked_naming_the_layer():
    with pytest.raises(symnn.BadNumbersError, match=r"W\^\[2\] has 5 rows but layer 1 has 4 units"):
        Params.from_arrays([np.ones((3, 4)), np.ones((5, 1))])
    with pytest.raises(symnn.BadNumbersError, match=r"b\^\[1\] must have 4 entries"):
        Params.from_arrays([np.ones((3, 4))], [np.ones(3)])
    with pytest.raises(symnn.BadNumbersError, match="NaN"):
        Params.from_arrays([np.array([[np.nan]])])
    with pytest.raises(symnn.BadNumbersError, match="layer 1 differs"):
        Params.random(Network([3, 5, 1])).check(Network([3, 4, 1]))


def test_params_random_is_seeded():
    net = Network([4, 3, 1])
    a, b, c = Params.random(net, seed=5), Params.random(net, seed=5), Params.random(net, seed=6)
    np.testing.assert_array_equal(a.W(1), b.W(1))
    assert not np.array_equal(a.W(1), c.W(1))
    assert np.abs(a.W(1)).max() <= 1 / np.sqrt(4)
    assert not Params.random(Network([4, 1], bias=False)).b(1).any()


def test_substitution_round_trip_is_exact():
    net = Network([3, 2, 1])
    params = Params.random(net, seed=2)
    values = params.to_substitution(net)
    exact = Fraction(float(params.W(1)[1, 0]))  # every float is exactly one rational
    assert values[notation.w(2, 1, 1)] == Rational(exact.numerator, exact.denominator)
    again = Params.from_substitution(net, values)
    for j in (1, 2):
        np.testing.assert_array_equal(again.W(j), params.W(j))
        np.testing.assert_array_equal(again.b(j), params.b(j))
    with pytest.raises(symnn.BadNumbersError, match="no value for"):
        Params.from_substitution(net, {})


def fraction_forward(x, params, relu_layers):
    """a^{[L]} with every float taken as its exact rational: plain Fraction arithmetic, no rounding."""
    a = [Fraction(float(v)) for v in x]
    for j, relu in enumerate(relu_layers, start=1):
        W, b = params.W(j), params.b(j)
        zs = [sum(Fraction(float(W[k, i])) * a[k] for k in range(W.shape[0])) + Fraction(float(b[i]))
              for i in range(W.shape[1])]
        a = [max(v, Fraction(0)) for v in zs] if relu else zs
    return a


def largest_differences(got, exact):
    """Largest |got − exact| and |got − exact| / |exact| per output, over the samples."""
    n_out = len(exact[0])
    abs_diffs = [[abs(Fraction(float(g[i])) - e[i]) if isinstance(e[i], Fraction) else abs(mpmath.mpf(float(g[i])) - e[i])
                  for g, e in zip(got, exact)] for i in range(n_out)]
    rel = [[d / abs(e[i]) if e[i] else d for d, e in zip(column, exact)] for i, column in enumerate(abs_diffs)]
    return [float(max(column)) for column in abs_diffs], [float(max(column)) for column in rel]


def test_crosscheck_in_exact_rationals_reports_the_true_rounding_error():
    relu = Network([35, 4, 1], activation=["relu", "linear"])
    params = Params.random(relu, seed=1)
    X = np.random.default_rng(2).integers(0, 2, size=(20, 35))
    got = compile(relu)(X, params)
    exact = [fraction_forward(x, params, [True, False]) for x in X]
    want_abs, want_rel = largest_differences(got, exact)
    assert 0 < want_abs[0] < 1e-14  # float64 rounding, really there
    report = crosscheck(relu, params, X)
    assert report.mode == "exact rationals" and report.samples == 20
    assert report.max_abs[0] == pytest.approx(want_abs[0], rel=1e-12)
    assert report.max_rel[0] == pytest.approx(want_rel[0], rel=1e-12)


def test_crosscheck_in_mpmath_reports_the_true_rounding_error():
    sigmoid = Network([35, 4, 1], activation="sigmoid")
    params = Params.random(sigmoid, seed=1)
    X = np.random.default_rng(2).integers(0, 2, size=(20, 35))
    got = compile(sigmoid)(X, params)
    with mpmath.workdps(40):
        exact = [mp_forward(x, params, ["sigmoid", "sigmoid"]) for x in X]
        want_abs, want_rel = largest_differences(got, exact)
    report = crosscheck(sigmoid, params, X)
    assert report.mode == "mpmath, 40 digits"
    assert want_rel[0] < 1e-15  # float64 is this close to the truth…
    assert report.max_rel[0] == pytest.approx(want_rel[0], rel=1e-6)  # …and the report says so
    assert report.ok(1e-12)


def test_crosscheck_detects_a_less_precise_path():
    net = Network([35, 4, 1], activation="sigmoid")
    params = Params.random(net, seed=1)
    X = np.random.default_rng(2).random((10, 35))
    single = compile(net, dtype="float32")(X, params)
    with mpmath.workdps(40):
        _, want_rel = largest_differences(single, [mp_forward(x, params, ["sigmoid", "sigmoid"]) for x in X])
    report = crosscheck(net, params, X, dtype="float32")
    assert not report.ok(1e-12)
    assert report.max_rel[0] == pytest.approx(want_rel[0], rel=1e-6)
    assert 1e-9 < want_rel[0] < 1e-5  # float32's rounding


def test_nan_input_is_found_even_behind_zero_weights():
    net = Network([3, 2], activation="sigmoid")
    params = Params.from_arrays([np.zeros((3, 2))], [np.zeros(2)])
    with pytest.raises(symnn.BadNumbersError, match="NaN"):
        compile(net)(np.array([[np.nan, 0.0, 0.0]]), params)
    with pytest.raises(symnn.BadNumbersError, match="NaN or infinite"):
        compile(net)(np.array([[0.0, np.inf, 0.0]]), params)
    out = compile(net, allow_nonfinite=True)(np.array([[np.nan, 0.0, 0.0]]), params)
    assert np.isnan(out).all()


def test_overflowing_z_is_reported():
    net = Network([1, 1], activation="linear")
    params = Params.from_arrays([np.array([[1e300]])], [np.array([0.0])])
    with pytest.raises(symnn.BadNumbersError, match="overflowed"):
        compile(net)(np.array([[1e300]]), params)


def test_stable_sigmoid_matches_mpmath_over_a_range():
    net = Network([1, 1], activation="sigmoid")
    params = Params.from_arrays([np.array([[1.0]])], [np.array([0.0])])
    values = np.linspace(-740, 740, 2001)
    got = compile(net)(values.reshape(-1, 1), params).ravel()
    with mpmath.workdps(50):
        for value, result in zip(values, got):
            want = 1 / (1 + mpmath.exp(-mpmath.mpf(float(value))))
            assert abs(result - float(want)) <= 4e-16 * float(want)


def test_crosscheck_judges_each_value_on_its_own():
    # one row underflows to 0 (relative Δ 1, |Δ| ≈ 0), the other is off by ~1e-16: each passes on its own,
    # so both together must too (per-output maxima from different rows used to fail them)
    net = symnn.Network([2, 3], activation="softmax")
    params = symnn.Params.from_arrays([np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 0.0]])], [np.array([0.0, 0.5, 0.0])])
    rows = np.array([[-1e4, 0.0], [700.0, 710.0]])
    assert crosscheck(net, params, rows[:1]).ok(1e-12) and crosscheck(net, params, rows[1:]).ok(1e-12)
    assert crosscheck(net, params, rows).ok(1e-12)
    off = CrossCheck("exact rationals", 1, (1e-3,), (1e-3,), differences=((1e-3, 1e-3),))
    assert not off.ok(1e-12)
