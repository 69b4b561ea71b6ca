"""What the Network, Collapse and Numbers panels show, as JSON-ready dicts of MathML, SVG and numbers.

Every formula is the library's own object printed by symnn's MathML printer; every number comes
from ``symnn.compile`` and its compiled gradient. The symbolic answers depend on the network alone
and are cached per ``NetworkSpec``; the numbers are worked out per request (a few milliseconds).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from sympy import Eq

from symnn.app.explore import validate
from symnn.app.explore.spec import CACHED_NETWORKS, NetworkSpec, collapse_outcome, compiled
from symnn.core import guards
from symnn.core.network import Network
from symnn.errors import BadNumbersError, InvalidArgumentError, NotCollapsible
from symnn.math.proofs import non_collapse_proof
from symnn.numeric.crosscheck import crosscheck
from symnn.numeric.gradients import CompiledGradient
from symnn.numeric.params import Params
from symnn.render.diagram import MAX_UNITS as DIAGRAM_UNITS, network_svg
from symnn.render.html import derivation_body_html, prose
from symnn.render.mathml import mathml

SHOWN_OUTPUTS = 3  # outputs whose collapsed w′ and b′ the panel writes out
SHOWN_NODES = 400  # a w′_k or b′ larger than this (in expression nodes) is left to the block form and the proof


def equation(lhs, rhs, **options) -> str:
    """``lhs = rhs`` as one display ``<math>`` (``order="none"`` keeps shown arithmetic in its order)."""
    return mathml(Eq(lhs, rhs, evaluate=False), display="block", **options)


# --- Network ---------------------------------------------------------------------------------


@lru_cache(maxsize=CACHED_NETWORKS)
def network_panel(spec: NetworkSpec) -> dict:
    """The diagram (units clickable through their ``data-node``), the layers and the units to pick from."""
    network = spec.network()
    if max(network.sizes) <= DIAGRAM_UNITS:
        svg, note = network_svg(network, interactive=True), ""
    else:
        svg, note = "", (f"The diagram draws at most {DIAGRAM_UNITS} units a layer; pick a unit from the "
                         "list to see its formulas.")
    layers = [{"index": 0, "title": "input", "units": [
        {"key": f"n0-{k}", "label": f"x{k}", "name": (network.input_names or [None] * network.sizes[0])[k - 1]}
        for k in range(1, network.sizes[0] + 1)]}]
    for layer in network.layers:
        layers.append({"index": layer.index, "title": f"layer {layer.index}: {layer.activation.name}",
                       "units": [{"key": f"n{layer.index}-{i}", "label": f"a{i}[{layer.index}]",
                                  "name": layer.unit_name(i)} for i in range(1, layer.n_out + 1)]})
    return {"network": spec.describe(), "title": repr(network), "svg": svg, "svg_note": note, "layers": layers,
            "parameters": network.n_params, "sizes": list(network.sizes),
            "affine": [layer.activation.is_affine for layer in network.layers],
            "outputs": network.sizes[-1], "softmax": network.layers[-1].activation.is_vector}


@lru_cache(maxsize=CACHED_NETWORKS * 8)
def unit_panel(spec: NetworkSpec, j: int, i: int) -> dict:
    """Unit i of layer j: its z and a written out (elementwise), in Σ form, and its layer in block form."""
    network = spec.network()
    if not 0 <= j <= network.depth:
        raise InvalidArgumentError(f"'layer' must be from 0 (the inputs) to {network.depth}, not {j}")
    if not 1 <= i <= network.sizes[j]:
        raise InvalidArgumentError(f"layer {j} has units 1 to {network.sizes[j]}, not {i}")
    if j == 0:
        x = network.inputs()[i - 1]
        name = (network.input_names or [None] * network.sizes[0])[i - 1]
        return {"title": f"input {i}" + (f": {name}" if name else ""), "forms": [
            {"name": "input", "lines": [mathml(x, display="block")],
             "note": "An input is layer 0: its activation is the value given, xₖ = aₖ⁽⁰⁾."}]}
    layer = network.layer(j)
    z_symbol, a_symbol = layer.z_symbol(i), layer.a_symbol(i)
    guards.check(layer.n_in, f"writing out z of a unit with {layer.n_in} inputs", setting="unit_terms")
    elementwise = [equation(z_symbol, network.z(j, i)), equation(a_symbol, layer.g_of_z(i))]
    written = layer.activation.explicit(z_symbol) if not layer.activation.is_vector else layer.g_of_z(i)
    if equation(a_symbol, written) != elementwise[-1]:  # σ(z) = 1/(1 + e^{−z}); nothing more for z or tanh(z)
        elementwise.append(equation(a_symbol, written))
    sigma = [equation(z_symbol, network.z_sum(j, i)), equation(a_symbol, layer.g_of_z(i))]
    block = [equation(lhs, rhs) for lhs, rhs in layer.block_pairs()]
    name = layer.unit_name(i)
    return {"title": f"unit {i} of layer {j} ({layer.activation.name})" + (f": {name}" if name else ""),
            "forms": [{"name": "elementwise", "lines": elementwise},
                      {"name": "Σ form", "lines": sigma},
                      {"name": "block form", "lines": block,
                       "note": f"Layer {j} at once: W[{j}] is {layer.n_in} × {layer.n_out} (a row per input k), and "
                               f"its column {i} holds unit {i}'s weights."}]}


# --- Collapse --------------------------------------------------------------------------------


@lru_cache(maxsize=CACHED_NETWORKS)
def collapse_panel(spec: NetworkSpec) -> dict:
    """The collapsed w′·x + b′ and its checked proof, or the exact counterexample and why."""
    network = spec.network()
    outcome = collapse_outcome(spec)
    if isinstance(outcome, NotCollapsible):
        return _counterexample(network, outcome)
    result = outcome
    lines = []
    for output in range(1, min(result.n_outputs, SHOWN_OUTPUTS) + 1):
        model_lhs = (network.layers[-1].z_symbol(output) if result.link is not None
                     else network.layers[-1].a_symbol(output))
        lines.append(equation(model_lhs, result.model(output)))
        lines += [equation(line.lhs, line.rhs) for line in result.definitions(output)
                  if guards.node_count(line.rhs, SHOWN_NODES + 1) <= SHOWN_NODES]
        if result.link is not None:
            lines.append(equation(network.layers[-1].a_symbol(output), result.output_model(output)))
    lhs, rhs = result.block_identity(symbolic=False)
    block = equation(lhs, rhs)
    hidden = max(0, result.n_outputs - SHOWN_OUTPUTS)
    sentence = ("Every layer is affine, so the whole network is one linear model w′·x + b′"
                + (" under the softmax: multinomial logistic regression" if result.link is not None else "")
                + ": however many layers it has, it draws a straight line (a plane) between the classes.")
    return {"collapses": True, "sentence": sentence, "lines": lines, "block": block,
            "more": f"{hidden} more output(s) collapse the same way." if hidden else ""}


@lru_cache(maxsize=CACHED_NETWORKS)
def collapse_proof_panel(spec: NetworkSpec) -> dict:
    """The checked derivation behind the Collapse panel (asked for on its own: checking a large network's
    proof takes up to a second the first time, the panel's answer a few milliseconds)."""
    outcome = collapse_outcome(spec)
    if isinstance(outcome, NotCollapsible):
        panel = collapse_panel(spec)
        return {key: panel.get(key) for key in ("proof", "verified", "report", "report_html")}
    report = outcome.proof.verify()
    return {"proof": _derivation_html(outcome.proof, report), "verified": report.ok, "report": report.report(),
            "report_html": prose(report.report())}


def _counterexample(network: Network, error: NotCollapsible) -> dict:
    reason = str(error)
    sentence = reason[:1].upper() + reason[1:] + "."
    if error.witness is None:
        return {"collapses": False, "sentence": sentence, "witness": None, "proof": "", "verified": False,
                "report": "no counterexample was found to check",
                "report_html": "no counterexample was found to check"}
    witness = error.witness
    proof = non_collapse_proof(network, witness)
    report = proof.verify()
    sub = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
    f = (f"z{str(witness.output).translate(sub)} − z{str(witness.minus).translate(sub)}" if witness.scores
         else f"output {witness.output}")
    explain = (f"An affine f has f(x + y) + f(0) = f(x) + f(y) for every x and y. With the weights given below, "
               f"f = {f} misses it at the x and y below by {readable_number(float(witness.difference))}: no w′ "
               "and b′ can give this network, so its boundary need not be straight.")
    return {"collapses": False, "sentence": sentence, "explain": explain,
            "witness": {"x": [mathml(v) for v in witness.x], "y": [mathml(v) for v in witness.y],
                        "difference": str(witness.difference.evalf(10))},
            "proof": _derivation_html(proof, report), "verified": report.ok, "report": report.report(),
            "report_html": prose(report.report())}


def readable_number(value: float) -> str:
    """4 significant digits as a page writes them: −4.606 × 10⁻⁷, 8 228, 0.3696."""
    if value != 0 and not 1e-4 <= abs(value) < 1e6:
        mantissa, exponent = f"{value:.3e}".split("e")
        power = str(int(exponent)).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
        return f"{mantissa.replace('-', '−')} × 10{power}"
    return f"{value:.4g}".replace("-", "−")


def _derivation_html(derivation, report) -> str:
    """A derivation's intro, steps with their marks, conclusion and check report (the body of its page)."""
    intro = f'<p class="intro">{prose(derivation.intro)}</p>\n' if derivation.intro else ""
    return intro + derivation_body_html(derivation, report)


# --- Numbers ---------------------------------------------------------------------------------


def loss_for(network: Network, requested: str = "auto") -> str:
    """The loss the Numbers panel and the training use: cross-entropy after softmax, bce after a sigmoid,
    the squared error otherwise (or the one asked for, when the output can take it)."""
    allowed = loss_choices(network)
    if requested == "auto":
        return allowed[0]
    if requested not in allowed:
        raise InvalidArgumentError(f"'loss' {requested!r} does not fit a {network.layers[-1].activation.name} "
                                   f"output; it takes {', '.join(allowed)}")
    return requested


def read_loss(data: dict, network: Network) -> str:
    """The request's ``loss`` ("auto" unless given), as ``loss_for`` settles it for this output."""
    return loss_for(network, validate.choice(data, "loss", ("auto", "bce", "squared_error", "cross_entropy"), "auto"))


def loss_choices(network: Network) -> tuple[str, ...]:
    output = network.layers[-1].activation
    if output.is_vector:
        return ("cross_entropy", "squared_error")
    if output.name == "sigmoid":
        return ("bce", "squared_error")
    return ("squared_error",)


def read_params(data: dict, network: Network) -> Params:
    """``weights`` (one matrix per layer, a row per input k) and ``biases`` (a list per layer)."""
    weights = data.get("weights")
    if not isinstance(weights, list) or len(weights) != network.depth:
        raise InvalidArgumentError(f"'weights' must be a list of {network.depth} matrices, one per layer")
    Ws = [np.array(validate.matrix(w, layer.n_in, layer.n_out, f"W[{layer.index}]"))
          for w, layer in zip(weights, network.layers)]
    if not network.has_bias:
        return Params.from_arrays(Ws)
    biases = data.get("biases")
    if not isinstance(biases, list) or len(biases) != network.depth:
        raise InvalidArgumentError(f"'biases' must be a list of {network.depth} lists, one per layer")
    bs = [np.array(validate.numbers(b, layer.n_out, f"b[{layer.index}]")) for b, layer in zip(biases, network.layers)]
    return Params.from_arrays(Ws, bs)


def read_sample(data: dict, network: Network) -> tuple[Params, np.ndarray]:
    """The request's weights and biases, and its ``inputs`` as a batch of one row."""
    params = read_params(data, network)
    return params, np.array([validate.numbers(data.get("inputs"), network.sizes[0], "inputs")])


def params_json(params: Params, network: Network) -> dict:
    Ws, bs = params.arrays()
    return {"weights": [np.round(W, 6).tolist() for W in Ws],
            "biases": [np.round(b, 6).tolist() for b in bs] if network.has_bias else None}


def random_params(spec: NetworkSpec, seed: int) -> dict:
    network = spec.network()
    return params_json(Params.random(network, seed=seed), network)


@lru_cache(maxsize=CACHED_NETWORKS)
def _gradient(spec: NetworkSpec, loss: str) -> CompiledGradient:
    return CompiledGradient(compiled(spec), loss)


def numbers_panel(spec: NetworkSpec, data: dict) -> dict:
    """Every z and a for the given inputs; with targets also the loss, every δ and every gradient."""
    network = spec.network()
    params, x = read_sample(data, network)
    with np.errstate(all="ignore"):  # what is not finite is said below
        trace = compiled(spec).trace(x, params)
    for j, (Z, A) in enumerate(zip(trace.Z, trace.A[1:]), start=1):
        _check_finite(f"z or a of layer {j}", [Z, A])
    answer = {"z": [Z[0].tolist() for Z in trace.Z], "a": [A[0].tolist() for A in trace.A],
              "loss_choices": list(loss_choices(network))}
    targets = data.get("targets")
    if targets is None:
        return answer
    loss = read_loss(data, network)
    y = np.array([validate.numbers(targets, network.sizes[-1], "targets")])
    _check_targets(y[0], loss)
    with np.errstate(all="ignore"):
        gradient = _gradient(spec, loss)(x, y, params)
    _check_finite("the loss or a gradient", [np.array(gradient.loss), *gradient.deltas, *gradient.dW, *gradient.db])
    answer.update(loss=loss, loss_value=float(gradient.loss), deltas=[d[0].tolist() for d in gradient.deltas],
                  dW=[dW.tolist() for dW in gradient.dW],
                  db=[db.tolist() for db in gradient.db] if network.has_bias else None)
    return answer


def _check_finite(what: str, arrays) -> None:
    """A value that is not a finite number (1/z at z = 0, an overflow) is refused, saying where, not sent as NaN."""
    for array in arrays:
        if not np.all(np.isfinite(array)):
            raise BadNumbersError(f"{what} is not a finite number at these inputs and weights (an activation "
                                  "divides by zero or overflows there); change the numbers or the formula")


def _check_targets(y: np.ndarray, loss: str) -> None:
    if loss == "bce" and not np.all((0 <= y) & (y <= 1)):
        raise InvalidArgumentError(f"the binary cross-entropy takes targets from 0 to 1, not {y.tolist()}")
    if loss == "cross_entropy" and (np.any(y < 0) or abs(y.sum() - 1) > 1e-9):
        raise InvalidArgumentError(f"the cross-entropy takes targets that are probabilities summing to 1 "
                                   f"(one-hot: a 1 for the true class), not {y.tolist()}")


def exact_check(spec: NetworkSpec, data: dict) -> dict:
    """The compiled outputs against the exact symbolic form at the same numbers (``symnn.crosscheck``)."""
    network = spec.network()
    params, x = read_sample(data, network)
    check = crosscheck(network, params, x)
    _check_finite("the difference from the exact form", [np.array(check.max_abs)])
    return {"ok": bool(check.ok(1e-12)), "max_abs": [float(v) for v in check.max_abs],
            "text": f"NumPy's outputs agree with the exact symbolic a⁽{network.depth}⁾ to "
                    f"{max(check.max_abs):.1e}" if check.ok(1e-12) else
                    f"NumPy's outputs differ from the exact form by up to {max(check.max_abs):.1e}"}


__all__ = ["network_panel", "unit_panel", "collapse_panel", "collapse_proof_panel", "numbers_panel", "random_params",
           "exact_check", "loss_for"]
