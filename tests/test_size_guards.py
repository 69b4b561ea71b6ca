"""Size guards: every operation that can grow estimates its size first and is refused, naming the setting.

The limits come from costs measured on this kind of machine (see symnn/config.py);
these tests check that each guard fires with its estimate, that work just inside
it still happens, and that the settings move the limit.
"""

from __future__ import annotations

import pytest
from sympy import Rational

import symnn
from symnn import Network, Neuron, collapse, latex
from symnn.math.witness import find_witness


@pytest.mark.parametrize("call, estimate, setting", [
    (lambda: Network([10**6, 10**6]).z(1, 1), "1,000,001 terms", "unit_terms"),
    (lambda: Neuron(10**6).z(), "1,000,001 terms", "unit_terms"),
    (lambda: Network([10**6, 10**6]).W(1), "1,000,000,000,000 symbols", "symbols"),
    (lambda: Network([10**6, 10**6]).params(), "1,000,001,000,000 symbols", "symbols"),
    (lambda: latex(Neuron(10**5).equations()), "100,001 terms", "unit_terms"),
    (lambda: collapse(Network([170, 170, 170])).W, "4,913,000 terms", "terms"),
    (lambda: collapse(Network([2236, 1, 2236])).W, "4,999,696 terms", "terms"),
    (lambda: collapse(Network([1] * 401)), "400 layers", "depth"),
    (lambda: str(Network([1] * 3001).output(1)), "3,000 nested layers", "depth"),
])
def test_growing_operations_are_refused_with_their_estimate_and_setting(call, estimate, setting):
    with pytest.raises(symnn.ExpressionTooLarge, match=rf"{estimate}.*symnn\.settings\({setting}=\.\.\.\)"):
        call()


def test_printing_an_equation_list_is_guarded_like_an_expression():
    equations = Neuron(4000).equations()  # 4 001 terms: built, but ~12 000 nodes to print
    with pytest.raises(symnn.ExpressionTooLarge, match="nodes.*latex_nodes"):
        latex(equations)
    with symnn.settings(latex_nodes=20_000):
        assert latex(Neuron(3).equations()).startswith("\\begin{aligned}")


def test_just_inside_the_limits_the_work_is_done():
    assert len(Neuron(2_000).z().args) == 2_001
    assert len(collapse(Network([1] * 100)).weights) == 1
    deep = Network([1] * 61, activation="sigmoid")
    assert deep.output(1).has(*[layer.weight(1, 1) for layer in deep.layers])


def test_settings_move_the_limits():
    with symnn.settings(unit_terms=10):
        with pytest.raises(symnn.ExpressionTooLarge, match="limit of 10 "):
            Neuron(10).z()
        Neuron(9).z()
    with symnn.settings(depth=3):
        with pytest.raises(symnn.ExpressionTooLarge, match="limit of 3 "):
            Network([1, 1, 1, 1, 1]).output(1)


def test_a_large_nonlinear_network_gets_a_one_path_witness_without_building_its_parameters():
    net = Network([1000, 1000, 1000], activation="relu")  # 2 002 000 parameters: more than the symbols limit
    with pytest.raises(symnn.NotCollapsible) as info:
        collapse(net)
    witness = info.value.witness
    assert len(witness.params) == 4 and len(witness.x) == 1000 and set(witness.x[1:]) == {0}
    # On the path x_1 → unit 1 → output 1: f(t) = relu(w2 relu(w1 t + b1) + b2), evaluated here by hand.
    w1, b1 = witness.params[net.layer(1).weight(1, 1)], witness.params[net.layer(1).bias_term(1)]
    w2, b2 = witness.params[net.layer(2).weight(1, 1)], witness.params[net.layer(2).bias_term(1)]

    def f(t):
        return max(w2 * max(w1 * t + b1, 0) + b2, 0)

    x, y = witness.x[0], witness.y[0]
    by_hand = f(x + y) + f(Rational(0)) - f(x) - f(y)
    assert by_hand != 0 and by_hand == witness.difference


def test_a_network_deeper_than_the_depth_setting_gets_no_witness_but_still_a_reason():
    with pytest.raises(symnn.NotCollapsible, match="not affine") as info:
        collapse(Network([1] * 150, activation="tanh"))
    assert info.value.witness is None
    assert find_witness(Network([1] * 150, activation="tanh")) is None


def test_a_constant_activation_collapses_to_a_constant():
    result = collapse(Network([2, 3, 1], activation=symnn.Activation.from_expr(Rational(3))))
    assert result.weights == [0, 0]
    assert result.bias == 3
    assert result.proof.verify().ok
