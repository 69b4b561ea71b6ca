"""Proofs as Derivations: the collapse of an all-affine network and the merge of affine runs.

Each proof has a block-form step that holds for every size, and, where the
network is small enough to print, the elementwise steps in the lecture's form.
"""

from __future__ import annotations

from .collapse import Collapse, block_identity
from .derivation import Derivation
from .merge import Merged
from .network import Network

# Elementwise steps are printed only for networks this small; larger ones get the block form alone.
ELEMENTWISE_PROOF_PARAMETER_LIMIT = 60
ELEMENTWISE_PROOF_OUTPUT_LIMIT = 3


def _affine_sentence(network: Network) -> str:
    parts = []
    for layer in network.layers:
        s, t = layer.activation.affine_coefficients
        parts.append(f"layer {layer.index}: g(z) = {layer.activation.expr} (s = {s}, t = {t})")
    return "Every activation is affine, decided from g itself (g'' = 0): " + "; ".join(parts) + "."


def collapse_proof(result: Collapse) -> Derivation:
    """f(x) = (W^{[1]}⋯W^{[L]})^T x + b' in block form, then w'_k and b' written out where affordable."""
    net = result.network
    proof = Derivation(
        f"{net!r} collapses to a linear model",
        intro=_affine_sentence(net),
        conclusion="So the network computes one linear model w'·x + b': its hidden layers add nothing a single layer could not.",
    )
    lhs, rhs = block_identity(net, symbolic=True)
    proof.step(lhs, rhs, "multiply out; (AB)^T = B^T A^T; holds for all sizes n_0, …, n_L")
    if net.n_params > ELEMENTWISE_PROOF_PARAMETER_LIMIT:
        return proof
    for i in range(1, min(result.n_outputs, ELEMENTWISE_PROOF_OUTPUT_LIMIT) + 1):
        output_symbol = net.layers[-1].a_symbol(i)
        proof.define(output_symbol, net.output(i), "the network, layer by layer, in terms of x")
        proof.step(output_symbol, result.explicit_model(i), "multiply out and collect the coefficient of each x_k")
        for line in result.definitions(i):
            proof.define(line.lhs, line.rhs, "name the coefficient")
        proof.step(result.explicit_model(i), result.model(i), "the linear model")
    return proof


def merge_proof(merged: Merged) -> Derivation:
    """Each run of affine layers as one affine map (block form), then the outputs compared where affordable."""
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
    if original.n_params <= ELEMENTWISE_PROOF_PARAMETER_LIMIT and runs:
        for i in range(1, min(original.sizes[-1], ELEMENTWISE_PROOF_OUTPUT_LIMIT) + 1):
            proof.step(original.output(i), merged.output(i), "the smaller network with the composed weights")
    return proof
