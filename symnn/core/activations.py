"""Activation functions g(z): one record per g with its expression, derivative, range, LaTeX name and numeric forms.

The lecture's table: linear g(z) = z, sigmoid σ(z) = 1/(1 + e^{−z}),
tanh(z) = (e^z − e^{−z})/(e^z + e^{−z}), ReLU g(z) = max(z, 0), plus the
perceptron's step, leaky ReLU and softplus.

Everything numeric code needs is taken from the record, never looked up by
name: what symnn knows about a g beyond SymPy (g′ written in g, as σ′ = σ(1 − σ);
floating-point-stable forms of g and g′; stable forms of a loss after g) sits in
``known_table()``, keyed by the expression g(z) itself, and is attached to a record only
after it is checked equal to g at CHECK_POINTS. So ``from_expr(z**2,
name="sigmoid")`` compiles to z², and a user's ``log(1 + exp(z))`` gets the
stable softplus.

Building a record checks g against the parser's rules and formula budget
(symnn.core.parsing) and samples it to refuse a g that is not real for real z or
is undefined almost everywhere (``facts.check_real_valued``). Facts SymPy must
work out for a user's g — its range, whether it is affine — are computed on
first use, within ``Settings.fact_seconds`` (see ``facts.within_time``), and are
unknown (None) when SymPy fails or runs out of time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Callable, Mapping, TypeVar

from sympy import (
    Basic,
    Expr,
    FiniteSet,
    Function,
    Interval,
    Max,
    Piecewise,
    Rational,
    S,
    diff,
    exp,
    log,
    nan,
    oo,
    piecewise_fold,
    simplify,
    tanh,
    zoo,
)
from sympy.codegen.numpy_nodes import logaddexp
from sympy.printing.pretty.stringpict import prettyForm

from symnn.config import current
from symnn.core.facts import _prepare_range, affinity, check_real_valued, checked_range, pieces, within_time
from symnn.core.notation import activation_variable, variable
from symnn.core.parsing import as_expr, check_expression, parse_activation
from symnn.core.readable import Readable
from symnn.core.softmax import SOFTMAX, Softmax
from symnn.errors import InvalidActivationError, SymnnError, UnknownActivationError, UnsafeExpressionError

z = activation_variable()
G = activation_variable("g")  # stands for g(z) in derivative forms such as σ' = σ(1 − σ)
Y = variable("y")  # the target of a loss

T = TypeVar("T")

# The losses an output activation may carry stable forms of: L(a, y) for one unit.
LOSSES: dict[str, Callable[[Expr, Expr], Expr]] = {
    "bce": lambda a, y: -(y * log(a) + (1 - y) * log(1 - a)),  # binary cross-entropy
    "squared_error": lambda a, y: (a - y) ** 2 / 2,  # halved, so that its gradient is (a − y) g′(z)
    "mse": lambda a, y: (a - y) ** 2 / 2,  # the older name of squared_error: ½(a − y)², averaged over samples
    # categorical cross-entropy −Σ_i y_i log a_i (summed over the outputs), for a softmax output layer
    "cross_entropy": lambda a, y: -y * log(a),
}


class stable_sigmoid(Function):  # noqa: N801 — a SymPy function head, named like sympy's own
    """σ(z) = 1/(1 + e^{−z}) as one SymPy head, so lambdify can hand it to a stable NumPy routine."""

    nargs = 1

    def _eval_rewrite_as_exp(self, arg, **kwargs):
        return 1 / (1 + exp(-arg))

    def _eval_evalf(self, prec):
        return self.rewrite(exp)._eval_evalf(prec)


# --- what symnn knows about a g beyond SymPy, keyed by g(z) -----------------------

@dataclass(frozen=True)
class KnownForms:
    """Forms of one g that SymPy does not produce by itself; each is checked equal before it is used.

    ``stable`` and ``stable_derivative`` are g and g′ rewritten for floating point (no
    overflow, no RuntimeWarning for |z| up to 10⁴), written with the heads in
    compile.NUMPY_IMPLEMENTATIONS or NumPy's own; ``losses`` maps a loss name to
    L(g(z), y) written in z and Y.
    """

    derivative_in_g: Expr | None = None
    stable: Expr | None = None
    stable_derivative: Expr | None = None
    losses: Mapping[str, Expr] = field(default_factory=dict)


@lru_cache(maxsize=None)
def known_table() -> dict[Expr, KnownForms]:
    """What symnn knows about some g beyond SymPy, keyed by g(z) itself (built on first use, not at import)."""
    sigmoid, softplus = 1 / (1 + exp(-z)), log(1 + exp(z))
    return {
        # σ′ = σ(z)σ(−z): unlike σ(1 − σ), accurate to the last bit where σ ≈ 1
        sigmoid: KnownForms(derivative_in_g=G * (1 - G), stable=stable_sigmoid(z),
                            stable_derivative=stable_sigmoid(z) * stable_sigmoid(-z),
                            losses={"bce": logaddexp(0, z) - Y * z}),  # −y log σ − (1 − y) log(1 − σ)
        # tanh′ = 4σ(2z)σ(−2z): no overflow (sech² = 1/cosh² overflows), no cancellation (1 − tanh² does)
        tanh(z): KnownForms(derivative_in_g=1 - G**2,
                            stable_derivative=4 * stable_sigmoid(2 * z) * stable_sigmoid(-2 * z)),
        softplus: KnownForms(stable=logaddexp(0, z), stable_derivative=stable_sigmoid(z)),  # softplus′ = σ
    }


# Where forms are compared with g: both signs, small and large |z| (sigmoid saturates near ±30); the
# losses are affine in the target y, so two targets settle every y
CHECK_POINTS = tuple(Rational(p) for p in ("-30", "-7", "-1", "-1/3", "0", "1/5", "1", "5/2", "30"))
CHECK_TARGETS = (Rational(0), Rational(1))
CHECK_DIGITS = 30
CHECK_RELATIVE = 1e-15


def _agree(form: Expr, reference: Expr, targets=(Rational(0),)) -> bool:
    """form = reference at every CHECK_POINT (and target y), to CHECK_RELATIVE at CHECK_DIGITS digits."""
    for point in CHECK_POINTS:
        for target in targets:
            values = {z: point, Y: target}
            got, want = form.xreplace(values).evalf(CHECK_DIGITS), reference.xreplace(values).evalf(CHECK_DIGITS)
            if not (got.is_Number and want.is_Number):
                return False
            if float(abs(got - want)) > CHECK_RELATIVE * max(float(abs(want)), float(abs(got)), 1e-300):
                return False
    return True


@lru_cache(maxsize=None)
def known_forms(expr: Expr) -> KnownForms:
    """known_table()[g], keeping only the forms that agree with g, g′ and the losses at CHECK_POINTS."""
    known = known_table().get(expr)
    if known is None:
        return KnownForms()
    derivative = diff(expr, z)
    checks = {
        "derivative_in_g": lambda form: _agree(form.xreplace({G: expr}), derivative),
        "stable": lambda form: _agree(form, expr),
        "stable_derivative": lambda form: _agree(form, derivative),
    }
    kept = {name: getattr(known, name) for name, check in checks.items()
            if getattr(known, name) is not None and check(getattr(known, name))}
    losses = {loss: form for loss, form in known.losses.items()
              if loss in LOSSES and _agree(form, LOSSES[loss](expr, Y), CHECK_TARGETS)}
    return KnownForms(**kept, losses=losses)


# --- the record ------------------------------------------------------------------

def _shown(expr, limit: int = 60) -> str:
    try:
        text = str(expr)
    except Exception:  # noqa: BLE001 — printing is only for the message
        text = f"<{type(expr).__name__}>"
    return text if len(text) <= limit else text[:limit - 1] + "…"


@dataclass(frozen=True, eq=True)
class Activation:
    """An activation g with its SymPy expression in ``z``, its printing names, and what numeric code needs.

    >>> sigmoid = get("sigmoid")
    >>> sigmoid.expr
    1/(1 + exp(-z))
    >>> get("relu").is_affine, Activation.from_expr(3 * z + 1).is_affine
    (False, True)
    """

    name: str
    expr: Expr
    latex_name: str = "g"
    pretty_name: str = "g"
    known_range: Basic | None = field(default=None, compare=False)  # the range, when the builder knows it
    readable: Readable | None = field(default=None, compare=False)  # g and g′ as the lecture writes them (display only)

    def __post_init__(self):
        if not isinstance(self.name, str):
            raise InvalidActivationError(f"an activation's name is text, not {self.name!r}")
        if not isinstance(self.expr, Expr):
            raise InvalidActivationError(f"activation {self.name!r}: g(z) must be a SymPy expression, "
                                         f"not {_shown(self.expr)}")
        try:
            extra, infinite = self.expr.free_symbols - {z}, self.expr.has(nan, zoo, oo, -oo)
        except Exception as error:  # noqa: BLE001 — a broken SymPy object is bad input, not a crash
            raise InvalidActivationError(f"activation {self.name!r}: cannot read g(z) = {_shown(self.expr)} "
                                         f"({type(error).__name__})") from None
        if extra:
            raise InvalidActivationError(f"activation {self.name!r}: g(z) = {_shown(self.expr)} may use only "
                                         f"the variable z, not {sorted(map(str, extra))}")
        if infinite:
            raise InvalidActivationError(f"activation {self.name!r}: g(z) = {_shown(self.expr)} "
                                         "contains an infinite or undefined value")
        try:
            check_expression(self.expr, z)
        except UnsafeExpressionError as error:
            raise UnsafeExpressionError(f"activation {self.name!r}, g(z) = {_shown(self.expr)}: {error}") from None
        check_real_valued(self.expr, lambda: f"activation {self.name!r}, g(z) = {_shown(self.expr)},")

    @classmethod
    def from_expr(cls, expr: Expr, name: str = "g", latex_name: str | None = None) -> "Activation":
        """A user's activation from a SymPy expression in ``symnn.activations.z`` (e.g. ``3*z + 1``)."""
        if isinstance(expr, str):
            raise InvalidActivationError("from_expr takes a SymPy expression in z; for text use Activation.from_string")
        try:
            return cls(name=name, expr=as_expr(expr), latex_name=latex_name or "g", pretty_name="g")
        except SymnnError:
            raise
        except Exception as error:  # noqa: BLE001 — whatever SymPy or Python raises, the input is not usable
            raise InvalidActivationError(f"cannot use {_shown(expr)} as an activation g(z) "
                                         f"({type(error).__name__}: {_shown(error)})") from None

    @classmethod
    def from_string(cls, text: str, name: str | None = None) -> "Activation":
        """A user's activation from text such as ``"z/(1 + Abs(z))"``, parsed safely (see symnn.core.parsing).

        >>> Activation.from_string("3*z + 1").is_affine
        True
        """
        return cls.from_expr(parse_activation(text, z), name=name or "g")

    @cached_property
    def derivative(self) -> Expr:
        """g'(z), differentiated by SymPy from g."""
        return diff(self.expr, z)

    @cached_property
    def known(self) -> KnownForms:
        """The checked extra forms of this g (empty unless g is a key of known_table())."""
        return known_forms(self.expr)

    @property
    def derivative_in_g(self) -> Expr | None:
        """g′ written in G = g(z) where that is known (σ′ = G(1 − G)), else None."""
        return self.known.derivative_in_g

    @property
    def numeric_expr(self) -> Expr:
        """g as NumPy should evaluate it: the stable form where one is attached, else g(z) itself."""
        return self.known.stable if self.known.stable is not None else self.expr

    @cached_property
    def numeric_derivative(self) -> Expr:
        """g′ in z as NumPy should evaluate it: the stable form, else g′ written in the stable g, else SymPy's g′."""
        if self.known.stable_derivative is not None:
            return self.known.stable_derivative
        if self.known.derivative_in_g is not None:
            return self.known.derivative_in_g.xreplace({G: self.numeric_expr})
        return self.derivative

    def stable_loss(self, loss: str) -> Expr | None:
        """L(g(z), y) written stably in z and Y (bce after σ: log(1 + e^z) − y z), or None."""
        return self.known.losses.get(loss)

    @cached_property
    def range(self) -> Basic | None:
        """The set of values of g on the reals, or None when unknown.

        A user's g gets it from SymPy's function_range on first use, within
        Settings.fact_seconds, and only if g's values at CHECK_POINTS lie in it
        (SymPy 1.14 says 2**z has an empty range).
        """
        if self.known_range is not None:
            return self.known_range
        _prepare_range()
        return within_time(lambda: checked_range(self.expr))

    @cached_property
    def affinity(self) -> bool | None:
        """True or False when decided (see ``affinity``), None when symnn cannot tell within the time bound."""
        return affinity(self.expr)

    @property
    def is_affine(self) -> bool:
        """True when g(z) = s·z + t for constants s, t, decided from g itself (never from its name).

        Raises InvalidActivationError when that cannot be decided within Settings.fact_seconds:
        calling a g affine, or not, without knowing would make collapse claim something false.
        """
        if self.affinity is None:
            raise InvalidActivationError(
                f"symnn cannot decide within {current().fact_seconds:g} s whether g(z) = {_shown(self.expr)} is "
                "affine: g'' vanishes at every sample point but SymPy could not prove it is 0; give it more time "
                "with symnn.settings(fact_seconds=...) or write g more simply")
        return self.affinity

    @cached_property
    def affine_coefficients(self) -> tuple[Expr, Expr]:
        """(s, t) with g(z) = s·z + t; raises when g is not affine."""
        if not self.is_affine:
            raise InvalidActivationError(f"activation {self.name!r} is not affine, so it has no scale and shift")
        body = pieces(self.expr)[0]
        return simplify(diff(body, z)), simplify(body.subs(z, 0))

    is_vector = False  # g acts on one unit's z (softmax, symnn.core.softmax, acts on the layer's column)

    def __call__(self, arg, evaluate: bool = True) -> Expr:
        """g applied to ``arg`` as the lecture writes it: σ(z), tanh(z), …; the linear g gives ``arg`` itself.

        At a number g evaluates exactly (σ(0) = 1/2) unless ``evaluate=False`` keeps σ(1/2) as written.
        """
        if self.expr == z:
            return as_expr(arg)
        return function_class(self)(arg, evaluate=evaluate)

    def explicit(self, arg) -> Expr:
        """g(arg) written out (σ(t) becomes 1/(1 + e^{−t}))."""
        return self.expr.xreplace({z: as_expr(arg)})

    def __repr__(self) -> str:
        return f"Activation({self.name}: g(z) = {self.expr})"

    def __str__(self) -> str:
        return self.name


# --- facts: see symnn.core.facts ---------------------------------------------------

def is_affine_expr(expr: Expr) -> bool:
    """Whether ``expr`` is affine in z (see ``affinity``); raises InvalidActivationError when undecided."""
    return Activation.from_expr(expr).is_affine


# --- the applied form σ(z) ----------------------------------------------------

class AppliedActivation(Function):
    """g(t) held unevaluated so it prints as the lecture does (σ(z_1^{[1]})); one subclass per activation."""

    activation: Activation
    nargs = 1

    @classmethod
    def eval(cls, arg):
        if arg.is_Number:
            return cls.activation.explicit(arg)
        return None

    def fdiff(self, argindex=1):
        act = self.activation
        if act.derivative_in_g is not None:
            return act.derivative_in_g.xreplace({G: self, z: self.args[0]})
        return act.derivative.xreplace({z: self.args[0]})

    def explicit(self) -> Expr:
        return self.activation.explicit(self.args[0])

    def _eval_evalf(self, prec):
        return self.explicit()._eval_evalf(prec)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _latex(self, printer, exp=None) -> str:
        inner = printer._print(self.args[0])
        # σ(½) would set a tall fraction between small parentheses: \left( … \right) grows with it
        text = (f"{self.activation.latex_name}\\left({inner}\\right)" if "\\frac" in inner
                else f"{self.activation.latex_name}({inner})")
        return f"{text}^{{{exp}}}" if exp is not None else text

    def _sympystr(self, printer) -> str:
        name = self.activation.name if self.activation.name.isidentifier() else self.activation.pretty_name
        return f"{name}({printer._print(self.args[0])})"

    def _pretty(self, printer):
        name = self.activation.pretty_name if printer._use_unicode else self.activation.name
        argument = prettyForm(*printer._print(self.args[0]).parens())
        return prettyForm(*argument.left(name))


_FUNCTION_CLASSES: dict[Activation, type] = {}


def function_class(activation: Activation) -> type:
    """The one AppliedActivation subclass of ``activation`` (equal activations share it)."""
    cls = _FUNCTION_CLASSES.get(activation)
    if cls is None:
        cls = type(f"g_{activation.name}", (AppliedActivation,), {"activation": activation})
        _FUNCTION_CLASSES[activation] = cls
    return cls


def explicit(expr: Expr) -> Expr:
    """Replace every σ(t), tanh-layer g(t), … in ``expr`` by its written-out formula."""
    return expr.replace(lambda e: isinstance(e, AppliedActivation), lambda e: e.explicit())


# --- the table ------------------------------------------------------------------

def _linear() -> Activation:
    return Activation("linear", z, "g", "g", S.Reals, Readable("z", "1", "z", "1"))


def _sigmoid() -> Activation:
    return Activation("sigmoid", 1 / (1 + exp(-z)), r"\sigma", "σ", Interval.open(0, 1),
                      Readable("σ(z) = 1/(1 + e⁻ᶻ)", "σ(z)(1 − σ(z))",
                               r"\sigma(z) = \frac{1}{1 + e^{-z}}", r"\sigma(z)\bigl(1 - \sigma(z)\bigr)"))


def _tanh() -> Activation:
    return Activation("tanh", tanh(z), r"\tanh", "tanh", Interval.open(-1, 1),
                      Readable("(eᶻ − e⁻ᶻ)/(eᶻ + e⁻ᶻ)", "1 − tanh²(z)",
                               r"\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}", r"1 - \tanh^{2}(z)"))


def _relu() -> Activation:
    # g′ = Heaviside(z), which SymPy (and so symnn's numeric g′) takes as 1/2 at z = 0
    return Activation("relu", Max(z, 0), r"\operatorname{ReLU}", "ReLU", Interval(0, oo),
                      Readable("max(z, 0)", "1 if z > 0 else 0 (½ at 0)", r"\max(z, 0)",
                               r"\begin{cases} 1 & z > 0 \\ \tfrac{1}{2} & z = 0 \\ 0 & z < 0 \end{cases}"))


def _step(threshold=0) -> Activation:
    threshold = _parameter(threshold, "threshold")
    name = _parameter_name("step", threshold, default=0)
    at = "0" if threshold == 0 else _readable_number(threshold)
    at_tex = at.replace("−", "-")
    return Activation(name, Piecewise((1, z >= threshold), (0, True)), r"\operatorname{step}", "step", FiniteSet(0, 1),
                      Readable(f"1 if z ≥ {at} else 0", f"0 (also at z = {at})",
                               rf"\begin{{cases}} 1 & z \geq {at_tex} \\ 0 & z < {at_tex} \end{{cases}}", "0"))


def _leaky_relu(slope=Rational(1, 100)) -> Activation:
    slope = _parameter(slope, "slope")
    if not 0 < slope < 1:
        raise InvalidActivationError(f"leaky ReLU slope must lie strictly between 0 and 1, not {slope}")
    name = _parameter_name("leaky_relu", slope, default=Rational(1, 100))
    shown = _readable_number(slope)
    return Activation(name, Piecewise((z, z >= 0), (slope * z, True)), r"\operatorname{LeakyReLU}", "LeakyReLU", S.Reals,
                      Readable(f"z if z ≥ 0 else {shown}·z", f"1 if z ≥ 0 else {shown}",
                               rf"\begin{{cases}} z & z \geq 0 \\ {shown}\,z & z < 0 \end{{cases}}",
                               rf"\begin{{cases}} 1 & z \geq 0 \\ {shown} & z < 0 \end{{cases}}"))


def _softplus() -> Activation:
    return Activation("softplus", log(1 + exp(z)), r"\operatorname{softplus}", "softplus", Interval.open(0, oo),
                      Readable("ln(1 + eᶻ)", "σ(z)", r"\ln(1 + e^{z})", r"\sigma(z)"))


def _parameter(value, what: str) -> Rational:
    """A parameter as an exact rational. A float becomes the decimal it prints as: 0.2 is 1/5, not 3602879701896397/2^54.

    That is the number the user typed, and it keeps g exact for the symbolic side.
    """
    if isinstance(value, bool) or not (isinstance(value, (int, float)) or getattr(value, "is_Number", False)):
        raise InvalidActivationError(f"{what} must be a number, not {value!r}")
    if not (value.is_finite if isinstance(value, Basic) else abs(value) != float("inf") and value == value):
        raise InvalidActivationError(f"{what} must be finite, not {value!r}")
    if isinstance(value, int):
        return Rational(value)
    return Rational(repr(float(value))) if isinstance(value, float) or value.is_Float else value


def _readable_number(value: Rational) -> str:
    """A parameter for reading: 0.01, −3, 1/3 (a decimal where it is exact, a real minus sign)."""
    text = _parameter_name("", value, default=None)[1:-1]
    return text.replace("-", "−")


def _parameter_name(base: str, value: Rational, default: Rational) -> str:
    """``leaky_relu(0.2)``, ``step(-3)``, ``leaky_relu(1/3)``; the bare name for the default value.

    A rational prints as a decimal when that decimal is exact (1/5 → 0.2), else as p/q.
    """
    if value == default:
        return base
    if value.is_Integer:
        return f"{base}({value})"
    try:
        decimal = repr(float(value))
    except OverflowError:
        decimal = ""
    exact = decimal not in ("", "inf", "-inf") and Rational(decimal) == value
    return f"{base}({decimal if exact else value})"


ACTIVATIONS: dict[str, Callable[..., Activation]] = {
    "linear": _linear,
    "sigmoid": _sigmoid,
    "tanh": _tanh,
    "relu": _relu,
    "step": _step,
    "leaky_relu": _leaky_relu,
    "softplus": _softplus,
}
ALIASES = {"identity": "linear", "logistic": "sigmoid", "sigma": "sigmoid", "heaviside": "step", "leakyrelu": "leaky_relu"}


def names(softmax: bool = False) -> list[str]:
    """The names of the activations g(z) ``get`` accepts, in the lecture's order; with ``softmax``, then the
    output layer's vector activation softmax (not a g of one z, so not among them by default)."""
    return [*ACTIVATIONS, SOFTMAX.name] if softmax else list(ACTIVATIONS)


def get(name: str | Activation | Softmax, **params) -> Activation | Softmax:
    """Look up an activation by name (``"sigmoid"``, ``"step"`` with ``threshold=…``, ``"leaky_relu"`` with ``slope=…``).

    ``"expr:<formula>"`` parses a user's g safely, e.g. ``get("expr:z/(1 + Abs(z))")``.
    """
    if isinstance(name, (Activation, Softmax)):
        if params:
            raise InvalidActivationError("parameters apply to activation names, not to Activation objects")
        return name
    if not isinstance(name, str):
        raise UnknownActivationError(f"an activation is a name or an Activation, not {name!r}; names: {', '.join(names(softmax=True))}")
    if name.startswith("expr:"):
        return Activation.from_string(name[len("expr:"):], name=name[len("expr:"):].strip()[:40])
    key = name.strip().lower().replace("-", "_")
    key = ALIASES.get(key, key)
    if key == SOFTMAX.name:
        if params:
            raise InvalidActivationError(f"activation 'softmax' does not take parameters {sorted(params)}")
        return SOFTMAX
    if key not in ACTIVATIONS:
        raise UnknownActivationError(f"unknown activation {name!r}; valid names: {', '.join(names(softmax=True))}")
    try:
        return ACTIVATIONS[key](**params)
    except TypeError as error:
        raise InvalidActivationError(f"activation {key!r} does not take parameters {sorted(params)}") from error
