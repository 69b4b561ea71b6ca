"""Backpropagation formulas derived by SymPy, then compiled structurally (matrix products + lambdified pieces).

At the output δ^{[L]} = ∂L/∂z^{[L]} = ∂L/∂a · g′(z), with ∂L/∂a differentiated by
SymPy and g′ the same factor the hidden layers use, taken from the activation's
record (σ′ = a(1 − a), softplus′ = σ in its stable form), so the output cannot
overflow where a hidden layer would not; where g′ is written in a the product is
cancelled (binary cross-entropy after a sigmoid gives a − y). For the layers below,
δ^{[j]} = (δ^{[j+1]} W^{[j+1]T}) ⊙ g^{[j]}′(z^{[j]}), and
∂L/∂W^{[j]} = A^{[j−1]T} δ^{[j]} / N, ∂L/∂b^{[j]} = mean of δ^{[j]}.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sympy import Expr, Interval, diff, factor, simplify

from symnn.core import notation
from symnn.core.activations import G, LOSSES, Y, Activation, z
from symnn.core.network import Network
from symnn.errors import InvalidArgumentError
from symnn.numeric.compile import CompiledNetwork, numpy_function
from symnn.numeric.params import Params

A = notation.variable("a")  # the unit's activation a = g(z)

# What the output activation's values must lie in for a loss to be defined (log needs 0 < a < 1)
LOSS_DOMAINS = {"bce": Interval.open(0, 1)}


def check_loss(loss: str, output: Activation) -> None:
    """Refuse an unknown loss, or a loss after a g whose values are not known to lie where the loss is defined."""
    if loss not in LOSSES:
        raise InvalidArgumentError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    domain = LOSS_DOMAINS.get(loss)
    if domain is None:
        return
    values = output.range  # decided from g, not from its name; None when SymPy cannot find it in time
    if values is None or values.is_subset(domain) is not True:
        found = "an unknown set" if values is None else values
        raise InvalidArgumentError(
            f"binary cross-entropy needs a sigmoid output layer (or one whose values lie in {domain}: "
            f"its log needs 0 < a < 1), not {output.name} with values in {found}; "
            "use loss='mse' or a sigmoid output")


def derivative_factor(activation: Activation) -> Expr:
    """g′(z) in terms of a = g(z) where the record knows that form (σ′ = a(1 − a)), else in z, stably."""
    if activation.derivative_in_g is not None:
        return activation.derivative_in_g.xreplace({G: A})
    return activation.numeric_derivative


def output_delta(loss: str, output: Activation) -> Expr:
    """δ = ∂L/∂z at the output: ∂L/∂a · g′(z) in terms of a, z and y (a − y for sigmoid + cross-entropy)."""
    check_loss(loss, output)
    delta = diff(LOSSES[loss](A, Y), A) * derivative_factor(output)
    if output.derivative_in_g is not None:
        delta = factor(delta)  # a(1 − a) cancels against the 1/(a(1 − a)) of cross-entropy: no 0/0 at saturation
    if output.expr == z:
        delta = delta.xreplace({A: z})  # for the identity a is z; the lecture writes z − y
    return delta


def loss_value_expression(loss: str, output: Activation) -> tuple[Expr, bool]:
    """(expression, in_z): the loss as NumPy should evaluate it, in z when the record has a stable form, else in a."""
    stable = output.stable_loss(loss)
    if stable is not None:
        return stable, True
    return LOSSES[loss](A, Y), False


@dataclass(frozen=True)
class Gradient:
    """∂L/∂W^{[j]} and ∂L/∂b^{[j]} for j = 1..L, and the loss, for one batch."""

    dW: list
    db: list
    loss: float


class CompiledGradient:
    """The loss and its gradient for a network, from SymPy's formulas compiled to NumPy."""

    def __init__(self, compiled: CompiledNetwork, loss: str = "bce"):
        if not isinstance(compiled, CompiledNetwork):
            raise InvalidArgumentError("CompiledGradient needs a compiled network (symnn.compile(net)), "
                                       f"not {type(compiled).__name__}")
        if not isinstance(loss, str):
            raise InvalidArgumentError(f"loss must be one of {', '.join(LOSSES)}, not {loss!r}")
        network = compiled.network
        output = network.layers[-1].activation
        check_loss(loss, output)
        self.compiled, self.loss = compiled, loss
        self.delta_formula = output_delta(loss, output)
        self._delta = numpy_function(self.delta_formula, (A, z, Y))
        self.factor_formulas = [derivative_factor(layer.activation) for layer in network.layers]
        self._factors = [numpy_function(f, (A, z)) for f in self.factor_formulas]
        expression, self._loss_in_z = loss_value_expression(loss, output)
        self._loss = numpy_function(expression, (A if not self._loss_in_z else z, Y))

    def loss_value(self, A_L: np.ndarray, Z_L: np.ndarray, y: np.ndarray) -> float:
        per_sample = self._loss(Z_L if self._loss_in_z else A_L, y)
        return float(np.sum(np.broadcast_to(per_sample, A_L.shape)) / A_L.shape[0])

    def __call__(self, X, y, params: Params) -> Gradient:
        trace = self.compiled.trace(X, params)
        targets = np.asarray(y, dtype=trace.A[-1].dtype).reshape(trace.A[-1].shape)
        n = targets.shape[0]
        delta = np.broadcast_to(self._delta(trace.A[-1], trace.Z[-1], targets), targets.shape)
        dW, db = [], []
        for j in range(len(trace.Z), 0, -1):
            dW.append(trace.A[j - 1].T @ delta / n)
            db.append(delta.mean(axis=0))
            if j > 1:
                g_prime = self._factors[j - 2](trace.A[j - 1], trace.Z[j - 2])
                delta = (delta @ params.W(j).T) * g_prime
        return Gradient(dW[::-1], db[::-1], self.loss_value(trace.A[-1], trace.Z[-1], targets))


def neuron_gradient(network: Network, loss: str = "bce") -> dict:
    """∂L/∂w_k and ∂L/∂b of a one-layer network by SymPy differentiation of the whole loss, simplified.

    For a sigmoid unit with cross-entropy this gives (a − y) x_k and (a − y).
    """
    if network.depth != 1:
        raise InvalidArgumentError("neuron_gradient is for a one-layer network; use CompiledGradient for deeper ones")
    layer = network.layers[0]
    a_symbol = layer.a_symbol(1)
    result = {}
    for i in range(1, layer.n_out + 1):
        total = LOSSES[loss](layer.unit_a(i), Y)
        for p in [layer.weight(k, i) for k in range(1, layer.n_in + 1)] + ([layer.bias_term(i)] if layer.has_bias else []):
            derivative = diff(total, p).xreplace({layer.unit_a(i): a_symbol})
            result[p] = simplify(derivative)
    return result
