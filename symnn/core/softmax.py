"""Softmax, the output layer's vector activation: a_i^{[L]} = e^{z_i^{[L]}} / Σ_m e^{z_m^{[L]}}.

It is not an Activation: g acts on one unit's z, softmax on the whole column z^{[L]} (each a_i
depends on every z_m, and the a_i are positive and sum to 1: class probabilities). A Layer asks it
for unit i given every z of the layer (``unit``). symnn allows it at the output layer only, where
it turns K scores into K class probabilities; its Jacobian is ∂a_i/∂z_m = a_i([i = m] − a_m).
"""

from __future__ import annotations

from typing import Sequence

from sympy import Add, Expr, Function, Interval, KroneckerDelta, Sum, Symbol, exp
from sympy.printing.pretty.stringpict import prettyForm

from symnn.core import notation
from symnn.core.readable import Readable

# The Σ form is printed past this many classes; up to it the denominator is written out
WRITTEN_OUT_CLASSES = 3


class SoftmaxOf(Function):
    """softmax(z^{[L]}) in block form, held unevaluated: the column of e^{z_i} / Σ_m e^{z_m}."""

    nargs = 1

    def _latex(self, printer, exp=None) -> str:
        text = f"\\operatorname{{softmax}}({printer._print(self.args[0])})"
        return f"{text}^{{{exp}}}" if exp is not None else text

    def _sympystr(self, printer) -> str:
        return f"softmax({printer._print(self.args[0])})"

    def _pretty(self, printer):
        argument = prettyForm(*printer._print(self.args[0]).parens())
        return prettyForm(*argument.left("softmax"))

    def _mathml_presentation(self, printer):
        name = printer.element("mi", text="softmax")
        return printer.row(name, printer.mo("(", stretchy="false"), printer._print(self.args[0]),
                           printer.mo(")", stretchy="false"))


class Softmax:
    """The softmax output activation (one shared instance, ``SOFTMAX``; ``get("softmax")`` returns it).

    >>> from symnn.core import notation
    >>> zs = [notation.z(i, 2) for i in (1, 2)]
    >>> SOFTMAX.unit(1, zs)
    exp(z1[2])/(exp(z1[2]) + exp(z2[2]))
    """

    name = "softmax"
    latex_name = r"\operatorname{softmax}"
    pretty_name = "softmax"
    is_vector = True  # acts on the layer's whole column z, not on one unit
    affinity = False
    is_affine = False  # never affine: collapse treats it as the output's link, softmax(W′ᵀx + b′)
    known_range = Interval.open(0, 1)
    range = known_range
    readable = Readable("eᶻⁱ / Σₘ eᶻᵐ", "aᵢ([i = m] − aₘ)", r"\frac{e^{z_i}}{\sum_m e^{z_m}}",
                        r"a_i\,([i = m] - a_m)")

    def unit(self, i: int, zs: Sequence[Expr]) -> Expr:
        """a_i = e^{z_i} / Σ_m e^{z_m} for the layer's pre-activations ``zs`` (i counts from 1)."""
        return exp(zs[i - 1]) / Add(*[exp(value) for value in zs])

    def column(self, zs: Sequence[Expr]) -> list[Expr]:
        """Every a_i of the layer; the denominator is built once."""
        total = Add(*[exp(value) for value in zs])
        return [exp(value) / total for value in zs]

    def shown(self, i: int, layer, zs: Sequence[Expr]) -> Expr:
        """a_i as the lecture writes it, from the layer's z symbols ``zs`` (named units keep their names): the
        denominator written out for a few classes, else Σ_{m=1}^{n} e^{z_m}."""
        if len(zs) <= WRITTEN_OUT_CLASSES:
            return exp(zs[i - 1]) / Add(*[exp(value) for value in zs])
        m = Symbol("m", integer=True, positive=True)
        return exp(zs[i - 1]) / Sum(exp(notation.PreActivationAt(m, notation.layer_value(layer))), (m, 1, len(zs)))

    @staticmethod
    def jacobian(i, m, a_i: Expr, a_m: Expr) -> Expr:
        """∂a_i/∂z_m = a_i([i = m] − a_m): a_i(1 − a_i) on the diagonal, −a_i a_m off it."""
        return a_i * (KroneckerDelta(i, m) - a_m)

    def __call__(self, arg, evaluate: bool = True) -> Expr:
        """softmax(z^{[L]}) for a block-form column (elementwise work goes through ``unit``)."""
        return SoftmaxOf(arg, evaluate=evaluate)

    def __eq__(self, other) -> bool:
        return isinstance(other, Softmax)

    def __hash__(self) -> int:
        return hash(Softmax)

    def __repr__(self) -> str:
        return "Activation(softmax: a_i = exp(z_i)/Σ_m exp(z_m))"

    def __str__(self) -> str:
        return self.name


def in_exponentials(count: int) -> tuple[list[Symbol], list[Expr]]:
    """Softmax over ``count`` classes in u_m = e^{z_m} (positive symbols): (u, [u_i / Σ_m u_m]).

    A rational function, so its derivatives (∂/∂z_m = u_m ∂/∂u_m) are decided by cancelling, where the
    same identities written in e^{z} take SymPy seconds (ten classes: 6 s against 0.1 s)."""
    u = [Symbol(f"u_{m}", positive=True) for m in range(1, count + 1)]
    total = Add(*u)
    return u, [value / total for value in u]


SOFTMAX = Softmax()

ONE_UNIT_MESSAGE = ("softmax over a single unit is always 1; use sigmoid for one output "
                    "(softmax over two classes is σ(z₁ − z₂), the lecture's single neuron)")
HIDDEN_MESSAGE = ("softmax turns the output layer's scores into class probabilities, so symnn allows it at "
                  "the output layer only; give layer {j} a scalar activation such as sigmoid, tanh or relu")
