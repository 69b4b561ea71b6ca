"""Reading trained networks from scikit-learn and PyTorch (both optional: imported only when used).

Each reader returns symnn's shapes — W^{[j]} is n_{j−1} × n_j — and the activation
names, and refuses any part symnn cannot represent with a message naming it.
"""

from __future__ import annotations

import numpy as np

from symnn.core.network import Network
from symnn.errors import MissingDependency, UnsupportedModelError

__all__ = ["UnsupportedModelError", "network_from_sklearn", "network_from_torch", "sklearn_arrays", "torch_arrays"]


SKLEARN_ACTIVATIONS = {"identity": "linear", "logistic": "sigmoid", "tanh": "tanh", "relu": "relu"}


def _sklearn_parts(model):
    for attribute in ("coefs_", "intercepts_", "activation", "out_activation_"):
        if not hasattr(model, attribute):
            raise UnsupportedModelError(
                f"expected a fitted scikit-learn MLPClassifier or MLPRegressor, but {type(model).__name__} "
                f"has no {attribute} (fit it first)")
    if model.activation not in SKLEARN_ACTIVATIONS:
        raise UnsupportedModelError(f"hidden activation {model.activation!r} is not one of {sorted(SKLEARN_ACTIVATIONS)}")
    if model.out_activation_ not in SKLEARN_ACTIVATIONS:
        raise UnsupportedModelError(
            f"output activation {model.out_activation_!r} cannot be represented (a softmax couples the outputs); "
            "symnn reads binary classifiers (logistic output) and regressors (identity output)")
    hidden = SKLEARN_ACTIVATIONS[model.activation]
    activations = [hidden] * (len(model.coefs_) - 1) + [SKLEARN_ACTIVATIONS[model.out_activation_]]
    Ws = [np.asarray(W, dtype=np.float64) for W in model.coefs_]
    bs = [np.asarray(b, dtype=np.float64) for b in model.intercepts_]
    return Ws, bs, activations


def sklearn_arrays(model) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(Ws, bs) of a fitted MLPClassifier/MLPRegressor; ``coefs_`` already has symnn's n_{j−1} × n_j shape."""
    Ws, bs, _ = _sklearn_parts(model)
    return Ws, bs


def network_from_sklearn(model) -> Network:
    """The Network (sizes and activations) of a fitted MLPClassifier/MLPRegressor."""
    Ws, _, activations = _sklearn_parts(model)
    return Network([Ws[0].shape[0], *(W.shape[1] for W in Ws)], activation=activations)


def _torch():
    try:
        import torch
    except ImportError:
        raise MissingDependency("torch", "reading PyTorch models", "pip install torch") from None
    return torch


def _torch_activation(module) -> str:
    torch = _torch()
    nn = torch.nn
    if isinstance(module, nn.Sigmoid):
        return "sigmoid"
    if isinstance(module, nn.Tanh):
        return "tanh"
    if isinstance(module, nn.ReLU):
        return "relu"
    if isinstance(module, nn.Identity):
        return "linear"
    if isinstance(module, nn.Softplus) and module.beta == 1:
        return "softplus"
    raise UnsupportedModelError(
        f"{type(module).__name__} cannot be represented; symnn reads Linear layers each followed by at most one of "
        "Sigmoid, Tanh, ReLU, Identity, Softplus(beta=1)")


def _torch_parts(module):
    torch = _torch()
    if not isinstance(module, torch.nn.Sequential):
        raise UnsupportedModelError(f"expected a torch.nn.Sequential, not {type(module).__name__}")
    Ws, bs, activations = [], [], []
    any_bias = False
    for part in module:
        if isinstance(part, torch.nn.Linear):
            if len(Ws) > len(activations):
                activations.append("linear")  # Linear straight after Linear
            Ws.append(part.weight.detach().cpu().double().numpy().T.copy())
            if part.bias is not None:
                any_bias = True
                bs.append(part.bias.detach().cpu().double().numpy().copy())
            else:
                bs.append(np.zeros(part.out_features))
        else:
            if len(Ws) == len(activations):
                raise UnsupportedModelError(
                    f"{type(part).__name__} must follow a Linear layer (each Linear takes at most one activation)")
            activations.append(_torch_activation(part))
    if not Ws:
        raise UnsupportedModelError("the Sequential has no Linear layer")
    if len(activations) < len(Ws):
        activations.append("linear")
    return Ws, (bs if any_bias else None), activations


def torch_arrays(module) -> tuple[list[np.ndarray], list[np.ndarray] | None]:
    """(Ws, bs) of an nn.Sequential; PyTorch's weight is n_out × n_in, so W^{[j]} is its transpose."""
    Ws, bs, _ = _torch_parts(module)
    return Ws, bs


def network_from_torch(module) -> Network:
    """The Network (sizes, activations, bias) of an nn.Sequential of Linear and activation modules."""
    Ws, bs, activations = _torch_parts(module)
    return Network([Ws[0].shape[0], *(W.shape[1] for W in Ws)], activation=activations, bias=bs is not None)
