"""Network: layers 1..L on inputs x, lazily giving any unit's z and a, the W/b matrices, Σ and block forms.

Layer 0 is the input layer (a_k^{[0]} = x_k). Vector form of layer j:
z^{[j]} = W^{[j]T} a^{[j−1]} + b^{[j]},  a^{[j]} = g^{[j]}(z^{[j]}).
"""

from __future__ import annotations

from typing import Mapping, Sequence

from sympy import Eq, Expr, Matrix, MatrixExpr, Symbol

from symnn.config import Progress, current, report_progress
from symnn.core import guards, notation
from symnn.core.activations import Activation, get as get_activation
from symnn.core.layer import Layer, Neuron, check_names, check_size, check_unit
from symnn.core.printing import Shows
from symnn.core.softmax import HIDDEN_MESSAGE
from symnn.errors import IndexOutOfRangeError, InvalidActivationError, InvalidNamesError, InvalidSizeError

__all__ = ["Network", "Layer", "Neuron"]


def _check_sizes(sizes) -> tuple[int, ...]:
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise InvalidSizeError(f"sizes must be a list of positive integers such as [3, 4, 1], not {sizes!r}")
    if len(sizes) == 0:
        raise InvalidSizeError("sizes is empty; give the input size then each layer's size, e.g. [3, 4, 1]")
    if len(sizes) == 1:
        raise InvalidSizeError(f"sizes {list(sizes)} has only the input layer; add at least one computed layer, e.g. [{sizes[0]}, 1]")
    return tuple(check_size(n, f"layer size sizes[{j}]") for j, n in enumerate(sizes))


def _per_layer(activation, count: int) -> list[Activation]:
    """One Activation per layer; each distinct name is looked up once, so layers share one record
    (and its facts, such as whether it is affine, are worked out once for a deep network)."""
    if isinstance(activation, (str, Activation)):
        return [get_activation(activation)] * count
    if not isinstance(activation, Sequence) or len(activation) != count:
        got = len(activation) if isinstance(activation, Sequence) else repr(activation)
        raise InvalidActivationError(f"give one activation for all layers or a list of exactly {count} (one per layer 1..{count}), got {got}")
    looked_up: dict = {}
    records = []
    for spec in activation:
        key = spec if isinstance(spec, (str, Activation)) else id(spec)
        if key not in looked_up:
            looked_up[key] = get_activation(spec)
        records.append(looked_up[key])
    return records


def _unit_names_per_layer(unit_names, sizes) -> list:
    count = len(sizes) - 1
    if unit_names is None:
        return [None] * count
    if isinstance(unit_names, Mapping):
        bad = [j for j in unit_names if not (isinstance(j, int) and 1 <= j <= count)]
        if bad:
            raise InvalidNamesError(f"unit_names keys must be layer numbers 1..{count}, not {bad}")
        return [unit_names.get(j) for j in range(1, count + 1)]
    if isinstance(unit_names, str) or not isinstance(unit_names, Sequence) or len(unit_names) != count:
        raise InvalidNamesError(f"unit_names must be a dict {{layer: names}} or a list of {count} entries (one per layer, None for unnamed)")
    return list(unit_names)


# z^{[j]} = W^{[j]T} a^{[j−1]} + b^{[j]} and a^{[j]} = g(z^{[j]}) have about this many nodes (measured: 3 000
# layers, 66 000 nodes)
BLOCK_NODES_PER_LAYER = 22


class Network(Shows):
    """A fully connected network (multilayer perceptron) in the lecture's notation.

    ``sizes`` = [n_0, n_1, …, n_L]: n_0 inputs, then each layer's units.
    ``activation`` is one name/Activation for every layer or a list, one per layer.
    Nothing is expanded until asked for, so a 784-128-10 network is cheap to make.
    Answers the same questions as Layer and Neuron: ``z(j, i)``, ``a(j, i)``, ``W(j)``,
    ``b(j)``, ``params()``, ``has_bias``.

    >>> net = Network([3, 4, 1], activation="linear")
    >>> net
    Network(3→4→1, linear)
    >>> net.z(2, 1)
    w11[2]*a1[1] + w21[2]*a2[1] + w31[2]*a3[1] + w41[2]*a4[1] + b1[2]
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str | Activation | Sequence[str | Activation] = "linear",
        bias: bool = True,
        input_names: Sequence[str] | None = None,
        unit_names: Sequence[Sequence[str] | None] | Mapping[int, Sequence[str]] | None = None,
    ):
        self.sizes = _check_sizes(sizes)
        count = len(self.sizes) - 1
        activations = _per_layer(activation, count)
        names = _unit_names_per_layer(unit_names, self.sizes)
        self.input_names = check_names(input_names, self.sizes[0], "input names")
        self.has_bias = bool(bias)
        self.layers: tuple[Layer, ...] = tuple(
            Layer(
                self.sizes[j - 1],
                self.sizes[j],
                activations[j - 1],
                index=j,
                bias=self.has_bias,
                unit_names=names[j - 1],
                input_names=self.input_names if j == 1 else names[j - 2],
                input_layer=None if j == 1 else j - 1,
            )
            for j in range(1, count + 1)
        )
        self._from_inputs: dict[int, list[Expr]] = {}
        hidden_vector = [layer.index for layer in self.layers[:-1] if layer.activation.is_vector]
        if hidden_vector:
            raise InvalidActivationError(HIDDEN_MESSAGE.format(j=hidden_vector[0]))

    # --- shape ---------------------------------------------------------------------
    @property
    def depth(self) -> int:
        """L, the number of computed layers."""
        return len(self.layers)

    @property
    def activations(self) -> list[Activation]:
        return [layer.activation for layer in self.layers]

    def layer(self, j: int) -> Layer:
        """Layer j, for j = 1..L."""
        return self.layers[self._check_layer(j) - 1]

    def _check_layer(self, j, lowest: int = 1) -> int:
        if isinstance(j, bool) or not isinstance(j, int) or not lowest <= j <= self.depth:
            raise IndexOutOfRangeError(f"layer index j must be an integer from {lowest} to {self.depth}, not {j!r}")
        return j

    def inputs(self) -> list[Symbol]:
        """x_1, …, x_{n_0}."""
        return self.layers[0].inputs()

    # --- one unit or one layer ---------------------------------------------------------
    def _layer_of(self, j) -> Layer:
        if j is None:
            if self.depth == 1:
                return self.layers[0]
            raise IndexOutOfRangeError(f"give the layer j, an integer from 1 to {self.depth}")
        return self.layer(j)

    def z(self, j: int | None = None, i: int | None = None, from_inputs: bool = False,
          progress: Progress | None = None):
        """z_i^{[j]} in terms of a^{[j−1]} (the lecture's one-layer view), or of x with ``from_inputs``.

        All units as a column when i is None; j may be left out in a one-layer network.
        """
        layer = self._layer_of(j)
        sources = self._previous(layer.index, progress) if from_inputs else None
        return layer.unit_or_column(layer.unit_z, i, sources)

    def a(self, j: int | None = None, i: int | None = None, from_inputs: bool = False,
          progress: Progress | None = None):
        """a_i^{[j]} = g^{[j]}(z_i^{[j]}); a^{[0]} is the input x. In terms of x with ``from_inputs``."""
        if j == 0:
            if i is None:
                return Matrix(self.inputs())
            return self.layers[0].input(check_unit(i, self.sizes[0], "input index k"))
        if j is not None:
            self._check_layer(j, lowest=0)
        layer = self._layer_of(j)
        sources = self._previous(layer.index, progress) if from_inputs else None
        return layer.unit_or_column(layer.unit_a, i, sources)

    def _previous(self, j: int, progress: Progress | None = None) -> list[Expr] | None:
        """a^{[j−1]} written in terms of x, built once per layer and kept (refused when huge or too deep)."""
        if j == 1:
            return None
        guards.check(j, f"layer {j} of {self!r} written in terms of x", setting="depth", unit="nested layers",
                     alternative="use the block form or symnn.compile")
        guards.check(guards.nested_terms(self.sizes, j), f"layer {j} of {self!r} written in terms of x")
        for below in range(1, j):  # layer by layer, not recursively: deep networks need no deep stack
            if below not in self._from_inputs:
                layer = self.layers[below - 1]
                sources = self._from_inputs.get(below - 1)
                units = report_progress(range(1, layer.n_out + 1), layer.n_out, f"a[{below}] in terms of x", progress,
                                        large=layer.n_out * layer.n_in > 20_000)
                self._from_inputs[below] = [layer.unit_a(i, sources) for i in units]  # softmax: output layer only
        return self._from_inputs[j - 1]

    def output(self, i: int | None = None, from_inputs: bool = True, progress: Progress | None = None):
        """The network's output a^{[L]} (unit i, or the column of all), by default in terms of x."""
        return self.a(self.depth, i, from_inputs=from_inputs, progress=progress)

    def expanded_output(self, i: int = 1) -> Expr:
        """Output i multiplied out completely (refused beyond the term limit: see symnn.guards)."""
        check_unit(i, self.sizes[-1], "output index i")
        guards.check(guards.expansion_terms(self.sizes) // self.sizes[-1], f"the expanded output of {self!r}",
                     setting="expanded",
                     alternative="collapse(network) gives the coefficients without expanding")
        return self.output(i).expand()

    def z_sum(self, j: int, i: int) -> Expr:
        """z_i^{[j]} in the lecture's Σ form: Σ_k w_{ki}^{[j]} a_k^{[j−1]} + b_i^{[j]}."""
        return self.layer(j).z_sum(i)

    def equations(self, j: int | None = None) -> list[Eq]:
        """z and a of every unit of layer j (or of every layer), as equations."""
        layers = self.layers if j is None else [self.layer(j)]
        return [line for layer in layers for line in layer.equations()]

    def W(self, j: int | None = None) -> Matrix:
        """W^{[j]}, n_{j−1} × n_j, entry (k, i) = w_{ki}^{[j]}."""
        return self._layer_of(j).W()

    def b(self, j: int | None = None) -> Matrix:
        """b^{[j]}, an n_j × 1 column (zeros for a network without biases)."""
        return self._layer_of(j).b()

    def neuron(self, j: int, i: int) -> Neuron:
        return self.layer(j).neuron(i)

    def params(self) -> list[Symbol]:
        """All parameters, layer by layer; in each layer W^{[j]} row by row, then b^{[j]}."""
        guards.check(self.n_params, f"the parameters of {self!r}", setting="symbols", unit="symbols",
                     alternative="use symnn.Params for numbers, or the block form")
        return [p for layer in self.layers for p in layer.params()]

    @property
    def n_params(self) -> int:
        """How many parameters, counted without building any symbol."""
        return sum(layer.n_params for layer in self.layers)

    # --- block form --------------------------------------------------------------
    def block_sizes(self, symbolic: bool = False) -> list:
        """[n_0, …, n_L] as integers, or as SymPy symbols for identities that hold for every size."""
        return [notation.size(j) for j in range(len(self.sizes))] if symbolic else list(self.sizes)

    def block_z(self, j: int, symbolic: bool = False, source: MatrixExpr | None = None) -> MatrixExpr:
        """z^{[j]} = W^{[j]T} a^{[j−1]} + b^{[j]} with MatrixSymbols (``source`` replaces a^{[j−1]})."""
        n = self.block_sizes(symbolic)
        return self.layer(j).block_z(n[j - 1], n[j], source)

    # --- display -----------------------------------------------------------------
    def __repr__(self) -> str:
        sizes = list(map(str, self.sizes))
        # a very deep network's shape is abbreviated, so that messages naming it stay one readable line
        shape = "→".join(sizes) if len(sizes) <= 12 else "→".join(sizes[:4] + ["…"] + sizes[-3:]) + f" ({len(sizes) - 1} layers)"
        names = [a.name for a in self.activations]
        acts = names[0] if len(set(names)) == 1 else "[" + ", ".join(names if len(names) <= 12 else
                                                                         names[:4] + ["…"] + names[-3:]) + "]"
        return f"Network({shape}, {acts}{'' if self.has_bias else ', no bias'})"

    def __str__(self) -> str:
        lines = [repr(self)]
        lines.append(f"  layer 0: {self.sizes[0]} inputs" + (f" ({', '.join(self.input_names)})" if self.input_names else ""))
        shown = list(self.layers) if self.depth <= 12 else [*self.layers[:5], None, *self.layers[-3:]]
        for layer in shown:
            if layer is None:
                lines.append(f"  … {self.depth - 8} more layers …")
                continue
            names = f" ({', '.join(layer.unit_names)})" if layer.unit_names else ""
            lines.append(f"  layer {layer.index}: {layer.n_out} unit{'' if layer.n_out == 1 else 's'}, {layer.activation.name}{names}")
        lines.append(f"  {self.n_params} parameters")
        return "\n".join(lines)

    def block_pairs(self, symbolic: bool = False) -> list[tuple]:
        """Per layer: z^{[j]} = W^{[j]T} a^{[j−1]} + b^{[j]} and a^{[j]} = g^{[j]}(z^{[j]})."""
        sizes = self.block_sizes(symbolic)
        return [pair for j, layer in enumerate(self.layers, start=1)
                for pair in layer.block_pairs(sizes[j - 1], sizes[j])]

    def display_pairs(self) -> list[tuple]:
        """Unit by unit, or in block form above the elementwise_parameters setting."""
        if self.n_params > current().elementwise_parameters:
            # checked before the lines are built: building them costs as much as printing them
            guards.check(BLOCK_NODES_PER_LAYER * self.depth, f"printing the {self.depth:,} layers of {self!r}",
                         setting="printed_nodes", unit="nodes", alternative="print one layer (network.layer(j))")
            return self.block_pairs()
        return [(eq.lhs, eq.rhs) for eq in self.equations()]
