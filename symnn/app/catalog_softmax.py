"""The catalog's softmax derivations: the output layer for K classes, its Jacobian, its error with the
categorical cross-entropy (a − y), and two classes as the lecture's sigmoid.

Written for K = 3 output units of layer L, elementwise; every step is checked (against sympy.diff).
"""

from __future__ import annotations

from sympy import Add, Derivative, Integer, MatAdd, Mul, Symbol, cancel, diff, exp, log, together

from sympy.printing.pretty.stringpict import prettyForm

from symnn.core import notation
from symnn.core.activations import get
from symnn.core.network import Network
from symnn.core.softmax import in_exponentials
from symnn.math.backprop import Backprop
from symnn.math.collapse import collapse
from symnn.math.derivation import Derivation
from symnn.math.equality import Check, check_equal, first_failure

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
               "and the categorical cross-entropy of one sample; then the same for any number of classes $K$, in block "
               "form."),
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
    _block_form(d)
    return d


BLOCK_CHECKED_CLASSES = (2, 3, 4, 5, 6)  # the block-form lines hold for every K; checked entry by entry for these


class _Shown(Symbol):
    """A block-form expression written as the textbook writes it (diag(a) − a aᵀ, −y ⊘ a, …): display only,
    each line checked entry by entry by its oracle. ``parts`` are (LaTeX, Unicode, MathML tokens)."""

    PARTS: dict = {}

    def _latex(self, printer) -> str:
        return self.PARTS[self.name][0]

    def _pretty(self, printer):
        return prettyForm(self.PARTS[self.name][1])

    def _mathml_presentation(self, printer):
        nodes = []
        for kind, text in self.PARTS[self.name][2]:
            if kind == "expr":
                nodes.append(printer._print(text))
            else:
                nodes.append(printer.element(kind, text=text, **({"stretchy": "false"} if kind == "mo" else {})))
        return printer.row(*nodes)


_A, _Y, _Z = (notation.matrix(role, Symbol("K"), 1, "L") if role != "y" else notation.matrix("y", Symbol("K"), 1)
              for role in ("a", "y", "z"))
_Shown.PARTS = {
    "jacobian": (r"\frac{\partial a^{[L]}}{\partial z^{[L]}}", "∂a⁽ᴸ⁾/∂z⁽ᴸ⁾", ()),  # MathML: _Jacobian
    "diag_minus_outer": (r"\operatorname{diag}(a^{[L]}) - a^{[L]} a^{[L]T}", "diag(a⁽ᴸ⁾) − a⁽ᴸ⁾a⁽ᴸ⁾ᵀ",
                         [("mi", "diag"), ("mo", "("), ("expr", _A), ("mo", ")"), ("mo", "−"), ("expr", _A),
                          ("expr", _A.T)]),
    "chain": (r"\left(\operatorname{diag}(a^{[L]}) - a^{[L]} a^{[L]T}\right)\left(-y \oslash a^{[L]}\right)",
              "(diag(a⁽ᴸ⁾) − a⁽ᴸ⁾a⁽ᴸ⁾ᵀ)(−y⊘a⁽ᴸ⁾)",
              [("mo", "("), ("mi", "diag"), ("mo", "("), ("expr", _A), ("mo", ")"), ("mo", "−"), ("expr", _A),
               ("expr", _A.T), ("mo", ")"), ("mo", "("), ("mo", "−"), ("expr", _Y), ("mo", "⊘"), ("expr", _A),
               ("mo", ")")]),
    "collected": (r"-y + a^{[L]} \left(\mathbf{1}^T y\right)", "−y + a⁽ᴸ⁾(1ᵀy)", ()),  # MathML: _Collected
}


def _jacobian_mathml(printer):
    a, z = printer._print(_A), printer._print(_Z)
    top = printer.row(printer.element("mo", text="∂"), a)
    bottom = printer.row(printer.element("mo", text="∂"), z)
    return printer.element("mfrac", top, bottom)


def _ones_transposed(printer):
    return printer.element("msup", printer.element("mn", text="1"), printer.element("mi", text="T"))


class _Jacobian(_Shown):
    def _mathml_presentation(self, printer):
        return _jacobian_mathml(printer)


class _Collected(_Shown):
    def _mathml_presentation(self, printer):
        nodes = [printer.element("mo", text="−"), printer._print(_Y), printer.element("mo", text="+"),
                 printer._print(_A), printer.element("mo", text="(", stretchy="false"), _ones_transposed(printer),
                 printer._print(_Y), printer.element("mo", text=")", stretchy="false")]
        return printer.row(*nodes)


def _softmax_in_u(classes: int):
    """(u, a, y, L): softmax in u_m = e^{z_m} (positive), a_i = u_i / Σ_m u_m, and L = −Σ_i y_i log a_i;
    ∂/∂z_m = u_m ∂/∂u_m, so every derivative is a rational function sympy decides by cancelling."""
    u, a = in_exponentials(classes)
    y = [Symbol(f"y_{m}") for m in range(1, classes + 1)]
    return u, a, y, Add(*[-yi * log(ai) for yi, ai in zip(y, a)])


def _every_size(claim) -> "Check":
    """``claim(classes)`` (a list of expressions that must vanish) for each K of BLOCK_CHECKED_CLASSES."""
    def check():
        for classes in BLOCK_CHECKED_CLASSES:
            for residue in claim(classes):
                if cancel(together(residue)) != 0:
                    return Check(False, f"entry by entry for K = {classes}", f"{residue} is not 0")
        sizes = ", ".join(map(str, BLOCK_CHECKED_CLASSES))
        return Check(True, f"symbolic, entry by entry for K = {sizes} (in u_m = e^{{z_m}})")
    return check


def _jacobian_entries(classes):
    u, a, _, _ = _softmax_in_u(classes)
    return [u[m] * diff(a[i], u[m]) - a[i] * ((1 if i == m else 0) - a[m])
            for i in range(classes) for m in range(classes)]


def _chain_entries(classes):
    """(diag(a) − a aᵀ)(−y ⊘ a) against sympy.diff of L by each z_i (targets not yet summing to 1)."""
    u, a, y, loss = _softmax_in_u(classes)
    product = [sum((a[i] * (1 if i == m else 0) - a[i] * a[m]) * (-y[m] / a[m]) for m in range(classes))
               for i in range(classes)]
    return [product[i] - u[i] * diff(loss, u[i]) for i in range(classes)]


def _collected_entries(classes):
    u, a, y, loss = _softmax_in_u(classes)
    return [-y[i] + a[i] * Add(*y) - u[i] * diff(loss, u[i]) for i in range(classes)]


def _error_entries(classes):
    u, a, y, loss = _softmax_in_u(classes)
    given = {y[-1]: 1 - Add(*y[:-1])}  # the targets sum to 1
    return [(a[i] - y[i] - u[i] * diff(loss, u[i])).xreplace(given) for i in range(classes)]


def _block_form(d: Derivation) -> None:
    """δ^{[L]} = a − y for every number of classes K, in block form: softmax's Jacobian diag(a) − a aᵀ times
    ∂L/∂a = −y ⊘ a; each line checked entry by entry for several K."""
    delta_block = notation.matrix("delta", Symbol("K"), 1, "L")
    d.define(_Jacobian("jacobian"), _Shown("diag_minus_outer"),
             "the softmax Jacobian for any $K$: entry $(i, m)$ is $a_i([i = m] - a_m)$, a symmetric matrix",
             oracle=_every_size(_jacobian_entries))
    d.step(delta_block, _Shown("chain"),
           "the chain rule in block form, $\\delta^{[L]} = (\\partial a/\\partial z)^T \\partial L/\\partial a$, with "
           "$\\partial L/\\partial a = -y \\oslash a$ ($\\oslash$: entry by entry)",
           oracle=_every_size(_chain_entries))
    d.step(delta_block, _Collected("collected"),
           "$\\operatorname{diag}(a)(-y \\oslash a) = -y$ and $a^T (y \\oslash a) = \\mathbf{1}^T y = \\sum_i y_i$",
           same_line=True, oracle=_every_size(_collected_entries))
    d.step(delta_block, MatAdd(_A, -_Y), "the targets sum to 1, $\\mathbf{1}^T y = 1$", same_line=True,
           oracle=_every_size(_error_entries))


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
