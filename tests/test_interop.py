"""Reading scikit-learn and PyTorch networks: symnn's forward pass agrees with the library's own."""

import sys

import numpy as np
import pytest

import symnn
from symnn import Params, compile
from symnn.numeric.interop import UnsupportedModelError, network_from_sklearn, network_from_torch


def fitted(model_class, y, **options):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    model = model_class(hidden_layer_sizes=(5, 3), max_iter=300, random_state=0, **options)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence warnings do not matter here
        model.fit(X, y(X))
    return model, X


@pytest.mark.parametrize("activation", ["logistic", "tanh", "relu", "identity"])
def test_sklearn_classifier_agrees_with_predict_proba(activation):
    sklearn = pytest.importorskip("sklearn.neural_network")
    model, X = fitted(sklearn.MLPClassifier, lambda X: (X[:, 0] + X[:, 1] > 0).astype(int), activation=activation)
    net = network_from_sklearn(model)
    assert net.sizes == (4, 5, 3, 1)
    assert net.activations[-1].name == "sigmoid"
    ours = compile(net)(X, Params.from_sklearn(model))[:, 0]
    np.testing.assert_allclose(ours, model.predict_proba(X)[:, 1], rtol=1e-12, atol=1e-15)


def test_sklearn_regressor_agrees_with_predict():
    sklearn = pytest.importorskip("sklearn.neural_network")
    model, X = fitted(sklearn.MLPRegressor, lambda X: X[:, 0] - 2 * X[:, 2])
    net = network_from_sklearn(model)
    assert net.activations[-1].name == "linear"
    np.testing.assert_allclose(compile(net)(X, Params.from_sklearn(model))[:, 0], model.predict(X), rtol=1e-12)


def test_sklearn_softmax_is_refused_naming_what_is_supported():
    sklearn = pytest.importorskip("sklearn.neural_network")
    model, _ = fitted(sklearn.MLPClassifier, lambda X: np.digitize(X[:, 0], [-0.5, 0.5]))  # three classes
    with pytest.raises(symnn.SymnnError) as info:
        Params.from_sklearn(model)
    assert type(info.value) is UnsupportedModelError
    message = str(info.value)
    assert "'softmax'" in message and "logistic output" in message and "identity output" in message


@pytest.mark.parametrize("make, named", [
    (lambda sklearn: sklearn.MLPClassifier(), "MLPClassifier has no coefs_ (fit it first)"),
    (lambda sklearn: object(), "object has no coefs_"),
])
def test_sklearn_unfitted_or_foreign_model_is_refused(make, named):
    sklearn = pytest.importorskip("sklearn.neural_network")
    with pytest.raises(UnsupportedModelError) as info:
        Params.from_sklearn(make(sklearn))
    assert named in str(info.value) and "MLPClassifier or MLPRegressor" in str(info.value)


def test_torch_sequential_agrees_with_forward():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3), torch.nn.ReLU(),
                                 torch.nn.Linear(3, 2), torch.nn.Sigmoid()).double()
    X = np.random.default_rng(1).normal(size=(20, 4))
    net = network_from_torch(module)
    assert [a.name for a in net.activations] == ["tanh", "relu", "sigmoid"]
    with torch.no_grad():
        theirs = module(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(compile(net)(X, Params.from_torch(module)), theirs, rtol=1e-12, atol=1e-15)


def test_torch_linear_after_linear_and_unsupported_parts():
    torch = pytest.importorskip("torch")
    module = torch.nn.Sequential(torch.nn.Linear(3, 2, bias=False), torch.nn.Linear(2, 1, bias=False))
    net = network_from_torch(module)
    assert [a.name for a in net.activations] == ["linear", "linear"] and not net.has_bias
    with pytest.raises(UnsupportedModelError, match="Dropout"):
        Params.from_torch(torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Dropout()))


def test_torch_missing_gives_a_clear_error(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_torch(name, *args, **kwargs):
        if name == "torch":
            raise ImportError("no torch here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    with pytest.raises(symnn.MissingDependency) as info:
        Params.from_torch(object())
    assert "pip install torch" in str(info.value) and "PyTorch" in str(info.value)
