"""Numeric results cross-checked against the exact symbolic form of the same network.

The check evaluates each layer's SymPy expressions z_i^{[j]} = Σ_k w_{ki} a_k + b_i
and g^{[j]} — not the compiled NumPy path — exactly with rationals when every
activation is piecewise rational (linear, ReLU, step, leaky ReLU, …), with mpmath
at ``digits`` digits otherwise (a softmax output: its SymPy column e^{z_i} / Σ_m e^{z_m}
in mpmath, whose exponents do not overflow). Every float is an exact rational, so the exact
mode checks the float computation against the true value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import numpy as np
from sympy import Rational, Symbol, lambdify

from symnn.core.activations import Activation, z
from symnn.core.facts import is_piecewise_rational
from symnn.core.network import Network
from symnn.numeric.compile import compile as compile_network
from symnn.config import current, report_progress
from symnn.errors import BadNumbersError, ExpressionTooLarge, InvalidArgumentError
from symnn.numeric.params import Params, as_batch, check_network, check_params

DEFAULT_DIGITS = 40


@dataclass(frozen=True)
class CrossCheck:
    """Largest absolute and relative difference per output between the compiled and the symbolic values."""

    mode: str
    samples: int
    max_abs: tuple[float, ...]
    max_rel: tuple[float, ...]
    of_samples: int | None = None  # the batch's size, when only ``samples`` rows of it were checked
    # (|Δ|, relative Δ) of every checked value, row by row: ok() judges each value on its own, so one row's
    # underflow to 0 (relative Δ 1, |Δ| 1e-300) and another row's 1e-16 do not add up to a failure
    differences: tuple = field(default=(), compare=False, repr=False)

    def ok(self, rtol: float = 1e-12, atol: float = 0.0) -> bool:
        """Every value within ``rtol`` of the symbolic one relatively, or within ``atol`` absolutely."""
        if self.differences:
            return all(r <= rtol or a <= atol for a, r in self.differences)
        return all(r <= rtol or a <= atol for a, r in zip(self.max_abs, self.max_rel))

    def __str__(self) -> str:
        worst_abs = max(self.max_abs, default=0.0)
        worst_rel = max(self.max_rel, default=0.0)
        checked = f"{self.samples} samples" if self.of_samples in (None, self.samples) else \
            f"{self.samples} of {self.of_samples} samples, chosen at random"
        return (f"cross-check ({self.mode}, {checked}): "
                f"max |Δ| = {worst_abs:.3g}, max relative Δ = {worst_rel:.3g}")


def _lambdify_plain(arguments: list, expressions: list):
    """lambdify with the arguments renamed to plain identifiers in one pass.

    lambdify would rename each argument whose printed form (w11[1]) is not an identifier
    by a separate walk over every expression: quadratic, minutes for a 784-input layer.
    """
    plain = {symbol: Symbol(f"v{number}") for number, symbol in enumerate(arguments)}
    renamed = [expression.xreplace(plain) for expression in expressions]
    return lambdify(list(plain.values()), renamed, modules="mpmath")


class SymbolicEvaluator:
    """Evaluates a network layer by layer from its SymPy expressions, exactly or with mpmath."""

    def __init__(self, network: Network, params: Params, digits: int = DEFAULT_DIGITS, exact: bool | None = None):
        self.network = network
        # exact=True may be asked for when only z^{[L]} is needed and the layers below are piecewise rational
        self.exact = all(exact_in_rationals(layer.activation) for layer in network.layers) if exact is None else exact
        self.digits = digits
        values = params.to_substitution(network, exact=True)
        self._layers = []
        for layer in network.layers:
            # each unit's z as a function of the layer's inputs and parameters, from the SymPy expression
            layer_params = layer.params()
            zs = [layer.unit_z(i) for i in range(1, layer.n_out + 1)]
            z_function = _lambdify_plain(layer.inputs() + layer_params, zs)
            numbers = [self._from_rational(values[p]) for p in layer_params]
            self._layers.append((z_function, numbers, self._layer_activation(layer)))

    def _layer_activation(self, layer):
        """The layer's a from its z's (a list to a list): g unit by unit, or softmax's SymPy column at once."""
        if layer.activation.is_vector:
            symbols = [layer.z_symbol(i) for i in range(1, layer.n_out + 1)]
            column = _lambdify_plain(symbols, layer.activation.column(symbols))
            if self.exact:  # only z^{[L]} is asked for (pre_activation): the softmax itself is never evaluated
                return lambda zs: None
            return lambda zs: list(column(*zs))
        g = self._activation(layer.activation)
        return lambda zs: [g(value) for value in zs]

    def _activation(self, activation: Activation):
        if self.exact:
            # SymPy evaluates g at a rational exactly (constants such as 1/100 stay rational)
            def exact_g(value: Fraction) -> Fraction:
                result = activation.expr.xreplace({z: Rational(value.numerator, value.denominator)})
                return Fraction(int(result.p), int(result.q))
            return exact_g
        return _beyond_mpmath_refused(lambdify(z, activation.expr, modules="mpmath"), activation)

    def _from_rational(self, value: Rational):
        return Fraction(int(value.p), int(value.q)) if self.exact else mpmath.mpf(int(value.p)) / int(value.q)

    @property
    def mode(self) -> str:
        return "exact rationals" if self.exact else f"mpmath, {self.digits} digits"

    def evaluate(self, x, pre_activation: bool = False) -> list:
        """a^{[L]} (or z^{[L]} with ``pre_activation``) at one input row, as Fractions or mpmath numbers."""
        with mpmath.workdps(self.digits):
            a = [Fraction(float(v)) if self.exact else mpmath.mpf(float(v)) for v in x]
            last = len(self._layers) - 1
            for number, (z_function, numbers, activate) in enumerate(self._layers):
                zs = z_function(*a, *numbers)
                if pre_activation and number == last:
                    return list(zs)
                a = activate(list(zs))
            return list(a)


def exact_in_rationals(activation) -> bool:
    """True when g maps rationals to rationals (piecewise rational); never for softmax, whose e^{z} is not."""
    return not activation.is_vector and is_piecewise_rational(activation)


def _beyond_mpmath_refused(g, activation: Activation):
    """g in mpmath, with values mpmath cannot hold refused by name instead of a raw MemoryError.

    mpmath keeps huge numbers (sinh(cosh(30)) ≈ 10^(2.3·10^12)) but some of its functions then
    allocate in proportion to the exponent: tanh of that number asks for a 10^12-bit integer.
    """
    def guarded(value):
        try:
            return g(value)
        except (MemoryError, OverflowError) as error:
            raise BadNumbersError(
                f"cross-check: mpmath cannot evaluate g(z) = {activation.expr} at z = {mpmath.nstr(value, 8)} "
                f"({type(error).__name__}: an intermediate value is too large to compute); check inputs "
                "and weights that keep z smaller, or compare with NumPy by hand") from None
    return guarded


def prediction_agreement(network: Network, params: Params, X) -> tuple[int, int, str]:
    """How many of the classifier's predictions agree with the ones the symbolic z^{[L]} makes.

    z ≥ 0 ⇔ σ(z) ≥ 1/2 (the decision rule), and under a softmax output the class with the largest a_i
    is the one with the largest z_i (e^{z} increases), so the symbolic side needs only z: exact
    rationals for a single layer (and any network whose hidden layers are piecewise rational),
    mpmath otherwise. Returns (agreeing, total, mode).
    """
    batch = as_batch(X, network.sizes[0])
    outputs = compile_network(network)(batch, params)
    by_class = network.layers[-1].activation.is_vector
    numeric = outputs.argmax(axis=1) if by_class else outputs >= 0.5
    exact_hidden = all(exact_in_rationals(layer.activation) for layer in network.layers[:-1])
    evaluator = SymbolicEvaluator(network, params, exact=exact_hidden)
    agreeing = 0
    for row, predicted in zip(batch, numeric):
        zs = evaluator.evaluate(row, pre_activation=True)
        if by_class:  # the first largest z, as NumPy's argmax takes the first largest a
            agreeing += int(max(range(len(zs)), key=lambda i: (zs[i], -i)) == predicted)
        else:
            agreeing += all((value >= 0) == bool(p) for value, p in zip(zs, predicted))
    return agreeing, len(batch), evaluator.mode


# Measured here: building and lambdifying each layer's expressions costs about 260 µs per
# parameter, evaluating one row about 3 µs per parameter (mpmath, 40 digits).
SETUP_SECONDS_PER_PARAMETER = 2.6e-4
ROW_SECONDS_PER_PARAMETER = 3e-6


def crosscheck(network: Network, params: Params, X, digits: int = DEFAULT_DIGITS, dtype: str = "float64",
               seed: int = 0) -> CrossCheck:
    """Compare ``symnn.compile(network)(X, params)`` with the symbolic evaluation, sample by sample.

    The cost is estimated first (about 260 µs per parameter to build the expressions, 3 µs per
    parameter and row to evaluate them): beyond the crosscheck_seconds setting a large batch is
    checked on a seeded random sample of rows (the result says how many of how many), and a
    network too large for even one row is refused with the estimate.
    """
    check_network(network, "crosscheck")
    check_params(params, "crosscheck")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 17 <= digits <= 1000:
        raise InvalidArgumentError(f"digits must be an integer from 17 (more than float64 carries) to 1000, not {digits!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidArgumentError(f"seed must be a non-negative integer, not {seed!r}")
    params.check(network)
    batch = as_batch(X, network.sizes[0])
    budget = current().crosscheck_seconds
    setup = network.n_params * SETUP_SECONDS_PER_PARAMETER
    per_row = network.n_params * ROW_SECONDS_PER_PARAMETER
    if setup + per_row > budget:
        raise ExpressionTooLarge(
            f"cross-checking {network!r} would take about {setup + per_row:.0f} s even for one row, more than the "
            f"crosscheck_seconds setting of {budget:g} s (symnn.settings(crosscheck_seconds=...) changes it); "
            "compare with NumPy by hand or check a smaller network")
    rows = max(1, int((budget - setup) / per_row))
    chosen = batch
    if len(batch) > rows:
        chosen = batch[np.sort(np.random.default_rng(seed).choice(len(batch), size=rows, replace=False))]
    numeric = compile_network(network, dtype)(chosen, params)
    evaluator = SymbolicEvaluator(network, params, digits)
    n_out = network.sizes[-1]
    max_abs, max_rel = [0.0] * n_out, [0.0] * n_out
    differences: list[tuple[float, float]] = []
    for row, got in report_progress(zip(chosen, numeric), len(chosen), "cross-check",
                                    large=setup + per_row * len(chosen) > 2):
        for i, (want, value) in enumerate(zip(evaluator.evaluate(row), got)):
            if evaluator.exact:
                difference, size = abs(want - Fraction(float(value))), abs(want)
            else:
                with mpmath.workdps(digits):
                    difference, size = abs(want - mpmath.mpf(float(value))), abs(want)
            absolute, relative = float(difference), float(difference / size) if size else float(difference)
            max_abs[i], max_rel[i] = max(max_abs[i], absolute), max(max_rel[i], relative)
            differences.append((absolute, relative))
    return CrossCheck(evaluator.mode, len(chosen), tuple(max_abs), tuple(max_rel), of_samples=len(batch),
                      differences=tuple(differences))
