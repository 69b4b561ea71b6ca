"""Activation functions g(z): SymPy expression, derivative, range, LaTeX name, and a symbolic affine test.

The lecture's table: linear g(z) = z, sigmoid σ(z) = 1/(1 + e^{−z}),
tanh(z) = (e^z − e^{−z})/(e^z + e^{−z}), ReLU g(z) = max(z, 0), plus the
perceptron's step, leaky ReLU and softplus. Whether an activation is affine is
decided from g itself (g'' ≡ 0, piecewise pieces compared), never from its name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

from sympy import (
    Basic,
    Expr,
    Function,
    Interval,
    Max,
    Piecewise,
    FiniteSet,
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
)
from sympy.printing.pretty.stringpict import prettyForm

from symnn.errors import InvalidActivationError, UnknownActivationError
from symnn.core.notation import activation_variable
from symnn.core.parsing import as_expr, parse_activation

z = activation_variable()
G = activation_variable("g")  # stands for g(z) in derivative forms such as σ' = σ(1 − σ)


@dataclass(frozen=True, eq=True)
class Activation:
    """An activation g with its SymPy expression in ``z`` and its printing names.

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
    range: Basic | None = None
    derivative_in_g: Expr | None = field(default=None, compare=False)

    def __post_init__(self):
        if not isinstance(self.expr, Expr):
            raise InvalidActivationError(f"activation {self.name!r}: g(z) must be a SymPy expression, not {self.expr!r}")
        extra = self.expr.free_symbols - {z}
        if extra:
            raise InvalidActivationError(
                f"activation {self.name!r}: g(z) may use only the variable z, not {sorted(map(str, extra))}"
            )

    @classmethod
    def from_expr(cls, expr: Expr, name: str = "g", latex_name: str | None = None) -> "Activation":
        """A user's activation from a SymPy expression in ``symnn.activations.z`` (e.g. ``3*z + 1``)."""
        if isinstance(expr, str):
            raise InvalidActivationError("from_expr takes a SymPy expression in z; for text use Activation.from_string")
        expr = as_expr(expr)  # numbers and SymPy objects only, never text
        return cls(name=name, expr=expr, latex_name=latex_name or "g", pretty_name="g", range=_try_range(expr))

    @classmethod
    def from_string(cls, text: str, name: str | None = None) -> "Activation":
        """A user's activation from text such as ``"z/(1 + Abs(z))"``, parsed safely (see symnn.parsing).

        >>> Activation.from_string("3*z + 1").is_affine
        True
        """
        return cls.from_expr(parse_activation(text, z), name=name or "g")

    @cached_property
    def derivative(self) -> Expr:
        """g'(z), differentiated by SymPy from g."""
        return diff(self.expr, z)

    @cached_property
    def is_affine(self) -> bool:
        """True when g(z) = s·z + t for constants s, t, decided symbolically from g."""
        return is_affine_expr(self.expr)

    @cached_property
    def affine_coefficients(self) -> tuple[Expr, Expr]:
        """(s, t) with g(z) = s·z + t; raises when g is not affine."""
        if not self.is_affine:
            raise InvalidActivationError(f"activation {self.name!r} is not affine, so it has no scale and shift")
        body = pieces(self.expr)[0]
        return simplify(diff(body, z)), simplify(body.subs(z, 0))

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


def is_affine_expr(expr: Expr) -> bool:
    """Decide whether ``expr`` is affine in z: every piece has g'' ≡ 0 and all pieces are the same function."""
    parts = pieces(expr)
    if not all(simplify(diff(p, z, 2)) == 0 for p in parts):
        return False
    first = parts[0]
    return all(simplify(p - first) == 0 for p in parts[1:])


def pieces(expr: Expr) -> list[Expr]:
    """The pieces of g as a Piecewise (one piece when g has no kinks)."""
    # Max, Abs, Heaviside, sign ... all become Piecewise, so kinks show up as
    # pieces that differ rather than hiding inside a derivative that SymPy
    # would report as 0 almost everywhere.
    folded = piecewise_fold(expr.rewrite(Piecewise))
    if isinstance(folded, Piecewise):
        return [e for e, cond in folded.args if cond is not S.false]
    return [folded]


def _try_range(expr: Expr):
    from sympy.calculus.util import function_range

    try:
        found = function_range(expr, z, S.Reals)
    except (NotImplementedError, ValueError, TypeError):
        return None
    return None if found.has(nan) else found


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
        text = f"{self.activation.latex_name}({printer._print(self.args[0])})"
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
    return Activation("linear", z, "g", "g", S.Reals)


def _sigmoid() -> Activation:
    return Activation("sigmoid", 1 / (1 + exp(-z)), r"\sigma", "σ", Interval.open(0, 1), G * (1 - G))


def _tanh() -> Activation:
    return Activation("tanh", tanh(z), r"\tanh", "tanh", Interval.open(-1, 1), 1 - G**2)


def _relu() -> Activation:
    return Activation("relu", Max(z, 0), r"\operatorname{ReLU}", "ReLU", Interval(0, oo))


def _step(threshold=0) -> Activation:
    threshold = _parameter(threshold, "threshold")
    name = "step" if threshold == 0 else f"step[{threshold}]"
    return Activation(name, Piecewise((1, z >= threshold), (0, True)), r"\operatorname{step}", "step", FiniteSet(0, 1))


def _leaky_relu(slope=Rational(1, 100)) -> Activation:
    slope = _parameter(slope, "slope")
    if not 0 < slope < 1:
        raise InvalidActivationError(f"leaky ReLU slope must lie strictly between 0 and 1, not {slope}")
    name = "leaky_relu" if slope == Rational(1, 100) else f"leaky_relu[{slope}]"
    return Activation(name, Piecewise((z, z >= 0), (slope * z, True)), r"\operatorname{LeakyReLU}", "LeakyReLU", S.Reals)


def _softplus() -> Activation:
    return Activation("softplus", log(1 + exp(z)), r"\operatorname{softplus}", "softplus", Interval.open(0, oo))


def _parameter(value, what: str):
    if isinstance(value, bool) or not isinstance(value, (int, float, Rational)) and not getattr(value, "is_Number", False):
        raise InvalidActivationError(f"{what} must be a number, not {value!r}")
    number = Rational(value) if isinstance(value, (int, float)) else value
    if not number.is_finite:
        raise InvalidActivationError(f"{what} must be finite, not {value!r}")
    return number


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


def names() -> list[str]:
    """The activation names ``get`` accepts, in the lecture's order."""
    return list(ACTIVATIONS)


def get(name: str | Activation, **params) -> Activation:
    """Look up an activation by name (``"sigmoid"``, ``"step"`` with ``threshold=…``, ``"leaky_relu"`` with ``slope=…``)."""
    if isinstance(name, Activation):
        if params:
            raise InvalidActivationError("parameters apply to activation names, not to Activation objects")
        return name
    if not isinstance(name, str):
        raise UnknownActivationError(f"an activation is a name or an Activation, not {name!r}; names: {', '.join(names())}")
    if name.startswith("expr:"):
        return Activation.from_string(name[len("expr:"):], name=name[len("expr:"):].strip()[:40])
    key = name.strip().lower().replace("-", "_")
    key = ALIASES.get(key, key)
    if key not in ACTIVATIONS:
        raise UnknownActivationError(f"unknown activation {name!r}; valid names: {', '.join(names())}")
    try:
        return ACTIVATIONS[key](**params)
    except TypeError as error:
        raise InvalidActivationError(f"activation {key!r} does not take parameters {sorted(params)}") from error


def _check_table() -> None:
    # Every entry must build, name itself, print, and differentiate.
    for key, build in ACTIVATIONS.items():
        act = build()
        if act.name != key or not act.latex_name or act.range is None:
            raise RuntimeError(f"activation table entry {key!r} is incomplete")
        act.derivative  # noqa: B018 — fails loudly if SymPy cannot differentiate g


_check_table()
