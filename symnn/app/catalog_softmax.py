"""The catalog's softmax derivations: the output layer for K classes, its Jacobian, its error with the
categorical cross-entropy (a − y), and two classes as the lecture's sigmoid.

Written for K = 3 output units of layer L, elementwise; every step is checked (against sympy.diff).
"""

from __future__ import annotations

from sympy import Add, Derivative, Integer, Mul, Symbol, diff, exp, log

from sympy.printing.pretty.stringpict import prettyForm

from symnn.core import notation
from symnn.core.activations import get
from symnn.core.network import Network
from symnn.math.backprop import Backprop
from symnn.math.collapse import collapse
from symnn.math.derivation import Derivation
from symnn.math.equality import check_equal, first_failure

CLASSES = 3
_LOSS = Symbol("L")



def _units():
    """z_i^{[L]}, a_i^{[L]} and softmax_i(z) = e^{z_i} / Σ_m e^{z_m} for i = 1..K."""
    zs = [notation.z(i, "L") for i in range(1, CLASSES + 1)]
    a_s = [notation.a(i, "L") for i in range(1, CLASSES + 1)]
    total = Add(*[exp(z) for z in zs])
    return zs, a_s, [exp(z) / total for z in zs]


def _softmax_definitions(d: Derivation, zs, a_s, values) -> None:
    for i, (a, value) in enumerate(zip(a_s, values), start=1):
        d.define(a, value, "softmax: each output's share of $\\sum_m e^{z_m^{[L]}}$" if i == 1 else "")


def softmax_jacobian() -> Derivation:
    """∂a_i/∂z_m = a_i(1 − a_i) for m = i and −a_i a_m otherwise."""
    zs, a_s, values = _units()
    d = Derivation(
        "The softmax output layer and its derivatives",
        intro=(f"With $K = {CLASSES}$ classes the output layer $L$ turns its $z_i^{{[L]}}$ into probabilities: "
               "positive, and summing to 1. Unlike $\\sigma$, each $a_i^{[L]}$ depends on every $z_m^{[L]}$."),
        conclusion=("So $\\partial a_i/\\partial z_m = a_i (1 - a_i)$ when $m = i$, as for the sigmoid, and "
                    "$-a_i a_m$ otherwise: raising one class's $z$ lowers every other probability."),
    )
    _softmax_definitions(d, zs, a_s, values)
    d.step(Add(*a_s), Integer(1), "the probabilities sum to 1",
           oracle=lambda: check_equal(Add(*values), 1))
    a1, a2 = a_s[0], a_s[1]
    d.step(Derivative(a1, zs[0]), Mul(a1, Add(1, Mul(-1, a1, evaluate=False), evaluate=False), evaluate=False),
           "the quotient rule, $m = i$", order="none",
           oracle=lambda: check_equal(diff(values[0], zs[0]), values[0] * (1 - values[0])))
    d.step(Derivative(a1, zs[1]), Mul(-1, a1, a2, evaluate=False), "$m \\neq i$: only the denominator depends on "
           "$z_2^{[L]}$", order="none",
           oracle=lambda: check_equal(diff(values[0], zs[1]), -values[0] * values[1]))

    def every_pair():
        return first_failure([check_equal(diff(values[i], zs[m]), values[i] * ((1 if i == m else 0) - values[m]))
                     for i in range(CLASSES) for m in range(CLASSES)])
    i, m = Symbol("i", integer=True, positive=True), Symbol("m", integer=True, positive=True)
    layer = Symbol("L")
    a_i, a_m = notation.ActivationAt(i, layer), notation.ActivationAt(m, layer)
    d.step(Derivative(a_i, _ZAt("z_m_L")),
           Mul(a_i, Add(_Iverson("iverson_i_m"), Mul(-1, a_m, evaluate=False), evaluate=False), evaluate=False),
           "every $i, m = 1, 2, 3$, with $[i = m]$ 1 when $i = m$ and 0 otherwise", order="none",
           oracle=every_pair)
    return d


class _ZAt(Symbol):
    """z_m^{[L]} for a symbolic m (display)."""

    def _latex(self, printer) -> str:
        return "z_{m}^{[L]}"

    def _pretty(self, printer):
        return prettyForm("zₘ⁽ᴸ⁾")

    def _mathml_presentation(self, printer):
        return printer._print(notation.PreActivationAt(Symbol("m"), Symbol("L")))


class _Iverson(Symbol):
    """[i = m]: 1 when i = m, else 0 (display; δ is the error in this notation)."""

    def _latex(self, printer) -> str:
        return "[i = m]"

    def _pretty(self, printer):
        return prettyForm("[i = m]")

    def _mathml_presentation(self, printer):
        return printer.row(printer.mo("[", stretchy="false"), printer.element("mi", text="i"), printer.mo("="),
                           printer.element("mi", text="m"), printer.mo("]", stretchy="false"))


def softmax_cross_entropy() -> Derivation:
    """With the categorical cross-entropy L = −Σ_i y_i log a_i and one-hot y, δ_m^{[L]} = a_m − y_m."""
    zs, a_s, values = _units()
    ys = [notation.y(i) for i in range(1, CLASSES + 1)]
    one_hot = {ys[-1]: 1 - Add(*ys[:-1])}  # Σ_i y_i = 1
    loss_in_z = Add(*[-y * log(v) for y, v in zip(ys, values)])
    d = Derivation(
        "Softmax with cross-entropy: the output error is $a - y$",
        intro=(f"$K = {CLASSES}$ classes, targets $y_i$ one-hot (or any probabilities: $\\sum_i y_i = 1$), "
               "and the categorical cross-entropy of one sample."),
        conclusion=("So $\\delta^{[L]} = a^{[L]} - y$ in block form: the same error as a sigmoid unit with "
                    "binary cross-entropy, and the rest of backpropagation is unchanged."),
    )
    _softmax_definitions(d, zs, a_s, values)
    d.define(_LOSS, Add(*[Mul(-1, y, log(a), evaluate=False) for y, a in zip(ys, a_s)], evaluate=False),
             "categorical cross-entropy", order="none")
    first_delta = notation.delta(1, "L")
    chain = Add(*[Mul(Derivative(_LOSS, a), Derivative(a, zs[0]), evaluate=False) for a in a_s], evaluate=False)
    d.step(first_delta, chain, "$L$ reaches $z_1^{[L]}$ through every $a_i^{[L]}$ (the chain rule)", order="none",
           oracle=lambda: check_equal(diff(loss_in_z, zs[0]), Add(*[
               diff(-y * log(Symbol("t")), Symbol("t")).xreplace({Symbol("t"): v}) * diff(v, zs[0])
               for y, v in zip(ys, values)])))
    a1 = a_s[0]
    with_jacobian = Add(Mul(-1, ys[0], Add(1, Mul(-1, a1, evaluate=False), evaluate=False), evaluate=False),
                        *[Mul(y, a1, evaluate=False) for y in ys[1:]], evaluate=False)
    d.step(first_delta, with_jacobian, "$\\partial L/\\partial a_i = -y_i/a_i$ and the softmax derivatives",
           order="none", oracle=lambda: check_equal(diff(loss_in_z, zs[0]), with_jacobian.xreplace(
               dict(zip(a_s, values)))))
    d.step(first_delta, Add(Mul(a1, Add(*ys), evaluate=False), Mul(-1, ys[0], evaluate=False), evaluate=False),
           "collect", order="none", oracle=lambda: check_equal(with_jacobian, a1 * Add(*ys) - ys[0]))
    d.step(first_delta, Add(a1, Mul(-1, ys[0], evaluate=False), evaluate=False),
           "the targets sum to 1", order="none",
           oracle=lambda: check_equal(diff(loss_in_z, zs[0]).xreplace(one_hot), (values[0] - ys[0]).xreplace(one_hot)))

    def every_unit():
        return first_failure([check_equal(diff(loss_in_z, zs[m]).xreplace(one_hot), (values[m] - ys[m]).xreplace(one_hot))
                     for m in range(CLASSES)])
    d.step(notation.delta("m", "L"), Add(notation.a("m", "L"), Mul(-1, notation.y("m"), evaluate=False),
                                          evaluate=False),
           "every output, $m = 1, 2, 3$ (against sympy.diff of the whole loss)", order="none",
           oracle=every_unit)
    return d


def softmax_two_classes() -> Derivation:
    """Softmax over two classes is the sigmoid of the difference of the two z: the lecture's single neuron."""
    z1, z2 = notation.z(1, "L"), notation.z(2, "L")
    a1 = notation.a(1, "L")
    first = exp(z1) / (exp(z1) + exp(z2))
    sigma = get("sigmoid")
    d = Derivation(
        "Softmax over two classes is the sigmoid",
        intro="With $K = 2$ the softmax output layer has two units; divide the first's share by $e^{z_1^{[L]}}$.",
        conclusion=("So a two-class softmax is one sigmoid unit whose $z$ is $z_1^{[L]} - z_2^{[L]}$: its weights "
                    "are the differences of the two units' weights, which is why the lecture needs one neuron for "
                    "0 against 1."),
    )
    d.define(a1, first, "softmax, $K = 2$")
    d.step(a1, 1 / (1 + exp(-(z1 - z2))), "numerator and denominator divided by $e^{z_1^{[L]}}$",
           oracle=lambda: check_equal(first, 1 / (1 + exp(-(z1 - z2)))))
    d.step(a1, sigma(z1 - z2), "$\\sigma(t) = 1/(1 + e^{-t})$", same_line=True,
           oracle=lambda: check_equal(first, sigma.explicit(z1 - z2)))
    return d


def collapse_softmax() -> Derivation:
    """An all-linear network under a softmax output is multinomial logistic regression softmax(W′ᵀx + b′)."""
    network = Network([3, 4, 3], activation=["linear", "softmax"])
    d = collapse(network).proof
    d.title = "Linear hidden layers under softmax: multinomial logistic regression"
    d.diagram = network
    return d


def backprop_softmax() -> Derivation:
    """Backpropagation through a sigmoid hidden layer and a softmax output with the cross-entropy, elementwise:
    δ by softmax's Jacobian down to a − y, then the same recursion as under a sigmoid output."""
    network = Network([2, 2, 3], activation=["sigmoid", "softmax"])
    d = Backprop(network, "cross_entropy").derivation()
    d.title = "Backpropagation through a softmax output, unit by unit"
    d.diagram = network
    return d


CATALOG = {
    "softmax-derivative": softmax_jacobian,
    "softmax-cross-entropy": softmax_cross_entropy,
    "softmax-two-classes": softmax_two_classes,
    "collapse-softmax": collapse_softmax,
    "backprop-softmax": backprop_softmax,
}
