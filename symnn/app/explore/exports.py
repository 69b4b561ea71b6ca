"""Every panel's export: the derivation behind what it shows, as .tex, .pdf or .html.

The files are made exactly as ``symnn derive`` makes its own (``Derivation.document()`` for
LaTeX, ``Derivation.html()`` for a page, pdflatex on the .tex for a PDF), so a page exported from
the explorer and one written by the command line differ only in the network they are about.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from sympy import Add, Float, Mul, Rational, UnevaluatedExpr, exp

from symnn.app import documents
from symnn.app.commands import non_collapse_page
from symnn.app.explore import validate
from symnn.app.explore.digits_panel import model, read_pixels
from symnn.app.explore.panels import read_loss, read_params, read_sample
from symnn.app.explore.playground import check_playground_network
from symnn.app.explore.spec import NetworkSpec, collapse_outcome, read_spec
from symnn.config import current
from symnn.errors import InvalidArgumentError, NotCollapsible
from symnn.math.backprop import Backprop
from symnn.math.derivation import Derivation
from symnn.math.proofs import non_collapse_proof
from symnn.render.diagram import MAX_UNITS as DIAGRAM_UNITS

PANELS = ("network", "collapse", "numbers", "playground", "digits")
FORMATS = {"tex": "application/x-tex; charset=utf-8", "pdf": "application/pdf",
           "html": "text/html; charset=utf-8"}
DIGITS = 3  # decimals of a trained digit weight in an exported page


def export(data: dict) -> tuple[str, bytes, str]:
    """(file name, contents, media type) of the panel's derivation in the format asked for."""
    panel = validate.choice(data, "panel", PANELS)
    kind = validate.choice(data, "format", tuple(FORMATS))
    derivation, stem = _derivation(panel, data)
    if kind == "html":
        return f"{stem}.html", _page(panel, data, derivation).encode("utf-8"), FORMATS[kind]
    tex = derivation.document()
    if kind == "tex":
        return f"{stem}.tex", tex.encode("utf-8"), FORMATS[kind]
    with tempfile.TemporaryDirectory(prefix="symnn-explore-") as folder:
        path = Path(folder) / f"{stem}.tex"
        path.write_text(tex, encoding="utf-8")
        pdf = documents.compile_pdf(path)  # MissingDependency without pdflatex: said on the page
        return pdf.name, pdf.read_bytes(), FORMATS[kind]


def _derivation(panel: str, data: dict) -> tuple[Derivation, str]:
    if panel == "digits":
        return digit_derivation(data), f"digits-{validate.whole(data, 'classes', 2, 10, 2)}-drawing"
    spec = read_spec(data)
    shape = "-".join(map(str, spec.sizes))
    if panel == "network":
        j = validate.whole(data, "layer", 1, spec.depth, spec.depth)
        i = validate.whole(data, "unit", 1, spec.sizes[j], 1)
        return unit_derivation(spec, j, i), f"unit-{i}-layer-{j}-{shape}"
    if panel == "collapse":
        return collapse_derivation(spec), f"collapse-{shape}"
    if panel == "playground":
        return boundary_derivation(spec, data), f"boundary-{shape}"
    return numbers_derivation(spec, data), f"numbers-{shape}"


def _page(panel: str, data: dict, derivation: Derivation) -> str:
    """The HTML page; a counterexample's is the one ``symnn collapse --format html`` prints (the reason first)."""
    if panel in ("collapse", "playground"):
        spec = read_spec(data)
        outcome = collapse_outcome(spec)
        if isinstance(outcome, NotCollapsible):
            return non_collapse_page(spec.network(), outcome)
    return derivation.html()


def collapse_derivation(spec: NetworkSpec) -> Derivation:
    """The collapse proof (``symnn collapse``), or the counterexample that shows there is none."""
    outcome = collapse_outcome(spec)
    if isinstance(outcome, NotCollapsible):
        if outcome.witness is None:
            raise InvalidArgumentError(f"{spec.network()!r} does not collapse ({outcome}), and no counterexample "
                                       "was found to write down")
        return non_collapse_proof(spec.network(), outcome.witness)
    return outcome.proof


def boundary_derivation(spec: NetworkSpec, data: dict) -> Derivation:
    """Let's test this: with affine hidden layers and the trained weights, the collapsed z of the output in
    numbers (so the boundary is the line z = threshold); otherwise the counterexample, which is why it bends."""
    network = spec.network()
    check_playground_network(network)
    if not spec.hidden_affine():
        return collapse_derivation(spec)
    if data.get("weights") is None:
        raise InvalidArgumentError("train the network first: the export writes the trained weights' straight line")
    params = read_params(data, network)
    given = {symbol: _rounded(value) for symbol, value in params.to_substitution(network, exact=False).items()}
    outcome = collapse_outcome(spec.scores())  # the hidden layers are affine: this collapses
    proof = outcome.proof
    derivation = Derivation(
        f"The trained {'-'.join(map(str, network.sizes))} network draws a straight boundary",
        intro=(f"The output layer's $z$, before its {network.layers[-1].activation.name}, is what the same network "
               "with a linear output layer computes: " + proof.intro
               + f" The weights are the trained ones, rounded to {BOUNDARY_DIGITS} decimals."),
        given=given, diagram=proof.diagram, decimal_marks=False,
        conclusion="So the output's $z$ is linear in $x_1$ and $x_2$, and the decision boundary, where $z$ crosses "
                   "its threshold, is a straight line however long the network trains.")
    derivation.steps.extend(proof.steps)
    for output in range(1, network.sizes[-1] + 1):
        for line in outcome.definitions(output):
            value = line.rhs.xreplace(given)
            derivation.step(line.lhs, Float(value.evalf(20), 6), "with the trained weights", relation="approx",
                            tolerance=Rational(1, 10**5))
    return derivation


BOUNDARY_DIGITS = 4


def _rounded(value: float) -> Rational:
    return Rational(str(round(float(value), BOUNDARY_DIGITS)))


def unit_derivation(spec: NetworkSpec, j: int, i: int) -> Derivation:
    """Unit i of layer j: z in Σ form, written out, and a = g(z), as the catalog's 'neuron' page does it."""
    network = spec.network()
    layer = network.layer(j)
    z, a = layer.z_symbol(i), layer.a_symbol(i)
    previous = "the inputs $x_k$" if j == 1 else f"the activations $a_k^{{[{j - 1}]}}$ of layer {j - 1}"
    derivation = Derivation(
        f"Unit {i} of layer {j} of {network!r}",
        diagram=network if max(network.sizes) <= DIAGRAM_UNITS else None,
        intro=f"Unit {i} of layer {j} takes {previous}, weighs them, adds its bias"
              f"{'' if network.has_bias else ' (this network has none)'}, and applies "
              f"the layer's activation function, {layer.activation.name}.",
        conclusion="The same two lines, $z$ then $a = g(z)$, describe every unit of every layer.")
    derivation.define(z, network.z_sum(j, i), "weighted sum of the inputs plus the bias")
    derivation.step(z, network.z(j, i), f"the sum written out, $k = 1, \\ldots, {layer.n_in}$")
    derivation.define(a, layer.g_of_z(i), "the activation")
    if not layer.activation.is_vector:
        derivation.step(a, layer.activation(z), f"$g$ is {layer.activation.name}")
    return derivation


def numbers_derivation(spec: NetworkSpec, data: dict) -> Derivation:
    """The Numbers panel's values as ``symnn backprop --weights … --inputs … --targets …`` writes them."""
    network = spec.network()
    limit = current().worked_example_parameters
    if network.n_params > limit:
        raise InvalidArgumentError(f"the Numbers export writes every number of every step out, for networks of up to "
                                   f"{limit} weights and biases; {network!r} has {network.n_params} (the panel shows "
                                   "its numbers all the same)")
    params, x = read_sample(data, network)  # checked as the panel checks them
    targets = validate.numbers(data.get("targets"), network.sizes[-1], "targets")
    loss = read_loss(data, network)
    lr = validate.number(data.get("lr", 0.5), "lr", bound=10.0)
    Ws, bs = params.arrays()
    weights = [[[_decimal(v) for v in row] for row in W] for W in Ws]
    biases = [[_decimal(v) for v in b] for b in bs] if network.has_bias else None
    return Backprop(network, loss).worked_example(weights, biases, [_decimal(v) for v in x[0]],
                                                  [_decimal(v) for v in targets], lr=_decimal(lr))


def _decimal(value: float) -> str:
    """A page's number as its shortest decimal text (0.15, not 0.1499999999999999944…)."""
    return repr(float(value))


def digit_derivation(data: dict) -> Derivation:
    """The drawing through the trained digit network: each output's z from the lit pixels, then its output."""
    classes = validate.whole(data, "classes", 2, 10, 2)
    report = model(classes)
    x = read_pixels(data)
    network = report.network
    layer = network.layers[0]
    Ws, bs = report.result.params.arrays()
    rounded = lambda value: Rational(str(round(float(value), DIGITS)))  # noqa: E731
    given = {layer.input(k): Rational(int(x[k - 1])) for k in range(1, layer.n_in + 1)}
    lit = [k for k in range(1, layer.n_in + 1) if x[k - 1] == 1]
    derivation = Derivation(
        f"The drawing through the trained {network!r}",
        intro=f"The 7×5 drawing has {len(lit)} lit pixels ($x_k = 1$ for k in {', '.join(map(str, lit)) or 'none'}, "
              f"0 elsewhere). The weights are those `symnn digits` trains, rounded to {DIGITS} decimals; only the "
              "lit pixels' weights enter $z$, so only they are given.",
        given=given, decimal_marks=False)
    zs = []
    for unit in range(1, layer.n_out + 1):
        weights = {layer.weight(k, unit): rounded(Ws[0][k - 1, unit - 1]) for k in lit}
        derivation.given.update(weights)  # an unlit pixel's weight is multiplied by 0: it need not be given
        bias = rounded(bs[0][unit - 1]) if network.has_bias else Rational(0)
        if network.has_bias:
            derivation.given[layer.bias_term(unit)] = bias
        value = sum((weights[layer.weight(k, unit)] for k in lit), Rational(0)) + bias
        shown = Add(*[UnevaluatedExpr(weights[layer.weight(k, unit)]) for k in lit],
                    *([UnevaluatedExpr(bias)] if network.has_bias else []), evaluate=False)
        z = layer.z_symbol(unit)
        derivation.define(z, layer.unit_z(unit), "weighted sum of the pixels plus the bias")
        derivation.step(z, Add(*[Mul(layer.weight(k, unit), 1) for k in lit], layer.bias_term(unit) if network.has_bias
                               else 0), "only the lit pixels count")
        derivation.step(z, shown, "the trained weights", order="none")
        derivation.step(z, value, "add up")
        zs.append(value)
    if classes == 2:
        a = layer.a_symbol(1)
        probability = 1 / (1 + exp(-zs[0]))
        derivation.define(a, layer.g_of_z(1), "the sigmoid")
        derivation.step(a, Float(probability.evalf(20), 4), "to four digits", relation="approx",
                        tolerance=Rational(1, 10**4))
        one = bool(zs[0] >= 0)  # σ(z) ≥ 1/2 exactly when z ≥ 0
        derivation.conclusion = (f"The network outputs about {float(probability):.3f}: "
                                 f"{'at least' if one else 'below'} 1/2, so it reads the drawing as a {int(one)}.")
    else:
        best = max(range(len(zs)), key=lambda m: zs[m])
        derivation.conclusion = (f"The largest score is $z_{{{best + 1}}}^{{[1]}}$, so the softmax is largest there "
                                 "too: "
                                 f"the network reads the drawing as a {best}.")
    return derivation


def safe_filename(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "-", name)
