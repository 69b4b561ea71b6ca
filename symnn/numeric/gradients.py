"""Backpropagation formulas derived by SymPy, then compiled structurally (matrix products + lambdified pieces).

For the output layer δ^{[L]} = ∂L/∂z^{[L]} is differentiated and simplified by SymPy
(binary cross-entropy after a sigmoid gives a − y); for the layers below,
δ^{[j]} = (δ^{[j+1]} W^{[j+1]T}) ⊙ g^{[j]}′(z^{[j]}) with g′ from SymPy, and
∂L/∂W^{[j]} = A^{[j−1]T} δ^{[j]} / N, ∂L/∂b^{[j]} = mean of δ^{[j]}.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from sympy import Expr, diff, exp, lambdify, log, simplify
from sympy.codegen.numpy_nodes import logaddexp

from symnn.core import notation
from symnn.core.activations import G, Activation, get, z
from symnn.errors import InvalidArgumentError
from symnn.core.network import Network
from symnn.numeric.compile import CompiledNetwork
from symnn.numeric.params import Params

A = notation.variable("a")  # the unit's activation a = g(z)
Y = notation.variable("y")  # the target

LOSSES: dict[str, Callable[[Expr, Expr], Expr]] = {
    "bce": lambda a, y: -(y * log(a) + (1 - y) * log(1 - a)),  # binary cross-entropy
    "mse": lambda a, y: (a - y) ** 2 / 2,  # squared error, halved so its gradient is (a − y) g′(z)
}
# The loss as NumPy evaluates it, written in z where that is more stable; checked equal at import.
STABLE_LOSSES: dict[tuple[str, str], Expr] = {
    ("bce", "sigmoid"): logaddexp(0, z) - Y * z,
}


def check_loss(loss: str, output: Activation) -> None:
    if loss not in LOSSES:
        raise InvalidArgumentError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    if loss == "bce" and output.name != "sigmoid":
        raise InvalidArgumentError(
            f"binary cross-entropy needs a sigmoid output layer (its log needs 0 < a < 1), not {output.name}; "
            "use loss='mse' or a sigmoid output")


def loss_of_z(loss: str, output: Activation) -> Expr:
    """L(g(z), y) with g applied as the lecture writes it (σ(z)), ready for SymPy to differentiate."""
    return LOSSES[loss](output(z), Y)


def output_delta(loss: str, output: Activation) -> Expr:
    """δ = ∂L/∂z at the output, in terms of a = g(z), z and y, simplified (a − y for sigmoid + cross-entropy)."""
    check_loss(loss, output)
    derivative = diff(loss_of_z(loss, output), z)
    if output(z) != z:
        derivative = derivative.xreplace({output(z): A})
    return simplify(derivative)


# g′(z) for NumPy where SymPy's derivative would overflow: softplus′ = σ, in its stable form.
STABLE_DERIVATIVES: dict[str, Expr] = {"softplus": exp(-logaddexp(0, -z))}


def derivative_factor(activation: Activation) -> Expr:
    """g′(z) in terms of a = g(z) where SymPy's form allows (σ′ = a(1 − a)), else in z (stably)."""
    if activation.derivative_in_g is not None:
        return activation.derivative_in_g.xreplace({G: A})
    return STABLE_DERIVATIVES.get(activation.name, activation.derivative)


def loss_value_expression(loss: str, output: Activation) -> tuple[Expr, bool]:
    """(expression, in_z): the loss as NumPy should evaluate it, in z when a stable form exists, else in a."""
    stable = STABLE_LOSSES.get((loss, output.name))
    if stable is not None:
        return stable, True
    return LOSSES[loss](A, Y), False


def _check_stable_losses() -> None:
    for name, stable in STABLE_DERIVATIVES.items():
        if simplify(stable.rewrite(log).rewrite(exp) - get(name).derivative) != 0:
            raise RuntimeError(f"the stable derivative of {name} is not g′(z)")

    for (loss, name), stable in STABLE_LOSSES.items():
        plain = LOSSES[loss](get(name).expr, Y)
        if simplify((stable.rewrite(log) - plain).rewrite(exp).expand(force=True)) != 0:
            raise RuntimeError(f"the stable form of {loss} after {name} is not equal to the loss")


_check_stable_losses()


@dataclass(frozen=True)
class Gradient:
    """∂L/∂W^{[j]} and ∂L/∂b^{[j]} for j = 1..L, and the loss, for one batch."""

    dW: list
    db: list
    loss: float


class CompiledGradient:
    """The loss and its gradient for a network, from SymPy's formulas compiled to NumPy."""

    def __init__(self, compiled: CompiledNetwork, loss: str = "bce"):
        network = compiled.network
        output = network.layers[-1].activation
        check_loss(loss, output)
        self.compiled, self.loss = compiled, loss
        self.delta_formula = output_delta(loss, output)
        self._delta = lambdify((A, z, Y), self.delta_formula, modules="numpy")
        self.factor_formulas = [derivative_factor(layer.activation) for layer in network.layers]
        self._factors = [lambdify((A, z), f, modules="numpy") for f in self.factor_formulas]
        expression, self._loss_in_z = loss_value_expression(loss, output)
        self._loss = lambdify((A if not self._loss_in_z else z, Y), expression, modules="numpy")

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
                factor = self._factors[j - 2](trace.A[j - 1], trace.Z[j - 2])
                delta = (delta @ params.W(j).T) * factor
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
