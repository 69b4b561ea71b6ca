"""A parser that cannot hang: refusals of unbounded sizes, only SymnnError escapes, facts computed lazily in time.

Each input is timed end to end (parse, build the Activation, read .range and .is_affine); facts may take at
most Settings.fact_seconds each, set to FACT_SECONDS here so that one input stays under ONE_SECOND in all.
"""

import ast
import threading
import time
from contextlib import contextmanager
from decimal import Decimal
from fractions import Fraction

import mpmath
import pytest
from hypothesis import HealthCheck, given, note, settings as hypothesis_settings, strategies as st
from sympy import Eq, Expr, Integer, Matrix, Max, Rational, Symbol, exp, false, oo, pi, preorder_traversal, true, zoo

from symnn import settings
from symnn.core.activations import Activation, get, z
from symnn.core.parsing import MAX_EXPONENT, MAX_RESULT_DIGITS
from symnn.errors import InvalidActivationError, SymnnError, UnsafeExpressionError

ONE_SECOND = 1.0
FACT_SECONDS = 0.2


@contextmanager
def within(seconds: float, what):
    start = time.perf_counter()
    yield
    elapsed = time.perf_counter() - start
    assert elapsed < seconds, f"{what!r} took {elapsed:.2f} s"


def everything(text: str):
    """Parse ``text``, build its Activation and read its facts: the Activation, or the SymnnError raised."""
    try:
        act = Activation.from_string(text)
        act.range  # noqa: B018 — reading the facts is the point
        act.affinity  # noqa: B018
        if act.affinity is not None:
            assert act.is_affine is act.affinity
        else:
            with pytest.raises(InvalidActivationError, match="cannot decide"):
                act.is_affine  # noqa: B018
        return act
    except SymnnError as error:
        return error


# --- 1. the named payloads ---------------------------------------------------------------

EXPONENT = f"exponents may be at most {MAX_EXPONENT} in size"
DIGITS = f"constants may have at most {MAX_RESULT_DIGITS:,}"
Z = z

PAYLOADS = [  # (text, the same as a SymPy object (built unevaluated where SymPy would compare), why)
    ("2**(pi*10**29)*z", lambda: Integer(2) ** (pi * 10**29) * Z, EXPONENT),  # the 30-second hang
    ("exp(exp(exp(99)))*z", lambda: exp(exp(exp(99))) * Z, DIGITS),  # the raw OverflowError
    ("2**(10**29*z)", lambda: Integer(2) ** (10**29 * Z), EXPONENT),
    ("2**(z+10**29)", lambda: Integer(2) ** (Z + 10**29), EXPONENT),
    ("Max(z, 2**(pi*10**29))", lambda: Max(Z, Integer(2) ** (pi * 10**29), evaluate=False), EXPONENT),
    ("E**(pi*10**29)", lambda: exp(pi * 10**29), DIGITS),
    ("exp(10**50)*z", lambda: exp(Integer(10) ** 50) * Z, DIGITS),
    ("sin(sqrt(-1)*10**29)*z", None, DIGITS),  # SymPy would build sinh(10**29): e^(10**29)
    ("exp(1000)**100*z", None, DIGITS),
    ("sin(((exp(1000)**100)**100)**100)*z", None, DIGITS),  # the sine of e^(10^9) needs 10^8 digits of pi
    ("2**(z*exp(5000)*exp(5000))", None, EXPONENT),  # SymPy merges the two into exp(10000) inside z·…
    ("z*exp(5000)*exp(5000)", lambda: Z * exp(10000), DIGITS),  # … which only the record's check sees
]


@pytest.mark.parametrize("text, as_sympy, why", PAYLOADS, ids=[p[0] for p in PAYLOADS])
def test_named_payloads_are_refused_quickly_saying_why(text, as_sympy, why):
    for route in (lambda: Activation.from_string(text), lambda: get("expr:" + text)):
        with within(ONE_SECOND, text), pytest.raises(UnsafeExpressionError) as info:
            route()
        assert why in str(info.value)
    if as_sympy is not None:
        expr = as_sympy()
        with within(ONE_SECOND, expr), pytest.raises(UnsafeExpressionError) as info:
            Activation.from_expr(expr)
        assert why in str(info.value) and "activation 'g', g(z) = " in str(info.value)


def test_the_payloads_are_really_that_large():
    # independent magnitudes (mpmath): what the refusals protect against
    with mpmath.workdps(30):
        assert mpmath.log10(2) * mpmath.pi * mpmath.mpf(10) ** 29 > MAX_RESULT_DIGITS  # digits of 2**(pi*10**29)
        assert mpmath.log10(mpmath.e) * mpmath.exp(99) > MAX_RESULT_DIGITS  # digits of exp(exp(99))
        assert mpmath.log10(mpmath.e) * 5000 < MAX_RESULT_DIGITS < mpmath.log10(mpmath.e) * 10000  # exp(5000)²


@pytest.mark.parametrize("text", ["exp(-200*z)", "1/(1 + exp(-500*z))", "2**z", "z**100", "exp(700)*z",
                                  "(10**30)**100*z", "exp(1000)*exp(-1000)*z", "sin(10**29)*z", "E**(3*z)"])
def test_large_but_bounded_formulas_are_accepted(text):
    with within(ONE_SECOND, text):
        act = Activation.from_string(text)
    assert act.expr.free_symbols == {Z}


# --- 2. only SymnnError escapes, naming the input -----------------------------------------

@pytest.mark.parametrize("value", [float("nan"), float("inf"), complex(1, 2), Decimal("NaN"), Matrix([Z]),
                                   Eq(Z, 1), None, object(), zoo * Z, oo, Symbol("q") + Z, [Z]],
                         ids=lambda value: type(value).__name__)
def test_any_unusable_sympy_or_python_value_is_a_symnn_error(value):
    with pytest.raises(SymnnError) as info:
        Activation.from_expr(value)
    assert isinstance(info.value, (UnsafeExpressionError, InvalidActivationError))


def test_usable_python_numbers_are_exact_activations():
    assert Activation.from_expr(Fraction(1, 3)).expr == Integer(1) / 3
    assert Activation.from_expr(Decimal("0.25")).expr == Integer(1) / 4


@pytest.mark.parametrize("text", ["log(0)*z", "(1-1)**(-1)", "z + log(z - z)"])
def test_infinite_constants_are_refused(text):
    with pytest.raises(UnsafeExpressionError, match="constants must be finite"):
        Activation.from_string(text)


# --- 3. facts are lazy and bounded in time ---------------------------------------------------

SLOW_RANGE = "sin(z**2)"  # SymPy's function_range runs for minutes on it


def test_building_computes_no_facts():
    with within(0.2, SLOW_RANGE):
        act = Activation.from_string(SLOW_RANGE)
    assert not {"range", "affinity", "known", "derivative"} & set(vars(act))


def test_a_slow_range_is_unknown_after_the_time_bound_and_its_worker_stops():
    act = Activation.from_string(SLOW_RANGE)
    with settings(fact_seconds=FACT_SECONDS), within(FACT_SECONDS + 0.5, SLOW_RANGE):
        assert act.range is None
    deadline = time.perf_counter() + 2
    while any(t.name == "symnn-fact" for t in threading.enumerate()) and time.perf_counter() < deadline:
        time.sleep(0.01)
    assert not any(t.name == "symnn-fact" for t in threading.enumerate())  # stopped, not computing on


def test_a_range_sympy_gets_wrong_is_not_trusted():
    # SymPy's function_range says 2**z takes no value at all; 2**0 = 1 shows otherwise
    assert Activation.from_string("2**z").range is None


def test_a_range_sympy_finds_holds_the_values_of_g():
    act = Activation.from_string("exp(-z**2)")
    with mpmath.workdps(30):
        for t in [-3, -0.5, 0, 0.25, 2]:
            assert act.range.contains(Rational(str(mpmath.exp(-mpmath.mpf(t) ** 2)))) is true, t
    assert act.range.contains(0) is false  # e^(−z²) > 0


def test_affinity_that_cannot_be_proved_is_reported_not_guessed():
    # atan(1/2) + atan(1/3) = pi/4, so g(z) = z exactly, but SymPy's simplify does not prove it
    with mpmath.workdps(50):
        assert abs(mpmath.atan(mpmath.mpf(1) / 2) + mpmath.atan(mpmath.mpf(1) / 3) - mpmath.pi / 4) < 1e-45
    act = Activation.from_string("z + z**2*(atan(1/2) + atan(1/3) - pi/4)")
    with pytest.raises(InvalidActivationError, match="cannot decide within .* whether g\\(z\\) = .* is affine"):
        act.is_affine  # noqa: B018
    assert Activation.from_string("3*z + 1").is_affine is True
    assert Activation.from_string("z + z**2*(sqrt(5 + 2*sqrt(6)) - sqrt(2) - sqrt(3))").is_affine is True
    assert Activation.from_string("z**2").is_affine is False


# --- 4. fuzzing: every input within one second, only SymnnError, accepted formulas bounded -------------

LEAVES = ["z", "2", "7", "99", "0.5", "pi", "E", "10**29", "1e300", "sqrt(-1)"]
UNARY = ["exp({})", "sin({})", "sinh({})", "cosh({})", "log({})", "sqrt({})", "tanh({})", "-({})", "Abs({})",
         "({})**100", "({})**(1/3)"]
BINARY = ["({}) + ({})", "({})*({})", "({})/({})", "({})**({})", "Max({}, {})", "({}) - ({})"]

formulas = st.recursive(
    st.sampled_from(LEAVES),
    lambda inner: st.one_of(
        st.tuples(st.sampled_from(UNARY), inner).map(lambda p: p[0].format(p[1])),
        st.tuples(st.sampled_from(BINARY), inner, inner).map(lambda p: p[0].format(p[1], p[2])),
    ),
    max_leaves=10,
)
pieces = st.sampled_from(["z", "2", "99", "10**29", "pi", "E", "exp(", "sin(", "**", "*", "+", "/", "-", "(", ")",
                          "Max(", ",", "(z", "9", "**9", "sqrt(-1)", " "])


def check_bounded(text: str) -> None:
    """Within one second: an Activation whose every constant is a finite number of bounded size, or a SymnnError."""
    note(text)
    with settings(fact_seconds=FACT_SECONDS), within(ONE_SECOND, text):
        outcome = everything(text)
    if isinstance(outcome, SymnnError):
        assert isinstance(outcome, (UnsafeExpressionError, InvalidActivationError)), outcome
        return
    with within(ONE_SECOND, f"evaluating the constants of {text}"):  # fast: that is what rule 2 guarantees
        for node in preorder_traversal(outcome.expr):
            if isinstance(node, Expr) and not node.has(Z):
                real, imag = node.evalf(15).as_real_imag()
                assert real.is_finite and imag.is_finite, (text, node)
                size = abs(mpmath.mpc(mpmath.mpmathify(str(real)), mpmath.mpmathify(str(imag))))
                assert size == 0 or mpmath.log10(size) <= MAX_RESULT_DIGITS, (text, node)
    assert Activation.from_expr(outcome.expr).expr == outcome.expr  # the record's own check agrees


@hypothesis_settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formulas)
def test_fuzzed_formulas_are_bounded_in_time_and_size(text):
    check_bounded(text)


@hypothesis_settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(pieces, max_size=24).map("".join))
def test_fuzzed_formula_like_text_is_bounded_in_time_and_size(text):
    check_bounded(text)


def test_fuzz_grammar_is_python_arithmetic():
    # so the formula fuzzer reaches the parser's size rules, not only its syntax check
    for template in UNARY + BINARY:
        ast.parse(template.format(*["z"] * template.count("{}")), mode="eval")


def test_no_fact_worker_outlives_its_bound():
    # every worker stopped at its deadline has ended: none keeps a core busy for the tests that follow
    deadline = time.perf_counter() + 2
    while any(t.name == "symnn-fact" for t in threading.enumerate()) and time.perf_counter() < deadline:
        time.sleep(0.01)
    assert [t for t in threading.enumerate() if t.name == "symnn-fact"] == []
