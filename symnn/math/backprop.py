"""Backpropagation: the rules of a network as a checked Derivation (elementwise, then block form, then the update),
and a worked example with numbers at every step.

Every line of the rules is checked against sympy.diff of the whole loss (through the
step's oracle, since ∂L/∂z is not something a substitution of definitions can check);
every number of the worked example is computed exactly or to ``numeric_digits`` digits
and only then rounded for print, and its gradients are compared with sympy.diff there.
"""

from __future__ import annotations

import random
from decimal import Decimal, localcontext
from math import floor

import mpmath

from sympy import Add, Derivative, Float, MatMul, Matrix, Mul, Rational, Sum, Symbol, Transpose, log
from sympy.core.parameters import evaluate
from sympy.printing.pretty.stringpict import prettyForm

from symnn.config import current
from symnn.core import notation
from symnn.core.network import Network
from symnn.core.printing import latex
from symnn.errors import InvalidArgumentError
from symnn.math.backprop_rules import (A, EVALF_PRECISION, LOSS, LOSS_WORDS, BackpropRules, Claim, as_number,
                                      checked_sample, loss_slope)
from symnn.core.activations import Y
from symnn.math.derivation import Derivation
from symnn.math.equality import Check, check_equal, vanishes
from symnn.render.derivation import UPDATE
from symnn.render.layout import latex_width

SHOWN_UNITS = 4  # units of a layer whose δ is written out; the others follow the same rule (all are checked)
ETA = Symbol("eta", positive=True)


def _combined(checks: list[Check]) -> Check:
    """All of ``checks`` as one: holds when each does, described by the weakest method used."""
    failing = [c for c in checks if not c.holds]
    if failing:
        return failing[0]
    order = {"definition": 0, "proof": 1, "decimal": 2, "points": 3}
    return max(checks, key=lambda c: order[c.kind])


def rules(bp: BackpropRules) -> Derivation:
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
    derivation.define(LOSS, display_loss(bp), "the loss of one sample", order="none")
    claims = bp.claims()
    for j in range(last, 0, -1):
        _layer_rules(derivation, bp, j, [c for c in claims if c.layer == j])
    _block_rules(derivation, bp)
    _update_rule(derivation, bp)
    return derivation


def display_loss(bp: BackpropRules):
    """L as a textbook writes it: −y log a − (1 − y) log(1 − a), or ½(a − y)², output by output."""
    last = bp.network.layers[-1]
    terms = []
    for i in range(1, last.n_out + 1):
        a, y = last.a_symbol(i), bp.target(i)
        if bp.loss == "bce":
            terms += [Mul(-1, y, log(a), evaluate=False),
                      Mul(-1, Add(1, -y, evaluate=False), log(Add(1, -a, evaluate=False)), evaluate=False)]
        elif bp.loss == "cross_entropy":
            terms.append(Mul(-1, y, log(a), evaluate=False))
        else:
            terms.append(Mul(Rational(1, 2), Add(a, -y, evaluate=False) ** 2, evaluate=False))
    return Add(*terms, evaluate=False)


def block_rules(bp: BackpropRules) -> Derivation:
    """The block form alone (any depth), the batch mean and the update rule, checked on ``bp``'s network."""
    net = bp.network
    derivation = Derivation(
        "Backpropagation in block form, for any depth",
        intro=(f"Every layer at once: $\\delta^{{[j]}}$ is the column of the errors of layer $j$, "
               f"$g^{{[j]\\prime}}(z^{{[j]}})$ the column of its units' slopes. The lines hold for every depth "
               f"and size; symnn checks each entry by entry for {net!r}, whose layers have different activations, "
               f"against the elementwise rules (themselves checked against sympy.diff of the whole loss), with "
               f"{LOSS_WORDS[bp.loss]}."),
        conclusion=("Going down, each layer's errors are the layer above's, sent back through its weights and "
                    "scaled by the slopes; each weight's gradient is an outer product. This is the loop "
                    "symnn.train runs in NumPy, one matrix product per layer."),
    )
    _block_rules(derivation, bp)
    _update_rule(derivation, bp)
    return derivation


def _layer_rules(derivation: Derivation, bp: BackpropRules, j: int, claims: list[Claim]) -> None:
    net = bp.network
    layer = net.layer(j)
    deltas = [c for c in claims if c.kind == "delta"]
    shown = deltas if j == net.depth else deltas[:SHOWN_UNITS]  # an output's δ is one short line each
    for claim in shown:
        i = claim.unit
        derivation.define(claim.lhs, Derivative(LOSS, layer.z_symbol(i)), _delta_reason(j, i))
        if bp.softmax and j == net.depth and claim is deltas[0]:
            _softmax_route(derivation, bp, claim)
            continue
        why = _delta_check_reason(bp, j) if claim is deltas[0] else "likewise"
        derivation.step(claim.lhs, _display_rule(bp, j, i), why, same_line=True,
                        order="none" if j < net.depth else None, oracle=lambda c=claim: bp.check(c, seed=_seed(c)))
    if len(deltas) > len(shown):
        rest = deltas[SHOWN_UNITS:]
        i = Symbol("i", integer=True, positive=True)
        derivation.step(notation.DeltaAt(i, j), _sum_rule(bp, j, i),
                        f"units {SHOWN_UNITS + 1} to {layer.n_out} the same way",
                        oracle=lambda r=rest: _combined([bp.check(c, seed=_seed(c)) for c in _sampled(bp, r)]))
    k, i = Symbol("k", integer=True, positive=True), Symbol("i", integer=True, positive=True)
    layer_j = notation.layer_value(j)
    source = notation.InputAt(k) if j == 1 else notation.ActivationAt(k, notation.layer_value(j - 1))
    weights = [c for c in claims if c.kind == "weight"]
    derivation.step(Derivative(LOSS, notation.WeightAt(k, i, layer_j)),
                    Mul(source, notation.DeltaAt(i, layer_j), evaluate=False),
                    f"every weight of layer {j}: the input it multiplies times the error of the unit it feeds "
                    f"(${_index_range('k', layer.n_in)}$, ${_index_range('i', layer.n_out)}$)", order="none",
                    oracle=lambda: _combined([bp.check(c, seed=_seed(c)) for c in _sampled(bp, weights)]))
    biases = [c for c in claims if c.kind == "bias"]
    if biases:
        derivation.step(Derivative(LOSS, notation.BiasAt(i, layer_j)), notation.DeltaAt(i, layer_j),
                        f"every bias of layer {j}: a weight on a constant input 1",
                        oracle=lambda: _combined([bp.check(c, seed=_seed(c)) for c in _sampled(bp, biases)]))


def _softmax_route(derivation: Derivation, bp: BackpropRules, claim: Claim) -> None:
    """δ_i^{[L]} after softmax by its Jacobian, Σ_m ∂ℓ/∂a_m · a_m([m = i] − a_i), and for the cross-entropy
    on to a_i − y_i (the a_m cancel, then Σ_m y_m = 1); each line checked against sympy.diff."""
    last = bp.network.layers[-1]
    i, L = claim.unit, bp.network.depth
    a_i = last.a_symbol(i)

    def checked(rhs):
        return lambda: bp.check(Claim(claim.lhs, rhs, "delta", L, i), seed=_seed(claim))

    route = jacobian_display(bp, i)
    derivation.step(claim.lhs, route,
                    f"the chain rule through every output: softmax makes each $a_m^{{[{L}]}}$ depend on "
                    f"$z_{{{i}}}^{{[{L}]}}$, $\\partial a_m / \\partial z_{{{i}}} = a_m([m = {i}] - a_{{{i}}})$",
                    same_line=True, order="none", oracle=checked(route))
    if bp.loss != "cross_entropy":
        return
    ys = bp.targets()
    cancelled = Add(*[Mul(-1, y, Add(1, -a_i, evaluate=False), evaluate=False) if m == i else Mul(y, a_i, evaluate=False)
                      for m, y in enumerate(ys, start=1)], evaluate=False)
    derivation.step(claim.lhs, cancelled, "each $a_m$ cancels against the $1/a_m$ of $\\partial \\ell / \\partial a_m$",
                    same_line=True, order="none", oracle=checked(cancelled))
    collected = Add(Mul(a_i, Add(*ys, evaluate=False), evaluate=False), Mul(-1, ys[i - 1], evaluate=False),
                    evaluate=False)
    derivation.step(claim.lhs, collected, f"collect $a_{{{i}}}^{{[{L}]}}$", same_line=True, order="none",
                    oracle=checked(collected))
    derivation.step(claim.lhs, _display_rule(bp, L, i),
                    "the targets are class probabilities, $\\sum_m y_m = 1$ (one-hot for a labelled class)",
                    same_line=True, oracle=lambda: bp.check(claim, seed=_seed(claim)))


def _softmax_layer_lines(derivation: Derivation, layer, exact, printed, value_line, numbers_line, numbers_in) -> None:
    """A softmax layer of the worked example: every z_i with its numbers, then each a_i = e^{z_i} / Σ_m e^{z_m}."""
    for i in range(1, layer.n_out + 1):
        z_symbol = layer.z_symbol(i)
        derivation.define(z_symbol, display_z(layer, i), f"unit {i} of layer {layer.index}", order="none")
        numbers_line(z_symbol, display_z(layer, i))
        value_line(z_symbol, exact[z_symbol], "")
    zs = [layer.z_symbol(m) for m in range(1, layer.n_out + 1)]
    for i in range(1, layer.n_out + 1):
        a_symbol = layer.a_symbol(i)
        written = layer.activation.unit(i, zs)
        derivation.define(a_symbol, written, "softmax: each output's share of $\\sum_m e^{z_m}$" if i == 1 else "")
        derivation.step(a_symbol, numbers_in(written), "", same_line=True, order="none",
                        oracle=lambda: Check(True, "definition"))
        value_line(a_symbol, exact[a_symbol], "")


def _sampled(bp: BackpropRules, claims: list) -> list:
    """All of a line's formulas for a network checked symbolically; a random few (every kind) beyond."""
    if bp.network.n_params <= current().backprop_symbolic_parameters:
        return claims
    return checked_sample(claims, LINE_CHECKED_CLAIMS)


LINE_CHECKED_CLAIMS = 4  # formulas one line of a large network's rules checks at random points


def _index_range(index: str, count: int) -> str:
    if count <= 3:  # 1; 1, 2; 1, 2, 3 — an ellipsis only where it saves writing
        return f"{index} = " + ", ".join(str(n) for n in range(1, count + 1))
    return f"{index} = 1, \\ldots, {count}"


def _seed(claim: Claim) -> int:
    return claim.layer * 10_000 + claim.unit * 100 + claim.source


def _delta_reason(j: int, i: int) -> str:
    return f"the error of unit {i} in layer {j}"


def _delta_check_reason(bp: BackpropRules, j: int) -> str:
    net = bp.network
    if j < net.depth:
        return (f"chain rule: $z_i^{{[{j}]}}$ reaches the loss only through layer {j + 1}, and "
                f"$\\partial z_m^{{[{j + 1}]}}/\\partial z_i^{{[{j}]}} = w_{{im}}^{{[{j + 1}]}} g'(z_i^{{[{j}]}})$")
    output = net.layers[-1].activation
    if bp.softmax:
        return "likewise"
    if bp._output_delta_is_a_minus_y() and bp.loss == "bce":
        return "$\\partial\\ell/\\partial a \\cdot g'(z)$: $\\sigma' = a(1 - a)$ cancels the cross-entropy's denominator"
    return f"$\\partial\\ell/\\partial a \\cdot g'(z)$ for {output.name}"


def _display_rule(bp: BackpropRules, j: int, i: int):
    """The rule as a teacher writes it: g′ first, then the sum over the units above in order."""
    net = bp.network
    if j == net.depth:
        return _display_output_delta(bp, i)
    above = net.layer(j + 1)
    terms = [Mul(above.weight(i, m), notation.delta(m, j + 1), evaluate=False) for m in range(1, above.n_out + 1)]
    factors = _written_factors(bp.g_prime(j, i), net.layer(j).a_symbol(i))
    if len(terms) == 1:
        return Mul(*factors, *terms[0].args, evaluate=False)
    return Mul(*factors, Add(*terms, evaluate=False), evaluate=False)


def _display_output_delta(bp: BackpropRules, i: int):
    """(a − y) a (1 − a) for the squared error after σ, a − y for cross-entropy after σ; else as derived."""
    last = bp.network.layers[-1]
    a, y = last.a_symbol(i), bp.target(i)
    error = Add(a, Mul(-1, y, evaluate=False), evaluate=False)
    if bp._output_delta_is_a_minus_y():
        return error
    if bp.softmax:
        return jacobian_display(bp, i)
    if bp.loss in ("squared_error", "mse"):
        factors = _written_factors(bp.g_prime(bp.network.depth, i), a)
        return Mul(error, *factors, evaluate=False) if factors else error
    return bp.delta(bp.network.depth, i)


def jacobian_display(bp: BackpropRules, i: int):
    """Σ_m ∂ℓ/∂a_m · a_m([m = i] − a_i) written term by term with each sign in front:
    −(y_1/a_1)·a_1·(1 − a_1) + (y_2/a_2)·a_2·a_1 + … for the cross-entropy."""
    last = bp.network.layers[-1]
    a_i = last.a_symbol(i)
    terms = []
    for m in range(1, last.n_out + 1):
        a_m = last.a_symbol(m)
        coefficient, slope = loss_slope(bp.loss).xreplace({A: a_m, Y: bp.target(m)}).as_coeff_Mul()
        negative = (coefficient < 0) != (m != i)
        share = Add(1, Mul(-1, a_i, evaluate=False), evaluate=False) if m == i else a_i
        factors = ([] if abs(coefficient) == 1 else [abs(coefficient)]) + [slope, a_m, share]
        terms.append(Mul(-1, *factors, evaluate=False) if negative else Mul(*factors, evaluate=False))
    return Add(*terms, evaluate=False)


def display_z(layer, i: int):
    """z_i^{[j]} = w_{1i} a_1 + w_{2i} a_2 + … + b_i, each product weight first, as the lecture writes it."""
    sources = layer.inputs()
    terms = [Mul(layer.weight(k, i), source, evaluate=False) for k, source in enumerate(sources, start=1)]
    if layer.has_bias:
        terms.append(layer.bias_term(i))
    return Add(*terms, evaluate=False) if len(terms) > 1 else terms[0]


def _written_factors(g_prime, a_symbol) -> list:
    """a(1 − a) as a, then (1 − a); any other g′ as it is."""
    if g_prime == a_symbol * (1 - a_symbol):
        return [a_symbol, Add(1, -a_symbol, evaluate=False)]
    if g_prime == 1:
        return []
    return [g_prime]


def _sum_rule(bp: BackpropRules, j: int, i: Symbol):
    """δ_i^{[j]} = g′(z_i^{[j]}) Σ_m w_{im}^{[j+1]} δ_m^{[j+1]} for a symbolic unit i (the Σ form)."""
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


def _block_rules(derivation: Derivation, bp: BackpropRules) -> None:
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


def _block_check(bp: BackpropRules, lhs) -> Check:
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
            # an identity output's rule is written in z (z − y), and there a = z
            same = {layer.z_symbol(i): layer.a_symbol(i) for i in range(1, layer.n_out + 1)}
            rules = Matrix([bp.delta(j, i).xreplace(same) for i in range(1, layer.n_out + 1)])
        else:
            continue
        checks.append(check_equal(claimed, rules))
    return _combined(checks) if checks else Check(False, "nothing to compare", "no layer of this network")


BATCH_CHECKED = 6  # weights and biases whose batch gradient is compared with sympy.diff (chosen at random)


def _batch_check(bp: BackpropRules) -> Check:
    """The batch gradient (mean of the samples' a δ) against sympy.diff of the mean loss, at random numbers."""
    rng = random.Random(7)
    net = bp.network
    params = net.params()
    base = bp._random_values(rng)
    samples = [bp._random_values(rng) for _ in range(2)]
    weights = {s: base[s] for s in params}
    checks = []
    chosen = params if len(params) <= BATCH_CHECKED else rng.sample(params, BATCH_CHECKED)
    per_sample = [bp.gradient_values({**sample, **weights}) for sample in samples]
    for theta in chosen:
        claimed = sum(gradients[theta] for gradients in per_sample) / 2
        kept = {s: v for s, v in weights.items() if s != theta}
        losses = []
        for sample in samples:
            values = {**{s: sample[s] for s in sample if s not in params}, **kept}
            losses.append(bp.loss_at(values, floats=True))
        # at a 60-digit float θ every e^{…} evaluates at once: evalf of exact towers costs minutes for 35-16-10
        at = Float(weights[theta], current().numeric_digits)
        true = Derivative(Add(*losses) / 2, theta).doit().xreplace({theta: at})
        zero, _ = vanishes(claimed - true)  # in floats: never "exactly", even where the difference is a plain 0
        how = f"evaluated to {current().numeric_digits} digits"
        checks.append(Check(zero, f"against sympy.diff of the mean loss of two random samples, {how}"))
    return _combined(checks)


def _update_rule(derivation: Derivation, bp: BackpropRules) -> None:
    theta = Symbol("theta")
    derivation.step(theta, Add(theta, Mul(-1, ETA, Derivative(LOSS, theta), evaluate=False), evaluate=False),
                    "gradient descent with learning rate $\\eta$, for every weight and bias $\\theta$ "
                    "(for a batch, $L$ is the mean loss)", relation=UPDATE, order="none")
    derivation.step(DescentRate("descent_rate"), _descent_rate(bp),
                    "how $L$ changes along that step at $\\eta = 0$, with $\\lVert\\nabla L\\rVert^2$ the sum of "
                    "every $(\\partial L/\\partial\\theta)^2$: never up, so a small enough $\\eta$ lowers the loss "
                    "(checked at random numbers)", oracle=lambda: _descent_check(bp))


class DescentRate(Symbol):
    """d/dη L(θ − η ∇L) at η = 0: how fast the loss changes along a gradient-descent step (display)."""

    def _latex(self, printer) -> str:
        return r"\left.\frac{d}{d\eta} L(\theta - \eta \nabla L)\right|_{\eta = 0}"

    def _pretty(self, printer):
        return prettyForm("d/dη L(θ − η∇L) at η = 0")

    def _mathml_presentation(self, printer):
        def mi(text):
            return printer.element("mi", text=text)
        rate = printer.element("mfrac", mi("d"), printer.row(mi("d"), mi("η")))
        step = printer.row(mi("L"), printer.mo("(", stretchy="false"), mi("θ"), printer.mo("−"), mi("η"),
                           printer.mo("∇"), mi("L"), printer.mo(")", stretchy="false"))
        at = printer.element("msub", printer.mo("|", stretchy="false"),
                             printer.row(mi("η"), printer.mo("="), printer.element("mn", text="0")))
        return printer.row(rate, step, at)


class GradientNormSquared(Symbol):
    """‖∇L‖², the sum of the squares of every ∂L/∂θ (display of the descent rate)."""

    def _latex(self, printer) -> str:
        return r"\lVert \nabla L \rVert^{2}"

    def _pretty(self, printer):
        return prettyForm("‖∇L‖²")

    def _mathml_presentation(self, printer):
        norm = printer.row(printer.mo("‖", stretchy="false"), printer.mo("∇"), printer.element("mi", text="L"),
                           printer.mo("‖", stretchy="false"))
        return printer.element("msup", norm, printer.element("mn", text="2"))


def _descent_rate(bp: BackpropRules):
    return -GradientNormSquared("gradient_norm_squared", positive=True)


def _descent_check(bp: BackpropRules) -> Check:
    """d/dη L(θ − η ∇L) at η = 0 equals −Σ (∂L/∂θ)², with sympy at random numbers."""
    rng = random.Random(11)
    values = bp._random_values(rng)
    gradients = bp.gradient_values(values)
    eta = Symbol("eta")
    moved = {theta: values[theta] - eta * gradient for theta, gradient in gradients.items()}
    zero_step = Float(0, current().numeric_digits)  # a float 0: every e^{…} then evaluates at once
    rate = Derivative(bp.loss_at({**values, **moved}, floats=True), eta).doit().xreplace({eta: zero_step})
    zero, _ = vanishes(rate + Add(*[g ** 2 for g in gradients.values()]))  # in floats: never "exactly"
    how = f"evaluated to {current().numeric_digits} digits"
    return Check(zero, f"with sympy.diff at random numbers, {how}")



# --- the worked example: one gradient-descent step with the user's numbers -----------------------

def parameter_values(bp: BackpropRules, weights, biases, x, y) -> dict:
    """Every weight, bias, input and target symbol with its exact value, from per-layer lists.

    ``weights[j-1]`` is W^{[j]}: n_{j−1} rows (inputs k) of n_j numbers (units i), so ``weights[0][k-1][i-1]``
    is w_{ki}^{[1]}; ``biases[j-1]`` is one number shared by the layer's units (as textbook examples
    write b1, b2) or one per unit; ``x`` one number per input, ``y`` one per output.
    """
    net = bp.network
    values = {}
    if not isinstance(weights, (list, tuple)) or len(weights) != net.depth:
        raise InvalidArgumentError(f"weights must be a list of {net.depth} matrices W^[1]..W^[{net.depth}] "
                                   f"(one per layer), not {_described(weights)}")
    for layer, matrix in zip(net.layers, weights):
        shape = f"{layer.n_in} rows (one per input k) of {layer.n_out} numbers (one per unit i)"
        if not isinstance(matrix, (list, tuple)) or len(matrix) != layer.n_in or any(
                not isinstance(row, (list, tuple)) or len(row) != layer.n_out for row in matrix):
            raise InvalidArgumentError(f"W^[{layer.index}] must have {shape}, not {_described(matrix)}")
        for k, row in enumerate(matrix, start=1):
            for i, value in enumerate(row, start=1):
                values[layer.weight(k, i)] = as_number(value, f"w_{k}{i}^[{layer.index}]")
    if net.has_bias:
        if not isinstance(biases, (list, tuple)) or len(biases) != net.depth:
            raise InvalidArgumentError(f"biases must be a list of {net.depth} entries (one per layer: a number "
                                       f"shared by its units, or one number per unit), not {_described(biases)}")
        for layer, entry in zip(net.layers, biases):
            per_unit = entry if isinstance(entry, (list, tuple)) else [entry] * layer.n_out
            if len(per_unit) != layer.n_out:
                raise InvalidArgumentError(f"the biases of layer {layer.index} must be one number or "
                                           f"{layer.n_out} numbers, not {len(per_unit)}")
            for i, value in enumerate(per_unit, start=1):
                values[layer.bias_term(i)] = as_number(value, f"b_{i}^[{layer.index}]")
    elif biases not in (None, [], ()):
        raise InvalidArgumentError(f"{net!r} has no biases; give none")
    x = list(x) if isinstance(x, (list, tuple)) else [x]
    if len(x) != net.sizes[0]:
        raise InvalidArgumentError(f"x must have {net.sizes[0]} numbers (one per input), not {len(x)}")
    for symbol, value in zip(net.inputs(), x):
        values[symbol] = as_number(value, f"input {symbol}")
    y = list(y) if isinstance(y, (list, tuple)) else [y]
    if len(y) != bp.n_outputs:
        raise InvalidArgumentError(f"y must have {bp.n_outputs} numbers (one target per output), not {len(y)}")
    for symbol, value in zip(bp.targets(), y):
        values[symbol] = as_number(value, f"target {symbol}")
        if bp.loss == "bce" and not 0 <= values[symbol] <= 1:
            raise InvalidArgumentError(f"binary cross-entropy needs targets from 0 to 1, not {value}")
    return values


def _described(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _terminating(value: Rational, digits: int) -> bool:
    """Is the rational a decimal of at most ``digits`` significant digits (0.15, 0.3775), so print it exactly?"""
    if not value.is_Rational:
        return False
    q, twos, fives = value.q, 0, 0
    while q % 2 == 0:
        q, twos = q // 2, twos + 1
    while q % 5 == 0:
        q, fives = q // 5, fives + 1
    places = max(twos, fives)
    if q != 1 or places > 60:
        return False
    return len(str(abs(value.p) * 10**places // value.q).strip("0")) <= digits


class _Shown:
    """How the example prints its numbers: exact decimals as they are, the rest to ``digits`` figures."""

    def __init__(self, digits: int):
        self.digits = digits
        self.precision = current().numeric_digits

    def __call__(self, value) -> Float:
        if value.is_Integer:  # 1 and 0 as themselves, not 1. and 0.0
            return value
        if _terminating(value, self.digits):  # as many digits as it has, so that every printer shows just those
            text = _decimal_text(value)
            return Float(text, max(1, len(text.replace("-", "").replace(".", "").strip("0"))))
        return Float(value.evalf(self.precision, maxn=EVALF_PRECISION), self.digits)

    def exact(self, value) -> bool:
        return _terminating(value, self.digits)

    def check(self, exact_value, printed: Float) -> Check:
        """The printed number against the exact value: equal, or within half a unit of its last digit."""
        if _terminating(exact_value, self.digits):
            return Check(Rational(_decimal_text(exact_value)) == exact_value, "evaluated exactly")
        value = exact_value.evalf(self.precision, maxn=EVALF_PRECISION)
        if value == 0:
            return Check(printed == 0, "evaluated exactly")
        exponent = floor(mpmath.log10(abs(mpmath.mpf(value))))
        tolerance = Rational(5, 10 ** (self.digits - exponent)) if self.digits > exponent else 5 * 10 ** (exponent - self.digits)
        holds = abs(value - printed) <= tolerance
        return Check(bool(holds), f"evaluated to {self.precision} digits", "" if holds else f"the value is {value}")


def _decimal_text(value: Rational) -> str:
    with localcontext() as context:
        context.prec = 80
        return format((Decimal(value.p) / Decimal(value.q)).normalize(), "f")


def worked_example(bp: BackpropRules, weights, biases, x, y, lr, digits: int = 9) -> Derivation:
    """One sample, one step of gradient descent, every number shown and checked (see Backprop.worked_example)."""
    net = bp.network
    settings = current()
    if not isinstance(digits, int) or isinstance(digits, bool) or not 2 <= digits <= 30:
        raise InvalidArgumentError(f"digits must be a whole number from 2 to 30, not {digits!r}")
    if net.n_params > settings.worked_example_parameters:
        raise InvalidArgumentError(
            f"a worked example prints every number of {net!r}: {net.n_params} parameters, more than "
            f"{settings.worked_example_parameters} (symnn.settings(worked_example_parameters=...) changes it); "
            "use symnn.compile and symnn.train for larger networks")
    values = parameter_values(bp, weights, biases, x, y)
    rate = as_number(lr, "the learning rate")
    if rate <= 0:
        raise InvalidArgumentError(f"the learning rate must be positive, not {lr}")
    exact, approximated = bp._exact_numbers(values)
    shown = _Shown(digits)
    printed = {s: shown(v) for s, v in values.items()}
    derivation = Derivation(
        f"One step of backpropagation through {net!r}, with numbers",
        intro=(f"Learning rate $\\eta = {latex(shown(rate))}$; loss: {LOSS_WORDS[bp.loss]}. "
               "Biases given once per layer are that value for each of its units; each unit's bias then has its "
               f"own gradient. Every number is computed exactly, or to {shown.precision} digits where the "
               f"activation makes it irrational, and only then printed to {digits} significant figures; each "
               "value is checked, and each error and gradient also against sympy.diff of the whole loss at "
               "these numbers."),
        conclusion=("The new weights and biases lower the loss of this sample for a small enough $\\eta$; "
                    "symnn.train repeats this step, with the same formulas compiled to NumPy."),
        given={symbol: printed[symbol] for symbol in values},
        decimal_marks=False,
    )

    def value_line(symbol, exact_value, reason, claim=None):
        number = shown(exact_value)
        printed[symbol] = number
        relation = "=" if shown.exact(exact_value) else "approx"

        def oracle(exact_value=exact_value, number=number):
            checks = [shown.check(exact_value, number)]
            if claim is not None:
                zero, decided, difference = bp.compare_at(claim, values, (exact, approximated))
                how = "exactly" if decided else f"to {shown.precision} digits"
                checks.append(Check(zero, "as sympy.diff gives" if zero else "NOT as sympy.diff gives",
                                    "" if zero else f"differs by {difference} ({how})"))
            return _joined(checks)
        derivation.step(symbol, number, reason, relation=relation if relation == "approx" else "=",
                        same_line=True, oracle=oracle)

    def numbers_in(expr):
        with evaluate(False):
            return expr.xreplace(printed)

    def numbers_line(symbol, formula):
        """The formula with the numbers put in: on the same line, or on the next when that would be wide."""
        numbers = numbers_in(formula)
        wide = latex_width(latex(formula)) + latex_width(latex(numbers)) > NUMBERS_LINE_WIDTH
        derivation.step(symbol, numbers, "", same_line=not wide, mul_symbol="dot", order="none",
                        oracle=lambda: Check(True, "definition"))

    for layer in net.layers:
        if layer.activation.is_vector:  # softmax needs every z of the layer before its first a
            _softmax_layer_lines(derivation, layer, exact, printed, value_line, numbers_line, numbers_in)
            continue
        for i in range(1, layer.n_out + 1):
            z_symbol, a_symbol = layer.z_symbol(i), layer.a_symbol(i)
            derivation.define(z_symbol, display_z(layer, i), f"unit {i} of layer {layer.index}", order="none")
            numbers_line(z_symbol, display_z(layer, i))
            value_line(z_symbol, exact[z_symbol], "")
            if layer.activation.expr != notation.activation_variable():
                derivation.define(a_symbol, layer.activation(z_symbol), "")
                derivation.step(a_symbol, layer.activation(printed[z_symbol], evaluate=False), "", same_line=True,
                                oracle=lambda: Check(True, "definition"))
                value_line(a_symbol, exact[a_symbol], "")
            else:
                printed[a_symbol] = printed[z_symbol]
    derivation.define(LOSS, display_loss(bp), "the loss of this sample", order="none")
    numbers_line(LOSS, display_loss(bp))
    loss_value = bp.loss_expr().xreplace({**exact, **{y_: values[y_] for y_ in bp.targets()}})
    value_line(LOSS, loss_value, "")
    claims = {(c.kind, c.layer, c.unit, c.source): c for c in bp.claims()}
    for j in range(net.depth, 0, -1):
        layer = net.layer(j)
        for i in range(1, layer.n_out + 1):
            claim = claims[("delta", j, i, 0)]
            delta_symbol = notation.delta(i, j)
            rule = _display_rule(bp, j, i)
            derivation.define(delta_symbol, rule, f"the error of unit {i} in layer {j}", order="none")
            numbers_line(delta_symbol, rule)
            value_line(delta_symbol, exact[delta_symbol], "", claim)
    gradients = {}
    for j in range(net.depth, 0, -1):
        layer = net.layer(j)
        for i in range(1, layer.n_out + 1):
            entries = [(layer.weight(k, i), claims[("weight", j, i, k)]) for k in range(1, layer.n_in + 1)]
            if layer.has_bias:
                entries.append((layer.bias_term(i), claims[("bias", j, i, 0)]))
            for theta, claim in entries:
                gradient = Derivative(LOSS, theta)
                delta_symbol = notation.delta(i, j)
                rule = delta_symbol if claim.kind == "bias" else Mul(claim.rhs / delta_symbol, delta_symbol,
                                                                     evaluate=False)
                first = not gradients
                derivation.define(gradient, rule, "the gradients: what each weight multiplies times the error of the "
                                  "unit it feeds (a bias multiplies 1)" if first else "", order="none")
                if claim.kind != "bias":  # δ alone needs no numbers line: its value follows
                    numbers_line(gradient, rule)
                value = claim.rhs.xreplace(exact)
                gradients[theta] = value
                value_line(gradient, value, "", claim)
    for theta, gradient in gradients.items():
        new = values[theta] - rate * gradient
        shown_step = Add(printed[theta], Mul(-1, shown(rate), shown(gradient), evaluate=False), evaluate=False)
        reason = ("gradient descent, $\\theta \\leftarrow \\theta - \\eta \\cdot \\partial L/\\partial\\theta$, "
                  "with the old values on the right" if theta == next(iter(gradients)) else "")
        derivation.step(theta, shown_step, reason, relation=UPDATE, mul_symbol="dot", order="none")
        number = shown(new)
        derivation.step(theta, number, "", relation="approx" if not shown.exact(new) else "=", same_line=True,
                        oracle=lambda new=new, number=number: shown.check(new, number))
    return derivation


NUMBERS_LINE_WIDTH = 260.0  # points: a formula and its numbers wider than this put the numbers on their own line


def _joined(checks: list[Check]) -> Check:
    failing = [c for c in checks if not c.holds]
    if failing:
        return failing[0]
    return Check(True, ", ".join(c.method for c in checks))


class Backprop(BackpropRules):
    """Backpropagation through a network under a loss: the formulas (δ, ∂L/∂w, ∂L/∂b in three forms and
    the block form, each checked against sympy.diff), the rules as a derivation, and a worked example.

    >>> bp = Backprop(Network([2, 2, 1], activation="sigmoid"), loss="bce")
    >>> bp.delta(2, 1), bp.dw(2, 1, 1)
    (a1[2] - y, a1[1]*δ1[2])
    """

    def derivation(self) -> Derivation:
        """The rules layer by layer, the block form and the update rule, each line checked."""
        return rules(self)

    def worked_example(self, weights, biases=None, x=None, y=None, lr=Rational(1, 2), digits: int = 9) -> Derivation:
        """One gradient-descent step with these numbers: every z, a, the loss, each δ, each gradient and each
        updated weight, computed exactly or to 60 digits and printed to ``digits`` significant figures."""
        return worked_example(self, weights, biases, x, y, lr, digits)


def backprop(network: Network, loss: str = "auto") -> Backprop:
    """The backpropagation formulas of ``network`` under ``loss`` ("bce", "squared_error" — "mse" is the
    same: ½(a − y)² per output, summed over the outputs, averaged over the samples of a batch — or
    "cross_entropy" after a softmax output); "auto", as for train: cross_entropy after softmax, else bce."""
    return Backprop(network, loss)


__all__ = ["Backprop", "as_number", "backprop"]
