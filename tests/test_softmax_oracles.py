"""Independent oracles for softmax outputs and categorical cross-entropy (issue 13, item 7).

Every expected value here comes from a computation written in this file from the textbook
definitions: z_i^{[j]} = Σ_k w_{ki}^{[j]} a_k^{[j−1]} + b_i^{[j]}, a_i^{[L]} = e^{z_i} / Σ_m e^{z_m},
∂a_i/∂z_m = a_i(δ_im − a_m), L = −Σ_i y_i log a_i, δ_i^{[j]} = ∂L/∂z_i^{[j]}; W' = W1 W2,
b' = W2ᵀ b1 + b2 for a collapse. The tools are sympy.diff of expressions built here, mpmath at 50
digits (central finite differences, forward passes), fractions.Fraction matrix products, and the
libraries' own predictions (scikit-learn, PyTorch). Nothing is taken from the code under test.

Exactness: at a rational point every e^{q} (q rational) is T^{qD} for T = e^{1/D}, D the common
denominator of the exponents. A softmax expression at the point is then a rational function of T
with rational coefficients, and since T is transcendental it is zero exactly when that rational
function cancels to 0. ``_vanishes_exactly`` does this; nothing is rounded.
"""

from __future__ import annotations

import math
import random
import warnings
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp

import symnn
from symnn import Params, errors
from symnn import notation as N
from mp_numbers import DPS, mp_at as _num, mp_number as _mp  # noqa: E402



# --- exact arithmetic with exponentials of rationals -------------------------------------------

def _vanishes_exactly(expr) -> bool:
    """expr (a number built from rationals, exp and log-free arithmetic) is exactly 0."""
    expr = sp.sympify(expr)
    assert not expr.free_symbols, expr.free_symbols
    exps = [e for e in expr.atoms(sp.exp)]
    for e in exps:
        assert e.args[0].is_Rational, e
    D = math.lcm(1, *(int(e.args[0].q) for e in exps))
    T = sp.Symbol("T_exact", positive=True)
    # exp(q) → T^{qD}; SymPy writes e^1 and e^{−1} as E and 1/E (a Pow of the constant E): E → T^D
    in_T = expr.replace(lambda e: isinstance(e, sp.exp), lambda e: T ** int(e.args[0] * D)).xreplace({sp.E: T ** D})
    assert not (in_T.free_symbols - {T}), in_T
    assert not in_T.atoms(sp.Float), in_T
    return sp.cancel(sp.together(in_T)) == 0


def _rat(rng, span=4, den=2):
    return sp.Rational(rng.randint(-span, span), den)


def _F(value) -> Fraction:
    value = sp.Rational(value)
    return Fraction(int(value.p), int(value.q))


def _softmax_sym(zs):
    s = sum(sp.exp(z) for z in zs)
    return [sp.exp(z) / s for z in zs]


# --- mpmath helpers (numbers as mpmath: tests/mp_numbers.py) ---------------------------------



def _mine_at(exprs, points):
    """My own expressions (arithmetic, exp and log only) in mpmath at each point (lambdify: fast)."""
    exprs = [sp.sympify(e) for e in exprs]
    syms = sorted(set().union(*(e.free_symbols for e in exprs)), key=str)
    f = sp.lambdify(syms, exprs, modules="mpmath", dummify=True, cse=True)
    return [f(*[_mp(vals[s]) for s in syms]) for vals in points]


def _close(got, want, rel=mpmath.mpf("1e-40"), abs_=mpmath.mpf("1e-40")):
    return abs(got - want) <= abs_ + rel * abs(want)


def _mp_softmax(zs):
    top = max(zs)
    e = [mpmath.exp(z - top) for z in zs]
    s = mpmath.fsum(e)
    return [v / s for v in e]


# === 1. the softmax Jacobian ===================================================================

@pytest.mark.parametrize("K", [2, 3, 4])
def test_jacobian_of_my_own_softmax_is_a_i_times_kronecker_minus_a_m(K):
    """Oracle self-check: sympy.diff of e^{z_i}/Σe^{z_m} (own symbols) is a_i(δ_im − a_m), symbolically."""
    zs = sp.symbols(f"zeta1:{K + 1}", real=True)
    a = _softmax_sym(zs)
    for i in range(K):
        for m in range(K):
            want = a[i] * ((1 if i == m else 0) - a[m])
            assert sp.simplify(sp.diff(a[i], zs[m]) - want) == 0, (i, m)
    assert sp.simplify(sum(a) - 1) == 0


def _single_layer_point(n, K, rng):
    vals = {}
    for k in range(1, n + 1):
        vals[N.x(k)] = sp.Integer(rng.randint(-3, 3))
        for i in range(1, K + 1):
            vals[N.w(k, i, 1)] = _rat(rng)
    for i in range(1, K + 1):
        vals[N.b(i, 1)] = _rat(rng)
    return vals


def _my_z_single(n, K):
    return [sum(N.w(k, i, 1) * N.x(k) for k in range(1, n + 1)) + N.b(i, 1) for i in range(1, K + 1)]


@pytest.mark.parametrize("K", [2, 3, 4])
def test_symnn_softmax_output_is_my_softmax_exactly(K):
    net = symnn.Network([2, K], activation="softmax")
    mine = _softmax_sym(_my_z_single(2, K))
    rng = random.Random(100 + K)
    points = [_single_layer_point(2, K, rng) for _ in range(3)]
    for i in range(1, K + 1):
        theirs = net.output(i)
        assert theirs.free_symbols <= set(points[0]), theirs.free_symbols
        assert net.a(1, i, from_inputs=True).free_symbols <= set(points[0])
        for vals in points:
            assert _vanishes_exactly((theirs - mine[i - 1]).xreplace(vals)), (i, vals)
            assert _vanishes_exactly((net.a(1, i, from_inputs=True) - mine[i - 1]).xreplace(vals)), (i, vals)
    for vals in points:  # the outputs are probabilities summing to 1
        assert _vanishes_exactly(sum(net.output(i) for i in range(1, K + 1)).xreplace(vals) - 1)


@pytest.mark.parametrize("K", [2, 3, 4])
def test_derivatives_of_symnn_softmax_output_follow_the_jacobian_chain_rule(K):
    """∂a_i/∂w_{km} = a_i(δ_im − a_m) x_k and ∂a_i/∂b_m = a_i(δ_im − a_m), a from my own softmax."""
    n = 2
    net = symnn.Network([n, K], activation="softmax")
    a = _softmax_sym(_my_z_single(n, K))
    rng = random.Random(200 + K)
    points = [_single_layer_point(n, K, rng) for _ in range(2)]
    for i in range(1, K + 1):
        out = net.output(i)
        for m in range(1, K + 1):
            jac = a[i - 1] * ((1 if i == m else 0) - a[m - 1])
            checks = [(N.b(m, 1), jac)] + [(N.w(k, m, 1), jac * N.x(k)) for k in range(1, n + 1)]
            for symbol, want in checks:
                got = sp.diff(out, symbol)
                for vals in points:
                    assert _vanishes_exactly((got - want).xreplace(vals)), (i, str(symbol), vals)


# === 6. two classes: softmax is the sigmoid of the difference ==================================

@pytest.mark.parametrize("n", [1, 2, 3])
def test_softmax_over_two_units_is_sigmoid_of_z1_minus_z2(n):
    net = symnn.Network([n, 2], activation="softmax")
    z1, z2 = _my_z_single(n, 2)
    sigma = lambda t: 1 / (1 + sp.exp(-t))
    rng = random.Random(300 + n)
    for _ in range(4):
        vals = _single_layer_point(n, 2, rng)
        assert _vanishes_exactly((net.output(1) - sigma(z1 - z2)).xreplace(vals)), vals
        assert _vanishes_exactly((net.output(2) - sigma(z2 - z1)).xreplace(vals)), vals
    # and symbolically, with the scores as symbols of my own
    Z1, Z2 = sp.symbols("Zeta1 Zeta2", real=True)
    a1 = net.output(1).xreplace({sp.exp(z1): sp.exp(Z1), sp.exp(z2): sp.exp(Z2)})
    assert a1.free_symbols == {Z1, Z2}, a1
    assert sp.simplify(a1 - sigma(Z1 - Z2)) == 0


# === 2. cross-entropy gradients ================================================================

SIZES = (2, 3, 3)


def _sig_sym(z):
    return 1 / (1 + sp.exp(-z))


def _forward_sym(sizes=SIZES, shift=None):
    """z and a of every unit of a sigmoid → softmax network, as my own SymPy expressions."""
    shift = shift or {}
    prev = [N.x(k) for k in range(1, sizes[0] + 1)]
    Z, A = {}, {}
    last = len(sizes) - 1
    for j in range(1, len(sizes)):
        zs = []
        for i in range(1, sizes[j] + 1):
            z = sum(N.w(k, i, j) * prev[k - 1] for k in range(1, sizes[j - 1] + 1)) + N.b(i, j)
            zs.append(z + shift.get((j, i), 0))
        acts = _softmax_sym(zs) if j == last else [_sig_sym(z) for z in zs]
        for i in range(1, sizes[j] + 1):
            Z[(j, i)], A[(j, i)] = zs[i - 1], acts[i - 1]
        prev = acts
    return Z, A, prev


def _ce_sym(outputs):
    return -sum(N.y(i) * sp.log(a) for i, a in enumerate(outputs, start=1))


def _se_sym(outputs):
    return sum((a - N.y(i)) ** 2 / 2 for i, a in enumerate(outputs, start=1))


def _forward_mp(vals, loss="cross_entropy", sizes=SIZES, shift=None):
    shift = shift or {}
    v = lambda s: _mp(vals[s]) if not isinstance(vals[s], mpmath.mpf) else vals[s]
    prev = [v(N.x(k)) for k in range(1, sizes[0] + 1)]
    Z, A = {}, {}
    last = len(sizes) - 1
    for j in range(1, len(sizes)):
        zs = [mpmath.fsum(v(N.w(k, i, j)) * prev[k - 1] for k in range(1, sizes[j - 1] + 1)) + v(N.b(i, j))
              + shift.get((j, i), 0) for i in range(1, sizes[j] + 1)]
        acts = _mp_softmax(zs) if j == last else [1 / (1 + mpmath.exp(-z)) for z in zs]
        for i in range(1, sizes[j] + 1):
            Z[(j, i)], A[(j, i)] = zs[i - 1], acts[i - 1]
        prev = acts
    ys = [v(N.y(i)) for i in range(1, sizes[-1] + 1)]
    if loss == "cross_entropy":
        L = -mpmath.fsum(y * mpmath.log(a) for y, a in zip(ys, prev))
    else:
        L = mpmath.fsum((a - y) ** 2 / 2 for y, a in zip(ys, prev))
    return Z, A, L


def _params(sizes=SIZES):
    ws = [(N.w(k, i, j), j, k, i) for j in range(1, len(sizes))
          for k in range(1, sizes[j - 1] + 1) for i in range(1, sizes[j] + 1)]
    bs = [(N.b(i, j), j, i) for j in range(1, len(sizes)) for i in range(1, sizes[j] + 1)]
    return ws, bs


def _point(rng, sizes=SIZES, targets="one-hot", denominator=8, span=12):
    vals = {}
    ws, bs = _params(sizes)
    for s, *_ in ws + bs:
        vals[s] = sp.Rational(rng.randint(-span, span), denominator)
    for k in range(1, sizes[0] + 1):
        vals[N.x(k)] = sp.Rational(rng.randint(-span, span), denominator)
    K = sizes[-1]
    if targets == "one-hot":
        hot = rng.randint(1, K)
        for i in range(1, K + 1):
            vals[N.y(i)] = sp.Integer(1 if i == hot else 0)
    else:  # any real targets
        for i in range(1, K + 1):
            vals[N.y(i)] = sp.Rational(rng.randint(-9, 9), 4)
    return vals


def _backprop(loss="cross_entropy", sizes=SIZES):
    net = symnn.Network(list(sizes), activation=["sigmoid"] * (len(sizes) - 2) + ["softmax"])
    return net, symnn.backprop(net, loss=loss)


def test_my_cross_entropy_delta_oracle_is_a_sum_y_minus_y_and_a_minus_y_for_one_hot():
    """Oracle self-check: ∂(−Σ y_i log softmax_i(z))/∂z_i = a_i Σ_m y_m − y_i for any y, so = a_i − y_i
    only when Σ y = 1 (exact at rational points, symbolic y)."""
    K = 3
    zs = sp.symbols("zeta1:4", real=True)
    ys = sp.symbols("eta1:4", real=True)
    a = _softmax_sym(zs)
    L = -sum(y * sp.log(ai) for y, ai in zip(ys, a))
    rng = random.Random(7)
    for _ in range(3):
        zpt = {z: _rat(rng, span=6) for z in zs}
        for targets in ([2, -1, sp.Rational(1, 3)], [0, 1, 0], [sp.Rational(1, 4), sp.Rational(3, 4), 0]):
            pt = {**zpt, **dict(zip(ys, targets))}
            total = sum(targets)
            for i in range(K):
                d = sp.diff(L, zs[i])
                assert _vanishes_exactly((d - (a[i] * total - ys[i])).xreplace(pt)), (i, pt)
                shortcut_holds = _vanishes_exactly((d - (a[i] - ys[i])).xreplace(pt))
                assert shortcut_holds == (total == 1), (i, pt)


def test_cross_entropy_output_delta_rule_is_a_minus_y():
    net, bp = _backprop()
    for i in range(1, 4):
        assert sp.expand(bp.delta(2, i, "rule") - (N.a(i, 2) - N.y(i))) == 0, bp.delta(2, i, "rule")
    # ∂L/∂w = a_k^{[j−1]} δ_i^{[j]}, ∂L/∂b = δ_i^{[j]}
    assert sp.expand(bp.dw(2, 3, 1, "rule") - N.a(3, 1) * N.delta(1, 2)) == 0
    assert sp.expand(bp.db(2, 2, "rule") - N.delta(2, 2)) == 0


def test_cross_entropy_expanded_gradients_equal_sympy_diff_of_my_loss():
    net, bp = _backprop()
    _, _, outputs = _forward_sym()
    L = _ce_sym(outputs)
    ws, bs = _params()
    assert set(net.params()) == {s for s, *_ in ws + bs}
    rng = random.Random(21)
    points = [_point(rng) for _ in range(2)]
    claims = [(s, bp.dw(j, k, i, "expanded")) for s, j, k, i in ws] + [(s, bp.db(j, i, "expanded")) for s, j, i in bs]
    with mpmath.workdps(DPS):
        mine = _mine_at([sp.diff(L, s) for s, _ in claims], points)
        for n, (s, theirs) in enumerate(claims):
            assert theirs.free_symbols <= set(points[0]), (str(s), theirs.free_symbols)
            for vals, want in zip(points, mine):
                assert _close(_num(theirs, vals), want[n]), (str(s), vals)


def test_cross_entropy_expanded_delta_is_the_derivative_by_a_shift_of_z():
    _, bp = _backprop()
    eps = sp.Symbol("epsilon_shift", real=True)
    rng = random.Random(22)
    points = [_point(rng) for _ in range(2)]
    with mpmath.workdps(DPS):
        units = [(j, i) for j in (1, 2) for i in (1, 2, 3)]
        shifted = [_ce_sym(_forward_sym(shift={unit: eps})[2]) for unit in units]
        mine = _mine_at([sp.diff(L, eps).subs(eps, 0) for L in shifted], points)
        for n, (j, i) in enumerate(units):
            theirs = bp.delta(j, i, "expanded")
            assert theirs.free_symbols <= set(points[0]), (j, i, theirs.free_symbols)
            for vals, want in zip(points, mine):
                assert _close(_num(theirs, vals), want[n]), (j, i, vals)


def _assert_gradients_are_the_derivatives(grads, L, params, vals, h, tol, loss="cross_entropy"):
    """Each of symnn's gradients equals sympy.diff of my own loss L and a central difference of my mpmath loss."""
    [mine] = _mine_at([sp.diff(L, s) for s in params], [vals])
    for s, want in zip(params, mine):
        got = _mp(grads[s])
        assert _close(got, want), (str(s), got, want)
        up, down = dict(vals), dict(vals)
        up[s], down[s] = _mp(vals[s]) + h, _mp(vals[s]) - h
        fd = (_forward_mp(up, loss)[2] - _forward_mp(down, loss)[2]) / (2 * h)
        assert _close(got, fd, rel=tol, abs_=tol), (str(s), got, fd)


def test_cross_entropy_gradient_values_match_sympy_diff_and_mpmath_finite_differences():
    net, bp = _backprop()
    _, _, outputs = _forward_sym()
    L = _ce_sym(outputs)
    ws, bs = _params()
    params = [s for s, *_ in ws + bs]
    vals = _point(random.Random(23), denominator=97, span=150)
    h, tol = mpmath.mpf("1e-20"), mpmath.mpf("1e-25")
    with mpmath.workdps(DPS):
        grads = bp.gradient_values(vals)
        assert set(grads) == set(params)
        _assert_gradients_are_the_derivatives(grads, L, params, vals, h, tol)
        # forward numbers and δ (= a − y at the output for one-hot y)
        nums = bp.numbers(vals)
        Z, A, _ = _forward_mp(vals)
        for (j, i), z in Z.items():
            assert _close(_mp(nums[N.z(i, j)]), z), (j, i)
            assert _close(_mp(nums[N.a(i, j)]), A[(j, i)]), (j, i)
            d = (_forward_mp(vals, shift={(j, i): h})[2] - _forward_mp(vals, shift={(j, i): -h})[2]) / (2 * h)
            assert _close(_mp(nums[N.delta(i, j)]), d, rel=tol, abs_=tol), (j, i)
        for i in (1, 2, 3):
            assert _close(_mp(nums[N.delta(i, 2)]), A[(2, i)] - _mp(vals[N.y(i)])), i


def test_cross_entropy_targets_not_summing_to_one_are_refused_or_differentiated_correctly():
    """δ = a − y needs Σ y = 1; with y = (2, −1, 1/3) the true ∂L/∂z_i is a_i Σy − y_i. symnn may refuse
    such targets (a SymnnError) but must not return the a − y shortcut's wrong numbers."""
    _, bp = _backprop()
    _, _, outputs = _forward_sym()
    L = _ce_sym(outputs)
    vals = _point(random.Random(24))
    vals.update({N.y(1): sp.Integer(2), N.y(2): sp.Integer(-1), N.y(3): sp.Rational(1, 3)})
    try:
        grads = bp.gradient_values(vals)
    except errors.SymnnError as error:
        assert "1" in str(error), str(error)
        return
    with mpmath.workdps(DPS):
        names = list(grads)
        [mine] = _mine_at([sp.diff(L, s) for s in names], [vals])
        for s, want in zip(names, mine):
            assert _close(_mp(grads[s]), want), (str(s), grads[s], want)


def test_softmax_with_squared_error_jacobian_route_matches_finite_differences():
    """The general route δ_m^{[L]} = Σ_i (a_i − y_i) a_i(δ_im − a_m), no shortcut: against sympy.diff and mpmath."""
    net, bp = _backprop("squared_error")
    _, _, outputs = _forward_sym()
    L = _se_sym(outputs)
    ws, bs = _params()
    params = [s for s, *_ in ws + bs]
    vals = _point(random.Random(25), targets="any", denominator=97, span=150)
    h, tol = mpmath.mpf("1e-20"), mpmath.mpf("1e-25")
    with mpmath.workdps(DPS):
        grads = bp.gradient_values(vals)
        assert set(grads) == set(params)
        _assert_gradients_are_the_derivatives(grads, L, params, vals, h, tol, "squared_error")


def test_cross_entropy_backprop_verify_reports_ok():
    _, bp = _backprop(sizes=(2, 3))  # verify() of 2-2-3 takes about 15 s here; one layer about 2.5 s
    report = bp.verify()
    assert report.ok is True


# === 3. the compiled softmax at extreme z =====================================================

EXTREME_ROWS = {
    "+-1e4": [1e4, -1e4, 0.0],
    "all -1e4": [-1e4, -1e4, -1e4],
    "all +1e4": [1e4, 1e4, 1e4],
    "+-700": [700.0, -700.0, 0.0],
    "700 699 -700": [700.0, 699.0, -700.0],
    "-700 -700.5 -701": [-700.0, -700.5, -701.0],
    "mixed 1e4 near ties": [1e4, 1e4 - 1, -1e4],
    "mixed -1e4 ladder": [-1e4, -1e4 + 1, -1e4 + 2],
    "750 0 -750": [750.0, 0.0, -750.0],
    "moderate": [0.5, -1.25, 3.0],
}


def _assert_rows_match_mpmath(got, Zmp):
    got = np.asarray(got)
    assert np.all(np.isfinite(got)), got
    np.testing.assert_allclose(got.sum(axis=1), 1.0, rtol=0, atol=4e-16)
    with mpmath.workdps(DPS):
        for row, zs in zip(got, Zmp):
            want = _mp_softmax(zs)
            for g, w in zip(row, want):
                # relative 1e-13 where the value is a normal double, absolute below that
                assert abs(mpmath.mpf(float(g)) - w) <= mpmath.mpf("1e-13") * w + mpmath.mpf("1e-307"), (zs, g, w)


def test_compiled_softmax_at_extreme_z_agrees_with_mpmath_without_warnings():
    net = symnn.Network([3, 3], activation="softmax")
    params = Params.from_arrays([np.eye(3)], [np.zeros(3)])  # z = x
    X = np.array(list(EXTREME_ROWS.values()))
    f = symnn.compile(net)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = f(X, params)
    assert got.shape == (len(X), 3)
    _assert_rows_match_mpmath(got, [[mpmath.mpf(v) for v in row] for row in X])


def test_compiled_softmax_in_float32_at_extreme_z_without_warnings():
    """float32 overflows e^z at z ≈ 88.7: a stable softmax must not."""
    net = symnn.Network([3, 3], activation="softmax")
    params = Params.from_arrays([np.eye(3)], [np.zeros(3)])
    X = np.array(list(EXTREME_ROWS.values()) + [[88.0, 89.0, -100.0], [-100.0, -104.0, -103.5]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = symnn.compile(net, dtype="float32")(X, params)
    assert got.dtype == np.float32
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got.sum(axis=1, dtype=np.float64), 1.0, rtol=0, atol=1e-6)
    with mpmath.workdps(DPS):
        for row, x in zip(got, X):
            for g, w in zip(row, _mp_softmax([mpmath.mpf(v) for v in x])):
                assert abs(mpmath.mpf(float(g)) - w) <= mpmath.mpf("1e-6") * w + mpmath.mpf("1e-37"), (x, g, w)


def test_compiled_softmax_extreme_scores_after_a_hidden_layer():
    """2-3-3 tanh → softmax with output weights ±1e4: z^{[2]} ≈ ±1e4, computed in mpmath from the same doubles."""
    rng = np.random.default_rng(5)
    W1, b1 = rng.normal(size=(2, 3)), rng.normal(size=3)
    W2 = np.array([[1e4, -1e4, 0.0], [-3e3, 5e3, 2e3], [700.0, -700.0, 1e4]])
    b2 = np.array([0.0, -5.0, 3.0])
    X = rng.normal(size=(8, 2)) * 3
    net = symnn.Network([2, 3, 3], activation=["tanh", "softmax"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = symnn.compile(net)(X, Params.from_arrays([W1, W2], [b1, b2]))
    with mpmath.workdps(DPS):
        Zmp = []
        for x in X:
            a1 = [mpmath.tanh(mpmath.fsum(mpmath.mpf(x[k]) * mpmath.mpf(W1[k, i]) for k in range(2)) + mpmath.mpf(b1[i]))
                  for i in range(3)]
            Zmp.append([mpmath.fsum(a1[k] * mpmath.mpf(W2[k, i]) for k in range(3)) + mpmath.mpf(b2[i])
                        for i in range(3)])
    # tanh in double precision is accurate to ~1 ulp, scaled by 1e4 in z: compare at a tolerance that allows it
    got = np.asarray(got)
    np.testing.assert_allclose(got.sum(axis=1), 1.0, rtol=0, atol=4e-16)
    with mpmath.workdps(DPS):
        for row, zs in zip(got, Zmp):
            for g, w in zip(row, _mp_softmax(zs)):
                assert abs(mpmath.mpf(float(g)) - w) <= mpmath.mpf("1e-9") * w + mpmath.mpf("1e-300"), (zs, g, w)


def test_compiled_softmax_matches_my_numpy_softmax_on_ordinary_numbers():
    rng = np.random.default_rng(6)
    W1, b1, W2, b2 = rng.normal(size=(4, 5)), rng.normal(size=5), rng.normal(size=(5, 3)), rng.normal(size=3)
    X = rng.normal(size=(20, 4))
    got = symnn.compile(symnn.Network([4, 5, 3], activation=["sigmoid", "softmax"]))(
        X, Params.from_arrays([W1, W2], [b1, b2]))
    Z = (1 / (1 + np.exp(-(X @ W1 + b1)))) @ W2 + b2
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(got, E / E.sum(axis=1, keepdims=True), rtol=1e-13, atol=1e-16)


# === 4. scikit-learn and PyTorch on the same weights ===========================================

def _my_softmax_np(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _synthetic(K, n=5, per_class=30, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(K, n)) * 3
    y = np.arange(per_class * K) % K
    X = centres[y] + rng.normal(size=(len(y), n))
    return X, y


@pytest.mark.parametrize("K", [3, 10])
def test_sklearn_multinomial_logistic_regression_agrees(K):
    linear_model = pytest.importorskip("sklearn.linear_model")
    from symnn.numeric.interop import network_from_sklearn

    X, y = _synthetic(K, n=6, per_class=12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = linear_model.LogisticRegression(max_iter=500).fit(X, y)
    theirs = model.predict_proba(X)
    # oracle self-check: this model is multinomial, softmax(X coefᵀ + intercept)
    np.testing.assert_allclose(theirs, _my_softmax_np(X @ model.coef_.T + model.intercept_), rtol=1e-12, atol=1e-15)
    net = network_from_sklearn(model)
    assert tuple(net.sizes) == (6, K)
    assert net.activations[-1].name == "softmax"
    params = Params.from_sklearn(model)
    ours = symnn.compile(net)(X, params)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(ours.argmax(axis=1), model.predict(X))
    # the same numbers through a network built by hand
    ours2 = symnn.compile(symnn.Network([6, K], activation="softmax"))(X, params)
    np.testing.assert_allclose(ours2, theirs, rtol=1e-12, atol=1e-15)


def test_sklearn_multiclass_mlp_classifier_agrees():
    neural_network = pytest.importorskip("sklearn.neural_network")
    from symnn.numeric.interop import network_from_sklearn

    X, y = _synthetic(4, n=5, per_class=15, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = neural_network.MLPClassifier(hidden_layer_sizes=(5,), max_iter=200, random_state=0).fit(X, y)
    theirs = model.predict_proba(X)
    W1, W2 = model.coefs_
    b1, b2 = model.intercepts_
    np.testing.assert_allclose(theirs, _my_softmax_np(np.maximum(X @ W1 + b1, 0) @ W2 + b2), rtol=1e-12, atol=1e-15)
    net = network_from_sklearn(model)
    assert tuple(net.sizes) == (5, 5, 4)
    assert [a.name for a in net.activations] == ["relu", "softmax"]
    ours = symnn.compile(net)(X, Params.from_sklearn(model))
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(ours.argmax(axis=1), model.predict(X))


def _torch_model(torch, end_with_softmax):
    torch.manual_seed(0)
    parts = [torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3)]
    if end_with_softmax:
        parts.append(torch.nn.Softmax(dim=1))
    return torch.nn.Sequential(*parts).double()


def test_torch_sequential_ending_in_softmax_agrees():
    torch = pytest.importorskip("torch")
    from symnn.numeric.interop import network_from_torch

    module = _torch_model(torch, True)
    X = np.random.default_rng(2).normal(size=(25, 4)) * 2
    with torch.no_grad():
        theirs = module(torch.from_numpy(X)).numpy()
    net = network_from_torch(module)
    assert tuple(net.sizes) == (4, 5, 3)
    assert [a.name for a in net.activations] == ["tanh", "softmax"]
    ours = symnn.compile(net)(X, Params.from_torch(module))
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(ours.argmax(axis=1), theirs.argmax(axis=1))


def test_torch_sequential_ending_in_linear_gives_the_logits_and_softmax_of_them_agrees():
    torch = pytest.importorskip("torch")
    from symnn.numeric.interop import network_from_torch

    module = _torch_model(torch, False)
    X = np.random.default_rng(3).normal(size=(25, 4)) * 2
    with torch.no_grad():
        logits = module(torch.from_numpy(X))
        probs = torch.softmax(logits, dim=1).numpy()
        logits = logits.numpy()
    net = network_from_torch(module)
    assert [a.name for a in net.activations] == ["tanh", "linear"]
    params = Params.from_torch(module)
    np.testing.assert_allclose(symnn.compile(net)(X, params), logits, rtol=1e-12, atol=1e-14)
    ours = symnn.compile(symnn.Network([4, 5, 3], activation=["tanh", "softmax"]))(X, params)
    np.testing.assert_allclose(ours, probs, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(ours.argmax(axis=1), logits.argmax(axis=1))


def test_torch_softmax_over_the_batch_or_in_a_hidden_position_is_refused():
    """Softmax(dim=0) normalises over the samples, not the classes: not a network symnn can express."""
    torch = pytest.importorskip("torch")
    nn = torch.nn
    for module in (nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=0)),
                   nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=1), nn.Linear(3, 2))):
        with pytest.raises(errors.UnsupportedModelError) as info:
            Params.from_torch(module)
        assert "Softmax" in str(info.value), str(info.value)


# === 5. collapse under a softmax output against Fraction products ===============================

def _fmat(rows):
    return [[Fraction(v) for v in row] for row in rows]


def _matmul(A, B):
    return [[sum((A[r][t] * B[t][c] for t in range(len(B))), Fraction(0)) for c in range(len(B[0]))]
            for r in range(len(A))]


def _transpose(A):
    return [list(col) for col in zip(*A)]


COLLAPSE_CASES = [((3, 4, 3), True), ((2, 3, 2, 3), True), ((2, 2, 4), False)]


def _random_linear_params(sizes, bias, rng):
    Ws = [[[Fraction(rng.randint(-5, 5), rng.choice([1, 2, 3])) for _ in range(sizes[j])]
           for _ in range(sizes[j - 1])] for j in range(1, len(sizes))]
    bs = [[Fraction(rng.randint(-5, 5), rng.choice([1, 2, 4])) if bias else Fraction(0) for _ in range(sizes[j])]
          for j in range(1, len(sizes))]
    return Ws, bs


def _values(sizes, Ws, bs, bias):
    vals = {}
    for j in range(1, len(sizes)):
        for k in range(1, sizes[j - 1] + 1):
            for i in range(1, sizes[j] + 1):
                vals[N.w(k, i, j)] = sp.Rational(Ws[j - 1][k - 1][i - 1])
        if bias:
            for i in range(1, sizes[j] + 1):
                vals[N.b(i, j)] = sp.Rational(bs[j - 1][i - 1])
    return vals


def _collapsed_by_hand(Ws, bs):
    """W' = W1 W2 ⋯ WL; b' = WLᵀ(⋯(W2ᵀ b1 + b2)⋯) + bL, in Fractions."""
    W = Ws[0]
    b = [[v] for v in bs[0]]
    for Wj, bj in zip(Ws[1:], bs[1:]):
        W = _matmul(W, Wj)
        b = [[u[0] + v] for u, v in zip(_matmul(_transpose(Wj), b), bj)]
    return W, [row[0] for row in b]


def _net(sizes, bias):
    return symnn.Network(list(sizes), activation=["linear"] * (len(sizes) - 2) + ["softmax"], bias=bias)


@pytest.mark.parametrize("sizes, bias", COLLAPSE_CASES, ids=["3-4-3", "2-3-2-3", "2-2-4 nobias"])
def test_collapse_under_softmax_gives_fraction_products(sizes, bias):
    rng = random.Random(sum(sizes))
    result = symnn.collapse(_net(sizes, bias))
    for _ in range(2):
        Ws, bs = _random_linear_params(sizes, bias, rng)
        vals = _values(sizes, Ws, bs, bias)
        Wp, bp_ = _collapsed_by_hand(Ws, bs)
        W = result.W
        assert W.shape == (sizes[0], sizes[-1]), W.shape
        for k in range(sizes[0]):
            for i in range(sizes[-1]):
                assert _F(sp.sympify(W[k, i]).xreplace(vals)) == Wp[k][i], (k, i)
        b = result.b
        if bias:
            assert len(b) == sizes[-1]
            for i in range(sizes[-1]):
                assert _F(sp.sympify(b[i]).xreplace(vals)) == bp_[i], i
        else:  # no biases: b' is 0 (symnn may leave it out as None)
            assert b is None or all(sp.sympify(v) == 0 for v in b), b
        # the scores W'ᵀx + b' at a rational x
        x = [Fraction(rng.randint(-4, 4), 3) for _ in range(sizes[0])]
        scores = result.explicit_models(vals, [sp.Rational(v) for v in x])
        want = [sum((Wp[k][i] * x[k] for k in range(sizes[0])), Fraction(0)) + bp_[i] for i in range(sizes[-1])]
        assert [_F(s) for s in scores] == want


@pytest.mark.parametrize("sizes, bias", COLLAPSE_CASES, ids=["3-4-3", "2-3-2-3", "2-2-4 nobias"])
def test_collapsed_softmax_equals_the_network_output_exactly(sizes, bias):
    """softmax(W'ᵀx + b') with my Fraction W', b' equals the network's own output at random rational x."""
    rng = random.Random(10 + sum(sizes))
    net = _net(sizes, bias)
    result = symnn.collapse(net)
    K = sizes[-1]
    for _ in range(2):
        Ws, bs = _random_linear_params(sizes, bias, rng)
        vals = _values(sizes, Ws, bs, bias)
        Wp, bp_ = _collapsed_by_hand(Ws, bs)
        x = [Fraction(rng.randint(-4, 4), 3) for _ in range(sizes[0])]
        point = dict(vals) | {N.x(k + 1): sp.Rational(x[k]) for k in range(sizes[0])}
        scores = [sp.Rational(sum((Wp[k][i] * x[k] for k in range(sizes[0])), Fraction(0)) + bp_[i]) for i in range(K)]
        mine = _softmax_sym(scores)
        collapsed_names = {}
        for i in range(1, K + 1):
            ws_i, b_i = result.symbols(i)
            for k, s in enumerate(ws_i):
                collapsed_names[s] = sp.Rational(Wp[k][i - 1])
            if b_i is not None:
                collapsed_names[b_i] = sp.Rational(bp_[i - 1])
        for i in range(1, K + 1):
            assert _vanishes_exactly(net.output(i).xreplace(point) - mine[i - 1]), (i, x)
            collapsed = result.output_model(i).xreplace(collapsed_names).xreplace(point)
            assert _vanishes_exactly(collapsed - mine[i - 1]), (i, collapsed)


def test_collapse_under_softmax_verifies():
    result = symnn.collapse(_net((3, 4, 3), True))
    assert str(result.link) == "softmax"
    assert result.verify().holds is True


# === 7. bad input ===============================================================================

def test_softmax_in_a_hidden_layer_is_refused_saying_output_only():
    with pytest.raises(errors.SymnnError) as info:
        symnn.Network([3, 4, 3], activation=["softmax", "sigmoid"])
    message = str(info.value)
    assert "softmax" in message and "output" in message and "sigmoid" in message, message


def test_softmax_over_one_unit_is_refused_suggesting_sigmoid():
    with pytest.raises(errors.SymnnError) as info:
        symnn.Network([3, 1], activation="softmax")
    message = str(info.value)
    assert "softmax" in message and "sigmoid" in message, message


def test_cross_entropy_after_a_sigmoid_output_is_refused_naming_softmax_and_bce():
    with pytest.raises(errors.SymnnError) as info:
        symnn.backprop(symnn.Network([2, 3], activation="sigmoid"), loss="cross_entropy")
    message = str(info.value)
    assert "softmax" in message and "bce" in message, message


def test_bce_after_a_softmax_output_is_refused_naming_cross_entropy():
    with pytest.raises(errors.SymnnError) as info:
        symnn.backprop(symnn.Network([2, 3], activation="softmax"), loss="bce")
    assert "cross_entropy" in str(info.value), str(info.value)


def _train_data():
    X, y = _synthetic(3, n=2, per_class=10, seed=4)
    return X, y


@pytest.mark.parametrize("labels, why", [
    (lambda y: np.where(y == 2, 3, y), "label 3 with 3 classes"),
    (lambda y: y - 1, "label −1"),
    (lambda y: y + 0.5, "labels that are not integers"),
])
def test_train_refuses_labels_outside_0_to_k_minus_1(labels, why):
    X, y = _train_data()
    net = symnn.Network([2, 3], activation="softmax")
    with pytest.raises(errors.SymnnError) as info:
        symnn.train(net, X, labels(y), loss="cross_entropy", epochs=2, show_progress=False)
    message = str(info.value)
    assert "0" in message and "2" in message, (why, message)


def test_train_refuses_target_rows_that_are_not_distributions():
    """δ = a − y holds only for Σ y = 1: a row (1, 1, 0) would train on a wrong gradient."""
    X, y = _train_data()
    Y = np.eye(3)[y]
    Y[0] = [1, 1, 0]
    with pytest.raises(errors.SymnnError):
        symnn.train(symnn.Network([2, 3], activation="softmax"), X, Y, loss="cross_entropy", epochs=2,
                    show_progress=False)


def test_train_with_integer_labels_equals_train_with_one_hot_rows_and_learns():
    X, y = _train_data()
    net = symnn.Network([2, 3], activation="softmax")
    a = symnn.train(net, X, y, loss="cross_entropy", epochs=300, seed=0, show_progress=False)
    b = symnn.train(net, X, np.eye(3)[y], loss="cross_entropy", epochs=300, seed=0, show_progress=False)
    np.testing.assert_array_equal(a.params.W(1), b.params.W(1))
    np.testing.assert_array_equal(a.params.b(1), b.params.b(1))
    P = _my_softmax_np(X @ np.asarray(a.params.W(1)) + np.asarray(a.params.b(1)).ravel())
    assert (P.argmax(axis=1) == y).mean() >= 0.9
