"""Neuron, Layer, Network: structure, the three levels agreeing, and an independent numeric oracle."""

from fractions import Fraction

import mpmath
import numpy as np
from hypothesis import given, settings, strategies as st
from sympy import Matrix, Rational, Symbol, simplify

import symnn
from symnn import Layer, Network, Neuron, notation


def test_network_shape_and_repr():
    net = Network([3, 4, 1], activation="linear")
    assert net.depth == 2
    assert repr(net) == "Network(3→4→1, linear)"
    assert repr(net.layer(1)) == "Layer(3→4, linear)"
    assert repr(Network([2, 2], activation=["sigmoid"], bias=False)) == "Network(2→2, sigmoid, no bias)"
    assert repr(Network([2, 3, 1], activation=["relu", "sigmoid"])) == "Network(2→3→1, [relu, sigmoid])"
    assert repr(Neuron(35)) == "Neuron(35 inputs, sigmoid)"
    assert "21 parameters" in str(net)


def test_z_of_layer_one_uses_inputs_and_later_layers_use_previous_activations():
    net = Network([3, 4, 1])
    x1, x2, x3 = notation.x(1), notation.x(2), notation.x(3)
    assert net.z(1, 2) == notation.w(1, 2, 1) * x1 + notation.w(2, 2, 1) * x2 + notation.w(3, 2, 1) * x3 + notation.b(2, 1)
    expected = sum(notation.w(k, 1, 2) * notation.a(k, 1) for k in range(1, 5)) + notation.b(1, 2)
    assert net.z(2, 1) == expected


def test_weight_matrix_entry_k_i_is_w_ki():
    net = Network([3, 4, 1])
    W = net.W(1)
    assert W.shape == (3, 4)
    for k in range(3):
        for i in range(4):
            assert W[k, i] == notation.w(k + 1, i + 1, 1)
    assert net.b(1).shape == (4, 1)
    assert net.b(2)[0] == notation.b(1, 2)


def test_vector_form_matches_elementwise():
    net = Network([3, 4, 2], activation="sigmoid")
    prev = Matrix([notation.a(k, 1) for k in range(1, 5)])
    assert (net.W(2).T * prev + net.b(2) - net.z(2)).expand() == Matrix([0, 0])


def test_sum_form_expands_to_elementwise():
    net = Network([5, 3, 2], activation="tanh")
    for j, i in [(1, 1), (1, 3), (2, 2)]:
        assert net.z_sum(j, i).doit() == net.z(j, i)


def test_block_form_equals_elementwise_after_substitution():
    net = Network([3, 4, 2])
    for j in (1, 2):
        W = notation.matrix("W", net.sizes[j - 1], net.sizes[j], j)
        b = notation.matrix("b", net.sizes[j], 1, j)
        source = notation.matrix("x", 3, 1) if j == 1 else notation.matrix("a", 4, 1, 1)
        values = Matrix(net.inputs()) if j == 1 else Matrix([notation.a(k, 1) for k in range(1, 5)])
        block = net.block_z(j).subs({W: net.W(j), b: net.b(j), source: values}).doit()
        assert (Matrix(block) - net.z(j)).expand() == Matrix.zeros(net.sizes[j], 1)


def test_block_form_with_symbolic_sizes():
    net = Network([3, 4, 1])
    z2 = net.block_z(2, symbolic=True)
    assert z2.shape == (notation.size(2), 1)
    assert symnn.latex(z2) == r"W^{[2]T} a^{[1]} + b^{[2]}"


def test_block_form_without_bias():
    assert symnn.latex(Network([3, 4, 1], bias=False).block_z(1)) == r"W^{[1]T} x"


def test_bias_free_network_has_no_bias_terms():
    net = Network([3, 4, 1], bias=False)
    assert not any(s.info.role == "b" for s in net.output()[0].free_symbols)
    assert net.b(1) == Matrix.zeros(4, 1)
    assert len(net.params()) == 3 * 4 + 4 * 1 == net.n_params


def test_params_order_is_documented_order():
    net = Network([2, 2, 1])
    w, b = notation.w, notation.b
    assert net.params() == [
        w(1, 1, 1), w(1, 2, 1), w(2, 1, 1), w(2, 2, 1), b(1, 1), b(2, 1),
        w(1, 1, 2), w(2, 1, 2), b(1, 2),
    ]
    assert net.n_params == len(net.params()) == 9
    assert Neuron(2).params() == [w(1, 1, 1), w(2, 1, 1), b(1, 1)]


def test_neuron_is_logistic_regression():
    neuron = Neuron(3)
    t = neuron.z()
    assert neuron.a().args == (t,)
    # a = σ(z) = 1/(1 + e^{−z}): at w = (1/2, −1, 3), b = 1/4, x = (2, 1, −1/3), z = −3/4
    values = dict(zip(neuron.params() + Layer(3, 1).inputs(),
                      [Rational(1, 2), Rational(-1), Rational(3), Rational(1, 4), 2, 1, Rational(-1, 3)]))
    assert t.xreplace(values) == Rational(-3, 4)
    with mpmath.workdps(30):
        want = 1 / (1 + mpmath.exp(mpmath.mpf(3) / 4))
        assert abs(mpmath.mpf(str(neuron.a().xreplace(values).evalf(30))) - want) < mpmath.mpf(10) ** -25
    assert neuron.W() == Matrix([notation.w(k, 1, 1) for k in (1, 2, 3)])
    # z = w_1 · x + b_1
    assert (neuron.W().T * Matrix(Layer(3, 1).inputs()))[0] + neuron.b() == t


def test_neuron_of_a_layer_answers_like_the_layer():
    net = Network([3, 4, 1], activation="relu")
    unit = net.neuron(1, 3)
    assert unit.z() == net.z(1, 3)
    assert unit.a() == net.a(1, 3)
    assert "unit 3 of layer 1" in repr(unit)


def test_a_of_layer_zero_is_the_input():
    net = Network([3, 1])
    assert net.a(0, 2) == notation.x(2)
    assert net.a(0) == Matrix(net.inputs())


def test_latex_of_large_network_is_block_form():
    net = Network([784, 128, 10], activation="sigmoid")
    text = symnn.latex(net)
    assert r"z^{[1]} &= W^{[1]T} x + b^{[1]}" in text
    assert r"a^{[2]} &= \sigma(z^{[2]})" in text
    assert net._repr_latex_().startswith("$")


def test_repr_latex_of_small_objects():
    assert r"\sigma(z_{1}^{[1]})" in Neuron(2)._repr_latex_()
    assert "w_{11}^{[1]} x_{1}" in Layer(2, 2)._repr_latex_()


def test_pretty_shows_unicode_lines():
    text = symnn.pretty(Neuron(2))
    assert text.splitlines()[0] == "z₁⁽¹⁾ = w₁₁⁽¹⁾⋅x₁ + w₂₁⁽¹⁾⋅x₂ + b₁⁽¹⁾"
    assert text.splitlines()[1] == "a₁⁽¹⁾ = σ(z₁⁽¹⁾)"


# --- an independent oracle: forward passes in Fraction and mpmath ------------------

def fraction_forward(Ws, bs, x, relu_layers):
    """Plain-Python forward pass: a^{[j]} = g(W^T a^{[j-1]} + b), with Fractions."""
    a = list(x)
    for j, (W, b) in enumerate(zip(Ws, bs)):
        z = [sum(W[k][i] * a[k] for k in range(len(a))) + b[i] for i in range(len(b))]
        a = [max(v, Fraction(0)) for v in z] if relu_layers[j] else z
    return a


fractions = st.fractions(min_value=-5, max_value=5, max_denominator=7)


@settings(max_examples=25, deadline=None)
@given(data=st.data(), sizes=st.lists(st.integers(1, 3), min_size=2, max_size=4))
def test_symbolic_output_equals_fraction_forward_pass(data, sizes):
    kinds = data.draw(st.lists(st.sampled_from(["linear", "relu"]), min_size=len(sizes) - 1, max_size=len(sizes) - 1))
    net = Network(sizes, activation=kinds)
    Ws = [[[data.draw(fractions) for _ in range(m)] for _ in range(n)] for n, m in zip(sizes, sizes[1:])]
    bs = [[data.draw(fractions) for _ in range(m)] for m in sizes[1:]]
    x = [data.draw(fractions) for _ in range(sizes[0])]
    values = {notation.x(k + 1): Rational(v.numerator, v.denominator) for k, v in enumerate(x)}
    for j, (W, b) in enumerate(zip(Ws, bs), start=1):
        for k, row in enumerate(W, start=1):
            for i, v in enumerate(row, start=1):
                values[notation.w(k, i, j)] = Rational(v.numerator, v.denominator)
        for i, v in enumerate(b, start=1):
            values[notation.b(i, j)] = Rational(v.numerator, v.denominator)
    expected = fraction_forward(Ws, bs, x, [k == "relu" for k in kinds])
    got = net.output().xreplace(values)
    assert [Fraction(int(v.p), int(v.q)) for v in got] == expected


def test_sigmoid_network_output_matches_mpmath():
    rng = np.random.default_rng(7)
    net = Network([3, 2, 1], activation=["tanh", "sigmoid"])
    W1, b1 = rng.normal(size=(3, 2)).round(3), rng.normal(size=2).round(3)
    W2, b2 = rng.normal(size=(2, 1)).round(3), rng.normal(size=1).round(3)
    x = rng.normal(size=3).round(3)
    with mpmath.workdps(40):
        h = [mpmath.tanh(sum(mpmath.mpf(str(W1[k, i])) * mpmath.mpf(str(x[k])) for k in range(3)) + mpmath.mpf(str(b1[i])))
             for i in range(2)]
        out = 1 / (1 + mpmath.exp(-(sum(mpmath.mpf(str(W2[k, 0])) * h[k] for k in range(2)) + mpmath.mpf(str(b2[0])))))
        values = {notation.x(k + 1): Rational(str(x[k])) for k in range(3)}
        values.update({notation.w(k + 1, i + 1, 1): Rational(str(W1[k, i])) for k in range(3) for i in range(2)})
        values.update({notation.b(i + 1, 1): Rational(str(b1[i])) for i in range(2)})
        values.update({notation.w(k + 1, 1, 2): Rational(str(W2[k, 0])) for k in range(2)})
        values[notation.b(1, 2)] = Rational(str(b2[0]))
        got = net.output(1).xreplace(values).evalf(40)
        assert abs(mpmath.mpf(str(got)) - out) < mpmath.mpf(10) ** -35


def test_from_inputs_nests_previous_layers():
    net = Network([2, 2, 1], activation="sigmoid")
    out = net.output(1)
    sigma = symnn.activations.get("sigmoid")
    expected = sigma(notation.w(1, 1, 2) * sigma(net.z(1, 1)) + notation.w(2, 1, 2) * sigma(net.z(1, 2)) + notation.b(1, 2))
    assert out == expected
    assert net.z(2, 1, from_inputs=True) == expected.args[0]


def test_linear_output_is_polynomial_in_inputs():
    net = Network([2, 3, 1], activation="linear")
    out = net.output(1).expand()
    assert simplify(out.diff(notation.x(1), 2)) == 0
    assert out.diff(notation.x(1)) == sum(notation.w(1, j, 1) * notation.w(j, 1, 2) for j in (1, 2, 3))


def test_symbols_unknown_to_notation_are_left_alone():
    t = Symbol("t")
    assert symnn.latex(t * notation.w(1, 1, 1)) in {r"t w_{11}^{[1]}", r"w_{11}^{[1]} t"}
