"""Backpropagation as Derivations: the rules of a network (elementwise, then block form, then the update),
and a worked example with numbers at every step.

Every line of the rules is checked against sympy.diff of the whole loss (through the
step's oracle, since ∂L/∂z is not something a substitution of definitions can check);
every number of the worked example is computed exactly or to ``numeric_digits`` digits
and only then rounded for print, and its gradients are compared with sympy.diff there.
"""

from __future__ import annotations

import random

from sympy import Add, Derivative, MatMul, Matrix, Mul, Symbol, Transpose

from symnn.config import current
from symnn.core import notation
from symnn.core.printing import latex
from symnn.math.backprop import LOSS, LOSS_WORDS, Backprop, Claim
from symnn.math.derivation import Derivation
from symnn.math.equality import Check, check_equal, vanishes
from symnn.render.derivation import UPDATE

SHOWN_UNITS = 4  # units of a layer whose δ is written out; the others follow the same rule (all are checked)
ETA = Symbol("eta", positive=True)


def _combined(checks: list[Check]) -> Check:
    """All of ``checks`` as one: holds when each does, described by the weakest method used."""
    failing = [c for c in checks if not c.holds]
    if failing:
        return failing[0]
    order = {"definition": 0, "proof": 1, "decimal": 2, "points": 3}
    return max(checks, key=lambda c: order[c.kind])


def rules(bp: Backprop) -> Derivation:
    """δ, ∂L/∂w and ∂L/∂b of every layer, top down, then the block form and the update rule; each checked."""
    net = bp.network
    last = net.depth
    derivation = Derivation(
        f"Backpropagation through {net!r}",
        intro=(f"One sample's loss is $L = \\sum_i \\ell(a_i^{{[{last}]}}, y_i)$ with {LOSS_WORDS[bp.loss]}. "
               "The error of unit $i$ in layer $j$ is $\\delta_i^{[j]} = \\partial L / \\partial z_i^{[j]}$: "
               "at the output it comes from the loss, below it from the errors of the layer above (the chain "
               "rule), and every gradient is what a parameter multiplies times the error it feeds. Each line is "
               "checked against sympy.diff of the whole loss."),
        conclusion=("Gradient descent moves every weight and bias against its gradient; "
                    "symnn.train computes exactly these formulas, compiled to NumPy."),
    )
    derivation.define(LOSS, bp.loss_expr(), "the loss of one sample")
    claims = bp.claims()
    for j in range(last, 0, -1):
        _layer_rules(derivation, bp, j, [c for c in claims if c.layer == j])
    _block_rules(derivation, bp)
    _update_rule(derivation, bp)
    return derivation


def _layer_rules(derivation: Derivation, bp: Backprop, j: int, claims: list[Claim]) -> None:
    net = bp.network
    layer = net.layer(j)
    deltas = [c for c in claims if c.kind == "delta"]
    for claim in deltas[:SHOWN_UNITS]:
        i = claim.unit
        derivation.define(claim.lhs, Derivative(LOSS, layer.z_symbol(i)), _delta_reason(bp, j, i))
        derivation.step(claim.lhs, _display_rule(bp, j, i), _delta_check_reason(bp, j),
                        same_line=True, order="none", oracle=lambda c=claim: bp.check(c, seed=_seed(c)))
    if len(deltas) > SHOWN_UNITS:
        rest = deltas[SHOWN_UNITS:]
        i = Symbol("i", integer=True, positive=True)
        derivation.step(notation.DeltaAt(i, j), _sum_rule(bp, j, i),
                        f"units {SHOWN_UNITS + 1} to {layer.n_out} the same way",
                        oracle=lambda r=rest: _combined([bp.check(c, seed=_seed(c)) for c in r]))
    k, i = Symbol("k", integer=True, positive=True), Symbol("i", integer=True, positive=True)
    layer_j = notation.layer_value(j)
    source = notation.InputAt(k) if j == 1 else notation.ActivationAt(k, notation.layer_value(j - 1))
    weights = [c for c in claims if c.kind == "weight"]
    derivation.step(Derivative(LOSS, notation.WeightAt(k, i, layer_j)), source * notation.DeltaAt(i, layer_j),
                    f"every weight of layer {j}: the input it multiplies times the error of the unit it feeds "
                    f"($k = 1, \\ldots, {layer.n_in}$; $i = 1, \\ldots, {layer.n_out}$)",
                    oracle=lambda: _combined([bp.check(c, seed=_seed(c)) for c in weights]))
    biases = [c for c in claims if c.kind == "bias"]
    if biases:
        derivation.step(Derivative(LOSS, notation.BiasAt(i, layer_j)), notation.DeltaAt(i, layer_j),
                        f"every bias of layer {j}: a weight on a constant input 1",
                        oracle=lambda: _combined([bp.check(c, seed=_seed(c)) for c in biases]))


def _seed(claim: Claim) -> int:
    return claim.layer * 10_000 + claim.unit * 100 + claim.source


def _delta_reason(bp: Backprop, j: int, i: int) -> str:
    return f"the error of unit {i} in layer {j}"


def _delta_check_reason(bp: Backprop, j: int) -> str:
    net = bp.network
    if j < net.depth:
        return (f"chain rule: $z_i^{{[{j}]}}$ reaches the loss only through layer {j + 1}, "
                f"$\\partial z_m^{{[{j + 1}]}} / \\partial z_i^{{[{j}]}} = w_{{im}}^{{[{j + 1}]}} g^{{[{j}]\\prime}}(z_i^{{[{j}]}})$")
    output = net.layers[-1].activation
    if bp._output_delta_is_a_minus_y() and bp.loss == "bce":
        return "$\\partial \\ell / \\partial a \\cdot g'(z)$: $\\sigma' = a(1 - a)$ cancels the cross-entropy's denominator"
    return f"$\\partial \\ell / \\partial a \\cdot g'(z)$ for {output.name}"


def _display_rule(bp: Backprop, j: int, i: int):
    """The rule as a teacher writes it: g′ first, then the sum over the units above in order."""
    net = bp.network
    if j == net.depth:
        return bp.delta(j, i)
    above = net.layer(j + 1)
    total = Add(*[Mul(above.weight(i, m), notation.delta(m, j + 1), evaluate=False)
                  for m in range(1, above.n_out + 1)], evaluate=False)
    g_prime = bp.g_prime(j, i)
    factors = _written_factors(g_prime, net.layer(j).a_symbol(i))
    return Mul(*factors, total, evaluate=False) if above.n_out > 1 else Mul(*factors, *total.args[0].args,
                                                                             evaluate=False)


def _written_factors(g_prime, a_symbol) -> list:
    """a(1 − a) as a, then (1 − a); any other g′ as it is."""
    if g_prime == a_symbol * (1 - a_symbol):
        return [a_symbol, Add(1, -a_symbol, evaluate=False)]
    if g_prime == 1:
        return []
    return [g_prime]


def _sum_rule(bp: Backprop, j: int, i: Symbol):
    """δ_i^{[j]} = g′(z_i^{[j]}) Σ_m w_{im}^{[j+1]} δ_m^{[j+1]} for a symbolic unit i (the Σ form)."""
    from sympy import Sum

    net = bp.network
    above = net.layer(j + 1)
    m = Symbol("m", integer=True, positive=True)
    layer_above = notation.layer_value(j + 1)
    total = Sum(notation.WeightAt(i, m, layer_above) * notation.DeltaAt(m, layer_above), (m, 1, above.n_out))
    g_prime = net.layer(j).activation.derivative_in_g
    a_i = notation.ActivationAt(i, notation.layer_value(j))
    factor = (g_prime.xreplace({g_prime.free_symbols.pop(): a_i}) if g_prime is not None and g_prime.free_symbols
              else net.layer(j).activation.derivative)
    return factor * total


def _block_rules(derivation: Derivation, bp: Backprop) -> None:
    """The block form, for every size; each line checked entry by entry for this network's sizes."""
    for lhs, rhs, reason in bp.block():
        derivation.step(lhs, rhs, reason + " (checked entry by entry for this network)",
                        oracle=lambda lhs=lhs: _block_check(bp, lhs))
    n = Symbol("N", integer=True, positive=True)
    big_a = notation.matrix("A", n, notation.size("j-1"), "j-1")
    big_delta = notation.matrix("Delta", n, notation.size("j"), "j")
    derivation.step(Derivative(LOSS, notation.matrix("W", notation.size("j-1"), notation.size("j"), "j")),
                    MatMul(1 / n, Transpose(big_a), big_delta),
                    "for a batch of $N$ samples $L$ is the mean loss, so each gradient is the mean of the samples' "
                    "gradients; row $n$ of $A^{[j-1]}$ and $\\Delta^{[j]}$ holds sample $n$'s $a^{[j-1]}$ and "
                    "$\\delta^{[j]}$ (checked at two random samples)",
                    oracle=lambda: _batch_check(bp))


def _block_check(bp: Backprop, lhs) -> Check:
    """A block line against the elementwise rules, which are themselves checked against sympy.diff."""
    net = bp.network
    checks = []
    text = latex(lhs)
    for j in range(1, net.depth + 1):
        layer = net.layer(j)
        deltas = Matrix([notation.delta(i, j) for i in range(1, layer.n_out + 1)])
        sources = Matrix(layer.inputs() if j == 1 else [net.layer(j - 1).a_symbol(k) for k in range(1, layer.n_in + 1)])
        if text.startswith("\\frac{\\partial L}{\\partial W"):
            claimed = sources * deltas.T
            rules = Matrix([[bp.dw(j, k, i) for i in range(1, layer.n_out + 1)] for k in range(1, layer.n_in + 1)])
        elif text.startswith("\\frac{\\partial L}{\\partial b"):
            if not layer.has_bias:
                continue
            claimed, rules = deltas, Matrix([bp.db(j, i) for i in range(1, layer.n_out + 1)])
        elif "[j]" in text and j < net.depth:
            above = net.layer(j + 1)
            below_deltas = Matrix([notation.delta(m, j + 1) for m in range(1, above.n_out + 1)])
            g_prime = Matrix([bp.g_prime(j, i) for i in range(1, layer.n_out + 1)])
            claimed = (above.W() * below_deltas).multiply_elementwise(g_prime)
            rules = Matrix([bp.delta(j, i) for i in range(1, layer.n_out + 1)])
        elif "[j]" not in text and j == net.depth:
            outputs = Matrix([layer.a_symbol(i) for i in range(1, layer.n_out + 1)])
            claimed = outputs - Matrix(bp.targets())
            rules = Matrix([bp.delta(j, i) for i in range(1, layer.n_out + 1)])
        else:
            continue
        checks.append(check_equal(claimed, rules))
    return _combined(checks) if checks else Check(False, "nothing to compare", "no layer of this network")


def _batch_check(bp: Backprop) -> Check:
    """The batch gradient (mean of the samples' a δ) against sympy.diff of the mean loss, at random numbers."""
    rng = random.Random(7)
    net = bp.network
    params = net.params()
    base = bp._random_values(rng)
    samples = [bp._random_values(rng) for _ in range(2)]
    weights = {s: base[s] for s in params}
    checks = []
    chosen = params if len(params) <= 12 else rng.sample(params, 12)
    for theta in chosen:
        claimed = sum(bp.gradient_values({**sample, **weights})[theta] for sample in samples) / 2
        kept = {s: v for s, v in weights.items() if s != theta}
        losses = []
        for sample in samples:
            values = {**{s: sample[s] for s in sample if s not in params}, **kept}
            losses.append(bp.loss_at(values))
        true = Derivative(Add(*losses) / 2, theta).doit().xreplace({theta: weights[theta]})
        zero, exact = vanishes(claimed - true)
        how = "evaluated exactly" if exact else f"evaluated to {current().numeric_digits} digits"
        checks.append(Check(zero, f"against sympy.diff of the mean loss of two random samples, {how}"))
    return _combined(checks)


def _update_rule(derivation: Derivation, bp: Backprop) -> None:
    theta = Symbol("theta")
    derivation.step(theta, theta - ETA * Derivative(LOSS, theta),
                    "gradient descent with learning rate $\\eta$, for every weight and bias $\\theta$ "
                    "(for a batch, $L$ is the mean loss)", relation=UPDATE)
    derivation.step(Derivative(LOSS, ETA), _descent_rate(bp),
                    "how $L$ changes along that step at $\\eta = 0$, with $\\lVert \\nabla L \\rVert^2$ the sum of "
                    "every $(\\partial L / \\partial \\theta)^2$: never up, so a small enough $\\eta$ lowers the loss "
                    "(checked at random numbers)", oracle=lambda: _descent_check(bp))


class GradientNormSquared(Symbol):
    """‖∇L‖², the sum of the squares of every ∂L/∂θ (display of the descent rate)."""

    def _latex(self, printer) -> str:
        return r"\lVert \nabla L \rVert^{2}"

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm
        return prettyForm("‖∇L‖²")


def _descent_rate(bp: Backprop):
    return -GradientNormSquared("gradient_norm_squared", positive=True)


def _descent_check(bp: Backprop) -> Check:
    """d/dη L(θ − η ∇L) at η = 0 equals −Σ (∂L/∂θ)², with sympy at random numbers."""
    rng = random.Random(11)
    values = bp._random_values(rng)
    gradients = bp.gradient_values(values)
    eta = Symbol("eta")
    moved = {theta: values[theta] - eta * gradient for theta, gradient in gradients.items()}
    rate = Derivative(bp.loss_at({**values, **moved}), eta).doit().xreplace({eta: 0})
    zero, exact = vanishes(rate + Add(*[g ** 2 for g in gradients.values()]))
    how = "evaluated exactly" if exact else f"evaluated to {current().numeric_digits} digits"
    return Check(zero, f"with sympy.diff at random numbers, {how}")

