"""Golden LaTeX from the lecture: each expected string is written by hand from the slides."""

import symnn
from symnn import Network, Neuron, notation

# "z_1^{[j]} = w_{11}^{[j]} a_1^{[i]} + w_{21}^{[j]} a_2^{[i]} + w_{31}^{[j]} a_3^{[i]} + b_1^{[j]}"
LECTURE_Z = (
    r"z_{1}^{[j]} = w_{11}^{[j]} a_{1}^{[i]} + w_{21}^{[j]} a_{2}^{[i]} "
    r"+ w_{31}^{[j]} a_{3}^{[i]} + b_{1}^{[j]}"
)


def test_three_input_unit_z_in_lecture_order():
    neuron = Neuron(3, "sigmoid", layer="j", input_layer="i")
    z_line = neuron.equations()[0]
    assert symnn.latex(z_line) == LECTURE_Z


def test_neuron_latex_is_an_aligned_block_of_its_two_lines():
    neuron = Neuron(3, "sigmoid", layer="j", input_layer="i")
    expected_z = LECTURE_Z.replace(" = ", " &= ", 1)
    assert symnn.latex(neuron) == (
        "\\begin{aligned}\n" + expected_z + " \\\\\n" + r"a_{1}^{[j]} &= \sigma(z_{1}^{[j]})" + "\n\\end{aligned}"
    )


def test_three_input_unit_z_expression_alone():
    neuron = Neuron(3, "sigmoid", layer="j", input_layer="i")
    assert symnn.latex(neuron.z()) == (
        r"w_{11}^{[j]} a_{1}^{[i]} + w_{21}^{[j]} a_{2}^{[i]} + w_{31}^{[j]} a_{3}^{[i]} + b_{1}^{[j]}"
    )


def test_sigmoid_activation_line():
    neuron = Neuron(3, "sigmoid", layer="j", input_layer="i")
    a_line = neuron.equations()[1]
    assert symnn.latex(a_line.lhs) + " = " + symnn.latex(a_line.rhs) == r"a_{1}^{[j]} = \sigma(z_{1}^{[j]})"


def test_lecture_sum_form():
    # z_1^{[j]} = \sum_k w_{k1}^{[j]} a_k^{[i]} + b_1^{[j]}
    neuron = Neuron(3, "sigmoid", layer="j", input_layer="i")
    assert symnn.latex(neuron.z_sum()) == r"\sum_{k=1}^{3} w_{k1}^{[j]} a_{k}^{[i]} + b_{1}^{[j]}"
    assert neuron.z_sum().doit() == neuron.z()


def test_digit_neuron_has_35_terms_in_order():
    # The single neuron that reads a flattened 7x5 digit image: 35 inputs x_1..x_35.
    expected = " + ".join(
        [r"w_{11}^{[1]} x_{1}", r"w_{21}^{[1]} x_{2}", r"w_{31}^{[1]} x_{3}", r"w_{41}^{[1]} x_{4}",
         r"w_{51}^{[1]} x_{5}", r"w_{61}^{[1]} x_{6}", r"w_{71}^{[1]} x_{7}", r"w_{81}^{[1]} x_{8}",
         r"w_{91}^{[1]} x_{9}", r"w_{10,1}^{[1]} x_{10}", r"w_{11,1}^{[1]} x_{11}", r"w_{12,1}^{[1]} x_{12}",
         r"w_{13,1}^{[1]} x_{13}", r"w_{14,1}^{[1]} x_{14}", r"w_{15,1}^{[1]} x_{15}", r"w_{16,1}^{[1]} x_{16}",
         r"w_{17,1}^{[1]} x_{17}", r"w_{18,1}^{[1]} x_{18}", r"w_{19,1}^{[1]} x_{19}", r"w_{20,1}^{[1]} x_{20}",
         r"w_{21,1}^{[1]} x_{21}", r"w_{22,1}^{[1]} x_{22}", r"w_{23,1}^{[1]} x_{23}", r"w_{24,1}^{[1]} x_{24}",
         r"w_{25,1}^{[1]} x_{25}", r"w_{26,1}^{[1]} x_{26}", r"w_{27,1}^{[1]} x_{27}", r"w_{28,1}^{[1]} x_{28}",
         r"w_{29,1}^{[1]} x_{29}", r"w_{30,1}^{[1]} x_{30}", r"w_{31,1}^{[1]} x_{31}", r"w_{32,1}^{[1]} x_{32}",
         r"w_{33,1}^{[1]} x_{33}", r"w_{34,1}^{[1]} x_{34}", r"w_{35,1}^{[1]} x_{35}", r"b_{1}^{[1]}"]
    )
    neuron = Neuron(35, "sigmoid")
    assert symnn.latex(neuron.z()) == expected
    assert len(neuron.z().args) == 36


DEMAND_INPUTS = ["price", "shipping cost", "marketing", "material"]
DEMAND_HIDDEN = ["affordability", "awareness", "perceived quality"]
DEMAND_OUTPUT = ["top-seller probability"]


def demand_network():
    return Network([4, 3, 1], activation="sigmoid", input_names=DEMAND_INPUTS,
                   unit_names=[DEMAND_HIDDEN, DEMAND_OUTPUT])


def test_demand_network_hidden_unit_with_names():
    net = demand_network()
    line = net.layer(1).equations(1)[0]
    assert symnn.latex(line.lhs) == r"z_{\text{affordability}}^{[1]}"
    assert symnn.latex(line.rhs) == (
        r"w_{11}^{[1]} x_{\text{price}} + w_{21}^{[1]} x_{\text{shipping cost}} "
        r"+ w_{31}^{[1]} x_{\text{marketing}} + w_{41}^{[1]} x_{\text{material}} + b_{1}^{[1]}"
    )


def test_demand_network_output_unit_with_names():
    net = demand_network()
    z_line, a_line = net.layer(2).equations(1)
    assert symnn.latex(z_line.rhs) == (
        r"w_{11}^{[2]} a_{\text{affordability}}^{[1]} + w_{21}^{[2]} a_{\text{awareness}}^{[1]} "
        r"+ w_{31}^{[2]} a_{\text{perceived quality}}^{[1]} + b_{1}^{[2]}"
    )
    assert symnn.latex(a_line.lhs) + " = " + symnn.latex(a_line.rhs) == (
        r"a_{\text{top-seller probability}}^{[2]} = \sigma(z_{\text{top-seller probability}}^{[2]})"
    )


def test_demand_names_print_readably_as_text():
    net = demand_network()
    assert str(net.a(0, 2)) == "x_shipping_cost"
    assert str(net.layer(2).a_symbol(1)) == "a_top-seller_probability[2]"
    assert str(notation.x(2, "shipping cost")) == "x_shipping_cost"
