"""Independent oracles for symnn.math.backprop.Backprop.

Every expected value here comes from a computation written in this file from the textbook definitions
(z_i^{[j]} = Σ_k w_{ki}^{[j]} a_k^{[j−1]} + b_i^{[j]}, a_i^{[j]} = g^{[j]}(z_i^{[j]}), L = Σ_i ℓ(a_i^{[L]}, y_i),
δ_i^{[j]} = ∂L/∂z_i^{[j]}): sympy.diff of a loss built here, mpmath central finite differences of a
forward pass written here, exact Fraction arithmetic, and the published numbers of Matt Mazur's
"A Step by Step Backpropagation Example". Nothing is taken from the code under test.
"""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import mpmath
import pytest
import sympy as sp

import symnn
from symnn import errors
from symnn import notation as N
from symnn.math.backprop import Backprop, as_number
from mp_numbers import DPS, mp_at as _num, mp_number as _mp  # noqa: E402



# --- the textbook, written out here ------------------------------------------------------------

def _g_sym(name: str, z):
    if name == "sigmoid":
        return 1 / (1 + sp.exp(-z))
    if name == "tanh":
        return sp.tanh(z)
    if name == "relu":
        return sp.Max(z, 0)
    if name == "linear":
        return z
    raise AssertionError(name)


def _g_mp(name: str, z):
    if name == "sigmoid":
        return 1 / (1 + mpmath.exp(-z))
    if name == "tanh":
        return mpmath.tanh(z)
    if name == "relu":
        return z if z > 0 else mpmath.mpf(0)
    if name == "linear":
        return z
    raise AssertionError(name)


def _loss_sym(loss: str, a, y):
    if loss == "bce":
        return -y * sp.log(a) - (1 - y) * sp.log(1 - a)
    return (a - y) ** 2 / 2


def _loss_mp(loss: str, a, y):
    if loss == "bce":
        return -y * mpmath.log(a) - (1 - y) * mpmath.log(1 - a)
    return (a - y) ** 2 / 2


def _acts(spec, sizes):
    return [spec] * (len(sizes) - 1) if isinstance(spec, str) else list(spec)


def _targets(sizes):
    n = sizes[-1]
    return [N.y()] if n == 1 else [N.y(i) for i in range(1, n + 1)]


def _weights(sizes):
    """(symbol, j, k, i) for every weight w_{ki}^{[j]}."""
    return [(N.w(k, i, j), j, k, i)
            for j in range(1, len(sizes)) for k in range(1, sizes[j - 1] + 1) for i in range(1, sizes[j] + 1)]


def _biases(sizes):
    return [(N.b(i, j), j, i) for j in range(1, len(sizes)) for i in range(1, sizes[j] + 1)]


def _forward_sym(sizes, acts, bias, shift=None):
    """z and a of every unit as SymPy expressions in x, w, b (plus shift[(j, i)] added to z_i^{[j]})."""
    shift = shift or {}
    prev = [N.x(k) for k in range(1, sizes[0] + 1)]
    Z, A = {}, {}
    for j in range(1, len(sizes)):
        cur = []
        for i in range(1, sizes[j] + 1):
            z = sum(N.w(k, i, j) * prev[k - 1] for k in range(1, sizes[j - 1] + 1))
            if bias:
                z += N.b(i, j)
            z += shift.get((j, i), 0)
            Z[(j, i)] = z
            A[(j, i)] = _g_sym(acts[j - 1], z)
            cur.append(A[(j, i)])
        prev = cur
    return Z, A, prev


def _loss_of_outputs_sym(sizes, loss, outputs):
    return sum(_loss_sym(loss, a, y) for a, y in zip(outputs, _targets(sizes)))


def _to_mp(value):
    """A Python/SymPy/mpmath number as mpmath at the current precision (exact rationals divided here)."""
    if isinstance(value, mpmath.mpf):
        return value
    return _mp(value)


def _forward_mp(sizes, acts, bias, loss, vals, shift=None):
    """z and a of every unit and the loss L, in mpmath at the current precision."""
    shift = shift or {}
    v = lambda s: _to_mp(vals[s])
    prev = [v(N.x(k)) for k in range(1, sizes[0] + 1)]
    Z, A = {}, {}
    for j in range(1, len(sizes)):
        cur = []
        for i in range(1, sizes[j] + 1):
            z = mpmath.fsum(v(N.w(k, i, j)) * prev[k - 1] for k in range(1, sizes[j - 1] + 1))
            if bias:
                z += v(N.b(i, j))
            z += shift.get((j, i), 0)
            Z[(j, i)] = z
            A[(j, i)] = _g_mp(acts[j - 1], z)
            cur.append(A[(j, i)])
        prev = cur
    L = mpmath.fsum(_loss_mp(loss, a, v(y)) for a, y in zip(prev, _targets(sizes)))
    return Z, A, L




def _close(got, want, rel=mpmath.mpf("1e-40"), abs_=mpmath.mpf("1e-40")):
    return abs(got - want) <= abs_ + rel * abs(want)


def _random_point(sizes, acts, bias, loss, rng, denominator=8, span=12):
    """Rational values for every weight, bias, input and target, away from relu's kink."""
    for _ in range(100):
        vals = {}
        r = lambda: sp.Rational(rng.randint(-span, span), denominator)
        for s, *_ in _weights(sizes):
            vals[s] = r()
        if bias:
            for s, *_ in _biases(sizes):
                vals[s] = r()
        for k in range(1, sizes[0] + 1):
            vals[N.x(k)] = r()
        for y in _targets(sizes):
            vals[y] = sp.Rational(rng.randint(1, 9), 10) if loss == "bce" else r()
        with mpmath.workdps(DPS):
            Z, _, _ = _forward_mp(sizes, acts, bias, loss, vals)
        if all(abs(z) > mpmath.mpf("1e-6") for z in Z.values()):
            return vals
    raise AssertionError("no point away from z = 0 found")


# --- 1. sympy.diff of the whole loss against the expanded formulas --------------------------------

NETWORKS = [
    ([2, 2, 1], "sigmoid", True, "bce"),
    ([2, 3, 2], ["tanh", "sigmoid"], True, "squared_error"),
    ([2, 2, 1], ["linear", "sigmoid"], False, "bce"),
    ([3, 2, 2, 1], ["relu", "tanh", "sigmoid"], True, "bce"),
    ([2, 2, 2], ["tanh", "linear"], False, "mse"),
    ([1, 2, 1], ["sigmoid", "tanh"], True, "squared_error"),
]
NETWORK_IDS = ["2-2-1 sigmoid bce", "2-3-2 tanh/sigmoid se", "2-2-1 linear/sigmoid bce nobias",
               "3-2-2-1 relu/tanh/sigmoid bce", "2-2-2 tanh/linear mse nobias", "1-2-1 sigmoid/tanh se"]


@pytest.mark.parametrize("sizes, act, bias, loss", NETWORKS, ids=NETWORK_IDS)
def test_expanded_gradients_equal_sympy_diff_of_the_whole_loss(sizes, act, bias, loss):
    acts = _acts(act, sizes)
    net = symnn.Network(sizes, activation=act, bias=bias)
    bp = Backprop(net, loss)
    _, _, outputs = _forward_sym(sizes, acts, bias)
    L = _loss_of_outputs_sym(sizes, loss, outputs)

    weights, biases = _weights(sizes), (_biases(sizes) if bias else [])
    assert set(net.params()) == {s for s, *_ in weights} | {s for s, *_ in biases}

    rng = random.Random(hash(tuple(sizes)) & 0xFFFF)
    points = [_random_point(sizes, acts, bias, loss, rng) for _ in range(3)]
    with mpmath.workdps(DPS):
        for s, j, k, i in weights:
            mine, theirs = sp.diff(L, s), bp.dw(j, k, i, "expanded")
            assert theirs.free_symbols <= set(points[0]), (s, theirs.free_symbols)
            for vals in points:
                want, got = _num(mine, vals), _num(theirs, vals)
                assert _close(got, want), (str(s), vals, got, want)
        for s, j, i in biases:
            mine, theirs = sp.diff(L, s), bp.db(j, i, "expanded")
            assert theirs.free_symbols <= set(points[0]), (s, theirs.free_symbols)
            for vals in points:
                want, got = _num(mine, vals), _num(theirs, vals)
                assert _close(got, want), (str(s), vals, got, want)


@pytest.mark.parametrize("sizes, act, bias, loss", NETWORKS, ids=NETWORK_IDS)
def test_expanded_delta_is_the_derivative_of_the_loss_by_a_shift_of_z(sizes, act, bias, loss):
    """δ_i^{[j]} = d/dε L(forward pass with z_i^{[j]} + ε) at ε = 0."""
    acts = _acts(act, sizes)
    bp = Backprop(symnn.Network(sizes, activation=act, bias=bias), loss)
    eps = sp.Symbol("epsilon_shift", real=True)
    rng = random.Random(7 + len(sizes))
    points = [_random_point(sizes, acts, bias, loss, rng) for _ in range(3)]
    with mpmath.workdps(DPS):
        for j in range(1, len(sizes)):
            for i in range(1, sizes[j] + 1):
                _, _, outputs = _forward_sym(sizes, acts, bias, shift={(j, i): eps})
                mine = sp.diff(_loss_of_outputs_sym(sizes, loss, outputs), eps).subs(eps, 0)
                theirs = bp.delta(j, i, "expanded")
                assert theirs.free_symbols <= set(points[0]), (j, i, theirs.free_symbols)
                for vals in points:
                    want, got = _num(mine, vals), _num(theirs, vals)
                    assert _close(got, want), (j, i, vals, got, want)


@pytest.mark.parametrize("sizes, act, bias, loss", NETWORKS, ids=NETWORK_IDS)
def test_rule_and_sum_forms_at_a_point_given_my_own_z_a_and_delta(sizes, act, bias, loss):
    """The rule (and Σ) forms, fed this file's z, a and δ (δ from a shift of z), give ∂L/∂θ."""
    acts = _acts(act, sizes)
    bp = Backprop(symnn.Network(sizes, activation=act, bias=bias), loss)
    eps = sp.Symbol("epsilon_shift", real=True)
    vals = _random_point(sizes, acts, bias, loss, random.Random(99 + sum(sizes)))
    Z, A, outputs = _forward_sym(sizes, acts, bias)
    L = _loss_of_outputs_sym(sizes, loss, outputs)
    point = dict(vals)
    for (j, i), z in Z.items():
        point[N.z(i, j)] = z.xreplace(vals)
        point[N.a(i, j)] = A[(j, i)].xreplace(vals)
        _, _, shifted = _forward_sym(sizes, acts, bias, shift={(j, i): eps})
        point[N.delta(i, j)] = sp.diff(_loss_of_outputs_sym(sizes, loss, shifted), eps).subs(eps, 0).xreplace(vals)
    with mpmath.workdps(DPS):
        for j in range(1, len(sizes)):
            for i in range(1, sizes[j] + 1):
                want = _num(point[N.delta(i, j)], {})
                for form in ("rule", "sum"):
                    got = _num(bp.delta(j, i, form).doit(), point)
                    assert _close(got, want), (form, j, i, got, want)
        for s, j, k, i in _weights(sizes):
            want = _num(sp.diff(L, s), vals)
            for form in ("rule", "sum"):
                got = _num(bp.dw(j, k, i, form).doit(), point)
                assert _close(got, want), (form, str(s), got, want)
        for s, j, i in (_biases(sizes) if bias else []):
            want = _num(sp.diff(L, s), vals)
            for form in ("rule", "sum"):
                got = _num(bp.db(j, i, form).doit(), point)
                assert _close(got, want), (form, str(s), got, want)


def test_rule_form_of_the_output_delta_is_the_textbook_one():
    """σ + BCE: δ^{[L]} = a − y; linear + squared error: δ^{[L]} = a − y (= z − y)."""
    bp = Backprop(symnn.Network([2, 2, 1], activation="sigmoid"), "bce")
    assert sp.simplify(bp.delta(2, 1, "rule") - (N.a(1, 2) - N.y())) == 0
    bp = Backprop(symnn.Network([2, 2, 2], activation="linear"), "squared_error")
    rule = bp.delta(2, 2, "rule").xreplace({N.z(2, 2): N.a(2, 2)})
    assert sp.expand(rule - (N.a(2, 2) - N.y(2))) == 0
    # dw = a_k^{[j−1]} δ_i^{[j]} and db = δ_i^{[j]}
    bp = Backprop(symnn.Network([2, 3, 1], activation="sigmoid"), "bce")
    assert sp.expand(bp.dw(2, 3, 1, "rule") - N.a(3, 1) * N.delta(1, 2)) == 0
    assert sp.expand(bp.db(2, 1, "rule") - N.delta(1, 2)) == 0
    # layer 1: a_k^{[0]} = x_k
    assert sp.expand(bp.dw(1, 2, 3, "rule").xreplace({N.a(2, 0): N.x(2)}) - N.x(2) * N.delta(3, 1)) == 0


def test_linear_network_gradients_are_the_same_polynomials():
    """All-linear 2-2-2 with biases and squared error: the loss is a polynomial, so the
    comparison is exact and symbolic (expand(difference) == 0)."""
    sizes = [2, 2, 2]
    bp = Backprop(symnn.Network(sizes, activation="linear"), "squared_error")
    _, _, outputs = _forward_sym(sizes, ["linear", "linear"], True)
    L = _loss_of_outputs_sym(sizes, "squared_error", outputs)
    for s, j, k, i in _weights(sizes):
        assert sp.expand(sp.diff(L, s) - bp.dw(j, k, i, "expanded")) == 0, str(s)
    for s, j, i in _biases(sizes):
        assert sp.expand(sp.diff(L, s) - bp.db(j, i, "expanded")) == 0, str(s)


def test_mse_is_the_same_as_squared_error():
    net = symnn.Network([2, 2, 2], activation=["tanh", "sigmoid"])
    vals = _random_point(net.sizes, ["tanh", "sigmoid"], True, "mse", random.Random(5))
    g1 = Backprop(net, "mse").gradient_values(vals)
    g2 = Backprop(net, "squared_error").gradient_values(vals)
    assert set(g1) == set(g2) == set(net.params())
    with mpmath.workdps(DPS):
        for s in g1:
            assert _close(_mp(g1[s]), _mp(g2[s])), str(s)


# --- exact arithmetic ----------------------------------------------------------------------------

def _rational(f: Fraction) -> sp.Rational:
    return sp.Rational(f.numerator, f.denominator)


def test_linear_relu_network_numbers_are_exact_rationals_equal_to_fractions():
    """relu hidden layer, linear output, squared error, rational point: every z, a, δ and gradient is
    a Rational, equal to a Fraction computation of the textbook recursion."""
    sizes = [2, 3, 2]
    net = symnn.Network(sizes, activation=["relu", "linear"])
    bp = Backprop(net, "squared_error")
    vals = _random_point(sizes, ["relu", "linear"], True, "squared_error", random.Random(11))
    F = {s: Fraction(int(v.p), int(v.q)) for s, v in vals.items()}
    # forward
    x = [F[N.x(1)], F[N.x(2)]]
    z1 = [sum(F[N.w(k, i, 1)] * x[k - 1] for k in (1, 2)) + F[N.b(i, 1)] for i in (1, 2, 3)]
    a1 = [max(z, Fraction(0)) for z in z1]
    z2 = [sum(F[N.w(k, i, 2)] * a1[k - 1] for k in (1, 2, 3)) + F[N.b(i, 2)] for i in (1, 2)]
    a2 = z2
    assert min(z1) < 0 < max(z1), z1  # both branches of relu are exercised
    d2 = [a2[i] - F[N.y(i + 1)] for i in range(2)]
    d1 = [(1 if z1[i] > 0 else 0) * sum(F[N.w(i + 1, m, 2)] * d2[m - 1] for m in (1, 2)) for i in range(3)]
    want = {}
    for i in range(3):
        want[N.z(i + 1, 1)], want[N.a(i + 1, 1)], want[N.delta(i + 1, 1)] = z1[i], a1[i], d1[i]
    for i in range(2):
        want[N.z(i + 1, 2)], want[N.a(i + 1, 2)], want[N.delta(i + 1, 2)] = z2[i], a2[i], d2[i]
    got = bp.numbers(vals)
    for s, v in want.items():
        assert sp.sympify(got[s]).is_Rational, (str(s), got[s])
        assert sp.Rational(got[s]) == _rational(v), (str(s), got[s], v)
    grads = bp.gradient_values(vals)
    assert set(grads) == set(net.params())
    for j, a_prev, d in ((1, x, d1), (2, a1, d2)):
        for k in range(1, sizes[j - 1] + 1):
            for i in range(1, sizes[j] + 1):
                g = grads[N.w(k, i, j)]
                assert sp.sympify(g).is_Rational
                assert sp.Rational(g) == _rational(a_prev[k - 1] * d[i - 1]), str(N.w(k, i, j))
        for i in range(1, sizes[j] + 1):
            g = grads[N.b(i, j)]
            assert sp.Rational(g) == _rational(d[i - 1]), str(N.b(i, j))
    lr = sp.Rational(1, 4)
    upd = bp.updated(vals, lr)
    for s in net.params():
        assert sp.Rational(upd[s]) == vals[s] - lr * sp.Rational(grads[s]), str(s)


def test_relu_at_its_kink_gives_a_subgradient():
    """At z = 0 relu has no derivative; whatever convention is used, g′(0) must lie in [0, 1]."""
    net = symnn.Network([1, 1, 1], activation=["relu", "linear"])
    bp = Backprop(net, "squared_error")
    vals = {N.w(1, 1, 1): 1, N.b(1, 1): -1, N.x(1): 1, N.w(1, 1, 2): 2, N.b(1, 2): 0, N.y(): 3}
    vals = {s: sp.Integer(v) for s, v in vals.items()}
    nums = bp.numbers(vals)
    assert sp.sympify(nums[N.z(1, 1)]) == 0
    d_out = sp.sympify(nums[N.delta(1, 2)])
    assert d_out == -3  # a = 0, δ = a − y
    ratio = sp.sympify(nums[N.delta(1, 1)]) / (2 * d_out)
    assert ratio.is_finite and 0 <= ratio <= 1, ratio


# --- 2. central finite differences in mpmath ------------------------------------------------------

FD_NETWORKS = [
    ([2, 3, 2], ["tanh", "sigmoid"], True, "squared_error"),
    ([2, 3, 2], ["tanh", "sigmoid"], True, "bce"),
    ([3, 4, 1], "sigmoid", True, "bce"),
    ([3, 4, 1], "sigmoid", False, "bce"),
]


@pytest.mark.parametrize("sizes, act, bias, loss", FD_NETWORKS,
                         ids=["2-3-2 tanh/sigmoid se", "2-3-2 tanh/sigmoid bce", "3-4-1 sigmoid bce",
                              "3-4-1 sigmoid bce nobias"])
def test_gradient_values_match_central_finite_differences(sizes, act, bias, loss):
    acts = _acts(act, sizes)
    net = symnn.Network(sizes, activation=act, bias=bias)
    bp = Backprop(net, loss)
    rng = random.Random(1234 + sum(sizes))
    vals = _random_point(sizes, acts, bias, loss, rng, denominator=97, span=150)
    h = mpmath.mpf("1e-20")
    tol = mpmath.mpf("1e-25")
    with mpmath.workdps(DPS):
        grads = bp.gradient_values(vals)
        params = [s for s, *_ in _weights(sizes)] + ([s for s, *_ in _biases(sizes)] if bias else [])
        assert set(grads) == set(params)
        want = {}
        for s in params:
            up, down = dict(vals), dict(vals)
            up[s] = _mp(vals[s]) + h
            down[s] = _mp(vals[s]) - h
            Lp = _forward_mp(sizes, acts, bias, loss, up)[2]
            Lm = _forward_mp(sizes, acts, bias, loss, down)[2]
            want[s] = (Lp - Lm) / (2 * h)
            got = _mp(grads[s])
            assert _close(got, want[s], rel=tol, abs_=tol), (str(s), got, want[s])

        # the forward numbers and every δ (finite difference in a shift of z)
        nums = bp.numbers(vals)
        Z, A, _ = _forward_mp(sizes, acts, bias, loss, vals)
        for (j, i), z in Z.items():
            assert _close(_mp(nums[N.z(i, j)]), z), (j, i)
            assert _close(_mp(nums[N.a(i, j)]), A[(j, i)]), (j, i)
            Lp = _forward_mp(sizes, acts, bias, loss, vals, shift={(j, i): h})[2]
            Lm = _forward_mp(sizes, acts, bias, loss, vals, shift={(j, i): -h})[2]
            d = (Lp - Lm) / (2 * h)
            assert _close(_mp(nums[N.delta(i, j)]), d, rel=tol, abs_=tol), (j, i, nums[N.delta(i, j)], d)

        lr = sp.Rational(3, 10)
        upd = bp.updated(vals, lr)
        assert set(upd) == set(params)
        for s in params:
            assert _close(_mp(upd[s]), _mp(vals[s]) - _mp(lr) * want[s], rel=tol, abs_=tol), str(s)


def test_gradient_values_accept_decimals_typed_through_as_number():
    assert as_number(0.15, "w") == sp.Rational(3, 20)
    assert isinstance(as_number(0.15, "w"), sp.Rational)
    assert as_number(0.1, "x") == sp.Rational(1, 10)  # not the binary double 0.1000000000000000055…
    assert as_number(2, "x") == 2
    assert as_number(-0.35, "b") == sp.Rational(-7, 20)


# --- 3. Matt Mazur's worked example ---------------------------------------------------------------

def _mazur():
    net = symnn.Network([2, 2, 2], activation="sigmoid")
    bp = Backprop(net, "squared_error")
    typed = {
        N.w(1, 1, 1): 0.15, N.w(2, 1, 1): 0.20, N.w(1, 2, 1): 0.25, N.w(2, 2, 1): 0.30,
        N.w(1, 1, 2): 0.40, N.w(2, 1, 2): 0.45, N.w(1, 2, 2): 0.50, N.w(2, 2, 2): 0.55,
        N.b(1, 1): 0.35, N.b(2, 1): 0.35, N.b(1, 2): 0.60, N.b(2, 2): 0.60,
        N.x(1): 0.05, N.x(2): 0.10, N.y(1): 0.01, N.y(2): 0.99,
    }
    return net, bp, {s: as_number(v, str(s)) for s, v in typed.items()}


def _agrees_to_published_digits(value, published: str) -> bool:
    """|value − published| ≤ half a unit in the last published decimal place."""
    places = -Decimal(published).as_tuple().exponent
    half_ulp = mpmath.mpf(5) / mpmath.mpf(10) ** (places + 1)
    return abs(_mp(value) - mpmath.mpf(published)) <= half_ulp


def test_mazur_forward_pass_and_total_error():
    _, bp, vals = _mazur()
    nums = bp.numbers(vals)
    with mpmath.workdps(DPS):
        for symbol, published in ((N.a(1, 1), "0.593269992"), (N.a(2, 1), "0.596884378"),
                                  (N.a(1, 2), "0.75136507"), (N.a(2, 2), "0.772928465")):
            assert _agrees_to_published_digits(nums[symbol], published), (str(symbol), nums[symbol], published)
        o1, o2 = _mp(nums[N.a(1, 2)]), _mp(nums[N.a(2, 2)])
        E = ((mpmath.mpf("0.01") - o1) ** 2 + (mpmath.mpf("0.99") - o2) ** 2) / 2
        assert _agrees_to_published_digits(sp.Float(str(E), DPS), "0.298371109")
        # net_h1 = .15·.05 + .2·.1 + .35 = .3775 exactly (Mazur: 0.3775)
        assert sp.sympify(nums[N.z(1, 1)]) == sp.Rational(3775, 10000)


def test_mazur_gradient_and_one_step_of_gradient_descent():
    net, bp, vals = _mazur()
    grads = bp.gradient_values(vals)
    assert _agrees_to_published_digits(grads[N.w(1, 1, 2)], "0.082167041")
    upd = bp.updated(vals, as_number(0.5, "learning rate"))
    published = {
        N.w(1, 1, 2): "0.35891648", N.w(2, 1, 2): "0.408666186", N.w(1, 2, 2): "0.511301270",
        N.w(2, 2, 2): "0.561370121",
        N.w(1, 1, 1): "0.149780716", N.w(2, 1, 1): "0.19956143", N.w(1, 2, 1): "0.24975114",
        N.w(2, 2, 1): "0.29950229",
    }
    with mpmath.workdps(DPS):
        for symbol, text in published.items():
            assert _agrees_to_published_digits(upd[symbol], text), (str(symbol), upd[symbol], text)
    # updated = θ − lr · ∂L/∂θ for every parameter, biases included
    assert set(upd) == set(net.params())
    with mpmath.workdps(DPS):
        for s in net.params():
            assert _close(_mp(upd[s]), _mp(vals[s]) - _mp(grads[s]) / 2), str(s)


# --- 4. saturated units ---------------------------------------------------------------------------
#
# Expected values in mpmath at 80 digits, written so that nothing cancels: 1 − σ(z) = σ(−z),
# σ′(z) = e^{−z}/(1 + e^{−z})², σ(800) − 1 = −1/(1 + e^{800}).

def _sigma(z):
    return 1 / (1 + mpmath.exp(-z))


def _sigma_prime(z):
    return mpmath.exp(-z) / (1 + mpmath.exp(-z)) ** 2


def _case_output(z_sign, y):
    """[1, 1] sigmoid + BCE, z = ±800: δ = a − y, ∂L/∂w = x δ (x = 2), ∂L/∂b = δ."""
    net = symnn.Network([1, 1], activation="sigmoid")
    vals = {N.w(1, 1, 1): sp.Integer(400 * z_sign), N.b(1, 1): sp.Integer(0), N.x(1): sp.Integer(2),
            N.y(): sp.sympify(y)}
    z = mpmath.mpf(800 * z_sign)
    y = _mp(sp.sympify(y))
    delta = _sigma(z) - y if y != 1 else -_sigma(-z)
    return net, "bce", vals, {N.b(1, 1): delta, N.w(1, 1, 1): 2 * delta}


def _case_hidden(z_sign):
    """[1, 1, 1] sigmoid + BCE, hidden z = ±800: δ^{[1]} = σ′(z) w δ^{[2]} ≈ e^{−800} · …"""
    net = symnn.Network([1, 1, 1], activation="sigmoid")
    vals = {N.w(1, 1, 1): sp.Integer(400 * z_sign), N.b(1, 1): sp.Integer(0), N.x(1): sp.Integer(2),
            N.w(1, 1, 2): sp.Rational(1, 2), N.b(1, 2): sp.Rational(-1, 4), N.y(): sp.Rational(3, 10)}
    z1 = mpmath.mpf(800 * z_sign)
    a1 = _sigma(z1)
    d2 = _sigma(a1 / 2 - mpmath.mpf(1) / 4) - mpmath.mpf(3) / 10
    d1 = _sigma_prime(z1) * mpmath.mpf(1) / 2 * d2
    return net, "bce", vals, {N.b(1, 2): d2, N.w(1, 1, 2): a1 * d2, N.b(1, 1): d1, N.w(1, 1, 1): 2 * d1}


def _case_two_inputs():
    """2-2-1 sigmoid + squared error, huge inputs: hidden z = +800 and −800, output z ≈ 800."""
    net = symnn.Network([2, 2, 1], activation="sigmoid")
    vals = {N.x(1): 400, N.x(2): -400, N.w(1, 1, 1): 1, N.w(2, 1, 1): -1, N.w(1, 2, 1): -1, N.w(2, 2, 1): 1,
            N.b(1, 1): 0, N.b(2, 1): 0, N.w(1, 1, 2): 800, N.w(2, 1, 2): 1, N.b(1, 2): 0, N.y(): sp.Rational(1, 2)}
    vals = {s: sp.sympify(v) for s, v in vals.items()}
    e = mpmath.exp(mpmath.mpf(-800))
    a11, a21 = _sigma(mpmath.mpf(800)), e / (1 + e)
    z2 = 800 * a11 + a21
    d2 = (_sigma(z2) - mpmath.mpf(1) / 2) * _sigma_prime(z2)
    d11, d21 = _sigma_prime(mpmath.mpf(800)) * 800 * d2, _sigma_prime(mpmath.mpf(-800)) * 1 * d2
    return net, "squared_error", vals, {
        N.b(1, 2): d2, N.w(1, 1, 2): a11 * d2, N.w(2, 1, 2): a21 * d2,
        N.b(1, 1): d11, N.w(1, 1, 1): 400 * d11, N.w(2, 1, 1): -400 * d11,
        N.b(2, 1): d21, N.w(1, 2, 1): 400 * d21, N.w(2, 2, 1): -400 * d21}


SATURATED = {
    "output z=+800 y=1": lambda: _case_output(1, 1),
    "output z=+800 y=0": lambda: _case_output(1, 0),
    "output z=+800 y=0.3": lambda: _case_output(1, sp.Rational(3, 10)),
    "output z=-800 y=1": lambda: _case_output(-1, 1),
    "output z=-800 y=0": lambda: _case_output(-1, 0),
    "hidden z=+800": lambda: _case_hidden(1),
    "hidden z=-800": lambda: _case_hidden(-1),
    "2-2-1 se, z=+-800": _case_two_inputs,
}

def _saturated_param(name):
    return pytest.param(name, id=name)


@pytest.mark.parametrize("name", list(SATURATED))
def test_saturated_sigmoid_gradients_are_finite_and_absolutely_right(name):
    """No NaN, no ±∞, no zoo, and within 1e-45 of the truth (the absolute part holds even when a
    tiny gradient is rounded to 0)."""
    with mpmath.workdps(80):
        net, loss, vals, want = SATURATED[name]()
        bp = Backprop(net, loss)
        grads = bp.gradient_values(vals)
        nums = bp.numbers(vals)
        assert set(grads) == set(net.params())
        for s, v in want.items():
            got = sp.sympify(grads[s])
            assert got.is_number and got.is_finite and got not in (sp.nan, sp.zoo), (str(s), got)
            assert abs(_mp(got) - v) <= mpmath.mpf("1e-45") * max(1, abs(v)), (str(s), got, v)
        for symbol, value in nums.items():
            value = sp.sympify(value)
            assert value.is_number and value.is_finite, (str(symbol), value)


@pytest.mark.parametrize("name", [_saturated_param(name) for name in SATURATED])
def test_saturated_sigmoid_gradients_keep_their_digits(name):
    """Relative accuracy 1e-40 (the API promises 60-digit Floats), even where the gradient is ~e^{−800}."""
    with mpmath.workdps(80):
        net, loss, vals, want = SATURATED[name]()
        grads = Backprop(net, loss).gradient_values(vals)
        for s, v in want.items():
            got = _mp(grads[s])
            assert abs(got - v) <= mpmath.mpf("1e-40") * abs(v), (str(s), got, v)


def test_saturated_output_delta_in_numbers():
    """numbers(): z = −800 exactly, a = σ(−800) ≈ 5·10^{−348} to full precision, δ = a − 0 = a."""
    with mpmath.workdps(80):
        net, loss, vals, _ = _case_output(-1, 0)
        nums = Backprop(net, loss).numbers(vals)
        assert sp.sympify(nums[N.z(1, 1)]) == -800
        a = _sigma(mpmath.mpf(-800))
        assert abs(_mp(nums[N.a(1, 1)]) - a) <= mpmath.mpf("1e-40") * a
        assert abs(_mp(nums[N.delta(1, 1)]) - a) <= mpmath.mpf("1e-40") * a


# --- verify() -------------------------------------------------------------------------------------

@pytest.mark.parametrize("sizes, act, bias, loss", [NETWORKS[0], NETWORKS[2], NETWORKS[5]],
                         ids=[NETWORK_IDS[0], NETWORK_IDS[2], NETWORK_IDS[5]])
def test_verify_reports_ok(sizes, act, bias, loss):
    report = Backprop(symnn.Network(sizes, activation=act, bias=bias), loss).verify()
    assert report.ok is True
    summary = report.summary()
    assert isinstance(summary, list) and summary and all(isinstance(line, str) for line in summary)


# --- 5. bad input ---------------------------------------------------------------------------------

def test_unknown_loss_names_the_allowed_ones():
    net = symnn.Network([2, 1], activation="sigmoid")
    with pytest.raises(errors.InvalidArgumentError) as info:
        Backprop(net, "hinge")  # (cross_entropy became a loss with #13: the categorical one, after softmax)
    message = str(info.value)
    for name in ("bce", "squared_error", "mse", "cross_entropy"):
        assert name in message, message


@pytest.mark.parametrize("output", ["linear", "tanh", "relu"])
def test_bce_needs_an_output_in_the_open_unit_interval(output):
    net = symnn.Network([2, 2, 1], activation=["sigmoid", output])
    with pytest.raises(errors.InvalidArgumentError):
        Backprop(net, "bce")


def test_bce_after_a_sigmoid_output_with_other_hidden_layers_is_accepted():
    Backprop(symnn.Network([2, 2, 1], activation=["tanh", "sigmoid"]), "bce")
    Backprop(symnn.Network([2, 2, 1], activation=["linear", "sigmoid"]), "bce")


def test_bad_indices_are_errors():
    bp = Backprop(symnn.Network([2, 3, 1], activation="sigmoid"), "bce")
    bad_calls = [
        lambda: bp.delta(2, 2, "rule"),     # layer 2 has one unit
        lambda: bp.delta(1, 4, "rule"),     # layer 1 has three
        lambda: bp.delta(1, 0, "rule"),
        lambda: bp.delta(0, 1, "rule"),     # layer 0 is the input
        lambda: bp.delta(3, 1, "rule"),     # there is no layer 3
        lambda: bp.dw(1, 3, 1, "rule"),     # two inputs only
        lambda: bp.dw(2, 4, 1, "expanded"),
        lambda: bp.dw(2, 1, 2, "sum"),      # layer 2 has one unit
        lambda: bp.db(1, 4, "rule"),
        lambda: bp.db(3, 1, "rule"),
        lambda: bp.delta(1, 1, "no such form"),
    ]
    for n, call in enumerate(bad_calls):
        with pytest.raises(errors.SymnnError):
            call()
            pytest.fail(f"bad call #{n} did not raise")


@pytest.mark.parametrize("form", ["rule", "expanded"])
def test_dw_with_a_unit_index_out_of_range_is_an_error(form):
    bp = Backprop(symnn.Network([2, 3, 1], activation="sigmoid"), "bce")
    for j, k, i in ((2, 1, 2), (1, 1, 4), (2, 1, 0), (1, 2, 0)):
        with pytest.raises(errors.SymnnError):
            bp.dw(j, k, i, form)


def test_db_of_a_network_without_biases_is_an_error():
    bp = Backprop(symnn.Network([2, 2, 1], activation="sigmoid", bias=False), "bce")
    for form in ("rule", "sum", "expanded"):
        with pytest.raises(errors.SymnnError):
            bp.db(1, 1, form)
        with pytest.raises(errors.SymnnError):
            bp.db(2, 1, form)
    vals = {s: sp.Rational(1, 3) for s in bp_params_without_bias()} | {N.x(1): 1, N.x(2): 2, N.y(): sp.Rational(1, 2)}
    grads = bp.gradient_values({s: sp.sympify(v) for s, v in vals.items()})
    assert set(grads) == set(bp_params_without_bias())  # no bias symbols appear


def bp_params_without_bias():
    return [s for s, *_ in _weights([2, 2, 1])]


def test_numbers_with_a_missing_value_is_an_error():
    net = symnn.Network([2, 1], activation="sigmoid")
    bp = Backprop(net, "bce")
    vals = {s: sp.Rational(1, 3) for s in net.params()}
    vals[N.x(1)] = sp.Rational(1, 2)          # x2 and y missing
    with pytest.raises(errors.SymnnError):
        bp.numbers(vals)
