"""Fuzzing sizes: for any list of layer sizes, every question a student can ask ends within a second
(a collapse, which may search for a witness, within five),
with an answer or a SymnnError — never a hang, a MemoryError, a RecursionError or a raw exception.

The guards are tightened here (``with symnn.settings(...)``) so that the largest answer allowed is
small: the property checked is that the guards decide *before* the work, whatever the sizes.
Answers that come back are checked against an independent count (shapes, numbers of terms).
"""

from __future__ import annotations

import gc
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, note, settings as hypothesis_settings, strategies as st

import symnn
from symnn.errors import SymnnError

SECOND = 1.0
TIGHT = dict(terms=20_000, expanded=5_000, unit_terms=2_000, column_terms=5_000, symbols=5_000, depth=30,
             latex_nodes=3_000, printed_nodes=20_000,
             array_bytes=50_000_000, crosscheck_seconds=0.5)

WIDTHS = st.one_of(st.integers(1, 6), st.sampled_from([35, 784, 4_000, 10**6, 10**9, 10**18]))
BAD = st.sampled_from([0, -1, -10**9, True, 2.5, "3", None, float("nan")])
SIZES = st.one_of(
    st.lists(WIDTHS, min_size=1, max_size=6),
    st.lists(st.one_of(WIDTHS, BAD), min_size=0, max_size=5),
    st.integers(2, 3_000).map(lambda depth: [1] * depth),  # deep and narrow
)
ACTIVATIONS = st.sampled_from(["linear", "sigmoid", "relu", "tanh", "expr:3*z + 1", ["linear", "sigmoid"]])


def _valid(sizes) -> bool:
    return (isinstance(sizes, list) and len(sizes) >= 2
            and all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in sizes))


def _asks(net: symnn.Network, j: int, i: int):
    """The questions of the protocol, each a thunk, with a check of the answer where one is cheap."""
    n_in, n_out = net.sizes[j - 1], net.sizes[j]
    yield "repr", lambda: repr(net), None
    yield "n_params", lambda: net.n_params, lambda v: v == sum(
        a * b + (b if net.has_bias else 0) for a, b in zip(net.sizes, net.sizes[1:]))
    yield "z", lambda: net.z(j, i), lambda e: len(e.args) == n_in + (1 if net.has_bias else 0) or n_in == 1
    yield "a from inputs", lambda: net.a(j, i, from_inputs=True), None
    yield "z_sum doit", lambda: net.z_sum(j, i).doit(), None
    yield "W", lambda: net.W(j), lambda m: m.shape == (n_in, n_out)
    yield "b", lambda: net.b(j), lambda m: m.shape == (n_out, 1)
    yield "params", lambda: net.params(), lambda p: len(p) == net.n_params
    yield "equations", lambda: net.equations(j), lambda eqs: len(eqs) == 2 * n_out
    yield "latex", lambda: symnn.latex(net), lambda text: isinstance(text, str) and text
    yield "pretty", lambda: symnn.pretty(net), lambda text: isinstance(text, str) and text
    yield "output", lambda: net.output(1), None
    yield "collapse", lambda: symnn.collapse(net).W, None
    yield "params random", lambda: symnn.Params.random(net, seed=1), None


# the non-collapse witness evaluates the network exactly at up to 60 random points: seconds, not one
BOUNDS = {"collapse": 5.0}


def _ends_cleanly(what: str, thunk, check) -> None:
    start = time.perf_counter()
    try:
        value = thunk()
    except SymnnError:
        value = None
    finally:
        elapsed = time.perf_counter() - start
    assert elapsed < BOUNDS.get(what, SECOND), f"{what} took {elapsed:.2f} s"
    if value is not None and check is not None:
        assert check(value), f"{what} gave a wrong answer"


@pytest.fixture(scope="module", autouse=True)
def warm():
    """Ask every question once, untimed: SymPy's first matrix print or Sum imports code (a second or two)."""
    with symnn.settings(**TIGHT):
        for sizes in ([2, 3, 1], [1] * 40):
            net = symnn.Network(sizes, bias=False)
            for _what, thunk, _check in _asks(net, 1, 1):
                try:
                    thunk()
                except SymnnError:
                    pass


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SIZES, ACTIVATIONS, st.booleans(), st.data())
def test_any_sizes_end_within_a_second_with_an_answer_or_a_symnn_error(sizes, activation, bias, data):
    note(f"sizes={sizes!r}, activation={activation!r}, bias={bias}")
    with symnn.settings(**TIGHT):
        start = time.perf_counter()
        try:
            layers = len(sizes) - 1 if isinstance(sizes, list) else 1
            act = activation if isinstance(activation, str) else (activation * layers)[:max(layers, 1)]
            net = symnn.Network(sizes, activation=act, bias=bias)
        except SymnnError:
            assert time.perf_counter() - start < SECOND
            assert not _valid(sizes) or isinstance(activation, list)
            return
        assert time.perf_counter() - start < SECOND
        assert _valid(sizes) and list(net.sizes) == sizes
        j = data.draw(st.integers(1, len(sizes) - 1), label="j")
        i = data.draw(st.integers(1, min(sizes[j], 10**6)), label="i")
        # the bound is on symnn's work, not on the collector walking the whole test session's heap
        gc.disable()
        try:
            for what, thunk, check in _asks(net, j, i):
                note(what)
                _ends_cleanly(what, thunk, check)
        finally:
            gc.enable()


@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(1, 40), min_size=2, max_size=4), st.integers(1, 3_000), st.integers(0, 2**31))
def test_compiled_forward_of_any_small_network_matches_numpy(sizes, rows, seed):
    """Any shape and batch, chunked or not: the numbers of a hand NumPy forward pass (ReLU, then σ)."""
    net = symnn.Network(sizes, activation=["relu"] * (len(sizes) - 2) + ["sigmoid"])
    params = symnn.Params.random(net, seed=seed % 1000)
    X = np.random.default_rng(seed).normal(size=(rows, sizes[0]))
    with symnn.settings(array_bytes=max(8 * 64, 8 * rows * max(sizes) // 3)):  # forces chunks of rows
        got = symnn.compile(net)(X, params)
    a = X
    for j in range(1, len(sizes)):
        a = a @ params.W(j) + params.b(j)
        a = np.maximum(a, 0) if j < len(sizes) - 1 else 1 / (1 + np.exp(-a))
    np.testing.assert_allclose(got, a, rtol=1e-12, atol=1e-300)
