"""Collapse of affine networks: the lecture's form, an independent Fraction oracle, block form, witnesses, merges."""

from fractions import Fraction

import mpmath
import pytest
from hypothesis import given, settings, strategies as st
import numpy as np
from sympy import Add, Matrix, Mul, Rational

import symnn
from symnn import Network, notation
from symnn.core.activations import Activation, z
from symnn.math.equality import check_equal
from symnn.math.collapse import NotCollapsible, block_identity, collapse
from symnn.math.merge import merge_affine


def test_lecture_341_weights_are_sums_over_hidden_units():
    result = collapse(Network([3, 4, 1], activation="linear", bias=False))
    # w'_i = Σ_j w_{ij}^{[1]} w_{j1}^{[2]}, written from the slide
    assert symnn.latex(result.weights[0]) == (
        r"w_{11}^{[1]} w_{11}^{[2]} + w_{12}^{[1]} w_{21}^{[2]} + w_{13}^{[1]} w_{31}^{[2]} + w_{14}^{[1]} w_{41}^{[2]}"
    )
    assert len(result.weights) == 3
    assert result.bias is None
    assert symnn.latex(result.model()) == r"w'_{1} x_{1} + w'_{2} x_{2} + w'_{3} x_{3}"


def test_weights_equal_an_independent_sum():
    result = collapse(Network([3, 4, 1], activation="linear", bias=False))
    for i in (1, 2, 3):
        expected = Add(*[notation.w(i, j, 1) * notation.w(j, 1, 2) for j in range(1, 5)])
        assert result.weights[i - 1] == expected


def test_bias_of_341_with_biases():
    result = collapse(Network([3, 4, 1], activation="linear"))
    expected = Add(*[notation.w(j, 1, 2) * notation.b(j, 1) for j in range(1, 5)], notation.b(1, 2))
    assert result.bias == expected
    assert symnn.latex(result.model()) == r"w'_{1} x_{1} + w'_{2} x_{2} + w'_{3} x_{3} + b'"


def test_deeper_network_gives_nested_sums():
    result = collapse(Network([2, 2, 2, 1], activation="linear", bias=False))
    inner = [Add(*[notation.w(1, r, 1) * notation.w(r, j, 2) for r in (1, 2)]) for j in (1, 2)]
    assert result.weights[0] == Add(*[Mul(inner[j], notation.w(j + 1, 1, 3)) for j in (0, 1)])


def test_several_outputs_use_the_matrix():
    result = collapse(Network([3, 2, 2], activation="linear"))
    assert result.W.shape == (3, 2) and result.b.shape == (2, 1)
    with pytest.raises(symnn.SymnnError, match="2 outputs"):
        result.weights
    assert symnn.latex(result.symbols(2)[0][0]) == "w'_{12}"


def test_verify_reports_its_method():
    small = collapse(Network([3, 4, 1], activation="linear")).verify()
    assert small.holds and "symbolic" in small.method
    large = collapse(Network([20, 10, 3], activation="linear")).verify()
    assert large.holds and "modulo the prime 2^61 − 1 at 3 random points" in large.method
    irrational_slope = collapse(Network([20, 10, 3], activation=Activation.from_string("sqrt(2)*z + 1"))).verify()
    assert irrational_slope.holds and "random rational points" in irrational_slope.method


def test_modular_verify_finds_a_wrong_entry_of_w_prime():
    # the identity test must fail when one entry of W' is off by one product of weights
    net = Network([20, 10, 2], activation=Activation.from_string("z/3 - 2"))
    result = collapse(net)
    matrix = result._composition.matrix()
    wrong = [list(row) for row in matrix]
    wrong[4][1] = wrong[4][1] + notation.w(1, 1, 1) * notation.w(1, 1, 2)
    result._composition.matrix = lambda: wrong
    check = result.verify()
    assert not check.holds and "output 2 differs modulo 2^61 − 1" in check.detail


def test_modular_value_is_the_value_mod_the_prime():
    from symnn.math.exact import PRIME, modular_value

    a, b = notation.w(1, 1, 1), notation.w(2, 1, 1)
    expr = Rational(3, 7) * a * b**2 + a - Rational(1, 2)
    va, vb = 123456789123, 987654321987
    want = Fraction(3, 7) * va * vb**2 + va - Fraction(1, 2)  # the true rational, then reduced mod PRIME
    assert modular_value(expr, {a: va, b: vb}) == want.numerator * pow(want.denominator, -1, PRIME) % PRIME
    assert modular_value(a**Rational(1, 2), {a: va}) is None  # not a polynomial: the caller falls back


def test_affine_user_activation_folds_scale_and_shift():
    g = Activation.from_expr(3 * z + 1, name="3z+1")
    result = collapse(Network([2, 1], activation=g, bias=False))
    w1, w2 = notation.w(1, 1, 1), notation.w(2, 1, 1)
    assert result.weights == [3 * w1, 3 * w2]
    assert result.bias == 1


# --- an independent oracle: exact Fraction matrix products -----------------------------

def fraction_matmul(A, B):
    return [[sum((A[r][k] * B[k][c] for k in range(len(B))), Fraction(0)) for c in range(len(B[0]))] for r in range(len(A))]


def affine_collapse_oracle(Ws, bs, scales, shifts):
    """W' and b' of x ↦ (s_L(W_L^T(...)+b_L)+t_L) by plain Fraction arithmetic."""
    n0 = len(Ws[0])
    M = [[Fraction(int(r == c)) for c in range(n0)] for r in range(n0)]
    c = [Fraction(0)] * n0
    for W, b, s, t in zip(Ws, bs, scales, shifts):
        M = [[s * v for v in row] for row in fraction_matmul(M, W)]
        c = [s * (sum(c[k] * W[k][i] for k in range(len(c))) + b[i]) + t for i in range(len(b))]
    return M, c


fractions = st.fractions(min_value=-4, max_value=4, max_denominator=5)


@settings(max_examples=30, deadline=None)
@given(data=st.data(), sizes=st.lists(st.integers(1, 4), min_size=2, max_size=5))
def test_collapse_agrees_with_fraction_products(data, sizes):
    kinds = data.draw(st.lists(st.sampled_from([(1, 0), (2, 0), (3, 1), (Fraction(-1, 2), 2)]),
                               min_size=len(sizes) - 1, max_size=len(sizes) - 1))
    activations = [Activation.from_expr(Rational(s.numerator, s.denominator) * z + t if isinstance(s, Fraction)
                                        else s * z + t, name="affine") for s, t in kinds]
    net = Network(sizes, activation=activations)
    Ws = [[[data.draw(fractions) for _ in range(m)] for _ in range(n)] for n, m in zip(sizes, sizes[1:])]
    bs = [[data.draw(fractions) for _ in range(m)] for m in sizes[1:]]
    values = {}
    for j, (W, b) in enumerate(zip(Ws, bs), start=1):
        values.update({notation.w(k + 1, i + 1, j): Rational(v.numerator, v.denominator)
                       for k, row in enumerate(W) for i, v in enumerate(row)})
        values.update({notation.b(i + 1, j): Rational(v.numerator, v.denominator) for i, v in enumerate(b)})
    M, c = affine_collapse_oracle(Ws, bs, [Fraction(s) for s, _ in kinds], [Fraction(t) for _, t in kinds])
    result = collapse(net)
    got_W = result.W.xreplace(values)
    assert [[Fraction(int(v.p), int(v.q)) for v in got_W.row(r)] for r in range(sizes[0])] == M
    got_b = result.b.xreplace(values) if result.b is not None else [0] * sizes[-1]
    assert [Fraction(int(v.p), int(v.q)) for v in got_b] == c


@settings(max_examples=15, deadline=None)
@given(depth=st.integers(1, 6))
def test_block_identity_holds_for_every_size(depth):
    lhs, rhs = block_identity(Network([1] * (depth + 1), activation="linear"), symbolic=True)
    assert check_equal(lhs, rhs).holds


def test_block_identity_reads_as_the_design():
    lhs, rhs = block_identity(Network([3, 4, 1], activation="linear"), symbolic=True)
    assert symnn.latex(lhs) == r"W^{[2]T} \left(W^{[1]T} x + b^{[1]}\right) + b^{[2]}"
    assert symnn.latex(rhs) == r"\left(W^{[1]} W^{[2]}\right)^{T} x + W^{[2]T} b^{[1]} + b^{[2]}"


def test_block_identity_holds_for_concrete_integer_matrices():
    # an oracle outside symnn's checker: put random integer matrices in for W^{[j]}, b^{[j]}, x
    rng = np.random.default_rng(5)
    lhs, rhs = block_identity(Network([3, 4, 2], activation="linear"), symbolic=False)
    values = {symbol: Matrix(rng.integers(-9, 10, size=symbol.shape).tolist()) for symbol in lhs.free_symbols}
    assert {symbol.shape for symbol in values} == {(3, 1), (3, 4), (4, 1), (4, 2), (2, 1)}
    left, right = Matrix(lhs.xreplace(values).doit()), Matrix(rhs.xreplace(values).doit())
    by_shape = {symbol.shape: np.array(value.tolist(), dtype=np.int64) for symbol, value in values.items()}
    W1, W2, b1, b2, x = (by_shape[shape] for shape in [(3, 4), (4, 2), (4, 1), (2, 1), (3, 1)])
    assert left == right == Matrix((W2.T @ (W1.T @ x + b1) + b2).tolist())


def test_a_wrong_block_identity_is_caught():
    lhs, rhs = block_identity(Network([3, 4, 1], activation="linear"), symbolic=True)
    wrong = notation.matrix("W", notation.size(1), notation.size(2), 2).T * notation.matrix("b", notation.size(1), 1, 1)
    assert not check_equal(lhs, rhs + wrong).holds


# --- non-collapse --------------------------------------------------------------------

def mp_forward(net, params, x, activation):
    """Independent forward pass in mpmath with the given elementwise activation (call inside mpmath.workdps)."""
    a = [mpmath.mpf(v.p) / v.q for v in x]
    for layer in net.layers:
        out = []
        for i in range(1, layer.n_out + 1):
            total = sum(mpmath.mpf(params[layer.weight(k, i)].p) / params[layer.weight(k, i)].q * a[k - 1]
                        for k in range(1, layer.n_in + 1))
            bias = params[layer.bias_term(i)]
            out.append(activation(total + mpmath.mpf(bias.p) / bias.q))
        a = out
    return a


ACTIVATION_ORACLES = {
    "sigmoid": lambda t: 1 / (1 + mpmath.exp(-t)),
    "tanh": mpmath.tanh,
    "relu": lambda t: max(t, 0),
    "softplus": lambda t: mpmath.log(1 + mpmath.exp(t)),
    "step": lambda t: mpmath.mpf(1) if t >= 0 else mpmath.mpf(0),
}


@pytest.mark.parametrize("name", sorted(ACTIVATION_ORACLES))
def test_non_affine_network_raises_with_a_witness_that_reevaluates(name):
    net = Network([2, 2, 1], activation=name)
    with pytest.raises(NotCollapsible) as info:
        collapse(net)
    assert str(info.value) == f"layer 1 ({name}), layer 2 ({name}) are not affine, so the network is not one linear model"
    witness = info.value.witness
    assert witness is not None
    assert all(v.is_Rational for v in witness.params.values())
    assert all(v.is_Rational for v in witness.x + witness.y)
    f = ACTIVATION_ORACLES[name]
    i = witness.output - 1
    x_plus_y = [p + q for p, q in zip(witness.x, witness.y)]
    zero = [Rational(0)] * 2
    with mpmath.workdps(40):
        values = [mp_forward(net, witness.params, point, f)[i] for point in (x_plus_y, zero, witness.x, witness.y)]
        difference = values[0] + values[1] - values[2] - values[3]
        assert abs(difference) > mpmath.mpf(10) ** -20
        assert abs(difference - mpmath.mpf(str(witness.difference.evalf(35)))) < mpmath.mpf(10) ** -25


def test_mixed_network_names_the_non_affine_layer():
    with pytest.raises(NotCollapsible, match="layer 2 \\(relu\\) is not affine"):
        collapse(Network([2, 3, 1], activation=["linear", "relu"]))


# --- merging affine runs ---------------------------------------------------------------

def test_linear_linear_sigmoid_merges_to_linear_sigmoid():
    merged = merge_affine(Network([3, 4, 5, 1], activation=["linear", "linear", "sigmoid"]))
    assert merged.network.sizes == (3, 5, 1)
    assert [a.name for a in merged.network.activations] == ["linear", "sigmoid"]
    assert merged.groups == ((1, 2), (3,))
    assert merged.verify().holds
    assert merged.proof.verify().ok


def test_nothing_to_merge():
    merged = merge_affine(Network([2, 3, 1], activation=["relu", "sigmoid"]))
    assert not merged.merged_any
    assert merged.network.sizes == (2, 3, 1)


def fraction_forward(Ws, bs, x, kinds):
    a = list(x)
    for W, b, kind in zip(Ws, bs, kinds):
        zs = [sum(W[k][i] * a[k] for k in range(len(a))) + b[i] for i in range(len(b))]
        a = [max(v, Fraction(0)) for v in zs] if kind == "relu" else [3 * v + 1 for v in zs] if kind == "3z+1" else zs
    return a


@settings(max_examples=25, deadline=None)
@given(data=st.data(), sizes=st.lists(st.integers(1, 3), min_size=2, max_size=6))
def test_merged_network_agrees_with_original(data, sizes):
    kinds = data.draw(st.lists(st.sampled_from(["linear", "relu", "3z+1"]), min_size=len(sizes) - 1, max_size=len(sizes) - 1))
    acts = [Activation.from_expr(3 * z + 1, name="3z+1") if k == "3z+1" else k for k in kinds]
    bias = data.draw(st.booleans())
    net = Network(sizes, activation=acts, bias=bias)
    merged = merge_affine(net)
    Ws = [[[data.draw(fractions) for _ in range(m)] for _ in range(n)] for n, m in zip(sizes, sizes[1:])]
    bs = [[data.draw(fractions) if bias else Fraction(0) for _ in range(m)] for m in sizes[1:]]
    x = [data.draw(fractions) for _ in range(sizes[0])]
    values = {notation.x(k + 1): Rational(v.numerator, v.denominator) for k, v in enumerate(x)}
    for j, (W, b) in enumerate(zip(Ws, bs), start=1):
        values.update({notation.w(k + 1, i + 1, j): Rational(v.numerator, v.denominator)
                       for k, row in enumerate(W) for i, v in enumerate(row)})
        if bias:
            values.update({notation.b(i + 1, j): Rational(v.numerator, v.denominator) for i, v in enumerate(b)})
    expected = fraction_forward(Ws, bs, x, kinds)
    for i in range(sizes[-1]):
        got = merged.output(i + 1).xreplace(values)
        assert Fraction(int(got.p), int(got.q)) == expected[i]
    assert len(merged.network.layers) <= len(net.layers)


def _mp_scores(weights: dict, sizes, x):
    """z^{[L]} of a sigmoid-hidden network at x, from its weight names (w{k}{i}[j], b{i}[j]), in mpmath."""
    values = {str(k): mpmath.mpf(Fraction(str(v)).numerator) / Fraction(str(v)).denominator for k, v in weights.items()}
    a = [mpmath.mpf(Fraction(str(v)).numerator) / Fraction(str(v)).denominator for v in x]
    for j in range(1, len(sizes)):
        z = [sum(values.get(f"w{k}{i}[{j}]", 0) * a[k - 1] for k in range(1, sizes[j - 1] + 1))
             + values.get(f"b{i}[{j}]", 0) for i in range(1, sizes[j] + 1)]
        a = z if j == len(sizes) - 1 else [1 / (1 + mpmath.exp(-t)) for t in z]
    return a


def test_under_softmax_the_counterexample_is_of_a_difference_of_scores():
    # softmax(z + c(x)) = softmax(z): a witness must show some z_i − z_m is not affine, not merely z_i
    sizes = [3, 4, 3]
    with pytest.raises(NotCollapsible) as info:
        collapse(Network(sizes, activation=["sigmoid", "softmax"]))
    w = info.value.witness
    assert w.scores and w.minus not in (None, w.output) and "differences of the scores" in str(info.value)
    with mpmath.workdps(50):
        def f(point):
            z = _mp_scores(w.params, sizes, point)
            return z[w.output - 1] - z[w.minus - 1]
        both = [p + q for p, q in zip(w.x, w.y)]
        defect = f(both) + f([0, 0, 0]) - f(w.x) - f(w.y)
        assert abs(defect) > mpmath.mpf("1e-6")
        assert abs(defect - mpmath.mpf(str(w.difference.evalf(40)))) < mpmath.mpf("1e-30")


def test_a_softmax_collapse_has_the_scores_block_identity_and_one_layer_says_it_has_no_hidden_layer():
    lhs, rhs = collapse(Network([3, 4, 3], activation=["linear", "softmax"])).block_identity()
    assert str(rhs) == "b[2] + (W[1]*W[2]).T*x + W[2].T*b[1]"
    proof = collapse(Network([3, 3], activation="softmax")).proof
    assert "no hidden layer" in proof.intro and "hidden layers add nothing" not in proof.conclusion
    assert proof.verify().ok
