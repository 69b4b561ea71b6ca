"""The catalog's backpropagation derivations: the chain rule for one neuron, a 3-4-1 network, the block
form for any depth, ReLU's gradient, an all-linear network's gradient and a worked example with numbers.

Each step is checked: most against sympy.diff of the whole loss (through the step's oracle).
"""

from __future__ import annotations

from functools import lru_cache

from sympy import Add, Derivative, Heaviside, Max, Mul, Piecewise, Rational, Subs, Symbol, diff, log

from symnn.core import notation
from symnn.core.activations import get, z
from symnn.core.layer import Neuron
from symnn.core.network import Network
from symnn.math.backprop import LOSS, Backprop, block_rules, display_loss
from symnn.math.derivation import Derivation
from symnn.config import current
from symnn.math.equality import check_at_points, check_equal, first_failure

_k = Symbol("k", integer=True, positive=True)



def chain_rule_neuron() -> Derivation:
    """Logistic regression's gradient, ∂L/∂w_k = (a − y) x_k, by the chain rule through one sigmoid unit."""
    unit = Neuron(3, "sigmoid")
    layer = unit.layer
    a, zs, y = layer.a_symbol(1), layer.z_symbol(1), notation.y()
    sigma = get("sigmoid")
    loss_in_a = -y * log(a) - (1 - y) * log(1 - a)
    output = sigma.explicit(unit.z())
    total = loss_in_a.xreplace({a: output})
    weights = [layer.weight(k, 1) for k in (1, 2, 3)]
    w_k, x_k = notation.WeightAt(_k, 1, 1), notation.InputAt(_k)
    error = Add(a, Mul(-1, y, evaluate=False), evaluate=False)
    slope = Mul(a, Add(1, Mul(-1, a, evaluate=False), evaluate=False), evaluate=False)
    d = Derivation(
        "The chain rule for one neuron: the gradient of logistic regression",
        diagram=Network([3, 1], activation="sigmoid"),
        intro="One sigmoid unit with binary cross-entropy, the lecture's logistic regression. $L$ depends on "
              "$w_k$ only through $z$ and then $a$, so its derivative is a product of three simple ones.",
        conclusion="So $\\partial L/\\partial w_k = (a - y) x_k$: the error times the input. Gradient descent "
                   "moves each weight against it; this is what symnn.train computes for this network.",
    )
    d.define(LOSS, display_loss(Backprop(unit_network(), "bce")), "binary cross-entropy of one sample", order="none")
    d.define(a, sigma(zs), "the unit's activation")
    d.define(zs, unit.z(), "its total input")
    chain = Mul(Derivative(LOSS, a), Derivative(a, zs), Derivative(zs, w_k), evaluate=False)

    def chain_check():
        sigma_prime = diff(sigma.expr, z).xreplace({z: unit.z()})
        # at points: simplify needs seconds to see the two sides of the chain rule agree
        differences = [diff(total, w) - diff(loss_in_a, a).xreplace({a: output}) * sigma_prime * x
                       for w, x in zip(weights, layer.inputs())]
        return check_at_points(differences, seed=3, points=current().random_points)
    d.step(Derivative(LOSS, w_k), chain, "the chain rule ($k = 1, 2, 3$)", order="none", oracle=chain_check)
    da = -y / a + (1 - y) / (1 - a)
    d.step(Derivative(LOSS, a), da, "differentiate $\\log a$ and $\\log(1 - a)$",
           oracle=lambda: check_equal(diff(loss_in_a, a), da))
    combined = error / slope
    d.step(Derivative(LOSS, a), combined, "over a common denominator",
           same_line=True, order="none", oracle=lambda: check_equal(da, combined))
    sigma_of_z = sigma.expr.xreplace({z: zs})
    d.step(Derivative(a, zs), slope, "$\\sigma'(z) = \\sigma(z)(1 - \\sigma(z))$ (derived in sigmoid-derivative)",
           order="none", oracle=lambda: check_equal(diff(sigma_of_z, zs), (a * (1 - a)).xreplace({a: sigma_of_z})))
    d.step(Derivative(zs, w_k), x_k, "$z = w_1 x_1 + w_2 x_2 + w_3 x_3 + b$",
           oracle=lambda: first_failure([check_equal(diff(unit.z(), w), x) for w, x in zip(weights, layer.inputs())]))
    product = Mul(combined, slope, x_k, evaluate=False)

    @lru_cache(maxsize=None)  # two steps state the same gradient
    def gradient_check():
        # the whole loss for w_1, and ∂L/∂z = a − y for every k (∂z/∂w_k = x_k is checked above)
        in_z = loss_in_a.xreplace({a: sigma_of_z})
        return first_failure([check_equal(diff(total, weights[0]), (error * layer.input(1)).xreplace({a: output})),
                     check_equal(diff(in_z, zs), error.xreplace({a: sigma_of_z}))])
    d.step(Derivative(LOSS, w_k), product, "multiply the three", order="none", oracle=gradient_check)
    d.step(Derivative(LOSS, w_k), Mul(error, x_k, evaluate=False),
           "$a(1 - a)$, which is $\\sigma'$, cancels the cross-entropy's denominator", same_line=True,
           order="none", oracle=gradient_check)
    bias = layer.bias_term(1)
    d.step(Derivative(LOSS, bias), error, "likewise, with $\\partial z/\\partial b = 1$", order="none",
           oracle=lambda: check_equal(diff(total, bias), error.xreplace({a: output})))
    return d


def unit_network() -> Network:
    return Network([3, 1], activation="sigmoid")


def backprop_341() -> Derivation:
    """Backpropagation through the lecture's 3-4-1 shape with sigmoid units and cross-entropy, elementwise."""
    d = Backprop(Network([3, 4, 1], activation="sigmoid"), "bce").derivation()
    d.title = "Backpropagation through the 3-4-1 network, unit by unit"
    d.diagram = Network([3, 4, 1], activation="sigmoid")
    return d


def backprop_block_form() -> Derivation:
    """The δ recursion in block form, for any depth, checked entry by entry on a 2-3-2-2 network."""
    network = Network([2, 3, 2, 2], activation=["tanh", "relu", "sigmoid"])
    return block_rules(Backprop(network, "bce"))


def relu_gradient() -> Derivation:
    """ReLU passes the error on unchanged or not at all; at z = 0 symnn takes g′(0) = 1/2."""
    d = Derivation(
        "ReLU passes the gradient as 0 or 1",
        intro="The lecture: ReLU's gradient is 0 or 1, \"making it easier for the gradient to flow during "
              "backpropagation\". Below, $g(z) = \\max(z, 0)$ and $\\delta_i^{[j]} = g'(z_i^{[j]}) "
              "\\sum_m w_{im}^{[j+1]} \\delta_m^{[j+1]}$.",
        conclusion="Where a unit is on ($z > 0$) the error flows down unchanged; where it is off, not at all. "
                   "A sigmoid layer instead scales the error by $\\sigma'(z) \\leq 1/4$ at every layer, so "
                   "through many layers it shrinks. At exactly $z = 0$ ReLU has no derivative: symnn, like "
                   "SymPy's Heaviside function, takes $g'(0) = 1/2$ (a convention; PyTorch takes 0). "
                   "It matters only on that single point.",
    )
    g_prime = Derivative(Max(z, 0), z)
    d.step(g_prime, Heaviside(z), "$\\frac{d}{dz}\\max(z, 0)$: the unit step $H(z)$")
    cases = Piecewise((1, z > 0), (0, z < 0), (Rational(1, 2), True))
    d.step(g_prime, cases, "1 where the unit is on, 0 where it is off", oracle=lambda: check_equal(Heaviside(z), cases))
    d.step(Subs(g_prime, z, 0), Rational(1, 2), "at $z = 0$, by convention")
    zs = notation.z(1, 1)
    m = Symbol("m", integer=True, positive=True)
    total = Symbol("S")
    delta = notation.delta(1, 1)
    d.define(total, notation.DeltaAt(m, 2) * notation.WeightAt(1, m, 2), "the errors of the layer above, weighed")
    d.step(delta, Piecewise((total, zs > 0), (0, zs < 0), (total / 2, True)), "the error of a ReLU unit",
           oracle=lambda: check_equal(Heaviside(zs) * total, Piecewise((total, zs > 0), (0, zs < 0),
                                                                         (total / 2, True))))
    sigma = get("sigmoid")
    d.step(Subs(Derivative(sigma(z), z), z, 0), Rational(1, 4), "the sigmoid's largest slope, at $z = 0$")
    return d


def linear_network_gradient() -> Derivation:
    """An all-linear network's gradient is the collapsed model's gradient, passed through the layers."""
    network = Network([3, 4, 1], activation="linear", bias=False)
    bp = Backprop(network, "squared_error")
    first, second = network.layer(1), network.layer(2)
    y = notation.y()
    a = second.a_symbol(1)
    inputs = network.inputs()
    w_primes = [notation.w_prime(k) for k in (1, 2, 3)]
    model = Add(*[w * x for w, x in zip(w_primes, inputs)])
    collapsed = {w: Add(*[first.weight(k, j) * second.weight(j, 1) for j in range(1, 5)])
                 for k, w in zip((1, 2, 3), w_primes)}
    output = network.output(1)
    loss = (output - y) ** 2 / 2
    claims = {(c.kind, c.layer, c.unit, c.source): c for c in bp.claims()}
    i_, j_ = Symbol("i", integer=True, positive=True), Symbol("j", integer=True, positive=True)
    d = Derivation(
        "The gradient of an all-linear network is the collapsed model's",
        diagram=network,
        intro="The 3-4-1 network with linear units and no biases collapses to $f(x) = w'_1 x_1 + w'_2 x_2 + "
              "w'_3 x_3$ with $w'_i = \\sum_j w_{ij}^{[1]} w_{j1}^{[2]}$ (see linear-collapse-3-4-1). Take the "
              "halved squared error $L = \\tfrac{1}{2}(a_1^{[2]} - y)^2$.",
        conclusion="So each weight's gradient is the collapsed model's gradient $x_i (a - y)$ times the other "
                   "layer's weight on the path: gradient descent on the deep linear network still moves one "
                   "linear model, and after every step it is still a linear model.",
    )
    d.step(notation.delta(1, 2), Add(a, Mul(-1, y, evaluate=False), evaluate=False),
           "at the output $g' = 1$, so $\\delta = a - y$", order="none",
           oracle=lambda: bp.check(claims[("delta", 2, 1, 0)]))
    d.step(notation.DeltaAt(j_, 1), notation.WeightAt(j_, 1, 2) * notation.delta(1, 2),
           "each hidden unit: $g' = 1$ again ($j = 1, \\ldots, 4$)",
           oracle=lambda: first_failure([bp.check(claims[("delta", 1, j, 0)]) for j in range(1, 5)]))
    d.step(Derivative(LOSS, notation.WeightAt(i_, j_, 1)),
           Mul(notation.InputAt(i_), notation.WeightAt(j_, 1, 2), notation.delta(1, 2), evaluate=False),
           "input times error", order="none",
           oracle=lambda: first_failure([bp.check(claims[("weight", 1, j, i)]) for j in range(1, 5) for i in (1, 2, 3)]))
    model_loss = (model - y) ** 2 / 2
    w_prime_i = notation.w_prime("i")
    d.step(Derivative(LOSS, w_prime_i), Mul(notation.InputAt(i_), Add(a, Mul(-1, y, evaluate=False),
                                                                        evaluate=False), evaluate=False),
           "the collapsed model's gradient, with $a = w' \\cdot x$", order="none",
           oracle=lambda: first_failure([check_equal(diff(model_loss, w), x * (model - y)) for w, x in zip(w_primes, inputs)]))

    def through_the_collapse():
        checks = []
        for k, (w, x) in enumerate(zip(w_primes, inputs), start=1):
            model_gradient = diff(model_loss, w).xreplace(collapsed)
            for j in range(1, 5):
                checks.append(check_equal(diff(loss, first.weight(k, j)), second.weight(j, 1) * model_gradient))
        return first_failure(checks)
    d.step(Derivative(LOSS, notation.WeightAt(i_, j_, 1)),
           Mul(notation.WeightAt(j_, 1, 2), Derivative(LOSS, w_prime_i), evaluate=False),
           "the chain rule through $w'_i = \\sum_j w_{ij}^{[1]} w_{j1}^{[2]}$, with "
           "$\\partial w'_i/\\partial w_{ij}^{[1]} = w_{j1}^{[2]}$", order="none", oracle=through_the_collapse)
    return d


MAZUR_WEIGHTS = [[["0.15", "0.25"], ["0.20", "0.30"]], [["0.40", "0.50"], ["0.45", "0.55"]]]
MAZUR_BIASES = ["0.35", "0.60"]
MAZUR_INPUTS = ["0.05", "0.10"]
MAZUR_TARGETS = ["0.01", "0.99"]


def backprop_worked_example() -> Derivation:
    """One step on the 2-2-2 sigmoid network with squared error, with the numbers of a well-known tutorial."""
    bp = Backprop(Network([2, 2, 2], activation="sigmoid"), "squared_error")
    d = bp.worked_example(MAZUR_WEIGHTS, MAZUR_BIASES, MAZUR_INPUTS, MAZUR_TARGETS, lr="0.5")
    d.title = "Backpropagation with numbers: one step on a 2-2-2 network"
    names = ", ".join(f"${w}$" for w in ("w_{11}^{[1]}", "w_{21}^{[1]}", "w_{12}^{[1]}", "w_{22}^{[1]}",
                                         "w_{11}^{[2]}", "w_{21}^{[2]}", "w_{12}^{[2]}", "w_{22}^{[2]}"))
    d.intro = ("The numbers of Matt Mazur's tutorial \"A Step by Step Backpropagation Example\" (his $w_1$ to "
               f"$w_8$ are {names}; he shares one bias per layer and does not update it). " + d.intro)
    d.diagram = Network([2, 2, 2], activation="sigmoid")
    return d


CATALOG = {
    "chain-rule-neuron": chain_rule_neuron,
    "backprop-3-4-1": backprop_341,
    "backprop-block-form": backprop_block_form,
    "relu-gradient": relu_gradient,
    "linear-network-gradient": linear_network_gradient,
    "backprop-worked-example": backprop_worked_example,
}
