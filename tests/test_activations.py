"""Activations: the lecture's identities proved by SymPy, the affine test, lookup and errors."""

from fractions import Fraction

import pytest
from sympy import (Abs, Max, Piecewise, Rational, Symbol, diff, exp, limit, log, oo, simplify, sqrt, tanh)

import symnn
from symnn import activations
from symnn.core.activations import Activation, get, z


def is_zero(expr) -> bool:
    return simplify(expr) == 0


def test_sigmoid_derivative_is_sigma_times_one_minus_sigma():
    s = get("sigmoid").expr
    assert is_zero(get("sigmoid").derivative - s * (1 - s))


def test_sigmoid_derivative_of_applied_form():
    t = Symbol("t", real=True)
    sigma = get("sigmoid")
    applied = diff(sigma(t), t)
    assert is_zero(activations.explicit(applied) - diff(1 / (1 + exp(-t)), t))


def test_tanh_is_rescaled_sigmoid():
    sigma = lambda u: 1 / (1 + exp(-u))  # noqa: E731 — written from the lecture's formula
    assert is_zero((get("tanh").expr - (2 * sigma(2 * z) - 1)).rewrite(exp))


def test_tanh_matches_lecture_exponential_form():
    assert is_zero((get("tanh").expr - (exp(z) - exp(-z)) / (exp(z) + exp(-z))).rewrite(exp))


def test_tanh_derivative():
    assert is_zero(get("tanh").derivative - (1 - tanh(z) ** 2))


def test_sigmoid_symmetry():
    s = get("sigmoid").expr
    assert is_zero(s.subs(z, -z) - (1 - s))


def test_relu_is_half_of_z_plus_abs_z():
    relu = get("relu").expr
    difference = (relu - (z + Abs(z)) / 2).rewrite(Piecewise)
    assert is_zero(difference)
    for value in [Rational(-7, 3), 0, Rational(5, 2), 100]:
        assert relu.subs(z, value) == Rational(value + abs(value), 2)


@pytest.mark.parametrize("threshold", [0, Rational(1, 2), -3])
def test_step_fires_iff_input_reaches_threshold(threshold):
    step = get("step", threshold=threshold)
    for offset in [Rational(-1, 1000), Rational(-5), Rational(0), Rational(1, 1000), Rational(4)]:
        value = threshold + offset
        assert step.expr.subs(z, value) == (1 if offset >= 0 else 0)


def test_leaky_relu_and_softplus():
    leaky = get("leaky_relu", slope=Rational(1, 10))
    assert leaky.expr.subs(z, -10) == -1 and leaky.expr.subs(z, 3) == 3
    assert is_zero(diff(get("softplus").expr, z) - get("sigmoid").expr)
    assert get("softplus").expr == log(1 + exp(z))


@pytest.mark.parametrize(
    "name, affine",
    [("linear", True), ("sigmoid", False), ("tanh", False), ("relu", False), ("step", False),
     ("leaky_relu", False), ("softplus", False)],
)
def test_affine_decided_for_the_table(name, affine):
    assert get(name).is_affine is affine


@pytest.mark.parametrize(
    "expr, affine",
    [
        (3 * z + 1, True),
        (Rational(-1, 2) * z, True),
        (5 + 0 * z, True),
        ((z + 1) ** 2 - z**2, True),  # expands to 2z + 1
        (Piecewise((2 * z + 1, z < 0), (2 * z + 1, True)), True),  # same piece twice
        (Piecewise((z, z < 0), (2 * z, True)), False),  # a kink
        (Abs(z), False),
        (Max(z, 2 * z), False),
        (z**2, False),
        (sqrt(z**2 + 1), False),
    ],
)
def test_affine_decided_symbolically_from_g(expr, affine):
    act = Activation.from_expr(expr, name="user")
    assert act.is_affine is affine


def test_affine_coefficients_of_user_activation():
    s, t = Activation.from_expr(3 * z + 1).affine_coefficients
    assert (s, t) == (3, 1)
    with pytest.raises(symnn.SymnnError):
        get("sigmoid").affine_coefficients


def test_ranges_agree_with_limits():
    sigmoid, tanh_, softplus = get("sigmoid"), get("tanh"), get("softplus")
    assert (limit(sigmoid.expr, z, -oo), limit(sigmoid.expr, z, oo)) == (0, 1)
    assert sigmoid.range.left == 0 and sigmoid.range.right == 1 and sigmoid.range.left_open
    assert (limit(tanh_.expr, z, -oo), limit(tanh_.expr, z, oo)) == (-1, 1)
    assert limit(softplus.expr, z, -oo) == 0 and softplus.range.left_open
    assert get("relu").range.contains(0) and not get("relu").range.contains(-1)
    assert set(get("step").range) == {0, 1}


def test_lookup_is_forgiving_about_case_and_aliases():
    assert get("ReLU") == get("relu")
    assert get("leaky-relu") == get("leaky_relu")
    assert get("identity") == get("linear")
    assert get("logistic") == get("sigmoid")


def test_unknown_activation_lists_valid_names():
    with pytest.raises(symnn.UnknownActivationError) as info:
        get("swishy")
    message = str(info.value)
    for name in ["linear", "sigmoid", "tanh", "relu", "step", "leaky_relu", "softplus"]:
        assert name in message


@pytest.mark.parametrize("kind, parameters, name", [
    ("leaky_relu", dict(slope=0.2), "leaky_relu(0.2)"),
    ("leaky_relu", dict(slope=Rational(1, 5)), "leaky_relu(0.2)"),  # the same number, the same name
    ("leaky_relu", dict(slope=Rational(1, 3)), "leaky_relu(1/3)"),  # no finite decimal: p/q
    ("leaky_relu", dict(slope=1e-20), "leaky_relu(1e-20)"),
    ("leaky_relu", dict(slope=0.01), "leaky_relu"),  # the default, typed as a float
    ("leaky_relu", dict(), "leaky_relu"),
    ("step", dict(threshold=0.5), "step(0.5)"),
    ("step", dict(threshold=-3), "step(-3)"),
    ("step", dict(threshold=0.0), "step"),
])
def test_parameters_have_readable_names(kind, parameters, name):
    assert get(kind, **parameters).name == name


def test_a_float_parameter_is_the_decimal_the_user_typed():
    # slope 0.2 means 2/10, not the binary double 3602879701896397/2**54: g(−5) = −1 exactly
    leaky = get("leaky_relu", slope=0.2)
    assert leaky.expr.subs(z, -5) == Rational(Fraction("0.2") * -5)
    assert leaky == get("leaky_relu", slope=Rational(2, 10))
    step = get("step", threshold=0.1)
    # fires at exactly 1/10, which lies below the double nearest 0.1 (so a binary threshold would not fire)
    assert Fraction("0.1") < Fraction(0.1) and step.expr.subs(z, Rational(Fraction("0.1"))) == 1
    assert step.expr.subs(z, Rational(Fraction("0.1")) - Rational(1, 10**30)) == 0


@pytest.mark.parametrize("bad", [dict(slope=2), dict(slope=0), dict(slope="x")])
def test_bad_leaky_slope(bad):
    with pytest.raises(symnn.InvalidActivationError):
        get("leaky_relu", **bad)


def test_unknown_parameter():
    with pytest.raises(symnn.InvalidActivationError):
        get("sigmoid", threshold=1)


def test_text_is_not_parsed_by_from_expr():
    with pytest.raises(symnn.InvalidActivationError):
        Activation.from_expr("__import__('os')")


def test_activation_may_only_use_z():
    with pytest.raises(symnn.InvalidActivationError):
        Activation.from_expr(Symbol("q") * z)


def test_applied_form_evaluates_exactly_at_numbers():
    assert get("sigmoid")(0) == Rational(1, 2)
    assert get("relu")(Rational(-3, 2)) == 0
    assert get("step", threshold=1)(1) == 1
    assert get("linear")(Symbol("t")) == Symbol("t")


def test_applied_form_evalf_matches_formula():
    t = get("sigmoid")(Symbol("t")).subs(Symbol("t"), Rational(1, 3))
    assert abs(float(t) - 1 / (1 + 2.718281828459045 ** (-1 / 3))) < 1e-15
