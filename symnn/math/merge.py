"""Merging runs of consecutive affine layers inside a mixed network into one affine layer.

linear → linear → sigmoid becomes one linear layer then sigmoid: the smaller
network with its weights written in the original ones computes the same f(x).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from symnn.core.layer import Layer
from symnn.core.network import Network
from symnn.core.printing import Shows
from symnn.errors import InvalidArgumentError
from symnn.math import exact
from symnn.math.affine import compose
from symnn.math.derivation import Derivation
from symnn.math.equality import Check, check_equal
from symnn.math.proofs import merge_proof
from symnn.config import current


def affine_runs(network: Network) -> list[list[Layer]]:
    """The layers grouped into maximal runs of consecutive affine layers; each non-affine layer alone."""
    groups: list[list[Layer]] = []
    for layer in network.layers:
        if layer.activation.is_affine and groups and groups[-1][-1].activation.is_affine:
            groups[-1].append(layer)
        else:
            groups.append([layer])
    return groups


@dataclass(frozen=True)
class Merged(Shows):
    """The smaller network and the values of its parameters in the original network's parameters."""

    original: Network
    network: Network
    substitution: dict
    groups: tuple

    @property
    def merged_any(self) -> bool:
        return len(self.network.layers) < len(self.original.layers)

    def output(self, i: int = 1):
        """The smaller network's output i, written in the original parameters."""
        return self.network.output(i).xreplace(self.substitution)

    def verify(self, seed: int = 0, points: int = 3) -> Check:
        """The merged network computes the original f(x): symbolically where affordable, else at random points."""
        if self.original.n_params <= current().symbolic_verify_parameters:
            for i in range(1, self.original.sizes[-1] + 1):
                check = check_equal(self.original.output(i), self.output(i), seed=seed)
                if not check.holds:
                    return check
            return Check(True, "symbolic comparison of the outputs")
        return self._verify_at_points(seed, points)

    def _verify_at_points(self, seed: int, points: int) -> Check:
        def merged(values: dict, x: list) -> list:
            merged_values = {p: self.substitution[p].xreplace(values) for p in self.network.params()}
            return exact.forward(self.network, merged_values, x)

        return exact.agrees_at_points(self.original, merged, seed, points)

    @cached_property
    def proof(self) -> Derivation:
        """The merge as a checked derivation."""
        return merge_proof(self)

    # The smaller network's parameters reuse the names w_{ki}^{[j]}, so listing them beside the
    # original ones would read as circular: a Merged shows its proof instead.
    def show_latex(self, printer) -> str:
        return self.proof.show_latex(printer)

    def show_pretty(self, printer) -> str:
        return self.proof.show_pretty(printer)

    def _repr_latex_(self) -> str:
        return self.proof._repr_latex_()

    def __repr__(self) -> str:
        return f"Merged({self.original!r} → {self.network!r})"


def merge_affine(network: Network) -> Merged:
    """Replace each run of two or more consecutive affine layers by one linear layer with composed weights."""
    if not isinstance(network, Network):
        raise InvalidArgumentError(f"merge_affine() takes a symnn Network, not {type(network).__name__}")
    groups = affine_runs(network)
    sizes = [network.sizes[0]] + [group[-1].n_out for group in groups]
    activations, matrices, biases = [], [], []
    for group in groups:
        if len(group) == 1:
            activations.append(group[0].activation)
            matrices.append(None)
            biases.append([group[0].bias_term(i) for i in range(1, group[0].n_out + 1)])
        else:
            matrix, bias = compose(group)
            activations.append("linear")
            matrices.append(matrix)
            biases.append(bias)
    needs_bias = network.has_bias or any(b != 0 for column in biases for b in column)
    unit_names = [group[-1].unit_names for group in groups]
    smaller = Network(sizes, activation=activations, bias=needs_bias,
                      input_names=network.input_names, unit_names=unit_names)
    substitution = {}
    for j, (group, matrix, bias) in enumerate(zip(groups, matrices, biases), start=1):
        new = smaller.layer(j)
        for k in range(1, new.n_in + 1):
            for i in range(1, new.n_out + 1):
                old = matrix[k - 1][i - 1] if matrix is not None else group[0].weight(k, i)
                substitution[new.weight(k, i)] = old
        if needs_bias:
            for i in range(1, new.n_out + 1):
                substitution[new.bias_term(i)] = bias[i - 1]
    return Merged(network, smaller, substitution, tuple(tuple(layer.index for layer in g) for g in groups))
