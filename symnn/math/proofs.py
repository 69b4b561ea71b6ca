"""Proofs as Derivations: the collapse of an all-affine network and the merge of affine runs.

Each proof has a block-form step that holds for every size, and, where the
network is small enough to print, the elementwise steps in the lecture's form.
"""

from __future__ import annotations

from symnn.core.network import Network
from symnn.math.affine import block_identity
from symnn.math.derivation import Derivation
from symnn.config import current

# Elementwise steps are printed only for networks up to the proof_parameters setting
# (and proof_outputs outputs); larger ones get the block form alone.


def _affine_sentence(network: Network) -> str:
    parts = []
    for layer in network.layers:
        s, t = layer.activation.affine_coefficients
        parts.append(f"layer {layer.index}: g(z) = {layer.activation.expr} (s = {s}, t = {t})")
    return "Every activation is affine, decided from g itself (g'' = 0): " + "; ".join(parts) + "."


def collapse_proof(result) -> Derivation:
    """f(x) = (W^{[1]}⋯W^{[L]})^T x + b' in block form, then w'_k and b' written out where affordable.

    ``result`` is a symnn.math.collapse.Collapse (which calls this for its ``proof``).
    """
    net = result.network
    proof = Derivation(
        f"{net!r} collapses to a linear model",
        intro=_affine_sentence(net),
        conclusion="So the network computes one linear model w'·x + b': its hidden layers add nothing a single layer could not.",
    )
    lhs, rhs = block_identity(net, symbolic=True)
    proof.step(lhs, rhs, "multiply out; (AB)^T = B^T A^T; holds for all sizes n_0, …, n_L")
    settings = current()
    if net.n_params > settings.proof_parameters:
        return proof
    for i in range(1, min(result.n_outputs, settings.proof_outputs) + 1):
        output_symbol = net.layers[-1].a_symbol(i)
        proof.define(output_symbol, net.output(i), "the network, layer by layer, in terms of x")
        proof.step(output_symbol, result.explicit_model(i), "multiply out and collect the coefficient of each x_k")
        for line in result.definitions(i):
            proof.define(line.lhs, line.rhs, "name the coefficient")
        proof.step(result.explicit_model(i), result.model(i), "the linear model")
    return proof


def merge_proof(merged) -> Derivation:
    """Each run of affine layers as one affine map (block form), then the outputs compared where affordable.

    ``merged`` is a symnn.math.merge.Merged (which calls this for its ``proof``).
    """
    original = merged.original
    runs = [g for g in merged.groups if len(g) > 1]
    intro = (
        "Consecutive affine layers " + ", ".join("{" + ", ".join(map(str, g)) + "}" for g in runs)
        + f" merge into one linear layer each, giving {merged.network!r}." if runs
        else "No two consecutive layers are affine, so nothing merges."
    )
    proof = Derivation(f"Merging the affine runs of {original!r}", intro=intro)
    for group in runs:
        lhs, rhs = block_identity(original, symbolic=True, first=group[0], last=group[-1])
        proof.step(lhs, rhs, f"layers {group[0]} to {group[-1]} are one affine map")
    settings = current()
    if original.n_params <= settings.proof_parameters and runs:
        for i in range(1, min(original.sizes[-1], settings.proof_outputs) + 1):
            proof.step(original.output(i), merged.output(i), "the smaller network with the composed weights")
    return proof
