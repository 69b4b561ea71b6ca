"""Compile a Network to NumPy: per layer a matrix product plus the activation lambdified from its SymPy form.

Layer j on a batch: Z^{[j]} = A^{[j−1]} W^{[j]} + b^{[j]} (rows are samples, so this
is the lecture's z^{[j]} = W^{[j]T} a^{[j−1]} + b^{[j]} for every sample at once),
A^{[j]} = g^{[j]}(Z^{[j]}); a softmax output layer takes each row of Z^{[L]} at once,
a_i = e^{z_i − max} / Σ_m e^{z_m − max} (symnn.numeric.softmax). The whole network is never
expanded into one expression.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from sympy import Expr, Float, Symbol, lambdify, preorder_traversal

from symnn.core.activations import Activation, z
from symnn.core.network import Network
from symnn.core.softmax import Softmax
from symnn.errors import BadNumbersError, InvalidActivationError, InvalidArgumentError
from symnn.numeric.params import Params, as_batch, check_array_bytes, check_network, check_params
from symnn.numeric.softmax import softmax_rows


def _numpy_sigmoid(values) -> np.ndarray:
    # 1/(1 + e^{−z}) where e^{−z} cannot overflow, in place (as fast as the naive formula);
    # below that, 1 + e^{z} rounds to 1, so σ(z) = e^{z}/(1 + e^{z}) is e^{z} to the last bit.
    values = np.asarray(values)
    if values.dtype.kind != "f":  # integers, or a plain number from a plot
        values = values.astype(np.float64)
    flat = values.reshape(-1)  # at least one dimension, so the in-place steps below work for a scalar too
    limit = np.log(np.finfo(values.dtype).max) - 1  # 708.4 for float64, 87.7 for float32
    out = np.maximum(flat, -limit)
    np.negative(out, out=out)
    np.exp(out, out=out)
    out += 1
    np.reciprocal(out, out=out)
    low = flat < -limit
    if low.any():
        out[low] = np.exp(flat[low])
    return out.reshape(values.shape)


# SymPy heads → NumPy routines, for the heads of the activations' stable forms that NumPy has no
# routine of its own for (logaddexp, exp, log, tanh … lambdify maps itself).
NUMPY_IMPLEMENTATIONS = {"stable_sigmoid": _numpy_sigmoid}
DTYPES = {"float64": np.float64, "float32": np.float32}


# What NumPy or a lambdified formula may raise on numbers it cannot represent or functions it does not
# know; turned into an InvalidActivationError naming the formula, never shown raw
NUMERIC_FAILURES = (ArithmeticError, TypeError, ValueError, KeyError, AttributeError, NameError, MemoryError)


def _shown(expr: Expr, limit: int = 60) -> str:
    text = str(expr)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def float_constants(expr: Expr, dtype=np.float64) -> Expr:
    """``expr`` with each constant (a largest part without symbols) replaced by its value as a float.

    Refused when one is beyond ``dtype``'s range: ``exp(1000)*z`` would compute inf·z, a silently
    wrong number. NumPy then never sees a constant it cannot hold (``exp(-10**29)`` becomes 0.0
    instead of a TypeError on a 97-bit integer). The parser's rules keep every constant small enough
    (at most 4,000 digits) for this evaluation to be quick.
    """
    limit = float(np.finfo(dtype).max)
    values = {}
    walk = preorder_traversal(expr)
    for node in walk:
        if isinstance(node, Expr) and node.is_number:
            value = node.evalf(17)
            real = value.as_real_imag()[0]
            try:
                fits = bool(real.is_Number and real.is_finite and abs(float(real)) <= limit)
            except (OverflowError, TypeError):
                fits = False
            if not fits:
                raise InvalidActivationError(
                    f"g(z) = {_shown(expr)} contains the constant {_shown(node, 30)} ≈ {value.evalf(4)}, beyond "
                    f"{np.dtype(dtype).name} (at most {limit:.3g}); NumPy would compute inf or NaN with it")
            if not node.is_Atom or node.is_Integer and abs(node) > 2**53:
                values[node] = Float(real, 17)
            walk.skip()
    return expr.xreplace(values)


def numpy_function(expr: Expr, variables: tuple[Symbol, ...] = (z,)) -> Callable:
    """``expr`` lambdified to NumPy, with symnn's stable routines for its special heads.

    A formula lambdify cannot turn into NumPy, or whose NumPy form raises when called, gives an
    InvalidActivationError naming it instead of a raw Python or NumPy exception.
    """
    try:
        function = lambdify(variables, expr, modules=[NUMPY_IMPLEMENTATIONS, "numpy"])
    except Exception as error:  # noqa: BLE001 — whatever lambdify raises, the formula has no NumPy form
        raise InvalidActivationError(f"{_shown(expr)} has no NumPy form ({type(error).__name__}: {error})") from None

    def guarded(*args):
        try:
            return function(*args)
        except NUMERIC_FAILURES as error:
            raise InvalidActivationError(f"NumPy cannot evaluate {_shown(expr)} "
                                         f"({type(error).__name__}: {str(error)[:80]})") from None

    return guarded


def elementwise(expr: Expr) -> Callable[[np.ndarray], np.ndarray]:
    """``expr`` in z as an elementwise NumPy function whose result always has the shape of its input."""
    function = numpy_function(expr)

    def apply(values: np.ndarray) -> np.ndarray:
        out = np.asarray(function(values))
        if np.iscomplexobj(out):
            raise InvalidActivationError(f"g(z) = {_shown(expr)} gave complex values; activations must be real "
                                         "for real z")
        # a constant g (or one piece of a Piecewise) can come back as a scalar
        return np.broadcast_to(out.astype(np.asarray(values).dtype, copy=False), np.shape(values))

    return apply


def stable_expression(activation: Activation) -> Expr:
    """The expression lambdify turns into NumPy: the record's checked stable form where it has one, else g(z)."""
    return activation.numeric_expr


def numpy_activation(activation: Activation, dtype=np.float64) -> Callable[[np.ndarray], np.ndarray]:
    """g as an elementwise NumPy function, lambdified from its (stable) SymPy expression.

    Refused with an InvalidActivationError when g has a constant beyond ``dtype`` (``exp(1000)*z``).
    """
    if not isinstance(activation, Activation):
        raise InvalidArgumentError(f"an activation record is needed, not {type(activation).__name__}")
    try:
        expr = float_constants(activation.numeric_expr, dtype)
    except InvalidActivationError as error:
        raise InvalidActivationError(f"activation {activation.name!r}: {error}") from None
    return elementwise(expr)


# Vector activations (a_i depends on every z_m of the layer) → their row-wise NumPy form, keyed by the
# record's class rather than its name: softmax max-subtracted, each row summing to 1
VECTOR_IMPLEMENTATIONS = {Softmax: softmax_rows}


def layer_function(activation, dtype=np.float64) -> Callable[[np.ndarray], np.ndarray]:
    """A^{[j]} from Z^{[j]} (N × n_j): g elementwise, or a vector activation such as softmax row by row."""
    if getattr(activation, "is_vector", False):
        for kind, function in VECTOR_IMPLEMENTATIONS.items():
            if isinstance(activation, kind):
                return function
        raise InvalidArgumentError(f"the vector activation {activation!r} has no NumPy form; symnn compiles "
                                   f"{', '.join(kind.__name__.lower() for kind in VECTOR_IMPLEMENTATIONS)}")
    return numpy_activation(activation, dtype)


# Rows go through ``f(X)`` in chunks whose widest layer takes at most this much memory
CHUNK_BYTES = 64 * 2**20


@dataclass(frozen=True)
class Trace:
    """Every layer's Z and A of one forward pass (A[0] is the input), for backpropagation."""

    Z: list
    A: list


class CompiledNetwork:
    """``f(X, params)`` for a batch X of shape (N, n_0), giving (N, n_L).

    >>> import numpy as np
    >>> from symnn import Network
    >>> net = Network([2, 1], activation="sigmoid")
    >>> f = compile(net)
    >>> f(np.array([[1.0, 2.0]]), Params.from_arrays([np.array([[0.5], [-0.25]])], [np.array([0.0])]))
    array([[0.5]])
    """

    def __init__(self, network: Network, dtype: str = "float64", allow_nonfinite: bool = False):
        check_network(network, "compile")
        if not isinstance(dtype, str) or dtype not in DTYPES:
            raise InvalidArgumentError(f"dtype must be one of {sorted(DTYPES)}, not {dtype!r}")
        if not isinstance(allow_nonfinite, bool):
            raise InvalidArgumentError(f"allow_nonfinite must be True or False, not {allow_nonfinite!r}")
        self.network = network
        self.allow_nonfinite = allow_nonfinite
        self.dtype = DTYPES[dtype]
        self.activations = [layer_function(layer.activation, self.dtype) for layer in network.layers]

    def __call__(self, X, params: Params) -> np.ndarray:
        """f(X): the batch goes through in chunks of rows, so a layer's activations never take more than
        CHUNK_BYTES at once; only the output, N × n_L, is held whole (refused beyond array_bytes)."""
        check_params(params, "a compiled network's f(X, params)")
        batch = as_batch(X, self.network.sizes[0], self.dtype, allow_nonfinite=True)
        rows = max(1, CHUNK_BYTES // (np.dtype(self.dtype).itemsize * max(self.network.sizes)))
        if len(batch) <= rows:
            return self.trace(batch, params).A[-1]
        check_array_bytes(len(batch) * self.network.sizes[-1], f"the output of {self.network!r} for {len(batch):,} rows")
        out = np.empty((len(batch), self.network.sizes[-1]), dtype=self.dtype)
        for start in range(0, len(batch), rows):
            out[start:start + rows] = self.trace(batch[start:start + rows], params).A[-1]
        return out

    def trace(self, X, params: Params) -> Trace:
        """The forward pass keeping every layer's Z and A."""
        check_params(params, "a compiled network's f(X, params)")
        params.check(self.network)
        A = as_batch(X, self.network.sizes[0], self.dtype, allow_nonfinite=True)
        Zs, As = [], [A]
        for j, g in enumerate(self.activations, start=1):
            with np.errstate(invalid="ignore", over="ignore"):  # non-finite z is checked and reported below
                Z = A @ params.W(j).astype(self.dtype, copy=False)
                Z += params.b(j).astype(self.dtype, copy=False)  # in place: one N × n_j array fewer
            if j == 1 and not self.allow_nonfinite:
                self._check_finite(X, Z)
            A = g(Z)
            Zs.append(Z)
            As.append(A)
        return Trace(Zs, As)

    def _check_finite(self, X, Z: np.ndarray) -> None:
        # A NaN or ±inf input makes its whole row of z^{[1]} non-finite (x·0 is NaN for x = ±inf),
        # so checking Z (n_1 wide) finds it at a fraction of the cost of checking X (n_0 wide).
        if Z.size and not np.isfinite(Z).all():
            as_batch(X, self.network.sizes[0], self.dtype)  # raises, naming the inputs, if they are to blame
            raise BadNumbersError("z^[1] overflowed: the inputs or the weights are too large for "
                                  f"{np.dtype(self.dtype).name}")

    def __repr__(self) -> str:
        return f"compiled {self.network!r} ({np.dtype(self.dtype).name})"


def compile(network: Network, dtype: str = "float64", allow_nonfinite: bool = False) -> CompiledNetwork:  # noqa: A001
    """Compile ``network`` to a NumPy function f(X, params) → (N, n_L) (the public name is symnn.compile).

    NaN or infinite inputs raise BadNumbersError unless ``allow_nonfinite`` is set. Anything but a
    Network, or a g with constants beyond ``dtype``, raises a SymnnError naming what is expected.
    """
    return CompiledNetwork(network, dtype, allow_nonfinite)
