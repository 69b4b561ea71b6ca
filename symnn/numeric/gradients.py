"""Backpropagation compiled: symnn.math.backprop_rules' formulas as matrix products and lambdified pieces.

The output's δ^{[L]} = ∂ℓ/∂a · g′(z) is ``output_delta`` itself (a − y for a sigmoid with
cross-entropy), and each hidden layer's g′ the same factor the rules print (σ′ = a(1 − a)),
else the activation's stable g′. Below the output, the block form of the rules, one row per
sample: Δ^{[j]} = (Δ^{[j+1]} W^{[j+1]T}) ⊙ g^{[j]}′(Z^{[j]}), ∂L/∂W^{[j]} = A^{[j−1]T} Δ^{[j]} / N
and ∂L/∂b^{[j]} = the mean of the rows of Δ^{[j]}. tests/test_backprop.py compares the two.

A softmax output couples its units: with the cross-entropy ``output_delta`` is again a − y; with
the squared error δ goes through softmax's Jacobian ∂a_m/∂z_i = a_m([m = i] − a_i), so
δ_i = a_i (g_i − Σ_m g_m a_m) with g = ∂ℓ/∂a from ``loss_slope``. The cross-entropy's value is
−Σ_i y_i log a_i with log a_i = z_i − log Σ_m e^{z_m} (log-sum-exp), finite for any finite z.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sympy import Expr, diff, log, simplify

from symnn.core import notation
from symnn.core.activations import LOSSES, Y, Activation, z
from symnn.core.network import Network
from symnn.core.softmax import SOFTMAX
from symnn.errors import InvalidArgumentError
from symnn.math.backprop_rules import A, check_loss, derivative_in_a, loss_slope, output_delta
from symnn.numeric.compile import CompiledNetwork, numpy_function
from symnn.numeric.params import Params
from symnn.numeric.softmax import log_softmax_rows

LOG_A = notation.variable("log_a")  # log a_i, which NumPy computes as a log-softmax, never as log of a rounded a

def derivative_factor(activation: Activation) -> Expr:
    """g′ as NumPy evaluates it: in a = g(z) where the record knows that form (σ′ = a(1 − a), the rule's own
    factor), else the stable g′ in z."""
    in_a = derivative_in_a(activation)
    return in_a if in_a is not None else activation.numeric_derivative


def loss_value_expression(loss: str, output: Activation) -> tuple[Expr, bool]:
    """(expression, in_z): the loss as NumPy should evaluate it, in z when the record has a stable form, else in a."""
    stable = output.stable_loss(loss)
    if stable is not None:
        return stable, True
    return LOSSES[loss](A, Y), False


def softmax_loss_function(loss: str):
    """ℓ summed over the outputs and averaged over the rows, from (A, Z, Y) of a softmax output layer.

    A loss written in log a (the cross-entropy −y log a) is evaluated at the log-softmax of Z, so a
    probability that rounds to 0 still gives its true, finite −log a; any other in a itself.
    """
    expression = LOSSES[loss](A, Y)
    in_log = expression.xreplace({log(A): LOG_A})
    if A not in in_log.free_symbols:
        function = numpy_function(in_log, (LOG_A, Y))
        return lambda A_L, Z_L, y: _mean_total(function(log_softmax_rows(Z_L), y), A_L.shape)
    function = numpy_function(expression, (A, Y))
    return lambda A_L, Z_L, y: _mean_total(function(A_L, y), A_L.shape)


def softmax_delta_function(loss: str):
    """δ^{[L]} (N × K) from (A, Z, Y) of a softmax output: ``output_delta`` (a − y) for the cross-entropy,
    else through softmax's Jacobian, δ_i = Σ_m g_m a_m([m = i] − a_i) = a_i (g_i − Σ_m g_m a_m), g = ∂ℓ/∂a."""
    if loss == "cross_entropy":
        delta = numpy_function(output_delta(loss, SOFTMAX, stable=True), (A, z, Y))
        return lambda A_L, Z_L, y: np.broadcast_to(delta(A_L, Z_L, y), A_L.shape)
    slope = numpy_function(loss_slope(loss), (A, Y))

    def through_jacobian(A_L, Z_L, y):
        g = np.broadcast_to(slope(A_L, y), A_L.shape)
        return A_L * (g - (g * A_L).sum(axis=1, keepdims=True))
    return through_jacobian


def _mean_total(per_output, shape) -> float:
    return float(np.sum(np.broadcast_to(per_output, shape)) / shape[0])


@dataclass(frozen=True)
class Gradient:
    """∂L/∂W^{[j]} and ∂L/∂b^{[j]} for j = 1..L, and the loss, for one batch; ``deltas[j-1]`` is
    δ^{[j]} = ∂ℓ/∂z^{[j]}, one row per sample (the explorer shows them)."""

    dW: list
    db: list
    loss: float
    deltas: list = field(default_factory=list)


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
        # the g′ of every hidden layer (the output's own enters through δ^{[L]})
        self.factor_formulas = [derivative_factor(layer.activation) for layer in network.layers[:-1]]
        self._factors = [numpy_function(f, (A, z)) for f in self.factor_formulas]
        if output.is_vector:
            self.delta_formula = output_delta(loss, output, stable=True) if loss == "cross_entropy" else None
            self._output_delta = softmax_delta_function(loss)
            self._loss_value = softmax_loss_function(loss)
            return
        self.delta_formula = output_delta(loss, output, stable=True)
        delta = numpy_function(self.delta_formula, (A, z, Y))
        self._output_delta = lambda A_L, Z_L, y: np.broadcast_to(delta(A_L, Z_L, y), A_L.shape)
        expression, in_z = loss_value_expression(loss, output)
        value = numpy_function(expression, (z if in_z else A, Y))
        self._loss_value = lambda A_L, Z_L, y: _mean_total(value(Z_L if in_z else A_L, y), A_L.shape)

    def loss_value(self, A_L: np.ndarray, Z_L: np.ndarray, y: np.ndarray) -> float:
        """The batch's loss L: ℓ summed over the outputs, averaged over the rows."""
        return self._loss_value(A_L, Z_L, y)

    def __call__(self, X, y, params: Params) -> Gradient:
        trace = self.compiled.trace(X, params)
        targets = np.asarray(y, dtype=trace.A[-1].dtype).reshape(trace.A[-1].shape)
        n = targets.shape[0]
        delta = self._output_delta(trace.A[-1], trace.Z[-1], targets)
        dW, db, deltas = [], [], []
        for j in range(len(trace.Z), 0, -1):
            deltas.append(delta)
            dW.append(trace.A[j - 1].T @ delta / n)
            db.append(delta.mean(axis=0))
            if j > 1:
                g_prime = self._factors[j - 2](trace.A[j - 1], trace.Z[j - 2])
                delta = (delta @ params.W(j).T) * g_prime
        return Gradient(dW[::-1], db[::-1], self.loss_value(trace.A[-1], trace.Z[-1], targets), deltas[::-1])


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
