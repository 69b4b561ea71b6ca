"""The named derivations ``symnn derive`` writes, in the lecture's order; each is built and verified by symnn.

Every entry is a function returning a Derivation; CATALOG maps its file name to it.
"""

from __future__ import annotations

from typing import Callable

from sympy.matrices.expressions.dotproduct import DotProduct
from sympy import (
    Add,
    Derivative,
    Float,
    ImmutableMatrix,
    Integer,
    Mul,
    Piecewise,
    Rational,
    Subs,
    Sum,
    Symbol,
    Transpose,
    UnevaluatedExpr,
    exp,
    tanh,
)

from symnn.app import catalog_backprop, catalog_softmax
from symnn.core import notation
from symnn.core.activations import Activation, function_class, get, z
from symnn.core.layer import Neuron
from symnn.core.network import Network
from symnn.core.printing import SymnnLatexPrinter
from symnn.errors import InvalidArgumentError
from symnn.math.collapse import block_identity, collapse, find_witness
from symnn.math.derivation import Derivation

_k = Symbol("k", integer=True, positive=True)
_i = Symbol("i", integer=True, positive=True)
_j = Symbol("j", integer=True, positive=True)


def neuron() -> Derivation:
    """z and a of one unit of layer j reading the three activations of layer i."""
    unit = Neuron(3, "sigmoid", layer="j", input_layer="i")
    layer = unit.layer
    z1, a1 = layer.z_symbol(1), layer.a_symbol(1)
    d = Derivation(
        "A single neuron: $z$ and $a$",
        intro="Unit 1 of layer $j$ takes the activations $a_k^{[i]}$ of layer $i$, weighs them, adds its bias, "
              "and applies the activation function $g$.",
        conclusion="The same two lines, $z$ then $a = g(z)$, describe every unit of every layer.",
    )
    d.define(z1, unit.z_sum(), "weighted sum of the inputs plus the bias")
    d.step(z1, unit.z(), "the sum written out, $k = 1, 2, 3$")
    d.define(a1, unit.activation(z1), "the activation: here $g$ is the sigmoid")
    d.step(a1, 1 / (1 + exp(-z1)), "$\\sigma(z) = 1/(1 + e^{-z})$")
    return d


def logistic_regression() -> Derivation:
    """Logistic regression is a network with one layer of one sigmoid unit."""
    unit = Neuron(3, "sigmoid")
    layer = unit.layer
    p = notation.variable("p")
    betas = [notation.variable(f"beta_{k}") for k in range(4)]
    linear = Add(betas[0], *[betas[k] * layer.input(k) for k in (1, 2, 3)])
    d = Derivation(
        "Logistic regression as a one-layer neural network",
        diagram=Network([3, 1], activation="sigmoid"),
        intro="Logistic regression models the probability $p$ of class 1 as a sigmoid of a linear function of $x$.",
        conclusion="So logistic regression is the one-layer network with one sigmoid unit: "
                   "its coefficients $\\beta_k$ are the weights $w_{k1}^{[1]}$ and its intercept $\\beta_0$ is the bias $b_1^{[1]}$.",
    )
    d.define(p, 1 / (1 + exp(-linear)), "logistic regression")
    d.step(p, get("sigmoid")(linear), "$\\sigma(t) = 1/(1 + e^{-t})$")
    for k in (1, 2, 3):
        d.define(layer.weight(k, 1), betas[k], "the coefficient is the weight")
    d.define(layer.bias_term(1), betas[0], "the intercept is the bias")
    d.define(layer.z_symbol(1), unit.z(), "the neuron's $z$")
    d.step(p, unit.activation(layer.z_symbol(1)), "the same linear function")
    d.define(layer.a_symbol(1), unit.activation(layer.z_symbol(1)), "the neuron's activation")
    d.step(p, layer.a_symbol(1), "one sigmoid unit")
    return d


SIGMOID_EXAMPLE_X = (1, 1, 0)
SIGMOID_EXAMPLE_W = (Rational(1, 2), Rational(1, 4), Integer(3))
SIGMOID_EXAMPLE_B = Rational(-1, 4)


def _signed(number):
    """A number kept as written, a negative one shown as '− 1/4' rather than '+ −1/4'."""
    return -UnevaluatedExpr(-number) if number < 0 else UnevaluatedExpr(number)


def sigmoid_example() -> Derivation:
    """The lecture's exercise: compute a neuron's output with g = σ, first in symbols, then in numbers."""
    unit = Neuron(3, "sigmoid")
    layer = unit.layer
    given = {layer.input(k): Integer(v) for k, v in enumerate(SIGMOID_EXAMPLE_X, start=1)}
    given.update({layer.weight(k, 1): v for k, v in enumerate(SIGMOID_EXAMPLE_W, start=1)})
    given[layer.bias_term(1)] = SIGMOID_EXAMPLE_B
    shown = Add(*[Mul(UnevaluatedExpr(w), UnevaluatedExpr(Integer(x)), evaluate=False)
                  for w, x in zip(SIGMOID_EXAMPLE_W, SIGMOID_EXAMPLE_X)],
                _signed(SIGMOID_EXAMPLE_B), evaluate=False)
    value = sum(w * x for w, x in zip(SIGMOID_EXAMPLE_W, SIGMOID_EXAMPLE_X)) + SIGMOID_EXAMPLE_B
    z1, a1 = layer.z_symbol(1), layer.a_symbol(1)
    sigma = unit.activation
    d = Derivation(
        "Calculate the output using the sigmoid as $g(z)$",
        intro="One neuron with three inputs: first in symbols, then with numbers substituted.",
        given=given,
        conclusion="The neuron outputs about $0.62$: above $1/2$, so it predicts class 1.",
    )
    d.define(z1, unit.z(), "the neuron's $z$")
    d.step(z1, shown, "substitute the numbers", order="none")
    d.step(z1, value, "add up")
    d.define(a1, sigma(z1), "$a = g(z) = \\sigma(z)$")
    d.step(a1, sigma(value, evaluate=False), "z = " + str(value))
    d.step(a1, 1 / (1 + exp(-value)), "$\\sigma(z) = 1/(1 + e^{-z})$")
    d.step(a1, Float("0.6225", 4), "to four decimals", relation="approx", tolerance=Rational(5, 100000))
    return d


def layer_matrix() -> Derivation:
    """'What is the w and b in this setting?': W^{[1]} and b^{[1]} of the 3-4-1 network written out."""
    net = Network([3, 4, 1], activation="sigmoid")
    W = notation.matrix("W", 3, 4, 1)
    b = notation.matrix("b", 4, 1, 1)
    x = notation.matrix("x", 3, 1)
    d = Derivation(
        "A layer in matrix form: $W$ and $b$",
        diagram=net,
        intro="Layer 1 of the 3-4-1 network: entry $(k, i)$ of $W^{[1]}$ is the weight from input $k$ to unit $i$, "
              "so column $i$ holds unit $i$'s weights.",
        conclusion="Row $i$ of the product is unit $i$'s $z$: the matrix form is all units' $z$ at once.",
    )
    d.define(W, ImmutableMatrix(net.W(1)), "3 inputs by 4 units")
    d.define(b, ImmutableMatrix(net.b(1)), "one bias per unit")
    d.define(x, ImmutableMatrix(net.inputs()), "the input column")
    d.step(net.block_z(1), ImmutableMatrix(net.z(1)), "row i of the transpose is unit i's weights")
    return d


def linear_collapse_341() -> Derivation:
    """The lecture's slide: with all activations linear, the 3-4-1 network is a linear model.

    Its three lines come out as the slide writes them (products with ·, w_j^{[2]} for the one output
    unit's weights); the vectors and g are defined first, and every equality is checked.
    """
    net = Network([3, 4, 1], activation="linear", bias=False)
    output = net.layers[-1].a_symbol(1)
    g = function_class(get("linear"))
    X, w1 = notation.matrix("X", 3, 1), notation.matrix("w", 3, 1, layer=1, unit=1)
    w2, a1 = notation.matrix("w", 4, 1, layer=2), notation.matrix("a", 4, 1, layer=1)
    dot = {"mul_symbol": "dot"}
    d = Derivation(
        "All activations linear: the 3-4-1 network is a linear model",
        diagram=net,
        intro="The lecture's network without biases: three inputs, four hidden units, one output, and the "
              "linear activation $g(z) = z$ in every layer.",
        conclusion="Linear model! Whatever the hidden layer, linear activations give "
                   "$f(X) = w'_1 \\cdot x_1 + w'_2 \\cdot x_2 + w'_3 \\cdot x_3$.",
    )

    def column(entries):
        return Transpose(ImmutableMatrix([entries]))

    d.define(X, column(net.inputs()), "the inputs as one vector")
    d.define(w1, column([notation.w(k, 1, 1) for k in (1, 2, 3)]), "the weights into hidden unit 1")
    d.define(w2, column([notation.w(j, 1, 2) for j in (1, 2, 3, 4)]), "the weights into the output")
    d.define(a1, column([notation.a(j, 1) for j in (1, 2, 3, 4)]), "the hidden layer's activations")
    d.define(notation.a(1, 1), g(DotProduct(w1, X)), "hidden unit 1", **dot)
    d.step(notation.a(1, 1), Sum(notation.WeightAt(_i, 1, 1) * notation.InputAt(_i), (_i, 1, 3)),
           "with $g(z) = z$", same_line=True, **dot)
    for unit in range(2, 5):
        d.define(notation.a(unit, 1), Sum(notation.WeightAt(_i, unit, 1) * notation.InputAt(_i), (_i, 1, 3)),
                 f"hidden unit {unit}, the same way", **dot)
    label = notation.label("Output")
    d.define(label, output, "the output unit", **dot)
    d.define(output, g(DotProduct(w2, a1)), "", same_line=True, **dot)
    d.step(output, Sum(notation.WeightAt(_j, 1, 2) * notation.ActivationAt(_j, 1), (_j, 1, 4)),
           "with $g(z) = z$", same_line=True, **dot)
    for k in (1, 2, 3):
        d.define(notation.w_prime(k), Sum(notation.WeightAt(k, _j, 1) * notation.OutputWeightAt(_j, 2), (_j, 1, 4)),
                 "name the coefficient of each input", **dot)
    f = notation.network_function("f")
    d.define(f(X), output, "the network as a function", **dot)
    nested = Sum(notation.OutputWeightAt(_j, 2) * Sum(notation.WeightAt(_i, _j, 1) * notation.InputAt(_i), (_i, 1, 3)),
                 (_j, 1, 4))
    d.step(output, nested, "substitute the hidden units", same_line=True, **dot)
    result = collapse(net)
    d.step(output, result.model(), "collect the coefficient of each input", same_line=True, **dot)
    swapped = Sum(Sum(notation.WeightAt(_i, _j, 1) * notation.OutputWeightAt(_j, 2), (_j, 1, 4)) * notation.InputAt(_i),
                  (_i, 1, 3))
    d.step(output, swapped, "the same sum with the order of summation exchanged", **dot)
    d.step(notation.w_prime(1), result.weights[0], "$w'_1$ written out", **dot)
    return d


def collapse_block() -> Derivation:
    """The general collapse with biases in block form, for every size, depths 2 and 3, and with g(z) = 3z + 1."""
    d = Derivation(
        "Linear layers collapse for every size: the block form",
        intro="For any sizes $n_0, \\ldots, n_L$ and linear activations, "
              "$f(x) = (W^{[1]} \\cdots W^{[L]})^T x + \\sum_{j=1}^{L} (W^{[j+1]} \\cdots W^{[L]})^T b^{[j]}$. "
              "Each line below is checked by SymPy's matrix algebra with symbolic sizes.",
        conclusion="An affine activation $g(z) = s z + t$ only rescales each factor and adds multiples of the all-ones column to the bias: "
                   "the network still collapses.",
    )
    for depth in (2, 3):
        net = Network([1] * (depth + 1), activation="linear")
        lhs, rhs = block_identity(net, symbolic=True)
        d.step(lhs, rhs, f"$L = {depth}$: multiply out, $(AB)^T = B^T A^T$")
    affine = Network([1, 1, 1], activation=Activation.from_expr(3 * z + 1, name="3z+1"))
    lhs, rhs = block_identity(affine, symbolic=True)
    d.step(lhs, rhs, "$L = 2$ with $g(z) = 3z + 1$ ($\\mathbf{1}$ is the all-ones column)")
    return d


def tanh_sigmoid() -> Derivation:
    """tanh(z) = 2σ(2z) − 1, and a tanh layer as a sigmoid layer with rescaled weights and biases."""
    sigma = get("sigmoid")
    tanh_act = get("tanh")
    unit = Neuron(2, "tanh")
    layer = unit.layer
    doubled = Add(*[2 * layer.weight(k, 1) * layer.input(k) for k in (1, 2)], 2 * layer.bias_term(1))
    hidden = [notation.variable(f"u_{j}") for j in (1, 2)]
    out_w = [notation.w(j, 1, 2) for j in (1, 2)]
    out_b = notation.b(1, 2)
    d = Derivation(
        "$\\tanh$ is a rescaled sigmoid",
        intro="What is the difference between tanh and the sigmoid? Only a rescaling of input and output. "
              "Below, $u_1$ and $u_2$ are the total inputs $z$ of two tanh units feeding one output unit with "
              "weights $w_{11}^{[2]}, w_{21}^{[2]}$ and bias $b_1^{[2]}$.",
        conclusion="A tanh layer computes what a sigmoid layer with doubled weights and biases computes, "
                   "up to a change of the next layer's weights and bias: the two networks represent the same functions.",
    )
    t = z
    d.step(tanh(t), (exp(t) - exp(-t)) / (exp(t) + exp(-t)), "definition of tanh")
    d.step(tanh(t), 2 / (1 + exp(-2 * t)) - 1, "divide by $e^z$, write $1 = 2 - 1$")
    d.step(tanh(t), 2 * sigma(2 * t) - 1, "$\\sigma(2z) = 1/(1 + e^{-2z})$")
    d.step(tanh_act(unit.z()), 2 * sigma(doubled) - 1, "a tanh unit is a sigmoid unit with doubled weights and bias")
    lhs = Add(*[w * (2 * sigma(u) - 1) for w, u in zip(out_w, hidden)], out_b)
    rhs = Add(*[(2 * w) * sigma(u) for w, u in zip(out_w, hidden)], out_b - out_w[0] - out_w[1])
    d.step(lhs, rhs, "the next layer absorbs the factor 2 and the shift $-1$")
    return d


def sigmoid_derivative() -> Derivation:
    """σ'(z) = σ(z)(1 − σ(z))."""
    sigma = get("sigmoid")
    e = exp(-z)
    d = Derivation(
        "The derivative of the sigmoid",
        intro="The sigmoid is smooth and its derivative is written with the sigmoid itself, which makes training cheap.",
        conclusion="The derivative is largest, $1/4$, at $z = 0$ and vanishes for large $|z|$.",
    )
    d.step(Derivative(sigma(z), z), Derivative((1 + e) ** -1, z), "$\\sigma(z) = (1 + e^{-z})^{-1}$")
    d.step(Derivative(sigma(z), z), e / (1 + e) ** 2, "chain rule")
    d.step(Derivative(sigma(z), z), Mul(UnevaluatedExpr(1 / (1 + e)), UnevaluatedExpr(e / (1 + e)), evaluate=False),
           "split the fraction", order="none")
    d.step(Derivative(sigma(z), z), Mul(sigma(z), 1 - sigma(z), evaluate=False),
           "$e^{-z}/(1 + e^{-z}) = 1 - \\sigma(z)$", order="none")
    d.step(Subs(Derivative(sigma(z), z), z, 0), Rational(1, 4), "at $z = 0$: $\\sigma(0) = 1/2$")
    return d


def decision_rule() -> Derivation:
    """σ(z) ≥ 1/2 ⇔ z ≥ 0: the neuron's decision boundary is w·x + b = 0."""
    sigma = get("sigmoid")
    half = Rational(1, 2)
    d = Derivation(
        "The decision rule: predict 1 when $\\sigma(z) \\geq 1/2$",
        intro="Reading $\\sigma(z)$ as the probability of class 1, the neuron predicts 1 when that probability is at least $1/2$.",
        conclusion="So the prediction is 1 exactly when $z = w \\cdot x + b \\geq 0$: the decision boundary is the hyperplane $w \\cdot x + b = 0$.",
    )
    d.step(sigma(z) >= half, 1 / (1 + exp(-z)) >= half, "definition of σ", relation="iff", variable=z)
    d.step(1 / (1 + exp(-z)) >= half, 1 + exp(-z) <= 2, "both sides positive: take reciprocals", relation="iff", variable=z)
    d.step(1 + exp(-z) <= 2, exp(-z) <= 1, "subtract 1", relation="iff", variable=z)
    d.step(exp(-z) <= 1, -z <= 0, "the exponential is increasing, $e^0 = 1$", relation="iff", variable=z)
    d.step(-z <= 0, z >= 0, "multiply by $-1$", relation="iff", variable=z)
    return d


def perceptron() -> Derivation:
    """The perceptron fires when the total input reaches the threshold θ: a step with bias b = −θ."""
    unit = Neuron(3, "step")
    layer = unit.layer
    theta = notation.variable("theta")
    total = Add(*[layer.weight(k, 1) * layer.input(k) for k in (1, 2, 3)])
    a1, z1 = layer.a_symbol(1), layer.z_symbol(1)
    d = Derivation(
        "The perceptron's firing rule",
        intro="A neuron fires only if the total signal it receives reaches a threshold θ; firing is all or nothing.",
        conclusion="A perceptron is a neuron with the step activation, its bias the negative of the threshold.",
    )
    d.define(a1, Piecewise((1, total >= theta), (0, True)), "fires (1) iff the total input reaches θ, else 0")
    d.step(a1, Piecewise((1, total - theta >= 0), (0, True)), "move θ to the left")
    d.define(layer.bias_term(1), -theta, "the bias is minus the threshold")
    d.define(z1, unit.z(), "the neuron's $z$")
    d.step(a1, Piecewise((1, z1 >= 0), (0, True)), "the total input minus θ is z")
    d.step(a1, unit.activation(z1), "the step activation with threshold 0")
    return d


def _point_tex(point) -> str:
    """(−1/5, −5/3) as LaTeX: real minus signs and fractions."""
    printer = SymnnLatexPrinter()
    return "(" + ", ".join(printer.doprint(value) for value in point) + ")"


def sigmoid_non_collapse() -> Derivation:
    """A sigmoid network is not linear: exact weights and inputs x, y with f(x + y) + f(0) ≠ f(x) + f(y)."""
    net = Network([2, 2, 1], activation="sigmoid")
    witness = find_witness(net)
    f = notation.network_function()
    x_s, y_s = notation.variable("x"), notation.variable("y")
    output, inputs = net.output(1), net.inputs()
    points = {
        f(x_s): witness.x,
        f(y_s): witness.y,
        f(x_s + y_s): tuple(p + q for p, q in zip(witness.x, witness.y)),
        f(Integer(0)): (Integer(0), Integer(0)),
    }
    d = Derivation(
        "A sigmoid network does not collapse",
        intro="Every affine $f$ satisfies $f(x + y) + f(0) = f(x) + f(y)$. Take the 2-2-1 sigmoid network with "
              f"the exact weights below, $x = {_point_tex(witness.x)}$ and $y = {_point_tex(witness.y)}$.",
        given=dict(witness.params),
        conclusion="The two sides differ, so no choice of $w'$ and $b'$ can make this network a linear model: "
                   "the nonlinear activation is what gives hidden layers their power.",
    )
    for value, point in points.items():
        d.define(value, output.xreplace(dict(zip(inputs, point))), f"the network at ${_point_tex(point)}$")
    difference = Add(f(x_s + y_s), f(Integer(0)), -f(x_s), -f(y_s), evaluate=False)
    d.step(difference, Float(witness.difference.evalf(30), 10), "its value, to ten digits: not 0",
           relation="approx", tolerance=Rational(1, 10**9), order="none")
    return d


CATALOG: dict[str, Callable[[], Derivation]] = {
    "neuron": neuron,
    "logistic-regression": logistic_regression,
    "sigmoid-example": sigmoid_example,
    "layer-matrix": layer_matrix,
    "linear-collapse-3-4-1": linear_collapse_341,
    "collapse-block-form": collapse_block,
    "tanh-sigmoid": tanh_sigmoid,
    "sigmoid-derivative": sigmoid_derivative,
    "decision-rule": decision_rule,
    "perceptron": perceptron,
    "sigmoid-non-collapse": sigmoid_non_collapse,
    **catalog_backprop.CATALOG,
    **catalog_softmax.CATALOG,
}


def names() -> list[str]:
    return list(CATALOG)


def build(name: str) -> Derivation:
    """The catalog entry ``name``; an unknown name is an error that lists the known ones."""
    if name not in CATALOG:
        raise InvalidArgumentError(f"unknown derivation {name!r}; known: {', '.join(CATALOG)}")
    return CATALOG[name]()
