"""Reading scikit-learn and PyTorch networks, softmax outputs included: symnn's forward pass agrees with the library's own."""

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


def hand_softmax(Z):
    """softmax of each row, written here: e^{z − max} / Σ e^{z − max}."""
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def test_sklearn_multiclass_classifier_is_a_softmax_network_agreeing_with_predict_proba():
    sklearn = pytest.importorskip("sklearn.neural_network")
    model, X = fitted(sklearn.MLPClassifier, lambda X: np.digitize(X[:, 0], [-0.5, 0.5]))  # three classes
    net = network_from_sklearn(model)
    assert net.sizes == (4, 5, 3, 3) and [a.name for a in net.activations] == ["relu", "relu", "softmax"]
    ours = compile(net)(X, Params.from_sklearn(model))
    np.testing.assert_allclose(ours, model.predict_proba(X), rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(model.classes_[ours.argmax(axis=1)], model.predict(X))


def logistic(y, **options):
    linear_model = pytest.importorskip("sklearn.linear_model")
    X = np.random.default_rng(3).normal(size=(50, 4))
    return linear_model.LogisticRegression(**options).fit(X, y(X)), X


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sklearn_multinomial_logistic_regression_is_one_softmax_layer(fit_intercept):
    model, X = logistic(lambda X: np.digitize(X[:, 0] - X[:, 2], [-0.7, 0.0, 0.7]), fit_intercept=fit_intercept)
    net = network_from_sklearn(model)
    assert net.sizes == (4, 4) and net.activations[0].name == "softmax" and net.has_bias == fit_intercept
    ours = compile(net)(X, Params.from_sklearn(model))
    theirs = model.predict_proba(X)
    np.testing.assert_allclose(theirs, hand_softmax(X @ model.coef_.T + model.intercept_), rtol=1e-12)  # the oracle
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(ours.argmax(axis=1), model.predict(X))


def test_sklearn_binary_logistic_regression_is_one_sigmoid_unit():
    model, X = logistic(lambda X: (X[:, 1] > 0.2).astype(int))
    net = network_from_sklearn(model)
    assert net.sizes == (4, 1) and net.activations[0].name == "sigmoid"
    ours = compile(net)(X, Params.from_sklearn(model))[:, 0]
    np.testing.assert_allclose(ours, model.predict_proba(X)[:, 1], rtol=1e-12, atol=1e-15)


def test_sklearn_linear_models_other_than_logistic_regression_are_refused():
    linear_model = pytest.importorskip("sklearn.linear_model")
    X = np.random.default_rng(0).normal(size=(30, 2))
    model = linear_model.SGDClassifier(loss="log_loss", random_state=0).fit(X, np.arange(30) % 3)  # one-vs-rest
    with pytest.raises(UnsupportedModelError, match="SGDClassifier has coef_ but is not a LogisticRegression"):
        Params.from_sklearn(model)
    with pytest.raises(UnsupportedModelError, match=r"LogisticRegression has no coef_ \(fit it first\)"):
        network_from_sklearn(linear_model.LogisticRegression())


@pytest.mark.parametrize("make, named", [
    (lambda sklearn: sklearn.MLPClassifier(), "MLPClassifier has no coefs_ (fit it first)"),
    (lambda sklearn: object(), "object has no coefs_"),
])
def test_sklearn_unfitted_or_foreign_model_is_refused(make, named):
    sklearn = pytest.importorskip("sklearn.neural_network")
    with pytest.raises(UnsupportedModelError) as info:
        Params.from_sklearn(make(sklearn))
    assert named in str(info.value) and "MLPClassifier, MLPRegressor or LogisticRegression" in str(info.value)


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


@pytest.mark.parametrize("dim", [1, -1])
def test_torch_sequential_ending_in_softmax_is_a_softmax_network(dim):
    torch = pytest.importorskip("torch")
    torch.manual_seed(1)
    module = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Sigmoid(), torch.nn.Linear(6, 3),
                                 torch.nn.Softmax(dim=dim)).double()
    X = np.random.default_rng(2).normal(size=(20, 4)) * 3
    net = network_from_torch(module)
    assert [a.name for a in net.activations] == ["sigmoid", "softmax"]
    with torch.no_grad():
        theirs = module(torch.from_numpy(X)).numpy()
    ours = compile(net)(X, Params.from_torch(module))
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(ours.argmax(axis=1), theirs.argmax(axis=1))


def test_torch_sequential_ending_in_linear_gives_the_logits():
    torch = pytest.importorskip("torch")
    torch.manual_seed(2)
    module = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3)).double()
    X = np.random.default_rng(4).normal(size=(15, 4))
    net = network_from_torch(module)
    assert [a.name for a in net.activations] == ["relu", "linear"]
    with torch.no_grad():
        logits = module(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(compile(net)(X, Params.from_torch(module)), logits, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("parts, fragment", [
    (lambda nn: [nn.Linear(3, 2), nn.Softmax(dim=0)], "Softmax(dim=0) normalises across the samples"),
    (lambda nn: [nn.Linear(3, 2), nn.Softmax(dim=1), nn.Linear(2, 2)], "Softmax is allowed only at the end"),
])
def test_torch_softmax_elsewhere_is_refused(parts, fragment):
    torch = pytest.importorskip("torch")
    with pytest.raises(UnsupportedModelError) as info:
        Params.from_torch(torch.nn.Sequential(*parts(torch.nn)))
    assert fragment in str(info.value)


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
    sequential = type("Sequential", (), {"__module__": "torch.nn.modules.container"})  # looks like torch's
    with pytest.raises(symnn.MissingDependency) as info:
        Params.from_torch(sequential())
    assert "pip install torch" in str(info.value) and "PyTorch" in str(info.value)
    # anything that is not torch's is refused for what it is, without importing torch
    with pytest.raises(UnsupportedModelError, match="expected a torch.nn.Sequential, not object"):
        Params.from_torch(object())


def test_the_network_behind_imported_weights_is_a_public_name():
    sklearn = pytest.importorskip("sklearn.linear_model")
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(60, 4)), rng.integers(0, 3, size=60)
    model = sklearn.LogisticRegression(max_iter=500).fit(X, y)
    net = symnn.network_from_sklearn(model)
    assert net.sizes == (4, 3) and net.layers[-1].activation.name == "softmax"
    np.testing.assert_allclose(symnn.compile(net)(X, Params.from_sklearn(model)), model.predict_proba(X), rtol=1e-12)
