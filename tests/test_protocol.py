"""One protocol up the ladder (Neuron, Layer, Network), one way to show any object, one settings object."""

from __future__ import annotations

import threading

import pytest
from sympy import Eq, Matrix, Symbol

import symnn
from symnn import Layer, Network, Neuron, collapse, latex, pretty
from symnn.math.merge import merge_affine

# The lecture's z of one neuron with three inputs, written by hand.
Z_LATEX = r"w_{11}^{[1]} x_{1} + w_{21}^{[1]} x_{2} + w_{31}^{[1]} x_{3} + b_{1}^{[1]}"
A_LATEX = r"\sigma(" + Z_LATEX + ")"


def one_unit_three_ways():
    return [Neuron(3, "sigmoid"), Layer(3, 1, "sigmoid"), Network([3, 1], activation="sigmoid")]


@pytest.mark.parametrize("obj", one_unit_three_ways(), ids=["Neuron", "Layer", "Network"])
def test_the_same_unit_answers_the_same_questions_the_same_way(obj):
    assert latex(obj.z(1, 1)) == Z_LATEX
    assert latex(obj.a(1, 1)) == A_LATEX
    assert obj.has_bias is True
    assert [str(p) for p in obj.params()] == ["w11[1]", "w21[1]", "w31[1]", "b1[1]"]
    assert obj.W(1).shape == (3, 1)
    assert [str(w) for w in obj.W(1)] == ["w11[1]", "w21[1]", "w31[1]"]
    bias = obj.b(1)
    assert str(bias if isinstance(obj, Neuron) else bias[0]) == "b1[1]"
    assert obj._repr_latex_() == (
        "$\\displaystyle \\begin{aligned}\n"
        f"z_{{1}}^{{[1]}} &= {Z_LATEX} \\\\\n"
        "a_{1}^{[1]} &= \\sigma(z_{1}^{[1]})\n"
        "\\end{aligned}$")


@pytest.mark.parametrize("obj", one_unit_three_ways(), ids=["Neuron", "Layer", "Network"])
def test_j_and_i_may_be_left_out_where_the_object_knows_them(obj):
    assert obj.z(1, 1) == (obj.z(1) if isinstance(obj, Neuron) else obj.z(1)[0])
    assert obj.a(1, 1) == obj.a(None, 1)


def test_neuron_a_with_the_lecture_indices():
    # was a TypeError: Neuron.a took only `inputs`
    assert Neuron(3).a(1, 1) == Neuron(3).a()


@pytest.mark.parametrize("call", [
    lambda: Neuron(3).z(2, 1),
    lambda: Neuron(3).a(1, 2),
    lambda: Layer(3, 2, index=2).z(1, 1),
    lambda: Layer(3, 2).W(3),
])
def test_asking_a_neuron_or_layer_about_another_position_names_its_own(call):
    with pytest.raises(symnn.IndexOutOfRangeError, match=r"this object is (layer|unit) \d+"):
        call()


def test_has_bias_means_the_same_everywhere():
    for obj in (Neuron(2, bias=False), Layer(2, 2, bias=False), Network([2, 2, 1], bias=False)):
        assert obj.has_bias is False
        assert all(not str(p).startswith("b") for p in obj.params())


def test_a_hidden_layer_on_its_own_refuses_from_inputs():
    hidden = Network([2, 2, 1]).layer(2)
    with pytest.raises(symnn.InvalidArgumentError, match="Network.z"):
        hidden.z(2, 1, from_inputs=True)


def test_latex_and_pretty_accept_every_object_that_shows_itself():
    net = Network([2, 2, 1])
    result = collapse(net)
    params = symnn.Params.from_arrays([[[1.5], [-2.0]]], [[0.25]])
    merged = merge_affine(Network([2, 2, 2, 1], activation=["linear", "linear", "sigmoid"]))
    shown = {
        "collapse": (result, "w'_{1} &= w_{11}^{[1]} w_{11}^{[2]} + w_{12}^{[1]} w_{21}^{[2]}"),
        "params": (params, r"W^{[1]} &= \left[\begin{matrix}1.5\\-2.0\end{matrix}\right]"),
        "derivation": (result.proof, r"\left(W^{[1]} W^{[2]}\right)^{T} x"),
        "merged": (merged, r"layers 1 to 2 are one affine map"),
        "network": (net, r"z_{1}^{[2]} &= w_{11}^{[2]} a_{1}^{[1]} + w_{21}^{[2]} a_{2}^{[1]} + b_{1}^{[2]}"),
    }
    for name, (obj, expected) in shown.items():
        text = latex(obj)
        assert expected in text, name
        assert text in obj._repr_latex_(), name
        assert pretty(obj), name


def test_latex_refuses_what_does_not_show_itself():
    with pytest.raises(symnn.InvalidArgumentError, match="not dict"):
        latex({"a": 1})


def test_printer_options_are_validated_and_passed_on():
    z = Neuron(2).z()
    assert latex(z, mul_symbol="dot") == r"w_{11}^{[1]} \cdot x_{1} + w_{21}^{[1]} \cdot x_{2} + b_{1}^{[1]}"
    with pytest.raises(symnn.UnknownSettingError, match="unknown LaTeX printer option 'foo'.*mul_symbol"):
        latex(z, foo=1)
    with pytest.raises(symnn.UnknownSettingError, match="unknown pretty printer option 'bar'"):
        pretty(z, bar=2)


def test_settings_are_scoped_validated_and_restored_after_errors():
    default = symnn.current_settings().terms
    with pytest.raises(symnn.UnknownSettingError, match="unknown setting 'term'; valid: terms, expanded"):
        with symnn.settings(term=5):
            pass
    with pytest.raises(symnn.InvalidArgumentError, match="terms must be a positive integer, not -1"):
        with symnn.settings(terms=-1):
            pass
    with pytest.raises(symnn.ExpressionTooLarge, match="limit of 10 "):
        with symnn.settings(terms=10):
            assert symnn.current_settings().terms == 10
            collapse(Network([3, 4, 1]))
    assert symnn.current_settings().terms == default


def test_settings_do_not_leak_into_other_threads():
    seen = []
    with symnn.settings(elementwise_parameters=1):
        thread = threading.Thread(target=lambda: seen.append(symnn.current_settings().elementwise_parameters))
        thread.start()
        thread.join()
        assert "W^{[1]T} x" in latex(Network([2, 1]))  # block form: 3 parameters > 1
    assert seen == [200]
    assert "w_{11}^{[1]} x_{1}" in latex(Network([2, 1]))


def test_settings_progress_callback_is_called_for_long_work():
    calls = []

    def record(iterable, total, description):
        calls.append((total, description))
        return iterable

    with symnn.settings(progress=record):
        collapse(Network([300, 30, 30, 1]))
    assert calls and all(isinstance(total, int) and description for total, description in calls)


def test_equation_lists_print_aligned():
    x = Symbol("x")
    assert latex([Eq(x, 1, evaluate=False), Eq(2 * x, 2, evaluate=False)]) == (
        "\\begin{aligned}\nx &= 1 \\\\\n2 x &= 2\n\\end{aligned}")
