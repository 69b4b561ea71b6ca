"""Backpropagation's formulas in the lecture's notation: the errors δ_i^{[j]} = ∂L/∂z_i^{[j]} and every ∂L/∂w, ∂L/∂b.

At the output δ_i^{[L]} = ∂ℓ/∂a · g′(z) (a − y for a sigmoid with cross-entropy); below it
δ_i^{[j]} = g^{[j]}′(z_i^{[j]}) Σ_m w_{im}^{[j+1]} δ_m^{[j+1]}; then ∂L/∂w_{ki}^{[j]} = a_k^{[j−1]} δ_i^{[j]}
and ∂L/∂b_i^{[j]} = δ_i^{[j]}. The loss of one sample is L = Σ_i ℓ(a_i^{[L]}, y_i); a batch's loss
is the mean over its samples. ``verify()`` checks every formula against ``sympy.diff`` of the
whole loss (symbolic for small networks, at random rational points beyond). The numeric path
(symnn.numeric.gradients) compiles these same formulas.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from sympy import (
    Add,
    Derivative,
    Expr,
    Float,
    HadamardProduct,
    Interval,
    MatAdd,
    MatMul,
    MatrixSymbol,
    Mul,
    Rational,
    S,
    Sum,
    Symbol,
    Transpose,
    cancel,
    diff,
    exp,
    factor,
    log,
    together,
)

from sympy.printing.pretty.stringpict import prettyForm

from symnn.config import current
from symnn.core import guards, notation
from symnn.core.activations import G, LOSSES, Y, Activation, z
from symnn.core.network import Network
from symnn.core.softmax import Softmax, in_exponentials
from symnn.errors import InvalidArgumentError
from symnn.math.derivation import Step, StepCheck, Verification
from symnn.math.equality import SYMBOLIC, Check, check_equal, points_method, random_rational, vanishes

A = notation.variable("a")  # a unit's activation a = g(z), in the formulas shared with the numeric path
LOSS = Symbol("L")
EVALF_PRECISION = 2000  # digits evalf may work with to give every digit asked for (σ(800) − 1 ≈ −e^{−800})

# What the output's values must lie in for a loss to be defined (log needs 0 < a < 1)
LOSS_DOMAINS = {"bce": Interval.open(0, 1)}
LOSS_WORDS = {
    "bce": "binary cross-entropy $\\ell(a, y) = -y \\log a - (1 - y) \\log(1 - a)$",
    "squared_error": "the halved squared error $\\ell(a, y) = (a - y)^2/2$",
    "mse": "the halved squared error $\\ell(a, y) = (a - y)^2/2$ (mse)",
    "cross_entropy": "the categorical cross-entropy $L = -\\sum_i y_i \\log a_i$",
}
# The losses a softmax output takes: cross_entropy (δ = a − y), or the squared error through softmax's Jacobian
SOFTMAX_LOSSES = ("cross_entropy", "squared_error", "mse")


# Other names for a loss, as users write them: "ce" (and "categorical_cross_entropy") is cross_entropy
LOSS_ALIASES = {"ce": "cross_entropy", "categorical_cross_entropy": "cross_entropy"}


def loss_name(loss, network: Network | None = None) -> str:
    """The loss's own name: an alias resolved, "auto" the cross-entropy that fits ``network``'s output
    (cross_entropy after softmax, else bce); anything else as given (check_loss judges it)."""
    if loss == "auto" and network is not None:
        return "cross_entropy" if network.layers[-1].activation.is_vector else "bce"
    return LOSS_ALIASES.get(loss, loss) if isinstance(loss, str) else loss


def check_loss(loss: str, output: Activation | Softmax) -> None:
    """Refuse an unknown loss, or a loss after a g whose values are not known to lie where the loss is defined.

    cross_entropy −Σ_i y_i log a_i is a loss only when the a_i are probabilities summing to 1 (a softmax
    output); a softmax output takes cross_entropy or the squared error, not bce (which is for one σ unit).
    """
    if not isinstance(loss, str) or loss not in LOSSES:
        raise InvalidArgumentError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)} "
                                   "(mse is squared_error: ½(a − y)² per output, averaged over the samples)")
    if output.is_vector:
        if loss not in SOFTMAX_LOSSES:
            raise InvalidArgumentError(f"a softmax output takes loss 'cross_entropy' (−Σ_i y_i log a_i) or "
                                       f"'squared_error', not {loss!r}; bce is for sigmoid outputs")
        return
    if loss == "cross_entropy":
        raise InvalidArgumentError(f"cross_entropy (−Σ_i y_i log a_i) needs a softmax output layer, whose a_i are "
                                   f"probabilities summing to 1, not {output.name}; make the output layer softmax, "
                                   "or use bce for sigmoid outputs")
    domain = LOSS_DOMAINS.get(loss)
    if domain is None:
        return
    values = output.range  # decided from g, not from its name; None when SymPy cannot find it in time
    if values is None or values.is_subset(domain) is not True:
        found = "an unknown set" if values is None else values
        raise InvalidArgumentError(
            f"binary cross-entropy needs a sigmoid output layer (or one whose values lie in {domain}: "
            f"its log needs 0 < a < 1), not {output.name} with values in {found}; "
            "use loss='squared_error' or a sigmoid output")


def derivative_in_a(activation: Activation) -> Expr | None:
    """g′ written in a = g(z) where that form is known (σ′ = a(1 − a), tanh′ = 1 − a²), else None."""
    known = activation.derivative_in_g
    return None if known is None else known.xreplace({G: A})


def output_delta(loss: str, output: Activation, stable: bool = False) -> Expr:
    """δ = ∂ℓ/∂z at the output, in a, z and y: ∂ℓ/∂a · g′(z), simplified (a − y for σ with cross-entropy).

    ``stable`` takes g′ in the activation's stable form where it is not written in a (the same
    function, checked when the record was made), as NumPy needs it."""
    check_loss(loss, output)
    if output.is_vector:
        return softmax_output_delta(loss)
    in_a = derivative_in_a(output)
    slope = in_a if in_a is not None else (output.numeric_derivative if stable else output.derivative)
    delta = diff(LOSSES[loss](A, Y), A) * slope
    if in_a is not None:
        delta = factor(delta)  # a(1 − a) cancels the 1/(a(1 − a)) of cross-entropy: no 0/0 at saturation
    if output.expr == z:
        delta = delta.xreplace({A: z})  # for the identity a is z: the lecture writes z − y
    return delta


def softmax_output_delta(loss: str) -> Expr:
    """δ_i^{[L]} after a softmax output, in a = a_i, y = y_i: a − y for the cross-entropy.

    ∂L/∂z_i = Σ_m ∂L/∂a_m · a_m([m = i] − a_i) = a_i Σ_m y_m − y_i, which is a_i − y_i because the
    targets are probabilities (Σ_m y_m = 1, as one-hot labels are). The squared error has no such
    formula in a_i alone (δ_i = a_i((a_i − y_i) − Σ_m a_m(a_m − y_m)): see ``loss_slope``)."""
    if loss != "cross_entropy":
        raise InvalidArgumentError(f"after a softmax output, δ_i for {loss!r} depends on every a_m "
                                   "(softmax's Jacobian a_i([i = m] − a_m)); only cross_entropy gives δ = a − y")
    return A - Y


def loss_slope(loss: str) -> Expr:
    """∂ℓ/∂a of one output's term, in a and y (−y/a for the cross-entropy, a − y for the squared error)."""
    return diff(LOSSES[loss](A, Y), A)


FORMS = ("rule", "sum", "expanded")


@dataclass(frozen=True)
class Claim:
    """One formula backpropagation states: ``lhs = rhs``, which parameter (or z) it differentiates by."""

    lhs: Expr
    rhs: Expr
    kind: str  # "delta", "weight" or "bias"
    layer: int
    unit: int
    source: int = 0  # k of w_{ki}


class BackpropRules:
    """The backpropagation formulas of a network and a loss, in the lecture's notation, and their checks.

    (symnn.math.backprop.Backprop adds the derivations: the rules and a worked example.)

    >>> bp = BackpropRules(Network([2, 2, 1], activation="sigmoid"), loss="bce")
    >>> bp.delta(2, 1)
    a1[2] - y
    """

    def __init__(self, network: Network, loss: str = "auto"):
        if not isinstance(network, Network):
            raise InvalidArgumentError(f"backprop needs a symnn Network, not {type(network).__name__}")
        loss = loss_name(loss, network)  # "auto", as train does: the cross-entropy that fits the output
        check_loss(loss, network.layers[-1].activation)
        guards.check(network.n_params, f"backpropagation's checked formulas for {network!r}",
                     setting="backprop_parameters", unit="parameters",
                     alternative="use symnn.compile and symnn.train for the numbers (the same formulas)")
        guards.check(network.depth, f"backpropagation's checked formulas for {network!r}", setting="backprop_layers",
                     unit="layers", alternative="use symnn.compile and symnn.train for the numbers (the same formulas)")
        self.network, self.loss = network, loss

    # --- symbols ------------------------------------------------------------------
    @property
    def n_outputs(self) -> int:
        return self.network.sizes[-1]

    def target(self, i: int) -> Expr:
        """y for one output, y_i for several."""
        return notation.y() if self.n_outputs == 1 else notation.y(i)

    def targets(self) -> list[Expr]:
        return [self.target(i) for i in range(1, self.n_outputs + 1)]

    def loss_expr(self, outputs=None) -> Expr:
        """L = Σ_i ℓ(a_i^{[L]}, y_i) for one sample, in the output symbols (or the given outputs)."""
        last = self.network.layers[-1]
        outputs = [last.a_symbol(i) for i in range(1, last.n_out + 1)] if outputs is None else outputs
        return Add(*[LOSSES[self.loss](a, y) for a, y in zip(outputs, self.targets())])

    def _check_unit(self, j: int, i: int) -> None:
        layer = self.network.layer(j)
        if not isinstance(i, int) or isinstance(i, bool) or not 1 <= i <= layer.n_out:
            raise InvalidArgumentError(f"unit index i must be 1..{layer.n_out} in layer {j}, not {i!r}")

    def _check_form(self, form: str) -> None:
        if form not in FORMS:
            raise InvalidArgumentError(f"form must be one of {', '.join(FORMS)}, not {form!r}")

    def g_prime(self, j: int, i: int) -> Expr:
        """g^{[j]}′(z_i^{[j]}), in a_i^{[j]} where the activation's record has that form (σ′ = a(1 − a))."""
        layer = self.network.layer(j)
        in_a = derivative_in_a(layer.activation)
        if in_a is not None:
            return in_a.xreplace({A: layer.a_symbol(i)})
        return layer.activation.derivative.xreplace({z: layer.z_symbol(i)})

    # --- the formulas -------------------------------------------------------------------
    def delta(self, j: int, i: int, form: str = "rule") -> Expr:
        """δ_i^{[j]} = ∂L/∂z_i^{[j]}: from the loss at the output, else from the next layer's δ.

        ``form``: ``"rule"`` (the next layer's δ, written out), ``"sum"`` (Σ_m over them) or
        ``"expanded"`` (in the inputs, weights, biases and targets; small networks only).
        """
        self._check_form(form)
        self._check_unit(j, i)
        if form == "expanded":
            return self._expanded(self.delta(j, i, "rule"))
        net = self.network
        if j == net.depth:
            last = net.layers[-1]
            if self.softmax and self.loss != "cross_entropy":
                return self.jacobian_delta(i)
            return output_delta(self.loss, last.activation).xreplace(
                {A: last.a_symbol(i), z: last.z_symbol(i), Y: self.target(i)})
        above = net.layer(j + 1)
        if form == "sum":
            m = Symbol("m", integer=True, positive=True)
            layer = notation.layer_value(j + 1)
            total = Sum(notation.WeightAt(i, m, layer) * notation.DeltaAt(m, layer), (m, 1, above.n_out))
        else:
            total = Add(*[above.weight(i, m) * notation.delta(m, j + 1) for m in range(1, above.n_out + 1)])
        return self.g_prime(j, i) * total

    @property
    def softmax(self) -> bool:
        """Whether the output layer is softmax (each a_i depends on every z_m of the layer)."""
        return self.network.layers[-1].activation.is_vector

    def jacobian_delta(self, i: int) -> Expr:
        """δ_i^{[L]} by softmax's Jacobian: Σ_m ∂ℓ/∂a_m · a_m([m = i] − a_i) (for any loss; a_i − y_i for the
        cross-entropy once Σ_m y_m = 1)."""
        if not self.softmax:
            raise InvalidArgumentError(f"the Jacobian route is for a softmax output; {self.network!r} ends in "
                                       f"{self.network.layers[-1].activation.name}, whose a_i depends on z_i alone")
        last = self.network.layers[-1]
        self._check_unit(self.network.depth, i)
        slope = loss_slope(self.loss)
        a_i = last.a_symbol(i)
        terms = []
        for m in range(1, last.n_out + 1):
            a_m = last.a_symbol(m)
            share = Add(1, Mul(-1, a_i, evaluate=False), evaluate=False) if m == i else Mul(-1, a_i, evaluate=False)
            terms.append(Mul(slope.xreplace({A: a_m, Y: self.target(m)}), a_m, share, evaluate=False))
        return Add(*terms, evaluate=False)

    def target_constraint(self) -> dict:
        """{y_K: 1 − Σ_{m<K} y_m} for the cross-entropy after softmax, whose targets are probabilities; else {}."""
        if not (self.softmax and self.loss == "cross_entropy"):
            return {}
        ys = self.targets()
        return {ys[-1]: 1 - Add(*ys[:-1])}

    def dw(self, j: int, k: int, i: int, form: str = "rule") -> Expr:
        """∂L/∂w_{ki}^{[j]} = a_k^{[j−1]} δ_i^{[j]} (x_k in the first layer)."""
        self._check_form(form)
        self._check_unit(j, i)
        layer = self.network.layer(j)
        source = layer.input(k) if j == 1 else self.network.layer(j - 1).a_symbol(k)
        if form == "rule":
            return source * notation.delta(i, j)
        if form == "sum":
            return source * self.delta(j, i, "sum")
        return self._expanded(source * notation.delta(i, j))

    def db(self, j: int, i: int, form: str = "rule") -> Expr:
        """∂L/∂b_i^{[j]} = δ_i^{[j]}."""
        self._check_form(form)
        if not self.network.layer(j).has_bias:
            raise InvalidArgumentError(f"layer {j} of {self.network!r} has no biases")
        self._check_unit(j, i)
        return notation.delta(i, j) if form == "rule" else self.delta(j, i, form)

    def block(self) -> list[tuple[Expr, Expr, str]]:
        """The block form for any sizes: δ^{[L]}, the recursion, ∂L/∂W^{[j]}, ∂L/∂b^{[j]} (lhs, rhs, reason)."""
        delta_L = notation.matrix("delta", notation.size("L"), 1, "L")
        a_L = notation.matrix("a", notation.size("L"), 1, "L")
        y = notation.matrix("y", notation.size("L"), 1)
        lines = []
        if self._output_delta_is_a_minus_y():
            lines.append((delta_L, MatAdd(a_L, -y), "at the output, every unit at once"))
        delta_j = notation.matrix("delta", notation.size("j"), 1, "j")
        above = notation.matrix("delta", notation.size("j+1"), 1, "j+1")
        weights = notation.matrix("W", notation.size("j"), notation.size("j+1"), "j+1")
        if self.network.depth > 1:  # one layer has no recursion
            lines.append((delta_j, HadamardProduct(MatMul(weights, above), DerivativeColumn("gprime_j", notation.size("j"), 1)),
                          "the recursion, every unit of layer $j$ at once ($\\odot$: entry by entry)"))
        a_below = notation.matrix("a", notation.size("j-1"), 1, "j-1")
        lines.append((Derivative(LOSS, notation.matrix("W", notation.size("j-1"),
                                                       notation.size("j"), "j")),
                      MatMul(a_below, Transpose(delta_j)), "every weight of layer $j$: an outer product"))
        if self.network.has_bias:
            lines.append((Derivative(LOSS, notation.matrix("b", notation.size("j"), 1, "j")), delta_j,
                          "every bias of layer $j$"))
        return lines

    def _output_delta_is_a_minus_y(self) -> bool:
        if self.softmax:
            return self.loss == "cross_entropy"
        return output_delta(self.loss, self.network.layers[-1].activation) in (A - Y, z - Y)

    def claims(self) -> list[Claim]:
        """Every δ, ∂L/∂w and ∂L/∂b of the network, in the rule form, top layer first."""
        net = self.network
        out = []
        for j in range(net.depth, 0, -1):
            layer = net.layer(j)
            for i in range(1, layer.n_out + 1):
                out.append(Claim(notation.delta(i, j), self.delta(j, i), "delta", j, i))
            for i in range(1, layer.n_out + 1):
                for k in range(1, layer.n_in + 1):
                    out.append(Claim(Derivative(LOSS, layer.weight(k, i)), self.dw(j, k, i), "weight", j, i, k))
                if layer.has_bias:
                    out.append(Claim(Derivative(LOSS, layer.bias_term(i)), self.db(j, i), "bias", j, i))
        return out

    # --- expansion in the inputs ----------------------------------------------------------
    def _forward(self, sources=None, values: dict | None = None, nudge=None, floats: bool = False) -> list[list[Expr]]:
        """z and a of every layer in terms of the inputs (or of ``values`` substituted), top layer last.

        ``nudge = (j, i, ε)`` adds ε to z_i^{[j]}, so that ∂L/∂z_i^{[j]} = dL/dε at ε = 0.
        Returns [[z…], [a…]] pairs per layer, index 0 the inputs (a only).
        """
        net = self.network
        current_a = list(net.inputs()) if sources is None else list(sources)
        if values:
            current_a = [v.xreplace(values) if isinstance(v, Expr) else v for v in current_a]
        layers = [([], current_a)]
        for layer in net.layers:
            zs, activations = [], []
            for i in range(1, layer.n_out + 1):
                if values:  # the numbers put in term by term: no symbolic z built, then substituted
                    terms = [values.get(layer.weight(k, i), layer.weight(k, i)) * source
                             for k, source in enumerate(current_a, start=1)]
                    bias = values.get(layer.bias_term(i), layer.bias_term(i)) if layer.has_bias else S.Zero
                    value = Add(*terms, bias)
                else:
                    value = layer.unit_z(i, current_a)
                if values:
                    if not value.free_symbols and (floats or not value.is_Rational):
                        # a number that is not rational: 60 digits, so the units above stay small
                        value = Float(value.evalf(current().numeric_digits), current().numeric_digits)
                if nudge is not None and nudge[0] == layer.index and nudge[1] == i:
                    value = value + nudge[2]
                zs.append(value)
                if not layer.activation.is_vector:
                    activations.append(layer.activation(value))
            if layer.activation.is_vector:
                activations = layer.activation.column(zs)
            if floats:  # a = g(z) at a number as a 60-digit float: evalf of exact e^{r} towers is what costs
                activations = [_as_float(a) for a in activations]
            layers.append((zs, activations))
            current_a = activations
        return layers

    @cached_property
    def _symbolic_forward(self) -> list:
        sizes = self.network.sizes
        guards.check(guards.nested_terms(sizes), f"backpropagation through {self.network!r} in terms of its inputs",
                     setting="unit_terms", alternative="use the rule or Σ form, or symnn.compile for numbers")
        return self._forward()

    def loss_at(self, values: dict, nudge=None, floats: bool = False) -> Expr:
        """The whole loss with ``values`` put in (whatever they leave out stays a symbol); with ``floats``
        every number it passes through is a ``numeric_digits`` float (for checks at random points)."""
        forward = self._forward(values=values, nudge=nudge, floats=floats)
        targets = {y: values[y] for y in self.targets() if y in values}
        if self.softmax and self.loss == "cross_entropy":
            # the same L, with log a_i = z_i − log Σ_m e^{z_m}: its sympy.diff is a third of the work of log(e^z/Σ)
            scores = forward[-1][0]
            log_total = log(Add(*[exp(score) for score in scores]))
            return Add(*[-y * (score - log_total) for y, score in zip(self.targets(), scores)]).xreplace(targets)
        return self.loss_expr(forward[-1][1]).xreplace(targets)

    def _substitutions(self, forward: list, deltas: dict) -> dict:
        subs = dict(deltas)
        for j, (zs, activations) in enumerate(forward[1:], start=1):
            layer = self.network.layer(j)
            for i, (zv, av) in enumerate(zip(zs, activations), start=1):
                subs[layer.z_symbol(i)] = zv
                subs[layer.a_symbol(i)] = av
        return subs

    @cached_property
    def _expanded_deltas(self) -> dict:
        """δ_i^{[j]} in terms of the inputs, each from the rule with the layer above already expanded."""
        forward = self._symbolic_forward
        deltas: dict = {}
        for j in range(self.network.depth, 0, -1):
            subs = self._substitutions(forward, deltas)
            for i in range(1, self.network.layer(j).n_out + 1):
                deltas[notation.delta(i, j)] = self.delta(j, i).xreplace(subs)
        return deltas

    def _expanded(self, expr: Expr) -> Expr:
        return expr.xreplace(self._substitutions(self._symbolic_forward, self._expanded_deltas))

    # --- checking against sympy.diff ---------------------------------------------------------
    def truth(self, claim: Claim) -> Expr:
        """What sympy.diff of the whole loss says the claim's left side is, in terms of the inputs."""
        if claim.kind == "delta":
            epsilon = Symbol("epsilon")
            forward = self._forward(nudge=(claim.layer, claim.unit, epsilon))
            return diff(self.loss_expr(forward[-1][1]), epsilon).xreplace({epsilon: 0})
        return diff(self.loss_expr(self._symbolic_forward[-1][1]), claim.lhs.variables[0])

    def check(self, claim: Claim, seed: int = 0) -> Check:
        """A claim against sympy.diff of the whole loss: symbolic for small networks, else at random points."""
        if self.softmax and claim.kind == "delta" and claim.layer == self.network.depth:
            check = self._check_softmax_delta(claim, seed)
        elif self.softmax:  # symbolic equality of nested exponentials is slow to decide (5 s for 2-3): at points
            check = self._check_at_points(claim, seed)
        elif self.network.n_params <= current().backprop_symbolic_parameters:
            given = self.target_constraint()  # Σ y = 1, without which a − y is not ∂L/∂z
            check = check_equal(self._expanded(claim.rhs).xreplace(given), self.truth(claim).xreplace(given),
                                seed=seed)
        else:
            check = self._check_at_points(claim, seed)
        return Check(check.holds, f"against sympy.diff of the whole loss, {check.method}", check.detail)

    def _check_softmax_delta(self, claim: Claim, seed: int = 0) -> Check:
        """δ_i^{[L]} after softmax against sympy.diff of L(softmax(z^{[L]})) by z_i^{[L]}, symbolically in the
        output layer's z and the targets (with Σ y = 1 for the cross-entropy): a proof for every network."""
        last = self.network.layers[-1]
        us, outputs = in_exponentials(last.n_out)  # a_i = u_i / Σ_m u_m with u = e^z, and ∂/∂z_i = u_i ∂/∂u_i
        chosen = us[claim.unit - 1]
        truth = chosen * diff(self.loss_expr(outputs), chosen)
        claimed = claim.rhs.xreplace({last.a_symbol(m): value for m, value in enumerate(outputs, start=1)})
        difference = (claimed - truth).xreplace(self.target_constraint())
        if cancel(together(difference)) == 0:
            return Check(True, SYMBOLIC)
        rng = random.Random(seed)  # not identically 0: exact at positive rational u (e^z > 0), to say where
        values = {u: Rational(rng.randint(1, 9), rng.randint(1, 5)) for u in us}
        values.update({y: random_rational(rng) for y in difference.free_symbols - set(us)})
        return Check(False, "exactly, in u_m = e^{z_m}", f"differs by {difference.xreplace(values)} at {values}")

    def _check_at_points(self, claim: Claim, seed: int = 0) -> Check:
        """Claim and sympy.diff evaluated with random rational weights, inputs and targets: only the quantity
        differentiated by stays a symbol, so this scales to any network the rules themselves can hold."""
        exact = True
        points = self._points
        for values, internal in points:
            zero, decided_exactly, difference = self.compare_at(claim, values, internal)
            exact = exact and decided_exactly
            if not zero:
                return Check(False, points_method(len(points), decided_exactly), f"differs by {difference}")
        return Check(True, points_method(len(points), exact))

    def compare_at(self, claim: Claim, values: dict, internal=None) -> tuple[bool, bool, Expr]:
        """(equal, decided exactly, difference) of the claim's value by the rules and sympy.diff of the whole
        loss, at one point (``values`` for every weight, bias, input and target)."""
        numbers, approximated = internal if internal is not None else self._exact_numbers(values)
        floats = internal is not None and internal[1] is FLOATED
        claimed = claim.rhs.xreplace(numbers)
        if claim.kind == "delta":
            epsilon = Symbol("epsilon")
            true = diff(self.loss_at(values, nudge=(claim.layer, claim.unit, epsilon), floats=floats),
                        epsilon).xreplace({epsilon: 0})
        else:
            free = claim.lhs.variables[0]
            kept = {s: v for s, v in values.items() if s != free}
            at = Float(values[free], current().numeric_digits) if floats else values[free]
            true = diff(self.loss_at(kept, floats=floats), free).xreplace({free: at})
        zero, decided_exactly = vanishes(claimed - true)
        return zero, decided_exactly and not approximated and not floats, claimed - true

    @cached_property
    def _points(self) -> list:
        """The random points every claim of a large network is checked at, with the rules' numbers there."""
        rng = random.Random(0)
        points = []
        for _ in range(current().random_points):
            values = self._random_values(rng)
            numbers, _ = self._exact_numbers(values)
            # small random rationals lose no digits to cancellation at 60: floats make each point ~10× cheaper
            points.append((values, ({s: _as_float(v) for s, v in numbers.items()}, FLOATED)))
        return points

    def _random_values(self, rng: random.Random) -> dict:
        net = self.network
        symbols = [*net.params(), *net.inputs()]
        values = {s: random_rational(rng) for s in symbols}
        for y in self.targets():  # a target a loss accepts: in (0, 1) for cross-entropy
            values[y] = Rational(rng.randint(1, 9), 10) if self.loss == "bce" else random_rational(rng)
        if self.target_constraint():  # class probabilities, summing to 1
            weights = [rng.randint(1, 9) for _ in self.targets()]
            for y, weight in zip(self.targets(), weights):
                values[y] = Rational(weight, sum(weights))
        return values

    def numbers(self, values: dict) -> dict:
        """Every z, a and δ of the network at the given weights, biases, inputs and targets, by the rules.

        Rational where the arithmetic stays rational (linear, ReLU, squared error), else a decimal
        of ``numeric_digits`` significant digits (symnn.settings), computed before anything is
        rounded for print — relative digits, so a saturated σ′ ≈ e^{−800} keeps them all.
        """
        return self._presented(self._exact_numbers(values))

    def gradient_values(self, values: dict) -> dict:
        """∂L/∂θ for every weight and bias θ at the given values (weights, biases, inputs, targets), by the rules."""
        internal = self._exact_numbers(values)
        gradients = {claim.lhs.variables[0]: claim.rhs for claim in self.claims() if claim.kind != "delta"}
        return self._presented(internal, gradients)

    def _exact_numbers(self, values: dict) -> tuple[dict, set]:
        """(values, approximated): each a = g(z) kept exact in its z, each z and δ exact or a 60-digit
        rational (listed in ``approximated``), so no cancellation such as 1 − σ(800) loses digits."""
        missing = [str(s) for s in [*self.network.params(), *self.network.inputs(), *self.targets()]
                   if s not in values]
        if missing:
            raise InvalidArgumentError(f"numbers need a value for every weight, bias, input and target; "
                                       f"missing: {', '.join(missing[:8])}{' …' if len(missing) > 8 else ''}")
        numbers = dict(values)
        approximated: set = set()

        def settle(symbol, formula: Expr) -> None:
            value = formula.xreplace(numbers)
            if not value.is_Rational:
                value = Rational(value.evalf(current().numeric_digits, maxn=EVALF_PRECISION))
                approximated.add(symbol)
            numbers[symbol] = value

        net = self.network
        self._check_targets(values)
        for layer in net.layers:
            for i in range(1, layer.n_out + 1):
                settle(layer.z_symbol(i), layer.unit_z(i))
            scores = [numbers[layer.z_symbol(i)] for i in range(1, layer.n_out + 1)]
            outputs = layer.activation.column(scores) if layer.activation.is_vector else map(layer.activation, scores)
            for i, value in enumerate(outputs, start=1):
                numbers[layer.a_symbol(i)] = value
        for j in range(net.depth, 0, -1):
            for i in range(1, net.layer(j).n_out + 1):
                settle(notation.delta(i, j), self.delta(j, i))
        return numbers, approximated

    def _check_targets(self, values: dict) -> None:
        """The cross-entropy's targets are probabilities: each in [0, 1], summing to 1 (one-hot for a class)."""
        if not self.target_constraint():
            return
        ys = [values[y] for y in self.targets()]
        if any(not (0 <= y <= 1) for y in ys) or Add(*ys) != 1:
            shown = ", ".join(str(y) for y in ys)
            raise InvalidArgumentError(f"the cross-entropy's targets y are class probabilities: each from 0 to 1, "
                                       f"summing to 1 (one-hot, such as 0, 1, 0, for a class), not {shown}")

    def _presented(self, internal: tuple[dict, set], formulas: dict | None = None) -> dict:
        numbers, approximated = internal
        digits = current().numeric_digits
        formulas = formulas if formulas is not None else {s: s for s in numbers}
        out = {}
        for symbol, formula in formulas.items():
            value = formula.xreplace(numbers)
            exact = value.is_Rational and not (formula.free_symbols & approximated) and symbol not in approximated
            out[symbol] = value if exact else Float(value.evalf(digits, maxn=EVALF_PRECISION), digits)
        return out

    def updated(self, values: dict, lr) -> dict:
        """One step of gradient descent, θ ← θ − η ∂L/∂θ, for every weight and bias (the old values in the rules)."""
        rate = as_number(lr, "the learning rate η")
        return {theta: values[theta] - rate * gradient for theta, gradient in self.gradient_values(values).items()}

    def verify(self):
        """Check every δ, ∂L/∂w and ∂L/∂b against sympy.diff of the whole loss; a Verification like a derivation's.

        A network checked at points (more than ``backprop_symbolic_parameters`` parameters) has at most
        ``backprop_checked_claims`` of its formulas checked, a random sample with every layer and kind
        in it, and the report says how many of how many.
        """
        claims = self.claims()
        small = self.network.n_params <= current().backprop_symbolic_parameters
        chosen = claims if small else checked_sample(claims, current().backprop_checked_claims)
        results = []
        for number, claim in enumerate(chosen, start=1):
            step = Step(claim.lhs, claim.rhs, _claim_words(claim))
            results.append(StepCheck(number, step, self.check(claim, seed=number)))
        sampled = "" if len(chosen) == len(claims) else f" ({len(chosen)} of its {len(claims)} formulas, at random)"
        return Verification(f"backpropagation through {self.network!r} with {self.loss}{sampled}", tuple(results))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.network!r}, loss={self.loss!r})"


# The "approximated" set of numbers that are all floats (checks at random points), so compare_at floats the
# whole-loss side too
FLOATED = frozenset({Symbol("every number")})


def _as_float(value: Expr) -> Expr:
    """A number that is not rational as a numeric_digits float; rationals and symbolic values as they are."""
    if value.is_Rational or value.free_symbols:
        return value
    digits = current().numeric_digits
    return Float(value.evalf(digits, maxn=EVALF_PRECISION), digits)


def checked_sample(claims: list[Claim], limit: int, seed: int = 0) -> list[Claim]:
    """All claims when there are at most ``limit``, else a random sample with every (layer, kind) in it."""
    if len(claims) <= limit:
        return claims
    rng = random.Random(seed)
    groups: dict = {}
    for claim in claims:
        groups.setdefault((claim.layer, claim.kind), []).append(claim)
    chosen = {id(rng.choice(group)): None for group in groups.values()}
    rest = [c for c in claims if id(c) not in chosen]
    for claim in rng.sample(rest, max(0, limit - len(chosen))):
        chosen[id(claim)] = None
    return [c for c in claims if id(c) in chosen]


NUMBER_RANGE = 10**300  # numbers a worked example takes: |x| ≤ 10^300 and, unless 0, ≥ 10^−300
NUMBER_CHARACTERS = 100


def as_number(value, what: str) -> Expr:
    """A number as typed, exactly: 0.15 is 3/20 (via its decimal text), 1/3 stays 1/3; never a parsed formula.

    Refused: text longer than NUMBER_CHARACTERS, and magnitudes beyond 10^±300 (where the network's
    numbers stop being printable or checkable)."""
    if isinstance(value, bool):
        raise InvalidArgumentError(f"{what} must be a number, not {value!r}")
    if isinstance(value, Expr) and value.is_Rational:
        number = value
    elif isinstance(value, (int, Fraction)):
        number = Rational(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise InvalidArgumentError(f"{what} must be a finite number, not {value}")
        number = Rational(repr(value))
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > NUMBER_CHARACTERS or not _NUMBER_TEXT.fullmatch(text):
            raise InvalidArgumentError(f"{what} must be a number such as 0.15, -2 or 1/3, not {value[:40]!r}")
        mantissa, _, exponent = text.lower().partition("e")
        if exponent and abs(int(exponent)) > 400:
            raise InvalidArgumentError(f"{what} = {text} is beyond 10^±300, the numbers a worked example takes")
        try:
            number = Rational(Fraction(text))
        except (ValueError, ZeroDivisionError):
            raise InvalidArgumentError(f"{what} must be a number such as 0.15, -2 or 1/3, not {value!r}") from None
    else:
        raise InvalidArgumentError(f"{what} must be a number, not {type(value).__name__}")
    if abs(number) > NUMBER_RANGE or (number != 0 and abs(number) < Rational(1, NUMBER_RANGE)):
        raise InvalidArgumentError(f"{what} is beyond 10^±300, the numbers a worked example takes")
    return number


_NUMBER_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,6})?(/[+-]?\d+)?")


def _claim_words(claim: Claim) -> str:
    if claim.kind == "delta":
        return f"the error of unit {claim.unit} of layer {claim.layer}"
    if claim.kind == "weight":
        return f"the gradient of weight ({claim.source}, {claim.unit}) of layer {claim.layer}"
    return f"the gradient of bias {claim.unit} of layer {claim.layer}"


class DerivativeColumn(MatrixSymbol):
    """g^{[j]}′(z^{[j]}): the column of every unit's g′ in layer j, for the block form."""

    def _latex(self, printer) -> str:
        layer = str(self.args[0]).removeprefix("gprime_")
        return f"g^{{[{layer}]\\prime}}(z^{{[{layer}]}})"

    def _pretty(self, printer):
        layer = str(self.args[0]).removeprefix("gprime_")
        return prettyForm("g⁽ʲ⁾′(z⁽ʲ⁾)" if layer == "j" else f"g[{layer}]′(z[{layer}])")

    def _mathml_presentation(self, printer):
        layer = str(self.args[0]).removeprefix("gprime_")
        slope = printer.element("msup", printer.element("mi", text="g"),
                                printer.row(printer.mo("[", stretchy="false"), printer.element("mi", text=layer),
                                            printer.mo("]", stretchy="false"), printer.mo("′")))
        column = printer._print(notation.matrix("z", self.rows, 1, layer))
        return printer.row(slope, printer._parens(column))
