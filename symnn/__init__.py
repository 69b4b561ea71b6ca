"""symnn: see exactly what a neural network computes, in the notation of a first lecture on neural networks.

The package is layered (see DESIGN.md): ``errors``/``config`` → ``core`` (symbols,
activations, neurons, layers, networks, printing) → ``render`` (derivation layout,
diagrams) → ``math`` (equality checks, collapse, merge, derivations) → ``numeric``
(NumPy) → ``app`` (files, catalog, plots, tour, command line). The public names
below are loaded on first use, so ``import symnn`` and ``symnn --help`` are fast.
"""

from __future__ import annotations

import importlib

# public name → the module that defines it
_EXPORTS = {
    "Activation": "symnn.core.activations",
    "Layer": "symnn.core.layer",
    "Neuron": "symnn.core.layer",
    "Network": "symnn.core.network",
    "latex": "symnn.core.printing",
    "pretty": "symnn.core.printing",
    "Collapse": "symnn.math.collapse",
    "collapse": "symnn.math.collapse",
    "Derivation": "symnn.math.derivation",
    "Step": "symnn.math.derivation",
    "Merged": "symnn.math.merge",
    "Backprop": "symnn.math.backprop",
    "backprop": "symnn.math.backprop",
    "merge_affine": "symnn.math.merge",
    "CompiledNetwork": "symnn.numeric.compile",
    "compile": "symnn.numeric.compile",
    "Params": "symnn.numeric.params",
    "CrossCheck": "symnn.numeric.crosscheck",
    "crosscheck": "symnn.numeric.crosscheck",
    "network_from_sklearn": "symnn.numeric.interop",  # the Network behind Params.from_sklearn(model)
    "network_from_torch": "symnn.numeric.interop",  # the Network behind Params.from_torch(module)
    "TrainResult": "symnn.numeric.train",
    "train": "symnn.numeric.train",
    "settings": "symnn.config",
    "current_settings": "symnn.config",
    **{name: "symnn.errors" for name in (
        "BadNumbersError", "DocumentError", "ExpressionTooLarge", "FailureError", "IndexOutOfRangeError",
        "InvalidActivationError", "InvalidArgumentError", "InvalidNamesError", "InvalidSizeError",
        "MissingDependency", "NotCollapsible", "SymnnError", "UnknownActivationError", "UnknownSettingError",
        "UnsafeExpressionError", "UnsupportedModelError", "VerificationFailed")},
}
# modules users reach as attributes: symnn.activations.z, symnn.guards.limits, symnn.plots, …
_MODULES = {
    "activations": "symnn.core.activations",
    "notation": "symnn.core.notation",
    "guards": "symnn.core.guards",
    "parsing": "symnn.core.parsing",
    "catalog": "symnn.app.catalog",
    "documents": "symnn.app.documents",
    "plots": "symnn.app.plots",
    "classify": "symnn.app.classify",
    "data": "symnn.data",
    "errors": "symnn.errors",
}

__all__ = sorted([*_EXPORTS, *_MODULES, "__version__"])


def _installed_version() -> str:
    # importlib.metadata costs ~20 ms and pulls in the email package: read only when asked for
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("symnn")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str):
    if name == "__version__":
        value = _installed_version()
    elif name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
    elif name in _MODULES:
        value = importlib.import_module(_MODULES[name])
    else:
        raise AttributeError(f"module 'symnn' has no attribute {name!r}")
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return __all__
