"""The network a request describes, and the symbolic work done for it, cached per network.

A ``NetworkSpec`` is frozen and hashable: two tabs asking about the same network share
its (immutable) SymPy objects, and nothing a tab changes is kept on the server. The
caches are bounded (``CACHED_NETWORKS`` networks each) and safe to fill from several
threads at once (at worst a result is worked out twice).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from symnn.app.commands import parse_activation_list, parse_sizes
from symnn.app.explore import validate
from symnn.core.activations import get as get_activation
from symnn.core.network import Network
from symnn.errors import InvalidArgumentError, InvalidSizeError, NotCollapsible
from symnn.math.collapse import Collapse, collapse
from symnn.numeric.compile import CompiledNetwork, compile as compile_network

CACHED_NETWORKS = 64


@dataclass(frozen=True)
class NetworkSpec:
    """Sizes, one activation per computed layer, biases on or off, input and unit names."""

    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    bias: bool = True
    input_names: tuple[str, ...] | None = None
    unit_names: tuple[tuple[str, ...] | None, ...] | None = None

    @property
    def depth(self) -> int:
        return len(self.sizes) - 1

    def network(self) -> Network:
        return build_network(self)

    def scores(self) -> "NetworkSpec":
        """The same network with a linear output layer: its outputs are the scores z^{[L]}."""
        return replace(self, activations=self.activations[:-1] + ("linear",))

    def hidden_affine(self) -> bool:
        """Whether every hidden layer is affine (then z^{[L]} is linear in x, whatever the output's g)."""
        return all(layer.activation.is_affine for layer in self.network().layers[:-1])

    def describe(self) -> dict:
        """The spec as the page sends it back (the form's fields)."""
        return {"sizes": ",".join(map(str, self.sizes)), "activations": list(self.activations), "bias": self.bias,
                "input_names": ", ".join(self.input_names or ()),
                "unit_names": [", ".join(names or ()) for names in (self.unit_names or [None] * self.depth)]}


def read_spec(data: dict) -> NetworkSpec:
    """The request's ``network`` object: ``sizes`` as typed ("3,4,1"), ``activations`` (one text for every
    layer, or a list of one per layer; ``expr:`` formulas go through the safe parser), ``bias``,
    ``input_names`` and ``unit_names`` (a list with one comma-separated text per layer)."""
    spec = data.get("network")
    if not isinstance(spec, dict):
        raise InvalidArgumentError("the request needs a 'network' object with 'sizes' such as \"3,4,1\"")
    sizes = tuple(parse_sizes(validate.text(spec, "sizes")))
    _check_bounds(sizes)
    activations = _activations(spec.get("activations", "linear"), len(sizes) - 1)
    bias = validate.flag(spec, "bias", True)
    input_names = validate.names(validate.text(spec, "input_names", ""), "input names")
    unit_names = _unit_names(spec.get("unit_names"), len(sizes) - 1)
    result = NetworkSpec(sizes, activations, bias, tuple(input_names) if input_names else None, unit_names)
    result.network()  # refuses what a Network refuses (a softmax in a hidden layer, repeated names), with its message
    return result


def _check_bounds(sizes: tuple[int, ...]) -> None:
    if any(size < 1 for size in sizes):
        raise InvalidSizeError(f"sizes {','.join(map(str, sizes))}: every layer needs at least one unit")
    if len(sizes) < 2:
        raise InvalidSizeError(f"sizes {sizes[0]} has only the input layer; add at least one computed layer, "
                               f"e.g. {sizes[0]},1")
    units = sum(sizes[1:])
    parameters = sum((n_in + 1) * n_out for n_in, n_out in zip(sizes, sizes[1:]))
    allowed = (f"the explorer builds networks of up to {validate.MAX_INPUTS} inputs, {validate.MAX_LAYERS} "
               f"computed layers, {validate.MAX_UNITS} units and {validate.MAX_PARAMETERS:,} weights and biases "
               "(use the Python API or the symnn command for larger ones)")
    shown = ",".join(map(str, sizes))
    if sizes[0] > validate.MAX_INPUTS:
        raise InvalidSizeError(f"sizes {shown} has {sizes[0]} inputs; {allowed}")
    if len(sizes) - 1 > validate.MAX_LAYERS:
        raise InvalidSizeError(f"sizes {shown} has {len(sizes) - 1} computed layers; {allowed}")
    if units > validate.MAX_UNITS:
        raise InvalidSizeError(f"sizes {shown} has {units} units; {allowed}")
    if parameters > validate.MAX_PARAMETERS:
        raise InvalidSizeError(f"sizes {shown} has {parameters:,} weights and biases; {allowed}")


def _activations(value, depth: int) -> tuple[str, ...]:
    if isinstance(value, str):
        value = parse_activation_list(validate.text_value(value, "activations"))
    if isinstance(value, str):
        value = [value] * depth
    if not isinstance(value, list) or len(value) != depth:
        got = len(value) if isinstance(value, list) else type(value).__name__
        raise InvalidArgumentError(f"'activations' must name one activation for every layer or list exactly "
                                   f"{depth} (one per layer 1..{depth}), got {got}")
    texts = tuple(validate.text_value(v, "activation").strip() for v in value)
    for name in dict.fromkeys(texts):
        get_activation(name)  # unknown names and unsafe formulas are refused with the parser's message
    return texts


def _unit_names(value, depth: int):
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != depth:
        raise InvalidArgumentError(f"'unit_names' must be a list of {depth} texts, one per layer 1..{depth} "
                                   "(empty for unnamed units)")
    per_layer = tuple(validate.names(validate.text_value(v, "unit_names"), f"layer {j} unit names")
                      for j, v in enumerate(value, start=1))
    if not any(per_layer):
        return None
    return tuple(tuple(names) if names else None for names in per_layer)


@lru_cache(maxsize=CACHED_NETWORKS)
def build_network(spec: NetworkSpec) -> Network:
    return Network(list(spec.sizes), activation=list(spec.activations), bias=spec.bias,
                   input_names=list(spec.input_names) if spec.input_names else None,
                   unit_names=[list(n) if n else None for n in spec.unit_names] if spec.unit_names else None)


@lru_cache(maxsize=CACHED_NETWORKS)
def compiled(spec: NetworkSpec) -> CompiledNetwork:
    return compile_network(spec.network())


@lru_cache(maxsize=CACHED_NETWORKS)
def collapse_outcome(spec: NetworkSpec) -> Collapse | NotCollapsible:
    """The network's collapse, or the NotCollapsible (with its witness) that says why it has none."""
    try:
        return collapse(spec.network())
    except NotCollapsible as error:
        return error
