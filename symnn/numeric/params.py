"""Params: the numbers of a network, W^{[j]} (n_{j−1} × n_j) and b^{[j]} (n_j), and their conversions.

From arrays, seeded at random, to and from a SymPy substitution dict, and from
scikit-learn's MLPClassifier/MLPRegressor/LogisticRegression or a PyTorch nn.Sequential (both optional).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Mapping, Sequence

import numpy as np
from sympy import Float, Matrix, Rational

from symnn.core.network import Network
from symnn.core.printing import Shows
from symnn.core import guards, notation
from symnn.errors import BadNumbersError, InvalidArgumentError
from symnn.numeric.interop import sklearn_arrays, torch_arrays

__all__ = ["BadNumbersError", "Params", "as_batch"]


def real_array(value, what: str, shape_hint: str) -> np.ndarray:
    """``value`` as a NumPy array of real numbers (booleans and integers allowed), or a BadNumbersError saying why not."""
    shape_hint = f" {shape_hint}" if shape_hint else ""
    if value is None or isinstance(value, (str, bytes)):
        raise BadNumbersError(f"{what} must be an array of numbers{shape_hint}, not {type(value).__name__}")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:  # ragged nested lists, objects NumPy cannot read
        raise BadNumbersError(f"{what} must be an array of numbers{shape_hint}; NumPy says: {error}") from None
    if np.iscomplexobj(array):
        raise BadNumbersError(f"{what}: complex numbers are not allowed; symnn works with real numbers only")
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_):
        raise BadNumbersError(f"{what} must hold numbers{shape_hint}, not {array.dtype} values")
    return array


def as_batch(X, width: int, dtype=np.float64, allow_nonfinite: bool = False) -> np.ndarray:
    """X as an (N, width) float array; integers and booleans are converted, NaN/inf refused by default."""
    array = real_array(X, "inputs", f"of shape (N, {width})")
    if array.ndim == 1 and array.size == width:
        array = array.reshape(1, width)
    if array.ndim != 2 or array.shape[1] != width:
        raise BadNumbersError(f"inputs must have shape (N, {width}) — one row per sample, n_0 = {width} columns — "
                              f"not {array.shape}")
    array = array.astype(dtype, copy=False)
    if not allow_nonfinite and array.size and not np.isfinite(array).all():
        raise BadNumbersError("inputs contain NaN or infinite values (pass allow_nonfinite=True to accept them)")
    return array


def check_array_bytes(count: int, what: str) -> None:
    """Refuse (ExpressionTooLarge) float64 arrays larger than the array_bytes setting, before NumPy tries."""
    guards.check(count * 8, what, setting="array_bytes", unit="bytes",
                 alternative="use a smaller network or batch, or raise the setting if the machine has the memory")


def check_network(network, what: str) -> Network:
    """Refuse anything but a symnn Network where one is needed (a clear error instead of an AttributeError)."""
    if not isinstance(network, Network):
        raise InvalidArgumentError(f"{what} needs a symnn Network such as Network([3, 4, 1]), not {type(network).__name__}")
    return network


def check_params(params, what: str) -> "Params":
    """Refuse anything but a Params where one is needed."""
    if not isinstance(params, Params):
        raise InvalidArgumentError(f"{what} needs a symnn Params (Params.random(net), Params.from_arrays(Ws, bs)), "
                                   f"not {type(params).__name__}")
    return params


class Params(Shows):
    """W^{[j]} and b^{[j]} as NumPy arrays, j = 1..L, in the notation's shapes.

    >>> p = Params.from_arrays([np.ones((3, 4)), np.ones((4, 1))], [np.zeros(4), np.zeros(1)])
    >>> p.sizes, p.W(1).shape, p.b(2).shape
    ((3, 4, 1), (3, 4), (1,))
    """

    def __init__(self, Ws: Sequence[np.ndarray], bs: Sequence[np.ndarray] | None = None,
                 allow_nonfinite: bool = False):
        if not isinstance(Ws, (list, tuple)) or (bs is not None and not isinstance(bs, (list, tuple))):
            raise BadNumbersError("Params takes a list of weight matrices [W^[1], …, W^[L]] and a list of bias "
                                  f"vectors (or None), not {type(Ws).__name__} and {type(bs).__name__}")
        if len(Ws) == 0:
            raise BadNumbersError("Params needs at least one weight matrix W^{[1]}")
        self._W = [self._array(W, f"W^[{j}]", allow_nonfinite) for j, W in enumerate(Ws, start=1)]
        for j, W in enumerate(self._W, start=1):
            if W.ndim != 2:
                raise BadNumbersError(f"W^[{j}] must be a matrix (n_{j - 1} × n_{j}), got shape {W.shape}")
            if j > 1 and W.shape[0] != self._W[j - 2].shape[1]:
                raise BadNumbersError(f"W^[{j}] has {W.shape[0]} rows but layer {j - 1} has "
                                      f"{self._W[j - 2].shape[1]} units (W^[{j - 1}] is {self._W[j - 2].shape})")
        self.has_bias = bs is not None
        if bs is None:
            bs = [np.zeros(W.shape[1]) for W in self._W]
        if len(bs) != len(self._W):
            raise BadNumbersError(f"give one bias vector per layer: {len(self._W)} weight matrices, {len(bs)} biases")
        self._b = [self._array(b, f"b^[{j}]", allow_nonfinite).reshape(-1) for j, b in enumerate(bs, start=1)]
        for j, (W, b) in enumerate(zip(self._W, self._b), start=1):
            if b.shape != (W.shape[1],):
                raise BadNumbersError(f"b^[{j}] must have {W.shape[1]} entries (one per unit of layer {j}), got {b.shape}")

    @staticmethod
    def _array(value, what: str, allow_nonfinite: bool) -> np.ndarray:
        array = real_array(value, what, "").astype(np.float64)
        if not allow_nonfinite and not np.isfinite(array).all():
            raise BadNumbersError(f"{what} contains NaN or infinite values")
        return array

    @classmethod
    def from_arrays(cls, Ws: Sequence, bs: Sequence | None = None) -> "Params":
        """From W^{[1]}, …, W^{[L]} (each n_{j−1} × n_j) and b^{[1]}, …, b^{[L]} (None: a network without biases)."""
        return cls(Ws, bs)

    @classmethod
    def random(cls, network: Network, seed: int | None = 0, scale: str = "uniform") -> "Params":
        """Seeded weights uniform in ±1/√n_{j−1} (PyTorch's default), biases likewise (zero without biases)."""
        check_network(network, "Params.random")
        if scale != "uniform":
            raise InvalidArgumentError(f"scale must be 'uniform', not {scale!r}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise InvalidArgumentError(f"seed must be a non-negative integer or None, not {seed!r}")
        check_array_bytes(network.n_params, f"the parameters of {network!r}")
        rng = np.random.default_rng(seed)
        Ws, bs = [], []
        for n_in, n_out in zip(network.sizes, network.sizes[1:]):
            bound = 1 / np.sqrt(n_in)
            Ws.append(rng.uniform(-bound, bound, size=(n_in, n_out)))
            bs.append(rng.uniform(-bound, bound, size=n_out))
        return cls(Ws, bs if network.has_bias else None)

    @property
    def sizes(self) -> tuple[int, ...]:
        return (self._W[0].shape[0], *(W.shape[1] for W in self._W))

    @property
    def depth(self) -> int:
        return len(self._W)

    def W(self, j: int) -> np.ndarray:
        """W^{[j]}, n_{j−1} × n_j."""
        return self._W[self._index(j)]

    def b(self, j: int) -> np.ndarray:
        """b^{[j]}, length n_j (zeros for a network without biases)."""
        return self._b[self._index(j)]

    def _index(self, j) -> int:
        if isinstance(j, bool) or not isinstance(j, int) or not 1 <= j <= self.depth:
            raise InvalidArgumentError(f"layer index j must be an integer from 1 to {self.depth}, not {j!r}")
        return j - 1

    def check(self, network: Network) -> None:
        """Refuse parameters whose shapes do not fit ``network``, naming the first layer that differs."""
        check_network(network, "checking parameters")
        if self.sizes != network.sizes:
            for j, (mine, theirs) in enumerate(zip(self.sizes, network.sizes)):
                if mine != theirs:
                    raise BadNumbersError(f"parameters have sizes {list(self.sizes)} but the network has "
                                          f"{list(network.sizes)}: layer {j} differs ({mine} vs {theirs})")
            raise BadNumbersError(f"parameters have {self.depth} layers, the network {network.depth}")
        if not network.has_bias and self.has_bias and any(b.any() for b in self._b):
            raise BadNumbersError("the network has no biases but these parameters have nonzero biases")

    def with_arrays(self, Ws: Sequence[np.ndarray], bs: Sequence[np.ndarray]) -> "Params":
        return Params(Ws, bs if self.has_bias else None)

    def arrays(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        return [W.copy() for W in self._W], [b.copy() for b in self._b]

    # --- SymPy ---------------------------------------------------------------------
    def to_substitution(self, network: Network, exact: bool = True) -> dict:
        """{w_{ki}^{[j]}: value, b_i^{[j]}: value}: exact rationals (each float's exact value) or Floats."""
        self.check(network)
        convert = _exact_rational if exact else (lambda v: Float(float(v), 17))
        values = {}
        for layer in network.layers:
            W, b = self.W(layer.index), self.b(layer.index)
            for k, row in enumerate(layer.weight_rows()):
                for i, symbol in enumerate(row):
                    values[symbol] = convert(W[k, i])
            if layer.has_bias:
                for i in range(layer.n_out):
                    values[layer.bias_term(i + 1)] = convert(b[i])
        return values

    @classmethod
    def from_substitution(cls, network: Network, values: Mapping) -> "Params":
        """Params from a {symbol: number} dict such as ``to_substitution`` makes; every parameter must be there."""
        check_network(network, "Params.from_substitution")
        if not isinstance(values, Mapping):
            raise BadNumbersError(f"values must be a dict {{symbol: number}}, not {type(values).__name__}")
        missing = [str(p) for p in network.params() if p not in values]
        if missing:
            raise BadNumbersError(f"no value for {', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}")

        def number(symbol) -> float:
            try:
                return float(values[symbol])
            except (TypeError, ValueError):
                raise BadNumbersError(f"the value of {symbol} must be a real number, not {values[symbol]!r}") from None

        Ws = [np.array([[number(w) for w in row] for row in layer.weight_rows()]) for layer in network.layers]
        if not network.has_bias:
            return cls(Ws, None)
        bs = [np.array([number(layer.bias_term(i)) for i in range(1, layer.n_out + 1)]) for layer in network.layers]
        return cls(Ws, bs)

    # --- other libraries (optional) ------------------------------------------------------
    @classmethod
    def from_sklearn(cls, model) -> "Params":
        """From a fitted scikit-learn MLPClassifier/MLPRegressor (``coefs_``, ``intercepts_``) or LogisticRegression
        (W^{[1]} = ``coef_``ᵀ, b^{[1]} = ``intercept_``); ``network_from_sklearn`` gives the network they fit."""
        return cls(*sklearn_arrays(model))

    @classmethod
    def from_torch(cls, module) -> "Params":
        """From a PyTorch ``nn.Sequential`` of ``Linear`` layers and activation modules (``Softmax(dim=1)`` last)."""
        return cls(*torch_arrays(module))

    def display_pairs(self) -> list[tuple]:
        """W^{[j]} = (numbers) and b^{[j]} = (numbers), layer by layer, as decimals (refused when huge)."""
        count = sum(W.size for W in self._W) + sum(b.size for b in self._b)
        guards.check(count, f"printing {self!r}", setting="latex_nodes", unit="numbers",
                     alternative="look at the arrays with params.W(j) and params.b(j)")
        pairs = []
        for j in range(1, self.depth + 1):
            W, b = self.W(j), self.b(j)
            pairs.append((notation.matrix("W", W.shape[0], W.shape[1], j), _decimal_matrix(W)))
            if self.has_bias:
                pairs.append((notation.matrix("b", b.shape[0], 1, j), _decimal_matrix(b.reshape(-1, 1))))
        return pairs

    def __repr__(self) -> str:
        return f"Params({'→'.join(map(str, self.sizes))}{'' if self.has_bias else ', no bias'})"


def _exact_rational(value) -> Rational:
    fraction = Fraction(float(value))  # a float is a dyadic rational: this is its exact value
    return Rational(fraction.numerator, fraction.denominator)


def _decimal_matrix(array: np.ndarray) -> Matrix:
    return Matrix([[Float(float(v), 4) for v in row] for row in array])
