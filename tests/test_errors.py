"""Bad input: every case raises a SymnnError whose message says what was wrong and what is allowed."""

import pytest

import symnn
from symnn import Layer, Network, Neuron


@pytest.mark.parametrize(
    "sizes, fragment",
    [
        ([], "empty"),
        ([3], "only the input layer"),
        ([3, 0, 1], "positive integer"),
        ([3, -2], "positive integer"),
        ([3, 2.5], "positive integer"),
        ([3, True], "positive integer"),
        ("3,4,1", "list of positive integers"),
        (None, "list of positive integers"),
    ],
)
def test_bad_sizes(sizes, fragment):
    with pytest.raises(symnn.InvalidSizeError, match=fragment):
        Network(sizes)


def test_bad_sizes_are_also_value_errors():
    with pytest.raises(ValueError):
        Network([])


@pytest.mark.parametrize("j", [0, 3, -1, "1", 1.0])
def test_layer_index_out_of_range_names_valid_range(j):
    net = Network([3, 4, 1])
    with pytest.raises(symnn.IndexOutOfRangeError, match="from 1 to 2"):
        net.z(j, 1)


@pytest.mark.parametrize("i", [0, 5, -1])
def test_unit_index_out_of_range_names_valid_range(i):
    net = Network([3, 4, 1])
    with pytest.raises(symnn.IndexOutOfRangeError, match="from 1 to 4"):
        net.z(1, i)


def test_input_index_out_of_range():
    with pytest.raises(symnn.IndexOutOfRangeError, match="from 1 to 3"):
        Network([3, 1]).a(0, 4)
    with pytest.raises(symnn.IndexOutOfRangeError, match="from 1 to 3"):
        Layer(3, 2).weight(4, 1)


def test_unknown_activation_in_network():
    with pytest.raises(symnn.UnknownActivationError, match="valid names: linear, sigmoid"):
        Network([3, 1], activation="sigmoidal")


def test_activation_list_of_wrong_length():
    with pytest.raises(symnn.InvalidActivationError, match="exactly 2"):
        Network([3, 4, 1], activation=["sigmoid"])
    with pytest.raises(symnn.InvalidActivationError, match="exactly 2"):
        Network([3, 4, 1], activation=["sigmoid", "linear", "relu"])


def test_activation_of_wrong_type():
    with pytest.raises(symnn.SymnnError):
        Network([3, 1], activation=[42])


def test_input_names_of_wrong_length():
    with pytest.raises(symnn.InvalidNamesError, match="exactly 3 names, got 2"):
        Network([3, 1], input_names=["price", "marketing"])


def test_duplicate_names():
    with pytest.raises(symnn.InvalidNamesError, match="repeat"):
        Network([2, 1], input_names=["price", "price"])
    with pytest.raises(symnn.InvalidNamesError, match="repeat"):
        Network([2, 1], input_names=["shipping cost", "Shipping-Cost"])


def test_unit_names_of_wrong_shape():
    with pytest.raises(symnn.InvalidNamesError, match="exactly 3 names"):
        Network([4, 3, 1], unit_names=[["affordability"], None])
    with pytest.raises(symnn.InvalidNamesError, match="one per layer"):
        Network([4, 3, 1], unit_names=[["a", "b", "c"]])
    with pytest.raises(symnn.InvalidNamesError, match="layer numbers 1..2"):
        Network([4, 3, 1], unit_names={3: ["x"]})


def test_unit_names_as_mapping():
    net = Network([2, 2, 1], unit_names={2: ["output"]})
    assert str(net.layer(2).a_symbol(1)) == "a_output[2]"


def test_names_with_forbidden_characters():
    with pytest.raises(symnn.InvalidNamesError, match="not allowed"):
        Network([1, 1], input_names=["price$"])


def test_neuron_with_bad_size():
    with pytest.raises(symnn.InvalidSizeError, match="positive integer"):
        Neuron(0)


def test_all_errors_share_one_base():
    for cls in [symnn.InvalidSizeError, symnn.IndexOutOfRangeError, symnn.UnknownActivationError,
                symnn.InvalidActivationError, symnn.InvalidNamesError, symnn.InvalidArgumentError]:
        assert issubclass(cls, symnn.SymnnError)


def test_latex_of_unsupported_object():
    with pytest.raises(symnn.InvalidArgumentError):
        symnn.latex(object())
