"""Activation records own their numbers: every built-in record is complete, every stable form equals what it
replaces (symbolically, at 30 digits, and in floating point against mpmath), and nothing is chosen by name.

These are the checks that used to run at import (activations._check_table, compile._check_stable_forms,
gradients._check_stable_losses); the reference formulas below are the textbook ones, written here.
"""

import ast
import subprocess
import sys
import warnings
from pathlib import Path

import mpmath
import numpy as np
import pytest
from sympy import Expr, Function, Rational, Set, diff, exp, log, simplify, true

import symnn
from symnn import Network, Params, compile
from symnn.core import activations
from symnn.core.activations import LOSSES, Activation, G, Y, get, known_forms, known_table, z
from symnn.numeric.compile import NUMPY_IMPLEMENTATIONS, elementwise, numpy_function
from symnn.numeric.gradients import A, CompiledGradient, derivative_factor, output_delta

PACKAGE = Path(symnn.__file__).parent


@pytest.fixture(autouse=True)
def reference_precision():
    """mpmath evaluates the textbook formulas with 30 digits to spare at ±700 (1 + e^−700 needs 304 digits)."""
    with mpmath.workdps(340):
        yield


def sigma(t):
    return 1 / (1 + mpmath.exp(-t))


# g and g′ of each built-in, from the textbook definitions (mpmath, independent of SymPy and of symnn)
REFERENCE = {
    "linear": (lambda t: t, lambda t: mpmath.mpf(1)),
    "sigmoid": (sigma, lambda t: sigma(t) * sigma(-t)),
    "tanh": (mpmath.tanh, lambda t: 1 / mpmath.cosh(t) ** 2),
    "relu": (lambda t: max(t, 0), lambda t: mpmath.mpf(1 if t > 0 else 0)),
    "step": (lambda t: mpmath.mpf(1 if t >= 0 else 0), lambda t: mpmath.mpf(0)),
    "leaky_relu": (lambda t: t if t >= 0 else t / 100, lambda t: mpmath.mpf(1) if t > 0 else mpmath.mpf(1) / 100),
    "softplus": (lambda t: mpmath.log(1 + mpmath.exp(t)), sigma),
}
REFERENCE_LOSSES = {
    "bce": lambda a, y: -(y * mpmath.log(a) + (1 - y) * mpmath.log(1 - a)),
    "mse": lambda a, y: (a - y) ** 2 / 2,
}
# A grid with both tails (±700 is where exp overflows in float64 beyond ±709) and no kink (0 is a kink of 4 of them)
GRID = [-700, -300, -40, -7.5, -1, -0.25, 0.125, 0.75, 3, 36.5, 300, 700]
SMOOTH = {"linear", "sigmoid", "tanh", "softplus"}


def close(got: float, want, rel: float) -> bool:
    """|got − want| within ``rel`` of |want|, or both below the smallest normal float64."""
    want = float(want)
    return abs(got - want) <= rel * abs(want) or abs(want) < 2.3e-308 and abs(got) < 2.3e-308


# --- 1. every built-in record is complete ---------------------------------------------------

@pytest.mark.parametrize("name", activations.names())
def test_every_built_in_record_builds_names_itself_and_has_derivative_range_and_latex(name):
    act = get(name)
    assert act.name == name and act.latex_name and act.pretty_name
    assert isinstance(act.derivative, Expr) and act.derivative.free_symbols <= {z}
    assert isinstance(act.range, Set)
    assert isinstance(act.numeric_expr, Expr) and isinstance(act.numeric_derivative, Expr)


@pytest.mark.parametrize("name", activations.names())
def test_built_in_range_holds_the_values_of_g(name):
    g = REFERENCE[name][0]
    for t in [-7.5, -1, -0.25, 0, 0.125, 0.75, 3]:  # where no value rounds onto a bound at 30 digits
        assert get(name).range.contains(Rational(str(g(mpmath.mpf(t))))) is true, (name, t)


# --- 2. the known forms are checked equal when a record takes them ------------------------

def test_every_known_form_passes_the_check_when_a_record_takes_it():
    for expr, forms in known_table().items():
        assert known_forms(expr) == forms, expr


def test_every_known_form_equals_what_it_replaces_symbolically():
    for expr, forms in known_table().items():
        derivative = diff(expr, z)
        plain = {"stable": expr, "stable_derivative": derivative, "derivative_in_g": derivative}
        for field, reference in plain.items():
            form = getattr(forms, field)
            if form is None:
                continue
            written = form.xreplace({G: expr}).rewrite(exp).rewrite(log)
            assert simplify((written - reference).rewrite(exp)) == 0, (expr, field)
        for loss, form in forms.losses.items():
            difference = form.rewrite(log) - LOSSES[loss](expr, Y)
            assert simplify(difference.rewrite(exp).expand(force=True)) == 0, (expr, loss)


def test_a_form_that_is_not_equal_is_not_attached(monkeypatch):
    # a table entry that claims z**2 is stably computed as z**3: the record must refuse to take it
    wrong = activations.KnownForms(stable=z**3, stable_derivative=2 * z, derivative_in_g=2 * G,
                                   losses={"mse": (z**2 - Y) ** 2 / 2, "bce": z - Y})
    monkeypatch.setattr(activations, "known_table", lambda: {z**2: wrong})
    known_forms.cache_clear()
    try:
        taken = known_forms(z**2)
    finally:
        known_forms.cache_clear()
    assert (taken.stable, taken.stable_derivative, taken.derivative_in_g) == (None, 2 * z, None)
    assert taken.losses == {"mse": (z**2 - Y) ** 2 / 2}  # the true one kept, the false one dropped


def test_every_head_of_a_stable_form_has_a_numpy_routine():
    numpy_heads = {"exp", "log", "tanh", "logaddexp"}  # heads NumPy's lambdify printer maps itself
    for forms in known_table().values():
        for form in [forms.stable, forms.stable_derivative, *forms.losses.values()]:
            if form is not None:
                heads = {type(f).__name__ for f in form.atoms(Function)}
                assert heads <= set(NUMPY_IMPLEMENTATIONS) | numpy_heads, heads


# --- 3. and in floating point, against mpmath at 30 digits -------------------------------

@pytest.mark.parametrize("name", activations.names())
def test_numeric_g_and_g_prime_equal_mpmath_on_a_grid_including_700(name):
    g, g_prime = REFERENCE[name]
    act = get(name)
    grid = np.array(GRID)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow or an invalid operation fails the test
        values, slopes = elementwise(act.numeric_expr)(grid), elementwise(act.numeric_derivative)(grid)
    rel = 1e-15 if name in SMOOTH else 0.0  # a few units in the last place; piecewise-linear ones exactly
    for t, value, slope in zip(GRID, values, slopes):
        assert close(value, g(mpmath.mpf(t)), rel), (name, t, value)
        assert close(slope, g_prime(mpmath.mpf(t)), 4 * rel), (name, t, slope)


@pytest.mark.parametrize("loss", ["bce", "mse"])
@pytest.mark.parametrize("y", [0.0, 1.0, 0.3])
def test_stable_loss_after_sigmoid_equals_mpmath_on_the_grid(loss, y):
    form = get("sigmoid").stable_loss(loss)
    if form is None:  # mse has no stable form of its own: it is computed from a
        assert loss == "mse"
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = numpy_function(form, (z, Y))(np.array(GRID), y)
    for t, value in zip(GRID, got):
        want = REFERENCE_LOSSES[loss](sigma(mpmath.mpf(t)), mpmath.mpf(y))
        # the loss is a difference of terms as large as |t|: it is accurate to 1e-15 of max(1, loss)
        assert abs(value - float(want)) <= 1e-15 * max(1.0, float(want)), (t, value, want)


# --- 4. nothing is chosen by name ---------------------------------------------------------

def test_a_user_g_named_like_a_built_in_compiles_to_its_own_expression():
    square = Activation.from_expr(z**2, name="sigmoid")
    also = Activation("sigmoid", z**2, r"\sigma", "σ")
    for act in (square, also):
        assert act.numeric_expr == z**2 and act.numeric_derivative == 2 * z
        assert act.derivative_in_g is None and act.stable_loss("bce") is None
        net = Network([1, 1], activation=act)
        f = compile(net)(np.array([[3.0]]), Params.from_arrays([np.array([[1.0]])], [np.array([0.0])]))
        assert f[0, 0] == 3.0**2
    with pytest.raises(symnn.InvalidArgumentError, match="not sigmoid with values in Interval"):
        CompiledGradient(compile(Network([1, 1], activation=square)), "bce")


def test_a_user_g_named_like_a_built_in_trains_its_own_gradient():
    # g(z) = z² with mse: dL/dw = (a − y)·g′(z)·x = (z² − y)·2z·x, written out here
    net = Network([1, 1], activation=Activation.from_expr(z**2, name="sigmoid"))
    x, w, b, y = 1.5, 0.5, 0.25, 2.0
    gradient = CompiledGradient(compile(net), "mse")(np.array([[x]]), np.array([[y]]),
                                                     Params.from_arrays([np.array([[w]])], [np.array([b])]))
    zed = x * w + b
    assert gradient.dW[0][0, 0] == pytest.approx((zed**2 - y) * 2 * zed * x, rel=1e-15)
    assert gradient.db[0][0] == pytest.approx((zed**2 - y) * 2 * zed, rel=1e-15)


def test_a_user_g_equal_to_a_known_one_gets_its_stable_forms():
    user = Activation.from_string("log(1 + exp(z))", name="mine")
    assert user.numeric_expr == get("softplus").numeric_expr != user.expr
    assert user.numeric_derivative == get("softplus").numeric_derivative


# --- 5. the output layer uses the same stable g′ as the hidden layers -----------------------

def test_output_delta_with_mse_is_a_minus_y_times_the_hidden_layers_factor():
    for name in activations.names():
        act = get(name)
        expected = (A - Y) * derivative_factor(act)
        if act.expr == z:
            expected = expected.xreplace({A: z})  # for the identity a is z
        assert (output_delta("mse", act, stable=True) - expected).expand() == 0, name
    assert str(output_delta("bce", get("sigmoid"))) == "a - y"


@pytest.mark.parametrize("zed", [800.0, -800.0])
def test_softplus_output_with_mse_is_finite_and_equals_mpmath_at_800(zed):
    # z = x·w with x = 2, w = zed/2, no bias worth speaking of: b = 0
    net = Network([1, 1], activation="softplus")
    x, y = 2.0, 1.0
    params = Params.from_arrays([np.array([[zed / 2]])], [np.array([0.0])])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the old raw derivative overflowed here (NaN and RuntimeWarnings)
        gradient = CompiledGradient(compile(net), "mse")(np.array([[x]]), np.array([[y]]), params)
    with mpmath.workdps(400):
        t = mpmath.mpf(zed)
        a = mpmath.log(1 + mpmath.exp(t))
        delta = (a - y) * sigma(t)
        want_dw, want_db, want_loss = float(delta * x), float(delta), float((a - y) ** 2 / 2)
    got = (gradient.dW[0][0, 0], gradient.db[0][0], gradient.loss)
    assert all(np.isfinite(got))
    assert got == (pytest.approx(want_dw, rel=1e-12), pytest.approx(want_db, rel=1e-12),
                   pytest.approx(want_loss, rel=1e-12))


def test_nothing_is_simplified_or_checked_at_import():
    # no module-level call in the modules that used to check their tables at import …
    for module in ("core/activations.py", "numeric/compile.py", "numeric/gradients.py"):
        tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
        calls = [node.lineno for node in tree.body if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)]
        assert calls == [], module
    # … and importing the numeric path leaves simplify's sympy.physics.units (0.2 s) unloaded
    probe = "import sys, symnn.numeric.train; print('sympy.physics.units' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout.strip()) == (0, "False"), result.stderr
