"""Reading trained networks from scikit-learn and PyTorch (both optional: imported only when used).

Each reader returns symnn's shapes — W^{[j]} is n_{j−1} × n_j — and the activation
names, and refuses any part symnn cannot represent with a message naming it. A multi-class
MLPClassifier, a multinomial LogisticRegression (K ≥ 3) and a Sequential ending in Softmax(dim=1)
become a softmax output layer; a binary LogisticRegression one sigmoid unit.
"""

from __future__ import annotations

import sys

import numpy as np

from symnn.core.network import Network
from symnn.errors import MissingDependency, UnsupportedModelError, require

__all__ = ["UnsupportedModelError", "network_from_sklearn", "network_from_torch", "sklearn_arrays", "torch_arrays"]


SKLEARN_ACTIVATIONS = {"identity": "linear", "logistic": "sigmoid", "tanh": "tanh", "relu": "relu"}
# scikit-learn's output activations: a multi-class MLPClassifier ends in softmax, which couples its outputs
SKLEARN_OUTPUTS = {**SKLEARN_ACTIVATIONS, "softmax": "softmax"}


def _sklearn_parts(model):
    """(Ws, bs or None, activation names) of a fitted MLPClassifier/MLPRegressor or LogisticRegression."""
    if hasattr(model, "coef_") and not hasattr(model, "coefs_"):
        return _logistic_parts(model)
    linear_model = sys.modules.get("sklearn.linear_model")  # loaded already if the model is one of its classes
    if linear_model is not None and isinstance(model, linear_model.LogisticRegression):
        raise UnsupportedModelError(f"{type(model).__name__} has no coef_ (fit it first)")
    for attribute in ("coefs_", "intercepts_", "activation", "out_activation_"):
        if not hasattr(model, attribute):
            raise UnsupportedModelError(
                f"expected a fitted scikit-learn MLPClassifier, MLPRegressor or LogisticRegression, but "
                f"{type(model).__name__} has no {attribute} (fit it first)")
    if model.activation not in SKLEARN_ACTIVATIONS:
        raise UnsupportedModelError(f"hidden activation {model.activation!r} is not one of {sorted(SKLEARN_ACTIVATIONS)}")
    if model.out_activation_ not in SKLEARN_OUTPUTS:
        raise UnsupportedModelError(
            f"output activation {model.out_activation_!r} cannot be represented; symnn reads classifiers "
            "(logistic output for two classes or several labels, softmax for several classes) and regressors "
            "(identity output)")
    hidden = SKLEARN_ACTIVATIONS[model.activation]
    activations = [hidden] * (len(model.coefs_) - 1) + [SKLEARN_OUTPUTS[model.out_activation_]]
    Ws = [np.asarray(W, dtype=np.float64) for W in model.coefs_]
    bs = [np.asarray(b, dtype=np.float64) for b in model.intercepts_]
    return Ws, bs, activations


def _logistic_parts(model):
    """A fitted LogisticRegression as one layer: softmax over K ≥ 3 classes (multinomial), one σ unit for two.

    predict_proba is then softmax(X coef_ᵀ + intercept_), or σ(X coef_ᵀ + intercept_) for the second class.
    """
    linear_model = require("sklearn.linear_model", "data", "reading scikit-learn models")
    if not isinstance(model, linear_model.LogisticRegression):
        raise UnsupportedModelError(
            f"{type(model).__name__} has coef_ but is not a LogisticRegression; symnn reads LogisticRegression "
            "(multinomial), MLPClassifier and MLPRegressor, whose predict_proba is the network's output")
    coef = np.asarray(model.coef_, dtype=np.float64)
    classes = len(model.classes_)
    if classes >= 3 and _one_versus_rest(model):
        raise UnsupportedModelError(
            "this LogisticRegression is one-versus-rest (K sigmoids normalised to sum to 1), which no layer "
            "computes; fit it multinomial (the default since scikit-learn 1.5) to read it as a softmax layer")
    W = coef.T.copy()  # coef_ is K × n (1 × n for two classes); symnn's W^{[1]} is n × K
    bias = np.broadcast_to(np.asarray(model.intercept_, dtype=np.float64), (W.shape[1],)).copy()
    return [W], ([bias] if model.fit_intercept else None), ["softmax" if classes >= 3 else "sigmoid"]


def _one_versus_rest(model) -> bool:
    # scikit-learn before 1.7 had multi_class: "ovr", or "auto" resolving to it with the liblinear solver
    choice = getattr(model, "multi_class", "multinomial")
    return choice == "ovr" or (choice == "auto" and getattr(model, "solver", "") == "liblinear")


def sklearn_arrays(model) -> tuple[list[np.ndarray], list[np.ndarray] | None]:
    """(Ws, bs) of a fitted MLPClassifier/MLPRegressor (``coefs_`` already has symnn's n_{j−1} × n_j shape) or
    LogisticRegression (W^{[1]} = ``coef_``ᵀ; bs None without an intercept)."""
    Ws, bs, _ = _sklearn_parts(model)
    return Ws, bs


def network_from_sklearn(model) -> Network:
    """The Network (sizes, activations, bias) of a fitted MLPClassifier/MLPRegressor or LogisticRegression."""
    Ws, bs, activations = _sklearn_parts(model)
    return Network([Ws[0].shape[0], *(W.shape[1] for W in Ws)], activation=activations, bias=bs is not None)


def _torch():
    try:
        import torch
    except ImportError:
        raise MissingDependency("torch", "reading PyTorch models", "pip install torch") from None
    return torch


def _torch_activation(module, last: bool) -> str:
    torch = _torch()
    nn = torch.nn
    if isinstance(module, nn.Softmax):
        # over the classes of each sample (dim 1 or −1 of an N × K batch), and only as the output layer
        if module.dim not in (1, -1):
            raise UnsupportedModelError(
                f"Softmax(dim={module.dim}) normalises across {'the samples' if module.dim == 0 else 'an axis'} "
                "rather than over each sample's classes; symnn reads Softmax(dim=1) or Softmax(dim=-1)")
        if not last:
            raise UnsupportedModelError("Softmax is allowed only at the end of the Sequential (the output layer: "
                                        "class probabilities); symnn's hidden layers take scalar activations")
        return "softmax"
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
        "Sigmoid, Tanh, ReLU, Identity, Softplus(beta=1), and Softmax(dim=1) after the last one")


def _torch_parts(module):
    # a module that is not torch's cannot be a Sequential: refused without importing torch (a second or more)
    if not type(module).__module__.startswith("torch"):
        raise UnsupportedModelError(f"expected a torch.nn.Sequential, not {type(module).__name__}")
    torch = _torch()
    if not isinstance(module, torch.nn.Sequential):
        raise UnsupportedModelError(f"expected a torch.nn.Sequential, not {type(module).__name__}")
    Ws, bs, activations = [], [], []
    any_bias = False
    parts = list(module)
    for number, part in enumerate(parts):
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
            activations.append(_torch_activation(part, last=number == len(parts) - 1))
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
    """The Network (sizes, activations, bias) of an nn.Sequential of Linear and activation modules.

    A Sequential ending in Linear gives the logits (a linear output layer); one ending in Softmax(dim=1)
    a softmax output layer, the class probabilities."""
    Ws, bs, activations = _torch_parts(module)
    return Network([Ws[0].shape[0], *(W.shape[1] for W in Ws)], activation=activations, bias=bs is not None)
