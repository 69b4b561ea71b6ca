"""symnn: see exactly what a neural network computes, in the notation of a first lecture on neural networks."""

from importlib.metadata import PackageNotFoundError, version as _version

from . import activations, notation
from .activations import Activation
from .errors import (
    DocumentError,
    FailureError,
    IndexOutOfRangeError,
    InvalidActivationError,
    InvalidArgumentError,
    InvalidNamesError,
    InvalidSizeError,
    SymnnError,
    UnknownActivationError,
)
from .layer import Layer, Neuron
from .network import Network
from .printing import latex, pretty
from .collapse import Collapse, NotCollapsible, collapse
from .derivation import Derivation, Step
from .merge import Merged, merge_affine
from .numeric import CompiledNetwork, compile
from .params import BadNumbersError, Params
from .crosscheck import CrossCheck, crosscheck
from .train import TrainResult, train

try:
    __version__ = _version("symnn")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "Activation",
    "BadNumbersError",
    "CompiledNetwork",
    "CrossCheck",
    "Params",
    "TrainResult",
    "compile",
    "crosscheck",
    "train",
    "Collapse",
    "Derivation",
    "DocumentError",
    "FailureError",
    "Merged",
    "NotCollapsible",
    "Step",
    "collapse",
    "merge_affine",
    "IndexOutOfRangeError",
    "InvalidActivationError",
    "InvalidArgumentError",
    "InvalidNamesError",
    "InvalidSizeError",
    "Layer",
    "Network",
    "Neuron",
    "SymnnError",
    "UnknownActivationError",
    "__version__",
    "activations",
    "latex",
    "notation",
    "pretty",
]
