"""Random networks and random numbers through every panel of `symnn explore`: an answer or a message, never a bug.

Each generated network is within the explorer's bounds; every endpoint must answer 200 with the
shapes the page reads, or 400 with a message (a refused loss, a diverging number), never 500.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

pytest.importorskip("starlette", reason="symnn explore needs its extra: pip install -e .[explore]")
from starlette.testclient import TestClient  # noqa: E402

from symnn.app.explore.server import create_app  # noqa: E402

SCALAR = ["linear", "sigmoid", "tanh", "relu", "step", "leaky_relu", "softplus", "expr:z/(1 + Abs(z))"]


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(warm=False)) as test_client:
        yield test_client


@st.composite
def networks(draw):
    depth = draw(st.integers(1, 3))
    sizes = [draw(st.integers(1, 4))] + [draw(st.integers(1, 5)) for _ in range(depth)]
    activations = [draw(st.sampled_from(SCALAR)) for _ in range(depth)]
    if sizes[-1] > 1 and draw(st.booleans()):
        activations[-1] = "softmax"
    return {"sizes": ",".join(map(str, sizes)), "activations": activations, "bias": draw(st.booleans())}


def ask(client, path: str, body: dict) -> dict:
    answer = client.post(path, json=body)
    assert answer.status_code in (200, 400), (path, body, answer.status_code, answer.text[:300])
    data = answer.json()
    if answer.status_code == 400:
        assert data["error"] and "Traceback" not in data["error"]
    return data if answer.status_code == 200 else {}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(network=networks(), seed=st.integers(0, 10_000), data=st.data())
def test_every_panel_answers_a_random_network(client, network, seed, data):
    sizes = [int(n) for n in network["sizes"].split(",")]
    panel = ask(client, "/api/network", {"network": network})
    assert panel["sizes"] == sizes
    j = data.draw(st.integers(0, len(sizes) - 1))
    unit = ask(client, "/api/unit", {"network": network, "layer": j, "unit": data.draw(st.integers(1, sizes[j]))})
    assert [form["name"] for form in unit["forms"]] in (["input"], ["elementwise", "Σ form", "block form"])
    collapsed = ask(client, "/api/collapse", {"network": network})
    # of SCALAR only "linear" is affine; a softmax output over affine hidden layers collapses to softmax(W′ᵀx + b′)
    *hidden, output = network["activations"]
    assert collapsed["collapses"] == (all(g == "linear" for g in hidden) and output in ("linear", "softmax"))
    assert panel["affine"] == [g == "linear" for g in network["activations"]]
    ask(client, "/api/collapse/proof", {"network": network})
    params = ask(client, "/api/params", {"network": network, "seed": seed})
    rng = np.random.default_rng(seed)
    inputs = rng.uniform(-3, 3, sizes[0]).round(3).tolist()
    targets = np.eye(sizes[-1])[0].tolist()
    numbers = ask(client, "/api/numbers", {"network": network, **params, "inputs": inputs, "targets": targets})
    if numbers:
        assert [len(z) for z in numbers["z"]] == sizes[1:]
        assert all(np.isfinite(value) for layer in numbers["a"] for value in layer)
