"""The HTTP API of `symnn explore`, through Starlette's TestClient (no server process, no network).

Every expected number is worked out here, independently of symnn: z and a by NumPy matrix
products of the weights sent, the losses and their gradients by central finite differences of
this file's own loss functions, a linear network's collapse by exact Fractions, the toy data's
labels by the stated rules, a digit's z by NumPy from the weights the server publishes, and the
published 2-2-2 example of Matt Mazur's "A Step by Step Backpropagation Example". symnn's own code
is used only to build what the exports must be byte-identical to (what `symnn derive` writes).

The bugs these tests found when they were written (5000-digit and out-of-range integers, 1e400, non-finite
results, a large counterexample failing its own check, a refused Host not answered in JSON) are fixed; the
tests that showed them now guard against their return.
"""

from __future__ import annotations

import html
import inspect
import json
import re
import shutil
import threading
import warnings
import xml.etree.ElementTree as ET
from fractions import Fraction

import numpy as np
import pytest

pytest.importorskip("starlette", reason="symnn explore needs its extra: pip install -e .[explore]")
pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx")
with warnings.catch_warnings():  # Starlette 1.x warns that its TestClient will move from httpx to httpx2
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

from symnn.app.explore import validate  # noqa: E402
from symnn.app.explore.server import create_app  # noqa: E402
from symnn.data.digits import GLYPHS, LECTURE_ONE, LECTURE_ZERO  # noqa: E402

ENDPOINTS = ["/api/network", "/api/unit", "/api/collapse", "/api/collapse/proof", "/api/params", "/api/numbers",
             "/api/dataset", "/api/train", "/api/digits", "/api/digits/predict", "/api/export"]


def make_app(**options):
    """The app without its background warm-up (the keyword has been ``warm_digits`` and ``warm``)."""
    accepted = inspect.signature(create_app).parameters
    for name in ("warm_digits", "warm"):
        if name in accepted:
            options[name] = False
    return create_app(**options)


@pytest.fixture(scope="module")
def client():
    # raise_server_exceptions=False: a bug of the server shows as the 500 a browser would get
    with TestClient(make_app(), raise_server_exceptions=False) as test_client:
        yield test_client


# --- answers and refusals ------------------------------------------------------------------------


def ok(response) -> dict:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def refused(response, *words: str, status: int = 400) -> str:
    """A refusal: JSON {"error": message} with ``status``, no traceback, a message naming each of ``words``."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert "Traceback" not in response.text
    assert response.headers["content-type"].startswith("application/json"), response.headers["content-type"]
    body = response.json()
    assert isinstance(body, dict) and set(body) == {"error"}, body
    message = body["error"]
    assert isinstance(message, str) and message.strip()
    assert "internal error" not in message
    for word in words:
        assert word.lower() in message.lower(), f"{word!r} not in {message!r}"
    return message


def post_raw(client, path: str, raw, content_type: str | None = "application/json"):
    headers = {"content-type": content_type} if content_type is not None else {}
    return client.post(path, content=raw, headers=headers)


# --- the oracle: this file's own forward pass, losses and finite differences ----------------------


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()


G = {"sigmoid": sigmoid, "tanh": np.tanh, "linear": lambda z: z, "softmax": softmax}


def forward(Ws, bs, x, activations, start=0, a_start=None):
    """z^[j] = W^[j]ᵀ a^[j−1] + b^[j], a^[j] = g(z^[j]); from layer ``start`` + 1 on when ``a_start`` is given."""
    a = np.asarray(x, dtype=float) if a_start is None else a_start
    zs, As = [], [a]
    for W, b, g in list(zip(Ws, bs, activations))[start:]:
        z = W.T @ a + b
        a = G[g](z)
        zs.append(z)
        As.append(a)
    return zs, As


def loss_value(a, y, kind: str) -> float:
    y = np.asarray(y, dtype=float)
    if kind == "bce":
        return float(-np.sum(y * np.log(a) + (1 - y) * np.log(1 - a)))
    if kind == "squared_error":
        return float(0.5 * np.sum((a - y) ** 2))
    if kind == "cross_entropy":  # a is the softmax already
        return float(-np.sum(y * np.log(a)))
    raise AssertionError(kind)


def total_loss(Ws, bs, x, y, activations, kind):
    return loss_value(forward(Ws, bs, x, activations)[1][-1], y, kind)


def finite_differences(f, array: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """∂f/∂array by central differences (array is perturbed in place and restored)."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        keep = array[index]
        array[index] = keep + h
        up = f()
        array[index] = keep - h
        down = f()
        array[index] = keep
        grad[index] = (up - down) / (2 * h)
    return grad


def random_network(rng, sizes, bias=True):
    Ws = [np.round(rng.uniform(-1.5, 1.5, (n_in, n_out)), 6) for n_in, n_out in zip(sizes, sizes[1:])]
    bs = [np.round(rng.uniform(-0.5, 0.5, n_out), 6) if bias else np.zeros(n_out) for n_out in sizes[1:]]
    return Ws, bs


def numbers_body(sizes, activations, Ws, bs, x, y=None, loss=None, bias=True):
    body = {"network": {"sizes": ",".join(map(str, sizes)), "activations": activations, "bias": bias},
            "weights": [W.tolist() for W in Ws], "inputs": list(map(float, x))}
    if bias:
        body["biases"] = [b.tolist() for b in bs]
    if y is not None:
        body["targets"] = list(map(float, y))
    if loss is not None:
        body["loss"] = loss
    return body


# --- /api/numbers ----------------------------------------------------------------------------------

NUMBER_CASES = [  # sizes, activations per layer, loss asked for, the loss expected, targets, biases on
    ((3, 4, 1), ["tanh", "sigmoid"], None, "bce", [1.0], True),
    ((3, 4, 1), ["tanh", "sigmoid"], "squared_error", "squared_error", [0.3], True),
    ((3, 4, 2), ["sigmoid", "sigmoid"], "squared_error", "squared_error", [0.2, 0.9], True),
    ((2, 3, 3), ["tanh", "softmax"], None, "cross_entropy", [0.0, 0.0, 1.0], True),
    ((2, 3, 3), ["sigmoid", "softmax"], "squared_error", "squared_error", [0.0, 1.0, 0.0], True),
    ((3, 2, 1), ["sigmoid", "sigmoid"], "bce", "bce", [0.0], False),
    ((2, 3, 2, 2), ["tanh", "linear", "linear"], None, "squared_error", [0.5, -1.0], True),
]


@pytest.mark.parametrize("sizes, activations, asked, expected_loss, y, bias", NUMBER_CASES,
                         ids=lambda v: ",".join(map(str, v)) if isinstance(v, tuple) else None)
def test_numbers_match_numpy_and_finite_differences(client, sizes, activations, asked, expected_loss, y, bias):
    rng = np.random.default_rng(sum(sizes) * 7 + len(activations))
    Ws, bs = random_network(rng, sizes, bias)
    x = np.round(rng.uniform(-1, 1, sizes[0]), 6)
    answer = ok(client.post("/api/numbers", json=numbers_body(sizes, activations, Ws, bs, x, y, asked, bias)))

    zs, As = forward(Ws, bs, x, activations)
    assert len(answer["z"]) == len(sizes) - 1 and len(answer["a"]) == len(sizes)
    for j, z in enumerate(zs):
        np.testing.assert_allclose(answer["z"][j], z, rtol=1e-12, atol=1e-12)
    for j, a in enumerate(As):
        np.testing.assert_allclose(answer["a"][j], a, rtol=1e-12, atol=1e-12)

    assert answer["loss"] == expected_loss
    assert expected_loss in answer["loss_choices"]
    assert answer["loss_value"] == pytest.approx(loss_value(As[-1], y, expected_loss), rel=1e-10, abs=1e-12)

    def loss():
        return total_loss(Ws, bs, x, y, activations, expected_loss)

    for j in range(len(Ws)):
        np.testing.assert_allclose(answer["dW"][j], finite_differences(loss, Ws[j]), rtol=1e-6, atol=1e-8)
        if bias:
            np.testing.assert_allclose(answer["db"][j], finite_differences(loss, bs[j]), rtol=1e-6, atol=1e-8)
    if not bias:
        assert answer["db"] is None

    # δ^[j] = ∂L/∂z^[j]: perturb z^[j] and run the rest of the network from there
    for j in range(len(Ws)):
        z = zs[j].copy()

        def loss_from_z(j=j, z=z):
            a = G[activations[j]](z)
            return loss_value(forward(Ws, bs, None, activations, start=j + 1, a_start=a)[1][-1], y, expected_loss)

        np.testing.assert_allclose(answer["deltas"][j], finite_differences(loss_from_z, z), rtol=1e-6, atol=1e-8)


def test_numbers_without_targets_give_only_the_forward_pass(client):
    rng = np.random.default_rng(3)
    Ws, bs = random_network(rng, (2, 2, 1))
    answer = ok(client.post("/api/numbers", json=numbers_body((2, 2, 1), "sigmoid", Ws, bs, [0.5, -0.25])))
    zs, As = forward(Ws, bs, [0.5, -0.25], ["sigmoid", "sigmoid"])
    np.testing.assert_allclose(answer["a"][-1], As[-1], rtol=1e-12)
    assert "loss_value" not in answer and "dW" not in answer
    assert answer["loss_choices"] == ["bce", "squared_error"]


def test_numbers_take_the_bounds_themselves(client):
    """±1e6 is allowed (MAX_NUMBER is inclusive); the linear network's numbers are still exact."""
    Ws = [np.array([[1e6], [-1e6]])]
    bs = [np.array([1e6])]
    x = [1e6, 1.0]
    answer = ok(client.post("/api/numbers", json=numbers_body((2, 1), "linear", Ws, bs, x, [0.0])))
    assert answer["z"][0] == [1e12 - 1e6 + 1e6]
    assert answer["loss_value"] == pytest.approx(0.5 * (1e12) ** 2, rel=1e-12)


# Matt Mazur, "A Step by Step Backpropagation Example": w1..w8 = .15 .20 .25 .30 .40 .45 .50 .55,
# b1 = .35, b2 = .60, inputs .05 .10, targets .01 .99, E = Σ ½(target − out)². W^[1] has a row per
# input and a column per hidden unit: w1 (i1→h1), w2 (i2→h1), w3 (i1→h2), w4 (i2→h2); W^[2]: w5
# (h1→o1), w6 (h2→o1), w7 (h1→o2), w8 (h2→o2).
MAZUR = {"network": {"sizes": "2,2,2", "activations": "sigmoid"},
         "weights": [[[0.15, 0.25], [0.20, 0.30]], [[0.40, 0.50], [0.45, 0.55]]],
         "biases": [[0.35, 0.35], [0.60, 0.60]], "inputs": [0.05, 0.10], "targets": [0.01, 0.99],
         "loss": "squared_error"}
MAZUR_UPDATED = {  # his weights after one step with learning rate 0.5: w − 0.5 ∂E/∂w
    (1, 0, 0): 0.149780716, (1, 1, 0): 0.19956143, (1, 0, 1): 0.24975114, (1, 1, 1): 0.29950229,
    (2, 0, 0): 0.35891648, (2, 1, 0): 0.408666186, (2, 0, 1): 0.511301270, (2, 1, 1): 0.561370121}


def test_numbers_reproduce_mazurs_published_example(client):
    answer = ok(client.post("/api/numbers", json=MAZUR))
    assert answer["loss"] == "squared_error"
    # the server's squared_error is ½ Σ over the outputs of (a − y)², Mazur's E_total
    assert answer["loss_value"] == pytest.approx(0.298371109, abs=5e-10)
    assert answer["z"][0][0] == pytest.approx(0.3775, abs=1e-12)  # net_h1
    assert answer["a"][1] == pytest.approx([0.593269992, 0.596884378], abs=5e-10)  # out_h1, out_h2
    assert answer["a"][2] == pytest.approx([0.75136507, 0.772928465], abs=5e-9)  # out_o1, out_o2
    assert answer["dW"][1][0][0] == pytest.approx(0.082167041, abs=5e-10)  # ∂E/∂w5
    assert answer["dW"][0][0][0] == pytest.approx(0.000438568, abs=5e-10)  # ∂E/∂w1
    for (layer, k, i), published in MAZUR_UPDATED.items():
        w = MAZUR["weights"][layer - 1][k][i]
        assert w - 0.5 * answer["dW"][layer - 1][k][i] == pytest.approx(published, abs=5e-9), (layer, k, i)


def test_numbers_exact_check_agrees(client):
    body = dict(MAZUR, check=True)
    check = ok(client.post("/api/numbers", json=body))["check"]
    assert check["ok"] is True and max(check["max_abs"]) < 1e-12


# --- /api/collapse ----------------------------------------------------------------------------------

MATHML = "{http://www.w3.org/1998/Math/MathML}"
PRIME = "\u2032"


def parse_mathml(text: str) -> ET.Element:
    """A <math> string as an element tree (HTML's named entities such as &InvisibleTimes; resolved)."""
    xml_entities = ("lt", "gt", "amp", "quot", "apos")
    text = re.sub(r"&([A-Za-z]+);",
                  lambda m: m.group(0) if m.group(1) in xml_entities else html.unescape(m.group(0)), text)
    root = ET.fromstring(text)
    for element in root.iter():
        element.tag = element.tag.replace(MATHML, "")
    return root


def indices(element) -> tuple[int, ...]:
    if element.tag == "mn":
        return tuple(int(d) for d in element.text)
    return tuple(int(child.text) for child in element if child.tag == "mn")


def symbol(element):
    """("w", (k, i), layer) for w_{ki}^{[layer]}, ("w′", (k,)) for w′_k, ("x", (k,)) for x_k."""
    base = element[0].text
    if element.tag == "msub":
        return (base, indices(element[1]))
    assert element.tag == "msubsup", ET.tostring(element)
    superscript = element[2]
    if PRIME in "".join(superscript.itertext()):
        return (base + PRIME, indices(element[1]))
    layer = [int(mn.text) for mn in superscript.iter("mn")]
    return (base, indices(element[1]), layer[0])


def equation_sides(line: str):
    """(lhs symbol, [[factor symbols] per term]) of a 'lhs = Σ products' line."""
    top = parse_mathml(line)[0]
    lhs, equals, rhs = list(top)
    assert equals.tag == "mo" and equals.text == "="
    terms = [child for child in rhs if not (child.tag == "mo" and child.text == "+")]
    products = []
    for term in terms:
        factors = [child for child in term if child.tag != "mo"] if term.tag == "mrow" else [term]
        products.append([symbol(f) for f in factors])
    return symbol(lhs), products


def random_fractions(rng, shape):
    return np.array([Fraction(int(n), int(d)) for n, d in zip(rng.integers(-9, 10, np.prod(shape)),
                                                               rng.integers(1, 8, np.prod(shape)))],
                    dtype=object).reshape(shape)


def test_collapse_of_linear_341_is_the_product_of_its_weights(client):
    network = {"network": {"sizes": "3,4,1", "activations": "linear", "bias": False}}
    answer = ok(client.post("/api/collapse", json=network))
    assert answer["collapses"] is True
    proof = ok(client.post("/api/collapse/proof", json=network))
    assert proof["verified"] is True and proof["proof"] and "DO NOT HOLD" not in proof["report"]
    assert "w′" in answer["sentence"]
    assert any(PRIME in html.unescape(line) for line in answer["lines"])
    assert re.search(r"<msubsup><mi>w</mi><mn>1</mn>.{0,80}&#8242;", answer["lines"][0]), answer["lines"][0][:400]

    # a_1^[2] = w′_1 x_1 + w′_2 x_2 + w′_3 x_3
    lhs, products = equation_sides(answer["lines"][0])
    assert lhs == ("a", (1,), 2)
    assert sorted(products) == [[("w" + PRIME, (k,)), ("x", (k,))] for k in (1, 2, 3)]

    # w′_k = Σ_i w_{ki}^[1] w_{i1}^[2]: evaluated at random Fractions, exactly (W1 W2)_k
    rng = np.random.default_rng(11)
    W = {1: random_fractions(rng, (3, 4)), 2: random_fractions(rng, (4, 1))}
    product = W[1].dot(W[2])
    definitions = {}
    for line in answer["lines"][1:]:
        lhs, terms = equation_sides(line)
        value = Fraction(0)
        for factors in terms:
            term = Fraction(1)
            for name, (k, i), layer in factors:
                assert name == "w"
                term *= W[layer][k - 1, i - 1]
            value += term
        definitions[lhs] = value
    assert definitions == {("w" + PRIME, (k,)): product[k - 1, 0] for k in (1, 2, 3)}

    # and the network's numbers at those weights are x·(W1 W2)
    x = random_fractions(rng, (3,))
    exact = x.dot(product)[0]
    body = {"network": {"sizes": "3,4,1", "activations": "linear", "bias": False},
            "weights": [[[float(v) for v in row] for row in W[j]] for j in (1, 2)],
            "inputs": [float(v) for v in x]}
    assert ok(client.post("/api/numbers", json=body))["a"][-1][0] == pytest.approx(float(exact), rel=1e-12,
                                                                                   abs=1e-12)


@pytest.mark.parametrize("sizes", [(3, 4, 2), (2, 3, 3, 1), (4, 2, 2, 2, 3)])
def test_linear_network_with_biases_is_x_times_w_prime_plus_b_prime(client, sizes):
    """a^[L] = x·(W1 ⋯ WL) + b′ with b′ = b1 W2 ⋯ WL + … + bL, in exact Fractions."""
    rng = np.random.default_rng(sum(sizes))
    Ws = [random_fractions(rng, (n_in, n_out)) for n_in, n_out in zip(sizes, sizes[1:])]
    bs = [random_fractions(rng, (n_out,)) for n_out in sizes[1:]]
    x = random_fractions(rng, (sizes[0],))
    w_prime = Ws[0]
    b_prime = bs[0]
    for W, b in zip(Ws[1:], bs[1:]):
        w_prime, b_prime = w_prime.dot(W), b_prime.dot(W) + b
    exact = x.dot(w_prime) + b_prime
    network = {"sizes": ",".join(map(str, sizes)), "activations": "linear"}
    assert ok(client.post("/api/collapse", json={"network": network}))["collapses"] is True
    body = {"network": network, "weights": [[[float(v) for v in row] for row in W] for W in Ws],
            "biases": [[float(v) for v in b] for b in bs], "inputs": [float(v) for v in x]}
    got = ok(client.post("/api/numbers", json=body))["a"][-1]
    np.testing.assert_allclose(got, [float(v) for v in exact], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("activations", ["sigmoid", ["linear", "sigmoid"], "tanh", "relu"])
def test_nonlinear_network_does_not_collapse_and_gives_a_witness(client, activations):
    answer = ok(client.post("/api/collapse", json={"network": {"sizes": "3,4,1", "activations": activations}}))
    assert answer["collapses"] is False
    witness = answer["witness"]
    assert len(witness["x"]) == 3 and len(witness["y"]) == 3
    assert all(v.startswith("<math") for v in witness["x"] + witness["y"])
    assert float(witness["difference"]) != 0
    assert answer["verified"] is True and answer["proof"]
    assert "not affine" in answer["sentence"] or "not one linear model" in answer["sentence"]
    proof = ok(client.post("/api/collapse/proof", json={"network": {"sizes": "3,4,1", "activations": activations}}))
    assert {key: proof[key] for key in ("proof", "verified", "report")} == \
        {key: answer[key] for key in ("proof", "verified", "report")}


def test_affine_formula_collapses(client):
    network = {"network": {"sizes": "2,2,1", "activations": "expr:2*z+1"}}
    assert ok(client.post("/api/collapse", json=network))["collapses"] is True
    assert ok(client.post("/api/collapse/proof", json=network))["verified"] is True


@pytest.mark.parametrize("activation", ["expr:z**2", "expr:z**3"])
def test_counterexample_with_a_large_difference_verifies(client, activation):
    answer = ok(client.post("/api/collapse", json={"network": {"sizes": "2,2,1", "activations": activation}}))
    assert answer["collapses"] is False
    assert abs(float(answer["witness"]["difference"])) > 1  # an exact, clearly non-zero counterexample
    assert answer["verified"] is True, answer["report"]


def test_collapse_report_shown_on_the_page_has_no_tex(client):
    """The page shows report_html in the proof's summary: its 10^{-9} is MathML, not TeX."""
    network = {"network": {"sizes": "3,4,1", "activations": "sigmoid"}}
    answer = ok(client.post("/api/collapse", json=network))
    proof = ok(client.post("/api/collapse/proof", json=network))
    for shown in (answer["report_html"], proof["report_html"]):
        assert "$" not in shown and "\\" not in shown, shown
        assert "<math" in shown


# --- /api/network, /api/unit, /api/params ---------------------------------------------------------------


@pytest.mark.parametrize("sizes, bias", [((3, 4, 1), True), ((3, 4, 1), False), ((16, 30, 20), True),
                                         ((2, 3, 3, 3, 3, 3, 2), True)])
def test_network_panel_describes_the_network(client, sizes, bias):
    answer = ok(client.post("/api/network", json={"network": {"sizes": ",".join(map(str, sizes)),
                                                               "activations": "sigmoid", "bias": bias}}))
    assert answer["sizes"] == list(sizes)
    expected = sum((n_in + (1 if bias else 0)) * n_out for n_in, n_out in zip(sizes, sizes[1:]))
    assert answer["parameters"] == expected
    assert [len(layer["units"]) for layer in answer["layers"]] == list(sizes)
    assert answer["network"]["bias"] is bias
    if max(sizes) <= 8:
        assert answer["svg"].startswith("<svg") and not answer["svg_note"]
    else:
        assert answer["svg"] == "" and answer["svg_note"]


def test_network_names_are_echoed(client):
    answer = ok(client.post("/api/network", json={"network": {
        "sizes": "2,2,1", "activations": ["tanh", "sigmoid"], "input_names": "price, shipping cost",
        "unit_names": ["cheap, fast", "buy"]}}))
    assert [u["name"] for u in answer["layers"][0]["units"]] == ["price", "shipping cost"]
    assert [u["name"] for u in answer["layers"][1]["units"]] == ["cheap", "fast"]
    assert [u["name"] for u in answer["layers"][2]["units"]] == ["buy"]
    assert answer["network"]["activations"] == ["tanh", "sigmoid"]


def test_unit_panel_writes_out_z(client):
    network = {"sizes": "3,4,1", "activations": "sigmoid"}
    answer = ok(client.post("/api/unit", json={"network": network, "layer": 1, "unit": 2}))
    forms = {form["name"]: form["lines"] for form in answer["forms"]}
    assert set(forms) == {"elementwise", "Σ form", "block form"}
    z_line = forms["elementwise"][0]
    # z_2^[1] = w_12 x_1 + w_22 x_2 + w_32 x_3 + b_2: one weight per input, all into unit 2
    weights = re.findall(r"<msubsup><mi>w</mi><mrow><mn>(\d)</mn><mn>(\d)</mn></mrow>", z_line)
    assert sorted(weights) == [("1", "2"), ("2", "2"), ("3", "2")]
    inputs = ok(client.post("/api/unit", json={"network": network, "layer": 0, "unit": 3}))
    assert inputs["title"].startswith("input 3")


def test_params_are_seeded_and_shaped(client):
    network = {"sizes": "3,4,2", "activations": "tanh"}
    one = ok(client.post("/api/params", json={"network": network, "seed": 5}))
    again = ok(client.post("/api/params", json={"network": network, "seed": 5}))
    other = ok(client.post("/api/params", json={"network": network, "seed": 6}))
    assert one == again and one != other
    assert [np.shape(W) for W in one["weights"]] == [(3, 4), (4, 2)]
    assert [len(b) for b in one["biases"]] == [4, 2]
    no_bias = ok(client.post("/api/params", json={"network": dict(network, bias=False)}))
    assert no_bias["biases"] is None
    # they are weights the Numbers panel takes back
    answer = ok(client.post("/api/numbers", json={"network": network, **one, "inputs": [0.1, 0.2, 0.3]}))
    Ws, bs = [np.array(W) for W in one["weights"]], [np.array(b) for b in one["biases"]]
    np.testing.assert_allclose(answer["a"][-1], forward(Ws, bs, [0.1, 0.2, 0.3], ["tanh", "tanh"])[1][-1],
                               rtol=1e-12)


# --- /api/dataset and /api/train --------------------------------------------------------------------------

RULES = {"separable": lambda x1, x2: 0.8 * x1 - 0.6 * x2 + 0.1 > 0,
         "xor": lambda x1, x2: x1 * x2 > 0,
         "circles": lambda x1, x2: np.hypot(x1, x2) < 0.45}


@pytest.mark.parametrize("name", sorted(RULES))
def test_dataset_labels_follow_the_rule(client, name):
    answer = ok(client.post("/api/dataset", json={"dataset": name}))
    X, y = np.array(answer["points"]), np.array(answer["labels"])
    assert X.shape == (200, 2) and y.shape == (200,)
    assert np.all(np.abs(X) <= 1)
    assert set(y.tolist()) == {0, 1}
    np.testing.assert_array_equal(y, RULES[name](X[:, 0], X[:, 1]).astype(int))
    assert ok(client.post("/api/dataset", json={"dataset": name, "data_seed": 0})) == answer
    assert ok(client.post("/api/dataset", json={"dataset": name, "data_seed": 1}))["points"] != answer["points"]


def test_drawn_dataset_is_taken_as_given(client):
    points, labels = [[0.5, 0.5], [-0.5, -0.5], [0.25, -0.75]], [1, 0, 1]
    answer = ok(client.post("/api/dataset", json={"dataset": "drawn", "points": points, "labels": labels}))
    assert answer["points"] == points and answer["labels"] == labels


def train_lines(client, body) -> list[dict]:
    with client.stream("POST", "/api/train", json=body) as response:
        assert response.status_code == 200, response.read()[:500]
        assert response.headers["content-type"].startswith("application/x-ndjson")
        return [json.loads(line) for line in response.iter_lines() if line.strip()]


def grid_points(extent: float, size: int) -> np.ndarray:
    """The boundary picture's points: row 0 at the top (largest x2), x1 growing along a row."""
    axis = np.linspace(-extent, extent, size)
    x1, x2 = np.meshgrid(axis, axis[::-1])
    return np.column_stack([x1.ravel(), x2.ravel()])


def test_train_linear_sigmoid_on_xor_draws_a_straight_boundary(client):
    epochs = 200
    lines = train_lines(client, {"network": {"sizes": "2,4,1", "activations": ["linear", "sigmoid"]},
                                 "dataset": "xor", "epochs": epochs, "lr": 0.05, "pace_ms": 0, "seed": 2})
    first, progress, last = lines[0], lines[1:-1], lines[-1]
    assert "error" not in last, last
    size, extent = first["size"], first["extent"]
    assert first["epoch"] == 0 and len(first["points"]) == len(first["labels"]) == 200
    assert len(first["grid"]) == size * size
    np.testing.assert_array_equal(first["labels"], RULES["xor"](*np.array(first["points"]).T).astype(int))
    epochs_seen = [line["epoch"] for line in progress]
    assert epochs_seen == sorted(set(epochs_seen)) and epochs_seen[0] > 0 and epochs_seen[-1] <= epochs
    assert all(np.isfinite(line["loss"]) and 0 <= line["accuracy"] <= 1 for line in progress)
    assert last["done"] is True and last["epochs_done"] == epochs

    Ws = [np.array(W) for W in last["weights"]]
    bs = [np.array(b) for b in last["biases"]]
    points = grid_points(extent, size)
    mine = np.array([forward(Ws, bs, p, ["linear", "sigmoid"])[1][-1][0] for p in points])
    if epochs_seen[-1] == epochs:  # the last picture is of the final weights: the same values
        np.testing.assert_allclose(progress[-1]["grid"], mine, atol=2e-4)
    # the collapsed model, multiplied out here: z = x·(W1 W2) + b1 W2 + b2, class 1 where z ≥ 0
    w_prime = (Ws[0] @ Ws[1])[:, 0]
    b_prime = float((bs[0] @ Ws[1] + bs[1])[0])
    score = points @ w_prime + b_prime
    grid = np.array(progress[-1]["grid"])
    clear = np.abs(score) > 0.05 * np.abs(w_prime).sum()  # the last picture may be a few epochs old
    assert clear.mean() > 0.8
    np.testing.assert_array_equal((grid >= 0.5)[clear], (score >= 0)[clear])
    collapsed = last["collapsed"]
    assert collapsed is not None and collapsed["threshold"] == 0
    np.testing.assert_allclose(collapsed["weights"], w_prime, rtol=1e-3, atol=1e-4)
    assert collapsed["bias"] == pytest.approx(b_prime, rel=1e-3, abs=1e-4)
    # the Numbers panel agrees with the picture at a few grid points
    for index in (0, size * size // 3, size * size - 1):
        body = {"network": {"sizes": "2,4,1", "activations": ["linear", "sigmoid"]},
                "weights": last["weights"], "biases": last["biases"], "inputs": points[index].tolist()}
        assert ok(client.post("/api/numbers", json=body))["a"][-1][0] == pytest.approx(mine[index], abs=1e-12)


def test_train_softmax_and_drawn_data(client):
    points = [[0.5, 0.5], [0.6, 0.4], [-0.5, -0.5], [-0.4, -0.6]]
    lines = train_lines(client, {"network": {"sizes": "2,2", "activations": "softmax"}, "dataset": "drawn",
                                 "points": points, "labels": [1, 1, 0, 0], "epochs": 60, "lr": 0.1,
                                 "pace_ms": 0})
    assert lines[0]["points"] == points and lines[0]["labels"] == [1, 1, 0, 0]
    assert lines[0]["loss_name"] == "cross_entropy"
    assert lines[-1]["done"] is True and lines[-1]["epochs_done"] == 60
    assert lines[-2]["accuracy"] == 1.0
    Ws, bs = [np.array(W) for W in lines[-1]["weights"]], [np.array(b) for b in lines[-1]["biases"]]
    predicted = [int(np.argmax(forward(Ws, bs, p, ["softmax"])[1][-1])) for p in points]
    assert predicted == [1, 1, 0, 0]


def test_train_that_diverges_ends_with_an_error_line(client):
    lines = train_lines(client, {"network": {"sizes": "2,4,1", "activations": "linear"}, "dataset": "circles",
                                 "epochs": 300, "lr": 10, "optimizer": "sgd", "pace_ms": 0})
    assert "error" in lines[-1] and "diverged" in lines[-1]["error"]
    assert not any(line.get("done") for line in lines)


# --- /api/digits and /api/digits/predict ------------------------------------------------------------------


def flat(glyph) -> list[int]:
    return [int(v) for row in glyph for v in row]


def test_digits_two_classes_read_the_lecture_glyphs(client):
    info = ok(client.post("/api/digits", json={"classes": 2}))
    assert info["glyphs"]["1"] == flat(LECTURE_ONE) and info["glyphs"]["0"] == flat(LECTURE_ZERO)
    assert (info["rows"], info["columns"]) == (7, 5)
    W, b = np.array(info["weights"]), np.array(info["biases"])
    assert W.shape == (1, 35) and b.shape == (1,)
    for digit, glyph in ((1, LECTURE_ONE), (0, LECTURE_ZERO)):
        x = np.array(flat(glyph), dtype=float)
        answer = ok(client.post("/api/digits/predict", json={"classes": 2, "pixels": flat(glyph)}))
        assert answer["prediction"] == digit
        assert answer["lit"] == int(x.sum())
        # z = Σ w x + b from the published weights (rounded to 4 decimals: 36 terms of ±5e-5)
        assert answer["z"][0] == pytest.approx(float(W[0] @ x + b[0]), abs=2e-3)
        assert answer["a"][0] == pytest.approx(float(sigmoid(answer["z"][0])), abs=1e-12)
        assert (answer["a"][0] >= 0.5) == bool(digit)


def test_digits_ten_classes_read_every_glyph(client):
    info = ok(client.post("/api/digits", json={"classes": 10}))
    W, b = np.array(info["weights"]), np.array(info["biases"])
    assert W.shape == (10, 35) and b.shape == (10,)
    for digit in range(10):
        pixels = flat(GLYPHS[digit])
        assert info["glyphs"][str(digit)] == pixels
        answer = ok(client.post("/api/digits/predict", json={"classes": 10, "pixels": pixels}))
        assert answer["prediction"] == digit
        z = W @ np.array(pixels, dtype=float) + b
        np.testing.assert_allclose(answer["z"], z, atol=2e-3)
        np.testing.assert_allclose(answer["a"], softmax(np.array(answer["z"])), atol=1e-12)
        assert int(np.argmax(z)) == digit


# --- /api/export --------------------------------------------------------------------------------------------

PREFIX = {"tex": b"\\documentclass", "html": b"<!DOCTYPE html>", "pdf": b"%PDF"}
EXPORTS = {
    "network": {"network": {"sizes": "3,4,1", "activations": "sigmoid"}, "layer": 1, "unit": 2},
    "collapse": {"network": {"sizes": "3,4,1", "activations": "linear", "bias": False}},
    # Mazur's example cut to its first output o1 (which depends on w5, w6 and b2 alone): 2-2-1, within the
    # worked example's limit of 60 parameters
    "numbers": {"network": {"sizes": "2,2,1", "activations": "sigmoid"},
                "weights": [[[0.15, 0.25], [0.2, 0.3]], [[0.4], [0.45]]], "biases": [[0.35, 0.35], [0.6]],
                "inputs": [0.05, 0.1], "targets": [0.01], "loss": "squared_error", "lr": 0.5},
    "playground": {"network": {"sizes": "2,4,1", "activations": ["linear", "sigmoid"]},
                   "weights": [[[0.5, -1.0, 0.25, 2.0], [1.5, 0.75, -0.5, 1.0]], [[1.0], [-2.0], [0.5], [0.25]]],
                   "biases": [[0.1, -0.2, 0.3, 0.0], [0.5]]},
    "digits": {"classes": 2, "pixels": flat(LECTURE_ONE)},
}


def test_playground_export_writes_the_trained_straight_line(client):
    """w′ = W^[1] W^[2] and b′ = b^[1] W^[2] + b^[2] of the trained weights, multiplied out here."""
    body = EXPORTS["playground"]
    W1, W2 = np.array(body["weights"][0]), np.array(body["weights"][1])
    b1, b2 = np.array(body["biases"][0]), np.array(body["biases"][1])
    w_prime, b_prime = (W1 @ W2)[:, 0], float(b1 @ W2[:, 0] + b2[0])
    tex = client.post("/api/export", json={"panel": "playground", "format": "tex", **body}).text
    for value in (*w_prime, b_prime):
        assert f"{value:.4f}".rstrip("0").rstrip(".") in tex, value
    refused(client.post("/api/export", json={"panel": "playground", "format": "tex", "network": body["network"]}),
            "train the network first")


@pytest.mark.parametrize("kind", ["tex", "html", "pdf"])
@pytest.mark.parametrize("panel", sorted(EXPORTS))
def test_export_every_panel(client, panel, kind):
    if kind == "pdf" and shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    response = client.post("/api/export", json={"panel": panel, "format": kind, **EXPORTS[panel]})
    assert response.status_code == 200, response.text[:500]
    assert response.content.startswith(PREFIX[kind])
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and disposition.endswith(f'.{kind}"')
    if kind == "tex":
        assert response.text.rstrip().endswith("\\end{document}")
    if panel == "numbers" and kind != "pdf":  # Mazur's published numbers: E_o1, out_h1, out_o1, w5⁺, w6⁺
        for published in ("0.274811083", "0.593269992", "0.75136507", "0.35891648", "0.408666186"):
            assert published in response.text, published


def test_export_of_the_collapse_is_what_symnn_derive_writes(client):
    from symnn import Network, collapse

    proof = collapse(Network([3, 4, 1], activation="linear", bias=False)).proof
    body = {"panel": "collapse", **EXPORTS["collapse"]}
    tex = client.post("/api/export", json=dict(body, format="tex"))
    page = client.post("/api/export", json=dict(body, format="html"))
    assert tex.status_code == page.status_code == 200
    assert tex.content == proof.document().encode("utf-8")
    assert page.content == proof.html().encode("utf-8")


# --- bad input, on every endpoint ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ENDPOINTS)
def test_not_json_is_refused(client, path):
    refused(post_raw(client, path, b"{network: 3,4,1}"), "not JSON")
    refused(post_raw(client, path, b"\xff\xfe{}"), "UTF-8")
    refused(post_raw(client, path, b"[" * 50_000 + b"]" * 50_000), "nest")


@pytest.mark.parametrize("path", ENDPOINTS)
def test_wrong_content_type_is_refused(client, path):
    body = json.dumps({"network": {"sizes": "2,1"}, "classes": 2}).encode()
    refused(post_raw(client, path, body, "text/plain"), "JSON", "text/plain")
    refused(post_raw(client, path, body, "application/x-www-form-urlencoded"), "JSON")
    refused(post_raw(client, path, body, None), "JSON")


BIG = b'{"network": {"sizes": "2,1"}, "pad": "' + b"x" * validate.MAX_BODY_BYTES + b'"}'


@pytest.mark.parametrize("path", ENDPOINTS)
def test_body_over_the_limit_is_413(client, path):
    refused(post_raw(client, path, BIG), f"{validate.MAX_BODY_BYTES:,}", status=413)


@pytest.mark.parametrize("path", ["/api/network", "/api/train", "/api/export"])  # the three ways a body is read
def test_streamed_body_over_the_limit_is_413(client, path):
    def chunks():  # no Content-Length: the server must stop reading at the limit by itself
        for start in range(0, len(BIG), 64 * 1024):
            yield BIG[start:start + 64 * 1024]

    refused(post_raw(client, path, chunks()), f"{validate.MAX_BODY_BYTES:,}", status=413)


@pytest.mark.parametrize("path", ENDPOINTS)
def test_json_that_is_not_an_object_is_refused(client, path):
    refused(post_raw(client, path, b'[{"network": {"sizes": "2,1"}}]'), "object", "list")
    refused(post_raw(client, path, b'"3,4,1"'), "object")
    refused(post_raw(client, path, b"42"), "object")


@pytest.mark.parametrize("path", ENDPOINTS)
def test_nan_and_infinity_are_refused(client, path):
    for constant in ("NaN", "Infinity", "-Infinity"):
        raw = ('{"network": {"sizes": "2,1"}, "classes": 2, "inputs": [%s, 1], "layer": 1}' % constant).encode()
        refused(post_raw(client, path, raw), constant.lstrip("-"), "not a number")


@pytest.mark.parametrize("path", ENDPOINTS)
def test_get_is_405_json(client, path):
    for method in ("GET", "PUT", "DELETE"):
        response = client.request(method, path)
        refused(response, method, path, status=405)


@pytest.mark.parametrize("method, path", [("GET", "/api/nothing"), ("POST", "/api/nothing"),
                                          ("GET", "/static/nothing.js"), ("POST", "/api/network/extra")])
def test_unknown_path_is_404_json(client, method, path):
    refused(client.request(method, path), path, status=404)


def test_the_page_itself_is_served(client):
    response = client.get("/")
    assert response.status_code == 200 and response.text.startswith("<!DOCTYPE html>")


# the endpoints that read a network, each with the rest of a body that would be valid
NETWORK_ENDPOINTS = {
    "network": ("/api/network", {}),
    "unit": ("/api/unit", {"layer": 1, "unit": 1}),
    "collapse": ("/api/collapse", {}),
    "collapse-proof": ("/api/collapse/proof", {}),
    "params": ("/api/params", {"seed": 1}),
    "numbers": ("/api/numbers", {"weights": [[[0.1, 0.2], [0.3, 0.4]], [[0.5], [0.6]]],
                                 "biases": [[0.1, 0.2], [0.3]], "inputs": [1, 2]}),
    "train": ("/api/train", {"dataset": "xor", "epochs": 5, "pace_ms": 0}),
    "export-network": ("/api/export", {"panel": "network", "format": "tex"}),
    "export-collapse": ("/api/export", {"panel": "collapse", "format": "html"}),
    "export-numbers": ("/api/export", {"panel": "numbers", "format": "tex",
                                       "weights": [[[0.1, 0.2], [0.3, 0.4]], [[0.5], [0.6]]],
                                       "biases": [[0.1, 0.2], [0.3]], "inputs": [1, 2], "targets": [1]}),
}
GOOD_NETWORK = {"sizes": "2,2,1", "activations": "sigmoid"}
MISSING = object()
BAD_NETWORKS = {  # network (or changes to GOOD_NETWORK), words the message must contain
    "missing network": (MISSING, ["network", "sizes"]),
    "network as text": ("2,2,1", ["network"]),
    "network as a list": ([2, 2, 1], ["network"]),
    "missing sizes": ({"sizes": None}, ["sizes", "missing"]),
    "sizes as a number": ({"sizes": 221}, ["sizes", "text"]),
    "sizes 3,x,1": ({"sizes": "3,x,1"}, ["3,x,1", "positive integers"]),
    "sizes 0,1": ({"sizes": "0,1"}, ["0,1", "at least one unit"]),
    "sizes 3": ({"sizes": "3"}, ["only the input layer"]),
    "sizes with a sign": ({"sizes": "2,-2,1"}, ["sign"]),
    "sizes 2,,1": ({"sizes": "2,,1"}, ["empty"]),
    "sizes of 40 digits": ({"sizes": "2," + "9" * 40 + ",1"}, ["digits"]),
    "sizes too long a text": ({"sizes": "1," * 1500 + "1"}, ["sizes", "characters"]),
    "too many inputs": ({"sizes": f"{validate.MAX_INPUTS + 1},1"}, [f"{validate.MAX_INPUTS + 1} inputs"]),
    "too many layers": ({"sizes": ",".join(["1"] * (validate.MAX_LAYERS + 2))},
                        [f"{validate.MAX_LAYERS + 1} computed layers"]),
    "too many units": ({"sizes": f"2,{validate.MAX_UNITS // 2 + 1},{validate.MAX_UNITS // 2}"},
                       [f"{validate.MAX_UNITS + 1} units"]),
    "unknown activation": ({"activations": "bogus"}, ["bogus", "sigmoid"]),
    "unknown activation in a list": ({"activations": ["sigmoid", "swish"]}, ["swish"]),
    "activation as a number": ({"activations": [1, "sigmoid"]}, ["text"]),
    "activations as an object": ({"activations": {"1": "sigmoid"}}, ["activations"]),
    "too many activations": ({"activations": ["sigmoid"] * 3}, ["activations", "2"]),
    "unsafe formula": ({"activations": "expr:__import__('os')"}, ["__import__"]),
    "unsafe attribute": ({"activations": "expr:z.__class__"}, ["not allowed"]),
    "unsafe call": ({"activations": "expr:exec('1')"}, ["exec"]),
    "huge exponent": ({"activations": "expr:9**9**9"}, ["exponent"]),
    "formula too long": ({"activations": "expr:" + "+".join(["z"] * 150)}, ["characters"]),
    "softmax in a hidden layer": ({"activations": ["softmax", "sigmoid"]}, ["softmax", "output"]),
    "bias as text": ({"bias": "yes"}, ["bias", "true or false"]),
    "repeated input names": ({"input_names": "price, price"}, ["repeat", "price"]),
    "wrong number of input names": ({"input_names": "a, b, c"}, ["input names", "2"]),
    "empty input name": ({"input_names": "a, "}, ["empty name"]),
    "markup as a name": ({"input_names": "<script>x</script>, b"}, ["not allowed"]),
    "input names as a list": ({"input_names": ["a", "b"]}, ["input_names", "text"]),
    "repeated unit names": ({"unit_names": ["u, u", ""]}, ["repeat", "'u'"]),
    "unit names of the wrong length": ({"unit_names": ["a, b"]}, ["unit_names", "2"]),
}


@pytest.mark.parametrize("case", sorted(BAD_NETWORKS))
def test_bad_network_is_refused_everywhere(client, case):
    network, words = BAD_NETWORKS[case]
    for endpoint, (path, rest) in NETWORK_ENDPOINTS.items():
        body = dict(rest)
        if isinstance(network, dict):
            body["network"] = {k: v for k, v in {**GOOD_NETWORK, **network}.items() if v is not None}
        elif network is not MISSING:
            body["network"] = network
        try:
            refused(client.post(path, json=body), *words)
        except AssertionError as error:
            raise AssertionError(f"{endpoint} ({path}): {error}") from None


@pytest.mark.parametrize("endpoint", sorted(NETWORK_ENDPOINTS))
def test_the_good_network_is_taken_everywhere(client, endpoint):
    """The bodies above are refused for their network alone."""
    path, rest = NETWORK_ENDPOINTS[endpoint]
    response = client.post(path, json={"network": GOOD_NETWORK, **rest})
    assert response.status_code == 200, response.text[:500]


@pytest.mark.parametrize("sizes", [f"{validate.MAX_INPUTS},1", ",".join(["1"] * (validate.MAX_LAYERS + 1)),
                                   f"2,{validate.MAX_UNITS // 2},{validate.MAX_UNITS // 2}"])
def test_networks_at_the_bounds_are_taken(client, sizes):
    assert ok(client.post("/api/network", json={"network": {"sizes": sizes}}))["sizes"] == \
        [int(s) for s in sizes.split(",")]


def test_parameter_bound_is_checked(client):
    """16-40-24 is within the bounds on inputs (16) and units (64) but has (16 + 1)·40 + (40 + 1)·24 = 1,664
    weights and biases, more than MAX_PARAMETERS."""
    assert validate.MAX_PARAMETERS < 1_664
    refused(client.post("/api/network", json={"network": {"sizes": "16,40,24"}}), "1,664 weights and biases")
    assert client.post("/api/network", json={"network": {"sizes": "16,30,20"}}).status_code == 200  # 1,130


def test_unsafe_formulas_are_never_evaluated(client, tmp_path):
    marker = tmp_path / "pwned"
    formulas = [f"expr:__import__('os').system('touch {marker}')",
                f"expr:open('{marker}', 'w')",
                f"expr:(lambda: __import__('pathlib').Path('{marker}').touch())()",
                "expr:[c for c in ().__class__.__base__.__subclasses__()]"]
    for formula in formulas:
        for path, rest in NETWORK_ENDPOINTS.values():
            body = {"network": {"sizes": "2,2,1", "activations": formula}, **rest}
            refused(client.post(path, json=body))
    assert not marker.exists()


NUMBERS_BASE = {"network": GOOD_NETWORK, "weights": [[[0.1, 0.2], [0.3, 0.4]], [[0.5], [0.6]]],
                "biases": [[0.1, 0.2], [0.3]], "inputs": [1, 2], "targets": [1]}


def with_weight(value):
    return {"weights": [[[0.1, value], [0.3, 0.4]], [[0.5], [0.6]]]}


BAD_NUMBERS = {  # changes to NUMBERS_BASE, words the message must contain
    "weights missing": ({"weights": None}, ["weights"]),
    "weights as a number": ({"weights": 1}, ["weights", "2 matrices"]),
    "one matrix too few": ({"weights": [[[0.1, 0.2], [0.3, 0.4]]]}, ["weights", "2 matrices"]),
    "too few rows": ({"weights": [[[0.1, 0.2]], [[0.5], [0.6]]]}, ["W[1]", "2 rows"]),
    "a row too long": ({"weights": [[[0.1, 0.2, 0.3], [0.3, 0.4]], [[0.5], [0.6]]]}, ["W[1][0]", "exactly 2"]),
    "transposed W[2]": ({"weights": [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6]]]}, ["W[2]", "2 rows"]),
    "a weight as text": (with_weight("0.2"), ["W[1][0][1]", "number"]),
    "a weight true": (with_weight(True), ["W[1][0][1]", "number", "true"]),
    "a weight null": (with_weight(None), ["W[1][0][1]", "number"]),
    "a weight as a list": (with_weight([0.2]), ["W[1][0][1]", "number"]),
    "a weight beyond 1e6": (with_weight(1e6 + 1), ["W[1][0][1]", "1e+06"]),
    "a weight below -1e6": (with_weight(-2e6), ["W[1][0][1]", "1e+06"]),
    "biases missing": ({"biases": None}, ["biases"]),
    "a bias list too short": ({"biases": [[0.1], [0.3]]}, ["b[1]", "exactly 2"]),
    "a bias as text": ({"biases": [[0.1, "x"], [0.3]]}, ["b[1][1]", "number"]),
    "inputs missing": ({"inputs": None}, ["inputs"]),
    "inputs too many": ({"inputs": [1, 2, 3]}, ["inputs", "exactly 2"]),
    "an input as text": ({"inputs": [1, "2"]}, ["inputs[1]", "number"]),
    "an input true": ({"inputs": [True, 2]}, ["inputs[0]", "number"]),
    "an input beyond 1e6": ({"inputs": [1, 1e7]}, ["inputs[1]", "1e+06"]),
    "targets too many": ({"targets": [1, 0]}, ["targets", "exactly 1"]),
    "a target as text": ({"targets": ["1"]}, ["targets[0]", "number"]),
    "a target outside 0..1 for bce": ({"targets": [2]}, ["0 to 1"]),
    "unknown loss": ({"loss": "hinge"}, ["loss", "hinge"]),
    "loss that does not fit": ({"loss": "cross_entropy"}, ["cross_entropy", "sigmoid"]),
    "check as text": ({"check": "yes"}, ["check", "true or false"]),
}


@pytest.mark.parametrize("case", sorted(BAD_NUMBERS))
def test_bad_numbers_are_refused(client, case):
    change, words = BAD_NUMBERS[case]
    body = {k: v for k, v in {**NUMBERS_BASE, **change}.items() if v is not None}
    refused(client.post("/api/numbers", json=body), *words)
    # the export of the Numbers panel checks its numbers the same way (it needs targets; 'check' it ignores)
    if case not in ("check as text",):
        export = dict(body, panel="numbers", format="tex")
        refused(client.post("/api/export", json=export))


def test_softmax_targets_must_be_probabilities(client):
    body = {"network": {"sizes": "2,2", "activations": "softmax"}, "weights": [[[1, -1], [0, 0]]],
            "biases": [[0, 0]], "inputs": [1, 0]}
    refused(client.post("/api/numbers", json=dict(body, targets=[0.5, 0.6])), "summing to 1")
    refused(client.post("/api/numbers", json=dict(body, targets=[-1, 2])), "summing to 1")


def test_numbers_beyond_float_range_are_refused(client):
    """1e400 is valid JSON that Python reads as infinity: refused by name, like any number beyond 1e6."""
    body = json.dumps(NUMBERS_BASE).replace('"inputs": [1, 2]', '"inputs": [1, 1e400]')
    assert "1e400" in body
    refused(post_raw(client, "/api/numbers", body.encode()), "inputs[1]", "1e+06")
    refused(post_raw(client, "/api/numbers", body.replace("1e400", "-1e400").encode()), "inputs[1]")


BAD_UNITS = {
    "layer beyond the last": ({"layer": 3, "unit": 1}, ["layer", "0 to 2", "3"]),
    "layer negative": ({"layer": -1, "unit": 1}, ["layer", "-1"]),
    "unit beyond the layer": ({"layer": 1, "unit": 3}, ["unit", "1 to 2", "3"]),
    "unit 0": ({"layer": 1, "unit": 0}, ["unit", "0"]),
    "input beyond the inputs": ({"layer": 0, "unit": 3}, ["unit", "3"]),
    "layer true": ({"layer": True, "unit": 1}, ["layer", "true"]),
    "layer as text": ({"layer": "1", "unit": 1}, ["layer", "whole number"]),
    "layer 1.5": ({"layer": 1.5, "unit": 1}, ["layer", "1.5"]),
    "unit missing": ({"layer": 1}, ["unit", "missing"]),
    "layer missing": ({"unit": 1}, ["layer", "missing"]),
}


@pytest.mark.parametrize("case", sorted(BAD_UNITS))
def test_bad_unit_is_refused(client, case):
    fields, words = BAD_UNITS[case]
    refused(client.post("/api/unit", json={"network": GOOD_NETWORK, **fields}), *words)


def test_bad_seed_is_refused(client):
    for seed, shown in ((-1, "-1"), (True, "true"), (2**31, str(2**31)), ("1", '"1"')):
        refused(client.post("/api/params", json={"network": GOOD_NETWORK, "seed": seed}), "seed", shown)


def drawn(points, labels):
    return {"dataset": "drawn", "points": points, "labels": labels}


BAD_DATASETS = {
    "unknown data set": ({"dataset": "moons"}, ["dataset", "moons"]),
    "data set as a number": ({"dataset": 1}, ["dataset"]),
    "data_seed true": ({"dataset": "xor", "data_seed": True}, ["data_seed"]),
    "data_seed negative": ({"dataset": "xor", "data_seed": -3}, ["data_seed"]),
    "drawn with one class": (drawn([[0, 0], [1, 1], [0.5, 0.2]], [1, 1, 1]), ["both classes"]),
    "drawn with one point": (drawn([[0, 0]], [1]), ["2 to 400", "1"]),
    "drawn with 401 points": (drawn([[0.001 * k, 0] for k in range(401)], [k % 2 for k in range(401)]),
                              ["400", "401"]),
    "drawn without labels": ({"dataset": "drawn", "points": [[0, 0], [1, 1]]}, ["labels"]),
    "drawn with fewer labels": (drawn([[0, 0], [1, 1]], [0]), ["labels"]),
    "drawn with a label 2": (drawn([[0, 0], [1, 1]], [0, 2]), ["label", "2"]),
    "drawn with a label true": (drawn([[0, 0], [1, 1]], [0, True]), ["label", "true"]),
    "drawn with a label 0.5": (drawn([[0, 0], [1, 1]], [0, 0.5]), ["label", "0.5"]),
    "drawn with a far point": (drawn([[0, 0], [1, 11]], [0, 1]), ["points[1][1]", "10"]),
    "drawn with a point of 3 numbers": (drawn([[0, 0], [1, 1, 1]], [0, 1]), ["points[1]", "exactly 2"]),
    "drawn with a point as text": (drawn([[0, 0], "1,1"], [0, 1]), ["points[1]"]),
    "drawn points as an object": ({"dataset": "drawn", "points": {"x": 1}, "labels": [0, 1]}, ["points"]),
}


@pytest.mark.parametrize("case", sorted(BAD_DATASETS))
def test_bad_dataset_is_refused(client, case):
    body, words = BAD_DATASETS[case]
    refused(client.post("/api/dataset", json=body), *words)
    # training reads its data set the same way, before its first line: a 400, not a stream
    train = {"network": {"sizes": "2,2,1", "activations": "sigmoid"}, "epochs": 5, **body}
    refused(client.post("/api/train", json=train), *words)


TRAIN_BASE = {"network": {"sizes": "2,2,1", "activations": "sigmoid"}, "dataset": "xor", "epochs": 5,
              "pace_ms": 0}
BAD_TRAININGS = {
    "three inputs": ({"network": {"sizes": "3,2,1"}}, ["2 inputs", "3"]),
    "two outputs without softmax": ({"network": {"sizes": "2,2,2"}}, ["1 unit", "2"]),
    "three softmax outputs": ({"network": {"sizes": "2,3", "activations": "softmax"}}, ["3"]),
    "epochs 0": ({"epochs": 0}, ["epochs", "0"]),
    "epochs beyond the bound": ({"epochs": validate.MAX_EPOCHS + 1}, ["epochs", str(validate.MAX_EPOCHS + 1)]),
    "epochs as text": ({"epochs": "5"}, ["epochs"]),
    "lr 0": ({"lr": 0}, ["lr", "positive"]),
    "lr negative": ({"lr": -0.1}, ["lr", "positive"]),
    "lr as text": ({"lr": "0.1"}, ["lr", "number"]),
    "lr true": ({"lr": True}, ["lr", "number"]),
    "lr beyond 10": ({"lr": 11}, ["lr", "10"]),
    "unknown optimizer": ({"optimizer": "rmsprop"}, ["optimizer", "rmsprop"]),
    "pace_ms too slow": ({"pace_ms": 1000}, ["pace_ms", "1000"]),
    "seed negative": ({"seed": -1}, ["seed"]),
    "start weights of the wrong shape": ({"weights": [[[1]]]}, ["weights"]),
    "start weights with a string": ({"weights": [[["a", 1], [1, 1]], [[1], [1]]], "biases": [[0, 0], [0]]},
                                    ["W[1][0][0]"]),
}


@pytest.mark.parametrize("case", sorted(BAD_TRAININGS))
def test_bad_training_is_refused_before_streaming(client, case):
    change, words = BAD_TRAININGS[case]
    body = {**TRAIN_BASE, **change}
    if "network" in change:
        body["network"] = {**TRAIN_BASE["network"], **change["network"]}
    refused(client.post("/api/train", json=body), *words)


BAD_DIGITS = {
    "classes 3": ({"classes": 3}, ["classes", "2", "10", "3"]),
    "classes 11": ({"classes": 11}, ["classes", "11"]),
    "classes 1": ({"classes": 1}, ["classes", "1"]),
    "classes as text": ({"classes": "2"}, ["classes"]),
    "classes true": ({"classes": True}, ["classes", "true"]),
}
ONE = flat(LECTURE_ONE)
BAD_PIXELS = {
    "pixels missing": ({"pixels": None}, ["pixels", "35"]),
    "34 pixels": ({"pixels": ONE[:-1]}, ["pixels", "35"]),
    "36 pixels": ({"pixels": ONE + [0]}, ["pixels", "35"]),
    "a pixel 2": ({"pixels": [2] + ONE[1:]}, ["pixel", "0 to 1", "2"]),
    "a pixel 0.5": ({"pixels": [0.5] + ONE[1:]}, ["pixel", "0.5"]),
    "a pixel -1": ({"pixels": [-1] + ONE[1:]}, ["pixel", "-1"]),
    "a pixel true": ({"pixels": [True] + ONE[1:]}, ["pixel", "true"]),
    "a pixel as text": ({"pixels": ["1"] + ONE[1:]}, ["pixel"]),
    "pixels as text": ({"pixels": "".join(map(str, ONE))}, ["pixels", "35"]),
    "pixels as rows": ({"pixels": [list(row) for row in LECTURE_ONE]}, ["pixels", "35"]),
}


@pytest.mark.parametrize("case", sorted(BAD_DIGITS))
def test_bad_digit_classes_are_refused(client, case):
    change, words = BAD_DIGITS[case]
    refused(client.post("/api/digits", json=change), *words)
    refused(client.post("/api/digits/predict", json={"pixels": ONE, **change}), *words)
    refused(client.post("/api/export", json={"panel": "digits", "format": "tex", "pixels": ONE, **change}), *words)


@pytest.mark.parametrize("case", sorted(BAD_PIXELS))
def test_bad_pixels_are_refused(client, case):
    change, words = BAD_PIXELS[case]
    body = {k: v for k, v in {"classes": 2, **change}.items() if v is not None}
    refused(client.post("/api/digits/predict", json=body), *words)
    refused(client.post("/api/export", json={"panel": "digits", "format": "html", **body}), *words)


BAD_EXPORTS = {
    "unknown panel": ({"panel": "gradient", "format": "tex"}, ["panel", "gradient"]),
    "panel missing": ({"format": "tex"}, ["panel"]),
    "unknown format": ({"panel": "network", "format": "docx"}, ["format", "docx"]),
    "format missing": ({"panel": "network"}, ["format"]),
    "format in capitals": ({"panel": "network", "format": "TEX"}, ["format", "TEX"]),
    "network panel without a network": ({"panel": "network", "format": "tex", "network": None}, ["network"]),
    "network panel at the inputs": ({"panel": "network", "format": "tex", "layer": 0}, ["layer", "0"]),
    "network panel unit out of range": ({"panel": "network", "format": "tex", "layer": 1, "unit": 9},
                                        ["unit", "9"]),
    "numbers without targets": ({"panel": "numbers", "format": "tex", "weights": NUMBERS_BASE["weights"],
                                 "biases": NUMBERS_BASE["biases"], "inputs": [1, 2]}, ["targets"]),
    "numbers of a network too large to write out": (
        {"panel": "numbers", "format": "tex", "network": {"sizes": "3,8,8,1", "activations": "sigmoid"},
         "weights": [[[0.1] * 8] * 3, [[0.1] * 8] * 8, [[0.1]] * 8], "biases": [[0] * 8, [0] * 8, [0]],
         "inputs": [1, 2, 3], "targets": [1]}, ["has 113", "up to 60 weights and biases"]),
}


@pytest.mark.parametrize("case", sorted(BAD_EXPORTS))
def test_bad_export_is_refused(client, case):
    change, words = BAD_EXPORTS[case]
    body = {k: v for k, v in {"network": GOOD_NETWORK, **change}.items() if v is not None}
    refused(client.post("/api/export", json=body), *words)


# --- hosts, and tabs that share the server ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def loopback_client():
    with TestClient(make_app(allowed_hosts=["127.0.0.1", "localhost"]), base_url="http://127.0.0.1",
                    raise_server_exceptions=False) as test_client:
        yield test_client


def test_only_loopback_host_names_are_answered(loopback_client):
    body = {"network": GOOD_NETWORK}
    assert loopback_client.post("/api/network", json=body).status_code == 200
    assert loopback_client.post("/api/network", json=body, headers={"host": "localhost"}).status_code == 200
    for host in ("evil.example", "127.0.0.1.evil.example", "evil.example:8000"):
        response = loopback_client.post("/api/network", json=body, headers={"host": host})
        assert response.status_code == 400, host
        assert "Traceback" not in response.text and "svg" not in response.text


def test_host_refusal_is_json(loopback_client):
    response = loopback_client.post("/api/network", json={"network": GOOD_NETWORK}, headers={"host": "evil.example"})
    refused(response, "host")


def test_tabs_get_their_own_answers(client):
    """Two tabs with different networks asking in turn: no answer leaks into the other (no per-tab state)."""
    tabs = []
    for seed, (sizes, activations) in enumerate([((2, 3, 1), ["tanh", "sigmoid"]), ((3, 2, 2), ["sigmoid", "linear"])]):
        rng = np.random.default_rng(100 + seed)
        Ws, bs = random_network(rng, sizes)
        x = rng.uniform(-1, 1, sizes[0])
        expected = forward(Ws, bs, x, activations)[1][-1]
        tabs.append((numbers_body(sizes, activations, Ws, bs, x), expected,
                     {"network": {"sizes": ",".join(map(str, sizes)), "activations": activations}}))
    collapses = [{"network": {"sizes": "3,4,1", "activations": "linear"}},
                 {"network": {"sizes": "3,4,1", "activations": "sigmoid"}}]
    for _ in range(2):
        for (body, expected, network), collapse, collapsible in zip(tabs, collapses, (True, False)):
            np.testing.assert_allclose(ok(client.post("/api/numbers", json=body))["a"][-1], expected, rtol=1e-12)
            assert ok(client.post("/api/network", json=network))["sizes"] == \
                [int(s) for s in network["network"]["sizes"].split(",")]
            assert ok(client.post("/api/collapse", json=collapse))["collapses"] is collapsible


def test_tabs_asking_at_once_get_their_own_answers(client):
    rng = np.random.default_rng(7)
    jobs = []
    for k in range(6):
        sizes = (2, 2 + k % 3, 1)
        Ws, bs = random_network(rng, sizes)
        x = rng.uniform(-1, 1, 2)
        jobs.append((numbers_body(sizes, "sigmoid", Ws, bs, x), forward(Ws, bs, x, ["sigmoid"] * 2)[1][-1]))
    results = [None] * len(jobs)

    def ask(index):
        results[index] = client.post("/api/numbers", json=jobs[index][0])

    threads = [threading.Thread(target=ask, args=(k,)) for k in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for (_, expected), response in zip(jobs, results):
        np.testing.assert_allclose(ok(response)["a"][-1], expected, rtol=1e-12)


# --- bugs: inputs answered with a 500 where a message belongs --------------------------------------------------


@pytest.mark.parametrize("path", ["/api/network", "/api/numbers", "/api/digits"])
def test_integer_of_5000_digits_is_refused(client, path):
    raw = b'{"network": {"sizes": "2,1"}, "classes": ' + b"2" * 5000 + b"}"
    refused(post_raw(client, path, raw))


@pytest.mark.parametrize("field", ["weights", "inputs", "targets"])
def test_integer_beyond_float_range_is_refused(client, field):
    huge = 10**400
    body = dict(NUMBERS_BASE)
    if field == "weights":
        body.update(with_weight(huge))
    elif field == "inputs":
        body["inputs"] = [1, huge]
    else:
        body["targets"] = [huge]
    refused(client.post("/api/numbers", json=body), "number")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("sizes, activation, weights, x", [
    ("1,1", "expr:1/z", [[[1]]], [0]),
    ("1,1", "expr:sin(z)/z", [[[1]]], [0]),
    ("1,1", "expr:exp(exp(exp(z)))", [[[1]]], [1e6]),
    ("1,1,1,1", "expr:z**3", [[[1e6]]] * 3, [1e6]),
])
def test_non_finite_numbers_are_refused_with_a_message(client, sizes, activation, weights, x):
    depth = len(weights)
    body = {"network": {"sizes": sizes, "activations": activation}, "weights": weights,
            "biases": [[0]] * depth, "inputs": x, "targets": [0]}
    refused(client.post("/api/numbers", json=body))


def test_counterexample_page_is_the_one_symnn_collapse_prints(client, cli):
    """The Collapse export of a network that does not collapse: byte for byte `symnn collapse … --format html`."""
    body = {"panel": "collapse", "format": "html", "network": {"sizes": "3,4,1", "activations": "sigmoid"}}
    exported = client.post("/api/export", json=body).text
    printed = cli("collapse", "3,4,1", "--activation", "sigmoid", "--format", "html")
    assert printed.returncode == 1  # a network that does not collapse is a reported failure of the command
    assert exported == printed.stdout
