"""Layer and Neuron: one layer's z and a in the lecture's notation, built lazily, one unit at a time.

z_i^{[j]} = Σ_k w_{ki}^{[j]} a_k^{[j−1]} + b_i^{[j]},   a_i^{[j]} = g^{[j]}(z_i^{[j]}).
"""

from __future__ import annotations

from typing import Sequence

from sympy import Add, Eq, Expr, Integer, Matrix, Mul, S, Sum, Symbol, zeros

from symnn.core import guards, notation
from symnn.core.activations import Activation, get as get_activation
from symnn.core.notation import Index
from symnn.core.printing import Shows
from symnn.core.softmax import ONE_UNIT_MESSAGE
from symnn.errors import (IndexOutOfRangeError, InvalidActivationError, InvalidArgumentError, InvalidNamesError,
                          InvalidSizeError)
from symnn.config import current


class UnitSum(Sum):
    """Σ_{k=1}^{n} w_{ki}^{[j]} a_k^{[j−1]} whose ``.doit()`` is size-guarded like ``z``.

    SymPy's own Sum.doit would expand 10^6 terms without asking (minutes, gigabytes);
    this one refuses past the unit_terms setting and expands by substitution, about
    twice as fast as SymPy's summation.
    """

    def doit(self, **hints):
        (index, lower, upper), = self.limits
        if not (lower.is_Integer and upper.is_Integer):
            return super().doit(**hints)
        guards.check(int(upper) - int(lower) + 1, f"the expansion of Σ_{index}={lower}..{upper}", setting="unit_terms",
                     alternative="keep the Σ form, or use symnn.compile for numbers")
        body = self.function.doit(**hints) if hints.get("deep", True) else self.function
        return Add(*[body.xreplace({index: Integer(k)}) for k in range(int(lower), int(upper) + 1)])


def check_size(value, what: str) -> int:
    """Return ``value`` if it is a positive integer, else raise InvalidSizeError naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidSizeError(f"{what} must be a positive integer, not {value!r}")
    return value


def check_names(names: Sequence[str] | None, count: int, what: str) -> tuple[str, ...] | None:
    """Validate a list of ``count`` distinct names for inputs or units; None means unnamed."""
    if names is None:
        return None
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise InvalidNamesError(f"{what} must be a list of {count} names, not {names!r}")
    if len(names) != count:
        raise InvalidNamesError(f"{what} must list exactly {count} names, got {len(names)}")
    seen: dict[str, str] = {}
    for name in names:
        key = notation.identifier_part(name).lower()
        if key in seen:
            raise InvalidNamesError(f"{what} repeat a name: {seen[key]!r} and {name!r} name the same thing")
        seen[key] = name
    return tuple(names)


def check_unit(i, count: int, what: str = "unit index i") -> int:
    """Return ``i`` if it is an integer from 1 to ``count``, else raise IndexOutOfRangeError naming ``what``."""
    if isinstance(i, bool) or not isinstance(i, int) or not 1 <= i <= count:
        raise IndexOutOfRangeError(f"{what} must be an integer from 1 to {count}, not {i!r}")
    return i


def check_own(value, own, what: str):
    """For a Layer or Neuron asked in the network's words: ``value`` must be None or its own index."""
    if value is not None and (isinstance(value, bool) or value != own):
        raise IndexOutOfRangeError(f"this object is {what} {own}; pass {what} {own} or leave it out, not {value!r}")
    return own


class Layer(Shows):
    """Layer j of a network: ``n_in`` inputs a_k^{[j−1]} (or x_k), ``n_out`` units with activation g^{[j]}.

    Answers the same questions as Network and Neuron: ``z(j, i)``, ``a(j, i)``,
    ``W(j)``, ``b(j)``, ``params()``, ``has_bias`` (j may be left out: it is this layer).

    >>> layer = Layer(3, 4, "sigmoid")
    >>> layer
    Layer(3→4, sigmoid)
    >>> layer.z(1, 1)
    w11[1]*x1 + w21[1]*x2 + w31[1]*x3 + b1[1]
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        activation: str | Activation = "linear",
        *,
        index: Index = 1,
        bias: bool = True,
        unit_names: Sequence[str] | None = None,
        input_names: Sequence[str] | None = None,
        input_layer: Index | None = None,
    ):
        self.n_in = check_size(n_in, "the number of inputs of a layer")
        self.n_out = check_size(n_out, "the number of units of a layer")
        self.activation = get_activation(activation)
        if self.activation.is_vector and self.n_out == 1:
            raise InvalidActivationError(ONE_UNIT_MESSAGE)
        self.index = index
        self.has_bias = bool(bias)
        self.unit_names = check_names(unit_names, n_out, "unit names")
        self.input_names = check_names(input_names, n_in, "input names")
        # None: the inputs are x_k; otherwise the activations a_k of that layer
        self.input_layer = input_layer

    # --- symbols -------------------------------------------------------------
    def input(self, k: int) -> Symbol:
        """The k-th input of this layer: x_k, or a_k^{[j−1]}."""
        check_unit(k, self.n_in, "input index k")
        name = self.input_names[k - 1] if self.input_names else None
        if self.input_layer is None:
            return notation.x(k, name)
        return notation.a(k, self.input_layer, name)

    def inputs(self) -> list[Symbol]:
        return [self.input(k) for k in range(1, self.n_in + 1)]

    def weight(self, k: int, i: int) -> Symbol:
        """w_{ki}^{[j]}: from input k to unit i."""
        return notation.w(check_unit(k, self.n_in, "input index k"), check_unit(i, self.n_out), self.index)

    def bias_term(self, i: int) -> Expr:
        """b_i^{[j]}, or 0 in a layer built without biases."""
        check_unit(i, self.n_out)
        return notation.b(i, self.index) if self.has_bias else S.Zero

    def unit_name(self, i: int) -> str | None:
        return self.unit_names[i - 1] if self.unit_names else None

    def z_symbol(self, i: int) -> Symbol:
        return notation.z(check_unit(i, self.n_out), self.index, self.unit_name(i))

    def a_symbol(self, i: int) -> Symbol:
        return notation.a(check_unit(i, self.n_out), self.index, self.unit_name(i))

    # --- one unit, from given inputs --------------------------------------------
    def unit_z(self, i: int, sources: Sequence[Expr] | None = None) -> Expr:
        """z_i^{[j]} = Σ_k w_{ki}^{[j]} s_k + b_i^{[j]} with the inputs s (default: this layer's input symbols)."""
        check_unit(i, self.n_out)
        guards.check(self.n_in + 1, f"z_{i}^[{self.index}] of {self!r}", setting="unit_terms",
                     alternative="use the Σ form (z_sum) or the block form (block_z), or symnn.compile for numbers")
        sources = self.inputs() if sources is None else list(sources)
        terms = [Mul(self.weight(k, i), source) for k, source in enumerate(sources, start=1)]
        return Add(*terms, self.bias_term(i))

    def unit_a(self, i: int, sources: Sequence[Expr] | None = None) -> Expr:
        """a_i^{[j]} = g(z_i^{[j]}) with the inputs s; under softmax e^{z_i} / Σ_m e^{z_m}, from every unit's z."""
        if self.activation.is_vector:
            check_unit(i, self.n_out)
            self.check_column()
            return self.activation.unit(i, [self.unit_z(m, sources) for m in range(1, self.n_out + 1)])
        return self.activation(self.unit_z(i, sources))

    def g_of_z(self, i: int) -> Expr:
        """a_i^{[j]} written in this layer's z symbols: g(z_i^{[j]}), or softmax's e^{z_i} / Σ_m e^{z_m}."""
        if self.activation.is_vector:
            return self.activation.shown(i, self.index, [self.z_symbol(m) for m in range(1, self.n_out + 1)])
        return self.activation(self.z_symbol(i))

    # --- the protocol -------------------------------------------------------------
    def unit_or_column(self, build, i: int | None, sources: Sequence[Expr] | None = None):
        """``build(i, sources)`` for unit i, or for every unit as a column (guarded) when i is None."""
        if i is None:
            self.check_column()
            if build == self.unit_a and self.activation.is_vector:  # the denominator built once, not n times
                return Matrix(self.activation.column([self.unit_z(u, sources) for u in range(1, self.n_out + 1)]))
            return Matrix([build(u, sources) for u in range(1, self.n_out + 1)])
        return build(i, sources)

    def check_column(self) -> None:
        """Refuse every unit's z or a as one column when it would build more terms than the symbols setting."""
        guards.check(self.n_in * self.n_out, f"every unit of {self!r}", setting="column_terms", unit="terms",
                     alternative="ask for one unit (i), or use the block form (block_z)")

    def _own_inputs(self, from_inputs: bool) -> None:
        if from_inputs and self.input_layer is not None:
            raise InvalidArgumentError(f"layer {self.index} on its own does not know the layers below it; "
                                       "use Network.z(j, i, from_inputs=True)")

    def z(self, j: Index | None = None, i: int | None = None, from_inputs: bool = False):
        """z_i^{[j]} = Σ_k w_{ki}^{[j]} a_k^{[j−1]} + b_i^{[j]}; all units as a column when i is None."""
        check_own(j, self.index, "layer")
        self._own_inputs(from_inputs)
        return self.unit_or_column(self.unit_z, i)

    def a(self, j: Index | None = None, i: int | None = None, from_inputs: bool = False):
        """a_i^{[j]} = g^{[j]}(z_i^{[j]}); all units as a column when i is None."""
        check_own(j, self.index, "layer")
        self._own_inputs(from_inputs)
        return self.unit_or_column(self.unit_a, i)

    def z_sum(self, i: int, index: Symbol | None = None) -> Expr:
        """The Σ form the lecture writes: Σ_{k=1}^{n} w_{ki}^{[j]} a_k^{[j−1]} + b_i^{[j]} (``.doit()`` expands it)."""
        check_unit(i, self.n_out)
        k = index if index is not None else Symbol("k", integer=True, positive=True)
        layer = notation.layer_value(self.index)
        source = notation.InputAt(k) if self.input_layer is None else notation.ActivationAt(
            k, notation.layer_value(self.input_layer))
        bias = notation.BiasAt(i, layer) if self.has_bias else 0
        return UnitSum(notation.WeightAt(k, i, layer) * source, (k, 1, self.n_in)) + bias

    def equations(self, i: int | None = None) -> list[Eq]:
        """The lecture's two lines per unit: z_i = Σ_k w_{ki} a_k + b_i and a_i = g(z_i)."""
        if i is None:
            self.check_column()
        units = range(1, self.n_out + 1) if i is None else [check_unit(i, self.n_out)]
        lines = []
        for u in units:
            lines.append(Eq(self.z_symbol(u), self.unit_z(u), evaluate=False))
            lines.append(Eq(self.a_symbol(u), self.g_of_z(u), evaluate=False))
        return lines

    def weight_rows(self) -> list[list[Symbol]]:
        """W^{[j]} as a list of rows of symbols (no Matrix), for code that builds on every weight."""
        guards.check(self.n_in * self.n_out, f"W^[{self.index}] of {self!r}", setting="symbols", unit="symbols",
                     alternative="use the block form (block_z) or symnn.compile and symnn.Params for numbers")
        return notation.weight_grid(self.n_in, self.n_out, self.index)

    def W(self, j: Index | None = None) -> Matrix:
        """W^{[j]}: n_in × n_out, entry (k, i) = w_{ki}^{[j]}; column i is unit i's weight vector."""
        check_own(j, self.index, "layer")
        return Matrix(self.weight_rows())

    def b(self, j: Index | None = None) -> Matrix:
        """b^{[j]} as an n_out × 1 column (zeros without biases)."""
        check_own(j, self.index, "layer")
        guards.check(self.n_out, f"b^[{self.index}] of {self!r}", setting="symbols", unit="symbols",
                     alternative="use the block form (block_z) or symnn.Params for numbers")
        if not self.has_bias:
            return zeros(self.n_out, 1)
        return Matrix([self.bias_term(i) for i in range(1, self.n_out + 1)])

    def params(self) -> list[Symbol]:
        """Weights row by row of W^{[j]} (k = 1..n_in, i = 1..n_out), then the biases b_1..b_n."""
        weights = [w for row in self.weight_rows() for w in row]
        biases = [self.bias_term(i) for i in range(1, self.n_out + 1)] if self.has_bias else []
        return weights + biases

    @property
    def n_params(self) -> int:
        return self.n_in * self.n_out + (self.n_out if self.has_bias else 0)

    def block_z(self, n_in=None, n_out=None, source=None):
        """z^{[j]} = W^{[j]T} a^{[j−1]} + b^{[j]} with MatrixSymbols of the given (possibly symbolic) sizes.

        ``source`` replaces the input column (x, or a^{[j−1]}).
        """
        n_in = self.n_in if n_in is None else n_in
        n_out = self.n_out if n_out is None else n_out
        if source is None:
            source = notation.matrix("x", n_in, 1) if self.input_layer is None else notation.matrix(
                "a", n_in, 1, self.input_layer)
        z = notation.matrix("W", n_in, n_out, self.index).T * source
        return z + notation.matrix("b", n_out, 1, self.index) if self.has_bias else z

    def block_pairs(self, n_in=None, n_out=None) -> list[tuple]:
        """z^{[j]} = W^{[j]T} a^{[j−1]} + b^{[j]} and a^{[j]} = g(z^{[j]}), in block form."""
        n_out = self.n_out if n_out is None else n_out
        z = notation.matrix("z", n_out, 1, self.index)
        return [(z, self.block_z(n_in, n_out)), (notation.matrix("a", n_out, 1, self.index), self.activation(z))]

    def display_pairs(self) -> list[tuple]:
        """Unit by unit, or in block form when the layer has more weights than the elementwise_parameters setting."""
        if self.n_in * self.n_out > current().elementwise_parameters:
            return self.block_pairs()
        return [(eq.lhs, eq.rhs) for eq in self.equations()]

    def neuron(self, i: int) -> "Neuron":
        """Unit i of this layer as a Neuron (same questions, one unit)."""
        return Neuron._of(self, check_unit(i, self.n_out))

    def __repr__(self) -> str:
        extra = "" if self.has_bias else ", no bias"
        return f"Layer({self.n_in}→{self.n_out}, {self.activation.name}{extra})"


class Neuron(Shows):
    """One unit: z = Σ_k w_k x_k + b and a = g(z); with sigmoid it is logistic regression as a one-layer network.

    Answers the same questions as Layer and Network; j and i may be left out (it is one unit of one layer).

    >>> Neuron(3).z()
    w11[1]*x1 + w21[1]*x2 + w31[1]*x3 + b1[1]
    >>> Neuron(3).a(1, 1) == Neuron(3).a()
    True
    """

    def __init__(
        self,
        n_inputs: int,
        activation: str | Activation = "sigmoid",
        *,
        bias: bool = True,
        input_names: Sequence[str] | None = None,
        name: str | None = None,
        layer: Index = 1,
        input_layer: Index | None = None,
    ):
        self.layer = Layer(n_inputs, 1, activation, index=layer, bias=bias, input_names=input_names,
                           unit_names=None if name is None else [name], input_layer=input_layer)
        self.unit = 1

    @classmethod
    def _of(cls, layer: Layer, unit: int) -> "Neuron":
        neuron = cls.__new__(cls)
        neuron.layer, neuron.unit = layer, unit
        return neuron

    @property
    def activation(self) -> Activation:
        return self.layer.activation

    @property
    def n_inputs(self) -> int:
        return self.layer.n_in

    @property
    def has_bias(self) -> bool:
        return self.layer.has_bias

    def _own(self, j, i) -> None:
        check_own(j, self.layer.index, "layer")
        check_own(i, self.unit, "unit")

    def z(self, j: Index | None = None, i: int | None = None, from_inputs: bool = False) -> Expr:
        """z = Σ_k w_{ki} a_k + b_i."""
        self._own(j, i)
        self.layer._own_inputs(from_inputs)
        return self.layer.unit_z(self.unit)

    def a(self, j: Index | None = None, i: int | None = None, from_inputs: bool = False) -> Expr:
        """a = g(z)."""
        self._own(j, i)
        self.layer._own_inputs(from_inputs)
        return self.layer.unit_a(self.unit)

    def z_sum(self) -> Expr:
        return self.layer.z_sum(self.unit)

    def equations(self) -> list[Eq]:
        return self.layer.equations(self.unit)

    def W(self, j: Index | None = None) -> Matrix:
        """w_i^{[j]}, column i of W^{[j]} (n × 1) — so z = w_i · a + b_i."""
        check_own(j, self.layer.index, "layer")
        return Matrix([self.layer.weight(k, self.unit) for k in range(1, self.n_inputs + 1)])

    def b(self, j: Index | None = None) -> Expr:
        """b_i^{[j]}, or 0 without a bias."""
        check_own(j, self.layer.index, "layer")
        return self.layer.bias_term(self.unit)

    def params(self) -> list[Symbol]:
        """w_{1i}, …, w_{ni}, then b_i (when the neuron has one)."""
        weights = [self.layer.weight(k, self.unit) for k in range(1, self.n_inputs + 1)]
        return weights + ([self.b()] if self.has_bias else [])

    @property
    def n_params(self) -> int:
        return self.n_inputs + (1 if self.has_bias else 0)

    def display_pairs(self) -> list[tuple]:
        if self.n_inputs > current().elementwise_parameters:
            return self.layer.block_pairs()
        return [(eq.lhs, eq.rhs) for eq in self.equations()]

    def __repr__(self) -> str:
        where = "" if self.layer.n_out == 1 else f" unit {self.unit} of layer {self.layer.index}"
        return f"Neuron({self.n_inputs} inputs, {self.activation.name}{where})"
